/*
 * Deliveries over the API: a partner (or its posthouse) delivers uploads
 * against a request and gets the receipt at once (202: validation runs in
 * the background); anyone who may see the partner reads the result with
 * its findings, and, for a redelivery, what changed since the previous
 * result: fixed, still failing, new.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/deliveries.h"
#include "base/now.h"
#include "core/zone.h"
#include "http/http.h"
#include "jobs/deliveries.h"
#include "jobs/sweep.h"

void api_deliveries_create(struct req *r);
void api_delivery_get(struct req *r);
void api_partner_deliveries(struct req *r);

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

/*
 * What changed between the previous result and this one, by finding identity:
 * fixed (in the previous result, gone now), still_failing (in both: as found
 * now) and new (found now only); each finding of now gets "change": "new" or
 * "still_failing". O(n log n) in the number of findings.
 */
static json_t *changes(int64_t previous_id, json_t *before, json_t *now, bool by_place_only)
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

static int count_file(const struct delivery_file_row *f, void *ctx)
{
    (void)f;
    (*(size_t *)ctx)++;
    return 0;
}

static json_t *json_delivery(struct req *r, const struct delivery_row *d, const char *zone_name,
                             bool full)
{
    json_t *o = json_pack("{s:I, s:I, s:o, s:s, s:s, s:o, s:b, s:o, s:o, s:I, s:I, s:o}", "id",
                          (json_int_t)d->id, "partner", (json_int_t)d->partner_id, "request",
                          d->request_id ? json_integer(d->request_id) : json_null(), "kind",
                          d->kind, "status", d->status, "received_at", json_time(d->received_at),
                          "late", d->late, "validated_at", json_time(d->validated_at), "ruleset",
                          d->ruleset ? json_string(d->ruleset) : json_null(), "errors",
                          (json_int_t)d->n_errors, "warnings", (json_int_t)d->n_warnings,
                          "previous", d->previous_id ? json_integer(d->previous_id) : json_null());
    const struct zone *z;
    if (zone_name && zone_open(zone_name, &z) == 0) {
        char local[26];
        zone_format_local(z, d->received_at, local);
        json_object_set_new(o, "received_at_local", json_string(local));
        json_object_set_new(o, "time_zone", json_string(zone_name));
    }
    if (!full)
        return o;
    json_t *files = json_array(), *findings = json_array();
    store_delivery_files(req_db(r), &r->arena, d->id, add_file, files);
    store_delivery_findings(req_db(r), &r->arena, d->id, add_finding, findings);
    json_object_set_new(o, "files", files);
    json_object_set_new(o, "findings", findings);
    /* A newer delivery answering the same request (self-serve: of the same kind) supersedes it. */
    int64_t latest = 0;
    if (d->request_id)
        store_delivery_latest(req_db(r), d->request_id, 0, &latest);
    else
        store_delivery_latest_self(req_db(r), d->partner_id, d->kind, &latest);
    json_object_set_new(o, "latest", latest > d->id ? json_integer(latest) : json_null());
    /* A redelivery: what changed since the previous result (once both are known). */
    struct delivery_row prev;
    if (d->previous_id && strcmp(d->status, "validating") &&
        store_delivery_get(req_db(r), &r->arena, d->previous_id, &prev) == 0 &&
        strcmp(prev.status, "validating")) {
        json_t *before = json_array();
        size_t n_prev_files = 0;
        store_delivery_findings(req_db(r), &r->arena, d->previous_id, add_finding, before);
        store_delivery_files(req_db(r), &r->arena, d->previous_id, count_file, &n_prev_files);
        bool one_file_each = n_prev_files == 1 && json_array_size(files) == 1;
        json_object_set_new(o, "changes", changes(d->previous_id, before, findings, one_file_each));
        json_decref(before);
    }
    return o;
}

void api_deliveries_create(struct req *r)
{
    int64_t partner_id = 0, request_id = 0;
    const char *kind;
    if (!jfield_int(r, "partner", true, &partner_id) ||
        !jfield_int(r, "request", false, &request_id) || !jfield_str(r, "kind", true, &kind))
        return;
    struct scoped sc;
    if (!req_allow(r, r->route->action, SCOPE_PARTNER,
                   arena_printf(&r->arena, "%lld", (long long)partner_id), &sc))
        return;
    struct partner p = sc.partner;
    int rc;
    struct op o;
    req_op_init(r, &o);
    int64_t id;
    if (store_begin(req_db(r)) < 0) {
        op_free(&o);
        reply_store_error(r, STORE_ERR);
        return;
    }
    rc = deliv_receive(&o, &p, request_id, kind, json_object_get(r->json, "files"), &id);
    if (rc == 0)
        rc = store_commit(req_db(r));
    if (rc < 0) {
        store_rollback(req_db(r));
        reply_op_error(r, &o, rc);
        op_free(&o);
        return;
    }
    op_free(&o);
    /* The answer is read before the workers are woken: a small file could be validated
       before this thread reads the delivery again, and the receipt says "validating". */
    struct delivery_row d;
    if (store_delivery_get(req_db(r), &r->arena, id, &d) < 0) {
        scheduler_poke();
        deliv_workers_poke();
        reply_store_error(r, STORE_ERR);
        return;
    }
    json_t *out = json_delivery(r, &d, p.time_zone, true);
    /* The receipt: what was received, when (UTC and the partner's zone), with checksums. */
    json_object_set_new(
        out, "receipt",
        json_pack("{s:O, s:O, s:O, s:O}", "received_at", json_object_get(out, "received_at"),
                  "received_at_local", json_object_get(out, "received_at_local"), "time_zone",
                  json_object_get(out, "time_zone"), "files", json_object_get(out, "files")));
    scheduler_poke();
    deliv_workers_poke();
    reply_json(r, 202, out);
}

void api_delivery_get(struct req *r)
{
    struct partner p;
    if (!req_partner(r, &p))
        return;
    reply_json(r, 200, json_delivery(r, &r->scoped->delivery, p.time_zone, true));
}

#define PAGE_DEFAULT 50  /* deliveries per answer without ?limit= */
#define PAGE_MAX     200 /* the largest ?limit= */

struct list_ctx {
    struct req *r;
    const char *zone;
    json_t *list;
    int64_t limit; /* rows to answer; one more is read to know whether there is a next page */
    int64_t next;  /* the ?before= of the next page, 0: none */
};

static int add_delivery(const struct delivery_row *d, void *arg)
{
    struct list_ctx *x = arg;
    if ((int64_t)json_array_size(x->list) == x->limit) {
        x->next = json_integer_value(json_object_get(json_array_get(x->list, x->limit - 1), "id"));
        return 1;
    }
    json_array_append_new(x->list, json_delivery(x->r, d, x->zone, false));
    return 0;
}

void api_partner_deliveries(struct req *r)
{
    struct partner p;
    if (!req_partner(r, &p))
        return;
    int rc;
    int64_t before, limit;
    if (!req_query_int(r, "before", 1, INT64_MAX, 0, &before) ||
        !req_query_int(r, "limit", 1, PAGE_MAX, PAGE_DEFAULT, &limit))
        return;
    struct list_ctx x = {r, p.time_zone, json_array(), limit, 0};
    rc = store_delivery_page(req_db(r), &r->arena, p.id, before, limit + 1, add_delivery, &x);
    if (rc < 0) {
        json_decref(x.list);
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200,
               json_pack("{s:o, s:o}", "deliveries", x.list, "next",
                         x.next ? json_integer(x.next) : json_null()));
}
