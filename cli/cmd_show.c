/* cmd_show.c: `wtosearch show [--db DIR] [--json] SYMBOL|PATH` */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

void help_show(FILE *out) {
    fputs("usage: wtosearch show [--db DIR] [--json] SYMBOL|PATH\n\n"
          "Prints an indexed document whole: its symbols, date, language and title,\n"
          "its paragraphs with their labels, the symbols it cites and the paragraphs\n"
          "of other documents that cite it.  A symbol shows every language version\n"
          "indexed under it; a path shows that file.\n\n"
          "  --db DIR   the index (default $WTOSEARCH_DB, else ~/.local/share/wtosearch/index)\n"
          "  --json     the same as one JSON object: {\"key\", \"documents\": [{\"path\",\n"
          "             \"symbol\", \"symbols\", \"title\", \"date\", \"lang\", \"paragraphs\": [...],\n"
          "             \"cites\": [...], \"cited_by\": [...]}]}\n\n"
          "exit status: 0 shown, 1 no such document, 2 usage error, 3 index missing or unreadable.\n",
          out);
}

int cmd_show(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    const char *db_flag = NULL;
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:j", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db_flag = optarg; break;
        case 'j': json = true; break;
        default: help_show(stderr); return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        cli_error("show: give one SYMBOL or PATH");
        help_show(stderr);
        return EXIT_USAGE;
    }
    char *db_path = cli_db_path(db_flag);
    wts_xdb *db = NULL;
    char *msg = NULL;
    wts_status st = wts_index_open(db_path, &db, &msg);
    free(db_path);
    if (st != WTS_OK) {
        cli_error("%s", msg ? msg : wts_status_name(st));
        free(msg);
        return EXIT_FAILURE_;
    }
    char *doc = NULL;
    st = wts_doc_lookup(db, argv[optind], &doc, &msg);
    int rc = EXIT_OK;
    if (st == WTS_ERR_NOT_FOUND) {
        cli_error("%s", msg ? msg : "not found");
        rc = EXIT_PARTIAL;
    } else if (st != WTS_OK) {
        cli_error("show failed: %s", msg ? msg : wts_status_name(st));
        rc = EXIT_FAILURE_;
    } else if (json) {
        printf("%s\n", doc);
    } else {
        wts_buf out = WTS_BUF_INIT;
        wts_doc_write_text(doc, &out);
        fwrite(out.data ? out.data : "", 1, out.len, stdout);
        wts_buf_free(&out);
    }
    free(doc);
    free(msg);
    wts_xdb_close(db);
    return rc;
}
