/* fuzz_document.c: segmentation and annotation of arbitrary text, as text
 * and as Markdown.  Every paragraph must have a label and text. */
#include "wts_indexer.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    if (wts_utf8_invalid_at(s, size) != size) return 0; /* the extractor refuses those */
    for (int md = 0; md < 2; md++) {
        wts_document *doc = NULL;
        if (wts_document_parse(s, size, md ? WTS_SRC_MARKDOWN : WTS_SRC_TEXT, NULL, &doc) != WTS_OK) abort();
        for (size_t i = 0; i < doc->nparas; i++)
            if (!doc->paras[i].label || !*doc->paras[i].label || !doc->paras[i].text || !*doc->paras[i].text)
                abort();
        wts_document_free(doc);
    }
    return 0;
}
