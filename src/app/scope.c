/*
 * Whose is it: see scope.h. Each scope loads its row and follows it to the
 * partner that owns it; the partner gives the organisation and its delivery
 * agent (a posthouse acting for it), which is what the policy weighs.
 */
#include "app/scope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/deadline.h"

static const char *const names[SCOPE_N] = {
    [SCOPE_NONE] = "",
    [SCOPE_PARTNER] = "partner",
    [SCOPE_REQUEST] = "request",
    [SCOPE_DELIVERY] = "delivery",
    [SCOPE_UPLOAD] = "upload",
    [SCOPE_CLOCK] = "clock",
    [SCOPE_CALENDAR] = "calendar",
    [SCOPE_TOKEN] = "token",
    [SCOPE_MILESTONE] = "milestone",
    [SCOPE_ALTERNATE] = "alternate",
    [SCOPE_TITLE] = "title",
};

const char *scope_name(enum scope s)
{
    return s < SCOPE_N ? names[s] : "";
}

const char *scope_not_found_text(enum scope s)
{
    static const char *const texts[SCOPE_N] = {
        [SCOPE_NONE] = "no such resource",
        [SCOPE_PARTNER] = "there is no partner with this id that you can see; check the id",
        [SCOPE_REQUEST] = "there is no delivery request with this id that you can see; check the id",
        [SCOPE_DELIVERY] = "there is no delivery with this id that you can see; check the id",
        [SCOPE_UPLOAD] = "there is no upload with this id that you can see; check the id",
        [SCOPE_CLOCK] = "there is no clock with this id that you can see; check the id",
        [SCOPE_CALENDAR] = "there is no business calendar with this id",
        [SCOPE_TOKEN] = "you have no API token with this id",
        [SCOPE_MILESTONE] = "there is no launch milestone with this id that you can see; check the id",
        [SCOPE_ALTERNATE] =
            "there is no alternate-solution request with this id that you can see; check the id",
        [SCOPE_TITLE] = "there is no title with this id that you can see; check the id",
    };
    return s < SCOPE_N && texts[s] ? texts[s] : texts[SCOPE_NONE];
}

const char *scope_not_yours_text(enum scope s)
{
    return s == SCOPE_UPLOAD ? "staff read a partner's uploads; only the partner (or the staff "
                               "user who made the upload) writes into it"
                             : NULL;
}

/* A positive decimal id, or 0. */
static int64_t id_number(const char *s)
{
    if (!s || !*s || strlen(s) > 18)
        return 0;
    for (const char *c = s; *c; c++)
        if (*c < '0' || *c > '9')
            return 0;
    return strtoll(s, NULL, 10);
}

/* Loads the owning partner and fills the owner from it. */
static int owned_by(struct db *db, struct arena *a, int64_t partner_id, struct scoped *out)
{
    int rc = store_partner_get(db, a, partner_id, &out->partner);
    if (rc < 0)
        return rc;
    out->have_partner = true;
    out->owner.org_id = out->partner.id;
    out->owner.agent_org_id = out->partner.agent_id;
    return 0;
}

int scope_resolve(struct db *db, struct arena *a, enum scope s, const char *id, struct scoped *out)
{
    memset(out, 0, sizeof *out);
    out->scope = s;
    int64_t n = id_number(id);
    int rc;
    switch (s) {
    case SCOPE_NONE:
    case SCOPE_CALENDAR: /* global: the handler answers 404 for a missing one */
    case SCOPE_TOKEN:    /* personal: the handler looks only at the actor's own */
        return 0;
    case SCOPE_PARTNER:
        return n ? owned_by(db, a, n, out) : STORE_ERR_NOT_FOUND;
    case SCOPE_REQUEST:
        rc = n ? store_request_get(db, a, n, &out->request) : STORE_ERR_NOT_FOUND;
        return rc < 0 ? rc : owned_by(db, a, out->request.partner_id, out);
    case SCOPE_DELIVERY:
        rc = n ? store_delivery_get(db, a, n, &out->delivery) : STORE_ERR_NOT_FOUND;
        return rc < 0 ? rc : owned_by(db, a, out->delivery.partner_id, out);
    case SCOPE_CLOCK:
        rc = n ? store_clock_get(db, a, n, &out->clock) : STORE_ERR_NOT_FOUND;
        return rc < 0 ? rc : owned_by(db, a, out->clock.partner_id, out);
    case SCOPE_MILESTONE: /* a clock of another kind is no milestone */
        rc = n ? store_clock_get(db, a, n, &out->clock) : STORE_ERR_NOT_FOUND;
        if (rc == 0 && deadline_parse(out->clock.kind) != DEADLINE_MILESTONE)
            rc = STORE_ERR_NOT_FOUND;
        return rc < 0 ? rc : owned_by(db, a, out->clock.partner_id, out);
    case SCOPE_ALTERNATE:
        rc = n ? store_alternate_get(db, a, n, &out->alternate) : STORE_ERR_NOT_FOUND;
        return rc < 0 ? rc : owned_by(db, a, out->alternate.partner_id, out);
    case SCOPE_TITLE:
        rc = n ? store_title_get(db, a, n, &out->title) : STORE_ERR_NOT_FOUND;
        return rc < 0 ? rc : owned_by(db, a, out->title.partner_id, out);
    case SCOPE_UPLOAD:
        rc = id && strlen(id) == UPLOAD_ID_LEN ? store_upload_get(db, a, id, &out->upload)
                                               : STORE_ERR_NOT_FOUND;
        if (rc < 0)
            return rc;
        /* the upload records its partner's agent as it was when made */
        out->owner.org_id = out->upload.partner_id;
        out->owner.agent_org_id = out->upload.agent_id;
        out->owner.made_by = out->upload.user_id;
        return 0;
    case SCOPE_N:
        break;
    }
    return STORE_ERR_NOT_FOUND;
}

int scope_allow(struct db *db, struct arena *a, const struct principal *who, enum action action,
                enum scope s, const char *id, struct scoped *out, int *store_rc)
{
    *store_rc = 0;
    enum policy_result pr = policy_role_may(who, action);
    if (pr != POLICY_ALLOW)
        return pr;
    int rc = scope_resolve(db, a, s, id, out);
    if (rc == STORE_ERR_NOT_FOUND)
        return POLICY_NOT_FOUND;
    if (rc < 0) {
        *store_rc = rc;
        return rc;
    }
    if (s == SCOPE_NONE || s == SCOPE_CALENDAR || s == SCOPE_TOKEN)
        return POLICY_ALLOW;
    return policy_check(who, action, &out->owner);
}

int op_allow(struct op *o, enum action action, enum scope s, const char *id, struct scoped *out)
{
    struct scoped tmp;
    if (!out)
        out = &tmp;
    if (o->system) {
        int rc = scope_resolve(o->db, o->a, s, id, out);
        return rc < 0 ? op_failed(o, rc) : 0;
    }
    int store_rc;
    int pr = scope_allow(o->db, o->a, &o->who, action, s, id, out, &store_rc);
    if (store_rc)
        return op_failed(o, store_rc);
    switch (pr) {
    case POLICY_ALLOW:
        return 0;
    case POLICY_NOT_FOUND:
        return op_refuse(o, OP_NOT_FOUND, "not_found", "%s", scope_not_found_text(s));
    case POLICY_UNAUTHENTICATED:
        return op_refuse(o, OP_NOT_ALLOWED, "unauthenticated", "sign in first");
    default:
        if (scope_not_yours_text(s) && policy_role_may(&o->who, action) == POLICY_ALLOW)
            return op_refuse(o, OP_NOT_ALLOWED, "forbidden", "%s", scope_not_yours_text(s));
        return op_refuse(o, OP_NOT_ALLOWED, "forbidden", "your role (%s) may not do this",
                         role_name(o->who.role));
    }
}

int op_allow_partner(struct op *o, enum action action, int64_t partner_id, struct partner *out)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)partner_id);
    struct scoped sc;
    int rc = op_allow(o, action, SCOPE_PARTNER, id, &sc);
    if (rc == 0 && out)
        *out = sc.partner;
    return rc;
}
