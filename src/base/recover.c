/*
 * Recovery points: see recover.h. vg_assert_fail (mem.h) goes through
 * vg_fail, so every VG_ASSERT is recoverable where a point is set.
 */
#include "base/recover.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static _Thread_local struct vg_recover *top;

void vg_recover_push(struct vg_recover *rec)
{
    rec->prev = top;
    rec->what[0] = '\0';
    top = rec;
}

void vg_recover_pop(struct vg_recover *rec)
{
    VG_ASSERT(top == rec);
    top = rec->prev;
}

int vg_recover_active(void)
{
    return top != NULL;
}

void vg_fail(const char *fmt, ...)
{
    char what[sizeof top->what];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    fprintf(stderr, "vodgate: %s\n", what);
    struct vg_recover *rec = top;
    if (!rec)
        abort();
    top = rec->prev;
    snprintf(rec->what, sizeof rec->what, "%s", what);
    siglongjmp(rec->jb, 1);
}
