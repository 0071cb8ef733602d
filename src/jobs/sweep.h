/*
 * The clock sweep: finds the running clocks due by a given instant and
 * breaches each exactly once, in due order, running its kind's handler in
 * the same transaction as the claim (so a crash between the two cannot
 * happen: both commit or neither does). A handler may start new clocks (the
 * warnings ladder starts the next response clock at the breached one's due
 * instant); if those are due too, the same sweep takes them, in order.
 *
 * The scheduler is a thread of the server that sleeps until the earliest due
 * instant (re-reading it at least every few seconds, and when poked after a
 * clock changed), then sweeps. Under the test clock, PUT /api/v1/clock runs a
 * sweep itself before it answers.
 */
#ifndef VG_SWEEP_H
#define VG_SWEEP_H

#include <stdint.h>

#include "app/warnings.h"
#include "core/deadline.h"
#include "store/store.h"

struct sweep_stats {
    int64_t n_breached; /* clocks breached by this sweep */
    int64_t n_batches;  /* transactions committed */
    int64_t n_soon;     /* due-soon notices sent */
};

/* A breach handler: runs inside the claiming transaction. Returns 0 or <0 (rolls back). */
typedef clock_event_fn breach_fn;

/* Registers the handler of a clock kind (before the scheduler starts). */
void sweep_on_breach(const char *kind, breach_fn fn);

/* How long before its due instant a running clock gets its due-soon notice. */
#define SWEEP_SOON_LEAD DEADLINE_SOON_LEAD
/* Registers the due-soon handler of a clock kind (same contract as a breach handler). */
void sweep_on_due_soon(const char *kind, breach_fn fn);
/* Registers the handlers of a table (app/warnings.h's, before the scheduler starts). */
void sweep_use_handlers(const struct clock_handler *h, int n);

/*
 * Breaches every running clock due by now. Safe to run concurrently with
 * itself in other threads and processes. Returns 0 or a negative store error.
 */
int sweep_run(struct store *store, int64_t now, struct sweep_stats *stats);

/*
 * Registers periodic work (before the scheduler starts): fn(ctx, now) runs on
 * the scheduler thread after each sweep, so at least every few seconds. Used
 * by the upload expiry (jobs/upload_expiry.c).
 */
void scheduler_every(void (*fn)(void *ctx, int64_t now), void *ctx);
/* Starts the scheduler thread. */
void scheduler_start(struct store *store);
/* Wakes the scheduler (a clock was created or moved earlier). */
void scheduler_poke(void);
/* Stops the scheduler thread and waits for it. */
void scheduler_stop(void);

#endif
