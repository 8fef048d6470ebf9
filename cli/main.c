/* main.c: `wtosearch COMMAND ...`: the command table and what the
 * commands share. */
#include "cli.h"
#include "wts_indexer.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const cli_command commands[] = {
    {"index", "add files and directories to the index", cmd_index, help_index},
    {"search", "search the index", cmd_search, help_search},
    {"check", "check an index: its tables, and records against paragraphs", cmd_check, help_check},
    {"batch", "run one query per line, answer one JSON line each", cmd_batch, help_batch},
    {"show", "print one document: paragraphs, citations in and out", cmd_show, help_show},
    {"help", "explain a command, or the query language (help query)", cmd_help, help_help},
};

const cli_command *cli_commands(size_t *n) {
    *n = sizeof commands / sizeof commands[0];
    return commands;
}

const cli_command *cli_find(const char *name) {
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

void cli_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("wtosearch: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

char *cli_db_path(const char *flag) {
    return flag && *flag ? wts_xstrdup(flag) : wts_default_index_path();
}

int cli_make_parents(const char *path) {
    char *p = wts_xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            int e = errno;
            free(p);
            errno = e;
            return -1;
        }
        *s = '/';
    }
    free(p);
    return 0;
}

static void usage(FILE *out) {
    fputs("usage: wtosearch COMMAND [OPTIONS] [ARGS]\n\n"
          "Full-text search over WTO documents, paragraph by paragraph.\n\ncommands:\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs("\n`wtosearch help COMMAND` or `wtosearch COMMAND --help` tells more;\n"
          "`wtosearch help query` describes the query language.\n"
          "The index lives in $WTOSEARCH_DB, else ~/.local/share/wtosearch/index;\n"
          "--db DIR chooses another.\n",
          out);
}

int cmd_help(int argc, char **argv) {
    if (argc < 2) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "query") == 0) {
        wts_query_help(stdout);
        return EXIT_OK;
    }
    const cli_command *c = cli_find(argv[1]);
    if (!c) {
        cli_error("no command '%s'; try: wtosearch help", argv[1]);
        return EXIT_USAGE;
    }
    c->help(stdout);
    return EXIT_OK;
}

void help_help(FILE *out) {
    fputs("usage: wtosearch help [COMMAND | query]\n\n"
          "Without argument, lists the commands.  With a command, explains it.\n"
          "`wtosearch help query` describes the query language and its fields.\n",
          out);
}

#ifdef WTS_INDEX_PROGRAM_PATH
extern char **environ;

/* Whether exe starts and answers --version: once exec'd, a program whose
 * libraries cannot be loaded (mimalloc missing) could not come back
 * here to index.  Costs a few milliseconds. */
static bool program_starts(const char *exe) {
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0) return false;
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    char *args[] = {(char *)exe, (char *)"--version", NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, exe, &fa, NULL, args, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return false;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* `index` runs in wtosearch-index: this same program, linked with
 * mimalloc.  Writing an index allocates and frees small objects by the
 * million (Xapian's maps of postings and positions, our terms), which
 * mimalloc serves faster than glibc; queries are faster with glibc's.
 * Without that program, or when it cannot be started, indexing runs
 * here. */
static void run_index_program(char **argv) {
    char *exe = wts_helper_program("wtosearch-index", WTS_INDEX_PROGRAM_PATH);
    if (!exe) return;
    if (program_starts(exe)) execv(exe, argv);
    free(exe);
}
#endif

int main(int argc, char **argv) {
    /* a reader gone (a closed pipe, an extractor that died) is an error to
     * report, not a reason to die */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("wtosearch %s (index schema %s)\n", WTS_VERSION, WTS_SCHEMA_VERSION);
        return EXIT_OK;
    }
    const cli_command *c = cli_find(argv[1]);
    if (!c) {
        cli_error("unknown command '%s'", argv[1]);
        usage(stderr);
        return EXIT_USAGE;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            c->help(stdout);
            return EXIT_OK;
        }
    }
#ifdef WTS_INDEX_PROGRAM_PATH
    if (c->run == cmd_index) run_index_program(argv);
#endif
    return c->run(argc - 1, argv + 1);
}
