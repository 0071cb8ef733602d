/*
 * The planner over the API: GET /api/v1/plan?target=DATE[&partner=ID]
 * [&channels=true][&time_zone=ZONE]. For a partner, the facts come from its
 * stage and clocks (setup target, training cap, launch milestones); for a
 * prospect, from nothing yet (the full standard path). "Today" is taken in
 * the partner's zone (a prospect's: time_zone, default UTC). The answer is
 * core/planner.c's, plus the onboarded posthouses that fit the partner's
 * intended formats.
 */
#include <stdlib.h>
#include <string.h>

#include "base/now.h"
#include "base/timefmt.h"
#include "core/planner.h"
#include "core/zone.h"
#include "http/http.h"
#include "app/posthouses.h"

void api_plan(struct req *r);

struct clock_facts {
    const struct zone *zone;
    int64_t setup_due, training_due, last_milestone_due;
};

static int gather_clock(const struct clock_row *c, void *arg)
{
    struct clock_facts *x = arg;
    if (!c->due_at || !strcmp(c->state, "cancelled"))
        return 0;
    if (!strcmp(c->kind, "setup_10d"))
        x->setup_due = c->due_at;
    else if (!strcmp(c->kind, "training_30d"))
        x->training_due = c->due_at;
    else if (!strcmp(c->kind, "milestone") && c->due_at > x->last_milestone_due)
        x->last_milestone_due = c->due_at;
    return 0;
}

void api_plan(struct req *r)
{
    const char *target_s = req_query(r, "target");
    struct civil_date target;
    if (!target_s || date_parse(target_s, &target) < 0) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "target"),
                          "'target' is the date the content must be published, as YYYY-MM-DD");
        return;
    }
    struct plan_input in = {0};
    in.target = days_from_civil(target.year, target.month, target.day);
    in.setup_target = in.training_cap = in.last_milestone = PLAN_NO_DAY;
    in.stage = PLAN_PROSPECT;
    const char *channels = req_query(r, "channels");
    in.channels = channels && !strcmp(channels, "true");
    const char *zone_name = req_query(r, "time_zone");
    const char *pid_s = req_query(r, "partner");
    /* An empty field of an HTML form (the portal's planner) is an absent one. */
    if (zone_name && !*zone_name)
        zone_name = NULL;
    if (pid_s && !*pid_s)
        pid_s = NULL;
    int64_t pid = pid_s ? strtoll(pid_s, NULL, 10) : 0;
    if (!pid && role_is_org(r->who.role))
        pid = r->who.org_id;
    struct partner p;
    bool have_partner = false;
    if (pid || pid_s) {
        struct scoped sc;
        if (!req_allow(r, r->route->action, SCOPE_PARTNER,
                       arena_printf(&r->arena, "%lld", (long long)pid), &sc))
            return;
        p = sc.partner;
        have_partner = true;
        zone_name = p.time_zone;
        in.channels = in.channels || p.channels;
        in.training_skipped = p.training_skipped;
        if (plan_stage_parse(p.stage, &in.stage) < 0)
            in.stage = PLAN_INVITED;
    }
    const struct zone *z;
    if (zone_open(zone_name ? zone_name : "UTC", &z) < 0) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "time_zone"),
                          "'%s' is not an IANA time zone", zone_name);
        return;
    }
    in.today = zone_local_day(z, now_get());
    if (have_partner) {
        struct clock_facts x = {z, 0, 0, 0};
        store_clock_each_of_partner(req_db(r), &r->arena, p.id, gather_clock, &x);
        if (x.setup_due)
            in.setup_target = planner_last_day(z, x.setup_due);
        if (x.training_due)
            in.training_cap = planner_last_day(z, x.training_due);
        if (x.last_milestone_due)
            in.last_milestone = zone_local_day(z, x.last_milestone_due);
    }
    struct plan plan;
    if (planner_plan(&in, &plan) < 0) {
        reply_error(r, 422, "invalid", "the target date or the partner's dates are out of range");
        return;
    }
    json_t *out = planner_plan_json(&plan);
    struct op o;
    req_op_init(r, &o);
    json_t *fit = NULL;
    if (posthouses_fitting(&o, have_partner ? &p : NULL, &fit) < 0) {
        op_free(&o);
        json_decref(out);
        reply_store_error(r, STORE_ERR);
        return;
    }
    op_free(&o);
    json_object_set_new(out, "posthouses", fit);
    json_object_set_new(out, "partner", have_partner ? json_integer(p.id) : json_null());
    json_object_set_new(out, "time_zone", json_string(zone_name ? zone_name : "UTC"));
    reply_json(r, 200, out);
}
