/* buf.c: growable strings and allocation that never returns NULL. */
#include "wts.h"

#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void out_of_memory(size_t n) {
    fprintf(stderr, "wtosearch: out of memory (asked for %zu bytes)\n", n);
    abort();
}

void *wts_xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) out_of_memory(n);
    return p;
}

void *wts_xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) out_of_memory(n * size);
    return p;
}

void *wts_xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) out_of_memory(n);
    return q;
}

char *wts_xstrndup(const char *s, size_t n) {
    char *p = wts_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *wts_xstrdup(const char *s) { return wts_xstrndup(s, strlen(s)); }

unsigned wts_processors(void) {
    cpu_set_t allowed; /* taskset, a container's share */
    if (sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_COUNT(&allowed) > 0)
        return (unsigned)CPU_COUNT(&allowed);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 4096 ? 4096 : (unsigned)n;
}

static void reserve(wts_buf *b, size_t extra) {
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) cap *= 2;
    b->data = wts_xrealloc(b->data, cap);
    b->cap = cap;
}

void wts_buf_add(wts_buf *b, const void *bytes, size_t len) {
    reserve(b, len);
    if (len) memcpy(b->data + b->len, bytes, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void wts_buf_adds(wts_buf *b, const char *s) { wts_buf_add(b, s, strlen(s)); }

void wts_buf_printf(wts_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void wts_buf_reset(wts_buf *b) {
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

void wts_buf_free(wts_buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *wts_buf_steal(wts_buf *b) {
    char *p = b->data ? b->data : wts_xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

/* ---- string sets ---- */

uint64_t wts_hash_bytes(const char *s, size_t len) {
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static size_t *strset_slot(const wts_strset *set, const char *s, size_t len, uint64_t h) {
    for (size_t i = (size_t)h & set->mask;; i = (i + 1) & set->mask) {
        size_t at = set->slot[i];
        /* the hash first: most probes end there, without reading the string */
        if (at == 0 || (set->hash[at - 1] == h && set->len[at - 1] == len && memcmp(set->v[at - 1], s, len) == 0))
            return &set->slot[i];
    }
}

size_t wts_strset_add(wts_strset *set, const char *s, size_t len, bool *added) {
    if (2 * (set->n + 1) > set->mask + 1) { /* at most half full: grow, place all again */
        size_t slots = set->mask ? (set->mask + 1) * 2 : 64;
        free(set->slot);
        set->slot = wts_xcalloc(slots, sizeof *set->slot);
        set->mask = slots - 1;
        set->v = wts_xrealloc(set->v, slots / 2 * sizeof *set->v);
        set->len = wts_xrealloc(set->len, slots / 2 * sizeof *set->len);
        set->hash = wts_xrealloc(set->hash, slots / 2 * sizeof *set->hash);
        for (size_t i = 0; i < set->n; i++) *strset_slot(set, set->v[i], set->len[i], set->hash[i]) = i + 1;
    }
    uint64_t h = wts_hash_bytes(s, len);
    size_t *slot = strset_slot(set, s, len, h);
    if (added) *added = *slot == 0;
    if (*slot) return *slot - 1;
    set->v[set->n] = wts_xstrndup(s, len);
    set->len[set->n] = len;
    set->hash[set->n] = h;
    *slot = ++set->n;
    return set->n - 1;
}

bool wts_strset_has(const wts_strset *set, const char *s, size_t len) {
    return wts_strset_find(set, s, len) != WTS_STRSET_NONE;
}

size_t wts_strset_find(const wts_strset *set, const char *s, size_t len) {
    if (!set->n) return WTS_STRSET_NONE;
    size_t at = *strset_slot(set, s, len, wts_hash_bytes(s, len));
    return at ? at - 1 : WTS_STRSET_NONE;
}

void wts_strset_free(wts_strset *set) {
    for (size_t i = 0; i < set->n; i++) free(set->v[i]);
    free(set->v);
    free(set->len);
    free(set->hash);
    free(set->slot);
    memset(set, 0, sizeof *set);
}
