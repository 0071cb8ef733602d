/*
 * Queueing mail (mail_queue.c) and the one-time links in it (mail_links.c):
 * the half of the outbox an operation uses. The sender that delivers what is
 * queued is a background thread (jobs/mail.h).
 *
 * The code that handles an event calls mail_queue() inside its own
 * transaction: the template is rendered at once with the caller's variables
 * and the message is stored in the outbox, so a message exists exactly when
 * the event that caused it commits. A render error (an unknown template, a
 * missing variable) comes back to the caller, whose transaction then rolls
 * back: an event is never recorded with its message silently lost.
 */
#ifndef VG_MAIL_QUEUE_H
#define VG_MAIL_QUEUE_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "store/mail_store.h"
#include "store/store.h"

#define MAIL_DEFAULT_FROM "vodgate@localhost.localdomain"

enum mail_err {
    MAIL_ERR_TEMPLATE = -30, /* unknown template, or it cannot render: see err (422) */
    MAIL_ERR_ADDRESS = -31,  /* to_email is not one email address (422) */
};

/*
 * Sets the sender address (NULL: MAIL_DEFAULT_FROM) and the directory whose
 * NAME.txt override the built-in templates (NULL: none), once, before any
 * thread starts; the strings must outlive the program's use of mail. Checks
 * every template of the directory. Returns 0, or -1 with a message in err.
 */
int mail_queue_configure(const char *from, const char *templates_dir, struct buf *err);

/*
 * Renders template_name with vars (borrowed; an object; note_lines is
 * added when absent: [note] or [reason] when one is given, else [], for a
 * template's {{#note_lines}} section) and queues the
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

#endif
