/*
 * The outbox as people read it: the messages the system queued, newest
 * first, each with the record of its delivery attempts. Staff see every
 * message (narrowed by address, state or partner); any other user only the
 * messages sent to their own email, whatever they ask for.
 *
 * One-time sign-in links (invitations) are for their recipient only
 * (stored sealed: app/mail_links.c), so for anyone else they are hidden:
 * staff reading the outbox must not be able to take over a partner's
 * account. Under the test clock (demos and tests) they are opened for every
 * viewer.
 *
 * Queueing belongs to the operations that cause a message
 * (app/mail_queue.h); the one exception is a test hook that queues a
 * message from any template, served only under the test clock.
 */
#ifndef VG_MESSAGES_H
#define VG_MESSAGES_H

#include <jansson.h>
#include <stdint.h>

#include "app/op.h"

#define MESSAGES_PAGE 200 /* the most messages one answer holds (?limit=) */

/* The arguments of a listing, as text as given (NULL or "": absent); validated here. */
struct messages_query {
    const char *to;      /* an email address */
    const char *state;   /* queued, sent or failed */
    const char *partner; /* a partner id: the messages about that partner */
    const char *before;  /* a message id: those below it (the next page) */
    const char *limit;   /* 1 to MESSAGES_PAGE (absent: MESSAGES_PAGE) */
};

/*
 * A page of the outbox (ACT_MESSAGE_LIST) as the actor may see it:
 * *out = {"messages": [{id, to, to_user, partner, template, subject, body,
 * created_at, sent_at, attempts, state, next_attempt_at, last_reply,
 * attempt_log, message_id}], "next_before": the before of the next page,
 * or null when this one was not full}. *out is the caller's. Refuses
 * OP_INVALID naming the argument.
 */
int messages_list(struct op *o, const struct messages_query *q, json_t **out);

/*
 * The test hook (ACT_TEST_HOOK, only under the test clock, else refused
 * OP_NOT_ALLOWED "test_clock_only"): queues template to to with vars (an
 * object, borrowed), about partner_id (0: none); *out is the stored
 * message as messages_list shows it. A template that cannot render is
 * refused OP_INVALID "template".
 */
int messages_queue_test(struct op *o, const char *to, const char *template_name, int64_t partner_id,
                        const json_t *vars, json_t **out);

#endif
