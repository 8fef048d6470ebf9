/* cli.h: what the subcommands of `wtosearch` share.  One file per
 * subcommand; main.c holds the command table. */
#ifndef WTS_CLI_H
#define WTS_CLI_H

#include "wts.h"

/* Exit statuses, the same for every subcommand (README, "Exit status"). */
enum {
    EXIT_OK = 0,
    EXIT_PARTIAL = 1, /* search: no match; index: some files skipped */
    EXIT_USAGE = 2,   /* bad arguments or a malformed query */
    EXIT_FAILURE_ = 3 /* the index could not be opened, read or written */
};

typedef struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
    void (*help)(FILE *out);
} cli_command;

int cmd_index(int argc, char **argv);
void help_index(FILE *out);
int cmd_search(int argc, char **argv);
void help_search(FILE *out);
/* Reads one of the options search and batch share (limit 'n', offset 'o',
 * by 'b', sort 's', lang 'l') into so; returns a message when arg is bad. */
const char *cli_search_option(int opt, const char *arg, wts_search_opts *so);
int cmd_batch(int argc, char **argv);
void help_batch(FILE *out);
int cmd_check(int argc, char **argv);
void help_check(FILE *out);
int cmd_show(int argc, char **argv);
void help_show(FILE *out);
int cmd_help(int argc, char **argv);
void help_help(FILE *out);

const cli_command *cli_commands(size_t *n);
const cli_command *cli_find(const char *name);

/* The index location: --db, else $WTOSEARCH_DB, else
 * $XDG_DATA_HOME/wtosearch/index, else ~/.local/share/wtosearch/index.
 * Returns a malloc'd path. */
char *cli_db_path(const char *flag);
/* Creates the parent directories of path (for a new index). */
int cli_make_parents(const char *path);
/* Prints "wtosearch: " + message to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
