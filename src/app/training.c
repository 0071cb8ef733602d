/*
 * Training: see training.h.
 *
 * A decision is recorded whatever it is (the decisions table keeps the
 * history) and clears the partner's pending flag that the third warning
 * set (warnings.c); its consequences follow the action (SPEC 2.4), and the
 * partner is told each one in a message with the pim's note, what happens
 * now and what it can do (the same words its dashboard and partner page
 * show, training_decision_json). Stopping ends every open clock of the
 * training; completing it cancels the response clocks of its requests, so
 * a training that is over issues no more warnings. continue and resume
 * restart the warning count: a new ladder, which may escalate once more.
 */
#include "app/training.h"

#include <stdlib.h>
#include <string.h>

#include "app/alternates.h"
#include "app/lifecycle_steps.h"
#include "app/posthouses.h"
#include "base/buf.h"
#include "app/scope.h"
#include "core/deadline.h"
#include "app/setup.h"

struct cancel_ctx {
    struct op *o;
    const char *reason;
    const char *kind; /* NULL: every kind of clock */
    int rc;
};

static int cancel_training_request(const struct request_row *r, void *arg)
{
    struct cancel_ctx *x = arg;
    if (strcmp(r->phase, "training"))
        return 0;
    x->rc = lifecycle_close_clocks(x->o, lifecycle_request_subject(x->o, r->id), x->kind,
                                   "cancelled", x->reason);
    return x->rc < 0;
}

/* Cancels the clocks of a kind (NULL: all) of the partner's training requests. */
static int cancel_training_clocks(struct op *o, const struct partner *p, const char *kind,
                                  const char *reason)
{
    struct cancel_ctx x = {o, reason, kind, 0};
    int rc = store_request_each_of_partner(o->db, o->a, p->id, cancel_training_request, &x);
    return rc < 0 ? rc : x.rc;
}

/* Cancels the response clocks of the partner's training requests (training stopped or over). */
static int cancel_training_responses(struct op *o, const struct partner *p, const char *reason)
{
    return cancel_training_clocks(o, p, deadline_name(DEADLINE_RESPONSE_3WD), reason);
}

/* ---- the decision ---- */

/* The decision in words, for people. */
static const char *decision_words(const char *action)
{
    return !strcmp(action, "stop")       ? "the training stops"
           : !strcmp(action, "escalate") ? "the training is escalated to the commercial team"
           : !strcmp(action, "propose_posthouse") ? "deliver through an onboarded posthouse"
           : !strcmp(action, "continue")          ? "the training continues"
                                                  : action;
}

/* "Name (email)" of a user, or dflt (o's arena). */
static const char *person(struct op *o, int64_t user_id, const char *dflt)
{
    struct user u;
    if (!user_id || store_user_by_id(o->db, o->a, user_id, &u) < 0)
        return dflt;
    if (!u.name || !*u.name || !strcmp(u.name, u.email))
        return u.email;
    return arena_printf(o->a, "%s (%s)", u.name, u.email);
}

/* "Studio One (HD, UHD, stereo)" for each posthouse of list: a new array of strings. */
static json_t *posthouse_lines(struct op *o, const json_t *list)
{
    json_t *lines = json_array();
    size_t i, k;
    const json_t *ph, *f;
    json_array_foreach(list, i, ph) {
        struct buf b = {0};
        json_array_foreach(json_object_get(ph, "approved_formats"), k, f) {
            if (json_is_string(f))
                buf_printf(&b, "%s%s", b.len ? ", " : "", json_string_value(f));
        }
        const char *name = json_string_value(json_object_get(ph, "name"));
        json_array_append_new(
            lines, json_string(arena_printf(o->a, "%s (approved formats: %s)", name ? name : "?",
                                            b.len ? buf_str(&b) : "none recorded")));
        buf_free(&b);
    }
    return lines;
}

/*
 * What the decision means for the partner: what happens now and what it
 * can do, in sentences (o's arena). n_fit: the posthouses that fit, for
 * propose_posthouse; once the partner has chosen one (it has an agent), the
 * texts say so instead of repeating the proposal.
 */
static void decision_texts(struct op *o, const struct partner *p, const char *action, size_t n_fit,
                           const char **now, const char **move)
{
    const char *pim = person(o, p->pim_id, "your Partner Integrations Manager");
    if (!strcmp(action, "stop")) {
        *now = "the training is stopped and its open clocks have ended: no delivery or "
               "response is due from you for it now.";
        *move = arena_printf(o->a,
                             "nothing is due. To go on, write to %s: the training can be "
                             "resumed, and its clocks start again then.",
                             pim);
    } else if (!strcmp(action, "escalate")) {
        *now = "the training is escalated to the commercial team. Your open requests and "
               "their clocks still run.";
        *move = "keep answering and delivering on your open requests; the commercial team "
                "will contact you. If you cannot meet a deadline, ask for an alternate "
                "solution on your partner page.";
    } else if (!strcmp(action, "propose_posthouse") && p->agent_id) {
        struct partner ph;
        const char *name = store_partner_get(o->db, o->a, p->agent_id, &ph) == 0
                               ? ph.name
                               : "the posthouse you chose";
        *now = arena_printf(o->a,
                            "you deliver through %s, your delivery agent: its users may upload "
                            "and deliver for you, your training is cut to the avails review, "
                            "and the warning count restarted at zero.",
                            name);
        *move = "answer or deliver on your open requests (yourself or through the posthouse) "
                "before their deadlines. To change the posthouse, or to deliver by yourself "
                "again, choose on your partner page (\"Deliver through a posthouse\").";
    } else if (!strcmp(action, "propose_posthouse")) {
        *now = n_fit ? "your Partner Integrations Manager proposes that you deliver through an "
                       "onboarded posthouse. These deliver your formats:"
                     : "your Partner Integrations Manager proposes that you deliver through an "
                       "onboarded posthouse, but none delivers all of your formats today: "
                       "your Partner Integrations Manager will contact you.";
        *move = n_fit ? "choose one on your partner page (\"Deliver through a posthouse\"). "
                        "Once it is your delivery agent, its users may deliver for you, your "
                        "training is cut to the avails review, and the warning count restarts."
                      : arena_printf(o->a, "reply to %s with a posthouse you would use.", pim);
    } else {
        *now = "the training continues, and the warning count restarts at zero.";
        *move = "answer or deliver on your open requests before their deadlines (your "
                "partner page shows each one).";
    }
}

/* The escalate decision reaches the commercial team and the cam, with the pim's note. */
static int tell_escalated(struct op *o, const struct partner *p, const char *note, int64_t n)
{
    json_t *vars = json_pack("{s:s, s:s, s:s, s:I}", "decided_by",
                             person(o, o->who.user_id, "The Partner Integrations Manager"), "at",
                             op_at_words(o, o->now, p->time_zone), "note",
                             note && *note ? note : "(no note given)", "warnings", (json_int_t)n);
    int64_t cam = p->cam_id;
    int rc = lifecycle_send_once(o, p, &cam, 1, ROLE_COMMERCIAL, "escalated", vars);
    json_decref(vars);
    return rc;
}

/* The decision reaches the partner: what was decided, the note, what now, what it can do. */
static int tell_partner(struct op *o, const struct partner *p, const char *action, const char *note,
                        const json_t *fit)
{
    const char *now, *move;
    decision_texts(o, p, action, json_array_size(fit), &now, &move);
    if (!strcmp(action, "escalate")) /* who owns the next step (the panel shows it apart) */
        now = arena_printf(o->a,
                           "%s The commercial team owns the next step, with your Content "
                           "Acquisition Manager, %s.",
                           now, person(o, p->cam_id, "not assigned yet"));
    json_t *vars =
        json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:o}", "decision", decision_words(action),
                  "decided_by", person(o, o->who.user_id, "your Partner Integrations Manager"),
                  "at", op_at_words(o, o->now, p->time_zone), "notes",
                  note && *note ? json_pack("[s]", note) : json_array(), "what_now", now,
                  "your_move", move, "posthouses", fit ? posthouse_lines(o, fit) : json_array());
    int rc = lifecycle_send_partner(o, p, "decision", vars);
    json_decref(vars);
    return rc;
}

/* Stop: every open clock of the training ends (its requests' and its 30-day cap). */
static int stop_training(struct op *o, const struct partner *p, const char *note)
{
    int rc = cancel_training_clocks(o, p, NULL, "training stopped");
    if (rc == 0)
        rc = lifecycle_close_clocks(o, lifecycle_partner_subject(o, p->id),
                                    deadline_name(DEADLINE_TRAINING_30D), "cancelled",
                                    "training stopped");
    if (rc == 0)
        rc = lifecycle_set_stage(o, p, STAGE_STOPPED, note ? note : "training stopped");
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
    if (note && strlen(note) > 5000)
        return op_invalid(o, "note", "'note' is at most 5,000 characters");
    if ((rc = store_decision_add(o->db, p->id, action, note, o->who.user_id, o->now)) < 0 ||
        (rc = store_partner_set_decision(o->db, p->id, false)) < 0)
        return rc;
    int64_t warnings_after = p->warnings;
    if (!strcmp(action, "stop")) {
        rc = stop_training(o, p, note);
    } else if (!strcmp(action, "escalate")) {
        if (strcmp(p->stage, "escalated"))
            rc = lifecycle_set_stage(o, p, STAGE_ESCALATED, note ? note : "escalated");
        if (rc == 0)
            rc = tell_escalated(o, p, note, p->warnings);
    } else if (!strcmp(action, "propose_posthouse")) {
        rc = posthouses_fitting(o, p, proposal);
    } else {
        rc = store_partner_reset_warnings(o->db, p->id);
        warnings_after = 0;
    }
    if (rc == 0)
        rc = tell_partner(o, p, action, note, *proposal);
    if (rc < 0)
        return rc;
    json_t *after = json_pack("{s:s, s:s, s:I}", "action", action, "note", note ? note : "",
                              "warnings", (json_int_t)warnings_after);
    if (*proposal) {
        json_t *ids = json_array();
        size_t i;
        const json_t *ph;
        json_array_foreach(*proposal, i, ph) {
            json_array_append(ids, json_object_get(ph, "id"));
        }
        json_object_set_new(after, "posthouses", ids);
    }
    return lifecycle_event(
        o, p, NULL, "training.decision",
        json_pack("{s:I, s:s}", "warnings", (json_int_t)p->warnings, "stage", p->stage), after);
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

/*
 * Resuming: back to training, with a fresh ladder (the pim chose to go on,
 * as with "continue") and, when the stop ended it, a new 30-day cap from now.
 */
static int resume(struct op *o, const struct partner *p)
{
    int rc = lifecycle_step_allowed(o, p, STEP_RESUME);
    if (rc < 0)
        return rc;
    const char *subject = lifecycle_partner_subject(o, p->id);
    int64_t id;
    if (!lifecycle_open_clock_due(o, subject, deadline_name(DEADLINE_TRAINING_30D)) &&
        (rc = lifecycle_start_clock(o, p, deadline_name(DEADLINE_TRAINING_30D), subject, o->now,
                                    &id)) < 0)
        return rc;
    if ((rc = store_partner_reset_warnings(o->db, p->id)) < 0 ||
        (rc = store_partner_set_decision(o->db, p->id, false)) < 0)
        return rc;
    if ((rc = lifecycle_set_stage(o, p, STAGE_TRAINING, "training resumed")) < 0)
        return rc;
    json_t *vars =
        json_pack("{s:s, s:s, s:s, s:[], s:s, s:s, s:[]}", "decision", "the training resumes",
                  "decided_by", person(o, o->who.user_id, "your Partner Integrations Manager"),
                  "at", op_at_words(o, o->now, p->time_zone), "notes", "what_now",
                  "the training is back on, its warning count restarts at zero, "
                  "and the 30-day training clock runs.",
                  "your_move",
                  "answer or deliver on the requests your Partner Integrations "
                  "Manager issues, before their deadlines.",
                  "posthouses");
    rc = lifecycle_send_partner(o, p, "decision", vars);
    json_decref(vars);
    if (rc < 0)
        return rc;
    return lifecycle_event(
        o, p, NULL, "training.resume",
        json_pack("{s:I, s:s}", "warnings", (json_int_t)p->warnings, "stage", p->stage),
        json_pack("{s:i}", "warnings", 0));
}

int training_resume(struct op *o, int64_t partner_id)
{
    struct partner p;
    int rc = op_begin(o);
    if (rc == 0)
        rc = op_allow_partner(o, ACT_TRAINING_DECIDE, partner_id, &p);
    if (rc == 0)
        rc = resume(o, &p);
    return op_end(o, rc);
}

/* ---- the decision as people see it ---- */

json_t *training_decision_json(struct op *o, const struct partner *p)
{
    enum stage st = stage_parse(p->stage);
    struct decision_row d;
    if ((st != STAGE_TRAINING && st != STAGE_ESCALATED && st != STAGE_STOPPED) ||
        store_decision_latest(o->db, o->a, p->id, &d) < 0 || d.at < p->stage_at)
        return json_null();
    json_t *fit = NULL;
    if (!strcmp(d.action, "propose_posthouse") && posthouses_fitting(o, p, &fit) < 0)
        fit = NULL;
    const char *now, *move;
    decision_texts(o, p, d.action, json_array_size(fit), &now, &move);
    struct user by;
    bool has_by = d.by_user && store_user_by_id(o->db, o->a, d.by_user, &by) == 0;
    json_t *j =
        json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:s}", "action", d.action, "label",
                  decision_words(d.action), "note", d.note ? json_string(d.note) : json_null(),
                  "at", app_json_time(d.at), "by",
                  has_by ? json_pack("{s:s, s:s, s:s}", "name", by.name ? by.name : "", "email",
                                     by.email, "role", role_name(by.role))
                         : json_null(),
                  "what_now", now, "your_move", move);
    if (!strcmp(d.action, "escalate"))
        json_object_set_new(
            j, "next_owner",
            json_pack("{s:s, s:s}", "team", "commercial", "cam",
                      person(o, p->cam_id, "no Content Acquisition Manager assigned")));
    if (fit)
        json_object_set_new(j, "posthouses", fit);
    return j;
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
