/* test_text.c: folding, the tokenizer, UTF-8 checks, language detection. */
#include "check.h"
#include "wts.h"

static char *fold(const char *s) {
    wts_buf b = WTS_BUF_INIT;
    wts_fold(s, strlen(s), &b);
    return wts_buf_steal(&b);
}

typedef struct joined {
    wts_buf b;
    size_t n;
} joined;

static int join_tokens(void *ud, const wts_token *t) {
    joined *j = ud;
    if (j->b.len) wts_buf_addc(&j->b, '|');
    wts_buf_add(&j->b, t->folded, t->folded_len);
    j->n++;
    return 0;
}

static char *tokens(const char *s) {
    joined j = {WTS_BUF_INIT, 0};
    wts_tokenize(s, strlen(s), join_tokens, &j);
    return wts_buf_steal(&j.b);
}

typedef struct span_check {
    const char *text;
    int ok;
} span_check;

static int spans_match(void *ud, const wts_token *t) {
    span_check *c = ud;
    /* the span of the original text folds to the token */
    char *f = NULL;
    wts_buf b = WTS_BUF_INIT;
    wts_fold(c->text + t->start, t->end - t->start, &b);
    f = wts_buf_steal(&b);
    if (strncmp(f, t->folded, t->folded_len) != 0) c->ok = 0;
    free(f);
    return 0;
}

/* A callback that tokenizes another text while a replay runs. */
typedef struct nested {
    wts_buf outer, inner;
} nested;

static int inner_token(void *ud, const wts_token *t) {
    nested *n = ud;
    wts_buf_add(&n->inner, t->folded, t->folded_len);
    wts_buf_addc(&n->inner, '|');
    return 0;
}

static int outer_token(void *ud, const wts_token *t) {
    nested *n = ud;
    wts_buf_add(&n->outer, t->folded, t->folded_len);
    wts_buf_addc(&n->outer, '|');
    wts_tokenize("Zéro un", 8, inner_token, n);
    return 0;
}

static int stop_at_second(void *ud, const wts_token *t) {
    joined *j = ud;
    join_tokens(j, t);
    return j->n == 2;
}

/* The tokenizer keeps each thread's last text: a text tokenized again is a
 * replay, known by its bytes. */
static void test_token_memo(void) {
    char buf[64] = "Trade finance for MSMEs, 2.3 per cent";
    char *a = tokens(buf), *b = tokens(buf);
    CHECK_STR_EQ(a, "trade|finance|for|msmes|2.3|per|cent");
    CHECK_STR_EQ(b, a);
    free(a);
    free(b);
    /* the same address and length, other bytes: never the old words */
    memcpy(buf, "Cyber", 5);
    a = tokens(buf);
    CHECK_STR_EQ(a, "cyber|finance|for|msmes|2.3|per|cent");
    free(a);
    /* positions and spans replayed as they were */
    span_check sc = {buf, 1};
    wts_tokenize(buf, strlen(buf), spans_match, &sc);
    wts_tokenize(buf, strlen(buf), spans_match, &sc);
    CHECK(sc.ok);
    /* a callback may stop a replay, and the next one is whole */
    joined j = {WTS_BUF_INIT, 0};
    wts_tokenize(buf, strlen(buf), stop_at_second, &j);
    CHECK_STR_EQ(j.b.data, "cyber|finance");
    wts_buf_free(&j.b);
    a = tokens(buf);
    CHECK_STR_EQ(a, "cyber|finance|for|msmes|2.3|per|cent");
    free(a);
    /* a callback that tokenizes: both texts whole, the outer one kept */
    nested n = {WTS_BUF_INIT, WTS_BUF_INIT};
    wts_tokenize(buf, 13, outer_token, &n);
    CHECK_STR_EQ(n.outer.data, "cyber|finance|");
    CHECK_STR_EQ(n.inner.data, "zero|un|zero|un|");
    wts_buf_free(&n.outer);
    wts_buf_free(&n.inner);
}

int main(void) {
    test_token_memo();
    static const struct {
        const char *in, *want;
    } folds[] = {
        {"Échanges", "echanges"}, {"Türkiye", "turkiye"},     {"Côte d’Ivoire", "cote d'ivoire"},
        {"ŒUVRE", "oeuvre"},      {"Straße", "strasse"},       {"México", "mexico"},
        {"niño", "nino"},         {"PYME", "pyme"},            {"Ærø", "aero"},
    };
    for (size_t i = 0; i < sizeof folds / sizeof folds[0]; i++) {
        char *f = fold(folds[i].in);
        CHECK_STR_EQ(f, folds[i].want);
        free(f);
    }
    /* decomposed input folds like composed input */
    char *a = fold("e\xcc\x81" "changes"), *b = fold("\xc3\xa9" "changes");
    CHECK_STR_EQ(a, b);
    free(a);
    free(b);

    static const struct {
        const char *in, *want;
    } toks[] = {
        {"Côte d'Ivoire", "cote|d|ivoire"},
        {"Côte d’Ivoire", "cote|d|ivoire"},
        {"e-commerce, ¶2.3 and 1,000 MSMEs.", "e|commerce|2.3|and|1,000|msmes"},
        {"Trade4MSMEs (INF/MSME/W/51)", "trade4msmes|inf|msme|w|51"},
        {"  ", ""},
        {"l'échange des PME", "l|echange|des|pme"},
        {"2022. Next", "2022|next"},
    };
    for (size_t i = 0; i < sizeof toks / sizeof toks[0]; i++) {
        char *t = tokens(toks[i].in);
        CHECK_STR_EQ(t, toks[i].want);
        free(t);
    }
    span_check sc = {"Réunion du 7 avril, Côte d’Ivoire & Türkiye", 1};
    wts_tokenize(sc.text, strlen(sc.text), spans_match, &sc);
    CHECK(sc.ok);

    /* a word longer than the limit is cut on a character boundary */
    char longword[300];
    for (int i = 0; i < 149; i++) memcpy(longword + 2 * i, "\xc3\xa9", 2);
    longword[298] = '\0';
    char *lt = tokens(longword);
    CHECK(strlen(lt) <= WTS_MAX_WORD_BYTES);
    CHECK(wts_utf8_invalid_at(lt, strlen(lt)) == strlen(lt));
    free(lt);

    CHECK_INT_EQ(wts_utf8_invalid_at("abc", 3), 3);
    CHECK_INT_EQ(wts_utf8_invalid_at("ab\xff" "c", 4), 2);
    CHECK_INT_EQ(wts_utf8_invalid_at("\xc3", 1), 0);

    /* languages */
    const char *en = "The Group held its second meeting of the year and the members "
                     "discussed the work programme with the Secretariat.";
    CHECK_INT_EQ(wts_lang_detect(en, strlen(en)), WTS_LANG_EN);
    const char *fr = "Le Groupe a tenu sa deuxième réunion de l'année et les membres ont examiné le "
                     "programme de travail avec le Secrétariat.";
    CHECK_INT_EQ(wts_lang_detect(fr, strlen(fr)), WTS_LANG_FR);
    const char *es = "El Grupo celebró su segunda reunión del año y los miembros examinaron el "
                     "programa de trabajo con la Secretaría.";
    CHECK_INT_EQ(wts_lang_detect(es, strlen(es)), WTS_LANG_ES);
    CHECK_INT_EQ(wts_lang_detect("MSME", 4), WTS_LANG_UNKNOWN);
    /* votes over collected words add up as over the whole text */
    wts_lang_votes v = {0, 0, 0, 0};
    const char *const parts[] = {en, fr, es, en};
    for (size_t i = 0; i < 4; i++) {
        wts_words w;
        wts_words_collect(parts[i], strlen(parts[i]), &w);
        wts_lang_count(&w, &v);
        wts_words_free(&w);
    }
    CHECK(v.en > v.fr && v.fr > 0 && v.es > 0 && v.words > v.en + v.fr + v.es);
    CHECK_INT_EQ(wts_lang_decide(&v), WTS_LANG_EN);
    wts_lang_votes one = {1, 1, 0, 0}, tied = {6, 2, 2, 0};
    CHECK_INT_EQ(wts_lang_decide(&one), WTS_LANG_UNKNOWN);
    CHECK_INT_EQ(wts_lang_decide(&tied), WTS_LANG_UNKNOWN);
    /* function words, of one language or of any */
    CHECK(wts_is_stopword("the", 3, WTS_LANG_EN) && !wts_is_stopword("the", 3, WTS_LANG_FR));
    CHECK(wts_is_stopword("que", 3, WTS_LANG_FR) && wts_is_stopword("que", 3, WTS_LANG_ES));
    CHECK(wts_is_stopword("how", 3, WTS_LANG_ES)); /* a question word in every language */
    CHECK(wts_is_stopword("los", 3, WTS_LANG_UNKNOWN) && !wts_is_stopword("los", 3, WTS_LANG_EN));
    CHECK(!wts_is_stopword("trade", 5, WTS_LANG_UNKNOWN) && !wts_is_stopword("th", 2, WTS_LANG_EN));
    CHECK(!wts_is_stopword("", 0, WTS_LANG_UNKNOWN) && !wts_is_stopword("tambienes", 9, WTS_LANG_ES));

    /* NFC: composed as is, decomposed accents composed, beyond Latin too */
    static const struct {
        const char *in, *want;
    } nfcs[] = {
        {"r\xc3\xa9union \xc7\x85", "r\xc3\xa9union \xc7\x85"},     /* é, U+01C5: their own NFC */
        {"re\xcc\x81union", "r\xc3\xa9union"},                      /* e + U+0301 */
        {"\xc3\xa9 \xcf\x89 e\xcc\x81", "\xc3\xa9 \xcf\x89 \xc3\xa9"}, /* with a Greek letter */
        {"\xe1\x84\x80\xe1\x85\xa1", "\xea\xb0\x80"},               /* Hangul jamo compose */
    };
    for (size_t i = 0; i < sizeof nfcs / sizeof nfcs[0]; i++) {
        wts_buf nb = WTS_BUF_INIT;
        wts_utf8_nfc(nfcs[i].in, strlen(nfcs[i].in), &nb);
        CHECK_STR_EQ(nb.data, nfcs[i].want);
        wts_buf_free(&nb);
    }

    /* collected words: their folded forms, spans and count */
    wts_words cw;
    wts_words_collect("Côte d'Ivoire, 7 avril 2022", strlen("Côte d'Ivoire, 7 avril 2022"), &cw);
    CHECK_INT_EQ(cw.n, 6);
    if (cw.n == 6) {
        CHECK_STR_EQ(cw.w[0], "cote");
        CHECK_STR_EQ(cw.w[5], "2022");
        CHECK_INT_EQ(cw.len[2], 6);
        CHECK_INT_EQ(cw.start[3], 16);
        CHECK_INT_EQ(cw.end[3], 17);
    }
    wts_words_free(&cw);
    CHECK_INT_EQ(wts_lang_from_code("FR"), WTS_LANG_FR);
    CHECK_INT_EQ(wts_lang_from_code("español"), WTS_LANG_ES);
    CHECK_INT_EQ(wts_lang_from_code("de"), WTS_LANG_UNKNOWN);

    /* buffers */
    wts_buf bb = WTS_BUF_INIT;
    for (int i = 0; i < 1000; i++) wts_buf_printf(&bb, "%d,", i);
    CHECK(bb.len > 3000 && bb.data[bb.len] == '\0');
    wts_buf_free(&bb);
    CHECK_DONE();
}
