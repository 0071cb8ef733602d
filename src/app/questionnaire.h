/*
 * The onboarding questionnaire of a partner (SPEC section 2): the cam sends
 * it (which invites the partner's contact), the partner answers it in as
 * many saves as it likes, and submits it once every required answer is
 * there; submitting starts account setup and its 10-day clock, and the
 * answers set the training plan's defaults. Its questions are data (the
 * version the partner was sent, app/questionnaire_def.h), checked by
 * core/questionnaire.c.
 *
 * Each operation checks the actor (op_allow_partner) and runs in its own
 * transaction (a caller holding one calls op_join first). A refusal is a
 * conflict when the stage does not allow the step, invalid answers naming
 * their fields ("fields", with "errors" per question).
 */
#ifndef VG_APP_QUESTIONNAIRE_H
#define VG_APP_QUESTIONNAIRE_H

#include <jansson.h>
#include <stdint.h>

#include "app/op.h"
#include "core/training.h"
#include "store/lifecycle_store.h"

/*
 * Sends the questionnaire to the partner: the current version when none was
 * sent yet, the stage moves from invited to questionnaire, the contact is
 * invited (a portal account with a link, app/invitations.h), the cam who
 * sends it becomes the partner's cam when it has none.
 */
int questionnaire_send(struct op *o, int64_t partner_id);

/*
 * Saves answers (answers: an object of key → value, merged into the stored
 * ones; null removes one). Nothing is saved unless the merged answers are
 * valid (OP_INVALID naming the wrong ones). view (may be NULL) gets the
 * questionnaire as questionnaire_view gives it after the save (a new
 * reference).
 */
int questionnaire_save(struct op *o, int64_t partner_id, json_t *answers, json_t **view);

/*
 * Submits the stored answers: every visible required question answered
 * (else OP_INVALID "incomplete" naming them), then setup begins: the setup
 * items are pending, its 10-day clock runs, the training plan gets the
 * answers' defaults and the posthouse named as delivery agent becomes the
 * partner's agent. The submit succeeds even when the target launch date is
 * before the earliest date the standard path allows; then (app/launch.h)
 * the cam and the pim are told and *warnings (when not NULL; a new array,
 * NULL on failure) holds the warning, else it is empty.
 */
int questionnaire_submit(struct op *o, int64_t partner_id, json_t **warnings);

/*
 * The questionnaire as the partner was sent it, for people: {version,
 * status, definition, answers, visible (the keys shown for these answers),
 * sent_at, updated_at, submitted_at} in *out (a new reference). Not sent
 * yet: OP_NOT_FOUND "not_sent". Reads only.
 */
int questionnaire_view(struct op *o, int64_t partner_id, json_t **out);

/*
 * The facts the training rules need, from the partner's answers (all false
 * without answers). A piece: checks no actor. Returns 0 or a store error.
 */
int questionnaire_partner_training_facts(struct op *o, const struct partner *p,
                                         struct training_facts *facts);

#endif
