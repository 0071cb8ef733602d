/*
 * Users and accounts on the application floor (app/users.c, app/account.c)
 * against a real SQLite store: the one way users are created checks the
 * account rules field by field and records who made them; the first admin
 * is made once; signing in refuses an unknown email and a wrong password
 * alike and throttles a guessing client; a password change needs the
 * current one and ends the other sessions; API tokens are their owner's.
 */
#include "t.h"

#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "app/account.h"
#include "app/op.h"
#include "app/partners.h"
#include "app/users.h"
#include "base/secret.h"
#include "core/signin.h"
#include "store/store.h"

#define T0       1795795200 /* 2026-11-27T16:00:00Z */
#define PASSWORD "correct horse battery"

static char dir[64];

struct world {
    struct store *store;
    struct db *db;
    struct arena a;
};

static void open_world(struct world *w)
{
    VG_ASSERT(secret_init() == 0);
    snprintf(dir, sizeof dir, "/tmp/vodgate-users-XXXXXX");
    VG_ASSERT(mkdtemp(dir));
    char *err = NULL;
    VG_ASSERT(store_open(NULL, dir, &w->store, &err) == 0);
    w->db = store_get(w->store);
    memset(&w->a, 0, sizeof w->a);
}

static void close_world(struct world *w)
{
    arena_free(&w->a);
    store_put(w->store, w->db);
    store_close(w->store);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    VG_ASSERT(system(cmd) == 0);
}

static void as(struct world *w, struct op *o, const struct principal *who)
{
    op_init(o, w->db, &w->a, T0, who, "http://vodgate.test");
}

static const char *field_of(const struct op *o)
{
    const char *f = json_string_value(json_array_get(json_object_get(o->err.extra, "fields"), 0));
    return f ? f : "";
}

/* Creates a user as the system; returns its id (0 when refused). */
static int64_t make_user(struct world *w, const char *email, enum role role, int64_t partner_id)
{
    struct op o;
    as(w, &o, NULL);
    struct user_new in = {email, NULL, role, PASSWORD, partner_id, "cli"};
    struct user u = {0};
    int rc = users_create(&o, &in, &u, NULL);
    op_free(&o);
    return rc == 0 ? u.id : 0;
}

TEST(users_are_created_one_way)
{
    struct world w;
    open_world(&w);
    struct op o;
    as(&w, &o, NULL);
    struct partner_new ph = {
        "Keystone Post", "ops@keystone.example", "Europe/London", 0, false, true, NULL};
    struct partner house;
    VG_ASSERT(partners_create(&o, &ph, &house, NULL) == 0);
    op_free(&o);
    static const struct {
        struct user_new in;
        const char *field;
    } bad[] = {
        {{"no address", NULL, ROLE_PIM, PASSWORD, 0, NULL}, "email"},
        {{"x@vodgate.test", NULL, ROLE_NONE, PASSWORD, 0, NULL}, "role"},
        {{"x@vodgate.test", NULL, ROLE_PIM, "short", 0, NULL}, "password"},
        {{"x@vodgate.test", NULL, ROLE_PARTNER, PASSWORD, 0, NULL}, "partner"},
        {{"x@vodgate.test", NULL, ROLE_PARTNER, PASSWORD, 99, NULL}, "partner"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        as(&w, &o, NULL);
        CHECK_INT_EQ(users_create(&o, &bad[i].in, NULL, NULL), OP_REFUSED);
        CHECK_INT_EQ(o.err.kind, OP_INVALID);
        CHECK_STR_EQ(field_of(&o), bad[i].field);
        op_free(&o);
    }
    as(&w, &o, NULL);
    struct user_new in = {" Ops@Keystone.Example", "", ROLE_POSTHOUSE, PASSWORD, house.id, "cli"};
    struct user u;
    json_t *view = NULL;
    CHECK_INT_EQ(users_create(&o, &in, &u, &view), 0);
    op_free(&o);
    CHECK_STR_EQ(u.email, "ops@keystone.example");
    CHECK_STR_EQ(u.name, "ops@keystone.example"); /* no name: the email */
    CHECK(u.password_hash == NULL);
    CHECK_STR_EQ(json_string_value(json_object_get(view, "role")), "posthouse");
    CHECK_INT_EQ(json_integer_value(json_object_get(view, "partner")), house.id);
    json_decref(view);

    /* its event is in the organisation's audit log, saying how it was made */
    as(&w, &o, NULL);
    struct partners_events_query q = {"user.create", NULL, NULL};
    json_t *log = NULL;
    CHECK_INT_EQ(partners_events(&o, house.id, &q, &log), 0);
    op_free(&o);
    json_t *after = json_object_get(json_array_get(json_object_get(log, "events"), 0), "after");
    CHECK_STR_EQ(json_string_value(json_object_get(after, "via")), "cli");
    CHECK_STR_EQ(json_string_value(json_object_get(after, "email")), "ops@keystone.example");
    json_decref(log);

    as(&w, &o, NULL);
    CHECK_INT_EQ(users_create(&o, &in, NULL, NULL), OP_REFUSED);
    CHECK_INT_EQ(o.err.kind, OP_CONFLICT);
    CHECK_STR_EQ(o.err.code, "email_taken");
    op_free(&o);

    /* only an admin adds users */
    struct principal pim = {make_user(&w, "pim@vodgate.test", ROLE_PIM, 0), ROLE_PIM, 0,
                            PRINCIPAL_USER};
    CHECK(pim.user_id > 0);
    as(&w, &o, &pim);
    struct user_new more = {"y@vodgate.test", NULL, ROLE_PIM, PASSWORD, 0, NULL};
    CHECK_INT_EQ(users_create(&o, &more, NULL, NULL), OP_REFUSED);
    CHECK_INT_EQ(o.err.kind, OP_NOT_ALLOWED);
    op_free(&o);

    /* the staff directory: staff only, by role */
    as(&w, &o, &pim);
    json_t *staff = NULL;
    CHECK_INT_EQ(users_staff(&o, "pim", &staff), 0);
    op_free(&o);
    CHECK_INT_EQ(json_array_size(json_object_get(staff, "staff")), 1);
    json_decref(staff);
    as(&w, &o, &pim);
    CHECK_INT_EQ(users_staff(&o, "partner", &staff), OP_REFUSED);
    CHECK_STR_EQ(field_of(&o), "role");
    op_free(&o);
    close_world(&w);
}

TEST(the_first_admin_is_made_once)
{
    struct world w;
    open_world(&w);
    struct op o;
    struct user u;
    bool created = false;
    as(&w, &o, NULL);
    CHECK_INT_EQ(users_bootstrap_admin(&o, "Admin@Vodgate.Local", PASSWORD, &u, &created), 0);
    op_free(&o);
    CHECK(created);
    CHECK_STR_EQ(u.email, "admin@vodgate.local");
    CHECK_INT_EQ(u.role, ROLE_ADMIN);
    as(&w, &o, NULL);
    CHECK_INT_EQ(users_bootstrap_admin(&o, "other@vodgate.local", PASSWORD, &u, &created), 0);
    op_free(&o);
    CHECK(!created);
    CHECK_INT_EQ(store_user_count(w.db), 1);
    close_world(&w);
}

TEST(sign_in_refuses_alike_and_throttles_a_guesser)
{
    struct world w;
    open_world(&w);
    VG_ASSERT(make_user(&w, "cam@vodgate.test", ROLE_CAM, 0) > 0);
    struct op o;
    struct account_session s;
    as(&w, &o, NULL);
    CHECK_INT_EQ(account_sign_in(&o, "nobody@vodgate.test", PASSWORD, "192.0.2.1", 3600, &s),
                 OP_REFUSED);
    CHECK_INT_EQ(o.err.kind, OP_UNAUTHENTICATED);
    CHECK_STR_EQ(buf_str(&o.err.message), "wrong email or password");
    op_free(&o);
    as(&w, &o, NULL);
    CHECK_INT_EQ(account_sign_in(&o, "CAM@vodgate.test", PASSWORD, "192.0.2.1", 3600, &s), 0);
    op_free(&o);
    CHECK_STR_EQ(s.user.email, "cam@vodgate.test");
    char hash[SECRET_HASH_LEN + 1];
    secret_hash(s.token, hash);
    struct token_row row;
    CHECK_INT_EQ(store_token_lookup(w.db, &w.a, hash, s.expires_at - 1, &row), 0);

    /* a client that keeps guessing waits, even with the right password; another does not */
    for (int i = 0; i <= SIGNIN_FREE_FAILURES; i++) { /* these go ahead, and fail */
        as(&w, &o, NULL);
        account_sign_in(&o, "cam@vodgate.test", "wrong password", "192.0.2.9", 3600, &s);
        CHECK_INT_EQ(o.err.kind, OP_UNAUTHENTICATED);
        op_free(&o);
    }
    as(&w, &o, NULL);
    CHECK_INT_EQ(account_sign_in(&o, "cam@vodgate.test", PASSWORD, "192.0.2.9", 3600, &s),
                 OP_REFUSED);
    CHECK_INT_EQ(o.err.kind, OP_TOO_SOON);
    CHECK(json_integer_value(json_object_get(o.err.extra, "retry_after")) > 0);
    op_free(&o);
    as(&w, &o, NULL);
    CHECK_INT_EQ(account_sign_in(&o, "cam@vodgate.test", PASSWORD, "192.0.2.1", 3600, &s), 0);
    op_free(&o);
    close_world(&w);
}

TEST(a_password_change_needs_the_current_one_and_ends_other_sessions)
{
    struct world w;
    open_world(&w);
    struct principal me = {make_user(&w, "pom@vodgate.test", ROLE_POM, 0), ROLE_POM, 0,
                           PRINCIPAL_USER};
    struct account_session first, second;
    struct op o;
    as(&w, &o, NULL);
    VG_ASSERT(account_sign_in(&o, "pom@vodgate.test", PASSWORD, "192.0.2.1", 3600, &first) == 0);
    op_free(&o);
    as(&w, &o, NULL);
    VG_ASSERT(account_sign_in(&o, "pom@vodgate.test", PASSWORD, "192.0.2.1", 3600, &second) == 0);
    op_free(&o);
    char keep[SECRET_HASH_LEN + 1];
    secret_hash(first.token, keep);
    int64_t ended = -1;
    as(&w, &o, &me);
    CHECK_INT_EQ(
        account_change_password(&o, "192.0.2.1", keep, "not it", "a new password here", &ended),
        OP_REFUSED);
    CHECK_STR_EQ(o.err.code, "wrong_password");
    CHECK_STR_EQ(field_of(&o), "current_password");
    op_free(&o);
    as(&w, &o, &me);
    CHECK_INT_EQ(account_change_password(&o, "192.0.2.1", keep, PASSWORD, "short", &ended),
                 OP_REFUSED);
    CHECK_STR_EQ(field_of(&o), "new_password");
    op_free(&o);
    as(&w, &o, &me);
    CHECK_INT_EQ(account_change_password(&o, "192.0.2.1", keep, PASSWORD, PASSWORD, &ended),
                 OP_REFUSED);
    CHECK_STR_EQ(field_of(&o), "new_password");
    op_free(&o);
    as(&w, &o, &me);
    CHECK_INT_EQ(
        account_change_password(&o, "192.0.2.1", keep, PASSWORD, "a new password here", &ended), 0);
    op_free(&o);
    CHECK_INT_EQ(ended, 1);
    struct token_row row;
    char gone[SECRET_HASH_LEN + 1];
    secret_hash(second.token, gone);
    CHECK_INT_EQ(store_token_lookup(w.db, &w.a, keep, first.expires_at - 1, &row), 0);
    CHECK_INT_EQ(store_token_lookup(w.db, &w.a, gone, second.expires_at - 1, &row),
                 STORE_ERR_NOT_FOUND);
    close_world(&w);
}

TEST(api_tokens_are_their_owners)
{
    struct world w;
    open_world(&w);
    struct principal ann = {make_user(&w, "ann@vodgate.test", ROLE_PIM, 0), ROLE_PIM, 0,
                            PRINCIPAL_USER};
    struct principal bob = {make_user(&w, "bob@vodgate.test", ROLE_PIM, 0), ROLE_PIM, 0,
                            PRINCIPAL_USER};
    struct op o;
    json_t *t = NULL;
    as(&w, &o, &ann);
    CHECK_INT_EQ(account_token_create(&o, "", ACCOUNT_TOKEN_DAYS, &t), OP_REFUSED);
    CHECK_STR_EQ(field_of(&o), "label");
    op_free(&o);
    as(&w, &o, &ann);
    CHECK_INT_EQ(account_token_create(&o, "nightly", 366, &t), OP_REFUSED);
    CHECK_STR_EQ(field_of(&o), "expires_in_days");
    op_free(&o);
    as(&w, &o, &ann);
    CHECK_INT_EQ(account_token_create(&o, "nightly", 30, &t), 0);
    op_free(&o);
    CHECK_INT_EQ(strlen(json_string_value(json_object_get(t, "token"))), SECRET_TOKEN_LEN);
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(t, "id")));
    json_decref(t);
    as(&w, &o, &bob);
    CHECK_INT_EQ(account_token_revoke(&o, id), OP_REFUSED);
    CHECK_INT_EQ(o.err.kind, OP_NOT_FOUND);
    op_free(&o);
    as(&w, &o, &bob);
    CHECK_INT_EQ(account_tokens(&o, &t), 0);
    op_free(&o);
    CHECK_INT_EQ(json_array_size(json_object_get(t, "tokens")), 0);
    json_decref(t);
    as(&w, &o, &ann);
    CHECK_INT_EQ(account_token_revoke(&o, id), 0);
    op_free(&o);
    as(&w, &o, &ann);
    CHECK_INT_EQ(account_feed_delete(&o), OP_REFUSED); /* no link yet */
    CHECK_INT_EQ(o.err.kind, OP_NOT_FOUND);
    op_free(&o);
    close_world(&w);
}

T_MAIN
