/* http.c: HTTP/1.1 through libmicrohttpd.
 *
 * libmicrohttpd parses requests and writes answers on its own threads
 * (io-threads).  A request read whole is checked (route, method, sizes,
 * parameters); then its connection is suspended and the work handed to the
 * pool.  The worker that ran it resumes the connection, and libmicrohttpd
 * calls on_request once more to queue the answer.
 *
 * Limits, each where the request is read:
 *   max-header-bytes  the connection's memory (MHD_OPTION_CONNECTION_MEMORY_LIMIT):
 *                     libmicrohttpd answers 414 (request line) or 431 (headers);
 *   max-body-bytes    413, at once from Content-Length, else when it is passed;
 *   max-connections   MHD_OPTION_CONNECTION_LIMIT: more are refused;
 *   idle-timeout      MHD_OPTION_CONNECTION_TIMEOUT: a silent connection is closed;
 *   request-timeout   the watchdog below: a request that trickles in (one byte
 *                     a second keeps a connection from being idle) gets 408
 *                     and its connection is shut down.
 */
#include "searchd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Where a connection is in its current request, for the watchdog. */
typedef enum conn_phase {
    CONN_WAITING, /* request line and headers not yet complete */
    CONN_READING, /* headers read, body coming */
    CONN_BUSY,    /* request read: being answered */
    CONN_CUT      /* shut down by the watchdog */
} conn_phase;

typedef struct sd_conn {
    struct sd_conn *prev, *next;
    int fd;
    conn_phase phase;
    bool served; /* an earlier request was answered on it */
    double since; /* sd_now() when the phase began */
} sd_conn;

struct sd_http {
    sd_server *srv;
    struct MHD_Daemon *d;
    MHD_socket listen_fd; /* ours after MHD_quiesce_daemon */
    atomic_uint inflight; /* requests between on_request and on_completed */
    pthread_mutex_t mu;   /* guards the list of connections */
    sd_conn *conns;
    unsigned nconns;
    pthread_t watchdog;
    bool watchdog_running;
    atomic_bool stopping;
    atomic_bool quiescing; /* stopping: answers close their connection */
    char *timeout_msg; /* the whole 408 answer */
    size_t timeout_len;
};

typedef enum req_state { REQ_READING, REQ_QUEUED, REQ_DONE } req_state;

typedef struct sd_request {
    sd_job job; /* first: the pool hands back a pointer to it */
    sd_http *http;
    struct MHD_Connection *conn;
    req_state state;
    bool too_large;
    size_t body_bytes;
    sd_work work;
} sd_request;

/* ------------------------------------------------------------------ */
/* Addresses                                                           */

bool sd_parse_listen(const char *s, struct sockaddr_storage *addr, char **why) {
    const char *colon = strrchr(s, ':');
    wts_buf b = WTS_BUF_INIT;
    if (!colon || colon == s || !colon[1]) {
        wts_buf_printf(&b, "'%s' is not ADDR:PORT (such as 127.0.0.1:8080)", s);
        *why = wts_buf_steal(&b);
        return false;
    }
    char *host = wts_xstrndup(s, (size_t)(colon - s));
    if (host[0] == '[' && host[strlen(host) - 1] == ']') { /* [::1] */
        memmove(host, host + 1, strlen(host));
        host[strlen(host) - 1] = '\0';
    }
    const char *port = colon + 1;
    char *end;
    long p = strtol(port, &end, 10);
    if (*end || p < 0 || p > 65535 || !(port[0] >= '0' && port[0] <= '9')) {
        wts_buf_printf(&b, "port '%s' is not a number from 0 to 65535", port);
        free(host);
        *why = wts_buf_steal(&b);
        return false;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0 || !res) {
        wts_buf_printf(&b, "cannot use address '%s': %s", host, gai_strerror(rc));
        free(host);
        *why = wts_buf_steal(&b);
        return false;
    }
    memset(addr, 0, sizeof *addr);
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    free(host);
    return true;
}

static char *format_addr(const struct sockaddr_storage *ss, unsigned port) {
    char host[INET6_ADDRSTRLEN] = "?";
    wts_buf b = WTS_BUF_INIT;
    if (ss->ss_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr, host, sizeof host);
        wts_buf_printf(&b, "[%s]:%u", host, port);
    } else {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ss)->sin_addr, host, sizeof host);
        wts_buf_printf(&b, "%s:%u", host, port);
    }
    return wts_buf_steal(&b);
}

/* ------------------------------------------------------------------ */
/* Connections and the watchdog                                        */

static sd_conn *conn_of(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static void conn_phase_set(sd_http *h, struct MHD_Connection *c, conn_phase phase) {
    sd_conn *k = conn_of(c);
    if (!k) return;
    pthread_mutex_lock(&h->mu);
    if (k->phase != CONN_CUT) {
        k->phase = phase;
        k->since = sd_now();
    }
    pthread_mutex_unlock(&h->mu);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code) {
    sd_http *h = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        sd_conn *k = wts_xcalloc(1, sizeof *k);
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        k->fd = ci ? ci->connect_fd : -1;
        k->phase = CONN_WAITING;
        k->since = sd_now();
        pthread_mutex_lock(&h->mu);
        k->next = h->conns;
        if (h->conns) h->conns->prev = k;
        h->conns = k;
        h->nconns++;
        pthread_mutex_unlock(&h->mu);
        *socket_context = k;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        /* called before libmicrohttpd closes the socket: once unlinked
         * here, the watchdog never touches this descriptor again */
        sd_conn *k = *socket_context;
        if (!k) return;
        pthread_mutex_lock(&h->mu);
        if (k->prev) k->prev->next = k->next;
        else h->conns = k->next;
        if (k->next) k->next->prev = k->prev;
        h->nconns--;
        pthread_mutex_unlock(&h->mu);
        free(k);
        *socket_context = NULL;
    }
}

/* A request still arriving past its time: 408, then the socket is shut
 * down, which libmicrohttpd sees as the end of the connection and closes.
 * The 408 is written only while libmicrohttpd itself writes nothing on the
 * connection (it is reading a request), and not on a kept-alive
 * connection that merely sent nothing more. */
static void cut(sd_http *h, sd_conn *k) {
    if (k->fd < 0) return;
    if (!k->served || k->phase == CONN_READING) {
        ssize_t n = send(k->fd, h->timeout_msg, h->timeout_len, MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)n;
    }
    shutdown(k->fd, SHUT_RDWR);
    k->phase = CONN_CUT;
}

static void *watchdog_main(void *arg) {
    sd_http *h = arg;
    const sd_config *cfg = &h->srv->cfg;
    while (!atomic_load(&h->stopping)) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
        double now = sd_now();
        pthread_mutex_lock(&h->mu);
        for (sd_conn *k = h->conns; k; k = k->next) {
            double allowed = cfg->request_timeout;
            /* on a kept-alive connection the next request may first be
             * idle-timeout away */
            if (k->phase == CONN_WAITING && k->served) allowed += (double)cfg->idle_timeout;
            if ((k->phase == CONN_WAITING || k->phase == CONN_READING) && now - k->since > allowed)
                cut(h, k);
        }
        pthread_mutex_unlock(&h->mu);
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */

static enum MHD_Result respond(sd_request *req) {
    sd_response *r = &req->work.resp;
    req->state = REQ_DONE;
    struct MHD_Response *mr = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
    if (!mr) return MHD_NO;
    r->body = NULL; /* libmicrohttpd frees it */
    r->len = 0;
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    if (r->allow) MHD_add_response_header(mr, MHD_HTTP_HEADER_ALLOW, r->allow);
    if (r->status == MHD_HTTP_SERVICE_UNAVAILABLE) MHD_add_response_header(mr, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    if (r->page) { /* the web page: no inline script, nothing from elsewhere */
        MHD_add_response_header(mr, "Content-Security-Policy", sd_page_csp);
        MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(mr, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    }
    /* once stopping, no connection is kept alive for more requests */
    if (atomic_load(&req->http->quiescing)) MHD_add_response_header(mr, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ret = MHD_queue_response(req->conn, r->status, mr);
    MHD_destroy_response(mr);
    return ret;
}

static const struct {
    const char *path;
    sd_route route;
    bool post;
} routes[] = {
    {"/search", SD_ROUTE_SEARCH, false}, {"/doc", SD_ROUTE_DOC, false},
    {"/batch", SD_ROUTE_BATCH, true},    {"/health", SD_ROUTE_HEALTH, false},
    {"/stats", SD_ROUTE_STATS, false},
};

/* The route of url; SD_ROUTE_NONE with *allow set when the path is known
 * but not for this method. */
static sd_route route_of(const char *url, const char *method, const char **allow) {
    bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    bool post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        size_t n = strlen(routes[i].path);
        bool match = routes[i].route == SD_ROUTE_DOC
                         ? strncmp(url, routes[i].path, n) == 0 && (url[n] == '\0' || url[n] == '/')
                         : strcmp(url, routes[i].path) == 0;
        if (!match) continue;
        if (routes[i].post ? post : get) return routes[i].route;
        *allow = routes[i].post ? "POST" : "GET, HEAD";
        return SD_ROUTE_NONE;
    }
    if (sd_page_exists(url)) { /* /, /app.js, /app.css */
        if (get) return SD_ROUTE_PAGE;
        *allow = "GET, HEAD";
    }
    return SD_ROUTE_NONE;
}

typedef struct arg_ctx {
    sd_query_args *args;
    char *err;
} arg_ctx;

static enum MHD_Result on_argument(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                   const char *value, size_t value_size) {
    (void)kind;
    arg_ctx *x = cls;
    if (x->err) return MHD_NO;
    if (!sd_query_args_set(x->args, key, key_size, value ? value : "", value ? value_size : 0, &x->err))
        return MHD_NO;
    return MHD_YES;
}

static void run_job(sd_job *job, sd_slot *slot, bool cancelled) {
    sd_request *req = (sd_request *)(void *)job;
    sd_server *srv = sd_pool_server(slot->pool);
    if (cancelled) sd_response_error(&req->work.resp, 503, "the server is shutting down");
    else sd_work_run(srv, slot, &req->work);
    req->state = REQ_DONE;
    /* the last touch: from here the connection's thread owns req */
    MHD_resume_connection(req->conn);
}

/* The first call for a request: its headers are read. */
static enum MHD_Result request_start(sd_http *h, sd_request *req, const char *url, const char *method) {
    const sd_config *cfg = &h->srv->cfg;
    const char *allow = NULL;
    req->work.route = route_of(url, method, &allow);
    if (req->work.route == SD_ROUTE_NONE) {
        if (allow) {
            sd_response_error(&req->work.resp, 405, "method %.16s not allowed on %.64s (allowed: %s)", method, url,
                              allow);
            req->work.resp.allow = allow;
        } else {
            sd_response_error(&req->work.resp, 404,
                              "no such path: %.200s (paths: /search?q=..., /doc/SYMBOL, /batch, /health, /stats)",
                              url);
        }
        return respond(req);
    }
    if (req->work.route == SD_ROUTE_DOC) {
        const char *key = url + strlen("/doc");
        req->work.key = wts_xstrdup(*key == '/' ? key + 1 : key);
    }
    if (req->work.route == SD_ROUTE_PAGE) req->work.key = wts_xstrdup(url);
    const char *length = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (length) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(length, &end, 10);
        if (errno || n > (unsigned long long)cfg->max_body_bytes) {
            sd_response_error(&req->work.resp, 413, "the request body is %.32s bytes, more than max-body-bytes (%lld)",
                              length, cfg->max_body_bytes);
            return respond(req);
        }
    }
    return MHD_YES;
}

/* The request is read whole: answer at once, or hand it to the pool. */
static enum MHD_Result request_ready(sd_http *h, sd_request *req) {
    sd_server *srv = h->srv;
    req->work.received = sd_now();
    conn_phase_set(h, req->conn, CONN_BUSY);
    if (req->too_large) {
        sd_response_error(&req->work.resp, 413, "the request body is more than max-body-bytes (%lld)",
                          srv->cfg.max_body_bytes);
        return respond(req);
    }
    if (req->work.route == SD_ROUTE_SEARCH) {
        sd_query_args_init(&req->work.args, &srv->cfg);
        arg_ctx x = {&req->work.args, NULL};
        MHD_get_connection_values_n(req->conn, MHD_GET_ARGUMENT_KIND, on_argument, &x);
        if (!x.err) sd_query_args_check(&req->work.args, &x.err);
        if (x.err) {
            sd_response_error(&req->work.resp, 400, "%s", x.err);
            free(x.err);
            return respond(req);
        }
    }
    if (req->work.route == SD_ROUTE_HEALTH || req->work.route == SD_ROUTE_PAGE) { /* needs no index: no worker */
        sd_work_run(srv, NULL, &req->work);
        return respond(req);
    }
    req->state = REQ_QUEUED;
    MHD_suspend_connection(req->conn);
    if (!sd_pool_submit(srv->pool, &req->job)) { /* stopping: the pool takes no more */
        sd_response_error(&req->work.resp, 503, "the server is shutting down");
        req->state = REQ_DONE;
        MHD_resume_connection(req->conn);
    }
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls) {
    (void)version;
    sd_http *h = cls;
    sd_request *req = *con_cls;
    if (!req) {
        req = wts_xcalloc(1, sizeof *req);
        req->http = h;
        req->conn = c;
        req->job.run = run_job;
        *con_cls = req;
        atomic_fetch_add(&h->inflight, 1);
        sd_stats_request(&h->srv->stats);
        conn_phase_set(h, c, CONN_READING);
        return request_start(h, req, url, method);
    }
    if (*upload_size) { /* a piece of the body */
        size_t n = *upload_size;
        *upload_size = 0;
        req->body_bytes += n;
        if (req->body_bytes > (size_t)h->srv->cfg.max_body_bytes) {
            /* read on, keep nothing; 413 once the request is over (or
             * request-timeout cuts it) */
            req->too_large = true;
            wts_buf_free(&req->work.body);
        } else if (req->work.route == SD_ROUTE_BATCH) {
            wts_buf_add(&req->work.body, upload, n);
        }
        return MHD_YES;
    }
    switch (req->state) {
    case REQ_READING: return request_ready(h, req);
    case REQ_QUEUED: return MHD_YES; /* suspended: not called */
    case REQ_DONE: return respond(req);
    }
    return MHD_NO;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
    (void)toe;
    sd_http *h = cls;
    sd_request *req = *con_cls;
    if (req) {
        if (req->state == REQ_QUEUED) {
            /* a worker still holds it (cannot happen: suspended connections
             * are never closed, and the pool stops before the daemon) */
            sd_log("request completed while queued; left alone");
            return;
        }
        sd_work_free(&req->work);
        free(req);
        *con_cls = NULL;
        atomic_fetch_sub(&h->inflight, 1);
    }
    sd_conn *k = conn_of(c);
    if (k) {
        pthread_mutex_lock(&h->mu);
        if (k->phase != CONN_CUT) {
            k->phase = CONN_WAITING;
            k->served = true;
            k->since = sd_now();
        }
        pthread_mutex_unlock(&h->mu);
    }
}

__attribute__((format(printf, 2, 0))) static void on_log(void *cls, const char *fmt, va_list ap) {
    (void)cls;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n && line[n - 1] == '\n') line[--n] = '\0';
    sd_log("%s", line);
}

/* ------------------------------------------------------------------ */
/* The daemon                                                          */

bool sd_http_start(sd_server *srv, char **bound, char **err) {
    srv->http = NULL;
    *bound = NULL;
    const sd_config *cfg = &srv->cfg;
    struct sockaddr_storage ss;
    if (!sd_parse_listen(cfg->listen, &ss, err)) return false;
    sd_http *h = wts_xcalloc(1, sizeof *h);
    h->srv = srv;
    h->listen_fd = MHD_INVALID_SOCKET;
    atomic_init(&h->inflight, 0);
    atomic_init(&h->stopping, false);
    atomic_init(&h->quiescing, false);
    pthread_mutex_init(&h->mu, NULL);
    srv->http = h; /* set before the first request: /stats reads it */
    sd_response r = {0};
    sd_response_error(&r, 408, "the request took more than request-timeout (%g s) to arrive",
                      cfg->request_timeout);
    wts_buf m = WTS_BUF_INIT;
    wts_buf_printf(&m,
                   "HTTP/1.1 408 Request Timeout\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                   "Connection: close\r\n\r\n%s",
                   r.content_type, r.len, r.body);
    free(r.body);
    h->timeout_len = m.len;
    h->timeout_msg = wts_buf_steal(&m);

    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    /* a pool of one thread is no pool: libmicrohttpd wants the option absent */
    struct MHD_OptionItem pool_size[] = {
        {MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)cfg->io_threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    h->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER, on_log, (void *)h,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)(void *)&ss, MHD_OPTION_ARRAY,
        cfg->io_threads > 1 ? pool_size : pool_size + 1, MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->idle_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)cfg->max_header_bytes, MHD_OPTION_NOTIFY_COMPLETED, on_completed, (void *)h,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, (void *)h, MHD_OPTION_END);
    if (!h->d) {
        wts_buf b = WTS_BUF_INIT;
        wts_buf_printf(&b, "cannot listen on %s%s%s", cfg->listen, errno ? ": " : "", errno ? strerror(errno) : "");
        *err = wts_buf_steal(&b);
        srv->http = NULL;
        sd_http_stop(h);
        return false;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    *bound = format_addr(&ss, di ? di->port : 0);
    if (pthread_create(&h->watchdog, NULL, watchdog_main, h) == 0) h->watchdog_running = true;
    else sd_log("cannot start the request-timeout watchdog");
    return true;
}

void sd_http_quiesce(sd_http *h) {
    if (!h || !h->d) return;
    atomic_store(&h->quiescing, true);
    h->listen_fd = MHD_quiesce_daemon(h->d);
    /* the socket stays open until MHD_stop_daemon (a thread of the daemon
     * may still hold it); shut down, it takes no more connections */
    if (h->listen_fd != MHD_INVALID_SOCKET) shutdown(h->listen_fd, SHUT_RDWR);
}

bool sd_http_drain(sd_http *h, double deadline) {
    if (!h) return true;
    while (atomic_load(&h->inflight) > 0 && sd_now() < deadline) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return atomic_load(&h->inflight) == 0;
}

void sd_http_stop(sd_http *h) {
    if (!h) return;
    atomic_store(&h->stopping, true);
    if (h->watchdog_running) pthread_join(h->watchdog, NULL);
    if (h->d) MHD_stop_daemon(h->d);
    if (h->listen_fd != MHD_INVALID_SOCKET) close(h->listen_fd);
    pthread_mutex_destroy(&h->mu);
    free(h->timeout_msg);
    free(h);
}

unsigned sd_http_connections(sd_http *h) {
    if (!h) return 0;
    pthread_mutex_lock(&h->mu);
    unsigned n = h->nconns;
    pthread_mutex_unlock(&h->mu);
    return n;
}
