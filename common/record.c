/* record.c: the stored record of a file, and of one paragraph of it.
 *
 * An index document is a file; its stored record (write.c) is JSON Lines:
 * the file's fields, then one line per paragraph, lists left out when
 * empty.  A hit reads the line of its paragraph only; a document view and
 * the check read them all.  Both give paragraphs in the shape README gives
 * for a hit.
 *
 * The index keeps a record as one zstd frame, with a checksum.  Left as
 * text, Xapian deflates it itself, and inflating the records shown took
 * 12% of a query at 100,000 documents; unpacking the frame takes 5%, at
 * the same index size.  Frames after the first few hundred of a writer use
 * a dictionary trained on those (wts_record_packer), which the index keeps
 * in its metadata: on 1,500 generated records, 20% smaller than without. */
#include "wts.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zdict.h>
#include <zstd.h>

/* zstd's level for records.  On 299 generated records (6.0 KB each on
 * average) level 6 packs to 2,391 bytes, level 3 to 2,465, level 9 to
 * 2,388, level 19 to 2,346, zlib's default to 2,391; levels above 6 cost
 * the indexer more time for little. */
#define PACK_LEVEL 6
/* A record says how long it is once unpacked; more than this is taken for
 * damage, not for a file's text. */
#define UNPACKED_MAX ((unsigned long long)1 << 30)
/* The dictionary: trained on the first DICT_SAMPLES records of at most
 * DICT_SAMPLE_MAX bytes (a long record gains little from one), or on
 * fewer once they make DICT_SAMPLE_BYTES; at most DICT_BYTES long.  On
 * 1,000 generated records packed after training on the first 300, 500,
 * 1,000 or 2,000: 23.4, 23.9, 24.9, 24.7% smaller (dictionaries of 110
 * KB).  After 500, with a dictionary of 16, 32, 64 or 110 KB: 17.8, 20.1,
 * 22.8, 24.0% smaller; but a process that shows hits reads each shard's
 * dictionary once, and reading one of 110 KB from the index took 140 us. */
#define DICT_SAMPLES 500
#define DICT_SAMPLE_MAX (256 * 1024)
#define DICT_SAMPLE_BYTES (8 * 1024 * 1024)
#define DICT_BYTES 32768
/* Dictionaries a process keeps ready to unpack with. */
#define DICTS_KEPT 64

/* One compression and one decompression context per thread, made when
 * the thread first needs it: making one costs more than packing or
 * unpacking a record. */
static pthread_key_t cctx_key, dctx_key;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

static void cctx_free(void *p) { ZSTD_freeCCtx(p); }
static void dctx_free(void *p) { ZSTD_freeDCtx(p); }
static void ctx_keys_create(void) {
    pthread_key_create(&cctx_key, cctx_free);
    pthread_key_create(&dctx_key, dctx_free);
}

static void *thread_ctx(pthread_key_t *key, void *(*make)(void), void (*drop)(void *)) {
    pthread_once(&ctx_once, ctx_keys_create);
    void *c = pthread_getspecific(*key);
    if (!c) {
        c = make();
        if (c && pthread_setspecific(*key, c) != 0) {
            drop(c);
            c = NULL;
        }
    }
    return c;
}

static void *make_cctx(void) { return ZSTD_createCCtx(); }
static void *make_dctx(void) { return ZSTD_createDCtx(); }

/* Where the index keeps the dictionary of zstd id id. */
static void dict_key(char key[48], unsigned id) { snprintf(key, 48, "%s.%u", WTS_META_PACK_DICT, id); }

struct wts_record_packer {
    ZSTD_CDict *cdict; /* NULL until trained or resumed */
    char *dict;
    size_t dict_len;
    char key[48]; /* where the index keeps dict */
    wts_buf samples;
    size_t *sample_len;
    size_t nsamples;
    bool trained; /* or tried to, or resumed */
};

wts_record_packer *wts_record_packer_new(void) { return wts_xcalloc(1, sizeof(wts_record_packer)); }

static void drop_samples(wts_record_packer *p) {
    wts_buf_free(&p->samples);
    free(p->sample_len);
    p->sample_len = NULL;
    p->nsamples = 0;
}

void wts_record_packer_free(wts_record_packer *p) {
    if (!p) return;
    ZSTD_freeCDict(p->cdict);
    free(p->dict);
    drop_samples(p);
    free(p);
}

/* Packs with dict (len bytes) from now on; false if zstd refuses it. */
static bool take_dict(wts_record_packer *p, char *dict, size_t len) {
    unsigned id = ZSTD_getDictID_fromDict(dict, len);
    ZSTD_CDict *cdict = id ? ZSTD_createCDict(dict, len, PACK_LEVEL) : NULL;
    if (!cdict) {
        free(dict);
        return false;
    }
    p->cdict = cdict;
    p->dict = dict;
    p->dict_len = len;
    dict_key(p->key, id);
    return true;
}

wts_status wts_record_packer_resume(wts_record_packer *p, wts_xdb *db) {
    if (p->cdict) return WTS_OK;
    char *key = NULL, *dict = NULL;
    size_t len = 0;
    wts_status st = wts_xdb_get_metadata(db, WTS_META_PACK_DICT, &key);
    if (st == WTS_OK && *key) st = wts_xdb_get_metadata_bytes(db, key, &dict, &len);
    /* a dictionary the index names but lacks or zstd refuses: train anew */
    if (st == WTS_OK && len) {
        if (take_dict(p, dict, len)) { /* else freed */
            p->trained = true;
            drop_samples(p);
        }
    } else {
        free(dict);
    }
    free(key);
    return st;
}

/* Trains the dictionary on the samples; on failure (too few, too alike)
 * records are packed alone, as before. */
static void train(wts_record_packer *p) {
    p->trained = true;
    /* short records: a dictionary as long as the default would outweigh
     * what it saves in a small index */
    size_t cap = p->samples.len / 8 > DICT_BYTES ? DICT_BYTES : p->samples.len / 8 < 1024 ? 1024 : p->samples.len / 8;
    char *dict = wts_xmalloc(cap);
    size_t n = ZDICT_trainFromBuffer(dict, cap, p->samples.data, p->sample_len, (unsigned)p->nsamples);
    drop_samples(p);
    if (ZDICT_isError(n))
        free(dict);
    else
        (void)take_dict(p, dict, n);
}

static void add_sample(wts_record_packer *p, const char *text, size_t len) {
    if (len > DICT_SAMPLE_MAX) return;
    if (p->nsamples % 64 == 0) p->sample_len = wts_xrealloc(p->sample_len, (p->nsamples + 64) * sizeof *p->sample_len);
    p->sample_len[p->nsamples++] = len;
    wts_buf_add(&p->samples, text, len);
    if (p->nsamples >= DICT_SAMPLES || p->samples.len >= DICT_SAMPLE_BYTES) train(p);
}

char *wts_record_packer_pack(wts_record_packer *p, const char *text, size_t len, size_t *packed_len,
                             bool *with_dict) {
    *with_dict = false;
    if (!p->trained) add_sample(p, text, len);
    ZSTD_CCtx *c = thread_ctx(&cctx_key, make_cctx, cctx_free);
    if (!c) return NULL;
    /* every parameter set anew: the context is the thread's, not ours */
    size_t r = ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters);
    if (!ZSTD_isError(r)) r = ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
    if (!ZSTD_isError(r)) r = p->cdict ? ZSTD_CCtx_refCDict(c, p->cdict) : ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, PACK_LEVEL);
    size_t cap = ZSTD_compressBound(len);
    char *out = wts_xmalloc(cap ? cap : 1);
    size_t n = ZSTD_isError(r) ? r : ZSTD_compress2(c, out, cap, text, len);
    if (ZSTD_isError(n)) { /* only when out of memory: cap is zstd's bound */
        free(out);
        return NULL;
    }
    *packed_len = n;
    *with_dict = p->cdict != NULL;
    return out;
}

wts_status wts_record_packer_save(const wts_record_packer *p, wts_xwriter *w) {
    if (!p->cdict) return WTS_OK;
    wts_status st = wts_xwriter_set_metadata_bytes(w, p->key, p->dict, p->dict_len);
    return st == WTS_OK ? wts_xwriter_set_metadata(w, WTS_META_PACK_DICT, p->key) : st;
}

/* Dictionaries ready to unpack with, by zstd id: an id is a hash of the
 * dictionary's content, so one id names one dictionary whatever index
 * holds it, and the frame's checksum catches the rare clash.  Past
 * DICTS_KEPT, the one used longest ago and in use by no thread gives way:
 * a daemon outlives the shards written again under it. */
typedef struct kept_dict {
    unsigned id;
    ZSTD_DDict *dict;
    unsigned users; /* threads unpacking with it now */
    uint64_t used;  /* when last taken */
} kept_dict;
static kept_dict dicts_kept[DICTS_KEPT];
static size_t ndicts_kept;
static uint64_t dict_takes;
static pthread_mutex_t dicts_lock = PTHREAD_MUTEX_INITIALIZER;

/* The kept dictionary of id, taken for use, or NULL; under dicts_lock. */
static kept_dict *find_kept(unsigned id) {
    for (size_t i = 0; i < ndicts_kept; i++)
        if (dicts_kept[i].id == id) {
            dicts_kept[i].users++;
            dicts_kept[i].used = ++dict_takes;
            return &dicts_kept[i];
        }
    return NULL;
}

static kept_dict *take_kept(unsigned id) {
    pthread_mutex_lock(&dicts_lock);
    kept_dict *k = find_kept(id);
    pthread_mutex_unlock(&dicts_lock);
    return k;
}

static void give_back(kept_dict *k) {
    pthread_mutex_lock(&dicts_lock);
    k->users--;
    pthread_mutex_unlock(&dicts_lock);
}

/* Keeps d for id and returns it taken; d is freed if another thread kept
 * one for id meanwhile.  NULL when every place is in use: d is then the
 * caller's. */
static kept_dict *keep(unsigned id, ZSTD_DDict *d) {
    ZSTD_DDict *drop = NULL;
    pthread_mutex_lock(&dicts_lock);
    kept_dict *k = find_kept(id);
    if (k) {
        drop = d;
    } else if (ndicts_kept < DICTS_KEPT) {
        k = &dicts_kept[ndicts_kept++];
    } else {
        for (size_t i = 0; i < DICTS_KEPT; i++)
            if (!dicts_kept[i].users && (!k || dicts_kept[i].used < k->used)) k = &dicts_kept[i];
        if (k) drop = k->dict;
    }
    if (k && drop != d) *k = (kept_dict){id, d, 1, ++dict_takes};
    pthread_mutex_unlock(&dicts_lock);
    ZSTD_freeDDict(drop);
    return k;
}

/* The dictionary of id, from what the process keeps or the index's
 * metadata: *k the kept one, taken (give it back), else *own, made for
 * one record.  NULL with *st set when the index lacks it. */
static ZSTD_DDict *record_dict(wts_xdb *db, unsigned id, kept_dict **k, ZSTD_DDict **own, wts_status *st) {
    *own = NULL;
    if ((*k = take_kept(id))) return (*k)->dict;
    char key[48];
    dict_key(key, id);
    char *bytes = NULL;
    size_t len = 0;
    ZSTD_DDict *d = NULL;
    *st = wts_xdb_get_metadata_bytes(db, key, &bytes, &len);
    if (*st == WTS_OK && len && ZSTD_getDictID_fromDict(bytes, len) == id) d = ZSTD_createDDict(bytes, len);
    free(bytes);
    if (*st != WTS_OK) return NULL;
    if (!d) {
        *st = WTS_ERR_CORRUPT;
        return NULL;
    }
    if ((*k = keep(id, d))) return (*k)->dict;
    return *own = d;
}

char *wts_record_data(wts_xdb *db, wts_docid id, size_t *len, wts_status *st) {
    char *packed = NULL;
    size_t plen = 0;
    *len = 0;
    *st = wts_xdb_doc_data(db, id, &packed, &plen);
    if (*st != WTS_OK) {
        free(packed);
        return NULL;
    }
    unsigned long long size = ZSTD_getFrameContentSize(packed, plen);
    ZSTD_DCtx *d = thread_ctx(&dctx_key, make_dctx, dctx_free);
    unsigned dict_id = ZSTD_getDictID_fromFrame(packed, plen);
    ZSTD_DDict *dict = NULL, *own = NULL;
    kept_dict *kept = NULL;
    char *out = NULL;
    if (!d) {
        *st = WTS_ERR_NO_MEMORY;
    } else if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > UNPACKED_MAX) {
        *st = WTS_ERR_CORRUPT;
    } else if (!dict_id || (dict = record_dict(db, dict_id, &kept, &own, st))) {
        out = wts_xmalloc((size_t)size + 1);
        size_t n = dict ? ZSTD_decompress_usingDDict(d, out, (size_t)size + 1, packed, plen, dict)
                        : ZSTD_decompressDCtx(d, out, (size_t)size + 1, packed, plen);
        if (ZSTD_isError(n) || n != size) {
            free(out);
            out = NULL;
            *st = WTS_ERR_CORRUPT;
        } else {
            out[n] = '\0';
            *len = n;
        }
    }
    if (kept) give_back(kept);
    ZSTD_freeDDict(own);
    free(packed);
    return out;
}

static const char *const file_keys[] = {"path", "symbol", "symbols", "title", "date", "doc_lang"};
static const char *const para_strings[] = {"para", "kind", "lang", "text"};
static const char *const para_lists[] = {"members", "acting", "topics", "cites", "dates"};

/* The line starting at `at` (up to a newline or end) as a JSON object,
 * NULL when it is none; *next (may be NULL) gets where the next line
 * starts, end when there is none. */
static json_t *parse_line(const char *at, const char *end, const char **next) {
    const char *nl = memchr(at, '\n', (size_t)(end - at));
    if (next) *next = nl ? nl + 1 : end;
    json_error_t err;
    json_t *o = json_loadb(at, (size_t)((nl ? nl : end) - at), 0, &err);
    if (o && !json_is_object(o)) {
        json_decref(o);
        o = NULL;
    }
    return o;
}

wts_record *wts_record_parse(const char *data, size_t len) {
    if (!data || len == 0) return NULL;
    const char *at = data, *end = data + len;
    json_t *file = parse_line(at, end, &at);
    if (!file) return NULL;
    json_t *paras = json_array();
    while (at < end) {
        json_t *p = parse_line(at, end, &at);
        if (!p) { /* a broken line: the record is no record */
            json_decref(paras);
            json_decref(file);
            return NULL;
        }
        json_array_append_new(paras, p);
    }
    json_object_set_new(file, "paras", paras);
    return (wts_record *)file;
}

wts_record *wts_record_read(wts_xdb *db, wts_docid id, wts_status *st) {
    size_t len = 0;
    char *data = wts_record_data(db, id, &len, st);
    wts_record *r = *st == WTS_OK ? wts_record_parse(data, len) : NULL;
    free(data);
    if (*st == WTS_OK && !r) *st = WTS_ERR_CORRUPT;
    return r;
}

void wts_record_free(wts_record *r) { json_decref((json_t *)r); }

size_t wts_record_nparas(const wts_record *file) {
    return json_array_size(json_object_get((const json_t *)file, "paras"));
}

/* The record of a paragraph p of file f, under heading h (may be NULL). */
static json_t *paragraph(const json_t *f, const json_t *p, const json_t *h, size_t k) {
    json_t *o = json_object();
    for (size_t i = 0; i < sizeof file_keys / sizeof file_keys[0]; i++) {
        json_t *v = json_object_get(f, file_keys[i]);
        json_object_set(o, file_keys[i], v ? v : json_null());
    }
    for (size_t i = 0; i < sizeof para_strings / sizeof para_strings[0]; i++) {
        json_t *v = json_object_get(p, para_strings[i]);
        json_object_set(o, para_strings[i], v ? v : json_null());
    }
    json_object_set_new(o, "ord", json_integer((json_int_t)k));
    for (size_t i = 0; i < sizeof para_lists / sizeof para_lists[0]; i++) {
        json_t *v = json_object_get(p, para_lists[i]);
        if (json_is_array(v))
            json_object_set(o, para_lists[i], v);
        else
            json_object_set_new(o, para_lists[i], json_array());
    }
    json_t *section = json_object_get(h, "text");
    if (json_is_string(section)) json_object_set(o, "section", section);
    return o;
}

/* The ordinal of the heading paragraph p stands under, or -1. */
static json_int_t heading_of(const json_t *p) {
    json_t *sec = json_object_get(p, "sec");
    return json_is_integer(sec) ? json_integer_value(sec) : -1;
}

wts_record *wts_record_paragraph(const wts_record *file, size_t k) {
    const json_t *f = (const json_t *)file;
    const json_t *paras = json_object_get(f, "paras");
    json_t *p = json_array_get(paras, k);
    if (!json_is_object(p)) return NULL;
    json_int_t h = heading_of(p);
    return (wts_record *)paragraph(f, p, h >= 0 ? json_array_get(paras, (size_t)h) : NULL, k);
}

struct wts_file_record {
    char *data;
    size_t len;
    size_t *line;  /* where each line starts; line 0 the file's fields */
    size_t nlines;
    json_t *file;  /* line 0 parsed */
    json_t **para; /* paragraph lines, parsed when first asked for */
};

wts_file_record *wts_file_record_new(char *data, size_t len) {
    wts_file_record *r = wts_xcalloc(1, sizeof *r);
    r->data = data;
    r->len = len;
    size_t cap = 16;
    r->line = wts_xcalloc(cap, sizeof *r->line);
    for (size_t at = 0; data && at < len;) {
        if (r->nlines == cap) r->line = wts_xrealloc(r->line, (cap *= 2) * sizeof *r->line);
        r->line[r->nlines++] = at;
        const char *nl = memchr(data + at, '\n', len - at);
        at = nl ? (size_t)(nl - data) + 1 : len;
    }
    r->file = r->nlines ? parse_line(data, data + len, NULL) : NULL;
    r->para = wts_xcalloc(r->nlines ? r->nlines : 1, sizeof *r->para);
    return r;
}

void wts_file_record_free(wts_file_record *r) {
    if (!r) return;
    json_decref(r->file);
    for (size_t i = 0; i < r->nlines; i++) json_decref(r->para[i]);
    free(r->para);
    free(r->line);
    free(r->data);
    free(r);
}

const char *wts_file_record_string(const wts_file_record *r, const char *key) {
    return json_string_value(json_object_get(r->file, key));
}

/* Paragraph k's line parsed (the record keeps it), NULL when there is
 * none. */
static json_t *paragraph_line(wts_file_record *r, size_t k) {
    if (!r->file || k + 1 >= r->nlines) return NULL;
    if (!r->para[k]) r->para[k] = parse_line(r->data + r->line[k + 1], r->data + r->len, NULL);
    return r->para[k];
}

wts_record *wts_file_record_paragraph(wts_file_record *r, size_t k) {
    json_t *p = paragraph_line(r, k);
    if (!p) return NULL;
    json_int_t h = heading_of(p);
    return (wts_record *)paragraph(r->file, p, h >= 0 && (size_t)h < k ? paragraph_line(r, (size_t)h) : NULL, k);
}

const char *wts_record_string(const wts_record *r, const char *key) {
    return json_string_value(json_object_get((const json_t *)r, key));
}
