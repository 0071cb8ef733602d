/*
 * A short-lived in-process cache of resolved tokens: token hash → the
 * token's row and its user (role, organisation), so that a
 * signed-in request does not read the database just to learn who asks.
 *
 * Staleness is bounded, see token_cache.c: an entry lives at most
 * TOKEN_CACHE_TTL_MS, and any change to the users or tokens tables made
 * through this process (sign-out, revocation, password change, ...) empties
 * the cache at once, and again when that change commits. What another
 * process changes (vodgate user passwd on the same SQLite file, another
 * server on the same PostgreSQL) is seen within TOKEN_CACHE_TTL_MS.
 */
#ifndef VG_TOKEN_CACHE_H
#define VG_TOKEN_CACHE_H

#include "store/store.h"

/* How long a resolved token is trusted without asking the database again. */
#define TOKEN_CACHE_TTL_MS 2000

/*
 * store_token_lookup() through the cache: the same answer, except that a
 * change made by another process may be up to TOKEN_CACHE_TTL_MS late.
 * Only found tokens are cached; expiry (expires_at against now) is checked
 * on every call. A hit touches no database: only a miss calls db_of(ctx)
 * for the connection to read. Strings are copied into a. Thread-safe.
 */
int store_token_lookup_cached(struct db *(*db_of)(void *ctx), void *ctx, struct arena *a,
                              const char *hash, int64_t now, struct token_row *out);
/*
 * Forgets every cached token (O(1): entries carry a generation number).
 * Called by the store when users or tokens change; thread-safe.
 */
void token_cache_clear(void);

#endif
