/*
 * A delivery's result told to the people who act on it (SPEC 4 and 6): the
 * partner and its current owner (the pim, or the pom in steady state) hear
 * that a delivery passed, or that it failed with what to fix.
 *
 * A failed result reads for the person who must fix it: the counts first
 * ("2 errors, 20 warnings"), then every error with its code, file and place
 * (sheet and row, line, element path, stream and timecode), at most
 * RESULT_MAIL_MAX_ERRORS of them ("... and 3 more errors on the page"),
 * then the warnings summed up by code with their counts, the response
 * deadline in words in the partner's zone, and the link to the result page.
 * A piece of the operation that records the result: it joins its
 * transaction and checks no actor.
 */
#ifndef VG_RESULT_MAIL_H
#define VG_RESULT_MAIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "app/op.h"
#include "store/delivery_store.h"
#include "store/lifecycle_store.h"
#include "store/store.h"

#define RESULT_MAIL_MAX_ERRORS 10

/*
 * Sends the result of delivery d of partner p: r is its request (NULL for a
 * self-serve delivery), findings the result's findings (borrowed; the array
 * of check/finding.h's findings_json), with n_errors and n_warnings counted
 * over all of them (a result may keep fewer than it counted). A failed
 * result's response deadline is the open response clock of the request, if
 * any. Returns 0, a store error or OP_REFUSED.
 */
int result_mail_send(struct op *o, const struct partner *p, const struct delivery_row *d,
                     const struct request_row *r, const json_t *findings, size_t n_errors,
                     size_t n_warnings, bool passed);

/*
 * The place of a finding in words (o's arena): "sheet 'Avails', row 7,
 * column F (Territory)", "line 52, /AvailList/Avail[1]/...", "stream 1 at
 * 00:01:02.500", or "the file as a whole".
 */
const char *result_mail_place(struct op *o, const json_t *location);

#endif
