/* test_segment.c: documents into paragraphs, on the real files and the
 * project's samples.  argv[1]: the real corpus; argv[2]: the samples. */
#include "check.h"
#include "wts_indexer.h"

#include <dirent.h>

static char *slurp(const char *dir, const char *name, size_t *len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return NULL;
    }
    wts_buf b = WTS_BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) wts_buf_add(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return wts_buf_steal(&b);
}

static wts_document *parse(const char *dir, const char *name) {
    size_t len = 0;
    char *text = slurp(dir, name, &len);
    if (!text) return NULL;
    wts_document *doc = NULL;
    size_t nl = strlen(name);
    wts_source_format fmt = nl > 3 && strcmp(name + nl - 3, ".md") == 0 ? WTS_SRC_MARKDOWN : WTS_SRC_TEXT;
    wts_status st = wts_document_parse(text, len, fmt, NULL, &doc);
    free(text);
    return st == WTS_OK ? doc : NULL;
}

static const wts_para *para(const wts_document *d, const char *label, wts_para_kind kind) {
    for (size_t i = 0; d && i < d->nparas; i++)
        if (strcmp(d->paras[i].label, label) == 0 && d->paras[i].kind == kind) return &d->paras[i];
    return NULL;
}

static bool has(const wts_para *p, const char *needle) { return p && strstr(p->text, needle) != NULL; }

/* The title read from the header of text (plain text), or "(none)". */
static char *title_of(const char *text) {
    wts_document *doc = NULL;
    if (wts_document_parse(text, strlen(text), WTS_SRC_TEXT, NULL, &doc) != WTS_OK) return wts_xstrdup("(error)");
    char *t = wts_xstrdup(doc->title ? doc->title : "(none)");
    wts_document_free(doc);
    return t;
}

#define CHECK_TITLE(text, want)                                                          \
    do {                                                                                 \
        char *t_ = title_of(text);                                                       \
        if (strcmp(t_, want) == 0) {                                                     \
            check_passed++;                                                              \
        } else {                                                                         \
            check_failed++;                                                              \
            fprintf(stderr, "%s:%d: title \"%s\", want \"%s\"\n", __FILE__, __LINE__, t_, want); \
        }                                                                                \
        free(t_);                                                                        \
    } while (0)

/* The line naming the body that issued a document is no part of its
 * title, in any of the three languages; a title line that starts like a
 * body's name after the first title line stays. */
static void check_header_titles(void) {
    CHECK_TITLE("INF/MSME/P/1\n23 January 2026\nOriginal: English\n\n"
                "INFORMAL WORKING GROUP ON MICRO, SMALL AND MEDIUM-SIZED ENTERPRISES\n\n"
                "RULES OF ORIGIN\nSUBMISSION BY BENIN\n\n1.  Members discussed rules of origin at length.\n",
                "RULES OF ORIGIN - SUBMISSION BY BENIN");
    CHECK_TITLE("INF/MSME/W/1\n1er décembre 2022\nOriginal : français\n\n"
                "GROUPE DE TRAVAIL INFORMEL SUR LES MICRO, PETITES ET MOYENNES ENTREPRISES\n\n"
                "COMMUNICATION DU NÉPAL\n\n1.  Les membres ont examiné la question.\n",
                "COMMUNICATION DU NÉPAL");
    CHECK_TITLE("INF/MSME/R/3\n5 de mayo de 2023\nOriginal: inglés\n\n"
                "GRUPO DE TRABAJO INFORMAL SOBRE LAS MICROEMPRESAS Y LAS PEQUEÑAS Y MEDIANAS EMPRESAS\n\n"
                "INFORME ANUAL\n\n1.  Los miembros examinaron el informe.\n",
                "INFORME ANUAL");
    CHECK_TITLE("WT/COMTD/W/1\n3 March 2021\n\nCOMMITTEE ON TRADE AND DEVELOPMENT\n\n"
                "NOTE ON THE WORK OF THE\nCOMMITTEE ON TRADE AND DEVELOPMENT\n\n1.  The note follows.\n",
                "NOTE ON THE WORK OF THE - COMMITTEE ON TRADE AND DEVELOPMENT");
    CHECK_TITLE("INF/MSME/W/9\n3 March 2021\n\nANNUAL REPORT\n\n1.  The report follows.\n", "ANNUAL REPORT");
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: test_segment REAL_CORPUS SAMPLE_CORPUS\n");
        return 2;
    }
    const char *real = argv[1], *sample = argv[2];
    check_header_titles();

    /* The 2022 report: PDF text with page breaks and spliced footnotes. */
    wts_document *r22 = parse(real, "msme-annual-report-2022.pdf.txt");
    CHECK(r22 != NULL);
    static const char *const labels[] = {"1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6",
                                         "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "4.1", "4.2", "4.3",
                                         "4.4", "4.5", "4.6", "4.7", "4.8", "5.1"};
    size_t body = 0;
    for (size_t i = 0; r22 && i < r22->nparas; i++) body += r22->paras[i].kind == WTS_PARA_BODY;
    CHECK_INT_EQ(body, sizeof labels / sizeof labels[0]);
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) CHECK(para(r22, labels[i], WTS_PARA_BODY) != NULL);
    const wts_para *p22 = para(r22, "2.2", WTS_PARA_BODY);
    CHECK(has(p22, "Canada also suggested upgrading the MSME TPR database launched last year"));
    CHECK(has(p22, "available in document INF/MSME/R/31"));
    CHECK(!has(p22, "Previous Annual Reports"));
    CHECK(!has(p22, "Afghanistan"));
    CHECK(has(para(r22, "fn1", WTS_PARA_FOOTNOTE), "Previous Annual Reports include JOB/GC/207"));
    CHECK(has(para(r22, "fn2", WTS_PARA_FOOTNOTE), "Uruguay and Viet Nam"));
    CHECK(has(para(r22, "2.5", WTS_PARA_BODY), "Trade Logistics Information Pipeline"));
    CHECK(has(para(r22, "2", WTS_PARA_HEADING), "DURING 2022"));
    CHECK(para(r22, "3.5", WTS_PARA_HEADING) != NULL); /* "3.5  Annex 6" after a page top */
    CHECK(r22 && r22->title && strstr(r22->title, "2022 ANNUAL REPORT"));
    /* annotations of ¶2.2, ¶2.3 and ¶3.6 */
    CHECK(p22 && wts_strlist_has(&p22->members, "mex"));
    CHECK(p22 && wts_strlist_has(&p22->members, "can"));
    CHECK(p22 && wts_strlist_has(&p22->members, "civ"));
    CHECK(p22 && wts_strlist_has(&p22->cites, "INF/MSME/CN/15"));
    CHECK(p22 && wts_strlist_has(&p22->acting, "can")); /* "Canada also suggested" */
    CHECK(p22 && wts_strlist_has(&p22->acting, "civ")); /* "Côte d'Ivoire invited" */
    const wts_para *p23 = para(r22, "2.3", WTS_PARA_BODY);
    CHECK(p23 && wts_strlist_has(&p23->dates, "2022-04-07"));
    CHECK(p23 && wts_strlist_has(&p23->cites, "INF/MSME/W/6/Rev.3"));
    CHECK(p23 && wts_strlist_has(&p23->acting, "mex")); /* "Mexico, as the coordinator ..., noted" */
    CHECK(p23 && !wts_strlist_has(&p23->members, "per")); /* "as per Annex 2" names no member */
    const wts_para *p36 = para(r22, "3.6", WTS_PARA_BODY);
    CHECK(p36 && wts_strlist_has(&p36->members, "civ"));
    CHECK(p36 && wts_strlist_has(&p36->topics, "lei"));
    const wts_para *f1 = para(r22, "fn1", WTS_PARA_FOOTNOTE);
    CHECK(f1 && wts_strlist_has(&f1->cites, "INF/MSME/R/13/Rev.1"));
    CHECK(f1 && wts_strlist_has(&f1->cites, "JOB/GC/207"));
    const wts_para *f2 = para(r22, "fn2", WTS_PARA_FOOTNOTE);
    CHECK(f2 && f2->members.n > 60);
    CHECK(f2 && f2->acting.n == 0); /* the list of the Group's members: all enumerated */
    wts_document_free(r22);

    /* The 2024 report: Markdown with footnote blocks between rules. */
    wts_document *r24 = parse(real, "msme-annual-report-2024.md");
    CHECK(r24 != NULL);
    const wts_para *q23 = para(r24, "2.3", WTS_PARA_BODY);
    CHECK(has(q23, "support MSMEs in developing economies and to streamline"));
    CHECK(has(q23, "La Mandala"));
    CHECK(has(q23, "(INF/MSME/W/51)"));
    CHECK(has(para(r24, "fn3", WTS_PARA_FOOTNOTE), "Annex 1: Recommendation"));
    const wts_para *q13 = para(r24, "1.3", WTS_PARA_BODY);
    CHECK(has(q13, "(WT/MIN(24)/9)"));
    CHECK(q13 && wts_strlist_has(&q13->cites, "INF/MSME/W/47/Rev.2"));
    CHECK(q13 && wts_strlist_has(&q13->cites, "INF/TGE/W/7/Rev.3"));
    for (size_t i = 0; r24 && i < r24->nparas; i++) {
        const char *t = r24->paras[i].text;
        CHECK(!strstr(t, "<sup>") && !strstr(t, "](#)") && !strstr(t, "**") && !strstr(t, "\\("));
    }
    CHECK(para(r24, "3.1", WTS_PARA_HEADING) != NULL); /* "#### 3.1 Annex 1" */
    wts_document_free(r24);

    /* Unnumbered text gets ordinal labels; hyphenated words are re-joined. */
    wts_document *nl = parse(real, "msme-newsletter-summer-2022.pdf.txt");
    CHECK(nl && nl->nparas > 10);
    bool ordinal = false, joined = false, broken = false;
    for (size_t i = 0; nl && i < nl->nparas; i++) {
        ordinal |= nl->paras[i].label[0] == 'p';
        joined |= strstr(nl->paras[i].text, "interest in the WTO MSME Informal Working Group") != NULL;
        broken |= strstr(nl->paras[i].text, "in- terest") != NULL || strstr(nl->paras[i].text, "in-terest") != NULL;
    }
    CHECK(ordinal);
    CHECK(joined);
    CHECK(!broken);
    wts_document_free(nl);

    /* Every sample: header symbol and date, paragraphs, its language; and
     * the language of each of its paragraphs of 20 words or more, told on
     * its own (the goal: 99% right). */
    size_t lang_total = 0, lang_right = 0;
    DIR *d = opendir(sample);
    CHECK(d != NULL);
    size_t samples = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        const char *n = e->d_name;
        size_t l = strlen(n);
        if (l < 7 || !(strcmp(n + l - 4, ".txt") == 0 || strcmp(n + l - 3, ".md") == 0)) continue;
        samples++;
        wts_document *doc = parse(sample, n);
        CHECK(doc != NULL);
        if (!doc) continue;
        const char *dot = strstr(n, ".en.") ? "en" : strstr(n, ".fr.") ? "fr" : strstr(n, ".es.") ? "es" : "?";
        if (doc->symbols.n == 0 || doc->date.year < 2023 || doc->nparas < 5 ||
            strcmp(wts_lang_code(doc->lang), dot) != 0)
            fprintf(stderr, "sample %s: %zu symbols, year %d, %zu paragraphs, lang %s\n", n,
                    doc->symbols.n, doc->date.year, doc->nparas, wts_lang_code(doc->lang));
        CHECK(doc->symbols.n >= 1);
        CHECK(doc->date.year >= 2023);
        CHECK(doc->nparas >= 5);
        CHECK_STR_EQ(wts_lang_code(doc->lang), dot);
        for (size_t i = 0; i < doc->nparas; i++) {
            const char *t = doc->paras[i].text;
            size_t words = 1;
            for (const char *c = t; *c; c++) words += *c == ' ';
            if (words < 20) continue;
            lang_total++;
            wts_lang told = wts_lang_detect(t, strlen(t));
            if (strcmp(wts_lang_code(told), dot) == 0) lang_right++;
            else fprintf(stderr, "language of %s ¶%s: got '%s', want %s\n", n, doc->paras[i].label, wts_lang_code(told), dot);
        }
        wts_document_free(doc);
    }
    if (d) closedir(d);
    CHECK(samples >= 12);
    printf("language of paragraphs of 20+ words: %zu of %zu right\n", lang_right, lang_total);
    CHECK(lang_total >= 100);
    CHECK(lang_right * 100 >= lang_total * 99);
    CHECK_DONE();
}
