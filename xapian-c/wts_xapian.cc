// wts_xapian.cc: the C API of wts_xapian.h over libxapian.
//
// Every extern "C" function body runs inside WTS_GUARD, which turns every
// exception (Xapian's, std::bad_alloc, any std::exception, anything else)
// into a wts_status plus a message on the handle.  Nothing escapes to C.

#include "wts_xapian.h"
#include "wts_xapian_testing.h"

#include <xapian.h>

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <cstdlib>
#include <cstring>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

struct wts_xdoc {
    Xapian::Document doc;
};

namespace {
class MatchHelper;
}

struct wts_xdb {
    Xapian::Database db;  // every shard as one database
    // An index of several shards: each on its own, because in a combined
    // database metadata is read from the first shard only.  Empty for a
    // single database and for a writer's view.
    std::vector<Xapian::Database> shards;
    // Documents replaced or removed in a database without term lists,
    // where Xapian cannot delete them: every answer leaves them out.
    // Sorted docids of db; filled from each shard's HIDDEN_KEY.
    std::vector<Xapian::docid> hidden;
    // The same per shard (empty for a single database), as it numbers
    // them, by its uuid: a match hands a posting source each shard alone.
    std::map<std::string, std::vector<Xapian::docid>> hidden_by_uuid;
    // Per shard (one for a single database): whether it was built without
    // term lists, so may hide documents.  Others are not asked: a lookup
    // each, and one that fails on a damaged table at every open.
    std::vector<bool> may_hide;
    std::string path;  // of the stub's directory, to notice a new stub
    std::string stub;  // the stub's text when opened
    uint64_t generation = 0;
    std::string message;
    // Threads a match may run on, one part of the shards each (1: the
    // calling thread alone), and the extra threads, each with a handle of
    // its own (a Xapian handle serves one thread at a time), started when
    // first needed and used only at this handle's state.
    unsigned match_threads = 1;
    std::vector<std::unique_ptr<MatchHelper>> helpers;
    uint64_t matches = 0;  // run through this handle
};

struct wts_xwriter {
    Xapian::WritableDatabase db;
    wts_xdb view;  // shares db's internals: reads see pending changes
    std::string message;
    bool termlists = true;
    bool hidden_changed = false;  // view.hidden differs from what is stored
};

// The shape of a query as it was built, which Xapian::Query does not
// give back (wildcard patterns, value ranges): for evaluating it paragraph
// by paragraph inside one document (ParagraphEval).
struct QueryShape {
    enum Kind { TERM, WILDCARD, VALUE_RANGE, MATCH_ALL, MATCH_NOTHING, COMBINED, SCALED } kind;
    wts_xop op = WTS_XOP_OR;  // COMBINED
    std::string text;         // TERM: the term; WILDCARD: the prefix
    unsigned slot = 0;        // VALUE_RANGE
    std::string lo, hi;       // VALUE_RANGE
    uint32_t window = 0;      // COMBINED PHRASE and NEAR
    uint32_t max_terms = 0;   // WILDCARD: most terms it may stand for
    double factor = 1;        // SCALED
    std::vector<std::shared_ptr<const QueryShape>> subs;
    Xapian::Query q;          // what it builds
};

// A query is its shape, which holds the Xapian query it builds.
struct wts_xquery {
    std::shared_ptr<const QueryShape> shape;
};

struct wts_xstem {
    Xapian::Stem stem;
    bool none = false;
};

struct wts_xhit {
    wts_docid id;
    double weight;
    uint32_t collapsed;
    std::string data;
};

struct wts_xmset {
    std::vector<wts_xhit> hits;
    uint32_t estimated = 0;
    uint32_t lower_bound = 0;
    uint32_t upper_bound = 0;
    std::vector<std::pair<std::string, uint32_t>> facets;
};

namespace {

// Maps the exception being handled to a status, writing its text to msg.
// The order matters: subclasses before their bases.
wts_status map_current_exception(std::string &msg) noexcept {
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &e) {
        msg = "index is locked by another writer: " + e.get_msg();
        return WTS_ERR_LOCKED;
    } catch (const Xapian::DatabaseModifiedError &e) {
        msg = "index changed while being read; reopen and retry: " + e.get_msg();
        return WTS_ERR_MODIFIED;
    } catch (const Xapian::DatabaseVersionError &e) {
        msg = "unsupported index format: " + e.get_msg();
        return WTS_ERR_VERSION;
    } catch (const Xapian::DatabaseNotFoundError &e) {
        msg = "no index found: " + e.get_msg();
        return WTS_ERR_NO_INDEX;
    } catch (const Xapian::DatabaseOpeningError &e) {
        msg = "cannot open index: " + e.get_msg();
        return WTS_ERR_NO_INDEX;
    } catch (const Xapian::DatabaseCorruptError &e) {
        msg = "index is corrupt: " + e.get_msg();
        return WTS_ERR_CORRUPT;
    } catch (const Xapian::DatabaseError &e) {
        msg = "index error: " + e.get_msg();
        return WTS_ERR_IO;
    } catch (const Xapian::WildcardError &e) {
        msg = "wildcard matches too many terms: " + e.get_msg();
        return WTS_ERR_LIMIT;
    } catch (const Xapian::QueryParserError &e) {
        msg = "bad query: " + e.get_msg();
        return WTS_ERR_BAD_QUERY;
    } catch (const Xapian::UnimplementedError &e) {
        msg = "query not supported: " + e.get_msg();
        return WTS_ERR_BAD_QUERY;
    } catch (const Xapian::InvalidArgumentError &e) {
        msg = "invalid argument: " + e.get_msg();
        return WTS_ERR_INVALID;
    } catch (const Xapian::DocNotFoundError &e) {
        msg = "no such document: " + e.get_msg();
        return WTS_ERR_NOT_FOUND;
    } catch (const Xapian::RangeError &e) {
        msg = "value out of range: " + e.get_msg();
        return WTS_ERR_INVALID;
    } catch (const Xapian::Error &e) {
        msg = std::string(e.get_type()) + ": " + e.get_msg();
        return WTS_ERR_INTERNAL;
    } catch (const std::bad_alloc &) {
        msg = "out of memory";
        return WTS_ERR_NO_MEMORY;
    } catch (const std::exception &e) {
        msg = std::string("unexpected error: ") + e.what();
        return WTS_ERR_INTERNAL;
    } catch (...) {
        msg = "unexpected error of unknown type";
        return WTS_ERR_INTERNAL;
    }
}

// Copies msg into a malloc'd string for callers without a handle.
void give_message(char **errmsg, const std::string &msg) noexcept {
    if (!errmsg) return;
    *errmsg = static_cast<char *>(std::malloc(msg.size() + 1));
    if (*errmsg) std::memcpy(*errmsg, msg.c_str(), msg.size() + 1);
}

// What read takes from document id, asked first trusting the id, which
// saves a lookup of the document in another table.  Our documents always
// have data and paragraph bounds, so an empty answer is asked again with
// the lookup, which tells a missing document (Xapian::DocNotFoundError).
template <typename Read>
std::string read_trusting_id(const Xapian::Database &db, Xapian::docid id, Read read) {
    std::string s = read(db.get_document(id, Xapian::DOC_ASSUME_VALID));
    return s.empty() ? read(db.get_document(id)) : s;
}

// Queries matching every document and none, made anew at each use.
// Xapian's Query::MatchAll is one static object whose reference count is
// not atomic: copied on two threads at once (the daemon's workers, each
// widening a date: range for its estimate) the count went wrong and the
// object was freed under them.  MatchNothing holds nothing to count; it is
// made here too so that neither static is ever copied.
Xapian::Query match_all_query() { return Xapian::Query(std::string()); }
Xapian::Query match_nothing_query() { return Xapian::Query(); }

char *dup_bytes(const std::string &s, size_t *len) {
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p) throw std::bad_alloc();
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    if (len) *len = s.size();
    return p;
}

// Where a database without term lists keeps the docids it hides: 4 bytes
// each, least significant first, in increasing order.
const char HIDDEN_KEY[] = "wts.hidden";

std::string encode_docids(const std::vector<Xapian::docid> &ids) {
    std::string out;
    out.reserve(ids.size() * 4);
    for (Xapian::docid id : ids)
        for (int b = 0; b < 4; b++) out += static_cast<char>((id >> (8 * b)) & 0xff);
    return out;
}

std::vector<Xapian::docid> decode_docids(const std::string &bytes) {
    if (bytes.size() % 4) throw Xapian::DatabaseCorruptError("list of hidden documents of a bad size");
    std::vector<Xapian::docid> ids(bytes.size() / 4);
    for (size_t i = 0; i < ids.size(); i++) {
        Xapian::docid id = 0;
        for (int b = 0; b < 4; b++) id |= static_cast<Xapian::docid>(static_cast<unsigned char>(bytes[4 * i + b])) << (8 * b);
        if (id == 0 || (i && id <= ids[i - 1])) throw Xapian::DatabaseCorruptError("list of hidden documents out of order");
        ids[i] = id;
    }
    return ids;
}

bool is_hidden(const wts_xdb *db, Xapian::docid id) {
    return !db->hidden.empty() && std::binary_search(db->hidden.begin(), db->hidden.end(), id);
}

bool file_exists(const std::string &path) {
    struct stat sb;
    return ::stat(path.c_str(), &sb) == 0;
}

// Whether the glass database in dir exists and was built without term
// lists (Xapian tells it only from its files).
bool without_termlists(const std::string &dir) {
    return file_exists(dir + "/iamglass") && !file_exists(dir + "/termlist.glass");
}

// Reads the hidden documents of every shard, numbered as in the combined
// database (Xapian interleaves shards: shard i of n holds i+1, n+i+1, ...).
void load_hidden(wts_xdb *db) {
    db->hidden.clear();
    db->hidden_by_uuid.clear();
    if (db->shards.empty()) {
        if (!db->may_hide.empty() && db->may_hide[0]) db->hidden = decode_docids(db->db.get_metadata(HIDDEN_KEY));
        return;
    }
    const Xapian::docid n = static_cast<Xapian::docid>(db->shards.size());
    for (Xapian::docid i = 0; i < n; i++) {
        if (!db->may_hide[i]) continue;
        std::vector<Xapian::docid> local = decode_docids(db->shards[i].get_metadata(HIDDEN_KEY));
        if (local.empty()) continue;
        for (Xapian::docid id : local) db->hidden.push_back((id - 1) * n + i + 1);
        if (!db->hidden_by_uuid.emplace(db->shards[i].get_uuid(), std::move(local)).second)
            throw Xapian::DatabaseCorruptError("two shards of " + db->path + " are copies of one database");
    }
    std::sort(db->hidden.begin(), db->hidden.end());
}

// Whether term, held by tf documents, indexes one that is not hidden.
bool is_live_term(const wts_xdb *db, const std::string &term, Xapian::doccount tf) {
    if (tf > db->hidden.size()) return true;  // more holders than are hidden: one is live
    if (tf == 0) return false;
    for (auto p = db->db.postlist_begin(term); p != db->db.postlist_end(term); ++p)
        if (!is_hidden(db, *p)) return true;
    return false;
}

// The hidden documents of a database, matched, to be taken out of a match
// with OP_AND_NOT (weighing nothing, they change no weight, and facets and
// counts leave them out).  Not a MatchDecider: Xapian 1.4 hands a decider
// the document's docid within its shard, without saying which shard.
class HiddenDocs : public Xapian::PostingSource {
  public:
    explicit HiddenDocs(const wts_xdb *db) : db_(db) {}
    void init(const Xapian::Database &db) override {
        ids_ = &none_;
        if (db_->shards.empty()) {
            ids_ = &db_->hidden;
        } else {  // one shard: which one, by its uuid
            auto it = db_->hidden_by_uuid.find(db.get_uuid());
            if (it != db_->hidden_by_uuid.end()) ids_ = &it->second;
        }
        at_ = 0;
        started_ = false;
    }
    Xapian::doccount get_termfreq_min() const override { return count(); }
    Xapian::doccount get_termfreq_est() const override { return count(); }
    Xapian::doccount get_termfreq_max() const override { return count(); }
    void next(double) override {
        if (started_) at_++;
        started_ = true;
    }
    void skip_to(Xapian::docid did, double) override {
        started_ = true;
        if (at_ < ids_->size() && (*ids_)[at_] < did)
            at_ = static_cast<size_t>(std::lower_bound(ids_->begin() + at_, ids_->end(), did) - ids_->begin());
    }
    bool at_end() const override { return started_ && at_ >= ids_->size(); }
    Xapian::docid get_docid() const override { return (*ids_)[at_]; }
    Xapian::PostingSource *clone() const override { return new HiddenDocs(db_); }

  private:
    Xapian::doccount count() const { return static_cast<Xapian::doccount>(ids_->size()); }
    const wts_xdb *db_;
    const std::vector<Xapian::docid> none_;
    const std::vector<Xapian::docid> *ids_ = &none_;
    size_t at_ = 0;
    bool started_ = false;
};

// q without db's hidden documents.
Xapian::Query without_hidden(const wts_xdb *db, const Xapian::Query &q) {
    if (db->hidden.empty()) return q;
    return Xapian::Query(Xapian::Query::OP_AND_NOT, q, Xapian::Query((new HiddenDocs(db))->release()));
}

// Counts the '\n'-ended keys held in one value slot of every match seen.
class KeyListSpy : public Xapian::MatchSpy {
  public:
    explicit KeyListSpy(Xapian::valueno slot) : slot_(slot) {}
    void operator()(const Xapian::Document &doc, double) override {
        const std::string v = doc.get_value(slot_);
        size_t start = 0;
        while (start < v.size()) {
            size_t end = v.find('\n', start);
            if (end == std::string::npos) end = v.size();
            if (end > start) ++counts_[v.substr(start, end - start)];
            start = end + 1;
        }
    }
    const std::map<std::string, uint32_t> &counts() const { return counts_; }

  private:
    Xapian::valueno slot_;
    std::map<std::string, uint32_t> counts_;
};

Xapian::Query::op to_xapian_op(wts_xop op) {
    switch (op) {
    case WTS_XOP_AND: return Xapian::Query::OP_AND;
    case WTS_XOP_OR: return Xapian::Query::OP_OR;
    case WTS_XOP_AND_NOT: return Xapian::Query::OP_AND_NOT;
    case WTS_XOP_AND_MAYBE: return Xapian::Query::OP_AND_MAYBE;
    case WTS_XOP_FILTER: return Xapian::Query::OP_FILTER;
    case WTS_XOP_PHRASE: return Xapian::Query::OP_PHRASE;
    case WTS_XOP_NEAR: return Xapian::Query::OP_NEAR;
    case WTS_XOP_SYNONYM: return Xapian::Query::OP_SYNONYM;
    }
    throw Xapian::InvalidArgumentError("unknown query operator");
}

}  // namespace

// Runs body; any exception becomes a status and a message stored in MSG.
#define WTS_GUARD(MSG, ...)                                                   \
    do {                                                                      \
        try {                                                                 \
            __VA_ARGS__;                                                      \
            return WTS_OK;                                                    \
        } catch (...) {                                                       \
            return map_current_exception(MSG);                                \
        }                                                                     \
    } while (0)

// For functions whose only handle is an out-parameter: the message is lost,
// the status is what matters (allocation and argument errors).
#define WTS_GUARD_NOHANDLE(...)                                               \
    do {                                                                      \
        std::string ignored_;                                                 \
        WTS_GUARD(ignored_, __VA_ARGS__);                                     \
    } while (0)

extern "C" {

const char *wts_status_name(wts_status st) {
    switch (st) {
    case WTS_OK: return "ok";
    case WTS_ERR_NO_INDEX: return "no index";
    case WTS_ERR_LOCKED: return "locked";
    case WTS_ERR_MODIFIED: return "modified";
    case WTS_ERR_BAD_QUERY: return "bad query";
    case WTS_ERR_LIMIT: return "limit exceeded";
    case WTS_ERR_CORRUPT: return "corrupt";
    case WTS_ERR_VERSION: return "unsupported version";
    case WTS_ERR_NOT_FOUND: return "not found";
    case WTS_ERR_INVALID: return "invalid argument";
    case WTS_ERR_IO: return "i/o error";
    case WTS_ERR_NO_MEMORY: return "out of memory";
    case WTS_ERR_PARSE: return "parse error";
    case WTS_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}

/* ---- documents ---- */

wts_status wts_xdoc_new(wts_xdoc **out) {
    if (!out) return WTS_ERR_INVALID;
    *out = nullptr;
    WTS_GUARD_NOHANDLE(*out = new wts_xdoc());
}

void wts_xdoc_free(wts_xdoc *doc) { delete doc; }

wts_status wts_xdoc_add_posting(wts_xdoc *doc, const char *term, size_t len,
                                uint32_t pos, uint32_t wdf_inc) {
    if (!doc || !term || len == 0) return WTS_ERR_INVALID;
    WTS_GUARD_NOHANDLE(doc->doc.add_posting(std::string(term, len), pos, wdf_inc));
}

wts_status wts_xdoc_add_term(wts_xdoc *doc, const char *term, size_t len,
                             uint32_t wdf_inc) {
    if (!doc || !term || len == 0) return WTS_ERR_INVALID;
    WTS_GUARD_NOHANDLE(doc->doc.add_term(std::string(term, len), wdf_inc));
}

wts_status wts_xdoc_set_value(wts_xdoc *doc, unsigned slot, const void *bytes,
                              size_t len) {
    if (!doc || (!bytes && len)) return WTS_ERR_INVALID;
    WTS_GUARD_NOHANDLE(doc->doc.add_value(
        slot, std::string(static_cast<const char *>(bytes), len)));
}

wts_status wts_xdoc_set_data(wts_xdoc *doc, const void *bytes, size_t len) {
    if (!doc || (!bytes && len)) return WTS_ERR_INVALID;
    WTS_GUARD_NOHANDLE(
        doc->doc.set_data(std::string(static_cast<const char *>(bytes), len)));
}

/* ---- readers ---- */

namespace {

const char STUB_NAME[] = "XAPIANDB";
// Most threads one match runs on, whatever the machine has.
const unsigned MAX_MATCH_THREADS = 8;

bool read_whole(const std::string &file, std::string &out) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return true;
}

// Parses a stub written by wts_xstub_write: "glass NAME" lines and a
// "# generation N" line; other comment and blank lines are skipped.
bool parse_stub(const std::string &text, std::vector<std::string> &names, uint64_t &generation) {
    std::istringstream in(text);
    generation = 0;
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        if (line[0] == '#') {
            unsigned long long g;
            if (std::sscanf(line.c_str(), "# generation %llu", &g) == 1) generation = g;
            continue;
        }
        size_t sp = line.find(' ');
        if (sp == std::string::npos) return false;
        std::string type = line.substr(0, sp), name = line.substr(sp + 1);
        if ((type != "glass" && type != "auto") || name.empty()) return false;
        names.push_back(name);
    }
    return !names.empty();
}

void open_shards(wts_xdb *db, const std::string &path) {
    std::string text;
    db->path = path;
    db->shards.clear();
    if (!read_whole(path + "/" + STUB_NAME, text)) {
        db->stub.clear();
        db->db = Xapian::Database(path, Xapian::DB_BACKEND_GLASS);
        db->may_hide.assign(1, without_termlists(path));
        load_hidden(db);
        return;
    }
    std::vector<std::string> names;
    uint64_t generation = 0;
    if (!parse_stub(text, names, generation))
        throw Xapian::DatabaseCorruptError("unreadable shard list " + path + "/" + STUB_NAME);
    Xapian::Database all;
    db->may_hide.clear();
    for (const std::string &name : names) {
        const std::string shard = name[0] == '/' ? name : path + "/" + name;
        db->shards.emplace_back(shard, Xapian::DB_BACKEND_GLASS);
        db->may_hide.push_back(without_termlists(shard));
        all.add_database(db->shards.back());
    }
    db->db = all;
    db->stub = text;
    db->generation = generation;
    load_hidden(db);
}

// Moves db to the newest committed state; whether it changed.
bool reopen_db(wts_xdb *db) {
    std::string text;
    if (!db->stub.empty() && read_whole(db->path + "/" + STUB_NAME, text) && text != db->stub) {
        open_shards(db, db->path);  // shards were replaced (compacted)
        return true;
    }
    // the shards share the combined database's internals: a shard
    // reopened later may move it on further
    bool c = db->db.reopen();
    for (auto &shard : db->shards) c = shard.reopen() || c;
    if (c) load_hidden(db);
    return c;
}

// The committed state db reads: each database's uuid and revision, and a
// sharded index's generation (wts_xdb_state).
std::string state_text(const wts_xdb &db) {
    if (db.shards.empty()) return db.db.get_uuid() + "@" + std::to_string(db.db.get_revision());
    std::string s = "g" + std::to_string(db.generation);
    for (const auto &shard : db.shards) s += " " + shard.get_uuid() + "@" + std::to_string(shard.get_revision());
    return s;
}

// A thread kept for one part of the matches of a handle, beyond the
// first, with a handle of its own.  Kept rather than started for each
// match: one just started was often queued behind the thread starting it
// (the second half of a 2 ms match began 1 to 2 ms late).
class MatchHelper {
  public:
    explicit MatchHelper(const std::string &path) : db_(new wts_xdb()) {
        open_shards(db_.get(), path);
        // the processors of the thread starting the helper, read once
        have_allowed_ = sched_getaffinity(0, sizeof allowed_, &allowed_) == 0;
        try {
            thread_ = std::thread([this] { serve(); });
        } catch (const std::system_error &) {  // no thread to be had: start() runs jobs inline
        }
    }
    ~MatchHelper() {
        {
            std::lock_guard<std::mutex> lock(mu_);
            quit_ = true;
        }
        cv_.notify_all();
        if (thread_.joinable()) thread_.join();
    }
    MatchHelper(const MatchHelper &) = delete;
    MatchHelper &operator=(const MatchHelper &) = delete;

    wts_xdb &handle() { return *db_; }
    // Starts *job, which must not throw and outlives the call to wait(),
    // on the helper's thread; wait() returns once it is done.
    void start(const std::function<void()> *job) {
        if (!thread_.joinable()) {
            (*job)();
            return;
        }
        away_from_caller();
        {
            std::lock_guard<std::mutex> lock(mu_);
            job_ = job;
            done_ = false;
        }
        cv_.notify_all();
    }
    void wait() {
        if (!thread_.joinable()) return;
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return done_; });
    }

  private:
    // Keeps the thread off the processor of the thread starting its job.
    // Left to choose, Linux under a hypervisor often takes an idle virtual
    // processor for a busy one and wakes the helper on its waker's, where
    // it runs first and its waker's part after it ("small businesses
    // digital tools for exporters in rural regions", 100,000 documents, one
    // at a time: 17.1 ms on one thread, 16.7 on two unpinned, 12.7 pinned).
    // Set again only when the caller is on another processor than last time.
    void away_from_caller() {
        const int here = sched_getcpu();
        if (!have_allowed_ || here < 0 || here >= CPU_SETSIZE || here == kept_off_) return;
        cpu_set_t others = allowed_;
        CPU_CLR(here, &others);
        if (CPU_COUNT(&others) > 0 && pthread_setaffinity_np(thread_.native_handle(), sizeof others, &others) == 0)
            kept_off_ = here;
    }

    void serve() {
        std::unique_lock<std::mutex> lock(mu_);
        for (;;) {
            cv_.wait(lock, [this] { return job_ || quit_; });
            if (!job_) return;
            const std::function<void()> *job = job_;
            job_ = nullptr;
            lock.unlock();
            (*job)();
            lock.lock();
            done_ = true;
            cv_.notify_all();
        }
    }

    std::unique_ptr<wts_xdb> db_;
    std::thread thread_;
    std::mutex mu_;
    std::condition_variable cv_;
    const std::function<void()> *job_ = nullptr;
    bool done_ = true, quit_ = false;
    cpu_set_t allowed_;
    bool have_allowed_ = false;
    int kept_off_ = -1;  // the processor the thread is kept off
};

}  // namespace

wts_status wts_xdb_open(const char *path, wts_xdb **out, char **errmsg) {
    if (errmsg) *errmsg = nullptr;
    if (out) *out = nullptr;
    if (!out || !path) return WTS_ERR_INVALID;
    std::string msg;
    wts_xdb *db = nullptr;
    try {
        db = new wts_xdb();
        open_shards(db, path);
        *out = db;
        return WTS_OK;
    } catch (...) {
        delete db;
        wts_status st = map_current_exception(msg);
        give_message(errmsg, msg);
        return st;
    }
}

void wts_xdb_close(wts_xdb *db) { delete db; }

const char *wts_xdb_message(const wts_xdb *db) {
    return db ? db->message.c_str() : "";
}

wts_status wts_xdb_reopen(wts_xdb *db, int *changed) {
    if (!db) return WTS_ERR_INVALID;
    WTS_GUARD(db->message, {
        const bool c = reopen_db(db);
        if (changed) *changed = c ? 1 : 0;
    });
}

wts_status wts_xdb_set_match_threads(wts_xdb *db, unsigned threads) {
    if (!db) return WTS_ERR_INVALID;
    db->match_threads = threads < 1 ? 1 : threads > MAX_MATCH_THREADS ? MAX_MATCH_THREADS : threads;
    return WTS_OK;
}

wts_status wts_xdb_doccount(wts_xdb *db, uint32_t *out) {
    if (!db || !out) return WTS_ERR_INVALID;
    WTS_GUARD(db->message, {
        const Xapian::doccount all = db->db.get_doccount();
        *out = all > db->hidden.size() ? static_cast<uint32_t>(all - db->hidden.size()) : 0;
    });
}

wts_status wts_xdb_hidden_count(wts_xdb *db, uint32_t *out) {
    if (!db || !out) return WTS_ERR_INVALID;
    *out = static_cast<uint32_t>(db->hidden.size());
    return WTS_OK;
}

wts_status wts_xdb_revision(wts_xdb *db, uint64_t *out) {
    if (!db || !out) return WTS_ERR_INVALID;
    WTS_GUARD(db->message, {
        if (db->shards.empty()) {
            *out = db->db.get_revision();
        } else {  // changes with any shard's commit and any new shard list
            uint64_t sum = db->generation;
            for (auto &shard : db->shards) sum += shard.get_revision();
            *out = sum;
        }
    });
}

wts_status wts_xdb_state(wts_xdb *db, char **out) {
    if (!out) return WTS_ERR_INVALID;
    *out = nullptr;
    if (!db) return WTS_ERR_INVALID;
    WTS_GUARD(db->message, *out = dup_bytes(state_text(*db), nullptr));
}

wts_status wts_xdb_get_metadata(wts_xdb *db, const char *key, char **out) {
    return wts_xdb_get_metadata_bytes(db, key, out, nullptr);
}

wts_status wts_xdb_get_metadata_bytes(wts_xdb *db, const char *key, char **out, size_t *len) {
    if (!out) return WTS_ERR_INVALID;
    *out = nullptr;
    if (len) *len = 0;
    if (!db || !key || !*key) return WTS_ERR_INVALID;
    WTS_GUARD(db->message, {
        std::string v;
        if (db->shards.empty()) v = db->db.get_metadata(key);
        for (size_t i = 0; i < db->shards.size() && v.empty(); i++) v = db->shards[i].get_metadata(key);
        *out = dup_bytes(v, len);
    });
}

wts_status wts_xdb_termfreq(wts_xdb *db, const char *term, uint32_t *out) {
    if (!db || !term || !out) return WTS_ERR_INVALID;
    WTS_GUARD(db->message, *out = db->db.get_termfreq(term));
}

wts_status wts_xdb_doc_data(wts_xdb *db, wts_docid id, char **data,
                            size_t *len) {
    if (!data) return WTS_ERR_INVALID;
    *data = nullptr;
    if (!db || id == 0) return WTS_ERR_INVALID;
    const auto data_of = [](const Xapian::Document &d) { return d.get_data(); };
    WTS_GUARD(db->message, *data = dup_bytes(read_trusting_id(db->db, id, data_of), len));
}

wts_status wts_xdb_doc_value(wts_xdb *db, wts_docid id, unsigned slot,
                             char **value, size_t *len) {
    if (!value) return WTS_ERR_INVALID;
    *value = nullptr;
    if (!db || id == 0) return WTS_ERR_INVALID;
    WTS_GUARD(db->message,
              *value = dup_bytes(db->db.get_document(id).get_value(slot), len));
}

namespace {

// Every term starting with pfx; only those of documents not hidden when
// live_only.
void each_term(wts_xdb *db, const std::string &pfx, bool live_only, wts_xterm_cb cb, void *ud) {
    for (auto t = db->db.allterms_begin(pfx); t != db->db.allterms_end(pfx); ++t) {
        const std::string term = *t;
        if (live_only && !is_live_term(db, term, t.get_termfreq())) continue;
        if (cb(ud, term.data(), term.size(), t.get_termfreq())) break;
    }
}

}  // namespace

wts_status wts_xdb_terms(wts_xdb *db, const char *prefix, wts_xterm_cb cb,
                         void *ud) {
    if (!db || !cb) return WTS_ERR_INVALID;
    WTS_GUARD(db->message, each_term(db, prefix ? prefix : "", true, cb, ud));
}

wts_status wts_xdb_terms_stored(wts_xdb *db, const char *prefix, wts_xterm_cb cb, void *ud) {
    if (!db || !cb) return WTS_ERR_INVALID;
    WTS_GUARD(db->message, each_term(db, prefix ? prefix : "", false, cb, ud));
}

wts_status wts_xdb_term_live(wts_xdb *db, const char *term, size_t len, int *live) {
    if (live) *live = 0;
    if (!db || !term || !live) return WTS_ERR_INVALID;
    WTS_GUARD(db->message, {
        const std::string t(term, len);
        *live = is_live_term(db, t, db->db.get_termfreq(t)) ? 1 : 0;
    });
}

wts_status wts_xdb_metadata_keys(wts_xdb *db, const char *prefix, wts_xterm_cb cb, void *ud) {
    if (!db || !cb) return WTS_ERR_INVALID;
    const std::string pfx = prefix ? prefix : "";
    WTS_GUARD(db->message, {
        // Shard by shard: keys are in byte order within each shard only.
        std::vector<Xapian::Database> one{db->db};
        for (const Xapian::Database &d : db->shards.empty() ? one : db->shards)
            for (auto k = d.metadata_keys_begin(pfx); k != d.metadata_keys_end(pfx); ++k) {
                const std::string key = *k;
                if (cb(ud, key.data(), key.size(), 0)) return WTS_OK;
            }
    });
}

wts_status wts_xdb_postings(wts_xdb *db, const char *term, wts_xdocid_cb cb,
                            void *ud) {
    if (!db || !term || !cb) return WTS_ERR_INVALID;
    WTS_GUARD(db->message, {
        for (auto p = db->db.postlist_begin(term); p != db->db.postlist_end(term); ++p)
            if (!is_hidden(db, *p) && cb(ud, *p)) break;
    });
}

wts_status wts_xdb_doc_terms(wts_xdb *db, wts_docid id, const char *prefix,
                             wts_xterm_cb cb, void *ud) {
    if (!db || id == 0 || !cb) return WTS_ERR_INVALID;
    const std::string pfx = prefix ? prefix : "";
    WTS_GUARD(db->message, {
        auto t = db->db.termlist_begin(id);
        if (!pfx.empty()) t.skip_to(pfx);
        for (; t != db->db.termlist_end(id); ++t) {
            const std::string term = *t;
            if (term.compare(0, pfx.size(), pfx) != 0) break;
            if (cb(ud, term.data(), term.size(), t.get_termfreq())) break;
        }
    });
}

wts_status wts_xdb_spelling(wts_xdb *db, const char *word, char **out) {
    if (!out) return WTS_ERR_INVALID;
    *out = nullptr;
    if (!db || !word) return WTS_ERR_INVALID;
    WTS_GUARD(db->message,
              *out = dup_bytes(db->db.get_spelling_suggestion(word, 2), nullptr));
}

wts_status wts_xdb_check(const char *path, char **report) {
    if (report) *report = nullptr;
    if (!path) return WTS_ERR_INVALID;
    std::ostringstream out;
    std::string msg;
    try {
        std::string text;
        std::vector<std::string> names;
        uint64_t generation;
        if (!read_whole(std::string(path) + "/" + STUB_NAME, text)) {
            names.push_back(path);
        } else if (!parse_stub(text, names, generation)) {
            throw Xapian::DatabaseCorruptError(std::string("unreadable shard list ") + path + "/" + STUB_NAME);
        } else {
            for (std::string &n : names)
                if (n[0] != '/') n = std::string(path) + "/" + n;
        }
        size_t errors = 0;
        for (const std::string &n : names) {
            if (names.size() > 1) out << "shard " << n << ":\n";
            errors += Xapian::Database::check(n, Xapian::DBCHECK_SHORT_TREE, &out);
        }
        if (report) *report = dup_bytes(out.str(), nullptr);
        return errors ? WTS_ERR_CORRUPT : WTS_OK;
    } catch (...) {
        wts_status st = map_current_exception(msg);
        give_message(report, msg);
        return st;
    }
}

/* ---- shard lists ---- */

wts_status wts_xstub_read(const char *dir, char ***names, size_t *n, uint64_t *generation,
                          char **errmsg) {
    if (errmsg) *errmsg = nullptr;
    if (!dir || !names || !n) return WTS_ERR_INVALID;
    *names = nullptr;
    *n = 0;
    if (generation) *generation = 0;
    std::string msg;
    try {
        std::string text;
        if (!read_whole(std::string(dir) + "/" + STUB_NAME, text)) return WTS_OK;
        std::vector<std::string> v;
        uint64_t g = 0;
        if (!parse_stub(text, v, g)) {
            give_message(errmsg, std::string("unreadable shard list ") + dir + "/" + STUB_NAME);
            return WTS_ERR_CORRUPT;
        }
        char **out = static_cast<char **>(std::calloc(v.size(), sizeof *out));
        if (!out) throw std::bad_alloc();
        for (size_t i = 0; i < v.size(); i++) {
            out[i] = dup_bytes(v[i], nullptr);
            if (!out[i]) {
                wts_xstub_free(out, i);
                throw std::bad_alloc();
            }
        }
        *names = out;
        *n = v.size();
        if (generation) *generation = g;
        return WTS_OK;
    } catch (...) {
        wts_status st = map_current_exception(msg);
        give_message(errmsg, msg);
        return st;
    }
}

void wts_xstub_free(char **names, size_t n) {
    for (size_t i = 0; names && i < n; i++) std::free(names[i]);
    std::free(names);
}

wts_status wts_xstub_write(const char *dir, const char *const *names, size_t n, uint64_t generation,
                           char **errmsg) {
    if (errmsg) *errmsg = nullptr;
    if (!dir || (!names && n)) return WTS_ERR_INVALID;
    std::string text = "# wtosearch index: its shards, searched as one\n# generation " +
                       std::to_string(generation) + "\n";
    for (size_t i = 0; i < n; i++) text += std::string("glass ") + names[i] + "\n";
    const std::string final_name = std::string(dir) + "/" + STUB_NAME, tmp = final_name + ".new";
    // Written aside, synced, then renamed over the old one: a reader or a
    // crash sees the old list or the new one, never half of either.
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    bool ok = fd >= 0;
    if (ok) ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    if (ok) ok = ::fsync(fd) == 0;
    int err = errno;
    if (fd >= 0) ::close(fd);
    if (ok) ok = ::rename(tmp.c_str(), final_name.c_str()) == 0, err = errno;
    if (!ok) {
        ::unlink(tmp.c_str());
        give_message(errmsg, "cannot write " + final_name + ": " + std::strerror(err));
        return WTS_ERR_IO;
    }
    int dfd = ::open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)::fsync(dfd);
        ::close(dfd);
    }
    return WTS_OK;
}

namespace {

// Full blocks: the output is smaller and read in fewer blocks.  With term
// lists, 16 KiB blocks rather than 8: a file's termlist (several KiB) is
// then split less; 100,000 generated documents: termlists 15% smaller,
// the index 3.7% (2.8% when measured again), queries as fast
// (bench/speed/ab.py, per-query ratio of 8 KiB against 16: 0.99; again,
// 0.98 and 1.00); 64 KiB made queries 16% slower.  Without term lists,
// 8 KiB: a query reads positions, lengths and values here and there, a
// whole block copied for each; 100,000 documents: queries 8-9% faster at
// the median (ab.py, three comparisons: 0.91, 0.92, 0.91) for an index
// 0.4% larger; 4 KiB gained no more (0.92, 0.93) for 2.6%.
unsigned compact_block_size(const std::string &src) { return without_termlists(src) ? 8192 : 16384; }

// Metadata held by several databases merged: lists of words united, and
// for any other key the value of the last database (the newest, for the
// runs a new shard is written in: the time of its last commit).
class MergingCompactor : public Xapian::Compactor {
  public:
    explicit MergingCompactor(std::string union_prefix) : prefix_(std::move(union_prefix)) {}
    std::string resolve_duplicate_metadata(const std::string &key, size_t num_tags,
                                           const std::string tags[]) override {
        // glass hands the key as stored, after its metadata marker
        static const std::string marker("\0\xc0", 2);
        const size_t name_at = key.compare(0, marker.size(), marker) == 0 ? marker.size() : 0;
        if (prefix_.empty() || key.compare(name_at, prefix_.size(), prefix_) != 0) return tags[num_tags - 1];
        std::string out;
        std::set<std::string> seen;
        for (size_t i = 0; i < num_tags; i++) {
            for (size_t at = 0; at < tags[i].size();) {
                size_t end = tags[i].find(' ', at);
                if (end == std::string::npos) end = tags[i].size();
                std::string word = tags[i].substr(at, end - at);
                if (!word.empty() && seen.insert(word).second) {
                    if (!out.empty()) out += ' ';
                    out += word;
                }
                at = end + 1;
            }
        }
        return out;
    }

  private:
    std::string prefix_;
};

}  // namespace

wts_status wts_xcompact(const char *src, const char *dst, char **errmsg) {
    if (errmsg) *errmsg = nullptr;
    if (!src || !dst) return WTS_ERR_INVALID;
    std::string msg;
    try {
        Xapian::Database in(src, Xapian::DB_BACKEND_GLASS);
        in.compact(dst, Xapian::DBCOMPACT_NO_RENUMBER | Xapian::Compactor::FULLER, compact_block_size(src));
        return WTS_OK;
    } catch (...) {
        wts_status st = map_current_exception(msg);
        give_message(errmsg, msg);
        return st;
    }
}

wts_status wts_xcompact_merge(const char *const *srcs, size_t n, const char *dst,
                              const char *union_prefix, char **errmsg) {
    if (errmsg) *errmsg = nullptr;
    if (!srcs || n == 0 || !dst) return WTS_ERR_INVALID;
    for (size_t i = 0; i < n; i++)
        if (!srcs[i]) return WTS_ERR_INVALID;
    std::string msg;
    try {
        Xapian::Database in;
        for (size_t i = 0; i < n; i++) {
            Xapian::Database src(srcs[i], Xapian::DB_BACKEND_GLASS);
            // numbered anew, the documents would no longer be those hidden
            if (!src.get_metadata(HIDDEN_KEY).empty())
                throw Xapian::InvalidArgumentError(std::string(srcs[i]) +
                                                   " hides replaced or removed documents: it cannot be merged");
            in.add_database(src);
        }
        MergingCompactor merge(union_prefix ? union_prefix : "");
        in.compact(dst, Xapian::Compactor::FULLER, compact_block_size(srcs[0]), merge);
        return WTS_OK;
    } catch (...) {
        wts_status st = map_current_exception(msg);
        give_message(errmsg, msg);
        return st;
    }
}

}  // extern "C"

namespace {

// Removes every document indexed by term.  Xapian removes a document by
// its term list; without one, the document is hidden instead.
void remove_documents(wts_xwriter *w, const std::string &term) {
    if (w->termlists) {
        w->db.delete_document(term);
        return;
    }
    std::vector<Xapian::docid> &hidden = w->view.hidden;
    for (auto p = w->db.postlist_begin(term); p != w->db.postlist_end(term); ++p) {
        const auto at = std::lower_bound(hidden.begin(), hidden.end(), *p);
        if (at != hidden.end() && *at == *p) continue;
        hidden.insert(at, *p);
        w->hidden_changed = true;
    }
}

// Puts the hidden documents where readers find them, with what commits.
void store_hidden(wts_xwriter *w) {
    if (!w->hidden_changed) return;
    w->db.set_metadata(HIDDEN_KEY, encode_docids(w->view.hidden));
    w->hidden_changed = false;
}

}  // namespace

extern "C" {

/* ---- writer ---- */

wts_status wts_xwriter_open(const char *path, wts_xwriter **out, char **errmsg) {
    return wts_xwriter_open_flags(path, 0, out, errmsg);
}

wts_status wts_xwriter_open_flags(const char *path, unsigned flags, wts_xwriter **out,
                                  char **errmsg) {
    if (errmsg) *errmsg = nullptr;
    if (out) *out = nullptr;
    if (!out || !path) return WTS_ERR_INVALID;
    std::string msg;
    wts_xwriter *w = nullptr;
    try {
        w = new wts_xwriter();
        // Xapian opens a database without a term list table for writing
        // only when told so; whether it has one is seen from its files.
        const std::string dir(path);
        w->termlists = file_exists(dir + "/iamglass") ? file_exists(dir + "/termlist.glass")
                                                      : !(flags & WTS_XWRITER_NO_TERMLISTS);
        w->db = Xapian::WritableDatabase(
            path, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS |
                      (w->termlists ? 0 : Xapian::DB_NO_TERMLIST));
        w->view.db = w->db;
        w->view.may_hide.assign(1, !w->termlists);
        load_hidden(&w->view);
        *out = w;
        return WTS_OK;
    } catch (...) {
        delete w;
        wts_status st = map_current_exception(msg);
        give_message(errmsg, msg);
        return st;
    }
}

wts_status wts_xwriter_close(wts_xwriter *w) {
    if (!w) return WTS_OK;
    wts_status st = WTS_OK;
    try {
        store_hidden(w);  // close commits what is pending
        w->db.close();
    } catch (...) {
        st = map_current_exception(w->message);
    }
    delete w;
    return st;
}

const char *wts_xwriter_message(const wts_xwriter *w) {
    if (!w) return "";
    return w->message.empty() ? w->view.message.c_str() : w->message.c_str();
}

wts_xdb *wts_xwriter_db(wts_xwriter *w) { return w ? &w->view : nullptr; }

int wts_xwriter_has_termlists(const wts_xwriter *w) { return w && w->termlists ? 1 : 0; }

wts_status wts_xwriter_add(wts_xwriter *w, const wts_xdoc *doc,
                           const char *unique_term, wts_docid *id) {
    if (!w || !doc) return WTS_ERR_INVALID;
    WTS_GUARD(w->message, {
        Xapian::docid d;
        if (unique_term && *unique_term && w->termlists) {
            d = w->db.replace_document(unique_term, doc->doc);
        } else {
            if (unique_term && *unique_term) remove_documents(w, unique_term);
            d = w->db.add_document(doc->doc);
        }
        if (id) *id = d;
    });
}

wts_status wts_xwriter_delete_term(wts_xwriter *w, const char *term) {
    if (!w || !term || !*term) return WTS_ERR_INVALID;
    WTS_GUARD(w->message, remove_documents(w, term));
}

wts_status wts_xwriter_set_metadata(wts_xwriter *w, const char *key,
                                    const char *value) {
    if (!value) return WTS_ERR_INVALID;
    return wts_xwriter_set_metadata_bytes(w, key, value, strlen(value));
}

wts_status wts_xwriter_set_metadata_bytes(wts_xwriter *w, const char *key, const void *value, size_t len) {
    if (!w || !key || !*key || (!value && len)) return WTS_ERR_INVALID;
    WTS_GUARD(w->message, w->db.set_metadata(key, std::string(static_cast<const char *>(value), len)));
}

wts_status wts_xwriter_add_spelling(wts_xwriter *w, const char *word,
                                    uint32_t freq_inc) {
    if (!w || !word || !*word) return WTS_ERR_INVALID;
    WTS_GUARD(w->message, w->db.add_spelling(word, freq_inc));
}

wts_status wts_xwriter_commit(wts_xwriter *w) {
    if (!w) return WTS_ERR_INVALID;
    WTS_GUARD(w->message, {
        store_hidden(w);
        w->db.commit();
    });
}

/* ---- queries ---- */

wts_status wts_xquery_term(const char *term, size_t len, uint32_t wqf,
                           uint32_t pos, wts_xquery **out) {
    if (!out) return WTS_ERR_INVALID;
    *out = nullptr;
    if (!term || len == 0) return WTS_ERR_INVALID;
    WTS_GUARD_NOHANDLE({
        auto shape = std::make_shared<QueryShape>();
        shape->kind = QueryShape::TERM;
        shape->text.assign(term, len);
        shape->q = Xapian::Query(shape->text, wqf ? wqf : 1, pos);
        *out = new wts_xquery{shape};
    });
}

namespace {
// Whether an AND_NOT of subs leaves out what it starts from ("de NOT
// de"): nothing can match.  Said at once, where the paragraphs of every
// file holding the word would be read to find none of them true (16,000
// files at 100,000 documents, 80 ms).  Queries are serialised only when
// their operator, parts and length agree: every search leaves out the
// heading term (search.c), and so compares the whole query with it.
bool excludes_itself(const wts_xquery *const *subs, size_t n) {
    if (n < 2) return false;
    const Xapian::Query &first = subs[0]->shape->q;
    std::string bytes;
    for (size_t i = 1; i < n; i++) {
        const Xapian::Query &q = subs[i]->shape->q;
        if (q.get_type() != first.get_type() || q.get_num_subqueries() != first.get_num_subqueries() ||
            q.get_length() != first.get_length())
            continue;
        if (bytes.empty()) bytes = first.serialise();
        if (q.serialise() == bytes) return true;
    }
    return false;
}
}  // namespace

wts_status wts_xquery_combine(wts_xop op, const wts_xquery *const *subs,
                              size_t n, uint32_t window, wts_xquery **out) {
    if (!out) return WTS_ERR_INVALID;
    *out = nullptr;
    if (!subs && n) return WTS_ERR_INVALID;
    for (size_t i = 0; i < n; i++)
        if (!subs[i]) return WTS_ERR_INVALID;
    WTS_GUARD_NOHANDLE({
        if (op == WTS_XOP_AND_NOT && excludes_itself(subs, n)) return wts_xquery_match_nothing(out);
        std::vector<Xapian::Query> qs;
        qs.reserve(n);
        auto shape = std::make_shared<QueryShape>();
        shape->kind = QueryShape::COMBINED;
        shape->op = op;
        shape->window = window;
        for (size_t i = 0; i < n; i++) {
            qs.push_back(subs[i]->shape->q);
            shape->subs.push_back(subs[i]->shape);
        }
        shape->q = Xapian::Query(to_xapian_op(op), qs.begin(), qs.end(), window);
        *out = new wts_xquery{shape};
    });
}

wts_status wts_xquery_wildcard(const char *prefix, uint32_t max_terms,
                               wts_xquery **out) {
    if (!out) return WTS_ERR_INVALID;
    *out = nullptr;
    if (!prefix || !*prefix) return WTS_ERR_INVALID;
    WTS_GUARD_NOHANDLE({
        auto shape = std::make_shared<QueryShape>();
        shape->kind = QueryShape::WILDCARD;
        shape->text = prefix;
        shape->max_terms = max_terms;
        shape->q = Xapian::Query(Xapian::Query::OP_WILDCARD, prefix, max_terms,
                                 Xapian::Query::WILDCARD_LIMIT_ERROR);
        *out = new wts_xquery{shape};
    });
}

wts_status wts_xquery_value_range(unsigned slot, const char *lo,
                                  const char *hi, wts_xquery **out) {
    if (!out) return WTS_ERR_INVALID;
    *out = nullptr;
    if (!lo || !hi) return WTS_ERR_INVALID;
    WTS_GUARD_NOHANDLE({
        auto shape = std::make_shared<QueryShape>();
        shape->kind = QueryShape::VALUE_RANGE;
        shape->slot = slot;
        shape->lo = lo;
        shape->hi = hi;
        shape->q = Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi);
        *out = new wts_xquery{shape};
    });
}

wts_status wts_xquery_scale(const wts_xquery *q, double factor,
                            wts_xquery **out) {
    if (!out) return WTS_ERR_INVALID;
    *out = nullptr;
    if (!q || factor < 0) return WTS_ERR_INVALID;
    WTS_GUARD_NOHANDLE({
        auto shape = std::make_shared<QueryShape>();
        shape->kind = QueryShape::SCALED;
        shape->factor = factor;
        shape->subs.push_back(q->shape);
        shape->q = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->shape->q, factor);
        *out = new wts_xquery{shape};
    });
}

wts_status wts_xquery_match_all(wts_xquery **out) {
    if (!out) return WTS_ERR_INVALID;
    *out = nullptr;
    WTS_GUARD_NOHANDLE({
        auto shape = std::make_shared<QueryShape>();
        shape->kind = QueryShape::MATCH_ALL;
        shape->q = match_all_query();
        *out = new wts_xquery{shape};
    });
}

wts_status wts_xquery_match_nothing(wts_xquery **out) {
    if (!out) return WTS_ERR_INVALID;
    *out = nullptr;
    WTS_GUARD_NOHANDLE({
        auto shape = std::make_shared<QueryShape>();
        shape->kind = QueryShape::MATCH_NOTHING;
        shape->q = match_nothing_query();
        *out = new wts_xquery{shape};
    });
}

int wts_xquery_is_empty(const wts_xquery *q) { return !q || q->shape->q.empty(); }

wts_status wts_xquery_describe(const wts_xquery *q, char **out) {
    if (!out) return WTS_ERR_INVALID;
    *out = nullptr;
    if (!q) return WTS_ERR_INVALID;
    WTS_GUARD_NOHANDLE(*out = dup_bytes(q->shape->q.get_description(), nullptr));
}

void wts_xquery_free(wts_xquery *q) { delete q; }

/* ---- searching ---- */

void wts_xsearch_opts_init(wts_xsearch_opts *opts) {
    if (!opts) return;
    std::memset(opts, 0, sizeof *opts);
    opts->limit = 10;
    opts->collapse_slot = -1;
    opts->collapse_max = 1;
    opts->sort = WTS_XSORT_RELEVANCE;
    opts->facet_slot = -1;
}

namespace {

// What each hit of a search carries in its data.
const int HIT_DOCUMENT_DATA = -2;  // the document's data (one read per hit)
const int HIT_NOTHING = -1;        // nothing; any slot >= 0: that value

// Docids split by the shard holding them (one part for a database of one
// piece), each part in ascending order, numbered as its shard numbers
// them: a shard's list read forward, one docid after another, moves only
// that shard's list, where a list of all shards moves every shard's for
// each docid (100 values read at 100,000 documents, 2 shards: 0.11
// against 0.21 ms; 50 wdfs of a common term: 0.08 against 0.12 ms).
struct ShardPart {
    const Xapian::Database *db;
    std::vector<size_t> at;            // where each docid is in the list given
    std::vector<Xapian::docid> local;  // each docid, as the shard numbers it
};

std::vector<ShardPart> split_by_shard(const wts_xdb &db, const std::vector<Xapian::docid> &ids) {
    const size_t n = db.shards.size();
    std::vector<size_t> order(ids.size());
    for (size_t i = 0; i < order.size(); i++) order[i] = i;
    std::sort(order.begin(), order.end(), [&ids](size_t a, size_t b) { return ids[a] < ids[b]; });
    std::vector<ShardPart> parts(n ? n : 1);
    for (size_t k = 0; k < parts.size(); k++) parts[k].db = n ? &db.shards[k] : &db.db;
    for (size_t i : order) {
        if (ids[i] == 0) continue;
        ShardPart &p = parts[n ? (ids[i] - 1) % n : 0];  // Xapian interleaves shards
        p.at.push_back(i);
        p.local.push_back(n ? (ids[i] - 1) / static_cast<Xapian::docid>(n) + 1 : ids[i]);
    }
    return parts;
}

// Sets the value in slot of each hit, through one value stream per shard
// (split_by_shard).
void read_values(const wts_xdb &db, Xapian::valueno slot, std::vector<wts_xhit> &hits) {
    std::vector<Xapian::docid> ids(hits.size());
    for (size_t i = 0; i < hits.size(); i++) ids[i] = hits[i].id;
    for (const ShardPart &p : split_by_shard(db, ids)) {
        if (p.at.empty()) continue;
        Xapian::ValueIterator v = p.db->valuestream_begin(slot);
        const Xapian::ValueIterator end = p.db->valuestream_end(slot);
        for (size_t j = 0; j < p.at.size() && v != end; j++) {
            if (v.get_docid() < p.local[j]) v.skip_to(p.local[j]);
            if (v != end && v.get_docid() == p.local[j]) hits[p.at[j]].data = *v;
        }
    }
}

// Collapsing done here rather than by Xapian: the match asks for
// COLLAPSE_FETCH times the hits wanted, uncollapsed, their keys are read in
// docid order (read_values), and the best collapse_max hits of
// each key kept, in the order of the match; when that leaves too few, the
// match is asked again for COLLAPSE_GROWTH times more.  Xapian reads each
// candidate's key as it matches, one value lookup per candidate (5.6% of a
// query at 100,000 documents), which a query of filters alone pays for
// every match (title:report, 100,000 documents: 5.8 -> 3.8 ms); over 267
// queries the two take the same time at the median.  Xapian's estimate of
// collapsed matches is the weaker one (bench/totals.py, 10,000 documents:
// within 1.5x of the count for 67 queries of 127, here for 79).  A hit's
// collapse count is the hits of its key folded among those fetched, a lower
// bound as Xapian's is; hits without a key are kept, as Xapian keeps them.
const Xapian::doccount COLLAPSE_FETCH = 2;
const Xapian::doccount COLLAPSE_GROWTH = 4;

// ---- the match, on one thread or on several ----
//
// A match over a sharded index can run on several threads, each over a
// part of the shards through its own handle, the first hits of each part
// then merged.  Every part's handle is the whole index, filtered to its
// shards (ShardSubset), so that the statistics weighing a hit (documents
// holding each term, lengths) are those of the whole index and the merged
// hits are those, in the order and with the weights, that one match over
// every shard gives.  The counts, where the match did not see every
// match, come from the index instead (settle_counts), so that they too do
// not depend on the threads.  Which matches are worth it: worth_parallel.
std::atomic<double> parallel_min_postings{5000};  // the tests change it
std::atomic<unsigned long> parallel_matches{0};    // for the tests

// Every document of the shards named by their uuids, no other: the filter
// that restricts one part's match to its shards (load_hidden refuses an
// index of two shards with one uuid).  Xapian hands a posting source each
// shard alone, numbered as the shard numbers its documents.
class ShardSubset : public Xapian::PostingSource {
  public:
    explicit ShardSubset(std::shared_ptr<const std::set<std::string>> uuids) : uuids_(std::move(uuids)) {}
    void init(const Xapian::Database &db) override {
        const bool mine = uuids_->count(db.get_uuid()) > 0;
        last_ = mine ? db.get_lastdocid() : 0;
        count_ = mine ? db.get_doccount() : 0;
        at_ = 0;
    }
    Xapian::doccount get_termfreq_min() const override { return count_; }
    Xapian::doccount get_termfreq_est() const override { return count_; }
    Xapian::doccount get_termfreq_max() const override { return count_; }
    void next(double) override { ++at_; }
    void skip_to(Xapian::docid did, double) override {
        if (did > at_) at_ = did;
    }
    bool at_end() const override { return at_ > last_; }
    Xapian::docid get_docid() const override { return at_; }
    Xapian::PostingSource *clone() const override { return new ShardSubset(uuids_); }

  private:
    std::shared_ptr<const std::set<std::string>> uuids_;
    Xapian::docid last_ = 0, at_ = 0;
    Xapian::doccount count_ = 0;
};

// The first hits of a match, in its order, and its counts.
struct Top {
    std::vector<wts_xhit> hits;  // data: the sort key, for a merge when sorting by value
    Xapian::doccount estimated = 0, lower = 0, upper = 0;
    bool all_seen = false;  // fewer hits than asked for: every match is here
};

void set_order(Xapian::Enquire &enquire, const wts_xsearch_opts *opts) {
    switch (opts->sort) {
    case WTS_XSORT_RELEVANCE: break;
    case WTS_XSORT_VALUE:
        enquire.set_sort_by_value_then_relevance(opts->sort_slot, opts->sort_descending != 0);
        break;
    case WTS_XSORT_RELEVANCE_THEN_VALUE:
        enquire.set_sort_by_relevance_then_value(opts->sort_slot, opts->sort_descending != 0);
        break;
    }
    if (opts->time_limit > 0) enquire.set_time_limit(opts->time_limit);
}

// The first count hits of q over db, or over the shards named by only.
void match_part(const wts_xdb &db, const Xapian::Query &q, std::shared_ptr<const std::set<std::string>> only,
                const wts_xsearch_opts *opts, Xapian::doccount count, Top &top) {
    Xapian::Enquire enquire(db.db);
    const bool keyed = only && opts->sort != WTS_XSORT_RELEVANCE;  // for the merge
    Xapian::Query query = without_hidden(&db, q);
    if (only)
        query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                              Xapian::Query((new ShardSubset(std::move(only)))->release()));
    enquire.set_query(query);
    set_order(enquire, opts);
    Xapian::MSet mset = enquire.get_mset(0, count, opts->check_at_least);
    top.hits.reserve(mset.size());
    for (auto it = mset.begin(); it != mset.end(); ++it)
        top.hits.push_back({*it, it.get_weight(), 0, keyed ? it.get_sort_key() : std::string()});
    top.estimated = mset.get_matches_estimated();
    top.lower = mset.get_matches_lower_bound();
    top.upper = mset.get_matches_upper_bound();
    top.all_seen = mset.size() < count;
}

// A sample of a shard: SAMPLE_WINDOWS runs of consecutive documents (as
// the shard numbers them), spread evenly over it, together about share of
// its documents.  Spread, so that an index written in some order (by
// date, by series) is sampled across; in runs, so that each term's list is
// read forward within a run instead of looked up document by document
// (with phrases and ranges sampled, the 267 queries of the bench took 9%
// more time than without sampling when every k-th document was looked
// up, 6% more in runs).
const Xapian::docid SAMPLE_WINDOWS = 16;

struct SampleRuns {
    Xapian::docid last = 0, width = 0;  // width 0: the whole shard
    Xapian::docid start(Xapian::docid i) const { return static_cast<Xapian::docid>(uint64_t(i) * last / SAMPLE_WINDOWS) + 1; }
    Xapian::docid end(Xapian::docid i) const {  // one past run i
        return std::min<Xapian::docid>(start(i) + width, i + 1 < SAMPLE_WINDOWS ? start(i + 1) : last + 1);
    }
    Xapian::doccount size() const {
        if (!width) return last;
        Xapian::doccount n = 0;
        for (Xapian::docid i = 0; i < SAMPLE_WINDOWS; i++) n += end(i) - start(i);
        return n;
    }
};

SampleRuns sample_runs(Xapian::docid last, double share) {
    SampleRuns r;
    r.last = last;
    const double width = std::ceil(share * last / SAMPLE_WINDOWS);
    if (width * SAMPLE_WINDOWS < last) r.width = static_cast<Xapian::docid>(width);
    return r;
}

// wts_xdb_sample's runs: sized to hold this share of the matches it
// takes, read up to SAMPLE_SPARE times that many, drawn at most
// SAMPLE_ROUNDS times.
const double SAMPLE_FILL = 0.8;
const uint32_t SAMPLE_SPARE = 4;
const int SAMPLE_ROUNDS = 3;

class ShardSample : public Xapian::PostingSource {
  public:
    explicit ShardSample(double share) : share_(share) {}
    void init(const Xapian::Database &db) override {
        runs_ = sample_runs(db.get_lastdocid(), share_);
        run_ = 0;
        at_ = 0;
    }
    Xapian::doccount get_termfreq_min() const override { return 0; }
    Xapian::doccount get_termfreq_est() const override { return runs_.size(); }
    Xapian::doccount get_termfreq_max() const override { return runs_.size(); }
    void next(double) override { skip_to(at_ + 1, 0); }
    void skip_to(Xapian::docid did, double) override {
        if (did <= at_) return;
        at_ = did;
        if (!runs_.width) return;
        while (run_ < SAMPLE_WINDOWS && at_ >= runs_.end(run_)) run_++;
        if (run_ < SAMPLE_WINDOWS && at_ < runs_.start(run_)) at_ = runs_.start(run_);
        if (run_ == SAMPLE_WINDOWS) at_ = runs_.last + 1;
    }
    bool at_end() const override { return at_ > runs_.last; }
    Xapian::docid get_docid() const override { return at_; }
    Xapian::PostingSource *clone() const override { return new ShardSample(share_); }

  private:
    double share_;
    SampleRuns runs_;
    Xapian::docid run_ = 0, at_ = 0;
};

// Whether s is what Xapian can only guess at before a match: a phrase or
// NEAR (taken to match a fixed share of the documents holding its words)
// or a range of values.
bool is_guessed(const QueryShape &s) {
    return s.kind == QueryShape::VALUE_RANGE ||
           (s.kind == QueryShape::COMBINED && (s.op == WTS_XOP_PHRASE || s.op == WTS_XOP_NEAR));
}

bool holds_guessed(const QueryShape &s) {
    if (is_guessed(s)) return true;
    for (const auto &sub : s.subs)
        if (holds_guessed(*sub)) return true;
    return false;
}

// A query matching all that s matches and maybe more, which Xapian can
// bound: a phrase or NEAR becomes the AND of its parts, a range of values
// every document; under a negation, where more would leave out more, each
// matches nothing instead.
Xapian::Query widened(const QueryShape &s, bool negated) {
    if (!holds_guessed(s)) return s.q;
    if (is_guessed(s) && negated) return match_nothing_query();
    if (s.kind == QueryShape::VALUE_RANGE) return match_all_query();
    if (s.kind == QueryShape::SCALED)
        return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, widened(*s.subs[0], negated), s.factor);
    std::vector<Xapian::Query> subs;
    for (size_t i = 0; i < s.subs.size(); i++) {
        if (i > 0 && s.op == WTS_XOP_AND_MAYBE) {  // weighs, does not decide
            subs.push_back(s.subs[i]->q);
            continue;
        }
        subs.push_back(widened(*s.subs[i], negated != (i > 0 && s.op == WTS_XOP_AND_NOT)));
    }
    if (is_guessed(s)) return Xapian::Query(Xapian::Query::OP_AND, subs.begin(), subs.end());
    return Xapian::Query(to_xapian_op(s.op), subs.begin(), subs.end(), s.window);
}

// Documents of the index matching q, every one counted (no hit kept).
Xapian::doccount count_matches(Xapian::Enquire &enquire, const Xapian::Query &q, Xapian::doccount all) {
    enquire.set_query(q);
    return enquire.get_mset(0, 0, all).get_matches_lower_bound();
}

// The sample of estimate_matches: at first at most about ESTIMATE_SAMPLE
// documents of the query widened (widened); while that holds fewer than
// ESTIMATE_HELD matches of the query itself, again, larger by what the
// share seen asks for (at most ESTIMATE_GROWTH times), ESTIMATE_ROUNDS
// samples at most.
const double ESTIMATE_SAMPLE = 50;
const double ESTIMATE_HELD = 10;
const double ESTIMATE_GROWTH = 32;
const int ESTIMATE_ROUNDS = 3;
// Bounds on the count no further apart than this: Xapian's estimate kept.
const double ESTIMATE_BOUNDS = 1.25;

// How many documents s matches (estimated) and at most, from the index
// alone: a figure that does not depend on the threads that matched or on
// where the match stopped.  The matches in a sample of each shard
// (ShardSample), counted, are scaled to the whole, unless Xapian's bounds
// on the count are already close.  Xapian's own estimate before a match
// takes words for independent and guesses at phrases and ranges; at
// 100,000 generated documents "supply chain" gave 200 where 2,958 match,
// date:2022-04 40 where 796 do.  With the sample, bench/totals.py finds 28
// of 31 estimates of documents there within 1.5x of the count (13 from
// the match's own counts), 119 of 126 at 10,000 documents (80), for about
// 8% more time a query (the 267 queries of the bench one at a time, sum
// of their medians).
// Past time_limit (seconds, 0: none) a count stops where it is, as the
// match does.
void estimate_matches(const wts_xdb &db, const QueryShape &s, double time_limit, Xapian::doccount &estimated,
                      Xapian::doccount &upper) {
    Xapian::Enquire enquire(db.db);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    if (time_limit > 0) enquire.set_time_limit(time_limit);
    const Xapian::Query exact = without_hidden(&db, s.q);
    enquire.set_query(exact);
    const Xapian::MSet m = enquire.get_mset(0, 0);
    estimated = m.get_matches_estimated();
    upper = m.get_matches_upper_bound();
    // within ESTIMATE_BOUNDS of the count already (as of one term): kept
    if (upper <= ESTIMATE_BOUNDS * m.get_matches_lower_bound()) return;
    // sized by the most the widened query can match: small at first
    double most = upper;
    if (holds_guessed(s)) {
        enquire.set_query(without_hidden(&db, widened(s, false)));
        most = enquire.get_mset(0, 0).get_matches_upper_bound();
    }
    const Xapian::doccount all = db.db.get_doccount();
    double share = ESTIMATE_SAMPLE / std::max(1.0, most);
    for (int round = 0;; round++) {
        double sampled = 0, everything = 0;
        for (size_t k = 0; k < std::max<size_t>(db.shards.size(), 1); k++) {
            const SampleRuns r = sample_runs((db.shards.empty() ? db.db : db.shards[k]).get_lastdocid(), share);
            sampled += r.size();
            everything += r.last;
        }
        if (sampled >= everything) {
            estimated = count_matches(enquire, exact, all);
            return;
        }
        const Xapian::Query sample((new ShardSample(share))->release());
        const double held = count_matches(enquire, Xapian::Query(Xapian::Query::OP_FILTER, exact, sample), all);
        if (held >= ESTIMATE_HELD || round == ESTIMATE_ROUNDS - 1) {
            const double e = sampled > 0 ? std::round(held * everything / sampled) : 0;
            estimated = static_cast<Xapian::doccount>(std::min(e, static_cast<double>(upper)));
            return;
        }
        share *= std::min(ESTIMATE_GROWTH, held ? ESTIMATE_HELD / held : ESTIMATE_GROWTH);
    }
}

// What matching s reads, roughly: the documents it may match (cand) and
// the postings it reads for them (work).  Terms of an OR are all read; an
// AND moves each term to the documents of its rarest; a wildcard, a range
// or every document is taken as reading every document twice.
struct MatchCost {
    double cand = 0, work = 0;
};

MatchCost match_cost(const Xapian::Database &db, const QueryShape &s) {
    const double all = db.get_doccount();
    switch (s.kind) {
    case QueryShape::TERM: {
        const double tf = db.get_termfreq(s.text);
        return {tf, tf};
    }
    case QueryShape::WILDCARD:
    case QueryShape::VALUE_RANGE:
    case QueryShape::MATCH_ALL: return {all, 2 * all};
    case QueryShape::MATCH_NOTHING: return {};
    case QueryShape::SCALED: return s.subs.empty() ? MatchCost() : match_cost(db, *s.subs[0]);
    case QueryShape::COMBINED: break;
    }
    std::vector<MatchCost> subs;
    for (const auto &sub : s.subs) subs.push_back(match_cost(db, *sub));
    if (subs.empty()) return {};
    MatchCost c;
    switch (s.op) {
    case WTS_XOP_OR:
    case WTS_XOP_SYNONYM:
        for (const MatchCost &m : subs) {
            c.cand += m.cand;
            c.work += m.work;
        }
        c.cand = std::min(c.cand, all);
        return c;
    case WTS_XOP_AND:
    case WTS_XOP_FILTER:
    case WTS_XOP_PHRASE:
    case WTS_XOP_NEAR:
        c.cand = all;
        for (const MatchCost &m : subs) c.cand = std::min(c.cand, m.cand);
        for (const MatchCost &m : subs) c.work += std::min(m.work, 2 * c.cand);
        return c;
    case WTS_XOP_AND_NOT:
    case WTS_XOP_AND_MAYBE:  // the first, each of its documents looked up in the others
        c = subs[0];
        c.work += c.cand * static_cast<double>(subs.size() - 1);
        return c;
    }
    return c;
}

// Whether a match over several threads wins: once it reads a few
// thousand postings, whatever its shape.  Measured at 100,000 documents
// with the helper threads kept and pinned (the match alone, 60 in a row):
// "trade" 2.4 -> 1.8 ms, "trade AND finance" 3.3 -> 2.0, "small
// businesses" as a phrase 3.6 -> 2.5, econom* 4.8 -> 3.1, "cyber
// readiness" (7,000 postings) 0.57 -> 0.42; a symbol's few postings
// 0.02 -> 0.07, the cost of waking a thread and filtering to shards.
// (Started per match, the threads lost this for one word, a phrase or a
// wildcard: a part started late.)
bool worth_parallel(const Xapian::Database &db, const QueryShape &s) {
    return match_cost(db, s).work >= parallel_min_postings.load();
}

// Helper handles for parts - 1 extra threads, each at db's state (reopened
// when behind); false when one cannot be brought there (a writer moved on
// since db was opened: db itself is behind).
bool helpers_at_state(wts_xdb &db, size_t parts) {
    try {
        const std::string state = state_text(db);
        while (db.helpers.size() < parts - 1) db.helpers.emplace_back(new MatchHelper(db.path));
        for (size_t i = 0; i + 1 < parts; i++) {
            wts_xdb &h = db.helpers[i]->handle();
            if (state_text(h) == state) continue;
            reopen_db(&h);
            if (state_text(h) != state) return false;
        }
        return true;
    } catch (const Xapian::Error &) {  // one thread it is, through db alone
        return false;
    }
}

// Whether hit a comes before hit b in the order of opts: as Xapian orders
// them, ties last by docid.
bool before(const wts_xhit &a, const wts_xhit &b, const wts_xsearch_opts *opts) {
    const bool desc = opts->sort_descending != 0;
    switch (opts->sort) {
    case WTS_XSORT_RELEVANCE: break;
    case WTS_XSORT_VALUE:
        if (a.data != b.data) return desc ? a.data > b.data : a.data < b.data;
        break;
    case WTS_XSORT_RELEVANCE_THEN_VALUE:
        if (a.weight != b.weight) return a.weight > b.weight;
        if (a.data != b.data) return desc ? a.data > b.data : a.data < b.data;
        break;
    }
    if (a.weight != b.weight) return a.weight > b.weight;
    return a.id < b.id;
}

// Whether opts ask the match of the first count hits to count more
// matches than that (Xapian's check_at_least): then the count is the
// match's own, on one thread.
bool asks_count(const wts_xsearch_opts *opts, Xapian::doccount count) { return opts->check_at_least > count; }

// The counts of a match of the first count hits that did not see every
// match: those of the index (estimate_matches), the same on one thread or
// several, where the match's own depend on where it stopped and each
// part's are rounded (the parts of "supply chain" added gave 400 where one
// thread gave 200).  Hits the match saw are a floor.  Asked to count
// (asks_count), the match's own.
void settle_counts(const wts_xdb &db, const QueryShape &s, const wts_xsearch_opts *opts, Xapian::doccount count,
                   Top &top) {
    if (top.all_seen || asks_count(opts, count)) return;
    const Xapian::doccount seen = static_cast<Xapian::doccount>(top.hits.size());
    estimate_matches(db, s, opts->time_limit, top.estimated, top.upper);
    top.estimated = std::max(top.estimated, seen);
    top.upper = std::max(top.upper, seen);
    top.lower = seen;
}

Xapian::doccount add_counts(Xapian::doccount a, Xapian::doccount b) {
    return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

// The first count hits of q over db, on as many threads as db allows and
// the match is worth (no Xapian collapsing, no match spy: both see one
// part only).
Top match_top(wts_xdb &db, const wts_xquery *q, const wts_xsearch_opts *opts, Xapian::doccount count) {
    Top top;
    size_t parts = std::min<size_t>(db.match_threads, db.shards.size());
    // A handle's first match stays on one thread: in a new process it is
    // mostly first reads of each table, which new helper handles would do
    // again ("trade finance", one search process, 100,000 documents: 3.6
    // ms on one thread, 3.7 on two, 0.15 of it starting the helper).
    const bool first = db.matches++ == 0;
    if (parts < 2 || first || asks_count(opts, count) || !worth_parallel(db.db, *q->shape) || !helpers_at_state(db, parts)) {
        match_part(db, q->shape->q, nullptr, opts, count, top);
        return top;
    }
    parallel_matches++;
    // Each thread a query of its own: a Xapian::Query's reference counts
    // are not atomic, so the threads share none of its parts.
    const std::string bytes = q->shape->q.serialise();
    std::vector<Xapian::Query> queries;
    std::vector<std::shared_ptr<const std::set<std::string>>> only;
    for (size_t k = 0; k < parts; k++) {
        queries.push_back(k == 0 ? q->shape->q : Xapian::Query::unserialise(bytes));
        auto uuids = std::make_shared<std::set<std::string>>();
        for (size_t i = k * db.shards.size() / parts; i < (k + 1) * db.shards.size() / parts; i++)
            uuids->insert(db.shards[i].get_uuid());
        only.push_back(std::move(uuids));
    }
    std::vector<Top> tops(parts);
    std::vector<std::exception_ptr> errors(parts);
    std::vector<std::function<void()>> jobs;
    for (size_t k = 0; k < parts; k++)
        jobs.emplace_back([&, k] {
            try {
                match_part(k ? db.helpers[k - 1]->handle() : db, queries[k], only[k], opts, count, tops[k]);
            } catch (...) {
                errors[k] = std::current_exception();
            }
        });
    for (size_t k = 1; k < parts; k++) db.helpers[k - 1]->start(&jobs[k]);
    jobs[0]();
    for (size_t k = 1; k < parts; k++) db.helpers[k - 1]->wait();
    for (const std::exception_ptr &e : errors)
        if (e) std::rethrow_exception(e);
    top.all_seen = true;
    for (Top &t : tops) {
        top.hits.insert(top.hits.end(), std::make_move_iterator(t.hits.begin()), std::make_move_iterator(t.hits.end()));
        top.estimated = add_counts(top.estimated, t.estimated);
        top.lower = add_counts(top.lower, t.lower);
        top.upper = add_counts(top.upper, t.upper);
        top.all_seen = top.all_seen && t.all_seen;
    }
    std::sort(top.hits.begin(), top.hits.end(),
              [opts](const wts_xhit &a, const wts_xhit &b) { return before(a, b, opts); });
    if (top.hits.size() > count) top.hits.resize(count);
    return top;
}

void match_collapsed(wts_xdb &xdb, const wts_xquery *q, const wts_xsearch_opts *opts, wts_xmset &m) {
    // one more than can match: a fetch of it gives every match, and says so
    const Xapian::Database &db = xdb.db;
    const Xapian::doccount most = db.get_doccount() < UINT32_MAX ? db.get_doccount() + 1 : UINT32_MAX;
    const uint64_t asked = static_cast<uint64_t>(opts->offset) + opts->limit;
    const Xapian::doccount want = asked < most ? static_cast<Xapian::doccount>(asked) : most;
    const uint32_t per_key_max = opts->collapse_max ? opts->collapse_max : 1;
    Xapian::doccount fetch = want > most / COLLAPSE_FETCH ? most : want * COLLAPSE_FETCH;
    for (;;) {
        Top top = match_top(xdb, q, opts, fetch);
        std::vector<wts_xhit> &all = top.hits;
        for (wts_xhit &h : all) h.data.clear();
        read_values(xdb, static_cast<Xapian::valueno>(opts->collapse_slot), all);
        std::map<std::string, std::pair<uint32_t, uint32_t>> per_key;  // hits kept, hits folded
        std::vector<wts_xhit> kept;
        for (wts_xhit &h : all) {
            if (h.data.empty()) {  // no key: collapsed with nothing, as by Xapian
                kept.push_back(std::move(h));
                continue;
            }
            std::pair<uint32_t, uint32_t> &n = per_key[h.data];
            if (n.first >= per_key_max) {
                n.second++;
                continue;
            }
            n.first++;
            kept.push_back(std::move(h));
        }
        for (wts_xhit &h : kept)  // as Xapian: each kept hit of a key, what was folded into the key
            if (!h.data.empty()) h.collapsed = per_key[h.data].second;
        const bool all_seen = top.all_seen;
        if (kept.size() >= want || all_seen || fetch >= most) {
            settle_counts(xdb, *q->shape, opts, fetch, top);
            const size_t groups = kept.size();
            if (all_seen) {
                m.estimated = m.lower_bound = m.upper_bound = static_cast<uint32_t>(groups);
            } else {  // the share of keys among the hits seen, for all of them
                const double share = all.empty() ? 1.0 : static_cast<double>(groups) / all.size();
                m.estimated = static_cast<uint32_t>(top.estimated * share + 0.5);
                m.lower_bound = static_cast<uint32_t>(groups);
                m.upper_bound = top.upper;
                if (m.estimated < m.lower_bound) m.estimated = m.lower_bound;
            }
            for (size_t i = opts->offset; i < kept.size() && i - opts->offset < opts->limit; i++)
                m.hits.push_back(std::move(kept[i]));
            return;
        }
        fetch = fetch > most / COLLAPSE_GROWTH ? most : fetch * COLLAPSE_GROWTH;
    }
}

// One search, shared by wts_xdb_search and wts_xdb_search_keys: they
// differ only in what each hit carries.
wts_status run_search(wts_xdb *db, const wts_xquery *q, const wts_xsearch_opts *opts,
                      int carry, wts_xmset **out) {
    if (!out) return WTS_ERR_INVALID;
    *out = nullptr;
    if (!db || !q || !opts) return WTS_ERR_INVALID;
    wts_xmset *m = nullptr;
    try {
        m = new wts_xmset();
        const bool key_is_collapse = carry >= 0 && carry == opts->collapse_slot;
        if (opts->facet_slot >= 0) {
            // Facets count what the match examines, over every shard: one
            // match, on this thread; with them, Xapian collapses.
            Xapian::Enquire enquire(db->db);
            enquire.set_query(without_hidden(db, q->shape->q));
            if (opts->collapse_slot >= 0)
                enquire.set_collapse_key(static_cast<Xapian::valueno>(opts->collapse_slot),
                                         opts->collapse_max ? opts->collapse_max : 1);
            set_order(enquire, opts);
            KeyListSpy spy(static_cast<Xapian::valueno>(opts->facet_slot));
            enquire.add_matchspy(&spy);
            Xapian::MSet mset = enquire.get_mset(opts->offset, opts->limit, opts->check_at_least);
            m->estimated = mset.get_matches_estimated();
            m->lower_bound = mset.get_matches_lower_bound();
            m->upper_bound = mset.get_matches_upper_bound();
            m->hits.reserve(mset.size());
            for (auto it = mset.begin(); it != mset.end(); ++it) {
                wts_xhit h;
                h.id = *it;
                h.weight = it.get_weight();
                h.collapsed = opts->collapse_slot >= 0 ? it.get_collapse_count() : 0;
                if (key_is_collapse) h.data = it.get_collapse_key();  // read for free during the match
                m->hits.push_back(std::move(h));
            }
            for (const auto &kv : spy.counts()) m->facets.emplace_back(kv.first, kv.second);
        } else if (opts->collapse_slot >= 0) {  // each hit holds its key
            match_collapsed(*db, q, opts, *m);
        } else {
            const uint64_t asked = static_cast<uint64_t>(opts->offset) + opts->limit;
            const Xapian::doccount count = asked < UINT32_MAX ? static_cast<Xapian::doccount>(asked) : UINT32_MAX;
            Top top = match_top(*db, q, opts, count);
            settle_counts(*db, *q->shape, opts, count, top);
            m->estimated = top.estimated;
            m->lower_bound = top.lower;
            m->upper_bound = top.upper;
            for (size_t i = opts->offset; i < top.hits.size(); i++) m->hits.push_back(std::move(top.hits[i]));
        }
        // what each hit carries, when not its key
        if (!key_is_collapse)
            for (wts_xhit &h : m->hits) h.data.clear();
        if (carry == HIT_DOCUMENT_DATA)
            for (wts_xhit &h : m->hits) h.data = db->db.get_document(h.id).get_data();
        else if (carry >= 0 && !key_is_collapse)
            read_values(*db, static_cast<Xapian::valueno>(carry), m->hits);
        *out = m;
        return WTS_OK;
    } catch (...) {
        delete m;
        return map_current_exception(db->message);
    }
}

}  // namespace

wts_status wts_xdb_search(wts_xdb *db, const wts_xquery *q,
                          const wts_xsearch_opts *opts, wts_xmset **out) {
    return run_search(db, q, opts, HIT_DOCUMENT_DATA, out);
}

void wts_xmset_free(wts_xmset *m) { delete m; }
size_t wts_xmset_size(const wts_xmset *m) { return m ? m->hits.size() : 0; }
uint32_t wts_xmset_estimated(const wts_xmset *m) { return m ? m->estimated : 0; }
uint32_t wts_xmset_lower_bound(const wts_xmset *m) { return m ? m->lower_bound : 0; }
uint32_t wts_xmset_upper_bound(const wts_xmset *m) { return m ? m->upper_bound : 0; }

wts_docid wts_xmset_docid(const wts_xmset *m, size_t i) {
    return m && i < m->hits.size() ? m->hits[i].id : 0;
}

double wts_xmset_weight(const wts_xmset *m, size_t i) {
    return m && i < m->hits.size() ? m->hits[i].weight : 0.0;
}

uint32_t wts_xmset_collapsed(const wts_xmset *m, size_t i) {
    return m && i < m->hits.size() ? m->hits[i].collapsed : 0;
}

const char *wts_xmset_data(const wts_xmset *m, size_t i, size_t *len) {
    if (!m || i >= m->hits.size()) {
        if (len) *len = 0;
        return nullptr;
    }
    if (len) *len = m->hits[i].data.size();
    return m->hits[i].data.c_str();
}

size_t wts_xmset_facet_count(const wts_xmset *m) { return m ? m->facets.size() : 0; }

const char *wts_xmset_facet(const wts_xmset *m, size_t i, uint32_t *count) {
    if (!m || i >= m->facets.size()) {
        if (count) *count = 0;
        return nullptr;
    }
    if (count) *count = m->facets[i].second;
    return m->facets[i].first.c_str();
}

/* ---- stemming ---- */

wts_status wts_xstem_new(const char *lang, wts_xstem **out) {
    if (!out) return WTS_ERR_INVALID;
    *out = nullptr;
    if (!lang) return WTS_ERR_INVALID;
    WTS_GUARD_NOHANDLE({
        wts_xstem *s = new wts_xstem();
        if (std::strcmp(lang, "none") == 0 || !*lang) {
            s->none = true;
        } else {
            try {
                s->stem = Xapian::Stem(lang);
            } catch (...) {
                delete s;
                throw;
            }
        }
        *out = s;
    });
}

void wts_xstem_free(wts_xstem *s) { delete s; }

wts_status wts_xstem_apply(wts_xstem *s, const char *word, size_t len,
                           char *buf, size_t bufsize) {
    if (!s || !word || !buf || bufsize == 0) return WTS_ERR_INVALID;
    WTS_GUARD_NOHANDLE({
        std::string in(word, len);
        const std::string r = s->none ? in : s->stem(in);
        if (r.size() >= bufsize) return WTS_ERR_LIMIT;
        std::memcpy(buf, r.data(), r.size());
        buf[r.size()] = '\0';
    });
}

/* ---- testing hook ---- */

wts_status wts_xapian_test_map(wts_xtest_throw kind, char **errmsg) {
    if (errmsg) *errmsg = nullptr;
    std::string msg;
    try {
        switch (kind) {
        case WTS_XTEST_LOCK: throw Xapian::DatabaseLockError("held");
        case WTS_XTEST_MODIFIED: throw Xapian::DatabaseModifiedError("moved on");
        case WTS_XTEST_NOT_FOUND_DB: throw Xapian::DatabaseNotFoundError("absent");
        case WTS_XTEST_OPENING: throw Xapian::DatabaseOpeningError("cannot open");
        case WTS_XTEST_VERSION: throw Xapian::DatabaseVersionError("too new");
        case WTS_XTEST_CORRUPT: throw Xapian::DatabaseCorruptError("bad block");
        case WTS_XTEST_DB_ERROR: throw Xapian::DatabaseError("disk");
        case WTS_XTEST_QUERY_PARSER: throw Xapian::QueryParserError("syntax");
        case WTS_XTEST_WILDCARD: throw Xapian::WildcardError("too many");
        case WTS_XTEST_UNIMPLEMENTED: throw Xapian::UnimplementedError("nope");
        case WTS_XTEST_INVALID_ARG: throw Xapian::InvalidArgumentError("bad arg");
        case WTS_XTEST_DOC_NOT_FOUND: throw Xapian::DocNotFoundError("no doc");
        case WTS_XTEST_OTHER_XAPIAN: throw Xapian::InternalError("oops");
        case WTS_XTEST_BAD_ALLOC: throw std::bad_alloc();
        case WTS_XTEST_STD: throw std::runtime_error("std");
        case WTS_XTEST_UNKNOWN: throw 42;
        }
        return WTS_OK;
    } catch (...) {
        wts_status st = map_current_exception(msg);
        give_message(errmsg, msg);
        return st;
    }
}

unsigned long wts_xapian_test_parallel_matches(void) { return parallel_matches.load(); }

double wts_xapian_test_set_parallel_min_postings(double postings) { return parallel_min_postings.exchange(postings); }

}  // extern "C"

/* ---- a window of hits, ranked again after the match ---- */

namespace {

// Every document in index order, each weighing less than the one before:
// a query AND'ed with it (and weighing nothing itself) is matched in index
// order, and the match of a shard ends as soon as the hits kept outweigh
// whatever comes next.  Documents that do not exist are never asked for
// alone: the query beside it drives, having the fewer matches.
class IndexOrder : public Xapian::PostingSource {
  public:
    void init(const Xapian::Database &db) override {
        did_ = 0;
        last_ = db.get_lastdocid();
        set_maxweight(weight_of(1));
    }
    Xapian::doccount get_termfreq_min() const override { return 0; }
    Xapian::doccount get_termfreq_est() const override { return last_; }
    Xapian::doccount get_termfreq_max() const override { return last_; }
    void next(double min_wt) override { move(did_ + 1, min_wt); }
    void skip_to(Xapian::docid did, double min_wt) override {
        if (did > did_) move(did, min_wt);
    }
    bool check(Xapian::docid did, double min_wt) override {
        skip_to(did, min_wt);
        return true;
    }
    bool at_end() const override { return did_ > last_; }
    Xapian::docid get_docid() const override { return did_; }
    double get_weight() const override { return weight_of(did_); }
    Xapian::PostingSource *clone() const override { return new IndexOrder(); }
    std::string name() const override { return "wts::IndexOrder"; }

  private:
    static double weight_of(Xapian::docid did) { return 1.0 / (1.0 + did); }
    void move(Xapian::docid did, double min_wt) {
        // nothing from here on can be kept: end, without reading it
        did_ = weight_of(did) < min_wt ? last_ + 1 : did;
        if (did_ <= last_) set_maxweight(weight_of(did_));
    }
    Xapian::docid did_ = 0, last_ = 0;
};

}  // namespace

extern "C" {

wts_status wts_xdb_sample(wts_xdb *db, const wts_xquery *q, uint32_t n, uint32_t expected,
                          double time_limit, wts_docid *ids, uint32_t *got) {
    if (got) *got = 0;
    if (!db || !q || !got || (n && !ids)) return WTS_ERR_INVALID;
    WTS_GUARD(db->message, {
        // The runs are sized to hold somewhat fewer than n matches; up to
        // SAMPLE_SPARE times n of them are read, and n taken evenly from
        // those (the first n would be those of the first runs, where the
        // estimate was low).  A sample left with fewer than half of n,
        // the estimate being high, is drawn again, larger.
        double share = expected > n ? SAMPLE_FILL * n / expected : 1;
        const Xapian::Query all = without_hidden(db, q->shape->q);
        for (int round = 0;; round++) {
            Xapian::Query matches = all;
            if (share < 1)
                matches = Xapian::Query(Xapian::Query::OP_FILTER, matches,
                                        Xapian::Query((new ShardSample(share))->release()));
            IndexOrder order;
            Xapian::Query ordered(Xapian::Query::OP_AND, Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, matches, 0.0),
                                  Xapian::Query(&order));
            Xapian::Enquire enquire(db->db);
            enquire.set_query(ordered);
            if (time_limit > 0) enquire.set_time_limit(time_limit);
            const uint64_t read = share < 1 ? uint64_t(SAMPLE_SPARE) * n : n;
            const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(std::min<uint64_t>(read, UINT32_MAX)));
            const Xapian::doccount size = mset.size();
            *got = std::min<uint32_t>(size, n);
            for (uint32_t i = 0; i < *got; i++) ids[i] = *mset[static_cast<Xapian::doccount>(uint64_t(i) * size / *got)];
            if (share >= 1 || 2 * *got >= n || round == SAMPLE_ROUNDS - 1) break;
            share = std::min(1.0, share * n / std::max<uint32_t>(*got, 1));
        }
    });
}

wts_status wts_xdb_search_keys(wts_xdb *db, const wts_xquery *q,
                               const wts_xsearch_opts *opts, int slot,
                               wts_xmset **out) {
    return run_search(db, q, opts, slot >= 0 ? slot : HIT_NOTHING, out);
}

wts_status wts_xdb_term_wdfs(wts_xdb *db, const char *term, size_t len,
                             const wts_docid *ids, size_t n, uint32_t *wdf) {
    if (!db || !term || (n && (!ids || !wdf))) return WTS_ERR_INVALID;
    WTS_GUARD(db->message, {
        for (size_t i = 0; i < n; i++) wdf[i] = 0;
        const std::string t(term, len);
        for (const ShardPart &p : split_by_shard(*db, std::vector<Xapian::docid>(ids, ids + n))) {
            if (p.at.empty()) continue;
            Xapian::PostingIterator it = p.db->postlist_begin(t);
            const Xapian::PostingIterator end = p.db->postlist_end(t);
            for (size_t j = 0; j < p.at.size() && it != end; j++) {
                it.skip_to(p.local[j]);
                if (it != end && *it == p.local[j]) wdf[p.at[j]] = it.get_wdf();
            }
        }
    });
}

wts_status wts_xdb_doc_lengths(wts_xdb *db, const wts_docid *ids, size_t n,
                               uint32_t *len, double *avg) {
    if (!db || (n && (!ids || !len)) || !avg) return WTS_ERR_INVALID;
    WTS_GUARD(db->message, {
        *avg = db->db.get_avlength();
        // in docid order: the lengths are one list, read forward
        std::vector<size_t> order(n);
        for (size_t i = 0; i < n; i++) order[i] = i;
        std::sort(order.begin(), order.end(), [ids](size_t a, size_t b) { return ids[a] < ids[b]; });
        for (size_t i : order) {
            len[i] = 0;
            try {
                len[i] = ids[i] ? db->db.get_doclength(ids[i]) : 0;
            } catch (const Xapian::DocNotFoundError &) {
                // removed since the match: weighs as nothing
            }
        }
    });
}

wts_status wts_xdb_positions(wts_xdb *db, wts_docid id, const char *term,
                             size_t len, uint32_t *pos, size_t max,
                             size_t *n) {
    if (n) *n = 0;
    if (!db || !term || !n || id == 0 || (max && !pos)) return WTS_ERR_INVALID;
    WTS_GUARD(db->message, {
        const std::string t(term, len);
        size_t k = 0;
        // A term absent from the document gives an empty list, not an error.
        for (auto it = db->db.positionlist_begin(id, t); it != db->db.positionlist_end(id, t); ++it) {
            if (k < max) pos[k] = *it;
            k++;
        }
        *n = k;
    });
}

}  // extern "C"

/* ---- paragraphs inside documents ---- */

namespace {

bool has_prefix(const std::string &term, const char *prefix) {
    const size_t n = std::strlen(prefix);
    return n && term.size() >= n && term.compare(0, n, prefix) == 0;
}

bool in_prefixes(const std::string &term, const char *const *list, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (list[i] && has_prefix(term, list[i])) return true;
    return false;
}

bool is_whole(const std::string &term, const wts_xparas &p) {
    return in_prefixes(term, p.whole, p.nwhole);
}

// What the index can say of a query's shape when it matches documents
// for paragraphs: whether it is of the whole document only, whether every
// document matched holds a paragraph it is true of, and whether it can
// never be true of a heading.
struct ShapeFacts {
    bool whole = true, exact = true, headless = true;
};

ShapeFacts facts_of(const QueryShape &s, const wts_xparas &p) {
    ShapeFacts f;
    switch (s.kind) {
    case QueryShape::TERM:
    case QueryShape::WILDCARD:
        f.whole = is_whole(s.text, p);
        f.headless = !f.whole && !in_prefixes(s.text, p.on_headings, p.non_headings);
        return f;
    case QueryShape::VALUE_RANGE:
    case QueryShape::MATCH_ALL:
        f.headless = false;
        return f;
    case QueryShape::MATCH_NOTHING: return f;
    case QueryShape::SCALED: return facts_of(*s.subs[0], p);
    case QueryShape::COMBINED: break;
    }
    if (s.subs.empty()) return f;
    std::vector<ShapeFacts> sub;
    for (const auto &c : s.subs) sub.push_back(facts_of(*c, p));
    switch (s.op) {
    case WTS_XOP_OR:
    case WTS_XOP_SYNONYM:
        for (const ShapeFacts &c : sub) {
            f.whole = f.whole && c.whole;
            f.exact = f.exact && c.exact;
            f.headless = f.headless && c.headless;
        }
        return f;
    case WTS_XOP_AND:
    case WTS_XOP_FILTER: {
        size_t of_paragraphs = 0;
        f.headless = false;
        for (const ShapeFacts &c : sub) {
            f.whole = f.whole && c.whole;
            f.exact = f.exact && c.exact;
            f.headless = f.headless || c.headless;
            of_paragraphs += !c.whole;
        }
        // two conditions on paragraphs may hold in different ones
        if (of_paragraphs > 1) f.exact = false;
        return f;
    }
    case WTS_XOP_AND_MAYBE: return sub[0];
    case WTS_XOP_PHRASE:
    case WTS_XOP_NEAR:
        // positions of one paragraph are never near another's
        f.whole = false;
        for (const ShapeFacts &c : sub) f.headless = f.headless && c.headless;
        return f;
    case WTS_XOP_AND_NOT: {
        f = sub[0];
        for (size_t i = 1; i < s.subs.size(); i++) {
            if (sub[i].whole) continue;  // kept in the match: exact
            f.whole = false;
            const QueryShape &n = *s.subs[i];
            const bool heading = n.kind == QueryShape::TERM && p.heading && n.text == p.heading;
            if (!(heading && sub[0].headless)) f.exact = false;
        }
        return f;
    }
    }
    return f;
}

// The query for matching documents: AND_NOT keeps only the exclusions of
// the whole document.
std::shared_ptr<const QueryShape> for_documents(const std::shared_ptr<const QueryShape> &s,
                                                const wts_xparas &p) {
    if (s->kind == QueryShape::SCALED) {
        auto sub = for_documents(s->subs[0], p);
        if (sub == s->subs[0]) return s;
        auto r = std::make_shared<QueryShape>(*s);
        r->subs[0] = sub;
        r->q = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, sub->q, s->factor);
        return r;
    }
    if (s->kind != QueryShape::COMBINED || s->subs.empty()) return s;
    std::vector<std::shared_ptr<const QueryShape>> subs;
    bool changed = false;
    for (size_t i = 0; i < s->subs.size(); i++) {
        if (s->op == WTS_XOP_AND_NOT && i > 0 && !facts_of(*s->subs[i], p).whole) {
            changed = true;
            continue;
        }
        auto sub = for_documents(s->subs[i], p);
        changed = changed || sub != s->subs[i];
        subs.push_back(sub);
    }
    if (!changed) return s;
    if (subs.size() == 1 && s->op == WTS_XOP_AND_NOT) return subs[0];
    auto r = std::make_shared<QueryShape>(*s);
    r->subs = subs;
    std::vector<Xapian::Query> qs;
    for (const auto &c : subs) qs.push_back(c->q);
    r->q = Xapian::Query(to_xapian_op(s->op), qs.begin(), qs.end(), s->window);
    return r;
}

typedef std::vector<uint8_t> Paragraphs;  // one byte per paragraph, 1: true

// What weighs a term in the whole index, and the words of a stem, read
// once each.
struct TermStats {
    TermStats(const wts_xdb &xdb, const wts_xparas &p) : db(xdb.db), docs(db.get_doccount()) {
        // metadata is per shard: a combined database reads the first's only
        if (xdb.shards.empty())
            meta.push_back(xdb.db);
        else
            meta = xdb.shards;
        if (p.stem_words) stem_key = p.stem_words;
    }
    // The words of stem in any shard's list.
    const std::vector<std::string> &words_of(const std::string &stem) {
        auto found = words_.find(stem);
        if (found != words_.end()) return found->second;
        std::vector<std::string> &words = words_[stem];
        if (stem_key.empty()) return words;
        for (const Xapian::Database &shard : meta) {
            const std::string list = shard.get_metadata(stem_key + stem);
            for (size_t at = 0; at < list.size();) {
                size_t end = list.find(' ', at);
                if (end == std::string::npos) end = list.size();
                if (end > at) words.push_back(list.substr(at, end - at));
                at = end + 1;
            }
        }
        std::sort(words.begin(), words.end());
        words.erase(std::unique(words.begin(), words.end()), words.end());
        return words;
    }
    // The index's terms starting with prefix, max at most (0: all), as
    // Xapian expands a wildcard (the match fails when there are more).
    const std::vector<std::string> &terms_with(const std::string &prefix, uint32_t max) {
        auto found = prefixed_.find(prefix);
        if (found != prefixed_.end()) return found->second;
        std::vector<std::string> &terms = prefixed_[prefix];
        for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
            if (max && terms.size() == max) break;
            terms.push_back(*it);
        }
        return terms;
    }
    // Whether document did holds term t.  The documents of a term held by
    // few are read once for the whole search (a wildcard's rarer words,
    // asked of every document evaluated: `mar*` with facets at 10,000
    // documents, 500 documents by 75 terms); a common one is asked per
    // document.
    bool holds(const std::string &t, Xapian::docid did) {
        auto found = holders_.find(t);
        if (found == holders_.end()) {
            found = holders_.emplace(t, Holders()).first;
            Holders &h = found->second;
            h.read = db.get_termfreq(t) <= HOLDERS_READ_MAX;
            if (h.read)
                for (auto p = db.postlist_begin(t); p != db.postlist_end(t); ++p) h.docs.push_back(*p);
        }
        const Holders &h = found->second;
        if (h.read) return std::binary_search(h.docs.begin(), h.docs.end(), did);
        Xapian::PostingIterator it = db.postlist_begin(t);
        it.skip_to(did);
        return it != db.postlist_end(t) && *it == did;
    }
    // BM25's idf, clamped as the C side's re-ranking does (search.c)
    double idf(const std::string &t) {
        auto found = idf_.find(t);
        if (found != idf_.end()) return found->second;
        double n = db.get_termfreq(t);
        if (n < 1) n = 1;
        double ratio = (docs - n + 0.5) / (n + 0.5);
        if (ratio < 2) ratio = ratio * 0.5 + 1;
        return idf_[t] = std::log(ratio);
    }
    Xapian::Database db;
    double docs;

  private:
    std::vector<Xapian::Database> meta;
    std::string stem_key;
    std::map<std::string, double> idf_;
    std::map<std::string, std::vector<std::string>> words_;
    std::map<std::string, std::vector<std::string>> prefixed_;  // terms_with
    struct Holders {
        bool read = false;                // docs holds them all, in order
        std::vector<Xapian::docid> docs;
    };
    static constexpr Xapian::doccount HOLDERS_READ_MAX = 2000;
    std::map<std::string, Holders> holders_;
};

// Evaluates query shapes paragraph by paragraph inside one document.
class ParagraphEval {
  public:
    ParagraphEval(const Xapian::Database &db, const wts_xparas &p, Xapian::docid did, TermStats *stats)
        : db_(db), p_(p), did_(did), stats_(stats) {
        const Xapian::valueno slot = p_.bounds_slot;
        const std::string bounds =
            read_trusting_id(db_, did_, [slot](const Xapian::Document &d) { return d.get_value(slot); });
        const char *at = bounds.c_str();
        char *end = nullptr;
        n_ = static_cast<uint32_t>(std::strtoul(at, &end, 10));
        for (at = end; first_.size() <= n_; at = end) {
            const unsigned long pos = std::strtoul(at, &end, 10);
            if (end == at) break;
            first_.push_back(static_cast<Xapian::termpos>(pos));
        }
        if (first_.size() < n_ || n_ == 0) {  // no bounds: one paragraph
            n_ = 1;
            first_.assign(1, 0);
        }
        if (first_.size() == n_)  // where the last one ends, not said
            first_.push_back(first_.back() + static_cast<Xapian::termpos>(p_.average_words) + p_.gap);
    }
    Paragraphs eval(const QueryShape &s) {
        switch (s.kind) {
        case QueryShape::TERM: return term(s.text);
        case QueryShape::WILDCARD: {
            Paragraphs r(n_, 0);
            for (const std::string &t : expand(s)) merge_or(r, term(t));
            return r;
        }
        case QueryShape::VALUE_RANGE: {
            const std::string v = db_.get_document(did_, Xapian::DOC_ASSUME_VALID).get_value(s.slot);
            return Paragraphs(n_, !v.empty() && v >= s.lo && v <= s.hi);
        }
        case QueryShape::MATCH_ALL: return Paragraphs(n_, 1);
        case QueryShape::MATCH_NOTHING: return Paragraphs(n_, 0);
        case QueryShape::SCALED: return eval(*s.subs[0]);
        case QueryShape::COMBINED: break;
        }
        if (s.subs.empty()) return Paragraphs(n_, 0);
        switch (s.op) {
        case WTS_XOP_OR:
        case WTS_XOP_SYNONYM: {
            Paragraphs r(n_, 0);
            for (const auto &c : s.subs) merge_or(r, eval(*c));
            return r;
        }
        case WTS_XOP_AND:
        case WTS_XOP_FILTER: {
            Paragraphs r = eval(*s.subs[0]);
            for (size_t i = 1; i < s.subs.size() && any(r); i++) merge_and(r, eval(*s.subs[i]));
            return r;
        }
        case WTS_XOP_AND_MAYBE: return eval(*s.subs[0]);
        case WTS_XOP_AND_NOT: {
            Paragraphs r = eval(*s.subs[0]);
            for (size_t i = 1; i < s.subs.size() && any(r); i++) {
                const Paragraphs out = eval(*s.subs[i]);
                for (uint32_t k = 0; k < n_; k++) r[k] = r[k] && !out[k];
            }
            return r;
        }
        case WTS_XOP_PHRASE:
        case WTS_XOP_NEAR: return near(s);
        }
        return Paragraphs(n_, 0);
    }

    // The BM25 weight of the terms of s that weigh, paragraph by paragraph.
    std::vector<double> weigh(const QueryShape &s) {
        std::vector<double> score(n_, 0.0);
        weigh(s, 1.0, score);
        return score;
    }

    const std::vector<Xapian::termpos> &bounds() const { return first_; }

    static bool any(const Paragraphs &r) {
        return std::find(r.begin(), r.end(), 1) != r.end();
    }

  private:
    void weigh(const QueryShape &s, double factor, std::vector<double> &score) {
        switch (s.kind) {
        case QueryShape::TERM:
        case QueryShape::WILDCARD: {
            std::vector<std::string> forms;
            add_forms(s, forms);
            add_weight(forms, factor, score);
            return;
        }
        case QueryShape::SCALED: weigh(*s.subs[0], factor * s.factor, score); return;
        case QueryShape::COMBINED: break;
        default: return;
        }
        if (s.subs.empty()) return;
        switch (s.op) {
        case WTS_XOP_FILTER:
        case WTS_XOP_AND_NOT: weigh(*s.subs[0], factor, score); return;
        case WTS_XOP_SYNONYM: {  // one term under several forms
            std::vector<std::string> forms;
            for (const auto &c : s.subs) add_forms(*c, forms);
            add_weight(forms, factor, score);
            return;
        }
        default:
            for (const auto &c : s.subs) weigh(*c, factor, score);
        }
    }

    // The terms a leaf stands for in this document that have positions.
    void add_forms(const QueryShape &s, std::vector<std::string> &forms) {
        if (s.kind == QueryShape::TERM && !is_whole(s.text, p_)) {
            forms.push_back(s.text);
        } else if (s.kind == QueryShape::WILDCARD && !is_whole(s.text, p_)) {
            for (const std::string &t : expand(s)) forms.push_back(t);
        }
    }

    void add_weight(const std::vector<std::string> &forms, double factor, std::vector<double> &score) {
        if (forms.empty()) return;
        std::vector<uint32_t> tf(n_, 0);
        double idf = 0;
        bool first = true;
        for (const std::string &t : forms) {
            const auto &pos = positions(t);
            if (pos.empty()) continue;
            // the commonest form weighs the whole: a synonym's index
            // frequency is at least that
            const double w = stats_->idf(t);
            idf = first || w < idf ? w : idf;
            first = false;
            size_t last_para = SIZE_MAX;
            for (Xapian::termpos x : pos) {
                const size_t k = paragraph_of(x);
                // a term at a paragraph's first position (a field)
                // counts once for the paragraph
                if (x == first_[k]) {
                    if (k != last_para) tf[k]++;
                    last_para = k;
                    continue;
                }
                tf[k]++;
            }
        }
        if (first) return;
        for (uint32_t k = 0; k < n_; k++) {
            if (!tf[k]) continue;
            const double words = first_[k + 1] > first_[k] + p_.gap ? first_[k + 1] - first_[k] - p_.gap : 1;
            double normlen = words / (p_.average_words > 0 ? p_.average_words : 1);
            if (normlen < 0.5) normlen = 0.5;
            score[k] += factor * idf * 2.0 * tf[k] / (0.5 * normlen + 0.5 + tf[k]);
        }
    }

    static void merge_or(Paragraphs &r, const Paragraphs &b) {
        for (size_t k = 0; k < r.size(); k++) r[k] = r[k] || b[k];
    }
    static void merge_and(Paragraphs &r, const Paragraphs &b) {
        for (size_t k = 0; k < r.size(); k++) r[k] = r[k] && b[k];
    }

    // The terms of the index with the wildcard's prefix (as many as it may
    // match) that the document holds: asked of the index, not read from
    // the document's term list, which a shard may not keep
    // (wts_xwriter_open_flags).  As fast as the term list for the 9
    // wildcard queries of bench/speed/queries.txt, faster with facets
    // (100,000 documents: `econom* --facets` 113 -> 95 ms).
    std::vector<std::string> expand(const QueryShape &wildcard) {
        std::vector<std::string> found;
        for (const std::string &t : stats_->terms_with(wildcard.text, wildcard.max_terms))
            if (stats_->holds(t, did_)) found.push_back(t);
        return found;
    }

    bool has_term(const std::string &t) { return stats_->holds(t, did_); }

    // The positions of t in the document, ascending (read once); of a
    // stem, those of its words.
    const std::vector<Xapian::termpos> &positions(const std::string &t) {
        auto found = positions_.find(t);
        if (found != positions_.end()) return found->second;
        std::vector<Xapian::termpos> pos;
        if (p_.stem_prefix && has_prefix(t, p_.stem_prefix)) {
            for (const std::string &w : stats_->words_of(t.substr(std::strlen(p_.stem_prefix))))
                for (auto it = db_.positionlist_begin(did_, w); it != db_.positionlist_end(did_, w); ++it)
                    pos.push_back(*it);
            std::sort(pos.begin(), pos.end());
        } else {
            for (auto it = db_.positionlist_begin(did_, t); it != db_.positionlist_end(did_, t); ++it)
                pos.push_back(*it);
        }
        return positions_[t] = std::move(pos);
    }

    Paragraphs term(const std::string &t) {
        if (is_whole(t, p_)) return Paragraphs(n_, has_term(t));
        Paragraphs r(n_, 0);
        for (Xapian::termpos pos : positions(t)) mark(r, pos);
        return r;
    }

    // The paragraph of pos: the last one starting at or before it.
    void mark(Paragraphs &r, Xapian::termpos pos) const { r[paragraph_of(pos)] = 1; }

    size_t paragraph_of(Xapian::termpos pos) const {
        const auto after = std::upper_bound(first_.begin(), first_.begin() + n_, pos);
        return after == first_.begin() ? 0 : static_cast<size_t>(after - first_.begin()) - 1;
    }

    // A phrase (in order) or NEAR (any order): all its parts within the
    // window of positions, which the gap between paragraphs keeps from
    // spanning two.  Parts that
    // are no terms (or ORs of terms) have no positions: each must then be
    // true of the paragraph.
    Paragraphs near(const QueryShape &s) {
        const size_t parts = s.subs.size();
        std::vector<std::vector<Xapian::termpos>> pos(parts);
        Paragraphs fallback(n_, 1);
        bool positional = true;
        for (size_t i = 0; i < parts; i++) {
            const QueryShape &c = *s.subs[i];
            if (c.kind == QueryShape::TERM) {
                pos[i] = positions(c.text);
            } else if (c.kind == QueryShape::COMBINED &&
                       (c.op == WTS_XOP_OR || c.op == WTS_XOP_SYNONYM)) {
                for (const auto &t : c.subs) {
                    if (t->kind != QueryShape::TERM) {
                        positional = false;
                        break;
                    }
                    const auto more = positions(t->text);
                    pos[i].insert(pos[i].end(), more.begin(), more.end());
                }
                std::sort(pos[i].begin(), pos[i].end());
            } else {
                positional = false;
            }
            if (!positional) break;
        }
        if (!positional) {
            for (const auto &c : s.subs) merge_and(fallback, eval(*c));
            return fallback;
        }
        Paragraphs r(n_, 0);
        const Xapian::termpos window = s.window ? s.window : static_cast<Xapian::termpos>(parts);
        if (s.op == WTS_XOP_PHRASE) {
            for (Xapian::termpos first : pos[0]) {
                Xapian::termpos at = first;
                bool ok = true;
                for (size_t i = 1; i < parts && ok; i++) {
                    auto next = std::upper_bound(pos[i].begin(), pos[i].end(), at);
                    ok = next != pos[i].end() && *next - first < window;
                    if (ok) at = *next;
                }
                if (ok) mark(r, first);
            }
            return r;
        }
        // NEAR: every part inside some window, in any order
        std::vector<std::pair<Xapian::termpos, size_t>> all;
        for (size_t i = 0; i < parts; i++)
            for (Xapian::termpos x : pos[i]) all.emplace_back(x, i);
        std::sort(all.begin(), all.end());
        std::vector<size_t> in(parts, 0);
        size_t distinct = 0, left = 0;
        for (size_t right = 0; right < all.size(); right++) {
            if (in[all[right].second]++ == 0) distinct++;
            while (all[right].first - all[left].first >= window)
                if (--in[all[left++].second] == 0) distinct--;
            if (distinct == parts) mark(r, all[left].first);
        }
        return r;
    }

    Xapian::Database db_;
    const wts_xparas &p_;
    Xapian::docid did_;
    TermStats *stats_;
    uint32_t n_ = 1;
    std::vector<Xapian::termpos> first_;  // each paragraph's first position, and the end
    std::map<std::string, std::vector<Xapian::termpos>> positions_;
};

}  // namespace

extern "C" {

wts_status wts_xquery_for_documents(const wts_xquery *q, const wts_xparas *p,
                                    wts_xquery **out, int *exact) {
    if (exact) *exact = 0;
    if (!out) return WTS_ERR_INVALID;
    *out = nullptr;
    if (!q || !p || !q->shape) return WTS_ERR_INVALID;
    WTS_GUARD_NOHANDLE({
        auto shape = for_documents(q->shape, *p);
        if (exact) *exact = facts_of(*q->shape, *p).exact;
        *out = new wts_xquery{shape};
    });
}

struct wts_xpara_eval {
    wts_xdb *db;
    std::shared_ptr<const QueryShape> shape;
    wts_xparas paras;
    TermStats stats;
};

wts_status wts_xpara_eval_new(wts_xdb *db, const wts_xquery *q, const wts_xparas *p,
                              wts_xpara_eval **out) {
    if (!out) return WTS_ERR_INVALID;
    *out = nullptr;
    if (!db || !q || !p) return WTS_ERR_INVALID;
    WTS_GUARD(db->message, *out = new wts_xpara_eval{db, q->shape, *p, TermStats(*db, *p)});
}

void wts_xpara_eval_free(wts_xpara_eval *e) { delete e; }

wts_status wts_xpara_eval_doc(wts_xpara_eval *e, wts_docid id, uint8_t **match, double **score,
                              uint32_t **first, uint32_t *n) {
    if (match) *match = nullptr;
    if (score) *score = nullptr;
    if (first) *first = nullptr;
    if (n) *n = 0;
    if (!e || !match || !n || id == 0) return WTS_ERR_INVALID;
    uint8_t *m = nullptr;
    double *sc = nullptr;
    uint32_t *fp = nullptr;
    try {
        ParagraphEval ev(e->db->db, e->paras, id, &e->stats);
        const Paragraphs r = ev.eval(*e->shape);
        const size_t k = r.size();
        m = static_cast<uint8_t *>(std::malloc(k ? k : 1));
        if (!m) throw std::bad_alloc();
        std::memcpy(m, r.data(), k);
        if (score) {
            const std::vector<double> w = ev.weigh(*e->shape);
            sc = static_cast<double *>(std::malloc((k ? k : 1) * sizeof *sc));
            if (!sc) throw std::bad_alloc();
            std::copy(w.begin(), w.end(), sc);
        }
        if (first) {
            const auto &b = ev.bounds();
            fp = static_cast<uint32_t *>(std::malloc((k + 1) * sizeof *fp));
            if (!fp) throw std::bad_alloc();
            for (size_t i = 0; i <= k; i++) fp[i] = static_cast<uint32_t>(b[i]);
        }
        *match = m;
        if (score) *score = sc;
        if (first) *first = fp;
        *n = static_cast<uint32_t>(k);
        return WTS_OK;
    } catch (...) {
        std::free(m);
        std::free(sc);
        std::free(fp);
        return map_current_exception(e->db->message);
    }
}

wts_status wts_xdb_value_sum(wts_xdb *db, unsigned slot, uint64_t *sum) {
    if (sum) *sum = 0;
    if (!db || !sum) return WTS_ERR_INVALID;
    WTS_GUARD(db->message, {
        for (auto v = db->db.valuestream_begin(slot); v != db->db.valuestream_end(slot); ++v)
            if (!is_hidden(db, v.get_docid())) *sum += std::strtoull((*v).c_str(), nullptr, 10);
    });
}

wts_status wts_xdb_paragraphs(wts_xdb *db, wts_docid id, const wts_xquery *q,
                              const wts_xparas *p, uint8_t **match, uint32_t *n) {
    if (match) *match = nullptr;
    if (n) *n = 0;
    if (!match || !n || id == 0) return WTS_ERR_INVALID;
    wts_xpara_eval *e = nullptr;
    wts_status st = wts_xpara_eval_new(db, q, p, &e);
    if (st == WTS_OK) st = wts_xpara_eval_doc(e, id, match, nullptr, nullptr, n);
    wts_xpara_eval_free(e);
    return st;
}

}  // extern "C"
