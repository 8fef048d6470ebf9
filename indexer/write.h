/* write.h: stage 5, paragraphs into the index.  Internal to the indexer. */
#ifndef WTS_WRITE_H
#define WTS_WRITE_H

#include <jansson.h>

#include "wts_indexer.h"

/* Reused across files: stemmers and a scratch buffer. */
typedef struct write_ctx {
    wts_xstem *stem[4]; /* by wts_lang */
    wts_buf term;
    wts_buf facets; /* the facet value of the file being built */
    wts_strset stem_words; /* "stem\tword" pairs met in this run */
    /* Each word's stem by language, once computed: words repeat, and
     * stemming each occurrence was a tenth of indexing. */
    wts_strset stemmed[4];
    char **stem_of[4];
    size_t stem_words_saved; /* those of them in the index's metadata */
    wts_record_packer *packer;
    bool packed_with_dict; /* the record of the file being written */
    bool dict_saved;       /* in the database written now */
} write_ctx;

void write_ctx_init(write_ctx *c);
void write_ctx_free(write_ctx *c);
/* Before writing to w, the writer opened first or one opened since: its
 * records are packed with the dictionary w holds, if any. */
wts_status write_ctx_start_database(write_ctx *c, wts_xwriter *w);
/* Replaces whatever the index held for path by doc, one index document. */
wts_status write_document(write_ctx *c, wts_xwriter *w, const char *path, const wts_document *doc);
/* Writes to the index's metadata the words of each stem met since the
 * last call (before each commit). */
wts_status write_stem_words(write_ctx *c, wts_xwriter *w);
/* The fields of doc as its stored record has them: symbol, symbols,
 * title, date, doc_lang (a new reference). */
json_t *document_fields(const wts_document *doc);

#endif
