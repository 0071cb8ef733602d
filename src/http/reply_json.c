/*
 * Reading JSON request bodies field by field, and the JSON forms shared by
 * several handlers. A reader that finds a problem answers the request itself
 * (400 for a body that is not JSON, 422 for a field that is missing or of the
 * wrong type, naming the field) so handlers stay a list of declarations.
 */
#include "http/http.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "app/op.h"
#include "base/now.h"

bool jbody(struct req *r)
{
    if (r->json)
        return true;
    if (r->body.len == 0) {
        reply_error(r, 400, "malformed", "this call needs a JSON object in the request body");
        return false;
    }
    json_error_t err;
    r->json = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &err);
    if (!r->json) {
        reply_error(r, 400, "malformed", "the body is not valid JSON: %s (line %d, column %d)",
                    err.text, err.line, err.column);
        return false;
    }
    if (!json_is_object(r->json)) {
        reply_error(r, 400, "malformed", "the body must be a JSON object");
        return false;
    }
    return true;
}

static json_t *field(struct req *r, const char *key, bool required, bool *ok)
{
    *ok = false;
    if (!jbody(r))
        return NULL;
    json_t *v = json_object_get(r->json, key);
    if ((!v || json_is_null(v)) && required) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", key),
                          "'%s' is required", key);
        return NULL;
    }
    *ok = true;
    return json_is_null(v) ? NULL : v;
}

bool jfield_str(struct req *r, const char *key, bool required, const char **out)
{
    bool ok;
    json_t *v = field(r, key, required, &ok);
    if (!ok)
        return false;
    if (v && !json_is_string(v)) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", key),
                          "'%s' must be a string", key);
        return false;
    }
    *out = v ? json_string_value(v) : NULL;
    return true;
}

bool jfield_bool(struct req *r, const char *key, bool required, bool *out)
{
    bool ok;
    json_t *v = field(r, key, required, &ok);
    if (!ok)
        return false;
    if (v && !json_is_boolean(v)) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", key),
                          "'%s' must be true or false", key);
        return false;
    }
    if (v)
        *out = json_is_true(v);
    return true;
}

bool req_query_int(struct req *r, const char *name, int64_t lo, int64_t hi, int64_t dflt,
                   int64_t *out)
{
    const char *s = req_query(r, name);
    *out = dflt;
    if (!s || !*s)
        return true;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*end && errno == 0 && v >= lo && v <= hi) {
        *out = v;
        return true;
    }
    json_t *fields = json_pack("{s:[s]}", "fields", name);
    if (hi == INT64_MAX)
        reply_error_extra(r, 422, "invalid", fields, "'%s' must be a whole number of at least %lld",
                          name, (long long)lo);
    else
        reply_error_extra(r, 422, "invalid", fields,
                          "'%s' must be a whole number from %lld to %lld", name, (long long)lo,
                          (long long)hi);
    return false;
}

bool jfield_int(struct req *r, const char *key, bool required, int64_t *out)
{
    bool ok;
    json_t *v = field(r, key, required, &ok);
    if (!ok)
        return false;
    if (v && !json_is_integer(v)) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", key),
                          "'%s' must be an integer", key);
        return false;
    }
    if (v)
        *out = json_integer_value(v);
    return true;
}

bool req_partner(struct req *r, struct partner *p)
{
    if (!r->scoped || !r->scoped->have_partner) {
        reply_error(r, 404, "not_found", "no such resource");
        return false;
    }
    *p = r->scoped->partner;
    return true;
}
