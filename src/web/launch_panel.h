/*
 * The target launch date warning (app/launch.h) as a panel, for the partner
 * page and the submitted questionnaire: what the date is, the earliest the
 * standard path allows, and what to do (an onboarded posthouse that fits, or
 * a later date), worded for the partner or for staff.
 */
#ifndef VG_WEB_LAUNCH_PANEL_H
#define VG_WEB_LAUNCH_PANEL_H

#include <jansson.h>

struct req;

/*
 * Sets vm["launch_warning_html"] to the panel for partner (the partner view:
 * its "launch_warning" member); to "" when it is null (templates print every
 * variable they name).
 */
void web_launch_panel(struct req *r, const json_t *partner, json_t *vm);

#endif
