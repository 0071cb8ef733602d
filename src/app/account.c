/*
 * A user's own account: see account.h.
 *
 * The throttle's count is written before the password is looked at and
 * outside any other transaction (store_throttle_attempt commits it), so a
 * refused sign-in still counts; the changes a right password leads to (a
 * session, a new password) are operations of their own after it.
 */
#include "app/account.h"

#include <stdio.h>
#include <string.h>

#include "app/audit.h"
#include "app/scope.h"
#include "base/now.h"
#include "core/account.h"
#include "core/deadline.h"
#include "core/ics.h"
#include "core/signin.h"

#define TOKEN_DAYS_MAX  365
#define TOKEN_LABEL_MAX 100

/* ---- the throttle ---- */

/*
 * Counts an attempt of client on the account of email (normalised) at
 * real time: 0 when it may go ahead, or the refusal while the client must
 * wait (what names the failed attempts: "failed sign-ins").
 */
static int throttle_admit(struct op *o, const char *email, const char *client, const char *what)
{
    char account[SIGNIN_KEY_LEN + 1], who[SIGNIN_KEY_LEN + 1];
    signin_account_key(email, account);
    signin_client_key(client ? client : "", who);
    int64_t wait;
    if (store_throttle_attempt(o->db, account, who, now_real(), &wait) < 0)
        return op_failed(o, STORE_ERR);
    if (wait <= 0)
        return 0;
    int rc = op_refuse(o, OP_TOO_SOON, "too_many_attempts",
                       "too many %s for this account from your address: wait %lld second%s, "
                       "then try again (or ask an admin to reset the password)",
                       what, (long long)wait, wait == 1 ? "" : "s");
    json_decref(o->err.extra);
    o->err.extra = json_pack("{s:I}", "retry_after", (json_int_t)wait);
    return rc;
}

/* After a right password: forgets this client's attempts on the account. */
static void throttle_clear(struct op *o, const char *email, const char *client)
{
    char account[SIGNIN_KEY_LEN + 1], who[SIGNIN_KEY_LEN + 1];
    signin_account_key(email, account);
    signin_client_key(client ? client : "", who);
    /* a failure leaves the count as it is: the next right password clears it again */
    store_throttle_clear(o->db, account, who);
}

/* ---- sessions ---- */

int account_sign_in(struct op *o, const char *email_in, const char *password, const char *client,
                    int ttl, struct account_session *out)
{
    memset(out, 0, sizeof *out);
    char email[256];
    if (signin_email_normalise(email_in ? email_in : "", email, sizeof email) < 0)
        return op_refuse(o, OP_UNAUTHENTICATED, "invalid_credentials", "wrong email or password");
    int rc = throttle_admit(o, email, client, "failed sign-ins");
    if (rc < 0)
        return rc;
    struct user u;
    rc = store_user_by_email(o->db, o->a, email, &u);
    if (rc != STORE_OK && rc != STORE_ERR_NOT_FOUND)
        return op_failed(o, rc);
    /* an unknown email costs the same argon2id work as a known one */
    if (!secret_password_ok(password ? password : "", rc == STORE_OK ? u.password_hash : NULL))
        return op_refuse(o, OP_UNAUTHENTICATED, "invalid_credentials", "wrong email or password");
    throttle_clear(o, email, client);
    char hash[SECRET_HASH_LEN + 1];
    secret_token(out->token);
    secret_csrf(out->token, out->csrf);
    secret_hash(out->token, hash);
    int64_t now = now_real();
    out->expires_at = now + ttl;
    if ((rc = store_token_add(o->db, hash, TOKEN_SESSION, u.id, "session", now, out->expires_at)) <
        0)
        return op_failed(o, rc);
    if ((rc = store_user_signed_in(o->db, u.id, now)) < 0) /* the admin's users page shows it */
        return op_failed(o, rc);
    u.last_sign_in_at = now;
    out->user = u;
    return 0;
}

int account_sign_out(struct op *o, const char *token_hash)
{
    int rc = op_allow(o, ACT_SIGNED_IN, SCOPE_NONE, NULL, NULL);
    if (rc == 0 && (rc = store_token_delete(o->db, token_hash)) < 0)
        return op_failed(o, rc);
    return rc;
}

/* ---- the password ---- */

int account_change_password(struct op *o, const char *client, const char *keep_session,
                            const char *current, const char *fresh, int64_t *sessions_ended)
{
    *sessions_ended = 0;
    struct user me;
    int rc = op_allow(o, ACT_SIGNED_IN, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    size_t n = strlen(fresh);
    if (n < ACCOUNT_PASSWORD_MIN || n > ACCOUNT_PASSWORD_MAX)
        return op_invalid(o, "new_password",
                          "the new password must have %d to %d characters (a few unrelated words "
                          "make a good one)",
                          ACCOUNT_PASSWORD_MIN, ACCOUNT_PASSWORD_MAX);
    /* the actor as stored: the email and password hash the caller does not pass */
    if ((rc = store_user_by_id(o->db, o->a, o->who.user_id, &me)) < 0)
        return op_failed(o, rc);
    if ((rc = throttle_admit(o, me.email, client, "wrong passwords")) < 0)
        return rc;
    if (!secret_password_ok(current, me.password_hash)) {
        rc = op_refuse(o, OP_INVALID, "wrong_password",
                       "the current password is not right: type the password you sign in "
                       "with (after several wrong tries you must wait before the next)");
        json_decref(o->err.extra);
        o->err.extra = json_pack("{s:[s]}", "fields", "current_password");
        return rc;
    }
    throttle_clear(o, me.email, client);
    if (!strcmp(current, fresh))
        return op_invalid(o, "new_password",
                          "the new password is the same as the current one: choose another");
    char hash[SECRET_PWHASH_MAX];
    if (secret_password_hash(fresh, hash) < 0)
        return op_refuse(o, OP_FAILED, "busy",
                         "the server is short of memory for password hashing; retry");
    int64_t ended = 0;
    if ((rc = op_begin(o)) < 0)
        return rc;
    rc = store_user_set_password(o->db, me.id, hash);
    if (rc == 0)
        rc = store_token_end_sessions(o->db, me.id, keep_session, &ended);
    if (rc == 0)
        rc = audit_event(o, 0, arena_printf(o->a, "user:%lld", (long long)me.id),
                         "user.password_changed", NULL,
                         json_pack("{s:I}", "sessions_ended", (json_int_t)ended));
    if ((rc = op_end(o, rc)) < 0)
        return rc;
    *sessions_ended = ended;
    return 0;
}

/* ---- API tokens ---- */

static json_t *json_token(const struct token_info *t, int64_t now)
{
    return json_pack("{s:I, s:s, s:o, s:o, s:b}", "id", (json_int_t)t->id, "label", t->label,
                     "created_at", app_json_time(t->created_at), "expires_at",
                     app_json_time(t->expires_at), "expired", t->expires_at <= now);
}

static int add_token(const struct token_info *t, void *ctx)
{
    json_array_append_new(ctx, json_token(t, now_real()));
    return 0;
}

int account_tokens(struct op *o, json_t **out)
{
    int rc = op_allow(o, ACT_SIGNED_IN, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    if ((rc = store_token_each(o->db, o->a, o->who.user_id, TOKEN_API, add_token, list)) < 0) {
        json_decref(list);
        return op_failed(o, rc);
    }
    *out = json_pack("{s:o, s:i}", "tokens", list, "max_active", ACCOUNT_TOKENS_MAX);
    return 0;
}

int account_token_create(struct op *o, const char *label, int64_t days, json_t **out)
{
    int rc = op_allow(o, ACT_SIGNED_IN, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    size_t n = label ? strlen(label) : 0;
    if (n == 0 || n > TOKEN_LABEL_MAX)
        return op_invalid(o, "label",
                          "'label' names what the token is for (1 to %d characters), e.g. "
                          "\"nightly delivery script\"",
                          TOKEN_LABEL_MAX);
    if (days < 1 || days > TOKEN_DAYS_MAX)
        return op_invalid(o, "expires_in_days", "'expires_in_days' is from 1 to %d",
                          TOKEN_DAYS_MAX);
    int64_t now = now_real(), active;
    if ((rc = store_token_count(o->db, o->who.user_id, TOKEN_API, now, &active)) < 0)
        return op_failed(o, rc);
    if (active >= ACCOUNT_TOKENS_MAX)
        return op_refuse(o, OP_CONFLICT, "too_many_tokens",
                         "you already have %d API tokens: revoke one you no longer use, then "
                         "create the new one",
                         ACCOUNT_TOKENS_MAX);
    char token[SECRET_TOKEN_LEN + 1], hash[SECRET_HASH_LEN + 1];
    secret_token(token);
    secret_hash(token, hash);
    struct token_row row;
    rc = store_token_add(o->db, hash, TOKEN_API, o->who.user_id, label, now, now + days * 86400);
    if (rc == 0)
        rc = store_token_lookup(o->db, o->a, hash, now, &row);
    if (rc < 0)
        return op_failed(o, rc);
    struct token_info t = {row.id, (char *)label, now, now + days * 86400};
    *out = json_token(&t, now);
    json_object_set_new(*out, "token", json_string(token));
    return 0;
}

/* A positive decimal id, or 0. */
static int64_t id_number(const char *s)
{
    if (!s || !*s || strlen(s) > 18)
        return 0;
    int64_t n = 0;
    for (const char *c = s; *c; c++) {
        if (*c < '0' || *c > '9')
            return 0;
        n = n * 10 + (*c - '0');
    }
    return n;
}

int account_token_revoke(struct op *o, const char *id)
{
    int rc = op_allow(o, ACT_SIGNED_IN, SCOPE_TOKEN, id, NULL);
    if (rc < 0)
        return rc;
    int64_t n = id_number(id);
    rc = n ? store_token_revoke(o->db, o->who.user_id, n, TOKEN_API) : STORE_ERR_NOT_FOUND;
    if (rc == STORE_ERR_NOT_FOUND)
        return op_refuse(o, OP_NOT_FOUND, "not_found",
                         "you have no API token %s: GET /api/v1/me/tokens lists yours",
                         id ? id : "");
    return rc < 0 ? op_failed(o, rc) : 0;
}

/* ---- the calendar feed ---- */

int account_feed(struct op *o, json_t **out)
{
    bool active = false;
    int rc = op_allow(o, ACT_SIGNED_IN, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    if (store_feed_active(o->db, o->who.user_id, &active) < 0)
        return op_failed(o, STORE_ERR);
    *out = json_pack("{s:b}", "active", active);
    return 0;
}

int account_feed_create(struct op *o, const char *host, json_t **out)
{
    int rc = op_allow(o, ACT_SIGNED_IN, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    char token[SECRET_TOKEN_LEN + 1], hash[SECRET_HASH_LEN + 1];
    secret_token(token);
    secret_hash(token, hash);
    if (store_feed_set(o->db, o->who.user_id, hash) < 0)
        return op_failed(o, STORE_ERR);
    *out = json_pack("{s:s, s:s, s:s}", "token", token, "path",
                     arena_printf(o->a, "/api/v1/me/calendar.ics?token=%s", token), "url",
                     arena_printf(o->a, "http://%s/api/v1/me/calendar.ics?token=%s",
                                  host ? host : "127.0.0.1:8080", token));
    return 0;
}

int account_feed_delete(struct op *o)
{
    int rc = op_allow(o, ACT_SIGNED_IN, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    rc = store_feed_delete(o->db, o->who.user_id);
    if (rc == STORE_ERR_NOT_FOUND)
        return op_refuse(o, OP_NOT_FOUND, "not_found",
                         "you have no calendar-feed link to turn off");
    return rc < 0 ? op_failed(o, rc) : 0;
}

struct feed {
    struct op *o;
    struct ics_event *events;
    size_t n;
};

static int add_due(const struct clock_row *c, void *arg)
{
    struct feed *f = arg;
    if (f->n == ACCOUNT_FEED_MAX)
        return 1;
    struct partner p;
    const char *who = "";
    if (c->partner_id && store_partner_get(f->o->db, f->o->a, c->partner_id, &p) == 0)
        who = p.name;
    const struct deadline_kind *k = deadline_kind(c->kind);
    struct ics_event *e = &f->events[f->n++];
    e->uid = arena_printf(f->o->a, "clock-%lld@vodgate", (long long)c->id);
    e->start = c->due_at;
    e->end = c->due_at;
    e->summary = arena_printf(f->o->a, "Due: %s%s%s",
                              c->label ? c->label
                              : k      ? k->label
                                       : c->kind,
                              *who ? " — " : "", who);
    e->description =
        arena_printf(f->o->a, "%s for %s (%s), started %s", c->kind, c->subject, who, c->time_zone);
    e->url = NULL;
    return 0;
}

int account_feed_calendar(struct op *o, struct buf *ics)
{
    int rc = op_allow(o, ACT_SIGNED_IN, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    struct feed f = {o, arena_alloc(o->a, ACCOUNT_FEED_MAX * sizeof *f.events), 0};
    int64_t org = role_is_org(o->who.role) ? o->who.org_id : 0;
    if ((rc = store_clock_each_open(o->db, o->a, org, ACCOUNT_FEED_MAX, add_due, &f)) < 0)
        return op_failed(o, rc);
    ics_write_feed(ics, "-//vodgate//due dates//EN", f.events, f.n, o->now);
    return 0;
}
