/*
 * Warnings and escalation, and the other consequences of a lifecycle
 * clock's breach or nearing due instant: see warnings.h.
 *
 * A handler acts as the system (op_init with no one) at the clock's due
 * instant, not at the sweep's: a sweep that runs late (the server was
 * down) issues the same warnings, dated when they were earned, and the
 * next response clock starts where the missed one ended. It joins the
 * sweep's transaction; a refusal of one of its pieces (a message that
 * cannot be prepared) is logged and rolls the claim back, so the sweep
 * tries again.
 */
#include "app/warnings.h"

#include <stdio.h>
#include <string.h>

#include "app/lifecycle_steps.h"
#include "app/scope.h"
#include "core/clock.h"
#include "core/deadline.h"

/* ---- the list ---- */

static int add_warning(const struct warning_row *w, void *ctx)
{
    json_array_append_new(ctx, json_pack("{s:I, s:I, s:o, s:s, s:o, s:I}", "id", (json_int_t)w->id,
                                         "number", (json_int_t)w->number, "issued_at",
                                         app_json_time(w->issued_at), "reason", w->reason,
                                         "request",
                                         w->request_id ? json_integer(w->request_id) : json_null(),
                                         "clock", (json_int_t)w->clock_id));
    return 0;
}

int warnings_list(struct op *o, int64_t partner_id, json_t **out)
{
    *out = NULL;
    int rc = op_allow_partner(o, ACT_WARNINGS_READ, partner_id, NULL);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    if ((rc = store_warning_each(o->db, o->a, partner_id, add_warning, list)) < 0) {
        json_decref(list);
        return op_failed(o, rc);
    }
    *out = json_pack("{s:o}", "warnings", list);
    return 0;
}

/* ---- the handlers' operation ---- */

void clock_handler_op(struct op *o, struct db *db, struct arena *a, int64_t at)
{
    op_init(o, db, a, at, NULL, app_public_url());
    op_join(o);
}

int clock_handler_end(struct op *o, const struct clock_row *c, int rc)
{
    if (rc == STORE_ERR_NOT_FOUND)
        rc = 0;
    if (rc == OP_REFUSED)
        fprintf(stderr, "vodgate: handling clock %lld (%s) failed: %s\n", (long long)c->id, c->kind,
                buf_str(&o->err.message));
    op_free(o);
    return rc < 0 ? STORE_ERR : 0;
}

/*
 * The request a clock is about and its partner: STORE_ERR_NOT_FOUND when it
 * is about no request (a request without its partner is a store error).
 */
static int request_of(struct op *o, const struct clock_row *c, struct request_row *r,
                      struct partner *p)
{
    int64_t rid = lifecycle_subject_request(c->subject);
    int rc = rid ? store_request_get(o->db, o->a, rid, r) : STORE_ERR_NOT_FOUND;
    if (rc < 0)
        return rc;
    rc = store_partner_get(o->db, o->a, r->partner_id, p);
    return rc == STORE_ERR_NOT_FOUND ? STORE_ERR : rc;
}

/* ---- a missed response: the warning, and the escalation ---- */

/*
 * The third warning: the pim owes a decision, and the pim (who decides),
 * the cam and the commercial team are told, each once (one person in two
 * of those places gets one message). Only the third warning of a ladder
 * comes here, so a pending decision is announced once.
 */
static int escalate(struct op *o, const struct partner *p, int64_t n)
{
    int rc = store_partner_set_decision(o->db, p->id, true);
    if (rc < 0)
        return rc;
    json_t *vars = json_pack("{s:I}", "warnings", (json_int_t)n);
    int64_t ids[] = {p->pim_id, p->cam_id};
    rc = lifecycle_send_once(o, p, ids, 2, ROLE_COMMERCIAL, "escalation", vars);
    json_decref(vars);
    if (rc == 0)
        rc = lifecycle_event(o, p, NULL, "training.decision_requested", NULL,
                             json_pack("{s:I}", "warnings", (json_int_t)n));
    return rc;
}

/*
 * Warning n (the ladder's count + 1, at most WARNINGS_BEFORE_ESCALATION)
 * for the missed response clock c on request r: issued at the breach
 * instant, recorded, mailed to the partner with a copy to the pim; the
 * next response clock starts at that instant. The third asks for the
 * decision. *full is set when the ladder already stood at three: then no
 * warning is issued and nothing is written.
 */
static int warn(struct op *o, const struct clock_row *c, const struct request_row *r,
                const struct partner *p, bool *full)
{
    int64_t n;
    *full = false;
    int rc = store_partner_add_warning(o->db, p->id, WARNINGS_BEFORE_ESCALATION, &n);
    if (rc == STORE_ERR_CONFLICT) {
        *full = true;
        return 0;
    }
    if (rc < 0)
        return rc;
    struct warning_row w = {0};
    w.partner_id = p->id;
    w.request_id = r->id;
    w.clock_id = c->id;
    w.number = n;
    w.issued_at = c->due_at;
    w.reason = arena_printf(o->a,
                            "no response or corrective action within 3 working days on request "
                            "\"%s\", due %s",
                            r->title, lifecycle_due_words(o, p, c->due_at));
    int64_t wid;
    if ((rc = store_warning_add(o->db, &w, &wid)) < 0)
        return rc;
    int64_t next;
    rc = lifecycle_start_clock(o, p, deadline_name(DEADLINE_RESPONSE_3WD), c->subject,
                               clock_ladder_next_start(c->due_at), &next);
    if (rc < 0)
        return rc;
    int64_t next_due =
        lifecycle_open_clock_due(o, c->subject, deadline_name(DEADLINE_RESPONSE_3WD));
    bool last = n >= WARNINGS_BEFORE_ESCALATION;
    json_t *vars = json_pack(
        "{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "n", (json_int_t)n, "of",
        (json_int_t)WARNINGS_BEFORE_ESCALATION, "request_title", r->title, "link",
        arena_printf(o->a, "%s/requests/%lld", o->base_url, (long long)r->id), "missed",
        lifecycle_due_words(o, p, c->due_at), "next_due", lifecycle_due_words(o, p, next_due),
        "todo", last ? "Still due:" : "To do:    ", "after",
        last ? "This is the third warning: the training is flagged for escalation, and the "
               "Partner Integrations Manager now decides whether it stops, goes to the "
               "commercial team, moves to a posthouse, or continues. You will hear of the "
               "decision. No further warning is issued while it is pending, but the request "
               "keeps its deadline above, and each deadline missed is recorded in the "
               "training's history."
             : "After a third warning the training is flagged for escalation: the Partner "
               "Integrations Manager then decides whether it stops, goes to the commercial "
               "team, moves to a posthouse, or continues.");
    rc = lifecycle_send_partner(o, p, "warning", vars);
    if (rc == 0)
        rc = lifecycle_send_owner(o, p, "warning", vars);
    json_decref(vars);
    if (rc == 0)
        rc = lifecycle_event(o, p, c->subject, "training.warning", NULL,
                             json_pack("{s:I, s:I, s:s}", "number", (json_int_t)n, "clock",
                                       (json_int_t)c->id, "reason", w.reason));
    if (rc == 0 && last)
        rc = escalate(o, p, n);
    return rc;
}

/*
 * A missed response after the third warning, until the decision (or while
 * an escalated or posthouse-bound training waits): the breach only, in the
 * audit log beside the clock's own record; no warning and no message. The
 * next response clock starts at the breach, as after a warning, so each
 * missed period is on record and a new ladder (after "continue") finds
 * the item's clock running.
 */
static int breach_only(struct op *o, const struct clock_row *c, const struct request_row *r,
                       const struct partner *p)
{
    int64_t next;
    int rc = lifecycle_start_clock(o, p, deadline_name(DEADLINE_RESPONSE_3WD), c->subject,
                                   clock_ladder_next_start(c->due_at), &next);
    if (rc == 0)
        rc = lifecycle_event(
            o, p, c->subject, "training.missed_response", NULL,
            json_pack("{s:I, s:I, s:o, s:b, s:s}", "clock", (json_int_t)c->id, "request",
                      (json_int_t)r->id, "due_at", app_json_time(c->due_at), "decision_pending",
                      p->decision_pending, "why",
                      "the ladder stands at three warnings: breaches are recorded, no fourth "
                      "warning is issued"));
    return rc;
}

/*
 * A response clock breached (3 working days without a response): during
 * training, a warning (warn), or past the third a recorded breach. In
 * steady state, or for a request of the training phase after the training
 * ended, the breach is only recorded (the sweep already logged it); so is
 * a response clock on something else.
 */
static int on_response_breach(struct db *db, struct arena *a, const struct clock_row *c,
                              int64_t now)
{
    (void)now;
    struct op o;
    clock_handler_op(&o, db, a, c->due_at);
    struct request_row r;
    struct partner p;
    int rc = request_of(&o, c, &r, &p);
    if (rc == STORE_ERR_NOT_FOUND) {
        rc = 0; /* a response clock on something else: the breach record is all */
    } else if (rc == 0 && !strcmp(r.phase, "training") &&
               lifecycle_in_training(stage_parse(p.stage))) {
        bool full;
        rc = warn(&o, c, &r, &p, &full);
        if (rc == 0 && full)
            rc = breach_only(&o, c, &r, &p);
    }
    return clock_handler_end(&o, c, rc);
}

/* ---- the other breaches ---- */

/* A 48-hour delivery clock breached: the request is late; the partner and its owner are told. */
static int on_delivery_breach(struct db *db, struct arena *a, const struct clock_row *c,
                              int64_t now)
{
    (void)now;
    struct op o;
    clock_handler_op(&o, db, a, c->due_at);
    struct request_row r;
    struct partner p;
    int rc = request_of(&o, c, &r, &p);
    if (rc == STORE_ERR_NOT_FOUND)
        return clock_handler_end(&o, c, 0);
    if (rc == 0)
        rc = store_request_set_late(db, r.id);
    if (rc < 0)
        return clock_handler_end(&o, c, rc);
    json_t *vars = json_pack("{s:s, s:s, s:s}", "title", r.title, "link",
                             arena_printf(a, "%s/requests/%lld", o.base_url, (long long)r.id),
                             "due", lifecycle_due_words(&o, &p, c->due_at));
    rc = lifecycle_send_partner(&o, &p, "delivery_late", vars);
    if (rc == 0)
        rc = lifecycle_send_owner(&o, &p, "delivery_late", vars);
    json_decref(vars);
    if (rc == 0)
        rc = lifecycle_event(&o, &p, c->subject, "request.late", NULL,
                             json_pack("{s:s}", "due_at", op_instant_text(&o, c->due_at)));
    return clock_handler_end(&o, c, rc);
}

/*
 * Who hears of a cap: the partner's current owner, and for setup the cam
 * as well (who sent the questionnaire); each once.
 */
static int send_cap(struct op *o, const struct clock_row *c, const struct partner *p,
                    const char *tmpl, json_t *vars)
{
    int64_t to[2] = {lifecycle_owner(p),
                     !strcmp(c->kind, deadline_name(DEADLINE_SETUP_10D)) ? p->cam_id : 0};
    return lifecycle_send_users(o, p, to, 2, tmpl, vars);
}

/* The vars of a clock's notice: what, about which item, due in words, and the item's link. */
static json_t *clock_vars(struct op *o, const struct partner *p, const struct clock_row *c)
{
    const struct deadline_kind *k = deadline_kind(c->kind);
    json_t *vars = json_pack("{s:s, s:s, s:s}", "what", k ? k->long_label : c->kind, "item",
                             lifecycle_subject_words(o, p, c->subject), "due",
                             lifecycle_due_words(o, p, c->due_at));
    int64_t rid = lifecycle_subject_request(c->subject);
    if (rid)
        json_object_set_new(
            vars, "link",
            json_string(arena_printf(o->a, "%s/requests/%lld", o->base_url, (long long)rid)));
    return vars;
}

/* A setup, training or publishing cap breached: the partner's owner hears of it (send_cap). */
static int on_cap_breach(struct db *db, struct arena *a, const struct clock_row *c, int64_t now)
{
    (void)now;
    struct op o;
    clock_handler_op(&o, db, a, c->due_at);
    struct partner p;
    int rc = store_partner_get(db, a, c->partner_id, &p);
    if (rc == 0) {
        json_t *vars = clock_vars(&o, &p, c);
        rc = send_cap(&o, c, &p, "clock_breached", vars);
        json_decref(vars);
    }
    return clock_handler_end(&o, c, rc);
}

/* ---- due soon ---- */

/*
 * A clock is due within a day: partner-facing clocks (delivery, response)
 * remind the partner; caps remind their owner. The sweep claims each
 * clock's notice once, so it is sent once, dated now.
 */
static int on_due_soon(struct db *db, struct arena *a, const struct clock_row *c, int64_t now)
{
    struct op o;
    clock_handler_op(&o, db, a, now);
    struct partner p;
    int rc = store_partner_get(db, a, c->partner_id, &p);
    if (rc < 0)
        return clock_handler_end(&o, c, rc == STORE_ERR_NOT_FOUND ? 0 : rc);
    /* a clock that does not run (paused since it was picked) reminds nobody */
    if (strcmp(c->state, "running") || !c->due_at)
        return clock_handler_end(&o, c, 0);
    const struct deadline_kind *k = deadline_kind(c->kind);
    json_t *vars = clock_vars(&o, &p, c);
    if (k && k->pausable)
        rc = lifecycle_send_partner(&o, &p, "clock_due_soon", vars);
    else if (k && k->extendable)
        rc = send_cap(&o, c, &p, "clock_due_soon", vars);
    json_decref(vars);
    return clock_handler_end(&o, c, rc);
}

const struct clock_handler warnings_clock_handlers[] = {
    {DEADLINE_DELIVERY_48H, on_delivery_breach, on_due_soon},
    {DEADLINE_RESPONSE_3WD, on_response_breach, on_due_soon},
    {DEADLINE_SETUP_10D, on_cap_breach, on_due_soon},
    {DEADLINE_TRAINING_30D, on_cap_breach, on_due_soon},
    {DEADLINE_PUBLISH_14D, on_cap_breach, on_due_soon},
};
const int n_warnings_clock_handlers =
    sizeof warnings_clock_handlers / sizeof warnings_clock_handlers[0];
