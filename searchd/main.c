/* main.c: `wtosearchd`, the search daemon: start, wait for a signal, stop.
 *
 * SIGTERM and SIGINT only write a byte to a pipe (the self-pipe trick);
 * the main thread, waiting on that pipe, then stops accepting connections,
 * lets the requests in flight finish (at most shutdown-timeout), stops the
 * workers and the HTTP threads, closes the index handles and exits 0. */
#include "searchd.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int stop_pipe[2] = {-1, -1};
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) {
    int saved = errno;
    stop_signal = sig;
    ssize_t n = write(stop_pipe[1], "x", 1);
    (void)n;
    errno = saved;
}

static bool install_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0) return false;
    sa.sa_handler = SIG_IGN; /* a client gone mid-answer is no reason to die */
    return sigaction(SIGPIPE, &sa, NULL) == 0;
}

/* Blocks or unblocks SIGTERM and SIGINT in the calling thread; threads
 * started meanwhile inherit the mask, so the signals reach main only. */
static void mask_stop_signals(int how) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(how, &set, NULL);
}

static void wait_for_stop(void) {
    struct pollfd pfd = {stop_pipe[0], POLLIN, 0};
    for (;;) {
        int n = poll(&pfd, 1, -1);
        if (n > 0) break;
        if (n < 0 && errno != EINTR) {
            sd_log("poll: %s", strerror(errno));
            break;
        }
    }
}

int main(int argc, char **argv) {
    sd_server srv;
    memset(&srv, 0, sizeof srv);
    int code;
    if (!sd_config_load(argc, argv, &srv.cfg, &code)) return code;
    json_object_seed(0); /* before any thread: jansson's hash seed */

    if (pipe(stop_pipe) != 0) {
        sd_log("pipe: %s", strerror(errno));
        sd_config_free(&srv.cfg);
        return SD_EXIT_FAIL;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(stop_pipe[i], F_SETFD, FD_CLOEXEC);
        fcntl(stop_pipe[i], F_SETFL, O_NONBLOCK);
    }
    mask_stop_signals(SIG_BLOCK);
    if (!install_signals()) {
        sd_log("cannot install signal handlers: %s", strerror(errno));
        code = SD_EXIT_FAIL;
        goto out;
    }

    sd_stats_init(&srv.stats);
    srv.cache = sd_cache_new((size_t)srv.cfg.cache_bytes);
    srv.pool = sd_pool_start(&srv, (unsigned)srv.cfg.threads);
    if (!srv.pool) {
        sd_log("cannot start the worker threads");
        code = SD_EXIT_FAIL;
        goto out_stats;
    }
    char *bound = NULL, *err = NULL;
    if (!sd_http_start(&srv, &bound, &err)) {
        sd_log("%s", err);
        free(err);
        sd_pool_free(srv.pool);
        code = SD_EXIT_FAIL;
        goto out_stats;
    }
    printf("listening on http://%s\n", bound);
    fflush(stdout);
    sd_log("index %s; %u worker threads; listening on http://%s", srv.cfg.db, sd_pool_threads(srv.pool), bound);
    free(bound);
    mask_stop_signals(SIG_UNBLOCK);

    wait_for_stop();

    sd_log("%s: stopping (requests in flight get %g s to finish)",
           stop_signal == SIGINT ? "SIGINT" : "SIGTERM", srv.cfg.shutdown_timeout);
    sd_http_quiesce(srv.http);
    if (!sd_http_drain(srv.http, sd_now() + srv.cfg.shutdown_timeout))
        sd_log("shutdown-timeout reached with requests in flight: they get 503 or are cut");
    sd_pool_stop(srv.pool); /* what is still queued answers 503 */
    sd_http_drain(srv.http, sd_now() + 1.0);
    sd_http_stop(srv.http);
    srv.http = NULL;
    sd_pool_free(srv.pool);
    srv.pool = NULL;
    sd_log("stopped");
    code = SD_EXIT_OK;
out_stats:
    sd_cache_free(srv.cache);
    sd_stats_destroy(&srv.stats);
out:
    sd_config_free(&srv.cfg);
    close(stop_pipe[0]);
    close(stop_pipe[1]);
    return code;
}
