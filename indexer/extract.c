/* extract.c: the bytes of one file, checked before any parsing.
 *
 * A file that is empty, too large, binary or not UTF-8 is refused here
 * with a reason a person can act on. */
#include "extract.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool has_suffix(const char *path, const char *suffix) {
    size_t a = strlen(path), b = strlen(suffix);
    if (a < b) return false;
    for (size_t i = 0; i < b; i++) {
        char c = path[a - b + i];
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if (c != suffix[i]) return false;
    }
    return true;
}

wts_status extract_file(const char *path, extracted *out, wts_buf *reason) {
    memset(out, 0, sizeof *out);
    out->format = (has_suffix(path, ".md") || has_suffix(path, ".markdown")) ? WTS_SRC_MARKDOWN : WTS_SRC_TEXT;
    static const char *const refused[] = {".pdf", ".docx", ".doc", ".html", ".htm", ".gz", ".zip",
                                          ".xlsx", ".png", ".jpg", ".jpeg", ".gif", NULL};
    for (const char *const *r = refused; *r; r++)
        if (has_suffix(path, *r)) {
            wts_buf_printf(reason, "unsupported format (%s); plain text and Markdown are read", *r);
            return WTS_ERR_PARSE;
        }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        wts_buf_printf(reason, "cannot open: %s", strerror(errno));
        return WTS_ERR_IO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        wts_buf_adds(reason, "not a regular file");
        close(fd);
        return WTS_ERR_IO;
    }
    if ((uint64_t)st.st_size > WTS_MAX_FILE_BYTES) {
        wts_buf_printf(reason, "too large (%lld bytes; the limit is %u)", (long long)st.st_size,
                       WTS_MAX_FILE_BYTES);
        close(fd);
        return WTS_ERR_LIMIT;
    }
    size_t cap = (size_t)st.st_size + 1, len = 0;
    char *data = wts_xmalloc(cap);
    for (;;) {
        if (len + 1 >= cap) { /* the file grew while being read */
            if (cap > WTS_MAX_FILE_BYTES) {
                wts_buf_adds(reason, "grew past the size limit while being read");
                free(data);
                close(fd);
                return WTS_ERR_LIMIT;
            }
            cap *= 2;
            data = wts_xrealloc(data, cap);
        }
        ssize_t n = read(fd, data + len, cap - len - 1);
        if (n < 0) {
            if (errno == EINTR) continue;
            wts_buf_printf(reason, "read error: %s", strerror(errno));
            free(data);
            close(fd);
            return WTS_ERR_IO;
        }
        if (n == 0) break;
        len += (size_t)n;
    }
    close(fd);
    data[len] = '\0';
    out->size = (uint64_t)len;
    out->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    size_t blank = 0;
    while (blank < len && (data[blank] == ' ' || data[blank] == '\n' || data[blank] == '\r' || data[blank] == '\t'))
        blank++;
    if (blank == len) {
        wts_buf_adds(reason, len ? "holds only white space" : "empty file");
        free(data);
        return WTS_ERR_PARSE;
    }
    /* Binary: NUL bytes or many control characters in the first 8 KB. */
    size_t probe = len < 8192 ? len : 8192, controls = 0;
    for (size_t i = 0; i < probe; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == 0) {
            controls = probe;
            break;
        }
        if (c < 32 && c != '\n' && c != '\r' && c != '\t' && c != '\f') controls++;
    }
    if (controls * 20 > probe) {
        wts_buf_adds(reason, "binary data, not text");
        free(data);
        return WTS_ERR_PARSE;
    }
    size_t bad = wts_utf8_invalid_at(data, len);
    if (bad < len) {
        size_t line = 1;
        for (size_t i = 0; i < bad; i++) line += data[i] == '\n';
        wts_buf_printf(reason, "not valid UTF-8 (byte %zu, line %zu)", bad, line);
        free(data);
        return WTS_ERR_PARSE;
    }
    out->data = data;
    out->len = len;
    return WTS_OK;
}

void extracted_free(extracted *e) {
    free(e->data);
    e->data = NULL;
}
