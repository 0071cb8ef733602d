/*
 * Who may do what: one policy row per action, role × ownership.
 *
 * Every route names an action. The dispatcher asks policy_role_may() before
 * the handler runs (is this role ever allowed?), and the handler asks
 * policy_check() once it knows which organisation owns the resource. A user
 * of an organisation asking for another organisation's resource gets
 * POLICY_NOT_FOUND, never POLICY_FORBIDDEN: the answer must not tell that the
 * resource exists. Some actions admit a staff role only on what that user
 * made (an upload a pim made for a partner): the role passes
 * policy_role_may(), and policy_check() answers POLICY_FORBIDDEN for anything
 * made by someone else. Pure: no I/O, the caller supplies the facts.
 */
#ifndef VG_POLICY_H
#define VG_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/role.h"

enum action {
    ACT_PUBLIC,               /* anyone, signed in or not */
    ACT_SIGNED_IN,            /* any signed-in user, on their own account */
    ACT_USER_CREATE,          /* add a user */
    ACT_USER_LIST,            /* list users */
    ACT_CLOCK_SET,            /* move the test clock */
    ACT_PARTNER_CREATE,       /* invite a partner */
    ACT_PARTNER_LIST,         /* list partners (staff) */
    ACT_PARTNER_READ,         /* read one partner's record */
    ACT_PARTNER_EVENTS,       /* read a partner's audit log */
    ACT_POSTHOUSE_LIST,       /* the onboarded-posthouse directory */
    ACT_CALENDAR_READ,        /* business calendars */
    ACT_CALENDAR_WRITE,       /* create, edit, import holidays */
    ACT_PARTNER_CALENDAR,     /* choose a partner's calendar */
    ACT_PARTNER_CLOCKS,       /* a partner's clocks */
    ACT_CLOCK_PAUSE,          /* pause and resume partner-facing clocks */
    ACT_CLOCK_EXTEND,         /* extend a cap on record */
    ACT_MILESTONE_SET,        /* a Channels launch milestone */
    ACT_TEST_HOOK,            /* test hooks served only under --test-clock */
    ACT_MESSAGE_LIST,         /* the outbox: staff all of it, anyone else their own mail */
    ACT_QUESTIONNAIRE_SEND,   /* send the questionnaire to a partner */
    ACT_QUESTIONNAIRE_READ,   /* read the questions and answers */
    ACT_QUESTIONNAIRE_ANSWER, /* save answers */
    ACT_QUESTIONNAIRE_SUBMIT, /* submit the answers */
    ACT_SETUP,                /* provision setup items, plan training, confirm setup */
    ACT_OWNERS_SET,           /* assign a partner's cam, pim, pom, plm */
    ACT_REQUEST_ISSUE,        /* issue and re-request deliveries, pause their clocks */
    ACT_REQUEST_READ,         /* read requests and their messages */
    ACT_REQUEST_MESSAGE,      /* write a message on a request */
    ACT_WARNINGS_READ,        /* a partner's warnings */
    ACT_TRAINING_DECIDE,      /* decide after the third warning, resume, complete */
    ACT_ALTERNATE,            /* a partner asks for an alternate solution */
    ACT_PLAN_READ,            /* the planner */
    ACT_DELIVER,              /* deliver uploads against a request (or self-serve) */
    ACT_DELIVERY_READ,        /* read deliveries and their results */
    ACT_UPLOAD,               /* create a tus upload for a partner (the upload page too) */
    ACT_UPLOAD_WRITE,         /* write an upload's bytes (PATCH), make a final upload of it */
    ACT_UPLOAD_DELETE,        /* terminate an upload (tus DELETE) */
    ACT_UPLOAD_READ,          /* read uploads, their offsets and checksums (HEAD, listings) */
    ACT_TRANSFER_CREDENTIALS, /* issue, rotate and revoke a partner's transfer credential */
    /* launch timelines and alternate-solution cases (issue 14, SPEC 3) */
    ACT_MILESTONES_READ,  /* a partner's launch milestones */
    ACT_ALTERNATES_READ,  /* alternate-solution cases */
    ACT_ALTERNATE_ANSWER, /* acknowledge and resolve an alternate-solution case */
    ACT_AGENT_SET,            /* set a partner's delivery agent (the partner itself, its pim) */
    ACT_STAFF_VIEW,           /* staff-only portal pages: the outbox, the dashboard API */
    /* issue 14, dead ends: accounts */
    ACT_USER_MANAGE,     /* change a user's role or org_admin flag, disable or enable it */
    ACT_COLLEAGUE_READ,  /* an organisation's users (its own; admin: any) */
    ACT_COLLEAGUE_WRITE, /* invite and remove them (an org_admin user, checked by app/colleagues.c) */
    /* issue 15, scorecards */
    ACT_SCORECARD_READ, /* a partner's (or a posthouse's) scorecard */
    /* issue 15, titles (SPEC 3, "Titles: the steady state") */
    ACT_TITLES_READ,   /* the catalogue and a title: staff, the partner, its posthouse */
    ACT_TITLE_WRITE,   /* create and correct titles */
    ACT_TITLE_PUBLISH, /* record a title published in a territory */
    ACT_N
};

/*
 * What signed the request in. A person (a session or an API token), or an
 * organisation's transfer credential (SPEC 2.3: username and secret, HTTP
 * Basic or bearer), which acts as its organisation (role partner, or
 * posthouse for a posthouse's credential; user_id 0, since no person acts)
 * and only for what a tus client and `vodgate upload`/`deliver` need:
 * policy_transfer_may() lists those actions, and every other one answers
 * POLICY_FORBIDDEN whatever the role would allow.
 */
enum principal_kind {
    PRINCIPAL_USER = 0,
    PRINCIPAL_TRANSFER,
};

/* Who asks: the signed-in user. org_id is 0 for staff. */
struct principal {
    int64_t user_id;
    enum role role;
    int64_t org_id;
    enum principal_kind kind;
};

/*
 * What is asked for: the organisation that owns it (0: none), its delivery
 * agent, and the user who made it (for the actions staff may take only on
 * what they made themselves; 0 when unknown or not applicable).
 */
struct resource {
    int64_t org_id;
    int64_t agent_org_id; /* the posthouse acting for org_id, 0 when none */
    int64_t made_by;      /* the user who made it, 0 when none */
};

enum policy_result {
    POLICY_ALLOW = 0,
    POLICY_UNAUTHENTICATED = -1, /* 401: sign in first */
    POLICY_FORBIDDEN = -2,       /* 403: the role may not */
    POLICY_NOT_FOUND = -3,       /* 404: not yours, or not there */
};

/* The roles that may ever perform action (staff and organisation roles). */
unsigned policy_roles(enum action a);
/* True when the action needs no sign-in. */
bool policy_is_public(enum action a);
/* A short name for the action, used in the route dump and logs. */
const char *policy_action_name(enum action a);
/* The role-level check made before any handler runs (p NULL = not signed in). */
enum policy_result policy_role_may(const struct principal *p, enum action a);
/* Whether a transfer credential may ever perform a: uploads and deliveries, nothing else. */
bool policy_transfer_may(enum action a);
/* The full check on a resource: role first, then ownership. */
enum policy_result policy_check(const struct principal *p, enum action a, const struct resource *r);

#endif
