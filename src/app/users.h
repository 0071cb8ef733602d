/*
 * Users: the people who sign in. An admin adds users of any role (the API,
 * the portal), and so do `vodgate user add`, `serve --bootstrap-admin` and
 * `vodgate demo`, all through users_create: one place normalises the
 * email, applies the account rules (core/account.h: which role needs which
 * organisation, what a password must be), hashes the password (argon2id,
 * base/secret.h), stores the user and writes its audit event. Partner and
 * posthouse users belong to one organisation, staff to none; the staff
 * directory (users_staff) is what the forms that assign owners offer.
 *
 * A user's own account (password, tokens, sessions) is app/account.h.
 */
#ifndef VG_USERS_H
#define VG_USERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/op.h"
#include "core/role.h"
#include "store/store.h"

/*
 * The public form of a user: {id, email, name, role, partner, created_at,
 * org_admin, disabled, disabled_at, last_sign_in_at} (a new reference).
 */
json_t *users_json(const struct user *u);

/* A user to create. */
struct user_new {
    const char *email;    /* as typed: normalised here */
    const char *name;     /* NULL or "": the email */
    enum role role;       /* ROLE_NONE is refused, naming "role" */
    const char *password; /* in the clear; only its hash is kept */
    int64_t partner_id;   /* the organisation of a partner or posthouse user; 0 for staff */
    const char *via;      /* "cli", "demo": recorded in the audit event; NULL: nothing */
};

/*
 * Creates a user (ACT_USER_CREATE), with its audit event "user.create".
 * Refuses OP_INVALID naming the field (email, role, partner, password),
 * OP_CONFLICT "email_taken", OP_FAILED. The password is hashed before the
 * transaction begins (argon2id takes a while; no lock is held meanwhile).
 * On success *out (may be NULL) gets the user (strings in o's arena, no
 * password hash) and *view (may be NULL) its public form, owned by the caller.
 */
int users_create(struct op *o, const struct user_new *in, struct user *out, json_t **view);

/*
 * The first admin of an installation: creates the admin email (named
 * "Administrator", password as given) only when there is no user at all,
 * in one transaction with that check; the audit event is
 * "user.bootstrap_admin". *created tells whether it did. Refuses as
 * users_create does.
 */
int users_bootstrap_admin(struct op *o, const char *email, const char *password, struct user *out,
                          bool *created);

/*
 * Sets the password of the user email (an admin's reset: ACT_USER_CREATE)
 * and forgets every client's sign-in attempts on the account, so its owner
 * starts afresh. Refuses OP_INVALID (email, password), OP_NOT_FOUND.
 */
int users_reset_password(struct op *o, const char *email, const char *password);

/* A change to an account: NULL or -1 members keep what the user has. */
struct user_change {
    const char *role; /* a staff user: another staff role; an organisation's: its own only */
    int org_admin;    /* 1, 0 (an organisation's user only), -1: keep */
    int disabled;     /* 1: disable (sessions, tokens, password, links end), 0: enable, -1: keep */
};

/*
 * Changes user id (ACT_USER_MANAGE: the admin's users page, PATCH
 * /api/v1/users/{user}), with its audit event ("user.update", or
 * "user.disable"). Refuses OP_NOT_FOUND, OP_INVALID naming role or
 * org_admin, OP_CONFLICT "own_account" (an admin does not disable itself
 * nor drop its own admin role). *view gets the user's public form.
 */
int users_update(struct op *o, int64_t id, const struct user_change *ch, json_t **view);

/* Every user, in id order (ACT_USER_LIST): *out = {"users": [user...]}, owned by the caller. */
int users_list(struct op *o, json_t **out);

/*
 * The staff directory (ACT_STAFF_VIEW): {"staff": [{id, name, email, role}]}
 * by role then name, only role when it is not NULL (a staff role's name;
 * another word is refused OP_INVALID naming "role"). *out is the caller's.
 * Read through the index on partner_id, never a scan of every partner's users.
 */
int users_staff(struct op *o, const char *role, json_t **out);

#endif
