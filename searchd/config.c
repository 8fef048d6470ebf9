/* config.c: the one table of settings of wtosearchd.
 *
 * Each setting has a name, a type, bounds, a default and a line of help;
 * the same table makes the flags (--max-body-bytes N), reads the config
 * file (lines "max-body-bytes = 1M", '#' comments) and writes --help.
 * Defaults are finite and tight: nothing means "unlimited". */
#include "searchd.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef enum sd_type {
    SD_T_INT,     /* a whole number */
    SD_T_BYTES,   /* a whole number of bytes, optionally with k or M */
    SD_T_SECONDS, /* seconds, decimals allowed, or with "ms" */
    SD_T_STRING
} sd_type;

typedef struct sd_setting {
    const char *name;
    sd_type type;
    double min, max;
    const char *def;  /* read like any value; NULL: computed (see help) */
    size_t offset;    /* of the field in sd_config */
    const char *arg;  /* what the value is, in --help */
    const char *help;
} sd_setting;

#define AT(field) offsetof(sd_config, field)
#define KIB 1024.0
#define MIB (1024.0 * 1024.0)

static const sd_setting settings[] = {
    {"listen", SD_T_STRING, 0, 0, "127.0.0.1:8080", AT(listen), "ADDR:PORT",
     "address and port to listen on; port 0 takes any free port (the line "
     "\"listening on http://ADDR:PORT\" on stdout tells which)"},
    {"db", SD_T_STRING, 0, 0, NULL, AT(db), "DIR",
     "the index (default $WTOSEARCH_DB, else $XDG_DATA_HOME/wtosearch/index, "
     "else ~/.local/share/wtosearch/index); it may appear after the start: 503 until then"},
    {"threads", SD_T_INT, 1, 256, NULL, AT(threads), "N",
     "worker threads running queries, each with its own index handle "
     "(default: one per core)"},
    {"io-threads", SD_T_INT, 1, 64, "2", AT(io_threads), "N",
     "threads reading requests and writing answers"},
    {"max-connections", SD_T_INT, 1, 10000, "256", AT(max_connections), "N",
     "connections open at once; more are refused"},
    {"max-header-bytes", SD_T_BYTES, 8 * KIB, 1 * MIB, "32k", AT(max_header_bytes), "BYTES",
     "request line and headers together (the connection's buffer); beyond: "
     "414 if the request line alone does not fit, else 431"},
    {"max-body-bytes", SD_T_BYTES, 1 * KIB, 64 * MIB, "1M", AT(max_body_bytes), "BYTES",
     "request body (POST /batch); beyond: 413"},
    {"max-batch-lines", SD_T_INT, 1, 100000, "1000", AT(max_batch_lines), "N",
     "queries in one POST /batch; more: 413"},
    {"max-batch-answer-bytes", SD_T_BYTES, 64 * KIB, 1024 * MIB, "64M", AT(max_batch_answer_bytes), "BYTES",
     "answer of one POST /batch, held in memory; lines past it answer "
     "{\"line\": N, \"error\": ...} (status 413)"},
    {"time-limit", SD_T_SECONDS, 0.01, 60, "5", AT(time_limit), "SECONDS",
     "per query; past it the best hits found so far are returned"},
    {"batch-time-limit", SD_T_SECONDS, 0.1, 600, "30", AT(batch_time_limit), "SECONDS",
     "per POST /batch; lines not reached by then answer {\"line\": N, \"error\": ...}"},
    {"request-timeout", SD_T_SECONDS, 0.5, 3600, "10", AT(request_timeout), "SECONDS",
     "to receive a request's line and headers, and again its body, however they "
     "trickle in; slower: 408 and the connection is closed"},
    {"idle-timeout", SD_T_INT, 1, 3600, "10", AT(idle_timeout), "SECONDS",
     "a connection silent that long is closed"},
    {"reload-interval", SD_T_SECONDS, 0.01, 10, "0.2", AT(reload_interval), "SECONDS",
     "at most this often a worker looks, before a query, for a newer "
     "committed revision of the index"},
    {"cache-bytes", SD_T_BYTES, 0, 4096 * MIB, "64M", AT(cache_bytes), "BYTES",
     "memory for the answers of recent searches, kept until the index "
     "changes and given again to the same query; 0 keeps none"},
    {"shutdown-timeout", SD_T_SECONDS, 0.1, 600, "10", AT(shutdown_timeout), "SECONDS",
     "on SIGTERM or SIGINT, time given to requests in flight to finish"},
};
#define NSETTINGS (sizeof settings / sizeof settings[0])

void sd_log(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    wts_buf b = WTS_BUF_INIT;
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    wts_buf_printf(&b, "wtosearchd: %s\n", line);
    /* one write per line: lines of different threads do not mix */
    ssize_t n = write(STDERR_FILENO, b.data, b.len);
    (void)n;
    wts_buf_free(&b);
}

static bool parse_number(const char *s, double *out, const char **rest) {
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v) || isspace((unsigned char)*s)) return false;
    *out = v;
    *rest = end;
    return true;
}

/* The number a value of a numeric setting means, suffixes applied; false
 * when it is none. */
static bool parse_typed(const sd_setting *st, const char *value, double *out) {
    double v;
    const char *rest;
    if (!parse_number(value, &v, &rest)) return false;
    switch (st->type) {
    case SD_T_INT:
        if (*rest || v != floor(v)) return false;
        break;
    case SD_T_BYTES:
        if (v != floor(v)) return false;
        if (strcmp(rest, "k") == 0 || strcmp(rest, "K") == 0 || strcmp(rest, "KiB") == 0) v *= KIB;
        else if (strcmp(rest, "m") == 0 || strcmp(rest, "M") == 0 || strcmp(rest, "MiB") == 0) v *= MIB;
        else if (*rest) return false;
        break;
    case SD_T_SECONDS:
        if (strcmp(rest, "ms") == 0) v /= 1000.0;
        else if (*rest && strcmp(rest, "s") != 0) return false;
        break;
    case SD_T_STRING: return false;
    }
    *out = v;
    return true;
}

/* Reads value into the field of setting st; false with *why (malloc'd),
 * which starts with the setting's name. */
static bool set_value(sd_config *cfg, const sd_setting *st, const char *value, char **why) {
    char *field = (char *)cfg + st->offset;
    wts_buf b = WTS_BUF_INIT;
    if (st->type == SD_T_STRING) {
        struct sockaddr_storage ss;
        char *inner = NULL;
        if (!*value) {
            wts_buf_printf(&b, "%s must not be empty", st->name);
        } else if (strcmp(st->name, "listen") == 0 && !sd_parse_listen(value, &ss, &inner)) {
            wts_buf_printf(&b, "listen: %s", inner);
            free(inner);
        } else {
            char **slot = (char **)(void *)field;
            free(*slot);
            *slot = wts_xstrdup(value);
            return true;
        }
        *why = wts_buf_steal(&b);
        return false;
    }
    static const char *const what[] = {
        [SD_T_INT] = "a whole number",
        [SD_T_BYTES] = "a number of bytes (suffixes: k, M)",
        [SD_T_SECONDS] = "a number of seconds (or of ms)",
    };
    double v = 0;
    if (!parse_typed(st, value, &v)) {
        wts_buf_printf(&b, "%s: '%s' is not %s", st->name, value, what[st->type]);
    } else if (v < st->min || v > st->max) {
        if (st->type == SD_T_SECONDS)
            wts_buf_printf(&b, "%s must be %g..%g seconds, not %s", st->name, st->min, st->max, value);
        else
            wts_buf_printf(&b, "%s must be %.0f..%.0f, not %s", st->name, st->min, st->max, value);
    } else {
        if (st->type == SD_T_SECONDS) *(double *)(void *)field = v;
        else *(long long *)(void *)field = (long long)v;
        return true;
    }
    *why = wts_buf_steal(&b);
    return false;
}

static const sd_setting *find_setting(const char *name, size_t len) {
    for (size_t i = 0; i < NSETTINGS; i++)
        if (strlen(settings[i].name) == len && strncmp(settings[i].name, name, len) == 0)
            return &settings[i];
    return NULL;
}

static void set_defaults(sd_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < NSETTINGS; i++) {
        if (!settings[i].def) continue;
        char *why = NULL;
        if (!set_value(cfg, &settings[i], settings[i].def, &why)) {
            /* a bad default is a bug of this table, caught by any run */
            sd_log("bad default: %s", why);
            abort();
        }
    }
    cfg->db = wts_default_index_path();
    const unsigned cores = wts_processors();
    cfg->threads = cores > 256 ? 256 : cores;
}

static char *trim(char *s) {
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    return s;
}

/* Reads the config file; false after printing "FILE:LINE: problem". */
static bool load_file(sd_config *cfg, const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) {
        sd_log("%s: %s", path, strerror(errno));
        return false;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned lineno = 0;
    bool ok = true;
    while (ok && (n = getline(&line, &cap, f)) != -1) {
        lineno++;
        if ((size_t)n != strlen(line)) {
            sd_log("%s:%u: a NUL byte in the line", path, lineno);
            ok = false;
            break;
        }
        /* a comment: '#' at the start or after white space */
        for (char *p = line; *p; p++)
            if (*p == '#' && (p == line || isspace((unsigned char)p[-1]))) {
                *p = '\0';
                break;
            }
        char *s = trim(line);
        if (!*s) continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            sd_log("%s:%u: expected 'name = value', got '%s'", path, lineno, s);
            ok = false;
            break;
        }
        *eq = '\0';
        char *name = trim(s), *value = trim(eq + 1);
        const sd_setting *st = find_setting(name, strlen(name));
        if (!st) {
            sd_log("%s:%u: unknown setting '%s' (wtosearchd --help lists them)", path, lineno, name);
            ok = false;
            break;
        }
        char *why = NULL;
        if (!set_value(cfg, st, value, &why)) {
            sd_log("%s:%u: %s", path, lineno, why);
            free(why);
            ok = false;
        }
    }
    if (ok && ferror(f)) {
        sd_log("%s: %s", path, strerror(errno));
        ok = false;
    }
    free(line);
    fclose(f);
    return ok;
}

void sd_config_help(FILE *out) {
    fputs("usage: wtosearchd [--config FILE] [--SETTING VALUE]...\n\n"
          "Answers searches of a wtosearch index over HTTP/1.1, in JSON (the schema of\n"
          "`wtosearch search --json`):\n\n"
          "  GET  /search?q=QUERY&limit=&offset=&by=document|paragraph\n"
          "              &sort=relevance|newest|oldest&facets=1&lang=en|fr|es\n"
          "  GET  /doc/SYMBOL-OR-PATH   one document whole (as `wtosearch show --json`)\n"
          "  POST /batch                JSON Lines in, one answer line per line out\n"
          "  GET  /health, GET /stats\n\n"
          "Settings, as flags or as lines `name = value` of the --config file (flags\n"
          "win; '#' starts a comment):\n\n",
          out);
    for (size_t i = 0; i < NSETTINGS; i++) {
        const sd_setting *st = &settings[i];
        char flag[64];
        snprintf(flag, sizeof flag, "--%s %s", st->name, st->arg);
        if (strlen(flag) > 28) fprintf(out, "  %s\n%31s", flag, "");
        else fprintf(out, "  %-28s ", flag);
        /* the help, folded at 78 columns */
        const char *h = st->help;
        size_t col = 31;
        while (*h) {
            size_t w = strcspn(h, " ");
            if (col > 31 && col + 1 + w > 78) {
                fputs("\n                               ", out);
                col = 31;
            } else if (col > 31) {
                fputc(' ', out);
                col++;
            }
            fwrite(h, 1, w, out);
            col += w;
            h += w;
            while (*h == ' ') h++;
        }
        if (st->type == SD_T_STRING) {
            if (st->def) fprintf(out, "\n                               default %s", st->def);
        } else {
            fprintf(out, st->type == SD_T_SECONDS ? "\n                               %g..%g" : "\n                               %.0f..%.0f",
                    st->min, st->max);
            if (st->def) fprintf(out, ", default %s", st->def);
        }
        fputc('\n', out);
    }
    fprintf(out,
            "\n  --config FILE                settings from FILE, before the flags\n"
            "  --help, --version\n\n"
            "Fixed limits of the query language (400 with the parser's message):\n"
            "%d bytes per query, %d words and filters, brackets %d deep, %d words per\n"
            "wildcard.  `limit` is at most 1000, `offset` at most 1000000.\n\n"
            "Errors are JSON {\"error\": \"...\", \"status\": N}: 400 bad parameter or\n"
            "query, 404 no such path or document, 405 wrong method, 408 request too\n"
            "slow, 413 body or batch too large, 503 index not available or stopping;\n"
            "414/431 (request line/headers too large) come from libmicrohttpd, in HTML.\n"
            "SIGTERM or SIGINT: stop accepting, finish the requests in flight, exit 0.\n"
            "See wtosearchd(8).\n",
            WTS_QUERY_MAX_BYTES, WTS_QUERY_MAX_CLAUSES, WTS_QUERY_MAX_DEPTH, WTS_QUERY_MAX_WILDCARD);
}

bool sd_config_load(int argc, char **argv, sd_config *cfg, int *exit_code) {
    set_defaults(cfg);
    *exit_code = SD_EXIT_USAGE;
    /* getopt's table, made from the settings table */
    enum { OPT_CONFIG = 1, OPT_HELP, OPT_VERSION, OPT_SETTING = 256 };
    struct option opts[NSETTINGS + 4];
    for (size_t i = 0; i < NSETTINGS; i++)
        opts[i] = (struct option){settings[i].name, required_argument, NULL, OPT_SETTING + (int)i};
    opts[NSETTINGS] = (struct option){"config", required_argument, NULL, OPT_CONFIG};
    opts[NSETTINGS + 1] = (struct option){"help", no_argument, NULL, OPT_HELP};
    opts[NSETTINGS + 2] = (struct option){"version", no_argument, NULL, OPT_VERSION};
    opts[NSETTINGS + 3] = (struct option){NULL, 0, NULL, 0};

    /* flags are applied after the file: remember them first */
    struct {
        const sd_setting *st;
        const char *value;
    } *given = wts_xcalloc((size_t)argc + 1, sizeof *given);
    size_t ngiven = 0;
    const char *config = NULL;
    bool ok = true;
    int c;
    optind = 1;
    opterr = 0;
    while (ok && (c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c >= OPT_SETTING) {
            given[ngiven].st = &settings[c - OPT_SETTING];
            given[ngiven++].value = optarg;
        } else if (c == OPT_CONFIG) {
            config = optarg;
        } else if (c == OPT_HELP || c == 'h') {
            sd_config_help(stdout);
            *exit_code = SD_EXIT_OK;
            ok = false;
        } else if (c == OPT_VERSION) {
            printf("wtosearchd %s\n", WTS_VERSION);
            *exit_code = SD_EXIT_OK;
            ok = false;
        } else if (c == ':') {
            sd_log("%s needs a value (wtosearchd --help)", argv[optind - 1]);
            ok = false;
        } else {
            sd_log("unknown option '%s' (wtosearchd --help)", argv[optind - 1]);
            ok = false;
        }
    }
    if (ok && optind < argc) {
        sd_log("unexpected argument '%s' (wtosearchd --help)", argv[optind]);
        ok = false;
    }
    if (ok && config) ok = load_file(cfg, config);
    for (size_t i = 0; ok && i < ngiven; i++) {
        char *why = NULL;
        if (!set_value(cfg, given[i].st, given[i].value, &why)) {
            sd_log("--%s", why);
            free(why);
            ok = false;
        }
    }
    free(given);
    if (!ok) sd_config_free(cfg);
    return ok;
}

void sd_config_free(sd_config *cfg) {
    if (!cfg) return;
    free(cfg->listen);
    free(cfg->db);
    cfg->listen = cfg->db = NULL;
}
