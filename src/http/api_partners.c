/*
 * Partners (and posthouses, which are partners with posthouse = true): the
 * records a cam creates and everyone else reads, each within its policy.
 * A partner's user sees its own organisation (and, for a posthouse, the
 * partners that named it their delivery agent); another organisation's id
 * answers 404 as if it did not exist.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/now.h"
#include "core/signin.h"
#include "core/zone.h"
#include "core/lifecycle.h"
#include "http/http.h"
#include "app/posthouses.h"
#include "store/lifecycle_store.h"

void api_partners_create(struct req *r);
void api_partners_list(struct req *r);
void api_partners_get(struct req *r);
void api_partners_events(struct req *r);
void api_posthouses_list(struct req *r);

static json_t *json_partner(const struct partner *p)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:o, s:b, s:b, s:s, s:o, s:o, s:o}", "id",
                          (json_int_t)p->id, "name", p->name, "contact_email", p->contact_email,
                          "time_zone", p->time_zone, "calendar",
                          p->calendar_id ? json_integer(p->calendar_id) : json_null(), "channels",
                          p->channels, "posthouse", p->posthouse, "stage", p->stage, "alias",
                          p->alias ? json_string(p->alias) : json_null(), "agent",
                          p->agent_id ? json_integer(p->agent_id) : json_null(), "created_at",
                          json_time(p->created_at));
    json_object_set_new(o, "warnings", json_integer(p->warnings));
    json_object_set_new(o, "decision_pending", json_boolean(p->decision_pending));
    json_object_set_new(o, "stage_since", json_time(p->stage_at));
    return o;
}

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
static json_t *json_owner(struct req *r, struct owners *c, int64_t id)
{
    if (!id)
        return json_null();
    for (int i = 0; i < c->n; i++)
        if (c->id[i] == id)
            return json_deep_copy(c->json[i]);
    struct user u;
    json_t *o =
        store_user_by_id(req_db(r), &r->arena, id, &u) < 0
            ? json_null()
            : json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "email", u.email, "name", u.name);
    if (c->n < OWNERS_MAX) {
        c->id[c->n] = id;
        c->json[c->n++] = json_incref(o);
    }
    return o;
}

static json_t *setup_json(struct req *r, int64_t partner_id, struct owners *owners)
{
    struct setup_row rows[ITEM_N];
    int n = 0;
    store_setup_each(req_db(r), &r->arena, partner_id, rows, ITEM_N, &n);
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
                                        json_owner(r, owners, row ? row->owner_id : 0), "value",
                                        row && row->value ? json_string(row->value) : json_null(),
                                        "updated_at", json_time(row ? row->updated_at : 0)));
    }
    return json_pack("{s:o}", "items", items);
}

json_t *json_setup(struct req *r, int64_t partner_id)
{
    struct owners owners = {0};
    json_t *o = setup_json(r, partner_id, &owners);
    owners_free(&owners);
    return o;
}

static int add_open_clock(const struct clock_row *c, void *ctx)
{
    if (!strcmp(c->state, "running") || !strcmp(c->state, "paused"))
        json_array_append_new(ctx, json_pack("{s:I, s:s, s:s, s:o, s:o, s:s}", "id",
                                             (json_int_t)c->id, "kind", c->kind, "subject",
                                             c->subject, "started_at", json_time(c->started_at),
                                             "due_at", json_time(c->due_at), "state", c->state));
    return 0;
}

json_t *json_partner_full(struct req *r, const struct partner *p)
{
    json_t *o = json_partner(p);
    struct owners owners = {0};
    json_object_set_new(o, "owners",
                        json_pack("{s:o, s:o, s:o, s:o}", "cam", json_owner(r, &owners, p->cam_id),
                                  "pim", json_owner(r, &owners, p->pim_id), "pom",
                                  json_owner(r, &owners, p->pom_id), "plm",
                                  json_owner(r, &owners, p->plm_id)));
    json_t *modules = json_loads(p->training_modules ? p->training_modules : "[]", 0, NULL);
    json_t *formats = json_loads(p->approved_formats ? p->approved_formats : "[]", 0, NULL);
    json_object_set_new(o, "training",
                        json_pack("{s:o, s:b, s:b}", "modules", modules ? modules : json_array(),
                                  "skipped", p->training_skipped, "decision_pending",
                                  p->decision_pending));
    json_object_set_new(o, "approved_formats", formats ? formats : json_array());
    json_object_set_new(o, "setup", setup_json(r, p->id, &owners));
    owners_free(&owners);
    json_t *clocks = json_array();
    store_clock_each_of_partner(req_db(r), &r->arena, p->id, add_open_clock, clocks);
    json_object_set_new(o, "clocks", clocks);
    json_object_set_new(o, "stage_since", json_time(p->stage_at));
    return o;
}

void api_partners_create(struct req *r)
{
    const char *name, *contact_in, *tz;
    int64_t calendar = 0;
    bool channels = false, posthouse = false;
    if (!jfield_str(r, "name", true, &name) || !jfield_str(r, "contact_email", true, &contact_in) ||
        !jfield_str(r, "time_zone", true, &tz) || !jfield_int(r, "calendar", false, &calendar) ||
        !jfield_bool(r, "channels", false, &channels) ||
        !jfield_bool(r, "posthouse", false, &posthouse))
        return;
    char contact[256];
    if (!*name || strlen(name) > 200) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "name"),
                          "'name' must be 1 to 200 characters");
        return;
    }
    if (signin_email_normalise(contact_in, contact, sizeof contact) < 0) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "contact_email"),
                          "'%s' is not an email address", contact_in);
        return;
    }
    if (!zone_valid(tz)) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "time_zone"),
                          "'%s' is not an IANA time zone such as Europe/London", tz);
        return;
    }
    struct calendar_row cal;
    if (calendar && store_calendar_get(req_db(r), &r->arena, calendar, &cal) < 0) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "calendar"),
                          "there is no calendar %lld", (long long)calendar);
        return;
    }
    struct partner p = {0};
    p.name = (char *)name;
    p.contact_email = contact;
    p.time_zone = (char *)tz;
    p.calendar_id = calendar;
    p.channels = channels;
    p.posthouse = posthouse;
    p.stage = "invited";
    p.created_at = now_get();
    p.cam_id = r->who.role == ROLE_CAM ? r->user.id : 0;
    struct db *db = req_db(r);
    if (store_begin(db) < 0)
        goto fail;
    if (store_partner_add(db, &p, &p.id) < 0)
        goto fail;
    json_t *out = json_partner(&p);
    if (audit(r, p.id, arena_printf(&r->arena, "partner:%lld", (long long)p.id), "partner.create",
              NULL, json_incref(out)) < 0 ||
        store_commit(db) < 0) {
        json_decref(out);
        goto fail;
    }
    reply_json(r, 201, out);
    return;
fail:
    reply_store_error(r, STORE_ERR);
}

static int add_partner(const struct partner *p, void *ctx)
{
    json_array_append_new(ctx, json_partner(p));
    return 0;
}

/*
 * The list, filtered (stage, q: a part of the name, mine: partners this
 * staff user owns as cam, pim, pom or plm), sorted (sort = name, stage or
 * since, dir = asc or desc; without sort, by id) and paged (limit, offset)
 * in SQL. Without limit, every matching partner. total is the number that
 * match.
 */
void api_partners_list(struct req *r)
{
    const char *stage = req_query(r, "stage"), *sort = req_query(r, "sort");
    const char *dir = req_query(r, "dir"), *mine = req_query(r, "mine");
    struct partner_query q = {.stage = stage && *stage ? stage : NULL,
                              .org_id = r->who.org_id,
                              .name = req_query(r, "q")};
    if (sort && strcmp(sort, "name") && strcmp(sort, "stage") && strcmp(sort, "since")) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "sort"),
                          "'sort' is name, stage or since");
        return;
    }
    json_t *valid = q.name ? json_string(q.name) : NULL;
    json_decref(valid);
    if (q.name && (!valid || strlen(q.name) > 200)) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "q"),
                          "'q' is a part of a name: UTF-8, at most 200 bytes");
        return;
    }
    if (dir && strcmp(dir, "asc") && strcmp(dir, "desc")) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "dir"),
                          "'dir' is asc or desc");
        return;
    }
    if (mine && strcmp(mine, "true") && strcmp(mine, "false") && strcmp(mine, "1") &&
        strcmp(mine, "0")) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", "mine"),
                          "'mine' is true or false");
        return;
    }
    q.sort = !sort                    ? PARTNER_SORT_ID
             : !strcmp(sort, "name")  ? PARTNER_SORT_NAME
             : !strcmp(sort, "stage") ? PARTNER_SORT_STAGE
                                      : PARTNER_SORT_SINCE;
    q.desc = dir && !strcmp(dir, "desc");
    /* an organisation's user owns no partners: "mine" is its own organisation already */
    if (mine && (!strcmp(mine, "true") || !strcmp(mine, "1")) && !r->who.org_id)
        q.owner_id = r->user.id;
    if (!req_query_int(r, "limit", 1, 1000, INT64_MAX, &q.limit) ||
        !req_query_int(r, "offset", 0, INT64_MAX, 0, &q.offset))
        return;
    json_t *list = json_array();
    int64_t total = 0;
    int rc = store_partner_page(req_db(r), &r->arena, &q, &total, add_partner, list);
    if (rc < 0) {
        json_decref(list);
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:o, s:I}", "partners", list, "total", (json_int_t)total));
}

void api_partners_get(struct req *r)
{
    struct partner p;
    if (req_partner(r, &p))
        reply_json(r, 200, json_partner_full(r, &p));
}

static int add_event(const struct event *e, void *ctx)
{
    json_t *before = e->before ? json_loads(e->before, 0, NULL) : NULL;
    json_t *after = e->after ? json_loads(e->after, 0, NULL) : NULL;
    json_array_append_new(
        ctx, json_pack("{s:I, s:o, s:o, s:s, s:s, s:o, s:o}", "id", (json_int_t)e->id, "at",
                       json_time(e->at), "actor",
                       e->actor_email ? json_string(e->actor_email) : json_string("system"),
                       "subject", e->subject, "action", e->action, "before",
                       before ? before : json_null(), "after", after ? after : json_null()));
    return 0;
}

#define EVENTS_MAX 1000 /* the largest ?limit= */

/*
 * ?action= keeps one action (the timeline reads only "partner.stage");
 * ?limit= answers the latest events only, and ?before= those below an id
 * (next: the ?before= of the page of older events, null when none). The
 * answer is oldest first either way, total counts every event (of the
 * action) before or after.
 */
void api_partners_events(struct req *r)
{
    struct partner p;
    int64_t before, limit, total = 0;
    if (!req_partner(r, &p) || !req_query_int(r, "before", 1, INT64_MAX, 0, &before) ||
        !req_query_int(r, "limit", 1, EVENTS_MAX, 0, &limit))
        return;
    const char *action = req_query(r, "action");
    json_t *newest = json_array();
    /* one more than asked says whether there are older ones */
    int rc =
        store_event_page(req_db(r), &r->arena, p.id, before, action && *action ? action : NULL,
                         limit ? limit + 1 : 0, limit || before ? &total : NULL, add_event, newest);
    if (rc < 0) {
        json_decref(newest);
        reply_store_error(r, rc);
        return;
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
    reply_json(r, 200,
               json_pack("{s:o, s:I, s:o}", "events", list, "total", (json_int_t)total, "next",
                         next ? json_integer(next) : json_null()));
}

/* The directory of onboarded posthouses (in steady state), with their approved formats. */
void api_posthouses_list(struct req *r)
{
    struct op o;
    json_t *list = NULL;
    req_op_init(r, &o);
    int rc = posthouses_fitting(&o, NULL, &list);
    op_free(&o);
    if (rc < 0) {
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "posthouses", list));
}
