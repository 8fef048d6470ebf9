/* cmd_search.c: `wtosearch search [OPTIONS] QUERY...` */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void help_search(FILE *out) {
    fputs("usage: wtosearch search [OPTIONS] QUERY...\n\n"
          "Prints the paragraphs that match QUERY, best first.  The words of QUERY are\n"
          "joined by spaces; `wtosearch help query` describes the query language.\n\n"
          "  --db DIR            the index (default $WTOSEARCH_DB, else\n"
          "                      ~/.local/share/wtosearch/index)\n"
          "  --limit N           hits to print (default 10, at most 1000)\n"
          "  --offset N          hits to skip first (default 0)\n"
          "  --by document|paragraph\n"
          "                      one hit per document with its best paragraph and\n"
          "                      the number of its paragraphs that match (default),\n"
          "                      or every matching paragraph\n"
          "  --sort relevance|newest|oldest   order of hits (default relevance)\n"
          "  --lang en|fr|es     language of the query (default: detected; when\n"
          "                      unsure, words are matched in all three)\n"
          "  --json              one JSON object (README, \"JSON output\")\n"
          "  --jsonl             one JSON object per hit, one per line\n"
          "  --csv               one line per hit, with a header line (RFC 4180)\n"
          "  --facets            also count matching paragraphs by member, topic,\n"
          "                      year, language and type\n"
          "  --color auto|always|never   highlight on a terminal (default auto)\n\n"
          "exit status: 0 something matched, 1 nothing matched, 2 bad arguments or\n"
          "query (the message points at the problem), 3 index missing or unreadable.\n",
          out);
}

static bool parse_u32(const char *s, uint32_t max, uint32_t *out) {
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 0 || v > (long long)max) return false;
    *out = (uint32_t)v;
    return true;
}

const char *cli_search_option(int opt, const char *arg, wts_search_opts *so) {
    switch (opt) {
    case 'n':
        return parse_u32(arg, 1000, &so->limit) ? NULL : "--limit: a number from 0 to 1000";
    case 'o':
        return parse_u32(arg, 1000000, &so->offset) ? NULL : "--offset: a number from 0 to 1000000";
    case 'b':
        if (strcmp(arg, "document") == 0) so->group = WTS_GROUP_DOCUMENT;
        else if (strcmp(arg, "paragraph") == 0) so->group = WTS_GROUP_PARAGRAPH;
        else return "--by: 'document' or 'paragraph'";
        return NULL;
    case 's':
        if (strcmp(arg, "relevance") == 0) so->order = WTS_ORDER_RELEVANCE;
        else if (strcmp(arg, "newest") == 0) so->order = WTS_ORDER_NEWEST;
        else if (strcmp(arg, "oldest") == 0) so->order = WTS_ORDER_OLDEST;
        else return "--sort: relevance, newest or oldest";
        return NULL;
    case 'l':
        so->lang = wts_lang_from_code(arg);
        return so->lang == WTS_LANG_UNKNOWN ? "--lang: en, fr or es" : NULL;
    default: return "unknown option";
    }
}

int cmd_search(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},     {"limit", required_argument, NULL, 'n'},
        {"offset", required_argument, NULL, 'o'}, {"by", required_argument, NULL, 'b'},
        {"sort", required_argument, NULL, 's'},   {"lang", required_argument, NULL, 'l'},
        {"json", no_argument, NULL, 'j'},         {"jsonl", no_argument, NULL, 'J'},
        {"color", required_argument, NULL, 'c'},  {"colour", required_argument, NULL, 'c'},
        {"csv", no_argument, NULL, 'C'},          {"facets", no_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    wts_search_opts so;
    wts_search_opts_init(&so);
    const char *db_flag = NULL, *color = "auto";
    wts_format fmt = WTS_FMT_TEXT;
    int c;
    const char *bad;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:n:o:b:s:l:jJc:Cf", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db_flag = optarg; break;
        case 'n': case 'o': case 'b': case 's': case 'l':
            if ((bad = cli_search_option(c, optarg, &so))) {
                cli_error("%s", bad);
                return EXIT_USAGE;
            }
            break;
        case 'j': fmt = WTS_FMT_JSON; break;
        case 'J': fmt = WTS_FMT_JSONL; break;
        case 'C': fmt = WTS_FMT_CSV; break;
        case 'f': so.facets = true; break;
        case 'c':
            if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never")) {
                cli_error("--color: '%s' is not auto, always or never", optarg);
                return EXIT_USAGE;
            }
            color = optarg;
            break;
        default: help_search(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_error("search: no QUERY given");
        help_search(stderr);
        return EXIT_USAGE;
    }
    wts_buf qtext = WTS_BUF_INIT;
    for (int i = optind; i < argc; i++) {
        if (qtext.len) wts_buf_addc(&qtext, ' ');
        wts_buf_adds(&qtext, argv[i]);
    }
    wts_query *q = NULL;
    char *msg = NULL;
    wts_status st = wts_query_parse(qtext.data, so.lang, &q, &msg);
    if (st != WTS_OK) {
        cli_error("bad query: %s", msg ? msg : wts_status_name(st));
        free(msg);
        wts_buf_free(&qtext);
        return EXIT_USAGE;
    }
    char *db_path = cli_db_path(db_flag);
    wts_xdb *db = NULL;
    st = wts_index_open(db_path, &db, &msg);
    if (st != WTS_OK) {
        cli_error("%s", msg ? msg : wts_status_name(st));
        free(msg);
        free(db_path);
        wts_query_free(q);
        wts_buf_free(&qtext);
        return EXIT_FAILURE_;
    }
    wts_results *r = NULL;
    st = wts_search(db, q, qtext.data, &so, &r, &msg);
    int rc;
    if (st != WTS_OK) {
        cli_error("search failed: %s", msg ? msg : wts_status_name(st));
        rc = st == WTS_ERR_LIMIT || st == WTS_ERR_BAD_QUERY ? EXIT_USAGE : EXIT_FAILURE_;
    } else {
        bool colour = strcmp(color, "always") == 0 ||
                      (strcmp(color, "auto") == 0 && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
        wts_buf out = WTS_BUF_INIT;
        wts_results_write(r, fmt, colour, &out);
        fwrite(out.data ? out.data : "", 1, out.len, stdout);
        wts_buf_free(&out);
        rc = r->nhits ? EXIT_OK : EXIT_PARTIAL;
    }
    free(msg);
    wts_results_free(r);
    wts_xdb_close(db);
    free(db_path);
    wts_query_free(q);
    wts_buf_free(&qtext);
    return rc;
}
