/* write.c: stage 5, one index document per paragraph.
 *
 * Each paragraph carries the terms of its document's fields (path, symbols,
 * date, title, language) so that a search returns paragraphs, filters them
 * by any field and groups them by document (WTS_SLOT_GROUP).  Term prefixes
 * come from the shared field table. */
#include "write.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Xapian refuses terms longer than about 245 bytes; longer ones are
 * dropped rather than failing the whole file. */
#define MAX_TERM_BYTES 240

static const char *prefix_of(const char *field) {
    return wts_field_find(field, strlen(field))->prefix;
}

void write_ctx_init(write_ctx *c) { memset(c, 0, sizeof *c); }

void write_ctx_free(write_ctx *c) {
    for (size_t i = 0; i < 4; i++) wts_xstem_free(c->stem[i]);
    wts_buf_free(&c->term);
    wts_buf_free(&c->facets);
}

static wts_status add_term(write_ctx *c, wts_xdoc *d, const char *prefix, const char *value, uint32_t wdf) {
    wts_buf_reset(&c->term);
    wts_buf_adds(&c->term, prefix);
    wts_buf_adds(&c->term, value);
    if (c->term.len > MAX_TERM_BYTES || c->term.len == 0) return WTS_OK;
    return wts_xdoc_add_term(d, c->term.data, c->term.len, wdf);
}

typedef struct span {
    size_t start, end;
} span;

typedef struct text_ctx {
    write_ctx *c;
    wts_xdoc *d;
    const char *text; /* the paragraph, for the exact forms of words */
    wts_xstem *stem;
    wts_status st;
    span *symbols; /* where symbols are written: their parts are no words */
    const char *prefix; /* of the title or section words being added */
    size_t nsymbols, next_symbol;
} text_ctx;

static int note_symbol(void *ud, const char *canon, size_t start, size_t end) {
    text_ctx *x = ud;
    x->symbols = wts_xrealloc(x->symbols, (x->nsymbols + 1) * sizeof *x->symbols);
    x->symbols[x->nsymbols++] = (span){start, end};
    return 0;
}

static int index_word(void *ud, const wts_token *t) {
    text_ctx *x = ud;
    /* "INF/MSME/R/35" is indexed as a symbol; its parts would make every
     * list of symbols rank for "MSME" */
    while (x->next_symbol < x->nsymbols && x->symbols[x->next_symbol].end <= t->start) x->next_symbol++;
    if (x->next_symbol < x->nsymbols && x->symbols[x->next_symbol].start <= t->start) return 0;
    x->st = wts_xdoc_add_posting(x->d, t->folded, t->folded_len, t->pos, 1);
    /* a word with accents also under its exact form, which ranks first */
    wts_buf *lower = &x->c->term;
    wts_buf_reset(lower);
    wts_buf_adds(lower, WTS_PREFIX_EXACT);
    size_t plen = lower->len;
    wts_lower(x->text + t->start, t->end - t->start, lower);
    if (x->st == WTS_OK && (lower->len - plen != t->folded_len ||
                            memcmp(lower->data + plen, t->folded, t->folded_len) != 0) &&
        lower->len <= MAX_TERM_BYTES)
        x->st = wts_xdoc_add_term(x->d, lower->data, lower->len, 1);
    if (x->st == WTS_OK && x->stem) {
        char stem[WTS_MAX_WORD_BYTES * 2 + 2];
        stem[0] = 'Z';
        /* a word that is its own stem is found under its folded form
         * (query.c, word_query); 10,000 generated documents: postings 10%
         * and termlists 9% smaller, indexing 10% faster */
        if (wts_xstem_apply(x->stem, t->folded, t->folded_len, stem + 1, sizeof stem - 1) == WTS_OK &&
            (strlen(stem + 1) != t->folded_len || memcmp(stem + 1, t->folded, t->folded_len) != 0))
            x->st = wts_xdoc_add_term(x->d, stem, strlen(stem), 1);
    }
    return x->st != WTS_OK;
}

static int index_title_word(void *ud, const wts_token *t) {
    text_ctx *x = ud;
    wts_buf_reset(&x->c->term);
    wts_buf_adds(&x->c->term, x->prefix);
    wts_buf_add(&x->c->term, t->folded, t->folded_len);
    x->st = wts_xdoc_add_term(x->d, x->c->term.data, x->c->term.len, 1);
    return x->st != WTS_OK;
}

static json_t *strlist_json(const wts_strlist *l) {
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++) json_array_append_new(a, json_string(l->v[i]));
    return a;
}

static json_t *str_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }

/* The stored record of a paragraph: what a hit prints without touching the
 * source file again.  What the whole document shares (its symbols, title,
 * date, language) is stored once per file (document_fields). */
static char *para_record(const char *path, const wts_para *p, size_t ord) {
    json_t *o = json_object();
    json_object_set_new(o, "path", json_string(path));
    json_object_set_new(o, "lang", str_or_null(wts_lang_code(p->lang)));
    json_object_set_new(o, "para", json_string(p->label));
    json_object_set_new(o, "ord", json_integer((json_int_t)ord));
    json_object_set_new(o, "kind", json_string(wts_para_kind_name(p->kind)));
    json_object_set_new(o, "text", json_string(p->text));
    json_object_set_new(o, "members", strlist_json(&p->members));
    json_object_set_new(o, "acting", strlist_json(&p->acting));
    json_object_set_new(o, "topics", strlist_json(&p->topics));
    json_object_set_new(o, "cites", strlist_json(&p->cites));
    json_object_set_new(o, "dates", strlist_json(&p->dates));
    char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
    json_decref(o);
    if (!s) {
        fprintf(stderr, "wtosearch: out of memory\n");
        abort();
    }
    return s;
}

json_t *document_fields(const wts_document *doc) {
    char date[16] = "";
    if (doc->date.year) wts_date_iso(&doc->date, date, sizeof date);
    json_t *o = json_object();
    json_object_set_new(o, "symbol", str_or_null(doc->symbols.n ? doc->symbols.v[0] : NULL));
    json_object_set_new(o, "symbols", strlist_json(&doc->symbols));
    json_object_set_new(o, "title", str_or_null(doc->title));
    json_object_set_new(o, "date", str_or_null(date));
    json_object_set_new(o, "doc_lang", str_or_null(wts_lang_code(doc->lang)));
    return o;
}

static wts_xstem *stemmer(write_ctx *c, wts_lang l) {
    if (l == WTS_LANG_UNKNOWN) l = WTS_LANG_EN;
    if (!c->stem[l] && wts_xstem_new(wts_lang_code(l), &c->stem[l]) != WTS_OK) c->stem[l] = NULL;
    return c->stem[l];
}

static wts_status build_para(write_ctx *c, const char *path, const wts_document *doc, size_t i,
                             wts_xdoc *d) {
    const wts_para *p = &doc->paras[i];
    wts_status st = WTS_OK;
#define TRY(x)                                                                                     \
    do {                                                                                           \
        if ((st = (x)) != WTS_OK) return st;                                                       \
    } while (0)
    char *rec = para_record(path, p, i);
    st = wts_xdoc_set_data(d, rec, strlen(rec));
    free(rec);
    if (st != WTS_OK) return st;
    TRY(add_term(c, d, WTS_PREFIX_PATH, path, 0));
    TRY(add_term(c, d, prefix_of("lang"), wts_lang_code(p->lang), 0));
    TRY(add_term(c, d, prefix_of("kind"), wts_para_kind_name(p->kind), 0));
    wts_buf *facets = &c->facets; /* the context's: an early return leaks nothing */
    wts_buf_reset(facets);
    for (size_t k = 0; k < doc->symbols.n; k++) {
        char fam[WTS_MAX_SYMBOL], type[16];
        wts_symbol_family(doc->symbols.v[k], fam, sizeof fam);
        wts_symbol_type(doc->symbols.v[k], type, sizeof type);
        TRY(add_term(c, d, prefix_of("symbol"), doc->symbols.v[k], 1));
        TRY(add_term(c, d, WTS_PREFIX_FAMILY, fam, 0));
        /* every series above the document, for symbol:INF/MSME/W/ and a star */
        for (char *slash = strchr(fam, '/'); slash; slash = strchr(slash + 1, '/')) {
            *slash = '\0';
            wts_status sst = add_term(c, d, WTS_PREFIX_SERIES, fam, 0);
            *slash = '/';
            TRY(sst);
        }
        if (*type) {
            TRY(add_term(c, d, prefix_of("type"), type, 0));
            wts_buf_printf(facets, "type:%s\n", type);
        }
    }
    for (size_t k = 0; k < p->cites.n; k++) {
        char fam[WTS_MAX_SYMBOL];
        wts_symbol_family(p->cites.v[k], fam, sizeof fam);
        TRY(add_term(c, d, prefix_of("cites"), p->cites.v[k], 1));
        TRY(add_term(c, d, WTS_PREFIX_CITED_FAMILY, fam, 0));
    }
    /* A member that acts weighs more than one merely named, and one named
     * in a long enumeration least: member: queries rank by this. */
    for (size_t k = 0; k < p->members.n; k++) {
        const char *id = p->members.v[k];
        uint32_t wdf = wts_strlist_has(&p->acting, id) ? 4 : wts_strlist_has(&p->listed, id) ? 1 : 2;
        TRY(add_term(c, d, prefix_of("member"), p->members.v[k], wdf));
        wts_buf_printf(facets, "member:%s\n", p->members.v[k]);
    }
    for (size_t k = 0; k < p->topics.n; k++) {
        TRY(add_term(c, d, prefix_of("topic"), p->topics.v[k], 1));
        wts_buf_printf(facets, "topic:%s\n", p->topics.v[k]);
    }
    for (size_t k = 0; k < p->acronyms.n; k++) TRY(add_term(c, d, WTS_PREFIX_ACRONYM, p->acronyms.v[k], 1));
    for (size_t k = 0; k < p->dates.n; k++) { /* "2022-04-07" -> 2022, 202204, 20220407 */
        const char *iso = p->dates.v[k];
        char t[9];
        size_t n = 0;
        for (const char *q = iso; *q && n < 8; q++)
            if (*q != '-') t[n++] = *q;
        t[n] = '\0';
        for (size_t cut = 4; cut <= n; cut += 2) {
            char part[9];
            memcpy(part, t, cut);
            part[cut] = '\0';
            TRY(add_term(c, d, prefix_of("mentions"), part, 0));
        }
    }
    char sortdate[9] = "";
    if (doc->date.year) {
        snprintf(sortdate, sizeof sortdate, "%04d%02d%02d", doc->date.year, doc->date.month, doc->date.day);
        wts_buf_printf(facets, "year:%04d\n", doc->date.year);
    }
    wts_buf_printf(facets, "lang:%s\n", wts_lang_code(p->lang)[0] ? wts_lang_code(p->lang) : "unknown");
    wts_buf group = WTS_BUF_INIT;
    if (doc->symbols.n) {
        wts_buf_printf(&group, "symbol:%s", doc->symbols.v[0]);
        wts_buf_reset(&c->term);
        wts_buf_printf(&c->term, "%s%s|%s", WTS_PREFIX_VERSION, doc->symbols.v[0],
                       wts_lang_code(doc->lang)[0] ? wts_lang_code(doc->lang) : "unknown");
        if (c->term.len <= MAX_TERM_BYTES) st = wts_xdoc_add_term(d, c->term.data, c->term.len, 0);
    } else {
        wts_buf_printf(&group, "path:%s", path);
    }
    if (st == WTS_OK) st = wts_xdoc_set_value(d, WTS_SLOT_GROUP, group.data, group.len);
    wts_buf_free(&group);
    if (st != WTS_OK) return st;
    TRY(wts_xdoc_set_value(d, WTS_SLOT_DATE, sortdate, strlen(sortdate)));
    TRY(wts_xdoc_set_value(d, WTS_SLOT_FACETS, facets->data ? facets->data : "", facets->len));
    text_ctx x = {c, d, p->text, stemmer(c, p->lang), WTS_OK, NULL, NULL, 0, 0};
    wts_symbols_find(p->text, strlen(p->text), note_symbol, &x);
    wts_tokenize(p->text, strlen(p->text), index_word, &x);
    free(x.symbols);
    x.symbols = NULL;
    x.nsymbols = 0;
    if (x.st != WTS_OK) return x.st;
    if (doc->title) {
        x.prefix = WTS_PREFIX_TITLE;
        wts_tokenize(doc->title, strlen(doc->title), index_title_word, &x);
        if (x.st != WTS_OK) return x.st;
    }
    if (p->section) { /* the heading's words count for its paragraphs */
        x.prefix = WTS_PREFIX_SECTION;
        wts_tokenize(p->section, strlen(p->section), index_title_word, &x);
        if (x.st != WTS_OK) return x.st;
    }
    return WTS_OK;
#undef TRY
}

wts_status write_document(write_ctx *c, wts_xwriter *w, const char *path, const wts_document *doc) {
    wts_buf pterm = WTS_BUF_INIT;
    wts_buf_adds(&pterm, WTS_PREFIX_PATH);
    wts_buf_adds(&pterm, path);
    wts_status st = wts_xwriter_delete_term(w, pterm.data);
    wts_buf_free(&pterm);
    for (size_t i = 0; st == WTS_OK && i < doc->nparas; i++) {
        wts_xdoc *d = NULL;
        st = wts_xdoc_new(&d);
        if (st == WTS_OK) st = build_para(c, path, doc, i, d);
        if (st == WTS_OK) st = wts_xwriter_add(w, d, NULL, NULL);
        wts_xdoc_free(d);
    }
    return st;
}
