/* routes.c: the endpoints, as the workers run them.
 *
 *   GET  /search   one query: the results object of `wtosearch search --json`
 *   GET  /doc/KEY  one document: the object of `wtosearch show --json`
 *   POST /batch    JSON Lines: one results object (or error) per line
 *   GET  /stats    uptime, counters, latency percentiles, the index
 *   GET  /, /app.js, /app.css   the web page (searchd/web/), compiled in
 *
 * Result JSON comes from the shared writer (wts_results_json,
 * wts_doc_lookup); only errors and /stats are written here. */
#include "searchd.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CT_JSON "application/json; charset=utf-8"
#define CT_JSONL "application/x-ndjson; charset=utf-8"

/* Keys and values echoed in messages are cut to this many bytes. */
#define ECHO_MAX 64

/* ------------------------------------------------------------------ */
/* Responses                                                           */

/* A JSON string of any bytes: invalid UTF-8 becomes U+FFFD. */
static json_t *json_text(const char *s) {
    size_t len = strlen(s);
    if (wts_utf8_invalid_at(s, len) == len) return json_stringn(s, len);
    wts_buf b = WTS_BUF_INIT;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = wts_utf8_decode(s + i, len - i, &cp);
        if (wts_utf8_invalid_at(s + i, n) != n) cp = 0xFFFD;
        wts_utf8_encode(&b, cp);
        i += n;
    }
    json_t *j = json_stringn(b.data ? b.data : "", b.len);
    wts_buf_free(&b);
    return j ? j : json_string("?");
}

__attribute__((format(printf, 1, 0))) static char *vformat(const char *fmt, va_list ap) {
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0) {
        sd_log("out of memory formatting a message");
        abort();
    }
    return s;
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    return s;
}

static char *dump(json_t *o) {
    char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(6));
    json_decref(o);
    if (!s) {
        sd_log("out of memory writing JSON");
        abort();
    }
    return s;
}

void sd_response_json(sd_response *r, unsigned status, char *json) {
    wts_buf b = WTS_BUF_INIT;
    wts_buf_adds(&b, json);
    wts_buf_addc(&b, '\n');
    free(json);
    free(r->body);
    r->status = status;
    r->len = b.len;
    r->body = wts_buf_steal(&b);
    r->content_type = CT_JSON;
}

void sd_response_error(sd_response *r, unsigned status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    json_t *o = json_object();
    json_object_set_new(o, "error", json_text(msg));
    json_object_set_new(o, "status", json_integer(status));
    free(msg);
    sd_response_json(r, status, dump(o));
}

/* ------------------------------------------------------------------ */
/* Search parameters                                                   */

enum { P_Q, P_LIMIT, P_OFFSET, P_BY, P_SORT, P_FACETS, P_LANG, NPARAMS };
static const char *const param_names[NPARAMS] = {
    [P_Q] = "q", [P_LIMIT] = "limit", [P_OFFSET] = "offset", [P_BY] = "by",
    [P_SORT] = "sort", [P_FACETS] = "facets", [P_LANG] = "lang",
};

#define MAX_LIMIT 1000      /* the command line's bound */
#define MAX_OFFSET 1000000  /* deeper paging is no reading, it is a crawl */

static bool is(const char *s, size_t n, const char *lit) {
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

static bool parse_uint(const char *s, size_t n, uint32_t max, uint32_t *out) {
    if (n == 0 || n > 10) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > max) return false;
    *out = (uint32_t)v;
    return true;
}

void sd_query_args_init(sd_query_args *a, const sd_config *cfg) {
    memset(a, 0, sizeof *a);
    wts_search_opts_init(&a->opts);
    a->opts.time_limit = cfg->time_limit;
}

void sd_query_args_free(sd_query_args *a) {
    free(a->q);
    a->q = NULL;
}

bool sd_query_args_set(sd_query_args *a, const char *key, size_t klen, const char *val,
                       size_t vlen, char **err) {
    int which = -1;
    for (int i = 0; i < NPARAMS; i++)
        if (is(key, klen, param_names[i])) which = i;
    if (which < 0) {
        *err = format("unknown parameter '%.*s' (known: q, by, sort, limit, offset, facets, lang)",
                      (int)(klen > ECHO_MAX ? ECHO_MAX : klen), key);
        return false;
    }
    const char *name = param_names[which];
    if (a->given & (1u << which)) {
        *err = format("parameter %s given more than once", name);
        return false;
    }
    a->given |= 1u << which;
    if (wts_utf8_invalid_at(val, vlen) != vlen) {
        *err = format("%s is not valid UTF-8 text", name);
        return false;
    }
    if (memchr(val, '\0', vlen)) {
        *err = format("%s holds a NUL byte", name);
        return false;
    }
    switch (which) {
    case P_Q:
        a->q = wts_xstrndup(val, vlen);
        return true;
    case P_LIMIT:
        if (parse_uint(val, vlen, MAX_LIMIT, &a->opts.limit)) return true;
        *err = format("limit must be 0..%d", MAX_LIMIT);
        return false;
    case P_OFFSET:
        if (parse_uint(val, vlen, MAX_OFFSET, &a->opts.offset)) return true;
        *err = format("offset must be 0..%d", MAX_OFFSET);
        return false;
    case P_BY:
        if (is(val, vlen, "document")) a->opts.group = WTS_GROUP_DOCUMENT;
        else if (is(val, vlen, "paragraph")) a->opts.group = WTS_GROUP_PARAGRAPH;
        else break;
        return true;
    case P_SORT:
        if (is(val, vlen, "relevance")) a->opts.order = WTS_ORDER_RELEVANCE;
        else if (is(val, vlen, "newest")) a->opts.order = WTS_ORDER_NEWEST;
        else if (is(val, vlen, "oldest")) a->opts.order = WTS_ORDER_OLDEST;
        else break;
        return true;
    case P_FACETS:
        if (is(val, vlen, "1") || is(val, vlen, "true") || vlen == 0) a->opts.facets = true;
        else if (is(val, vlen, "0") || is(val, vlen, "false")) a->opts.facets = false;
        else break;
        return true;
    case P_LANG:
        if (is(val, vlen, "en")) a->opts.lang = WTS_LANG_EN;
        else if (is(val, vlen, "fr")) a->opts.lang = WTS_LANG_FR;
        else if (is(val, vlen, "es")) a->opts.lang = WTS_LANG_ES;
        else break;
        return true;
    }
    static const char *const accepted[NPARAMS] = {
        [P_BY] = "document or paragraph",
        [P_SORT] = "relevance, newest or oldest",
        [P_FACETS] = "1 or 0",
        [P_LANG] = "en, fr or es",
    };
    *err = format("%s must be %s", name, accepted[which] ? accepted[which] : "valid");
    return false;
}

bool sd_query_args_check(const sd_query_args *a, char **err) {
    if (!a->q) {
        *err = format("missing parameter q (the query)");
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Running a query                                                     */

/* The HTTP status of a failure of the index layer. */
static unsigned http_status(wts_status st) {
    switch (st) {
    case WTS_ERR_LIMIT:
    case WTS_ERR_BAD_QUERY:
    case WTS_ERR_PARSE:
    case WTS_ERR_INVALID: return 400;
    case WTS_ERR_NOT_FOUND: return 404;
    case WTS_ERR_NO_INDEX:
    case WTS_ERR_LOCKED:
    case WTS_ERR_MODIFIED:
    case WTS_ERR_CORRUPT:
    case WTS_ERR_VERSION:
    case WTS_ERR_IO: return 503;
    default: return 500;
    }
}

static char *message(char *msg, wts_status st) {
    return msg ? msg : wts_xstrdup(wts_status_name(st));
}

/* What an answer is kept under (cache.c): the state of the index the
 * slot reads, every option that changes the answer, the query as typed.
 * NULL when the state cannot be read: then nothing is kept. */
static char *cache_key(wts_xdb *db, const sd_query_args *a, size_t *len) {
    char *state = NULL;
    if (wts_xdb_state(db, &state) != WTS_OK) return NULL;
    const wts_search_opts *o = &a->opts;
    wts_buf k = WTS_BUF_INIT;
    wts_buf_printf(&k, "%s\n%u %u %d %d %d %d\n%s", state, (unsigned)o->offset, (unsigned)o->limit, (int)o->group,
                   (int)o->order, (int)o->lang, (int)o->facets, a->q);
    free(state);
    *len = k.len;
    return wts_buf_steal(&k);
}

/* Whether db still reads the state key (cache_key) was made of. */
static bool still_of_state(wts_xdb *db, const char *key) {
    char *state = NULL;
    bool same = wts_xdb_state(db, &state) == WTS_OK && strncmp(key, state, strlen(state)) == 0 &&
                key[strlen(state)] == '\n';
    free(state);
    return same;
}

/* Runs one query, or gives the answer kept for it.  200: *out is the
 * results object (compact JSON); else *out is the message of the error. */
static unsigned run_query(sd_server *srv, sd_slot *slot, const sd_query_args *a, double time_limit, char **out) {
    const char *why = NULL;
    wts_xdb *db = sd_slot_db(slot, false, &why);
    size_t klen = 0;
    char *key = db && srv->cache ? cache_key(db, a, &klen) : NULL;
    if (key && (*out = sd_cache_get(srv->cache, key, klen))) {
        free(key);
        return 200;
    }
    wts_query *q = NULL;
    char *msg = NULL;
    wts_status st = wts_query_parse(a->q, a->opts.lang, &q, &msg);
    if (st != WTS_OK) {
        free(key);
        *out = message(msg, st);
        return 400;
    }
    if (!db) {
        wts_query_free(q);
        *out = wts_xstrdup(why);
        return 503;
    }
    wts_search_opts opts = a->opts;
    opts.time_limit = time_limit;
    wts_results *r = NULL;
    double started = sd_now();
    st = wts_search(db, q, a->q, &opts, &r, &msg);
    double took = sd_now() - started;
    wts_query_free(q);
    if (st != WTS_OK) {
        free(key);
        unsigned code = http_status(st);
        if (code == 503) sd_slot_reset(slot);
        if (code == 500) sd_log("search failed: %s", msg ? msg : wts_status_name(st));
        *out = message(msg, st);
        return code;
    }
    *out = wts_results_json(r);
    wts_results_free(r);
    /* Kept when whole and of the state it is kept under: each match of a
     * search gets the time limit, so a search shorter than it was cut
     * nowhere; a search that moved to a newer revision (a writer went on)
     * answers for that one. */
    if (key && took < time_limit && still_of_state(db, key))
        sd_cache_put(srv->cache, key, klen, *out, strlen(*out));
    free(key);
    return 200;
}

static void route_search(sd_server *srv, sd_slot *slot, sd_work *w) {
    char *out = NULL;
    unsigned code = run_query(srv, slot, &w->args, srv->cfg.time_limit, &out);
    if (code == 200) {
        sd_stats_query(&srv->stats, (sd_now() - w->received) * 1000.0);
        sd_response_json(&w->resp, 200, out);
    } else {
        sd_response_error(&w->resp, code, "%s", out);
        free(out);
    }
}

/* ------------------------------------------------------------------ */
/* POST /batch                                                         */

/* The parameters of one line: a JSON object, or else the query itself. */
static bool line_args(const char *line, size_t len, sd_query_args *a, char **err) {
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
    size_t end = len;
    while (end > i && (line[end - 1] == ' ' || line[end - 1] == '\t')) end--;
    if (i == end) {
        *err = format("empty line: give a query, or {\"q\": ...}");
        return false;
    }
    if (line[i] != '{') return sd_query_args_set(a, "q", 1, line + i, end - i, err);
    json_error_t jerr;
    json_t *o = json_loadb(line + i, end - i, JSON_REJECT_DUPLICATES, &jerr);
    if (!o) {
        *err = format("not valid JSON: %s (at column %d)", jerr.text, jerr.column + (int)i);
        return false;
    }
    bool ok = json_is_object(o);
    if (!ok) *err = format("a line is a JSON object or a plain query");
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        if (!ok) break;
        char num[64];
        const char *text = NULL;
        size_t tlen = 0;
        if (json_is_string(v)) {
            text = json_string_value(v);
            tlen = json_string_length(v);
        } else if (json_is_integer(v)) {
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
            text = num;
        } else if (json_is_real(v)) {
            snprintf(num, sizeof num, "%.17g", json_real_value(v));
            text = num;
        } else if (json_is_boolean(v)) {
            text = json_is_true(v) ? "1" : "0";
        }
        if (!text) {
            *err = format("%.*s must be a string or a number", ECHO_MAX, key);
            ok = false;
            break;
        }
        if (!tlen) tlen = strlen(text);
        ok = sd_query_args_set(a, key, strlen(key), text, tlen, err);
    }
    json_decref(o);
    return ok;
}

static void route_batch(sd_server *srv, sd_slot *slot, sd_work *w) {
    const char *body = w->body.data ? w->body.data : "";
    size_t len = w->body.len;
    /* lines: a last newline ends the last line, it does not start one */
    size_t nlines = 0;
    for (size_t i = 0; i < len; i++)
        if (body[i] == '\n') nlines++;
    if (len && body[len - 1] != '\n') nlines++;
    if (nlines == 0) {
        sd_response_error(&w->resp, 400, "empty batch: send one query per line (JSON Lines)");
        return;
    }
    if (nlines > (size_t)srv->cfg.max_batch_lines) {
        sd_response_error(&w->resp, 413, "the batch has %zu lines, more than max-batch-lines (%lld)",
                          nlines, srv->cfg.max_batch_lines);
        return;
    }
    const char *why = NULL;
    if (!sd_slot_db(slot, false, &why)) {
        sd_response_error(&w->resp, 503, "%s", why);
        return;
    }
    double deadline = w->received + srv->cfg.batch_time_limit;
    wts_buf out = WTS_BUF_INIT;
    const char *p = body, *stop = body + len;
    for (size_t lineno = 1; lineno <= nlines; lineno++) {
        const char *nl = memchr(p, '\n', (size_t)(stop - p));
        const char *eol = nl ? nl : stop;
        size_t llen = (size_t)(eol - p);
        if (llen && p[llen - 1] == '\r') llen--;
        double t0 = sd_now();
        char *res = NULL;
        unsigned code;
        if (t0 >= deadline) {
            code = 503;
            res = format("batch-time-limit (%g s) reached before this line", srv->cfg.batch_time_limit);
        } else if (out.len > (size_t)srv->cfg.max_batch_answer_bytes) {
            code = 413;
            res = format("the answer passed max-batch-answer-bytes (%lld) before this line",
                         srv->cfg.max_batch_answer_bytes);
        } else if (sd_pool_stopping(srv->pool)) {
            code = 503;
            res = format("the server is shutting down");
        } else {
            sd_query_args a;
            sd_query_args_init(&a, &srv->cfg);
            if (line_args(p, llen, &a, &res) && sd_query_args_check(&a, &res)) {
                double left = deadline - t0;
                code = run_query(srv, slot, &a, left < srv->cfg.time_limit ? left : srv->cfg.time_limit, &res);
            } else {
                code = 400;
            }
            sd_query_args_free(&a);
        }
        if (code == 200) {
            sd_stats_query(&srv->stats, (sd_now() - t0) * 1000.0);
            wts_buf_adds(&out, res);
            free(res);
        } else {
            json_t *o = json_object();
            json_object_set_new(o, "line", json_integer((json_int_t)lineno));
            json_object_set_new(o, "error", json_text(res));
            json_object_set_new(o, "status", json_integer(code));
            free(res);
            char *s = dump(o);
            wts_buf_adds(&out, s);
            free(s);
        }
        wts_buf_addc(&out, '\n');
        p = nl ? nl + 1 : stop;
    }
    free(w->resp.body);
    w->resp.status = 200;
    w->resp.len = out.len;
    w->resp.body = wts_buf_steal(&out);
    w->resp.content_type = CT_JSONL;
}

/* ------------------------------------------------------------------ */
/* GET /doc/KEY                                                        */

static void route_doc(sd_slot *slot, sd_work *w) {
    size_t klen = strlen(w->key);
    if (!klen) {
        sd_response_error(&w->resp, 400, "give a document symbol or path: /doc/INF/MSME/R/35");
        return;
    }
    if (wts_utf8_invalid_at(w->key, klen) != klen) {
        sd_response_error(&w->resp, 400, "the document key is not valid UTF-8 text");
        return;
    }
    const char *why = NULL;
    wts_xdb *db = sd_slot_db(slot, false, &why);
    if (!db) {
        sd_response_error(&w->resp, 503, "%s", why);
        return;
    }
    char *json = NULL, *msg = NULL;
    wts_status st = wts_doc_lookup(db, w->key, &json, &msg);
    if (st == WTS_OK) {
        sd_response_json(&w->resp, 200, json); /* takes json */
        json = NULL;
    } else if (st == WTS_ERR_NOT_FOUND) {
        sd_response_error(&w->resp, 404, "%s", msg ? msg : "no such document is indexed");
    } else {
        unsigned code = http_status(st);
        if (code == 503) sd_slot_reset(slot);
        sd_response_error(&w->resp, code, "%s", msg ? msg : wts_status_name(st));
    }
    free(json);
    free(msg);
}

/* ------------------------------------------------------------------ */
/* GET /stats                                                          */

/* Milliseconds, rounded to the microsecond. */
static json_t *ms(double v) {
    return json_real(round(v * 1000.0) / 1000.0);
}

static json_t *index_json(sd_server *srv, sd_slot *slot) {
    json_t *o = json_object();
    json_object_set_new(o, "path", json_text(srv->cfg.db));
    const char *why = NULL;
    wts_xdb *db = sd_slot_db(slot, true, &why); /* rare: always the newest */
    json_object_set_new(o, "available", json_boolean(db != NULL));
    if (!db) {
        json_object_set_new(o, "error", json_text(why));
        return o;
    }
    uint64_t rev = 0;
    uint32_t files = 0, hidden = 0;
    char *updated = NULL;
    if (wts_xdb_revision(db, &rev) != WTS_OK || wts_xdb_doccount(db, &files) != WTS_OK ||
        wts_xdb_hidden_count(db, &hidden) != WTS_OK || wts_xdb_get_metadata(db, WTS_META_UPDATED, &updated) != WTS_OK) {
        json_object_set_new(o, "error", json_text(wts_xdb_message(db)));
        free(updated);
        sd_slot_reset(slot);
        return o;
    }
    /* paragraphs: the count of each file summed, once per revision */
    if (!slot->paras_known || slot->paras_revision != rev) {
        uint64_t paras = 0;
        if (wts_xdb_value_sum(db, WTS_SLOT_PARAS, &paras) == WTS_OK) {
            slot->paras = paras;
            slot->paras_revision = rev;
            slot->paras_known = true;
        }
    }
    json_object_set_new(o, "documents", json_integer(files)); /* an index document is a file */
    json_object_set_new(o, "hidden", json_integer(hidden));   /* earlier versions of changed files */
    if (slot->paras_known) json_object_set_new(o, "paragraphs", json_integer((json_int_t)slot->paras));
    json_object_set_new(o, "revision", json_integer((json_int_t)rev));
    char *end = NULL;
    long long t = updated && *updated ? strtoll(updated, &end, 10) : 0;
    json_object_set_new(o, "updated", end && !*end ? json_integer(t) : json_null());
    free(updated);
    return o;
}

static void route_stats(sd_server *srv, sd_slot *slot, sd_work *w) {
    sd_stats_view v;
    sd_stats_read(&srv->stats, &v);
    json_t *o = json_object();
    json_object_set_new(o, "status", json_string("ok"));
    json_object_set_new(o, "version", json_string(WTS_VERSION));
    json_object_set_new(o, "uptime_seconds", json_real(round(v.uptime * 1000.0) / 1000.0));
    json_object_set_new(o, "requests", json_integer((json_int_t)v.requests));
    json_object_set_new(o, "queries", json_integer((json_int_t)v.queries));
    json_t *lat = json_object();
    json_object_set_new(lat, "samples", json_integer((json_int_t)v.samples));
    json_object_set_new(lat, "p50", ms(v.p50));
    json_object_set_new(lat, "p90", ms(v.p90));
    json_object_set_new(lat, "p99", ms(v.p99));
    json_object_set_new(o, "latency_ms", lat);
    sd_cache_view cv;
    sd_cache_read(srv->cache, &cv);
    json_t *cache = json_object();
    json_object_set_new(cache, "max_bytes", json_integer((json_int_t)cv.max_bytes));
    json_object_set_new(cache, "bytes", json_integer((json_int_t)cv.bytes));
    json_object_set_new(cache, "entries", json_integer((json_int_t)cv.entries));
    json_object_set_new(cache, "hits", json_integer((json_int_t)cv.hits));
    json_object_set_new(cache, "misses", json_integer((json_int_t)cv.misses));
    json_object_set_new(cache, "stored", json_integer((json_int_t)cv.stored));
    json_object_set_new(o, "cache", cache);
    json_object_set_new(o, "threads", json_integer(sd_pool_threads(srv->pool)));
    json_object_set_new(o, "connections", json_integer(sd_http_connections(srv->http)));
    json_object_set_new(o, "index", index_json(srv, slot));
    sd_response_json(&w->resp, 200, dump(o));
}

/* ------------------------------------------------------------------ */
/* The web page: GET /, /app.js, /app.css                              */

/* searchd/web/, turned into C strings by corpus/embed.py (web_data.c). */
extern const char wts_web_index_html[], wts_web_app_js[], wts_web_app_css[];
extern const size_t wts_web_index_html_len, wts_web_app_js_len, wts_web_app_css_len;

/* No inline script or style, no other origin: even text that slipped
 * into the page as markup could not run. */
const char sd_page_csp[] =
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

static const struct {
    const char *path;
    const char *type;
    const char *data;
    const size_t *len;
} page_files[] = {
    {"/", "text/html; charset=utf-8", wts_web_index_html, &wts_web_index_html_len},
    {"/index.html", "text/html; charset=utf-8", wts_web_index_html, &wts_web_index_html_len},
    {"/app.js", "text/javascript; charset=utf-8", wts_web_app_js, &wts_web_app_js_len},
    {"/app.css", "text/css; charset=utf-8", wts_web_app_css, &wts_web_app_css_len},
};

static int page_file(const char *url) {
    for (size_t i = 0; i < sizeof page_files / sizeof page_files[0]; i++)
        if (strcmp(url, page_files[i].path) == 0) return (int)i;
    return -1;
}

bool sd_page_exists(const char *url) {
    return page_file(url) >= 0;
}

static void route_page(sd_work *w) {
    int i = w->key ? page_file(w->key) : -1;
    if (i < 0) {
        sd_response_error(&w->resp, 404, "no such path");
        return;
    }
    size_t len = *page_files[i].len;
    char *body = wts_xcalloc(1, len + 1);
    memcpy(body, page_files[i].data, len);
    free(w->resp.body);
    w->resp.status = 200;
    w->resp.body = body;
    w->resp.len = len;
    w->resp.content_type = page_files[i].type;
    w->resp.page = true;
}

/* ------------------------------------------------------------------ */

void sd_work_run(sd_server *srv, sd_slot *slot, sd_work *w) {
    switch (w->route) {
    case SD_ROUTE_SEARCH: route_search(srv, slot, w); break;
    case SD_ROUTE_BATCH: route_batch(srv, slot, w); break;
    case SD_ROUTE_DOC: route_doc(slot, w); break;
    case SD_ROUTE_STATS: route_stats(srv, slot, w); break;
    case SD_ROUTE_PAGE: route_page(w); break;
    case SD_ROUTE_HEALTH: {
        json_t *o = json_object();
        json_object_set_new(o, "status", json_string("ok"));
        sd_response_json(&w->resp, 200, dump(o));
        break;
    }
    case SD_ROUTE_NONE: sd_response_error(&w->resp, 404, "no such path"); break;
    }
}

void sd_work_free(sd_work *w) {
    sd_query_args_free(&w->args);
    free(w->key);
    wts_buf_free(&w->body);
    free(w->resp.body);
    memset(w, 0, sizeof *w);
}
