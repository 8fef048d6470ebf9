/* test_gazetteer.c: members and topics under all their names. */
#include <ctype.h>
#include "check.h"
#include "wts.h"

static const char *member(const char *name) {
    const char *id = NULL;
    if (wts_gaz_resolve(WTS_GAZ_MEMBERS, name, strlen(name), &id, NULL) != WTS_OK) return "(none)";
    return id;
}

static int collect(void *ud, const char *id, size_t start, size_t end) {
    wts_buf *b = ud;
    if (b->len) wts_buf_addc(b, ' ');
    wts_buf_adds(b, id);
    return 0;
}

static char *found(wts_gaz g, const char *text) {
    wts_buf b = WTS_BUF_INIT;
    wts_gaz_find(g, text, strlen(text), collect, &b);
    return wts_buf_steal(&b);
}

int main(void) {
    CHECK_INT_EQ(wts_gaz_count(WTS_GAZ_MEMBERS), 166);
    CHECK(wts_gaz_count(WTS_GAZ_TOPICS) >= 20);
    static const struct {
        const char *name, *id;
    } names[] = {
        {"Mexico", "mex"}, {"Mexique", "mex"}, {"México", "mex"}, {"mexico", "mex"},
        {"Türkiye", "tur"}, {"Turkey", "tur"}, {"Turquie", "tur"}, {"Turquía", "tur"},
        {"Korea, Republic of", "kor"}, {"Republic of Korea", "kor"},
        {"Hong Kong, China", "hkg"}, {"Chinese Taipei", "twn"},
        {"Separate Customs Territory of Taiwan, Penghu, Kinmen and Matsu", "twn"},
        {"Lao PDR", "lao"}, {"Lao People's Democratic Republic", "lao"},
        {"Côte d'Ivoire", "civ"}, {"Côte d’Ivoire", "civ"}, {"Cote d'Ivoire", "civ"},
        {"Viet Nam", "vnm"}, {"Vietnam", "vnm"},
        {"European Union", "eu"}, {"EU", "eu"}, {"European Communities", "eu"},
        {"Union européenne", "eu"}, {"Estados Unidos", "usa"}, {"États-Unis", "usa"},
        {"Atlantis", "(none)"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) CHECK_STR_EQ(member(names[i].name), names[i].id);
    char *suggest = NULL;
    const char *id = NULL;
    CHECK_INT_EQ(wts_gaz_resolve(WTS_GAZ_MEMBERS, "Mexco", 5, &id, &suggest), WTS_ERR_NOT_FOUND);
    CHECK(id == NULL);
    CHECK(suggest && strstr(suggest, "Mexico"));
    free(suggest);

    /* names in running text: longest first, capitals-only forms only in capitals */
    char *f = found(WTS_GAZ_MEMBERS, "Hong Kong, China and China joined; the EU, Côte d’Ivoire and "
                                     "the United States of America spoke. Let us see.");
    CHECK_STR_EQ(f, "hkg chn eu civ usa");
    free(f);
    /* names sharing their first word: each one whole, the longest first */
    f = found(WTS_GAZ_MEMBERS, "Saint Lucia, Guinea-Bissau and Guinea; Saint Vincent and the Grenadines and "
                               "St. Kitts and Nevis; Papua New Guinea.");
    CHECK_STR_EQ(f, "lca gnb gin vct kna png");
    free(f);
    f = found(WTS_GAZ_MEMBERS, "We can pay per shipment.");
    CHECK_STR_EQ(f, ""); /* ids ("can", "per") are not names */
    free(f);
    CHECK_STR_EQ(member("can"), "can"); /* but they work as filter values */
    f = found(WTS_GAZ_MEMBERS, "La Turquie et le Mexique ont présenté; México y Türkiye también.");
    CHECK_STR_EQ(f, "tur mex mex tur");
    free(f);

    const char *tid = NULL;
    CHECK_INT_EQ(wts_gaz_resolve(WTS_GAZ_TOPICS, "finance", 7, &tid, NULL), WTS_OK);
    CHECK_STR_EQ(tid, "finance");
    /* every id is a filter value, as written in the tables (with its
     * hyphens) and in capitals */
    for (wts_gaz g = WTS_GAZ_MEMBERS; g <= WTS_GAZ_TOPICS; g++) {
        CHECK(wts_gaz_count(g) > 0);
        for (size_t i = 0; i < wts_gaz_count(g); i++) {
            const char *want = wts_gaz_id(g, i);
            char upper[64];
            size_t n = strlen(want);
            CHECK(n < sizeof upper);
            for (size_t k = 0; k <= n && k < sizeof upper; k++) upper[k] = (char)toupper((unsigned char)want[k]);
            tid = NULL;
            CHECK_INT_EQ(wts_gaz_resolve(g, want, n, &tid, NULL), WTS_OK);
            CHECK_STR_EQ(tid ? tid : "(none)", want);
            tid = NULL;
            CHECK_INT_EQ(wts_gaz_resolve(g, upper, n, &tid, NULL), WTS_OK);
            CHECK_STR_EQ(tid ? tid : "(none)", want);
        }
    }
    f = found(WTS_GAZ_TOPICS, "Work on cyber readiness and low-value shipments continued.");
    CHECK(strstr(f, "cyber") != NULL);
    CHECK(strstr(f, "lvs") != NULL);
    free(f);
    f = found(WTS_GAZ_TOPICS, "Los envíos de bajo valor y la ciberseguridad de las mipymes.");
    CHECK(strstr(f, "lvs") != NULL);
    CHECK(strstr(f, "cyber") != NULL);
    free(f);
    CHECK_DONE();
}
