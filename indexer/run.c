/* run.c: one indexing run over every core.
 *
 * The index is a directory of shards.  The run locks the directory, then
 * forks one process per shard; each walks the same paths but reads only
 * the files that hash to its shard, so shards never share a file and need
 * no coordination while they write.  Processes rather than threads: each
 * has its own Xapian writer and its own copy of everything else, and one
 * that crashes on a file cannot take the others with it.  Children report
 * to the parent over a pipe each (files done, skips, counts); the parent
 * draws the progress bar, sums the counts and, last, swaps in the shards
 * that were compacted by rewriting the shard list atomically. */
#include "wts_indexer.h"
#include "shard.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* More shards than this gain nothing on the machines this runs on and
 * cost open files and per-query work. */
#define MAX_SHARDS 64
/* Directory depth counted for the progress bar (as the walk's own limit). */
#define COUNT_MAX_DEPTH 64

static const char SHARD_PREFIX[] = "shard-";

/* ---- messages from a shard's process to the parent ---- */

enum {
    MSG_FILE = 'F',
    MSG_REWIND = 'R', /* the files and bytes the shard reported so far are read again */
    MSG_SKIP = 'S',
    MSG_STATS = 'T',
    MSG_ERROR = 'E',
    MSG_NOTE = 'N',
    MSG_COMPACTED = 'C'
};

/* Writes all of data to fd, or what it can before the reader is gone. */
static void write_all(int fd, const char *data, size_t len) {
    for (size_t off = 0; off < len;) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break; /* the reader is gone: nothing to tell */
        off += (size_t)n;
    }
}

static void send_msg(int fd, char type, const void *data, uint32_t len) {
    char head[5];
    head[0] = type;
    memcpy(head + 1, &len, 4);
    wts_buf b = WTS_BUF_INIT;
    wts_buf_add(&b, head, sizeof head);
    if (len) wts_buf_add(&b, data, len);
    write_all(fd, b.data, b.len);
    wts_buf_free(&b);
}

static void send_str(int fd, char type, const char *s) { send_msg(fd, type, s, (uint32_t)strlen(s)); }

/* A note for stderr, formatted as printf does. */
static void send_note(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void send_note(int fd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) >= 0) {
        send_str(fd, MSG_NOTE, s);
        free(s);
    }
    va_end(ap);
}

/* ---- shard directories ---- */

static char *join_path(const char *dir, const char *name) {
    wts_buf b = WTS_BUF_INIT;
    if (name[0] == '/') wts_buf_adds(&b, name);
    else wts_buf_printf(&b, "%s/%s", dir, name);
    return wts_buf_steal(&b);
}

/* A shard's directory holds only files (Xapian's tables and lock). */
void remove_shard_dir(const char *path) {
    DIR *d = opendir(path);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char *f = join_path(path, e->d_name);
        unlink(f);
        free(f);
    }
    closedir(d);
    rmdir(path);
}

static bool listed(char **names, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return true;
    return false;
}

/* Removes what a run killed halfway left behind: compacted shards never
 * swapped in, a shard list never renamed into place. */
static void remove_leftovers(const char *root, char **names, size_t n) {
    DIR *d = opendir(root);
    if (!d) return;
    struct dirent *e;
    wts_strlist gone = {NULL, 0};
    while ((e = readdir(d)))
        if ((strncmp(e->d_name, SHARD_PREFIX, strlen(SHARD_PREFIX)) == 0 && !listed(names, n, e->d_name)) ||
            strcmp(e->d_name, "XAPIANDB.new") == 0)
            wts_strlist_add(&gone, e->d_name);
    closedir(d);
    for (size_t i = 0; i < gone.n; i++) {
        char *p = join_path(root, gone.v[i]);
        struct stat sb;
        if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) remove_shard_dir(p);
        else unlink(p);
        free(p);
    }
    wts_strlist_free(&gone);
}

static bool dir_is_empty(const char *path) {
    DIR *d = opendir(path);
    if (!d) return false;
    struct dirent *e;
    bool empty = true;
    while (empty && (e = readdir(d))) empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    return empty;
}

/* The shard list of root, creating the index when root is new or empty.
 * *single: root is itself one database (no list, no compaction). */
static wts_status layout(const wts_index_job *job, char ***names, size_t *n, uint64_t *gen, bool *single,
                         char **errmsg) {
    *single = false;
    wts_status st = wts_xstub_read(job->db_path, names, n, gen, errmsg);
    if (st != WTS_OK || *n) return st;
    char *glass = join_path(job->db_path, "iamglass");
    bool is_db = access(glass, F_OK) == 0;
    free(glass);
    if (is_db) {
        *single = true;
        *names = wts_xcalloc(1, sizeof **names);
        (*names)[0] = wts_xstrdup(".");
        *n = 1;
        return WTS_OK;
    }
    if (!dir_is_empty(job->db_path)) {
        wts_buf b = WTS_BUF_INIT;
        wts_buf_printf(&b, "%s is neither an index nor empty: not writing into it", job->db_path);
        *errmsg = wts_buf_steal(&b);
        return WTS_ERR_INVALID;
    }
    uint32_t count = job->shards ? job->shards : wts_processors();
    if (count > MAX_SHARDS) count = MAX_SHARDS;
    *names = wts_xcalloc(count, sizeof **names);
    for (uint32_t k = 0; k < count; k++) {
        wts_buf b = WTS_BUF_INIT;
        wts_buf_printf(&b, "%s%u.0", SHARD_PREFIX, k);
        (*names)[k] = wts_buf_steal(&b);
    }
    *n = count;
    *gen = 0;
    /* The list first: a run killed before a shard exists leaves a list
     * whose missing shards the next run creates. */
    return wts_xstub_write(job->db_path, (const char *const *)*names, count, 0, errmsg);
}

/* ---- one shard's process ---- */

typedef struct shard_run {
    const wts_index_job *job;
    const char *root;
    const char *shard_path;
    const char *compacted_name; /* where a compacted copy goes; NULL: never */
    uint32_t index, count;
    int fd;
    uint64_t files_sent, bytes_sent; /* reported to the progress bar */
} shard_run;

static void report_file(void *ud, uint64_t bytes) {
    shard_run *r = ud;
    r->files_sent++;
    r->bytes_sent += bytes;
    send_msg(r->fd, MSG_FILE, &bytes, sizeof bytes);
}

/* Adds the file counts of t to those of to. */
static void stats_add(wts_index_stats *to, const wts_index_stats *t) {
    to->files_indexed += t->files_indexed;
    to->files_unchanged += t->files_unchanged;
    to->files_skipped += t->files_skipped;
    to->files_removed += t->files_removed;
    to->paragraphs += t->paragraphs;
    to->runs += t->runs;
    to->run_merges += t->run_merges;
}

/* What one indexing pass over a shard gave. */
typedef struct shard_pass {
    wts_index_stats stats;
    wts_strlist skipped;
    char *message;       /* why it failed */
    bool termlists;      /* the shard keeps term lists */
    bool counted;        /* live and hidden are known */
    uint32_t live;       /* documents it answers with, after the pass */
    uint32_t hidden;     /* documents it hides (wts_xdb_hidden_count) */
    wts_strlist runs;    /* a new shard written in runs: those after the first */
} shard_pass;

static bool worth_compacting(const shard_run *r, const shard_pass *p) {
    const wts_index_stats *s = &p->stats;
    if (!r->compacted_name || r->job->compact < 0) return false;
    if (r->job->compact > 0) return s->files_indexed + s->files_removed > 0;
    /* a tenth or more of its files is new */
    return s->files_indexed > 0 && p->counted && (uint64_t)s->files_indexed * 10 >= p->live;
}

/* Whether the shard hides more than a quarter of the documents it holds
 * (see rebuild_shard). */
static bool mostly_hidden(const shard_pass *p) {
    return p->counted && (uint64_t)p->hidden * 4 > (uint64_t)p->live + p->hidden;
}

static void shard_pass_free(shard_pass *p) {
    wts_strlist_free(&p->skipped);
    wts_strlist_free(&p->runs);
    free(p->message);
}

/* Indexes the job's paths into the shard at path (of its files, those of
 * part of parts, see shard_hooks), then, when carry_from is not NULL, the
 * other files recorded in the shard there (indexer_carry); report: where
 * skipped files and manifest problems are told as they happen (NULL:
 * nowhere). */
static wts_status index_pass(shard_run *r, const char *path, unsigned flags, const char *carry_from, FILE *report,
                             uint32_t part, uint32_t parts, shard_pass *p) {
    memset(p, 0, sizeof *p);
    wts_indexer *ix = NULL;
    char *msg = NULL;
    /* Shards after the first keep quiet about manifests (all read them). */
    wts_status st = indexer_open_flags(path, flags, r->job->manifest, r->index == 0 ? report : NULL, &ix, &msg);
    if (st != WTS_OK) {
        wts_buf b = WTS_BUF_INIT;
        wts_buf_printf(&b, "cannot open shard %s for writing: %s", path, msg ? msg : wts_status_name(st));
        p->message = wts_buf_steal(&b);
        free(msg);
        return st;
    }
    p->termlists = indexer_has_termlists(ix);
    shard_hooks h = {.index = r->index,
                     .count = r->count,
                     .part = part,
                     .parts = parts,
                     .root = r->root,
                     .report = report,
                     .file_done = report_file,
                     .ud = r};
    indexer_set_shard(ix, &h);
    if (r->job->commit_every) wts_indexer_commit_every(ix, r->job->commit_every);
    /* A new shard of a run that compacts: in runs, merged into the
     * compacted shard (merge_runs), which costs about what compacting does. */
    const uint32_t run_files = r->job->run_files ? r->job->run_files : WTS_RUN_FILES_DEFAULT;
    if (!carry_from && parts <= 1 && r->compacted_name && r->job->compact >= 0 && run_files != WTS_RUN_FILES_NONE) {
        wts_buf base = WTS_BUF_INIT;
        wts_buf_printf(&base, "%s/%s.run", r->root, r->compacted_name);
        indexer_write_runs(ix, base.data, run_files);
        wts_buf_free(&base);
    }
    for (size_t i = 0; i < r->job->npaths && st == WTS_OK; i++) st = wts_indexer_add(ix, r->job->paths[i]);
    char *carry_msg = NULL, *close_msg = NULL;
    if (st == WTS_OK && carry_from) st = indexer_carry(ix, carry_from, &carry_msg);
    const wts_strlist *sk = wts_indexer_skipped(ix);
    for (size_t i = 0; i < sk->n; i++) wts_strlist_add(&p->skipped, sk->v[i]);
    p->counted = indexer_doc_counts(ix, &p->live, &p->hidden) == WTS_OK; /* as close will commit them */
    const wts_strlist *runs = indexer_runs(ix);
    for (size_t i = 0; i < runs->n; i++) wts_strlist_add(&p->runs, runs->v[i]);
    wts_status cst = wts_indexer_close(ix, &p->stats, &close_msg); /* keeps what was added */
    if (st == WTS_OK) st = cst;
    if (st != WTS_OK) {
        const char *why = carry_msg && *carry_msg ? carry_msg : close_msg && *close_msg ? close_msg : NULL;
        wts_buf b = WTS_BUF_INIT;
        wts_buf_printf(&b, "shard %s: %s", path, why ? why : wts_status_name(st));
        p->message = wts_buf_steal(&b);
    }
    free(carry_msg);
    free(close_msg);
    return st;
}

/* Compacts the shard into the run's compacted name and says so to the
 * parent; on failure the shard stays as it is, complete, only larger. */
static void compact_shard(const shard_run *r) {
    char *dst = join_path(r->root, r->compacted_name), *cmsg = NULL;
    remove_shard_dir(dst);
    wts_status xs = wts_xcompact(r->shard_path, dst, &cmsg);
    if (xs == WTS_OK) {
        send_str(r->fd, MSG_COMPACTED, r->compacted_name);
    } else {
        send_note(r->fd, "could not compact shard %s (kept as it is): %s", r->shard_path,
                  cmsg ? cmsg : wts_status_name(xs));
        remove_shard_dir(dst);
    }
    free(cmsg);
    free(dst);
}

/* The files a shard held that the shard written again from them does
 * not hold: gone from disk, or lost (still there, but not indexed again). */
typedef struct records_compared {
    wts_xdb *now;
    uint32_t gone;
    char *lost; /* the first lost one met */
} records_compared;

static int compare_record(void *ud, const char *key, size_t len, uint32_t tf) {
    records_compared *c = ud;
    char *k = wts_xstrndup(key, len), *rec = NULL;
    if (wts_xdb_get_metadata(c->now, k, &rec) != WTS_OK || !*rec) {
        const char *path = k + strlen(WTS_META_FILE_PREFIX);
        struct stat sb;
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) c->lost = wts_xstrdup(path);
        else c->gone++;
    }
    free(rec);
    free(k);
    return c->lost != NULL;
}

/* Compares the records of the shards at before and now; false when
 * either cannot be read (then c->lost says nothing). */
static bool compare_records(const char *before, const char *now, records_compared *c) {
    wts_xdb *a = NULL, *b = NULL;
    memset(c, 0, sizeof *c);
    bool ok = wts_xdb_open(before, &a, NULL) == WTS_OK && wts_xdb_open(now, &b, NULL) == WTS_OK;
    if (ok) {
        c->now = b;
        ok = wts_xdb_metadata_keys(a, WTS_META_FILE_PREFIX, compare_record, c) == WTS_OK;
    }
    wts_xdb_close(a);
    wts_xdb_close(b);
    return ok;
}

/* The first file skipped (of skipped, "path: reason" each) that the shard
 * at path holds, malloc'd; NULL when none. */
static char *skipped_but_held(const char *path, const wts_strlist *skipped) {
    wts_xdb *db = NULL;
    char *found = NULL;
    if (!skipped->n || wts_xdb_open(path, &db, NULL) != WTS_OK) return NULL;
    wts_buf key = WTS_BUF_INIT;
    for (size_t i = 0; i < skipped->n && !found; i++) {
        const char *entry = skipped->v[i];
        /* the path ends at one of the ": ": the one with a record */
        for (const char *sep = strstr(entry, ": "); sep && !found; sep = strstr(sep + 1, ": ")) {
            char *rec = NULL;
            wts_buf_reset(&key);
            wts_buf_printf(&key, "%s%.*s", WTS_META_FILE_PREFIX, (int)(sep - entry), entry);
            if (wts_xdb_get_metadata(db, key.data, &rec) == WTS_OK && *rec)
                found = wts_xstrndup(entry, (size_t)(sep - entry));
            free(rec);
        }
    }
    wts_buf_free(&key);
    wts_xdb_close(db);
    return found;
}

/* Metadata key of a shard that a file it holds kept from being written
 * again (remember_held_back): the file's stamp (file_stamp) then a space,
 * then its path. */
#define META_HELD_BACK "wts.held-back"

/* What stat says of a file that changes when it is written, replaced or
 * has its permissions changed: device, inode, size, modification and
 * status change times. */
static void file_stamp(const struct stat *sb, wts_buf *out) {
    wts_buf_printf(out, "%ju %ju %jd %jd.%09ld %jd.%09ld", (uintmax_t)sb->st_dev, (uintmax_t)sb->st_ino,
                   (intmax_t)sb->st_size, (intmax_t)sb->st_mtim.tv_sec, sb->st_mtim.tv_nsec,
                   (intmax_t)sb->st_ctim.tv_sec, sb->st_ctim.tv_nsec);
}

/* Records in the shard that lost, a file it holds, could not be indexed
 * again, so that the next runs do not write the whole shard again for
 * nothing while lost stays as it is (still_held_back).  Best effort: a
 * shard where it cannot be recorded is tried again by the next run. */
static void remember_held_back(const shard_run *r, const char *lost) {
    struct stat sb;
    if (stat(lost, &sb) != 0) return;
    wts_buf v = WTS_BUF_INIT;
    file_stamp(&sb, &v);
    wts_buf_printf(&v, " %s", lost);
    wts_xwriter *w = NULL;
    if (wts_xwriter_open_flags(r->shard_path, WTS_XWRITER_NO_TERMLISTS, &w, NULL) == WTS_OK) {
        if (wts_xwriter_set_metadata(w, META_HELD_BACK, v.data) == WTS_OK) (void)wts_xwriter_commit(w);
        (void)wts_xwriter_close(w);
    }
    wts_buf_free(&v);
}

/* Whether the file that last kept the shard from being written again
 * (remember_held_back) is still there as it was then: writing the shard
 * again would only stop at it again, after indexing every file the shard
 * holds (minutes for 50,000 files).  Says so when it is. */
static bool still_held_back(const shard_run *r, uint32_t hidden, uint32_t held) {
    wts_xdb *db = NULL;
    char *v = NULL;
    bool same = false;
    if (wts_xdb_open(r->shard_path, &db, NULL) == WTS_OK && wts_xdb_get_metadata(db, META_HELD_BACK, &v) == WTS_OK) {
        const char *path = v;
        for (int k = 0; k < 5 && path; k++) { /* the path follows the stamp's five fields */
            path = strchr(path, ' ');
            if (path) path++;
        }
        struct stat sb;
        if (path && *path && stat(path, &sb) == 0) {
            wts_buf now = WTS_BUF_INIT;
            file_stamp(&sb, &now);
            same = now.len == (size_t)(path - 1 - v) && memcmp(now.data, v, now.len) == 0;
            wts_buf_free(&now);
        }
        if (same)
            send_note(r->fd, "shard %s still hides %u of its %u documents, not written again: %s, which could not "
                             "be indexed again when it last was, is unchanged; the shard is written again once "
                             "that file changes or is removed",
                      r->shard_path, hidden, held, path);
    }
    free(v);
    wts_xdb_close(db);
    return same;
}

/* Says that the shard stays as it is, hiding what it hides: lost, a file
 * it holds that could not be indexed again (NULL: unknown). */
static void not_written_again(const shard_run *r, const char *lost, uint32_t hidden) {
    if (lost)
        send_note(r->fd, "shard %s not written again: %s could not be indexed again, and its earlier version "
                         "stays; the shard still hides %u documents",
                  r->shard_path, lost, hidden);
    else
        send_note(r->fd, "shard %s not written again: the files it holds could not be compared with those of "
                         "the new one; the shard still hides %u documents",
                  r->shard_path, hidden);
}

/* One part of a shard written again: its files into path, the skipped
 * ones the first pass did not tell told on report. */
static wts_status rebuild_part(shard_run *r, const char *path, uint32_t part, uint32_t parts,
                               const shard_pass *first, shard_pass *p) {
    remove_shard_dir(path);
    wts_status st = index_pass(r, path, WTS_XWRITER_NO_TERMLISTS, r->shard_path, NULL, part, parts, p);
    if (r->job->report)
        for (size_t i = 0; i < p->skipped.n; i++)
            if (!wts_strlist_has(&first->skipped, p->skipped.v[i]))
                fprintf(r->job->report, "wtosearch: skipped %s\n", p->skipped.v[i]);
    return st;
}

/* The second part, written by a process of its own: what it did comes
 * back to the shard's process on fd, read by half_back: its counts, the
 * number of files it skipped, each ended by a NUL, then why it failed. */
static int rebuild_helper(shard_run *r, const char *path, const shard_pass *first, int fd) {
    shard_pass p;
    wts_status st = rebuild_part(r, path, 1, 2, first, &p);
    write_all(fd, (const char *)&p.stats, sizeof p.stats);
    uint32_t n = (uint32_t)p.skipped.n;
    write_all(fd, (const char *)&n, sizeof n);
    for (size_t i = 0; i < p.skipped.n; i++) write_all(fd, p.skipped.v[i], strlen(p.skipped.v[i]) + 1);
    if (st != WTS_OK) {
        const char *m = p.message ? p.message : wts_status_name(st);
        write_all(fd, m, strlen(m));
    }
    shard_pass_free(&p);
    return st == WTS_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* Adds what the helper sent back (all of it in back, see rebuild_helper)
 * to p; false when it is cut short.  *why: its failure's message, if any. */
static bool half_back(const wts_buf *back, shard_pass *p, char **why) {
    wts_index_stats half;
    uint32_t n;
    *why = NULL;
    if (back->len < sizeof half + sizeof n) return false;
    memcpy(&half, back->data, sizeof half);
    memcpy(&n, back->data + sizeof half, sizeof n);
    size_t at = sizeof half + sizeof n;
    for (uint32_t i = 0; i < n; i++) {
        const char *end = memchr(back->data + at, '\0', back->len - at);
        if (!end) return false;
        wts_strlist_add(&p->skipped, back->data + at);
        at = (size_t)(end - back->data) + 1;
    }
    stats_add(&p->stats, &half);
    if (at < back->len) *why = wts_xstrndup(back->data + at, back->len - at);
    return true;
}

/* A shard without term lists hides the documents of files changed or gone
 * (wts_xwriter_open_flags); they still take room, and still count in the
 * statistics of every term they hold.  Once they are more than a quarter
 * of the shard's documents, the shard is written again from its files,
 * beside the old one, which stays in use until the new one is swapped in.
 * On two processors or more, in two halves written side by side (the
 * other shards' processes are done by then, or soon), then merged: one
 * shard of 50,000 generated documents in 120 s instead of 245 s in one
 * process.  Files skipped are told again only if the first pass did not
 * tell them.  A file held that is still there but could not be indexed
 * again (skipped now) would be lost: then the new shard is not swapped in
 * (*swapped false), and the old one, hiding as before, stays; so it does
 * when writing the new one fails (p->message says why). */
static wts_status rebuild_shard(shard_run *r, uint32_t hidden, uint32_t held, const shard_pass *first,
                                shard_pass *p, bool *swapped) {
    memset(p, 0, sizeof *p);
    *swapped = false;
    char *held_skipped = skipped_but_held(r->shard_path, &first->skipped);
    if (held_skipped) { /* known lost before writing anything */
        not_written_again(r, held_skipped, hidden);
        free(held_skipped);
        return WTS_OK;
    }
    send_note(r->fd, "shard %s hides %u of its %u documents (their files changed or gone): "
                     "indexing the shard's files again", r->shard_path, hidden, held);
    uint64_t sent[2] = {r->files_sent, r->bytes_sent};
    send_msg(r->fd, MSG_REWIND, sent, sizeof sent);
    r->files_sent = r->bytes_sent = 0;
    uint32_t parts = wts_processors() >= 2 ? 2 : 1;
    char *path[2] = {NULL, NULL};
    wts_buf name = WTS_BUF_INIT;
    for (uint32_t k = 0; k < 2; k++) {
        wts_buf_reset(&name);
        wts_buf_printf(&name, "%s.new%u", r->compacted_name, k);
        path[k] = join_path(r->root, name.data);
    }
    wts_buf_free(&name);
    int back[2] = {-1, -1};
    pid_t helper = -1;
    if (parts == 2 && pipe2(back, O_CLOEXEC) == 0) {
        fflush(NULL); /* nothing buffered may be written twice */
        helper = fork();
        if (helper == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL); /* dies with the shard's process */
            close(back[0]);
            _exit(rebuild_helper(r, path[1], first, back[1]));
        }
        close(back[1]);
        if (helper < 0) close(back[0]);
    }
    if (helper < 0) parts = 1; /* no helper: this process writes the whole shard */
    wts_status st = rebuild_part(r, path[0], 0, parts, first, p);
    if (helper > 0) {
        wts_buf back_msg = WTS_BUF_INIT; /* the helper's counts, then why it failed */
        char chunk[512];
        ssize_t got;
        while ((got = read(back[0], chunk, sizeof chunk)) != 0) {
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) break;
            wts_buf_add(&back_msg, chunk, (size_t)got);
        }
        close(back[0]);
        int ws = 0;
        while (waitpid(helper, &ws, 0) < 0 && errno == EINTR) {
        }
        char *why = NULL;
        const bool whole = half_back(&back_msg, p, &why);
        if (st == WTS_OK && !(whole && WIFEXITED(ws) && WEXITSTATUS(ws) == 0)) {
            st = WTS_ERR_IO;
            free(p->message);
            p->message = why ? why : wts_xstrdup("the process writing half of the shard failed");
            why = NULL;
        }
        free(why);
        wts_buf_free(&back_msg);
    }
    if (st == WTS_OK) {
        char *dst = join_path(r->root, r->compacted_name), *cmsg = NULL;
        remove_shard_dir(dst);
        st = wts_xcompact_merge((const char *const *)path, parts, dst, WTS_META_STEM_PREFIX, &cmsg);
        records_compared c;
        if (st == WTS_OK && (!compare_records(r->shard_path, dst, &c) || c.lost)) {
            not_written_again(r, c.lost, hidden);
            /* found only after writing every file: not to be done again
             * for nothing (a run that meets the file itself stops before
             * writing, skipped_but_held) */
            if (c.lost) remember_held_back(r, c.lost);
            free(c.lost);
            remove_shard_dir(dst);
        } else if (st == WTS_OK) {
            /* the first pass removed the gone files it walked; the rest of
             * the gone were not walked this run */
            p->stats.files_removed = first->stats.files_removed + c.gone;
            send_str(r->fd, MSG_COMPACTED, r->compacted_name);
            *swapped = true;
        } else {
            wts_buf b = WTS_BUF_INIT;
            wts_buf_printf(&b, "shard %s: could not merge the shard written again: %s", r->shard_path,
                           cmsg ? cmsg : wts_status_name(st));
            free(p->message);
            p->message = wts_buf_steal(&b);
            remove_shard_dir(dst);
        }
        free(cmsg);
        free(dst);
    }
    for (uint32_t k = 0; k < 2; k++) {
        remove_shard_dir(path[k]);
        free(path[k]);
    }
    return st;
}

/* Merges a new shard written in runs (its database, then p->runs) into the
 * run's compacted name and says so to the parent.  The runs are removed
 * whatever happens; on failure the shard holds its first run alone, whole
 * (the other files have no record, so the next run indexes them), and
 * p->message says why. */
static wts_status merge_runs(const shard_run *r, shard_pass *p) {
    const size_t n = p->runs.n + 1;
    const char **src = wts_xcalloc(n, sizeof *src);
    src[0] = r->shard_path;
    for (size_t i = 0; i < p->runs.n; i++) src[i + 1] = p->runs.v[i];
    char *dst = join_path(r->root, r->compacted_name), *cmsg = NULL;
    remove_shard_dir(dst);
    wts_status st = wts_xcompact_merge(src, n, dst, WTS_META_STEM_PREFIX, &cmsg);
    if (st == WTS_OK) {
        send_str(r->fd, MSG_COMPACTED, r->compacted_name);
    } else {
        remove_shard_dir(dst);
        wts_buf b = WTS_BUF_INIT;
        wts_buf_printf(&b, "shard %s: could not merge the %zu runs it was written in (it keeps the first): %s",
                       r->shard_path, n, cmsg ? cmsg : wts_status_name(st));
        free(p->message);
        p->message = wts_buf_steal(&b);
    }
    for (size_t i = 0; i < p->runs.n; i++) remove_shard_dir(p->runs.v[i]);
    free(cmsg);
    free(dst);
    free(src);
    return st;
}

static int shard_main(shard_run *r) {
    shard_pass p;
    wts_status st = index_pass(r, r->shard_path, r->job->termlists > 0 ? 0 : WTS_XWRITER_NO_TERMLISTS, NULL,
                               r->job->report, 0, 1, &p);
    if (st == WTS_OK && r->job->termlists && (r->job->termlists > 0) != p.termlists)
        send_note(r->fd, "shard %s was created %s term lists and stays so: --%stermlists applies to an index "
                         "created new", r->shard_path, p.termlists ? "with" : "without", p.termlists ? "no-" : "");
    const bool in_runs = p.runs.n > 0;
    if (in_runs && st == WTS_OK) {
        st = merge_runs(r, &p);
    } else if (in_runs) { /* failed: what the shard itself holds stays */
        for (size_t i = 0; i < p.runs.n; i++) remove_shard_dir(p.runs.v[i]);
    }
    const uint32_t hidden = p.hidden, held = p.live + p.hidden;
    bool rebuilt = st == WTS_OK && !p.termlists && mostly_hidden(&p);
    if (rebuilt && !r->compacted_name) { /* one database: nowhere to write it again beside */
        send_note(r->fd, "index %s hides %u of its %u documents (their files changed or gone); index into a "
                         "new directory to leave them out", r->root, hidden, held);
        rebuilt = false;
    }
    if (rebuilt && still_held_back(r, hidden, held)) rebuilt = false;
    if (rebuilt) {
        shard_pass again;
        wts_status rst = rebuild_shard(r, hidden, held, &p, &again, &rebuilt);
        if (!rebuilt) { /* the first pass stands, complete: its counts, and all skipped */
            if (rst != WTS_OK)
                send_note(r->fd, "%s; the shard stays as it is, hiding %u documents",
                          again.message ? again.message : wts_status_name(rst), hidden);
            for (size_t i = 0; i < again.skipped.n; i++)
                if (!wts_strlist_has(&p.skipped, again.skipped.v[i])) {
                    wts_strlist_add(&p.skipped, again.skipped.v[i]);
                    p.stats.files_skipped++;
                }
            shard_pass_free(&again);
        } else {
            shard_pass_free(&p);
            p = again;
        }
    }
    for (size_t i = 0; i < p.skipped.n; i++) send_str(r->fd, MSG_SKIP, p.skipped.v[i]);
    send_msg(r->fd, MSG_STATS, &p.stats, sizeof p.stats);
    if (st != WTS_OK) send_str(r->fd, MSG_ERROR, p.message ? p.message : wts_status_name(st));
    else if (!rebuilt && !in_runs && worth_compacting(r, &p)) compact_shard(r);
    shard_pass_free(&p);
    return st == WTS_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* ---- the progress bar ---- */

typedef struct progress {
    bool on;
    uint64_t files_total, bytes_total; /* counted by a first walk */
    uint64_t files_done, bytes_done;
    struct timespec start, last;
} progress;

static double seconds_since(const struct timespec *t) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void count_tree(progress *pg, const char *path, int depth) {
    struct stat sb;
    if (depth > COUNT_MAX_DEPTH || stat(path, &sb) != 0) return;
    if (S_ISREG(sb.st_mode)) {
        pg->files_total++;
        pg->bytes_total += (uint64_t)sb.st_size;
        return;
    }
    if (!S_ISDIR(sb.st_mode)) return;
    DIR *d = opendir(path);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "MANIFEST.tsv") == 0) continue;
        char *child = join_path(path, e->d_name);
        count_tree(pg, child, depth + 1);
        free(child);
    }
    closedir(d);
}

static void progress_draw(progress *pg, bool final) {
    if (!pg->on) return;
    if (!final && seconds_since(&pg->last) < 0.1) return;
    clock_gettime(CLOCK_MONOTONIC, &pg->last);
    double el = seconds_since(&pg->start), mbs = el > 0 ? (double)pg->bytes_done / 1e6 / el : 0;
    double frac = pg->bytes_total ? (double)pg->bytes_done / (double)pg->bytes_total : 1;
    if (frac > 1) frac = 1;
    int width = 30, filled = (int)(frac * width);
    char bar[64];
    for (int i = 0; i < width; i++) bar[i] = i < filled ? '#' : '-';
    bar[width] = '\0';
    double eta = frac > 0.01 ? el / frac - el : 0;
    fprintf(stderr, "\r[%s] %llu/%llu files  %.1f MB/s  ETA %d:%02d ", bar, (unsigned long long)pg->files_done,
            (unsigned long long)pg->files_total, mbs, (int)eta / 60, (int)eta % 60);
    if (final) fputc('\n', stderr);
    fflush(stderr);
}

/* ---- the parent ---- */

typedef struct child {
    pid_t pid;
    int fd;      /* read end; -1 once closed */
    wts_buf in;  /* bytes received, not yet a whole message */
    char *compacted;
    bool failed; /* it sent an error */
} child;

typedef struct run_state {
    wts_index_stats stats;
    wts_strlist *skipped;
    wts_buf errors;
    progress prog;
    FILE *report;
} run_state;

static void take_messages(run_state *rs, child *c) {
    size_t off = 0;
    while (c->in.len - off >= 5) {
        char type = c->in.data[off];
        uint32_t len;
        memcpy(&len, c->in.data + off + 1, 4);
        if (c->in.len - off - 5 < len) break;
        const char *p = c->in.data + off + 5;
        char *s = wts_xstrndup(p, len);
        switch (type) {
        case MSG_FILE: {
            uint64_t bytes;
            memcpy(&bytes, p, len < sizeof bytes ? len : sizeof bytes);
            rs->prog.files_done++;
            rs->prog.bytes_done += bytes;
            progress_draw(&rs->prog, false);
            break;
        }
        case MSG_REWIND: {
            uint64_t sent[2] = {0, 0};
            memcpy(sent, p, len < sizeof sent ? len : sizeof sent);
            rs->prog.files_done -= sent[0] < rs->prog.files_done ? sent[0] : rs->prog.files_done;
            rs->prog.bytes_done -= sent[1] < rs->prog.bytes_done ? sent[1] : rs->prog.bytes_done;
            break;
        }
        case MSG_SKIP:
            if (rs->skipped) wts_strlist_add(rs->skipped, s);
            break;
        case MSG_STATS: {
            wts_index_stats t;
            memset(&t, 0, sizeof t);
            memcpy(&t, p, len < sizeof t ? len : sizeof t);
            stats_add(&rs->stats, &t);
            break;
        }
        case MSG_ERROR:
            c->failed = true;
            if (rs->errors.len) wts_buf_adds(&rs->errors, "; ");
            wts_buf_adds(&rs->errors, s);
            break;
        case MSG_NOTE:
            if (rs->report) fprintf(rs->report, "wtosearch: %s\n", s);
            break;
        case MSG_COMPACTED:
            free(c->compacted);
            c->compacted = wts_xstrdup(s);
            break;
        default: break;
        }
        free(s);
        off += 5 + len;
    }
    if (off) {
        memmove(c->in.data, c->in.data + off, c->in.len - off);
        c->in.len -= off;
    }
}

/* Reads every child's pipe until all are closed. */
static void gather(run_state *rs, child *kids, size_t n) {
    struct pollfd *pf = wts_xcalloc(n, sizeof *pf);
    for (;;) {
        size_t open_fds = 0;
        for (size_t i = 0; i < n; i++) {
            pf[i].fd = kids[i].fd;
            pf[i].events = POLLIN;
            pf[i].revents = 0;
            open_fds += kids[i].fd >= 0;
        }
        if (!open_fds) break;
        if (poll(pf, n, 1000) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (size_t i = 0; i < n; i++) {
            if (kids[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char chunk[65536];
            ssize_t got = read(kids[i].fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) {
                close(kids[i].fd);
                kids[i].fd = -1;
                continue;
            }
            wts_buf_add(&kids[i].in, chunk, (size_t)got);
            take_messages(rs, &kids[i]);
        }
    }
    free(pf);
}

/* Takes the run's lock on the index directory; a second run waits. */
static int lock_index(const char *path, FILE *report) {
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (report) fprintf(report, "wtosearch: %s is being written by another run; waiting for it\n", path);
        while (flock(fd, LOCK_EX) != 0 && errno == EINTR) {
        }
    }
    return fd;
}

/* Points the shard list at the compacted shards, then removes the old
 * ones.  A reader that opened them before keeps its open files; one that
 * must reopen a table by name then fails once and opens the new list
 * (the daemon does so by itself). */
static wts_status swap_compacted(const wts_index_job *job, char **names, size_t n, uint64_t gen, child *kids,
                                 run_state *rs, char **errmsg) {
    char **next = wts_xcalloc(n, sizeof *next);
    size_t swapped = 0;
    for (size_t i = 0; i < n; i++) {
        next[i] = kids[i].compacted ? kids[i].compacted : names[i];
        swapped += kids[i].compacted != NULL;
    }
    wts_status st = WTS_OK;
    if (swapped) st = wts_xstub_write(job->db_path, (const char *const *)next, n, gen + 1, errmsg);
    if (st == WTS_OK)
        for (size_t i = 0; i < n; i++)
            if (kids[i].compacted) {
                char *old = join_path(job->db_path, names[i]);
                remove_shard_dir(old);
                free(old);
                rs->stats.shards_compacted++;
            }
    free(next);
    return st;
}

wts_status wts_index_run(const wts_index_job *job, wts_index_stats *stats, wts_strlist *skipped, char **errmsg) {
    *errmsg = NULL;
    if (stats) memset(stats, 0, sizeof *stats);
    if (!job || !job->db_path || (!job->paths && job->npaths)) return WTS_ERR_INVALID;
    if (mkdir(job->db_path, 0755) != 0 && errno != EEXIST) {
        wts_buf b = WTS_BUF_INIT;
        wts_buf_printf(&b, "cannot create %s: %s", job->db_path, strerror(errno));
        *errmsg = wts_buf_steal(&b);
        return WTS_ERR_IO;
    }
    int lock = lock_index(job->db_path, job->report);
    if (lock < 0) {
        wts_buf b = WTS_BUF_INIT;
        wts_buf_printf(&b, "cannot open %s: %s", job->db_path, strerror(errno));
        *errmsg = wts_buf_steal(&b);
        return WTS_ERR_IO;
    }
    char **names = NULL;
    size_t n = 0;
    uint64_t gen = 0;
    bool single = false;
    wts_status st = layout(job, &names, &n, &gen, &single, errmsg);
    if (st != WTS_OK) {
        close(lock);
        return st;
    }
    if (!single) remove_leftovers(job->db_path, names, n);

    run_state rs;
    memset(&rs, 0, sizeof rs);
    rs.skipped = skipped;
    rs.report = job->report;
    rs.stats.shards = (uint32_t)n;
    if (job->progress) {
        rs.prog.on = true;
        for (size_t i = 0; i < job->npaths; i++) count_tree(&rs.prog, job->paths[i], 0);
        clock_gettime(CLOCK_MONOTONIC, &rs.prog.start);
        rs.prog.last = rs.prog.start;
    }
    child *kids = wts_xcalloc(n, sizeof *kids);
    for (size_t i = 0; i < n; i++) kids[i].fd = -1;
    pid_t parent = getpid();
    fflush(NULL); /* nothing buffered may be written twice */
    for (size_t k = 0; k < n && st == WTS_OK; k++) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) != 0) {
            st = WTS_ERR_IO;
            break;
        }
        char compacted[64];
        snprintf(compacted, sizeof compacted, "%s%zu.%llu", SHARD_PREFIX, k, (unsigned long long)gen + 1);
        char *shard_path = join_path(job->db_path, names[k]);
        pid_t pid = fork();
        if (pid == 0) {
            /* A shard's process dies with the run: a killed run leaves no
             * writer behind holding a shard. */
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent) _exit(EXIT_FAILURE);
            close(p[0]);
            for (size_t j = 0; j < k; j++) close(kids[j].fd);
            shard_run r = {.job = job,
                           .root = job->db_path,
                           .shard_path = shard_path,
                           .compacted_name = single ? NULL : compacted,
                           .index = (uint32_t)k,
                           .count = (uint32_t)n,
                           .fd = p[1]};
            int rc = shard_main(&r);
            close(p[1]);
            free(shard_path);
            for (size_t j = 0; j < n; j++) free(names[j]);
            free(names);
            free(kids);
            exit(rc);
        }
        free(shard_path);
        close(p[1]);
        if (pid < 0) {
            close(p[0]);
            st = WTS_ERR_IO;
            break;
        }
        kids[k].pid = pid;
        kids[k].fd = p[0];
    }
    if (st != WTS_OK) *errmsg = wts_xstrdup("cannot start the shards' processes");
    gather(&rs, kids, n);
    bool all_ok = st == WTS_OK;
    for (size_t k = 0; k < n; k++) {
        if (!kids[k].pid) continue;
        int ws = 0;
        while (waitpid(kids[k].pid, &ws, 0) < 0 && errno == EINTR) {
        }
        if (WIFSIGNALED(ws) || (WIFEXITED(ws) && WEXITSTATUS(ws) != 0)) {
            all_ok = false;
            if (!kids[k].failed) { /* it died without a word */
                if (rs.errors.len) wts_buf_adds(&rs.errors, "; ");
                if (WIFSIGNALED(ws))
                    wts_buf_printf(&rs.errors, "the process writing shard %s was killed by signal %d", names[k],
                                   WTERMSIG(ws));
                else
                    wts_buf_printf(&rs.errors, "the process writing shard %s failed", names[k]);
            }
        }
    }
    progress_draw(&rs.prog, true);
    if (!all_ok && st == WTS_OK) st = WTS_ERR_IO;
    if (rs.errors.len && !*errmsg) *errmsg = wts_buf_steal(&rs.errors);
    /* Shards compacted by processes that succeeded are swapped in even if
     * another failed: each is whole on its own. */
    char *swap_msg = NULL;
    wts_status sst = swap_compacted(job, names, n, gen, kids, &rs, &swap_msg);
    if (sst != WTS_OK) {
        if (!*errmsg) *errmsg = swap_msg;
        else free(swap_msg);
        if (st == WTS_OK) st = sst;
    }
    for (size_t k = 0; k < n; k++) {
        if (kids[k].fd >= 0) close(kids[k].fd);
        wts_buf_free(&kids[k].in);
        if (sst != WTS_OK && kids[k].compacted) { /* never listed: not to be left lying */
            char *p = join_path(job->db_path, kids[k].compacted);
            remove_shard_dir(p);
            free(p);
        }
        free(kids[k].compacted);
    }
    free(kids);
    wts_buf_free(&rs.errors);
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    close(lock);
    if (stats) *stats = rs.stats;
    return st;
}
