/*
 * The resolved-token cache (store/token_cache.c) on a real SQLite store: a
 * hit reads no database; sign-out, a password change and a deleted user are
 * seen at once when made through this process (committed or not yet); a
 * change by another process is seen within TOKEN_CACHE_TTL_MS; expiry is
 * exact whatever the cache holds.
 */
#include "t.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/db.h"
#include "store/store.h"
#include "store/token_cache.h"

#define T0 1795795200 /* 2026-11-27T16:00:00Z */

static char dir[64];
static struct store *st;
static struct db *conn; /* what db_of hands out */
static int n_db;        /* how many times the cache asked for the database */

static struct db *db_of(void *ctx)
{
    (void)ctx;
    n_db++;
    return conn;
}

static int64_t add_user(const char *email, const char *name)
{
    struct user u = {0};
    u.email = (char *)email;
    u.name = (char *)name;
    u.role = ROLE_PIM;
    u.password_hash = "old-hash";
    u.created_at = T0;
    int64_t id;
    VG_ASSERT(store_user_add(conn, &u, &id) == 0);
    return id;
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/vodgate-tc-XXXXXX");
    VG_ASSERT(mkdtemp(dir));
    char *err = NULL;
    VG_ASSERT(store_open(NULL, dir, &st, &err) == 0);
    conn = store_get(st);
    token_cache_clear();
}

static void teardown(void)
{
    store_put(st, conn);
    store_close(st);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    VG_ASSERT(system(cmd) == 0);
}

/* Looks hash up through the cache; answers the store code, *hit whether no database was read. */
static int lookup(const char *hash, int64_t now, struct token_row *row, bool *hit)
{
    static struct arena a;
    int before = n_db;
    int rc = store_token_lookup_cached(db_of, NULL, &a, hash, now, row);
    *hit = n_db == before;
    return rc;
}

TEST(a_second_lookup_is_a_hit_and_answers_the_same)
{
    setup();
    int64_t uid = add_user("pim@example.com", "Pim");
    VG_ASSERT(store_token_add(conn, "h1", TOKEN_SESSION, uid, "s", T0, T0 + 3600) == 0);
    struct token_row a, b;
    bool hit;
    CHECK_INT_EQ(lookup("h1", T0, &a, &hit), STORE_OK);
    CHECK(!hit);
    CHECK_INT_EQ(lookup("h1", T0, &b, &hit), STORE_OK);
    CHECK(hit);
    CHECK_INT_EQ(b.user.id, uid);
    CHECK_STR_EQ(b.user.email, "pim@example.com");
    CHECK_STR_EQ(b.user.name, "Pim");
    CHECK_STR_EQ(b.user.password_hash, "old-hash");
    CHECK_INT_EQ(b.user.role, ROLE_PIM);
    CHECK_INT_EQ(b.expires_at, T0 + 3600);
    CHECK_INT_EQ(lookup("nope", T0, &b, &hit), STORE_ERR_NOT_FOUND);
    CHECK_INT_EQ(lookup("nope", T0, &b, &hit), STORE_ERR_NOT_FOUND);
    CHECK(!hit); /* unknown tokens are not cached */
    teardown();
}

TEST(expiry_is_exact_whatever_the_cache_holds)
{
    setup();
    int64_t uid = add_user("e@example.com", "E");
    VG_ASSERT(store_token_add(conn, "h2", TOKEN_SESSION, uid, "s", T0, T0 + 10) == 0);
    struct token_row r;
    bool hit;
    CHECK_INT_EQ(lookup("h2", T0, &r, &hit), STORE_OK);
    CHECK_INT_EQ(lookup("h2", T0 + 10, &r, &hit), STORE_ERR_NOT_FOUND);
    teardown();
}

TEST(changes_through_this_process_are_seen_at_once)
{
    setup();
    int64_t uid = add_user("c@example.com", "C");
    VG_ASSERT(store_token_add(conn, "ha", TOKEN_SESSION, uid, "s", T0, T0 + 3600) == 0);
    VG_ASSERT(store_token_add(conn, "hb", TOKEN_SESSION, uid, "s", T0, T0 + 3600) == 0);
    struct token_row r;
    bool hit;
    CHECK_INT_EQ(lookup("ha", T0, &r, &hit), STORE_OK);
    CHECK_INT_EQ(lookup("hb", T0, &r, &hit), STORE_OK);

    /* sign-out on another connection of the pool */
    struct db *other = store_get(st);
    CHECK_INT_EQ(store_token_delete(other, "ha"), STORE_OK);
    CHECK_INT_EQ(lookup("ha", T0, &r, &hit), STORE_ERR_NOT_FOUND);
    CHECK_INT_EQ(lookup("hb", T0, &r, &hit), STORE_OK);
    CHECK_STR_EQ(r.user.password_hash, "old-hash");

    /* a password change in a transaction: a lookup while it is open reads the old row and
       may cache it; the commit empties the cache again */
    CHECK_INT_EQ(store_begin(other), STORE_OK);
    CHECK_INT_EQ(store_user_set_password(other, uid, "new-hash"), STORE_OK);
    CHECK_INT_EQ(lookup("hb", T0, &r, &hit), STORE_OK);
    CHECK_STR_EQ(r.user.password_hash, "old-hash");
    CHECK_INT_EQ(lookup("hb", T0, &r, &hit), STORE_OK); /* cached, with the old row */
    CHECK_INT_EQ(store_commit(other), STORE_OK);
    CHECK_INT_EQ(lookup("hb", T0, &r, &hit), STORE_OK);
    CHECK(!hit);
    CHECK_STR_EQ(r.user.password_hash, "new-hash");

    /* ended sessions, rolled back: nothing is lost, the next lookup reads again */
    CHECK_INT_EQ(store_begin(other), STORE_OK);
    int64_t n;
    CHECK_INT_EQ(store_token_end_sessions(other, uid, NULL, &n), STORE_OK);
    CHECK_INT_EQ(n, 1);
    store_rollback(other);
    CHECK_INT_EQ(lookup("hb", T0, &r, &hit), STORE_OK);
    CHECK(!hit);
    CHECK_INT_EQ(store_token_end_sessions(other, uid, NULL, &n), STORE_OK);
    CHECK_INT_EQ(lookup("hb", T0, &r, &hit), STORE_ERR_NOT_FOUND);
    store_put(st, other);
    teardown();
}

TEST(another_process_is_seen_within_the_ttl)
{
    setup();
    int64_t uid = add_user("o@example.com", "Before");
    VG_ASSERT(store_token_add(conn, "ho", TOKEN_SESSION, uid, "s", T0, T0 + 3600) == 0);
    struct token_row r;
    bool hit;
    CHECK_INT_EQ(lookup("ho", T0, &r, &hit), STORE_OK);
    /* "another process": a connection of SQLite's own, not through the store */
    char path[96];
    snprintf(path, sizeof path, "%s/vodgate.db", dir);
    sqlite3 *h;
    VG_ASSERT(sqlite3_open(path, &h) == SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    CHECK_INT_EQ(sqlite3_exec(h, "UPDATE users SET name = 'After'", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    CHECK_INT_EQ(lookup("ho", T0, &r, &hit), STORE_OK);
    CHECK(hit);
    CHECK_STR_EQ(r.user.name, "Before"); /* stale, within the bound */
    usleep((TOKEN_CACHE_TTL_MS + 100) * 1000);
    CHECK_INT_EQ(lookup("ho", T0, &r, &hit), STORE_OK);
    CHECK(!hit);
    CHECK_STR_EQ(r.user.name, "After");
    teardown();
}

T_MAIN
