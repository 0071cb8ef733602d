/*
 * The onboarding operations: see onboarding.h.
 *
 * Every operation has the same shape: load facts, ask core/lifecycle.c,
 * change the store, start or close clocks, write the audit event, queue the
 * messages. Nothing here begins or commits a transaction: the caller does,
 * so a refused or failed step leaves no trace.
 */
#include "app/onboarding.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/secret.h"
#include "base/timefmt.h"
#include "core/clock.h"
#include "core/deadline.h"
#include "core/formats.h"
#include "core/questionnaire.h"
#include "core/training.h"
#include "core/zone.h"
#include "app/clocks.h"
#include "app/mail_queue.h"
#include "app/questionnaire_def.h"

#define INVITATION_TTL (14 * 86400)

static char *local_text(struct op *o, int64_t t, const char *zone_name)
{
    const struct zone *z;
    if (zone_open(zone_name, &z) < 0)
        return op_instant_text(o, t);
    char s[26];
    zone_format_local(z, t, s);
    return arena_printf(o->a, "%s (%s)", s, zone_name);
}

int onb_event(struct op *o, const struct partner *p, const char *subject, const char *action,
              json_t *before, json_t *after)
{
    char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *f = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(before);
    json_decref(after);
    struct event e = {0};
    e.at = o->now;
    e.actor_id = o->who.user_id;
    e.partner_id = p->id;
    e.subject = (char *)(subject ? subject : arena_printf(o->a, "partner:%lld", (long long)p->id));
    e.action = (char *)action;
    e.before = b;
    e.after = f;
    int rc = store_event_add(o->db, &e);
    free(b);
    free(f);
    return rc;
}

/* Moves the partner to a stage, with its audit event. */
static int set_stage(struct op *o, const struct partner *p, enum stage to, const char *why)
{
    int rc = store_partner_set_stage(o->db, p->id, stage_name(to), o->now);
    if (rc < 0)
        return rc;
    json_t *after = json_pack("{s:s}", "stage", stage_name(to));
    if (why)
        json_object_set_new(after, "why", json_string(why));
    return onb_event(o, p, NULL, "partner.stage", json_pack("{s:s}", "stage", p->stage), after);
}

/* ---- messages ---- */

/* Queues one message; vars are borrowed. A render error refuses the step (500). */
static int send(struct op *o, const struct partner *p, const char *to_email, int64_t to_user,
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
        op_refuse(o, OP_FAILED, "message_failed", "the message '%s' could not be prepared: %s", tmpl,
                   buf_str(&err));
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
    enum role role; /* for staff_with_role */
};

static int send_to_user(const struct user *u, void *arg)
{
    struct recipients *r = arg;
    if (u->role != ROLE_PARTNER && u->role != ROLE_POSTHOUSE && u->role != r->role)
        return 0;
    r->n++;
    r->rc = send(r->o, r->p, u->email, u->id, r->tmpl, r->vars);
    return r->rc < 0;
}

int onb_send_partner(struct op *o, const struct partner *p, const char *tmpl, json_t *vars)
{
    struct recipients r = {o, p, tmpl, vars, 0, 0, ROLE_PARTNER};
    int rc = store_user_each_of_partner(o->db, o->a, p->id, send_to_user, &r);
    if (rc < 0)
        return rc;
    if (r.rc < 0)
        return r.rc;
    return r.n ? 0 : send(o, p, p->contact_email, 0, tmpl, vars);
}

int onb_send_user(struct op *o, const struct partner *p, int64_t user_id, const char *tmpl,
                  json_t *vars)
{
    if (!user_id)
        return 0;
    struct user u;
    int rc = store_user_by_id(o->db, o->a, user_id, &u);
    if (rc < 0)
        return rc == STORE_ERR_NOT_FOUND ? 0 : rc;
    return send(o, p, u.email, u.id, tmpl, vars);
}

static int send_role_user(const struct user *u, void *arg)
{
    struct recipients *r = arg;
    if (u->role != r->role)
        return 0;
    r->n++;
    r->rc = send(r->o, r->p, u->email, u->id, r->tmpl, r->vars);
    return r->rc < 0;
}

/* Sends to every user of a staff role (commercial). */
static int send_role(struct op *o, const struct partner *p, enum role role, const char *tmpl,
                     json_t *vars)
{
    struct recipients r = {o, p, tmpl, vars, 0, 0, role};
    int rc = store_user_each(o->db, o->a, send_role_user, &r);
    return rc < 0 ? rc : r.rc;
}

/* ---- facts ---- */

int onb_facts(struct op *o, const struct partner *p, struct lifecycle_facts *f)
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

/* Refuses with 409 unless step is allowed now. */
static int allowed(struct op *o, const struct partner *p, enum step step)
{
    struct lifecycle_facts f;
    int rc = onb_facts(o, p, &f);
    if (rc < 0)
        return op_failed(o, rc);
    char why[256];
    if (!lifecycle_may(step, &f, why, sizeof why))
        return op_refuse(o, OP_CONFLICT, "illegal_transition", "%s", why);
    return 0;
}

/* ---- clocks of a subject ---- */

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

int onb_close_clocks(struct op *o, const char *subject, const char *kind, const char *state,
                     const char *reason)
{
    struct close_ctx x = {o, state, reason, 0};
    int rc = store_clock_each_open_of_subject(o->db, o->a, subject, kind, close_one, &x);
    return rc < 0 ? rc : x.rc;
}

int onb_start_clock(struct op *o, const struct partner *p, const char *kind, const char *subject,
                    int64_t start, int64_t *id)
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

/* ---- the questionnaire ---- */

/* Ensures the partner has a first user for its contact email; sends an invitation when the user
 * has no password yet. Sets *email. */
static int invite_contact(struct op *o, const struct partner *p, const char *email_in,
                          const char *tmpl, json_t *vars, const char **email)
{
    struct user u;
    const char *addr = email_in && *email_in ? email_in : p->contact_email;
    int rc = store_user_by_email(o->db, o->a, addr, &u);
    if (rc == STORE_OK && u.partner_id != p->id)
        return op_refuse(
            o, OP_CONFLICT, "email_taken",
            "%s already has an account with another organisation; use another address", addr);
    if (rc == STORE_ERR_NOT_FOUND) {
        memset(&u, 0, sizeof u);
        u.email = (char *)addr;
        u.name = (char *)addr;
        u.role = p->posthouse ? ROLE_POSTHOUSE : ROLE_PARTNER;
        u.partner_id = p->id;
        u.created_at = o->now;
        if ((rc = store_user_add(o->db, &u, &u.id)) < 0)
            return rc;
        if ((rc = onb_event(o, p, arena_printf(o->a, "user:%lld", (long long)u.id), "user.create",
                            NULL,
                            json_pack("{s:s, s:s}", "email", addr, "role", role_name(u.role)))) < 0)
            return rc;
    } else if (rc < 0) {
        return rc;
    }
    *email = arena_strdup(o->a, addr);
    if (!u.password_hash || !*u.password_hash) {
        char token[SECRET_TOKEN_LEN + 1], hash[SECRET_HASH_LEN + 1];
        secret_token(token);
        secret_hash(token, hash);
        if ((rc = store_invitation_add(o->db, hash, u.id, o->now, o->now + INVITATION_TTL)) < 0)
            return rc;
        /* sealed: the outbox must not keep what the invitations table keeps only hashed */
        const char *link = mail_link_seal(o->a, o->base_url, token);
        if (!link)
            return op_refuse(o, OP_FAILED, "no_key",
                              "invitation links cannot be sealed: this process has no key file "
                              "(secret.key in the data directory)");
        json_object_set_new(vars, "invitation_link", json_string(link));
        json_object_set_new(vars, "expires_utc",
                            json_string(op_instant_text(o, o->now + INVITATION_TTL)));
    } else {
        json_object_set_new(
            vars, "invitation_link",
            json_string(arena_printf(o->a, "%s/ (sign in with your password)", o->base_url)));
        json_object_set_new(vars, "expires_utc", json_string("-"));
    }
    json_object_set_new(vars, "name", json_string(u.name && *u.name ? u.name : addr));
    if (!json_object_get(vars, "link"))
        json_object_set(vars, "link", json_object_get(vars, "invitation_link"));
    return send(o, p, addr, u.id, tmpl, vars);
}

int onb_send_questionnaire(struct op *o, const struct partner *p)
{
    int rc = allowed(o, p, STEP_SEND_QUESTIONNAIRE);
    if (rc < 0)
        return rc;
    const struct questionnaire_def *def = questionnaire_current();
    if (!def)
        return op_refuse(o, OP_FAILED, "no_questionnaire", "no questionnaire is loaded on this server");
    struct answers_row row;
    rc = store_answers_get(o->db, o->a, p->id, &row);
    if (rc == STORE_ERR_NOT_FOUND) {
        memset(&row, 0, sizeof row);
        row.partner_id = p->id;
        row.version = (char *)def->version;
        row.answers = "{}";
        row.status = "draft";
        rc = STORE_OK;
    }
    if (rc < 0)
        return op_failed(o, rc);
    row.sent_at = o->now;
    row.updated_at = o->now;
    if ((rc = store_answers_put(o->db, &row)) < 0)
        return op_failed(o, rc);
    if (!strcmp(p->stage, "invited") && (rc = set_stage(o, p, STAGE_QUESTIONNAIRE, NULL)) < 0)
        return op_failed(o, rc);
    if (!p->cam_id && o->who.role == ROLE_CAM &&
        (rc = store_partner_set_owner(o->db, p->id, "cam", o->who.user_id)) < 0)
        return op_failed(o, rc);
    json_t *vars = json_pack(
        "{s:s, s:s}", "link",
        arena_printf(o->a, "%s/partners/%lld/questionnaire", o->base_url, (long long)p->id),
        "version", row.version);
    const char *email;
    rc = invite_contact(o, p, NULL, "questionnaire_sent", vars, &email);
    json_decref(vars);
    if (rc < 0)
        return op_failed(o, rc);
    return onb_event(o, p, NULL, "questionnaire.send", NULL,
                     json_pack("{s:s, s:s}", "to", email, "version", row.version));
}

/* True when id names an onboarded posthouse of the directory (validation's callback). */
static bool posthouse_listed(void *arg, int64_t id)
{
    struct op *o = arg;
    struct partner ph;
    return store_partner_get(o->db, o->a, id, &ph) == 0 && ph.posthouse &&
           !strcmp(ph.stage, "steady_state");
}

static void answers_context(struct op *o, const struct partner *p, struct qn_context *ctx)
{
    const struct zone *z;
    ctx->today = zone_open(p->time_zone, &z) == 0 ? zone_local_day(z, o->now) : QN_NO_DAY;
    ctx->posthouse_listed = posthouse_listed;
    ctx->arg = o;
}

/* Refuses a validation result with 422: incomplete (missing keys) or invalid (the errors). */
static int refuse_answers(struct op *o, int qrc, struct qn_result *res)
{
    json_t *fields = json_array();
    size_t i;
    json_t *e;
    if (qrc == QN_ERR_INCOMPLETE) {
        json_array_extend(fields, res->missing);
        o->err.extra = json_pack("{s:o, s:O}", "fields", fields, "errors", res->errors);
        return op_refuse(o, OP_INVALID, "incomplete", "%zu required answer%s missing: %s",
                          json_array_size(res->missing),
                          json_array_size(res->missing) == 1 ? " is" : "s are",
                          "see 'fields' and 'errors'");
    }
    json_array_foreach(res->errors, i, e) {
        json_t *key = json_object_get(e, "key");
        if (json_is_string(key))
            json_array_append(fields, key);
    }
    json_t *first = json_array_get(res->errors, 0);
    o->err.extra = json_pack("{s:o, s:O}", "fields", fields, "errors", res->errors);
    return op_refuse(o, OP_INVALID, "invalid", "%s",
                      first ? json_string_value(json_object_get(first, "message"))
                            : "the answers are not valid");
}

/* The stored answers of a partner and their definition. */
static int load_answers(struct op *o, const struct partner *p, struct answers_row *row,
                        const struct questionnaire **q)
{
    int rc = store_answers_get(o->db, o->a, p->id, row);
    if (rc == STORE_ERR_NOT_FOUND)
        return op_refuse(o, OP_CONFLICT, "illegal_transition",
                          "the questionnaire has not been sent to this partner yet");
    if (rc < 0)
        return op_failed(o, rc);
    *q = questionnaire_of_version(o->db, row->version);
    if (!*q)
        return op_refuse(o, OP_FAILED, "no_questionnaire", "questionnaire version %s is not available",
                          row->version);
    return 0;
}

int onb_training_facts(struct op *o, const struct partner *p, struct training_facts *facts)
{
    memset(facts, 0, sizeof *facts);
    struct answers_row row;
    int rc = store_answers_get(o->db, o->a, p->id, &row);
    if (rc == STORE_ERR_NOT_FOUND)
        return 0;
    if (rc < 0)
        return rc;
    json_t *answers = json_loads(row.answers, 0, NULL);
    questionnaire_training_facts(answers, facts);
    json_decref(answers);
    return 0;
}

int onb_answer(struct op *o, const struct partner *p, json_t *patch, bool submit)
{
    int rc = allowed(o, p, submit ? STEP_SUBMIT : STEP_ANSWER);
    if (rc < 0)
        return rc;
    struct answers_row row;
    const struct questionnaire *q;
    if ((rc = load_answers(o, p, &row, &q)) < 0)
        return rc;
    json_t *stored = json_loads(row.answers, 0, NULL);
    json_t *answers = submit ? json_incref(stored) : questionnaire_merge(stored, patch);
    json_decref(stored);
    struct qn_context ctx;
    answers_context(o, p, &ctx);
    struct qn_result res = {0};
    int qrc = questionnaire_validate(q, answers, submit ? QN_SUBMIT : QN_PARTIAL, &ctx, &res);
    json_decref(answers);
    if (qrc != QN_OK) {
        rc = refuse_answers(o, qrc, &res);
        qn_result_free(&res);
        return rc;
    }
    char *text = json_dumps(res.clean, JSON_COMPACT | JSON_SORT_KEYS);
    row.answers = arena_strdup(o->a, text);
    free(text);
    row.updated_at = o->now;
    if (submit) {
        row.status = "submitted";
        row.submitted_at = o->now;
        row.submitted_by = o->who.user_id;
    }
    if ((rc = store_answers_put(o->db, &row)) < 0) {
        qn_result_free(&res);
        return op_failed(o, rc);
    }
    if (!submit) {
        qn_result_free(&res);
        return onb_event(o, p, NULL, "questionnaire.save", NULL, NULL);
    }
    /* Submitted: setup begins, its 10-day clock starts, the answers drive the plan's defaults. */
    enum training_module mods[TRAINING_N_MODULES];
    size_t n = questionnaire_training_defaults(res.clean, mods);
    json_t *modules = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(modules, json_string(training_module_name(mods[i])));
    char *mtext = json_dumps(modules, JSON_COMPACT);
    struct training_facts facts;
    questionnaire_training_facts(res.clean, &facts);
    rc = store_partner_set_plan(o->db, p->id, mtext, training_is_skipped(&facts));
    free(mtext);
    json_t *ph = json_object_get(res.clean, QN_KEY_POSTHOUSE_ID);
    const char *method = json_string_value(json_object_get(res.clean, QN_KEY_DELIVERY_METHOD));
    int64_t agent = 0;
    if (method && !strcmp(method, "posthouse") && ph)
        agent = json_is_integer(ph)  ? json_integer_value(ph)
                : json_is_string(ph) ? strtoll(json_string_value(ph), NULL, 10)
                                     : 0;
    if (rc == 0 && agent)
        rc = store_partner_set_agent(o->db, p->id, agent);
    for (int i = 0; rc == 0 && i < ITEM_N; i++)
        rc = store_setup_set(o->db, p->id, setup_item_name((enum setup_item)i), "pending", 0, NULL,
                             o->now);
    qn_result_free(&res);
    if (rc == 0)
        rc = set_stage(o, p, STAGE_SETUP, "questionnaire submitted");
    int64_t clock;
    if (rc == 0)
        rc = onb_start_clock(o, p, "setup_10d",
                             arena_printf(o->a, "partner:%lld", (long long)p->id), o->now, &clock);
    if (rc < 0) {
        json_decref(modules);
        return op_failed(o, rc);
    }
    return onb_event(o, p, NULL, "questionnaire.submit", NULL,
                     json_pack("{s:s, s:o, s:b, s:o}", "version", row.version, "modules", modules,
                               "training_skipped", training_is_skipped(&facts), "agent",
                               agent ? json_integer(agent) : json_null()));
}

/* ---- posthouses ---- */

struct fit_ctx {
    struct format_set need;
    json_t *list;
};

static int add_if_fits(const struct partner *ph, void *arg)
{
    struct fit_ctx *x = arg;
    if (!ph->posthouse)
        return 0;
    json_t *formats = json_loads(ph->approved_formats ? ph->approved_formats : "[]", 0, NULL);
    struct format_set have = {0};
    size_t i;
    json_t *f;
    json_array_foreach(formats, i, f) {
        if (json_is_string(f))
            format_set_add(&have, json_string_value(f));
    }
    if (format_set_covers(&have, &x->need))
        json_array_append_new(x->list,
                              json_pack("{s:I, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)ph->id,
                                        "name", ph->name, "contact_email", ph->contact_email,
                                        "time_zone", ph->time_zone, "alias",
                                        ph->alias ? json_string(ph->alias) : json_null(),
                                        "approved_formats", formats));
    else
        json_decref(formats);
    return 0;
}

int onb_fitting_posthouses(struct op *o, const struct partner *p, json_t **out)
{
    struct fit_ctx x = {{0}, json_array()};
    if (p) {
        struct answers_row row;
        if (store_answers_get(o->db, o->a, p->id, &row) == 0) {
            json_t *answers = json_loads(row.answers, 0, NULL);
            questionnaire_intended_formats(answers, &x.need);
            json_decref(answers);
        }
    }
    int rc = store_partner_each(o->db, o->a, "steady_state", 0, add_if_fits, &x);
    if (rc < 0) {
        json_decref(x.list);
        return rc;
    }
    *out = x.list;
    return 0;
}

/* ---- setup ---- */

int onb_setup_item(struct op *o, const struct partner *p, enum setup_item item, bool done,
                   const char *value, json_t **secret)
{
    *secret = NULL;
    int rc = allowed(o, p, STEP_SETUP_ITEM);
    if (rc < 0)
        return rc;
    const char *stored = NULL;
    if (!done) {
        stored = NULL;
    } else if (item == ITEM_ALIAS) {
        if (!value || !lifecycle_alias_ok(value))
            return op_refuse(o, OP_INVALID, "invalid",
                              "the partner alias must be 3 to 32 characters of a-z, 0-9 and _ "
                              "(got '%s')",
                              value ? value : "");
        rc = store_partner_set_alias(o->db, p->id, value);
        if (rc == STORE_ERR_CONFLICT)
            return op_refuse(o, OP_CONFLICT, "alias_taken", "the partner alias '%s' is already taken",
                              value);
        if (rc < 0)
            return op_failed(o, rc);
        stored = value;
    } else if (item == ITEM_TRANSFER) {
        char token[SECRET_TOKEN_LEN + 1], hash[SECRET_HASH_LEN + 1];
        secret_token(token);
        secret_hash(token, hash);
        const char *username =
            p->alias ? p->alias : arena_printf(o->a, "partner%lld", (long long)p->id);
        if ((rc = store_transfer_set(o->db, p->id, username, hash, o->now)) < 0)
            return op_failed(o, rc);
        *secret = json_pack("{s:s, s:s, s:s}", "username", username, "token", token, "upload_url",
                            arena_printf(o->a, "%s/files/", o->base_url));
        stored = username;
    } else {
        json_t *vars = json_object();
        const char *email;
        rc = invite_contact(o, p, value, "invitation", vars, &email);
        json_decref(vars);
        if (rc < 0)
            return op_failed(o, rc);
        stored = email;
    }
    if ((rc = store_setup_set(o->db, p->id, setup_item_name(item), done ? "done" : "pending",
                              o->who.user_id, stored, o->now)) < 0)
        return op_failed(o, rc);
    return onb_event(o, p, NULL, "setup.item", NULL,
                     json_pack("{s:s, s:s, s:o}", "item", setup_item_name(item), "status",
                               done ? "done" : "pending", "value",
                               stored ? json_string(stored) : json_null()));
}

int onb_plan(struct op *o, const struct partner *p, json_t *modules)
{
    int rc = allowed(o, p, STEP_PLAN);
    if (rc < 0)
        return rc;
    if (!json_is_array(modules))
        return op_refuse(o, OP_INVALID, "invalid", "'modules' must be a list of training modules");
    struct training_facts facts;
    if ((rc = onb_training_facts(o, p, &facts)) < 0)
        return op_failed(o, rc);
    const char *names[8];
    size_t n = 0;
    size_t i;
    json_t *m;
    json_array_foreach(modules, i, m) {
        if (!json_is_string(m) || n == 8)
            return op_refuse(o, OP_INVALID, "invalid",
                              "'modules' holds module names such as avails_review");
        names[n++] = json_string_value(m);
    }
    char *why = NULL;
    int trc = training_plan_check(names, n, &facts, &why);
    if (trc < 0) {
        op_refuse(o, OP_INVALID, "plan_not_allowed", "%s", why ? why : training_err_name(trc));
        free(why);
        return OP_REFUSED;
    }
    free(why);
    char *text = json_dumps(modules, JSON_COMPACT);
    rc = store_partner_set_plan(o->db, p->id, text, n == 0 && facts.already_onboarded);
    free(text);
    if (rc < 0)
        return op_failed(o, rc);
    return onb_event(o, p, NULL, "training.plan",
                     json_pack("{s:o}", "modules", json_loads(p->training_modules, 0, NULL)),
                     json_pack("{s:O}", "modules", modules));
}

int onb_confirm(struct op *o, const struct partner *p)
{
    int rc = allowed(o, p, STEP_CONFIRM);
    if (rc < 0)
        return rc;
    struct lifecycle_facts f;
    if ((rc = onb_facts(o, p, &f)) < 0)
        return op_failed(o, rc);
    const char *subject = arena_printf(o->a, "partner:%lld", (long long)p->id);
    if ((rc = onb_close_clocks(o, subject, "setup_10d", "met", "setup confirmed")) < 0)
        return op_failed(o, rc);
    enum stage to = lifecycle_after_confirm(&f);
    if (!p->pim_id && o->who.role == ROLE_PIM &&
        (rc = store_partner_set_owner(o->db, p->id, "pim", o->who.user_id)) < 0)
        return op_failed(o, rc);
    if ((rc = set_stage(o, p, to,
                        to == STAGE_STEADY ? "training skipped: already onboarded"
                                           : "setup confirmed")) < 0)
        return op_failed(o, rc);
    if (to == STAGE_TRAINING) {
        int64_t id;
        if ((rc = onb_start_clock(o, p, "training_30d", subject, o->now, &id)) < 0)
            return op_failed(o, rc);
    }
    return 0;
}

/* Checks that user_id has the role; refuses with 422 naming the field otherwise. */
static int user_with_role(struct op *o, int64_t user_id, enum role role, const char *field)
{
    struct user u;
    int rc = store_user_by_id(o->db, o->a, user_id, &u);
    if (rc == STORE_ERR_NOT_FOUND || (rc == STORE_OK && u.role != role)) {
        o->err.extra = json_pack("{s:[s]}", "fields", field);
        return op_refuse(o, OP_INVALID, "invalid", "'%s' must be the id of a %s user", field,
                          role_name(role));
    }
    return rc < 0 ? op_failed(o, rc) : 0;
}

int onb_set_owners(struct op *o, const struct partner *p, json_t *owners)
{
    static const struct {
        const char *key;
        enum role role;
    } kinds[] = {{"cam", ROLE_CAM}, {"pim", ROLE_PIM}, {"pom", ROLE_POM}, {"plm", ROLE_PLM}};
    json_t *before = json_pack("{s:I, s:I, s:I, s:I}", "cam", (json_int_t)p->cam_id, "pim",
                               (json_int_t)p->pim_id, "pom", (json_int_t)p->pom_id, "plm",
                               (json_int_t)p->plm_id);
    json_t *after = json_object();
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof kinds / sizeof kinds[0]; i++) {
        json_t *v = json_object_get(owners, kinds[i].key);
        if (!v)
            continue;
        int64_t id = json_is_integer(v) ? json_integer_value(v) : 0;
        if (!json_is_null(v) && (rc = user_with_role(o, id, kinds[i].role, kinds[i].key)) < 0)
            break;
        rc = store_partner_set_owner(o->db, p->id, kinds[i].key, id);
        json_object_set_new(after, kinds[i].key, id ? json_integer(id) : json_null());
    }
    if (rc < 0) {
        json_decref(before);
        json_decref(after);
        return op_failed(o, rc);
    }
    return onb_event(o, p, NULL, "partner.owners", before, after);
}

/* ---- requests ---- */

const char *onb_request_subject(struct op *o, int64_t id)
{
    return arena_printf(o->a, "request:%lld", (long long)id);
}

/* Starts the 48-hour delivery clock and the response clock of a request; fills vars with due times.
 */
static int start_request_clocks(struct op *o, const struct partner *p, int64_t request_id,
                                json_t *vars)
{
    const char *subject = onb_request_subject(o, request_id);
    int64_t d, r;
    int rc = onb_start_clock(o, p, "delivery_48h", subject, o->now, &d);
    if (rc == 0)
        rc = onb_start_clock(o, p, "response_3wd", subject, o->now, &r);
    if (rc < 0)
        return rc;
    int64_t due = onb_open_clock_due(o, subject, "delivery_48h");
    int64_t resp = onb_open_clock_due(o, subject, "response_3wd");
    json_object_set_new(vars, "due_utc", json_string(op_instant_text(o, due)));
    json_object_set_new(vars, "due_local", json_string(local_text(o, due, p->time_zone)));
    json_object_set_new(vars, "time_zone", json_string(p->time_zone));
    json_object_set_new(vars, "respond_by_utc", json_string(op_instant_text(o, resp)));
    json_object_set_new(vars, "respond_by_local", json_string(local_text(o, resp, p->time_zone)));
    return 0;
}

struct due_ctx {
    int64_t due;
};

static int take_due(const struct clock_row *c, void *arg)
{
    ((struct due_ctx *)arg)->due = c->due_at;
    return 1;
}

int64_t onb_open_clock_due(struct op *o, const char *subject, const char *kind)
{
    struct due_ctx x = {0};
    store_clock_each_open_of_subject(o->db, o->a, subject, kind, take_due, &x);
    return x.due;
}

int onb_request(struct op *o, const struct partner *p, const char *kind, const char *title,
                const char *note, int64_t *request_id)
{
    int rc = allowed(o, p, STEP_REQUEST);
    if (rc < 0)
        return rc;
    if (strcmp(kind, "avails") && strcmp(kind, "asset_package")) {
        o->err.extra = json_pack("{s:[s]}", "fields", "kind");
        return op_refuse(o, OP_INVALID, "invalid", "'kind' is avails or asset_package (got '%s')", kind);
    }
    if (!*title || strlen(title) > 300) {
        o->err.extra = json_pack("{s:[s]}", "fields", "title");
        return op_refuse(o, OP_INVALID, "invalid", "'title' must be 1 to 300 characters");
    }
    enum stage st = stage_parse(p->stage);
    struct request_row r = {0};
    r.partner_id = p->id;
    r.kind = (char *)kind;
    r.title = (char *)title;
    r.note = (char *)note;
    r.phase = st == STAGE_STEADY ? "steady_state" : "training";
    r.status = "open";
    r.issued_at = o->now;
    r.issued_by = o->who.user_id;
    if ((rc = store_request_add(o->db, &r, request_id)) < 0)
        return op_failed(o, rc);
    if (!p->pim_id && o->who.role == ROLE_PIM &&
        (rc = store_partner_set_owner(o->db, p->id, "pim", o->who.user_id)) < 0)
        return op_failed(o, rc);
    json_t *vars = json_pack(
        "{s:s, s:s, s:s, s:s, s:I}", "title", title, "kind", kind, "note", note ? note : "", "link",
        arena_printf(o->a, "%s/requests/%lld", o->base_url, (long long)*request_id), "request_id",
        (json_int_t)*request_id);
    rc = start_request_clocks(o, p, *request_id, vars);
    if (rc == 0)
        rc = onb_send_partner(o, p, "request_issued", vars);
    json_decref(vars);
    if (rc < 0)
        return op_failed(o, rc);
    return onb_event(o, p, onb_request_subject(o, *request_id), "request.issue", NULL,
                     json_pack("{s:s, s:s, s:s}", "kind", kind, "title", title, "phase", r.phase));
}

int onb_rerequest(struct op *o, const struct request_row *r, const char *reason)
{
    struct partner p;
    int rc = store_partner_get(o->db, o->a, r->partner_id, &p);
    if (rc < 0)
        return op_failed(o, rc);
    if ((rc = allowed(o, &p, STEP_REQUEST)) < 0)
        return rc;
    const char *subject = onb_request_subject(o, r->id);
    if ((rc = onb_close_clocks(o, subject, NULL, "cancelled", "re-requested")) < 0 ||
        (rc = store_request_rerequest(o->db, r->id, o->now)) < 0)
        return op_failed(o, rc);
    json_t *vars =
        json_pack("{s:s, s:s, s:s, s:s, s:I}", "title", r->title, "kind", r->kind, "reason", reason,
                  "link", arena_printf(o->a, "%s/requests/%lld", o->base_url, (long long)r->id),
                  "request_id", (json_int_t)r->id);
    rc = start_request_clocks(o, &p, r->id, vars);
    if (rc == 0)
        rc = onb_send_partner(o, &p, "rerequest", vars);
    json_decref(vars);
    if (rc < 0)
        return op_failed(o, rc);
    return onb_event(o, &p, subject, "request.rerequest", json_pack("{s:s}", "status", r->status),
                     json_pack("{s:s, s:s, s:I}", "status", "open", "reason", reason, "rerequests",
                               (json_int_t)(r->n_rerequests + 1)));
}

int onb_message(struct op *o, const struct request_row *r, const char *body, bool from_partner)
{
    if (!*body || strlen(body) > 20000)
        return op_refuse(o, OP_INVALID, "invalid", "a message is 1 to 20,000 characters");
    struct partner p;
    int rc = store_partner_get(o->db, o->a, r->partner_id, &p);
    if (rc < 0)
        return op_failed(o, rc);
    struct message_row m = {0};
    m.request_id = r->id;
    m.author_id = o->who.user_id;
    m.from_partner = from_partner;
    m.body = (char *)body;
    m.at = o->now;
    int64_t id;
    if ((rc = store_message_add(o->db, &m, &id)) < 0)
        return op_failed(o, rc);
    /* The partner's response stops the response clock: the service answers next. */
    if (from_partner && (rc = onb_close_clocks(o, onb_request_subject(o, r->id), "response_3wd",
                                               "met", "the partner responded")) < 0)
        return op_failed(o, rc);
    return onb_event(
        o, &p, onb_request_subject(o, r->id), "request.message", NULL,
        json_pack("{s:I, s:b}", "message", (json_int_t)id, "from_partner", from_partner));
}

struct pause_ctx {
    struct op *o;
    const char *reason;
    bool pause;
    int rc;
    int n;
};

static int pause_one(const struct clock_row *c, void *arg)
{
    struct pause_ctx *x = arg;
    struct buf err = {0};
    struct clocks_actor who = {x->o->who.user_id, x->reason};
    if (x->pause && !strcmp(c->state, "running")) {
        x->rc = clocks_pause(x->o->db, x->o->a, c->id, &who, x->o->now, &err);
        x->n++;
    } else if (!x->pause && !strcmp(c->state, "paused")) {
        x->rc = clocks_resume(x->o->db, x->o->a, c->id, &who, x->o->now, &err);
        x->n++;
    }
    if (x->rc == CLOCKS_ERR_STATE || x->rc == CLOCKS_ERR_KIND)
        x->rc = 0; /* a clock already due cannot pause: leave it */
    buf_free(&err);
    return x->rc < 0;
}

int onb_pause(struct op *o, const struct request_row *r, const char *reason, bool pause)
{
    struct pause_ctx x = {o, reason, pause, 0, 0};
    int rc = store_clock_each_open_of_subject(o->db, o->a, onb_request_subject(o, r->id), NULL,
                                              pause_one, &x);
    if (rc < 0 || x.rc < 0)
        return op_failed(o, rc < 0 ? rc : x.rc);
    if (x.n == 0)
        return op_refuse(o, OP_CONFLICT, "clock_state",
                          pause ? "no running clock of this request to pause"
                                : "no paused clock of this request to resume");
    return 0;
}

/* ---- decisions, completion, alternate solutions ---- */

/* "SD, HD, UHD, ...": the format vocabulary, for messages. */
static const char *format_names_text(struct op *o)
{
    size_t n;
    const struct format_def *all = formats_all(&n);
    struct buf b = {0};
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", all[i].name);
    char *s = arena_strdup(o->a, buf_str(&b));
    buf_free(&b);
    return s;
}

struct cancel_ctx {
    struct op *o;
    const char *reason;
    int rc;
};

static int cancel_training_request(const struct request_row *r, void *arg)
{
    struct cancel_ctx *x = arg;
    if (strcmp(r->phase, "training"))
        return 0;
    x->rc = onb_close_clocks(x->o, onb_request_subject(x->o, r->id), "response_3wd", "cancelled",
                             x->reason);
    return x->rc < 0;
}

/* Cancels the response clocks of the partner's training requests (training stopped or over). */
static int cancel_training_responses(struct op *o, const struct partner *p, const char *reason)
{
    struct cancel_ctx x = {o, reason, 0};
    int rc = store_request_each_of_partner(o->db, o->a, p->id, cancel_training_request, &x);
    return rc < 0 ? rc : x.rc;
}

int onb_decide(struct op *o, const struct partner *p, const char *action, const char *note,
               json_t **proposal)
{
    *proposal = NULL;
    int rc = allowed(o, p, STEP_DECIDE);
    if (rc < 0)
        return rc;
    if (strcmp(action, "stop") && strcmp(action, "escalate") &&
        strcmp(action, "propose_posthouse") && strcmp(action, "continue")) {
        o->err.extra = json_pack("{s:[s]}", "fields", "action");
        return op_refuse(o, OP_INVALID, "invalid",
                          "'action' is stop, escalate, propose_posthouse or continue (got '%s')",
                          action);
    }
    if ((rc = store_decision_add(o->db, p->id, action, note, o->who.user_id, o->now)) < 0 ||
        (rc = store_partner_set_decision(o->db, p->id, false)) < 0)
        return op_failed(o, rc);
    if (!strcmp(action, "stop")) {
        if ((rc = cancel_training_responses(o, p, "training stopped")) < 0 ||
            (rc = set_stage(o, p, STAGE_STOPPED, note)) < 0)
            return op_failed(o, rc);
    } else if (!strcmp(action, "escalate")) {
        if (strcmp(p->stage, "escalated") && (rc = set_stage(o, p, STAGE_ESCALATED, note)) < 0)
            return op_failed(o, rc);
        json_t *vars = json_pack("{s:I, s:s, s:s}", "warnings", (json_int_t)p->warnings, "note",
                                 note ? note : "", "decision", "escalated to the commercial team");
        rc = send_role(o, p, ROLE_COMMERCIAL, "escalation", vars);
        if (rc == 0)
            rc = onb_send_user(o, p, p->cam_id, "escalation", vars);
        json_decref(vars);
        if (rc < 0)
            return op_failed(o, rc);
    } else if (!strcmp(action, "propose_posthouse")) {
        if ((rc = onb_fitting_posthouses(o, p, proposal)) < 0)
            return op_failed(o, rc);
    }
    return onb_event(o, p, NULL, "training.decision", NULL,
                     json_pack("{s:s, s:s}", "action", action, "note", note ? note : ""));
}

int onb_resume(struct op *o, const struct partner *p)
{
    int rc = allowed(o, p, STEP_RESUME);
    if (rc < 0)
        return rc;
    return set_stage(o, p, STAGE_TRAINING, "training resumed") < 0 ? op_failed(o, STORE_ERR) : 0;
}

/* Checks a list of approved formats against the vocabulary; *names gets a clean copy. */
static int check_formats(struct op *o, json_t *formats, json_t **names)
{
    if (!json_is_array(formats) || json_array_size(formats) == 0) {
        o->err.extra = json_pack("{s:[s]}", "fields", "approved_formats");
        return op_refuse(o, OP_INVALID, "invalid",
                          "'approved_formats' lists the formats the partner may deliver, e.g. "
                          "[\"HD\", \"SDR\", \"5.1\"]");
    }
    size_t i;
    json_t *f;
    *names = json_array();
    json_array_foreach(formats, i, f) {
        const struct format_def *def = json_is_string(f) ? format_find(json_string_value(f)) : NULL;
        if (!def) {
            json_decref(*names);
            *names = NULL;
            o->err.extra = json_pack("{s:[s]}", "fields", "approved_formats");
            return op_refuse(o, OP_INVALID, "invalid", "'%s' is not a known format (known: %s)",
                              json_is_string(f) ? json_string_value(f) : "(not text)",
                              format_names_text(o));
        }
        json_array_append_new(*names, json_string(def->name));
    }
    return 0;
}

int onb_set_formats(struct op *o, const struct partner *p, json_t *formats)
{
    if (strcmp(p->stage, "steady_state"))
        return op_refuse(o, OP_CONFLICT, "illegal_transition",
                          "approved formats are recorded when training completes; this partner is "
                          "in stage %s",
                          p->stage);
    json_t *names;
    int rc = check_formats(o, formats, &names);
    if (rc < 0)
        return rc;
    char *text = json_dumps(names, JSON_COMPACT);
    rc = store_partner_set_formats(o->db, p->id, text);
    free(text);
    if (rc < 0) {
        json_decref(names);
        return op_failed(o, rc);
    }
    return onb_event(
        o, p, NULL, "partner.approved_formats",
        json_pack("{s:o}", "approved_formats", json_loads(p->approved_formats, 0, NULL)),
        json_pack("{s:o}", "approved_formats", names));
}

int onb_complete(struct op *o, const struct partner *p, json_t *formats, int64_t pom_id)
{
    int rc = allowed(o, p, STEP_COMPLETE);
    if (rc < 0)
        return rc;
    json_t *names;
    if ((rc = check_formats(o, formats, &names)) < 0)
        return rc;
    if ((rc = user_with_role(o, pom_id, ROLE_POM, "pom")) < 0) {
        json_decref(names);
        return rc;
    }
    char *text = json_dumps(names, JSON_COMPACT);
    rc = store_partner_set_formats(o->db, p->id, text);
    free(text);
    const char *subject = arena_printf(o->a, "partner:%lld", (long long)p->id);
    if (rc == 0)
        rc = store_partner_set_owner(o->db, p->id, "pom", pom_id);
    if (rc == 0)
        rc = onb_close_clocks(o, subject, "training_30d", "met", "training completed");
    if (rc == 0)
        rc = cancel_training_responses(o, p, "training completed");
    if (rc == 0)
        rc = set_stage(o, p, STAGE_STEADY, "training completed");
    if (rc < 0) {
        json_decref(names);
        return op_failed(o, rc);
    }
    struct user pom, pim;
    store_user_by_id(o->db, o->a, pom_id, &pom);
    bool has_pim = p->pim_id && store_user_by_id(o->db, o->a, p->pim_id, &pim) == 0;
    json_t *vars =
        json_pack("{s:O, s:s, s:s, s:s}", "formats", names, "pom_name", pom.name, "pom_email",
                  pom.email, "pim_name", has_pim ? pim.name : "your Partner Integrations Manager");
    rc = onb_send_partner(o, p, "training_complete", vars);
    if (rc == 0)
        rc = onb_send_partner(o, p, "handover", vars);
    if (rc == 0)
        rc = send(o, p, pom.email, pom.id, "handover", vars);
    json_decref(vars);
    if (rc < 0) {
        json_decref(names);
        return op_failed(o, rc);
    }
    return onb_event(o, p, NULL, "training.complete", NULL,
                     json_pack("{s:o, s:I}", "approved_formats", names, "pom", (json_int_t)pom_id));
}

int onb_alternate(struct op *o, const struct partner *p, const char *reason)
{
    int rc = allowed(o, p, STEP_ALTERNATE);
    if (rc < 0)
        return rc;
    if (!*reason || strlen(reason) > 5000)
        return op_refuse(o, OP_INVALID, "invalid",
                          "say which deadline you cannot meet and why (1 to 5,000 characters)");
    int64_t id;
    if ((rc = store_alternate_add(o->db, p->id, reason, o->who.user_id, o->now, &id)) < 0)
        return op_failed(o, rc);
    struct user by;
    const char *who =
        store_user_by_id(o->db, o->a, o->who.user_id, &by) == 0 ? by.email : "the partner";
    json_t *vars = json_pack("{s:s, s:s}", "reason", reason, "requested_by", who);
    rc = onb_send_user(o, p, p->cam_id, "alternate_solution", vars);
    if (rc == 0)
        rc = onb_send_user(o, p, p->pim_id, "alternate_solution", vars);
    json_decref(vars);
    if (rc < 0)
        return op_failed(o, rc);
    return onb_event(o, p, NULL, "partner.alternate_solution", NULL,
                     json_pack("{s:I, s:s}", "id", (json_int_t)id, "reason", reason));
}

int onb_accept_invitation(struct op *o, const char *token, const char *password)
{
    char hash[SECRET_HASH_LEN + 1], pw_hash[SECRET_PWHASH_MAX];
    secret_hash(token, hash);
    int64_t user_id;
    int rc = store_invitation_use(o->db, hash, o->now, &user_id);
    if (rc == STORE_ERR_NOT_FOUND)
        return op_refuse(
            o, OP_NOT_FOUND, "invitation_invalid",
            "this invitation link is unknown, used or expired: ask your contact at the "
            "service for a new one");
    if (rc < 0)
        return op_failed(o, rc);
    if (strlen(password) < 10)
        return op_refuse(o, OP_INVALID, "invalid", "the password must have at least 10 characters");
    if (secret_password_hash(password, pw_hash) < 0 ||
        (rc = store_user_set_password(o->db, user_id, pw_hash)) < 0)
        return op_failed(o, rc < 0 ? rc : STORE_ERR);
    struct user u;
    if ((rc = store_user_by_id(o->db, o->a, user_id, &u)) < 0)
        return op_failed(o, rc);
    struct event e = {0};
    e.at = o->now;
    e.actor_id = user_id;
    e.partner_id = u.partner_id;
    e.subject = arena_printf(o->a, "user:%lld", (long long)user_id);
    e.action = "user.invitation_accepted";
    rc = store_event_add(o->db, &e);
    return rc < 0 ? op_failed(o, rc) : 0;
}

/* ---- what happens when a lifecycle clock breaches (run by the sweep) ---- */

/* The request a clock is about ("request:12"); 0 when it is about something else. */
static int64_t subject_request(const char *subject)
{
    return strncmp(subject, "request:", 8) == 0 ? strtoll(subject + 8, NULL, 10) : 0;
}

/*
 * A response clock breached: during training, warning n (n = the partner's
 * count + 1) is issued at the breach instant, mailed to the partner with a
 * copy to the pim, and the next response clock on the same request starts at
 * that instant; the third (and every later) warning asks the pim to decide
 * and notifies the pim, the cam and commercial. In steady state the breach
 * is only recorded (the sweep already logged it).
 */
static int on_response_breach(struct db *db, struct arena *a, const struct clock_row *c,
                              int64_t now)
{
    (void)now;
    struct op o;
    op_init(&o, db, a, c->due_at, NULL, app_public_url());
    int64_t rid = subject_request(c->subject);
    struct request_row r;
    struct partner p;
    int rc = rid ? store_request_get(db, a, rid, &r) : STORE_ERR_NOT_FOUND;
    if (rc == STORE_ERR_NOT_FOUND) {
        rc = 0; /* a response clock on something else: the breach record is all */
        goto done;
    }
    if (rc == 0)
        rc = store_partner_get(db, a, r.partner_id, &p);
    if (rc < 0 || strcmp(r.phase, "training") || !lifecycle_in_training(stage_parse(p.stage)))
        goto done;
    int64_t n;
    if ((rc = store_partner_add_warning(db, p.id, &n)) < 0)
        goto done;
    struct warning_row w = {0};
    w.partner_id = p.id;
    w.request_id = r.id;
    w.clock_id = c->id;
    w.number = n;
    w.issued_at = c->due_at;
    w.reason = arena_printf(a,
                            "no response or corrective action within 3 working days on request "
                            "\"%s\", due %s",
                            r.title, local_text(&o, c->due_at, p.time_zone));
    int64_t wid;
    if ((rc = store_warning_add(db, &w, &wid)) < 0)
        goto done;
    int64_t next;
    rc = onb_start_clock(&o, &p, "response_3wd", c->subject, clock_ladder_next_start(c->due_at),
                         &next);
    if (rc < 0)
        goto done;
    int64_t next_due = onb_open_clock_due(&o, c->subject, "response_3wd");
    json_t *vars = json_pack(
        "{s:I, s:s, s:s, s:s, s:s}", "n", (json_int_t)n, "request_title", r.title, "link",
        arena_printf(a, "%s/requests/%lld", o.base_url, (long long)r.id), "missed",
        arena_printf(a, "a response or corrective action by %s, %s", op_instant_text(&o, c->due_at),
                     local_text(&o, c->due_at, p.time_zone)),
        "action",
        arena_printf(a, "reply on the request or deliver: the next response is due by %s, %s",
                     op_instant_text(&o, next_due), local_text(&o, next_due, p.time_zone)));
    rc = onb_send_partner(&o, &p, "warning", vars);
    if (rc == 0)
        rc = onb_send_user(&o, &p, p.pim_id, "warning", vars);
    if (rc == 0)
        rc = onb_event(&o, &p, c->subject, "training.warning", NULL,
                       json_pack("{s:I, s:I, s:s}", "number", (json_int_t)n, "clock",
                                 (json_int_t)c->id, "reason", w.reason));
    if (rc == 0 && n >= 3) {
        json_object_set_new(vars, "warnings", json_integer(n));
        json_object_set_new(vars, "note", json_string(""));
        json_object_set_new(vars, "decision",
                            json_string("the PIM must decide: stop the training, escalate to "
                                        "the commercial team, propose a posthouse, or continue"));
        rc = store_partner_set_decision(db, p.id, true);
        if (rc == 0)
            rc = onb_send_user(&o, &p, p.pim_id, "escalation", vars);
        if (rc == 0)
            rc = onb_send_user(&o, &p, p.cam_id, "escalation", vars);
        if (rc == 0)
            rc = send_role(&o, &p, ROLE_COMMERCIAL, "escalation", vars);
        if (rc == 0)
            rc = onb_event(&o, &p, NULL, "training.decision_requested", NULL,
                           json_pack("{s:I}", "warnings", (json_int_t)n));
    }
    json_decref(vars);
done:
    if (rc == OP_REFUSED)
        fprintf(stderr, "vodgate: warning for clock %lld failed: %s\n", (long long)c->id,
                buf_str(&o.err.message));
    op_free(&o);
    return rc < 0 ? STORE_ERR : 0;
}

/* A 48-hour delivery clock breached: the request is late; the partner and its owner are told. */
static int on_delivery_breach(struct db *db, struct arena *a, const struct clock_row *c,
                              int64_t now)
{
    (void)now;
    struct op o;
    op_init(&o, db, a, c->due_at, NULL, app_public_url());
    int64_t rid = subject_request(c->subject);
    struct request_row r;
    struct partner p;
    int rc = rid ? store_request_get(db, a, rid, &r) : STORE_ERR_NOT_FOUND;
    if (rc == STORE_ERR_NOT_FOUND) {
        rc = 0;
        goto done;
    }
    if (rc == 0)
        rc = store_partner_get(db, a, r.partner_id, &p);
    if (rc == 0)
        rc = store_request_set_late(db, r.id);
    if (rc < 0)
        goto done;
    json_t *vars =
        json_pack("{s:s, s:s, s:s, s:s}", "title", r.title, "link",
                  arena_printf(a, "%s/requests/%lld", o.base_url, (long long)r.id), "due_utc",
                  op_instant_text(&o, c->due_at), "due_local", local_text(&o, c->due_at, p.time_zone));
    rc = onb_send_partner(&o, &p, "delivery_late", vars);
    if (rc == 0)
        rc = onb_send_user(&o, &p, strcmp(r.phase, "training") ? p.pom_id : p.pim_id,
                           "delivery_late", vars);
    json_decref(vars);
    if (rc == 0)
        rc = onb_event(&o, &p, c->subject, "request.late", NULL,
                       json_pack("{s:s}", "due_at", op_instant_text(&o, c->due_at)));
done:
    op_free(&o);
    return rc < 0 ? STORE_ERR : 0;
}

/* A setup, training or publishing cap breached: its owner hears of it. */
static int on_cap_breach(struct db *db, struct arena *a, const struct clock_row *c, int64_t now)
{
    (void)now;
    struct op o;
    op_init(&o, db, a, c->due_at, NULL, app_public_url());
    struct partner p;
    int rc = store_partner_get(db, a, c->partner_id, &p);
    if (rc == 0) {
        const struct deadline_kind *k = deadline_kind(c->kind);
        json_t *vars = json_pack("{s:s, s:s, s:s}", "what", k ? k->label : c->kind, "due_utc",
                                 op_instant_text(&o, c->due_at), "due_local",
                                 local_text(&o, c->due_at, p.time_zone));
        rc = onb_send_user(&o, &p, !strcmp(c->kind, "setup_10d") ? p.cam_id : p.pim_id,
                           "clock_breached", vars);
        if (rc == 0 && !strcmp(c->kind, "setup_10d"))
            rc = onb_send_user(&o, &p, p.pim_id, "clock_breached", vars);
        json_decref(vars);
    }
    op_free(&o);
    return rc < 0 ? STORE_ERR : 0;
}

/*
 * A clock is due within a day: partner-facing clocks (delivery, response)
 * remind the partner; caps remind their owner. Only while the promise still
 * matters: a training request's response clock in a stopped training is quiet.
 */
static int on_due_soon(struct db *db, struct arena *a, const struct clock_row *c, int64_t now)
{
    struct op o;
    op_init(&o, db, a, now, NULL, app_public_url());
    struct partner p;
    int rc = store_partner_get(db, a, c->partner_id, &p);
    if (rc < 0) {
        op_free(&o);
        return rc == STORE_ERR_NOT_FOUND ? 0 : STORE_ERR;
    }
    const struct deadline_kind *k = deadline_kind(c->kind);
    int64_t rid = subject_request(c->subject);
    json_t *vars =
        json_pack("{s:s, s:s, s:s}", "what", k ? k->label : c->kind, "due_utc",
                  op_instant_text(&o, c->due_at), "due_local", local_text(&o, c->due_at, p.time_zone));
    if (rid)
        json_object_set_new(
            vars, "link",
            json_string(arena_printf(a, "%s/requests/%lld", o.base_url, (long long)rid)));
    if (k && k->pausable)
        rc = onb_send_partner(&o, &p, "clock_due_soon", vars);
    else if (k && k->extendable)
        rc = onb_send_user(&o, &p, !strcmp(c->kind, "setup_10d") ? p.cam_id : p.pim_id,
                           "clock_due_soon", vars);
    json_decref(vars);
    op_free(&o);
    return rc < 0 ? STORE_ERR : 0;
}

const struct clock_handler onb_clock_handlers[] = {
    {"delivery_48h", on_delivery_breach, on_due_soon},
    {"response_3wd", on_response_breach, on_due_soon},
    {"setup_10d", on_cap_breach, on_due_soon},
    {"training_30d", on_cap_breach, on_due_soon},
    {"publish_14d", on_cap_breach, on_due_soon},
};
const int n_onb_clock_handlers = sizeof onb_clock_handlers / sizeof onb_clock_handlers[0];
