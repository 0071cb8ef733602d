/*
 * The service's own people: GET /api/v1/staff[?role=pom] lists the staff
 * users (id, name, email, role), for the forms that assign a partner's
 * owners or hand a partner to a pom (app/users.c users_staff). Staff only:
 * an organisation's user has no business with the service's directory.
 * Staff are a few dozen people, so the answer is the whole list.
 */
#include "app/op.h"
#include "app/users.h"
#include "http/api.h"

void api_staff_list(struct req *r)
{
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = users_staff(&o, req_query(r, "role"), &out);
    if (req_op_done(r, &o, rc))
        reply_json(r, 200, out);
}
