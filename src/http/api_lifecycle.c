/*
 * The onboarding lifecycle over the API (SPEC section 10): each handler
 * reads its declared fields, loads the partner or request (checking the
 * route's policy on its organisation), runs one jobs/onboarding.c step in a
 * transaction, and answers. A refused step answers with the step's status,
 * code and message (409 for an illegal transition says what is missing).
 */
#include <string.h>

#include "base/now.h"
#include "base/timefmt.h"
#include "core/lifecycle.h"
#include "http/http.h"
#include "jobs/mail.h"
#include "app/onboarding.h"
#include "app/questionnaire_def.h"
#include "jobs/sweep.h"
#include "store/delivery_store.h"

void api_questionnaire_send(struct req *r);
void api_setup_item(struct req *r);
void api_training_plan(struct req *r);
void api_setup_confirm(struct req *r);
void api_partner_owners(struct req *r);
void api_requests_create(struct req *r);
void api_requests_list(struct req *r);
void api_request_get(struct req *r);
void api_request_message(struct req *r);
void api_request_rerequest(struct req *r);
void api_request_pause(struct req *r);
void api_request_resume(struct req *r);
void api_partner_warnings(struct req *r);
void api_training_decision(struct req *r);
void api_training_resume(struct req *r);
void api_training_complete(struct req *r);
void api_alternate_solution(struct req *r);
void api_invitation_accept(struct req *r);
void api_questionnaire_get(struct req *r);
void api_questionnaire_patch(struct req *r);
void api_questionnaire_submit(struct req *r);
void api_approved_formats(struct req *r);

/* The request {id} and its partner (the dispatcher loaded them and checked the policy). */
static bool request_for(struct req *r, struct request_row *q, struct partner *p)
{
    if (!req_partner(r, p))
        return false;
    *q = r->scoped->request;
    return true;
}

/* Answers with the partner as it is now (after a step). */
static void reply_partner(struct req *r, int64_t id, int status)
{
    struct partner p;
    int rc = store_partner_get(req_db(r), &r->arena, id, &p);
    if (rc < 0) {
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, status, json_partner_full(r, &p));
}

void api_questionnaire_send(struct req *r)
{
    struct partner p;
    struct op o;
    if (!req_partner(r, &p) || !req_op_begin(r, &o))
        return;
    if (req_op_end(r, &o, onb_send_questionnaire(&o, &p)))
        reply_partner(r, p.id, 200);
}

void api_setup_item(struct req *r)
{
    struct partner p;
    bool done = true;
    const char *value = NULL;
    if (!req_partner(r, &p) || !jfield_bool(r, "done", true, &done) ||
        !jfield_str(r, "value", false, &value))
        return;
    enum setup_item item = setup_item_parse(r->params[1]);
    if (item == ITEM_N) {
        reply_error(r, 404, "not_found",
                    "no setup item '%s': use alias, transfer_account or portal_account",
                    r->params[1]);
        return;
    }
    struct op o;
    json_t *secret = NULL;
    if (!req_op_begin(r, &o))
        return;
    if (!req_op_end(r, &o, onb_setup_item(&o, &p, item, done, value, &secret))) {
        json_decref(secret);
        return;
    }
    json_t *out = json_setup(r, p.id);
    if (secret)
        json_object_set_new(out, "credentials", secret);
    reply_json(r, 200, out);
}

void api_training_plan(struct req *r)
{
    struct partner p;
    struct op o;
    if (!req_partner(r, &p) || !jbody(r))
        return;
    json_t *modules = json_object_get(r->json, "modules");
    if (!modules) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "modules"),
                          "'modules' is required: a list of technical_asset_review, "
                          "avails_review, phased_review");
        return;
    }
    if (!req_op_begin(r, &o))
        return;
    if (req_op_end(r, &o, onb_plan(&o, &p, modules)))
        reply_partner(r, p.id, 200);
}

void api_setup_confirm(struct req *r)
{
    struct partner p;
    struct op o;
    if (!req_partner(r, &p) || !req_op_begin(r, &o))
        return;
    if (req_op_end(r, &o, onb_confirm(&o, &p)))
        reply_partner(r, p.id, 200);
}

void api_partner_owners(struct req *r)
{
    struct partner p;
    struct op o;
    if (!req_partner(r, &p) || !jbody(r) || !req_op_begin(r, &o))
        return;
    if (req_op_end(r, &o, onb_set_owners(&o, &p, r->json)))
        reply_partner(r, p.id, 200);
}

/* ---- requests ---- */

static json_t *json_message(const struct message_row *m)
{
    return json_pack("{s:I, s:s, s:b, s:s, s:o}", "id", (json_int_t)m->id, "author",
                     m->author_email ? m->author_email : "system", "from_partner", m->from_partner,
                     "body", m->body, "at", json_time(m->at));
}

static int add_message(const struct message_row *m, void *ctx)
{
    json_array_append_new(ctx, json_message(m));
    return 0;
}

static int add_request_clock(const struct clock_row *c, void *ctx)
{
    json_array_append_new(ctx, json_pack("{s:I, s:s, s:o, s:o, s:s}", "id", (json_int_t)c->id,
                                         "kind", c->kind, "started_at", json_time(c->started_at),
                                         "due_at", json_time(c->due_at), "state", c->state));
    return 0;
}

/* request page: who issued a request, the pause in force on its clocks, its deliveries */
/* {id, email, name} of a user, or null. */
static json_t *json_user_brief(struct req *r, int64_t id)
{
    struct user u;
    if (!id || store_user_by_id(req_db(r), &r->arena, id, &u) < 0)
        return json_null();
    return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "email", u.email, "name",
                     u.name && *u.name ? u.name : u.email);
}

/* Adds paused_since and pause_reason to each paused clock of list (the pause in force). */
static void add_pause_reasons(struct req *r, json_t *list)
{
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c) {
        if (strcmp(json_string_value(json_object_get(c, "state")), "paused"))
            continue;
        struct clock_pause_row *pauses;
        size_t n = 0;
        if (store_clock_pauses(req_db(r), &r->arena, json_integer_value(json_object_get(c, "id")),
                               &pauses, &n) < 0 ||
            n == 0 || pauses[n - 1].to_at)
            continue;
        json_object_set_new(c, "paused_since", json_time(pauses[n - 1].from_at));
        json_object_set_new(c, "pause_reason", json_string(pauses[n - 1].reason));
    }
}

static int add_request_delivery(const struct delivery_row *d, void *ctx)
{
    json_array_append_new(
        ctx, json_pack("{s:I, s:s, s:s, s:o, s:b, s:o, s:I, s:I}", "id", (json_int_t)d->id, "kind",
                       d->kind, "status", d->status, "received_at", json_time(d->received_at),
                       "late", d->late, "validated_at", json_time(d->validated_at), "errors",
                       (json_int_t)d->n_errors, "warnings", (json_int_t)d->n_warnings));
    return 0;
}

/* Calls add_request_clock into the list of its subject in the object arg. */
static int add_by_subject(const struct clock_row *c, void *arg)
{
    json_t *by_subject = arg, *list = json_object_get(by_subject, c->subject);
    if (!list) {
        list = json_array();
        json_object_set_new(by_subject, c->subject, list);
    }
    add_request_clock(c, list);
    return 0;
}

/*
 * A partner's clocks, open or closed, oldest first, grouped by subject
 * ({"request:12": [...], ...}): one read for every request of a list.
 * A new reference.
 */
static json_t *clocks_by_subject(struct req *r, int64_t partner_id)
{
    json_t *by_subject = json_object();
    store_clock_each_of_partner(req_db(r), &r->arena, partner_id, add_by_subject, by_subject);
    return by_subject;
}

/*
 * A request as JSON; its clocks from by_subject (clocks_by_subject of its
 * partner), or read here when by_subject is NULL.
 */
static json_t *json_request(struct req *r, const struct request_row *q, bool full,
                            json_t *by_subject)
{
    json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:I, s:b}", "id",
                          (json_int_t)q->id, "partner", (json_int_t)q->partner_id, "kind", q->kind,
                          "title", q->title, "note", q->note ? json_string(q->note) : json_null(),
                          "phase", q->phase, "status", q->status, "issued_at",
                          json_time(q->issued_at), "last_issued_at", json_time(q->last_issued_at),
                          "rerequests", (json_int_t)q->n_rerequests, "late", q->late);
    json_t *own = by_subject ? NULL : clocks_by_subject(r, q->partner_id);
    json_t *clocks = json_object_get(by_subject ? by_subject : own,
                                     arena_printf(&r->arena, "request:%lld", (long long)q->id));
    json_t *list = clocks ? json_incref(clocks) : json_array();
    json_decref(own);
    /* due_at: the open delivery clock's due instant (the 48-hour promise) */
    json_t *due = json_null();
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c) {
        if (!strcmp(json_string_value(json_object_get(c, "kind")), "delivery_48h"))
            due = json_object_get(c, "due_at");
    }
    json_object_set(o, "due_at", due);
    json_object_set_new(o, "clocks", list);
    if (full) {
        json_t *msgs = json_array();
        store_message_each(req_db(r), &r->arena, q->id, add_message, msgs);
        json_object_set_new(o, "messages", msgs);
        /* request page: the issuer, why a clock is paused, the deliveries against it */
        json_object_set_new(o, "issued_by", json_user_brief(r, q->issued_by));
        add_pause_reasons(r, list);
        json_t *deliveries = json_array();
        store_delivery_each(req_db(r), &r->arena, q->partner_id, q->id, add_request_delivery,
                            deliveries);
        json_object_set_new(o, "deliveries", deliveries);
    }
    return o;
}

void api_requests_create(struct req *r)
{
    struct partner p;
    const char *kind, *title, *note = NULL;
    if (!req_partner(r, &p) || !jfield_str(r, "kind", true, &kind) ||
        !jfield_str(r, "title", true, &title) || !jfield_str(r, "note", false, &note))
        return;
    struct op o;
    int64_t id;
    if (!req_op_begin(r, &o))
        return;
    if (!req_op_end(r, &o, onb_request(&o, &p, kind, title, note, &id)))
        return;
    struct request_row q;
    if (store_request_get(req_db(r), &r->arena, id, &q) < 0) {
        reply_store_error(r, STORE_ERR);
        return;
    }
    reply_json(r, 201, json_request(r, &q, true, NULL));
}

struct req_list {
    struct req *r;
    json_t *list;
    json_t *clocks; /* clocks_by_subject of the partner */
};

static int add_request(const struct request_row *q, void *arg)
{
    struct req_list *x = arg;
    json_array_append_new(x->list, json_request(x->r, q, false, x->clocks));
    return 0;
}

void api_requests_list(struct req *r)
{
    struct partner p;
    if (!req_partner(r, &p))
        return;
    struct req_list x = {r, json_array(), clocks_by_subject(r, p.id)};
    int rc = store_request_each_of_partner(req_db(r), &r->arena, p.id, add_request, &x);
    json_decref(x.clocks);
    if (rc < 0) {
        json_decref(x.list);
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "requests", x.list));
}

void api_request_get(struct req *r)
{
    struct request_row q;
    struct partner p;
    if (request_for(r, &q, &p))
        reply_json(r, 200, json_request(r, &q, true, NULL));
}

/* Runs a request step and answers with the request as it is after it. */
static void request_step(struct req *r, struct request_row *q, int rc, struct op *o)
{
    if (!req_op_end(r, o, rc))
        return;
    struct request_row now;
    if (store_request_get(req_db(r), &r->arena, q->id, &now) < 0) {
        reply_store_error(r, STORE_ERR);
        return;
    }
    reply_json(r, 200, json_request(r, &now, true, NULL));
}

void api_request_message(struct req *r)
{
    struct request_row q;
    struct partner p;
    const char *body;
    if (!request_for(r, &q, &p) || !jfield_str(r, "body", true, &body))
        return;
    struct op o;
    if (req_op_begin(r, &o))
        request_step(r, &q, onb_message(&o, &q, body, role_is_org(r->who.role)), &o);
}

void api_request_rerequest(struct req *r)
{
    struct request_row q;
    struct partner p;
    const char *reason;
    if (!request_for(r, &q, &p) || !jfield_str(r, "reason", true, &reason))
        return;
    if (!*reason) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "reason"),
                          "say what must be delivered again and why");
        return;
    }
    struct op o;
    if (req_op_begin(r, &o))
        request_step(r, &q, onb_rerequest(&o, &q, reason), &o);
}

void api_request_pause(struct req *r)
{
    struct request_row q;
    struct partner p;
    const char *reason;
    if (!request_for(r, &q, &p) || !jfield_str(r, "reason", true, &reason))
        return;
    if (!*reason) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "reason"),
                          "say why the clocks are paused (for example: waiting on us)");
        return;
    }
    struct op o;
    if (req_op_begin(r, &o))
        request_step(r, &q, onb_pause(&o, &q, reason, true), &o);
}

void api_request_resume(struct req *r)
{
    struct request_row q;
    struct partner p;
    if (!request_for(r, &q, &p))
        return;
    struct op o;
    if (req_op_begin(r, &o))
        request_step(r, &q, onb_pause(&o, &q, NULL, false), &o);
}

/* ---- warnings and decisions ---- */

static int add_warning(const struct warning_row *w, void *ctx)
{
    json_array_append_new(ctx, json_pack("{s:I, s:I, s:o, s:s, s:o, s:I}", "id", (json_int_t)w->id,
                                         "number", (json_int_t)w->number, "issued_at",
                                         json_time(w->issued_at), "reason", w->reason, "request",
                                         w->request_id ? json_integer(w->request_id) : json_null(),
                                         "clock", (json_int_t)w->clock_id));
    return 0;
}

void api_partner_warnings(struct req *r)
{
    struct partner p;
    if (!req_partner(r, &p))
        return;
    json_t *list = json_array();
    int rc = store_warning_each(req_db(r), &r->arena, p.id, add_warning, list);
    if (rc < 0) {
        json_decref(list);
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "warnings", list));
}

void api_training_decision(struct req *r)
{
    struct partner p;
    const char *action, *note = NULL;
    if (!req_partner(r, &p) || !jfield_str(r, "action", true, &action) ||
        !jfield_str(r, "note", false, &note))
        return;
    struct op o;
    json_t *proposal = NULL;
    if (!req_op_begin(r, &o))
        return;
    if (!req_op_end(r, &o, onb_decide(&o, &p, action, note, &proposal))) {
        json_decref(proposal);
        return;
    }
    struct partner now;
    store_partner_get(req_db(r), &r->arena, p.id, &now);
    json_t *out = json_pack("{s:s, s:o}", "action", action, "partner", json_partner_full(r, &now));
    if (proposal)
        json_object_set_new(out, "posthouses", proposal);
    reply_json(r, 200, out);
}

void api_training_resume(struct req *r)
{
    struct partner p;
    struct op o;
    if (!req_partner(r, &p) || !req_op_begin(r, &o))
        return;
    if (req_op_end(r, &o, onb_resume(&o, &p)))
        reply_partner(r, p.id, 200);
}

void api_training_complete(struct req *r)
{
    struct partner p;
    int64_t pom = 0;
    if (!req_partner(r, &p) || !jfield_int(r, "pom", true, &pom))
        return;
    json_t *formats = json_object_get(r->json, "approved_formats");
    struct op o;
    if (!req_op_begin(r, &o))
        return;
    if (req_op_end(r, &o, onb_complete(&o, &p, formats, pom)))
        reply_partner(r, p.id, 200);
}

void api_alternate_solution(struct req *r)
{
    struct partner p;
    const char *reason;
    if (!req_partner(r, &p) || !jfield_str(r, "reason", true, &reason))
        return;
    struct op o;
    if (!req_op_begin(r, &o))
        return;
    if (req_op_end(r, &o, onb_alternate(&o, &p, reason)))
        reply_json(r, 201,
                   json_pack("{s:I, s:s, s:o}", "partner", (json_int_t)p.id, "reason", reason, "at",
                             json_time(now_get())));
}

void api_invitation_accept(struct req *r)
{
    const char *password;
    if (!jfield_str(r, "password", true, &password))
        return;
    struct op o;
    if (!req_op_begin(r, &o))
        return;
    if (req_op_end(r, &o, onb_accept_invitation(&o, r->params[0], password)))
        reply_json(r, 200, json_pack("{s:s}", "status", "password set: sign in with your email"));
}

/* ---- the questionnaire ---- */

void api_questionnaire_get(struct req *r)
{
    struct partner p;
    if (!req_partner(r, &p))
        return;
    struct answers_row row;
    int rc = store_answers_get(req_db(r), &r->arena, p.id, &row);
    if (rc == STORE_ERR_NOT_FOUND) {
        reply_error(r, 404, "not_sent",
                    "the questionnaire has not been sent to this partner yet (stage %s)", p.stage);
        return;
    }
    if (rc < 0) {
        reply_store_error(r, rc);
        return;
    }
    const struct questionnaire *q = questionnaire_of_version(req_db(r), row.version);
    if (!q) {
        reply_error(r, 500, "no_questionnaire", "questionnaire version %s is not available",
                    row.version);
        return;
    }
    json_t *answers = json_loads(row.answers, 0, NULL);
    json_t *visible = json_array();
    size_t n = questionnaire_count(q);
    bool *shown = arena_alloc(&r->arena, (n ? n : 1) * sizeof *shown);
    questionnaire_visible_all(q, answers, shown);
    for (size_t i = 0; i < n; i++)
        if (shown[i])
            json_array_append_new(visible, json_string(questionnaire_at(q, i)->key));
    reply_json(r, 200,
               json_pack("{s:s, s:s, s:O, s:o, s:o, s:o, s:o, s:o}", "version", row.version,
                         "status", row.status, "definition", questionnaire_document(q), "answers",
                         answers ? answers : json_object(), "visible", visible, "sent_at",
                         json_time(row.sent_at), "updated_at", json_time(row.updated_at),
                         "submitted_at", json_time(row.submitted_at)));
}

void api_questionnaire_patch(struct req *r)
{
    struct partner p;
    if (!req_partner(r, &p) || !jbody(r))
        return;
    json_t *answers = json_object_get(r->json, "answers");
    if (!json_is_object(answers)) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "answers"),
                          "send {\"answers\": {\"key\": value, ...}}");
        return;
    }
    struct op o;
    if (!req_op_begin(r, &o))
        return;
    if (req_op_end(r, &o, onb_answer(&o, &p, answers, false)))
        api_questionnaire_get(r);
}

void api_questionnaire_submit(struct req *r)
{
    struct partner p;
    struct op o;
    if (!req_partner(r, &p) || !req_op_begin(r, &o))
        return;
    if (req_op_end(r, &o, onb_answer(&o, &p, NULL, true)))
        reply_partner(r, p.id, 200);
}

void api_approved_formats(struct req *r)
{
    struct partner p;
    if (!req_partner(r, &p) || !jbody(r))
        return;
    struct op o;
    if (!req_op_begin(r, &o))
        return;
    if (req_op_end(r, &o, onb_set_formats(&o, &p, json_object_get(r->json, "approved_formats"))))
        reply_partner(r, p.id, 200);
}
