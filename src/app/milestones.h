/*
 * The launch timeline of a Channels partner: the dated milestones a plm sets
 * (SPEC section 3). A milestone is a clock of kind "milestone" with a fixed
 * due instant and the milestone's name as its label, on the partner's own
 * subject; the plm marks it met before its due instant, else it breaches in
 * the sweep, is "missed", and the plm and the partner are told (one message
 * each). The planner reads the last one as the end of the launch timeline.
 *
 * The view of a milestone: {id, name, due_at, due_local, due_words,
 * time_zone, state, closed_at}; state is "open", "met", "missed" or
 * "cancelled"; due_words reads "Mon 30 Mar at 11:00, Europe/London" in the
 * partner's zone. The id is the clock's.
 */
#ifndef VG_APP_MILESTONES_H
#define VG_APP_MILESTONES_H

#include <jansson.h>
#include <stdint.h>

#include "app/op.h"
#include "app/warnings.h"

#define MILESTONE_NAME_MAX 200 /* bytes of a milestone's name */

/*
 * Sets a milestone name (1 to MILESTONE_NAME_MAX bytes) due at due_at for
 * partner_id (ACT_MILESTONE_SET on the partner), in a transaction of its
 * own. A plm who sets one for a partner with no plm becomes its plm. *out
 * gets the milestone's clock view (app/clocks.h) with its name (the
 * caller's).
 */
int milestones_add(struct op *o, int64_t partner_id, const char *name, int64_t due_at,
                   json_t **out);

/* A partner's milestones, earliest due first: {milestones: [view...]} (ACT_MILESTONES_READ). */
int milestones_list(struct op *o, int64_t partner_id, json_t **out);

/*
 * Marks milestone id met (ACT_MILESTONE_SET). A conflict when it is met
 * already, or missed (its due instant has come: a milestone is met before
 * it). *out gets its view.
 */
int milestones_met(struct op *o, int64_t id, json_t **out);

/* The sweep's handler of a missed milestone (app/warnings.h struct clock_handler). */
extern const struct clock_handler milestones_clock_handlers[];
extern const int n_milestones_clock_handlers;

#endif
