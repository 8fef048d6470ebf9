/* symbol.c: WTO document symbols.
 *
 * A symbol is a root series code ("INF", "WT", "G", ...) followed by
 * '/'-separated parts; a part may carry a bracketed session number
 * ("MIN(17)"); the last parts may be a chain of Rev.n, Corr.n, Add.n,
 * Suppl.n.  Canonical form: upper case, suffixes spelt "Rev.1", no spaces,
 * no Markdown escapes.  A symbol names a document when some part after the
 * root holds a digit; "INF/MSME/P" is a series. */
#include "wts.h"

#include <ctype.h>
#include <string.h>

static const char *const roots[] = {"WT", "G", "S", "TN", "IP", "JOB", "INF", "MTN",
                                    "L", "SPEC", "PC", "GPA", "RD", NULL};
static const char *const suffixes[] = {"Rev", "Corr", "Add", "Suppl", NULL};
/* Parts that say what class of document a symbol names. */
static const char *const classes[] = {"R", "W", "CN", "P", "M", "N", "Q", "GEN", "INF",
                                      "SUM", "DEC", "SPEC", "RD", "COM", "AG", NULL};

#define MAX_PART 24

static bool is_alnum_c(char c) { return isalnum((unsigned char)c) != 0; }

static bool ieq(const char *a, size_t n, const char *b) {
    if (strlen(b) != n) return false;
    for (size_t i = 0; i < n; i++)
        if (toupper((unsigned char)a[i]) != toupper((unsigned char)b[i])) return false;
    return true;
}

typedef struct parser {
    const char *s;
    size_t len;
    bool strict; /* running text: upper-case root, fewer liberties */
} parser;

/* Skips what may sit after a '/': spaces in lenient mode, a line break
 * (with its blank lines) in running text. */
static size_t skip_after_slash(const parser *p, size_t i) {
    size_t j = i;
    bool newline = false;
    while (j < p->len && (p->s[j] == ' ' || p->s[j] == '\t' || p->s[j] == '\n' || p->s[j] == '\r')) {
        if (p->s[j] == '\n') newline = true;
        j++;
    }
    if (j == i) return i;
    return (!p->strict || newline) ? j : i;
}

/* Parses a suffix part ("Rev.2", "corr 1") at i; writes "Rev.2" to out. */
static size_t parse_suffix(const parser *p, size_t i, wts_buf *out) {
    for (const char *const *sf = suffixes; *sf; sf++) {
        size_t n = strlen(*sf);
        if (i + n > p->len || !ieq(p->s + i, n, *sf)) continue;
        size_t j = i + n;
        if (j < p->len && p->s[j] == '.') j++;
        if (!p->strict)
            while (j < p->len && p->s[j] == ' ') j++;
        size_t d = j;
        while (j < p->len && isdigit((unsigned char)p->s[j]) && j - d < 4) j++;
        if (j == d) continue;
        if (j < p->len && is_alnum_c(p->s[j])) continue;
        wts_buf_adds(out, *sf);
        wts_buf_addc(out, '.');
        wts_buf_add(out, p->s + d, j - d);
        return j;
    }
    return 0;
}

/* Parses a plain part ("MSME", "MIN(17)", "MIN\(24\)") at i. */
static size_t parse_part(const parser *p, size_t i, wts_buf *out, bool *digit) {
    size_t j = i;
    while (j < p->len && is_alnum_c(p->s[j]) && j - i < MAX_PART) {
        if (isdigit((unsigned char)p->s[j])) *digit = true;
        wts_buf_addc(out, (char)toupper((unsigned char)p->s[j]));
        j++;
    }
    if (j == i) return 0;
    size_t k = j;
    if (k < p->len && p->s[k] == '\\') k++;
    if (k < p->len && p->s[k] == '(') {
        size_t a = k + 1, b = a;
        while (b < p->len && is_alnum_c(p->s[b]) && b - a < 8) b++;
        size_t c = b;
        if (c < p->len && p->s[c] == '\\') c++;
        if (b > a && c < p->len && p->s[c] == ')') {
            wts_buf_addc(out, '(');
            for (size_t x = a; x < b; x++) {
                if (isdigit((unsigned char)p->s[x])) *digit = true;
                wts_buf_addc(out, (char)toupper((unsigned char)p->s[x]));
            }
            wts_buf_addc(out, ')');
            j = c + 1;
        }
    }
    if (j < p->len && is_alnum_c(p->s[j])) return 0; /* part too long */
    return j;
}

/* Parses a symbol starting at i.  Returns the end offset, 0 if none;
 * *is_document tells whether it names a document rather than a series. */
static size_t parse_at(const parser *p, size_t i, wts_buf *out, bool *is_document) {
    size_t j = i;
    while (j < p->len && isalpha((unsigned char)p->s[j]) && j - i < 5) j++;
    size_t root_end = j;
    if (!p->strict)
        while (j < p->len && p->s[j] == ' ') j++;
    if (j == i || j >= p->len || p->s[j] != '/') return 0;
    bool known = false;
    for (const char *const *r = roots; *r; r++)
        if (ieq(p->s + i, root_end - i, *r)) known = true;
    if (!known) return 0;
    if (p->strict)
        for (size_t k = i; k < root_end; k++)
            if (!isupper((unsigned char)p->s[k])) return 0;
    wts_buf_reset(out);
    for (size_t k = i; k < root_end; k++) wts_buf_addc(out, (char)toupper((unsigned char)p->s[k]));
    bool digit = false, in_suffixes = false;
    size_t parts = 1, end = j;
    for (;;) {
        if (!p->strict) { /* "INF / MSME / R / 35": spaces around slashes, as typed */
            size_t k = end;
            while (k < p->len && p->s[k] == ' ') k++;
            if (k < p->len && p->s[k] == '/') end = k;
        }
        if (end >= p->len || p->s[end] != '/') break;
        size_t k = skip_after_slash(p, end + 1);
        /* a line break re-joined as a space: "INF/MSME/4/ Rev.2" */
        if (k == end + 1 && p->strict && k + 1 < p->len && p->s[k] == ' ') {
            wts_buf probe = WTS_BUF_INIT;
            if (parse_suffix(p, k + 1, &probe)) k++;
            wts_buf_free(&probe);
        }
        size_t mark = out->len;
        wts_buf_addc(out, '/');
        size_t e = parse_suffix(p, k, out);
        if (e) {
            in_suffixes = true;
        } else if (!in_suffixes) {
            e = parse_part(p, k, out, &digit);
        }
        if (!e) {
            out->len = mark;
            out->data[mark] = '\0';
            break;
        }
        parts++;
        end = e;
    }
    if (parts < 2) return 0;
    *is_document = digit;
    return end;
}

wts_status wts_symbol_canon(const char *s, size_t len, char *out, size_t outsize) {
    if (!s || !out || outsize == 0) return WTS_ERR_INVALID;
    out[0] = '\0';
    /* Drop Markdown escapes and surrounding space and punctuation. */
    wts_buf clean = WTS_BUF_INIT;
    for (size_t i = 0; i < len; i++)
        if (s[i] != '\\') wts_buf_addc(&clean, s[i]);
    size_t a = 0, b = clean.len;
    while (a < b && (isspace((unsigned char)clean.data[a]) || clean.data[a] == '(' ||
                     clean.data[a] == '[' || clean.data[a] == '"'))
        a++;
    while (b > a && strchr(" \t\r\n.,;:)]\"'", clean.data[b - 1])) {
        /* keep a closing bracket that belongs to the symbol: MIN(17) */
        if (clean.data[b - 1] == ')' && memchr(clean.data + a, '(', b - a)) {
            size_t opens = 0, closes = 0;
            for (size_t k = a; k < b; k++) {
                opens += clean.data[k] == '(';
                closes += clean.data[k] == ')';
            }
            if (opens >= closes) break;
        }
        b--;
    }
    parser p = {clean.data ? clean.data + a : "", b - a, false};
    wts_buf canon = WTS_BUF_INIT;
    bool is_doc = false;
    size_t end = p.len ? parse_at(&p, 0, &canon, &is_doc) : 0;
    wts_status st = WTS_ERR_PARSE;
    if (end == p.len && end > 0 && canon.len < outsize && canon.len < WTS_MAX_SYMBOL) {
        memcpy(out, canon.data, canon.len + 1);
        st = WTS_OK;
    }
    wts_buf_free(&canon);
    wts_buf_free(&clean);
    return st;
}

void wts_symbol_family(const char *canon, char *out, size_t outsize) {
    if (!outsize) return;
    size_t cut = strlen(canon);
    for (const char *const *sf = suffixes; *sf; sf++) {
        char pat[16];
        snprintf(pat, sizeof pat, "/%s.", *sf);
        const char *at = strstr(canon, pat);
        if (at && (size_t)(at - canon) < cut) cut = (size_t)(at - canon);
    }
    if (cut >= outsize) cut = outsize - 1;
    memcpy(out, canon, cut);
    out[cut] = '\0';
}

void wts_symbol_type(const char *canon, char *out, size_t outsize) {
    if (!outsize) return;
    out[0] = '\0';
    char fam[WTS_MAX_SYMBOL];
    wts_symbol_family(canon, fam, sizeof fam);
    /* Split into parts; the class is the last alphabetic part after the
     * second, when it is a known class ("INF/MSME/R/35" -> "R"). */
    const char *parts[16];
    size_t lens[16], n = 0;
    const char *p = fam;
    while (*p && n < 16) {
        const char *slash = strchr(p, '/');
        size_t l = slash ? (size_t)(slash - p) : strlen(p);
        parts[n] = p;
        lens[n++] = l;
        p += l + (slash ? 1 : 0);
        if (!slash) break;
    }
    for (size_t i = n; i-- > 2;) {
        for (const char *const *c = classes; *c; c++)
            if (strlen(*c) == lens[i] && strncmp(parts[i], *c, lens[i]) == 0) {
                if (lens[i] < outsize) {
                    memcpy(out, parts[i], lens[i]);
                    out[lens[i]] = '\0';
                }
                return;
            }
    }
}

void wts_symbols_find(const char *text, size_t len, wts_symbol_cb cb, void *ud) {
    parser p = {text, len, true};
    wts_buf canon = WTS_BUF_INIT;
    size_t i = 0;
    while (i < len) {
        bool boundary = i == 0 || (!is_alnum_c(text[i - 1]) && text[i - 1] != '/' &&
                                   text[i - 1] != '\\' && text[i - 1] != ':');
        if (boundary && isupper((unsigned char)text[i])) {
            bool is_doc = false;
            size_t end = parse_at(&p, i, &canon, &is_doc);
            if (end) {
                if (is_doc && canon.len < WTS_MAX_SYMBOL && cb(ud, canon.data, i, end)) break;
                i = end;
                continue;
            }
        }
        i++;
    }
    wts_buf_free(&canon);
}

/* ---- docs.wto.org file names ---- */

/* Parts that carry a session number glued on in file names: "MIN22" is
 * "MIN(22)" in the symbol. */
static const char *const session_parts[] = {"MIN", NULL};

/* The letter codes of suffixes in file names: 4R2 is 4/Rev.2. */
static const char *suffix_of_code(char c) {
    switch (toupper((unsigned char)c)) {
    case 'R': return "Rev";
    case 'C': return "Corr";
    case 'A': return "Add";
    case 'S': return "Suppl";
    default: return NULL;
    }
}

/* The last part of a file name: optional class letters, the number, then
 * suffix codes ("P1", "58R1", "W35C1", "4R2A1"). */
static bool last_part(const char *s, size_t len, wts_buf *out) {
    size_t i = 0;
    while (i < len && isalpha((unsigned char)s[i])) i++;
    size_t letters = i;
    size_t d = i;
    while (i < len && isdigit((unsigned char)s[i])) i++;
    if (i == d) return false;
    if (letters) {
        for (size_t k = 0; k < letters; k++) wts_buf_addc(out, (char)toupper((unsigned char)s[k]));
        wts_buf_addc(out, '/');
    }
    wts_buf_add(out, s + d, i - d);
    while (i < len) {
        const char *sf = suffix_of_code(s[i]);
        size_t a = ++i;
        while (i < len && isdigit((unsigned char)s[i])) i++;
        if (!sf || i == a) return false;
        wts_buf_printf(out, "/%s.", sf);
        wts_buf_add(out, s + a, i - a);
    }
    return true;
}

wts_status wts_symbol_from_filename(const char *name, char *out, size_t outsize, wts_lang *lang) {
    if (!name || !out || outsize == 0) return WTS_ERR_INVALID;
    out[0] = '\0';
    if (lang) *lang = WTS_LANG_UNKNOWN;
    const char *s = name;
    /* the drive says the language: q: English, r: French, s: Spanish */
    if (s[0] && s[1] == ':' && (s[2] == '/' || s[2] == '\\')) {
        wts_lang l = WTS_LANG_UNKNOWN;
        switch (tolower((unsigned char)s[0])) {
        case 'q': l = WTS_LANG_EN; break;
        case 'r': l = WTS_LANG_FR; break;
        case 's': l = WTS_LANG_ES; break;
        default: return WTS_ERR_PARSE;
        }
        if (lang) *lang = l;
        s += 3;
    }
    size_t len = strlen(s);
    for (;;) { /* drop extensions: .pdf, .docx, .txt.gz ... */
        const char *dot = memrchr(s, '.', len);
        if (!dot || len - (size_t)(dot - s) > 6 || (size_t)(dot - s) == 0) break;
        bool alpha = true;
        for (const char *k = dot + 1; k < s + len; k++) alpha &= isalpha((unsigned char)*k) != 0;
        if (!alpha) break;
        len = (size_t)(dot - s);
    }
    /* parts, split on '/', '\' or, in saved file names, '_' */
    const char *parts[16];
    size_t lens[16], n = 0, a = 0;
    for (size_t i = 0; i <= len && n < 16; i++)
        if (i == len || s[i] == '/' || s[i] == '\\' || s[i] == '_') {
            if (i > a) {
                parts[n] = s + a;
                lens[n++] = i - a;
            }
            a = i + 1;
        }
    if (n < 2) return WTS_ERR_PARSE;
    bool root = false;
    for (const char *const *r = roots; *r; r++) root |= ieq(parts[0], lens[0], *r);
    if (!root) return WTS_ERR_PARSE;
    wts_buf sym = WTS_BUF_INIT;
    for (size_t k = 0; k + 1 < n; k++) {
        if (k) wts_buf_addc(&sym, '/');
        size_t letters = 0;
        while (letters < lens[k] && isalpha((unsigned char)parts[k][letters])) letters++;
        bool session = false;
        for (const char *const *sp = session_parts; *sp; sp++)
            session |= letters < lens[k] && ieq(parts[k], letters, *sp);
        for (size_t c = 0; c < (session ? letters : lens[k]); c++)
            wts_buf_addc(&sym, (char)toupper((unsigned char)parts[k][c]));
        if (session) wts_buf_printf(&sym, "(%.*s)", (int)(lens[k] - letters), parts[k] + letters);
    }
    wts_buf_addc(&sym, '/');
    wts_status st = WTS_ERR_PARSE;
    if (last_part(parts[n - 1], lens[n - 1], &sym))
        st = wts_symbol_canon(sym.data, sym.len, out, outsize);
    wts_buf_free(&sym);
    return st;
}
