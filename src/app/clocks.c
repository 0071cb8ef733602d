/*
 * The clock service: see clocks.h. The due instant is never edited by hand:
 * every change (start, pause, resume, extension, calendar edit) reloads the
 * clock's facts and asks core/clock.c again, so the stored due instant is
 * always what the rules say for the facts on record. The operations at the
 * end of the file wrap the pieces: check who acts, one transaction, the
 * clock's view.
 */
#include "app/clocks.h"

#include "app/audit.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/clock_news.h"
#include "app/scope.h"
#include "base/now.h"
#include "base/timefmt.h"
#include "core/clock.h"
#include "core/deadline.h"
#include "core/zone.h"

int clocks_calendar_load(struct db *db, struct arena *a, int64_t calendar_id, const char *zone_name,
                         struct calendar **out, int64_t *version)
{
    if (!calendar_id) {
        *version = 0;
        return calendar_new(zone_name, CAL_MON_FRI, NULL, 0, CAL_MIN_YEAR, CAL_MAX_YEAR, out) < 0
                   ? CLOCKS_ERR_RULE
                   : 0;
    }
    struct calendar_row row;
    int rc = store_calendar_get(db, a, calendar_id, &row);
    if (rc < 0)
        return rc;
    int64_t *days = xmalloc((row.n_holidays ? row.n_holidays : 1) * sizeof *days);
    for (size_t i = 0; i < row.n_holidays; i++)
        days[i] = row.holidays[i].day;
    rc = calendar_new(row.time_zone, row.working_days, days, row.n_holidays, row.first_year,
                      row.last_year, out);
    free(days);
    *version = row.version;
    return rc < 0 ? CLOCKS_ERR_RULE : 0;
}

/* Writes an audit event about clock c (after/before are stolen). */
static int clock_event(struct db *db, struct arena *a, const struct clock_row *c,
                       const char *action, const struct clocks_actor *who, int64_t at,
                       json_t *before, json_t *after)
{
    if (who && who->reason && after)
        json_object_set_new(after, "reason", json_string(who->reason));
    return audit_write(db, at, who ? who->user_id : 0, c->partner_id,
                       arena_printf(a, "clock:%lld", (long long)c->id), action, before, after);
}

static json_t *json_instant(int64_t t)
{
    if (!t || t == CLOCK_OPEN)
        return json_null();
    char s[21];
    time_format_rfc3339(t, s);
    return json_string(s);
}

/*
 * Computes the due instant of c from its facts. Sets *due (CLOCK_OPEN while
 * paused) and *version (of the calendar used).
 */
static int compute_due(struct db *db, struct arena *a, const struct clock_row *c, int64_t now,
                       int64_t *due, int64_t *version, struct buf *err)
{
    const struct deadline_kind *k = deadline_kind(c->kind);
    if (!k) {
        buf_printf(err, "unknown clock kind '%s'", c->kind);
        return CLOCKS_ERR_KIND;
    }
    struct calendar *cal = NULL;
    int rc = clocks_calendar_load(db, a, c->calendar_id, c->time_zone, &cal, version);
    if (rc < 0) {
        buf_printf(err, "the calendar of this clock cannot be loaded");
        return rc;
    }
    struct clock_pause_row *rows;
    size_t n = 0;
    rc = store_clock_pauses(db, a, c->id, &rows, &n);
    struct clock_pause *pauses = arena_alloc(a, (n ? n : 1) * sizeof *pauses);
    for (size_t i = 0; i < n; i++) {
        pauses[i].from = rows[i].from_at;
        pauses[i].to = rows[i].to_at ? rows[i].to_at : CLOCK_OPEN;
    }
    const struct zone *zone = NULL;
    zone_open(c->time_zone, &zone);
    struct clock_spec spec = {k->rule, c->started_at,
                              k->rule == CLOCK_FIXED ? c->fixed_due : k->amount,
                              k->rule == CLOCK_CALENDAR_DAYS ? zone : NULL};
    if (rc == 0) {
        rc = clock_due_at(&spec, cal, pauses, n, k->extendable ? c->extension_days : 0, now, due,
                          err);
        if (rc < 0)
            rc = CLOCKS_ERR_RULE;
    }
    calendar_free(cal);
    return rc < 0 ? rc : 0;
}

int clocks_start(struct db *db, struct arena *a, int64_t partner_id, const char *kind,
                 const char *subject, int64_t start, int64_t fixed_due, const char *label,
                 const struct clocks_actor *who, int64_t now, int64_t *id, struct buf *err)
{
    op_touch(OP_WAKE_CLOCKS); /* a due instant is new or moved: the sweep looks again */
    struct partner p;
    int rc = store_partner_get(db, a, partner_id, &p);
    if (rc < 0)
        return rc;
    if (!deadline_kind(kind)) {
        buf_printf(err, "unknown clock kind '%s'", kind);
        return CLOCKS_ERR_KIND;
    }
    struct clock_row c = {0};
    c.partner_id = partner_id;
    c.kind = (char *)kind;
    c.subject = (char *)subject;
    c.calendar_id = p.calendar_id;
    c.time_zone = p.time_zone;
    c.started_at = start;
    c.fixed_due = fixed_due;
    c.label = (char *)label;
    c.tzdata = (char *)zone_tzdata_version();
    c.created_at = now;
    int64_t due, version;
    rc = compute_due(db, a, &c, now, &due, &version, err);
    if (rc < 0)
        return rc;
    c.due_at = due == CLOCK_OPEN ? 0 : due;
    c.state = due == CLOCK_OPEN ? "paused" : "running";
    c.calendar_version = version;
    if ((rc = store_clock_add(db, &c, id)) < 0)
        return rc;
    c.id = *id;
    return clock_event(db, a, &c, "clock.start", who, now, NULL,
                       json_pack("{s:s, s:s, s:o, s:o, s:s}", "kind", kind, "subject", subject,
                                 "started_at", json_instant(start), "due_at",
                                 json_instant(c.due_at), "tzdata", c.tzdata));
}

/* Recomputes one open clock and stores the answer; logs when the due instant moved. */
static int recompute(struct db *db, struct arena *a, const struct clock_row *c, int64_t now,
                     const char *action, const struct clocks_actor *who, bool *moved,
                     struct buf *err)
{
    int64_t due, version;
    int rc = compute_due(db, a, c, now, &due, &version, err);
    if (rc < 0)
        return rc;
    int64_t stored = due == CLOCK_OPEN ? 0 : due;
    const char *state = due == CLOCK_OPEN ? "paused" : "running";
    *moved = stored != c->due_at || strcmp(state, c->state) != 0;
    if ((rc = store_clock_set_due(db, c->id, stored, state, version)) < 0)
        return rc;
    if (!*moved && strcmp(action, "clock.recomputed") == 0)
        return 0;
    return clock_event(
        db, a, c, action, who, now,
        json_pack("{s:o, s:s}", "due_at", json_instant(c->due_at), "state", c->state),
        json_pack("{s:o, s:s, s:I}", "due_at", json_instant(stored), "state", state,
                  "calendar_version", (json_int_t)version));
}

/* Loads an open clock of a kind that allows the change. */
static int load_open(struct db *db, struct arena *a, int64_t id, struct clock_row *c,
                     struct buf *err)
{
    int rc = store_clock_get(db, a, id, c);
    if (rc < 0)
        return rc;
    if (strcmp(c->state, "running") && strcmp(c->state, "paused")) {
        buf_printf(err, "this clock is %s: only a running or paused clock can change", c->state);
        return CLOCKS_ERR_STATE;
    }
    return 0;
}

int clocks_pause(struct db *db, struct arena *a, int64_t id, const struct clocks_actor *who,
                 int64_t now, struct buf *err)
{
    op_touch(OP_WAKE_CLOCKS); /* a due instant is new or moved: the sweep looks again */
    struct clock_row c;
    int rc = load_open(db, a, id, &c, err);
    if (rc < 0)
        return rc;
    const struct deadline_kind *k = deadline_kind(c.kind);
    if (!k || !k->pausable) {
        buf_printf(err, "a %s clock cannot be paused, only extended on record", c.kind);
        return CLOCKS_ERR_KIND;
    }
    if (!strcmp(c.state, "paused")) {
        buf_printf(err, "this clock is already paused");
        return CLOCKS_ERR_STATE;
    }
    if (c.due_at && c.due_at <= now) {
        buf_printf(err, "this clock is already due: it can no longer be paused");
        return CLOCKS_ERR_STATE;
    }
    if ((rc = store_clock_pause_add(db, id, now, who && who->reason ? who->reason : "",
                                    who ? who->user_id : 0)) < 0)
        return rc;
    bool moved;
    return recompute(db, a, &c, now, "clock.pause", who, &moved, err);
}

int clocks_resume(struct db *db, struct arena *a, int64_t id, const struct clocks_actor *who,
                  int64_t now, struct buf *err)
{
    op_touch(OP_WAKE_CLOCKS); /* a due instant is new or moved: the sweep looks again */
    struct clock_row c;
    int rc = load_open(db, a, id, &c, err);
    if (rc < 0)
        return rc;
    if (strcmp(c.state, "paused")) {
        buf_printf(err, "this clock is not paused");
        return CLOCKS_ERR_STATE;
    }
    if ((rc = store_clock_pause_end(db, id, now)) < 0)
        return rc;
    bool moved;
    return recompute(db, a, &c, now, "clock.resume", who, &moved, err);
}

int clocks_extend(struct db *db, struct arena *a, int64_t id, int64_t days,
                  const struct clocks_actor *who, int64_t now, struct buf *err)
{
    op_touch(OP_WAKE_CLOCKS); /* a due instant is new or moved: the sweep looks again */
    struct clock_row c;
    int rc = load_open(db, a, id, &c, err);
    if (rc < 0)
        return rc;
    const struct deadline_kind *k = deadline_kind(c.kind);
    if (!k || !k->extendable) {
        buf_printf(err, "a %s clock cannot be extended%s", c.kind,
                   k && k->pausable ? ": pause it instead" : "");
        return CLOCKS_ERR_KIND;
    }
    if (days < 1 || days > 365) {
        buf_printf(err, "an extension is 1 to 365 days");
        return CLOCKS_ERR_RULE;
    }
    if ((rc = store_clock_extend(db, id, days, who && who->reason ? who->reason : "",
                                 who ? who->user_id : 0, now)) < 0)
        return rc;
    c.extension_days += days;
    bool moved;
    return recompute(db, a, &c, now, "clock.extend", who, &moved, err);
}

int clocks_close(struct db *db, struct arena *a, int64_t id, const char *state,
                 const struct clocks_actor *who, int64_t at)
{
    op_touch(OP_WAKE_CLOCKS); /* a due instant is new or moved: the sweep looks again */
    struct clock_row c;
    int rc = store_clock_get(db, a, id, &c);
    if (rc < 0)
        return rc;
    bool closed;
    if ((rc = store_clock_close(db, id, state, at, &closed)) < 0 || !closed)
        return rc;
    return clock_event(db, a, &c, !strcmp(state, "met") ? "clock.met" : "clock.cancel", who, at,
                       json_pack("{s:s, s:o}", "state", c.state, "due_at", json_instant(c.due_at)),
                       json_pack("{s:s, s:o}", "state", state, "at", json_instant(at)));
}

struct recompute_ctx {
    struct clock_row *rows;
    size_t n, cap;
    struct arena *a;
};

static int gather(const struct clock_row *c, void *arg)
{
    struct recompute_ctx *x = arg;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 32;
        struct clock_row *bigger = arena_alloc(x->a, cap * sizeof *bigger);
        if (x->n)
            memcpy(bigger, x->rows, x->n * sizeof *bigger);
        x->rows = bigger;
        x->cap = cap;
    }
    x->rows[x->n++] = *c;
    return 0;
}

static int recompute_all(struct db *db, struct arena *a, struct recompute_ctx *x, int64_t now,
                         const struct clocks_actor *who, int64_t *n_moved, struct buf *err)
{
    int rc = 0;
    *n_moved = 0;
    for (size_t i = 0; rc == 0 && i < x->n; i++) {
        bool moved = false;
        rc = recompute(db, a, &x->rows[i], now, "clock.recomputed", who, &moved, err);
        if (rc < 0)
            buf_printf(err, " (clock %lld, %s of %s)", (long long)x->rows[i].id, x->rows[i].kind,
                       x->rows[i].subject);
        if (moved)
            (*n_moved)++;
    }
    return rc;
}

static int gather_open_of_partner(const struct clock_row *c, void *arg)
{
    if (!strcmp(c->state, "running") || !strcmp(c->state, "paused"))
        return gather(c, arg);
    return 0;
}

int clocks_move_partner(struct db *db, struct arena *a, int64_t partner_id, int64_t calendar_id,
                        int64_t now, const struct clocks_actor *who, int64_t *n_moved,
                        struct buf *err)
{
    op_touch(OP_WAKE_CLOCKS); /* a due instant is new or moved: the sweep looks again */
    struct recompute_ctx x = {NULL, 0, 0, a};
    int rc = store_clock_move_calendar(db, partner_id, calendar_id);
    if (rc == 0)
        rc = store_clock_each_of_partner(db, a, partner_id, gather_open_of_partner, &x);
    return rc < 0 ? rc : recompute_all(db, a, &x, now, who, n_moved, err);
}

int clocks_recompute_calendar(struct db *db, struct arena *a, int64_t calendar_id, int64_t now,
                              const struct clocks_actor *who, int64_t *n_moved, struct buf *err)
{
    op_touch(OP_WAKE_CLOCKS); /* a due instant is new or moved: the sweep looks again */
    struct recompute_ctx x = {NULL, 0, 0, a};
    int rc = store_clock_each_open_on_calendar(db, a, calendar_id, gather, &x);
    return rc < 0 ? rc : recompute_all(db, a, &x, now, who, n_moved, err);
}

int clocks_refuse(struct op *o, int rc, const struct buf *err)
{
    const char *m = buf_str(err);
    switch (rc) {
    case CLOCKS_ERR_STATE:
        return op_refuse(o, OP_CONFLICT, "clock_state", "%s", m);
    case CLOCKS_ERR_KIND:
        return op_refuse(o, OP_INVALID, "clock_kind", "%s", m);
    case CLOCKS_ERR_RULE:
        return op_refuse(o, OP_INVALID,
                         !strncmp(m, "calendar_coverage", 17) ? "calendar_coverage"
                         : !strncmp(m, "no_working_time", 15) ? "no_working_time"
                                                              : "invalid_clock",
                         "%s", m);
    }
    return op_failed(o, rc);
}

/* ---- the operations people call ---- */

json_t *clocks_json(const struct clock_row *c)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:o, s:s, s:s, s:o, s:I, s:o, s:s}", "id",
                          (json_int_t)c->id, "kind", c->kind, "subject", c->subject, "started_at",
                          app_json_time(c->started_at), "due_at", app_json_time(c->due_at), "state",
                          c->state, "time_zone", c->time_zone, "calendar",
                          c->calendar_id ? json_integer(c->calendar_id) : json_null(),
                          "extension_days", (json_int_t)c->extension_days, "closed_at",
                          app_json_time(c->closed_at), "tzdata", c->tzdata);
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

static int add_clock_view(const struct clock_row *c, void *ctx)
{
    json_array_append_new(ctx, clocks_json(c));
    return 0;
}

int clocks_of_partner(struct op *o, int64_t partner_id, json_t **out)
{
    *out = NULL;
    int rc = op_allow_partner(o, ACT_PARTNER_CLOCKS, partner_id, NULL);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    rc = store_clock_each_of_partner(o->db, o->a, partner_id, add_clock_view, list);
    if (rc < 0) {
        json_decref(list);
        return op_failed(o, rc);
    }
    *out = json_pack("{s:o}", "clocks", list);
    return 0;
}

/*
 * Ends the transaction of an operation that changed clock id (rc: how it
 * went, a piece's error explained by err) and, when it committed, hands back
 * the clock's view as it is now.
 */
static int end_with_view(struct op *o, int rc, int64_t id, struct buf *err, json_t **out)
{
    struct clock_row c = {0};
    if (rc == 0)
        rc = store_clock_get(o->db, o->a, id, &c);
    if (rc < 0 && rc != OP_REFUSED)
        rc = clocks_refuse(o, rc, err);
    buf_free(err);
    rc = op_end(o, rc);
    if (rc == 0)
        *out = clocks_json(&c);
    return rc;
}

int clocks_start_test(struct op *o, int64_t partner_id, const char *kind, const char *subject,
                      int64_t started_at, json_t **out)
{
    *out = NULL;
    int rc = op_allow_partner(o, ACT_TEST_HOOK, partner_id, NULL);
    if (rc < 0)
        return rc;
    if (!now_is_test())
        return op_refuse(
            o, OP_NOT_ALLOWED, "test_clock_only",
            "clocks start with the lifecycle; this test hook needs serve --test-clock");
    if ((rc = op_begin(o)) < 0)
        return rc;
    struct buf err = {0};
    struct clocks_actor who = {o->who.user_id, "test hook"};
    int64_t id = 0;
    rc = clocks_start(o->db, o->a, partner_id, kind, subject, started_at, 0, NULL, &who, o->now,
                      &id, &err);
    return end_with_view(o, rc, id, &err, out);
}

enum change { CHANGE_PAUSE, CHANGE_RESUME, CHANGE_EXTEND };

/* Checks who acts on clock id and changes it, in a transaction of its own. */
static int change(struct op *o, enum change what, int64_t id, int64_t days, const char *reason,
                  json_t **out)
{
    *out = NULL;
    char id_text[24];
    snprintf(id_text, sizeof id_text, "%lld", (long long)id);
    struct scoped sc;
    int rc = op_allow(o, what == CHANGE_EXTEND ? ACT_CLOCK_EXTEND : ACT_CLOCK_PAUSE, SCOPE_CLOCK,
                      id_text, &sc);
    if (rc < 0)
        return rc;
    if (what == CHANGE_PAUSE && (!reason || !*reason))
        return op_invalid(o, "reason", "say why the clock is paused (for example: waiting on us)");
    if (what == CHANGE_EXTEND && (!reason || !*reason))
        return op_invalid(o, "reason", "an extension needs a reason on record");
    if ((rc = op_begin(o)) < 0)
        return rc;
    struct buf err = {0};
    struct clocks_actor who = {o->who.user_id, reason};
    struct clock_row before, after;
    rc = store_clock_get(o->db, o->a, id, &before);
    if (rc == 0 && what == CHANGE_PAUSE)
        rc = clocks_pause(o->db, o->a, id, &who, o->now, &err);
    else if (rc == 0 && what == CHANGE_RESUME)
        rc = clocks_resume(o->db, o->a, id, &who, o->now, &err);
    else if (rc == 0)
        rc = clocks_extend(o->db, o->a, id, days, &who, o->now, &err);
    if (rc == 0 && what != CHANGE_EXTEND && sc.have_partner) {
        /* the partner hears which item, why, and the deadline before or after (clock_news.h) */
        json_t *told = json_array();
        if (what == CHANGE_PAUSE)
            clock_news_add(o, &sc.partner, &before, before.due_at, told);
        else if ((rc = store_clock_get(o->db, o->a, id, &after)) == 0)
            clock_news_add(o, &sc.partner, &after, after.due_at, told);
        if (rc == 0)
            rc = clock_news_send(o, &sc.partner, before.subject, told,
                                 what == CHANGE_PAUSE ? reason : NULL);
        json_decref(told);
    }
    return end_with_view(o, rc, id, &err, out);
}

int clocks_op_pause(struct op *o, int64_t clock_id, const char *reason, json_t **out)
{
    return change(o, CHANGE_PAUSE, clock_id, 0, reason, out);
}

int clocks_op_resume(struct op *o, int64_t clock_id, json_t **out)
{
    return change(o, CHANGE_RESUME, clock_id, 0, NULL, out);
}

int clocks_op_extend(struct op *o, int64_t clock_id, int64_t days, const char *reason, json_t **out)
{
    return change(o, CHANGE_EXTEND, clock_id, days, reason, out);
}
