/*
 * The transfer account on the partner page (partner_transfer.c): its state
 * under the provisioning checklist, the staff's forms to create, rotate and
 * revoke it, and the one page that shows a new secret, once.
 */
#ifndef VG_WEB_PARTNER_TRANSFER_H
#define VG_WEB_PARTNER_TRANSFER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "web/web.h"

/*
 * Sets vm's "transfer" (for the partial partner_transfer.html): the
 * credential of partner p (username, when made and rotated and by whom,
 * never the secret) and, for pim and admin, the forms. Nothing before the
 * partner reaches setup. zone: the partner's, for the times.
 */
void partner_transfer_vm(struct req *r, json_t *vm, const json_t *p, const char *zone);
/*
 * Answers a form of the section when act is one of its own: create
 * ("setup_item" with item transfer_account, the checklist's form),
 * "transfer_rotate" or "transfer_revoke". A new secret is shown on its own
 * page (not stored, not cached, never shown again); a revocation goes back
 * to back with a flash. Returns false, answering nothing, for other acts.
 */
bool partner_transfer_post(struct req *r, const char *act, const json_t *p, const char *back);

#endif
