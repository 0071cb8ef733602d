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

#include "app/lifecycle_steps.h"
#include "app/requests.h"
#include "app/warnings.h"
#include "base/timefmt.h"
#include "jobs/sweep.h"
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
    sweep_use_handlers(warnings_clock_handlers, n_warnings_clock_handlers);
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
    int64_t partner, other, pim, user, other_user;
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
    VG_ASSERT(store_partner_set_owner(db, w->partner, "pim", w->pim) == 0);
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

T_MAIN
