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
/* Paragraphs citing one symbol of the document listed at most. */
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

/* The stored record of index document id, a file's, or NULL (st set). */
static json_t *file_record(wts_xdb *db, wts_docid id, wts_status *st) {
    return (json_t *)wts_record_read(db, id, st);
}

/* Paragraph k of a file's record in the shape a hit has (lists as [] when
 * empty), or NULL (st set) when the record holds no such paragraph. */
static json_t *paragraph(json_t *file, size_t k, wts_status *st) {
    json_t *r = (json_t *)wts_record_paragraph((const wts_record *)file, k);
    if (!r) *st = WTS_ERR_CORRUPT;
    return r;
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

/* The document stored as index document id, or NULL (st set) on failure. */
static json_t *document(wts_xdb *db, wts_docid id, wts_status *st) {
    json_t *file = file_record(db, id, st);
    if (!file) return NULL;
    json_t *doc = json_object();
    static const char *const doc_keys[] = {"path", "symbol", "symbols", "title", "date", "doc_lang"};
    for (size_t k = 0; k < sizeof doc_keys / sizeof doc_keys[0]; k++) {
        json_t *v = json_object_get(file, doc_keys[k]);
        json_object_set(doc, strcmp(doc_keys[k], "doc_lang") == 0 ? "lang" : doc_keys[k], v ? v : json_null());
    }
    json_t *paras = json_array(), *cites = json_array();
    size_t n = wts_record_nparas((const wts_record *)file);
    for (size_t i = 0; i < n && i < MAX_PARAGRAPHS; i++) {
        json_t *r = paragraph(file, i, st);
        if (!r) break;
        json_t *p = json_object();
        static const char *const para_keys[] = {"para", "kind", "lang", "text", "members", "acting", "topics", "cites", "dates"};
        for (size_t k = 0; k < sizeof para_keys / sizeof para_keys[0]; k++) {
            json_t *v = json_object_get(r, para_keys[k]);
            json_object_set(p, para_keys[k], v ? v : json_null());
        }
        append_unique(cites, json_object_get(r, "cites"));
        json_array_append_new(paras, p);
        json_decref(r);
    }
    json_decref(file);
    if (*st != WTS_OK) {
        json_decref(paras);
        json_decref(cites);
        json_decref(doc);
        return NULL;
    }
    json_object_set_new(doc, "paragraphs", paras);
    json_object_set_new(doc, "cites", cites);
    return doc;
}

/* Whether a paragraph of a file's record cites symbol: has it among its
 * "cites", as its citation term (XC + symbol) says. */
static bool cites_symbol(json_t *para, const char *symbol) {
    json_t *cites = json_object_get(para, "cites");
    size_t i;
    json_t *c;
    json_array_foreach(cites, i, c) {
        const char *s = json_string_value(c);
        if (s && strcmp(s, symbol) == 0) return true;
    }
    return false;
}

/* Appends to out the paragraphs of a file's record citing symbol s, up to
 * MAX_CITED_BY for that symbol (*listed counts them). */
static void list_citing(json_t *file, json_t *s, json_t *out, size_t *listed) {
    json_t *paras = json_object_get(file, "paras");
    size_t j;
    json_t *para;
    json_array_foreach(paras, j, para) {
        if (*listed == MAX_CITED_BY) break;
        if (!cites_symbol(para, json_string_value(s))) continue;
        json_t *r = (json_t *)wts_record_paragraph((const wts_record *)file, j);
        json_t *c = json_object();
        json_object_set_new(c, "cited", json_copy(s));
        static const char *const keys[] = {"path", "symbol", "date", "lang", "para"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            json_t *v = json_object_get(r, keys[k]);
            json_object_set(c, keys[k], v ? v : json_null());
        }
        json_array_append_new(out, c);
        json_decref(r);
        (*listed)++;
    }
}

/* Paragraphs of other files that cite any symbol of the document: in the
 * files its citation terms index, each file read once. */
static json_t *cited_by(wts_xdb *db, json_t *doc, wts_status *st) {
    json_t *out = json_array();
    json_t *symbols = json_object_get(doc, "symbols");
    const char *self = json_string_value(json_object_get(doc, "path"));
    const wts_field *cites = wts_field_find("cites", 5);
    size_t i;
    json_t *s;
    json_array_foreach(symbols, i, s) {
        if (!json_is_string(s)) continue;
        wts_buf term = WTS_BUF_INIT;
        wts_buf_printf(&term, "%s%s", cites->prefix, json_string_value(s));
        /* each file but the document's own lists one paragraph at least */
        id_list ids = {NULL, 0, 0, MAX_CITED_BY + 1};
        *st = wts_xdb_postings(db, term.data, add_id, &ids);
        wts_buf_free(&term);
        size_t listed = 0;
        for (size_t k = 0; k < ids.n && *st == WTS_OK && listed < MAX_CITED_BY; k++) {
            json_t *file = file_record(db, ids.v[k], st);
            if (!file) break;
            const char *path = json_string_value(json_object_get(file, "path"));
            if (!path || !self || strcmp(path, self) != 0) list_citing(file, s, out, &listed);
            json_decref(file);
        }
        free(ids.v);
        if (*st != WTS_OK) break;
    }
    return out;
}

wts_status wts_doc_lookup(wts_xdb *db, const char *key, char **json, char **errmsg) {
    *json = NULL;
    if (errmsg) *errmsg = NULL;
    char canon[WTS_MAX_SYMBOL];
    bool by_symbol = wts_symbol_canon(key, strlen(key), canon, sizeof canon) == WTS_OK;
    /* the files to show: every file holding that symbol (its language
     * versions), or the one at that path */
    wts_buf term = WTS_BUF_INIT;
    id_list ids = {NULL, 0, 0, 100000};
    if (by_symbol) {
        wts_buf_printf(&term, "%s%s", wts_field_find("symbol", 6)->prefix, canon);
    } else {
        char real[PATH_MAX];
        wts_buf_printf(&term, "%s%s", WTS_PREFIX_PATH, realpath(key, real) ? real : key);
        ids.limit = 1;
    }
    wts_status st = wts_xdb_postings(db, term.data, add_id, &ids);
    wts_buf_free(&term);
    if (st != WTS_OK) {
        if (errmsg) *errmsg = wts_xstrdup(wts_xdb_message(db));
        free(ids.v);
        return st;
    }
    json_t *docs = json_array();
    for (size_t i = 0; i < ids.n && st == WTS_OK; i++) {
        json_t *d = document(db, ids.v[i], &st);
        if (!d) break;
        json_object_set_new(d, "cited_by", cited_by(db, d, &st));
        json_array_append_new(docs, d);
    }
    free(ids.v);
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
                /* a document's language versions cite alike: each says its language */
                const char *s = json_string_value(json_object_get(c, "symbol"));
                const char *citing_lang = json_string_value(json_object_get(c, "lang"));
                wts_buf_printf(out, "    %s \u00b6%s", s ? s : json_string_value(json_object_get(c, "path")),
                               json_string_value(json_object_get(c, "para")));
                if (citing_lang) wts_buf_printf(out, " [%s]", citing_lang);
                wts_buf_printf(out, " (%s)\n", json_string_value(json_object_get(c, "cited")));
            }
        }
    }
    json_decref(o);
}
