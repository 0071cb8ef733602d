/*
 * The signed-in user's own account over the API: changing the password, API
 * tokens, and the state of the calendar-feed link (api_feed.c makes the
 * link). The rules are app/account.c's: the password change is throttled
 * exactly like a sign-in (the same count per client and account: guessing
 * through this route is no easier than through POST /api/v1/session) and
 * ends every other session of the user, keeping the one that asked; a user
 * sees and revokes only their own tokens.
 */
#include "app/account.h"
#include "app/op.h"
#include "http/api.h"

void api_me_password(struct req *r)
{
    const char *current, *fresh;
    if (!jfield_str(r, "current_password", true, &current) ||
        !jfield_str(r, "new_password", true, &fresh))
        return;
    struct op o;
    int64_t ended = 0;
    req_op_init(r, &o);
    int rc = account_change_password(&o, req_client(r), r->token_hash, current, fresh, &ended);
    if (req_op_done(r, &o, rc))
        reply_json(r, 200,
                   json_pack("{s:s, s:I}", "status", "password changed", "sessions_ended",
                             (json_int_t)ended));
}

void api_me_tokens_list(struct req *r)
{
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = account_tokens(&o, &out);
    if (req_op_done(r, &o, rc))
        reply_json(r, 200, out);
}

void api_me_tokens_create(struct req *r)
{
    const char *label;
    int64_t days = ACCOUNT_TOKEN_DAYS;
    if (!jfield_str(r, "label", true, &label) || !jfield_int(r, "expires_in_days", false, &days))
        return;
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = account_token_create(&o, label, days, &out);
    if (req_op_done(r, &o, rc))
        reply_json(r, 201, out);
}

void api_me_token_delete(struct req *r)
{
    struct op o;
    req_op_init(r, &o);
    int rc = account_token_revoke(&o, r->params[0]);
    if (req_op_done(r, &o, rc))
        reply_bytes(r, 204, NULL, "", 0);
}

void api_me_feed_get(struct req *r)
{
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = account_feed(&o, &out);
    if (req_op_done(r, &o, rc))
        reply_json(r, 200, out);
}

void api_me_feed_delete(struct req *r)
{
    struct op o;
    req_op_init(r, &o);
    int rc = account_feed_delete(&o);
    if (req_op_done(r, &o, rc))
        reply_bytes(r, 204, NULL, "", 0);
}
