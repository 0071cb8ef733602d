/*
 * Clock math: see clock.h.
 *
 * Each kind first computes its unpaused due instant, then (ELAPSED and
 * WORKING_DAYS only) folds in the pauses in time order: a pause that begins
 * before the current due instant pushes it out by the time it lasted (real or
 * working seconds), which may bring a later pause inside the clock's window.
 * Sorting and merging the pauses first makes overlapping or repeated entries
 * harmless. Nothing is cached between calls: the same inputs always give the
 * same due instant, which is what lets the store recompute after any edit.
 */
#include "core/clock.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

const char *clock_err_name(int code)
{
    switch (code) {
    case CLOCK_DUE:
        return "ok";
    case CLOCK_PAUSED:
        return "paused";
    case CLOCK_ERR_NOT_PAUSABLE:
        return "not_pausable";
    case CLOCK_ERR_INVALID:
        return "invalid_clock";
    }
    return cal_err_name(code);
}

const char *clock_kind_name(enum clock_kind kind)
{
    switch (kind) {
    case CLOCK_ELAPSED:
        return "elapsed";
    case CLOCK_CALENDAR_DAYS:
        return "calendar_days";
    case CLOCK_WORKING_DAYS:
        return "working_days";
    case CLOCK_FIXED:
        return "fixed";
    }
    return NULL;
}

bool clock_is_breached(int64_t due, int64_t event_time)
{
    return event_time >= due;
}

int64_t clock_ladder_next_start(int64_t breached_due)
{
    return breached_due;
}

static bool instant_ok(int64_t t)
{
    return t >= -CLOCK_MAX_INSTANT && t <= CLOCK_MAX_INSTANT;
}

static int cmp_pause(const void *a, const void *b)
{
    const struct clock_pause *x = a, *y = b;
    return (x->from > y->from) - (x->from < y->from);
}

/*
 * Checks the pauses against now and returns a sorted, merged copy in *out
 * (caller frees) with its length in *n_out. Returns 0 or CLOCK_ERR_INVALID.
 */
static int pauses_prepare(const struct clock_pause *pauses, size_t n, int64_t now,
                          struct clock_pause **out, size_t *n_out, struct buf *err)
{
    *out = NULL;
    *n_out = 0;
    if (n == 0)
        return CLOCK_DUE;
    for (size_t i = 0; i < n; i++) {
        const struct clock_pause *p = &pauses[i];
        bool open = p->to == CLOCK_OPEN;
        if (!instant_ok(p->from) || (!open && !instant_ok(p->to)) || p->to < p->from ||
            p->from > now || (!open && p->to > now)) {
            if (err)
                buf_printf(err,
                           "invalid_clock: pause %zu is not an interval that began and "
                           "(unless still open) ended by now",
                           i + 1);
            return CLOCK_ERR_INVALID;
        }
    }
    struct clock_pause *m = xmalloc(n * sizeof(*m));
    memcpy(m, pauses, n * sizeof(*m));
    qsort(m, n, sizeof(*m), cmp_pause);
    size_t w = 0;
    for (size_t r = 0; r < n; r++) {
        if (w > 0 && m[r].from <= m[w - 1].to) {
            if (m[r].to > m[w - 1].to)
                m[w - 1].to = m[r].to;
        } else {
            m[w++] = m[r];
        }
    }
    *out = m;
    *n_out = w;
    return CLOCK_DUE;
}

static void explain(int rc, const struct calendar *cal, struct buf *err)
{
    if (!err)
        return;
    switch (rc) {
    case CAL_ERR_COVERAGE:
        buf_printf(err,
                   "calendar_coverage: the calendar covers the years %d to %d and this clock "
                   "needs a day outside them",
                   cal->first_year, cal->last_year);
        break;
    case CAL_ERR_NO_WORKING_TIME:
        buf_puts(err, "no_working_time: the calendar has no working day in its week");
        break;
    default:
        buf_printf(err, "%s: the clock cannot be computed", clock_err_name(rc));
        break;
    }
}

/* Folds the merged pauses into an ELAPSED (cal == NULL) or WORKING_DAYS clock. */
static int apply_pauses(const struct calendar *cal, int64_t window_start,
                        const struct clock_pause *m, size_t n, int64_t *due)
{
    for (size_t i = 0; i < n; i++) {
        int64_t from = m[i].from > window_start ? m[i].from : window_start;
        if (from >= *due)
            break; /* sorted: every later pause begins after the breach too */
        if (m[i].to == CLOCK_OPEN)
            return CLOCK_PAUSED;
        if (m[i].to <= from)
            continue;
        if (!cal) {
            *due += m[i].to - from;
            continue;
        }
        int64_t lost;
        int rc = calendar_working_seconds(cal, from, m[i].to, &lost);
        if (rc == CAL_OK)
            rc = calendar_add_working_seconds(cal, *due, lost, due);
        if (rc != CAL_OK)
            return rc;
    }
    return CLOCK_DUE;
}

int clock_due_at(const struct clock_spec *spec, const struct calendar *cal,
                 const struct clock_pause *pauses, size_t n_pauses, int64_t extension_days,
                 int64_t now, int64_t *due, struct buf *err)
{
    struct clock_pause *merged = NULL;
    size_t n_merged = 0;
    int64_t at = 0;
    int rc = CLOCK_ERR_INVALID;
    const char *why = NULL;

    if (spec->kind != CLOCK_FIXED && !instant_ok(spec->start)) {
        why = "the start instant is out of range";
        goto fail;
    }
    if (extension_days != 0 && spec->kind != CLOCK_CALENDAR_DAYS) {
        why = "only calendar_days clocks take extension days";
        goto fail;
    }
    if (n_pauses > 0 && (spec->kind == CLOCK_CALENDAR_DAYS || spec->kind == CLOCK_FIXED)) {
        rc = CLOCK_ERR_NOT_PAUSABLE;
        if (err)
            buf_puts(err, "not_pausable: calendar_days and fixed clocks cannot be paused, "
                          "only extended on record");
        return rc;
    }
    rc = pauses_prepare(pauses, n_pauses, now, &merged, &n_merged, err);
    if (rc != CLOCK_DUE)
        return rc;
    rc = CLOCK_ERR_INVALID;

    switch (spec->kind) {
    case CLOCK_ELAPSED:
        if (spec->amount < 1 || spec->amount > CLOCK_MAX_SECONDS) {
            why = "an elapsed clock needs 1 second to 36600 days";
            goto fail;
        }
        at = spec->start + spec->amount;
        rc = apply_pauses(NULL, spec->start, merged, n_merged, &at);
        break;
    case CLOCK_CALENDAR_DAYS: {
        const struct zone *zone = cal ? cal->zone : spec->zone;
        if (!zone) {
            why = "a calendar_days clock needs a calendar or a zone";
            goto fail;
        }
        if (spec->amount < 0 || spec->amount > CLOCK_MAX_DAYS || extension_days < 0 ||
            extension_days > CLOCK_MAX_DAYS) {
            why = "day counts and extension days must be 0 to 36600";
            goto fail;
        }
        int64_t day = zone_local_day(zone, spec->start) + spec->amount + 1 + extension_days;
        at = zone_day_start(zone, day);
        rc = CLOCK_DUE;
        break;
    }
    case CLOCK_WORKING_DAYS: {
        if (!cal) {
            why = "a working_days clock needs a calendar";
            goto fail;
        }
        if (spec->amount < 1 || spec->amount > CLOCK_MAX_DAYS) {
            why = "a working_days clock needs 1 to 36600 days";
            goto fail;
        }
        int64_t start_day = zone_local_day(cal->zone, spec->start), last;
        rc = calendar_nth_working_day_after(cal, start_day, spec->amount, &last);
        if (rc != CAL_OK)
            break;
        at = zone_day_start(cal->zone, last + 1);
        /* The start day is not counted, so neither is pause time within it. */
        rc = apply_pauses(cal, zone_day_start(cal->zone, start_day + 1), merged, n_merged, &at);
        break;
    }
    case CLOCK_FIXED:
        if (!instant_ok(spec->amount)) {
            why = "a fixed clock's instant is out of range";
            goto fail;
        }
        at = spec->amount;
        rc = CLOCK_DUE;
        break;
    default:
        why = "unknown clock kind";
        goto fail;
    }

    free(merged);
    if (rc == CLOCK_DUE)
        *due = at;
    else if (rc == CLOCK_PAUSED)
        *due = CLOCK_OPEN;
    else
        explain(rc, cal, err);
    return rc;
fail:
    free(merged);
    if (err)
        buf_printf(err, "invalid_clock: %s", why ? why : "invalid input");
    return rc;
}
