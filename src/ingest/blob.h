/*
 * Upload files on disk and the pipeline that writes one request body.
 *
 * Files live under <data>/uploads/, named by the server (the upload's hex
 * id), never by anything a client sent. A blob_writer takes the body of one
 * PATCH (or creation-with-upload POST) as it arrives and overlaps the work
 * on it: the request's thread only copies bytes into a ring of large
 * page-aligned buffers; a write thread writes each buffer (O_DIRECT where
 * the file system allows it, so the page cache is not churned and memory
 * stays flat), a sha256 thread advances the running sha256 and the
 * request's own checksum, and an md5 thread, at the lowest CPU priority,
 * advances the md5.
 * Memory is the ring, whatever the size of the body.
 *
 * md5 is slower than the network on a fast link (one core does ~700 MiB/s,
 * and md5 cannot be split across cores), so it may fall behind: rather than
 * stall the body, the md5 thread then lets go of the ring and catches up by
 * reading back what was written (O_DIRECT). Its state therefore carries its
 * own offset, at or below the sha256's; when a body ends before md5 caught
 * up, the next writer (or, for a complete upload, the md5 finisher of
 * ingest/upload.c) goes on from there. On a link slower than md5 (any real
 * one) it never lets go, and both hashes are known when the last byte lands. When the ring is full,
 * blob_writer_put takes fewer bytes than offered and calls the wake function once room frees (the
 * HTTP layer suspends the connection meanwhile: TCP flow control does the rest).
 *
 * Durability order: bytes are written and fdatasync'd before a checkpoint
 * hands their offset (with the hash states at exactly that offset) to the
 * commit function, about once a second; blob_writer_finish writes the tail,
 * syncs, and hands back the end offset and states for the final commit. A
 * file may hold bytes past the committed offset after a crash: they are cut
 * off (blob_truncate) before anything is written again.
 *
 * A writer can be cancelled from another thread (a newer request took the
 * upload): its threads stop after the buffer in hand, commit nothing more,
 * and blob_writer_wait_quiet returns once they no longer touch the file.
 */
#ifndef VG_BLOB_H
#define VG_BLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ingest/digest.h"

enum blob_err {
    BLOB_OK = 0,
    BLOB_ERR_IO = -1,       /* a write, sync or read failed (errno logged) */
    BLOB_ERR_STOPPED = -2,  /* cancelled, or a checkpoint commit refused */
    BLOB_ERR_TOO_LONG = -3, /* more bytes than the limit */
};

/*
 * Hands a durable checkpoint to the store: sha256 at offset, md5 at
 * md5_offset (<= offset). Returns 0, or <0 to stop the writer.
 */
typedef int (*blob_commit_fn)(void *ctx, uint64_t offset, const struct sha256_ctx *sha,
                              uint64_t md5_offset, const struct md5_ctx *md5);

struct blob_writer_opts {
    const char *path;
    uint64_t offset;              /* committed bytes: writing starts here */
    uint64_t limit;               /* the body may not take the file past this */
    const struct sha256_ctx *sha; /* running states at offset */
    const struct md5_ctx *md5;    /* the md5 state, at md5_offset (<= offset) */
    uint64_t md5_offset;
    bool has_check; /* a per-request checksum: no checkpoints, verify at end */
    enum tus_algorithm check_algo;
    blob_commit_fn commit; /* checkpoint commits; NULL: none */
    void *commit_ctx;
    void (*wake)(void *ctx); /* room freed after a short put (called on a worker) */
    void *wake_ctx;
};

struct blob_result {
    uint64_t end;          /* offset after the last byte written */
    struct sha256_ctx sha; /* states at end */
    struct md5_ctx md5;    /* at md5_offset (<= end) */
    uint64_t md5_offset;
    unsigned char check[TUS_DIGEST_MAX]; /* the request's checksum, when has_check */
};

struct blob_writer;

/* The path of an upload's file: <data_dir>/uploads/<id>; malloc'd. */
char *blob_path(const char *data_dir, const char *id);
/* Creates the empty file of a new upload. Returns 0 or BLOB_ERR_IO. */
int blob_create(const char *path);
/* Cuts a file back to its committed length (missing file: created empty). */
int blob_truncate(const char *path, uint64_t length);
/* Removes a file (a missing one is fine). */
int blob_remove(const char *path);
/*
 * Re-hashes the first length bytes of a file into fresh states (the rare
 * path: a persisted state that could not be read). Returns 0 or BLOB_ERR_IO.
 */
int blob_rehash(const char *path, uint64_t length, struct sha256_ctx *sha, struct md5_ctx *md5);

/*
 * Writes the concatenation of srcs (n files, of exactly lens[i] bytes each)
 * into dest (created or emptied), hashing while copying into fresh sha and
 * md5 states, then syncs dest (fdatasync). Streams through one bounded
 * buffer (4 MiB), whatever the sizes. A source shorter than its length is an
 * error. Returns 0 or BLOB_ERR_IO (dest is left as it is: the caller removes it).
 */
int blob_concat(const char *dest, const char *const *srcs, const uint64_t *lens, int n,
                struct sha256_ctx *sha, struct md5_ctx *md5);

/*
 * Opens a writer: truncates the file to o->offset, starts the two threads.
 * The writer holds one reference (the caller's). Returns 0 or BLOB_ERR_IO.
 */
int blob_writer_open(const struct blob_writer_opts *o, struct blob_writer **out);
/*
 * Offers len bytes; sets *taken to how many were copied (fewer when the ring
 * is full: wake is called later). Returns 0, BLOB_ERR_STOPPED,
 * BLOB_ERR_TOO_LONG or BLOB_ERR_IO (the writer stops on any error).
 */
int blob_writer_put(struct blob_writer *w, const void *data, size_t len, size_t *taken);
/*
 * Ends the body: waits for the ring to drain, writes the tail, syncs. On
 * BLOB_OK fills *res (the caller commits res->end). Call once.
 */
int blob_writer_finish(struct blob_writer *w, struct blob_result *res);
/* Bytes accepted so far by put, from the starting offset. */
uint64_t blob_writer_received(struct blob_writer *w);
/* Stops the writer from any thread; it commits nothing more. */
void blob_writer_cancel(struct blob_writer *w);
/* Waits until the writer's threads no longer touch the file (they have exited). */
void blob_writer_wait_quiet(struct blob_writer *w);
void blob_writer_ref(struct blob_writer *w);
/* Drops a reference; the last one joins the threads and frees the writer. */
void blob_writer_unref(struct blob_writer *w);

#endif
