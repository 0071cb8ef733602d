/*
 * libFuzzer target for the portal's form parser (web/form.c) and the HTML
 * escaper. Beyond "no crash, no leak": an accepted form is an object whose
 * values are strings or lists of two or more strings, and re-encoding every
 * field with h_url() and parsing again gives the same object back; escaped
 * text never holds < > " ' or a bare &.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/form.h"
#include "web/html.h"

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "invariant broken: %s\n", what);
        abort();
    }
}

static void add_field(struct buf *b, const char *name, const char *value)
{
    if (b->len)
        buf_putc(b, '&');
    h_url(b, name);
    buf_putc(b, '=');
    h_url(b, value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf err = {0};
    json_t *form = form_parse((const char *)data, size, &err);
    if (!form) {
        check(err.len > 0, "a refused form has a message");
        buf_free(&err);
        return 0;
    }
    struct buf again = {0};
    const char *name;
    json_t *v;
    json_object_foreach(form, name, v) {
        if (json_is_string(v)) {
            add_field(&again, name, json_string_value(v));
        } else {
            check(json_is_array(v) && json_array_size(v) >= 2, "repeated names are lists");
            size_t i;
            json_t *item;
            json_array_foreach(v, i, item) {
                check(json_is_string(item), "list items are strings");
                add_field(&again, name, json_string_value(item));
            }
        }
        struct buf esc = {0};
        h_text(&esc, name);
        check(!strpbrk(buf_str(&esc), "<>\"'`"), "escaped text has no markup characters");
        buf_free(&esc);
    }
    json_t *back = form_parse(again.data ? again.data : "", again.len, &err);
    check(back && json_equal(form, back), "a form survives encoding and parsing");
    json_decref(back);
    json_decref(form);
    buf_free(&again);
    buf_free(&err);
    return 0;
}
