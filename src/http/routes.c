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
};

const int n_routes = sizeof routes / sizeof routes[0];
