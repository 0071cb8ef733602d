/*
 * The outbox and its sender: see mail.h.
 *
 * A pass (mail_run) is a loop of three steps per message: claim it in a
 * short transaction of its own (counting the attempt and leasing the message
 * for MAIL_LEASE seconds, so it is not held locked during the conversation),
 * talk to the server with no transaction open, then record the attempt and
 * the new state in a second transaction. A sender that dies mid-conversation
 * leaves a counted attempt and a lease; when the lease ends the message is
 * due again, and one that used up its attempts that way is failed rather
 * than retried forever. Within one process a mutex keeps passes in line (the
 * sender thread and a test-clock move); between processes the claim does.
 *
 * The configuration is set once before threads start and only read after.
 */
#include "jobs/mail.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/now.h"
#include "base/recover.h"
#include "base/secret.h"
#include "core/mailmsg.h"
#include "core/signin.h"
#include "core/template.h"
#include "app/mail_queue.h"
#include "jobs/smtp.h"

#define MAIL_LEASE           600 /* seconds a claimed message is left to its sender */
#define MAIL_MAX_SLEEP       5   /* seconds between looks at the outbox, at most */
#define MAIL_DEFAULT_TIMEOUT 30

static struct mail_config cfg = {.from = MAIL_DEFAULT_FROM, .timeout = MAIL_DEFAULT_TIMEOUT};
static pthread_mutex_t pass_lock = PTHREAD_MUTEX_INITIALIZER;

int64_t mail_retry_delay(int64_t n)
{
    static const int64_t delays[MAIL_MAX_ATTEMPTS - 1] = {60, 300, 900, 3600, 10800, 21600, 43200};
    return n >= 1 && n < MAIL_MAX_ATTEMPTS ? delays[n - 1] : -1;
}

int mail_configure(const struct mail_config *c, struct buf *err)
{
    char from[256];
    const char *f = c->from ? c->from : MAIL_DEFAULT_FROM;
    if (signin_email_normalise(f, from, sizeof from) < 0 || strcmp(from, f) != 0) {
        buf_printf(err, "--mail-from '%s' is not an email address (lowercase, no name part)", f);
        return -1;
    }
    if (c->smtp_url && smtp_url_ok(c->smtp_url) < 0) {
        buf_printf(err, "--smtp '%s' is not an smtp://HOST:PORT or smtps://HOST:PORT URL",
                   c->smtp_url);
        return -1;
    }
    if (c->timeout < 0 || c->timeout > 3600) {
        buf_printf(err, "the SMTP timeout must be 1 to 3600 seconds");
        return -1;
    }
    cfg = *c;
    cfg.from = f;
    if (!cfg.timeout)
        cfg.timeout = MAIL_DEFAULT_TIMEOUT;
    if (mail_queue_configure(cfg.from, cfg.templates_dir, err) < 0)
        return -1;
    if (cfg.smtp_url && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        buf_puts(err, "libcurl could not start");
        return -1;
    }
    return 0;
}

/* Sends one claimed message and records the attempt. Returns 0 or a store error. */
static int send_one(struct db *db, const struct mail_row *m, struct mail_stats *stats)
{
    int64_t at = now_get();
    struct buf body = {0}, text = {0}, reply = {0};
    mail_body_open(m->body, &body); /* one-time links exist in the clear only on their way out */
    struct mail_message msg = {cfg.from, m->to_email, m->subject, buf_str(&body), m->message_id, at};
    mailmsg_format(&msg, &text);
    if (body.data)
        explicit_bzero(body.data, body.len);
    buf_free(&body);
    enum smtp_outcome out =
        smtp_send(cfg.smtp_url, cfg.timeout, cfg.from, m->to_email, text.data, text.len, &reply);
    buf_free(&text);
    int64_t delay = out == SMTP_TEMPORARY ? mail_retry_delay(m->attempts) : -1;
    const char *state = out == SMTP_SENT ? "sent" : delay >= 0 ? "queued" : "failed";
    int64_t done_at = now_get();
    int rc = store_begin(db);
    if (rc == 0)
        rc = store_mail_finish(db, m->id, state, out == SMTP_SENT ? done_at : at,
                               delay >= 0 ? done_at + delay : 0, buf_str(&reply), out == SMTP_SENT);
    if (rc == 0)
        rc = store_commit(db);
    if (rc < 0)
        store_rollback(db);
    else if (out == SMTP_SENT)
        stats->n_sent++;
    else if (delay >= 0)
        stats->n_retried++;
    else
        stats->n_failed++;
    if (out != SMTP_SENT)
        fprintf(stderr, "vodgate: mail %lld to %s, attempt %lld: %s%s\n", (long long)m->id,
                m->to_email, (long long)m->attempts, buf_str(&reply),
                delay >= 0 ? " (will retry)" : " (failed)");
    buf_free(&reply);
    return rc;
}

/*
 * send_one, where a broken invariant (base/recover.h) fails this message's
 * attempt only: the message stays claimed until its lease ends, is tried
 * again then and given up after MAIL_MAX_ATTEMPTS; the pass goes on. Returns
 * send_one's result, or 0 after such a failure.
 */
static int send_guarded(struct db *db, const struct mail_row *m, struct mail_stats *stats)
{
    struct vg_recover rec;
    if (sigsetjmp(rec.jb, 0)) {
        fprintf(stderr, "vodgate: mail %lld to %s broke: %s; it will be tried again\n",
                (long long)m->id, m->to_email, rec.what);
        store_recover(db);
        store_rollback(db);
        stats->n_retried++;
        return 0;
    }
    vg_recover_push(&rec);
    int rc = send_one(db, m, stats);
    vg_recover_pop(&rec);
    return rc;
}

int mail_run(struct store *store, int64_t now, struct mail_stats *stats)
{
    struct mail_stats local = {0};
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    if (!cfg.smtp_url)
        return 0;
    pthread_mutex_lock(&pass_lock);
    struct db *db = store_get(store);
    int64_t n_given_up;
    int rc = store_mail_give_up(db, now, MAIL_MAX_ATTEMPTS, &n_given_up);
    while (rc == 0) {
        struct arena a = {0};
        struct mail_row m;
        rc = store_begin(db);
        if (rc == 0)
            rc = store_mail_claim(db, &a, now, now + MAIL_LEASE, MAIL_MAX_ATTEMPTS, &m);
        if (rc == 0)
            rc = store_commit(db);
        if (rc < 0)
            store_rollback(db);
        if (rc == 0)
            rc = send_guarded(db, &m, stats);
        arena_free(&a);
    }
    store_put(store, db);
    pthread_mutex_unlock(&pass_lock);
    if (rc == STORE_ERR_NOT_FOUND)
        return 0;
    fprintf(stderr, "vodgate: mail pass failed (%d); it will be retried\n", rc);
    return rc;
}

/* ---- the sender thread ---- */

static struct {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool running, poked;
    struct store *store;
} sender = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static void *sender_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&sender.lock);
    while (sender.running) {
        sender.poked = false;
        pthread_mutex_unlock(&sender.lock);
        mail_run(sender.store, now_get(), NULL);
        int64_t next = 0;
        struct db *db = store_get(sender.store);
        store_mail_next_due(db, &next);
        store_put(sender.store, db);
        int64_t sleep_s = MAIL_MAX_SLEEP, now = now_get();
        if (next && !now_is_test() && next - now < sleep_s)
            sleep_s = next - now > 0 ? next - now : 0;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += sleep_s;
        pthread_mutex_lock(&sender.lock);
        while (sender.running && !sender.poked)
            if (pthread_cond_timedwait(&sender.wake, &sender.lock, &until) == ETIMEDOUT)
                break;
    }
    pthread_mutex_unlock(&sender.lock);
    return NULL;
}

void mail_sender_start(struct store *store)
{
    if (!cfg.smtp_url)
        return;
    sender.store = store;
    sender.running = true;
    VG_ASSERT(pthread_create(&sender.thread, NULL, sender_main, NULL) == 0);
    /* The URL may carry a password: show it only when it has no user part. */
    fprintf(stderr, "vodgate: sending mail through %s as %s\n",
            strchr(cfg.smtp_url, '@') ? "the SMTP server" : cfg.smtp_url, cfg.from);
}

void mail_poke(void)
{
    pthread_mutex_lock(&sender.lock);
    sender.poked = true;
    pthread_cond_signal(&sender.wake);
    pthread_mutex_unlock(&sender.lock);
}

void mail_sender_stop(void)
{
    pthread_mutex_lock(&sender.lock);
    if (!sender.running) {
        pthread_mutex_unlock(&sender.lock);
        return;
    }
    sender.running = false;
    pthread_cond_signal(&sender.wake);
    pthread_mutex_unlock(&sender.lock);
    pthread_join(sender.thread, NULL);
    curl_global_cleanup();
}
