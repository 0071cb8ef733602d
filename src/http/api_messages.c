/*
 * The outbox over the API. GET /api/v1/messages lists messages newest first,
 * each with the record of its delivery attempts: staff see every message
 * (?to= narrows to one address, ?state= to queued, sent or failed, ?partner=
 * to the messages about one partner; ?limit= and ?before= page), any other
 * user only the messages sent to their own email, whatever ?to= says. A
 * test hook, served only under --test-clock, lets an admin queue a message
 * from any template, so mail can be shown through the API apart from the
 * lifecycle that normally queues it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/now.h"
#include "core/signin.h"
#include "http/http.h"
#include "jobs/mail.h"

#define PAGE 200 /* messages per answer; ?before=ID pages further back */

void api_messages_list(struct req *r);
void api_test_messages_create(struct req *r);

/*
 * The body as the viewer may see it: one-time sign-in links (invitations)
 * are for their recipient only (stored sealed: jobs/mail_links.c), so for
 * anyone else they are hidden — staff reading the outbox must not be able to
 * take over a partner's account. Under --test-clock (demos and tests) they
 * are opened for every viewer. Returns a string in the request's arena.
 */
static const char *body_for(struct req *r, const struct mail_row *m)
{
    struct buf b = {0};
    if (now_is_test() || (r->signed_in && !strcmp(r->user.email, m->to_email)))
        mail_body_open(m->body, &b);
    else
        mail_body_hide(m->body, &b);
    const char *out = arena_strdup(&r->arena, buf_str(&b));
    buf_free(&b);
    return out;
}

static json_t *json_message(struct req *r, const struct mail_row *m)
{
    json_t *o = json_pack("{s:I, s:s, s:o, s:o, s:s, s:s, s:s, s:o, s:o, s:I, s:s, s:o, s:o, s:[]}",
                          "id", (json_int_t)m->id, "to", m->to_email, "to_user",
                          m->to_user ? json_integer(m->to_user) : json_null(), "partner",
                          m->partner_id ? json_integer(m->partner_id) : json_null(), "template",
                          m->template_name, "subject", m->subject, "body", body_for(r, m),
                          "created_at", json_time(m->created_at), "sent_at", json_time(m->sent_at),
                          "attempts", (json_int_t)m->attempts, "state", m->state, "next_attempt_at",
                          json_time(m->next_attempt_at), "last_reply",
                          m->last_reply ? json_string(m->last_reply) : json_null(), "attempt_log");
    json_object_set_new(o, "message_id", json_string(m->message_id));
    return o;
}

struct listing {
    struct req *r;
    json_t *list;  /* the answer's array */
    json_t *by_id; /* id -> the message's attempt_log (borrowed) */
    int64_t first_id, last_id;
};

static int add_message(const struct mail_row *m, void *ctx)
{
    struct listing *l = ctx;
    json_t *o = json_message(l->r, m);
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)m->id);
    json_object_set(l->by_id, key, json_object_get(o, "attempt_log"));
    json_array_append_new(l->list, o);
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
        json_array_append_new(log, json_pack("{s:o, s:s, s:b}", "at", json_time(t->at), "reply",
                                             t->reply, "ok", t->ok));
    return 0;
}

void api_messages_list(struct req *r)
{
    const char *to_q = req_query(r, "to"), *state = req_query(r, "state");
    char to[256];
    struct mail_filter f = {0};
    /* An empty field of an HTML form (the portal's outbox filter) is an absent one. */
    if (to_q && !*to_q)
        to_q = NULL;
    if (state && !*state)
        state = NULL;
    if (to_q) {
        if (signin_email_normalise(to_q, to, sizeof to) < 0) {
            reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "to"),
                              "'%s' is not an email address", to_q);
            return;
        }
        f.to_email = to;
    }
    if (state && strcmp(state, "queued") && strcmp(state, "sent") && strcmp(state, "failed")) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "state"),
                          "'state' is one of queued, sent, failed");
        return;
    }
    f.state = state;
    int64_t before = 0, limit = 0;
    if (!req_query_int(r, "before", 1, INT64_MAX, 0, &before) ||
        !req_query_int(r, "partner", 1, INT64_MAX, 0, &f.partner_id) ||
        !req_query_int(r, "limit", 1, PAGE, PAGE, &limit))
        return;
    struct listing l = {r, json_array(), json_object(), 0, 0};
    struct db *db = req_db(r);
    int rc = 0;
    if (role_is_org(r->who.role)) {
        /* Not staff: only their own mail, and asking for someone else's finds nothing. */
        if (f.to_email && strcmp(f.to_email, r->user.email) != 0)
            goto done;
        f.to_email = r->user.email;
    }
    rc = store_mail_find(db, &r->arena, &f, before, (int)limit, add_message, &l);
    if (rc == 0 && l.last_id)
        rc = store_mail_find_attempts(db, &r->arena, &f, l.first_id, l.last_id, add_attempt, &l);
done:
    json_decref(l.by_id);
    if (rc < 0) {
        json_decref(l.list);
        reply_store_error(r, rc);
        return;
    }
    /* A full page may have more behind it: next_before pages on. */
    json_t *out = json_pack("{s:o}", "messages", l.list);
    json_object_set_new(out, "next_before",
                        json_array_size(l.list) == (size_t)limit ? json_integer(l.first_id)
                                                                 : json_null());
    reply_json(r, 200, out);
}

/*
 * A test hook, served only under --test-clock: an admin queues a message
 * from any template with any variables; the answer is the stored message, or
 * 422 with the renderer's complaint.
 */
void api_test_messages_create(struct req *r)
{
    const char *to, *template_name;
    int64_t partner_id = 0;
    if (!now_is_test()) {
        reply_error(
            r, 403, "test_clock_only",
            "messages are queued by the lifecycle; this test hook needs serve --test-clock");
        return;
    }
    if (!jfield_str(r, "to", true, &to) || !jfield_str(r, "template", true, &template_name) ||
        !jfield_int(r, "partner", false, &partner_id))
        return;
    json_t *vars = json_object_get(r->json, "vars");
    if (!json_is_object(vars)) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "vars"),
                          "'vars' must be an object of the template's variables");
        return;
    }
    struct db *db = req_db(r);
    struct user u = {0};
    char email[256];
    if (signin_email_normalise(to, email, sizeof email) == 0)
        store_user_by_email(db, &r->arena, email, &u);
    struct buf err = {0};
    int64_t id;
    struct mail_row m;
    int rc = store_begin(db);
    if (rc == 0)
        rc = mail_queue(db, &r->arena, to, u.id, partner_id, template_name, vars, now_get(), &id,
                        &err);
    if (rc == 0)
        rc = store_mail_get(db, &r->arena, id, &m);
    if (rc == 0)
        rc = store_commit(db);
    if (rc < 0)
        store_rollback(db);
    if (rc == MAIL_ERR_TEMPLATE)
        reply_error(r, 422, "template", "%s", buf_str(&err));
    else if (rc == MAIL_ERR_ADDRESS)
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "to"), "%s",
                          buf_str(&err));
    else if (rc == STORE_ERR_CONFLICT)
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "partner"),
                          "there is no partner %lld", (long long)partner_id);
    else if (rc < 0)
        reply_store_error(r, rc);
    else {
        mail_poke();
        reply_json(r, 201, json_message(r, &m));
    }
    buf_free(&err);
}
