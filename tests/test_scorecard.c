/*
 * Tests of core/scorecard.c: the metric rules of a scorecard on chains built
 * by hand (times in hours from 0), the period's edges, a posthouse's share,
 * the median and the rate with its base.
 */
#include "core/scorecard.h"
#include "t.h"

#define H 3600

enum { P = 10, PH = 20 }; /* the partner, its posthouse */

/* id, previous, request, received (h), validated (h), by, status, late */
#define D(id, prev, req, rec, val, by, st, late)                                                   \
    {                                                                                              \
        id, prev, req, (rec)*H, (val)*H, by, st, late                                              \
    }

/*
 * Request 1: delivered on time, passed. Request 2: delivered late, passed.
 * Request 3: failed (result at 10 h), redelivered at 40 h: fixed 30 h later.
 * Request 4: failed, never answered. Self-serve 9: first result failed, its
 * redelivery still validating: open too.
 */
static const struct sc_delivery card[] = {
    D(1, 0, 1, 1, 2, P, SC_PASSED, false),      D(2, 0, 2, 3, 4, P, SC_PASSED, true),
    D(3, 0, 3, 9, 10, P, SC_FAILED, false),     D(4, 0, 4, 20, 21, P, SC_FAILED, false),
    D(5, 3, 3, 40, 41, P, SC_PASSED, false),    D(6, 0, 0, 50, 51, P, SC_FAILED, false),
    D(7, 6, 0, 60, 0, P, SC_VALIDATING, false),
};
#define N_CARD (sizeof card / sizeof card[0])

TEST(the_whole_card)
{
    struct scorecard s;
    scorecard_init(&s);
    scorecard_count(&s, card, N_CARD, 0, 100 * H, 0);
    CHECK_INT_EQ(s.n_deliveries, 7);
    CHECK_INT_EQ(s.n_requested, 5);
    CHECK_INT_EQ(s.n_on_time, 4);
    CHECK_INT_EQ(s.n_first_results, 5); /* 1, 2, 3, 4, 6 */
    CHECK_INT_EQ(s.n_first_passed, 2);
    CHECK_INT_EQ(s.n_fixes, 1);
    double h = 0;
    CHECK(scorecard_median_fix_hours(&s, &h));
    CHECK(h == 30.0);
    CHECK_INT_EQ(s.n_open_defects, 2);
    CHECK_INT_EQ(s.open_ids[0], 4);
    CHECK_INT_EQ(s.open_ids[1], 6);
    scorecard_free(&s);
}

TEST(the_period_cuts_both_ends)
{
    struct scorecard s;
    scorecard_init(&s);
    /* [15 h, 45 h): deliveries 4 and 5; the fix (received at 40 h) counts though the failure
       came before; open defects as of 45 h: request 4 only (6 comes later) */
    scorecard_count(&s, card, N_CARD, 15 * H, 45 * H, 0);
    CHECK_INT_EQ(s.n_deliveries, 2);
    CHECK_INT_EQ(s.n_requested, 2);
    CHECK_INT_EQ(s.n_on_time, 2);
    CHECK_INT_EQ(s.n_first_results, 1);
    CHECK_INT_EQ(s.n_first_passed, 0);
    CHECK_INT_EQ(s.n_fixes, 1);
    CHECK_INT_EQ(s.n_open_defects, 1);
    scorecard_free(&s);
    /* before the fix arrived, request 3 was open too: [0, 30 h) */
    scorecard_init(&s);
    scorecard_count(&s, card, N_CARD, 0, 30 * H, 0);
    CHECK_INT_EQ(s.n_open_defects, 2);
    CHECK_INT_EQ(s.open_ids[0], 3);
    CHECK_INT_EQ(s.n_fixes, 0);
    double h;
    CHECK(!scorecard_median_fix_hours(&s, &h));
    scorecard_free(&s);
}

TEST(every_failure_of_a_chain_is_fixed_by_its_next_pass)
{
    /* fail (result 1 h), fail (result 5 h), pass received 11 h: fixes of 10 h and 6 h -> 8 h;
       then a pass and a failure after it: one open defect, named by the last failure */
    static const struct sc_delivery d[] = {
        D(1, 0, 1, 0, 1, P, SC_FAILED, false),   D(2, 1, 1, 4, 5, P, SC_FAILED, false),
        D(3, 2, 1, 11, 12, P, SC_PASSED, false), D(4, 3, 1, 20, 21, P, SC_FAILED, false),
        D(5, 4, 1, 22, 23, P, SC_FAILED, false),
    };
    struct scorecard s;
    scorecard_init(&s);
    scorecard_count(&s, d, 5, 0, 100 * H, 0);
    CHECK_INT_EQ(s.n_fixes, 2);
    double h = 0;
    CHECK(scorecard_median_fix_hours(&s, &h));
    CHECK(h == 8.0);
    CHECK_INT_EQ(s.n_open_defects, 1);
    CHECK_INT_EQ(s.open_ids[0], 5);
    CHECK_INT_EQ(s.n_first_results, 1);
    CHECK_INT_EQ(s.n_first_passed, 0);
    scorecard_free(&s);
}

TEST(a_redelivery_sent_before_the_failed_result_takes_no_time)
{
    static const struct sc_delivery d[] = {
        D(1, 0, 0, 0, 5, P, SC_FAILED, false),
        D(2, 1, 0, 3, 6, P, SC_PASSED, false),
    };
    struct scorecard s;
    scorecard_init(&s);
    scorecard_count(&s, d, 2, 0, 10 * H, 0);
    CHECK_INT_EQ(s.n_fixes, 1);
    CHECK_INT_EQ(s.fix_seconds[0], 0);
    CHECK_INT_EQ(s.n_requested, 0); /* self-serve: no 48-hour clock to meet */
    scorecard_free(&s);
}

TEST(a_posthouse_counts_what_it_delivered)
{
    /* the partner fails, its posthouse fixes it 2 h later; the posthouse fails another chain */
    static const struct sc_delivery d[] = {
        D(1, 0, 1, 0, 1, P, SC_FAILED, false),
        D(2, 1, 1, 3, 4, PH, SC_PASSED, false),
        D(3, 0, 2, 5, 6, PH, SC_FAILED, true),
        D(4, 0, 3, 7, 8, P, SC_FAILED, false),
    };
    struct scorecard s;
    scorecard_init(&s);
    scorecard_count(&s, d, 4, 0, 10 * H, PH);
    CHECK_INT_EQ(s.n_deliveries, 2);
    CHECK_INT_EQ(s.n_requested, 2);
    CHECK_INT_EQ(s.n_on_time, 1);
    CHECK_INT_EQ(s.n_first_results, 1);
    CHECK_INT_EQ(s.n_fixes, 1);
    CHECK_INT_EQ(s.fix_seconds[0], 2 * H);
    CHECK_INT_EQ(s.n_open_defects, 1);
    CHECK_INT_EQ(s.open_ids[0], 3);
    scorecard_free(&s);
    /* the partner's own card counts everything made for it */
    scorecard_init(&s);
    scorecard_count(&s, d, 4, 0, 10 * H, 0);
    CHECK_INT_EQ(s.n_deliveries, 4);
    CHECK_INT_EQ(s.n_open_defects, 2);
    scorecard_free(&s);
}

TEST(several_partners_add_up)
{
    struct scorecard s;
    scorecard_init(&s);
    scorecard_count(&s, card, N_CARD, 0, 100 * H, 0);
    scorecard_count(&s, card, N_CARD, 0, 100 * H, 0);
    CHECK_INT_EQ(s.n_deliveries, 14);
    CHECK_INT_EQ(s.n_open_defects, 4);
    CHECK_INT_EQ(s.n_fixes, 2);
    scorecard_count(&s, card, 0, 0, 100 * H, 0); /* no deliveries: nothing changes */
    CHECK_INT_EQ(s.n_deliveries, 14);
    scorecard_free(&s);
}

TEST(median_and_rate)
{
    int64_t odd[] = {9, 1, 5};
    int64_t even[] = {4, 1, 3, 2};
    double m = -1;
    CHECK(scorecard_median(odd, 3, &m) && m == 5.0);
    CHECK(scorecard_median(even, 4, &m) && m == 2.5);
    CHECK(!scorecard_median(odd, 0, &m));
    double r = -1;
    CHECK(scorecard_rate(23, 25, &r) && r == 23.0 / 25.0);
    CHECK(scorecard_rate(0, 4, &r) && r == 0.0);
    CHECK(!scorecard_rate(0, 0, &r));
}

TEST(titles_live_and_publish_on_time)
{
    /* [from, until) = [100 H, 200 H); title 1 published in two territories, title 2 in one */
    const struct sc_publication pub[] = {
        {1, 50 * H, 60 * H},   /* before the period: live, not in the rate */
        {1, 120 * H, 130 * H}, /* on time */
        {2, 150 * H, 150 * H}, /* at its due instant: late (exclusive, as every clock) */
        {2, 160 * H, 0},       /* no clock: live, not in the rate */
        {3, 200 * H, 300 * H}, /* at the period's end: not yet */
        {4, 0, 10 * H},        /* not published */
    };
    struct sc_titles t = {0};
    for (size_t i = 0; i < sizeof pub / sizeof pub[0]; i++)
        scorecard_count_publication(&t, &pub[i], 100 * H, 200 * H);
    CHECK_INT_EQ(t.n_live, 2);
    CHECK_INT_EQ(t.n_published_of, 2);
    CHECK_INT_EQ(t.n_published_on_time, 1);
    /* before anything was published: nothing live, no rate */
    struct sc_titles none = {0};
    for (size_t i = 0; i < sizeof pub / sizeof pub[0]; i++)
        scorecard_count_publication(&none, &pub[i], 0, 50 * H);
    CHECK_INT_EQ(none.n_live, 0);
    CHECK_INT_EQ(none.n_published_of, 0);
}

T_MAIN
