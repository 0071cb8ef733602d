/*
 * Alternate-solution cases: see alternates.h. A case's clock is of the
 * service's own kind (acknowledge_3wd): it is never paused and warns no
 * one, but its breach tells the cam and the pim that the partner is still
 * waiting, and the partner sees it among its dates (its due instant in
 * its zone). Acknowledging or resolving meets it.
 */
#include "app/alternates.h"

#include <stdio.h>
#include <string.h>

#include "app/clocks.h"
#include "app/lifecycle_steps.h"
#include "app/scope.h"
#include "core/deadline.h"
#include "store/alternate_store.h"

static const char *subject_of(struct op *o, int64_t id)
{
    return arena_printf(o->a, "alternate:%lld", (long long)id);
}

/* The case a subject names ("alternate:7" → 7); 0 when it names something else. */
static int64_t subject_case(const char *subject)
{
    long long id = 0;
    return sscanf(subject, "alternate:%lld", &id) == 1 ? id : 0;
}

int alternates_opened(struct op *o, const struct partner *p, int64_t id, int64_t *ack_due)
{
    int64_t clock;
    const char *subject = subject_of(o, id);
    struct buf err = {0};
    struct clocks_actor who = {o->who.user_id, NULL};
    int rc = clocks_start(o->db, o->a, p->id, deadline_name(DEADLINE_ACK_3WD), subject, o->now, 0,
                          arena_printf(o->a, "alternate-solution request %lld", (long long)id),
                          &who, o->now, &clock, &err);
    if (rc < 0)
        rc = clocks_refuse(o, rc, &err);
    buf_free(&err);
    if (rc == 0)
        rc = store_alternate_set_clock(o->db, id, clock);
    *ack_due = rc == 0 ? lifecycle_open_clock_due(o, subject, deadline_name(DEADLINE_ACK_3WD)) : 0;
    return rc;
}

/* ---- the view ---- */

static json_t *person(struct op *o, int64_t user_id)
{
    struct user u;
    if (!user_id || store_user_by_id(o->db, o->a, user_id, &u) < 0)
        return json_null();
    return json_pack("{s:I, s:s}", "id", (json_int_t)u.id, "name", *u.name ? u.name : u.email);
}

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *case_json(struct op *o, const struct alternate_row *r, const struct partner *p)
{
    struct clock_row c = {0};
    bool have_clock = r->clock_id && store_clock_get(o->db, o->a, r->clock_id, &c) == 0;
    json_t *j = json_pack(
        "{s:I, s:I, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o}", "id", (json_int_t)r->id, "partner",
        (json_int_t)r->partner_id, "partner_name", p->name, "reason", r->reason, "requested_by",
        text_or_null(r->by_email), "requested_at", app_json_time(r->at), "state", r->state,
        "acknowledge_due_at", app_json_time(have_clock ? c.due_at : 0), "acknowledge_clock",
        have_clock ? json_pack("{s:I, s:s}", "id", (json_int_t)c.id, "state", c.state)
                   : json_null(),
        "acknowledged_at", app_json_time(r->acknowledged_at));
    json_object_set_new(j, "acknowledge_due_words",
                        have_clock && c.due_at ? json_string(op_due_words(o, c.due_at, p->time_zone))
                                               : json_null());
    json_object_set_new(j, "acknowledged_by", person(o, r->acknowledged_by));
    json_object_set_new(j, "note", text_or_null(r->note));
    json_object_set_new(j, "resolved_at", app_json_time(r->resolved_at));
    json_object_set_new(j, "resolved_by", person(o, r->resolved_by));
    json_object_set_new(j, "outcome", text_or_null(r->outcome));
    json_object_set_new(j, "time_zone", json_string(p->time_zone));
    /* the moments for people, in the partner's zone ("Mon 23 Nov at 10:00, Europe/London") */
    json_object_set_new(j, "requested_words", json_string(op_at_words(o, r->at, p->time_zone)));
    json_object_set_new(j, "acknowledged_words",
                        r->acknowledged_at
                            ? json_string(op_at_words(o, r->acknowledged_at, p->time_zone))
                            : json_null());
    json_object_set_new(j, "resolved_words",
                        r->resolved_at ? json_string(op_at_words(o, r->resolved_at, p->time_zone))
                                       : json_null());
    return j;
}

struct list_ctx {
    struct op *o;
    json_t *list;
    struct partner p; /* the last partner loaded (cases of one partner come together) */
    bool have;
    int rc;
};

static int add_case(const struct alternate_row *r, void *arg)
{
    struct list_ctx *x = arg;
    if (!x->have || x->p.id != r->partner_id) {
        if ((x->rc = store_partner_get(x->o->db, x->o->a, r->partner_id, &x->p)) < 0)
            return 1;
        x->have = true;
    }
    json_array_append_new(x->list, case_json(x->o, r, &x->p));
    return 0;
}

int alternates_list(struct op *o, int64_t partner_id, json_t **out)
{
    *out = NULL;
    int rc;
    if (partner_id)
        rc = op_allow_partner(o, ACT_ALTERNATES_READ, partner_id, NULL);
    else {
        rc = op_allow(o, ACT_ALTERNATES_READ, SCOPE_NONE, "", NULL);
        if (rc == 0 && !o->system && role_is_org(o->who.role))
            partner_id = o->who.org_id; /* an organisation's own cases only */
    }
    if (rc < 0)
        return rc;
    struct list_ctx x = {o, json_array(), {0}, false, 0};
    rc = store_alternate_each(o->db, o->a, partner_id, add_case, &x);
    if (rc == 0)
        rc = x.rc;
    if (rc < 0) {
        json_decref(x.list);
        return op_failed(o, rc);
    }
    *out = json_pack("{s:o}", "alternate_solutions", x.list);
    return 0;
}

/* ---- answering ---- */

/* Loads case id for an answer (ACT_ALTERNATE_ANSWER on its partner). */
static int load_case(struct op *o, int64_t id, struct alternate_row *r, struct partner *p)
{
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)id);
    struct scoped sc;
    int rc = op_allow(o, ACT_ALTERNATE_ANSWER, SCOPE_ALTERNATE, text, &sc);
    if (rc < 0)
        return rc;
    *r = sc.alternate;
    *p = sc.partner;
    return 0;
}

static int conflict(struct op *o, const struct alternate_row *r)
{
    return op_refuse(o, OP_CONFLICT, "illegal_transition",
                     !strcmp(r->state, "resolved")
                         ? "this alternate-solution request is already resolved and the partner has "
                           "its outcome; a new request from the partner opens a new case"
                         : "this alternate-solution request is already acknowledged: resolve it "
                           "with the outcome for the partner");
}

/* The message to the partner about its case, with the words of who answered. */
static int tell_partner(struct op *o, const struct partner *p, const struct alternate_row *r,
                        const char *tmpl, const char *key, const char *text)
{
    struct user by;
    const char *name =
        store_user_by_id(o->db, o->a, o->who.user_id, &by) == 0 && *by.name ? by.name
                                                                             : "your account team";
    json_t *vars = json_pack("{s:s, s:s, s:s}", "reason", r->reason, "by_name", name, "asked_on",
                             op_at_words(o, r->at, p->time_zone));
    if (!strcmp(key, "notes"))
        json_object_set_new(vars, "notes", text && *text ? json_pack("[s]", text) : json_array());
    else
        json_object_set_new(vars, key, json_string(text));
    int rc = lifecycle_send_partner(o, p, tmpl, vars);
    json_decref(vars);
    return rc;
}

static int answer(struct op *o, int64_t id, bool resolve, const char *text, json_t **out)
{
    *out = NULL;
    if (text && strlen(text) > ALTERNATE_TEXT_MAX)
        return op_invalid(o, resolve ? "outcome" : "note", "'%s' is at most %d characters",
                          resolve ? "outcome" : "note", ALTERNATE_TEXT_MAX);
    if (resolve && (!text || !*text))
        return op_invalid(o, "outcome",
                          "'outcome' tells the partner what was decided (1 to %d characters)",
                          ALTERNATE_TEXT_MAX);
    int rc = op_begin(o);
    struct alternate_row r;
    struct partner p;
    if (rc == 0)
        rc = load_case(o, id, &r, &p);
    if (rc == 0) {
        rc = resolve ? store_alternate_resolve(o->db, id, o->who.user_id, o->now, text)
                     : store_alternate_acknowledge(o->db, id, o->who.user_id, o->now,
                                                   text && *text ? text : NULL);
        if (rc == STORE_ERR_NOT_FOUND)
            rc = conflict(o, &r);
    }
    const char *subject = subject_of(o, id);
    if (rc == 0)
        rc = lifecycle_close_clocks(o, subject, deadline_name(DEADLINE_ACK_3WD), "met",
                                    resolve ? "resolved" : "acknowledged");
    if (rc == 0)
        rc = resolve ? tell_partner(o, &p, &r, "alternate_resolved", "outcome", text)
                     : tell_partner(o, &p, &r, "alternate_acknowledged", "notes", text);
    if (rc == 0)
        rc = lifecycle_event(o, &p, subject, resolve ? "alternate.resolve" : "alternate.acknowledge",
                             json_pack("{s:s}", "state", r.state),
                             json_pack("{s:s, s:s}", "state", resolve ? "resolved" : "acknowledged",
                                       resolve ? "outcome" : "note", text ? text : ""));
    if (rc == 0 && (rc = store_alternate_get(o->db, o->a, id, &r)) == 0)
        *out = case_json(o, &r, &p);
    if ((rc = op_end(o, rc)) < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int alternates_acknowledge(struct op *o, int64_t id, const char *note, json_t **out)
{
    return answer(o, id, false, note, out);
}

int alternates_resolve(struct op *o, int64_t id, const char *outcome, json_t **out)
{
    return answer(o, id, true, outcome, out);
}

/* ---- the clock ---- */

/*
 * The acknowledgement is late: the cam and the pim hear that the partner is
 * still waiting (each once). The case stays open: lateness is the clock's.
 */
static int on_ack_breach(struct db *db, struct arena *a, const struct clock_row *c, int64_t now)
{
    (void)now;
    struct op o;
    clock_handler_op(&o, db, a, c->due_at);
    struct partner p;
    struct alternate_row r;
    int64_t id = subject_case(c->subject);
    int rc = id ? store_alternate_get(db, a, id, &r) : STORE_ERR_NOT_FOUND;
    if (rc == 0)
        rc = store_partner_get(db, a, c->partner_id, &p);
    if (rc == 0 && strcmp(r.state, "open"))
        rc = STORE_ERR_NOT_FOUND; /* answered meanwhile: nothing to say */
    if (rc == 0) {
        const struct deadline_kind *k = deadline_kind_of(DEADLINE_ACK_3WD);
        json_t *vars = json_pack(
            "{s:s, s:s, s:s, s:s}", "what", k->long_label ? k->long_label : k->label, "item",
            arena_printf(a, "the alternate-solution request of %s", p.name), "due",
            op_due_words(&o, c->due_at, p.time_zone), "link",
            arena_printf(a, "%s/partners/%lld#case-%lld", o.base_url, (long long)p.id, (long long)id));
        int64_t to[2] = {p.cam_id, p.pim_id};
        rc = lifecycle_send_users(&o, &p, to, 2, "clock_breached", vars);
        json_decref(vars);
    }
    return clock_handler_end(&o, c, rc);
}

const struct clock_handler alternates_clock_handlers[] = {
    {DEADLINE_ACK_3WD, on_ack_breach, NULL},
};
const int n_alternates_clock_handlers =
    sizeof alternates_clock_handlers / sizeof alternates_clock_handlers[0];
