/* batch.c: one line of a batch, answered as one line of JSON.  Shared by
 * `wtosearch batch` and the daemon's POST /batch. */
#include "wts.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static char *error_line(size_t lineno, const char *query, const char *status, const char *msg) {
    json_t *o = json_object();
    json_object_set_new(o, "line", json_integer((json_int_t)lineno));
    json_object_set_new(o, "query", query ? json_string(query) : json_null());
    json_object_set_new(o, "error", json_string(msg ? msg : "error"));
    json_object_set_new(o, "status", json_string(status));
    char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
    json_decref(o);
    return s ? s : wts_xstrdup("{}");
}

/* Reads the options of a JSON line into opts; a message on a bad one. */
static const char *read_options(json_t *o, wts_search_opts *opts) {
    json_t *v;
    if ((v = json_object_get(o, "limit"))) {
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000)
            return "limit must be an integer from 0 to 1000";
        opts->limit = (uint32_t)json_integer_value(v);
    }
    if ((v = json_object_get(o, "offset"))) {
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000000)
            return "offset must be an integer from 0 to 1000000";
        opts->offset = (uint32_t)json_integer_value(v);
    }
    if ((v = json_object_get(o, "by"))) {
        const char *by = json_string_value(v);
        if (by && strcmp(by, "document") == 0) opts->group = WTS_GROUP_DOCUMENT;
        else if (by && strcmp(by, "paragraph") == 0) opts->group = WTS_GROUP_PARAGRAPH;
        else return "by must be \"document\" or \"paragraph\"";
    }
    if ((v = json_object_get(o, "sort"))) {
        const char *sort = json_string_value(v);
        if (sort && strcmp(sort, "relevance") == 0) opts->order = WTS_ORDER_RELEVANCE;
        else if (sort && strcmp(sort, "newest") == 0) opts->order = WTS_ORDER_NEWEST;
        else if (sort && strcmp(sort, "oldest") == 0) opts->order = WTS_ORDER_OLDEST;
        else return "sort must be \"relevance\", \"newest\" or \"oldest\"";
    }
    if ((v = json_object_get(o, "lang"))) {
        opts->lang = wts_lang_from_code(json_string_value(v));
        if (opts->lang == WTS_LANG_UNKNOWN) return "lang must be \"en\", \"fr\" or \"es\"";
    }
    if ((v = json_object_get(o, "facets"))) {
        if (!json_is_boolean(v)) return "facets must be true or false";
        opts->facets = json_is_true(v);
    }
    return NULL;
}

char *wts_batch_line(wts_xdb *db, const char *line, size_t lineno, const wts_search_opts *defaults,
                     wts_status *status) {
    wts_search_opts opts = *defaults;
    char *query = NULL;
    *status = WTS_OK;
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
    const char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (wts_utf8_invalid_at(line, len) != len) {
        *status = WTS_ERR_PARSE;
        return error_line(lineno, NULL, "bad query", "the line is not valid UTF-8");
    }
    if (*p == '{') {
        json_error_t err;
        json_t *o = json_loadb(line, len, 0, &err);
        if (!o || !json_is_object(o)) {
            json_decref(o);
            *status = WTS_ERR_PARSE;
            wts_buf b = WTS_BUF_INIT;
            wts_buf_printf(&b, "not a JSON object: %s (column %d)", err.text, err.column);
            char *s = error_line(lineno, NULL, "bad request", b.data);
            wts_buf_free(&b);
            return s;
        }
        json_t *q = json_object_get(o, "q");
        if (!q) q = json_object_get(o, "query");
        const char *bad = !json_is_string(q) ? "the object needs a string \"q\"" : read_options(o, &opts);
        if (bad) {
            char *s = error_line(lineno, json_string_value(q), "bad request", bad);
            json_decref(o);
            *status = WTS_ERR_INVALID;
            return s;
        }
        query = wts_xstrdup(json_string_value(q));
        json_decref(o);
    } else {
        query = wts_xstrndup(line, len);
    }
    wts_query *q = NULL;
    char *msg = NULL;
    wts_status st = wts_query_parse(query, opts.lang, &q, &msg);
    char *out;
    if (st != WTS_OK) {
        out = error_line(lineno, query, "bad query", msg);
    } else {
        wts_results *r = NULL;
        st = wts_search(db, q, query, &opts, &r, &msg);
        if (st != WTS_OK) {
            out = error_line(lineno, query, st == WTS_ERR_LIMIT || st == WTS_ERR_BAD_QUERY ? "bad query" : "search failed",
                             msg);
        } else {
            char *json = wts_results_json(r);
            /* "line" first, then the results object's own keys */
            wts_buf b = WTS_BUF_INIT;
            wts_buf_printf(&b, "{\"line\":%zu,%s", lineno, json + 1);
            free(json);
            out = wts_buf_steal(&b);
        }
        wts_results_free(r);
    }
    *status = st;
    wts_query_free(q);
    free(msg);
    free(query);
    return out;
}
