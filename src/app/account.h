/*
 * A user's own account: signing in and out, changing the password, API
 * tokens for scripts, and the calendar-feed link. Every operation acts on
 * the actor's own rows only (o->who.user_id): another user's token id is
 * refused as a missing one.
 *
 * Guessing passwords is throttled per client and account (core/signin.h):
 * a sign-in and a password change count each attempt before the password
 * is checked, in a transaction of its own that commits at once (so parallel
 * guesses get no more checks than sequential ones, and a refused attempt is
 * still counted); while the client must wait, the operation is refused
 * OP_TOO_SOON and the password is not even checked, right or wrong. A right
 * password forgets that client's count. The client is an address as text
 * (the caller knows where the request came from).
 *
 * Secrets (session and API tokens, feed links) are 256-bit tokens shown
 * once and stored only as their hash (base/secret.h); their expiry runs on
 * real time (now_real: security timeouts never follow the test clock).
 */
#ifndef VG_ACCOUNT_APP_H
#define VG_ACCOUNT_APP_H

#include <jansson.h>
#include <stdint.h>

#include "app/op.h"
#include "base/buf.h"
#include "base/secret.h"
#include "store/store.h"

#define ACCOUNT_TOKENS_MAX 20  /* unexpired API tokens one user may hold */
#define ACCOUNT_TOKEN_DAYS 90  /* an API token's life when none is asked for */
#define ACCOUNT_FEED_MAX   500 /* due dates in a calendar feed */

/* A session made by a sign-in. */
struct account_session {
    struct user user;                 /* who signed in (strings in o's arena) */
    char token[SECRET_TOKEN_LEN + 1]; /* the session's secret (for the cookie) */
    char csrf[SECRET_TOKEN_LEN + 1];  /* its CSRF token */
    int64_t expires_at;
};

/*
 * Signs in email (as typed) with password from client (an address; anyone
 * may try, so who acts is not asked): the same refusal, after the same
 * argon2id work, for an unknown email and a wrong password
 * (OP_UNAUTHENTICATED "invalid_credentials"), so the answer tells nothing
 * about which accounts exist; OP_TOO_SOON "too_many_attempts" while this
 * client must wait. On success makes a session of ttl seconds into *out.
 * Never inside the caller's transaction.
 */
int account_sign_in(struct op *o, const char *email, const char *password, const char *client,
                    int ttl, struct account_session *out);
/* Ends the session (or API token) whose hash is token_hash. */
int account_sign_out(struct op *o, const char *token_hash);

/*
 * Changes the actor's password: the current one must be right (throttled
 * as a sign-in; OP_INVALID "wrong_password" naming current_password), the
 * new one 10 to 1024 characters and not the same. Ends every other session
 * of the user (a stolen cookie stops working) but keep_session (the hash of
 * the session that asked; NULL: none kept); API tokens live on. Writes the
 * audit event "user.password_changed". *sessions_ended gets how many ended.
 */
int account_change_password(struct op *o, const char *client, const char *keep_session,
                            const char *current, const char *fresh, int64_t *sessions_ended);

/* The actor's API tokens, newest first: {"tokens": [{id, label, created_at, expires_at,
   expired}], "max_active": ACCOUNT_TOKENS_MAX}. *out is the caller's. */
int account_tokens(struct op *o, json_t **out);
/*
 * Makes an API token labelled label (1 to 100 characters) that expires in
 * days (1 to 365): *out is its view with "token", the secret, shown only
 * here. Refuses OP_INVALID (label, expires_in_days) and OP_CONFLICT
 * "too_many_tokens" when the actor holds ACCOUNT_TOKENS_MAX unexpired ones.
 */
int account_token_create(struct op *o, const char *label, int64_t days, json_t **out);
/* Revokes the actor's API token id (text, as given); OP_NOT_FOUND when it is not theirs. */
int account_token_revoke(struct op *o, const char *id);

/* Whether the actor has a calendar-feed link: {"active": bool}. */
int account_feed(struct op *o, json_t **out);
/*
 * Makes the actor's feed link (a new one revokes the old): *out = {token,
 * path, url}, url on host (a Host header's "name:port"; NULL: 127.0.0.1:8080).
 */
int account_feed_create(struct op *o, const char *host, json_t **out);
/* Turns the feed link off; OP_NOT_FOUND when there is none. */
int account_feed_delete(struct op *o);
/*
 * The actor's open due dates as iCalendar, appended to ics: an
 * organisation's user sees its organisation's clocks, staff the soonest
 * ACCOUNT_FEED_MAX open clocks of all partners.
 */
int account_feed_calendar(struct op *o, struct buf *ics);

#endif
