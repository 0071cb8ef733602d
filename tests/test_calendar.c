/*
 * Tests of core/calendar.c: working days by mask and holidays, coverage,
 * working seconds across weekends and DST, walking forward over working time,
 * weekends that are not Saturday-Sunday. Expected values worked by hand.
 */
#include "base/mem.h"
#include "base/timefmt.h"
#include "core/calendar.h"
#include "t.h"

static int64_t T(const char *s)
{
    int64_t t = 0;
    if (time_parse_rfc3339(s, &t) != 0) {
        printf("  bad timestamp in test: %s\n", s);
        abort();
    }
    return t;
}

static int64_t D(int y, int m, int d)
{
    return days_from_civil(y, m, d);
}

/* Europe/London, Monday-Friday, holidays 2026-12-25 and 2026-12-28, years 2026-2027. */
static struct calendar *london(void)
{
    int64_t hol[] = {D(2026, 12, 28), D(2026, 12, 25)};
    struct calendar *cal = NULL;
    VG_ASSERT(calendar_new("Europe/London", CAL_MON_FRI, hol, 2, 2026, 2027, &cal) == CAL_OK);
    return cal;
}

TEST(calendar_new_checks_input)
{
    struct calendar *cal = NULL;
    CHECK_INT_EQ(calendar_new("Europe/Lodnon", CAL_MON_FRI, NULL, 0, 2026, 2027, &cal),
                 CAL_ERR_ZONE);
    CHECK_INT_EQ(calendar_new("Europe/London", CAL_MON_FRI, NULL, 0, 2027, 2026, &cal),
                 CAL_ERR_INVALID);
    CHECK_INT_EQ(calendar_new("Europe/London", CAL_MON_FRI, NULL, 0, 1969, 2026, &cal),
                 CAL_ERR_INVALID);
    CHECK_INT_EQ(calendar_new("Europe/London", CAL_MON_FRI, NULL, 0, 2026, 2200, &cal),
                 CAL_ERR_INVALID);
    CHECK_INT_EQ(calendar_new("Europe/London", 0x80, NULL, 0, 2026, 2027, &cal), CAL_ERR_INVALID);
    CHECK(cal == NULL);
    /* An empty week is accepted here; the error comes when working time is needed. */
    CHECK_INT_EQ(calendar_new("Europe/London", 0, NULL, 0, 2026, 2027, &cal), CAL_OK);
    calendar_free(cal);
    calendar_free(NULL);
}

TEST(calendar_holidays_sorted_unique)
{
    int64_t hol[] = {D(2026, 12, 28), D(2026, 1, 1), D(2026, 12, 28), D(2026, 12, 25)};
    struct calendar *cal = NULL;
    CHECK_INT_EQ(calendar_new("Europe/London", CAL_MON_FRI, hol, 4, 2026, 2026, &cal), CAL_OK);
    CHECK_INT_EQ(cal->n_holidays, 3);
    CHECK_INT_EQ(cal->holidays[0], D(2026, 1, 1));
    CHECK_INT_EQ(cal->holidays[2], D(2026, 12, 28));
    int64_t more[] = {D(2026, 12, 25), D(2026, 5, 4)};
    calendar_add_holidays(cal, more, 2);
    CHECK_INT_EQ(cal->n_holidays, 4);
    CHECK_INT_EQ(cal->holidays[1], D(2026, 5, 4));
    CHECK(calendar_is_holiday(cal, D(2026, 5, 4)));
    CHECK(!calendar_is_holiday(cal, D(2026, 5, 5)));
    calendar_free(cal);
}

TEST(calendar_working_day_table)
{
    struct calendar *cal = london();
    static const struct {
        int y, m, d;
        int rc, working;
    } rows[] = {
        {2026, 11, 27, CAL_OK, 1},           /* Friday */
        {2026, 11, 28, CAL_OK, 0},           /* Saturday */
        {2026, 11, 29, CAL_OK, 0},           /* Sunday */
        {2026, 11, 30, CAL_OK, 1},           /* Monday */
        {2026, 12, 25, CAL_OK, 0},           /* Friday, holiday */
        {2026, 12, 28, CAL_OK, 0},           /* Monday, holiday */
        {2026, 12, 29, CAL_OK, 1},           /* Tuesday */
        {2026, 1, 1, CAL_OK, 1},             /* not a holiday on this calendar */
        {2027, 12, 31, CAL_OK, 1},           /* last covered day, a Friday */
        {2025, 12, 31, CAL_ERR_COVERAGE, 0}, /* before the years */
        {2028, 1, 3, CAL_ERR_COVERAGE, 0},   /* after them */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        bool w = false;
        int rc = calendar_is_working_day(cal, D(rows[i].y, rows[i].m, rows[i].d), &w);
        if (rc != rows[i].rc || (rc == CAL_OK && w != (bool)rows[i].working)) {
            printf("  %04d-%02d-%02d: rc %d working %d\n", rows[i].y, rows[i].m, rows[i].d, rc, w);
            t_case_failed = 1;
        }
    }
    calendar_free(cal);
}

TEST(calendar_working_seconds_table)
{
    struct calendar *cal = london();
    struct calendar *all = NULL;
    VG_ASSERT(calendar_new("Europe/London", CAL_WEEK_ALL, NULL, 0, 2026, 2027, &all) == 0);
    static const struct {
        int all_week;
        const char *from, *to;
        int rc;
        int64_t secs;
    } rows[] = {
        /* Fri 17:00 to Mon 10:00: 7 h on Friday, 10 on Monday. */
        {0, "2026-11-27T17:00:00Z", "2026-11-30T10:00:00Z", CAL_OK, 17 * 3600},
        /* A weekend alone holds no working time. */
        {0, "2026-11-28T00:00:00Z", "2026-11-30T00:00:00Z", CAL_OK, 0},
        /* Christmas: Thu 24 whole, then nothing until Tue 29. */
        {0, "2026-12-24T00:00:00Z", "2026-12-29T12:00:00Z", CAL_OK, 36 * 3600},
        /* Fri 27 Mar 00:00 to Tue 31 Mar 00:00 BST: Fri + Mon = 48 h (Sun's 23 h is weekend). */
        {0, "2026-03-27T00:00:00Z", "2026-03-30T23:00:00Z", CAL_OK, 48 * 3600},
        /* Same span every day working: 24 + 24 + 23 + 24 = 95 h. */
        {1, "2026-03-27T00:00:00Z", "2026-03-30T23:00:00Z", CAL_OK, 95 * 3600},
        /* The autumn Sunday has 25 h: 00:00 BST to 00:00 GMT. */
        {1, "2026-10-24T23:00:00Z", "2026-10-26T00:00:00Z", CAL_OK, 25 * 3600},
        /* Empty and reversed intervals. */
        {0, "2026-11-27T17:00:00Z", "2026-11-27T17:00:00Z", CAL_OK, 0},
        {0, "2026-11-30T17:00:00Z", "2026-11-27T17:00:00Z", CAL_OK, 0},
        /* Touching a day outside the years. */
        {0, "2027-12-31T12:00:00Z", "2028-01-03T12:00:00Z", CAL_ERR_COVERAGE, 0},
        {0, "2025-12-31T12:00:00Z", "2026-01-02T12:00:00Z", CAL_ERR_COVERAGE, 0},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int64_t secs = -1;
        int rc = calendar_working_seconds(rows[i].all_week ? all : cal, T(rows[i].from),
                                          T(rows[i].to), &secs);
        if (rc != rows[i].rc || (rc == CAL_OK && secs != rows[i].secs)) {
            printf("  row %zu: rc %d secs %lld\n", i, rc, (long long)secs);
            t_case_failed = 1;
        }
    }
    calendar_free(all);
    calendar_free(cal);
}

TEST(calendar_add_working_seconds_table)
{
    struct calendar *cal = london();
    static const struct {
        const char *from;
        int64_t amount;
        int rc;
        const char *expect;
    } rows[] = {
        {"2026-11-27T17:00:00Z", 0, CAL_OK, "2026-11-27T17:00:00Z"},
        /* Ends exactly at the end of Friday: Saturday 00:00, not Monday. */
        {"2026-11-27T17:00:00Z", 7 * 3600, CAL_OK, "2026-11-28T00:00:00Z"},
        {"2026-11-27T17:00:00Z", 7 * 3600 + 1, CAL_OK, "2026-11-30T00:00:01Z"},
        /* From a Saturday, the walk starts on Monday. */
        {"2026-11-28T12:00:00Z", 1, CAL_OK, "2026-11-30T00:00:01Z"},
        /* From Thu 24 Dec, two days of working time: Thu, then Tue 29. */
        {"2026-12-24T00:00:00Z", 2 * 86400, CAL_OK, "2026-12-30T00:00:00Z"},
        /* Past the last covered day. */
        {"2027-12-31T00:00:00Z", 2 * 86400, CAL_ERR_COVERAGE, NULL},
        {"2027-12-31T00:00:00Z", 86400, CAL_OK, "2028-01-01T00:00:00Z"},
        {"2026-11-27T17:00:00Z", -1, CAL_ERR_INVALID, NULL},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int64_t out = -1;
        int rc = calendar_add_working_seconds(cal, T(rows[i].from), rows[i].amount, &out);
        if (rc != rows[i].rc || (rc == CAL_OK && out != T(rows[i].expect))) {
            printf("  row %zu: rc %d out %lld\n", i, rc, (long long)out);
            t_case_failed = 1;
        }
    }
    calendar_free(cal);
}

TEST(calendar_nth_working_day)
{
    struct calendar *cal = london();
    int64_t out = 0;
    /* Thu 24 Dec: 25 holiday, 26-27 weekend, 28 holiday, so the first is Tue 29. */
    CHECK_INT_EQ(calendar_nth_working_day_after(cal, D(2026, 12, 24), 1, &out), CAL_OK);
    CHECK_INT_EQ(out, D(2026, 12, 29));
    CHECK_INT_EQ(calendar_nth_working_day_after(cal, D(2026, 12, 24), 3, &out), CAL_OK);
    CHECK_INT_EQ(out, D(2026, 12, 31));
    /* The day itself never counts, even when it is a working day. */
    CHECK_INT_EQ(calendar_nth_working_day_after(cal, D(2026, 11, 30), 1, &out), CAL_OK);
    CHECK_INT_EQ(out, D(2026, 12, 1));
    CHECK_INT_EQ(calendar_nth_working_day_after(cal, D(2027, 12, 30), 2, &out), CAL_ERR_COVERAGE);
    CHECK_INT_EQ(calendar_nth_working_day_after(cal, D(2026, 11, 30), 0, &out), CAL_ERR_INVALID);
    calendar_free(cal);
}

TEST(calendar_every_day_a_holiday_ends_in_coverage)
{
    /* A calendar whose remaining working days are all holidays: the walk stops at the
       end of the covered years with an error, it does not spin. */
    int64_t hol[366];
    for (int i = 0; i < 365; i++)
        hol[i] = D(2027, 1, 1) + i;
    struct calendar *cal = NULL;
    VG_ASSERT(calendar_new("Europe/London", CAL_WEEK_ALL, hol, 365, 2027, 2027, &cal) == 0);
    int64_t out = 0;
    CHECK_INT_EQ(calendar_nth_working_day_after(cal, D(2026, 12, 31), 1, &out), CAL_ERR_COVERAGE);
    CHECK_INT_EQ(calendar_add_working_seconds(cal, T("2027-01-01T00:00:00Z"), 1, &out),
                 CAL_ERR_COVERAGE);
    calendar_free(cal);
}

TEST(calendar_empty_mask)
{
    struct calendar *cal = NULL;
    VG_ASSERT(calendar_new("Europe/London", 0, NULL, 0, 2026, 2027, &cal) == 0);
    int64_t out = 0;
    bool w = true;
    CHECK_INT_EQ(calendar_is_working_day(cal, D(2026, 11, 30), &w), CAL_OK);
    CHECK(!w);
    CHECK_INT_EQ(calendar_nth_working_day_after(cal, D(2026, 11, 30), 1, &out),
                 CAL_ERR_NO_WORKING_TIME);
    CHECK_INT_EQ(calendar_add_working_seconds(cal, T("2026-11-30T00:00:00Z"), 1, &out),
                 CAL_ERR_NO_WORKING_TIME);
    CHECK_INT_EQ(
        calendar_working_seconds(cal, T("2026-11-30T00:00:00Z"), T("2026-12-30T00:00:00Z"), &out),
        CAL_ERR_NO_WORKING_TIME);
    calendar_free(cal);
}

TEST(calendar_other_weekends)
{
    /* Asia/Dubai with the older Friday-Saturday weekend: Sunday to Thursday work. */
    unsigned sun_thu = CAL_WEEKDAY_BIT(7) | CAL_WEEKDAY_BIT(1) | CAL_WEEKDAY_BIT(2) |
                       CAL_WEEKDAY_BIT(3) | CAL_WEEKDAY_BIT(4);
    struct calendar *dxb = NULL;
    VG_ASSERT(calendar_new("Asia/Dubai", sun_thu, NULL, 0, 2026, 2027, &dxb) == 0);
    bool w = false;
    CHECK(calendar_is_working_day(dxb, D(2026, 11, 27), &w) == 0 && !w); /* Friday */
    CHECK(calendar_is_working_day(dxb, D(2026, 11, 28), &w) == 0 && !w); /* Saturday */
    CHECK(calendar_is_working_day(dxb, D(2026, 11, 29), &w) == 0 && w);  /* Sunday */
    int64_t out = 0;
    CHECK_INT_EQ(calendar_nth_working_day_after(dxb, D(2026, 11, 26), 1, &out), CAL_OK);
    CHECK_INT_EQ(out, D(2026, 11, 29));
    /* Asia/Tehran with Friday alone off. */
    unsigned sat_thu = CAL_WEEK_ALL & ~CAL_WEEKDAY_BIT(5);
    struct calendar *thr = NULL;
    VG_ASSERT(calendar_new("Asia/Tehran", sat_thu, NULL, 0, 2026, 2027, &thr) == 0);
    CHECK_INT_EQ(calendar_nth_working_day_after(thr, D(2026, 11, 26), 1, &out), CAL_OK);
    CHECK_INT_EQ(out, D(2026, 11, 28));
    /* Working seconds of Thu 12:00 to Sat 12:00 local (+03:30): 12 h Thursday, 12 h Saturday. */
    CHECK_INT_EQ(calendar_working_seconds(thr, T("2026-11-26T12:00:00+03:30"),
                                          T("2026-11-28T12:00:00+03:30"), &out),
                 CAL_OK);
    CHECK_INT_EQ(out, 24 * 3600);
    calendar_free(dxb);
    calendar_free(thr);
}

TEST(calendar_error_names)
{
    CHECK_STR_EQ(cal_err_name(CAL_ERR_COVERAGE), "calendar_coverage");
    CHECK_STR_EQ(cal_err_name(CAL_ERR_NO_WORKING_TIME), "no_working_time");
    CHECK_STR_EQ(cal_err_name(CAL_ERR_ZONE), "unknown_zone");
    CHECK_STR_EQ(cal_err_name(CAL_ERR_INVALID), "invalid_calendar");
    CHECK_STR_EQ(cal_err_name(-99), "unknown_error");
}

T_MAIN
