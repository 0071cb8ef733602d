/*
 * The training plan and its rules (SPEC section 2, items 3 and 4).
 *
 * A plan is a set of modules the pim picks during setup:
 *   technical_asset_review  the partner's media, captions and artwork checked
 *                           against the delivery specification
 *   avails_review           the partner's EMA Avails checked
 *   phased_review           phased avails and asset package review: avails
 *                           first, then packages, for a partner new to both
 *
 * What the facts allow, in this order (the first that applies decides):
 *   1. a partner that is itself already onboarded skips training: the only
 *      valid plan is the empty one;
 *   2. a partner delivering through an onboarded posthouse reviews its avails
 *      only: the only valid plan is {avails_review} (the posthouse is already
 *      approved for the packages);
 *   3. anyone else: any non-empty set of known modules, each at most once.
 * posthouse_onboarded means nothing unless via_posthouse is set: a partner
 * that delivers by itself is judged by rule 3 whatever its old answer about a
 * posthouse said.
 *
 * Refusals come with a sentence for people that says why, naming the rule
 * ("... delivers through an onboarded posthouse, so only avails_review
 * applies"). Pure: no I/O; only the message allocates.
 */
#ifndef VG_TRAINING_H
#define VG_TRAINING_H

#include <stdbool.h>
#include <stddef.h>

enum training_module {
    TRAINING_TECHNICAL_ASSET_REVIEW = 0,
    TRAINING_AVAILS_REVIEW = 1,
    TRAINING_PHASED_REVIEW = 2,
    TRAINING_N_MODULES
};

enum training_err {
    TRAINING_OK = 0,
    TRAINING_ERR_UNKNOWN_MODULE = -1, /* "unknown_module": not one of the three names */
    TRAINING_ERR_DUPLICATE = -2,      /* "duplicate_module": a module listed twice */
    TRAINING_ERR_EMPTY = -3,          /* "empty_plan": training needs at least one module */
    TRAINING_ERR_SKIPPED = -4,        /* "training_skipped": already onboarded, no module */
    TRAINING_ERR_AVAILS_ONLY = -5,    /* "avails_review_only": onboarded posthouse */
};

/* What the questionnaire (or staff) established about the partner. */
struct training_facts {
    bool already_onboarded;   /* the partner itself is onboarded to this service */
    bool via_posthouse;       /* it delivers through a posthouse */
    bool posthouse_onboarded; /* that posthouse is onboarded (only read with via_posthouse) */
};

/* "technical_asset_review", "avails_review", "phased_review"; NULL for another value. Static. */
const char *training_module_name(enum training_module m);

/* Returns 0 and sets *out for one of the three names (exact, lowercase), or -1. */
int training_module_parse(const char *name, enum training_module *out);

/* The stable code of a training_err ("avails_review_only"); "unknown_error" otherwise. */
const char *training_err_name(int err);

/* True when the facts skip training altogether (rule 1). */
bool training_is_skipped(const struct training_facts *facts);

/*
 * Checks the plan modules[0..n) (names as the API received them; NULL
 * entries count as unknown) against facts. Returns TRAINING_OK and sets
 * *message to NULL, or a TRAINING_ERR_* code and sets *message to a
 * malloc'd sentence for people that the caller frees. message may be NULL
 * when the caller wants the code only. Nothing else allocates.
 */
int training_plan_check(const char *const *modules, size_t n, const struct training_facts *facts,
                        char **message);

#endif
