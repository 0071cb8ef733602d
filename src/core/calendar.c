/*
 * Business calendars: see calendar.h.
 *
 * Everything walks day by day: a day is [zone_day_start(D), zone_day_start(D+1)),
 * whose length the zone decides (23, 24 or 25 hours), and a working day
 * contributes all of it. Walking one day at a time is cheap next to the
 * counts involved (a few working days per clock) and keeps DST, skipped days
 * and holidays in one obvious loop. Each step first checks coverage, which is
 * what bounds every loop: the walk cannot pass the last covered day.
 */
#include "core/calendar.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/timefmt.h"

const char *cal_err_name(int err)
{
    switch (err) {
    case CAL_OK:
        return "ok";
    case CAL_ERR_COVERAGE:
        return "calendar_coverage";
    case CAL_ERR_NO_WORKING_TIME:
        return "no_working_time";
    case CAL_ERR_ZONE:
        return "unknown_zone";
    case CAL_ERR_INVALID:
        return "invalid_calendar";
    }
    return "unknown_error";
}

static int cmp_day(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts cal->holidays and drops duplicates. */
static void holidays_normalise(struct calendar *cal)
{
    if (cal->n_holidays == 0)
        return;
    qsort(cal->holidays, cal->n_holidays, sizeof(*cal->holidays), cmp_day);
    size_t w = 1;
    for (size_t r = 1; r < cal->n_holidays; r++)
        if (cal->holidays[r] != cal->holidays[w - 1])
            cal->holidays[w++] = cal->holidays[r];
    cal->n_holidays = w;
}

int calendar_new(const char *zone_name, unsigned working_mask, const int64_t *holidays,
                 size_t n_holidays, int first_year, int last_year, struct calendar **out)
{
    const struct zone *zone;
    if ((working_mask & ~CAL_WEEK_ALL) != 0 || first_year < CAL_MIN_YEAR ||
        last_year > CAL_MAX_YEAR || first_year > last_year)
        return CAL_ERR_INVALID;
    if (zone_open(zone_name, &zone) != ZONE_OK)
        return CAL_ERR_ZONE;
    struct calendar *cal = xcalloc(1, sizeof(*cal));
    cal->zone_name = xstrdup(zone_name);
    cal->zone = zone;
    cal->working_mask = working_mask;
    cal->first_year = first_year;
    cal->last_year = last_year;
    calendar_add_holidays(cal, holidays, n_holidays);
    *out = cal;
    return CAL_OK;
}

void calendar_free(struct calendar *cal)
{
    if (!cal)
        return;
    free(cal->zone_name);
    free(cal->holidays);
    free(cal);
}

void calendar_add_holidays(struct calendar *cal, const int64_t *days, size_t n_days)
{
    if (n_days == 0)
        return;
    VG_ASSERT(n_days <= SIZE_MAX / sizeof(int64_t) - cal->n_holidays);
    cal->holidays = xrealloc(cal->holidays, (cal->n_holidays + n_days) * sizeof(int64_t));
    memcpy(cal->holidays + cal->n_holidays, days, n_days * sizeof(int64_t));
    cal->n_holidays += n_days;
    holidays_normalise(cal);
}

bool calendar_covers_day(const struct calendar *cal, int64_t day)
{
    return day >= days_from_civil(cal->first_year, 1, 1) &&
           day <= days_from_civil(cal->last_year, 12, 31);
}

bool calendar_is_holiday(const struct calendar *cal, int64_t day)
{
    return cal->n_holidays > 0 &&
           bsearch(&day, cal->holidays, cal->n_holidays, sizeof(int64_t), cmp_day) != NULL;
}

/* The working-day test without the coverage check. */
static bool working(const struct calendar *cal, int64_t day)
{
    return (cal->working_mask & CAL_WEEKDAY_BIT(weekday_from_days(day))) != 0 &&
           !calendar_is_holiday(cal, day);
}

int calendar_is_working_day(const struct calendar *cal, int64_t day, bool *is_working)
{
    if (!calendar_covers_day(cal, day))
        return CAL_ERR_COVERAGE;
    *is_working = working(cal, day);
    return CAL_OK;
}

int calendar_working_seconds(const struct calendar *cal, int64_t from, int64_t to, int64_t *out)
{
    if ((cal->working_mask & CAL_WEEK_ALL) == 0)
        return CAL_ERR_NO_WORKING_TIME;
    int64_t total = 0;
    if (to > from) {
        int64_t last = zone_local_day(cal->zone, to - 1);
        for (int64_t d = zone_local_day(cal->zone, from); d <= last; d++) {
            if (!calendar_covers_day(cal, d))
                return CAL_ERR_COVERAGE;
            if (!working(cal, d))
                continue;
            int64_t a = zone_day_start(cal->zone, d), b = zone_day_start(cal->zone, d + 1);
            a = a > from ? a : from;
            b = b < to ? b : to;
            if (b > a)
                total += b - a;
        }
    }
    *out = total;
    return CAL_OK;
}

int calendar_add_working_seconds(const struct calendar *cal, int64_t from, int64_t amount,
                                 int64_t *out)
{
    if (amount < 0)
        return CAL_ERR_INVALID;
    if ((cal->working_mask & CAL_WEEK_ALL) == 0)
        return CAL_ERR_NO_WORKING_TIME;
    if (amount == 0) {
        *out = from;
        return CAL_OK;
    }
    for (int64_t d = zone_local_day(cal->zone, from);; d++) {
        if (!calendar_covers_day(cal, d))
            return CAL_ERR_COVERAGE;
        if (!working(cal, d))
            continue;
        int64_t a = zone_day_start(cal->zone, d), b = zone_day_start(cal->zone, d + 1);
        a = a > from ? a : from;
        if (amount <= b - a) {
            *out = a + amount;
            return CAL_OK;
        }
        amount -= b - a;
    }
}

int calendar_nth_working_day_after(const struct calendar *cal, int64_t day, int64_t n, int64_t *out)
{
    if (n < 1)
        return CAL_ERR_INVALID;
    if ((cal->working_mask & CAL_WEEK_ALL) == 0)
        return CAL_ERR_NO_WORKING_TIME;
    for (int64_t d = day + 1;; d++) {
        if (!calendar_covers_day(cal, d))
            return CAL_ERR_COVERAGE;
        if (working(cal, d) && --n == 0) {
            *out = d;
            return CAL_OK;
        }
    }
}
