/*
 * Failing one piece of work instead of the process.
 *
 * An invariant that breaks (VG_ASSERT) or an error no caller can handle
 * (vg_fail: a statement the database refuses to prepare, a connection that
 * cannot be opened) used to abort the process, and with it every other
 * request in flight. A serving process must not die of one request, so the
 * code that runs one piece of work at a time (the HTTP dispatcher for each
 * request, the validation workers for each job) sets a recovery point first:
 *
 *     struct vg_recover rec;
 *     if (sigsetjmp(rec.jb, 0)) {
 *         ... rec.what says what failed; answer 500, log, clean up ...
 *     } else {
 *         vg_recover_push(&rec);
 *         ... the work ...
 *         vg_recover_pop(&rec);
 *     }
 *
 * A failure inside the work prints its line to stderr and jumps back to the
 * innermost point of the thread (which is popped on the way). Outside any
 * point (start-up, the CLI) it aborts as before. What the work held when it
 * failed is not unwound: memory from its arena is freed with the request,
 * its database connection is closed rather than pooled (store_discard); a
 * malloc'd buffer may leak. The points are per thread (_Thread_local), so a
 * failure never jumps into another thread's stack.
 */
#ifndef VG_RECOVER_H
#define VG_RECOVER_H

#include <setjmp.h>

#include "base/mem.h"

struct vg_recover {
    sigjmp_buf jb;
    struct vg_recover *prev;
    char what[256]; /* set before the jump: "assertion failed: ... (file:line)" */
};

/* Makes rec this thread's innermost recovery point (after sigsetjmp(rec->jb, 0) returned 0). */
void vg_recover_push(struct vg_recover *rec);
/* Leaves rec (the innermost point) at the end of the work. */
void vg_recover_pop(struct vg_recover *rec);
/* Whether this thread is inside a recovery point. */
int vg_recover_active(void);

/*
 * Fails the work in hand: prints "vodgate: <message>" and jumps to the
 * thread's innermost recovery point, or aborts when there is none.
 */
void vg_fail(const char *fmt, ...) VG_PRINTF(1, 2) __attribute__((noreturn));

#endif
