/*
 * Links into the catalogue from other pages (issue 15, item 4): the partner
 * page's "Titles" line with the count of its titles and of the late ones.
 */
#ifndef VG_WEB_TITLE_LINKS_H
#define VG_WEB_TITLE_LINKS_H

#include <jansson.h>
#include <stdint.h>

struct req;

/*
 * Sets vm["titles_link"] to {href, total, late, late_href} for partner_id's
 * titles (app/titles.h titles_list, as the viewer may see them); leaves vm
 * alone when the viewer may not list them.
 */
void title_links_partner_vm(struct req *r, json_t *vm, int64_t partner_id);

#endif
