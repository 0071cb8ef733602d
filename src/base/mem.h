/*
 * Allocation that never returns NULL.
 *
 * Every allocation in vodgate goes through these wrappers. Running out of
 * memory is not a condition a request handler can recover from sensibly, so
 * the wrappers print one line and abort (as Redis' zmalloc does); call sites
 * never test for NULL. die() is for start-up and configuration errors only:
 * nothing reachable from a request may call it.
 */
#ifndef VG_MEM_H
#define VG_MEM_H

#include <stddef.h>

#define VG_PRINTF(fmt_idx, arg_idx) __attribute__((format(printf, fmt_idx, arg_idx)))

/*
 * An invariant that stays on in every build. A broken one fails the work in
 * hand (the request, the job: see recover.h), and aborts only outside it.
 */
#define VG_ASSERT(cond) ((cond) ? (void)0 : vg_assert_fail(#cond, __FILE__, __LINE__))

void vg_assert_fail(const char *expr, const char *file, int line) __attribute__((noreturn));

/* Start-up failure: prints "vodgate: <message>" and exits 1. */
void die(const char *fmt, ...) VG_PRINTF(1, 2) __attribute__((noreturn));

void *xmalloc(size_t len);
void *xcalloc(size_t n, size_t len);
void *xrealloc(void *p, size_t len);
/* Returns a malloc'd copy of s (NULL stays NULL). */
char *xstrdup(const char *s);
/* Returns a malloc'd, NUL-terminated copy of the first len bytes of s. */
char *xstrndup(const char *s, size_t len);
/* Returns a malloc'd formatted string. */
char *xasprintf(const char *fmt, ...) VG_PRINTF(1, 2);

#endif
