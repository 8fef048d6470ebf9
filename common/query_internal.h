/* query_internal.h: what the query engine's files share about a parsed
 * query.  Not part of the public header: callers see wts_query as opaque. */
#ifndef WTS_QUERY_INTERNAL_H
#define WTS_QUERY_INTERNAL_H

#include "wts.h"

/* Words of one sequence that get boosts (form typed, nearness, title,
 * heading): more is no longer a phrase someone types. */
#define WTS_BOOST_MAX_WORDS 8

struct wts_query {
    wts_xquery *xq;
    wts_lang lang;   /* language the words were stemmed in; UNKNOWN = all */
    bool ranked;     /* has words that rank; else filters only */
    bool asks_kind;  /* uses kind:, so headings are not left out */
    bool ranges;     /* has a date: filter, a range of values that the index
                        reads document by document, not a term */
    /* What the snippet highlights: exact folded words, "Z"-stems and
     * wildcard prefixes of the query's free text. */
    char **words, **stems, **prefixes, **symbols;
    size_t nwords, nstems, nprefixes, nsymbols;
    /* Members asked for (member:), by id: a paragraph where one acts is
     * the better answer among a document's. */
    char **members;
    size_t nmembers;
    /* Free words as typed, for "did you mean": their place in text. */
    char *text;
    struct wts_qword {
        size_t start, end;
        char *folded;
    } *plain;
    size_t nplain;
    /* The words of each sequence typed side by side (function words left
     * out when others are there): after the match, the search rewards the
     * first hits where they are in the form typed, stand near each other,
     * or are in the document's title or the heading above (search.c,
     * "re-ranking"). */
    struct wts_qboost {
        char **terms;    /* folded words: the index's positional terms */
        char **accented; /* XE + the word with its accents, or NULL when
                            typed without any */
        size_t n;
        char **function; /* the function words left out, which still
                            count in the title and the heading */
        size_t nfunction;
    } *boosts;
    size_t nboosts;
};

/* Builds the highlighted snippet of text for q (malloc'd). */
char *wts_snippet(const wts_query *q, const char *text, size_t len, wts_lang text_lang,
                  size_t max_bytes);

#endif
