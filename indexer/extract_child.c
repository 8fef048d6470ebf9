/* extract_child.c: the extractor that runs in a child process:
 * `wtosearch-extract pdf|docx|html -` reads a file on stdin and writes a
 * line of JSON ({"title": ...}) and then the text on stdout, or one line
 * saying why not on stderr and exits 1.  The parent (extract.c) sets its
 * time and memory limits, so nothing here needs to be trusted.
 *
 * PDF goes through poppler's pdftotext; DOCX through libzip and libxml2;
 * HTML through libxml2's HTML parser.  DOCX and HTML come out as Markdown
 * (headings, footnotes as <sup>n</sup> lines between rules, everything else
 * escaped), which the normalize stage reads like any Markdown. */
#include "wts_indexer.h"

#include <errno.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

/* Largest XML part of a DOCX read: past it the file is a zip bomb or no
 * document a person wrote. */
#define MAX_PART_BYTES (64u << 20)

static int fail(const char *fmt, const char *detail) {
    fprintf(stderr, fmt, detail ? detail : "");
    fputc('\n', stderr);
    return 1;
}

static void emit(const char *title, const wts_buf *text) {
    json_t *meta = json_object();
    if (title && *title) json_object_set_new(meta, "title", json_string(title));
    char *line = json_dumps(meta, JSON_COMPACT);
    json_decref(meta);
    fputs(line ? line : "{}", stdout);
    fputc('\n', stdout);
    free(line);
    if (text->len) fwrite(text->data, 1, text->len, stdout);
}

/* ---- Markdown out ---- */

/* Appends text so that Markdown reads it back as the same text. */
static void md_escape(wts_buf *out, const char *s, size_t len) {
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (strchr("\\`*_[]<>&", c) || ((c == '#' || c == '-' || c == '+' || c == '>') &&
                                         (out->len == 0 || out->data[out->len - 1] == '\n')))
            wts_buf_addc(out, '\\');
        wts_buf_addc(out, c);
    }
}

/* White space squeezed, as a browser or a word processor shows it. */
static void add_squeezed(wts_buf *para, const char *s) {
    for (; *s; s++) {
        char c = *s;
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
        if (c == ' ' && (para->len == 0 || para->data[para->len - 1] == ' ')) continue;
        wts_buf_addc(para, c);
    }
}

static void end_block(wts_buf *out, wts_buf *para, int heading) {
    while (para->len && para->data[para->len - 1] == ' ') para->data[--para->len] = '\0';
    if (para->len) {
        if (heading) wts_buf_adds(out, "## ");
        md_escape(out, para->data, para->len);
        wts_buf_adds(out, "\n\n");
    }
    wts_buf_reset(para);
}

/* ---- HTML ---- */

static bool is_block(const char *n) {
    static const char *const blocks[] = {"p", "div", "li", "ul", "ol", "br", "tr", "td", "th", "table",
                                         "section", "article", "header", "footer", "nav", "aside",
                                         "blockquote", "pre", "dd", "dt", "dl", "main", "figure",
                                         "figcaption", "form", "hr", "address", NULL};
    for (const char *const *b = blocks; *b; b++)
        if (strcmp(n, *b) == 0) return true;
    return false;
}

static int heading_level(const char *n) {
    return n[0] == 'h' && n[1] >= '1' && n[1] <= '6' && n[2] == '\0' ? n[1] - '0' : 0;
}

static void html_walk(xmlNode *node, wts_buf *out, wts_buf *para, char **title) {
    for (xmlNode *n = node; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content) add_squeezed(para, (const char *)n->content);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE || !n->name) continue;
        const char *name = (const char *)n->name;
        if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0 || strcmp(name, "noscript") == 0 ||
            strcmp(name, "template") == 0 || strcmp(name, "svg") == 0 || strcmp(name, "iframe") == 0)
            continue;
        if (strcmp(name, "title") == 0) {
            if (!*title) {
                xmlChar *t = xmlNodeGetContent(n);
                wts_buf b = WTS_BUF_INIT;
                add_squeezed(&b, t ? (const char *)t : "");
                xmlFree(t);
                *title = wts_buf_steal(&b);
            }
            continue;
        }
        if (strcmp(name, "head") == 0) {
            html_walk(n->children, out, para, title); /* only its title counts */
            wts_buf_reset(para);
            continue;
        }
        int h = heading_level(name);
        bool block = h || is_block(name);
        if (block) end_block(out, para, 0);
        html_walk(n->children, out, para, title);
        if (block) end_block(out, para, h);
        else if (strcmp(name, "img") == 0) {
            xmlChar *alt = xmlGetProp(n, (const xmlChar *)"alt");
            if (alt) add_squeezed(para, (const char *)alt);
            xmlFree(alt);
        }
    }
}

static int extract_html(const char *data, size_t len) {
    htmlDocPtr doc = htmlReadMemory(data, (int)len, NULL, NULL,
                                    HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING | HTML_PARSE_NOIMPLIED);
    if (!doc) return fail("not readable HTML%s", NULL);
    wts_buf out = WTS_BUF_INIT, para = WTS_BUF_INIT;
    char *title = NULL;
    html_walk(xmlDocGetRootElement(doc) ? (xmlNode *)doc->children : NULL, &out, &para, &title);
    end_block(&out, &para, 0);
    xmlFreeDoc(doc);
    emit(title, &out);
    free(title);
    wts_buf_free(&out);
    wts_buf_free(&para);
    return 0;
}

/* ---- DOCX ---- */

static bool is_w(xmlNode *n, const char *name) {
    return n->type == XML_ELEMENT_NODE && n->name && strcmp((const char *)n->name, name) == 0;
}

static char *w_attr(xmlNode *n, const char *name) {
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name); /* w:val and friends, by local name */
    if (!v) return NULL;
    char *s = wts_xstrdup((const char *)v);
    xmlFree(v);
    return s;
}

typedef struct docx {
    xmlDoc *footnotes;
    wts_buf notes;   /* footnotes met in the current paragraph, as Markdown */
    int next_note;   /* numbered in the order the text refers to them */
} docx;

static void docx_text(xmlNode *n, wts_buf *para, docx *d);

/* The text of footnote id, from footnotes.xml. */
static void docx_note(docx *d, const char *id) {
    if (!d->footnotes || !id) return;
    for (xmlNode *n = xmlDocGetRootElement(d->footnotes) ? xmlDocGetRootElement(d->footnotes)->children : NULL; n;
         n = n->next) {
        if (!is_w(n, "footnote")) continue;
        char *nid = w_attr(n, "id");
        bool match = nid && strcmp(nid, id) == 0;
        free(nid);
        if (!match) continue;
        wts_buf text = WTS_BUF_INIT;
        docx tmp = {NULL, WTS_BUF_INIT, 0}; /* notes have no notes */
        docx_text(n->children, &text, &tmp);
        wts_buf_free(&tmp.notes);
        while (text.len && text.data[text.len - 1] == ' ') text.data[--text.len] = '\0';
        wts_buf_printf(&d->notes, "<sup>%d</sup> ", ++d->next_note);
        md_escape(&d->notes, text.data ? text.data : "", text.len);
        wts_buf_adds(&d->notes, "\n\n");
        wts_buf_free(&text);
        return;
    }
}

static void docx_text(xmlNode *n, wts_buf *para, docx *d) {
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        if (is_w(n, "t")) {
            xmlChar *t = xmlNodeGetContent(n);
            if (t) wts_buf_adds(para, (const char *)t);
            xmlFree(t);
        } else if (is_w(n, "tab")) {
            wts_buf_addc(para, ' ');
        } else if (is_w(n, "br") || is_w(n, "cr")) {
            wts_buf_addc(para, ' ');
        } else if (is_w(n, "footnoteReference")) {
            char *id = w_attr(n, "id");
            docx_note(d, id);
            free(id);
        } else if (is_w(n, "delText") || is_w(n, "instrText")) {
            continue; /* deleted text and field codes are not read */
        } else {
            docx_text(n->children, para, d);
        }
    }
}

static int docx_heading(xmlNode *p) {
    for (xmlNode *c = p->children; c; c = c->next) {
        if (!is_w(c, "pPr")) continue;
        for (xmlNode *s = c->children; s; s = s->next) {
            if (!is_w(s, "pStyle")) continue;
            char *v = w_attr(s, "val");
            int h = v && (strncasecmp(v, "heading", 7) == 0 || strncasecmp(v, "titre", 5) == 0 ||
                          strcasecmp(v, "title") == 0);
            free(v);
            return h;
        }
    }
    return 0;
}

static void docx_walk(xmlNode *n, wts_buf *out, docx *d) {
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        if (is_w(n, "p")) {
            wts_buf para = WTS_BUF_INIT, squeezed = WTS_BUF_INIT;
            docx_text(n->children, &para, d);
            add_squeezed(&squeezed, para.data ? para.data : "");
            end_block(out, &squeezed, docx_heading(n));
            if (d->notes.len) { /* the paragraph's notes, between rules */
                wts_buf_adds(out, "---\n\n");
                wts_buf_add(out, d->notes.data, d->notes.len);
                wts_buf_adds(out, "---\n\n");
                wts_buf_reset(&d->notes);
            }
            wts_buf_free(&para);
            wts_buf_free(&squeezed);
        } else {
            docx_walk(n->children, out, d);
        }
    }
}

static bool read_part(zip_t *z, const char *name, wts_buf *out, const char **why) {
    zip_file_t *f = zip_fopen(z, name, 0);
    if (!f) return false;
    char chunk[65536];
    zip_int64_t r;
    while ((r = zip_fread(f, chunk, sizeof chunk)) > 0) {
        wts_buf_add(out, chunk, (size_t)r);
        if (out->len > MAX_PART_BYTES) {
            *why = "expands past the size limit (a zip bomb?)";
            zip_fclose(f);
            return false;
        }
    }
    zip_fclose(f);
    if (r < 0) {
        *why = "damaged zip data";
        return false;
    }
    return true;
}

static xmlDoc *parse_xml(const wts_buf *b) {
    /* no network, no entity substitution: a hostile part cannot reach out
     * or expand entities */
    return xmlReadMemory(b->data ? b->data : "", (int)b->len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                                           XML_PARSE_NOWARNING);
}

static int extract_docx(const char *data, size_t len) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (!z) {
        if (src) zip_source_free(src);
        zip_error_fini(&ze);
        return fail("not a DOCX file: not a zip archive%s", NULL);
    }
    zip_error_fini(&ze);
    wts_buf body = WTS_BUF_INIT, notes = WTS_BUF_INIT;
    const char *why = "has no word/document.xml";
    bool ok = read_part(z, "word/document.xml", &body, &why);
    const char *why_notes = NULL;
    bool have_notes = ok && read_part(z, "word/footnotes.xml", &notes, &why_notes);
    zip_close(z);
    if (!ok || why_notes) {
        wts_buf_free(&body);
        wts_buf_free(&notes);
        return fail("not a readable DOCX file: %s", why_notes ? why_notes : why);
    }
    xmlDoc *doc = parse_xml(&body);
    docx d = {have_notes ? parse_xml(&notes) : NULL, WTS_BUF_INIT, 0};
    wts_buf_free(&body);
    wts_buf_free(&notes);
    if (!doc) {
        xmlFreeDoc(d.footnotes);
        return fail("not a readable DOCX file: its XML is broken%s", NULL);
    }
    wts_buf out = WTS_BUF_INIT;
    docx_walk(xmlDocGetRootElement(doc), &out, &d);
    xmlFreeDoc(doc);
    xmlFreeDoc(d.footnotes);
    wts_buf_free(&d.notes);
    emit(NULL, &out);
    wts_buf_free(&out);
    return 0;
}

/* ---- PDF ---- */

/* A line with its digits made '#': page numbers differ, running heads
 * "INF/MSME/R/35 - 2 -" and "Page 2 of 9" then repeat. */
static char *shape(const char *s, size_t len) {
    char *r = wts_xstrndup(s, len);
    for (char *p = r; *p; p++)
        if (*p >= '0' && *p <= '9') *p = '#';
    return r;
}

typedef struct line_ref {
    const char *s;
    size_t len;
    size_t page;
    bool edge; /* among the first or last two lines of its page */
} line_ref;

/* Drops the lines that repeat at the top or bottom of most pages. */
static void drop_running_lines(const char *text, size_t len, wts_buf *out) {
    line_ref *lines = NULL;
    size_t n = 0, cap = 0, pages = 1;
    for (size_t a = 0; a <= len;) {
        size_t e = a;
        while (e < len && text[e] != '\n' && text[e] != '\f') e++;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            lines = wts_xrealloc(lines, cap * sizeof *lines);
        }
        lines[n++] = (line_ref){text + a, e - a, pages, false};
        if (e < len && text[e] == '\f') pages++;
        a = e + 1;
        if (e >= len) break;
    }
    /* mark the first and last two non-blank lines of each page */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && lines[j].page == lines[i].page) j++;
        int marked = 0;
        for (size_t k = i; k < j && marked < 2; k++)
            if (lines[k].len) { lines[k].edge = true; marked++; }
        marked = 0;
        for (size_t k = j; k > i && marked < 2; k--)
            if (lines[k - 1].len) { lines[k - 1].edge = true; marked++; }
        i = j;
    }
    for (size_t i = 0; i < n; i++) {
        bool drop = false;
        if (lines[i].edge && pages >= 2) {
            char *si = shape(lines[i].s, lines[i].len);
            size_t seen_on = 0, last_page = 0;
            for (size_t k = 0; k < n; k++) {
                if (!lines[k].edge || lines[k].len != lines[i].len || lines[k].page == last_page) continue;
                char *sk = shape(lines[k].s, lines[k].len);
                if (strcmp(si, sk) == 0) {
                    seen_on++;
                    last_page = lines[k].page;
                }
                free(sk);
            }
            drop = seen_on >= 2 && seen_on * 2 >= pages;
            free(si);
        }
        if (!drop) wts_buf_add(out, lines[i].s, lines[i].len);
        if (lines[i].s + lines[i].len < text + len) wts_buf_addc(out, lines[i].s[lines[i].len]);
    }
    free(lines);
}

static int extract_pdf(const char *data, size_t len) {
    const char *tmpdir = getenv("TMPDIR");
    wts_buf path = WTS_BUF_INIT;
    wts_buf_printf(&path, "%s/wtosearch-pdf-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemp(path.data);
    if (fd < 0) {
        wts_buf_free(&path);
        return fail("cannot write a temporary file: %s", strerror(errno));
    }
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w <= 0) break;
        done += (size_t)w;
    }
    close(fd);
    int out[2], err[2];
    if (pipe(out) != 0 || pipe(err) != 0) {
        unlink(path.data);
        wts_buf_free(&path);
        return fail("cannot start pdftotext%s", NULL);
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]);
        close(err[0]);
        execlp("pdftotext", "pdftotext", "-q", "-enc", "UTF-8", "-eol", "unix", path.data, "-", (char *)NULL);
        fprintf(stderr, "pdftotext not found: install poppler-utils\n");
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    wts_buf text = WTS_BUF_INIT, msg = WTS_BUF_INIT;
    char chunk[65536];
    ssize_t r;
    while ((r = read(out[0], chunk, sizeof chunk)) > 0) wts_buf_add(&text, chunk, (size_t)r);
    while ((r = read(err[0], chunk, sizeof chunk)) > 0) wts_buf_add(&msg, chunk, (size_t)r);
    close(out[0]);
    close(err[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    unlink(path.data);
    wts_buf_free(&path);
    int rc = 0;
    if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (code == 127) rc = fail("%s", msg.len ? msg.data : "pdftotext not found: install poppler-utils");
        else if (code == 3) rc = fail("encrypted PDF: its text may not be copied%s", NULL);
        else if (msg.data && strstr(msg.data, "assword")) rc = fail("encrypted PDF (needs a password)%s", NULL);
        else rc = fail("not a readable PDF (pdftotext status %s)", code == 1 ? "1: cannot open the file" : "error");
    } else {
        wts_buf clean = WTS_BUF_INIT;
        drop_running_lines(text.data ? text.data : "", text.len, &clean);
        bool blank = true;
        for (size_t i = 0; i < clean.len && blank; i++) blank = clean.data[i] == ' ' || clean.data[i] == '\n' || clean.data[i] == '\f';
        if (blank) rc = fail("the PDF holds no text (scanned pages need OCR)%s", NULL);
        else emit(NULL, &clean);
        wts_buf_free(&clean);
    }
    wts_buf_free(&text);
    wts_buf_free(&msg);
    return rc;
}

int wts_extract_main(int argc, char **argv) {
    if (argc != 3 || strcmp(argv[2], "-") != 0) return fail("usage: wtosearch-extract pdf|docx|html -%s", NULL);
    wts_buf in = WTS_BUF_INIT;
    char chunk[65536];
    ssize_t r;
    while ((r = read(0, chunk, sizeof chunk)) > 0) {
        wts_buf_add(&in, chunk, (size_t)r);
        if (in.len > WTS_MAX_FILE_BYTES) {
            wts_buf_free(&in);
            return fail("input too large%s", NULL);
        }
    }
    const char *fmt = argv[1];
    int rc;
    if (strcmp(fmt, "pdf") == 0) rc = extract_pdf(in.data ? in.data : "", in.len);
    else if (strcmp(fmt, "docx") == 0) rc = extract_docx(in.data ? in.data : "", in.len);
    else if (strcmp(fmt, "html") == 0) rc = extract_html(in.data ? in.data : "", in.len);
    else rc = fail("unknown format '%s'", fmt);
    wts_buf_free(&in);
    fflush(stdout);
    return rc;
}
