/* cmd_check.c: `wtosearch check [--db DIR]` */
#include "cli.h"
#include "wts_indexer.h"

#include <getopt.h>
#include <stdlib.h>

void help_check(FILE *out) {
    fputs("usage: wtosearch check [--db DIR]\n\n"
          "Checks an index: the index library's own consistency check of its tables,\n"
          "then wtosearch's invariants: the schema version; each indexed file's record\n"
          "matches the paragraphs stored for it; every paragraph belongs to a recorded\n"
          "file and its stored record is readable.  Safe while an indexer runs.\n\n"
          "exit status: 0 sound, 1 problems found (listed), 2 usage error,\n"
          "3 no index or it cannot be read.\n",
          out);
}

int cmd_check(int argc, char **argv) {
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'}, {NULL, 0, NULL, 0}};
    const char *db_flag = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:", opts, NULL)) != -1) {
        if (c == 'd') db_flag = optarg;
        else {
            help_check(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        cli_error("check: no arguments beyond --db");
        return EXIT_USAGE;
    }
    char *db = cli_db_path(db_flag);
    wts_buf report = WTS_BUF_INIT;
    size_t problems = 0;
    wts_status st = wts_index_check(db, &report, &problems);
    printf("checking %s\n%s", db, report.data ? report.data : "");
    int rc = EXIT_OK;
    if (st != WTS_OK) {
        cli_error("cannot check %s (%s)", db, wts_status_name(st));
        rc = EXIT_FAILURE_;
    } else if (problems) {
        printf("%zu problem%s\n", problems, problems == 1 ? "" : "s");
        rc = EXIT_PARTIAL;
    } else {
        printf("ok\n");
    }
    wts_buf_free(&report);
    free(db);
    return rc;
}
