/*
 * Deliveries over the API: a partner (or its posthouse) delivers uploads
 * against a request and gets the receipt at once (202: validation runs in
 * the background); anyone who may see the partner reads the result with
 * its findings, and, for a redelivery, what changed since the previous
 * result: fixed, still failing, new.
 */
#include <stdlib.h>
#include <string.h>

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
    json_array_append_new(ctx, json_pack("{s:s, s:s, s:I, s:s, s:o}", "upload", f->upload_id,
                                         "name", f->filename, "size", (json_int_t)f->length,
                                         "sha256", f->sha256, "md5",
                                         f->md5 ? json_string(f->md5) : json_null()));
    return 0;
}

static int add_finding(const char *text, void *ctx)
{
    json_t *f = json_loads(text, 0, NULL);
    if (f)
        json_array_append_new(ctx, f);
    return 0;
}

/* The identity of a finding across deliveries: code, file and place. */
static char *finding_key(json_t *f)
{
    json_t *k = json_pack("{s:O?, s:O?, s:O?}", "code", json_object_get(f, "code"), "file",
                          json_object_get(f, "file"), "location", json_object_get(f, "location"));
    char *s = json_dumps(k, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(k);
    return s;
}

static bool has_key(json_t *list, const char *key)
{
    size_t i;
    json_t *f;
    json_array_foreach(list, i, f) {
        char *k = finding_key(f);
        bool same = !strcmp(k, key);
        free(k);
        if (same)
            return true;
    }
    return false;
}

/* What changed between the previous result and this one. */
static json_t *changes(json_t *before, json_t *now)
{
    json_t *fixed = json_array(), *still = json_array(), *fresh = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(before, i, f) {
        char *k = finding_key(f);
        json_array_append(has_key(now, k) ? still : fixed, f);
        free(k);
    }
    json_array_foreach(now, i, f) {
        char *k = finding_key(f);
        if (!has_key(before, k))
            json_array_append(fresh, f);
        free(k);
    }
    return json_pack("{s:o, s:o, s:o}", "fixed", fixed, "still_failing", still, "new", fresh);
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
    if (d->previous_id && strcmp(d->status, "validating")) {
        json_t *before = json_array();
        store_delivery_findings(req_db(r), &r->arena, d->previous_id, add_finding, before);
        json_object_set_new(o, "changes", changes(before, findings));
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
    struct partner p;
    int rc = partner_id > 0 ? store_partner_get(req_db(r), &r->arena, partner_id, &p)
                            : STORE_ERR_NOT_FOUND;
    if (rc < 0) {
        reply_store_error(r, rc);
        return;
    }
    struct resource res = {p.id, p.agent_id};
    enum policy_result pr = policy_check(&r->who, r->route->action, &res);
    if (pr != POLICY_ALLOW) {
        reply_policy(r, pr);
        return;
    }
    struct onb o;
    onb_init(&o, req_db(r), &r->arena, now_get(), r->user.id, r->who.role, onb_public_url());
    int64_t id;
    if (store_begin(req_db(r)) < 0) {
        onb_free(&o);
        reply_store_error(r, STORE_ERR);
        return;
    }
    rc = deliv_receive(&o, &p, request_id, kind, json_object_get(r->json, "files"), &id);
    if (rc == 0)
        rc = store_commit(req_db(r));
    if (rc < 0) {
        store_rollback(req_db(r));
        if (rc == ONB_REFUSED)
            reply_error_extra(r, o.status, o.code, o.extra ? json_incref(o.extra) : NULL, "%s",
                              buf_str(&o.message));
        else
            reply_store_error(r, rc);
        onb_free(&o);
        return;
    }
    onb_free(&o);
    scheduler_poke();
    deliv_workers_poke();
    struct delivery_row d;
    if (store_delivery_get(req_db(r), &r->arena, id, &d) < 0) {
        reply_store_error(r, STORE_ERR);
        return;
    }
    json_t *out = json_delivery(r, &d, p.time_zone, true);
    /* The receipt: what was received, when (UTC and the partner's zone), with checksums. */
    json_object_set_new(out, "receipt",
                        json_pack("{s:O, s:O, s:O, s:O}", "received_at",
                                  json_object_get(out, "received_at"), "received_at_local",
                                  json_object_get(out, "received_at_local"), "time_zone",
                                  json_object_get(out, "time_zone"), "files",
                                  json_object_get(out, "files")));
    reply_json(r, 202, out);
}

void api_delivery_get(struct req *r)
{
    struct delivery_row d;
    struct partner p;
    int64_t id = req_param_id(r, 0);
    int rc = id ? store_delivery_get(req_db(r), &r->arena, id, &d) : STORE_ERR_NOT_FOUND;
    if (rc == 0)
        rc = store_partner_get(req_db(r), &r->arena, d.partner_id, &p);
    if (rc < 0) {
        reply_store_error(r, rc);
        return;
    }
    struct resource res = {p.id, p.agent_id};
    enum policy_result pr = policy_check(&r->who, r->route->action, &res);
    if (pr != POLICY_ALLOW) {
        reply_policy(r, pr);
        return;
    }
    reply_json(r, 200, json_delivery(r, &d, p.time_zone, true));
}

struct list_ctx {
    struct req *r;
    const char *zone;
    json_t *list;
};

static int add_delivery(const struct delivery_row *d, void *arg)
{
    struct list_ctx *x = arg;
    json_array_append_new(x->list, json_delivery(x->r, d, x->zone, false));
    return 0;
}

void api_partner_deliveries(struct req *r)
{
    struct partner p;
    int64_t id = req_param_id(r, 0);
    int rc = id ? store_partner_get(req_db(r), &r->arena, id, &p) : STORE_ERR_NOT_FOUND;
    if (rc < 0) {
        reply_store_error(r, rc);
        return;
    }
    struct resource res = {p.id, p.agent_id};
    enum policy_result pr = policy_check(&r->who, r->route->action, &res);
    if (pr != POLICY_ALLOW) {
        reply_policy(r, pr);
        return;
    }
    struct list_ctx x = {r, p.time_zone, json_array()};
    rc = store_delivery_each(req_db(r), &r->arena, p.id, 0, add_delivery, &x);
    if (rc < 0) {
        json_decref(x.list);
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "deliveries", x.list));
}
