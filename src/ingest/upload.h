/*
 * Uploads: the tus resources behind /files/, without any HTTP.
 *
 * An upload is a row in the store (store/upload_store.h) and a file named by
 * its id under <data>/uploads/. upload_create makes both; a session takes
 * one request body (PATCH, or POST with creation-with-upload) from begin to
 * end through a blob_writer (ingest/blob.h), and commits the offset with the
 * running hash states; when the last byte is committed, the upload's sha256
 * and md5 are recorded in the same UPDATE.
 *
 * One writer per upload in this process: a session that begins on an upload
 * another session is writing cancels the older one and waits until the older
 * one's threads no longer touch the file (milliseconds), then takes the
 * upload in the store (bumping its generation, which also fences writers in
 * other processes): the newer connection wins, the older one stops. That
 * hand-over, termination and expiry run under one process-wide mutex, so
 * they never interleave on a file.
 *
 * Sizes: ingest_opts.max_size is the largest upload (Tus-Max-Size);
 * ingest_opts.quota the bytes one partner may hold in open and complete
 * uploads (0: no quota). Unfinished uploads expire ttl seconds after their
 * last write (the clock is now_get(), so a test clock moves it); expired ones
 * keep their row (their URL answers 410) and lose their bytes.
 */
#ifndef VG_UPLOAD_H
#define VG_UPLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "ingest/tus_header.h"
#include "store/store.h"
#include "store/upload_store.h"

enum upload_err {
    UPLOAD_OK = 0,
    UPLOAD_ERR = -1,           /* store or disk failure (logged): 500 */
    UPLOAD_ERR_NOT_FOUND = -2, /* no such upload: 404 */
    UPLOAD_ERR_GONE = -3,      /* expired: 410 */
    UPLOAD_ERR_OFFSET = -4,    /* Upload-Offset is not the upload's offset: 409 */
    UPLOAD_ERR_TOO_LARGE = -5, /* above the maximum size, or past Upload-Length: 413 */
    UPLOAD_ERR_QUOTA = -6,     /* the partner's quota would be exceeded: 413 */
    UPLOAD_ERR_CHECKSUM = -7,  /* the body does not match Upload-Checksum: 460 */
    UPLOAD_ERR_STOPPED = -8,   /* a newer request took the upload */
    UPLOAD_ERR_LENGTH = -9,    /* Upload-Length missing, or changed once set: 400 */
    UPLOAD_ERR_COMPLETE = -10, /* the upload is complete: nothing more to write (409) */
};

struct ingest_opts {
    uint64_t max_size; /* bytes; Tus-Max-Size */
    uint64_t quota;    /* bytes per partner; 0: none */
    int64_t ttl;       /* seconds an unfinished upload lives after its last write */
};

struct ingest;

/*
 * Opens the upload area under data_dir (creating <data_dir>/uploads) and
 * cuts every unfinished upload's file back to its committed offset (the
 * restart pass). Returns 0, or -1 with *err malloc'd.
 */
int ingest_open(struct store *store, const char *data_dir, const struct ingest_opts *opts,
                struct ingest **out, char **err);
void ingest_close(struct ingest *ing);
const struct ingest_opts *ingest_options(const struct ingest *ing);

/*
 * Creates an upload: a fresh random id, the empty file, the row. u carries
 * partner_id, user_id, filename, metadata and length (-1: deferred); the
 * rest is filled in (id, times, state). Returns 0, UPLOAD_ERR_TOO_LARGE,
 * UPLOAD_ERR_QUOTA or UPLOAD_ERR.
 */
int upload_create(struct ingest *ing, struct db *db, struct upload_row *u, int64_t now);

/*
 * Creates a final upload (tus concatenation) from partial uploads the caller
 * has already checked (the caller's organisation's, partial, complete;
 * listed in order, the same one possibly more than once). u carries
 * partner_id, user_id, filename, metadata and concat (the Upload-Concat
 * value); its length is the sum of the parts' lengths, checked against the
 * maximum size and the quota as any creation. The final gets its own file,
 * made in the background (a final of many GB takes as long as reading it):
 * the parts' bytes are copied into it through a bounded buffer, hashed on
 * the way, and synced before the row is committed complete with its length,
 * sha256 and md5. Until then the final is open; after a crash the restart
 * queues it again. Returns 0 with u filled in (open, or complete when
 * empty), UPLOAD_ERR_TOO_LARGE, UPLOAD_ERR_QUOTA or UPLOAD_ERR.
 */
int upload_concat(struct ingest *ing, struct db *db, struct upload_row *u,
                  const struct upload_row *parts, int n_parts, int64_t now);

/* Reads an upload; an open one past its expiry answers UPLOAD_ERR_GONE, as an expired one. */
int upload_get(struct ingest *ing, struct db *db, struct arena *a, const char *id, int64_t now,
               struct upload_row *out);

/* What a request body is checked against. */
struct upload_body {
    uint64_t offset;        /* Upload-Offset (the client's idea of the offset) */
    int64_t new_length;     /* Upload-Length on a PATCH of a deferred upload; -1: none */
    int64_t content_length; /* Content-Length; -1: unknown (chunked) */
    bool has_check;         /* Upload-Checksum was given */
    enum tus_algorithm check_algo;
    unsigned char check[TUS_DIGEST_MAX];
    void (*wake)(void *ctx); /* room freed after a short put */
    void *wake_ctx;
};

struct upload_session;

/*
 * Begins taking a body for upload id (already read and allowed by the
 * caller). Cancels an older writer of the same upload. Returns 0 with *out,
 * or UPLOAD_ERR_NOT_FOUND, _GONE, _OFFSET, _TOO_LARGE, _QUOTA, _LENGTH,
 * _COMPLETE, UPLOAD_ERR.
 */
int upload_session_begin(struct ingest *ing, const char *id, const struct upload_body *body,
                         int64_t now, struct upload_session **out);
/*
 * Offers body bytes; *taken may be short (the ring is full: wake follows).
 * Returns 0, UPLOAD_ERR_STOPPED (superseded), UPLOAD_ERR_TOO_LARGE (past the
 * length) or UPLOAD_ERR.
 */
int upload_session_put(struct upload_session *s, const void *data, size_t len, size_t *taken);
/*
 * Ends the body (complete: the request ended normally; false: the client
 * went away, and what arrived is kept all the same unless a checksum was
 * given). Verifies the checksum, commits, and fills *after with the row as
 * committed. Returns 0, UPLOAD_ERR_CHECKSUM, UPLOAD_ERR_STOPPED,
 * UPLOAD_ERR_TOO_LARGE or UPLOAD_ERR.
 */
int upload_session_end(struct upload_session *s, bool complete, struct arena *a,
                       struct upload_row *after);
/* Frees a session (ending it first, as an abort, if that was not done). */
void upload_session_free(struct upload_session *s);

/* Terminates an upload: stops its writer, removes the file and the row. */
int upload_terminate(struct ingest *ing, const char *id);

/*
 * Expires the unfinished uploads whose expiry is before now: their bytes are
 * removed and their rows marked expired. *n counts them. Returns 0 or <0.
 */
int upload_expire(struct ingest *ing, int64_t now, int *n);

/* The Upload-Expires value (RFC 9110 IMF-fixdate) of an instant, into out[30]. */
void upload_http_date(int64_t t, char out[static 30]);

#endif
