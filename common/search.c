/* search.c: runs a parsed query and builds the hits, with their snippets. */
#include "wts.h"
#include "query_internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Matches examined at least, beyond the page asked for: with document
 * grouping, so that "matching_paragraphs" is exact up to this many
 * matches (a lower bound past it); with facets, so that their counts are.
 * Everything else stops at what the page needs: a common word in a large
 * index must not cost a scan of all its paragraphs. */
#define CHECK_AT_LEAST_GROUPED 1000
#define CHECK_AT_LEAST_FACETS 5000

void wts_search_opts_init(wts_search_opts *opts) {
    memset(opts, 0, sizeof *opts);
    opts->limit = 10;
    opts->group = WTS_GROUP_DOCUMENT;
    opts->order = WTS_ORDER_RELEVANCE;
    opts->lang = WTS_LANG_UNKNOWN;
    opts->time_limit = 5.0;
}

char *wts_default_index_path(void) {
    const char *env = getenv("WTOSEARCH_DB");
    if (env && *env) return wts_xstrdup(env);
    wts_buf b = WTS_BUF_INIT;
    const char *xdg = getenv("XDG_DATA_HOME");
    if (xdg && *xdg) {
        wts_buf_printf(&b, "%s/wtosearch/index", xdg);
    } else {
        const char *home = getenv("HOME");
        wts_buf_printf(&b, "%s/.local/share/wtosearch/index", home && *home ? home : ".");
    }
    return wts_buf_steal(&b);
}

wts_status wts_index_open(const char *path, wts_xdb **out, char **errmsg) {
    *out = NULL;
    if (errmsg) *errmsg = NULL;
    wts_xdb *db = NULL;
    char *msg = NULL;
    wts_status st = wts_xdb_open(path, &db, &msg);
    if (st != WTS_OK) {
        if (errmsg) {
            wts_buf b = WTS_BUF_INIT;
            if (st == WTS_ERR_NO_INDEX)
                wts_buf_printf(&b, "no index at %s (create one with: wtosearch index --db %s PATH)", path, path);
            else
                wts_buf_printf(&b, "cannot open index %s: %s", path, msg ? msg : wts_status_name(st));
            *errmsg = wts_buf_steal(&b);
        }
        free(msg);
        return st;
    }
    char *version = NULL;
    st = wts_xdb_get_metadata(db, WTS_META_SCHEMA, &version);
    if (st == WTS_OK && strcmp(version, WTS_SCHEMA_VERSION) != 0) {
        if (errmsg) {
            wts_buf b = WTS_BUF_INIT;
            wts_buf_printf(&b, "index %s has schema version '%s', this program reads version %s: re-index it",
                           path, version, WTS_SCHEMA_VERSION);
            *errmsg = wts_buf_steal(&b);
        }
        st = WTS_ERR_VERSION;
    } else if (st != WTS_OK && errmsg) {
        *errmsg = wts_xstrdup(wts_xdb_message(db));
    }
    free(version);
    if (st != WTS_OK) {
        wts_xdb_close(db);
        return st;
    }
    *out = db;
    return WTS_OK;
}

/* ---- snippets ---- */

typedef struct span {
    size_t start, end;
} span;

typedef struct hl_state {
    const wts_query *q;
    wts_xstem *stem;
    span *v;
    size_t n, cap;
} hl_state;

static bool in_list(char **list, size_t n, const char *s, size_t len) {
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0) return true;
    return false;
}

static void add_span(hl_state *h, size_t start, size_t end) {
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 16;
        h->v = wts_xrealloc(h->v, h->cap * sizeof *h->v);
    }
    h->v[h->n++] = (span){start, end};
}

static int mark_symbol(void *ud, const char *canon, size_t start, size_t end) {
    hl_state *h = ud;
    for (size_t i = 0; i < h->q->nsymbols; i++) {
        char fam[WTS_MAX_SYMBOL];
        wts_symbol_family(canon, fam, sizeof fam);
        if (strcmp(h->q->symbols[i], canon) == 0 || strcmp(h->q->symbols[i], fam) == 0) {
            add_span(h, start, end);
            break;
        }
    }
    return 0;
}

static int span_cmp(const void *a, const void *b) {
    const span *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

static int mark_token(void *ud, const wts_token *t) {
    hl_state *h = ud;
    bool hit = in_list(h->q->words, h->q->nwords, t->folded, t->folded_len);
    for (size_t i = 0; !hit && i < h->q->nprefixes; i++) {
        size_t pl = strlen(h->q->prefixes[i]);
        hit = pl <= t->folded_len && memcmp(t->folded, h->q->prefixes[i], pl) == 0;
    }
    if (!hit && h->stem && h->q->nstems) {
        char stem[WTS_MAX_WORD_BYTES * 2 + 2];
        stem[0] = 'Z';
        if (wts_xstem_apply(h->stem, t->folded, t->folded_len, stem + 1, sizeof stem - 1) == WTS_OK)
            hit = in_list(h->q->stems, h->q->nstems, stem, strlen(stem));
    }
    if (hit) add_span(h, t->start, t->end);
    return 0;
}

/* Appends text[a, b) with runs of white space made one space. */
static void add_squeezed(wts_buf *out, const char *text, size_t a, size_t b) {
    for (size_t i = a; i < b; i++) {
        char c = text[i];
        if (c == '\n' || c == '\t' || c == '\r') c = ' ';
        if (c == ' ' && out->len && out->data[out->len - 1] == ' ') continue;
        wts_buf_addc(out, c);
    }
}

static bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

char *wts_snippet(const wts_query *q, const char *text, size_t len, wts_lang text_lang,
                  size_t max_bytes) {
    hl_state h = {q, NULL, NULL, 0, 0};
    wts_lang l = text_lang != WTS_LANG_UNKNOWN ? text_lang : WTS_LANG_EN;
    if (wts_xstem_new(wts_lang_code(l), &h.stem) != WTS_OK) h.stem = NULL;
    wts_tokenize(text, len, mark_token, &h);
    wts_xstem_free(h.stem);
    if (q->nsymbols) { /* whole symbols, and no word marked inside one */
        size_t words = h.n;
        wts_symbols_find(text, len, mark_symbol, &h);
        if (h.n > words) {
            qsort(h.v, h.n, sizeof *h.v, span_cmp);
            size_t kept = 0;
            for (size_t i = 0; i < h.n; i++) {
                if (kept && h.v[i].start < h.v[kept - 1].end) {
                    if (h.v[i].end > h.v[kept - 1].end) h.v[kept - 1].end = h.v[i].end;
                    continue;
                }
                h.v[kept++] = h.v[i];
            }
            h.n = kept;
        }
    }
    /* The window of max_bytes holding the most highlights. */
    size_t from = 0, to = len;
    if (len > max_bytes) {
        size_t best = 0, best_count = 0;
        for (size_t i = 0; i < h.n; i++) {
            size_t c = 0;
            for (size_t j = i; j < h.n && h.v[j].end <= h.v[i].start + max_bytes; j++) c++;
            if (c > best_count) {
                best_count = c;
                best = i;
            }
        }
        from = h.n ? h.v[best].start : 0;
        /* start a little before the first highlight, on a word boundary */
        size_t lead = max_bytes / 6;
        from = from > lead ? from - lead : 0;
        while (from > 0 && from < len && text[from - 1] != ' ' && text[from - 1] != '\n') from--;
        to = from + max_bytes < len ? from + max_bytes : len;
        while (to < len && to > from && text[to] != ' ' && text[to] != '\n') to--;
        if (to == from) to = from + max_bytes < len ? from + max_bytes : len;
        while (to < len && is_cont((unsigned char)text[to])) to++;
    }
    wts_buf out = WTS_BUF_INIT;
    if (from > 0) wts_buf_adds(&out, "\u2026");
    size_t at = from;
    for (size_t i = 0; i < h.n; i++) {
        if (h.v[i].start < from || h.v[i].end > to) continue;
        add_squeezed(&out, text, at, h.v[i].start);
        wts_buf_adds(&out, WTS_HL_OPEN);
        wts_buf_add(&out, text + h.v[i].start, h.v[i].end - h.v[i].start);
        wts_buf_adds(&out, WTS_HL_CLOSE);
        at = h.v[i].end;
    }
    add_squeezed(&out, text, at, to);
    while (out.len && out.data[out.len - 1] == ' ') out.data[--out.len] = '\0';
    if (to < len) wts_buf_adds(&out, "\u2026");
    free(h.v);
    return wts_buf_steal(&out);
}

/* ---- searching ---- */

/* A correction for a word the index does not know: among the words that
 * share its first two letters, the nearest (edit distance 1, or 2 for
 * words of 6 letters or more), the most frequent first.  Read from the
 * index's own words, so indexing pays nothing for it. */
typedef struct near_ctx {
    const char *word;
    size_t len;
    size_t best_d;
    uint32_t best_f;
    wts_buf best;
    size_t seen;
} near_ctx;

/* Candidates examined at most: bounds the work for a short prefix. */
#define SUGGEST_MAX_CANDIDATES 20000

static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb, size_t cap) {
    if (la > 64 || lb > 64) return cap + 1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0], low = row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
            if (best < low) low = best;
        }
        if (low > cap) return cap + 1;
    }
    return row[lb];
}

static int consider(void *ud, const char *term, size_t len, uint32_t freq) {
    near_ctx *c = ud;
    if (++c->seen > SUGGEST_MAX_CANDIDATES) return 1;
    size_t diff = len > c->len ? len - c->len : c->len - len;
    size_t cap = c->len >= 6 ? 2 : 1;
    if (diff > cap) return 0;
    size_t d = edit_distance(c->word, c->len, term, len, cap);
    if (d == 0 || d > cap) return 0;
    if (d < c->best_d || (d == c->best_d && freq > c->best_f)) {
        c->best_d = d;
        c->best_f = freq;
        wts_buf_reset(&c->best);
        wts_buf_add(&c->best, term, len);
    }
    return 0;
}

static char *correction(wts_xdb *db, const char *word) {
    size_t len = strlen(word);
    if (len < 4) return NULL;
    char prefix[3] = {word[0], word[1], '\0'};
    near_ctx c = {word, len, 99, 0, WTS_BUF_INIT, 0};
    if (wts_xdb_terms(db, prefix, consider, &c) != WTS_OK || !c.best.len) {
        wts_buf_free(&c.best);
        return NULL;
    }
    return wts_buf_steal(&c.best);
}

/* "Did you mean": the query with each word the index does not know
 * replaced by the index's nearest known word; NULL when nothing changes. */
static char *suggestion(wts_xdb *db, const wts_query *q) {
    if (!q->nplain || !q->text) return NULL;
    wts_buf out = WTS_BUF_INIT;
    size_t at = 0;
    bool changed = false;
    for (size_t i = 0; i < q->nplain; i++) {
        uint32_t freq = 1;
        char *fix = NULL;
        if (wts_xdb_termfreq(db, q->plain[i].folded, &freq) == WTS_OK && freq == 0 &&
            (fix = correction(db, q->plain[i].folded)) != NULL) {
            wts_buf_add(&out, q->text + at, q->plain[i].start - at);
            wts_buf_adds(&out, fix);
            at = q->plain[i].end;
            changed = true;
        }
        free(fix);
    }
    if (!changed) {
        wts_buf_free(&out);
        return NULL;
    }
    wts_buf_adds(&out, q->text + at);
    return wts_buf_steal(&out);
}

typedef struct lang_list {
    wts_buf langs;
    size_t prefix_len;
} lang_list;

static int add_version(void *ud, const char *term, size_t len, uint32_t tf) {
    lang_list *l = ud;
    if (l->langs.len) wts_buf_addc(&l->langs, ' ');
    wts_buf_add(&l->langs, term + l->prefix_len, len - l->prefix_len);
    return 0;
}

/* The languages a symbol is indexed in: one term per version. */
static char *versions_of(wts_xdb *db, const char *symbol) {
    lang_list l = {WTS_BUF_INIT, 0};
    wts_buf prefix = WTS_BUF_INIT;
    wts_buf_printf(&prefix, "%s%s|", WTS_PREFIX_VERSION, symbol);
    l.prefix_len = prefix.len;
    if (wts_xdb_terms(db, prefix.data, add_version, &l) != WTS_OK) wts_buf_reset(&l.langs);
    wts_buf_free(&prefix);
    return wts_buf_steal(&l.langs);
}

#define SNIPPET_BYTES 320

wts_status wts_search(wts_xdb *db, const wts_query *q, const char *query_text,
                      const wts_search_opts *opts, wts_results **out, char **errmsg) {
    *out = NULL;
    if (errmsg) *errmsg = NULL;
    wts_xsearch_opts xo;
    wts_xsearch_opts_init(&xo);
    xo.offset = opts->offset;
    xo.limit = opts->limit;
    xo.check_at_least = opts->facets ? CHECK_AT_LEAST_FACETS
                        : opts->group == WTS_GROUP_DOCUMENT ? CHECK_AT_LEAST_GROUPED : 0;
    xo.time_limit = opts->time_limit;
    if (opts->group == WTS_GROUP_DOCUMENT) {
        xo.collapse_slot = WTS_SLOT_GROUP;
        xo.collapse_max = 1;
    }
    if (opts->facets) xo.facet_slot = WTS_SLOT_FACETS;
    if (opts->order != WTS_ORDER_RELEVANCE || !q->ranked) {
        xo.sort = WTS_XSORT_VALUE;
        xo.sort_slot = WTS_SLOT_DATE;
        xo.sort_descending = opts->order != WTS_ORDER_OLDEST;
    }
    /* Headings are kept for `show` and kind:heading, but a heading alone
     * is no answer: left out unless asked for. */
    wts_xquery *run = NULL, *heading = NULL;
    wts_status st = WTS_OK;
    if (!q->asks_kind) {
        const wts_field *kind = wts_field_find("kind", 4);
        wts_buf t = WTS_BUF_INIT;
        wts_buf_printf(&t, "%sheading", kind->prefix);
        st = wts_xquery_term(t.data, t.len, 1, 0, &heading);
        wts_buf_free(&t);
        const wts_xquery *subs[2] = {q->xq, heading};
        if (st == WTS_OK) st = wts_xquery_combine(WTS_XOP_AND_NOT, subs, 2, 0, &run);
        wts_xquery_free(heading);
        if (st != WTS_OK) {
            if (errmsg) *errmsg = wts_xstrdup("out of memory");
            return st;
        }
    }
    const wts_xquery *query = run ? run : q->xq;
    wts_xmset *m = NULL;
    st = wts_xdb_search(db, query, &xo, &m);
    if (st == WTS_ERR_MODIFIED) { /* a writer moved on: read the newest */
        if (wts_xdb_reopen(db, NULL) == WTS_OK) st = wts_xdb_search(db, query, &xo, &m);
    }
    wts_xquery_free(run);
    if (st != WTS_OK) {
        if (errmsg) *errmsg = wts_xstrdup(wts_xdb_message(db));
        return st;
    }
    wts_results *r = wts_xcalloc(1, sizeof *r);
    r->query = wts_xstrdup(query_text ? query_text : "");
    /* When every match was examined (at most check_at_least of them), the
     * lower bound is the exact count, also of groups; else an estimate. */
    r->total = wts_xmset_upper_bound(m) <= xo.check_at_least ? wts_xmset_lower_bound(m) : wts_xmset_estimated(m);
    r->offset = opts->offset;
    r->group = opts->group;
    size_t got = wts_xmset_size(m);
    /* a page that ends early knows the total; otherwise it is at least
     * what was seen */
    if (got > 0 && got < xo.limit) r->total = xo.offset + (uint32_t)got;
    else if (got > 0 && r->total < xo.offset + got) r->total = xo.offset + (uint32_t)got;
    else if (got == 0 && xo.offset == 0 && xo.limit > 0) r->total = 0;
    r->nhits = got;
    r->hits = wts_xcalloc(r->nhits ? r->nhits : 1, sizeof *r->hits);
    for (size_t i = 0; i < r->nhits; i++) {
        wts_hit *h = &r->hits[i];
        size_t dlen = 0, at = i;
        const char *data = wts_xmset_data(m, at, &dlen);
        h->data = wts_xstrndup(data ? data : "{}", data ? dlen : 2);
        h->docid = wts_xmset_docid(m, at);
        h->score = wts_xmset_weight(m, at);
        h->matching_paragraphs = wts_xmset_collapsed(m, at) + 1;
        json_error_t jerr;
        json_t *obj = json_loadb(h->data, strlen(h->data), 0, &jerr);
        const char *text = obj ? json_string_value(json_object_get(obj, "text")) : NULL;
        const char *lang = obj ? json_string_value(json_object_get(obj, "lang")) : NULL;
        const char *symbol = obj ? json_string_value(json_object_get(obj, "symbol")) : NULL;
        h->languages = symbol ? versions_of(db, symbol) : wts_xstrdup("");
        h->snippet = text ? wts_snippet(q, text, strlen(text), wts_lang_from_code(lang), SNIPPET_BYTES)
                          : wts_xstrdup("");
        json_decref(obj);
    }
    r->suggestion = suggestion(db, q);
    r->nfacets = wts_xmset_facet_count(m);
    r->facets = wts_xcalloc(r->nfacets ? r->nfacets : 1, sizeof *r->facets);
    for (size_t i = 0; i < r->nfacets; i++) {
        const char *key = wts_xmset_facet(m, i, &r->facets[i].count);
        r->facets[i].key = wts_xstrdup(key ? key : "");
    }
    wts_xmset_free(m);
    *out = r;
    return WTS_OK;
}

void wts_results_free(wts_results *r) {
    if (!r) return;
    for (size_t i = 0; i < r->nhits; i++) {
        free(r->hits[i].data);
        free(r->hits[i].snippet);
        free(r->hits[i].languages);
    }
    free(r->hits);
    for (size_t i = 0; i < r->nfacets; i++) free(r->facets[i].key);
    free(r->facets);
    free(r->suggestion);
    free(r->query);
    free(r);
}
