/*
 * The kinds of promise vodgate keeps a clock for, and the rule of each
 * (SPEC sections 2, 3 and 5): how its due instant is counted, whether staff
 * may pause it, whether it may be extended on record, and whose calendar
 * counts its working days.
 *
 * This is the one table of clock kinds. Each kind has a name, the string
 * stored with a clock and shown by the API ("delivery_48h"), and an id for
 * code (DEADLINE_DELIVERY_48H) so that no other file spells the name; and
 * every word people read about a kind is here too: a phrase for mails and
 * feeds, the portal's long and short labels, and what an organisation's
 * dashboard says is due by when. Pages, mails and feeds read these fields
 * and keep no list of kinds of their own.
 */
#ifndef VG_DEADLINE_H
#define VG_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"

/* The kinds, in the table's order (not stored: the name is what is stored). */
enum deadline_id {
    DEADLINE_DELIVERY_48H,
    DEADLINE_RESPONSE_3WD,
    DEADLINE_SETUP_10D,
    DEADLINE_TRAINING_30D,
    DEADLINE_PUBLISH_14D,
    DEADLINE_MILESTONE,
    DEADLINE_ACK_3WD,
    DEADLINE_N
};

/*
 * How long before its due instant a running clock gets its due-soon notice
 * (the sweep sends it; a resumed clock that is already this close has its
 * new deadline in the resumed message instead).
 */
#define DEADLINE_SOON_LEAD (24 * 3600)

struct deadline_kind {
    enum deadline_id id;
    const char *name;        /* "delivery_48h", as stored and in the API */
    enum clock_kind rule;    /* how the due instant is counted */
    int64_t amount;          /* seconds or days; 0 for fixed */
    bool pausable;           /* partner-facing clocks that staff may pause */
    bool extendable;         /* caps that may only be extended on record */
    const char *label;       /* what it promises, in running text (mails, feeds, the API's
                                kind_label): "delivery within 48 hours of the request" */
    const char *long_label;  /* the portal's name for it: "Delivery within 48 hours" */
    const char *short_label; /* the timeline chart's: "Deliver 48 h" */
    const char *ask_label;   /* an organisation's dashboard, on a request's clock: what it is
                                asked to do by the due instant ("Deliver by"); NULL: long_label */
    const char *date_label;  /* an organisation's dashboard, on its own dates: what happens by
                                the due instant ("Your accounts ready by"); NULL: none */
};

/* The kind named name (NULL or unknown: NULL). Static. */
const struct deadline_kind *deadline_kind(const char *name);
/* The kind of id; id must be one of the enum (an assert holds it). Static. */
const struct deadline_kind *deadline_kind_of(enum deadline_id id);
/* The stored name of id ("response_3wd"): deadline_kind_of(id)->name. */
const char *deadline_name(enum deadline_id id);
/* The id of the kind named name, or DEADLINE_N when name is NULL or no kind's. */
enum deadline_id deadline_parse(const char *name);
/* All kinds, in id order, for documentation and tests; *n receives the count. */
const struct deadline_kind *deadline_kinds(int *n);

#endif
