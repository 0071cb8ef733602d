/*
 * Titles (SPEC 3, "Titles: the steady state"; SPEC 10, the title rows): the
 * catalogue a partner lives in for years after onboarding.
 *
 * Avails deliveries that pass create and update titles and their windows
 * (titles_from_avails; a FullDelete row ends the matching windows); asset
 * packages attach assets to the title they name (titles_from_package: all
 * passed when the package passed, failed ones recorded otherwise, never
 * replacing a passed asset). Both run inside the transaction that records
 * the delivery's result (jobs/validate.c), so they happen once. Staff
 * create and correct titles (titles_create, titles_update).
 *
 * Per territory a title is waiting_for_assets → ready → published. Ready is
 * the profile's rule (core/title.h; data/title_profile.json), re-evaluated
 * whenever windows or assets change and by the sweep when a waiting window
 * comes within reach (titles_wake). Entering ready starts the service's own
 * publish_14d clock on the subject "title:ID:TERRITORY" (its breach tells
 * the partner's current owner, app/warnings.c); titles_published ends it,
 * met or breached, and records whether the publish was late.
 *
 * The view of a title: {id, partner, partner_name, alid, content_id, eidr,
 * name, work_type, series, season, episode, state, next_due, windows:
 * [{territory, license_type, format_profile, start, end, state}], assets:
 * [{kind, language, status, delivery}], territories: [{territory, state,
 * reasons, ready_at, publish_by, published_at, late}], timeline:
 * [{territory, window_start, assets_complete, ready, publish_by,
 * published}], deliveries: [{id, kind, status, received_at}]}; times RFC
 * 3339 UTC or null, dates YYYY-MM-DD.
 */
#ifndef VG_APP_TITLES_H
#define VG_APP_TITLES_H

#include <jansson.h>
#include <stdint.h>

#include "app/op.h"
#include "check/title_rows.h"
#include "store/store.h"

#define TITLES_PAGE_DEFAULT 50
#define TITLES_PAGE_MAX     200

struct titles_query {
    int64_t partner; /* 0: every partner the actor may see */
    const char *state, *territory, *q;
    bool late;
    int64_t page, limit; /* page from 1 */
};

/* The catalogue: {titles: [...], total, page, limit}, by next deadline. */
int titles_list(struct op *o, const struct titles_query *q, json_t **out);
/* One title's view (above). */
int titles_view(struct op *o, int64_t id, json_t **out);
/*
 * Staff create a title for a partner: body {partner, name, alid?, content_id?, eidr?,
 * work_type?, series?, season?, episode?}. 409 when the partner has a title with that key.
 */
int titles_create(struct op *o, json_t *body, json_t **out);
/* Staff correct a title: the same fields but partner, each optional. */
int titles_update(struct op *o, int64_t id, json_t *body, json_t **out);
/* Records the title published in territory at at (0: now); ends its publish clock. */
int titles_published(struct op *o, int64_t id, const char *territory, const char *at,
                     json_t **out);

/* Inside the result's transaction (o joined, system): what a passed avails delivery says. */
int titles_from_avails(struct op *o, const struct partner *p, int64_t delivery_id,
                       const struct title_rows *rows);
/* Inside the result's transaction: the assets of an asset package (passed or failed). */
int titles_from_package(struct op *o, const struct partner *p, int64_t delivery_id, bool passed,
                        const struct title_rows *rows);
/* The sweep: titles whose assets are complete and whose window comes within reach. */
int titles_wake(struct db *db, struct arena *a, int64_t now);

#endif
