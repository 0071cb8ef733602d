/*
 * The SQLite engine of db.h.
 *
 * One sqlite3 handle per struct db, opened in WAL mode with foreign keys on
 * and a busy timeout, so that several connections (one per server thread in
 * use, plus the workers) share the file safely. Statements are prepared once
 * per connection and kept in a cache keyed by the SQL text's address (an
 * open-addressing table that grows: the store has more distinct statements
 * than any fixed bound would stay above for long).
 * Transactions start with BEGIN IMMEDIATE so that two writers never deadlock
 * upgrading read locks. This is the only file that includes sqlite3.h; its
 * functions are reached through db.c's dispatch (db_sqlite_ops).
 *
 * Each connection's update hook watches the tables that say who a token
 * belongs to (users, tokens): a row of them updated or deleted empties the
 * resolved-token cache (token_cache.h) at once, and again when the change
 * has committed or rolled back (the connection is back in autocommit), so
 * that no request that read the old row meanwhile keeps it.
 *
 * db_share_reads: in autocommit mode every statement is a transaction of its
 * own, and in WAL mode each takes and drops its locks with fcntl(2), several
 * system calls per SELECT. A connection that shares its reads opens one
 * deferred transaction at the first read-only statement and commits it
 * before anything else runs (a statement that writes, db_exec, db_begin,
 * db_rollback), so a request's reads cost one snapshot and writes still run
 * exactly as they would without it.
 */
#include "store/db.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/recover.h"
#include "store/db_engine.h"
#include "store/token_cache.h"

#define DB_CACHE_MIN 256 /* slots of a new statement cache (a power of two) */

struct db_stmt {
    struct db_head head; /* the dispatch: db_sqlite_ops */
    struct db *db;       /* owning connection */
    const char *sql;     /* cache key: the address of the SQL text */
    sqlite3_stmt *st;    /* the prepared statement */
};

struct db {
    struct db_head head; /* the dispatch: db_sqlite_ops */
    sqlite3 *h;
    bool auth_changed;      /* users or tokens changed in the open transaction */
    bool share_reads;       /* db_share_reads(): until db_rollback */
    bool in_shared;         /* the shared read transaction is open */
    size_t n_cache;         /* statements in the cache */
    size_t cap_cache;       /* slots: a power of two, at most 3/4 full */
    struct db_stmt **cache; /* slots, NULL when free; each statement allocated once */
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

/* The update hook: a user or token changed or went (new rows cannot make a cached one stale). */
static void on_update(void *ctx, int op, const char *db_name, const char *table,
                      sqlite3_int64 rowid)
{
    struct db *db = ctx;
    (void)db_name, (void)rowid;
    if (op != SQLITE_INSERT && (!strcmp(table, "users") || !strcmp(table, "tokens"))) {
        db->auth_changed = true;
        token_cache_clear();
    }
}

/* Once the change is committed (or undone), clears the cache again: see the file comment. */
static void auth_settle(struct db *db)
{
    if (db->auth_changed && sqlite3_get_autocommit(db->h)) {
        db->auth_changed = false;
        token_cache_clear();
    }
}

/* path is the file (db.c has taken off the "sqlite:" prefix). */
static int sqlite_open(const char *path, struct db **out, char **err)
{
    struct db *db = xcalloc(1, sizeof *db);
    db->head.ops = &db_sqlite_ops;
    int rc = sqlite3_open_v2(
        path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        *err = xasprintf("cannot open database %s: %s", path,
                         db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        sqlite3_close(db->h);
        free(db);
        return -1;
    }
    sqlite3_busy_timeout(db->h, 10000);
    sqlite3_extended_result_codes(db->h, 1);
    sqlite3_update_hook(db->h, on_update, db);
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
    for (size_t i = 0; i < db->cap_cache; i++) {
        if (db->cache[i]) {
            sqlite3_finalize(db->cache[i]->st);
            free(db->cache[i]);
        }
    }
    free(db->cache);
    sqlite3_close(db->h);
    free(db);
}

static const char *sqlite_errmsg(struct db *db)
{
    return sqlite3_errmsg(db->h);
}

static struct db_stmt *stmt_get(struct db *db, const char *sql);

/* The shared read transaction's statements, prepared once per connection (the statement
   cache is keyed by these addresses): sqlite3_exec would parse them at every request. */
static const char sql_shared_begin[] = "BEGIN";
static const char sql_shared_commit[] = "COMMIT";

/* Runs a cached statement that returns no rows; answers SQLite's result code. */
static int run_cached(struct db *db, const char *sql)
{
    sqlite3_stmt *st = stmt_get(db, sql)->st;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Ends the shared read transaction, if one is open: before anything but a read. */
static void shared_end(struct db *db)
{
    if (!db->in_shared)
        return;
    db->in_shared = false;
    if (run_cached(db, sql_shared_commit) != SQLITE_OK && !sqlite3_get_autocommit(db->h))
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

static int sqlite_exec(struct db *db, const char *sql)
{
    shared_end(db);
    int rc = rc_of(sqlite3_exec(db->h, sql, NULL, NULL, NULL));
    auth_settle(db);
    return rc;
}

/* The cache slot of sql: its statement's, or the free one where it belongs. */
static size_t slot_of(const struct db *db, const char *sql)
{
    size_t mask = db->cap_cache - 1;
    size_t i = (size_t)(((uintptr_t)sql >> 3) * 0x9E3779B97F4A7C15ull >> 32) & mask;
    while (db->cache[i] && db->cache[i]->sql != sql)
        i = (i + 1) & mask;
    return i;
}

static void cache_grow(struct db *db)
{
    struct db_stmt **old = db->cache;
    size_t old_cap = db->cap_cache;
    db->cap_cache = old_cap ? 2 * old_cap : DB_CACHE_MIN;
    db->cache = xcalloc(db->cap_cache, sizeof *db->cache);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            db->cache[slot_of(db, old[i]->sql)] = old[i];
    free(old);
}

static struct db_stmt *stmt_get(struct db *db, const char *sql)
{
    if (db->cap_cache) {
        struct db_stmt *hit = db->cache[slot_of(db, sql)];
        if (hit)
            return hit;
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        vg_fail("SQL error: %s\n  in: %s", sqlite3_errmsg(db->h), sql);
    }
    if (4 * (db->n_cache + 1) > 3 * db->cap_cache)
        cache_grow(db);
    struct db_stmt *s = xcalloc(1, sizeof *s);
    db->cache[slot_of(db, sql)] = s;
    db->n_cache++;
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
    if (db->in_shared && !sqlite3_stmt_readonly(s->st)) {
        shared_end(db);
    } else if (db->share_reads && !db->in_shared && sqlite3_get_autocommit(db->h) &&
               sqlite3_stmt_readonly(s->st)) {
        db->in_shared = run_cached(db, sql_shared_begin) == SQLITE_OK;
    }
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
    auth_settle(st->db);
}

static void sqlite_finish_all(struct db *db)
{
    for (size_t i = 0; i < db->cap_cache; i++)
        if (db->cache[i] && sqlite3_stmt_busy(db->cache[i]->st))
            sqlite_done(db->cache[i]);
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

/* Also ends db_share_reads (store_put calls it before the connection goes back to the pool). */
static void sqlite_rollback(struct db *db)
{
    shared_end(db);
    db->share_reads = false;
    if (!sqlite3_get_autocommit(db->h))
        sqlite_exec(db, "ROLLBACK");
}

static void sqlite_share_reads(struct db *db)
{
    db->share_reads = true;
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
    .share_reads = sqlite_share_reads,
    .finish_all = sqlite_finish_all,
};
