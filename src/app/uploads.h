/*
 * Uploads: the files a partner (or its posthouse, or staff working for it)
 * sends before delivering them. The bytes travel by tus (http/api_tus.c
 * keeps the protocol: headers, streaming, the statuses the tus spec gives)
 * into ingest/upload.h, which owns the file and the row and commits them in
 * transactions of its own. What is a decision of the product and not of the
 * protocol is here: whose a new upload is and whether the actor may upload
 * for it, which uploads a final upload may be made of, that a delivered
 * file stays, the audit event of each step; and the reads for people (the
 * listing and one upload as JSON), which the API answers and the portal
 * renders.
 *
 * Who sees an upload is the scope's (app/scope.h, SCOPE_UPLOAD): an
 * organisation's users their organisation's uploads (a posthouse also those
 * of the partners it delivers for), staff all of them, but staff write only
 * the uploads they made themselves.
 */
#ifndef VG_APP_UPLOADS_H
#define VG_APP_UPLOADS_H

#include <jansson.h>
#include <stdint.h>

#include "app/op.h"
#include "ingest/tus_header.h"
#include "ingest/upload.h"
#include "store/upload_store.h"

/*
 * The uploads o's actor may read (ACT_UPLOAD_READ), newest first, of one
 * partner (0: of every partner the actor sees): {uploads: [...]}, each as
 * uploads_view gives it. Reads only. *out: a new reference.
 */
int uploads_list(struct op *o, int64_t partner_id, json_t **out);

/*
 * Upload id as o's actor may read it (another organisation's is
 * OP_NOT_FOUND, as a missing one): {id, partner, filename, length (null
 * while deferred), offset, complete, state, sha256, md5, created_at,
 * expires_at (null once complete), concat ("partial", "final" or null)}.
 * Reads only. *out: a new reference.
 */
int uploads_view(struct op *o, const char *id, json_t **out);

/*
 * The partner a new upload by o's actor belongs to, into *partner_id: the
 * actor's organisation when named is 0 or names it; otherwise the partner
 * named, when the actor may upload for it (ACT_UPLOAD: a posthouse for a
 * partner it delivers for, staff for any). Refused OP_INVALID with code
 * "partner" when staff name none or the actor may not upload for the one
 * named (missing and another organisation's alike). Reads only.
 */
int uploads_owner(struct op *o, int64_t named, int64_t *partner_id);

/*
 * The partial uploads a final upload of partner_id is made of (c, its
 * parsed Upload-Concat), read through ing into *parts (c->n_parts of them,
 * in o's arena, in the order listed; the same one may be listed more than
 * once). Each must be one the actor
 * may write (another organisation's, or another partner's than the
 * final's: OP_INVALID "concat_part", as if it did not exist; a staff
 * user's on one someone else made: OP_NOT_ALLOWED "forbidden"), partial,
 * not expired and complete (OP_INVALID "concat_part" saying which).
 */
int uploads_final_parts(struct op *o, struct ingest *ing, int64_t partner_id,
                        const struct tus_concat *c, struct upload_row **parts);

/*
 * Whether o's actor may terminate upload id (ACT_UPLOAD_DELETE): a file
 * that is part of a delivery is the delivery's evidence and stays
 * (OP_CONFLICT "delivered", with {"delivery": id}). Reads only; the
 * termination itself is ingest's (upload_terminate).
 */
int uploads_check_terminate(struct op *o, const char *id);

/* The steps of an upload that ingest takes and the audit trail records. */
enum uploads_step {
    UPLOADS_CREATED,    /* upload.create: {id, filename, length, concat} */
    UPLOADS_COMPLETED,  /* upload.complete: {id, length, sha256, md5} */
    UPLOADS_TERMINATED, /* upload.terminate: {id, offset} */
};

/*
 * Writes the audit event of a step ingest took on upload u, by o's actor
 * (subject "upload:ID", the upload's partner). One insert, committed on its
 * own unless the caller joined o to its transaction. Returns 0 or
 * OP_REFUSED (failed).
 */
int uploads_record(struct op *o, const struct upload_row *u, enum uploads_step step);

/*
 * Creates a tus upload for the partner named (0: the actor's own
 * organisation; see uploads_owner), or, when c is a final Upload-Concat, a
 * final upload of its partial uploads (uploads_final_parts), through ing,
 * and records its upload.create event. u carries what the client declared
 * (filename, metadata, length or -1 when deferred, concat); on success it
 * is the new upload (id, partner, the actor as its maker). Returns 0,
 * OP_REFUSED (o->err: not the actor's partner, a bad part), or an ingest
 * error UPLOAD_ERR_* (the quota, the store) that the protocol answers.
 */
int uploads_create(struct op *o, struct ingest *ing, int64_t named, const struct tus_concat *c,
                   struct upload_row *u);

#endif
