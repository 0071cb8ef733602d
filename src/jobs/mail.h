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
#include "store/mail_store.h"
#include "store/store.h"

#define MAIL_MAX_ATTEMPTS 8
#define MAIL_DEFAULT_FROM "vodgate@localhost.localdomain"

enum mail_err {
    MAIL_ERR_TEMPLATE = -30, /* unknown template, or it cannot render: see err (422) */
    MAIL_ERR_ADDRESS = -31,  /* to_email is not one email address (422) */
};

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

/*
 * Renders template_name with vars (borrowed; an object) and queues the
 * message to to_email inside the caller's transaction (never begins or
 * commits). to_user and partner_id are recorded when not 0. now is the
 * program's time (created, and due at once). Sets *id.
 * Returns 0, MAIL_ERR_TEMPLATE or MAIL_ERR_ADDRESS with a message appended
 * to err, or a negative STORE_ERR_*. Allocates only temporarily.
 */
int mail_queue(struct db *db, struct arena *a, const char *to_email, int64_t to_user,
               int64_t partner_id, const char *template_name, const json_t *vars, int64_t now,
               int64_t *id, struct buf *err);

/*
 * Appends the text of a template to text: DIR/NAME.txt when the override
 * directory has it, else the built-in one. Returns 0 or MAIL_ERR_TEMPLATE.
 */
int mail_template_load(const char *name, struct buf *text, struct buf *err);

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
/*
 * One-time links (mail_links.c). mail_link_seal returns "BASE/invitations/~SEALED"
 * in a, or NULL when no sealing key is loaded (secret_key_load). mail_body_open
 * appends body to out with every such link opened to its token (for sending,
 * and for the recipient's eyes); mail_body_hide with every one-time link
 * replaced by a note (for anyone else). Both allocate only by growing out.
 */
const char *mail_link_seal(struct arena *a, const char *base_url, const char *token);
void mail_body_open(const char *body, struct buf *out);
void mail_body_hide(const char *body, struct buf *out);
/*
 * Seals the one-time links that messages stored by an older version keep in
 * the clear, in one transaction; sets *n_sealed to the messages changed.
 * Returns 0 or a store error. Needs the sealing key.
 */
int mail_seal_stored_links(struct store *store, int64_t *n_sealed);

/* Wakes the sender: a message was queued. Safe to call when no sender runs. */
void mail_poke(void);
/* Stops the sender thread and waits for it (a conversation under way ends first). */
void mail_sender_stop(void);

#endif
