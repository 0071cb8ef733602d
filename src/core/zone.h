/*
 * IANA time zones: UTC offsets and local day boundaries.
 *
 * A zone is read once from the system tz database (the TZif files in the
 * zoneinfo directory libical uses, /usr/share/zoneinfo) into an immutable table
 * of UTC offset changes: every recorded transition, then the zone's current
 * rule expanded up to the end of ZONE_MAX_YEAR. zone.c explains why libical's
 * own offset computation is not used. Opening and the cache of opened zones
 * sit behind one global mutex; every query afterwards is a lock-free binary
 * search, so a zone handle may be shared by any number of threads. Nothing
 * here calls setenv("TZ"), localtime() or time(): instants are int64_t UTC
 * seconds passed in by the caller, days are day numbers since 1970-01-01
 * (timefmt.h).
 *
 * Local days. The local day of an instant is its civil date in the zone. A day
 * begins at its first instant: where local midnight falls in a DST gap (America/
 * Santiago 2022-09-11 jumps from 00:00 to 01:00) the day starts at 01:00 local,
 * where midnight is repeated it starts at the first one, and where a day is
 * skipped entirely (Pacific/Apia 2011-12-30) it has zero length. Days therefore
 * partition the time line: day D is [zone_day_start(D), zone_day_start(D + 1)),
 * usually 23, 24 or 25 hours long.
 *
 * After ZONE_MAX_YEAR the last offset stays in force (no more DST changes);
 * calendars (calendar.h) never reach there.
 */
#ifndef VG_ZONE_H
#define VG_ZONE_H

#include <stdbool.h>
#include <stdint.h>

#define ZONE_MAX_YEAR 2199

enum zone_err {
    ZONE_OK = 0,
    ZONE_ERR_UNKNOWN = -1, /* not an IANA zone name of the installed tz database */
};

/* Opaque; immutable once opened; owned by the process-wide cache (never freed). */
struct zone;

/*
 * Opens the zone named name ("Europe/London", "UTC", links such as "GB" too).
 * Returns 0 and sets *out to a cached handle valid for the life of the process,
 * or ZONE_ERR_UNKNOWN. Thread-safe; the first open of a name reads the tz
 * database (a few tens of milliseconds), later ones only search the cache.
 * Names are checked before they reach the file system (no "..", no absolute
 * paths) and must be listed in tzdata.zi when the system ships that file.
 */
int zone_open(const char *name, const struct zone **out);

/* True when zone_open(name) succeeds. Thread-safe. */
bool zone_valid(const char *name);

/* The name the zone was opened with; owned by the zone. */
const char *zone_name(const struct zone *z);

/* Seconds east of UTC in force at instant t (3600 for BST). Pure, no allocation. */
int32_t zone_utc_offset(const struct zone *z, int64_t t);

/* The local day (day number of the civil date) that instant t belongs to. Pure. */
int64_t zone_local_day(const struct zone *z, int64_t t);

/*
 * The first instant of local day `day`: local 00:00, or the first instant after
 * the gap when midnight does not exist, or the earliest of two when it is
 * repeated. Monotonic in day. Pure, no allocation.
 */
int64_t zone_day_start(const struct zone *z, int64_t day);

/*
 * Writes t as RFC 3339 local time with its offset, "2026-03-30T11:00:00+01:00",
 * into out (at least 26 bytes). For receipts that show "the time in its zone".
 */
void zone_format_local(const struct zone *z, int64_t t, char out[static 26]);

/*
 * The version of the installed tz database ("2025b", from the first line of
 * tzdata.zi), or "unknown". The string is static; computed once, thread-safe.
 * Record it beside every computed due instant.
 */
const char *zone_tzdata_version(void);

#endif
