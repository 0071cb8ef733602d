/*
 * Partners: see partners.h. Creating one validates everything first (the
 * calendar is read outside the transaction, as a check of the input), then
 * stores the partner and its audit event in one transaction. The reads
 * build their JSON from the store directly; the full view looks each
 * owner up once however many setup items name the same user.
 */
#include "app/partners.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/agent.h"
#include "app/audit.h"
#include "app/launch.h"
#include "app/posthouses.h"
#include "app/scope.h"
#include "app/training.h"
#include "core/lifecycle.h"
#include "core/signin.h"
#include "core/zone.h"
#include "store/lifecycle_store.h"

/* The list form of a partner (a new reference). */
static json_t *json_partner(const struct partner *p)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:o, s:b, s:b, s:s, s:o, s:o, s:o}", "id",
                          (json_int_t)p->id, "name", p->name, "contact_email", p->contact_email,
                          "time_zone", p->time_zone, "calendar",
                          p->calendar_id ? json_integer(p->calendar_id) : json_null(), "channels",
                          p->channels, "posthouse", p->posthouse, "stage", p->stage, "alias",
                          p->alias ? json_string(p->alias) : json_null(), "agent",
                          p->agent_id ? json_integer(p->agent_id) : json_null(), "created_at",
                          app_json_time(p->created_at));
    json_object_set_new(o, "warnings", json_integer(p->warnings));
    json_object_set_new(o, "decision_pending", json_boolean(p->decision_pending));
    json_object_set_new(o, "stage_since", app_json_time(p->stage_at));
    return o;
}

/* ---- creating ---- */

int partners_create(struct op *o, const struct partner_new *in, struct partner *out, json_t **view)
{
    int rc = op_allow(o, ACT_PARTNER_CREATE, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    const char *name = in->name ? in->name : "", *tz = in->time_zone ? in->time_zone : "";
    const char *contact_in = in->contact_email ? in->contact_email : "";
    char contact[256];
    if (!*name || strlen(name) > 200)
        return op_invalid(o, "name", "'name' must be 1 to 200 characters");
    if (signin_email_normalise(contact_in, contact, sizeof contact) < 0)
        return op_invalid(o, "contact_email", "'%s' is not an email address", contact_in);
    if (!zone_valid(tz))
        return op_invalid(o, "time_zone", "'%s' is not an IANA time zone such as Europe/London",
                          tz);
    struct calendar_row cal;
    if (in->calendar_id && store_calendar_get(o->db, o->a, in->calendar_id, &cal) < 0)
        return op_invalid(o, "calendar", "there is no calendar %lld", (long long)in->calendar_id);
    struct partner p = {0};
    p.name = arena_strdup(o->a, name);
    p.contact_email = arena_strdup(o->a, contact);
    p.time_zone = arena_strdup(o->a, tz);
    p.calendar_id = in->calendar_id;
    p.channels = in->channels;
    p.posthouse = in->posthouse;
    p.stage = "invited";
    p.created_at = o->now;
    p.cam_id = o->who.role == ROLE_CAM ? o->who.user_id : 0;
    if ((rc = op_begin(o)) < 0)
        return rc;
    json_t *made = NULL;
    rc = store_partner_add(o->db, &p, &p.id);
    if (rc == 0) {
        made = json_partner(&p);
        json_t *after = json_deep_copy(made);
        if (in->via)
            json_object_set_new(after, "via", json_string(in->via));
        rc = audit_event(o, p.id, arena_printf(o->a, "partner:%lld", (long long)p.id),
                         "partner.create", NULL, after);
    }
    if ((rc = op_end(o, rc)) < 0) {
        json_decref(made);
        return rc;
    }
    if (out)
        *out = p;
    if (view)
        *view = made;
    else
        json_decref(made);
    return 0;
}

/* ---- the list ---- */

static int add_partner(const struct partner *p, void *ctx)
{
    json_array_append_new(ctx, json_partner(p));
    return 0;
}

static bool given(const char *s)
{
    return s && *s;
}

int partners_list(struct op *o, const struct partners_query *in, json_t **out)
{
    int rc = op_allow(o, ACT_PARTNER_LIST, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    const char *sort = in->sort, *dir = in->dir, *mine = in->mine;
    struct partner_query q = {
        .stage = given(in->stage) ? in->stage : NULL, .org_id = o->who.org_id, .name = in->q};
    if (sort && strcmp(sort, "name") && strcmp(sort, "stage") && strcmp(sort, "since"))
        return op_invalid(o, "sort", "'sort' is name, stage or since");
    json_t *valid = q.name ? json_string(q.name) : NULL; /* NULL when not UTF-8 */
    json_decref(valid);
    if (q.name && (!valid || strlen(q.name) > 200))
        return op_invalid(o, "q", "'q' is a part of a name: UTF-8, at most 200 bytes");
    if (dir && strcmp(dir, "asc") && strcmp(dir, "desc"))
        return op_invalid(o, "dir", "'dir' is asc or desc");
    if (mine && strcmp(mine, "true") && strcmp(mine, "false") && strcmp(mine, "1") &&
        strcmp(mine, "0"))
        return op_invalid(o, "mine", "'mine' is true or false");
    q.sort = !sort                    ? PARTNER_SORT_ID
             : !strcmp(sort, "name")  ? PARTNER_SORT_NAME
             : !strcmp(sort, "stage") ? PARTNER_SORT_STAGE
                                      : PARTNER_SORT_SINCE;
    q.desc = dir && !strcmp(dir, "desc");
    /* an organisation's user owns no partners: "mine" is its own organisation already */
    if (mine && (!strcmp(mine, "true") || !strcmp(mine, "1")) && !o->who.org_id)
        q.owner_id = o->who.user_id;
    if ((rc = op_int_arg(o, "limit", in->limit, 1, 1000, INT64_MAX, &q.limit)) < 0 ||
        (rc = op_int_arg(o, "offset", in->offset, 0, INT64_MAX, 0, &q.offset)) < 0)
        return rc;
    json_t *list = json_array();
    int64_t total = 0;
    if ((rc = store_partner_page(o->db, o->a, &q, &total, add_partner, list)) < 0) {
        json_decref(list);
        return op_failed(o, rc);
    }
    *out = json_pack("{s:o, s:I}", "partners", list, "total", (json_int_t)total);
    return 0;
}

/* ---- the full view ---- */

/*
 * The owners already looked up while building one answer: the cam, pim, pom
 * and plm and the setup items' owners are mostly the same few users, so each
 * distinct id is read once. Holds its own references; owners_free drops them.
 */
#define OWNERS_MAX (4 + ITEM_N)
struct owners {
    int64_t id[OWNERS_MAX];
    json_t *json[OWNERS_MAX];
    int n;
};

static void owners_free(struct owners *c)
{
    for (int i = 0; i < c->n; i++)
        json_decref(c->json[i]);
    c->n = 0;
}

/* {id, email, name} of an owner, or null (a new reference; one lookup per distinct id in c). */
static json_t *json_owner(struct op *o, struct owners *c, int64_t id)
{
    if (!id)
        return json_null();
    for (int i = 0; i < c->n; i++)
        if (c->id[i] == id)
            return json_deep_copy(c->json[i]);
    struct user u;
    json_t *j =
        store_user_by_id(o->db, o->a, id, &u) < 0
            ? json_null()
            : json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "email", u.email, "name", u.name);
    if (c->n < OWNERS_MAX) {
        c->id[c->n] = id;
        c->json[c->n++] = json_incref(j);
    }
    return j;
}

static json_t *setup_json(struct op *o, int64_t partner_id, struct owners *owners)
{
    struct setup_row rows[ITEM_N];
    int n = 0;
    store_setup_each(o->db, o->a, partner_id, rows, ITEM_N, &n);
    json_t *items = json_array();
    for (int i = 0; i < ITEM_N; i++) {
        const struct setup_row *row = NULL;
        for (int j = 0; j < n; j++)
            if (!strcmp(rows[j].item, setup_item_name((enum setup_item)i)))
                row = &rows[j];
        json_array_append_new(items,
                              json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "item",
                                        setup_item_name((enum setup_item)i), "label",
                                        setup_item_label((enum setup_item)i), "status",
                                        row ? row->status : "pending", "owner",
                                        json_owner(o, owners, row ? row->owner_id : 0), "value",
                                        row && row->value ? json_string(row->value) : json_null(),
                                        "updated_at", app_json_time(row ? row->updated_at : 0)));
    }
    return json_pack("{s:o}", "items", items);
}

json_t *partners_json_setup(struct op *o, int64_t partner_id)
{
    struct owners owners = {0};
    json_t *j = setup_json(o, partner_id, &owners);
    owners_free(&owners);
    return j;
}

static int add_open_clock(const struct clock_row *c, void *ctx)
{
    if (!strcmp(c->state, "running") || !strcmp(c->state, "paused"))
        json_array_append_new(ctx,
                              json_pack("{s:I, s:s, s:s, s:o, s:o, s:s}", "id", (json_int_t)c->id,
                                        "kind", c->kind, "subject", c->subject, "started_at",
                                        app_json_time(c->started_at), "due_at",
                                        app_json_time(c->due_at), "state", c->state));
    return 0;
}

json_t *partners_json_full(struct op *o, const struct partner *p)
{
    json_t *j = json_partner(p);
    struct owners owners = {0};
    json_object_set_new(j, "owners",
                        json_pack("{s:o, s:o, s:o, s:o}", "cam", json_owner(o, &owners, p->cam_id),
                                  "pim", json_owner(o, &owners, p->pim_id), "pom",
                                  json_owner(o, &owners, p->pom_id), "plm",
                                  json_owner(o, &owners, p->plm_id)));
    json_t *modules = json_loads(p->training_modules ? p->training_modules : "[]", 0, NULL);
    json_t *formats = json_loads(p->approved_formats ? p->approved_formats : "[]", 0, NULL);
    json_object_set_new(j, "training",
                        json_pack("{s:o, s:b, s:b}", "modules", modules ? modules : json_array(),
                                  "skipped", p->training_skipped, "decision_pending",
                                  p->decision_pending));
    json_object_set_new(j, "approved_formats", formats ? formats : json_array());
    json_object_set_new(j, "setup", setup_json(o, p->id, &owners));
    owners_free(&owners);
    json_t *clocks = json_array();
    store_clock_each_of_partner(o->db, o->a, p->id, add_open_clock, clocks);
    json_object_set_new(j, "clocks", clocks);
    json_object_set_new(j, "stage_since", app_json_time(p->stage_at));
    /* the delivery agent and the pim's decision, as the partner sees them (agent.h, training.h) */
    json_object_set_new(j, "delivery_agent", agent_json(o, p));
    json_object_set_new(j, "decision", training_decision_json(o, p));
    return j;
}

int partners_view(struct op *o, int64_t partner_id, json_t **out)
{
    struct partner p;
    int rc = op_allow_partner(o, ACT_PARTNER_READ, partner_id, &p);
    if (rc < 0)
        return rc;
    *out = partners_json_full(o, &p);
    /* a target launch date before the earliest the standard path allows (app/launch.h) */
    json_t *lw = launch_warning(o, &p);
    json_object_set_new(*out, "launch_warning", lw ? lw : json_null());
    return 0;
}

/* ---- the audit log ---- */

static int add_event(const struct event *e, void *ctx)
{
    json_t *before = e->before ? json_loads(e->before, 0, NULL) : NULL;
    json_t *after = e->after ? json_loads(e->after, 0, NULL) : NULL;
    json_array_append_new(
        ctx, json_pack("{s:I, s:o, s:o, s:s, s:s, s:o, s:o}", "id", (json_int_t)e->id, "at",
                       app_json_time(e->at), "actor",
                       e->actor_email ? json_string(e->actor_email) : json_string("system"),
                       "subject", e->subject, "action", e->action, "before",
                       before ? before : json_null(), "after", after ? after : json_null()));
    return 0;
}

int partners_events(struct op *o, int64_t partner_id, const struct partners_events_query *q,
                    json_t **out)
{
    int64_t before, limit, total = 0;
    int rc = op_allow_partner(o, ACT_PARTNER_EVENTS, partner_id, NULL);
    if (rc < 0 || (rc = op_int_arg(o, "before", q->before, 1, INT64_MAX, 0, &before)) < 0 ||
        (rc = op_int_arg(o, "limit", q->limit, 1, PARTNERS_EVENTS_MAX, 0, &limit)) < 0)
        return rc;
    json_t *newest = json_array();
    /* one more than asked says whether there are older ones */
    rc =
        store_event_page(o->db, o->a, partner_id, before, given(q->action) ? q->action : NULL,
                         limit ? limit + 1 : 0, limit || before ? &total : NULL, add_event, newest);
    if (rc < 0) {
        json_decref(newest);
        return op_failed(o, rc);
    }
    size_t n = json_array_size(newest);
    if (!limit && !before)
        total = (int64_t)n; /* all of them: no count to ask for */
    json_int_t next = 0;
    if (limit && n > (size_t)limit) {
        n = (size_t)limit;
        next = json_integer_value(json_object_get(json_array_get(newest, n - 1), "id"));
    }
    json_t *list = json_array();
    for (size_t i = n; i-- > 0;)
        json_array_append(list, json_array_get(newest, i));
    json_decref(newest);
    *out = json_pack("{s:o, s:I, s:o}", "events", list, "total", (json_int_t)total, "next",
                     next ? json_integer(next) : json_null());
    return 0;
}


/* ---- the choices of a staff form ---- */

struct gather {
    struct partner_choice *items;
    int n, max;
    bool more;
};

static int gather_one(const struct partner *p, void *arg)
{
    struct gather *g = arg;
    if (g->n == g->max) {
        g->more = true;
        return 1;
    }
    g->items[g->n++] = (struct partner_choice){p->id, p->name, p->stage};
    return 0;
}

static int by_name(const void *a, const void *b)
{
    const struct partner_choice *x = a, *y = b;
    int c = strcasecmp(x->name, y->name);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

int partners_choices(struct op *o, int64_t selected, int max, struct partner_choice **out, int *n,
                     bool *more)
{
    *out = NULL;
    *n = 0;
    *more = false;
    if (max < 1 || (!o->system && role_is_org(o->who.role)))
        return 0;
    struct gather g = {arena_alloc(o->a, (size_t)(max + 1) * sizeof *g.items), 0, max, false};
    int rc = store_partner_each(o->db, o->a, NULL, 0, gather_one, &g);
    if (rc < 0)
        return op_failed(o, rc);
    bool have = selected == 0;
    for (int i = 0; i < g.n && !have; i++)
        have = g.items[i].id == selected;
    struct partner p;
    if (!have && store_partner_get(o->db, o->a, selected, &p) == 0)
        g.items[g.n++] = (struct partner_choice){p.id, p.name, p.stage};
    qsort(g.items, (size_t)g.n, sizeof *g.items, by_name);
    *out = g.items;
    *n = g.n;
    *more = g.more;
    return 0;
}
