/*
 * Business calendars (SPEC section 5): the working week, holidays and
 * covered years in one time zone that count a partner's working days. Staff
 * read them; an admin creates and edits them and imports holidays from
 * iCalendar files; a partner is put on one (or on the default: Monday to
 * Friday in its own zone, no holidays).
 *
 * A calendar is global (no organisation owns it): the policy's role check
 * is all. An edit recomputes every open clock on the calendar in the same
 * transaction and logs each one that moved; an edit that would leave an
 * open clock without a due instant (its days no longer covered) is refused
 * whole, so no clock is ever left counting on days the calendar does not
 * know. Each operation checks who acts (op_allow), runs in a transaction of
 * its own, writes its audit event and hands back the calendar's JSON view:
 * {id, name, time_zone, working_days: [ISO weekday...], holidays: [{date,
 * name}], years: [first, last], version, created_at, updated_at}.
 */
#ifndef VG_APP_CALENDARS_H
#define VG_APP_CALENDARS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/op.h"
#include "store/store.h"

#define CALENDAR_NAME_MAX 200 /* bytes of a calendar's name */

/*
 * A calendar as given (the members of the API's body). On an edit a NULL
 * member keeps the calendar's value; on a creation every member but the
 * holidays is required. Borrowed.
 */
struct calendar_fields {
    const char *name;           /* 1 to CALENDAR_NAME_MAX bytes */
    const char *time_zone;      /* an IANA zone ("Europe/London") */
    const json_t *working_days; /* [ISO weekday 1 (Monday) .. 7 (Sunday), ...] */
    const json_t *years;        /* [first, last] within 1970..2199 */
    const json_t *holidays;     /* ["YYYY-MM-DD" or {"date", "name"}, ...] */
};

/* The JSON view of a calendar (see above). A new reference. */
json_t *calendars_json(const struct calendar_row *c);

/*
 * Checks f and applies it to c (partial: an edit, NULL members keep c's
 * values). Strings are copied into o's arena. Returns 0, or OP_REFUSED
 * (OP_INVALID naming the field) without touching the store.
 */
int calendars_apply_fields(struct op *o, const struct calendar_fields *f, bool partial,
                           struct calendar_row *c);

/* Creates a calendar (ACT_CALENDAR_WRITE). *out gets its view (the caller's). */
int calendars_create(struct op *o, const struct calendar_fields *f, json_t **out);
/* Every calendar as {calendars: [view...]} (ACT_CALENDAR_READ). Reads only. */
int calendars_list(struct op *o, json_t **out);
/* One calendar's view (ACT_CALENDAR_READ); OP_NOT_FOUND when there is none. Reads only. */
int calendars_get(struct op *o, int64_t id, json_t **out);
/*
 * Edits calendar id (ACT_CALENDAR_WRITE) and recomputes its open clocks. *out
 * gets the new view plus clocks_moved (how many due instants moved). A clock
 * the edited calendar cannot compute refuses the whole edit: OP_INVALID,
 * "calendar_coverage" (or "no_working_time").
 */
int calendars_update(struct op *o, int64_t id, const struct calendar_fields *f, json_t **out);
/*
 * Adds the holidays of the iCalendar text data[0..len) that fall in the
 * calendar's years (days it already has keep their names), as an edit does
 * (ACT_CALENDAR_WRITE). A file that cannot be read exactly changes nothing:
 * OP_INVALID with the parser's code ("ics_syntax", "ics_too_large", ...) and
 * {"line": N} naming the offending line.
 */
int calendars_import_ics(struct op *o, int64_t id, const char *data, size_t len, json_t **out);
/*
 * Puts partner_id on calendar_id (0: the default calendar in the partner's
 * zone; ACT_PARTNER_CALENDAR on the partner) and moves its open clocks onto
 * it. *out gets {id, calendar, clocks_moved}. A calendar that does not
 * exist is OP_INVALID naming "calendar"; one the open clocks cannot be
 * computed on refuses the change whole.
 */
int calendars_set_partner(struct op *o, int64_t partner_id, int64_t calendar_id, json_t **out);

#endif
