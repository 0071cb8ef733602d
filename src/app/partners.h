/*
 * Partners (and posthouses, which are partners with posthouse = true): the
 * records a cam creates and everyone else reads, each within its policy.
 * A partner's user sees its own organisation (and, for a posthouse, the
 * partners that named it their delivery agent); another organisation's id
 * is refused as not found, exactly like a missing one (app/scope.h).
 *
 * The reads return the JSON views the API answers and the portal renders:
 * the partner in a list, the full partner (owners, training, setup
 * checklist, open clocks), its audit log, the posthouse directory.
 */
#ifndef VG_PARTNERS_H
#define VG_PARTNERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/op.h"
#include "store/store.h"

#define PARTNERS_EVENTS_MAX 1000 /* the most audit events one answer holds (?limit=) */

/* A partner to invite. */
struct partner_new {
    const char *name;          /* 1 to 200 characters */
    const char *contact_email; /* as typed: normalised here */
    const char *time_zone;     /* an IANA zone */
    int64_t calendar_id;       /* a business calendar; 0: none */
    bool channels, posthouse;
    const char *via; /* "demo": recorded in the audit event; NULL: nothing */
};

/*
 * Invites a partner (ACT_PARTNER_CREATE): stage "invited", its cam the
 * actor when the actor is a cam, with the audit event "partner.create".
 * Refuses OP_INVALID naming the field (name, contact_email, time_zone,
 * calendar) or OP_FAILED. On success *out (may be NULL) gets the partner
 * (strings in o's arena) and *view (may be NULL) its list form, owned by
 * the caller. Joins the caller's transaction after op_join.
 */
int partners_create(struct op *o, const struct partner_new *in, struct partner *out, json_t **view);

/* The arguments of a list, as text as given (NULL or "": absent); validated here. */
struct partners_query {
    const char *stage; /* one stage */
    const char *q;     /* a part of the name: UTF-8, at most 200 bytes */
    const char *sort;  /* name, stage or since; absent: by id */
    const char *dir;   /* asc or desc */
    const char *mine;  /* true/1: the partners the staff actor owns as cam, pim, pom or plm */
    const char *limit, *offset; /* a page: limit 1 to 1000 (absent: all), offset from 0 */
};

/*
 * The partners the actor may see (ACT_PARTNER_LIST), filtered, sorted and
 * paged in SQL: *out = {"partners": [...], "total": n}, owned by the
 * caller; total counts every match. Refuses OP_INVALID naming the argument.
 */
int partners_list(struct op *o, const struct partners_query *q, json_t **out);

/*
 * The full view of partner_id (ACT_PARTNER_READ): the list form with its
 * owners, training, approved formats, setup checklist and open clocks.
 * *out is the caller's.
 */
int partners_view(struct op *o, int64_t partner_id, json_t **out);
/* The full view of a partner already loaded and checked (a new reference; reads the store). */
json_t *partners_json_full(struct op *o, const struct partner *p);
/* The setup checklist: {items: [{item, label, status, owner, value, updated_at}]} (new). */
json_t *partners_json_setup(struct op *o, int64_t partner_id);

/* The arguments of an audit-log read, as text as given (NULL or "": absent). */
struct partners_events_query {
    const char *action; /* one action only ("partner.stage") */
    const char *limit;  /* the latest ones only: 1 to PARTNERS_EVENTS_MAX */
    const char *before; /* those below this event id */
};

/*
 * The audit log of partner_id (ACT_PARTNER_EVENTS), oldest first:
 * *out = {"events": [{id, at, actor, subject, action, before, after}],
 * "total": n, "next": the before of the page of older events or null}.
 * total counts every event (of the action). *out is the caller's.
 */
int partners_events(struct op *o, int64_t partner_id, const struct partners_events_query *q,
                    json_t **out);


/* One partner a staff form offers (partners_choices); strings in o's arena. */
struct partner_choice {
    int64_t id;
    const char *name, *stage;
};

/*
 * The partners a staff form offers in a <select> (the planner, the outbox
 * filter): at most max of them, read in one pass that stops at max (so ten
 * thousand partners cost max rows, never all), sorted by name; the partner
 * selected is always among them, even past the cap. *more says there were
 * more than max. Staff only: an organisation's user gets none (*n = 0).
 * *out is in o's arena. Returns 0 or OP_REFUSED (failed).
 */
int partners_choices(struct op *o, int64_t selected, int max, struct partner_choice **out, int *n,
                     bool *more);

#endif
