/*
 * Whose is it: the organisation that owns a thing named by an id.
 *
 * Every route of the API and the portal declares its scope: what the first
 * path parameter names (a partner, a request, a delivery, an upload, a
 * clock...). Before any handler runs, the dispatcher resolves that id to
 * the organisation that owns it and runs the policy (core/policy.h) on it
 * (scope_allow): another organisation's thing answers exactly as a missing
 * one. An operation called from elsewhere (the CLI, a worker) asks the same
 * question the same way. This is the one place the product's isolation rule
 * is applied; nothing else loads a thing and checks its owner by hand.
 *
 * Scopes marked personal (a user's own API token) and global ones (business
 * calendars) are not owned by an organisation: the policy's role check is
 * all, and the operation itself looks only at the actor's own rows.
 */
#ifndef VG_SCOPE_H
#define VG_SCOPE_H

#include <stdint.h>

#include "app/op.h"
#include "core/policy.h"
#include "store/delivery_store.h"
#include "store/lifecycle_store.h"
#include "store/store.h"
#include "store/upload_store.h"
#include "store/alternate_store.h"
#include "store/title_store.h"

enum scope {
    SCOPE_NONE,     /* no path parameter names a thing */
    SCOPE_PARTNER,  /* {id}: a partner organisation */
    SCOPE_REQUEST,  /* {id}: a delivery request (owned by its partner) */
    SCOPE_DELIVERY, /* {id}: a delivery (owned by its partner) */
    SCOPE_UPLOAD,   /* {id}: a tus upload (its partner; staff may be limited to what they made) */
    SCOPE_CLOCK,    /* {id}: a clock (owned by its partner) */
    SCOPE_CALENDAR, /* {id}: a business calendar (global: staff only, by role) */
    SCOPE_TOKEN,    /* {id}: one of the actor's own API tokens (personal) */
    SCOPE_MILESTONE, /* {id}: a launch milestone (a clock of kind milestone; its partner's) */
    SCOPE_ALTERNATE, /* {id}: an alternate-solution case (owned by its partner) */
    SCOPE_TITLE,     /* {id}: a title (owned by its partner) */
    SCOPE_N
};

/* The scope's name as `vodgate routes` prints it ("partner", "" for none). */
const char *scope_name(enum scope s);

/*
 * What a person is told when the thing an id names in scope s is not
 * there, or is another organisation's (the same words for both: the answer
 * must not tell that it exists): "there is no upload with this id that you
 * can see; check the id". Static text.
 */
const char *scope_not_found_text(enum scope s);
/*
 * What a staff user is told whose role may act on such things only when it
 * made them (uploads), on one it did not make; NULL for the scopes without
 * that rule. Static text.
 */
const char *scope_not_yours_text(enum scope s);

/* What resolving an id found: the owner, and the rows loaded on the way (in the arena). */
struct scoped {
    enum scope scope;
    struct resource owner;  /* who owns it; all 0 for global and personal scopes */
    struct partner partner; /* the owning partner (partner, request, delivery, upload, clock) */
    bool have_partner;
    struct request_row request;   /* SCOPE_REQUEST */
    struct delivery_row delivery; /* SCOPE_DELIVERY */
    struct upload_row upload;     /* SCOPE_UPLOAD */
    struct clock_row clock;       /* SCOPE_CLOCK, SCOPE_MILESTONE */
    struct alternate_row alternate; /* SCOPE_ALTERNATE */
    struct title_row title;         /* SCOPE_TITLE */
};

/*
 * Loads the thing id names in scope s and its owner into *out. Returns 0,
 * STORE_ERR_NOT_FOUND (no such thing, or id is not one), or another store
 * error. Allocates from a.
 */
int scope_resolve(struct db *db, struct arena *a, enum scope s, const char *id, struct scoped *out);

/*
 * Resolves id and asks the policy whether who may do action on it: 0, or
 * POLICY_NOT_FOUND for a missing thing and for another organisation's (the
 * same answer), POLICY_FORBIDDEN / POLICY_UNAUTHENTICATED from the role
 * check, or a store error (<0 and not a policy result: *store_rc set).
 */
int scope_allow(struct db *db, struct arena *a, const struct principal *who, enum action action,
                enum scope s, const char *id, struct scoped *out, int *store_rc);

/*
 * The same for an operation: the actor of o doing action on id in scope s.
 * The system is always allowed. Returns 0 or OP_REFUSED (not found, not
 * allowed, failed).
 */
int op_allow(struct op *o, enum action action, enum scope s, const char *id, struct scoped *out);
/* op_allow for a partner by number (the common case). */
int op_allow_partner(struct op *o, enum action action, int64_t partner_id, struct partner *out);

#endif
