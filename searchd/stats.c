/* stats.c: what GET /stats reports: uptime, counters, and the latency
 * percentiles of the last SD_LATENCY_RING queries. */
#include "searchd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double sd_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sd_stats_init(sd_stats *s) {
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->started = sd_now();
}

void sd_stats_destroy(sd_stats *s) {
    pthread_mutex_destroy(&s->mu);
}

void sd_stats_request(sd_stats *s) {
    pthread_mutex_lock(&s->mu);
    s->requests++;
    pthread_mutex_unlock(&s->mu);
}

void sd_stats_query(sd_stats *s, double ms) {
    pthread_mutex_lock(&s->mu);
    s->queries++;
    s->ring[s->next] = ms;
    s->next = (s->next + 1) % SD_LATENCY_RING;
    if (s->nring < SD_LATENCY_RING) s->nring++;
    pthread_mutex_unlock(&s->mu);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest rank: the smallest sample with at least p% of them at or below. */
static double percentile(const double *sorted, size_t n, double p) {
    if (!n) return 0;
    size_t rank = (size_t)ceil(p / 100.0 * (double)n);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return sorted[rank - 1];
}

void sd_stats_read(sd_stats *s, sd_stats_view *v) {
    double copy[SD_LATENCY_RING];
    pthread_mutex_lock(&s->mu);
    v->uptime = sd_now() - s->started;
    v->requests = s->requests;
    v->queries = s->queries;
    v->samples = s->nring;
    memcpy(copy, s->ring, s->nring * sizeof copy[0]);
    pthread_mutex_unlock(&s->mu);
    qsort(copy, v->samples, sizeof copy[0], cmp_double);
    v->p50 = percentile(copy, v->samples, 50);
    v->p90 = percentile(copy, v->samples, 90);
    v->p99 = percentile(copy, v->samples, 99);
}
