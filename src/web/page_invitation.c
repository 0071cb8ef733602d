/*
 * /invitations/{token}: the one-time link of an invitation mail. GET shows
 * whose account it opens and asks for a password (typed twice, the rules
 * stated); POST sets it (invitation_accept, app/invitations.h, as POST
 * /api/v1/invitations/{token} does), signs the new user in through the
 * API's own sign-in and goes to the dashboard. A link that no longer
 * works says why and what to do: a used one, sign in (or ask for a reset);
 * an expired or unknown one, ask the contact at the service for a new
 * invitation. No sign-in is needed; someone signed in who follows the link
 * is signed out first (the form still carries their session's csrf,
 * checked by the dispatcher).
 */
#include <string.h>

#include "app/account.h"
#include "app/invitations.h"
#include "app/op.h"
#include "core/account.h"
#include "web/pages.h"
#include "web/web.h"

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static bool is(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/*
 * Renders the page for an invitation (inv: invitation_view's, NULL for an
 * unknown link) with an error for the form, or NULL.
 */
static void show(struct req *r, int status, const json_t *inv, const char *error)
{
    const char *state = inv ? str(inv, "state") : "unknown";
    json_t *vm = json_pack("{s:s, s:s, s:s, s:i, s:b}", "title",
                           is(state, "pending") ? "Set your password" : "Invitation link", "csrf",
                           r->csrf ? r->csrf : "", "action",
                           arena_printf(&r->arena, "/invitations/%s", r->params[0]), "min",
                           ACCOUNT_PASSWORD_MIN, "signed_in", r->signed_in);
    json_object_set_new(vm, state && *state ? state : "unknown", json_true());
    if (inv) {
        if (str(inv, "email"))
            json_object_set_new(vm, "email", json_string(str(inv, "email")));
        if (str(inv, "name") && !is(str(inv, "name"), str(inv, "email")))
            json_object_set_new(vm, "name", json_string(str(inv, "name")));
        if (str(inv, "partner"))
            json_object_set_new(vm, "partner", json_string(str(inv, "partner")));
        if (str(inv, "expires_at"))
            json_object_set_new(vm, "expires",
                                json_string(web_time_text(r, str(inv, "expires_at"), NULL)));
        if (str(inv, "used_at"))
            json_object_set_new(vm, "used_on",
                                json_string(web_time_text(r, str(inv, "used_at"), NULL)));
    }
    if (r->signed_in)
        json_object_set_new(vm, "me", json_string(r->user.email));
    if (error)
        json_object_set_new(vm, "error", json_string(error));
    page_render(r, status, "invitation", vm);
}

/* What the link is (NULL for an unknown one); *status the HTTP status of the lookup. */
static json_t *lookup(struct req *r, int *status)
{
    struct op o;
    json_t *inv;
    req_op_init(r, &o);
    int rc = invitation_view(&o, r->params[0], &inv);
    *status = rc == 0 ? 200 : op_status(o.err.kind);
    op_free(&o);
    return inv;
}

/* The status of the page for a link in this state: a dead link is 404 (unknown) or 410 (gone). */
static int status_for(const json_t *inv)
{
    return !inv ? 404 : is(str(inv, "state"), "pending") ? 200 : 410;
}

void page_invitation(struct req *r)
{
    int st;
    json_t *inv = lookup(r, &st);
    if (!inv && st != 404) {
        page_error(r, st, "The invitation could not be looked up; try again in a moment.");
        return;
    }
    show(r, status_for(inv), inv, NULL);
    json_decref(inv);
}

void page_invitation_post(struct req *r)
{
    int st;
    json_t *inv = lookup(r, &st);
    if (!inv || !is(str(inv, "state"), "pending")) {
        if (!inv && st != 404)
            page_error(r, st, "The invitation could not be looked up; try again in a moment.");
        else
            show(r, status_for(inv), inv, NULL);
        json_decref(inv);
        return;
    }
    const char *password = page_field(r, "password"), *confirm = page_field(r, "confirm");
    const char *email = arena_strdup(&r->arena, str(inv, "email"));
    if (!password || !*password) {
        show(r, 422, inv, "Choose a password and type it in both fields.");
    } else if (!confirm || strcmp(password, confirm) != 0) {
        show(r, 422, inv,
             "The two passwords are not the same. Type the password again in both fields.");
    } else if (strlen(password) < ACCOUNT_PASSWORD_MIN) {
        show(r, 422, inv,
             arena_printf(&r->arena,
                          "This password is too short: use at least %d characters (a few words "
                          "make a strong one that is easy to remember).",
                          ACCOUNT_PASSWORD_MIN));
    } else {
        struct op o;
        req_op_init(r, &o);
        int rc = invitation_accept(&o, r->params[0], password);
        if (rc == 0) {
            /* whoever was signed in in this browser is signed out: the new account signs in */
            struct op so;
            struct account_session session;
            req_op_init(r, &so);
            if (r->signed_in && r->token_hash)
                account_sign_out(&so, r->token_hash);
            int sst = account_sign_in(&so, email, password, req_client(r), r->conf->session_ttl,
                                      &session);
            if (sst == 0)
                req_session_cookie(r, session.token);
            else if (r->signed_in)
                req_session_cookie(r, NULL);
            op_free(&so);
            if (sst == 0)
                page_redirect(r, "/", "ok",
                              "Your password is set and you are signed in. Welcome to vodgate.");
            else
                page_redirect(r, "/", "ok",
                              "Your password is set. Sign in with your email and the new "
                              "password.");
        } else if (o.err.kind == OP_NOT_FOUND) {
            /* used or expired since the page was opened */
            json_decref(inv);
            inv = lookup(r, &st);
            show(r, status_for(inv), inv, NULL);
        } else {
            show(r, op_status(o.err.kind), inv,
                 o.err.message.len ? buf_str(&o.err.message)
                                   : "The password could not be set; try again.");
        }
        op_free(&o);
    }
    json_decref(inv);
}
