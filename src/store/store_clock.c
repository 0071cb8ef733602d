/*
 * Clocks: see store.h. The (state, due_at, id) index is what keeps finding
 * due clocks proportional to the due ones: the sweep reads a range of it,
 * never the whole table. A breach is claimed with a conditional UPDATE
 * (state still running, due by now): of any number of sweeps racing, in
 * threads or processes, exactly one sees a changed row.
 */
#include "store/store.h"

#include <string.h>

#include "store/db.h"

#define CLOCK_COLS                                                                                 \
    "id, partner_id, kind, subject, calendar_id, calendar_version, time_zone, started_at,"         \
    " fixed_due, extension_days, due_at, state, closed_at, label, tzdata, created_at"

static int err_of(int rc)
{
    return rc == DB_ERR_CONSTRAINT ? STORE_ERR_CONFLICT : rc < 0 ? STORE_ERR : STORE_OK;
}

static int64_t int_or_0(struct db_stmt *st, int col)
{
    return db_null(st, col) ? 0 : db_int(st, col);
}

static void clock_read(struct db_stmt *st, struct arena *a, struct clock_row *c)
{
    c->id = db_int(st, 0);
    c->partner_id = int_or_0(st, 1);
    c->kind = arena_strdup(a, db_text(st, 2));
    c->subject = arena_strdup(a, db_text(st, 3));
    c->calendar_id = int_or_0(st, 4);
    c->calendar_version = db_int(st, 5);
    c->time_zone = arena_strdup(a, db_text(st, 6));
    c->started_at = db_int(st, 7);
    c->fixed_due = int_or_0(st, 8);
    c->extension_days = db_int(st, 9);
    c->due_at = int_or_0(st, 10);
    c->state = arena_strdup(a, db_text(st, 11));
    c->closed_at = int_or_0(st, 12);
    c->label = arena_strdup(a, db_text(st, 13));
    c->tzdata = arena_strdup(a, db_text(st, 14));
    c->created_at = db_int(st, 15);
}

int store_clock_add(struct db *db, const struct clock_row *c, int64_t *id)
{
    return err_of(db_run_id(db, id,
                            "INSERT INTO clocks(partner_id, kind, subject, calendar_id,"
                            " calendar_version, time_zone, started_at, fixed_due, extension_days,"
                            " due_at, state, label, tzdata, created_at)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                            "IssIisiIiIsssi", c->partner_id, c->kind, c->subject, c->calendar_id,
                            c->calendar_version, c->time_zone, c->started_at, c->fixed_due,
                            c->extension_days, c->due_at, c->state, c->label, c->tzdata,
                            c->created_at));
}

int store_clock_get(struct db *db, struct arena *a, int64_t id, struct clock_row *out)
{
    struct db_stmt *st = db_query(db, "SELECT " CLOCK_COLS " FROM clocks WHERE id = ?", "i", id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        clock_read(st, a, out);
    db_done(st);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_ERR_NOT_FOUND : STORE_ERR;
}

static int each(struct db_stmt *st, struct arena *a, int (*fn)(const struct clock_row *, void *),
                void *ctx)
{
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct clock_row c;
        clock_read(st, a, &c);
        if (fn(&c, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_clock_each_of_partner(struct db *db, struct arena *a, int64_t partner_id,
                                int (*fn)(const struct clock_row *, void *), void *ctx)
{
    return each(db_query(db, "SELECT " CLOCK_COLS " FROM clocks WHERE partner_id = ? ORDER BY id",
                         "i", partner_id),
                a, fn, ctx);
}

int store_clock_each_open_of_subject(struct db *db, struct arena *a, const char *subject,
                                     const char *kind, int (*fn)(const struct clock_row *, void *),
                                     void *ctx)
{
    return each(db_query(db,
                         "SELECT " CLOCK_COLS " FROM clocks WHERE subject = ?"
                         " AND (? IS NULL OR kind = ?) AND state IN ('running', 'paused')"
                         " ORDER BY id",
                         "sss", subject, kind, kind),
                a, fn, ctx);
}

int store_clock_each_open(struct db *db, struct arena *a, int64_t partner_id, int limit,
                          int (*fn)(const struct clock_row *, void *), void *ctx)
{
    return each(db_query(db,
                         "SELECT " CLOCK_COLS " FROM clocks WHERE state = 'running'"
                         " AND (? = 0 OR partner_id = ?) ORDER BY due_at, id LIMIT ?",
                         "iii", partner_id, partner_id, (int64_t)limit),
                a, fn, ctx);
}

int store_clock_move_calendar(struct db *db, int64_t partner_id, int64_t calendar_id)
{
    return err_of(db_run(db,
                         "UPDATE clocks SET calendar_id = ? WHERE partner_id = ?"
                         " AND state IN ('running', 'paused')",
                         "Ii", calendar_id, partner_id));
}

int store_clock_each_open_on_calendar(struct db *db, struct arena *a, int64_t calendar_id,
                                      int (*fn)(const struct clock_row *, void *), void *ctx)
{
    return each(db_query(db,
                         "SELECT " CLOCK_COLS " FROM clocks WHERE calendar_id = ?"
                         " AND state IN ('running', 'paused') ORDER BY id",
                         "i", calendar_id),
                a, fn, ctx);
}

int store_clock_due_ids(struct db *db, int64_t now, int64_t *out, int max, int *n)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT id FROM clocks WHERE state = 'running' AND due_at <= ?"
                                  " ORDER BY due_at, id LIMIT ?",
                                  "ii", now, (int64_t)max);
    int rc;
    *n = 0;
    while ((rc = db_step(st)) == DB_ROW && *n < max)
        out[(*n)++] = db_int(st, 0);
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_clock_claim_breach(struct db *db, int64_t id, int64_t now, bool *claimed)
{
    int rc = db_run(db,
                    "UPDATE clocks SET state = 'breached', closed_at = due_at"
                    " WHERE id = ? AND state = 'running' AND due_at <= ?",
                    "ii", id, now);
    *claimed = rc >= 0 && db_changes(db) == 1;
    return err_of(rc);
}

int store_clock_soon_ids(struct db *db, int64_t after, int64_t until, int64_t *out, int max, int *n)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT id FROM clocks WHERE state = 'running' AND due_at > ?"
                                  " AND due_at <= ? AND soon_sent = 0 ORDER BY due_at, id LIMIT ?",
                                  "iii", after, until, (int64_t)max);
    int rc;
    *n = 0;
    while ((rc = db_step(st)) == DB_ROW && *n < max)
        out[(*n)++] = db_int(st, 0);
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_clock_claim_soon(struct db *db, int64_t id, bool *claimed)
{
    int rc = db_run(db, "UPDATE clocks SET soon_sent = 1 WHERE id = ? AND soon_sent = 0", "i", id);
    *claimed = rc >= 0 && db_changes(db) == 1;
    return err_of(rc);
}

int store_clock_next_soon(struct db *db, int64_t after, int64_t *due)
{
    int rc = db_query_int(db, due,
                          "SELECT due_at FROM clocks WHERE state = 'running' AND due_at > ?"
                          " AND soon_sent = 0 ORDER BY due_at LIMIT 1",
                          "i", after);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_clock_next_due(struct db *db, int64_t *due)
{
    int rc = db_query_int(db, due,
                          "SELECT due_at FROM clocks WHERE state = 'running'"
                          " ORDER BY due_at LIMIT 1",
                          "");
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_clock_set_due(struct db *db, int64_t id, int64_t due_at, const char *state,
                        int64_t calendar_version)
{
    return err_of(db_run(db,
                         "UPDATE clocks SET soon_sent = CASE WHEN due_at = ? THEN soon_sent"
                         " ELSE 0 END, due_at = ?, state = ?, calendar_version = ?"
                         " WHERE id = ? AND state IN ('running', 'paused')",
                         "IIsii", due_at, due_at, state, calendar_version, id));
}

int store_clock_close(struct db *db, int64_t id, const char *state, int64_t at, bool *closed)
{
    int rc = db_run(db,
                    "UPDATE clocks SET state = ?, closed_at = ?"
                    " WHERE id = ? AND state IN ('running', 'paused')",
                    "sii", state, at, id);
    *closed = rc >= 0 && db_changes(db) == 1;
    return err_of(rc);
}

int store_clock_extend(struct db *db, int64_t id, int64_t days, const char *reason, int64_t by_user,
                       int64_t at)
{
    int rc = db_run(db, "UPDATE clocks SET extension_days = extension_days + ? WHERE id = ?", "ii",
                    days, id);
    if (rc < 0)
        return STORE_ERR;
    return err_of(db_run(db,
                         "INSERT INTO clock_extensions(clock_id, days, reason, by_user, at)"
                         " VALUES (?, ?, ?, ?, ?)",
                         "iisIi", id, days, reason, by_user, at));
}

int store_clock_pause_add(struct db *db, int64_t id, int64_t from_at, const char *reason,
                          int64_t by_user)
{
    return err_of(db_run(db,
                         "INSERT INTO clock_pauses(clock_id, from_at, reason, by_user)"
                         " VALUES (?, ?, ?, ?)",
                         "iisI", id, from_at, reason, by_user));
}

int store_clock_pause_end(struct db *db, int64_t id, int64_t to_at)
{
    return err_of(db_run(db,
                         "UPDATE clock_pauses SET to_at = ? WHERE clock_id = ? AND to_at IS NULL",
                         "ii", to_at, id));
}

int store_clock_pauses(struct db *db, struct arena *a, int64_t id, struct clock_pause_row **out,
                       size_t *n)
{
    size_t cap = 8;
    *out = arena_alloc(a, cap * sizeof **out);
    *n = 0;
    struct db_stmt *st = db_query(db,
                                  "SELECT id, from_at, to_at, reason FROM clock_pauses"
                                  " WHERE clock_id = ? ORDER BY from_at, id",
                                  "i", id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (*n == cap) {
            struct clock_pause_row *bigger = arena_alloc(a, cap * 2 * sizeof *bigger);
            memcpy(bigger, *out, cap * sizeof *bigger);
            *out = bigger;
            cap *= 2;
        }
        struct clock_pause_row *p = &(*out)[(*n)++];
        p->id = db_int(st, 0);
        p->from_at = db_int(st, 1);
        p->to_at = int_or_0(st, 2);
        p->reason = arena_strdup(a, db_text(st, 3));
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int64_t store_clock_count(struct db *db, const char *state)
{
    int64_t n = 0;
    struct db_stmt *st = db_query(db, "SELECT COUNT(*) FROM clocks WHERE state = ?", "s", state);
    if (db_step(st) == DB_ROW)
        n = db_int(st, 0);
    db_done(st);
    return n;
}
