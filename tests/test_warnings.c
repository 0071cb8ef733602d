/*
 * Warnings and escalation (app/warnings.c) against a real SQLite store: a
 * partner in training that misses its response clock gets a warning per
 * missed clock, each dated at the clock's due instant, and the decision is
 * asked for at the WARNINGS_BEFORE_ESCALATION-th one, not before. And the
 * lifecycle's operations check who acts themselves, as they do when the
 * CLI or a worker calls them without the HTTP dispatcher in front.
 */
#include "t.h"

#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "app/agent.h"
#include "app/lifecycle_steps.h"
#include "app/requests.h"
#include "app/training.h"
#include "app/warnings.h"
#include "base/timefmt.h"
#include "jobs/sweep.h"
#include "store/mail_store.h"
#include "store/store.h"

#define T0 1793607600 /* 2026-11-02T08:20:00Z, a Monday */

static char dir[64];

static struct store *fresh_store(void)
{
    snprintf(dir, sizeof dir, "/tmp/vodgate-warnings-XXXXXX");
    VG_ASSERT(mkdtemp(dir));
    struct store *s;
    char *err = NULL;
    VG_ASSERT(store_open(NULL, dir, &s, &err) == 0);
    static bool registered; /* the sweep's registry is for the process */
    if (!registered)
        sweep_use_handlers(warnings_clock_handlers, n_warnings_clock_handlers);
    registered = true;
    return s;
}

static void drop_store(struct store *s)
{
    store_close(s);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    VG_ASSERT(system(cmd) == 0);
}

static int64_t add_user(struct db *db, const char *email, enum role role, int64_t partner_id)
{
    struct user u = {0};
    u.email = (char *)email;
    u.name = (char *)email;
    u.role = role;
    u.partner_id = partner_id;
    u.created_at = T0;
    int64_t id;
    VG_ASSERT(store_user_add(db, &u, &id) == 0);
    return id;
}

/* A partner in training (its pim owns it) and its own user. */
struct world {
    int64_t partner, other, pim, user, other_user, cam, commercial;
};

static void make_world(struct store *s, struct world *w)
{
    struct db *db = store_get(s);
    struct partner p = {0};
    p.name = "Nightjar Films";
    p.contact_email = "ops@nightjar.test";
    p.time_zone = "Europe/London";
    p.stage = "training";
    p.created_at = T0;
    VG_ASSERT(store_partner_add(db, &p, &w->partner) == 0);
    p.name = "Other Films";
    p.contact_email = "ops@other.test";
    VG_ASSERT(store_partner_add(db, &p, &w->other) == 0);
    w->pim = add_user(db, "pim@service.test", ROLE_PIM, 0);
    w->user = add_user(db, "ops@nightjar.test", ROLE_PARTNER, w->partner);
    w->other_user = add_user(db, "ops@other.test", ROLE_PARTNER, w->other);
    w->cam = add_user(db, "cam@service.test", ROLE_CAM, 0);
    w->commercial = add_user(db, "deals@service.test", ROLE_COMMERCIAL, 0);
    VG_ASSERT(store_partner_set_owner(db, w->partner, "pim", w->pim) == 0);
    VG_ASSERT(store_partner_set_owner(db, w->partner, "cam", w->cam) == 0);
    store_put(s, db);
}

/* Issues a training request as the pim at now; returns its id. */
static int64_t issue(struct store *s, const struct world *w, int64_t now)
{
    struct arena a = {0};
    struct db *db = store_get(s);
    struct principal pim = {w->pim, ROLE_PIM, 0, PRINCIPAL_USER};
    struct op o;
    op_init(&o, db, &a, now, &pim, "http://vodgate.test");
    int64_t id = 0;
    int rc = request_issue(&o, w->partner, "avails", "Winter avails", NULL, &id, NULL);
    if (rc < 0)
        printf("  request_issue: %s\n", buf_str(&o.err.message));
    VG_ASSERT(rc == 0);
    op_free(&o);
    store_put(s, db);
    arena_free(&a);
    return id;
}

/* The due instant of the request's open response clock (0: none). */
static int64_t response_due(struct store *s, int64_t request_id)
{
    struct arena a = {0};
    struct db *db = store_get(s);
    struct op o;
    op_init(&o, db, &a, T0, NULL, NULL);
    int64_t due =
        lifecycle_open_clock_due(&o, lifecycle_request_subject(&o, request_id), "response_3wd");
    op_free(&o);
    store_put(s, db);
    arena_free(&a);
    return due;
}

/* The partner's warnings as warnings_list gives them, and whether a decision is pending. */
static size_t warnings_of(struct store *s, const struct world *w, json_t **list, bool *pending)
{
    struct arena a = {0};
    struct db *db = store_get(s);
    struct op o;
    json_t *out = NULL;
    op_init(&o, db, &a, T0, NULL, NULL);
    VG_ASSERT(warnings_list(&o, w->partner, &out) == 0);
    struct partner p;
    VG_ASSERT(store_partner_get(db, &a, w->partner, &p) == 0);
    *pending = p.decision_pending;
    *list = json_incref(json_object_get(out, "warnings"));
    json_decref(out);
    op_free(&o);
    store_put(s, db);
    arena_free(&a);
    return json_array_size(*list);
}

TEST(warnings_ask_for_a_decision_at_the_threshold_and_not_before)
{
    struct store *s = fresh_store();
    struct world w;
    make_world(s, &w);
    int64_t rid = issue(s, &w, T0);
    for (int n = 1; n <= WARNINGS_BEFORE_ESCALATION; n++) {
        int64_t due = response_due(s, rid);
        CHECK(due > T0);
        CHECK_INT_EQ(sweep_run(s, due, NULL), 0);
        json_t *list;
        bool pending;
        CHECK_INT_EQ((int64_t)warnings_of(s, &w, &list, &pending), n);
        json_t *last = json_array_get(list, (size_t)n - 1);
        CHECK_INT_EQ(json_integer_value(json_object_get(last, "number")), n);
        CHECK_INT_EQ(json_integer_value(json_object_get(last, "request")), rid);
        char at[21];
        time_format_rfc3339(due, at);
        CHECK_STR_EQ(json_string_value(json_object_get(last, "issued_at")), at);
        CHECK(pending == (n == WARNINGS_BEFORE_ESCALATION));
        /* the next response clock starts where the missed one ended */
        CHECK(response_due(s, rid) > due);
        json_decref(list);
    }
    drop_store(s);
}

TEST(a_response_clock_in_steady_state_warns_nobody)
{
    struct store *s = fresh_store();
    struct world w;
    make_world(s, &w);
    struct db *db = store_get(s);
    VG_ASSERT(store_partner_set_stage(db, w.partner, "steady_state", T0) == 0);
    store_put(s, db);
    int64_t rid = issue(s, &w, T0);
    CHECK_INT_EQ(sweep_run(s, response_due(s, rid), NULL), 0);
    json_t *list;
    bool pending;
    CHECK_INT_EQ((int64_t)warnings_of(s, &w, &list, &pending), 0);
    CHECK(!pending);
    json_decref(list);
    drop_store(s);
}

/* Runs request_view or request_issue as who; returns the result and the refusal's kind. */
static int as(struct store *s, const struct principal *who, int64_t partner_id, int64_t rid,
              bool write, enum op_fail *kind)
{
    struct arena a = {0};
    struct db *db = store_get(s);
    struct op o;
    json_t *v = NULL;
    int64_t id;
    op_init(&o, db, &a, T0, who, NULL);
    int rc = write ? request_issue(&o, partner_id, "avails", "More avails", NULL, &id, NULL)
                   : request_view(&o, rid, &v);
    *kind = rc < 0 ? o.err.kind : 0;
    json_decref(v);
    op_free(&o);
    store_put(s, db);
    arena_free(&a);
    return rc;
}

TEST(the_operations_check_who_acts_without_the_dispatcher)
{
    struct store *s = fresh_store();
    struct world w;
    make_world(s, &w);
    int64_t rid = issue(s, &w, T0);
    struct principal own = {w.user, ROLE_PARTNER, w.partner, PRINCIPAL_USER};
    struct principal other = {w.other_user, ROLE_PARTNER, w.other, PRINCIPAL_USER};
    enum op_fail kind;
    /* the partner reads its own request, and may not issue one */
    CHECK_INT_EQ(as(s, &own, w.partner, rid, false, &kind), 0);
    CHECK_INT_EQ(as(s, &own, w.partner, rid, true, &kind), OP_REFUSED);
    CHECK_INT_EQ(kind, OP_NOT_ALLOWED);
    /* another organisation's request is not there for it */
    CHECK_INT_EQ(as(s, &other, w.partner, rid, false, &kind), OP_REFUSED);
    CHECK_INT_EQ(kind, OP_NOT_FOUND);
    drop_store(s);
}

/* ---- the ladder ends at three ---- */

struct mail_count {
    const char *to, *tmpl;
    int n;
    bool raw_time; /* a body with an RFC 3339 instant in it */
};

static int count_mail(const struct mail_row *m, void *arg)
{
    struct mail_count *c = arg;
    if ((!c->to || !strcmp(m->to_email, c->to)) && !strcmp(m->template_name, c->tmpl)) {
        c->n++;
        if (strstr(m->body, "T00:00:00") || strstr(m->subject, " of 4") ||
            strstr(m->body, "arning 4"))
            c->raw_time = true;
    }
    return 0;
}

/* Messages of template tmpl to address to (NULL: anyone) in the outbox. */
static int mails(struct store *s, const char *to, const char *tmpl, bool *raw)
{
    struct arena a = {0};
    struct db *db = store_get(s);
    struct mail_count c = {to, tmpl, 0, false};
    VG_ASSERT(store_mail_each(db, &a, NULL, 0, 10000, count_mail, &c) == 0);
    store_put(s, db);
    arena_free(&a);
    if (raw)
        *raw = c.raw_time;
    return c.n;
}

struct event_count {
    const char *action;
    int n;
};

static int count_event(const struct event *e, void *arg)
{
    struct event_count *c = arg;
    c->n += !strcmp(e->action, c->action);
    return 0;
}

static int events(struct store *s, int64_t partner, const char *action)
{
    struct arena a = {0};
    struct db *db = store_get(s);
    struct event_count c = {action, 0};
    VG_ASSERT(store_event_each(db, &a, partner, count_event, &c) == 0);
    store_put(s, db);
    arena_free(&a);
    return c.n;
}

static struct partner partner_now(struct store *s, int64_t id, struct arena *a)
{
    struct db *db = store_get(s);
    struct partner p;
    VG_ASSERT(store_partner_get(db, a, id, &p) == 0);
    store_put(s, db);
    return p;
}

/* The pim decides action at now; returns the result (the refusal's message printed). */
static int decide_as_pim(struct store *s, const struct world *w, const char *action,
                         const char *note, int64_t now)
{
    struct arena a = {0};
    struct db *db = store_get(s);
    struct principal pim = {w->pim, ROLE_PIM, 0, PRINCIPAL_USER};
    struct op o;
    op_init(&o, db, &a, now, &pim, "http://vodgate.test");
    json_t *proposal = NULL;
    int rc = training_decide(&o, w->partner, action, note, &proposal);
    if (rc < 0)
        printf("  training_decide %s: %s\n", action, buf_str(&o.err.message));
    json_decref(proposal);
    op_free(&o);
    store_put(s, db);
    arena_free(&a);
    return rc;
}

#define DAY 86400

TEST(a_long_silence_brings_exactly_three_warnings_then_breaches_only)
{
    struct store *s = fresh_store();
    struct world w;
    make_world(s, &w);
    int64_t rid = issue(s, &w, T0);
    /* sixty days without a word, swept once (as after downtime) and then day by day */
    CHECK_INT_EQ(sweep_run(s, T0 + 30 * DAY, NULL), 0);
    for (int d = 31; d <= 60; d++)
        CHECK_INT_EQ(sweep_run(s, T0 + d * DAY, NULL), 0);
    json_t *list;
    bool pending;
    CHECK_INT_EQ((int64_t)warnings_of(s, &w, &list, &pending), 3);
    CHECK(pending);
    for (size_t i = 0; i < json_array_size(list); i++)
        CHECK_INT_EQ(json_integer_value(json_object_get(json_array_get(list, i), "number")),
                     (int64_t)i + 1);
    json_decref(list);
    struct arena a = {0};
    CHECK_INT_EQ(partner_now(s, w.partner, &a).warnings, 3);
    arena_free(&a);
    /* three warning mails to the partner and three copies to the pim, none "of 4" */
    bool raw = false;
    CHECK_INT_EQ(mails(s, "ops@nightjar.test", "warning", &raw), 3);
    CHECK(!raw);
    CHECK_INT_EQ(mails(s, "pim@service.test", "warning", NULL), 3);
    /* the escalation announced once to each of pim, cam and commercial */
    CHECK_INT_EQ(mails(s, NULL, "escalation", NULL), 3);
    CHECK_INT_EQ(mails(s, "pim@service.test", "escalation", NULL), 1);
    CHECK_INT_EQ(mails(s, "cam@service.test", "escalation", NULL), 1);
    CHECK_INT_EQ(mails(s, "deals@service.test", "escalation", NULL), 1);
    CHECK_INT_EQ(events(s, w.partner, "training.decision_requested"), 1);
    /* the missed responses after the third: breaches on record, and the item's clock runs */
    CHECK(events(s, w.partner, "training.missed_response") >= 5);
    CHECK(response_due(s, rid) > T0 + 60 * DAY);
    drop_store(s);
}

TEST(continue_restarts_the_ladder_which_escalates_again_once)
{
    struct store *s = fresh_store();
    struct world w;
    make_world(s, &w);
    issue(s, &w, T0);
    CHECK_INT_EQ(sweep_run(s, T0 + 25 * DAY, NULL), 0);
    json_t *list;
    bool pending;
    CHECK_INT_EQ((int64_t)warnings_of(s, &w, &list, &pending), 3);
    json_decref(list);
    CHECK(pending);
    CHECK_INT_EQ(decide_as_pim(s, &w, "continue", "one more chance: call us first", T0 + 25 * DAY),
                 0);
    struct arena a = {0};
    struct partner p = partner_now(s, w.partner, &a);
    CHECK_INT_EQ(p.warnings, 0);
    CHECK(!p.decision_pending);
    arena_free(&a);
    /* the partner hears of the decision, with the note */
    CHECK_INT_EQ(mails(s, "ops@nightjar.test", "decision", NULL), 1);
    /* a second decision is refused while none is pending */
    CHECK_INT_EQ(decide_as_pim(s, &w, "stop", NULL, T0 + 25 * DAY), OP_REFUSED);
    /* a new ladder: three more warnings, a second escalation, once each */
    CHECK_INT_EQ(sweep_run(s, T0 + 60 * DAY, NULL), 0);
    CHECK_INT_EQ((int64_t)warnings_of(s, &w, &list, &pending), 6);
    CHECK(pending);
    CHECK_INT_EQ(json_integer_value(json_object_get(json_array_get(list, 5), "number")), 3);
    json_decref(list);
    CHECK_INT_EQ(mails(s, "ops@nightjar.test", "warning", NULL), 6);
    CHECK_INT_EQ(mails(s, "cam@service.test", "escalation", NULL), 2);
    CHECK_INT_EQ(events(s, w.partner, "training.decision_requested"), 2);
    drop_store(s);
}

TEST(stop_ends_the_open_clocks_and_resume_brings_the_training_back)
{
    struct store *s = fresh_store();
    struct world w;
    make_world(s, &w);
    int64_t rid = issue(s, &w, T0);
    CHECK_INT_EQ(sweep_run(s, T0 + 25 * DAY, NULL), 0);
    CHECK_INT_EQ(decide_as_pim(s, &w, "stop", "no answer in four weeks", T0 + 25 * DAY), 0);
    struct arena a = {0};
    CHECK_STR_EQ(partner_now(s, w.partner, &a).stage, "stopped");
    CHECK_INT_EQ(response_due(s, rid), 0);
    int before = events(s, w.partner, "training.missed_response");
    CHECK_INT_EQ(sweep_run(s, T0 + 50 * DAY, NULL), 0);
    CHECK_INT_EQ(events(s, w.partner, "training.missed_response"), before);
    /* escalate and propose are refused once decided; resume restarts the count */
    struct db *db = store_get(s);
    struct principal pim = {w.pim, ROLE_PIM, 0, PRINCIPAL_USER};
    struct op o;
    op_init(&o, db, &a, T0 + 50 * DAY, &pim, "http://vodgate.test");
    CHECK_INT_EQ(training_resume(&o, w.partner), 0);
    op_free(&o);
    store_put(s, db);
    struct partner p = partner_now(s, w.partner, &a);
    CHECK_STR_EQ(p.stage, "training");
    CHECK_INT_EQ(p.warnings, 0);
    CHECK_INT_EQ(mails(s, "ops@nightjar.test", "decision", NULL), 2);
    arena_free(&a);
    drop_store(s);
}

TEST(escalate_tells_commercial_and_cam_once_with_the_note)
{
    struct store *s = fresh_store();
    struct world w;
    make_world(s, &w);
    issue(s, &w, T0);
    CHECK_INT_EQ(sweep_run(s, T0 + 25 * DAY, NULL), 0);
    CHECK_INT_EQ(decide_as_pim(s, &w, "escalate", "ask about their QC vendor", T0 + 25 * DAY), 0);
    struct arena a = {0};
    CHECK_STR_EQ(partner_now(s, w.partner, &a).stage, "escalated");
    arena_free(&a);
    CHECK_INT_EQ(mails(s, "deals@service.test", "escalated", NULL), 1);
    CHECK_INT_EQ(mails(s, "cam@service.test", "escalated", NULL), 1);
    CHECK_INT_EQ(mails(s, "pim@service.test", "escalated", NULL), 0);
    /* missed responses while escalated: breaches only, no fourth warning */
    CHECK_INT_EQ(sweep_run(s, T0 + 50 * DAY, NULL), 0);
    json_t *list;
    bool pending;
    CHECK_INT_EQ((int64_t)warnings_of(s, &w, &list, &pending), 3);
    CHECK(!pending);
    json_decref(list);
    CHECK_INT_EQ(mails(s, NULL, "escalation", NULL), 3);
    drop_store(s);
}

T_MAIN
