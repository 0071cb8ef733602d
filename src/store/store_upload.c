/*
 * Uploads: see upload_store.h. Every read joins the owning partner for its
 * delivery agent, so the policy check (a posthouse sees the uploads of the
 * partners it delivers for) needs no second query. Commits are conditional
 * UPDATEs on (generation, offset): of two writers racing, in threads or in
 * processes, only the one that took the upload last can move its offset.
 */
#include "store/upload_store.h"

#include <string.h>

#include "store/db.h"
#include "store/store.h"

#define UPLOAD_COLS                                                                                \
    "u.id, u.partner_id, p.agent_id, u.user_id, u.filename, u.metadata, u.length,"                 \
    " u.upload_offset, u.state, u.generation, u.hash_state, u.sha256, u.md5, u.created_at,"        \
    " u.updated_at, u.expires_at, u.completed_at, u.concat"

static int err_of(int rc)
{
    return rc == DB_ERR_CONSTRAINT ? STORE_ERR_CONFLICT : rc < 0 ? STORE_ERR : STORE_OK;
}

static int64_t int_or(struct db_stmt *st, int col, int64_t dflt)
{
    return db_null(st, col) ? dflt : db_int(st, col);
}

static void upload_read(struct db_stmt *st, struct arena *a, struct upload_row *u)
{
    memset(u, 0, sizeof *u);
    const char *id = db_text(st, 0);
    strncpy(u->id, id ? id : "", UPLOAD_ID_LEN);
    u->partner_id = db_int(st, 1);
    u->agent_id = int_or(st, 2, 0);
    u->user_id = int_or(st, 3, 0);
    u->filename = arena_strdup(a, db_text(st, 4));
    u->metadata = arena_strdup(a, db_text(st, 5));
    u->length = int_or(st, 6, -1);
    u->offset = db_int(st, 7);
    u->state = arena_strdup(a, db_text(st, 8));
    u->generation = db_int(st, 9);
    u->hash_state = arena_strdup(a, db_text(st, 10));
    u->sha256 = arena_strdup(a, db_text(st, 11));
    u->md5 = arena_strdup(a, db_text(st, 12));
    u->created_at = db_int(st, 13);
    u->updated_at = db_int(st, 14);
    u->expires_at = int_or(st, 15, 0);
    u->completed_at = int_or(st, 16, 0);
    u->concat = arena_strdup(a, db_text(st, 17));
}

bool upload_is_partial(const struct upload_row *u)
{
    return u->concat && !strcmp(u->concat, "partial");
}

bool upload_is_final(const struct upload_row *u)
{
    return u->concat && !strncmp(u->concat, "final;", 6);
}

int store_upload_add(struct db *db, const struct upload_row *u)
{
    const char *state = u->state ? u->state : "open";
    int rc = db_run(db,
                    "INSERT INTO uploads(id, partner_id, user_id, filename, metadata, length,"
                    " upload_offset, state, generation, hash_state, sha256, md5, created_at,"
                    " updated_at, expires_at, completed_at, concat)"
                    " VALUES (?, ?, ?, ?, ?, ?, 0, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)",
                    "siIssissssiiIIs", u->id, u->partner_id, u->user_id, u->filename, u->metadata,
                    u->length >= 0 ? u->length : 0, state, u->hash_state, u->sha256, u->md5,
                    u->created_at, u->updated_at, u->expires_at, u->completed_at, u->concat);
    if (rc >= 0 && u->length < 0)
        rc = db_run(db, "UPDATE uploads SET length = NULL WHERE id = ?", "s", u->id);
    return err_of(rc);
}

int store_upload_get(struct db *db, struct arena *a, const char *id, struct upload_row *out)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT " UPLOAD_COLS " FROM uploads u"
                                  " JOIN partners p ON p.id = u.partner_id WHERE u.id = ?",
                                  "s", id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        upload_read(st, a, out);
    db_done(st);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_ERR_NOT_FOUND : STORE_ERR;
}

int store_upload_take(struct db *db, struct arena *a, const char *id, struct upload_row *out)
{
    int rc = db_run(db, "UPDATE uploads SET generation = generation + 1 WHERE id = ?", "s", id);
    if (rc < 0)
        return STORE_ERR;
    if (db_changes(db) == 0)
        return STORE_ERR_NOT_FOUND;
    return store_upload_get(db, a, id, out);
}

int store_upload_commit(struct db *db, const char *id, int64_t gen, int64_t offset,
                        const char *hash_state, int64_t expires_at, bool complete,
                        const char *sha256, const char *md5, int64_t now, bool *ok)
{
    int rc =
        db_run(db,
               "UPDATE uploads SET upload_offset = ?, hash_state = ?, expires_at = ?,"
               " updated_at = ?, state = ?, sha256 = ?, md5 = ?, completed_at = ?"
               " WHERE id = ? AND generation = ? AND upload_offset <= ? AND state = 'open'",
               "isIisssIsii", offset, hash_state, complete ? 0 : expires_at, now,
               complete ? "complete" : "open", sha256, md5, complete ? now : 0, id, gen, offset);
    *ok = rc >= 0 && db_changes(db) == 1;
    return err_of(rc);
}

int store_upload_set_length(struct db *db, const char *id, int64_t length, bool *ok)
{
    int rc = db_run(db, "UPDATE uploads SET length = ? WHERE id = ? AND length IS NULL", "is",
                    length, id);
    *ok = rc >= 0 && db_changes(db) == 1;
    return err_of(rc);
}

int store_upload_delete(struct db *db, const char *id)
{
    int rc = db_run(db, "DELETE FROM uploads WHERE id = ?", "s", id);
    if (rc < 0)
        return STORE_ERR;
    return db_changes(db) ? STORE_OK : STORE_ERR_NOT_FOUND;
}

int store_upload_set_expired(struct db *db, const char *id, int64_t now)
{
    int rc = db_run(db,
                    "UPDATE uploads SET state = 'expired', hash_state = NULL, updated_at = ?,"
                    " generation = generation + 1 WHERE id = ? AND state = 'open'",
                    "is", now, id);
    return err_of(rc);
}

int store_upload_bytes_of_partner(struct db *db, int64_t partner_id, int64_t *bytes)
{
    int rc = db_query_int(db, bytes,
                          "SELECT COALESCE(SUM(COALESCE(length, upload_offset)), 0)"
                          " FROM uploads WHERE partner_id = ? AND state <> 'expired'",
                          "i", partner_id);
    return rc == DB_ROW ? STORE_OK : STORE_ERR;
}

int store_upload_each(struct db *db, struct arena *a, int64_t partner_id, int64_t org_id,
                      int (*fn)(const struct upload_row *, void *), void *ctx)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT " UPLOAD_COLS " FROM uploads u"
                                  " JOIN partners p ON p.id = u.partner_id"
                                  " WHERE (? = 0 OR u.partner_id = ?)"
                                  " AND (? = 0 OR u.partner_id = ? OR p.agent_id = ?)"
                                  " ORDER BY u.created_at DESC, u.id",
                                  "iiiii", partner_id, partner_id, org_id, org_id, org_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct upload_row u;
        upload_read(st, a, &u);
        if (fn(&u, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_upload_expired_ids(struct db *db, int64_t now, char (*ids)[UPLOAD_ID_LEN + 1], int max,
                             int *n)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT id FROM uploads WHERE state = 'open' AND expires_at < ?"
                                  " ORDER BY expires_at LIMIT ?",
                                  "ii", now, (int64_t)max);
    int rc;
    *n = 0;
    while ((rc = db_step(st)) == DB_ROW && *n < max) {
        const char *id = db_text(st, 0);
        strncpy(ids[*n], id ? id : "", UPLOAD_ID_LEN);
        ids[*n][UPLOAD_ID_LEN] = '\0';
        (*n)++;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_upload_each_open(struct db *db, struct arena *a,
                           int (*fn)(const struct upload_row *, void *), void *ctx)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT " UPLOAD_COLS " FROM uploads u"
                                  " JOIN partners p ON p.id = u.partner_id"
                                  " WHERE u.state = 'open' ORDER BY u.id",
                                  "");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct upload_row u;
        upload_read(st, a, &u);
        if (fn(&u, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_upload_set_md5(struct db *db, const char *id, const char *md5)
{
    return err_of(db_run(db,
                         "UPDATE uploads SET md5 = ?, hash_state = NULL"
                         " WHERE id = ? AND state = 'complete' AND md5 IS NULL",
                         "ss", md5, id));
}

int store_upload_md5_pending(struct db *db, char (*ids)[UPLOAD_ID_LEN + 1], int max, int *n)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT id FROM uploads WHERE state = 'complete' AND md5 IS NULL"
                                  " ORDER BY completed_at LIMIT ?",
                                  "i", (int64_t)max);
    int rc;
    *n = 0;
    while ((rc = db_step(st)) == DB_ROW && *n < max) {
        const char *id = db_text(st, 0);
        strncpy(ids[*n], id ? id : "", UPLOAD_ID_LEN);
        ids[*n][UPLOAD_ID_LEN] = '\0';
        (*n)++;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}
