/*
 * Invitations: see invitations.h. Making the link and accepting it are the
 * two ends of one credential: invitation_send hashes a fresh token into the
 * invitations table and mails the token sealed; invitation_view and
 * invitation_accept hash what the link carries and look that up.
 */
#include "app/invitations.h"

#include <string.h>

#include "app/lifecycle_steps.h"
#include "app/mail_queue.h"
#include "app/scope.h"
#include "base/secret.h"

/* The account of an invitation: the user of its address, made now when there is none. */
static int user_of(struct op *o, const struct partner *p, const char *addr, struct user *u)
{
    int rc = store_user_by_email(o->db, o->a, addr, u);
    if (rc == STORE_OK && u->partner_id != p->id)
        return op_refuse(o, OP_CONFLICT, "email_taken",
                         "%s already has an account with another organisation; use another address",
                         addr);
    if (rc != STORE_ERR_NOT_FOUND)
        return rc;
    memset(u, 0, sizeof *u);
    u->email = (char *)addr;
    u->name = (char *)addr;
    u->role = p->posthouse ? ROLE_POSTHOUSE : ROLE_PARTNER;
    u->partner_id = p->id;
    u->created_at = o->now;
    if ((rc = store_user_add(o->db, u, &u->id)) < 0)
        return rc;
    return lifecycle_event(o, p, arena_printf(o->a, "user:%lld", (long long)u->id), "user.create",
                           NULL,
                           json_pack("{s:s, s:s}", "email", addr, "role", role_name(u->role)));
}

int invitation_send(struct op *o, const struct partner *p, const char *email, const char *tmpl,
                    json_t *vars, const char **email_out)
{
    struct user u;
    const char *addr = email && *email ? email : p->contact_email;
    int rc = user_of(o, p, addr, &u);
    if (rc < 0)
        return rc;
    *email_out = arena_strdup(o->a, addr);
    if (!u.password_hash || !*u.password_hash) {
        char token[SECRET_TOKEN_LEN + 1], hash[SECRET_HASH_LEN + 1];
        secret_token(token);
        secret_hash(token, hash);
        if ((rc = store_invitation_add(o->db, hash, u.id, o->now, o->now + INVITATION_TTL)) < 0)
            return rc;
        /* sealed: the outbox must not keep what the invitations table keeps only hashed */
        const char *link = mail_link_seal(o->a, o->base_url, token);
        if (!link)
            return op_refuse(o, OP_FAILED, "no_key",
                             "invitation links cannot be sealed: this process has no key file "
                             "(secret.key in the data directory)");
        json_object_set_new(vars, "invitation_link", json_string(link));
        /* a new account: the one-time link and until when it works, in the partner's words */
        json_object_set_new(vars, "new_account",
                            json_pack("[{s:s, s:s}]", "invitation_link", link, "expires",
                                      op_at_words(o, o->now + INVITATION_TTL, p->time_zone)));
        json_object_set_new(vars, "existing_account", json_array());
    } else {
        /* an account that has its password: it now has access, and signs in as always */
        const char *signin = arena_printf(o->a, "%s/", o->base_url);
        json_object_set_new(vars, "invitation_link", json_string(signin));
        json_object_set_new(vars, "new_account", json_array());
        json_object_set_new(vars, "existing_account",
                            json_pack("[{s:s, s:s}]", "email", u.email, "signin_link", signin));
    }
    json_object_set_new(vars, "name", json_string(u.name && *u.name ? u.name : addr));
    if (!json_object_get(vars, "link") && json_array_size(json_object_get(vars, "new_account")))
        json_object_set(vars, "link", json_object_get(vars, "invitation_link"));
    return lifecycle_send(o, p, addr, u.id, tmpl, vars);
}

int invitation_view(struct op *o, const char *token, json_t **out)
{
    *out = NULL;
    int rc = op_allow(o, ACT_PUBLIC, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    char hash[SECRET_HASH_LEN + 1];
    secret_hash(token, hash);
    struct invitation_row inv;
    rc = store_invitation_get(o->db, hash, &inv);
    if (rc == STORE_ERR_NOT_FOUND)
        return op_refuse(o, OP_NOT_FOUND, "invitation_invalid",
                         "this invitation link is unknown: check that the whole link was copied "
                         "from the email, or ask your contact at the service for a new "
                         "invitation");
    if (rc < 0)
        return op_failed(o, rc);
    bool works = !inv.used_at && inv.expires_at > o->now;
    const char *state = inv.used_at ? "used" : works ? "pending" : "expired";
    json_t *v =
        json_pack("{s:s, s:o, s:o, s:o}", "state", state, "created_at",
                  app_json_time(inv.created_at), "expires_at",
                  app_json_time(inv.expires_at), "used_at", app_json_time(inv.used_at));
    struct user u;
    if (works && store_user_by_id(o->db, o->a, inv.user_id, &u) == 0) {
        json_object_set_new(v, "email", json_string(u.email));
        json_object_set_new(v, "name", json_string(u.name && *u.name ? u.name : u.email));
        struct partner p;
        if (u.partner_id && store_partner_get(o->db, o->a, u.partner_id, &p) == 0)
            json_object_set_new(v, "partner", json_string(p.name));
    }
    *out = v;
    return 0;
}

/* Uses the link and sets the password, inside the operation's transaction. */
static int accept(struct op *o, const char *token, const char *password)
{
    char hash[SECRET_HASH_LEN + 1], pw_hash[SECRET_PWHASH_MAX];
    secret_hash(token, hash);
    int64_t user_id;
    int rc = store_invitation_use(o->db, hash, o->now, &user_id);
    if (rc == STORE_ERR_NOT_FOUND)
        return op_refuse(o, OP_NOT_FOUND, "invitation_invalid",
                         "this invitation link is unknown, used or expired: ask your contact at "
                         "the service for a new one");
    if (rc < 0)
        return rc;
    if (strlen(password) < 10)
        return op_refuse(o, OP_INVALID, "invalid", "the password must have at least 10 characters");
    if (secret_password_hash(password, pw_hash) < 0)
        return STORE_ERR;
    if ((rc = store_user_set_password(o->db, user_id, pw_hash)) < 0)
        return rc;
    struct user u;
    if ((rc = store_user_by_id(o->db, o->a, user_id, &u)) < 0)
        return rc;
    struct event e = {0};
    e.at = o->now;
    e.actor_id = user_id;
    e.partner_id = u.partner_id;
    e.subject = arena_printf(o->a, "user:%lld", (long long)user_id);
    e.action = "user.invitation_accepted";
    return store_event_add(o->db, &e);
}

int invitation_accept(struct op *o, const char *token, const char *password)
{
    int rc = op_begin(o);
    if (rc == 0)
        rc = op_allow(o, ACT_PUBLIC, SCOPE_NONE, NULL, NULL);
    if (rc == 0)
        rc = accept(o, token, password);
    return op_end(o, rc);
}
