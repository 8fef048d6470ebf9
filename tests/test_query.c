/* test_query.c: the query language: what parses into what, and the errors. */
#include "check.h"
#include "wts.h"

static char *describe(const char *q, wts_lang lang) {
    wts_query *p = NULL;
    char *msg = NULL;
    wts_status st = wts_query_parse(q, lang, &p, &msg);
    if (st != WTS_OK) {
        fprintf(stderr, "parse of '%s' failed: %s\n", q, msg ? msg : "?");
        free(msg);
        return wts_xstrdup("(error)");
    }
    char *d = wts_query_describe(p);
    wts_query_free(p);
    return d;
}

/* The error message of q, or NULL when it parses. */
static char *error_of(const char *q, wts_status *st_out) {
    wts_query *p = NULL;
    char *msg = NULL;
    wts_status st = wts_query_parse(q, WTS_LANG_UNKNOWN, &p, &msg);
    if (st_out) *st_out = st;
    if (st == WTS_OK) {
        wts_query_free(p);
        return NULL;
    }
    CHECK(p == NULL);
    return msg;
}

#define CHECK_HAS(hay, needle)                                                          \
    do {                                                                                \
        char *h_ = (hay);                                                               \
        if (h_ && strstr(h_, needle)) {                                                 \
            check_passed++;                                                             \
        } else {                                                                        \
            check_failed++;                                                             \
            fprintf(stderr, "%s:%d: \"%s\" not in \"%s\"\n", __FILE__, __LINE__, needle, \
                    h_ ? h_ : "(null)");                                                \
        }                                                                               \
        free(h_);                                                                       \
    } while (0)

int main(void) {
    /* words: exact form and stems, folded */
    CHECK_HAS(describe("Échanges", WTS_LANG_FR), "Zechang SYNONYM echang");
    /* the three languages stem it alike: the stem finds every paragraph
     * the folded form would, which is left out */
    CHECK_HAS(describe("Échanges", WTS_LANG_FR), "Query((Zechang SYNONYM echang))");
    CHECK_HAS(describe("running", WTS_LANG_EN), "Zrun");
    /* the index has no stem term for a word that is its own stem ("trade"):
     * the stem comes with its plain form */
    CHECK_HAS(describe("trading", WTS_LANG_EN), "Ztrade SYNONYM trade SYNONYM trading");
    CHECK_HAS(describe("\"cyber readiness\"", WTS_LANG_UNKNOWN), "PHRASE 2");
    CHECK_HAS(describe("e-commerce", WTS_LANG_UNKNOWN), "PHRASE");
    /* an elided article or a possessive is left out of a plain word: the
     * word is stemmed and an acronym expanded */
    CHECK_HAS(describe("l'OMC", WTS_LANG_FR), "Query(((Zomc SYNONYM omc) OR XAomc))");
    CHECK_HAS(describe("d\u2019approvisionnement", WTS_LANG_FR), "Zapprovision");
    CHECK_HAS(describe("jusqu'au", WTS_LANG_FR), "au");
    CHECK_HAS(describe("women's", WTS_LANG_EN), "Query((Zwomen SYNONYM women))");
    CHECK_HAS(describe("Kenya\u2019s exports", WTS_LANG_EN), "(Zkenya SYNONYM kenya) OR");
    /* not in a quoted phrase, not other words an apostrophe joins, not
     * other separators */
    CHECK_HAS(describe("\"women's rights\"", WTS_LANG_EN), "women@1 PHRASE 3 s@2 PHRASE 3 rights@3");
    CHECK_HAS(describe("aujourd'hui", WTS_LANG_FR), "aujourd@1 PHRASE 2 hui@2");
    CHECK_HAS(describe("o'brien", WTS_LANG_EN), "o@1 PHRASE 2 brien@2");
    CHECK_HAS(describe("l-omc", WTS_LANG_FR), "l@1 PHRASE 2 omc@2");
    CHECK_HAS(describe("trade-s", WTS_LANG_EN), "trade@1 PHRASE 2 s@2");
    CHECK_HAS(describe("econom*", WTS_LANG_UNKNOWN), "WILDCARD");
    /* fields from the shared table */
    CHECK_HAS(describe("symbol:inf/msme/r/35", WTS_LANG_UNKNOWN), "XSINF/MSME/R/35");
    CHECK_HAS(describe("symbol:INF/MSME/4", WTS_LANG_UNKNOWN), "XFINF/MSME/4");
    CHECK_HAS(describe("symbol:INF/MSME/W/*", WTS_LANG_UNKNOWN), "XRINF/MSME/W");
    CHECK_HAS(describe("cites:WT/MIN(17)/58/Rev.1", WTS_LANG_UNKNOWN), "XCWT/MIN(17)/58/Rev.1");
    CHECK_HAS(describe("(cites:WT/MIN(17)/58 OR trade)", WTS_LANG_UNKNOWN), "XCWT/MIN(17)/58");
    CHECK_HAS(describe("INF/MSME/W/51", WTS_LANG_UNKNOWN), "XCINF/MSME/W/51");
    CHECK_HAS(describe("member:Mexique", WTS_LANG_UNKNOWN), "XMmex");
    CHECK_HAS(describe("member:\"Hong Kong, China\"", WTS_LANG_UNKNOWN), "XMhkg");
    CHECK_HAS(describe("topic:finance trade", WTS_LANG_UNKNOWN), "XTfinance");
    CHECK_HAS(describe("lang:fr", WTS_LANG_UNKNOWN), "Lfr");
    CHECK_HAS(describe("type:r", WTS_LANG_UNKNOWN), "XYR");
    CHECK_HAS(describe("date:2022", WTS_LANG_UNKNOWN), "20220101");
    CHECK_HAS(describe("date:2022-01-01..2022-06-30", WTS_LANG_UNKNOWN), "20220630");
    CHECK_HAS(describe("mentions:2022-04", WTS_LANG_UNKNOWN), "XD202204");
    CHECK_HAS(describe("title:report", WTS_LANG_UNKNOWN), "Sreport");
    CHECK_HAS(describe("trade NOT finance", WTS_LANG_UNKNOWN), "AND_NOT");
    CHECK_HAS(describe("trade -finance", WTS_LANG_UNKNOWN), "AND_NOT");
    CHECK_HAS(describe("trade AND finance", WTS_LANG_UNKNOWN), "AND");
    CHECK_HAS(describe("trade OR finance", WTS_LANG_UNKNOWN), "OR");
    CHECK_HAS(describe("NOT finance", WTS_LANG_UNKNOWN), "AND_NOT");
    /* The boosts of words typed together (nearness, title, heading, the
     * form typed) are scored after the match, not asked of the index. */
    char *plain = describe("cyber readiness", WTS_LANG_EN);
    CHECK(plain && !strstr(plain, "NEAR") && !strstr(plain, "Scyber") && !strstr(plain, "XHcyber") &&
          !strstr(plain, "AND_MAYBE"));
    free(plain);
    /* one posting list fewer: with every language's stem, not the folded form */
    plain = describe("trade", WTS_LANG_UNKNOWN);
    CHECK(plain && strstr(plain, "Ztrade") && !strstr(plain, "(trade ") && !strstr(plain, " trade)"));
    free(plain);

    /* errors: a message with the column, the right status, never a crash */
    static const struct {
        const char *q;
        wts_status st;
        const char *says;
    } bad[] = {
        {"", WTS_ERR_PARSE, "empty"},
        {"   ", WTS_ERR_PARSE, "empty"},
        {"(trade", WTS_ERR_PARSE, "unbalanced '('"},
        {"trade)", WTS_ERR_PARSE, "unbalanced ')'"},
        {"\"cyber readiness", WTS_ERR_PARSE, "unbalanced '\"'"},
        {"foo:bar", WTS_ERR_PARSE, "unknown field 'foo:'"},
        {"member:Mexco", WTS_ERR_PARSE, "Mexico"},
        {"topic:nonsense", WTS_ERR_PARSE, "unknown topic"},
        {"lang:de", WTS_ERR_PARSE, "unknown language"},
        {"date:2022-02-31", WTS_ERR_PARSE, "not a valid date"},
        {"date:2023..2022", WTS_ERR_PARSE, "ends before it starts"},
        {"symbol:hello", WTS_ERR_PARSE, "not a document symbol"},
        {"trade AND", WTS_ERR_PARSE, "column"},
        {"OR trade", WTS_ERR_PARSE, "column"},
        {"a*", WTS_ERR_PARSE, "two letters"},
        {"\xff\xfe", WTS_ERR_PARSE, "UTF-8"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        wts_status st;
        char *msg = error_of(bad[i].q, &st);
        CHECK_INT_EQ(st, bad[i].st);
        CHECK_HAS(msg, bad[i].says);
    }
    /* limits */
    wts_buf big = WTS_BUF_INIT;
    for (int i = 0; i < 20000; i++) wts_buf_adds(&big, "trade ");
    wts_status st;
    CHECK_HAS(error_of(big.data, &st), "longer than");
    CHECK_INT_EQ(st, WTS_ERR_LIMIT);
    wts_buf_reset(&big);
    for (int i = 0; i < 10000 && big.len < 4000; i++) wts_buf_printf(&big, "w%d OR ", i);
    wts_buf_adds(&big, "end");
    CHECK_HAS(error_of(big.data, &st), "more than");
    CHECK_INT_EQ(st, WTS_ERR_LIMIT);
    wts_buf_reset(&big);
    for (int i = 0; i < 100; i++) wts_buf_addc(&big, '(');
    wts_buf_adds(&big, "x");
    for (int i = 0; i < 100; i++) wts_buf_addc(&big, ')');
    CHECK_HAS(error_of(big.data, &st), "nested deeper");
    wts_buf_free(&big);
    CHECK_DONE();
}
