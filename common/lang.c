/* lang.c: English, French or Spanish, told apart by function words.
 *
 * Function words are frequent, short and nearly disjoint between the three
 * languages, so counting them is accurate on paragraphs of a few dozen
 * words and needs no model.  Words shared by two languages ("de", "la",
 * "en") are left out of the lists. */
#include "wts.h"

#include <string.h>

static const char *const en_words[] = {
    "the", "and", "of", "to", "in", "is", "was", "were", "for", "on", "with", "that",
    "this", "by", "from", "its", "their", "which", "be", "are", "has", "have", "had",
    "it", "as", "an", "at", "or", "also", "would", "will", "been", "into", "who", NULL};
static const char *const fr_words[] = {
    "le", "les", "des", "du", "et", "est", "une", "dans", "pour", "sur", "au", "aux",
    "par", "qui", "que", "avec", "ont", "sont", "ses", "leur", "leurs", "cette", "ce",
    "il", "elle", "ete", "a", "ou", "d", "l", "qu", "n", "pas", "plus", NULL};
static const char *const es_words[] = {
    "el", "los", "las", "del", "y", "es", "una", "por", "para", "con", "que", "se",
    "su", "sus", "al", "fue", "han", "ha", "sobre", "como", "este", "esta", "entre",
    "lo", "o", "fueron", "mas", "tambien", "ser", "sido", "e", NULL};

static bool in_list(const char *const *list, const char *w, size_t len) {
    if (len == 0) return false;
    for (; *list; list++) /* the first letter first: this runs for every word indexed */
        if ((*list)[0] == w[0] && strlen(*list) == len && memcmp(*list, w, len) == 0) return true;
    return false;
}

bool wts_is_stopword(const char *folded, size_t len, wts_lang l) {
    if (len > 8) return false;
    /* question words and auxiliaries too: "who is the coordinator" */
    static const char *const extra[] = {"who", "what", "when", "where", "which", "how", "is", "did", "does",
                                        "do", "was", "qui", "quoi", "quand", "quien", "que", "cuando", NULL};
    if (in_list(extra, folded, len)) return true;
    switch (l) {
    case WTS_LANG_EN: return in_list(en_words, folded, len);
    case WTS_LANG_FR: return in_list(fr_words, folded, len);
    case WTS_LANG_ES: return in_list(es_words, folded, len);
    default:
        return in_list(en_words, folded, len) || in_list(fr_words, folded, len) || in_list(es_words, folded, len);
    }
}

typedef struct lang_count {
    unsigned en, fr, es;
} lang_count;

static int count_word(void *ud, const wts_token *t) {
    lang_count *c = ud;
    if (t->folded_len > 8) return 0;
    if (in_list(en_words, t->folded, t->folded_len)) c->en++;
    if (in_list(fr_words, t->folded, t->folded_len)) c->fr++;
    if (in_list(es_words, t->folded, t->folded_len)) c->es++;
    return 0;
}

wts_lang wts_lang_detect(const char *text, size_t len) {
    lang_count c = {0, 0, 0};
    wts_tokenize(text, len, count_word, &c);
    unsigned best = c.en;
    wts_lang l = WTS_LANG_EN;
    if (c.fr > best) { best = c.fr; l = WTS_LANG_FR; }
    if (c.es > best) { best = c.es; l = WTS_LANG_ES; }
    unsigned second = c.en + c.fr + c.es - best;
    /* One function word is no evidence ("a" is French, and English too). */
    if (best < 2) return WTS_LANG_UNKNOWN;
    if (best * 2 < second * 3 && best < 4) return WTS_LANG_UNKNOWN;
    return l;
}

const char *wts_lang_code(wts_lang l) {
    switch (l) {
    case WTS_LANG_EN: return "en";
    case WTS_LANG_FR: return "fr";
    case WTS_LANG_ES: return "es";
    default: return "";
    }
}

wts_lang wts_lang_from_code(const char *code) {
    if (!code) return WTS_LANG_UNKNOWN;
    static const struct { const char *name; wts_lang l; } names[] = {
        {"en", WTS_LANG_EN}, {"eng", WTS_LANG_EN}, {"english", WTS_LANG_EN},
        {"anglais", WTS_LANG_EN}, {"ingles", WTS_LANG_EN},
        {"fr", WTS_LANG_FR}, {"fra", WTS_LANG_FR}, {"fre", WTS_LANG_FR},
        {"french", WTS_LANG_FR}, {"francais", WTS_LANG_FR}, {"frances", WTS_LANG_FR},
        {"es", WTS_LANG_ES}, {"spa", WTS_LANG_ES}, {"spanish", WTS_LANG_ES},
        {"espagnol", WTS_LANG_ES}, {"espanol", WTS_LANG_ES},
    };
    wts_buf f = WTS_BUF_INIT;
    wts_fold(code, strlen(code), &f);
    wts_lang l = WTS_LANG_UNKNOWN;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (f.data && strcmp(f.data, names[i].name) == 0) l = names[i].l;
    wts_buf_free(&f);
    return l;
}
