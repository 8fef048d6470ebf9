/* test_check.c: `check` finds a file whose record and index document
 * disagree on its paragraphs, or whose stored record does not unpack. */
#define _XOPEN_SOURCE 700
#include "check.h"
#include "wts_indexer.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

/* Indexes dir into the single database db and returns the check's count of
 * problems, its report in *report. */
static size_t index_and_check(const char *db, const char *dir, wts_buf *report) {
    wts_indexer *ix = NULL;
    char *msg = NULL;
    CHECK(wts_indexer_open(db, NULL, stderr, &ix, &msg) == WTS_OK);
    if (ix) CHECK(wts_indexer_add(ix, dir) == WTS_OK);
    if (ix) CHECK(wts_indexer_close(ix, NULL, &msg) == WTS_OK);
    free(msg);
    size_t problems = 99;
    wts_buf_reset(report);
    CHECK(wts_index_check(db, report, &problems) == WTS_OK);
    return problems;
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
