/*
 * Tests of core/clock.c: every example of SPEC section 5 verbatim, then cases
 * worked by hand (the working is in the comment of each row): holidays before
 * and after weekends, the Christmas run, starts on holidays and weekends, 48
 * hours across both DST changes in Europe and the US, zones far from UTC,
 * pauses, coverage, empty weeks, other weekends, a holiday added after start.
 * And the table of clock kinds (core/deadline.c): names and ids round-trip,
 * the stored names never change, every kind has its words, and the portal's
 * labels (web_clock_label) are the table's.
 */
#include "base/buf.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "core/clock.h"
#include "core/deadline.h"
#include "t.h"
#include "web/web.h"

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

static const char *fmt(int64_t t, char out[static 21])
{
    if (t == CLOCK_OPEN)
        return strcpy(out, "open");
    time_format_rfc3339(t, out);
    return out;
}

enum cal_id {
    CAL_NONE,
    CAL_LONDON,   /* SPEC: Europe/London, Mon-Fri, 2026-12-25 and 2026-12-28, 2026-2027 */
    CAL_UK_2027,  /* Europe/London, Mon-Fri, 2027 bank holidays May 3, May 31, Aug 30 */
    CAL_NEW_YORK, /* America/New_York, Mon-Fri, 2026 Nov 26 and Dec 25, 2026-2027 */
    CAL_TOKYO,    /* Asia/Tokyo, Mon-Fri, 2026 Nov 3 and Nov 23 */
    CAL_AUCKLAND, /* Pacific/Auckland, Mon-Fri, 2026 Dec 25 and Dec 28 (Boxing Day moved) */
    CAL_LA,       /* America/Los_Angeles, Mon-Fri, 2026 Nov 26 and Dec 25 */
    CAL_DUBAI,    /* Asia/Dubai, Sun-Thu (Fri-Sat weekend), 2026 Dec 2 and Dec 3 */
    CAL_TEHRAN,   /* Asia/Tehran, Sat-Thu (Friday only off) */
    CAL_SANTIAGO, /* America/Santiago, every day working, 2022 */
    CAL_EMPTY,    /* Europe/London with no working day */
    N_CALS
};

static struct calendar *cals[N_CALS];

static struct calendar *cal_get(enum cal_id id)
{
    if (id == CAL_NONE)
        return NULL;
    if (cals[id])
        return cals[id];
    unsigned sun_thu = CAL_WEEKDAY_BIT(7) | 0x0f;
    unsigned sat_thu = CAL_WEEK_ALL & ~CAL_WEEKDAY_BIT(5);
    struct {
        const char *zone;
        unsigned mask;
        int64_t hol[4];
        size_t n;
        int y0, y1;
    } def[N_CALS] = {
        [CAL_LONDON] =
            {"Europe/London", CAL_MON_FRI, {D(2026, 12, 25), D(2026, 12, 28)}, 2, 2026, 2027},
        [CAL_UK_2027] = {"Europe/London",
                         CAL_MON_FRI,
                         {D(2027, 5, 3), D(2027, 5, 31), D(2027, 8, 30)},
                         3,
                         2027,
                         2027},
        [CAL_NEW_YORK] =
            {"America/New_York", CAL_MON_FRI, {D(2026, 11, 26), D(2026, 12, 25)}, 2, 2026, 2027},
        [CAL_TOKYO] = {"Asia/Tokyo", CAL_MON_FRI, {D(2026, 11, 3), D(2026, 11, 23)}, 2, 2026, 2027},
        [CAL_AUCKLAND] =
            {"Pacific/Auckland", CAL_MON_FRI, {D(2026, 12, 25), D(2026, 12, 28)}, 2, 2026, 2027},
        [CAL_LA] =
            {"America/Los_Angeles", CAL_MON_FRI, {D(2026, 11, 26), D(2026, 12, 25)}, 2, 2026, 2027},
        [CAL_DUBAI] = {"Asia/Dubai", sun_thu, {D(2026, 12, 2), D(2026, 12, 3)}, 2, 2026, 2027},
        [CAL_TEHRAN] = {"Asia/Tehran", sat_thu, {0}, 0, 2026, 2027},
        [CAL_SANTIAGO] = {"America/Santiago", CAL_WEEK_ALL, {0}, 0, 2022, 2022},
        [CAL_EMPTY] = {"Europe/London", 0, {0}, 0, 2026, 2027},
    };
    VG_ASSERT(calendar_new(def[id].zone, def[id].mask, def[id].hol, def[id].n, def[id].y0,
                           def[id].y1, &cals[id]) == CAL_OK);
    return cals[id];
}

struct row {
    const char *what;
    enum cal_id cal;
    enum clock_kind kind;
    const char *start;
    int64_t amount;
    int64_t ext;
    int rc;
    const char *due; /* expected due instant when rc == CLOCK_DUE */
};

static void run_rows(const struct row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct clock_spec spec = {rows[i].kind, T(rows[i].start), rows[i].amount, NULL};
        int64_t due = -1;
        struct buf err = {0};
        int rc = clock_due_at(&spec, cal_get(rows[i].cal), NULL, 0, rows[i].ext,
                              T("2030-01-01T00:00:00Z"), &due, &err);
        if (rc != rows[i].rc || (rc == CLOCK_DUE && due != T(rows[i].due))) {
            char got[21];
            printf("  %s: rc %d (%s) due %s, expected rc %d due %s\n", rows[i].what, rc,
                   buf_str(&err), fmt(due, got), rows[i].rc, rows[i].due ? rows[i].due : "-");
            t_case_failed = 1;
        }
        if (rc < 0 && strncmp(buf_str(&err), clock_err_name(rc), strlen(clock_err_name(rc)))) {
            printf("  %s: message \"%s\" does not start with %s\n", rows[i].what, buf_str(&err),
                   clock_err_name(rc));
            t_case_failed = 1;
        }
        buf_free(&err);
    }
}

/* The examples of SPEC section 5, verbatim. */
TEST(clock_spec_examples)
{
    static const struct row rows[] = {
        {"Fri 2026-11-27 17:00 request: response due end of Wed 2 Dec", CAL_LONDON,
         CLOCK_WORKING_DAYS, "2026-11-27T17:00:00Z", 3, 0, CLOCK_DUE, "2026-12-03T00:00:00Z"},
        {"48 h from Sat 2026-03-28 10:00 GMT, across the spring change", CAL_NONE, CLOCK_ELAPSED,
         "2026-03-28T10:00:00Z", 172800, 0, CLOCK_DUE, "2026-03-30T10:00:00Z"},
        {"48 h from Sat 2026-10-24 12:00 BST, across the autumn change", CAL_NONE, CLOCK_ELAPSED,
         "2026-10-24T12:00:00+01:00", 172800, 0, CLOCK_DUE, "2026-10-26T11:00:00Z"},
        {"training confirmed Mon 2026-11-02 14:00: 30-day cap", CAL_LONDON, CLOCK_CALENDAR_DAYS,
         "2026-11-02T14:00:00Z", 30, 0, CLOCK_DUE, "2026-12-03T00:00:00Z"},
    };
    run_rows(rows, sizeof(rows) / sizeof(rows[0]));

    /* A reply at Wed 23:59:59 is on time; one at the due instant is not. */
    CHECK(!clock_is_breached(T("2026-12-03T00:00:00Z"), T("2026-12-02T23:59:59Z")));
    CHECK(clock_is_breached(T("2026-12-03T00:00:00Z"), T("2026-12-03T00:00:00Z")));
    /* The 48-hour clock is due at Mon 11:00 BST. */
    char local[26];
    zone_format_local(cal_get(CAL_LONDON)->zone, T("2026-03-30T10:00:00Z"), local);
    CHECK_STR_EQ(local, "2026-03-30T11:00:00+01:00");
    CHECK_INT_EQ(CLOCK_DELIVERY_SECONDS, 172800);
}

/* SPEC: a request on Mon 2026-11-02 10:00 never answered: warnings at Nov 6, 12, 18. */
TEST(clock_spec_warning_ladder)
{
    static const char *warnings[] = {"2026-11-06T00:00:00Z", "2026-11-12T00:00:00Z",
                                     "2026-11-18T00:00:00Z"};
    struct clock_spec spec = {CLOCK_WORKING_DAYS, T("2026-11-02T10:00:00Z"),
                              CLOCK_RESPONSE_WORKING_DAYS, NULL};
    for (int n = 0; n < 3; n++) {
        int64_t due = 0;
        CHECK_INT_EQ(clock_due_at(&spec, cal_get(CAL_LONDON), NULL, 0, 0, T("2026-12-01T00:00:00Z"),
                                  &due, NULL),
                     CLOCK_DUE);
        CHECK_INT_EQ(due, T(warnings[n]));
        /* The next clock starts at the breached due instant, whenever the sweep ran. */
        CHECK_INT_EQ(clock_ladder_next_start(due), due);
        spec.start = clock_ladder_next_start(due);
    }
}

TEST(clock_working_days_table)
{
    static const struct row rows[] = {
        /* Fri 28 May 2027, Mon 31 May a bank holiday: Tue 1, Wed 2, Thu 3 Jun; due Fri
           00:00 BST. */
        {"Friday before a Monday holiday", CAL_UK_2027, CLOCK_WORKING_DAYS,
         "2027-05-28T15:00:00+01:00", 3, 0, CLOCK_DUE, "2027-06-03T23:00:00Z"},
        /* Fri 30 Apr 2027, Mon 3 May holiday: Tue 4, Wed 5, Thu 6. */
        {"Friday before the early May holiday", CAL_UK_2027, CLOCK_WORKING_DAYS,
         "2027-04-30T09:00:00+01:00", 3, 0, CLOCK_DUE, "2027-05-06T23:00:00Z"},
        /* Thu 24 Dec: Fri 25 holiday, weekend, Mon 28 holiday; Tue 29, Wed 30, Thu 31. */
        {"Christmas run from Dec 24", CAL_LONDON, CLOCK_WORKING_DAYS, "2026-12-24T09:00:00Z", 3, 0,
         CLOCK_DUE, "2027-01-01T00:00:00Z"},
        /* Wed 23 Dec: Thu 24, then Tue 29, Wed 30. */
        {"Christmas run from Dec 23", CAL_LONDON, CLOCK_WORKING_DAYS, "2026-12-23T16:00:00Z", 3, 0,
         CLOCK_DUE, "2026-12-31T00:00:00Z"},
        /* Made on Fri 25 Dec, a holiday: Tue 29, Wed 30, Thu 31. */
        {"request on a holiday (Fri 25 Dec)", CAL_LONDON, CLOCK_WORKING_DAYS,
         "2026-12-25T11:00:00Z", 3, 0, CLOCK_DUE, "2027-01-01T00:00:00Z"},
        {"request on a holiday (Mon 28 Dec)", CAL_LONDON, CLOCK_WORKING_DAYS,
         "2026-12-28T10:00:00Z", 3, 0, CLOCK_DUE, "2027-01-01T00:00:00Z"},
        /* Sat 28 Nov: Mon 30, Tue 1, Wed 2, the same as from the Friday before. */
        {"request on a Saturday", CAL_LONDON, CLOCK_WORKING_DAYS, "2026-11-28T10:00:00Z", 3, 0,
         CLOCK_DUE, "2026-12-03T00:00:00Z"},
        {"request at Sun 23:59:59", CAL_LONDON, CLOCK_WORKING_DAYS, "2026-11-29T23:59:59Z", 3, 0,
         CLOCK_DUE, "2026-12-03T00:00:00Z"},
        /* Mon 00:00:00 is already Monday, which is not counted. */
        {"request at Mon 00:00:00", CAL_LONDON, CLOCK_WORKING_DAYS, "2026-11-30T00:00:00Z", 3, 0,
         CLOCK_DUE, "2026-12-04T00:00:00Z"},
        /* Thu 22 Oct BST: Fri 23, Mon 26, Tue 27; due Wed 28 00:00 GMT. */
        {"working days over the autumn change", CAL_LONDON, CLOCK_WORKING_DAYS,
         "2026-10-22T10:00:00+01:00", 3, 0, CLOCK_DUE, "2026-10-28T00:00:00Z"},
        /* Thu 26 Mar GMT: Fri 27, Mon 30, Tue 31; due Wed 1 Apr 00:00 BST. */
        {"working days over the spring change", CAL_LONDON, CLOCK_WORKING_DAYS,
         "2026-03-26T10:00:00Z", 3, 0, CLOCK_DUE, "2026-03-31T23:00:00Z"},
        /* Tokyo: 2026-11-02T16:00Z is Tue 3 Nov 01:00 JST, a holiday (Monday in UTC).
           Wed 4, Thu 5, Fri 6; due Sat 7 00:00 JST. */
        {"Asia/Tokyo, start on a local holiday", CAL_TOKYO, CLOCK_WORKING_DAYS,
         "2026-11-02T16:00:00Z", 3, 0, CLOCK_DUE, "2026-11-06T15:00:00Z"},
        /* Tokyo, Fri 20 Nov 18:00 JST, Mon 23 a holiday: Tue 24, Wed 25, Thu 26. */
        {"Asia/Tokyo, Friday before a Monday holiday", CAL_TOKYO, CLOCK_WORKING_DAYS,
         "2026-11-20T18:00:00+09:00", 3, 0, CLOCK_DUE, "2026-11-26T15:00:00Z"},
        /* Auckland: 2026-12-24T20:00Z is Fri 25 Dec 09:00 NZDT. Tue 29, Wed 30, Thu 31; due
           Fri 1 Jan 00:00 NZDT (+13). */
        {"Pacific/Auckland, Christmas", CAL_AUCKLAND, CLOCK_WORKING_DAYS, "2026-12-24T20:00:00Z", 3,
         0, CLOCK_DUE, "2026-12-31T11:00:00Z"},
        /* Los Angeles: 2026-11-28T00:30Z is Fri 27 Nov 16:30 PST (Saturday in UTC).
           Mon 30, Tue 1, Wed 2; due Thu 3 Dec 00:00 PST. */
        {"America/Los_Angeles, Friday afternoon", CAL_LA, CLOCK_WORKING_DAYS,
         "2026-11-28T00:30:00Z", 3, 0, CLOCK_DUE, "2026-12-03T08:00:00Z"},
        /* Los Angeles, Wed 25 Nov, Thanksgiving Thu 26: Fri 27, Mon 30, Tue 1. */
        {"America/Los_Angeles, before Thanksgiving", CAL_LA, CLOCK_WORKING_DAYS,
         "2026-11-25T10:00:00-08:00", 3, 0, CLOCK_DUE, "2026-12-02T08:00:00Z"},
        /* Dubai (Fri-Sat weekend): Thu 26 Nov 15:00 +04. Sun 29, Mon 30, Tue 1 Dec; due Wed 2
           00:00 +04 (a holiday itself, but not a counted day). */
        {"Asia/Dubai, Friday-Saturday weekend", CAL_DUBAI, CLOCK_WORKING_DAYS,
         "2026-11-26T11:00:00Z", 3, 0, CLOCK_DUE, "2026-12-01T20:00:00Z"},
        /* Dubai, Sun 29 Nov: Mon 30, Tue 1, (Wed 2, Thu 3 holidays, Fri-Sat weekend) Sun 6. */
        {"Asia/Dubai, across National Day", CAL_DUBAI, CLOCK_WORKING_DAYS,
         "2026-11-29T10:00:00+04:00", 3, 0, CLOCK_DUE, "2026-12-06T20:00:00Z"},
        /* Tehran (Friday only off), Thu 26 Nov 12:00 +03:30: Sat 28, Sun 29, Mon 30; due Tue 1
           Dec 00:00 +03:30. */
        {"Asia/Tehran, Friday-only weekend", CAL_TEHRAN, CLOCK_WORKING_DAYS,
         "2026-11-26T12:00:00+03:30", 3, 0, CLOCK_DUE, "2026-11-30T20:30:00Z"},
        /* Santiago, every day working: Thu 8 Sep 2022; Fri 9, Sat 10; due the start of Sun 11,
           whose midnight does not exist: 01:00 -03. */
        {"America/Santiago, due on a day that starts at 01:00", CAL_SANTIAGO, CLOCK_WORKING_DAYS,
         "2022-09-08T15:00:00Z", 2, 0, CLOCK_DUE, "2022-09-11T04:00:00Z"},
        /* Santiago: from Sat 10 Sep, Sun 11 (23 h) counts; due Mon 12 00:00 -03. */
        {"America/Santiago, counting the 23-hour day", CAL_SANTIAGO, CLOCK_WORKING_DAYS,
         "2022-09-10T15:00:00Z", 1, 0, CLOCK_DUE, "2022-09-12T03:00:00Z"},
    };
    run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

TEST(clock_elapsed_and_calendar_days_table)
{
    static const struct row rows[] = {
        /* New York spring: Sat 7 Mar 12:00 EST + 48 h = Mon 9 Mar 13:00 EDT. */
        {"48 h over the US spring change", CAL_NONE, CLOCK_ELAPSED, "2026-03-07T12:00:00-05:00",
         172800, 0, CLOCK_DUE, "2026-03-09T17:00:00Z"},
        /* New York autumn: Sat 31 Oct 12:00 EDT + 48 h = Mon 2 Nov 11:00 EST. */
        {"48 h over the US autumn change", CAL_NONE, CLOCK_ELAPSED, "2026-10-31T12:00:00-04:00",
         172800, 0, CLOCK_DUE, "2026-11-02T16:00:00Z"},
        {"48 h from Tokyo, zone irrelevant", CAL_TOKYO, CLOCK_ELAPSED, "2026-11-02T16:00:00Z",
         172800, 0, CLOCK_DUE, "2026-11-04T16:00:00Z"},
        /* London Fri 20 Mar + 14 days: day 20 + 15 = Sat 4 Apr, 00:00 BST. */
        {"14 calendar days over the spring change", CAL_LONDON, CLOCK_CALENDAR_DAYS,
         "2026-03-20T12:00:00Z", 14, 0, CLOCK_DUE, "2026-04-03T23:00:00Z"},
        /* New York Wed 28 Oct 10:00 EDT + 10 days: 28 + 11 = Sun 8 Nov 00:00 EST. */
        {"10 calendar days over the US autumn change", CAL_NEW_YORK, CLOCK_CALENDAR_DAYS,
         "2026-10-28T14:00:00Z", 10, 0, CLOCK_DUE, "2026-11-08T05:00:00Z"},
        /* Santiago Fri 9 Sep 2022 + 1 day: due the start of Sun 11, 01:00 -03. */
        {"calendar days due on a day with no midnight", CAL_SANTIAGO, CLOCK_CALENDAR_DAYS,
         "2022-09-09T15:00:00Z", 1, 0, CLOCK_DUE, "2022-09-11T04:00:00Z"},
        /* The 30-day cap with 7 extension days on record: Nov 2 + 31 + 7 = Dec 10. */
        {"30-day cap extended by 7 days", CAL_LONDON, CLOCK_CALENDAR_DAYS, "2026-11-02T14:00:00Z",
         30, 7, CLOCK_DUE, "2026-12-10T00:00:00Z"},
        /* Calendar-day clocks need no holiday data: past the covered years is fine. */
        {"calendar days beyond the covered years", CAL_LONDON, CLOCK_CALENDAR_DAYS,
         "2027-12-15T10:00:00Z", 30, 0, CLOCK_DUE, "2028-01-15T00:00:00Z"},
        {"calendar days on a calendar with no working day", CAL_EMPTY, CLOCK_CALENDAR_DAYS,
         "2026-11-02T14:00:00Z", 10, 0, CLOCK_DUE, "2026-11-13T00:00:00Z"},
        /* Local date in Auckland: 2026-11-30T12:00Z is Tue 1 Dec 01:00 NZDT; + 14 days =
           Wed 16 Dec 00:00 NZDT. */
        {"calendar days from the local date, Auckland", CAL_AUCKLAND, CLOCK_CALENDAR_DAYS,
         "2026-11-30T12:00:00Z", 14, 0, CLOCK_DUE, "2026-12-15T11:00:00Z"},
        {"fixed", CAL_NONE, CLOCK_FIXED, "2026-01-01T00:00:00Z", 1798675200, 0, CLOCK_DUE,
         "2026-12-31T00:00:00Z"},
        {"extension days on an elapsed clock", CAL_NONE, CLOCK_ELAPSED, "2026-11-02T14:00:00Z",
         172800, 2, CLOCK_ERR_INVALID, NULL},
        {"extension days on a fixed clock", CAL_NONE, CLOCK_FIXED, "2026-11-02T14:00:00Z",
         1798675200, 2, CLOCK_ERR_INVALID, NULL},
        {"negative extension", CAL_LONDON, CLOCK_CALENDAR_DAYS, "2026-11-02T14:00:00Z", 30, -1,
         CLOCK_ERR_INVALID, NULL},
        {"elapsed of 0 seconds", CAL_NONE, CLOCK_ELAPSED, "2026-11-02T14:00:00Z", 0, 0,
         CLOCK_ERR_INVALID, NULL},
        {"working days of 0", CAL_LONDON, CLOCK_WORKING_DAYS, "2026-11-02T14:00:00Z", 0, 0,
         CLOCK_ERR_INVALID, NULL},
        {"working days without a calendar", CAL_NONE, CLOCK_WORKING_DAYS, "2026-11-02T14:00:00Z", 3,
         0, CLOCK_ERR_INVALID, NULL},
        {"calendar days without a calendar or zone", CAL_NONE, CLOCK_CALENDAR_DAYS,
         "2026-11-02T14:00:00Z", 3, 0, CLOCK_ERR_INVALID, NULL},
        {"unknown kind", CAL_LONDON, (enum clock_kind)9, "2026-11-02T14:00:00Z", 3, 0,
         CLOCK_ERR_INVALID, NULL},
    };
    run_rows(rows, sizeof(rows) / sizeof(rows[0]));

    /* A calendar_days clock may name a zone instead of a calendar. */
    const struct zone *ny;
    VG_ASSERT(zone_open("America/New_York", &ny) == 0);
    struct clock_spec spec = {CLOCK_CALENDAR_DAYS, T("2026-10-28T14:00:00Z"), 10, ny};
    int64_t due = 0;
    CHECK_INT_EQ(clock_due_at(&spec, NULL, NULL, 0, 0, 0, &due, NULL), CLOCK_DUE);
    CHECK_INT_EQ(due, T("2026-11-08T05:00:00Z"));
}

TEST(clock_coverage_and_no_working_time)
{
    static const struct row rows[] = {
        /* Wed 29 Dec 2027: Thu 30, Fri 31, then 2028 is not covered. */
        {"working days past the covered years", CAL_LONDON, CLOCK_WORKING_DAYS,
         "2027-12-29T10:00:00Z", 3, 0, CAL_ERR_COVERAGE, NULL},
        /* Tue 28 Dec 2027: Wed 29, Thu 30, Fri 31; due 1 Jan 2028 00:00, but only 2027 days
           were needed. */
        {"due at the first instant after the covered years", CAL_LONDON, CLOCK_WORKING_DAYS,
         "2027-12-28T10:00:00Z", 3, 0, CLOCK_DUE, "2028-01-01T00:00:00Z"},
        {"start before the covered years", CAL_LONDON, CLOCK_WORKING_DAYS, "2025-12-30T10:00:00Z",
         3, 0, CAL_ERR_COVERAGE, NULL},
        {"a calendar with no working day", CAL_EMPTY, CLOCK_WORKING_DAYS, "2026-11-02T10:00:00Z", 3,
         0, CAL_ERR_NO_WORKING_TIME, NULL},
        {"a huge count ends at the coverage, no hang", CAL_LONDON, CLOCK_WORKING_DAYS,
         "2026-11-02T10:00:00Z", CLOCK_MAX_DAYS, 0, CAL_ERR_COVERAGE, NULL},
    };
    run_rows(rows, sizeof(rows) / sizeof(rows[0]));

    struct clock_spec spec = {CLOCK_WORKING_DAYS, T("2027-12-29T10:00:00Z"), 3, NULL};
    struct buf err = {0};
    int64_t due = 0;
    CHECK_INT_EQ(clock_due_at(&spec, cal_get(CAL_LONDON), NULL, 0, 0, 0, &due, &err),
                 CAL_ERR_COVERAGE);
    CHECK_STR_EQ(buf_str(&err), "calendar_coverage: the calendar covers the years 2026 to 2027 "
                                "and this clock needs a day outside them");
    CHECK_STR_EQ(clock_err_name(CAL_ERR_COVERAGE), "calendar_coverage");
    CHECK_STR_EQ(clock_err_name(CAL_ERR_NO_WORKING_TIME), "no_working_time");
    CHECK_STR_EQ(clock_err_name(CLOCK_ERR_NOT_PAUSABLE), "not_pausable");
    CHECK_STR_EQ(clock_kind_name(CLOCK_WORKING_DAYS), "working_days");
    CHECK(clock_kind_name((enum clock_kind)0) == NULL);
    buf_free(&err);
}

struct pause_row {
    const char *what;
    enum cal_id cal;
    enum clock_kind kind;
    const char *start;
    int64_t amount;
    struct {
        const char *from, *to; /* to NULL: still open */
    } p[3];
    int rc;
    const char *due;
};

static void run_pause_rows(const struct pause_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct clock_pause p[3];
        size_t np = 0;
        for (; np < 3 && rows[i].p[np].from; np++) {
            p[np].from = T(rows[i].p[np].from);
            p[np].to = rows[i].p[np].to ? T(rows[i].p[np].to) : CLOCK_OPEN;
        }
        struct clock_spec spec = {rows[i].kind, T(rows[i].start), rows[i].amount, NULL};
        int64_t due = -1;
        struct buf err = {0};
        int rc = clock_due_at(&spec, cal_get(rows[i].cal), p, np, 0, T("2027-06-01T00:00:00Z"),
                              &due, &err);
        int64_t want = rows[i].due ? T(rows[i].due) : CLOCK_OPEN;
        if (rc != rows[i].rc || (rc >= 0 && due != want)) {
            char got[21];
            printf("  %s: rc %d (%s) due %s, expected rc %d due %s\n", rows[i].what, rc,
                   buf_str(&err), fmt(due, got), rows[i].rc, rows[i].due ? rows[i].due : "-");
            t_case_failed = 1;
        }
        buf_free(&err);
    }
}

TEST(clock_pauses_table)
{
    static const struct pause_row rows[] = {
        /* Unpaused due Thu 3 Dec 00:00. A pause over the weekend holds no working time. */
        {"pause over a weekend: no shift",
         CAL_LONDON,
         CLOCK_WORKING_DAYS,
         "2026-11-27T17:00:00Z",
         3,
         {{"2026-11-28T09:00:00Z", "2026-11-30T00:00:00Z"}},
         CLOCK_DUE,
         "2026-12-03T00:00:00Z"},
        /* All of Monday paused: 24 working hours, walked from Thu 00:00: Thursday. */
        {"pause of one working day: one day later",
         CAL_LONDON,
         CLOCK_WORKING_DAYS,
         "2026-11-27T17:00:00Z",
         3,
         {{"2026-11-30T00:00:00Z", "2026-12-01T00:00:00Z"}},
         CLOCK_DUE,
         "2026-12-04T00:00:00Z"},
        /* Thu 3 Dec 10:00 start: Fri 4, Mon 7, Tue 8; due Wed 9. Pause Fri 12:00 to Mon 12:00
           is 12 + 12 working hours: due Thu 10. */
        {"pause across a weekend with working parts",
         CAL_LONDON,
         CLOCK_WORKING_DAYS,
         "2026-12-03T10:00:00Z",
         3,
         {{"2026-12-04T12:00:00Z", "2026-12-07T12:00:00Z"}},
         CLOCK_DUE,
         "2026-12-10T00:00:00Z"},
        /* Mon 21 Dec start: Tue 22, Wed 23, Thu 24; due Fri 25. Tue paused: 24 h walked from
           Fri 25: holiday, weekend, holiday, Tue 29; due Wed 30. */
        {"pause pushing the due over Christmas",
         CAL_LONDON,
         CLOCK_WORKING_DAYS,
         "2026-12-21T09:00:00Z",
         3,
         {{"2026-12-22T00:00:00Z", "2026-12-23T00:00:00Z"}},
         CLOCK_DUE,
         "2026-12-30T00:00:00Z"},
        /* The start day does not count, so neither does a pause within it. */
        {"pause inside the start day: no shift",
         CAL_LONDON,
         CLOCK_WORKING_DAYS,
         "2026-11-02T10:00:00Z",
         3,
         {{"2026-11-02T11:00:00Z", "2026-11-02T15:00:00Z"}},
         CLOCK_DUE,
         "2026-11-06T00:00:00Z"},
        /* Mon 12:00 to Tue 12:00: only Tue 00:00-12:00 counts; 12 h walked from Fri 00:00. */
        {"pause from the start day into the next",
         CAL_LONDON,
         CLOCK_WORKING_DAYS,
         "2026-11-02T10:00:00Z",
         3,
         {{"2026-11-02T12:00:00Z", "2026-11-03T12:00:00Z"}},
         CLOCK_DUE,
         "2026-11-06T12:00:00Z"},
        {"open pause: no due instant",
         CAL_LONDON,
         CLOCK_WORKING_DAYS,
         "2026-11-27T17:00:00Z",
         3,
         {{"2026-11-30T09:00:00Z", NULL}},
         CLOCK_PAUSED,
         NULL},
        {"closed then open pause",
         CAL_LONDON,
         CLOCK_WORKING_DAYS,
         "2026-11-27T17:00:00Z",
         3,
         {{"2026-11-30T00:00:00Z", "2026-12-01T00:00:00Z"}, {"2026-12-03T12:00:00Z", NULL}},
         CLOCK_PAUSED,
         NULL},
        /* A pause begun at the due instant comes too late: the clock had breached. */
        {"open pause after the breach",
         CAL_LONDON,
         CLOCK_WORKING_DAYS,
         "2026-11-27T17:00:00Z",
         3,
         {{"2026-12-03T00:00:00Z", NULL}},
         CLOCK_DUE,
         "2026-12-03T00:00:00Z"},
        {"closed pause after the breach",
         CAL_LONDON,
         CLOCK_WORKING_DAYS,
         "2026-11-27T17:00:00Z",
         3,
         {{"2026-12-04T00:00:00Z", "2026-12-08T00:00:00Z"}},
         CLOCK_DUE,
         "2026-12-03T00:00:00Z"},
        /* Elapsed: 48 h from Mon 2 Nov 10:00, due Wed 10:00; 6 h paused on Tuesday. */
        {"elapsed: six hours paused",
         CAL_NONE,
         CLOCK_ELAPSED,
         "2026-11-02T10:00:00Z",
         172800,
         {{"2026-11-03T10:00:00Z", "2026-11-03T16:00:00Z"}},
         CLOCK_DUE,
         "2026-11-04T16:00:00Z"},
        /* Elapsed clocks count real time, so a weekend pause does shift them. */
        {"elapsed: a weekend pause shifts",
         CAL_NONE,
         CLOCK_ELAPSED,
         "2026-11-27T17:00:00Z",
         172800,
         {{"2026-11-28T09:00:00Z", "2026-11-30T00:00:00Z"}},
         CLOCK_DUE,
         "2026-12-01T08:00:00Z"},
        /* Due Wed 10:00 becomes Wed 16:00 after the first pause, which brings the second
           (begun Wed 12:00, after the original due) inside the window: +2 h. The third
           begins after the new due and counts for nothing. */
        {"elapsed: a pause inside the shifted window",
         CAL_NONE,
         CLOCK_ELAPSED,
         "2026-11-02T10:00:00Z",
         172800,
         {{"2026-11-03T10:00:00Z", "2026-11-03T16:00:00Z"},
          {"2026-11-04T12:00:00Z", "2026-11-04T14:00:00Z"},
          {"2026-11-05T12:00:00Z", "2026-11-05T14:00:00Z"}},
         CLOCK_DUE,
         "2026-11-04T18:00:00Z"},
        /* Overlapping and unordered pauses are merged: 10:00-19:00 is 9 h. */
        {"elapsed: overlapping pauses",
         CAL_NONE,
         CLOCK_ELAPSED,
         "2026-11-02T10:00:00Z",
         172800,
         {{"2026-11-03T15:00:00Z", "2026-11-03T19:00:00Z"},
          {"2026-11-03T10:00:00Z", "2026-11-03T16:00:00Z"}},
         CLOCK_DUE,
         "2026-11-04T19:00:00Z"},
        /* A pause begun before the clock counts only from the start. */
        {"elapsed: pause begun before the start",
         CAL_NONE,
         CLOCK_ELAPSED,
         "2026-11-02T10:00:00Z",
         172800,
         {{"2026-11-02T05:00:00Z", "2026-11-02T11:00:00Z"}},
         CLOCK_DUE,
         "2026-11-04T11:00:00Z"},
        {"elapsed: open pause",
         CAL_NONE,
         CLOCK_ELAPSED,
         "2026-11-02T10:00:00Z",
         172800,
         {{"2026-11-03T10:00:00Z", NULL}},
         CLOCK_PAUSED,
         NULL},
        {"calendar days cannot be paused",
         CAL_LONDON,
         CLOCK_CALENDAR_DAYS,
         "2026-11-02T14:00:00Z",
         30,
         {{"2026-11-03T10:00:00Z", "2026-11-03T16:00:00Z"}},
         CLOCK_ERR_NOT_PAUSABLE,
         NULL},
        {"fixed cannot be paused",
         CAL_NONE,
         CLOCK_FIXED,
         "2026-11-02T14:00:00Z",
         1798675200,
         {{"2026-11-03T10:00:00Z", NULL}},
         CLOCK_ERR_NOT_PAUSABLE,
         NULL},
        {"pause on a calendar with no working day",
         CAL_EMPTY,
         CLOCK_WORKING_DAYS,
         "2026-11-27T17:00:00Z",
         3,
         {{"2026-11-30T00:00:00Z", "2026-12-01T00:00:00Z"}},
         CAL_ERR_NO_WORKING_TIME,
         NULL},
        /* Half a year paused from Mon 30 Nov with Mon, Tue, Wed still owed: resumed Sun 30
           May 2027 (BST), they are Mon 31 May, Tue 1 and Wed 2 Jun; due Thu 3 Jun 00:00 BST. */
        {"long pause across the spring change",
         CAL_LONDON,
         CLOCK_WORKING_DAYS,
         "2026-11-27T17:00:00Z",
         3,
         {{"2026-11-30T00:00:00Z", "2027-05-30T00:00:00+01:00"}},
         CLOCK_DUE,
         "2027-06-02T23:00:00Z"},
        {"pause that ends after now",
         CAL_NONE,
         CLOCK_ELAPSED,
         "2026-11-02T10:00:00Z",
         172800,
         {{"2026-11-03T10:00:00Z", "2027-07-01T00:00:00Z"}},
         CLOCK_ERR_INVALID,
         NULL},
        {"pause that begins after now",
         CAL_NONE,
         CLOCK_ELAPSED,
         "2026-11-02T10:00:00Z",
         172800,
         {{"2027-07-01T00:00:00Z", NULL}},
         CLOCK_ERR_INVALID,
         NULL},
        {"pause that ends before it begins",
         CAL_NONE,
         CLOCK_ELAPSED,
         "2026-11-02T10:00:00Z",
         172800,
         {{"2026-11-03T10:00:00Z", "2026-11-03T09:00:00Z"}},
         CLOCK_ERR_INVALID,
         NULL},
    };
    run_pause_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

TEST(clock_pause_walks_into_uncovered_years)
{
    /* Started Tue 28 Dec 2027 (due 1 Jan 2028 00:00); a pause of Wed 29 needs Jan 2028. */
    struct clock_spec spec = {CLOCK_WORKING_DAYS, T("2027-12-28T10:00:00Z"), 3, NULL};
    struct clock_pause p = {T("2027-12-29T00:00:00Z"), T("2027-12-30T00:00:00Z")};
    int64_t due = 0;
    CHECK_INT_EQ(
        clock_due_at(&spec, cal_get(CAL_LONDON), &p, 1, 0, T("2028-01-01T00:00:00Z"), &due, NULL),
        CAL_ERR_COVERAGE);
}

TEST(clock_holiday_added_after_start)
{
    /* The response clock of Fri 27 Nov is due Thu 3 Dec. Tue 1 Dec becomes a holiday:
       recomputed, Mon 30, Wed 2, Thu 3 count and the due moves to Fri 4 Dec. A holiday
       after the window moves nothing. */
    struct calendar *cal = NULL;
    int64_t hol[] = {D(2026, 12, 25), D(2026, 12, 28)};
    VG_ASSERT(calendar_new("Europe/London", CAL_MON_FRI, hol, 2, 2026, 2027, &cal) == 0);
    struct clock_spec spec = {CLOCK_WORKING_DAYS, T("2026-11-27T17:00:00Z"), 3, NULL};
    int64_t due = 0, now = T("2026-11-30T12:00:00Z");
    CHECK_INT_EQ(clock_due_at(&spec, cal, NULL, 0, 0, now, &due, NULL), CLOCK_DUE);
    CHECK_INT_EQ(due, T("2026-12-03T00:00:00Z"));
    int64_t later[] = {D(2026, 12, 10)};
    calendar_add_holidays(cal, later, 1);
    CHECK_INT_EQ(clock_due_at(&spec, cal, NULL, 0, 0, now, &due, NULL), CLOCK_DUE);
    CHECK_INT_EQ(due, T("2026-12-03T00:00:00Z"));
    int64_t tue[] = {D(2026, 12, 1)};
    calendar_add_holidays(cal, tue, 1);
    CHECK_INT_EQ(clock_due_at(&spec, cal, NULL, 0, 0, now, &due, NULL), CLOCK_DUE);
    CHECK_INT_EQ(due, T("2026-12-04T00:00:00Z"));
    /* The ladder's next clock would move with it: started Fri 4 Dec 00:00, due Thu 10 Dec
       (Mon 7, Tue 8, Wed 9). */
    spec.start = clock_ladder_next_start(due);
    CHECK_INT_EQ(clock_due_at(&spec, cal, NULL, 0, 0, now, &due, NULL), CLOCK_DUE);
    CHECK_INT_EQ(due, T("2026-12-10T00:00:00Z"));
    calendar_free(cal);
}

TEST(clock_is_pure)
{
    /* Same inputs, same answer; the caller's pause array is not reordered. */
    struct clock_pause p[2] = {{T("2026-11-03T15:00:00Z"), T("2026-11-03T19:00:00Z")},
                               {T("2026-11-03T10:00:00Z"), T("2026-11-03T16:00:00Z")}};
    struct clock_spec spec = {CLOCK_ELAPSED, T("2026-11-02T10:00:00Z"), 172800, NULL};
    int64_t a = 0, b = 0, now = T("2026-12-01T00:00:00Z");
    CHECK_INT_EQ(clock_due_at(&spec, NULL, p, 2, 0, now, &a, NULL), CLOCK_DUE);
    CHECK_INT_EQ(clock_due_at(&spec, NULL, p, 2, 0, now, &b, NULL), CLOCK_DUE);
    CHECK_INT_EQ(a, b);
    CHECK_INT_EQ(p[0].from, T("2026-11-03T15:00:00Z"));
}

TEST(deadline_kinds_round_trip)
{
    int n = 0;
    const struct deadline_kind *all = deadline_kinds(&n);
    CHECK_INT_EQ(n, DEADLINE_N);
    for (int i = 0; i < n; i++) {
        const struct deadline_kind *k = &all[i];
        CHECK_INT_EQ(k->id, i);
        CHECK(deadline_kind_of((enum deadline_id)i) == k);
        CHECK(deadline_kind(k->name) == k);
        CHECK_INT_EQ(deadline_parse(k->name), i);
        CHECK_STR_EQ(deadline_name(deadline_parse(k->name)), k->name);
        CHECK(clock_kind_name(k->rule) != NULL);
    }
    /* The names are stored with every clock and shown by the API: they never change. */
    static const struct {
        enum deadline_id id;
        const char *name;
    } stored[] = {
        {DEADLINE_DELIVERY_48H, "delivery_48h"}, {DEADLINE_RESPONSE_3WD, "response_3wd"},
        {DEADLINE_SETUP_10D, "setup_10d"},       {DEADLINE_TRAINING_30D, "training_30d"},
        {DEADLINE_PUBLISH_14D, "publish_14d"},   {DEADLINE_MILESTONE, "milestone"},
        {DEADLINE_ACK_3WD, "acknowledge_3wd"},
    };
    CHECK_INT_EQ(sizeof stored / sizeof stored[0], DEADLINE_N);
    for (size_t i = 0; i < sizeof stored / sizeof stored[0]; i++)
        CHECK_STR_EQ(deadline_name(stored[i].id), stored[i].name);
    CHECK(deadline_kind(NULL) == NULL);
    CHECK(deadline_kind("Delivery_48h") == NULL);
    CHECK_INT_EQ(deadline_parse("delivery_48"), DEADLINE_N);
    CHECK_INT_EQ(deadline_parse(NULL), DEADLINE_N);
    /* the rules the clock math is given */
    CHECK_INT_EQ(deadline_kind_of(DEADLINE_DELIVERY_48H)->amount, 172800);
    CHECK_INT_EQ(deadline_kind_of(DEADLINE_RESPONSE_3WD)->rule, CLOCK_WORKING_DAYS);
    CHECK(deadline_kind_of(DEADLINE_RESPONSE_3WD)->pausable);
    CHECK(deadline_kind_of(DEADLINE_SETUP_10D)->extendable);
    CHECK(!deadline_kind_of(DEADLINE_MILESTONE)->pausable);
    CHECK_INT_EQ(deadline_kind_of(DEADLINE_ACK_3WD)->rule, CLOCK_WORKING_DAYS);
    CHECK_INT_EQ(deadline_kind_of(DEADLINE_ACK_3WD)->amount, 3);
    CHECK(!deadline_kind_of(DEADLINE_ACK_3WD)->pausable);
}

TEST(deadline_kinds_have_their_words)
{
    int n = 0;
    const struct deadline_kind *all = deadline_kinds(&n);
    for (int i = 0; i < n; i++) {
        const struct deadline_kind *k = &all[i];
        CHECK(k->label && *k->label);
        CHECK(k->long_label && *k->long_label);
        CHECK(k->short_label && *k->short_label);
        CHECK(strlen(k->short_label) < strlen(k->long_label));
        /* the portal's labels are the table's, the very strings */
        CHECK(web_clock_label(k->name, false) == k->long_label);
        CHECK(web_clock_label(k->name, true) == k->short_label);
        /* a kind is either a request's clock or an organisation's own date, never both */
        CHECK(!(k->ask_label && k->date_label));
    }
    CHECK_STR_EQ(web_clock_label("delivery_48h", false), "Delivery within 48 hours");
    CHECK_STR_EQ(web_clock_label("delivery_48h", true), "Deliver 48 h");
    CHECK_STR_EQ(web_clock_label("response_3wd", false), "Response within 3 working days");
    CHECK_STR_EQ(web_clock_label("milestone", true), "Milestone");
    CHECK_STR_EQ(deadline_kind_of(DEADLINE_RESPONSE_3WD)->ask_label, "Reply or deliver by");
    CHECK_STR_EQ(deadline_kind_of(DEADLINE_SETUP_10D)->date_label, "Your accounts ready by");
    CHECK(deadline_kind_of(DEADLINE_MILESTONE)->date_label == NULL);
    /* an unknown kind reads as itself; none at all as "Clock" */
    CHECK_STR_EQ(web_clock_label("audit_7d", false), "audit_7d");
    CHECK_STR_EQ(web_clock_label(NULL, true), "Clock");
}

static void free_cals(void) __attribute__((destructor));
static void free_cals(void)
{
    for (int i = 0; i < N_CALS; i++)
        calendar_free(cals[i]);
}

T_MAIN
