/*
 * /partners/{id}: the partner page (SPEC section 7). One page shows the whole
 * of one partner: the header (stage, zone, owners), the timeline drawn as
 * inline SVG with the same facts in words beside it, what happens next, the
 * provisioning checklist, the training plan, requests with live countdowns,
 * clocks, deliveries, warnings, messages and the audit log.
 *
 * Every fact comes from the operations of the application floor that the
 * API answers with (the views of src/app/: partners.h, questionnaire.h,
 * requests.h, warnings.h, clocks.h, deliveries.h, messages.h, planner.h
 * ...), each checking what the actor may see, so a partner's user sees
 * exactly what the API shows it and another organisation's partner answers
 * the 404 page. Forms post back here with a field "do"; each runs the
 * matching operation (app/setup.h, training.h, requests.h, clocks.h,
 * calendars.h ...) and comes back with the outcome. A form is shown
 * only to roles the route's policy admits (policy_role_may on the route's
 * action) and only in the stages where the lifecycle allows the step
 * (lifecycle_may), so the page never offers what the API would refuse;
 * when a step is not possible yet, the page says why in the lifecycle's
 * own words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/calendars.h"
#include "app/clocks.h"
#include "app/deliveries.h"
#include "app/messages.h"
#include "app/milestones.h"
#include "app/op.h"
#include "app/planner.h"
#include "app/questionnaire.h"
#include "app/requests.h"
#include "app/setup.h"
#include "app/training.h"
#include "app/users.h"
#include "app/warnings.h"
#include "base/now.h"
#include "base/timefmt.h"
#include "core/deadline.h"
#include "core/formats.h"
#include "core/lifecycle.h"
#include "core/policy.h"
#include "core/questionnaire.h"
#include "core/training.h"
#include "core/zone.h"
#include "app/partners.h"
#include "web/decision_panel.h"
#include "web/launch_panel.h"
#include "web/partner_scorecard.h"
#include "web/svg_timeline.h"
#include "web/timelines.h"
#include "web/title_links.h"
#include "web/pages.h"
#include "web/partner_transfer.h"
#include "web/web.h"

#define LOG_LATEST     50 /* audit events shown before "show the whole log" */
#define CLOSED_CLOCKS  10 /* closed clocks listed under the open ones */
#define MESSAGES_SHOWN 20 /* outbox messages listed */

/* ---- small readers of the API's JSON ---- */

static const char *jstr(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static int64_t jint(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/* An RFC 3339 member as an instant; 0 when null or absent. */
static int64_t jtime(const json_t *o, const char *key)
{
    int64_t t;
    const char *s = jstr(o, key);
    return s && time_parse_rfc3339(s, &t) == 0 ? t : 0;
}

static bool may(struct req *r, enum action a)
{
    return r->signed_in && policy_role_may(&r->who, a) == POLICY_ALLOW;
}

/*
 * The list under key of a read of the application floor (rc its result,
 * ans its answer, stolen); [] when refused. Frees the op's error.
 */
static json_t *op_list(struct op *o, int rc, json_t *ans, const char *key)
{
    json_t *list = rc == 0 ? json_object_get(ans, key) : NULL;
    list = json_is_array(list) ? json_incref(list) : json_array();
    json_decref(ans);
    op_free(o);
    return list;
}

/* The clocks of partner id, open and closed (app/clocks.h); [] when refused. */
static json_t *partner_clocks(struct req *r, int64_t id)
{
    struct op o;
    json_t *view = NULL;
    req_op_init(r, &o);
    if (clocks_of_partner(&o, id, &view) < 0)
        view = NULL;
    return op_list(&o, 0, view, "clocks");
}

/* The partner of the page's {id} (app/partners.c's full view), or NULL after answering. */
static json_t *partner_of(struct req *r)
{
    return web_partner_view(r, req_param_id(r, 0));
}

/* A page of the partner's audit log ({events, total, next}), or NULL when refused. */
static json_t *events_of(struct req *r, int64_t id, const struct partners_events_query *q)
{
    struct op o;
    json_t *log = NULL;
    req_op_init(r, &o);
    int rc = partners_events(&o, id, q, &log);
    op_free(&o);
    return rc == 0 ? log : NULL;
}

/* {iso, text} of an instant for the templates (text in the partner's zone); null for 0. */
static json_t *when(struct req *r, int64_t t, const char *zone)
{
    if (!t)
        return json_null();
    char iso[21];
    time_format_rfc3339(t, iso);
    return json_pack("{s:s, s:s}", "iso", iso, "text", web_time(r, t, zone));
}

/* {iso, text} of a deadline: "by the end of Wed 2 Dec" in the partner's zone; null for 0. */
static json_t *due_when(struct req *r, int64_t t, const char *zone)
{
    if (!t)
        return json_null();
    char iso[21];
    time_format_rfc3339(t, iso);
    return json_pack("{s:s, s:s}", "iso", iso, "text",
                     arena_printf(&r->arena, "by %s", web_deadline(r, t, zone)));
}

static const char *id_text(struct req *r, int64_t id)
{
    return arena_printf(&r->arena, "%lld", (long long)id);
}

/* ---- the lifecycle facts, as the API's answer shows them ---- */

static void facts_of(const json_t *p, struct lifecycle_facts *f)
{
    memset(f, 0, sizeof *f);
    f->stage = stage_parse(jstr(p, "stage"));
    json_t *training = json_object_get(p, "training");
    f->training_skipped = json_is_true(json_object_get(training, "skipped"));
    f->decision_pending = json_is_true(json_object_get(p, "decision_pending"));
    f->n_modules = json_array_size(json_object_get(training, "modules"));
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(json_object_get(p, "setup"), "items"), i, it) {
        enum setup_item item = setup_item_parse(jstr(it, "item"));
        if (item < ITEM_N)
            f->item_done[item] = !strcmp(jstr(it, "status") ? jstr(it, "status") : "", "done");
    }
}

static bool step_ok(const struct lifecycle_facts *f, enum step s)
{
    char why[256];
    return lifecycle_may(s, f, why, sizeof why);
}

/* ---- labels ---- */

static const char *module_label(const char *m)
{
    if (!m)
        return "";
    if (!strcmp(m, "technical_asset_review"))
        return "Technical asset review";
    if (!strcmp(m, "avails_review"))
        return "Avails review";
    if (!strcmp(m, "phased_review"))
        return "Phased review (avails first, then asset packages)";
    return m;
}

static const char *module_help(enum training_module m)
{
    switch (m) {
    case TRAINING_TECHNICAL_ASSET_REVIEW:
        return "Media, captions and artwork checked against the delivery specification.";
    case TRAINING_AVAILS_REVIEW:
        return "The partner's EMA Avails checked.";
    case TRAINING_PHASED_REVIEW:
        return "Avails first, then asset packages: for a partner new to both.";
    default:
        return "";
    }
}

/* What a clock is about, for people: "Delivery within 48 hours: Spring avails" (brief: the
 * chart's). */
static const char *clock_label(struct req *r, const json_t *c, const json_t *titles, bool brief)
{
    const char *kind = jstr(c, "kind"), *subject = jstr(c, "subject");
    if (deadline_parse(kind) == DEADLINE_MILESTONE)
        return arena_printf(&r->arena, "Milestone: %s", jstr(c, "label") ? jstr(c, "label") : "");
    if (subject && !strncmp(subject, "request:", 8)) {
        const char *title = jstr(titles, subject + 8);
        return arena_printf(&r->arena, "%s: %s", web_clock_label(kind, brief),
                            title ? title : arena_printf(&r->arena, "request %s", subject + 8));
    }
    if (subject && !strncmp(subject, "partner:", 8))
        return web_clock_label(kind, brief);
    if (jstr(c, "label")) /* a clock about something else names it ("alternate-solution request 3") */
        return arena_printf(&r->arena, "%s: %s", web_clock_label(kind, brief), jstr(c, "label"));
    return arena_printf(&r->arena, "%s: %s", web_clock_label(kind, brief), subject ? subject : "");
}

/* ---- the timeline ---- */

enum {
    TS_INVITED,
    TS_QUESTIONNAIRE,
    TS_SETUP,
    TS_TRAINING,
    TS_STOPPED,
    TS_ESCALATED,
    TS_STEADY,
    TS_PUBLISH,
    TS_N
};

static const char *const ts_keys[TS_N] = {"invited", "questionnaire", "setup",        "training",
                                          "stopped", "escalated",     "steady_state", "publishing"};

static int ts_of(const char *stage)
{
    for (int i = 0; stage && i < TS_PUBLISH; i++)
        if (!strcmp(ts_keys[i], stage))
            return i;
    return -1;
}

struct transition {
    int stage;
    int64_t at;
    size_t seq; /* the order they were recorded in: ties keep it (qsort is not stable) */
};

static int by_time(const void *a, const void *b)
{
    const struct transition *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq ? 1 : 0;
}

/* The first clock of kind on the partner itself (not cancelled), or NULL. */
static const json_t *partner_clock(const json_t *clocks, const char *kind)
{
    size_t i;
    const json_t *c;
    json_array_foreach(clocks, i, c) {
        const char *k = jstr(c, "kind"), *st = jstr(c, "state");
        if (k && !strcmp(k, kind) && st && strcmp(st, "cancelled"))
            return c;
    }
    return NULL;
}

/* The plan's step named name with its dates: [day_start(from), day_start(to + 1)). */
static bool plan_step(const json_t *plan, const char *name, const struct zone *z, int64_t *from,
                      int64_t *to)
{
    size_t i;
    const json_t *s;
    json_array_foreach(json_object_get(plan, "steps"), i, s) {
        const char *n = jstr(s, "name");
        struct civil_date a, b;
        if (!n || strcmp(n, name) || !jstr(s, "from") || !jstr(s, "to") ||
            date_parse(jstr(s, "from"), &a) < 0 || date_parse(jstr(s, "to"), &b) < 0)
            continue;
        int64_t da = days_from_civil(a.year, a.month, a.day),
                db = days_from_civil(b.year, b.month, b.day);
        *from = z ? zone_day_start(z, da) : da * 86400;
        *to = z ? zone_day_start(z, db + 1) : (db + 1) * 86400;
        return *to > *from;
    }
    return false;
}

struct tl_data {
    struct tl_stage stages[TS_N];
    size_t n_stages;
    struct tl_clock clocks[TL_MAX_CLOCKS];
    size_t n_clocks;
    struct tl_warning *warnings;
    size_t n_warnings;
};

/*
 * The stages with their actual dates (from the audit log's stage changes for
 * staff, else from the clocks and the questionnaire the partner may read)
 * and their planned stretches (the setup and training clocks, else the
 * planner's steps).
 */
static void timeline_stages(struct req *r, const json_t *p, const json_t *events,
                            const json_t *clocks, const json_t *questionnaire, const json_t *plan,
                            const struct zone *z, struct tl_data *d)
{
    struct transition tr[64];
    size_t n = 0;
    int current = ts_of(jstr(p, "stage"));
    int64_t since = jtime(p, "stage_since"), created = jtime(p, "created_at");
    tr[n++] = (struct transition){TS_INVITED, created, 0};
    if (events) {
        size_t i;
        const json_t *e;
        json_array_foreach(events, i, e) {
            const char *a = jstr(e, "action");
            int s = ts_of(jstr(json_object_get(e, "after"), "stage"));
            if (a && !strcmp(a, "partner.stage") && s >= 0 && n < 63)
                tr[n++] = (struct transition){s, jtime(e, "at"), 0};
        }
    } else {
        int64_t sent = jtime(questionnaire, "sent_at");
        const json_t *setup = partner_clock(clocks, deadline_name(DEADLINE_SETUP_10D)),
                     *training = partner_clock(clocks, deadline_name(DEADLINE_TRAINING_30D));
        if (sent)
            tr[n++] = (struct transition){TS_QUESTIONNAIRE, sent, 0};
        if (setup)
            tr[n++] = (struct transition){TS_SETUP, jtime(setup, "started_at"), 0};
        if (training)
            tr[n++] = (struct transition){TS_TRAINING, jtime(training, "started_at"), 0};
    }
    if (current >= 0 && since && (tr[n - 1].stage != current || tr[n - 1].at > since))
        tr[n++] = (struct transition){current, since, 0};
    for (size_t i = 0; i < n; i++)
        tr[i].seq = i;
    qsort(tr, n, sizeof tr[0], by_time);

    int64_t from[TS_N] = {0}, to[TS_N] = {0};
    bool open[TS_N] = {false};
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && tr[i + 1].stage == tr[i].stage) {
            tr[i + 1].at = tr[i].at; /* the same stage twice in a row: one stretch */
            continue;
        }
        int s = tr[i].stage;
        if (!from[s] || tr[i].at < from[s])
            from[s] = tr[i].at;
        if (i + 1 < n) {
            if (tr[i + 1].at > to[s])
                to[s] = tr[i + 1].at;
        } else {
            open[s] = true;
        }
    }
    if (current >= 0) {
        open[current] = true;
        to[current] = 0;
    }

    int64_t plan_from[TS_N] = {0}, plan_to[TS_N] = {0};
    const json_t *sc = partner_clock(clocks, deadline_name(DEADLINE_SETUP_10D)),
                 *tc = partner_clock(clocks, deadline_name(DEADLINE_TRAINING_30D));
    if (sc && jtime(sc, "due_at")) {
        plan_from[TS_SETUP] = jtime(sc, "started_at");
        plan_to[TS_SETUP] = jtime(sc, "due_at");
    } else {
        plan_step(plan, "setup", z, &plan_from[TS_SETUP], &plan_to[TS_SETUP]);
    }
    if (tc && jtime(tc, "due_at")) {
        plan_from[TS_TRAINING] = jtime(tc, "started_at");
        plan_to[TS_TRAINING] = jtime(tc, "due_at");
    } else {
        plan_step(plan, "training", z, &plan_from[TS_TRAINING], &plan_to[TS_TRAINING]);
    }
    plan_step(plan, "publishing", z, &plan_from[TS_PUBLISH], &plan_to[TS_PUBLISH]);
    bool skipped = json_is_true(json_object_get(json_object_get(p, "training"), "skipped"));

    for (int s = 0; s < TS_N; s++) {
        /* stopped and escalated only when they happened */
        if ((s == TS_STOPPED || s == TS_ESCALATED) && !from[s] && current != s)
            continue;
        /* first titles: a plan while onboarding; in steady state publishing is per title */
        if (s == TS_PUBLISH && (current == TS_STEADY || !plan_to[s]))
            continue;
        struct tl_stage *st = &d->stages[d->n_stages++];
        st->key = ts_keys[s];
        st->label = s == TS_PUBLISH ? "First titles published" : web_stage_label(ts_keys[s]);
        st->from = from[s];
        st->to = open[s] ? 0 : to[s];
        st->current = s == current;
        st->plan_from = plan_from[s];
        st->plan_to = plan_to[s];
        st->skipped = s == TS_TRAINING && skipped && !from[s];
    }
    (void)r;
}

static int by_started(const void *a, const void *b)
{
    const struct tl_clock *x = a, *y = b;
    return x->started < y->started ? -1 : x->started > y->started ? 1 : 0;
}

/* The clocks drawn: every open one, then the newest closed ones, up to TL_MAX_CLOCKS; by start. */
static void timeline_clocks(struct req *r, const json_t *clocks, const json_t *titles,
                            struct tl_data *d)
{
    size_t n = json_array_size(clocks);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = n; k-- > 0 && d->n_clocks < TL_MAX_CLOCKS;) {
            const json_t *c = json_array_get(clocks, k);
            const char *st = jstr(c, "state");
            bool is_open = st && (!strcmp(st, "running") || !strcmp(st, "paused"));
            if (is_open != (pass == 0))
                continue;
            d->clocks[d->n_clocks++] =
                (struct tl_clock){clock_label(r, c, titles, true), st, jtime(c, "started_at"),
                                  jtime(c, "due_at"), jtime(c, "closed_at")};
        }
    }
    qsort(d->clocks, d->n_clocks, sizeof d->clocks[0], by_started);
}

/* The stages in words, beside the chart: [{label, status, planned?, began?, ended?}]. */
static json_t *stages_in_words(struct req *r, const struct tl_data *d, const char *zone)
{
    json_t *list = json_array();
    for (size_t i = 0; i < d->n_stages; i++) {
        const struct tl_stage *s = &d->stages[i];
        const char *status = s->current   ? "current stage"
                             : s->skipped ? "skipped"
                             : s->from    ? "done"
                                          : "not begun";
        json_t *o = json_pack("{s:s, s:s, s:s, s:b}", "label", s->label, "key", s->key, "status",
                              status, "current", s->current);
        if (s->from)
            json_object_set_new(o, "began", when(r, s->from, zone));
        if (s->to)
            json_object_set_new(o, "ended", when(r, s->to, zone));
        if (s->plan_from && s->plan_to > s->plan_from)
            json_object_set_new(o, "planned",
                                json_pack("{s:o, s:o}", "from", when(r, s->plan_from, zone), "to",
                                          when(r, s->plan_to, zone)));
        json_array_append_new(list, o);
    }
    return list;
}

/* ---- the view model ---- */

struct view {
    struct req *r;
    json_t *p;        /* the partner, as the API answers it */
    const char *id;   /* its id, as text */
    const char *zone; /* its time zone */
    int64_t now;
    struct lifecycle_facts facts;
    bool staff;
    json_t *vm;
};

/* Owners: [{role, label, name?, email?}]. */
static json_t *owners_vm(const json_t *p)
{
    static const struct {
        const char *key, *label;
    } roles[] = {{"cam", "Content acquisition (cam)"},
                 {"pim", "Integrations (pim)"},
                 {"pom", "Operations (pom)"},
                 {"plm", "Launch (plm)"}};
    json_t *list = json_array();
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        const json_t *o = json_object_get(json_object_get(p, "owners"), roles[i].key);
        json_t *row = json_pack("{s:s, s:s}", "role", roles[i].key, "label", roles[i].label);
        if (json_is_object(o))
            json_object_set_new(row, "owner",
                                json_pack("{s:s, s:s}", "name",
                                          jstr(o, "name") ? jstr(o, "name") : "", "email",
                                          jstr(o, "email") ? jstr(o, "email") : ""));
        json_array_append_new(list, row);
    }
    return list;
}

/* The staff of a role as <option>s: [{id, name, selected}]. */
static json_t *staff_options(const json_t *staff, const char *role, int64_t selected)
{
    json_t *list = json_array();
    size_t i;
    const json_t *u;
    json_array_foreach(staff, i, u) {
        if (!jstr(u, "role") || strcmp(jstr(u, "role"), role))
            continue;
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)jint(u, "id"));
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "id", id, "name",
                                              jstr(u, "name") ? jstr(u, "name") : "", "email",
                                              jstr(u, "email") ? jstr(u, "email") : "", "selected",
                                              jint(u, "id") == selected));
    }
    return list;
}

/* The format vocabulary as checkbox groups: [{family, formats: [{name, label, checked}]}]. */
static json_t *format_choices(const struct format_set *checked)
{
    static const char *const family_labels[FORMAT_N_FAMILIES] = {"Resolution", "Dynamic range",
                                                                 "Audio", "Captions"};
    size_t n;
    const struct format_def *all = formats_all(&n);
    json_t *groups = json_array();
    for (int f = 0; f < FORMAT_N_FAMILIES; f++) {
        json_t *list = json_array();
        for (size_t i = 0; i < n; i++)
            if ((int)all[i].family == f)
                json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "name", all[i].name,
                                                      "label", all[i].label, "checked",
                                                      format_set_has(checked, &all[i])));
        json_array_append_new(groups,
                              json_pack("{s:s, s:o}", "family", family_labels[f], "formats", list));
    }
    return groups;
}

static void header_vm(struct view *v, const json_t *calendars)
{
    struct req *r = v->r;
    const json_t *p = v->p;
    const char *stage = jstr(p, "stage");
    json_t *h = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:I, s:b}", "id", v->id, "name", jstr(p, "name"),
        "stage", stage ? stage : "", "stage_label", web_stage_label(stage), "time_zone", v->zone,
        "channels", json_is_true(json_object_get(p, "channels")), "posthouse",
        json_is_true(json_object_get(p, "posthouse")), "warnings", (json_int_t)jint(p, "warnings"),
        "decision_pending", json_is_true(json_object_get(p, "decision_pending")));
    json_object_set_new(h, "since", when(r, jtime(p, "stage_since"), v->zone));
    if (jint(p, "warnings") > 0) /* "1 warning", "3 warnings", not "warning(s)" */
        json_object_set_new(
            h, "warnings_text",
            json_string(arena_printf(&r->arena, "%lld warning%s", (long long)jint(p, "warnings"),
                                     jint(p, "warnings") == 1 ? "" : "s")));
    if (jstr(p, "alias"))
        json_object_set_new(h, "alias", json_string(jstr(p, "alias")));
    if (v->staff && jstr(p, "contact_email"))
        json_object_set_new(h, "contact_email", json_string(jstr(p, "contact_email")));
    int64_t cal = jint(p, "calendar");
    size_t i;
    const json_t *c;
    json_array_foreach(calendars, i, c) {
        if (jint(c, "id") == cal && jstr(c, "name"))
            json_object_set_new(h, "calendar", json_string(jstr(c, "name")));
    }
    json_t *formats = json_object_get(p, "approved_formats");
    if (json_array_size(formats)) {
        struct buf b = {0};
        const json_t *f;
        json_array_foreach(formats, i, f) {
            if (json_is_string(f))
                buf_printf(&b, "%s%s", b.len ? ", " : "", json_string_value(f));
        }
        json_object_set_new(h, "approved_formats", json_string(buf_str(&b)));
        buf_free(&b);
    }
    json_object_set_new(v->vm, "partner", h);
    json_object_set_new(v->vm, "owners", owners_vm(p));
}

/*
 * What is asked now, and who owes the move, in sentences: [{text, who, yours}].
 * SAY's first argument tells whether the partner owes it (else the service).
 */
static json_t *next_vm(struct view *v, const json_t *requests)
{
    json_t *list = json_array();
    bool org = !v->staff;
#define SAY(partner_moves, ...)                                                                    \
    json_array_append_new(                                                                         \
        list, json_pack("{s:s, s:s, s:b}", "text", arena_printf(&v->r->arena, __VA_ARGS__), "who", \
                        (partner_moves) ? (org ? "Your move" : "Partner's move") : "Our move",     \
                        "yours", (bool)(partner_moves) == org))
    switch (v->facts.stage) {
    case STAGE_INVITED:
        SAY(false, "The cam sends the questionnaire; the contact gets a link to set a password.");
        break;
    case STAGE_QUESTIONNAIRE:
        SAY(true, "The partner answers the questionnaire and submits it (answers are saved as "
                  "they go).");
        break;
    case STAGE_SETUP: {
        int pending = 0;
        for (int i = 0; i < ITEM_N; i++)
            pending += !v->facts.item_done[i];
        if (pending)
            SAY(false, "The pim provisions the account: %d of 3 items still pending.", pending);
        if (!v->facts.training_skipped && !v->facts.n_modules)
            SAY(false, "The pim chooses the training modules.");
        if (!pending && (v->facts.training_skipped || v->facts.n_modules))
            SAY(false, "The pim confirms setup: training starts (30 days).");
        break;
    }
    case STAGE_TRAINING:
    case STAGE_ESCALATED: {
        if (v->facts.decision_pending)
            SAY(false, "Third warning: the pim decides how training goes on.");
        size_t i, open = 0;
        const json_t *q;
        json_array_foreach(requests, i, q) {
            const char *st = jstr(q, "status");
            open += st && !strcmp(st, "open");
        }
        if (open)
            SAY(true,
                "%zu delivery request%s open: deliver within 48 hours and answer within 3 "
                "working days.",
                open, open == 1 ? " is" : "s are");
        else
            SAY(false, "No request is open: the pim issues the next delivery request, or "
                       "completes training with the approved formats.");
        if (v->facts.stage == STAGE_ESCALATED)
            SAY(false, "Escalated to the commercial team.");
        break;
    }
    case STAGE_STOPPED:
        SAY(false, "Training is stopped. The pim may resume it.");
        break;
    case STAGE_STEADY:
        SAY(true, "The partner delivers by itself: avails and asset packages, each result shown "
                  "here.");
        break;
    default:
        break;
    }
#undef SAY
    return list;
}

/* The provisioning checklist, with the pim's forms where provisioning is allowed. */
static void setup_vm(struct view *v)
{
    struct req *r = v->r;
    bool can = may(r, ACT_SETUP) && step_ok(&v->facts, STEP_SETUP_ITEM);
    json_t *items = json_array();
    size_t i;
    const json_t *it;
    json_array_foreach(json_object_get(json_object_get(v->p, "setup"), "items"), i, it) {
        const char *item = jstr(it, "item"), *status = jstr(it, "status");
        bool done = status && !strcmp(status, "done");
        json_t *row = json_pack("{s:s, s:s, s:s, s:b}", "item", item ? item : "", "label",
                                jstr(it, "label") ? jstr(it, "label") : "", "status",
                                status ? status : "pending", "done", done);
        const json_t *owner = json_object_get(it, "owner");
        if (json_is_object(owner) && jstr(owner, "name"))
            json_object_set_new(row, "owner", json_string(jstr(owner, "name")));
        if (jstr(it, "value"))
            json_object_set_new(row, "value", json_string(jstr(it, "value")));
        json_object_set_new(row, "updated", when(r, jtime(it, "updated_at"), v->zone));
        if (can) {
            enum setup_item k = setup_item_parse(item);
            json_t *form = json_pack("{s:b, s:b, s:b}", "alias", k == ITEM_ALIAS, "transfer",
                                     k == ITEM_TRANSFER, "portal", k == ITEM_PORTAL);
            if (k == ITEM_ALIAS) {
                /* a suggestion from the name: lowercase letters, digits and _ */
                const char *name = jstr(v->p, "name");
                struct buf s = {0};
                for (const char *c = name ? name : ""; *c && s.len < 32; c++) {
                    char ch = *c;
                    if (ch >= 'A' && ch <= 'Z')
                        ch = (char)(ch - 'A' + 'a');
                    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
                        buf_putc(&s, ch);
                    else if (s.len && s.data[s.len - 1] != '_')
                        buf_putc(&s, '_');
                }
                while (s.len && s.data[s.len - 1] == '_')
                    s.data[--s.len] = '\0';
                json_object_set_new(
                    form, "suggest",
                    json_string(jstr(it, "value") ? jstr(it, "value") : buf_str(&s)));
                buf_free(&s);
            }
            if (k == ITEM_PORTAL)
                json_object_set_new(form, "email",
                                    json_string(jstr(it, "value") ? jstr(it, "value")
                                                : jstr(v->p, "contact_email")
                                                    ? jstr(v->p, "contact_email")
                                                    : ""));
            json_object_set_new(row, "form", form);
        }
        json_array_append_new(items, row);
    }
    json_t *setup = json_pack("{s:o, s:b}", "items", items, "can", can);
    if (may(r, ACT_SETUP) && v->facts.stage == STAGE_SETUP) {
        char why[256];
        if (lifecycle_may(STEP_CONFIRM, &v->facts, why, sizeof why))
            json_object_set_new(setup, "confirm", json_true());
        else
            json_object_set_new(setup, "confirm_why", json_string(why));
    }
    json_object_set_new(v->vm, "setup", setup);
}

/* The training plan, and the pim's form while it may be changed. */
static void training_vm(struct view *v, const json_t *questionnaire)
{
    const json_t *training = json_object_get(v->p, "training");
    const json_t *modules = json_object_get(training, "modules");
    json_t *list = json_array();
    size_t i;
    const json_t *m;
    json_array_foreach(modules, i, m) {
        if (json_is_string(m))
            json_array_append_new(list,
                                  json_pack("{s:s}", "label", module_label(json_string_value(m))));
    }
    json_t *t = json_pack("{s:o, s:b}", "modules", list, "skipped",
                          json_is_true(json_object_get(training, "skipped")));
    if (may(v->r, ACT_SETUP) && step_ok(&v->facts, STEP_PLAN)) {
        const json_t *answers = json_object_get(questionnaire, "answers");
        bool chosen[TRAINING_N_MODULES] = {false};
        json_array_foreach(modules, i, m) {
            enum training_module k;
            if (json_is_string(m) && training_module_parse(json_string_value(m), &k) == 0)
                chosen[k] = true;
        }
        bool suggested = false;
        if (!json_array_size(modules) && json_is_object(answers)) {
            enum training_module d[TRAINING_N_MODULES];
            size_t n = questionnaire_training_defaults(answers, d);
            for (size_t k = 0; k < n; k++)
                chosen[d[k]] = true;
            suggested = true;
        }
        json_t *options = json_array();
        for (int k = 0; k < TRAINING_N_MODULES; k++) {
            const char *name = training_module_name((enum training_module)k);
            json_array_append_new(options, json_pack("{s:s, s:s, s:s, s:b}", "name", name, "label",
                                                     module_label(name), "help",
                                                     module_help((enum training_module)k),
                                                     "checked", chosen[k]));
        }
        struct training_facts tf = {0};
        if (json_is_object(answers))
            questionnaire_training_facts(answers, &tf);
        const char *rule = training_is_skipped(&tf)
                               ? "The partner is already onboarded: training is skipped (save "
                                 "an empty plan, then confirm setup)."
                           : tf.via_posthouse && tf.posthouse_onboarded
                               ? "The partner delivers through an onboarded posthouse: only "
                                 "the avails review applies."
                               : "Pick at least one module.";
        json_object_set_new(
            t, "form",
            json_pack("{s:o, s:s, s:b}", "options", options, "rule", rule, "suggested", suggested));
    }
    json_object_set_new(v->vm, "training", t);
}

/* Requests, newest first, with the countdowns of their open clocks. */
static json_t *requests_vm(struct view *v, const json_t *requests)
{
    json_t *list = json_array();
    for (size_t k = json_array_size(requests); k-- > 0;) {
        const json_t *q = json_array_get(requests, k);
        const char *status = jstr(q, "status");
        json_t *row = json_pack(
            "{s:I, s:s, s:s, s:s, s:I, s:b}", "id", (json_int_t)jint(q, "id"), "title",
            jstr(q, "title") ? jstr(q, "title") : "", "kind",
            jstr(q, "kind") ? jstr(q, "kind") : "", "status", status ? status : "", "rerequests",
            (json_int_t)jint(q, "rerequests"), "late", json_is_true(json_object_get(q, "late")));
        json_object_set_new(row, "issued", when(v->r, jtime(q, "last_issued_at"), v->zone));
        size_t i;
        const json_t *c;
        json_array_foreach(json_object_get(q, "clocks"), i, c) {
            const char *kind = jstr(c, "kind"), *st = jstr(c, "state");
            if (!kind || !st || (strcmp(st, "running") && strcmp(st, "paused")))
                continue;
            /* the two countdown columns of the requests table */
            enum deadline_id id = deadline_parse(kind);
            const char *key = id == DEADLINE_DELIVERY_48H   ? "deliver_by"
                              : id == DEADLINE_RESPONSE_3WD ? "respond_by"
                                                            : NULL;
            if (!key)
                continue;
            json_t *due = !strcmp(st, "paused") ? json_pack("{s:b}", "paused", true)
                                                : due_when(v->r, jtime(c, "due_at"), v->zone);
            json_object_set_new(row, key, due);
        }
        json_array_append_new(list, row);
    }
    return list;
}

/* Clocks: the open ones, then the newest closed ones; with the staff's changes. */
static void clocks_vm(struct view *v, const json_t *clocks, const json_t *titles)
{
    struct req *r = v->r;
    json_t *open = json_array(), *closed = json_array();
    size_t n_closed = 0;
    bool pause = may(r, ACT_CLOCK_PAUSE), extend = may(r, ACT_CLOCK_EXTEND);
    for (size_t k = json_array_size(clocks); k-- > 0;) {
        const json_t *c = json_array_get(clocks, k);
        const char *st = jstr(c, "state"), *kind = jstr(c, "kind");
        bool is_open = st && (!strcmp(st, "running") || !strcmp(st, "paused"));
        if (!is_open && n_closed++ >= CLOSED_CLOCKS)
            continue;
        const struct deadline_kind *dk = deadline_kind(kind);
        int64_t due = jtime(c, "due_at");
        json_t *row = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)jint(c, "id"), "label",
                                clock_label(r, c, titles, false), "state", st ? st : "");
        json_object_set_new(row, "started", when(r, jtime(c, "started_at"), v->zone));
        json_object_set_new(row, "due", due_when(r, due, v->zone));
        json_object_set_new(row, "closed", when(r, jtime(c, "closed_at"), v->zone));
        if (st && !strcmp(st, "running") && due)
            json_object_set_new(row, "countdown", json_true());
        if (jint(c, "extension_days"))
            json_object_set_new(row, "extension_days", json_integer(jint(c, "extension_days")));
        if (is_open && dk) {
            json_t *acts = json_object();
            if (pause && dk->pausable && !strcmp(st, "running") && due > v->now)
                json_object_set_new(acts, "pause", json_true());
            if (pause && !strcmp(st, "paused"))
                json_object_set_new(acts, "resume", json_true());
            if (extend && dk->extendable)
                json_object_set_new(acts, "extend", json_true());
            if (json_object_size(acts))
                json_object_set_new(row, "change", acts);
            else
                json_decref(acts);
        }
        json_array_append_new(is_open ? open : closed, row);
    }
    json_object_set_new(
        v->vm, "clocks",
        json_pack("{s:o, s:o, s:I}", "open", open, "done", closed, "older",
                  (json_int_t)(n_closed > CLOSED_CLOCKS ? n_closed - CLOSED_CLOCKS : 0)));
}

static json_t *deliveries_vm(struct view *v, const json_t *deliveries)
{
    json_t *list = json_array();
    for (size_t k = json_array_size(deliveries); k-- > 0;) {
        const json_t *d = json_array_get(deliveries, k);
        json_t *row =
            json_pack("{s:I, s:s, s:s, s:I, s:I, s:b}", "id", (json_int_t)jint(d, "id"), "kind",
                      jstr(d, "kind") ? jstr(d, "kind") : "", "status",
                      jstr(d, "status") ? jstr(d, "status") : "", "errors",
                      (json_int_t)jint(d, "errors"), "warnings", (json_int_t)jint(d, "warnings"),
                      "late", json_is_true(json_object_get(d, "late")));
        json_object_set_new(row, "received", when(v->r, jtime(d, "received_at"), v->zone));
        if (jint(d, "request"))
            json_object_set_new(row, "request", json_integer(jint(d, "request")));
        json_array_append_new(list, row);
    }
    return list;
}

static json_t *warnings_vm(struct view *v, const json_t *warnings, struct tl_data *d)
{
    json_t *list = json_array();
    size_t n = json_array_size(warnings);
    d->warnings = arena_alloc(&v->r->arena, (n ? n : 1) * sizeof *d->warnings);
    size_t i;
    const json_t *w;
    json_array_foreach(warnings, i, w) {
        d->warnings[d->n_warnings++] =
            (struct tl_warning){jint(w, "number"), jtime(w, "issued_at"), jstr(w, "reason")};
        json_t *row = json_pack("{s:I, s:s}", "number", (json_int_t)jint(w, "number"), "reason",
                                jstr(w, "reason") ? jstr(w, "reason") : "");
        json_object_set_new(row, "issued", when(v->r, jtime(w, "issued_at"), v->zone));
        if (jint(w, "request"))
            json_object_set_new(row, "request", json_integer(jint(w, "request")));
        json_array_append_new(list, row);
    }
    return list;
}

static json_t *messages_vm(struct view *v, const json_t *messages)
{
    json_t *list = json_array();
    size_t i;
    const json_t *m;
    json_array_foreach(messages, i, m) {
        if (i >= MESSAGES_SHOWN)
            break;
        json_t *row = json_pack("{s:s, s:s, s:s, s:s}", "to", jstr(m, "to") ? jstr(m, "to") : "",
                                "subject", jstr(m, "subject") ? jstr(m, "subject") : "", "state",
                                jstr(m, "state") ? jstr(m, "state") : "", "body",
                                jstr(m, "body") ? jstr(m, "body") : "");
        json_object_set_new(row, "created", when(v->r, jtime(m, "created_at"), v->zone));
        json_array_append_new(list, row);
    }
    return list;
}

/*
 * The audit log, newest first, from the answer of GET .../events (with
 * ?limit=LOG_LATEST, or all of it with ?log=all): its events and its total.
 */
static void log_vm(struct view *v, const json_t *ans)
{
    struct req *r = v->r;
    const char *all_q = req_query(r, "log");
    bool all = all_q && !strcmp(all_q, "all");
    const json_t *events = json_object_get(ans, "events");
    size_t n = json_array_size(events), shown = 0;
    json_int_t total = jint(ans, "total");
    json_t *list = json_array();
    for (size_t k = n; k-- > 0 && (all || shown < LOG_LATEST); shown++) {
        const json_t *e = json_array_get(events, k);
        json_t *row =
            json_pack("{s:s, s:s, s:s}", "actor", jstr(e, "actor") ? jstr(e, "actor") : "system",
                      "action", jstr(e, "action") ? jstr(e, "action") : "", "subject",
                      jstr(e, "subject") ? jstr(e, "subject") : "");
        json_object_set_new(row, "at", when(r, jtime(e, "at"), v->zone));
        for (int side = 0; side < 2; side++) {
            const json_t *x = json_object_get(e, side ? "after" : "before");
            if (!x || json_is_null(x))
                continue;
            char *s = json_dumps(x, JSON_COMPACT | JSON_ENCODE_ANY);
            if (s)
                json_object_set_new(row, side ? "after" : "before", json_string(s));
            free(s);
        }
        json_array_append_new(list, row);
    }
    json_object_set_new(v->vm, "log",
                        json_pack("{s:o, s:I, s:b}", "events", list, "total", total, "more",
                                  !all && total > LOG_LATEST));
}

/* The staff's actions of this stage, each only for the roles its route admits. */
static void actions_vm(struct view *v, const json_t *staff, const json_t *calendars,
                       const json_t *questionnaire)
{
    struct req *r = v->r;
    const json_t *p = v->p;
    json_t *a = json_object();
    if (may(r, ACT_QUESTIONNAIRE_SEND) && step_ok(&v->facts, STEP_SEND_QUESTIONNAIRE))
        json_object_set_new(a, "act_send_questionnaire",
                            json_pack("{s:b}", "again", v->facts.stage == STAGE_QUESTIONNAIRE));
    if (may(r, ACT_REQUEST_ISSUE) && step_ok(&v->facts, STEP_REQUEST))
        json_object_set_new(a, "act_request", json_true());
    if (may(r, ACT_OWNERS_SET)) {
        const json_t *owners = json_object_get(p, "owners");
        json_t *o = json_object();
        static const char *const roles[] = {"cam", "pim", "pom", "plm"};
        for (size_t i = 0; i < 4; i++)
            json_object_set_new(
                o, roles[i],
                staff_options(staff, roles[i], jint(json_object_get(owners, roles[i]), "id")));
        json_object_set_new(a, "act_owners", o);
    }
    if (may(r, ACT_PARTNER_CALENDAR)) {
        json_t *list = json_array();
        size_t i;
        const json_t *c;
        json_array_foreach(calendars, i, c) {
            json_array_append_new(
                list, json_pack("{s:s, s:s, s:s, s:b}", "id", id_text(r, jint(c, "id")), "name",
                                jstr(c, "name") ? jstr(c, "name") : "", "time_zone",
                                jstr(c, "time_zone") ? jstr(c, "time_zone") : "", "selected",
                                jint(c, "id") == jint(p, "calendar")));
        }
        json_object_set_new(
            a, "act_calendar",
            json_pack("{s:o, s:b}", "calendars", list, "none", jint(p, "calendar") == 0));
    }
    struct format_set approved = {0}, intended = {0};
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(p, "approved_formats"), i, f) {
        if (json_is_string(f))
            format_set_add(&approved, json_string_value(f));
    }
    if (may(r, ACT_SETUP) && v->facts.stage == STAGE_STEADY)
        json_object_set_new(a, "act_formats",
                            json_pack("{s:o}", "formats", format_choices(&approved)));
    if (may(r, ACT_TRAINING_DECIDE)) {
        if (step_ok(&v->facts, STEP_DECIDE))
            json_object_set_new(a, "act_decide", json_true());
        if (step_ok(&v->facts, STEP_RESUME))
            json_object_set_new(a, "act_resume", json_true());
        if (step_ok(&v->facts, STEP_COMPLETE)) {
            const json_t *answers = json_object_get(questionnaire, "answers");
            if (format_set_count(&approved) == 0 && json_is_object(answers))
                questionnaire_intended_formats(answers, &intended);
            const json_t *pom = json_object_get(json_object_get(p, "owners"), "pom");
            json_object_set_new(
                a, "act_complete",
                json_pack("{s:o, s:o}", "formats",
                          format_choices(format_set_count(&approved) ? &approved : &intended),
                          "poms", staff_options(staff, "pom", jint(pom, "id"))));
        }
    }
    if (may(r, ACT_MILESTONE_SET) && json_is_true(json_object_get(p, "channels")))
        json_object_set_new(a, "act_milestone", json_true());
    json_object_set_new(v->vm, "any_action", json_boolean(json_object_size(a) > 0));
    json_object_set_new(v->vm, "actions", a);
}

/* Today's date in zone, "YYYY-MM-DD" (the planner's target: its steps, not its verdict). */
static const char *today_in(struct req *r, const struct zone *z, int64_t now)
{
    int64_t d = z ? zone_local_day(z, now) : now / 86400;
    char s[11];
    date_format(civil_from_days(d), s);
    return arena_strdup(&r->arena, s);
}

void page_partner(struct req *r)
{
    json_t *p = partner_of(r);
    if (!p)
        return;
    struct view v = {r,
                     p,
                     id_text(r, jint(p, "id")),
                     jstr(p, "time_zone"),
                     now_get(),
                     {0},
                     false,
                     json_object()};
    if (!v.zone)
        v.zone = "UTC";
    v.staff = !role_is_org(r->who.role);
    facts_of(p, &v.facts);
    const struct zone *z = NULL;
    if (zone_open(v.zone, &z) != 0)
        z = NULL;

    struct op o;
    json_t *ans = NULL;
    int64_t pid = jint(p, "id");
    json_t *clocks = partner_clocks(r, pid);
    req_op_init(r, &o);
    int rc = warnings_list(&o, pid, &ans);
    json_t *warnings = op_list(&o, rc, ans, "warnings");
    req_op_init(r, &o);
    rc = request_list(&o, pid, &ans);
    json_t *requests = op_list(&o, rc, ans, "requests");
    ans = NULL;
    req_op_init(r, &o);
    rc = delivery_list(&o, pid, 0, DELIVERY_PAGE_DEFAULT, &ans);
    json_t *deliveries = op_list(&o, rc, ans, "deliveries");
    /* the audit log: its latest LOG_LATEST (or all with ?log=all), and the stage changes
       the timeline draws, each read by itself and bounded */
    json_t *log = NULL, *events = NULL;
    if (may(r, ACT_PARTNER_EVENTS)) {
        const char *log_q = req_query(r, "log");
        bool all = log_q && !strcmp(log_q, "all");
        struct partners_events_query lq = {
            NULL, all ? NULL : arena_printf(&r->arena, "%d", LOG_LATEST), NULL};
        log = events_of(r, jint(p, "id"), &lq);
        if (!log)
            log = json_pack("{s:[], s:i}", "events", "total", 0);
        if (all) {
            events = json_incref(json_object_get(log, "events"));
        } else {
            struct partners_events_query sq = {"partner.stage", NULL, NULL};
            json_t *stages = events_of(r, jint(p, "id"), &sq);
            events = stages ? json_incref(json_object_get(stages, "events")) : json_array();
            json_decref(stages);
        }
    }
    struct messages_query mq = {.partner = v.id, .limit = "20"};
    ans = NULL;
    req_op_init(r, &o);
    rc = messages_list(&o, &mq, &ans);
    json_t *messages = op_list(&o, rc, ans, "messages");
    json_t *questionnaire = NULL;
    if (v.facts.stage != STAGE_INVITED) {
        req_op_init(r, &o);
        questionnaire_view(&o, pid, &questionnaire); /* NULL when refused */
        op_free(&o);
    }
    json_t *plan = NULL;
    struct planner_query pq = {
        .target = today_in(r, z, v.now), .partner_named = true, .partner_id = pid};
    req_op_init(r, &o);
    if (planner_view(&o, &pq, &plan) < 0) {
        json_decref(plan);
        plan = NULL;
    }
    op_free(&o);
    json_t *calendars;
    if (v.staff) {
        ans = NULL;
        req_op_init(r, &o);
        int crc = calendars_list(&o, &ans);
        calendars = op_list(&o, crc, ans, "calendars");
    } else {
        calendars = json_array();
    }
    json_t *staff;
    if (may(r, ACT_OWNERS_SET) || may(r, ACT_TRAINING_DECIDE)) {
        ans = NULL;
        req_op_init(r, &o);
        rc = users_staff(&o, NULL, &ans);
        staff = op_list(&o, rc, ans, "staff");
    } else {
        staff = json_array();
    }

    /* request titles by id, for the clocks' labels */
    json_t *titles = json_object();
    size_t i;
    const json_t *x;
    json_array_foreach(requests, i, x) {
        if (jstr(x, "title"))
            json_object_set_new(titles, id_text(r, jint(x, "id")), json_string(jstr(x, "title")));
    }

    json_object_set_new(v.vm, "title", json_string(jstr(p, "name")));
    json_object_set_new(v.vm, "csrf", json_string(r->csrf ? r->csrf : ""));
    json_object_set_new(v.vm, "pid", json_string(v.id));
    json_object_set_new(v.vm, "has_requests", json_boolean(json_array_size(requests) > 0));
    json_object_set_new(v.vm, "has_deliveries", json_boolean(json_array_size(deliveries) > 0));
    json_object_set_new(v.vm, "has_warnings", json_boolean(json_array_size(warnings) > 0));
    json_object_set_new(v.vm, "has_messages", json_boolean(json_array_size(messages) > 0));
    json_object_set_new(v.vm, "has_clocks", json_boolean(json_array_size(clocks) > 0));
    json_object_set_new(v.vm, "staff", json_boolean(v.staff));
    json_object_set_new(v.vm, "questionnaire_link",
                        json_boolean(v.facts.stage != STAGE_INVITED && questionnaire));
    json_object_set_new(v.vm, "can_upload", json_boolean(may(r, ACT_UPLOAD)));
    json_object_set_new(v.vm, "answer_questionnaire",
                        json_boolean(!v.staff && v.facts.stage == STAGE_QUESTIONNAIRE));
    header_vm(&v, calendars);
    web_launch_panel(r, p, v.vm); /* a target launch date too soon (web/launch_panel.c) */
    json_object_set_new(v.vm, "next", next_vm(&v, requests));

    struct tl_data d;
    memset(&d, 0, sizeof d);
    json_object_set_new(v.vm, "warnings", warnings_vm(&v, warnings, &d));
    timeline_stages(r, p, events, clocks, questionnaire, plan, z, &d);
    timeline_clocks(r, clocks, titles, &d);
    struct timeline t = {arena_printf(&r->arena, "Timeline of %s", jstr(p, "name")),
                         z,
                         v.now,
                         d.stages,
                         d.n_stages,
                         d.clocks,
                         d.n_clocks,
                         d.warnings,
                         d.n_warnings};
    struct buf svg = {0};
    svg_timeline(&svg, &t);
    vm_set_html(v.vm, "timeline_html", safe_html_of(&svg));
    buf_free(&svg);
    json_object_set_new(v.vm, "stages", stages_in_words(r, &d, v.zone));
    json_object_set_new(v.vm, "clocks_not_drawn",
                        json_integer((json_int_t)(json_array_size(clocks) - d.n_clocks)));
    if (plan && jstr(plan, "earliest") && v.facts.stage != STAGE_STEADY)
        json_object_set_new(v.vm, "plan",
                            json_pack("{s:s, s:s, s:I, s:b}", "earliest", jstr(plan, "earliest"),
                                      "earliest_text", web_date(r, jstr(plan, "earliest")), "days",
                                      (json_int_t)jint(plan, "days_to_earliest"), "channels",
                                      json_is_true(json_object_get(p, "channels"))));

    setup_vm(&v);
    partner_transfer_vm(r, v.vm, p, v.zone); /* partner_transfer.c */
    training_vm(&v, questionnaire);
    json_object_set_new(v.vm, "requests", requests_vm(&v, requests));
    clocks_vm(&v, clocks, titles);
    json_object_set_new(v.vm, "deliveries", deliveries_vm(&v, deliveries));
    json_object_set_new(v.vm, "messages", messages_vm(&v, messages));
    if (log)
        log_vm(&v, log);
    timelines_partner_vm(r, v.vm, p); /* launch timeline, alternate solutions (web/timelines.c) */
    title_links_partner_vm(r, v.vm, jint(p, "id")); /* "Titles (N)" (web/title_links.c) */
    actions_vm(&v, staff, calendars, questionnaire);
    decision_panel_vm(r, p, v.vm, false); /* the decision and the delivery agent */
    if (json_array_size(deliveries) > 0 || v.facts.stage == STAGE_STEADY)
        partner_scorecard_vm(r, v.vm, jint(p, "id"), false); /* web/partner_scorecard.c */

    json_t *vm = v.vm;
    json_decref(titles);
    json_decref(clocks);
    json_decref(warnings);
    json_decref(requests);
    json_decref(deliveries);
    json_decref(events);
    json_decref(log);
    json_decref(messages);
    json_decref(questionnaire);
    json_decref(plan);
    json_decref(calendars);
    json_decref(staff);
    json_decref(p);
    page_render(r, 200, "partner", vm);
}

/* ---- the forms ---- */

/* A form field that is a list (checkboxes): the values, as a new JSON array of strings. */
static json_t *field_list(struct req *r, const char *name)
{
    json_t *v = json_object_get(r->form, name), *out = json_array();
    if (json_is_string(v)) {
        json_array_append(out, v);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *s;
        json_array_foreach(v, i, s) {
            if (json_is_string(s))
                json_array_append(out, s);
        }
    }
    return out;
}

static const char *field(struct req *r, const char *name)
{
    const char *v = page_field(r, name);
    return v ? v : "";
}

/* A positive id typed in a form field; 0 when it is not one. */
static int64_t field_id(struct req *r, const char *name)
{
    const char *s = page_field(r, name);
    char *end;
    long long v = s && *s ? strtoll(s, &end, 10) : 0;
    return s && *s && !*end && v > 0 ? v : 0;
}

/* An owner select: null for "nobody", else the id. */
static json_t *owner_value(struct req *r, const char *name)
{
    int64_t id = field_id(r, name);
    return id ? json_integer(id) : json_null();
}

/* True when clock id is one of this partner's clocks. */
static bool own_clock(struct req *r, int64_t partner_id, int64_t clock_id)
{
    json_t *clocks = partner_clocks(r, partner_id);
    bool found = false;
    size_t i;
    const json_t *c;
    json_array_foreach(clocks, i, c) {
        if (jint(c, "id") == clock_id)
            found = true;
    }
    json_decref(clocks);
    return found;
}

/*
 * The end of a form action run as an operation (rc: how it went; *view, its
 * answer, is dropped): back to the page with ok_text, or with the refusal.
 */
static void act_done(struct req *r, struct op *o, int rc, json_t **view, const char *back,
                     const char *ok_text)
{
    json_decref(*view);
    page_op_redirect(r, o, rc, back, ok_text);
}

/* "2027-01-15T09:00" typed in the partner's zone, as an RFC 3339 UTC instant; NULL when bad. */
static const char *local_instant(struct req *r, const char *s, const char *zone_name)
{
    int y, mo, d, h, mi;
    char tail;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d%c", &y, &mo, &d, &h, &mi, &tail) != 5 ||
        !civil_valid(y, mo, d) || h > 23 || mi > 59 || h < 0 || mi < 0)
        return NULL;
    const struct zone *z = NULL;
    if (zone_open(zone_name, &z) != 0)
        z = NULL;
    int64_t local = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
    int64_t t = local - (z ? zone_utc_offset(z, local) : 0);
    if (z)
        t = local - zone_utc_offset(z, t);
    char out[21];
    time_format_rfc3339(t, out);
    return arena_strdup(&r->arena, out);
}

/* Answers a form's step (rc its result): back to the page, with the outcome as the flash. */
static void step_done(struct req *r, struct op *o, int rc, const char *back, const char *ok_text)
{
    page_op_redirect(r, o, rc, back, ok_text);
}

void page_partner_post(struct req *r)
{
    json_t *p = partner_of(r);
    if (!p)
        return;
    const char *id = id_text(r, jint(p, "id"));
    const char *back = arena_printf(&r->arena, "/partners/%s", id);
    const char *act = field(r, "do");
    int64_t pid = jint(p, "id");
    struct op o;
    json_t *j;
    req_op_init(r, &o); /* every branch ends with step_done, or op_free at the end */

    if (partner_transfer_post(r, act, p, back)) { /* create, rotate, revoke: partner_transfer.c */
        op_free(&o);
    } else if (!strcmp(act, "send_questionnaire")) {
        step_done(r, &o, questionnaire_send(&o, pid), back,
                  "Questionnaire sent: the contact has an email with a link.");
    } else if (!strcmp(act, "setup_item")) {
        const char *item = field(r, "item");
        enum setup_item k = setup_item_parse(item);
        const char *value = page_field(r, "value");
        if (k == ITEM_N) {
            page_redirect(r, back, "error", "Choose one of the three setup items.");
        } else { /* the transfer account's form went to partner_transfer_post above */
            int rc = setup_item_set(&o, pid, setup_item_name(k), true,
                                    value && *value ? value : NULL, &j);
            json_decref(j);
            step_done(r, &o, rc, back,
                      k == ITEM_ALIAS ? "Partner alias provisioned."
                                      : "Portal account provisioned: the invitation is sent.");
        }
    } else if (!strcmp(act, "plan")) {
        j = field_list(r, "modules");
        step_done(r, &o, setup_plan_training(&o, pid, j), back, "Training plan saved.");
        json_decref(j);
    } else if (!strcmp(act, "confirm")) {
        step_done(r, &o, setup_confirm(&o, pid), back, "Setup confirmed.");
    } else if (!strcmp(act, "owners")) {
        j = json_pack("{s:o, s:o, s:o, s:o}", "cam", owner_value(r, "cam"), "pim",
                      owner_value(r, "pim"), "pom", owner_value(r, "pom"), "plm",
                      owner_value(r, "plm"));
        step_done(r, &o, setup_owners_set(&o, pid, j), back, "Owners saved.");
        json_decref(j);
    } else if (!strcmp(act, "formats")) {
        j = field_list(r, "formats");
        step_done(r, &o, setup_formats_set(&o, pid, j), back, "Approved formats saved.");
        json_decref(j);
    } else if (!strcmp(act, "request")) {
        int64_t request_id;
        const char *note = field(r, "note");
        step_done(r, &o,
                  request_issue(&o, pid, field(r, "kind"), field(r, "title"), *note ? note : NULL,
                                &request_id, NULL),
                  back, "Delivery request issued: its 48-hour clock is running.");
    } else if (!strcmp(act, "clock_pause") || !strcmp(act, "clock_resume") ||
               !strcmp(act, "clock_extend")) {
        int64_t clock = field_id(r, "clock");
        json_t *view = NULL;
        if (!clock || !own_clock(r, jint(p, "id"), clock)) {
            page_redirect(r, back, "error", "That clock is not one of this partner's.");
        } else if (!strcmp(act, "clock_pause")) {
            act_done(r, &o, clocks_op_pause(&o, clock, field(r, "reason"), &view), &view, back,
                     "Clock paused.");
        } else if (!strcmp(act, "clock_resume")) {
            act_done(r, &o, clocks_op_resume(&o, clock, &view), &view, back,
                     "Clock resumed: its due instant moved by the pause.");
        } else {
            act_done(r, &o,
                     clocks_op_extend(&o, clock, field_id(r, "days"), field(r, "reason"), &view),
                     &view, back, "Clock extended.");
        }
    } else if (!strcmp(act, "decide")) {
        const char *action = field(r, "action"), *note = field(r, "note");
        json_t *list = NULL;
        int rc = training_decide(&o, pid, action, *note ? note : NULL, &list);
        if (rc == 0) {
            struct buf msg = {0};
            /* the choice in the words of the form, not its code ("propose_posthouse") */
            buf_printf(&msg, "Decision recorded: %s.",
                       !strcmp(action, "continue")            ? "the training continues"
                       : !strcmp(action, "propose_posthouse") ? "propose a posthouse"
                       : !strcmp(action, "escalate")          ? "escalated to the commercial team"
                       : !strcmp(action, "stop")              ? "the training stops"
                                                              : action);
            if (json_is_array(list)) {
                size_t i;
                const json_t *ph;
                buf_puts(&msg, json_array_size(list) ? " Posthouses that deliver the partner's "
                                                       "formats: "
                                                     : " No onboarded posthouse delivers all of "
                                                       "the partner's formats.");
                json_array_foreach(list, i, ph) {
                    buf_printf(&msg, "%s%s", i ? ", " : "",
                               jstr(ph, "name") ? jstr(ph, "name") : "?");
                }
            }
            step_done(r, &o, rc, back, buf_str(&msg));
            buf_free(&msg);
        } else {
            step_done(r, &o, rc, back, NULL);
        }
        json_decref(list);
    } else if (!strcmp(act, "resume_training")) {
        step_done(r, &o, training_resume(&o, pid), back, "Training resumed.");
    } else if (!strcmp(act, "complete")) {
        int64_t pom = field_id(r, "pom");
        if (!pom) {
            page_redirect(r, back, "error",
                          "Choose the pom who takes the partner over in steady state.");
        } else {
            j = field_list(r, "formats");
            step_done(r, &o, training_complete(&o, pid, j, pom), back,
                      "Training completed: the summary is sent and the pom takes over.");
            json_decref(j);
        }
    } else if (!strcmp(act, "calendar")) {
        json_t *view = NULL;
        act_done(r, &o, calendars_set_partner(&o, jint(p, "id"), field_id(r, "calendar"), &view),
                 &view, back, "Business calendar changed; open clocks were recomputed.");
    } else if (!strcmp(act, "milestone")) {
        const char *due = local_instant(r, page_field(r, "due"), jstr(p, "time_zone"));
        int64_t due_at;
        if (!due || time_parse_rfc3339(due, &due_at) < 0) {
            page_redirect(r, back, "error", "Give the milestone's date and time.");
        } else {
            json_t *view = NULL;
            act_done(r, &o, milestones_add(&o, jint(p, "id"), field(r, "name"), due_at, &view),
                     &view, back, "Milestone added to the launch timeline.");
        }
    } else if (timelines_partner_post(r, act, pid, back)) {
        /* a milestone met, an alternate solution asked or answered (web/timelines.c) */
    } else if (decision_panel_post(r, &o, pid, act, back)) {
        /* the delivery agent: answered by the panel (web/decision_panel.c) */
    } else {
        page_redirect(r, back, "error", "This page has no such action.");
    }
    op_free(&o); /* for the branches that did not use it (op_free is idempotent) */
    json_decref(p);
}
