/*
 * A region allocator for memory that lives exactly as long as one request
 * (or one job, or one CLI command).
 *
 * Handlers allocate from the request's arena and never free; the HTTP layer
 * frees the whole arena when the request completes. Blocks grow
 * geometrically; a large allocation gets a block of its own. Allocation
 * never fails (it aborts on out-of-memory like xmalloc).
 */
#ifndef VG_ARENA_H
#define VG_ARENA_H

#include <stddef.h>

#include "base/mem.h"

struct arena_block;
struct arena {
    struct arena_block *head; /* newest block first */
};

/* Returns len bytes aligned for any type, zeroed. Owned by the arena. */
void *arena_alloc(struct arena *a, size_t len);
/* Copies s into the arena (NULL stays NULL). */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_printf(struct arena *a, const char *fmt, ...) VG_PRINTF(2, 3);
/* Frees every block; the arena is empty and reusable afterwards. */
void arena_free(struct arena *a);

#endif
