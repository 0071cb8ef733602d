/*
 * The transfer account: see transfer.h.
 *
 * One row per partner in transfer_accounts (store/lifecycle_store.h): the
 * username, the secret's hash, who made it and who last rotated it. A new
 * secret overwrites the hash in place, so the old one stops matching in the
 * same commit; a revocation deletes the row. The setup item follows: done
 * with the username as its value while a row exists, pending once revoked.
 */
#include "app/transfer.h"

#include <string.h>

#include "app/lifecycle_steps.h"
#include "app/scope.h"
#include "base/secret.h"

static const char item_name[] = "transfer_account";

int transfer_provision(struct op *o, const struct partner *p, json_t **secret,
                       const char **username)
{
    *secret = NULL;
    if (!p->alias || !*p->alias)
        return op_refuse(o, OP_CONFLICT, "illegal_transition",
                         "the transfer account's username is the partner alias: provision the "
                         "alias first");
    char token[SECRET_TOKEN_LEN + 1], hash[SECRET_HASH_LEN + 1];
    secret_token(token);
    secret_hash(token, hash);
    bool rotated = false;
    int rc = store_transfer_set(o->db, p->id, p->alias, hash, o->who.user_id, o->now, &rotated);
    if (rc < 0)
        return op_failed(o, rc);
    if ((rc = store_setup_set(o->db, p->id, item_name, "done", o->who.user_id, p->alias, o->now)) <
        0)
        return op_failed(o, rc);
    /* the audit event names the username, never the secret */
    rc = lifecycle_event(o, p, arena_printf(o->a, "transfer:%lld", (long long)p->id),
                         rotated ? "transfer.rotate" : "transfer.create", NULL,
                         json_pack("{s:s}", "username", p->alias));
    if (rc < 0)
        return op_failed(o, rc);
    *secret = json_pack("{s:s, s:s, s:s, s:I, s:s, s:b}", "username", p->alias, "secret", token,
                        "token", token, "partner", (json_int_t)p->id, "upload_url",
                        arena_printf(o->a, "%s/files/", o->base_url), "rotated", rotated);
    *username = p->alias;
    return 0;
}

int transfer_withdraw(struct op *o, const struct partner *p, bool *had)
{
    *had = false;
    struct transfer_row t;
    int rc = store_transfer_get(o->db, o->a, p->id, &t);
    if (rc == STORE_ERR_NOT_FOUND)
        return 0;
    if (rc < 0 || (rc = store_transfer_delete(o->db, p->id)) < 0)
        return op_failed(o, rc);
    *had = true;
    if ((rc = store_setup_set(o->db, p->id, item_name, "pending", o->who.user_id, NULL, o->now)) <
        0)
        return op_failed(o, rc);
    rc = lifecycle_event(o, p, arena_printf(o->a, "transfer:%lld", (long long)p->id),
                         "transfer.revoke", json_pack("{s:s}", "username", t.username), NULL);
    return rc < 0 ? op_failed(o, rc) : 0;
}

int transfer_issue(struct op *o, int64_t partner_id, json_t **out)
{
    struct partner p;
    const char *username = NULL;
    *out = NULL;
    int rc = op_begin(o);
    if (rc == 0)
        rc = op_allow_partner(o, ACT_TRANSFER_CREDENTIALS, partner_id, &p);
    if (rc == 0)
        rc = transfer_provision(o, &p, out, &username);
    rc = op_end(o, rc);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int transfer_revoke(struct op *o, int64_t partner_id)
{
    struct partner p;
    bool had = false;
    int rc = op_begin(o);
    if (rc == 0)
        rc = op_allow_partner(o, ACT_TRANSFER_CREDENTIALS, partner_id, &p);
    if (rc == 0)
        rc = transfer_withdraw(o, &p, &had);
    if (rc == 0 && !had)
        rc = op_refuse(o, OP_NOT_FOUND, "not_found",
                       "this partner has no transfer credentials to revoke: none were "
                       "issued, or they are already revoked");
    return op_end(o, rc);
}

/* {id, name, email} of a user, or null (a new reference). */
static json_t *json_user(struct op *o, int64_t id)
{
    struct user u;
    if (!id || store_user_by_id(o->db, o->a, id, &u) < 0)
        return json_null();
    return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", u.name, "email", u.email);
}

int transfer_view(struct op *o, int64_t partner_id, json_t **out)
{
    *out = NULL;
    int rc = op_allow_partner(o, ACT_PARTNER_READ, partner_id, NULL);
    if (rc < 0)
        return rc;
    struct transfer_row t;
    rc = store_transfer_get(o->db, o->a, partner_id, &t);
    if (rc == STORE_ERR_NOT_FOUND) {
        *out = json_null();
        return 0;
    }
    if (rc < 0)
        return op_failed(o, rc);
    *out = json_pack("{s:s, s:o, s:o, s:o, s:o}", "username", t.username, "created_at",
                     app_json_time(t.created_at), "created_by", json_user(o, t.created_by),
                     "rotated_at", app_json_time(t.rotated_at), "rotated_by",
                     json_user(o, t.rotated_by));
    return 0;
}

int transfer_resolve(struct db *db, struct arena *a, const char *username, const char *secret,
                     struct principal *out)
{
    memset(out, 0, sizeof *out);
    if (!secret || strlen(secret) != SECRET_TOKEN_LEN)
        return -1;
    char hash[SECRET_HASH_LEN + 1];
    secret_hash(secret, hash);
    struct transfer_row t;
    if (store_transfer_lookup(db, a, hash, &t) != STORE_OK)
        return -1;
    if (username && !secret_equal(username, t.username))
        return -1;
    struct partner p;
    if (store_partner_get(db, a, t.partner_id, &p) != STORE_OK)
        return -1;
    out->kind = PRINCIPAL_TRANSFER;
    out->user_id = 0;
    out->role = p.posthouse ? ROLE_POSTHOUSE : ROLE_PARTNER;
    out->org_id = p.id;
    return 0;
}
