/*
 * The resolved-token cache: see token_cache.h.
 *
 * A fixed, direct-mapped table of TC_SLOTS entries keyed by the token's hash
 * (already a SHA-256, so its first hex digits spread the keys), guarded by
 * TC_STRIPES mutexes, so the request threads rarely wait for each other. A
 * colliding token simply takes the slot; a miss costs one database lookup,
 * as without the cache. Nothing here allocates per hit: the hit copies the
 * strings into the caller's arena.
 *
 * Invalidation is by generation: token_cache_clear() bumps one atomic
 * counter, and an entry is good only while it carries the current number.
 * A filler reads the generation *before* it reads the database, so an entry
 * filled from a row that a concurrent change was replacing carries the old
 * number as soon as the change (and its commit, which clears again) is
 * through. The engines clear (db_sqlite.c: an update hook; db_pg.c: the
 * statements that update or delete users or tokens), so no store function
 * has to remember to. The bound on staleness is therefore:
 *   - a change made through this process (sign-out, revoked token, new
 *     password, ended sessions): none once it has committed;
 *   - a change made by another process (vodgate user passwd on the same
 *     SQLite file, another server on the same PostgreSQL): at most
 *     TOKEN_CACHE_TTL_MS, after which the entry is read again.
 * Token expiry is exact: it is checked against now on every hit.
 */
#include "store/token_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"

#define TC_SLOTS    1024 /* a power of two */
#define TC_STRIPES  64   /* divides TC_SLOTS */
#define TC_HASH_MAX 64

struct tc_entry {
    char hash[TC_HASH_MAX + 1]; /* the key; "" when empty */
    uint64_t generation;        /* token_cache_clear() count when it was read */
    int64_t filled_ms;          /* monotonic milliseconds when it was read */
    struct token_row row;       /* strings malloc'd, owned by the entry */
};

static struct tc_entry slots[TC_SLOTS];
static pthread_mutex_t stripes[TC_STRIPES] = {
#define TC_M  PTHREAD_MUTEX_INITIALIZER
#define TC_M8 TC_M, TC_M, TC_M, TC_M, TC_M, TC_M, TC_M, TC_M
    TC_M8, TC_M8, TC_M8, TC_M8, TC_M8, TC_M8, TC_M8, TC_M8,
#undef TC_M8
#undef TC_M
};
static atomic_uint_fast64_t generation = 1;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned slot_of(const char *hash)
{
    unsigned h = 2166136261u; /* FNV-1a over the first 16 characters: plenty for a SHA-256 */
    for (int i = 0; i < 16 && hash[i]; i++)
        h = (h ^ (unsigned char)hash[i]) * 16777619u;
    return h & (TC_SLOTS - 1);
}

static void row_free(struct token_row *row)
{
    free(row->user.email);
    free(row->user.name);
    free(row->user.password_hash);
    memset(row, 0, sizeof *row);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* Copies row into out, its strings into a (or malloc'd when a is NULL). */
static void row_copy(const struct token_row *row, struct arena *a, struct token_row *out)
{
    *out = *row;
    out->user.email = a ? arena_strdup(a, row->user.email) : dup_or_null(row->user.email);
    out->user.name = a ? arena_strdup(a, row->user.name) : dup_or_null(row->user.name);
    out->user.password_hash =
        a ? arena_strdup(a, row->user.password_hash) : dup_or_null(row->user.password_hash);
}

void token_cache_clear(void)
{
    atomic_fetch_add(&generation, 1);
}

int store_token_lookup_cached(struct db *(*db_of)(void *ctx), void *ctx, struct arena *a,
                              const char *hash, int64_t now, struct token_row *out)
{
    size_t len = strlen(hash);
    if (len == 0 || len > TC_HASH_MAX)
        return store_token_lookup(db_of(ctx), a, hash, now, out);
    unsigned i = slot_of(hash);
    struct tc_entry *e = &slots[i];
    pthread_mutex_t *lock = &stripes[i % TC_STRIPES];
    uint64_t gen = atomic_load(&generation);
    int64_t t = mono_ms();

    pthread_mutex_lock(lock);
    bool hit = e->generation == gen && t - e->filled_ms < TOKEN_CACHE_TTL_MS &&
               e->row.expires_at > now && strcmp(e->hash, hash) == 0;
    if (hit)
        row_copy(&e->row, a, out);
    pthread_mutex_unlock(lock);
    if (hit)
        return STORE_OK;

    /* gen was read before the database: a change racing this read leaves the entry stale. */
    int rc = store_token_lookup(db_of(ctx), a, hash, now, out);
    if (rc != STORE_OK)
        return rc;
    pthread_mutex_lock(lock);
    row_free(&e->row);
    memcpy(e->hash, hash, len + 1);
    e->generation = gen;
    e->filled_ms = t;
    row_copy(out, NULL, &e->row);
    pthread_mutex_unlock(lock);
    return STORE_OK;
}
