/*
 * One-time links in the outbox: sealed in storage, opened only to be sent.
 *
 * An invitation mail carries a link that signs its reader in as the account
 * it was made for. The invitations table keeps only the token's hash, so the
 * outbox must not keep the token either: a message stores its link as
 * "/invitations/~SEALED", the token sealed with the installation's key
 * (base/secret.h), which is kept outside the database. The sender opens the
 * links of a body just before handing it to SMTP, and the outbox API opens
 * them only for the message's recipient (and under the test clock, where
 * tests follow them); everyone else, staff included, sees the link hidden.
 * A link whose seal no longer opens (the key file was replaced) is sent as a
 * sentence saying to ask for a new invitation, never as garbage. Messages
 * stored by an older version, with their links in the clear, are sealed once
 * when the server starts (mail_seal_stored_links).
 */
#include <string.h>

#include "base/secret.h"
#include "app/mail_queue.h"

#define LINK_MARK "/invitations/"
#define SEALED_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

const char *mail_link_seal(struct arena *a, const char *base_url, const char *token)
{
    char sealed[SECRET_SEALED_MAX];
    if (secret_seal(token, sealed) < 0)
        return NULL;
    return arena_printf(a, "%s" LINK_MARK "~%s", base_url, sealed);
}

enum link_mode { LINK_OPEN, LINK_HIDE, LINK_SEAL };

/* Copies body into out with each one-time link opened, hidden or sealed. */
static void rewrite(const char *body, struct buf *out, enum link_mode mode)
{
    const char *p = body, *hit;
    while ((hit = strstr(p, LINK_MARK)) != NULL) {
        hit += sizeof LINK_MARK - 1;
        buf_add(out, p, (size_t)(hit - p));
        bool sealed = *hit == '~';
        const char *run = hit + sealed;
        size_t len = strspn(run, SEALED_ALPHABET);
        char token[SECRET_TOKEN_LEN + 1], seal[SECRET_SEALED_MAX];
        if (mode == LINK_HIDE)
            buf_puts(out, "(hidden: only the recipient sees this link)");
        else if (mode == LINK_SEAL && !sealed && len == SECRET_TOKEN_LEN) {
            memcpy(token, run, len);
            token[len] = '\0';
            if (secret_seal(token, seal) == 0)
                buf_printf(out, "~%s", seal);
        } else if (mode == LINK_SEAL)
            buf_add(out, hit, (size_t)(run + len - hit)); /* sealed already, or no token */
        else if (!sealed)
            buf_add(out, run, len); /* a message stored before links were sealed */
        else if (secret_unseal(run, len, token, sizeof token) == 0)
            buf_puts(out, token);
        else
            buf_puts(out, "(this link no longer works: ask your vodgate contact for a new "
                          "invitation)");
        p = run + len;
    }
    buf_puts(out, p);
}

void mail_body_open(const char *body, struct buf *out)
{
    rewrite(body, out, LINK_OPEN);
}

void mail_body_hide(const char *body, struct buf *out)
{
    rewrite(body, out, LINK_HIDE);
}

/* The messages to seal, read first and written after (no update while a query runs). */
struct to_seal {
    struct arena *a;
    struct sealed {
        int64_t id;
        const char *body;
    } *items;
    size_t n, cap;
};

static int collect(const struct mail_row *m, void *ctx)
{
    struct to_seal *t = ctx;
    if (t->n == t->cap) { /* arena memory: grow by copying, freed with the arena */
        t->cap = t->cap ? 2 * t->cap : 64;
        struct sealed *items = arena_alloc(t->a, t->cap * sizeof *items);
        if (t->n)
            memcpy(items, t->items, t->n * sizeof *items);
        t->items = items;
    }
    struct buf b = {0};
    rewrite(m->body, &b, LINK_SEAL);
    t->items[t->n].id = m->id;
    t->items[t->n++].body = arena_strdup(t->a, buf_str(&b));
    buf_free(&b);
    return 0;
}

int mail_seal_stored_links(struct store *store, int64_t *n_sealed)
{
    struct arena a = {0};
    struct to_seal t = {&a, NULL, 0, 0};
    struct db *db = store_get(store);
    int rc = store_begin(db);
    if (rc == 0)
        rc = store_mail_each_clear_link(db, &a, collect, &t);
    for (size_t i = 0; rc == 0 && i < t.n; i++)
        rc = store_mail_set_body(db, t.items[i].id, t.items[i].body);
    if (rc == 0)
        rc = store_commit(db);
    else
        store_rollback(db);
    store_put(store, db);
    arena_free(&a);
    *n_sealed = rc == 0 ? (int64_t)t.n : 0;
    return rc;
}
