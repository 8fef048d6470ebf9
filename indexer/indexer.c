/* indexer.c: walks paths, reads manifests, and runs the stages per file.
 *
 * Every file is identified by its real path: indexing it again replaces
 * its paragraphs.  A file whose size, modification time and manifest entry
 * are those recorded at its last indexing is not read again.  Changes are
 * committed in batches, so memory stays bounded and a crash loses at most
 * the batch in progress, never what was committed. */
#include "wts_indexer.h"
#include "extract.h"
#include "write.h"
#include "shard.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Commit after this many files, this much text or this many paragraphs,
 * whichever comes first: bounds the writer's memory (README, "Memory")
 * and the work a crash can lose. */
#define COMMIT_FILES 500
#define COMMIT_BYTES (32u << 20)
#define COMMIT_PARAGRAPHS 20000
/* Runs kept apart at most: merging opens each, a file per table, and a
 * new shard of millions of files would otherwise have hundreds. */
#define RUNS_APART_MAX 32
/* Runs that are merges of earlier ones, kept apart at most: each merge
 * takes the runs written since the last one only, so that a file is
 * merged about once before the end, not once each time. */
#define FOLDS_APART_MAX 8

/* Directory depth followed; deeper trees are almost surely loops. */
#define MAX_DEPTH 64

typedef struct manifest_entry {
    char *path; /* real path of the file */
    char *symbol, *date, *lang, *title;
} manifest_entry;

typedef struct manifest {
    manifest_entry *v;
    size_t n;
} manifest;

typedef struct dir_id {
    dev_t dev;
    ino_t ino;
} dir_id;

/* ---- files indexed in runs ---- */

/* The files a new shard's runs hold, by a hash of their real path: one
 * met again (a directory named twice, a link) must not be indexed twice,
 * and is looked for in the records of the runs closed only when its hash
 * is here.  Eight bytes a file where the paths would take a hundred. */
typedef struct path_hashes {
    uint64_t *slot; /* 0: empty */
    size_t mask, n;
} path_hashes;

/* The shard's hash of a path, its bits spread (those of one shard share
 * their lowest ones), never 0. */
static uint64_t spread(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h ? h : 1;
}

static bool path_hashes_has(const path_hashes *s, uint64_t h) {
    if (!s->slot) return false;
    for (size_t i = h & s->mask;; i = (i + 1) & s->mask) {
        if (s->slot[i] == h) return true;
        if (!s->slot[i]) return false;
    }
}

static void path_hashes_add(path_hashes *s, uint64_t h) {
    if (!s->slot || (s->n + 1) * 2 > s->mask + 1) { /* kept at most half full */
        const size_t size = s->slot ? 2 * (s->mask + 1) : 1024;
        path_hashes bigger = {wts_xcalloc(size, sizeof(uint64_t)), size - 1, 0};
        for (size_t i = 0; s->slot && i <= s->mask; i++)
            if (s->slot[i]) path_hashes_add(&bigger, s->slot[i]);
        free(s->slot);
        *s = bigger;
    }
    size_t i = h & s->mask;
    while (s->slot[i] && s->slot[i] != h) i = (i + 1) & s->mask;
    if (!s->slot[i]) s->n++;
    s->slot[i] = h;
}

struct wts_indexer {
    wts_xwriter *w;
    char *db_real;
    write_ctx wc;
    FILE *report;
    manifest global;
    bool have_global;
    wts_index_stats stats;
    wts_strlist skipped;
    uint32_t batch_files, commit_files;
    uint64_t batch_bytes, batch_paras;
    char **seen;       /* real paths met under the directories walked */
    size_t nseen, capseen;
    shard_hooks shard; /* which files are this indexer's; count 1: all */
    dir_id stack[MAX_DEPTH];
    size_t depth;
    char *path; /* of the database opened (the first run, when in runs) */
    unsigned writer_flags;
    /* A new shard written in runs (indexer_write_runs): */
    char *run_base;          /* run k > 0 is the database run_base + k; NULL: one database */
    uint32_t run_max_files;  /* a run is closed, at a commit, once it holds as many files */
    uint32_t run_files;      /* files of the run being written */
    bool run_full;           /* it was committed full: the next file starts a new one */
    uint32_t runs_docs;      /* documents of the runs closed */
    uint32_t run_names;      /* directories named after run_base so far */
    wts_strlist runs;        /* the runs after the first, in order */
    size_t folded;           /* the first of them that are merges of earlier ones */
    path_hashes indexed;     /* of the files indexed in any run */
    wts_xdb **closed;        /* the runs closed, opened for reading when first asked */
    size_t nclosed;
};

/* ---- shards ---- */

/* FNV-1a: stable across runs and machines, which a shard assignment must
 * be (a file always goes back to the shard that holds it). */
static uint64_t path_hash(const char *path) {
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) h = (h ^ *p) * 1099511628211ULL;
    return h;
}

uint32_t shard_of(const char *path, uint32_t count) {
    return count > 1 ? (uint32_t)(path_hash(path) % count) : 0;
}

static bool owns(const wts_indexer *ix, const char *path) {
    const shard_hooks *s = &ix->shard;
    if (s->count <= 1 && s->parts <= 1) return true;
    uint64_t h = path_hash(path), count = s->count > 1 ? s->count : 1;
    /* the part from the bits the shard did not use */
    return h % count == s->index && (s->parts <= 1 || (h / count) % s->parts == s->part);
}

void indexer_set_shard(wts_indexer *ix, const shard_hooks *h) {
    ix->shard = *h;
    if (h->report) ix->report = h->report;
    if (h->root) {
        free(ix->db_real);
        char real[PATH_MAX];
        ix->db_real = wts_xstrdup(realpath(h->root, real) ? real : h->root);
    }
}

static void manifest_entry_free(manifest_entry *e) {
    free(e->path);
    free(e->symbol);
    free(e->date);
    free(e->lang);
    free(e->title);
}

static void manifest_free(manifest *m) {
    for (size_t i = 0; i < m->n; i++) manifest_entry_free(&m->v[i]);
    free(m->v);
    m->v = NULL;
    m->n = 0;
}

static void skip(wts_indexer *ix, const char *path, const char *reason) {
    if (!owns(ix, path)) return; /* another shard's indexer reports it */
    ix->stats.files_skipped++;
    wts_buf b = WTS_BUF_INIT;
    wts_buf_printf(&b, "%s: %s", path, reason);
    wts_strlist_add(&ix->skipped, b.data);
    if (ix->report) fprintf(ix->report, "wtosearch: skipped %s\n", b.data);
    wts_buf_free(&b);
}

/* Reads a manifest: a header naming the columns (path symbol date lang
 * title, in any order), then one line per file; paths are relative to the
 * manifest's directory.  Problems are reported, naming file and line. */
static void manifest_load(wts_indexer *ix, const char *file, manifest *m) {
    /* every shard reads the manifest; the first one tells of its problems */
    FILE *report = ix->shard.index == 0 ? ix->report : NULL;
    FILE *f = fopen(file, "r");
    if (!f) {
        if (report) fprintf(report, "wtosearch: cannot read manifest %s: %s\n", file, strerror(errno));
        return;
    }
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", file);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    else snprintf(dir, sizeof dir, ".");
    int col[5] = {-1, -1, -1, -1, -1}; /* path symbol date lang title */
    static const char *const names[5] = {"path", "symbol", "date", "lang", "title"};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    size_t lineno = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
        char *fields[16];
        int nf = 0;
        for (char *p = line, *tab; nf < 16; p = tab + 1) {
            fields[nf++] = p;
            tab = strchr(p, '\t');
            if (!tab) break;
            *tab = '\0';
        }
        if (lineno == 1) {
            for (int k = 0; k < nf; k++)
                for (int c = 0; c < 5; c++)
                    if (strcmp(fields[k], names[c]) == 0) col[c] = k;
            if (col[0] < 0) {
                if (report)
                    fprintf(report, "wtosearch: %s:1: manifest header has no 'path' column; manifest ignored\n", file);
                break;
            }
            continue;
        }
        if (n == 0) continue;
        if (col[0] >= nf || !*fields[col[0]]) {
            if (report) fprintf(report, "wtosearch: %s:%zu: no path; line ignored\n", file, lineno);
            continue;
        }
        char joined[PATH_MAX * 2], real[PATH_MAX];
        const char *p = fields[col[0]];
        if (p[0] == '/') snprintf(joined, sizeof joined, "%s", p);
        else snprintf(joined, sizeof joined, "%s/%s", dir, p);
        if (!realpath(joined, real)) {
            if (report)
                fprintf(report, "wtosearch: %s:%zu: %s: %s; line ignored\n", file, lineno, p, strerror(errno));
            continue;
        }
        m->v = wts_xrealloc(m->v, (m->n + 1) * sizeof *m->v);
        manifest_entry *e = &m->v[m->n++];
        memset(e, 0, sizeof *e);
        e->path = wts_xstrdup(real);
        char **slots[4] = {&e->symbol, &e->date, &e->lang, &e->title};
        for (int c = 1; c < 5; c++)
            if (col[c] >= 0 && col[c] < nf && *fields[col[c]]) *slots[c - 1] = wts_xstrdup(fields[col[c]]);
        wts_date d;
        if (e->date && wts_date_parse(e->date, strlen(e->date), &d) != WTS_OK && report)
            fprintf(report, "wtosearch: %s:%zu: date '%s' is not a valid date; ignored\n", file, lineno, e->date);
        if (e->lang && wts_lang_from_code(e->lang) == WTS_LANG_UNKNOWN && report)
            fprintf(report, "wtosearch: %s:%zu: language '%s' is not en, fr or es; ignored\n", file, lineno, e->lang);
    }
    free(line);
    fclose(f);
}

static const manifest_entry *manifest_find(const manifest *m, const char *real) {
    for (size_t i = 0; m && i < m->n; i++)
        if (strcmp(m->v[i].path, real) == 0) return &m->v[i];
    return NULL;
}

wts_status wts_indexer_open(const char *db_path, const char *manifest_path, FILE *report,
                            wts_indexer **out, char **errmsg) {
    return indexer_open_flags(db_path, 0, manifest_path, report, out, errmsg);
}

/* Opens the database at db_path for writing, refusing one written by
 * another schema or by another program, and marks it with ours. */
static wts_status open_writer(const char *db_path, unsigned writer_flags, wts_xwriter **out, char **errmsg) {
    wts_xwriter *w = NULL;
    *out = NULL;
    wts_status st = wts_xwriter_open_flags(db_path, writer_flags, &w, errmsg);
    if (st != WTS_OK) return st;
    /* An index written by another schema is not silently mixed with ours. */
    char *version = NULL;
    uint32_t docs = 0;
    st = wts_xdb_get_metadata(wts_xwriter_db(w), WTS_META_SCHEMA, &version);
    if (st == WTS_OK) st = wts_xdb_doccount(wts_xwriter_db(w), &docs);
    if (st == WTS_OK && *version && strcmp(version, WTS_SCHEMA_VERSION) != 0) {
        if (errmsg) {
            wts_buf b = WTS_BUF_INIT;
            wts_buf_printf(&b, "index %s has schema version '%s'; this program writes version %s: "
                               "remove it and index again", db_path, version, WTS_SCHEMA_VERSION);
            *errmsg = wts_buf_steal(&b);
        }
        st = WTS_ERR_VERSION;
    } else if (st == WTS_OK && !*version && docs > 0) {
        if (errmsg) {
            wts_buf b = WTS_BUF_INIT;
            wts_buf_printf(&b, "%s holds an index not written by wtosearch", db_path);
            *errmsg = wts_buf_steal(&b);
        }
        st = WTS_ERR_VERSION;
    } else if (st != WTS_OK && errmsg) {
        *errmsg = wts_xstrdup(wts_xwriter_message(w));
    }
    free(version);
    if (st == WTS_OK) st = wts_xwriter_set_metadata(w, WTS_META_SCHEMA, WTS_SCHEMA_VERSION);
    if (st != WTS_OK) {
        wts_xwriter_close(w);
        return st;
    }
    *out = w;
    return WTS_OK;
}

wts_status indexer_open_flags(const char *db_path, unsigned writer_flags, const char *manifest_path,
                              FILE *report, wts_indexer **out, char **errmsg) {
    *out = NULL;
    if (errmsg) *errmsg = NULL;
    wts_indexer *ix = wts_xcalloc(1, sizeof *ix);
    ix->report = report;
    ix->commit_files = COMMIT_FILES;
    ix->writer_flags = writer_flags;
    wts_status st = open_writer(db_path, writer_flags, &ix->w, errmsg);
    if (st != WTS_OK) {
        free(ix);
        return st;
    }
    write_ctx_init(&ix->wc);
    if ((st = write_ctx_start_database(&ix->wc, ix->w)) != WTS_OK) {
        if (errmsg) *errmsg = wts_xstrdup(wts_xdb_message(wts_xwriter_db(ix->w)));
        write_ctx_free(&ix->wc);
        wts_xwriter_close(ix->w);
        free(ix);
        return st;
    }
    char real[PATH_MAX];
    ix->db_real = wts_xstrdup(realpath(db_path, real) ? real : db_path);
    ix->path = wts_xstrdup(db_path);
    if (manifest_path) {
        ix->have_global = true;
        manifest_load(ix, manifest_path, &ix->global);
    }
    *out = ix;
    return WTS_OK;
}

static void forget_closed(wts_indexer *ix) {
    for (size_t i = 0; i < ix->nclosed; i++) wts_xdb_close(ix->closed[i]);
    free(ix->closed);
    ix->closed = NULL;
    ix->nclosed = 0;
}

/* Whether a run closed holds the file record key (not a removal's). */
static bool in_closed_run(wts_indexer *ix, const char *key) {
    const size_t n = ix->runs.n; /* the first run, and all the others but the last */
    if (!ix->closed) ix->closed = wts_xcalloc(RUNS_APART_MAX + 2, sizeof *ix->closed);
    for (size_t i = 0; i < n; i++) {
        if (i == ix->nclosed) {
            char *msg = NULL;
            if (wts_xdb_open(i ? ix->runs.v[i - 1] : ix->path, &ix->closed[i], &msg) != WTS_OK) {
                free(msg);
                return false;
            }
            ix->nclosed++;
        }
        char *rec = NULL;
        bool held = wts_xdb_get_metadata(ix->closed[i], key, &rec) == WTS_OK && *rec;
        free(rec);
        if (held) return true;
    }
    return false;
}

/* Merges closed runs of the list into one, which takes their place: those
 * written since the last merge, or all of them once FOLDS_APART_MAX
 * merges are kept.  The shard's own database (the first run) and the run
 * being written (the last of the list) stay apart. */
static wts_status fold_runs(wts_indexer *ix) {
    const size_t closed = ix->runs.n - 1, from = ix->folded < FOLDS_APART_MAX ? ix->folded : 0;
    wts_buf path = WTS_BUF_INIT;
    wts_buf_printf(&path, "%s%u", ix->run_base, ++ix->run_names);
    char *msg = NULL;
    wts_status st = wts_xcompact_merge((const char *const *)ix->runs.v + from, closed - from, path.data,
                                       WTS_META_STEM_PREFIX, &msg);
    if (st != WTS_OK) {
        if (ix->report)
            fprintf(ix->report, "wtosearch: cannot merge %zu runs into %s: %s\n", closed - from, path.data,
                    msg ? msg : wts_status_name(st));
        remove_shard_dir(path.data);
    } else {
        wts_strlist kept = {NULL, 0};
        for (size_t i = 0; i < from; i++) wts_strlist_add(&kept, ix->runs.v[i]);
        wts_strlist_add(&kept, path.data);
        wts_strlist_add(&kept, ix->runs.v[closed]);
        for (size_t i = from; i < closed; i++) remove_shard_dir(ix->runs.v[i]);
        forget_closed(ix);
        wts_strlist_free(&ix->runs);
        ix->runs = kept;
        ix->folded = from + 1;
        ix->stats.run_merges++;
    }
    free(msg);
    wts_buf_free(&path);
    return st;
}

/* Closes the run being written (committed) and opens the next, new. */
static wts_status next_run(wts_indexer *ix) {
    uint32_t docs = 0;
    wts_status st = wts_xdb_doccount(wts_xwriter_db(ix->w), &docs);
    if (st != WTS_OK) return st;
    wts_buf path = WTS_BUF_INIT;
    wts_buf_printf(&path, "%s%u", ix->run_base, ++ix->run_names);
    wts_xwriter *next = NULL;
    char *msg = NULL;
    st = open_writer(path.data, ix->writer_flags, &next, &msg);
    uint32_t held = 0;
    if (st == WTS_OK && (st = wts_xdb_doccount(wts_xwriter_db(next), &held)) == WTS_OK && held) {
        msg = wts_xstrdup("it is not empty");
        st = WTS_ERR_INVALID;
    }
    if (st != WTS_OK) {
        if (ix->report)
            fprintf(ix->report, "wtosearch: cannot start %s: %s\n", path.data,
                    msg ? msg : next ? wts_xwriter_message(next) : wts_status_name(st));
        free(msg);
        wts_xwriter_close(next);
        wts_buf_free(&path);
        return st;
    }
    wts_strlist_add(&ix->runs, path.data);
    wts_buf_free(&path);
    st = wts_xwriter_close(ix->w);
    ix->w = next;
    if (st == WTS_OK) st = write_ctx_start_database(&ix->wc, ix->w);
    ix->runs_docs += docs;
    ix->run_files = 0;
    ix->stats.runs += ix->stats.runs ? 1 : 2; /* the first, when it has a second */
    if (st == WTS_OK && ix->runs.n > RUNS_APART_MAX) st = fold_runs(ix);
    return st;
}

static wts_status maybe_commit(wts_indexer *ix, bool force) {
    if (!force && ix->batch_files < ix->commit_files && ix->batch_bytes < COMMIT_BYTES &&
        ix->batch_paras < COMMIT_PARAGRAPHS)
        return WTS_OK;
    ix->batch_files = 0;
    ix->batch_bytes = 0;
    ix->batch_paras = 0;
    char now[32];
    snprintf(now, sizeof now, "%lld", (long long)time(NULL));
    wts_status st = write_stem_words(&ix->wc, ix->w);
    if (st == WTS_OK) st = wts_xwriter_set_metadata(ix->w, WTS_META_UPDATED, now);
    if (st == WTS_OK) st = wts_xwriter_commit(ix->w);
    /* the next run is started by the next file written, if any */
    if (st == WTS_OK && !force && ix->run_base && ix->run_files >= ix->run_max_files) ix->run_full = true;
    return st;
}

/* The record kept per file, to know next time whether it changed. */
typedef struct file_rec {
    uint64_t size;
    int64_t mtime_ns;
    uint64_t hash;
    char *hints;
    uint32_t paragraphs;
} file_rec;

static char *hints_of(const manifest_entry *m) {
    wts_buf h = WTS_BUF_INIT;
    if (m)
        wts_buf_printf(&h, "%s\t%s\t%s\t%s", m->symbol ? m->symbol : "", m->date ? m->date : "",
                       m->lang ? m->lang : "", m->title ? m->title : "");
    return wts_buf_steal(&h);
}

static char *record_json(const file_rec *r) {
    json_t *o = json_object();
    char hash[24];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)r->hash);
    json_object_set_new(o, "size", json_integer((json_int_t)r->size));
    json_object_set_new(o, "mtime_ns", json_integer((json_int_t)r->mtime_ns));
    json_object_set_new(o, "hash", json_string(hash));
    json_object_set_new(o, "hints", json_string(r->hints ? r->hints : ""));
    json_object_set_new(o, "paragraphs", json_integer(r->paragraphs));
    char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
    json_decref(o);
    return s;
}

/* The file record rec (JSON) into *r; false when it is empty (a file
 * removed) or unreadable. */
static bool record_parse(const char *rec, file_rec *r) {
    memset(r, 0, sizeof *r);
    if (!*rec) return false;
    json_error_t err;
    json_t *o = json_loads(rec, 0, &err);
    if (!o) return false;
    r->size = (uint64_t)json_integer_value(json_object_get(o, "size"));
    r->mtime_ns = (int64_t)json_integer_value(json_object_get(o, "mtime_ns"));
    const char *h = json_string_value(json_object_get(o, "hash"));
    r->hash = h ? strtoull(h, NULL, 16) : 0;
    const char *hints = json_string_value(json_object_get(o, "hints"));
    r->hints = wts_xstrdup(hints ? hints : "");
    r->paragraphs = (uint32_t)json_integer_value(json_object_get(o, "paragraphs"));
    json_decref(o);
    return true;
}

static bool record_read(wts_indexer *ix, const char *key, file_rec *r) {
    char *rec = NULL;
    memset(r, 0, sizeof *r);
    if (wts_xdb_get_metadata(wts_xwriter_db(ix->w), key, &rec) != WTS_OK) {
        free(rec);
        return false;
    }
    bool ok = record_parse(rec, r);
    free(rec);
    return ok;
}

/* Whether path still holds what was indexed: same size, time and
 * manifest entry; or, touched only, the same bytes (the record then takes
 * the new time, so the next run does not read it again). */
static bool unchanged(wts_indexer *ix, const char *key, const char *path, const struct stat *st,
                      const manifest_entry *m) {
    file_rec r;
    if (!record_read(ix, key, &r)) return false;
    int64_t mt = (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
    char *hints = hints_of(m);
    bool same = r.size == (uint64_t)st->st_size && strcmp(r.hints, hints) == 0;
    free(hints);
    if (same && r.mtime_ns != mt) {
        char *data = NULL;
        size_t len = 0;
        FILE *f = fopen(path, "rb");
        wts_buf b = WTS_BUF_INIT;
        if (f) {
            char chunk[65536];
            size_t n;
            while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) wts_buf_add(&b, chunk, n);
            fclose(f);
        }
        len = b.len;
        data = wts_buf_steal(&b);
        same = f && extract_hash(data, len) == r.hash;
        free(data);
        if (same) {
            r.mtime_ns = mt;
            char *json = record_json(&r);
            same = wts_xwriter_set_metadata(ix->w, key, json) == WTS_OK;
            free(json);
        }
    }
    free(r.hints);
    return same;
}

/* ---- files that went away ---- */

static void remember_seen(wts_indexer *ix, const char *real) {
    if (ix->nseen == ix->capseen) {
        ix->capseen = ix->capseen ? ix->capseen * 2 : 256;
        ix->seen = wts_xrealloc(ix->seen, ix->capseen * sizeof *ix->seen);
    }
    ix->seen[ix->nseen++] = wts_xstrdup(real);
}

static void forget_seen(wts_indexer *ix) {
    for (size_t i = 0; i < ix->nseen; i++) free(ix->seen[i]);
    ix->nseen = 0;
}

static int str_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct prune_ctx {
    wts_indexer *ix;
    wts_strlist gone;
} prune_ctx;

static int note_gone(void *ud, const char *key, size_t len, uint32_t tf) {
    prune_ctx *c = ud;
    char *path = wts_xstrndup(key + strlen(WTS_META_FILE_PREFIX), len - strlen(WTS_META_FILE_PREFIX));
    if (!bsearch(&path, c->ix->seen, c->ix->nseen, sizeof *c->ix->seen, str_cmp)) wts_strlist_add(&c->gone, path);
    free(path);
    return 0;
}

/* Removes from the index the files under dir that the walk did not meet:
 * they were deleted or moved since they were indexed. */
static wts_status prune(wts_indexer *ix, const char *dir) {
    if (ix->nseen) qsort(ix->seen, ix->nseen, sizeof *ix->seen, str_cmp);
    prune_ctx c = {ix, {NULL, 0}};
    wts_buf prefix = WTS_BUF_INIT;
    wts_buf_printf(&prefix, "%s%s/", WTS_META_FILE_PREFIX, dir);
    wts_status st = wts_xdb_metadata_keys(wts_xwriter_db(ix->w), prefix.data, note_gone, &c);
    wts_buf_free(&prefix);
    for (size_t i = 0; st == WTS_OK && i < c.gone.n; i++) {
        wts_buf term = WTS_BUF_INIT, key = WTS_BUF_INIT;
        wts_buf_printf(&term, "%s%s", WTS_PREFIX_PATH, c.gone.v[i]);
        wts_buf_printf(&key, "%s%s", WTS_META_FILE_PREFIX, c.gone.v[i]);
        st = wts_xwriter_delete_term(ix->w, term.data);
        if (st == WTS_OK) st = wts_xwriter_set_metadata(ix->w, key.data, "");
        if (st == WTS_OK) ix->stats.files_removed++;
        wts_buf_free(&term);
        wts_buf_free(&key);
    }
    wts_strlist_free(&c.gone);
    forget_seen(ix);
    return st;
}

/* Indexes the file at real with the manifest fields m (NULL: none). */
static wts_status index_file_as(wts_indexer *ix, const char *real, const struct stat *sb, const manifest_entry *m) {
    if (!owns(ix, real)) return WTS_OK;
    remember_seen(ix, real); /* kept, even if it cannot be read now: nothing indexed is lost */
    if (ix->shard.file_done) ix->shard.file_done(ix->shard.ud, (uint64_t)sb->st_size);
    wts_buf key = WTS_BUF_INIT;
    wts_buf_printf(&key, "%s%s", WTS_META_FILE_PREFIX, real);
    if (key.len > 240) { /* metadata keys have a size limit too */
        skip(ix, real, "path too long to record");
        wts_buf_free(&key);
        return WTS_OK;
    }
    const uint64_t h = ix->run_base ? spread(path_hash(real)) : 0;
    if (unchanged(ix, key.data, real, sb, m) ||
        (ix->run_base && path_hashes_has(&ix->indexed, h) && in_closed_run(ix, key.data))) {
        ix->stats.files_unchanged++;
        wts_buf_free(&key);
        return WTS_OK;
    }
    extracted ex;
    wts_buf reason = WTS_BUF_INIT;
    if (extract_file(real, &ex, &reason) != WTS_OK) {
        skip(ix, real, reason.data);
        wts_buf_free(&reason);
        wts_buf_free(&key);
        return WTS_OK;
    }
    wts_buf_free(&reason);
    const char *base = strrchr(real, '/');
    wts_doc_hints hints = {m ? m->symbol : NULL, m ? m->date : NULL, m ? m->lang : NULL,
                           m && m->title ? m->title : ex.title, base ? base + 1 : real};
    wts_document *doc = NULL;
    wts_status st = wts_document_parse(ex.data, ex.len, ex.format, &hints, &doc);
    if (st == WTS_OK && doc->nparas == 0) {
        skip(ix, real, "no text found");
    } else if (st == WTS_OK) {
        if (ix->run_full) {
            ix->run_full = false;
            st = next_run(ix);
        }
        if (st == WTS_OK) st = write_document(&ix->wc, ix->w, real, doc);
        if (st == WTS_OK) {
            file_rec r = {ex.size, ex.mtime_ns, ex.hash, hints_of(m), (uint32_t)doc->nparas};
            char *rec = record_json(&r);
            st = wts_xwriter_set_metadata(ix->w, key.data, rec);
            free(rec);
            free(r.hints);
        }
        if (st == WTS_OK) {
            if (ix->run_base) {
                ix->run_files++;
                path_hashes_add(&ix->indexed, h);
            }
            ix->stats.files_indexed++;
            ix->stats.paragraphs += (uint32_t)doc->nparas;
            ix->batch_files++;
            ix->batch_bytes += ex.len;
            ix->batch_paras += doc->nparas;
        }
    }
    wts_document_free(doc);
    extracted_free(&ex);
    wts_buf_free(&key);
    if (st != WTS_OK) return st;
    return maybe_commit(ix, false);
}

static wts_status index_file(wts_indexer *ix, const char *real, const struct stat *sb, const manifest *local) {
    return index_file_as(ix, real, sb, manifest_find(ix->have_global ? &ix->global : local, real));
}

/* A directory entry: its name and its type as the listing gave it. */
typedef struct dir_entry {
    char *name;
    unsigned char type; /* DT_REG, DT_DIR, DT_LNK, DT_UNKNOWN, ... */
} dir_entry;

static int entry_cmp(const void *a, const void *b) {
    return strcmp(((const dir_entry *)a)->name, ((const dir_entry *)b)->name);
}

static wts_status add_path(wts_indexer *ix, const char *path, const manifest *local);
static wts_status add_entry(wts_indexer *ix, const char *dir_real, const dir_entry *e, const manifest *local);

static wts_status add_dir(wts_indexer *ix, const char *real, const struct stat *sb) {
    for (size_t i = 0; i < ix->depth; i++)
        if (ix->stack[i].dev == sb->st_dev && ix->stack[i].ino == sb->st_ino) {
            skip(ix, real, "directory loop (a link leads back to a parent)");
            return WTS_OK;
        }
    if (ix->depth == MAX_DEPTH) {
        skip(ix, real, "directories nested too deep");
        return WTS_OK;
    }
    if (strcmp(real, ix->db_real) == 0) return WTS_OK; /* never index the index */
    DIR *d = opendir(real);
    if (!d) {
        char why[256];
        snprintf(why, sizeof why, "cannot read directory: %s", strerror(errno));
        skip(ix, real, why);
        return WTS_OK;
    }
    dir_entry *entries = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue; /* hidden files, ".", ".." */
        entries = wts_xrealloc(entries, (n + 1) * sizeof *entries);
        entries[n++] = (dir_entry){wts_xstrdup(e->d_name), e->d_type};
    }
    closedir(d);
    if (n) qsort(entries, n, sizeof *entries, entry_cmp);
    manifest local = {NULL, 0};
    if (!ix->have_global) {
        char mf[PATH_MAX + 16];
        snprintf(mf, sizeof mf, "%s/MANIFEST.tsv", real);
        if (access(mf, F_OK) == 0) manifest_load(ix, mf, &local);
    }
    ix->stack[ix->depth++] = (dir_id){sb->st_dev, sb->st_ino};
    wts_status st = WTS_OK;
    for (size_t i = 0; i < n; i++) {
        if (st == WTS_OK && strcmp(entries[i].name, "MANIFEST.tsv") != 0)
            st = add_entry(ix, real, &entries[i], &local);
        free(entries[i].name);
    }
    ix->depth--;
    free(entries);
    manifest_free(&local);
    return st;
}

/* A real path and what stat() said of it: a directory walked, a regular
 * file indexed, anything else skipped. */
static wts_status add_real(wts_indexer *ix, const char *real, const struct stat *sb, const manifest *local) {
    if (S_ISDIR(sb->st_mode)) return add_dir(ix, real, sb);
    if (!S_ISREG(sb->st_mode)) {
        skip(ix, real, "not a regular file");
        return WTS_OK;
    }
    return index_file(ix, real, sb, local);
}

static wts_status add_path(wts_indexer *ix, const char *path, const manifest *local) {
    struct stat sb;
    if (stat(path, &sb) != 0) {
        char why[256];
        snprintf(why, sizeof why, "%s", errno == ELOOP ? "symbolic link loop" : strerror(errno));
        skip(ix, path, why);
        return WTS_OK;
    }
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        skip(ix, path, strerror(errno));
        return WTS_OK;
    }
    return add_real(ix, real, &sb, local);
}

/* An entry of directory dir_real (a real path).  A file or directory that
 * is no link has the real path dir_real/name as it is: no realpath() (a
 * system call per component of the path), and a file of another shard not
 * even a stat(): an unchanged tree is walked at the cost of its
 * directories' listings and of the shard's own files.  A link, an entry
 * of unknown type or a path too long goes through add_path. */
static wts_status add_entry(wts_indexer *ix, const char *dir_real, const dir_entry *e, const manifest *local) {
    wts_buf child = WTS_BUF_INIT;
    wts_buf_printf(&child, "%s/%s", dir_real, e->name);
    wts_status st = WTS_OK;
    struct stat sb;
    if ((e->type != DT_REG && e->type != DT_DIR) || child.len >= PATH_MAX)
        st = add_path(ix, child.data, local);
    else if (e->type == DT_REG && !owns(ix, child.data))
        st = WTS_OK;
    else if (stat(child.data, &sb) != 0)
        skip(ix, child.data, strerror(errno));
    else
        st = add_real(ix, child.data, &sb, local);
    wts_buf_free(&child);
    return st;
}

wts_status wts_indexer_add(wts_indexer *ix, const char *path) {
    if (!ix || !path) return WTS_ERR_INVALID;
    /* A file named on its own still takes its directory's manifest. */
    struct stat sb;
    manifest local = {NULL, 0};
    if (!ix->have_global && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
        char real[PATH_MAX];
        if (realpath(path, real)) {
            char *slash = strrchr(real, '/');
            if (slash) {
                *slash = '\0';
                char mf[PATH_MAX + 16];
                snprintf(mf, sizeof mf, "%s/MANIFEST.tsv", real);
                if (access(mf, F_OK) == 0) manifest_load(ix, mf, &local);
            }
        }
    }
    wts_status st = add_path(ix, path, &local);
    manifest_free(&local);
    char real[PATH_MAX];
    struct stat db;
    if (st == WTS_OK && stat(path, &db) == 0 && S_ISDIR(db.st_mode) && realpath(path, real)) st = prune(ix, real);
    forget_seen(ix);
    return st;
}

const wts_strlist *wts_indexer_skipped(const wts_indexer *ix) { return &ix->skipped; }

/* ---- files recorded in another index ---- */

typedef struct carry_ctx {
    wts_indexer *ix;
    wts_xdb *from;
    wts_status st;
} carry_ctx;

/* Whether this indexer has skipped the file at path ("path: reason"). */
static bool skipped_here(const wts_indexer *ix, const char *path) {
    size_t len = strlen(path);
    for (size_t i = 0; i < ix->skipped.n; i++)
        if (strncmp(ix->skipped.v[i], path, len) == 0 && ix->skipped.v[i][len] == ':') return true;
    return false;
}

/* One file record of the index carried from: the file indexed again with
 * the manifest fields recorded for it (not the run's manifest: the run
 * did not name it), unless this indexer has met it, it
 * is another part's, or it is gone (a regular file no more). */
static int carry_file(void *ud, const char *key, size_t len, uint32_t tf) {
    carry_ctx *c = ud;
    char *k = wts_xstrndup(key, len), *rec = NULL, *mine = NULL;
    const char *path = k + strlen(WTS_META_FILE_PREFIX);
    struct stat sb;
    file_rec r = {0};
    if (owns(c->ix, path) && (c->st = wts_xdb_get_metadata(c->from, k, &rec)) == WTS_OK && record_parse(rec, &r) &&
        stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && !skipped_here(c->ix, path) &&
        (c->st = wts_xdb_get_metadata(wts_xwriter_db(c->ix->w), k, &mine)) == WTS_OK && !*mine) {
        /* the recorded fields, as hints_of wrote them: tab-separated */
        manifest_entry e = {wts_xstrdup(path), NULL, NULL, NULL, NULL};
        char **slots[4] = {&e.symbol, &e.date, &e.lang, &e.title};
        const char *at = r.hints;
        for (int i = 0; i < 4 && *r.hints; i++) {
            const char *tab = strchr(at, '\t');
            size_t n = tab ? (size_t)(tab - at) : strlen(at);
            if (n) *slots[i] = wts_xstrndup(at, n);
            at = tab ? tab + 1 : at + n;
        }
        c->st = index_file_as(c->ix, path, &sb, *r.hints ? &e : NULL);
        manifest_entry_free(&e);
    }
    free(r.hints);
    free(mine);
    free(rec);
    free(k);
    return c->st != WTS_OK;
}

wts_status indexer_carry(wts_indexer *ix, const char *from_path, char **errmsg) {
    if (errmsg) *errmsg = NULL;
    wts_xdb *from = NULL;
    wts_status st = wts_xdb_open(from_path, &from, errmsg);
    if (st != WTS_OK) return st;
    carry_ctx c = {ix, from, WTS_OK};
    st = wts_xdb_metadata_keys(from, WTS_META_FILE_PREFIX, carry_file, &c);
    forget_seen(ix); /* no directory walked: nothing to prune */
    if (st == WTS_OK) st = c.st;
    if (st != WTS_OK && errmsg && !*errmsg)
        *errmsg = wts_xstrdup(c.st != WTS_OK ? wts_xwriter_message(ix->w) : wts_xdb_message(from));
    wts_xdb_close(from);
    return st;
}

wts_status indexer_doc_counts(wts_indexer *ix, uint32_t *live, uint32_t *hidden) {
    wts_xdb *view = wts_xwriter_db(ix->w);
    wts_status st = wts_xdb_doccount(view, live);
    if (st == WTS_OK) *live += ix->runs_docs;
    return st == WTS_OK ? wts_xdb_hidden_count(view, hidden) : st;
}

bool indexer_write_runs(wts_indexer *ix, const char *run_base, uint32_t files_per_run) {
    uint32_t live = 0, hidden = 0;
    if (ix->run_base || !run_base || files_per_run == 0 || indexer_doc_counts(ix, &live, &hidden) != WTS_OK ||
        live || hidden)
        return false;
    ix->run_base = wts_xstrdup(run_base);
    ix->run_max_files = files_per_run;
    return true;
}

const wts_strlist *indexer_runs(const wts_indexer *ix) { return &ix->runs; }

bool indexer_has_termlists(const wts_indexer *ix) { return wts_xwriter_has_termlists(ix->w) != 0; }

void wts_indexer_commit_every(wts_indexer *ix, uint32_t files) {
    if (ix && files >= 1) ix->commit_files = files;
}

/* ---- check ---- */

typedef struct check_ctx {
    wts_xdb *db;
    wts_buf *report;
    size_t problems, files, paragraphs, docs;
    wts_status st;
} check_ctx;

static void problem(check_ctx *c, const char *fmt, const char *a, const char *b) {
    c->problems++;
    if (c->problems <= 50) {
        wts_buf_adds(c->report, "  problem: ");
        wts_buf_printf(c->report, fmt, a, b ? b : "");
        wts_buf_addc(c->report, '\n');
    }
}

typedef struct doc_check {
    check_ctx *c;
    const char *path;
    json_int_t want; /* paragraphs its file record counts */
    size_t docs;     /* index documents of the path */
} doc_check;

/* The index document of a file: its stored record names the file and
 * holds as many paragraphs as the file record counts, and so does its
 * paragraph count (which finding paragraphs by position reads). */
static int check_doc(void *ud, wts_docid id) {
    doc_check *dc = ud;
    dc->docs++;
    char *count = NULL;
    size_t clen = 0;
    wts_status st = WTS_OK;
    wts_record *rec = wts_record_read(dc->c->db, id, &st);
    if (st == WTS_ERR_CORRUPT) st = WTS_OK; /* a broken record: a problem, told below */
    if (st == WTS_OK) st = wts_xdb_doc_value(dc->c->db, id, WTS_SLOT_PARAS, &count, &clen);
    if (st != WTS_OK) {
        wts_record_free(rec);
        free(count);
        dc->c->st = st;
        return 1;
    }
    const char *p = rec ? wts_record_string(rec, "path") : NULL;
    size_t n = rec ? wts_record_nparas(rec) : 0;
    wts_record *first = rec && n ? wts_record_paragraph(rec, 0) : NULL;
    char counts[96];
    snprintf(counts, sizeof counts, "%zu stored, %s counted, %lld recorded", n, count, (long long)dc->want);
    if (!rec || !p || strcmp(p, dc->path) != 0 || !first || !wts_record_string(first, "text"))
        problem(dc->c, "the stored record of %s is broken%s", dc->path, NULL);
    else if ((json_int_t)n != dc->want || strtoull(count, NULL, 10) != n)
        problem(dc->c, "%s: paragraphs %s", dc->path, counts);
    dc->c->paragraphs += n;
    wts_record_free(first);
    wts_record_free(rec);
    free(count);
    return 0;
}

/* Every file record has the one index document of its file. */
static int check_record(void *ud, const char *key, size_t len, uint32_t tf) {
    check_ctx *c = ud;
    char *k = wts_xstrndup(key, len), *rec = NULL;
    const char *path = k + strlen(WTS_META_FILE_PREFIX);
    if ((c->st = wts_xdb_get_metadata(c->db, k, &rec)) != WTS_OK) {
        free(k);
        return 1;
    }
    if (*rec) { /* an empty record is a file removed */
        json_error_t err;
        json_t *o = json_loads(rec, 0, &err);
        wts_buf term = WTS_BUF_INIT;
        wts_buf_printf(&term, "%s%s", WTS_PREFIX_PATH, path);
        doc_check dc = {c, path, o ? json_integer_value(json_object_get(o, "paragraphs")) : -1, 0};
        if (!o) problem(c, "the record of %s is not JSON%s", path, NULL);
        if ((c->st = wts_xdb_postings(c->db, term.data, check_doc, &dc)) == WTS_OK && dc.docs != 1) {
            char docs[32];
            snprintf(docs, sizeof docs, "%zu", dc.docs);
            problem(c, "%s is recorded but has %s index documents, not one", path, docs);
        }
        c->files++;
        c->docs += dc.docs;
        wts_buf_free(&term);
        json_decref(o);
    }
    free(rec);
    free(k);
    return c->st != WTS_OK;
}

static int count_key(void *ud, const char *key, size_t len, uint32_t tf) {
    (void)key, (void)len, (void)tf;
    ++*(size_t *)ud;
    return 0;
}

/* Every file indexed has a record. */
static int check_path_term(void *ud, const char *term, size_t len, uint32_t tf) {
    check_ctx *c = ud;
    wts_buf key = WTS_BUF_INIT;
    wts_buf_adds(&key, WTS_META_FILE_PREFIX);
    wts_buf_add(&key, term + strlen(WTS_PREFIX_PATH), len - strlen(WTS_PREFIX_PATH));
    char *rec = NULL;
    if ((c->st = wts_xdb_get_metadata(c->db, key.data, &rec)) == WTS_OK && !*rec)
        problem(c, "%s is indexed but has no file record%s", key.data + strlen(WTS_META_FILE_PREFIX), NULL);
    free(rec);
    wts_buf_free(&key);
    return c->st != WTS_OK;
}

wts_status wts_index_check(const char *db_path, wts_buf *report, size_t *problems) {
    *problems = 0;
    char *xreport = NULL;
    wts_status xs = wts_xdb_check(db_path, &xreport);
    if (xs == WTS_ERR_NO_INDEX || xs == WTS_ERR_VERSION) {
        wts_buf_printf(report, "%s: %s\n", db_path, xreport ? xreport : wts_status_name(xs));
        free(xreport);
        return xs;
    }
    if (xs != WTS_OK) {
        (*problems)++;
        wts_buf_printf(report, "  problem: the index's own check failed: %s\n", xreport ? xreport : wts_status_name(xs));
    } else {
        wts_buf_adds(report, "  the index's own check (tables, blocks): ok\n");
    }
    free(xreport);
    wts_xdb *db = NULL;
    char *msg = NULL;
    wts_status st = wts_index_open(db_path, &db, &msg);
    if (st != WTS_OK) {
        wts_buf_printf(report, "%s\n", msg ? msg : wts_status_name(st));
        free(msg);
        return st;
    }
    check_ctx c = {db, report, 0, 0, 0, 0, WTS_OK};
    st = wts_xdb_metadata_keys(db, WTS_META_FILE_PREFIX, check_record, &c);
    if (st == WTS_OK && c.st == WTS_OK) st = wts_xdb_terms(db, WTS_PREFIX_PATH, check_path_term, &c);
    if (st == WTS_OK) st = c.st;
    uint32_t docs = 0;
    if (st == WTS_OK) st = wts_xdb_doccount(db, &docs);
    if (st == WTS_OK && docs != c.docs) {
        char a[32], b[32];
        snprintf(a, sizeof a, "%u", docs);
        snprintf(b, sizeof b, "%zu", c.docs);
        problem(&c, "the index holds %s documents, the file records account for %s", a, b);
    }
    size_t dicts = 0;
    if (st == WTS_OK) st = wts_xdb_metadata_keys(db, WTS_META_PACK_DICT ".", count_key, &dicts);
    uint32_t hidden = 0;
    if (st == WTS_OK) st = wts_xdb_hidden_count(db, &hidden);
    if (st != WTS_OK) wts_buf_printf(report, "cannot read the index: %s\n", wts_xdb_message(db));
    else wts_buf_printf(report, "  %zu files, %zu paragraphs; records and documents agree: %s\n", c.files,
                        c.paragraphs, c.problems ? "no" : "yes");
    if (st == WTS_OK) wts_buf_printf(report, "  dictionaries the records are packed with: %zu\n", dicts);
    if (st == WTS_OK && hidden)
        wts_buf_printf(report, "  %u documents hidden: earlier versions of files changed or gone, kept in the "
                               "shards until they are written again\n", hidden);
    wts_xdb_close(db);
    *problems += c.problems;
    return st;
}


wts_status wts_indexer_close(wts_indexer *ix, wts_index_stats *stats, char **errmsg) {
    if (errmsg) *errmsg = NULL;
    if (!ix) return WTS_OK;
    wts_status st = maybe_commit(ix, true);
    if (st != WTS_OK && errmsg) *errmsg = wts_xstrdup(wts_xwriter_message(ix->w));
    free(ix->seen);
    wts_status cst = wts_xwriter_close(ix->w);
    if (st == WTS_OK) st = cst;
    if (stats) *stats = ix->stats;
    write_ctx_free(&ix->wc);
    manifest_free(&ix->global);
    wts_strlist_free(&ix->skipped);
    forget_closed(ix);
    wts_strlist_free(&ix->runs);
    free(ix->indexed.slot);
    free(ix->run_base);
    free(ix->path);
    free(ix->db_real);
    free(ix);
    return st;
}
