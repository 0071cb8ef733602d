/*
 * The uploads as JSON: GET /api/v1/uploads[?partner=] and /api/v1/uploads/{id}
 * ({id} is the last segment of the tus Location). An organisation's users
 * see their organisation's uploads (a posthouse also those of the partners
 * it delivers for); staff see all. Another organisation's upload answers
 * 404, as one that does not exist. The views are app/uploads.h's.
 */
#include <stdlib.h>

#include "app/uploads.h"
#include "http/api.h"

void api_uploads_list(struct req *r)
{
    const char *p = req_query(r, "partner");
    int64_t partner = 0;
    if (p) {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (*end || v <= 0) {
            reply_error(r, 400, "partner", "'partner' must be a partner id");
            return;
        }
        partner = v;
    }
    struct op o;
    req_op_init(r, &o);
    json_t *list;
    int rc = uploads_list(&o, partner, &list);
    if (!req_op_done(r, &o, rc))
        return;
    reply_json(r, 200, list);
}

void api_uploads_get(struct req *r)
{
    struct op o;
    req_op_init(r, &o);
    json_t *u;
    int rc = uploads_view(&o, r->params[0], &u);
    if (!req_op_done(r, &o, rc))
        return;
    reply_json(r, 200, u);
}
