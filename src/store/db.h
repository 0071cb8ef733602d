/*
 * The database engine behind one small interface (store-internal).
 *
 * Store modules write portable SQL with `?` placeholders and run it through
 * these calls; the engine files (db_sqlite.c, db_pg.c, picked by db.c from the
 * URL) translate what differs. Statements are cached per connection, keyed by the address of
 * their SQL text, so the SQL passed to db_query() must be a string literal
 * or otherwise live for the whole program.
 *
 * Values are bound from a type string, one letter per `?`:
 *   'i' int64_t, 'I' int64_t id where 0 binds SQL NULL,
 *   's' const char * (NULL binds SQL NULL), 'b' int (0/1).
 * A query error on well-formed SQL (a constraint, a busy database) is
 * returned as a negative code; malformed SQL is a programming error and
 * aborts with the engine's message.
 */
#ifndef VG_DB_H
#define VG_DB_H

#include <stdbool.h>
#include <stdint.h>

struct db;
struct db_stmt;

enum db_rc {
    DB_ROW = 1,            /* a row is ready to read */
    DB_DONE = 0,           /* no more rows */
    DB_ERR = -1,           /* other failure, message in db_errmsg() */
    DB_ERR_CONSTRAINT = -2 /* unique or foreign-key constraint */
};

enum db_engine { DB_SQLITE, DB_POSTGRES };

/*
 * Opens a connection. url is NULL or "sqlite:PATH" for SQLite, or
 * "postgresql://..." for PostgreSQL. Returns 0, or -1 with *err set to a
 * malloc'd message.
 */
int db_open(const char *url, struct db **out, char **err);
void db_close(struct db *db);
enum db_engine db_engine(const struct db *db);
const char *db_errmsg(struct db *db);

/* Runs SQL text with no parameters (may hold several statements). */
int db_exec(struct db *db, const char *sql);
/* Prepares and binds one statement; step it with db_step, end with db_done. */
struct db_stmt *db_query(struct db *db, const char *sql, const char *types, ...);
int db_step(struct db_stmt *st);
/* Releases the statement back to the cache (always call, even on error). */
void db_done(struct db_stmt *st);
/* Runs a statement that returns no rows (or ignores them). Returns 0 or <0. */
int db_run(struct db *db, const char *sql, const char *types, ...);
/* Runs an INSERT ... RETURNING id (or a query whose first column is an integer). */
int db_run_id(struct db *db, int64_t *id, const char *sql, const char *types, ...);
/*
 * Runs a query of at most one integer (a COUNT, a SUM, an id): *out gets its
 * first column, or 0 when there is no row. Returns DB_ROW, DB_DONE or <0.
 */
int db_query_int(struct db *db, int64_t *out, const char *sql, const char *types, ...);
/* Number of rows changed by the last statement. */
int64_t db_changes(struct db *db);

int64_t db_int(struct db_stmt *st, int col);
/* Text of a column, NULL for SQL NULL; valid until the next step. */
const char *db_text(struct db_stmt *st, int col);
bool db_null(struct db_stmt *st, int col);

/*
 * Transactions. On SQLite db_begin takes the write lock at once (no upgrade
 * deadlocks); on PostgreSQL it is a plain BEGIN (row locks), so decisions
 * that read then write use a conditional UPDATE, a unique constraint or
 * FOR UPDATE. A failed statement ends a PostgreSQL transaction.
 */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);
/*
 * From now on, consecutive reads outside a transaction share one snapshot:
 * on SQLite the first SELECT opens a read transaction that the next write,
 * db_begin, db_exec or db_rollback ends (committing it), instead of one
 * transaction, with its file locks, per statement. Writes are never inside
 * it. For a connection that serves one read request (store_put ends it).
 * PostgreSQL: nothing changes (reads there cost a round trip, not locks).
 */
void db_share_reads(struct db *db);
/*
 * Finishes every statement of db that was left between db_query and db_done:
 * after a failure in the middle of some work (base/recover.h), so that the
 * connection can go on inside its transaction (e.g. undo to a savepoint).
 */
void db_finish_all(struct db *db);

#endif
