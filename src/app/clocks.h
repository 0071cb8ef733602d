/*
 * Clocks as the rest of the program uses them, on two floors.
 *
 * The pieces: start one for a partner's promise, pause, resume, extend, meet
 * or cancel it, and recompute the clocks of a calendar that was edited. Each
 * piece joins the caller's transaction (it never begins or commits),
 * computes due instants with core/clock.c from the stored facts (calendar,
 * pauses, extensions), and writes one audit event per change. Errors that
 * people must act on (calendar_coverage, no_working_time, not_pausable ...)
 * come back as negative CLOCKS_ERR_* codes with a message appended to err;
 * clocks_refuse() turns them into the typed error of an operation. Other
 * operations (the lifecycle's) are made of these pieces.
 *
 * The operations people call (the API, the portal, the CLI): a partner's
 * clocks, pausing, resuming and extending one clock, and the test hook that
 * starts any kind of clock. Each takes who acts from its struct op, checks
 * it with op_allow() on the clock or partner, runs in a transaction of its
 * own and hands back the clock's JSON view. The _op_ in clocks_op_pause and
 * its siblings tells them from the pieces of the same verb.
 */
#ifndef VG_CLOCKS_H
#define VG_CLOCKS_H

#include <jansson.h>
#include <stdint.h>

#include "app/op.h"
#include "base/buf.h"
#include "core/calendar.h"
#include "store/store.h"

enum clocks_err {
    CLOCKS_ERR_RULE = -20,  /* the clock math refused: see the message (422) */
    CLOCKS_ERR_STATE = -21, /* not in a state that allows it (409) */
    CLOCKS_ERR_KIND = -22,  /* unknown kind, or the kind forbids it (422) */
};

/* Who changes a clock (0: the system) and why. */
struct clocks_actor {
    int64_t user_id;
    const char *reason;
};

/*
 * Loads the calendar a clock uses: calendar_id's, or for 0 the default one
 * (zone_name, Monday to Friday, no holidays, every year). Free with
 * calendar_free. Returns 0, a store error, or CLOCKS_ERR_RULE (bad zone).
 */
int clocks_calendar_load(struct db *db, struct arena *a, int64_t calendar_id, const char *zone_name,
                         struct calendar **out, int64_t *version);

/*
 * Starts a clock of kind for partner_id on subject ("request:12"), from the
 * start event at `start` (fixed_due for milestones). Uses the partner's zone
 * and calendar. Sets *id. now is the current time (for the audit event).
 */
int clocks_start(struct db *db, struct arena *a, int64_t partner_id, const char *kind,
                 const char *subject, int64_t start, int64_t fixed_due, const char *label,
                 const struct clocks_actor *who, int64_t now, int64_t *id, struct buf *err);

int clocks_pause(struct db *db, struct arena *a, int64_t id, const struct clocks_actor *who,
                 int64_t now, struct buf *err);
int clocks_resume(struct db *db, struct arena *a, int64_t id, const struct clocks_actor *who,
                  int64_t now, struct buf *err);
int clocks_extend(struct db *db, struct arena *a, int64_t id, int64_t days,
                  const struct clocks_actor *who, int64_t now, struct buf *err);
/* Closes an open clock as met (on time or late: the state says which) or cancelled. */
int clocks_close(struct db *db, struct arena *a, int64_t id, const char *state,
                 const struct clocks_actor *who, int64_t at);
/*
 * Recomputes every open clock on calendar_id after an edit, logging each one
 * whose due instant moved. Sets *n_moved. A clock the new calendar cannot
 * compute (coverage) fails the whole call: the caller rolls the edit back.
 */
int clocks_recompute_calendar(struct db *db, struct arena *a, int64_t calendar_id, int64_t now,
                              const struct clocks_actor *who, int64_t *n_moved, struct buf *err);

/*
 * Moves a partner's open clocks to calendar_id (0: the default calendar in
 * the partner's zone) and recomputes them, as when a partner's calendar is
 * changed. Same errors as clocks_recompute_calendar.
 */
int clocks_move_partner(struct db *db, struct arena *a, int64_t partner_id, int64_t calendar_id,
                        int64_t now, const struct clocks_actor *who, int64_t *n_moved,
                        struct buf *err);

/*
 * The typed error of an operation for a piece's failure rc with its message
 * err: CLOCKS_ERR_STATE a conflict ("clock_state"), CLOCKS_ERR_KIND invalid
 * ("clock_kind"), CLOCKS_ERR_RULE invalid ("calendar_coverage",
 * "no_working_time" or "invalid_clock", read from the message); a store
 * error as op_failed. Returns OP_REFUSED.
 */
int clocks_refuse(struct op *o, int rc, const struct buf *err);

/* ---- the operations people call ---- */

/*
 * The JSON view of a clock: {id, kind, subject, label?, started_at, due_at,
 * due_local? (in its zone, with the offset), state, time_zone, calendar,
 * extension_days, closed_at, tzdata}. A new reference.
 */
json_t *clocks_json(const struct clock_row *c);

/*
 * A partner's clocks, open and closed, as {clocks: [view...]} in *out (a new
 * reference, the caller's; NULL when refused). Needs ACT_PARTNER_CLOCKS on
 * the partner. Reads only: no transaction.
 */
int clocks_of_partner(struct op *o, int64_t partner_id, json_t **out);

/*
 * The test hook: starts a clock of any kind for partner_id on subject from
 * started_at, as the lifecycle would (audit reason "test hook"). Refused
 * (OP_NOT_ALLOWED, "test_clock_only") unless the program runs on the test
 * clock (base/now.h); needs ACT_TEST_HOOK on the partner. *out gets the
 * clock's view (the caller's).
 */
int clocks_start_test(struct op *o, int64_t partner_id, const char *kind, const char *subject,
                      int64_t started_at, json_t **out);

/*
 * Pauses a running partner-facing clock (ACT_CLOCK_PAUSE on the clock's
 * partner); reason is required (not empty) and kept on record. *out gets the
 * clock's view afterwards (the caller's).
 */
int clocks_op_pause(struct op *o, int64_t clock_id, const char *reason, json_t **out);
/* Resumes a paused clock (ACT_CLOCK_PAUSE); its due instant moves by the pause. */
int clocks_op_resume(struct op *o, int64_t clock_id, json_t **out);
/*
 * Extends a cap on record by days (1 to 365; ACT_CLOCK_EXTEND); reason is
 * required (not empty). *out gets the clock's view afterwards.
 */
int clocks_op_extend(struct op *o, int64_t clock_id, int64_t days, const char *reason,
                     json_t **out);

#endif
