/*
 * Uploads in the store: one row per tus upload (see ingest/upload.h).
 *
 * The row is the truth about an upload: the bytes of its file count only up
 * to upload_offset, which is raised only after those bytes were made durable
 * (ingest/blob.c), together with the running hash state at that offset, in
 * one conditional UPDATE. A writer holds a generation number taken when its
 * PATCH began; a commit whose generation is no longer the row's changes
 * nothing, so an older connection that lost the upload to a newer one can
 * never move the offset, in this process or in another one.
 */
#ifndef VG_UPLOAD_STORE_H
#define VG_UPLOAD_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"

struct db;

#define UPLOAD_ID_LEN 32 /* hex characters of the 128-bit random id */

struct upload_row {
    char id[UPLOAD_ID_LEN + 1]; /* server-made, the last segment of the tus URL */
    int64_t partner_id;         /* the organisation the upload belongs to */
    int64_t agent_id;           /* that partner's delivery agent (read only, 0: none) */
    int64_t user_id;            /* who created it */
    char *filename;             /* from Upload-Metadata, NULL when none */
    char *metadata;             /* the Upload-Metadata header as received, NULL when none */
    int64_t length;             /* -1 while deferred (Upload-Defer-Length) */
    int64_t offset;             /* committed bytes */
    char *state;                /* "open", "complete", "expired" */
    int64_t generation;         /* bumped by each writer that takes the upload */
    char *hash_state;           /* running sha256 + md5 at offset (ingest/digest.c), or NULL */
    char *sha256, *md5;         /* hex, when complete */
    int64_t created_at, updated_at;
    int64_t expires_at;   /* 0 when complete */
    int64_t completed_at; /* 0 until complete */
    /*
     * tus concatenation: NULL for a plain upload, "partial", or the final's
     * Upload-Concat value "final;URL URL ..." (validated by tus_parse_concat).
     */
    char *concat;
};

/* True for a partial upload (a piece of a final one, never a deliverable file). */
bool upload_is_partial(const struct upload_row *u);
/* True for a final upload (made by concatenation: it takes no PATCH). */
bool upload_is_final(const struct upload_row *u);

int store_upload_add(struct db *db, const struct upload_row *u);
int store_upload_get(struct db *db, struct arena *a, const char *id, struct upload_row *out);
/*
 * Takes the upload for a new writer: bumps its generation and returns the
 * new one with the row as it is now (offset, hash state). Any writer that
 * holds an older generation can no longer commit.
 */
int store_upload_take(struct db *db, struct arena *a, const char *id, struct upload_row *out);
/*
 * Commits offset and hash state, if the row is still at generation gen and
 * not past offset: *ok false when another writer took it. complete sets the
 * state and the final digests (sha256, md5 hex) at the same time.
 */
int store_upload_commit(struct db *db, const char *id, int64_t gen, int64_t offset,
                        const char *hash_state, int64_t expires_at, bool complete,
                        const char *sha256, const char *md5, int64_t now, bool *ok);
/* Sets the length of a deferred upload (only while it is deferred). */
int store_upload_set_length(struct db *db, const char *id, int64_t length, bool *ok);
int store_upload_delete(struct db *db, const char *id);
/* Marks an open upload expired (the row stays, so its URL answers 410). */
int store_upload_set_expired(struct db *db, const char *id, int64_t now);
/* Sum of the lengths (the offset while deferred) of a partner's open and complete uploads. */
int store_upload_bytes_of_partner(struct db *db, int64_t partner_id, int64_t *bytes);
/*
 * Calls fn for each upload of one partner (0: every partner; org_id: only
 * that organisation and the partners whose agent it is), newest first.
 */
int store_upload_each(struct db *db, struct arena *a, int64_t partner_id, int64_t org_id,
                      int (*fn)(const struct upload_row *, void *), void *ctx);
/* Fills ids (up to max, each UPLOAD_ID_LEN + 1) with open uploads whose expiry is before now. */
int store_upload_expired_ids(struct db *db, int64_t now, char (*ids)[UPLOAD_ID_LEN + 1], int max,
                             int *n);
/*
 * Records the md5 of a complete upload whose md5 lagged behind (the md5
 * finisher): only while it is still missing. Clears the hash state.
 */
int store_upload_set_md5(struct db *db, const char *id, const char *md5);
/* Fills ids (up to max) with complete uploads whose md5 is still missing. */
int store_upload_md5_pending(struct db *db, char (*ids)[UPLOAD_ID_LEN + 1], int max, int *n);
/* Calls fn for each open upload (the restart pass). */
int store_upload_each_open(struct db *db, struct arena *a,
                           int (*fn)(const struct upload_row *, void *), void *ctx);

#endif
