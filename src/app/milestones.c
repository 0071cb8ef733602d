/*
 * Launch milestones: see milestones.h. A milestone is started like any clock
 * (app/clocks.c clocks_start), from the moment it is set, so the clock's
 * record says when the plm committed to the date as well as the date.
 */
#include "app/milestones.h"

#include <string.h>

#include "app/clocks.h"
#include "app/scope.h"
#include "core/deadline.h"

int milestones_add(struct op *o, int64_t partner_id, const char *name, int64_t due_at, json_t **out)
{
    *out = NULL;
    int rc = op_allow_partner(o, ACT_MILESTONE_SET, partner_id, NULL);
    if (rc < 0)
        return rc;
    if (!name || !*name || strlen(name) > MILESTONE_NAME_MAX)
        return op_invalid(o, "name", "'name' must be 1 to %d characters", MILESTONE_NAME_MAX);
    if ((rc = op_begin(o)) < 0)
        return rc;
    struct buf err = {0};
    struct clocks_actor who = {o->who.user_id, NULL};
    int64_t id = 0;
    struct clock_row c = {0};
    rc = clocks_start(o->db, o->a, partner_id, deadline_name(DEADLINE_MILESTONE),
                      arena_printf(o->a, "partner:%lld", (long long)partner_id), o->now, due_at,
                      name, &who, o->now, &id, &err);
    if (rc == 0)
        rc = store_clock_get(o->db, o->a, id, &c);
    if (rc < 0)
        rc = clocks_refuse(o, rc, &err);
    buf_free(&err);
    if ((rc = op_end(o, rc)) == 0)
        *out = clocks_json(&c);
    return rc;
}
