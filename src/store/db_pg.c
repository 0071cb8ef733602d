/*
 * The PostgreSQL engine of db.h (libpq).
 *
 * One PGconn per struct db; the store's pool keeps them, so a connection
 * lives as long as the process. Each SQL text is rewritten once from `?` to
 * $1..$n and PQprepare'd once per connection as a named statement ("vg<n>",
 * cached by the address of the SQL text like the SQLite engine), with the
 * parameter types taken from the type letters (int8 for 'i' and 'I', int4
 * for 'b', text for 's'), so PostgreSQL never has to infer the type of a
 * `? IS NULL`. Values travel as text, results come back as text.
 *
 * db_query runs the statement at once with PQexecPrepared and keeps the whole
 * result; db_step walks its rows. Rows here are small and few, and holding
 * the whole result has three merits over single-row mode: the connection is
 * free again before the first row is read, so a caller may run other
 * statements while iterating (the store's *_each callbacks may); a failure
 * (a unique violation in an INSERT ... RETURNING) comes from the first step,
 * before any row, as it does on SQLite; and db_changes is known at once.
 *
 * Differences from SQLite that callers see: db_begin is a plain BEGIN (read
 * committed, row locks), not a database-wide write lock; once a statement
 * fails inside a transaction PostgreSQL refuses everything until ROLLBACK,
 * so db_commit of such a transaction rolls back and fails; only unique and
 * foreign-key violations are DB_ERR_CONSTRAINT (SQLite also counts NOT NULL
 * and CHECK). A connection that broke (a server restart) is re-established
 * at the next statement outside a transaction; inside one, everything fails
 * until db_rollback, so a transaction never carries on in a new session.
 * This is the only file that includes libpq-fe.h.
 *
 * A statement that updates or deletes rows of users or tokens (known from
 * its SQL text once, when it is first seen) empties the resolved-token cache
 * (token_cache.h) when it has run, and again when its transaction ends, as
 * the SQLite engine's update hook does.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/recover.h"
#include "store/db.h"
#include "store/db_engine.h"
#include "store/token_cache.h"

/* Type OIDs from PostgreSQL's catalog/pg_type.h (stable across versions). */
#define OID_INT8 20
#define OID_INT4 23
#define OID_TEXT 25

struct db_stmt {
    struct db_head head; /* the dispatch: db_pg_ops */
    struct db *db;       /* owning connection */
    const char *sql;     /* cache key: the address of the SQL text */
    char name[16];       /* the prepared statement's name on the server */
    bool prepared;       /* prepared in the current session */
    bool active;         /* between db_query and db_done */
    bool touches_auth;   /* an UPDATE or DELETE of users or tokens */
    int n_params;        /* the number of ? in the SQL */
    Oid *types;          /* n_params parameter types */
    const char **values; /* n_params values for the run under way */
    char (*nums)[24];    /* n_params buffers for integer values as text */
    PGresult *res;       /* the rows of the run, NULL when it failed or between runs */
    int rc;              /* DB_DONE, or the run's error */
    int n_rows;          /* rows in res */
    int row;             /* rows handed out; the current one is row - 1 */
};

struct db {
    struct db_head head; /* the dispatch: db_pg_ops */
    PGconn *conn;
    bool in_tx;        /* between db_begin and its commit or rollback */
    bool auth_changed; /* users or tokens changed in the open transaction */
    int64_t changes;   /* rows changed by the last INSERT, UPDATE or DELETE */
    char *err;         /* the last error message, malloc'd */
    int n_cache;
    int cap_cache;
    struct db_stmt **cache;
};

/* Keeps msg as the last error, on one line (libpq's have newlines and tabs). */
static void set_err(struct db *db, const char *msg)
{
    free(db->err);
    db->err = xstrdup(msg ? msg : "unknown PostgreSQL error");
    size_t n = 0;
    for (const char *p = db->err; *p; p++) {
        char c = *p == '\n' || *p == '\t' ? ' ' : *p;
        if (c != ' ' || (n && db->err[n - 1] != ' '))
            db->err[n++] = c;
    }
    while (n && db->err[n - 1] == ' ')
        n--;
    db->err[n] = '\0';
}

/* Keeps the primary message of a failed result and maps its SQLSTATE to DB_ERR_*. */
static int fail_with(struct db *db, const PGresult *res)
{
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    set_err(db, msg ? msg : PQerrorMessage(db->conn));
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (state && (strcmp(state, "23505") == 0 || strcmp(state, "23503") == 0))
        return DB_ERR_CONSTRAINT;
    return DB_ERR;
}

/* Counts rows changed as SQLite's sqlite3_changes does: only by data changes. */
static void note_changes(struct db *db, PGresult *res)
{
    const char *cmd = PQcmdStatus(res);
    if (strncmp(cmd, "INSERT", 6) == 0 || strncmp(cmd, "UPDATE", 6) == 0 ||
        strncmp(cmd, "DELETE", 6) == 0 || strncmp(cmd, "MERGE", 5) == 0)
        db->changes = strtoll(PQcmdTuples(res), NULL, 10);
}

/* Passes on warnings (a COMMIT outside a transaction is a bug); NOTICEs are chatter. */
static void on_notice(void *arg, const PGresult *res)
{
    const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (sev && strcmp(sev, "WARNING") == 0)
        fprintf(stderr, "vodgate: PostgreSQL: %s", PQresultErrorMessage(res));
}

/*
 * Whether the server has closed an idle session (a restart, an idle timeout):
 * its end of the socket is shut. One poll() finds it before a statement is
 * lost to it, which libpq would only notice by failing that statement.
 */
static bool peer_gone(PGconn *conn)
{
    struct pollfd p = {.fd = PQsocket(conn), .events = POLLRDHUP};
    return p.fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/*
 * Makes sure the session can take a statement: re-establishes a broken
 * connection (forgetting what was prepared on it) unless a transaction was
 * open on it, and refuses work inside a failed transaction without a round
 * trip. Returns 0, or DB_ERR with the message set.
 */
static int conn_ready(struct db *db)
{
    if (PQstatus(db->conn) != CONNECTION_OK || (!db->in_tx && peer_gone(db->conn))) {
        if (db->in_tx) {
            set_err(db, "the connection to PostgreSQL broke inside a transaction");
            return DB_ERR;
        }
        PQreset(db->conn);
        if (PQstatus(db->conn) != CONNECTION_OK) {
            set_err(db, PQerrorMessage(db->conn));
            return DB_ERR;
        }
        for (int i = 0; i < db->n_cache; i++)
            db->cache[i]->prepared = false;
    }
    if (PQtransactionStatus(db->conn) == PQTRANS_INERROR) {
        set_err(db, "an earlier statement of this transaction failed; it must be rolled back");
        return DB_ERR;
    }
    return 0;
}

/* url is the whole postgresql:// URL; libpq parses it. */
static int pg_open(const char *url, struct db **out, char **err)
{
    /* With expand_dbname, the URL's settings override the keywords before it. */
    const char *keys[] = {"fallback_application_name", "dbname", "client_encoding", NULL};
    const char *values[] = {"vodgate", url, "UTF8", NULL};
    struct db *db = xcalloc(1, sizeof *db);
    db->head.ops = &db_pg_ops;
    db->conn = PQconnectdbParams(keys, values, 1);
    if (!db->conn) {
        *err = xstrdup("cannot connect to PostgreSQL: out of memory");
        goto fail;
    }
    if (PQstatus(db->conn) != CONNECTION_OK) {
        /* Not the URL: it may hold a password. libpq's message names host and port. */
        set_err(db, PQerrorMessage(db->conn));
        *err = xasprintf("cannot connect to PostgreSQL: %s", db->err);
        goto fail;
    }
    PQsetNoticeReceiver(db->conn, on_notice, NULL);
    *out = db;
    return 0;
fail:
    PQfinish(db->conn);
    free(db->err);
    free(db);
    return -1;
}

static void pg_close(struct db *db)
{
    for (int i = 0; i < db->n_cache; i++) {
        struct db_stmt *s = db->cache[i];
        PQclear(s->res);
        free(s->types);
        free(s->values);
        free(s->nums);
        free(s);
    }
    free(db->cache);
    PQfinish(db->conn);
    free(db->err);
    free(db);
}

static const char *pg_errmsg(struct db *db)
{
    return db->err ? db->err : "";
}

/*
 * Runs SQL text that may hold several statements (the simple query protocol,
 * which PQexecParams does not speak). Returns DB_DONE or the first error.
 */
static int pg_exec(struct db *db, const char *sql)
{
    int rc = conn_ready(db);
    if (rc < 0)
        return rc;
    if (!PQsendQuery(db->conn, sql)) {
        set_err(db, PQerrorMessage(db->conn));
        return DB_ERR;
    }
    PGresult *res;
    while ((res = PQgetResult(db->conn))) {
        ExecStatusType status = PQresultStatus(res);
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
            note_changes(db, res);
        else if (rc == DB_DONE)
            rc = fail_with(db, res);
        PQclear(res);
    }
    return rc;
}

/*
 * Rewrites the `?` placeholders of sql as $1..$n, leaving alone any `?`
 * inside a '...' literal, a "..." identifier or a comment. Literals are the
 * standard kind (no E'\'' backslash escapes; portable SQL has none).
 * Returns malloc'd text; the number of placeholders goes to *n.
 */
static char *pg_sql(const char *sql, int *n)
{
    struct buf b = {0};
    *n = 0;
    for (const char *p = sql; *p;) {
        if (*p == '\'' || *p == '"') {
            /* A doubled quote inside is an escaped quote: the loop just re-enters. */
            const char *end = strchr(p + 1, *p);
            end = end ? end + 1 : p + strlen(p);
            buf_add(&b, p, (size_t)(end - p));
            p = end;
        } else if (p[0] == '-' && p[1] == '-') {
            size_t len = strcspn(p, "\n");
            buf_add(&b, p, len);
            p += len;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            end = end ? end + 2 : p + strlen(p);
            buf_add(&b, p, (size_t)(end - p));
            p = end;
        } else if (*p == '?') {
            buf_printf(&b, "$%d", ++*n);
            p++;
        } else {
            buf_putc(&b, *p++);
        }
    }
    return buf_detach(&b);
}

static Oid oid_of(char type)
{
    switch (type) {
    case 'i':
    case 'I':
        return OID_INT8;
    case 'b':
        return OID_INT4;
    case 's':
        return OID_TEXT;
    default:
        VG_ASSERT(!"unknown bind type");
        return 0;
    }
}

/* True for an UPDATE or DELETE of the users or tokens table: see the file comment. */
static bool sql_touches_auth(const char *sql)
{
    while (*sql == ' ' || *sql == '\n')
        sql++;
    return !strncmp(sql, "UPDATE users ", 13) || !strncmp(sql, "UPDATE tokens ", 14) ||
           !strncmp(sql, "DELETE FROM users", 17) || !strncmp(sql, "DELETE FROM tokens", 18);
}

/* Finds the cached statement for sql, or makes one (not yet prepared). Never NULL. */
static struct db_stmt *stmt_get(struct db *db, const char *sql, const char *types)
{
    for (int i = 0; i < db->n_cache; i++)
        if (db->cache[i]->sql == sql)
            return db->cache[i];
    if (db->n_cache == db->cap_cache) {
        db->cap_cache = db->cap_cache ? 2 * db->cap_cache : 32;
        db->cache = xrealloc(db->cache, (size_t)db->cap_cache * sizeof *db->cache);
    }
    struct db_stmt *s = xcalloc(1, sizeof *s);
    s->head.ops = &db_pg_ops;
    s->db = db;
    s->sql = sql;
    snprintf(s->name, sizeof s->name, "vg%d", db->n_cache);
    s->touches_auth = sql_touches_auth(sql);
    s->n_params = (int)strlen(types);
    size_t n = (size_t)s->n_params + 1; /* never a zero-sized allocation */
    s->types = xcalloc(n, sizeof *s->types);
    s->values = xcalloc(n, sizeof *s->values);
    s->nums = xcalloc(n, sizeof *s->nums);
    for (int i = 0; i < s->n_params; i++)
        s->types[i] = oid_of(types[i]);
    db->cache[db->n_cache++] = s;
    return s;
}

/*
 * Prepares s on the current session. A statement the server rejects as
 * malformed (SQLSTATE class 42: syntax, unknown table or column, types that
 * do not fit) is a programming error and aborts, as on SQLite; anything else
 * (a lost connection, a role without rights: 42501) is an ordinary DB_ERR.
 * Returns 0 or DB_ERR.
 */
static int stmt_prepare(struct db_stmt *s)
{
    struct db *db = s->db;
    int n;
    char *sql = pg_sql(s->sql, &n);
    VG_ASSERT(n == s->n_params);
    PGresult *res = PQprepare(db->conn, s->name, sql, s->n_params, s->types);
    int rc = 0;
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        if (state && strncmp(state, "42", 2) == 0 && strcmp(state, "42501") != 0) {
            vg_fail("SQL error: %s  in: %s", PQresultErrorMessage(res), sql);
        }
        rc = fail_with(db, res);
    } else {
        s->prepared = true;
    }
    PQclear(res);
    free(sql);
    return rc;
}

/* Converts the arguments to text in s's buffers, after the type letters. */
static void bind_all(struct db_stmt *s, const char *types, va_list ap)
{
    VG_ASSERT((int)strlen(types) == s->n_params);
    for (int i = 0; i < s->n_params; i++) {
        VG_ASSERT(oid_of(types[i]) == s->types[i]); /* one SQL text, one set of types */
        switch (types[i]) {
        case 'i':
            snprintf(s->nums[i], sizeof s->nums[i], "%" PRId64, va_arg(ap, int64_t));
            s->values[i] = s->nums[i];
            break;
        case 'I': {
            int64_t v = va_arg(ap, int64_t);
            snprintf(s->nums[i], sizeof s->nums[i], "%" PRId64, v);
            s->values[i] = v ? s->nums[i] : NULL;
            break;
        }
        case 'b':
            s->values[i] = va_arg(ap, int) ? "1" : "0";
            break;
        case 's':
            s->values[i] = va_arg(ap, const char *);
            break;
        }
    }
}

/* Prepares (once per session), binds and runs the statement; step reads the outcome. */
static struct db_stmt *pg_query(struct db *db, const char *sql, const char *types, va_list ap)
{
    struct db_stmt *s = stmt_get(db, sql, types);
    VG_ASSERT(!s->active); /* the last run of this SQL text was not given to db_done */
    s->active = true;
    s->res = NULL;
    s->n_rows = s->row = 0;
    bind_all(s, types, ap);
    s->rc = conn_ready(db);
    if (s->rc == 0 && !s->prepared)
        s->rc = stmt_prepare(s);
    if (s->rc < 0)
        return s;
    PGresult *res = PQexecPrepared(db->conn, s->name, s->n_params, s->values, NULL, NULL, 0);
    ExecStatusType status = PQresultStatus(res);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
        note_changes(db, res);
        if (s->touches_auth && db->changes > 0) {
            db->auth_changed = db->in_tx;
            token_cache_clear();
        }
        s->res = res;
        s->n_rows = PQntuples(res);
        s->rc = DB_DONE;
    } else {
        s->rc = fail_with(db, res);
        PQclear(res);
    }
    return s;
}

static int pg_step(struct db_stmt *s)
{
    VG_ASSERT(s->active);
    if (s->rc < 0)
        return s->rc;
    if (s->row < s->n_rows) {
        s->row++;
        return DB_ROW;
    }
    return DB_DONE;
}

static void pg_done(struct db_stmt *s)
{
    PQclear(s->res);
    s->res = NULL;
    s->active = false;
    for (int i = 0; i < s->n_params; i++)
        s->values[i] = NULL; /* the caller's strings are not ours to keep */
}

static void pg_finish_all(struct db *db)
{
    for (int i = 0; i < db->n_cache; i++)
        if (db->cache[i]->active)
            pg_done(db->cache[i]);
}

/* The current row's column col, or NULL for SQL NULL. */
static const char *value_of(struct db_stmt *s, int col)
{
    VG_ASSERT(s->res && s->row > 0 && s->row <= s->n_rows);
    VG_ASSERT(col >= 0 && col < PQnfields(s->res));
    if (PQgetisnull(s->res, s->row - 1, col))
        return NULL;
    return PQgetvalue(s->res, s->row - 1, col);
}

static int64_t pg_int(struct db_stmt *s, int col)
{
    const char *v = value_of(s, col);
    if (!v)
        return 0;
    /* A boolean expression reads as 1/0, as SQLite gives it. */
    if (strcmp(v, "t") == 0)
        return 1;
    if (strcmp(v, "f") == 0)
        return 0;
    return strtoll(v, NULL, 10);
}

static const char *pg_text(struct db_stmt *s, int col)
{
    return value_of(s, col);
}

static bool pg_null(struct db_stmt *s, int col)
{
    return value_of(s, col) == NULL;
}

static int64_t pg_changes(struct db *db)
{
    return db->changes;
}

static void pg_rollback(struct db *db);

static int pg_begin(struct db *db)
{
    int rc = pg_exec(db, "BEGIN");
    if (rc == 0)
        db->in_tx = true;
    return rc;
}

/* A transaction that had a failed statement is rolled back, and that is a failure. */
static int pg_commit(struct db *db)
{
    if (PQstatus(db->conn) == CONNECTION_OK && PQtransactionStatus(db->conn) == PQTRANS_INERROR) {
        char *why = xstrdup(db->err ? db->err : "");
        pg_rollback(db);
        char *msg = xasprintf("the transaction was rolled back after an error: %s", why);
        set_err(db, msg);
        free(msg);
        free(why);
        return DB_ERR;
    }
    int rc = pg_exec(db, "COMMIT");
    if (PQstatus(db->conn) == CONNECTION_OK && PQtransactionStatus(db->conn) == PQTRANS_IDLE)
        db->in_tx = false;
    if (db->auth_changed) {
        db->auth_changed = false;
        token_cache_clear();
    }
    return rc;
}

static void pg_rollback(struct db *db)
{
    if (PQstatus(db->conn) == CONNECTION_OK && PQtransactionStatus(db->conn) != PQTRANS_IDLE) {
        if (!PQsendQuery(db->conn, "ROLLBACK"))
            goto out;
        PGresult *res;
        while ((res = PQgetResult(db->conn)))
            PQclear(res);
    }
out:
    db->in_tx = false;
    if (db->auth_changed) {
        db->auth_changed = false;
        token_cache_clear();
    }
}

const struct db_ops db_pg_ops = {
    .engine = DB_POSTGRES,
    .open = pg_open,
    .close = pg_close,
    .errmsg = pg_errmsg,
    .exec = pg_exec,
    .query = pg_query,
    .step = pg_step,
    .done = pg_done,
    .changes = pg_changes,
    .col_int = pg_int,
    .col_text = pg_text,
    .col_null = pg_null,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .finish_all = pg_finish_all,
};
