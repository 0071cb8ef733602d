/*
 * The SQLite engine of db.h.
 *
 * One sqlite3 handle per struct db, opened in WAL mode with foreign keys on
 * and a busy timeout, so that several connections (one per server thread in
 * use, plus the workers) share the file safely. Statements are prepared once
 * per connection and kept in a small cache keyed by the SQL text's address.
 * Transactions start with BEGIN IMMEDIATE so that two writers never deadlock
 * upgrading read locks. This is the only file that includes sqlite3.h.
 */
#include "store/db.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define DB_CACHE_MAX 128

struct db_stmt {
    struct db *db;     /* owning connection */
    const char *sql;   /* cache key: the address of the SQL text */
    sqlite3_stmt *st;  /* the prepared statement */
};

struct db {
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

int db_open(const char *url, struct db **out, char **err)
{
    const char *path = url;
    if (url && strncmp(url, "sqlite:", 7) == 0)
        path = url + 7;
    if (url && (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)) {
        *err = xstrdup("PostgreSQL support is not built in yet; use the embedded SQLite store");
        return -1;
    }
    struct db *db = xcalloc(1, sizeof *db);
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
    if (db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;") <
        0) {
        *err = xasprintf("cannot configure database %s: %s", path, sqlite3_errmsg(db->h));
        db_close(db);
        return -1;
    }
    *out = db;
    return 0;
}

void db_close(struct db *db)
{
    if (!db)
        return;
    for (int i = 0; i < db->n_cache; i++)
        sqlite3_finalize(db->cache[i].st);
    sqlite3_close(db->h);
    free(db);
}

enum db_engine db_engine(const struct db *db)
{
    return DB_SQLITE;
}

const char *db_errmsg(struct db *db)
{
    return sqlite3_errmsg(db->h);
}

int db_exec(struct db *db, const char *sql)
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

static struct db_stmt *vquery(struct db *db, const char *sql, const char *types, va_list ap)
{
    struct db_stmt *s = stmt_get(db, sql);
    bind_all(s, types, ap);
    return s;
}

struct db_stmt *db_query(struct db *db, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct db_stmt *s = vquery(db, sql, types, ap);
    va_end(ap);
    return s;
}

int db_step(struct db_stmt *st)
{
    return rc_of(sqlite3_step(st->st));
}

void db_done(struct db_stmt *st)
{
    sqlite3_reset(st->st);
    sqlite3_clear_bindings(st->st);
}

int db_run(struct db *db, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct db_stmt *s = vquery(db, sql, types, ap);
    va_end(ap);
    int rc;
    while ((rc = db_step(s)) == DB_ROW)
        ;
    db_done(s);
    return rc;
}

int db_run_id(struct db *db, int64_t *id, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct db_stmt *s = vquery(db, sql, types, ap);
    va_end(ap);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *id = db_int(s, 0);
        while ((rc = db_step(s)) == DB_ROW)
            ;
    } else if (rc == DB_DONE) {
        rc = DB_ERR;
    }
    db_done(s);
    return rc;
}

int64_t db_changes(struct db *db)
{
    return sqlite3_changes64(db->h);
}

int64_t db_int(struct db_stmt *st, int col)
{
    return sqlite3_column_int64(st->st, col);
}

const char *db_text(struct db_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st->st, col);
}

bool db_null(struct db_stmt *st, int col)
{
    return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

int db_begin(struct db *db)
{
    return db_exec(db, "BEGIN IMMEDIATE");
}

int db_commit(struct db *db)
{
    return db_exec(db, "COMMIT");
}

void db_rollback(struct db *db)
{
    if (!sqlite3_get_autocommit(db->h))
        db_exec(db, "ROLLBACK");
}
