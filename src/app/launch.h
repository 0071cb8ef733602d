/*
 * The target launch date against the planner (SPEC sections 2.2 and 3): a
 * partner's questionnaire names the date it wants its first titles
 * published; when that date is before the earliest the standard path allows
 * (remaining setup + training + 14 days of publishing, in the partner's
 * zone), the people who can act are told. The submit still succeeds; its
 * answer carries the warning, the cam and the pim get one message, the
 * audit log records it, and the partner page and the planner show it for as
 * long as onboarding is ahead and the date has not passed.
 *
 * The path is shortened as SPEC 2.3 says: a partner itself onboarded skips
 * training (the planner counts setup + publishing only); a partner whose
 * delivery agent is an onboarded posthouse needs only publishing's 14 days,
 * so its date is only too soon before today + 14.
 *
 * The warning, as the API gives it (dates "YYYY-MM-DD", words for people):
 *   {code: "launch_date_too_soon", message, advice (the message's what to do), target, earliest,
 *    earliest_with_posthouse, needs_posthouse, target_words, earliest_words,
 *    earliest_with_posthouse_words, posthouses: [{id, name}]}
 * needs_posthouse: the date is reachable only through an onboarded posthouse
 * (target >= earliest_with_posthouse); posthouses: those whose approved
 * formats cover the partner's intended ones.
 */
#ifndef VG_APP_LAUNCH_H
#define VG_APP_LAUNCH_H

#include <jansson.h>
#include <stdint.h>

#include "app/op.h"
#include "store/store.h"

#define LAUNCH_WARNING_CODE "launch_date_too_soon"

/*
 * The warning for p now (a new reference), or NULL when there is none: no
 * submitted answer, no onboarding ahead, the date feasible or passed. A
 * piece: checks no actor, reads in the caller's operation.
 */
json_t *launch_warning(struct op *o, const struct partner *p);

/*
 * At submit, inside the submit's operation (p as it is after setup began):
 * when the date is too soon, records "questionnaire.launch_warning" in the
 * audit log and sends the cam and the pim (once each, one person holding
 * both once) the launch_date_too_soon message. Sets *warnings to a new
 * array: the warning, or empty. Returns 0, a store error or OP_REFUSED.
 */
int launch_check_submitted(struct op *o, const struct partner *p, json_t **warnings);

/*
 * {target: "YYYY-MM-DD" or null, warning: {...} or null} for partner
 * partner_id (ACT_PARTNER_READ: another organisation's answers 404), in
 * *out (a new reference). Reads only.
 */
int launch_view(struct op *o, int64_t partner_id, json_t **out);

#endif
