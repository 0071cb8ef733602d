/*
 * A partner's delivery agent: see agent.h.
 *
 * The check that the posthouse is onboarded is the directory's own rule
 * (a posthouse in steady state, posthouses.h), so what the partner is
 * offered and what it may choose agree. One message per person: the
 * partner's users, the pim, and the users of the posthouse concerned are
 * different people by construction (two organisations and staff).
 */
#include "app/agent.h"

#include <stdlib.h>
#include <string.h>

#include "app/lifecycle_steps.h"
#include "app/scope.h"
#include "core/training.h"

/* True when ph is an onboarded posthouse. */
static bool onboarded(const struct partner *ph)
{
    return ph->posthouse && !strcmp(ph->stage, "steady_state");
}

json_t *agent_json(struct op *o, const struct partner *p)
{
    struct partner ph;
    if (!p->agent_id || store_partner_get(o->db, o->a, p->agent_id, &ph) < 0)
        return json_null();
    return json_pack("{s:I, s:s, s:b}", "id", (json_int_t)ph.id, "name", ph.name, "onboarded",
                     onboarded(&ph));
}

struct to_org {
    struct op *o;
    const struct partner *p;
    json_t *vars;
    int rc;
};

static int send_to_posthouse_user(const struct user *u, void *arg)
{
    struct to_org *x = arg;
    if (u->role != ROLE_POSTHOUSE)
        return 0;
    x->rc = lifecycle_send(x->o, x->p, u->email, u->id, "agent_set", x->vars);
    return x->rc < 0;
}

/* Tells the users of posthouse ph_id (0: nobody) about p's agent. */
static int tell_posthouse(struct op *o, const struct partner *p, int64_t ph_id, json_t *vars)
{
    if (!ph_id)
        return 0;
    struct to_org x = {o, p, vars, 0};
    int rc = store_user_each_of_partner(o->db, o->a, ph_id, send_to_posthouse_user, &x);
    return rc < 0 ? rc : x.rc;
}

/*
 * SPEC 2.3's rule once an onboarded posthouse delivers for p: in setup and
 * training the plan becomes avails_review only; in training (also stopped
 * or escalated) the ladder starts again. *effect says what changed.
 */
static int apply_rule(struct op *o, const struct partner *p, const char **effect)
{
    enum stage st = stage_parse(p->stage);
    *effect = "";
    if (st != STAGE_SETUP && st != STAGE_TRAINING && st != STAGE_ESCALATED && st != STAGE_STOPPED)
        return 0;
    int rc = 0;
    const char *avails = "[\"avails_review\"]";
    if (!p->training_skipped && (!p->training_modules || strcmp(p->training_modules, avails))) {
        if ((rc = store_partner_set_plan(o->db, p->id, avails, false)) < 0)
            return rc;
        rc = lifecycle_event(
            o, p, NULL, "training.plan",
            json_pack("{s:o}", "modules",
                      json_loads(p->training_modules ? p->training_modules : "[]", 0, NULL)),
            json_pack("{s:[s], s:s}", "modules", "avails_review", "why",
                      "an onboarded posthouse delivers for the partner"));
        if (rc < 0)
            return rc;
        *effect = "The training plan is now the avails review only: the posthouse is "
                  "onboarded, so its asset packages need no technical review.";
    }
    if (st == STAGE_SETUP)
        return 0;
    if ((p->warnings || p->decision_pending) &&
        ((rc = store_partner_reset_warnings(o->db, p->id)) < 0 ||
         (rc = store_partner_set_decision(o->db, p->id, false)) < 0))
        return rc;
    *effect =
        arena_printf(o->a, "%s%sThe warning count restarts at zero.", *effect, **effect ? " " : "");
    return 0;
}

static int set_agent(struct op *o, const struct partner *p, int64_t ph_id)
{
    if (p->posthouse)
        return op_invalid(o, "posthouse",
                          "a posthouse delivers by itself: it has no delivery agent");
    enum stage st = stage_parse(p->stage);
    if (st == STAGE_INVITED || st == STAGE_QUESTIONNAIRE)
        return op_refuse(o, OP_CONFLICT, "illegal_transition",
                         "the delivery agent is set after the questionnaire, which asks how the "
                         "partner delivers: answer it first");
    struct partner ph;
    if (ph_id &&
        (ph_id == p->id || store_partner_get(o->db, o->a, ph_id, &ph) < 0 || !onboarded(&ph)))
        return op_invalid(o, "posthouse",
                          "'posthouse' must be the id of an onboarded posthouse (GET "
                          "/api/v1/posthouses lists them), or null to deliver without one");
    if (ph_id == p->agent_id)
        return 0;
    int rc = store_partner_set_agent(o->db, p->id, ph_id);
    const char *effect = "";
    if (rc == 0 && ph_id)
        rc = apply_rule(o, p, &effect);
    if (rc < 0)
        return rc;
    struct user by;
    const char *who = store_user_by_id(o->db, o->a, o->who.user_id, &by) == 0
                          ? (!by.name || !*by.name || !strcmp(by.name, by.email)
                                 ? by.email
                                 : arena_printf(o->a, "%s (%s)", by.name, by.email))
                          : "The service";
    json_t *vars = json_pack(
        "{s:s, s:s, s:s, s:s}", "headline",
        ph_id ? arena_printf(o->a, "%s now delivers through %s", p->name, ph.name)
              : arena_printf(o->a, "%s now delivers without a posthouse", p->name),
        "agent", ph_id ? ph.name : "none (the partner delivers by itself)", "set_by", who, "effect",
        ph_id ? arena_printf(o->a,
                             "From now on the users of %s may upload and deliver for %s, "
                             "and see its requests and results. %s",
                             ph.name, p->name, effect)
              : "No posthouse delivers for the partner any more: it uploads and delivers "
                "itself.");
    rc = lifecycle_send_partner(o, p, "agent_set", vars);
    if (rc == 0 && p->pim_id != o->who.user_id) /* the pim who set it needs no message */
        rc = lifecycle_send_user(o, p, p->pim_id, "agent_set", vars);
    if (rc == 0)
        rc = tell_posthouse(o, p, ph_id, vars);
    if (rc == 0 && p->agent_id != ph_id)
        rc = tell_posthouse(o, p, p->agent_id, vars);
    json_decref(vars);
    if (rc < 0)
        return rc;
    return lifecycle_event(
        o, p, NULL, "partner.agent",
        json_pack("{s:o}", "agent", p->agent_id ? json_integer(p->agent_id) : json_null()),
        json_pack("{s:o, s:s}", "agent", ph_id ? json_integer(ph_id) : json_null(), "by",
                  role_name(o->who.role) ? role_name(o->who.role) : "system"));
}

int agent_set(struct op *o, int64_t partner_id, int64_t posthouse_id)
{
    struct partner p;
    int rc = op_begin(o);
    if (rc == 0)
        rc = op_allow_partner(o, ACT_AGENT_SET, partner_id, &p);
    if (rc == 0)
        rc = set_agent(o, &p, posthouse_id);
    return op_end(o, rc);
}
