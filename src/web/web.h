/*
 * The portal's pages: what every page handler uses.
 *
 * A page is a route of the portal's table (web/pages.c, registered with the
 * dispatcher at start). Its handler builds a view model (a JSON object) and
 * renders templates/html/NAME.html inside the layout; it gets its data from
 * the application floor's operations and views (app/), the same ones the
 * API's handlers call, so that a page and the API are the same operations,
 * checked by the same policy (page_op_done). A form posts to the page it
 * belongs to with a field "do" naming the action; the operation behind it
 * answers 303 back to the page (page_op_redirect), with the outcome shown
 * there once (the flash). The dispatcher has already checked the form's
 * csrf field and the route's scope.
 */
#ifndef VG_WEB_H
#define VG_WEB_H

#include <jansson.h>

#include "http/http.h"
#include "web/form.h"
#include "web/html.h"

/*
 * Renders page template name inside the layout and answers with it. vm (stolen)
 * is the page's view model; vm["title"] (a string) names the page. The layout
 * adds "site": who is signed in, the navigation, the CSRF token of the forms,
 * the flash message, the time now.
 */
void page_render(struct req *r, int status, const char *name, json_t *vm);
/* Answers 303 to location; kind "ok" or "error" and text: the flash shown there (text may be NULL).
 */
void page_redirect(struct req *r, const char *location, const char *kind, const char *text);
/* The page answers the dispatcher asks for (registered by pages.c): a refused page request, */
void page_deny(struct req *r, enum policy_result pr);
/* a page POST's form parsed into r->form with its csrf field checked (false when answered), */
bool page_form_admit(struct req *r);
/* an HTML 404 for a path no route knows (browsers asking for text/html), */
void page_not_found(struct req *r);
/* and the 500 of a page that failed inside: the portal's error page, or a plain one. */
void page_internal(struct req *r);

/* Answers an HTML error page. */
void page_error(struct req *r, int status, const char *fmt, ...) VG_PRINTF(3, 4);

/*
 * Pages call the application floor (app/) directly, with an op made by
 * req_op_init. page_op_done follows a read: when rc < 0 it answers the
 * page's error (a missing thing, or another organisation's: the 404 page;
 * a failure: the portal's 500; else the refusal's status and message),
 * frees o's error either way and returns whether the read succeeded.
 * page_op_redirect follows a form action: 303 to back with ok_text, or
 * with the refusal's message as the flash.
 */
struct op;
bool page_op_done(struct req *r, struct op *o, int rc);
void page_op_redirect(struct req *r, struct op *o, int rc, const char *back, const char *ok_text);

/*
 * The full view of partner id (app/partners.c, as the API's GET
 * /api/v1/partners/{id} answers), or NULL after answering the page's error
 * (404 for another organisation's partner, as for a missing one). The
 * caller owns the result.
 */
json_t *web_partner_view(struct req *r, int64_t id);
/* The onboarded posthouses of the directory, [{id, name, approved_formats, ...}]; [] when refused. New reference. */
json_t *web_posthouses(struct req *r);

/* The form field name of this POST, or NULL. */
const char *page_field(struct req *r, const char *name);

/*
 * An instant for people, in zone (a tz name; NULL or unknown: UTC):
 * "Thu 26 Nov 2026, 14:05 (UTC+01:00)". From the request's arena.
 */
const char *web_time(struct req *r, int64_t t, const char *zone);
/*
 * A deadline for people, in zone, for a sentence that says "by" and names
 * the zone beside it: "the end of Wed 2 Dec" for a local midnight (what a
 * person calls it), "11:00 on Mon 30 Mar" otherwise (core/timewords.h).
 */
const char *web_deadline(struct req *r, int64_t due, const char *zone);
/* A date ("2027-01-13") for people: "Wed 13 Jan 2027" (the year only when not this year); the text itself when it is not a date. */
const char *web_date(struct req *r, const char *iso_date);
/* The same from RFC 3339 text; "" for NULL or bad text. */
const char *web_deadline_text(struct req *r, const char *rfc3339, const char *zone);
/* The same from RFC 3339 text (as the API gives it); "" for NULL or bad text. */
const char *web_time_text(struct req *r, const char *rfc3339, const char *zone);
/* A duration for people: "2 d 4 h", "3 h 10 min", "45 min" (negative: the same, unsigned). */
const char *web_duration(struct req *r, int64_t seconds);

/* The display name of a kind of delivery or request ("asset_package" → "Asset package"). */
const char *web_kind_label(const char *kind);

/*
 * What a kind of clock promises, the same on every page ("delivery_48h" →
 * "Delivery within 48 hours"); brief: the timeline chart's short form ("Deliver 48 h").
 */
const char *web_clock_label(const char *kind, bool brief);

/* The display name of a lifecycle stage ("setup" → "Account setup"). */
const char *web_stage_label(const char *stage);

/* planner, outbox pages (web/partner_choices.c) */
/*
 * The partners a staff form offers: [{id, name, stage, stage_label, selected}]
 * sorted by name, at most max of them plus the selected one (0: none);
 * *more tells that there were more. Empty for an organisation's user.
 * Returns a new reference.
 */
json_t *web_partner_choices(struct req *r, int64_t selected, int max, bool *more);

#endif
