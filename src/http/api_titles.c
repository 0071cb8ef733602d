/*
 * Titles over the API (SPEC 3 and 10): the catalogue, one title, staff
 * creating and correcting titles, and recording a title published in a
 * territory. Each handler reads its parameters and calls one operation of
 * app/titles.h.
 */
#include "app/titles.h"
#include "http/api.h"

void api_titles_list(struct req *r)
{
    struct titles_query q = {0};
    int64_t late = 0;
    if (!req_query_int(r, "partner", 1, INT64_MAX, 0, &q.partner) ||
        !req_query_int(r, "page", 1, 1000000, 1, &q.page) ||
        !req_query_int(r, "limit", 1, TITLES_PAGE_MAX, TITLES_PAGE_DEFAULT, &q.limit) ||
        !req_query_int(r, "late", 0, 1, 0, &late))
        return;
    q.late = late;
    q.state = req_query(r, "state");
    q.territory = req_query(r, "territory");
    q.q = req_query(r, "q");
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, titles_list(&o, &q, &out)))
        reply_json(r, 200, out);
}

void api_titles_create(struct req *r)
{
    if (!jbody(r))
        return;
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, titles_create(&o, r->json, &out)))
        reply_json(r, 201, out);
}

void api_title_get(struct req *r)
{
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, titles_view(&o, req_param_id(r, 0), &out)))
        reply_json(r, 200, out);
}

void api_title_update(struct req *r)
{
    if (!jbody(r))
        return;
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, titles_update(&o, req_param_id(r, 0), r->json, &out)))
        reply_json(r, 200, out);
}

void api_title_published(struct req *r)
{
    const char *territory, *at = NULL;
    if (!jfield_str(r, "territory", true, &territory) || !jfield_str(r, "at", false, &at))
        return;
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, titles_published(&o, req_param_id(r, 0), territory, at, &out)))
        reply_json(r, 200, out);
}
