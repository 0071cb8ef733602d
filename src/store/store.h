/*
 * The store: vodgate's persistent state behind one interface.
 *
 * Callers take a connection from the pool with store_get(), use the store_*
 * functions, and give it back with store_put(). Every function here is a
 * parameterised query in portable SQL (see db.h); none leaks the engine.
 * Strings handed back are allocated in the caller's arena. Functions return
 * 0 on success or a negative STORE_ERR_* code.
 *
 * Each state change is one transaction: callers that change several rows
 * wrap them in store_begin()/store_commit(), and every change of a partner's
 * state writes its audit event (store_event_add) in the same transaction.
 */
#ifndef VG_STORE_H
#define VG_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "core/role.h"

struct store;
struct db;

enum store_err {
    STORE_OK = 0,
    STORE_ERR = -1,           /* the database failed; see the log */
    STORE_ERR_NOT_FOUND = -2, /* no such row */
    STORE_ERR_CONFLICT = -3,  /* a unique value is taken */
};

/*
 * Opens the store: url as for db_open (NULL = SQLite at data_dir/vodgate.db),
 * runs pending migrations. Returns 0 or -1 with *err malloc'd.
 */
int store_open(const char *url, const char *data_dir, struct store **out, char **err);
void store_close(struct store *s);
/* The schema version this build migrates to. */
int store_latest_version(void);
/* The schema version after migrations. */
int store_schema_version(struct store *s);
/* Takes a connection from the pool (opens one when none is idle). */
struct db *store_get(struct store *s);
void store_put(struct store *s, struct db *db);

int store_begin(struct db *db);
int store_commit(struct db *db);
void store_rollback(struct db *db);

/* ---- users ---- */
struct user {
    int64_t id;
    char *email;
    char *name;
    enum role role;
    int64_t partner_id; /* 0 for staff */
    char *password_hash;
    int64_t created_at;
};

int store_user_add(struct db *db, const struct user *u, int64_t *id);
int store_user_by_email(struct db *db, struct arena *a, const char *email, struct user *out);
int store_user_by_id(struct db *db, struct arena *a, int64_t id, struct user *out);
int store_user_set_password(struct db *db, int64_t id, const char *password_hash);
/* Calls fn for each user in id order; stops early when fn returns non-zero. */
int store_user_each(struct db *db, struct arena *a, int (*fn)(const struct user *, void *),
                    void *ctx);
int64_t store_user_count(struct db *db);

/* ---- tokens (sessions and API tokens): only their hashes are stored ---- */
enum token_kind { TOKEN_SESSION = 1, TOKEN_API = 2 };
struct token_row {
    int64_t id;
    enum token_kind kind;
    char *csrf; /* the session's CSRF token (sessions only) */
    int64_t expires_at;
    struct user user; /* the token's owner */
};

int store_token_add(struct db *db, const char *hash, enum token_kind kind, int64_t user_id,
                    const char *csrf, const char *label, int64_t now, int64_t expires_at);
/* Finds an unexpired token by hash, with its user. */
int store_token_lookup(struct db *db, struct arena *a, const char *hash, int64_t now,
                       struct token_row *out);
int store_token_delete(struct db *db, const char *hash);

/* ---- sign-in throttle, per account (keyed by the normalised email) ---- */
int store_throttle_get(struct db *db, const char *email, int64_t *failures, int64_t *last_at);
int store_throttle_fail(struct db *db, const char *email, int64_t now);
int store_throttle_clear(struct db *db, const char *email);

/* ---- partners (and posthouses: partners with posthouse = true) ---- */
struct partner {
    int64_t id;
    char *name;
    char *contact_email;
    char *time_zone;
    int64_t calendar_id; /* 0: none */
    bool channels;
    bool posthouse;
    char *stage;
    char *alias;           /* NULL until setup */
    int64_t agent_id;      /* the posthouse delivering for it, 0: none */
    int64_t created_at;
};

int store_partner_add(struct db *db, const struct partner *p, int64_t *id);
int store_partner_get(struct db *db, struct arena *a, int64_t id, struct partner *out);
/*
 * Calls fn for each partner in id order: all of them (org_id 0), or only
 * org_id and the partners whose agent is org_id. stage NULL = any stage.
 */
int store_partner_each(struct db *db, struct arena *a, const char *stage, int64_t org_id,
                       int (*fn)(const struct partner *, void *), void *ctx);

/* ---- the audit log: append-only, no update or delete exists ---- */
struct event {
    int64_t id;
    int64_t at;
    int64_t actor_id;   /* 0: the system */
    char *actor_email;  /* filled by the reader */
    int64_t partner_id; /* 0: not about a partner */
    char *subject;      /* "partner:12", "user:3" */
    char *action;       /* "partner.create", "user.create" */
    char *before;       /* JSON text or NULL */
    char *after;        /* JSON text or NULL */
};

int store_event_add(struct db *db, const struct event *e);
/* Calls fn for each event of a partner (0: all events), oldest first. */
int store_event_each(struct db *db, struct arena *a, int64_t partner_id,
                     int (*fn)(const struct event *, void *), void *ctx);

#endif
