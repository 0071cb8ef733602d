/*
 * /outbox: the staff view of the outbox (SPEC section 6): every message the
 * system queued, newest first, with its state (queued, sent, failed), its
 * attempts and the last answer of the mail server, and its body behind a
 * <details>. A GET form narrows it by state, partner and address; pages of
 * OUTBOX_PAGE messages go further back with ?before=ID. The data is
 * app/messages.c's listing, the one GET /api/v1/messages answers with,
 * given the page's own query (the names are the same), so the page shows
 * exactly what the API would (invitation secrets blanked for anyone but
 * their recipient). An organisation's user (a partner, a posthouse) reads
 * its own mail here, as "Messages": the listing holds only mail to it, and
 * the page drops the filters and the delivery details meant for staff.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/messages.h"
#include "app/op.h"
#include "web/pages.h"
#include "app/scope.h"
#include "core/role.h"
#include "web/web.h"

#define OUTBOX_PAGE            50
#define OUTBOX_PARTNER_CHOICES 1000

/* The outbox URL with the current filters and before (NULL: the newest). */
static const char *outbox_url(struct req *r, const char *before)
{
    struct buf q = {0};
    h_url_param(&q, "state", req_query(r, "state"));
    h_url_param(&q, "partner", req_query(r, "partner"));
    h_url_param(&q, "to", req_query(r, "to"));
    h_url_param(&q, "before", before);
    h_url_param(&q, "limit", "50"); /* OUTBOX_PAGE: the API reads no more than a page */
    const char *url = arena_printf(&r->arena, "/outbox%s", q.len ? buf_str(&q) : "");
    buf_free(&q);
    return url;
}

/* The name of partner id, from the choices already loaded or the store (cached in names). */
static const char *partner_name(struct req *r, json_t *names, int64_t id)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    const char *n = json_string_value(json_object_get(names, key));
    if (n)
        return n;
    struct partner p;
    struct op o;
    req_op_init(r, &o);
    const char *name = op_allow_partner(&o, ACT_PARTNER_READ, id, &p) == 0 ? p.name : key;
    op_free(&o);
    json_object_set_new(names, key, json_string(name));
    return json_string_value(json_object_get(names, key));
}

static const char *state_label(const char *state)
{
    if (!strcmp(state, "queued"))
        return "Queued";
    if (!strcmp(state, "sent"))
        return "Sent";
    if (!strcmp(state, "failed"))
        return "Failed";
    return state;
}

/*
 * The body as [{text, href}] parts: the http(s) links of a message (the page
 * it is about) become links a person clicks, the rest stays text.
 */
static json_t *body_parts(const char *body)
{
    json_t *parts = json_array();
    const char *p = body ? body : "";
    while (*p) {
        const char *a = strstr(p, "http://"), *b = strstr(p, "https://");
        const char *u = a && (!b || a < b) ? a : b;
        if (!u) {
            json_array_append_new(parts, json_pack("{s:s}", "text", p));
            break;
        }
        size_t n = strcspn(u, " \t\r\n<>\"");
        while (n && strchr(".,;:)", u[n - 1])) /* a link ends before the sentence's punctuation */
            n--;
        json_array_append_new(
            parts, json_pack("{s:s#, s:s#}", "text", p, (int)(u - p), "href", u, (int)n));
        p = u + n;
    }
    return parts;
}

/* The time zone of the reader's own organisation (its mail reads in it); NULL (UTC) for staff. */
static const char *reader_zone(struct req *r)
{
    if (!role_is_org(r->who.role))
        return NULL;
    struct partner p;
    struct op o;
    req_op_init(r, &o);
    const char *z =
        op_allow_partner(&o, ACT_PARTNER_READ, r->who.org_id, &p) == 0 ? p.time_zone : NULL;
    op_free(&o);
    return z;
}

static json_t *message_row(struct req *r, const json_t *m, json_t *names, const char *zone)
{
    const char *state = json_string_value(json_object_get(m, "state"));
    json_int_t attempts = json_integer_value(json_object_get(m, "attempts"));
    json_t *row = json_pack(
        "{s:O, s:O, s:O, s:O, s:O, s:s, s:s, s:I, s:s, s:s}", "id", json_object_get(m, "id"), "to",
        json_object_get(m, "to"), "subject", json_object_get(m, "subject"), "template",
        json_object_get(m, "template"), "body", json_object_get(m, "body"), "state",
        state ? state : "", "state_label", state_label(state ? state : ""), "attempts", attempts,
        "created", web_time_text(r, json_string_value(json_object_get(m, "created_at")), zone),
        "created_at", json_string_value(json_object_get(m, "created_at")));
    json_object_set_new(row, "body_parts",
                        body_parts(json_string_value(json_object_get(m, "body"))));
    json_object_set_new(row, "attempts_text",
                        json_string(attempts == 0   ? "Not tried yet"
                                    : attempts == 1 ? "1 attempt"
                                                    : arena_printf(&r->arena, "%lld attempts",
                                                                   (long long)attempts)));
    const char *sent = json_string_value(json_object_get(m, "sent_at"));
    if (sent)
        json_object_set_new(row, "sent", json_string(web_time_text(r, sent, zone)));
    const char *next = json_string_value(json_object_get(m, "next_attempt_at"));
    if (next && state && !strcmp(state, "queued"))
        json_object_set_new(row, "next", json_string(web_time_text(r, next, zone)));
    const char *reply = json_string_value(json_object_get(m, "last_reply"));
    if (reply && *reply)
        json_object_set_new(row, "last_reply", json_string(reply));
    json_t *pid = json_object_get(m, "partner");
    if (json_is_integer(pid))
        json_object_set_new(row, "partner",
                            json_pack("{s:O, s:s}", "id", pid, "name",
                                      partner_name(r, names, json_integer_value(pid))));
    json_t *log = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(m, "attempt_log"), i, a) {
        json_array_append_new(
            log,
            json_pack("{s:s, s:O, s:b}", "at",
                      web_time_text(r, json_string_value(json_object_get(a, "at")), zone), "reply",
                      json_object_get(a, "reply"), "ok", json_is_true(json_object_get(a, "ok"))));
    }
    json_object_set_new(row, "n_attempts", json_integer((json_int_t)json_array_size(log)));
    json_object_set_new(row, "attempt_log", log);
    return row;
}

void page_outbox(struct req *r)
{
    const char *state = req_query(r, "state"), *pid_s = req_query(r, "partner"),
               *to = req_query(r, "to"), *before = req_query(r, "before");
    int64_t pid = pid_s ? strtoll(pid_s, NULL, 10) : 0;
    bool more_partners = false;
    /* An organisation's user reads its own mail here: no filters, no delivery details. */
    bool staff = !role_is_org(r->who.role);
    json_t *choices =
        staff ? web_partner_choices(r, pid > 0 ? pid : 0, OUTBOX_PARTNER_CHOICES, &more_partners)
              : json_array();
    json_t *names = json_object();
    size_t i;
    json_t *c;
    json_array_foreach(choices, i, c) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(c, "id")));
        json_object_set(names, key, json_object_get(c, "name"));
    }
    json_t *states = json_array();
    static const char *const all_states[] = {"queued", "sent", "failed"};
    for (size_t k = 0; k < 3; k++)
        json_array_append_new(states, json_pack("{s:s, s:s, s:b}", "value", all_states[k], "label",
                                                state_label(all_states[k]), "selected",
                                                state && !strcmp(state, all_states[k])));
    json_t *vm = json_pack("{s:s, s:o, s:o, s:b, s:s, s:b}", "title", staff ? "Outbox" : "Messages",
                           "states", states, "partners", choices, "more_partners", more_partners,
                           "to", to ? to : "", "filtered",
                           (state && *state) || (pid_s && *pid_s) || (to && *to) || before);
    json_object_set_new(vm, "staff", json_boolean(staff));
    json_object_set_new(vm, "me_email", json_string(r->user.email ? r->user.email : ""));
    json_object_set_new(vm, "limit", json_integer(OUTBOX_PAGE));
    json_t *ans = NULL;
    struct messages_query mq = {to, state, pid_s, before, req_query(r, "limit")};
    struct op o;
    req_op_init(r, &o);
    int rc = messages_list(&o, &mq, &ans);
    if (rc < 0) {
        const char *msg = rc == OP_REFUSED ? buf_str(&o.err.message) : "";
        json_object_set_new(vm, "error", json_string(*msg ? msg : "The outbox could not be read."));
        int st = rc == OP_REFUSED ? op_status(o.err.kind) : 500;
        op_free(&o);
        json_decref(names);
        page_render(r, st == 403 ? 403 : 422, "outbox", vm);
        return;
    }
    op_free(&o);
    json_t *list = json_object_get(ans, "messages"), *rows = json_array();
    size_t n = json_array_size(list);
    const char *zone = reader_zone(r);
    for (i = 0; i < n && i < OUTBOX_PAGE; i++)
        json_array_append_new(rows, message_row(r, json_array_get(list, i), names, zone));
    /* The next page: what lies behind the last message shown. */
    const json_t *last = n ? json_array_get(list, (n > OUTBOX_PAGE ? OUTBOX_PAGE : n) - 1) : NULL;
    bool older = n > OUTBOX_PAGE ||
                 (n == OUTBOX_PAGE && json_is_integer(json_object_get(ans, "next_before")));
    if (older && last) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(last, "id")));
        json_object_set_new(vm, "older_url", json_string(outbox_url(r, id)));
    }
    if (before)
        json_object_set_new(vm, "newest_url", json_string(outbox_url(r, NULL)));
    json_object_set_new(vm, "n_shown", json_integer((json_int_t)json_array_size(rows)));
    json_object_set_new(vm, "messages", rows);
    json_decref(ans);
    json_decref(names);
    page_render(r, 200, "outbox", vm);
}
