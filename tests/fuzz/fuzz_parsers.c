/* fuzz_parsers.c: symbols, dates, file names and the member/topic finder
 * on arbitrary bytes.  Nothing may crash, hang or leak, and what they
 * accept must be well formed. */
#include "wts.h"

#include <stdlib.h>
#include <string.h>

static int on_symbol(void *ud, const char *canon, size_t start, size_t end) {
    size_t len = *(size_t *)ud;
    if (start >= end || end > len || strlen(canon) >= WTS_MAX_SYMBOL) abort();
    return 0;
}

static int on_date(void *ud, const wts_date *d, size_t start, size_t end) {
    if (!wts_date_valid(d) || start >= end || end > *(size_t *)ud) abort();
    return 0;
}

static int on_name(void *ud, const char *id, size_t start, size_t end) {
    if (!id || start >= end || end > *(size_t *)ud) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    char canon[WTS_MAX_SYMBOL], again[WTS_MAX_SYMBOL];
    if (wts_symbol_canon(s, size, canon, sizeof canon) == WTS_OK) {
        /* a canonical form is its own canonical form */
        if (wts_symbol_canon(canon, strlen(canon), again, sizeof again) != WTS_OK || strcmp(canon, again) != 0)
            abort();
        char fam[WTS_MAX_SYMBOL], type[16];
        wts_symbol_family(canon, fam, sizeof fam);
        wts_symbol_type(canon, type, sizeof type);
    }
    wts_lang l;
    (void)wts_symbol_from_filename(s, canon, sizeof canon, &l);
    wts_date d;
    if (wts_date_parse(s, size, &d) == WTS_OK && !wts_date_valid(&d)) abort();
    size_t bad = wts_utf8_invalid_at(s, size);
    if (bad == size) { /* the finders take valid UTF-8, as the indexer gives them */
        wts_symbols_find(s, size, on_symbol, &size);
        wts_dates_find(s, size, on_date, &size);
        wts_gaz_find(WTS_GAZ_MEMBERS, s, size, on_name, &size);
        wts_gaz_find(WTS_GAZ_ACRONYMS, s, size, on_name, &size);
        (void)wts_lang_detect(s, size);
    }
    free(s);
    return 0;
}
