/* annotate.c: what each paragraph is about, beyond its words: the symbols
 * it cites, the members it names, its topics, the dates it mentions, its
 * language. */
#include "stages.h"

#include <stdlib.h>
#include <string.h>

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

static int count_words(void *ud, const wts_token *t) {
    (void)t;
    (*(size_t *)ud)++;
    return 0;
}

void annotate_document(wts_document *doc) {
    if (doc->lang == WTS_LANG_UNKNOWN) {
        wts_buf all = WTS_BUF_INIT;
        for (size_t i = 0; i < doc->nparas; i++) {
            wts_buf_adds(&all, doc->paras[i].text);
            wts_buf_addc(&all, '\n');
        }
        doc->lang = wts_lang_detect(all.data ? all.data : "", all.len);
        wts_buf_free(&all);
    }
    for (size_t i = 0; i < doc->nparas; i++) {
        wts_para *p = &doc->paras[i];
        size_t len = strlen(p->text), words = 0;
        wts_tokenize(p->text, len, count_words, &words);
        p->lang = doc->lang;
        if (words >= LANG_MIN_WORDS) {
            wts_lang l = wts_lang_detect(p->text, len);
            if (l != WTS_LANG_UNKNOWN) p->lang = l;
        }
        cite_ctx c = {p, &doc->symbols};
        wts_symbols_find(p->text, len, on_symbol, &c);
        wts_gaz_find(WTS_GAZ_MEMBERS, p->text, len, on_name, &p->members);
        wts_gaz_find(WTS_GAZ_TOPICS, p->text, len, on_name, &p->topics);
        wts_dates_find(p->text, len, on_date, &p->dates);
    }
}
