/*
 * The reads of the staff dashboard: what needs attention across every
 * partner. Each is one aggregate or one bounded query on an index, so the
 * dashboard costs the same with ten partners or ten thousand: partners by
 * stage is one GROUP BY over partners_stage; the clock lists are range
 * scans of clocks_due (state, due_at, id) with a LIMIT; recent warnings and
 * alternate-solution requests read their tables newest id first with a
 * LIMIT. Same conventions as store.h.
 */
#ifndef VG_DASHBOARD_STORE_H
#define VG_DASHBOARD_STORE_H

#include "store/store.h"

/* Calls fn(stage, count) for each stage that has partners (one GROUP BY). */
int store_dash_stage_counts(struct db *db, int (*fn)(const char *stage, int64_t n, void *),
                            void *ctx);

/* A clock with the partner it belongs to. */
struct dash_clock {
    int64_t id;
    char *kind;
    char *subject;
    char *state;
    char *label; /* NULL when none */
    int64_t started_at;
    int64_t due_at;
    int64_t partner_id; /* 0: none */
    char *partner_name; /* NULL when none */
    char *time_zone;    /* the partner's zone (the clock's own when no partner) */
};

/*
 * Running clocks due by until (due soon, and due but not yet swept), soonest
 * first: up to limit of them to fn, and their number to *total.
 */
int store_dash_clocks_due(struct db *db, struct arena *a, int64_t until, int limit, int64_t *total,
                          int (*fn)(const struct dash_clock *, void *), void *ctx);
/* Clocks breached after since, the latest first: up to limit to fn, their number to *total. */
int store_dash_clocks_breached(struct db *db, struct arena *a, int64_t since, int limit,
                               int64_t *total, int (*fn)(const struct dash_clock *, void *),
                               void *ctx);

/* A warning with its partner and the title of its request. */
struct dash_warning {
    int64_t id;
    int64_t number;
    int64_t issued_at;
    char *reason;
    int64_t request_id;  /* 0: none */
    char *request_title; /* NULL when none */
    int64_t partner_id;
    char *partner_name;
    char *time_zone;
};
/* The latest limit warnings, newest first. */
int store_dash_warnings(struct db *db, struct arena *a, int limit,
                        int (*fn)(const struct dash_warning *, void *), void *ctx);

/* A partner whose pim owes the decision after the third warning. */
struct dash_decision {
    int64_t partner_id;
    char *partner_name;
    char *time_zone;
    char *stage;
    int64_t warnings;
    int64_t stage_at;
    char *pim_email; /* NULL: no pim yet */
    char *pim_name;
};
/*
 * Partners in training (or escalated) whose decision is pending, longest in
 * stage first: up to limit to fn, their number to *total.
 */
int store_dash_decisions(struct db *db, struct arena *a, int limit, int64_t *total,
                         int (*fn)(const struct dash_decision *, void *), void *ctx);

/* An open alternate-solution request with its partner. */
struct dash_alternate {
    int64_t id;
    char *reason;
    int64_t at;
    char *by_email; /* NULL when the user is gone */
    int64_t partner_id;
    char *partner_name;
    char *time_zone;
    char *state; /* "open" or "acknowledged" (migration 13) */
};
/* Open alternate-solution requests, newest first: up to limit to fn, their number to *total. */
int store_dash_alternates(struct db *db, struct arena *a, int limit, int64_t *total,
                          int (*fn)(const struct dash_alternate *, void *), void *ctx);

/* The title of request id (in a), or NULL when there is none. */
char *store_dash_request_title(struct db *db, struct arena *a, int64_t id);

#endif
