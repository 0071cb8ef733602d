/*
 * The portal's pages: their route table and their registration with the
 * dispatcher. http/ knows nothing of web/: at start, web_register() hands
 * the dispatcher this table (matched after the API's) and the page answers
 * it needs for refusals, forms, unknown paths and failures (page.c). Each
 * route declares, as the API's do, who may call it and what its {id} names,
 * and the dispatcher checks both before the page runs. A form posts to the
 * page it belongs to, with a csrf field the dispatcher checks.
 */
#include "web/pages.h"

#include "base/now.h"
#include "base/recover.h"
#include "web/web.h"

/* The test hook of a page that fails inside (serve --test-clock only): shows the 500 page. */
static void page_test_fail(struct req *r)
{
    if (!now_is_test()) {
        reply_error(r, 403, "test_clock_only", "this test hook needs serve --test-clock");
        return;
    }
    VG_ASSERT(!"test hook: a broken invariant on a page");
}

static const struct route page_routes[] = {
    {"GET", "/test/fail", page_test_fail, ACT_TEST_HOOK, ROUTE_PAGE, SCOPE_NONE},
    /* the portal (src/web/): HTML pages; forms post to their page with a csrf field */
    {"GET", "/static/{name}", page_static, ACT_PUBLIC, 0, SCOPE_NONE},
    {"GET", "/", page_home, ACT_PUBLIC, ROUTE_PAGE, SCOPE_NONE},
    {"POST", "/", page_signin, ACT_PUBLIC, ROUTE_PAGE, SCOPE_NONE},
    {"POST", "/signout", page_signout, ACT_SIGNED_IN, ROUTE_PAGE, SCOPE_NONE},
    /* planner, posthouses, outbox, account pages */
    {"GET", "/plan", page_plan, ACT_PLAN_READ, ROUTE_PAGE, SCOPE_NONE}, /* a partner: its own */
    {"GET", "/posthouses", page_posthouses, ACT_POSTHOUSE_LIST, ROUTE_PAGE, SCOPE_NONE},
    /* staff: the whole outbox; anyone else: their own mail ("Messages", issue 14) */
    {"GET", "/outbox", page_outbox, ACT_MESSAGE_LIST, ROUTE_PAGE, SCOPE_NONE},
    {"GET", "/account", page_account, ACT_SIGNED_IN, ROUTE_PAGE, SCOPE_NONE},
    {"POST", "/account", page_account_post, ACT_SIGNED_IN, ROUTE_PAGE, SCOPE_NONE},
    /* before /partners/{id}: "new" is not an id */
    {"GET", "/partners/new", page_partner_new, ACT_PARTNER_CREATE, ROUTE_PAGE, SCOPE_NONE},
    {"POST", "/partners/new", page_partner_new_post, ACT_PARTNER_CREATE, ROUTE_PAGE, SCOPE_NONE},
    {"GET", "/partners/{id}/questionnaire", page_questionnaire, ACT_QUESTIONNAIRE_READ, ROUTE_PAGE,
     SCOPE_PARTNER},
    {"POST", "/partners/{id}/questionnaire", page_questionnaire_post, ACT_QUESTIONNAIRE_ANSWER,
     ROUTE_PAGE, SCOPE_PARTNER},
    {"GET", "/requests/{id}", page_request, ACT_REQUEST_READ, ROUTE_PAGE, SCOPE_REQUEST},
    {"POST", "/requests/{id}", page_request_post, ACT_REQUEST_MESSAGE, ROUTE_PAGE, SCOPE_REQUEST},
    {"GET", "/invitations/{token}", page_invitation, ACT_PUBLIC, ROUTE_PAGE, SCOPE_NONE},
    {"POST", "/invitations/{token}", page_invitation_post, ACT_PUBLIC, ROUTE_PAGE, SCOPE_NONE},
    /* delivery and upload pages */
    {"GET", "/deliveries/{id}", page_delivery, ACT_DELIVERY_READ, ROUTE_PAGE, SCOPE_DELIVERY},
    {"GET", "/upload", page_upload, ACT_UPLOAD, ROUTE_PAGE, SCOPE_NONE},
    {"POST", "/upload", page_upload_post, ACT_DELIVER, ROUTE_PAGE, SCOPE_NONE},
    /* partner page (after /partners/new); the staff directory (api_staff.c) */
    {"GET", "/partners/{id}", page_partner, ACT_PARTNER_READ, ROUTE_PAGE, SCOPE_PARTNER},
    {"POST", "/partners/{id}", page_partner_post, ACT_SIGNED_IN, ROUTE_PAGE, SCOPE_PARTNER},
    /* issue 14, dead ends: the admin's pages; an organisation's colleagues */
    {"GET", "/admin/users", page_admin_users, ACT_USER_LIST, ROUTE_PAGE, SCOPE_NONE},
    {"POST", "/admin/users", page_admin_users_post, ACT_USER_MANAGE, ROUTE_PAGE, SCOPE_NONE},
    {"GET", "/admin/calendars", page_admin_calendars, ACT_CALENDAR_WRITE, ROUTE_PAGE, SCOPE_NONE},
    {"POST", "/admin/calendars", page_admin_calendars_post, ACT_CALENDAR_WRITE, ROUTE_PAGE,
     SCOPE_NONE},
    {"GET", "/partners/{id}/colleagues", page_colleagues, ACT_COLLEAGUE_READ, ROUTE_PAGE,
     SCOPE_PARTNER},
    {"POST", "/partners/{id}/colleagues", page_colleagues_post, ACT_COLLEAGUE_WRITE, ROUTE_PAGE,
     SCOPE_PARTNER},
    /* issue 15, the catalogue (page_titles.c): the API's actions and scope */
    {"GET", "/titles", page_titles, ACT_TITLES_READ, ROUTE_PAGE, SCOPE_NONE},
    {"GET", "/titles/{id}", page_title, ACT_TITLES_READ, ROUTE_PAGE, SCOPE_TITLE},
    {"POST", "/titles/{id}", page_title_post, ACT_TITLE_PUBLISH, ROUTE_PAGE, SCOPE_TITLE},
};

void web_register(void)
{
    static const struct page_hooks hooks = {page_deny, page_form_admit, page_not_found,
                                            page_internal};
    http_register_routes(page_routes, sizeof page_routes / sizeof page_routes[0]);
    http_set_page_hooks(&hooks);
}
