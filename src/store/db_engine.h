/*
 * What an engine of db.h provides (engine-internal: db.c and db_*.c only).
 *
 * Each engine file defines its own struct db and struct db_stmt; both start
 * with a struct db_head whose ops point at the engine's table, so db.c can
 * dispatch through a pointer to the first member without knowing the rest
 * of the layout. db.c owns the parts that are the same for every engine
 * (URL parsing, varargs, db_run and db_run_id); an engine fills in the rest
 * with the contracts documented in db.h.
 */
#ifndef VG_DB_ENGINE_H
#define VG_DB_ENGINE_H

#include <stdarg.h>

#include "store/db.h"

struct db_ops {
    enum db_engine engine;
    /* url is the engine's own part: a file path for SQLite, the whole URL for PostgreSQL. */
    int (*open)(const char *url, struct db **out, char **err);
    void (*close)(struct db *db);
    const char *(*errmsg)(struct db *db);
    int (*exec)(struct db *db, const char *sql);
    /* Never returns NULL: a statement that failed to run reports it from step. */
    struct db_stmt *(*query)(struct db *db, const char *sql, const char *types, va_list ap);
    int (*step)(struct db_stmt *st);
    void (*done)(struct db_stmt *st);
    int64_t (*changes)(struct db *db);
    int64_t (*col_int)(struct db_stmt *st, int col);
    const char *(*col_text)(struct db_stmt *st, int col);
    bool (*col_null)(struct db_stmt *st, int col);
    int (*begin)(struct db *db);
    int (*commit)(struct db *db);
    void (*rollback)(struct db *db);
    void (*share_reads)(struct db *db); /* may be NULL: nothing to do */
    void (*finish_all)(struct db *db);  /* db_done on every statement left running */
};

/* The first member of every engine's struct db and struct db_stmt. */
struct db_head {
    const struct db_ops *ops;
};

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

#endif
