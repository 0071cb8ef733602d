/*
 * /account: the signed-in user's own account. Who they are (name, email,
 * role, organisation), changing the password, API tokens for scripts and
 * the CLI, and the calendar-feed link; every action is an operation of
 * app/account.c, the same the API runs (api_account.c, api_feed.c), as this
 * user.
 *
 * Secrets are shown once: a new API token or feed link is stored only as its
 * hash, so the POST that makes one answers with the page itself (200, not a
 * redirect) carrying the secret, with a copy button (static/account.js);
 * reloading the page does not show it again. Every other action redirects
 * back with a flash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/account.h"
#include "app/op.h"
#include "web/pages.h"
#include "app/scope.h"
#include "web/web.h"

static const char *role_label(enum role role)
{
    switch (role) {
    case ROLE_ADMIN:
        return "Administrator";
    case ROLE_CAM:
        return "Content Acquisition Manager";
    case ROLE_PIM:
        return "Partner Integrations Manager";
    case ROLE_POM:
        return "Partner Operations Manager";
    case ROLE_PLM:
        return "Partner Launch Manager";
    case ROLE_COMMERCIAL:
        return "Commercial team";
    case ROLE_PARTNER:
        return "Partner user";
    case ROLE_POSTHOUSE:
        return "Posthouse user";
    default:
        return role_name(role);
    }
}

/* The page; extra (stolen, may be NULL) adds members to the view model (a secret shown once). */
static void show(struct req *r, int status, json_t *extra)
{
    const char *zone = NULL;
    json_t *vm =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title", "Your account", "csrf",
                  r->csrf ? r->csrf : "", "name", r->user.name ? r->user.name : "", "email",
                  r->user.email, "role", role_name(r->who.role), "role_label",
                  role_label(r->who.role), "member_since", web_time(r, r->user.created_at, NULL));
    struct partner p;
    struct op po;
    req_op_init(r, &po);
    int prc = r->user.partner_id ? op_allow_partner(&po, ACT_PARTNER_READ, r->user.partner_id, &p)
                                 : OP_REFUSED;
    op_free(&po);
    if (prc == 0) {
        zone = p.time_zone;
        json_object_set_new(vm, "org",
                            json_pack("{s:I, s:s, s:s, s:b, s:s}", "id", (json_int_t)p.id, "name",
                                      p.name, "stage_label", web_stage_label(p.stage), "posthouse",
                                      p.posthouse, "time_zone", p.time_zone));
    }
    json_object_set_new(vm, "zone", json_string(zone ? zone : "UTC"));

    struct op o;
    json_t *ans = NULL, *tokens = json_array();
    req_op_init(r, &o);
    int rc = account_tokens(&o, &ans);
    op_free(&o);
    if (rc == 0) {
        size_t i;
        json_t *t;
        json_array_foreach(json_object_get(ans, "tokens"), i, t) {
            json_array_append_new(
                tokens,
                json_pack(
                    "{s:O, s:O, s:s, s:s, s:b}", "id", json_object_get(t, "id"), "label",
                    json_object_get(t, "label"), "created",
                    web_time_text(r, json_string_value(json_object_get(t, "created_at")), zone),
                    "expires",
                    web_time_text(r, json_string_value(json_object_get(t, "expires_at")), zone),
                    "expired", json_is_true(json_object_get(t, "expired"))));
        }
        json_object_set(vm, "max_tokens", json_object_get(ans, "max_active"));
    }
    json_decref(ans);
    json_object_set_new(vm, "n_tokens", json_integer((json_int_t)json_array_size(tokens)));
    json_object_set_new(vm, "tokens", tokens);

    ans = NULL;
    req_op_init(r, &o);
    bool feed = account_feed(&o, &ans) == 0 && json_is_true(json_object_get(ans, "active"));
    op_free(&o);
    json_decref(ans);
    json_object_set_new(vm, "feed_active", json_boolean(feed));
    if (extra) {
        json_object_update(vm, extra);
        json_decref(extra);
    }
    page_render(r, status, "account", vm);
}

void page_account(struct req *r)
{
    show(r, 200, NULL);
}

static void change_password(struct req *r)
{
    const char *current = page_field(r, "current_password"), *fresh = page_field(r, "new_password"),
               *again = page_field(r, "confirm_password");
    if (!current || !*current || !fresh || !*fresh || !again || !*again) {
        page_redirect(r, "/account#password", "error",
                      "To change the password, fill in all three fields: the current password, "
                      "the new one, and the new one again.");
        return;
    }
    if (strcmp(fresh, again) != 0) {
        page_redirect(r, "/account#password", "error",
                      "The new password and its confirmation differ: type the same new password "
                      "twice.");
        return;
    }
    struct op o;
    int64_t ended;
    req_op_init(r, &o);
    int rc = account_change_password(&o, req_client(r), r->token_hash, current, fresh, &ended);
    page_op_redirect(r, &o, rc, "/account#password",
                     "Password changed. Your other sign-ins were signed out; your API tokens "
                     "still work (revoke below any you do not recognise).");
}

static void create_token(struct req *r)
{
    const char *label = page_field(r, "label"), *days = page_field(r, "expires_in_days");
    struct op o;
    json_t *ans = NULL;
    req_op_init(r, &o);
    int rc = account_token_create(
        &o, label ? label : "", days && *days ? strtoll(days, NULL, 10) : ACCOUNT_TOKEN_DAYS, &ans);
    if (rc == 0) {
        show(r, 200,
             json_pack(
                 "{s:{s:O, s:O, s:s}}", "new_token", "token", json_object_get(ans, "token"),
                 "label", json_object_get(ans, "label"), "expires",
                 web_time_text(r, json_string_value(json_object_get(ans, "expires_at")), NULL)));
        op_free(&o);
    } else {
        page_op_redirect(r, &o, rc, "/account#tokens", NULL);
    }
    json_decref(ans);
}

static void make_feed(struct req *r)
{
    struct op o;
    json_t *ans = NULL;
    req_op_init(r, &o);
    int rc = account_feed_create(&o, req_header(r, "Host"), &ans);
    const char *url = json_string_value(json_object_get(ans, "url"));
    if (rc == 0 && url) {
        const char *rest = strstr(url, "://");
        show(r, 200,
             json_pack("{s:{s:s, s:s}}", "new_feed", "url", url, "webcal",
                       arena_printf(&r->arena, "webcal%s", rest ? rest : url)));
        op_free(&o);
    } else {
        page_op_redirect(r, &o, rc, "/account#feed", NULL);
    }
    json_decref(ans);
}

void page_account_post(struct req *r)
{
    const char *what = page_field(r, "do");
    if (!what)
        what = "";
    if (!strcmp(what, "password")) {
        change_password(r);
    } else if (!strcmp(what, "token")) {
        create_token(r);
    } else if (!strcmp(what, "revoke")) {
        const char *id = page_field(r, "id");
        struct op o;
        req_op_init(r, &o);
        int rc = account_token_revoke(&o, id ? id : "");
        page_op_redirect(r, &o, rc, "/account#tokens",
                         "Token revoked: anything still using it is refused from now on.");
    } else if (!strcmp(what, "feed")) {
        make_feed(r);
    } else if (!strcmp(what, "feed_off")) {
        struct op o;
        req_op_init(r, &o);
        int rc = account_feed_delete(&o);
        page_op_redirect(r, &o, rc, "/account#feed",
                         "Calendar feed turned off: calendar apps subscribed to the link get "
                         "nothing more.");
    } else {
        page_redirect(r, "/account", "error",
                      "That form asked for nothing this page knows; reload the page and try "
                      "again.");
    }
}
