/*
 * Delivery requests (SPEC section 5): the pim (in training) or the pom (in
 * steady state) asks the partner for a delivery. A request has two clocks:
 * the 48-hour delivery clock and the response clock (3 working days) that
 * the partner stops by answering — with a message on the request or a
 * delivery. The service may re-request (both clocks start again), pause
 * the request's clocks while it owes the next move, and resume them. What
 * happens when a clock of a request breaches is in warnings.c.
 *
 * Each operation checks the actor (op_allow on the request or partner,
 * with the action the API route uses) and runs in its own transaction (a
 * caller holding one calls op_join first). Where an operation takes a
 * view (may be NULL), it gets the request as request_view gives it after
 * the step (a new reference; NULL when refused).
 */
#ifndef VG_APP_REQUESTS_H
#define VG_APP_REQUESTS_H

#include <jansson.h>
#include <stdint.h>

#include "app/op.h"

/*
 * Issues a request of kind (avails or asset_package) titled title (1 to
 * 300 characters) with an optional note to the partner; its clocks start
 * and the partner is told when each is due. *request_id gets its id. The
 * pim who issues it becomes the partner's pim when it has none.
 */
int request_issue(struct op *o, int64_t partner_id, const char *kind, const char *title,
                  const char *note, int64_t *request_id, json_t **view);

/*
 * Asks again for the request (reason: what and why, not empty): its open
 * clocks are cancelled and start again from now; the partner is told.
 */
int request_rerequest(struct op *o, int64_t request_id, const char *reason, json_t **view);

/*
 * Writes a message (1 to 20,000 characters) on the request's thread. A
 * message from the partner's side (an organisation's user) is its
 * response: the response clock is met.
 */
int request_message(struct op *o, int64_t request_id, const char *body, json_t **view);

/*
 * Pauses the running clocks of the request (reason, not empty: why), or
 * resumes the paused ones (their due instants move by the pause). Nothing
 * to pause or resume: OP_CONFLICT "clock_state".
 */
int request_pause(struct op *o, int64_t request_id, const char *reason, json_t **view);
int request_resume(struct op *o, int64_t request_id, json_t **view);

/*
 * One request for people: {id, partner, kind, title, note, phase, status,
 * issued_at, last_issued_at, rerequests, late, due_at, clocks, messages,
 * issued_by, deliveries}, the clocks oldest first (a paused one with its
 * paused_since and pause_reason). A new reference in *out. Reads only.
 */
int request_view(struct op *o, int64_t request_id, json_t **out);

/*
 * The partner's requests for people: {requests: [...]}, each as
 * request_view gives it without messages, issuer and deliveries. Reads
 * only: one read of the partner's clocks for the whole list.
 */
int request_list(struct op *o, int64_t partner_id, json_t **out);

#endif
