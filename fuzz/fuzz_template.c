/*
 * libFuzzer target for the mail templates (core/template.c) and the mail
 * text they become (core/mailmsg.c). The input is a template, optionally
 * followed by a NUL byte and a JSON object of variables (fixed ones when
 * absent or not JSON). Checks more than "no crash": the syntax check and the
 * renderer agree, output stays within its bound and is UTF-8, a rendered
 * subject is one trimmed line, and the formatted mail has CRLF lines only
 * with nothing but known headers before the body.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "core/mailmsg.h"
#include "core/template.h"

static bool utf8_ok(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        size_t k = c < 0x80 ? 0 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 ? 1 : 9;
        if (k == 9 || i + k >= n)
            return false;
        for (size_t j = 1; j <= k; j++)
            if ((p[i + j] & 0xc0) != 0x80)
                return false;
        i += k + 1;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    const char *text = (const char *)data;
    const uint8_t *nul = memchr(data, 0, len);
    size_t text_len = nul ? (size_t)(nul - data) : len;
    json_t *vars = NULL;
    if (nul)
        vars = json_loadb((const char *)nul + 1, len - text_len - 1, 0, NULL);
    if (!json_is_object(vars)) {
        json_decref(vars);
        vars = json_pack("{s:s, s:i, s:[s, s], s:[{s:s, s:s}], s:s}", "a", "x\r\ny", "n", 3, "list",
                         "one", "two", "rows", "file", "f.xml", "fix", "do", "partner", "Stüdio");
    }
    struct buf out = {0}, err = {0}, subject = {0}, body = {0}, mail = {0};

    int check = template_check(text, text_len, &err);
    buf_reset(&err);
    int rc = template_render(text, text_len, vars, &out, &err);
    if ((check == TEMPLATE_ERR_SYNTAX) != (rc == TEMPLATE_ERR_SYNTAX) &&
        check != TEMPLATE_ERR_LIMIT)
        abort();
    if (rc != 0 && err.len == 0)
        abort();
    if (rc == 0 &&
        (out.len > TEMPLATE_MAX_OUT || !utf8_ok((unsigned char *)buf_str(&out), out.len)))
        abort();

    /* HTML mode: the same agreement, and no value reaches the page unescaped: the variables
       hold markup characters, so a '<' in the output must come from the template itself. */
    buf_reset(&err);
    buf_reset(&out);
    json_object_set_new(vars, "h", json_string("<i>\"'&`"));
    check = template_check_html(text, text_len, &err);
    buf_reset(&err);
    rc = template_render_html(text, text_len, vars, NULL, &out, &err);
    if ((check == TEMPLATE_ERR_SYNTAX) != (rc == TEMPLATE_ERR_SYNTAX) &&
        check != TEMPLATE_ERR_LIMIT)
        abort();
    if (rc != 0 && err.len == 0)
        abort();
    if (rc == 0 && !memmem(text, text_len, "<i>", 3) && memmem(buf_str(&out), out.len, "<i>", 3))
        abort();

    buf_reset(&err);
    rc = template_mail_render(text, text_len, vars, &subject, &body, &err);
    if (rc == 0) {
        const char *s = buf_str(&subject);
        if (!subject.len || s[0] == ' ' || s[subject.len - 1] == ' ')
            abort();
        for (size_t i = 0; i < subject.len; i++)
            if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
                abort();
        struct mail_message m = {"vodgate@example.com", "p@example.com",   s,
                                 buf_str(&body),        "<x@example.com>", 1795795200};
        mailmsg_format(&m, &mail);
        const char *t = buf_str(&mail);
        for (size_t i = 0; i < mail.len; i++)
            if ((t[i] == '\n' && (i == 0 || t[i - 1] != '\r')) ||
                (t[i] == '\r' && (i + 1 == mail.len || t[i + 1] != '\n')))
                abort();
        const char *end = strstr(t, "\r\n\r\n");
        if (!end)
            abort();
        int n_lines = 0;
        for (const char *p = t; p < end; p = strstr(p, "\r\n") + 2)
            n_lines += *p != ' '; /* folds continue the subject */
        if (n_lines != 9)
            abort();
    }
    json_decref(vars);
    buf_free(&out);
    buf_free(&err);
    buf_free(&subject);
    buf_free(&body);
    buf_free(&mail);
    return 0;
}
