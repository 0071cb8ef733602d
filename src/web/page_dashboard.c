/*
 * The dashboard (GET / when signed in): one page, two audiences.
 *
 * Staff see what needs attention across every partner: partners by stage
 * (each count a link that filters the list), clocks breached and due within
 * 48 hours with live countdowns and each due instant in the partner's own
 * zone, named; the escalation decisions a pim owes, alternate-solution
 * requests, the latest warnings; then the partner list, filtered (stage,
 * mine, a part of the name), sorted and paged. All of it comes from two
 * reads of the application floor, the dashboard's view (app/dashboard.c,
 * GET /api/v1/dashboard's answer) and the partner list with its filters
 * (app/partners.c partners_list, GET /api/v1/partners's), both bounded and
 * indexed in SQL, so the page costs the same with ten partners or ten
 * thousand.
 *
 * A partner's (or posthouse's) user sees its own organisation: its stage and
 * what happens next in plain words, what is asked of it now and by when (open
 * delivery requests with their countdowns in its zone, the questionnaire),
 * its warnings and its latest deliveries. A posthouse also sees the partners
 * it delivers for. Everything comes from the operations the API's handlers
 * call (app/partners.h, requests.h, warnings.h, deliveries.h), each checking
 * what the actor may see, so an organisation's user sees exactly what the
 * API lets it see.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/dashboard.h"
#include "app/deliveries.h"
#include "app/op.h"
#include "app/partners.h"
#include "app/requests.h"
#include "app/warnings.h"
#include "base/now.h"
#include "base/timefmt.h"
#include "core/deadline.h"
#include "core/lifecycle.h"
#include "core/role.h"
#include "web/partner_scorecard.h"
#include "web/timelines.h"
#include "web/decision_panel.h"
#include "web/pages.h"
#include "web/web.h"

#define PER_PAGE         25
#define PRINCIPALS_MAX   20 /* partners of a posthouse shown on its dashboard */
#define DELIVERIES_SHOWN 5  /* latest deliveries of an organisation */

/* ---- shared helpers ---- */

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static json_int_t num(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/*
 * Sets the display fields of an instant on o: iso (RFC 3339, for <time> and
 * the countdown), text (in zone: a deadline in words when countdown, else
 * the time with its offset), zone (named), and, when
 * countdown, the time left or late as the countdown's fallback text and
 * "late" when it has passed.
 */
static void set_instant(struct req *r, json_t *o, const char *iso, const char *zone, bool countdown,
                        int64_t now)
{
    int64_t t;
    if (!iso || time_parse_rfc3339(iso, &t) < 0)
        return;
    json_object_set_new(o, "iso", json_string(iso));
    /* a deadline reads as people say it ("the end of Wed 2 Dec"), a moment as a time */
    json_object_set_new(o, "text",
                        json_string(countdown ? web_deadline(r, t, zone) : web_time(r, t, zone)));
    json_object_set_new(o, "zone", json_string(zone && *zone ? zone : "UTC"));
    if (countdown) {
        const char *d = web_duration(r, t - now);
        json_object_set_new(o, "left",
                            json_string(t >= now ? arena_printf(&r->arena, "%s left", d)
                                                 : arena_printf(&r->arena, "late by %s", d)));
        json_object_set_new(o, "late", json_boolean(t < now));
    }
}

static json_t *instant(struct req *r, const char *iso, const char *zone, bool countdown,
                       int64_t now)
{
    json_t *o = json_object();
    set_instant(r, o, iso, zone, countdown, now);
    return o;
}

static const char *partner_href(struct req *r, json_int_t id)
{
    return arena_printf(&r->arena, "/partners/%lld", (long long)id);
}

static const char *request_href(struct req *r, json_int_t id)
{
    return arena_printf(&r->arena, "/requests/%lld", (long long)id);
}

/* ---- staff ---- */

/* The partner list's filter, as the page's URL carries it. */
struct filter {
    const char *stage; /* NULL: every stage */
    const char *q;     /* NULL: any name */
    bool mine;
    const char *sort; /* name, stage, since */
    bool desc;
    int64_t page; /* from 1 */
};

static void read_filter(struct req *r, struct filter *f)
{
    const char *stage = req_query(r, "stage"), *q = req_query(r, "q");
    const char *sort = req_query(r, "sort"), *dir = req_query(r, "dir");
    const char *mine = req_query(r, "mine"), *page = req_query(r, "page");
    f->stage = stage && stage_parse(stage) != STAGE_N ? stage : NULL;
    /* the name search: trimmed, at most 100 bytes (whole characters), and UTF-8 or nothing */
    f->q = NULL;
    if (q) {
        while (*q == ' ')
            q++;
        size_t n = strlen(q);
        while (n && q[n - 1] == ' ')
            n--;
        if (n > 100) {
            n = 100;
            while (n && ((unsigned char)q[n] & 0xC0) == 0x80)
                n--;
        }
        json_t *valid = n ? json_stringn(q, n) : NULL;
        if (valid)
            f->q = arena_strndup(&r->arena, q, n);
        json_decref(valid);
    }
    f->mine = mine && (!strcmp(mine, "1") || !strcmp(mine, "true") || !strcmp(mine, "on"));
    f->sort = sort && (!strcmp(sort, "stage") || !strcmp(sort, "since")) ? sort : "name";
    f->desc = dir && !strcmp(dir, "desc");
    char *end;
    long long p = page ? strtoll(page, &end, 10) : 1;
    f->page = page && (*end || p < 1 || p > 1000000) ? 1 : p;
}

/* The URL of the list with filter f, defaults left out. */
static const char *list_href(struct req *r, const struct filter *f)
{
    struct buf b = {0};
    char sep = '?';
#define ARG(name, value)                                                                           \
    do {                                                                                           \
        buf_putc(&b, sep);                                                                         \
        buf_puts(&b, name "=");                                                                    \
        h_url(&b, value);                                                                          \
        sep = '&';                                                                                 \
    } while (0)
    buf_puts(&b, "/");
    if (f->stage)
        ARG("stage", f->stage);
    if (f->mine)
        ARG("mine", "1");
    if (f->q)
        ARG("q", f->q);
    if (strcmp(f->sort, "name"))
        ARG("sort", f->sort);
    if (f->desc)
        ARG("dir", "desc");
    if (f->page > 1)
        ARG("page", arena_printf(&r->arena, "%lld", (long long)f->page));
#undef ARG
    buf_puts(&b, "#partners");
    const char *s = arena_strdup(&r->arena, buf_str(&b));
    buf_free(&b);
    return s;
}

/* Partners by stage: one .stat link per stage, filtering the list. */
static json_t *stage_stats(struct req *r, json_t *dash, const struct filter *f)
{
    json_t *list = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(dash, "stages"), i, s) {
        const char *stage = str(s, "stage");
        json_int_t n = num(s, "count");
        struct filter only = {.stage = stage, .sort = "name", .page = 1};
        bool attention = n > 0 && (!strcmp(stage, "stopped") || !strcmp(stage, "escalated"));
        json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:s, s:b, s:b}", "stage", stage,
                                              "label", web_stage_label(stage), "count", n, "href",
                                              list_href(r, &only), "current",
                                              f->stage && !strcmp(f->stage, stage), "attention",
                                              attention));
    }
    return list;
}

/* The display rows of the dashboard's clocks. */
static json_t *clock_rows(struct req *r, json_t *clocks, int64_t now)
{
    json_t *rows = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(clocks, i, c) {
        json_t *p = json_object_get(c, "partner");
        const char *zone = json_is_object(p) ? str(p, "time_zone") : str(c, "time_zone");
        json_t *row = json_pack("{s:I, s:s, s:s, s:o}", "id", num(c, "id"), "what",
                                web_clock_label(str(c, "kind"), false), "state", str(c, "state"),
                                "due", instant(r, str(c, "due_at"), zone, true, now));
        if (json_is_object(p)) {
            json_object_set_new(row, "partner",
                                json_pack("{s:s, s:s}", "name", str(p, "name"), "href",
                                          partner_href(r, num(p, "id"))));
        }
        if (json_is_integer(json_object_get(c, "request"))) {
            const char *title = str(c, "request_title");
            json_object_set_new(row, "request",
                                json_pack("{s:s, s:s}", "title",
                                          *title ? title
                                                 : arena_printf(&r->arena, "Request %lld",
                                                                (long long)num(c, "request")),
                                          "href", request_href(r, num(c, "request"))));
        } else if (*str(c, "label")) {
            json_object_set_new(row, "label", json_string(str(c, "label")));
        }
        json_array_append_new(rows, row);
    }
    return rows;
}

static json_t *warning_rows(struct req *r, json_t *warnings)
{
    json_t *rows = json_array();
    size_t i;
    json_t *w;
    json_array_foreach(warnings, i, w) {
        json_t *p = json_object_get(w, "partner");
        json_t *row = json_pack("{s:I, s:s, s:s, s:s, s:o}", "number", num(w, "number"), "reason",
                                str(w, "reason"), "partner_name", str(p, "name"), "partner_href",
                                partner_href(r, num(p, "id")), "issued",
                                instant(r, str(w, "issued_at"), str(p, "time_zone"), false, 0));
        if (json_is_integer(json_object_get(w, "request")))
            json_object_set_new(row, "request",
                                json_pack("{s:s, s:s}", "title", str(w, "request_title"), "href",
                                          request_href(r, num(w, "request"))));
        json_array_append_new(rows, row);
    }
    return rows;
}

static json_t *decision_rows(struct req *r, json_t *decisions, int64_t now)
{
    json_t *rows = json_array();
    size_t i;
    json_t *d;
    json_array_foreach(decisions, i, d) {
        json_t *pim = json_object_get(d, "pim");
        int64_t since = 0;
        time_parse_rfc3339(str(d, "stage_since"), &since);
        json_t *row =
            json_pack("{s:s, s:s, s:I, s:s, s:s}", "name", str(d, "name"), "href",
                      partner_href(r, num(d, "id")), "warnings", num(d, "warnings"), "stage_label",
                      web_stage_label(str(d, "stage")), "for", web_duration(r, now - since));
        if (json_is_object(pim))
            json_object_set_new(
                row, "pim", json_string(*str(pim, "name") ? str(pim, "name") : str(pim, "email")));
        json_array_append_new(rows, row);
    }
    return rows;
}

static json_t *alternate_rows(struct req *r, json_t *alternates)
{
    json_t *rows = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(alternates, i, a) {
        json_t *p = json_object_get(a, "partner");
        json_t *row = json_pack("{s:s, s:s, s:s, s:o}", "name", str(p, "name"), "href",
                                /* answered on the partner page (web/timelines.c) */
                                arena_printf(&r->arena, "%s#cases", partner_href(r, num(p, "id"))),
                                "reason", str(a, "reason"), "at",
                                instant(r, str(a, "at"), str(p, "time_zone"), false, 0));
        if (*str(a, "by"))
            json_object_set_new(row, "by", json_string(str(a, "by")));
        json_object_set_new(row, "state", json_string(str(a, "state")));
        json_object_set_new(row, "waiting", json_boolean(!strcmp(str(a, "state"), "open")));
        json_array_append_new(rows, row);
    }
    return rows;
}

/*
 * The partners the actor may see (app/partners.c partners_list, as
 * GET /api/v1/partners answers with q's arguments): {partners, total}, or
 * NULL when refused (the page then shows an empty list).
 */
static json_t *partners_of(struct req *r, const struct partners_query *q)
{
    struct op o;
    json_t *ans = NULL;
    req_op_init(r, &o);
    int rc = partners_list(&o, q, &ans);
    op_free(&o);
    if (rc < 0) {
        json_decref(ans);
        return NULL;
    }
    return ans;
}

/* One page of the partner list, filtered by f. */
static json_t *partner_list(struct req *r, const struct filter *f, int64_t now)
{
    struct partners_query query = {
        .stage = f->stage,
        .q = f->q,
        .sort = f->sort,
        .dir = f->desc ? "desc" : "asc",
        .mine = f->mine ? "true" : NULL,
        .limit = arena_printf(&r->arena, "%d", PER_PAGE),
        .offset = arena_printf(&r->arena, "%lld", (long long)(f->page - 1) * PER_PAGE),
    };
    json_t *ans = partners_of(r, &query);
    json_int_t total = ans ? num(ans, "total") : 0;
    if (total && f->page > 1 && !json_array_size(json_object_get(ans, "partners"))) {
        /* a page past the end (the list shrank, or a hand-made URL): the last page */
        struct filter last = *f;
        last.page = (total + PER_PAGE - 1) / PER_PAGE;
        json_decref(ans);
        return partner_list(r, &last, now);
    }
    json_t *items = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(ans, "partners"), i, p) {
        const char *since_iso =
            *str(p, "stage_since") ? str(p, "stage_since") : str(p, "created_at");
        int64_t since = now;
        time_parse_rfc3339(since_iso, &since);
        json_array_append_new(
            items,
            json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:I, s:b, s:b, s:b}", "name", str(p, "name"),
                      "href", partner_href(r, num(p, "id")), "stage", str(p, "stage"),
                      "stage_label", web_stage_label(str(p, "stage")), "since",
                      instant(r, since_iso, str(p, "time_zone"), false, 0), "for",
                      web_duration(r, now - since), "warnings", num(p, "warnings"),
                      "decision_pending", json_is_true(json_object_get(p, "decision_pending")),
                      "posthouse", json_is_true(json_object_get(p, "posthouse")), "channels",
                      json_is_true(json_object_get(p, "channels"))));
    }
    json_decref(ans);

    int64_t pages = total ? (total + PER_PAGE - 1) / PER_PAGE : 1;
    json_t *list = json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", total, "page",
                             (json_int_t)f->page, "pages", (json_int_t)pages);
    if (total) {
        int64_t first = (f->page - 1) * PER_PAGE + 1;
        int64_t last = first + (int64_t)json_array_size(items) - 1;
        json_object_set_new(
            list, "showing",
            json_string(arena_printf(&r->arena, "%lld–%lld of %lld", (long long)first,
                                     (long long)last, (long long)total)));
    }
    struct filter g = *f;
    if (f->page > 1) {
        g.page = f->page - 1 < pages ? f->page - 1 : pages;
        json_object_set_new(list, "prev_href", json_string(list_href(r, &g)));
    }
    if (f->page < pages) {
        g.page = f->page + 1;
        json_object_set_new(list, "next_href", json_string(list_href(r, &g)));
    }
    /* the column headers sort; the current column's second click reverses */
    static const char *const cols[] = {"name", "stage", "since"};
    for (size_t c = 0; c < 3; c++) {
        g = *f;
        g.page = 1;
        g.sort = cols[c];
        bool current = !strcmp(f->sort, cols[c]);
        g.desc = current && !f->desc;
        json_object_set_new(list, arena_printf(&r->arena, "sort_%s", cols[c]),
                            json_pack("{s:s, s:b, s:s, s:s}", "href", list_href(r, &g), "current",
                                      current, "aria",
                                      !current  ? "none"
                                      : f->desc ? "descending"
                                                : "ascending",
                                      "arrow",
                                      !current  ? ""
                                      : f->desc ? "▼"
                                                : "▲"));
    }
    return list;
}

/* The filter form's controls, with the current values chosen. */
static json_t *filter_form(struct req *r, const struct filter *f)
{
    json_t *stages = json_array();
    for (int s = 0; s < STAGE_N; s++) {
        const char *name = stage_name((enum stage)s);
        json_array_append_new(stages, json_pack("{s:s, s:s, s:b}", "value", name, "label",
                                                web_stage_label(name), "selected",
                                                f->stage && !strcmp(f->stage, name)));
    }
    static const struct {
        const char *value, *label;
    } sorts[] = {{"name", "Name"}, {"stage", "Stage"}, {"since", "Time in stage"}};
    json_t *sort = json_array();
    for (size_t i = 0; i < sizeof sorts / sizeof sorts[0]; i++)
        json_array_append_new(sort, json_pack("{s:s, s:s, s:b}", "value", sorts[i].value, "label",
                                              sorts[i].label, "selected",
                                              !strcmp(f->sort, sorts[i].value)));
    json_t *o = json_pack("{s:o, s:o, s:b, s:s, s:b, s:b}", "stages", stages, "sorts", sort, "mine",
                          f->mine, "q", f->q ? f->q : "", "asc", !f->desc, "desc", f->desc);
    (void)r;
    return o;
}

static void staff_dashboard(struct req *r)
{
    int64_t now = now_get();
    /* the lists as long as the API's by default, whatever this page's URL carries */
    json_t *dash = NULL;
    struct op o;
    req_op_init(r, &o);
    if (dashboard_view(&o, DASHBOARD_LIST_DEFAULT, &dash) < 0) {
        page_error(r, op_status(o.err.kind), "%s", buf_str(&o.err.message));
        op_free(&o);
        return;
    }
    op_free(&o);
    struct filter f;
    read_filter(r, &f);
    json_t *due = json_object_get(dash, "due_soon"), *breached = json_object_get(dash, "breached");
    json_t *decisions = json_object_get(dash, "decisions");
    json_t *alternates = json_object_get(dash, "alternates");
    struct filter none = {.sort = "name", .page = 1};
    bool filtered = f.stage || f.q || f.mine || strcmp(f.sort, "name") || f.desc;
    json_t *vm = json_pack(
        "{s:s, s:b, s:b, s:o, s:I, s:s, s:b, s:{s:I, s:I, s:o}, s:{s:I, s:I, s:o},"
        " s:{s:I, s:o}, s:{s:I, s:o}, s:o, s:o, s:o, s:b, s:s}",
        "title", "Dashboard", "staff", true, "can_invite",
        (r->who.role & (ROLE_ADMIN | ROLE_CAM)) != 0, "stages", stage_stats(r, dash, &f),
        "n_partners", num(dash, "partners"), "all_href", list_href(r, &none), "all_current",
        !f.stage, "breached", "total", num(breached, "total"), "days", num(breached, "days"),
        "clocks", clock_rows(r, json_object_get(breached, "clocks"), now), "due_soon", "total",
        num(due, "total"), "hours", num(due, "hours"), "clocks",
        clock_rows(r, json_object_get(due, "clocks"), now), "decisions", "total",
        num(decisions, "total"), "partners",
        decision_rows(r, json_object_get(decisions, "partners"), now), "alternates", "total",
        num(alternates, "total"), "requests",
        alternate_rows(r, json_object_get(alternates, "requests")), "warnings",
        warning_rows(r, json_object_get(dash, "warnings")), "filter", filter_form(r, &f), "list",
        partner_list(r, &f, now), "filtered", filtered, "clear_href", list_href(r, &none));
    json_decref(dash);
    page_render(r, 200, "dashboard", vm);
}

/* ---- partners and posthouses ---- */

/* What happens next in a stage, said to the partner. */
static const char *next_text(const char *stage)
{
    static const struct {
        const char *stage, *text;
    } next[] = {
        {"invited", "Your contact at the service is preparing your onboarding. You will receive "
                    "an email with the onboarding questionnaire."},
        {"questionnaire",
         "Fill in the onboarding questionnaire and submit it. Your answers are saved as you go, "
         "so you can come back to it. Once you submit, we prepare your accounts within 10 days."},
        {"setup", "We are preparing your accounts: your partner alias, your transfer account for "
                  "uploads and your portal account. Nothing is needed from you now; this takes "
                  "at most 10 days from your questionnaire."},
        {"training",
         "Your training has started. We send you delivery requests: deliver each one within 48 "
         "hours, and reply on it or deliver within 3 working days of each request or failed "
         "result, or a warning is issued. Training ends within 30 days."},
        {"stopped", "Your training is stopped. Your contact at the service will tell you how to "
                    "go on; your requests and results stay readable here."},
        {"escalated", "Your training has been handed to the commercial team, who will contact "
                      "you about how to go on. Open requests still count."},
        {"steady_state", "You are onboarded. Deliver avails and asset packages whenever you have "
                         "them: each delivery is checked and its result shows here. A delivery "
                         "request is still due within 48 hours."},
    };
    for (size_t i = 0; i < sizeof next / sizeof next[0]; i++)
        if (!strcmp(next[i].stage, stage))
            return next[i].text;
    return "";
}

/* Open requests: what is asked now, each with its running (or paused) clocks. */
static json_t *asks(struct req *r, json_int_t id, const char *zone, int64_t now)
{
    json_t *ans = NULL, *list = json_array();
    struct op o;
    req_op_init(r, &o);
    int rc = request_list(&o, id, &ans);
    op_free(&o);
    if (rc < 0) {
        json_decref(ans);
        return list;
    }
    size_t i, j;
    json_t *q, *c;
    json_array_foreach(json_object_get(ans, "requests"), i, q) {
        json_t *clocks = json_array();
        json_array_foreach(json_object_get(q, "clocks"), j, c) {
            const char *state = str(c, "state"), *kind = str(c, "kind");
            if (strcmp(state, "running") && strcmp(state, "paused"))
                continue;
            const struct deadline_kind *k = deadline_kind(kind);
            json_t *row = json_pack("{s:s, s:b}", "what",
                                    k && k->ask_label ? k->ask_label : web_clock_label(kind, false),
                                    "paused", !strcmp(state, "paused"));
            set_instant(r, row, json_string_value(json_object_get(c, "due_at")), zone, true, now);
            json_array_append_new(clocks, row);
        }
        const char *status = str(q, "status");
        if (!json_array_size(clocks) && strcmp(status, "open") && strcmp(status, "failed")) {
            json_decref(clocks);
            continue;
        }
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:o}", "id", num(q, "id"), "href",
                            request_href(r, num(q, "id")), "title", str(q, "title"), "kind",
                            web_kind_label(str(q, "kind")), "status", status, "failed",
                            !strcmp(status, "failed"), "late",
                            json_is_true(json_object_get(q, "late")), "clocks", clocks));
    }
    json_decref(ans);
    return list;
}

/* The organisation's own dates (setup, training cap, milestones), from its open clocks. */
static json_t *dates(struct req *r, json_t *partner, const char *zone, int64_t now)
{
    json_t *list = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(partner, "clocks"), i, c) {
        if (!strncmp(str(c, "subject"), "request:", 8))
            continue; /* shown with their request */
        const char *kind = str(c, "kind");
        const struct deadline_kind *k = deadline_kind(kind);
        const char *what = k && k->date_label ? k->date_label
                           : *str(c, "label") ? str(c, "label")
                                              : web_clock_label(kind, false);
        json_t *row =
            json_pack("{s:s, s:b}", "what", what, "paused", !strcmp(str(c, "state"), "paused"));
        set_instant(r, row, json_string_value(json_object_get(c, "due_at")), zone, true, now);
        json_array_append_new(list, row);
    }
    return list;
}

static json_t *org_warnings(struct req *r, json_int_t id, const char *zone)
{
    json_t *ans = NULL, *list = json_array();
    struct op o;
    req_op_init(r, &o);
    int rc = warnings_list(&o, id, &ans);
    op_free(&o);
    if (rc == 0) {
        size_t i;
        json_t *w;
        json_array_foreach(json_object_get(ans, "warnings"), i, w) {
            json_t *row =
                json_pack("{s:I, s:s, s:o}", "number", num(w, "number"), "reason", str(w, "reason"),
                          "issued", instant(r, str(w, "issued_at"), zone, false, 0));
            if (json_is_integer(json_object_get(w, "request")))
                json_object_set_new(row, "request_href",
                                    json_string(request_href(r, num(w, "request"))));
            /* newest first */
            json_array_insert_new(list, 0, row);
        }
    }
    json_decref(ans);
    return list;
}

static json_t *org_deliveries(struct req *r, json_int_t id, const char *zone, bool *more)
{
    json_t *ans = NULL, *list = json_array();
    *more = false;
    struct op o;
    req_op_init(r, &o);
    /* the latest ones, and one more to know whether there are more */
    int rc = delivery_list(&o, id, 0, DELIVERIES_SHOWN + 1, &ans);
    op_free(&o);
    if (rc == 0) {
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(ans, "deliveries"), i, d) {
            if (i == DELIVERIES_SHOWN) {
                *more = true;
                break;
            }
            const char *status = str(d, "status");
            json_array_append_new(
                list,
                json_pack("{s:I, s:s, s:s, s:s, s:o, s:I, s:I, s:b}", "id", num(d, "id"), "href",
                          arena_printf(&r->arena, "/deliveries/%lld", (long long)num(d, "id")),
                          "kind", web_kind_label(str(d, "kind")), "status", status, "received",
                          instant(r, str(d, "received_at"), zone, false, 0), "errors",
                          num(d, "errors"), "warnings", num(d, "warnings"), "late",
                          json_is_true(json_object_get(d, "late"))));
        }
    }
    json_decref(ans);
    return list;
}

/* One organisation's block: stage, what next, what is asked, warnings, deliveries. */
static json_t *org_block(struct req *r, json_int_t id, bool own, int64_t now)
{
    json_t *p = NULL;
    struct op o;
    req_op_init(r, &o);
    if (!page_op_done(r, &o, partners_view(&o, id, &p)))
        return NULL;
    const char *zone = str(p, "time_zone"), *stage = str(p, "stage");
    bool more = false;
    json_t *ask = asks(r, id, zone, now);
    json_t *block = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:b, s:o, s:b}", "id", id, "name",
        str(p, "name"), "zone", zone, "stage", stage, "stage_label", web_stage_label(stage), "own",
        own, "since", instant(r, str(p, "stage_since"), zone, false, 0), "asks", ask, "dates",
        dates(r, p, zone, now), "posthouse", json_is_true(json_object_get(p, "posthouse")),
        "warnings", org_warnings(r, id, zone), "decision_pending",
        json_is_true(json_object_get(p, "decision_pending")));
    json_t *deliveries = org_deliveries(r, id, zone, &more);
    json_object_set_new(block, "has_deliveries", json_boolean(json_array_size(deliveries) > 0));
    json_object_set_new(block, "deliveries", deliveries);
    json_object_set_new(block, "more_deliveries", json_boolean(more));
    json_object_set_new(block, "has_asks", json_boolean(json_array_size(ask) > 0));
    if (own) {
        json_object_set_new(block, "next", json_string(next_text(stage)));
        timelines_dashboard_vm(r, block, id); /* its page, launch timeline, cases (web/timelines.c) */
        if (more || json_array_size(deliveries) || !strcmp(stage, "steady_state"))
            partner_scorecard_vm(r, block, id, true); /* its scorecard (web/partner_scorecard.c) */
    }
    if (!strcmp(stage, "questionnaire"))
        json_object_set_new(
            block, "questionnaire_href",
            json_string(arena_printf(&r->arena, "/partners/%lld/questionnaire", (long long)id)));
    /* nothing asked: neither a request nor the questionnaire */
    json_object_set_new(block, "nothing_asked",
                        json_boolean(!json_array_size(ask) && strcmp(stage, "questionnaire")));
    decision_panel_vm(r, p, block, true); /* the pim's decision, as the partner reads it */
    json_decref(p);
    return block;
}

static void org_dashboard(struct req *r)
{
    int64_t now = now_get();
    json_t *own = org_block(r, r->who.org_id, true, now);
    if (!own)
        return; /* answered with an error page */
    json_t *principals = json_array();
    bool more = false;
    if (r->who.role == ROLE_POSTHOUSE) {
        /* the partners that named this posthouse their delivery agent */
        struct partners_query query = {.sort = "name",
                                       .limit = arena_printf(&r->arena, "%d", PRINCIPALS_MAX + 2)};
        json_t *ans = partners_of(r, &query);
        if (ans) {
            size_t i;
            json_t *p;
            json_array_foreach(json_object_get(ans, "partners"), i, p) {
                if (num(p, "id") == r->who.org_id)
                    continue;
                if (json_array_size(principals) == PRINCIPALS_MAX) {
                    more = true;
                    break;
                }
                json_t *b = org_block(r, num(p, "id"), false, now);
                if (!b) { /* answered with an error page */
                    json_decref(ans);
                    json_decref(own);
                    json_decref(principals);
                    return;
                }
                json_array_append_new(principals, b);
            }
        }
        json_decref(ans);
    }
    json_t *vm = json_pack("{s:s, s:b, s:o, s:o, s:b, s:b}", "title", "Dashboard", "staff", false,
                           "org", own, "principals", principals, "more_principals", more,
                           "is_posthouse", r->who.role == ROLE_POSTHOUSE);
    page_render(r, 200, "dashboard", vm);
}

void page_dashboard(struct req *r)
{
    if (role_is_org(r->who.role))
        org_dashboard(r);
    else
        staff_dashboard(r);
}
