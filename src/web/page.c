/*
 * The page layer: layout, redirects with a flash, error pages, the form
 * check, and how a page shows an operation's outcome. See web.h.
 */
#include "web/web.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "app/op.h"
#include "app/partners.h"
#include "app/posthouses.h"
#include "base/embedded.h"
#include "base/now.h"
#include "base/recover.h"
#include "base/secret.h"
#include "base/timefmt.h"
#include "core/deadline.h"
#include "core/lifecycle.h"
#include "core/role.h"
#include "core/template.h"
#include "core/timewords.h"
#include "core/zone.h"

extern const struct embedded_file html_templates_embedded[];
extern const int n_html_templates_embedded;

#define FLASH_COOKIE "vodgate_flash"

static const char *partial(const char *name, size_t *len)
{
    const struct embedded_file *f =
        embedded_find(html_templates_embedded, n_html_templates_embedded, name);
    if (!f)
        return NULL;
    *len = f->len;
    return f->data;
}

/* The navigation of a role: [{href, label, current}]. */
static json_t *nav(struct req *r)
{
    static const struct {
        const char *href, *label;
        bool staff, org, admin_only;
    } items[] = {
        {"/", "Dashboard", true, true, false},
        {"/upload", "Upload", false, true, false},
        {"/titles", "Titles", true, true, false}, /* issue 15: the catalogue */
        {"/plan", "Planner", true, true, false},
        {"/posthouses", "Posthouses", true, true, false},
        {"/outbox", "Outbox", true, false, false},
        {"/outbox", "Messages", false, true, false}, /* an organisation's user: its own mail */
        {"/admin/users", "Users", true, false, true},
        {"/admin/calendars", "Calendars", true, false, true},
        {"/account", "Account", true, true, false},
    };
    bool staff = !role_is_org(r->who.role);
    json_t *list = json_array();
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        if (staff ? !items[i].staff : !items[i].org)
            continue;
        if (items[i].admin_only && r->who.role != ROLE_ADMIN)
            continue;
        size_t n = strlen(items[i].href);
        bool current = n == 1 ? !strcmp(r->path, "/")
                              : !strncmp(r->path, items[i].href, n) &&
                                    (r->path[n] == '\0' || r->path[n] == '/');
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "href", items[i].href, "label",
                                              items[i].label, "current", current));
    }
    return list;
}

/*
 * The flash of the previous request (and the header that clears it), or NULL.
 * The cookie is "ok.TEXT" or "error.TEXT", TEXT percent-encoded.
 */
static json_t *take_flash(struct req *r)
{
    const char *c = req_cookie(r, FLASH_COOKIE);
    if (!c || !*c)
        return NULL;
    reply_header(r, "Set-Cookie",
                 r->conf->secure_cookies
                     ? FLASH_COOKIE "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure"
                     : FLASH_COOKIE "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    const char *dot = strchr(c, '.');
    if (!dot)
        return NULL;
    bool ok = (size_t)(dot - c) == 2 && !strncmp(c, "ok", 2);
    struct buf err = {0}, q = {0};
    buf_puts(&q, "t=");
    buf_puts(&q, dot + 1);
    json_t *f = form_parse(q.data, q.len, &err);
    buf_free(&err);
    buf_free(&q);
    const char *text = f ? form_str(f, "t") : NULL;
    json_t *flash = NULL;
    if (text && *text)
        flash =
            json_pack("{s:s, s:s, s:b}", "kind", ok ? "ok" : "error", "text", text, "error", !ok);
    json_decref(f);
    return flash;
}

static json_t *site(struct req *r)
{
    int64_t now = now_get();
    json_t *s = json_pack("{s:b, s:s, s:I}", "signed_in", r->signed_in, "now",
                          web_time(r, now, NULL), "now_unix", (json_int_t)now);
    if (r->signed_in) {
        json_object_set_new(s, "me",
                            json_pack("{s:s, s:s, s:s}", "name",
                                      r->user.name && *r->user.name ? r->user.name : r->user.email,
                                      "email", r->user.email, "role", role_name(r->who.role)));
        json_object_set_new(s, "staff", json_boolean(!role_is_org(r->who.role)));
        json_object_set_new(s, "nav", nav(r));
        if (r->csrf)
            json_object_set_new(s, "csrf", json_string(r->csrf));
    }
    json_t *flash = take_flash(r);
    if (flash)
        json_object_set_new(s, "flash", flash);
    return s;
}

void page_render(struct req *r, int status, const char *name, json_t *vm)
{
    VG_ASSERT(json_is_object(vm));
    if (!json_is_string(json_object_get(vm, "title")))
        json_object_set_new(vm, "title", json_string("vodgate"));
    json_object_set_new(vm, "site", site(r));
    struct buf body = {0}, page = {0}, err = {0};
    size_t len = 0;
    const char *text = partial(name, &len);
    int rc = text ? template_render_html(text, len, vm, partial, &body, &err) : -1;
    if (rc == 0) {
        vm_set_html(vm, "content_html", safe_html_of(&body));
        const char *layout = partial("layout", &len);
        VG_ASSERT(layout);
        rc = template_render_html(layout, len, vm, partial, &page, &err);
    }
    if (rc != 0) {
        fprintf(stderr, "vodgate: page %s: %s\n", name, text ? buf_str(&err) : "no such template");
        buf_free(&page);
        buf_puts(&page, "<!doctype html><title>Error</title><p>This page could not be shown; "
                        "the error is in the server's log.</p>");
        status = 500;
    }
    reply_bytes(r, status, "text/html; charset=utf-8", page.data ? page.data : "", page.len);
    buf_free(&body);
    buf_free(&page);
    buf_free(&err);
    json_decref(vm);
}

void page_redirect(struct req *r, const char *location, const char *kind, const char *text)
{
    if (text && *text) {
        struct buf c = {0};
        buf_puts(&c, FLASH_COOKIE "=");
        buf_puts(&c, kind && !strcmp(kind, "ok") ? "ok." : "error.");
        h_url(&c, text);
        buf_puts(&c, "; Path=/; HttpOnly; SameSite=Lax; Max-Age=120");
        if (r->conf->secure_cookies) /* the flash can name what was done: same rule as the session */
            buf_puts(&c, "; Secure");
        reply_header(r, "Set-Cookie", buf_str(&c));
        buf_free(&c);
    }
    reply_header(r, "Location", location);
    reply_bytes(r, 303, "text/plain; charset=utf-8", "", 0);
}

void page_error(struct req *r, int status, const char *fmt, ...)
{
    struct buf msg = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    const char *title = status == 404   ? "Not found"
                        : status == 403 ? "Not allowed"
                        : status >= 500 ? "Something went wrong"
                                        : "That did not work";
    page_render(
        r, status, "error",
        json_pack("{s:s, s:s, s:i}", "title", title, "message", buf_str(&msg), "status", status));
    buf_free(&msg);
}

void page_deny(struct req *r, enum policy_result pr)
{
    if (pr == POLICY_UNAUTHENTICATED) {
        struct buf loc = {0};
        buf_puts(&loc, "/");
        if (!strcmp(r->method, "GET") && strcmp(r->path, "/")) {
            buf_puts(&loc, "?next=");
            h_url(&loc, r->path);
        }
        page_redirect(r, buf_str(&loc), "error", "Please sign in to continue.");
        buf_free(&loc);
    } else if (pr == POLICY_FORBIDDEN) {
        page_error(r, 403, "Your role (%s) may not open this page.", role_name(r->who.role));
    } else {
        page_error(r, 404, "There is no such page, or it belongs to another organisation.");
    }
}

void page_not_found(struct req *r)
{
    page_error(r, 404, "There is no page at this address.");
}

void page_internal(struct req *r)
{
    static const char plain[] = "<!doctype html><meta charset=utf-8><title>Server error</title>"
                                "<p>The server could not complete this. Go back and try again; "
                                "if it happens again, tell your vodgate contact what you did and "
                                "when.";
    struct vg_recover rec; /* the failure may have been in rendering: then the plain page */
    r->status = 0;
    if (sigsetjmp(rec.jb, 0) == 0) {
        vg_recover_push(&rec);
        page_error(r, 500,
                   "The server could not complete this. Go back and try again; if it happens "
                   "again, tell your vodgate contact what you did and when.");
        vg_recover_pop(&rec);
        return;
    }
    r->status = 0;
    reply_bytes(r, 500, "text/html; charset=utf-8", plain, sizeof plain - 1);
}

bool page_form_admit(struct req *r)
{
    if (strcmp(r->method, "POST") != 0)
        return true;
    struct buf err = {0};
    r->form = form_parse(r->body.data ? r->body.data : "", r->body.len, &err);
    if (!r->form) {
        page_error(r, 400, "The form could not be read: %s.", buf_str(&err));
        buf_free(&err);
        return false;
    }
    buf_free(&err);
    /*
     * A browser says where a form came from: another site's form is refused (login CSRF too).
     * "null" is what a page with an opaque origin sends: a sandboxed frame, a data: or file: page,
     * a redirect from another site. Our own pages (Referrer-Policy: same-origin) send their origin,
     * so a null one is refused too. No Origin at all (an older browser, a script) is let through as
     * before: signed-in forms still need their csrf field.
     */
    const char *origin = req_header(r, "Origin"), *host = req_header(r, "Host");
    if (origin && !strcmp(origin, "null")) {
        page_error(r, 403,
                   "This form was sent from a page with no origin (a sandboxed frame, a local "
                   "file or another site's redirect) and is refused. Open the portal at its own "
                   "address and send the form from there.");
        return false;
    }
    if (origin) {
        const char *o = strstr(origin, "://");
        if (!host || !o || strcmp(o + 3, host) != 0) {
            page_error(r, 403, "This form was sent from another site (%s) and is refused.", origin);
            return false;
        }
    }
    const char *sent = form_str(r->form, "csrf");
    if (r->signed_in && (!sent || !r->csrf || !secret_equal(sent, r->csrf))) {
        page_error(r, 403,
                   "This form has expired (it was opened in an earlier sign-in). Go back, "
                   "reload the page and send it again.");
        return false;
    }
    return true;
}

const char *page_field(struct req *r, const char *name)
{
    return r->form ? form_str(r->form, name) : NULL;
}

bool page_op_done(struct req *r, struct op *o, int rc)
{
    if (rc >= 0) {
        op_free(o);
        return true;
    }
    if (rc == OP_REFUSED && o->err.kind == OP_NOT_FOUND)
        page_error(r, 404, "There is no such page, or it belongs to another organisation.");
    else if (rc == OP_REFUSED && o->err.kind != OP_FAILED)
        page_error(r, op_status(o->err.kind), "%s", buf_str(&o->err.message));
    else
        reply_internal(r); /* the portal's 500 page; logged where it failed */
    op_free(o);
    return false;
}

json_t *web_partner_view(struct req *r, int64_t id)
{
    struct op o;
    json_t *p = NULL;
    req_op_init(r, &o);
    return page_op_done(r, &o, partners_view(&o, id, &p)) ? p : NULL;
}

json_t *web_posthouses(struct req *r)
{
    struct op o;
    json_t *ans = NULL;
    req_op_init(r, &o);
    int rc = posthouses_directory(&o, &ans);
    op_free(&o);
    json_t *list = rc == 0 ? json_incref(json_object_get(ans, "posthouses")) : NULL;
    json_decref(ans);
    return json_is_array(list) ? list : (json_decref(list), json_array());
}

void page_op_redirect(struct req *r, struct op *o, int rc, const char *back, const char *ok_text)
{
    if (rc >= 0)
        page_redirect(r, back, "ok", ok_text);
    else
        page_redirect(r, back, "error",
                      rc == OP_REFUSED && o->err.message.len ? buf_str(&o->err.message)
                                                             : "That did not work; try again.");
    op_free(o);
}

const char *web_time(struct req *r, int64_t t, const char *zone)
{
    const struct zone *z = NULL;
    if (!zone || zone_open(zone, &z) != 0)
        z = NULL;
    int32_t off = z ? zone_utc_offset(z, t) : 0;
    int64_t local = t + off;
    int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int64_t secs = local - days * 86400;
    struct civil_date d = civil_from_days(days);
    static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int w = weekday_from_days(days);
    char offs[16] = "UTC";
    if (off)
        snprintf(offs, sizeof offs, "UTC%c%02d:%02d", off < 0 ? '-' : '+', abs(off) / 3600,
                 abs(off) / 60 % 60);
    return arena_printf(&r->arena, "%s %d %s %d, %02d:%02d (%s)", wd[w % 7], d.day,
                        mon[(d.month - 1) % 12], d.year, (int)(secs / 3600), (int)(secs / 60 % 60),
                        offs);
}

const char *web_deadline(struct req *r, int64_t due, const char *zone)
{
    const struct zone *z;
    if (!zone || zone_open(zone, &z) != 0)
        zone_open("UTC", &z);
    char s[TIMEWORDS_MAX];
    timewords_deadline(z, due, now_get(), s);
    return arena_strdup(&r->arena, s);
}

const char *web_date(struct req *r, const char *iso_date)
{
    struct civil_date d;
    if (!iso_date || date_parse(iso_date, &d) < 0)
        return iso_date ? iso_date : "";
    static const char *const wd[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t day = days_from_civil(d.year, d.month, d.day);
    int64_t now = now_get();
    struct civil_date today = civil_from_days(now >= 0 ? now / 86400 : 0);
    const char *text =
        arena_printf(&r->arena, "%s %d %s", wd[(weekday_from_days(day) + 6) % 7], d.day, mon[d.month - 1]);
    return d.year == today.year ? text : arena_printf(&r->arena, "%s %d", text, d.year);
}

const char *web_deadline_text(struct req *r, const char *rfc3339, const char *zone)
{
    int64_t t;
    if (!rfc3339 || time_parse_rfc3339(rfc3339, &t) < 0)
        return "";
    return web_deadline(r, t, zone);
}

const char *web_time_text(struct req *r, const char *rfc3339, const char *zone)
{
    int64_t t;
    if (!rfc3339 || time_parse_rfc3339(rfc3339, &t) < 0)
        return "";
    return web_time(r, t, zone);
}

const char *web_duration(struct req *r, int64_t s)
{
    if (s < 0)
        s = -s;
    int64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60;
    if (d)
        return arena_printf(&r->arena, "%lld d %lld h", (long long)d, (long long)h);
    if (h)
        return arena_printf(&r->arena, "%lld h %lld min", (long long)h, (long long)m);
    return arena_printf(&r->arena, "%lld min", (long long)m);
}

const char *web_clock_label(const char *kind, bool brief)
{
    const struct deadline_kind *k = deadline_kind(kind);
    if (k)
        return brief ? k->short_label : k->long_label;
    return kind ? kind : "Clock";
}

const char *web_kind_label(const char *kind)
{
    if (!kind)
        return "";
    return !strcmp(kind, "avails")          ? "Avails"
           : !strcmp(kind, "asset_package") ? "Asset package"
                                            : kind;
}

const char *web_stage_label(const char *stage)
{
    static const struct {
        const char *name, *label;
    } labels[] = {
        {"invited", "Invited"},           {"questionnaire", "Questionnaire"},
        {"setup", "Account setup"},       {"training", "Training"},
        {"stopped", "Stopped"},           {"escalated", "Escalated"},
        {"steady_state", "Steady state"},
    };
    for (size_t i = 0; stage && i < sizeof labels / sizeof labels[0]; i++)
        if (!strcmp(labels[i].name, stage))
            return labels[i].label;
    return stage ? stage : "";
}
