/*
 * The scorecards' reads: see scorecard_store.h. One query per case, each a
 * range of an index in the order the rules walk it, so a partner's card
 * costs its own deliveries and the export one pass over the table.
 */
#include "store/scorecard_store.h"

#include <string.h>

#include "store/db.h"

#define SC_COLS                                                                                    \
    "partner_id, id, previous_id, request_id, received_at, validated_at,"                          \
    " COALESCE(delivered_by, partner_id), status, late"

int store_scorecard_deliveries(struct db *db, int64_t partner_id, int64_t delivered_by,
                               int64_t until,
                               int (*fn)(int64_t partner_id, const struct sc_delivery *, void *),
                               void *ctx)
{
    struct db_stmt *st;
    if (partner_id)
        st = db_query(db,
                      "SELECT " SC_COLS " FROM deliveries WHERE partner_id = ? AND received_at < ?"
                      " ORDER BY partner_id, id",
                      "ii", partner_id, until);
    else if (delivered_by)
        st = db_query(db,
                      "SELECT " SC_COLS " FROM deliveries WHERE partner_id IN"
                      " (SELECT DISTINCT partner_id FROM deliveries WHERE delivered_by = ?)"
                      " AND received_at < ? ORDER BY partner_id, id",
                      "ii", delivered_by, until);
    else
        st = db_query(db,
                      "SELECT " SC_COLS " FROM deliveries WHERE received_at < ?"
                      " ORDER BY partner_id, id",
                      "i", until);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *status = db_text(st, 7);
        struct sc_delivery d = {
            .id = db_int(st, 1),
            .previous_id = db_null(st, 2) ? 0 : db_int(st, 2),
            .request_id = db_null(st, 3) ? 0 : db_int(st, 3),
            .received_at = db_int(st, 4),
            .validated_at = db_null(st, 5) ? 0 : db_int(st, 5),
            .by_org = db_int(st, 6),
            .status = !strcmp(status, "passed")   ? SC_PASSED
                      : !strcmp(status, "failed") ? SC_FAILED
                                                  : SC_VALIDATING,
            .late = db_int(st, 8) != 0,
        };
        if (fn(db_int(st, 0), &d, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}

#define PUB_SELECT                                                                                 \
    "SELECT t.partner_id, s.title_id, s.published_at, s.publish_by FROM titles t"                  \
    " JOIN title_states s ON s.title_id = t.id"                                                    \
    " WHERE s.published_at IS NOT NULL AND s.published_at < ?"

int store_scorecard_publications(struct db *db, int64_t partner_id, int64_t delivered_by,
                                 int64_t until,
                                 int (*fn)(int64_t partner_id, const struct sc_publication *,
                                           void *),
                                 void *ctx)
{
    struct db_stmt *st;
    if (partner_id)
        st = db_query(db, PUB_SELECT " AND t.partner_id = ? ORDER BY t.partner_id, s.title_id", "ii",
                      until, partner_id);
    else if (delivered_by)
        st = db_query(db,
                      PUB_SELECT " AND t.id IN (SELECT td.title_id FROM title_deliveries td"
                                 " JOIN deliveries d ON d.id = td.delivery_id"
                                 " WHERE d.delivered_by = ?)"
                                 " ORDER BY t.partner_id, s.title_id",
                      "ii", until, delivered_by);
    else
        st = db_query(db, PUB_SELECT " ORDER BY t.partner_id, s.title_id", "i", until);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct sc_publication p = {
            .title_id = db_int(st, 1),
            .published_at = db_int(st, 2),
            .publish_by = db_null(st, 3) ? 0 : db_int(st, 3),
        };
        if (fn(db_int(st, 0), &p, ctx))
            break;
    }
    db_done(st);
    return rc < 0 ? STORE_ERR : STORE_OK;
}
