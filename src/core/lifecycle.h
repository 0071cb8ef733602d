/*
 * The onboarding lifecycle of one partner (SPEC section 2) as a pure state
 * machine: the stages, the steps that move between them, and the check that
 * says whether a step is allowed now and, when it is not, why — in words a
 * person can act on ("setup is not confirmed: transfer account is still
 * pending"). The HTTP layer answers a refused step with 409 and that text.
 *
 *   invited → questionnaire → setup → training → steady_state
 *                               │         │  ▲
 *                               │         ▼  │ resume
 *                               │    stopped / escalated
 *                               └→ (training skipped) → steady_state
 */
#ifndef VG_LIFECYCLE_H
#define VG_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum stage {
    STAGE_INVITED,
    STAGE_QUESTIONNAIRE,
    STAGE_SETUP,
    STAGE_TRAINING,
    STAGE_STOPPED,
    STAGE_ESCALATED,
    STAGE_STEADY,
    STAGE_N
};

/* The three provisioning items of setup, in the order they are shown. */
enum setup_item { ITEM_ALIAS, ITEM_TRANSFER, ITEM_PORTAL, ITEM_N };

enum step {
    STEP_SEND_QUESTIONNAIRE, /* cam: invited → questionnaire (again: a reminder) */
    STEP_ANSWER,             /* partner: save answers (questionnaire stage) */
    STEP_SUBMIT,             /* partner: questionnaire → setup */
    STEP_SETUP_ITEM,         /* pim: provision one item (setup, or later to fix one) */
    STEP_PLAN,               /* pim: choose training modules (setup or training) */
    STEP_CONFIRM,            /* pim: setup → training, or steady_state when skipped */
    STEP_REQUEST,            /* pim/pom: issue a delivery request */
    STEP_DECIDE,             /* pim: answer the escalation decision task */
    STEP_RESUME,             /* pim: stopped or escalated → training */
    STEP_COMPLETE,           /* pim: training → steady_state */
    STEP_ALTERNATE,          /* partner: ask for an alternate solution */
    STEP_N
};

/* What the check needs to know about the partner. */
struct lifecycle_facts {
    enum stage stage;
    bool item_done[ITEM_N];
    bool training_skipped; /* already onboarded: confirm goes to steady_state */
    bool decision_pending; /* a third (or later) warning awaits the pim's decision */
    size_t n_modules;      /* training modules planned */
};

/* "invited", "steady_state", ...; stage_parse answers STAGE_N for an unknown name. */
const char *stage_name(enum stage s);
enum stage stage_parse(const char *s);
/* "alias", "transfer_account", "portal_account"; item_parse answers ITEM_N when unknown. */
const char *setup_item_name(enum setup_item i);
enum setup_item setup_item_parse(const char *s);
/* For people: "partner alias", "transfer account", "portal account". */
const char *setup_item_label(enum setup_item i);

/*
 * True when step is allowed for a partner with these facts. Otherwise false,
 * with why (at least 200 bytes) holding the reason in words.
 */
bool lifecycle_may(enum step step, const struct lifecycle_facts *f, char *why, size_t why_len);

/* The stage a confirmation leads to. */
enum stage lifecycle_after_confirm(const struct lifecycle_facts *f);

/* True while a partner is being trained: requests carry the warnings ladder. */
bool lifecycle_in_training(enum stage s);

/* A partner alias: lowercase [a-z0-9_]{3,32}. */
bool lifecycle_alias_ok(const char *alias);

/*
 * Who owns a partner now, the one staff user its events are told to (SPEC
 * 2.5 and 6): the pom once the partner is in steady state and has one, else
 * the pim, else the cam (no pim yet); 0 when it has none of them. Ids are
 * user ids, 0 for "not assigned".
 */
int64_t lifecycle_current_owner(enum stage s, int64_t cam_id, int64_t pim_id, int64_t pom_id);

#endif
