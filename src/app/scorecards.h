/*
 * Scorecards (SPEC 3, issue 15 item 5): what a partner's deliveries over a
 * period say about it — on time against the 48-hour clock, first-pass
 * acceptance, the median time from a failed result to its fix, open defects
 * — each rate beside its base, so none is read without it. The rules are
 * core/scorecard.h's; this floor picks the deliveries, the period and who
 * may read it.
 *
 * A posthouse's card is of the deliveries it made (by its users or its
 * transfer credential, recorded on each delivery), for itself and for the
 * partners it delivers for. The period is given as dates in the partner's
 * zone, both ends included; by default the last 90 days up to today there.
 * Title metrics (titles live, the service's publish-on-time rate) are not
 * here yet.
 */
#ifndef VG_APP_SCORECARDS_H
#define VG_APP_SCORECARDS_H

#include <jansson.h>

#include "app/op.h"

#define SCORECARD_DEFAULT_DAYS 90

/*
 * The scorecard of partner_id over [from, to] (YYYY-MM-DD texts, NULL or
 * empty for the default period): {partner, from, to, time_zone, scope,
 * deliveries, on_time_rate, on_time, on_time_of, late, first_pass_rate,
 * first_pass, first_pass_of, median_fix_hours, fixes, open_defects,
 * open_defect_deliveries}. Rates are 0..1 or null when there is nothing to
 * measure. *out is a new reference. Refuses: not found, not allowed, invalid
 * (from, to).
 */
int scorecard_view(struct op *o, int64_t partner_id, const char *from, const char *to,
                   json_t **out);

/*
 * Every partner's scorecard (staff only), in id order, each to fn (a
 * borrowed reference) until fn returns non-zero; from and to as above, the
 * default period counted in each partner's zone.
 */
int scorecards_each(struct op *o, const char *from, const char *to, int (*fn)(json_t *card, void *),
                    void *ctx);

#endif
