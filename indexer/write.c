/* write.c: stage 5, one index document per file.
 *
 * The document carries the file's fields once (path, symbols, date, title)
 * and each paragraph in its own run of positions: its fields (language,
 * kind, citations, members, topics, acronyms, dates mentioned) as terms at
 * its first position, its words after it, WTS_PARA_GAP positions before
 * the next.  A search matches files and finds the paragraphs a query is
 * true of from those positions (wts_xpara_eval_doc), whose starts the
 * document lists (WTS_SLOT_PARAS); the stored record holds every
 * paragraph for printing.  Term prefixes come from the shared field table. */
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

void write_ctx_init(write_ctx *c) {
    memset(c, 0, sizeof *c);
    c->packer = wts_record_packer_new();
}

wts_status write_ctx_start_database(write_ctx *c, wts_xwriter *w) {
    c->dict_saved = false;
    return wts_record_packer_resume(c->packer, wts_xwriter_db(w));
}

static void stem_cache_clear(write_ctx *c, size_t l) {
    for (size_t i = 0; i < c->stemmed[l].n; i++) free(c->stem_of[l][i]);
    free(c->stem_of[l]);
    c->stem_of[l] = NULL;
    wts_strset_free(&c->stemmed[l]);
}

void write_ctx_free(write_ctx *c) {
    for (size_t l = 0; l < 4; l++) stem_cache_clear(c, l);
    wts_strset_free(&c->stem_words);
    for (size_t i = 0; i < 4; i++) wts_xstem_free(c->stem[i]);
    wts_buf_free(&c->term);
    wts_buf_free(&c->facets);
    wts_record_packer_free(c->packer);
}

static wts_status add_term(write_ctx *c, wts_xdoc *d, const char *prefix, const char *value, uint32_t wdf) {
    wts_buf_reset(&c->term);
    wts_buf_adds(&c->term, prefix);
    wts_buf_adds(&c->term, value);
    if (c->term.len > MAX_TERM_BYTES || c->term.len == 0) return WTS_OK;
    return wts_xdoc_add_term(d, c->term.data, c->term.len, wdf);
}

/* A field term of the paragraph starting at position first. */
static wts_status add_field(write_ctx *c, wts_xdoc *d, uint32_t first, const char *prefix, const char *value,
                            uint32_t wdf) {
    wts_buf_reset(&c->term);
    wts_buf_adds(&c->term, prefix);
    wts_buf_adds(&c->term, value);
    if (c->term.len > MAX_TERM_BYTES || c->term.len == 0) return WTS_OK;
    return wts_xdoc_add_posting(d, c->term.data, c->term.len, first, wdf);
}

typedef struct span {
    size_t start, end;
} span;

typedef struct text_ctx {
    write_ctx *c;
    wts_xdoc *d;
    const char *text; /* the paragraph, for the exact forms of words */
    uint32_t first;   /* its first position; word n is at first + n */
    uint32_t words;   /* its last word's number */
    wts_xstem *stem;
    wts_status st;
    span *symbols; /* where symbols are written: their parts are no words */
    const char *prefix; /* of the title or heading words being added */
    wts_lang lang;      /* of the paragraph, for its stemmer */
    size_t nsymbols, next_symbol;
} text_ctx;

static int note_symbol(void *ud, const char *canon, size_t start, size_t end) {
    text_ctx *x = ud;
    x->symbols = wts_xrealloc(x->symbols, (x->nsymbols + 1) * sizeof *x->symbols);
    x->symbols[x->nsymbols++] = (span){start, end};
    return 0;
}

/* Whether token t lies inside a symbol: "INF/MSME/R/35" is indexed as a
 * symbol; its parts would make every list of symbols rank for "MSME". */
static bool in_symbol(text_ctx *x, const wts_token *t) {
    while (x->next_symbol < x->nsymbols && x->symbols[x->next_symbol].end <= t->start) x->next_symbol++;
    return x->next_symbol < x->nsymbols && x->symbols[x->next_symbol].start <= t->start;
}

/* Words kept per language at most, a bound on the writer's memory
 * whatever the corpus. */
#define STEM_CACHE_MAX 200000

/* The stem of word in the paragraph's language ("" when the stemmer
 * fails), computed once per word.  A stem has no positions, its words
 * have: a stem other than the word is noted with it, for finding the stem
 * in paragraphs (write_stem_words), when the word is first met, not at
 * each of its places (10,000 generated documents, a shard: 3.1 million
 * places, 137,000 words). */
static const char *stem_of(text_ctx *x, const char *word, size_t len) {
    write_ctx *c = x->c;
    size_t l = (size_t)x->lang;
    if (c->stemmed[l].n >= STEM_CACHE_MAX) stem_cache_clear(c, l);
    bool added = false;
    size_t i = wts_strset_add(&c->stemmed[l], word, len, &added);
    if (added) {
        char stem[WTS_MAX_WORD_BYTES * 2 + 1];
        if (wts_xstem_apply(x->stem, word, len, stem, sizeof stem) != WTS_OK) stem[0] = '\0';
        if (i % 256 == 0) c->stem_of[l] = wts_xrealloc(c->stem_of[l], (i + 256) * sizeof *c->stem_of[l]);
        c->stem_of[l][i] = wts_xstrdup(stem);
        size_t slen = strlen(stem);
        if (slen && (slen != len || memcmp(stem, word, len) != 0)) {
            wts_buf *pair = &c->term;
            wts_buf_reset(pair);
            wts_buf_add(pair, stem, slen);
            wts_buf_addc(pair, '\t');
            wts_buf_add(pair, word, len);
            wts_strset_add(&c->stem_words, pair->data, pair->len, NULL);
        }
    }
    return c->stem_of[l][i];
}

static int index_word(void *ud, const wts_token *t) {
    text_ctx *x = ud;
    x->words = t->pos;
    if (in_symbol(x, t)) return 0;
    x->st = wts_xdoc_add_posting(x->d, t->folded, t->folded_len, x->first + t->pos, 1);
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
        const char *of_word = stem_of(x, t->folded, t->folded_len);
        size_t slen = strlen(of_word);
        if (slen > sizeof stem - 2) slen = 0; /* stem_of keeps no longer stems */
        memcpy(stem + 1, of_word, slen);
        stem[slen + 1] = '\0';
        /* a word that is its own stem is found under its folded form
         * (query.c, word_query); 10,000 generated documents: postings 10%
         * and termlists 9% smaller, indexing 10% faster */
        if (slen && (slen != t->folded_len || memcmp(stem + 1, t->folded, t->folded_len) != 0))
            x->st = wts_xdoc_add_term(x->d, stem, slen + 1, 1);
    }
    return x->st != WTS_OK;
}

/* A heading's words are found under their own prefix, at their place: a
 * heading alone is no answer, but kind:heading finds it, and the words of
 * a heading rank the paragraphs under it. */
static int index_heading_word(void *ud, const wts_token *t) {
    text_ctx *x = ud;
    x->words = t->pos;
    if (in_symbol(x, t)) return 0;
    wts_buf_reset(&x->c->term);
    wts_buf_adds(&x->c->term, WTS_PREFIX_SECTION);
    wts_buf_add(&x->c->term, t->folded, t->folded_len);
    x->st = wts_xdoc_add_posting(x->d, x->c->term.data, x->c->term.len, x->first + t->pos, 1);
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

/* A list of the record, left out when empty (wts_record_paragraph puts
 * it back). */
static void set_list(json_t *o, const char *key, const wts_strlist *l) {
    if (l->n) json_object_set_new(o, key, strlist_json(l));
}

static void add_json_line(wts_buf *out, json_t *o) {
    char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
    json_decref(o);
    if (!s) {
        fprintf(stderr, "wtosearch: out of memory\n");
        abort();
    }
    wts_buf_adds(out, s);
    wts_buf_addc(out, '\n');
    free(s);
}

/* The stored record of a file: one line of JSON with its fields, then one
 * per paragraph with what a hit prints (README, "JSON output") without
 * touching the file again, and the ordinal of the heading it stands under
 * ("sec").  A hit reads only its paragraph's line (wts_record_read). */
static char *file_record(const char *path, const wts_document *doc) {
    wts_buf out = WTS_BUF_INIT;
    json_t *o = document_fields(doc);
    json_object_set_new(o, "path", json_string(path));
    json_object_set_new(o, "paras", json_integer((json_int_t)doc->nparas));
    add_json_line(&out, o);
    size_t heading = SIZE_MAX;
    for (size_t k = 0; k < doc->nparas; k++) {
        const wts_para *p = &doc->paras[k];
        json_t *r = json_object();
        json_object_set_new(r, "para", json_string(p->label));
        json_object_set_new(r, "kind", json_string(wts_para_kind_name(p->kind)));
        json_object_set_new(r, "lang", str_or_null(wts_lang_code(p->lang)));
        json_object_set_new(r, "text", json_string(p->text));
        set_list(r, "members", &p->members);
        set_list(r, "acting", &p->acting);
        set_list(r, "topics", &p->topics);
        set_list(r, "cites", &p->cites);
        set_list(r, "dates", &p->dates);
        if (heading != SIZE_MAX) json_object_set_new(r, "sec", json_integer((json_int_t)heading));
        if (p->kind == WTS_PARA_HEADING) heading = k;
        add_json_line(&out, r);
    }
    return wts_buf_steal(&out);
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

#define TRY(x)                                                                                     \
    do {                                                                                           \
        if ((st = (x)) != WTS_OK) return st;                                                       \
    } while (0)

/* Facet keys of a file, each with the paragraphs that have it: the
 * search counts a key for the paragraphs it finds true of a query. */
typedef struct facet_lists {
    char **key;
    wts_buf *paras; /* by key: "0,3,5" */
    size_t n;
} facet_lists;

static void facet_add(facet_lists *f, const char *kind, const char *value, size_t k) {
    char key[160];
    snprintf(key, sizeof key, "%s:%s", kind, value);
    size_t i = 0;
    while (i < f->n && strcmp(f->key[i], key) != 0) i++;
    if (i == f->n) {
        f->key = wts_xrealloc(f->key, (f->n + 1) * sizeof *f->key);
        f->paras = wts_xrealloc(f->paras, (f->n + 1) * sizeof *f->paras);
        f->key[f->n] = wts_xstrdup(key);
        f->paras[f->n] = (wts_buf)WTS_BUF_INIT;
        f->n++;
    }
    wts_buf_printf(&f->paras[i], "%s%zu", f->paras[i].len ? "," : "", k);
}

static void facets_free(facet_lists *f) {
    for (size_t i = 0; i < f->n; i++) {
        free(f->key[i]);
        wts_buf_free(&f->paras[i]);
    }
    free(f->key);
    free(f->paras);
}

/* The terms of paragraph k, from position *first; sets *first to the next
 * paragraph's. */
static wts_status build_para(write_ctx *c, const wts_document *doc, size_t k, wts_xdoc *d,
                             facet_lists *facets, uint32_t *first) {
    const wts_para *p = &doc->paras[k];
    const uint32_t at = *first;
    wts_status st = WTS_OK;
    const char *lang = wts_lang_code(p->lang);
    TRY(add_field(c, d, at, prefix_of("lang"), lang, 0));
    TRY(add_field(c, d, at, prefix_of("kind"), wts_para_kind_name(p->kind), 0));
    text_ctx x = {c, d, p->text, at, 0, stemmer(c, p->lang), WTS_OK, NULL, NULL, p->lang, 0, 0};
    wts_symbols_find(p->text, strlen(p->text), note_symbol, &x);
    wts_tokenize(p->text, strlen(p->text), p->kind == WTS_PARA_HEADING ? index_heading_word : index_word, &x);
    free(x.symbols);
    *first = at + x.words + WTS_PARA_GAP;
    if (x.st != WTS_OK || p->kind == WTS_PARA_HEADING) return x.st;
    for (size_t i = 0; i < p->cites.n; i++) {
        char fam[WTS_MAX_SYMBOL];
        wts_symbol_family(p->cites.v[i], fam, sizeof fam);
        TRY(add_field(c, d, at, prefix_of("cites"), p->cites.v[i], 1));
        TRY(add_field(c, d, at, WTS_PREFIX_CITED_FAMILY, fam, 0));
    }
    /* A member that acts weighs more than one merely named, and one named
     * in a long enumeration least: member: queries rank by this. */
    for (size_t i = 0; i < p->members.n; i++) {
        const char *id = p->members.v[i];
        uint32_t wdf = wts_strlist_has(&p->acting, id) ? 4 : wts_strlist_has(&p->listed, id) ? 1 : 2;
        TRY(add_field(c, d, at, prefix_of("member"), id, wdf));
        if (wdf == 4) TRY(add_field(c, d, at, WTS_PREFIX_ACTING, id, 0));
        facet_add(facets, "member", id, k);
    }
    for (size_t i = 0; i < p->topics.n; i++) {
        TRY(add_field(c, d, at, prefix_of("topic"), p->topics.v[i], 1));
        facet_add(facets, "topic", p->topics.v[i], k);
    }
    for (size_t i = 0; i < p->acronyms.n; i++) TRY(add_field(c, d, at, WTS_PREFIX_ACRONYM, p->acronyms.v[i], 1));
    for (size_t i = 0; i < p->dates.n; i++) { /* "2022-04-07" -> 2022, 202204, 20220407 */
        const char *iso = p->dates.v[i];
        char t[9];
        size_t n = 0;
        for (const char *q = iso; *q && n < 8; q++)
            if (*q != '-') t[n++] = *q;
        t[n] = '\0';
        for (size_t cut = 4; cut <= n; cut += 2) {
            char part[9];
            memcpy(part, t, cut);
            part[cut] = '\0';
            TRY(add_field(c, d, at, prefix_of("mentions"), part, 0));
        }
    }
    facet_add(facets, "lang", *lang ? lang : "unknown", k);
    return WTS_OK;
}

/* The terms of the whole file: path, symbols and their series, type,
 * versions, title; its values. */
static wts_status build_file(write_ctx *c, const char *path, const wts_document *doc, wts_xdoc *d) {
    wts_status st = WTS_OK;
    char *rec = file_record(path, doc);
    size_t packed_len = 0;
    char *packed = wts_record_packer_pack(c->packer, rec, strlen(rec), &packed_len, &c->packed_with_dict);
    free(rec);
    if (!packed) return WTS_ERR_NO_MEMORY;
    st = wts_xdoc_set_data(d, packed, packed_len);
    free(packed);
    if (st != WTS_OK) return st;
    TRY(add_term(c, d, WTS_PREFIX_PATH, path, 0));
    char type[16] = "";
    for (size_t k = 0; k < doc->symbols.n; k++) {
        char fam[WTS_MAX_SYMBOL], t[16];
        wts_symbol_family(doc->symbols.v[k], fam, sizeof fam);
        wts_symbol_type(doc->symbols.v[k], t, sizeof t);
        TRY(add_term(c, d, prefix_of("symbol"), doc->symbols.v[k], 1));
        TRY(add_term(c, d, WTS_PREFIX_FAMILY, fam, 0));
        /* every series above the document, for symbol:INF/MSME/W/ and a star */
        for (char *slash = strchr(fam, '/'); slash; slash = strchr(slash + 1, '/')) {
            *slash = '\0';
            wts_status sst = add_term(c, d, WTS_PREFIX_SERIES, fam, 0);
            *slash = '/';
            TRY(sst);
        }
        if (*t) {
            TRY(add_term(c, d, prefix_of("type"), t, 0));
            if (!*type) memcpy(type, t, sizeof type);
        }
    }
    char sortdate[9] = "", year[8] = "";
    if (doc->date.year) {
        snprintf(sortdate, sizeof sortdate, "%04d%02d%02d", doc->date.year, doc->date.month, doc->date.day);
        snprintf(year, sizeof year, "%04d", doc->date.year);
    }
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
    wts_buf_reset(&group);
    if (st != WTS_OK) {
        wts_buf_free(&group);
        return st;
    }
    /* the language after the date: versions of one symbol, which share
     * it, come in one order whatever their docids */
    if (doc->date.year) wts_buf_printf(&group, "%s%s", sortdate, wts_lang_code(doc->lang));
    TRY(wts_xdoc_set_value(d, WTS_SLOT_DATE, group.data ? group.data : "", group.len));
    wts_buf_free(&group);
    if (doc->title) {
        text_ctx x = {c, d, NULL, 0, 0, NULL, WTS_OK, NULL, WTS_PREFIX_TITLE, WTS_LANG_UNKNOWN, 0, 0};
        wts_tokenize(doc->title, strlen(doc->title), index_title_word, &x);
        if (x.st != WTS_OK) return x.st;
    }
    facet_lists facets = {NULL, NULL, 0};
    wts_buf bounds = WTS_BUF_INIT; /* the count, then each first position */
    wts_buf_printf(&bounds, "%zu", doc->nparas);
    uint32_t first = 1;
    for (size_t k = 0; k < doc->nparas && st == WTS_OK; k++) {
        wts_buf_printf(&bounds, " %u", first);
        st = build_para(c, doc, k, d, &facets, &first);
    }
    wts_buf_printf(&bounds, " %u", first); /* where the last one ends */
    if (st == WTS_OK) st = wts_xdoc_set_value(d, WTS_SLOT_PARAS, bounds.data, bounds.len);
    wts_buf_free(&bounds);
    wts_buf *v = &c->facets;
    wts_buf_reset(v);
    /* the file's own: every paragraph has them */
    if (*type) wts_buf_printf(v, "type:%s\t*\n", type);
    if (*year) wts_buf_printf(v, "year:%s\t*\n", year);
    for (size_t i = 0; i < facets.n; i++) wts_buf_printf(v, "%s\t%s\n", facets.key[i], facets.paras[i].data);
    facets_free(&facets);
    if (st == WTS_OK) st = wts_xdoc_set_value(d, WTS_SLOT_FACETS, v->data ? v->data : "", v->len);
    return st;
}
#undef TRY

wts_status write_document(write_ctx *c, wts_xwriter *w, const char *path, const wts_document *doc) {
    wts_buf pterm = WTS_BUF_INIT;
    wts_buf_adds(&pterm, WTS_PREFIX_PATH);
    wts_buf_adds(&pterm, path);
    wts_xdoc *d = NULL;
    wts_status st = wts_xdoc_new(&d);
    if (st == WTS_OK) st = build_file(c, path, doc, d);
    /* the dictionary, in the same commit as the first record that needs it */
    if (st == WTS_OK && c->packed_with_dict && !c->dict_saved) {
        st = wts_record_packer_save(c->packer, w);
        c->dict_saved = st == WTS_OK;
    }
    /* replaces what the index held for the file, in one step */
    if (st == WTS_OK) st = wts_xwriter_add(w, d, pterm.data, NULL);
    wts_xdoc_free(d);
    wts_buf_free(&pterm);
    return st;
}

/* "stem\tword" pairs kept from one commit to the next at most. */
#define STEM_WORDS_KEPT 1000000

static int pair_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Each stem's words, the old ones and those met since the last call, as
 * one line of the index metadata (WTS_META_STEM_PREFIX + stem: "ready
 * readiness"); only the stems with new words are rewritten. */
wts_status write_stem_words(write_ctx *c, wts_xwriter *w) {
    size_t n = c->stem_words.n - c->stem_words_saved;
    if (n == 0) return WTS_OK;
    char **fresh = wts_xcalloc(n, sizeof *fresh);
    memcpy(fresh, c->stem_words.v + c->stem_words_saved, n * sizeof *fresh);
    qsort(fresh, n, sizeof *fresh, pair_cmp); /* "stem\tword": by stem */
    wts_status st = WTS_OK;
    wts_buf key = WTS_BUF_INIT, words = WTS_BUF_INIT;
    for (size_t i = 0; i < n && st == WTS_OK;) {
        size_t stem_len = strcspn(fresh[i], "\t");
        wts_buf_reset(&key);
        wts_buf_printf(&key, "%s%.*s", WTS_META_STEM_PREFIX, (int)stem_len, fresh[i]);
        size_t first = i;
        char *old = NULL;
        if (key.len > MAX_TERM_BYTES) { /* metadata keys have a size limit: such a stem is not found in paragraphs */
            while (i < n && strncmp(fresh[i], fresh[first], stem_len + 1) == 0) i++;
            continue;
        }
        if ((st = wts_xdb_get_metadata(wts_xwriter_db(w), key.data, &old)) != WTS_OK) break;
        wts_buf_reset(&words);
        wts_buf_adds(&words, old);
        for (; i < n && strncmp(fresh[i], fresh[first], stem_len + 1) == 0; i++) {
            const char *word = fresh[i] + stem_len + 1;
            /* a word already listed (another shard, a run before) is kept once */
            bool listed = false;
            size_t wl = strlen(word);
            for (const char *at = old; at && *at && !listed;) {
                size_t l = strcspn(at, " ");
                listed = l == wl && memcmp(at, word, wl) == 0;
                at += l + (at[l] == ' ');
            }
            if (listed) continue;
            if (words.len) wts_buf_addc(&words, ' ');
            wts_buf_adds(&words, word);
        }
        free(old);
        st = wts_xwriter_set_metadata(w, key.data, words.data ? words.data : "");
    }
    if (st == WTS_OK) c->stem_words_saved = c->stem_words.n;
    /* the pairs saved are kept to know them again without reading the
     * metadata; past this many, they are forgotten (a bound on memory) */
    if (st == WTS_OK && c->stem_words.n > STEM_WORDS_KEPT) {
        wts_strset_free(&c->stem_words);
        c->stem_words_saved = 0;
    }
    wts_buf_free(&key);
    wts_buf_free(&words);
    free(fresh);
    return st;
}
