/*
 * Clocks over the API: a partner's clocks (staff, and the partner itself),
 * pausing and resuming partner-facing clocks (pim, pom), extending caps on
 * record (pim, cam), the dated launch milestones a plm sets, and choosing a
 * partner's business calendar.
 */
#include <string.h>

#include "base/now.h"
#include "base/secret.h"
#include "base/timefmt.h"
#include "core/zone.h"
#include "http/http.h"
#include "app/clocks.h"
#include "jobs/sweep.h"

void api_partner_clocks(struct req *r);
void api_partner_clock_start(struct req *r);
void api_partner_milestones(struct req *r);
void api_partner_calendar(struct req *r);
void api_clock_pause(struct req *r);
void api_clock_resume(struct req *r);
void api_clock_extend(struct req *r);

static json_t *json_clock(const struct clock_row *c)
{
    json_t *o = json_pack(
        "{s:I, s:s, s:s, s:o, s:o, s:s, s:s, s:o, s:I, s:o, s:s}", "id", (json_int_t)c->id, "kind",
        c->kind, "subject", c->subject, "started_at", json_time(c->started_at), "due_at",
        json_time(c->due_at), "state", c->state, "time_zone", c->time_zone, "calendar",
        c->calendar_id ? json_integer(c->calendar_id) : json_null(), "extension_days",
        (json_int_t)c->extension_days, "closed_at", json_time(c->closed_at), "tzdata", c->tzdata);
    if (c->label)
        json_object_set_new(o, "label", json_string(c->label));
    const struct zone *z;
    if (c->due_at && zone_open(c->time_zone, &z) == 0) {
        char local[26];
        zone_format_local(z, c->due_at, local);
        json_object_set_new(o, "due_local", json_string(local));
    }
    return o;
}

static int add_clock(const struct clock_row *c, void *ctx)
{
    json_array_append_new(ctx, json_clock(c));
    return 0;
}

void api_partner_clocks(struct req *r)
{
    struct partner p;
    if (!req_partner(r, &p))
        return;
    json_t *list = json_array();
    int rc = store_clock_each_of_partner(req_db(r), &r->arena, p.id, add_clock, list);
    if (rc < 0) {
        json_decref(list);
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "clocks", list));
}

/* Answers a clocks_* error: rule → 422, state → 409, kind → 422. */
static void reply_clocks_error(struct req *r, int rc, struct buf *err)
{
    if (rc == CLOCKS_ERR_STATE)
        reply_error(r, 409, "clock_state", "%s", buf_str(err));
    else if (rc == CLOCKS_ERR_KIND)
        reply_error(r, 422, "clock_kind", "%s", buf_str(err));
    else if (rc == CLOCKS_ERR_RULE) {
        const char *m = buf_str(err);
        const char *code = !strncmp(m, "calendar_coverage", 17) ? "calendar_coverage"
                           : !strncmp(m, "no_working_time", 15) ? "no_working_time"
                                                                : "invalid_clock";
        reply_error(r, 422, code, "%s", m);
    } else
        reply_store_error(r, rc);
}

/* Starts a clock in a transaction of its own and answers 201 with it (or the clock error). */
static void start_clock_reply(struct req *r, const struct partner *p, const char *kind,
                              const char *subject, int64_t start, int64_t fixed_due,
                              const char *label, const char *reason)
{
    struct db *db = req_db(r);
    struct buf err = {0};
    struct clocks_actor who = {r->user.id, reason};
    int64_t id;
    struct clock_row c;
    int rc = store_begin(db);
    if (rc == 0)
        rc = clocks_start(db, &r->arena, p->id, kind, subject, start, fixed_due, label, &who,
                          now_get(), &id, &err);
    if (rc == 0)
        rc = store_clock_get(db, &r->arena, id, &c);
    if (rc == 0)
        rc = store_commit(db);
    if (rc < 0) {
        store_rollback(db);
        reply_clocks_error(r, rc, &err);
    } else {
        scheduler_poke();
        reply_json(r, 201, json_clock(&c));
    }
    buf_free(&err);
}

/*
 * A test hook, served only under --test-clock: an admin starts any kind of
 * clock for a partner at a given instant, so clock behaviour can be shown
 * through the API apart from the lifecycle that normally starts clocks.
 */
void api_partner_clock_start(struct req *r)
{
    struct partner p;
    const char *kind, *subject, *start_s;
    if (!now_is_test()) {
        reply_error(r, 403, "test_clock_only",
                    "clocks start with the lifecycle; this test hook needs serve --test-clock");
        return;
    }
    if (!req_partner(r, &p) || !jfield_str(r, "kind", true, &kind) ||
        !jfield_str(r, "subject", true, &subject) || !jfield_str(r, "started_at", true, &start_s))
        return;
    int64_t start;
    if (time_parse_rfc3339(start_s, &start) < 0) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "started_at"),
                          "'%s' is not an RFC 3339 time", start_s);
        return;
    }
    start_clock_reply(r, &p, kind, subject, start, 0, NULL, "test hook");
}

void api_partner_milestones(struct req *r)
{
    struct partner p;
    const char *name, *due_s;
    if (!req_partner(r, &p) || !jfield_str(r, "name", true, &name) ||
        !jfield_str(r, "due_at", true, &due_s))
        return;
    int64_t due;
    if (time_parse_rfc3339(due_s, &due) < 0) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "due_at"),
                          "'%s' is not an RFC 3339 time such as 2027-01-15T09:00:00Z", due_s);
        return;
    }
    if (!*name || strlen(name) > 200) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "name"),
                          "'name' must be 1 to 200 characters");
        return;
    }
    start_clock_reply(r, &p, "milestone", arena_printf(&r->arena, "partner:%lld", (long long)p.id),
                      now_get(), due, name, NULL);
}

void api_partner_calendar(struct req *r)
{
    struct partner p;
    int64_t cal = 0;
    if (!req_partner(r, &p) || !jfield_int(r, "calendar", false, &cal))
        return;
    struct db *db = req_db(r);
    struct calendar_row row;
    if (cal && store_calendar_get(db, &r->arena, cal, &row) < 0) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "calendar"),
                          "there is no calendar %lld", (long long)cal);
        return;
    }
    struct buf err = {0};
    struct clocks_actor who = {r->user.id, "partner calendar changed"};
    int64_t n_moved = 0;
    int rc = store_begin(db);
    if (rc == 0)
        rc = store_partner_set_calendar(db, p.id, cal);
    if (rc == 0)
        rc = clocks_move_partner(db, &r->arena, p.id, cal, now_get(), &who, &n_moved, &err);
    if (rc < 0) {
        store_rollback(db);
        reply_clocks_error(r, rc, &err);
        buf_free(&err);
        return;
    }
    buf_free(&err);
    if (audit(r, p.id, arena_printf(&r->arena, "partner:%lld", (long long)p.id), "partner.calendar",
              json_pack("{s:o}", "calendar",
                        p.calendar_id ? json_integer(p.calendar_id) : json_null()),
              json_pack("{s:o}", "calendar", cal ? json_integer(cal) : json_null())) < 0 ||
        store_commit(db) < 0) {
        store_rollback(db);
        reply_store_error(r, STORE_ERR);
        return;
    }
    scheduler_poke();
    reply_json(r, 200,
               json_pack("{s:I, s:o, s:I}", "id", (json_int_t)p.id, "calendar",
                         cal ? json_integer(cal) : json_null(), "clocks_moved",
                         (json_int_t)n_moved));
}

enum clock_op { OP_PAUSE, OP_RESUME, OP_EXTEND };

/* Loads clock {id}, checks the route's policy on its partner, and changes it. */
static void clock_change(struct req *r, enum clock_op op, int64_t days, const char *reason)
{
    struct db *db = req_db(r);
    struct clock_row c = r->scoped->clock; /* loaded and checked by the dispatcher */
    int64_t id = c.id;
    int rc;
    struct buf err = {0};
    struct clocks_actor who = {r->user.id, reason};
    int64_t now = now_get();
    if ((rc = store_begin(db)) == 0) {
        if (op == OP_PAUSE)
            rc = clocks_pause(db, &r->arena, id, &who, now, &err);
        else if (op == OP_RESUME)
            rc = clocks_resume(db, &r->arena, id, &who, now, &err);
        else
            rc = clocks_extend(db, &r->arena, id, days, &who, now, &err);
    }
    if (rc == 0)
        rc = store_clock_get(db, &r->arena, id, &c);
    if (rc == 0)
        rc = store_commit(db);
    if (rc < 0) {
        store_rollback(db);
        reply_clocks_error(r, rc, &err);
    } else {
        scheduler_poke();
        reply_json(r, 200, json_clock(&c));
    }
    buf_free(&err);
}

void api_clock_pause(struct req *r)
{
    const char *reason;
    if (!jfield_str(r, "reason", true, &reason))
        return;
    if (!*reason) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "reason"),
                          "say why the clock is paused (for example: waiting on us)");
        return;
    }
    clock_change(r, OP_PAUSE, 0, reason);
}

void api_clock_resume(struct req *r)
{
    clock_change(r, OP_RESUME, 0, NULL);
}

void api_clock_extend(struct req *r)
{
    const char *reason;
    int64_t days;
    if (!jfield_int(r, "days", true, &days) || !jfield_str(r, "reason", true, &reason))
        return;
    if (!*reason) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "reason"),
                          "an extension needs a reason on record");
        return;
    }
    clock_change(r, OP_EXTEND, days, reason);
}
