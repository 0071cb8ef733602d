/*
 * Business calendars and their holidays: see store.h. A calendar's holidays
 * are rewritten whole on every edit (they are few: tens a year), inside the
 * caller's transaction, and the calendar's version goes up by one so that
 * clocks can tell which version they were computed on.
 */
#include "store/store.h"

#include <stdlib.h>

#include "store/db.h"

static int err_of(int rc)
{
    return rc == DB_ERR_CONSTRAINT ? STORE_ERR_CONFLICT : rc < 0 ? STORE_ERR : STORE_OK;
}

static int holidays_write(struct db *db, const struct calendar_row *c)
{
    if (db_run(db, "DELETE FROM calendar_holidays WHERE calendar_id = ?", "i", c->id) < 0)
        return STORE_ERR;
    for (size_t i = 0; i < c->n_holidays; i++) {
        int rc = db_run(db,
                        "INSERT INTO calendar_holidays(calendar_id, day, name) VALUES (?, ?, ?)"
                        " ON CONFLICT (calendar_id, day) DO NOTHING",
                        "iis", c->id, c->holidays[i].day,
                        c->holidays[i].name ? c->holidays[i].name : "");
        if (rc < 0)
            return err_of(rc);
    }
    return STORE_OK;
}

int store_calendar_add(struct db *db, const struct calendar_row *c, int64_t *id)
{
    int rc = db_run_id(db, id,
                       "INSERT INTO calendars(name, time_zone, working_days, first_year, last_year,"
                       " version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)"
                       " RETURNING id",
                       "ssiiiii", c->name, c->time_zone, (int64_t)c->working_days,
                       (int64_t)c->first_year, (int64_t)c->last_year, c->created_at, c->created_at);
    if (rc < 0)
        return err_of(rc);
    struct calendar_row with_id = *c;
    with_id.id = *id;
    return holidays_write(db, &with_id);
}

int store_calendar_update(struct db *db, const struct calendar_row *c, int64_t now)
{
    int rc = db_run(db,
                    "UPDATE calendars SET name = ?, time_zone = ?, working_days = ?,"
                    " first_year = ?, last_year = ?, version = version + 1, updated_at = ?"
                    " WHERE id = ?",
                    "ssiiiii", c->name, c->time_zone, (int64_t)c->working_days,
                    (int64_t)c->first_year, (int64_t)c->last_year, now, c->id);
    if (rc < 0)
        return err_of(rc);
    if (db_changes(db) == 0)
        return STORE_ERR_NOT_FOUND;
    return holidays_write(db, c);
}

static void calendar_read(struct db_stmt *st, struct arena *a, struct calendar_row *c)
{
    c->id = db_int(st, 0);
    c->name = arena_strdup(a, db_text(st, 1));
    c->time_zone = arena_strdup(a, db_text(st, 2));
    c->working_days = (unsigned)db_int(st, 3);
    c->first_year = (int)db_int(st, 4);
    c->last_year = (int)db_int(st, 5);
    c->version = db_int(st, 6);
    c->created_at = db_int(st, 7);
    c->updated_at = db_int(st, 8);
    c->holidays = NULL;
    c->n_holidays = 0;
}

#define CALENDAR_COLS                                                                              \
    "id, name, time_zone, working_days, first_year, last_year, version, created_at, updated_at"

static int holidays_read(struct db *db, struct arena *a, struct calendar_row *c)
{
    struct db_stmt *st =
        db_query(db, "SELECT COUNT(*) FROM calendar_holidays WHERE calendar_id = ?", "i", c->id);
    int rc = db_step(st);
    size_t n = rc == DB_ROW ? (size_t)db_int(st, 0) : 0;
    db_done(st);
    if (rc < 0)
        return STORE_ERR;
    c->holidays = arena_alloc(a, (n ? n : 1) * sizeof *c->holidays);
    st = db_query(db, "SELECT day, name FROM calendar_holidays WHERE calendar_id = ? ORDER BY day",
                  "i", c->id);
    size_t i = 0;
    while ((rc = db_step(st)) == DB_ROW && i < n) {
        c->holidays[i].day = db_int(st, 0);
        c->holidays[i].name = arena_strdup(a, db_text(st, 1));
        i++;
    }
    db_done(st);
    c->n_holidays = i;
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_calendar_get(struct db *db, struct arena *a, int64_t id, struct calendar_row *out)
{
    struct db_stmt *st =
        db_query(db, "SELECT " CALENDAR_COLS " FROM calendars WHERE id = ?", "i", id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        calendar_read(st, a, out);
    db_done(st);
    if (rc != DB_ROW)
        return rc == DB_DONE ? STORE_ERR_NOT_FOUND : STORE_ERR;
    return holidays_read(db, a, out);
}

int store_calendar_each(struct db *db, struct arena *a,
                        int (*fn)(const struct calendar_row *, void *), void *ctx)
{
    /* Ids first, then each calendar whole: holidays need their own queries. */
    struct db_stmt *st = db_query(db, "SELECT id FROM calendars ORDER BY id", "");
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            ids = xrealloc(ids, cap * sizeof *ids);
        }
        ids[n++] = db_int(st, 0);
    }
    db_done(st);
    int out = rc < 0 ? STORE_ERR : STORE_OK;
    for (size_t i = 0; out == STORE_OK && i < n; i++) {
        struct calendar_row c;
        out = store_calendar_get(db, a, ids[i], &c);
        if (out == STORE_OK && fn(&c, ctx))
            break;
    }
    free(ids);
    return out;
}
