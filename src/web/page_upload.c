/*
 * /upload: files sent from the browser, then delivered. GET /upload
 * [?request={id}] [?partner={id}] [&kind=K] shows, for one partner, the
 * uploader (static/upload.js: tus through tus-js-client at /files/, resumable
 * after a lost connection or a reload) and the delivery form; POST /upload
 * (do=deliver) creates the delivery (app/deliveries.h delivery_receive, as
 * the API does) and goes to its page, where its validation is watched.
 *
 * Whose files: a partner user's own organisation; a posthouse user picks
 * among the partners it delivers for; the staff roles that may upload
 * (admin, pim, pom: the policy's ACT_UPLOAD, which keeps the page from the
 * others) pick any partner that can deliver (training, escalated, steady
 * state). Only the roles that may deliver (the organisation's users, admin)
 * get the delivery form; pim and pom upload for a partner and leave the
 * delivery to it. Every id in the query goes through the same reads as the
 * API's (the request and the partner still through their API routes, the
 * uploads through app/uploads.h), so another organisation's request,
 * partner or upload is a 404.
 *
 * Uploading needs JavaScript: without it the page says so and gives the
 * command-line alternative with this partner's ids filled in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/partners.h"
#include "app/requests.h"
#include "app/deliveries.h"
#include "app/uploads.h"
#include "base/timefmt.h"
#include "core/role.h"
#include "web/pages.h"
#include "web/web.h"

/* The chunk size upload.js sends per PATCH (data-chunk-size): big enough to be fast, small
 * enough that a proxy's body limit or a lost connection costs little. */
#define UPLOAD_CHUNK_SIZE (64 * 1024 * 1024)
/* Staff choose among the deliverable ones of the first CHOOSER_MAX partners; past them, by number.
 */
#define CHOOSER_MAX 500

static const char *str_of(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A positive id from text, or 0. */
static json_int_t id_of(const char *s)
{
    if (!s || !*s)
        return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    return *end || v <= 0 ? 0 : (json_int_t)v;
}

static bool can_deliver_stage(const char *stage)
{
    return stage && (!strcmp(stage, "training") || !strcmp(stage, "escalated") ||
                     !strcmp(stage, "steady_state"));
}

/*
 * Appends the partners an organisation's user may deliver for (stage
 * training, escalated or steady state: its own, and for a posthouse those it
 * delivers for) from app/partners.c's list, as select options; false when there were
 * more than max (the rest are left out).
 */
static bool add_partners(struct req *r, json_t *list, json_int_t chosen, size_t max)
{
    json_t *ans = NULL;
    bool ok = true;
    struct op o;
    struct partners_query all = {0};
    req_op_init(r, &o);
    int rc = partners_list(&o, &all, &ans);
    op_free(&o);
    if (rc == 0) {
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(ans, "partners"), i, p) {
            const char *st = str_of(p, "stage");
            if (!can_deliver_stage(st))
                continue;
            if (json_array_size(list) >= max) {
                ok = false;
                break;
            }
            json_int_t id = json_integer_value(json_object_get(p, "id"));
            json_array_append_new(list,
                                  json_pack("{s:I, s:s, s:s, s:b}", "pid", id, "pname",
                                            str_of(p, "name") ? str_of(p, "name") : "", "pstage",
                                            web_stage_label(st), "pselected", id == chosen));
        }
    }
    json_decref(ans);
    return ok;
}

/* A request a delivery can answer, for ordering the choices. */
struct answerable {
    json_t *q;
    bool overdue;
    const char *issued; /* RFC 3339 UTC: text order is time order */
};

/* Overdue first, then the oldest issued. */
static int answerable_cmp(const void *x, const void *y)
{
    const struct answerable *a = x, *b = y;
    if (a->overdue != b->overdue)
        return a->overdue ? -1 : 1;
    int c = strcmp(a->issued, b->issued);
    return c ? c : (int)(json_integer_value(json_object_get(a->q, "id")) -
                         json_integer_value(json_object_get(b->q, "id")));
}

/*
 * The requests of the partner a delivery can answer (not passed yet), as
 * select options, overdue ones first, then the oldest: the one the partner
 * owes most. The chosen one is selected; by default the first of the kind
 * asked (any kind when none is asked), so that a late request is never
 * passed over for a self-serve delivery. An overdue one reads "late (was due
 * Mon 30 Mar at 11:00, Europe/London)", in the partner's zone.
 */
static json_t *request_options(struct req *r, json_int_t partner, json_int_t chosen,
                               const char *kind, const char *zone, bool *any_selected)
{
    json_t *ans = NULL, *list = json_array();
    *any_selected = false;
    struct op ro;
    req_op_init(r, &ro);
    int rc = request_list(&ro, partner, &ans);
    if (rc == 0) {
        json_t *all = json_object_get(ans, "requests");
        size_t n = 0, i;
        struct answerable *v = arena_alloc(&r->arena, (json_array_size(all) + 1) * sizeof *v);
        json_t *q;
        json_array_foreach(all, i, q) {
            const char *status = str_of(q, "status"), *qkind = str_of(q, "kind");
            json_int_t id = json_integer_value(json_object_get(q, "id"));
            if (!status || !qkind || (!strcmp(status, "passed") && id != chosen))
                continue;
            const char *due = str_of(q, "due_at");
            int64_t due_t = 0;
            bool overdue = strcmp(status, "passed") && due && time_parse_rfc3339(due, &due_t) == 0 &&
                           due_t <= ro.now;
            const char *issued = str_of(q, "issued_at");
            v[n++] = (struct answerable){q, overdue, issued ? issued : ""};
        }
        qsort(v, n, sizeof *v, answerable_cmp);
        for (i = 0; i < n; i++) {
            q = v[i].q;
            const char *status = str_of(q, "status"), *qkind = str_of(q, "kind");
            json_int_t id = json_integer_value(json_object_get(q, "id"));
            bool sel = chosen ? id == chosen
                              : (!*any_selected && (!kind || !strcmp(qkind, kind)) &&
                                 strcmp(status, "delivered"));
            *any_selected |= sel;
            json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:b}", "rid", id, "rtitle",
                                  str_of(q, "title") ? str_of(q, "title") : "", "rkind", qkind,
                                  "rkind_label", web_kind_label(qkind), "rstatus", status,
                                  "rselected", sel, "rlate", v[i].overdue);
            const char *due = str_of(q, "due_at");
            int64_t due_t;
            if (due && time_parse_rfc3339(due, &due_t) == 0 && strcmp(status, "passed")) {
                const char *words = op_due_words(&ro, due_t, zone);
                json_object_set_new(o, v[i].overdue ? "rwas_due" : "rdue",
                                    json_string(arena_printf(&r->arena, "%s", words)));
            }
            json_array_append_new(list, o);
        }
    }
    op_free(&ro);
    json_decref(ans);
    return list;
}

/* The uploads a refused delivery named, kept on the page: [{uid, uname, usize}] (ours only). */
static json_t *kept_uploads(struct req *r)
{
    json_t *list = json_array();
    json_t *files = r->form ? json_object_get(r->form, "files") : NULL;
    json_t *one = json_is_string(files) ? json_pack("[O]", files) : json_incref(files);
    size_t i;
    json_t *f;
    json_array_foreach(one, i, f) {
        const char *id = json_string_value(f);
        if (!id || i >= 1000)
            continue;
        json_t *u = NULL;
        struct op o;
        req_op_init(r, &o);
        int rc = uploads_view(&o, id, &u);
        op_free(&o); /* one the user may not see is left out, as a missing one */
        if (rc == 0 && json_is_true(json_object_get(u, "complete")))
            json_array_append_new(
                list, json_pack("{s:s, s:s, s:I}", "uid", id, "uname",
                                str_of(u, "filename") ? str_of(u, "filename") : id, "usize",
                                json_integer_value(json_object_get(u, "length"))));
        json_decref(u);
    }
    json_decref(one);
    return list;
}

/*
 * Renders the page for the query (GET) or the refused form (POST: status and
 * error). Answers 404 itself for a request or partner the user may not see.
 */
static void show(struct req *r, int status, const char *error)
{
    bool posted = r->form != NULL;
    const char *req_s = posted ? page_field(r, "request") : req_query(r, "request");
    const char *partner_s = posted ? page_field(r, "partner") : req_query(r, "partner");
    const char *number = posted ? NULL : req_query(r, "partner_number");
    if (number && *number)
        partner_s = number; /* typed in the chooser, past the list */
    const char *kind = posted ? page_field(r, "kind") : req_query(r, "kind");
    if (!kind || (strcmp(kind, "avails") && strcmp(kind, "asset_package")))
        kind = NULL;
    json_int_t request_id = id_of(req_s), partner_id = id_of(partner_s);
    bool org = role_is_org(r->who.role);
    bool may_deliver = org || r->who.role == ROLE_ADMIN;
    json_t *vm = json_pack("{s:s, s:s, s:b, s:b}", "title", "Upload a delivery", "csrf",
                           r->csrf ? r->csrf : "", "may_deliver", may_deliver, "staff", !org);
    if (error)
        json_object_set_new(vm, "error", json_string(error));
    if ((req_s && *req_s && !request_id) || (partner_s && *partner_s && !partner_id)) {
        json_decref(vm);
        page_error(r, 404, "There is no such page, or it belongs to another organisation.");
        return;
    }

    /* the request asked for settles the partner and the kind */
    json_t *q = NULL;
    if (request_id) {
        struct op ro;
        req_op_init(r, &ro);
        if (!page_op_done(r, &ro, request_view(&ro, request_id, &q))) {
            json_decref(vm);
            return;
        }
        partner_id = json_integer_value(json_object_get(q, "partner"));
        if (!posted || !kind) /* a refused form keeps what was chosen */
            kind = str_of(q, "kind");
    }
    /* whose files: a partner user's own organisation; a posthouse's only partner */
    json_t *choices = json_array();
    bool all_listed = true;
    if (!partner_id && r->who.role == ROLE_PARTNER)
        partner_id = r->who.org_id;
    /* the choice of partner: staff before choosing one (from a bounded read: ten thousand
     * partners cost CHOOSER_MAX rows); a posthouse always (its list is short) */
    if (!partner_id && !org) {
        bool more = false;
        json_t *all = web_partner_choices(r, 0, CHOOSER_MAX, &more);
        size_t i;
        json_t *c;
        json_array_foreach(all, i, c) {
            if (can_deliver_stage(str_of(c, "stage")))
                json_array_append_new(
                    choices, json_pack("{s:O, s:O, s:O, s:b}", "pid", json_object_get(c, "id"),
                                       "pname", json_object_get(c, "name"), "pstage",
                                       json_object_get(c, "stage_label"), "pselected", false));
        }
        json_decref(all);
        all_listed = !more;
    } else if (!partner_id || r->who.role == ROLE_POSTHOUSE) {
        all_listed = add_partners(r, choices, partner_id, CHOOSER_MAX);
        if (!partner_id && json_array_size(choices) == 1 && org)
            partner_id = json_integer_value(json_object_get(json_array_get(choices, 0), "pid"));
    }
    json_t *p = NULL;
    if (partner_id) {
        p = web_partner_view(r, partner_id);
        if (!p) {
            json_decref(q);
            json_decref(choices);
            json_decref(vm);
            return;
        }
    }
    if (json_array_size(choices) > 1 || (!partner_id && !org))
        json_object_set_new(vm, "chooser",
                            json_pack("{s:o, s:b, s:b}", "partners", json_incref(choices), "any",
                                      json_array_size(choices) > 0, "by_number", !all_listed));
    json_decref(choices);
    if (!p) {
        if (org)
            json_object_set_new(vm, "nobody", json_true());
        page_render(r, status, "upload", vm);
        json_decref(q);
        return;
    }

    const char *stage = str_of(p, "stage"), *zone = str_of(p, "time_zone");
    const char *base = app_public_url();
    json_t *ctx =
        json_pack("{s:I, s:s, s:s, s:s, s:I, s:s}", "partner_id", partner_id, "partner_name",
                  str_of(p, "name") ? str_of(p, "name") : "", "stage_label", web_stage_label(stage),
                  "server", base ? base : "http://127.0.0.1:8080", "chunk_size",
                  (json_int_t)UPLOAD_CHUNK_SIZE, "endpoint", "/files/");
    if (!can_deliver_stage(stage)) {
        json_object_set_new(ctx, "not_yet", json_true());
    } else {
        bool selected = false;
        json_t *reqs = request_options(r, partner_id, request_id, kind, zone, &selected);
        bool steady = !strcmp(stage, "steady_state");
        json_object_set_new(ctx, "requests", reqs);
        json_t *late = json_array();
        size_t li;
        json_t *lo;
        json_array_foreach(reqs, li, lo) {
            if (json_is_true(json_object_get(lo, "rlate")))
                json_array_append(late, lo);
        }
        if (json_array_size(late) && !request_id)
            json_object_set_new(ctx, "late_requests",
                                json_pack("{s:o, s:b}", "list", late, "one",
                                          json_array_size(late) == 1));
        else
            json_decref(late);
        if (steady)
            json_object_set_new(ctx, "self_serve",
                                json_pack("{s:b}", "self_selected", !selected && !request_id));
        if (!json_array_size(reqs) && !steady)
            json_object_set_new(ctx, "no_requests", json_true());
        if (!kind) {
            /* the kind of the selected request, else avails */
            size_t i;
            json_t *o;
            json_array_foreach(reqs, i, o) {
                if (json_is_true(json_object_get(o, "rselected")))
                    kind = str_of(o, "rkind");
            }
        }
        if (!kind)
            kind = "avails";
        json_object_set_new(ctx, "kind_avails", json_boolean(!strcmp(kind, "avails")));
        json_object_set_new(ctx, "kind_package", json_boolean(!strcmp(kind, "asset_package")));
        json_object_set_new(ctx, "kind", json_string(kind));
        if (q) {
            const char *qstatus = str_of(q, "status");
            json_object_set_new(ctx, "request",
                                json_pack("{s:I, s:s, s:s, s:b}", "request_id", request_id,
                                          "request_title",
                                          str_of(q, "title") ? str_of(q, "title") : "",
                                          "request_kind", web_kind_label(kind), "request_passed",
                                          qstatus && !strcmp(qstatus, "passed")));
        }
        int64_t due_t;
        if (q && str_of(q, "due_at") && strcmp(str_of(q, "status"), "passed") &&
            time_parse_rfc3339(str_of(q, "due_at"), &due_t) == 0) {
            struct op wo;
            req_op_init(r, &wo);
            const char *words = arena_printf(&r->arena, "%s", op_due_words(&wo, due_t, zone));
            if (due_t <= wo.now) {
                json_object_set_new(ctx, "late_text", json_string(words));
            } else {
                json_object_set_new(ctx, "due_iso", json_string(str_of(q, "due_at")));
                json_object_set_new(ctx, "due_text", json_string(words));
            }
            op_free(&wo);
        }
        json_object_set_new(ctx, "kept", kept_uploads(r));
        json_object_set_new(ctx, "can_upload", json_true());
    }
    json_object_set_new(vm, "ctx", ctx);
    json_object_set_new(
        vm, "title",
        json_string(arena_printf(&r->arena, "Upload for %s",
                                 str_of(p, "name") ? str_of(p, "name") : "a partner")));
    json_decref(p);
    json_decref(q);
    page_render(r, status, "upload", vm);
}

void page_upload(struct req *r)
{
    show(r, 200, NULL);
}

void page_upload_post(struct req *r)
{
    const char *what = page_field(r, "do");
    if (!what || strcmp(what, "deliver")) {
        page_error(r, 400, "This form asks for something the upload page does not do.");
        return;
    }
    json_t *files = json_object_get(r->form, "files");
    json_t *list = json_array();
    if (json_is_string(files))
        json_array_append(list, files);
    else if (json_is_array(files))
        json_array_extend(list, files);
    struct op o;
    req_op_init(r, &o);
    int64_t id;
    json_t *ans = NULL;
    int rc = delivery_receive(&o, id_of(page_field(r, "partner")), id_of(page_field(r, "request")),
                              page_field(r, "kind") ? page_field(r, "kind") : "", list, &id, &ans);
    json_decref(list);
    if (rc == 0) {
        const char *when = web_time_text(r, str_of(ans, "received_at"), str_of(ans, "time_zone"));
        page_redirect(r, arena_printf(&r->arena, "/deliveries/%lld", (long long)id), "ok",
                      arena_printf(&r->arena,
                                   "Delivery %lld received %s: the files are complete and their "
                                   "checksums verified. The checks are running now.",
                                   (long long)id, when));
    } else if (rc == OP_REFUSED && o.err.kind == OP_NOT_FOUND) {
        page_error(r, 404, "There is no such page, or it belongs to another organisation.");
    } else {
        int st = rc == OP_REFUSED ? op_status(o.err.kind) : 500;
        const char *msg = rc == OP_REFUSED ? buf_str(&o.err.message) : "";
        show(r, st >= 400 && st < 500 ? st : 500,
             *msg ? msg : "The delivery could not be created; try again.");
    }
    op_free(&o);
    json_decref(ans);
}
