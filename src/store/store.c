/*
 * The store's connection pool, transactions and migrations.
 *
 * The pool is a mutex-protected stack of idle connections: store_get() pops
 * one or opens a new one, store_put() pushes it back. SQLite connections are
 * cheap, PostgreSQL ones are not, so both engines keep them. Migrations run
 * in store_open(), each in its own transaction, so a crash mid-way leaves the
 * database at the last complete version.
 */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/recover.h"
#include "store/db.h"
#include "store/migrations.h"

#define POOL_MAX 64

struct store {
    char *url;                 /* what db_open gets */
    pthread_mutex_t lock;      /* guards idle and n_idle */
    struct db *idle[POOL_MAX]; /* connections ready for use */
    int n_idle;
    int version; /* schema version after migrations */
};

static int migrate_locked(struct db *db, int *version, char **err);

/* Replaces the engine tokens of a migration's text. Returns malloc'd SQL. */
static char *migration_sql(const char *sql, enum db_engine engine)
{
    struct buf b = {0};
    const char *id =
        engine == DB_SQLITE ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY";
    for (const char *p = sql; *p;) {
        if (strncmp(p, "{{id}}", 6) == 0) {
            buf_puts(&b, id);
            p += 6;
        } else {
            buf_putc(&b, *p++);
        }
    }
    return buf_detach(&b);
}

static int migrate(struct db *db, int *version, char **err)
{
    /* Several servers starting at once against one PostgreSQL take turns here. */
    if (db_engine(db) == DB_POSTGRES && db_exec(db, "SELECT pg_advisory_lock(7270601)") < 0)
        goto fail;
    int rc = migrate_locked(db, version, err);
    if (db_engine(db) == DB_POSTGRES)
        db_exec(db, "SELECT pg_advisory_unlock(7270601)");
    return rc;
fail:
    *err = xasprintf("cannot lock the schema for migration: %s", db_errmsg(db));
    return -1;
}

static int migrate_locked(struct db *db, int *version, char **err)
{
    if (db_exec(db,
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)") <
        0)
        goto fail;
    int have = 0;
    struct db_stmt *st =
        db_query(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", "");
    if (db_step(st) == DB_ROW)
        have = (int)db_int(st, 0);
    db_done(st);
    if (have > migrations[n_migrations - 1].version) {
        *err = xasprintf("the database has schema version %d, newer than this vodgate (%d): "
                         "upgrade vodgate",
                         have, migrations[n_migrations - 1].version);
        return -1;
    }
    for (int i = 0; i < n_migrations; i++) {
        const struct migration *m = &migrations[i];
        if (m->version <= have)
            continue;
        char *sql = migration_sql(m->sql, db_engine(db));
        if (db_begin(db) < 0) {
            free(sql);
            goto fail;
        }
        int rc = db_exec(db, sql);
        free(sql);
        if (rc < 0 || db_run(db,
                             "INSERT INTO schema_migrations(version, name, applied_at) "
                             "VALUES (?, ?, ?)",
                             "isi", (int64_t)m->version, m->name, (int64_t)time(NULL)) < 0) {
            *err = xasprintf("migration %d (%s) failed: %s", m->version, m->name, db_errmsg(db));
            db_rollback(db);
            return -1;
        }
        if (db_commit(db) < 0)
            goto fail;
        fprintf(stderr, "vodgate: migrated the database to version %d (%s)\n", m->version, m->name);
        have = m->version;
    }
    *version = have;
    return 0;
fail:
    *err = xasprintf("migration failed: %s", db_errmsg(db));
    db_rollback(db);
    return -1;
}

/*
 * Makes the embedded database's files readable by the server's user alone:
 * creates vodgate.db 0600 before SQLite opens it (its -wal and -shm then get
 * the same mode from SQLite), and tightens files an older version created
 * 0644. Returns 0, or -1 with *err set.
 */
static int private_db_files(const char *data_dir, char **err)
{
    static const char *const names[] = {"vodgate.db", "vodgate.db-wal", "vodgate.db-shm"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *path = xasprintf("%s/%s", data_dir, names[i]);
        int fd = i == 0 ? open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600)
                        : open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 && (i == 0 || errno != ENOENT)) {
            *err = xasprintf("cannot open %s: %s", path, strerror(errno));
            free(path);
            return -1;
        }
        if (fd >= 0 && fchmod(fd, 0600) < 0) {
            *err = xasprintf("cannot make %s private (chmod 0600): %s", path, strerror(errno));
            close(fd);
            free(path);
            return -1;
        }
        if (fd >= 0)
            close(fd);
        free(path);
    }
    return 0;
}

int store_open(const char *url, const char *data_dir, struct store **out, char **err)
{
    struct store *s = xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    if (url) {
        s->url = xstrdup(url);
    } else {
        if (mkdir(data_dir, 0700) < 0 && access(data_dir, W_OK) < 0) {
            *err = xasprintf("cannot create the data directory %s", data_dir);
            goto fail;
        }
        if (private_db_files(data_dir, err) < 0)
            goto fail;
        s->url = xasprintf("sqlite:%s/vodgate.db", data_dir);
    }
    struct db *db;
    if (db_open(s->url, &db, err) < 0)
        goto fail;
    if (migrate(db, &s->version, err) < 0) {
        db_close(db);
        goto fail;
    }
    store_put(s, db);
    *out = s;
    return 0;
fail:
    free(s->url);
    pthread_mutex_destroy(&s->lock);
    free(s);
    return -1;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n_idle; i++)
        db_close(s->idle[i]);
    pthread_mutex_destroy(&s->lock);
    free(s->url);
    free(s);
}

int store_latest_version(void)
{
    return migrations[n_migrations - 1].version;
}

int store_schema_version(struct store *s)
{
    return s->version;
}

struct db *store_get(struct store *s)
{
    pthread_mutex_lock(&s->lock);
    struct db *db = s->n_idle ? s->idle[--s->n_idle] : NULL;
    pthread_mutex_unlock(&s->lock);
    if (db)
        return db;
    char *err = NULL;
    if (db_open(s->url, &db, &err) < 0) {
        /* The first connection opened fine at start: this request (or job) fails, not all. */
        char why[256];
        snprintf(why, sizeof why, "cannot open a database connection: %s", err);
        free(err);
        vg_fail("%s", why);
    }
    return db;
}

void store_put(struct store *s, struct db *db)
{
    if (!db)
        return;
    db_rollback(db); /* never hand on an open transaction */
    pthread_mutex_lock(&s->lock);
    if (s->n_idle < POOL_MAX) {
        s->idle[s->n_idle++] = db;
        db = NULL;
    }
    pthread_mutex_unlock(&s->lock);
    db_close(db);
}

void store_discard(struct db *db)
{
    db_close(db);
}

void store_recover(struct db *db)
{
    db_finish_all(db);
}

void store_share_reads(struct db *db)
{
    db_share_reads(db);
}

int store_begin(struct db *db)
{
    return db_begin(db) < 0 ? STORE_ERR : STORE_OK;
}

int store_commit(struct db *db)
{
    return db_commit(db) < 0 ? STORE_ERR : STORE_OK;
}

void store_rollback(struct db *db)
{
    db_rollback(db);
}

int store_savepoint(struct db *db)
{
    return db_exec(db, "SAVEPOINT vg_part") < 0 ? STORE_ERR : STORE_OK;
}

int store_savepoint_undo(struct db *db)
{
    return db_exec(db, "ROLLBACK TO SAVEPOINT vg_part") < 0 ? STORE_ERR : STORE_OK;
}

int store_savepoint_release(struct db *db)
{
    return db_exec(db, "RELEASE SAVEPOINT vg_part") < 0 ? STORE_ERR : STORE_OK;
}

int store_backup(struct store *s, const char *path, char **err)
{
    struct db *db = store_get(s);
    int rc = STORE_OK;
    if (db_engine(db) != DB_SQLITE) {
        *err = xstrdup("this server uses PostgreSQL: back it up with pg_dump");
        rc = STORE_ERR;
    } else {
        /* Made here, empty and 0600, so that the copy is never readable by others, not even
         * for a moment (VACUUM INTO fills an empty file; SQLite would create it 0644). */
        int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
        if (fd < 0) {
            *err = errno == EEXIST ? xasprintf("%s exists already: choose a new file", path)
                                   : xasprintf("cannot create %s: %s", path, strerror(errno));
            rc = STORE_ERR;
        } else {
            close(fd);
            if (db_run(db, "VACUUM INTO ?", "s", path) < 0) {
                *err = xasprintf("backup to %s failed: %s", path, db_errmsg(db));
                unlink(path);
                rc = STORE_ERR;
            }
        }
    }
    store_put(s, db);
    return rc;
}
