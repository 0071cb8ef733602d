/*
 * /plan: the planner (SPEC section 3), for staff, and for a partner (or a
 * posthouse) user about its own organisation only: its own partner is the
 * one choice, no prospect, and another organisation named in the URL is a
 * 404 like a missing one. A GET form (bookmarkable:
 * /plan?target=2027-03-01&partner=12) names the target publish date and
 * either a partner or a prospect (its zone, whether it is a Channels
 * partner); the answer is GET /api/v1/plan's (app/planner.c, asked the same
 * query), shown as a verdict, the key dates in words, what is late or at risk, the
 * steps as a table and as an SVG bar chart built here with the emitters of
 * web/html.h, and the onboarded posthouses that fit when one is needed.
 *
 * Dates are local days ("YYYY-MM-DD", in the partner's zone) as the API gives
 * them; a step runs from the day after "from" to "to", both counted like a
 * calendar_days clock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/clocks.h"
#include "app/launch.h"
#include "app/planner.h"
#include "app/scope.h"
#include "base/timefmt.h"
#include "core/deadline.h"
#include "core/planner.h"
#include "web/pages.h"
#include "web/web.h"

#define PLAN_PARTNER_CHOICES 1000 /* partners offered in the form's select */

/* The day number of "YYYY-MM-DD" (a JSON string), or PLAN_NO_DAY. */
static int64_t day_of(const json_t *v)
{
    struct civil_date d;
    const char *s = json_string_value(v);
    if (!s || date_parse(s, &d) < 0)
        return PLAN_NO_DAY;
    return days_from_civil(d.year, d.month, d.day);
}

static const char *const weekday_names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                            "Thursday", "Friday", "Saturday"};
static const char *const month_names[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

/* A day in words: "Sunday 6 December 2026". From the request's arena. */
static const char *day_words(struct req *r, int64_t day)
{
    if (day == PLAN_NO_DAY)
        return "not known yet";
    struct civil_date d = civil_from_days(day);
    return arena_printf(&r->arena, "%s %d %s %d", weekday_names[weekday_from_days(day) % 7], d.day,
                        month_names[(d.month - 1) % 12], d.year);
}

/* "in 3 days", "today", "2 days ago". */
static const char *days_from_today(struct req *r, int64_t n)
{
    if (n == 0)
        return "today";
    if (n == 1)
        return "tomorrow";
    if (n == -1)
        return "yesterday";
    return n > 0 ? arena_printf(&r->arena, "in %lld days", (long long)n)
                 : arena_printf(&r->arena, "%lld days ago", (long long)-n);
}

static const char *step_label(const char *name)
{
    if (!strcmp(name, "setup"))
        return "Account setup";
    if (!strcmp(name, "training"))
        return "Training";
    if (!strcmp(name, "publishing"))
        return "Publishing";
    if (!strcmp(name, "channels_launch"))
        return "Channels launch timeline";
    return name;
}

static const char *status_label(const char *status)
{
    if (!strcmp(status, "done"))
        return "Done";
    if (!strcmp(status, "in_progress"))
        return "In progress";
    if (!strcmp(status, "planned"))
        return "Planned";
    if (!strcmp(status, "skipped"))
        return "Skipped";
    return status;
}

/* ---- the chart ---- */

#define CHART_W     760 /* viewBox width */
#define CHART_LABEL 170 /* the column of step names */
#define CHART_RIGHT 24
#define CHART_TOP   44
#define CHART_ROW   34

struct axis {
    int64_t start, end; /* days at the left and right edges */
};

static int x_of(const struct axis *a, int64_t day)
{
    int64_t span = a->end - a->start, w = CHART_W - CHART_LABEL - CHART_RIGHT;
    if (day < a->start)
        day = a->start;
    if (day > a->end)
        day = a->end;
    return CHART_LABEL + (int)((day - a->start) * w / span);
}

static void svg_line(struct buf *b, int x1, int y1, int x2, int y2, const char *cls)
{
    h_lit(b, "<line x1=\"");
    h_textf(b, "%d", x1);
    h_lit(b, "\" y1=\"");
    h_textf(b, "%d", y1);
    h_lit(b, "\" x2=\"");
    h_textf(b, "%d", x2);
    h_lit(b, "\" y2=\"");
    h_textf(b, "%d", y2);
    h_lit(b, "\" class=\"");
    h_text(b, cls);
    h_lit(b, "\"/>");
}

static void svg_text(struct buf *b, int x, int y, const char *anchor, const char *cls,
                     const char *text)
{
    h_lit(b, "<text x=\"");
    h_textf(b, "%d", x);
    h_lit(b, "\" y=\"");
    h_textf(b, "%d", y);
    h_lit(b, "\" text-anchor=\"");
    h_text(b, anchor);
    h_lit(b, "\" class=\"");
    h_text(b, cls);
    h_lit(b, "\">");
    h_text(b, text);
    h_lit(b, "</text>");
}

/* Month ticks along the top: at most about a dozen, whatever the span. */
static void chart_months(struct buf *b, const struct axis *a, int bottom)
{
    static const char *const abbr[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct civil_date d = civil_from_days(a->start);
    int64_t months = (a->end - a->start) / 30 + 1;
    int step = months > 12 ? (int)((months + 11) / 12) : 1;
    int y = d.year, m = d.month;
    for (;;) {
        m += 1;
        if (m > 12) {
            m = 1;
            y++;
        }
        int64_t day = days_from_civil(y, m, 1);
        if (day >= a->end)
            break;
        if ((m - 1) % step)
            continue;
        int x = x_of(a, day);
        svg_line(b, x, CHART_TOP - 12, x, bottom, "grid");
        char label[24];
        snprintf(label, sizeof label, m == 1 || step > 1 ? "%s %d" : "%s", abbr[m - 1], y);
        svg_text(b, x + 3, CHART_TOP - 16, "start", "tick", label);
    }
}

/*
 * The steps as horizontal bars on a day axis from today to past the later of
 * the target and the earliest date, with today and the target marked. The
 * chart repeats the table: it has a text alternative and is not the only
 * place any fact is shown.
 */
static void chart(struct req *r, struct buf *b, const json_t *plan)
{
    int64_t today = day_of(json_object_get(plan, "today"));
    int64_t target = day_of(json_object_get(plan, "target"));
    int64_t earliest = day_of(json_object_get(plan, "earliest"));
    const json_t *steps = json_object_get(plan, "steps");
    struct axis a = {today, today + 1};
    if (target != PLAN_NO_DAY && target < a.start)
        a.start = target - 1;
    if (target != PLAN_NO_DAY && target > a.end)
        a.end = target;
    if (earliest != PLAN_NO_DAY && earliest > a.end)
        a.end = earliest;
    size_t i;
    const json_t *s;
    json_array_foreach(steps, i, s) {
        int64_t to = day_of(json_object_get(s, "to"));
        if (to != PLAN_NO_DAY && to > a.end)
            a.end = to;
    }
    a.end += (a.end - a.start) / 20 + 2;
    size_t n = json_array_size(steps);
    int bottom = CHART_TOP + (int)n * CHART_ROW;
    int height = bottom + 30;
    h_lit(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plan-chart\" viewBox=\"0 0 ");
    h_textf(b, "%d %d", CHART_W, height);
    h_lit(b, "\" role=\"img\" aria-labelledby=\"plan-chart-title plan-chart-desc\">"
             "<title id=\"plan-chart-title\">The plan as a bar chart</title>"
             "<desc id=\"plan-chart-desc\">");
    h_textf(b, "Each step as a bar from its first to its last day; today is %s, the target %s",
            day_words(r, today), day_words(r, target));
    h_lit(b, ". The table above gives the same dates.</desc>");
    chart_months(b, &a, bottom);
    json_array_foreach(steps, i, s) {
        int y = CHART_TOP + (int)i * CHART_ROW;
        const char *name = json_string_value(json_object_get(s, "name"));
        const char *status = json_string_value(json_object_get(s, "status"));
        int64_t from = day_of(json_object_get(s, "from")), to = day_of(json_object_get(s, "to"));
        int64_t overdue = json_integer_value(json_object_get(s, "overdue"));
        svg_text(b, 8, y + 21, "start", "step",
                 name && !strcmp(name, "channels_launch") ? "Launch timeline"
                                                          : step_label(name ? name : ""));
        if (from == PLAN_NO_DAY || to == PLAN_NO_DAY) {
            svg_text(b, CHART_LABEL + 6, y + 21, "start", "note",
                     status && !strcmp(status, "done")      ? "done"
                     : status && !strcmp(status, "skipped") ? "skipped"
                                                            : "no date yet");
            continue;
        }
        int x1 = x_of(&a, from), x2 = x_of(&a, to);
        if (x2 - x1 < 3)
            x2 = x1 + 3;
        bool late = overdue > 0 || (target != PLAN_NO_DAY && to > target);
        h_lit(b, "<rect x=\"");
        h_textf(b, "%d", x1);
        h_lit(b, "\" y=\"");
        h_textf(b, "%d", y + 7);
        h_lit(b, "\" width=\"");
        h_textf(b, "%d", x2 - x1);
        h_lit(b, "\" height=\"20\" rx=\"3\" class=\"bar s-");
        h_text(b, status ? status : "planned");
        if (late)
            h_lit(b, " late");
        h_lit(b, "\"><title>");
        h_textf(b, "%s: %s to %s", step_label(name ? name : ""), day_words(r, from + 1),
                day_words(r, to));
        h_lit(b, "</title></rect>");
        char days[32];
        snprintf(days, sizeof days, "%lld d", (long long)(to - from));
        if (x2 + 46 < CHART_W)
            svg_text(b, x2 + 4, y + 21, "start", "note", days);
    }
    int xt = x_of(&a, today);
    svg_line(b, xt, CHART_TOP - 6, xt, bottom, "today");
    svg_text(b, xt + 3, 12, "start", "today-label", "today");
    if (target != PLAN_NO_DAY) {
        int x = x_of(&a, target);
        bool ok = earliest == PLAN_NO_DAY || target >= earliest;
        svg_line(b, x, CHART_TOP - 6, x, bottom + 6, ok ? "target ok" : "target bad");
        struct civil_date d = civil_from_days(target);
        char label[40];
        snprintf(label, sizeof label, "target %d %.3s", d.day, month_names[(d.month - 1) % 12]);
        svg_text(b, x, bottom + 22, x > CHART_W - 60 ? "end" : "middle",
                 ok ? "target-label ok" : "target-label bad", label);
    }
    h_lit(b, "</svg>");
}

/* ---- the view ---- */

/*
 * The form. An organisation's user plans for itself only: its own
 * organisation is the one choice (own_name), no prospect, no other partner.
 */
static json_t *form_model(struct req *r, int64_t partner_id, const char *own_name,
                          const char *own_stage, const char *target)
{
    const char *zone = req_query(r, "time_zone"), *channels = req_query(r, "channels");
    bool more = false;
    json_t *choices;
    if (own_name)
        choices = json_pack("[{s:I, s:s, s:s, s:b}]", "id", (json_int_t)partner_id, "name",
                            own_name, "stage_label", own_stage ? own_stage : "", "selected", true);
    else
        choices = web_partner_choices(r, partner_id, PLAN_PARTNER_CHOICES, &more);
    return json_pack("{s:s, s:s, s:b, s:o, s:b, s:b, s:b}", "target", target ? target : "",
                     "time_zone", zone ? zone : "", "channels",
                     channels && !strcmp(channels, "true"), "partners", choices, "more_partners",
                     more, "prospect", partner_id == 0 && !own_name, "own", own_name != NULL);
}

/* Adds a key date to list, kept in date order: {what, when (in words), relative, day, class}. */
static void add_date(json_t *list, struct req *r, int64_t today, const char *what, int64_t day,
                     const char *cls)
{
    if (day == PLAN_NO_DAY)
        return;
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:I, s:s}", "what", what, "when", day_words(r, day), "relative",
                  days_from_today(r, day - today), "day", (json_int_t)day, "class", cls);
    size_t i, at = json_array_size(list);
    json_t *e;
    json_array_foreach(list, i, e) {
        if (json_integer_value(json_object_get(e, "day")) > day) {
            at = i;
            break;
        }
    }
    json_array_insert_new(list, at, o);
}

/* The launch milestones a plm set for a Channels partner, as key dates. */
static void add_milestones(struct req *r, json_t *dates, int64_t today, int64_t pid,
                           const char *zone)
{
    json_t *ans = NULL;
    struct op o;
    req_op_init(r, &o);
    int rc = clocks_of_partner(&o, pid, &ans);
    op_free(&o);
    if (rc < 0)
        return;
    const struct zone *z;
    if (zone_open(zone, &z) < 0)
        z = NULL;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(ans, "clocks"), i, c) {
        const char *kind = json_string_value(json_object_get(c, "kind"));
        const char *due = json_string_value(json_object_get(c, "due_at"));
        int64_t t;
        if (deadline_parse(kind) != DEADLINE_MILESTONE || !due || time_parse_rfc3339(due, &t) < 0 ||
            !z)
            continue;
        const char *label = json_string_value(json_object_get(c, "label"));
        add_date(dates, r, today,
                 arena_printf(&r->arena, "Launch milestone: %s", label ? label : "(no name)"),
                 zone_local_day(z, t), "milestone");
    }
    json_decref(ans);
}

/* One line of "late or at risk": kind "bad" or "warn", badge its one-word tag. */
static json_t *risk(const char *kind, const char *badge, const char *text)
{
    return json_pack("{s:s, s:s, s:s}", "kind", kind, "badge", badge, "text", text);
}

/* The result part of the view model, from the API's plan. */
static json_t *result_model(struct req *r, json_t *plan, const json_t *partner)
{
    int64_t today = day_of(json_object_get(plan, "today"));
    int64_t target = day_of(json_object_get(plan, "target"));
    int64_t earliest = day_of(json_object_get(plan, "earliest"));
    bool feasible = json_is_true(json_object_get(plan, "feasible"));
    bool needs_posthouse = json_is_true(json_object_get(plan, "needs_posthouse"));
    const char *zone = json_string_value(json_object_get(plan, "time_zone"));
    json_t *res = json_object();
    json_object_set_new(res, "verdict_class",
                        json_string(feasible          ? "ok"
                                    : needs_posthouse ? "warn"
                                                      : "bad"));
    json_object_set_new(res, "verdict",
                        json_string(feasible          ? "Feasible on the standard path"
                                    : needs_posthouse ? "Needs an onboarded posthouse"
                                                      : "Not feasible"));
    json_object_set(res, "reason", json_object_get(plan, "reason"));
    json_object_set_new(res, "zone", json_string(zone ? zone : "UTC"));
    json_object_set_new(res, "today_words", json_string(day_words(r, today)));
    json_object_set_new(res, "target_words", json_string(day_words(r, target)));
    json_object_set_new(res, "target_relative", json_string(days_from_today(r, target - today)));
    json_object_set_new(res, "earliest_words", json_string(day_words(r, earliest)));
    json_object_set_new(res, "earliest_relative",
                        json_string(days_from_today(r, earliest - today)));
    int64_t margin = target - earliest;
    json_object_set_new(
        res, "margin",
        json_string(margin == 0  ? "The target is the earliest date: no day to spare."
                    : margin > 0 ? arena_printf(&r->arena, "%lld day%s to spare.",
                                                (long long)margin, margin == 1 ? "" : "s")
                                 : arena_printf(&r->arena, "%lld day%s short of the earliest date.",
                                                (long long)-margin, margin == -1 ? "" : "s")));
    if (partner)
        json_object_set(res, "partner", (json_t *)partner);

    json_t *steps = json_array(), *dates = json_array(), *risks = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(plan, "steps"), i, s) {
        const char *name = json_string_value(json_object_get(s, "name"));
        const char *status = json_string_value(json_object_get(s, "status"));
        int64_t from = day_of(json_object_get(s, "from")), to = day_of(json_object_get(s, "to"));
        int64_t overdue = json_integer_value(json_object_get(s, "overdue"));
        const json_t *rem = json_object_get(s, "remaining");
        const char *label = step_label(name ? name : "");
        bool after_target = target != PLAN_NO_DAY && to != PLAN_NO_DAY && to > target;
        json_t *row =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:s, s:b, s:b}", "label", label, "status",
                      status ? status : "", "status_label", status_label(status ? status : ""),
                      "from", from == PLAN_NO_DAY ? "—" : day_words(r, from + 1), "to",
                      to == PLAN_NO_DAY ? "—" : day_words(r, to), "note",
                      json_object_get(s, "note"), "remaining",
                      json_is_integer(rem)
                          ? arena_printf(&r->arena, "%lld", (long long)json_integer_value(rem))
                          : "—",
                      "late", overdue > 0, "at_risk", after_target && overdue == 0);
        json_object_set_new(
            row, "days",
            json_is_integer(json_object_get(s, "days"))
                ? json_string(arena_printf(
                      &r->arena, "%lld", (long long)json_integer_value(json_object_get(s, "days"))))
                : json_string("—"));
        if (overdue > 0) {
            json_object_set_new(
                row, "late_text",
                json_string(arena_printf(&r->arena, "late by %lld day%s", (long long)overdue,
                                         overdue == 1 ? "" : "s")));
            json_array_append_new(
                risks, risk("bad", "late",
                            arena_printf(&r->arena,
                                         "%s is %lld day%s past its date and still open: "
                                         "it is counted as finishing today.",
                                         label, (long long)overdue, overdue == 1 ? "" : "s")));
        } else if (after_target) {
            json_array_append_new(
                risks, risk("warn", "at risk",
                            arena_printf(&r->arena, "%s may run until %s, after the target.", label,
                                         day_words(r, to))));
        }
        if (name && !strcmp(name, "channels_launch") && to == PLAN_NO_DAY)
            json_array_append_new(risks, risk("warn", "not set",
                                              "The launch timeline of this Channels partner is "
                                              "not set yet: the earliest date may move when the "
                                              "plm sets it."));
        if (to != PLAN_NO_DAY)
            add_date(dates, r, today, arena_printf(&r->arena, "%s ends at the latest", label), to,
                     after_target ? "late" : "step");
        json_array_append_new(steps, row);
    }
    add_date(dates, r, today, "Target publish date", target, feasible ? "target ok" : "target bad");
    add_date(dates, r, today, "Earliest publish date", earliest, "earliest");
    const char *stage = partner ? json_string_value(json_object_get(partner, "stage")) : NULL;
    if (stage && (!strcmp(stage, "stopped") || !strcmp(stage, "escalated")))
        json_array_append_new(
            risks, risk("bad", "blocked",
                        arena_printf(&r->arena,
                                     "Training is %s: nothing moves until the pim resumes "
                                     "it (its days are counted as if it were running).",
                                     stage)));
    if (partner && json_is_true(json_object_get(partner, "channels")))
        add_milestones(r, dates, today, json_integer_value(json_object_get(partner, "id")),
                       zone ? zone : "UTC");
    if (!feasible && target != PLAN_NO_DAY && earliest != PLAN_NO_DAY)
        json_array_append_new(
            risks,
            risk("bad", "too soon",
                 arena_printf(&r->arena, "The target is %lld day%s before the earliest date.",
                              (long long)(earliest - target), earliest - target == 1 ? "" : "s")));
    else if (feasible && margin < 7)
        json_array_append_new(
            risks, risk("warn", "at risk",
                        arena_printf(&r->arena,
                                     "Only %lld day%s to spare: any delay makes the target late.",
                                     (long long)margin, margin == 1 ? "" : "s")));
    json_object_set_new(res, "steps", steps);
    json_object_set_new(res, "dates", dates);
    json_object_set_new(res, "risks", risks);

    json_t *phs = json_array();
    json_t *ph;
    json_array_foreach(json_object_get(plan, "posthouses"), i, ph) {
        struct buf f = {0};
        size_t j;
        json_t *v;
        json_array_foreach(json_object_get(ph, "approved_formats"), j, v) {
            if (j)
                buf_puts(&f, ", ");
            buf_puts(&f, json_string_value(v) ? json_string_value(v) : "");
        }
        json_array_append_new(phs, json_pack("{s:O, s:O, s:s}", "name", json_object_get(ph, "name"),
                                             "contact_email", json_object_get(ph, "contact_email"),
                                             "formats", f.len ? buf_str(&f) : "none recorded"));
        buf_free(&f);
    }
    json_object_set_new(res, "needs_posthouse", json_boolean(needs_posthouse));
    json_object_set_new(res, "n_posthouses", json_integer((json_int_t)json_array_size(phs)));
    json_object_set_new(res, "posthouses", phs);

    struct buf svg = {0};
    chart(r, &svg, plan);
    vm_set_html(res, "chart_html", safe_html_of(&svg));
    buf_free(&svg);
    return res;
}

void page_plan(struct req *r)
{
    const char *pid_s = req_query(r, "partner");
    const char *own_name = NULL, *own_stage = NULL;
    if (role_is_org(r->who.role)) {
        /* a partner (or posthouse) plans for its own organisation only: another one named in
         * the URL answers 404, as a missing one */
        if (!pid_s || !*pid_s)
            pid_s = arena_printf(&r->arena, "%lld", (long long)r->who.org_id);
        struct op o0;
        struct scoped sc0;
        req_op_init(r, &o0);
        if (op_allow(&o0, ACT_PLAN_READ, SCOPE_PARTNER, pid_s, &sc0) == 0 &&
            sc0.partner.id == r->who.org_id) {
            own_name = arena_printf(&r->arena, "%s", sc0.partner.name);
            own_stage = web_stage_label(sc0.partner.stage);
        }
        op_free(&o0);
        if (!own_name) {
            page_error(r, 404, "There is no such page, or it belongs to another organisation.");
            return;
        }
    }
    int64_t pid = pid_s && *pid_s ? strtoll(pid_s, NULL, 10) : 0;
    json_t *vm = json_pack("{s:s}", "title", "Planner");
    const char *target = req_query(r, "target");
    if ((!target || !*target) && pid > 0) {
        /* a partner's own target launch date (its questionnaire) is the question to ask first */
        struct op ol;
        json_t *lv = NULL;
        req_op_init(r, &ol);
        if (launch_view(&ol, pid, &lv) == 0 &&
            json_string_value(json_object_get(lv, "target"))) {
            target = arena_printf(&r->arena, "%s", json_string_value(json_object_get(lv, "target")));
            json_object_set_new(vm, "from_questionnaire", json_true());
        }
        json_decref(lv);
        op_free(&ol);
    }
    json_object_set_new(vm, "form", form_model(r, pid > 0 ? pid : 0, own_name, own_stage, target));
    if (!target || !*target) {
        page_render(r, 200, "plan", vm);
        return;
    }
    struct op o;
    json_t *partner = NULL;
    if (pid_s && *pid_s) {
        /* the partner as its page would show it: missing and not this user's look the same */
        struct scoped sc;
        req_op_init(r, &o);
        if (op_allow(&o, own_name ? ACT_PLAN_READ : ACT_PARTNER_READ, SCOPE_PARTNER, pid_s, &sc) <
            0) {
            if (o.err.kind == OP_NOT_FOUND)
                page_error(r, 404, "There is no such page, or it belongs to another organisation.");
            else
                page_error(r, op_status(o.err.kind), "%s", buf_str(&o.err.message));
            op_free(&o);
            json_decref(vm);
            return;
        }
        op_free(&o);
        const struct partner *p = &sc.partner;
        partner = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)p->id, "name",
                            p->name, "stage", p->stage, "stage_label", web_stage_label(p->stage),
                            "time_zone", p->time_zone, "channels", p->channels);
    }
    const char *channels = req_query(r, "channels");
    struct planner_query q = {target, pid_s && *pid_s,
                              pid_s && *pid_s ? strtoll(pid_s, NULL, 10) : 0,
                              channels && !strcmp(channels, "true"), req_query(r, "time_zone")};
    json_t *plan = NULL;
    req_op_init(r, &o);
    if (planner_view(&o, &q, &plan) == 0) {
        json_object_set_new(vm, "result", result_model(r, plan, partner));
        page_render(r, 200, "plan", vm);
    } else {
        const char *msg = buf_str(&o.err.message);
        /* the planner names its parameter ('target'); the form calls it the target publish date */
        const json_t *fields = json_object_get(o.err.extra, "fields");
        const char *bad = json_string_value(json_array_get(fields, 0));
        if (bad && !strcmp(bad, "target"))
            msg = "The target publish date is not a date: give it as YYYY-MM-DD, e.g. 2027-03-01.";
        json_object_set_new(vm, "error",
                            json_string(*msg ? msg : "The plan could not be computed; try again."));
        page_render(r, o.err.kind == OP_NOT_FOUND ? 404 : 422, "plan", vm);
    }
    op_free(&o);
    json_decref(plan);
    json_decref(partner);
}
