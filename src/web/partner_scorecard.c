/*
 * The scorecard in the portal: see partner_scorecard.h. The card is the
 * API's (app/scorecards.c); this file only turns its counts into words and
 * hands them to templates/html/partner_scorecard.html.
 */
#include "web/partner_scorecard.h"

#include <math.h>
#include <string.h>

#include "app/scorecards.h"
#include "base/buf.h"
#include "web/web.h"

static json_int_t num(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/*
 * A share as a person reads it: whole percents, but never "100 %" while one
 * is missing nor "0 %" while one counts.
 */
static int percent(json_int_t n, json_int_t of)
{
    int pc = (int)lround(100.0 * (double)n / (double)of);
    if (pc == 100 && n < of)
        pc = 99;
    if (pc == 0 && n > 0)
        pc = 1;
    return pc;
}

/* "80 % <what> (4 of 5)", or none when there is nothing to measure. */
static const char *rate_words(struct req *r, json_t *card, const char *n_key, const char *of_key,
                              const char *what, const char *none)
{
    json_int_t n = num(card, n_key), of = num(card, of_key);
    if (of <= 0)
        return none;
    return arena_printf(&r->arena, "%d %% %s (%lld of %lld)", percent(n, of), what, (long long)n,
                        (long long)of);
}

/* Hours as a person reads them: "30 h", "1.5 h", "3.2 days" beyond two days. */
static const char *hours_words(struct req *r, double h)
{
    if (h >= 48)
        return arena_printf(&r->arena, "%.1f days", h / 24);
    if (h == floor(h))
        return arena_printf(&r->arena, "%.0f h", h);
    return arena_printf(&r->arena, "%.1f h", h);
}

void partner_scorecard_vm(struct req *r, json_t *vm, int64_t partner_id, bool compact)
{
    const char *from = compact ? NULL : req_query(r, "from");
    const char *to = compact ? NULL : req_query(r, "to");
    const char *problem = NULL;
    struct op o;
    json_t *card = NULL;
    req_op_init(r, &o);
    int rc = scorecard_view(&o, partner_id, from, to, &card);
    if (rc == OP_REFUSED && o.err.kind == OP_INVALID) {
        /* a period the reader typed wrong: say so, and show the default one */
        problem = arena_strdup(&r->arena, buf_str(&o.err.message));
        op_free(&o);
        req_op_init(r, &o);
        rc = scorecard_view(&o, partner_id, NULL, NULL, &card);
    }
    op_free(&o);
    if (rc < 0)
        return;
    bool posthouse = json_is_true(json_object_get(json_object_get(card, "partner"), "posthouse"));
    const char *tz = json_string_value(json_object_get(card, "time_zone"));
    const char *f = json_string_value(json_object_get(card, "from"));
    const char *t = json_string_value(json_object_get(card, "to"));
    json_int_t n_fixes = num(card, "fixes"), n_open = num(card, "open_defects"),
               n_del = num(card, "deliveries");
    json_t *fix = json_object_get(card, "median_fix_hours");
    const char *fix_words =
        json_is_number(fix)
            ? arena_printf(&r->arena, "%s from a failed result to its fix (median of %lld fix%s)",
                           hours_words(r, json_number_value(fix)), (long long)n_fixes,
                           n_fixes == 1 ? "" : "es")
            : "No failed result was fixed in this period";
    json_t *open = json_array();
    size_t i;
    json_t *id;
    json_array_foreach(json_object_get(card, "open_defect_deliveries"), i, id) {
        json_int_t d = json_integer_value(id);
        json_array_append_new(
            open, json_pack("{s:s, s:s}", "href",
                            arena_printf(&r->arena, "/deliveries/%lld", (long long)d), "label",
                            arena_printf(&r->arena, "delivery %lld", (long long)d)));
    }
    json_t *sc = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:o, s:b, s:s}",
        "period_words",
        arena_printf(&r->arena, "%s to %s, %s", web_date(r, f), web_date(r, t), tz ? tz : "UTC"),
        "from", f, "to", t, "deliveries_words",
        n_del ? arena_printf(&r->arena, "%lld deliver%s received", (long long)n_del,
                             n_del == 1 ? "y" : "ies")
              : "No delivery received",
        "on_time_words",
        rate_words(r, card, "on_time", "on_time_of", "on time against the 48-hour clock",
                   "No delivery answered a request in this period"),
        "first_pass_words",
        rate_words(r, card, "first_pass", "first_pass_of", "passed at the first delivery",
                   "No first delivery has a result in this period"),
        "fix_words", fix_words, "open_words",
        n_open ? arena_printf(&r->arena,
                              "%lld open defect%s: failed, not yet fixed by a passing "
                              "delivery",
                              (long long)n_open, n_open == 1 ? "" : "s")
               : "No open defect: every failed result has been fixed",
        "scope",
        posthouse ? "Deliveries this posthouse made, for itself and the partners it "
                    "delivers for."
                  : "Deliveries made for this partner, by itself or its posthouse.",
        "pid", arena_printf(&r->arena, "%lld", (long long)partner_id), "problem",
        problem ? problem : "", "compact", compact, "late",
        num(card, "on_time_of") > num(card, "on_time"), "open", open, "has_open", n_open > 0, "api",
        arena_printf(&r->arena, "/api/v1/partners/%lld/scorecard", (long long)partner_id));
    /* the titles: live at the period's end, and the service's own 14-day publish clock */
    json_int_t live = num(card, "titles_live"), pub = num(card, "published_on_time"),
               pub_of = num(card, "published_of");
    json_object_set_new(
        sc, "titles_words",
        json_string(live ? arena_printf(&r->arena,
                                        "%lld title%s live (published in at least one territory) "
                                        "at the end of the period",
                                        (long long)live, live == 1 ? "" : "s")
                         : "No title live (published in any territory) at the end of the period"));
    json_object_set_new(
        sc, "publish_words",
        json_string(pub_of ? arena_printf(&r->arena,
                                          "The service published %lld of %lld on time (%d %%), "
                                          "against its 14-day publish clock",
                                          (long long)pub, (long long)pub_of, percent(pub, pub_of))
                           : "The service published nothing in this period: no publish-on-time "
                             "rate"));
    json_object_set_new(sc, "publish_late", json_boolean(pub_of > pub));
    json_decref(card);
    json_object_set_new(vm, "scorecard", sc);
}
