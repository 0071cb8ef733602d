/*
 * The SQLite engine of db.h.
 *
 * One sqlite3 handle per struct db, opened in WAL mode with foreign keys on
 * and a busy timeout, so that several connections (one per server thread in
 * use, plus the workers) share the file safely. Statements are prepared once
 * per connection and kept in a small cache keyed by the SQL text's address.
 * Transactions start with BEGIN IMMEDIATE so that two writers never deadlock
 * upgrading read locks. This is the only file that includes sqlite3.h; its
 * functions are reached through db.c's dispatch (db_sqlite_ops).
 */
#include "store/db.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "store/db_engine.h"

#define DB_CACHE_MAX 128

struct db_stmt {
    struct db_head head; /* the dispatch: db_sqlite_ops */
    struct db *db;       /* owning connection */
    const char *sql;     /* cache key: the address of the SQL text */
    sqlite3_stmt *st;    /* the prepared statement */
};

struct db {
    struct db_head head; /* the dispatch: db_sqlite_ops */
    sqlite3 *h;
    int n_cache;
    struct db_stmt cache[DB_CACHE_MAX];
};

static int rc_of(int rc)
{
    switch (rc) {
    case SQLITE_ROW:
        return DB_ROW;
    case SQLITE_DONE:
    case SQLITE_OK:
        return DB_DONE;
    case SQLITE_CONSTRAINT:
        return DB_ERR_CONSTRAINT;
    default:
        return (rc & 0xff) == SQLITE_CONSTRAINT ? DB_ERR_CONSTRAINT : DB_ERR;
    }
}

static int sqlite_exec(struct db *db, const char *sql);
static void sqlite_close(struct db *db);

/* path is the file (db.c has taken off the "sqlite:" prefix). */
static int sqlite_open(const char *path, struct db **out, char **err)
{
    struct db *db = xcalloc(1, sizeof *db);
    db->head.ops = &db_sqlite_ops;
    int rc = sqlite3_open_v2(path, &db->h,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        *err = xasprintf("cannot open database %s: %s", path,
                         db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        sqlite3_close(db->h);
        free(db);
        return -1;
    }
    sqlite3_busy_timeout(db->h, 10000);
    sqlite3_extended_result_codes(db->h, 1);
    if (sqlite_exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
                        "PRAGMA synchronous=NORMAL;") < 0) {
        *err = xasprintf("cannot configure database %s: %s", path, sqlite3_errmsg(db->h));
        sqlite_close(db);
        return -1;
    }
    *out = db;
    return 0;
}

static void sqlite_close(struct db *db)
{
    for (int i = 0; i < db->n_cache; i++)
        sqlite3_finalize(db->cache[i].st);
    sqlite3_close(db->h);
    free(db);
}

static const char *sqlite_errmsg(struct db *db)
{
    return sqlite3_errmsg(db->h);
}

static int sqlite_exec(struct db *db, const char *sql)
{
    return rc_of(sqlite3_exec(db->h, sql, NULL, NULL, NULL));
}

static struct db_stmt *stmt_get(struct db *db, const char *sql)
{
    for (int i = 0; i < db->n_cache; i++)
        if (db->cache[i].sql == sql)
            return &db->cache[i];
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "vodgate: SQL error: %s\n  in: %s\n", sqlite3_errmsg(db->h), sql);
        abort();
    }
    VG_ASSERT(db->n_cache < DB_CACHE_MAX);
    struct db_stmt *s = &db->cache[db->n_cache++];
    s->head.ops = &db_sqlite_ops;
    s->db = db;
    s->sql = sql;
    s->st = st;
    return s;
}

static void bind_all(struct db_stmt *s, const char *types, va_list ap)
{
    int n = (int)strlen(types);
    VG_ASSERT(n == sqlite3_bind_parameter_count(s->st));
    for (int i = 0; i < n; i++) {
        switch (types[i]) {
        case 'i':
            sqlite3_bind_int64(s->st, i + 1, va_arg(ap, int64_t));
            break;
        case 'I': {
            int64_t v = va_arg(ap, int64_t);
            if (v)
                sqlite3_bind_int64(s->st, i + 1, v);
            else
                sqlite3_bind_null(s->st, i + 1);
            break;
        }
        case 'b':
            sqlite3_bind_int(s->st, i + 1, va_arg(ap, int) ? 1 : 0);
            break;
        case 's': {
            const char *v = va_arg(ap, const char *);
            if (v)
                sqlite3_bind_text(s->st, i + 1, v, -1, SQLITE_TRANSIENT);
            else
                sqlite3_bind_null(s->st, i + 1);
            break;
        }
        default:
            VG_ASSERT(!"unknown bind type");
        }
    }
}

static struct db_stmt *sqlite_query(struct db *db, const char *sql, const char *types, va_list ap)
{
    struct db_stmt *s = stmt_get(db, sql);
    bind_all(s, types, ap);
    return s;
}

static int sqlite_step(struct db_stmt *st)
{
    return rc_of(sqlite3_step(st->st));
}

static void sqlite_done(struct db_stmt *st)
{
    sqlite3_reset(st->st);
    sqlite3_clear_bindings(st->st);
}

static int64_t sqlite_changes(struct db *db)
{
    return sqlite3_changes64(db->h);
}

static int64_t sqlite_int(struct db_stmt *st, int col)
{
    return sqlite3_column_int64(st->st, col);
}

static const char *sqlite_text(struct db_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st->st, col);
}

static bool sqlite_null(struct db_stmt *st, int col)
{
    return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

static int sqlite_begin(struct db *db)
{
    return sqlite_exec(db, "BEGIN IMMEDIATE");
}

static int sqlite_commit(struct db *db)
{
    return sqlite_exec(db, "COMMIT");
}

static void sqlite_rollback(struct db *db)
{
    if (!sqlite3_get_autocommit(db->h))
        sqlite_exec(db, "ROLLBACK");
}

const struct db_ops db_sqlite_ops = {
    .engine = DB_SQLITE,
    .open = sqlite_open,
    .close = sqlite_close,
    .errmsg = sqlite_errmsg,
    .exec = sqlite_exec,
    .query = sqlite_query,
    .step = sqlite_step,
    .done = sqlite_done,
    .changes = sqlite_changes,
    .col_int = sqlite_int,
    .col_text = sqlite_text,
    .col_null = sqlite_null,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
};
