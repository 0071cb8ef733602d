/*
 * The transfer account (SPEC 2.3): one credential per organisation for
 * machines that upload and deliver: a username (the partner alias) and a
 * secret shown once. Staff (pim, admin) issue it, issue a new secret that
 * replaces the old one (a rotation) and revoke it; each is an audit event
 * (transfer.create, transfer.rotate, transfer.revoke) with who and when,
 * and the setup item transfer_account is done exactly while a credential
 * exists. Only the secret's SHA-256 is stored.
 *
 * The server accepts the secret as HTTP Basic (username:secret) or as a
 * bearer token; transfer_resolve() turns it into a principal of kind
 * PRINCIPAL_TRANSFER that acts as the organisation, and core/policy.c
 * admits that principal to uploads and deliveries only (a posthouse's
 * credential acts as the posthouse: also for the partners that named it
 * their delivery agent, as its people may). Resolutions are
 * never cached (unlike sessions and API tokens, store/token_cache.h): every
 * request reads the credential's row, so a revoked or replaced secret is
 * refused at once, by every server process.
 */
#ifndef VG_APP_TRANSFER_H
#define VG_APP_TRANSFER_H

#include <jansson.h>

#include "app/op.h"
#include "core/policy.h"
#include "store/lifecycle_store.h"

/*
 * Issues the partner's credential, or a new secret replacing the current
 * one. *out gets {username, secret, token (the same secret, for older
 * clients), partner, upload_url, rotated} (a new reference) — the only time
 * the secret is ever shown. Refuses (409) while the partner has no alias.
 * Returns 0 or OP_REFUSED. Its own transaction.
 */
int transfer_issue(struct op *o, int64_t partner_id, json_t **out);
/* Revokes the partner's credential (404 when it has none). Its own transaction. */
int transfer_revoke(struct op *o, int64_t partner_id);
/*
 * The credential as people may see it, never its secret: {username,
 * created_at, created_by {id, name, email} | null, rotated_at, rotated_by}
 * in *out, or JSON null when there is none (a new reference). For the
 * partner's staff and the partner itself. Reads only.
 */
int transfer_view(struct op *o, int64_t partner_id, json_t **out);

/*
 * Pieces for setup.c (in the caller's transaction, actor already checked):
 * provision p's credential (*secret as transfer_issue's answer, *username
 * the stored username, in o's arena), or withdraw it (no credential: 0).
 */
int transfer_provision(struct op *o, const struct partner *p, json_t **secret,
                       const char **username);
int transfer_withdraw(struct op *o, const struct partner *p, bool *had);

/*
 * Authentication (http/server.c): the principal a transfer secret stands
 * for, checking the username too when one is given (HTTP Basic). Returns 0
 * with *out filled (kind PRINCIPAL_TRANSFER, user_id 0, role partner or
 * posthouse, org_id the organisation), or -1 when nothing matches (or the
 * store failed: the request is not signed in). Strings in a.
 */
int transfer_resolve(struct db *db, struct arena *a, const char *username, const char *secret,
                     struct principal *out);

#endif
