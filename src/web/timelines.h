/*
 * The launch timeline and the alternate-solution cases of a partner, as the
 * portal shows them (SPEC 3; issue 14): on the partner page, a section with
 * the milestones (a plm marks one met there) and the cases (the partner
 * asks there; a cam or pim acknowledges and resolves with an outcome), and
 * on an organisation's dashboard its own timeline and cases with a link to
 * its partner page. The pages call these; everything is read and done
 * through app/milestones.c and app/alternates.c.
 */
#ifndef VG_WEB_TIMELINES_H
#define VG_WEB_TIMELINES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"

/*
 * Sets "launch" and "cases" in vm, the view model of the partner page of
 * partner (its full view: id, stage, channels, time_zone).
 */
void timelines_partner_vm(struct req *r, json_t *vm, const json_t *partner);
/*
 * The partner page's forms of this section (do = milestone_met,
 * alternate_ask, alternate_ack, alternate_resolve): runs the one that act
 * names and answers with a redirect to back. False, having done nothing,
 * when act is none of them.
 */
bool timelines_partner_post(struct req *r, const char *act, int64_t partner_id, const char *back);
/* Sets "partner_href", "launch" and "cases" in block, an organisation's dashboard block. */
void timelines_dashboard_vm(struct req *r, json_t *block, int64_t partner_id);

#endif
