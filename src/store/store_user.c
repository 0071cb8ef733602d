/*
 * Users, their tokens and the sign-in throttle: see store.h.
 */
#include "store/store.h"

#include <string.h>

#include "core/signin.h"
#include "store/db.h"

#define USER_COLS                                                                                  \
    "u.id, u.email, u.name, u.role, u.partner_id, u.password_hash, u.created_at, u.org_admin,"     \
    " u.disabled_at, u.last_sign_in_at"

/* Reads USER_COLS starting at column col into out (strings in a). */
static void user_read(struct db_stmt *st, int col, struct arena *a, struct user *out)
{
    out->id = db_int(st, col);
    out->email = arena_strdup(a, db_text(st, col + 1));
    out->name = arena_strdup(a, db_text(st, col + 2));
    out->role = role_parse(db_text(st, col + 3));
    out->partner_id = db_null(st, col + 4) ? 0 : db_int(st, col + 4);
    out->password_hash = arena_strdup(a, db_text(st, col + 5));
    out->created_at = db_int(st, col + 6);
    out->org_admin = db_int(st, col + 7) != 0;
    out->disabled_at = db_null(st, col + 8) ? 0 : db_int(st, col + 8);
    out->last_sign_in_at = db_null(st, col + 9) ? 0 : db_int(st, col + 9);
}

static int one_user(struct db_stmt *st, struct arena *a, struct user *out)
{
    int rc = db_step(st);
    if (rc == DB_ROW)
        user_read(st, 0, a, out);
    db_done(st);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_ERR_NOT_FOUND : STORE_ERR;
}

static int err_of(int rc)
{
    return rc == DB_ERR_CONSTRAINT ? STORE_ERR_CONFLICT : rc < 0 ? STORE_ERR : STORE_OK;
}

int store_user_add(struct db *db, const struct user *u, int64_t *id)
{
    return err_of(db_run_id(db, id,
                            "INSERT INTO users(email, name, role, partner_id, password_hash,"
                            " created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                            "sssIsi", u->email, u->name, role_name(u->role), u->partner_id,
                            u->password_hash, u->created_at));
}

int store_user_by_email(struct db *db, struct arena *a, const char *email, struct user *out)
{
    return one_user(db_query(db, "SELECT " USER_COLS " FROM users u WHERE u.email = ?", "s", email),
                    a, out);
}

int store_user_by_id(struct db *db, struct arena *a, int64_t id, struct user *out)
{
    return one_user(db_query(db, "SELECT " USER_COLS " FROM users u WHERE u.id = ?", "i", id), a,
                    out);
}

int store_user_set_password(struct db *db, int64_t id, const char *password_hash)
{
    int rc = db_run(db, "UPDATE users SET password_hash = ? WHERE id = ?", "si", password_hash, id);
    if (rc < 0)
        return STORE_ERR;
    return db_changes(db) ? STORE_OK : STORE_ERR_NOT_FOUND;
}

int store_user_each(struct db *db, struct arena *a, int (*fn)(const struct user *, void *),
                    void *ctx)
{
    struct db_stmt *st = db_query(db, "SELECT " USER_COLS " FROM users u ORDER BY u.id", "");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct user u;
        user_read(st, 0, a, &u);
        if (fn(&u, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_user_each_staff(struct db *db, struct arena *a, int (*fn)(const struct user *, void *),
                          void *ctx)
{
    /* users_partner indexes partner_id, NULLs included: this reads the staff rows only */
    struct db_stmt *st = db_query(db,
                                  "SELECT " USER_COLS " FROM users u WHERE u.partner_id IS NULL"
                                  " ORDER BY u.role, u.name, u.id",
                                  "");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct user u;
        user_read(st, 0, a, &u);
        if (fn(&u, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int64_t store_user_count(struct db *db)
{
    int64_t n = 0;
    struct db_stmt *st = db_query(db, "SELECT COUNT(*) FROM users", "");
    if (db_step(st) == DB_ROW)
        n = db_int(st, 0);
    db_done(st);
    return n;
}

int store_token_add(struct db *db, const char *hash, enum token_kind kind, int64_t user_id,
                    const char *label, int64_t now, int64_t expires_at)
{
    return err_of(db_run(db,
                         "INSERT INTO tokens(hash, kind, user_id, label, created_at,"
                         " expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                         "siisii", hash, (int64_t)kind, user_id, label, now, expires_at));
}

int store_token_lookup(struct db *db, struct arena *a, const char *hash, int64_t now,
                       struct token_row *out)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT t.id, t.kind, t.expires_at, " USER_COLS
                                  " FROM tokens t JOIN users u ON u.id = t.user_id"
                                  " WHERE t.hash = ? AND t.expires_at > ? AND u.disabled_at IS NULL",
                                  "si", hash, now);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_int(st, 0);
        out->kind = (enum token_kind)db_int(st, 1);
        out->expires_at = db_int(st, 2);
        user_read(st, 3, a, &out->user);
    }
    db_done(st);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_ERR_NOT_FOUND : STORE_ERR;
}

int store_token_delete(struct db *db, const char *hash)
{
    return err_of(db_run(db, "DELETE FROM tokens WHERE hash = ?", "s", hash));
}

int store_token_each(struct db *db, struct arena *a, int64_t user_id, enum token_kind kind,
                     int (*fn)(const struct token_info *, void *), void *ctx)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT id, label, created_at, expires_at FROM tokens"
                                  " WHERE user_id = ? AND kind = ? ORDER BY id DESC",
                                  "ii", user_id, (int64_t)kind);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct token_info t;
        t.id = db_int(st, 0);
        t.label = arena_strdup(a, db_text(st, 1) ? db_text(st, 1) : "");
        t.created_at = db_int(st, 2);
        t.expires_at = db_int(st, 3);
        if (fn(&t, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_token_count(struct db *db, int64_t user_id, enum token_kind kind, int64_t now, int64_t *n)
{
    int rc = db_query_int(
        db, n, "SELECT COUNT(*) FROM tokens WHERE user_id = ? AND kind = ? AND expires_at > ?",
        "iii", user_id, (int64_t)kind, now);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_token_revoke(struct db *db, int64_t user_id, int64_t id, enum token_kind kind)
{
    if (db_run(db, "DELETE FROM tokens WHERE id = ? AND user_id = ? AND kind = ?", "iii", id,
               user_id, (int64_t)kind) < 0)
        return STORE_ERR;
    return db_changes(db) ? STORE_OK : STORE_ERR_NOT_FOUND;
}

int store_token_end_sessions(struct db *db, int64_t user_id, const char *keep, int64_t *n)
{
    int rc =
        db_run(db, "DELETE FROM tokens WHERE user_id = ? AND kind = ? AND (? IS NULL OR hash <> ?)",
               "iiss", user_id, (int64_t)TOKEN_SESSION, keep, keep);
    *n = rc < 0 ? 0 : db_changes(db);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_throttle_attempt(struct db *db, const char *account, const char *client, int64_t now,
                           int64_t *wait)
{
    *wait = 0;
    if (db_begin(db) < 0)
        return STORE_ERR;
    /* The upsert makes the row if there is none and locks it either way (PostgreSQL waits
       here for a parallel attempt's transaction, then reads what it wrote): the decision
       below reads the count that no one else can change until this transaction ends. */
    struct db_stmt *st = db_query(db,
                                  "INSERT INTO sign_in_throttle(account, client, attempts, last_at)"
                                  " VALUES (?, ?, 0, ?) ON CONFLICT (account, client) DO UPDATE"
                                  " SET attempts = sign_in_throttle.attempts"
                                  " RETURNING attempts, last_at",
                                  "ssi", account, client, now);
    int rc = db_step(st);
    struct signin_attempts a = {0, now};
    if (rc == DB_ROW) {
        a.n = db_int(st, 0);
        a.last_at = db_int(st, 1);
    }
    db_done(st);
    if (rc != DB_ROW)
        goto fail;
    *wait = signin_admit(&a, now);
    if (*wait == 0 && db_run(db,
                             "UPDATE sign_in_throttle SET attempts = ?, last_at = ?"
                             " WHERE account = ? AND client = ?",
                             "iiss", a.n, a.last_at, account, client) < 0)
        goto fail;
    if (db_commit(db) < 0)
        return STORE_ERR;
    /* Outside the transaction (no lock held while deleting others' rows); a failure here
       only leaves old rows for the next attempt to delete. */
    db_run(db, "DELETE FROM sign_in_throttle WHERE last_at <= ?", "i", now - SIGNIN_FORGET);
    return STORE_OK;
fail:
    db_rollback(db);
    *wait = 0;
    return STORE_ERR;
}

int store_throttle_clear(struct db *db, const char *account, const char *client)
{
    return err_of(db_run(db,
                         "DELETE FROM sign_in_throttle WHERE account = ? AND (? IS NULL OR"
                         " client = ?)",
                         "sss", account, client, client));
}

int store_feed_set(struct db *db, int64_t user_id, const char *token_hash)
{
    return err_of(db_run(db,
                         "INSERT INTO user_feeds(user_id, token_hash) VALUES (?, ?)"
                         " ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash",
                         "is", user_id, token_hash));
}

int store_feed_user(struct db *db, struct arena *a, const char *token_hash, struct user *out)
{
    return one_user(db_query(db,
                             "SELECT " USER_COLS " FROM user_feeds f JOIN users u"
                             " ON u.id = f.user_id WHERE f.token_hash = ?",
                             "s", token_hash),
                    a, out);
}

int store_feed_active(struct db *db, int64_t user_id, bool *active)
{
    struct db_stmt *st = db_query(db, "SELECT 1 FROM user_feeds WHERE user_id = ?", "i", user_id);
    int rc = db_step(st);
    *active = rc == DB_ROW;
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_feed_delete(struct db *db, int64_t user_id)
{
    if (db_run(db, "DELETE FROM user_feeds WHERE user_id = ?", "i", user_id) < 0)
        return STORE_ERR;
    return db_changes(db) ? STORE_OK : STORE_ERR_NOT_FOUND;
}

/* ---- what an admin (or an organisation's admin) changes on an account ---- */

static int changed(struct db *db, int rc)
{
    if (rc < 0)
        return STORE_ERR;
    return db_changes(db) ? STORE_OK : STORE_ERR_NOT_FOUND;
}

int store_user_set_role(struct db *db, int64_t id, enum role role)
{
    return changed(db, db_run(db, "UPDATE users SET role = ? WHERE id = ?", "si", role_name(role), id));
}

int store_user_set_org_admin(struct db *db, int64_t id, bool on)
{
    return changed(db, db_run(db, "UPDATE users SET org_admin = ? WHERE id = ?", "ii",
                              (int64_t)(on ? 1 : 0), id));
}

int store_user_disable(struct db *db, int64_t id, int64_t now)
{
    int rc = changed(db, db_run(db,
                                "UPDATE users SET disabled_at = ?, password_hash = NULL,"
                                " org_admin = 0 WHERE id = ?",
                                "ii", now, id));
    if (rc < 0)
        return rc;
    if (db_run(db, "DELETE FROM tokens WHERE user_id = ?", "i", id) < 0 ||
        db_run(db, "DELETE FROM invitations WHERE user_id = ? AND used_at IS NULL", "i", id) < 0)
        return STORE_ERR;
    return STORE_OK;
}

int store_user_enable(struct db *db, int64_t id)
{
    return changed(db, db_run(db, "UPDATE users SET disabled_at = NULL WHERE id = ?", "i", id));
}

int store_user_signed_in(struct db *db, int64_t id, int64_t now)
{
    return changed(db, db_run(db, "UPDATE users SET last_sign_in_at = ? WHERE id = ?", "ii", now, id));
}

