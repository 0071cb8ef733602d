/*
 * The outbox's rows: see mail_store.h.
 *
 * The claim is the one place where the engines differ. On PostgreSQL the
 * candidate is picked with FOR UPDATE SKIP LOCKED, so concurrent senders in
 * several processes pass each other by instead of queueing on one row; on
 * SQLite db_begin already holds the database's write lock, so a plain SELECT
 * sees no rival. Either way the UPDATE that takes the row repeats the
 * conditions (still queued, still due): a sender whose candidate was taken
 * meanwhile changes nothing and looks again, which is what guarantees that
 * a message is attempted by one sender at a time.
 */
#include "store/mail_store.h"

#include <stdint.h>

#include "store/db.h"

#define MAIL_COLS                                                                                  \
    "id, to_email, to_user, partner_id, template, subject, body, message_id, created_at,"          \
    " sent_at, attempts, next_attempt_at, state, last_reply"

static int err_of(int rc)
{
    return rc == DB_ERR_CONSTRAINT ? STORE_ERR_CONFLICT : rc < 0 ? STORE_ERR : STORE_OK;
}

static int64_t int_or_0(struct db_stmt *st, int col)
{
    return db_null(st, col) ? 0 : db_int(st, col);
}

static void mail_read(struct db_stmt *st, struct arena *a, struct mail_row *out)
{
    out->id = db_int(st, 0);
    out->to_email = arena_strdup(a, db_text(st, 1));
    out->to_user = int_or_0(st, 2);
    out->partner_id = int_or_0(st, 3);
    out->template_name = arena_strdup(a, db_text(st, 4));
    out->subject = arena_strdup(a, db_text(st, 5));
    out->body = arena_strdup(a, db_text(st, 6));
    out->message_id = arena_strdup(a, db_text(st, 7));
    out->created_at = db_int(st, 8);
    out->sent_at = int_or_0(st, 9);
    out->attempts = db_int(st, 10);
    out->next_attempt_at = int_or_0(st, 11);
    out->state = arena_strdup(a, db_text(st, 12));
    out->last_reply = arena_strdup(a, db_text(st, 13));
}

int store_mail_add(struct db *db, const struct mail_row *m, int64_t *id)
{
    return err_of(db_run_id(db, id,
                            "INSERT INTO outbox(to_email, to_user, partner_id, template, subject,"
                            " body, message_id, created_at, attempts, next_attempt_at, state)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                            "sIIssssiiIs", m->to_email, m->to_user, m->partner_id, m->template_name,
                            m->subject, m->body, m->message_id, m->created_at, m->attempts,
                            m->next_attempt_at, m->state));
}

int store_mail_get(struct db *db, struct arena *a, int64_t id, struct mail_row *out)
{
    struct db_stmt *st = db_query(db, "SELECT " MAIL_COLS " FROM outbox WHERE id = ?", "i", id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        mail_read(st, a, out);
    db_done(st);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_ERR_NOT_FOUND : STORE_ERR;
}

/* Calls fn for each row of st (MAIL_COLS) and finishes it. */
static int each_mail(struct db_stmt *st, struct arena *a,
                     int (*fn)(const struct mail_row *, void *), void *ctx)
{
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct mail_row m;
        mail_read(st, a, &m);
        if (fn(&m, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

/* Calls fn for each row of st (message, at, reply, ok) and finishes it. */
static int each_attempt(struct db_stmt *st, struct arena *a,
                        int (*fn)(const struct mail_attempt_row *, void *), void *ctx)
{
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct mail_attempt_row t;
        t.message = db_int(st, 0);
        t.at = db_int(st, 1);
        t.reply = arena_strdup(a, db_text(st, 2));
        t.ok = db_int(st, 3) != 0;
        if (fn(&t, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_mail_each(struct db *db, struct arena *a, const char *to_email, int64_t before_id,
                    int limit, int (*fn)(const struct mail_row *, void *), void *ctx)
{
    struct mail_filter f = {.to_email = to_email};
    return store_mail_find(db, a, &f, before_id, limit, fn, ctx);
}

int store_mail_attempts_each(struct db *db, struct arena *a, const char *to_email, int64_t first_id,
                             int64_t last_id, int (*fn)(const struct mail_attempt_row *, void *),
                             void *ctx)
{
    struct mail_filter f = {.to_email = to_email};
    return store_mail_find_attempts(db, a, &f, first_id, last_id, fn, ctx);
}

/* The filter conditions every listing repeats after its leading (indexed) one. */
#define MAIL_FILTER                                                                                \
    " AND (? IS NULL OR to_email = ?) AND (? IS NULL OR state = ?)"                                \
    " AND (? = 0 OR partner_id = ?)"
#define MAIL_FILTER_M                                                                              \
    " AND (? IS NULL OR m.to_email = ?) AND (? IS NULL OR m.state = ?)"                            \
    " AND (? = 0 OR m.partner_id = ?)"

int store_mail_find(struct db *db, struct arena *a, const struct mail_filter *f, int64_t before_id,
                    int limit, int (*fn)(const struct mail_row *, void *), void *ctx)
{
    int64_t below = before_id > 0 ? before_id : INT64_MAX, lim = limit;
    const char *to = f->to_email, *state = f->state;
    int64_t pid = f->partner_id;
    struct db_stmt *st;
    if (pid)
        st = db_query(db,
                      "SELECT " MAIL_COLS " FROM outbox WHERE partner_id = ? AND id < ?" MAIL_FILTER
                      " ORDER BY id DESC LIMIT ?",
                      "iissssiii", pid, below, to, to, state, state, pid, pid, lim);
    else if (to)
        st = db_query(db,
                      "SELECT " MAIL_COLS " FROM outbox WHERE to_email = ? AND id < ?" MAIL_FILTER
                      " ORDER BY id DESC LIMIT ?",
                      "sissssiii", to, below, to, to, state, state, pid, pid, lim);
    else if (state)
        st = db_query(db,
                      "SELECT " MAIL_COLS " FROM outbox WHERE state = ? AND id < ?" MAIL_FILTER
                      " ORDER BY id DESC LIMIT ?",
                      "sissssiii", state, below, to, to, state, state, pid, pid, lim);
    else
        st = db_query(db, "SELECT " MAIL_COLS " FROM outbox WHERE id < ? ORDER BY id DESC LIMIT ?",
                      "ii", below, lim);
    return each_mail(st, a, fn, ctx);
}

int store_mail_find_attempts(struct db *db, struct arena *a, const struct mail_filter *f,
                             int64_t first_id, int64_t last_id,
                             int (*fn)(const struct mail_attempt_row *, void *), void *ctx)
{
    const char *to = f->to_email, *state = f->state;
    int64_t pid = f->partner_id;
    struct db_stmt *st;
    if (pid)
        st = db_query(db,
                      "SELECT t.message, t.at, t.reply, t.ok FROM outbox m"
                      " JOIN outbox_attempts t ON t.message = m.id"
                      " WHERE m.partner_id = ? AND m.id BETWEEN ? AND ?" MAIL_FILTER_M
                      " ORDER BY t.message, t.id",
                      "iiissssii", pid, first_id, last_id, to, to, state, state, pid, pid);
    else if (to)
        st = db_query(db,
                      "SELECT t.message, t.at, t.reply, t.ok FROM outbox m"
                      " JOIN outbox_attempts t ON t.message = m.id"
                      " WHERE m.to_email = ? AND m.id BETWEEN ? AND ?" MAIL_FILTER_M
                      " ORDER BY t.message, t.id",
                      "siissssii", to, first_id, last_id, to, to, state, state, pid, pid);
    else if (state)
        st = db_query(db,
                      "SELECT t.message, t.at, t.reply, t.ok FROM outbox m"
                      " JOIN outbox_attempts t ON t.message = m.id"
                      " WHERE m.state = ? AND m.id BETWEEN ? AND ?" MAIL_FILTER_M
                      " ORDER BY t.message, t.id",
                      "siissssii", state, first_id, last_id, to, to, state, state, pid, pid);
    else
        st = db_query(db,
                      "SELECT t.message, t.at, t.reply, t.ok FROM outbox_attempts t"
                      " WHERE t.message BETWEEN ? AND ? ORDER BY t.message, t.id",
                      "ii", first_id, last_id);
    return each_attempt(st, a, fn, ctx);
}

/* The id of the queued message due longest, 0 when none. */
static int due_candidate(struct db *db, int64_t now, int max_attempts, int64_t *id)
{
    struct db_stmt *st =
        db_engine(db) == DB_POSTGRES
            ? db_query(db,
                       "SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= ?"
                       " AND attempts < ? ORDER BY next_attempt_at, id LIMIT 1"
                       " FOR UPDATE SKIP LOCKED",
                       "ii", now, (int64_t)max_attempts)
            : db_query(db,
                       "SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= ?"
                       " AND attempts < ? ORDER BY next_attempt_at, id LIMIT 1",
                       "ii", now, (int64_t)max_attempts);
    int rc = db_step(st);
    *id = rc == DB_ROW ? db_int(st, 0) : 0;
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_mail_claim(struct db *db, struct arena *a, int64_t now, int64_t lease_until,
                     int max_attempts, struct mail_row *out)
{
    /* A candidate taken by a rival between SELECT and UPDATE: look again, a few times. */
    for (int tries = 0; tries < 8; tries++) {
        int64_t id;
        int rc = due_candidate(db, now, max_attempts, &id);
        if (rc < 0)
            return rc;
        if (id == 0)
            return STORE_ERR_NOT_FOUND;
        rc = db_run(db,
                    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?"
                    " WHERE id = ? AND state = 'queued' AND next_attempt_at <= ? AND attempts < ?",
                    "iiii", lease_until, id, now, (int64_t)max_attempts);
        if (rc < 0)
            return STORE_ERR;
        if (db_changes(db) == 1)
            return store_mail_get(db, a, id, out);
    }
    return STORE_ERR_NOT_FOUND;
}

int store_mail_finish(struct db *db, int64_t id, const char *state, int64_t at,
                      int64_t next_attempt_at, const char *reply, bool ok)
{
    int64_t sent_at = ok ? at : 0;
    int rc = db_run(db,
                    "UPDATE outbox SET state = ?, sent_at = ?, next_attempt_at = ?,"
                    " last_reply = ? WHERE id = ?",
                    "sIIsi", state, sent_at, next_attempt_at, reply, id);
    if (rc < 0)
        return STORE_ERR;
    if (db_changes(db) != 1)
        return STORE_ERR_NOT_FOUND;
    return err_of(db_run(db,
                         "INSERT INTO outbox_attempts(message, at, reply, ok) VALUES (?, ?, ?, ?)",
                         "iisb", id, at, reply, (int)ok));
}

int store_mail_give_up(struct db *db, int64_t now, int max_attempts, int64_t *n)
{
    *n = 0;
    int rc = db_run(db,
                    "UPDATE outbox SET state = 'failed', next_attempt_at = NULL,"
                    " last_reply = 'gave up: the sender stopped during the last attempt'"
                    " WHERE state = 'queued' AND attempts >= ? AND next_attempt_at <= ?",
                    "ii", (int64_t)max_attempts, now);
    if (rc < 0)
        return STORE_ERR;
    *n = db_changes(db);
    return STORE_OK;
}

int store_mail_next_due(struct db *db, int64_t *at)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT next_attempt_at FROM outbox WHERE state = 'queued'"
                                  " ORDER BY next_attempt_at LIMIT 1",
                                  "");
    int rc = db_step(st);
    *at = rc == DB_ROW ? int_or_0(st, 0) : 0;
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int64_t store_mail_count(struct db *db, const char *state)
{
    int64_t n = 0;
    struct db_stmt *st =
        state ? db_query(db, "SELECT COUNT(*) FROM outbox WHERE state = ?", "s", state)
              : db_query(db, "SELECT COUNT(*) FROM outbox", "");
    if (db_step(st) == DB_ROW)
        n = db_int(st, 0);
    db_done(st);
    return n;
}

int store_mail_each_clear_link(struct db *db, struct arena *a,
                               int (*fn)(const struct mail_row *, void *), void *ctx)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT " MAIL_COLS " FROM outbox WHERE body LIKE ?"
                                  " AND body NOT LIKE ? ORDER BY id",
                                  "ss", "%/invitations/%", "%/invitations/~%");
    return each_mail(st, a, fn, ctx);
}

int store_mail_set_body(struct db *db, int64_t id, const char *body)
{
    return err_of(db_run(db, "UPDATE outbox SET body = ? WHERE id = ?", "si", body, id));
}
