/*
 * Deliveries and the job queue: see delivery_store.h.
 *
 * A job is claimed by a conditional UPDATE on its id (state and lease as
 * read), so of two workers racing for it exactly one changes the row; on
 * PostgreSQL the candidate is read with FOR UPDATE SKIP LOCKED so workers
 * pass each other instead of queueing on one row.
 */
#include "store/delivery_store.h"

#include <stdint.h>

#include "store/db.h"

static int err_of(int rc)
{
    return rc == DB_ERR_CONSTRAINT ? STORE_ERR_CONFLICT : rc < 0 ? STORE_ERR : STORE_OK;
}

static int64_t int_or_0(struct db_stmt *st, int col)
{
    return db_null(st, col) ? 0 : db_int(st, col);
}

#define DELIVERY_COLS                                                                              \
    "id, partner_id, request_id, previous_id, kind, status, created_by, received_at,"              \
    " validated_at, ruleset, n_errors, n_warnings, late, COALESCE(delivered_by, partner_id)"

static void delivery_read(struct db_stmt *st, struct arena *a, struct delivery_row *d)
{
    d->id = db_int(st, 0);
    d->partner_id = db_int(st, 1);
    d->request_id = int_or_0(st, 2);
    d->previous_id = int_or_0(st, 3);
    d->kind = arena_strdup(a, db_text(st, 4));
    d->status = arena_strdup(a, db_text(st, 5));
    d->created_by = int_or_0(st, 6);
    d->received_at = db_int(st, 7);
    d->validated_at = int_or_0(st, 8);
    d->ruleset = arena_strdup(a, db_text(st, 9));
    d->n_errors = db_int(st, 10);
    d->n_warnings = db_int(st, 11);
    d->late = db_int(st, 12) != 0;
    d->delivered_by = db_int(st, 13);
}

int store_delivery_add(struct db *db, const struct delivery_row *d, int64_t *id)
{
    return err_of(db_run_id(db, id,
                            "INSERT INTO deliveries(partner_id, request_id, previous_id, kind,"
                            " status, created_by, received_at, late, delivered_by)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                            "iIIssIibi", d->partner_id, d->request_id, d->previous_id, d->kind,
                            d->status, d->created_by, d->received_at, (int)d->late,
                            d->delivered_by ? d->delivered_by : d->partner_id));
}

int store_delivery_get(struct db *db, struct arena *a, int64_t id, struct delivery_row *out)
{
    struct db_stmt *st =
        db_query(db, "SELECT " DELIVERY_COLS " FROM deliveries WHERE id = ?", "i", id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        delivery_read(st, a, out);
    db_done(st);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_ERR_NOT_FOUND : STORE_ERR;
}

/* Calls fn for each row of st (a query of DELIVERY_COLS) until it returns non-zero; ends st. */
static int each_row(struct db_stmt *st, struct arena *a,
                    int (*fn)(const struct delivery_row *, void *), void *ctx)
{
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct delivery_row d;
        delivery_read(st, a, &d);
        if (fn(&d, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

/*
 * One SQL text per case, each with plain equalities, so that the planner
 * takes the (request_id, id) or (partner_id, id) index: "? = 0 OR col = ?"
 * would be planned once for any value, as a scan of every delivery.
 */
int store_delivery_each(struct db *db, struct arena *a, int64_t partner_id, int64_t request_id,
                        int (*fn)(const struct delivery_row *, void *), void *ctx)
{
    struct db_stmt *st;
    if (request_id)
        st = db_query(db,
                      "SELECT " DELIVERY_COLS " FROM deliveries WHERE request_id = ?"
                      " AND (? = 0 OR partner_id = ?) ORDER BY id DESC",
                      "iii", request_id, partner_id, partner_id);
    else if (partner_id)
        st = db_query(db,
                      "SELECT " DELIVERY_COLS " FROM deliveries WHERE partner_id = ?"
                      " ORDER BY id DESC",
                      "i", partner_id);
    else
        st = db_query(db, "SELECT " DELIVERY_COLS " FROM deliveries ORDER BY id DESC", "");
    return each_row(st, a, fn, ctx);
}

int store_delivery_page(struct db *db, struct arena *a, int64_t partner_id, int64_t before,
                        int64_t limit, int (*fn)(const struct delivery_row *, void *), void *ctx)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT " DELIVERY_COLS " FROM deliveries WHERE partner_id = ?"
                                  " AND id < ? ORDER BY id DESC LIMIT ?",
                                  "iii", partner_id, before > 0 ? before : INT64_MAX, limit);
    return each_row(st, a, fn, ctx);
}

int store_delivery_latest(struct db *db, int64_t request_id, int64_t before, int64_t *id)
{
    int rc = db_query_int(db, id,
                          "SELECT id FROM deliveries WHERE request_id = ? AND (? = 0 OR"
                          " id < ?) ORDER BY id DESC LIMIT 1",
                          "iii", request_id, before, before);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_delivery_latest_self(struct db *db, int64_t partner_id, const char *kind, int64_t *id)
{
    int rc = db_query_int(db, id,
                          "SELECT id FROM deliveries WHERE partner_id = ? AND request_id IS"
                          " NULL AND kind = ? ORDER BY id DESC LIMIT 1",
                          "is", partner_id, kind);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_delivery_of_upload(struct db *db, const char *upload_id, int64_t *id)
{
    int rc = db_query_int(
        db, id,
        "SELECT delivery_id FROM delivery_files WHERE upload_id = ? ORDER BY delivery_id LIMIT 1",
        "s", upload_id);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_delivery_file_add(struct db *db, int64_t delivery_id, const struct delivery_file_row *f)
{
    return err_of(db_run(db,
                         "INSERT INTO delivery_files(delivery_id, position, upload_id, filename,"
                         " length, sha256, md5) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         "iississ", delivery_id, f->position, f->upload_id, f->filename, f->length,
                         f->sha256, f->md5));
}

int store_delivery_files(struct db *db, struct arena *a, int64_t delivery_id,
                         int (*fn)(const struct delivery_file_row *, void *), void *ctx)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT position, upload_id, filename, length, sha256, md5"
                                  " FROM delivery_files WHERE delivery_id = ? ORDER BY position",
                                  "i", delivery_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct delivery_file_row f;
        f.position = db_int(st, 0);
        f.upload_id = arena_strdup(a, db_text(st, 1));
        f.filename = arena_strdup(a, db_text(st, 2));
        f.length = db_int(st, 3);
        f.sha256 = arena_strdup(a, db_text(st, 4));
        f.md5 = arena_strdup(a, db_text(st, 5));
        if (fn(&f, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_delivery_finding_add(struct db *db, int64_t delivery_id, int64_t position,
                               const char *code, const char *severity, const char *file,
                               const char *finding_json)
{
    return err_of(db_run(db,
                         "INSERT INTO delivery_findings(delivery_id, position, code, severity,"
                         " file, finding) VALUES (?, ?, ?, ?, ?, ?)",
                         "iissss", delivery_id, position, code, severity, file, finding_json));
}

int store_delivery_findings(struct db *db, struct arena *a, int64_t delivery_id,
                            int (*fn)(const char *finding_json, void *), void *ctx)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT finding FROM delivery_findings WHERE delivery_id = ?"
                                  " ORDER BY position",
                                  "i", delivery_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW)
        if (fn(arena_strdup(a, db_text(st, 0)), ctx))
            break;
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_delivery_finish(struct db *db, int64_t id, const char *status, const char *ruleset,
                          int64_t n_errors, int64_t n_warnings, int64_t now, bool *done)
{
    int rc = db_run(db,
                    "UPDATE deliveries SET status = ?, ruleset = ?, n_errors = ?, n_warnings = ?,"
                    " validated_at = ? WHERE id = ? AND status = 'validating'",
                    "ssiiii", status, ruleset, n_errors, n_warnings, now, id);
    *done = rc >= 0 && db_changes(db) == 1;
    return err_of(rc);
}

int store_job_add(struct db *db, const char *kind, const char *subject, int64_t run_after,
                  int64_t now, int64_t *id)
{
    return err_of(db_run_id(db, id,
                            "INSERT INTO jobs(kind, subject, state, run_after, created_at,"
                            " updated_at) VALUES (?, ?, 'queued', ?, ?, ?) RETURNING id",
                            "ssiii", kind, subject, run_after, now, now));
}

/* The next candidate job, per engine (see the file comment). */
static const char *const candidate_sql[] = {
    [DB_SQLITE] = "SELECT id, attempts FROM jobs WHERE (state = 'queued' AND run_after <= ?)"
                  " OR (state = 'running' AND lease_until <= ?) ORDER BY run_after, id LIMIT 1",
    [DB_POSTGRES] = "SELECT id, attempts FROM jobs WHERE (state = 'queued' AND run_after <= ?)"
                    " OR (state = 'running' AND lease_until <= ?) ORDER BY run_after, id LIMIT 1"
                    " FOR UPDATE SKIP LOCKED",
};

int store_job_claim(struct db *db, struct arena *a, int64_t now, int64_t lease, const char *owner,
                    struct job_row *out, bool *claimed)
{
    *claimed = false;
    int rc = db_begin(db);
    if (rc < 0)
        return STORE_ERR;
    struct db_stmt *st = db_query(db, candidate_sql[db_engine(db)], "ii", now, now);
    rc = db_step(st);
    int64_t id = rc == DB_ROW ? db_int(st, 0) : 0;
    int64_t attempts = rc == DB_ROW ? db_int(st, 1) : 0;
    db_done(st);
    if (rc < 0)
        goto fail;
    if (id) {
        rc = db_run(db,
                    "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = ?,"
                    " lease_owner = ?, updated_at = ? WHERE id = ? AND attempts = ? AND"
                    " (state = 'queued' OR (state = 'running' AND lease_until <= ?))",
                    "isiiii", now + lease, owner, now, id, attempts, now);
        if (rc < 0)
            goto fail;
        if (db_changes(db) == 1) {
            st = db_query(db, "SELECT id, kind, subject, state, attempts FROM jobs WHERE id = ?",
                          "i", id);
            if (db_step(st) == DB_ROW) {
                out->id = db_int(st, 0);
                out->kind = arena_strdup(a, db_text(st, 1));
                out->subject = arena_strdup(a, db_text(st, 2));
                out->state = arena_strdup(a, db_text(st, 3));
                out->attempts = db_int(st, 4);
                *claimed = true;
            }
            db_done(st);
        }
    }
    if (db_commit(db) < 0)
        goto fail;
    return STORE_OK;
fail:
    db_rollback(db);
    *claimed = false;
    return STORE_ERR;
}

int store_job_end(struct db *db, int64_t id, int64_t attempts, const char *state, const char *error,
                  int64_t now, bool *ok)
{
    int rc = db_run(db,
                    "UPDATE jobs SET state = ?, last_error = ?, lease_until = NULL,"
                    " lease_owner = NULL, updated_at = ? WHERE id = ? AND attempts = ? AND"
                    " state = 'running'",
                    "ssiii", state, error, now, id, attempts);
    *ok = rc >= 0 && db_changes(db) == 1;
    return err_of(rc);
}

int store_job_retry(struct db *db, int64_t id, int64_t attempts, int64_t run_after,
                    const char *error, int64_t now)
{
    return err_of(db_run(db,
                         "UPDATE jobs SET state = 'queued', run_after = ?, last_error = ?,"
                         " lease_until = NULL, lease_owner = NULL, updated_at = ? WHERE id = ?"
                         " AND attempts = ?",
                         "isiii", run_after, error, now, id, attempts));
}

int store_job_release_owner(struct db *db, const char *owner, int64_t now, int64_t *n_released)
{
    *n_released = 0;
    int rc =
        db_run(db,
               "UPDATE jobs SET state = 'queued', run_after = ?, lease_until = NULL,"
               " lease_owner = NULL, last_error = ?, updated_at = ? WHERE state = 'running'"
               " AND lease_owner = ?",
               "isis", now, "its worker stopped with the process; released at restart", now, owner);
    if (rc >= 0)
        *n_released = db_changes(db);
    return err_of(rc);
}

int64_t store_job_count(struct db *db, const char *state)
{
    int64_t n = 0;
    struct db_stmt *st = db_query(db, "SELECT COUNT(*) FROM jobs WHERE state = ?", "s", state);
    if (db_step(st) == DB_ROW)
        n = db_int(st, 0);
    db_done(st);
    return n;
}
