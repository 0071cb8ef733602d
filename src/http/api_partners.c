/*
 * Partners (and posthouses) over the API: the operations and views are
 * app/partners.c's; each handler reads its arguments, makes one call and
 * answers with the view. Another organisation's partner answers 404 as if
 * it did not exist (the dispatcher checked the route's scope; the app
 * checks again).
 */
#include "app/partners.h"
#include "app/op.h"
#include "http/api.h"
#include "app/posthouses.h"

void api_partners_create(struct req *r)
{
    struct partner_new in = {0};
    if (!jfield_str(r, "name", true, &in.name) ||
        !jfield_str(r, "contact_email", true, &in.contact_email) ||
        !jfield_str(r, "time_zone", true, &in.time_zone) ||
        !jfield_int(r, "calendar", false, &in.calendar_id) ||
        !jfield_bool(r, "channels", false, &in.channels) ||
        !jfield_bool(r, "posthouse", false, &in.posthouse))
        return;
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = partners_create(&o, &in, NULL, &out);
    if (req_op_done(r, &o, rc))
        reply_json(r, 201, out);
}

/*
 * The list, filtered (stage, q: a part of the name, mine: partners this
 * staff user owns as cam, pim, pom or plm), sorted (sort = name, stage or
 * since, dir = asc or desc; without sort, by id) and paged (limit, offset)
 * in SQL. Without limit, every matching partner. total is the number that
 * match.
 */
void api_partners_list(struct req *r)
{
    struct partners_query q = {
        .stage = req_query(r, "stage"),
        .q = req_query(r, "q"),
        .sort = req_query(r, "sort"),
        .dir = req_query(r, "dir"),
        .mine = req_query(r, "mine"),
        .limit = req_query(r, "limit"),
        .offset = req_query(r, "offset"),
    };
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = partners_list(&o, &q, &out);
    if (req_op_done(r, &o, rc))
        reply_json(r, 200, out);
}

void api_partners_get(struct req *r)
{
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = partners_view(&o, req_param_id(r, 0), &out);
    if (req_op_done(r, &o, rc))
        reply_json(r, 200, out);
}

/*
 * ?action= keeps one action (the timeline reads only "partner.stage");
 * ?limit= answers the latest events only, and ?before= those below an id
 * (next: the ?before= of the page of older events, null when none). The
 * answer is oldest first either way, total counts every event (of the
 * action) before or after.
 */
void api_partners_events(struct req *r)
{
    struct partners_events_query q = {req_query(r, "action"), req_query(r, "limit"),
                                      req_query(r, "before")};
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = partners_events(&o, req_param_id(r, 0), &q, &out);
    if (req_op_done(r, &o, rc))
        reply_json(r, 200, out);
}

/* The directory of onboarded posthouses (in steady state), with their approved formats. */
void api_posthouses_list(struct req *r)
{
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = posthouses_directory(&o, &out);
    if (req_op_done(r, &o, rc))
        reply_json(r, 200, out);
}
