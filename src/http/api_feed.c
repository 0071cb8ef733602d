/*
 * The calendar feed: each user's open due dates as iCalendar, for calendar
 * programs. Such programs cannot sign in, so a user makes a feed link with
 * POST /api/v1/me/feed: a secret token shown once and stored hashed (a new
 * link revokes the old one). GET /api/v1/me/calendar.ics accepts that token
 * in the query string, or an ordinary sign-in. What the feed holds is
 * app/account.c's (account_feed_calendar).
 */
#include "app/account.h"
#include "app/op.h"
#include "http/api.h"

void api_feed_create(struct req *r)
{
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = account_feed_create(&o, req_header(r, "Host"), &out);
    if (req_op_done(r, &o, rc))
        reply_json(r, 201, out);
}

void api_feed(struct req *r)
{
    struct op o;
    struct buf ics = {0};
    req_op_init(r, &o);
    int rc = account_feed_calendar(&o, &ics);
    if (req_op_done(r, &o, rc))
        reply_bytes(r, 200, "text/calendar; charset=utf-8", buf_str(&ics), ics.len);
    buf_free(&ics);
}
