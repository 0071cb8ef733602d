/*
 * The clock sweep against a real SQLite store: every breach fires exactly
 * once, in due order, with its own due instant — with two sweeping processes
 * racing, with a crash between claim and commit, and after a long downtime.
 */
#include "t.h"

#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobs/sweep.h"
#include "store/db.h"
#include "store/store.h"

#define T0 1795795200 /* 2026-11-27T16:00:00Z */

static char dir[64];

static struct store *fresh_store(void)
{
    snprintf(dir, sizeof dir, "/tmp/vodgate-sweep-XXXXXX");
    VG_ASSERT(mkdtemp(dir));
    struct store *s;
    char *err = NULL;
    VG_ASSERT(store_open(NULL, dir, &s, &err) == 0);
    return s;
}

static struct store *reopen(void)
{
    struct store *s;
    char *err = NULL;
    VG_ASSERT(store_open(NULL, dir, &s, &err) == 0);
    return s;
}

static void drop_store(struct store *s)
{
    store_close(s);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    VG_ASSERT(system(cmd) == 0);
}

static int64_t add_clock(struct store *s, const char *kind, int64_t due)
{
    struct db *db = store_get(s);
    struct clock_row c = {0};
    c.kind = (char *)kind;
    c.subject = "test:1";
    c.time_zone = "UTC";
    c.started_at = due - 3600;
    c.due_at = due;
    c.state = "running";
    c.tzdata = "test";
    c.created_at = T0;
    int64_t id;
    VG_ASSERT(store_clock_add(db, &c, &id) == 0);
    store_put(s, db);
    return id;
}

struct breaches {
    int n;
    int64_t at[4096];
    char subject[4096][32];
};

static int collect(const struct event *e, void *ctx)
{
    struct breaches *b = ctx;
    if (strcmp(e->action, "clock.breached") == 0 && b->n < 4096) {
        b->at[b->n] = e->at;
        snprintf(b->subject[b->n], sizeof b->subject[0], "%s", e->subject);
        b->n++;
    }
    return 0;
}

static void breaches_of(struct store *s, struct breaches *b)
{
    struct arena a = {0};
    struct db *db = store_get(s);
    b->n = 0;
    store_event_each(db, &a, 0, collect, b);
    store_put(s, db);
    arena_free(&a);
}

TEST(sweep_breaches_only_what_is_due_at_its_due_instant)
{
    struct store *s = fresh_store();
    add_clock(s, "delivery_48h", T0 + 100);
    add_clock(s, "delivery_48h", T0 + 200);
    add_clock(s, "delivery_48h", T0 + 300);
    struct sweep_stats st;
    CHECK_INT_EQ(sweep_run(s, T0 + 199, &st), 0);
    CHECK_INT_EQ(st.n_breached, 1);
    /* due is exclusive: at the due instant itself the clock is breached */
    CHECK_INT_EQ(sweep_run(s, T0 + 200, &st), 0);
    CHECK_INT_EQ(st.n_breached, 1);
    CHECK_INT_EQ(sweep_run(s, T0 + 200, &st), 0);
    CHECK_INT_EQ(st.n_breached, 0);
    struct breaches *b = calloc(1, sizeof *b);
    breaches_of(s, b);
    CHECK_INT_EQ(b->n, 2);
    CHECK_INT_EQ(b->at[0], T0 + 100);
    CHECK_INT_EQ(b->at[1], T0 + 200);
    free(b);
    struct db *db = store_get(s);
    CHECK_INT_EQ(store_clock_count(db, "running"), 1);
    CHECK_INT_EQ(store_clock_count(db, "breached"), 2);
    store_put(s, db);
    drop_store(s);
}

TEST(two_processes_sweeping_at_once_fire_each_breach_once)
{
    struct store *s = fresh_store();
    const int n = 1500;
    for (int i = 0; i < n; i++)
        add_clock(s, "delivery_48h", T0 + i);
    store_close(s);
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            struct store *mine = reopen();
            int rc = sweep_run(mine, T0 + n, NULL);
            store_close(mine);
            _exit(rc == 0 ? 0 : 1);
        }
    }
    for (int k = 0; k < 2; k++) {
        int status;
        waitpid(kids[k], &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    s = reopen();
    struct breaches *b = calloc(1, sizeof *b);
    breaches_of(s, b);
    CHECK_INT_EQ(b->n, n);
    for (int i = 1; i < b->n; i++)
        CHECK(strcmp(b->subject[i - 1], b->subject[i]) != 0);
    free(b);
    struct db *db = store_get(s);
    CHECK_INT_EQ(store_clock_count(db, "breached"), n);
    store_put(s, db);
    drop_store(s);
}

TEST(a_crash_between_claim_and_commit_loses_and_doubles_nothing)
{
    struct store *s = fresh_store();
    for (int i = 0; i < 10; i++)
        add_clock(s, "delivery_48h", T0 + i);
    store_close(s);
    pid_t kid = fork();
    if (kid == 0) {
        setenv("VODGATE_TEST_CRASH", "after_claim", 1);
        setenv("ASAN_OPTIONS", "handle_abort=0", 1);
        struct store *mine = reopen();
        sweep_run(mine, T0 + 100, NULL);
        _exit(0); /* not reached: the sweep aborts after its first claim */
    }
    int status;
    waitpid(kid, &status, 0);
    CHECK(WIFSIGNALED(status));
    s = reopen();
    struct db *db = store_get(s);
    CHECK_INT_EQ(store_clock_count(db, "running"), 10);
    store_put(s, db);
    struct sweep_stats st;
    CHECK_INT_EQ(sweep_run(s, T0 + 100, &st), 0);
    CHECK_INT_EQ(st.n_breached, 10);
    struct breaches *b = calloc(1, sizeof *b);
    breaches_of(s, b);
    CHECK_INT_EQ(b->n, 10);
    free(b);
    drop_store(s);
}

/* A test ladder: each breach of a "ladder" clock starts the next at its due instant, 3 at most. */
static int ladder(struct db *db, struct arena *a, const struct clock_row *c, int64_t now)
{
    (void)a;
    (void)now;
    struct db_stmt *st = db_query(db, "SELECT COUNT(*) FROM clocks WHERE kind = 'ladder'", "");
    int64_t n = db_step(st) == DB_ROW ? db_int(st, 0) : 0;
    db_done(st);
    if (n >= 3)
        return 0;
    struct clock_row next = *c;
    next.started_at = c->due_at;
    next.due_at = c->due_at + 86400 * 2;
    next.state = "running";
    int64_t id;
    return store_clock_add(db, &next, &id);
}

TEST(after_downtime_missed_breaches_fire_once_each_in_order)
{
    sweep_on_breach("ladder", ladder);
    struct store *s = fresh_store();
    add_clock(s, "ladder", T0 + 86400);            /* day 1, then day 3, then day 5 */
    add_clock(s, "delivery_48h", T0 + 86400 * 2);  /* day 2 */
    add_clock(s, "delivery_48h", T0 + 86400 * 4);  /* day 4 */
    add_clock(s, "delivery_48h", T0 + 86400 * 30); /* not yet */
    /* the server was down for a week */
    struct sweep_stats st;
    CHECK_INT_EQ(sweep_run(s, T0 + 86400 * 7, &st), 0);
    CHECK_INT_EQ(st.n_breached, 5);
    struct breaches *b = calloc(1, sizeof *b);
    breaches_of(s, b);
    CHECK_INT_EQ(b->n, 5);
    for (int i = 0; i < 5 && i < b->n; i++)
        CHECK_INT_EQ(b->at[i], T0 + 86400 * (i + 1));
    CHECK_INT_EQ(sweep_run(s, T0 + 86400 * 7, &st), 0);
    CHECK_INT_EQ(st.n_breached, 0);
    free(b);
    drop_store(s);
}

static int failing(struct db *db, struct arena *a, const struct clock_row *c, int64_t now)
{
    (void)a;
    (void)c;
    (void)now;
    /* do some work, then fail: the work must be undone, the breach kept */
    db_run(db, "UPDATE clocks SET label = 'half done' WHERE kind = 'failing'", "");
    return STORE_ERR;
}

static int count_action(const struct event *e, void *ctx)
{
    if (!strcmp(e->action, "clock.handler_failed"))
        (*(int *)ctx)++;
    return 0;
}

TEST(a_failing_handler_neither_undoes_the_breach_nor_blocks_later_ones)
{
    sweep_on_breach("failing", failing);
    struct store *s = fresh_store();
    int64_t bad = add_clock(s, "failing", T0 + 10);
    add_clock(s, "delivery_48h", T0 + 20);
    struct sweep_stats st;
    CHECK_INT_EQ(sweep_run(s, T0 + 100, &st), 0);
    CHECK_INT_EQ(st.n_breached, 2);
    struct arena a = {0};
    struct db *db = store_get(s);
    struct clock_row c;
    CHECK_INT_EQ(store_clock_get(db, &a, bad, &c), 0);
    CHECK_STR_EQ(c.state, "breached");
    CHECK(c.label == NULL); /* the handler's half-done work was rolled back */
    int n = 0;
    store_event_each(db, &a, 0, count_action, &n);
    CHECK_INT_EQ(n, 1);
    store_put(s, db);
    arena_free(&a);
    drop_store(s);
}

static int breaking(struct db *db, struct arena *a, const struct clock_row *c, int64_t now)
{
    (void)c;
    (void)now;
    /* change a row, leave a statement running, then break an invariant, as a bug would */
    db_run(db, "UPDATE clocks SET label = 'half done' WHERE kind = 'breaking'", "");
    struct db_stmt *st = db_query(db, "SELECT id FROM clocks ORDER BY id", "");
    db_step(st);
    (void)a;
    VG_ASSERT(!"a handler's broken invariant");
    return 0;
}

TEST(a_handler_that_breaks_an_invariant_fails_like_one_that_returns_an_error)
{
    sweep_on_breach("breaking", breaking);
    struct store *s = fresh_store();
    int64_t bad = add_clock(s, "breaking", T0 + 10);
    int64_t good = add_clock(s, "delivery_48h", T0 + 20);
    struct sweep_stats st;
    CHECK_INT_EQ(sweep_run(s, T0 + 100, &st), 0); /* the process is still here */
    CHECK_INT_EQ(st.n_breached, 2);
    struct arena a = {0};
    struct db *db = store_get(s);
    struct clock_row c;
    CHECK_INT_EQ(store_clock_get(db, &a, bad, &c), 0);
    CHECK_STR_EQ(c.state, "breached");
    CHECK(c.label == NULL); /* undone to the handler's savepoint */
    CHECK_INT_EQ(store_clock_get(db, &a, good, &c), 0);
    CHECK_STR_EQ(c.state, "breached");
    int n = 0;
    store_event_each(db, &a, 0, count_action, &n);
    CHECK_INT_EQ(n, 1);
    store_put(s, db);
    /* the connection went back to the pool with no statement left running */
    CHECK_INT_EQ(sweep_run(s, T0 + 200, &st), 0);
    arena_free(&a);
    drop_store(s);
}

T_MAIN
