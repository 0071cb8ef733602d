/*
 * The staff dashboard (SPEC section 7): what needs attention across every
 * partner, in one view — partners by stage, running clocks due within 48
 * hours (or already due), clocks breached in the last 14 days, the latest
 * warnings, the escalation decisions a pim owes, and the open
 * alternate-solution requests. Every part is an aggregate or a bounded,
 * indexed read (store/dashboard_store.h): its cost does not grow with the
 * number of partners. The paged, filtered partner list is not part of it.
 */
#ifndef VG_APP_DASHBOARD_H
#define VG_APP_DASHBOARD_H

#include <jansson.h>
#include <stdint.h>

#include "app/op.h"

#define DASHBOARD_DUE_SOON_HOURS 48
#define DASHBOARD_BREACHED_DAYS  14
#define DASHBOARD_LIST_DEFAULT   20 /* rows of each list, unless asked otherwise */
#define DASHBOARD_LIST_MAX       100

/*
 * The dashboard as o's actor sees it at o->now, each list at most limit
 * (1 to DASHBOARD_LIST_MAX) rows long: {now, stages: [{stage, count}] in
 * lifecycle order, partners, due_soon: {hours, until, total, clocks},
 * breached: {days, since, total, clocks}, warnings, decisions: {total,
 * partners}, alternates: {total, requests}}. Needs ACT_STAFF_VIEW. *out is
 * the caller's. Reads only.
 */
int dashboard_view(struct op *o, int64_t limit, json_t **out);

#endif
