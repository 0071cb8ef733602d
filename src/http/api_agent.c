/*
 * PUT /api/v1/partners/{id}/agent {posthouse}: the partner's delivery agent
 * (app/agent.h), set by the partner itself or its pim. posthouse is a
 * posthouse id, or null for none; it must be given (an absent member is
 * not taken as "none"). Answers the partner as it is after the change.
 */
#include "app/agent.h"
#include "app/partners.h"
#include "http/api.h"

void api_partner_agent(struct req *r)
{
    if (!jbody(r))
        return;
    if (!json_object_get(r->json, "posthouse")) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "posthouse"),
                          "'posthouse' is required: a posthouse id, or null for none");
        return;
    }
    int64_t ph = 0;
    if (!jfield_int(r, "posthouse", false, &ph))
        return;
    struct op o;
    req_op_init(r, &o);
    int rc = agent_set(&o, req_param_id(r, 0), ph);
    json_t *view = NULL;
    if (!req_op_done(r, &o, rc))
        return;
    req_op_init(r, &o);
    if (req_op_done(r, &o, partners_view(&o, req_param_id(r, 0), &view)))
        reply_json(r, 200, view);
}
