/*
 * The decision panel (SPEC 2.4, issue 14): what the pim decided after the
 * third warning, shown to the partner on its dashboard and its partner page
 * and to staff on the partner page, with the pim's decision form while a
 * decision is pending and the delivery-agent form (PUT /partners/{id}/agent
 * in the portal) for the partner itself and its pim.
 */
#ifndef VG_WEB_DECISION_PANEL_H
#define VG_WEB_DECISION_PANEL_H

#include <jansson.h>
#include <stdbool.h>

#include "http/http.h"

struct op;

/*
 * Sets vm["decision_panel"] from partner (its full view, as the API gives
 * it) for templates/html/decision_panel.html; on_dashboard: a summary with
 * a link to the partner page instead of the forms. Reads through app/.
 */
void decision_panel_vm(struct req *r, const json_t *partner, json_t *vm, bool on_dashboard);

/*
 * Runs the panel's form action act ("agent") for partner pid, answering with
 * a redirect to back; false when act is not the panel's (nothing answered).
 */
bool decision_panel_post(struct req *r, struct op *o, int64_t pid, const char *act,
                         const char *back);

#endif
