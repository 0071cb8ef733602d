/*
 * User accounts over the API: an admin adds users of any role (app/users.c
 * holds the rules, the hashing and the audit event); partner and posthouse
 * users belong to one organisation, staff to none.
 */
#include "app/op.h"
#include "app/users.h"
#include "http/api.h"

void api_users_create(struct req *r)
{
    const char *role = NULL;
    struct user_new in = {0};
    if (!jfield_str(r, "email", true, &in.email) || !jfield_str(r, "name", false, &in.name) ||
        !jfield_str(r, "role", true, &role) || !jfield_str(r, "password", true, &in.password) ||
        !jfield_int(r, "partner", false, &in.partner_id))
        return;
    in.role = role_parse(role);
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = users_create(&o, &in, NULL, &out);
    if (req_op_done(r, &o, rc))
        reply_json(r, 201, out);
}

void api_users_list(struct req *r)
{
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = users_list(&o, &out);
    if (req_op_done(r, &o, rc))
        reply_json(r, 200, out);
}

/* PATCH /api/v1/users/{user} {role?, org_admin?, disabled?}: the admin changes an account. */
void api_users_update(struct req *r)
{
    struct user_change ch = {NULL, -1, -1};
    bool org_admin = false, disabled = false;
    if (!jbody(r) || !jfield_str(r, "role", false, &ch.role) ||
        !jfield_bool(r, "org_admin", false, &org_admin) ||
        !jfield_bool(r, "disabled", false, &disabled))
        return;
    if (json_object_get(r->json, "org_admin"))
        ch.org_admin = org_admin;
    if (json_object_get(r->json, "disabled"))
        ch.disabled = disabled;
    int64_t id = req_param_id(r, 0);
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = id ? users_update(&o, id, &ch, &out)
                : op_refuse(&o, OP_NOT_FOUND, "not_found", "there is no user with this id");
    if (req_op_done(r, &o, rc))
        reply_json(r, 200, out);
}
