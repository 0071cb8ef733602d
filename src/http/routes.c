/*
 * The one route table (cgit's cmd.c): method, path pattern, handler, the
 * policy action that says who may call it, and flags. The dispatcher in
 * server.c checks sign-in, role and CSRF from this table before any handler
 * runs, and `vodgate routes` prints it for the isolation test, which fails
 * when a route here has no isolation case.
 *
 * scope says what the first path parameter names, so the isolation test
 * knows whose resource it is: "partner" for a partner id, "" for none.
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

#define CSRF ROUTE_CSRF

const struct route routes[] = {
    {"GET", "/healthz", api_healthz, ACT_PUBLIC, 0, ""},
    {"POST", "/api/v1/session", api_session_create, ACT_PUBLIC, 0, ""},
    {"DELETE", "/api/v1/session", api_session_delete, ACT_SIGNED_IN, CSRF, ""},
    {"GET", "/api/v1/me", api_me, ACT_SIGNED_IN, 0, ""},
    {"POST", "/api/v1/users", api_users_create, ACT_USER_CREATE, CSRF, ""},
    {"GET", "/api/v1/users", api_users_list, ACT_USER_LIST, 0, ""},
    {"GET", "/api/v1/clock", api_clock_get, ACT_SIGNED_IN, 0, ""},
    {"PUT", "/api/v1/clock", api_clock_set, ACT_CLOCK_SET, CSRF, ""},
    {"POST", "/api/v1/partners", api_partners_create, ACT_PARTNER_CREATE, CSRF, ""},
    {"GET", "/api/v1/partners", api_partners_list, ACT_PARTNER_LIST, 0, ""},
    {"GET", "/api/v1/partners/{id}", api_partners_get, ACT_PARTNER_READ, 0, "partner"},
    {"GET", "/api/v1/partners/{id}/events", api_partners_events, ACT_PARTNER_EVENTS, 0, "partner"},
    {"GET", "/api/v1/posthouses", api_posthouses_list, ACT_POSTHOUSE_LIST, 0, ""},
    {"POST", "/api/v1/calendars", api_calendars_create, ACT_CALENDAR_WRITE, CSRF, ""},
    {"GET", "/api/v1/calendars", api_calendars_list, ACT_CALENDAR_READ, 0, ""},
    {"GET", "/api/v1/calendars/{id}", api_calendars_get, ACT_CALENDAR_READ, 0, "calendar"},
    {"PUT", "/api/v1/calendars/{id}", api_calendars_update, ACT_CALENDAR_WRITE, CSRF, "calendar"},
    {"POST", "/api/v1/calendars/{id}/ics", api_calendars_ics, ACT_CALENDAR_WRITE, CSRF,
     "calendar"},
    {"GET", "/api/v1/partners/{id}/clocks", api_partner_clocks, ACT_PARTNER_CLOCKS, 0, "partner"},
    {"POST", "/api/v1/partners/{id}/clocks", api_partner_clock_start, ACT_TEST_HOOK, CSRF,
     "partner"},
    {"POST", "/api/v1/partners/{id}/milestones", api_partner_milestones, ACT_MILESTONE_SET, CSRF,
     "partner"},
    {"PUT", "/api/v1/partners/{id}/calendar", api_partner_calendar, ACT_PARTNER_CALENDAR, CSRF,
     "partner"},
    {"POST", "/api/v1/clocks/{id}/pause", api_clock_pause, ACT_CLOCK_PAUSE, CSRF, "clock"},
    {"POST", "/api/v1/clocks/{id}/resume", api_clock_resume, ACT_CLOCK_PAUSE, CSRF, "clock"},
    {"POST", "/api/v1/clocks/{id}/extend", api_clock_extend, ACT_CLOCK_EXTEND, CSRF, "clock"},
    {"POST", "/api/v1/me/feed", api_feed_create, ACT_SIGNED_IN, CSRF, ""},
    {"GET", "/api/v1/me/calendar.ics", api_feed, ACT_SIGNED_IN, ROUTE_FEED, ""},
};

const int n_routes = sizeof routes / sizeof routes[0];
