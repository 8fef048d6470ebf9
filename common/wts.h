/* wts.h: what the indexer, the daemon and the command line share.
 *
 *  - wts_buf: a growable byte string;
 *  - text: UTF-8 checks, case and accent folding, the tokenizer used alike
 *    for indexing, querying and highlighting;
 *  - the index schema: term prefixes, value slots, the field table;
 *  - WTO knowledge: document symbols, dates, languages;
 *  - the query engine (parse, run) and the result writer.
 *
 * Status codes are the project's one enum, wts_status (wts_xapian.h).
 * Ownership: what a _new, _parse or _run function returns belongs to the caller and
 * goes back through the matching free function, which accepts NULL.
 */
#ifndef WTS_H
#define WTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wts_xapian.h"

/* ------------------------------------------------------------------ */
/* Growable byte string (always NUL-terminated)                        */

typedef struct wts_buf {
    char *data;
    size_t len;
    size_t cap;
} wts_buf;

#define WTS_BUF_INIT {NULL, 0, 0}

/* Each aborts the process on allocation failure: a half-built string is
 * worse than a clear stop, and the indexer's memory use is bounded. */
void wts_buf_add(wts_buf *b, const void *bytes, size_t len);
void wts_buf_adds(wts_buf *b, const char *s);
/* Inline: text is often copied one byte at a time (2.3 million calls for
 * 300 generated documents), and a call through wts_buf_add cost 57
 * instructions a byte. */
static inline void wts_buf_addc(wts_buf *b, char c) {
    if (b->len + 2 <= b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
    } else {
        wts_buf_add(b, &c, 1);
    }
}
void wts_buf_printf(wts_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void wts_buf_reset(wts_buf *b);
void wts_buf_free(wts_buf *b);
/* Hands the bytes over to the caller (never NULL), leaving b empty. */
char *wts_buf_steal(wts_buf *b);

/* Allocation helpers that abort with a message instead of returning NULL. */
void *wts_xmalloc(size_t n);
void *wts_xcalloc(size_t n, size_t size);
void *wts_xrealloc(void *p, size_t n);
char *wts_xstrdup(const char *s);
char *wts_xstrndup(const char *s, size_t n);

/* Processors this thread may run on (at least 1). */
unsigned wts_processors(void);

/* FNV-1a of len bytes: the hash of string sets and of the daemon's cache. */
uint64_t wts_hash_bytes(const char *s, size_t len);

/* A set of strings kept in the order they came, found by hashing. */
typedef struct wts_strset {
    char **v; /* the strings, NUL-terminated */
    size_t *len; /* their lengths */
    uint64_t *hash; /* their hashes */
    size_t n;
    size_t *slot; /* index + 1 into v, 0 an empty slot */
    size_t mask;
} wts_strset;

#define WTS_STRSET_INIT {NULL, NULL, NULL, 0, NULL, 0}

/* The index of s[0, len) in set, added when absent; *added (may be NULL)
 * tells whether it was. */
size_t wts_strset_add(wts_strset *set, const char *s, size_t len, bool *added);
bool wts_strset_has(const wts_strset *set, const char *s, size_t len);
/* The index of s[0, len) in set, WTS_STRSET_NONE when absent. */
#define WTS_STRSET_NONE ((size_t)-1)
size_t wts_strset_find(const wts_strset *set, const char *s, size_t len);
void wts_strset_free(wts_strset *set);

/* ------------------------------------------------------------------ */
/* Text                                                                */

/* Offset of the first byte that is not valid UTF-8, or len if all is. */
size_t wts_utf8_invalid_at(const char *s, size_t len);
/* Decodes one code point at s (len > 0); returns bytes used (>= 1).
 * Invalid bytes decode as U+FFFD, one byte each. */
size_t wts_utf8_decode(const char *s, size_t len, uint32_t *cp);
void wts_utf8_encode(wts_buf *b, uint32_t cp);
/* Appends the NFC form of s to out. */
void wts_utf8_nfc(const char *s, size_t len, wts_buf *out);

/* Appends the search form of a word: lower case, accents removed, ligatures
 * spelt out (œ→oe, ß→ss), curly apostrophes made straight. */
void wts_fold(const char *s, size_t len, wts_buf *out);

/* Appends s in lower case, accents kept: the exact form of a word. */
void wts_lower(const char *s, size_t len, wts_buf *out);

/* One word of text.  start/end are byte offsets into the text given to the
 * tokenizer; folded is the search form (valid until the next callback). */
typedef struct wts_token {
    size_t start, end;
    const char *folded;
    size_t folded_len;
    uint32_t pos; /* 1-based word number */
} wts_token;

/* Called for each word; return non-zero to stop. */
typedef int (*wts_token_cb)(void *ud, const wts_token *tok);

/* Words are runs of letters and digits; numbers keep inner '.' and ','
 * ("2.3", "1,000"); apostrophes and hyphens separate words, so that
 * "d'Ivoire", "d’Ivoire" and "d Ivoire" tokenize alike. */
void wts_tokenize(const char *text, size_t len, wts_token_cb cb, void *ud);

/* The words of a text, kept: for the passes that look back and ahead
 * (dates, names, phrases).  w[i] is NUL-terminated. */
typedef struct wts_words {
    char **w;         /* folded forms, pointing into folded */
    size_t *len;      /* their lengths */
    size_t *start, *end; /* byte spans in the text */
    size_t n, cap;
    char *folded;     /* every folded form, each NUL-ended: one allocation */
} wts_words;

void wts_words_collect(const char *text, size_t len, wts_words *out);
void wts_words_free(wts_words *w);

/* Longest word kept; longer runs are cut (terms have a size limit). */
#define WTS_MAX_WORD_BYTES 64

/* ------------------------------------------------------------------ */
/* Languages                                                           */

typedef enum wts_lang { WTS_LANG_UNKNOWN = 0, WTS_LANG_EN, WTS_LANG_FR, WTS_LANG_ES } wts_lang;

const char *wts_lang_code(wts_lang l);          /* "en", "fr", "es", "" */
wts_lang wts_lang_from_code(const char *code);  /* accepts en/fr/es, english... */
/* Whether a folded word is a function word of l (of any of the three when
 * l is UNKNOWN): such words do not rank unless nothing else is asked. */
bool wts_is_stopword(const char *folded, size_t len, wts_lang l);
/* Guesses the language of text from its function words; UNKNOWN when the
 * text holds too few of them to tell. */
wts_lang wts_lang_detect(const char *text, size_t len);
/* The same evidence counted over words already collected, so that it can
 * be added up (a document's paragraphs) before deciding. */
typedef struct wts_lang_votes {
    unsigned words;      /* words seen */
    unsigned en, fr, es; /* function words of each language among them */
} wts_lang_votes;
void wts_lang_count(const wts_words *words, wts_lang_votes *votes);
wts_lang wts_lang_decide(const wts_lang_votes *votes);

/* ------------------------------------------------------------------ */
/* Index schema                                                        */

/* Bumped whenever what the indexer writes changes meaning; readers refuse
 * an index of another version rather than misreading it. */
#define WTS_SCHEMA_VERSION "7"
#define WTS_META_SCHEMA "wts.schema"
#define WTS_META_UPDATED "wts.updated"
/* The key of the dictionary records are packed with now; the dictionary
 * itself under this key, '.', its zstd id. */
#define WTS_META_PACK_DICT "wts.packdict"
/* Per-file record kept in the index metadata: key prefix + path. */
#define WTS_META_FILE_PREFIX "file:"
/* The words of a stem, space-separated: key prefix + stem (without the
 * stem prefix). */
#define WTS_META_STEM_PREFIX "stem:"
/* One index document per file: its stored record holds the file's fields
 * and every paragraph (wts_record_paragraph).  Paragraph k's positional
 * terms follow each other from its first position (wts_xparas): its
 * fields (language, kind, members, topics, citations, acronyms, dates
 * mentioned) at that position, its words after it; WTS_PARA_GAP positions
 * are left between paragraphs, so that no phrase or nearness spans two.
 * Terms of the whole file (path, symbols, series, type, title, versions)
 * and words' exact forms have no positions; a stem has one, the first of
 * each paragraph holding a word it is the stem of. */
enum {
    WTS_SLOT_DATE = 1,    /* document date as YYYYMMDD and its language
                             ("20220407en"), for sorting, "" undated */
    WTS_SLOT_FACETS = 2,  /* facet keys, each with the paragraphs that have
                             it, "key\tK,K,...\n" ('*': all of them):
                             "member:mex\t0,3", "year:2022\t*" */
    WTS_SLOT_PARAS = 3,   /* the number of paragraphs, the first position
                             of each, then the position after the last:
                             "3 1 52 120 160" */
    WTS_SLOT_GROUP = 4    /* the document as results group it: its first
                             symbol, so that its language versions are one;
                             its path when it has no symbol */
};

/* Positions left free between two paragraphs: more than any window of
 * nearness or phrase a query asks for (search.c, NEAR_SLACK). */
#define WTS_PARA_GAP 32
/* Words of an average paragraph, against which paragraphs' lengths weigh
 * (the generated corpus and the sample documents both average 50 to 70). */
#define WTS_PARA_AVERAGE_WORDS 60.0
/* How paragraphs sit in the index's documents, for wts_xpara_eval_new. */
const wts_xparas *wts_paras_schema(void);

/* How a field's values become terms. */
typedef enum wts_field_kind {
    WTS_FIELD_TEXT,    /* words, folded and stemmed */
    WTS_FIELD_SYMBOL,  /* a WTO document symbol, canonical form */
    WTS_FIELD_KEYWORD, /* one exact folded value */
    WTS_FIELD_DATE     /* a date or a range of dates */
} wts_field_kind;

typedef struct wts_field {
    const char *name;   /* as typed in queries: "symbol" */
    const char *prefix; /* term prefix in the index: "XS" */
    wts_field_kind kind;
    const char *help;   /* one line for `wtosearch help query` */
} wts_field;

/* The one table from field name to term prefix, used by the indexer and
 * by the query parser alike. */
const wts_field *wts_fields(size_t *count);
const wts_field *wts_field_find(const char *name, size_t len);
/* Prefixes of terms that are not query fields. */
#define WTS_PREFIX_STEM "Z"   /* Z + stem of a body word its stem changes */
#define WTS_PREFIX_PATH "P"   /* P + path of the source file */
#define WTS_PREFIX_TITLE "S"  /* S + folded word of the document title */
#define WTS_PREFIX_FAMILY "XF"        /* XF + own symbol without Rev./Corr./Add. */
#define WTS_PREFIX_CITED_FAMILY "XG"  /* XG + cited symbol without its suffixes */
#define WTS_PREFIX_ACRONYM "XA"  /* XA + acronym concept, written either way */
#define WTS_PREFIX_VERSION "XV"  /* XV + symbol + '|' + language: its versions */
#define WTS_PREFIX_EXACT "XE"    /* XE + a word in lower case with its accents */
#define WTS_PREFIX_SECTION "XH"  /* XH + folded word of a heading, at its place */
#define WTS_PREFIX_ACTING "XN"   /* XN + id of a member acting in the paragraph */
#define WTS_PREFIX_SERIES "XR"   /* XR + each series an own symbol is in:
                                    INF, INF/MSME, INF/MSME/W for INF/MSME/W/51 */

/* ------------------------------------------------------------------ */
/* WTO document symbols                                                */

/* Longest symbol accepted, in bytes. */
#define WTS_MAX_SYMBOL 96

/* Parses one symbol written in any usual way ("inf/msme/w/54",
 * "WT/MIN\(24\)/9", "INF/MSME/R/35.") into its canonical form
 * ("INF/MSME/W/54", "WT/MIN(24)/9") in out (size >= WTS_MAX_SYMBOL).
 * WTS_ERR_PARSE if s is not a document symbol. */
wts_status wts_symbol_canon(const char *s, size_t len, char *out, size_t outsize);

/* The family of a canonical symbol: the symbol without its /Rev.n, /Corr.n,
 * /Add.n, /Suppl.n chain ("INF/MSME/4/Rev.2" -> "INF/MSME/4"). */
void wts_symbol_family(const char *canon, char *out, size_t outsize);

/* The document class of a canonical symbol ("R", "W", "CN", "P", ...),
 * "" when the symbol names none. */
void wts_symbol_type(const char *canon, char *out, size_t outsize);

/* Reads a symbol out of a docs.wto.org file name: "q:/INF/MSME/4R2.pdf"
 * is INF/MSME/4/Rev.2 in English (q: English, r: French, s: Spanish),
 * "WT/MIN22/33.pdf" is WT/MIN(22)/33, "q:/INF/MSME/P1.pdf" INF/MSME/P/1.
 * A saved name with '_' for '/' ("INF_MSME_R35.pdf") is read alike.
 * *lang (may be NULL) gets the drive's language, UNKNOWN without one. */
wts_status wts_symbol_from_filename(const char *name, char *out, size_t outsize, wts_lang *lang);

/* Finds every symbol written in text; cb gets its canonical form and its
 * byte span.  A bare series ("INF/MSME/P") is not a document and is not
 * reported.  Joint symbols come as their parts. */
typedef int (*wts_symbol_cb)(void *ud, const char *canon, size_t start, size_t end);
void wts_symbols_find(const char *text, size_t len, wts_symbol_cb cb, void *ud);

/* ------------------------------------------------------------------ */
/* Dates                                                               */

typedef struct wts_date {
    int year, month, day; /* month/day 0 when not given */
} wts_date;

/* Parses a whole string as one date: ISO ("2022-04-07", "2022-04",
 * "2022"), English ("7 April 2022", "April 2022"), French ("7 avril 2022",
 * "1er juillet 2024"), Spanish ("18 de octubre de 2024").  Impossible dates
 * (31 February) are WTS_ERR_PARSE. */
wts_status wts_date_parse(const char *s, size_t len, wts_date *out);
/* Writes "YYYY", "YYYY-MM" or "YYYY-MM-DD" as precise as the date is. */
void wts_date_iso(const wts_date *d, char *out, size_t outsize);
/* Whether the date exists (a day only with a month; 29 February in leap
 * years only; years 1900-2199). */
bool wts_date_valid(const wts_date *d);
/* The month (1-12) a folded month name means in any of the three
 * languages, 0 if none. */
int wts_month_from_word(const char *folded, size_t len);
/* Finds the dates written in text: a month with a year after it, and the
 * day before it when there is one ("7 April 2022", "1er juillet 2024",
 * "18 de octubre de 2024", "April 2022"). */
typedef int (*wts_date_cb)(void *ud, const wts_date *d, size_t start, size_t end);
void wts_dates_find(const char *text, size_t len, wts_date_cb cb, void *ud);
/* The same over the words of a text already collected. */
void wts_dates_find_words(const wts_words *words, wts_date_cb cb, void *ud);

/* ------------------------------------------------------------------ */
/* Gazetteers: WTO members and topics                                  */

/* Members (corpus/members.tsv), topics (corpus/topics.tsv), and acronyms
 * with their expansions (corpus/acronyms.tsv; id: the acronym folded). */
typedef enum wts_gaz { WTS_GAZ_MEMBERS, WTS_GAZ_TOPICS, WTS_GAZ_ACRONYMS } wts_gaz;

/* Number of entries, and the id and English label of each. */
size_t wts_gaz_count(wts_gaz which);
const char *wts_gaz_id(wts_gaz which, size_t i);
const char *wts_gaz_label(wts_gaz which, const char *id);
/* Resolves a name in any language or form ("Mexique", "Turkey", "cote
 * d'ivoire", "mex") to its id.  WTS_ERR_NOT_FOUND when none; then
 * *suggest (malloc'd, may be NULL) lists the closest labels. */
wts_status wts_gaz_resolve(wts_gaz which, const char *name, size_t len, const char **id,
                           char **suggest);
/* Calls cb for every name found in text, longest names first, with the
 * id and the byte span of the name. */
typedef int (*wts_gaz_cb)(void *ud, const char *id, size_t start, size_t end);
void wts_gaz_find(wts_gaz which, const char *text, size_t len, wts_gaz_cb cb, void *ud);
/* The same over the words of text already collected. */
void wts_gaz_find_words(wts_gaz which, const char *text, const wts_words *words, wts_gaz_cb cb, void *ud);

/* ------------------------------------------------------------------ */
/* Query engine                                                        */

/* Named limits of the query language and why they have their value. */
#define WTS_QUERY_MAX_BYTES 4096   /* longer is not a query a person types */
#define WTS_QUERY_MAX_CLAUSES 256  /* words and filters; beyond, matching slows */
#define WTS_QUERY_MAX_DEPTH 32     /* bracket nesting; keeps recursion bounded */
#define WTS_QUERY_MAX_WILDCARD 1000 /* terms a trailing * may expand to */

typedef enum wts_group { WTS_GROUP_DOCUMENT, WTS_GROUP_PARAGRAPH } wts_group;
typedef enum wts_order { WTS_ORDER_RELEVANCE, WTS_ORDER_NEWEST, WTS_ORDER_OLDEST } wts_order;

typedef struct wts_search_opts {
    uint32_t offset;
    uint32_t limit;
    wts_group group;
    wts_order order;
    wts_lang lang;     /* language of the query; UNKNOWN = detect or all */
    double time_limit; /* seconds */
    bool facets;       /* count matching paragraphs by member, topic, year,
                          language and type */
} wts_search_opts;

void wts_search_opts_init(wts_search_opts *opts);

/* A parsed query, ready to run on any index. */
typedef struct wts_query wts_query;

/* Parses text.  On WTS_ERR_PARSE or WTS_ERR_LIMIT, *out is NULL and
 * *errmsg (malloc'd) names the problem and its byte position. */
wts_status wts_query_parse(const char *text, wts_lang lang, wts_query **out,
                           char **errmsg);
void wts_query_free(wts_query *q);
/* Describes the query language, its fields and limits. */
void wts_query_help(FILE *out);
/* The Xapian-level form of the query, malloc'd (for tests and --explain). */
char *wts_query_describe(const wts_query *q);

/* A stored record (a JSON object; opaque outside common/): of a file, as
 * the index keeps it, or of one paragraph, as a hit prints it. */
typedef struct wts_record wts_record;

/* Packs the stored records (JSON Lines) of one index writer.  Records
 * share most of their words and keys, which zstd alone, record by record,
 * cannot use: the packer trains a dictionary on the first records it
 * packs and packs those after with it.  A record packed so needs the
 * dictionary in the index's metadata (wts_record_packer_save) from the
 * same commit on. */
typedef struct wts_record_packer wts_record_packer;
wts_record_packer *wts_record_packer_new(void);
void wts_record_packer_free(wts_record_packer *p);
/* Packs with the dictionary db holds already, if any: an index updated
 * keeps it instead of training one more. */
wts_status wts_record_packer_resume(wts_record_packer *p, wts_xdb *db);
/* text as the index keeps it, malloc'd, *packed_len bytes; *with_dict
 * tells whether it needs the dictionary.  NULL when out of memory. */
char *wts_record_packer_pack(wts_record_packer *p, const char *text, size_t len, size_t *packed_len,
                             bool *with_dict);
/* Stores the packer's dictionary, if it has one, in the index w writes. */
wts_status wts_record_packer_save(const wts_record_packer *p, wts_xwriter *w);
/* The stored record of index document id unpacked, malloc'd and
 * NUL-terminated, *len bytes; NULL with *st the index's status, or
 * WTS_ERR_CORRUPT when it does not unpack. */
char *wts_record_data(wts_xdb *db, wts_docid id, size_t *len, wts_status *st);
/* A file's stored record parsed whole; NULL when it is not one. */
wts_record *wts_record_parse(const char *data, size_t len);
/* The stored record of index document id, parsed whole; NULL with *st
 * the index's status, or WTS_ERR_CORRUPT when it is no record. */
wts_record *wts_record_read(wts_xdb *db, wts_docid id, wts_status *st);
void wts_record_free(wts_record *r);
/* The number of paragraphs of a file's record. */
size_t wts_record_nparas(const wts_record *file);
/* The record of paragraph k of a file's record: the file's fields (path,
 * symbol, symbols, title, date, doc_lang), the paragraph's (para, kind,
 * lang, text, members, acting, topics, cites, dates), its ordinal "ord"
 * and the heading it stands under, "section", when there is one; NULL
 * when the file has no paragraph k.  Free it. */
wts_record *wts_record_paragraph(const wts_record *file, size_t k);
/* A file's stored record, its paragraphs parsed one by one as they are
 * asked for: what a search reads of the files it shows. */
typedef struct wts_file_record wts_file_record;
/* Takes data (malloc'd, len bytes): wts_file_record_free frees it. */
wts_file_record *wts_file_record_new(char *data, size_t len);
void wts_file_record_free(wts_file_record *r);
/* A string field of the file ("path", "symbol", "title", ...), NULL when
 * absent; valid as long as r. */
const char *wts_file_record_string(const wts_file_record *r, const char *key);
/* As wts_record_paragraph; only the lines of the paragraph and of its
 * heading are parsed, once. */
wts_record *wts_file_record_paragraph(wts_file_record *r, size_t k);
/* A string field of a record, NULL when absent or not a string; valid as
 * long as the record. */
const char *wts_record_string(const wts_record *r, const char *key);

/* One hit: a paragraph, with the fields listed in README "JSON output";
 * the writer prints from its record. */
typedef struct wts_hit {
    wts_record *record; /* the paragraph's record (wts_record_paragraph) */
    char *snippet; /* highlights between WTS_HL_OPEN and WTS_HL_CLOSE */
    double score;
    wts_docid docid;
    uint32_t matching_paragraphs; /* in its document (document grouping) */
    char *languages; /* the languages its symbol is indexed in, "en fr" */
} wts_hit;

/* A facet value and the number of matching paragraphs that have it;
 * key is "member:mex", "topic:finance", "year:2022", "lang:fr", "type:R". */
typedef struct wts_facet {
    char *key;
    uint32_t count;
} wts_facet;

typedef struct wts_results {
    char *query;
    uint32_t total;  /* hits: documents or paragraphs, per group */
    bool total_exact; /* total counted, not estimated */
    uint32_t offset;
    wts_group group;
    size_t nhits;
    wts_hit *hits;
    size_t nfacets;  /* with opts.facets */
    wts_facet *facets;
    char *suggestion; /* "did you mean": the query with unknown words
                         corrected, or NULL */
} wts_results;

/* Where the index lives when no --db is given: $WTOSEARCH_DB, else
 * $XDG_DATA_HOME/wtosearch/index, else ~/.local/share/wtosearch/index
 * (malloc'd). */
char *wts_default_index_path(void);

/* Opens the index at path for searching, checking its schema version. */
wts_status wts_index_open(const char *path, wts_xdb **out, char **errmsg);

/* Runs q on db.  On failure *out is NULL and *errmsg says why. */
wts_status wts_search(wts_xdb *db, const wts_query *q, const char *query_text,
                      const wts_search_opts *opts, wts_results **out,
                      char **errmsg);
void wts_results_free(wts_results *r);

/* Markers around highlighted words in snippets (documented in README). */
#define WTS_HL_OPEN "\u27e6" /* ⟦ */
#define WTS_HL_CLOSE "\u27e7" /* ⟧ */

/* One line of a batch, answered: the line is a query, or a JSON object
 * {"q": QUERY, "limit", "offset", "by", "sort", "lang", "facets"} whose
 * options override defaults.  Returns one line of JSON (malloc'd, no
 * newline): the results object with "line": lineno first, or
 * {"line", "query", "error", "status"}.  *status tells which. */
char *wts_batch_line(wts_xdb *db, const char *line, size_t lineno, const wts_search_opts *defaults,
                     wts_status *status);

/* ------------------------------------------------------------------ */
/* One document, whole                                                 */

/* The document(s) with symbol key (all its language versions) or at path
 * key, as JSON (malloc'd): metadata, paragraphs in order, what they cite,
 * the paragraphs citing it (README, "wtosearch show").  WTS_ERR_NOT_FOUND
 * when nothing indexed matches. */
wts_status wts_doc_lookup(wts_xdb *db, const char *key, char **json, char **errmsg);
/* That JSON as text for people. */
void wts_doc_write_text(const char *json, wts_buf *out);

/* ------------------------------------------------------------------ */
/* Result writer, shared by the command line and the daemon            */

typedef enum wts_format { WTS_FMT_TEXT, WTS_FMT_JSON, WTS_FMT_JSONL, WTS_FMT_CSV } wts_format;

/* Appends r in the given format to out.  colour: highlight with terminal
 * colours in text (otherwise highlights are [brackets]). */
void wts_results_write(const wts_results *r, wts_format fmt, bool colour,
                       wts_buf *out);
/* The JSON object of r, as a string (malloc'd). */
char *wts_results_json(const wts_results *r);

#endif
