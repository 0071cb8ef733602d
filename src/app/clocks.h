/*
 * Clocks as the rest of the program uses them: start one for a partner's
 * promise, pause, resume, extend, meet or cancel it, and recompute the
 * clocks of a calendar that was edited. Each call joins the caller's
 * transaction (it never begins or commits), computes due instants with
 * core/clock.c from the stored facts (calendar, pauses, extensions), and
 * writes one audit event per change. Errors that people must act on
 * (calendar_coverage, no_working_time, not_pausable ...) come back as
 * negative CLOCKS_ERR_* codes with a message appended to err.
 */
#ifndef VG_CLOCKS_H
#define VG_CLOCKS_H

#include <stdint.h>

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

#endif
