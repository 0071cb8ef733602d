/*
 * The calendar feed: each user's open due dates as iCalendar, for calendar
 * programs. Such programs cannot sign in, so a user makes a feed link with
 * POST /api/v1/me/feed: a secret token shown once and stored hashed (a new
 * link revokes the old one). GET /api/v1/me/calendar.ics accepts that token
 * in the query string, or an ordinary sign-in.
 *
 * Partner and posthouse users see the clocks of their organisation; staff
 * see the soonest open clocks of all partners (at most FEED_MAX).
 */
#include <string.h>

#include "base/now.h"
#include "base/secret.h"
#include "core/deadline.h"
#include "core/ics.h"
#include "http/http.h"

void api_feed_create(struct req *r);
void api_feed(struct req *r);

#define FEED_MAX 500

void api_feed_create(struct req *r)
{
    char token[SECRET_TOKEN_LEN + 1], hash[SECRET_HASH_LEN + 1];
    secret_token(token);
    secret_hash(token, hash);
    if (store_feed_set(req_db(r), r->user.id, hash) < 0) {
        reply_store_error(r, STORE_ERR);
        return;
    }
    const char *host = req_header(r, "Host");
    reply_json(r, 201,
               json_pack("{s:s, s:s, s:s}", "token", token, "path",
                         arena_printf(&r->arena, "/api/v1/me/calendar.ics?token=%s", token), "url",
                         arena_printf(&r->arena, "http://%s/api/v1/me/calendar.ics?token=%s",
                                      host ? host : "127.0.0.1:8080", token)));
}

struct feed {
    struct req *r;
    struct ics_event *events;
    size_t n;
};

static int add_event(const struct clock_row *c, void *arg)
{
    struct feed *f = arg;
    if (f->n == FEED_MAX)
        return 1;
    struct partner p;
    const char *who = "";
    if (c->partner_id && store_partner_get(req_db(f->r), &f->r->arena, c->partner_id, &p) == 0)
        who = p.name;
    const struct deadline_kind *k = deadline_kind(c->kind);
    struct ics_event *e = &f->events[f->n++];
    e->uid = arena_printf(&f->r->arena, "clock-%lld@vodgate", (long long)c->id);
    e->start = c->due_at;
    e->end = c->due_at;
    e->summary = arena_printf(&f->r->arena, "Due: %s%s%s",
                              c->label ? c->label
                              : k      ? k->label
                                       : c->kind,
                              *who ? " — " : "", who);
    e->description = arena_printf(&f->r->arena, "%s for %s (%s), started %s", c->kind, c->subject,
                                  who, c->time_zone);
    e->url = NULL;
    return 0;
}

void api_feed(struct req *r)
{
    struct feed f = {r, arena_alloc(&r->arena, FEED_MAX * sizeof *f.events), 0};
    int64_t org = role_is_org(r->who.role) ? r->who.org_id : 0;
    int rc = store_clock_each_open(req_db(r), &r->arena, org, FEED_MAX, add_event, &f);
    if (rc < 0) {
        reply_store_error(r, rc);
        return;
    }
    struct buf out = {0};
    ics_write_feed(&out, "-//vodgate//due dates//EN", f.events, f.n, now_get());
    reply_bytes(r, 200, "text/calendar; charset=utf-8", buf_str(&out), out.len);
    buf_free(&out);
}
