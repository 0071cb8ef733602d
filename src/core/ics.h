/*
 * iCalendar (RFC 5545): holiday import and calendar feeds.
 *
 * Import reads the holidays of an .ics file as local dates: every VEVENT
 * directly inside a VCALENDAR contributes the days it covers (all-day
 * DTSTART;VALUE=DATE with an exclusive DTEND or a DURATION; no end means one
 * day), repeated by a yearly RRULE (INTERVAL, COUNT, UNTIL, BYMONTH,
 * BYMONTHDAY, BYDAY) and RDATE, minus EXDATE and minus instances moved or
 * cancelled by a RECURRENCE-ID override. A DTSTART with a time counts for the
 * date it names: as written when floating or with a TZID (the publisher's own
 * date: a holiday in Tokyo is that date in Tokyo), and in the calendar's zone
 * when in UTC ("...Z"). Other components (VTIMEZONE, VTODO, VJOURNAL, VALARM
 * inside an event, X- components) are checked for syntax and otherwise
 * ignored; so are events with STATUS:CANCELLED.
 *
 * The parser is strict where a wrong answer would be silent: a malformed line,
 * an impossible date, an unbalanced BEGIN/END or a recurrence it cannot expand
 * exactly is an error naming the 1-based number of the offending line (the
 * first physical line of a folded line), and nothing is returned. It accepts
 * CRLF, LF or CR line ends, folded lines, a UTF-8 byte-order mark and blank
 * lines. Input is capped at ICS_MAX_INPUT bytes and ICS_MAX_EVENTS events,
 * recurrence expansion at ICS_MAX_WORK steps and the result at
 * ICS_MAX_HOLIDAYS days, so any input is answered in bounded time and memory.
 *
 * The feed writer produces what calendar programs accept: CRLF line ends,
 * lines folded at 75 octets without splitting a UTF-8 sequence, TEXT escaped,
 * UTC times, a UID and DTSTAMP on every event.
 */
#ifndef VG_ICS_H
#define VG_ICS_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "core/zone.h"

#define ICS_MAX_INPUT    (4u << 20) /* bytes of one .ics file */
#define ICS_MAX_EVENTS   10000      /* VEVENTs in one file */
#define ICS_MAX_HOLIDAYS 100000     /* dates inside the years, before merging duplicates */
#define ICS_MAX_WORK     4000000    /* candidate dates examined by all RRULEs together */
#define ICS_MAX_NAME     256        /* bytes of a holiday name kept (cut at a UTF-8 boundary) */
#define ICS_MAX_SPAN     366        /* days one event instance may cover */

enum ics_err {
    ICS_OK = 0,
    ICS_ERR_SYNTAX = -1,      /* "ics_syntax": malformed content */
    ICS_ERR_TOO_LARGE = -2,   /* "ics_too_large": more than ICS_MAX_INPUT bytes */
    ICS_ERR_LIMIT = -3,       /* "ics_limit": too many events, dates or expansion steps */
    ICS_ERR_UNSUPPORTED = -4, /* "ics_unsupported": e.g. a weekly RRULE, BYSETPOS */
    ICS_ERR_INVALID = -5,     /* "ics_invalid": bad arguments (years) */
};

struct ics_holiday {
    int64_t day;      /* local day number (timefmt.h) */
    const char *name; /* the event's SUMMARY, unescaped, one line, valid UTF-8; "" if none.
                         Owned by the ics_import. */
};

struct ics_import {
    struct ics_holiday *holidays; /* ascending by day, one per day (the first event wins) */
    size_t n_holidays;
    size_t n_events;  /* VEVENTs read, overrides and cancelled ones included */
    size_t n_outside; /* event days dropped for lying outside [first_year, last_year] */
    char **names;     /* storage of the names; freed by ics_import_free */
    size_t n_names;
};

struct ics_error {
    size_t line;     /* 1-based line of the offending (unfolded) line; 0 for the whole file */
    struct buf text; /* "line 7: DTSTART value '2026-13-01' is not a date (expected YYYYMMDD)" */
};

/* The stable code of an error ("ics_syntax", ...). */
const char *ics_err_name(int err);

/*
 * Reads the holidays of the .ics bytes data[0..len) that fall in the years
 * first_year..last_year (1 <= first_year <= last_year <= 9999). zone gives the
 * local date of UTC date-times; NULL means UTC. Returns 0 and fills *out (free
 * with ics_import_free), or a negative ICS_ERR_* with *out empty and, when err
 * is not NULL, err->line and err->text set (err must start zeroed,
 * `struct ics_error err = {0}`; free with ics_error_free). The input need not
 * be NUL-terminated. Allocates; pure otherwise.
 */
int ics_parse_holidays(const char *data, size_t len, const struct zone *zone, int first_year,
                       int last_year, struct ics_import *out, struct ics_error *err);

void ics_import_free(struct ics_import *imp);
void ics_error_free(struct ics_error *err);

/* One event of a feed. Strings are UTF-8 (invalid bytes are written as U+FFFD). */
struct ics_event {
    const char *uid;         /* required, stable and unique: "clock-42@vodgate.example" */
    int64_t start, end;      /* UTC instants; end <= start writes no DTEND (a moment) */
    const char *summary;     /* required */
    const char *description; /* may be NULL */
    const char *url;         /* may be NULL; control characters are dropped */
};

/*
 * Appends to out a VCALENDAR (VERSION 2.0, the given PRODID, METHOD:PUBLISH)
 * holding one VEVENT per event, each with DTSTAMP dtstamp. CRLF line ends,
 * folding at 75 octets, TEXT values escaped (backslash, semicolon, comma,
 * newline). Allocates only through out.
 */
void ics_write_feed(struct buf *out, const char *prodid, const struct ics_event *events, size_t n,
                    int64_t dtstamp);

#endif
