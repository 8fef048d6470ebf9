/* document.c: text in memory to an annotated document (stages 2 to 4). */
#include "stages.h"

#include <stdlib.h>
#include <string.h>

const char *wts_para_kind_name(wts_para_kind k) {
    switch (k) {
    case WTS_PARA_HEADING: return "heading";
    case WTS_PARA_FOOTNOTE: return "footnote";
    default: return "body";
    }
}

/* What a manifest says overrides what the header seemed to say. */
static void apply_hints(wts_document *doc, const wts_doc_hints *h) {
    if (!h) return;
    if (h->symbol && *h->symbol) {
        wts_strlist syms = {NULL, 0};
        char canon[WTS_MAX_SYMBOL];
        const char *s = h->symbol;
        size_t a = 0, len = strlen(s);
        for (size_t k = 0; k <= len; k++)
            if (k == len || s[k] == ';' || (s[k] == '-' && k + 1 < len && s[k + 1] != ' ')) {
                if (k > a && wts_symbol_canon(s + a, k - a, canon, sizeof canon) == WTS_OK)
                    wts_strlist_add(&syms, canon);
                a = k + 1;
            }
        if (syms.n) {
            wts_strlist_free(&doc->symbols);
            doc->symbols = syms;
        }
    }
    wts_date d;
    if (h->date && *h->date && wts_date_parse(h->date, strlen(h->date), &d) == WTS_OK) doc->date = d;
    if (h->lang && *h->lang) {
        wts_lang l = wts_lang_from_code(h->lang);
        if (l != WTS_LANG_UNKNOWN) doc->lang = l;
    }
    if (h->title && *h->title) {
        free(doc->title);
        doc->title = wts_xstrdup(h->title);
    }
    char canon[WTS_MAX_SYMBOL];
    wts_lang l = WTS_LANG_UNKNOWN;
    if (doc->symbols.n == 0 && h->file_name &&
        wts_symbol_from_filename(h->file_name, canon, sizeof canon, &l) == WTS_OK) {
        wts_strlist_add(&doc->symbols, canon);
        if (doc->lang == WTS_LANG_UNKNOWN) doc->lang = l;
    }
}

wts_status wts_document_parse(const char *text, size_t len, wts_source_format fmt,
                              const wts_doc_hints *hints, wts_document **out) {
    if (!out) return WTS_ERR_INVALID;
    *out = NULL;
    if (!text) return WTS_ERR_INVALID;
    wts_document *doc = wts_xcalloc(1, sizeof *doc);
    src_lines lines;
    normalize_lines(text, len, fmt, &lines);
    segment_document(&lines, doc);
    src_lines_free(&lines);
    apply_hints(doc, hints);
    annotate_document(doc);
    *out = doc;
    return WTS_OK;
}

void wts_document_free(wts_document *doc) {
    if (!doc) return;
    for (size_t i = 0; i < doc->nparas; i++) {
        wts_para *p = &doc->paras[i];
        free(p->label);
        free(p->text);
        free(p->section);
        wts_strlist_free(&p->cites);
        wts_strlist_free(&p->members);
        wts_strlist_free(&p->acting);
        wts_strlist_free(&p->listed);
        wts_strlist_free(&p->topics);
        wts_strlist_free(&p->acronyms);
        wts_strlist_free(&p->dates);
        wts_strlist_free(&p->links);
    }
    free(doc->paras);
    free(doc->title);
    wts_strlist_free(&doc->symbols);
    free(doc);
}
