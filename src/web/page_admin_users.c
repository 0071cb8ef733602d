/*
 * /admin/users: the admin's page for the people who sign in (SPEC 7). The
 * list shows each user's role, organisation, state (active, invited: no
 * password yet, disabled) and last sign-in; the admin adds a user (as POST
 * /api/v1/users does), changes a staff user's role, makes an organisation's
 * user its organisation's admin (who may then invite and remove its
 * colleagues), and disables or re-enables an account. Every action is an
 * operation of app/users.c (users_create, users_update), the API's own.
 */
#include <stdlib.h>
#include <string.h>

#include "app/partners.h"
#include "app/scope.h"
#include "app/users.h"
#include "web/pages.h"
#include "web/web.h"

#define ADMIN_PARTNER_CHOICES 1000

static const char *const staff_roles[] = {"admin", "cam", "pim", "pom", "plm", "commercial"};

/* The organisation names the list needs, read once each: {"12": "Juniper Films"}. */
static const char *org_name(struct req *r, json_t *cache, int64_t id)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    const char *have = json_string_value(json_object_get(cache, key));
    if (have)
        return have;
    struct op o;
    struct partner p;
    req_op_init(r, &o);
    const char *name = op_allow_partner(&o, ACT_PARTNER_READ, id, &p) == 0
                           ? arena_printf(&r->arena, "%s", p.name)
                           : arena_printf(&r->arena, "organisation %lld", (long long)id);
    op_free(&o);
    json_object_set_new(cache, key, json_string(name));
    return name;
}

static json_t *role_options(const char *current)
{
    json_t *list = json_array();
    for (size_t i = 0; i < sizeof staff_roles / sizeof staff_roles[0]; i++)
        json_array_append_new(list, json_pack("{s:s, s:b}", "value", staff_roles[i], "selected",
                                              current && !strcmp(current, staff_roles[i])));
    return list;
}

void page_admin_users(struct req *r)
{
    json_t *vm = json_pack("{s:s, s:s}", "title", "Users", "csrf", r->csrf ? r->csrf : "");
    struct op o;
    json_t *ans = NULL;
    req_op_init(r, &o);
    if (!page_op_done(r, &o, users_list(&o, &ans))) {
        json_decref(vm);
        return;
    }
    json_t *cache = json_object(), *rows = json_array();
    size_t i, n_active = 0, n_disabled = 0;
    json_t *u;
    json_array_foreach(json_object_get(ans, "users"), i, u) {
        const char *role = json_string_value(json_object_get(u, "role"));
        json_int_t pid = json_integer_value(json_object_get(u, "partner"));
        bool disabled = json_is_true(json_object_get(u, "disabled"));
        const char *last = json_string_value(json_object_get(u, "last_sign_in_at"));
        json_int_t id = json_integer_value(json_object_get(u, "id"));
        bool org = pid != 0;
        disabled ? n_disabled++ : n_active++;
        json_t *row = json_pack(
            "{s:I, s:O, s:O, s:s, s:b, s:b, s:b, s:s, s:b}", "id", id, "email",
            json_object_get(u, "email"), "name", json_object_get(u, "name"), "role",
            role ? role : "", "org", org, "disabled", disabled, "org_admin",
            json_is_true(json_object_get(u, "org_admin")), "last_sign_in",
            last ? web_time_text(r, last, NULL) : "never", "self", id == r->who.user_id);
        const char *nm = json_string_value(json_object_get(u, "name"));
        const char *em = json_string_value(json_object_get(u, "email"));
        json_object_set_new(row, "named", json_boolean(nm && em && strcmp(nm, em)));
        if (org) {
            json_object_set_new(row, "org_id", json_integer(pid));
            json_object_set_new(row, "org_name", json_string(org_name(r, cache, pid)));
        } else {
            json_object_set_new(row, "roles", role_options(role));
        }
        json_array_append_new(rows, row);
    }
    json_decref(cache);
    json_decref(ans);
    json_object_set_new(vm, "users", rows);
    json_object_set_new(vm, "n_active", json_integer((json_int_t)n_active));
    json_object_set_new(vm, "n_disabled", json_integer((json_int_t)n_disabled));
    bool more = false;
    json_t *add_roles = role_options("pim");
    json_array_append_new(add_roles, json_pack("{s:s, s:b}", "value", "partner", "selected", false));
    json_array_append_new(add_roles,
                          json_pack("{s:s, s:b}", "value", "posthouse", "selected", false));
    json_object_set_new(vm, "add_roles", add_roles);
    json_object_set_new(vm, "partners",
                        web_partner_choices(r, 0, ADMIN_PARTNER_CHOICES, &more));
    page_render(r, 200, "admin_users", vm);
}

void page_admin_users_post(struct req *r)
{
    const char *what = page_field(r, "do");
    const char *id_s = page_field(r, "user");
    int64_t id = id_s ? strtoll(id_s, NULL, 10) : 0;
    struct op o;
    json_t *out = NULL;
    int rc;
    req_op_init(r, &o);
    if (what && !strcmp(what, "add")) {
        const char *partner = page_field(r, "partner");
        struct user_new in = {page_field(r, "email"), page_field(r, "name"),
                              role_parse(page_field(r, "role") ? page_field(r, "role") : ""),
                              page_field(r, "password") ? page_field(r, "password") : "",
                              partner && *partner ? strtoll(partner, NULL, 10) : 0, NULL};
        rc = users_create(&o, &in, NULL, &out);
        page_op_redirect(r, &o, rc, "/admin/users",
                         arena_printf(&r->arena, "%s was added.", in.email ? in.email : "The user"));
    } else if (what && (!strcmp(what, "role") || !strcmp(what, "disable") ||
                        !strcmp(what, "enable") || !strcmp(what, "org_admin") ||
                        !strcmp(what, "org_admin_off"))) {
        struct user_change ch = {NULL, -1, -1};
        const char *ok = "The account was changed.";
        if (!strcmp(what, "role")) {
            ch.role = page_field(r, "role");
            ok = "The role was changed.";
        } else if (!strcmp(what, "disable")) {
            ch.disabled = 1;
            ok = "The account was disabled: its sessions, tokens and links no longer work.";
        } else if (!strcmp(what, "enable")) {
            ch.disabled = 0;
            ok = "The account was enabled again: reset its password or send an invitation so "
                 "that its owner can sign in.";
        } else {
            ch.org_admin = !strcmp(what, "org_admin");
            ok = ch.org_admin ? "They are now their organisation's admin: they may invite and "
                                "remove its colleagues."
                              : "They are no longer their organisation's admin.";
        }
        rc = users_update(&o, id, &ch, &out);
        page_op_redirect(r, &o, rc, arena_printf(&r->arena, "/admin/users#user-%lld", (long long)id),
                         ok);
    } else {
        op_free(&o);
        page_error(r, 400, "This form asks for something the users page does not do.");
    }
    json_decref(out);
}
