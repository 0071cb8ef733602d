/*
 * The onboarding operations (SPEC sections 2, 3 and 5): each one is a step
 * of a partner's lifecycle, checked by core/lifecycle.c, applied to the
 * store, its clocks started or closed (app/clocks.c), its audit event
 * written and its messages queued (app/mail_queue.c) — all inside the caller's
 * transaction, so a step happens whole or not at all.
 *
 * A refused step returns OP_REFUSED with a typed error (app/op.h): a
 * conflict for an illegal transition, invalid content naming its fields,
 * not found; a stable code and a message that says what to do.
 */
#ifndef VG_ONBOARDING_H
#define VG_ONBOARDING_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/op.h"
#include "base/buf.h"
#include "core/lifecycle.h"
#include "core/role.h"
#include "core/training.h"
#include "store/lifecycle_store.h"

/* The facts the training rules need, from the partner's answers (all false without answers). */
int onb_training_facts(struct op *o, const struct partner *p, struct training_facts *facts);
/* The onboarded posthouses whose approved formats cover the partner's intended ones (JSON array).
 */
int onb_fitting_posthouses(struct op *o, const struct partner *p, json_t **out);

/* The lifecycle facts of a partner. */
int onb_facts(struct op *o, const struct partner *p, struct lifecycle_facts *f);

int onb_send_questionnaire(struct op *o, const struct partner *p);
/* Saves answers (partial); submit = true also checks required answers and moves to setup. */
int onb_answer(struct op *o, const struct partner *p, json_t *answers, bool submit);
/* Provisions (done) or reopens a setup item. *secret receives a one-time credential. */
int onb_setup_item(struct op *o, const struct partner *p, enum setup_item item, bool done,
                   const char *value, json_t **secret);
int onb_plan(struct op *o, const struct partner *p, json_t *modules);
int onb_confirm(struct op *o, const struct partner *p);
int onb_set_owners(struct op *o, const struct partner *p, json_t *owners);

int onb_request(struct op *o, const struct partner *p, const char *kind, const char *title,
                const char *note, int64_t *request_id);
int onb_rerequest(struct op *o, const struct request_row *r, const char *reason);
int onb_message(struct op *o, const struct request_row *r, const char *body, bool from_partner);
int onb_pause(struct op *o, const struct request_row *r, const char *reason, bool pause);

/* *proposal receives the fitting posthouses for propose_posthouse. */
int onb_decide(struct op *o, const struct partner *p, const char *action, const char *note,
               json_t **proposal);
int onb_resume(struct op *o, const struct partner *p);
int onb_complete(struct op *o, const struct partner *p, json_t *formats, int64_t pom_id);
/* Records the approved formats of a partner in steady state (one that skipped training). */
int onb_set_formats(struct op *o, const struct partner *p, json_t *formats);
int onb_alternate(struct op *o, const struct partner *p, const char *reason);
/* Accepts an invitation: sets the password of its user. */
int onb_accept_invitation(struct op *o, const char *token, const char *password);

/* ---- the pieces every step is made of (for the other jobs modules) ---- */

/* Writes an audit event about the partner (before/after stolen; subject NULL: the partner). */
int onb_event(struct op *o, const struct partner *p, const char *subject, const char *action,
              json_t *before, json_t *after);
/* Queues a message to the partner's users (or its contact), or to one user (0: nobody). */
int onb_send_partner(struct op *o, const struct partner *p, const char *tmpl, json_t *vars);
int onb_send_user(struct op *o, const struct partner *p, int64_t user_id, const char *tmpl,
                  json_t *vars);
/* Closes the open clocks of a subject (kind NULL: every kind) as met or cancelled. */
int onb_close_clocks(struct op *o, const char *subject, const char *kind, const char *state,
                     const char *reason);
/* "request:12": the subject of a request's clocks and events (in o's arena). */
const char *onb_request_subject(struct op *o, int64_t id);
/* The due instant of the open clock of a kind on a subject; 0 when none is open. */
int64_t onb_open_clock_due(struct op *o, const char *subject, const char *kind);
/* Starts a clock of the partner's; a clock-rule error refuses with 422. */
int onb_start_clock(struct op *o, const struct partner *p, const char *kind, const char *subject,
                    int64_t start, int64_t *id);

/*
 * What happens when a lifecycle clock breaches or comes due soon: run by the
 * sweep (jobs/sweep.c) inside the transaction that claims the clock. Returns
 * 0 or <0 (the sweep rolls back and records the handler's failure).
 */
typedef int (*clock_event_fn)(struct db *db, struct arena *a, const struct clock_row *c,
                              int64_t now);
struct clock_handler {
    const char *kind;         /* the clock kind ("response_3wd") */
    clock_event_fn on_breach; /* NULL: the breach is only recorded */
    clock_event_fn on_due_soon;
};
/* The handlers of the lifecycle's clocks, for the sweep to use. */
extern const struct clock_handler onb_clock_handlers[];
extern const int n_onb_clock_handlers;

#endif
