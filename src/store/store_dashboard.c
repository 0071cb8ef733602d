/*
 * The staff dashboard's reads: see dashboard_store.h. Every list here has a
 * LIMIT and walks an index in the order it answers, so its cost follows the
 * rows shown, not the rows stored; the counts beside the lists are index
 * range counts (clocks_due) or one GROUP BY (partners_stage). The lists read
 * newest-first from their own table join their partner with LEFT JOIN (every
 * row has one): SQLite keeps the order of a left join, so it walks the list's
 * table backwards and stops at the LIMIT instead of starting from partners.
 * bench/dashboard.sh prints the plans.
 */
#include "store/dashboard_store.h"

#include "store/db.h"

static int64_t int_or_0(struct db_stmt *st, int col)
{
    return db_null(st, col) ? 0 : db_int(st, col);
}

int store_dash_stage_counts(struct db *db, int (*fn)(const char *stage, int64_t n, void *),
                            void *ctx)
{
    struct db_stmt *st = db_query(db, "SELECT stage, COUNT(*) FROM partners GROUP BY stage", "");
    int rc;
    while ((rc = db_step(st)) == DB_ROW)
        if (fn(db_text(st, 0), db_int(st, 1), ctx))
            break;
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

/* A count query of one integer. */
static int count_of(struct db_stmt *st, int64_t *n)
{
    int rc = db_step(st);
    *n = rc == DB_ROW ? db_int(st, 0) : 0;
    db_done(st);
    return rc == DB_ROW ? STORE_OK : STORE_ERR;
}

#define DASH_CLOCK_COLS                                                                            \
    "c.id, c.kind, c.subject, c.state, c.label, c.started_at, c.due_at, c.partner_id, p.name,"     \
    " COALESCE(p.time_zone, c.time_zone)"

static int each_clock(struct db_stmt *st, struct arena *a,
                      int (*fn)(const struct dash_clock *, void *), void *ctx)
{
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct dash_clock c = {
            .id = db_int(st, 0),
            .kind = arena_strdup(a, db_text(st, 1)),
            .subject = arena_strdup(a, db_text(st, 2)),
            .state = arena_strdup(a, db_text(st, 3)),
            .label = arena_strdup(a, db_text(st, 4)),
            .started_at = db_int(st, 5),
            .due_at = int_or_0(st, 6),
            .partner_id = int_or_0(st, 7),
            .partner_name = arena_strdup(a, db_text(st, 8)),
            .time_zone = arena_strdup(a, db_text(st, 9)),
        };
        if (fn(&c, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

/* The clocks of the dashboard's two lists: where (on c) with one bound, in an order. */
#define DASH_CLOCK_COUNT(where) "SELECT COUNT(*) FROM clocks c WHERE " where
#define DASH_CLOCK_LIST(where, order)                                                              \
    "SELECT " DASH_CLOCK_COLS " FROM clocks c LEFT JOIN partners p ON p.id = c.partner_id"         \
    " WHERE " where " ORDER BY " order " LIMIT ?"
#define DASH_DUE      "c.state = 'running' AND c.due_at <= ?"
#define DASH_BREACHED "c.state = 'breached' AND c.due_at > ?"

/* *total of count_sql, then up to limit rows of list_sql to fn; both take bound. */
static int clock_list(struct db *db, struct arena *a, const char *count_sql, const char *list_sql,
                      int64_t bound, int limit, int64_t *total,
                      int (*fn)(const struct dash_clock *, void *), void *ctx)
{
    int rc = count_of(db_query(db, count_sql, "i", bound), total);
    if (rc < 0)
        return rc;
    return each_clock(db_query(db, list_sql, "ii", bound, (int64_t)limit), a, fn, ctx);
}

int store_dash_clocks_due(struct db *db, struct arena *a, int64_t until, int limit, int64_t *total,
                          int (*fn)(const struct dash_clock *, void *), void *ctx)
{
    return clock_list(db, a, DASH_CLOCK_COUNT(DASH_DUE),
                      DASH_CLOCK_LIST(DASH_DUE, "c.due_at, c.id"), until, limit, total, fn, ctx);
}

int store_dash_clocks_breached(struct db *db, struct arena *a, int64_t since, int limit,
                               int64_t *total, int (*fn)(const struct dash_clock *, void *),
                               void *ctx)
{
    return clock_list(db, a, DASH_CLOCK_COUNT(DASH_BREACHED),
                      DASH_CLOCK_LIST(DASH_BREACHED, "c.due_at DESC, c.id DESC"), since, limit,
                      total, fn, ctx);
}

int store_dash_warnings(struct db *db, struct arena *a, int limit,
                        int (*fn)(const struct dash_warning *, void *), void *ctx)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT w.id, w.number, w.issued_at, w.reason, w.request_id,"
                                  " q.title, w.partner_id, p.name, p.time_zone FROM warnings w"
                                  " LEFT JOIN partners p ON p.id = w.partner_id"
                                  " LEFT JOIN requests q ON q.id = w.request_id"
                                  " ORDER BY w.id DESC LIMIT ?",
                                  "i", (int64_t)limit);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct dash_warning w = {
            .id = db_int(st, 0),
            .number = db_int(st, 1),
            .issued_at = db_int(st, 2),
            .reason = arena_strdup(a, db_text(st, 3)),
            .request_id = int_or_0(st, 4),
            .request_title = arena_strdup(a, db_text(st, 5)),
            .partner_id = db_int(st, 6),
            .partner_name = arena_strdup(a, db_text(st, 7)),
            .time_zone = arena_strdup(a, db_text(st, 8)),
        };
        if (fn(&w, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_dash_decisions(struct db *db, struct arena *a, int limit, int64_t *total,
                         int (*fn)(const struct dash_decision *, void *), void *ctx)
{
    int rc = count_of(db_query(db,
                               "SELECT COUNT(*) FROM partners WHERE stage IN ('training',"
                               " 'escalated') AND decision_pending = 1",
                               ""),
                      total);
    if (rc < 0)
        return rc;
    struct db_stmt *st = db_query(db,
                                  "SELECT p.id, p.name, p.time_zone, p.stage, p.warnings,"
                                  " COALESCE(p.stage_at, p.created_at), u.email, u.name"
                                  " FROM partners p LEFT JOIN users u ON u.id = p.pim_id"
                                  " WHERE p.stage IN ('training', 'escalated')"
                                  " AND p.decision_pending = 1"
                                  " ORDER BY COALESCE(p.stage_at, p.created_at), p.id LIMIT ?",
                                  "i", (int64_t)limit);
    while ((rc = db_step(st)) == DB_ROW) {
        struct dash_decision d = {
            .partner_id = db_int(st, 0),
            .partner_name = arena_strdup(a, db_text(st, 1)),
            .time_zone = arena_strdup(a, db_text(st, 2)),
            .stage = arena_strdup(a, db_text(st, 3)),
            .warnings = db_int(st, 4),
            .stage_at = db_int(st, 5),
            .pim_email = arena_strdup(a, db_text(st, 6)),
            .pim_name = arena_strdup(a, db_text(st, 7)),
        };
        if (fn(&d, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_dash_alternates(struct db *db, struct arena *a, int limit, int64_t *total,
                          int (*fn)(const struct dash_alternate *, void *), void *ctx)
{
    int rc = count_of(
        db_query(db, "SELECT COUNT(*) FROM alternate_requests WHERE resolved_at IS NULL", ""),
        total);
    if (rc < 0)
        return rc;
    struct db_stmt *st = db_query(db,
                                  "SELECT a.id, a.reason, a.at, u.email, a.partner_id, p.name,"
                                  " p.time_zone, a.state FROM alternate_requests a"
                                  " LEFT JOIN partners p ON p.id = a.partner_id"
                                  " LEFT JOIN users u ON u.id = a.by_user"
                                  " WHERE a.resolved_at IS NULL ORDER BY a.id DESC LIMIT ?",
                                  "i", (int64_t)limit);
    while ((rc = db_step(st)) == DB_ROW) {
        struct dash_alternate x = {
            .id = db_int(st, 0),
            .reason = arena_strdup(a, db_text(st, 1)),
            .at = db_int(st, 2),
            .by_email = arena_strdup(a, db_text(st, 3)),
            .partner_id = db_int(st, 4),
            .partner_name = arena_strdup(a, db_text(st, 5)),
            .time_zone = arena_strdup(a, db_text(st, 6)),
            .state = arena_strdup(a, db_text(st, 7)),
        };
        if (fn(&x, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

char *store_dash_request_title(struct db *db, struct arena *a, int64_t id)
{
    struct db_stmt *st = db_query(db, "SELECT title FROM requests WHERE id = ?", "i", id);
    char *title = db_step(st) == DB_ROW ? arena_strdup(a, db_text(st, 0)) : NULL;
    db_done(st);
    return title;
}
