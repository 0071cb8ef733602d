/*
 * The program's clock over the API. Under `serve --test-clock` an admin
 * moves it forward; the call returns only after the clock-driven work due by
 * the new time has run (app->on_time_moved), so a test can set the time and
 * immediately read the consequences.
 */
#include "base/now.h"
#include "base/timefmt.h"
#include "http/http.h"

void api_clock_get(struct req *r);
void api_clock_set(struct req *r);

void api_clock_get(struct req *r)
{
    reply_json(r, 200, json_pack("{s:o, s:b}", "now", json_time(now_get()), "test", now_is_test()));
}

void api_clock_set(struct req *r)
{
    if (!now_is_test()) {
        reply_error(r, 403, "real_clock",
                    "this server runs on the real clock; start it with --test-clock to set the "
                    "time");
        return;
    }
    const char *s;
    if (!jfield_str(r, "now", true, &s))
        return;
    int64_t t;
    if (time_parse_rfc3339(s, &t) < 0) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "now"),
                          "'%s' is not an RFC 3339 time such as 2026-11-27T16:00:00Z", s);
        return;
    }
    int64_t before = now_get();
    if (now_set(t) < 0) {
        char cur[21];
        time_format_rfc3339(now_get(), cur);
        reply_error(r, 409, "clock_backwards",
                    "the test clock only moves forward: it is already %s", cur);
        return;
    }
    if (audit(r, 0, "clock", "clock.set", json_pack("{s:o}", "now", json_time(before)),
              json_pack("{s:o}", "now", json_time(t))) < 0) {
        reply_store_error(r, STORE_ERR);
        return;
    }
    if (r->conf->on_time_moved)
        r->conf->on_time_moved(r->conf, t);
    reply_json(r, 200, json_pack("{s:o, s:b}", "now", json_time(now_get()), "test", 1));
}
