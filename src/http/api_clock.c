/*
 * The program's clock over the API (app/test_clock.c). Under `serve
 * --test-clock` an admin moves it forward; the call returns only after the
 * clock-driven work due by the new time has run (app->on_time_moved), so a
 * test can set the time and immediately read the consequences.
 */
#include "app/test_clock.h"
#include "base/timefmt.h"
#include "http/api.h"

void api_clock_get(struct req *r)
{
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, test_clock_view(&o, &out)))
        reply_json(r, 200, out);
}

void api_clock_set(struct req *r)
{
    const char *s;
    if (!jfield_str(r, "now", true, &s))
        return;
    int64_t t;
    if (time_parse_rfc3339(s, &t) < 0) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "now"),
                          "'%s' is not an RFC 3339 time such as 2026-11-27T16:00:00Z", s);
        return;
    }
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (!req_op_done(r, &o, test_clock_set(&o, t, &out)))
        return;
    if (r->conf->on_time_moved)
        r->conf->on_time_moved(r->conf, t);
    reply_json(r, 200, out);
}
