/*
 * Account setup (SPEC section 3): after the questionnaire, the pim
 * provisions the partner's three setup items (its alias, its transfer
 * account, its portal account), plans its training, and confirms setup,
 * which starts training (or, for a partner already onboarded elsewhere,
 * goes straight to steady state). The cam or admin names the partner's
 * owners (cam, pim, pom, plm); a partner in steady state that skipped
 * training gets its approved formats recorded here.
 *
 * Each operation checks the actor (op_allow_partner with the action the
 * API route uses) and runs in its own transaction (a caller holding one
 * calls op_join first).
 */
#ifndef VG_APP_SETUP_H
#define VG_APP_SETUP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/op.h"

/*
 * Provisions (done) or reopens a setup item, named as core/lifecycle.h
 * names them (alias, transfer_account, portal_account; another name:
 * OP_NOT_FOUND). value: the alias, or the portal account's email (NULL:
 * the contact). *out gets the checklist after the step (setup_view's
 * {items}) plus, for the transfer account, its one-time {credentials:
 * {username, token, upload_url}}; a new reference, NULL when refused.
 */
int setup_item_set(struct op *o, int64_t partner_id, const char *item, bool done, const char *value,
                   json_t **out);

/*
 * The setup checklist of a partner, for people: {items: [{item, label,
 * status, owner: {id, email, name} or null, value, updated_at}]} in *out
 * (a new reference). Reads only.
 */
int setup_view(struct op *o, int64_t partner_id, json_t **out);

/*
 * Sets the training plan: modules is a list of training module names
 * (NULL: OP_INVALID naming "modules"), checked by core/training.c against
 * the partner's answers ("plan_not_allowed").
 */
int setup_plan_training(struct op *o, int64_t partner_id, json_t *modules);

/*
 * Confirms setup (every item done): the 10-day setup clock is met, the
 * partner moves to training (its 30-day clock starts) or to steady state
 * when training is skipped. The pim who confirms becomes its pim when it
 * has none.
 */
int setup_confirm(struct op *o, int64_t partner_id);

/*
 * Names the partner's owners: owners is an object of cam, pim, pom, plm,
 * each the id of a user of that role or null (nobody); absent keys stay.
 */
int setup_owners_set(struct op *o, int64_t partner_id, json_t *owners);

/*
 * Records the approved formats of a partner in steady state (one that
 * skipped training): formats is a non-empty list of format names of
 * core/formats.c.
 */
int setup_formats_set(struct op *o, int64_t partner_id, json_t *formats);

/*
 * Checks a list of approved formats against the vocabulary; *names gets a
 * clean copy (a new reference) or NULL after an OP_INVALID refusal naming
 * "approved_formats". A piece (training_complete uses it too).
 */
int setup_check_formats(struct op *o, json_t *formats, json_t **names);

#endif
