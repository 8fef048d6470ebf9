/* wts_xapian_testing.h: a hook for the wrapper's own tests, not for use
 * elsewhere.  Some failures (out of memory, an index modified under a reader
 * at just the wrong moment) cannot be provoked reliably from outside, so the
 * hook throws each exception kind inside the same guard every entry point
 * uses and returns the status that guard maps it to. */
#ifndef WTS_XAPIAN_TESTING_H
#define WTS_XAPIAN_TESTING_H

#include "wts_xapian.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum wts_xtest_throw {
    WTS_XTEST_LOCK,
    WTS_XTEST_MODIFIED,
    WTS_XTEST_NOT_FOUND_DB,
    WTS_XTEST_OPENING,
    WTS_XTEST_VERSION,
    WTS_XTEST_CORRUPT,
    WTS_XTEST_DB_ERROR,
    WTS_XTEST_QUERY_PARSER,
    WTS_XTEST_WILDCARD,
    WTS_XTEST_UNIMPLEMENTED,
    WTS_XTEST_INVALID_ARG,
    WTS_XTEST_DOC_NOT_FOUND,
    WTS_XTEST_OTHER_XAPIAN,
    WTS_XTEST_BAD_ALLOC,
    WTS_XTEST_STD,
    WTS_XTEST_UNKNOWN
} wts_xtest_throw;

/* Throws an exception of the given kind and maps it; *errmsg (malloc'd,
 * may be NULL) receives the message. */
wts_status wts_xapian_test_map(wts_xtest_throw kind, char **errmsg);

/* Matches run on more than one thread since the program started. */
unsigned long wts_xapian_test_parallel_matches(void);
/* Sets the postings from which a match is worth several threads (small
 * test indexes lie far below the real figure); returns the one before. */
double wts_xapian_test_set_parallel_min_postings(double postings);

#ifdef __cplusplus
}
#endif
#endif
