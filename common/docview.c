/* docview.c: one document, whole: its metadata, its paragraphs in order,
 * what it cites and what cites it.  Shared by `wtosearch show` and the
 * daemon's /doc. */
#include "wts.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Paragraphs listed for one document at most: a bound on the answer's
 * size whatever the file. */
#define MAX_PARAGRAPHS 20000
/* Citing paragraphs listed at most. */
#define MAX_CITED_BY 1000

typedef struct id_list {
    wts_docid *v;
    size_t n, cap;
    size_t limit;
} id_list;

static int add_id(void *ud, wts_docid id) {
    id_list *l = ud;
    if (l->n == l->limit) return 1;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = wts_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = id;
    return 0;
}

typedef struct term_list {
    wts_buf terms; /* paths, each ended by '\n' */
} term_list;

/* The record of paragraph id; joined to its document's fields when
 * `joined` (those a document's paragraphs share are stored once). */
static json_t *record(wts_xdb *db, wts_docid id, bool joined, wts_status *st) {
    char *data = NULL;
    size_t len = 0;
    *st = wts_xdb_doc_data(db, id, &data, &len);
    if (*st != WTS_OK) return NULL;
    json_error_t err;
    json_t *o = json_loadb(data, len, 0, &err);
    free(data);
    if (!json_is_object(o)) {
        json_decref(o);
        *st = WTS_ERR_CORRUPT;
        return NULL;
    }
    if (joined) wts_record_join(db, (wts_record *)o); /* on failure, without them */
    return o;
}

static int by_ord(const void *a, const void *b) {
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "ord"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "ord"));
    return (x > y) - (x < y);
}

static void append_unique(json_t *arr, json_t *items) {
    size_t i;
    json_t *v;
    json_array_foreach(items, i, v) {
        bool seen = false;
        size_t j;
        json_t *w;
        json_array_foreach(arr, j, w) seen |= json_equal(v, w);
        if (!seen) json_array_append(arr, v);
    }
}

/* The document stored for one path, or NULL (st set) on failure. */
static json_t *document(wts_xdb *db, const char *path, wts_status *st) {
    wts_buf term = WTS_BUF_INIT;
    wts_buf_printf(&term, "%s%s", WTS_PREFIX_PATH, path);
    id_list ids = {NULL, 0, 0, MAX_PARAGRAPHS};
    *st = wts_xdb_postings(db, term.data, add_id, &ids);
    wts_buf_free(&term);
    if (*st != WTS_OK || ids.n == 0) {
        free(ids.v);
        if (*st == WTS_OK) *st = WTS_ERR_NOT_FOUND;
        return NULL;
    }
    json_t **recs = wts_xcalloc(ids.n, sizeof *recs);
    size_t n = 0;
    for (size_t i = 0; i < ids.n && *st == WTS_OK; i++)
        if ((recs[n] = record(db, ids.v[i], false, st))) n++;
    free(ids.v);
    if (*st != WTS_OK) {
        for (size_t i = 0; i < n; i++) json_decref(recs[i]);
        free(recs);
        return NULL;
    }
    qsort(recs, n, sizeof *recs, by_ord);
    wts_record_join(db, (wts_record *)recs[0]); /* the document's fields, read once */
    json_t *doc = json_object();
    static const char *const doc_keys[] = {"path", "symbol", "symbols", "title", "date", "doc_lang"};
    for (size_t k = 0; k < sizeof doc_keys / sizeof doc_keys[0]; k++) {
        json_t *v = json_object_get(recs[0], doc_keys[k]);
        json_object_set(doc, strcmp(doc_keys[k], "doc_lang") == 0 ? "lang" : doc_keys[k], v ? v : json_null());
    }
    json_t *paras = json_array(), *cites = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_object();
        static const char *const para_keys[] = {"para", "kind", "lang", "text", "members", "acting", "topics", "cites", "dates"};
        for (size_t k = 0; k < sizeof para_keys / sizeof para_keys[0]; k++) {
            json_t *v = json_object_get(recs[i], para_keys[k]);
            json_object_set(p, para_keys[k], v ? v : json_null());
        }
        json_t *c = json_object_get(recs[i], "cites");
        if (json_is_array(c)) append_unique(cites, c);
        json_array_append_new(paras, p);
        json_decref(recs[i]);
    }
    free(recs);
    json_object_set_new(doc, "paragraphs", paras);
    json_object_set_new(doc, "cites", cites);
    return doc;
}

/* Paragraphs that cite any symbol of the document (or its family). */
static json_t *cited_by(wts_xdb *db, json_t *doc, wts_status *st) {
    json_t *out = json_array();
    json_t *symbols = json_object_get(doc, "symbols");
    const char *self = json_string_value(json_object_get(doc, "path"));
    const wts_field *cites = wts_field_find("cites", 5);
    size_t i;
    json_t *s;
    json_array_foreach(symbols, i, s) {
        wts_buf term = WTS_BUF_INIT;
        wts_buf_printf(&term, "%s%s", cites->prefix, json_string_value(s));
        id_list ids = {NULL, 0, 0, MAX_CITED_BY};
        *st = wts_xdb_postings(db, term.data, add_id, &ids);
        wts_buf_free(&term);
        for (size_t k = 0; k < ids.n && *st == WTS_OK; k++) {
            json_t *r = record(db, ids.v[k], true, st);
            if (!r) break;
            const char *path = json_string_value(json_object_get(r, "path"));
            if (!path || !self || strcmp(path, self) != 0) {
                json_t *c = json_object();
                json_object_set_new(c, "cited", json_copy(s));
                static const char *const keys[] = {"path", "symbol", "date", "lang", "para"};
                for (size_t j = 0; j < sizeof keys / sizeof keys[0]; j++) {
                    json_t *v = json_object_get(r, keys[j]);
                    json_object_set(c, keys[j], v ? v : json_null());
                }
                json_array_append_new(out, c);
            }
            json_decref(r);
        }
        free(ids.v);
        if (*st != WTS_OK) break;
    }
    return out;
}

wts_status wts_doc_lookup(wts_xdb *db, const char *key, char **json, char **errmsg) {
    *json = NULL;
    if (errmsg) *errmsg = NULL;
    term_list paths = {WTS_BUF_INIT};
    wts_status st = WTS_OK;
    char canon[WTS_MAX_SYMBOL];
    bool by_symbol = wts_symbol_canon(key, strlen(key), canon, sizeof canon) == WTS_OK;
    if (by_symbol) {
        /* every file holding that symbol: its language versions */
        const wts_field *sym = wts_field_find("symbol", 6);
        wts_buf term = WTS_BUF_INIT;
        wts_buf_printf(&term, "%s%s", sym->prefix, canon);
        id_list ids = {NULL, 0, 0, 100000};
        st = wts_xdb_postings(db, term.data, add_id, &ids);
        wts_buf_free(&term);
        wts_buf seen = WTS_BUF_INIT; /* "\npath\n" per path, to list each once */
        wts_buf_addc(&seen, '\n');
        for (size_t i = 0; i < ids.n && st == WTS_OK; i++) {
            json_t *r = record(db, ids.v[i], false, &st);
            const char *v = json_string_value(json_object_get(r, "path"));
            if (v) {
                wts_buf line = WTS_BUF_INIT;
                wts_buf_printf(&line, "\n%s\n", v);
                if (!strstr(seen.data, line.data)) {
                    wts_buf_adds(&seen, line.data + 1);
                    wts_buf_printf(&paths.terms, "%s\n", v);
                }
                wts_buf_free(&line);
            }
            json_decref(r);
        }
        wts_buf_free(&seen);
        free(ids.v);
    } else {
        char real[PATH_MAX];
        const char *path = realpath(key, real) ? real : key;
        wts_buf_printf(&paths.terms, "%s\n", path);
    }
    if (st != WTS_OK) {
        if (errmsg) *errmsg = wts_xstrdup(wts_xdb_message(db));
        wts_buf_free(&paths.terms);
        return st;
    }
    json_t *docs = json_array();
    const char *p = paths.terms.data ? paths.terms.data : "";
    while (*p && st == WTS_OK) {
        const char *nl = strchr(p, '\n');
        char *path = wts_xstrndup(p, (size_t)(nl - p));
        p = nl + 1;
        json_t *d = document(db, path, &st);
        free(path);
        if (st == WTS_ERR_NOT_FOUND) {
            st = WTS_OK;
            continue;
        }
        if (!d) break;
        json_object_set_new(d, "cited_by", cited_by(db, d, &st));
        json_array_append_new(docs, d);
    }
    wts_buf_free(&paths.terms);
    if (st == WTS_OK && json_array_size(docs) == 0) {
        st = WTS_ERR_NOT_FOUND;
        if (errmsg) {
            wts_buf b = WTS_BUF_INIT;
            wts_buf_printf(&b, "no indexed document %s '%s'", by_symbol ? "has the symbol" : "at", key);
            *errmsg = wts_buf_steal(&b);
        }
    } else if (st != WTS_OK && errmsg) {
        *errmsg = wts_xstrdup(wts_xdb_message(db));
    }
    if (st == WTS_OK) {
        json_t *o = json_object();
        json_object_set_new(o, "key", json_string(key));
        json_object_set_new(o, "documents", docs);
        *json = json_dumps(o, JSON_PRESERVE_ORDER | JSON_INDENT(2));
        json_decref(o);
    } else {
        json_decref(docs);
    }
    return st;
}

static void list(wts_buf *out, const char *label, json_t *arr) {
    if (!json_array_size(arr)) return;
    wts_buf_printf(out, "    %s:", label);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) wts_buf_printf(out, "%s %s", i ? "," : "", json_string_value(v));
    wts_buf_adds(out, "\n");
}

void wts_doc_write_text(const char *json, wts_buf *out) {
    json_error_t err;
    json_t *o = json_loads(json, 0, &err);
    json_t *docs = json_object_get(o, "documents");
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d) {
        const char *sym = json_string_value(json_object_get(d, "symbol"));
        const char *date = json_string_value(json_object_get(d, "date"));
        const char *lang = json_string_value(json_object_get(d, "lang"));
        const char *title = json_string_value(json_object_get(d, "title"));
        if (i) wts_buf_adds(out, "\n");
        wts_buf_printf(out, "%s\n", sym ? sym : json_string_value(json_object_get(d, "path")));
        json_t *syms = json_object_get(d, "symbols");
        if (json_array_size(syms) > 1) list(out, "symbols", syms);
        wts_buf_printf(out, "  path:  %s\n", json_string_value(json_object_get(d, "path")));
        if (title) wts_buf_printf(out, "  title: %s\n", title);
        if (date) wts_buf_printf(out, "  date:  %s\n", date);
        if (lang) wts_buf_printf(out, "  lang:  %s\n", lang);
        wts_buf_adds(out, "\n");
        size_t k;
        json_t *p;
        json_array_foreach(json_object_get(d, "paragraphs"), k, p) {
            const char *kind = json_string_value(json_object_get(p, "kind"));
            const char *label = json_string_value(json_object_get(p, "para"));
            const char *text = json_string_value(json_object_get(p, "text"));
            if (kind && strcmp(kind, "heading") == 0)
                wts_buf_printf(out, "  %s  %s\n", label, text);
            else
                wts_buf_printf(out, "  \u00b6%s%s  %s\n", label, kind && strcmp(kind, "footnote") == 0 ? " (footnote)" : "", text);
        }
        json_t *cites = json_object_get(d, "cites");
        if (json_array_size(cites)) {
            wts_buf_adds(out, "\n  cites:");
            json_t *c;
            json_array_foreach(cites, k, c) wts_buf_printf(out, "%s %s", k ? "," : "", json_string_value(c));
            wts_buf_adds(out, "\n");
        }
        json_t *by = json_object_get(d, "cited_by");
        if (json_array_size(by)) {
            wts_buf_adds(out, "\n  cited by:\n");
            json_t *c;
            json_array_foreach(by, k, c) {
                const char *s = json_string_value(json_object_get(c, "symbol"));
                wts_buf_printf(out, "    %s \u00b6%s (%s)\n", s ? s : json_string_value(json_object_get(c, "path")),
                               json_string_value(json_object_get(c, "para")),
                               json_string_value(json_object_get(c, "cited")));
            }
        }
    }
    json_decref(o);
}
