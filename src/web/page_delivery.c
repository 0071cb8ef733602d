/*
 * /deliveries/{id}: one delivery and its result, for the partner who sent it
 * and the staff who read it. The verdict comes first, in plain words; then
 * the findings grouped by file and by severity (errors first), each with its
 * place, its rule, what is wrong and how to fix it; for a redelivery what
 * changed since the previous result (fixed, still failing, new: the API
 * computes it, so API and CLI users get it too); the files with their sizes
 * and checksums. While the checks run the page says so: static/delivery.js
 * polls the API and reloads the page when the result is in, and without
 * JavaScript a Refresh link does the same.
 *
 * The data is the delivery's view (app/deliveries.h delivery_view: the same
 * policy as the API, another organisation's delivery answers 404), with the
 * partner's name from what the dispatcher loaded for the route's scope and
 * the request's title from the request's own API route. A result can hold up to
 * 10,000 findings: the page shows the first SHOW_PER_GROUP of each file and
 * severity (SHOW_TOTAL in all) and says where the full list is.
 */
#include <stdio.h>
#include <string.h>

#include "app/deliveries.h"
#include "app/requests.h"
#include "base/timefmt.h"
#include "core/role.h"
#include "web/pages.h"
#include "web/web.h"

#define SHOW_PER_GROUP 200
#define SHOW_TOTAL     400
#define SHOW_DIFF      50
#define SHOW_FILES     200
#define OPEN_ERROR_GROUPS 2 /* code groups of errors shown unfolded */

static const char *plural(struct req *r, json_int_t n, const char *one, const char *many)
{
    return arena_printf(&r->arena, "%lld %s", (long long)n, n == 1 ? one : many);
}

/* "4.2 MiB", "812 KiB", "27 bytes". */
static const char *size_text(struct req *r, json_int_t n)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (n < 1024)
        return plural(r, n, "byte", "bytes");
    double v = (double)n / 1024;
    int u = 0;
    while (v >= 1024 && u < 3) {
        v /= 1024;
        u++;
    }
    return arena_printf(&r->arena, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
}

/* 4404019 → "4,404,019". */
static const char *grouped(struct req *r, json_int_t n)
{
    char digits[32], out[48];
    snprintf(digits, sizeof digits, "%lld", (long long)n);
    size_t len = strlen(digits), j = 0;
    for (size_t i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0 && digits[0] != '-')
            out[j++] = ',';
        out[j++] = digits[i];
    }
    out[j] = '\0';
    return arena_strdup(&r->arena, out);
}

static const char *str_of(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/*
 * The place of a finding for people: "sheet Avails, row 12, column F
 * (Territory)", "line 52: /AvailList/Avail[1]/…", "stream 1 at
 * 00:01:02.500"; "the file as a whole" when it has none.
 */
static const char *place_text(struct req *r, const json_t *loc)
{
    struct buf b = {0};
    const char *sheet = str_of(loc, "sheet"), *column = str_of(loc, "column"),
               *header = str_of(loc, "header"), *path = str_of(loc, "path"),
               *timecode = str_of(loc, "timecode");
    json_int_t row = json_integer_value(json_object_get(loc, "row"));
    json_int_t line = json_integer_value(json_object_get(loc, "line"));
    json_t *stream = json_object_get(loc, "stream");
    if (sheet)
        buf_printf(&b, "sheet \"%s\"", sheet);
    if (row)
        buf_printf(&b, "%srow %lld", b.len ? ", " : "", (long long)row);
    if (column) {
        buf_printf(&b, "%scolumn %s", b.len ? ", " : "", column);
        if (header)
            buf_printf(&b, " (%s)", header);
    }
    if (line)
        buf_printf(&b, "%sline %lld", b.len ? ", " : "", (long long)line);
    if (path)
        buf_printf(&b, "%s%s", b.len ? ": " : "", path);
    if (json_is_integer(stream))
        buf_printf(&b, "%sstream %lld", b.len ? ", " : "", (long long)json_integer_value(stream));
    if (timecode)
        buf_printf(&b, "%s%s", b.len ? " at " : "at ", timecode);
    if (!b.len && header)
        buf_printf(&b, "%s", header);
    const char *out = arena_strdup(&r->arena, b.len ? buf_str(&b) : "the file as a whole");
    buf_free(&b);
    return out;
}

/* A finding as the template shows it. */
static json_t *finding_vm(struct req *r, const json_t *f)
{
    const char *sev = str_of(f, "severity");
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:s}", "code", str_of(f, "code") ? str_of(f, "code") : "", "severity",
        sev ? sev : "error", "where", place_text(r, json_object_get(f, "location")), "message",
        str_of(f, "message") ? str_of(f, "message") : "", "fix",
        str_of(f, "fix") ? str_of(f, "fix") : "");
    static const char *const optional[] = {"observed", "normalised", "expected", "clause"};
    for (size_t i = 0; i < sizeof optional / sizeof optional[0]; i++) {
        const char *v = str_of(f, optional[i]);
        if (v && *v)
            json_object_set_new(o, optional[i], json_string(v));
    }
    const char *change = str_of(f, "change");
    if (change && !strcmp(change, "new"))
        json_object_set_new(o, "change_new", json_true());
    else if (change && !strcmp(change, "still_failing"))
        json_object_set_new(o, "change_still", json_true());
    return o;
}

/* An id fit for an HTML id attribute: "file-3". */
static const char *anchor_of(struct req *r, size_t i)
{
    return arena_printf(&r->arena, "file-%zu", i + 1);
}

/*
 * The findings grouped by file (in the delivery's order; findings of no file
 * last), by severity, errors first, and by code, the biggest group first:
 * [{label, anchor, whole, summary, severities: [{severity, label, heading_id,
 * codes: [{code, count, count_text, first_message, open, group_id,
 * findings, more}]}]}]. The page shows each code group folded (<details>)
 * with its count, the first OPEN_ERROR_GROUPS groups of errors open: a
 * result of fifty warnings reads as a handful of lines, every finding's
 * evidence still inside its group.
 */
static json_t *groups_vm(struct req *r, json_t *files, json_t *findings, json_t *file_rows,
                         size_t *shown_total)
{
    size_t n_open = 0, *open_errors = &n_open;
    size_t n_files = json_array_size(files);
    json_t *out = json_array();
    /* slot i < n_files: file i; n_files: other names (not a delivered file); n_files + 1: none */
    for (size_t slot = 0; slot <= n_files + 1; slot++) {
        const char *name = slot < n_files ? str_of(json_array_get(files, slot), "name") : NULL;
        json_t *sev_groups = json_array();
        size_t n_in_file[2] = {0, 0};
        for (int s = 0; s < 2; s++) {
            const char *want = s == 0 ? "error" : "warning";
            /* this file's findings of this severity, grouped by code in first-seen order */
            json_t *codes = json_array(), *by_code = json_object();
            size_t count = 0, n_listed = 0;
            size_t i;
            json_t *f;
            json_array_foreach(findings, i, f) {
                const char *sev = str_of(f, "severity");
                if (!sev || strcmp(sev, want))
                    continue;
                const char *file = str_of(f, "file");
                bool here;
                if (slot < n_files) {
                    here = file && name && !strcmp(file, name);
                } else if (slot == n_files) {
                    here = false;
                    if (file) {
                        here = true;
                        for (size_t k = 0; k < n_files; k++) {
                            const char *fn = str_of(json_array_get(files, k), "name");
                            if (fn && !strcmp(fn, file))
                                here = false;
                        }
                    }
                } else {
                    here = !file;
                }
                if (!here)
                    continue;
                count++;
                const char *code = str_of(f, "code") ? str_of(f, "code") : "";
                json_t *cg = json_object_get(by_code, code);
                if (!cg) {
                    cg = json_pack("{s:s, s:s, s:I, s:s, s:[]}", "code", code, "severity", want,
                                   "count", (json_int_t)0, "first_message",
                                   str_of(f, "message") ? str_of(f, "message") : "", "findings");
                    json_object_set_new(by_code, code, cg);
                    json_array_append(codes, cg);
                }
                json_object_set_new(cg, "count",
                                    json_integer(json_integer_value(json_object_get(cg, "count")) + 1));
                if (n_listed < SHOW_PER_GROUP && *shown_total < SHOW_TOTAL) {
                    json_t *vm = finding_vm(r, f);
                    if (slot == n_files && file)
                        json_object_set_new(vm, "other_file", json_string(file));
                    json_array_append_new(json_object_get(cg, "findings"), vm);
                    n_listed++;
                    (*shown_total)++;
                }
            }
            json_decref(by_code);
            n_in_file[s] = count;
            if (!count) {
                json_decref(codes);
                continue;
            }
            /* the biggest group of a severity first: fixing it clears the most */
            size_t n_codes = json_array_size(codes);
            for (size_t a = 1; a < n_codes; a++)
                for (size_t b = a; b > 0; b--) {
                    json_t *x = json_array_get(codes, b - 1), *y = json_array_get(codes, b);
                    if (json_integer_value(json_object_get(x, "count")) >=
                        json_integer_value(json_object_get(y, "count")))
                        break;
                    json_incref(x);
                    json_array_set(codes, b - 1, y);
                    json_array_set_new(codes, b, x);
                }
            json_t *cg;
            json_array_foreach(codes, i, cg) {
                json_int_t n = json_integer_value(json_object_get(cg, "count"));
                size_t listed = json_array_size(json_object_get(cg, "findings"));
                /* the first groups of errors open (the ones to fix first), the rest folded */
                bool open = s == 0 && *open_errors < OPEN_ERROR_GROUPS;
                if (open)
                    (*open_errors)++;
                json_object_set_new(cg, "open", json_boolean(open));
                json_object_set_new(cg, "count_text",
                                    json_string(plural(r, n, want, s == 0 ? "errors" : "warnings")));
                json_object_set_new(cg, "group_id",
                                    json_string(arena_printf(&r->arena, "g%zu-%s-%zu", slot, want, i)));
                if (listed < (size_t)n)
                    json_object_set_new(
                        cg, "more",
                        json_string(plural(r, n - (json_int_t)listed, "more finding like these is",
                                           "more findings like these are")));
                if (!listed)
                    json_object_set_new(cg, "none_listed", json_true());
            }
            json_t *g = json_pack(
                "{s:s, s:s, s:s, s:o, s:I}", "severity", want, "label",
                s == 0
                    ? plural(r, (json_int_t)count, "error: must be fixed", "errors: must be fixed")
                    : plural(r, (json_int_t)count, "warning: does not fail the delivery",
                             "warnings: do not fail the delivery"),
                "heading_id", arena_printf(&r->arena, "g%zu-%s", slot, want), "codes", codes,
                "n_codes", (json_int_t)n_codes);
            json_array_append_new(sev_groups, g);
        }
        if (slot < n_files) {
            json_t *row = json_array_get(file_rows, slot);
            json_object_set_new(row, "n_errors", json_integer((json_int_t)n_in_file[0]));
            json_object_set_new(row, "n_warnings", json_integer((json_int_t)n_in_file[1]));
            json_object_set_new(row, "clean", json_boolean(!n_in_file[0] && !n_in_file[1]));
        }
        if (!json_array_size(sev_groups)) {
            json_decref(sev_groups);
            continue;
        }
        const char *label = slot < n_files    ? name
                            : slot == n_files ? "Other files named by the delivery"
                                              : "The delivery as a whole";
        json_array_append_new(
            out,
            json_pack("{s:s, s:s, s:b, s:s, s:o}", "label", label ? label : "(no name)", "anchor",
                      slot < n_files ? anchor_of(r, slot)
                                     : arena_printf(&r->arena, "other-%zu", slot),
                      "whole", slot >= n_files, "summary",
                      arena_printf(&r->arena, "%s, %s",
                                   plural(r, (json_int_t)n_in_file[0], "error", "errors"),
                                   plural(r, (json_int_t)n_in_file[1], "warning", "warnings")),
                      "severities", sev_groups));
    }
    return out;
}

/* One list of the comparison with the previous result: [{code, where, message, file}] (capped). */
static json_t *diff_list(struct req *r, const json_t *list, const char *key, json_t *vm)
{
    json_t *out = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(list, i, f) {
        if (i >= SHOW_DIFF)
            break;
        const char *file = str_of(f, "file"), *sev = str_of(f, "severity");
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "code",
                              str_of(f, "code") ? str_of(f, "code") : "", "where",
                              place_text(r, json_object_get(f, "location")), "message",
                              str_of(f, "message") ? str_of(f, "message") : "", "d_file",
                              file ? file : "the delivery", "d_severity", sev ? sev : "error");
        json_array_append_new(out, o);
    }
    if (json_array_size(list) > SHOW_DIFF)
        json_object_set_new(vm, arena_printf(&r->arena, "%s_more", key),
                            json_integer((json_int_t)(json_array_size(list) - SHOW_DIFF)));
    return out;
}

static size_t count_errors(const json_t *list)
{
    size_t n = 0, i;
    json_t *f;
    json_array_foreach(list, i, f) {
        const char *sev = str_of(f, "severity");
        n += sev && !strcmp(sev, "error");
    }
    return n;
}

/* The comparison with the previous delivery's result, or NULL when there is none yet. */
static json_t *diff_vm(struct req *r, const json_t *changes)
{
    if (!json_is_object(changes))
        return NULL;
    const json_t *fixed = json_object_get(changes, "fixed"),
                 *still = json_object_get(changes, "still_failing"),
                 *fresh = json_object_get(changes, "new");
    json_t *vm = json_object();
    json_object_set_new(
        vm, "compared_with",
        json_integer(json_integer_value(json_object_get(changes, "compared_with"))));
    json_object_set_new(vm, "fixed", diff_list(r, fixed, "fixed", vm));
    json_object_set_new(vm, "still", diff_list(r, still, "still", vm));
    json_object_set_new(vm, "fresh", diff_list(r, fresh, "fresh", vm));
    json_object_set_new(vm, "fixed_n", json_integer((json_int_t)json_array_size(fixed)));
    json_object_set_new(vm, "still_n", json_integer((json_int_t)json_array_size(still)));
    json_object_set_new(vm, "fresh_n", json_integer((json_int_t)json_array_size(fresh)));
    size_t fixed_err = count_errors(fixed), still_err = count_errors(still),
           fresh_err = count_errors(fresh);
    json_object_set_new(
        vm, "summary",
        json_string(arena_printf(&r->arena, "%s fixed, %s still failing, %s new.",
                                 plural(r, (json_int_t)fixed_err, "error", "errors"),
                                 plural(r, (json_int_t)still_err, "error", "errors"),
                                 plural(r, (json_int_t)fresh_err, "error", "errors"))));
    if (json_is_true(json_object_get(changes, "file_names_ignored")))
        json_object_set_new(vm, "renamed_ok", json_true());
    if (!json_array_size(fixed) && !json_array_size(still) && !json_array_size(fresh))
        json_object_set_new(vm, "nothing", json_true());
    return vm;
}

/* "3 s", "2 min 5 s", "1 h 4 min". */
static const char *took_text(struct req *r, int64_t s)
{
    if (s < 0)
        s = 0;
    if (s < 60)
        return arena_printf(&r->arena, "%lld s", (long long)s);
    if (s < 3600)
        return arena_printf(&r->arena, "%lld min %lld s", (long long)(s / 60), (long long)(s % 60));
    return web_duration(r, s);
}

void page_delivery(struct req *r)
{
    struct op o;
    req_op_init(r, &o);
    json_t *d;
    int rc = delivery_view(&o, req_param_id(r, 0), &d);
    if (!page_op_done(r, &o, rc))
        return;
    json_int_t id = json_integer_value(json_object_get(d, "id"));
    json_int_t partner_id = json_integer_value(json_object_get(d, "partner"));
    json_int_t request_id = json_integer_value(json_object_get(d, "request"));
    json_int_t n_err = json_integer_value(json_object_get(d, "errors"));
    json_int_t n_warn = json_integer_value(json_object_get(d, "warnings"));
    const char *status = str_of(d, "status") ? str_of(d, "status") : "validating";
    const char *kind = str_of(d, "kind") ? str_of(d, "kind") : "";
    const char *zone = str_of(d, "time_zone");
    bool validating = !strcmp(status, "validating"), passed = !strcmp(status, "passed");

    json_t *vm = json_pack("{s:s, s:I, s:s, s:s, s:b, s:b, s:b}", "title",
                           arena_printf(&r->arena, "Delivery %lld", (long long)id), "id", id,
                           "status", status, "kind_label", web_kind_label(kind), "validating",
                           validating, "passed", passed, "failed", !validating && !passed);
    /* the verdict, in plain words */
    const char *headline, *detail;
    if (validating) {
        headline = "Received: the files are being checked";
        detail = "Your delivery was received and its checksums verified; the time the checks "
                 "take is ours, never counted against your deadline. This page shows the result "
                 "as soon as it is ready.";
    } else if (passed) {
        headline = n_warn ? arena_printf(&r->arena, "Passed, with %s",
                                         plural(r, n_warn, "warning", "warnings"))
                          : "Passed";
        detail = n_warn ? "No errors. The warnings below do not fail the delivery; fixing them in "
                          "your next delivery avoids surprises."
                        : "Every check passed. There is nothing to do.";
    } else {
        headline =
            n_warn ? arena_printf(&r->arena, "Failed with %s and %s",
                                  plural(r, n_err, "error", "errors"),
                                  plural(r, n_warn, "warning", "warnings"))
                   : arena_printf(&r->arena, "Failed with %s", plural(r, n_err, "error", "errors"));
        detail = "Each error below says where it is and how to fix it. Fix them and deliver "
                 "again: the next result shows what was fixed.";
        /* an error that is vodgate's own fault: redelivering does not help, telling us does */
        json_int_t n_ours = 0;
        json_t *f;
        size_t i;
        json_array_foreach(json_object_get(d, "findings"), i, f)
            n_ours += !strcmp(str_of(f, "code") ? str_of(f, "code") : "", "package.file.check_failed");
        if (n_ours == n_err)
            detail = arena_printf(&r->arena,
                                  "vodgate could not finish checking %s: a fault of ours, not of "
                                  "your files. Give your vodgate contact this delivery's number "
                                  "(%lld); delivering the same files again will not help until "
                                  "it is fixed.",
                                  n_ours == 1 ? "a file" : "some files", (long long)id);
        else if (n_ours)
            detail = arena_printf(&r->arena,
                                  "Each error below says where it is and how to fix it. %s "
                                  "vodgate's own (its checker failed on a file): give your "
                                  "vodgate contact this delivery's number (%lld). Fix the others "
                                  "and deliver again.",
                                  n_ours == 1 ? "One of them is" : "Some of them are",
                                  (long long)id);
    }
    json_object_set_new(vm, "headline", json_string(headline));
    json_object_set_new(vm, "detail", json_string(detail));

    /* who and what it answers (the partner: the delivery's owner, loaded for the route) */
    json_t *q = NULL;
    if (r->scoped && r->scoped->have_partner)
        json_object_set_new(
            vm, "partner",
            json_pack("{s:I, s:s}", "partner_id", partner_id, "partner_name",
                      r->scoped->partner.name ? r->scoped->partner.name : "the partner"));
    if (request_id) {
        struct op ro;
        req_op_init(r, &ro);
        if (request_view(&ro, request_id, &q) == 0)
            json_object_set_new(vm, "request",
                                json_pack("{s:I, s:s}", "request_id", request_id, "request_title",
                                          str_of(q, "title") ? str_of(q, "title") : ""));
        op_free(&ro);
    }
    json_int_t previous = json_integer_value(json_object_get(d, "previous"));
    if (previous)
        json_object_set_new(vm, "previous", json_integer(previous));

    /* when */
    int64_t received = 0, validated = 0;
    const char *rt = str_of(d, "received_at"), *vt = str_of(d, "validated_at");
    if (rt && time_parse_rfc3339(rt, &received) == 0) {
        json_object_set_new(vm, "received_iso", json_string(rt));
        const char *local = web_time(r, received, zone), *utc = web_time(r, received, NULL);
        json_object_set_new(vm, "received_local", json_string(local));
        if (strcmp(local, utc)) /* the partner's zone is not at UTC then */
            json_object_set_new(vm, "received_utc", json_string(utc));
        if (zone)
            json_object_set_new(vm, "zone", json_string(zone));
    }
    if (json_is_true(json_object_get(d, "late")))
        json_object_set_new(vm, "late", json_true());
    if (vt && time_parse_rfc3339(vt, &validated) == 0) {
        json_object_set_new(vm, "validated_iso", json_string(vt));
        json_object_set_new(vm, "validated_text", json_string(web_time(r, validated, zone)));
        json_object_set_new(vm, "took", json_string(took_text(r, validated - received)));
    }
    if (str_of(d, "ruleset"))
        json_object_set_new(vm, "ruleset", json_string(str_of(d, "ruleset")));

    /* the files */
    json_t *files = json_object_get(d, "files");
    json_t *file_rows = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f) {
        json_int_t size = json_integer_value(json_object_get(f, "size"));
        json_t *row =
            json_pack("{s:s, s:s, s:s, s:s, s:s}", "name",
                      str_of(f, "name") ? str_of(f, "name") : "(no name)", "size_text",
                      size_text(r, size), "size_bytes", grouped(r, size), "sha256",
                      str_of(f, "sha256") ? str_of(f, "sha256") : "", "anchor", anchor_of(r, i));
        if (str_of(f, "md5"))
            json_object_set_new(row, "md5", json_string(str_of(f, "md5")));
        json_array_append_new(file_rows, row);
    }
    size_t shown = 0;
    json_t *findings = json_object_get(d, "findings");
    if (!validating) {
        json_object_set_new(vm, "groups", groups_vm(r, files, findings, file_rows, &shown));
        if (shown < json_array_size(findings))
            json_object_set_new(vm, "findings_cut",
                                json_pack("{s:I, s:I}", "shown", (json_int_t)shown, "all",
                                          (json_int_t)json_array_size(findings)));
    }
    /* a package may hold up to 1,000 files: the table lists the first SHOW_FILES */
    size_t n_rows = json_array_size(file_rows);
    if (n_rows > SHOW_FILES) {
        while (json_array_size(file_rows) > SHOW_FILES)
            json_array_remove(file_rows, json_array_size(file_rows) - 1);
        json_object_set_new(vm, "files_more", json_integer((json_int_t)(n_rows - SHOW_FILES)));
    }
    json_object_set_new(vm, "files", file_rows);
    json_object_set_new(vm, "n_files", json_integer((json_int_t)json_array_size(files)));
    json_t *diff = diff_vm(r, json_object_get(d, "changes"));
    if (diff)
        json_object_set_new(vm, "diff", diff);
    else if (previous && !validating)
        json_object_set_new(vm, "diff_pending", json_true());

    /* a newer delivery answers the same request: that one's result is the one that counts */
    json_int_t latest = json_integer_value(json_object_get(d, "latest"));
    if (latest)
        json_object_set_new(vm, "latest", json_integer(latest));
    /* what to do next: deliver again (the roles that deliver), unless a newer delivery did */
    if (!validating && !latest && (role_is_org(r->who.role) || r->who.role == ROLE_ADMIN)) {
        const char *href =
            request_id ? arena_printf(&r->arena, "/upload?request=%lld", (long long)request_id)
                       : arena_printf(&r->arena, "/upload?partner=%lld&kind=%s",
                                      (long long)partner_id, kind);
        json_object_set_new(vm, "redeliver_href", json_string(href));
    }
    json_object_set_new(
        vm, "api_href",
        json_string(arena_printf(&r->arena, "/api/v1/deliveries/%lld", (long long)id)));
    json_decref(q);
    json_decref(d);
    page_render(r, 200, "delivery", vm);
}
