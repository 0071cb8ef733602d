/* The form parser: see form.h. */
#include "web/form.h"

#include <stdbool.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..len) ('+' is a space) into out. Returns false on a bad escape. */
static bool decode(const char *s, size_t len, struct buf *out)
{
    buf_reset(out);
    buf_add(out, "", 0);
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (i + 2 >= len)
                return false;
            int a = hexval(s[i + 1]), b = hexval(s[i + 2]);
            if (a < 0 || b < 0)
                return false;
            c = (char)(a * 16 + b);
            i += 2;
        }
        buf_putc(out, c);
    }
    return true;
}

json_t *form_parse(const char *s, size_t len, struct buf *err)
{
    json_t *form = json_object();
    struct buf name = {0}, value = {0};
    size_t pos = 0;
    int n = 0;
    while (pos < len) {
        const char *amp = memchr(s + pos, '&', len - pos);
        size_t end = amp ? (size_t)(amp - s) : len;
        if (end > pos) {
            if (++n > FORM_MAX_FIELDS) {
                buf_printf(err, "the form has more than %d fields", FORM_MAX_FIELDS);
                goto fail;
            }
            const char *eq = memchr(s + pos, '=', end - pos);
            size_t name_end = eq ? (size_t)(eq - s) : end;
            if (!decode(s + pos, name_end - pos, &name) ||
                !decode(eq ? eq + 1 : s + end, eq ? end - name_end - 1 : 0, &value)) {
                buf_puts(err, "the form has a bad %-escape");
                goto fail;
            }
            if (name.len == 0) {
                buf_puts(err, "the form has a field without a name");
                goto fail;
            }
            json_t *v =
                memchr(value.data, 0, value.len) ? NULL : json_stringn(value.data, value.len);
            json_t *key = strlen(buf_str(&name)) == name.len ? json_string(buf_str(&name)) : NULL;
            bool ok = v && key;
            json_decref(key);
            if (!ok) {
                json_decref(v);
                buf_puts(err, "the form is not UTF-8 text (or holds a NUL character)");
                goto fail;
            }
            json_t *old = json_object_get(form, buf_str(&name));
            if (!old) {
                json_object_set_new(form, buf_str(&name), v);
            } else if (json_is_array(old)) {
                json_array_append_new(old, v);
            } else {
                json_t *list = json_pack("[O]", old);
                json_array_append_new(list, v);
                json_object_set_new(form, buf_str(&name), list);
            }
        }
        pos = end + 1;
    }
    buf_free(&name);
    buf_free(&value);
    return form;
fail:
    buf_free(&name);
    buf_free(&value);
    json_decref(form);
    return NULL;
}

const char *form_str(const json_t *form, const char *name)
{
    const json_t *v = json_object_get(form, name);
    if (json_is_array(v))
        v = json_array_get(v, json_array_size(v) - 1);
    return json_is_string(v) ? json_string_value(v) : NULL;
}
