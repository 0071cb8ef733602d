/*
 * UTF-8 checks and mending: see utf8.h.
 */
#include "base/utf8.h"

size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0];
    size_t len;
    uint32_t v;
    if (c < 0xC2 || c > 0xF4)
        return 0;
    if (c < 0xE0)
        len = 2, v = c & 0x1F;
    else if (c < 0xF0)
        len = 3, v = c & 0x0F;
    else
        len = 4, v = c & 0x07;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    /* overlong forms, surrogates and values past U+10FFFF */
    if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

bool utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str, *end = s + n;
    while (s < end) {
        if (*s < 0x80) {
            s++;
            continue;
        }
        uint32_t cp;
        size_t len = utf8_decode(s, (size_t)(end - s), &cp);
        if (!len)
            return false;
        s += len;
    }
    return true;
}

void buf_add_utf8(struct buf *b, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str, *end = s + n;
    while (s < end) {
        const unsigned char *run = s;
        uint32_t cp;
        size_t len = 0;
        while (s < end && (*s < 0x80 || (len = utf8_decode(s, (size_t)(end - s), &cp)) != 0))
            s += *s < 0x80 ? 1 : len;
        if (s > run)
            buf_add(b, run, (size_t)(s - run));
        if (s < end) {
            buf_add(b, "\xEF\xBF\xBD", 3); /* U+FFFD for the one bad byte */
            s++;
        }
    }
}
