/*
 * Business calendars: which local days are working days, and working time.
 *
 * A calendar is an IANA zone, a working week (a weekday mask, never a hard-coded
 * Saturday/Sunday), a sorted set of holidays (local dates) and the range of
 * years it covers. A day is whole: there are no business hours. Working time is
 * the real seconds that fall on working local days, so a working day that
 * contains a DST change holds 23 or 25 hours of working time.
 *
 * Every question about a day outside [first_year, last_year] is answered with
 * CAL_ERR_COVERAGE, never a guess, and an empty working week with
 * CAL_ERR_NO_WORKING_TIME. Every walk over days stops at the end of the covered
 * range, so no input makes a loop run longer than the range (at most
 * CAL_MAX_YEAR - CAL_MIN_YEAR + 1 years of days).
 *
 * A calendar is immutable once built except through calendar_add_holidays();
 * share it between threads only while nobody changes it. Functions are pure:
 * no I/O (the zone is opened through zone.h when the calendar is built), no
 * clock reading.
 */
#ifndef VG_CALENDAR_H
#define VG_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/zone.h"

#define CAL_MIN_YEAR 1970
#define CAL_MAX_YEAR 2199

/* Working-week bits: bit i is ISO weekday i + 1 (bit 0 = Monday, bit 6 = Sunday). */
#define CAL_WEEKDAY_BIT(iso) (1u << ((iso)-1))
#define CAL_MON_FRI          0x1fu /* Monday..Friday */
#define CAL_WEEK_ALL         0x7fu

enum cal_err {
    CAL_OK = 0,
    CAL_ERR_COVERAGE = -1,        /* "calendar_coverage": a needed day is outside the years */
    CAL_ERR_NO_WORKING_TIME = -2, /* "no_working_time": the working week is empty */
    CAL_ERR_ZONE = -3,            /* "unknown_zone": not an IANA zone of this system */
    CAL_ERR_INVALID = -4,         /* "invalid_calendar": years or mask out of range */
};

struct calendar {
    char *zone_name;         /* owned; the IANA name */
    const struct zone *zone; /* opened from zone_name; owned by the zone cache */
    unsigned working_mask;   /* CAL_WEEKDAY_BIT of each working weekday; may be 0 */
    int64_t *holidays;       /* owned; local day numbers, ascending, no duplicates */
    size_t n_holidays;
    int first_year, last_year; /* the years covered, inclusive */
};

/* The stable code of an error ("calendar_coverage", ...); "unknown_error" otherwise. */
const char *cal_err_name(int err);

/*
 * Builds a calendar. Copies zone_name and the holidays (any order, duplicates
 * allowed; holidays outside the covered years are kept and simply never
 * consulted). An empty working_mask is accepted: the error comes when working
 * time is needed, as CAL_ERR_NO_WORKING_TIME, so a stored calendar always loads.
 * Returns 0 and sets *out (free with calendar_free), CAL_ERR_ZONE for an unknown
 * zone, or CAL_ERR_INVALID when working_mask has bits above Sunday or the years
 * are not CAL_MIN_YEAR <= first_year <= last_year <= CAL_MAX_YEAR.
 */
int calendar_new(const char *zone_name, unsigned working_mask, const int64_t *holidays,
                 size_t n_holidays, int first_year, int last_year, struct calendar **out);

/* Frees cal and everything it owns; NULL is fine. */
void calendar_free(struct calendar *cal);

/* Adds holidays (merged, kept sorted and unique). Allocates; never fails. */
void calendar_add_holidays(struct calendar *cal, const int64_t *days, size_t n_days);

/* True when local day `day` lies in [first_year, last_year]. */
bool calendar_covers_day(const struct calendar *cal, int64_t day);

/* True when day is one of the holidays (whatever the coverage). */
bool calendar_is_holiday(const struct calendar *cal, int64_t day);

/*
 * Sets *working to whether local day `day` is a working day (in the mask and not
 * a holiday). Returns 0, or CAL_ERR_COVERAGE when the day is not covered.
 */
int calendar_is_working_day(const struct calendar *cal, int64_t day, bool *working);

/*
 * Sets *out to the working seconds in [from, to) (0 when to <= from). Returns 0,
 * CAL_ERR_NO_WORKING_TIME for an empty mask, or CAL_ERR_COVERAGE when a day
 * touched by the interval is not covered.
 */
int calendar_working_seconds(const struct calendar *cal, int64_t from, int64_t to, int64_t *out);

/*
 * Sets *out to the earliest instant t >= from with exactly `amount` working
 * seconds in [from, t): walking forward over working time only. amount 0 gives
 * from. When the walk ends exactly at the end of a working day, *out is the
 * first instant of the next day (that day's end, exclusive), never later.
 * Returns 0, CAL_ERR_INVALID for amount < 0, CAL_ERR_NO_WORKING_TIME, or
 * CAL_ERR_COVERAGE when the walk leaves the covered years.
 */
int calendar_add_working_seconds(const struct calendar *cal, int64_t from, int64_t amount,
                                 int64_t *out);

/*
 * Sets *out to the n-th working day after `day` (n >= 1; day itself never
 * counts, whatever it is). Returns 0, CAL_ERR_INVALID for n < 1,
 * CAL_ERR_NO_WORKING_TIME, or CAL_ERR_COVERAGE when the count runs past the
 * covered years (only days after `day` are consulted).
 */
int calendar_nth_working_day_after(const struct calendar *cal, int64_t day, int64_t n,
                                   int64_t *out);

#endif
