/*
 * Tests of web/svg_timeline.c, the partner page's chart: names are escaped
 * (and cut at character boundaries), the markup is well-formed XML, no
 * coordinate is NaN, infinite or outside the picture whatever the instants
 * (equal, missing, absurdly far), an empty timeline still draws, the clock
 * rows are capped, and times in the titles are in the zone given.
 */
#include <stdlib.h>

#include "base/buf.h"
#include "base/timefmt.h"
#include "core/zone.h"
#include "t.h"
#include "t_svg.h"
#include "web/svg_timeline.h"

#define NOW 1795795200 /* 2026-11-27T16:00:00Z */
#define DAY 86400

static const struct tl_stage stages[] = {
    {"invited", "Invited", NOW - 20 * DAY, NOW - 18 * DAY, 0, 0, false, false},
    {"questionnaire", "Questionnaire", NOW - 18 * DAY, NOW - 12 * DAY, 0, 0, false, false},
    {"setup", "Account setup", NOW - 12 * DAY, 0, NOW - 12 * DAY, NOW - 1 * DAY, true, false},
    {"training", "Training", 0, 0, NOW + DAY, NOW + 31 * DAY, false, false},
    {"steady_state", "Steady state", 0, 0, 0, 0, false, false},
};

TEST(escapes_names_and_is_well_formed)
{
    struct tl_stage st[] = {
        {"setup", "<script>alert(1)</script> & \"Co\"", NOW - DAY, 0, 0, 0, true, false}};
    struct tl_clock c[] = {
        {"Delivery in 48 h: <b>Spring</b> & 'Fall'", "running", NOW - 3600, NOW + 47 * 3600, 0}};
    struct tl_warning w[] = {{1, NOW - 60, "no response <img src=x onerror=alert(1)>"}};
    struct timeline t = {"Timeline of <Evil> & Sons", NULL, NOW, st, 1, c, 1, w, 1};
    struct buf b = {0};
    CHECK_INT_EQ(svg_timeline(&b, &t), 1);
    const char *svg = buf_str(&b);
    CHECK(!strstr(svg, "<script"));
    CHECK(!strstr(svg, "<b>"));
    CHECK(!strstr(svg, "<img"));
    CHECK(!strstr(svg, "<Evil>"));
    CHECK(strstr(svg, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"));
    CHECK(strstr(svg, "&lt;b&gt;Spring&lt;/b&gt; &amp; &#39;Fall&#39;"));
    CHECK(strstr(svg, "Timeline of &lt;Evil&gt; &amp; Sons"));
    CHECK(svg_well_formed(&b));
    CHECK(svg_coordinates_sane(svg));
    buf_free(&b);
}

TEST(a_full_timeline_draws_every_part)
{
    struct tl_clock c[] = {
        {"Setup in 10 days", "running", NOW - 12 * DAY, NOW - DAY + 3600, 0},
        {"Delivery in 48 h: First", "met", NOW - 5 * DAY, NOW - 3 * DAY, NOW - 4 * DAY},
        {"Response in 3 working days: First", "breached", NOW - 5 * DAY, NOW - 2 * DAY,
         NOW - 2 * DAY},
        {"Delivery in 48 h: Second", "paused", NOW - DAY, 0, 0},
        {"Old one", "cancelled", NOW - 9 * DAY, NOW - 8 * DAY, NOW - 8 * DAY},
    };
    struct tl_warning w[] = {{1, NOW - 2 * DAY, "no response"}, {2, NOW - DAY, "again"}};
    struct timeline t = {"Timeline", NULL, NOW, stages, 5, c, 5, w, 2};
    struct buf b = {0};
    CHECK_INT_EQ(svg_timeline(&b, &t), 5);
    const char *svg = buf_str(&b);
    CHECK(svg_well_formed(&b));
    CHECK(svg_coordinates_sane(svg));
    CHECK(strstr(svg, "class=\"tl-stage setup current\""));
    CHECK(strstr(svg, "class=\"tl-stage invited done\""));
    CHECK(strstr(svg, "class=\"tl-plan\""));
    CHECK(strstr(svg, "class=\"tl-clock breached\""));
    CHECK(strstr(svg, "class=\"tl-clock paused\""));
    CHECK(strstr(svg, "paused, so no due instant"));
    CHECK(strstr(svg, "class=\"tl-warning\""));
    CHECK(strstr(svg, "Warning 2, issued"));
    CHECK(strstr(svg, "class=\"tl-now\""));
    CHECK(strstr(svg, "<title id=\"tl-title\">Timeline</title>"));
    CHECK(strstr(svg, "not begun")); /* steady state: no date, no plan */
    buf_free(&b);
}

TEST(empty_and_degenerate_timelines_have_no_nan)
{
    struct buf b = {0};
    /* nothing at all: only now */
    struct timeline t0 = {NULL, NULL, NOW, NULL, 0, NULL, 0, NULL, 0};
    CHECK_INT_EQ(svg_timeline(&b, &t0), 0);
    CHECK(strstr(buf_str(&b), "No clock has started yet."));
    CHECK(svg_well_formed(&b));
    CHECK(svg_coordinates_sane(buf_str(&b)));
    /* every instant equal to now */
    buf_reset(&b);
    struct tl_stage st[] = {{"setup", "Setup", NOW, NOW, NOW, NOW, false, false}};
    struct tl_clock c[] = {{"Zero", "met", NOW, NOW, NOW}};
    struct tl_warning w[] = {{1, NOW, "x"}};
    struct timeline t1 = {"T", NULL, NOW, st, 1, c, 1, w, 1};
    svg_timeline(&b, &t1);
    CHECK(svg_well_formed(&b));
    CHECK(svg_coordinates_sane(buf_str(&b)));
    /* absurd instants: far past and future, negative, a clock ending before it starts */
    buf_reset(&b);
    struct tl_stage far[] = {{"training", "Training", 1, 0, NOW, INT64_MAX / 2, true, false},
                             {"stopped", "Stopped", 0, 0, 0, 0, false, true}};
    struct tl_clock odd[] = {{"Backwards", "met", NOW, NOW - 10 * DAY, NOW - 20 * DAY},
                             {"Centuries", "running", NOW, NOW + 300LL * 365 * DAY, 0},
                             {"Before 1970", "breached", -5 * DAY, -DAY, -DAY},
                             {NULL, NULL, 0, 0, 0}};
    struct timeline t2 = {"T", NULL, NOW, far, 2, odd, 4, NULL, 0};
    CHECK_INT_EQ(svg_timeline(&b, &t2), 4);
    CHECK(svg_well_formed(&b));
    CHECK(svg_coordinates_sane(buf_str(&b)));
    CHECK(strstr(buf_str(&b), "skipped"));
    buf_free(&b);
}

TEST(clock_rows_are_capped)
{
    struct tl_clock c[TL_MAX_CLOCKS + 5];
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        c[i] = (struct tl_clock){"Delivery", "running", NOW - (int64_t)i * 3600,
                                 NOW + 48 * 3600 - (int64_t)i * 3600, 0};
    struct timeline t = {"T", NULL, NOW, NULL, 0, c, sizeof c / sizeof c[0], NULL, 0};
    struct buf b = {0};
    CHECK_INT_EQ(svg_timeline(&b, &t), TL_MAX_CLOCKS);
    CHECK(svg_well_formed(&b));
    size_t rows = 0;
    for (const char *p = strstr(buf_str(&b), "class=\"tl-clock "); p;
         p = strstr(p + 1, "class=\"tl-clock "))
        rows++;
    CHECK_INT_EQ(rows, TL_MAX_CLOCKS);
    buf_free(&b);
}

TEST(long_labels_are_cut_on_a_character)
{
    /* 40 two-byte characters: the cut must not split one */
    char label[128] = "";
    for (int i = 0; i < 40; i++)
        strcat(label, "\xC3\xA9");
    struct tl_clock c[] = {{label, "running", NOW - 3600, NOW + 3600, 0}};
    struct timeline t = {"T", NULL, NOW, NULL, 0, c, 1, NULL, 0};
    struct buf b = {0};
    svg_timeline(&b, &t);
    CHECK(svg_well_formed(&b)); /* libxml2 refuses broken UTF-8 */
    CHECK(strstr(buf_str(&b), "\xE2\x80\xA6</text>"));
    CHECK(strstr(buf_str(&b), label)); /* whole in the title */
    buf_free(&b);
}

TEST(times_are_in_the_zone_given)
{
    const struct zone *london;
    CHECK_INT_EQ(zone_open("Europe/London", &london), 0);
    struct buf b = {0};
    int64_t summer;
    CHECK_INT_EQ(time_parse_rfc3339("2026-07-01T12:00:00Z", &summer), 0);
    svg_timeline_instant(&b, london, summer);
    CHECK_STR_EQ(buf_str(&b), "Wed 1 Jul 2026, 13:00 (UTC+01:00)");
    buf_reset(&b);
    svg_timeline_instant(&b, london, NOW);
    CHECK_STR_EQ(buf_str(&b), "Fri 27 Nov 2026, 16:00 (UTC)");
    buf_reset(&b);
    svg_timeline_instant(&b, NULL, -DAY);
    CHECK_STR_EQ(buf_str(&b), "Wed 31 Dec 1969, 00:00 (UTC)");
    buf_reset(&b);
    /* ticks of a chart in a zone west of UTC are dated there */
    const struct zone *la;
    CHECK_INT_EQ(zone_open("America/Los_Angeles", &la), 0);
    struct tl_clock c[] = {{"Delivery", "running", NOW - 3 * DAY, NOW + 2 * DAY, 0}};
    struct timeline t = {"T", la, NOW, NULL, 0, c, 1, NULL, 0};
    svg_timeline(&b, &t);
    CHECK(strstr(buf_str(&b), "(UTC-08:00)"));
    CHECK(strstr(buf_str(&b), ">25 Nov 2026</text>"));
    CHECK(svg_well_formed(&b));
    buf_free(&b);
}

T_MAIN
