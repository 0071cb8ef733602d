/*
 * The target launch date against the planner: see launch.h.
 */
#include "app/launch.h"

#include <string.h>

#include "app/lifecycle_steps.h"
#include "app/planner.h"
#include "app/posthouses.h"
#include "app/scope.h"
#include "base/buf.h"
#include "base/timefmt.h"
#include "core/planner.h"
#include "core/questionnaire.h"

static const char *const wday[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* "Mon 4 Jan", with the year when it is not today's: "Mon 4 Jan 2027". In o's arena. */
static const char *day_words(struct op *o, int64_t day, int64_t today)
{
    struct civil_date d = civil_from_days(day), t = civil_from_days(today);
    const char *w = wday[weekday_from_days(day) % 7], *m = mon[(d.month - 1) % 12];
    return d.year == t.year ? arena_printf(o->a, "%s %d %s", w, d.day, m)
                            : arena_printf(o->a, "%s %d %s %d", w, d.day, m, d.year);
}

static const char *day_iso(struct op *o, int64_t day)
{
    struct civil_date d = civil_from_days(day);
    return arena_printf(o->a, "%04d-%02d-%02d", d.year, d.month, d.day);
}

/* The submitted target launch date of p as a day number; PLAN_NO_DAY when there is none. */
static int64_t target_of(struct op *o, const struct partner *p)
{
    struct answers_row row;
    if (store_answers_get(o->db, o->a, p->id, &row) != 0 || !row.status ||
        strcmp(row.status, "submitted") != 0)
        return PLAN_NO_DAY;
    json_t *answers = json_loads(row.answers, 0, NULL);
    const char *s = json_string_value(json_object_get(answers, QN_KEY_TARGET_LAUNCH_DATE));
    struct civil_date d;
    int64_t day = s && date_parse(s, &d) == 0 ? days_from_civil(d.year, d.month, d.day)
                                              : PLAN_NO_DAY;
    json_decref(answers);
    return day;
}

static bool onboarding_ahead(const struct partner *p)
{
    return !strcmp(p->stage, "setup") || !strcmp(p->stage, "training") ||
           !strcmp(p->stage, "stopped") || !strcmp(p->stage, "escalated");
}

/* The name of p's delivery agent when it is an onboarded posthouse; else NULL. */
static const char *onboarded_agent(struct op *o, const struct partner *p)
{
    struct partner ph;
    if (!p->agent_id || store_partner_get(o->db, o->a, p->agent_id, &ph) != 0)
        return NULL;
    return ph.posthouse && !strcmp(ph.stage, "steady_state") ? ph.name : NULL;
}

/* The fitting posthouses as [{id, name}] (a new reference) and their names joined in names. */
static json_t *fitting(struct op *o, const struct partner *p, struct buf *names)
{
    json_t *all = NULL, *out = json_array();
    if (posthouses_fitting(o, p, &all) < 0)
        return out;
    size_t i;
    json_t *ph;
    json_array_foreach(all, i, ph) {
        const char *name = json_string_value(json_object_get(ph, "name"));
        json_array_append_new(out, json_pack("{s:O, s:s}", "id", json_object_get(ph, "id"),
                                             "name", name ? name : ""));
        if (i)
            buf_puts(names, ", ");
        buf_puts(names, name ? name : "");
    }
    json_decref(all);
    return out;
}

json_t *launch_warning(struct op *o, const struct partner *p)
{
    if (!onboarding_ahead(p))
        return NULL;
    int64_t target = target_of(o, p);
    struct plan plan;
    if (target == PLAN_NO_DAY || planner_partner_plan(o, p, target, &plan) < 0 ||
        plan.feasible || target < plan.today)
        return NULL;
    int64_t with_ph = plan.today + PLAN_PUBLISHING_DAYS;
    const char *agent = onboarded_agent(o, p);
    if (agent && plan.needs_posthouse && target >= with_ph && plan.earliest == plan.standard_end)
        return NULL; /* its onboarded posthouse gets there */
    bool needs_ph = plan.needs_posthouse && target >= with_ph && !agent;
    const char *t = day_words(o, target, plan.today), *e = day_words(o, plan.earliest, plan.today),
               *w = day_words(o, with_ph, plan.today);
    struct buf names = {0}, m = {0};
    json_t *list = fitting(o, p, &names);
    size_t n = json_array_size(list);
    if (needs_ph && n)
        buf_printf(&m,
                   "Only an onboarded posthouse delivering for %s gets there: %zu fit%s its "
                   "formats (%s). Otherwise the date moves to %s or later.",
                   p->name, n, n == 1 ? "s" : "", buf_str(&names), e);
    else if (needs_ph)
        buf_printf(&m,
                   "Only an onboarded posthouse delivering for %s gets there, and none in the "
                   "directory delivers its formats yet: move the date to %s or later.",
                   p->name, e);
    else if (plan.needs_posthouse && agent)
        buf_printf(&m,
                   "Its posthouse %s is onboarded, but publishing takes up to %d days after "
                   "deliveries pass: move the date to %s or later.",
                   agent, PLAN_PUBLISHING_DAYS, w);
    else if (plan.needs_posthouse)
        buf_printf(&m,
                   "Even through an onboarded posthouse, publishing takes up to %d days after "
                   "deliveries pass: move the date to %s or later with an onboarded posthouse, "
                   "or to %s or later on the standard path.",
                   PLAN_PUBLISHING_DAYS, w, e);
    else
        buf_printf(&m, "The Channels launch timeline ends then: move the date to %s or later.",
                   e);
    const char *message = arena_printf(o->a,
                                       "The target launch date, %s, is before the earliest date "
                                       "the standard path allows (%s). %s",
                                       t, e, buf_str(&m));
    json_t *j = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:o}", "code", LAUNCH_WARNING_CODE,
        "message", message, "advice", buf_str(&m), "target", day_iso(o, target), "earliest",
        day_iso(o, plan.earliest), "earliest_with_posthouse", day_iso(o, with_ph),
        "needs_posthouse", needs_ph, "target_words", t, "earliest_words", e,
        "earliest_with_posthouse_words", w, "posthouses", list);
    buf_free(&names);
    buf_free(&m);
    return j;
}

int launch_check_submitted(struct op *o, const struct partner *p, json_t **warnings)
{
    *warnings = json_array();
    json_t *w = launch_warning(o, p);
    if (!w)
        return 0;
    json_array_append(*warnings, w);
    json_t *vars = json_pack("{s:O, s:O, s:O}", "target", json_object_get(w, "target_words"),
                             "earliest", json_object_get(w, "earliest_words"), "advice",
                             json_object_get(w, "advice"));
    int rc = lifecycle_send_user(o, p, p->cam_id, "launch_date_too_soon", vars);
    if (rc == 0 && p->pim_id != p->cam_id)
        rc = lifecycle_send_user(o, p, p->pim_id, "launch_date_too_soon", vars);
    json_decref(vars);
    if (rc == 0)
        rc = lifecycle_event(o, p, NULL, "questionnaire.launch_warning", NULL, w);
    else
        json_decref(w);
    return rc;
}

int launch_view(struct op *o, int64_t partner_id, json_t **out)
{
    *out = NULL;
    struct partner p;
    int rc = op_allow_partner(o, ACT_PARTNER_READ, partner_id, &p);
    if (rc < 0)
        return rc;
    int64_t target = target_of(o, &p);
    json_t *w = launch_warning(o, &p);
    *out = json_pack("{s:o, s:o}", "target",
                     target == PLAN_NO_DAY ? json_null() : json_string(day_iso(o, target)),
                     "warning", w ? w : json_null());
    return 0;
}
