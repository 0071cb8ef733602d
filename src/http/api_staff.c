/*
 * The service's own people: GET /api/v1/staff[?role=pom] lists the staff
 * users (id, name, email, role), for the forms that assign a partner's
 * owners or hand a partner to a pom. Staff only: an organisation's user has
 * no business with the service's directory. Staff are a few dozen people,
 * so the answer is the whole list (read through the index on partner_id,
 * never a scan of every partner's users).
 */
#include <string.h>

#include "http/http.h"

void api_staff_list(struct req *r);

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

void api_staff_list(struct req *r)
{
    const char *role_s = req_query(r, "role");
    struct staff_list x = {ROLE_NONE, NULL};
    if (role_s) {
        x.only = role_parse(role_s);
        if (x.only == ROLE_NONE || role_is_org(x.only)) {
            reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "role"),
                              "'role' is a staff role: admin, cam, pim, pom, plm or commercial");
            return;
        }
    }
    x.list = json_array();
    int rc = store_user_each_staff(req_db(r), &r->arena, add_staff, &x);
    if (rc < 0) {
        json_decref(x.list);
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "staff", x.list));
}
