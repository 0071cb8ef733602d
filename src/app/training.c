/*
 * Training: see training.h.
 *
 * A decision is recorded whatever it is (the decisions table keeps the
 * history) and clears the partner's pending flag that the third warning
 * set (warnings.c); its consequences follow the action. Stopping or
 * completing the training cancels the response clocks of its requests, so
 * a training that is over issues no more warnings.
 */
#include "app/training.h"

#include <stdlib.h>
#include <string.h>

#include "app/alternates.h"
#include "app/lifecycle_steps.h"
#include "app/posthouses.h"
#include "app/scope.h"
#include "core/deadline.h"
#include "app/setup.h"

struct cancel_ctx {
    struct op *o;
    const char *reason;
    int rc;
};

static int cancel_training_request(const struct request_row *r, void *arg)
{
    struct cancel_ctx *x = arg;
    if (strcmp(r->phase, "training"))
        return 0;
    x->rc = lifecycle_close_clocks(x->o, lifecycle_request_subject(x->o, r->id),
                                   deadline_name(DEADLINE_RESPONSE_3WD), "cancelled", x->reason);
    return x->rc < 0;
}

/* Cancels the response clocks of the partner's training requests (training stopped or over). */
static int cancel_training_responses(struct op *o, const struct partner *p, const char *reason)
{
    struct cancel_ctx x = {o, reason, 0};
    int rc = store_request_each_of_partner(o->db, o->a, p->id, cancel_training_request, &x);
    return rc < 0 ? rc : x.rc;
}

/* ---- the decision ---- */

static int escalate(struct op *o, const struct partner *p, const char *note)
{
    int rc = 0;
    if (strcmp(p->stage, "escalated") &&
        (rc = lifecycle_set_stage(o, p, STAGE_ESCALATED, note)) < 0)
        return rc;
    json_t *vars = json_pack("{s:I, s:s, s:s}", "warnings", (json_int_t)p->warnings, "note",
                             note ? note : "", "decision", "escalated to the commercial team");
    rc = lifecycle_send_role(o, p, ROLE_COMMERCIAL, "escalation", vars);
    if (rc == 0)
        rc = lifecycle_send_user(o, p, p->cam_id, "escalation", vars);
    json_decref(vars);
    return rc;
}

static int decide(struct op *o, const struct partner *p, const char *action, const char *note,
                  json_t **proposal)
{
    int rc = lifecycle_step_allowed(o, p, STEP_DECIDE);
    if (rc < 0)
        return rc;
    if (strcmp(action, "stop") && strcmp(action, "escalate") &&
        strcmp(action, "propose_posthouse") && strcmp(action, "continue"))
        return op_invalid(o, "action",
                          "'action' is stop, escalate, propose_posthouse or continue (got '%s')",
                          action);
    if ((rc = store_decision_add(o->db, p->id, action, note, o->who.user_id, o->now)) < 0 ||
        (rc = store_partner_set_decision(o->db, p->id, false)) < 0)
        return rc;
    if (!strcmp(action, "stop")) {
        if ((rc = cancel_training_responses(o, p, "training stopped")) < 0 ||
            (rc = lifecycle_set_stage(o, p, STAGE_STOPPED, note)) < 0)
            return rc;
    } else if (!strcmp(action, "escalate")) {
        if ((rc = escalate(o, p, note)) < 0)
            return rc;
    } else if (!strcmp(action, "propose_posthouse")) {
        if ((rc = posthouses_fitting(o, p, proposal)) < 0)
            return rc;
    }
    return lifecycle_event(o, p, NULL, "training.decision", NULL,
                           json_pack("{s:s, s:s}", "action", action, "note", note ? note : ""));
}

int training_decide(struct op *o, int64_t partner_id, const char *action, const char *note,
                    json_t **proposal)
{
    struct partner p;
    *proposal = NULL;
    int rc = op_begin(o);
    if (rc == 0)
        rc = op_allow_partner(o, ACT_TRAINING_DECIDE, partner_id, &p);
    if (rc == 0)
        rc = decide(o, &p, action, note, proposal);
    rc = op_end(o, rc);
    if (rc < 0) {
        json_decref(*proposal);
        *proposal = NULL;
    }
    return rc;
}

int training_resume(struct op *o, int64_t partner_id)
{
    struct partner p;
    int rc = op_begin(o);
    if (rc == 0)
        rc = op_allow_partner(o, ACT_TRAINING_DECIDE, partner_id, &p);
    if (rc == 0)
        rc = lifecycle_step_allowed(o, &p, STEP_RESUME);
    if (rc == 0)
        rc = lifecycle_set_stage(o, &p, STAGE_TRAINING, "training resumed");
    return op_end(o, rc);
}

/* ---- completing ---- */

/* The summary (with the handover) to the partner, the handover to the pom. */
static int tell_completed(struct op *o, const struct partner *p, int64_t pom_id, json_t *names)
{
    struct user pom, pim;
    store_user_by_id(o->db, o->a, pom_id, &pom);
    bool has_pim = p->pim_id && store_user_by_id(o->db, o->a, p->pim_id, &pim) == 0;
    json_t *vars =
        json_pack("{s:O, s:s, s:s, s:s}", "formats", names, "pom_name", pom.name, "pom_email",
                  pom.email, "pim_name", has_pim ? pim.name : "your Partner Integrations Manager");
    /* one message each: the partner's summary names its pom, the pom's handover its formats */
    int rc = lifecycle_send_partner(o, p, "training_complete", vars);
    if (rc == 0)
        rc = lifecycle_send(o, p, pom.email, pom.id, "handover", vars);
    json_decref(vars);
    return rc;
}

static int complete(struct op *o, const struct partner *p, json_t *formats, int64_t pom_id)
{
    int rc = lifecycle_step_allowed(o, p, STEP_COMPLETE);
    if (rc < 0)
        return rc;
    json_t *names;
    if ((rc = setup_check_formats(o, formats, &names)) < 0)
        return rc;
    if ((rc = lifecycle_user_with_role(o, pom_id, ROLE_POM, "pom")) < 0) {
        json_decref(names);
        return rc;
    }
    char *text = json_dumps(names, JSON_COMPACT);
    rc = store_partner_set_formats(o->db, p->id, text);
    free(text);
    if (rc == 0)
        rc = store_partner_set_owner(o->db, p->id, "pom", pom_id);
    if (rc == 0)
        rc = lifecycle_close_clocks(o, lifecycle_partner_subject(o, p->id),
                                    deadline_name(DEADLINE_TRAINING_30D), "met",
                                    "training completed");
    if (rc == 0)
        rc = cancel_training_responses(o, p, "training completed");
    if (rc == 0)
        rc = lifecycle_set_stage(o, p, STAGE_STEADY, "training completed");
    if (rc == 0)
        rc = tell_completed(o, p, pom_id, names);
    if (rc < 0) {
        json_decref(names);
        return rc;
    }
    return lifecycle_event(
        o, p, NULL, "training.complete", NULL,
        json_pack("{s:o, s:I}", "approved_formats", names, "pom", (json_int_t)pom_id));
}

int training_complete(struct op *o, int64_t partner_id, json_t *formats, int64_t pom_id)
{
    struct partner p;
    int rc = op_begin(o);
    if (rc == 0)
        rc = op_allow_partner(o, ACT_TRAINING_DECIDE, partner_id, &p);
    if (rc == 0)
        rc = complete(o, &p, formats, pom_id);
    return op_end(o, rc);
}

/* ---- an alternate solution ---- */

static int ask_alternate(struct op *o, const struct partner *p, const char *reason,
                         int64_t *case_id)
{
    int rc = lifecycle_step_allowed(o, p, STEP_ALTERNATE);
    if (rc < 0)
        return rc;
    if (!*reason || strlen(reason) > 5000)
        return op_refuse(o, OP_INVALID, "invalid",
                         "say which deadline you cannot meet and why (1 to 5,000 characters)");
    int64_t id, ack_due;
    if ((rc = store_alternate_add(o->db, p->id, reason, o->who.user_id, o->now, &id)) < 0 ||
        (rc = alternates_opened(o, p, id, &ack_due)) < 0)
        return rc;
    *case_id = id;
    struct user by;
    const char *who =
        store_user_by_id(o->db, o->a, o->who.user_id, &by) == 0 ? by.email : "the partner";
    json_t *vars = json_pack("{s:s, s:s, s:s}", "reason", reason, "requested_by", who, "ack_due",
                             op_due_words(o, ack_due, p->time_zone));
    int64_t to[2] = {p->cam_id, p->pim_id}; /* each once: one person may hold both */
    rc = lifecycle_send_users(o, p, to, 2, "alternate_solution", vars);
    json_decref(vars);
    if (rc < 0)
        return rc;
    return lifecycle_event(o, p, NULL, "partner.alternate_solution", NULL,
                           json_pack("{s:I, s:s}", "id", (json_int_t)id, "reason", reason));
}

int training_alternate_solution(struct op *o, int64_t partner_id, const char *reason, json_t **out)
{
    struct partner p;
    *out = NULL;
    int rc = op_begin(o);
    if (rc == 0)
        rc = op_allow_partner(o, ACT_ALTERNATE, partner_id, &p);
    int64_t case_id = 0;
    if (rc == 0)
        rc = ask_alternate(o, &p, reason, &case_id);
    if ((rc = op_end(o, rc)) == 0)
        *out = json_pack("{s:I, s:I, s:s, s:s, s:o}", "id", (json_int_t)case_id, "partner",
                         (json_int_t)p.id, "reason", reason, "state", "open", "at",
                         app_json_time(o->now));
    return rc;
}
