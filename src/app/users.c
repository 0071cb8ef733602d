/*
 * Users: see users.h. Creating one checks everything that needs no lock
 * first (the email, the account rules, the organisation, the hash) and only
 * then begins the transaction that stores the user with its audit event;
 * a duplicate email is the store's unique index speaking (OP_CONFLICT).
 */
#include "app/users.h"

#include <string.h>

#include "app/audit.h"
#include "base/secret.h"
#include "core/account.h"
#include "core/policy.h"
#include "core/signin.h"
#include "app/scope.h"

json_t *users_json(const struct user *u)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:b, s:b, s:o, s:o}", "id", (json_int_t)u->id,
                     "email", u->email, "name", u->name, "role", role_name(u->role), "partner",
                     u->partner_id ? json_integer(u->partner_id) : json_null(), "created_at",
                     app_json_time(u->created_at), "org_admin", u->org_admin, "disabled",
                     u->disabled_at != 0, "disabled_at", app_json_time(u->disabled_at),
                     "last_sign_in_at", app_json_time(u->last_sign_in_at));
}

/* The busy answer of a failed hash: libsodium could not get its memory. */
static int hash_failed(struct op *o)
{
    return op_refuse(o, OP_FAILED, "busy",
                     "the server is short of memory for password hashing; retry");
}

/* Checks and hashes what in asks for into *u (email in email, hash in hash). */
static int prepare(struct op *o, const struct user_new *in, char *email, size_t email_len,
                   char *hash, struct user *u)
{
    const char *typed = in->email ? in->email : "";
    if (signin_email_normalise(typed, email, email_len) < 0)
        return op_invalid(o, "email", "'%s' is not an email address", typed);
    struct partner p = {0};
    int rc =
        in->partner_id ? store_partner_get(o->db, o->a, in->partner_id, &p) : STORE_ERR_NOT_FOUND;
    if (rc < 0 && rc != STORE_ERR_NOT_FOUND)
        return op_failed(o, rc);
    struct account_problem why;
    if (!account_check(in->role, in->partner_id, rc == STORE_OK, p.posthouse,
                       in->password ? in->password : "", &why))
        return op_invalid(o, why.field, "%s", why.message);
    if (secret_password_hash(in->password, hash) < 0)
        return hash_failed(o);
    memset(u, 0, sizeof *u);
    u->email = email;
    u->name = (char *)(in->name && *in->name ? in->name : email);
    u->role = in->role;
    u->partner_id = in->partner_id;
    u->password_hash = hash;
    u->created_at = o->now;
    return 0;
}

/* Stores u with its audit event, inside the caller's transaction. */
static int store_new(struct op *o, struct user *u, const char *via, const char *action,
                     json_t **view)
{
    int rc = store_user_add(o->db, u, &u->id);
    if (rc == STORE_ERR_CONFLICT)
        return op_refuse(o, OP_CONFLICT, "email_taken", "there is already a user with the email %s",
                         u->email);
    if (rc < 0)
        return rc;
    *view = users_json(u);
    json_t *after = json_deep_copy(*view);
    if (via)
        json_object_set_new(after, "via", json_string(via));
    return audit_event(o, u->partner_id, arena_printf(o->a, "user:%lld", (long long)u->id), action,
                       NULL, after);
}

/* Hands the created user back: strings in o's arena, never the hash. */
static void hand_back(struct op *o, const struct user *u, struct user *out)
{
    if (!out)
        return;
    *out = *u;
    out->email = arena_strdup(o->a, u->email);
    out->name = arena_strdup(o->a, u->name);
    out->password_hash = NULL;
}

int users_create(struct op *o, const struct user_new *in, struct user *out, json_t **view)
{
    char email[256], hash[SECRET_PWHASH_MAX];
    struct user u;
    json_t *made = NULL;
    int rc = op_allow(o, ACT_USER_CREATE, SCOPE_NONE, NULL, NULL);
    if (rc == 0)
        rc = prepare(o, in, email, sizeof email, hash, &u);
    if (rc < 0)
        return rc;
    if ((rc = op_begin(o)) < 0)
        return rc;
    rc = op_end(o, store_new(o, &u, in->via, "user.create", &made));
    if (rc < 0) {
        json_decref(made);
        return rc;
    }
    hand_back(o, &u, out);
    if (view)
        *view = made;
    else
        json_decref(made);
    return 0;
}

int users_bootstrap_admin(struct op *o, const char *email, const char *password, struct user *out,
                          bool *created)
{
    *created = false;
    struct user_new in = {
        .email = email, .name = "Administrator", .role = ROLE_ADMIN, .password = password};
    char norm[256], hash[SECRET_PWHASH_MAX];
    struct user u;
    json_t *made = NULL;
    int rc = op_allow(o, ACT_USER_CREATE, SCOPE_NONE, NULL, NULL);
    if (rc < 0 || store_user_count(o->db) > 0) /* the usual start: no hash to make */
        return rc;
    if ((rc = prepare(o, &in, norm, sizeof norm, hash, &u)) < 0)
        return rc;
    if ((rc = op_begin(o)) < 0)
        return rc;
    /* counted again in the transaction that adds the admin */
    if (store_user_count(o->db) == 0)
        rc = store_new(o, &u, NULL, "user.bootstrap_admin", &made);
    rc = op_end(o, rc);
    json_decref(made);
    if (rc < 0)
        return rc;
    *created = made != NULL;
    if (*created)
        hand_back(o, &u, out);
    return 0;
}

int users_reset_password(struct op *o, const char *email_in, const char *password)
{
    char email[256], hash[SECRET_PWHASH_MAX], account[SIGNIN_KEY_LEN + 1];
    int rc = op_allow(o, ACT_USER_CREATE, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    if (signin_email_normalise(email_in ? email_in : "", email, sizeof email) < 0)
        return op_invalid(o, "email", "'%s' is not an email address", email_in ? email_in : "");
    struct user u;
    rc = store_user_by_email(o->db, o->a, email, &u);
    if (rc == STORE_ERR_NOT_FOUND)
        return op_refuse(o, OP_NOT_FOUND, "not_found",
                         "there is no user with the email %s: check the address", email);
    if (rc < 0)
        return op_failed(o, rc);
    struct account_problem why;
    if (!account_check(u.role, u.partner_id, true, u.role == ROLE_POSTHOUSE,
                       password ? password : "", &why))
        return op_invalid(o, why.field, "%s", why.message);
    if (secret_password_hash(password, hash) < 0)
        return hash_failed(o);
    signin_account_key(u.email, account);
    if ((rc = op_begin(o)) < 0)
        return rc;
    rc = store_user_set_password(o->db, u.id, hash);
    if (rc == 0)
        rc = store_throttle_clear(o->db, account, NULL);
    return op_end(o, rc);
}

static int add_user(const struct user *u, void *ctx)
{
    json_array_append_new(ctx, users_json(u));
    return 0;
}

int users_list(struct op *o, json_t **out)
{
    int rc = op_allow(o, ACT_USER_LIST, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    if ((rc = store_user_each(o->db, o->a, add_user, list)) < 0) {
        json_decref(list);
        return op_failed(o, rc);
    }
    *out = json_pack("{s:o}", "users", list);
    return 0;
}

struct staff_list {
    enum role only; /* ROLE_NONE: every staff role */
    json_t *list;
};

static int add_staff(const struct user *u, void *arg)
{
    struct staff_list *x = arg;
    if (role_is_org(u->role) || (x->only && u->role != x->only))
        return 0;
    json_array_append_new(x->list, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)u->id,
                                             "name", u->name && *u->name ? u->name : u->email,
                                             "email", u->email, "role", role_name(u->role)));
    return 0;
}

int users_staff(struct op *o, const char *role, json_t **out)
{
    int rc = op_allow(o, ACT_STAFF_VIEW, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    struct staff_list x = {ROLE_NONE, NULL};
    if (role) {
        x.only = role_parse(role);
        if (x.only == ROLE_NONE || role_is_org(x.only))
            return op_invalid(o, "role",
                              "'role' is a staff role: admin, cam, pim, pom, plm or commercial");
    }
    x.list = json_array();
    if ((rc = store_user_each_staff(o->db, o->a, add_staff, &x)) < 0) {
        json_decref(x.list);
        return op_failed(o, rc);
    }
    *out = json_pack("{s:o}", "staff", x.list);
    return 0;
}

/* ---- changing an account (issue 14: the admin's users page) ---- */

/* The change, checked against the user as it is, inside the transaction. */
static int apply_change(struct op *o, int64_t id, const struct user_change *ch, json_t **view)
{
    struct user u;
    int rc = store_user_by_id(o->db, o->a, id, &u);
    if (rc == STORE_ERR_NOT_FOUND)
        return op_refuse(o, OP_NOT_FOUND, "not_found", "there is no user with the id %lld",
                         (long long)id);
    if (rc < 0)
        return rc;
    json_t *before = users_json(&u);
    bool self = id == o->who.user_id;
    if (ch->role && *ch->role) {
        enum role to = role_parse(ch->role);
        if (to == ROLE_NONE)
            rc = op_invalid(o, "role", "'%s' is not a role", ch->role);
        else if (role_is_org(u.role) && to != u.role)
            rc = op_invalid(o, "role",
                            "a partner or posthouse user's role follows its organisation; "
                            "add a staff user with its own address instead");
        else if (!role_is_org(u.role) && role_is_org(to))
            rc = op_invalid(o, "role",
                            "a staff user cannot become an organisation's user; add one with "
                            "its organisation instead");
        else if (self && u.role == ROLE_ADMIN && to != ROLE_ADMIN)
            rc = op_refuse(o, OP_CONFLICT, "own_account",
                           "you cannot take the admin role from your own account: ask another "
                           "admin");
        else if (to != u.role && (rc = store_user_set_role(o->db, id, to)) == 0)
            u.role = to;
    }
    if (rc == 0 && ch->org_admin >= 0) {
        if (!role_is_org(u.role))
            rc = op_invalid(o, "org_admin",
                            "only a partner or posthouse user can be its organisation's admin");
        else if ((rc = store_user_set_org_admin(o->db, id, ch->org_admin != 0)) == 0)
            u.org_admin = ch->org_admin != 0;
    }
    if (rc == 0 && ch->disabled >= 0) {
        if (self && ch->disabled)
            rc = op_refuse(o, OP_CONFLICT, "own_account",
                           "you cannot disable your own account: ask another admin");
        else if (ch->disabled && !u.disabled_at)
            rc = store_user_disable(o->db, id, o->now);
        else if (!ch->disabled && u.disabled_at)
            rc = store_user_enable(o->db, id);
    }
    if (rc == 0)
        rc = store_user_by_id(o->db, o->a, id, &u);
    if (rc < 0) {
        json_decref(before);
        return rc;
    }
    *view = users_json(&u);
    return audit_event(o, u.partner_id, arena_printf(o->a, "user:%lld", (long long)id),
                       ch->disabled > 0 ? "user.disable" : "user.update", before,
                       json_deep_copy(*view));
}

int users_update(struct op *o, int64_t id, const struct user_change *ch, json_t **view)
{
    *view = NULL;
    int rc = op_allow(o, ACT_USER_MANAGE, SCOPE_NONE, NULL, NULL);
    if (rc < 0 || (rc = op_begin(o)) < 0)
        return rc;
    rc = op_end(o, apply_change(o, id, ch, view));
    if (rc < 0) {
        json_decref(*view);
        *view = NULL;
    }
    return rc;
}
