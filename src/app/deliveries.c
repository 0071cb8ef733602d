/*
 * Deliveries: see deliveries.h. This file receives deliveries; validate.c
 * runs the validation jobs and records their results.
 */
#include "app/deliveries.h"

#include "app/lifecycle_steps.h"

#include <string.h>

#include "base/timefmt.h"
#include "core/lifecycle.h"
#include "core/zone.h"
#include "store/upload_store.h"

#define MAX_FILES 1000

int deliv_receive(struct op *o, const struct partner *p, int64_t request_id, const char *kind,
                  json_t *files, int64_t *id)
{
    if (strcmp(kind, "avails") && strcmp(kind, "asset_package")) {
        o->err.extra = json_pack("{s:[s]}", "fields", "kind");
        return op_refuse(o, OP_INVALID, "invalid", "'kind' is avails or asset_package (got '%s')", kind);
    }
    enum stage st = stage_parse(p->stage);
    if (st != STAGE_TRAINING && st != STAGE_ESCALATED && st != STAGE_STEADY)
        return op_refuse(o, OP_CONFLICT, "illegal_transition",
                          "deliveries start with training: the partner is in stage %s", p->stage);
    struct request_row r = {0};
    if (request_id) {
        int rc = store_request_get(o->db, o->a, request_id, &r);
        if (rc == STORE_ERR_NOT_FOUND || (rc == 0 && r.partner_id != p->id)) {
            o->err.extra = json_pack("{s:[s]}", "fields", "request");
            return op_refuse(o, OP_INVALID, "invalid", "there is no request %lld for this partner",
                              (long long)request_id);
        }
        if (rc < 0)
            return op_failed(o, rc);
        if (strcmp(r.kind, kind)) {
            o->err.extra = json_pack("{s:[s]}", "fields", "kind");
            return op_refuse(o, OP_INVALID, "invalid",
                              "request %lld asks for %s, not %s: deliver the kind it asks for, "
                              "or answer another request",
                              (long long)request_id, r.kind, kind);
        }
    } else if (st != STAGE_STEADY) {
        o->err.extra = json_pack("{s:[s]}", "fields", "request");
        return op_refuse(o, OP_INVALID, "invalid",
                          "during training every delivery answers a request: say which one "
                          "(the request it answers on the upload page, --request ID on the "
                          "command line, 'request' in the API)");
    }
    if (!json_is_array(files) || json_array_size(files) == 0 ||
        json_array_size(files) > MAX_FILES) {
        o->err.extra = json_pack("{s:[s]}", "fields", "files");
        return op_refuse(o, OP_INVALID, "invalid",
                          "'files' lists the ids of the delivery's uploads (1 to %d)", MAX_FILES);
    }
    size_t n = json_array_size(files);
    struct upload_row *ups = arena_alloc(o->a, n * sizeof *ups);
    for (size_t i = 0; i < n; i++) {
        const char *uid = json_string_value(json_array_get(files, i));
        int rc = uid ? store_upload_get(o->db, o->a, uid, &ups[i]) : STORE_ERR_NOT_FOUND;
        o->err.extra = json_pack("{s:[s]}", "fields", "files");
        if (rc == STORE_ERR_NOT_FOUND || (rc == 0 && ups[i].partner_id != p->id))
            return op_refuse(o, OP_INVALID, "invalid", "there is no upload '%s' of this partner",
                              uid ? uid : "(not text)");
        if (rc < 0)
            return op_failed(o, rc);
        if (strcmp(ups[i].state, "complete"))
            return op_refuse(o, OP_INVALID, "upload_incomplete",
                              "upload %s (%s) is not complete: %lld of %lld bytes received; "
                              "finish it (the upload resumes where it stopped) and deliver again",
                              uid, ups[i].filename ? ups[i].filename : "no name",
                              (long long)ups[i].offset, (long long)ups[i].length);
        if (upload_is_partial(&ups[i]))
            return op_refuse(o, OP_INVALID, "upload_partial",
                              "upload %s is a partial upload (tus concatenation), a piece of a "
                              "file: deliver the final upload made from it",
                              uid);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(ups[j].id, ups[i].id))
                return op_refuse(o, OP_INVALID, "invalid", "upload %s is listed twice", uid);
        json_decref(o->err.extra);
        o->err.extra = NULL;
    }
    struct delivery_row d = {0};
    d.partner_id = p->id;
    d.request_id = request_id;
    d.kind = (char *)kind;
    d.status = "validating";
    d.created_by = o->who.user_id;
    d.received_at = o->now;
    /* A redelivery answers the same request, or for self-serve deliveries is the next one of the
     * same kind: its result is compared with that one's. */
    int rc = request_id ? store_delivery_latest(o->db, request_id, 0, &d.previous_id)
                        : store_delivery_latest_self(o->db, p->id, kind, &d.previous_id);
    if (rc == 0 && request_id) {
        /* Late when the request's current delivery clock already ran out. */
        d.late = r.late && !lifecycle_open_clock_due(o, lifecycle_request_subject(o, request_id),
                                                     "delivery_48h");
    }
    if (rc == 0)
        rc = store_delivery_add(o->db, &d, id);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct delivery_file_row f = {(int64_t)i,
                                      ups[i].id,
                                      ups[i].filename ? ups[i].filename
                                                      : arena_printf(o->a, "file-%zu", i + 1),
                                      ups[i].length,
                                      ups[i].sha256,
                                      ups[i].md5};
        rc = store_delivery_file_add(o->db, *id, &f);
    }
    if (rc < 0)
        return op_failed(o, rc);
    if (request_id) {
        /* The receipt meets the 48-hour clock; a delivery is also the corrective action that
         * answers the response clock. */
        const char *subject = lifecycle_request_subject(o, request_id);
        if ((rc = lifecycle_close_clocks(o, subject, "delivery_48h", "met",
                                         "delivery received")) < 0 ||
            (rc = lifecycle_close_clocks(o, subject, "response_3wd", "met",
                                         "delivery received")) < 0 ||
            (rc = store_request_set_status(o->db, request_id, "delivered")) < 0)
            return op_failed(o, rc);
    }
    int64_t job;
    if ((rc = store_job_add(o->db, "validate", arena_printf(o->a, "delivery:%lld", (long long)*id),
                            o->now, o->now, &job)) < 0)
        return op_failed(o, rc);
    return lifecycle_event(o, p, arena_printf(o->a, "delivery:%lld", (long long)*id),
                           "delivery.receive", NULL,
                           json_pack("{s:s, s:o, s:I, s:b}", "kind", kind, "request",
                                     request_id ? json_integer(request_id) : json_null(), "files",
                                     (json_int_t)n, "late", d.late));
}
