/*
 * A title's go-live timeline as inline SVG (the title page; issue 15 item 3):
 * one row per territory on one time axis, with the partner's window start,
 * the day the assets were complete, the day the title became ready, the
 * service's publish-by date (the 14-day clock drawn from ready to it) and
 * the day it was published; a vertical line at now. The approach of
 * web/svg_timeline.c: every value through the escaping emitters of
 * web/html.h (so the result travels as safe_html), coordinates clamped into
 * the plot (no NaN), each mark with a <title> for hover, the chart one image
 * with a title and a description; the page lists the same facts in words.
 */
#ifndef VG_SVG_TITLE_H
#define VG_SVG_TITLE_H

#include <jansson.h>
#include <stdint.h>

#include "base/buf.h"

/*
 * Appends the <svg> of timeline (the title view's "timeline": [{territory,
 * window_start (YYYY-MM-DD), assets_complete, ready, publish_by, published
 * (RFC 3339 or null)}]) to b, times in zone (a tz name; unknown: UTC).
 */
void svg_title_timeline(struct buf *b, const json_t *timeline, const char *zone, int64_t now,
                        const char *title);

#endif
