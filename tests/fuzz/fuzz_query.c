/* fuzz_query.c: the query parser on arbitrary bytes: a query parses or
 * is refused with a message, never both, never a crash. */
#include "wts.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    wts_query *q = NULL;
    char *msg = NULL;
    wts_status st = wts_query_parse(s, WTS_LANG_UNKNOWN, &q, &msg);
    if ((st == WTS_OK) != (q != NULL) || (st != WTS_OK && (!msg || !*msg))) abort();
    if (q) free(wts_query_describe(q));
    wts_query_free(q);
    free(msg);
    free(s);
    return 0;
}
