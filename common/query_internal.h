/* query_internal.h: what the query engine's files share about a parsed
 * query.  Not part of the public header: callers see wts_query as opaque. */
#ifndef WTS_QUERY_INTERNAL_H
#define WTS_QUERY_INTERNAL_H

#include "wts.h"

struct wts_query {
    wts_xquery *xq;
    wts_lang lang;   /* language the words were stemmed in; UNKNOWN = all */
    bool ranked;     /* has words that rank; else filters only */
    bool asks_kind;  /* uses kind:, so headings are not left out */
    /* What the snippet highlights: exact folded words, "Z"-stems and
     * wildcard prefixes of the query's free text. */
    char **words, **stems, **prefixes, **symbols;
    size_t nwords, nstems, nprefixes, nsymbols;
    /* Free words as typed, for "did you mean": their place in text. */
    char *text;
    struct wts_qword {
        size_t start, end;
        char *folded;
    } *plain;
    size_t nplain;
};

/* Builds the highlighted snippet of text for q (malloc'd). */
char *wts_snippet(const wts_query *q, const char *text, size_t len, wts_lang text_lang,
                  size_t max_bytes);

#endif
