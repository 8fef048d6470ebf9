/* extract.h: stage 1, reading a file.  Internal to the indexer. */
#ifndef WTS_EXTRACT_H
#define WTS_EXTRACT_H

#include "wts_indexer.h"

typedef struct extracted {
    char *data; /* valid UTF-8, NUL-terminated */
    size_t len;
    wts_source_format format;
    uint64_t size;
    int64_t mtime_ns;
} extracted;

/* Reads path.  On failure reason says why, for the skip report. */
wts_status extract_file(const char *path, extracted *out, wts_buf *reason);
void extracted_free(extracted *e);

#endif
