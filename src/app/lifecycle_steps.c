/*
 * The pieces every lifecycle step shares: see lifecycle_steps.h.
 *
 * Nothing here begins or commits a transaction or checks who acts: the
 * operation that calls a piece has done both, so a refused or failed step
 * leaves no trace of what its pieces wrote.
 */
#include "app/lifecycle_steps.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/clocks.h"
#include "app/audit.h"
#include "app/mail_queue.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "core/zone.h"

/* ---- the audit event and the stage ---- */

int lifecycle_event(struct op *o, const struct partner *p, const char *subject, const char *action,
                    json_t *before, json_t *after)
{
    return audit_event(o, p->id, subject ? subject : lifecycle_partner_subject(o, p->id), action,
                       before, after);
}

int lifecycle_set_stage(struct op *o, const struct partner *p, enum stage to, const char *why)
{
    int rc = store_partner_set_stage(o->db, p->id, stage_name(to), o->now);
    if (rc < 0)
        return rc;
    json_t *after = json_pack("{s:s}", "stage", stage_name(to));
    if (why)
        json_object_set_new(after, "why", json_string(why));
    return lifecycle_event(o, p, NULL, "partner.stage", json_pack("{s:s}", "stage", p->stage),
                           after);
}

/* ---- facts ---- */

int lifecycle_load_facts(struct op *o, const struct partner *p, struct lifecycle_facts *f)
{
    memset(f, 0, sizeof *f);
    f->stage = stage_parse(p->stage);
    f->training_skipped = p->training_skipped;
    f->decision_pending = p->decision_pending;
    json_t *modules = json_loads(p->training_modules ? p->training_modules : "[]", 0, NULL);
    f->n_modules = json_is_array(modules) ? json_array_size(modules) : 0;
    json_decref(modules);
    struct setup_row rows[ITEM_N];
    int n;
    int rc = store_setup_each(o->db, o->a, p->id, rows, ITEM_N, &n);
    for (int i = 0; i < n; i++) {
        enum setup_item item = setup_item_parse(rows[i].item);
        if (item < ITEM_N)
            f->item_done[item] = !strcmp(rows[i].status, "done");
    }
    return rc;
}

int lifecycle_step_allowed(struct op *o, const struct partner *p, enum step step)
{
    struct lifecycle_facts f;
    int rc = lifecycle_load_facts(o, p, &f);
    if (rc < 0)
        return op_failed(o, rc);
    char why[256];
    if (!lifecycle_may(step, &f, why, sizeof why))
        return op_refuse(o, OP_CONFLICT, "illegal_transition", "%s", why);
    return 0;
}

int lifecycle_user_with_role(struct op *o, int64_t user_id, enum role role, const char *field)
{
    struct user u;
    int rc = store_user_by_id(o->db, o->a, user_id, &u);
    if (rc == STORE_ERR_NOT_FOUND || (rc == STORE_OK && u.role != role))
        return op_invalid(o, field, "'%s' must be the id of a %s user", field, role_name(role));
    return rc < 0 ? op_failed(o, rc) : 0;
}

/* ---- messages ---- */

int lifecycle_send(struct op *o, const struct partner *p, const char *to_email, int64_t to_user,
                   const char *tmpl, json_t *vars)
{
    struct buf err = {0};
    int64_t id;
    json_object_set_new(vars, "portal_url", json_string(o->base_url));
    if (p) {
        json_object_set_new(vars, "partner", json_string(p->name));
        if (!json_object_get(vars, "link"))
            json_object_set_new(
                vars, "link",
                json_string(arena_printf(o->a, "%s/partners/%lld", o->base_url, (long long)p->id)));
        json_object_set_new(vars, "time_zone", json_string(p->time_zone));
    }
    int rc =
        mail_queue(o->db, o->a, to_email, to_user, p ? p->id : 0, tmpl, vars, o->now, &id, &err);
    if (rc < 0) {
        fprintf(stderr, "vodgate: message %s to %s not queued: %s\n", tmpl, to_email,
                buf_str(&err));
        op_refuse(o, OP_FAILED, "message_failed", "the message '%s' could not be prepared: %s",
                  tmpl, buf_str(&err));
    }
    buf_free(&err);
    return rc < 0 ? OP_REFUSED : 0;
}

struct recipients {
    struct op *o;
    const struct partner *p;
    const char *tmpl;
    json_t *vars;
    int rc;
    int n;
    enum role role; /* the staff role of lifecycle_send_role */
};

/* Sends to an organisation's user (partner or posthouse) of the partner. */
static int send_to_org_user(const struct user *u, void *arg)
{
    struct recipients *r = arg;
    if (u->role != ROLE_PARTNER && u->role != ROLE_POSTHOUSE && u->role != r->role)
        return 0;
    r->n++;
    r->rc = lifecycle_send(r->o, r->p, u->email, u->id, r->tmpl, r->vars);
    return r->rc < 0;
}

int lifecycle_send_partner(struct op *o, const struct partner *p, const char *tmpl, json_t *vars)
{
    struct recipients r = {o, p, tmpl, vars, 0, 0, ROLE_PARTNER};
    int rc = store_user_each_of_partner(o->db, o->a, p->id, send_to_org_user, &r);
    if (rc < 0)
        return rc;
    if (r.rc < 0)
        return r.rc;
    return r.n ? 0 : lifecycle_send(o, p, p->contact_email, 0, tmpl, vars);
}

int lifecycle_send_user(struct op *o, const struct partner *p, int64_t user_id, const char *tmpl,
                        json_t *vars)
{
    if (!user_id)
        return 0;
    struct user u;
    int rc = store_user_by_id(o->db, o->a, user_id, &u);
    if (rc < 0)
        return rc == STORE_ERR_NOT_FOUND ? 0 : rc;
    return lifecycle_send(o, p, u.email, u.id, tmpl, vars);
}

int64_t lifecycle_owner(const struct partner *p)
{
    return lifecycle_current_owner(stage_parse(p->stage), p->cam_id, p->pim_id, p->pom_id);
}

int lifecycle_send_owner(struct op *o, const struct partner *p, const char *tmpl, json_t *vars)
{
    return lifecycle_send_user(o, p, lifecycle_owner(p), tmpl, vars);
}

static int send_to_role_user(const struct user *u, void *arg)
{
    struct recipients *r = arg;
    if (u->role != r->role)
        return 0;
    r->n++;
    r->rc = lifecycle_send(r->o, r->p, u->email, u->id, r->tmpl, r->vars);
    return r->rc < 0;
}

int lifecycle_send_role(struct op *o, const struct partner *p, enum role role, const char *tmpl,
                        json_t *vars)
{
    struct recipients r = {o, p, tmpl, vars, 0, 0, role};
    int rc = store_user_each(o->db, o->a, send_to_role_user, &r);
    return rc < 0 ? rc : r.rc;
}

struct once_ctx {
    int64_t *ids;
    size_t n, cap;
    unsigned roles;
};

static void once_add(struct once_ctx *x, int64_t id)
{
    if (!id)
        return;
    for (size_t i = 0; i < x->n; i++)
        if (x->ids[i] == id)
            return;
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 16;
        x->ids = xrealloc(x->ids, x->cap * sizeof *x->ids);
    }
    x->ids[x->n++] = id;
}

static int once_role_user(const struct user *u, void *arg)
{
    struct once_ctx *x = arg;
    if (u->role & x->roles)
        once_add(x, u->id);
    return 0;
}

int lifecycle_send_once(struct op *o, const struct partner *p, const int64_t *user_ids, size_t n,
                        unsigned roles, const char *tmpl, json_t *vars)
{
    struct once_ctx x = {NULL, 0, 0, roles};
    for (size_t i = 0; i < n; i++)
        once_add(&x, user_ids[i]);
    int rc = roles ? store_user_each(o->db, o->a, once_role_user, &x) : 0;
    for (size_t i = 0; rc == 0 && i < x.n; i++)
        rc = lifecycle_send_user(o, p, x.ids[i], tmpl, vars);
    free(x.ids);
    return rc;
}

int lifecycle_send_users(struct op *o, const struct partner *p, const int64_t *user_ids, int n,
                         const char *tmpl, json_t *vars)
{
    return lifecycle_send_once(o, p, user_ids, n > 0 ? (size_t)n : 0, 0, tmpl, vars);
}

/* ---- the clocks of a subject ---- */

const char *lifecycle_partner_subject(struct op *o, int64_t partner_id)
{
    return arena_printf(o->a, "partner:%lld", (long long)partner_id);
}

const char *lifecycle_request_subject(struct op *o, int64_t request_id)
{
    return arena_printf(o->a, "request:%lld", (long long)request_id);
}

int64_t lifecycle_subject_request(const char *subject)
{
    return strncmp(subject, "request:", 8) == 0 ? strtoll(subject + 8, NULL, 10) : 0;
}

int lifecycle_start_clock(struct op *o, const struct partner *p, const char *kind,
                          const char *subject, int64_t start, int64_t *id)
{
    struct buf err = {0};
    struct clocks_actor who = {o->who.user_id, NULL};
    int rc =
        clocks_start(o->db, o->a, p->id, kind, subject, start, 0, NULL, &who, o->now, id, &err);
    if (rc == CLOCKS_ERR_RULE || rc == CLOCKS_ERR_KIND) {
        const char *m = buf_str(&err);
        const char *code = !strncmp(m, "calendar_coverage", 17) ? "calendar_coverage"
                           : !strncmp(m, "no_working_time", 15) ? "no_working_time"
                                                                : "invalid_clock";
        rc = op_refuse(o, OP_INVALID, code, "the %s clock cannot be started: %s", kind, m);
    }
    buf_free(&err);
    return rc;
}

struct close_ctx {
    struct op *o;
    const char *state;
    const char *reason;
    int rc;
};

static int close_one(const struct clock_row *c, void *arg)
{
    struct close_ctx *x = arg;
    struct clocks_actor who = {x->o->who.user_id, x->reason};
    x->rc = clocks_close(x->o->db, x->o->a, c->id, x->state, &who, x->o->now);
    return x->rc < 0;
}

int lifecycle_close_clocks(struct op *o, const char *subject, const char *kind, const char *state,
                           const char *reason)
{
    struct close_ctx x = {o, state, reason, 0};
    int rc = store_clock_each_open_of_subject(o->db, o->a, subject, kind, close_one, &x);
    return rc < 0 ? rc : x.rc;
}

struct due_ctx {
    int64_t due;
};

static int take_due(const struct clock_row *c, void *arg)
{
    ((struct due_ctx *)arg)->due = c->due_at;
    return 1;
}

int64_t lifecycle_open_clock_due(struct op *o, const char *subject, const char *kind)
{
    struct due_ctx x = {0};
    store_clock_each_open_of_subject(o->db, o->a, subject, kind, take_due, &x);
    return x.due;
}


const char *lifecycle_due_words(struct op *o, const struct partner *p, int64_t due)
{
    return op_due_words(o, due, p->time_zone);
}

const char *lifecycle_subject_words(struct op *o, const struct partner *p, const char *subject)
{
    struct request_row r;
    int64_t rid = lifecycle_subject_request(subject);
    if (rid && store_request_get(o->db, o->a, rid, &r) == 0)
        return arena_printf(o->a, "the request \"%s\"", r.title);
    return arena_printf(o->a, "the onboarding of %s", p->name);
}
