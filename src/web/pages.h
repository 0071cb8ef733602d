/*
 * The portal's registration with the dispatcher (pages.c): its route table
 * and its page answers, and the handlers in that table. Called once at start, before the server serves (and
 * before `vodgate routes` prints the tables).
 */
#ifndef VG_PAGES_H
#define VG_PAGES_H

struct req;

void web_register(void);

/* The page handlers, declared once: pages.c puts them in its table, each page_*.c defines its own. */
/* page_account.c */
void page_account(struct req *r);
void page_account_post(struct req *r);
/* page_delivery.c */
void page_delivery(struct req *r);
/* page_home.c */
void page_home(struct req *r);
void page_signin(struct req *r);
void page_signout(struct req *r);
/* page_invitation.c */
void page_invitation(struct req *r);
void page_invitation_post(struct req *r);
/* page_outbox.c */
void page_outbox(struct req *r);
/* page_partner.c */
void page_partner(struct req *r);
void page_partner_post(struct req *r);
/* page_partner_new.c */
void page_partner_new(struct req *r);
void page_partner_new_post(struct req *r);
/* page_plan.c */
void page_plan(struct req *r);
/* page_posthouses.c */
void page_posthouses(struct req *r);
/* page_questionnaire.c */
void page_questionnaire(struct req *r);
void page_questionnaire_post(struct req *r);
/* page_request.c */
void page_request(struct req *r);
void page_request_post(struct req *r);
/* page_static.c */
void page_static(struct req *r);
/* page_upload.c */
void page_upload(struct req *r);
void page_upload_post(struct req *r);

/* issue 14, dead ends: page_admin_users.c, page_admin_calendars.c, page_colleagues.c */
void page_admin_users(struct req *r);
void page_admin_users_post(struct req *r);
void page_admin_calendars(struct req *r);
void page_admin_calendars_post(struct req *r);
void page_colleagues(struct req *r);
void page_colleagues_post(struct req *r);

/* issue 15, the catalogue: page_titles.c */
void page_titles(struct req *r);
void page_title(struct req *r);
void page_title_post(struct req *r);

/* page_dashboard.c: what "/" shows a signed-in user (page_home calls it) */
void page_dashboard(struct req *r);

#endif
