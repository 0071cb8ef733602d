/*
 * User accounts: an admin adds users of any role; partner and posthouse
 * users belong to one organisation, staff to none.
 */
#include <string.h>

#include "base/now.h"
#include "base/secret.h"
#include "core/account.h"
#include "core/signin.h"
#include "http/http.h"

void api_users_create(struct req *r);
void api_users_list(struct req *r);

void api_users_create(struct req *r)
{
    const char *email_in, *name = NULL, *role_s, *password;
    int64_t partner_id = 0;
    if (!jfield_str(r, "email", true, &email_in) || !jfield_str(r, "name", false, &name) ||
        !jfield_str(r, "role", true, &role_s) || !jfield_str(r, "password", true, &password) ||
        !jfield_int(r, "partner", false, &partner_id))
        return;
    char email[256];
    if (signin_email_normalise(email_in, email, sizeof email) < 0) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "email"),
                          "'%s' is not an email address", email_in);
        return;
    }
    enum role role = role_parse(role_s);
    struct db *db = req_db(r);
    struct partner p = {0};
    int rc = partner_id ? store_partner_get(db, &r->arena, partner_id, &p) : STORE_ERR_NOT_FOUND;
    if (rc < 0 && rc != STORE_ERR_NOT_FOUND) {
        reply_store_error(r, rc);
        return;
    }
    struct account_problem why;
    if (!account_check(role, partner_id, rc == STORE_OK, p.posthouse, password, &why)) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", why.field), "%s",
                          why.message);
        return;
    }
    char hash[SECRET_PWHASH_MAX];
    if (secret_password_hash(password, hash) < 0) {
        reply_error(r, 503, "busy", "the server is short of memory for password hashing; retry");
        return;
    }
    struct user u = {0};
    u.email = email;
    u.name = (char *)(name && *name ? name : email);
    u.role = role;
    u.partner_id = partner_id;
    u.password_hash = hash;
    u.created_at = now_get();
    if (store_begin(db) < 0) {
        reply_store_error(r, STORE_ERR);
        return;
    }
    rc = store_user_add(db, &u, &u.id);
    if (rc == STORE_ERR_CONFLICT) {
        store_rollback(db);
        reply_error(r, 409, "email_taken", "there is already a user with the email %s", email);
        return;
    }
    json_t *out = json_user(&u);
    if (rc < 0 ||
        audit(r, partner_id, arena_printf(&r->arena, "user:%lld", (long long)u.id), "user.create",
              NULL, json_incref(out)) < 0 ||
        store_commit(db) < 0) {
        json_decref(out);
        reply_store_error(r, STORE_ERR);
        return;
    }
    reply_json(r, 201, out);
}

static int add_user(const struct user *u, void *ctx)
{
    json_array_append_new(ctx, json_user(u));
    return 0;
}

void api_users_list(struct req *r)
{
    json_t *list = json_array();
    int rc = store_user_each(req_db(r), &r->arena, add_user, list);
    if (rc < 0) {
        json_decref(list);
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "users", list));
}
