/*
 * The one route table (cgit's cmd.c): method, path pattern, handler, the
 * policy action that says who may call it, and flags. The dispatcher in
 * server.c checks sign-in, role and CSRF from this table before any handler
 * runs, and `vodgate routes` prints it for the isolation test, which fails
 * when a route here has no isolation case.
 *
 * scope says what the first path parameter names (app/scope.h): before the
 * handler runs, the dispatcher loads it, finds the organisation that owns it
 * and runs the route's policy on it, so no handler can forget the isolation
 * rule. The isolation test reads the scopes from `vodgate routes`.
 */
#include "http/http.h"

void api_healthz(struct req *r);
void api_session_create(struct req *r);
void api_session_delete(struct req *r);
void api_me(struct req *r);
void api_users_create(struct req *r);
void api_users_list(struct req *r);
void api_clock_get(struct req *r);
void api_clock_set(struct req *r);
void api_partners_create(struct req *r);
void api_partners_list(struct req *r);
void api_partners_get(struct req *r);
void api_partners_events(struct req *r);
void api_posthouses_list(struct req *r);
void api_calendars_create(struct req *r);
void api_calendars_list(struct req *r);
void api_calendars_get(struct req *r);
void api_calendars_update(struct req *r);
void api_calendars_ics(struct req *r);
void api_partner_clocks(struct req *r);
void api_partner_milestones(struct req *r);
void api_partner_clock_start(struct req *r);
void api_partner_calendar(struct req *r);
void api_clock_pause(struct req *r);
void api_clock_resume(struct req *r);
void api_clock_extend(struct req *r);
void api_feed_create(struct req *r);
void api_feed(struct req *r);
void api_messages_list(struct req *r);
void api_test_messages_create(struct req *r);
void api_test_fail(struct req *r);
void page_test_fail(struct req *r);
void api_questionnaire_send(struct req *r);
void api_questionnaire_get(struct req *r);
void api_questionnaire_patch(struct req *r);
void api_questionnaire_submit(struct req *r);
void api_setup_item(struct req *r);
void api_training_plan(struct req *r);
void api_setup_confirm(struct req *r);
void api_partner_owners(struct req *r);
void api_requests_create(struct req *r);
void api_requests_list(struct req *r);
void api_request_get(struct req *r);
void api_request_message(struct req *r);
void api_request_rerequest(struct req *r);
void api_request_pause(struct req *r);
void api_request_resume(struct req *r);
void api_partner_warnings(struct req *r);
void api_training_decision(struct req *r);
void api_training_resume(struct req *r);
void api_training_complete(struct req *r);
void api_alternate_solution(struct req *r);
void api_invitation_accept(struct req *r);
void api_plan(struct req *r);
void api_approved_formats(struct req *r);
void api_deliveries_create(struct req *r);
void api_delivery_get(struct req *r);
void api_partner_deliveries(struct req *r);
void api_tus_options(struct req *r);
void api_tus_create(struct req *r);
void api_tus_head(struct req *r);
void api_tus_patch(struct req *r);
void api_tus_delete(struct req *r);
void api_uploads_list(struct req *r);
void api_uploads_get(struct req *r);
/* the staff dashboard (api_dashboard.c) */
void api_dashboard(struct req *r);
/* the user's own account (api_account.c) */
void api_me_password(struct req *r);
void api_me_tokens_list(struct req *r);
void api_me_tokens_create(struct req *r);
void api_me_token_delete(struct req *r);
void api_me_feed_get(struct req *r);
void api_me_feed_delete(struct req *r);
/* planner, posthouses, outbox, account pages */
void page_plan(struct req *r);
void page_posthouses(struct req *r);
void page_outbox(struct req *r);
void page_account(struct req *r);
void page_account_post(struct req *r);
/* questionnaire, request and invitation pages; the invitation lookup (api_invitations.c) */
void api_invitation_get(struct req *r);
void page_questionnaire(struct req *r);
void page_questionnaire_post(struct req *r);
void page_request(struct req *r);
void page_request_post(struct req *r);
void page_invitation(struct req *r);
void page_invitation_post(struct req *r);
/* delivery and upload pages */
void page_delivery(struct req *r);
void page_upload(struct req *r);
void page_upload_post(struct req *r);
/* partner page (page_partner.c) and the staff directory its forms use (api_staff.c) */
void page_partner(struct req *r);
void page_partner_post(struct req *r);
void api_staff_list(struct req *r);
/* portal pages (src/web/) */
void page_home(struct req *r);
void page_signin(struct req *r);
void page_signout(struct req *r);
void page_static(struct req *r);
void page_partner_new(struct req *r);
void page_partner_new_post(struct req *r);

#define CSRF ROUTE_CSRF
#define PAGE ROUTE_PAGE

const struct route routes[] = {
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
    {"GET", "/test/fail", page_test_fail, ACT_TEST_HOOK, PAGE, SCOPE_NONE},
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
    /* the portal (src/web/): HTML pages; forms post to their page with a csrf field */
    {"GET", "/static/{name}", page_static, ACT_PUBLIC, 0, SCOPE_NONE},
    {"GET", "/", page_home, ACT_PUBLIC, PAGE, SCOPE_NONE},
    {"POST", "/", page_signin, ACT_PUBLIC, PAGE, SCOPE_NONE},
    {"POST", "/signout", page_signout, ACT_SIGNED_IN, PAGE, SCOPE_NONE},
    /* planner, posthouses, outbox, account pages */
    {"GET", "/plan", page_plan, ACT_STAFF_VIEW, PAGE, SCOPE_NONE},
    {"GET", "/posthouses", page_posthouses, ACT_POSTHOUSE_LIST, PAGE, SCOPE_NONE},
    {"GET", "/outbox", page_outbox, ACT_STAFF_VIEW, PAGE, SCOPE_NONE},
    {"GET", "/account", page_account, ACT_SIGNED_IN, PAGE, SCOPE_NONE},
    {"POST", "/account", page_account_post, ACT_SIGNED_IN, PAGE, SCOPE_NONE},
    /* before /partners/{id}: "new" is not an id */
    {"GET", "/partners/new", page_partner_new, ACT_PARTNER_CREATE, PAGE, SCOPE_NONE},
    {"POST", "/partners/new", page_partner_new_post, ACT_PARTNER_CREATE, PAGE, SCOPE_NONE},
    /* questionnaire, request and invitation pages; the invitation lookup (api_invitations.c) */
    {"GET", "/api/v1/invitations/{token}", api_invitation_get, ACT_PUBLIC, 0, SCOPE_NONE},
    {"GET", "/partners/{id}/questionnaire", page_questionnaire, ACT_QUESTIONNAIRE_READ, PAGE,
     SCOPE_PARTNER},
    {"POST", "/partners/{id}/questionnaire", page_questionnaire_post, ACT_QUESTIONNAIRE_ANSWER,
     PAGE, SCOPE_PARTNER},
    {"GET", "/requests/{id}", page_request, ACT_REQUEST_READ, PAGE, SCOPE_REQUEST},
    {"POST", "/requests/{id}", page_request_post, ACT_REQUEST_MESSAGE, PAGE, SCOPE_REQUEST},
    {"GET", "/invitations/{token}", page_invitation, ACT_PUBLIC, PAGE, SCOPE_NONE},
    {"POST", "/invitations/{token}", page_invitation_post, ACT_PUBLIC, PAGE, SCOPE_NONE},
    /* delivery and upload pages */
    {"GET", "/deliveries/{id}", page_delivery, ACT_DELIVERY_READ, PAGE, SCOPE_DELIVERY},
    {"GET", "/upload", page_upload, ACT_UPLOAD, PAGE, SCOPE_NONE},
    {"POST", "/upload", page_upload_post, ACT_DELIVER, PAGE, SCOPE_NONE},
    /* partner page (after /partners/new); the staff directory (api_staff.c) */
    {"GET", "/partners/{id}", page_partner, ACT_PARTNER_READ, PAGE, SCOPE_PARTNER},
    {"POST", "/partners/{id}", page_partner_post, ACT_SIGNED_IN, PAGE, SCOPE_PARTNER},
    {"GET", "/api/v1/staff", api_staff_list, ACT_STAFF_VIEW, 0, SCOPE_NONE},
};

const int n_routes = sizeof routes / sizeof routes[0];
