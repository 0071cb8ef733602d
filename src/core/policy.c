/*
 * The policy table: see policy.h. Staff roles act on every organisation;
 * organisation roles only on their own organisation's resources (a posthouse
 * also on those of the partners that named it their delivery agent). A
 * third column admits staff roles only on what the user made themselves.
 *
 * Uploads (SPEC sections 1 and 4). An upload's bytes are the partner's
 * evidence of what it delivered, so they are written (PATCH, or used as a
 * part of a final upload) by the organisation that owns the upload (and the
 * posthouse it named as its delivery agent) and, when a staff user uploaded
 * a file for the partner (the upload page lets the roles that work on
 * deliveries do that), by that staff user: nobody else writes into another
 * person's upload, admin included. Creating an upload for a partner belongs
 * to the roles whose duties include deliveries: admin, pim (requests during
 * training), pom (deliveries in steady state); cam, plm and commercial (read
 * only) may not. Staff read every upload (HEAD, listings). Terminating an
 * upload throws the partner's bytes away: admin may (the operator frees
 * space or removes a stray file), pim and pom only their own uploads, the
 * organisation its own. A delivered upload is never terminated (api_tus.c).
 */
#include "core/policy.h"

#include "base/mem.h"

static const struct {
    const char *name;
    unsigned staff; /* staff roles allowed, on any organisation */
    unsigned org;   /* organisation roles allowed, on their own resources */
    bool is_public;
    unsigned staff_own; /* staff roles allowed only on what the user made (resource.made_by) */
} rules[ACT_N] = {
    [ACT_PUBLIC] = {"public", ROLE_ANY, ROLE_ORG, true},
    [ACT_SIGNED_IN] = {"signed_in", ROLE_STAFF, ROLE_ORG, false},
    [ACT_USER_CREATE] = {"user_create", ROLE_ADMIN, 0, false},
    [ACT_USER_LIST] = {"user_list", ROLE_ADMIN, 0, false},
    [ACT_CLOCK_SET] = {"clock_set", ROLE_ADMIN, 0, false},
    [ACT_PARTNER_CREATE] = {"partner_create", ROLE_ADMIN | ROLE_CAM, 0, false},
    [ACT_PARTNER_LIST] = {"partner_list", ROLE_STAFF, ROLE_ORG, false},
    [ACT_PARTNER_READ] = {"partner_read", ROLE_STAFF, ROLE_ORG, false},
    [ACT_PARTNER_EVENTS] = {"partner_events", ROLE_STAFF, 0, false},
    [ACT_POSTHOUSE_LIST] = {"posthouse_list", ROLE_STAFF, ROLE_ORG, false},
    [ACT_CALENDAR_READ] = {"calendar_read", ROLE_STAFF, 0, false},
    [ACT_CALENDAR_WRITE] = {"calendar_write", ROLE_ADMIN, 0, false},
    [ACT_PARTNER_CALENDAR] = {"partner_calendar", ROLE_ADMIN | ROLE_CAM | ROLE_PIM, 0, false},
    [ACT_PARTNER_CLOCKS] = {"partner_clocks", ROLE_STAFF, ROLE_ORG, false},
    [ACT_CLOCK_PAUSE] = {"clock_pause", ROLE_ADMIN | ROLE_PIM | ROLE_POM, 0, false},
    [ACT_CLOCK_EXTEND] = {"clock_extend", ROLE_ADMIN | ROLE_CAM | ROLE_PIM, 0, false},
    [ACT_MILESTONE_SET] = {"milestone_set", ROLE_ADMIN | ROLE_PLM, 0, false},
    [ACT_TEST_HOOK] = {"test_hook", ROLE_ADMIN, 0, false},
    [ACT_UPLOAD] = {"upload", ROLE_ADMIN | ROLE_PIM | ROLE_POM, ROLE_ORG, false},
    [ACT_UPLOAD_WRITE] = {"upload_write", 0, ROLE_ORG, false, ROLE_ADMIN | ROLE_PIM | ROLE_POM},
    [ACT_UPLOAD_DELETE] = {"upload_delete", ROLE_ADMIN, ROLE_ORG, false, ROLE_PIM | ROLE_POM},
    [ACT_UPLOAD_READ] = {"upload_read", ROLE_STAFF, ROLE_ORG, false},
    [ACT_MESSAGE_LIST] = {"message_list", ROLE_STAFF, ROLE_ORG, false},
    [ACT_QUESTIONNAIRE_SEND] = {"questionnaire_send", ROLE_ADMIN | ROLE_CAM, 0, false},
    [ACT_QUESTIONNAIRE_READ] = {"questionnaire_read", ROLE_STAFF, ROLE_ORG, false},
    [ACT_QUESTIONNAIRE_ANSWER] = {"questionnaire_answer", ROLE_ADMIN | ROLE_CAM | ROLE_PIM,
                                  ROLE_ORG, false},
    [ACT_QUESTIONNAIRE_SUBMIT] = {"questionnaire_submit", ROLE_ADMIN, ROLE_ORG, false},
    [ACT_SETUP] = {"setup", ROLE_ADMIN | ROLE_PIM, 0, false},
    [ACT_OWNERS_SET] = {"owners_set", ROLE_ADMIN | ROLE_CAM, 0, false},
    [ACT_REQUEST_ISSUE] = {"request_issue", ROLE_ADMIN | ROLE_PIM | ROLE_POM, 0, false},
    [ACT_REQUEST_READ] = {"request_read", ROLE_STAFF, ROLE_ORG, false},
    [ACT_REQUEST_MESSAGE] = {"request_message", ROLE_ADMIN | ROLE_CAM | ROLE_PIM | ROLE_POM,
                             ROLE_ORG, false},
    [ACT_WARNINGS_READ] = {"warnings_read", ROLE_STAFF, ROLE_ORG, false},
    [ACT_TRAINING_DECIDE] = {"training_decide", ROLE_ADMIN | ROLE_PIM, 0, false},
    [ACT_ALTERNATE] = {"alternate_solution", 0, ROLE_PARTNER, false},
    [ACT_PLAN_READ] = {"plan_read", ROLE_STAFF, ROLE_ORG, false},
    [ACT_DELIVER] = {"deliver", ROLE_ADMIN, ROLE_ORG, false},
    [ACT_DELIVERY_READ] = {"delivery_read", ROLE_STAFF, ROLE_ORG, false},
    [ACT_STAFF_VIEW] = {"staff_view", ROLE_STAFF, 0, false},
    [ACT_TRANSFER_CREDENTIALS] = {"transfer_credentials", ROLE_ADMIN | ROLE_PIM, 0, false},
    /* launch timelines and alternate-solution cases (issue 14, SPEC 3) */
    [ACT_MILESTONES_READ] = {"milestones_read", ROLE_STAFF, ROLE_ORG, false},
    [ACT_ALTERNATES_READ] = {"alternates_read", ROLE_STAFF, ROLE_ORG, false},
    [ACT_ALTERNATE_ANSWER] = {"alternate_answer", ROLE_ADMIN | ROLE_CAM | ROLE_PIM, 0, false},
    [ACT_AGENT_SET] = {"agent_set", ROLE_ADMIN | ROLE_PIM, ROLE_PARTNER, false},
    /* issue 14, dead ends: accounts */
    [ACT_USER_MANAGE] = {"user_manage", ROLE_ADMIN, 0, false},
    [ACT_COLLEAGUE_READ] = {"colleague_read", ROLE_ADMIN, ROLE_ORG, false},
    [ACT_COLLEAGUE_WRITE] = {"colleague_write", ROLE_ADMIN, ROLE_ORG, false},
    /* issue 15, scorecards */
    [ACT_SCORECARD_READ] = {"scorecard_read", ROLE_STAFF, ROLE_ORG, false},
    /* issue 15, titles */
    [ACT_TITLES_READ] = {"titles_read", ROLE_STAFF, ROLE_ORG, false},
    [ACT_TITLE_WRITE] = {"title_write", ROLE_ADMIN | ROLE_PIM | ROLE_POM, 0, false},
    [ACT_TITLE_PUBLISH] = {"title_publish", ROLE_ADMIN | ROLE_POM, 0, false},
};

/*
 * A transfer credential (policy.h) is a machine's key to one organisation's
 * uploads and deliveries: create, write, read and terminate its uploads
 * (the tus endpoints and GET /api/v1/uploads), deliver them and read the
 * results. Everything else is a person's business: 403, whatever the role
 * would allow. Ownership is the role's (its organisation's things only).
 */
bool policy_transfer_may(enum action a)
{
    switch (a) {
    case ACT_PUBLIC:
    case ACT_UPLOAD:
    case ACT_UPLOAD_WRITE:
    case ACT_UPLOAD_READ:
    case ACT_UPLOAD_DELETE:
    case ACT_DELIVER:
    case ACT_DELIVERY_READ:
        return true;
    default:
        return false;
    }
}

unsigned policy_roles(enum action a)
{
    VG_ASSERT(a < ACT_N && rules[a].name);
    return rules[a].staff | rules[a].staff_own | rules[a].org;
}

bool policy_is_public(enum action a)
{
    VG_ASSERT(a < ACT_N && rules[a].name);
    return rules[a].is_public;
}

const char *policy_action_name(enum action a)
{
    VG_ASSERT(a < ACT_N && rules[a].name);
    return rules[a].name;
}

enum policy_result policy_role_may(const struct principal *p, enum action a)
{
    VG_ASSERT(a < ACT_N && rules[a].name);
    if (rules[a].is_public)
        return POLICY_ALLOW;
    if (!p || p->role == ROLE_NONE)
        return POLICY_UNAUTHENTICATED;
    if (p->kind == PRINCIPAL_TRANSFER && !policy_transfer_may(a))
        return POLICY_FORBIDDEN;
    return (policy_roles(a) & p->role) ? POLICY_ALLOW : POLICY_FORBIDDEN;
}

enum policy_result policy_check(const struct principal *p, enum action a, const struct resource *r)
{
    enum policy_result pr = policy_role_may(p, a);
    if (pr != POLICY_ALLOW || !p || p->role == ROLE_NONE)
        return pr;
    if (!role_is_org(p->role)) {
        if (rules[a].is_public || (rules[a].staff & p->role))
            return POLICY_ALLOW;
        /* A staff role admitted only on what the user made. */
        return r && r->made_by && r->made_by == p->user_id ? POLICY_ALLOW : POLICY_FORBIDDEN;
    }
    /* An organisation's user: only its own (or its principal's) resources. */
    if (!r || r->org_id == 0)
        return (rules[a].org & p->role) ? POLICY_ALLOW : POLICY_FORBIDDEN;
    bool own = r->org_id == p->org_id ||
               (p->role == ROLE_POSTHOUSE && r->agent_org_id && r->agent_org_id == p->org_id);
    if (!own)
        return POLICY_NOT_FOUND;
    return (rules[a].org & p->role) ? POLICY_ALLOW : POLICY_FORBIDDEN;
}
