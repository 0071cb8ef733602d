/*
 * The store of titles (SPEC 3, "Titles: the steady state"): titles, their
 * windows, assets and per-territory state, and the deliveries that made or
 * touched them. Same conventions as store.h: parameterised SQL, strings in
 * the caller's arena, 0 or STORE_ERR_*, and the caller owns the transaction.
 * Which title a delivery names is decided by core/title.h (title_key); the
 * rows here only keep its key unique per partner.
 */
#ifndef VG_TITLE_STORE_H
#define VG_TITLE_STORE_H

#include "store/store.h"

#define TITLE_NO_DUE 9000000000000LL /* next_due of a title with no deadline ahead */

struct title_row {
    int64_t id;
    int64_t partner_id;
    char *key; /* core/title.h title_key */
    char *alid, *content_id, *eidr; /* NULL when not given */
    char *name;
    char *work_type;
    char *series_name;    /* NULL when not an episode or season */
    int64_t season, episode; /* 0: none */
    char *original_language; /* NULL when unknown */
    int64_t made_by_delivery; /* 0: made by staff */
    int64_t created_by;
    int64_t created_at, updated_at;
    char *state;      /* the summary: waiting_for_assets, ready, published */
    int64_t next_due; /* TITLE_NO_DUE when none */
};

struct title_window_row {
    int64_t id, title_id;
    char *territory, *license_type, *format_profile;
    char *start_date, *end_date; /* YYYY-MM-DD; NULL when a condition / open-ended */
    int64_t start_at, end_at;    /* end_at 0: open-ended */
    char *state;                 /* active, ended */
    int64_t delivery_id;
};

struct title_asset_row {
    int64_t id, title_id;
    char *kind, *language, *status;
    int64_t delivery_id;
    int64_t updated_at;
};

struct title_state_row {
    int64_t title_id;
    char *territory;
    char *state; /* waiting_for_assets, ready, published */
    char *reasons; /* NULL when ready or published */
    int64_t window_start, assets_complete_at, ready_at, publish_by, published_at, clock_id;
};

struct title_delivery_row {
    int64_t id;
    char *kind, *status;
    int64_t received_at;
};

int store_title_get(struct db *db, struct arena *a, int64_t id, struct title_row *out);
/* The partner's title with this key; STORE_ERR_NOT_FOUND when none. */
int store_title_by_key(struct db *db, struct arena *a, int64_t partner_id, const char *key,
                       struct title_row *out);
/* The partner's title whose ALID or ContentID is id (normalised, lower case). */
int store_title_by_ident(struct db *db, struct arena *a, int64_t partner_id, const char *id,
                         struct title_row *out);
int store_title_add(struct db *db, const struct title_row *t, int64_t *id);
/* Writes key, ids, name, work type, series, language and updated_at of t->id. */
int store_title_update(struct db *db, const struct title_row *t);
int store_title_set_summary(struct db *db, int64_t id, const char *state, int64_t next_due);

/* Creates or updates the window of (title, territory, license type, format) as active. */
int store_title_window_put(struct db *db, int64_t title_id, const struct title_window_row *w,
                           int64_t now);
/* Ends the active windows of a title matching territory/license/format (NULL: any). */
int store_title_window_end(struct db *db, int64_t title_id, const char *territory,
                           const char *license_type, const char *format_profile, int64_t delivery_id,
                           int64_t now, int64_t *n_ended);
int store_title_windows(struct db *db, struct arena *a, int64_t title_id,
                        int (*fn)(const struct title_window_row *, void *), void *ctx);

/* Records an asset; a failed one never replaces a passed one. */
int store_title_asset_put(struct db *db, int64_t title_id, const char *kind, const char *language,
                          const char *status, int64_t delivery_id, int64_t now);
int store_title_assets(struct db *db, struct arena *a, int64_t title_id,
                       int (*fn)(const struct title_asset_row *, void *), void *ctx);

int store_title_state_put(struct db *db, const struct title_state_row *s, int64_t now);
int store_title_state_get(struct db *db, struct arena *a, int64_t title_id, const char *territory,
                          struct title_state_row *out);
int store_title_states(struct db *db, struct arena *a, int64_t title_id,
                       int (*fn)(const struct title_state_row *, void *), void *ctx);
/* The titles whose assets are complete and whose waiting window now opens within reach. */
int store_title_each_to_wake(struct db *db, int64_t before, int64_t limit,
                             int (*fn)(int64_t title_id, void *), void *ctx);

int store_title_delivery_add(struct db *db, int64_t title_id, int64_t delivery_id);
int store_title_deliveries(struct db *db, struct arena *a, int64_t title_id,
                           int (*fn)(const struct title_delivery_row *, void *), void *ctx);

/* What the catalogue is filtered by; 0/NULL: no filter. */
struct title_filter {
    int64_t partner_id;
    int64_t agent_id; /* a posthouse: the titles of the partners it acts for */
    const char *state, *territory, *q;
    bool late;
    int64_t now; /* for late */
    int64_t offset, limit;
};
/* The titles that match, by next deadline then id; *total counts them all. */
int store_title_list(struct db *db, struct arena *a, const struct title_filter *f,
                     int (*fn)(const struct title_row *, void *), void *ctx, int64_t *total);

#endif
