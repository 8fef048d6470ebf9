/* cmd_batch.c: `wtosearch batch [OPTIONS] [FILE|-]`: many queries, one
 * JSON line of answer per line of input, in input order, on every core. */
#include "cli.h"

#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Lines read and answered at a time: bounds memory whatever the input's
 * size, while keeping every worker busy. */
#define CHUNK_LINES 512

void help_batch(FILE *out) {
    fputs("usage: wtosearch batch [--db DIR] [--threads N] [search options] [FILE|-]\n\n"
          "Runs one query per line of FILE (or standard input) and prints one JSON\n"
          "object per line, in input order: the same object as search --json, with\n"
          "\"line\" (1-based) first.  A line is a query, or a JSON object\n"
          "  {\"q\": \"cyber readiness\", \"limit\": 5, \"offset\": 0, \"by\": \"paragraph\",\n"
          "   \"sort\": \"newest\", \"lang\": \"fr\", \"facets\": true}\n"
          "whose options override the command's.  An empty line is skipped.  A line that\n"
          "fails gives {\"line\", \"query\", \"error\", \"status\"} and the batch goes on.\n\n"
          "  --db DIR      the index (default $WTOSEARCH_DB, else ~/.local/share/wtosearch/index)\n"
          "  --threads N   workers, each with its own index handle (default: every core)\n"
          "  --unbuffered  answer each line as soon as it is read (for a conversation\n"
          "                over a pipe; lines are then answered one at a time)\n"
          "  --limit N, --offset N, --by document|paragraph, --sort relevance|newest|oldest,\n"
          "  --lang en|fr|es, --facets   defaults for every line, as for search\n\n"
          "exit status: 0 every line answered, 1 some lines failed, 2 usage error,\n"
          "3 index missing or unreadable.\n",
          out);
}

typedef struct batch {
    const char *db_path;
    const wts_search_opts *defaults;
    char **lines;      /* this chunk */
    size_t *linenos;
    char **answers;
    size_t n;
    atomic_size_t next;
    atomic_size_t failed;
    atomic_int fatal;  /* a worker could not open the index */
} batch;

typedef struct worker {
    pthread_t thread;
    batch *b;
    wts_xdb *db;
    char *open_error;
} worker;

static void *work(void *arg) {
    worker *w = arg;
    batch *b = w->b;
    for (;;) {
        size_t i = atomic_fetch_add(&b->next, 1);
        if (i >= b->n) break;
        wts_status st;
        b->answers[i] = wts_batch_line(w->db, b->lines[i], b->linenos[i], b->defaults, &st);
        if (st != WTS_OK) atomic_fetch_add(&b->failed, 1);
    }
    return NULL;
}

int cmd_batch(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},     {"threads", required_argument, NULL, 't'},
        {"limit", required_argument, NULL, 'n'},  {"offset", required_argument, NULL, 'o'},
        {"by", required_argument, NULL, 'b'},     {"sort", required_argument, NULL, 's'},
        {"lang", required_argument, NULL, 'l'},   {"facets", no_argument, NULL, 'f'},
        {"unbuffered", no_argument, NULL, 'u'},
        {NULL, 0, NULL, 0},
    };
    wts_search_opts so;
    wts_search_opts_init(&so);
    const char *db_flag = NULL;
    const unsigned procs = wts_processors();
    long threads = procs;
    size_t chunk = CHUNK_LINES;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:t:n:o:b:s:l:fu", opts, NULL)) != -1) {
        const char *bad = NULL;
        switch (c) {
        case 'd': db_flag = optarg; break;
        case 't':
            threads = strtol(optarg, NULL, 10);
            if (threads < 1 || threads > 256) bad = "--threads: a number from 1 to 256";
            break;
        case 'f': so.facets = true; break;
        case 'u': chunk = 1; break;
        case 'n': case 'o': case 'b': case 's': case 'l':
            bad = cli_search_option(c, optarg, &so);
            break;
        default: help_batch(stderr); return EXIT_USAGE;
        }
        if (bad) {
            cli_error("%s", bad);
            return EXIT_USAGE;
        }
    }
    if (argc - optind > 1) {
        cli_error("batch: give at most one FILE");
        return EXIT_USAGE;
    }
    FILE *in = stdin;
    const char *name = optind < argc ? argv[optind] : "-";
    if (strcmp(name, "-") != 0 && !(in = fopen(name, "r"))) {
        cli_error("cannot read %s", name);
        return EXIT_USAGE;
    }
    char *db_path = cli_db_path(db_flag);
    worker *ws = wts_xcalloc((size_t)threads, sizeof *ws);
    int rc = EXIT_OK;
    for (long t = 0; t < threads; t++) {
        char *msg = NULL;
        if (wts_index_open(db_path, &ws[t].db, &msg) != WTS_OK) {
            cli_error("%s", msg ? msg : "cannot open the index");
            free(msg);
            rc = EXIT_FAILURE_;
            break;
        }
        /* the processors shared out: a worker alone may match on several */
        wts_xdb_set_match_threads(ws[t].db, threads < (long)procs ? procs / (unsigned)threads : 1);
    }
    batch b = {.db_path = db_path, .defaults = &so};
    b.lines = wts_xcalloc(CHUNK_LINES, sizeof *b.lines);
    b.linenos = wts_xcalloc(CHUNK_LINES, sizeof *b.linenos);
    b.answers = wts_xcalloc(CHUNK_LINES, sizeof *b.answers);
    char *line = NULL;
    size_t cap = 0, lineno = 0, failed = 0;
    bool eof = rc != EXIT_OK;
    while (!eof) {
        b.n = 0;
        ssize_t len;
        while (b.n < chunk && (len = getline(&line, &cap, in)) >= 0) {
            lineno++;
            bool blank = true;
            for (ssize_t k = 0; k < len; k++) blank &= line[k] == ' ' || line[k] == '\t' || line[k] == '\n' || line[k] == '\r';
            if (blank) continue;
            b.linenos[b.n] = lineno;
            b.lines[b.n++] = wts_xstrndup(line, (size_t)len); /* the parser refuses one too long */
        }
        if (b.n < chunk) eof = true;
        atomic_store(&b.next, 0);
        atomic_store(&b.failed, 0);
        long running = threads < (long)b.n ? threads : (long)b.n;
        for (long t = 0; t < running; t++) {
            ws[t].b = &b;
            pthread_create(&ws[t].thread, NULL, work, &ws[t]);
        }
        for (long t = 0; t < running; t++) pthread_join(ws[t].thread, NULL);
        failed += atomic_load(&b.failed);
        for (size_t i = 0; i < b.n; i++) {
            puts(b.answers[i]);
            free(b.answers[i]);
            free(b.lines[i]);
        }
        fflush(stdout);
    }
    free(line);
    free(b.lines);
    free(b.linenos);
    free(b.answers);
    for (long t = 0; t < threads; t++) wts_xdb_close(ws[t].db);
    free(ws);
    free(db_path);
    if (in != stdin) fclose(in);
    if (rc == EXIT_OK && failed) rc = EXIT_PARTIAL;
    return rc;
}
