/* gen.c: wtosearch-gen, a deterministic generator of synthetic INF/MSME-style
 * documents for the benchmarks (bench/run.sh).
 *
 *   wtosearch-gen --seed S --count N --out DIR [--manifest] [--jobs J] [--per-dir K]
 *
 * Document i depends only on (S, i): the same seed and index give the same
 * bytes whatever N, J or K, so a corpus of 10,000 is the first 10,000
 * documents of one of 100,000.  Each document is a WTO-style header (its
 * symbol, a date written in its language, "Original: …", the group's name,
 * a title in capitals), then numbered sections and paragraphs ("2.3.  "),
 * wrapped at 88 columns as extracted PDF text is.  The words come from
 * words.h (the generator's own vocabularies) plus pseudo-words drawn from a
 * Zipf distribution for the long tail; paragraphs name WTO members
 * (corpus/members.tsv), use topic cues (corpus/topics.tsv), cite the symbols
 * of earlier generated documents, mention dates, and now and then carry a
 * footnote.  Languages: 60% English, 20% French, 20% Spanish.  Size: about
 * 4.8 KB per document on average (1.2 KB to 40 KB).
 *
 * Output: DIR/0000/0000000-w1.en.txt …, K files per subdirectory (default
 * 1000).  With --manifest, each subdirectory also gets a MANIFEST.tsv
 * (path symbol date lang title); without it (the default) there is none and
 * the indexer reads everything from the headers.
 *
 * Symbols: documents come in cycles of 20 (8 W, 5 P, 4 CN, 3 R), so the
 * symbol of document j is known from j alone, and a document cites only
 * documents before it. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "words.h"

/* The gazetteers, compiled in by corpus/embed.py. */
extern const char wts_members_tsv[];
extern const size_t wts_members_tsv_len;
extern const char wts_topics_tsv[];
extern const size_t wts_topics_tsv_len;

/* Pseudo-words per language: the long tail of the vocabulary. */
#define PSEUDO_WORDS 80000
/* Documents are at least this long, and at most this long (bytes, roughly). */
#define MIN_DOC 1200
#define MAX_DOC 40000
/* Mean of the exponential part of a document's target size: with the
 * header and the overshoot of the last paragraph, about 4.8 KB in all. */
#define MEAN_EXTRA 3375.0
#define WRAP 88

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("wtosearch-gen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* ---- a growing buffer ---- */

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static void sb_need(sbuf *b, size_t add) {
    if (b->n + add + 1 <= b->cap) return;
    size_t c = b->cap ? b->cap : 16384;
    while (c < b->n + add + 1) c *= 2;
    char *p = realloc(b->p, c);
    if (!p) die("out of memory");
    b->p = p;
    b->cap = c;
}
static void sb_put(sbuf *b, const char *s, size_t n) {
    sb_need(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}
static void sb_puts(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }
static void sb_putc(sbuf *b, char c) { sb_put(b, &c, 1); }
static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...) {
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) die("formatting failed");
    sb_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* ---- randomness: splitmix64, seeded per document ---- */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static uint64_t rnext(rng *r) { return mix64(r->s += 0x9e3779b97f4a7c15ULL); }
static double runif(rng *r) { return (double)(rnext(r) >> 11) * 0x1.0p-53; }
static uint32_t rbelow(rng *r, uint32_t n) { return (uint32_t)(((rnext(r) >> 32) * n) >> 32); }
static bool rchance(rng *r, double p) { return runif(r) < p; }
static rng rng_for(uint64_t seed, uint64_t stream, uint64_t i) {
    rng r = {mix64(mix64(seed ^ 0x5851f42d4c957f2dULL) ^ mix64(stream * 0x2545f4914f6cdd1dULL + i))};
    return r;
}
/* A Zipf-like rank in [0, n): P(r) is proportional to log((r+2)/(r+1)),
 * close to 1/(r+1) (exponent 1), drawn in O(1) without a table. */
static size_t zipf(rng *r, size_t n, double log_n1) {
    size_t k = (size_t)exp(runif(r) * log_n1) - 1;
    return k < n ? k : n - 1;
}
#define PICK(r, a) ((a)[rbelow((r), (uint32_t)COUNT(a))])

/* ---- members and topics, from the embedded TSV ---- */

typedef struct member {
    char *name[3]; /* en, fr, es */
} member;
typedef struct topic {
    char *name[3];
    char **cues[3];
    size_t ncues[3];
} topic;

static member *members;
static size_t nmembers;
/* members in order of how often documents name them: a fixed shuffle of
 * the table, so that the Zipf draw does not favour the letter A */
static size_t *member_rank;
static topic *topics;
static size_t ntopics;

/* Splits s[0..len) at sep into malloc'd strings. */
static size_t split(const char *s, size_t len, char sep, char ***out) {
    size_t n = 1;
    for (size_t i = 0; i < len; i++) n += s[i] == sep;
    char **v = calloc(n, sizeof *v);
    if (!v) die("out of memory");
    size_t k = 0, a = 0;
    for (size_t i = 0; i <= len; i++)
        if (i == len || s[i] == sep) {
            v[k] = strndup(s + a, i - a);
            if (!v[k++]) die("out of memory");
            a = i + 1;
        }
    *out = v;
    return n;
}

static void load_tables(void) {
    char **lines;
    size_t n = split(wts_members_tsv, wts_members_tsv_len, '\n', &lines);
    members = calloc(n, sizeof *members);
    for (size_t i = 1; i < n; i++) { /* line 0 names the columns */
        char **f;
        size_t nf = split(lines[i], strlen(lines[i]), '\t', &f);
        if (nf >= 4 && f[1][0]) {
            for (int l = 0; l < 3; l++) members[nmembers].name[l] = strdup(f[1 + l][0] ? f[1 + l] : f[1]);
            nmembers++;
        }
        for (size_t k = 0; k < nf; k++) free(f[k]);
        free(f);
    }
    for (size_t i = 0; i < n; i++) free(lines[i]);
    free(lines);

    n = split(wts_topics_tsv, wts_topics_tsv_len, '\n', &lines);
    topics = calloc(n, sizeof *topics);
    for (size_t i = 1; i < n; i++) {
        char **f;
        size_t nf = split(lines[i], strlen(lines[i]), '\t', &f);
        if (nf >= 7) {
            topic *t = &topics[ntopics++];
            for (int l = 0; l < 3; l++) {
                t->name[l] = strdup(f[1 + l]);
                t->ncues[l] = split(f[4 + l], strlen(f[4 + l]), '|', &t->cues[l]);
            }
        }
        for (size_t k = 0; k < nf; k++) free(f[k]);
        free(f);
    }
    for (size_t i = 0; i < n; i++) free(lines[i]);
    free(lines);
    if (nmembers < 100 || ntopics < 10) die("the embedded gazetteers look wrong");
    member_rank = calloc(nmembers, sizeof *member_rank);
    if (!member_rank) die("out of memory");
    for (size_t i = 0; i < nmembers; i++) member_rank[i] = i;
    rng r = rng_for(0, 7, 0); /* the same order for every seed */
    for (size_t i = nmembers - 1; i > 0; i--) {
        size_t j = rbelow(&r, (uint32_t)(i + 1)), t = member_rank[i];
        member_rank[i] = member_rank[j];
        member_rank[j] = t;
    }
}

/* ---- languages ---- */

enum { EN, FR, ES };

typedef struct lang {
    const char *code, *original, *group, *and_word;
    const char *const *func;
    size_t nfunc;
    double log_func;
    const char *const *months;
    const char *const *heads;
    size_t nheads;
    const char *const *templates;
    size_t ntemplates;
    const char *const *notes;
    size_t nnotes;
    char **vocab; /* the core words, then the pseudo-words */
    size_t nvocab;
    double log_vocab;
} lang;

static lang langs[3];

#define SET_LIST(l, field, arr) ((l)->field = (arr), (l)->n##field = COUNT(arr))

static void make_vocab(lang *l, const char *const *core, size_t ncore, const char *const *on, size_t non,
                       const char *const *vo, size_t nvo, const char *const *co, size_t nco,
                       const char *const *su, size_t nsu, uint64_t seed, uint64_t which) {
    l->nvocab = ncore + PSEUDO_WORDS;
    l->vocab = calloc(l->nvocab, sizeof *l->vocab);
    if (!l->vocab) die("out of memory");
    for (size_t i = 0; i < ncore; i++) l->vocab[i] = (char *)core[i];
    rng r = rng_for(seed, 100 + which, 0);
    char w[64];
    for (size_t i = ncore; i < l->nvocab; i++) {
        size_t len = 0;
        unsigned syll = 1 + rbelow(&r, 3);
        for (unsigned s = 0; s < syll; s++) {
            const char *parts[3] = {on[rbelow(&r, (uint32_t)non)], vo[rbelow(&r, (uint32_t)nvo)],
                                    s + 1 < syll ? "" : co[rbelow(&r, (uint32_t)nco)]};
            if (s == 0 && rchance(&r, 0.25)) parts[0] = "";
            for (int k = 0; k < 3; k++) {
                size_t pl = strlen(parts[k]);
                memcpy(w + len, parts[k], pl);
                len += pl;
            }
        }
        const char *sx = su[rbelow(&r, (uint32_t)nsu)];
        memcpy(w + len, sx, strlen(sx));
        len += strlen(sx);
        if (len < 3) { /* too short to look like a word */
            memcpy(w + len, "nd", 2);
            len += 2;
        }
        l->vocab[i] = strndup(w, len);
    }
    l->log_vocab = log((double)l->nvocab + 1);
}

static void init_langs(uint64_t seed) {
    lang *l = &langs[EN];
    l->code = "en";
    l->original = "Original: English";
    l->group = "INFORMAL WORKING GROUP ON MICRO, SMALL AND MEDIUM-SIZED ENTERPRISES";
    l->and_word = "and";
    SET_LIST(l, func, en_func);
    l->months = en_months;
    SET_LIST(l, heads, en_heads);
    SET_LIST(l, templates, en_templates);
    SET_LIST(l, notes, en_notes);
    make_vocab(l, en_core, COUNT(en_core), en_onset, COUNT(en_onset), en_vowel, COUNT(en_vowel), en_coda,
               COUNT(en_coda), en_suffix, COUNT(en_suffix), seed, EN);

    l = &langs[FR];
    l->code = "fr";
    l->original = "Original : français";
    l->group = "GROUPE DE TRAVAIL INFORMEL SUR LES MICRO, PETITES ET MOYENNES ENTREPRISES";
    l->and_word = "et";
    SET_LIST(l, func, fr_func);
    l->months = fr_months;
    SET_LIST(l, heads, fr_heads);
    SET_LIST(l, templates, fr_templates);
    SET_LIST(l, notes, fr_notes);
    make_vocab(l, fr_core, COUNT(fr_core), fr_onset, COUNT(fr_onset), fr_vowel, COUNT(fr_vowel), fr_coda,
               COUNT(fr_coda), fr_suffix, COUNT(fr_suffix), seed, FR);

    l = &langs[ES];
    l->code = "es";
    l->original = "Original: español";
    l->group = "GRUPO DE TRABAJO INFORMAL SOBRE LAS MICROEMPRESAS Y LAS PEQUEÑAS Y MEDIANAS EMPRESAS";
    l->and_word = "y";
    SET_LIST(l, func, es_func);
    l->months = es_months;
    SET_LIST(l, heads, es_heads);
    SET_LIST(l, templates, es_templates);
    SET_LIST(l, notes, es_notes);
    make_vocab(l, es_core, COUNT(es_core), es_onset, COUNT(es_onset), es_vowel, COUNT(es_vowel), es_coda,
               COUNT(es_coda), es_suffix, COUNT(es_suffix), seed, ES);
    for (int k = 0; k < 3; k++) langs[k].log_func = log((double)langs[k].nfunc + 1);
}

/* ---- symbols ---- */

/* One cycle of 20 documents: 8 working papers, 5 submissions, 4 convening
 * notices, 3 reports. */
static const char cycle[] = "WPCWRWPCWWRPCWWPCRWP";
#define CYCLE 20

static const char *type_name(char t) {
    return t == 'W' ? "W" : t == 'P' ? "P" : t == 'C' ? "CN" : "R";
}

/* The symbol of document j: "INF/MSME/W/17". */
static void symbol_of(uint64_t j, char *out, size_t size, char *type) {
    char t = cycle[j % CYCLE];
    unsigned per = 0, before = 0;
    for (unsigned s = 0; s < CYCLE; s++) {
        if (cycle[s] != t) continue;
        per++;
        if (s < j % CYCLE) before++;
    }
    uint64_t num = (j / CYCLE) * per + before + 1;
    snprintf(out, size, "INF/MSME/%s/%llu", type_name(t), (unsigned long long)num);
    if (type) *type = t;
}

/* ---- dates and numbers in each language ---- */

typedef struct ymd {
    int y, m, d;
} ymd;

static int days_in(int y, int m) {
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : dm[m - 1];
}
static ymd random_date(rng *r, int y0, int y1) {
    ymd d;
    d.y = y0 + (int)rbelow(r, (uint32_t)(y1 - y0 + 1));
    d.m = 1 + (int)rbelow(r, 12);
    d.d = 1 + (int)rbelow(r, (uint32_t)days_in(d.y, d.m));
    return d;
}
static void put_date(sbuf *b, int lg, ymd d) {
    const lang *l = &langs[lg];
    if (lg == EN) sb_printf(b, "%d %s %d", d.d, l->months[d.m - 1], d.y);
    else if (lg == FR && d.d == 1) sb_printf(b, "1er %s %d", l->months[d.m - 1], d.y);
    else if (lg == FR) sb_printf(b, "%d %s %d", d.d, l->months[d.m - 1], d.y);
    else sb_printf(b, "%d de %s de %d", d.d, l->months[d.m - 1], d.y);
}
static void put_number(sbuf *b, int lg, unsigned n) {
    if (n < 1000) {
        sb_printf(b, "%u", n);
        return;
    }
    const char *sep = lg == EN ? "," : lg == FR ? " " : ".";
    sb_printf(b, "%u%s%03u", n / 1000, sep, n % 1000);
}

/* Upper-cases ASCII and the Latin-1 letters of UTF-8 (é → É, œ → Œ). */
static void put_upper(sbuf *b, const char *s) {
    size_t at = b->n;
    sb_puts(b, s);
    unsigned char *p = (unsigned char *)b->p + at;
    for (; *p; p++) {
        if (*p >= 'a' && *p <= 'z') *p = (unsigned char)(*p - 32);
        else if (*p == 0xC3 && p[1] >= 0xA0 && p[1] <= 0xBE && p[1] != 0xB7) p[1] = (unsigned char)(p[1] - 0x20), p++;
        else if (*p == 0xC5 && p[1] == 0x93) p[1] = 0x92, p++;
    }
}
static void capitalize_at(sbuf *b, size_t at) {
    unsigned char *p = (unsigned char *)b->p + at;
    if (*p >= 'a' && *p <= 'z') *p = (unsigned char)(*p - 32);
    else if (*p == 0xC3 && p[1] >= 0xA0 && p[1] <= 0xBE && p[1] != 0xB7) p[1] = (unsigned char)(p[1] - 0x20);
}

/* ---- one document ---- */

#define MAX_POOL 8

typedef struct docgen {
    rng r;
    uint64_t index;
    int lg;
    const lang *l;
    size_t pool[MAX_POOL]; /* members named in this document */
    size_t npool;
    size_t topic_of[3]; /* its topics */
    size_t ntopics;
    ymd date;
    int next_note;
    sbuf pending_notes; /* footnotes, printed after the paragraph */
} docgen;

static size_t pick_member(docgen *g) { return g->pool[rbelow(&g->r, (uint32_t)g->npool)]; }

static void put_words(docgen *g, sbuf *b, unsigned n) {
    bool prev_func = false;
    for (unsigned k = 0; k < n; k++) {
        if (k) sb_putc(b, ' ');
        if (!prev_func && rchance(&g->r, 0.5)) {
            sb_puts(b, g->l->func[zipf(&g->r, g->l->nfunc, g->l->log_func)]);
            prev_func = true;
        } else {
            sb_puts(b, g->l->vocab[zipf(&g->r, g->l->nvocab, g->l->log_vocab)]);
            prev_func = false;
        }
    }
}

static void put_cite(docgen *g, sbuf *b) {
    char sym[64];
    if (g->index == 0 || rchance(&g->r, 0.03)) { /* a ministerial document */
        sb_printf(b, "WT/MIN(%02u)/%u", 17 + 2 * rbelow(&g->r, 4), 1 + rbelow(&g->r, 60));
        return;
    }
    /* mostly recent documents, sometimes any earlier one */
    uint64_t back = rchance(&g->r, 0.8) ? 1 + rbelow(&g->r, 400) : 1 + (rnext(&g->r) % g->index);
    if (back > g->index) back = g->index;
    symbol_of(g->index - back, sym, sizeof sym, NULL);
    sb_puts(b, sym);
    if (rchance(&g->r, 0.04)) sb_puts(b, "/Rev.1");
}

static void fill(docgen *g, sbuf *b, const char *tpl) {
    size_t start = b->n;
    for (const char *p = tpl; *p; p++) {
        if (*p != '{' || !p[1] || p[2] != '}') {
            sb_putc(b, *p);
            continue;
        }
        char c = p[1];
        p += 2;
        switch (c) {
        case 'S': put_words(g, b, 8 + rbelow(&g->r, 16)); break;
        case 'F': put_words(g, b, 3 + rbelow(&g->r, 8)); break;
        case 'f': put_words(g, b, 1 + rbelow(&g->r, 3)); break;
        case 'M': sb_puts(b, members[pick_member(g)].name[g->lg]); break;
        case 'L': {
            unsigned n = 3 + rbelow(&g->r, 4);
            for (unsigned k = 0; k < n; k++) {
                if (k) sb_puts(b, k + 1 == n ? " " : ", ");
                if (k && k + 1 == n) {
                    sb_puts(b, g->l->and_word);
                    sb_putc(b, ' ');
                }
                size_t m = rchance(&g->r, 0.5) ? pick_member(g)
                                               : member_rank[zipf(&g->r, nmembers, log((double)nmembers + 1))];
                sb_puts(b, members[m].name[g->lg]);
            }
            break;
        }
        case 'T': {
            const topic *t = &topics[g->topic_of[rbelow(&g->r, (uint32_t)g->ntopics)]];
            sb_puts(b, t->cues[g->lg][rbelow(&g->r, (uint32_t)t->ncues[g->lg])]);
            break;
        }
        case 'C': put_cite(g, b); break;
        case 'D': {
            ymd d = g->date;
            if (rchance(&g->r, 0.5)) d = random_date(&g->r, d.y > 2017 ? d.y - 1 : d.y, d.y);
            put_date(b, g->lg, d);
            break;
        }
        case 'N': put_number(b, g->lg, 2 + rbelow(&g->r, rchance(&g->r, 0.5) ? 100 : 60000)); break;
        case 'P': {
            unsigned v = 1 + rbelow(&g->r, 95);
            sb_printf(b, g->lg == EN ? "%u per cent" : g->lg == FR ? "%u %%" : "%u%%", v);
            break;
        }
        default: sb_putc(b, c);
        }
    }
    capitalize_at(b, start);
}

/* Appends text (one line, no newline) to out, wrapped at WRAP columns.  A
 * wrapped line never starts with a digit (it would read as a paragraph
 * number or a footnote), and the last line keeps a lower-case letter (a
 * line in capitals would read as a heading). */
static void put_wrapped(sbuf *out, const char *s, size_t len) {
    size_t a = 0;
    while (len - a > WRAP) {
        size_t cut = 0;
        for (size_t k = a + WRAP; k > a; k--)
            if (s[k] == ' ' && !(s[k + 1] >= '0' && s[k + 1] <= '9')) {
                cut = k;
                break;
            }
        if (!cut) break;
        /* the rest must hold a lower-case ASCII letter */
        bool lower = false;
        for (size_t k = cut + 1; k < len && !lower; k++) lower = s[k] >= 'a' && s[k] <= 'z';
        if (!lower && len - cut < WRAP) break;
        sb_put(out, s + a, cut - a);
        sb_putc(out, '\n');
        a = cut + 1;
    }
    sb_put(out, s + a, len - a);
    sb_putc(out, '\n');
}

static void put_paragraph(docgen *g, sbuf *out, sbuf *tmp, const char *label) {
    tmp->n = 0;
    sb_puts(tmp, label);
    sb_puts(tmp, "  ");
    unsigned sentences = 2 + rbelow(&g->r, 5);
    for (unsigned s = 0; s < sentences; s++) {
        if (s) sb_putc(tmp, ' ');
        fill(g, tmp, g->l->templates[rbelow(&g->r, (uint32_t)g->l->ntemplates)]);
        if (rchance(&g->r, 0.012)) { /* a footnote mark after the full stop */
            sb_printf(tmp, "%d", g->next_note);
            sb_printf(&g->pending_notes, "%d ", g->next_note++);
            fill(g, &g->pending_notes, g->l->notes[rbelow(&g->r, (uint32_t)g->l->nnotes)]);
            sb_putc(&g->pending_notes, '\n');
        }
    }
    put_wrapped(out, tmp->p, tmp->n);
    sb_putc(out, '\n');
    if (g->pending_notes.n) {
        /* as PDF text prints them: a rule (a line of spaces), then the notes */
        sb_puts(out, "    \n");
        size_t a = 0;
        for (size_t k = 0; k < g->pending_notes.n; k++)
            if (g->pending_notes.p[k] == '\n') {
                put_wrapped(out, g->pending_notes.p + a, k - a);
                a = k + 1;
            }
        sb_putc(out, '\n');
        g->pending_notes.n = 0;
    }
}

typedef struct docmeta {
    char symbol[64];
    char path[64];
    char title[512];
    char date[16];
    const char *lang;
} docmeta;

static void title_line(sbuf *title, sbuf *out, const char *line) {
    size_t at = out->n;
    put_upper(out, line);
    if (title->n) sb_puts(title, " - ");
    sb_put(title, out->p + at, out->n - at);
    sb_putc(out, '\n');
}

static void gen_doc(uint64_t seed, uint64_t i, sbuf *out, sbuf *tmp, docmeta *meta) {
    docgen g;
    memset(&g, 0, sizeof g);
    g.r = rng_for(seed, 1, i);
    g.index = i;
    double u = runif(&g.r);
    g.lg = u < 0.6 ? EN : u < 0.8 ? FR : ES;
    g.l = &langs[g.lg];
    g.date = random_date(&g.r, 2017, 2026);
    g.next_note = 1;
    g.npool = 3 + rbelow(&g.r, MAX_POOL - 2);
    for (size_t k = 0; k < g.npool; k++) {
        size_t m;
        bool again;
        do { /* distinct members, the often-named ones more often */
            m = member_rank[zipf(&g.r, nmembers, log((double)nmembers + 1))];
            again = false;
            for (size_t q = 0; q < k; q++) again |= g.pool[q] == m;
        } while (again);
        g.pool[k] = m;
    }
    g.ntopics = 1 + rbelow(&g.r, 3);
    for (size_t k = 0; k < g.ntopics; k++) g.topic_of[k] = rbelow(&g.r, (uint32_t)ntopics);
    size_t target = MIN_DOC + (size_t)(-log(1.0 - runif(&g.r)) * MEAN_EXTRA);
    if (target > MAX_DOC) target = MAX_DOC;

    char type;
    out->n = 0;
    symbol_of(i, meta->symbol, sizeof meta->symbol, &type);
    meta->lang = g.l->code;
    snprintf(meta->date, sizeof meta->date, "%04d-%02d-%02d", g.date.y, g.date.m, g.date.d);
    char lower_type[4];
    snprintf(lower_type, sizeof lower_type, "%s", type_name(type));
    for (char *p = lower_type; *p; p++) *p = (char)(*p - 'A' + 'a');
    const char *num = strrchr(meta->symbol, '/') + 1;
    snprintf(meta->path, sizeof meta->path, "%07llu-%s%s.%s.txt", (unsigned long long)i, lower_type, num,
             g.l->code);

    /* the header */
    sb_puts(out, meta->symbol);
    sb_putc(out, '\n');
    put_date(out, g.lg, g.date);
    sb_putc(out, '\n');
    sb_puts(out, g.l->original);
    sb_puts(out, "\n\n");
    sb_puts(out, g.l->group);
    sb_puts(out, "\n\n");
    sbuf title = {0}, line = {0};
    const topic *t0 = &topics[g.topic_of[0]];
    switch (type) {
    case 'W':
        title_line(&title, out, t0->name[g.lg]);
        line.n = 0;
        sb_puts(&line, g.lg == EN ? "COMMUNICATION FROM " : g.lg == FR ? "COMMUNICATION DE " : "COMUNICACIÓN DE ");
        sb_puts(&line, members[g.pool[0]].name[g.lg]);
        if (rchance(&g.r, 0.4)) {
            sb_printf(&line, " %s ", g.l->and_word);
            sb_puts(&line, members[g.pool[1]].name[g.lg]);
        }
        title_line(&title, out, line.p);
        break;
    case 'R':
        line.n = 0;
        if (rchance(&g.r, 0.3)) {
            sb_printf(&line, g.lg == EN ? "ANNUAL REPORT %d" : g.lg == FR ? "RAPPORT ANNUEL %d" : "INFORME ANUAL DE %d",
                      g.date.y > 2017 ? g.date.y - 1 : g.date.y);
        } else {
            sb_puts(&line, g.lg == EN ? "REPORT OF THE MEETING OF " : g.lg == FR ? "RAPPORT DE LA RÉUNION DU " : "INFORME DE LA REUNIÓN DEL ");
            put_date(&line, g.lg, random_date(&g.r, g.date.y, g.date.y));
        }
        title_line(&title, out, line.p);
        break;
    case 'C':
        title_line(&title, out, g.lg == EN ? "CONVENING NOTICE" : g.lg == FR ? "AVIS DE CONVOCATION" : "AVISO DE CONVOCACIÓN");
        line.n = 0;
        sb_puts(&line, g.lg == EN ? "MEETING OF " : g.lg == FR ? "RÉUNION DU " : "REUNIÓN DEL ");
        put_date(&line, g.lg, g.date);
        title_line(&title, out, line.p);
        break;
    default:
        title_line(&title, out, t0->name[g.lg]);
        line.n = 0;
        sb_puts(&line, g.lg == EN ? "SUBMISSION BY " : g.lg == FR ? "DOCUMENT PRÉSENTÉ PAR " : "DOCUMENTO PRESENTADO POR ");
        sb_puts(&line, members[g.pool[0]].name[g.lg]);
        title_line(&title, out, line.p);
    }
    sb_putc(out, '\n');
    snprintf(meta->title, sizeof meta->title, "%s", title.p ? title.p : "");
    free(title.p);
    free(line.p);

    /* the body: numbered sections, or paragraphs numbered 1., 2., … */
    bool sections = (type == 'W' || type == 'R') ? rchance(&g.r, 0.9) : rchance(&g.r, 0.3);
    unsigned sec = 0, para = 0, left_in_section = 0;
    char label[32];
    while (out->n < target) {
        if (sections && left_in_section == 0) {
            sec++;
            para = 0;
            left_in_section = 2 + rbelow(&g.r, 5);
            tmp->n = 0;
            if (sec == 1) put_upper(tmp, g.l->heads[0]);
            else if (rchance(&g.r, 0.5)) put_upper(tmp, topics[g.topic_of[rbelow(&g.r, (uint32_t)g.ntopics)]].name[g.lg]);
            else put_upper(tmp, g.l->heads[1 + rbelow(&g.r, (uint32_t)g.l->nheads - 1)]);
            sb_printf(out, "%u  ", sec);
            sb_put(out, tmp->p, tmp->n);
            sb_puts(out, "\n\n");
        }
        para++;
        if (sections) {
            snprintf(label, sizeof label, "%u.%u.", sec, para);
            left_in_section--;
        } else {
            snprintf(label, sizeof label, "%u.", para);
        }
        put_paragraph(&g, out, tmp, label);
    }
    free(g.pending_notes.p);
}

/* ---- writing the tree ---- */

static void write_file(const char *path, const char *data, size_t len) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) die("cannot write %s: %s", path, strerror(errno));
    while (len) {
        ssize_t w = write(fd, data, len);
        if (w < 0) {
            if (errno == EINTR) continue;
            die("cannot write %s: %s", path, strerror(errno));
        }
        data += w;
        len -= (size_t)w;
    }
    if (close(fd) != 0) die("cannot write %s: %s", path, strerror(errno));
}

static void make_dir(const char *path) {
    if (mkdir(path, 0755) != 0 && errno != EEXIST) die("cannot create %s: %s", path, strerror(errno));
}

/* Writes the subdirectories d with d % jobs == job; returns the bytes written. */
static uint64_t write_part(const char *outdir, uint64_t seed, uint64_t count, uint64_t per_dir, bool manifest,
                           unsigned job, unsigned jobs) {
    sbuf doc = {0}, tmp = {0}, man = {0};
    docmeta meta;
    char path[4096];
    uint64_t bytes = 0;
    uint64_t ndirs = (count + per_dir - 1) / per_dir;
    for (uint64_t d = job; d < ndirs; d += jobs) {
        snprintf(path, sizeof path, "%s/%04llu", outdir, (unsigned long long)d);
        make_dir(path);
        man.n = 0;
        if (manifest) sb_puts(&man, "path\tsymbol\tdate\tlang\ttitle\n");
        uint64_t end = (d + 1) * per_dir < count ? (d + 1) * per_dir : count;
        for (uint64_t i = d * per_dir; i < end; i++) {
            gen_doc(seed, i, &doc, &tmp, &meta);
            snprintf(path, sizeof path, "%s/%04llu/%s", outdir, (unsigned long long)d, meta.path);
            write_file(path, doc.p, doc.n);
            bytes += doc.n;
            if (manifest) {
                sb_puts(&man, meta.path);
                sb_putc(&man, '\t');
                sb_puts(&man, meta.symbol);
                sb_putc(&man, '\t');
                sb_puts(&man, meta.date);
                sb_putc(&man, '\t');
                sb_puts(&man, meta.lang);
                sb_putc(&man, '\t');
                sb_puts(&man, meta.title);
                sb_putc(&man, '\n');
            }
        }
        if (manifest) {
            snprintf(path, sizeof path, "%s/%04llu/MANIFEST.tsv", outdir, (unsigned long long)d);
            write_file(path, man.p, man.n);
        }
    }
    free(doc.p);
    free(tmp.p);
    free(man.p);
    return bytes;
}

static void usage(FILE *f) {
    fputs("usage: wtosearch-gen --seed S --count N --out DIR [--manifest] [--jobs J] [--per-dir K]\n\n"
          "Writes N synthetic INF/MSME-style documents (English 60%, French 20%, Spanish 20%;\n"
          "about 4.8 KB each) into DIR/0000/, DIR/0001/, ... (K files per directory, default\n"
          "1000).  Document i depends only on S and i.\n\n"
          "  --seed S       any unsigned 64-bit number\n"
          "  --count N      1 to 10,000,000 documents\n"
          "  --out DIR      created if missing; existing files of the same names are replaced\n"
          "  --manifest     also write a MANIFEST.tsv (path symbol date lang title) per directory\n"
          "  --jobs J       processes writing at once (default: every core); output is the same\n"
          "  --per-dir K    files per subdirectory (default 1000)\n"
          "  --print I      print document I on standard output and exit\n",
          f);
}

static uint64_t parse_u64(const char *s, const char *what, uint64_t lo, uint64_t hi) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v < lo || v > hi)
        die("%s: a number from %llu to %llu, not \"%s\"", what, (unsigned long long)lo, (unsigned long long)hi, s);
    return v;
}

int main(int argc, char **argv) {
    static const struct option opts[] = {
        {"seed", required_argument, NULL, 's'},  {"count", required_argument, NULL, 'n'},
        {"out", required_argument, NULL, 'o'},   {"manifest", no_argument, NULL, 'm'},
        {"jobs", required_argument, NULL, 'j'},  {"per-dir", required_argument, NULL, 'k'},
        {"print", required_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    uint64_t seed = 0, count = 0, per_dir = 1000, print = UINT64_MAX;
    bool have_seed = false, manifest = false;
    const char *out = NULL;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned jobs = ncpu > 0 ? (unsigned)ncpu : 1;
    int c;
    while ((c = getopt_long(argc, argv, "s:n:o:mj:k:p:h", opts, NULL)) != -1) {
        switch (c) {
        case 's': seed = parse_u64(optarg, "--seed", 0, UINT64_MAX), have_seed = true; break;
        case 'n': count = parse_u64(optarg, "--count", 1, 10000000); break;
        case 'o': out = optarg; break;
        case 'm': manifest = true; break;
        case 'j': jobs = (unsigned)parse_u64(optarg, "--jobs", 1, 256); break;
        case 'k': per_dir = parse_u64(optarg, "--per-dir", 1, 1000000); break;
        case 'p': print = parse_u64(optarg, "--print", 0, UINT64_MAX - 1); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc || !have_seed || ((!count || !out) && print == UINT64_MAX)) {
        usage(stderr);
        return 2;
    }
    load_tables();
    init_langs(seed);
    if (print != UINT64_MAX) {
        sbuf doc = {0}, tmp = {0};
        docmeta meta;
        gen_doc(seed, print, &doc, &tmp, &meta);
        fwrite(doc.p, 1, doc.n, stdout);
        return 0;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    make_dir(out);
    uint64_t ndirs = (count + per_dir - 1) / per_dir;
    if (jobs > ndirs) jobs = (unsigned)ndirs;
    uint64_t bytes = 0;
    if (jobs <= 1) {
        bytes = write_part(out, seed, count, per_dir, manifest, 0, 1);
    } else {
        /* one process per job, each reporting its byte count through a pipe */
        int fds[256][2];
        pid_t pids[256];
        for (unsigned j = 0; j < jobs; j++) {
            if (pipe(fds[j]) != 0) die("pipe: %s", strerror(errno));
            pids[j] = fork();
            if (pids[j] < 0) die("fork: %s", strerror(errno));
            if (pids[j] == 0) {
                close(fds[j][0]);
                uint64_t b = write_part(out, seed, count, per_dir, manifest, j, jobs);
                if (write(fds[j][1], &b, sizeof b) != (ssize_t)sizeof b) _exit(1);
                _exit(0);
            }
            close(fds[j][1]);
        }
        bool failed = false;
        for (unsigned j = 0; j < jobs; j++) {
            uint64_t b = 0;
            if (read(fds[j][0], &b, sizeof b) != (ssize_t)sizeof b) failed = true;
            close(fds[j][0]);
            int st;
            if (waitpid(pids[j], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) failed = true;
            bytes += b;
        }
        if (failed) die("a writer process failed");
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("wrote %llu documents, %llu bytes (%.0f per document) into %s in %.2f s%s\n",
           (unsigned long long)count, (unsigned long long)bytes, (double)bytes / (double)count, out, secs,
           manifest ? ", with a MANIFEST.tsv per directory" : "");
    return 0;
}
