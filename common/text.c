/* text.c: UTF-8, folding to the search form, and the tokenizer.
 *
 * One tokenizer serves indexing, query parsing and highlighting, so that a
 * word is cut and folded the same way wherever it is met. */
#include "wts.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

size_t wts_utf8_invalid_at(const char *s, size_t len) {
    const uint8_t *bad = u8_check((const uint8_t *)s, len);
    return bad ? (size_t)(bad - (const uint8_t *)s) : len;
}

size_t wts_utf8_decode(const char *s, size_t len, uint32_t *cp) {
    if ((unsigned char)s[0] < 0x80) { /* most of the text: no library call */
        *cp = (unsigned char)s[0];
        return 1;
    }
    ucs4_t uc;
    int n = u8_mbtoucr(&uc, (const uint8_t *)s, len);
    if (n <= 0) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = uc;
    return (size_t)n;
}

void wts_utf8_encode(wts_buf *b, uint32_t cp) {
    uint8_t tmp[6];
    int n = u8_uctomb(tmp, cp, sizeof tmp);
    if (n > 0) wts_buf_add(b, tmp, (size_t)n);
}

void wts_utf8_nfc(const char *s, size_t len, wts_buf *out) {
    /* Every character below U+0300 is its own NFC (none is a mark or
     * composes with what follows): English, French and Spanish text
     * without combining accents, at once.  Their UTF-8 lead bytes are all
     * below 0xCC. */
    size_t plain = 0;
    while (plain < len && (unsigned char)s[plain] < 0xCC) plain++;
    if (plain == len) {
        wts_buf_add(out, s, len);
        return;
    }
    size_t n = 0;
    uint8_t *r = u8_normalize(UNINORM_NFC, (const uint8_t *)s, len, NULL, &n);
    if (!r) { /* only on invalid input or no memory: keep the text as is */
        wts_buf_add(out, s, len);
        return;
    }
    wts_buf_add(out, r, n);
    free(r);
}

/* Letters that no canonical decomposition spells out. */
static const char *fold_special(uint32_t cp) {
    switch (cp) {
    case 0x00DF: return "ss";            /* ß */
    case 0x00C6: case 0x00E6: return "ae"; /* Æ æ */
    case 0x0152: case 0x0153: return "oe"; /* Œ œ */
    case 0x00D8: case 0x00F8: return "o";  /* Ø ø */
    case 0x0141: case 0x0142: return "l";  /* Ł ł */
    case 0x0131: return "i";               /* dotless i */
    case 0x00BA: return "o";               /* ordinal: 1º */
    case 0x00AA: return "a";               /* ordinal: 1ª */
    case 0x2018: case 0x2019: case 0x02BC: case 0x00B4: case 0x0060:
        return "'";
    default: return NULL;
    }
}

static uint32_t fold_base(uint32_t cp) {
    cp = uc_tolower(cp);
    ucs4_t dec[UC_DECOMPOSITION_MAX_LENGTH];
    /* Take the first code point of the canonical decomposition until none
     * is left: é -> e + U+0301 -> e. */
    for (int guard = 0; guard < 4; guard++) {
        int n = uc_canonical_decomposition(cp, dec);
        if (n <= 0) break;
        cp = dec[0];
    }
    return cp;
}

/* Appends the lower case of the ASCII bytes that start s; returns how many
 * there were.  Text is mostly ASCII: one copy instead of a call per byte. */
static size_t add_ascii_lower(wts_buf *out, const char *s, size_t len) {
    size_t n = 0;
    while (n < len && (unsigned char)s[n] < 0x80) n++;
    if (n == 0) return 0;
    size_t at = out->len;
    wts_buf_add(out, s, n);
    for (size_t i = at; i < out->len; i++)
        if (out->data[i] >= 'A' && out->data[i] <= 'Z') out->data[i] += 32;
    return n;
}

void wts_fold(const char *s, size_t len, wts_buf *out) {
    size_t i = 0;
    while (i < len) {
        if ((i += add_ascii_lower(out, s + i, len - i)) == len) break;
        uint32_t cp;
        i += wts_utf8_decode(s + i, len - i, &cp);
        const char *sp = fold_special(cp);
        if (sp) {
            wts_buf_adds(out, sp);
            continue;
        }
        if (uc_is_general_category(cp, UC_CATEGORY_M)) continue; /* lone accent */
        wts_utf8_encode(out, fold_base(cp));
    }
}

void wts_lower(const char *s, size_t len, wts_buf *out) {
    size_t i = 0;
    while (i < len) {
        if ((i += add_ascii_lower(out, s + i, len - i)) == len) break;
        uint32_t cp;
        i += wts_utf8_decode(s + i, len - i, &cp);
        wts_utf8_encode(out, uc_tolower(cp));
    }
}

/* Words being collected: their folded forms go one after the other into
 * one buffer, and w[] points into it once the buffer stops moving. */
typedef struct words_ctx {
    wts_words *w;
    wts_buf folded;
    size_t *at; /* where each word's folded form starts */
} words_ctx;

static int push_word(void *ud, const wts_token *t) {
    words_ctx *c = ud;
    wts_words *w = c->w;
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 32;
        w->w = wts_xrealloc(w->w, w->cap * sizeof *w->w);
        w->len = wts_xrealloc(w->len, w->cap * sizeof *w->len);
        w->start = wts_xrealloc(w->start, w->cap * sizeof *w->start);
        w->end = wts_xrealloc(w->end, w->cap * sizeof *w->end);
        c->at = wts_xrealloc(c->at, w->cap * sizeof *c->at);
    }
    c->at[w->n] = c->folded.len;
    wts_buf_add(&c->folded, t->folded, t->folded_len);
    wts_buf_addc(&c->folded, '\0');
    w->len[w->n] = t->folded_len;
    w->start[w->n] = t->start;
    w->end[w->n++] = t->end;
    return 0;
}

void wts_words_collect(const char *text, size_t len, wts_words *out) {
    memset(out, 0, sizeof *out);
    words_ctx c = {out, WTS_BUF_INIT, NULL};
    wts_tokenize(text, len, push_word, &c);
    out->folded = wts_buf_steal(&c.folded);
    for (size_t i = 0; i < out->n; i++) out->w[i] = out->folded + c.at[i];
    free(c.at);
}

void wts_words_free(wts_words *w) {
    free(w->folded);
    free(w->w);
    free(w->len);
    free(w->start);
    free(w->end);
    memset(w, 0, sizeof *w);
}

static bool is_word_cp(uint32_t cp) {
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
               (cp >= '0' && cp <= '9');
    return uc_is_general_category(cp, UC_CATEGORY_L) ||
           uc_is_general_category(cp, UC_CATEGORY_Nd) ||
           uc_is_general_category(cp, UC_CATEGORY_M);
}

static bool is_digit_at(const char *s, size_t len, size_t i) {
    return i < len && s[i] >= '0' && s[i] <= '9';
}

/* One text's words, kept by each thread: the annotators and the writer
 * tokenize each paragraph one after the other (language, members, topics,
 * acronyms, dates), and the second time on is a replay.  A text is known
 * again by its bytes, not its address. */
typedef struct token_memo {
    char *text; /* a copy */
    size_t len;
    struct memo_token {
        size_t start, end, folded_at, folded_len;
        uint32_t pos;
    } *tok;
    size_t n, cap;
    wts_buf folded; /* each word's search form, NUL-ended */
    bool replaying; /* a callback that tokenizes goes without the memo */
} token_memo;

/* Texts longer than this are tokenized without being kept: a paragraph is
 * far shorter, and a whole document is tokenized once. */
#define MEMO_MAX_BYTES (64 * 1024)

static pthread_key_t memo_key;
static pthread_once_t memo_once = PTHREAD_ONCE_INIT;

static void memo_free(void *p) {
    token_memo *m = p;
    free(m->text);
    free(m->tok);
    wts_buf_free(&m->folded);
    free(m);
}

static void memo_key_create(void) { pthread_key_create(&memo_key, memo_free); }

static int memo_add(void *ud, const wts_token *t) {
    token_memo *m = ud;
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 256;
        m->tok = wts_xrealloc(m->tok, m->cap * sizeof *m->tok);
    }
    m->tok[m->n++] = (struct memo_token){t->start, t->end, m->folded.len, t->folded_len, t->pos};
    wts_buf_add(&m->folded, t->folded, t->folded_len);
    wts_buf_addc(&m->folded, '\0');
    return 0;
}

static void tokenize_text(const char *text, size_t len, wts_token_cb cb, void *ud);

void wts_tokenize(const char *text, size_t len, wts_token_cb cb, void *ud) {
    if (len > MEMO_MAX_BYTES) {
        tokenize_text(text, len, cb, ud);
        return;
    }
    pthread_once(&memo_once, memo_key_create);
    token_memo *m = pthread_getspecific(memo_key);
    if (!m) {
        m = wts_xcalloc(1, sizeof *m);
        if (pthread_setspecific(memo_key, m) != 0) {
            memo_free(m);
            tokenize_text(text, len, cb, ud);
            return;
        }
    }
    if (m->replaying) {
        tokenize_text(text, len, cb, ud);
        return;
    }
    if (!m->text || m->len != len || memcmp(m->text, text, len) != 0) {
        m->text = wts_xrealloc(m->text, len + 1);
        memcpy(m->text, text, len);
        m->len = len;
        m->n = 0;
        wts_buf_reset(&m->folded);
        tokenize_text(text, len, memo_add, m);
    }
    m->replaying = true;
    for (size_t i = 0; i < m->n; i++) {
        const struct memo_token *k = &m->tok[i];
        wts_token tok = {k->start, k->end, m->folded.data + k->folded_at, k->folded_len, k->pos};
        if (cb(ud, &tok)) break;
    }
    m->replaying = false;
}

static void tokenize_text(const char *text, size_t len, wts_token_cb cb, void *ud) {
    wts_buf folded = WTS_BUF_INIT;
    uint32_t pos = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = wts_utf8_decode(text + i, len - i, &cp);
        if (!is_word_cp(cp) || (cp >= 0x80 && uc_is_general_category(cp, UC_CATEGORY_M))) {
            i += n;
            continue;
        }
        size_t start = i, end = i;
        bool all_digits = true;
        while (end < len) {
            uint32_t c2;
            size_t n2 = wts_utf8_decode(text + end, len - end, &c2);
            if (is_word_cp(c2)) {
                if (!(c2 >= '0' && c2 <= '9')) all_digits = false;
                end += n2;
                continue;
            }
            /* "2.3", "1,000": a number keeps an inner point or comma. */
            if (all_digits && (c2 == '.' || c2 == ',') && is_digit_at(text, len, end + 1)) {
                end += 1;
                continue;
            }
            break;
        }
        wts_buf_reset(&folded);
        wts_fold(text + start, end - start, &folded);
        size_t flen = folded.len;
        if (flen > WTS_MAX_WORD_BYTES) { /* cut on a character boundary */
            flen = WTS_MAX_WORD_BYTES;
            while (flen > 0 && ((unsigned char)folded.data[flen] & 0xC0) == 0x80) flen--;
        }
        if (flen > 0) {
            wts_token tok = {start, end, folded.data, flen, ++pos};
            if (cb(ud, &tok)) break;
        }
        i = end;
    }
    wts_buf_free(&folded);
}
