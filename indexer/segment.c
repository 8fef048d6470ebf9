/* segment.c: lines into the header fields and the paragraphs of a document.
 *
 * WTO documents number their paragraphs ("2.3.  text") and their sections
 * ("2  MEETINGS"); text extracted from PDF breaks a paragraph at each page
 * end and splices the page's footnotes into it.  The segmenter therefore
 * keeps two open slots, one for the body paragraph and one for a footnote:
 * footnotes fill their own slot while the body paragraph stays open, and
 * the body text that comes back after them joins the paragraph it left.
 * Paragraphs are put back in reading order (by first line) at the end. */
#include "stages.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
    bool open;
    wts_buf text;
    char label[24];
    wts_para_kind kind;
    bool numbered;
    size_t first_line;
    size_t last_len;  /* length of the last line added */
    size_t prev_len;  /* and of the line before it */
    char last_char;   /* last character of the last line added */
    wts_strlist links; /* links that stood alone on a line in it */
} slot;

typedef struct para_rec {
    wts_para p;
    size_t first_line;
} para_rec;

typedef struct seg {
    para_rec *v;
    size_t n, cap;
    slot body, note;
    bool in_notes;       /* between a footnote block's start and the body's return */
    bool rule_seen;      /* a white-space-only line (PDF footnote rule) since the last text */
    int next_note;       /* the footnote number expected next */
    bool double_spaced;  /* a blank line after nearly every line (some PDF text) */
    size_t typical_len;  /* length of a full line of running text */
    bool markdown;
} seg;

/* ---- line shapes ---- */

static size_t digits_at(const char *s, size_t len, size_t i, size_t max) {
    size_t j = i;
    while (j < len && isdigit((unsigned char)s[j]) && j - i < max) j++;
    if (j < len && isdigit((unsigned char)s[j])) return 0;
    return j - i;
}

/* "2.3.  text" -> label "2.3", returns the offset of text; 0 if not. */
static size_t numbered_start(const char *s, size_t len, char *label, size_t lsize) {
    size_t i = 0, d = digits_at(s, len, 0, 2);
    if (!d) return 0;
    i = d;
    size_t levels = 1;
    while (i + 1 < len && s[i] == '.' && isdigit((unsigned char)s[i + 1]) && levels < 4) {
        size_t e = digits_at(s, len, i + 1, 3);
        if (!e) return 0;
        i += 1 + e;
        levels++;
    }
    if (i >= len || s[i] != '.') return 0;
    size_t lab = i;
    i++;
    if (i >= len || !isspace((unsigned char)s[i])) return 0;
    while (i < len && isspace((unsigned char)s[i])) i++;
    if (i >= len) return 0;
    if (lab >= lsize) return 0;
    memcpy(label, s, lab);
    label[lab] = '\0';
    return i;
}

static bool has_lower(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++) {
        uint32_t cp;
        size_t n = wts_utf8_decode(s + i, len - i, &cp);
        if ((cp >= 'a' && cp <= 'z') || (cp >= 0xDF && cp <= 0xFF && cp != 0xF7)) return true;
        i += n - 1;
    }
    return false;
}

static size_t count_letters(const char *s, size_t len) {
    size_t k = 0;
    for (size_t i = 0; i < len; i++) k += isalpha((unsigned char)s[i]) != 0;
    return k;
}

/* "2  OPEN-ENDED MEETINGS", "3.1  Annex 1": number without a final dot,
 * then the heading.  Returns the text offset, 0 if not a heading. */
static size_t numbered_heading(const char *s, size_t len, char *label, size_t lsize, int next_note) {
    size_t d = digits_at(s, len, 0, 2);
    if (!d) return 0;
    size_t i = d;
    while (i + 1 < len && s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
        size_t e = digits_at(s, len, i + 1, 2);
        if (!e) return 0;
        i += 1 + e;
    }
    size_t lab = i, spaces = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t')) {
        i++;
        spaces++;
    }
    if (!spaces || i >= len || !isalpha((unsigned char)s[i]) || len - i > 110) return 0;
    bool caps = !has_lower(s + i, len - i) && count_letters(s + i, len - i) >= 3;
    bool dotless = s[len - 1] != '.' && s[len - 1] != ';' && s[len - 1] != ',';
    if (spaces == 1) { /* "3 INF/MSME/W/36." is a footnote, not a heading */
        int n = atoi(s);
        if (!caps || n == next_note || memchr(s + i, '/', len - i)) return 0;
    } else if (!(caps || (dotless && len - i <= 60 && isupper((unsigned char)s[i])))) {
        return 0;
    }
    if (lab >= lsize) return 0;
    memcpy(label, s, lab);
    label[lab] = '\0';
    return i;
}

/* A line in capitals (a heading or a title); a few lower-case letters
 * are allowed ("MSMEs"). */
/* The number that starts a marked-up heading, however it is spaced:
 * "3.1 Annex 1". */
static size_t heading_number(const char *s, size_t len, char *label, size_t lsize) {
    size_t i = 0;
    while (i < len && (isdigit((unsigned char)s[i]) || (s[i] == '.' && i > 0))) i++;
    size_t lab = i;
    while (lab > 0 && s[lab - 1] == '.') lab--;
    if (!lab || i >= len || s[i] != ' ' || lab >= lsize) return 0;
    memcpy(label, s, lab);
    label[lab] = '\0';
    while (i < len && s[i] == ' ') i++;
    return i;
}

static bool is_caps_line(const char *s, size_t len) {
    /* "(INF/MSME/W/51)." is a citation left alone on its line, not a heading */
    if (len > 100 || memchr(s, '/', len)) return false;
    size_t upper = 0, lower = 0;
    for (size_t i = 0; i < len; i++) {
        uint32_t cp;
        size_t n = wts_utf8_decode(s + i, len - i, &cp);
        if ((cp >= 'a' && cp <= 'z') || (cp >= 0xDF && cp <= 0xFF && cp != 0xF7)) lower++;
        else if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)) upper++;
        i += n - 1;
    }
    return upper >= 3 && lower * 8 <= upper;
}

/* Page furniture: page numbers, "- 2 -", rules of underscores, URLs on
 * their own, running heads made of the symbol and a page number. */
static bool is_furniture(const char *s, size_t len) {
    size_t i = 0;
    char canon[WTS_MAX_SYMBOL];
    /* a leading symbol, as in running heads: "INF/MSME/R/35 - 2 -" */
    const char *sp = memchr(s, ' ', len);
    if (sp && wts_symbol_canon(s, (size_t)(sp - s), canon, sizeof canon) == WTS_OK) i = (size_t)(sp - s);
    bool only_marks = true;
    size_t digits = 0;
    for (size_t k = i; k < len; k++) {
        char c = s[k];
        if (isdigit((unsigned char)c)) digits++;
        else if (c != '-' && c != ' ' && c != '_' && c != '.') only_marks = false;
    }
    /* "12", "- 3 -", "____", but not "2026." ending a sentence */
    if (only_marks && len > 0 && (digits ? digits <= 3 : len - i >= 3 || i > 0)) return true;
    if ((len > 8 && memcmp(s, "https://", 8) == 0) || (len > 7 && memcmp(s, "http://", 7) == 0) ||
        (len > 4 && memcmp(s, "www.", 4) == 0))
        return memchr(s, ' ', len) == NULL;
    return false;
}

/* Whether a line shows one of the document's own symbols. */
static bool names_own_symbol(const wts_document *doc, const char *s, size_t len) {
    for (size_t i = 0; i < doc->symbols.n; i++) {
        size_t n = strlen(doc->symbols.v[i]);
        for (size_t k = 0; k + n <= len; k++)
            if (memcmp(s + k, doc->symbols.v[i], n) == 0) return true;
    }
    return false;
}

/* ---- slots ---- */

static void slot_start(slot *s, const char *label, wts_para_kind kind, bool numbered, size_t line) {
    s->open = true;
    wts_buf_reset(&s->text);
    snprintf(s->label, sizeof s->label, "%s", label);
    s->kind = kind;
    s->numbered = numbered;
    s->first_line = line;
    s->last_len = 0;
    s->prev_len = 0;
    s->last_char = 0;
}

/* Adds a line, re-joining a word hyphenated across the line end
 * ("Inter-" + "national") when the next line goes on in lower case. */
static void slot_add(slot *s, const char *t, size_t len) {
    if (!len) return;
    wts_buf *b = &s->text;
    if (b->len) {
        bool hyphen = b->len >= 2 && b->data[b->len - 1] == '-' && isalpha((unsigned char)b->data[b->len - 2]);
        uint32_t first;
        wts_utf8_decode(t, len, &first);
        bool lower = (first >= 'a' && first <= 'z') || (first >= 0xDF && first <= 0x24F);
        if (hyphen && lower)
            b->data[--b->len] = '\0';
        else if (!hyphen) /* "MSME-" + "Related" keeps its hyphen, no space */
            wts_buf_addc(b, ' ');
    }
    wts_buf_add(b, t, len);
    s->prev_len = s->last_len;
    s->last_len = len;
    s->last_char = t[len - 1];
}

static void push_para(seg *g, slot *s) {
    if (!s->open) return;
    s->open = false;
    if (s->text.len == 0) return;
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 64;
        g->v = wts_xrealloc(g->v, g->cap * sizeof *g->v);
    }
    para_rec *r = &g->v[g->n++];
    memset(r, 0, sizeof *r);
    r->p.label = wts_xstrdup(s->label);
    r->p.kind = s->kind;
    r->p.text = wts_xstrndup(s->text.data, s->text.len);
    r->p.links = s->links;
    s->links = (wts_strlist){NULL, 0};
    r->first_line = s->first_line;
}

static bool ends_sentence(char c) { return c == '.' || c == '!' || c == '?' || c == ':' || c == ';' || c == '"'; }

static bool starts_lower(const char *t, size_t len) {
    uint32_t cp;
    wts_utf8_decode(t, len, &cp);
    return (cp >= 'a' && cp <= 'z') || (cp >= 0xDF && cp <= 0x24F);
}

/* ---- the header ---- */

/* Whether a header line names the body that issued the document (the
 * line above the title: "INFORMAL WORKING GROUP ON MICRO, SMALL AND
 * MEDIUM-SIZED ENTERPRISES", "COMITÉ DU COMMERCE ET DU DÉVELOPPEMENT"):
 * it is the same on every document of the body, so no part of a title. */
static bool names_a_body(const char *text, size_t len) {
    static const char *const bodies[] = {
        "informal working group ", "working group ", "committee ", "sub-committee ", "general council",
        "council for ", "ministerial conference", "dispute settlement body", "trade policy review body",
        "groupe de travail ", "comite ", "sous-comite ", /* "comite" is Spanish too */ "conseil general", "conseil du ",
        "conference ministerielle", "organe de reglement des differends", "organe d'examen des politiques",
        "grupo de trabajo ", "subcomite ", "consejo general", "consejo del ",
        "conferencia ministerial", "organo de solucion de diferencias", "organo de examen de las politicas",
    };
    wts_buf f = WTS_BUF_INIT;
    wts_fold(text, len < 64 ? len : 64, &f);
    bool found = false;
    for (size_t i = 0; !found && i < sizeof bodies / sizeof bodies[0]; i++)
        found = f.len >= strlen(bodies[i]) && strncmp(f.data, bodies[i], strlen(bodies[i])) == 0;
    wts_buf_free(&f);
    return found;
}

/* Reads symbol, date and title lines at the top; returns the first line
 * of the body. */
static size_t read_header(const src_lines *lines, wts_document *doc) {
    wts_buf title = WTS_BUF_INIT;
    size_t i = 0, seen = 0, body = 0;
    for (; i < lines->n && seen < 12; i++) {
        const src_line *l = &lines->v[i];
        if (!l->len || l->hint == HINT_SEPARATOR) continue;
        seen++;
        char label[24];
        if (numbered_start(l->text, l->len, label, sizeof label) ||
            numbered_heading(l->text, l->len, label, sizeof label, -1))
            break;
        /* a line of symbols: "INF/MSME/W/58-INF/TGE/COM/11" */
        wts_strlist syms = {NULL, 0};
        bool all_symbols = true;
        size_t a = 0;
        for (size_t k = 0; k <= l->len; k++) {
            if (k == l->len || l->text[k] == '-' || l->text[k] == ';' || l->text[k] == ' ') {
                if (k > a) {
                    char canon[WTS_MAX_SYMBOL];
                    if (wts_symbol_canon(l->text + a, k - a, canon, sizeof canon) == WTS_OK)
                        wts_strlist_add(&syms, canon);
                    else if (k - a > 1 || !strchr("-;", l->text[a]))
                        all_symbols = false;
                }
                a = k + 1;
            }
        }
        if (all_symbols && syms.n) {
            for (size_t k = 0; k < syms.n; k++) wts_strlist_add(&doc->symbols, syms.v[k]);
            wts_strlist_free(&syms);
            body = i + 1;
            continue;
        }
        wts_strlist_free(&syms);
        wts_date d;
        if (doc->date.year == 0 && wts_date_parse(l->text, l->len, &d) == WTS_OK && d.day) {
            doc->date = d;
            body = i + 1;
            continue;
        }
        wts_buf f = WTS_BUF_INIT;
        wts_fold(l->text, l->len < 12 ? l->len : 12, &f);
        bool original = strncmp(f.data ? f.data : "", "original", 8) == 0;
        wts_buf_free(&f);
        if (original) {
            body = i + 1;
            continue;
        }
        if (is_caps_line(l->text, l->len) && !title.len && names_a_body(l->text, l->len)) {
            body = i + 1;
            continue;
        }
        if (is_caps_line(l->text, l->len)) {
            size_t len = l->len;
            /* a footnote mark glued to the last word: "MSMES1" */
            if (len > 2 && isdigit((unsigned char)l->text[len - 1]) && isupper((unsigned char)l->text[len - 2]))
                len--;
            if (title.len) wts_buf_adds(&title, " - ");
            wts_buf_add(&title, l->text, len);
            body = i + 1;
            continue;
        }
        break;
    }
    if (title.len) doc->title = wts_buf_steal(&title);
    wts_buf_free(&title);
    return body;
}

/* ---- the body ---- */

static void start_body(seg *g, const char *label, wts_para_kind kind, bool numbered, size_t line) {
    push_para(g, &g->body);
    slot_start(&g->body, label, kind, numbered, line);
}

static void end_notes(seg *g) {
    push_para(g, &g->note);
    g->in_notes = false;
}

/* A text line where neither a paragraph, heading nor footnote starts. */
static void body_text(seg *g, const src_line *l, size_t li, size_t blanks_before, bool after_notes) {
    slot *b = &g->body;
    if (b->open && b->kind == WTS_PARA_HEADING) {
        if (blanks_before == 0 && is_caps_line(l->text, l->len) && !after_notes) {
            slot_add(b, l->text, l->len);
            return;
        }
        push_para(g, b);
    }
    bool caps = is_caps_line(l->text, l->len) && l->len <= 80;
    if (caps && b->open && !(b->kind == WTS_PARA_HEADING && blanks_before == 0)) push_para(g, b);
    if (b->open && !b->numbered) {
        bool split;
        if (after_notes)
            split = ends_sentence(b->last_char) && !starts_lower(l->text, l->len);
        else if (g->double_spaced)
            split = blanks_before >= 2 ||
                    (ends_sentence(b->last_char) && b->last_len * 5 < g->typical_len * 4) ||
                    (b->last_len * 5 < g->typical_len * 3 && b->prev_len * 5 >= g->typical_len * 4 &&
                     b->last_char != ',' && b->last_char != '-');
        else
            split = blanks_before > 0;
        if (split) push_para(g, b);
    }
    if (!b->open) {
        if (caps) {
            slot_start(b, "", WTS_PARA_HEADING, false, li);
            slot_add(b, l->text, l->len);
            return;
        }
        slot_start(b, "", WTS_PARA_BODY, false, li);
    }
    slot_add(b, l->text, l->len);
}

static int rec_cmp(const void *a, const void *b) {
    const para_rec *x = a, *y = b;
    return (x->first_line > y->first_line) - (x->first_line < y->first_line);
}

static void measure(seg *g, const src_lines *lines) {
    size_t text = 0, followed_by_blank = 0, lens[64], nl = 0;
    for (size_t i = 0; i < lines->n; i++) {
        if (!lines->v[i].len) continue;
        text++;
        if (i + 1 < lines->n && !lines->v[i + 1].len) followed_by_blank++;
        if (lines->v[i].len >= 40 && nl < 64) lens[nl++] = lines->v[i].len;
    }
    g->double_spaced = text > 8 && followed_by_blank * 10 > text * 7;
    /* the upper quartile of line lengths: a full line */
    for (size_t i = 1; i < nl; i++)
        for (size_t j = i; j > 0 && lens[j - 1] > lens[j]; j--) {
            size_t t = lens[j];
            lens[j] = lens[j - 1];
            lens[j - 1] = t;
        }
    g->typical_len = nl ? lens[nl * 3 / 4] : 80;
}

void segment_document(const src_lines *lines, wts_document *doc) {
    seg g;
    memset(&g, 0, sizeof g);
    g.next_note = 1;
    measure(&g, lines);
    for (size_t i = 0; i < lines->n; i++)
        if (lines->v[i].hint != HINT_NONE && lines->v[i].hint != HINT_PAGE) g.markdown = true;
    size_t first = read_header(lines, doc);
    size_t blanks = 0;
    bool after_notes = false;
    int page_top = 0; /* lines left to look at for a running head */
    for (size_t li = first; li < lines->n; li++) {
        const src_line *l = &lines->v[li];
        char label[24];
        size_t off;
        if (l->hint == HINT_SEPARATOR) {
            push_para(&g, &g.note);
            after_notes = true;
            continue;
        }
        if (l->hint == HINT_PAGE) { /* notes end with their page; the body goes on */
            if (g.in_notes) after_notes = true;
            end_notes(&g);
            page_top = 2;
            continue;
        }
        if (!l->len) {
            blanks++;
            if (l->lead_space) g.rule_seen = true;
            if (g.markdown && g.note.open) end_notes(&g); /* Markdown notes end at a blank */
            continue;
        }
        size_t blanks_before = blanks;
        blanks = 0;
        /* a running head: the document's symbol atop a page */
        if (page_top && page_top-- && l->len < 120 && names_own_symbol(doc, l->text, l->len)) continue;
        if (is_furniture(l->text, l->len)) {
            /* a link on its own line is no text, but may name a document */
            if (memchr(l->text, ':', l->len) && g.body.open) wts_strlist_add(&g.body.links, l->text);
            continue;
        }
        if (l->hint == HINT_FOOTNOTE) {
            push_para(&g, &g.note);
            char nl[24];
            snprintf(nl, sizeof nl, "fn%s", l->note);
            slot_start(&g.note, nl, WTS_PARA_FOOTNOTE, true, li);
            slot_add(&g.note, l->text, l->len);
            g.in_notes = true;
            g.next_note = atoi(l->note) + 1;
            after_notes = true;
            continue;
        }
        if (l->hint == HINT_HEADING) {
            end_notes(&g);
            after_notes = false;
            off = numbered_heading(l->text, l->len, label, sizeof label, -1);
            if (!off) off = numbered_start(l->text, l->len, label, sizeof label);
            if (!off) off = heading_number(l->text, l->len, label, sizeof label);
            if (!off) label[0] = '\0';
            start_body(&g, label, WTS_PARA_HEADING, off > 0, li);
            slot_add(&g.body, l->text + off, l->len - off);
            push_para(&g, &g.body);
            continue;
        }
        if ((off = numbered_start(l->text, l->len, label, sizeof label))) {
            end_notes(&g);
            after_notes = false;
            bool heading = is_caps_line(l->text + off, l->len - off) && l->len - off <= 80;
            start_body(&g, label, heading ? WTS_PARA_HEADING : WTS_PARA_BODY, !heading, li);
            slot_add(&g.body, l->text + off, l->len - off);
            g.rule_seen = false;
            continue;
        }
        if ((off = numbered_heading(l->text, l->len, label, sizeof label, g.next_note))) {
            end_notes(&g);
            after_notes = false;
            start_body(&g, label, WTS_PARA_HEADING, true, li);
            slot_add(&g.body, l->text + off, l->len - off);
            g.rule_seen = false;
            continue;
        }
        /* A footnote in extracted text: its number, one space, its text;
         * only where footnotes can be (after the rule or another note). */
        size_t d = digits_at(l->text, l->len, 0, 2);
        bool spaced = d && d + 1 < l->len && l->text[d] == ' ' && l->text[d + 1] != ' ' &&
                      (g.in_notes || g.rule_seen);
        /* "1The surveys were...": the mark glued to the note's first word */
        bool glued = d && d + 1 < l->len && isupper((unsigned char)l->text[d]) && islower((unsigned char)l->text[d + 1]);
        if (!g.markdown && (spaced || glued) && atoi(l->text) == g.next_note && !l->lead_space) {
            push_para(&g, &g.note);
            char nl[24];
            snprintf(nl, sizeof nl, "fn%d", g.next_note);
            slot_start(&g.note, nl, WTS_PARA_FOOTNOTE, true, li);
            size_t from = d + (spaced ? 1 : 0);
            slot_add(&g.note, l->text + from, l->len - from);
            g.in_notes = true;
            g.next_note++;
            after_notes = true;
            continue;
        }
        /* A note goes on over its wrapped lines: in PDF text until a page
         * top, in Markdown until a blank line. */
        if (g.in_notes && g.note.open && (g.markdown || !l->lead_space)) {
            slot_add(&g.note, l->text, l->len);
            continue;
        }
        if (g.in_notes) end_notes(&g);
        g.rule_seen = false;
        body_text(&g, l, li, blanks_before, after_notes);
        after_notes = false;
    }
    push_para(&g, &g.note);
    push_para(&g, &g.body);
    if (g.n) qsort(g.v, g.n, sizeof *g.v, rec_cmp);
    doc->paras = wts_xcalloc(g.n ? g.n : 1, sizeof *doc->paras);
    doc->nparas = g.n;
    const char *section = NULL; /* the last heading met, in reading order */
    for (size_t i = 0; i < g.n; i++) {
        doc->paras[i] = g.v[i].p;
        if (doc->paras[i].kind == WTS_PARA_HEADING) section = doc->paras[i].text;
        else if (section) doc->paras[i].section = wts_xstrdup(section);
        if (!doc->paras[i].label[0]) { /* unnumbered: its place in the document */
            free(doc->paras[i].label);
            char ord[24];
            snprintf(ord, sizeof ord, "p%zu", i + 1);
            doc->paras[i].label = wts_xstrdup(ord);
        }
    }
    /* a label names one paragraph: a number met again (list items, a
     * heading's number) gives way to the paragraph's place */
    for (size_t i = 1; i < doc->nparas; i++) {
        if (doc->paras[i].kind == WTS_PARA_HEADING) continue;
        for (size_t k = 0; k < i; k++) {
            if (doc->paras[k].kind == WTS_PARA_HEADING || strcmp(doc->paras[k].label, doc->paras[i].label) != 0)
                continue;
            char ord[24];
            snprintf(ord, sizeof ord, "p%zu", i + 1);
            free(doc->paras[i].label);
            doc->paras[i].label = wts_xstrdup(ord);
            break;
        }
    }
    free(g.v);
    wts_buf_free(&g.body.text);
    wts_buf_free(&g.note.text);
    wts_strlist_free(&g.body.links);
    wts_strlist_free(&g.note.links);
}
