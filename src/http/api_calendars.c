/*
 * Business calendars over the API: an admin creates and edits them (zone,
 * working week as ISO weekday numbers, holidays, covered years) and imports
 * holidays from iCalendar files; staff read them. Each handler reads its
 * parameters and calls one operation of app/calendars.c, which checks,
 * recomputes the clocks on an edited calendar and logs; an edit that would
 * leave a running clock without a due instant is refused whole with 422.
 */
#include "app/calendars.h"
#include "core/ics.h"
#include "http/api.h"

/* Reads the calendar members of the body into f (required: a creation's). */
static bool read_fields(struct req *r, struct calendar_fields *f, bool required)
{
    if (!jbody(r) || !jfield_str(r, "name", required, &f->name) ||
        !jfield_str(r, "time_zone", required, &f->time_zone))
        return false;
    f->working_days = json_object_get(r->json, "working_days");
    f->years = json_object_get(r->json, "years");
    f->holidays = json_object_get(r->json, "holidays");
    return true;
}

void api_calendars_create(struct req *r)
{
    struct calendar_fields f = {0};
    if (!read_fields(r, &f, true))
        return;
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, calendars_create(&o, &f, &out)))
        reply_json(r, 201, out);
}

void api_calendars_list(struct req *r)
{
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, calendars_list(&o, &out)))
        reply_json(r, 200, out);
}

void api_calendars_get(struct req *r)
{
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, calendars_get(&o, req_param_id(r, 0), &out)))
        reply_json(r, 200, out);
}

void api_calendars_update(struct req *r)
{
    struct calendar_fields f = {0};
    if (!read_fields(r, &f, false))
        return;
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, calendars_update(&o, req_param_id(r, 0), &f, &out)))
        reply_json(r, 200, out);
}

void api_calendars_ics(struct req *r)
{
    /* a body past the parser's cap is refused as too large (413), before anything is read */
    if (r->body.len > ICS_MAX_INPUT) {
        reply_error_extra(r, 413, "ics_too_large", json_pack("{s:i}", "line", 0),
                          "the calendar was not changed: the file is larger than %u bytes",
                          ICS_MAX_INPUT);
        return;
    }
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o,
                    calendars_import_ics(&o, req_param_id(r, 0), r->body.data, r->body.len, &out)))
        reply_json(r, 200, out);
}
