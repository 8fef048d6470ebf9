/* fields.c: the one table from query field to index term prefix.
 *
 * The indexer writes terms with these prefixes and the query parser reads
 * them back, both through this table, so the two cannot drift apart.
 * Xapian's convention: one capital letter, or X plus capitals. */
#include "wts.h"

#include <string.h>

static const wts_field fields[] = {
    {"symbol", "XS", WTS_FIELD_SYMBOL,
     "the document's own symbol, with its revisions: symbol:INF/MSME/4, symbol:INF/MSME/W/*"},
    {"cites", "XC", WTS_FIELD_SYMBOL, "paragraphs citing a symbol: cites:INF/MSME/W/51"},
    {"member", "XM", WTS_FIELD_KEYWORD, "a WTO member named in the paragraph: member:Mexico"},
    {"topic", "XT", WTS_FIELD_KEYWORD, "a topic of the taxonomy: topic:finance"},
    {"lang", "L", WTS_FIELD_KEYWORD, "language of the paragraph: lang:fr (en, fr, es)"},
    {"type", "XY", WTS_FIELD_KEYWORD,
     "document class from the symbol: type:R (report), W, CN, P, ..."},
    {"kind", "XK", WTS_FIELD_KEYWORD, "paragraph kind: kind:body, kind:heading, kind:footnote"},
    {"date", "", WTS_FIELD_DATE, "document date: date:2022, date:2022-04, date:2022-01-01..2022-06-30"},
    {"mentions", "XD", WTS_FIELD_DATE,
     "dates written in the paragraph: mentions:2022-04, mentions:2022-04-01..2022-05-31"},
    {"title", "S", WTS_FIELD_TEXT, "words of the document title: title:\"annual report\""},
};

const wts_field *wts_fields(size_t *count) {
    if (count) *count = sizeof fields / sizeof fields[0];
    return fields;
}

const wts_field *wts_field_find(const char *name, size_t len) {
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strlen(fields[i].name) == len && strncmp(fields[i].name, name, len) == 0)
            return &fields[i];
    return NULL;
}

/* "XS" and "XY" are symbol: and type: of fields[] above; "L" and "XK"
 * lang: and kind:. */
static const char *const whole_prefixes[] = {
    WTS_PREFIX_PATH, WTS_PREFIX_TITLE, "XS", WTS_PREFIX_FAMILY, WTS_PREFIX_SERIES, "XY",
    WTS_PREFIX_VERSION, WTS_PREFIX_EXACT,
};
/* A heading has its words (under the heading prefix), its kind and its
 * language, and nothing else: a member or a citation in a heading is no
 * answer either. */
static const char *const heading_prefixes[] = {"L", "XK", WTS_PREFIX_SECTION};

const wts_xparas *wts_paras_schema(void) {
    static const wts_xparas schema = {
        .bounds_slot = WTS_SLOT_PARAS,
        .gap = WTS_PARA_GAP,
        .average_words = WTS_PARA_AVERAGE_WORDS,
        .stem_prefix = WTS_PREFIX_STEM,
        .stem_words = WTS_META_STEM_PREFIX,
        .whole = whole_prefixes,
        .nwhole = sizeof whole_prefixes / sizeof whole_prefixes[0],
        .on_headings = heading_prefixes,
        .non_headings = sizeof heading_prefixes / sizeof heading_prefixes[0],
        .heading = "XKheading",
    };
    return &schema;
}
