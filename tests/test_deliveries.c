/*
 * The deliveries and uploads of the application floor (src/app/deliveries.c,
 * src/app/uploads.c) without HTTP: the comparison of a redelivery's findings
 * with the previous result (pure), and, against a real SQLite store, who may
 * receive, read and list deliveries, whose a new upload is, and that a
 * delivered upload stays. The API tests (tests/api/deliveries.test.mjs,
 * tus_*.test.mjs) drive the same functions through the server.
 */
#include "t.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "app/deliveries.h"
#include "app/uploads.h"
#include "base/arena.h"
#include "store/delivery_store.h"
#include "store/store.h"
#include "store/upload_store.h"

#define T0 1795795200 /* 2026-11-27T16:00:00Z */

/* ---- the comparison with the previous result ---- */

static json_t *finding(const char *code, const char *file, int line)
{
    return json_pack("{s:s, s:s, s:s, s:{s:i}}", "code", code, "severity", "error", "file", file,
                     "location", "line", line);
}

static const char *code_at(json_t *list, size_t i)
{
    return json_string_value(json_object_get(json_array_get(list, i), "code"));
}

TEST(changes_sort_findings_into_fixed_still_failing_and_new)
{
    json_t *before = json_pack("[o, o, o]", finding("a.gone", "x.xml", 1),
                               finding("a.kept", "x.xml", 2), finding("a.moved", "x.xml", 3));
    json_t *now = json_pack("[o, o, o]", finding("a.kept", "x.xml", 2),
                            finding("a.moved", "x.xml", 30), finding("a.fresh", "x.xml", 4));
    json_t *c = delivery_changes(7, before, now, false);
    CHECK_INT_EQ(json_integer_value(json_object_get(c, "compared_with")), 7);
    CHECK(json_is_false(json_object_get(c, "file_names_ignored")));
    json_t *fixed = json_object_get(c, "fixed"), *still = json_object_get(c, "still_failing"),
           *fresh = json_object_get(c, "new");
    CHECK_INT_EQ(json_array_size(fixed), 2); /* a finding at another place is another finding */
    CHECK_STR_EQ(code_at(fixed, 0), "a.gone");
    CHECK_STR_EQ(code_at(fixed, 1), "a.moved");
    CHECK_INT_EQ(json_array_size(still), 1);
    CHECK_STR_EQ(code_at(still, 0), "a.kept");
    CHECK_INT_EQ(json_array_size(fresh), 2);
    CHECK_STR_EQ(code_at(fresh, 0), "a.moved");
    CHECK_STR_EQ(code_at(fresh, 1), "a.fresh");
    /* each finding of the new result says which it is */
    CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(now, 0), "change")),
                 "still_failing");
    CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(now, 2), "change")), "new");
    json_decref(c);
    json_decref(before);
    json_decref(now);
}

TEST(changes_of_one_file_each_ignore_its_name)
{
    json_t *before = json_pack("[o]", finding("a.kept", "avails-v1.xml", 2));
    json_t *now = json_pack("[o]", finding("a.kept", "avails-v2.xml", 2));
    json_t *by_name = delivery_changes(1, before, now, false);
    CHECK_INT_EQ(json_array_size(json_object_get(by_name, "still_failing")), 0);
    CHECK_INT_EQ(json_array_size(json_object_get(by_name, "fixed")), 1);
    json_t *by_place = delivery_changes(1, before, now, true);
    CHECK(json_is_true(json_object_get(by_place, "file_names_ignored")));
    CHECK_INT_EQ(json_array_size(json_object_get(by_place, "still_failing")), 1);
    CHECK_INT_EQ(json_array_size(json_object_get(by_place, "fixed")), 0);
    CHECK_INT_EQ(json_array_size(json_object_get(by_place, "new")), 0);
    json_decref(by_name);
    json_decref(by_place);
    json_decref(before);
    json_decref(now);
}

TEST(changes_of_empty_results_are_empty)
{
    json_t *before = json_array(), *now = json_array();
    json_t *c = delivery_changes(3, before, now, true);
    CHECK_INT_EQ(json_array_size(json_object_get(c, "fixed")), 0);
    CHECK_INT_EQ(json_array_size(json_object_get(c, "still_failing")), 0);
    CHECK_INT_EQ(json_array_size(json_object_get(c, "new")), 0);
    json_decref(c);
    json_decref(before);
    json_decref(now);
}

/* ---- against a store ---- */

struct world {
    char dir[64];
    struct store *store;
    struct db *db;
    struct arena a;
    int64_t partner_a, partner_b, training;
    struct principal user_a, user_b, pim, admin;
};

static int64_t add_partner(struct world *w, const char *name, const char *stage)
{
    struct partner p = {0};
    p.name = (char *)name;
    p.contact_email = "contact@example.com";
    p.time_zone = "Europe/London";
    p.stage = (char *)stage;
    p.created_at = T0;
    int64_t id;
    VG_ASSERT(store_partner_add(w->db, &p, &id) == 0);
    return id;
}

static struct principal add_user(struct world *w, const char *email, enum role role,
                                 int64_t partner_id)
{
    struct user u = {0};
    u.email = (char *)email;
    u.name = (char *)email;
    u.role = role;
    u.partner_id = partner_id;
    u.password_hash = "x";
    u.created_at = T0;
    int64_t id;
    VG_ASSERT(store_user_add(w->db, &u, &id) == 0);
    return (struct principal){id, role, partner_id, PRINCIPAL_USER};
}

/* A complete upload of a partner's, named by its number (id "…0001"). */
static const char *add_upload(struct world *w, int64_t partner_id, int n, const char *state)
{
    struct upload_row u = {0};
    snprintf(u.id, sizeof u.id, "%032x", n);
    u.partner_id = partner_id;
    u.filename = arena_printf(&w->a, "file-%d.xml", n);
    u.length = 10;
    u.state = (char *)state;
    u.sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    u.created_at = u.updated_at = T0;
    VG_ASSERT(store_upload_add(w->db, &u) == 0);
    return arena_strdup(&w->a, u.id);
}

static void world_open(struct world *w)
{
    memset(w, 0, sizeof *w);
    snprintf(w->dir, sizeof w->dir, "/tmp/vodgate-deliveries-XXXXXX");
    VG_ASSERT(mkdtemp(w->dir));
    char *err = NULL;
    VG_ASSERT(store_open(NULL, w->dir, &w->store, &err) == 0);
    w->db = store_get(w->store);
    w->partner_a = add_partner(w, "Studio A", "steady_state");
    w->partner_b = add_partner(w, "Studio B", "steady_state");
    w->training = add_partner(w, "Studio T", "training");
    w->user_a = add_user(w, "a@example.com", ROLE_PARTNER, w->partner_a);
    w->user_b = add_user(w, "b@example.com", ROLE_PARTNER, w->partner_b);
    w->pim = add_user(w, "pim@example.com", ROLE_PIM, 0);
    w->admin = add_user(w, "admin@example.com", ROLE_ADMIN, 0);
}

static void world_close(struct world *w)
{
    store_put(w->store, w->db);
    store_close(w->store);
    arena_free(&w->a);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", w->dir);
    VG_ASSERT(system(cmd) == 0);
}

/* Runs delivery_receive as who; returns rc, the refusal's kind in *fail, its code in *code. */
static int receive(struct world *w, const struct principal *who, int64_t partner_id,
                   int64_t request_id, const char *kind, json_t *files, int64_t *id,
                   json_t **receipt, int *fail, const char **code)
{
    struct op o;
    op_init(&o, w->db, &w->a, T0, who, NULL);
    int rc = delivery_receive(&o, partner_id, request_id, kind, files, id, receipt);
    *fail = rc == OP_REFUSED ? (int)o.err.kind : 0;
    *code = rc == OP_REFUSED ? o.err.code : "";
    op_free(&o);
    return rc;
}

TEST(receiving_checks_the_actor_and_answers_with_the_receipt)
{
    struct world w;
    world_open(&w);
    const char *up = add_upload(&w, w.partner_a, 1, "complete");
    const char *open = add_upload(&w, w.partner_a, 2, "open");
    json_t *files = json_pack("[s]", up);
    int64_t id = 0;
    json_t *receipt = NULL;
    int fail;
    const char *code;
    /* staff who work on deliveries upload, but only the partner (or admin) delivers */
    CHECK_INT_EQ(receive(&w, &w.pim, w.partner_a, 0, "avails", files, &id, &receipt, &fail, &code),
                 OP_REFUSED);
    CHECK_INT_EQ(fail, OP_NOT_ALLOWED);
    /* another organisation's partner is as missing as one that does not exist */
    CHECK_INT_EQ(
        receive(&w, &w.user_b, w.partner_a, 0, "avails", files, &id, &receipt, &fail, &code),
        OP_REFUSED);
    CHECK_INT_EQ(fail, OP_NOT_FOUND);
    CHECK(receipt == NULL);
    CHECK_INT_EQ(receive(&w, &w.user_a, w.partner_a, 0, "trailer", files, &id, NULL, &fail, &code),
                 OP_REFUSED);
    CHECK_INT_EQ(fail, OP_INVALID);
    json_t *unfinished = json_pack("[s]", open);
    CHECK_INT_EQ(
        receive(&w, &w.user_a, w.partner_a, 0, "avails", unfinished, &id, NULL, &fail, &code),
        OP_REFUSED);
    CHECK_STR_EQ(code, "upload_incomplete");
    json_t *twice = json_pack("[s, s]", up, up);
    CHECK_INT_EQ(receive(&w, &w.user_a, w.partner_a, 0, "avails", twice, &id, NULL, &fail, &code),
                 OP_REFUSED);
    CHECK_INT_EQ(fail, OP_INVALID);
    /* B's upload is not A's to deliver */
    json_t *foreign = json_pack("[s]", add_upload(&w, w.partner_b, 3, "complete"));
    CHECK_INT_EQ(receive(&w, &w.user_a, w.partner_a, 0, "avails", foreign, &id, NULL, &fail, &code),
                 OP_REFUSED);
    CHECK_INT_EQ(fail, OP_INVALID);
    /* during training a delivery answers a request */
    json_t *t_files = json_pack("[s]", add_upload(&w, w.training, 4, "complete"));
    CHECK_INT_EQ(receive(&w, &w.admin, w.training, 0, "avails", t_files, &id, NULL, &fail, &code),
                 OP_REFUSED);
    CHECK_INT_EQ(fail, OP_INVALID);

    CHECK_INT_EQ(
        receive(&w, &w.user_a, w.partner_a, 0, "avails", files, &id, &receipt, &fail, &code), 0);
    CHECK(id > 0);
    CHECK_STR_EQ(json_string_value(json_object_get(receipt, "status")), "validating");
    json_t *r = json_object_get(receipt, "receipt");
    CHECK_STR_EQ(json_string_value(json_object_get(r, "received_at")), "2026-11-27T16:00:00Z");
    CHECK_STR_EQ(json_string_value(json_object_get(r, "time_zone")), "Europe/London");
    CHECK_STR_EQ(
        json_string_value(json_object_get(json_array_get(json_object_get(r, "files"), 0), "name")),
        "file-1.xml");
    json_decref(receipt);
    /* committed: the delivery and its validation job are there */
    struct delivery_row d;
    CHECK_INT_EQ(store_delivery_get(w.db, &w.a, id, &d), 0);
    CHECK_STR_EQ(d.status, "validating");
    CHECK_INT_EQ(d.created_by, w.user_a.user_id);

    /* a caller that holds the transaction joins it (the demo) */
    CHECK_INT_EQ(store_begin(w.db), 0);
    struct op o;
    op_init(&o, w.db, &w.a, T0 + 60, NULL, NULL);
    op_join(&o);
    int64_t again = 0;
    CHECK_INT_EQ(delivery_receive(&o, w.partner_a, 0, "avails", files, &again, NULL), 0);
    op_free(&o);
    store_rollback(w.db);
    CHECK(store_delivery_get(w.db, &w.a, again, &d) == STORE_ERR_NOT_FOUND);

    json_decref(files);
    json_decref(unfinished);
    json_decref(twice);
    json_decref(foreign);
    json_decref(t_files);
    world_close(&w);
}

/* Reads delivery id as who: the view, or NULL with the refusal's kind in *fail. */
static json_t *view(struct world *w, const struct principal *who, int64_t id, int *fail)
{
    struct op o;
    op_init(&o, w->db, &w->a, T0, who, NULL);
    json_t *out;
    int rc = delivery_view(&o, id, &out);
    *fail = rc == OP_REFUSED ? (int)o.err.kind : 0;
    op_free(&o);
    return out;
}

TEST(a_delivery_is_read_by_its_partner_and_staff_and_listed_a_page_at_a_time)
{
    struct world w;
    world_open(&w);
    int64_t ids[3];
    for (int i = 0; i < 3; i++) {
        json_t *files = json_pack("[s]", add_upload(&w, w.partner_a, 10 + i, "complete"));
        int fail;
        const char *code;
        CHECK_INT_EQ(
            receive(&w, &w.user_a, w.partner_a, 0, "avails", files, &ids[i], NULL, &fail, &code),
            0);
        json_decref(files);
    }
    int fail;
    json_t *v = view(&w, &w.pim, ids[0], &fail);
    CHECK(v != NULL);
    CHECK_INT_EQ(json_array_size(json_object_get(v, "files")), 1);
    CHECK_INT_EQ(json_integer_value(json_object_get(v, "latest")), ids[2]);
    json_decref(v);
    v = view(&w, &w.user_a, ids[1], &fail);
    CHECK_INT_EQ(json_integer_value(json_object_get(v, "previous")), ids[0]);
    CHECK(json_object_get(v, "changes") == NULL); /* not while it is validating */
    json_decref(v);
    CHECK(view(&w, &w.user_b, ids[0], &fail) == NULL);
    CHECK_INT_EQ(fail, OP_NOT_FOUND);
    CHECK(view(&w, &w.admin, 999, &fail) == NULL);
    CHECK_INT_EQ(fail, OP_NOT_FOUND);

    struct op o;
    op_init(&o, w.db, &w.a, T0, &w.user_a, NULL);
    json_t *page;
    CHECK_INT_EQ(delivery_list(&o, w.partner_a, 0, 2, &page), 0);
    json_t *list = json_object_get(page, "deliveries");
    CHECK_INT_EQ(json_array_size(list), 2);
    CHECK_INT_EQ(json_integer_value(json_object_get(json_array_get(list, 0), "id")), ids[2]);
    CHECK(json_object_get(json_array_get(list, 0), "findings") == NULL);
    CHECK_INT_EQ(json_integer_value(json_object_get(page, "next")), ids[1]);
    json_decref(page);
    CHECK_INT_EQ(delivery_list(&o, w.partner_a, ids[1], 2, &page), 0);
    CHECK_INT_EQ(json_array_size(json_object_get(page, "deliveries")), 1);
    CHECK(json_is_null(json_object_get(page, "next")));
    json_decref(page);
    CHECK_INT_EQ(delivery_list(&o, w.partner_a, 0, DELIVERY_PAGE_MAX + 1, &page), OP_REFUSED);
    CHECK_INT_EQ(o.err.kind, OP_INVALID);
    CHECK_INT_EQ(delivery_list(&o, w.partner_b, 0, 10, &page), OP_REFUSED);
    CHECK_INT_EQ(o.err.kind, OP_NOT_FOUND);
    op_free(&o);
    world_close(&w);
}

/* uploads_owner as who naming named: the partner, or 0 with the refusal's code in *code. */
static int64_t owner(struct world *w, const struct principal *who, int64_t named, const char **code)
{
    struct op o;
    op_init(&o, w->db, &w->a, T0, who, NULL);
    int64_t id = -1;
    int rc = uploads_owner(&o, named, &id);
    *code = rc == OP_REFUSED ? o.err.code : "";
    op_free(&o);
    return rc == 0 ? id : 0;
}

TEST(a_new_upload_is_its_uploaders_or_the_partner_staff_name)
{
    struct world w;
    world_open(&w);
    const char *code;
    CHECK_INT_EQ(owner(&w, &w.user_a, 0, &code), w.partner_a);
    CHECK_INT_EQ(owner(&w, &w.user_a, w.partner_a, &code), w.partner_a);
    CHECK_INT_EQ(owner(&w, &w.user_a, w.partner_b, &code), 0);
    CHECK_STR_EQ(code, "partner");
    CHECK_INT_EQ(owner(&w, &w.pim, 0, &code), 0); /* staff name their partner */
    CHECK_STR_EQ(code, "partner");
    CHECK_INT_EQ(owner(&w, &w.pim, w.partner_b, &code), w.partner_b);
    CHECK_INT_EQ(owner(&w, &w.admin, 999999, &code), 0);
    CHECK_STR_EQ(code, "partner");
    world_close(&w);
}

TEST(uploads_are_read_by_their_organisation_and_a_delivered_one_stays)
{
    struct world w;
    world_open(&w);
    const char *a1 = add_upload(&w, w.partner_a, 21, "complete");
    const char *b1 = add_upload(&w, w.partner_b, 22, "complete");
    struct op o;
    op_init(&o, w.db, &w.a, T0, &w.user_a, NULL);
    json_t *out;
    CHECK_INT_EQ(uploads_list(&o, 0, &out), 0);
    json_t *list = json_object_get(out, "uploads");
    CHECK_INT_EQ(json_array_size(list), 1);
    CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(list, 0), "id")), a1);
    json_decref(out);
    CHECK_INT_EQ(uploads_view(&o, a1, &out), 0);
    CHECK(json_is_true(json_object_get(out, "complete")));
    CHECK(json_is_null(json_object_get(out, "expires_at")));
    json_decref(out);
    CHECK_INT_EQ(uploads_view(&o, b1, &out), OP_REFUSED);
    CHECK_INT_EQ(o.err.kind, OP_NOT_FOUND);
    CHECK_INT_EQ(uploads_check_terminate(&o, a1), 0);
    op_free(&o);

    json_t *files = json_pack("[s]", a1);
    int64_t id;
    int fail;
    const char *code;
    CHECK_INT_EQ(receive(&w, &w.user_a, w.partner_a, 0, "avails", files, &id, NULL, &fail, &code),
                 0);
    json_decref(files);
    op_init(&o, w.db, &w.a, T0, &w.user_a, NULL);
    CHECK_INT_EQ(uploads_check_terminate(&o, a1), OP_REFUSED);
    CHECK_INT_EQ(o.err.kind, OP_CONFLICT);
    CHECK_STR_EQ(o.err.code, "delivered");
    CHECK_INT_EQ(json_integer_value(json_object_get(o.err.extra, "delivery")), id);
    op_free(&o);
    /* staff read every upload */
    op_init(&o, w.db, &w.a, T0, &w.pim, NULL);
    CHECK_INT_EQ(uploads_list(&o, w.partner_b, &out), 0);
    CHECK_INT_EQ(json_array_size(json_object_get(out, "uploads")), 1);
    json_decref(out);
    op_free(&o);
    world_close(&w);
}

T_MAIN
