/*
 * Training (SPEC section 5): the pim's decisions once a partner has had
 * its third warning (stop, escalate to the commercial team, propose a
 * posthouse, or continue), resuming a stopped or escalated training,
 * completing it (the approved formats are recorded, the pom takes the
 * partner over in steady state), and the partner's request for an
 * alternate solution when it cannot meet a deadline.
 *
 * What leads to a decision — the warnings and the escalation — is in
 * warnings.c. Each operation here checks the actor (op_allow_partner with
 * the action the API route uses) and runs in its own transaction (a caller
 * holding one calls op_join first).
 */
#ifndef VG_APP_TRAINING_H
#define VG_APP_TRAINING_H

#include <jansson.h>
#include <stdint.h>

#include "app/op.h"
#include "store/lifecycle_store.h"

/*
 * Records the pim's decision: action is stop, escalate, propose_posthouse
 * or continue (else OP_INVALID naming "action"); note (may be NULL) goes
 * with it to the partner, in a message that says what happens now and
 * what it can do. stop ends the training's open clocks (stage stopped);
 * escalate moves it to stage escalated and tells the commercial team and
 * the cam, once each, with the note; propose_posthouse sets *proposal to
 * the posthouses that fit the partner (app/posthouses.h; a new reference,
 * else NULL), which the partner is sent, and one of which it then names
 * its agent (app/agent.h); continue restarts the warning count at zero.
 */
int training_decide(struct op *o, int64_t partner_id, const char *action, const char *note,
                    json_t **proposal);

/*
 * Resumes a stopped or escalated training: stage training, a fresh ladder
 * (the warning count back to 0), a new 30-day cap when the stop ended it;
 * the partner is told.
 */
int training_resume(struct op *o, int64_t partner_id);

/*
 * The latest decision as the partner and staff see it, while it applies
 * (made in the current stage of a training, escalated or stopped partner):
 * {action, label, note, at, by {name, email, role}, what_now, your_move,
 * next_owner? {team, cam}, posthouses? [...]}, else null. A piece: no
 * actor check, reads in the caller's operation. A new reference.
 */
json_t *training_decision_json(struct op *o, const struct partner *p);

/*
 * Completes the training: formats (the approved formats, setup.h's
 * vocabulary) are recorded, pom_id (a pom user) owns the partner from now,
 * the 30-day clock is met, the training's response clocks are cancelled,
 * the partner moves to steady state, and the summary and the handover are
 * mailed to the partner and the pom.
 */
int training_complete(struct op *o, int64_t partner_id, json_t *formats, int64_t pom_id);

/*
 * The partner asks for an alternate solution (a deadline it cannot meet):
 * reason is 1 to 5,000 characters; its cam and pim are told. *out gets
 * {partner, reason, at} (a new reference; NULL when refused).
 */
int training_alternate_solution(struct op *o, int64_t partner_id, const char *reason, json_t **out);

#endif
