/* test_check.c: `check` finds a file whose shared fields went missing. */
#define _XOPEN_SOURCE 700
#include "check.h"
#include "wts_indexer.h"

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

    /* the fields its paragraphs share, gone: the check says so, naming it */
    char real[4096];
    CHECK(realpath(file.data, real) != NULL);
    wts_buf_printf(&key, "%s%s", WTS_META_DOC_PREFIX, real);
    wts_xwriter *w = NULL;
    char *msg = NULL;
    CHECK(wts_xwriter_open(db.data, &w, &msg) == WTS_OK);
    free(msg);
    if (w) {
        CHECK(wts_xwriter_set_metadata(w, key.data, "") == WTS_OK);
        CHECK(wts_xwriter_close(w) == WTS_OK);
    }
    size_t problems = 0;
    wts_buf_reset(&report);
    CHECK(wts_index_check(db.data, &report, &problems) == WTS_OK);
    CHECK_INT_EQ(problems, 1);
    CHECK(report.data && strstr(report.data, real) && strstr(report.data, "share"));

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
