/*
 * Warnings and escalation (SPEC section 5), and everything else that
 * happens when a lifecycle clock breaches or comes due soon.
 *
 * During training, a partner that misses its response clock (no response
 * or corrective action within 3 working days on a request) gets a warning;
 * the next response clock starts at once. At the WARNINGS_BEFORE_ESCALATION-th
 * warning the pim must decide (training.h: stop, escalate, propose a
 * posthouse, continue) and the pim, the cam and the commercial team are
 * told, once each; the ladder ends there. A late delivery (the 48-hour clock) marks the request
 * late; a missed cap (setup, training, publishing) tells its owner; a clock due within a day
 * reminds whoever must act.
 *
 * The sweep (jobs/sweep.c) runs these handlers, from the table
 * warnings_clock_handlers, inside the transaction that claims the clock:
 * the claim and its consequences commit together or not at all.
 */
#ifndef VG_APP_WARNINGS_H
#define VG_APP_WARNINGS_H

#include <jansson.h>
#include <stdint.h>

#include "core/deadline.h"
#include "app/op.h"
#include "base/arena.h"
#include "store/store.h"

/*
 * The warning that asks the pim to decide, and the last of a ladder: no
 * fourth is issued; later missed responses are recorded as breaches only,
 * until a decision restarts the count (training.h).
 */
#define WARNINGS_BEFORE_ESCALATION 3

/*
 * What happens when a clock breaches or comes due soon: run by the sweep
 * inside the transaction that claims the clock (the handler joins it).
 * Returns 0 or <0 (the sweep rolls back and records the handler's failure).
 */
typedef int (*clock_event_fn)(struct db *db, struct arena *a, const struct clock_row *c,
                              int64_t now);
struct clock_handler {
    enum deadline_id kind;    /* the clock kind (core/deadline.h) */
    clock_event_fn on_breach; /* NULL: the breach is only recorded */
    clock_event_fn on_due_soon;
};
/*
 * A handler's operation: the system acts at instant at, inside the sweep's
 * transaction (op_join). clock_handler_end frees it and gives the sweep its
 * answer: 0, or STORE_ERR for any failure (a refusal is logged first, since
 * the sweep records only that the handler failed); a thing that is gone
 * (STORE_ERR_NOT_FOUND) is nothing to do, 0.
 */
void clock_handler_op(struct op *o, struct db *db, struct arena *a, int64_t at);
int clock_handler_end(struct op *o, const struct clock_row *c, int rc);
/* The handlers of the lifecycle's clocks, for the sweep to use. */
extern const struct clock_handler warnings_clock_handlers[];
extern const int n_warnings_clock_handlers;

/*
 * A partner's warnings, for people: {warnings: [{id, number, issued_at,
 * reason, request, clock}]} in *out (a new reference). Reads only.
 */
int warnings_list(struct op *o, int64_t partner_id, json_t **out);

#endif
