/*
 * Clocks over the API: a partner's clocks (staff, and the partner itself),
 * pausing and resuming partner-facing clocks (pim, pom), extending caps on
 * record (pim, cam), the dated launch milestones a plm sets, choosing a
 * partner's business calendar, and the test hook that starts any clock.
 * Each handler reads its parameters and calls one operation of app/clocks.c,
 * app/milestones.c or app/calendars.c.
 */
#include "app/calendars.h"
#include "app/clocks.h"
#include "app/milestones.h"
#include "base/timefmt.h"
#include "http/api.h"

/* Reads the RFC 3339 instant of member key; false after answering 422 naming it. */
static bool read_instant(struct req *r, const char *key, const char *text, const char *example,
                         int64_t *t)
{
    if (time_parse_rfc3339(text, t) == 0)
        return true;
    reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", key),
                      "'%s' is not an RFC 3339 time%s", text, example);
    return false;
}

void api_partner_clocks(struct req *r)
{
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, clocks_of_partner(&o, req_param_id(r, 0), &out)))
        reply_json(r, 200, out);
}

/*
 * A test hook, served only under --test-clock: an admin starts any kind of
 * clock for a partner at a given instant, so clock behaviour can be shown
 * through the API apart from the lifecycle that normally starts clocks.
 */
void api_partner_clock_start(struct req *r)
{
    const char *kind, *subject, *start_s;
    int64_t start;
    if (!jfield_str(r, "kind", true, &kind) || !jfield_str(r, "subject", true, &subject) ||
        !jfield_str(r, "started_at", true, &start_s) ||
        !read_instant(r, "started_at", start_s, "", &start))
        return;
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, clocks_start_test(&o, req_param_id(r, 0), kind, subject, start, &out)))
        reply_json(r, 201, out);
}

void api_partner_milestones(struct req *r)
{
    const char *name, *due_s;
    int64_t due;
    if (!jfield_str(r, "name", true, &name) || !jfield_str(r, "due_at", true, &due_s) ||
        !read_instant(r, "due_at", due_s, " such as 2027-01-15T09:00:00Z", &due))
        return;
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, milestones_add(&o, req_param_id(r, 0), name, due, &out)))
        reply_json(r, 201, out);
}

void api_partner_calendar(struct req *r)
{
    int64_t cal = 0;
    if (!jfield_int(r, "calendar", false, &cal))
        return;
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, calendars_set_partner(&o, req_param_id(r, 0), cal, &out)))
        reply_json(r, 200, out);
}

void api_clock_pause(struct req *r)
{
    const char *reason;
    if (!jfield_str(r, "reason", true, &reason))
        return;
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, clocks_op_pause(&o, req_param_id(r, 0), reason, &out)))
        reply_json(r, 200, out);
}

void api_clock_resume(struct req *r)
{
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, clocks_op_resume(&o, req_param_id(r, 0), &out)))
        reply_json(r, 200, out);
}

void api_clock_extend(struct req *r)
{
    const char *reason;
    int64_t days;
    if (!jfield_int(r, "days", true, &days) || !jfield_str(r, "reason", true, &reason))
        return;
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, clocks_op_extend(&o, req_param_id(r, 0), days, reason, &out)))
        reply_json(r, 200, out);
}
