/* The HTML emitters: see html.h. */
#include "web/html.h"

#include <stdarg.h>
#include <string.h>

#include "base/mem.h"

void h_raw_(struct buf *b, const char *s, size_t len)
{
    buf_add(b, s, len);
}

void h_text(struct buf *b, const char *s)
{
    const char *from = s;
    for (; *s; s++) {
        const char *ref = html_ref(*s);
        if (!ref)
            continue;
        buf_add(b, from, (size_t)(s - from));
        buf_puts(b, ref);
        from = s + 1;
    }
    buf_add(b, from, (size_t)(s - from));
}

void h_textf(struct buf *b, const char *fmt, ...)
{
    struct buf tmp = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&tmp, fmt, ap);
    va_end(ap);
    h_text(b, buf_str(&tmp));
    buf_free(&tmp);
}

void h_url(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            buf_putc(b, (char)*p);
        } else {
            buf_putc(b, '%');
            buf_putc(b, hex[*p >> 4]);
            buf_putc(b, hex[*p & 15]);
        }
    }
}

void h_url_param(struct buf *b, const char *name, const char *value)
{
    if (!value || !*value)
        return;
    buf_putc(b, b->len ? '&' : '?');
    buf_puts(b, name);
    buf_putc(b, '=');
    h_url(b, value);
}

struct safe_html safe_html_of(const struct buf *b)
{
    return (struct safe_html){buf_str(b)};
}

void vm_set_html(json_t *vm, const char *key, struct safe_html h)
{
    size_t n = strlen(key);
    VG_ASSERT(n > 5 && strcmp(key + n - 5, "_html") == 0);
    json_object_set_new(vm, key, json_string(h.s));
}
