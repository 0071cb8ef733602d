/*
 * /partners/{id}/colleagues: an organisation's own people (issue 14). Its
 * users see who else signs in for it; its admin (a user with the org_admin
 * flag, or the installation's admin) invites a colleague by email (a
 * one-time link by mail: app/invitations.h) and removes one. The route's
 * scope is the partner, so another organisation's page is a 404; app/
 * colleagues.c refuses the rest (a posthouse acting for the partner, a user
 * without the flag).
 */
#include <stdlib.h>
#include <string.h>

#include "app/colleagues.h"
#include "web/pages.h"
#include "web/web.h"

void page_colleagues(struct req *r)
{
    int64_t pid = req_param_id(r, 0);
    struct op o;
    json_t *ans = NULL;
    req_op_init(r, &o);
    if (!page_op_done(r, &o, colleagues_list(&o, pid, &ans)))
        return;
    json_t *vm = json_pack("{s:s, s:s, s:I, s:O, s:O}", "title", "Colleagues", "csrf",
                           r->csrf ? r->csrf : "", "partner_id", (json_int_t)pid, "partner_name",
                           json_object_get(ans, "partner_name"), "may_manage",
                           json_object_get(ans, "may_manage"));
    json_t *rows = json_array();
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(ans, "users"), i, u) {
        json_t *row = json_deep_copy(u);
        const char *last = json_string_value(json_object_get(u, "last_sign_in_at"));
        json_object_set_new(row, "last", json_string(last ? web_time_text(r, last, NULL) : "never"));
        json_array_append_new(rows, row);
    }
    json_object_set_new(vm, "users", rows);
    json_object_set_new(vm, "title",
                        json_string(arena_printf(&r->arena, "Colleagues at %s",
                                                 json_string_value(json_object_get(ans, "partner_name")))));
    json_decref(ans);
    page_render(r, 200, "colleagues", vm);
}

void page_colleagues_post(struct req *r)
{
    int64_t pid = req_param_id(r, 0);
    const char *what = page_field(r, "do");
    const char *back = arena_printf(&r->arena, "/partners/%lld/colleagues", (long long)pid);
    struct op o;
    req_op_init(r, &o);
    if (what && !strcmp(what, "invite")) {
        json_t *out = NULL;
        const char *email = page_field(r, "email");
        int rc = colleagues_invite(&o, pid, email, page_field(r, "name"), &out);
        json_decref(out);
        page_op_redirect(r, &o, rc, back,
                         arena_printf(&r->arena,
                                      "%s was invited: the invitation mail carries a one-time "
                                      "link to choose a password.",
                                      email ? email : "The colleague"));
    } else if (what && !strcmp(what, "remove")) {
        const char *u = page_field(r, "user");
        int rc = colleagues_remove(&o, pid, u ? strtoll(u, NULL, 10) : 0);
        page_op_redirect(r, &o, rc, back,
                         "The colleague was removed: their account no longer signs in.");
    } else {
        op_free(&o);
        page_error(r, 400, "This form asks for something the colleagues page does not do.");
    }
}
