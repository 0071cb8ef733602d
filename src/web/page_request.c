/*
 * /requests/{id}: one delivery request, for the partner and for staff. What
 * is asked and by whom, who owes the next move and by when (each clock's due
 * instant in the partner's zone, named, with a live countdown), the
 * deliveries made against it, and the message thread. The forms post here
 * with do = message (partner and staff), or rerequest, pause, resume (staff
 * who issue requests); each runs the operation of app/requests.h and comes
 * back with the outcome. A partner gets a plain "Deliver now" link to the
 * upload page for this request.
 *
 * Everything comes from request_view (app/requests.h: the request, its
 * clocks, messages and deliveries) and GET /api/v1/partners/{id} (name,
 * zone): two reads whatever the history, no query per message or delivery.
 */
#include <stdio.h>
#include <string.h>

#include "app/op.h"
#include "app/requests.h"
#include "base/timefmt.h"
#include "core/deadline.h"
#include "core/policy.h"
#include "web/pages.h"
#include "web/web.h"

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static bool is(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

static const char *clock_state_label(const char *state)
{
    return is(state, "running")     ? "Running"
           : is(state, "paused")    ? "Paused"
           : is(state, "met")       ? "Met"
           : is(state, "breached")  ? "Missed"
           : is(state, "cancelled") ? "Replaced"
                                    : state;
}

/* The instant t in zone (a tz name; NULL: UTC) for people; "" for null. */
static const char *when(struct req *r, const json_t *t, const char *zone)
{
    return json_string_value(t) ? web_time_text(r, json_string_value(t), zone) : "";
}

/* The request's status for people, and its badge class. */
static void status_of(const char *status, bool paused, bool late, const char **label,
                      const char **badge)
{
    if (is(status, "open") && paused) {
        *label = "Open, clocks paused";
        *badge = "paused";
    } else if (is(status, "open")) {
        *label = late ? "Open, delivery late" : "Open: waiting for the delivery";
        *badge = late ? "bad" : "pending";
    } else if (is(status, "delivered")) {
        *label = "Delivered: being checked";
        *badge = "validating";
    } else if (is(status, "passed")) {
        *label = "Passed";
        *badge = "passed";
    } else if (is(status, "failed")) {
        *label = "Failed: a corrected delivery is needed";
        *badge = "failed";
    } else {
        *label = status ? status : "";
        *badge = "";
    }
}

static json_t *view(struct req *r, const json_t *q, const json_t *partner)
{
    const char *zone = str(partner, "time_zone");
    bool org = role_is_org(r->who.role);
    json_int_t id = json_integer_value(json_object_get(q, "id"));
    const char *status = str(q, "status");

    /* clocks: open ones first (soonest due first, as the API keeps them oldest first) */
    json_t *clocks = json_array(), *next = NULL;
    bool any_running = false, any_paused = false, any_breached = false;
    int64_t next_due = 0;
    size_t i;
    json_t *c;
    for (int pass = 0; pass < 2; pass++) {
        json_array_foreach(json_object_get(q, "clocks"), i, c) {
            const char *state = str(c, "state");
            bool open = is(state, "running") || is(state, "paused");
            if (open != (pass == 0))
                continue;
            any_running |= is(state, "running");
            any_paused |= is(state, "paused");
            any_breached |= is(state, "breached");
            const char *due = str(c, "due_at");
            json_t *vm = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "ckind",
                                   str(c, "kind") ? str(c, "kind") : "", "clabel",
                                   web_clock_label(str(c, "kind"), false), "cstate",
                                   state ? state : "", "cstate_label", clock_state_label(state),
                                   "started", when(r, json_object_get(c, "started_at"), zone),
                                   "zone", zone ? zone : "UTC", "running", is(state, "running"),
                                   "paused", is(state, "paused"), "closed", !open);
            if (due) {
                json_object_set_new(vm, "due_iso", json_string(due));
                /* as people say it: "by the end of Wed 2 Dec"; the exact instant beside it in
                   UTC when it reads otherwise (not in a zone at UTC+0) */
                json_object_set_new(
                    vm, "due_local",
                    json_string(arena_printf(&r->arena, "by %s", web_deadline_text(r, due, zone))));
                const char *local = web_time_text(r, due, zone), *utc = web_time_text(r, due, NULL);
                if (strcmp(local, utc) != 0)
                    json_object_set_new(vm, "due_utc", json_string(utc));
            }
            if (str(c, "pause_reason")) {
                json_object_set_new(vm, "pause_reason", json_string(str(c, "pause_reason")));
                json_object_set_new(vm, "paused_since",
                                    json_string(when(r, json_object_get(c, "paused_since"), zone)));
            }
            int64_t t;
            if (is(state, "running") && due && time_parse_rfc3339(due, &t) == 0 &&
                (!next || t < next_due)) {
                next = vm;
                next_due = t;
            }
            json_array_append_new(clocks, vm);
        }
    }
    const char *label, *badge;
    status_of(status, any_paused, json_is_true(json_object_get(q, "late")) || any_breached, &label,
              &badge);

    json_t *vm = json_pack(
        "{s:s, s:s, s:I, s:O, s:s, s:s, s:O, s:s, s:s, s:s, s:s, s:o, s:b, s:b, s:b}", "title",
        arena_printf(&r->arena, "Request: %s", str(q, "title")), "csrf", r->csrf ? r->csrf : "",
        "rid", id, "partner_id", json_object_get(partner, "id"), "partner_name",
        str(partner, "name"), "zone", zone ? zone : "UTC", "rtitle", json_object_get(q, "title"),
        "kind_label", web_kind_label(str(q, "kind")), "status_label", label, "status_badge", badge,
        "issued_at", when(r, json_object_get(q, "issued_at"), zone), "clocks", clocks, "org", org,
        "any_running", any_running, "any_paused", any_paused);
    if (next) {
        json_object_set(vm, "next", next);
        json_object_set_new(
            vm, "next_delivery",
            json_boolean(is(str(next, "ckind"), deadline_name(DEADLINE_DELIVERY_48H))));
    }
    if (str(q, "note") && *str(q, "note"))
        json_object_set_new(vm, "note", json_string(str(q, "note")));
    if (is(str(q, "phase"), "training"))
        json_object_set_new(vm, "training", json_true());
    json_int_t rerequests = json_integer_value(json_object_get(q, "rerequests"));
    if (rerequests)
        json_object_set_new(vm, "rerequested",
                            json_pack("{s:I, s:s}", "n", rerequests, "last",
                                      when(r, json_object_get(q, "last_issued_at"), zone)));
    const json_t *by = json_object_get(q, "issued_by");
    if (json_is_object(by))
        json_object_set_new(vm, "issued_by",
                            json_pack("{s:s, s:s}", "bname",
                                      is(str(by, "name"), str(by, "email")) ? "" : str(by, "name"),
                                      "bemail", str(by, "email")));

    /* deliveries against the request, newest first */
    json_t *deliveries = json_array();
    json_array_foreach(json_object_get(q, "deliveries"), i, c) {
        json_int_t did = json_integer_value(json_object_get(c, "id"));
        json_array_append_new(
            deliveries,
            json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:I, s:I}", "did", did, "dhref",
                      arena_printf(&r->arena, "/deliveries/%lld", (long long)did), "dkind",
                      web_kind_label(str(c, "kind")), "dstatus", str(c, "status"), "received",
                      when(r, json_object_get(c, "received_at"), zone), "late",
                      json_is_true(json_object_get(c, "late")), "errors",
                      json_integer_value(json_object_get(c, "errors")), "warnings",
                      json_integer_value(json_object_get(c, "warnings"))));
        /* "1 error", "5 errors": counted words, as on the dashboard, not "error(s)" */
        json_t *row = json_array_get(deliveries, json_array_size(deliveries) - 1);
        long long ne = (long long)json_integer_value(json_object_get(c, "errors")),
                  nw = (long long)json_integer_value(json_object_get(c, "warnings"));
        if (ne)
            json_object_set_new(
                row, "errors_text",
                json_string(arena_printf(&r->arena, "%lld error%s", ne, ne == 1 ? "" : "s")));
        if (nw)
            json_object_set_new(
                row, "warnings_text",
                json_string(arena_printf(&r->arena, "%lld warning%s", nw, nw == 1 ? "" : "s")));
    }
    json_object_set_new(vm, "has_deliveries", json_boolean(json_array_size(deliveries)));
    json_object_set_new(vm, "deliveries", deliveries);

    /* the thread, oldest first */
    json_t *msgs = json_array();
    json_array_foreach(json_object_get(q, "messages"), i, c) {
        const char *author = str(c, "author");
        bool from_partner = json_is_true(json_object_get(c, "from_partner"));
        json_array_append_new(
            msgs,
            json_pack("{s:s, s:s, s:b, s:b, s:s, s:s}", "author", author ? author : "", "side",
                      from_partner ? str(partner, "name") : "the service", "from_partner",
                      from_partner, "mine", r->signed_in && is(author, r->user.email), "at",
                      when(r, json_object_get(c, "at"), zone), "body", str(c, "body")));
    }
    json_object_set_new(vm, "has_messages", json_boolean(json_array_size(msgs)));
    json_object_set_new(vm, "messages", msgs);

    bool may_message = policy_role_may(&r->who, ACT_REQUEST_MESSAGE) == POLICY_ALLOW;
    bool may_issue = policy_role_may(&r->who, ACT_REQUEST_ISSUE) == POLICY_ALLOW;
    json_object_set_new(vm, "can_message", json_boolean(may_message));
    json_object_set_new(vm, "can_issue", json_boolean(may_issue));
    bool done = is(status, "passed") || is(status, "closed");
    json_object_set_new(vm, "can_deliver", json_boolean(org && !done));
    json_object_set_new(vm, "deliver_again", json_boolean(is(status, "delivered")));
    json_object_set_new(
        vm, "deliver_href",
        json_string(arena_printf(&r->arena, "/upload?request=%lld", (long long)id)));

    /* who owes the next move */
    const char *partner_name = str(partner, "name");
    const char *owed;
    if (any_paused && !any_running)
        owed = org ? "Nothing for now: the clocks of this request are paused by the service."
                   : "Paused: the partner's clocks do not run until you resume them.";
    else if (next && is(str(next, "ckind"), deadline_name(DEADLINE_DELIVERY_48H)))
        owed = org ? "You: deliver the files by the due time below."
                   : arena_printf(&r->arena, "%s: the delivery is due by the time below.",
                                  partner_name);
    else if (next)
        owed = org ? "You: respond by the due time below, with a message here or a new delivery."
                   : arena_printf(&r->arena,
                                  "%s: a response (a message or a new delivery) is due by the "
                                  "time below.",
                                  partner_name);
    else if (is(status, "delivered"))
        owed = "The service: the delivery is being checked; the result will show below.";
    else if (is(status, "failed"))
        owed =
            org ? "You: the last delivery failed; open its result, fix what it says and "
                  "deliver again."
                : arena_printf(&r->arena, "%s: the last delivery failed and needs a corrected one.",
                               partner_name);
    else if (done)
        owed = "Nobody: this request is done.";
    else
        owed = org ? "You: deliver the files." : "The partner: the delivery.";
    json_object_set_new(vm, "owed", json_string(owed));
    return vm;
}

void page_request(struct req *r)
{
    struct op o;
    json_t *q;
    req_op_init(r, &o);
    if (request_view(&o, req_param_id(r, 0), &q) < 0) {
        if (o.err.kind == OP_NOT_FOUND)
            page_error(r, 404, "There is no such page, or it belongs to another organisation.");
        else
            page_error(r, op_status(o.err.kind), "%s", buf_str(&o.err.message));
        op_free(&o);
        return;
    }
    op_free(&o);
    json_t *partner = web_partner_view(r, json_integer_value(json_object_get(q, "partner")));
    if (partner) {
        page_render(r, 200, "request", view(r, q, partner));
        json_decref(partner);
    }
    json_decref(q);
}

/* A form field with the spaces around it trimmed, from the request's arena ("" when absent). */
static const char *trimmed(struct req *r, const char *name)
{
    const char *v = page_field(r, name);
    if (!v)
        return "";
    while (*v && strchr(" \t\r\n", *v))
        v++;
    size_t n = strlen(v);
    while (n && strchr(" \t\r\n", v[n - 1]))
        n--;
    return arena_printf(&r->arena, "%.*s", (int)n, v);
}

/* Answers a form's step (rc its result): back to the page, with the outcome as the flash. */
static void step_done(struct req *r, struct op *o, int rc, const char *back, const char *ok_text)
{
    if (rc == 0)
        page_redirect(r, back, "ok", ok_text);
    else
        page_redirect(r, back, "error",
                      o->err.message.len ? buf_str(&o->err.message)
                                         : "That did not work; try again.");
    op_free(o);
}

void page_request_post(struct req *r)
{
    /* The dispatcher answered 404 for another organisation's (or a missing) request. */
    const char *action = page_field(r, "do");
    int64_t id = req_param_id(r, 0);
    const char *back = arena_printf(&r->arena, "/requests/%s", r->params[0]);
    struct op o;
    req_op_init(r, &o);
    if (is(action, "message")) {
        const char *body = trimmed(r, "body");
        if (!*body) {
            op_free(&o);
            page_redirect(r, arena_printf(&r->arena, "%s#write", back), "error",
                          "Write a message before sending it.");
            return;
        }
        step_done(r, &o, request_message(&o, id, body, NULL),
                  arena_printf(&r->arena, "%s#messages", back), "Your message is sent.");
    } else if (is(action, "rerequest")) {
        step_done(r, &o, request_rerequest(&o, id, trimmed(r, "reason"), NULL), back,
                  "Re-requested: the partner has 48 hours from now to deliver.");
    } else if (is(action, "pause")) {
        step_done(r, &o, request_pause(&o, id, trimmed(r, "reason"), NULL), back,
                  "The clocks of this request are paused.");
    } else if (is(action, "resume")) {
        step_done(r, &o, request_resume(&o, id, NULL), back,
                  "The clocks of this request run again, with the paused time added.");
    } else {
        op_free(&o);
        page_error(r, 400, "This form does not know the action \"%s\".", action ? action : "");
    }
}
