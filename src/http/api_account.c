/*
 * The signed-in user's own account: changing the password, API tokens, and
 * the state of the calendar-feed link (api_feed.c makes the link).
 *
 * Changing the password asks for the current one, throttled exactly like a
 * sign-in (the same count per client and account: guessing through this
 * route is no easier than through POST /api/v1/session), and ends every other
 * session of the user, so a stolen cookie stops working; the session that
 * asked stays signed in. API tokens are not ended: they are listed beside the
 * form, each revocable.
 *
 * API tokens are the same 256-bit secrets as sessions (base/secret.h), shown
 * once at creation and stored only as their hash, with a label and an expiry
 * on real time (security timeouts never follow the test clock). A user sees
 * and revokes only their own tokens: another user's token id answers 404 as a
 * missing one.
 */
#include <stdio.h>
#include <string.h>

#include "base/now.h"
#include "base/secret.h"
#include "core/account.h"
#include "core/signin.h"
#include "http/http.h"

void api_me_password(struct req *r);
void api_me_tokens_list(struct req *r);
void api_me_tokens_create(struct req *r);
void api_me_token_delete(struct req *r);
void api_me_feed_get(struct req *r);
void api_me_feed_delete(struct req *r);

#define TOKEN_MAX_ACTIVE   20 /* unexpired API tokens one user may hold */
#define TOKEN_DAYS_DEFAULT 90
#define TOKEN_DAYS_MAX     365
#define TOKEN_LABEL_MAX    100

static json_t *json_token(const struct token_info *t, int64_t now)
{
    return json_pack("{s:I, s:s, s:o, s:o, s:b}", "id", (json_int_t)t->id, "label", t->label,
                     "created_at", json_time(t->created_at), "expires_at", json_time(t->expires_at),
                     "expired", t->expires_at <= now);
}

void api_me_password(struct req *r)
{
    const char *current, *fresh;
    if (!jfield_str(r, "current_password", true, &current) ||
        !jfield_str(r, "new_password", true, &fresh))
        return;
    size_t n = strlen(fresh);
    if (n < ACCOUNT_PASSWORD_MIN || n > ACCOUNT_PASSWORD_MAX) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "new_password"),
                          "the new password must have %d to %d characters (a few unrelated words "
                          "make a good one)",
                          ACCOUNT_PASSWORD_MIN, ACCOUNT_PASSWORD_MAX);
        return;
    }
    struct db *db = req_db(r);
    if (!req_throttle_ok(r, r->user.email, now_real(), "wrong passwords"))
        return;
    if (!secret_password_ok(current, r->user.password_hash)) {
        reply_error_extra(r, 422, "wrong_password",
                          json_pack("{s:[s]}", "fields", "current_password"),
                          "the current password is not right: type the password you sign in "
                          "with (after several wrong tries you must wait before the next)");
        return;
    }
    req_throttle_clear(r, r->user.email);
    if (!strcmp(current, fresh)) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "new_password"),
                          "the new password is the same as the current one: choose another");
        return;
    }
    char hash[SECRET_PWHASH_MAX];
    if (secret_password_hash(fresh, hash) < 0) {
        reply_error(r, 503, "busy", "the server is short of memory for password hashing; retry");
        return;
    }
    int64_t ended = 0;
    int rc = store_begin(db);
    if (rc == 0)
        rc = store_user_set_password(db, r->user.id, hash);
    if (rc == 0)
        rc = store_token_end_sessions(db, r->user.id, r->token_hash, &ended);
    if (rc == 0)
        rc = audit(r, 0, arena_printf(&r->arena, "user:%lld", (long long)r->user.id),
                   "user.password_changed", NULL, json_pack("{s:I}", "sessions_ended", ended));
    if (rc == 0)
        rc = store_commit(db);
    if (rc < 0) {
        store_rollback(db);
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200,
               json_pack("{s:s, s:I}", "status", "password changed", "sessions_ended", ended));
}

static int add_token(const struct token_info *t, void *ctx)
{
    json_t *list = ctx;
    json_array_append_new(list, json_token(t, now_real()));
    return 0;
}

void api_me_tokens_list(struct req *r)
{
    json_t *list = json_array();
    int rc = store_token_each(req_db(r), &r->arena, r->user.id, TOKEN_API, add_token, list);
    if (rc < 0) {
        json_decref(list);
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:o, s:i}", "tokens", list, "max_active", TOKEN_MAX_ACTIVE));
}

void api_me_tokens_create(struct req *r)
{
    const char *label;
    int64_t days = TOKEN_DAYS_DEFAULT;
    if (!jfield_str(r, "label", true, &label) || !jfield_int(r, "expires_in_days", false, &days))
        return;
    size_t n = strlen(label);
    if (n == 0 || n > TOKEN_LABEL_MAX) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "label"),
                          "'label' names what the token is for (1 to %d characters), e.g. "
                          "\"nightly delivery script\"",
                          TOKEN_LABEL_MAX);
        return;
    }
    if (days < 1 || days > TOKEN_DAYS_MAX) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "expires_in_days"),
                          "'expires_in_days' is from 1 to %d", TOKEN_DAYS_MAX);
        return;
    }
    struct db *db = req_db(r);
    int64_t now = now_real(), active;
    int rc = store_token_count(db, r->user.id, TOKEN_API, now, &active);
    if (rc < 0) {
        reply_store_error(r, rc);
        return;
    }
    if (active >= TOKEN_MAX_ACTIVE) {
        reply_error(r, 409, "too_many_tokens",
                    "you already have %d API tokens: revoke one you no longer use, then create "
                    "the new one",
                    TOKEN_MAX_ACTIVE);
        return;
    }
    char token[SECRET_TOKEN_LEN + 1], hash[SECRET_HASH_LEN + 1];
    secret_token(token);
    secret_hash(token, hash);
    struct token_row row;
    rc = store_token_add(db, hash, TOKEN_API, r->user.id, label, now, now + days * 86400);
    if (rc == 0)
        rc = store_token_lookup(db, &r->arena, hash, now, &row);
    if (rc < 0) {
        reply_store_error(r, rc);
        return;
    }
    struct token_info t = {row.id, (char *)label, now, now + days * 86400};
    json_t *out = json_token(&t, now);
    json_object_set_new(out, "token", json_string(token));
    reply_json(r, 201, out);
}

void api_me_token_delete(struct req *r)
{
    int64_t id = req_param_id(r, 0);
    int rc = id ? store_token_revoke(req_db(r), r->user.id, id, TOKEN_API) : STORE_ERR_NOT_FOUND;
    if (rc == STORE_ERR_NOT_FOUND) {
        reply_error(r, 404, "not_found",
                    "you have no API token %s: GET /api/v1/me/tokens lists yours", r->params[0]);
        return;
    }
    if (rc < 0) {
        reply_store_error(r, rc);
        return;
    }
    reply_bytes(r, 204, NULL, "", 0);
}

void api_me_feed_get(struct req *r)
{
    bool active = false;
    if (store_feed_active(req_db(r), r->user.id, &active) < 0) {
        reply_store_error(r, STORE_ERR);
        return;
    }
    reply_json(r, 200, json_pack("{s:b}", "active", active));
}

void api_me_feed_delete(struct req *r)
{
    int rc = store_feed_delete(req_db(r), r->user.id);
    if (rc == STORE_ERR_NOT_FOUND) {
        reply_error(r, 404, "not_found", "you have no calendar-feed link to turn off");
        return;
    }
    if (rc < 0) {
        reply_store_error(r, rc);
        return;
    }
    reply_bytes(r, 204, NULL, "", 0);
}
