/* lang.c: English, French or Spanish, told apart by function words.
 *
 * Function words are frequent, short and nearly disjoint between the three
 * languages, so counting them is accurate on paragraphs of a few dozen
 * words and needs no model.  Words shared by two languages ("de", "la",
 * "en") are left out of the lists. */
#include "wts.h"

#include <pthread.h>
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

/* Each function word once, with the lists it is on: one lookup per word
 * instead of a scan of every list, as each word indexed is looked up. */
enum { ON_EN = 1, ON_FR = 2, ON_ES = 4, ON_QUESTION = 8 };

/* question words and auxiliaries too: "who is the coordinator" */
static const char *const question_words[] = {"who", "what", "when", "where", "which", "how", "is", "did", "does",
                                             "do", "was", "qui", "quoi", "quand", "quien", "que", "cuando", NULL};

static wts_strset function_words;
static unsigned char *function_word_lists; /* ON_* bits, by index in function_words */
static size_t function_word_longest;
static pthread_once_t function_words_once = PTHREAD_ONCE_INIT;

static void add_function_words(const char *const *list, unsigned char on) {
    for (; *list; list++) {
        bool added = false;
        size_t len = strlen(*list);
        size_t i = wts_strset_add(&function_words, *list, len, &added);
        if (len > function_word_longest) function_word_longest = len;
        if (added) {
            function_word_lists = wts_xrealloc(function_word_lists, function_words.n);
            function_word_lists[i] = 0;
        }
        function_word_lists[i] |= on;
    }
}

static void load_function_words(void) {
    add_function_words(en_words, ON_EN);
    add_function_words(fr_words, ON_FR);
    add_function_words(es_words, ON_ES);
    add_function_words(question_words, ON_QUESTION);
}

/* The lists a folded word is on (ON_* bits), 0 for none. */
static unsigned lists_of(const char *w, size_t len) {
    pthread_once(&function_words_once, load_function_words);
    if (len == 0 || len > function_word_longest) return 0;
    size_t i = wts_strset_find(&function_words, w, len);
    return i == WTS_STRSET_NONE ? 0 : function_word_lists[i];
}

bool wts_is_stopword(const char *folded, size_t len, wts_lang l) {
    unsigned on = lists_of(folded, len);
    switch (l) {
    case WTS_LANG_EN: return on & (ON_QUESTION | ON_EN);
    case WTS_LANG_FR: return on & (ON_QUESTION | ON_FR);
    case WTS_LANG_ES: return on & (ON_QUESTION | ON_ES);
    default: return on != 0;
    }
}

static void vote(const char *w, size_t len, wts_lang_votes *v) {
    unsigned on = lists_of(w, len);
    v->words++;
    v->en += (on & ON_EN) != 0;
    v->fr += (on & ON_FR) != 0;
    v->es += (on & ON_ES) != 0;
}

void wts_lang_count(const wts_words *words, wts_lang_votes *votes) {
    for (size_t i = 0; i < words->n; i++) vote(words->w[i], words->len[i], votes);
}

wts_lang wts_lang_decide(const wts_lang_votes *v) {
    unsigned best = v->en;
    wts_lang l = WTS_LANG_EN;
    if (v->fr > best) { best = v->fr; l = WTS_LANG_FR; }
    if (v->es > best) { best = v->es; l = WTS_LANG_ES; }
    unsigned second = v->en + v->fr + v->es - best;
    /* One function word is no evidence ("a" is French, and English too). */
    if (best < 2) return WTS_LANG_UNKNOWN;
    if (best * 2 < second * 3 && best < 4) return WTS_LANG_UNKNOWN;
    return l;
}

static int count_token(void *ud, const wts_token *t) {
    vote(t->folded, t->folded_len, ud);
    return 0;
}

wts_lang wts_lang_detect(const char *text, size_t len) {
    wts_lang_votes v = {0, 0, 0, 0};
    wts_tokenize(text, len, count_token, &v);
    return wts_lang_decide(&v);
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
