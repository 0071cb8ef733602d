/*
 * Deliveries: see deliveries.h. This file receives deliveries and builds
 * their views; jobs/validate.c runs the validation jobs and records their
 * results.
 *
 * A view is built from the store's rows each time it is asked for (nothing
 * is cached): the comparison with the previous result is computed when both
 * results are in, so the API, the portal and `vodgate deliver --wait` all
 * get it from the same place.
 */
#include "app/deliveries.h"

#include "app/lifecycle_steps.h"
#include "app/scope.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/timefmt.h"
#include "core/deadline.h"
#include "core/lifecycle.h"
#include "core/zone.h"
#include "store/delivery_store.h"
#include "store/lifecycle_store.h"
#include "store/upload_store.h"

#define MAX_FILES 1000

/* Refuses with code naming one field ({"fields": [field]}). */
static int refuse_field(struct op *o, const char *code, const char *field, const char *fmt, ...)
    VG_PRINTF(4, 5);
static int refuse_field(struct op *o, const char *code, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct buf msg = {0};
    buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    op_refuse(o, OP_INVALID, code, "%s", buf_str(&msg));
    buf_free(&msg);
    json_decref(o->err.extra);
    o->err.extra = json_pack("{s:[s]}", "fields", field);
    return OP_REFUSED;
}

/* ---- receiving ---- */

/* The receipt itself, inside delivery_receive's transaction: p is the partner, allowed. */
static int receive(struct op *o, const struct partner *p, int64_t request_id, const char *kind,
                   json_t *files, int64_t *id)
{
    if (strcmp(kind, "avails") && strcmp(kind, "asset_package"))
        return refuse_field(o, "invalid", "kind", "'kind' is avails or asset_package (got '%s')",
                            kind);
    enum stage st = stage_parse(p->stage);
    if (st != STAGE_TRAINING && st != STAGE_ESCALATED && st != STAGE_STEADY)
        return op_refuse(o, OP_CONFLICT, "illegal_transition",
                         "deliveries start with training: the partner is in stage %s", p->stage);
    struct request_row r = {0};
    if (request_id) {
        int rc = store_request_get(o->db, o->a, request_id, &r);
        if (rc == STORE_ERR_NOT_FOUND || (rc == 0 && r.partner_id != p->id))
            return refuse_field(o, "invalid", "request",
                                "there is no request %lld for this partner", (long long)request_id);
        if (rc < 0)
            return op_failed(o, rc);
        if (strcmp(r.kind, kind))
            return refuse_field(o, "invalid", "kind",
                                "request %lld asks for %s, not %s: deliver the kind it asks for, "
                                "or answer another request",
                                (long long)request_id, r.kind, kind);
    } else if (st != STAGE_STEADY) {
        return refuse_field(o, "invalid", "request",
                            "during training every delivery answers a request: say which one "
                            "(the request it answers on the upload page, --request ID on the "
                            "command line, 'request' in the API)");
    }
    if (!json_is_array(files) || json_array_size(files) == 0 || json_array_size(files) > MAX_FILES)
        return refuse_field(o, "invalid", "files",
                            "'files' lists the ids of the delivery's uploads (1 to %d)", MAX_FILES);
    size_t n = json_array_size(files);
    struct upload_row *ups = arena_alloc(o->a, n * sizeof *ups);
    for (size_t i = 0; i < n; i++) {
        const char *uid = json_string_value(json_array_get(files, i));
        int rc = uid ? store_upload_get(o->db, o->a, uid, &ups[i]) : STORE_ERR_NOT_FOUND;
        if (rc == STORE_ERR_NOT_FOUND || (rc == 0 && ups[i].partner_id != p->id))
            return refuse_field(o, "invalid", "files", "there is no upload '%s' of this partner",
                                uid ? uid : "(not text)");
        if (rc < 0)
            return op_failed(o, rc);
        if (strcmp(ups[i].state, "complete"))
            return refuse_field(o, "upload_incomplete", "files",
                                "upload %s (%s) is not complete: %lld of %lld bytes received; "
                                "finish it (the upload resumes where it stopped) and deliver again",
                                uid, ups[i].filename ? ups[i].filename : "no name",
                                (long long)ups[i].offset, (long long)ups[i].length);
        if (upload_is_partial(&ups[i]))
            return refuse_field(o, "upload_partial", "files",
                                "upload %s is a partial upload (tus concatenation), a piece of a "
                                "file: deliver the final upload made from it",
                                uid);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(ups[j].id, ups[i].id))
                return refuse_field(o, "invalid", "files", "upload %s is listed twice", uid);
    }
    struct delivery_row d = {0};
    d.partner_id = p->id;
    d.request_id = request_id;
    d.kind = (char *)kind;
    d.status = "validating";
    d.created_by = o->who.user_id;
    /* the partner itself, or the posthouse acting for it (a user or its transfer credential) */
    d.delivered_by = o->who.org_id ? o->who.org_id : p->id;
    d.received_at = o->now;
    /* A redelivery answers the same request, or for self-serve deliveries is the next one of the
     * same kind: its result is compared with that one's. */
    int rc = request_id ? store_delivery_latest(o->db, request_id, 0, &d.previous_id)
                        : store_delivery_latest_self(o->db, p->id, kind, &d.previous_id);
    if (rc == 0 && request_id) {
        /* Late when the request's current delivery clock already ran out. */
        d.late = r.late && !lifecycle_open_clock_due(o, lifecycle_request_subject(o, request_id),
                                                     deadline_name(DEADLINE_DELIVERY_48H));
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
        if ((rc = lifecycle_close_clocks(o, subject, deadline_name(DEADLINE_DELIVERY_48H), "met",
                                         "delivery received")) < 0 ||
            (rc = lifecycle_close_clocks(o, subject, deadline_name(DEADLINE_RESPONSE_3WD), "met",
                                         "delivery received")) < 0 ||
            (rc = store_request_set_status(o->db, request_id, "delivered")) < 0)
            return op_failed(o, rc);
    }
    int64_t job;
    op_touch(OP_WAKE_JOBS);
    if ((rc = store_job_add(o->db, "validate", arena_printf(o->a, "delivery:%lld", (long long)*id),
                            o->now, o->now, &job)) < 0)
        return op_failed(o, rc);
    return lifecycle_event(o, p, arena_printf(o->a, "delivery:%lld", (long long)*id),
                           "delivery.receive", NULL,
                           json_pack("{s:s, s:o, s:I, s:b}", "kind", kind, "request",
                                     request_id ? json_integer(request_id) : json_null(), "files",
                                     (json_int_t)n, "late", d.late));
}

static int view_of(struct op *o, const struct delivery_row *d, const char *zone_name, bool full,
                   json_t **out);

/* The receipt: the delivery's view with what was received, when (UTC and the partner's zone),
 * with checksums. */
static int receipt_of(struct op *o, int64_t id, const struct partner *p, json_t **out)
{
    struct delivery_row d;
    int rc = store_delivery_get(o->db, o->a, id, &d);
    if (rc < 0)
        return op_failed(o, rc);
    if ((rc = view_of(o, &d, p->time_zone, true, out)) < 0)
        return rc;
    json_object_set_new(
        *out, "receipt",
        json_pack("{s:O, s:O, s:O, s:O}", "received_at", json_object_get(*out, "received_at"),
                  "received_at_local", json_object_get(*out, "received_at_local"), "time_zone",
                  json_object_get(*out, "time_zone"), "files", json_object_get(*out, "files")));
    return 0;
}

int delivery_receive(struct op *o, int64_t partner_id, int64_t request_id, const char *kind,
                     json_t *files, int64_t *id, json_t **receipt)
{
    if (receipt)
        *receipt = NULL;
    int rc = op_begin(o);
    if (rc < 0)
        return rc;
    struct partner p;
    rc = op_allow_partner(o, ACT_DELIVER, partner_id, &p);
    if (rc == 0)
        rc = receive(o, &p, request_id, kind ? kind : "", files, id);
    /* read before the commit wakes the workers: a small file could be validated before the
     * receipt is read, which would then not say "validating" */
    if (rc == 0 && receipt)
        rc = receipt_of(o, *id, &p, receipt);
    rc = op_end(o, rc);
    if (rc < 0 && receipt) {
        json_decref(*receipt);
        *receipt = NULL;
    }
    return rc;
}

/* ---- what changed since the previous result ---- */

/*
 * The identity of a finding across deliveries: its rule (code), its file's
 * name and its place. When each delivery has exactly one file, the two are
 * the same file whatever their names (avails-v1.xml, then avails-v2.xml), so
 * the name is left out. Returns a malloc'd string.
 */
static char *finding_key(json_t *f, bool by_place_only)
{
    json_t *k = json_pack("{s:O?, s:O?, s:O?}", "code", json_object_get(f, "code"), "file",
                          by_place_only ? NULL : json_object_get(f, "file"), "location",
                          json_object_get(f, "location"));
    char *s = json_dumps(k, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(k);
    return s;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keys of a list of findings: keys[i] is that of item i; sorted (a copy) for lookups. */
struct keyset {
    char **keys;
    char **sorted;
    size_t n;
};

static void keyset_init(struct keyset *ks, json_t *list, bool by_place_only)
{
    ks->n = json_array_size(list);
    ks->keys = xcalloc(ks->n + 1, sizeof *ks->keys);
    ks->sorted = xcalloc(ks->n + 1, sizeof *ks->sorted);
    for (size_t i = 0; i < ks->n; i++)
        ks->keys[i] = ks->sorted[i] = finding_key(json_array_get(list, i), by_place_only);
    qsort(ks->sorted, ks->n, sizeof *ks->sorted, cmp_key);
}

static bool keyset_has(const struct keyset *ks, const char *key)
{
    return ks->n && bsearch(&key, ks->sorted, ks->n, sizeof *ks->sorted, cmp_key) != NULL;
}

static void keyset_free(struct keyset *ks)
{
    for (size_t i = 0; i < ks->n; i++)
        free(ks->keys[i]);
    free(ks->keys);
    free(ks->sorted);
}

json_t *delivery_changes(int64_t previous_id, json_t *before, json_t *now, bool by_place_only)
{
    struct keyset kb, kn;
    keyset_init(&kb, before, by_place_only);
    keyset_init(&kn, now, by_place_only);
    json_t *fixed = json_array(), *still = json_array(), *fresh = json_array();
    for (size_t i = 0; i < kb.n; i++)
        if (!keyset_has(&kn, kb.keys[i]))
            json_array_append(fixed, json_array_get(before, i));
    for (size_t i = 0; i < kn.n; i++) {
        json_t *f = json_array_get(now, i);
        bool again = keyset_has(&kb, kn.keys[i]);
        /* each finding of this result says too whether it is new or was there before */
        json_object_set_new(f, "change", json_string(again ? "still_failing" : "new"));
        json_array_append(again ? still : fresh, f);
    }
    keyset_free(&kb);
    keyset_free(&kn);
    return json_pack("{s:I, s:b, s:o, s:o, s:o}", "compared_with", (json_int_t)previous_id,
                     "file_names_ignored", by_place_only, "fixed", fixed, "still_failing", still,
                     "new", fresh);
}

/* ---- the views ---- */

static int add_file(const struct delivery_file_row *f, void *ctx)
{
    json_array_append_new(ctx,
                          json_pack("{s:s, s:s, s:I, s:s, s:o}", "upload", f->upload_id, "name",
                                    f->filename, "size", (json_int_t)f->length, "sha256", f->sha256,
                                    "md5", f->md5 ? json_string(f->md5) : json_null()));
    return 0;
}

static int add_finding(const char *text, void *ctx)
{
    json_t *f = json_loads(text, 0, NULL);
    if (f)
        json_array_append_new(ctx, f);
    return 0;
}

static int count_file(const struct delivery_file_row *f, void *ctx)
{
    (void)f;
    (*(size_t *)ctx)++;
    return 0;
}

/*
 * A delivery as JSON into *out (a new reference): its row, the receipt time
 * in zone_name (NULL or unknown: none), and when full its files, findings,
 * the newer delivery that supersedes it and the changes since the previous
 * result. Returns 0, or OP_REFUSED (failed) with *out NULL.
 */
static int view_of(struct op *o, const struct delivery_row *d, const char *zone_name, bool full,
                   json_t **out)
{
    json_t *v = json_pack("{s:I, s:I, s:o, s:s, s:s, s:o, s:b, s:o, s:o, s:I, s:I, s:o}", "id",
                          (json_int_t)d->id, "partner", (json_int_t)d->partner_id, "request",
                          d->request_id ? json_integer(d->request_id) : json_null(), "kind",
                          d->kind, "status", d->status, "received_at", app_json_time(d->received_at),
                          "late", d->late, "validated_at", app_json_time(d->validated_at), "ruleset",
                          d->ruleset ? json_string(d->ruleset) : json_null(), "errors",
                          (json_int_t)d->n_errors, "warnings", (json_int_t)d->n_warnings,
                          "previous", d->previous_id ? json_integer(d->previous_id) : json_null());
    const struct zone *z;
    if (zone_name && zone_open(zone_name, &z) == 0) {
        char local[26];
        zone_format_local(z, d->received_at, local);
        json_object_set_new(v, "received_at_local", json_string(local));
        json_object_set_new(v, "time_zone", json_string(zone_name));
    }
    *out = v;
    if (!full)
        return 0;
    json_t *files = json_array(), *findings = json_array();
    json_object_set_new(v, "files", files);
    json_object_set_new(v, "findings", findings);
    int rc = store_delivery_files(o->db, o->a, d->id, add_file, files);
    if (rc == 0)
        rc = store_delivery_findings(o->db, o->a, d->id, add_finding, findings);
    /* A newer delivery answering the same request (self-serve: of the same kind) supersedes it. */
    int64_t latest = 0;
    if (rc == 0)
        rc = d->request_id ? store_delivery_latest(o->db, d->request_id, 0, &latest)
                           : store_delivery_latest_self(o->db, d->partner_id, d->kind, &latest);
    json_object_set_new(v, "latest", latest > d->id ? json_integer(latest) : json_null());
    /* A redelivery: what changed since the previous result (once both are known). */
    struct delivery_row prev;
    if (rc == 0 && d->previous_id && strcmp(d->status, "validating") &&
        store_delivery_get(o->db, o->a, d->previous_id, &prev) == 0 &&
        strcmp(prev.status, "validating")) {
        json_t *before = json_array();
        size_t n_prev_files = 0;
        rc = store_delivery_findings(o->db, o->a, d->previous_id, add_finding, before);
        if (rc == 0)
            rc = store_delivery_files(o->db, o->a, d->previous_id, count_file, &n_prev_files);
        bool one_file_each = n_prev_files == 1 && json_array_size(files) == 1;
        if (rc == 0)
            json_object_set_new(v, "changes",
                                delivery_changes(d->previous_id, before, findings, one_file_each));
        json_decref(before);
    }
    if (rc < 0) {
        json_decref(v);
        *out = NULL;
        return op_failed(o, rc);
    }
    return 0;
}

int delivery_view(struct op *o, int64_t id, json_t **out)
{
    *out = NULL;
    struct scoped sc;
    int rc = op_allow(o, ACT_DELIVERY_READ, SCOPE_DELIVERY,
                      arena_printf(o->a, "%lld", (long long)id), &sc);
    if (rc < 0)
        return rc;
    return view_of(o, &sc.delivery, sc.partner.time_zone, true, out);
}

struct page_ctx {
    struct op *o;
    const char *zone;
    json_t *list;
    int64_t limit; /* rows to answer; one more is read to know whether there is a next page */
    int64_t next;  /* the before of the next page, 0: none */
    int rc;        /* a view that failed */
};

static int add_delivery(const struct delivery_row *d, void *arg)
{
    struct page_ctx *x = arg;
    if ((int64_t)json_array_size(x->list) == x->limit) {
        x->next = json_integer_value(json_object_get(json_array_get(x->list, x->limit - 1), "id"));
        return 1;
    }
    json_t *v;
    if ((x->rc = view_of(x->o, d, x->zone, false, &v)) < 0)
        return 1;
    json_array_append_new(x->list, v);
    return 0;
}

int delivery_list(struct op *o, int64_t partner_id, int64_t before, int64_t limit, json_t **out)
{
    *out = NULL;
    struct partner p;
    int rc = op_allow_partner(o, ACT_DELIVERY_READ, partner_id, &p);
    if (rc < 0)
        return rc;
    if (limit < 1 || limit > DELIVERY_PAGE_MAX)
        return op_invalid(o, "limit", "'limit' is a whole number from 1 to %d", DELIVERY_PAGE_MAX);
    if (before < 0)
        return op_invalid(o, "before", "'before' is a delivery id");
    struct page_ctx x = {o, p.time_zone, json_array(), limit, 0, 0};
    rc = store_delivery_page(o->db, o->a, p.id, before, limit + 1, add_delivery, &x);
    if (rc < 0 || x.rc < 0) {
        json_decref(x.list);
        return x.rc < 0 ? x.rc : op_failed(o, rc);
    }
    *out = json_pack("{s:o, s:o}", "deliveries", x.list, "next",
                     x.next ? json_integer(x.next) : json_null());
    return 0;
}
