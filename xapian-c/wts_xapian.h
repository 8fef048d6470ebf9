/* wts_xapian.h: the C face of the index library.
 *
 * This is the only header through which the rest of wtosearch reaches the
 * inverted index.  The implementation is C++; nothing C++ shows here and no
 * exception ever crosses into C: every entry point returns a wts_status.
 *
 * Conventions, the same for every function below:
 *  - A function that creates an object returns a status and fills an
 *    out-parameter; on failure the out-parameter is set to NULL.
 *  - Objects are opaque.  Whoever receives an object from a _new or _open
 *    function or a search owns it and releases it with the matching _free
 *    or _close function.
 *    Every free/close function accepts NULL.
 *  - A failing call on a handle leaves a message on that handle
 *    (wts_xdb_message, wts_xwriter_message).  Calls that have no handle yet
 *    (opening) return the message through a char** the caller frees.
 *  - Strings passed in are copied; strings returned as const char * stay
 *    valid as long as the object they came from.
 */
#ifndef WTS_XAPIAN_H
#define WTS_XAPIAN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The one status enum of the project.  The index layer is the lowest layer,
 * so the enum lives here; the other components return the same codes. */
typedef enum wts_status {
    WTS_OK = 0,
    WTS_ERR_NO_INDEX,   /* no index at that path (or not an index) */
    WTS_ERR_LOCKED,     /* another writer holds the index */
    WTS_ERR_MODIFIED,   /* the index changed under a reader: reopen, retry */
    WTS_ERR_BAD_QUERY,  /* the query cannot be run as built */
    WTS_ERR_LIMIT,      /* a documented limit was exceeded */
    WTS_ERR_CORRUPT,    /* the index files are damaged */
    WTS_ERR_VERSION,    /* index format or schema not supported */
    WTS_ERR_NOT_FOUND,  /* no such document, term or key */
    WTS_ERR_INVALID,    /* bad argument from the caller */
    WTS_ERR_IO,         /* a file or database operation failed */
    WTS_ERR_NO_MEMORY,  /* out of memory */
    WTS_ERR_PARSE,      /* input text (query, file, config) is malformed */
    WTS_ERR_INTERNAL    /* anything else; the message says what */
} wts_status;

/* A short fixed English name for a status ("locked", "no index", ...). */
const char *wts_status_name(wts_status st);

typedef uint32_t wts_docid;

/* ------------------------------------------------------------------ */
/* Documents under construction                                        */

typedef struct wts_xdoc wts_xdoc;

wts_status wts_xdoc_new(wts_xdoc **out);
void wts_xdoc_free(wts_xdoc *doc);
/* A positional occurrence of term at position pos (1-based word number). */
wts_status wts_xdoc_add_posting(wts_xdoc *doc, const char *term, size_t len,
                                uint32_t pos, uint32_t wdf_inc);
/* A term without position; wdf_inc 0 makes a pure filter (boolean) term. */
wts_status wts_xdoc_add_term(wts_xdoc *doc, const char *term, size_t len,
                             uint32_t wdf_inc);
wts_status wts_xdoc_set_value(wts_xdoc *doc, unsigned slot, const void *bytes,
                              size_t len);
wts_status wts_xdoc_set_data(wts_xdoc *doc, const void *bytes, size_t len);

/* ------------------------------------------------------------------ */
/* Readers                                                             */

typedef struct wts_xdb wts_xdb;

/* Opens the index at path for reading.  On failure *out is NULL and, when
 * errmsg is not NULL, *errmsg receives a malloc'd message. */
wts_status wts_xdb_open(const char *path, wts_xdb **out, char **errmsg);
void wts_xdb_close(wts_xdb *db);
/* The message of the last failed call on db ("" if none). */
const char *wts_xdb_message(const wts_xdb *db);
/* Moves to the newest committed revision; *changed (may be NULL) tells
 * whether there was a newer one. */
wts_status wts_xdb_reopen(wts_xdb *db, int *changed);
/* Threads a search on db may use (1, the calling thread alone, at open;
 * at most 8; the caller knows how many processors it may take).  From the
 * handle's second search, a search of many postings over an index of
 * several shards then matches parts of the shards at once, each thread
 * through a handle of its own, opened when first needed, and gives what
 * one thread would: the same hits, in the same order, with the same
 * weights, and the same counts (read from the index when the match stops
 * early).  1 keeps every search on the calling thread: for callers that
 * already keep each processor busy, and for a process that searches once.
 * Threads once started are kept (idle) until the handle is closed, so that
 * it may be set before each search. */
wts_status wts_xdb_set_match_threads(wts_xdb *db, unsigned threads);
/* Documents the index answers with: hidden ones are not counted. */
wts_status wts_xdb_doccount(wts_xdb *db, uint32_t *out);
/* Documents held but hidden, replaced or removed in a database without
 * term lists (wts_xwriter_open_flags).  Every reading call leaves them
 * out: searches, samples, postings, terms held by them alone, value sums.
 * Term frequencies and Xapian's weights still count them, until the
 * database is written again without them. */
wts_status wts_xdb_hidden_count(wts_xdb *db, uint32_t *out);
wts_status wts_xdb_revision(wts_xdb *db, uint64_t *out);
/* What names the committed state db reads (malloc'd text): the same text
 * only for the same revision of the same databases, whatever was
 * rebuilt, compacted or swapped in meanwhile (each database's uuid and
 * revision), so an answer kept under it is still true while it lasts. */
wts_status wts_xdb_state(wts_xdb *db, char **out);
/* *out is malloc'd, caller frees; a missing key gives "" (not an error). */
wts_status wts_xdb_get_metadata(wts_xdb *db, const char *key, char **out);
/* As wts_xdb_get_metadata, for a value that may hold any byte: *len
 * (may be NULL) gets its length; *out is still NUL-terminated. */
wts_status wts_xdb_get_metadata_bytes(wts_xdb *db, const char *key, char **out, size_t *len);
wts_status wts_xdb_termfreq(wts_xdb *db, const char *term, uint32_t *out);
/* Data and values of one document, copied into malloc'd buffers.
 * WTS_ERR_NOT_FOUND if the document does not exist. */
wts_status wts_xdb_doc_data(wts_xdb *db, wts_docid id, char **data,
                            size_t *len);
wts_status wts_xdb_doc_value(wts_xdb *db, wts_docid id, unsigned slot,
                             char **value, size_t *len);

/* Iteration callbacks return 0 to go on, non-zero to stop early. */
typedef int (*wts_xterm_cb)(void *ud, const char *term, size_t len,
                            uint32_t termfreq);
typedef int (*wts_xdocid_cb)(void *ud, wts_docid id);

/* Every term of the index starting with prefix, in byte order. */
wts_status wts_xdb_terms(wts_xdb *db, const char *prefix, wts_xterm_cb cb,
                         void *ud);
/* The same, also the terms held by hidden documents alone (see
 * wts_xdb_hidden_count), without the lookup each of those costs: for a
 * long walk that keeps few, which asks wts_xdb_term_live of those. */
wts_status wts_xdb_terms_stored(wts_xdb *db, const char *prefix, wts_xterm_cb cb, void *ud);
/* *live: 1 when term indexes a document that is not hidden, else 0. */
wts_status wts_xdb_term_live(wts_xdb *db, const char *term, size_t len, int *live);
/* Every metadata key starting with prefix, in byte order (the callback's
 * termfreq is 0). */
wts_status wts_xdb_metadata_keys(wts_xdb *db, const char *prefix, wts_xterm_cb cb, void *ud);
/* Every document indexed by term, in docid order. */
wts_status wts_xdb_postings(wts_xdb *db, const char *term, wts_xdocid_cb cb,
                            void *ud);
/* Terms of one document starting with prefix (termfreq = index-wide). */
wts_status wts_xdb_doc_terms(wts_xdb *db, wts_docid id, const char *prefix,
                             wts_xterm_cb cb, void *ud);
/* The index's best spelling correction for word, "" when it has none.
 * *out is malloc'd. */
wts_status wts_xdb_spelling(wts_xdb *db, const char *word, char **out);

/* Runs the index's own consistency check on the index at path.  The report
 * (malloc'd, may be NULL) says what was found. */
wts_status wts_xdb_check(const char *path, char **report);

/* ------------------------------------------------------------------ */
/* Shards                                                              */

/* An index may be a directory of shards written side by side: a stub file
 * XAPIANDB in it names each shard's directory ("glass NAME", relative to
 * it) and carries a generation number that changes with every rewrite.
 * wts_xdb_open opens such a directory as one index (and so does Xapian's
 * own tooling); a writer opens one shard at a time. */

/* The shard names of the stub in dir, malloc'd (free with wts_xstub_free);
 * *n = 0 when dir holds no stub. */
wts_status wts_xstub_read(const char *dir, char ***names, size_t *n, uint64_t *generation,
                          char **errmsg);
void wts_xstub_free(char **names, size_t n);
/* Replaces the stub in dir atomically (written aside, synced, renamed). */
wts_status wts_xstub_write(const char *dir, const char *const *names, size_t n, uint64_t generation,
                           char **errmsg);
/* Writes a compacted copy of the single database src to the new
 * directory dst (document ids kept). */
wts_status wts_xcompact(const char *src, const char *dst, char **errmsg);
/* Compacts the n databases at srcs into one new database at dst, as
 * wts_xcompact, their documents numbered anew in the order given.  A
 * metadata key held by several: for keys starting with union_prefix (NULL:
 * none), the space-separated words of all, each once, in the order met;
 * for others, the last one's value.  A source hiding documents cannot be
 * merged (WTS_ERR_INVALID): numbered anew, they would no longer be hidden. */
wts_status wts_xcompact_merge(const char *const *srcs, size_t n, const char *dst,
                              const char *union_prefix, char **errmsg);

/* ------------------------------------------------------------------ */
/* Writer                                                              */

typedef struct wts_xwriter wts_xwriter;

/* Opens the index at path for writing, creating it if absent.  Only one
 * writer at a time: a second one gets WTS_ERR_LOCKED. */
wts_status wts_xwriter_open(const char *path, wts_xwriter **out,
                            char **errmsg);
/* Flags of wts_xwriter_open_flags. */
#define WTS_XWRITER_NO_TERMLISTS 1u
/* As wts_xwriter_open; with WTS_XWRITER_NO_TERMLISTS a database created
 * here keeps no term list per document: it is smaller, but Xapian cannot
 * take a document out of it.  A document replaced or removed there is
 * hidden instead: it stays in the files, and every reader of the database
 * leaves it out of every answer (see wts_xdb_hidden_count).  An existing
 * database stays as it was created, whatever the flags. */
wts_status wts_xwriter_open_flags(const char *path, unsigned flags,
                                  wts_xwriter **out, char **errmsg);
/* 1 when the database keeps term lists, 0 when not (see
 * wts_xwriter_open_flags). */
int wts_xwriter_has_termlists(const wts_xwriter *w);
/* Commits what is pending, then releases the lock.  NULL is fine. */
wts_status wts_xwriter_close(wts_xwriter *w);
const char *wts_xwriter_message(const wts_xwriter *w);
/* A read view of the writer's own database, including uncommitted
 * changes.  Owned by the writer: do not close it. */
wts_xdb *wts_xwriter_db(wts_xwriter *w);
/* Adds doc; replaces every document indexed by unique_term when it is not
 * NULL (the doc should carry that term itself). */
wts_status wts_xwriter_add(wts_xwriter *w, const wts_xdoc *doc,
                           const char *unique_term, wts_docid *id);
/* Deletes every document indexed by term. */
wts_status wts_xwriter_delete_term(wts_xwriter *w, const char *term);
wts_status wts_xwriter_set_metadata(wts_xwriter *w, const char *key,
                                    const char *value);
/* As wts_xwriter_set_metadata, for a value of len bytes of any kind. */
wts_status wts_xwriter_set_metadata_bytes(wts_xwriter *w, const char *key, const void *value, size_t len);
wts_status wts_xwriter_add_spelling(wts_xwriter *w, const char *word,
                                    uint32_t freq_inc);
/* Makes everything so far durable and visible to readers, atomically. */
wts_status wts_xwriter_commit(wts_xwriter *w);

/* ------------------------------------------------------------------ */
/* Queries                                                             */

typedef struct wts_xquery wts_xquery;

typedef enum wts_xop {
    WTS_XOP_AND,
    WTS_XOP_OR,
    WTS_XOP_AND_NOT,   /* first minus the others */
    WTS_XOP_AND_MAYBE, /* first; the others only add weight */
    WTS_XOP_FILTER,    /* first, restricted to the others, which add no weight */
    WTS_XOP_PHRASE,    /* terms in order within window (0 = adjacent) */
    WTS_XOP_NEAR,      /* terms in any order within window */
    WTS_XOP_SYNONYM    /* one term under several spellings */
} wts_xop;

/* Queries are values: combining copies its inputs, which stay the
 * caller's to free. */
wts_status wts_xquery_term(const char *term, size_t len, uint32_t wqf,
                           uint32_t pos, wts_xquery **out);
wts_status wts_xquery_combine(wts_xop op, const wts_xquery *const *subs,
                              size_t n, uint32_t window, wts_xquery **out);
/* Terms starting with prefix, OR'ed; more than max_terms terms is an
 * error (WTS_ERR_LIMIT) when the query runs. */
wts_status wts_xquery_wildcard(const char *prefix, uint32_t max_terms,
                               wts_xquery **out);
/* Documents whose value in slot lies in [lo, hi] (byte order). */
wts_status wts_xquery_value_range(unsigned slot, const char *lo,
                                  const char *hi, wts_xquery **out);
wts_status wts_xquery_scale(const wts_xquery *q, double factor,
                            wts_xquery **out);
wts_status wts_xquery_match_all(wts_xquery **out);
wts_status wts_xquery_match_nothing(wts_xquery **out);
int wts_xquery_is_empty(const wts_xquery *q);
/* A readable description, malloc'd (for debugging and tests). */
wts_status wts_xquery_describe(const wts_xquery *q, char **out);
void wts_xquery_free(wts_xquery *q);

/* ------------------------------------------------------------------ */
/* Searching                                                           */

typedef enum wts_xsort {
    WTS_XSORT_RELEVANCE,
    WTS_XSORT_VALUE,               /* by sort_slot, ties by relevance */
    WTS_XSORT_RELEVANCE_THEN_VALUE
} wts_xsort;

typedef struct wts_xsearch_opts {
    uint32_t offset;
    uint32_t limit;
    uint32_t check_at_least; /* count at least this many matches exactly */
    int collapse_slot;       /* -1: no collapsing */
    uint32_t collapse_max;   /* hits kept per collapse key (>= 1) */
    wts_xsort sort;
    unsigned sort_slot;
    int sort_descending;
    int facet_slot;          /* -1: no facets; else a slot holding a list of
                                keys, each ended by '\n', counted over every
                                match examined */
    double time_limit;       /* seconds; 0 = none.  Past it the search stops
                                refining and returns what it has */
} wts_xsearch_opts;

/* Defaults: offset 0, limit 10, no collapsing, relevance, no facets. */
void wts_xsearch_opts_init(wts_xsearch_opts *opts);

typedef struct wts_xmset wts_xmset;

/* Runs q.  On success *out holds the hits with their data copied, so that
 * reading them never fails.  On failure the message is on db. */
wts_status wts_xdb_search(wts_xdb *db, const wts_xquery *q,
                          const wts_xsearch_opts *opts, wts_xmset **out);
void wts_xmset_free(wts_xmset *m);
size_t wts_xmset_size(const wts_xmset *m);
uint32_t wts_xmset_estimated(const wts_xmset *m);
uint32_t wts_xmset_lower_bound(const wts_xmset *m);
uint32_t wts_xmset_upper_bound(const wts_xmset *m);
wts_docid wts_xmset_docid(const wts_xmset *m, size_t i);
double wts_xmset_weight(const wts_xmset *m, size_t i);
/* Hits with hit i's collapse key that collapsing left out (0 without
 * collapsing); with collapse_max 1, the document's other matches. */
uint32_t wts_xmset_collapsed(const wts_xmset *m, size_t i);
const char *wts_xmset_data(const wts_xmset *m, size_t i, size_t *len);
size_t wts_xmset_facet_count(const wts_xmset *m);
/* Facet keys come in byte order. */
const char *wts_xmset_facet(const wts_xmset *m, size_t i, uint32_t *count);

/* ------------------------------------------------------------------ */
/* Stemming                                                            */

typedef struct wts_xstem wts_xstem;

/* lang: "en", "fr", "es" or any language name the library knows;
 * "none" stems nothing. */
wts_status wts_xstem_new(const char *lang, wts_xstem **out);
void wts_xstem_free(wts_xstem *s);
/* Stems word (len bytes) into buf (NUL-terminated); a stem that does not
 * fit in bufsize gives WTS_ERR_LIMIT. */
wts_status wts_xstem_apply(wts_xstem *s, const char *word, size_t len,
                           char *buf, size_t bufsize);

/* ------------------------------------------------------------------ */
/* A window of hits, ranked again after the match                      */

/* Runs q as wts_xdb_search does, but reads no document data: each hit's
 * data is its value in slot instead (its collapse key, read for free, when
 * slot is opts->collapse_slot; "" when slot is negative).  For asking for
 * many more hits than are shown: their ids, weights and keys cost little,
 * and the caller reads the data of the hits it keeps (wts_xdb_doc_data). */
wts_status wts_xdb_search_keys(wts_xdb *db, const wts_xquery *q,
                               const wts_xsearch_opts *opts, int slot,
                               wts_xmset **out);

/* At most n documents q matches, into ids, and how many into *got (fewer
 * when fewer match): a sample of its matches that does not favour the
 * best, for estimating what they hold.  With expected (the matches q is
 * thought to have) above n, they come from runs of documents spread over
 * each shard, so that an index written in some order (by series, by
 * date) is sampled across; else they are the first in index order (shard
 * by shard). */
wts_status wts_xdb_sample(wts_xdb *db, const wts_xquery *q, uint32_t n, uint32_t expected,
                          double time_limit, wts_docid *ids, uint32_t *got);

/* For each of the n documents ids (any order), the within-document
 * frequency of term in it into wdf[i], 0 when it is not indexed by term.
 * Reads the term's posting list once, skipping to each document. */
wts_status wts_xdb_term_wdfs(wts_xdb *db, const char *term, size_t len,
                             const wts_docid *ids, size_t n, uint32_t *wdf);

/* The length (sum of within-document frequencies) of each of the n
 * documents ids into len[i] (0 for one that does not exist), and the
 * average length of the index's documents into *avg: for weighting terms
 * as the match does. */
wts_status wts_xdb_doc_lengths(wts_xdb *db, const wts_docid *ids, size_t n,
                               uint32_t *len, double *avg);

/* The positions of term (a positional term: a folded word) in document
 * id, ascending: the first max of them into pos, and how many there are
 * in all into *n (0 when the term is not in that document). */
wts_status wts_xdb_positions(wts_xdb *db, wts_docid id, const char *term,
                             size_t len, uint32_t *pos, size_t max,
                             size_t *n);

/* ------------------------------------------------------------------ */
/* Paragraphs inside documents                                         */

/* An index document may hold several paragraphs, told apart by their
 * positions: paragraph k's positional terms lie at or after its first
 * position and before the next paragraph's, positions that a value of the
 * document lists.  A query meant of paragraphs is true of paragraph k when
 * it is true of the terms at its positions; terms of the whole document
 * (no positions) are true of all its paragraphs, and a stem where a word
 * it is the stem of stands.  The index matches documents; these functions
 * say which of their paragraphs a query is true of. */
typedef struct wts_xparas {
    unsigned bounds_slot;           /* value slot: the number of paragraphs,
                                       then the first position of each and
                                       the position after the last, in
                                       decimal, separated by spaces */
    unsigned gap;                   /* positions between two paragraphs */
    double average_words;           /* words of an average paragraph */
    const char *stem_prefix;        /* prefix of stem terms, which have no
                                       positions: a stem stands where its
                                       words do */
    const char *stem_words;         /* metadata key prefix: key + stem holds
                                       the stem's words, space-separated */
    const char *const *whole;       /* prefixes of terms of the whole document */
    size_t nwhole;
    const char *const *on_headings; /* prefixes of the paragraph terms that
                                       heading paragraphs have; they have no
                                       others */
    size_t non_headings;
    const char *heading;            /* the term of every heading paragraph */
} wts_xparas;

/* The query that matches the documents holding a paragraph q is true of:
 * q without what excludes paragraphs (the right side of an AND_NOT that is
 * not of the whole document), which other paragraphs of a document may
 * have.  *exact (may be NULL) is 1 when every document it matches holds
 * such a paragraph, a paragraph other than a heading when q excludes
 * p->heading; 0 when some may not (wts_xpara_eval_doc then tells). */
wts_status wts_xquery_for_documents(const wts_xquery *q, const wts_xparas *p,
                                    wts_xquery **out, int *exact);

/* Which paragraphs of documents q is true of, and how well each answers
 * it, for many documents in a row: the index's statistics are read once. */
typedef struct wts_xpara_eval wts_xpara_eval;

/* The evaluator of q (copied) over db; both must outlive it. */
wts_status wts_xpara_eval_new(wts_xdb *db, const wts_xquery *q, const wts_xparas *p,
                              wts_xpara_eval **out);
void wts_xpara_eval_free(wts_xpara_eval *e);
/* For document id: *match (malloc'd, *n bytes, 1 where q is true of the
 * paragraph) and, when score is not NULL, *score (malloc'd, *n doubles):
 * the BM25 weight of the terms of q that weigh (not those that only
 * filter or exclude) at the paragraph's positions, as the index weighs a
 * document (k1 1, b 0.5, lengths against p->average_words; a term of
 * several forms, a synonym, as one), each occurrence of a word counted,
 * a term at the paragraph's first position once.  Also, when first is
 * not NULL, *first (malloc'd, *n + 1 positions): where each paragraph
 * starts, and the position after the last. */
wts_status wts_xpara_eval_doc(wts_xpara_eval *e, wts_docid id, uint8_t **match, double **score,
                              uint32_t **first, uint32_t *n);

/* The sum of the decimal numbers that start the value in slot of every
 * document (the paragraphs of the index, with bounds_slot). */
wts_status wts_xdb_value_sum(wts_xdb *db, unsigned slot, uint64_t *sum);

/* Which paragraphs of document id q is true of: *match (malloc'd, caller
 * frees) holds *n bytes, one per paragraph, 1 where it is true.  A
 * document without that value is one paragraph. */
wts_status wts_xdb_paragraphs(wts_xdb *db, wts_docid id, const wts_xquery *q,
                              const wts_xparas *p, uint8_t **match, uint32_t *n);

#ifdef __cplusplus
}
#endif
#endif
