/*
 * GET /api/v1/dashboard[?limit=N] (staff): what needs attention across all
 * partners, in one answer (app/dashboard.c): partners by stage, clocks due
 * soon and breached lately, the latest warnings, the decisions a pim owes
 * and the open alternate-solution requests, each list at most limit long.
 * The paged, filtered partner list is GET /api/v1/partners.
 */
#include "app/dashboard.h"
#include "http/api.h"

void api_dashboard(struct req *r)
{
    int64_t limit;
    if (!req_query_int(r, "limit", 1, DASHBOARD_LIST_MAX, DASHBOARD_LIST_DEFAULT, &limit))
        return;
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, dashboard_view(&o, limit, &out)))
        reply_json(r, 200, out);
}
