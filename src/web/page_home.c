/*
 * The front door: GET / is the sign-in form when signed out and the
 * dashboard when signed in; POST / signs in (app/account.c's sign-in, the
 * API's own, throttle included; the session cookie is set as the API sets
 * it) and goes on to ?next= when it is a path of this site; POST /signout
 * signs out.
 */
#include <string.h>

#include "app/account.h"
#include "app/op.h"
#include "web/pages.h"
#include "web/web.h"

/* A place to go after signing in: a local path only (no "//host", no scheme). */
static const char *safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strchr(next, '\r') ||
        strchr(next, '\n'))
        return "/";
    return next;
}

static void signin_form(struct req *r, int status, const char *error, const char *email)
{
    const char *next = r->form ? page_field(r, "next") : req_query(r, "next");
    json_t *vm = json_pack("{s:s, s:s, s:s}", "title", "Sign in", "next", safe_next(next), "email",
                           email ? email : "");
    if (error)
        json_object_set_new(vm, "error", json_string(error));
    page_render(r, status, "signin", vm);
}

void page_home(struct req *r)
{
    if (!r->signed_in) {
        signin_form(r, 200, NULL, NULL);
        return;
    }
    page_dashboard(r);
}

void page_signin(struct req *r)
{
    const char *email = page_field(r, "email"), *password = page_field(r, "password");
    if (!email || !*email || !password || !*password) {
        signin_form(r, 422, "Enter your email and your password.", email);
        return;
    }
    struct op o;
    struct account_session session;
    req_op_init(r, &o);
    int rc = account_sign_in(&o, email, password, req_client(r), r->conf->session_ttl, &session);
    int st = rc == 0 ? 200 : rc == OP_REFUSED ? op_status(o.err.kind) : 500;
    if (st == 200) {
        req_session_cookie(r, session.token);
        page_redirect(r, safe_next(page_field(r, "next")), NULL, NULL);
    } else if (st == 401) {
        signin_form(r, 422,
                    "Wrong email or password. Check both and try again; after several failures "
                    "you will have to wait a little before the next try.",
                    email);
    } else if (st == 429) {
        /* the operation's sentence names "an admin", whom a partner does not know: say it for
           people */
        long long wait = (long long)json_integer_value(json_object_get(o.err.extra, "retry_after"));
        signin_form(r, 429,
                    wait > 0 ? arena_printf(&r->arena,
                                            "Too many failed sign-ins for this account from your "
                                            "network. Wait %lld second%s, then try again. Forgot "
                                            "the password? Ask your vodgate contact to reset it.",
                                            wait, wait == 1 ? "" : "s")
                             : "Too many failed sign-ins for this account from your network. "
                               "Wait a little, then try again. Forgot the password? Ask your "
                               "vodgate contact to reset it.",
                    email);
    } else {
        signin_form(r, st, rc == OP_REFUSED ? buf_str(&o.err.message) : "", email);
    }
    op_free(&o);
}

void page_signout(struct req *r)
{
    struct op o;
    req_op_init(r, &o);
    if (account_sign_out(&o, r->token_hash) == 0)
        req_session_cookie(r, NULL);
    op_free(&o);
    page_redirect(r, "/", "ok", "You are signed out.");
}
