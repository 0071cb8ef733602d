/*
 * Writing the audit log: see audit.h. The JSON is serialised here, once,
 * with sorted keys, so two events with the same content have the same text.
 */
#include "app/audit.h"

#include <stdlib.h>

int audit_event(struct op *o, int64_t partner_id, const char *subject, const char *action,
                json_t *before, json_t *after)
{
    return audit_write(o->db, o->now, o->who.user_id, partner_id, subject, action, before, after);
}

int audit_write(struct db *db, int64_t at, int64_t actor_id, int64_t partner_id,
                const char *subject, const char *action, json_t *before, json_t *after)
{
    char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *f = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(before);
    json_decref(after);
    struct event e = {0};
    e.at = at;
    e.actor_id = actor_id;
    e.partner_id = partner_id;
    e.subject = (char *)subject;
    e.action = (char *)action;
    e.before = b;
    e.after = f;
    int rc = store_event_add(db, &e);
    free(b);
    free(f);
    return rc;
}
