/*
 * The catalogue pages (issue 15, item 4; SPEC 3 "Titles" and 7): /titles,
 * the titles an organisation or the service's staff may see, searched by
 * name or id and filtered by partner (staff), state, territory and
 * lateness, a page of TITLES_PAGE at a time, sorted by the next deadline;
 * and /titles/{id}, one title: its header, its state per territory with
 * the reasons it is not ready in words, the service's 14-day publish clock
 * beside the partner's own window dates, the go-live timeline per
 * territory (web/svg_title.c, the same facts in words beside it), its
 * windows, assets and delivery history. A pom or an admin marks a
 * territory published there (a form posting back with do=published).
 *
 * The data is app/titles.h's (titles_list, titles_view, titles_published:
 * the API's operations, so a partner sees its own titles only, a posthouse
 * those of the partners it acts for, and another organisation's title
 * answers 404 as a missing one). Times for people come in words in the
 * partner's zone (op_due_words, op_at_words), the instant in <time>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/op.h"
#include "app/titles.h"
#include "base/timefmt.h"
#include "core/policy.h"
#include "core/role.h"
#include "web/pages.h"
#include "web/svg_title.h"
#include "web/web.h"

#define TITLES_PAGE           50
#define TITLES_PARTNER_CHOICES 1000

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static const char *opt(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static int64_t instant(const json_t *o, const char *key)
{
    int64_t t = 0;
    const char *s = opt(o, key);
    return s && time_parse_rfc3339(s, &t) == 0 ? t : 0;
}

static bool may(struct req *r, enum action a)
{
    return r->signed_in && policy_role_may(&r->who, a) == POLICY_ALLOW;
}

static const char *title_state_label(const char *state)
{
    return !strcmp(state, "waiting_for_assets") ? "waiting for assets"
           : !strcmp(state, "ready")            ? "ready to publish"
           : !strcmp(state, "published")        ? "published"
                                                : state;
}

static const char *title_state_badge(const char *state, bool late)
{
    if (late)
        return "bad";
    return !strcmp(state, "published") ? "ok" : !strcmp(state, "ready") ? "planned" : "warn";
}

/* Appends row (stolen) to rows, with the delivery that src came in, when it names one. */
static void append_row(json_t *rows, json_t *row, const json_t *src)
{
    json_int_t d = json_integer_value(json_object_get(src, "delivery"));
    if (d)
        json_object_set_new(row, "delivery", json_integer(d));
    json_array_append_new(rows, row);
}

/* /titles with the current filters, at page (0: the first). */
static const char *list_url(struct req *r, int64_t page)
{
    struct buf q = {0};
    h_url_param(&q, "q", req_query(r, "q"));
    h_url_param(&q, "partner", req_query(r, "partner"));
    h_url_param(&q, "state", req_query(r, "state"));
    h_url_param(&q, "territory", req_query(r, "territory"));
    h_url_param(&q, "late", req_query(r, "late"));
    char n[24];
    snprintf(n, sizeof n, "%lld", (long long)page);
    if (page > 1)
        h_url_param(&q, "page", n);
    const char *url = arena_printf(&r->arena, "/titles%s", q.len ? buf_str(&q) : "");
    buf_free(&q);
    return url;
}

/* The partner's time zone (for the words of its deadlines), cached in zones by id. */
static const char *zone_of(struct req *r, json_t *zones, json_int_t pid)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)pid);
    const char *z = json_string_value(json_object_get(zones, key));
    if (z)
        return z;
    struct partner p;
    struct op o;
    req_op_init(r, &o);
    z = op_allow_partner(&o, ACT_TITLES_READ, pid, &p) == 0 && p.time_zone ? p.time_zone : "UTC";
    json_object_set_new(zones, key, json_string(z));
    op_free(&o);
    return json_string_value(json_object_get(zones, key));
}

/* "md:alid:..., ContentID ..." as the rows show them: [{label, value}]. */
static json_t *ids_vm(const json_t *t)
{
    json_t *ids = json_array();
    static const char *const keys[] = {"alid", "content_id", "eidr"};
    static const char *const labels[] = {"ALID", "ContentID", "EIDR"};
    for (int i = 0; i < 3; i++)
        if (opt(t, keys[i]))
            json_array_append_new(ids, json_pack("{s:s, s:s}", "label", labels[i], "value",
                                                 opt(t, keys[i])));
    return ids;
}

/* A territory's badge in the list: {territory, state_label, badge, late, due_words, due_iso}. */
static json_t *territory_badge(struct req *r, struct op *o, const json_t *s, const char *zone)
{
    const char *state = str(s, "state");
    bool late = json_is_true(json_object_get(s, "late"));
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:b}", "territory", str(s, "territory"), "state",
                          state, "state_label", title_state_label(state), "badge",
                          title_state_badge(state, late), "late", late);
    int64_t by = instant(s, "publish_by"), at = instant(s, "published_at");
    if (!strcmp(state, "ready") && by) {
        json_object_set_new(j, "due_words",
                            json_string(arena_printf(&r->arena, "publish %s",
                                                     op_due_words(o, by, zone))));
        json_object_set_new(j, "due_iso", json_string(str(s, "publish_by")));
    } else if (!strcmp(state, "published") && at) {
        json_object_set_new(j, "due_words",
                            json_string(arena_printf(&r->arena, "since %s",
                                                     op_at_words(o, at, zone))));
        json_object_set_new(j, "due_iso", json_string(str(s, "published_at")));
    }
    return j;
}

void page_titles(struct req *r)
{
    bool staff = !role_is_org(r->who.role);
    const char *q = req_query(r, "q"), *state = req_query(r, "state"),
               *territory = req_query(r, "territory"), *late = req_query(r, "late"),
               *pid_s = req_query(r, "partner"), *page_s = req_query(r, "page");
    int64_t pid = pid_s && *pid_s ? strtoll(pid_s, NULL, 10) : 0;
    int64_t page = page_s && *page_s ? strtoll(page_s, NULL, 10) : 1;
    if (page < 1 || page > 1000000)
        page = 1;
    bool more_partners = false;
    json_t *choices = staff ? web_partner_choices(r, pid > 0 ? pid : 0, TITLES_PARTNER_CHOICES,
                                                  &more_partners)
                            : json_array();
    json_t *states = json_array();
    static const char *const all_states[] = {"waiting_for_assets", "ready", "published"};
    for (size_t k = 0; k < 3; k++)
        json_array_append_new(states, json_pack("{s:s, s:s, s:b}", "value", all_states[k], "label",
                                                title_state_label(all_states[k]), "selected",
                                                state && !strcmp(state, all_states[k])));
    bool is_late = late && !strcmp(late, "1");
    bool filtered = (q && *q) || (state && *state) || (territory && *territory) || is_late || pid;
    json_t *vm = json_pack("{s:s, s:b, s:s, s:s, s:b, s:o, s:o, s:b, s:b}", "title", "Titles",
                           "staff", staff, "q", q ? q : "", "territory", territory ? territory : "",
                           "late", is_late, "states", states, "partners", choices,
                           "more_partners", more_partners, "filtered", filtered);
    /* a posthouse sees the titles of every partner it acts for: the partner column */
    /* an organisation's user may name a partner too (a posthouse: one it acts for; the app
       answers 404 for another), from a link: the form keeps it, offering no other */
    if (!staff && pid > 0)
        json_object_set_new(vm, "partner_kept", json_integer(pid));
    json_object_set_new(vm, "show_partner", json_boolean(staff || r->who.role == ROLE_POSTHOUSE));

    struct titles_query tq = {pid, state, territory, q, is_late, page, TITLES_PAGE};
    json_t *ans = NULL;
    struct op o;
    req_op_init(r, &o);
    int rc = titles_list(&o, &tq, &ans);
    if (rc < 0) {
        if (rc == OP_REFUSED && o.err.kind == OP_INVALID) { /* a filter the page cannot use */
            json_object_set_new(vm, "error", json_string(buf_str(&o.err.message)));
            op_free(&o);
            page_render(r, 422, "titles", vm);
            return;
        }
        json_decref(vm);
        page_op_done(r, &o, rc);
        return;
    }
    json_t *zones = json_object();
    json_t *rows = json_array();
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(ans, "titles"), i, t) {
        json_int_t tp = json_integer_value(json_object_get(t, "partner"));
        const char *zone = zone_of(r, zones, tp);
        json_t *row = json_pack(
            "{s:O, s:s, s:o, s:I, s:s, s:b}", "id", json_object_get(t, "id"), "name",
            str(t, "name"), "ids", ids_vm(t), "partner", tp, "partner_name",
            str(t, "partner_name"), "late", json_is_true(json_object_get(t, "late")));
        const char *series = opt(t, "series");
        json_int_t season = json_integer_value(json_object_get(t, "season")),
                   episode = json_integer_value(json_object_get(t, "episode"));
        if (series || season || episode)
            json_object_set_new(
                row, "series",
                json_string(arena_printf(&r->arena, "%s%s%s", series ? series : "",
                                         season ? arena_printf(&r->arena, " · season %lld",
                                                               (long long)season)
                                                : "",
                                         episode ? arena_printf(&r->arena, " · episode %lld",
                                                                (long long)episode)
                                                 : "")));
        json_t *badges = json_array();
        size_t k;
        json_t *s;
        json_array_foreach(json_object_get(t, "territories"), k, s)
            json_array_append_new(badges, territory_badge(r, &o, s, zone));
        json_object_set_new(row, "territories", badges);
        json_object_set_new(row, "no_windows", json_boolean(json_array_size(badges) == 0));
        json_array_append_new(rows, row);
    }
    json_decref(zones);
    op_free(&o);
    json_int_t total = json_integer_value(json_object_get(ans, "total"));
    size_t n = json_array_size(rows);
    json_object_set_new(vm, "n_shown", json_integer((json_int_t)n));
    json_object_set_new(vm, "titles", rows);
    json_object_set_new(vm, "total", json_integer(total));
    if (n)
        json_object_set_new(
            vm, "range",
            json_string(arena_printf(&r->arena, "%lld–%lld of %lld",
                                     (long long)((page - 1) * TITLES_PAGE + 1),
                                     (long long)((page - 1) * TITLES_PAGE + (int64_t)n),
                                     (long long)total)));
    if (page > 1)
        json_object_set_new(vm, "prev_url", json_string(list_url(r, page - 1)));
    if (page * TITLES_PAGE < total)
        json_object_set_new(vm, "next_url", json_string(list_url(r, page + 1)));
    json_decref(ans);
    page_render(r, 200, "titles", vm);
}

/* ---- one title ---- */

static const char *asset_kind_label(const char *kind)
{
    static const struct {
        const char *kind, *label;
    } labels[] = {{"video", "Video"},       {"audio", "Audio"},       {"captions", "Captions"},
                  {"subtitles", "Subtitles"}, {"artwork", "Artwork"}, {"metadata", "Metadata"}};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (!strcmp(labels[i].kind, kind))
            return labels[i].label;
    return kind;
}

/* The windows of territory in words: "from Tue 1 Dec (open end)", "Tue 1 Dec – Thu 31 Dec 2027". */
static const char *window_words(struct req *r, const json_t *windows, const char *territory)
{
    struct buf b = {0};
    size_t i;
    json_t *w;
    json_array_foreach(windows, i, w) {
        if (strcmp(str(w, "territory"), territory) || !strcmp(str(w, "state"), "ended"))
            continue;
        if (b.len)
            buf_puts(&b, "; ");
        const char *start = opt(w, "start"), *end = opt(w, "end");
        buf_printf(&b, "%s %s", str(w, "license_type"), str(w, "format_profile"));
        if (start && end)
            buf_printf(&b, " from %s to %s", web_date(r, start), web_date(r, end));
        else if (start)
            buf_printf(&b, " from %s, open end", web_date(r, start));
        else
            buf_puts(&b, ", start to be confirmed");
    }
    const char *out = arena_strdup(&r->arena, b.len ? buf_str(&b) : "no open window");
    buf_free(&b);
    return out;
}

/* {territory, state..., reasons, window_words, ready_words, publish_words, published_words, can_publish}. */
static json_t *territory_vm(struct req *r, struct op *o, const json_t *s, const json_t *windows,
                            const char *zone, bool can_publish)
{
    const char *state = str(s, "state"), *terr = str(s, "territory");
    bool late = json_is_true(json_object_get(s, "late"));
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "territory", terr, "state", state,
                          "state_label", title_state_label(state), "badge",
                          title_state_badge(state, late), "late", late, "window_words",
                          window_words(r, windows, terr));
    if (opt(s, "reasons") && strcmp(state, "published"))
        json_object_set_new(j, "reasons", json_string(opt(s, "reasons")));
    int64_t ready = instant(s, "ready_at"), by = instant(s, "publish_by"),
            at = instant(s, "published_at");
    if (ready)
        json_object_set_new(j, "ready_words", json_string(op_at_words(o, ready, zone)));
    if (by) {
        json_object_set_new(j, "publish_words", json_string(op_due_words(o, by, zone)));
        json_object_set_new(j, "publish_iso", json_string(str(s, "publish_by")));
    }
    if (at)
        json_object_set_new(j, "published_words", json_string(op_at_words(o, at, zone)));
    json_object_set_new(j, "can_publish", json_boolean(can_publish && !strcmp(state, "ready")));
    return j;
}

/* The go-live timeline in words, a territory at a time: [{territory, steps: [{what, when, done}]}]. */
static json_t *timeline_words(struct req *r, struct op *o, const json_t *timeline, const char *zone)
{
    json_t *list = json_array();
    size_t i;
    json_t *t;
    json_array_foreach(timeline, i, t) {
        json_t *steps = json_array();
        const char *ws = opt(t, "window_start");
        int64_t now = o->now, ws_t = 0;
        struct civil_date d;
        if (ws && date_parse(ws, &d) == 0)
            ws_t = days_from_civil(d.year, d.month, d.day) * 86400;
        json_array_append_new(
            steps, json_pack("{s:s, s:s, s:b}", "what", ws_t > now ? "Window opens" : "Window opened",
                             "when", ws ? web_date(r, ws) : "not known yet", "done",
                             ws_t && ws_t <= now));
        static const char *const keys[] = {"assets_complete", "ready", "published"};
        static const char *const done_words[] = {"Assets complete", "Ready to publish",
                                                 "Published"};
        static const char *const todo_words[] = {"Assets not complete yet", "Not ready yet",
                                                 "Not published yet"};
        for (int k = 0; k < 2; k++) {
            int64_t v = instant(t, keys[k]);
            json_array_append_new(steps, json_pack("{s:s, s:s, s:b}", "what",
                                                   v ? done_words[k] : todo_words[k], "when",
                                                   v ? op_at_words(o, v, zone) : "", "done", v != 0));
        }
        int64_t by = instant(t, "publish_by"), pub = instant(t, "published");
        if (by)
            json_array_append_new(
                steps, json_pack("{s:s, s:s, s:b}", "what", "Publish by (our 14-day promise)",
                                 "when", op_due_words(o, by, zone), "done", pub != 0));
        json_array_append_new(steps, json_pack("{s:s, s:s, s:b}", "what",
                                               pub ? done_words[2] : todo_words[2], "when",
                                               pub ? op_at_words(o, pub, zone) : "", "done",
                                               pub != 0));
        json_array_append_new(list,
                              json_pack("{s:s, s:o}", "territory", str(t, "territory"), "steps",
                                        steps));
    }
    return list;
}

void page_title(struct req *r)
{
    int64_t id = req_param_id(r, 0);
    json_t *t = NULL;
    struct op o;
    req_op_init(r, &o);
    if (!page_op_done(r, &o, titles_view(&o, id, &t)))
        return;
    req_op_init(r, &o);
    const char *zone = opt(t, "time_zone") ? opt(t, "time_zone") : "UTC";
    bool staff = !role_is_org(r->who.role), can_publish = may(r, ACT_TITLE_PUBLISH);
    json_t *vm = json_pack("{s:s, s:I, s:s, s:s, s:o, s:I, s:s, s:s, s:b, s:b}", "title",
                           str(t, "name"), "id", (json_int_t)id, "name", str(t, "name"),
                           "work_type", str(t, "work_type"), "ids", ids_vm(t), "partner",
                           json_integer_value(json_object_get(t, "partner")), "partner_name",
                           str(t, "partner_name"), "zone", zone, "staff", staff, "can_publish",
                           can_publish);
    const char *series = opt(t, "series");
    json_int_t season = json_integer_value(json_object_get(t, "season")),
               episode = json_integer_value(json_object_get(t, "episode"));
    if (series)
        json_object_set_new(vm, "series", json_string(series));
    if (season)
        json_object_set_new(vm, "season", json_integer(season));
    if (episode)
        json_object_set_new(vm, "episode", json_integer(episode));
    if (opt(t, "original_language"))
        json_object_set_new(vm, "original_language", json_string(opt(t, "original_language")));
    const char *summary = str(t, "state");
    json_object_set_new(vm, "state_label", json_string(title_state_label(summary)));
    json_object_set_new(
        vm, "state_badge",
        json_string(title_state_badge(summary, json_is_true(json_object_get(t, "late")))));
    json_object_set_new(vm, "late", json_boolean(json_is_true(json_object_get(t, "late"))));

    json_t *windows = json_object_get(t, "windows");
    json_t *terr = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(t, "territories"), i, s)
        json_array_append_new(terr, territory_vm(r, &o, s, windows, zone, can_publish));
    json_object_set_new(vm, "territories", terr);

    /* the go-live timeline: the chart and its words */
    struct buf svg = {0};
    svg_title_timeline(&svg, json_object_get(t, "timeline"), zone, o.now,
                       arena_printf(&r->arena, "Go-live timeline of %s", str(t, "name")));
    vm_set_html(vm, "timeline_html", safe_html_of(&svg));
    buf_free(&svg);
    json_object_set_new(vm, "timeline_words",
                        timeline_words(r, &o, json_object_get(t, "timeline"), zone));
    json_object_set_new(vm, "any_timeline",
                        json_boolean(json_array_size(json_object_get(t, "timeline")) > 0));

    json_t *wrows = json_array();
    json_t *w;
    json_array_foreach(windows, i, w) {
        json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "territory",
                                str(w, "territory"), "license_type", str(w, "license_type"),
                                "format_profile", str(w, "format_profile"), "start",
                                opt(w, "start") ? web_date(r, opt(w, "start")) : "to be confirmed",
                                "end", opt(w, "end") ? web_date(r, opt(w, "end")) : "open",
                                "state", str(w, "state"), "ended",
                                !strcmp(str(w, "state"), "ended"));
        append_row(wrows, row, w);
    }
    json_object_set_new(vm, "any_windows", json_boolean(json_array_size(wrows) > 0));
    json_object_set_new(vm, "windows", wrows);

    json_t *arows = json_array();
    json_t *a;
    json_array_foreach(json_object_get(t, "assets"), i, a) {
        json_t *row = json_pack("{s:s, s:s, s:s}", "kind", asset_kind_label(str(a, "kind")),
                                "language", opt(a, "language") ? opt(a, "language") : "—",
                                "status", str(a, "status"));
        append_row(arows, row, a);
    }
    json_object_set_new(vm, "any_assets", json_boolean(json_array_size(arows) > 0));
    json_object_set_new(vm, "assets", arows);

    json_t *drows = json_array();
    json_t *d;
    json_array_foreach(json_object_get(t, "deliveries"), i, d) {
        json_array_append_new(
            drows, json_pack("{s:O, s:s, s:s, s:s, s:s}", "id", json_object_get(d, "id"),
                             "kind_label", web_kind_label(str(d, "kind")), "status",
                             str(d, "status"), "received",
                             instant(d, "received_at")
                                 ? op_at_words(&o, instant(d, "received_at"), zone)
                                 : "",
                             "received_iso", str(d, "received_at")));
    }
    json_object_set_new(vm, "any_deliveries", json_boolean(json_array_size(drows) > 0));
    json_object_set_new(vm, "deliveries", drows);
    json_object_set_new(vm, "csrf", json_string(r->csrf ? r->csrf : ""));
    json_object_set_new(
        vm, "api_href", json_string(arena_printf(&r->arena, "/api/v1/titles/%lld", (long long)id)));
    op_free(&o);
    json_decref(t);
    page_render(r, 200, "title", vm);
}

void page_title_post(struct req *r)
{
    int64_t id = req_param_id(r, 0);
    const char *act = page_field(r, "do"), *territory = page_field(r, "territory");
    const char *back = arena_printf(&r->arena, "/titles/%lld", (long long)id);
    if (!act || strcmp(act, "published")) {
        page_redirect(r, back, "error", "That form is not known here.");
        return;
    }
    struct op o;
    json_t *out = NULL;
    req_op_init(r, &o);
    int rc = titles_published(&o, id, territory, NULL, &out);
    json_decref(out);
    if (rc == OP_REFUSED && o.err.kind == OP_NOT_FOUND) { /* another organisation's: as missing */
        page_op_done(r, &o, rc);
        return;
    }
    page_op_redirect(r, &o, rc, back,
                     arena_printf(&r->arena, "Marked published in %s; its publish clock is closed.",
                                  territory ? territory : ""));
}
