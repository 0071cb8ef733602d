/*
 * The title's go-live chart: see svg_title.h. Layout in viewBox units: a
 * label column (the territory), the plot to its right, day ticks along the
 * top, a row per territory, a legend along the bottom.
 */
#include "web/svg_title.h"

#include <string.h>

#include "base/timefmt.h"
#include "core/zone.h"
#include "web/html.h"
#include "web/svg_timeline.h"

#define VIEW_W  TL_VIEW_W
#define PLOT_X0 70.0
#define PLOT_X1 980.0
#define ROWS_Y  38
#define ROW_H   34
#define LEGEND_H 40
#define DAY     86400
#define MAX_ROWS 60
#define REACH   (2 * 366 * (int64_t)DAY)

struct row {
    const char *territory;
    int64_t window_start, assets, ready, publish_by, published;
};

static int64_t rfc(const json_t *o, const char *key)
{
    int64_t t = 0;
    const char *s = json_string_value(json_object_get(o, key));
    return s && time_parse_rfc3339(s, &t) == 0 ? t : 0;
}

/* A mark of shape ("circle", "diamond", "flag") at x on the row's middle y, with its hover text. */
static void mark(struct buf *b, const struct zone *z, const char *cls, const char *shape, double x,
                 double y, const char *territory, const char *what, int64_t t, bool date_only)
{
    h_lit(b, "<g class=\"");
    h_text(b, cls);
    h_lit(b, "\"><title>");
    h_text(b, territory);
    h_lit(b, ": ");
    h_text(b, what);
    h_lit(b, " ");
    if (date_only) {
        svg_timeline_date(b, t);
    } else {
        svg_timeline_instant(b, z, t);
    }
    h_lit(b, "</title>");
    if (!strcmp(shape, "circle")) {
        h_lit(b, "<circle cx=\"");
        svg_timeline_num(b, x);
        h_lit(b, "\" cy=\"");
        svg_timeline_num(b, y);
        h_lit(b, "\" r=\"6\"/>");
    } else if (!strcmp(shape, "diamond")) {
        h_lit(b, "<path d=\"M");
        svg_timeline_num(b, x);
        h_lit(b, " ");
        svg_timeline_num(b, y - 8);
        h_lit(b, " l8 8 l-8 8 l-8 -8 z\"/>");
    } else { /* flag: a post with a pennant (the window opening) */
        h_lit(b, "<path d=\"M");
        svg_timeline_num(b, x);
        h_lit(b, " ");
        svg_timeline_num(b, y + 9);
        h_lit(b, " V");
        svg_timeline_num(b, y - 10);
        h_lit(b, " l9 4 l-9 4\"/>");
    }
    h_lit(b, "</g>");
}

static void row_of(struct buf *b, const struct zone *z, const struct tl_scale *s, const struct row *r,
                   double top, int64_t now)
{
    double y = top + ROW_H / 2.0;
    h_lit(b, "<g class=\"tt-row\"><text class=\"tl-label\" x=\"8\" y=\"");
    svg_timeline_num(b, y + 5);
    h_lit(b, "\">");
    h_text(b, r->territory);
    h_lit(b, "</text>");
    /* the window: from its start on, a thin line to the edge */
    if (r->window_start) {
        h_lit(b, "<line class=\"tt-window\" x1=\"");
        svg_timeline_num(b, svg_timeline_x(s, r->window_start));
        h_lit(b, "\" x2=\"");
        svg_timeline_num(b, PLOT_X1);
        h_lit(b, "\" y1=\"");
        svg_timeline_num(b, y);
        h_lit(b, "\" y2=\"");
        svg_timeline_num(b, y);
        h_lit(b, "\"/>");
    }
    /* the 14-day publish clock: ready to publish-by (to published once done) */
    if (r->ready && r->publish_by) {
        int64_t end = r->published ? r->published : r->publish_by;
        bool late = r->published ? r->published >= r->publish_by : now >= r->publish_by;
        h_lit(b, "<rect class=\"tt-clock");
        if (late)
            h_lit(b, " late");
        else if (r->published)
            h_lit(b, " met");
        h_lit(b, "\" x=\"");
        double x0 = svg_timeline_x(s, r->ready), x1 = svg_timeline_x(s, end > r->publish_by ? end : r->publish_by);
        svg_timeline_num(b, x0);
        h_lit(b, "\" y=\"");
        svg_timeline_num(b, y - 5);
        h_lit(b, "\" width=\"");
        svg_timeline_num(b, x1 - x0 < 2 ? 2 : x1 - x0);
        h_lit(b, "\" height=\"10\" rx=\"3\"><title>");
        h_text(b, r->territory);
        h_lit(b, ": the service's 14-day publish clock, from ready to the publish-by date</title></rect>");
    }
    if (r->window_start)
        mark(b, z, "tt-ws", "flag", svg_timeline_x(s, r->window_start), y, r->territory,
             r->window_start > now ? "window opens" : "window opened", r->window_start, true);
    if (r->assets)
        mark(b, z, "tt-assets", "circle", svg_timeline_x(s, r->assets), y, r->territory, "assets complete",
             r->assets, false);
    if (r->ready)
        mark(b, z, "tt-ready", "circle", svg_timeline_x(s, r->ready), y, r->territory, "ready to publish",
             r->ready, false);
    if (r->publish_by)
        mark(b, z, "tt-due", "diamond", svg_timeline_x(s, r->publish_by), y, r->territory, "publish by",
             r->publish_by, false);
    if (r->published)
        mark(b, z, "tt-pub", "diamond", svg_timeline_x(s, r->published), y, r->territory, "published",
             r->published, false);
    h_lit(b, "</g>");
}

static void legend(struct buf *b, double top)
{
    h_lit(b, "<g class=\"tt-legend\" transform=\"translate(0 ");
    svg_timeline_num(b, top);
    h_lit(b, ")\">"
             "<g class=\"tt-ws\"><path d=\"M80 27 V9 l9 4 l-9 4\"/></g>"
             "<text x=\"96\" y=\"24\">window opens</text>"
             "<g class=\"tt-assets\"><circle cx=\"216\" cy=\"19\" r=\"6\"/></g>"
             "<text x=\"228\" y=\"24\">assets complete</text>"
             "<g class=\"tt-ready\"><circle cx=\"360\" cy=\"19\" r=\"6\"/></g>"
             "<text x=\"372\" y=\"24\">ready</text>"
             "<rect class=\"tt-clock\" x=\"430\" y=\"14\" width=\"30\" height=\"10\" rx=\"3\"/>"
             "<text x=\"466\" y=\"24\">14-day publish clock</text>"
             "<g class=\"tt-due\"><path d=\"M630 11 l8 8 l-8 8 l-8 -8 z\"/></g>"
             "<text x=\"644\" y=\"24\">publish by</text>"
             "<g class=\"tt-pub\"><path d=\"M740 11 l8 8 l-8 8 l-8 -8 z\"/></g>"
             "<text x=\"754\" y=\"24\">published</text>"
             "</g>");
}

void svg_title_timeline(struct buf *b, const json_t *timeline, const char *zone, int64_t now,
                        const char *title)
{
    const struct zone *z;
    if (!zone || zone_open(zone, &z) != 0)
        zone_open("UTC", &z);
    struct row rows[MAX_ROWS];
    size_t n = 0;
    int64_t lo = now, hi = now;
    size_t i;
    json_t *t;
    json_array_foreach(timeline, i, t) {
        if (n == MAX_ROWS)
            break;
        struct row *r = &rows[n++];
        memset(r, 0, sizeof *r);
        const char *terr = json_string_value(json_object_get(t, "territory"));
        r->territory = terr ? terr : "";
        struct civil_date d;
        const char *ws = json_string_value(json_object_get(t, "window_start"));
        if (ws && date_parse(ws, &d) == 0)
            r->window_start = days_from_civil(d.year, d.month, d.day) * DAY;
        r->assets = rfc(t, "assets_complete");
        r->ready = rfc(t, "ready");
        r->publish_by = rfc(t, "publish_by");
        r->published = rfc(t, "published");
        int64_t all[] = {r->window_start, r->assets, r->ready, r->publish_by, r->published};
        for (size_t k = 0; k < 5; k++)
            if (all[k] && all[k] > now - REACH && all[k] < now + REACH) {
                if (all[k] < lo)
                    lo = all[k];
                if (all[k] > hi)
                    hi = all[k];
            }
    }
    if (hi - lo < 14 * DAY) { /* at least a fortnight: the clock's own length */
        int64_t mid = lo + (hi - lo) / 2;
        lo = mid - 7 * DAY;
        hi = mid + 7 * DAY;
    }
    int64_t pad = (hi - lo) / 20;
    struct tl_scale s = {lo - pad, hi + pad, PLOT_X0, PLOT_X1};
    double rows_end = ROWS_Y + (double)(n ? n : 1) * ROW_H;
    double height = rows_end + 22 + LEGEND_H;

    h_lit(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tl tt\" viewBox=\"0 0 ");
    h_textf(b, "%d ", VIEW_W);
    svg_timeline_num(b, height);
    h_lit(b, "\" role=\"img\" aria-labelledby=\"tt-title tt-desc\" focusable=\"false\">"
             "<title id=\"tt-title\">");
    h_text(b, title ? title : "Go-live timeline");
    h_lit(b, "</title><desc id=\"tt-desc\">");
    h_textf(b,
            "%zu territories, each with its window start (flag), the day its assets were "
            "complete and the day it became ready (circles), the service's 14-day publish clock "
            "(bar) to its publish-by date (diamond) and the day it was published (filled "
            "diamond), and a vertical line at now. The same facts are listed in words next to "
            "the chart.",
            n);
    h_lit(b, "</desc>");
    svg_timeline_axis(b, z, &s, rows_end);
    if (!n)
        h_lit(b, "<text class=\"tl-note\" x=\"74\" y=\"60\">No window yet: nothing to go live.</text>");
    for (i = 0; i < n; i++)
        row_of(b, z, &s, &rows[i], ROWS_Y + (double)i * ROW_H, now);
    svg_timeline_now(b, z, &s, now, rows_end);
    legend(b, rows_end + 22);
    h_lit(b, "</svg>");
}
