/*
 * The onboarding lifecycle over the API (SPEC section 10): the
 * questionnaire, setup, training, delivery requests and warnings. Each
 * handler reads its declared fields and path parameters, calls the one
 * operation of the application floor that does the step (app/
 * questionnaire.h, setup.h, training.h, requests.h, warnings.h), and
 * answers with its result. The dispatcher has already checked the route's
 * scope; the operation checks the actor again and runs its own
 * transaction. A refused step answers with the operation's error
 * (http/reply_op.c: 409 for an illegal transition says what is missing).
 *
 * Steps that change the partner answer with the partner as it is after
 * them: the operation's own view of it (app/partners.h partners_view), read
 * once the step has committed.
 */
#include "app/op.h"
#include "app/partners.h"
#include "app/questionnaire.h"
#include "app/requests.h"
#include "app/setup.h"
#include "app/training.h"
#include "app/warnings.h"
#include "http/api.h"

/* The view of partner {id} as it is now, after a step; NULL after answering a failure. */
static json_t *partner_now(struct req *r)
{
    struct op o;
    json_t *view = NULL;
    req_op_init(r, &o);
    return req_op_done(r, &o, partners_view(&o, req_param_id(r, 0), &view)) ? view : NULL;
}

/* After a step on partner {id} (rc its result): answers its refusal, or the partner now. */
static void reply_partner_after(struct req *r, struct op *o, int rc)
{
    json_t *view;
    if (req_op_done(r, o, rc) && (view = partner_now(r)))
        reply_json(r, 200, view);
}

/* Answers a view an operation returned (status on success), or its refusal. */
static void reply_view(struct req *r, struct op *o, int rc, int status, json_t *view)
{
    if (req_op_done(r, o, rc))
        reply_json(r, status, view);
    else
        json_decref(view);
}

/* ---- the questionnaire ---- */

void api_questionnaire_send(struct req *r)
{
    struct op o;
    req_op_init(r, &o);
    reply_partner_after(r, &o, questionnaire_send(&o, req_param_id(r, 0)));
}

void api_questionnaire_get(struct req *r)
{
    struct op o;
    json_t *view;
    req_op_init(r, &o);
    int rc = questionnaire_view(&o, req_param_id(r, 0), &view);
    reply_view(r, &o, rc, 200, view);
}

void api_questionnaire_patch(struct req *r)
{
    if (!jbody(r))
        return;
    struct op o;
    json_t *view;
    req_op_init(r, &o);
    int rc = questionnaire_save(&o, req_param_id(r, 0), json_object_get(r->json, "answers"), &view);
    reply_view(r, &o, rc, 200, view);
}

/* The partner after the submit, with the submit's warnings (launch_date_too_soon) in "warnings". */
void api_questionnaire_submit(struct req *r)
{
    struct op o;
    json_t *warnings = NULL, *view;
    req_op_init(r, &o);
    if (req_op_done(r, &o, questionnaire_submit(&o, req_param_id(r, 0), &warnings)) &&
        (view = partner_now(r))) {
        json_object_set_new(view, "warnings", warnings ? warnings : json_array());
        warnings = NULL;
        reply_json(r, 200, view);
    }
    json_decref(warnings);
}

/* ---- setup ---- */

void api_setup_item(struct req *r)
{
    bool done = true;
    const char *value = NULL;
    if (!jfield_bool(r, "done", true, &done) || !jfield_str(r, "value", false, &value))
        return;
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    int rc = setup_item_set(&o, req_param_id(r, 0), r->params[1], done, value, &out);
    reply_view(r, &o, rc, 200, out);
}

void api_training_plan(struct req *r)
{
    if (!jbody(r))
        return;
    struct op o;
    req_op_init(r, &o);
    int rc = setup_plan_training(&o, req_param_id(r, 0), json_object_get(r->json, "modules"));
    reply_partner_after(r, &o, rc);
}

void api_setup_confirm(struct req *r)
{
    struct op o;
    req_op_init(r, &o);
    reply_partner_after(r, &o, setup_confirm(&o, req_param_id(r, 0)));
}

void api_partner_owners(struct req *r)
{
    if (!jbody(r))
        return;
    struct op o;
    req_op_init(r, &o);
    reply_partner_after(r, &o, setup_owners_set(&o, req_param_id(r, 0), r->json));
}

void api_approved_formats(struct req *r)
{
    if (!jbody(r))
        return;
    struct op o;
    req_op_init(r, &o);
    int rc =
        setup_formats_set(&o, req_param_id(r, 0), json_object_get(r->json, "approved_formats"));
    reply_partner_after(r, &o, rc);
}

/* ---- requests ---- */

void api_requests_create(struct req *r)
{
    const char *kind, *title, *note = NULL;
    if (!jfield_str(r, "kind", true, &kind) || !jfield_str(r, "title", true, &title) ||
        !jfield_str(r, "note", false, &note))
        return;
    struct op o;
    int64_t id;
    json_t *view;
    req_op_init(r, &o);
    int rc = request_issue(&o, req_param_id(r, 0), kind, title, note, &id, &view);
    reply_view(r, &o, rc, 201, view);
}

void api_requests_list(struct req *r)
{
    struct op o;
    json_t *list;
    req_op_init(r, &o);
    int rc = request_list(&o, req_param_id(r, 0), &list);
    reply_view(r, &o, rc, 200, list);
}

void api_request_get(struct req *r)
{
    struct op o;
    json_t *view;
    req_op_init(r, &o);
    int rc = request_view(&o, req_param_id(r, 0), &view);
    reply_view(r, &o, rc, 200, view);
}

void api_request_message(struct req *r)
{
    const char *body;
    if (!jfield_str(r, "body", true, &body))
        return;
    struct op o;
    json_t *view;
    req_op_init(r, &o);
    int rc = request_message(&o, req_param_id(r, 0), body, &view);
    reply_view(r, &o, rc, 200, view);
}

void api_request_rerequest(struct req *r)
{
    const char *reason;
    if (!jfield_str(r, "reason", true, &reason))
        return;
    struct op o;
    json_t *view;
    req_op_init(r, &o);
    int rc = request_rerequest(&o, req_param_id(r, 0), reason, &view);
    reply_view(r, &o, rc, 200, view);
}

void api_request_pause(struct req *r)
{
    const char *reason;
    if (!jfield_str(r, "reason", true, &reason))
        return;
    struct op o;
    json_t *view;
    req_op_init(r, &o);
    int rc = request_pause(&o, req_param_id(r, 0), reason, &view);
    reply_view(r, &o, rc, 200, view);
}

void api_request_resume(struct req *r)
{
    struct op o;
    json_t *view;
    req_op_init(r, &o);
    int rc = request_resume(&o, req_param_id(r, 0), &view);
    reply_view(r, &o, rc, 200, view);
}

/* ---- warnings and training ---- */

void api_partner_warnings(struct req *r)
{
    struct op o;
    json_t *list;
    req_op_init(r, &o);
    int rc = warnings_list(&o, req_param_id(r, 0), &list);
    reply_view(r, &o, rc, 200, list);
}

void api_training_decision(struct req *r)
{
    const char *action, *note = NULL;
    if (!jfield_str(r, "action", true, &action) || !jfield_str(r, "note", false, &note))
        return;
    struct op o;
    json_t *proposal, *partner;
    req_op_init(r, &o);
    int rc = training_decide(&o, req_param_id(r, 0), action, note, &proposal);
    if (!req_op_done(r, &o, rc) || !(partner = partner_now(r))) {
        json_decref(proposal);
        return;
    }
    json_t *out = json_pack("{s:s, s:o}", "action", action, "partner", partner);
    if (proposal)
        json_object_set_new(out, "posthouses", proposal);
    reply_json(r, 200, out);
}

void api_training_resume(struct req *r)
{
    struct op o;
    req_op_init(r, &o);
    reply_partner_after(r, &o, training_resume(&o, req_param_id(r, 0)));
}

void api_training_complete(struct req *r)
{
    int64_t pom = 0;
    if (!jfield_int(r, "pom", true, &pom))
        return;
    struct op o;
    req_op_init(r, &o);
    int rc = training_complete(&o, req_param_id(r, 0), json_object_get(r->json, "approved_formats"),
                               pom);
    reply_partner_after(r, &o, rc);
}

void api_alternate_solution(struct req *r)
{
    const char *reason;
    if (!jfield_str(r, "reason", true, &reason))
        return;
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    int rc = training_alternate_solution(&o, req_param_id(r, 0), reason, &out);
    reply_view(r, &o, rc, 201, out);
}
