/*
 * The tus 1.0.0 server at /files/: core, creation, creation-with-upload,
 * creation-defer-length, termination, checksum, expiration and
 * concatenation (the extensions OPTIONS advertises).
 *
 * Thin over ingest/upload.h: each handler checks the headers in the order
 * the protocol gives its status codes (412 before anything, 415, 400 for a
 * malformed header, 404/410, 409, 413, 460), checks the organisation
 * (another organisation's upload answers 404, as one that does not exist),
 * and for a body sets up the stream that hands each piece to the upload
 * session. An upload belongs to the uploader's organisation; a posthouse may
 * name (Upload-Metadata `partner`) a partner it delivers for; staff (the
 * roles that work on deliveries) must name the partner, or the creation
 * answers 400. `filename` is metadata only. Who may read, write and
 * terminate an upload is the policy's (core/policy.c, the route's action):
 * staff read every upload but write only the uploads they made themselves,
 * and are answered 403 (not 404: staff may know it exists) otherwise.
 *
 * Concatenation: a partial upload is an upload like any other, marked
 * partial (never a deliverable file); a final upload is created from partial
 * uploads that are complete and belong to the same partner
 * (concatenation-unfinished is not offered) and made in the background: it
 * has an Upload-Offset, equal to its length, once made. A listed upload
 * the caller may not see answers exactly as one that does not exist.
 *
 * The handlers keep the protocol; the product's decisions are app/uploads.h's
 * (whose a new upload is, which parts a final may be made of, that a
 * delivered file stays, the audit events), and a refusal of those that
 * says the request is invalid answers the protocol's 400, not the API's 422.
 */
#include <stdlib.h>
#include <string.h>

#include "app/uploads.h"
#include "base/now.h"
#include "http/api.h"
#include "ingest/tus_header.h"
#include "ingest/upload.h"

_Static_assert(TUS_UPLOAD_ID_LEN == UPLOAD_ID_LEN, "tus URLs end in an upload id");

#define TUS_EXTENSIONS                                                                             \
    "creation,creation-with-upload,creation-defer-length,termination,checksum,expiration,"         \
    "concatenation"
#define OCTET_STREAM "application/offset+octet-stream"

bool tus_precheck(struct req *r)
{
    if (!strcmp(r->method, "OPTIONS"))
        return true; /* the Server MUST ignore the header on OPTIONS */
    const char *v = req_header(r, "Tus-Resumable");
    if (v && !strcmp(v, TUS_VERSION))
        return true;
    reply_header(r, "Tus-Version", TUS_VERSION);
    reply_error(r, 412, "tus_version", "this server speaks tus %s: send Tus-Resumable: %s (got %s)",
                TUS_VERSION, TUS_VERSION, v ? "another version" : "none");
    return false;
}

void api_tus_options(struct req *r)
{
    char max[24];
    snprintf(max, sizeof max, "%llu", (unsigned long long)ingest_options(r->conf->ingest)->max_size);
    reply_header(r, "Tus-Version", TUS_VERSION);
    reply_header(r, "Tus-Extension", TUS_EXTENSIONS);
    reply_header(r, "Tus-Max-Size", max);
    reply_header(r, "Tus-Checksum-Algorithm", TUS_ALGORITHMS);
    reply_bytes(r, 204, NULL, "", 0);
}

/* ---- shared checks ---- */

static bool valid_id(const char *s)
{
    if (strlen(s) != UPLOAD_ID_LEN)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

static void reply_status(struct req *r, int status, const char *code, const char *msg)
{
    reply_error(r, status, code, "%s", msg);
}

/* Maps an ingest error to its answer. */
static void reply_upload_err(struct req *r, int rc)
{
    switch (rc) {
    case UPLOAD_ERR_NOT_FOUND:
        reply_status(r, 404, "not_found", "no such upload");
        break;
    case UPLOAD_ERR_GONE:
        reply_status(r, 410, "expired", "this upload expired; start a new one");
        break;
    case UPLOAD_ERR_OFFSET:
        reply_status(r, 409, "offset_mismatch",
                     "Upload-Offset is not the upload's offset: ask with HEAD, resume from there");
        break;
    case UPLOAD_ERR_TOO_LARGE:
        reply_status(r, 413, "too_large",
                     "the upload would be longer than its Upload-Length or the server's maximum");
        break;
    case UPLOAD_ERR_QUOTA:
        reply_status(r, 413, "quota_exceeded",
                     "this upload would take the organisation past its upload quota");
        break;
    case UPLOAD_ERR_CHECKSUM:
        reply_status(r, 460, "checksum_mismatch",
                     "the body does not match Upload-Checksum; it was discarded, send it again");
        break;
    case UPLOAD_ERR_STOPPED:
        reply_status(r, 409, "superseded", "a newer request took over this upload");
        break;
    case UPLOAD_ERR_LENGTH:
        reply_status(r, 400, "upload_length",
                     "Upload-Length cannot change once set, nor be below the offset");
        break;
    case UPLOAD_ERR_COMPLETE:
        reply_status(r, 409, "complete", "this upload is complete");
        break;
    default:
        reply_status(r, 500, "internal", "the upload could not be stored; try again");
        break;
    }
}

/*
 * Loads upload {id} of the path, which the dispatcher found to be the
 * caller's to act on (another organisation's answered 404 there, as a
 * missing one). Answers and returns false when it is gone meanwhile (404)
 * or expired (410).
 */
static bool load_upload(struct req *r, struct upload_row *u)
{
    const char *id = r->n_params ? r->params[0] : "";
    if (!valid_id(id)) {
        reply_upload_err(r, UPLOAD_ERR_NOT_FOUND);
        return false;
    }
    int rc = upload_get(r->conf->ingest, req_db(r), &r->arena, id, now_get(), u);
    if (rc == UPLOAD_ERR_NOT_FOUND || rc == UPLOAD_ERR) {
        reply_upload_err(r, rc);
        return false;
    }
    if (rc < 0) {
        reply_upload_err(r, rc);
        return false;
    }
    return true;
}

static void add_expires(struct req *r, const struct upload_row *u)
{
    if (strcmp(u->state, "open") || !u->expires_at)
        return;
    char date[30];
    upload_http_date(u->expires_at, date);
    reply_header(r, "Upload-Expires", date);
}

static void add_offset(struct req *r, int64_t offset)
{
    char s[24];
    snprintf(s, sizeof s, "%lld", (long long)offset);
    reply_header(r, "Upload-Offset", s);
}

/* True when the request has a body (Content-Length above 0, or chunked). */
static bool has_body(struct req *r, int64_t *content_length)
{
    const char *cl = req_header(r, "Content-Length");
    const char *te = req_header(r, "Transfer-Encoding");
    uint64_t n = 0;
    *content_length = -1;
    if (cl && tus_parse_u64(cl, &n) == TUS_OK)
        *content_length = (int64_t)n;
    if (te && strcasecmp(te, "identity") != 0)
        return true;
    return *content_length > 0;
}

static bool is_octet_stream(struct req *r)
{
    const char *ct = req_header(r, "Content-Type");
    if (!ct)
        return false;
    size_t n = strlen(OCTET_STREAM);
    return !strncasecmp(ct, OCTET_STREAM, n) && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Reads Upload-Checksum into body. Answers 400 and returns false when it is not usable. */
static bool read_checksum(struct req *r, struct upload_body *body)
{
    const char *v = req_header(r, "Upload-Checksum");
    if (!v)
        return true;
    size_t n;
    int rc = tus_parse_checksum(v, &body->check_algo, body->check, &n);
    if (rc == TUS_ERR_ALGORITHM) {
        reply_error(r, 400, "checksum_algorithm",
                    "that checksum algorithm is not supported; use one of " TUS_ALGORITHMS);
        return false;
    }
    if (rc < 0) {
        reply_error(r, 400, "checksum_header",
                    "Upload-Checksum must be an algorithm and a base64 digest of its length");
        return false;
    }
    body->has_check = true;
    return true;
}

/*
 * The audit event of a step ingest took (app/uploads.h). The step happened
 * whatever: a failure to record it is logged (op_failed), not answered.
 */
static void record(struct req *r, const struct upload_row *u, enum uploads_step step)
{
    struct op o;
    req_op_init(r, &o);
    uploads_record(&o, u, step);
    op_free(&o);
}

/* ---- the body stream ---- */

struct tus_stream_ctx {
    struct upload_session *session;
    bool creating; /* a POST: answer 201 with Location */
    char location[16 + UPLOAD_ID_LEN];
    bool was_complete;
    int64_t partner_id;
};

static void wake_request(void *ctx)
{
    req_resume(ctx);
}

static int stream_body(struct req *r, const char *data, size_t len, size_t *taken)
{
    struct tus_stream_ctx *c = r->stream_ctx;
    int rc = upload_session_put(c->session, data, len, taken);
    if (rc == UPLOAD_OK)
        return REQ_BODY_OK;
    if (rc == UPLOAD_ERR_STOPPED)
        return REQ_BODY_CLOSE; /* a newer request won: this one stops now */
    reply_upload_err(r, rc);
    return REQ_BODY_ANSWERED;
}

static void stream_end(struct req *r, bool complete)
{
    struct tus_stream_ctx *c = r->stream_ctx;
    struct upload_row after;
    int rc = upload_session_end(c->session, complete && !r->status, &r->arena, &after);
    upload_session_free(c->session);
    c->session = NULL;
    if (!complete || r->status)
        return;
    if (c->creating)
        reply_header(r, "Location", c->location);
    if (rc < 0) {
        reply_upload_err(r, rc);
        return;
    }
    add_offset(r, after.offset);
    add_expires(r, &after);
    if (!c->was_complete && !strcmp(after.state, "complete"))
        record(r, &after, UPLOADS_COMPLETED);
    reply_bytes(r, c->creating ? 201 : 204, NULL, "", 0);
}

static struct req_stream tus_stream = {stream_body, stream_end};

/* Starts the session for a body and hands the request to the stream. */
static void start_stream(struct req *r, const char *id, struct upload_body *body, bool creating,
                         bool was_complete)
{
    body->wake = wake_request;
    body->wake_ctx = r;
    struct upload_session *s;
    int rc = upload_session_begin(r->conf->ingest, id, body, now_get(), &s);
    struct tus_stream_ctx *c = arena_alloc(&r->arena, sizeof *c);
    snprintf(c->location, sizeof c->location, "/files/%s", id);
    if (rc < 0) {
        if (creating)
            reply_header(r, "Location", c->location);
        reply_upload_err(r, rc);
        return;
    }
    c->session = s;
    c->creating = creating;
    c->was_complete = was_complete;
    r->stream = &tus_stream;
    r->stream_ctx = c;
}

/* ---- creation ---- */

/*
 * The partner Upload-Metadata names ("partner", base64 of its id) into
 * *named, 0 when none is named (the actor's own). False after answering 400
 * when it is not an id.
 */
static bool named_partner(struct req *r, const struct tus_metadata *m, int64_t *named)
{
    const struct tus_meta_pair *p = tus_meta_get(m, "partner");
    uint64_t id = 0;
    if (p && (tus_parse_u64((const char *)p->value, &id) < 0 || id == 0 || id > INT64_MAX)) {
        reply_error(r, 400, "partner", "Upload-Metadata 'partner' must be a partner id");
        return false;
    }
    *named = (int64_t)id;
    return true;
}

void api_tus_create(struct req *r)
{
    int64_t content_length;
    bool body = has_body(r, &content_length);
    if (body && !is_octet_stream(r)) {
        reply_error(r, 415, "content_type",
                    "a creation with data needs Content-Type: " OCTET_STREAM);
        return;
    }
    const char *len_s = req_header(r, "Upload-Length");
    const char *defer = req_header(r, "Upload-Defer-Length");
    const char *concat_s = req_header(r, "Upload-Concat");
    struct tus_concat concat = {0};
    const char *why;
    if (concat_s && tus_parse_concat(concat_s, &r->arena, &concat, &why) < 0) {
        reply_error(r, 400, "upload_concat", "%s", why);
        return;
    }
    if (concat.final && (len_s || defer)) {
        reply_error(r, 400, "upload_length",
                    "a final upload's length is the sum of its partial uploads: send neither "
                    "Upload-Length nor Upload-Defer-Length");
        return;
    }
    if (concat.final && body) {
        reply_error(r, 400, "upload_concat",
                    "a final upload takes no data: it is made of its partial uploads");
        return;
    }
    uint64_t length = 0;
    if (!concat.final && ((len_s && defer) || (!len_s && !defer))) {
        reply_error(r, 400, "upload_length",
                    "a creation needs exactly one of Upload-Length and Upload-Defer-Length: 1");
        return;
    }
    if (defer && strcmp(defer, "1") != 0) {
        reply_error(r, 400, "upload_defer_length", "Upload-Defer-Length must be 1");
        return;
    }
    if (len_s && tus_parse_u64(len_s, &length) < 0) {
        reply_error(r, 400, "upload_length", "Upload-Length must be a non-negative integer");
        return;
    }
    const struct ingest_opts *opts = ingest_options(r->conf->ingest);
    if (len_s && length > opts->max_size) {
        reply_error(r, 413, "too_large", "the largest upload here is %llu bytes (Tus-Max-Size)",
                    (unsigned long long)opts->max_size);
        return;
    }
    struct tus_metadata meta = {0};
    const char *meta_s = req_header(r, "Upload-Metadata");
    if (meta_s && tus_parse_metadata(meta_s, &r->arena, &meta, &why) < 0) {
        reply_error(r, 400, "upload_metadata", "%s", why);
        return;
    }
    const struct tus_meta_pair *fn = tus_meta_get(&meta, "filename");
    if (fn && (fn->value_len > 255 || !tus_text_ok(fn->value, fn->value_len))) {
        reply_error(r, 400, "filename",
                    "the filename must be UTF-8 text of at most 255 bytes, without control "
                    "characters");
        return;
    }
    struct upload_body b = {0};
    b.new_length = -1;
    b.content_length = content_length;
    if (body && !read_checksum(r, &b))
        return;
    int64_t named;
    if (!named_partner(r, &meta, &named))
        return;
    struct upload_row u = {0};
    u.filename = fn && fn->value_len ? (char *)fn->value : NULL;
    u.metadata = meta_s ? (char *)meta_s : NULL;
    u.length = len_s ? (int64_t)length : -1;
    u.concat = concat.value;
    struct op o;
    req_op_init(r, &o);
    int rc = uploads_create(&o, r->conf->ingest, named, &concat, &u);
    if (rc == OP_REFUSED) {
        req_op_done(r, &o, rc);
        return;
    }
    op_free(&o);
    if (rc < 0) {
        reply_upload_err(r, rc);
        return;
    }
    char location[16 + UPLOAD_ID_LEN];
    snprintf(location, sizeof location, "/files/%s", u.id);
    if (!body) {
        reply_header(r, "Location", location);
        if (u.concat)
            reply_header(r, "Upload-Concat", u.concat);
        if (u.length != 0)
            add_expires(r, &u);
        reply_bytes(r, 201, NULL, "", 0);
        return;
    }
    b.offset = 0;
    start_stream(r, u.id, &b, true, false);
}

/* ---- the core protocol ---- */

void api_tus_head(struct req *r)
{
    struct upload_row u;
    if (!load_upload(r, &u))
        return;
    /* A final upload has an offset once its concatenation is finished (then it equals the length).
     */
    if (!upload_is_final(&u) || !strcmp(u.state, "complete"))
        add_offset(r, u.offset);
    if (u.concat)
        reply_header(r, "Upload-Concat", u.concat);
    if (u.length >= 0) {
        char s[24];
        snprintf(s, sizeof s, "%lld", (long long)u.length);
        reply_header(r, "Upload-Length", s);
    } else {
        reply_header(r, "Upload-Defer-Length", "1");
    }
    if (u.metadata)
        reply_header(r, "Upload-Metadata", u.metadata);
    add_expires(r, &u);
    reply_bytes(r, 200, NULL, "", 0);
}

void api_tus_patch(struct req *r)
{
    if (!is_octet_stream(r)) {
        reply_error(r, 415, "content_type", "a PATCH body must be Content-Type: " OCTET_STREAM);
        return;
    }
    struct upload_body b = {0};
    const char *off = req_header(r, "Upload-Offset");
    if (!off || tus_parse_u64(off, &b.offset) < 0) {
        reply_error(r, 400, "upload_offset", "Upload-Offset must be a non-negative integer");
        return;
    }
    const char *len_s = req_header(r, "Upload-Length");
    uint64_t length = 0;
    b.new_length = -1;
    if (len_s) {
        if (tus_parse_u64(len_s, &length) < 0) {
            reply_error(r, 400, "upload_length", "Upload-Length must be a non-negative integer");
            return;
        }
        b.new_length = (int64_t)length;
    }
    if (!read_checksum(r, &b))
        return;
    has_body(r, &b.content_length);
    struct upload_row u;
    if (!load_upload(r, &u))
        return;
    if (upload_is_final(&u)) {
        reply_error(r, 403, "final_upload",
                    "a final upload is made of its partial uploads and takes no PATCH");
        return;
    }
    start_stream(r, u.id, &b, false, !strcmp(u.state, "complete"));
}

void api_tus_delete(struct req *r)
{
    struct upload_row u;
    const char *id = r->n_params ? r->params[0] : "";
    if (valid_id(id) &&
        upload_get(r->conf->ingest, req_db(r), &r->arena, id, now_get(), &u) == UPLOAD_ERR_GONE) {
        /* an expired upload is still terminated (its record and bytes go) */
    } else if (!load_upload(r, &u)) {
        return;
    }
    /* A delivered file is evidence of the delivery: it stays (409). */
    struct op o;
    req_op_init(r, &o);
    if (!req_op_done(r, &o, uploads_check_terminate(&o, u.id)))
        return;
    int rc = upload_terminate(r->conf->ingest, u.id);
    if (rc < 0) {
        reply_upload_err(r, rc);
        return;
    }
    record(r, &u, UPLOADS_TERMINATED);
    reply_bytes(r, 204, NULL, "", 0);
}
