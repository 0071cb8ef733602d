/*
 * The transfer account on the partner page: see partner_transfer.h.
 *
 * The section reads the credential through app/transfer.c (never its
 * secret, which vodgate does not have) and acts through it. A new secret is
 * the answer of the POST that made it, rendered on a page of its own
 * (partner_credentials.html) with exactly how to use it: a tus client with
 * HTTP Basic, `vodgate upload` and `vodgate deliver`. Server answers are
 * never cached (server.c), so the browser's back button does not show it
 * again either.
 */
#include "web/partner_transfer.h"

#include <string.h>

#include "app/transfer.h"
#include "base/timefmt.h"
#include "core/lifecycle.h"

static const char *str_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* {iso, text} of an RFC 3339 member in zone, or null. */
static json_t *when_of(struct req *r, const json_t *o, const char *key, const char *zone)
{
    int64_t t;
    const char *s = json_string_value(json_object_get(o, key));
    if (!s || time_parse_rfc3339(s, &t) < 0)
        return json_null();
    return json_pack("{s:s, s:s}", "iso", s, "text", web_time(r, t, zone));
}

/* The name of the user object at key ({id, name, email}), or "someone no longer here". */
static const char *who_of(const json_t *o, const char *key)
{
    const json_t *u = json_object_get(o, key);
    const char *name = json_string_value(json_object_get(u, "name"));
    if (name && *name)
        return name;
    name = json_string_value(json_object_get(u, "email"));
    return name ? name : "a user no longer listed";
}

void partner_transfer_vm(struct req *r, json_t *vm, const json_t *p, const char *zone)
{
    enum stage stage = stage_parse(str_of(p, "stage"));
    if (stage == STAGE_INVITED || stage == STAGE_QUESTIONNAIRE)
        return; /* the transfer account is made during setup */
    struct op o;
    json_t *cred = NULL;
    req_op_init(r, &o);
    int rc = transfer_view(&o, json_integer_value(json_object_get(p, "id")), &cred);
    op_free(&o);
    if (rc < 0)
        return;
    bool can = r->signed_in &&
               policy_role_may(&r->who, ACT_TRANSFER_CREDENTIALS) == POLICY_ALLOW;
    json_t *t = json_pack("{s:b, s:b, s:b}", "can", can, "exists", json_is_object(cred),
                          "no_alias", !json_is_string(json_object_get(p, "alias")));
    if (json_is_object(cred)) {
        json_object_set_new(t, "username", json_string(str_of(cred, "username")));
        json_object_set_new(t, "made", when_of(r, cred, "created_at", zone));
        json_object_set_new(t, "made_by", json_string(who_of(cred, "created_by")));
        json_t *rotated = when_of(r, cred, "rotated_at", zone);
        if (json_is_object(rotated))
            json_object_set_new(rotated, "by", json_string(who_of(cred, "rotated_by")));
        json_object_set_new(t, "rotated", rotated);
    }
    json_decref(cred);
    json_object_set_new(vm, "transfer", t);
}

/* The page of a new secret: what it is and exactly how to use it, once. */
static void show_secret(struct req *r, const json_t *p, const char *back, const json_t *cred)
{
    const char *upload_url = str_of(cred, "upload_url");
    size_t n = strlen(upload_url);
    const char *server =
        arena_strndup(&r->arena, upload_url, n >= 7 && !strcmp(upload_url + n - 7, "/files/")
                                                 ? n - 7
                                                 : n);
    json_t *vm = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:b}", "title", "Transfer account", "back", back,
        "name", str_of(p, "name"), "username", str_of(cred, "username"), "token",
        str_of(cred, "secret"), "upload_url", upload_url, "server", server, "partner",
        json_integer_value(json_object_get(cred, "partner")), "rotated",
        json_is_true(json_object_get(cred, "rotated")));
    page_render(r, 200, "partner_credentials", vm);
}

bool partner_transfer_post(struct req *r, const char *act, const json_t *p, const char *back)
{
    bool create = !strcmp(act, "setup_item") && page_field(r, "item") &&
                  !strcmp(page_field(r, "item"), "transfer_account");
    bool rotate = !strcmp(act, "transfer_rotate"), revoke = !strcmp(act, "transfer_revoke");
    if (!create && !rotate && !revoke)
        return false;
    int64_t pid = json_integer_value(json_object_get(p, "id"));
    struct op o;
    req_op_init(r, &o);
    if (revoke) {
        page_op_redirect(r, &o, transfer_revoke(&o, pid), back,
                         "Transfer credentials revoked: the secret no longer works. Create new "
                         "ones when the partner needs them.");
        return true;
    }
    json_t *cred = NULL;
    int rc = transfer_issue(&o, pid, &cred);
    if (rc < 0) {
        page_op_redirect(r, &o, rc, back, NULL);
        return true;
    }
    op_free(&o);
    show_secret(r, p, back, cred);
    json_decref(cred);
    return true;
}
