/* query.c: the query language, parsed into an index query.
 *
 *   query   := or
 *   or      := and ("OR" and)*
 *   and     := seq ("AND" seq)*
 *   seq     := unary+                 juxtaposed: words rank, filters filter
 *   unary   := "NOT" unary | "-" primary | "+" primary | primary
 *   primary := "(" or ")" | '"' phrase '"' | field ":" value | word | word*
 *
 * Words are folded and stemmed in the query's language (all three when it
 * is unknown) and matched together with their exact form.  Field values go
 * through the field table (wts_fields), shared with the indexer.  Errors
 * name the problem and its column; limits (length, clauses, depth,
 * wildcard expansion) are named constants in wts.h. */
#include "wts.h"
#include "query_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum node_kind {
    NODE_TEXT,   /* adds weight */
    NODE_FILTER, /* restricts only */
    NODE_REQUIRED, /* +word: restricts and adds weight */
    NODE_NEG     /* to be excluded */
};

typedef struct node {
    wts_xquery *q;
    enum node_kind kind;
    bool words; /* plain words typed as such (not a field, symbol or phrase) */
    bool stop;  /* one function word ("the", "who"): left out beside others */
} node;

typedef struct qparser {
    const char *s;
    size_t len, i;
    wts_lang lang;
    wts_xstem *stem[4]; /* by wts_lang */
    size_t clauses;
    int depth;
    bool headings; /* the query asks for headings: words match theirs too */
    wts_status st;
    wts_buf err;
    wts_query *q;
} qparser;

static void fail(qparser *p, wts_status st, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void fail(qparser *p, wts_status st, size_t at, const char *fmt, ...) {
    if (p->st != WTS_OK) return;
    p->st = st;
    va_list ap;
    va_start(ap, fmt);
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* columns count characters, not bytes: "échange foo:" has foo at 9 */
    size_t column = 1;
    for (size_t k = 0; k < at && k < p->len; k++) column += ((unsigned char)p->s[k] & 0xC0) != 0x80;
    wts_buf_printf(&p->err, "%s (at column %zu)", msg, column);
}

static void node_free(node *n) {
    wts_xquery_free(n->q);
    n->q = NULL;
}

/* Combines two queries with op, freeing both. */
static wts_xquery *join(qparser *p, wts_xop op, wts_xquery *a, wts_xquery *b) {
    if (!a) return b;
    if (!b) return a;
    const wts_xquery *subs[2] = {a, b};
    wts_xquery *r = NULL;
    if (wts_xquery_combine(op, subs, 2, 0, &r) != WTS_OK)
        fail(p, WTS_ERR_NO_MEMORY, p->i, "out of memory");
    wts_xquery_free(a);
    wts_xquery_free(b);
    return r;
}

static bool count_clause(qparser *p, size_t at) {
    if (++p->clauses > WTS_QUERY_MAX_CLAUSES) {
        fail(p, WTS_ERR_LIMIT, at, "query has more than %d words and filters",
             WTS_QUERY_MAX_CLAUSES);
        return false;
    }
    return true;
}

static wts_xquery *term(qparser *p, const char *prefix, const char *value, size_t vlen,
                        uint32_t pos) {
    wts_buf t = WTS_BUF_INIT;
    wts_buf_adds(&t, prefix);
    wts_buf_add(&t, value, vlen);
    wts_xquery *q = NULL;
    if (t.len > 240) /* the index's own term size limit */
        fail(p, WTS_ERR_LIMIT, p->i, "word too long");
    else if (wts_xquery_term(t.data, t.len, 1, pos, &q) != WTS_OK)
        fail(p, WTS_ERR_NO_MEMORY, p->i, "out of memory");
    wts_buf_free(&t);
    return q;
}

static void remember(char ***list, size_t *n, const char *s, size_t len) {
    for (size_t i = 0; i < *n; i++)
        if (strlen((*list)[i]) == len && memcmp((*list)[i], s, len) == 0) return;
    *list = wts_xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = wts_xstrndup(s, len);
}

static wts_xstem *stemmer(qparser *p, wts_lang l) {
    if (!p->stem[l] && wts_xstem_new(wts_lang_code(l), &p->stem[l]) != WTS_OK)
        p->stem[l] = NULL;
    return p->stem[l];
}

/* Adds the term s[0, len) to forms unless it is there; returns the count.
 * forms[n] may already hold s (a stem written in place). */
static size_t add_form(char (*forms)[WTS_MAX_WORD_BYTES * 2 + 2], size_t n, const char *s, size_t len) {
    for (size_t i = 0; i < n; i++)
        if (strlen(forms[i]) == len && memcmp(forms[i], s, len) == 0) return n;
    if (forms[n] != s) {
        memmove(forms[n], s, len);
        forms[n][len] = '\0';
    }
    return n + 1;
}

/* One free-text word: its stems and its folded form as typed, as
 * synonyms, so that "échanges" finds "echange".  The index writes a stem
 * term (Z) only for a word that its stem changes: a word that is its own
 * stem is found under its folded form, so each stem comes with that form
 * too.  The folded form as typed is needed beside the stems of the
 * query's language only when another language stems the word otherwise: a
 * paragraph in that language has its own stem of it; when the query's
 * language is not known, or all three stem it alike, the stems find every
 * paragraph it does and it is left out, one posting list fewer to read
 * (the commonest: "finance" in 100,000 generated documents, 5.9 -> 4.7 ms
 * for a two-word query).  That the form typed (accents included) ranks before other
 * inflections is scored after the match (search.c, "re-ranking"), not by
 * more terms in it. */
static wts_xquery *word_query(qparser *p, const char *w, size_t len) {
    enum { MAX_FORMS = 7 }; /* three stems, each with its plain form, and w */
    char forms[MAX_FORMS][WTS_MAX_WORD_BYTES * 2 + 2];
    size_t nforms = 0;
    remember(&p->q->words, &p->q->nwords, w, len);
    static const wts_lang all[] = {WTS_LANG_EN, WTS_LANG_FR, WTS_LANG_ES};
    bool every = p->lang == WTS_LANG_UNKNOWN; /* every language's stem is there */
    for (size_t k = 0; k < 3; k++) {
        if (p->lang != WTS_LANG_UNKNOWN && all[k] != p->lang) continue;
        wts_xstem *s = stemmer(p, all[k]);
        char *stem = forms[nforms];
        stem[0] = 'Z';
        if (!s || wts_xstem_apply(s, w, len, stem + 1, sizeof forms[0] - 1) != WTS_OK) {
            every = false;
            continue;
        }
        remember(&p->q->stems, &p->q->nstems, stem, strlen(stem));
        nforms = add_form(forms, nforms, stem, strlen(stem));
        nforms = add_form(forms, nforms, stem + 1, strlen(stem + 1));
    }
    for (size_t k = 0; !every && k < 3; k++) { /* do the other languages stem it alike? */
        if (all[k] == p->lang) continue;
        wts_xstem *s = stemmer(p, all[k]);
        char other[WTS_MAX_WORD_BYTES * 2 + 2];
        if (!s || wts_xstem_apply(s, w, len, other, sizeof other) != WTS_OK || strcmp(other, forms[0] + 1) != 0)
            break;
        if (k == 2 || (k == 1 && all[2] == p->lang)) every = true;
    }
    if (!every) nforms = add_form(forms, nforms, w, len);
    wts_xquery *subs[MAX_FORMS + 1];
    for (size_t k = 0; k < nforms; k++) subs[k] = term(p, "", forms[k], strlen(forms[k]), 0);
    /* a heading's words are indexed apart (write.c), under their folded
     * form only */
    if (p->headings) subs[nforms++] = term(p, WTS_PREFIX_SECTION, w, len, 0);
    wts_xquery *r = NULL;
    if (p->st == WTS_OK &&
        wts_xquery_combine(WTS_XOP_SYNONYM, (const wts_xquery *const *)subs, nforms, 0, &r) != WTS_OK)
        fail(p, WTS_ERR_NO_MEMORY, p->i, "out of memory");
    for (size_t k = 0; k < nforms; k++) wts_xquery_free(subs[k]);
    return r;
}

/* Whether words k and k + 1 of s are joined by one apostrophe, of any
 * kind. */
static bool apostrophe_between(const char *s, const wts_words *c, size_t k) {
    wts_buf gap = WTS_BUF_INIT;
    wts_fold(s + c->end[k], c->start[k + 1] - c->end[k], &gap);
    const bool one = gap.len == 1 && gap.data[0] == '\'';
    wts_buf_free(&gap);
    return one;
}

/* French words elided before a vowel: l'OMC, d'approvisionnement,
 * qu'elles, jusqu'au. */
static bool elided(const char *w, size_t len) {
    static const char *const forms[] = {"l", "d", "j", "m", "n", "s", "t", "c",
                                        "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (strlen(forms[i]) == len && memcmp(forms[i], w, len) == 0) return true;
    return false;
}

/* Text that tokenizes into several words ("e-commerce", a quoted phrase)
 * becomes a phrase of exact forms; one word becomes a word query.  Typed
 * as a plain word, an elided article (l'OMC) and an English possessive
 * (women's) are left out, so that the word is stemmed, expanded when an
 * acronym, and found with or without them; other words an apostrophe
 * joins (aujourd'hui) stay a phrase. */
static node text_query(qparser *p, const char *s, size_t len, size_t at, bool exact) {
    node r = {NULL, NODE_TEXT, !exact, false};
    wts_words c;
    wts_words_collect(s, len, &c);
    if (c.n == 0) {
        wts_words_free(&c);
        return r; /* punctuation only: nothing to match, not an error */
    }
    if (!count_clause(p, at)) {
        wts_words_free(&c);
        return r;
    }
    size_t first = 0, end = c.n; /* the words queried */
    if (!exact && end >= 2 && elided(c.w[0], c.len[0]) && apostrophe_between(s, &c, 0)) first = 1;
    if (!exact && end - first >= 2 && c.len[end - 1] == 1 && c.w[end - 1][0] == 's' &&
        apostrophe_between(s, &c, end - 2))
        end--;
    if (end - first == 1 && !exact) {
        r.stop = wts_is_stopword(c.w[first], c.len[first], p->lang);
        r.q = word_query(p, c.w[first], c.len[first]);
        p->q->plain = wts_xrealloc(p->q->plain, (p->q->nplain + 1) * sizeof *p->q->plain);
        p->q->plain[p->q->nplain++] = (struct wts_qword){(size_t)(s - p->s) + c.start[first],
                                                         (size_t)(s - p->s) + c.end[first], wts_xstrdup(c.w[first])};
    } else if (end - first == 1) {
        r.q = term(p, "", c.w[first], c.len[first], 0);
        remember(&p->q->words, &p->q->nwords, c.w[first], c.len[first]);
    } else {
        const size_t n = end - first;
        wts_xquery **subs = wts_xcalloc(n, sizeof *subs);
        for (size_t k = 0; k < n && p->st == WTS_OK; k++) {
            subs[k] = term(p, "", c.w[first + k], c.len[first + k], (uint32_t)(k + 1));
            remember(&p->q->words, &p->q->nwords, c.w[first + k], c.len[first + k]);
        }
        if (p->st == WTS_OK &&
            wts_xquery_combine(WTS_XOP_PHRASE, (const wts_xquery *const *)subs, n, (uint32_t)n, &r.q) != WTS_OK)
            fail(p, WTS_ERR_NO_MEMORY, at, "out of memory");
        for (size_t k = 0; k < n; k++) wts_xquery_free(subs[k]);
        free(subs);
    }
    wts_words_free(&c);
    return r;
}

static node wildcard_query(qparser *p, const char *s, size_t len, size_t at) {
    node r = {NULL, NODE_TEXT, false, false};
    wts_buf f = WTS_BUF_INIT;
    wts_fold(s, len, &f);
    if (f.len < 2 || strpbrk(f.data, " \t'-.,/")) {
        fail(p, WTS_ERR_PARSE, at, "a wildcard needs at least two letters of one word before '*'");
    } else if (count_clause(p, at)) {
        if (wts_xquery_wildcard(f.data, WTS_QUERY_MAX_WILDCARD, &r.q) != WTS_OK)
            fail(p, WTS_ERR_NO_MEMORY, at, "out of memory");
        remember(&p->q->prefixes, &p->q->nprefixes, f.data, f.len);
    }
    wts_buf_free(&f);
    return r;
}

/* symbol:X and cites:X, and bare symbols typed as words. */
static wts_xquery *symbol_terms(qparser *p, const char *prefix, const char *family_prefix,
                                const char *value, size_t vlen, size_t at) {
    if (vlen > 1 && value[vlen - 1] == '*') { /* a series: INF/MSME/W/ and a star */
        char canon[WTS_MAX_SYMBOL];
        size_t base = vlen - 1;
        while (base > 0 && value[base - 1] == '/') base--;
        if (wts_symbol_canon(value, base, canon, sizeof canon) != WTS_OK) {
            fail(p, WTS_ERR_PARSE, at, "'%.*s' is not a document symbol or series", (int)vlen, value);
            return NULL;
        }
        /* own symbols: the series term the indexer writes, one term however
         * large the series; cited ones: the symbols cited, by wildcard */
        if (strcmp(prefix, wts_field_find("symbol", 6)->prefix) == 0)
            return term(p, WTS_PREFIX_SERIES, canon, strlen(canon), 0);
        wts_buf pfx = WTS_BUF_INIT;
        wts_buf_printf(&pfx, "%s%s/", prefix, canon);
        wts_xquery *q = NULL;
        if (wts_xquery_wildcard(pfx.data, WTS_QUERY_MAX_WILDCARD, &q) != WTS_OK)
            fail(p, WTS_ERR_NO_MEMORY, at, "out of memory");
        wts_buf_free(&pfx);
        return q;
    }
    char canon[WTS_MAX_SYMBOL];
    if (wts_symbol_canon(value, vlen, canon, sizeof canon) != WTS_OK) {
        fail(p, WTS_ERR_PARSE, at, "'%.*s' is not a document symbol (e.g. INF/MSME/R/35)",
             (int)vlen, value);
        return NULL;
    }
    /* The symbol itself, and every revision of it when it is a family. */
    wts_xquery *q = term(p, prefix, canon, strlen(canon), 0);
    return join(p, WTS_XOP_OR, q, term(p, family_prefix, canon, strlen(canon), 0));
}

static bool date_bound(qparser *p, const char *s, size_t len, size_t at, bool high, char out[9],
                       wts_date *d) {
    if (wts_date_parse(s, len, d) != WTS_OK) {
        fail(p, WTS_ERR_PARSE, at, "'%.*s' is not a valid date (YYYY, YYYY-MM or YYYY-MM-DD)",
             (int)len, s);
        return false;
    }
    int m = d->month ? d->month : (high ? 12 : 1);
    int dd = d->day ? d->day : (high ? 31 : 1);
    snprintf(out, 9, "%04d%02d%02d", d->year, m, dd);
    return true;
}

/* date:A, date:A..B, date:..B, date:A.. on the document date value. */
static wts_xquery *date_filter(qparser *p, const char *v, size_t len, size_t at, bool mentions) {
    const char *dots = NULL;
    for (size_t k = 0; k + 1 < len; k++)
        if (v[k] == '.' && v[k + 1] == '.') {
            dots = v + k;
            break;
        }
    char lo[9] = "00000000", hi[9] = "99999999";
    wts_date dl = {0, 0, 0}, dh = {0, 0, 0};
    bool have_lo = false, have_hi = false;
    if (!dots) {
        if (!date_bound(p, v, len, at, false, lo, &dl) || !date_bound(p, v, len, at, true, hi, &dh))
            return NULL;
        have_lo = have_hi = true;
    } else {
        size_t a = (size_t)(dots - v);
        if (a && !(have_lo = date_bound(p, v, a, at, false, lo, &dl))) return NULL;
        if (len - a - 2 && !(have_hi = date_bound(p, dots + 2, len - a - 2, at, true, hi, &dh)))
            return NULL;
        if (!have_lo && !have_hi) {
            fail(p, WTS_ERR_PARSE, at, "a date range needs at least one end");
            return NULL;
        }
        if (strcmp(lo, hi) > 0) {
            fail(p, WTS_ERR_PARSE, at, "date range '%.*s' ends before it starts", (int)len, v);
            return NULL;
        }
    }
    wts_xquery *q = NULL;
    if (!mentions) {
        p->q->ranges = true;
        /* the value is the date and a language: "20221231en" <= hi */
        char high[10];
        snprintf(high, sizeof high, "%s~", hi);
        if (wts_xquery_value_range(WTS_SLOT_DATE, lo, high, &q) != WTS_OK)
            fail(p, WTS_ERR_NO_MEMORY, at, "out of memory");
        return q;
    }
    /* Mentioned dates are terms: XD + YYYY, YYYYMM, YYYYMMDD.  A single
     * date asks for its own precision; a range is covered month by month. */
    const char *xd = wts_field_find("mentions", 8)->prefix;
    if (!dots) {
        char t[9];
        size_t n = dl.day ? 8 : dl.month ? 6 : 4;
        memcpy(t, lo, n);
        return term(p, xd, t, n, 0);
    }
    int y0 = have_lo ? dl.year : 1990, m0 = have_lo && dl.month ? dl.month : 1;
    int y1 = have_hi ? dh.year : 2100, m1 = have_hi && dh.month ? dh.month : 12;
    long months = (long)(y1 - y0) * 12 + (m1 - m0) + 1;
    if (months > 600) {
        fail(p, WTS_ERR_LIMIT, at, "a mentions: range may cover at most 50 years");
        return NULL;
    }
    for (int y = y0, m = m0; (y < y1 || (y == y1 && m <= m1)) && p->st == WTS_OK;) {
        char t[8];
        snprintf(t, sizeof t, "%04d%02d", y, m);
        q = join(p, WTS_XOP_OR, q, term(p, xd, t, 6, 0));
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    return q;
}

/* A symbol typed alone: the document itself, and the paragraphs citing it. */
static node bare_symbol(qparser *p, const char *v, size_t len, size_t at) {
    node r = {NULL, NODE_TEXT, false, false};
    if (!count_clause(p, at)) return r;
    const wts_field *own = wts_field_find("symbol", 6), *cites = wts_field_find("cites", 5);
    r.q = symbol_terms(p, own->prefix, WTS_PREFIX_FAMILY, v, len, at);
    r.q = join(p, WTS_XOP_OR, r.q, symbol_terms(p, cites->prefix, WTS_PREFIX_CITED_FAMILY, v, len, at));
    char canon[WTS_MAX_SYMBOL];
    if (wts_symbol_canon(v, len, canon, sizeof canon) == WTS_OK)
        remember(&p->q->symbols, &p->q->nsymbols, canon, strlen(canon));
    return r;
}

static node field_query(qparser *p, const wts_field *f, const char *v, size_t len, size_t at) {
    node r = {NULL, NODE_FILTER, false, false};
    if (len == 0) {
        fail(p, WTS_ERR_PARSE, at, "field '%s:' needs a value", f->name);
        return r;
    }
    if (!count_clause(p, at)) return r;
    switch (f->kind) {
    case WTS_FIELD_SYMBOL: {
        bool cites = strcmp(f->name, "cites") == 0;
        char canon[WTS_MAX_SYMBOL];
        if (cites && wts_symbol_canon(v, len, canon, sizeof canon) == WTS_OK)
            remember(&p->q->symbols, &p->q->nsymbols, canon, strlen(canon));
        r.q = symbol_terms(p, f->prefix, cites ? WTS_PREFIX_CITED_FAMILY : WTS_PREFIX_FAMILY, v,
                           len, at);
        break;
    }
    case WTS_FIELD_DATE:
        r.q = date_filter(p, v, len, at, strcmp(f->name, "mentions") == 0);
        break;
    case WTS_FIELD_TEXT: {
        wts_words c;
        wts_words_collect(v, len, &c);
        for (size_t k = 0; k < c.n; k++) r.q = join(p, WTS_XOP_AND, r.q, term(p, f->prefix, c.w[k], c.len[k], 0));
        wts_words_free(&c);
        r.kind = NODE_TEXT;
        if (!r.q) fail(p, WTS_ERR_PARSE, at, "field '%s:' needs words", f->name);
        break;
    }
    case WTS_FIELD_KEYWORD: {
        wts_buf key = WTS_BUF_INIT;
        if (strcmp(f->name, "member") == 0 || strcmp(f->name, "topic") == 0) {
            wts_gaz g = f->name[0] == 'm' ? WTS_GAZ_MEMBERS : WTS_GAZ_TOPICS;
            const char *id = NULL;
            char *suggest = NULL;
            if (wts_gaz_resolve(g, v, len, &id, &suggest) != WTS_OK) {
                fail(p, WTS_ERR_PARSE, at, "unknown %s '%.*s'%s%s", f->name, (int)len, v,
                     suggest && *suggest ? "; closest: " : "", suggest ? suggest : "");
                free(suggest);
                return r;
            }
            wts_buf_adds(&key, id);
            if (g == WTS_GAZ_MEMBERS) remember(&p->q->members, &p->q->nmembers, id, strlen(id));
        } else if (strcmp(f->name, "lang") == 0) {
            char *code = wts_xstrndup(v, len);
            wts_lang l = wts_lang_from_code(code);
            free(code);
            if (l == WTS_LANG_UNKNOWN) {
                fail(p, WTS_ERR_PARSE, at, "unknown language '%.*s' (en, fr or es)", (int)len, v);
                return r;
            }
            wts_buf_adds(&key, wts_lang_code(l));
        } else if (strcmp(f->name, "type") == 0) {
            for (size_t k = 0; k < len; k++) wts_buf_addc(&key, (char)toupper((unsigned char)v[k]));
        } else {
            p->q->asks_kind = true;
            wts_fold(v, len, &key);
        }
        r.q = term(p, f->prefix, key.data, key.len, 0);
        /* a member or topic filter also ranks: acting members first */
        if (strcmp(f->name, "member") == 0 || strcmp(f->name, "topic") == 0) r.kind = NODE_REQUIRED;
        wts_buf_free(&key);
        break;
    }
    }
    if (!r.q && p->st == WTS_OK) fail(p, WTS_ERR_PARSE, at, "empty value for '%s:'", f->name);
    return r;
}

/* ---- lexing ---- */

static void skip_space(qparser *p) {
    while (p->i < p->len && isspace((unsigned char)p->s[p->i])) p->i++;
}

static bool is_stop(char c) { return isspace((unsigned char)c) || c == '(' || c == ')' || c == '"'; }

static bool at_keyword(qparser *p, const char *kw) {
    size_t n = strlen(kw);
    return p->i + n <= p->len && memcmp(p->s + p->i, kw, n) == 0 &&
           (p->i + n == p->len || is_stop(p->s[p->i + n]));
}

/* The end of a value that runs to the next space; a symbol keeps its
 * bracketed parts ("WT/MIN(17)/58") but not a closing bracket of the
 * query's own. */
static size_t value_end(qparser *p, size_t from, bool symbol) {
    size_t e = from;
    int open = 0;
    while (e < p->len && !isspace((unsigned char)p->s[e]) && p->s[e] != '"') {
        if (p->s[e] == '(') {
            if (!symbol) break;
            open++;
        } else if (p->s[e] == ')') {
            if (!symbol || open == 0) break;
            open--;
        }
        e++;
    }
    return e;
}

static node parse_or(qparser *p);

static node parse_primary(qparser *p) {
    node r = {NULL, NODE_TEXT, false, false};
    skip_space(p);
    size_t at = p->i;
    if (p->i >= p->len) {
        fail(p, WTS_ERR_PARSE, at, "query ends where a word was expected");
        return r;
    }
    char c = p->s[p->i];
    if (c == '(') {
        if (++p->depth > WTS_QUERY_MAX_DEPTH) {
            fail(p, WTS_ERR_LIMIT, at, "brackets nested deeper than %d", WTS_QUERY_MAX_DEPTH);
            return r;
        }
        p->i++;
        r = parse_or(p);
        skip_space(p);
        if (p->st == WTS_OK && (p->i >= p->len || p->s[p->i] != ')'))
            fail(p, WTS_ERR_PARSE, at, "unbalanced '(': no matching ')'");
        else
            p->i++;
        p->depth--;
        return r;
    }
    if (c == ')') {
        fail(p, WTS_ERR_PARSE, at, "unbalanced ')'");
        return r;
    }
    if (c == '"') {
        const char *close = memchr(p->s + p->i + 1, '"', p->len - p->i - 1);
        if (!close) {
            fail(p, WTS_ERR_PARSE, at, "unbalanced '\"': the phrase is not closed");
            return r;
        }
        size_t a = p->i + 1, b = (size_t)(close - p->s);
        p->i = b + 1;
        char canon[WTS_MAX_SYMBOL];
        if (memchr(p->s + a, '/', b - a) && wts_symbol_canon(p->s + a, b - a, canon, sizeof canon) == WTS_OK)
            return bare_symbol(p, p->s + a, b - a, at);
        return text_query(p, p->s + a, b - a, at, true);
    }
    /* field:value? */
    size_t e = p->i;
    while (e < p->len && isalpha((unsigned char)p->s[e])) e++;
    if (e > p->i && e < p->len && p->s[e] == ':' && !(e + 2 < p->len && p->s[e + 1] == '/' && p->s[e + 2] == '/')) {
        const wts_field *f = wts_field_find(p->s + p->i, e - p->i);
        if (!f) {
            wts_buf names = WTS_BUF_INIT;
            size_t nf;
            const wts_field *all = wts_fields(&nf);
            for (size_t k = 0; k < nf; k++) {
                if (k) wts_buf_adds(&names, ", ");
                wts_buf_adds(&names, all[k].name);
            }
            fail(p, WTS_ERR_PARSE, at, "unknown field '%.*s:'; fields are %s", (int)(e - p->i),
                 p->s + p->i, names.data);
            wts_buf_free(&names);
            return r;
        }
        p->i = e + 1;
        if (p->i < p->len && p->s[p->i] == '"') {
            const char *close = memchr(p->s + p->i + 1, '"', p->len - p->i - 1);
            if (!close) {
                fail(p, WTS_ERR_PARSE, p->i, "unbalanced '\"' in the value of '%s:'", f->name);
                return r;
            }
            size_t a = p->i + 1, b = (size_t)(close - p->s);
            p->i = b + 1;
            return field_query(p, f, p->s + a, b - a, at);
        }
        size_t a = p->i, b = value_end(p, a, f->kind == WTS_FIELD_SYMBOL);
        p->i = b;
        return field_query(p, f, p->s + a, b - a, at);
    }
    size_t b = value_end(p, p->i, true);
    /* A word that reads as a whole symbol is looked up as one. */
    char canon[WTS_MAX_SYMBOL];
    if (memchr(p->s + p->i, '/', b - p->i) &&
        wts_symbol_canon(p->s + p->i, b - p->i, canon, sizeof canon) == WTS_OK) {
        size_t a = p->i;
        p->i = b;
        return bare_symbol(p, p->s + a, b - a, at);
    }
    b = value_end(p, p->i, false);
    size_t a = p->i;
    p->i = b;
    if (b > a + 1 && p->s[b - 1] == '*') return wildcard_query(p, p->s + a, b - a - 1, at);
    return text_query(p, p->s + a, b - a, at, false);
}

static node parse_unary(qparser *p) {
    skip_space(p);
    if (at_keyword(p, "NOT")) {
        p->i += 3;
        node n = parse_unary(p);
        if (n.kind != NODE_NEG) n.kind = NODE_NEG;
        return n;
    }
    if (p->i < p->len && p->s[p->i] == '-' && p->i + 1 < p->len && !isspace((unsigned char)p->s[p->i + 1])) {
        p->i++;
        node n = parse_primary(p);
        n.kind = NODE_NEG;
        return n;
    }
    if (p->i < p->len && p->s[p->i] == '+' && p->i + 1 < p->len) {
        p->i++;
        node n = parse_primary(p);
        /* a required word: restricts, and still adds its weight */
        if (n.kind == NODE_TEXT) n.kind = NODE_REQUIRED;
        return n;
    }
    return parse_primary(p);
}

/* Words typed together rank higher in the form typed, near each other
 * (within a few words, which covers a phrase too), in the title, in the
 * heading above the paragraph.  None of it is asked of the index: in the
 * match it cost more terms, positions or posting lists read for every
 * candidate paragraph, so that a query's cost grew with its number of
 * matches.  The words are kept for search.c to score its first hits
 * again. */
static void remember_boost(qparser *p, const char *text, const wts_words *c) {
    if (c->n == 0 || c->n > WTS_BOOST_MAX_WORDS) return;
    size_t content = 0;
    for (size_t k = 0; k < c->n; k++) content += !wts_is_stopword(c->w[k], c->len[k], p->lang);
    struct wts_qboost g = {wts_xcalloc(c->n, sizeof(char *)), wts_xcalloc(c->n, sizeof(char *)), 0,
                           wts_xcalloc(c->n, sizeof(char *)), 0};
    for (size_t k = 0; k < c->n; k++) {
        bool seen = false;
        for (size_t j = 0; j < g.n; j++) seen |= strcmp(g.terms[j], c->w[k]) == 0;
        for (size_t j = 0; j < g.nfunction; j++) seen |= strcmp(g.function[j], c->w[k]) == 0;
        if (seen) continue;
        /* function words rank only in a query of nothing else */
        if (content && wts_is_stopword(c->w[k], c->len[k], p->lang)) {
            g.function[g.nfunction++] = wts_xstrndup(c->w[k], c->len[k]);
            continue;
        }
        g.terms[g.n] = wts_xstrndup(c->w[k], c->len[k]);
        /* the form with its accents, when folding took some away */
        wts_buf lower = WTS_BUF_INIT;
        wts_buf_adds(&lower, WTS_PREFIX_EXACT);
        wts_lower(text + c->start[k], c->end[k] - c->start[k], &lower);
        if (lower.len - strlen(WTS_PREFIX_EXACT) != c->len[k] ||
            memcmp(lower.data + strlen(WTS_PREFIX_EXACT), c->w[k], c->len[k]) != 0)
            g.accented[g.n] = wts_buf_steal(&lower);
        wts_buf_free(&lower);
        g.n++;
    }
    p->q->boosts = wts_xrealloc(p->q->boosts, (p->q->nboosts + 1) * sizeof *p->q->boosts);
    p->q->boosts[p->q->nboosts++] = g;
}

/* Combines juxtaposed items: text parts OR'ed for ranking, required parts
 * and filters AND'ed, negated parts excluded. */
static node combine_seq(qparser *p, node *items, size_t n, const wts_buf *words) {
    wts_xquery *text = NULL, *must = NULL, *neg = NULL;
    bool must_weighs = false, content = false;
    for (size_t k = 0; k < n; k++) content |= items[k].q && items[k].kind == NODE_TEXT && !items[k].stop;
    for (size_t k = 0; k < n; k++) {
        if (!items[k].q) continue;
        if (content && items[k].stop && items[k].kind == NODE_TEXT) continue; /* freed by the caller */
        switch (items[k].kind) {
        case NODE_TEXT: text = join(p, WTS_XOP_OR, text, items[k].q); break;
        case NODE_FILTER: must = join(p, WTS_XOP_AND, must, items[k].q); break;
        case NODE_REQUIRED:
            must = join(p, WTS_XOP_AND, must, items[k].q);
            must_weighs = true;
            break;
        case NODE_NEG: neg = join(p, WTS_XOP_OR, neg, items[k].q); break;
        }
        items[k].q = NULL;
    }
    if (text && words->len && p->st == WTS_OK) {
        wts_words c;
        wts_words_collect(words->data, words->len, &c);
        remember_boost(p, words->data, &c);
        wts_words_free(&c);
    }
    node r = {NULL, NODE_TEXT, false, false};
    if (text && must)
        r.q = join(p, must_weighs ? WTS_XOP_AND_MAYBE : WTS_XOP_FILTER, must_weighs ? must : text,
                   must_weighs ? text : must);
    else if (text)
        r.q = text;
    else if (must) {
        r.q = must;
        r.kind = must_weighs ? NODE_TEXT : NODE_FILTER;
    }
    if (neg) {
        if (!r.q) {
            if (wts_xquery_match_all(&r.q) != WTS_OK) fail(p, WTS_ERR_NO_MEMORY, p->i, "out of memory");
            r.kind = NODE_FILTER;
        }
        r.q = join(p, WTS_XOP_AND_NOT, r.q, neg);
    }
    return r;
}

typedef struct concept_ctx {
    qparser *p;
    node *items;
    size_t *n;
} concept_ctx;

/* An acronym or its expansion in the query also finds the other form:
 * "LEI" finds "Legal Entity Identifier" and the reverse. */
static int add_concept(void *ud, const char *id, size_t start, size_t end) {
    concept_ctx *c = ud;
    if (*c->n >= WTS_QUERY_MAX_CLAUSES) return 1;
    wts_xquery *q = term(c->p, WTS_PREFIX_ACRONYM, id, strlen(id), 0);
    if (q) c->items[(*c->n)++] = (node){q, NODE_TEXT, false, false};
    return 0;
}

static node parse_seq(qparser *p) {
    node items[WTS_QUERY_MAX_CLAUSES + 2];
    size_t n = 0;
    wts_buf words = WTS_BUF_INIT; /* the plain words, where acronyms are looked for */
    for (;;) {
        skip_space(p);
        if (p->st != WTS_OK || p->i >= p->len || p->s[p->i] == ')' || at_keyword(p, "AND") ||
            at_keyword(p, "OR"))
            break;
        if (n == WTS_QUERY_MAX_CLAUSES) {
            fail(p, WTS_ERR_LIMIT, p->i, "query has more than %d words and filters", WTS_QUERY_MAX_CLAUSES);
            break;
        }
        skip_space(p);
        size_t from = p->i;
        items[n] = parse_unary(p);
        if (items[n].words && items[n].kind == NODE_TEXT) {
            wts_buf_add(&words, p->s + from, p->i - from);
            wts_buf_addc(&words, ' ');
        }
        n++;
    }
    if (p->st == WTS_OK && words.len && n < WTS_QUERY_MAX_CLAUSES) {
        concept_ctx c = {p, items, &n};
        wts_gaz_find(WTS_GAZ_ACRONYMS, words.data, words.len, add_concept, &c);
    }
    if (n == 0 && p->st == WTS_OK) {
        if (p->i >= p->len)
            fail(p, WTS_ERR_PARSE, p->i, "query ends where a word was expected");
        else
            fail(p, WTS_ERR_PARSE, p->i, "'%.*s' needs a word before it",
                 p->s[p->i] == ')' ? 1 : (at_keyword(p, "AND") ? 3 : 2), p->s + p->i);
    }
    node r = combine_seq(p, items, n, &words);
    wts_buf_free(&words);
    for (size_t k = 0; k < n; k++) node_free(&items[k]);
    return r;
}

/* a AND b: both must match; a filter side adds no weight. */
static node and_nodes(qparser *p, node a, node b) {
    node r = {NULL, NODE_TEXT, false, false};
    if (b.kind == NODE_NEG && a.kind != NODE_NEG) {
        r.q = join(p, WTS_XOP_AND_NOT, a.q, b.q);
        r.kind = a.kind;
    } else if (a.kind == NODE_NEG && b.kind != NODE_NEG) {
        r.q = join(p, WTS_XOP_AND_NOT, b.q, a.q);
        r.kind = b.kind;
    } else if (a.kind == NODE_NEG) {
        r.q = join(p, WTS_XOP_OR, a.q, b.q);
        r.kind = NODE_NEG;
    } else if (a.kind == NODE_FILTER && b.kind == NODE_FILTER) {
        r.q = join(p, WTS_XOP_AND, a.q, b.q);
        r.kind = NODE_FILTER;
    } else if (a.kind == NODE_FILTER) {
        r.q = join(p, WTS_XOP_FILTER, b.q, a.q);
    } else if (b.kind == NODE_FILTER) {
        r.q = join(p, WTS_XOP_FILTER, a.q, b.q);
    } else {
        r.q = join(p, WTS_XOP_AND, a.q, b.q);
    }
    return r;
}

static node parse_and(qparser *p) {
    node left = parse_seq(p);
    for (;;) {
        skip_space(p);
        if (p->st != WTS_OK || !at_keyword(p, "AND")) break;
        p->i += 3;
        node right = parse_seq(p);
        left = and_nodes(p, left, right);
    }
    return left;
}

static node parse_or(qparser *p) {
    node left = parse_and(p);
    for (;;) {
        skip_space(p);
        if (p->st != WTS_OK || !at_keyword(p, "OR")) break;
        p->i += 2;
        node right = parse_and(p);
        if (left.kind == NODE_NEG || right.kind == NODE_NEG) {
            fail(p, WTS_ERR_PARSE, p->i, "OR cannot join a NOT on its own; write a AND NOT b");
            node_free(&right);
            break;
        }
        enum node_kind k = left.kind == NODE_FILTER && right.kind == NODE_FILTER ? NODE_FILTER : NODE_TEXT;
        left.q = join(p, WTS_XOP_OR, left.q, right.q);
        left.kind = k;
    }
    return left;
}

/* A lang: filter also says the language of the query's words. */
static wts_lang lang_of_filter(const char *text) {
    for (const char *at = strstr(text, "lang:"); at; at = strstr(at + 5, "lang:")) {
        if (at != text && !isspace((unsigned char)at[-1]) && at[-1] != '(') continue;
        char code[16];
        size_t n = strcspn(at + 5, " \t)\"");
        if (n == 0 || n >= sizeof code) continue;
        memcpy(code, at + 5, n);
        code[n] = '\0';
        wts_lang l = wts_lang_from_code(code);
        if (l != WTS_LANG_UNKNOWN) return l;
    }
    return WTS_LANG_UNKNOWN;
}

wts_status wts_query_parse(const char *text, wts_lang lang, wts_query **out, char **errmsg) {
    if (errmsg) *errmsg = NULL;
    if (!out) return WTS_ERR_INVALID;
    *out = NULL;
    if (!text) return WTS_ERR_INVALID;
    qparser p;
    memset(&p, 0, sizeof p);
    p.s = text;
    p.len = strlen(text);
    p.st = WTS_OK;
    p.q = wts_xcalloc(1, sizeof *p.q);
    p.q->text = wts_xstrdup(text);
    size_t bad = wts_utf8_invalid_at(text, p.len);
    bool blank = true;
    for (size_t k = 0; k < p.len; k++) blank &= isspace((unsigned char)text[k]) != 0;
    if (p.len > WTS_QUERY_MAX_BYTES)
        fail(&p, WTS_ERR_LIMIT, WTS_QUERY_MAX_BYTES, "query longer than %d bytes", WTS_QUERY_MAX_BYTES);
    else if (bad < p.len)
        fail(&p, WTS_ERR_PARSE, bad, "query is not valid UTF-8");
    else if (blank)
        fail(&p, WTS_ERR_PARSE, 0, "empty query");
    if (p.st == WTS_OK) {
        p.lang = lang != WTS_LANG_UNKNOWN ? lang : lang_of_filter(text);
        if (p.lang == WTS_LANG_UNKNOWN) p.lang = wts_lang_detect(text, p.len);
        p.q->lang = p.lang;
        p.headings = strstr(text, "kind:") && strcasestr(text, "heading");
        node n = parse_or(&p);
        skip_space(&p);
        if (p.st == WTS_OK && p.i < p.len) fail(&p, WTS_ERR_PARSE, p.i, "unbalanced ')'");
        if (p.st == WTS_OK && !n.q) fail(&p, WTS_ERR_PARSE, 0, "query has no word to search for");
        if (p.st == WTS_OK && n.kind == NODE_NEG) {
            wts_xquery *all = NULL;
            if (wts_xquery_match_all(&all) != WTS_OK) fail(&p, WTS_ERR_NO_MEMORY, 0, "out of memory");
            n.q = join(&p, WTS_XOP_AND_NOT, all, n.q);
            n.kind = NODE_FILTER;
        }
        p.q->xq = n.q;
        p.q->ranked = n.kind == NODE_TEXT;
    }
    for (size_t k = 0; k < 4; k++) wts_xstem_free(p.stem[k]);
    if (p.st != WTS_OK) {
        if (errmsg) *errmsg = wts_buf_steal(&p.err);
        wts_buf_free(&p.err);
        wts_query_free(p.q);
        return p.st;
    }
    wts_buf_free(&p.err);
    *out = p.q;
    return WTS_OK;
}

void wts_query_free(wts_query *q) {
    if (!q) return;
    wts_xquery_free(q->xq);
    for (size_t i = 0; i < q->nwords; i++) free(q->words[i]);
    for (size_t i = 0; i < q->nstems; i++) free(q->stems[i]);
    for (size_t i = 0; i < q->nprefixes; i++) free(q->prefixes[i]);
    for (size_t i = 0; i < q->nsymbols; i++) free(q->symbols[i]);
    free(q->symbols);
    for (size_t i = 0; i < q->nmembers; i++) free(q->members[i]);
    free(q->members);
    for (size_t i = 0; i < q->nplain; i++) free(q->plain[i].folded);
    for (size_t i = 0; i < q->nboosts; i++) {
        for (size_t j = 0; j < q->boosts[i].n; j++) {
            free(q->boosts[i].terms[j]);
            free(q->boosts[i].accented[j]);
        }
        for (size_t j = 0; j < q->boosts[i].nfunction; j++) free(q->boosts[i].function[j]);
        free(q->boosts[i].terms);
        free(q->boosts[i].accented);
        free(q->boosts[i].function);
    }
    free(q->boosts);
    free(q->plain);
    free(q->text);
    free(q->words);
    free(q->stems);
    free(q->prefixes);
    free(q);
}

char *wts_query_describe(const wts_query *q) {
    char *d = NULL;
    if (!q || wts_xquery_describe(q->xq, &d) != WTS_OK) return wts_xstrdup("");
    return d;
}

void wts_query_help(FILE *out) {
    fputs("The query language\n\n"
          "  words            paragraphs with any of the words rank, those with more of\n"
          "                   them and rarer ones first; matching ignores case, accents\n"
          "                   and apostrophes, and finds inflections (stemming in the\n"
          "                   query's language: English, French or Spanish); an elided\n"
          "                   article or a possessive is left out (l'OMC: OMC)\n"
          "  \"a phrase\"       the words in this order, exactly as written\n"
          "  a AND b          both;  a OR b: either;  NOT a, -a: without a\n"
          "  +word            the word must be there\n"
          "  ( ... )          grouping\n"
          "  econom*          words starting with 'econom' (at least two letters)\n"
          "  INF/MSME/W/51    a symbol typed alone: that document and the paragraphs\n"
          "                   that cite it\n\n"
          "Fields (a filter: they restrict and do not rank):\n",
          out);
    size_t n;
    const wts_field *f = wts_fields(&n);
    for (size_t i = 0; i < n; i++) fprintf(out, "  %-10s %s\n", f[i].name, f[i].help);
    fprintf(out,
            "\nA value with spaces goes in quotes: member:\"Hong Kong, China\".\n"
            "Limits: %d bytes, %d words and filters, brackets %d deep, a wildcard\n"
            "expands to at most %d words.  A malformed query is refused with a message\n"
            "giving the column of the problem (exit status 2).\n",
            WTS_QUERY_MAX_BYTES, WTS_QUERY_MAX_CLAUSES, WTS_QUERY_MAX_DEPTH, WTS_QUERY_MAX_WILDCARD);
}
