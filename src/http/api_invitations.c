/*
 * What an invitation link is, before it is used (GET /api/v1/invitations/
 * {token}, no sign-in): the invitation page shows whose account the link
 * opens and says what to do when it no longer works. The token is the
 * credential: only its SHA-256 is stored, so the lookup hashes what was sent.
 * The account's email and name are told only while the link still works;
 * a used or expired link tells its state and when, nothing about the user.
 * Accepting the link (setting the password) is api_invitation_accept in
 * api_lifecycle.c.
 */
#include "base/now.h"
#include "base/secret.h"
#include "http/http.h"
#include "store/lifecycle_store.h"

void api_invitation_get(struct req *r);

void api_invitation_get(struct req *r)
{
    char hash[SECRET_HASH_LEN + 1];
    secret_hash(r->params[0], hash);
    struct invitation_row inv;
    int rc = store_invitation_get(req_db(r), hash, &inv);
    if (rc == STORE_ERR_NOT_FOUND) {
        reply_error(r, 404, "invitation_invalid",
                    "this invitation link is unknown: check that the whole link was copied from "
                    "the email, or ask your contact at the service for a new invitation");
        return;
    }
    if (rc < 0) {
        reply_store_error(r, rc);
        return;
    }
    int64_t now = now_get();
    const char *state = inv.used_at ? "used" : inv.expires_at <= now ? "expired" : "pending";
    json_t *out =
        json_pack("{s:s, s:o, s:o, s:o}", "state", state, "created_at", json_time(inv.created_at),
                  "expires_at", json_time(inv.expires_at), "used_at", json_time(inv.used_at));
    struct user u;
    if (!inv.used_at && inv.expires_at > now &&
        store_user_by_id(req_db(r), &r->arena, inv.user_id, &u) == 0) {
        json_object_set_new(out, "email", json_string(u.email));
        json_object_set_new(out, "name", json_string(u.name && *u.name ? u.name : u.email));
        struct partner p;
        if (u.partner_id && store_partner_get(req_db(r), &r->arena, u.partner_id, &p) == 0)
            json_object_set_new(out, "partner", json_string(p.name));
    }
    reply_json(r, 200, out);
}
