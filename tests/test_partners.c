/*
 * The partner operations of the application floor (app/partners.c) and the
 * outbox listing (app/messages.c) against a real SQLite store: inviting a
 * partner checks its input field by field and writes its audit event; the
 * reads see only what the actor may see (another organisation's partner is
 * not found, a partner's user reads only its own mail); the audit log pages
 * back from the newest; arguments given as text are checked as the API's.
 */
#include "t.h"

#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "app/messages.h"
#include "app/op.h"
#include "app/partners.h"
#include "core/lifecycle.h"
#include "store/mail_store.h"
#include "store/store.h"

#define T0 1795795200 /* 2026-11-27T16:00:00Z */

static char dir[64];

struct world {
    struct store *store;
    struct db *db;
    struct arena a;
};

static void open_world(struct world *w)
{
    snprintf(dir, sizeof dir, "/tmp/vodgate-partners-XXXXXX");
    VG_ASSERT(mkdtemp(dir));
    char *err = NULL;
    VG_ASSERT(store_open(NULL, dir, &w->store, &err) == 0);
    w->db = store_get(w->store);
    memset(&w->a, 0, sizeof w->a);
}

static void close_world(struct world *w)
{
    arena_free(&w->a);
    store_put(w->store, w->db);
    store_close(w->store);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    VG_ASSERT(system(cmd) == 0);
}

/* An op by who (NULL: the system); the caller frees it with op_free. */
static void as(struct world *w, struct op *o, const struct principal *who)
{
    op_init(o, w->db, &w->a, T0, who, "http://vodgate.test");
}

static int64_t add_user(struct world *w, const char *email, enum role role, int64_t partner_id)
{
    struct user u = {0};
    u.email = (char *)email;
    u.name = (char *)email;
    u.role = role;
    u.partner_id = partner_id;
    u.password_hash = "";
    u.created_at = T0;
    int64_t id;
    VG_ASSERT(store_user_add(w->db, &u, &id) == 0);
    return id;
}

static int64_t invite(struct world *w, const struct principal *who, const char *name)
{
    struct op o;
    as(w, &o, who);
    struct partner_new in = {name, "Contact@Example.com", "Europe/Paris", 0, false, false, NULL};
    struct partner p;
    int rc = partners_create(&o, &in, &p, NULL);
    CHECK_INT_EQ(rc, 0);
    op_free(&o);
    return rc == 0 ? p.id : 0;
}

/* The field an OP_INVALID refusal names, or "". */
static const char *field_of(const struct op *o)
{
    const char *f = json_string_value(json_array_get(json_object_get(o->err.extra, "fields"), 0));
    return f ? f : "";
}

TEST(create_checks_each_field_and_writes_its_event)
{
    struct world w;
    open_world(&w);
    struct principal cam = {add_user(&w, "cam@vodgate.test", ROLE_CAM, 0), ROLE_CAM, 0,
                            PRINCIPAL_USER};
    static const struct {
        struct partner_new in;
        const char *field;
    } bad[] = {
        {{"", "a@example.com", "UTC", 0, false, false, NULL}, "name"},
        {{"Aurora", "not an address", "UTC", 0, false, false, NULL}, "contact_email"},
        {{"Aurora", "a@example.com", "Mars/Olympus", 0, false, false, NULL}, "time_zone"},
        {{"Aurora", "a@example.com", "UTC", 99, false, false, NULL}, "calendar"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct op o;
        as(&w, &o, &cam);
        CHECK_INT_EQ(partners_create(&o, &bad[i].in, NULL, NULL), OP_REFUSED);
        CHECK_INT_EQ(o.err.kind, OP_INVALID);
        CHECK_STR_EQ(field_of(&o), bad[i].field);
        op_free(&o);
    }
    struct op o;
    as(&w, &o, &cam);
    struct partner_new in = {
        "Aurora Studios", " Ops@Aurora.example ", "Europe/Paris", 0, true, false, "demo"};
    struct partner p;
    json_t *view = NULL;
    CHECK_INT_EQ(partners_create(&o, &in, &p, &view), 0);
    op_free(&o);
    CHECK_STR_EQ(p.contact_email, "ops@aurora.example");
    CHECK_INT_EQ(p.cam_id, cam.user_id);
    CHECK_STR_EQ(json_string_value(json_object_get(view, "stage")), "invited");
    CHECK(json_is_true(json_object_get(view, "channels")));
    CHECK(!json_object_get(view, "via")); /* the view is the partner's; "via" is the event's */
    json_decref(view);

    as(&w, &o, &cam);
    json_t *log = NULL;
    struct partners_events_query q = {0};
    CHECK_INT_EQ(partners_events(&o, p.id, &q, &log), 0);
    op_free(&o);
    json_t *e = json_array_get(json_object_get(log, "events"), 0);
    CHECK_STR_EQ(json_string_value(json_object_get(e, "action")), "partner.create");
    CHECK_STR_EQ(json_string_value(json_object_get(e, "actor")), "cam@vodgate.test");
    CHECK_STR_EQ(json_string_value(json_object_get(json_object_get(e, "after"), "via")), "demo");
    json_decref(log);

    /* a pim may not invite */
    struct principal pim = {add_user(&w, "pim@vodgate.test", ROLE_PIM, 0), ROLE_PIM, 0,
                            PRINCIPAL_USER};
    as(&w, &o, &pim);
    CHECK_INT_EQ(partners_create(&o, &in, NULL, NULL), OP_REFUSED);
    CHECK_INT_EQ(o.err.kind, OP_NOT_ALLOWED);
    op_free(&o);
    close_world(&w);
}

TEST(an_organisation_sees_only_itself)
{
    struct world w;
    open_world(&w);
    int64_t a = invite(&w, NULL, "Aurora"), b = invite(&w, NULL, "Bluefin");
    struct principal aurora = {add_user(&w, "a@aurora.example", ROLE_PARTNER, a), ROLE_PARTNER, a,
                               PRINCIPAL_USER};
    struct op o;
    json_t *j = NULL;
    as(&w, &o, &aurora);
    CHECK_INT_EQ(partners_view(&o, b, &j), OP_REFUSED);
    CHECK_INT_EQ(o.err.kind, OP_NOT_FOUND); /* the same as a missing one */
    op_free(&o);
    as(&w, &o, &aurora);
    CHECK_INT_EQ(partners_view(&o, a, &j), 0);
    op_free(&o);
    CHECK_STR_EQ(json_string_value(json_object_get(j, "name")), "Aurora");
    CHECK_INT_EQ(json_array_size(json_object_get(json_object_get(j, "setup"), "items")), ITEM_N);
    json_decref(j);
    as(&w, &o, &aurora);
    struct partners_query q = {0};
    CHECK_INT_EQ(partners_list(&o, &q, &j), 0);
    op_free(&o);
    CHECK_INT_EQ(json_integer_value(json_object_get(j, "total")), 1);
    json_decref(j);
    /* the audit log is for staff */
    as(&w, &o, &aurora);
    struct partners_events_query eq = {0};
    CHECK_INT_EQ(partners_events(&o, a, &eq, &j), OP_REFUSED);
    CHECK_INT_EQ(o.err.kind, OP_NOT_ALLOWED);
    op_free(&o);
    close_world(&w);
}

TEST(list_arguments_are_checked_as_text)
{
    struct world w;
    open_world(&w);
    invite(&w, NULL, "Cobalt");
    invite(&w, NULL, "Aurora");
    static const struct {
        struct partners_query q;
        const char *field;
    } bad[] = {
        {{.sort = "size"}, "sort"},   {{.dir = "up"}, "dir"},      {{.mine = "yes"}, "mine"},
        {{.q = "\xff\xfe"}, "q"},     {{.limit = "0"}, "limit"},   {{.limit = "1001"}, "limit"},
        {{.offset = "-1"}, "offset"}, {{.limit = "ten"}, "limit"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct op o;
        json_t *j = NULL;
        as(&w, &o, NULL);
        CHECK_INT_EQ(partners_list(&o, &bad[i].q, &j), OP_REFUSED);
        CHECK_STR_EQ(field_of(&o), bad[i].field);
        op_free(&o);
    }
    struct op o;
    json_t *j = NULL;
    as(&w, &o, NULL);
    CHECK_INT_EQ(op_int_arg(&o, "limit", "0", 1, 1000, 5, &(int64_t){0}), OP_REFUSED);
    CHECK_STR_EQ(buf_str(&o.err.message), "'limit' must be a whole number from 1 to 1000");
    op_free(&o);
    as(&w, &o, NULL);
    int64_t v = 0;
    CHECK_INT_EQ(op_int_arg(&o, "offset", "", 0, INT64_MAX, 7, &v), 0); /* empty: absent */
    CHECK_INT_EQ(v, 7);
    struct partners_query q = {.sort = "name", .limit = "1"};
    CHECK_INT_EQ(partners_list(&o, &q, &j), 0);
    op_free(&o);
    CHECK_INT_EQ(json_integer_value(json_object_get(j, "total")), 2);
    CHECK_INT_EQ(json_array_size(json_object_get(j, "partners")), 1);
    CHECK_STR_EQ(json_string_value(
                     json_object_get(json_array_get(json_object_get(j, "partners"), 0), "name")),
                 "Aurora");
    json_decref(j);
    close_world(&w);
}

TEST(the_audit_log_pages_back_from_the_newest)
{
    struct world w;
    open_world(&w);
    int64_t id = invite(&w, NULL, "Delta");
    struct partner p;
    VG_ASSERT(store_partner_get(w.db, &w.a, id, &p) == 0);
    for (int i = 0; i < 4; i++) {
        struct event e = {0};
        e.at = T0 + i;
        e.partner_id = id;
        e.subject = "partner:1";
        e.action = i % 2 ? "partner.stage" : "note";
        VG_ASSERT(store_event_add(w.db, &e) == 0);
    }
    struct op o;
    json_t *j = NULL;
    as(&w, &o, NULL);
    struct partners_events_query q = {NULL, "2", NULL};
    CHECK_INT_EQ(partners_events(&o, id, &q, &j), 0);
    op_free(&o);
    json_t *list = json_object_get(j, "events");
    CHECK_INT_EQ(json_array_size(list), 2);
    CHECK_INT_EQ(json_integer_value(json_object_get(j, "total")), 5);
    /* oldest first within the page, and next points below it */
    json_int_t first = json_integer_value(json_object_get(json_array_get(list, 0), "id"));
    CHECK(first < json_integer_value(json_object_get(json_array_get(list, 1), "id")));
    CHECK_INT_EQ(json_integer_value(json_object_get(j, "next")), first);
    json_decref(j);
    as(&w, &o, NULL);
    struct partners_events_query stages = {"partner.stage", NULL, NULL};
    CHECK_INT_EQ(partners_events(&o, id, &stages, &j), 0);
    op_free(&o);
    CHECK_INT_EQ(json_integer_value(json_object_get(j, "total")), 2);
    CHECK(json_is_null(json_object_get(j, "next")));
    json_decref(j);
    as(&w, &o, NULL);
    struct partners_events_query over = {NULL, "1001", NULL};
    CHECK_INT_EQ(partners_events(&o, id, &over, &j), OP_REFUSED);
    CHECK_STR_EQ(field_of(&o), "limit");
    op_free(&o);
    close_world(&w);
}

static void add_mail(struct world *w, const char *to, int64_t partner_id)
{
    struct mail_row m = {0};
    m.to_email = (char *)to;
    m.partner_id = partner_id;
    m.template_name = "note";
    m.subject = "A note";
    m.body = "Hello";
    static int n;
    m.message_id = arena_printf(&w->a, "<%d@vodgate.test>", ++n);
    m.created_at = T0;
    m.next_attempt_at = T0;
    m.state = "queued";
    int64_t id;
    VG_ASSERT(store_mail_add(w->db, &m, &id) == 0);
}

TEST(a_partner_user_reads_only_its_own_mail)
{
    struct world w;
    open_world(&w);
    int64_t a = invite(&w, NULL, "Ember");
    struct principal ember = {add_user(&w, "ops@ember.example", ROLE_PARTNER, a), ROLE_PARTNER, a,
                              PRINCIPAL_USER};
    struct principal pom = {add_user(&w, "pom@vodgate.test", ROLE_POM, 0), ROLE_POM, 0,
                            PRINCIPAL_USER};
    add_mail(&w, "ops@ember.example", a);
    add_mail(&w, "someone@else.example", a);
    add_mail(&w, "ops@ember.example", 0);
    struct op o;
    json_t *j = NULL;
    as(&w, &o, &ember);
    struct messages_query q = {.to = "someone@else.example"};
    CHECK_INT_EQ(messages_list(&o, &q, &j), 0); /* asking for someone else's finds nothing */
    op_free(&o);
    CHECK_INT_EQ(json_array_size(json_object_get(j, "messages")), 0);
    json_decref(j);
    as(&w, &o, &ember);
    struct messages_query all = {0};
    CHECK_INT_EQ(messages_list(&o, &all, &j), 0);
    op_free(&o);
    CHECK_INT_EQ(json_array_size(json_object_get(j, "messages")), 2);
    json_decref(j);
    as(&w, &o, &pom);
    struct messages_query about = {.partner = "1", .limit = "1"};
    CHECK_INT_EQ(messages_list(&o, &about, &j), 0);
    op_free(&o);
    CHECK_INT_EQ(json_array_size(json_object_get(j, "messages")), 1);
    CHECK(json_is_integer(json_object_get(j, "next_before"))); /* a full page: more behind */
    json_decref(j);
    static const struct {
        struct messages_query q;
        const char *field;
    } bad[] = {
        {{.to = "nobody"}, "to"},
        {{.state = "lost"}, "state"},
        {{.partner = "x"}, "partner"},
        {{.limit = "201"}, "limit"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        as(&w, &o, &pom);
        CHECK_INT_EQ(messages_list(&o, &bad[i].q, &j), OP_REFUSED);
        CHECK_STR_EQ(field_of(&o), bad[i].field);
        op_free(&o);
    }
    close_world(&w);
}

T_MAIN
