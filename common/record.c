/* record.c: the stored record of a file, and of one paragraph of it.
 *
 * An index document is a file; its stored record (write.c) holds the
 * file's fields and its paragraphs, lists left out when empty.  A hit, a
 * document view and the check read paragraphs from it in the shape README
 * gives for a hit. */
#include "wts.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const file_keys[] = {"path", "symbol", "symbols", "title", "date", "doc_lang"};
static const char *const para_strings[] = {"para", "kind", "lang", "text"};
static const char *const para_lists[] = {"members", "acting", "topics", "cites", "dates"};

wts_record *wts_record_parse(const char *data, size_t len) {
    json_error_t err;
    json_t *o = data ? json_loadb(data, len, 0, &err) : NULL;
    if (o && !json_is_object(o)) {
        json_decref(o);
        o = NULL;
    }
    return (wts_record *)o;
}

void wts_record_free(wts_record *r) { json_decref((json_t *)r); }

size_t wts_record_nparas(const wts_record *file) {
    return json_array_size(json_object_get((const json_t *)file, "paras"));
}

wts_record *wts_record_paragraph(const wts_record *file, size_t k) {
    const json_t *f = (const json_t *)file;
    json_t *p = json_array_get(json_object_get(f, "paras"), k);
    if (!json_is_object(p)) return NULL;
    json_t *o = json_object();
    for (size_t i = 0; i < sizeof file_keys / sizeof file_keys[0]; i++) {
        json_t *v = json_object_get(f, file_keys[i]);
        json_object_set(o, file_keys[i], v ? v : json_null());
    }
    for (size_t i = 0; i < sizeof para_strings / sizeof para_strings[0]; i++) {
        json_t *v = json_object_get(p, para_strings[i]);
        json_object_set(o, para_strings[i], v ? v : json_null());
    }
    json_object_set_new(o, "ord", json_integer((json_int_t)k));
    /* the heading it stands under: the last one before it */
    for (size_t j = k; j-- > 0;) {
        json_t *h = json_array_get(json_object_get(f, "paras"), j);
        const char *kind = json_string_value(json_object_get(h, "kind"));
        if (kind && strcmp(kind, "heading") == 0) {
            json_t *t = json_object_get(h, "text");
            if (json_is_string(t)) json_object_set(o, "section", t);
            break;
        }
    }
    for (size_t i = 0; i < sizeof para_lists / sizeof para_lists[0]; i++) {
        json_t *v = json_object_get(p, para_lists[i]);
        if (json_is_array(v))
            json_object_set(o, para_lists[i], v);
        else
            json_object_set_new(o, para_lists[i], json_array());
    }
    return (wts_record *)o;
}

const char *wts_record_string(const wts_record *r, const char *key) {
    return json_string_value(json_object_get((const json_t *)r, key));
}
