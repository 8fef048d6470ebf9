/* gazetteer.c: WTO members and topics, found by any of their names.
 *
 * Both tables come from the project's TSV files (corpus/members.tsv,
 * corpus/topics.tsv), compiled into the program.  Every name is kept in
 * search form (folded words joined by one space) and sorted, so that
 * finding names in a paragraph is one binary search per word. */
#include "wts.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

extern const char wts_members_tsv[];
extern const size_t wts_members_tsv_len;
extern const char wts_topics_tsv[];
extern const size_t wts_topics_tsv_len;
extern const char wts_acronyms_tsv[];
extern const size_t wts_acronyms_tsv_len;

typedef struct gaz_entry {
    char *key;        /* folded words joined by ' ' */
    size_t nwords;
    const char *id;   /* points into gazetteer.ids */
    bool caps;        /* an all-capitals form ("EU", "US"): match only as such */
} gaz_entry;

typedef struct gazetteer {
    gaz_entry *e;
    size_t n, cap;
    char **ids;       /* each id once, in file order */
    char **labels;    /* English name of each id */
    size_t nids;
    wts_strset firsts; /* the first word of every name: most words of a
                          text start none, and need no search */
    size_t *first_entry; /* by index in firsts: the first entry (in key
                            order) whose name starts with that word */
} gazetteer;

static gazetteer members, topics, acronyms;
/* Each table is read on first use only: a query without member: or
 * topic: never reads those. */
static pthread_once_t members_once = PTHREAD_ONCE_INIT, topics_once = PTHREAD_ONCE_INIT,
                      acronyms_once = PTHREAD_ONCE_INIT;

static int fold_join_cb(void *ud, const wts_token *t) {
    wts_buf *b = ud;
    if (b->len) wts_buf_addc(b, ' ');
    wts_buf_add(b, t->folded, t->folded_len);
    return 0;
}

/* The search form of a name: "Côte d’Ivoire" -> "cote d ivoire". */
static char *search_form(const char *s, size_t len) {
    wts_buf b = WTS_BUF_INIT;
    wts_tokenize(s, len, fold_join_cb, &b);
    return wts_buf_steal(&b);
}

static bool all_caps(const char *s, size_t len) {
    bool letter = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (islower(c) || c >= 0x80) return false;
        if (isupper(c)) letter = true;
    }
    return letter && len <= 6;
}

static void add_name(gazetteer *g, const char *id, const char *name, size_t len) {
    char *key = search_form(name, len);
    if (!*key) {
        free(key);
        return;
    }
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 256;
        g->e = wts_xrealloc(g->e, g->cap * sizeof *g->e);
    }
    size_t words = 1;
    for (const char *p = key; *p; p++) words += *p == ' ';
    g->e[g->n++] = (gaz_entry){key, words, id, all_caps(name, len)};
}

static void add_names(gazetteer *g, const char *id, const char *field, size_t len) {
    size_t a = 0;
    for (size_t i = 0; i <= len; i++)
        if (i == len || field[i] == '|') {
            while (a < i && field[a] == ' ') a++;
            if (i > a) add_name(g, id, field + a, i - a);
            a = i + 1;
        }
}

static int entry_cmp(const void *a, const void *b) {
    const gaz_entry *x = a, *y = b;
    return strcmp(x->key, y->key);
}

/* Sorts the names and drops a form given twice for one entry. */
static void sort_names(gazetteer *g) {
    qsort(g->e, g->n, sizeof *g->e, entry_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < g->n; i++) {
        if (kept && g->e[kept - 1].id == g->e[i].id && strcmp(g->e[kept - 1].key, g->e[i].key) == 0) {
            free(g->e[i].key);
            continue;
        }
        g->e[kept++] = g->e[i];
    }
    g->n = kept;
    /* The names starting with one word are adjacent in key order: ' ' is
     * below every character that can follow the word. */
    g->first_entry = wts_xcalloc(g->n ? g->n : 1, sizeof *g->first_entry);
    for (size_t i = 0; i < g->n; i++) {
        bool added = false;
        size_t k = wts_strset_add(&g->firsts, g->e[i].key, strcspn(g->e[i].key, " "), &added);
        if (added) g->first_entry[k] = i;
    }
}

/* Reads a TSV whose first column is the id and whose name columns are
 * name_cols (indices); label_col gives the display name. */
static void load(gazetteer *g, const char *tsv, size_t len, const int *name_cols,
                 size_t ncols, int label_col) {
    size_t line_start = 0;
    bool header = true;
    while (line_start < len) {
        const char *nl = memchr(tsv + line_start, '\n', len - line_start);
        size_t line_end = nl ? (size_t)(nl - tsv) : len;
        if (!header && line_end > line_start) {
            const char *cols[16];
            size_t lens[16], nc = 0, a = line_start;
            for (size_t i = line_start; i <= line_end && nc < 16; i++)
                if (i == line_end || tsv[i] == '\t') {
                    cols[nc] = tsv + a;
                    lens[nc++] = i - a;
                    a = i + 1;
                }
            if (nc > 1 && lens[0] > 0) {
                g->ids = wts_xrealloc(g->ids, (g->nids + 1) * sizeof *g->ids);
                g->labels = wts_xrealloc(g->labels, (g->nids + 1) * sizeof *g->labels);
                char *id = wts_xstrndup(cols[0], lens[0]);
                g->ids[g->nids] = id;
                g->labels[g->nids++] = (size_t)label_col < nc
                                           ? wts_xstrndup(cols[label_col], lens[label_col])
                                           : wts_xstrdup(id);
                for (size_t c = 0; c < ncols; c++)
                    if ((size_t)name_cols[c] < nc)
                        add_names(g, id, cols[name_cols[c]], lens[name_cols[c]]);
            }
        }
        header = false;
        line_start = line_end + 1;
    }
    sort_names(g);
}

/* acronyms.tsv: acronym, lang, expansion.  An acronym and its
 * expansions are one concept, whose id is the acronym folded, a plural
 * 's' dropped ("MSMEs" and "MSME" are one concept). */
static void load_acronyms(gazetteer *g, const char *tsv, size_t len) {
    size_t line_start = 0;
    bool header = true;
    while (line_start < len) {
        const char *nl = memchr(tsv + line_start, '\n', len - line_start);
        size_t line_end = nl ? (size_t)(nl - tsv) : len;
        const char *line = tsv + line_start;
        size_t ll = line_end - line_start;
        const char *t1 = memchr(line, '\t', ll);
        const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(line + ll - t1 - 1)) : NULL;
        if (!header && t1 && t2 && t1 > line) {
            size_t al = (size_t)(t1 - line);
            wts_buf concept = WTS_BUF_INIT;
            wts_fold(line, al, &concept);
            if (al > 2 && line[al - 1] == 's' && isupper((unsigned char)line[al - 2])) concept.data[--concept.len] = '\0';
            const char *id = NULL;
            for (size_t i = 0; i < g->nids && !id; i++)
                if (strcmp(g->ids[i], concept.data) == 0) id = g->ids[i];
            if (!id) {
                g->ids = wts_xrealloc(g->ids, (g->nids + 1) * sizeof *g->ids);
                g->labels = wts_xrealloc(g->labels, (g->nids + 1) * sizeof *g->labels);
                g->ids[g->nids] = wts_xstrdup(concept.data);
                g->labels[g->nids] = wts_xstrndup(line, al);
                id = g->ids[g->nids++];
            }
            add_name(g, id, line, al);
            add_name(g, id, t2 + 1, (size_t)(line + ll - t2 - 1));
            wts_buf_free(&concept);
        }
        header = false;
        line_start = line_end + 1;
    }
    sort_names(g);
}

static void load_members(void) {
    static const int cols[] = {1, 2, 3, 4};
    load(&members, wts_members_tsv, wts_members_tsv_len, cols, 4, 1);
}

static void load_topics(void) {
    static const int cols[] = {1, 2, 3, 4, 5, 6};
    load(&topics, wts_topics_tsv, wts_topics_tsv_len, cols, 6, 1);
}

static void load_acronym_table(void) { load_acronyms(&acronyms, wts_acronyms_tsv, wts_acronyms_tsv_len); }

static gazetteer *get(wts_gaz which) {
    switch (which) {
    case WTS_GAZ_MEMBERS: pthread_once(&members_once, load_members); return &members;
    case WTS_GAZ_TOPICS: pthread_once(&topics_once, load_topics); return &topics;
    default: pthread_once(&acronyms_once, load_acronym_table); return &acronyms;
    }
}

size_t wts_gaz_count(wts_gaz which) { return get(which)->nids; }

const char *wts_gaz_id(wts_gaz which, size_t i) {
    gazetteer *g = get(which);
    return i < g->nids ? g->ids[i] : NULL;
}

const char *wts_gaz_label(wts_gaz which, const char *id) {
    gazetteer *g = get(which);
    for (size_t i = 0; i < g->nids; i++)
        if (strcmp(g->ids[i], id) == 0) return g->labels[i];
    return NULL;
}

/* Edit distance, bounded work: names are short. */
static size_t distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return 99;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

wts_status wts_gaz_resolve(wts_gaz which, const char *name, size_t len, const char **id,
                           char **suggest) {
    gazetteer *g = get(which);
    if (id) *id = NULL;
    if (suggest) *suggest = NULL;
    char *key = search_form(name, len);
    gaz_entry probe = {key, 0, NULL, false};
    gaz_entry *hit = bsearch(&probe, g->e, g->n, sizeof *g->e, entry_cmp);
    if (hit) {
        if (id) *id = hit->id;
        free(key);
        return WTS_OK;
    }
    /* the id itself ("mex") is accepted in filters, never looked for in
     * text, where "can" and "per" are words; in its search form or as
     * written, since the search form splits "data-statistics" in two */
    for (size_t i = 0; i < g->nids; i++)
        if (strcmp(g->ids[i], key) == 0 || (strlen(g->ids[i]) == len && strncasecmp(g->ids[i], name, len) == 0)) {
            if (id) *id = g->ids[i];
            free(key);
            return WTS_OK;
        }
    if (suggest) { /* the three closest ids, by their closest name */
        const char *best[3] = {NULL, NULL, NULL};
        size_t bestd[3] = {99, 99, 99};
        for (size_t i = 0; i < g->n; i++) {
            size_t d = distance(key, g->e[i].key);
            const char *lab = wts_gaz_label(which, g->e[i].id);
            bool dup = false;
            for (int k = 0; k < 3; k++)
                if (best[k] == lab) {
                    dup = true;
                    if (d < bestd[k]) bestd[k] = d;
                }
            if (dup) continue;
            for (int k = 0; k < 3; k++)
                if (d < bestd[k]) {
                    for (int m = 2; m > k; m--) {
                        best[m] = best[m - 1];
                        bestd[m] = bestd[m - 1];
                    }
                    best[k] = lab;
                    bestd[k] = d;
                    break;
                }
        }
        wts_buf b = WTS_BUF_INIT;
        for (int k = 0; k < 3 && best[k]; k++) {
            if (b.len) wts_buf_adds(&b, ", ");
            wts_buf_adds(&b, best[k]);
        }
        *suggest = wts_buf_steal(&b);
    }
    free(key);
    return WTS_ERR_NOT_FOUND;
}

/* ---- finding names in text ---- */

/* Does entry e match the words starting at word i? */
static bool matches_at(const gaz_entry *e, const wts_words *a, size_t i, const char *text) {
    if (i + e->nwords > a->n) return false;
    const char *k = e->key;
    for (size_t w = 0; w < e->nwords; w++) {
        size_t at = i + w;
        if (strncmp(k, a->w[at], a->len[at]) != 0) return false;
        k += a->len[at];
        if (*k != (w + 1 < e->nwords ? ' ' : '\0')) return false;
        if (*k) k++;
        if (e->caps)
            for (size_t c = a->start[at]; c < a->end[at]; c++)
                if (islower((unsigned char)text[c])) return false;
    }
    return true;
}

void wts_gaz_find(wts_gaz which, const char *text, size_t len, wts_gaz_cb cb, void *ud) {
    wts_words a;
    wts_words_collect(text, len, &a);
    wts_gaz_find_words(which, text, &a, cb, ud);
    wts_words_free(&a);
}

void wts_gaz_find_words(wts_gaz which, const char *text, const wts_words *a, wts_gaz_cb cb, void *ud) {
    gazetteer *g = get(which);
    for (size_t i = 0; i < a->n; i++) {
        size_t wl = a->len[i];
        size_t first = wts_strset_find(&g->firsts, a->w[i], wl);
        if (first == WTS_STRSET_NONE) continue;
        const gaz_entry *best = NULL;
        for (size_t j = g->first_entry[first]; j < g->n; j++) {
            const gaz_entry *e = &g->e[j];
            if (strncmp(e->key, a->w[i], wl) != 0 || (e->key[wl] != ' ' && e->key[wl] != '\0')) break;
            if ((!best || e->nwords > best->nwords) && matches_at(e, a, i, text)) best = e;
        }
        if (best) {
            if (cb(ud, best->id, a->start[i], a->end[i + best->nwords - 1])) break;
            i += best->nwords - 1;
        }
    }
}
