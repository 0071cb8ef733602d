/*
 * A partner's transfer credential over the API (SPEC 10:
 * /api/v1/partners/{id}/transfer-credentials): POST issues it, or a new
 * secret that replaces the old one, and answers 201 {username, secret} —
 * the only time the secret is shown; DELETE revokes it (204). The rules
 * are app/transfer.c's.
 */
#include "app/op.h"
#include "app/transfer.h"
#include "http/api.h"

void api_transfer_create(struct req *r)
{
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = transfer_issue(&o, req_param_id(r, 0), &out);
    if (req_op_done(r, &o, rc))
        reply_json(r, 201, out);
}

void api_transfer_delete(struct req *r)
{
    struct op o;
    req_op_init(r, &o);
    int rc = transfer_revoke(&o, req_param_id(r, 0));
    if (req_op_done(r, &o, rc))
        reply_bytes(r, 204, NULL, "", 0);
}
