/*
 * Tests of web/svg_title.c, the title page's go-live chart: a ready and a
 * published territory each draw their marks (window start, assets complete,
 * ready, publish-by, published) with their hover text in the zone given, the
 * publish clock is drawn met or late, territory and title text are escaped,
 * the markup is well-formed XML and no coordinate is NaN, infinite or outside
 * the picture; an empty timeline still draws.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "t.h"
#include "t_svg.h"
#include "web/svg_title.h"

#define NOW 1795795200 /* 2026-11-27T16:00:00Z, a Friday */

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

/*
 * GB: ready on 24 Nov, its clock due 9 Dec, not yet published. US: ready on
 * 10 Nov, published on 20 Nov, before its publish-by date (met). DE: ready on
 * 1 Nov, published on 20 Nov, after its publish-by date of 16 Nov (late).
 */
static json_t *timeline(const char *gb_name)
{
    return json_pack(
        "[{s:s, s:s, s:s, s:s, s:s, s:n},"
        " {s:s, s:s, s:s, s:s, s:s, s:s},"
        " {s:s, s:s, s:s, s:s, s:s, s:s}]",
        "territory", gb_name, "window_start", "2026-12-01", "assets_complete",
        "2026-11-24T10:00:00Z", "ready", "2026-11-24T10:00:00Z", "publish_by",
        "2026-12-09T00:00:00Z", "published",
        "territory", "US", "window_start", "2026-11-15", "assets_complete", "2026-11-10T09:00:00Z",
        "ready", "2026-11-10T09:00:00Z", "publish_by", "2026-11-25T00:00:00Z", "published",
        "2026-11-20T12:00:00Z",
        "territory", "DE", "window_start", "2026-11-01", "assets_complete", "2026-11-01T08:00:00Z",
        "ready", "2026-11-01T08:00:00Z", "publish_by", "2026-11-16T00:00:00Z", "published",
        "2026-11-20T12:00:00Z");
}

TEST(ready_and_published_territories_draw_their_marks)
{
    json_t *tl = timeline("GB");
    struct buf b = {0};
    svg_title_timeline(&b, tl, "Europe/London", NOW, "The Long Weekend");
    const char *svg = buf_str(&b);
    CHECK(svg_well_formed(&b));
    CHECK(svg_coordinates_sane(svg));
    /* each mark once per territory that has it, plus once in the legend */
    CHECK_INT_EQ(count(svg, "<g class=\"tt-ws\">"), 3 + 1);
    CHECK_INT_EQ(count(svg, "<g class=\"tt-assets\">"), 3 + 1);
    CHECK_INT_EQ(count(svg, "<g class=\"tt-ready\">"), 3 + 1);
    CHECK_INT_EQ(count(svg, "<g class=\"tt-due\">"), 3 + 1);
    CHECK_INT_EQ(count(svg, "<g class=\"tt-pub\">"), 2 + 1);
    CHECK_INT_EQ(count(svg, "<g class=\"tt-row\">"), 3);
    /* the hover text says what and when, in the zone given (London: UTC in winter) */
    CHECK(strstr(svg, "<title>GB: ready to publish Tue 24 Nov 2026, 10:00 (UTC)</title>"));
    CHECK(strstr(svg, "<title>GB: publish by Wed 9 Dec 2026, 00:00 (UTC)</title>"));
    CHECK(strstr(svg, "<title>GB: window opens 1 Dec 2026</title>"));
    CHECK(strstr(svg, "<title>US: published Fri 20 Nov 2026, 12:00 (UTC)</title>"));
    CHECK(strstr(svg, "<title>US: window opened 15 Nov 2026</title>"));
    CHECK(!strstr(svg, "GB: published"));
    /* the clock: running for GB, met for US, late for DE */
    CHECK_INT_EQ(count(svg, "<rect class=\"tt-clock\" x="), 1 + 1); /* and the legend's */
    CHECK_INT_EQ(count(svg, "<rect class=\"tt-clock met\""), 1);
    CHECK_INT_EQ(count(svg, "<rect class=\"tt-clock late\""), 1);
    CHECK(strstr(svg, "<title id=\"tt-title\">The Long Weekend</title>"));
    CHECK(strstr(svg, "<desc id=\"tt-desc\">3 territories"));
    buf_free(&b);
    json_decref(tl);
}

TEST(times_follow_the_zone)
{
    json_t *tl = timeline("GB");
    struct buf b = {0};
    svg_title_timeline(&b, tl, "America/New_York", NOW, NULL);
    CHECK(strstr(buf_str(&b), "<title>GB: ready to publish Tue 24 Nov 2026, 05:00 (UTC-05:00)</title>"));
    CHECK(strstr(buf_str(&b), "<title id=\"tt-title\">Go-live timeline</title>"));
    buf_reset(&b);
    /* an unknown zone falls back to UTC */
    svg_title_timeline(&b, tl, "Mars/Olympus", NOW, NULL);
    CHECK(strstr(buf_str(&b), "<title>GB: ready to publish Tue 24 Nov 2026, 10:00 (UTC)</title>"));
    CHECK(svg_well_formed(&b));
    buf_free(&b);
    json_decref(tl);
}

TEST(escapes_territory_and_title)
{
    json_t *tl = timeline("<script>alert(1)</script>&\"'");
    struct buf b = {0};
    svg_title_timeline(&b, tl, "UTC", NOW, "Weekend <i>&</i> \"Friends\"");
    const char *svg = buf_str(&b);
    CHECK(svg_well_formed(&b));
    CHECK(!strstr(svg, "<script>"));
    CHECK(!strstr(svg, "<i>"));
    CHECK(strstr(svg, "&lt;script&gt;alert(1)&lt;/script&gt;&amp;"));
    CHECK(strstr(svg, "Weekend &lt;i&gt;&amp;&lt;/i&gt;"));
    /* the escaped name labels the row and every one of its marks */
    CHECK(count(svg, "&lt;script&gt;alert(1)&lt;/script&gt;&amp;") >= 5);
    buf_free(&b);
    json_decref(tl);
}

TEST(an_empty_or_absurd_timeline_still_draws)
{
    json_t *empty = json_array();
    struct buf b = {0};
    svg_title_timeline(&b, empty, "UTC", NOW, NULL);
    CHECK(svg_well_formed(&b));
    CHECK(strstr(buf_str(&b), "No window yet"));
    CHECK(svg_coordinates_sane(buf_str(&b)));
    buf_reset(&b);
    json_t *odd = json_pack("[{s:s, s:s, s:s, s:s, s:s}]", "territory", "GB", "window_start",
                            "9999-12-31", "ready", "1970-01-01T00:00:01Z", "publish_by",
                            "not a time", "published", "2026-11-27T16:00:00Z");
    svg_title_timeline(&b, odd, "UTC", NOW, NULL);
    CHECK(svg_well_formed(&b));
    CHECK(svg_coordinates_sane(buf_str(&b)));
    buf_free(&b);
    json_decref(empty);
    json_decref(odd);
}

T_MAIN
