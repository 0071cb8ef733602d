/*
 * The API's route table (cgit's cmd.c): method, path pattern, handler, the
 * policy action that says who may call it, flags and scope. The portal's
 * pages bring a table of their own (web/pages.c) and register it at start;
 * the dispatcher in server.c serves the tables in the order registered, the
 * API's first, and checks sign-in, role, CSRF and scope from them before any
 * handler runs. `vodgate routes` prints them all for the isolation test,
 * which fails when a route has no isolation case.
 *
 * scope says what the first path parameter names (app/scope.h): before the
 * handler runs, the dispatcher loads it, finds the organisation that owns it
 * and runs the route's policy on it, so no handler can forget the isolation
 * rule. The isolation test reads the scopes from `vodgate routes`.
 */
#include "base/recover.h"
#include "http/api.h"

#define CSRF ROUTE_CSRF

static const struct route api_routes[] = {
    {"GET", "/healthz", api_healthz, ACT_PUBLIC, 0, SCOPE_NONE},
    {"POST", "/api/v1/session", api_session_create, ACT_PUBLIC, 0, SCOPE_NONE},
    {"DELETE", "/api/v1/session", api_session_delete, ACT_SIGNED_IN, CSRF, SCOPE_NONE},
    {"GET", "/api/v1/me", api_me, ACT_SIGNED_IN, 0, SCOPE_NONE},
    {"POST", "/api/v1/users", api_users_create, ACT_USER_CREATE, CSRF, SCOPE_NONE},
    {"GET", "/api/v1/users", api_users_list, ACT_USER_LIST, 0, SCOPE_NONE},
    {"GET", "/api/v1/clock", api_clock_get, ACT_SIGNED_IN, 0, SCOPE_NONE},
    {"PUT", "/api/v1/clock", api_clock_set, ACT_CLOCK_SET, CSRF, SCOPE_NONE},
    {"POST", "/api/v1/partners", api_partners_create, ACT_PARTNER_CREATE, CSRF, SCOPE_NONE},
    {"GET", "/api/v1/partners", api_partners_list, ACT_PARTNER_LIST, 0, SCOPE_NONE},
    {"GET", "/api/v1/partners/{id}", api_partners_get, ACT_PARTNER_READ, 0, SCOPE_PARTNER},
    {"GET", "/api/v1/partners/{id}/events", api_partners_events, ACT_PARTNER_EVENTS, 0, SCOPE_PARTNER},
    {"GET", "/api/v1/posthouses", api_posthouses_list, ACT_POSTHOUSE_LIST, 0, SCOPE_NONE},
    {"POST", "/api/v1/calendars", api_calendars_create, ACT_CALENDAR_WRITE, CSRF, SCOPE_NONE},
    {"GET", "/api/v1/calendars", api_calendars_list, ACT_CALENDAR_READ, 0, SCOPE_NONE},
    {"GET", "/api/v1/calendars/{id}", api_calendars_get, ACT_CALENDAR_READ, 0, SCOPE_CALENDAR},
    {"PUT", "/api/v1/calendars/{id}", api_calendars_update, ACT_CALENDAR_WRITE, CSRF, SCOPE_CALENDAR},
    {"POST", "/api/v1/calendars/{id}/ics", api_calendars_ics, ACT_CALENDAR_WRITE, CSRF, SCOPE_CALENDAR},
    {"GET", "/api/v1/partners/{id}/clocks", api_partner_clocks, ACT_PARTNER_CLOCKS, 0, SCOPE_PARTNER},
    {"POST", "/api/v1/partners/{id}/clocks", api_partner_clock_start, ACT_TEST_HOOK, CSRF,
     SCOPE_PARTNER},
    {"POST", "/api/v1/partners/{id}/milestones", api_partner_milestones, ACT_MILESTONE_SET, CSRF,
     SCOPE_PARTNER},
    {"PUT", "/api/v1/partners/{id}/calendar", api_partner_calendar, ACT_PARTNER_CALENDAR, CSRF,
     SCOPE_PARTNER},
    {"POST", "/api/v1/clocks/{id}/pause", api_clock_pause, ACT_CLOCK_PAUSE, CSRF, SCOPE_CLOCK},
    {"POST", "/api/v1/clocks/{id}/resume", api_clock_resume, ACT_CLOCK_PAUSE, CSRF, SCOPE_CLOCK},
    {"POST", "/api/v1/clocks/{id}/extend", api_clock_extend, ACT_CLOCK_EXTEND, CSRF, SCOPE_CLOCK},
    {"POST", "/api/v1/me/feed", api_feed_create, ACT_SIGNED_IN, CSRF, SCOPE_NONE},
    {"GET", "/api/v1/me/calendar.ics", api_feed, ACT_SIGNED_IN, ROUTE_FEED, SCOPE_NONE},
    /* the user's own account (api_account.c) */
    {"GET", "/api/v1/me/feed", api_me_feed_get, ACT_SIGNED_IN, 0, SCOPE_NONE},
    {"DELETE", "/api/v1/me/feed", api_me_feed_delete, ACT_SIGNED_IN, CSRF, SCOPE_NONE},
    {"POST", "/api/v1/me/password", api_me_password, ACT_SIGNED_IN, CSRF, SCOPE_NONE},
    {"GET", "/api/v1/me/tokens", api_me_tokens_list, ACT_SIGNED_IN, 0, SCOPE_NONE},
    {"POST", "/api/v1/me/tokens", api_me_tokens_create, ACT_SIGNED_IN, CSRF, SCOPE_NONE},
    {"DELETE", "/api/v1/me/tokens/{id}", api_me_token_delete, ACT_SIGNED_IN, CSRF, SCOPE_TOKEN},
    {"GET", "/api/v1/messages", api_messages_list, ACT_MESSAGE_LIST, 0, SCOPE_NONE},
    {"POST", "/api/v1/test/messages", api_test_messages_create, ACT_TEST_HOOK, CSRF, SCOPE_NONE},
    {"POST", "/api/v1/test/fail", api_test_fail, ACT_TEST_HOOK, CSRF, SCOPE_NONE},
    {"POST", "/api/v1/partners/{id}/questionnaire/send", api_questionnaire_send,
     ACT_QUESTIONNAIRE_SEND, CSRF, SCOPE_PARTNER},
    {"GET", "/api/v1/partners/{id}/questionnaire", api_questionnaire_get, ACT_QUESTIONNAIRE_READ, 0,
     SCOPE_PARTNER},
    {"PATCH", "/api/v1/partners/{id}/questionnaire", api_questionnaire_patch,
     ACT_QUESTIONNAIRE_ANSWER, CSRF, SCOPE_PARTNER},
    {"POST", "/api/v1/partners/{id}/questionnaire/submit", api_questionnaire_submit,
     ACT_QUESTIONNAIRE_SUBMIT, CSRF, SCOPE_PARTNER},
    {"PUT", "/api/v1/partners/{id}/setup/{item}", api_setup_item, ACT_SETUP, CSRF, SCOPE_PARTNER},
    {"PUT", "/api/v1/partners/{id}/training/plan", api_training_plan, ACT_SETUP, CSRF, SCOPE_PARTNER},
    {"POST", "/api/v1/partners/{id}/setup/confirm", api_setup_confirm, ACT_SETUP, CSRF, SCOPE_PARTNER},
    {"PUT", "/api/v1/partners/{id}/owners", api_partner_owners, ACT_OWNERS_SET, CSRF, SCOPE_PARTNER},
    {"PUT", "/api/v1/partners/{id}/approved-formats", api_approved_formats, ACT_SETUP, CSRF,
     SCOPE_PARTNER},
    {"POST", "/api/v1/partners/{id}/requests", api_requests_create, ACT_REQUEST_ISSUE, CSRF,
     SCOPE_PARTNER},
    {"GET", "/api/v1/partners/{id}/requests", api_requests_list, ACT_REQUEST_READ, 0, SCOPE_PARTNER},
    {"GET", "/api/v1/requests/{id}", api_request_get, ACT_REQUEST_READ, 0, SCOPE_REQUEST},
    {"POST", "/api/v1/requests/{id}/messages", api_request_message, ACT_REQUEST_MESSAGE, CSRF,
     SCOPE_REQUEST},
    {"POST", "/api/v1/requests/{id}/rerequest", api_request_rerequest, ACT_REQUEST_ISSUE, CSRF,
     SCOPE_REQUEST},
    {"POST", "/api/v1/requests/{id}/pause", api_request_pause, ACT_REQUEST_ISSUE, CSRF, SCOPE_REQUEST},
    {"POST", "/api/v1/requests/{id}/resume", api_request_resume, ACT_REQUEST_ISSUE, CSRF,
     SCOPE_REQUEST},
    {"GET", "/api/v1/partners/{id}/warnings", api_partner_warnings, ACT_WARNINGS_READ, 0,
     SCOPE_PARTNER},
    {"POST", "/api/v1/partners/{id}/training/decision", api_training_decision, ACT_TRAINING_DECIDE,
     CSRF, SCOPE_PARTNER},
    {"POST", "/api/v1/partners/{id}/training/resume", api_training_resume, ACT_TRAINING_DECIDE,
     CSRF, SCOPE_PARTNER},
    {"POST", "/api/v1/partners/{id}/training/complete", api_training_complete, ACT_TRAINING_DECIDE,
     CSRF, SCOPE_PARTNER},
    {"POST", "/api/v1/partners/{id}/alternate-solution", api_alternate_solution, ACT_ALTERNATE,
     CSRF, SCOPE_PARTNER},
    {"POST", "/api/v1/invitations/{token}", api_invitation_accept, ACT_PUBLIC, 0, SCOPE_NONE},
    {"GET", "/api/v1/plan", api_plan, ACT_PLAN_READ, 0, SCOPE_NONE},
    {"POST", "/api/v1/deliveries", api_deliveries_create, ACT_DELIVER, CSRF, SCOPE_NONE},
    {"GET", "/api/v1/deliveries/{id}", api_delivery_get, ACT_DELIVERY_READ, 0, SCOPE_DELIVERY},
    {"GET", "/api/v1/partners/{id}/deliveries", api_partner_deliveries, ACT_DELIVERY_READ, 0,
     SCOPE_PARTNER},
    /* tus 1.0.0 uploads (api_tus.c): the bodies of POST and PATCH stream to disk */
    {"OPTIONS", "/files/", api_tus_options, ACT_PUBLIC, CSRF | ROUTE_TUS, SCOPE_NONE},
    {"OPTIONS", "/files/{id}", api_tus_options, ACT_PUBLIC, CSRF | ROUTE_TUS, SCOPE_UPLOAD},
    {"POST", "/files/", api_tus_create, ACT_UPLOAD, CSRF | ROUTE_TUS | ROUTE_RAW, SCOPE_NONE},
    {"HEAD", "/files/{id}", api_tus_head, ACT_UPLOAD_READ, CSRF | ROUTE_TUS, SCOPE_UPLOAD},
    {"PATCH", "/files/{id}", api_tus_patch, ACT_UPLOAD_WRITE, CSRF | ROUTE_TUS | ROUTE_RAW,
     SCOPE_UPLOAD},
    {"DELETE", "/files/{id}", api_tus_delete, ACT_UPLOAD_DELETE, CSRF | ROUTE_TUS, SCOPE_UPLOAD},
    {"GET", "/api/v1/uploads", api_uploads_list, ACT_UPLOAD_READ, 0, SCOPE_NONE},
    {"GET", "/api/v1/uploads/{id}", api_uploads_get, ACT_UPLOAD_READ, 0, SCOPE_UPLOAD},
    /* the staff dashboard (api_dashboard.c) */
    {"GET", "/api/v1/dashboard", api_dashboard, ACT_STAFF_VIEW, 0, SCOPE_NONE},
    /* the invitation lookup (api_invitations.c) */
    {"GET", "/api/v1/invitations/{token}", api_invitation_get, ACT_PUBLIC, 0, SCOPE_NONE},
    {"GET", "/api/v1/staff", api_staff_list, ACT_STAFF_VIEW, 0, SCOPE_NONE},
    /* the partner's transfer credential (api_transfer.c) */
    {"POST", "/api/v1/partners/{id}/transfer-credentials", api_transfer_create,
     ACT_TRANSFER_CREDENTIALS, CSRF, SCOPE_PARTNER},
    {"DELETE", "/api/v1/partners/{id}/transfer-credentials", api_transfer_delete,
     ACT_TRANSFER_CREDENTIALS, CSRF, SCOPE_PARTNER},
    /* launch timelines and alternate-solution cases (api_timelines.c) */
    {"GET", "/api/v1/partners/{id}/milestones", api_partner_milestones_list, ACT_MILESTONES_READ, 0,
     SCOPE_PARTNER},
    {"POST", "/api/v1/milestones/{id}/met", api_milestone_met, ACT_MILESTONE_SET, CSRF,
     SCOPE_MILESTONE},
    {"GET", "/api/v1/alternate-solutions", api_alternates_list, ACT_ALTERNATES_READ, 0, SCOPE_NONE},
    {"POST", "/api/v1/alternate-solutions/{id}/acknowledge", api_alternate_acknowledge,
     ACT_ALTERNATE_ANSWER, CSRF, SCOPE_ALTERNATE},
    {"POST", "/api/v1/alternate-solutions/{id}/resolve", api_alternate_resolve,
     ACT_ALTERNATE_ANSWER, CSRF, SCOPE_ALTERNATE},
    /* the partner's delivery agent (api_agent.c) */
    {"PUT", "/api/v1/partners/{id}/agent", api_partner_agent, ACT_AGENT_SET, CSRF, SCOPE_PARTNER},
    /* issue 14, dead ends: the admin changes accounts; an organisation's admin its colleagues */
    {"PATCH", "/api/v1/users/{user}", api_users_update, ACT_USER_MANAGE, CSRF, SCOPE_NONE},
    {"GET", "/api/v1/partners/{id}/users", api_colleagues_list, ACT_COLLEAGUE_READ, 0, SCOPE_PARTNER},
    {"POST", "/api/v1/partners/{id}/users", api_colleagues_invite, ACT_COLLEAGUE_WRITE, CSRF,
     SCOPE_PARTNER},
    {"DELETE", "/api/v1/partners/{id}/users/{user}", api_colleagues_remove, ACT_COLLEAGUE_WRITE,
     CSRF, SCOPE_PARTNER},
    /* issue 15: scorecards (api_scorecards.c) */
    {"GET", "/api/v1/partners/{id}/scorecard", api_partner_scorecard, ACT_SCORECARD_READ, 0,
     SCOPE_PARTNER},
    /* issue 15, titles (api_titles.c) */
    {"GET", "/api/v1/titles", api_titles_list, ACT_TITLES_READ, 0, SCOPE_NONE},
    {"POST", "/api/v1/titles", api_titles_create, ACT_TITLE_WRITE, CSRF, SCOPE_NONE},
    {"GET", "/api/v1/titles/{id}", api_title_get, ACT_TITLES_READ, 0, SCOPE_TITLE},
    {"PATCH", "/api/v1/titles/{id}", api_title_update, ACT_TITLE_WRITE, CSRF, SCOPE_TITLE},
    {"POST", "/api/v1/titles/{id}/published", api_title_published, ACT_TITLE_PUBLISH, CSRF,
     SCOPE_TITLE},
};

#define MAX_TABLES 4

static struct {
    const struct route *table;
    int n;
} tables[MAX_TABLES] = {{api_routes, sizeof api_routes / sizeof api_routes[0]}};
static int n_tables = 1;

void http_register_routes(const struct route *table, int n)
{
    for (int i = 0; i < n_tables; i++)
        if (tables[i].table == table)
            return;
    VG_ASSERT(n_tables < MAX_TABLES);
    tables[n_tables].table = table;
    tables[n_tables].n = n;
    n_tables++;
}

int http_n_routes(void)
{
    int n = 0;
    for (int i = 0; i < n_tables; i++)
        n += tables[i].n;
    return n;
}

const struct route *http_route(int i)
{
    for (int t = 0; t < n_tables; t++) {
        if (i < tables[t].n)
            return &tables[t].table[i];
        i -= tables[t].n;
    }
    return NULL;
}
