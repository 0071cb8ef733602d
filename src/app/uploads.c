/*
 * Uploads: see uploads.h. The decisions the tus handlers ask for before and
 * after ingest does the work, and the JSON of an upload. Nothing here
 * touches an upload's file or takes a writer's place: ingest/upload.c alone
 * does, under its own lock and transactions, so these functions only read,
 * check and record.
 */
#include "app/uploads.h"

#include "app/lifecycle_steps.h"
#include "app/scope.h"

#include <string.h>

#include "base/timefmt.h"
#include "store/delivery_store.h"

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
        u->md5 ? json_string(u->md5) : json_null(), "created_at", app_json_time(u->created_at),
        "expires_at", app_json_time(complete ? 0 : u->expires_at), "concat",
        concat ? json_string(concat) : json_null());
}

static int add_upload(const struct upload_row *u, void *ctx)
{
    json_array_append_new(ctx, json_upload(u));
    return 0;
}

int uploads_list(struct op *o, int64_t partner_id, json_t **out)
{
    *out = NULL;
    int rc = op_allow(o, ACT_UPLOAD_READ, SCOPE_NONE, "", NULL);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    /* an organisation's user: its own and, for a posthouse, its partners' (the store's filter) */
    rc =
        store_upload_each(o->db, o->a, partner_id, o->system ? 0 : o->who.org_id, add_upload, list);
    if (rc < 0) {
        json_decref(list);
        return op_failed(o, rc);
    }
    *out = json_pack("{s:o}", "uploads", list);
    return 0;
}

int uploads_view(struct op *o, const char *id, json_t **out)
{
    *out = NULL;
    struct scoped sc;
    int rc = op_allow(o, ACT_UPLOAD_READ, SCOPE_UPLOAD, id, &sc);
    if (rc < 0)
        return rc;
    *out = json_upload(&sc.upload);
    return 0;
}

int uploads_owner(struct op *o, int64_t named, int64_t *partner_id)
{
    *partner_id = 0;
    int64_t org = o->system ? 0 : o->who.org_id;
    if (!named || (org && named == org)) {
        if (!org)
            return op_refuse(o, OP_INVALID, "partner",
                             "staff uploads name their partner: Upload-Metadata 'partner' "
                             "(base64 of the id)");
        int rc = op_allow_partner(o, ACT_UPLOAD, org, NULL);
        if (rc < 0)
            return rc;
        *partner_id = org;
        return 0;
    }
    struct partner p;
    int rc = op_allow_partner(o, ACT_UPLOAD, named, &p);
    if (rc < 0 && o->err.kind != OP_FAILED)
        return op_refuse(o, OP_INVALID, "partner", "you cannot upload for partner %lld",
                         (long long)named);
    if (rc < 0)
        return rc;
    *partner_id = p.id;
    return 0;
}

int uploads_final_parts(struct op *o, struct ingest *ing, int64_t partner_id,
                        const struct tus_concat *c, struct upload_row **parts)
{
    *parts = arena_alloc(o->a, (size_t)(c->n_parts > 0 ? c->n_parts : 1) * sizeof **parts);
    for (int i = 0; i < c->n_parts; i++) {
        const char *id = c->parts[i];
        struct upload_row *p = &(*parts)[i];
        int rc = upload_get(ing, o->db, o->a, id, o->now, p);
        if (rc == UPLOAD_ERR)
            return op_failed(o, STORE_ERR);
        /* another partner's part is as missing as another organisation's */
        bool visible = rc != UPLOAD_ERR_NOT_FOUND && p->partner_id == partner_id;
        int arc = visible ? op_allow(o, ACT_UPLOAD_WRITE, SCOPE_UPLOAD, id, NULL) : OP_REFUSED;
        if (arc < 0 && visible && o->err.kind == OP_FAILED)
            return arc;
        if (arc < 0 && visible && o->err.kind == OP_NOT_ALLOWED)
            return op_refuse(o, OP_NOT_ALLOWED, "forbidden",
                             "Upload-Concat lists /files/%s: staff make final uploads only of the "
                             "partial uploads they made themselves",
                             id);
        if (arc < 0)
            return op_refuse(o, OP_INVALID, "concat_part",
                             "Upload-Concat lists /files/%s: there is no such upload of this "
                             "partner",
                             id);
        if (rc == UPLOAD_ERR_GONE)
            return op_refuse(o, OP_INVALID, "concat_part", "partial upload /files/%s expired", id);
        if (!upload_is_partial(p))
            return op_refuse(o, OP_INVALID, "concat_part",
                             "upload /files/%s is not a partial upload (create those with "
                             "Upload-Concat: partial)",
                             id);
        if (strcmp(p->state, "complete") != 0)
            return op_refuse(o, OP_INVALID, "concat_part",
                             "partial upload /files/%s is not complete (%lld of %lld bytes): "
                             "finish it, then create the final upload",
                             id, (long long)p->offset, (long long)p->length);
    }
    return 0;
}

int uploads_check_terminate(struct op *o, const char *id)
{
    struct scoped sc;
    int rc = op_allow(o, ACT_UPLOAD_DELETE, SCOPE_UPLOAD, id, &sc);
    if (rc < 0)
        return rc;
    /* A delivered file is evidence of the delivery: it stays. */
    int64_t delivery = 0;
    if ((rc = store_delivery_of_upload(o->db, id, &delivery)) < 0)
        return op_failed(o, rc);
    if (!delivery)
        return 0;
    op_refuse(o, OP_CONFLICT, "delivered",
              "this upload is part of delivery %lld and cannot be deleted", (long long)delivery);
    o->err.extra = json_pack("{s:I}", "delivery", (json_int_t)delivery);
    return OP_REFUSED;
}

int uploads_record(struct op *o, const struct upload_row *u, enum uploads_step step)
{
    const char *action;
    json_t *after;
    switch (step) {
    case UPLOADS_CREATED:
        action = "upload.create";
        after = json_pack("{s:s, s:o, s:o, s:o}", "id", u->id, "filename",
                          u->filename ? json_string(u->filename) : json_null(), "length",
                          u->length >= 0 ? json_integer(u->length) : json_null(), "concat",
                          u->concat ? json_string(u->concat) : json_null());
        break;
    case UPLOADS_COMPLETED:
        action = "upload.complete";
        after = json_pack("{s:s, s:I, s:s, s:o}", "id", u->id, "length", (json_int_t)u->length,
                          "sha256", u->sha256, "md5", u->md5 ? json_string(u->md5) : json_null());
        break;
    default:
        action = "upload.terminate";
        after = json_pack("{s:s, s:I}", "id", u->id, "offset", (json_int_t)u->offset);
        break;
    }
    struct partner p = {0};
    p.id = u->partner_id;
    int rc = lifecycle_event(o, &p, arena_printf(o->a, "upload:%s", u->id), action, NULL, after);
    return rc < 0 ? op_failed(o, rc) : 0;
}

int uploads_create(struct op *o, struct ingest *ing, int64_t named, const struct tus_concat *c,
                   struct upload_row *u)
{
    int64_t partner;
    int rc = uploads_owner(o, named, &partner);
    if (rc < 0)
        return rc;
    u->partner_id = partner;
    u->user_id = o->who.user_id;
    struct upload_row *parts = NULL;
    if (c->final && (rc = uploads_final_parts(o, ing, partner, c, &parts)) < 0)
        return rc;
    rc = c->final ? upload_concat(ing, o->db, u, parts, c->n_parts, o->now)
                  : upload_create(ing, o->db, u, o->now);
    if (rc < 0)
        return rc;
    /* the upload exists whether or not its event could be written (op_failed logged it) */
    (void)uploads_record(o, u, UPLOADS_CREATED);
    return 0;
}
