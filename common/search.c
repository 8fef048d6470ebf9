/* search.c: runs a parsed query and builds the hits, with their snippets. */
#include "wts.h"
#include "query_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Facets count the matching paragraphs of at most this many of the best
 * files matched: each costs finding its paragraphs (a few position lists
 * read), and everything else stops at what the page needs. */
#define FACET_FILES 500

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
    wts_xdb *db;
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
    int live = 0;
    if ((d < c->best_d || (d == c->best_d && freq > c->best_f)) && wts_xdb_term_live(c->db, term, len, &live) == WTS_OK &&
        live) {
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
    near_ctx c = {db, word, len, 99, 0, WTS_BUF_INIT, 0};
    /* of the many terms walked, few are kept: those are asked if live */
    if (wts_xdb_terms_stored(db, prefix, consider, &c) != WTS_OK || !c.best.len) {
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
 * the title, in the headings) are scored after the match, on the first
 * files only: asked of the index, they were read for every candidate, and
 * a query cost more the more files matched.  The window is a fixed number
 * of first files, whatever the page, so that the pages of one query
 * agree: its first RERANK_WINDOW files in their new order, then the rest
 * in the index's order. */
#define RERANK_WINDOW 50
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
/* Positions read per word and file: beyond, the first ones decide. */
#define NEAR_MAX_POSITIONS 512

typedef struct occurrence {
    uint32_t pos;
    uint32_t word;
} occurrence;

static int occurrence_cmp(const void *a, const void *b) {
    const occurrence *x = a, *y = b;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* How near each other the words of g stand in document id, paragraph by
 * paragraph: adds to near[k] 1 when all of them are within g->n +
 * NEAR_SLACK positions in paragraph k, (d - 1) / (n - 1) when at most d of
 * them are, nothing when fewer than two are.  first holds the nparas
 * paragraphs' first positions; NULL (nparas 1) weighs the document as one,
 * which gives the best of its paragraphs: the gap between two paragraphs
 * is wider than any window, so no window spans them.  buf and cap: a
 * scratch list, kept by the caller from one document to the next. */
static void nearness(wts_xdb *db, wts_docid id, const struct wts_qboost *g, const uint32_t *first,
                     uint32_t nparas, occurrence **buf, size_t *cap, double *near) {
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
    if (present < 2) return;
    occurrence *o = *buf;
    qsort(o, used, sizeof *o, occurrence_cmp);
    /* the most distinct words in any window of the allowed width */
    uint32_t width = (uint32_t)g->n + NEAR_SLACK, in[WTS_BOOST_MAX_WORDS] = {0};
    size_t distinct = 0, best = 0, left = 0, k = 0;
    for (size_t right = 0; right < used; right++) {
        while (first && k + 1 < nparas && first[k + 1] <= o[right].pos) { /* a new paragraph */
            if (best >= 2) near[k] += (double)(best - 1) / (double)(g->n - 1);
            k++;
            best = 0;
        }
        if (in[o[right].word]++ == 0) distinct++;
        while (o[right].pos - o[left].pos >= width)
            if (--in[o[left++].word] == 0) distinct--;
        if (distinct > best) best = distinct;
    }
    if (best >= 2) near[k] += (double)(best - 1) / (double)(g->n - 1);
}

/* One file of the window: where it is in the match, its score after
 * re-ranking. */
typedef struct cand {
    size_t at;
    double score;
} cand;

static int cand_cmp(const void *a, const void *b) {
    const cand *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? 1 : -1;
    return (x->at > y->at) - (x->at < y->at); /* ties keep the match's order */
}

/* The window's files, with what weighs terms in them. */
typedef struct window {
    wts_xdb *db;
    const wts_docid *ids;
    size_t n;
    uint32_t doccount;
    double *normlen; /* each file's length over the average */
    uint32_t *wdf;   /* scratch: one term's wdf in each file */
} window;

/* BM25's idf of a term in tf of docs documents, as the index weighs
 * (Xapian's BM25 clamps it). */
static double bm25_idf(double docs, double tf) {
    double ratio = (docs - tf + 0.5) / (tf + 0.5);
    if (ratio < 2) ratio = ratio * 0.5 + 1;
    return log(ratio);
}

/* Adds factor times the BM25 weight of term in each file of w it
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
        double idf = bm25_idf(w->doccount, tf);
        for (size_t i = 0; i < w->n; i++) {
            if (!w->wdf[i]) continue;
            double weight = idf * 2.0 * w->wdf[i] / (0.5 * w->normlen[i] + 0.5 + w->wdf[i]);
            add[i] += factor * weight;
            if (sum) sum[i] += weight;
        }
    }
    wts_buf_free(&term);
}

/* How many of the first nd candidates of done score above bound. */
static size_t scoring_above(const cand *c, const size_t *done, size_t nd, double bound) {
    size_t above = 0;
    for (size_t k = 0; k < nd; k++) above += c[done[k]].score > bound;
    return above;
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
 * each file's positions (a B-tree descent per word and file), so it is
 * read best bound first and no further than the first `want` need: once
 * that many score above the best any file left could reach with all its
 * words together, the rest keep their score without nearness.  The first
 * `want` are then in their exact order, and a later page, asking for
 * more, reads further. */
static void rerank(wts_xdb *db, const wts_query *q, const wts_xmset *m, cand *c, size_t n, size_t want) {
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
    /* words[g * n + i]: what the words of boost g weigh in file i */
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
    /* each file's score without nearness, and the most it can reach */
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
            if (nd >= want && scoring_above(c, done, nd, order[k].bound) >= want) break;
            size_t i = order[k].at;
            for (size_t g = 0; g < q->nboosts; g++) {
                const struct wts_qboost *b = &q->boosts[g];
                /* nearness weighs what the words weigh where they stand */
                if (b->n >= 2 && words[g * n + i] > 0) {
                    double close = 0;
                    nearness(db, ids[i], b, NULL, 1, &buf, &cap, &close);
                    c[i].score += NEAR_WEIGHT * words[g * n + i] * close;
                }
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

/* ---- paragraphs of the files matched ---- */

/* A paragraph where a member asked for acts outranks one that names it. */
#define ACTING_WEIGHT 0.5
/* Files of the match examined at most per round when the index cannot say
 * that each of them holds a paragraph the query is true of, and rounds at
 * most: a query whose paragraphs are rare among the files it matches
 * stops there and says what it found. */
#define CHECK_ROUND_MAX 4000
#define CHECK_ROUNDS 4
/* Files read at least for --by paragraph ranked by relevance: their
 * paragraphs compete for the first places. */
#define PARAGRAPH_FILES 20
/* Versions of one document (its languages) read for its count of
 * matching paragraphs. */
#define MAX_VERSIONS 16

/* What scores the paragraphs of the files of one search. */
typedef struct para_scorer {
    wts_xdb *db;
    const wts_query *q;
    wts_xpara_eval *ev; /* the query meant of paragraphs */
    bool ranked;        /* paragraphs are scored, not only found */
    uint32_t doccount;
} para_scorer;

/* The idf of a folded word in the index. */
static double idf_of(const para_scorer *s, const char *word) {
    uint32_t tf = 0;
    if (wts_xdb_termfreq(s->db, word, &tf) != WTS_OK || tf == 0) tf = 1;
    return bm25_idf(s->doccount, tf);
}

/* A file the match returned, and what is known of its paragraphs. */
typedef struct file_hit {
    wts_docid id;
    double weight;       /* the match's */
    double score;        /* after re-ranking */
    uint32_t collapsed;  /* files of its group the match left out */
    bool evaluated;
    uint8_t *match;      /* the paragraphs the query is true of */
    double *pscore;      /* how well each answers it (when ranked) */
    uint32_t *first;     /* where each starts, and the end of the last */
    uint32_t nparas;
    uint32_t nmatch;
    wts_file_record *rec; /* the file's stored record, read when shown */
} file_hit;

static void file_hit_clear(file_hit *f) {
    free(f->match);
    free(f->pscore);
    free(f->first);
    wts_file_record_free(f->rec);
}

static file_hit file_hit_new(wts_docid id, double weight, uint32_t collapsed) {
    file_hit f;
    memset(&f, 0, sizeof f);
    f.id = id;
    f.weight = f.score = weight;
    f.collapsed = collapsed;
    return f;
}

/* The positions of term (prefix + word) in file f, by paragraph: adds 1
 * to found[k] for each paragraph k holding it (found has f->nparas). */
static void paragraphs_with(const para_scorer *s, const file_hit *f, const char *prefix, const char *word,
                            uint32_t *found) {
    wts_buf t = WTS_BUF_INIT;
    wts_buf_printf(&t, "%s%s", prefix, word);
    uint32_t pos[NEAR_MAX_POSITIONS];
    size_t n = 0;
    if (wts_xdb_positions(s->db, f->id, t.data, t.len, pos, NEAR_MAX_POSITIONS, &n) != WTS_OK) n = 0;
    if (n > NEAR_MAX_POSITIONS) n = NEAR_MAX_POSITIONS;
    wts_buf_free(&t);
    for (size_t i = 0, k = 0; i < n; i++) {
        while (k + 1 < f->nparas && f->first[k + 1] <= pos[i]) k++;
        if (i == 0 || pos[i - 1] < f->first[k]) found[k]++; /* once a paragraph */
    }
}

/* The boosts of the paragraphs of f that the index's weights do not
 * hold, added to f->pscore: the words typed side by side near each other,
 * in the heading above, a member asked for acting. */
static void add_boosts(const para_scorer *s, file_hit *f) {
    const wts_query *q = s->q;
    uint32_t n = f->nparas;
    double *near = wts_xcalloc(n, sizeof *near);
    occurrence *buf = NULL;
    size_t cap = 0;
    for (size_t g = 0; g < q->nboosts; g++)
        if (q->boosts[g].n >= 2) nearness(s->db, f->id, &q->boosts[g], f->first, n, &buf, &cap, near);
    free(buf);
    /* nearness weighs what the words weigh where they stand */
    for (uint32_t k = 0; k < n; k++) f->pscore[k] += NEAR_WEIGHT * f->pscore[k] * near[k];
    free(near);
    uint32_t *heading = wts_xcalloc(n, sizeof *heading), *has = wts_xcalloc(n, sizeof *has);
    bool headings = false;
    for (size_t g = 0; g < q->nboosts; g++) {
        const struct wts_qboost *b = &q->boosts[g];
        for (size_t t = 0; t < b->n; t++) {
            if (!headings) {
                paragraphs_with(s, f, "", wts_paras_schema()->heading, heading);
                headings = true;
            }
            memset(has, 0, n * sizeof *has);
            paragraphs_with(s, f, WTS_PREFIX_SECTION, b->terms[t], has);
            /* the heading a paragraph stands under: the last one before it */
            double idf = 0;
            for (uint32_t k = 0, above = UINT32_MAX; k < n; k++) {
                if (above != UINT32_MAX && has[above] && f->match[k]) {
                    if (idf == 0) idf = idf_of(s, b->terms[t]);
                    f->pscore[k] += SECTION_WEIGHT * idf;
                }
                if (heading[k]) above = k;
            }
        }
    }
    for (size_t i = 0; i < q->nmembers; i++) {
        memset(has, 0, n * sizeof *has);
        paragraphs_with(s, f, WTS_PREFIX_ACTING, q->members[i], has);
        for (uint32_t k = 0; k < n; k++)
            if (has[k]) f->pscore[k] += ACTING_WEIGHT;
    }
    free(heading);
    free(has);
}

/* Which paragraphs of f the query is true of, and when scored (and the
 * search ranked) how well each answers it.  false when none (or the index
 * could not say). */
static bool evaluate(const para_scorer *s, file_hit *f, bool scored) {
    if (f->evaluated) return f->nmatch > 0;
    f->evaluated = true;
    scored = scored && s->ranked;
    if (wts_xpara_eval_doc(s->ev, f->id, &f->match, scored ? &f->pscore : NULL, &f->first, &f->nparas) != WTS_OK) {
        f->nparas = 0;
        return false;
    }
    f->nmatch = 0;
    for (uint32_t k = 0; k < f->nparas; k++) f->nmatch += f->match[k];
    if (f->nmatch && scored) add_boosts(s, f);
    return f->nmatch > 0;
}

static wts_file_record *file_record(wts_xdb *db, file_hit *f) {
    if (f->rec) return f->rec;
    size_t len = 0;
    wts_status st;
    char *data = wts_record_data(db, f->id, &len, &st);
    if (st != WTS_OK) return NULL;
    f->rec = wts_file_record_new(data, len);
    return f->rec;
}

/* The language versions of the document of f (its symbol) that the match
 * collapsed into it: *count gets the paragraphs the query is true of in
 * all of them, f included; the result is the version to show instead of
 * f, 0 for f: one the match weighs as much as f, before it by date and
 * language, so that which version stands for a document does not hang on
 * the order of the index's documents. */
static wts_docid read_versions(const para_scorer *s, const wts_xquery *doc_q, const file_hit *f,
                               const char *symbol, double time_limit, uint32_t *count) {
    *count = f->nmatch;
    wts_buf t = WTS_BUF_INIT;
    wts_buf_printf(&t, "%s%s|", WTS_PREFIX_VERSION, symbol);
    wts_xquery *versions = NULL, *both = NULL;
    wts_status st = wts_xquery_wildcard(t.data, WTS_QUERY_MAX_WILDCARD, &versions);
    wts_buf_free(&t);
    const wts_xquery *subs[2] = {doc_q, versions};
    if (st == WTS_OK) st = wts_xquery_combine(WTS_XOP_FILTER, subs, 2, 0, &both);
    wts_xquery_free(versions);
    wts_xsearch_opts xo;
    wts_xsearch_opts_init(&xo);
    xo.limit = MAX_VERSIONS;
    xo.time_limit = time_limit;
    wts_xmset *m = NULL;
    wts_docid instead = 0;
    if (st == WTS_OK && wts_xdb_search_keys(s->db, both, &xo, WTS_SLOT_DATE, &m) == WTS_OK) {
        const char *shown_key = "";
        size_t shown_len = 0;
        for (size_t i = 0; i < wts_xmset_size(m); i++)
            if (wts_xmset_docid(m, i) == f->id) shown_key = wts_xmset_data(m, i, &shown_len);
        const char *best_key = shown_key;
        size_t best_len = shown_len;
        for (size_t i = 0; i < wts_xmset_size(m); i++) {
            file_hit v = file_hit_new(wts_xmset_docid(m, i), 0, 0);
            if (v.id != f->id && evaluate(s, &v, false)) {
                *count += v.nmatch;
                size_t len = 0;
                const char *key = wts_xmset_data(m, i, &len);
                double w = wts_xmset_weight(m, i);
                bool tie = fabs(w - f->weight) <= 1e-9 * (fabs(w) > 1 ? fabs(w) : 1);
                int order = key ? memcmp(key, best_key, len < best_len ? len : best_len) : 1;
                if (tie && key && (order < 0 || (order == 0 && len < best_len))) {
                    instead = v.id;
                    best_key = key;
                    best_len = len;
                }
            }
            file_hit_clear(&v);
        }
    }
    wts_xmset_free(m);
    wts_xquery_free(both);
    return instead;
}

/* The best paragraph of f for the query: by score when ranked, else the
 * first; SIZE_MAX when none is true of it. */
static size_t best_paragraph(const para_scorer *s, const file_hit *f) {
    size_t best = SIZE_MAX;
    for (uint32_t k = 0; k < f->nparas; k++) {
        if (!f->match[k]) continue;
        if (!s->ranked || !f->pscore) return k;
        if (best == SIZE_MAX || f->pscore[k] > f->pscore[best]) best = k;
    }
    return best;
}

/* What the title of f adds to each of its paragraphs when they compete
 * with other files' (--by paragraph): the words typed that it holds. */
static double title_boost(const para_scorer *s, const file_hit *f) {
    double boost = 0;
    for (size_t g = 0; g < s->q->nboosts; g++) {
        const struct wts_qboost *b = &s->q->boosts[g];
        for (size_t t = 0; t < b->n; t++) {
            wts_buf term = WTS_BUF_INIT;
            wts_buf_printf(&term, "%s%s", WTS_PREFIX_TITLE, b->terms[t]);
            uint32_t wdf = 0;
            if (wts_xdb_term_wdfs(s->db, term.data, term.len, &f->id, 1, &wdf) == WTS_OK && wdf)
                boost += TITLE_WEIGHT * idf_of(s, b->terms[t]);
            wts_buf_free(&term);
        }
    }
    return boost;
}

/* ---- facets ---- */

/* Facet keys and their counts. */
typedef struct facet_table {
    wts_strset keys;
    uint32_t *count; /* by key */
    size_t cap;
} facet_table;

static void facet_count(facet_table *t, const char *key, size_t len, uint32_t count) {
    size_t i = wts_strset_add(&t->keys, key, len, NULL);
    if (i >= t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        t->count = wts_xrealloc(t->count, cap * sizeof *t->count);
        memset(t->count + t->cap, 0, (cap - t->cap) * sizeof *t->count);
        t->cap = cap;
    }
    t->count[i] += count;
}

/* Counts into t the keys of one file's facet value (write.c) for the
 * paragraphs match says the query is true of. */
static void count_file_facets(facet_table *t, const char *v, size_t len, const uint8_t *match, uint32_t n,
                              uint32_t nmatch) {
    const char *end = v + len;
    while (v < end) {
        const char *eol = memchr(v, '\n', (size_t)(end - v));
        if (!eol) eol = end;
        const char *tab = memchr(v, '\t', (size_t)(eol - v));
        if (tab) {
            uint32_t count = 0;
            if (tab + 1 < eol && tab[1] == '*') {
                count = nmatch;
            } else {
                for (const char *q = tab + 1; q < eol;) {
                    char *after;
                    unsigned long k = strtoul(q, &after, 10);
                    if (after == q) break;
                    if (k < n && match[k]) count++;
                    q = after + (after < eol && *after == ',');
                }
            }
            if (count) facet_count(t, v, (size_t)(tab - v), count);
        }
        v = eol + 1;
    }
}

/* The facets of r: the matching paragraphs of the best FACET_FILES files
 * matched, counted by member, topic, year, language and type. */
static void count_facets(const para_scorer *s, const wts_xquery *doc_q, double time_limit, wts_results *r) {
    wts_xsearch_opts xo;
    wts_xsearch_opts_init(&xo);
    xo.limit = FACET_FILES;
    xo.time_limit = time_limit;
    wts_xmset *m = NULL;
    facet_table t = {WTS_STRSET_INIT, NULL, 0};
    if (wts_xdb_search_keys(s->db, doc_q, &xo, WTS_SLOT_FACETS, &m) == WTS_OK) {
        for (size_t i = 0; i < wts_xmset_size(m); i++) {
            file_hit f = file_hit_new(wts_xmset_docid(m, i), 0, 0);
            size_t len = 0;
            const char *v = wts_xmset_data(m, i, &len);
            if (evaluate(s, &f, false) && v) count_file_facets(&t, v, len, f.match, f.nparas, f.nmatch);
            file_hit_clear(&f);
        }
    }
    wts_xmset_free(m);
    r->nfacets = t.keys.n;
    r->facets = wts_xcalloc(t.keys.n ? t.keys.n : 1, sizeof *r->facets);
    for (size_t i = 0; i < t.keys.n; i++) {
        r->facets[i] = (wts_facet){t.keys.v[i], t.count[i]};
        t.keys.v[i] = NULL; /* the results own it now */
    }
    t.keys.n = 0;
    wts_strset_free(&t.keys);
    free(t.count);
}

/* Files read, spread over the index, to estimate what the matches hold. */
#define SAMPLE_FILES 32

/* Of a sample of the files doc_q matches (wts_xdb_sample), the share that
 * hold a paragraph the query is true of and the mean number of such
 * paragraphs; both left alone when there is no sample. */
static void sample_files(const para_scorer *s, const wts_xquery *doc_q, uint32_t expected, double time_limit,
                         double *share, double *mean) {
    wts_docid ids[SAMPLE_FILES];
    uint32_t got = 0;
    if (wts_xdb_sample(s->db, doc_q, SAMPLE_FILES, expected, time_limit, ids, &got) != WTS_OK || got == 0) return;
    uint32_t with = 0;
    uint64_t paragraphs = 0;
    for (uint32_t i = 0; i < got; i++) {
        file_hit f = file_hit_new(ids[i], 0, 0);
        if (evaluate(s, &f, false)) {
            with++;
            paragraphs += f.nmatch;
        }
        file_hit_clear(&f);
    }
    *share = (double)with / got;
    *mean = (double)paragraphs / got;
}

/* n to two significant figures (3592 -> 3600): an estimate shown to the
 * unit would claim a precision it does not have. */
static uint32_t two_figures(uint32_t n) {
    uint64_t unit = 1;
    while (n / unit >= 100) unit *= 10;
    uint64_t rounded = (n + unit / 2) / unit * unit;
    return rounded > UINT32_MAX ? n : (uint32_t)rounded;
}

/* ---- searching ---- */

/* Fills hit h from paragraph k of file f: its record, snippet and
 * languages. */
static void fill_hit(wts_xdb *db, const wts_query *q, file_hit *f, size_t k, double score, wts_hit *h) {
    wts_file_record *rec = file_record(db, f);
    h->record = rec ? wts_file_record_paragraph(rec, k) : NULL;
    h->docid = f->id;
    h->score = score;
    const char *text = h->record ? wts_record_string(h->record, "text") : NULL;
    const char *lang = h->record ? wts_record_string(h->record, "lang") : NULL;
    const char *symbol = h->record ? wts_record_string(h->record, "symbol") : NULL;
    h->languages = symbol ? versions_of(db, symbol) : wts_xstrdup("");
    h->snippet = text ? wts_snippet(q, text, strlen(text), wts_lang_from_code(lang), SNIPPET_BYTES)
                      : wts_xstrdup("");
}

/* Frees what one round of the match gave: its hits, the files read, their
 * order after re-ranking, those kept. */
static void round_clear(wts_xmset **m, file_hit **files, size_t got, size_t **order, size_t **units) {
    for (size_t i = 0; *files && i < got; i++) file_hit_clear(&(*files)[i]);
    free(*files);
    free(*order);
    free(*units);
    wts_xmset_free(*m);
    *files = NULL;
    *order = *units = NULL;
    *m = NULL;
}

/* A paragraph hit of --by paragraph: file and ordinal, and its score. */
typedef struct para_hit {
    size_t file;
    size_t k;
    double score;
} para_hit;

static int para_hit_cmp(const void *a, const void *b) {
    const para_hit *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? 1 : -1;
    if (x->file != y->file) return (x->file > y->file) - (x->file < y->file);
    return (x->k > y->k) - (x->k < y->k);
}

wts_status wts_search(wts_xdb *db, const wts_query *q, const char *query_text,
                      const wts_search_opts *opts, wts_results **out, char **errmsg) {
    *out = NULL;
    if (errmsg) *errmsg = NULL;
    const bool grouped = opts->group == WTS_GROUP_DOCUMENT;
    const bool by_score = opts->order == WTS_ORDER_RELEVANCE && q->ranked;
    const bool reranked = by_score && q->nboosts > 0;
    const uint64_t want = (uint64_t)opts->offset + opts->limit;
    /* Headings are kept for `show` and kind:heading, but a heading alone
     * is no answer: left out unless asked for.  The query is meant of
     * paragraphs; the index matches files (doc_q), and tells which of
     * their paragraphs it is true of. */
    wts_xquery *para_q = NULL, *doc_q = NULL;
    wts_status st = WTS_OK;
    if (!q->asks_kind) {
        const wts_xparas *schema = wts_paras_schema();
        wts_xquery *heading = NULL;
        st = wts_xquery_term(schema->heading, strlen(schema->heading), 1, 0, &heading);
        const wts_xquery *subs[2] = {q->xq, heading};
        if (st == WTS_OK) st = wts_xquery_combine(WTS_XOP_AND_NOT, subs, 2, 0, &para_q);
        wts_xquery_free(heading);
    }
    int exact = 0;
    if (st == WTS_OK)
        st = wts_xquery_for_documents(para_q ? para_q : q->xq, wts_paras_schema(), &doc_q, &exact);
    if (st != WTS_OK) {
        wts_xquery_free(para_q);
        if (errmsg) *errmsg = wts_xstrdup("out of memory");
        return st;
    }
    const wts_xquery *pq = para_q ? para_q : q->xq;

    /* Files asked of the match: the page, the window re-ranked, and for
     * paragraphs ranked by relevance enough files for theirs to compete. */
    uint64_t ask = want;
    if (reranked && ask < RERANK_WINDOW) ask = RERANK_WINDOW;
    if (!grouped && by_score && ask < PARAGRAPH_FILES) ask = PARAGRAPH_FILES;
    if (!exact && ask < 2 * want) ask = 2 * want;
    if (ask > UINT32_MAX / 4) ask = UINT32_MAX / 4;
    wts_xsearch_opts xo;
    wts_xsearch_opts_init(&xo);
    xo.time_limit = opts->time_limit;
    if (grouped) { /* language versions of one symbol are one document */
        xo.collapse_slot = WTS_SLOT_GROUP;
        xo.collapse_max = 1;
    }
    if (!by_score) {
        xo.sort = WTS_XSORT_VALUE;
        xo.sort_slot = WTS_SLOT_DATE;
        xo.sort_descending = opts->order != WTS_ORDER_OLDEST;
    }
    para_scorer scorer = {db, q, NULL, by_score, 0};
    if (wts_xdb_doccount(db, &scorer.doccount) != WTS_OK) scorer.doccount = 1;
    st = wts_xpara_eval_new(db, pq, wts_paras_schema(), &scorer.ev);
    if (st != WTS_OK) {
        if (errmsg) *errmsg = wts_xstrdup(wts_xdb_message(db));
        wts_xquery_free(para_q);
        wts_xquery_free(doc_q);
        return st;
    }
    wts_xmset *m = NULL;
    file_hit *files = NULL;
    size_t got = 0, *order = NULL;
    bool all_seen = false;
    para_hit *paras = NULL;
    size_t nparas = 0, cap_paras = 0;
    size_t *units = NULL, nunits = 0; /* files shown, in order (grouped) */
    for (int round = 0;; round++) {
        xo.limit = (uint32_t)ask;
        st = wts_xdb_search_keys(db, doc_q, &xo, -1, &m);
        if (st == WTS_ERR_MODIFIED) { /* a writer moved on: read the newest */
            if (wts_xdb_reopen(db, NULL) == WTS_OK) st = wts_xdb_search_keys(db, doc_q, &xo, -1, &m);
        }
        if (st != WTS_OK) break;
        got = wts_xmset_size(m);
        all_seen = got < xo.limit;
        files = wts_xcalloc(got ? got : 1, sizeof *files);
        order = wts_xcalloc(got ? got : 1, sizeof *order);
        for (size_t i = 0; i < got; i++) {
            files[i] = file_hit_new(wts_xmset_docid(m, i), wts_xmset_weight(m, i), wts_xmset_collapsed(m, i));
            order[i] = i;
        }
        if (reranked) {
            size_t nw = got < RERANK_WINDOW ? got : RERANK_WINDOW;
            cand *c = wts_xcalloc(nw ? nw : 1, sizeof *c);
            for (size_t i = 0; i < nw; i++) c[i] = (cand){i, files[i].score};
            rerank(db, q, m, c, nw, (size_t)want);
            for (size_t i = 0; i < nw; i++) {
                order[i] = c[i].at;
                files[c[i].at].score = c[i].score;
            }
            free(c);
        }
        /* Files in order, kept when a paragraph is true of them (always,
         * when the index says so), until the page is full.  Paragraphs
         * ranked by relevance read every file asked for. */
        nunits = 0;
        nparas = 0;
        units = wts_xcalloc(got ? got : 1, sizeof *units);
        /* every file read, for an exact count, when the match saw all;
         * not when the index says each holds a paragraph: documents are
         * counted without reading them */
        bool count_all = all_seen && !(grouped && exact);
        bool read_all = count_all || (!grouped && by_score);
        for (size_t i = 0; i < got; i++) {
            file_hit *f = &files[order[i]];
            bool full = grouped ? nunits >= want : nparas >= want;
            if (full && !read_all) {
                if (grouped && exact && all_seen) /* the rest, as they are: all hold a paragraph */
                    for (size_t j = i; j < got; j++) units[nunits++] = order[j];
                break;
            }
            if (!evaluate(&scorer, f, true)) continue;
            if (grouped) {
                units[nunits++] = order[i];
                continue;
            }
            double title = by_score ? title_boost(&scorer, f) : 0;
            for (uint32_t k = 0; k < f->nparas; k++) {
                if (!f->match[k]) continue;
                if (nparas == cap_paras) {
                    cap_paras = cap_paras ? cap_paras * 2 : 64;
                    paras = wts_xrealloc(paras, cap_paras * sizeof *paras);
                }
                double sc = by_score && f->pscore ? f->pscore[k] + title : f->score;
                paras[nparas++] = (para_hit){order[i], k, sc};
            }
        }
        bool enough = grouped ? nunits >= want : nparas >= want;
        if (enough || all_seen || exact || round + 1 >= CHECK_ROUNDS || ask >= CHECK_ROUND_MAX) break;
        /* too few of the files matched hold a paragraph: ask for more */
        round_clear(&m, &files, got, &order, &units);
        ask *= 4;
        if (ask > CHECK_ROUND_MAX) ask = CHECK_ROUND_MAX;
    }
    if (st != WTS_OK) {
        if (errmsg) *errmsg = wts_xstrdup(wts_xdb_message(db));
        free(paras);
        wts_xpara_eval_free(scorer.ev);
        wts_xquery_free(para_q);
        wts_xquery_free(doc_q);
        return st;
    }
    if (!grouped && by_score && nparas > 1) qsort(paras, nparas, sizeof *paras, para_hit_cmp);

    wts_results *r = wts_xcalloc(1, sizeof *r);
    r->query = wts_xstrdup(query_text ? query_text : "");
    r->offset = opts->offset;
    r->group = opts->group;
    /* Every file seen and checked: exact.  Else the index's estimate of
     * files (of documents, when grouped), times, for documents the index
     * cannot say hold a paragraph, the share of a sample that do, and for
     * paragraphs their mean number in the sample.  The sample is of files
     * spread over the index (wts_xdb_sample), not of the best ones, read
     * for the page, which hold more than most. */
    r->total_exact = all_seen;
    if (all_seen) {
        r->total = grouped ? (uint32_t)nunits : (uint32_t)nparas;
    } else if (grouped && exact) {
        r->total = wts_xmset_estimated(m);
    } else {
        double share = 1.0, mean = 1.0;
        sample_files(&scorer, doc_q, wts_xmset_estimated(m), opts->time_limit, &share, &mean);
        r->total = (uint32_t)(wts_xmset_estimated(m) * (grouped ? share : mean) + 0.5);
    }
    if (!all_seen) r->total = two_figures(r->total);
    size_t shown_units = grouped ? nunits : nparas;
    if (r->total < shown_units) r->total = (uint32_t)shown_units;
    size_t from = opts->offset < shown_units ? opts->offset : shown_units;
    size_t to = want < shown_units ? (size_t)want : shown_units;
    r->nhits = to - from;
    r->hits = wts_xcalloc(r->nhits ? r->nhits : 1, sizeof *r->hits);
    for (size_t i = 0; i < r->nhits; i++) {
        wts_hit *h = &r->hits[i];
        if (!grouped) {
            const para_hit *ph = &paras[from + i];
            fill_hit(db, q, &files[ph->file], ph->k, by_score ? ph->score : files[ph->file].score, h);
            h->matching_paragraphs = 1;
            continue;
        }
        file_hit *f = &files[units[from + i]], shown = file_hit_new(0, 0, 0);
        uint32_t count = f->nmatch;
        wts_file_record *rec = f->collapsed ? file_record(db, f) : NULL;
        const char *symbol = rec ? wts_file_record_string(rec, "symbol") : NULL;
        wts_docid instead = symbol ? read_versions(&scorer, doc_q, f, symbol, opts->time_limit, &count) : 0;
        if (instead) { /* the version that goes first when they tie */
            shown = file_hit_new(instead, f->weight, f->collapsed);
            shown.score = f->score;
            if (!evaluate(&scorer, &shown, true)) instead = 0;
        }
        file_hit *g = instead ? &shown : f;
        size_t k = best_paragraph(&scorer, g);
        fill_hit(db, q, g, k == SIZE_MAX ? 0 : k, g->score, h);
        h->matching_paragraphs = count;
        file_hit_clear(&shown);
    }
    r->suggestion = suggestion(db, q);
    if (opts->facets) count_facets(&scorer, doc_q, opts->time_limit, r);
    round_clear(&m, &files, got, &order, &units);
    free(paras);
    wts_xpara_eval_free(scorer.ev);
    wts_xquery_free(para_q);
    wts_xquery_free(doc_q);
    *out = r;
    return WTS_OK;
}

void wts_results_free(wts_results *r) {
    if (!r) return;
    for (size_t i = 0; i < r->nhits; i++) {
        wts_record_free(r->hits[i].record);
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
