/* check.h: the assertions of the C test programs.
 *
 * Each CHECK prints the file, line and the failing expression (with both
 * values for the _EQ forms) and counts a failure; a test program ends with
 * CHECK_DONE(), which prints "N passed, M failed" and exits non-zero if
 * anything failed. */
#ifndef WTS_CHECK_H
#define WTS_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (cond) {                                                                      \
            check_passed++;                                                              \
        } else {                                                                         \
            check_failed++;                                                              \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);     \
        }                                                                                \
    } while (0)

#define CHECK_STR_EQ(got, want)                                                          \
    do {                                                                                 \
        const char *got_ = (got), *want_ = (want);                                       \
        if (got_ && want_ && strcmp(got_, want_) == 0) {                                 \
            check_passed++;                                                              \
        } else {                                                                         \
            check_failed++;                                                              \
            fprintf(stderr, "%s:%d: %s: got \"%s\", want \"%s\"\n", __FILE__, __LINE__,  \
                    #got, got_ ? got_ : "(null)", want_ ? want_ : "(null)");             \
        }                                                                                \
    } while (0)

#define CHECK_INT_EQ(got, want)                                                          \
    do {                                                                                 \
        long long got_ = (long long)(got), want_ = (long long)(want);                    \
        if (got_ == want_) {                                                             \
            check_passed++;                                                              \
        } else {                                                                         \
            check_failed++;                                                              \
            fprintf(stderr, "%s:%d: %s: got %lld, want %lld\n", __FILE__, __LINE__, #got, \
                    got_, want_);                                                        \
        }                                                                                \
    } while (0)

#define CHECK_DONE()                                                                     \
    do {                                                                                 \
        printf("%d passed, %d failed\n", check_passed, check_failed);                    \
        return check_failed ? 1 : 0;                                                     \
    } while (0)

#endif
