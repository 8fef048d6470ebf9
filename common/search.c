/* search.c: runs a parsed query and builds the hits, with their snippets. */
#include "wts.h"
#include "query_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Matches examined at least when facets are asked for, so that their
 * counts are.  Everything else stops at what the page needs: a common
 * word in a large index must not cost a scan of all its paragraphs. */
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
    uint32_t docs = 0;
    if (st == WTS_OK && !*version && wts_xdb_doccount(db, &docs) == WTS_OK && docs == 0) {
        /* shards created by a first run that committed nothing yet */
        if (errmsg) {
            wts_buf b = WTS_BUF_INIT;
            wts_buf_printf(&b, "no index at %s yet: its first indexing run has committed nothing", path);
            *errmsg = wts_buf_steal(&b);
        }
        st = WTS_ERR_NO_INDEX;
    } else if (st == WTS_OK && strcmp(version, WTS_SCHEMA_VERSION) != 0) {
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
    /* Stemming only strips and alters endings: a word whose first two
     * bytes start no stem of the query has none of them (and stemming
     * every word of a snippet cost more than the rest of it). */
    bool may_stem = false;
    for (size_t i = 0; !hit && !may_stem && i < h->q->nstems; i++) {
        const char *st = h->q->stems[i] + 1; /* past the 'Z' */
        size_t k = strnlen(st, 2);
        may_stem = k <= t->folded_len && memcmp(st, t->folded, k) == 0;
    }
    if (may_stem && h->stem) {
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

/* ---- re-ranking ---- */

/* The boosts of words typed together (the form typed, near each other, in
 * the title, in the heading above) are scored after the match, on the
 * first hits only: asked of the index, they were read for every candidate
 * paragraph, and a query cost more the more paragraphs matched.  The
 * window is a fixed number of first paragraphs, whatever the page, so
 * that the pages of one query agree: its first RERANK_WINDOW paragraphs in
 * their new order, then the rest in the index's order. */
#define RERANK_WINDOW 100
/* Paragraphs of one document kept by the match when hits are grouped by
 * document: its best paragraph after re-ranking may be its second or
 * third by the index's score. */
#define RERANK_PER_DOCUMENT 3
/* Paragraphs asked of the match per paragraph needed when the search
 * groups them itself (wts_search). */
#define OWN_GROUPING_FACTOR 2
/* Each boost adds, like the terms the match once had for it, the BM25
 * weight of the terms found times a factor: the form typed (the folded
 * word, and the word with its accents: before other inflections), the
 * words near each other (all within NEAR_SLACK words of a phrase; k of n
 * words that close give (k - 1) / (n - 1) of it), in the title, in the
 * heading above. */
#define EXACT_WEIGHT 0.3
#define NEAR_WEIGHT 0.75
#define NEAR_SLACK 4
#define TITLE_WEIGHT 0.3
#define SECTION_WEIGHT 0.3
/* Positions read per word and paragraph: a paragraph is a few hundred
 * words at most; beyond, the first ones decide. */
#define NEAR_MAX_POSITIONS 512

typedef struct occurrence {
    uint32_t pos;
    uint32_t word;
} occurrence;

static int occurrence_cmp(const void *a, const void *b) {
    const occurrence *x = a, *y = b;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* How near each other the words of g stand in paragraph id: 1 when all
 * of them are within g->n + NEAR_SLACK positions, (k - 1) / (n - 1) when
 * at most k of them are, 0 when fewer than two are in it. */
static double nearness(wts_xdb *db, wts_docid id, const struct wts_qboost *g, occurrence **buf,
                       size_t *cap) {
    size_t used = 0, present = 0;
    uint32_t pos[NEAR_MAX_POSITIONS];
    for (size_t t = 0; t < g->n; t++) {
        if (present + (g->n - t) < 2) break; /* two can no longer be there */
        size_t n = 0;
        if (wts_xdb_positions(db, id, g->terms[t], strlen(g->terms[t]), pos, NEAR_MAX_POSITIONS, &n) != WTS_OK)
            n = 0;
        if (n > NEAR_MAX_POSITIONS) n = NEAR_MAX_POSITIONS;
        if (n == 0) continue;
        present++;
        if (used + n > *cap) {
            *cap = (used + n) * 2;
            *buf = wts_xrealloc(*buf, *cap * sizeof **buf);
        }
        for (size_t k = 0; k < n; k++) (*buf)[used++] = (occurrence){pos[k], (uint32_t)t};
    }
    if (present < 2) return 0.0;
    occurrence *o = *buf;
    qsort(o, used, sizeof *o, occurrence_cmp);
    /* the most distinct words in any window of the allowed width */
    uint32_t width = (uint32_t)g->n + NEAR_SLACK, in[WTS_BOOST_MAX_WORDS] = {0};
    size_t distinct = 0, best = 0, left = 0;
    for (size_t right = 0; right < used; right++) {
        if (in[o[right].word]++ == 0) distinct++;
        while (o[right].pos - o[left].pos >= width)
            if (--in[o[left++].word] == 0) distinct--;
        if (distinct > best) best = distinct;
    }
    return best < 2 ? 0.0 : (double)(best - 1) / (double)(g->n - 1);
}

/* One paragraph of the window: where it is in the match, its score after
 * re-ranking, its group key (with document grouping). */
typedef struct cand {
    size_t at;
    double score;
    const char *key;
    size_t key_len;
    uint32_t dropped; /* paragraphs of its key the match or keep_per_key left out */
} cand;

static int cand_cmp(const void *a, const void *b) {
    const cand *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? 1 : -1;
    return (x->at > y->at) - (x->at < y->at); /* ties keep the match's order */
}

/* The window's paragraphs, with what weighs terms in them. */
typedef struct window {
    wts_xdb *db;
    const wts_docid *ids;
    size_t n;
    uint32_t doccount;
    double *normlen; /* each paragraph's length over the average */
    uint32_t *wdf;   /* scratch: one term's wdf in each paragraph */
} window;

/* Adds factor times the BM25 weight of term in each paragraph of w it
 * indexes to add[i] (and to sum[i] when sum is not NULL): the match's own
 * weight (Xapian's BM25 and its defaults, k1 = 1, b = 0.5, the least
 * normalised length 0.5, the idf it clamps). */
static void add_term_weight(const window *w, const char *prefix, const char *word, double factor,
                            double *add, double *sum) {
    wts_buf term = WTS_BUF_INIT;
    wts_buf_adds(&term, prefix);
    wts_buf_adds(&term, word);
    uint32_t tf = 0;
    if (wts_xdb_termfreq(w->db, term.data, &tf) == WTS_OK && tf > 0 &&
        wts_xdb_term_wdfs(w->db, term.data, term.len, w->ids, w->n, w->wdf) == WTS_OK) {
        double ratio = ((double)w->doccount - tf + 0.5) / (tf + 0.5);
        if (ratio < 2) ratio = ratio * 0.5 + 1;
        double idf = log(ratio);
        for (size_t i = 0; i < w->n; i++) {
            if (!w->wdf[i]) continue;
            double weight = idf * 2.0 * w->wdf[i] / (0.5 * w->normlen[i] + 0.5 + w->wdf[i]);
            add[i] += factor * weight;
            if (sum) sum[i] += weight;
        }
    }
    wts_buf_free(&term);
}

/* Whether candidates a and b belong to one unit of the answer: the same
 * document when grouped, else only when they are one. */
static bool same_unit(const cand *a, const cand *b, bool grouped) {
    if (!grouped) return a == b;
    return a->key_len == b->key_len && (a->key_len == 0 || memcmp(a->key, b->key, a->key_len) == 0);
}

/* How many units (documents when grouped, else paragraphs) have a
 * candidate among the first nd of done that scores above bound. */
static size_t units_above(const cand *c, const size_t *done, size_t nd, double bound, bool grouped) {
    size_t units = 0;
    for (size_t k = 0; k < nd; k++) {
        const cand *a = &c[done[k]];
        if (a->score <= bound) continue;
        bool seen = false;
        for (size_t j = 0; j < k && !seen; j++) {
            const cand *b = &c[done[j]];
            seen = b->score > bound && same_unit(a, b, grouped);
        }
        units += !seen;
    }
    return units;
}

typedef struct bound_at {
    double bound;
    size_t at;
} bound_at;

static int bound_cmp(const void *a, const void *b) {
    const bound_at *x = a, *y = b;
    if (x->bound != y->bound) return x->bound < y->bound ? 1 : -1;
    return (x->at > y->at) - (x->at < y->at);
}

/* The first n candidates, scored again and put in order.  Nearness needs
 * each paragraph's positions (a B-tree descent per word and paragraph),
 * so it is read best bound first and no further than the first `want`
 * units need: once that many units score above the best any paragraph
 * left could reach with all its words together, the rest keep their
 * score without nearness.  The first `want` are then in their exact
 * order, and a later page, asking for more, reads further. */
static void rerank(wts_xdb *db, const wts_query *q, const wts_xmset *m, cand *c, size_t n, size_t want,
                   bool grouped) {
    if (n == 0) return;
    wts_docid *ids = wts_xcalloc(n, sizeof *ids);
    for (size_t i = 0; i < n; i++) ids[i] = wts_xmset_docid(m, c[i].at);
    window w = {db, ids, n, 0, wts_xcalloc(n, sizeof(double)), wts_xcalloc(n, sizeof(uint32_t))};
    double avg = 0;
    if (wts_xdb_doccount(db, &w.doccount) != WTS_OK) w.doccount = 0;
    if (wts_xdb_doc_lengths(db, ids, n, w.wdf, &avg) != WTS_OK) avg = 0;
    for (size_t i = 0; i < n; i++) {
        w.normlen[i] = avg > 0 ? w.wdf[i] / avg : 1.0;
        if (w.normlen[i] < 0.5) w.normlen[i] = 0.5;
    }
    double *boost = wts_xcalloc(n, sizeof *boost);
    /* words[g * n + i]: what the words of boost g weigh in paragraph i */
    double *words = wts_xcalloc(n * (q->nboosts ? q->nboosts : 1), sizeof *words);
    bool near = false;
    for (size_t g = 0; g < q->nboosts; g++) {
        const struct wts_qboost *b = &q->boosts[g];
        double *wg = words + g * n;
        for (size_t t = 0; t < b->n; t++) {
            add_term_weight(&w, "", b->terms[t], EXACT_WEIGHT, boost, wg);
            if (b->accented[t]) add_term_weight(&w, "", b->accented[t], EXACT_WEIGHT, boost, NULL);
            add_term_weight(&w, WTS_PREFIX_TITLE, b->terms[t], TITLE_WEIGHT, boost, NULL);
            add_term_weight(&w, WTS_PREFIX_SECTION, b->terms[t], SECTION_WEIGHT, boost, NULL);
        }
        for (size_t t = 0; t < b->nfunction; t++) {
            add_term_weight(&w, WTS_PREFIX_TITLE, b->function[t], TITLE_WEIGHT, boost, NULL);
            add_term_weight(&w, WTS_PREFIX_SECTION, b->function[t], SECTION_WEIGHT, boost, NULL);
        }
        near = near || b->n >= 2;
    }
    /* each paragraph's score without nearness, and the most it can reach */
    bound_at *order = wts_xcalloc(n, sizeof *order);
    for (size_t i = 0; i < n; i++) {
        c[i].score += boost[i];
        order[i] = (bound_at){c[i].score, i};
        for (size_t g = 0; g < q->nboosts; g++)
            if (q->boosts[g].n >= 2) order[i].bound += NEAR_WEIGHT * words[g * n + i];
    }
    if (near) {
        qsort(order, n, sizeof *order, bound_cmp);
        size_t *done = wts_xcalloc(n, sizeof *done), nd = 0;
        occurrence *buf = NULL;
        size_t cap = 0;
        for (size_t k = 0; k < n; k++) {
            /* nothing left can reach the units already above it */
            if (nd >= want && units_above(c, done, nd, order[k].bound, grouped) >= want) break;
            size_t i = order[k].at;
            for (size_t g = 0; g < q->nboosts; g++) {
                const struct wts_qboost *b = &q->boosts[g];
                /* nearness weighs what the words weigh where they stand */
                if (b->n >= 2 && words[g * n + i] > 0)
                    c[i].score += NEAR_WEIGHT * words[g * n + i] * nearness(db, ids[i], b, &buf, &cap);
            }
            done[nd++] = i;
        }
        free(buf);
        free(done);
    }
    free(order);
    free(ids);
    free(w.wdf);
    free(w.normlen);
    free(boost);
    free(words);
    qsort(c, n, sizeof *c, cand_cmp);
}

/* ---- grouping by document ---- */

typedef struct group {
    size_t first;    /* its best candidate */
    uint32_t count;  /* its paragraphs among the candidates */
} group;

static uint64_t key_hash(const char *s, size_t len) {
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

/* Candidates by group key: open addressing, an entry is the index + 1 of
 * the first candidate with that key, 0 an empty slot. */
typedef struct key_index {
    size_t *slot;
    size_t mask;
} key_index;

static key_index key_index_new(size_t n) {
    size_t slots = 16;
    while (slots < 2 * n) slots *= 2;
    return (key_index){wts_xcalloc(slots, sizeof(size_t)), slots - 1};
}

/* The entry for key among the candidates c: 0 in it when the key is new. */
static size_t *key_entry(const key_index *x, const cand *c, const char *key, size_t len) {
    for (size_t s = (size_t)key_hash(key, len) & x->mask;; s = (s + 1) & x->mask) {
        if (x->slot[s] == 0) return &x->slot[s];
        const cand *f = &c[x->slot[s] - 1];
        if (f->key_len == len && memcmp(f->key, key, len) == 0) return &x->slot[s];
    }
}

/* Keeps, in order, at most per_key candidates of each key (a candidate
 * without a key is a key of its own) and counts those left out on the
 * first one kept; with m (the match collapsed), also what the match left
 * out, which it gives on each of a key's hits alike.  Returns how many are
 * kept, at the start of c, and sets *nkeys to the number of keys. */
static size_t keep_per_key(cand *c, size_t n, uint32_t per_key, const wts_xmset *m, size_t *nkeys) {
    key_index x = key_index_new(n);
    uint32_t *seen = wts_xcalloc(n ? n : 1, sizeof *seen); /* by first candidate */
    size_t kept = 0;
    *nkeys = 0;
    for (size_t i = 0; i < n; i++) {
        cand h = c[i];
        size_t *e = h.key_len ? key_entry(&x, c, h.key, h.key_len) : NULL;
        if (e && *e) { /* a key met before: its first candidate is at *e - 1 */
            if (++seen[*e - 1] >= per_key) {
                c[*e - 1].dropped++;
                continue;
            }
        } else {
            h.dropped = m ? wts_xmset_collapsed(m, h.at) : 0;
            if (e) *e = kept + 1; /* a first candidate is always kept: it stays there */
            ++*nkeys;
        }
        c[kept++] = h;
    }
    free(seen);
    free(x.slot);
    return kept;
}

/* Groups the candidates in order by key: a group is where its key first
 * comes, and counts its candidates and what they stand for.  A paragraph
 * without a key is a group of its own. */
static group *group_by_key(const cand *c, size_t n, size_t *ngroups) {
    group *g = wts_xcalloc(n ? n : 1, sizeof *g);
    size_t *group_of = wts_xcalloc(n ? n : 1, sizeof *group_of); /* by first candidate */
    key_index x = key_index_new(n);
    size_t ng = 0;
    for (size_t i = 0; i < n; i++) {
        size_t *e = c[i].key_len ? key_entry(&x, c, c[i].key, c[i].key_len) : NULL;
        if (e && *e) {
            g[group_of[*e - 1]].count += 1 + c[i].dropped;
            continue;
        }
        if (e) *e = i + 1;
        group_of[i] = ng;
        g[ng++] = (group){i, 1 + c[i].dropped};
    }
    free(x.slot);
    free(group_of);
    *ngroups = ng;
    return g;
}

/* The matching paragraphs of each document shown, counted exactly by one
 * more search restricted to those documents: the work follows the page,
 * not the number of matches.  A group key is "symbol:S" (S the document's
 * first symbol: its paragraphs, in every language, carry a version term
 * XV S|lang) or "path:P" (a file without symbol: its path term).  Leaves
 * counts[i] alone for a key it cannot restrict to, and all of them when
 * the search fails. */
static void count_paragraphs(wts_xdb *db, const wts_xquery *query, const wts_search_opts *opts,
                             const char *const *keys, const size_t *key_lens, size_t n,
                             uint32_t *counts) {
    wts_xquery *filter = NULL;
    wts_status st = WTS_OK;
    for (size_t i = 0; i < n && st == WTS_OK; i++) {
        bool symbol = key_lens[i] > 7 && memcmp(keys[i], "symbol:", 7) == 0;
        bool path = key_lens[i] > 5 && memcmp(keys[i], "path:", 5) == 0;
        if (!symbol && !path) continue;
        wts_buf t = WTS_BUF_INIT;
        wts_buf_adds(&t, symbol ? WTS_PREFIX_VERSION : WTS_PREFIX_PATH);
        wts_buf_add(&t, keys[i] + (symbol ? 7 : 5), key_lens[i] - (symbol ? 7 : 5));
        wts_xquery *one = NULL;
        if (symbol) {
            wts_buf_addc(&t, '|');
            st = wts_xquery_wildcard(t.data, WTS_QUERY_MAX_WILDCARD, &one);
        } else {
            st = wts_xquery_term(t.data, t.len, 1, 0, &one);
        }
        wts_buf_free(&t);
        if (st == WTS_OK && filter) {
            const wts_xquery *subs[2] = {filter, one};
            wts_xquery *r = NULL;
            st = wts_xquery_combine(WTS_XOP_OR, subs, 2, 0, &r);
            wts_xquery_free(filter);
            filter = r;
        } else if (st == WTS_OK) {
            filter = one;
            one = NULL;
        }
        wts_xquery_free(one);
    }
    wts_xquery *counted = NULL;
    if (st == WTS_OK && filter) {
        const wts_xquery *subs[2] = {query, filter};
        st = wts_xquery_combine(WTS_XOP_FILTER, subs, 2, 0, &counted);
    }
    wts_xquery_free(filter);
    uint32_t all = 0;
    if (st != WTS_OK || !counted || wts_xdb_doccount(db, &all) != WTS_OK) {
        wts_xquery_free(counted);
        return;
    }
    wts_xsearch_opts xo;
    wts_xsearch_opts_init(&xo);
    xo.limit = (uint32_t)n;
    xo.check_at_least = all; /* every match: there are only those documents' */
    xo.collapse_slot = WTS_SLOT_GROUP;
    xo.collapse_max = 1;
    xo.time_limit = opts->time_limit;
    wts_xmset *m = NULL;
    if (wts_xdb_search_keys(db, counted, &xo, WTS_SLOT_GROUP, &m) == WTS_OK) {
        for (size_t j = 0; j < wts_xmset_size(m); j++) {
            size_t len = 0;
            const char *key = wts_xmset_data(m, j, &len);
            for (size_t i = 0; i < n; i++)
                if (key && key_lens[i] == len && memcmp(keys[i], key, len) == 0)
                    counts[i] = wts_xmset_collapsed(m, j) + 1;
        }
    }
    wts_xmset_free(m);
    wts_xquery_free(counted);
}

/* Documents read in index order to estimate how many match. */
#define SAMPLE_DOCUMENTS 64

/* How many documents match, when the match stopped before seeing them
 * all.  The index's own estimate for grouped hits scales its estimate of
 * matching paragraphs by the share of distinct documents among the
 * paragraphs it examined: the best ones, many per document (up to
 * RERANK_PER_DOCUMENT of them kept), which makes it several times too
 * large.  Here the share is read from the first SAMPLE_DOCUMENTS matching
 * documents in index order, where a document's paragraphs follow each
 * other; exact when fewer match.  0 when it fails. */
static uint32_t estimate_documents(wts_xdb *db, const wts_xquery *query, double time_limit) {
    uint32_t n = 0;
    int exact = 0;
    if (wts_xdb_estimate_values(db, query, WTS_SLOT_GROUP, SAMPLE_DOCUMENTS, time_limit, &n, &exact) != WTS_OK)
        return 0;
    return n;
}

/* ---- searching ---- */

/* Fills hit h from paragraph id: its record, snippet and languages. */
static void fill_hit(wts_xdb *db, const wts_query *q, wts_docid id, double score, wts_hit *h) {
    char *data = NULL;
    size_t dlen = 0;
    if (wts_xdb_doc_data(db, id, &data, &dlen) != WTS_OK || !data) {
        free(data);
        data = wts_xstrdup("{}");
        dlen = 2;
    }
    h->data = data;
    h->docid = id;
    h->score = score;
    json_error_t jerr;
    json_t *obj = json_loadb(h->data, dlen, 0, &jerr);
    if (obj && !json_is_object(obj)) {
        json_decref(obj);
        obj = NULL;
    }
    wts_record_join(db, (wts_record *)obj); /* on failure, the hit prints without them */
    const char *text = obj ? json_string_value(json_object_get(obj, "text")) : NULL;
    const char *lang = obj ? json_string_value(json_object_get(obj, "lang")) : NULL;
    const char *symbol = obj ? json_string_value(json_object_get(obj, "symbol")) : NULL;
    h->languages = symbol ? versions_of(db, symbol) : wts_xstrdup("");
    h->snippet = text ? wts_snippet(q, text, strlen(text), wts_lang_from_code(lang), SNIPPET_BYTES)
                      : wts_xstrdup("");
    h->record = (wts_record *)obj; /* the writers print from it: parsed once */
}

wts_status wts_search(wts_xdb *db, const wts_query *q, const char *query_text,
                      const wts_search_opts *opts, wts_results **out, char **errmsg) {
    *out = NULL;
    if (errmsg) *errmsg = NULL;
    const bool grouped = opts->group == WTS_GROUP_DOCUMENT;
    const bool by_score = opts->order == WTS_ORDER_RELEVANCE && q->ranked;
    const bool reranked = by_score && q->nboosts > 0;
    /* The match is asked for everything up to the end of the page (cut
     * here); when it re-ranks, for up to RERANK_PER_DOCUMENT paragraphs of
     * a document and for the whole window. */
    uint64_t want = (uint64_t)opts->offset + opts->limit, ask = want;
    if (reranked && grouped) ask *= RERANK_PER_DOCUMENT;
    if (reranked && ask < RERANK_WINDOW) ask = RERANK_WINDOW;
    if (ask > UINT32_MAX / OWN_GROUPING_FACTOR) ask = UINT32_MAX / OWN_GROUPING_FACTOR;
    const uint32_t per_key = reranked ? RERANK_PER_DOCUMENT : 1;
    /* By relevance, hits are grouped here (keep_per_key) rather than by
     * the match's collapse, which reads the group value of every candidate
     * it weighs (about 5 us each at 100,000 documents): only the hits
     * returned are read.  Asked for OWN_GROUPING_FACTOR times the
     * paragraphs needed; when a few documents fill them all, the collapse
     * does it (one more search).  Sorted by date, or not ranked (filters
     * alone), a document's paragraphs come together and would fill them:
     * the collapse does it from the start. */
    bool own_grouping = grouped && by_score;
    wts_xsearch_opts xo;
    wts_xsearch_opts_init(&xo);
    xo.limit = (uint32_t)(own_grouping ? ask * OWN_GROUPING_FACTOR : ask);
    xo.check_at_least = opts->facets ? CHECK_AT_LEAST_FACETS : 0;
    xo.time_limit = opts->time_limit;
    if (grouped && !own_grouping) {
        xo.collapse_slot = WTS_SLOT_GROUP;
        xo.collapse_max = per_key;
    }
    if (opts->facets) xo.facet_slot = WTS_SLOT_FACETS;
    if (!by_score) {
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
    cand *c = NULL;
    size_t got = 0, ncand = 0, nkeys = 0;
    bool all_seen = false;
    for (;;) {
        st = wts_xdb_search_keys(db, query, &xo, grouped ? WTS_SLOT_GROUP : -1, &m);
        if (st == WTS_ERR_MODIFIED) { /* a writer moved on: read the newest */
            if (wts_xdb_reopen(db, NULL) == WTS_OK) st = wts_xdb_search_keys(db, query, &xo, grouped ? WTS_SLOT_GROUP : -1, &m);
        }
        if (st != WTS_OK) {
            wts_xquery_free(run);
            if (errmsg) *errmsg = wts_xstrdup(wts_xdb_message(db));
            return st;
        }
        got = wts_xmset_size(m);
        /* Fewer than asked for: the match saw every matching paragraph. */
        all_seen = got < xo.limit;
        c = wts_xcalloc(got ? got : 1, sizeof *c);
        for (size_t i = 0; i < got; i++) {
            c[i].at = i;
            c[i].score = wts_xmset_weight(m, i);
            c[i].key = grouped ? wts_xmset_data(m, i, &c[i].key_len) : NULL;
        }
        ncand = grouped ? keep_per_key(c, got, own_grouping ? per_key : UINT32_MAX, own_grouping ? NULL : m, &nkeys)
                        : got;
        if (!own_grouping || all_seen || ncand >= ask) break;
        /* a few documents filled what was asked for: the collapse groups */
        free(c);
        wts_xmset_free(m);
        own_grouping = false;
        xo.limit = (uint32_t)ask;
        xo.collapse_slot = WTS_SLOT_GROUP;
        xo.collapse_max = per_key;
    }
    /* the paragraphs the collapse would have given; with every match seen,
     * all of them, for exact counts */
    if (own_grouping && !all_seen) ncand = (size_t)ask;
    if (reranked) rerank(db, q, m, c, ncand < RERANK_WINDOW ? ncand : RERANK_WINDOW, (size_t)want, grouped);
    /* Paragraphs, or the documents they are grouped into, in order. */
    size_t nunits = ncand;
    group *groups = NULL;
    if (grouped) groups = group_by_key(c, ncand, &nunits);

    wts_results *r = wts_xcalloc(1, sizeof *r);
    r->query = wts_xstrdup(query_text ? query_text : "");
    r->offset = opts->offset;
    r->group = opts->group;
    /* Past what the match saw, the total is an estimate: the index's own,
     * or for documents a sample (estimate_documents), but not through a
     * date: filter, which the sample would read for every paragraph. */
    if (all_seen)
        r->total = (uint32_t)nunits;
    else if (grouped && !q->ranges)
        r->total = estimate_documents(db, query, opts->time_limit);
    else if (own_grouping) /* paragraphs estimated, times documents per paragraph seen */
        r->total = (uint32_t)((double)wts_xmset_estimated(m) * (double)nkeys / (double)(got ? got : 1) + 0.5);
    else
        r->total = wts_xmset_estimated(m);
    if (r->total < nunits) r->total = (uint32_t)nunits;
    size_t from = opts->offset < nunits ? opts->offset : nunits;
    size_t to = want < nunits ? (size_t)want : nunits;
    r->nhits = to - from;
    r->hits = wts_xcalloc(r->nhits ? r->nhits : 1, sizeof *r->hits);
    for (size_t i = 0; i < r->nhits; i++) {
        const cand *best = &c[grouped ? groups[from + i].first : from + i];
        fill_hit(db, q, wts_xmset_docid(m, best->at), best->score, &r->hits[i]);
        /* its paragraphs among the candidates, and those left out as more
         * than are kept of a document (keep_per_key) */
        r->hits[i].matching_paragraphs = grouped ? groups[from + i].count : 1;
    }
    /* Past what the match saw, the documents shown are counted by one more
     * search; not with a date: filter, which would read the date of every
     * paragraph again: there, what the match saw is a lower bound. */
    if (grouped && r->nhits && !all_seen && !q->ranges) {
        const char **keys = wts_xcalloc(r->nhits, sizeof *keys);
        size_t *lens = wts_xcalloc(r->nhits, sizeof *lens);
        uint32_t *counts = wts_xcalloc(r->nhits, sizeof *counts);
        for (size_t i = 0; i < r->nhits; i++) {
            const cand *best = &c[groups[from + i].first];
            keys[i] = best->key;
            lens[i] = best->key_len;
            counts[i] = r->hits[i].matching_paragraphs;
        }
        count_paragraphs(db, query, opts, keys, lens, r->nhits, counts);
        for (size_t i = 0; i < r->nhits; i++) r->hits[i].matching_paragraphs = counts[i];
        free(keys);
        free(lens);
        free(counts);
    }
    wts_xquery_free(run);
    r->suggestion = suggestion(db, q);
    r->nfacets = wts_xmset_facet_count(m);
    r->facets = wts_xcalloc(r->nfacets ? r->nfacets : 1, sizeof *r->facets);
    for (size_t i = 0; i < r->nfacets; i++) {
        const char *key = wts_xmset_facet(m, i, &r->facets[i].count);
        r->facets[i].key = wts_xstrdup(key ? key : "");
    }
    free(groups);
    free(c);
    wts_xmset_free(m);
    *out = r;
    return WTS_OK;
}

void wts_results_free(wts_results *r) {
    if (!r) return;
    for (size_t i = 0; i < r->nhits; i++) {
        free(r->hits[i].data);
        json_decref((json_t *)r->hits[i].record);
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
