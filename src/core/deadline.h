/*
 * The kinds of promise vodgate keeps a clock for, and the rule of each
 * (SPEC sections 2, 3 and 5): how its due instant is counted, whether staff
 * may pause it, whether it may be extended on record, and whose calendar
 * counts its working days.
 */
#ifndef VG_DEADLINE_H
#define VG_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"

struct deadline_kind {
    const char *name;     /* "delivery_48h", as in the API */
    enum clock_kind rule; /* how the due instant is counted */
    int64_t amount;       /* seconds or days; 0 for fixed */
    bool pausable;        /* partner-facing clocks that staff may pause */
    bool extendable;      /* caps that may only be extended on record */
    const char *label;    /* what it promises, for people */
};

/* The kind named name, or NULL. */
const struct deadline_kind *deadline_kind(const char *name);
/* All kinds, for documentation and tests; *n receives the count. */
const struct deadline_kind *deadline_kinds(int *n);

#endif
