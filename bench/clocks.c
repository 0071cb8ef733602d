/*
 * bench/clocks: the cost of the clock sweep follows the due clocks, not all
 * clocks. Fills a fresh SQLite store with N running clocks (default
 * 1,000,000), of which D are due (default 10,000), times one sweep that
 * breaches them, then adds 10 more due clocks and times a second sweep over
 * the same million. Usage: clocks [N] [D] (run by bench/clocks.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jobs/sweep.h"
#include "store/store.h"

#define NOW 1795795200 /* 2026-11-27T16:00:00Z */

static double secs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fill(struct store *s, long n, long n_due, int64_t due_base)
{
    struct db *db = store_get(s);
    store_begin(db);
    for (long i = 0; i < n; i++) {
        struct clock_row c = {0};
        c.kind = "delivery_48h";
        c.subject = "bench:1";
        c.time_zone = "UTC";
        c.started_at = NOW - 172800;
        /* the due ones fall before now, the rest over the next year */
        c.due_at = i < n_due ? due_base + i % 3600 : NOW + 1 + (i % 31536000);
        c.state = "running";
        c.tzdata = "bench";
        c.created_at = NOW;
        int64_t id;
        if (store_clock_add(db, &c, &id) < 0)
            die("insert failed");
        if (i % 100000 == 99999) {
            store_commit(db);
            store_begin(db);
        }
    }
    store_commit(db);
    store_put(s, db);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    long n_due = argc > 2 ? atol(argv[2]) : 10000;
    char dir[] = "/tmp/vodgate-bench-XXXXXX";
    if (!mkdtemp(dir))
        die("mkdtemp");
    struct store *s;
    char *err = NULL;
    if (store_open(NULL, dir, &s, &err) < 0)
        die("%s", err);
    double t0 = secs();
    fill(s, n, n_due, NOW - 7200);
    double t1 = secs();
    printf("filled %ld running clocks (%ld due) in %.2f s\n", n, n_due, t1 - t0);
    struct sweep_stats st;
    t0 = secs();
    sweep_run(s, NOW, &st);
    t1 = secs();
    printf("sweep: %lld breached of %ld clocks in %.3f s (%.1f us per breach)\n",
           (long long)st.n_breached, n, t1 - t0, (t1 - t0) * 1e6 / (double)(st.n_breached ? st.n_breached : 1));
    fill(s, 10, 10, NOW - 60);
    t0 = secs();
    sweep_run(s, NOW, &st);
    t1 = secs();
    printf("sweep: %lld breached of %ld clocks in %.4f s\n", (long long)st.n_breached, n + 10,
           t1 - t0);
    t0 = secs();
    sweep_run(s, NOW, &st);
    t1 = secs();
    printf("sweep: %lld breached (nothing due) in %.4f s\n", (long long)st.n_breached, t1 - t0);
    store_close(s);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : 1;
}
