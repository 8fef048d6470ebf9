/* cmd_index.c: `wtosearch index [--db DIR] [--manifest FILE] PATH...` */
#include "cli.h"
#include "wts_indexer.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void help_index(FILE *out) {
    fputs("usage: wtosearch index [--db DIR] [--manifest FILE] [--shards N]\n"
          "                      [--termlists] PATH...\n\n"
          "Adds files to the index: plain text (UTF-8, UTF-16 with BOM, Windows-1252),\n"
          "Markdown, HTML, PDF (through pdftotext) and DOCX, each also gzip-compressed\n"
          "(.gz).  Directories are read recursively (hidden entries skipped).  A file\n"
          "indexed again replaces its earlier paragraphs; an unchanged file is not\n"
          "re-read (size, time, then content); files gone from an indexed directory\n"
          "leave the index.  PDF, DOCX and HTML are read by a child process limited\n"
          "to 30 s and 1 GiB: a file that breaks it is skipped.  On a terminal a\n"
          "progress bar shows files, MB/s and time left.\n\n"
          "  --db DIR         the index (default $WTOSEARCH_DB, else\n"
          "                   ~/.local/share/wtosearch/index); created if absent\n"
          "  --manifest FILE  per-file metadata for every PATH, instead of each\n"
          "                   directory's own MANIFEST.tsv\n"
          "  --commit-every N commit every N files (default 500; also every 32 MiB of\n"
          "                   text and 20,000 paragraphs): a crash loses at most that\n"
          "  --run-files N    a new shard is written in runs of N files (default\n"
          "                   20000), merged when it is compacted: a commit then\n"
          "                   rewrites one run, not the whole shard; smaller runs\n"
          "                   make a larger index.  A crash before the merge keeps\n"
          "                   the first run; the next run indexes the rest.  0: one\n"
          "                   database throughout\n"
          "  --shards N       shards of a new index, written side by side, one\n"
          "                   process each (default: one per processor, at most 64)\n"
          "  --compact        compact every shard this run changed\n"
          "  --no-compact     compact none (default: those a tenth or more new)\n"
          "  --termlists      a new index keeps a list of terms per document: a\n"
          "                   quarter larger, and a file changed or gone leaves it\n"
          "                   at once.  Without (the default, --no-termlists), its\n"
          "                   old document is hidden, and a shard hiding more than\n"
          "                   a quarter of its documents is indexed again from its\n"
          "                   files\n\n"
          "MANIFEST.tsv: tab-separated, a header line naming the columns path, symbol,\n"
          "date, lang, title; paths relative to the manifest; an empty field means\n"
          "unknown.  What it says wins over what the document's header says.\n\n"
          "Files that cannot be read (binary, empty, undecodable, broken, encrypted,\n"
          "unreadable, larger than 64 MiB, a symbolic link loop)\n"
          "are skipped with one line each on stderr and listed in the summary.\n\n"
          "exit status: 0 all indexed, 1 some files skipped, 2 usage error,\n"
          "3 the index could not be opened or written (nothing committed is lost).\n",
          out);
}

int cmd_index(int argc, char **argv) {
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"manifest", required_argument, NULL, 'm'},
        {"commit-every", required_argument, NULL, 'c'},
        {"run-files", required_argument, NULL, 'r'},
        {"shards", required_argument, NULL, 's'},
        {"compact", no_argument, NULL, 'C'},
        {"no-compact", no_argument, NULL, 'N'},
        {"termlists", no_argument, NULL, 't'},
        {"no-termlists", no_argument, NULL, 'T'},
        {NULL, 0, NULL, 0},
    };
    const char *db_flag = NULL, *manifest = NULL;
    long commit_every = 0, shards = 0, run_files = -1; /* -1: not given */
    int compact = 0;
    int termlists = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:m:c:r:s:CNtT", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db_flag = optarg; break;
        case 'm': manifest = optarg; break;
        case 'c':
            commit_every = strtol(optarg, NULL, 10);
            if (commit_every < 1 || commit_every > 1000000) {
                cli_error("--commit-every: a number of files from 1 to 1000000");
                return EXIT_USAGE;
            }
            break;
        case 'r': {
            char *end = NULL;
            errno = 0;
            run_files = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || run_files < 0 || run_files > 10000000) {
                cli_error("--run-files: a number of files from 0 to 10000000");
                return EXIT_USAGE;
            }
            break;
        }
        case 's':
            shards = strtol(optarg, NULL, 10);
            if (shards < 1 || shards > 64) {
                cli_error("--shards: a number from 1 to 64");
                return EXIT_USAGE;
            }
            break;
        case 'C': compact = 1; break;
        case 'N': compact = -1; break;
        case 't': termlists = 1; break;
        case 'T': termlists = -1; break;
        default: help_index(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_error("index: no PATH given");
        help_index(stderr);
        return EXIT_USAGE;
    }
    char *db = cli_db_path(db_flag);
    if (cli_make_parents(db) != 0) {
        cli_error("cannot create the directory of %s: %s", db, strerror(errno));
        free(db);
        return EXIT_FAILURE_;
    }
    wts_index_job job = {.db_path = db,
                         .manifest = manifest,
                         .paths = argv + optind,
                         .npaths = (size_t)(argc - optind),
                         .commit_every = (uint32_t)commit_every,
                         .run_files = run_files < 0 ? 0 : run_files == 0 ? WTS_RUN_FILES_NONE : (uint32_t)run_files,
                         .shards = (uint32_t)shards,
                         .compact = compact,
                         .progress = isatty(STDERR_FILENO) != 0,
                         .report = stderr,
                         .termlists = termlists};
    wts_index_stats stats;
    wts_strlist sk = {NULL, 0};
    char *msg = NULL;
    wts_status st = wts_index_run(&job, &stats, &sk, &msg);
    wts_buf skipped = WTS_BUF_INIT;
    for (size_t i = 0; i < sk.n; i++) wts_buf_printf(&skipped, "  skipped %s\n", sk.v[i]);
    wts_strlist_free(&sk);
    printf("indexed %u document%s (%u paragraph%s) into %s; %u unchanged, %u skipped",
           stats.files_indexed, stats.files_indexed == 1 ? "" : "s", stats.paragraphs,
           stats.paragraphs == 1 ? "" : "s", db, stats.files_unchanged, stats.files_skipped);
    if (stats.files_removed) printf(", %u removed (gone from disk)", stats.files_removed);
    if (stats.shards_compacted)
        printf("; %u of %u shard%s compacted", stats.shards_compacted, stats.shards, stats.shards == 1 ? "" : "s");
    if (stats.shards_compacted && stats.runs) printf(", written in %u runs", stats.runs);
    if (stats.shards_compacted && stats.run_merges)
        printf(" (%u merge%s on the way)", stats.run_merges, stats.run_merges == 1 ? "" : "s");
    putchar('\n');
    if (skipped.len) fputs(skipped.data, stdout);
    wts_buf_free(&skipped);
    int rc = stats.files_skipped ? EXIT_PARTIAL : EXIT_OK;
    if (st != WTS_OK) {
        cli_error("indexing stopped: %s (%s); what was committed before is kept",
                  msg && *msg ? msg : wts_status_name(st), db);
        rc = EXIT_FAILURE_;
    }
    free(msg);
    free(db);
    return rc;
}
