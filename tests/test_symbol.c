/* test_symbol.c: WTO document symbols, canonical forms and finding them. */
#include "check.h"
#include "wts.h"

typedef struct found {
    wts_buf b;
} found;

static int collect(void *ud, const char *canon, size_t start, size_t end) {
    found *f = ud;
    if (f->b.len) wts_buf_addc(&f->b, ' ');
    wts_buf_adds(&f->b, canon);
    return 0;
}

static char *find_all(const char *text) {
    found f = {WTS_BUF_INIT};
    wts_symbols_find(text, strlen(text), collect, &f);
    return wts_buf_steal(&f.b);
}

int main(void) {
    static const struct {
        const char *in, *want;
    } canon[] = {
        {"INF/MSME/R/35", "INF/MSME/R/35"},
        {"inf/msme/w/54", "INF/MSME/W/54"},
        {"WT/MIN(17)/58/Rev.1", "WT/MIN(17)/58/Rev.1"},
        {"WT/MIN\\(24\\)/9", "WT/MIN(24)/9"},
        {"wt/min(22)/33.", "WT/MIN(22)/33"},
        {"(INF/MSME/W/6/Rev.3)", "INF/MSME/W/6/Rev.3"},
        {"INF/MSME/4/rev 2", "INF/MSME/4/Rev.2"},
        {"G/TBT/GEN/386", "G/TBT/GEN/386"},
        {"JOB/GC/207;", "JOB/GC/207"},
        {"INF/MSME/W/35/Corr.1", "INF/MSME/W/35/Corr.1"},
        {"G/SPS/N/EU/12/Add.1/Corr.2", "G/SPS/N/EU/12/Add.1/Corr.2"},
        {" INF/ MSME /R/35 ", "INF/MSME/R/35"}, /* spaces around slashes, as typed */
        {"inf / msme / w / 54", "INF/MSME/W/54"},
        {"INF/MSME/P", "INF/MSME/P"},
    };
    for (size_t i = 0; i < sizeof canon / sizeof canon[0]; i++) {
        char out[WTS_MAX_SYMBOL];
        wts_status st = wts_symbol_canon(canon[i].in, strlen(canon[i].in), out, sizeof out);
        if (canon[i].want) {
            CHECK_INT_EQ(st, WTS_OK);
            CHECK_STR_EQ(out, canon[i].want);
        } else {
            CHECK(st != WTS_OK || strcmp(out, "INF/MSME/R/35") == 0);
        }
    }
    static const char *const not_symbols[] = {"and/or", "", "INF", "MSME/R/35", "hello world",
                                              "INF//R/35", "WT/MIN(17/58"};
    for (size_t i = 0; i < sizeof not_symbols / sizeof not_symbols[0]; i++) {
        char out[WTS_MAX_SYMBOL];
        wts_status st = wts_symbol_canon(not_symbols[i], strlen(not_symbols[i]), out, sizeof out);
        if (strcmp(not_symbols[i], "WT/MIN(17/58") == 0)
            CHECK(st != WTS_OK || strcmp(out, "WT/MIN(17)/58") != 0);
        else
            CHECK_INT_EQ(st, WTS_ERR_PARSE);
    }

    char fam[WTS_MAX_SYMBOL], type[16];
    wts_symbol_family("INF/MSME/4/Rev.2", fam, sizeof fam);
    CHECK_STR_EQ(fam, "INF/MSME/4");
    wts_symbol_family("WT/MIN(17)/58/Rev.1", fam, sizeof fam);
    CHECK_STR_EQ(fam, "WT/MIN(17)/58");
    wts_symbol_family("INF/MSME/W/35/Corr.1", fam, sizeof fam);
    CHECK_STR_EQ(fam, "INF/MSME/W/35");
    wts_symbol_type("INF/MSME/R/35", type, sizeof type);
    CHECK_STR_EQ(type, "R");
    wts_symbol_type("INF/MSME/CN/26/Rev.2", type, sizeof type);
    CHECK_STR_EQ(type, "CN");
    wts_symbol_type("INF/MSME/P/3", type, sizeof type);
    CHECK_STR_EQ(type, "P");
    wts_symbol_type("INF/MSME/4/Rev.2", type, sizeof type);
    CHECK_STR_EQ(type, "");

    /* in running text: citations, joint symbols, escapes, a series is no document */
    char *s = find_all("established the Group (WT/MIN(17)/58/Rev.1). See INF/MSME/W/58-INF/TGE/COM/11 "
                       "and [INF/MSME/W/46/Rev.3](#); [INF/TGE/W/7/Rev.3](#), WT/MIN\\(24\\)/9. "
                       "A new document symbol (INF/MSME/P) was created.");
    CHECK_STR_EQ(s, "WT/MIN(17)/58/Rev.1 INF/MSME/W/58 INF/TGE/COM/11 INF/MSME/W/46/Rev.3 "
                    "INF/TGE/W/7/Rev.3 WT/MIN(24)/9");
    free(s);
    /* a symbol broken over lines, as in extracted PDF text */
    s = find_all("Declarations (INF/MSME/4/\n\nRev.2), two databases");
    CHECK_STR_EQ(s, "INF/MSME/4/Rev.2");
    free(s);
    /* file-name URLs and lower case words are not citations */
    s = find_all("filename=q:/INF/MSME/4R2.pdf and/or s/he");
    CHECK_STR_EQ(s, "");
    free(s);
    /* docs.wto.org file names: rules plus a table, on real examples */
    static const struct {
        const char *name, *want;
        wts_lang lang;
    } files[] = {
        {"q:/INF/MSME/4R2.pdf", "INF/MSME/4/Rev.2", WTS_LANG_EN},
        {"r:/INF/MSME/4R2.pdf", "INF/MSME/4/Rev.2", WTS_LANG_FR},
        {"s:/INF/MSME/4R2.pdf", "INF/MSME/4/Rev.2", WTS_LANG_ES},
        {"q:/INF/MSME/P1.pdf", "INF/MSME/P/1", WTS_LANG_EN},
        {"q:/WT/MIN17/58R1.pdf", "WT/MIN(17)/58/Rev.1", WTS_LANG_EN},
        {"WT/MIN22/33.pdf", "WT/MIN(22)/33", WTS_LANG_UNKNOWN},
        {"q:/INF/MSME/W35C1.pdf", "INF/MSME/W/35/Corr.1", WTS_LANG_EN},
        {"INF_MSME_R35.pdf", "INF/MSME/R/35", WTS_LANG_UNKNOWN},
        {"q:/G/TBT/GEN386.pdf", "G/TBT/GEN/386", WTS_LANG_EN},
        {"q:/JOB/GC/207.pdf", "JOB/GC/207", WTS_LANG_EN},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char out[WTS_MAX_SYMBOL];
        wts_lang l = WTS_LANG_UNKNOWN;
        CHECK_INT_EQ(wts_symbol_from_filename(files[i].name, out, sizeof out, &l), WTS_OK);
        CHECK_STR_EQ(out, files[i].want);
        CHECK_INT_EQ(l, files[i].lang);
    }
    static const char *const not_files[] = {"report.pdf", "x:/INF/MSME/4R2.pdf", "q:/INF/MSME/draft.pdf",
                                            "msme-annual-report-2022.pdf.txt", "INF_MSME_4Z2.pdf"};
    for (size_t i = 0; i < sizeof not_files / sizeof not_files[0]; i++) {
        char out[WTS_MAX_SYMBOL];
        CHECK_INT_EQ(wts_symbol_from_filename(not_files[i], out, sizeof out, NULL), WTS_ERR_PARSE);
    }
    CHECK_DONE();
}
