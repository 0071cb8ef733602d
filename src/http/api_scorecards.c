/*
 * Scorecards over the API: GET /api/v1/partners/{id}/scorecard[?from=&to=]
 * (dates, YYYY-MM-DD, in the partner's zone, both included; by default the
 * last 90 days). The card is app/scorecards.c's.
 */
#include "app/scorecards.h"
#include "http/api.h"

void api_partner_scorecard(struct req *r)
{
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(
            r, &o,
            scorecard_view(&o, req_param_id(r, 0), req_query(r, "from"), req_query(r, "to"), &out)))
        reply_json(r, 200, out);
}
