/*
 * The request log: one line per request on standard error, written by a
 * thread of its own so that a request never waits for the log's file.
 *
 * Request threads append whole lines to a shared buffer (a mutex and a
 * memcpy); the writer thread takes everything pending at once and writes it
 * with one write(2). When the server is idle a line goes out at once; under
 * load many lines share one write. Lines are never split nor merged, never
 * reordered among themselves, and never dropped: past ACCESS_LOG_BACKLOG
 * pending bytes (the file or pipe is slower than the requests) appenders
 * wait for the writer. What is pending when the process dies by a signal
 * (kill -9, abort) is lost: at most the lines of the last few milliseconds.
 */
#ifndef VG_ACCESS_LOG_H
#define VG_ACCESS_LOG_H

#include <stddef.h>

#define ACCESS_LOG_BACKLOG (1u << 20) /* bytes pending before appenders wait */

/* Starts the writer thread on fd (2: standard error). Call once, before requests. */
void access_log_start(int fd);
/*
 * Appends one line (len bytes, ending in '\n'). Thread-safe; does not
 * allocate. Before access_log_start() (or after access_log_stop()) the line
 * is written at once by the caller.
 */
void access_log_line(const char *line, size_t len);
/* Writes out every pending line and stops the writer thread. */
void access_log_stop(void);

#endif
