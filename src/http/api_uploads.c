/*
 * The uploads as JSON: GET /api/v1/uploads[?partner=] and /api/v1/uploads/{id}
 * ({id} is the last segment of the tus Location). An organisation's users
 * see their organisation's uploads (a posthouse also those of the partners
 * it delivers for); staff see all. Another organisation's upload answers
 * 404, as one that does not exist.
 */
#include <stdlib.h>
#include <string.h>

#include "base/now.h"
#include "http/http.h"
#include "ingest/upload.h"

void api_uploads_list(struct req *r);
void api_uploads_get(struct req *r);

/* An upload as JSON; "concat" says "partial" (a piece of a final upload, never delivered), "final"
 * or null. */
static json_t *json_upload(const struct upload_row *u)
{
    bool complete = !strcmp(u->state, "complete");
    const char *concat = upload_is_partial(u) ? "partial" : upload_is_final(u) ? "final" : NULL;
    return json_pack(
        "{s:s, s:I, s:o, s:o, s:I, s:b, s:s, s:o, s:o, s:o, s:o, s:o}", "id", u->id, "partner",
        (json_int_t)u->partner_id, "filename", u->filename ? json_string(u->filename) : json_null(),
        "length", u->length >= 0 ? json_integer(u->length) : json_null(), "offset",
        (json_int_t)u->offset, "complete", complete, "state", u->state, "sha256",
        u->sha256 ? json_string(u->sha256) : json_null(), "md5",
        u->md5 ? json_string(u->md5) : json_null(), "created_at", json_time(u->created_at),
        "expires_at", json_time(complete ? 0 : u->expires_at), "concat",
        concat ? json_string(concat) : json_null());
}

static int add_upload(const struct upload_row *u, void *ctx)
{
    json_array_append_new(ctx, json_upload(u));
    return 0;
}

void api_uploads_list(struct req *r)
{
    const char *p = req_query(r, "partner");
    int64_t partner = 0;
    if (p) {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (*end || v <= 0) {
            reply_error(r, 400, "partner", "'partner' must be a partner id");
            return;
        }
        partner = v;
    }
    json_t *list = json_array();
    int rc = store_upload_each(req_db(r), &r->arena, partner, r->who.org_id, add_upload, list);
    if (rc < 0) {
        json_decref(list);
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "uploads", list));
}

void api_uploads_get(struct req *r)
{
    reply_json(r, 200, json_upload(&r->scoped->upload)); /* loaded and checked by the dispatcher */
}
