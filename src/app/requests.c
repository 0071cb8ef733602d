/*
 * Delivery requests: see requests.h.
 *
 * A request's clocks are the clocks whose subject is "request:ID"; its
 * view reads them once per call (the list reads the partner's clocks once
 * and groups them by subject), so a page of requests costs the same few
 * reads however long their history.
 */
#include "app/requests.h"

#include <stdio.h>
#include <string.h>

#include "app/clock_news.h"
#include "app/clocks.h"
#include "app/lifecycle_steps.h"
#include "app/scope.h"
#include "core/deadline.h"
#include "store/delivery_store.h"

/* The request request_id and its partner, when the actor may do action on it. */
static int allow_request(struct op *o, enum action action, int64_t request_id, struct scoped *sc)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)request_id);
    return op_allow(o, action, SCOPE_REQUEST, id, sc);
}

/* ---- the views ---- */

static int add_message(const struct message_row *m, void *ctx)
{
    json_array_append_new(ctx, json_pack("{s:I, s:s, s:b, s:s, s:o}", "id", (json_int_t)m->id,
                                         "author", m->author_email ? m->author_email : "system",
                                         "from_partner", m->from_partner, "body", m->body, "at",
                                         app_json_time(m->at)));
    return 0;
}

static void add_clock(json_t *list, const struct clock_row *c)
{
    json_array_append_new(list,
                          json_pack("{s:I, s:s, s:o, s:o, s:s}", "id", (json_int_t)c->id, "kind",
                                    c->kind, "started_at", app_json_time(c->started_at),
                                    "due_at", app_json_time(c->due_at), "state", c->state));
}

/* Adds a clock to the list of its subject in the object arg. */
static int add_by_subject(const struct clock_row *c, void *arg)
{
    json_t *by_subject = arg, *list = json_object_get(by_subject, c->subject);
    if (!list) {
        list = json_array();
        json_object_set_new(by_subject, c->subject, list);
    }
    add_clock(list, c);
    return 0;
}

/*
 * A partner's clocks, open or closed, oldest first, grouped by subject
 * ({"request:12": [...], ...}): one read for every request of a list.
 * A new reference.
 */
static json_t *clocks_by_subject(struct op *o, int64_t partner_id)
{
    json_t *by_subject = json_object();
    store_clock_each_of_partner(o->db, o->a, partner_id, add_by_subject, by_subject);
    return by_subject;
}

/* {id, email, name} of a user, or null. */
static json_t *user_brief(struct op *o, int64_t id)
{
    struct user u;
    if (!id || store_user_by_id(o->db, o->a, id, &u) < 0)
        return json_null();
    return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "email", u.email, "name",
                     u.name && *u.name ? u.name : u.email);
}

/* Adds paused_since and pause_reason to each paused clock of list (the pause in force). */
static void add_pause_reasons(struct op *o, json_t *list)
{
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c) {
        if (strcmp(json_string_value(json_object_get(c, "state")), "paused"))
            continue;
        struct clock_pause_row *pauses;
        size_t n = 0;
        if (store_clock_pauses(o->db, o->a, json_integer_value(json_object_get(c, "id")), &pauses,
                               &n) < 0 ||
            n == 0 || pauses[n - 1].to_at)
            continue;
        json_object_set_new(c, "paused_since", app_json_time(pauses[n - 1].from_at));
        json_object_set_new(c, "pause_reason", json_string(pauses[n - 1].reason));
    }
}

static int add_delivery(const struct delivery_row *d, void *ctx)
{
    json_array_append_new(
        ctx,
        json_pack("{s:I, s:s, s:s, s:o, s:b, s:o, s:I, s:I}", "id", (json_int_t)d->id, "kind",
                  d->kind, "status", d->status, "received_at", app_json_time(d->received_at),
                  "late", d->late, "validated_at", app_json_time(d->validated_at), "errors",
                  (json_int_t)d->n_errors, "warnings", (json_int_t)d->n_warnings));
    return 0;
}

/*
 * A request as JSON; its clocks from by_subject (clocks_by_subject of its
 * partner), or read here when by_subject is NULL. full adds the messages,
 * the issuer, the pauses in force and the deliveries. A new reference.
 */
static json_t *request_json(struct op *o, const struct request_row *q, bool full,
                            json_t *by_subject)
{
    json_t *v =
        json_pack("{s:I, s:I, s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:I, s:b}", "id",
                  (json_int_t)q->id, "partner", (json_int_t)q->partner_id, "kind", q->kind, "title",
                  q->title, "note", q->note ? json_string(q->note) : json_null(), "phase", q->phase,
                  "status", q->status, "issued_at", app_json_time(q->issued_at),
                  "last_issued_at", app_json_time(q->last_issued_at), "rerequests",
                  (json_int_t)q->n_rerequests, "late", q->late);
    json_t *own = by_subject ? NULL : clocks_by_subject(o, q->partner_id);
    json_t *clocks =
        json_object_get(by_subject ? by_subject : own, lifecycle_request_subject(o, q->id));
    json_t *list = clocks ? json_incref(clocks) : json_array();
    json_decref(own);
    /* due_at: the open delivery clock's due instant (the 48-hour promise) */
    json_t *due = json_null();
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c) {
        if (!strcmp(json_string_value(json_object_get(c, "kind")),
                    deadline_name(DEADLINE_DELIVERY_48H)))
            due = json_object_get(c, "due_at");
    }
    json_object_set(v, "due_at", due);
    json_object_set_new(v, "clocks", list);
    if (full) {
        json_t *msgs = json_array();
        store_message_each(o->db, o->a, q->id, add_message, msgs);
        json_object_set_new(v, "messages", msgs);
        /* the request page: the issuer, why a clock is paused, the deliveries against it */
        json_object_set_new(v, "issued_by", user_brief(o, q->issued_by));
        add_pause_reasons(o, list);
        json_t *deliveries = json_array();
        store_delivery_each(o->db, o->a, q->partner_id, q->id, add_delivery, deliveries);
        json_object_set_new(v, "deliveries", deliveries);
    }
    return v;
}

/* The full view of request id as it is now, in the caller's operation. */
static int view_now(struct op *o, int64_t id, json_t **view)
{
    if (!view)
        return 0;
    struct request_row q;
    int rc = store_request_get(o->db, o->a, id, &q);
    if (rc < 0)
        return rc;
    *view = request_json(o, &q, true, NULL);
    return 0;
}

/* Ends a step's transaction; drops its view when the step did not happen. */
static int step_end(struct op *o, int rc, json_t **view)
{
    rc = op_end(o, rc);
    if (rc < 0 && view) {
        json_decref(*view);
        *view = NULL;
    }
    return rc;
}

/* A step on one request that is already loaded and allowed (text: its reason or message). */
typedef int (*request_step_fn)(struct op *o, const struct partner *p, const struct request_row *r,
                               const char *text);

/*
 * The shape of every change to one request: its own transaction, the
 * actor's check on the request (action), the step, and the request's view
 * as it is after it in *view (may be NULL).
 */
static int on_request(struct op *o, enum action action, int64_t request_id, request_step_fn step,
                      const char *text, json_t **view)
{
    struct scoped sc;
    if (view)
        *view = NULL;
    int rc = op_begin(o);
    if (rc == 0)
        rc = allow_request(o, action, request_id, &sc);
    if (rc == 0)
        rc = step(o, &sc.partner, &sc.request, text);
    if (rc == 0)
        rc = view_now(o, request_id, view);
    return step_end(o, rc, view);
}

int request_view(struct op *o, int64_t request_id, json_t **out)
{
    struct scoped sc;
    *out = NULL;
    int rc = allow_request(o, ACT_REQUEST_READ, request_id, &sc);
    if (rc < 0)
        return rc;
    *out = request_json(o, &sc.request, true, NULL);
    return 0;
}

struct list_ctx {
    struct op *o;
    json_t *list;
    json_t *clocks; /* clocks_by_subject of the partner */
};

static int add_request(const struct request_row *q, void *arg)
{
    struct list_ctx *x = arg;
    json_array_append_new(x->list, request_json(x->o, q, false, x->clocks));
    return 0;
}

int request_list(struct op *o, int64_t partner_id, json_t **out)
{
    *out = NULL;
    int rc = op_allow_partner(o, ACT_REQUEST_READ, partner_id, NULL);
    if (rc < 0)
        return rc;
    struct list_ctx x = {o, json_array(), clocks_by_subject(o, partner_id)};
    rc = store_request_each_of_partner(o->db, o->a, partner_id, add_request, &x);
    json_decref(x.clocks);
    if (rc < 0) {
        json_decref(x.list);
        return op_failed(o, rc);
    }
    *out = json_pack("{s:o}", "requests", x.list);
    return 0;
}

/* ---- issuing ---- */

/*
 * Starts the 48-hour delivery clock and the response clock of a request;
 * fills vars with their deadlines in words (due, respond_by).
 */
static int start_request_clocks(struct op *o, const struct partner *p, int64_t request_id,
                                json_t *vars)
{
    const char *subject = lifecycle_request_subject(o, request_id);
    int64_t d, r;
    int rc = lifecycle_start_clock(o, p, deadline_name(DEADLINE_DELIVERY_48H), subject, o->now, &d);
    if (rc == 0)
        rc = lifecycle_start_clock(o, p, deadline_name(DEADLINE_RESPONSE_3WD), subject, o->now, &r);
    if (rc < 0)
        return rc;
    int64_t due = lifecycle_open_clock_due(o, subject, deadline_name(DEADLINE_DELIVERY_48H));
    int64_t resp = lifecycle_open_clock_due(o, subject, deadline_name(DEADLINE_RESPONSE_3WD));
    json_object_set_new(vars, "due", json_string(lifecycle_due_words(o, p, due)));
    json_object_set_new(vars, "respond_by", json_string(lifecycle_due_words(o, p, resp)));
    return 0;
}

static const char *request_link(struct op *o, int64_t request_id)
{
    return arena_printf(o->a, "%s/requests/%lld", o->base_url, (long long)request_id);
}

static int issue(struct op *o, const struct partner *p, const char *kind, const char *title,
                 const char *note, int64_t *request_id)
{
    int rc = lifecycle_step_allowed(o, p, STEP_REQUEST);
    if (rc < 0)
        return rc;
    if (strcmp(kind, "avails") && strcmp(kind, "asset_package"))
        return op_invalid(o, "kind", "'kind' is avails or asset_package (got '%s')", kind);
    if (!*title || strlen(title) > 300)
        return op_invalid(o, "title", "'title' must be 1 to 300 characters");
    struct request_row r = {0};
    r.partner_id = p->id;
    r.kind = (char *)kind;
    r.title = (char *)title;
    r.note = (char *)note;
    r.phase = stage_parse(p->stage) == STAGE_STEADY ? "steady_state" : "training";
    r.status = "open";
    r.issued_at = o->now;
    r.issued_by = o->who.user_id;
    if ((rc = store_request_add(o->db, &r, request_id)) < 0)
        return rc;
    if (!p->pim_id && o->who.role == ROLE_PIM &&
        (rc = store_partner_set_owner(o->db, p->id, "pim", o->who.user_id)) < 0)
        return rc;
    json_t *vars = json_pack("{s:s, s:s, s:s, s:s, s:I}", "title", title, "kind", kind, "note",
                             note ? note : "", "link", request_link(o, *request_id), "request_id",
                             (json_int_t)*request_id);
    rc = start_request_clocks(o, p, *request_id, vars);
    if (rc == 0)
        rc = lifecycle_send_partner(o, p, "request_issued", vars);
    json_decref(vars);
    if (rc < 0)
        return rc;
    return lifecycle_event(
        o, p, lifecycle_request_subject(o, *request_id), "request.issue", NULL,
        json_pack("{s:s, s:s, s:s}", "kind", kind, "title", title, "phase", r.phase));
}

int request_issue(struct op *o, int64_t partner_id, const char *kind, const char *title,
                  const char *note, int64_t *request_id, json_t **view)
{
    struct partner p;
    if (view)
        *view = NULL;
    int rc = op_begin(o);
    if (rc == 0)
        rc = op_allow_partner(o, ACT_REQUEST_ISSUE, partner_id, &p);
    if (rc == 0)
        rc = issue(o, &p, kind, title, note, request_id);
    if (rc == 0)
        rc = view_now(o, *request_id, view);
    return step_end(o, rc, view);
}

static int rerequest(struct op *o, const struct partner *p, const struct request_row *r,
                     const char *reason)
{
    if (!*reason)
        return op_invalid(o, "reason", "say what must be delivered again and why");
    int rc = lifecycle_step_allowed(o, p, STEP_REQUEST);
    if (rc < 0)
        return rc;
    const char *subject = lifecycle_request_subject(o, r->id);
    if ((rc = lifecycle_close_clocks(o, subject, NULL, "cancelled", "re-requested")) < 0 ||
        (rc = store_request_rerequest(o->db, r->id, o->now)) < 0)
        return rc;
    json_t *vars =
        json_pack("{s:s, s:s, s:s, s:s, s:I}", "title", r->title, "kind", r->kind, "reason", reason,
                  "link", request_link(o, r->id), "request_id", (json_int_t)r->id);
    rc = start_request_clocks(o, p, r->id, vars);
    if (rc == 0)
        rc = lifecycle_send_partner(o, p, "rerequest", vars);
    json_decref(vars);
    if (rc < 0)
        return rc;
    return lifecycle_event(o, p, subject, "request.rerequest",
                           json_pack("{s:s}", "status", r->status),
                           json_pack("{s:s, s:s, s:I}", "status", "open", "reason", reason,
                                     "rerequests", (json_int_t)(r->n_rerequests + 1)));
}

int request_rerequest(struct op *o, int64_t request_id, const char *reason, json_t **view)
{
    return on_request(o, ACT_REQUEST_ISSUE, request_id, rerequest, reason, view);
}

/* ---- the thread ---- */

/*
 * A message on a request reaches the other side: the partner's reply its
 * current owner (pom in steady state, else pim, else cam), a staff message
 * the partner's users.
 */
static int tell_message(struct op *o, const struct partner *p, const struct request_row *r,
                        const char *body, bool from_partner)
{
    struct user by;
    const char *author = store_user_by_id(o->db, o->a, o->who.user_id, &by) == 0
                             ? (by.name && *by.name && strcmp(by.name, by.email)
                                    ? arena_printf(o->a, "%s <%s>", by.name, by.email)
                                    : by.email)
                             : (from_partner ? p->name : "the service");
    json_t *vars = json_pack("{s:s, s:s, s:s, s:s, s:s}", "title", r->title, "author", author,
                             "body", body, "at", op_at_words(o, o->now, p->time_zone), "link",
                             request_link(o, r->id));
    int rc;
    if (from_partner) {
        int64_t owner = lifecycle_owner(p);
        rc = lifecycle_send_users(o, p, &owner, 1, "request_message", vars);
    } else {
        rc = lifecycle_send_partner(o, p, "request_message", vars);
    }
    json_decref(vars);
    return rc;
}

static int message(struct op *o, const struct partner *p, const struct request_row *r,
                   const char *body)
{
    if (!*body || strlen(body) > 20000)
        return op_refuse(o, OP_INVALID, "invalid", "a message is 1 to 20,000 characters");
    bool from_partner = role_is_org(o->who.role);
    struct message_row m = {0};
    m.request_id = r->id;
    m.author_id = o->who.user_id;
    m.from_partner = from_partner;
    m.body = (char *)body;
    m.at = o->now;
    int64_t id;
    int rc = store_message_add(o->db, &m, &id);
    if (rc < 0)
        return rc;
    /* The partner's response stops the response clock: the service answers next. */
    if (from_partner && (rc = lifecycle_close_clocks(o, lifecycle_request_subject(o, r->id),
                                                     deadline_name(DEADLINE_RESPONSE_3WD), "met",
                                                     "the partner responded")) < 0)
        return rc;
    if ((rc = tell_message(o, p, r, body, from_partner)) < 0)
        return rc;
    return lifecycle_event(
        o, p, lifecycle_request_subject(o, r->id), "request.message", NULL,
        json_pack("{s:I, s:b}", "message", (json_int_t)id, "from_partner", from_partner));
}

int request_message(struct op *o, int64_t request_id, const char *body, json_t **view)
{
    return on_request(o, ACT_REQUEST_MESSAGE, request_id, message, body, view);
}

/* ---- pausing the clocks ---- */

struct pause_ctx {
    struct op *o;
    const struct partner *p;
    const char *reason;
    bool pause;
    int rc;
    int n;
    json_t *told; /* clock_news_add's items: what the partner is told */
};

static int pause_one(const struct clock_row *c, void *arg)
{
    struct pause_ctx *x = arg;
    struct buf err = {0};
    struct clocks_actor who = {x->o->who.user_id, x->reason};
    struct clock_row now;
    if (x->pause && !strcmp(c->state, "running")) {
        x->rc = clocks_pause(x->o->db, x->o->a, c->id, &who, x->o->now, &err);
        x->n++;
        if (x->rc == 0) /* the deadline it had before the pause */
            clock_news_add(x->o, x->p, c, c->due_at, x->told);
    } else if (!x->pause && !strcmp(c->state, "paused")) {
        x->rc = clocks_resume(x->o->db, x->o->a, c->id, &who, x->o->now, &err);
        x->n++;
        if (x->rc == 0 && (x->rc = store_clock_get(x->o->db, x->o->a, c->id, &now)) == 0)
            clock_news_add(x->o, x->p, &now, now.due_at, x->told); /* its new deadline */
    }
    if (x->rc == CLOCKS_ERR_STATE || x->rc == CLOCKS_ERR_KIND)
        x->rc = 0; /* a clock already due cannot pause: leave it */
    buf_free(&err);
    return x->rc < 0;
}

/* Pauses or resumes the clocks of a request, and tells the partner (app/clock_news.h). */
static int pause_clocks(struct op *o, const struct partner *p, const struct request_row *r,
                        const char *reason, bool pause)
{
    struct pause_ctx x = {o, p, reason, pause, 0, 0, json_array()};
    const char *subject = lifecycle_request_subject(o, r->id);
    int rc = store_clock_each_open_of_subject(o->db, o->a, subject, NULL, pause_one, &x);
    if (rc == 0 && x.rc == 0 && x.n == 0)
        rc = op_refuse(o, OP_CONFLICT, "clock_state",
                       pause ? "no running clock of this request to pause"
                             : "no paused clock of this request to resume");
    else if (rc == 0 && x.rc == 0)
        rc = clock_news_send(o, p, subject, x.told, pause ? reason : NULL);
    json_decref(x.told);
    return rc < 0 ? rc : x.rc;
}

static int pause_step(struct op *o, const struct partner *p, const struct request_row *r,
                      const char *reason)
{
    if (!*reason)
        return op_invalid(o, "reason", "say why the clocks are paused (for example: waiting on us)");
    return pause_clocks(o, p, r, reason, true);
}

static int resume_step(struct op *o, const struct partner *p, const struct request_row *r,
                       const char *unused)
{
    (void)unused;
    return pause_clocks(o, p, r, NULL, false);
}

int request_pause(struct op *o, int64_t request_id, const char *reason, json_t **view)
{
    return on_request(o, ACT_REQUEST_ISSUE, request_id, pause_step, reason, view);
}

int request_resume(struct op *o, int64_t request_id, json_t **view)
{
    return on_request(o, ACT_REQUEST_ISSUE, request_id, resume_step, NULL, view);
}
