/*
 * /partners/new: inviting a partner (cam, admin) through app/partners.c,
 * as the API does. The form keeps what was typed when the operation is
 * refused and marks the fields it names; success goes to the new partner's
 * page. The calendars offered come from app/calendars.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/calendars.h"
#include "app/op.h"
#include "app/partners.h"
#include "web/pages.h"
#include "web/web.h"

static json_t *calendars(struct req *r, const char *chosen)
{
    json_t *ans = NULL, *list = json_array();
    struct op o;
    req_op_init(r, &o);
    int rc = calendars_list(&o, &ans);
    op_free(&o);
    if (rc == 0) {
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(ans, "calendars"), i, c) {
            json_int_t id = json_integer_value(json_object_get(c, "id"));
            char ids[24];
            snprintf(ids, sizeof ids, "%lld", (long long)id);
            json_array_append_new(list, json_pack("{s:s, s:O, s:O, s:b}", "id", ids, "name",
                                                  json_object_get(c, "name"), "time_zone",
                                                  json_object_get(c, "time_zone"), "selected",
                                                  chosen && !strcmp(chosen, ids)));
        }
    }
    json_decref(ans);
    return list;
}

static const char *field(struct req *r, const char *name)
{
    const char *v = page_field(r, name);
    return v ? v : "";
}

/* The form, with the values typed so far and the API's error when there is one. */
static void show(struct req *r, int status, const char *error, const json_t *fields)
{
    const char *zone = page_field(r, "time_zone");
    json_t *vm = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:o}", "title", "Invite a partner", "csrf",
        r->csrf ? r->csrf : "", "name", field(r, "name"), "contact_email",
        field(r, "contact_email"), "time_zone", zone ? zone : "Europe/London", "channels",
        page_field(r, "channels") != NULL, "posthouse", page_field(r, "posthouse") != NULL,
        "calendars", calendars(r, page_field(r, "calendar")));
    if (error)
        json_object_set_new(vm, "error", json_string(error));
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f) {
        if (json_is_string(f))
            json_object_set_new(vm, arena_printf(&r->arena, "bad_%s", json_string_value(f)),
                                json_true());
    }
    page_render(r, status, "partner_new", vm);
}

void page_partner_new(struct req *r)
{
    show(r, 200, NULL, NULL);
}

void page_partner_new_post(struct req *r)
{
    const char *cal = page_field(r, "calendar");
    struct partner_new in = {field(r, "name"),
                             field(r, "contact_email"),
                             field(r, "time_zone"),
                             cal && *cal ? strtoll(cal, NULL, 10) : 0,
                             page_field(r, "channels") != NULL,
                             page_field(r, "posthouse") != NULL,
                             NULL};
    struct op o;
    struct partner p;
    req_op_init(r, &o);
    int rc = partners_create(&o, &in, &p, NULL);
    if (rc == 0) {
        page_redirect(r, arena_printf(&r->arena, "/partners/%lld", (long long)p.id), "ok",
                      "Partner added. Send the questionnaire when you are ready: that also "
                      "invites the contact to sign in.");
    } else {
        bool refused = rc == OP_REFUSED;
        show(r, refused && op_status(o.err.kind) == 403 ? 403 : 422,
             refused ? buf_str(&o.err.message) : "",
             refused ? json_object_get(o.err.extra, "fields") : NULL);
    }
    op_free(&o);
}
