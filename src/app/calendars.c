/*
 * Business calendars: see calendars.h. Every edit (fields or an iCalendar
 * import) goes through save_edit: the calendar is rewritten, the clocks on
 * it recomputed by app/clocks.c, and the edit logged with the views before
 * and after, all in one transaction, so a refused recomputation leaves the
 * calendar as it was. Audit events of a calendar name no partner (partner
 * 0, subject "calendar:N"); each moved clock's own event names its partner.
 */
#include "app/calendars.h"

#include "app/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/clocks.h"
#include "app/scope.h"
#include "base/timefmt.h"
#include "core/calendar.h"
#include "core/ics.h"
#include "core/zone.h"

json_t *calendars_json(const struct calendar_row *c)
{
    json_t *week = json_array(), *hols = json_array();
    for (int d = 1; d <= 7; d++)
        if (c->working_days & CAL_WEEKDAY_BIT(d))
            json_array_append_new(week, json_integer(d));
    for (size_t i = 0; i < c->n_holidays; i++) {
        char s[11];
        date_format(civil_from_days(c->holidays[i].day), s);
        json_array_append_new(hols, json_pack("{s:s, s:s}", "date", s, "name",
                                              c->holidays[i].name ? c->holidays[i].name : ""));
    }
    return json_pack("{s:I, s:s, s:s, s:o, s:o, s:[i,i], s:I, s:o, s:o}", "id", (json_int_t)c->id,
                     "name", c->name, "time_zone", c->time_zone, "working_days", week, "holidays",
                     hols, "years", c->first_year, c->last_year, "version", (json_int_t)c->version,
                     "created_at", app_json_time(c->created_at), "updated_at",
                     app_json_time(c->updated_at));
}

int calendars_apply_fields(struct op *o, const struct calendar_fields *f, bool partial,
                           struct calendar_row *c)
{
    if (!partial && !f->name)
        return op_invalid(o, "name", "'name' must be 1 to %d characters", CALENDAR_NAME_MAX);
    if (!partial && !f->time_zone)
        return op_invalid(o, "time_zone", "'time_zone' is required");
    if (f->name) {
        if (!*f->name || strlen(f->name) > CALENDAR_NAME_MAX)
            return op_invalid(o, "name", "'name' must be 1 to %d characters", CALENDAR_NAME_MAX);
        c->name = arena_strdup(o->a, f->name);
    }
    if (f->time_zone) {
        if (!zone_valid(f->time_zone))
            return op_invalid(o, "time_zone", "'%s' is not an IANA time zone such as Europe/London",
                              f->time_zone);
        c->time_zone = arena_strdup(o->a, f->time_zone);
    }
    const json_t *week = f->working_days;
    if (week || !partial) {
        if (!json_is_array(week))
            return op_invalid(o, "working_days",
                              "'working_days' must be a list of ISO weekdays (1 = Monday .. 7 = "
                              "Sunday)");
        unsigned mask = 0;
        size_t i;
        const json_t *d;
        json_array_foreach(week, i, d) {
            if (!json_is_integer(d) || json_integer_value(d) < 1 || json_integer_value(d) > 7)
                return op_invalid(o, "working_days",
                                  "'working_days' holds ISO weekday numbers 1 (Monday) to 7 "
                                  "(Sunday)");
            mask |= CAL_WEEKDAY_BIT((int)json_integer_value(d));
        }
        c->working_days = mask;
    }
    const json_t *years = f->years;
    if (years || !partial) {
        if (!json_is_array(years) || json_array_size(years) != 2 ||
            !json_is_integer(json_array_get(years, 0)) ||
            !json_is_integer(json_array_get(years, 1)))
            return op_invalid(o, "years", "'years' must be [first, last], e.g. [2026, 2027]");
        json_int_t first = json_integer_value(json_array_get(years, 0));
        json_int_t last = json_integer_value(json_array_get(years, 1));
        if (first < CAL_MIN_YEAR || last > CAL_MAX_YEAR || first > last)
            return op_invalid(o, "years", "'years' must be [first, last] within %d..%d",
                              CAL_MIN_YEAR, CAL_MAX_YEAR);
        c->first_year = (int)first;
        c->last_year = (int)last;
    }
    const json_t *hols = f->holidays;
    if (hols || !partial) {
        if (hols && !json_is_array(hols))
            return op_invalid(o, "holidays",
                              "'holidays' must be a list of dates (\"2026-12-25\") or "
                              "{\"date\", \"name\"} objects");
        size_t n = hols ? json_array_size(hols) : 0;
        c->holidays = arena_alloc(o->a, (n ? n : 1) * sizeof *c->holidays);
        c->n_holidays = 0;
        size_t i;
        const json_t *h;
        json_array_foreach(hols, i, h) {
            const char *date = json_is_string(h) ? json_string_value(h)
                                                 : json_string_value(json_object_get(h, "date"));
            const char *hname =
                json_is_object(h) ? json_string_value(json_object_get(h, "name")) : NULL;
            struct civil_date cd;
            if (!date || date_parse(date, &cd) < 0)
                return op_invalid(o, "holidays", "holiday '%s' is not a date YYYY-MM-DD",
                                  date ? date : "(missing)");
            c->holidays[c->n_holidays].day = days_from_civil(cd.year, cd.month, cd.day);
            c->holidays[c->n_holidays].name = arena_strdup(o->a, hname ? hname : "");
            c->n_holidays++;
        }
    }
    return 0;
}

/* The audit event of an edit of calendar id: global, no partner. */
static int calendar_event(struct op *o, int64_t id, const char *action, json_t *before,
                          json_t *after)
{
    return audit_event(o, 0, arena_printf(o->a, "calendar:%lld", (long long)id), action, before,
                       after);
}

/* Loads calendar id (0: none) inside the transaction; OP_NOT_FOUND when there is none. */
static int load(struct op *o, int64_t id, struct calendar_row *c)
{
    int rc = id ? store_calendar_get(o->db, o->a, id, c) : STORE_ERR_NOT_FOUND;
    return rc < 0 ? op_failed(o, rc) : 0;
}

int calendars_create(struct op *o, const struct calendar_fields *f, json_t **out)
{
    *out = NULL;
    struct calendar_row c = {0};
    int rc = op_allow(o, ACT_CALENDAR_WRITE, SCOPE_NONE, NULL, NULL);
    if (rc < 0 || (rc = calendars_apply_fields(o, f, false, &c)) < 0)
        return rc;
    c.created_at = o->now;
    if ((rc = op_begin(o)) < 0)
        return rc;
    struct calendar_row saved;
    json_t *view = NULL;
    rc = store_calendar_add(o->db, &c, &c.id);
    if (rc == 0)
        rc = store_calendar_get(o->db, o->a, c.id, &saved);
    if (rc == 0) {
        view = calendars_json(&saved);
        rc = calendar_event(o, c.id, "calendar.create", NULL, json_incref(view));
    }
    if ((rc = op_end(o, rc < 0 ? STORE_ERR : 0)) < 0) {
        json_decref(view);
        return rc;
    }
    *out = view;
    return 0;
}

static int add_calendar(const struct calendar_row *c, void *ctx)
{
    json_array_append_new(ctx, calendars_json(c));
    return 0;
}

int calendars_list(struct op *o, json_t **out)
{
    *out = NULL;
    int rc = op_allow(o, ACT_CALENDAR_READ, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    if ((rc = store_calendar_each(o->db, o->a, add_calendar, list)) < 0) {
        json_decref(list);
        return op_failed(o, rc);
    }
    *out = json_pack("{s:o}", "calendars", list);
    return 0;
}

int calendars_get(struct op *o, int64_t id, json_t **out)
{
    *out = NULL;
    char id_text[24];
    snprintf(id_text, sizeof id_text, "%lld", (long long)id);
    struct calendar_row c;
    int rc = op_allow(o, ACT_CALENDAR_READ, SCOPE_CALENDAR, id_text, NULL);
    if (rc < 0 || (rc = load(o, id, &c)) < 0)
        return rc;
    *out = calendars_json(&c);
    return 0;
}

/*
 * Saves edited calendar c (loaded and changed inside the transaction),
 * recomputes its clocks and logs the edit; before is the view of the old
 * version (stolen). Returns 0 with *out set, or an error for op_end.
 */
static int save_edit(struct op *o, struct calendar_row *c, json_t *before, const char *action,
                     json_t **out)
{
    int64_t n_moved = 0;
    struct buf err = {0};
    struct clocks_actor who = {o->who.user_id, action};
    int rc = store_calendar_update(o->db, c, o->now);
    if (rc == STORE_OK)
        rc = clocks_recompute_calendar(o->db, o->a, c->id, o->now, &who, &n_moved, &err);
    if (rc == CLOCKS_ERR_RULE) {
        json_decref(before);
        rc = op_refuse(o, OP_INVALID,
                       strncmp(buf_str(&err), "no_working_time", 15) ? "calendar_coverage"
                                                                     : "no_working_time",
                       "the calendar was not changed: a running clock could not be computed on "
                       "it: %s",
                       buf_str(&err));
        buf_free(&err);
        return rc;
    }
    buf_free(&err);
    struct calendar_row saved;
    if (rc < 0 || store_calendar_get(o->db, o->a, c->id, &saved) < 0) {
        json_decref(before);
        return STORE_ERR;
    }
    json_t *view = calendars_json(&saved);
    if (calendar_event(o, c->id, action, before, json_incref(view)) < 0) {
        json_decref(view);
        return STORE_ERR;
    }
    json_object_set_new(view, "clocks_moved", json_integer(n_moved));
    *out = view;
    return 0;
}

/* Ends an edit's transaction; drops the view when it did not commit. */
static int end_edit(struct op *o, int rc, json_t **out)
{
    if ((rc = op_end(o, rc)) < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int calendars_update(struct op *o, int64_t id, const struct calendar_fields *f, json_t **out)
{
    *out = NULL;
    char id_text[24];
    snprintf(id_text, sizeof id_text, "%lld", (long long)id);
    struct calendar_row c;
    int rc = op_allow(o, ACT_CALENDAR_WRITE, SCOPE_CALENDAR, id_text, NULL);
    if (rc < 0 || (rc = op_begin(o)) < 0)
        return rc;
    if ((rc = load(o, id, &c)) == 0) {
        json_t *before = calendars_json(&c);
        if ((rc = calendars_apply_fields(o, f, true, &c)) < 0)
            json_decref(before);
        else
            rc = save_edit(o, &c, before, "calendar.update", out);
    }
    return end_edit(o, rc, out);
}

int calendars_import_ics(struct op *o, int64_t id, const char *data, size_t len, json_t **out)
{
    *out = NULL;
    char id_text[24];
    snprintf(id_text, sizeof id_text, "%lld", (long long)id);
    struct calendar_row c;
    int rc = op_allow(o, ACT_CALENDAR_WRITE, SCOPE_CALENDAR, id_text, NULL);
    if (rc < 0 || (rc = op_begin(o)) < 0)
        return rc;
    if ((rc = load(o, id, &c)) < 0)
        return end_edit(o, rc, out);
    const struct zone *zone = NULL;
    zone_open(c.time_zone, &zone);
    struct ics_import imp = {0};
    struct ics_error perr = {0};
    rc = ics_parse_holidays(data ? data : "", len, zone, c.first_year, c.last_year, &imp, &perr);
    if (rc < 0) {
        rc = op_refuse(o, OP_INVALID, ics_err_name(rc), "the calendar was not changed: %s",
                       buf_str(&perr.text));
        json_decref(o->err.extra);
        o->err.extra = json_pack("{s:I}", "line", (json_int_t)perr.line);
        ics_error_free(&perr);
        return end_edit(o, rc, out);
    }
    json_t *before = calendars_json(&c);
    /* the file's days that the calendar does not have yet, after its own */
    struct holiday *merged =
        arena_alloc(o->a, (c.n_holidays + imp.n_holidays + 1) * sizeof *merged);
    memcpy(merged, c.holidays, c.n_holidays * sizeof *merged);
    size_t n = c.n_holidays;
    for (size_t i = 0; i < imp.n_holidays; i++) {
        bool dup = false;
        for (size_t j = 0; j < c.n_holidays && !dup; j++)
            dup = merged[j].day == imp.holidays[i].day;
        if (dup)
            continue;
        merged[n].day = imp.holidays[i].day;
        merged[n].name = arena_strdup(o->a, imp.holidays[i].name);
        n++;
    }
    ics_import_free(&imp);
    c.holidays = merged;
    c.n_holidays = n;
    return end_edit(o, save_edit(o, &c, before, "calendar.import_ics", out), out);
}

int calendars_set_partner(struct op *o, int64_t partner_id, int64_t calendar_id, json_t **out)
{
    *out = NULL;
    struct partner p;
    int rc = op_allow_partner(o, ACT_PARTNER_CALENDAR, partner_id, &p);
    if (rc < 0)
        return rc;
    struct calendar_row row;
    if (calendar_id && store_calendar_get(o->db, o->a, calendar_id, &row) < 0)
        return op_invalid(o, "calendar", "there is no calendar %lld", (long long)calendar_id);
    if ((rc = op_begin(o)) < 0)
        return rc;
    struct buf err = {0};
    struct clocks_actor who = {o->who.user_id, "partner calendar changed"};
    int64_t n_moved = 0;
    rc = store_partner_set_calendar(o->db, p.id, calendar_id);
    if (rc == 0)
        rc = clocks_move_partner(o->db, o->a, p.id, calendar_id, o->now, &who, &n_moved, &err);
    if (rc < 0)
        rc = clocks_refuse(o, rc, &err);
    else
        rc = audit_event(
            o, p.id, arena_printf(o->a, "partner:%lld", (long long)p.id), "partner.calendar",
            json_pack("{s:o}", "calendar",
                      p.calendar_id ? json_integer(p.calendar_id) : json_null()),
            json_pack("{s:o}", "calendar", calendar_id ? json_integer(calendar_id) : json_null()));
    buf_free(&err);
    if ((rc = op_end(o, rc)) < 0)
        return rc;
    *out = json_pack("{s:I, s:o, s:I}", "id", (json_int_t)p.id, "calendar",
                     calendar_id ? json_integer(calendar_id) : json_null(), "clocks_moved",
                     (json_int_t)n_moved);
    return 0;
}
