/*
 * Deliveries: a partner groups complete uploads into a delivery that
 * answers a request (or is self-serve in steady state). Its receipt — every
 * file complete and its checksum verified — is the instant that meets the
 * request's 48-hour clock; validation then runs in the background (a job in
 * the store's queue, claimed by a worker) and its result, pass or fail with
 * findings, is what the partner acts on. A failed result during training
 * opens a response clock; a passed asset package starts its title's
 * 14-day publishing clock.
 *
 * The reads for people are here too, as JSON views the API answers and the
 * portal renders: one delivery with its files, findings and, for a
 * redelivery, what changed since the previous result (fixed, still failing,
 * new); a partner's deliveries, a page at a time.
 */
#ifndef VG_APP_DELIVERIES_H
#define VG_APP_DELIVERIES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/op.h"

#define DELIVERY_PAGE_DEFAULT 50  /* deliveries per page of delivery_list without a limit */
#define DELIVERY_PAGE_MAX     200 /* the largest page */

/*
 * Receives a delivery by o's actor (ACT_DELIVER on the partner): checks the
 * partner's stage, the request (0: self-serve, steady state only) and the
 * files (a JSON array of upload ids of the partner's, each complete and not
 * a partial upload), records the receipt, meets the request's delivery and
 * response clocks, queues the validation and writes the audit event, in one
 * transaction (op_join first to run inside the caller's). Sets *id. When
 * receipt is not NULL, *receipt gets the delivery's view (delivery_view)
 * with a "receipt" member: received_at (UTC and the partner's zone) and the
 * files with their checksums; it is read inside the transaction, before the
 * workers are woken, so it always says "validating". A new reference, owned
 * by the caller; NULL when refused.
 */
int delivery_receive(struct op *o, int64_t partner_id, int64_t request_id, const char *kind,
                     json_t *files, int64_t *id, json_t **receipt);

/*
 * One delivery as o's actor may read it (ACT_DELIVERY_READ; another
 * organisation's is OP_NOT_FOUND, as a missing one): its fields, the receipt
 * time in the partner's zone, files, findings, the newer delivery that
 * supersedes it ("latest") and, for a redelivery whose results are both in,
 * "changes" (delivery_changes). Reads only. *out: a new reference.
 */
int delivery_view(struct op *o, int64_t id, json_t **out);

/*
 * A partner's deliveries, newest first, without files and findings:
 * {deliveries: [...], next} with at most limit (1..DELIVERY_PAGE_MAX) of
 * those older than before (0: the newest); next is the before of the next
 * page, or null on the last. ACT_DELIVERY_READ on the partner. Reads only.
 * *out: a new reference.
 */
int delivery_list(struct op *o, int64_t partner_id, int64_t before, int64_t limit, json_t **out);

/*
 * What changed between a previous result's findings (before) and this one's
 * (now), by each finding's identity (its code, file and place; the file
 * left out when by_place_only, for one file each whatever its name):
 * {compared_with, file_names_ignored, fixed, still_failing, new}. Each
 * finding of now gets "change": "new" or "still_failing" (now is modified).
 * Pure; O(n log n). Returns a new reference.
 */
json_t *delivery_changes(int64_t previous_id, json_t *before, json_t *now, bool by_place_only);

#endif
