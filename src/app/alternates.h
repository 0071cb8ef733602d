/*
 * Alternate-solution cases (SPEC 3): a partner tells the service it will
 * not meet a deadline (training.c training_alternate_solution opens the
 * case), its cam and pim are told, and one of them owes an acknowledgement
 * within 3 working days: the service's own clock (acknowledge_3wd, on the
 * subject "alternate:ID"), shown to the partner beside its own. A case goes
 * open → acknowledged → resolved, the outcome written for the partner, who
 * gets a message at each answer.
 *
 * The view of a case: {id, partner, partner_name, reason, requested_by,
 * requested_at, state, acknowledge_due_at, acknowledge_due_words,
 * acknowledge_clock: {id, state} | null, acknowledged_at, acknowledged_by,
 * note, resolved_at, resolved_by, outcome}; times RFC 3339 UTC or null,
 * the words in the partner's zone, people as {id, name} or null.
 */
#ifndef VG_APP_ALTERNATES_H
#define VG_APP_ALTERNATES_H

#include <jansson.h>
#include <stdint.h>

#include "app/op.h"
#include "app/warnings.h"
#include "store/lifecycle_store.h"

#define ALTERNATE_TEXT_MAX 5000 /* bytes of a reason, a note or an outcome */

/*
 * A piece of training_alternate_solution (no check, no transaction of its
 * own): starts case id's acknowledgement clock for partner p at o->now
 * and sets *ack_due to its due instant.
 */
int alternates_opened(struct op *o, const struct partner *p, int64_t id, int64_t *ack_due);

/*
 * The cases, newest first, as {alternate_solutions: [view...]} in *out (the
 * caller's): of partner_id (ACT_ALTERNATES_READ on it; another
 * organisation's answers not found), or with 0 every case the actor may see
 * (staff: all; an organisation's user: its own). Reads only.
 */
int alternates_list(struct op *o, int64_t partner_id, json_t **out);
/*
 * open → acknowledged by a cam or pim (ACT_ALTERNATE_ANSWER), with an
 * optional note for the partner: the acknowledgement clock is met, the
 * partner told. A case not open is a conflict. *out: the case's view.
 */
int alternates_acknowledge(struct op *o, int64_t id, const char *note, json_t **out);
/*
 * open or acknowledged → resolved with outcome (1 to ALTERNATE_TEXT_MAX
 * bytes, for the partner), by a cam or pim: a clock still running is met,
 * the partner told the outcome. A resolved case is a conflict.
 */
int alternates_resolve(struct op *o, int64_t id, const char *outcome, json_t **out);

/* The sweep's handler of the acknowledgement clock (app/warnings.h struct clock_handler). */
extern const struct clock_handler alternates_clock_handlers[];
extern const int n_alternates_clock_handlers;

#endif
