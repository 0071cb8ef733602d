/*
 * Alternate-solution cases: see alternate_store.h. A state change is one
 * conditional UPDATE, so two staff users answering at once move a case
 * once: the second finds no row in the state it expects.
 */
#include "store/alternate_store.h"

#include "store/db.h"

#define ALT_COLS                                                                                   \
    "a.id, a.partner_id, a.reason, a.by_user, u.email, a.at, a.state, a.clock_id,"                \
    " a.acknowledged_at, a.acknowledged_by, a.resolved_at, a.resolved_by, a.outcome, a.note"
#define ALT_FROM " FROM alternate_requests a LEFT JOIN users u ON u.id = a.by_user"

static int64_t int_or_0(struct db_stmt *st, int col)
{
    return db_null(st, col) ? 0 : db_int(st, col);
}

static char *text_or_null(struct arena *a, struct db_stmt *st, int col)
{
    return db_null(st, col) ? NULL : arena_strdup(a, db_text(st, col));
}

static void read_row(struct arena *a, struct db_stmt *st, struct alternate_row *r)
{
    r->id = db_int(st, 0);
    r->partner_id = db_int(st, 1);
    r->reason = arena_strdup(a, db_text(st, 2));
    r->by_user = int_or_0(st, 3);
    r->by_email = text_or_null(a, st, 4);
    r->at = db_int(st, 5);
    r->state = arena_strdup(a, db_text(st, 6));
    r->clock_id = int_or_0(st, 7);
    r->acknowledged_at = int_or_0(st, 8);
    r->acknowledged_by = int_or_0(st, 9);
    r->resolved_at = int_or_0(st, 10);
    r->resolved_by = int_or_0(st, 11);
    r->outcome = text_or_null(a, st, 12);
    r->note = text_or_null(a, st, 13);
}

int store_alternate_get(struct db *db, struct arena *a, int64_t id, struct alternate_row *out)
{
    struct db_stmt *st = db_query(db, "SELECT " ALT_COLS ALT_FROM " WHERE a.id = ?", "i", id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        read_row(a, st, out);
    db_done(st);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_ERR_NOT_FOUND : STORE_ERR;
}

int store_alternate_each(struct db *db, struct arena *a, int64_t partner_id,
                         int (*fn)(const struct alternate_row *, void *), void *ctx)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT " ALT_COLS ALT_FROM
                                  " WHERE (? = 0 OR a.partner_id = ?) ORDER BY a.id DESC",
                                  "ii", partner_id, partner_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct alternate_row r;
        read_row(a, st, &r);
        if (fn(&r, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

/* An UPDATE expected to touch one row: STORE_ERR_NOT_FOUND when it touched none. */
static int one_row(struct db *db, int rc)
{
    if (rc < 0)
        return STORE_ERR;
    return db_changes(db) ? STORE_OK : STORE_ERR_NOT_FOUND;
}

int store_alternate_set_clock(struct db *db, int64_t id, int64_t clock_id)
{
    return one_row(db, db_run(db, "UPDATE alternate_requests SET clock_id = ? WHERE id = ?", "ii",
                              clock_id, id));
}

int store_alternate_acknowledge(struct db *db, int64_t id, int64_t by_user, int64_t at,
                                const char *note)
{
    return one_row(db, db_run(db,
                              "UPDATE alternate_requests SET state = 'acknowledged',"
                              " acknowledged_at = ?, acknowledged_by = ?, note = ?"
                              " WHERE id = ? AND state = 'open'",
                              "iIsi", at, by_user, note, id));
}

int store_alternate_resolve(struct db *db, int64_t id, int64_t by_user, int64_t at,
                            const char *outcome)
{
    return one_row(db, db_run(db,
                              "UPDATE alternate_requests SET state = 'resolved', resolved_at = ?,"
                              " resolved_by = ?, outcome = ?"
                              " WHERE id = ? AND state IN ('open', 'acknowledged')",
                              "iIsi", at, by_user, outcome, id));
}
