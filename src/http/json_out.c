/*
 * Compact, ASCII-only JSON text of a jansson tree: see json_out.h.
 *
 * The rules are jansson's (dump.c): "\\", "\"" and the short escapes \b \f
 * \n \r \t; any other code point below 0x20 or above 0x7F as \uXXXX with
 * upper-case hex, and a surrogate pair above U+FFFF; '/' and 0x7F as they
 * are; integers in decimal; reals through jansson itself (they are rare
 * here, and its shortest-round-trip formatting is not worth repeating).
 * Runs of characters that need no escape are copied with one memcpy.
 */
#include "http/json_out.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

static const char hex[] = "0123456789ABCDEF";

/* buf_putc and buf_add without a call when there is room (b->data then exists). */
static inline void put_c(struct buf *b, char c)
{
    if (b->len + 2 > b->cap)
        buf_grow(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

static inline void put_n(struct buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap)
        buf_grow(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void put_u16(struct buf *b, unsigned u)
{
    buf_grow(b, 6);
    char *p = b->data + b->len;
    p[0] = '\\';
    p[1] = 'u';
    p[2] = hex[(u >> 12) & 15];
    p[3] = hex[(u >> 8) & 15];
    p[4] = hex[(u >> 4) & 15];
    p[5] = hex[u & 15];
    b->len += 6;
    b->data[b->len] = '\0';
}

static void put_string(struct buf *b, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str, *end = s + len;
    buf_grow(b, len + 2);
    put_c(b, '"');
    while (s < end) {
        const unsigned char *run = s;
        while (s < end && *s >= 0x20 && *s < 0x80 && *s != '"' && *s != '\\')
            s++;
        if (s > run)
            put_n(b, run, (size_t)(s - run));
        if (s == end)
            break;
        unsigned c = *s;
        if (c < 0x80) {
            const char *esc = c == '"'    ? "\\\""
                              : c == '\\' ? "\\\\"
                              : c == '\b' ? "\\b"
                              : c == '\f' ? "\\f"
                              : c == '\n' ? "\\n"
                              : c == '\r' ? "\\r"
                              : c == '\t' ? "\\t"
                                          : NULL;
            if (esc)
                put_n(b, esc, 2);
            else
                put_u16(b, c);
            s++;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode(s, (size_t)(end - s), &cp);
        if (!n) { /* not UTF-8: one replacement character per bad byte */
            put_u16(b, 0xFFFD);
            s++;
            continue;
        }
        if (cp < 0x10000) {
            put_u16(b, cp);
        } else {
            cp -= 0x10000;
            put_u16(b, 0xD800 | ((cp & 0xFFC00) >> 10));
            put_u16(b, 0xDC00 | (cp & 0x3FF));
        }
        s += n;
    }
    put_c(b, '"');
}

static void put_integer(struct buf *b, json_int_t v)
{
    char tmp[24], *p = tmp + sizeof tmp;
    /* via unsigned, so that the most negative value needs no special case */
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    put_n(b, p, (size_t)(tmp + sizeof tmp - p));
}

static void put_value(struct buf *b, const json_t *v, int depth)
{
    VG_ASSERT(v && depth <= JSON_OUT_MAX_DEPTH);
    switch (json_typeof(v)) {
    case JSON_NULL:
        put_n(b, "null", 4);
        break;
    case JSON_TRUE:
        put_n(b, "true", 4);
        break;
    case JSON_FALSE:
        put_n(b, "false", 5);
        break;
    case JSON_INTEGER:
        put_integer(b, json_integer_value(v));
        break;
    case JSON_REAL: {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        VG_ASSERT(s);
        buf_puts(b, s);
        free(s);
        break;
    }
    case JSON_STRING:
        put_string(b, json_string_value(v), json_string_length(v));
        break;
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        put_c(b, '[');
        for (size_t i = 0; i < n; i++) {
            if (i)
                put_c(b, ',');
            put_value(b, json_array_get(v, i), depth + 1);
        }
        put_c(b, ']');
        break;
    }
    case JSON_OBJECT: {
        put_c(b, '{');
        bool first = true;
        for (void *it = json_object_iter((json_t *)v); it;
             it = json_object_iter_next((json_t *)v, it)) {
            if (!first)
                put_c(b, ',');
            first = false;
            put_string(b, json_object_iter_key(it), json_object_iter_key_len(it));
            put_c(b, ':');
            put_value(b, json_object_iter_value(it), depth + 1);
        }
        put_c(b, '}');
        break;
    }
    }
}

void json_out(struct buf *b, const json_t *v)
{
    put_value(b, v, 0);
}
