/*
 * The one place a refused operation of the application floor becomes an
 * HTTP answer (app/op.h): its kind picks the status (a "try later" also
 * gets Retry-After from its retry_after), its code, message and extra
 * members make the error object. Handlers run an operation between
 * req_op_begin() and req_op_end() and never choose a status for a refusal.
 */
#include <stdio.h>
#include <string.h>

#include "app/op.h"
#include "base/now.h"
#include "http/http.h"

int op_status(int kind)
{
    switch (kind) {
    case OP_NOT_FOUND:
        return 404;
    case OP_NOT_ALLOWED:
        return 403;
    case OP_CONFLICT:
        return 409;
    case OP_INVALID:
        return 422;
    case OP_FAILED:
        return 500;
    case OP_UNAUTHENTICATED:
        return 401;
    case OP_TOO_SOON:
        return 429;
    }
    return 500;
}

void reply_op_error(struct req *r, const struct op *o, int rc)
{
    if (rc != OP_REFUSED) {
        reply_store_error(r, rc);
        return;
    }
    const struct op_error *e = &o->err;
    if (e->kind == OP_FAILED && !strcmp(e->code, "internal")) {
        reply_internal(r); /* logged where it failed */
        return;
    }
    int status = op_status(e->kind);
    /* tus answers a request it cannot take with 400 (its protocol has no 422) */
    if (e->kind == OP_INVALID && r->route && (r->route->flags & ROUTE_TUS))
        status = 400;
    json_int_t wait = json_integer_value(json_object_get(e->extra, "retry_after"));
    if (e->kind == OP_TOO_SOON && wait > 0) {
        char secs[24];
        snprintf(secs, sizeof secs, "%lld", (long long)wait);
        reply_header(r, "Retry-After", secs);
    }
    reply_error_extra(r, status, e->code, e->extra ? json_incref(e->extra) : NULL, "%s",
                      buf_str(&e->message));
}

void req_op_init(struct req *r, struct op *o)
{
    /* a request made without sign-in (an invitation) acts as nobody, not as the system */
    struct principal nobody = {0, ROLE_NONE, 0, PRINCIPAL_USER};
    op_init(o, req_db(r), &r->arena, now_get(), r->signed_in ? &r->who : &nobody, app_public_url());
}

bool req_op_begin(struct req *r, struct op *o)
{
    req_op_init(r, o);
    int rc = op_begin(o);
    if (rc < 0) {
        reply_op_error(r, o, rc);
        op_free(o);
        return false;
    }
    return true;
}

bool req_op_end(struct req *r, struct op *o, int rc)
{
    rc = op_end(o, rc);
    if (rc < 0)
        reply_op_error(r, o, rc);
    op_free(o);
    return rc == 0;
}

bool req_op_done(struct req *r, struct op *o, int rc)
{
    if (rc < 0)
        reply_op_error(r, o, rc);
    op_free(o);
    return rc >= 0;
}
