/*
 * The staff dashboard's view: see dashboard.h. Each row names its partner
 * with the partner's zone and gives its instants both as RFC 3339 and as
 * local time with the offset, so a reader sees a due instant as the partner
 * lives it. A clock on a request also names the request's title: one
 * primary-key read per row of a bounded list.
 */
#include "app/dashboard.h"

#include <stdlib.h>
#include <string.h>

#include "app/scope.h"
#include "base/timefmt.h"
#include "core/deadline.h"
#include "core/lifecycle.h"
#include "core/zone.h"
#include "store/dashboard_store.h"

#define DUE_SOON_SECONDS (DASHBOARD_DUE_SOON_HOURS * 3600)

static json_t *json_org(int64_t id, const char *name, const char *zone)
{
    if (!id)
        return json_null();
    return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name ? name : "", "time_zone",
                     zone ? zone : "UTC");
}

/* The instant t as local time with its offset in zone, or null. */
static json_t *json_local(int64_t t, const char *zone)
{
    const struct zone *z;
    if (!t || !zone || zone_open(zone, &z) != 0)
        return json_null();
    char local[26];
    zone_format_local(z, t, local);
    return json_string(local);
}

/* The request id of a subject "request:N", or 0. */
static int64_t subject_request(const char *subject)
{
    if (!subject || strncmp(subject, "request:", 8) != 0)
        return 0;
    char *end;
    long long id = strtoll(subject + 8, &end, 10);
    return *end || id <= 0 ? 0 : id;
}

struct clock_list {
    struct op *o;
    json_t *list;
};

static int add_clock(const struct dash_clock *c, void *arg)
{
    struct clock_list *x = arg;
    const struct deadline_kind *k = deadline_kind(c->kind);
    int64_t request = subject_request(c->subject);
    char *title = request ? store_dash_request_title(x->o->db, x->o->a, request) : NULL;
    json_t *o = json_pack(
        "{s:I, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:s, s:o}", "id", (json_int_t)c->id,
        "kind", c->kind, "kind_label", k ? k->label : c->kind, "subject", c->subject, "request",
        request ? json_integer(request) : json_null(), "request_title",
        title ? json_string(title) : json_null(), "state", c->state, "started_at",
        app_json_time(c->started_at), "due_at", app_json_time(c->due_at), "due_local",
        json_local(c->due_at, c->time_zone), "time_zone", c->time_zone ? c->time_zone : "UTC",
        "partner", json_org(c->partner_id, c->partner_name, c->time_zone));
    if (c->label)
        json_object_set_new(o, "label", json_string(c->label));
    json_array_append_new(x->list, o);
    return 0;
}

static int add_warning(const struct dash_warning *w, void *ctx)
{
    json_array_append_new(
        ctx,
        json_pack("{s:I, s:I, s:o, s:o, s:s, s:o, s:o, s:o}", "id", (json_int_t)w->id, "number",
                  (json_int_t)w->number, "issued_at", app_json_time(w->issued_at), "issued_local",
                  json_local(w->issued_at, w->time_zone), "reason", w->reason ? w->reason : "",
                  "request", w->request_id ? json_integer(w->request_id) : json_null(),
                  "request_title", w->request_title ? json_string(w->request_title) : json_null(),
                  "partner", json_org(w->partner_id, w->partner_name, w->time_zone)));
    return 0;
}

static int add_decision(const struct dash_decision *d, void *ctx)
{
    json_t *o = json_org(d->partner_id, d->partner_name, d->time_zone);
    json_object_set_new(o, "stage", json_string(d->stage));
    json_object_set_new(o, "warnings", json_integer(d->warnings));
    json_object_set_new(o, "stage_since", app_json_time(d->stage_at));
    json_object_set_new(o, "pim",
                        d->pim_email ? json_pack("{s:s, s:s}", "email", d->pim_email, "name",
                                                 d->pim_name ? d->pim_name : "")
                                     : json_null());
    json_array_append_new(ctx, o);
    return 0;
}

static int add_alternate(const struct dash_alternate *x, void *ctx)
{
    json_array_append_new(ctx,
                          json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:s}", "id", (json_int_t)x->id,
                                    "reason", x->reason ? x->reason : "", "at", app_json_time(x->at),
                                    "at_local", json_local(x->at, x->time_zone), "by",
                                    x->by_email ? json_string(x->by_email) : json_null(), "partner",
                                    json_org(x->partner_id, x->partner_name, x->time_zone),
                                    "state", x->state ? x->state : "open"));
    return 0;
}

static int add_stage(const char *stage, int64_t n, void *ctx)
{
    json_t *counts = ctx;
    if (stage)
        json_object_set_new(counts, stage, json_integer(n));
    return 0;
}

int dashboard_view(struct op *o, int64_t limit, json_t **out)
{
    *out = NULL;
    int rc = op_allow(o, ACT_STAFF_VIEW, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    if (limit < 1 || limit > DASHBOARD_LIST_MAX)
        return op_invalid(o, "limit", "'limit' is a whole number from 1 to %d", DASHBOARD_LIST_MAX);
    int64_t now = o->now;
    json_t *counts = json_object(), *stages = json_array();
    json_t *due = json_array(), *breached = json_array(), *warnings = json_array();
    json_t *decisions = json_array(), *alternates = json_array();
    int64_t n_due = 0, n_breached = 0, n_decisions = 0, n_alternates = 0, n_partners = 0;
    struct clock_list dx = {o, due}, bx = {o, breached};
    rc = store_dash_stage_counts(o->db, add_stage, counts);
    if (rc == 0)
        rc = store_dash_clocks_due(o->db, o->a, now + DUE_SOON_SECONDS, (int)limit, &n_due,
                                   add_clock, &dx);
    if (rc == 0)
        rc = store_dash_clocks_breached(o->db, o->a, now - DASHBOARD_BREACHED_DAYS * 86400,
                                        (int)limit, &n_breached, add_clock, &bx);
    if (rc == 0)
        rc = store_dash_warnings(o->db, o->a, (int)limit, add_warning, warnings);
    if (rc == 0)
        rc = store_dash_decisions(o->db, o->a, (int)limit, &n_decisions, add_decision, decisions);
    if (rc == 0)
        rc = store_dash_alternates(o->db, o->a, (int)limit, &n_alternates, add_alternate,
                                   alternates);
    if (rc < 0) {
        json_decref(counts);
        json_decref(stages);
        json_decref(due);
        json_decref(breached);
        json_decref(warnings);
        json_decref(decisions);
        json_decref(alternates);
        return op_failed(o, rc);
    }
    /* Every stage in lifecycle order, with 0 for the empty ones. */
    for (int s = 0; s < STAGE_N; s++) {
        json_int_t n = json_integer_value(json_object_get(counts, stage_name((enum stage)s)));
        n_partners += n;
        json_array_append_new(
            stages, json_pack("{s:s, s:I}", "stage", stage_name((enum stage)s), "count", n));
    }
    json_decref(counts);
    *out = json_pack("{s:o, s:o, s:I, s:{s:i, s:o, s:I, s:o}, s:{s:i, s:o, s:I, s:o}, s:o,"
                     " s:{s:I, s:o}, s:{s:I, s:o}}",
                     "now", app_json_time(now), "stages", stages, "partners", (json_int_t)n_partners,
                     "due_soon", "hours", DASHBOARD_DUE_SOON_HOURS, "until",
                     app_json_time(now + DUE_SOON_SECONDS), "total", (json_int_t)n_due, "clocks",
                     due, "breached", "days", DASHBOARD_BREACHED_DAYS, "since",
                     app_json_time(now - DASHBOARD_BREACHED_DAYS * 86400), "total",
                     (json_int_t)n_breached, "clocks", breached, "warnings", warnings, "decisions",
                     "total", (json_int_t)n_decisions, "partners", decisions, "alternates", "total",
                     (json_int_t)n_alternates, "requests", alternates);
    return 0;
}
