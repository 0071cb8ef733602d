/*
 * The store of alternate-solution cases (SPEC 3): a partner's request that
 * it cannot meet a deadline, which a cam or pim acknowledges and resolves
 * with an outcome written for the partner. Rows are added by
 * store_alternate_add (lifecycle_store.h); this file reads them and moves
 * their state. Same conventions as store.h: parameterised SQL, strings in
 * the caller's arena, 0 or STORE_ERR_*, and the caller owns the transaction.
 */
#ifndef VG_ALTERNATE_STORE_H
#define VG_ALTERNATE_STORE_H

#include "store/store.h"

struct alternate_row {
    int64_t id;
    int64_t partner_id;
    char *reason;
    int64_t by_user; /* who asked (0: unknown) */
    char *by_email;  /* NULL when unknown */
    int64_t at;
    char *state;       /* "open", "acknowledged", "resolved" */
    int64_t clock_id;  /* the acknowledge_3wd clock (0: none) */
    int64_t acknowledged_at, acknowledged_by;
    char *note;        /* what the acknowledgement said to the partner; NULL when nothing */
    int64_t resolved_at, resolved_by;
    char *outcome;     /* NULL until resolved */
};

int store_alternate_get(struct db *db, struct arena *a, int64_t id, struct alternate_row *out);
/* The cases of a partner (0: of every partner), newest first; fn returns nonzero to stop. */
int store_alternate_each(struct db *db, struct arena *a, int64_t partner_id,
                         int (*fn)(const struct alternate_row *, void *), void *ctx);
int store_alternate_set_clock(struct db *db, int64_t id, int64_t clock_id);
/* open → acknowledged (note may be NULL); STORE_ERR_NOT_FOUND when the case is not open. */
int store_alternate_acknowledge(struct db *db, int64_t id, int64_t by_user, int64_t at,
                                const char *note);
/* open or acknowledged → resolved; STORE_ERR_NOT_FOUND when it is already resolved. */
int store_alternate_resolve(struct db *db, int64_t id, int64_t by_user, int64_t at,
                            const char *outcome);

#endif
