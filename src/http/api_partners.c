/*
 * Partners (and posthouses, which are partners with posthouse = true): the
 * records a cam creates and everyone else reads, each within its policy.
 * A partner's user sees its own organisation (and, for a posthouse, the
 * partners that named it their delivery agent); another organisation's id
 * answers 404 as if it did not exist.
 */
#include <string.h>

#include "base/now.h"
#include "core/signin.h"
#include "core/zone.h"
#include "http/http.h"

void api_partners_create(struct req *r);
void api_partners_list(struct req *r);
void api_partners_get(struct req *r);
void api_partners_events(struct req *r);
void api_posthouses_list(struct req *r);

static json_t *json_partner(const struct partner *p)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:b, s:b, s:s, s:o, s:o, s:o}", "id",
                     (json_int_t)p->id, "name", p->name, "contact_email", p->contact_email,
                     "time_zone", p->time_zone, "calendar",
                     p->calendar_id ? json_integer(p->calendar_id) : json_null(), "channels",
                     p->channels, "posthouse", p->posthouse, "stage", p->stage, "alias",
                     p->alias ? json_string(p->alias) : json_null(), "agent",
                     p->agent_id ? json_integer(p->agent_id) : json_null(), "created_at",
                     json_time(p->created_at));
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

void api_partners_list(struct req *r)
{
    json_t *list = json_array();
    int rc = store_partner_each(req_db(r), &r->arena, req_query(r, "stage"), r->who.org_id,
                                add_partner, list);
    if (rc < 0) {
        json_decref(list);
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "partners", list));
}

/* Loads partner {id} of the path and checks the route's policy on it. */
static bool load_partner(struct req *r, struct partner *p)
{
    int64_t id = req_param_id(r, 0);
    int rc = id ? store_partner_get(req_db(r), &r->arena, id, p) : STORE_ERR_NOT_FOUND;
    if (rc < 0) {
        reply_store_error(r, rc);
        return false;
    }
    struct resource res = {p->id, p->agent_id};
    enum policy_result pr = policy_check(&r->who, r->route->action, &res);
    if (pr != POLICY_ALLOW) {
        reply_policy(r, pr);
        return false;
    }
    return true;
}

void api_partners_get(struct req *r)
{
    struct partner p;
    if (load_partner(r, &p))
        reply_json(r, 200, json_partner(&p));
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

void api_partners_events(struct req *r)
{
    struct partner p;
    if (!load_partner(r, &p))
        return;
    json_t *list = json_array();
    int rc = store_event_each(req_db(r), &r->arena, p.id, add_event, list);
    if (rc < 0) {
        json_decref(list);
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "events", list));
}

static int add_posthouse(const struct partner *p, void *ctx)
{
    if (p->posthouse)
        json_array_append_new(ctx, json_pack("{s:I, s:s, s:s, s:o, s:[]}", "id",
                                             (json_int_t)p->id, "name", p->name, "contact_email",
                                             p->contact_email, "alias",
                                             p->alias ? json_string(p->alias) : json_null(),
                                             "approved_formats"));
    return 0;
}

void api_posthouses_list(struct req *r)
{
    json_t *list = json_array();
    int rc = store_partner_each(req_db(r), &r->arena, "steady_state", 0, add_posthouse, list);
    if (rc < 0) {
        json_decref(list);
        reply_store_error(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "posthouses", list));
}
