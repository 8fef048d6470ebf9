/* annotate.c: what each paragraph is about, beyond its words: the symbols
 * it cites, the members it names, its topics, the dates it mentions, its
 * language. */
#include "stages.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Paragraphs shorter than this take the document's language: too few
 * function words to tell on their own. */
#define LANG_MIN_WORDS 20

void wts_strlist_add(wts_strlist *l, const char *s) {
    if (wts_strlist_has(l, s)) return;
    l->v = wts_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = wts_xstrdup(s);
}

bool wts_strlist_has(const wts_strlist *l, const char *s) {
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0) return true;
    return false;
}

void wts_strlist_free(wts_strlist *l) {
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

typedef struct cite_ctx {
    wts_para *p;
    const wts_strlist *own;
} cite_ctx;

static int on_symbol(void *ud, const char *canon, size_t start, size_t end) {
    (void)start, (void)end;
    cite_ctx *c = ud;
    if (!wts_strlist_has(c->own, canon)) wts_strlist_add(&c->p->cites, canon);
    return 0;
}

/* Word beginnings (folded) that say a member acts: presents, proposes,
 * reports, joins... in the three languages. */
static const char *const action_words[] = {
    "present", "propos", "report", "join", "note", "noted", "inform", "announc", "suggest",
    "invit", "updat", "highlight", "recall", "submit", "stress", "express", "shar", "launch",
    "host", "organi", "circulat", "introduc", "explain", "brief", "request", "call", "outlin",
    "describ", "welcom", "offer", "indicat", "emphasi", "underlin", "sponsor", "designat",
    "appoint", "elect", "chair", "coordinat", "lead", "led", "presid", "nomm", "design",
    "annonc", "rappel", "soulign", "partag", "soum", "indiqu", "expliqu", "lanc", "accueill",
    "decri", "demand", "adher", "rejoin", "communiqu", "signal",
    "anunci", "record", "destac", "compart", "indic", "explic", "lanz", "sugir", "propus",
    "propon", "solicit", "adhir", "senal", "comunic", "expus", "expon", NULL};

/* Members named one after the other, only separators between them, in a
 * run this long are being enumerated, not acting. */
#define ENUMERATION_RUN 4
/* Words around a name where an action word makes the member act. */
#define ACTION_WINDOW_BEFORE 3
#define ACTION_WINDOW_AFTER 10

static bool is_action(const char *w) {
    for (const char *const *a = action_words; *a; a++)
        if (strncmp(w, *a, strlen(*a)) == 0) return true;
    return false;
}

typedef struct member_ctx {
    wts_para *p;
    struct span { size_t start, end; char id[16]; } *spans;
    size_t nspans;
} member_ctx;

static int on_member(void *ud, const char *id, size_t start, size_t end) {
    member_ctx *m = ud;
    wts_strlist_add(&m->p->members, id);
    m->spans = wts_xrealloc(m->spans, (m->nspans + 1) * sizeof *m->spans);
    m->spans[m->nspans].start = start;
    m->spans[m->nspans].end = end;
    snprintf(m->spans[m->nspans].id, sizeof m->spans[m->nspans].id, "%s", id);
    m->nspans++;
    return 0;
}

/* Whether only list separators stand between two names: ", ", "; ",
 * " and ", " et ", " y ", "the". */
static bool only_separators(const char *s, size_t len) {
    static const char *const glue[] = {"and", "et", "y", "or", "ou", "the", "la", "le", "el", "les", "los", "las", "l", NULL};
    size_t i = 0;
    while (i < len) {
        if (strchr(" ,;:\n\t", s[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && !strchr(" ,;:\n\t'", s[j])) j++;
        bool ok = false;
        for (const char *const *g = glue; *g && !ok; g++)
            ok = strlen(*g) == j - i && strncasecmp(s + i, *g, j - i) == 0;
        if (!ok) return false;
        i = j + (j < len && s[j] == '\'');
    }
    return true;
}

/* Which named members act in the paragraph: an action word near the name,
 * the name not part of an enumeration of members. */
static void find_members(wts_para *p, const wts_words *words) {
    member_ctx m = {p, NULL, 0};
    wts_gaz_find_words(WTS_GAZ_MEMBERS, p->text, words, on_member, &m);
    bool *listed = wts_xcalloc(m.nspans + 1, sizeof *listed);
    for (size_t a = 0; a < m.nspans;) { /* mark runs of names joined by separators */
        size_t b = a;
        while (b + 1 < m.nspans &&
               only_separators(p->text + m.spans[b].end, m.spans[b + 1].start - m.spans[b].end))
            b++;
        if (b - a + 1 >= ENUMERATION_RUN)
            for (size_t k = a; k <= b; k++) listed[k] = true;
        a = b + 1;
    }
    for (size_t s = 0; s < m.nspans; s++)
        if (listed[s]) wts_strlist_add(&p->listed, m.spans[s].id);
    for (size_t s = 0; s < m.nspans; s++) {
        if (listed[s]) continue;
        size_t first = 0, last = 0;
        while (first < words->n && words->end[first] <= m.spans[s].start) first++;
        last = first;
        while (last < words->n && words->start[last] < m.spans[s].end) last++;
        size_t from = first > ACTION_WINDOW_BEFORE ? first - ACTION_WINDOW_BEFORE : 0;
        size_t to = last + ACTION_WINDOW_AFTER < words->n ? last + ACTION_WINDOW_AFTER : words->n;
        bool acts = false;
        for (size_t k = from; k < to && !acts; k++)
            if (k < first || k >= last) acts = is_action(words->w[k]);
        if (acts) wts_strlist_add(&p->acting, m.spans[s].id);
    }
    free(m.spans);
    free(listed);
}

/* Links to docs.wto.org name documents by file name
 * ("...directdoc.aspx?filename=q:/INF/MSME/4R2.pdf"): they are citations. */
static void find_linked_symbols(wts_para *p, const char *t, const wts_strlist *own) {
    for (const char *c = strstr(t, ":/"); c; c = strstr(c + 2, ":/")) {
        if (c - t < 1 || !strchr("qrsQRS", c[-1]) || (c - t >= 2 && isalnum((unsigned char)c[-2]))) continue;
        size_t n = strcspn(c, " \t\n&\"'<>)");
        char name[256];
        if (n + 1 >= sizeof name) continue;
        snprintf(name, sizeof name, "%c%.*s", c[-1], (int)n, c);
        char canon[WTS_MAX_SYMBOL];
        if (wts_symbol_from_filename(name, canon, sizeof canon, NULL) == WTS_OK && !wts_strlist_has(own, canon))
            wts_strlist_add(&p->cites, canon);
    }
}

static int on_name(void *ud, const char *id, size_t start, size_t end) {
    (void)start, (void)end;
    wts_strlist_add(ud, id);
    return 0;
}

static int on_date(void *ud, const wts_date *d, size_t start, size_t end) {
    (void)start, (void)end;
    char iso[16];
    wts_date_iso(d, iso, sizeof iso);
    wts_strlist_add(ud, iso);
    return 0;
}

/* One pass over each paragraph's words, collected once for every
 * annotator; a document of unknown language gets the language of all its
 * function words, counted on the way. */
void annotate_document(wts_document *doc) {
    wts_lang_votes all = {0, 0, 0, 0};
    for (size_t i = 0; i < doc->nparas; i++) {
        wts_para *p = &doc->paras[i];
        size_t len = strlen(p->text);
        wts_words words;
        wts_words_collect(p->text, len, &words);
        wts_lang_votes votes = {0, 0, 0, 0};
        wts_lang_count(&words, &votes);
        all.words += votes.words;
        all.en += votes.en;
        all.fr += votes.fr;
        all.es += votes.es;
        p->lang = votes.words >= LANG_MIN_WORDS ? wts_lang_decide(&votes) : WTS_LANG_UNKNOWN;
        cite_ctx c = {p, &doc->symbols};
        wts_symbols_find(p->text, len, on_symbol, &c);
        find_linked_symbols(p, p->text, &doc->symbols);
        for (size_t k = 0; k < p->links.n; k++) find_linked_symbols(p, p->links.v[k], &doc->symbols);
        find_members(p, &words);
        wts_gaz_find_words(WTS_GAZ_TOPICS, p->text, &words, on_name, &p->topics);
        wts_gaz_find_words(WTS_GAZ_ACRONYMS, p->text, &words, on_name, &p->acronyms);
        wts_dates_find_words(&words, on_date, &p->dates);
        wts_words_free(&words);
    }
    if (doc->lang == WTS_LANG_UNKNOWN) doc->lang = wts_lang_decide(&all);
    for (size_t i = 0; i < doc->nparas; i++)
        if (doc->paras[i].lang == WTS_LANG_UNKNOWN) doc->paras[i].lang = doc->lang;
}
