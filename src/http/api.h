/*
 * The API's handlers, declared once: routes.c puts them in the route table
 * and each api_*.c defines its own. A handler parses what its route
 * declares, calls one operation of the application floor (src/app/) and
 * answers; the dispatcher has checked sign-in, role, CSRF and the route's
 * scope before it runs (http.h).
 */
#ifndef VG_API_H
#define VG_API_H

#include "http/http.h"

/* api_account.c */
void api_me_password(struct req *r);
void api_me_tokens_list(struct req *r);
void api_me_tokens_create(struct req *r);
void api_me_token_delete(struct req *r);
void api_me_feed_get(struct req *r);
void api_me_feed_delete(struct req *r);

/* api_calendars.c */
void api_calendars_create(struct req *r);
void api_calendars_list(struct req *r);
void api_calendars_get(struct req *r);
void api_calendars_update(struct req *r);
void api_calendars_ics(struct req *r);

/* api_clock.c */
void api_clock_get(struct req *r);
void api_clock_set(struct req *r);

/* api_clocks.c */
void api_partner_clocks(struct req *r);
void api_partner_milestones(struct req *r);
void api_partner_clock_start(struct req *r);
void api_partner_calendar(struct req *r);
void api_clock_pause(struct req *r);
void api_clock_resume(struct req *r);
void api_clock_extend(struct req *r);

/* api_dashboard.c */
void api_dashboard(struct req *r);

/* api_deliveries.c */
void api_deliveries_create(struct req *r);
void api_delivery_get(struct req *r);
void api_partner_deliveries(struct req *r);

/* api_feed.c */
void api_feed_create(struct req *r);
void api_feed(struct req *r);

/* api_health.c */
void api_healthz(struct req *r);

/* api_invitations.c */
void api_invitation_accept(struct req *r);
void api_invitation_get(struct req *r);

/* api_lifecycle.c */
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
void api_approved_formats(struct req *r);

/* api_messages.c */
void api_messages_list(struct req *r);
void api_test_messages_create(struct req *r);

/* api_partners.c */
void api_partners_create(struct req *r);
void api_partners_list(struct req *r);
void api_partners_get(struct req *r);
void api_partners_events(struct req *r);
void api_posthouses_list(struct req *r);

/* api_plan.c */
void api_plan(struct req *r);

/* api_session.c */
void api_session_create(struct req *r);
void api_session_delete(struct req *r);
void api_me(struct req *r);

/* api_staff.c */
void api_staff_list(struct req *r);
/* launch timelines and alternate-solution cases (api_timelines.c) */
void api_partner_milestones_list(struct req *r);
void api_milestone_met(struct req *r);
void api_alternates_list(struct req *r);
void api_alternate_acknowledge(struct req *r);
void api_alternate_resolve(struct req *r);

/* api_agent.c */
void api_partner_agent(struct req *r);

/* api_test_fail.c */
void api_test_fail(struct req *r);

/* api_transfer.c */
void api_transfer_create(struct req *r);
void api_transfer_delete(struct req *r);

/* api_tus.c */
void api_tus_options(struct req *r);
void api_tus_create(struct req *r);
void api_tus_head(struct req *r);
void api_tus_patch(struct req *r);
void api_tus_delete(struct req *r);

/* api_uploads.c */
void api_uploads_list(struct req *r);
void api_uploads_get(struct req *r);

/* api_users.c */
void api_users_create(struct req *r);
void api_users_list(struct req *r);
void api_users_update(struct req *r);

/* api_colleagues.c (issue 14: an organisation's own users) */
void api_colleagues_list(struct req *r);
void api_colleagues_invite(struct req *r);
void api_colleagues_remove(struct req *r);

/* api_scorecards.c (issue 15) */
void api_partner_scorecard(struct req *r);
/* issue 15, titles (api_titles.c) */
void api_titles_list(struct req *r);
void api_titles_create(struct req *r);
void api_title_get(struct req *r);
void api_title_update(struct req *r);
void api_title_published(struct req *r);

#endif
