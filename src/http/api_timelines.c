/*
 * Launch timelines and alternate-solution cases over the API (SPEC 3 and
 * 10): a partner's milestones and marking one met (app/milestones.c), the
 * alternate-solution cases, acknowledging and resolving one
 * (app/alternates.c). Each handler reads its parameters and calls one
 * operation.
 */
#include "app/alternates.h"
#include "app/milestones.h"
#include "http/api.h"

void api_partner_milestones_list(struct req *r)
{
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, milestones_list(&o, req_param_id(r, 0), &out)))
        reply_json(r, 200, out);
}

void api_milestone_met(struct req *r)
{
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, milestones_met(&o, req_param_id(r, 0), &out)))
        reply_json(r, 200, out);
}

void api_alternates_list(struct req *r)
{
    int64_t partner = 0;
    if (!req_query_int(r, "partner", 1, INT64_MAX, 0, &partner))
        return;
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, alternates_list(&o, partner, &out)))
        reply_json(r, 200, out);
}

void api_alternate_acknowledge(struct req *r)
{
    const char *note = NULL;
    if (r->body.len && !jfield_str(r, "note", false, &note)) /* the body is optional */
        return;
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, alternates_acknowledge(&o, req_param_id(r, 0), note, &out)))
        reply_json(r, 200, out);
}

void api_alternate_resolve(struct req *r)
{
    const char *outcome;
    if (!jfield_str(r, "outcome", true, &outcome))
        return;
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, alternates_resolve(&o, req_param_id(r, 0), outcome, &out)))
        reply_json(r, 200, out);
}
