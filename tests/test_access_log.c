/*
 * The request log's writer (http/access_log.c): lines from many threads
 * arrive whole, each thread's in its order, none lost, also when the reader
 * is slow (back-pressure) and across stop; after stop a line is written at
 * once by its caller.
 */
#include "t.h"

#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>

#include "base/buf.h"
#include "http/access_log.h"

#define N_THREADS 4
#define N_LINES   20000

static int fds[2];
static struct buf got;

static void *reader(void *arg)
{
    (void)arg;
    char tmp[4096];
    ssize_t n;
    while ((n = read(fds[0], tmp, sizeof tmp)) > 0) {
        buf_add(&got, tmp, (size_t)n);
        if (got.len % 7 == 0)
            usleep(50); /* a slow reader now and then: appenders must wait, not drop */
    }
    return NULL;
}

static void *appender(void *arg)
{
    int k = (int)(intptr_t)arg;
    char line[96];
    for (int i = 0; i < N_LINES; i++) {
        int n = snprintf(line, sizeof line, "thread %d line %d %s\n", k, i,
                         i % 3 ? "padding padding padding" : "x");
        access_log_line(line, (size_t)n);
    }
    return NULL;
}

TEST(lines_from_threads_arrive_whole_in_order_and_all)
{
    VG_ASSERT(pipe(fds) == 0);
    pthread_t rd, ap[N_THREADS];
    pthread_create(&rd, NULL, reader, NULL);
    access_log_start(fds[1]);
    for (intptr_t k = 0; k < N_THREADS; k++)
        pthread_create(&ap[k], NULL, appender, (void *)k);
    for (int k = 0; k < N_THREADS; k++)
        pthread_join(ap[k], NULL);
    access_log_stop();
    access_log_line("after stop\n", 11);
    close(fds[1]);
    pthread_join(rd, NULL);
    close(fds[0]);

    int next[N_THREADS] = {0}, n_lines = 0;
    bool whole = true;
    const char *s = buf_str(&got);
    for (const char *p = s; *p;) {
        const char *nl = strchr(p, '\n');
        if (!nl) {
            whole = false;
            break;
        }
        int k, i;
        char pad[32];
        if (sscanf(p, "thread %d line %d %31s", &k, &i, pad) == 3) {
            CHECK(k >= 0 && k < N_THREADS);
            if (k >= 0 && k < N_THREADS) {
                if (i != next[k])
                    whole = false;
                next[k] = i + 1;
            }
            n_lines++;
        }
        p = nl + 1;
    }
    CHECK(whole);
    CHECK_INT_EQ(n_lines, N_THREADS * N_LINES);
    for (int k = 0; k < N_THREADS; k++)
        CHECK_INT_EQ(next[k], N_LINES);
    CHECK(got.len >= 11 && strcmp(s + got.len - 11, "after stop\n") == 0);
    buf_free(&got);
}

T_MAIN
