/*
 * The clock and calendar operations of the application floor (app/clocks.c,
 * app/calendars.c, app/milestones.c, app/planner.c, app/dashboard.c,
 * app/test_clock.c) against a real SQLite store, called as the CLI or a
 * worker would call them: no HTTP. Each case checks what the API tests see
 * only through statuses: who may act (another organisation's partner is not
 * found, a role that may not is not allowed), the typed error and the field
 * it names, and that a refused operation leaves the store as it was.
 */
#include "t.h"

#include <stdlib.h>

#include "app/calendars.h"
#include "app/clocks.h"
#include "app/dashboard.h"
#include "app/milestones.h"
#include "app/planner.h"
#include "app/test_clock.h"
#include "base/now.h"
#include "base/timefmt.h"
#include "store/store.h"

static char dir[64];
static struct store *st;
static struct db *db;
static struct arena arena;
static int64_t admin_id, pim_id, plm_id, cam_id, org_user_id;

static int64_t at(const char *rfc3339)
{
    int64_t t;
    VG_ASSERT(time_parse_rfc3339(rfc3339, &t) == 0);
    return t;
}

static int64_t add_user(const char *email, enum role role, int64_t partner_id)
{
    struct user u = {0};
    u.email = (char *)email;
    u.name = (char *)email;
    u.role = role;
    u.partner_id = partner_id;
    u.password_hash = "x";
    u.created_at = at("2026-01-01T00:00:00Z");
    int64_t id;
    VG_ASSERT(store_user_add(db, &u, &id) == 0);
    return id;
}

static int64_t add_partner(const char *name, int64_t calendar_id, bool channels)
{
    struct partner p = {0};
    p.name = (char *)name;
    p.contact_email = "ops@example.com";
    p.time_zone = "Europe/London";
    p.calendar_id = calendar_id;
    p.channels = channels;
    p.created_at = at("2026-01-01T00:00:00Z");
    int64_t id;
    VG_ASSERT(store_partner_add(db, &p, &id) == 0);
    return id;
}

/* An operation by user id with role (and organisation) at the instant now. */
static void as(struct op *o, int64_t user_id, enum role role, int64_t org_id, const char *now)
{
    struct principal who = {user_id, role, org_id, PRINCIPAL_USER};
    op_init(o, db, &arena, at(now), &who, NULL);
}

/* The first field an OP_INVALID refusal names, or "". */
static const char *field_of(const struct op *o)
{
    const char *f = json_string_value(json_array_get(json_object_get(o->err.extra, "fields"), 0));
    return f ? f : "";
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

struct event_count {
    const char *action;
    int64_t actor_id;
    int n;
};

static int count_event(const struct event *e, void *ctx)
{
    struct event_count *x = ctx;
    x->n += !strcmp(e->action, x->action) && e->actor_id == x->actor_id;
    return 0;
}

/* How many audit events of action user actor_id wrote. */
static int events(const char *action, int64_t actor_id)
{
    struct event_count x = {action, actor_id, 0};
    VG_ASSERT(store_event_each(db, &arena, 0, count_event, &x) == 0);
    return x.n;
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/vodgate-appclocks-XXXXXX");
    VG_ASSERT(mkdtemp(dir));
    char *err = NULL;
    VG_ASSERT(store_open(NULL, dir, &st, &err) == 0);
    db = store_get(st);
    admin_id = add_user("admin@example.com", ROLE_ADMIN, 0);
    pim_id = add_user("pim@example.com", ROLE_PIM, 0);
    plm_id = add_user("plm@example.com", ROLE_PLM, 0);
    cam_id = add_user("cam@example.com", ROLE_CAM, 0);
}

static json_t *calendar_body(void)
{
    return json_pack("{s:s, s:s, s:[i,i,i,i,i], s:[{s:s, s:s}], s:[i,i]}", "name", "London",
                     "time_zone", "Europe/London", "working_days", 1, 2, 3, 4, 5, "holidays",
                     "date", "2026-12-25", "name", "Christmas Day", "years", 2026, 2027);
}

static struct calendar_fields fields_of(const json_t *b)
{
    struct calendar_fields f = {json_string_value(json_object_get(b, "name")),
                                json_string_value(json_object_get(b, "time_zone")),
                                json_object_get(b, "working_days"), json_object_get(b, "years"),
                                json_object_get(b, "holidays")};
    return f;
}

static int64_t calendar_id;

TEST(calendar_fields_are_checked_and_name_the_wrong_one)
{
    setup();
    struct op o;
    struct calendar_row c = {0};
    json_t *b = calendar_body();
    struct calendar_fields f = fields_of(b);
    as(&o, admin_id, ROLE_ADMIN, 0, "2026-01-01T00:00:00Z");
    CHECK(calendars_apply_fields(&o, &f, false, &c) == 0);
    CHECK(c.working_days == 0x1f && c.first_year == 2026 && c.last_year == 2027);
    CHECK(c.n_holidays == 1 && !strcmp(c.holidays[0].name, "Christmas Day"));

    json_object_set_new(b, "working_days", json_pack("[i, i]", 0, 8));
    f = fields_of(b);
    CHECK(calendars_apply_fields(&o, &f, false, &c) == OP_REFUSED);
    CHECK(o.err.kind == OP_INVALID && !strcmp(field_of(&o), "working_days"));
    json_object_set_new(b, "working_days", json_pack("[i]", 1));
    json_object_set_new(b, "years", json_pack("[i, i]", 2027, 2026));
    f = fields_of(b);
    CHECK(calendars_apply_fields(&o, &f, false, &c) == OP_REFUSED);
    CHECK(!strcmp(field_of(&o), "years"));
    json_object_set_new(b, "years", json_pack("[i, i]", 2026, 2026));
    json_object_set_new(b, "holidays", json_pack("[s]", "2026-13-01"));
    f = fields_of(b);
    CHECK(calendars_apply_fields(&o, &f, false, &c) == OP_REFUSED);
    CHECK(!strcmp(field_of(&o), "holidays"));
    CHECK(!strcmp(buf_str(&o.err.message), "holiday '2026-13-01' is not a date YYYY-MM-DD"));
    /* an edit keeps what it does not name */
    json_decref(b);
    b = calendar_body();
    f = fields_of(b);
    CHECK(calendars_apply_fields(&o, &f, false, &c) == 0);
    struct calendar_fields only_zone = {NULL, "Mars/Olympus", NULL, NULL, NULL};
    CHECK(calendars_apply_fields(&o, &only_zone, true, &c) == OP_REFUSED);
    CHECK(!strcmp(field_of(&o), "time_zone"));
    struct calendar_fields only_name = {"Renamed", NULL, NULL, NULL, NULL};
    CHECK(calendars_apply_fields(&o, &only_name, true, &c) == 0);
    CHECK(!strcmp(c.name, "Renamed") && c.working_days == 0x1f && c.n_holidays == 1);
    op_free(&o);
    json_decref(b);
}

TEST(only_an_admin_creates_a_calendar_and_its_creation_is_logged)
{
    struct op o;
    json_t *out = NULL, *b = calendar_body();
    struct calendar_fields f = fields_of(b);
    as(&o, cam_id, ROLE_CAM, 0, "2026-01-01T00:00:00Z");
    CHECK(calendars_create(&o, &f, &out) == OP_REFUSED && !out);
    CHECK(o.err.kind == OP_NOT_ALLOWED && !strcmp(o.err.code, "forbidden"));
    op_free(&o);
    as(&o, admin_id, ROLE_ADMIN, 0, "2026-01-01T00:00:00Z");
    CHECK(calendars_create(&o, &f, &out) == 0);
    calendar_id = json_integer_value(json_object_get(out, "id"));
    CHECK(calendar_id > 0 && json_integer_value(json_object_get(out, "version")) == 1);
    CHECK(!strcmp(str(out, "created_at"), "2026-01-01T00:00:00Z"));
    CHECK(events("calendar.create", admin_id) == 1);
    op_free(&o);
    json_decref(out);
    as(&o, cam_id, ROLE_CAM, 0, "2026-01-01T00:00:00Z");
    CHECK(calendars_get(&o, calendar_id, &out) == 0);
    CHECK(!strcmp(str(out, "name"), "London"));
    json_decref(out);
    CHECK(calendars_get(&o, calendar_id + 100, &out) == OP_REFUSED && o.err.kind == OP_NOT_FOUND);
    op_free(&o);
    json_decref(b);
}

static int64_t partner_id, other_id, delivery_clock, cap_clock;

/* Starts a clock of kind for pid from start (the lifecycle's piece, as the system). */
static int64_t start_clock(int64_t pid, const char *kind, const char *start)
{
    struct buf err = {0};
    int64_t id;
    VG_ASSERT(store_begin(db) == 0);
    int rc = clocks_start(db, &arena, pid, kind, "test:1", at(start), 0, NULL, NULL, at(start), &id,
                          &err);
    VG_ASSERT(rc == 0 && store_commit(db) == 0);
    buf_free(&err);
    return id;
}

TEST(pausing_resuming_and_extending_check_who_acts_and_the_clock)
{
    partner_id = add_partner("Studio", calendar_id, true);
    other_id = add_partner("Other", 0, false);
    org_user_id = add_user("ops@other.example", ROLE_PARTNER, other_id);
    delivery_clock = start_clock(partner_id, "delivery_48h", "2026-12-10T09:00:00Z");
    cap_clock = start_clock(partner_id, "training_30d", "2026-12-10T09:00:00Z");
    struct op o;
    json_t *out = NULL;

    /* roles that may not: a partner's user (staff pause clocks), a plm */
    as(&o, org_user_id, ROLE_PARTNER, other_id, "2026-12-10T10:00:00Z");
    CHECK(clocks_op_pause(&o, delivery_clock, "why", &out) == OP_REFUSED);
    CHECK(o.err.kind == OP_NOT_ALLOWED && !out);
    op_free(&o);
    as(&o, plm_id, ROLE_PLM, 0, "2026-12-10T10:00:00Z");
    CHECK(clocks_op_pause(&o, delivery_clock, "why", &out) == OP_REFUSED);
    CHECK(o.err.kind == OP_NOT_ALLOWED && !strcmp(o.err.code, "forbidden"));
    op_free(&o);
    /* a clock that is not there */
    as(&o, pim_id, ROLE_PIM, 0, "2026-12-10T10:00:00Z");
    CHECK(clocks_op_resume(&o, 999999, &out) == OP_REFUSED && o.err.kind == OP_NOT_FOUND);
    op_free(&o);

    as(&o, pim_id, ROLE_PIM, 0, "2026-12-10T10:00:00Z");
    CHECK(clocks_op_pause(&o, delivery_clock, "", &out) == OP_REFUSED);
    CHECK(o.err.kind == OP_INVALID && !strcmp(field_of(&o), "reason"));
    CHECK(clocks_op_pause(&o, delivery_clock, "waiting on us", &out) == 0);
    CHECK(!strcmp(str(out, "state"), "paused") && json_is_null(json_object_get(out, "due_at")));
    json_decref(out);
    CHECK(events("clock.pause", pim_id) == 1);
    CHECK(clocks_op_pause(&o, delivery_clock, "again", &out) == OP_REFUSED);
    CHECK(o.err.kind == OP_CONFLICT && !strcmp(o.err.code, "clock_state"));
    op_free(&o);

    as(&o, pim_id, ROLE_PIM, 0, "2026-12-10T13:00:00Z");
    CHECK(clocks_op_resume(&o, delivery_clock, &out) == 0);
    CHECK(!strcmp(str(out, "due_at"), "2026-12-12T12:00:00Z")); /* three hours later */
    json_decref(out);
    CHECK(clocks_op_pause(&o, cap_clock, "no", &out) == OP_REFUSED);
    CHECK(o.err.kind == OP_INVALID && !strcmp(o.err.code, "clock_kind"));
    CHECK(clocks_op_extend(&o, delivery_clock, 1, "x", &out) == OP_REFUSED);
    CHECK(!strcmp(o.err.code, "clock_kind"));
    CHECK(clocks_op_extend(&o, cap_clock, 0, "strike", &out) == OP_REFUSED);
    CHECK(!strcmp(o.err.code, "invalid_clock"));
    CHECK(clocks_op_extend(&o, cap_clock, 5, "", &out) == OP_REFUSED);
    CHECK(!strcmp(field_of(&o), "reason"));
    CHECK(clocks_op_extend(&o, cap_clock, 5, "partner on strike", &out) == 0);
    CHECK(json_integer_value(json_object_get(out, "extension_days")) == 5);
    json_decref(out);
    op_free(&o);

    /* the partner's own user sees its clocks; another organisation's does not */
    as(&o, org_user_id, ROLE_PARTNER, other_id, "2026-12-10T13:00:00Z");
    CHECK(clocks_of_partner(&o, partner_id, &out) == OP_REFUSED && o.err.kind == OP_NOT_FOUND);
    CHECK(clocks_of_partner(&o, other_id, &out) == 0);
    CHECK(json_array_size(json_object_get(out, "clocks")) == 0);
    json_decref(out);
    op_free(&o);
}

TEST(a_calendar_edit_that_would_uncover_an_open_clock_changes_nothing)
{
    /* a running clock that counts into January 2027 */
    int64_t late = start_clock(partner_id, "response_3wd", "2026-12-30T10:00:00Z");
    (void)late;
    struct op o;
    json_t *out = NULL;
    struct calendar_fields shrink = {NULL, NULL, NULL, json_pack("[i, i]", 2026, 2026), NULL};
    as(&o, admin_id, ROLE_ADMIN, 0, "2026-12-29T08:00:00Z");
    CHECK(calendars_update(&o, calendar_id, &shrink, &out) == OP_REFUSED && !out);
    CHECK(o.err.kind == OP_INVALID && !strcmp(o.err.code, "calendar_coverage"));
    CHECK(events("calendar.update", admin_id) == 0);
    CHECK(calendars_get(&o, calendar_id, &out) == 0);
    CHECK(json_integer_value(json_object_get(out, "version")) == 1);
    json_decref(out);
    json_decref((json_t *)shrink.years);
    op_free(&o);
}

TEST(a_malformed_ics_file_names_its_line_and_changes_nothing)
{
    static const char bad[] =
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2026-13-01\nEND:VEVENT\nEND:VCALENDAR\n";
    struct op o;
    json_t *out = NULL;
    as(&o, admin_id, ROLE_ADMIN, 0, "2026-12-29T08:00:00Z");
    CHECK(calendars_import_ics(&o, calendar_id, bad, sizeof bad - 1, &out) == OP_REFUSED);
    CHECK(o.err.kind == OP_INVALID && !strcmp(o.err.code, "ics_syntax"));
    CHECK(json_integer_value(json_object_get(o.err.extra, "line")) == 3);
    CHECK(calendars_get(&o, calendar_id, &out) == 0);
    CHECK(json_integer_value(json_object_get(out, "version")) == 1);
    json_decref(out);
    op_free(&o);
}

TEST(a_partner_moves_onto_a_calendar_that_exists)
{
    struct op o;
    json_t *out = NULL;
    as(&o, pim_id, ROLE_PIM, 0, "2026-12-10T13:00:00Z");
    CHECK(calendars_set_partner(&o, other_id, 9999, &out) == OP_REFUSED);
    CHECK(o.err.kind == OP_INVALID && !strcmp(field_of(&o), "calendar"));
    int64_t mine = start_clock(other_id, "response_3wd", "2026-12-14T10:00:00Z");
    CHECK(calendars_set_partner(&o, other_id, calendar_id, &out) == 0);
    CHECK(json_integer_value(json_object_get(out, "calendar")) == calendar_id);
    CHECK(json_integer_value(json_object_get(out, "clocks_moved")) == 0); /* no holiday in it */
    json_decref(out);
    struct clock_row c;
    CHECK(store_clock_get(db, &arena, mine, &c) == 0 && c.calendar_id == calendar_id);
    op_free(&o);
}

TEST(a_plm_sets_a_milestone_with_a_name)
{
    struct op o;
    json_t *out = NULL;
    as(&o, plm_id, ROLE_PLM, 0, "2027-01-04T00:00:00Z");
    CHECK(milestones_add(&o, partner_id, "", at("2027-01-15T09:00:00Z"), &out) == OP_REFUSED);
    CHECK(!strcmp(field_of(&o), "name"));
    CHECK(milestones_add(&o, partner_id, "QA", at("2027-01-15T09:00:00Z"), &out) == 0);
    CHECK(!strcmp(str(out, "kind"), "milestone") && !strcmp(str(out, "label"), "QA"));
    CHECK(!strcmp(str(out, "due_at"), "2027-01-15T09:00:00Z"));
    json_decref(out);
    op_free(&o);
    as(&o, pim_id, ROLE_PIM, 0, "2027-01-04T00:00:00Z");
    CHECK(milestones_add(&o, partner_id, "QA", at("2027-01-15T09:00:00Z"), &out) == OP_REFUSED);
    CHECK(o.err.kind == OP_NOT_ALLOWED);
    op_free(&o);
}

TEST(the_planner_reads_a_partner_or_a_prospect)
{
    struct op o;
    json_t *out = NULL;
    struct planner_query q = {"next year", false, 0, false, NULL};
    as(&o, pim_id, ROLE_PIM, 0, "2027-01-04T00:00:00Z");
    CHECK(planner_view(&o, &q, &out) == OP_REFUSED && !strcmp(field_of(&o), "target"));
    q.target = "2027-06-01";
    q.time_zone = "Nowhere/Land";
    CHECK(planner_view(&o, &q, &out) == OP_REFUSED && !strcmp(field_of(&o), "time_zone"));
    q.time_zone = "";
    CHECK(planner_view(&o, &q, &out) == 0);
    CHECK(json_is_null(json_object_get(out, "partner")));
    CHECK(!strcmp(str(out, "time_zone"), "UTC"));
    json_decref(out);
    /* a partner's plan counts to its last milestone, in its zone */
    struct planner_query pq = {"2027-06-01", true, partner_id, false, NULL};
    CHECK(planner_view(&o, &pq, &out) == 0);
    CHECK(json_integer_value(json_object_get(out, "partner")) == partner_id);
    CHECK(!strcmp(str(out, "time_zone"), "Europe/London"));
    json_decref(out);
    op_free(&o);
    /* an organisation's user: its own plan without naming it, never another's */
    as(&o, org_user_id, ROLE_PARTNER, other_id, "2027-01-04T00:00:00Z");
    struct planner_query own = {"2027-06-01", false, 0, false, NULL};
    CHECK(planner_view(&o, &own, &out) == 0);
    CHECK(json_integer_value(json_object_get(out, "partner")) == other_id);
    json_decref(out);
    CHECK(planner_view(&o, &pq, &out) == OP_REFUSED && o.err.kind == OP_NOT_FOUND);
    op_free(&o);
    /* staff naming no partner that exists ("partner=abc") find none */
    as(&o, pim_id, ROLE_PIM, 0, "2027-01-04T00:00:00Z");
    struct planner_query junk = {"2027-06-01", true, 0, false, NULL};
    CHECK(planner_view(&o, &junk, &out) == OP_REFUSED && o.err.kind == OP_NOT_FOUND);
    op_free(&o);
}

TEST(the_dashboard_is_for_staff)
{
    struct op o;
    json_t *out = NULL;
    as(&o, org_user_id, ROLE_PARTNER, other_id, "2026-12-11T00:00:00Z");
    CHECK(dashboard_view(&o, DASHBOARD_LIST_DEFAULT, &out) == OP_REFUSED);
    CHECK(o.err.kind == OP_NOT_ALLOWED);
    op_free(&o);
    as(&o, cam_id, ROLE_CAM, 0, "2026-12-11T00:00:00Z");
    CHECK(dashboard_view(&o, 0, &out) == OP_REFUSED && !strcmp(field_of(&o), "limit"));
    CHECK(dashboard_view(&o, 1, &out) == 0);
    CHECK(json_integer_value(json_object_get(out, "partners")) == 2);
    json_t *due = json_object_get(out, "due_soon");
    CHECK(json_array_size(json_object_get(due, "clocks")) <= 1);
    CHECK(json_integer_value(json_object_get(due, "hours")) == 48);
    json_decref(out);
    op_free(&o);
}

TEST(the_test_clock_moves_only_forward_and_only_when_on)
{
    struct op o;
    json_t *out = NULL;
    as(&o, admin_id, ROLE_ADMIN, 0, "2026-01-01T00:00:00Z");
    CHECK(test_clock_set(&o, at("2030-01-01T00:00:00Z"), &out) == OP_REFUSED);
    CHECK(o.err.kind == OP_NOT_ALLOWED && !strcmp(o.err.code, "real_clock"));
    CHECK(clocks_start_test(&o, partner_id, "delivery_48h", "x:1", at("2026-01-01T00:00:00Z"),
                            &out) == OP_REFUSED);
    CHECK(!strcmp(o.err.code, "test_clock_only"));
    now_use_test_clock(at("2026-11-27T17:00:00Z"));
    CHECK(clocks_start_test(&o, partner_id, "nonsense", "x:1", at("2026-11-27T17:00:00Z"), &out) ==
          OP_REFUSED);
    CHECK(!strcmp(o.err.code, "clock_kind"));
    CHECK(clocks_start_test(&o, partner_id, "delivery_48h", "x:1", at("2026-11-27T17:00:00Z"),
                            &out) == 0);
    CHECK(!strcmp(str(out, "due_at"), "2026-11-29T17:00:00Z"));
    json_decref(out);
    CHECK(test_clock_set(&o, at("2026-12-02T23:59:59Z"), &out) == 0);
    CHECK(!strcmp(str(out, "now"), "2026-12-02T23:59:59Z") &&
          json_is_true(json_object_get(out, "test")));
    json_decref(out);
    CHECK(test_clock_set(&o, at("2026-12-01T00:00:00Z"), &out) == OP_REFUSED);
    CHECK(o.err.kind == OP_CONFLICT && !strcmp(o.err.code, "clock_backwards"));
    op_free(&o);
    as(&o, pim_id, ROLE_PIM, 0, "2026-12-02T23:59:59Z");
    CHECK(test_clock_set(&o, at("2026-12-03T00:00:00Z"), &out) == OP_REFUSED);
    CHECK(o.err.kind == OP_NOT_ALLOWED);
    op_free(&o);

    /* the last case: the store goes */
    arena_free(&arena);
    store_put(st, db);
    store_close(st);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    VG_ASSERT(system(cmd) == 0);
}

T_MAIN
