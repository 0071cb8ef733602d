/*
 * The lifecycle store: see lifecycle_store.h.
 */
#include "store/lifecycle_store.h"

#include <string.h>

#include "store/db.h"

static int err_of(int rc)
{
    return rc == DB_ERR_CONSTRAINT ? STORE_ERR_CONFLICT : rc < 0 ? STORE_ERR : STORE_OK;
}

/* Runs an UPDATE expected to touch one row: STORE_ERR_NOT_FOUND when it touched none. */
static int one_row(struct db *db, int rc)
{
    if (rc < 0)
        return err_of(rc);
    return db_changes(db) ? STORE_OK : STORE_ERR_NOT_FOUND;
}

static int64_t int_or_0(struct db_stmt *st, int col)
{
    return db_null(st, col) ? 0 : db_int(st, col);
}

int store_partner_set_stage(struct db *db, int64_t id, const char *stage, int64_t at)
{
    return one_row(db, db_run(db, "UPDATE partners SET stage = ?, stage_at = ? WHERE id = ?", "sii",
                              stage, at, id));
}

int store_partner_set_owner(struct db *db, int64_t id, const char *owner, int64_t user_id)
{
    /* One literal statement per column: SQL text is never built from input. */
    int rc;
    if (!strcmp(owner, "cam"))
        rc = db_run(db, "UPDATE partners SET cam_id = ? WHERE id = ?", "Ii", user_id, id);
    else if (!strcmp(owner, "pim"))
        rc = db_run(db, "UPDATE partners SET pim_id = ? WHERE id = ?", "Ii", user_id, id);
    else if (!strcmp(owner, "pom"))
        rc = db_run(db, "UPDATE partners SET pom_id = ? WHERE id = ?", "Ii", user_id, id);
    else if (!strcmp(owner, "plm"))
        rc = db_run(db, "UPDATE partners SET plm_id = ? WHERE id = ?", "Ii", user_id, id);
    else
        return STORE_ERR;
    return one_row(db, rc);
}

int store_partner_set_alias(struct db *db, int64_t id, const char *alias)
{
    return one_row(db, db_run(db, "UPDATE partners SET alias = ? WHERE id = ?", "si", alias, id));
}

int store_partner_set_agent(struct db *db, int64_t id, int64_t agent_id)
{
    return one_row(db,
                   db_run(db, "UPDATE partners SET agent_id = ? WHERE id = ?", "Ii", agent_id, id));
}

int store_partner_set_plan(struct db *db, int64_t id, const char *modules_json, bool skipped)
{
    return one_row(db, db_run(db,
                              "UPDATE partners SET training_modules = ?, training_skipped = ?"
                              " WHERE id = ?",
                              "sbi", modules_json, (int)skipped, id));
}

int store_partner_set_formats(struct db *db, int64_t id, const char *formats_json)
{
    return one_row(db, db_run(db, "UPDATE partners SET approved_formats = ? WHERE id = ?", "si",
                              formats_json, id));
}

int store_partner_add_warning(struct db *db, int64_t id, int64_t max, int64_t *count)
{
    /* conditional, so two sweeps on PostgreSQL can never take the count past max */
    int rc = one_row(db, db_run(db,
                                "UPDATE partners SET warnings = warnings + 1"
                                " WHERE id = ? AND warnings < ?",
                                "ii", id, max));
    if (rc == STORE_ERR_NOT_FOUND)
        return STORE_ERR_CONFLICT;
    if (rc < 0)
        return rc;
    return db_run_id(db, count, "SELECT warnings FROM partners WHERE id = ?", "i", id) < 0
               ? STORE_ERR
               : STORE_OK;
}

int store_partner_reset_warnings(struct db *db, int64_t id)
{
    return one_row(db, db_run(db, "UPDATE partners SET warnings = 0 WHERE id = ?", "i", id));
}

int store_partner_set_decision(struct db *db, int64_t id, bool pending)
{
    return one_row(db, db_run(db, "UPDATE partners SET decision_pending = ? WHERE id = ?", "bi",
                              (int)pending, id));
}

int store_questionnaire_put(struct db *db, const char *version, const char *definition, int64_t now)
{
    return err_of(db_run(db,
                         "INSERT INTO questionnaires(version, definition, loaded_at)"
                         " VALUES (?, ?, ?) ON CONFLICT (version) DO NOTHING",
                         "ssi", version, definition, now));
}

int store_questionnaire_get(struct db *db, struct arena *a, const char *version, char **definition)
{
    struct db_stmt *st =
        db_query(db, "SELECT definition FROM questionnaires WHERE version = ?", "s", version);
    int rc = db_step(st);
    if (rc == DB_ROW)
        *definition = arena_strdup(a, db_text(st, 0));
    db_done(st);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_ERR_NOT_FOUND : STORE_ERR;
}

int store_answers_get(struct db *db, struct arena *a, int64_t partner_id, struct answers_row *out)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT partner_id, version, answers, status, sent_at,"
                                  " updated_at, submitted_at, submitted_by"
                                  " FROM questionnaire_answers WHERE partner_id = ?",
                                  "i", partner_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->partner_id = db_int(st, 0);
        out->version = arena_strdup(a, db_text(st, 1));
        out->answers = arena_strdup(a, db_text(st, 2));
        out->status = arena_strdup(a, db_text(st, 3));
        out->sent_at = int_or_0(st, 4);
        out->updated_at = db_int(st, 5);
        out->submitted_at = int_or_0(st, 6);
        out->submitted_by = int_or_0(st, 7);
    }
    db_done(st);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_ERR_NOT_FOUND : STORE_ERR;
}

int store_answers_put(struct db *db, const struct answers_row *r)
{
    return err_of(db_run(db,
                         "INSERT INTO questionnaire_answers(partner_id, version, answers, status,"
                         " sent_at, updated_at, submitted_at, submitted_by)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (partner_id) DO UPDATE SET"
                         " version = excluded.version, answers = excluded.answers,"
                         " status = excluded.status, sent_at = excluded.sent_at,"
                         " updated_at = excluded.updated_at, submitted_at = excluded.submitted_at,"
                         " submitted_by = excluded.submitted_by",
                         "isssIiII", r->partner_id, r->version, r->answers, r->status, r->sent_at,
                         r->updated_at, r->submitted_at, r->submitted_by));
}

int store_setup_each(struct db *db, struct arena *a, int64_t partner_id, struct setup_row *rows,
                     int max, int *n)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT item, status, owner_id, value, updated_at"
                                  " FROM setup_items WHERE partner_id = ? ORDER BY item",
                                  "i", partner_id);
    int rc;
    *n = 0;
    while ((rc = db_step(st)) == DB_ROW && *n < max) {
        struct setup_row *r = &rows[(*n)++];
        r->item = arena_strdup(a, db_text(st, 0));
        r->status = arena_strdup(a, db_text(st, 1));
        r->owner_id = int_or_0(st, 2);
        r->value = arena_strdup(a, db_text(st, 3));
        r->updated_at = db_int(st, 4);
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_setup_set(struct db *db, int64_t partner_id, const char *item, const char *status,
                    int64_t owner_id, const char *value, int64_t now)
{
    return err_of(db_run(db,
                         "INSERT INTO setup_items(partner_id, item, status, owner_id, value,"
                         " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (partner_id, item)"
                         " DO UPDATE SET status = excluded.status, owner_id = excluded.owner_id,"
                         " value = excluded.value, updated_at = excluded.updated_at",
                         "issIsi", partner_id, item, status, owner_id, value, now));
}

int store_transfer_set(struct db *db, int64_t partner_id, const char *username,
                       const char *token_hash, int64_t by, int64_t now, bool *rotated)
{
    int64_t n = 0;
    int rc = db_query_int(db, &n, "SELECT COUNT(*) FROM transfer_accounts WHERE partner_id = ?",
                          "i", partner_id);
    if (rc < 0)
        return STORE_ERR;
    *rotated = n > 0;
    if (*rotated)
        return err_of(db_run(db,
                             "UPDATE transfer_accounts SET username = ?, token_hash = ?,"
                             " rotated_at = ?, rotated_by = ? WHERE partner_id = ?",
                             "ssiIi", username, token_hash, now, by, partner_id));
    return err_of(db_run(db,
                         "INSERT INTO transfer_accounts(partner_id, username, token_hash,"
                         " created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                         "issiI", partner_id, username, token_hash, now, by));
}

#define TRANSFER_COLS "partner_id, username, created_at, created_by, rotated_at, rotated_by"

static int transfer_one(struct db_stmt *st, struct arena *a, struct transfer_row *out)
{
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->partner_id = db_int(st, 0);
        out->username = arena_strdup(a, db_text(st, 1));
        out->created_at = db_int(st, 2);
        out->created_by = int_or_0(st, 3);
        out->rotated_at = int_or_0(st, 4);
        out->rotated_by = int_or_0(st, 5);
    }
    db_done(st);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_ERR_NOT_FOUND : STORE_ERR;
}

int store_transfer_get(struct db *db, struct arena *a, int64_t partner_id,
                       struct transfer_row *out)
{
    return transfer_one(db_query(db,
                                 "SELECT " TRANSFER_COLS " FROM transfer_accounts"
                                 " WHERE partner_id = ?",
                                 "i", partner_id),
                        a, out);
}

int store_transfer_lookup(struct db *db, struct arena *a, const char *token_hash,
                          struct transfer_row *out)
{
    return transfer_one(db_query(db,
                                 "SELECT " TRANSFER_COLS " FROM transfer_accounts"
                                 " WHERE token_hash = ?",
                                 "s", token_hash),
                        a, out);
}

int store_transfer_delete(struct db *db, int64_t partner_id)
{
    int rc = db_run(db, "DELETE FROM transfer_accounts WHERE partner_id = ?", "i", partner_id);
    if (rc < 0)
        return err_of(rc);
    return db_changes(db) ? STORE_OK : STORE_ERR_NOT_FOUND;
}

int store_transfer_rename(struct db *db, int64_t partner_id, const char *username)
{
    return err_of(db_run(db, "UPDATE transfer_accounts SET username = ? WHERE partner_id = ?",
                         "si", username, partner_id));
}

int store_invitation_add(struct db *db, const char *token_hash, int64_t user_id, int64_t now,
                         int64_t expires_at)
{
    return err_of(db_run(db,
                         "INSERT INTO invitations(token_hash, user_id, created_at, expires_at)"
                         " VALUES (?, ?, ?, ?)",
                         "siii", token_hash, user_id, now, expires_at));
}

int store_invitation_use(struct db *db, const char *token_hash, int64_t now, int64_t *user_id)
{
    int rc = db_run(db,
                    "UPDATE invitations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
                    " AND expires_at > ?",
                    "isi", now, token_hash, now);
    if (rc < 0)
        return STORE_ERR;
    if (db_changes(db) != 1)
        return STORE_ERR_NOT_FOUND;
    return db_run_id(db, user_id, "SELECT user_id FROM invitations WHERE token_hash = ?", "s",
                     token_hash) < 0
               ? STORE_ERR
               : STORE_OK;
}

int store_invitation_get(struct db *db, const char *token_hash, struct invitation_row *out)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT user_id, created_at, expires_at, used_at FROM invitations"
                                  " WHERE token_hash = ?",
                                  "s", token_hash);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->user_id = db_int(st, 0);
        out->created_at = db_int(st, 1);
        out->expires_at = db_int(st, 2);
        out->used_at = int_or_0(st, 3);
    }
    db_done(st);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_ERR_NOT_FOUND : STORE_ERR;
}

int store_user_each_of_partner(struct db *db, struct arena *a, int64_t partner_id,
                               int (*fn)(const struct user *, void *), void *ctx)
{
    /* a disabled account is nobody's colleague and gets no mail */
    struct db_stmt *st = db_query(db,
                                  "SELECT id, email, name, role, partner_id, password_hash,"
                                  " created_at, org_admin, last_sign_in_at FROM users"
                                  " WHERE partner_id = ? AND disabled_at IS NULL ORDER BY id",
                                  "i", partner_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct user u = {0};
        u.id = db_int(st, 0);
        u.email = arena_strdup(a, db_text(st, 1));
        u.name = arena_strdup(a, db_text(st, 2));
        u.role = role_parse(db_text(st, 3));
        u.partner_id = int_or_0(st, 4);
        u.password_hash = arena_strdup(a, db_text(st, 5));
        u.created_at = db_int(st, 6);
        u.org_admin = db_int(st, 7) != 0;
        u.last_sign_in_at = int_or_0(st, 8);
        if (fn(&u, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

#define REQUEST_COLS                                                                               \
    "id, partner_id, kind, title, note, phase, status, issued_at, issued_by, n_rerequests,"        \
    " last_issued_at, late"

static void request_read(struct db_stmt *st, struct arena *a, struct request_row *r)
{
    r->id = db_int(st, 0);
    r->partner_id = db_int(st, 1);
    r->kind = arena_strdup(a, db_text(st, 2));
    r->title = arena_strdup(a, db_text(st, 3));
    r->note = arena_strdup(a, db_text(st, 4));
    r->phase = arena_strdup(a, db_text(st, 5));
    r->status = arena_strdup(a, db_text(st, 6));
    r->issued_at = db_int(st, 7);
    r->issued_by = int_or_0(st, 8);
    r->n_rerequests = db_int(st, 9);
    r->last_issued_at = db_int(st, 10);
    r->late = db_int(st, 11) != 0;
}

int store_request_add(struct db *db, const struct request_row *r, int64_t *id)
{
    return err_of(db_run_id(db, id,
                            "INSERT INTO requests(partner_id, kind, title, note, phase, status,"
                            " issued_at, issued_by, last_issued_at)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                            "isssssiIi", r->partner_id, r->kind, r->title, r->note, r->phase,
                            r->status, r->issued_at, r->issued_by, r->issued_at));
}

int store_request_get(struct db *db, struct arena *a, int64_t id, struct request_row *out)
{
    struct db_stmt *st =
        db_query(db, "SELECT " REQUEST_COLS " FROM requests WHERE id = ?", "i", id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        request_read(st, a, out);
    db_done(st);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_ERR_NOT_FOUND : STORE_ERR;
}

int store_request_each_of_partner(struct db *db, struct arena *a, int64_t partner_id,
                                  int (*fn)(const struct request_row *, void *), void *ctx)
{
    struct db_stmt *st =
        db_query(db, "SELECT " REQUEST_COLS " FROM requests WHERE partner_id = ? ORDER BY id", "i",
                 partner_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct request_row r;
        request_read(st, a, &r);
        if (fn(&r, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_request_rerequest(struct db *db, int64_t id, int64_t at)
{
    return one_row(db, db_run(db,
                              "UPDATE requests SET n_rerequests = n_rerequests + 1,"
                              " last_issued_at = ?, status = 'open' WHERE id = ?",
                              "ii", at, id));
}

int store_request_set_status(struct db *db, int64_t id, const char *status)
{
    return one_row(db, db_run(db, "UPDATE requests SET status = ? WHERE id = ?", "si", status, id));
}

int store_request_set_late(struct db *db, int64_t id)
{
    return one_row(db, db_run(db, "UPDATE requests SET late = 1 WHERE id = ?", "i", id));
}

int store_message_add(struct db *db, const struct message_row *m, int64_t *id)
{
    return err_of(db_run_id(db, id,
                            "INSERT INTO request_messages(request_id, author_id, from_partner,"
                            " body, at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                            "iIbsi", m->request_id, m->author_id, (int)m->from_partner, m->body,
                            m->at));
}

int store_message_each(struct db *db, struct arena *a, int64_t request_id,
                       int (*fn)(const struct message_row *, void *), void *ctx)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT m.id, m.request_id, m.author_id, u.email,"
                                  " m.from_partner, m.body, m.at FROM request_messages m"
                                  " LEFT JOIN users u ON u.id = m.author_id"
                                  " WHERE m.request_id = ? ORDER BY m.id",
                                  "i", request_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct message_row m;
        m.id = db_int(st, 0);
        m.request_id = db_int(st, 1);
        m.author_id = int_or_0(st, 2);
        m.author_email = arena_strdup(a, db_text(st, 3));
        m.from_partner = db_int(st, 4) != 0;
        m.body = arena_strdup(a, db_text(st, 5));
        m.at = db_int(st, 6);
        if (fn(&m, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_warning_add(struct db *db, const struct warning_row *w, int64_t *id)
{
    return err_of(db_run_id(db, id,
                            "INSERT INTO warnings(partner_id, request_id, clock_id, number,"
                            " issued_at, reason) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                            "iIiiis", w->partner_id, w->request_id, w->clock_id, w->number,
                            w->issued_at, w->reason));
}

int store_warning_each(struct db *db, struct arena *a, int64_t partner_id,
                       int (*fn)(const struct warning_row *, void *), void *ctx)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT id, partner_id, request_id, clock_id, number, issued_at,"
                                  " reason FROM warnings WHERE partner_id = ? ORDER BY id",
                                  "i", partner_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct warning_row w;
        w.id = db_int(st, 0);
        w.partner_id = db_int(st, 1);
        w.request_id = int_or_0(st, 2);
        w.clock_id = db_int(st, 3);
        w.number = db_int(st, 4);
        w.issued_at = db_int(st, 5);
        w.reason = arena_strdup(a, db_text(st, 6));
        if (fn(&w, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_decision_add(struct db *db, int64_t partner_id, const char *action, const char *note,
                       int64_t by_user, int64_t at)
{
    return err_of(db_run(db,
                         "INSERT INTO decisions(partner_id, action, note, by_user, at)"
                         " VALUES (?, ?, ?, ?, ?)",
                         "issIi", partner_id, action, note, by_user, at));
}

int store_decision_latest(struct db *db, struct arena *a, int64_t partner_id,
                          struct decision_row *out)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT id, partner_id, action, note, by_user, at FROM decisions"
                                  " WHERE partner_id = ? ORDER BY id DESC LIMIT 1",
                                  "i", partner_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_int(st, 0);
        out->partner_id = db_int(st, 1);
        out->action = arena_strdup(a, db_text(st, 2));
        out->note = db_null(st, 3) ? NULL : arena_strdup(a, db_text(st, 3));
        out->by_user = int_or_0(st, 4);
        out->at = db_int(st, 5);
    }
    db_done(st);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_ERR_NOT_FOUND : STORE_ERR;
}

int store_alternate_add(struct db *db, int64_t partner_id, const char *reason, int64_t by_user,
                        int64_t at, int64_t *id)
{
    return err_of(db_run_id(db, id,
                            "INSERT INTO alternate_requests(partner_id, reason, by_user, at)"
                            " VALUES (?, ?, ?, ?) RETURNING id",
                            "isIi", partner_id, reason, by_user, at));
}

int store_alternate_count_open(struct db *db, int64_t partner_id, int64_t *n)
{
    int rc = db_query_int(db, n,
                          "SELECT COUNT(*) FROM alternate_requests WHERE resolved_at IS"
                          " NULL AND (? = 0 OR partner_id = ?)",
                          "ii", partner_id, partner_id);
    return rc == DB_ROW ? STORE_OK : STORE_ERR;
}
