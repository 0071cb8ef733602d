/*
 * Deliveries, their files and findings, and the background job queue (the
 * validation of a delivery runs as a job). Conventions of store.h: portable
 * parameterised SQL, strings in the caller's arena, 0 or STORE_ERR_*, the
 * caller owns the transaction.
 */
#ifndef VG_DELIVERY_STORE_H
#define VG_DELIVERY_STORE_H

#include "store/store.h"

struct delivery_row {
    int64_t id;
    int64_t partner_id;
    int64_t request_id;  /* 0: a self-serve delivery */
    int64_t previous_id; /* 0: the first for its request (self-serve: of its kind) */
    char *kind;          /* avails, asset_package */
    char *status;        /* validating, passed, failed */
    int64_t created_by;
    int64_t received_at;
    int64_t validated_at;
    char *ruleset;
    int64_t n_errors, n_warnings;
    bool late; /* received after the request's 48-hour clock ran out */
    int64_t delivered_by; /* the organisation that delivered: the partner or its posthouse */
};

struct delivery_file_row {
    int64_t position;
    char *upload_id;
    char *filename;
    int64_t length;
    char *sha256;
    char *md5;
};

int store_delivery_add(struct db *db, const struct delivery_row *d, int64_t *id);
int store_delivery_get(struct db *db, struct arena *a, int64_t id, struct delivery_row *out);
/* The deliveries of a partner (request_id 0) or of one request, newest first. */
int store_delivery_each(struct db *db, struct arena *a, int64_t partner_id, int64_t request_id,
                        int (*fn)(const struct delivery_row *, void *), void *ctx);
/*
 * One page of a partner's deliveries, newest first: at most limit of those
 * with ids below before (0: from the newest). Reads the (partner_id, id)
 * index, so the cost follows limit, not how many deliveries the partner has.
 */
int store_delivery_page(struct db *db, struct arena *a, int64_t partner_id, int64_t before,
                        int64_t limit, int (*fn)(const struct delivery_row *, void *), void *ctx);
/* The newest delivery of a request before `before` (0: none). */
int store_delivery_latest(struct db *db, int64_t request_id, int64_t before, int64_t *id);
/* The newest self-serve delivery (no request) of a partner of this kind (0: none): what a new
 * self-serve delivery of that kind redelivers. */
int store_delivery_latest_self(struct db *db, int64_t partner_id, const char *kind, int64_t *id);
/* The first delivery that holds upload upload_id in *id (0: none). */
int store_delivery_of_upload(struct db *db, const char *upload_id, int64_t *id);
int store_delivery_file_add(struct db *db, int64_t delivery_id, const struct delivery_file_row *f);
int store_delivery_files(struct db *db, struct arena *a, int64_t delivery_id,
                         int (*fn)(const struct delivery_file_row *, void *), void *ctx);
int store_delivery_finding_add(struct db *db, int64_t delivery_id, int64_t position,
                               const char *code, const char *severity, const char *file,
                               const char *finding_json);
/* The findings of a delivery as JSON texts, in order. */
int store_delivery_findings(struct db *db, struct arena *a, int64_t delivery_id,
                            int (*fn)(const char *finding_json, void *), void *ctx);
/* Records the result once: *done is false when the delivery was no longer validating. */
int store_delivery_finish(struct db *db, int64_t id, const char *status, const char *ruleset,
                          int64_t n_errors, int64_t n_warnings, int64_t now, bool *done);

/* ---- the job queue ---- */
struct job_row {
    int64_t id;
    char *kind;
    char *subject;
    char *state;
    int64_t attempts;
};

int store_job_add(struct db *db, const char *kind, const char *subject, int64_t run_after,
                  int64_t now, int64_t *id);
/*
 * Claims the next ready job (queued and due, or running with an expired
 * lease: its worker died) for lease seconds on behalf of the instance owner
 * (a serving process's stable name), in a transaction of its own. *claimed
 * is false when none is ready. Several workers in several processes never
 * claim the same job at once.
 */
int store_job_claim(struct db *db, struct arena *a, int64_t now, int64_t lease, const char *owner,
                    struct job_row *out, bool *claimed);
/*
 * Puts back in the queue, ready at now, every job leased by owner: called by
 * an instance as it starts, before its workers run, since the jobs it holds
 * were its dead predecessor's (the attempt counts). Sets *n_released.
 */
int store_job_release_owner(struct db *db, const char *owner, int64_t now, int64_t *n_released);
/* Ends a job claimed at attempt `attempts`: done or failed; *ok false if it was re-claimed. */
int store_job_end(struct db *db, int64_t id, int64_t attempts, const char *state, const char *error,
                  int64_t now, bool *ok);
/* Puts a job back in the queue to run after run_after (a retry). */
int store_job_retry(struct db *db, int64_t id, int64_t attempts, int64_t run_after,
                    const char *error, int64_t now);
int64_t store_job_count(struct db *db, const char *state);

#endif
