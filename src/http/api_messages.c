/*
 * The outbox over the API. GET /api/v1/messages lists messages newest first,
 * each with the record of its delivery attempts: staff see every message
 * (?to= narrows to one address, ?state= to queued, sent or failed, ?partner=
 * to the messages about one partner; ?limit= and ?before= page), any other
 * user only the messages sent to their own email, whatever ?to= says
 * (app/messages.c). A test hook, served only under --test-clock, lets an
 * admin queue a message from any template, so mail can be shown through the
 * API apart from the lifecycle that normally queues it.
 */
#include "app/messages.h"
#include "app/op.h"
#include "http/api.h"

void api_messages_list(struct req *r)
{
    struct messages_query q = {req_query(r, "to"), req_query(r, "state"), req_query(r, "partner"),
                               req_query(r, "before"), req_query(r, "limit")};
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = messages_list(&o, &q, &out);
    if (req_op_done(r, &o, rc))
        reply_json(r, 200, out);
}

/*
 * The test hook: the answer is the stored message, or 422 with the
 * renderer's complaint (403 without the test clock).
 */
void api_test_messages_create(struct req *r)
{
    const char *to, *template_name;
    int64_t partner_id = 0;
    if (!jfield_str(r, "to", true, &to) || !jfield_str(r, "template", true, &template_name) ||
        !jfield_int(r, "partner", false, &partner_id))
        return;
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = messages_queue_test(&o, to, template_name, partner_id,
                                 json_object_get(r->json, "vars"), &out);
    if (req_op_done(r, &o, rc))
        reply_json(r, 201, out);
}
