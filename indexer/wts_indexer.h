/* wts_indexer.h: files in, paragraphs out, into the index.
 *
 * The stages, one file each: extract (bytes of a file, checked), normalize
 * (UTF-8, NFC, markup stripped, lines with hints), segment (paragraphs with
 * their WTO labels), annotate (symbols, dates, members, topics, language),
 * write (one index document per file, its paragraphs by position).
 * wts_document_parse runs the first four on text in memory; wts_indexer
 * runs all five over files.
 */
#ifndef WTS_INDEXER_H
#define WTS_INDEXER_H

#include "wts.h"

typedef enum wts_source_format { WTS_SRC_TEXT, WTS_SRC_MARKDOWN } wts_source_format;

typedef enum wts_para_kind { WTS_PARA_BODY, WTS_PARA_HEADING, WTS_PARA_FOOTNOTE } wts_para_kind;

const char *wts_para_kind_name(wts_para_kind k); /* "body", "heading", "footnote" */

/* A list of strings, each once, in the order first met. */
typedef struct wts_strlist {
    char **v;
    size_t n;
} wts_strlist;

void wts_strlist_add(wts_strlist *l, const char *s);
bool wts_strlist_has(const wts_strlist *l, const char *s);
void wts_strlist_free(wts_strlist *l);

typedef struct wts_para {
    char *label;        /* "2.3", "fn1", or an ordinal "p4" when unnumbered */
    wts_para_kind kind;
    char *text;         /* the paragraph re-joined, markup stripped */
    char *section;      /* the heading it stands under, or NULL */
    wts_lang lang;
    wts_strlist cites;   /* canonical symbols cited */
    wts_strlist members; /* member ids named */
    wts_strlist acting;  /* those of members that act: present, propose, join... */
    wts_strlist listed;  /* those named only within an enumeration of members */
    wts_strlist topics;  /* topic ids */
    wts_strlist acronyms; /* acronym concepts, named short or long */
    wts_strlist dates;   /* ISO dates mentioned: "2022-04-07", "2022-04" */
    wts_strlist links;   /* links that stood alone on a line in it (not text) */
} wts_para;

/* A parsed document.  Everything in it is owned by it. */
typedef struct wts_document {
    char *title;         /* NULL when unknown */
    wts_strlist symbols; /* its own symbols, canonical; joint symbols give two */
    wts_date date;       /* year 0 when unknown */
    wts_lang lang;
    wts_para *paras;
    size_t nparas;
} wts_document;

/* What a sidecar manifest or the caller knows of a file; NULL = unknown.
 * file_name gives a symbol when neither the manifest nor the header does
 * (docs.wto.org names: "INF_MSME_R35.pdf", see wts_symbol_from_filename). */
typedef struct wts_doc_hints {
    const char *symbol, *date, *lang, *title;
    const char *file_name;
} wts_doc_hints;

/* Parses text (UTF-8, checked by the caller) into a document. */
wts_status wts_document_parse(const char *text, size_t len, wts_source_format fmt,
                              const wts_doc_hints *hints, wts_document **out);
void wts_document_free(wts_document *doc);

/* ---- indexing files ---- */

typedef struct wts_indexer wts_indexer;

typedef struct wts_index_stats {
    uint32_t files_indexed, files_unchanged, files_skipped, files_removed, paragraphs;
    uint32_t shards, shards_compacted; /* set by wts_index_run */
    uint32_t runs; /* databases new shards were written in (indexer_write_runs), when more than one */
    uint32_t run_merges; /* merges of some of those runs while writing, before the last */
} wts_index_stats;

/* Largest file read, in bytes: bigger ones are skipped, so that one file
 * cannot exhaust memory. */
#define WTS_MAX_FILE_BYTES (64u << 20)

/* Opens (creating if needed) the index at db_path.  manifest: a manifest
 * for every path indexed (NULL: each directory's own MANIFEST.tsv).
 * Skipped files are reported on report (one line each) as they happen. */
wts_status wts_indexer_open(const char *db_path, const char *manifest, FILE *report,
                            wts_indexer **out, char **errmsg);
/* Commits every `files` files (default 500) besides the byte and
 * paragraph bounds: smaller batches lose less to a crash. */
void wts_indexer_commit_every(wts_indexer *ix, uint32_t files);

/* Checks the index at db_path: the index's own consistency check, then
 * the project's invariants (schema version; every file record matches the
 * paragraphs stored for it and has beside it what they share; every stored
 * paragraph belongs to a recorded file and has a readable record).  Appends what it found to report;
 * *problems counts the faults.  A non-OK status means it could not look. */
wts_status wts_index_check(const char *db_path, wts_buf *report, size_t *problems);

/* Indexes a file, or a directory recursively; in a directory, files that
 * were indexed before and are gone now leave the index.  A file that
 * cannot be indexed is skipped and reported (what was indexed of it
 * before stays); only index failures return an error. */
wts_status wts_indexer_add(wts_indexer *ix, const char *path);
/* Commits and closes; stats (may be NULL) receives the counts. */
wts_status wts_indexer_close(wts_indexer *ix, wts_index_stats *stats, char **errmsg);
/* ---- a whole indexing run, on every core ---- */

/* Files per run of a new shard, unless told otherwise.  Merged, the runs
 * keep each term's postings in a chunk a run (Xapian's compaction does
 * not join them), so smaller runs make cheaper commits but a larger
 * index.  100,000 generated documents on two processors, records packed
 * alone: runs of 2,000, 5,000, 10,000 and 20,000 files made an index of
 * 2.75, 2.63, 2.56 and 2.52 times the text (one database: 2.47) and wrote
 * 5.4, 8.5, 12.8 and 18.6 GB to disk (36).  With records packed with a
 * dictionary, runs of 10,000 and 20,000: 2.46 and 2.41 times the text at
 * 100,000 documents (98.8 and 96.6 s, 107.5 and 108.1 s, alternating),
 * 2.47 and 2.42 at 300,000 (349 and 358 s, one build each). */
#define WTS_RUN_FILES_DEFAULT 20000
/* Runs of as many files never fill: a new shard is one database. */
#define WTS_RUN_FILES_NONE UINT32_MAX

/* An index is a directory of shards (XAPIANDB lists them, see
 * wts_xapian.h), written side by side by one process each; every file
 * belongs to one shard, chosen by a hash of its real path.  A directory
 * holding a single database (an index written before shards) is one shard. */
typedef struct wts_index_job {
    const char *db_path;
    const char *manifest;   /* as for wts_indexer_open; NULL: per directory */
    char *const *paths;     /* files and directories to add */
    size_t npaths;
    uint32_t commit_every;  /* files per commit; 0: the default */
    uint32_t run_files;     /* files per run of a new shard (indexer_write_runs
                               in shard.h); 0: the default */
    uint32_t shards;        /* shards of a new index; 0: one per processor */
    int compact;            /* -1 never; 0 a shard this run rewrote a tenth of; 1 always */
    bool progress;          /* a progress bar on stderr (a terminal's) */
    FILE *report;           /* skipped files, as they happen */
    int termlists;          /* shards created by this run: > 0 keep a term
                               list per document; else none (the default; < 0
                               when asked for), and a file changed or gone
                               is hidden (wts_xwriter_open_flags) until a
                               quarter of the shard is, when the shard is
                               written again from its files.  A shard stays
                               as it was created: a note says so when asked
                               otherwise. */
} wts_index_job;

/* Indexes job->paths into job->db_path, creating the index if needed:
 * one process per shard, then each shard that changed enough compacted
 * (written anew, then swapped in atomically).  Waits while another run
 * writes the same index.  stats and skipped ("path: reason" each; free
 * with wts_strlist_free) may be NULL; *errmsg is malloc'd. */
wts_status wts_index_run(const wts_index_job *job, wts_index_stats *stats, wts_strlist *skipped,
                         char **errmsg);

/* The extractor of untrusted formats, the main of `wtosearch-extract
 * FORMAT -`, which the indexer runs in a child process per file. */
int wts_extract_main(int argc, char **argv);

/* A program of the project run by another (wtosearch-extract,
 * wtosearch-index): the one beside the running program (a build tree, or
 * both installed in one directory), else installed, when executable;
 * NULL when neither is.  Malloc'd. */
char *wts_helper_program(const char *name, const char *installed);

/* The reasons files were skipped so far, "path: reason" each; owned by
 * ix, valid until wts_indexer_close. */
const wts_strlist *wts_indexer_skipped(const wts_indexer *ix);

#endif
