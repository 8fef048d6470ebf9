/* writer.c: one result writer for the command line and the daemon.
 *
 * The JSON shape is a contract with scripts (README, "JSON output"): keys
 * keep their names and order; new keys may be added, none removed. */
#include "wts.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static json_t *str_or_null(json_t *rec, const char *key) {
    json_t *v = json_object_get(rec, key);
    return json_is_string(v) && json_string_length(v) ? json_incref(v) : json_null();
}

static json_t *array_or_empty(json_t *rec, const char *key) {
    json_t *v = json_object_get(rec, key);
    return json_is_array(v) ? json_incref(v) : json_array();
}

/* The record of h as a JSON object, a new reference: an empty one when
 * the search could not read it. */
static json_t *hit_record(const wts_hit *h) {
    return h->record ? json_incref((json_t *)h->record) : json_object();
}

static json_t *hit_json(const wts_results *r, const wts_hit *h) {
    json_t *rec = hit_record(h);
    json_t *o = json_object();
    json_object_set_new(o, "path", str_or_null(rec, "path"));
    json_object_set_new(o, "symbol", str_or_null(rec, "symbol"));
    json_object_set_new(o, "symbols", array_or_empty(rec, "symbols"));
    json_object_set_new(o, "title", str_or_null(rec, "title"));
    json_object_set_new(o, "date", str_or_null(rec, "date"));
    json_object_set_new(o, "lang", str_or_null(rec, "lang"));
    json_t *langs = json_array(); /* every language the document is indexed in */
    const char *l = h->languages ? h->languages : "";
    while (*l) {
        size_t n = strcspn(l, " ");
        json_array_append_new(langs, json_stringn(l, n));
        l += n + (l[n] == ' ');
    }
    if (!json_array_size(langs) && json_is_string(json_object_get(rec, "doc_lang")))
        json_array_append(langs, json_object_get(rec, "doc_lang"));
    json_object_set_new(o, "languages", langs);
    json_object_set_new(o, "para", str_or_null(rec, "para"));
    json_object_set_new(o, "kind", str_or_null(rec, "kind"));
    json_object_set_new(o, "score", json_real(h->score));
    json_object_set_new(o, "snippet", json_string(h->snippet ? h->snippet : ""));
    json_object_set_new(o, "text", str_or_null(rec, "text"));
    json_object_set_new(o, "members", array_or_empty(rec, "members"));
    json_object_set_new(o, "acting", array_or_empty(rec, "acting"));
    json_object_set_new(o, "topics", array_or_empty(rec, "topics"));
    json_object_set_new(o, "cites", array_or_empty(rec, "cites"));
    if (r->group == WTS_GROUP_DOCUMENT)
        json_object_set_new(o, "matching_paragraphs", json_integer(h->matching_paragraphs));
    json_decref(rec);
    return o;
}

/* {"member": [{"value": "mex", "count": 3}, ...], "topic": [...], ...},
 * each list by count, largest first. */
static json_t *facets_json(const wts_results *r) {
    static const char *const kinds[] = {"member", "topic", "year", "lang", "type"};
    json_t *o = json_object();
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t kl = strlen(kinds[k]);
        json_t *arr = json_array();
        /* insertion by count keeps the list ordered; facets are few */
        for (size_t i = 0; i < r->nfacets; i++) {
            const char *key = r->facets[i].key;
            if (strncmp(key, kinds[k], kl) != 0 || key[kl] != ':') continue;
            json_t *e = json_object();
            json_object_set_new(e, "value", json_string(key + kl + 1));
            json_object_set_new(e, "count", json_integer(r->facets[i].count));
            size_t at = json_array_size(arr);
            while (at > 0 && json_integer_value(json_object_get(json_array_get(arr, at - 1), "count")) <
                                 (json_int_t)r->facets[i].count)
                at--;
            json_array_insert_new(arr, at, e);
        }
        json_object_set_new(o, kinds[k], arr);
    }
    return o;
}

static json_t *results_object(const wts_results *r) {
    json_t *o = json_object();
    json_object_set_new(o, "query", json_string(r->query ? r->query : ""));
    json_object_set_new(o, "total", json_integer(r->total));
    json_object_set_new(o, "total_exact", json_boolean(r->total_exact));
    json_object_set_new(o, "offset", json_integer(r->offset));
    json_object_set_new(o, "by", json_string(r->group == WTS_GROUP_DOCUMENT ? "document" : "paragraph"));
    json_t *hits = json_array();
    for (size_t i = 0; i < r->nhits; i++) json_array_append_new(hits, hit_json(r, &r->hits[i]));
    json_object_set_new(o, "hits", hits);
    if (r->suggestion) json_object_set_new(o, "suggestion", json_string(r->suggestion));
    if (r->nfacets) json_object_set_new(o, "facets", facets_json(r));
    return o;
}

char *wts_results_json(const wts_results *r) {
    json_t *o = results_object(r);
    char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
    json_decref(o);
    return s ? s : wts_xstrdup("{}");
}

static void add_json(wts_buf *out, json_t *o, size_t flags) {
    char *s = json_dumps(o, flags | JSON_PRESERVE_ORDER);
    if (s) {
        wts_buf_adds(out, s);
        free(s);
    }
}

#define ANSI_BOLD "\033[1m"
#define ANSI_DIM "\033[2m"
#define ANSI_HL "\033[1;33m"
#define ANSI_OFF "\033[0m"

/* The snippet with its markers shown as colour or as [brackets]. */
static void add_snippet(wts_buf *out, const char *snip, bool colour) {
    const char *open = WTS_HL_OPEN, *close = WTS_HL_CLOSE;
    size_t ol = strlen(open), cl = strlen(close);
    for (const char *p = snip; *p;) {
        if (strncmp(p, open, ol) == 0) {
            wts_buf_adds(out, colour ? ANSI_HL : "[");
            p += ol;
        } else if (strncmp(p, close, cl) == 0) {
            wts_buf_adds(out, colour ? ANSI_OFF : "]");
            p += cl;
        } else {
            wts_buf_addc(out, *p++);
        }
    }
}

static const char *field(json_t *rec, const char *key) {
    const char *s = json_string_value(json_object_get(rec, key));
    return s && *s ? s : NULL;
}

static void write_text_facets(const wts_results *r, wts_buf *out) {
    json_t *f = facets_json(r);
    const char *kind;
    json_t *arr;
    wts_buf_adds(out, "Matching paragraphs by\n");
    json_object_foreach(f, kind, arr) {
        if (!json_array_size(arr)) continue;
        wts_buf_printf(out, "  %-7s", kind);
        size_t i;
        json_t *e;
        json_array_foreach(arr, i, e) {
            if (i == 12) {
                wts_buf_printf(out, " (+%zu more)", json_array_size(arr) - 12);
                break;
            }
            wts_buf_printf(out, " %s %lld", json_string_value(json_object_get(e, "value")),
                           (long long)json_integer_value(json_object_get(e, "count")));
        }
        wts_buf_adds(out, "\n");
    }
    wts_buf_adds(out, "\n");
    json_decref(f);
}

static void write_text(const wts_results *r, bool colour, wts_buf *out) {
    if (r->suggestion) wts_buf_printf(out, "Did you mean: %s\n", r->suggestion);
    if (r->nhits == 0) {
        wts_buf_printf(out, "No match for: %s\n", r->query);
        return;
    }
    if (r->nfacets) write_text_facets(r, out);
    const char *unit = r->group == WTS_GROUP_DOCUMENT ? "document" : "paragraph";
    wts_buf_printf(out, "%s%s%u %s%s for: %s (showing %u-%u)\n\n", colour ? ANSI_DIM : "",
                   r->total_exact ? "" : "about ", r->total, unit, r->total == 1 ? "" : "s", r->query,
                   r->offset + 1, r->offset + (uint32_t)r->nhits);
    if (colour) wts_buf_adds(out, ANSI_OFF);
    for (size_t i = 0; i < r->nhits; i++) {
        const wts_hit *h = &r->hits[i];
        json_t *rec = hit_record(h);
        const char *symbol = field(rec, "symbol"), *path = field(rec, "path");
        const char *para = field(rec, "para"), *date = field(rec, "date");
        const char *title = field(rec, "title"), *lang = field(rec, "lang");
        wts_buf_printf(out, "%2zu. %s%s%s", r->offset + i + 1, colour ? ANSI_BOLD : "",
                       symbol ? symbol : (path ? path : "?"), colour ? ANSI_OFF : "");
        if (para) wts_buf_printf(out, " \u00b6%s", para);
        if (date) wts_buf_printf(out, "  %s", date);
        if (h->languages && strchr(h->languages, ' '))
            wts_buf_printf(out, "  [%s; versions: %s]", lang ? lang : "?", h->languages);
        else if (lang)
            wts_buf_printf(out, "  [%s]", lang);
        if (title) wts_buf_printf(out, "  %s", title);
        wts_buf_adds(out, "\n    ");
        add_snippet(out, h->snippet ? h->snippet : "", colour);
        wts_buf_adds(out, "\n");
        if (colour) wts_buf_adds(out, ANSI_DIM);
        wts_buf_printf(out, "    %s", path ? path : "");
        if (r->group == WTS_GROUP_DOCUMENT && h->matching_paragraphs > 1)
            wts_buf_printf(out, "  (%u matching paragraphs)", h->matching_paragraphs);
        wts_buf_printf(out, "  score %.2f", h->score);
        if (colour) wts_buf_adds(out, ANSI_OFF);
        wts_buf_adds(out, "\n\n");
        json_decref(rec);
    }
}

/* One CSV field, quoted when it must be (RFC 4180). */
static void csv_field(wts_buf *out, const char *v, bool last) {
    if (!v) v = "";
    if (strpbrk(v, ",\"\n\r")) {
        wts_buf_addc(out, '"');
        for (const char *p = v; *p; p++) {
            if (*p == '"') wts_buf_addc(out, '"');
            wts_buf_addc(out, *p);
        }
        wts_buf_addc(out, '"');
    } else {
        wts_buf_adds(out, v);
    }
    wts_buf_adds(out, last ? "\r\n" : ",");
}

static char *joined(json_t *rec, const char *key) {
    wts_buf b = WTS_BUF_INIT;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(rec, key), i, v) {
        if (b.len) wts_buf_addc(&b, ' ');
        wts_buf_adds(&b, json_string_value(v) ? json_string_value(v) : "");
    }
    return wts_buf_steal(&b);
}

static void write_csv(const wts_results *r, wts_buf *out) {
    static const char *const cols[] = {"rank", "symbol", "para", "kind", "date", "lang", "title", "path",
                                       "score", "matching_paragraphs", "members", "topics", "cites", "snippet"};
    size_t ncols = sizeof cols / sizeof cols[0];
    for (size_t c = 0; c < ncols; c++) csv_field(out, cols[c], c + 1 == ncols);
    for (size_t i = 0; i < r->nhits; i++) {
        const wts_hit *h = &r->hits[i];
        json_t *rec = hit_record(h);
        char rank[24], score[32], matching[24];
        snprintf(rank, sizeof rank, "%zu", r->offset + i + 1);
        snprintf(score, sizeof score, "%.4f", h->score);
        snprintf(matching, sizeof matching, "%u", h->matching_paragraphs);
        char *members = joined(rec, "members"), *topics = joined(rec, "topics"), *cites = joined(rec, "cites");
        csv_field(out, rank, false);
        csv_field(out, field(rec, "symbol"), false);
        csv_field(out, field(rec, "para"), false);
        csv_field(out, field(rec, "kind"), false);
        csv_field(out, field(rec, "date"), false);
        csv_field(out, field(rec, "lang"), false);
        csv_field(out, field(rec, "title"), false);
        csv_field(out, field(rec, "path"), false);
        csv_field(out, score, false);
        csv_field(out, r->group == WTS_GROUP_DOCUMENT ? matching : "", false);
        csv_field(out, members, false);
        csv_field(out, topics, false);
        csv_field(out, cites, false);
        csv_field(out, h->snippet, true);
        free(members);
        free(topics);
        free(cites);
        json_decref(rec);
    }
}

void wts_results_write(const wts_results *r, wts_format fmt, bool colour, wts_buf *out) {
    switch (fmt) {
    case WTS_FMT_TEXT: write_text(r, colour, out); break;
    case WTS_FMT_JSON: {
        json_t *o = results_object(r);
        add_json(out, o, JSON_INDENT(2));
        wts_buf_adds(out, "\n");
        json_decref(o);
        break;
    }
    case WTS_FMT_JSONL:
        for (size_t i = 0; i < r->nhits; i++) {
            json_t *o = hit_json(r, &r->hits[i]);
            json_object_set_new(o, "query", json_string(r->query ? r->query : ""));
            add_json(out, o, JSON_COMPACT);
            wts_buf_adds(out, "\n");
            json_decref(o);
        }
        break;
    case WTS_FMT_CSV: write_csv(r, out); break;
    }
}
