/*
 * The onboarding operations (SPEC sections 2, 3 and 5): each one is a step
 * of a partner's lifecycle, checked by core/lifecycle.c, applied to the
 * store, its clocks started or closed (jobs/clocks.c), its audit event
 * written and its messages queued (jobs/mail.c) — all inside the caller's
 * transaction, so a step happens whole or not at all.
 *
 * A refused step fills the context's answer: an HTTP status (409 for an
 * illegal transition, 422 for invalid content, 404), a stable code and a
 * message that says what to do; handlers only translate.
 */
#ifndef VG_ONBOARDING_H
#define VG_ONBOARDING_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "core/lifecycle.h"
#include "core/role.h"
#include "core/training.h"
#include "store/lifecycle_store.h"

struct onb {
    struct db *db;
    struct arena *a;
    int64_t now;
    int64_t actor_id; /* the user acting, 0: the system */
    enum role actor_role;
    const char *base_url; /* for links in messages: "http://127.0.0.1:8080" */
    /* the answer when a step is refused */
    int status;       /* 404, 409, 422, 500 */
    const char *code; /* "illegal_transition", "invalid", ... */
    struct buf message;
    json_t *extra; /* more members of the error object, owned */
};

#define ONB_REFUSED (-100)

/* The address people reach the portal at, for links in messages (set once at start). */
void onb_set_public_url(const char *url);
const char *onb_public_url(void);

void onb_init(struct onb *o, struct db *db, struct arena *a, int64_t now, int64_t actor_id,
              enum role actor_role, const char *base_url);
void onb_free(struct onb *o);

/* The facts the training rules need, from the partner's answers (all false without answers). */
int onb_training_facts(struct onb *o, const struct partner *p, struct training_facts *facts);
/* The onboarded posthouses whose approved formats cover the partner's intended ones (JSON array).
 */
int onb_fitting_posthouses(struct onb *o, const struct partner *p, json_t **out);

/* The lifecycle facts of a partner. */
int onb_facts(struct onb *o, const struct partner *p, struct lifecycle_facts *f);

int onb_send_questionnaire(struct onb *o, const struct partner *p);
/* Saves answers (partial); submit = true also checks required answers and moves to setup. */
int onb_answer(struct onb *o, const struct partner *p, json_t *answers, bool submit);
/* Provisions (done) or reopens a setup item. *secret receives a one-time credential. */
int onb_setup_item(struct onb *o, const struct partner *p, enum setup_item item, bool done,
                   const char *value, json_t **secret);
int onb_plan(struct onb *o, const struct partner *p, json_t *modules);
int onb_confirm(struct onb *o, const struct partner *p);
int onb_set_owners(struct onb *o, const struct partner *p, json_t *owners);

int onb_request(struct onb *o, const struct partner *p, const char *kind, const char *title,
                const char *note, int64_t *request_id);
int onb_rerequest(struct onb *o, const struct request_row *r, const char *reason);
int onb_message(struct onb *o, const struct request_row *r, const char *body, bool from_partner);
int onb_pause(struct onb *o, const struct request_row *r, const char *reason, bool pause);

/* *proposal receives the fitting posthouses for propose_posthouse. */
int onb_decide(struct onb *o, const struct partner *p, const char *action, const char *note,
               json_t **proposal);
int onb_resume(struct onb *o, const struct partner *p);
int onb_complete(struct onb *o, const struct partner *p, json_t *formats, int64_t pom_id);
/* Records the approved formats of a partner in steady state (one that skipped training). */
int onb_set_formats(struct onb *o, const struct partner *p, json_t *formats);
int onb_alternate(struct onb *o, const struct partner *p, const char *reason);
/* Accepts an invitation: sets the password of its user. */
int onb_accept_invitation(struct onb *o, const char *token, const char *password);

/* ---- the pieces every step is made of (for the other jobs modules) ---- */

/* Fills the refusal; returns ONB_REFUSED. */
int onb_refuse(struct onb *o, int status, const char *code, const char *fmt, ...) VG_PRINTF(4, 5);
/* A store failure becomes a 500 refusal (not-found a 404); ONB_REFUSED passes through. */
int onb_failed(struct onb *o, int rc);
/* Writes an audit event about the partner (before/after stolen; subject NULL: the partner). */
int onb_event(struct onb *o, const struct partner *p, const char *subject, const char *action,
              json_t *before, json_t *after);
/* Queues a message to the partner's users (or its contact), or to one user (0: nobody). */
int onb_send_partner(struct onb *o, const struct partner *p, const char *tmpl, json_t *vars);
int onb_send_user(struct onb *o, const struct partner *p, int64_t user_id, const char *tmpl,
                  json_t *vars);
/* Closes the open clocks of a subject (kind NULL: every kind) as met or cancelled. */
int onb_close_clocks(struct onb *o, const char *subject, const char *kind, const char *state,
                     const char *reason);
/* "request:12": the subject of a request's clocks and events (in o's arena). */
const char *onb_request_subject(struct onb *o, int64_t id);
/* The due instant of the open clock of a kind on a subject; 0 when none is open. */
int64_t onb_open_clock_due(struct onb *o, const char *subject, const char *kind);
/* Starts a clock of the partner's; a clock-rule error refuses with 422. */
int onb_start_clock(struct onb *o, const struct partner *p, const char *kind, const char *subject,
                    int64_t start, int64_t *id);

/* Registers the breach handlers of the lifecycle's clocks with the sweep. */
void onb_register_breach_handlers(void);

#endif
