/*
 * The test clock: see test_clock.h. The time moves first and the audit
 * event follows at the new time, in a transaction of its own: the clock is
 * process state, not a row, so a failed log cannot take the move back and
 * the caller is told the step failed.
 */
#include "app/test_clock.h"

#include <stdlib.h>

#include "app/scope.h"
#include "base/now.h"

static json_t *view_now(void)
{
    return json_pack("{s:o, s:b}", "now", app_json_time(now_get()), "test", now_is_test());
}

int test_clock_view(struct op *o, json_t **out)
{
    *out = NULL;
    int rc = op_allow(o, ACT_SIGNED_IN, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    *out = view_now();
    return 0;
}

int test_clock_set(struct op *o, int64_t t, json_t **out)
{
    *out = NULL;
    int rc = op_allow(o, ACT_CLOCK_SET, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    if (!now_is_test())
        return op_refuse(o, OP_NOT_ALLOWED, "real_clock",
                         "this server runs on the real clock; start it with --test-clock to set "
                         "the time");
    int64_t before = now_get();
    if (now_set(t) < 0)
        return op_refuse(o, OP_CONFLICT, "clock_backwards",
                         "the test clock only moves forward: it is already %s",
                         op_instant_text(o, now_get()));
    o->now = now_get(); /* the operation happens at the new time */
    if ((rc = op_begin(o)) < 0)
        return rc;
    struct event e = {0};
    e.at = o->now;
    e.actor_id = o->who.user_id;
    e.subject = "clock";
    e.action = "clock.set";
    json_t *b = json_pack("{s:o}", "now", app_json_time(before));
    json_t *a = json_pack("{s:o}", "now", app_json_time(t));
    e.before = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS);
    e.after = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
    rc = store_event_add(o->db, &e);
    free(e.before);
    free(e.after);
    json_decref(b);
    json_decref(a);
    if ((rc = op_end(o, rc)) < 0)
        return rc;
    *out = view_now();
    return 0;
}
