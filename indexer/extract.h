/* extract.h: stage 1, a file's text.  Internal to the indexer. */
#ifndef WTS_EXTRACT_H
#define WTS_EXTRACT_H

#include "wts_indexer.h"

typedef struct extracted {
    char *data; /* valid UTF-8, NUL-terminated */
    size_t len;
    wts_source_format format;
    char *title;      /* from the format itself (HTML <title>), or NULL */
    uint64_t size;    /* of the file as stored */
    int64_t mtime_ns;
    uint64_t hash;    /* of the file's bytes */
} extracted;

/* Reads path and extracts its text (PDF, DOCX and HTML in a child process
 * under limits).  On failure reason says why, for the skip report. */
wts_status extract_file(const char *path, extracted *out, wts_buf *reason);
void extracted_free(extracted *e);
/* The hash extract_file records of a file's bytes. */
uint64_t extract_hash(const char *data, size_t len);

#endif
