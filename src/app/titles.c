/*
 * Titles: see titles.h. One function, evaluate(), decides every territory's
 * state from the title's windows and assets at o->now and moves the clocks
 * to match; every change of windows or assets, and the sweep, ends in it.
 */
#include "app/titles.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/lifecycle_steps.h"
#include "app/scope.h"
#include "base/timefmt.h"
#include "core/deadline.h"
#include "core/title.h"
#include "store/title_store.h"

/* ---- the profile (data/title_profile.json, found like the questionnaire) ---- */

static const char builtin_profile[] =
    "{\"lead_days\": 14, \"required\": [{\"kind\": \"video\"},"
    " {\"kind\": \"audio\", \"language\": \"original\"}, {\"kind\": \"captions\"},"
    " {\"kind\": \"artwork\"}]}";

static pthread_once_t profile_once = PTHREAD_ONCE_INIT;
static struct title_profile profile;

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, n);
    fclose(f);
    buf_puts(&b, "");
    return buf_detach(&b);
}

static void profile_load_once(void)
{
    /* VODGATE_TITLE_PROFILE, else data/title_profile.json found as the questionnaire is */
    const char *env = getenv("VODGATE_TITLE_PROFILE");
    char *text = env ? read_text(env) : NULL;
    if (!text) {
        char *path = app_data_file("title_profile.json");
        text = path ? read_text(path) : NULL;
        free(path);
    }
    struct buf err = {0};
    if (!text || title_profile_parse(text, &profile, &err) < 0) {
        if (text)
            fprintf(stderr, "vodgate: title profile: %s; using the built-in one\n", buf_str(&err));
        buf_reset(&err);
        VG_ASSERT(title_profile_parse(builtin_profile, &profile, &err) == 0);
    }
    buf_free(&err);
    free(text);
}

static const struct title_profile *the_profile(void)
{
    pthread_once(&profile_once, profile_load_once);
    return &profile;
}

/* ---- small helpers ---- */

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static const char *subject_of(struct op *o, int64_t title_id, const char *territory)
{
    return arena_printf(o->a, "title:%lld:%s", (long long)title_id, territory);
}

/* "YYYY-MM-DD" → the day's 00:00 UTC; false when not a date. */
static bool day_start(const char *s, int64_t *out)
{
    struct civil_date d;
    if (!s || date_parse(s, &d) < 0)
        return false;
    *out = days_from_civil(d.year, d.month, d.day) * 86400;
    return true;
}

static const char *day_of(struct op *o, int64_t t)
{
    if (!t)
        return NULL;
    char s[11];
    date_format(civil_from_days(t >= 0 ? t / 86400 : (t - 86399) / 86400), s);
    return arena_strdup(o->a, s);
}

/* ---- evaluate: the per-territory state ---- */

struct gather {
    struct op *o;
    struct title_window_row *w;
    size_t n_w, cap_w;
    struct title_asset *as;
    size_t n_as, cap_as;
    struct title_state_row *st;
    size_t n_st, cap_st;
};

#define GROW(arr, n, cap, a)                                                                       \
    do {                                                                                           \
        if ((n) == (cap)) {                                                                        \
            size_t nc = (cap) ? (cap) * 2 : 8;                                                     \
            void *bigger = arena_alloc((a), nc * sizeof *(arr));                                   \
            if ((n))                                                                               \
                memcpy(bigger, (arr), (n) * sizeof *(arr));                                        \
            (arr) = bigger;                                                                        \
            (cap) = nc;                                                                            \
        }                                                                                          \
    } while (0)

static int gather_window(const struct title_window_row *w, void *arg)
{
    struct gather *g = arg;
    GROW(g->w, g->n_w, g->cap_w, g->o->a);
    g->w[g->n_w++] = *w;
    return 0;
}

static int gather_asset(const struct title_asset_row *r, void *arg)
{
    struct gather *g = arg;
    enum title_asset_kind k;
    if (title_asset_kind_parse(r->kind, &k) < 0)
        return 0;
    GROW(g->as, g->n_as, g->cap_as, g->o->a);
    g->as[g->n_as++] = (struct title_asset){k, r->language, !strcmp(r->status, "passed"),
                                            r->delivery_id};
    return 0;
}

static int gather_state(const struct title_state_row *s, void *arg)
{
    struct gather *g = arg;
    GROW(g->st, g->n_st, g->cap_st, g->o->a);
    g->st[g->n_st++] = *s;
    return 0;
}

static int gather_all(struct op *o, int64_t title_id, struct gather *g)
{
    memset(g, 0, sizeof *g);
    g->o = o;
    int rc = store_title_windows(o->db, o->a, title_id, gather_window, g);
    if (rc == 0)
        rc = store_title_assets(o->db, o->a, title_id, gather_asset, g);
    if (rc == 0)
        rc = store_title_states(o->db, o->a, title_id, gather_state, g);
    return rc;
}

static struct title_state_row *state_of(struct gather *g, const char *territory)
{
    for (size_t i = 0; i < g->n_st; i++)
        if (!strcmp(g->st[i].territory, territory))
            return &g->st[i];
    return NULL;
}

/* Decides one territory and writes its row; starts or cancels its clock. */
static int evaluate_territory(struct op *o, const struct partner *p, const struct title_row *t,
                              struct gather *g, const char *territory)
{
    const struct title_profile *prof = the_profile();
    struct title_window_span *spans = arena_alloc(o->a, (g->n_w + 1) * sizeof *spans);
    size_t n = 0;
    for (size_t i = 0; i < g->n_w; i++)
        if (!strcmp(g->w[i].territory, territory))
            spans[n++] = (struct title_window_span){g->w[i].start_at, g->w[i].end_at,
                                                    !strcmp(g->w[i].state, "ended")};
    struct buf why = {0};
    bool assets_ok;
    int64_t window_start;
    bool ready = title_readiness(prof, territory, t->original_language, g->as, g->n_as, spans, n,
                                 o->now, &assets_ok, &window_start, &why);
    struct title_state_row *old = state_of(g, territory);
    struct title_state_row s = old ? *old : (struct title_state_row){0};
    s.title_id = t->id;
    s.territory = arena_strdup(o->a, territory);
    s.window_start = window_start;
    s.assets_complete_at = assets_ok ? (old && old->assets_complete_at ? old->assets_complete_at
                                                                       : o->now)
                                     : 0;
    const char *subject = subject_of(o, t->id, territory);
    const char *kind = deadline_name(DEADLINE_PUBLISH_14D);
    int rc = 0;
    if (old && !strcmp(old->state, "published")) {
        s.reasons = NULL; /* published stays published */
    } else if (ready) {
        s.reasons = NULL;
        if (!old || strcmp(old->state, "ready")) {
            s.state = "ready";
            s.ready_at = o->now;
            int64_t clock = 0;
            rc = lifecycle_start_clock(o, p, kind, subject, o->now, &clock);
            if (rc == OP_REFUSED) { /* e.g. no calendar for the dates: ready, without a clock */
                fprintf(stderr, "vodgate: title %lld in %s is ready but its clock could not start: %s\n",
                        (long long)t->id, territory, buf_str(&o->err.message));
                rc = 0;
                clock = 0;
            }
            s.clock_id = clock;
            s.publish_by = rc == 0 ? lifecycle_open_clock_due(o, subject, kind) : 0;
        }
    } else {
        s.reasons = arena_strdup(o->a, buf_str(&why));
        if (old && !strcmp(old->state, "ready")) /* a window ended, an asset failed again */
            rc = lifecycle_close_clocks(o, subject, kind, "cancelled", "no longer ready");
        s.state = "waiting_for_assets";
        s.ready_at = s.publish_by = s.clock_id = 0;
    }
    buf_free(&why);
    if (rc == 0)
        rc = store_title_state_put(o->db, &s, o->now);
    if (rc == 0 && old)
        *old = s;
    else if (rc == 0) {
        GROW(g->st, g->n_st, g->cap_st, o->a);
        g->st[g->n_st++] = s;
    }
    return rc;
}

/* Re-decides every territory of a title and its summary (state and next deadline). */
static int evaluate(struct op *o, const struct partner *p, int64_t title_id)
{
    struct title_row t;
    struct gather g;
    int rc = store_title_get(o->db, o->a, title_id, &t);
    if (rc == 0)
        rc = gather_all(o, title_id, &g);
    for (size_t i = 0; rc == 0 && i < g.n_w; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = !strcmp(g.w[j].territory, g.w[i].territory);
        if (!seen)
            rc = evaluate_territory(o, p, &t, &g, g.w[i].territory);
    }
    if (rc < 0)
        return rc == OP_REFUSED ? rc : op_failed(o, rc);
    const char *state = g.n_st ? "published" : "waiting_for_assets";
    int64_t next = TITLE_NO_DUE;
    for (size_t i = 0; i < g.n_st; i++) {
        const struct title_state_row *s = &g.st[i];
        if (!strcmp(s->state, "waiting_for_assets")) {
            state = "waiting_for_assets";
            if (s->window_start && s->window_start < next)
                next = s->window_start;
        } else if (!strcmp(s->state, "ready")) {
            if (strcmp(state, "waiting_for_assets"))
                state = "ready";
            if (s->publish_by && s->publish_by < next)
                next = s->publish_by;
        }
    }
    rc = store_title_set_summary(o->db, title_id, state, next);
    return rc < 0 ? op_failed(o, rc) : 0;
}

/* ---- the view ---- */

static bool is_late(const struct title_state_row *s, int64_t now)
{
    if (!s->publish_by)
        return false;
    /* due at an exclusive instant, as every clock (SPEC 6): publishing at it is late */
    return s->published_at ? s->published_at >= s->publish_by
                           : !strcmp(s->state, "ready") && now >= s->publish_by;
}

static json_t *summary_json(struct op *o, const struct title_row *t, const char *partner_name)
{
    json_t *j = json_pack("{s:I, s:I, s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:s, s:o}", "id",
                          (json_int_t)t->id, "partner", (json_int_t)t->partner_id, "alid",
                          str_or_null(t->alid), "content_id", str_or_null(t->content_id), "eidr",
                          str_or_null(t->eidr), "name", t->name, "work_type", t->work_type,
                          "series", str_or_null(t->series_name), "season",
                          t->season ? json_integer(t->season) : json_null(), "episode",
                          t->episode ? json_integer(t->episode) : json_null(), "state", t->state,
                          "next_due", app_json_time(t->next_due == TITLE_NO_DUE ? 0 : t->next_due));
    json_object_set_new(j, "partner_name", str_or_null(partner_name));
    return j;
}

static json_t *territories_json(struct op *o, struct gather *g, bool full, bool *any_late)
{
    json_t *list = json_array();
    for (size_t i = 0; i < g->n_st; i++) {
        const struct title_state_row *s = &g->st[i];
        bool late = is_late(s, o->now);
        if (late)
            *any_late = true;
        json_t *j = json_pack("{s:s, s:s, s:o, s:o, s:b}", "territory", s->territory, "state",
                              s->state, "publish_by", app_json_time(s->publish_by), "published_at",
                              app_json_time(s->published_at), "late", late);
        if (full) {
            json_object_set_new(j, "reasons", str_or_null(s->reasons));
            json_object_set_new(j, "ready_at", app_json_time(s->ready_at));
        }
        json_array_append_new(list, j);
    }
    return list;
}

static int add_delivery(const struct title_delivery_row *d, void *arg)
{
    json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)d->id, "kind",
                                         d->kind, "status", d->status, "received_at",
                                         app_json_time(d->received_at)));
    return 0;
}

static int view_json(struct op *o, const struct title_row *t, const struct partner *p,
                     json_t **out)
{
    struct gather g;
    int rc = gather_all(o, t->id, &g);
    json_t *deliveries = json_array();
    if (rc == 0)
        rc = store_title_deliveries(o->db, o->a, t->id, add_delivery, deliveries);
    if (rc < 0) {
        json_decref(deliveries);
        return op_failed(o, rc);
    }
    json_t *j = summary_json(o, t, p->name);
    json_t *windows = json_array();
    for (size_t i = 0; i < g.n_w; i++) {
        const struct title_window_row *w = &g.w[i];
        json_array_append_new(
            windows, json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:o}", "territory", w->territory,
                               "license_type", w->license_type, "format_profile", w->format_profile,
                               "start", str_or_null(w->start_date), "end", str_or_null(w->end_date),
                               "state", w->state, "delivery",
                               w->delivery_id ? json_integer(w->delivery_id) : json_null()));
    }
    json_t *assets = json_array();
    for (size_t i = 0; i < g.n_as; i++)
        json_array_append_new(
            assets, json_pack("{s:s, s:o, s:s, s:o}", "kind", title_asset_kind_name(g.as[i].kind),
                              "language", str_or_null(g.as[i].language), "status",
                              g.as[i].passed ? "passed" : "failed", "delivery",
                              g.as[i].delivery_id ? json_integer(g.as[i].delivery_id)
                                                  : json_null()));
    bool late = false;
    json_t *timeline = json_array();
    for (size_t i = 0; i < g.n_st; i++) {
        const struct title_state_row *s = &g.st[i];
        json_array_append_new(
            timeline,
            json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "territory", s->territory, "window_start",
                      str_or_null(day_of(o, s->window_start)), "assets_complete",
                      app_json_time(s->assets_complete_at), "ready", app_json_time(s->ready_at),
                      "publish_by", app_json_time(s->publish_by), "published",
                      app_json_time(s->published_at)));
    }
    json_object_set_new(j, "territories", territories_json(o, &g, true, &late));
    json_object_set_new(j, "late", json_boolean(late));
    json_object_set_new(j, "original_language", str_or_null(t->original_language));
    json_object_set_new(j, "windows", windows);
    json_object_set_new(j, "assets", assets);
    json_object_set_new(j, "timeline", timeline);
    json_object_set_new(j, "deliveries", deliveries);
    json_object_set_new(j, "created_at", app_json_time(t->created_at));
    json_object_set_new(j, "updated_at", app_json_time(t->updated_at));
    json_object_set_new(j, "time_zone", json_string(p->time_zone));
    *out = j;
    return 0;
}

static const char *id_text(struct op *o, int64_t id)
{
    return arena_printf(o->a, "%lld", (long long)id);
}

int titles_view(struct op *o, int64_t id, json_t **out)
{
    *out = NULL;
    struct scoped sc;
    int rc = op_allow(o, ACT_TITLES_READ, SCOPE_TITLE, id_text(o, id), &sc);
    if (rc < 0)
        return rc;
    return view_json(o, &sc.title, &sc.partner, out);
}

struct list_ctx {
    struct op *o;
    json_t *list;
    struct partner p;
    bool have;
    int rc;
};

static int add_title(const struct title_row *t, void *arg)
{
    struct list_ctx *x = arg;
    if (!x->have || x->p.id != t->partner_id) {
        if ((x->rc = store_partner_get(x->o->db, x->o->a, t->partner_id, &x->p)) < 0)
            return 1;
        x->have = true;
    }
    json_t *j = summary_json(x->o, t, x->p.name);
    struct gather g = {0};
    g.o = x->o;
    if ((x->rc = store_title_states(x->o->db, x->o->a, t->id, gather_state, &g)) < 0) {
        json_decref(j);
        return 1;
    }
    bool late = false;
    json_object_set_new(j, "territories", territories_json(x->o, &g, false, &late));
    json_object_set_new(j, "late", json_boolean(late));
    json_array_append_new(x->list, j);
    return 0;
}

static bool known_state(const char *s)
{
    return !strcmp(s, "waiting_for_assets") || !strcmp(s, "ready") || !strcmp(s, "published");
}

int titles_list(struct op *o, const struct titles_query *q, json_t **out)
{
    *out = NULL;
    struct title_filter f = {0};
    int rc;
    if (q->partner)
        rc = op_allow_partner(o, ACT_TITLES_READ, q->partner, NULL);
    else
        rc = op_allow(o, ACT_TITLES_READ, SCOPE_NONE, "", NULL);
    if (rc < 0)
        return rc;
    f.partner_id = q->partner;
    if (!q->partner && !o->system && role_is_org(o->who.role)) {
        if (o->who.role == ROLE_POSTHOUSE)
            f.agent_id = o->who.org_id; /* its own and those it delivers for */
        else
            f.partner_id = o->who.org_id;
    }
    if (q->state && *q->state && !known_state(q->state))
        return op_invalid(o, "state", "'state' is waiting_for_assets, ready or published");
    if (q->limit < 1 || q->limit > TITLES_PAGE_MAX)
        return op_invalid(o, "limit", "'limit' is a whole number from 1 to %d", TITLES_PAGE_MAX);
    if (q->page < 1)
        return op_invalid(o, "page", "'page' is a whole number from 1");
    f.state = q->state && *q->state ? q->state : NULL;
    f.territory = q->territory && *q->territory ? q->territory : NULL;
    f.q = q->q && *q->q ? q->q : NULL;
    f.late = q->late;
    f.now = o->now;
    f.limit = q->limit;
    f.offset = (q->page - 1) * q->limit;
    struct list_ctx x = {o, json_array(), {0}, false, 0};
    int64_t total = 0;
    rc = store_title_list(o->db, o->a, &f, add_title, &x, &total);
    if (rc == 0)
        rc = x.rc;
    if (rc < 0) {
        json_decref(x.list);
        return op_failed(o, rc);
    }
    *out = json_pack("{s:o, s:I, s:I, s:I}", "titles", x.list, "total", (json_int_t)total, "page",
                     (json_int_t)q->page, "limit", (json_int_t)q->limit);
    return 0;
}

/* ---- staff create and correct ---- */

/* Reads the editable fields of body over t; returns 0 or an op refusal. */
static int read_fields(struct op *o, json_t *body, struct title_row *t)
{
    static const char *const texts[] = {"name", "alid", "content_id", "eidr", "work_type",
                                        "series", "original_language"};
    char **slots[] = {&t->name,      &t->alid,        &t->content_id,       &t->eidr,
                      &t->work_type, &t->series_name, &t->original_language};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        json_t *v = json_object_get(body, texts[i]);
        if (!v)
            continue;
        if (json_is_null(v) && i != 0) {
            *slots[i] = NULL;
            continue;
        }
        const char *s = json_string_value(v);
        if (!s || strlen(s) > TITLE_ID_MAX || (i == 0 && !*s))
            return op_invalid(o, texts[i], "'%s' is a text of at most %d characters%s", texts[i],
                              TITLE_ID_MAX, i == 0 ? ", not empty" : "");
        *slots[i] = arena_strdup(o->a, s);
    }
    static const char *const ints[] = {"season", "episode"};
    int64_t *islots[] = {&t->season, &t->episode};
    for (int i = 0; i < 2; i++) {
        json_t *v = json_object_get(body, ints[i]);
        if (!v)
            continue;
        if (json_is_null(v))
            *islots[i] = 0;
        else if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 100000)
            return op_invalid(o, ints[i], "'%s' is a whole number from 1", ints[i]);
        else
            *islots[i] = json_integer_value(v);
    }
    char key[2 * TITLE_ID_MAX];
    int n = title_key(t->alid, t->content_id, key, sizeof key);
    if (n <= 0)
        return op_invalid(o, "alid", "a title needs an ALID or a ContentID");
    t->key = arena_strdup(o->a, key);
    if (!t->work_type || !*t->work_type)
        t->work_type = "Movie";
    return 0;
}

int titles_create(struct op *o, json_t *body, json_t **out)
{
    *out = NULL;
    json_t *pv = json_object_get(body, "partner");
    if (!json_is_integer(pv) || json_integer_value(pv) < 1)
        return op_invalid(o, "partner", "'partner' is the id of the partner the title is of");
    struct partner p;
    int rc = op_allow_partner(o, ACT_TITLE_WRITE, json_integer_value(pv), &p);
    if (rc < 0)
        return rc;
    struct title_row t = {0};
    if (!json_object_get(body, "name"))
        return op_invalid(o, "name", "'name' is the title's name");
    if ((rc = read_fields(o, body, &t)) < 0)
        return rc;
    t.partner_id = p.id;
    t.created_by = o->who.user_id;
    t.created_at = t.updated_at = o->now;
    if ((rc = op_begin(o)) < 0)
        return rc;
    struct title_row old;
    int64_t id = 0;
    rc = store_title_by_key(o->db, o->a, p.id, t.key, &old);
    if (rc == 0)
        rc = op_refuse(o, OP_CONFLICT, "title_exists",
                       "this partner already has a title with that identifier: title %lld",
                       (long long)old.id);
    else if (rc == STORE_ERR_NOT_FOUND)
        rc = store_title_add(o->db, &t, &id);
    if (rc == 0)
        rc = lifecycle_event(o, &p, arena_printf(o->a, "title:%lld", (long long)id),
                             "title.created", json_null(),
                             json_pack("{s:s, s:s}", "name", t.name, "key", t.key));
    if (rc < 0 && rc != OP_REFUSED)
        rc = op_failed(o, rc);
    if ((rc = op_end(o, rc)) < 0)
        return rc;
    struct title_row made;
    if (store_title_get(o->db, o->a, id, &made) < 0)
        return op_failed(o, STORE_ERR);
    return view_json(o, &made, &p, out);
}

int titles_update(struct op *o, int64_t id, json_t *body, json_t **out)
{
    *out = NULL;
    struct scoped sc;
    int rc = op_allow(o, ACT_TITLE_WRITE, SCOPE_TITLE, id_text(o, id), &sc);
    if (rc < 0)
        return rc;
    struct title_row t = sc.title;
    if ((rc = read_fields(o, body, &t)) < 0)
        return rc;
    t.updated_at = o->now;
    if ((rc = op_begin(o)) < 0)
        return rc;
    struct title_row other;
    rc = store_title_by_key(o->db, o->a, t.partner_id, t.key, &other);
    if (rc == 0 && other.id != t.id)
        rc = op_refuse(o, OP_CONFLICT, "title_exists",
                       "this partner already has a title with that identifier: title %lld",
                       (long long)other.id);
    else if (rc == 0 || rc == STORE_ERR_NOT_FOUND)
        rc = store_title_update(o->db, &t);
    if (rc == 0)
        rc = evaluate(o, &sc.partner, t.id); /* the original language may have changed */
    if (rc == 0)
        rc = lifecycle_event(o, &sc.partner, arena_printf(o->a, "title:%lld", (long long)t.id),
                             "title.corrected",
                             json_pack("{s:s, s:s}", "name", sc.title.name, "key", sc.title.key),
                             json_pack("{s:s, s:s}", "name", t.name, "key", t.key));
    if (rc < 0 && rc != OP_REFUSED)
        rc = op_failed(o, rc);
    if ((rc = op_end(o, rc)) < 0)
        return rc;
    return titles_view(o, id, out);
}

/* ---- published ---- */

int titles_published(struct op *o, int64_t id, const char *territory, const char *at,
                     json_t **out)
{
    *out = NULL;
    struct scoped sc;
    int rc = op_allow(o, ACT_TITLE_PUBLISH, SCOPE_TITLE, id_text(o, id), &sc);
    if (rc < 0)
        return rc;
    if (!territory || !*territory || strlen(territory) > 3)
        return op_invalid(o, "territory", "'territory' is the territory code (ISO 3166-1)");
    int64_t when = o->now;
    if (at && *at && (time_parse_rfc3339(at, &when) < 0 || when > o->now))
        return op_invalid(o, "at", "'at' is an RFC 3339 time, not in the future");
    if ((rc = op_begin(o)) < 0)
        return rc;
    struct title_state_row s;
    rc = store_title_state_get(o->db, o->a, id, territory, &s);
    if (rc == STORE_ERR_NOT_FOUND)
        rc = op_refuse(o, OP_CONFLICT, "no_window",
                       "title %lld has no window in %s: nothing to publish there", (long long)id,
                       territory);
    else if (rc == 0 && !strcmp(s.state, "published"))
        rc = op_refuse(o, OP_CONFLICT, "already_published",
                       "title %lld is already published in %s", (long long)id, territory);
    else if (rc == 0 && strcmp(s.state, "ready"))
        rc = op_refuse(o, OP_CONFLICT, "not_ready",
                       "title %lld is not ready in %s: %s; it can be marked published once "
                       "the partner has delivered what is missing",
                       (long long)id, territory, s.reasons ? s.reasons : "it is waiting");
    bool late = false;
    if (rc == 0) {
        late = s.publish_by && when >= s.publish_by;
        rc = lifecycle_close_clocks(o, subject_of(o, id, territory),
                                    deadline_name(DEADLINE_PUBLISH_14D), late ? "breached" : "met",
                                    "published");
    }
    if (rc == 0) {
        s.state = "published";
        s.published_at = when;
        s.reasons = NULL;
        rc = store_title_state_put(o->db, &s, o->now);
    }
    if (rc == 0)
        rc = evaluate(o, &sc.partner, id);
    if (rc == 0)
        rc = lifecycle_event(o, &sc.partner, arena_printf(o->a, "title:%lld", (long long)id),
                             "title.published", json_pack("{s:s}", "territory", territory),
                             json_pack("{s:s, s:o, s:b}", "territory", territory, "at",
                                       app_json_time(when), "late", late));
    if (rc < 0 && rc != OP_REFUSED)
        rc = op_failed(o, rc);
    if ((rc = op_end(o, rc)) < 0)
        return rc;
    return titles_view(o, id, out);
}

/* ---- what deliveries say ---- */

/* The partner's title keyed by the row's ids, made or updated from it; 0 when unkeyed. */
static int title_for_row(struct op *o, const struct partner *p, int64_t delivery_id,
                         const struct title_avail_row *r, int64_t *title_id)
{
    *title_id = 0;
    char key[2 * TITLE_ID_MAX];
    if (title_key(r->alid, r->content_id, key, sizeof key) <= 0)
        return 0;
    struct title_row t;
    int rc = store_title_by_key(o->db, o->a, p->id, key, &t);
    char cid[TITLE_ID_MAX + 1];
    /* a title keyed by its ContentID (made by staff) that the avails now give an ALID */
    if (rc == STORE_ERR_NOT_FOUND && title_id_normalise(r->content_id, cid, sizeof cid) > 0 &&
        !strncmp(key, "alid:", 5))
        rc = store_title_by_ident(o->db, o->a, p->id, cid, &t);
    bool fresh = rc == STORE_ERR_NOT_FOUND;
    if (rc < 0 && !fresh)
        return rc;
    if (fresh) {
        memset(&t, 0, sizeof t);
        t.partner_id = p->id;
        t.made_by_delivery = delivery_id;
        t.created_at = o->now;
        t.name = (char *)(r->name ? r->name : r->alid ? r->alid : r->content_id);
    }
    /* what the row says replaces what was there; what it leaves out stays */
#define TAKE(field, value)                                                                         \
    if ((value) && *(value))                                                                       \
    t.field = (char *)(value)
    TAKE(key, arena_strdup(o->a, key));
    TAKE(alid, r->alid);
    TAKE(content_id, r->content_id);
    TAKE(eidr, r->eidr);
    TAKE(name, r->name);
    TAKE(work_type, r->work_type);
    TAKE(series_name, r->series_name);
    TAKE(original_language, r->original_language);
#undef TAKE
    if (!t.work_type)
        t.work_type = "Movie";
    if (r->season)
        t.season = r->season;
    if (r->episode)
        t.episode = r->episode;
    t.updated_at = o->now;
    rc = fresh ? store_title_add(o->db, &t, title_id) : store_title_update(o->db, &t);
    if (!fresh)
        *title_id = t.id;
    return rc;
}

static bool seen_before(const int64_t *ids, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

int titles_from_avails(struct op *o, const struct partner *p, int64_t delivery_id,
                       const struct title_rows *rows)
{
    int64_t *touched = arena_alloc(o->a, (rows->n_rows + 1) * sizeof *touched);
    size_t n_touched = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < rows->n_rows; i++) {
        const struct title_avail_row *r = &rows->rows[i];
        int64_t tid = 0;
        if (r->full_delete) { /* ends what it names; never makes a title */
            char key[2 * TITLE_ID_MAX];
            struct title_row t;
            if (title_key(r->alid, r->content_id, key, sizeof key) <= 0)
                continue;
            rc = store_title_by_key(o->db, o->a, p->id, key, &t);
            if (rc == STORE_ERR_NOT_FOUND) {
                rc = 0;
                continue;
            }
            int64_t n_ended = 0;
            if (rc == 0)
                rc = store_title_window_end(o->db, t.id, r->territory, r->license_type,
                                            r->format_profile, delivery_id, o->now, &n_ended);
            tid = t.id;
        } else {
            rc = title_for_row(o, p, delivery_id, r, &tid);
            int64_t start = 0, end = 0;
            if (rc == 0 && tid && r->territory && r->license_type) {
                if (!day_start(r->start, &start))
                    start = o->now; /* a conditional start: counted as open */
                if (day_start(r->end, &end))
                    end += 86400; /* the end day is the last day of the window */
                struct title_window_row w = {0,
                                             tid,
                                             (char *)r->territory,
                                             (char *)r->license_type,
                                             (char *)(r->format_profile ? r->format_profile : ""),
                                             (char *)r->start,
                                             (char *)r->end,
                                             start,
                                             end,
                                             "active",
                                             delivery_id};
                rc = store_title_window_put(o->db, tid, &w, o->now);
            }
        }
        if (rc == 0 && tid && !seen_before(touched, n_touched, tid)) {
            touched[n_touched++] = tid;
            rc = store_title_delivery_add(o->db, tid, delivery_id);
        }
    }
    for (size_t i = 0; rc == 0 && i < n_touched; i++)
        rc = evaluate(o, p, touched[i]);
    return rc < 0 && rc != OP_REFUSED ? op_failed(o, rc) : rc;
}

int titles_from_package(struct op *o, const struct partner *p, int64_t delivery_id, bool passed,
                        const struct title_rows *rows)
{
    int64_t *touched = arena_alloc(o->a, (rows->n_assets + 1) * sizeof *touched);
    size_t n_touched = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < rows->n_assets; i++) {
        const struct title_pkg_asset *as = &rows->assets[i];
        char norm[TITLE_ID_MAX + 1];
        if (title_id_normalise(as->title_id, norm, sizeof norm) <= 0)
            continue;
        struct title_row t;
        rc = store_title_by_ident(o->db, o->a, p->id, norm, &t);
        if (rc == STORE_ERR_NOT_FOUND) { /* a package for a title no avails named yet */
            rc = 0;
            continue;
        }
        if (rc == 0)
            rc = store_title_asset_put(o->db, t.id, as->kind, as->language ? as->language : "",
                                       passed ? "passed" : "failed", delivery_id, o->now);
        if (rc == 0 && !seen_before(touched, n_touched, t.id)) {
            touched[n_touched++] = t.id;
            rc = store_title_delivery_add(o->db, t.id, delivery_id);
        }
    }
    for (size_t i = 0; rc == 0 && i < n_touched; i++)
        rc = evaluate(o, p, touched[i]);
    return rc < 0 && rc != OP_REFUSED ? op_failed(o, rc) : rc;
}

/* ---- the sweep ---- */

struct wake_ctx {
    struct op *o;
    int rc;
};

static int wake_one(int64_t title_id, void *arg)
{
    struct wake_ctx *x = arg;
    struct title_row t;
    struct partner p;
    int rc = store_title_get(x->o->db, x->o->a, title_id, &t);
    if (rc == 0)
        rc = store_partner_get(x->o->db, x->o->a, t.partner_id, &p);
    if (rc == 0)
        rc = evaluate(x->o, &p, title_id);
    x->rc = rc;
    return rc < 0;
}

int titles_wake(struct db *db, struct arena *a, int64_t now)
{
    struct op o;
    op_init(&o, db, a, now, NULL, app_public_url());
    int rc = op_begin(&o);
    if (rc == 0) {
        struct wake_ctx x = {&o, 0};
        rc = store_title_each_to_wake(db, now + (int64_t)the_profile()->lead_days * 86400, 64,
                                      wake_one, &x);
        if (rc == 0)
            rc = x.rc;
    }
    rc = op_end(&o, rc);
    op_free(&o);
    return rc < 0 ? -1 : 0;
}
