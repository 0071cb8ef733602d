/*
 * Titles: see title_store.h. Windows and assets are upserts keyed by what
 * makes them one (a window by title, territory, license type and format; an
 * asset by title, kind and language): an UPDATE first and an INSERT when it
 * touched nothing, which both engines run alike inside the caller's
 * transaction (the unique keys catch a race on PostgreSQL as a constraint).
 */
#include "store/title_store.h"

#include "store/db.h"

#define TITLE_COLS                                                                                 \
    "t.id, t.partner_id, t.title_key, t.alid, t.content_id, t.eidr, t.name, t.work_type,"         \
    " t.series_name, t.season_number, t.episode_number, t.original_language, t.made_by_delivery," \
    " t.created_by, t.created_at, t.updated_at, t.state, t.next_due"

static int64_t int_or_0(struct db_stmt *st, int col)
{
    return db_null(st, col) ? 0 : db_int(st, col);
}

static char *text_or_null(struct arena *a, struct db_stmt *st, int col)
{
    return db_null(st, col) ? NULL : arena_strdup(a, db_text(st, col));
}

static int err_of(int rc)
{
    return rc == DB_ERR_CONSTRAINT ? STORE_ERR_CONFLICT : rc < 0 ? STORE_ERR : STORE_OK;
}

static void read_title(struct arena *a, struct db_stmt *st, struct title_row *t)
{
    t->id = db_int(st, 0);
    t->partner_id = db_int(st, 1);
    t->key = arena_strdup(a, db_text(st, 2));
    t->alid = text_or_null(a, st, 3);
    t->content_id = text_or_null(a, st, 4);
    t->eidr = text_or_null(a, st, 5);
    t->name = arena_strdup(a, db_text(st, 6));
    t->work_type = arena_strdup(a, db_text(st, 7));
    t->series_name = text_or_null(a, st, 8);
    t->season = int_or_0(st, 9);
    t->episode = int_or_0(st, 10);
    t->original_language = text_or_null(a, st, 11);
    t->made_by_delivery = int_or_0(st, 12);
    t->created_by = int_or_0(st, 13);
    t->created_at = db_int(st, 14);
    t->updated_at = db_int(st, 15);
    t->state = arena_strdup(a, db_text(st, 16));
    t->next_due = db_int(st, 17);
}

static int one_title(struct arena *a, struct db_stmt *st, struct title_row *out)
{
    int rc = db_step(st);
    if (rc == DB_ROW)
        read_title(a, st, out);
    db_done(st);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_ERR_NOT_FOUND : STORE_ERR;
}

int store_title_get(struct db *db, struct arena *a, int64_t id, struct title_row *out)
{
    return one_title(a, db_query(db, "SELECT " TITLE_COLS " FROM titles t WHERE t.id = ?", "i", id),
                     out);
}

int store_title_by_key(struct db *db, struct arena *a, int64_t partner_id, const char *key,
                       struct title_row *out)
{
    return one_title(a,
                     db_query(db,
                              "SELECT " TITLE_COLS
                              " FROM titles t WHERE t.partner_id = ? AND t.title_key = ?",
                              "is", partner_id, key),
                     out);
}

int store_title_by_ident(struct db *db, struct arena *a, int64_t partner_id, const char *id,
                         struct title_row *out)
{
    return one_title(a,
                     db_query(db,
                              "SELECT " TITLE_COLS " FROM titles t WHERE t.partner_id = ?"
                              " AND (t.title_key = 'alid:' || ? OR t.title_key = 'cid:' || ?"
                              " OR LOWER(t.content_id) = ? OR LOWER(t.alid) = ?)"
                              " ORDER BY t.id LIMIT 1",
                              "issss", partner_id, id, id, id, id),
                     out);
}

int store_title_add(struct db *db, const struct title_row *t, int64_t *id)
{
    int rc = db_run_id(db, id,
                       "INSERT INTO titles (partner_id, title_key, alid, content_id, eidr, name,"
                       " work_type, series_name, season_number, episode_number, original_language,"
                       " made_by_delivery, created_by, created_at, updated_at, state, next_due)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                       " 'waiting_for_assets', ?) RETURNING id",
                       "isssssssIIsIIiii", t->partner_id, t->key, t->alid, t->content_id, t->eidr,
                       t->name, t->work_type, t->series_name, t->season, t->episode,
                       t->original_language, t->made_by_delivery, t->created_by, t->created_at,
                       t->updated_at, (int64_t)TITLE_NO_DUE);
    return err_of(rc);
}

int store_title_update(struct db *db, const struct title_row *t)
{
    int rc = db_run(db,
                    "UPDATE titles SET title_key = ?, alid = ?, content_id = ?, eidr = ?, name = ?,"
                    " work_type = ?, series_name = ?, season_number = ?, episode_number = ?,"
                    " original_language = ?, updated_at = ? WHERE id = ?",
                    "sssssssIIsii", t->key, t->alid, t->content_id, t->eidr, t->name, t->work_type,
                    t->series_name, t->season, t->episode, t->original_language, t->updated_at,
                    t->id);
    if (rc < 0)
        return err_of(rc);
    return db_changes(db) ? STORE_OK : STORE_ERR_NOT_FOUND;
}

int store_title_set_summary(struct db *db, int64_t id, const char *state, int64_t next_due)
{
    return err_of(db_run(db, "UPDATE titles SET state = ?, next_due = ? WHERE id = ?", "sii", state,
                         next_due, id));
}

/* ---- windows ---- */

int store_title_window_put(struct db *db, int64_t title_id, const struct title_window_row *w,
                           int64_t now)
{
    int rc = db_run(db,
                    "UPDATE title_windows SET start_date = ?, end_date = ?, start_at = ?,"
                    " end_at = ?, state = 'active', delivery_id = ?, updated_at = ?"
                    " WHERE title_id = ? AND territory = ? AND license_type = ?"
                    " AND format_profile = ?",
                    "ssiIIiisss", w->start_date, w->end_date, w->start_at, w->end_at,
                    w->delivery_id, now, title_id, w->territory, w->license_type,
                    w->format_profile);
    if (rc < 0 || db_changes(db))
        return err_of(rc);
    return err_of(db_run(db,
                         "INSERT INTO title_windows (title_id, territory, license_type,"
                         " format_profile, start_date, end_date, start_at, end_at, state,"
                         " delivery_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)",
                         "isssssiIIi", title_id, w->territory, w->license_type,
                         w->format_profile, w->start_date, w->end_date, w->start_at, w->end_at,
                         w->delivery_id, now));
}

int store_title_window_end(struct db *db, int64_t title_id, const char *territory,
                           const char *license_type, const char *format_profile, int64_t delivery_id,
                           int64_t now, int64_t *n_ended)
{
    int rc = db_run(db,
                    "UPDATE title_windows SET state = 'ended', delivery_id = ?, updated_at = ?"
                    " WHERE title_id = ? AND state = 'active'"
                    " AND (? IS NULL OR territory = ?) AND (? IS NULL OR license_type = ?)"
                    " AND (? IS NULL OR format_profile = ?)",
                    "Iiissssss", delivery_id, now, title_id, territory, territory, license_type,
                    license_type, format_profile, format_profile);
    *n_ended = rc < 0 ? 0 : db_changes(db);
    return err_of(rc);
}

int store_title_windows(struct db *db, struct arena *a, int64_t title_id,
                        int (*fn)(const struct title_window_row *, void *), void *ctx)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT id, title_id, territory, license_type, format_profile,"
                                  " start_date, end_date, start_at, end_at, state, delivery_id"
                                  " FROM title_windows WHERE title_id = ?"
                                  " ORDER BY territory, start_at, license_type, format_profile",
                                  "i", title_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct title_window_row w = {
            db_int(st, 0),          db_int(st, 1),          arena_strdup(a, db_text(st, 2)),
            arena_strdup(a, db_text(st, 3)), arena_strdup(a, db_text(st, 4)),
            text_or_null(a, st, 5), text_or_null(a, st, 6), db_int(st, 7),
            int_or_0(st, 8),        arena_strdup(a, db_text(st, 9)), int_or_0(st, 10)};
        if (fn(&w, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

/* ---- assets ---- */

int store_title_asset_put(struct db *db, int64_t title_id, const char *kind, const char *language,
                          const char *status, int64_t delivery_id, int64_t now)
{
    /* a failed asset never replaces a passed one: the passed one is still what the title has */
    int rc = db_run(db,
                    "UPDATE title_assets SET status = ?, delivery_id = ?, updated_at = ?"
                    " WHERE title_id = ? AND kind = ? AND language = ?"
                    " AND (? = 'passed' OR status <> 'passed')",
                    "sIiisss", status, delivery_id, now, title_id, kind, language, status);
    if (rc < 0 || db_changes(db))
        return err_of(rc);
    int64_t n = 0;
    rc = db_query_int(db, &n,
                      "SELECT COUNT(*) FROM title_assets WHERE title_id = ? AND kind = ?"
                      " AND language = ?",
                      "iss", title_id, kind, language);
    if (rc < 0 || n)
        return err_of(rc);
    return err_of(db_run(db,
                         "INSERT INTO title_assets (title_id, kind, language, status, delivery_id,"
                         " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                         "isssIi", title_id, kind, language, status, delivery_id, now));
}

int store_title_assets(struct db *db, struct arena *a, int64_t title_id,
                       int (*fn)(const struct title_asset_row *, void *), void *ctx)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT id, title_id, kind, language, status, delivery_id,"
                                  " updated_at FROM title_assets WHERE title_id = ?"
                                  " ORDER BY kind, language",
                                  "i", title_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct title_asset_row r = {db_int(st, 0),
                                    db_int(st, 1),
                                    arena_strdup(a, db_text(st, 2)),
                                    arena_strdup(a, db_text(st, 3)),
                                    arena_strdup(a, db_text(st, 4)),
                                    int_or_0(st, 5),
                                    db_int(st, 6)};
        if (fn(&r, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

/* ---- per-territory state ---- */

#define STATE_COLS                                                                                 \
    "title_id, territory, state, reasons, window_start, assets_complete_at, ready_at, publish_by," \
    " published_at, clock_id"

static void read_state(struct arena *a, struct db_stmt *st, struct title_state_row *s)
{
    s->title_id = db_int(st, 0);
    s->territory = arena_strdup(a, db_text(st, 1));
    s->state = arena_strdup(a, db_text(st, 2));
    s->reasons = text_or_null(a, st, 3);
    s->window_start = int_or_0(st, 4);
    s->assets_complete_at = int_or_0(st, 5);
    s->ready_at = int_or_0(st, 6);
    s->publish_by = int_or_0(st, 7);
    s->published_at = int_or_0(st, 8);
    s->clock_id = int_or_0(st, 9);
}

int store_title_state_put(struct db *db, const struct title_state_row *s, int64_t now)
{
    int rc = db_run(db,
                    "UPDATE title_states SET state = ?, reasons = ?, window_start = ?,"
                    " assets_complete_at = ?, ready_at = ?, publish_by = ?, published_at = ?,"
                    " clock_id = ?, updated_at = ? WHERE title_id = ? AND territory = ?",
                    "ssIIIIIIiis", s->state, s->reasons, s->window_start, s->assets_complete_at,
                    s->ready_at, s->publish_by, s->published_at, s->clock_id, now, s->title_id,
                    s->territory);
    if (rc < 0 || db_changes(db))
        return err_of(rc);
    return err_of(db_run(db,
                         "INSERT INTO title_states (" STATE_COLS ", updated_at)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         "isssIIIIIIi", s->title_id, s->territory, s->state, s->reasons,
                         s->window_start, s->assets_complete_at, s->ready_at, s->publish_by,
                         s->published_at, s->clock_id, now));
}

int store_title_state_get(struct db *db, struct arena *a, int64_t title_id, const char *territory,
                          struct title_state_row *out)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT " STATE_COLS
                                  " FROM title_states WHERE title_id = ? AND territory = ?",
                                  "is", title_id, territory);
    int rc = db_step(st);
    if (rc == DB_ROW)
        read_state(a, st, out);
    db_done(st);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_ERR_NOT_FOUND : STORE_ERR;
}

int store_title_states(struct db *db, struct arena *a, int64_t title_id,
                       int (*fn)(const struct title_state_row *, void *), void *ctx)
{
    struct db_stmt *st = db_query(
        db, "SELECT " STATE_COLS " FROM title_states WHERE title_id = ? ORDER BY territory", "i",
        title_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct title_state_row s;
        read_state(a, st, &s);
        if (fn(&s, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_title_each_to_wake(struct db *db, int64_t before, int64_t limit,
                             int (*fn)(int64_t title_id, void *), void *ctx)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT DISTINCT title_id FROM title_states"
                                  " WHERE state = 'waiting_for_assets'"
                                  " AND assets_complete_at IS NOT NULL AND window_start IS NOT NULL"
                                  " AND window_start <= ? ORDER BY title_id LIMIT ?",
                                  "ii", before, limit);
    int rc;
    int64_t ids[64];
    int n = 0;
    while (n < 64 && (rc = db_step(st)) == DB_ROW)
        ids[n++] = db_int(st, 0);
    db_done(st);
    if (rc < 0)
        return STORE_ERR;
    for (int i = 0; i < n; i++) /* outside the statement: fn writes */
        if (fn(ids[i], ctx))
            break;
    return STORE_OK;
}

/* ---- deliveries ---- */

int store_title_delivery_add(struct db *db, int64_t title_id, int64_t delivery_id)
{
    int64_t n = 0;
    int rc = db_query_int(db, &n,
                          "SELECT COUNT(*) FROM title_deliveries WHERE title_id = ?"
                          " AND delivery_id = ?",
                          "ii", title_id, delivery_id);
    if (rc < 0 || n)
        return err_of(rc);
    return err_of(db_run(db, "INSERT INTO title_deliveries (title_id, delivery_id) VALUES (?, ?)",
                         "ii", title_id, delivery_id));
}

int store_title_deliveries(struct db *db, struct arena *a, int64_t title_id,
                           int (*fn)(const struct title_delivery_row *, void *), void *ctx)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT d.id, d.kind, d.status, d.received_at"
                                  " FROM title_deliveries td JOIN deliveries d"
                                  " ON d.id = td.delivery_id WHERE td.title_id = ?"
                                  " ORDER BY d.id DESC",
                                  "i", title_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct title_delivery_row r = {db_int(st, 0), arena_strdup(a, db_text(st, 1)),
                                       arena_strdup(a, db_text(st, 2)), db_int(st, 3)};
        if (fn(&r, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

/* ---- the catalogue ---- */

#define LIST_WHERE                                                                                 \
    " WHERE (? = 0 OR t.partner_id = ?)"                                                           \
    " AND (? = 0 OR t.partner_id = ? OR t.partner_id IN (SELECT id FROM partners WHERE agent_id = ?))"                 \
    " AND (? IS NULL OR EXISTS (SELECT 1 FROM title_states s WHERE s.title_id = t.id"            \
    "   AND s.state = ? AND (? IS NULL OR s.territory = ?)))"                                      \
    " AND (? IS NULL OR EXISTS (SELECT 1 FROM title_states s WHERE s.title_id = t.id"            \
    "   AND s.territory = ?))"                                                                     \
    " AND (? IS NULL OR LOWER(t.name) LIKE ? OR LOWER(t.alid) LIKE ?"                              \
    "   OR LOWER(t.content_id) LIKE ? OR LOWER(t.eidr) LIKE ?)"                                    \
    " AND (? = 0 OR EXISTS (SELECT 1 FROM title_states s WHERE s.title_id = t.id"                \
    "   AND s.publish_by IS NOT NULL AND ((s.published_at IS NULL AND s.publish_by <= ?)"           \
    "   OR s.published_at >= s.publish_by)))"
#define LIST_TYPES "iiiiisssssssssssii"
#define LIST_ARGS(f, like)                                                                         \
    f->partner_id, f->partner_id, f->agent_id, f->agent_id, f->agent_id, f->state, f->state, f->territory,     \
        f->territory, f->territory, f->territory, like, like, like, like, like, (int64_t)f->late, \
        f->now

int store_title_list(struct db *db, struct arena *a, const struct title_filter *f,
                     int (*fn)(const struct title_row *, void *), void *ctx, int64_t *total)
{
    const char *like = f->q && *f->q ? arena_printf(a, "%%%s%%", f->q) : NULL;
    if (like)
        for (char *c = (char *)like; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
    int rc = db_query_int(db, total, "SELECT COUNT(*) FROM titles t" LIST_WHERE, LIST_TYPES,
                          LIST_ARGS(f, like));
    if (rc < 0)
        return STORE_ERR;
    struct db_stmt *st = db_query(db,
                                  "SELECT " TITLE_COLS " FROM titles t" LIST_WHERE
                                  " ORDER BY t.next_due, t.id LIMIT ? OFFSET ?",
                                  LIST_TYPES "ii", LIST_ARGS(f, like), f->limit, f->offset);
    while ((rc = db_step(st)) == DB_ROW) {
        struct title_row t;
        read_title(a, st, &t);
        if (fn(&t, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}
