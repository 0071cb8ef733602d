/*
 * The scorecard as the portal shows it (issue 15 item 5): a section of the
 * partner page (with a form to pick the period) and a compact card on an
 * organisation's own dashboard. Numbers read as a person reads them, each
 * rate beside its base ("80 % on time (4 of 5)"), and a sentence instead of
 * a rate when there is nothing to measure. Read through app/scorecards.c.
 */
#ifndef VG_WEB_PARTNER_SCORECARD_H
#define VG_WEB_PARTNER_SCORECARD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"

/*
 * Sets vm["scorecard"] for partner_id over the period of the page's query
 * (?from=&to=, the last 90 days by default); compact for a dashboard (no
 * period form, a link to the partner page's section). Leaves vm alone when
 * the card cannot be read (a bad period is said in the section instead).
 */
void partner_scorecard_vm(struct req *r, json_t *vm, int64_t partner_id, bool compact);

#endif
