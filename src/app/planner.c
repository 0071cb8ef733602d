/*
 * The planner's view: see planner.h. The facts a partner's plan needs are
 * read from its clocks in one pass (the last one of each kind wins; a
 * cancelled clock or one without a due instant counts for nothing), so the
 * plan follows the clocks as they are recomputed, paused or extended.
 */
#include "app/planner.h"

#include <string.h>

#include "app/posthouses.h"
#include "app/scope.h"
#include "base/timefmt.h"
#include "core/deadline.h"
#include "core/planner.h"
#include "core/zone.h"

struct clock_facts {
    int64_t setup_due, training_due, last_milestone_due;
};

static int gather_clock(const struct clock_row *c, void *arg)
{
    struct clock_facts *x = arg;
    if (!c->due_at || !strcmp(c->state, "cancelled"))
        return 0;
    switch (deadline_parse(c->kind)) {
    case DEADLINE_SETUP_10D:
        x->setup_due = c->due_at;
        break;
    case DEADLINE_TRAINING_30D:
        x->training_due = c->due_at;
        break;
    case DEADLINE_MILESTONE:
        if (c->due_at > x->last_milestone_due)
            x->last_milestone_due = c->due_at;
        break;
    default:
        break;
    }
    return 0;
}

/* The onboarded posthouses that fit p (NULL: a prospect), as a JSON array in *out. */
static int fitting_posthouses(struct op *o, const struct partner *p, json_t **out)
{
    return posthouses_fitting(o, p, out);
}

/* Fills in the partner's facts (stage, training, its clocks' dates) and today in zone z. */
static void partner_facts(struct op *o, const struct partner *p, const struct zone *z,
                          struct plan_input *in)
{
    in->channels = in->channels || p->channels;
    in->training_skipped = p->training_skipped;
    if (plan_stage_parse(p->stage, &in->stage) < 0)
        in->stage = PLAN_INVITED;
    in->today = zone_local_day(z, o->now);
    struct clock_facts x = {0, 0, 0};
    store_clock_each_of_partner(o->db, o->a, p->id, gather_clock, &x);
    if (x.setup_due)
        in->setup_target = planner_last_day(z, x.setup_due);
    if (x.training_due)
        in->training_cap = planner_last_day(z, x.training_due);
    if (x.last_milestone_due)
        in->last_milestone = zone_local_day(z, x.last_milestone_due);
}

int planner_partner_plan(struct op *o, const struct partner *p, int64_t target, struct plan *out)
{
    const struct zone *z;
    if (zone_open(p->time_zone, &z) < 0 && zone_open("UTC", &z) < 0)
        return PLAN_ERR_INVALID;
    struct plan_input in = {0};
    in.target = target;
    in.setup_target = in.training_cap = in.last_milestone = PLAN_NO_DAY;
    partner_facts(o, p, z, &in);
    return planner_plan(&in, out);
}

int planner_view(struct op *o, const struct planner_query *q, json_t **out)
{
    *out = NULL;
    struct civil_date target;
    if (!q->target || date_parse(q->target, &target) < 0)
        return op_invalid(o, "target",
                          "'target' is the date the content must be published, as YYYY-MM-DD");
    struct plan_input in = {0};
    in.target = days_from_civil(target.year, target.month, target.day);
    in.setup_target = in.training_cap = in.last_milestone = PLAN_NO_DAY;
    in.stage = PLAN_PROSPECT;
    in.channels = q->channels;
    const char *zone_name = q->time_zone && *q->time_zone ? q->time_zone : NULL;
    int64_t pid = q->partner_id;
    if (!pid && role_is_org(o->who.role))
        pid = o->who.org_id;
    struct partner p;
    bool have_partner = false;
    if (pid || q->partner_named) {
        int rc = op_allow_partner(o, ACT_PLAN_READ, pid, &p);
        if (rc < 0)
            return rc;
        have_partner = true;
        zone_name = p.time_zone;
    }
    const struct zone *z;
    if (zone_open(zone_name ? zone_name : "UTC", &z) < 0)
        return op_invalid(o, "time_zone", "'%s' is not an IANA time zone", zone_name);
    in.today = zone_local_day(z, o->now);
    if (have_partner)
        partner_facts(o, &p, z, &in);
    struct plan plan;
    if (planner_plan(&in, &plan) < 0)
        return op_refuse(o, OP_INVALID, "invalid",
                         "the target date or the partner's dates are out of range");
    json_t *view = planner_plan_json(&plan);
    json_t *fit = NULL;
    if (fitting_posthouses(o, have_partner ? &p : NULL, &fit) < 0) {
        json_decref(view);
        return op_failed(o, STORE_ERR);
    }
    json_object_set_new(view, "posthouses", fit);
    json_object_set_new(view, "partner", have_partner ? json_integer(p.id) : json_null());
    json_object_set_new(view, "time_zone", json_string(zone_name ? zone_name : "UTC"));
    *out = view;
    return 0;
}
