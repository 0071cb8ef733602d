/*
 * The timeline chart: see svg_timeline.h. Layout in viewBox units: a label
 * column on the left, the plot to its right, one row per stage, clock and
 * the warnings, day ticks along the top. Everything is written with h_lit()
 * (literal markup) and h_text()/h_textf() (values), numbers included.
 */
#include "web/svg_timeline.h"

#include <math.h>
#include <string.h>

#include "base/timefmt.h"
#include "web/html.h"

#define VIEW_W    TL_VIEW_W
#define LABEL_X   8
#define PLOT_X0   236.0
#define PLOT_X1   984.0
#define AXIS_Y    TL_AXIS_Y
#define ROWS_Y    38
#define ROW_H     26
#define BAR_H     14
#define GAP_H     10
#define FOOT_H    26
#define LABEL_MAX 34 /* bytes of a row label before it is cut (the title has it whole) */

#define DAY       86400
#define MAX_REACH (2 * 366 * (int64_t)DAY) /* the chart spans at most this far from now */

double svg_timeline_x(const struct tl_scale *s, int64_t t)
{
    if (t < s->t0)
        t = s->t0;
    if (t > s->t1)
        t = s->t1;
    double x = s->x0 + (double)(t - s->t0) * (s->x1 - s->x0) / (double)(s->t1 - s->t0);
    return isfinite(x) ? x : s->x0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static int64_t local_day(const struct zone *z, int64_t t)
{
    return z ? zone_local_day(z, t) : floor_div(t, DAY);
}

static int64_t day_start(const struct zone *z, int64_t d)
{
    return z ? zone_day_start(z, d) : d * DAY;
}

static const char *const wday[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void svg_timeline_instant(struct buf *b, const struct zone *z, int64_t t)
{
    int32_t off = z ? zone_utc_offset(z, t) : 0;
    int64_t local = t + off;
    int64_t days = floor_div(local, DAY);
    int64_t secs = local - days * DAY;
    struct civil_date d = civil_from_days(days);
    int aoff = off < 0 ? -off : off;
    h_textf(b, "%s %d %s %d, %02d:%02d (UTC", wday[weekday_from_days(days) % 7], d.day,
            mon[(d.month - 1 + 12) % 12], d.year, (int)(secs / 3600), (int)(secs / 60 % 60));
    if (off)
        h_textf(b, "%c%02d:%02d", off < 0 ? '-' : '+', aoff / 3600, aoff / 60 % 60);
    h_lit(b, ")");
}

void svg_timeline_date(struct buf *b, int64_t t)
{
    struct civil_date c = civil_from_days(floor_div(t, DAY));
    h_textf(b, "%d %s %d", c.day, mon[(c.month - 1 + 12) % 12], c.year);
}

/* Appends s, or "" for NULL, escaped. */
static void text(struct buf *b, const char *s)
{
    h_text(b, s ? s : "");
}

/* Appends s escaped, cut to LABEL_MAX bytes at a character boundary with an ellipsis. */
static void label_text(struct buf *b, const char *s)
{
    if (!s)
        return;
    size_t n = strlen(s);
    if (n <= LABEL_MAX) {
        h_text(b, s);
        return;
    }
    size_t cut = LABEL_MAX - 1;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    struct buf tmp = {0};
    buf_add(&tmp, s, cut);
    h_text(b, buf_str(&tmp));
    buf_free(&tmp);
    h_lit(b, "\xE2\x80\xA6");
}

void svg_timeline_num(struct buf *b, double v)
{
    h_textf(b, "%.1f", isfinite(v) ? v : 0.0);
}

/* <rect class="CLS" x y width height rx="3"/> from x0 to x1 on row top. */
static void bar(struct buf *b, const char *cls, double x0, double x1, double top)
{
    double w = x1 - x0;
    if (w < 2)
        w = 2;
    h_lit(b, "<rect class=\"");
    text(b, cls);
    h_lit(b, "\" x=\"");
    svg_timeline_num(b, x0);
    h_lit(b, "\" y=\"");
    svg_timeline_num(b, top + (ROW_H - BAR_H) / 2.0);
    h_lit(b, "\" width=\"");
    svg_timeline_num(b, w);
    h_lit(b, "\" height=\"");
    h_textf(b, "%d", BAR_H);
    h_lit(b, "\" rx=\"3\"/>");
}

static void row_label(struct buf *b, double top, const char *label)
{
    h_lit(b, "<text class=\"tl-label\" x=\"");
    h_textf(b, "%d", LABEL_X);
    h_lit(b, "\" y=\"");
    svg_timeline_num(b, top + 17);
    h_lit(b, "\">");
    label_text(b, label);
    h_lit(b, "</text>");
}

static void note(struct buf *b, double x, double top, const char *words)
{
    h_lit(b, "<text class=\"tl-note\" x=\"");
    svg_timeline_num(b, x);
    h_lit(b, "\" y=\"");
    svg_timeline_num(b, top + 17);
    h_lit(b, "\">");
    text(b, words);
    h_lit(b, "</text>");
}

/* The range of the chart: every instant shown, now included, padded, never empty. */
static struct tl_scale scale_of(const struct timeline *t)
{
    int64_t lo = t->now, hi = t->now;
#define SEE(v)                                                                                     \
    do {                                                                                           \
        int64_t v_ = (v);                                                                          \
        if (v_ && v_ >= t->now - MAX_REACH && v_ <= t->now + MAX_REACH) {                          \
            if (v_ < lo)                                                                           \
                lo = v_;                                                                           \
            if (v_ > hi)                                                                           \
                hi = v_;                                                                           \
        }                                                                                          \
    } while (0)
    for (size_t i = 0; i < t->n_stages; i++) {
        SEE(t->stages[i].from);
        SEE(t->stages[i].to);
        SEE(t->stages[i].plan_from);
        SEE(t->stages[i].plan_to);
    }
    size_t n_clocks = t->n_clocks < TL_MAX_CLOCKS ? t->n_clocks : TL_MAX_CLOCKS;
    for (size_t i = 0; i < n_clocks; i++) {
        SEE(t->clocks[i].started);
        SEE(t->clocks[i].due);
        SEE(t->clocks[i].closed);
    }
    for (size_t i = 0; i < t->n_warnings; i++)
        SEE(t->warnings[i].at);
#undef SEE
    if (hi - lo < DAY) {
        int64_t mid = lo + (hi - lo) / 2;
        lo = mid - DAY / 2;
        hi = mid + DAY / 2;
    }
    int64_t pad = (hi - lo) / 40;
    return (struct tl_scale){lo - pad, hi + pad, PLOT_X0, PLOT_X1};
}

void svg_timeline_axis(struct buf *b, const struct zone *z, const struct tl_scale *s, double bottom)
{
    static const int steps[] = {1, 2, 7, 14, 28, 56, 91, 182, 364, 728};
    int64_t span_days = (s->t1 - s->t0) / DAY + 1;
    int step = steps[sizeof steps / sizeof steps[0] - 1];
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (span_days / steps[i] <= 8) {
            step = steps[i];
            break;
        }
    int64_t d = local_day(z, s->t0) + 1;
    if (step >= 7)
        while (weekday_from_days(d) != 1)
            d++;
    int last_year = 0;
    h_lit(b, "<g class=\"tl-axis\">");
    for (int n = 0; n < 40; n++, d += step) {
        int64_t at = day_start(z, d);
        if (at > s->t1)
            break;
        double x = svg_timeline_x(s, at);
        struct civil_date c = civil_from_days(d);
        bool labelled = x < VIEW_W - 64; /* room for "27 Nov 2026" before the edge */
        h_lit(b, "<line class=\"tl-grid\" x1=\"");
        svg_timeline_num(b, x);
        h_lit(b, "\" x2=\"");
        svg_timeline_num(b, x);
        h_lit(b, "\" y1=\"");
        h_textf(b, "%d", AXIS_Y);
        h_lit(b, "\" y2=\"");
        svg_timeline_num(b, bottom);
        h_lit(b, "\"/>");
        if (!labelled)
            continue;
        h_lit(b, "<text class=\"tl-tick\" x=\"");
        svg_timeline_num(b, x + 3);
        h_lit(b, "\" y=\"22\">");
        h_textf(b, "%d %s", c.day, mon[(c.month - 1 + 12) % 12]);
        if (c.year != last_year)
            h_textf(b, " %d", c.year);
        last_year = c.year;
        h_lit(b, "</text>");
    }
    h_lit(b, "</g>");
}

static void stage_row(struct buf *b, const struct timeline *t, const struct tl_scale *s,
                      const struct tl_stage *st, double top)
{
    row_label(b, top, st->label);
    bool planned = st->plan_from && st->plan_to && st->plan_to > st->plan_from;
    if (planned) {
        h_lit(b, "<g class=\"tl-plan\"><title>");
        text(b, st->label);
        h_lit(b, ", planned: ");
        svg_timeline_instant(b, t->zone, st->plan_from);
        h_lit(b, " to ");
        svg_timeline_instant(b, t->zone, st->plan_to);
        h_lit(b, "</title>");
        bar(b, "tl-plan-bar", svg_timeline_x(s, st->plan_from), svg_timeline_x(s, st->plan_to), top);
        h_lit(b, "</g>");
    }
    if (st->skipped) {
        note(b, PLOT_X0 + 4, top, "skipped");
        return;
    }
    if (!st->from) {
        if (!planned)
            note(b, PLOT_X0 + 4, top, "not begun");
        return;
    }
    int64_t end = st->to ? st->to : st->current ? t->now : st->from;
    h_lit(b, "<g class=\"tl-stage ");
    text(b, st->key);
    if (st->current)
        h_lit(b, " current\"><title>");
    else
        h_lit(b, " done\"><title>");
    text(b, st->label);
    h_lit(b, ": began ");
    svg_timeline_instant(b, t->zone, st->from);
    if (st->to) {
        h_lit(b, ", ended ");
        svg_timeline_instant(b, t->zone, st->to);
    }
    if (st->current)
        h_lit(b, " (the current stage)");
    h_lit(b, "</title>");
    bar(b, "tl-actual", svg_timeline_x(s, st->from), svg_timeline_x(s, end), top);
    h_lit(b, "</g>");
}

static bool is(const char *a, const char *b)
{
    return a && !strcmp(a, b);
}

static void clock_row(struct buf *b, const struct timeline *t, const struct tl_scale *s,
                      const struct tl_clock *c, double top)
{
    row_label(b, top, c->label);
    h_lit(b, "<g class=\"tl-clock ");
    text(b, c->state);
    h_lit(b, "\"><title>");
    text(b, c->label);
    h_lit(b, " (");
    text(b, c->state);
    h_lit(b, "): started ");
    svg_timeline_instant(b, t->zone, c->started);
    if (c->due) {
        h_lit(b, "; due ");
        svg_timeline_instant(b, t->zone, c->due);
    } else if (is(c->state, "paused")) {
        h_lit(b, "; paused, so no due instant until it resumes");
    }
    if (c->closed) {
        h_lit(b, "; closed ");
        svg_timeline_instant(b, t->zone, c->closed);
    }
    h_lit(b, "</title>");
    bool open = !c->closed && (is(c->state, "running") || is(c->state, "paused"));
    int64_t start = c->started ? c->started : t->now;
    int64_t end = c->closed ? c->closed : open ? t->now : c->due ? c->due : start;
    if (end < start)
        end = start;
    bar(b, "tl-span", svg_timeline_x(s, start), svg_timeline_x(s, end), top);
    if (open && c->due && c->due > t->now)
        bar(b, "tl-left", svg_timeline_x(s, t->now > start ? t->now : start), svg_timeline_x(s, c->due), top);
    if (c->due) {
        double x = svg_timeline_x(s, c->due), y = top + ROW_H / 2.0;
        h_lit(b, "<path class=\"tl-due\" d=\"M");
        svg_timeline_num(b, x);
        h_lit(b, " ");
        svg_timeline_num(b, y - 8);
        h_lit(b, "l7 8l-7 8l-7-8z\"/>");
    }
    h_lit(b, "</g>");
}

static void warnings_row(struct buf *b, const struct timeline *t, const struct tl_scale *s, double top)
{
    row_label(b, top, "Warnings");
    for (size_t i = 0; i < t->n_warnings; i++) {
        const struct tl_warning *w = &t->warnings[i];
        double x = svg_timeline_x(s, w->at);
        h_lit(b, "<g class=\"tl-warning\"><title>");
        h_textf(b, "Warning %lld, issued ", (long long)w->number);
        svg_timeline_instant(b, t->zone, w->at);
        h_lit(b, ": ");
        text(b, w->reason);
        h_lit(b, "</title><path d=\"M");
        svg_timeline_num(b, x);
        h_lit(b, " ");
        svg_timeline_num(b, top + 3);
        h_lit(b, "l9 17h-18z\"/><text class=\"tl-wnum\" x=\"");
        svg_timeline_num(b, x);
        h_lit(b, "\" y=\"");
        svg_timeline_num(b, top + 18);
        h_lit(b, "\" text-anchor=\"middle\">");
        h_textf(b, "%lld", (long long)w->number);
        h_lit(b, "</text></g>");
    }
}

size_t svg_timeline(struct buf *b, const struct timeline *t)
{
    size_t n_clocks = t->n_clocks < TL_MAX_CLOCKS ? t->n_clocks : TL_MAX_CLOCKS;
    size_t clock_rows = n_clocks ? n_clocks : 1;
    double clocks_top = ROWS_Y + (double)t->n_stages * ROW_H + GAP_H;
    double warn_top = clocks_top + (double)clock_rows * ROW_H;
    double rows_end = warn_top + (t->n_warnings ? ROW_H : 0);
    double height = rows_end + FOOT_H;
    struct tl_scale s = scale_of(t);

    h_lit(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tl\" viewBox=\"0 0 ");
    h_textf(b, "%d ", VIEW_W);
    svg_timeline_num(b, height);
    h_lit(b, "\" role=\"img\" aria-labelledby=\"tl-title tl-desc\" focusable=\"false\">"
             "<title id=\"tl-title\">");
    text(b, t->title);
    h_lit(b, "</title><desc id=\"tl-desc\">");
    h_textf(b,
            "%zu stages with their planned stretch (dashed outline) and actual dates (filled), "
            "%zu clocks from their start to their due instant (diamond), %zu warnings "
            "(triangles), and a vertical line at now. The same facts are listed in words next "
            "to the chart.",
            t->n_stages, t->n_clocks, t->n_warnings);
    h_lit(b, "</desc>");
    svg_timeline_axis(b, t->zone, &s, rows_end);

    h_lit(b, "<g class=\"tl-stages\">");
    for (size_t i = 0; i < t->n_stages; i++)
        stage_row(b, t, &s, &t->stages[i], ROWS_Y + (double)i * ROW_H);
    h_lit(b, "</g><line class=\"tl-sep\" x1=\"0\" x2=\"");
    h_textf(b, "%d", VIEW_W);
    h_lit(b, "\" y1=\"");
    svg_timeline_num(b, clocks_top - GAP_H / 2.0);
    h_lit(b, "\" y2=\"");
    svg_timeline_num(b, clocks_top - GAP_H / 2.0);
    h_lit(b, "\"/><g class=\"tl-clocks\">");
    if (!n_clocks) {
        row_label(b, clocks_top, "Clocks");
        note(b, PLOT_X0 + 4, clocks_top, "No clock has started yet.");
    }
    for (size_t i = 0; i < n_clocks; i++)
        clock_row(b, t, &s, &t->clocks[i], clocks_top + (double)i * ROW_H);
    h_lit(b, "</g>");
    if (t->n_warnings)
        warnings_row(b, t, &s, warn_top);

    svg_timeline_now(b, t->zone, &s, t->now, rows_end);
    h_lit(b, "</svg>");
    return n_clocks;
}

void svg_timeline_now(struct buf *b, const struct zone *z, const struct tl_scale *s, int64_t now,
                      double rows_end)
{
    double xn = svg_timeline_x(s, now);
    h_lit(b, "<g class=\"tl-now\"><title>Now: ");
    svg_timeline_instant(b, z, now);
    h_lit(b, "</title><line x1=\"");
    svg_timeline_num(b, xn);
    h_lit(b, "\" x2=\"");
    svg_timeline_num(b, xn);
    h_lit(b, "\" y1=\"");
    h_textf(b, "%d", AXIS_Y);
    h_lit(b, "\" y2=\"");
    svg_timeline_num(b, rows_end + 4);
    h_lit(b, "\"/><text x=\"");
    svg_timeline_num(b, xn);
    h_lit(b, "\" y=\"");
    svg_timeline_num(b, rows_end + 18);
    h_lit(b, "\" text-anchor=\"middle\">now</text></g>");
}
