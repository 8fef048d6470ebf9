/* extract.c: stage 1, the text of one file.
 *
 * Plain text and Markdown are decoded here (UTF-8 with or without BOM,
 * UTF-16 with BOM, Windows-1252/ISO-8859-1 told apart from broken UTF-8);
 * gzip is inflated here with a bound on the expansion.  PDF, DOCX and HTML
 * are untrusted formats read by libraries and tools: they are extracted by
 * a child process (extract_child.c) under time and memory limits, so that a
 * hostile file costs that file only.  Every refusal says why. */
#include "extract.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

static bool has_suffix(const char *path, size_t len, const char *suffix) {
    size_t b = strlen(suffix);
    if (len < b) return false;
    for (size_t i = 0; i < b; i++) {
        char c = path[len - b + i];
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if (c != suffix[i]) return false;
    }
    return true;
}

/* ---- reading ---- */

static wts_status read_whole(const char *path, char **data, size_t *len, struct stat *st, wts_buf *reason) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ELOOP) fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        wts_buf_printf(reason, "cannot open: %s", strerror(errno));
        return WTS_ERR_IO;
    }
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        wts_buf_adds(reason, "not a regular file");
        close(fd);
        return WTS_ERR_IO;
    }
    if ((uint64_t)st->st_size > WTS_MAX_FILE_BYTES) {
        wts_buf_printf(reason, "too large (%lld bytes; the limit is %u)", (long long)st->st_size, WTS_MAX_FILE_BYTES);
        close(fd);
        return WTS_ERR_LIMIT;
    }
    size_t cap = (size_t)st->st_size + 1, n = 0;
    char *buf = wts_xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) { /* the file grew while being read */
            if (cap > WTS_MAX_FILE_BYTES) {
                wts_buf_adds(reason, "grew past the size limit while being read");
                free(buf);
                close(fd);
                return WTS_ERR_LIMIT;
            }
            cap *= 2;
            buf = wts_xrealloc(buf, cap);
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0) {
            if (errno == EINTR) continue;
            wts_buf_printf(reason, "read error: %s", strerror(errno));
            free(buf);
            close(fd);
            return WTS_ERR_IO;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return WTS_OK;
}

/* Inflates gzip data, refusing more than WTS_MAX_FILE_BYTES of output:
 * a small file must not become an unbounded one. */
static wts_status gunzip(const char *in, size_t len, char **out, size_t *out_len, wts_buf *reason) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        wts_buf_adds(reason, "cannot start gzip decompression");
        return WTS_ERR_INTERNAL;
    }
    wts_buf b = WTS_BUF_INIT;
    char chunk[65536];
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    int r;
    do {
        z.next_out = (Bytef *)chunk;
        z.avail_out = sizeof chunk;
        r = inflate(&z, Z_NO_FLUSH);
        if (r != Z_OK && r != Z_STREAM_END) {
            wts_buf_printf(reason, "broken gzip data (%s)", z.msg ? z.msg : "truncated");
            inflateEnd(&z);
            wts_buf_free(&b);
            return WTS_ERR_PARSE;
        }
        wts_buf_add(&b, chunk, sizeof chunk - z.avail_out);
        if (b.len > WTS_MAX_FILE_BYTES) {
            wts_buf_printf(reason, "gzip data expands past %u bytes", WTS_MAX_FILE_BYTES);
            inflateEnd(&z);
            wts_buf_free(&b);
            return WTS_ERR_LIMIT;
        }
        if (r == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
            wts_buf_adds(reason, "truncated gzip data");
            inflateEnd(&z);
            wts_buf_free(&b);
            return WTS_ERR_PARSE;
        }
    } while (r != Z_STREAM_END);
    inflateEnd(&z);
    *out_len = b.len;
    *out = b.len ? wts_buf_steal(&b) : (wts_buf_free(&b), wts_xstrdup(""));
    return WTS_OK;
}

/* ---- plain text: the encoding ---- */

static wts_status convert(const char *from, const char *in, size_t len, char **out, size_t *out_len) {
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1) return WTS_ERR_INTERNAL;
    size_t cap = len * 2 + 16;
    char *buf = wts_xmalloc(cap);
    char *src = (char *)(uintptr_t)in, *dst = buf;
    size_t left = len, room = cap - 1;
    wts_status st = WTS_OK;
    while (left > 0) {
        if (iconv(cd, &src, &left, &dst, &room) == (size_t)-1) {
            if (errno == E2BIG) {
                size_t used = (size_t)(dst - buf);
                cap *= 2;
                buf = wts_xrealloc(buf, cap);
                dst = buf + used;
                room = cap - used - 1;
                continue;
            }
            st = WTS_ERR_PARSE; /* invalid or incomplete sequence */
            break;
        }
    }
    iconv_close(cd);
    if (st != WTS_OK) {
        free(buf);
        return st;
    }
    *dst = '\0';
    *out = buf;
    *out_len = (size_t)(dst - buf);
    return WTS_OK;
}

/* Text bytes into UTF-8: a BOM says the encoding; without one, UTF-8 if
 * valid, else Windows-1252 (which covers ISO-8859-1's printable range) if
 * no byte says otherwise. */
static wts_status decode_text(char *data, size_t len, char **out, size_t *out_len, const char **encoding,
                              wts_buf *reason) {
    const unsigned char *u = (const unsigned char *)data;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        bool le = u[0] == 0xFF;
        *encoding = le ? "UTF-16LE" : "UTF-16BE";
        if (convert(*encoding, data + 2, len - 2, out, out_len) != WTS_OK) {
            wts_buf_printf(reason, "broken %s text", *encoding);
            return WTS_ERR_PARSE;
        }
        return WTS_OK;
    }
    size_t skip = (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) ? 3 : 0;
    size_t bad = wts_utf8_invalid_at(data + skip, len - skip);
    if (bad == len - skip) {
        *encoding = "UTF-8";
        *out = wts_xstrndup(data + skip, len - skip);
        *out_len = len - skip;
        return WTS_OK;
    }
    /* Windows-1252 leaves 0x81 0x8D 0x8F 0x90 0x9D undefined; NUL is no text. */
    for (size_t i = skip; i < len; i++)
        if (u[i] == 0x81 || u[i] == 0x8D || u[i] == 0x8F || u[i] == 0x90 || u[i] == 0x9D || u[i] == 0) {
            size_t line = 1;
            for (size_t k = 0; k < skip + bad; k++) line += data[k] == '\n';
            wts_buf_printf(reason, "not valid UTF-8 (byte %zu, line %zu) nor Windows-1252 text", skip + bad, line);
            return WTS_ERR_PARSE;
        }
    *encoding = "WINDOWS-1252";
    if (convert("WINDOWS-1252", data + skip, len - skip, out, out_len) != WTS_OK) {
        wts_buf_adds(reason, "not valid UTF-8 nor Windows-1252 text");
        return WTS_ERR_PARSE;
    }
    return WTS_OK;
}

static bool looks_binary(const char *s, size_t len) {
    size_t probe = len < 65536 ? len : 65536, controls = 0;
    for (size_t i = 0; i < probe; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0) return true;
        if (c < 32 && c != '\n' && c != '\r' && c != '\t' && c != '\f') controls++;
    }
    return controls * 20 > probe;
}

/* ---- the isolated extractor ---- */

/* Limits of one extraction child: a broken or hostile file stops there. */
#define CHILD_SECONDS 30
#define CHILD_MEMORY (1024ull << 20)

char *wts_helper_program(const char *name, const char *installed) {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) {
        buf[n] = '\0';
        char *slash = strrchr(buf, '/');
        if (slash) {
            wts_buf beside = WTS_BUF_INIT;
            wts_buf_add(&beside, buf, (size_t)(slash - buf) + 1);
            wts_buf_adds(&beside, name);
            if (access(beside.data, X_OK) == 0) return wts_buf_steal(&beside);
            wts_buf_free(&beside);
        }
    }
    return access(installed, X_OK) == 0 ? wts_xstrdup(installed) : NULL;
}

/* Runs `wtosearch-extract FORMAT -` with data on its stdin; its stdout
 * is the text, its stderr the reason of a failure. */
static wts_status run_child(const char *format, const char *data, size_t len, wts_buf *text, wts_buf *reason) {
    char *exe = wts_helper_program("wtosearch-extract", WTS_EXTRACTOR_PATH);
    if (!exe) {
        wts_buf_adds(reason, "cannot find the extractor program wtosearch-extract (beside wtosearch or in " WTS_EXTRACTOR_PATH ")");
        return WTS_ERR_INTERNAL;
    }
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
        wts_buf_printf(reason, "cannot start the extractor: %s", strerror(errno));
        free(exe);
        return WTS_ERR_IO;
    }
    pid_t pid = fork();
    if (pid < 0) {
        wts_buf_printf(reason, "cannot start the extractor: %s", strerror(errno));
        free(exe);
        return WTS_ERR_IO;
    }
    if (pid == 0) { /* child: limits, pipes, exec; nothing else */
        struct rlimit cpu = {CHILD_SECONDS, CHILD_SECONDS + 1};
        setrlimit(RLIMIT_CPU, &cpu);
#ifndef __SANITIZE_ADDRESS__ /* AddressSanitizer reserves terabytes of address space */
        struct rlimit mem = {CHILD_MEMORY, CHILD_MEMORY};
        setrlimit(RLIMIT_AS, &mem);
#endif
        struct rlimit core = {0, 0};
        setrlimit(RLIMIT_CORE, &core);
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        char *argv[] = {exe, (char *)format, (char *)"-", NULL};
        execv(exe, argv);
        _exit(127);
    }
    free(exe);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    size_t sent = 0;
    if (len == 0) {
        close(in[1]);
        in[1] = -1;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bool timed_out = false, too_much = false, out_open = true, err_open = true;
    while (out_open || err_open || in[1] >= 0) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long elapsed_ms = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
        if (elapsed_ms > CHILD_SECONDS * 1000L) {
            timed_out = true;
            break;
        }
        struct pollfd fds[3];
        int nf = 0, iout = -1, ierr = -1, iin = -1;
        if (out_open) { fds[nf] = (struct pollfd){out[0], POLLIN, 0}; iout = nf++; }
        if (err_open) { fds[nf] = (struct pollfd){err[0], POLLIN, 0}; ierr = nf++; }
        if (in[1] >= 0) { fds[nf] = (struct pollfd){in[1], POLLOUT, 0}; iin = nf++; }
        int pr = poll(fds, (nfds_t)nf, 200);
        if (pr < 0 && errno != EINTR) break;
        if (pr <= 0) continue;
        char chunk[65536];
        if (iout >= 0 && fds[iout].revents) {
            ssize_t r = read(out[0], chunk, sizeof chunk);
            if (r > 0) {
                wts_buf_add(text, chunk, (size_t)r);
                if (text->len > WTS_MAX_FILE_BYTES) {
                    too_much = true;
                    break;
                }
            } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
                out_open = false;
            }
        }
        if (ierr >= 0 && fds[ierr].revents) {
            ssize_t r = read(err[0], chunk, sizeof chunk);
            if (r > 0) {
                if (reason->len < 1000) wts_buf_add(reason, chunk, (size_t)r);
            } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
                err_open = false;
            }
        }
        if (iin >= 0 && fds[iin].revents) {
            ssize_t w = write(in[1], data + sent, len - sent);
            if (w > 0) sent += (size_t)w;
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || sent == len) {
                close(in[1]);
                in[1] = -1;
            }
        }
    }
    if (in[1] >= 0) close(in[1]);
    close(out[0]);
    close(err[0]);
    int status = 0;
    if (timed_out || too_much) kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    /* one line of reason: the child's first line */
    char *nl = reason->data ? memchr(reason->data, '\n', reason->len) : NULL;
    if (nl) {
        reason->len = (size_t)(nl - reason->data);
        reason->data[reason->len] = '\0';
    }
    if (timed_out) {
        wts_buf_reset(reason);
        wts_buf_printf(reason, "extraction took longer than %d s", CHILD_SECONDS);
        return WTS_ERR_LIMIT;
    }
    if (too_much) {
        wts_buf_reset(reason);
        wts_buf_printf(reason, "extracted text exceeds %u bytes", WTS_MAX_FILE_BYTES);
        return WTS_ERR_LIMIT;
    }
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        wts_buf_reset(reason);
        if (sig == SIGXCPU || sig == SIGKILL)
            wts_buf_printf(reason, "extraction took longer than %d s", CHILD_SECONDS);
        else
            wts_buf_printf(reason, "the %s extractor crashed (signal %d)", format, sig);
        return WTS_ERR_PARSE;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (!reason->len) wts_buf_printf(reason, "the %s extractor failed (status %d)", format, WEXITSTATUS(status));
        return WTS_ERR_PARSE;
    }
    wts_buf_reset(reason);
    return WTS_OK;
}

/* The child's output: a first line of JSON ({"title": ...}), then text. */
static void split_child_output(wts_buf *raw, extracted *out) {
    char *nl = raw->data ? memchr(raw->data, '\n', raw->len) : NULL;
    size_t head = nl ? (size_t)(nl - raw->data) : raw->len;
    json_error_t err;
    json_t *meta = json_loadb(raw->data ? raw->data : "", head, 0, &err);
    const char *title = json_string_value(json_object_get(meta, "title"));
    if (title && *title) out->title = wts_xstrdup(title);
    json_decref(meta);
    size_t from = nl ? head + 1 : raw->len;
    out->len = raw->len - from;
    out->data = wts_xstrndup(raw->data ? raw->data + from : "", out->len);
}

/* ---- the dispatcher ---- */

typedef enum kind { KIND_TEXT, KIND_MARKDOWN, KIND_PDF, KIND_DOCX, KIND_HTML, KIND_REFUSED } kind;

static kind kind_of(const char *name, size_t nlen, const char *data, size_t len) {
    if (len >= 5 && memcmp(data, "%PDF-", 5) == 0) return KIND_PDF;
    if (has_suffix(name, nlen, ".pdf")) return KIND_PDF;
    if (has_suffix(name, nlen, ".docx")) return KIND_DOCX;
    if (has_suffix(name, nlen, ".html") || has_suffix(name, nlen, ".htm") || has_suffix(name, nlen, ".xhtml"))
        return KIND_HTML;
    if (has_suffix(name, nlen, ".md") || has_suffix(name, nlen, ".markdown")) return KIND_MARKDOWN;
    static const char *const refused[] = {".doc", ".zip", ".xlsx", ".xls", ".pptx", ".png", ".jpg",
                                          ".jpeg", ".gif", ".odt", ".rtf", ".exe", NULL};
    for (const char *const *r = refused; *r; r++)
        if (has_suffix(name, nlen, *r)) return KIND_REFUSED;
    /* a text file that is in fact HTML */
    size_t i = 0;
    while (i < len && i < 512 && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t')) i++;
    if (len - i >= 9 && (strncasecmp(data + i, "<!doctype", 9) == 0 || strncasecmp(data + i, "<html", 5) == 0))
        return KIND_HTML;
    return KIND_TEXT;
}

wts_status extract_file(const char *path, extracted *out, wts_buf *reason) {
    memset(out, 0, sizeof *out);
    struct stat st;
    char *raw = NULL;
    size_t rawlen = 0;
    wts_status s = read_whole(path, &raw, &rawlen, &st, reason);
    if (s != WTS_OK) return s;
    out->size = (uint64_t)rawlen;
    out->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    out->hash = extract_hash(raw, rawlen);
    size_t nlen = strlen(path);
    /* gzip: inflate, then read what it held by its inner name */
    if (rawlen >= 2 && (unsigned char)raw[0] == 0x1f && (unsigned char)raw[1] == 0x8b) {
        char *inner = NULL;
        size_t ilen = 0;
        s = gunzip(raw, rawlen, &inner, &ilen, reason);
        free(raw);
        if (s != WTS_OK) return s;
        raw = inner;
        rawlen = ilen;
        if (has_suffix(path, nlen, ".gz")) nlen -= 3;
    }
    bool empty = true;
    for (size_t i = 0; i < rawlen && empty; i++) empty = raw[i] == ' ' || raw[i] == '\n' || raw[i] == '\r' || raw[i] == '\t';
    if (empty) {
        wts_buf_adds(reason, rawlen ? "holds only white space" : "empty file");
        free(raw);
        return WTS_ERR_PARSE;
    }
    kind k = kind_of(path, nlen, raw, rawlen);
    if (k == KIND_REFUSED) {
        const char *dot = strrchr(path, '.');
        wts_buf_printf(reason, "unsupported format (%.*s); text, Markdown, HTML, PDF and DOCX are read",
                       dot ? (int)(path + nlen - dot) : 0, dot ? dot : "");
        free(raw);
        return WTS_ERR_PARSE;
    }
    if (k == KIND_PDF || k == KIND_DOCX || k == KIND_HTML) {
        const char *fmt = k == KIND_PDF ? "pdf" : k == KIND_DOCX ? "docx" : "html";
        wts_buf text = WTS_BUF_INIT;
        s = run_child(fmt, raw, rawlen, &text, reason);
        free(raw);
        if (s != WTS_OK) {
            wts_buf_free(&text);
            return s;
        }
        split_child_output(&text, out);
        wts_buf_free(&text);
        out->format = k == KIND_PDF ? WTS_SRC_TEXT : WTS_SRC_MARKDOWN;
        if (wts_utf8_invalid_at(out->data, out->len) != out->len) { /* never trust a child */
            wts_buf_printf(reason, "the %s extractor gave text that is not UTF-8", fmt);
            extracted_free(out);
            return WTS_ERR_PARSE;
        }
        return WTS_OK;
    }
    if (looks_binary(raw, rawlen) && !(rawlen >= 2 && ((unsigned char)raw[0] == 0xFF || (unsigned char)raw[0] == 0xFE))) {
        wts_buf_adds(reason, "binary data, not text");
        free(raw);
        return WTS_ERR_PARSE;
    }
    const char *encoding = "UTF-8";
    s = decode_text(raw, rawlen, &out->data, &out->len, &encoding, reason);
    free(raw);
    if (s != WTS_OK) return s;
    if (looks_binary(out->data, out->len)) {
        wts_buf_adds(reason, "binary data, not text");
        extracted_free(out);
        return WTS_ERR_PARSE;
    }
    out->format = k == KIND_MARKDOWN ? WTS_SRC_MARKDOWN : WTS_SRC_TEXT;
    return WTS_OK;
}

uint64_t extract_hash(const char *data, size_t len) {
    /* FNV-1a, 64 bits: tells a touched file from a changed one */
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)data[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

void extracted_free(extracted *e) {
    free(e->data);
    free(e->title);
    e->data = NULL;
    e->title = NULL;
}
