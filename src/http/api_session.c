/*
 * Signing in and out, and "who am I".
 *
 * A sign-in answers the same 401 for an unknown email and a wrong password,
 * after the same argon2id work, so the answer tells nothing about which
 * accounts exist. Guessing is throttled per client and account (the rule is
 * in core/signin.h, the client is req_client()): each attempt is counted
 * before its password is checked, in one transaction with the decision
 * (store_throttle_attempt), so parallel guesses get no more checks than
 * sequential ones; while the client must wait, the answer is 429 with
 * Retry-After and the password is not even checked, right or wrong. A right
 * password forgets that client's count; other clients, the owner's among
 * them, were never held by it.
 */
#include <stdio.h>
#include <string.h>

#include "base/now.h"
#include "base/secret.h"
#include "core/signin.h"
#include "http/http.h"

void api_session_create(struct req *r);
void api_session_delete(struct req *r);
void api_me(struct req *r);

bool req_throttle_ok(struct req *r, const char *email, int64_t now, const char *what)
{
    char account[SIGNIN_KEY_LEN + 1], client[SIGNIN_KEY_LEN + 1];
    signin_account_key(email, account);
    signin_client_key(req_client(r), client);
    int64_t wait;
    if (store_throttle_attempt(req_db(r), account, client, now, &wait) < 0) {
        reply_store_error(r, STORE_ERR);
        return false;
    }
    if (wait <= 0)
        return true;
    char secs[24];
    snprintf(secs, sizeof secs, "%lld", (long long)wait);
    reply_header(r, "Retry-After", secs);
    reply_error_extra(r, 429, "too_many_attempts", json_pack("{s:I}", "retry_after", wait),
                      "too many %s for this account from your address: wait %lld second%s, "
                      "then try again (or ask an admin to reset the password)",
                      what, (long long)wait, wait == 1 ? "" : "s");
    return false;
}

void req_throttle_clear(struct req *r, const char *email)
{
    char account[SIGNIN_KEY_LEN + 1], client[SIGNIN_KEY_LEN + 1];
    signin_account_key(email, account);
    signin_client_key(req_client(r), client);
    /* a failure leaves the count as it is: the next right password clears it again */
    store_throttle_clear(req_db(r), account, client);
}

void api_session_create(struct req *r)
{
    const char *email_in, *password;
    if (!jfield_str(r, "email", true, &email_in) || !jfield_str(r, "password", true, &password))
        return;
    char email[256];
    if (signin_email_normalise(email_in, email, sizeof email) < 0) {
        reply_error(r, 401, "invalid_credentials", "wrong email or password");
        return;
    }
    struct db *db = req_db(r);
    int64_t now = now_real();
    if (!req_throttle_ok(r, email, now, "failed sign-ins"))
        return;
    struct user u;
    int rc = store_user_by_email(db, &r->arena, email, &u);
    if (rc != STORE_OK && rc != STORE_ERR_NOT_FOUND) {
        reply_store_error(r, rc);
        return;
    }
    bool ok = secret_password_ok(password, rc == STORE_OK ? u.password_hash : NULL);
    if (!ok) {
        reply_error(r, 401, "invalid_credentials", "wrong email or password");
        return;
    }
    req_throttle_clear(r, email);
    char token[SECRET_TOKEN_LEN + 1], hash[SECRET_HASH_LEN + 1], csrf[SECRET_TOKEN_LEN + 1];
    secret_token(token);
    secret_csrf(token, csrf);
    secret_hash(token, hash);
    int64_t expires = now + r->conf->session_ttl;
    if ((rc = store_token_add(db, hash, TOKEN_SESSION, u.id, "session", now, expires)) < 0) {
        reply_store_error(r, rc);
        return;
    }
    r->set_cookie =
        arena_printf(&r->arena,
                     "vodgate_session=%s; Path=/; HttpOnly; SameSite=Lax;"
                     " Max-Age=%d%s",
                     token, r->conf->session_ttl, r->conf->secure_cookies ? "; Secure" : "");
    reply_json(r, 200,
               json_pack("{s:s, s:s, s:o, s:o}", "token", token, "csrf", csrf, "expires_at",
                         json_time(expires), "user", json_user(&u)));
}

void api_session_delete(struct req *r)
{
    int rc = store_token_delete(req_db(r), r->token_hash);
    if (rc < 0) {
        reply_store_error(r, rc);
        return;
    }
    r->set_cookie = arena_printf(&r->arena,
                                 "vodgate_session=; Path=/; HttpOnly; SameSite=Lax;"
                                 " Max-Age=0%s",
                                 r->conf->secure_cookies ? "; Secure" : "");
    reply_bytes(r, 204, NULL, "", 0);
}

void api_me(struct req *r)
{
    json_t *me = json_user(&r->user);
    if (r->via_cookie && r->csrf)
        json_object_set_new(me, "csrf", json_string(r->csrf));
    reply_json(r, 200, me);
}
