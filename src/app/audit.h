/*
 * The audit log as operations write it: one event per change, by the actor
 * of the operation (0: the system), inside the operation's transaction, so
 * the event exists exactly when the change does. The log is append-only
 * (store/store.h): nothing here updates or deletes an event. Reading a
 * partner's log is partners_events (app/partners.h).
 */
#ifndef VG_AUDIT_H
#define VG_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "app/op.h"

/*
 * Writes an event of o's actor at o->now about partner_id (0: about no
 * partner) on subject ("user:3", "partner:12") with action ("user.create").
 * before and after (stolen; NULL: none) are stored as compact JSON text
 * with sorted keys. Joins the caller's transaction. Returns 0 or a store
 * error (the caller's op_end turns it into OP_FAILED).
 */
int audit_event(struct op *o, int64_t partner_id, const char *subject, const char *action,
                json_t *before, json_t *after);
/* The same by actor_id at the instant at, for code that runs below an op (app/clocks.c). */
int audit_write(struct db *db, int64_t at, int64_t actor_id, int64_t partner_id,
                const char *subject, const char *action, json_t *before, json_t *after);

#endif
