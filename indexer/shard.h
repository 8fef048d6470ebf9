/* shard.h: how the parallel run (run.c) drives one shard's indexer. */
#ifndef WTS_SHARD_H
#define WTS_SHARD_H
#include "wts_indexer.h"

typedef struct shard_hooks {
    /* This indexer takes the files whose real path hashes to index (of
     * count); the others are walked past.  count 0 or 1: every file. */
    uint32_t index, count;
    const char *root;  /* the index's own directory: never walked into */
    FILE *report;      /* skipped files, as they happen (NULL: keep) */
    void (*file_done)(void *ud, uint64_t bytes); /* one of its files read */
    void *ud;
} shard_hooks;

/* Call right after wts_indexer_open. */
void indexer_set_shard(wts_indexer *ix, const shard_hooks *h);
/* The shard of count that the file at real path belongs to. */
uint32_t shard_of(const char *path, uint32_t count);

#endif
