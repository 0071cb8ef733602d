/*
 * Times in words, for people: what a message or a page says instead of an
 * RFC 3339 instant.
 *
 * A deadline that falls at a local midnight is the end of the day before,
 * which is how a person says it: a clock due 2026-03-10T00:00 Europe/London
 * reads "by the end of Mon 9 Mar"; one due at 11:00 reads "by 11:00 on Mon
 * 30 Mar". A moment that happened reads "Mon 30 Mar at 11:00". The year is
 * added when it is not the year of `now` (in the same zone), and the zone's
 * name follows after a comma: "by the end of Mon 9 Mar, Europe/London".
 * Pure: the zone is opened by the caller, nothing reads the clock.
 */
#ifndef VG_TIMEWORDS_H
#define VG_TIMEWORDS_H

#include <stddef.h>
#include <stdint.h>

#include "core/zone.h"

/* Longest text written by the functions below, with its NUL. */
#define TIMEWORDS_MAX 96

/* "by the end of Mon 9 Mar, Europe/London" / "by 11:00 on Mon 30 Mar 2027, Europe/London". */
void timewords_due(const struct zone *z, int64_t due, int64_t now, char out[static TIMEWORDS_MAX]);
/*
 * The deadline alone, for a sentence that says "by" and names the zone
 * itself: "the end of Mon 9 Mar" / "11:00 on Mon 30 Mar 2027".
 */
void timewords_deadline(const struct zone *z, int64_t due, int64_t now,
                        char out[static TIMEWORDS_MAX]);
/* "Mon 30 Mar at 11:00, Europe/London" (with the year when not now's). */
void timewords_at(const struct zone *z, int64_t t, int64_t now, char out[static TIMEWORDS_MAX]);
/* "Mon 9 Mar" / "Mon 9 Mar 2027": the local date of t alone, no zone. */
void timewords_day(const struct zone *z, int64_t t, int64_t now, char out[static TIMEWORDS_MAX]);

#endif
