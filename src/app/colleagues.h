/*
 * Colleagues: an organisation's own people (issue 14). A partner's (or a
 * posthouse's) user with the org_admin flag invites users of its OWN
 * organisation, who get a one-time link (app/invitations.h) to set their
 * password, and removes them (their account is disabled: sessions, tokens
 * and links end; the audit log keeps its name). Never another
 * organisation's, and never a staff role: the role of an invited user is
 * its organisation's (partner or posthouse), and an address that already
 * belongs to someone else is refused. A posthouse acting for a partner does
 * not manage that partner's people. The installation's admin may do all of
 * it for any organisation; the first portal account made at setup becomes
 * its organisation's admin (colleagues_first_admin).
 */
#ifndef VG_APP_COLLEAGUES_H
#define VG_APP_COLLEAGUES_H

#include <jansson.h>
#include <stdint.h>

#include "app/op.h"
#include "store/store.h"

/*
 * The users of organisation partner_id (ACT_COLLEAGUE_READ; an
 * organisation's user: its own only, another is OP_NOT_FOUND): {partner,
 * partner_name, may_manage, users: [{id, email, name, role, org_admin,
 * pending (no password set yet), last_sign_in_at, you}]}. *out is the caller's.
 */
int colleagues_list(struct op *o, int64_t partner_id, json_t **out);

/*
 * Invites email (name: optional) as a user of partner_id
 * (ACT_COLLEAGUE_WRITE, by an org_admin of that organisation or the admin;
 * others OP_NOT_ALLOWED): makes the user when there is none (a removed one
 * is enabled again), mails colleague_invitation with a one-time link, writes
 * "user.invite". Refuses OP_INVALID naming email, OP_CONFLICT "email_taken"
 * (another organisation's or a staff address) or "already_colleague".
 * *out gets the user's row as colleagues_list shows it.
 */
int colleagues_invite(struct op *o, int64_t partner_id, const char *email, const char *name,
                      json_t **out);

/*
 * Removes user_id from partner_id (ACT_COLLEAGUE_WRITE, as above): disables
 * the account and writes "user.remove". A user of another organisation is
 * OP_NOT_FOUND, as a missing one; removing oneself OP_CONFLICT "own_account".
 */
int colleagues_remove(struct op *o, int64_t partner_id, int64_t user_id);

/*
 * Inside setup's operation (no actor check): makes the user of email the
 * admin of p's organisation when it has none yet (the first portal account).
 */
int colleagues_first_admin(struct op *o, const struct partner *p, const char *email);

#endif
