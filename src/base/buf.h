/*
 * A growable byte buffer that knows its length (Fossil's Blob, Redis' sds).
 *
 * The data is always NUL-terminated so it can be passed to C string
 * functions, but it may also hold binary bytes; len is authoritative.
 * A zeroed struct buf is a valid empty buffer. buf_free() releases it;
 * buf_detach() hands the malloc'd string to the caller.
 */
#ifndef VG_BUF_H
#define VG_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "base/mem.h"

struct buf {
    char *data; /* NUL-terminated, NULL while nothing was ever added */
    size_t len; /* bytes in use, not counting the NUL */
    size_t cap; /* bytes allocated */
};

void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
/*
 * The character reference that stands for c in HTML text and in quoted
 * attribute values (& < > " ' and `), or NULL when c stands for itself. The
 * one escaping table of the HTML templates and the C emitters.
 */
const char *html_ref(char c);
void buf_printf(struct buf *b, const char *fmt, ...) VG_PRINTF(2, 3);
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) VG_PRINTF(2, 0);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* Returns the contents as a malloc'd string owned by the caller; b is left empty. */
char *buf_detach(struct buf *b);
/* Returns the contents, "" when empty; valid until the next change of b. */
const char *buf_str(const struct buf *b);

#endif
