/*
 * Findings: see finding.h. Strings are copied with xstrdup; a finding owns
 * them until findings_free.
 */
#include "check/finding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

static const char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

void findings_add(struct findings *fs, const struct finding *f)
{
    if (f->severity == SEV_ERROR)
        fs->n_errors++;
    else
        fs->n_warnings++;
    size_t max = fs->max ? fs->max : 10000;
    if (fs->n >= max) {
        fs->dropped++;
        return;
    }
    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? fs->cap * 2 : 16;
        fs->items = xrealloc(fs->items, fs->cap * sizeof *fs->items);
    }
    struct finding *c = &fs->items[fs->n++];
    *c = *f;
    c->code = dup_or_null(f->code);
    c->file = dup_or_null(f->file);
    c->sheet = dup_or_null(f->sheet);
    c->column = dup_or_null(f->column);
    c->header = dup_or_null(f->header);
    c->path = dup_or_null(f->path);
    c->timecode = dup_or_null(f->timecode);
    c->observed = dup_or_null(f->observed);
    c->normalised = f->normalised && f->observed && !strcmp(f->normalised, f->observed)
                        ? NULL
                        : dup_or_null(f->normalised);
    c->expected = dup_or_null(f->expected);
    c->clause = dup_or_null(f->clause);
    c->message = dup_or_null(f->message);
    c->fix = dup_or_null(f->fix);
}

void findings_vadd(struct findings *fs, const struct finding *f, const char *fmt, va_list ap)
{
    struct buf msg = {0};
    buf_vprintf(&msg, fmt, ap);
    struct finding g = *f;
    g.message = buf_str(&msg);
    findings_add(fs, &g);
    buf_free(&msg);
}

void findings_free(struct findings *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        struct finding *c = &fs->items[i];
        free((char *)c->code);
        free((char *)c->file);
        free((char *)c->sheet);
        free((char *)c->column);
        free((char *)c->header);
        free((char *)c->path);
        free((char *)c->timecode);
        free((char *)c->observed);
        free((char *)c->normalised);
        free((char *)c->expected);
        free((char *)c->clause);
        free((char *)c->message);
        free((char *)c->fix);
    }
    free(fs->items);
    memset(fs, 0, sizeof *fs);
}

bool findings_pass(const struct findings *fs)
{
    return fs->n_errors == 0;
}

static void set_str(json_t *o, const char *key, const char *v)
{
    if (v)
        json_object_set_new(o, key, json_string(v));
}

json_t *findings_json(const struct findings *fs)
{
    json_t *list = json_array();
    for (size_t i = 0; i < fs->n; i++) {
        const struct finding *f = &fs->items[i];
        json_t *o = json_object();
        set_str(o, "code", f->code);
        set_str(o, "severity", f->severity == SEV_ERROR ? "error" : "warning");
        set_str(o, "file", f->file);
        json_t *loc = json_object();
        set_str(loc, "sheet", f->sheet);
        if (f->row)
            json_object_set_new(loc, "row", json_integer(f->row));
        set_str(loc, "column", f->column);
        set_str(loc, "header", f->header);
        if (f->line)
            json_object_set_new(loc, "line", json_integer(f->line));
        set_str(loc, "path", f->path);
        if (f->stream >= 0 && (f->timecode || f->stream > 0))
            json_object_set_new(loc, "stream", json_integer(f->stream));
        set_str(loc, "timecode", f->timecode);
        json_object_set_new(o, "location", loc);
        set_str(o, "observed", f->observed);
        set_str(o, "normalised", f->normalised);
        set_str(o, "expected", f->expected);
        set_str(o, "clause", f->clause);
        set_str(o, "message", f->message);
        set_str(o, "fix", f->fix);
        json_array_append_new(list, o);
    }
    return list;
}

char *findings_text(const struct findings *fs)
{
    struct buf b = {0};
    for (size_t i = 0; i < fs->n; i++) {
        const struct finding *f = &fs->items[i];
        buf_printf(&b, "%s: %s", f->severity == SEV_ERROR ? "error" : "warning",
                   f->file ? f->file : "");
        if (f->sheet)
            buf_printf(&b, " sheet '%s'", f->sheet);
        if (f->row)
            buf_printf(&b, " row %lld", (long long)f->row);
        if (f->column)
            buf_printf(&b, " column %s", f->column);
        if (f->header)
            buf_printf(&b, " (%s)", f->header);
        if (f->line)
            buf_printf(&b, " line %lld", (long long)f->line);
        if (f->path)
            buf_printf(&b, " %s", f->path);
        if (f->timecode)
            buf_printf(&b, " stream %d at %s", f->stream, f->timecode);
        buf_printf(&b, " [%s]\n  %s\n", f->code, f->message ? f->message : "");
        if (f->observed) {
            buf_printf(&b, "  found: \"%s\"", f->observed);
            if (f->normalised)
                buf_printf(&b, " (read as \"%s\")", f->normalised);
            buf_putc(&b, '\n');
        }
        if (f->expected)
            buf_printf(&b, "  expected: %s\n", f->expected);
        if (f->fix)
            buf_printf(&b, "  fix: %s\n", f->fix);
        if (f->clause)
            buf_printf(&b, "  rule: %s\n", f->clause);
    }
    if (fs->dropped)
        buf_printf(&b, "... and %zu more findings not shown\n", fs->dropped);
    return buf_detach(&b);
}

static int cmp_int(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_finding(const void *x, const void *y)
{
    const struct finding *a = x, *b = y;
    int c = cmp_str(a->file, b->file);
    if (!c)
        c = cmp_int(a->row, b->row);
    if (!c)
        c = cmp_int(a->line, b->line);
    if (!c)
        c = cmp_str(a->column, b->column);
    if (!c)
        c = cmp_int(a->stream, b->stream);
    if (!c)
        c = cmp_str(a->code, b->code);
    return c;
}

void findings_sort(struct findings *fs)
{
    if (fs->n > 1)
        qsort(fs->items, fs->n, sizeof *fs->items, cmp_finding);
}
