/* shard.h: how the parallel run (run.c) drives one shard's indexer. */
#ifndef WTS_SHARD_H
#define WTS_SHARD_H
#include "wts_indexer.h"

typedef struct shard_hooks {
    /* This indexer takes the files whose real path hashes to index (of
     * count); the others are walked past.  count 0 or 1: every file. */
    uint32_t index, count;
    /* Of those, the files whose path hashes to part of parts (parts 0 or
     * 1: all): a shard written by several processes at once. */
    uint32_t part, parts;
    const char *root;  /* the index's own directory: never walked into */
    FILE *report;      /* skipped files, as they happen (NULL: keep) */
    void (*file_done)(void *ud, uint64_t bytes); /* one of its files read */
    void *ud;
} shard_hooks;

/* wts_indexer_open with flags for the writer (wts_xwriter_open_flags). */
wts_status indexer_open_flags(const char *db_path, unsigned writer_flags, const char *manifest_path,
                              FILE *report, wts_indexer **out, char **errmsg);
/* Indexes again each file recorded in the index at from_path that this
 * indexer has not met (among those of its shard and part), with the
 * manifest fields recorded for it; files gone are left out.  For a shard
 * written again: it keeps the files indexed from paths other than this
 * run's. */
wts_status indexer_carry(wts_indexer *ix, const char *from_path, char **errmsg);
/* The documents the indexer's database answers with and those it hides
 * (wts_xdb_hidden_count), with what is not committed yet. */
wts_status indexer_doc_counts(wts_indexer *ix, uint32_t *live, uint32_t *hidden);
/* Writes a new shard in runs, each a database of its own (the first the
 * indexer's, the others at run_base followed by a number), a run closed
 * at the commit that makes it hold files_per_run files or more: every commit
 * rewrites the blocks it touches, and in one growing database that is
 * more of them each time; runs are merged at the end (wts_xcompact_merge).
 * False, and one database as before, when the indexer's is not empty. */
bool indexer_write_runs(wts_indexer *ix, const char *run_base, uint32_t files_per_run);
/* The runs after the first that the indexer has started, in order (a run
 * may stand for several, merged when they grew too many). */
const wts_strlist *indexer_runs(const wts_indexer *ix);
/* Removes the directory of a database (it holds only files). */
void remove_shard_dir(const char *path);
/* Whether the indexer's database keeps term lists. */
bool indexer_has_termlists(const wts_indexer *ix);

/* Call right after wts_indexer_open. */
void indexer_set_shard(wts_indexer *ix, const shard_hooks *h);
/* The shard of count that the file at real path belongs to. */
uint32_t shard_of(const char *path, uint32_t count);

#endif
