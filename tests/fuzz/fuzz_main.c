/* fuzz_main.c: runs a fuzz target without libFuzzer, so that every fuzz
 * target is also a plain test: the seed files given as arguments, then a
 * fixed number of inputs made from them by random edits (a fixed seed, so
 * a failure can be replayed).  With -Dfuzzing=true the same targets are
 * linked with libFuzzer instead and this file is left out. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MUTATIONS 4000
#define MAX_INPUT 4096

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Bytes that matter to the parsers: separators, brackets, quotes, digits,
 * UTF-8 lead and continuation bytes. */
static const char interesting[] = "/\\()[]\"':.-*;, \n\t0123456789ANDORNOT\xc3\xa9\xe2\x80\x99\xff\x00";

/* The input being run, saved to ./fuzz-crash-input if the target dies,
 * so the failure can be replayed: fuzz_X fuzz-crash-input. */
static const uint8_t *current;
static size_t current_size;

static void save_input(int sig) {
    int fd = open("fuzz-crash-input", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        if (write(fd, current, current_size) < 0) { /* nothing more to do in a handler */
        }
        close(fd);
    }
    static const char msg[] = "fuzz: the failing input is in ./fuzz-crash-input\n";
    if (write(2, msg, sizeof msg - 1) < 0) {
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void run(const uint8_t *data, size_t size) {
    current = data;
    current_size = size;
    LLVMFuzzerTestOneInput(data, size);
}

int main(int argc, char **argv) {
    signal(SIGABRT, save_input);
    signal(SIGSEGV, save_input);
    uint8_t *seeds[64];
    size_t sizes[64], n = 0;
    for (int i = 1; i < argc && n < 64; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "fuzz: cannot open %s\n", argv[i]);
            return 2;
        }
        seeds[n] = malloc(MAX_INPUT);
        sizes[n] = fread(seeds[n], 1, MAX_INPUT, f);
        fclose(f);
        run(seeds[n], sizes[n]);
        n++;
    }
    uint8_t buf[MAX_INPUT];
    for (int m = 0; m < MUTATIONS; m++) {
        size_t len = 0;
        if (n) {
            size_t s = next() % n;
            len = sizes[s];
            memcpy(buf, seeds[s], len);
        }
        int edits = 1 + (int)(next() % 8);
        for (int e = 0; e < edits; e++) {
            size_t at = len ? next() % (len + 1) : 0;
            switch (next() % 4) {
            case 0: /* overwrite */
                if (len) buf[next() % len] = (uint8_t)next();
                break;
            case 1: /* insert an interesting byte */
                if (len < MAX_INPUT) {
                    memmove(buf + at + 1, buf + at, len - at);
                    buf[at] = (uint8_t)interesting[next() % (sizeof interesting - 1)];
                    len++;
                }
                break;
            case 2: /* delete */
                if (len && at < len) {
                    memmove(buf + at, buf + at + 1, len - at - 1);
                    len--;
                }
                break;
            default: /* duplicate a slice */
                if (len && len * 2 < MAX_INPUT) {
                    size_t from = next() % len, cnt = 1 + next() % (len - from);
                    uint8_t slice[MAX_INPUT];
                    memcpy(slice, buf + from, cnt);
                    memmove(buf + at + cnt, buf + at, len - at);
                    memcpy(buf + at, slice, cnt);
                    len += cnt;
                }
                break;
            }
        }
        run(buf, len);
    }
    for (size_t i = 0; i < n; i++) free(seeds[i]);
    printf("%zu seeds and %d mutations: 1 passed, 0 failed\n", n, MUTATIONS);
    return 0;
}
