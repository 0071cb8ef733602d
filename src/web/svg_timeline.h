/*
 * A partner's timeline as inline SVG, drawn on the server (the partner page).
 *
 * A Gantt chart on one time axis: a row per lifecycle stage with its planned
 * stretch (dashed outline) and its actual one (filled), a row per clock from
 * its start to its due instant (running, paused, met, breached, cancelled),
 * the warnings as marks on a row of their own, and a vertical line at "now".
 * Every mark carries a <title> (hover text); the whole chart is one image
 * with a title and a description for assistive technology, and the page
 * lists the same facts in words beside it.
 *
 * Every dynamic value goes through the escaping emitters of web/html.h, so
 * the result may travel as safe_html. Coordinates are computed on a range
 * that is never empty and clamped into the plot, so no NaN or infinity can
 * reach the markup. Day ticks and the times in the titles are in the given
 * zone. Pure: no I/O, no clock reading; only b grows.
 */
#ifndef VG_SVG_TIMELINE_H
#define VG_SVG_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "core/zone.h"

#define TL_MAX_CLOCKS 40 /* clock rows drawn at most; the caller picks which */
#define TL_VIEW_W     1000 /* the viewBox width of every chart drawn with the pieces below */
#define TL_AXIS_Y     30   /* where the rows begin under the day ticks */

struct tl_stage {
    const char *key;   /* the stage's name, also a CSS class: "setup" */
    const char *label; /* for people: "Account setup" */
    int64_t from, to;  /* actual: when it began, when it ended (0: not begun / still open) */
    int64_t plan_from, plan_to; /* its planned stretch (0: none known) */
    bool current;               /* the partner is in this stage now */
    bool skipped;               /* passed over (training of an already-onboarded partner) */
};

struct tl_clock {
    const char *label; /* what it promises: "Deliver 48 h: Spring avails" */
    const char *state; /* running, paused, met, breached, cancelled */
    int64_t started;   /* when it started */
    int64_t due;       /* its due instant (0 while paused) */
    int64_t closed;    /* when it was met, breached or cancelled (0 while open) */
};

struct tl_warning {
    int64_t number; /* 1, 2, 3 ... */
    int64_t at;     /* when it was issued */
    const char *reason;
};

struct timeline {
    const char *title;       /* the chart's accessible name */
    const struct zone *zone; /* ticks and times in this zone; NULL: UTC */
    int64_t now;
    const struct tl_stage *stages;
    size_t n_stages;
    const struct tl_clock *clocks; /* drawn in this order; at most TL_MAX_CLOCKS of them */
    size_t n_clocks;
    const struct tl_warning *warnings;
    size_t n_warnings;
};

/*
 * Appends the <svg> element of the timeline to b. Strings may be NULL (drawn
 * as empty). Returns the number of clock rows drawn.
 */
size_t svg_timeline(struct buf *b, const struct timeline *t);

/*
 * Appends the instant t for people, in zone z (NULL: UTC), escaped, as the
 * page writes its times: "Fri 27 Nov 2026, 17:00 (UTC+01:00)". For the titles.
 */
void svg_timeline_instant(struct buf *b, const struct zone *z, int64_t t);

/*
 * The pieces every chart on one time axis draws with (this one, and the
 * title's go-live chart of web/svg_title.c): a scale from instants to x,
 * numbers, the day ticks, the line at now. Same escaping and clamping.
 */
struct tl_scale {
    int64_t t0, t1; /* the range shown, t0 < t1 */
    double x0, x1;  /* where it is drawn, in viewBox units */
};

/* The x of instant t, clamped into the plot; never NaN. */
double svg_timeline_x(const struct tl_scale *s, int64_t t);

/* Appends v with one decimal (0 for NaN or infinity). */
void svg_timeline_num(struct buf *b, double v);

/* Appends the UTC day of t: "27 Nov 2026" (a date without a time of day). */
void svg_timeline_date(struct buf *b, int64_t t);

/* Appends the day ticks of s in zone z (NULL: UTC), with grid lines from TL_AXIS_Y down to bottom. */
void svg_timeline_axis(struct buf *b, const struct zone *z, const struct tl_scale *s, double bottom);

/* Appends the vertical line at now, with its hover text and "now" under rows_end. */
void svg_timeline_now(struct buf *b, const struct zone *z, const struct tl_scale *s, int64_t now,
                      double rows_end);

#endif
