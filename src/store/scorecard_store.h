/*
 * The reads of the scorecards (app/scorecards.c): the deliveries of one
 * partner, of the partners a posthouse delivered for, or of every partner,
 * received before an instant, in (partner, id) order, as core/scorecard.h
 * wants them. Each walks an index: deliveries_partner (partner_id, id), and
 * for a posthouse deliveries_delivered_by first. Same conventions as store.h.
 */
#ifndef VG_SCORECARD_STORE_H
#define VG_SCORECARD_STORE_H

#include "core/scorecard.h"
#include "store/store.h"

/*
 * Calls fn(partner_id, delivery) for each delivery received before until, in
 * (partner_id, id) order, until fn returns non-zero: of partner_id when it
 * is not 0; else of every partner some delivery of which delivered_by made
 * when that is not 0 (all of those partners' deliveries: the chains need
 * them); else of every partner.
 */
int store_scorecard_deliveries(struct db *db, int64_t partner_id, int64_t delivered_by,
                               int64_t until,
                               int (*fn)(int64_t partner_id, const struct sc_delivery *, void *),
                               void *ctx);

/*
 * Calls fn(partner_id, publication) for each territory published before
 * until, in (partner_id, title_id) order, until fn returns non-zero: of the
 * titles of partner_id when it is not 0; else of the titles some delivery
 * made by delivered_by went into (a posthouse's) when that is not 0; else of
 * every partner's titles. Walks titles_partner_due and title_states' key.
 */
int store_scorecard_publications(struct db *db, int64_t partner_id, int64_t delivered_by,
                                 int64_t until,
                                 int (*fn)(int64_t partner_id, const struct sc_publication *,
                                           void *),
                                 void *ctx);

#endif
