/* test_date.c: dates in three languages, whole strings and in running text. */
#include "check.h"
#include "wts.h"

static char *iso(const char *s) {
    wts_date d;
    if (wts_date_parse(s, strlen(s), &d) != WTS_OK) return NULL;
    char *out = malloc(16);
    wts_date_iso(&d, out, 16);
    return out;
}

static int collect(void *ud, const wts_date *d, size_t start, size_t end) {
    wts_buf *b = ud;
    char s[16];
    wts_date_iso(d, s, sizeof s);
    if (b->len) wts_buf_addc(b, ' ');
    wts_buf_adds(b, s);
    return 0;
}

int main(void) {
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"2022-04-07", "2022-04-07"},      {"2022-04", "2022-04"},
        {"2022", "2022"},                  {"7 April 2022", "2022-04-07"},
        {"April 2022", "2022-04"},         {"April 7, 2022", "2022-04-07"},
        {"7 avril 2022", "2022-04-07"},    {"1er juillet 2024", "2024-07-01"},
        {"13 février 2026", "2026-02-13"}, {"18 de octubre de 2024", "2024-10-18"},
        {"1º de enero de 2025", "2025-01-01"}, {"29 February 2024", "2024-02-29"},
        {"  15 March 2023. ", "2023-03-15"},
        {"31 February 2022", NULL},        {"29 February 2023", NULL},
        {"2022-13-01", NULL},              {"2022-02-30", NULL},
        {"32 May 2022", NULL},             {"Smarch 2022", NULL},
        {"", NULL},                        {"7 April", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = iso(cases[i].in);
        if (cases[i].want) {
            CHECK_STR_EQ(got, cases[i].want);
        } else if (got) {
            fprintf(stderr, "'%s' should not parse, got %s\n", cases[i].in, got);
            CHECK(got == NULL);
        } else {
            CHECK(got == NULL);
        }
        free(got);
    }
    wts_buf b = WTS_BUF_INIT;
    const char *text = "The MSME Group held its second meeting on 7 April 2022 and met again in "
                       "May 2022; le 1er juillet 2024 et el 18 de octubre de 2024. It may help.";
    wts_dates_find(text, strlen(text), collect, &b);
    CHECK_STR_EQ(b.data, "2022-04-07 2022-05 2024-07-01 2024-10-18");
    wts_buf_free(&b);
    CHECK_DONE();
}
