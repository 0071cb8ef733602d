/*
 * The template renderer: see template.h.
 *
 * Two passes. The tokenizer turns the text into a flat array of tokens (text,
 * variable, section open, section close), trimming the lines of standalone
 * section tags as it goes, and pairs every open with its close, so that a
 * malformed template is refused before any value is looked at and template_check
 * needs no values at all. The renderer then walks the array recursively, one
 * level per open section, with a stack of scopes (the root object, then the
 * item of each enclosing section); a name is looked up from the innermost
 * scope outwards. Two budgets bound a hostile template or hostile values: the
 * size of the output and the number of tokens visited, so nested sections over
 * long arrays that print nothing still stop.
 */
#include "core/template.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define MAX_DEPTH 8
#define MAX_NAME  64
#define MAX_WORK  2000000 /* tokens visited per render */

enum tok_type { TOK_TEXT, TOK_VAR, TOK_OPEN, TOK_CLOSE, TOK_INVERT, TOK_PARTIAL, TOK_RAW };
#define MAX_PARTIALS 4 /* partials include partials at most this deep */

struct tok {
    enum tok_type type;
    const char *p; /* the text, or the name */
    size_t len;
    int line;
    size_t match; /* TOK_OPEN: index of its TOK_CLOSE */
};

struct toks {
    struct tok *v;
    size_t n, cap;
};

static void toks_add(struct toks *t, enum tok_type type, const char *p, size_t len, int line)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 32;
        t->v = xrealloc(t->v, t->cap * sizeof *t->v);
    }
    t->v[t->n++] = (struct tok){type, p, len, line, 0};
}

/* True when s[0..len) is well-formed UTF-8 with no NUL byte. */
static bool utf8_ok(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        if (c == 0)
            return false;
        if (c < 0x80) {
            p++;
            continue;
        }
        size_t n;
        unsigned min;
        if (c >= 0xc2 && c <= 0xdf)
            n = 1, min = 0x80, c &= 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            n = 2, min = 0x800, c &= 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            n = 3, min = 0x10000, c &= 0x07;
        else
            return false;
        if ((size_t)(end - p) <= n)
            return false;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            c = (c << 6) | (p[i] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            return false;
        p += n + 1;
    }
    return true;
}

static int line_at(const char *text, const char *p, int first_line)
{
    int line = first_line;
    for (const char *q = text; q < p; q++)
        line += *q == '\n';
    return line;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool name_ok(const char *p, size_t len)
{
    if (len == 0 || len > MAX_NAME)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    }
    return true;
}

static const char *find2(const char *p, const char *end, char c)
{
    for (; p + 1 < end; p++)
        if (p[0] == c && p[1] == c)
            return p;
    return NULL;
}

/*
 * Tokenizes text into t and pairs the sections. first_line is the line number
 * of text's first line in its file. Returns 0 or TEMPLATE_ERR_*.
 */
static int tokenize(const char *text, size_t len, int first_line, bool html, struct toks *t,
                    struct buf *err)
{
    if (!utf8_ok(text, len)) {
        buf_puts(err, "the template is not UTF-8 text (or holds a NUL byte)");
        return TEMPLATE_ERR_SYNTAX;
    }
    const char *end = text + len, *pos = text;
    int line = first_line; /* the line of pos */
    while (pos < end) {
        const char *at = find2(pos, end, '{');
        if (!at) {
            toks_add(t, TOK_TEXT, pos, (size_t)(end - pos), line);
            break;
        }
        int tag_line = line_at(pos, at, line);
        bool triple = html && at + 2 < end && at[2] == '{';
        const char *close = find2(at + 2, end, '}');
        if (!close || (triple && (close + 2 >= end || close[2] != '}'))) {
            buf_printf(err, "line %d: '%s' is not closed with '%s'", tag_line,
                       triple ? "{{{" : "{{", triple ? "}}}" : "}}");
            return TEMPLATE_ERR_SYNTAX;
        }
        const char *in = at + 2 + triple, *in_end = close;
        while (in < in_end && is_blank(*in))
            in++;
        while (in_end > in && is_blank(in_end[-1]))
            in_end--;
        enum tok_type type = triple ? TOK_RAW : TOK_VAR;
        bool comment = html && !triple && in < in_end && *in == '!';
        if (!triple && !comment && in < in_end &&
            (*in == '#' || *in == '/' || (html && (*in == '^' || *in == '>')))) {
            type = *in == '#'   ? TOK_OPEN
                   : *in == '/' ? TOK_CLOSE
                   : *in == '^' ? TOK_INVERT
                                : TOK_PARTIAL;
            for (in++; in < in_end && is_blank(*in); in++)
                ;
        }
        size_t name_len = (size_t)(in_end - in);
        bool dot = type == TOK_VAR && name_len == 1 && *in == '.';
        if (!comment && !dot && !name_ok(in, name_len)) {
            int shown = (int)(close - at + 2 > 80 ? 80 : close - at + 2);
            buf_printf(err, "line %d: '%.*s' is not a variable (names are letters, digits and _)",
                       tag_line, shown, at);
            return TEMPLATE_ERR_SYNTAX;
        }
        if (type == TOK_RAW && (name_len < 5 || memcmp(in + name_len - 5, "_html", 5) != 0)) {
            buf_printf(err,
                       "line %d: '{{{%.*s}}}' would print without escaping: only names ending in "
                       "_html (HTML built by the html_* emitters) may be used raw",
                       tag_line, (int)name_len, in);
            return TEMPLATE_ERR_SYNTAX;
        }
        const char *text_end = at, *next = close + 2 + triple;
        if (comment || (type != TOK_VAR && type != TOK_RAW)) {
            /* A section tag alone on its line takes the line with it. */
            const char *ls = at;
            while (ls > pos && is_blank(ls[-1]))
                ls--;
            const char *re = next;
            while (re < end && is_blank(*re))
                re++;
            bool left = ls == text || ls[-1] == '\n';
            bool right = re == end || *re == '\n' || (*re == '\r' && re + 1 < end && re[1] == '\n');
            if (left && right) {
                text_end = ls;
                next = re == end ? end : re + (*re == '\r' ? 2 : 1);
            }
        }
        if (text_end > pos)
            toks_add(t, TOK_TEXT, pos, (size_t)(text_end - pos), line);
        if (!comment)
            toks_add(t, type, in, name_len, tag_line);
        line = line_at(at, next, tag_line);
        pos = next;
    }
    /* Pair the sections. */
    size_t open[MAX_DEPTH];
    int depth = 0;
    for (size_t i = 0; i < t->n; i++) {
        struct tok *k = &t->v[i];
        if (k->type == TOK_OPEN || k->type == TOK_INVERT) {
            if (depth == MAX_DEPTH) {
                buf_printf(err, "line %d: sections nest deeper than %d", k->line, MAX_DEPTH);
                return TEMPLATE_ERR_LIMIT;
            }
            open[depth++] = i;
        } else if (k->type == TOK_CLOSE) {
            if (depth == 0) {
                buf_printf(err, "line %d: '{{/%.*s}}' closes no section", k->line, (int)k->len,
                           k->p);
                return TEMPLATE_ERR_SYNTAX;
            }
            struct tok *o = &t->v[open[--depth]];
            if (o->len != k->len || memcmp(o->p, k->p, k->len) != 0) {
                buf_printf(err, "line %d: '{{/%.*s}}' does not close '{{%c%.*s}}' of line %d",
                           k->line, (int)k->len, k->p, o->type == TOK_OPEN ? '#' : '^', (int)o->len,
                           o->p, o->line);
                return TEMPLATE_ERR_SYNTAX;
            }
            o->match = i;
        }
    }
    if (depth > 0) {
        struct tok *o = &t->v[open[depth - 1]];
        buf_printf(err, "line %d: '{{%c%.*s}}' is not closed", o->line,
                   o->type == TOK_OPEN ? '#' : '^', (int)o->len, o->p);
        return TEMPLATE_ERR_SYNTAX;
    }
    return 0;
}

struct render {
    const struct toks *t;
    bool html; /* the HTML rules of template_render_html */
    template_partial_fn partial;
    int n_partials;                                          /* partials being rendered, nested */
    const json_t *scope[MAX_DEPTH * (MAX_PARTIALS + 1) + 1]; /* [0] the root; [i] section i's */
    int depth;
    struct buf *out;
    size_t out_start; /* out->len when the render began */
    long work;
    struct buf *err;
};

/* The value of a name, innermost scope first; NULL when missing or null. */
static const json_t *lookup(const struct render *r, const struct tok *k)
{
    if (k->len == 1 && k->p[0] == '.')
        return r->depth > 0 ? r->scope[r->depth] : NULL;
    char name[MAX_NAME + 1];
    memcpy(name, k->p, k->len);
    name[k->len] = '\0';
    for (int i = r->depth; i >= 0; i--) {
        const json_t *v = json_is_object(r->scope[i]) ? json_object_get(r->scope[i], name) : NULL;
        if (v && !json_is_null(v))
            return v;
    }
    return NULL;
}

static const char *type_name(const json_t *v)
{
    return json_is_object(v)    ? "an object"
           : json_is_array(v)   ? "a list"
           : json_is_boolean(v) ? "true or false"
                                : "a number that is not whole";
}

static int put(struct render *r, const char *p, size_t len)
{
    if (r->out->len - r->out_start + len > TEMPLATE_MAX_OUT) {
        buf_printf(r->err, "the rendered text would be larger than %d bytes", TEMPLATE_MAX_OUT);
        return TEMPLATE_ERR_LIMIT;
    }
    buf_add(r->out, p, len);
    return 0;
}

/* Appends s[0..len) HTML-escaped: & < > " ' and ` become character references. */
static int put_escaped(struct render *r, const char *s, size_t len)
{
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        const char *ref = html_ref(s[i]);
        if (!ref)
            continue;
        int rc = put(r, s + from, i - from);
        if (rc == 0)
            rc = put(r, ref, strlen(ref));
        if (rc < 0)
            return rc;
        from = i + 1;
    }
    return put(r, s + from, len - from);
}

/* Mustache truthiness (HTML mode): missing, null, false, "", 0 and [] are false. */
static bool truthy(const json_t *v)
{
    if (!v || json_is_false(v))
        return false;
    if (json_is_array(v))
        return json_array_size(v) > 0;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    if (json_is_integer(v))
        return json_integer_value(v) != 0;
    return true;
}

static int render_range(struct render *r, size_t from, size_t to);

/* Renders partial k with the current scopes. */
static int render_partial(struct render *r, const struct tok *k)
{
    char name[MAX_NAME + 1];
    memcpy(name, k->p, k->len);
    name[k->len] = '\0';
    size_t len = 0;
    const char *text = r->partial ? r->partial(name, &len) : NULL;
    if (!text) {
        buf_printf(r->err, "line %d: there is no partial '%s'", k->line, name);
        return TEMPLATE_ERR_VALUE;
    }
    if (r->n_partials == MAX_PARTIALS) {
        buf_printf(r->err, "line %d: partials nest deeper than %d", k->line, MAX_PARTIALS);
        return TEMPLATE_ERR_LIMIT;
    }
    struct toks t = {0};
    struct buf perr = {0};
    int rc = tokenize(text, len, 1, true, &t, &perr);
    if (rc < 0) {
        buf_printf(r->err, "partial '%s': %s", name, buf_str(&perr));
    } else {
        const struct toks *outer = r->t;
        r->t = &t;
        r->n_partials++;
        rc = render_range(r, 0, t.n);
        r->n_partials--;
        r->t = outer;
    }
    buf_free(&perr);
    free(t.v);
    return rc;
}

/* Renders one variable: text, or a whole number; HTML-escaped in HTML mode unless raw. */
static int render_var(struct render *r, const struct tok *k, const json_t *v)
{
    if (json_is_string(v)) {
        size_t n = json_string_length(v);
        if (memchr(json_string_value(v), 0, n)) {
            buf_printf(r->err, "line %d: the variable '%.*s' holds a NUL character", k->line,
                       (int)k->len, k->p);
            return TEMPLATE_ERR_VALUE;
        }
        if (r->html && k->type == TOK_VAR)
            return put_escaped(r, json_string_value(v), n);
        return put(r, json_string_value(v), n);
    }
    if (json_is_integer(v) && k->type == TOK_VAR) {
        char num[24];
        int n = snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        return put(r, num, (size_t)n);
    }
    buf_printf(r->err, "line %d: the variable '%.*s' is %s, not text", k->line, (int)k->len, k->p,
               json_is_integer(v) ? "a number, not HTML" : type_name(v));
    return TEMPLATE_ERR_VALUE;
}

/* Renders tokens [from, to) of r->t. */
static int render_range(struct render *r, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        const struct tok *k = &r->t->v[i];
        if (++r->work > MAX_WORK) {
            buf_puts(r->err,
                     "the template takes too much work to render (sections over long lists)");
            return TEMPLATE_ERR_LIMIT;
        }
        int rc = 0;
        if (k->type == TOK_TEXT) {
            rc = put(r, k->p, k->len);
        } else if (k->type == TOK_PARTIAL) {
            rc = render_partial(r, k);
        } else {
            const json_t *v = lookup(r, k);
            bool section = k->type == TOK_OPEN || k->type == TOK_INVERT;
            if (!v && !(r->html && section)) {
                if (k->len == 1 && k->p[0] == '.')
                    buf_printf(r->err, "line %d: '{{.}}' is used outside a section", k->line);
                else
                    buf_printf(r->err, "line %d: the variable '%.*s' is missing", k->line,
                               (int)k->len, k->p);
                return TEMPLATE_ERR_VALUE;
            }
            if (!section) {
                rc = render_var(r, k, v);
            } else if (k->type == TOK_INVERT) {
                if (!truthy(v))
                    rc = render_range(r, i + 1, k->match);
                i = k->match;
            } else if (!json_is_array(v) && !r->html) {
                buf_printf(r->err, "line %d: the variable '%.*s' is not a list", k->line,
                           (int)k->len, k->p);
                return TEMPLATE_ERR_VALUE;
            } else if (json_is_array(v)) {
                VG_ASSERT(r->depth + 1 < (int)(sizeof r->scope / sizeof r->scope[0]));
                for (size_t j = 0; j < json_array_size(v) && rc == 0; j++) {
                    r->scope[++r->depth] = json_array_get(v, j);
                    rc = render_range(r, i + 1, k->match);
                    r->depth--;
                }
                i = k->match;
            } else {
                /* HTML mode: a true value renders once, an object lends its members. */
                if (truthy(v)) {
                    bool push = json_is_object(v);
                    VG_ASSERT(r->depth + 1 < (int)(sizeof r->scope / sizeof r->scope[0]));
                    if (push)
                        r->scope[++r->depth] = v;
                    rc = render_range(r, i + 1, k->match);
                    if (push)
                        r->depth--;
                }
                i = k->match;
            }
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int render_at(const char *text, size_t len, int first_line, const json_t *vars,
                     template_partial_fn partial, bool html, struct buf *out, struct buf *err)
{
    struct toks t = {0};
    int rc = tokenize(text, len, first_line, html, &t, err);
    if (rc == 0) {
        json_t *empty = vars ? NULL : json_object();
        struct render r = {.t = &t,
                           .html = html,
                           .partial = partial,
                           .out = out,
                           .out_start = out->len,
                           .err = err};
        r.scope[0] = vars ? vars : empty;
        if (!json_is_object(r.scope[0])) {
            buf_puts(err, "the variables must be a JSON object");
            rc = TEMPLATE_ERR_VALUE;
        } else {
            buf_grow(out, len);  /* a first guess at the size */
            buf_add(out, "", 0); /* out is a valid "" even when nothing is rendered */
            rc = render_range(&r, 0, t.n);
        }
        json_decref(empty);
    }
    free(t.v);
    return rc;
}

int template_check(const char *text, size_t len, struct buf *err)
{
    struct toks t = {0};
    int rc = tokenize(text, len, 1, false, &t, err);
    free(t.v);
    return rc;
}

int template_render(const char *text, size_t len, const json_t *vars, struct buf *out,
                    struct buf *err)
{
    return render_at(text, len, 1, vars, NULL, false, out, err);
}

int template_check_html(const char *text, size_t len, struct buf *err)
{
    struct toks t = {0};
    int rc = tokenize(text, len, 1, true, &t, err);
    free(t.v);
    return rc;
}

int template_render_html(const char *text, size_t len, const json_t *vars,
                         template_partial_fn partial, struct buf *out, struct buf *err)
{
    return render_at(text, len, 1, vars, partial, true, out, err);
}

/* The end of the line that starts at p (its '\n', or end), and where the next one starts. */
static const char *line_end(const char *p, const char *end, const char **next)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    *next = nl ? nl + 1 : end;
    const char *e = nl ? nl : end;
    return e > p && e[-1] == '\r' ? e - 1 : e;
}

int template_mail_split(const char *text, size_t len, struct template_mail *out, struct buf *err)
{
    memset(out, 0, sizeof *out);
    const char *p = text, *end = text + len, *next, *e;
    int line = 1;
    for (; p < end && *p == '#'; p = next, line++) {
        e = line_end(p, end, &next);
        static const char tag[] = "# vars:";
        if ((size_t)(e - p) >= sizeof tag - 1 && !memcmp(p, tag, sizeof tag - 1)) {
            const char *v = p + sizeof tag - 1;
            while (v < e && is_blank(*v))
                v++;
            while (e > v && is_blank(e[-1]))
                e--;
            out->vars = v;
            out->vars_len = (size_t)(e - v);
        }
    }
    static const char subj[] = "Subject:";
    e = line_end(p, end, &next);
    if ((size_t)(e - p) < sizeof subj - 1 || memcmp(p, subj, sizeof subj - 1) != 0) {
        buf_printf(err, "line %d: a mail template starts with 'Subject: ...' (after # comments)",
                   line);
        return TEMPLATE_ERR_SYNTAX;
    }
    const char *s = p + sizeof subj - 1;
    while (s < e && is_blank(*s))
        s++;
    out->subject = s;
    out->subject_len = (size_t)(e - s);
    out->subject_line = line;
    p = next;
    line++;
    e = line_end(p, end, &next);
    if (p == end || e != p) {
        buf_printf(err, "line %d: a blank line must follow the Subject line", line);
        return TEMPLATE_ERR_SYNTAX;
    }
    out->body = next;
    out->body_len = (size_t)(end - next);
    out->body_line = line + 1;
    return 0;
}

int template_mail_check(const char *text, size_t len, struct buf *err)
{
    struct template_mail m;
    int rc = template_mail_split(text, len, &m, err);
    struct toks t = {0};
    if (rc == 0)
        rc = tokenize(m.subject, m.subject_len, m.subject_line, false, &t, err);
    t.n = 0;
    if (rc == 0)
        rc = tokenize(m.body, m.body_len, m.body_line, false, &t, err);
    free(t.v);
    return rc;
}

int template_mail_render(const char *text, size_t len, const json_t *vars, struct buf *subject,
                         struct buf *body, struct buf *err)
{
    struct template_mail m;
    int rc = template_mail_split(text, len, &m, err);
    if (rc < 0)
        return rc;
    struct buf line = {0};
    rc = render_at(m.subject, m.subject_len, m.subject_line, vars, NULL, false, &line, err);
    if (rc == 0)
        rc = render_at(m.body, m.body_len, m.body_line, vars, NULL, false, body, err);
    if (rc == 0) {
        /* One header line: values' line breaks and controls become spaces, then trim. */
        char *s = line.data ? line.data : "";
        for (size_t i = 0; i < line.len; i++)
            if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
                s[i] = ' ';
        size_t a = 0, b = line.len;
        while (a < b && s[a] == ' ')
            a++;
        while (b > a && s[b - 1] == ' ')
            b--;
        if (a == b) {
            buf_printf(err, "line %d: the subject is empty", m.subject_line);
            rc = TEMPLATE_ERR_VALUE;
        } else {
            buf_add(subject, s + a, b - a);
        }
    }
    buf_free(&line);
    return rc;
}
