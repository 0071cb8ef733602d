/*
 * Instants and dates as text, with no time zone database involved.
 *
 * vodgate keeps every instant as int64_t seconds since 1970-01-01T00:00:00Z
 * (UTC, no leap seconds) and every date as a proleptic Gregorian civil date.
 * Conversions here are pure arithmetic (Howard Hinnant's days-from-civil
 * algorithm), so they are exact for any year and need no locale or TZ.
 * Zone-aware conversions live in core/zone.c.
 */
#ifndef VG_TIMEFMT_H
#define VG_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct civil_date {
    int year;  /* e.g. 2026 */
    int month; /* 1..12 */
    int day;   /* 1..31 */
};

/* Days since 1970-01-01 of a civil date (may be negative). */
int64_t days_from_civil(int y, int m, int d);
/* The civil date of a day number since 1970-01-01. */
struct civil_date civil_from_days(int64_t days);
/* ISO weekday of a day number: 1 = Monday .. 7 = Sunday. */
int weekday_from_days(int64_t days);
/* True when y-m-d names a real date (leap years included). */
bool civil_valid(int y, int m, int d);

/*
 * Parses an RFC 3339 date-time ("2026-11-27T16:00:00Z", "...T17:00:00+01:00",
 * fractional seconds accepted and truncated). Returns 0 and sets *out, or -1
 * when s is not exactly such a timestamp.
 */
int time_parse_rfc3339(const char *s, int64_t *out);
/* Writes t as "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
void time_format_rfc3339(int64_t t, char out[static 21]);
/* Parses "YYYY-MM-DD". Returns 0, or -1 when s is not a valid date. */
int date_parse(const char *s, struct civil_date *out);
/* Writes d as "YYYY-MM-DD" into out (at least 11 bytes). */
void date_format(struct civil_date d, char out[static 11]);

#endif
