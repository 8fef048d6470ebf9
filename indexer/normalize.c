/* normalize.c: clean lines out of UTF-8 text.
 *
 * NFC, one kind of line end, no byte-order mark, no-break spaces made
 * spaces and soft hyphens dropped; for Markdown, links reduced to their
 * text, escapes, emphasis and HTML tags removed, footnote reference marks
 * (<sup>1</sup>) dropped, and what the markup says of a line (heading,
 * footnote, rule) kept as a hint for the segmenter. */
#include "stages.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool starts_with(const char *s, size_t len, const char *pfx) {
    size_t n = strlen(pfx);
    return len >= n && memcmp(s, pfx, n) == 0;
}

static const struct {
    const char *name;
    const char *text;
} entities[] = {{"&amp;", "&"},  {"&lt;", "<"},   {"&gt;", ">"},      {"&quot;", "\""},
                {"&#39;", "'"},  {"&apos;", "'"}, {"&nbsp;", " "},    {"&rsquo;", "\u2019"},
                {"&lsquo;", "\u2018"}, {"&ndash;", "\u2013"}, {"&mdash;", "\u2014"}};

/* One Markdown line's inline markup removed. */
static void md_inline(const char *s, size_t len, wts_buf *out) {
    size_t i = 0;
    while (i < len) {
        char c = s[i];
        if (c == '\\' && i + 1 < len && ispunct((unsigned char)s[i + 1])) {
            wts_buf_addc(out, s[i + 1]);
            i += 2;
            continue;
        }
        if (c == '!' && i + 1 < len && s[i + 1] == '[') { /* image: keep alt text */
            i++;
            continue;
        }
        if (c == '[') { /* [text](target) -> text */
            const char *close = memchr(s + i, ']', len - i);
            if (close && (size_t)(close - s) + 1 < len && close[1] == '(') {
                const char *end = memchr(close, ')', (size_t)(s + len - close));
                if (end) {
                    md_inline(s + i + 1, (size_t)(close - s) - i - 1, out);
                    i = (size_t)(end - s) + 1;
                    continue;
                }
            }
        }
        if (c == '<' && starts_with(s + i, len - i, "<sup>")) {
            const char *end = strstr(s + i, "</sup>");
            if (end && (size_t)(end - s) <= len) {
                size_t a = i + 5, b = (size_t)(end - s);
                bool digits = b > a;
                for (size_t k = a; k < b; k++) digits &= isdigit((unsigned char)s[k]) != 0;
                if (!digits) md_inline(s + a, b - a, out); /* "11<sup>th</sup>" */
                i = b + 6;
                continue;
            }
        }
        if (c == '<' && i + 1 < len && (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '/')) {
            const char *end = memchr(s + i, '>', len - i);
            if (end) { /* any other tag */
                i = (size_t)(end - s) + 1;
                continue;
            }
        }
        if (c == '&') {
            bool done = false;
            for (size_t k = 0; k < sizeof entities / sizeof entities[0] && !done; k++)
                if (starts_with(s + i, len - i, entities[k].name)) {
                    wts_buf_adds(out, entities[k].text);
                    i += strlen(entities[k].name);
                    done = true;
                }
            if (done) continue;
        }
        if (c == '*' || (c == '_' && i + 1 < len && s[i + 1] == '_')) { /* emphasis */
            i += (c == '_') ? 2 : 1;
            continue;
        }
        wts_buf_addc(out, c);
        i++;
    }
}

static void push_line(src_lines *out, size_t *cap, wts_buf *text, line_hint hint, const char *note,
                      bool lead) {
    if (out->n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        out->v = wts_xrealloc(out->v, *cap * sizeof *out->v);
    }
    /* trim */
    size_t a = 0, b = text->len;
    while (a < b && isspace((unsigned char)text->data[a])) a++;
    while (b > a && isspace((unsigned char)text->data[b - 1])) b--;
    src_line *l = &out->v[out->n++];
    l->text = wts_xstrndup(text->data ? text->data + a : "", b - a);
    l->len = b - a;
    l->hint = hint;
    snprintf(l->note, sizeof l->note, "%s", note ? note : "");
    l->lead_space = lead;
}

/* Replaces no-break spaces by spaces and drops soft hyphens and BOMs. */
static void clean_chars(const char *s, size_t len, wts_buf *out) {
    for (size_t i = 0; i < len; i++) {
        if (starts_with(s + i, len - i, "\u00a0") || starts_with(s + i, len - i, "\u202f")) {
            wts_buf_addc(out, ' ');
            i += (unsigned char)s[i] == 0xC2 ? 1 : 2;
        } else if (starts_with(s + i, len - i, "\u00ad")) {
            i += 1;
        } else if (starts_with(s + i, len - i, "\ufeff")) {
            i += 2;
        } else if (s[i] == '\r') {
            if (!(i + 1 < len && s[i + 1] == '\n')) wts_buf_addc(out, '\n');
        } else if (s[i] == '\0' || s[i] == '\v') { /* C strings end at NUL: a stray one is a space */
            wts_buf_addc(out, ' ');
        } else if (s[i] == '\f') { /* form feed: a page break, a line of its own */
            wts_buf_adds(out, "\n\f\n");
        } else {
            wts_buf_addc(out, s[i]);
        }
    }
}

void normalize_lines(const char *text, size_t len, wts_source_format fmt, src_lines *out) {
    out->v = NULL;
    out->n = 0;
    size_t cap = 0;
    wts_buf nfc = WTS_BUF_INIT, clean = WTS_BUF_INIT, line = WTS_BUF_INIT;
    wts_utf8_nfc(text, len, &nfc);
    clean_chars(nfc.data ? nfc.data : "", nfc.len, &clean);
    wts_buf_free(&nfc);
    const char *s = clean.data ? clean.data : "";
    size_t start = 0;
    while (start <= clean.len) {
        const char *nl = memchr(s + start, '\n', clean.len - start);
        size_t end = nl ? (size_t)(nl - s) : clean.len;
        const char *l = s + start;
        size_t ll = end - start;
        bool lead = ll > 0 && (l[0] == ' ' || l[0] == '\t');
        wts_buf_reset(&line);
        line_hint hint = HINT_NONE;
        char note[8] = "";
        if (ll == 1 && l[0] == '\f') {
            hint = HINT_PAGE;
        } else if (fmt == WTS_SRC_MARKDOWN) {
            size_t a = 0;
            while (a < ll && (l[a] == ' ' || l[a] == '\t')) a++;
            const char *t = l + a;
            size_t tl = ll - a;
            size_t hashes = 0;
            while (hashes < tl && t[hashes] == '#') hashes++;
            bool rule = tl >= 3;
            for (size_t k = 0; k < tl && rule; k++) rule = t[k] == '-' || t[k] == '*' || t[k] == '_' || t[k] == ' ';
            if (rule) {
                hint = HINT_SEPARATOR;
            } else if (hashes >= 1 && hashes <= 6 && (hashes == tl || t[hashes] == ' ')) {
                hint = HINT_HEADING;
                md_inline(t + hashes, tl - hashes, &line);
            } else if (starts_with(t, tl, "<sup>")) {
                size_t k = 5, d = 0;
                while (k < tl && isdigit((unsigned char)t[k]) && d < 4) {
                    note[d++] = t[k++];
                }
                note[d] = '\0';
                if (d && starts_with(t + k, tl - k, "</sup>")) {
                    hint = HINT_FOOTNOTE;
                    md_inline(t + k + 6, tl - k - 6, &line);
                } else {
                    note[0] = '\0';
                    md_inline(t, tl, &line);
                }
            } else {
                if (tl >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && t[1] == ' ') {
                    t += 2; /* list bullet */
                    tl -= 2;
                }
                if (tl >= 1 && t[0] == '>') { /* quote */
                    t++;
                    tl--;
                }
                md_inline(t, tl, &line);
            }
        } else {
            wts_buf_add(&line, l, ll);
        }
        push_line(out, &cap, &line, hint, note, lead);
        if (!nl) break;
        start = end + 1;
    }
    wts_buf_free(&line);
    wts_buf_free(&clean);
}

void src_lines_free(src_lines *l) {
    for (size_t i = 0; i < l->n; i++) free(l->v[i].text);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}
