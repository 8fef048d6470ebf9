/* pool.c: a fixed pool of worker threads, each with its own index handle.
 *
 * Xapian handles are not shared between threads: each worker opens its
 * own (its sd_slot) and only it touches it.  Before a query the worker
 * moves its handle to the newest committed revision, at most every
 * reload-interval, so that what `wtosearch index` commits is served within
 * that time, never a half-written state (readers see only commits).  An
 * index that is missing, or of another schema, is retried just as often;
 * until then requests get 503 with the reason. */
#include "searchd.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct sd_pool {
    sd_server *srv;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    sd_job *head, *tail; /* FIFO; at most one job per connection */
    bool closing;
    unsigned nthreads;
    pthread_t *threads;
    sd_slot *slots;
    atomic_uint busy;    /* workers running a job */
    unsigned processors; /* the daemon may run on */
};

static void slot_fail(sd_slot *s, char *msg) {
    free(s->error);
    s->error = msg;
    wts_xdb_close(s->db);
    s->db = NULL;
    s->paras_known = false;
}

static void slot_open(sd_slot *s) {
    wts_xdb_close(s->db);
    s->db = NULL;
    s->paras_known = false;
    char *msg = NULL;
    wts_xdb *db = NULL;
    wts_status st = wts_index_open(s->pool->srv->cfg.db, &db, &msg);
    if (st != WTS_OK) {
        if (!msg) msg = wts_xstrdup(wts_status_name(st));
        slot_fail(s, msg);
        return;
    }
    free(s->error);
    s->error = NULL;
    s->db = db;
}

/* After moving to a new revision: the index may have been replaced by one
 * of another schema. */
static bool schema_ok(sd_slot *s) {
    char *version = NULL;
    wts_status st = wts_xdb_get_metadata(s->db, WTS_META_SCHEMA, &version);
    bool ok = st == WTS_OK && strcmp(version, WTS_SCHEMA_VERSION) == 0;
    free(version);
    return ok;
}

wts_xdb *sd_slot_db(sd_slot *s, bool fresh, const char **why) {
    double now = sd_now();
    if (fresh || now - s->checked >= s->pool->srv->cfg.reload_interval) {
        s->checked = now;
        if (s->db) {
            int changed = 0;
            wts_status st = wts_xdb_reopen(s->db, &changed);
            if (st != WTS_OK || (changed && !schema_ok(s))) slot_open(s); /* from scratch */
        } else {
            slot_open(s);
        }
    }
    if (!s->db) {
        *why = s->error ? s->error : "index not available";
        return NULL;
    }
    /* A query may match on the processors no other worker is using: a
     * lone query gets them all; a busy daemon, with jobs waiting, one
     * thread a query (the other processors will be taken at once). */
    const unsigned busy = atomic_load(&s->pool->busy); /* this worker among them */
    const unsigned others = busy > 0 ? busy - 1 : 0, procs = s->pool->processors;
    wts_xdb_set_match_threads(s->db, !s->jobs_waiting && others < procs ? procs - others : 1);
    return s->db;
}

void sd_slot_reset(sd_slot *s) {
    wts_xdb_close(s->db);
    s->db = NULL;
    s->paras_known = false;
    s->checked = 0;
    free(s->error);
    s->error = wts_xstrdup("index not available");
}

static void *worker_main(void *arg) {
    sd_slot *s = arg;
    sd_pool *p = s->pool;
    const char *why;
    (void)sd_slot_db(s, true, &why); /* open early: the first query need not wait */
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->head && !p->closing) pthread_cond_wait(&p->cv, &p->mu);
        sd_job *job = p->head;
        if (!job) { /* closing, nothing left */
            pthread_mutex_unlock(&p->mu);
            break;
        }
        p->head = job->next;
        if (!p->head) p->tail = NULL;
        s->jobs_waiting = p->head != NULL;
        atomic_fetch_add(&p->busy, 1); /* with the job taken: counted by whoever looks next */
        bool cancelled = p->closing;
        pthread_mutex_unlock(&p->mu);
        job->next = NULL;
        job->run(job, s, cancelled);
        atomic_fetch_sub(&p->busy, 1);
    }
    return NULL;
}

sd_pool *sd_pool_start(sd_server *srv, unsigned nthreads) {
    sd_pool *p = wts_xcalloc(1, sizeof *p);
    p->srv = srv;
    atomic_init(&p->busy, 0);
    p->processors = wts_processors();
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->threads = wts_xcalloc(nthreads, sizeof *p->threads);
    p->slots = wts_xcalloc(nthreads, sizeof *p->slots);
    for (unsigned i = 0; i < nthreads; i++) {
        p->slots[i].pool = p;
        p->slots[i].number = i;
        p->slots[i].checked = -1e9;
        if (pthread_create(&p->threads[i], NULL, worker_main, &p->slots[i]) != 0) {
            sd_log("cannot start worker thread %u", i);
            break;
        }
        p->nthreads++;
    }
    if (!p->nthreads) {
        sd_pool_free(p);
        return NULL;
    }
    return p;
}

bool sd_pool_submit(sd_pool *p, sd_job *job) {
    job->next = NULL;
    pthread_mutex_lock(&p->mu);
    if (p->closing) {
        pthread_mutex_unlock(&p->mu);
        return false;
    }
    if (p->tail) p->tail->next = job;
    else p->head = job;
    p->tail = job;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return true;
}

void sd_pool_stop(sd_pool *p) {
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->closing = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->nthreads; i++) pthread_join(p->threads[i], NULL);
    for (unsigned i = 0; i < p->nthreads; i++) {
        wts_xdb_close(p->slots[i].db);
        p->slots[i].db = NULL;
        free(p->slots[i].error);
        p->slots[i].error = NULL;
    }
    p->nthreads = 0;
}

void sd_pool_free(sd_pool *p) {
    if (!p) return;
    sd_pool_stop(p);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p->threads);
    free(p->slots);
    free(p);
}

bool sd_pool_stopping(sd_pool *p) {
    pthread_mutex_lock(&p->mu);
    bool closing = p->closing;
    pthread_mutex_unlock(&p->mu);
    return closing;
}

unsigned sd_pool_threads(const sd_pool *p) {
    return p ? p->nthreads : 0;
}

sd_server *sd_pool_server(const sd_pool *p) {
    return p->srv;
}
