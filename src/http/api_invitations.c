/*
 * Invitation links over the API, no sign-in (the token is the credential):
 * GET /api/v1/invitations/{token} tells what a link is before it is used
 * (the invitation page shows whose account it opens, or why it no longer
 * works), POST sets the password of its account. Both are operations of
 * app/invitations.c; a handler parses, calls it and answers.
 */
#include "app/invitations.h"
#include "app/op.h"
#include "http/api.h"

void api_invitation_get(struct req *r)
{
    struct op o;
    json_t *view;
    req_op_init(r, &o);
    int rc = invitation_view(&o, r->params[0], &view);
    if (req_op_done(r, &o, rc))
        reply_json(r, 200, view);
}

void api_invitation_accept(struct req *r)
{
    const char *password;
    if (!jfield_str(r, "password", true, &password))
        return;
    struct op o;
    req_op_init(r, &o);
    if (req_op_done(r, &o, invitation_accept(&o, r->params[0], password)))
        reply_json(r, 200, json_pack("{s:s}", "status", "password set: sign in with your email"));
}
