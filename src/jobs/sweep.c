/*
 * The clock sweep and its scheduler: see sweep.h.
 *
 * Each batch is one transaction: read the ids of up to SWEEP_BATCH due
 * clocks (earliest first), claim each with a conditional UPDATE (only the
 * claimer that changed the row goes on), record the breach in the audit log
 * with its own due instant, and run the kind's handler. Batches repeat until
 * none is due. A process-wide mutex keeps this process's sweeps in line
 * (the scheduler and a test-clock move); across processes the conditional
 * claim alone guarantees that a breach fires once.
 *
 * A handler that breaks an invariant (VG_ASSERT, vg_fail) fails like one
 * that returns an error: run_handler catches it (base/recover.h), the
 * handler's savepoint is undone and the failure recorded, and the sweep and
 * the process go on.
 *
 * A test hook: VODGATE_TEST_CRASH=after_claim aborts the process right after
 * the first claim, before the commit, to show that nothing is lost or doubled.
 */
#include "jobs/sweep.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/now.h"
#include "core/deadline.h"
#include "base/recover.h"
#include "base/timefmt.h"

#define SWEEP_BATCH         256
#define SCHEDULER_MAX_SLEEP 5 /* seconds between looks at the table, at most */
#define MAX_KINDS           16

static struct {
    const char *kind;
    breach_fn fn;
} handlers[MAX_KINDS], soon_handlers[MAX_KINDS];
static int n_handlers, n_soon_handlers;

static pthread_mutex_t sweep_lock = PTHREAD_MUTEX_INITIALIZER;

void sweep_on_breach(const char *kind, breach_fn fn)
{
    VG_ASSERT(n_handlers < MAX_KINDS);
    handlers[n_handlers].kind = kind;
    handlers[n_handlers++].fn = fn;
}

void sweep_on_due_soon(const char *kind, breach_fn fn)
{
    VG_ASSERT(n_soon_handlers < MAX_KINDS);
    soon_handlers[n_soon_handlers].kind = kind;
    soon_handlers[n_soon_handlers++].fn = fn;
}

void sweep_use_handlers(const struct clock_handler *h, int n)
{
    for (int i = 0; i < n; i++) {
        if (h[i].on_breach)
            sweep_on_breach(deadline_name(h[i].kind), h[i].on_breach);
        if (h[i].on_due_soon)
            sweep_on_due_soon(deadline_name(h[i].kind), h[i].on_due_soon);
    }
}

static breach_fn soon_handler_of(const char *kind)
{
    for (int i = 0; i < n_soon_handlers; i++)
        if (!strcmp(soon_handlers[i].kind, kind))
            return soon_handlers[i].fn;
    return NULL;
}

static breach_fn handler_of(const char *kind)
{
    for (int i = 0; i < n_handlers; i++)
        if (!strcmp(handlers[i].kind, kind))
            return handlers[i].fn;
    return NULL;
}

/* Records the breach in the audit log, with its own due instant. */
static int record_breach(struct db *db, struct arena *a, const struct clock_row *c)
{
    char due[21];
    time_format_rfc3339(c->due_at, due);
    json_t *after = json_pack("{s:I, s:s, s:s, s:s, s:s}", "clock", (json_int_t)c->id, "kind",
                              c->kind, "subject", c->subject, "due_at", due, "state", "breached");
    char *text = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(after);
    struct event e = {0};
    e.at = c->due_at; /* when it happened, not when the sweep noticed */
    e.partner_id = c->partner_id;
    e.subject = arena_printf(a, "clock:%lld", (long long)c->id);
    e.action = "clock.breached";
    e.after = text;
    int rc = store_event_add(db, &e);
    free(text);
    return rc;
}

/* Records that a breach's handler failed (its messages or warnings are missing). */
static int record_handler_failure(struct db *db, struct arena *a, const struct clock_row *c)
{
    struct event e = {0};
    e.at = c->due_at;
    e.partner_id = c->partner_id;
    e.subject = arena_printf(a, "clock:%lld", (long long)c->id);
    e.action = "clock.handler_failed";
    return store_event_add(db, &e);
}

/*
 * Runs a breach or due-soon handler; a broken invariant inside it is a
 * failure (-1) like any other, with db's statements finished so that the
 * caller can undo the handler's savepoint.
 */
static int run_handler(breach_fn fn, struct db *db, struct arena *a, const struct clock_row *c,
                       int64_t now)
{
    struct vg_recover rec;
    if (sigsetjmp(rec.jb, 0)) {
        fprintf(stderr, "vodgate: the %s handler of clock %lld broke: %s\n", c->kind,
                (long long)c->id, rec.what);
        store_recover(db);
        return -1;
    }
    vg_recover_push(&rec);
    int rc = fn(db, a, c, now);
    vg_recover_pop(&rec);
    return rc;
}

/*
 * One transaction: breaches up to SWEEP_BATCH due clocks in due order. After
 * a handler ran, the due list is read again, because the handler may have
 * started a clock that is due earlier than the rest of the list (the
 * warnings ladder after downtime), and breaches must fire in due order.
 * Sets *more when due clocks may remain.
 */
static int sweep_batch(struct db *db, int64_t now, bool *more, int64_t *n_breached)
{
    int64_t ids[SWEEP_BATCH];
    struct arena a = {0};
    int done = 0, n_due = 0;
    *more = false;
    int rc = store_begin(db);
    if (rc < 0)
        return rc;
    while (rc == STORE_OK && done < SWEEP_BATCH) {
        rc = store_clock_due_ids(db, now, ids, SWEEP_BATCH - done, &n_due);
        if (rc < 0 || n_due == 0)
            break;
        bool reread = false;
        for (int i = 0; rc == STORE_OK && i < n_due && !reread; i++) {
            done++;
            bool claimed;
            rc = store_clock_claim_breach(db, ids[i], now, &claimed);
            if (rc < 0 || !claimed)
                continue;
            const char *crash = getenv("VODGATE_TEST_CRASH");
            if (crash && !strcmp(crash, "after_claim"))
                abort();
            struct clock_row c;
            rc = store_clock_get(db, &a, ids[i], &c);
            if (rc == STORE_OK)
                rc = record_breach(db, &a, &c);
            breach_fn fn = rc == STORE_OK ? handler_of(c.kind) : NULL;
            if (fn) {
                /* A failing handler must not hold back the breach, nor every later one. */
                rc = store_savepoint(db);
                if (rc == 0 && run_handler(fn, db, &a, &c, now) < 0) {
                    fprintf(stderr,
                            "vodgate: the %s handler of clock %lld failed; the breach "
                            "stands\n",
                            c.kind, (long long)c.id);
                    rc = store_savepoint_undo(db);
                    if (rc == 0)
                        rc = record_handler_failure(db, &a, &c);
                }
                if (rc == 0)
                    rc = store_savepoint_release(db);
                reread = true;
            }
            if (rc == STORE_OK)
                (*n_breached)++;
        }
        *more = done >= SWEEP_BATCH;
    }
    if (rc == STORE_OK)
        rc = store_commit(db);
    if (rc < 0)
        store_rollback(db);
    arena_free(&a);
    return rc;
}

/*
 * The due-soon notices: running clocks due within SWEEP_SOON_LEAD of now,
 * each claimed once (like a breach) and handed to its kind's handler; a
 * handler failure is logged and the notice is not retried.
 */
static int soon_batch(struct db *db, int64_t now, bool *more, int64_t *n_soon)
{
    int64_t ids[SWEEP_BATCH];
    struct arena a = {0};
    int n = 0;
    int rc = store_begin(db);
    if (rc < 0)
        return rc;
    rc = store_clock_soon_ids(db, now, now + SWEEP_SOON_LEAD, ids, SWEEP_BATCH, &n);
    for (int i = 0; rc == STORE_OK && i < n; i++) {
        bool claimed;
        rc = store_clock_claim_soon(db, ids[i], &claimed);
        if (rc < 0 || !claimed)
            continue;
        struct clock_row c;
        rc = store_clock_get(db, &a, ids[i], &c);
        breach_fn fn = rc == STORE_OK ? soon_handler_of(c.kind) : NULL;
        if (!fn)
            continue;
        rc = store_savepoint(db);
        if (rc == 0 && run_handler(fn, db, &a, &c, now) < 0) {
            fprintf(stderr, "vodgate: the due-soon notice of clock %lld failed\n", (long long)c.id);
            rc = store_savepoint_undo(db);
        } else if (rc == 0) {
            (*n_soon)++;
        }
        if (rc == 0)
            rc = store_savepoint_release(db);
    }
    *more = n == SWEEP_BATCH;
    if (rc == STORE_OK)
        rc = store_commit(db);
    if (rc < 0)
        store_rollback(db);
    arena_free(&a);
    return rc;
}

int sweep_run(struct store *store, int64_t now, struct sweep_stats *stats)
{
    struct sweep_stats local = {0};
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    pthread_mutex_lock(&sweep_lock);
    struct db *db = store_get(store);
    int rc;
    bool more;
    do {
        rc = sweep_batch(db, now, &more, &stats->n_breached);
        if (rc == STORE_OK)
            stats->n_batches++;
    } while (rc == STORE_OK && more);
    while (rc == STORE_OK) {
        rc = soon_batch(db, now, &more, &stats->n_soon);
        if (!more)
            break;
    }
    store_put(store, db);
    pthread_mutex_unlock(&sweep_lock);
    if (rc < 0)
        fprintf(stderr, "vodgate: clock sweep failed (%d); it will be retried\n", rc);
    return rc;
}

/* ---- the scheduler thread ---- */

static struct {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool running, poked;
    struct store *store;
} sched = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

#define MAX_PERIODIC 8
static struct {
    void (*fn)(void *ctx, int64_t now);
    void *ctx;
} periodic[MAX_PERIODIC];
static int n_periodic;

void scheduler_every(void (*fn)(void *ctx, int64_t now), void *ctx)
{
    VG_ASSERT(n_periodic < MAX_PERIODIC);
    periodic[n_periodic].fn = fn;
    periodic[n_periodic++].ctx = ctx;
}

static void *scheduler_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&sched.lock);
    while (sched.running) {
        pthread_mutex_unlock(&sched.lock);
        int64_t now = now_get();
        sweep_run(sched.store, now, NULL);
        for (int i = 0; i < n_periodic; i++)
            periodic[i].fn(periodic[i].ctx, now);
        int64_t next = 0, soon = 0;
        struct db *db = store_get(sched.store);
        store_clock_next_due(db, &next);
        store_clock_next_soon(db, now, &soon);
        store_put(sched.store, db);
        if (soon && (!next || soon - SWEEP_SOON_LEAD < next))
            next = soon - SWEEP_SOON_LEAD;
        int64_t sleep_s = SCHEDULER_MAX_SLEEP;
        if (next && !now_is_test() && next - now_get() < sleep_s)
            sleep_s = next - now_get() > 0 ? next - now_get() : 0;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += sleep_s;
        pthread_mutex_lock(&sched.lock);
        while (sched.running && !sched.poked)
            if (pthread_cond_timedwait(&sched.wake, &sched.lock, &until) == ETIMEDOUT)
                break;
        sched.poked = false;
    }
    pthread_mutex_unlock(&sched.lock);
    return NULL;
}

void scheduler_start(struct store *store)
{
    sched.store = store;
    sched.running = true;
    VG_ASSERT(pthread_create(&sched.thread, NULL, scheduler_main, NULL) == 0);
}

void scheduler_poke(void)
{
    pthread_mutex_lock(&sched.lock);
    sched.poked = true;
    pthread_cond_signal(&sched.wake);
    pthread_mutex_unlock(&sched.lock);
}

void scheduler_stop(void)
{
    pthread_mutex_lock(&sched.lock);
    if (!sched.running) {
        pthread_mutex_unlock(&sched.lock);
        return;
    }
    sched.running = false;
    pthread_cond_signal(&sched.wake);
    pthread_mutex_unlock(&sched.lock);
    pthread_join(sched.thread, NULL);
}
