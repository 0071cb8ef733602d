/*
 * The request log's writer: see access_log.h.
 *
 * Two buffers of ACCESS_LOG_BACKLOG bytes: appenders fill `pending` under
 * the lock; the writer swaps it with its empty `writing` buffer and writes
 * that outside the lock, so appenders wait only for a memcpy. The writer
 * sleeps on a condition variable and is woken by the append that makes
 * `pending` non-empty; it then lets ACCESS_LOG_GATHER_NS pass before it
 * takes the batch, so a busy server wakes it (a futex call and a context
 * switch) at most once per millisecond, not once per request, and a line
 * reaches the file at most about a millisecond after its request ended. An
 * appender that finds no room waits on `room` (back-pressure, never a lost
 * line).
 */
#include "http/access_log.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ACCESS_LOG_GATHER_NS 1000000 /* how long a woken writer lets lines gather */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER; /* pending became non-empty, or stop */
static pthread_cond_t room = PTHREAD_COND_INITIALIZER; /* the writer emptied a buffer */
static char buf_a[ACCESS_LOG_BACKLOG], buf_b[ACCESS_LOG_BACKLOG];
static char *pending = buf_a; /* guarded by lock */
static size_t pending_len;    /* guarded by lock */
static bool running;          /* guarded by lock: the writer thread was started */
static bool stopping;         /* guarded by lock: the writer exits once pending is empty */
static bool writer_gone;      /* guarded by lock: it has exited (nothing pending) */
static int log_fd = 2;
static pthread_t writer;

/* Writes all of data to fd, retrying short writes and EINTR; gives up on other errors. */
static void write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return; /* nowhere to report a broken log */
        }
        data += n;
        len -= (size_t)n;
    }
}

static void *writer_main(void *arg)
{
    (void)arg;
    char *writing = buf_b;
    pthread_mutex_lock(&lock);
    for (;;) {
        while (!pending_len && !stopping)
            pthread_cond_wait(&work, &lock);
        if (!pending_len && stopping) {
            writer_gone = true;
            break;
        }
        if (!stopping) {
            pthread_mutex_unlock(&lock);
            nanosleep(&(struct timespec){0, ACCESS_LOG_GATHER_NS}, NULL);
            pthread_mutex_lock(&lock);
        }
        char *out = pending;
        size_t out_len = pending_len;
        pending = writing;
        pending_len = 0;
        writing = out;
        pthread_cond_broadcast(&room);
        pthread_mutex_unlock(&lock);
        write_all(log_fd, out, out_len);
        pthread_mutex_lock(&lock);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

void access_log_start(int fd)
{
    pthread_mutex_lock(&lock);
    if (!running) {
        log_fd = fd;
        stopping = writer_gone = false;
        running = pthread_create(&writer, NULL, writer_main, NULL) == 0;
    }
    pthread_mutex_unlock(&lock);
}

void access_log_line(const char *line, size_t len)
{
    if (len > ACCESS_LOG_BACKLOG) /* cannot happen: a request line fits libmicrohttpd's pool */
        len = ACCESS_LOG_BACKLOG;
    pthread_mutex_lock(&lock);
    while (running && !writer_gone && pending_len + len > ACCESS_LOG_BACKLOG)
        pthread_cond_wait(&room, &lock);
    if (!running || writer_gone) { /* no writer: nothing is pending, write it here */
        write_all(log_fd, line, len);
        pthread_mutex_unlock(&lock);
        return;
    }
    bool wake = pending_len == 0;
    memcpy(pending + pending_len, line, len);
    pending_len += len;
    if (wake)
        pthread_cond_signal(&work);
    pthread_mutex_unlock(&lock);
}

void access_log_stop(void)
{
    pthread_mutex_lock(&lock);
    if (!running) {
        pthread_mutex_unlock(&lock);
        return;
    }
    stopping = true;
    pthread_cond_signal(&work);
    pthread_mutex_unlock(&lock);
    pthread_join(writer, NULL);
    pthread_mutex_lock(&lock);
    running = false;
    pthread_cond_broadcast(&room); /* appenders waiting for room write their lines themselves */
    pthread_mutex_unlock(&lock);
}
