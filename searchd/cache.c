/* cache.c: the answers of recent searches, kept whole.
 *
 * Scripts and the web page ask the same queries again and again; an
 * answer is a pure function of the query, its options and the committed
 * state of the index (wts_xdb_state), so a search asked again of the same
 * state gets the same bytes without running.  The key holds the state:
 * once a commit moves a worker on, the answers of the older state are
 * never found again and leave as the least recently used.  Memory is
 * bounded by cache-bytes (keys, answers and the entries' own size);
 * one table for all workers, behind one mutex held to look up, copy,
 * link and unlink, never while a query runs. */
#include "searchd.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
    struct entry *next_in_bucket;
    struct entry *newer, *older; /* the recency list */
    uint64_t hash;
    char *key;
    size_t klen;
    char *answer;
    size_t alen;
} entry;

struct sd_cache {
    pthread_mutex_t mu;
    size_t max_bytes, bytes;
    entry **buckets;
    size_t nbuckets, entries;
    entry *newest, *oldest;
    uint64_t hits, misses, stored;
};

/* What an entry counts against cache-bytes. */
static size_t entry_cost(size_t klen, size_t alen) {
    return sizeof(entry) + klen + alen + 2;
}

/* An answer larger than this share of the cache is not kept: one query
 * would push out many. */
#define LARGEST_SHARE 8

sd_cache *sd_cache_new(size_t max_bytes) {
    if (!max_bytes) return NULL;
    sd_cache *c = wts_xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    c->max_bytes = max_bytes;
    c->nbuckets = 1024;
    c->buckets = wts_xcalloc(c->nbuckets, sizeof *c->buckets);
    return c;
}

static void entry_free(entry *e) {
    free(e->key);
    free(e->answer);
    free(e);
}

void sd_cache_free(sd_cache *c) {
    if (!c) return;
    for (entry *e = c->newest, *next; e; e = next) {
        next = e->older;
        entry_free(e);
    }
    free(c->buckets);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

static entry **slot_of(sd_cache *c, uint64_t hash, const char *key, size_t klen) {
    entry **at = &c->buckets[hash & (c->nbuckets - 1)];
    while (*at && !((*at)->hash == hash && (*at)->klen == klen && memcmp((*at)->key, key, klen) == 0))
        at = &(*at)->next_in_bucket;
    return at;
}

static void unlink_recency(sd_cache *c, entry *e) {
    if (e->newer) e->newer->older = e->older;
    else c->newest = e->older;
    if (e->older) e->older->newer = e->newer;
    else c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void link_newest(sd_cache *c, entry *e) {
    e->older = c->newest;
    e->newer = NULL;
    if (c->newest) c->newest->newer = e;
    c->newest = e;
    if (!c->oldest) c->oldest = e;
}

static void remove_entry(sd_cache *c, entry *e) {
    entry **at = slot_of(c, e->hash, e->key, e->klen);
    *at = e->next_in_bucket;
    unlink_recency(c, e);
    c->bytes -= entry_cost(e->klen, e->alen);
    c->entries--;
    entry_free(e);
}

/* Twice the buckets when entries outnumber them: chains stay short. */
static void grow(sd_cache *c) {
    size_t n = c->nbuckets * 2;
    entry **b = wts_xcalloc(n, sizeof *b);
    for (entry *e = c->newest; e; e = e->older) {
        entry **head = &b[e->hash & (n - 1)];
        e->next_in_bucket = *head;
        *head = e;
    }
    free(c->buckets);
    c->buckets = b;
    c->nbuckets = n;
}

char *sd_cache_get(sd_cache *c, const char *key, size_t klen) {
    if (!c) return NULL;
    uint64_t h = wts_hash_bytes(key, klen);
    char *copy = NULL;
    pthread_mutex_lock(&c->mu);
    entry *e = *slot_of(c, h, key, klen);
    if (e) {
        unlink_recency(c, e);
        link_newest(c, e);
        c->hits++;
        /* a copy: the entry may leave while the answer is being sent */
        copy = wts_xstrndup(e->answer, e->alen);
    } else {
        c->misses++;
    }
    pthread_mutex_unlock(&c->mu);
    return copy;
}

void sd_cache_put(sd_cache *c, const char *key, size_t klen, const char *answer, size_t alen) {
    if (!c) return;
    size_t cost = entry_cost(klen, alen);
    if (cost > c->max_bytes / LARGEST_SHARE) return;
    /* made outside the lock */
    entry *e = wts_xcalloc(1, sizeof *e);
    e->hash = wts_hash_bytes(key, klen);
    e->key = wts_xstrndup(key, klen);
    e->klen = klen;
    e->answer = wts_xstrndup(answer, alen);
    e->alen = alen;
    pthread_mutex_lock(&c->mu);
    if (*slot_of(c, e->hash, key, klen)) { /* another worker kept it meanwhile: the same answer */
        pthread_mutex_unlock(&c->mu);
        entry_free(e);
        return;
    }
    while (c->oldest && c->bytes + cost > c->max_bytes) remove_entry(c, c->oldest);
    entry **head = &c->buckets[e->hash & (c->nbuckets - 1)];
    e->next_in_bucket = *head;
    *head = e;
    link_newest(c, e);
    c->bytes += cost;
    c->entries++;
    c->stored++;
    if (c->entries > c->nbuckets) grow(c);
    pthread_mutex_unlock(&c->mu);
}

void sd_cache_read(sd_cache *c, sd_cache_view *v) {
    memset(v, 0, sizeof *v);
    if (!c) return;
    pthread_mutex_lock(&c->mu);
    v->max_bytes = c->max_bytes;
    v->bytes = c->bytes;
    v->entries = c->entries;
    v->hits = c->hits;
    v->misses = c->misses;
    v->stored = c->stored;
    pthread_mutex_unlock(&c->mu);
}
