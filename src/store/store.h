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
/*
 * Writes a consistent copy of the embedded database to path (which must not
 * exist), while the server may be running. STORE_ERR for PostgreSQL (use
 * pg_dump) or when the copy fails.
 */
int store_backup(struct store *s, const char *path, char **err);
/* Takes a connection from the pool (opens one when none is idle). */
struct db *store_get(struct store *s);
void store_put(struct store *s, struct db *db);
/*
 * Closes db instead of pooling it: for a connection whose work failed midway
 * (base/recover.h), whose statements and transaction are in an unknown state.
 */
void store_discard(struct db *db);
/*
 * Finishes the statements that work failed in the middle of (base/recover.h)
 * left running, so that db can go on in its transaction: undo to a savepoint,
 * record the failure, commit the rest.
 */
void store_recover(struct db *db);
/*
 * For a connection that serves one read (a GET): its reads outside
 * transactions share one snapshot, until its next write or store_put (see
 * db_share_reads in db.h: one read transaction instead of one per query).
 */
void store_share_reads(struct db *db);

int store_begin(struct db *db);
int store_commit(struct db *db);
void store_rollback(struct db *db);
/* A savepoint inside a transaction: undo part of it and keep the rest. */
int store_savepoint(struct db *db);
int store_savepoint_undo(struct db *db);
int store_savepoint_release(struct db *db);

/* ---- users ---- */
struct user {
    int64_t id;
    char *email;
    char *name;
    enum role role;
    int64_t partner_id; /* 0 for staff */
    char *password_hash;
    int64_t created_at;
    bool org_admin;          /* an organisation's user who may invite and remove its colleagues */
    int64_t disabled_at;     /* 0: active; else when the account was disabled (no sign-in) */
    int64_t last_sign_in_at; /* 0: never (or before this was recorded) */
};

int store_user_add(struct db *db, const struct user *u, int64_t *id);
int store_user_by_email(struct db *db, struct arena *a, const char *email, struct user *out);
int store_user_by_id(struct db *db, struct arena *a, int64_t id, struct user *out);
int store_user_set_password(struct db *db, int64_t id, const char *password_hash);
/* Calls fn for each user in id order; stops early when fn returns non-zero. */
int store_user_each(struct db *db, struct arena *a, int (*fn)(const struct user *, void *),
                    void *ctx);
int64_t store_user_count(struct db *db);
/* Changes a user's role (the caller checks that it fits the user's organisation). */
int store_user_set_role(struct db *db, int64_t id, enum role role);
/* Sets or clears a user's org_admin flag. */
int store_user_set_org_admin(struct db *db, int64_t id, bool on);
/*
 * Disables a user at now: no password, no session or API token, no unused
 * invitation link is left, and token lookups skip a disabled user. The row
 * stays (the audit log names it). store_user_enable lifts it (a new
 * invitation then sets a password).
 */
int store_user_disable(struct db *db, int64_t id, int64_t now);
int store_user_enable(struct db *db, int64_t id);
/* Records a sign-in of user id at now. */
int store_user_signed_in(struct db *db, int64_t id, int64_t now);

/* Calls fn for each staff user (no organisation), by role then name; stops early on non-zero. */
int store_user_each_staff(struct db *db, struct arena *a, int (*fn)(const struct user *, void *),
                          void *ctx);

/* ---- tokens (sessions and API tokens): only their hashes are stored (and no CSRF token:
   a session's is derived from its token, base/secret.h) ---- */
enum token_kind { TOKEN_SESSION = 1, TOKEN_API = 2 };
struct token_row {
    int64_t id;
    enum token_kind kind;
    int64_t expires_at;
    struct user user; /* the token's owner */
};

int store_token_add(struct db *db, const char *hash, enum token_kind kind, int64_t user_id,
                    const char *label, int64_t now, int64_t expires_at);
/* Finds an unexpired token by hash, with its user. */
int store_token_lookup(struct db *db, struct arena *a, const char *hash, int64_t now,
                       struct token_row *out);
int store_token_delete(struct db *db, const char *hash);
/* What a token's owner may see of it (never its hash). */
struct token_info {
    int64_t id;
    char *label;
    int64_t created_at, expires_at;
};
/* Calls fn for the user's tokens of one kind, newest first; stops when fn returns non-zero. */
int store_token_each(struct db *db, struct arena *a, int64_t user_id, enum token_kind kind,
                     int (*fn)(const struct token_info *, void *), void *ctx);
/* Sets *n to the number of the user's tokens of one kind that expire after now. */
int store_token_count(struct db *db, int64_t user_id, enum token_kind kind, int64_t now,
                      int64_t *n);
/* Deletes token id when it is the user's and of that kind; STORE_ERR_NOT_FOUND otherwise. */
int store_token_revoke(struct db *db, int64_t user_id, int64_t id, enum token_kind kind);
/* Deletes the user's sessions except the one whose hash is keep (NULL: all); *n gets how many. */
int store_token_end_sessions(struct db *db, int64_t user_id, const char *keep, int64_t *n);

/*
 * ---- the sign-in throttle: one row per client and account, both keys being
 * hashes (core/signin.h); rows go SIGNIN_FORGET after their last attempt ----
 */
/*
 * Decides an attempt of client on account at now and, when it may go ahead,
 * counts it, in one transaction (a row lock on PostgreSQL, the write lock on
 * SQLite), so that parallel attempts are counted one by one. *wait gets 0
 * (go ahead: the attempt is counted) or the seconds to wait (nothing is
 * recorded). Rows of clients quiet for SIGNIN_FORGET are deleted on the way.
 * Not inside another transaction.
 */
int store_throttle_attempt(struct db *db, const char *account, const char *client, int64_t now,
                           int64_t *wait);
/* Forgets client's attempts on account (a success); client NULL: every client's (a reset). */
int store_throttle_clear(struct db *db, const char *account, const char *client);

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
    char *alias;      /* NULL until setup */
    int64_t agent_id; /* the posthouse delivering for it, 0: none */
    int64_t created_at;
    int64_t cam_id, pim_id, pom_id, plm_id; /* owners, 0: none yet */
    int64_t warnings;                       /* the ladder's count: 0..3, reset by a decision   */
    bool decision_pending;                  /* the pim owes a decision after the third warning */
    bool training_skipped;                  /* already onboarded: no training */
    char *training_modules;                 /* JSON array text */
    char *approved_formats;                 /* JSON array text */
    int64_t stage_at;                       /* when the current stage began */
};

int store_partner_add(struct db *db, const struct partner *p, int64_t *id);
int store_partner_get(struct db *db, struct arena *a, int64_t id, struct partner *out);
/*
 * Calls fn for each partner in id order: all of them (org_id 0), or only
 * org_id and the partners whose agent is org_id. stage NULL = any stage.
 */
int store_partner_set_calendar(struct db *db, int64_t id, int64_t calendar_id);
int store_partner_each(struct db *db, struct arena *a, const char *stage, int64_t org_id,
                       int (*fn)(const struct partner *, void *), void *ctx);

/* A page of partners, filtered and sorted in SQL (the dashboard's list). */
enum partner_sort { PARTNER_SORT_ID, PARTNER_SORT_NAME, PARTNER_SORT_STAGE, PARTNER_SORT_SINCE };
struct partner_query {
    const char *stage; /* NULL: any */
    int64_t org_id;    /* 0: every partner; else org_id and those whose agent it is */
    int64_t owner_id;  /* 0: any; else partners whose cam, pim, pom or plm this user is */
    const char *name;  /* NULL: any; else a part of the name, case-insensitive */
    enum partner_sort sort;
    bool desc;
    int64_t limit, offset;
};
/*
 * Calls fn for the partners of one page of q, and sets *total to the number
 * of partners that match q (all pages). Stage order is the lifecycle's;
 * "since" is when the partner entered its stage. Ties go by id.
 */
int store_partner_page(struct db *db, struct arena *a, const struct partner_query *q,
                       int64_t *total, int (*fn)(const struct partner *, void *), void *ctx);

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
/*
 * Calls fn for the events of partner_id with an id below before (0: no
 * bound) and, unless action is NULL, that action: newest first, at most
 * limit of them (0: no limit). *total (unless total is NULL) gets how many
 * events of the partner have the action, whatever before: one index range
 * count on events_partner.
 */
int store_event_page(struct db *db, struct arena *a, int64_t partner_id, int64_t before,
                     const char *action, int64_t limit, int64_t *total,
                     int (*fn)(const struct event *, void *), void *ctx);

/* ---- calendars ---- */
struct holiday {
    int64_t day; /* day number since 1970-01-01 (a local date) */
    char *name;
};

struct calendar_row {
    int64_t id;
    char *name;
    char *time_zone;
    unsigned working_days; /* bit i = ISO weekday i + 1 */
    int first_year, last_year;
    int64_t version;          /* bumped on every edit */
    struct holiday *holidays; /* sorted by day, in the arena */
    size_t n_holidays;
    int64_t created_at, updated_at;
};

int store_calendar_add(struct db *db, const struct calendar_row *c, int64_t *id);
/* Loads a calendar with its holidays. */
int store_calendar_get(struct db *db, struct arena *a, int64_t id, struct calendar_row *out);
/* Rewrites name, zone, week, years and the holiday list; bumps the version. */
int store_calendar_update(struct db *db, const struct calendar_row *c, int64_t now);
int store_calendar_each(struct db *db, struct arena *a,
                        int (*fn)(const struct calendar_row *, void *), void *ctx);

/* ---- clocks ---- */
struct clock_row {
    int64_t id;
    int64_t partner_id;  /* 0: none */
    char *kind;          /* delivery_48h, response_3wd, setup_10d, training_30d, ... */
    char *subject;       /* request:12, partner:3 */
    int64_t calendar_id; /* 0: the partner's zone, Monday to Friday, no holidays */
    int64_t calendar_version;
    char *time_zone;
    int64_t started_at;
    int64_t fixed_due; /* milestones only */
    int64_t extension_days;
    int64_t due_at; /* 0 while paused */
    char *state;    /* running, paused, met, breached, cancelled */
    int64_t closed_at;
    char *label;
    char *tzdata;
    int64_t created_at;
};

struct clock_pause_row {
    int64_t id;
    int64_t from_at;
    int64_t to_at; /* 0 while still paused */
    char *reason;
};

int store_clock_add(struct db *db, const struct clock_row *c, int64_t *id);
int store_clock_get(struct db *db, struct arena *a, int64_t id, struct clock_row *out);
/* Calls fn for each clock of a partner, oldest first; states NULL = any. */
int store_clock_each_of_partner(struct db *db, struct arena *a, int64_t partner_id,
                                int (*fn)(const struct clock_row *, void *), void *ctx);
/* Calls fn for the clocks (running or paused) of a subject and kind (NULL: any kind). */
int store_clock_each_open_of_subject(struct db *db, struct arena *a, const char *subject,
                                     const char *kind, int (*fn)(const struct clock_row *, void *),
                                     void *ctx);
/* Calls fn for up to limit open clocks, soonest due first (partner_id 0: every partner). */
int store_clock_each_open(struct db *db, struct arena *a, int64_t partner_id, int limit,
                          int (*fn)(const struct clock_row *, void *), void *ctx);
/* Moves a partner's open clocks to another calendar (0: the default); recompute them after. */
int store_clock_move_calendar(struct db *db, int64_t partner_id, int64_t calendar_id);
/* Calls fn for the open clocks that use a calendar. */
int store_clock_each_open_on_calendar(struct db *db, struct arena *a, int64_t calendar_id,
                                      int (*fn)(const struct clock_row *, void *), void *ctx);
/*
 * Fills out[] with up to max running clocks due by now (due_at <= now), the
 * earliest first. The ids only: claim each with store_clock_claim_breach.
 */
int store_clock_due_ids(struct db *db, int64_t now, int64_t *out, int max, int *n);
/*
 * Marks a running clock breached at its own due instant, if it still is
 * running and due by now. *claimed is true only for the one caller that did
 * it: this is what makes a breach fire exactly once.
 */
int store_clock_claim_breach(struct db *db, int64_t id, int64_t now, bool *claimed);
/*
 * Fills out[] with up to max running clocks due in (after, until] whose
 * due-soon notice has not been sent, earliest first.
 */
int store_clock_soon_ids(struct db *db, int64_t after, int64_t until, int64_t *out, int max,
                         int *n);
/* The earliest due instant after `after` of a running clock not yet noticed as due soon (0: none).
 */
int store_clock_next_soon(struct db *db, int64_t after, int64_t *due);
/* Marks the due-soon notice of a clock sent; *claimed is true for the one caller that did. */
int store_clock_claim_soon(struct db *db, int64_t id, bool *claimed);
/* The earliest due instant of a running clock, 0 when none. */
int store_clock_next_due(struct db *db, int64_t *due);
/* Sets due_at (0 = NULL), state and calendar version of an open clock. */
int store_clock_set_due(struct db *db, int64_t id, int64_t due_at, const char *state,
                        int64_t calendar_version);
/* Closes an open clock (met or cancelled) at instant at; *closed false if it was not open. */
int store_clock_close(struct db *db, int64_t id, const char *state, int64_t at, bool *closed);
int store_clock_extend(struct db *db, int64_t id, int64_t days, const char *reason, int64_t by_user,
                       int64_t at);
int store_clock_pause_add(struct db *db, int64_t id, int64_t from_at, const char *reason,
                          int64_t by_user);
int store_clock_pause_end(struct db *db, int64_t id, int64_t to_at);
/* Loads the pauses of a clock, oldest first, into an arena array. */
int store_clock_pauses(struct db *db, struct arena *a, int64_t id, struct clock_pause_row **out,
                       size_t *n);
/* Counts clocks in a state (for tests and the dashboard). */
int64_t store_clock_count(struct db *db, const char *state);

/* ---- calendar feeds: one secret token per user, stored hashed ---- */
int store_feed_set(struct db *db, int64_t user_id, const char *token_hash);
int store_feed_user(struct db *db, struct arena *a, const char *token_hash, struct user *out);
/* Sets *active when the user has a feed link. */
int store_feed_active(struct db *db, int64_t user_id, bool *active);
/* Removes the user's feed link (its URL stops working); STORE_ERR_NOT_FOUND when there was none. */
int store_feed_delete(struct db *db, int64_t user_id);

#endif
