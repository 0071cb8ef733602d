/*
 * A delivery's result, told: see result_mail.h.
 *
 * The findings arrive sorted (check/finding.c), but the message does not
 * rely on it: errors are taken first, whatever their order, so a result
 * with two errors and fifty warnings never shows only warnings.
 */
#include "app/result_mail.h"

#include <string.h>

#include "app/lifecycle_steps.h"
#include "core/deadline.h"

/* "1 error" / "2 errors" (o's arena). */
static const char *count_words(struct op *o, size_t n, const char *one, const char *many)
{
    return arena_printf(o->a, "%zu %s", n, n == 1 ? one : many);
}

static const char *str_or(const json_t *obj, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s && *s ? s : dflt;
}

const char *result_mail_place(struct op *o, const json_t *loc)
{
    struct buf b = {0};
    const char *sheet = str_or(loc, "sheet", NULL), *column = str_or(loc, "column", NULL);
    const char *header = str_or(loc, "header", NULL), *path = str_or(loc, "path", NULL);
    const char *timecode = str_or(loc, "timecode", NULL);
    json_int_t row = json_integer_value(json_object_get(loc, "row"));
    json_int_t line = json_integer_value(json_object_get(loc, "line"));
    json_t *stream = json_object_get(loc, "stream");
    if (sheet)
        buf_printf(&b, ", sheet '%s'", sheet);
    if (row)
        buf_printf(&b, ", row %lld", (long long)row);
    if (column)
        buf_printf(&b, ", column %s", column);
    if (header && (column || !path)) /* an element path names its element already */
        buf_printf(&b, " (%s)", header);
    if (line)
        buf_printf(&b, ", line %lld", (long long)line);
    if (path)
        buf_printf(&b, ", %s", path);
    if (json_is_integer(stream))
        buf_printf(&b, ", stream %lld", (long long)json_integer_value(stream));
    if (timecode)
        buf_printf(&b, " at %s", timecode);
    const char *s = arena_strdup(o->a, b.len ? buf_str(&b) + 2 : "the file as a whole");
    buf_free(&b);
    return s;
}

/* The errors, at most RESULT_MAIL_MAX_ERRORS, with their places; *shown gets how many. */
static json_t *errors_of(struct op *o, const json_t *findings, size_t *shown)
{
    json_t *list = json_array();
    size_t i;
    json_t *f;
    *shown = 0;
    json_array_foreach(findings, i, f) {
        if (strcmp(str_or(f, "severity", ""), "error") || *shown == RESULT_MAIL_MAX_ERRORS)
            continue;
        (*shown)++;
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", str_or(f, "code", "unknown"),
                            "file", str_or(f, "file", "the delivery"), "place",
                            result_mail_place(o, json_object_get(f, "location")), "message",
                            str_or(f, "message", "see the delivery result"), "fix",
                            str_or(f, "fix", "see the delivery result")));
    }
    return list;
}

/* The warnings summed up by code, in the order each code first appears. */
static json_t *warnings_of(struct op *o, const json_t *findings)
{
    json_t *by_code = json_object(), *list = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(findings, i, f) {
        if (strcmp(str_or(f, "severity", ""), "warning"))
            continue;
        const char *code = str_or(f, "code", "unknown");
        json_t *w = json_object_get(by_code, code);
        if (!w) {
            w = json_pack("{s:s, s:i, s:s}", "code", code, "n", 0, "message",
                          str_or(f, "message", ""));
            json_object_set_new(by_code, code, w);
            json_array_append(list, w);
        }
        json_object_set_new(w, "n", json_integer(json_integer_value(json_object_get(w, "n")) + 1));
    }
    json_array_foreach(list, i, f) {
        json_int_t n = json_integer_value(json_object_get(f, "n"));
        json_object_set_new(f, "count",
                            json_string(n == 1 ? "once" : arena_printf(o->a, "%lld times",
                                                                       (long long)n)));
        json_object_del(f, "n");
    }
    json_decref(by_code);
    return list;
}

int result_mail_send(struct op *o, const struct partner *p, const struct delivery_row *d,
                     const struct request_row *r, const json_t *findings, size_t n_errors,
                     size_t n_warnings, bool passed)
{
    json_t *vars = json_pack(
        "{s:s, s:s, s:s, s:s}", "title", r ? r->title : "a self-serve delivery", "delivery",
        arena_printf(o->a, "%lld", (long long)d->id), "kind", d->kind, "link",
        arena_printf(o->a, "%s/deliveries/%lld", o->base_url, (long long)d->id));
    if (passed) {
        json_object_set_new(
            vars, "warnings",
            json_string(n_warnings ? arena_printf(o->a, "%s (see the page)",
                                                  count_words(o, n_warnings, "warning", "warnings"))
                                   : "no warnings"));
    } else {
        size_t shown;
        json_object_set_new(vars, "counts",
                            json_string(arena_printf(
                                o->a, "%s, %s", count_words(o, n_errors, "error", "errors"),
                                count_words(o, n_warnings, "warning", "warnings"))));
        json_object_set_new(vars, "errors", errors_of(o, findings, &shown));
        json_t *more = json_array();
        if (n_errors > shown)
            json_array_append_new(
                more, json_string(arena_printf(o->a, "and %s on the page",
                                               count_words(o, n_errors - shown, "more error",
                                                           "more errors"))));
        json_object_set_new(vars, "more_errors", more);
        json_object_set_new(vars, "warnings", warnings_of(o, findings));
        int64_t due = r ? lifecycle_open_clock_due(o, lifecycle_request_subject(o, r->id),
                                                   deadline_name(DEADLINE_RESPONSE_3WD))
                        : 0;
        json_object_set_new(vars, "respond",
                            json_string(due ? lifecycle_due_words(o, p, due)
                                            : "as soon as you can"));
    }
    /* a posthouse delivering for p is named, and the user of it who delivered is told */
    bool agent = d->delivered_by && d->delivered_by != p->id;
    struct partner ph;
    json_object_set_new(
        vars, "made_by",
        agent ? json_pack("[s]", arena_printf(o->a, "%s made this delivery for %s.",
                                              store_partner_get(o->db, o->a, d->delivered_by,
                                                                &ph) == 0
                                                  ? ph.name
                                                  : "The posthouse",
                                              p->name))
              : json_array());
    const char *tmpl = passed ? "delivery_passed" : "result_failed";
    int rc = lifecycle_send_partner(o, p, tmpl, vars);
    int64_t to[2] = {lifecycle_owner(p), agent ? d->created_by : 0};
    if (rc == 0)
        rc = lifecycle_send_users(o, p, to, 2, tmpl, vars);
    json_decref(vars);
    return rc;
}
