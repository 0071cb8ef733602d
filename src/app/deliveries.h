/*
 * Deliveries: a partner groups complete uploads into a delivery that
 * answers a request (or is self-serve in steady state). Its receipt — every
 * file complete and its checksum verified — is the instant that meets the
 * request's 48-hour clock; validation then runs in the background (a job in
 * the store's queue, claimed by a worker) and its result, pass or fail with
 * findings, is what the partner acts on. A failed result during training
 * opens a response clock; a passed asset package starts its title's
 * 14-day publishing clock.
 */
#ifndef VG_APP_DELIVERIES_H
#define VG_APP_DELIVERIES_H

#include <jansson.h>

#include "app/op.h"
#include "store/delivery_store.h"
#include "store/lifecycle_store.h"

/*
 * Receives a delivery: checks the partner, the request and the files (each
 * an upload of the partner's, complete), records the receipt, meets the
 * request's delivery and response clocks, queues the validation. Joins the
 * caller's transaction. Sets *id.
 */
int deliv_receive(struct op *o, const struct partner *p, int64_t request_id, const char *kind,
                  json_t *files, int64_t *id);

#endif
