/*
 * The engine dispatch of db.h.
 *
 * db_open() picks the engine from the URL's scheme; from then on every call
 * goes through the ops table that the engine put at the head of its struct
 * db (and of each struct db_stmt), see db_engine.h. One indirect call per
 * db_* call is nothing next to a query, and it keeps the store modules and
 * the engines ignorant of each other. What does not depend on the engine
 * lives here once: turning varargs into a va_list, and db_run/db_run_id,
 * which are db_query + db_step + db_done.
 */
#include "store/db.h"

#include <stdarg.h>
#include <string.h>

#include "store/db_engine.h"

static const struct db_ops *ops_of(const struct db *db)
{
    return ((const struct db_head *)db)->ops;
}

static const struct db_ops *stmt_ops(const struct db_stmt *st)
{
    return ((const struct db_head *)st)->ops;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * "postgresql://..." and "postgres://..." open PostgreSQL with the whole URL
 * handed to libpq; anything else is SQLite: "sqlite:PATH", a bare path, or
 * NULL, which SQLite itself takes as a private temporary database.
 */
int db_open(const char *url, struct db **out, char **err)
{
    *out = NULL;
    if (url && (has_prefix(url, "postgresql://") || has_prefix(url, "postgres://")))
        return db_pg_ops.open(url, out, err);
    if (url && has_prefix(url, "sqlite:"))
        url += 7;
    return db_sqlite_ops.open(url, out, err);
}

void db_close(struct db *db)
{
    if (db)
        ops_of(db)->close(db);
}

enum db_engine db_engine(const struct db *db)
{
    return ops_of(db)->engine;
}

const char *db_errmsg(struct db *db)
{
    return ops_of(db)->errmsg(db);
}

int db_exec(struct db *db, const char *sql)
{
    return ops_of(db)->exec(db, sql);
}

struct db_stmt *db_query(struct db *db, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct db_stmt *st = ops_of(db)->query(db, sql, types, ap);
    va_end(ap);
    return st;
}

int db_step(struct db_stmt *st)
{
    return stmt_ops(st)->step(st);
}

void db_done(struct db_stmt *st)
{
    stmt_ops(st)->done(st);
}

int db_run(struct db *db, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct db_stmt *st = ops_of(db)->query(db, sql, types, ap);
    va_end(ap);
    int rc;
    while ((rc = db_step(st)) == DB_ROW)
        ;
    db_done(st);
    return rc;
}

int db_run_id(struct db *db, int64_t *id, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct db_stmt *st = ops_of(db)->query(db, sql, types, ap);
    va_end(ap);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *id = db_int(st, 0);
        while ((rc = db_step(st)) == DB_ROW)
            ;
    } else if (rc == DB_DONE) {
        rc = DB_ERR; /* the statement promised a row */
    }
    db_done(st);
    return rc;
}

int db_query_int(struct db *db, int64_t *out, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct db_stmt *st = ops_of(db)->query(db, sql, types, ap);
    va_end(ap);
    int rc = db_step(st);
    *out = rc == DB_ROW ? db_int(st, 0) : 0;
    db_done(st);
    return rc;
}

int64_t db_changes(struct db *db)
{
    return ops_of(db)->changes(db);
}

int64_t db_int(struct db_stmt *st, int col)
{
    return stmt_ops(st)->col_int(st, col);
}

const char *db_text(struct db_stmt *st, int col)
{
    return stmt_ops(st)->col_text(st, col);
}

bool db_null(struct db_stmt *st, int col)
{
    return stmt_ops(st)->col_null(st, col);
}

int db_begin(struct db *db)
{
    return ops_of(db)->begin(db);
}

int db_commit(struct db *db)
{
    return ops_of(db)->commit(db);
}

void db_rollback(struct db *db)
{
    ops_of(db)->rollback(db);
}

void db_finish_all(struct db *db)
{
    ops_of(db)->finish_all(db);
}

void db_share_reads(struct db *db)
{
    if (ops_of(db)->share_reads)
        ops_of(db)->share_reads(db);
}
