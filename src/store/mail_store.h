/*
 * The outbox in the store: messages to mail, and the record of every attempt
 * to mail them. The rules (rendering, retries, SMTP) live in jobs/mail.c; this
 * is only their rows. Same conventions as store.h: strings handed back are
 * allocated in the caller's arena; functions return 0 or a negative
 * STORE_ERR_* code and never begin or commit a transaction themselves.
 *
 * A message is `queued` with a next_attempt_at, then `sent` or `failed`. A
 * sender claims one with store_mail_claim, which counts the attempt and moves
 * next_attempt_at to the end of a lease in one conditional UPDATE, so that no
 * other sender (thread or process) takes it while it is being sent; then it
 * records the outcome with store_mail_finish.
 */
#ifndef VG_MAIL_STORE_H
#define VG_MAIL_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "store/store.h"

struct mail_row {
    int64_t id;
    char *to_email;
    int64_t to_user;    /* 0: not a known user */
    int64_t partner_id; /* 0: not about one partner */
    char *template_name;
    char *subject;
    char *body;
    char *message_id; /* the Message-ID header, "<...@...>" */
    int64_t created_at;
    int64_t sent_at; /* 0: not sent */
    int64_t attempts;
    int64_t next_attempt_at; /* 0 unless queued */
    char *state;             /* queued, sent, failed */
    char *last_reply;        /* NULL before the first attempt */
};

struct mail_attempt_row {
    int64_t message;
    int64_t at;
    char *reply;
    bool ok;
};

/* Adds a message (state, attempts and next_attempt_at as given). Sets *id. */
int store_mail_add(struct db *db, const struct mail_row *m, int64_t *id);
int store_mail_get(struct db *db, struct arena *a, int64_t id, struct mail_row *out);
/*
 * Calls fn for up to limit messages, newest first: all of them (to_email
 * NULL) or those to one address, with ids below before_id (0: no bound).
 */
int store_mail_each(struct db *db, struct arena *a, const char *to_email, int64_t before_id,
                    int limit, int (*fn)(const struct mail_row *, void *), void *ctx);
/* What a listing of the outbox narrows to: any of the members (NULL or 0: any). */
struct mail_filter {
    const char *to_email;
    const char *state; /* queued, sent, failed */
    int64_t partner_id;
};
/*
 * store_mail_each with a filter: up to limit messages matching f, newest
 * first, with ids below before_id (0: no bound). The most selective member
 * leads an index (partner, then address, then state), so a page costs in
 * proportion to the page, not to the outbox.
 */
int store_mail_find(struct db *db, struct arena *a, const struct mail_filter *f, int64_t before_id,
                    int limit, int (*fn)(const struct mail_row *, void *), void *ctx);
/*
 * The attempts on the messages matching f with ids in [first_id, last_id]
 * (exactly the messages of one store_mail_find page), by message then
 * oldest first.
 */
int store_mail_find_attempts(struct db *db, struct arena *a, const struct mail_filter *f,
                             int64_t first_id, int64_t last_id,
                             int (*fn)(const struct mail_attempt_row *, void *), void *ctx);
/*
 * Calls fn for the attempts on messages with ids in [first_id, last_id] (to
 * to_email only, when not NULL), by message then oldest first.
 */
int store_mail_attempts_each(struct db *db, struct arena *a, const char *to_email, int64_t first_id,
                             int64_t last_id, int (*fn)(const struct mail_attempt_row *, void *),
                             void *ctx);
/*
 * Claims the queued message that has been due longest (next_attempt_at <=
 * now, fewer than max_attempts attempts): counts the attempt and sets
 * next_attempt_at to lease_until. STORE_ERR_NOT_FOUND when none is due. Run
 * it in a transaction of its own, committed before the message is sent.
 */
int store_mail_claim(struct db *db, struct arena *a, int64_t now, int64_t lease_until,
                     int max_attempts, struct mail_row *out);
/*
 * Records an attempt made at `at` and the message's new state: queued with
 * next_attempt_at (a retry), sent (sent_at = at) or failed.
 */
int store_mail_finish(struct db *db, int64_t id, const char *state, int64_t at,
                      int64_t next_attempt_at, const char *reply, bool ok);
/*
 * Fails the queued messages that used up max_attempts without a recorded
 * outcome (their sender stopped mid-send) once their lease ended. Sets *n.
 */
int store_mail_give_up(struct db *db, int64_t now, int max_attempts, int64_t *n);
/* The earliest next_attempt_at of a queued message, 0 when none. */
int store_mail_next_due(struct db *db, int64_t *at);
/*
 * Calls fn for each message whose body holds a one-time link stored before
 * links were sealed ("/invitations/TOKEN"), oldest first; fn returns non-zero
 * to stop. store_mail_set_body replaces a message's body.
 */
int store_mail_each_clear_link(struct db *db, struct arena *a,
                               int (*fn)(const struct mail_row *, void *), void *ctx);
int store_mail_set_body(struct db *db, int64_t id, const char *body);
/* Counts messages in a state (NULL: all). */
int64_t store_mail_count(struct db *db, const char *state);

#endif
