/*
 * UTF-8 as text that is repeated back: checked, and mended where it is not.
 *
 * Anything a client sends may be any bytes. jansson refuses to build a
 * string that is not UTF-8 (json_pack then returns NULL), so a request's
 * path, query arguments or headers echoed in an answer must be checked at
 * the door or mended first. The rules are RFC 3629's: no overlong forms, no
 * surrogates, nothing past U+10FFFF.
 */
#ifndef VG_UTF8_H
#define VG_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/*
 * Decodes the multi-byte sequence at s (n bytes left, s[0] >= 0x80) into
 * *cp; returns its length (2 to 4), or 0 when it is not UTF-8.
 */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Whether the n bytes at s are UTF-8 (ASCII is). NUL bytes count as text. */
bool utf8_valid(const char *s, size_t n);

/*
 * Appends the n bytes at s to b, each byte that is not part of a UTF-8
 * sequence replaced by U+FFFD, so that the result is always UTF-8.
 * Allocates only by growing b.
 */
void buf_add_utf8(struct buf *b, const char *s, size_t n);

#endif
