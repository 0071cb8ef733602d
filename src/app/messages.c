/*
 * The outbox as people read it: see messages.h. A page of messages and the
 * attempts on exactly those messages are two index range reads; the
 * attempts are hung on their messages through an id → attempt_log map.
 */
#include "app/messages.h"

#include <stdio.h>
#include <string.h>

#include "app/mail_queue.h"
#include "app/scope.h"
#include "base/now.h"
#include "core/signin.h"
#include "store/mail_store.h"

/* Who reads: the email the hidden links open for (NULL: nobody's). */
struct reader {
    struct op *o;
    const char *email;
};

/* The body as the reader may see it (in o's arena). */
static const char *body_for(const struct reader *v, const struct mail_row *m)
{
    struct buf b = {0};
    if (now_is_test() || (v->email && !strcmp(v->email, m->to_email)))
        mail_body_open(m->body, &b);
    else
        mail_body_hide(m->body, &b);
    const char *out = arena_strdup(v->o->a, buf_str(&b));
    buf_free(&b);
    return out;
}

static json_t *json_message(const struct reader *v, const struct mail_row *m)
{
    json_t *j = json_pack(
        "{s:I, s:s, s:o, s:o, s:s, s:s, s:s, s:o, s:o, s:I, s:s, s:o, s:o, s:[]}", "id",
        (json_int_t)m->id, "to", m->to_email, "to_user",
        m->to_user ? json_integer(m->to_user) : json_null(), "partner",
        m->partner_id ? json_integer(m->partner_id) : json_null(), "template", m->template_name,
        "subject", m->subject, "body", body_for(v, m), "created_at", app_json_time(m->created_at),
        "sent_at", app_json_time(m->sent_at), "attempts", (json_int_t)m->attempts, "state",
        m->state, "next_attempt_at", app_json_time(m->next_attempt_at), "last_reply",
        m->last_reply ? json_string(m->last_reply) : json_null(), "attempt_log");
    json_object_set_new(j, "message_id", json_string(m->message_id));
    return j;
}

/* The actor's own email (NULL for the system or nobody). */
static int reader_of(struct op *o, struct reader *v)
{
    v->o = o;
    v->email = NULL;
    if (!o->who.user_id)
        return 0;
    struct user u;
    int rc = store_user_by_id(o->db, o->a, o->who.user_id, &u);
    if (rc < 0)
        return op_failed(o, rc);
    v->email = u.email;
    return 0;
}

struct listing {
    const struct reader *v;
    json_t *list;  /* the answer's array */
    json_t *by_id; /* id -> the message's attempt_log (borrowed) */
    int64_t first_id, last_id;
};

static int add_message(const struct mail_row *m, void *ctx)
{
    struct listing *l = ctx;
    json_t *j = json_message(l->v, m);
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)m->id);
    json_object_set(l->by_id, key, json_object_get(j, "attempt_log"));
    json_array_append_new(l->list, j);
    if (!l->first_id || m->id < l->first_id)
        l->first_id = m->id;
    if (m->id > l->last_id)
        l->last_id = m->id;
    return 0;
}

static int add_attempt(const struct mail_attempt_row *t, void *ctx)
{
    struct listing *l = ctx;
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)t->message);
    json_t *log = json_object_get(l->by_id, key);
    if (log)
        json_array_append_new(log, json_pack("{s:o, s:s, s:b}", "at", app_json_time(t->at), "reply",
                                             t->reply, "ok", t->ok));
    return 0;
}

int messages_list(struct op *o, const struct messages_query *q, json_t **out)
{
    const char *to_q = q->to, *state = q->state;
    char to[256];
    struct mail_filter f = {0};
    struct reader v;
    int rc = op_allow(o, ACT_MESSAGE_LIST, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    /* An empty field of an HTML form (the portal's outbox filter) is an absent one. */
    if (to_q && !*to_q)
        to_q = NULL;
    if (state && !*state)
        state = NULL;
    if (to_q) {
        if (signin_email_normalise(to_q, to, sizeof to) < 0)
            return op_invalid(o, "to", "'%s' is not an email address", to_q);
        f.to_email = to;
    }
    if (state && strcmp(state, "queued") && strcmp(state, "sent") && strcmp(state, "failed"))
        return op_invalid(o, "state", "'state' is one of queued, sent, failed");
    f.state = state;
    int64_t before = 0, limit = 0;
    if ((rc = op_int_arg(o, "before", q->before, 1, INT64_MAX, 0, &before)) < 0 ||
        (rc = op_int_arg(o, "partner", q->partner, 1, INT64_MAX, 0, &f.partner_id)) < 0 ||
        (rc = op_int_arg(o, "limit", q->limit, 1, MESSAGES_PAGE, MESSAGES_PAGE, &limit)) < 0 ||
        (rc = reader_of(o, &v)) < 0)
        return rc;
    struct listing l = {&v, json_array(), json_object(), 0, 0};
    if (role_is_org(o->who.role)) {
        /* Not staff: only their own mail, and asking for someone else's finds nothing. */
        if (f.to_email && (!v.email || strcmp(f.to_email, v.email) != 0))
            goto done;
        f.to_email = v.email;
    }
    rc = store_mail_find(o->db, o->a, &f, before, (int)limit, add_message, &l);
    if (rc == 0 && l.last_id)
        rc = store_mail_find_attempts(o->db, o->a, &f, l.first_id, l.last_id, add_attempt, &l);
done:
    json_decref(l.by_id);
    if (rc < 0) {
        json_decref(l.list);
        return op_failed(o, rc);
    }
    /* A full page may have more behind it: next_before pages on. */
    *out = json_pack("{s:o}", "messages", l.list);
    json_object_set_new(*out, "next_before",
                        json_array_size(l.list) == (size_t)limit ? json_integer(l.first_id)
                                                                 : json_null());
    return 0;
}

int messages_queue_test(struct op *o, const char *to, const char *template_name, int64_t partner_id,
                        const json_t *vars, json_t **out)
{
    if (!now_is_test())
        return op_refuse(
            o, OP_NOT_ALLOWED, "test_clock_only",
            "messages are queued by the lifecycle; this test hook needs serve --test-clock");
    int rc = op_allow(o, ACT_TEST_HOOK, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    if (!json_is_object(vars))
        return op_invalid(o, "vars", "'vars' must be an object of the template's variables");
    struct user u = {0};
    char email[256];
    if (signin_email_normalise(to, email, sizeof email) == 0)
        store_user_by_email(o->db, o->a, email, &u);
    struct reader v;
    if ((rc = reader_of(o, &v)) < 0 || (rc = op_begin(o)) < 0)
        return rc;
    struct buf err = {0};
    int64_t id;
    struct mail_row m;
    rc = mail_queue(o->db, o->a, to, u.id, partner_id, template_name, vars, o->now, &id, &err);
    if (rc == 0)
        rc = store_mail_get(o->db, o->a, id, &m);
    if (rc == MAIL_ERR_TEMPLATE)
        rc = op_refuse(o, OP_INVALID, "template", "%s", buf_str(&err));
    else if (rc == MAIL_ERR_ADDRESS)
        rc = op_invalid(o, "to", "%s", buf_str(&err));
    else if (rc == STORE_ERR_CONFLICT)
        rc = op_invalid(o, "partner", "there is no partner %lld", (long long)partner_id);
    buf_free(&err);
    if ((rc = op_end(o, rc)) < 0)
        return rc;
    *out = json_message(&v, &m);
    return 0;
}
