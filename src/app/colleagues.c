/*
 * Colleagues: see colleagues.h. Who may manage an organisation's people is
 * decided twice: the policy's role check (ACT_COLLEAGUE_*: admin and the
 * organisation roles, on the partner of the path), then here the rule the
 * roles cannot say: the actor belongs to that very organisation (not a
 * posthouse acting for it) and holds the org_admin flag.
 */
#include "app/colleagues.h"

#include <string.h>

#include "app/audit.h"
#include "app/invitations.h"
#include "app/scope.h"
#include "core/signin.h"
#include "store/lifecycle_store.h"

/* The partner, when the actor may see its people: its own organisation only (or staff). */
static int allow(struct op *o, enum action action, int64_t partner_id, struct partner *p)
{
    int rc = op_allow_partner(o, action, partner_id, p);
    if (rc < 0)
        return rc;
    if (role_is_org(o->who.role) && o->who.org_id != partner_id)
        return op_refuse(o, OP_NOT_FOUND, "not_found",
                         "there is no partner with this id that you can see; check the id");
    return 0;
}

/* 0 when the actor may invite and remove p's people: the admin, or an org_admin of p. */
static int may_manage(struct op *o, const struct partner *p, bool *yes)
{
    *yes = op_by_system(o) || o->who.role == ROLE_ADMIN;
    if (*yes || !role_is_org(o->who.role) || o->who.org_id != p->id)
        return 0;
    struct user me;
    int rc = store_user_by_id(o->db, o->a, o->who.user_id, &me);
    if (rc < 0)
        return op_failed(o, rc);
    *yes = me.org_admin && !me.disabled_at;
    return 0;
}

static json_t *row(const struct op *o, const struct user *u)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:o, s:b}", "id", (json_int_t)u->id, "email",
                     u->email, "name", u->name && *u->name ? u->name : u->email, "role",
                     role_name(u->role), "org_admin", u->org_admin, "pending",
                     !u->password_hash || !*u->password_hash, "last_sign_in_at",
                     app_json_time(u->last_sign_in_at), "you", u->id == o->who.user_id);
}

struct list_ctx {
    const struct op *o;
    json_t *list;
};

static int add_row(const struct user *u, void *arg)
{
    struct list_ctx *x = arg;
    json_array_append_new(x->list, row(x->o, u));
    return 0;
}

int colleagues_list(struct op *o, int64_t partner_id, json_t **out)
{
    *out = NULL;
    struct partner p;
    bool manage;
    int rc = allow(o, ACT_COLLEAGUE_READ, partner_id, &p);
    if (rc < 0 || (rc = may_manage(o, &p, &manage)) < 0)
        return rc;
    struct list_ctx x = {o, json_array()};
    if ((rc = store_user_each_of_partner(o->db, o->a, partner_id, add_row, &x)) < 0) {
        json_decref(x.list);
        return op_failed(o, rc);
    }
    *out = json_pack("{s:I, s:s, s:b, s:o}", "partner", (json_int_t)p.id, "partner_name", p.name,
                     "may_manage", manage, "users", x.list);
    return 0;
}

/* The refusal of an actor without the flag: who to ask instead. */
static int not_admin(struct op *o)
{
    return op_refuse(o, OP_NOT_ALLOWED, "not_org_admin",
                     "only your organisation's admin may invite or remove colleagues; ask them, "
                     "or your contact at the service");
}

static int invite(struct op *o, const struct partner *p, const char *email, const char *name,
                  json_t **out)
{
    struct user u;
    int rc = store_user_by_email(o->db, o->a, email, &u);
    if (rc < 0 && rc != STORE_ERR_NOT_FOUND)
        return rc;
    if (rc == STORE_OK && u.partner_id != p->id)
        return op_refuse(o, OP_CONFLICT, "email_taken",
                         "%s already has an account that is not %s's; use another address", email,
                         p->name);
    if (rc == STORE_OK && !u.disabled_at && u.password_hash && *u.password_hash)
        return op_refuse(o, OP_CONFLICT, "already_colleague",
                         "%s is already a user of %s and can sign in", email, p->name);
    if (rc == STORE_OK && u.disabled_at && (rc = store_user_enable(o->db, u.id)) < 0)
        return rc;
    struct user me = {0};
    const char *inviter = "Your organisation's admin";
    if (o->who.user_id && store_user_by_id(o->db, o->a, o->who.user_id, &me) == 0)
        inviter = !me.name || !*me.name || !strcmp(me.name, me.email)
                      ? me.email /* not "a@b.example (a@b.example)" */
                      : arena_printf(o->a, "%s (%s)", me.name, me.email);
    json_t *vars =
        json_pack("{s:s, s:s, s:s, s:s}", "partner", p->name, "inviter", inviter, "expires_words",
                  op_at_words(o, o->now + INVITATION_TTL, p->time_zone), "note", "");
    const char *sent = NULL;
    rc = invitation_send(o, p, email, "colleague_invitation", vars, &sent);
    json_decref(vars);
    if (rc < 0)
        return rc;
    if ((rc = store_user_by_email(o->db, o->a, email, &u)) < 0)
        return rc;
    (void)name; /* the invited person sets nothing but a password; the name is the address */
    *out = row(o, &u);
    return audit_event(o, p->id, arena_printf(o->a, "user:%lld", (long long)u.id), "user.invite",
                       NULL, json_pack("{s:s, s:s}", "email", u.email, "role", role_name(u.role)));
}

int colleagues_invite(struct op *o, int64_t partner_id, const char *email_in, const char *name,
                      json_t **out)
{
    *out = NULL;
    struct partner p;
    bool manage;
    char email[256];
    int rc = allow(o, ACT_COLLEAGUE_WRITE, partner_id, &p);
    if (rc < 0 || (rc = may_manage(o, &p, &manage)) < 0)
        return rc;
    if (!manage)
        return not_admin(o);
    if (signin_email_normalise(email_in ? email_in : "", email, sizeof email) < 0)
        return op_invalid(o, "email", "'%s' is not an email address", email_in ? email_in : "");
    if ((rc = op_begin(o)) < 0)
        return rc;
    rc = op_end(o, invite(o, &p, email, name, out));
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

static int remove_user(struct op *o, const struct partner *p, int64_t user_id)
{
    struct user u;
    int rc = store_user_by_id(o->db, o->a, user_id, &u);
    if (rc == STORE_ERR_NOT_FOUND || (rc == 0 && (u.partner_id != p->id || u.disabled_at)))
        return op_refuse(o, OP_NOT_FOUND, "not_found",
                         "there is no user with this id in %s; check the id", p->name);
    if (rc < 0)
        return rc;
    if (user_id == o->who.user_id)
        return op_refuse(o, OP_CONFLICT, "own_account",
                         "you cannot remove your own account: ask another admin of %s", p->name);
    if ((rc = store_user_disable(o->db, user_id, o->now)) < 0)
        return rc;
    return audit_event(o, p->id, arena_printf(o->a, "user:%lld", (long long)user_id),
                       "user.remove", json_pack("{s:s}", "email", u.email), NULL);
}

int colleagues_remove(struct op *o, int64_t partner_id, int64_t user_id)
{
    struct partner p;
    bool manage;
    int rc = allow(o, ACT_COLLEAGUE_WRITE, partner_id, &p);
    if (rc < 0 || (rc = may_manage(o, &p, &manage)) < 0)
        return rc;
    if (!manage)
        return not_admin(o);
    if ((rc = op_begin(o)) < 0)
        return rc;
    return op_end(o, remove_user(o, &p, user_id));
}

static int find_admin(const struct user *u, void *arg)
{
    bool *any = arg;
    *any |= u->org_admin;
    return *any;
}

int colleagues_first_admin(struct op *o, const struct partner *p, const char *email)
{
    bool any = false;
    int rc = store_user_each_of_partner(o->db, o->a, p->id, find_admin, &any);
    if (rc < 0 || any || !email)
        return rc;
    struct user u;
    if ((rc = store_user_by_email(o->db, o->a, email, &u)) < 0)
        return rc == STORE_ERR_NOT_FOUND ? 0 : rc;
    if (u.partner_id != p->id)
        return 0;
    return store_user_set_org_admin(o->db, u.id, true);
}
