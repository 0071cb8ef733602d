/*
 * Deliveries over the API: a partner (or its posthouse) delivers uploads
 * against a request and gets the receipt at once (202: validation runs in
 * the background); anyone who may see the partner reads the result with
 * its findings, and, for a redelivery, what changed since the previous
 * result: fixed, still failing, new.
 *
 * Each handler parses and calls one operation of app/deliveries.h, which
 * checks the actor, builds the view and, for a receipt, wakes the workers
 * once it is committed.
 */
#include <stdint.h>

#include "app/deliveries.h"
#include "http/api.h"

void api_deliveries_create(struct req *r)
{
    int64_t partner_id = 0, request_id = 0;
    const char *kind;
    if (!jfield_int(r, "partner", true, &partner_id) ||
        !jfield_int(r, "request", false, &request_id) || !jfield_str(r, "kind", true, &kind))
        return;
    struct op o;
    req_op_init(r, &o);
    int64_t id;
    json_t *receipt;
    int rc = delivery_receive(&o, partner_id, request_id, kind, json_object_get(r->json, "files"),
                              &id, &receipt);
    if (!req_op_done(r, &o, rc))
        return;
    reply_json(r, 202, receipt);
}

void api_delivery_get(struct req *r)
{
    struct op o;
    req_op_init(r, &o);
    json_t *d;
    int rc = delivery_view(&o, req_param_id(r, 0), &d);
    if (!req_op_done(r, &o, rc))
        return;
    reply_json(r, 200, d);
}

void api_partner_deliveries(struct req *r)
{
    int64_t before, limit;
    if (!req_query_int(r, "before", 1, INT64_MAX, 0, &before) ||
        !req_query_int(r, "limit", 1, DELIVERY_PAGE_MAX, DELIVERY_PAGE_DEFAULT, &limit))
        return;
    struct op o;
    req_op_init(r, &o);
    json_t *page;
    int rc = delivery_list(&o, req_param_id(r, 0), before, limit, &page);
    if (!req_op_done(r, &o, rc))
        return;
    reply_json(r, 200, page);
}
