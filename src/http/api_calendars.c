/*
 * Business calendars over the API: an admin creates and edits them (zone,
 * working week as ISO weekday numbers, holidays, covered years) and imports
 * holidays from iCalendar files; staff read them. An edit recomputes every
 * running clock on the calendar in the same transaction and logs each one
 * that moved; an edit that would leave a running clock without a due
 * instant (its days no longer covered) is refused whole with 422.
 */
#include <string.h>

#include "base/now.h"
#include "base/timefmt.h"
#include "core/calendar.h"
#include "core/ics.h"
#include "core/zone.h"
#include "http/http.h"
#include "app/clocks.h"
#include "jobs/sweep.h"

void api_calendars_create(struct req *r);
void api_calendars_list(struct req *r);
void api_calendars_get(struct req *r);
void api_calendars_update(struct req *r);
void api_calendars_ics(struct req *r);

static json_t *json_calendar(const struct calendar_row *c)
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
                     "created_at", json_time(c->created_at), "updated_at",
                     json_time(c->updated_at));
}

static bool invalid(struct req *r, const char *field, const char *message)
{
    reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", field), "%s", message);
    return false;
}

/*
 * Reads the calendar fields of the body into c (strings in the arena).
 * partial: fields left out keep c's values (an edit).
 */
static bool read_calendar(struct req *r, struct calendar_row *c, bool partial)
{
    const char *name = NULL, *tz = NULL;
    if (!jfield_str(r, "name", !partial, &name) || !jfield_str(r, "time_zone", !partial, &tz))
        return false;
    if (name) {
        if (!*name || strlen(name) > 200)
            return invalid(r, "name", "'name' must be 1 to 200 characters");
        c->name = arena_strdup(&r->arena, name);
    }
    if (tz) {
        if (!zone_valid(tz))
            return invalid(
                r, "time_zone",
                arena_printf(&r->arena, "'%s' is not an IANA time zone such as Europe/London", tz));
        c->time_zone = arena_strdup(&r->arena, tz);
    }
    json_t *week = json_object_get(r->json, "working_days");
    if (week || !partial) {
        if (!json_is_array(week))
            return invalid(r, "working_days",
                           "'working_days' must be a list of ISO weekdays (1 = Monday .. 7 = "
                           "Sunday)");
        unsigned mask = 0;
        size_t i;
        json_t *d;
        json_array_foreach(week, i, d) {
            if (!json_is_integer(d) || json_integer_value(d) < 1 || json_integer_value(d) > 7)
                return invalid(r, "working_days",
                               "'working_days' holds ISO weekday numbers 1 (Monday) to 7 "
                               "(Sunday)");
            mask |= CAL_WEEKDAY_BIT((int)json_integer_value(d));
        }
        c->working_days = mask;
    }
    json_t *years = json_object_get(r->json, "years");
    if (years || !partial) {
        if (!json_is_array(years) || json_array_size(years) != 2 ||
            !json_is_integer(json_array_get(years, 0)) ||
            !json_is_integer(json_array_get(years, 1)))
            return invalid(r, "years", "'years' must be [first, last], e.g. [2026, 2027]");
        json_int_t first = json_integer_value(json_array_get(years, 0));
        json_int_t last = json_integer_value(json_array_get(years, 1));
        if (first < CAL_MIN_YEAR || last > CAL_MAX_YEAR || first > last)
            return invalid(r, "years", "'years' must be [first, last] within 1970..2199");
        c->first_year = (int)first;
        c->last_year = (int)last;
    }
    json_t *hols = json_object_get(r->json, "holidays");
    if (hols || !partial) {
        if (hols && !json_is_array(hols))
            return invalid(r, "holidays",
                           "'holidays' must be a list of dates (\"2026-12-25\") or "
                           "{\"date\", \"name\"} objects");
        size_t n = hols ? json_array_size(hols) : 0;
        c->holidays = arena_alloc(&r->arena, (n ? n : 1) * sizeof *c->holidays);
        c->n_holidays = 0;
        size_t i;
        json_t *h;
        json_array_foreach(hols, i, h) {
            const char *date = json_is_string(h) ? json_string_value(h)
                                                 : json_string_value(json_object_get(h, "date"));
            const char *hname =
                json_is_object(h) ? json_string_value(json_object_get(h, "name")) : NULL;
            struct civil_date cd;
            if (!date || date_parse(date, &cd) < 0)
                return invalid(r, "holidays",
                               arena_printf(&r->arena, "holiday '%s' is not a date YYYY-MM-DD",
                                            date ? date : "(missing)"));
            c->holidays[c->n_holidays].day = days_from_civil(cd.year, cd.month, cd.day);
            c->holidays[c->n_holidays].name = arena_strdup(&r->arena, hname ? hname : "");
            c->n_holidays++;
        }
    }
    return true;
}

void api_calendars_create(struct req *r)
{
    struct calendar_row c = {0};
    if (!jbody(r) || !read_calendar(r, &c, false))
        return;
    c.created_at = now_get();
    struct db *db = req_db(r);
    if (store_begin(db) < 0 || store_calendar_add(db, &c, &c.id) < 0)
        goto fail;
    struct calendar_row saved;
    if (store_calendar_get(db, &r->arena, c.id, &saved) < 0)
        goto fail;
    json_t *out = json_calendar(&saved);
    if (audit(r, 0, arena_printf(&r->arena, "calendar:%lld", (long long)c.id), "calendar.create",
              NULL, json_incref(out)) < 0 ||
        store_commit(db) < 0) {
        json_decref(out);
        goto fail;
    }
    reply_json(r, 201, out);
    return;
fail:
    reply_store_error(r, STORE_ERR);
}

static int add_calendar(const struct calendar_row *c, void *ctx)
{
    json_array_append_new(ctx, json_calendar(c));
    return 0;
}

void api_calendars_list(struct req *r)
{
    json_t *list = json_array();
    int rc = store_calendar_each(req_db(r), &r->arena, add_calendar, list);
    if (rc < 0) {
        json_decref(list);
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "calendars", list));
}

void api_calendars_get(struct req *r)
{
    struct calendar_row c;
    int64_t id = req_param_id(r, 0);
    int rc = id ? store_calendar_get(req_db(r), &r->arena, id, &c) : STORE_ERR_NOT_FOUND;
    if (rc < 0) {
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_calendar(&c));
}

/*
 * Saves edited calendar c (already loaded and changed), recomputes its
 * clocks, logs, commits and answers. before is the JSON of the old version.
 */
static void save_edit(struct req *r, struct calendar_row *c, json_t *before, const char *action)
{
    struct db *db = req_db(r);
    int64_t now = now_get(), n_moved = 0;
    struct buf err = {0};
    struct clocks_actor who = {r->user.id, action};
    int rc = store_calendar_update(db, c, now);
    if (rc == STORE_OK)
        rc = clocks_recompute_calendar(db, &r->arena, c->id, now, &who, &n_moved, &err);
    if (rc == CLOCKS_ERR_RULE) {
        store_rollback(db);
        json_decref(before);
        reply_error(r, 422,
                    strncmp(buf_str(&err), "no_working_time", 15) ? "calendar_coverage"
                                                                  : "no_working_time",
                    "the calendar was not changed: a running clock could not be computed on it: "
                    "%s",
                    buf_str(&err));
        buf_free(&err);
        return;
    }
    buf_free(&err);
    struct calendar_row saved;
    if (rc < 0 || store_calendar_get(db, &r->arena, c->id, &saved) < 0) {
        store_rollback(db);
        json_decref(before);
        reply_store_error(r, STORE_ERR);
        return;
    }
    json_t *out = json_calendar(&saved);
    if (audit(r, 0, arena_printf(&r->arena, "calendar:%lld", (long long)c->id), action, before,
              json_incref(out)) < 0 ||
        store_commit(db) < 0) {
        json_decref(out);
        reply_store_error(r, STORE_ERR);
        return;
    }
    scheduler_poke();
    json_object_set_new(out, "clocks_moved", json_integer(n_moved));
    reply_json(r, 200, out);
}

void api_calendars_update(struct req *r)
{
    int64_t id = req_param_id(r, 0);
    struct db *db = req_db(r);
    struct calendar_row c;
    if (!jbody(r))
        return;
    if (store_begin(db) < 0) {
        reply_store_error(r, STORE_ERR);
        return;
    }
    int rc = id ? store_calendar_get(db, &r->arena, id, &c) : STORE_ERR_NOT_FOUND;
    if (rc < 0) {
        store_rollback(db);
        reply_store_error(r, rc);
        return;
    }
    json_t *before = json_calendar(&c);
    if (!read_calendar(r, &c, true)) {
        store_rollback(db);
        json_decref(before);
        return;
    }
    save_edit(r, &c, before, "calendar.update");
}

void api_calendars_ics(struct req *r)
{
    int64_t id = req_param_id(r, 0);
    struct db *db = req_db(r);
    struct calendar_row c;
    if (store_begin(db) < 0) {
        reply_store_error(r, STORE_ERR);
        return;
    }
    int rc = id ? store_calendar_get(db, &r->arena, id, &c) : STORE_ERR_NOT_FOUND;
    if (rc < 0) {
        store_rollback(db);
        reply_store_error(r, rc);
        return;
    }
    const struct zone *zone = NULL;
    zone_open(c.time_zone, &zone);
    struct ics_import imp = {0};
    struct ics_error perr = {0};
    rc = ics_parse_holidays(r->body.data ? r->body.data : "", r->body.len, zone, c.first_year,
                            c.last_year, &imp, &perr);
    if (rc < 0) {
        store_rollback(db);
        reply_error_extra(r, rc == ICS_ERR_TOO_LARGE ? 413 : 422, ics_err_name(rc),
                          json_pack("{s:I}", "line", (json_int_t)perr.line),
                          "the calendar was not changed: %s", buf_str(&perr.text));
        ics_error_free(&perr);
        return;
    }
    json_t *before = json_calendar(&c);
    struct holiday *merged =
        arena_alloc(&r->arena, (c.n_holidays + imp.n_holidays + 1) * sizeof *merged);
    memcpy(merged, c.holidays, c.n_holidays * sizeof *merged);
    size_t n = c.n_holidays;
    for (size_t i = 0; i < imp.n_holidays; i++) {
        bool dup = false;
        for (size_t j = 0; j < c.n_holidays && !dup; j++)
            dup = merged[j].day == imp.holidays[i].day;
        if (dup)
            continue;
        merged[n].day = imp.holidays[i].day;
        merged[n].name = arena_strdup(&r->arena, imp.holidays[i].name);
        n++;
    }
    ics_import_free(&imp);
    c.holidays = merged;
    c.n_holidays = n;
    save_edit(r, &c, before, "calendar.import_ics");
}
