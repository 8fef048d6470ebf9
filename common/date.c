/* date.c: dates as WTO texts write them in English, French and Spanish. */
#include "wts.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Month names in the three languages, with their lengths: every word of
 * every paragraph is looked up here. */
#define MONTH(name, m) {name, sizeof name - 1, m}
static const struct month_name {
    const char *name;
    size_t len;
    int month;
} month_names[] = {
    MONTH("january", 1), MONTH("february", 2), MONTH("march", 3), MONTH("april", 4),
    MONTH("may", 5), MONTH("june", 6), MONTH("july", 7), MONTH("august", 8),
    MONTH("september", 9), MONTH("october", 10), MONTH("november", 11), MONTH("december", 12),
    MONTH("janvier", 1), MONTH("fevrier", 2), MONTH("mars", 3), MONTH("avril", 4),
    MONTH("mai", 5), MONTH("juin", 6), MONTH("juillet", 7), MONTH("aout", 8),
    MONTH("septembre", 9), MONTH("octobre", 10), MONTH("novembre", 11), MONTH("decembre", 12),
    MONTH("enero", 1), MONTH("febrero", 2), MONTH("marzo", 3), MONTH("abril", 4),
    MONTH("mayo", 5), MONTH("junio", 6), MONTH("julio", 7), MONTH("agosto", 8),
    MONTH("septiembre", 9), MONTH("octubre", 10), MONTH("noviembre", 11), MONTH("diciembre", 12),
    MONTH("setiembre", 9),
};
#undef MONTH

int wts_month_from_word(const char *folded, size_t len) {
    if (len < 3 || len > 10) return 0;
    for (size_t i = 0; i < sizeof month_names / sizeof month_names[0]; i++)
        if (month_names[i].len == len && month_names[i].name[0] == folded[0] &&
            memcmp(month_names[i].name, folded, len) == 0)
            return month_names[i].month;
    return 0;
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool wts_date_valid(const wts_date *d) {
    static const int days[] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d->year < 1900 || d->year > 2199) return false;
    if (d->month == 0) return d->day == 0;
    if (d->month < 0 || d->month > 12) return false;
    if (d->day == 0) return true;
    if (d->day < 0 || d->day > days[d->month]) return false;
    return !(d->month == 2 && d->day == 29 && !leap(d->year));
}

/* Reads a run of digits as a number; -1 when none or too long. */
static int read_num(const char *s, size_t len, size_t *i, size_t maxdigits) {
    size_t a = *i;
    int v = 0;
    while (*i < len && isdigit((unsigned char)s[*i]) && *i - a < maxdigits) v = v * 10 + (s[(*i)++] - '0');
    if (*i == a || (*i < len && isdigit((unsigned char)s[*i]))) return -1;
    return v;
}

static bool parse_iso(const char *s, size_t len, wts_date *d) {
    size_t i = 0;
    memset(d, 0, sizeof *d);
    if (len < 4 || !isdigit((unsigned char)s[0])) return false;
    d->year = read_num(s, len, &i, 4);
    if (i != 4) return false;
    if (i == len) return true;
    if (s[i] != '-') return false;
    i++;
    d->month = read_num(s, len, &i, 2);
    if (d->month < 0) return false;
    if (i == len) return true;
    if (s[i] != '-') return false;
    i++;
    d->day = read_num(s, len, &i, 2);
    return d->day >= 0 && i == len;
}

/* Words between the parts of a date that carry no meaning: "de", "del",
 * "le", "el", "the", "of". */
static bool is_glue(const char *w, size_t l) {
    static const char *const glue[] = {"de", "del", "le", "el", "the", "of", NULL};
    for (const char *const *g = glue; *g; g++)
        if (strlen(*g) == l && memcmp(*g, w, l) == 0) return true;
    return false;
}

/* "7", "1er", "1o", "1º" as a day number (folded: "1º" is "1o"). */
static int day_of(const char *w, size_t l) {
    size_t i = 0;
    int v = 0;
    while (i < l && i < 2 && isdigit((unsigned char)w[i])) v = v * 10 + (w[i++] - '0');
    if (i == 0 || v < 1 || v > 31) return -1;
    const char *rest = w + i;
    size_t rl = l - i;
    if (rl == 0 || (rl == 2 && memcmp(rest, "er", 2) == 0) ||
        (rl == 1 && (*rest == 'o' || *rest == 'e')))
        return v;
    return -1;
}

static int year_of(const char *w, size_t l) {
    size_t i = 0;
    int v = read_num(w, l, &i, 4);
    return (l == 4 && i == 4) ? v : -1;
}

wts_status wts_date_parse(const char *s, size_t len, wts_date *out) {
    if (!s || !out) return WTS_ERR_INVALID;
    while (len && isspace((unsigned char)*s)) { s++; len--; }
    while (len && (isspace((unsigned char)s[len - 1]) || s[len - 1] == '.' || s[len - 1] == ','))
        len--;
    wts_date d = {0, 0, 0};
    if (parse_iso(s, len, &d)) {
        if (!wts_date_valid(&d)) return WTS_ERR_PARSE;
        *out = d;
        return WTS_OK;
    }
    wts_words all;
    wts_words_collect(s, len, &all);
    const char *w[3];
    size_t l[3], n = 0;
    bool fits = true;
    for (size_t i = 0; i < all.n && fits; i++) {
        if (is_glue(all.w[i], all.len[i])) continue;
        if (n == 3) fits = false;
        else {
            w[n] = all.w[i];
            l[n++] = all.len[i];
        }
    }
    wts_status st = WTS_OK;
    if (!fits || n < 2) {
        st = WTS_ERR_PARSE;
    } else if (n == 3) {
        /* day month year, or month day year ("April 7, 2022") */
        int m = wts_month_from_word(w[1], l[1]);
        int dd = day_of(w[0], l[0]);
        if (!m) {
            m = wts_month_from_word(w[0], l[0]);
            dd = day_of(w[1], l[1]);
        }
        d = (wts_date){year_of(w[2], l[2]), m, dd};
        if (!m || dd <= 0 || d.year < 0) st = WTS_ERR_PARSE;
    } else {
        d = (wts_date){year_of(w[1], l[1]), wts_month_from_word(w[0], l[0]), 0};
        if (!d.month || d.year < 0) st = WTS_ERR_PARSE;
    }
    wts_words_free(&all);
    if (st != WTS_OK) return st;
    if (!wts_date_valid(&d)) return WTS_ERR_PARSE;
    *out = d;
    return WTS_OK;
}

void wts_date_iso(const wts_date *d, char *out, size_t outsize) {
    if (d->month == 0)
        snprintf(out, outsize, "%04d", d->year);
    else if (d->day == 0)
        snprintf(out, outsize, "%04d-%02d", d->year, d->month);
    else
        snprintf(out, outsize, "%04d-%02d-%02d", d->year, d->month, d->day);
}

/* ---- dates in running text ---- */

static bool is_filler(const wts_words *a, size_t i) {
    return (a->len[i] == 2 && memcmp(a->w[i], "de", 2) == 0) || (a->len[i] == 3 && memcmp(a->w[i], "del", 3) == 0);
}

void wts_dates_find(const char *text, size_t len, wts_date_cb cb, void *ud) {
    wts_words a;
    wts_words_collect(text, len, &a);
    wts_dates_find_words(&a, cb, ud);
    wts_words_free(&a);
}

void wts_dates_find_words(const wts_words *words, wts_date_cb cb, void *ud) {
    const wts_words a = *words;
    for (size_t i = 0; i < a.n; i++) {
        int m = wts_month_from_word(a.w[i], a.len[i]);
        if (!m) continue;
        /* "may" and "mars"/"mayo" are also ordinary words: a month counts
         * only with a year after it. */
        size_t y = i + 1;
        if (y < a.n && is_filler(&a, y)) y++;
        int year = y < a.n ? year_of(a.w[y], a.len[y]) : -1;
        if (year < 0) continue;
        wts_date d = {year, m, 0};
        size_t start = a.start[i];
        size_t dpos = i;
        if (dpos > 0 && is_filler(&a, dpos - 1)) dpos--;
        if (dpos > 0) {
            int day = day_of(a.w[dpos - 1], a.len[dpos - 1]);
            if (day > 0) {
                d.day = day;
                start = a.start[dpos - 1];
            }
        }
        if (!wts_date_valid(&d)) {
            d.day = 0;
            if (!wts_date_valid(&d)) continue;
        }
        if (cb(ud, &d, start, a.end[y])) break;
        i = y;
    }
}
