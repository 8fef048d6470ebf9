/* stages.h: what the indexer's stages hand each other.  Internal. */
#ifndef WTS_STAGES_H
#define WTS_STAGES_H

#include "wts_indexer.h"

/* What the markup said about a line, when it said anything. */
typedef enum line_hint {
    HINT_NONE,
    HINT_HEADING,   /* a Markdown '#' heading */
    HINT_FOOTNOTE,  /* a Markdown footnote: "<sup>3</sup> text" */
    HINT_SEPARATOR, /* a Markdown rule: "---" */
    HINT_PAGE       /* a page break (form feed in extracted PDF text) */
} line_hint;

typedef struct src_line {
    char *text;       /* trimmed, markup stripped */
    size_t len;
    line_hint hint;
    char note[8];     /* footnote number, with HINT_FOOTNOTE */
    bool lead_space;  /* began with white space (a page top in PDF text) */
} src_line;

typedef struct src_lines {
    src_line *v;
    size_t n;
} src_lines;

/* normalize.c: text (valid UTF-8) to clean lines. */
void normalize_lines(const char *text, size_t len, wts_source_format fmt, src_lines *out);
void src_lines_free(src_lines *l);

/* segment.c: lines to a document's header fields and paragraphs. */
void segment_document(const src_lines *lines, wts_document *doc);

/* annotate.c: symbols, dates, members, topics, language of each paragraph,
 * after the hints (manifest) have been applied. */
void annotate_document(wts_document *doc);

#endif
