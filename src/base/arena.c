/*
 * Region allocator: see arena.h. Each block is a header followed by its bytes;
 * allocations are bumped from the newest block and rounded to 16 bytes.
 */
#include "base/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
    struct arena_block *next; /* older block */
    size_t used;              /* bytes handed out */
    size_t cap;               /* bytes available after the header */
    _Alignas(16) unsigned char data[];
};

void *arena_alloc(struct arena *a, size_t len)
{
    len = (len + 15) & ~(size_t)15;
    struct arena_block *b = a->head;
    if (!b || b->cap - b->used < len) {
        /* The first block, with its header, is 1 KiB: small enough for glibc's per-thread
           cache, so a request that needs no more never takes malloc's slow path (a larger
           first request consolidates the fast bins, a measurable cost per HTTP request). */
        size_t cap = b ? b->cap * 2 : 1024 - sizeof *b;
        if (cap > 1 << 20)
            cap = 1 << 20;
        if (cap < len)
            cap = len;
        b = xmalloc(sizeof *b + cap);
        b->cap = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += len;
    memset(p, 0, len);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
    char *p = arena_alloc(a, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    VG_ASSERT(n >= 0);
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_free(struct arena *a)
{
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}
