/*
 * Posthouses that fit a partner: the onboarded posthouses (partners with
 * posthouse = true, in steady state) whose approved formats cover the
 * formats the partner intends to deliver (its questionnaire answers). The
 * planner offers them, the pim's "propose a posthouse" decision names them,
 * and the questionnaire's posthouse question lists the whole directory.
 */
#ifndef VG_APP_POSTHOUSES_H
#define VG_APP_POSTHOUSES_H

#include <jansson.h>

#include "app/op.h"
#include "store/lifecycle_store.h"

/*
 * The posthouses that fit p (NULL: every onboarded posthouse) as a JSON
 * array of {id, name, contact_email, time_zone, alias, approved_formats}
 * in *out (a new reference). A piece: checks no actor, reads in the
 * caller's operation. Returns 0 or a store error.
 */
int posthouses_fitting(struct op *o, const struct partner *p, json_t **out);

/*
 * The directory of onboarded posthouses, for people: {posthouses: [...]}
 * as posthouses_fitting(NULL) lists them, in *out (a new reference), when
 * the actor may list posthouses. Returns 0 or OP_REFUSED. Reads only.
 */
int posthouses_directory(struct op *o, json_t **out);

#endif
