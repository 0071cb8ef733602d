/*
 * Notifications by mail: the outbox and its SMTP sender (SPEC section 6).
 *
 * Queueing. The code that handles an event calls mail_queue() inside its own
 * transaction: the template is rendered at once with the caller's variables
 * and the message is stored in the outbox, so a message exists exactly when
 * the event that caused it commits. A render error (an unknown template, a
 * missing variable) comes back to the caller, whose transaction then rolls
 * back: an event is never recorded with its message silently lost. After the
 * commit, mail_poke() wakes the sender (without it, the sender still looks
 * every few seconds).
 *
 * Templates are data: templates/mail/NAME.txt, built into the binary (see
 * jobs/mail_templates.h and core/template.h for the syntax); `serve
 * --templates DIR` overrides any of them with DIR/NAME.txt, read at each use.
 * Each file documents its variables on its "# vars:" line; they are the
 * contract with the code that queues it.
 *
 * Sending. With `serve --smtp URL`, a sender thread claims due messages one
 * at a time (a conditional UPDATE, FOR UPDATE SKIP LOCKED on PostgreSQL, so
 * no two senders in any number of processes attempt one message at once),
 * sends each in its own SMTP conversation and records the attempt with the
 * server's reply. A temporary failure (4xx, no connection, a dropped
 * connection, a timeout) is retried after 1, 5, 15 and 60 minutes, then 3, 6
 * and 12 hours: MAIL_MAX_ATTEMPTS attempts in all, then the message is
 * failed; a 5xx reply fails it at once. Times are the program's clock
 * (base/now.h), so under the test clock retries come due when a test moves
 * the clock, and mail_run() on that move sends them before the call returns.
 * Without --smtp, messages stay queued, visible in the outbox.
 */
#ifndef VG_MAIL_H
#define VG_MAIL_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "app/mail_queue.h"
#include "store/mail_store.h"
#include "store/store.h"

#define MAIL_MAX_ATTEMPTS 8

struct mail_config {
    const char *smtp_url;      /* smtp://host:port or smtps://...; NULL: keep messages queued */
    const char *from;          /* envelope sender and From; NULL: MAIL_DEFAULT_FROM */
    const char *templates_dir; /* overrides of the built-in templates; NULL: none */
    int timeout;               /* seconds per SMTP conversation; 0: 30 */
};

/*
 * Sets the configuration, once, before any thread starts (the strings must
 * outlive the program's use of mail). Checks the URL, the address and the
 * override directory (every NAME.txt in it must be a valid template).
 * Returns 0, or -1 with a message appended to err.
 */
int mail_configure(const struct mail_config *cfg, struct buf *err);

/* Seconds to wait after failed attempt n (1-based); -1 when n was the last. */
int64_t mail_retry_delay(int64_t n);

struct mail_stats {
    int64_t n_sent, n_retried, n_failed;
};

/*
 * Sends every queued message due by now (waiting for another pass of this
 * process to finish first). Does nothing without an SMTP URL. Returns 0 or a
 * negative store error. stats may be NULL.
 */
int mail_run(struct store *store, int64_t now, struct mail_stats *stats);

/* Starts the sender thread (only when an SMTP URL is configured). */
void mail_sender_start(struct store *store);
/* Wakes the sender: a message was queued. Safe to call when no sender runs. */
void mail_poke(void);
/* Stops the sender thread and waits for it (a conversation under way ends first). */
void mail_sender_stop(void);

#endif
