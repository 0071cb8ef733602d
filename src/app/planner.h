/*
 * The planner as people ask it (SPEC section 3): can content be published
 * by a target date, and what stands in the way. The rules are core/planner.c's;
 * this file gathers their facts — for a partner, its stage and the dates of
 * its clocks (setup target, training cap, launch milestones); for a
 * prospect, nothing yet (the full standard path) — takes "today" in the
 * partner's zone (a prospect's: the zone asked for, UTC by default), and adds
 * the onboarded posthouses whose approved formats fit the partner's intended
 * ones, for when the standard path is too slow.
 */
#ifndef VG_APP_PLANNER_H
#define VG_APP_PLANNER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/op.h"

/* What is asked (borrowed). */
struct planner_query {
    const char *target;    /* the publish date, "YYYY-MM-DD" */
    bool partner_named;    /* a partner was named (partner_id 0 then: none that exists) */
    int64_t partner_id;    /* 0 and not named: a prospect (an organisation's user: its own) */
    bool channels;         /* a prospect that is a Channels partner (a partner: its own flag) */
    const char *time_zone; /* a prospect's zone; NULL: UTC (a partner: its own) */
};

/*
 * The plan for q: core/planner.c's JSON plus posthouses (the fitting ones),
 * partner (its id, or null) and time_zone. Needs ACT_PLAN_READ on the
 * partner when there is one. Refused: OP_INVALID naming "target" or
 * "time_zone", or for dates out of range; OP_NOT_FOUND for a partner that is
 * not there or not the actor's to see. *out is the caller's. Reads only.
 */
int planner_view(struct op *o, const struct planner_query *q, json_t **out);

/*
 * The plan of partner p (its stage, training and clocks, today in its zone)
 * for a target local day, into *out: a piece for other operations (checks no
 * actor, reads in the caller's operation). Returns 0 or PLAN_ERR_INVALID.
 */
struct plan;
struct partner;
int planner_partner_plan(struct op *o, const struct partner *p, int64_t target, struct plan *out);

#endif
