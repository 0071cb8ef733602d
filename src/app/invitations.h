/*
 * Invitations: how a partner's people get into the portal. Inviting a user
 * of a partner (the contact when the questionnaire is sent, the portal
 * account of setup) makes the user when there is none and mails a one-time
 * link; following the link shows whose account it opens, and accepting it
 * sets the user's password.
 *
 * The link's token is the credential: only its SHA-256 is stored (the
 * invitations table), and the outbox keeps the link sealed (mail_links.c),
 * so neither holds what would open the account. A link works once, for
 * INVITATION_TTL.
 */
#ifndef VG_APP_INVITATIONS_H
#define VG_APP_INVITATIONS_H

#include <jansson.h>

#include "app/op.h"
#include "store/lifecycle_store.h"

/* How long an invitation link works. */
#define INVITATION_TTL (14 * 86400)

/*
 * Invites a user of the partner p (a piece of a step: joins the caller's
 * operation, checks no actor). email NULL or "": the partner's contact. The
 * user is made (partner or posthouse role) when the address has none; an
 * address of another organisation refuses (OP_CONFLICT, "email_taken"). A
 * user without a password gets a new link that works INVITATION_TTL, one
 * with a password is told to sign in. The message tmpl goes to the address
 * with vars (borrowed; added: name, link, invitation_link, and the lists of
 * zero or one item new_account [{invitation_link, expires}] — the one-time
 * link and until when it works, in words — and existing_account [{email,
 * signin_link}], so a template says one or the other).
 * *email gets the address (o's arena).
 */
int invitation_send(struct op *o, const struct partner *p, const char *email, const char *tmpl,
                    json_t *vars, const char **email_out);

/*
 * What an invitation link is, before it is used (anyone may ask: the token
 * is the credential): *out gets {state: pending|used|expired, created_at,
 * expires_at, used_at} and, only while the link works, the account's email,
 * name and partner. A new reference. An unknown token refuses (OP_NOT_FOUND,
 * "invitation_invalid"). Reads only.
 */
int invitation_view(struct op *o, const char *token, json_t **out);

/*
 * Accepts an invitation: sets the password of its user (at least 10
 * characters), marks the link used and writes the event. An unknown, used
 * or expired link refuses (OP_NOT_FOUND, "invitation_invalid"); a short
 * password OP_INVALID. Runs its own transaction.
 */
int invitation_accept(struct op *o, const char *token, const char *password);

#endif
