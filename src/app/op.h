/*
 * One operation of the application floor, and how it fails.
 *
 * Every operation of src/app/ takes a struct op: the store connection it runs
 * on, an arena for what it returns, the time it happens at, and who acts.
 * It checks what that actor may do, changes the store, writes its audit
 * event and queues its messages, all inside one transaction (op_begin ..
 * op_end), so it happens whole or not at all.
 *
 * A refused operation returns OP_REFUSED with a typed error in o->err: the
 * kind says what went wrong in terms of the operation (not found, not
 * allowed, a conflict with the state of things, invalid input naming its
 * fields, a failure of the server), code is a stable word for programs and
 * message a sentence that says what to do. The floor knows nothing of HTTP:
 * exactly one function above it (http/reply_op.c) maps a kind to a status,
 * and the CLI prints the message.
 */
#ifndef VG_OP_H
#define VG_OP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "core/policy.h"
#include "core/role.h"
#include "store/store.h"

enum op_fail {
    OP_NOT_FOUND = 1,   /* not there, or not the actor's to see (the two look the same) */
    OP_NOT_ALLOWED,     /* the actor's role may not do this */
    OP_CONFLICT,        /* the state of things forbids it now; the message says what is missing */
    OP_INVALID,         /* the input is wrong; extra {"fields": [...]} names which */
    OP_FAILED,          /* the server failed (store, disk); logged, try again */
    OP_UNAUTHENTICATED, /* who asks could not be told: wrong credentials */
    OP_TOO_SOON,        /* try again later; extra {"retry_after": seconds} says when */
};

struct op_error {
    enum op_fail kind;  /* valid after OP_REFUSED */
    const char *code;   /* "illegal_transition", "invalid", "not_found", ... (static) */
    struct buf message; /* for people: what is wrong and what to do */
    json_t *extra;      /* more members of the error object ("fields", ...), owned; NULL */
};

struct op {
    struct db *db;
    struct arena *a;
    int64_t now;
    /* who acts: user_id 0 and ROLE_NONE for the system (a clock, a worker, the demo) */
    struct principal who;
    bool system;          /* op_init with who NULL */
    bool joined;          /* op_join: the caller holds the transaction */
    const char *base_url; /* for links in messages: "http://127.0.0.1:8080" */
    struct op_error err;
};

/* Returned by an operation that was refused: o->err says why. */
#define OP_REFUSED (-100)

/* The address people reach the portal at, for links in messages (set once at start). */
void app_set_public_url(const char *url);
const char *app_public_url(void);
/*
 * An installation data file (the questionnaire definition, the title profile) found
 * without a configured path: NAME in the data/ beside the binary (../data, or ../../data
 * for build/asan/vodgate), in ./data, or in /usr/share/vodgate. Returns a malloc'd path
 * of the first readable one, or NULL.
 */
char *app_data_file(const char *name);

/*
 * Starts an operation (no transaction yet) by who (copied; NULL: the
 * system, which every check admits); base_url NULL means app_public_url().
 */
void op_init(struct op *o, struct db *db, struct arena *a, int64_t now, const struct principal *who,
             const char *base_url);
/* True when the system acts (no user). */
bool op_by_system(const struct op *o);
/* Frees what the error holds; o may be refused or not. */
void op_free(struct op *o);

/* Fills the error; returns OP_REFUSED. */
int op_refuse(struct op *o, enum op_fail kind, const char *code, const char *fmt, ...)
    VG_PRINTF(4, 5);
/* An OP_INVALID refusal naming one field ({"fields": [field]}); returns OP_REFUSED. */
int op_invalid(struct op *o, const char *field, const char *fmt, ...) VG_PRINTF(3, 4);
/* A store failure becomes OP_FAILED (not-found OP_NOT_FOUND); OP_REFUSED passes through. */
int op_failed(struct op *o, int rc);

/*
 * The transaction of an operation. op_begin returns 0, or OP_REFUSED
 * (OP_FAILED) when the store cannot begin. op_end commits when rc is 0 and
 * runs the wakers registered with op_on_commit (the background threads that
 * have new work); otherwise, or when the commit fails, it rolls back. It
 * returns 0 or OP_REFUSED (a store error rc becomes OP_FAILED).
 */
int op_begin(struct op *o);
int op_end(struct op *o, int rc);
/*
 * For a caller that holds a transaction of its own and runs several
 * operations in it (the demo, a worker recording a result): op_begin and
 * op_end then neither begin, commit nor roll back, and op_end only turns a
 * store error into OP_FAILED; the caller commits or rolls back.
 */
void op_join(struct op *o);
/*
 * What a committed operation may have made work for: the background thread
 * registered for it is woken (op_on_commit) only when the operation's
 * transaction did that (op_touch, called where the work is made: a clock
 * started or moved, a message queued, a job added). Without a wake the
 * threads still look every few seconds.
 */
enum op_wake {
    OP_WAKE_CLOCKS = 1 << 0, /* the clock sweep: a clock started, closed or moved */
    OP_WAKE_MAIL = 1 << 1,   /* the mail sender: a message queued */
    OP_WAKE_JOBS = 1 << 2,   /* the validation workers: a job queued */
};
/* Registers fn to run after a committed operation that touched what (before threads start). */
void op_on_commit(unsigned what, void (*fn)(void));
/* Notes, for this thread's operation in progress, that it made work of kind what. */
void op_touch(unsigned what);

/* Text of an instant: RFC 3339 UTC (in o's arena); for programs, never for people. */
char *op_instant_text(struct op *o, int64_t t);
/*
 * For people (messages, pages): a deadline as "by the end of Mon 9 Mar,
 * Europe/London" and a moment as "Mon 30 Mar at 11:00, Europe/London", in
 * the zone named (UTC when it is not one), the year shown only when it is
 * not the year of o->now (core/timewords.h). In o's arena.
 */
char *op_due_words(struct op *o, int64_t due, const char *zone_name);
char *op_at_words(struct op *o, int64_t t, const char *zone_name);
/* An instant in a JSON view: RFC 3339 UTC text, or null for 0 (a new reference). */
json_t *app_json_time(int64_t t);

/*
 * Reads an argument given as text (a URL's query, a form field) as a whole
 * number from lo to hi into *out: dflt when text is NULL or empty (an empty
 * field of an HTML form is an absent one). Returns 0, or OP_REFUSED
 * (OP_INVALID naming name and its range).
 */
int op_int_arg(struct op *o, const char *name, const char *text, int64_t lo, int64_t hi,
               int64_t dflt, int64_t *out);

#endif
