/*
 * Signing in and out, and "who am I".
 *
 * The credential check is app/account.c's (account_sign_in): the same 401
 * for an unknown email and a wrong password, after the same argon2id work,
 * so the answer tells nothing about which accounts exist; guessing is
 * throttled per client (req_client()) and account, and while the client
 * must wait the answer is 429 with Retry-After and the password is not even
 * checked. What is HTTP's stays here: the session travels in a cookie
 * (HttpOnly, SameSite=Lax, Secure when configured), set by a sign-in and
 * cleared by a sign-out, the same for the API and the portal's sign-in form.
 */
#include "app/account.h"
#include "app/op.h"
#include "app/users.h"
#include "http/api.h"

void req_session_cookie(struct req *r, const char *token)
{
    if (token)
        r->set_cookie =
            arena_printf(&r->arena,
                         "vodgate_session=%s; Path=/; HttpOnly; SameSite=Lax;"
                         " Max-Age=%d%s",
                         token, r->conf->session_ttl, r->conf->secure_cookies ? "; Secure" : "");
    else
        r->set_cookie = arena_printf(&r->arena,
                                     "vodgate_session=; Path=/; HttpOnly; SameSite=Lax;"
                                     " Max-Age=0%s",
                                     r->conf->secure_cookies ? "; Secure" : "");
}

void api_session_create(struct req *r)
{
    const char *email, *password;
    if (!jfield_str(r, "email", true, &email) || !jfield_str(r, "password", true, &password))
        return;
    struct op o;
    struct account_session s;
    req_op_init(r, &o);
    int rc = account_sign_in(&o, email, password, req_client(r), r->conf->session_ttl, &s);
    if (!req_op_done(r, &o, rc))
        return;
    req_session_cookie(r, s.token);
    reply_json(r, 200,
               json_pack("{s:s, s:s, s:o, s:o}", "token", s.token, "csrf", s.csrf, "expires_at",
                         app_json_time(s.expires_at), "user", users_json(&s.user)));
}

void api_session_delete(struct req *r)
{
    struct op o;
    req_op_init(r, &o);
    int rc = account_sign_out(&o, r->token_hash);
    if (!req_op_done(r, &o, rc))
        return;
    req_session_cookie(r, NULL);
    reply_bytes(r, 204, NULL, "", 0);
}

void api_me(struct req *r)
{
    json_t *me = users_json(&r->user);
    if (r->via_cookie && r->csrf)
        json_object_set_new(me, "csrf", json_string(r->csrf));
    reply_json(r, 200, me);
}
