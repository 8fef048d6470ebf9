/* searchd.h: what the files of wtosearchd share.
 *
 *  - config.c: the one table of settings (flags, config file, --help);
 *  - stats.c:  counters and the ring of recent query latencies;
 *  - cache.c:  the answers of recent searches, by index state;
 *  - pool.c:   the fixed pool of worker threads, each owning its index
 *              handle (sd_slot), reloaded when the index has a newer
 *              revision;
 *  - routes.c: the endpoints, run by the workers (search, doc, batch,
 *              stats) and the parsing of search parameters;
 *  - http.c:   libmicrohttpd: reading requests, limits, the request-time
 *              watchdog, handing work to the pool and answers back;
 *  - main.c:   start, signals, orderly stop.
 *
 * Threads: libmicrohttpd's own threads (io-threads) only read requests and
 * write answers; every query runs on a worker of the pool, while its
 * connection is suspended.  A slow query holds one worker, never the
 * connections of others.
 */
#ifndef WTS_SEARCHD_H
#define WTS_SEARCHD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wts.h"

/* ------------------------------------------------------------------ */
/* Settings (config.c)                                                 */

/* Every limit and knob of the daemon; config.c holds the table that gives
 * each its type, bounds, default and help. */
typedef struct sd_config {
    char *listen;               /* ADDR:PORT */
    char *db;                   /* index directory */
    long long threads;          /* workers running queries */
    long long io_threads;       /* libmicrohttpd threads */
    long long max_connections;  /* MHD_OPTION_CONNECTION_LIMIT */
    long long max_header_bytes; /* MHD_OPTION_CONNECTION_MEMORY_LIMIT: 414/431 */
    long long max_body_bytes;   /* 413 */
    long long max_batch_lines;  /* 413 */
    long long max_batch_answer_bytes; /* lines past it: error lines */
    double time_limit;          /* per query, seconds */
    double batch_time_limit;    /* per batch, seconds */
    double request_timeout;     /* whole request must arrive within: 408 */
    long long idle_timeout;     /* MHD_OPTION_CONNECTION_TIMEOUT, seconds */
    double reload_interval;     /* revision checks, at most this often */
    double shutdown_timeout;    /* requests in flight may finish within */
    long long cache_bytes;      /* answers kept (cache.c); 0: none */
} sd_config;

/* Exit statuses. */
enum { SD_EXIT_OK = 0, SD_EXIT_FAIL = 1, SD_EXIT_USAGE = 2 };

/* Fills cfg from the defaults, then the --config file, then the other
 * flags (flags win).  Returns true to go on; false when the program should
 * exit with *exit_code: help or version printed (0), or an error printed on
 * stderr naming the flag, or the file and line (2). */
bool sd_config_load(int argc, char **argv, sd_config *cfg, int *exit_code);
void sd_config_free(sd_config *cfg);
void sd_config_help(FILE *out);

/* Parses ADDR:PORT ("127.0.0.1:8080", "[::1]:0", "localhost:8080") into
 * *addr (http.c).  On failure *why (malloc'd) says what is wrong. */
struct sockaddr_storage;
bool sd_parse_listen(const char *s, struct sockaddr_storage *addr, char **why);

/* Monotonic clock, seconds. */
double sd_now(void);
/* Reports on stderr, prefixed "wtosearchd: ". */
void sd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ------------------------------------------------------------------ */
/* Statistics (stats.c)                                                */

/* Latencies kept for the percentiles: the last SD_LATENCY_RING queries. */
#define SD_LATENCY_RING 1024

typedef struct sd_stats {
    pthread_mutex_t mu;
    double started;                /* sd_now() at start */
    uint64_t requests, queries;
    double ring[SD_LATENCY_RING];  /* milliseconds */
    size_t nring, next;
} sd_stats;

typedef struct sd_stats_view {
    double uptime;                 /* seconds */
    uint64_t requests, queries;
    size_t samples;
    double p50, p90, p99;          /* milliseconds; 0 without samples */
} sd_stats_view;

void sd_stats_init(sd_stats *s);
void sd_stats_destroy(sd_stats *s);
void sd_stats_request(sd_stats *s);
/* One query served (a search, or one line of a batch) in ms. */
void sd_stats_query(sd_stats *s, double ms);
void sd_stats_read(sd_stats *s, sd_stats_view *v);

/* ------------------------------------------------------------------ */
/* Answers kept (cache.c)                                              */

typedef struct sd_cache sd_cache;

typedef struct sd_cache_view {
    size_t max_bytes, bytes, entries;
    uint64_t hits, misses, stored;
} sd_cache_view;

/* A cache of at most max_bytes; NULL for 0, which keeps nothing (every
 * call below takes NULL). */
sd_cache *sd_cache_new(size_t max_bytes);
void sd_cache_free(sd_cache *c);
/* A copy (malloc'd) of the answer kept under key, or NULL. */
char *sd_cache_get(sd_cache *c, const char *key, size_t klen);
/* Keeps a copy of answer under key, the least recently used answers
 * leaving to make room. */
void sd_cache_put(sd_cache *c, const char *key, size_t klen, const char *answer, size_t alen);
void sd_cache_read(sd_cache *c, sd_cache_view *v);

/* ------------------------------------------------------------------ */
/* Answers and the work of one request (routes.c)                      */

typedef struct sd_response {
    unsigned status;
    char *body;               /* malloc'd; handed to libmicrohttpd */
    size_t len;
    const char *content_type; /* static */
    const char *allow;        /* static: the Allow header of a 405 */
    bool page;                /* a file of the web page: sent with its
                               * Content-Security-Policy (routes.c) */
} sd_response;

/* Sets r to the JSON error {"error": msg, "status": status}. */
void sd_response_error(sd_response *r, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets r to a JSON body (taken over; a newline is added). */
void sd_response_json(sd_response *r, unsigned status, char *json);

/* The parameters of one search: from a query string (GET /search) or from
 * one line of a batch, checked alike. */
typedef struct sd_query_args {
    char *q;             /* malloc'd; NULL until given */
    wts_search_opts opts;
    unsigned given;      /* a bit per parameter: each at most once */
} sd_query_args;

void sd_query_args_init(sd_query_args *a, const sd_config *cfg);
/* Sets the parameter key to the text val; false with *err (malloc'd)
 * naming the parameter and what it accepts ("limit must be 0..1000"). */
bool sd_query_args_set(sd_query_args *a, const char *key, size_t klen, const char *val,
                       size_t vlen, char **err);
/* Whether everything needed is there (q); false with *err. */
bool sd_query_args_check(const sd_query_args *a, char **err);
void sd_query_args_free(sd_query_args *a);

typedef enum sd_route {
    SD_ROUTE_NONE,
    SD_ROUTE_HEALTH,
    SD_ROUTE_SEARCH,
    SD_ROUTE_DOC,
    SD_ROUTE_BATCH,
    SD_ROUTE_STATS,
    SD_ROUTE_PAGE /* the web page's files: /, /app.js, /app.css */
} sd_route;

/* Whether url (its path) is one of the web page's files (routes.c). */
bool sd_page_exists(const char *url);
/* The Content-Security-Policy sent with them. */
extern const char sd_page_csp[];

/* What a worker does for one request, and its answer. */
typedef struct sd_work {
    sd_route route;
    sd_query_args args; /* SEARCH */
    char *key;          /* DOC: a symbol or a path (malloc'd) */
    wts_buf body;       /* BATCH: the JSON Lines */
    double received;    /* sd_now() when the request was read whole */
    sd_response resp;
} sd_work;

struct sd_server;
struct sd_slot;
/* Runs w on the worker owning slot; always sets w->resp. */
void sd_work_run(struct sd_server *srv, struct sd_slot *slot, sd_work *w);
void sd_work_free(sd_work *w);

/* ------------------------------------------------------------------ */
/* Workers and their index handles (pool.c)                            */

/* One worker's own index handle.  Only its worker touches it. */
typedef struct sd_slot {
    struct sd_pool *pool;
    unsigned number;
    wts_xdb *db;          /* NULL while the index cannot be opened */
    char *error;          /* why db is NULL */
    double checked;       /* sd_now() of the last revision check */
    bool jobs_waiting;    /* others were queued when this worker took its job */
    bool paras_known;     /* cache of the number of indexed paragraphs */
    uint64_t paras_revision;
    uint64_t paras;
} sd_slot;

/* The slot's index at the newest committed revision, checked at most every
 * reload-interval (fresh: checked now); NULL when there is none to read,
 * with *why saying why (valid until the next call). */
wts_xdb *sd_slot_db(sd_slot *slot, bool fresh, const char **why);
/* After an index error: the next sd_slot_db() reopens from scratch. */
void sd_slot_reset(sd_slot *slot);

/* A unit of work for the pool.  run is called on a worker; cancelled tells
 * that the daemon is stopping and the job should only answer 503. */
typedef struct sd_job sd_job;
struct sd_job {
    sd_job *next;
    void (*run)(sd_job *job, sd_slot *slot, bool cancelled);
};

typedef struct sd_pool sd_pool;

/* Starts nthreads workers, each opening the index right away. */
sd_pool *sd_pool_start(struct sd_server *srv, unsigned nthreads);
/* Queues job; false once the pool is stopping (the job was not taken). */
bool sd_pool_submit(sd_pool *p, sd_job *job);
/* Takes no more jobs; those still queued run with cancelled = true; then
 * the workers are joined and their handles closed.  Idempotent. */
void sd_pool_stop(sd_pool *p);
/* Stops p if need be and frees it.  NULL is fine. */
void sd_pool_free(sd_pool *p);
/* Whether sd_pool_stop has begun: long work (a batch) stops early. */
bool sd_pool_stopping(sd_pool *p);
unsigned sd_pool_threads(const sd_pool *p);
struct sd_server *sd_pool_server(const sd_pool *p);

/* ------------------------------------------------------------------ */
/* HTTP (http.c)                                                       */

typedef struct sd_http sd_http;

/* Starts libmicrohttpd on cfg->listen and sets srv->http (before the
 * first request can come).  *bound receives "ADDR:PORT" with the port
 * actually bound (malloc'd); on failure *err says why. */
bool sd_http_start(struct sd_server *srv, char **bound, char **err);
/* Stops accepting connections; those open go on. */
void sd_http_quiesce(sd_http *h);
/* Waits until no request is in flight, or until the deadline (sd_now()
 * time); true if none is left. */
bool sd_http_drain(sd_http *h, double deadline);
/* Closes every connection and frees h.  NULL is fine. */
void sd_http_stop(sd_http *h);
unsigned sd_http_connections(sd_http *h);

/* ------------------------------------------------------------------ */
/* The daemon                                                          */

typedef struct sd_server {
    sd_config cfg;
    sd_stats stats;
    sd_pool *pool;
    sd_http *http;
    sd_cache *cache;
} sd_server;

#endif
