/*
 * Launch milestones: see milestones.h. A milestone is started like any clock
 * (app/clocks.c clocks_start), from the moment it is set, so the clock's
 * record says when the plm committed to the date as well as the date.
 *
 * The clock's states read as a timeline's: running is "open", breached is
 * "missed". Its due instant is exclusive like every clock's (SPEC 5): at
 * the due instant it is missed, even before the sweep has recorded it, so
 * marking it met then is refused rather than raced against the sweep.
 */
#include "app/milestones.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/clocks.h"
#include "app/lifecycle_steps.h"
#include "app/scope.h"
#include "core/deadline.h"
#include "core/zone.h"

static const char *state_words(const char *clock_state)
{
    return !strcmp(clock_state, "running") || !strcmp(clock_state, "paused") ? "open"
           : !strcmp(clock_state, "breached")                               ? "missed"
                                                                            : clock_state;
}

static json_t *milestone_json(struct op *o, const struct clock_row *c)
{
    json_t *j = json_pack("{s:I, s:s, s:o, s:s, s:s, s:o}", "id", (json_int_t)c->id, "name",
                          c->label ? c->label : "", "due_at", app_json_time(c->due_at), "time_zone",
                          c->time_zone, "state", state_words(c->state), "closed_at",
                          app_json_time(c->closed_at));
    json_object_set_new(j, "due_words", json_string(op_at_words(o, c->due_at, c->time_zone)));
    const struct zone *z;
    if (c->due_at && zone_open(c->time_zone, &z) == 0) {
        char local[26];
        zone_format_local(z, c->due_at, local);
        json_object_set_new(j, "due_local", json_string(local));
    }
    return j;
}

int milestones_add(struct op *o, int64_t partner_id, const char *name, int64_t due_at, json_t **out)
{
    *out = NULL;
    struct partner p;
    int rc = op_allow_partner(o, ACT_MILESTONE_SET, partner_id, &p);
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
    /* the plm who draws a partner's launch timeline owns it: "Launch (plm)" on the partner page */
    if (rc == 0 && !p.plm_id && o->who.role == ROLE_PLM &&
        (rc = store_partner_set_owner(o->db, p.id, "plm", o->who.user_id)) == 0)
        rc = lifecycle_event(o, &p, NULL, "partner.owners", json_pack("{s:n}", "plm"),
                             json_pack("{s:I}", "plm", (json_int_t)o->who.user_id));
    if ((rc = op_end(o, rc)) == 0) {
        *out = clocks_json(&c);
        json_object_set_new(*out, "name", json_string(name));
    }
    return rc;
}

struct list_ctx {
    struct op *o;
    json_t *list;
};

static int add_milestone(const struct clock_row *c, void *arg)
{
    struct list_ctx *x = arg;
    if (deadline_parse(c->kind) == DEADLINE_MILESTONE)
        json_array_append_new(x->list, milestone_json(x->o, c));
    return 0;
}

static int by_due(const void *a, const void *b)
{
    const char *x = json_string_value(json_object_get(*(json_t *const *)a, "due_at"));
    const char *y = json_string_value(json_object_get(*(json_t *const *)b, "due_at"));
    return strcmp(x ? x : "", y ? y : "");
}

int milestones_list(struct op *o, int64_t partner_id, json_t **out)
{
    *out = NULL;
    int rc = op_allow_partner(o, ACT_MILESTONES_READ, partner_id, NULL);
    if (rc < 0)
        return rc;
    struct list_ctx x = {o, json_array()};
    if ((rc = store_clock_each_of_partner(o->db, o->a, partner_id, add_milestone, &x)) < 0) {
        json_decref(x.list);
        return op_failed(o, rc);
    }
    /* earliest due first: RFC 3339 UTC texts of one width sort as their instants */
    size_t n = json_array_size(x.list);
    json_t **items = arena_alloc(o->a, (n ? n : 1) * sizeof *items);
    for (size_t i = 0; i < n; i++)
        items[i] = json_incref(json_array_get(x.list, i));
    qsort(items, n, sizeof *items, by_due);
    json_t *sorted = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(sorted, items[i]);
    json_decref(x.list);
    *out = json_pack("{s:o}", "milestones", sorted);
    return 0;
}

int milestones_met(struct op *o, int64_t id, json_t **out)
{
    *out = NULL;
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)id);
    int rc = op_begin(o);
    struct scoped sc;
    if (rc == 0)
        rc = op_allow(o, ACT_MILESTONE_SET, SCOPE_MILESTONE, text, &sc);
    struct clock_row *c = &sc.clock;
    if (rc == 0 && strcmp(c->state, "running"))
        rc = op_refuse(o, OP_CONFLICT, "illegal_transition", "the milestone \"%s\" is already %s",
                       c->label ? c->label : "", state_words(c->state));
    else if (rc == 0 && o->now >= c->due_at)
        rc = op_refuse(o, OP_CONFLICT, "illegal_transition",
                       "the milestone \"%s\" was due %s and is missed: add a new milestone with "
                       "the new date",
                       c->label ? c->label : "", op_at_words(o, c->due_at, c->time_zone));
    struct clocks_actor who = {o->who.user_id, "milestone met"};
    if (rc == 0)
        rc = clocks_close(o->db, o->a, c->id, "met", &who, o->now);
    struct clock_row now_c;
    if (rc == 0 && (rc = store_clock_get(o->db, o->a, c->id, &now_c)) == 0)
        *out = milestone_json(o, &now_c);
    if ((rc = op_end(o, rc)) < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* ---- missed ---- */

/*
 * A milestone breached: missed. The plm (every plm while the partner has
 * none) and the partner hear of it, one message each.
 */
static int on_missed(struct db *db, struct arena *a, const struct clock_row *c, int64_t now)
{
    (void)now;
    struct op o;
    clock_handler_op(&o, db, a, c->due_at);
    struct partner p;
    int rc = store_partner_get(db, a, c->partner_id, &p);
    if (rc == 0) {
        json_t *vars = json_pack("{s:s, s:s}", "name", c->label ? c->label : "", "due",
                                 op_at_words(&o, c->due_at, p.time_zone));
        rc = p.plm_id ? lifecycle_send_user(&o, &p, p.plm_id, "milestone_missed", vars)
                      : lifecycle_send_role(&o, &p, ROLE_PLM, "milestone_missed", vars);
        if (rc == 0)
            rc = lifecycle_send_partner(&o, &p, "milestone_missed", vars);
        json_decref(vars);
    }
    if (rc == 0)
        rc = lifecycle_event(&o, &p, NULL, "milestone.missed", NULL,
                             json_pack("{s:I, s:s}", "clock", (json_int_t)c->id, "name",
                                       c->label ? c->label : ""));
    return clock_handler_end(&o, c, rc);
}

const struct clock_handler milestones_clock_handlers[] = {
    {DEADLINE_MILESTONE, on_missed, NULL},
};
const int n_milestones_clock_handlers =
    sizeof milestones_clock_handlers / sizeof milestones_clock_handlers[0];
