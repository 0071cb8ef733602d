/*
 * The launch timeline of a Channels partner: the dated milestones a plm sets
 * (SPEC section 3). A milestone is a clock of kind "milestone" with a fixed
 * due instant and the milestone's name as its label, on the partner's own
 * subject; it breaches like any clock, and the planner reads the last one as
 * the end of the launch timeline.
 */
#ifndef VG_APP_MILESTONES_H
#define VG_APP_MILESTONES_H

#include <jansson.h>
#include <stdint.h>

#include "app/op.h"

#define MILESTONE_NAME_MAX 200 /* bytes of a milestone's name */

/*
 * Sets a milestone name (1 to MILESTONE_NAME_MAX bytes) due at due_at for
 * partner_id (ACT_MILESTONE_SET on the partner), in a transaction of its
 * own. *out gets the milestone's clock view (app/clocks.h; the caller's).
 */
int milestones_add(struct op *o, int64_t partner_id, const char *name, int64_t due_at,
                   json_t **out);

#endif
