/*
 * A partner's delivery agent (SPEC sections 1, 2.3 and 2.4): the posthouse
 * that delivers for it. The questionnaire names one first; afterwards the
 * partner itself or its pim sets it here — after the pim proposed a
 * posthouse (training.h's propose_posthouse), or at any time after the
 * questionnaire, the switch the onboarding guide describes.
 *
 * An agent must be an onboarded posthouse (a posthouse in steady state).
 * Its users may act for the partner from then on (the policy reads
 * partners.agent_id through app/scope.c). During setup and training an
 * onboarded agent brings SPEC 2.3's rule: the training plan is cut to
 * avails_review, and the warning ladder starts again at zero (a pending
 * decision is answered by the switch).
 */
#ifndef VG_APP_AGENT_H
#define VG_APP_AGENT_H

#include <jansson.h>
#include <stdint.h>

#include "app/op.h"

/*
 * Sets partner_id's delivery agent to posthouse_id (0: none, the partner
 * delivers by itself). Refusals: OP_INVALID naming "posthouse" when it is
 * not an onboarded posthouse (unknown ids read the same), or when the
 * partner is itself a posthouse; OP_CONFLICT before the questionnaire is
 * submitted. The partner's users, its pim and the users of the posthouse
 * it takes (or leaves) are told, once each; the change is in the audit
 * log. Setting the agent it already has changes nothing.
 */
int agent_set(struct op *o, int64_t partner_id, int64_t posthouse_id);

/*
 * The partner's agent for people: {id, name, onboarded} or null (a new
 * reference). A piece: no actor check, reads in the caller's operation.
 */
json_t *agent_json(struct op *o, const struct partner *p);

#endif
