/*
 * An organisation's own users over the API (issue 14): its users read the
 * list, its admin (a user with the org_admin flag) or the installation's
 * admin invites and removes them. The partner of the path is checked by the
 * dispatcher (another organisation's is a 404); app/colleagues.c holds the
 * rest (its own organisation only, the flag, never a staff role).
 */
#include "app/colleagues.h"
#include "http/api.h"

void api_colleagues_list(struct req *r)
{
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = colleagues_list(&o, req_param_id(r, 0), &out);
    if (req_op_done(r, &o, rc))
        reply_json(r, 200, out);
}

/* POST {email, name?}: 201 with the invited user; the one-time link goes by mail. */
void api_colleagues_invite(struct req *r)
{
    const char *email = NULL, *name = NULL;
    if (!jbody(r) || !jfield_str(r, "email", true, &email) || !jfield_str(r, "name", false, &name))
        return;
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = colleagues_invite(&o, req_param_id(r, 0), email, name, &out);
    if (req_op_done(r, &o, rc))
        reply_json(r, 201, out);
}

/* DELETE .../users/{user}: 200 {removed: id}; the account is disabled. */
void api_colleagues_remove(struct req *r)
{
    struct op o;
    int64_t user = req_param_id(r, 1);
    req_op_init(r, &o);
    int rc = colleagues_remove(&o, req_param_id(r, 0), user);
    if (req_op_done(r, &o, rc))
        reply_json(r, 200, json_pack("{s:I}", "removed", (json_int_t)user));
}
