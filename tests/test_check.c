/* test_check.c: `check` finds a file whose record and index document
 * disagree on its paragraphs, or whose stored record does not unpack;
 * records packed with the index's dictionary unpack with it alone. */
#define _XOPEN_SOURCE 700
#include "check.h"
#include "wts_indexer.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

/* Indexes dir into the single database db. */
static void index_dir(const char *db, const char *dir) {
    wts_indexer *ix = NULL;
    char *msg = NULL;
    CHECK(wts_indexer_open(db, NULL, stderr, &ix, &msg) == WTS_OK);
    if (ix) CHECK(wts_indexer_add(ix, dir) == WTS_OK);
    if (ix) CHECK(wts_indexer_close(ix, NULL, &msg) == WTS_OK);
    free(msg);
}

/* Indexes dir into the single database db and returns the check's count of
 * problems, its report in *report. */
static size_t index_and_check(const char *db, const char *dir, wts_buf *report) {
    index_dir(db, dir);
    size_t problems = 99;
    wts_buf_reset(report);
    CHECK(wts_index_check(db, report, &problems) == WTS_OK);
    return problems;
}

static unsigned frame_dict(wts_xdb *x, wts_docid id) {
    char *packed = NULL;
    size_t plen = 0;
    CHECK(wts_xdb_doc_data(x, id, &packed, &plen) == WTS_OK);
    unsigned dict = packed ? ZSTD_getDictID_fromFrame(packed, plen) : 0;
    free(packed);
    return dict;
}

static int first_docid(void *ud, wts_docid id) {
    *(wts_docid *)ud = id;
    return 1;
}

static int count_key(void *ud, const char *key, size_t len, uint32_t tf) {
    ++*(size_t *)ud;
    return 0;
}

/* Enough records for the writer to train a dictionary: those after it
 * need it, and the check finds them broken without it; an index updated
 * keeps packing with it. */
static void test_record_dictionary(const char *tmp) {
    static const char *const topics[] = {"e-commerce", "trade finance", "access to information", "green growth"};
    enum { FILES = 600 };
    wts_buf dir = WTS_BUF_INIT, db = WTS_BUF_INIT, file = WTS_BUF_INIT, text = WTS_BUF_INIT, report = WTS_BUF_INIT;
    wts_buf_printf(&dir, "%s/many", tmp);
    wts_buf_printf(&db, "%s/db3", tmp);
    CHECK(mkdir(dir.data, 0700) == 0);
    for (int i = 0; i < FILES; i++) {
        wts_buf_reset(&file);
        wts_buf_reset(&text);
        wts_buf_printf(&file, "%s/note%03d.txt", dir.data, i);
        wts_buf_printf(&text, "INF/MSME/W/%d\n\n1. The Group discussed %s and the zq%dx item.\n\n"
                              "2. Kenya proposed a workshop on %s for %d March.\n",
                       i + 1, topics[i % 4], i, topics[(i / 4) % 4], i % 28 + 1);
        write_file(file.data, text.data);
    }
    index_dir(db.data, dir.data); /* no record read yet in this process */

    wts_xwriter *w = NULL;
    char *msg = NULL, *key = NULL, *dict = NULL;
    size_t dict_len = 0, with_dict = 0, plain = 0;
    unsigned dict_id = 0;
    wts_docid needs_dict = 0, alone = 0;
    CHECK(wts_xwriter_open(db.data, &w, &msg) == WTS_OK);
    free(msg);
    if (w) {
        wts_xdb *x = wts_xwriter_db(w);
        CHECK(wts_xdb_get_metadata(x, WTS_META_PACK_DICT, &key) == WTS_OK);
        CHECK(key && strncmp(key, WTS_META_PACK_DICT ".", strlen(WTS_META_PACK_DICT) + 1) == 0);
        if (key) CHECK(wts_xdb_get_metadata_bytes(x, key, &dict, &dict_len) == WTS_OK);
        dict_id = dict ? ZSTD_getDictID_fromDict(dict, dict_len) : 0;
        CHECK(dict_id != 0 && key && strtoul(key + strlen(WTS_META_PACK_DICT) + 1, NULL, 10) == dict_id);
        for (wts_docid id = 1; id <= FILES; id++) {
            unsigned f = frame_dict(x, id);
            CHECK(f == 0 || f == dict_id);
            if (f) {
                with_dict++;
                needs_dict = id;
            } else {
                plain++;
                alone = id;
            }
        }
        /* the first records train it; most of the others use it */
        CHECK(plain >= 100 && with_dict >= 50);
        if (key) CHECK(wts_xwriter_set_metadata_bytes(w, key, "", 0) == WTS_OK); /* removes it */
        CHECK(wts_xwriter_close(w) == WTS_OK);
    }
    /* without it: those records do not unpack, and the check says so (a
     * process keeps each dictionary it has read: none was read here yet) */
    wts_xdb *x = NULL;
    size_t len = 0, problems = 0;
    wts_status st = WTS_ERR_IO;
    CHECK(wts_xdb_open(db.data, &x, &msg) == WTS_OK);
    free(msg);
    if (x) {
        char *rec = wts_record_data(x, needs_dict, &len, &st);
        CHECK_INT_EQ(st, WTS_ERR_CORRUPT);
        CHECK(rec == NULL);
        rec = wts_record_data(x, alone, &len, &st);
        CHECK_INT_EQ(st, WTS_OK);
        CHECK(rec && strstr(rec, "INF/MSME/W/"));
        free(rec);
        wts_xdb_close(x);
    }
    wts_buf_reset(&report);
    CHECK(wts_index_check(db.data, &report, &problems) == WTS_OK);
    CHECK_INT_EQ(problems, with_dict);
    CHECK(report.data && strstr(report.data, "is broken"));
    /* put back, they unpack */
    CHECK(wts_xwriter_open(db.data, &w, &msg) == WTS_OK);
    free(msg);
    if (w && key && dict) {
        CHECK(wts_xwriter_set_metadata_bytes(w, key, dict, dict_len) == WTS_OK);
        CHECK(wts_xwriter_close(w) == WTS_OK);
    }
    wts_buf_reset(&report);
    CHECK(wts_index_check(db.data, &report, &problems) == WTS_OK);
    CHECK_INT_EQ(problems, 0);
    CHECK(report.data && strstr(report.data, "dictionaries the records are packed with: 1\n"));

    /* a file added later is packed with the same dictionary, none more */
    wts_buf_reset(&file);
    wts_buf_printf(&file, "%s/late.txt", dir.data);
    write_file(file.data, "INF/MSME/W/999\n\n1. The Group discussed the zqlatex item and trade finance.\n");
    CHECK_INT_EQ(index_and_check(db.data, dir.data, &report), 0);
    CHECK(wts_xdb_open(db.data, &x, &msg) == WTS_OK);
    free(msg);
    if (x) {
        char real[4096];
        wts_buf term = WTS_BUF_INIT;
        CHECK(realpath(file.data, real) != NULL);
        wts_buf_printf(&term, "%s%s", WTS_PREFIX_PATH, real);
        wts_docid late = 0;
        CHECK(wts_xdb_postings(x, term.data, first_docid, &late) == WTS_OK);
        CHECK(late > FILES);
        if (late) CHECK_INT_EQ(frame_dict(x, late), dict_id);
        char *rec = late ? wts_record_data(x, late, &len, &st) : NULL;
        CHECK(rec && strstr(rec, "zqlatex"));
        free(rec);
        size_t dicts = 0;
        CHECK(wts_xdb_metadata_keys(x, WTS_META_PACK_DICT ".", count_key, &dicts) == WTS_OK);
        CHECK_INT_EQ(dicts, 1);
        wts_buf_free(&term);
        wts_xdb_close(x);
    }
    /* an index that names a dictionary it lacks: the next run packs
     * without one, and its records read */
    CHECK(wts_xwriter_open(db.data, &w, &msg) == WTS_OK);
    free(msg);
    if (w) {
        CHECK(wts_xwriter_set_metadata(w, WTS_META_PACK_DICT, WTS_META_PACK_DICT ".1") == WTS_OK);
        CHECK(wts_xwriter_close(w) == WTS_OK);
    }
    wts_buf_reset(&file);
    wts_buf_printf(&file, "%s/later.txt", dir.data);
    write_file(file.data, "INF/MSME/W/998\n\n1. The Group discussed the zqlaterx item.\n");
    CHECK_INT_EQ(index_and_check(db.data, dir.data, &report), 0);
    free(key);
    free(dict);
    wts_buf_free(&dir);
    wts_buf_free(&db);
    wts_buf_free(&file);
    wts_buf_free(&text);
    wts_buf_free(&report);
}

/* More dictionaries than a process keeps ready: each record unpacks, as
 * often as it is read, in any order. */
static void test_many_dictionaries(const char *tmp) {
    enum { DBS = 80, TRAINING = 500 };
    static const char *const words[] = {"trade finance", "e-commerce", "green growth", "logistics", "customs"};
    wts_xdb *dbs[DBS] = {NULL};
    wts_docid ids[DBS] = {0};
    char *want[DBS] = {NULL};
    wts_buf path = WTS_BUF_INIT, text = WTS_BUF_INIT;
    for (int i = 0; i < DBS; i++) {
        wts_buf_reset(&path);
        wts_buf_printf(&path, "%s/dict%02d", tmp, i);
        wts_xwriter *w = NULL;
        char *msg = NULL;
        CHECK(wts_xwriter_open(path.data, &w, &msg) == WTS_OK);
        free(msg);
        wts_record_packer *p = wts_record_packer_new();
        bool with_dict = false;
        char *packed = NULL;
        size_t plen = 0;
        for (int r = 0; r <= TRAINING; r++) { /* the last one is kept */
            wts_buf_reset(&text);
            wts_buf_printf(&text, "{\"path\":\"/set%d/f%d\"}\n{\"para\":\"%d\",\"text\":\"Set %d: the group "
                                  "discussed %s and item zq%dx of %s.\"}\n",
                           i, r, r % 9 + 1, i, words[(r + i) % 5], r * 7 + i, words[(r / 5 + i) % 5]);
            free(packed);
            packed = wts_record_packer_pack(p, text.data, text.len, &plen, &with_dict);
        }
        CHECK(with_dict);
        wts_xdoc *d = NULL;
        CHECK(wts_xdoc_new(&d) == WTS_OK);
        if (w && d && packed) {
            CHECK(wts_xdoc_set_data(d, packed, plen) == WTS_OK);
            CHECK(wts_xwriter_add(w, d, NULL, &ids[i]) == WTS_OK);
            CHECK(wts_record_packer_save(p, w) == WTS_OK);
            CHECK(wts_xwriter_close(w) == WTS_OK);
        }
        want[i] = wts_xstrdup(text.data);
        wts_xdoc_free(d);
        free(packed);
        wts_record_packer_free(p);
        CHECK(wts_xdb_open(path.data, &dbs[i], &msg) == WTS_OK);
        free(msg);
    }
    for (int round = 0; round < 3; round++)
        for (int k = 0; k < DBS; k++) {
            int i = round == 1 ? DBS - 1 - k : k;
            size_t len = 0;
            wts_status st = WTS_ERR_IO;
            char *rec = dbs[i] ? wts_record_data(dbs[i], ids[i], &len, &st) : NULL;
            CHECK_INT_EQ(st, WTS_OK);
            CHECK(rec && strcmp(rec, want[i]) == 0);
            free(rec);
        }
    for (int i = 0; i < DBS; i++) {
        wts_xdb_close(dbs[i]);
        free(want[i]);
    }
    wts_buf_free(&path);
    wts_buf_free(&text);
}

int main(void) {
    char tmp[] = "/tmp/wtosearch-check-XXXXXX";
    CHECK(mkdtemp(tmp) != NULL);
    wts_buf dir = WTS_BUF_INIT, db = WTS_BUF_INIT, file = WTS_BUF_INIT, key = WTS_BUF_INIT, report = WTS_BUF_INIT;
    wts_buf_printf(&dir, "%s/docs", tmp);
    wts_buf_printf(&db, "%s/db", tmp);
    CHECK(mkdir(dir.data, 0700) == 0);
    wts_buf_printf(&file, "%s/a.txt", dir.data);
    write_file(file.data, "INF/MSME/W/99\n\n1. The Group discussed trade finance.\n");

    CHECK_INT_EQ(index_and_check(db.data, dir.data, &report), 0);

    /* its file record counting a paragraph more than its document holds:
     * the check says so, naming it */
    char real[4096];
    CHECK(realpath(file.data, real) != NULL);
    wts_buf_printf(&key, "%s%s", WTS_META_FILE_PREFIX, real);
    wts_xwriter *w = NULL;
    char *msg = NULL;
    CHECK(wts_xwriter_open(db.data, &w, &msg) == WTS_OK);
    free(msg);
    if (w) {
        char *rec = NULL;
        CHECK(wts_xdb_get_metadata(wts_xwriter_db(w), key.data, &rec) == WTS_OK);
        json_error_t err;
        json_t *o = rec ? json_loads(rec, 0, &err) : NULL;
        json_t *paras = json_object_get(o, "paragraphs");
        CHECK(json_is_integer(paras) && json_integer_value(paras) >= 1);
        if (json_is_integer(paras)) {
            json_object_set_new(o, "paragraphs", json_integer(json_integer_value(paras) + 1));
            char *changed = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
            CHECK(changed && wts_xwriter_set_metadata(w, key.data, changed) == WTS_OK);
            free(changed);
        }
        json_decref(o);
        free(rec);
        CHECK(wts_xwriter_close(w) == WTS_OK);
    }
    size_t problems = 0;
    wts_buf_reset(&report);
    CHECK(wts_index_check(db.data, &report, &problems) == WTS_OK);
    CHECK_INT_EQ(problems, 1);
    /* on the problem's own line: the report's summary counts paragraphs too */
    const char *line = report.data ? strstr(report.data, "problem: ") : NULL;
    const char *end = line ? strchr(line, '\n') : NULL;
    char *problem_line = line ? wts_xstrndup(line, end ? (size_t)(end - line) : strlen(line)) : NULL;
    CHECK(problem_line && strstr(problem_line, real) && strstr(problem_line, "paragraphs"));
    free(problem_line);

    /* in a second index of the same file: its stored record is a zstd
     * frame that unpacks to its fields and paragraphs */
    wts_buf db2 = WTS_BUF_INIT, path_term = WTS_BUF_INIT;
    wts_buf_printf(&db2, "%s/db2", tmp);
    wts_buf_printf(&path_term, "%s%s", WTS_PREFIX_PATH, real);
    CHECK_INT_EQ(index_and_check(db2.data, dir.data, &report), 0);
    CHECK(wts_xwriter_open(db2.data, &w, &msg) == WTS_OK);
    free(msg);
    if (w) {
        wts_xdb *x = wts_xwriter_db(w);
        char *packed = NULL;
        size_t plen = 0, len = 0;
        static const char zstd_magic[] = "\x28\xb5\x2f\xfd";
        CHECK(wts_xdb_doc_data(x, 1, &packed, &plen) == WTS_OK);
        CHECK(packed && plen > 4 && memcmp(packed, zstd_magic, 4) == 0);
        wts_status st = WTS_ERR_IO;
        char *text = wts_record_data(x, 1, &len, &st);
        CHECK_INT_EQ(st, WTS_OK);
        CHECK(text && strlen(text) == len && strstr(text, real) && strstr(text, "discussed trade finance"));
        free(text);
        /* the frame cut short: reading it says the record is corrupt */
        wts_xdoc *d = NULL;
        CHECK(wts_xdoc_new(&d) == WTS_OK);
        if (d && packed) {
            CHECK(wts_xdoc_add_term(d, path_term.data, path_term.len, 0) == WTS_OK);
            CHECK(wts_xdoc_set_data(d, packed, plen / 2) == WTS_OK);
            wts_docid id = 0;
            CHECK(wts_xwriter_add(w, d, path_term.data, &id) == WTS_OK);
            text = wts_record_data(x, id, &len, &st);
            CHECK_INT_EQ(st, WTS_ERR_CORRUPT);
            CHECK(text == NULL && len == 0);
        }
        wts_xdoc_free(d);
        free(packed);
        CHECK(wts_xwriter_close(w) == WTS_OK);
    }
    /* and the check names its file */
    problems = 0;
    wts_buf_reset(&report);
    CHECK(wts_index_check(db2.data, &report, &problems) == WTS_OK);
    CHECK_INT_EQ(problems, 1);
    line = report.data ? strstr(report.data, "problem: ") : NULL;
    CHECK(line && strstr(line, real) && strstr(line, "broken"));
    wts_buf_free(&db2);
    wts_buf_free(&path_term);

    test_record_dictionary(tmp);
    test_many_dictionaries(tmp);

    wts_buf_free(&dir);
    wts_buf_free(&db);
    wts_buf_free(&file);
    wts_buf_free(&key);
    wts_buf_free(&report);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    CHECK(system(cmd) == 0);
    CHECK_DONE();
}
