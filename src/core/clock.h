/*
 * Clock math: the due instant of a promise, a pure function of
 * (clock, calendar, pauses, extensions, now). SPEC section 5.
 *
 * Kinds:
 *   CLOCK_ELAPSED        real seconds from the start event, DST never matters
 *                        (the 48-hour delivery clock: amount 172800).
 *   CLOCK_CALENDAR_DAYS  the start day does not count; due at local 00:00 (the
 *                        first instant) of start date + n + 1 (+ extension days).
 *   CLOCK_WORKING_DAYS   due at the end of the n-th working day after the day of
 *                        the start event, i.e. at the first instant of the day
 *                        after it. A start on a weekend or holiday changes
 *                        nothing: the following working days count.
 *   CLOCK_FIXED          a given instant.
 *
 * These are counting rules. The kinds of promise that use them (delivery_48h,
 * response_3wd, ...) with their labels are the one table of core/deadline.h.
 *
 * Due instants are exclusive: an event at t < due is on time
 * (clock_is_breached). All instants are UTC seconds; local days come from the
 * calendar's zone.
 *
 * Pauses are [from, to) intervals, to = CLOCK_OPEN while the clock is still
 * paused. An open pause that began before the due instant leaves the clock with
 * no due instant: clock_due_at() answers CLOCK_PAUSED. Closed pauses shift the
 * due instant: an ELAPSED clock by the real seconds of the pause, a
 * WORKING_DAYS clock by the working seconds inside the pause, walked forward
 * over working time only from the unpaused due instant. Only the part of a
 * pause inside the clock's counting window counts (from the start event for
 * ELAPSED, from the end of the start day for WORKING_DAYS, since that day is not
 * counted anyway), and a pause that begins at or after the due instant it would
 * shift counts for nothing: the clock had already breached. CALENDAR_DAYS and
 * FIXED clocks cannot be paused (the training cap and publishing clocks are only
 * extended on record): given pauses they answer CLOCK_ERR_NOT_PAUSABLE; only
 * CALENDAR_DAYS takes extension days.
 *
 * Working time is counted in seconds, so a pause that covers a 25-hour working
 * day (the day DST ends) shifts a working-days clock by 25 hours, which moves
 * its due instant off midnight by an hour when the shift lands on a 24-hour
 * day. That is the rule "shift by the working time it lasted" taken literally.
 *
 * Coverage: only WORKING_DAYS clocks consult holidays and working days, so only
 * they check the calendar's covered years (CAL_ERR_COVERAGE). CALENDAR_DAYS
 * clocks use the calendar only for its zone, so a training cap still has a due
 * instant when its calendar's holiday data ends: a day count needs no holidays.
 *
 * Recomputing: the due instant is never incremental state. After a calendar
 * edit, a pause, a resume or an extension, call clock_due_at() again with the
 * clock's full pause list and the current calendar; the answer replaces the
 * stored one.
 */
#ifndef VG_CLOCK_H
#define VG_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "core/calendar.h"
#include "core/zone.h"

/* The promises of SPEC sections 2 and 3. */
#define CLOCK_DELIVERY_SECONDS      (48 * 3600)
#define CLOCK_RESPONSE_WORKING_DAYS 3
#define CLOCK_SETUP_DAYS            10
#define CLOCK_TRAINING_DAYS         30
#define CLOCK_PUBLISH_DAYS          14

/* The `to` of a pause still in force, and the due value of a paused clock. */
#define CLOCK_OPEN INT64_MAX

/* Bounds that keep every sum far from overflow. */
#define CLOCK_MAX_DAYS    36600                             /* n of a day clock, extensions */
#define CLOCK_MAX_SECONDS ((int64_t)CLOCK_MAX_DAYS * 86400) /* amount of an elapsed clock */
#define CLOCK_MAX_INSTANT ((int64_t)1 << 40)                /* |instants| (year ~36000) */

enum clock_kind {
    CLOCK_ELAPSED = 1,
    CLOCK_CALENDAR_DAYS = 2,
    CLOCK_WORKING_DAYS = 3,
    CLOCK_FIXED = 4,
};

/* Return codes of clock_due_at besides the CAL_ERR_* ones it passes through. */
enum clock_status {
    CLOCK_DUE = 0,                /* *due holds the due instant */
    CLOCK_PAUSED = 1,             /* an open pause: no due instant (*due = CLOCK_OPEN) */
    CLOCK_ERR_NOT_PAUSABLE = -10, /* "not_pausable": pauses on calendar_days or fixed */
    CLOCK_ERR_INVALID = -11,      /* "invalid_clock": kind, amount, pauses or extension */
};

struct clock_spec {
    enum clock_kind kind;
    int64_t start;           /* the start event; ignored by CLOCK_FIXED */
    int64_t amount;          /* ELAPSED: seconds (1..CLOCK_MAX_SECONDS); CALENDAR_DAYS: n
                                (0..CLOCK_MAX_DAYS); WORKING_DAYS: n (1..CLOCK_MAX_DAYS);
                                FIXED: the due instant itself */
    const struct zone *zone; /* CALENDAR_DAYS without a calendar: the zone of its days */
};

struct clock_pause {
    int64_t from; /* the pause began */
    int64_t to;   /* it ended (exclusive), or CLOCK_OPEN */
};

/* The stable code of a clock_due_at result ("not_pausable", "calendar_coverage", ...). */
const char *clock_err_name(int code);

/* "elapsed", "calendar_days", "working_days", "fixed", or NULL for another value. */
const char *clock_kind_name(enum clock_kind kind);

/*
 * Computes the due instant of spec. cal is required for WORKING_DAYS, and for
 * CALENDAR_DAYS unless spec->zone is set; ELAPSED and FIXED ignore it (may be
 * NULL). pauses may be in any order and may overlap; none may begin after now,
 * nor end after now unless open, and from <= to. extension_days (>= 0) applies
 * to CALENDAR_DAYS only; any other kind must pass 0.
 *
 * Returns CLOCK_DUE and sets *due; CLOCK_PAUSED and sets *due = CLOCK_OPEN;
 * or a negative code (CLOCK_ERR_*, CAL_ERR_COVERAGE, CAL_ERR_NO_WORKING_TIME)
 * and leaves *due alone. On a negative code, when err is not NULL, a one-line
 * message for people is appended to it ("calendar_coverage: ..."); nothing else
 * allocates. Pure: no I/O, no clock reading; thread-safe while cal is unchanged.
 */
int clock_due_at(const struct clock_spec *spec, const struct calendar *cal,
                 const struct clock_pause *pauses, size_t n_pauses, int64_t extension_days,
                 int64_t now, int64_t *due, struct buf *err);

/* True when an event at event_time misses a clock due at due (due is exclusive). */
bool clock_is_breached(int64_t due, int64_t event_time);

/*
 * The warnings ladder: when a response clock breaches, the next response clock
 * on the same item starts at the breached clock's due instant (not when the
 * breach was processed), so downtime never stretches the ladder. Returns
 * breached_due. Compute the next due with the same CLOCK_WORKING_DAYS spec and
 * this start: a due at local midnight starts a day that is itself not counted.
 */
int64_t clock_ladder_next_start(int64_t breached_due);

#endif
