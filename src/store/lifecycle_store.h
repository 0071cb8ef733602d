/*
 * The store of the onboarding lifecycle: partner stage and owners, the
 * questionnaire and its answers, setup items, transfer accounts,
 * invitations, delivery requests and their messages, warnings, decisions
 * and alternate-solution requests. Same conventions as store.h: portable
 * parameterised SQL, strings in the caller's arena, 0 or STORE_ERR_*, and
 * the caller owns the transaction.
 */
#ifndef VG_LIFECYCLE_STORE_H
#define VG_LIFECYCLE_STORE_H

#include "store/store.h"

/* ---- partner state ---- */
int store_partner_set_stage(struct db *db, int64_t id, const char *stage, int64_t at);
/* owner is "cam", "pim", "pom" or "plm". */
int store_partner_set_owner(struct db *db, int64_t id, const char *owner, int64_t user_id);
int store_partner_set_alias(struct db *db, int64_t id, const char *alias);
int store_partner_set_agent(struct db *db, int64_t id, int64_t agent_id);
int store_partner_set_plan(struct db *db, int64_t id, const char *modules_json, bool skipped);
int store_partner_set_formats(struct db *db, int64_t id, const char *formats_json);
/*
 * Adds one warning and sets *count to the partner's new count, unless the
 * count already is max: then STORE_ERR_CONFLICT (the ladder ends at max).
 */
int store_partner_add_warning(struct db *db, int64_t id, int64_t max, int64_t *count);
/* The ladder starts again: the partner's warning count back to 0 (the warnings stay). */
int store_partner_reset_warnings(struct db *db, int64_t id);
int store_partner_set_decision(struct db *db, int64_t id, bool pending);

/* ---- the questionnaire ---- */
/* Records a definition version (kept as it was first loaded; later loads of the same version are
 * ignored). */
int store_questionnaire_put(struct db *db, const char *version, const char *definition,
                            int64_t now);
int store_questionnaire_get(struct db *db, struct arena *a, const char *version, char **definition);

struct answers_row {
    int64_t partner_id;
    char *version;
    char *answers; /* JSON object text */
    char *status;  /* draft, submitted */
    int64_t sent_at, updated_at, submitted_at, submitted_by;
};
int store_answers_get(struct db *db, struct arena *a, int64_t partner_id, struct answers_row *out);
/* Inserts or replaces the partner's answers row. */
int store_answers_put(struct db *db, const struct answers_row *row);

/* ---- setup items ---- */
struct setup_row {
    char *item;   /* alias, transfer_account, portal_account */
    char *status; /* pending, done */
    int64_t owner_id;
    char *value;
    int64_t updated_at;
};
/* Fills up to max rows (the items present), in item order. */
int store_setup_each(struct db *db, struct arena *a, int64_t partner_id, struct setup_row *rows,
                     int max, int *n);
int store_setup_set(struct db *db, int64_t partner_id, const char *item, const char *status,
                    int64_t owner_id, const char *value, int64_t now);

/* ---- transfer accounts and invitations ---- */
/*
 * A partner's transfer credential (SPEC 2.3): its username (the alias) and
 * the hash of its secret, one per partner. Setting it again replaces the
 * secret (a rotation: rotated_at/by; the first one sets created_at/by).
 */
struct transfer_row {
    int64_t partner_id;
    char *username;
    int64_t created_at, created_by; /* created_by 0: unknown */
    int64_t rotated_at, rotated_by; /* 0 while never rotated */
};
/* Inserts or replaces the credential; *rotated tells whether one existed. */
int store_transfer_set(struct db *db, int64_t partner_id, const char *username,
                       const char *token_hash, int64_t by, int64_t now, bool *rotated);
/* The partner's credential, STORE_ERR_NOT_FOUND when it has none. Strings in a. */
int store_transfer_get(struct db *db, struct arena *a, int64_t partner_id,
                       struct transfer_row *out);
/* The credential whose secret hashes to token_hash (STORE_ERR_NOT_FOUND: none). Strings in a. */
int store_transfer_lookup(struct db *db, struct arena *a, const char *token_hash,
                          struct transfer_row *out);
/* Deletes the partner's credential; STORE_ERR_NOT_FOUND when it had none. */
int store_transfer_delete(struct db *db, int64_t partner_id);
/* The credential's username follows the partner's alias (no credential: nothing to do). */
int store_transfer_rename(struct db *db, int64_t partner_id, const char *username);
int store_invitation_add(struct db *db, const char *token_hash, int64_t user_id, int64_t now,
                         int64_t expires_at);
/* Marks an unused, unexpired invitation used; *user_id gets its user. STORE_ERR_NOT_FOUND
 * otherwise. */
int store_invitation_use(struct db *db, const char *token_hash, int64_t now, int64_t *user_id);
/* An invitation as it stands, used or not (the invitation page): STORE_ERR_NOT_FOUND when unknown.
 */
struct invitation_row {
    int64_t user_id;
    int64_t created_at, expires_at;
    int64_t used_at; /* 0 while unused */
};
int store_invitation_get(struct db *db, const char *token_hash, struct invitation_row *out);
/* The partner's users that are not disabled (its colleagues, who get its mail); fn in id order. */
int store_user_each_of_partner(struct db *db, struct arena *a, int64_t partner_id,
                               int (*fn)(const struct user *, void *), void *ctx);

/* ---- delivery requests ---- */
struct request_row {
    int64_t id;
    int64_t partner_id;
    char *kind; /* avails, asset_package */
    char *title;
    char *note;
    char *phase;  /* training, steady_state */
    char *status; /* open, delivered, passed, failed, closed */
    int64_t issued_at, issued_by;
    int64_t n_rerequests;
    int64_t last_issued_at;
    bool late;
};
int store_request_add(struct db *db, const struct request_row *r, int64_t *id);
int store_request_get(struct db *db, struct arena *a, int64_t id, struct request_row *out);
int store_request_each_of_partner(struct db *db, struct arena *a, int64_t partner_id,
                                  int (*fn)(const struct request_row *, void *), void *ctx);
int store_request_rerequest(struct db *db, int64_t id, int64_t at);
int store_request_set_status(struct db *db, int64_t id, const char *status);
int store_request_set_late(struct db *db, int64_t id);

struct message_row {
    int64_t id;
    int64_t request_id;
    int64_t author_id;
    char *author_email;
    bool from_partner;
    char *body;
    int64_t at;
};
int store_message_add(struct db *db, const struct message_row *m, int64_t *id);
int store_message_each(struct db *db, struct arena *a, int64_t request_id,
                       int (*fn)(const struct message_row *, void *), void *ctx);

/* ---- warnings, decisions, alternate solutions ---- */
struct warning_row {
    int64_t id;
    int64_t partner_id;
    int64_t request_id;
    int64_t clock_id;
    int64_t number;
    int64_t issued_at;
    char *reason;
};
/* STORE_ERR_CONFLICT when the clock already has its warning (a breach warns once). */
int store_warning_add(struct db *db, const struct warning_row *w, int64_t *id);
int store_warning_each(struct db *db, struct arena *a, int64_t partner_id,
                       int (*fn)(const struct warning_row *, void *), void *ctx);
int store_decision_add(struct db *db, int64_t partner_id, const char *action, const char *note,
                       int64_t by_user, int64_t at);
struct decision_row {
    int64_t id;
    int64_t partner_id;
    char *action;    /* stop, escalate, propose_posthouse, continue */
    char *note;      /* NULL: none */
    int64_t by_user; /* 0: unknown */
    int64_t at;
};
/* The partner's latest decision: STORE_ERR_NOT_FOUND when none was made. */
int store_decision_latest(struct db *db, struct arena *a, int64_t partner_id,
                          struct decision_row *out);
int store_alternate_add(struct db *db, int64_t partner_id, const char *reason, int64_t by_user,
                        int64_t at, int64_t *id);
/* Open alternate-solution requests of a partner (0: all partners), newest first. */
int store_alternate_count_open(struct db *db, int64_t partner_id, int64_t *n);

#endif
