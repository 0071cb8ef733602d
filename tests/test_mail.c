/*
 * The outbox against a real SQLite store: queueing joins the caller's
 * transaction (a rollback leaves no message, a render error queues nothing),
 * a claim leases a message to one sender, two processes claiming at once
 * never take one message twice, and a sender that died mid-conversation
 * neither blocks a message forever nor retries it past the limit.
 */
#include "t.h"

#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/result_mail.h"
#include "base/secret.h"
#include "jobs/mail.h"
#include "store/db.h"
#include "store/mail_store.h"
#include "store/store.h"

#define T0 1795795200 /* 2026-11-27T16:00:00Z */

static char dir[64];
static char tpl_dir[64];

/*
 * The tests queue "unit_note", a template of their own in an override
 * directory, so that they do not depend on the variables of the shipped ones.
 */
static void use_test_template(void)
{
    snprintf(tpl_dir, sizeof tpl_dir, "/tmp/vodgate-mailtpl-XXXXXX");
    VG_ASSERT(mkdtemp(tpl_dir));
    char path[128];
    snprintf(path, sizeof path, "%s/unit_note.txt", tpl_dir);
    FILE *f = fopen(path, "w");
    VG_ASSERT(f);
    fputs("# vars: partner, link\n"
          "Subject: Your onboarding questionnaire for {{partner}}\n"
          "\n"
          "Hello,\n"
          "\n"
          "  {{link}}\n",
          f);
    fclose(f);
    snprintf(path, sizeof path, "%s/unit_noted.txt", tpl_dir);
    f = fopen(path, "w");
    VG_ASSERT(f);
    fputs("# vars: note_lines[]\n"
          "Subject: noted\n"
          "\n"
          "{{#note_lines}}\n"
          "Note: {{.}}\n"
          "{{/note_lines}}\n"
          "end\n",
          f);
    fclose(f);
    struct mail_config cfg = {.templates_dir = tpl_dir};
    struct buf err = {0};
    VG_ASSERT(mail_configure(&cfg, &err) == 0);
    buf_free(&err);
}

static struct store *fresh_store(void)
{
    VG_ASSERT(secret_init() == 0);
    if (!*tpl_dir)
        use_test_template();
    snprintf(dir, sizeof dir, "/tmp/vodgate-mail-XXXXXX");
    VG_ASSERT(mkdtemp(dir));
    struct store *s;
    char *err = NULL;
    VG_ASSERT(store_open(NULL, dir, &s, &err) == 0);
    return s;
}

static struct store *reopen(void)
{
    struct store *s;
    char *err = NULL;
    VG_ASSERT(store_open(NULL, dir, &s, &err) == 0);
    return s;
}

static void drop_store(struct store *s)
{
    store_close(s);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    VG_ASSERT(system(cmd) == 0);
}

/* Queues one "unit_note" message in a transaction of its own. */
static int64_t queue(struct store *s, const char *to, int64_t now)
{
    struct db *db = store_get(s);
    struct arena a = {0};
    struct buf err = {0};
    json_t *vars = json_pack("{s:s, s:s}", "partner", "Studio A", "link", "http://x/q");
    int64_t id = 0;
    VG_ASSERT(store_begin(db) == 0);
    VG_ASSERT(mail_queue(db, &a, to, 0, 0, "unit_note", vars, now, &id, &err) == 0);
    VG_ASSERT(store_commit(db) == 0);
    json_decref(vars);
    buf_free(&err);
    arena_free(&a);
    store_put(s, db);
    return id;
}

TEST(queueing_joins_the_callers_transaction)
{
    struct store *s = fresh_store();
    struct db *db = store_get(s);
    struct arena a = {0};
    struct buf err = {0};
    json_t *vars = json_pack("{s:s, s:s}", "partner", "Studio A", "link", "http://x/q");
    int64_t id;
    CHECK_INT_EQ(store_begin(db), 0);
    CHECK_INT_EQ(mail_queue(db, &a, " Ops@Example.COM ", 0, 0, "unit_note", vars, T0, &id, &err),
                 0);
    store_rollback(db);
    CHECK_INT_EQ(store_mail_count(db, NULL), 0);
    CHECK_INT_EQ(store_begin(db), 0);
    CHECK_INT_EQ(mail_queue(db, &a, " Ops@Example.COM ", 0, 0, "unit_note", vars, T0, &id, &err),
                 0);
    CHECK_INT_EQ(store_commit(db), 0);
    struct mail_row m;
    CHECK_INT_EQ(store_mail_get(db, &a, id, &m), 0);
    CHECK_STR_EQ(m.to_email, "ops@example.com");
    CHECK_STR_EQ(m.state, "queued");
    CHECK_STR_EQ(m.subject, "Your onboarding questionnaire for Studio A");
    CHECK_STR_EQ(m.body, "Hello,\n\n  http://x/q\n");
    CHECK_STR_EQ(m.template_name, "unit_note");
    CHECK_INT_EQ(m.next_attempt_at, T0);
    CHECK_INT_EQ(m.attempts, 0);
    CHECK(m.last_reply == NULL);
    CHECK(m.message_id[0] == '<' && strstr(m.message_id, "@localhost.localdomain>") != NULL);
    /* errors: nothing is stored, the message says why */
    CHECK_INT_EQ(store_begin(db), 0);
    json_t *less = json_pack("{s:s}", "partner", "Studio A");
    CHECK_INT_EQ(mail_queue(db, &a, "ops@example.com", 0, 0, "unit_note", less, T0, &id, &err),
                 MAIL_ERR_TEMPLATE);
    CHECK_STR_EQ(buf_str(&err),
                 "mail template 'unit_note': line 6: the variable 'link' is missing");
    buf_reset(&err);
    CHECK_INT_EQ(mail_queue(db, &a, "ops@example.com", 0, 0, "no_such", less, T0, &id, &err),
                 MAIL_ERR_TEMPLATE);
    CHECK_STR_EQ(buf_str(&err), "there is no mail template 'no_such'");
    buf_reset(&err);
    CHECK_INT_EQ(mail_queue(db, &a, "not an address", 0, 0, "unit_note", vars, T0, &id, &err),
                 MAIL_ERR_ADDRESS);
    store_rollback(db);
    CHECK_INT_EQ(store_mail_count(db, NULL), 1);
    json_decref(less);
    json_decref(vars);
    buf_free(&err);
    arena_free(&a);
    store_put(s, db);
    drop_store(s);
}

/* The body of a "unit_noted" message queued with vars (a JSON text). */
static void noted(struct db *db, struct arena *a, const char *vars_text, const char *want)
{
    struct buf err = {0};
    int64_t id;
    json_t *vars = json_loads(vars_text, 0, NULL);
    CHECK_INT_EQ(mail_queue(db, a, "ops@example.com", 0, 0, "unit_noted", vars, T0, &id, &err), 0);
    struct mail_row m;
    CHECK_INT_EQ(store_mail_get(db, a, id, &m), 0);
    CHECK_STR_EQ(m.body, want);
    json_decref(vars);
    buf_free(&err);
}

TEST(the_note_of_the_action_shows_when_there_is_one)
{
    struct store *s = fresh_store();
    struct db *db = store_get(s);
    struct arena a = {0};
    CHECK_INT_EQ(store_begin(db), 0);
    noted(db, &a, "{\"note\": \"one more chance\"}", "Note: one more chance\nend\n");
    noted(db, &a, "{\"reason\": \"waiting on us\"}", "Note: waiting on us\nend\n");
    noted(db, &a, "{\"note\": \"\", \"reason\": \"the spec is late\"}",
          "Note: the spec is late\nend\n");
    noted(db, &a, "{\"note\": \"\"}", "end\n");
    noted(db, &a, "{}", "end\n");
    noted(db, &a, "{\"note\": \"x\", \"note_lines\": [\"given\"]}", "Note: given\nend\n");
    store_rollback(db);
    arena_free(&a);
    store_put(s, db);
    drop_store(s);
}

TEST(a_findings_place_reads_in_words)
{
    struct arena a = {0};
    struct op o = {0};
    o.a = &a;
    json_t *loc = json_pack("{s:s, s:i, s:s, s:s}", "sheet", "Avails", "row", 7, "column", "F",
                            "header", "Territory");
    CHECK_STR_EQ(result_mail_place(&o, loc), "sheet 'Avails', row 7, column F (Territory)");
    json_decref(loc);
    loc = json_pack("{s:i, s:s, s:s}", "line", 52, "path", "/AvailList/Avail[1]/Territory",
                    "header", "Territory");
    CHECK_STR_EQ(result_mail_place(&o, loc), "line 52, /AvailList/Avail[1]/Territory");
    json_decref(loc);
    loc = json_pack("{s:i, s:s}", "stream", 1, "timecode", "00:01:02.500");
    CHECK_STR_EQ(result_mail_place(&o, loc), "stream 1 at 00:01:02.500");
    json_decref(loc);
    loc = json_object();
    CHECK_STR_EQ(result_mail_place(&o, loc), "the file as a whole");
    json_decref(loc);
    arena_free(&a);
}

TEST(a_claim_leases_the_message_and_counts_the_attempt)
{
    struct store *s = fresh_store();
    int64_t id1 = queue(s, "a@example.com", T0);
    int64_t id2 = queue(s, "b@example.com", T0 + 10);
    struct db *db = store_get(s);
    struct arena a = {0};
    struct mail_row m;
    /* nothing is due before its time */
    CHECK_INT_EQ(store_mail_claim(db, &a, T0 - 1, T0 + 600, MAIL_MAX_ATTEMPTS, &m),
                 STORE_ERR_NOT_FOUND);
    CHECK_INT_EQ(store_mail_claim(db, &a, T0 + 10, T0 + 610, MAIL_MAX_ATTEMPTS, &m), 0);
    CHECK_INT_EQ(m.id, id1);
    CHECK_INT_EQ(m.attempts, 1);
    CHECK_INT_EQ(m.next_attempt_at, T0 + 610);
    CHECK_INT_EQ(store_mail_claim(db, &a, T0 + 10, T0 + 610, MAIL_MAX_ATTEMPTS, &m), 0);
    CHECK_INT_EQ(m.id, id2);
    /* both leased: a second sender finds nothing */
    CHECK_INT_EQ(store_mail_claim(db, &a, T0 + 10, T0 + 610, MAIL_MAX_ATTEMPTS, &m),
                 STORE_ERR_NOT_FOUND);
    /* a temporary failure: queued again, due later, the attempt on record */
    CHECK_INT_EQ(store_mail_finish(db, id1, "queued", T0 + 11, T0 + 71, "450 busy", false), 0);
    CHECK_INT_EQ(store_mail_finish(db, id2, "sent", T0 + 12, 0, "250 ok", true), 0);
    CHECK_INT_EQ(store_mail_next_due(db, &m.next_attempt_at), 0);
    CHECK_INT_EQ(m.next_attempt_at, T0 + 71);
    CHECK_INT_EQ(store_mail_get(db, &a, id2, &m), 0);
    CHECK_STR_EQ(m.state, "sent");
    CHECK_INT_EQ(m.sent_at, T0 + 12);
    CHECK_STR_EQ(m.last_reply, "250 ok");
    CHECK_INT_EQ(store_mail_claim(db, &a, T0 + 70, T0 + 670, MAIL_MAX_ATTEMPTS, &m),
                 STORE_ERR_NOT_FOUND);
    CHECK_INT_EQ(store_mail_claim(db, &a, T0 + 71, T0 + 671, MAIL_MAX_ATTEMPTS, &m), 0);
    CHECK_INT_EQ(m.id, id1);
    CHECK_INT_EQ(m.attempts, 2);
    /* a sent message is never claimed again, at any time */
    CHECK_INT_EQ(store_mail_finish(db, id1, "failed", T0 + 72, 0, "550 no such user", false), 0);
    CHECK_INT_EQ(store_mail_claim(db, &a, T0 + 99999, T0 + 99999, MAIL_MAX_ATTEMPTS, &m),
                 STORE_ERR_NOT_FOUND);
    CHECK_INT_EQ(store_mail_count(db, "failed"), 1);
    CHECK_INT_EQ(store_mail_count(db, "sent"), 1);
    arena_free(&a);
    store_put(s, db);
    drop_store(s);
}

TEST(a_sender_that_died_mid_send_neither_blocks_nor_retries_forever)
{
    struct store *s = fresh_store();
    int64_t id = queue(s, "a@example.com", T0);
    struct db *db = store_get(s);
    struct arena a = {0};
    struct mail_row m;
    int64_t t = T0, n;
    /* every attempt dies without a recorded outcome; each lease ends, it is due again */
    for (int i = 1; i <= MAIL_MAX_ATTEMPTS; i++) {
        CHECK_INT_EQ(store_mail_give_up(db, t, MAIL_MAX_ATTEMPTS, &n), 0);
        CHECK_INT_EQ(n, 0);
        CHECK_INT_EQ(store_mail_claim(db, &a, t, t + 600, MAIL_MAX_ATTEMPTS, &m), 0);
        CHECK_INT_EQ(m.attempts, i);
        t += 600;
    }
    CHECK_INT_EQ(store_mail_claim(db, &a, t, t + 600, MAIL_MAX_ATTEMPTS, &m), STORE_ERR_NOT_FOUND);
    CHECK_INT_EQ(store_mail_give_up(db, t, MAIL_MAX_ATTEMPTS, &n), 0);
    CHECK_INT_EQ(n, 1);
    CHECK_INT_EQ(store_mail_get(db, &a, id, &m), 0);
    CHECK_STR_EQ(m.state, "failed");
    CHECK(strstr(m.last_reply, "gave up") != NULL);
    arena_free(&a);
    store_put(s, db);
    drop_store(s);
}

/* One sender process: claims until nothing is due, recording each as sent by pid. */
static int sender(void)
{
    struct store *mine = reopen();
    struct db *db = store_get(mine);
    struct arena a = {0};
    char reply[32];
    snprintf(reply, sizeof reply, "250 by %d", (int)getpid());
    int rc = 0;
    for (;;) {
        struct mail_row m;
        if (store_begin(db) < 0) {
            rc = -1;
            break;
        }
        int c = store_mail_claim(db, &a, T0, T0 + 600, MAIL_MAX_ATTEMPTS, &m);
        if (c < 0 || store_commit(db) < 0) {
            store_rollback(db);
            if (c != STORE_ERR_NOT_FOUND)
                rc = -1;
            break;
        }
        if (store_begin(db) < 0 || store_mail_finish(db, m.id, "sent", T0, 0, reply, true) < 0 ||
            store_commit(db) < 0) {
            rc = -1;
            break;
        }
    }
    arena_free(&a);
    store_put(mine, db);
    store_close(mine);
    return rc;
}

static int count_attempts(const struct mail_attempt_row *t, void *ctx)
{
    (void)t;
    (*(int *)ctx)++;
    return 0;
}

TEST(two_processes_sending_at_once_attempt_each_message_once)
{
    struct store *s = fresh_store();
    const int n = 300;
    for (int i = 0; i < n; i++)
        queue(s, "a@example.com", T0);
    store_close(s);
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        if (kids[k] == 0)
            _exit(sender() == 0 ? 0 : 1);
    }
    for (int k = 0; k < 2; k++) {
        int status;
        waitpid(kids[k], &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    s = reopen();
    struct db *db = store_get(s);
    struct arena a = {0};
    CHECK_INT_EQ(store_mail_count(db, "sent"), n);
    int attempts = 0;
    CHECK_INT_EQ(store_mail_attempts_each(db, &a, NULL, 1, n, count_attempts, &attempts), 0);
    CHECK_INT_EQ(attempts, n);
    struct db_stmt *st = db_query(db, "SELECT MAX(attempts) FROM outbox", "");
    CHECK(db_step(st) == DB_ROW && db_int(st, 0) == 1);
    db_done(st);
    arena_free(&a);
    store_put(s, db);
    drop_store(s);
}

/* Not a test: removes the template directory once every case ran. */
__attribute__((destructor)) static void remove_test_template(void)
{
    char path[128];
    if (!*tpl_dir)
        return;
    snprintf(path, sizeof path, "%s/unit_note.txt", tpl_dir);
    unlink(path);
    rmdir(tpl_dir);
}

T_MAIN
