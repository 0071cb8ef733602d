/*
 * Partners and the audit log: see store.h.
 */
#include "store/store.h"

#include <string.h>

#include "store/db.h"

#define PARTNER_COLS                                                                               \
    "id, name, contact_email, time_zone, calendar_id, channels, posthouse, stage, alias,"          \
    " agent_id, created_at, cam_id, pim_id, pom_id, plm_id, warnings, decision_pending,"           \
    " training_skipped, training_modules, approved_formats, stage_at"

static void partner_read(struct db_stmt *st, struct arena *a, struct partner *p)
{
    p->id = db_int(st, 0);
    p->name = arena_strdup(a, db_text(st, 1));
    p->contact_email = arena_strdup(a, db_text(st, 2));
    p->time_zone = arena_strdup(a, db_text(st, 3));
    p->calendar_id = db_null(st, 4) ? 0 : db_int(st, 4);
    p->channels = db_int(st, 5) != 0;
    p->posthouse = db_int(st, 6) != 0;
    p->stage = arena_strdup(a, db_text(st, 7));
    p->alias = arena_strdup(a, db_text(st, 8));
    p->agent_id = db_null(st, 9) ? 0 : db_int(st, 9);
    p->created_at = db_int(st, 10);
    p->cam_id = db_null(st, 11) ? 0 : db_int(st, 11);
    p->pim_id = db_null(st, 12) ? 0 : db_int(st, 12);
    p->pom_id = db_null(st, 13) ? 0 : db_int(st, 13);
    p->plm_id = db_null(st, 14) ? 0 : db_int(st, 14);
    p->warnings = db_int(st, 15);
    p->decision_pending = db_int(st, 16) != 0;
    p->training_skipped = db_int(st, 17) != 0;
    p->training_modules = arena_strdup(a, db_text(st, 18));
    p->approved_formats = arena_strdup(a, db_text(st, 19));
    p->stage_at = db_null(st, 20) ? p->created_at : db_int(st, 20);
}

int store_partner_add(struct db *db, const struct partner *p, int64_t *id)
{
    int rc = db_run_id(db, id,
                       "INSERT INTO partners(name, contact_email, time_zone, calendar_id, channels,"
                       " posthouse, stage, agent_id, created_at, cam_id, stage_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                       "sssIbbsIiIi", p->name, p->contact_email, p->time_zone, p->calendar_id,
                       (int)p->channels, (int)p->posthouse, p->stage ? p->stage : "invited",
                       p->agent_id, p->created_at, p->cam_id, p->created_at);
    return rc == DB_ERR_CONSTRAINT ? STORE_ERR_CONFLICT : rc < 0 ? STORE_ERR : STORE_OK;
}

int store_partner_get(struct db *db, struct arena *a, int64_t id, struct partner *out)
{
    struct db_stmt *st =
        db_query(db, "SELECT " PARTNER_COLS " FROM partners WHERE id = ?", "i", id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        partner_read(st, a, out);
    db_done(st);
    return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_ERR_NOT_FOUND : STORE_ERR;
}

int store_partner_set_calendar(struct db *db, int64_t id, int64_t calendar_id)
{
    int rc = db_run(db, "UPDATE partners SET calendar_id = ? WHERE id = ?", "Ii", calendar_id, id);
    if (rc < 0)
        return rc == DB_ERR_CONSTRAINT ? STORE_ERR_CONFLICT : STORE_ERR;
    return db_changes(db) ? STORE_OK : STORE_ERR_NOT_FOUND;
}

int store_partner_each(struct db *db, struct arena *a, const char *stage, int64_t org_id,
                       int (*fn)(const struct partner *, void *), void *ctx)
{
    struct db_stmt *st = db_query(db,
                                  "SELECT " PARTNER_COLS " FROM partners"
                                  " WHERE (? IS NULL OR stage = ?)"
                                  " AND (? = 0 OR id = ? OR agent_id = ?) ORDER BY id",
                                  "ssiii", stage, stage, org_id, org_id, org_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct partner p;
        partner_read(st, a, &p);
        if (fn(&p, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

/* The filter of store_partner_page, shared by its count and its pages (types "ssiiiiiiiiss"). */
#define PAGE_WHERE                                                                                 \
    " WHERE (? IS NULL OR stage = ?) AND (? = 0 OR id = ? OR agent_id = ?)"                        \
    " AND (? = 0 OR cam_id = ? OR pim_id = ? OR pom_id = ? OR plm_id = ?)"                         \
    " AND (? IS NULL OR LOWER(name) LIKE LOWER(?) ESCAPE '!')"
#define STAGE_ORDER                                                                                \
    " CASE stage WHEN 'invited' THEN 1 WHEN 'questionnaire' THEN 2 WHEN 'setup' THEN 3"            \
    " WHEN 'training' THEN 4 WHEN 'stopped' THEN 5 WHEN 'escalated' THEN 6"                        \
    " WHEN 'steady_state' THEN 7 ELSE 8 END"
#define SINCE " COALESCE(stage_at, created_at)"
/*
 * A page: the inner query sorts only (id, key) and cuts the page, the outer
 * one reads the page's rows (sorting every partner's whole row for a page of
 * 25 costs several times more).
 */
#define PAGE_SQL(order)                                                                            \
    "SELECT " PARTNER_COLS " FROM (SELECT id AS page_id FROM partners" PAGE_WHERE                  \
    " ORDER BY " order " LIMIT ? OFFSET ?) page JOIN partners ON partners.id = page.page_id"       \
    " ORDER BY " order

int store_partner_page(struct db *db, struct arena *a, const struct partner_query *q,
                       int64_t *total, int (*fn)(const struct partner *, void *), void *ctx)
{
    /* One literal per order: statements are cached by the address of their text. */
    static const char *const sql[4][2] = {
        {PAGE_SQL("id"), PAGE_SQL("id DESC")},
        {PAGE_SQL("LOWER(name), id"), PAGE_SQL("LOWER(name) DESC, id DESC")},
        {PAGE_SQL(STAGE_ORDER "," SINCE ", id"), PAGE_SQL(STAGE_ORDER " DESC," SINCE ", id")},
        {PAGE_SQL(SINCE ", id"), PAGE_SQL(SINCE " DESC, id DESC")},
    };
    /* The name part as a LIKE pattern: its own % _ and ! match themselves. */
    char *like = NULL;
    if (q->name && *q->name) {
        size_t n = strlen(q->name);
        like = arena_alloc(a, 2 * n + 3);
        char *o = like;
        *o++ = '%';
        for (const char *c = q->name; *c; c++) {
            if (*c == '%' || *c == '_' || *c == '!')
                *o++ = '!';
            *o++ = *c;
        }
        *o++ = '%';
        *o = '\0';
    }
    int64_t org = q->org_id, own = q->owner_id;
    int rc = db_query_int(db, total, "SELECT COUNT(*) FROM partners" PAGE_WHERE, "ssiiiiiiiiss",
                          q->stage, q->stage, org, org, org, own, own, own, own, own, like, like);
    if (rc != DB_ROW)
        return STORE_ERR;
    VG_ASSERT(q->sort <= PARTNER_SORT_SINCE);
    struct db_stmt *st =
        db_query(db, sql[q->sort][q->desc ? 1 : 0], "ssiiiiiiiissii", q->stage, q->stage, org, org,
                 org, own, own, own, own, own, like, like, q->limit, q->offset);
    while ((rc = db_step(st)) == DB_ROW) {
        struct partner p;
        partner_read(st, a, &p);
        if (fn(&p, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_event_add(struct db *db, const struct event *e)
{
    int rc = db_run(db,
                    "INSERT INTO events(at, actor_id, partner_id, subject, action, before_json,"
                    " after_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    "iIIssss", e->at, e->actor_id, e->partner_id, e->subject, e->action, e->before,
                    e->after);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

#define EVENT_COLS                                                                                 \
    "e.id, e.at, e.actor_id, u.email, e.partner_id, e.subject, e.action, e.before_json,"           \
    " e.after_json FROM events e LEFT JOIN users u ON u.id = e.actor_id"

/* Calls fn for each row of st (EVENT_COLS) and finishes it. */
static int each_event(struct db_stmt *st, struct arena *a, int (*fn)(const struct event *, void *),
                      void *ctx)
{
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct event e;
        e.id = db_int(st, 0);
        e.at = db_int(st, 1);
        e.actor_id = db_null(st, 2) ? 0 : db_int(st, 2);
        e.actor_email = arena_strdup(a, db_text(st, 3));
        e.partner_id = db_null(st, 4) ? 0 : db_int(st, 4);
        e.subject = arena_strdup(a, db_text(st, 5));
        e.action = arena_strdup(a, db_text(st, 6));
        e.before = arena_strdup(a, db_text(st, 7));
        e.after = arena_strdup(a, db_text(st, 8));
        if (fn(&e, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

int store_event_each(struct db *db, struct arena *a, int64_t partner_id,
                     int (*fn)(const struct event *, void *), void *ctx)
{
    return each_event(db_query(db,
                               "SELECT " EVENT_COLS " WHERE (? = 0 OR e.partner_id = ?)"
                               " ORDER BY e.id",
                               "ii", partner_id, partner_id),
                      a, fn, ctx);
}

int store_event_page(struct db *db, struct arena *a, int64_t partner_id, int64_t before,
                     const char *action, int64_t limit, int64_t *total,
                     int (*fn)(const struct event *, void *), void *ctx)
{
    if (total) {
        int rc = db_query_int(db, total,
                              "SELECT COUNT(*) FROM events WHERE partner_id = ?"
                              " AND (? IS NULL OR action = ?)",
                              "iss", partner_id, action, action);
        if (rc != DB_ROW)
            return STORE_ERR;
    }
    return each_event(db_query(db,
                               "SELECT " EVENT_COLS " WHERE e.partner_id = ? AND e.id < ?"
                               " AND (? IS NULL OR e.action = ?) ORDER BY e.id DESC LIMIT ?",
                               "iissi", partner_id, before > 0 ? before : INT64_MAX, action, action,
                               limit > 0 ? limit : INT64_MAX),
                      a, fn, ctx);
}
