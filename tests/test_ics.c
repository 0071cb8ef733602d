/*
 * Tests of core/ics.c: holiday import with the quirks real feeds have (CRLF and
 * LF, folding, exclusive DTEND, no DTEND, date-times with and without zones,
 * yearly RRULE with INTERVAL/COUNT/UNTIL/BYMONTH/BYMONTHDAY/BYDAY, EXDATE,
 * RDATE, overrides, foreign components), errors with their line numbers and
 * limits, and a round trip of the feed writer (checked by our parser and by
 * libical's).
 */
#include <libical/ical.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "core/ics.h"
#include "t.h"

static int64_t D(int y, int m, int d)
{
    return days_from_civil(y, m, d);
}

static int parse_in(const char *text, const char *zone_name, int y0, int y1, struct ics_import *imp,
                    struct ics_error *err)
{
    const struct zone *z = NULL;
    if (zone_name)
        VG_ASSERT(zone_open(zone_name, &z) == 0);
    return ics_parse_holidays(text, strlen(text), z, y0, y1, imp, err);
}

/* Checks that imp holds exactly the dates "YYYY-MM-DD=name" listed (name optional). */
static void expect_days(const char *what, const struct ics_import *imp, const char *const *want,
                        size_t n_want)
{
    bool bad = imp->n_holidays != n_want;
    for (size_t i = 0; !bad && i < n_want; i++) {
        struct civil_date d;
        char date[11];
        memcpy(date, want[i], 10);
        date[10] = '\0';
        VG_ASSERT(date_parse(date, &d) == 0);
        if (imp->holidays[i].day != D(d.year, d.month, d.day))
            bad = true;
        if (want[i][10] == '=' && strcmp(imp->holidays[i].name, want[i] + 11) != 0)
            bad = true;
    }
    if (bad) {
        printf("  %s: got", what);
        for (size_t i = 0; i < imp->n_holidays; i++) {
            char out[11];
            date_format(civil_from_days(imp->holidays[i].day), out);
            printf(" %s=%s", out, imp->holidays[i].name);
        }
        printf("\n");
        t_case_failed = 1;
    }
}

#define HEAD "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
#define TAIL "END:VCALENDAR\r\n"

struct ok_row {
    const char *what;
    const char *text;
    const char *zone;
    int y0, y1;
    const char *days[8];
};

TEST(ics_import_table)
{
    static const struct ok_row rows[] = {
        {"CRLF, all-day, DTEND exclusive",
         HEAD "BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261225\r\n"
              "DTEND;VALUE=DATE:20261226\r\nSUMMARY:Christmas Day\r\nEND:VEVENT\r\n"
              "BEGIN:VEVENT\r\nUID:2\r\nDTSTART;VALUE=DATE:20261228\r\n"
              "DTEND;VALUE=DATE:20261229\r\nSUMMARY:Boxing Day (substitute day)\r\n"
              "END:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2027,
         {"2026-12-25=Christmas Day", "2026-12-28=Boxing Day (substitute day)"}},
        {"LF only, no DTEND (one day), no VALUE=DATE parameter",
         "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nDTSTART:20260101\nSUMMARY:New year\n"
         "END:VEVENT\nEND:VCALENDAR\n",
         NULL,
         2026,
         2027,
         {"2026-01-01=New year"}},
        {"bare CR line ends, no final line end",
         "BEGIN:VCALENDAR\rBEGIN:VEVENT\rDTSTART:20260101\rEND:VEVENT\rEND:VCALENDAR",
         NULL,
         2026,
         2027,
         {"2026-01-01="}},
        {"folded lines: space and tab, inside a name, multibyte text",
         HEAD "BEGIN:VEVENT\r\nDTST\r\n ART;VALUE=DATE:20260714\r\nSUMMARY:F\xc3\xaa\r\n"
              " te nationale\r\n\tfran\xc3\xa7\r\n aise\r\nEND:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2027,
         {"2026-07-14=F\xc3\xaate nationalefran\xc3\xa7"
          "aise"}},
        {"multi-day event, DTEND exclusive",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261227\r\n"
              "SUMMARY:Christmas break\r\nEND:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2027,
         {"2026-12-24", "2026-12-25", "2026-12-26"}},
        {"DTEND equal to DTSTART counts as one day",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261224\r\n"
              "END:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2027,
         {"2026-12-24"}},
        {"DURATION instead of DTEND",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260403\r\nDURATION:P4D\r\n"
              "SUMMARY:Easter\r\nEND:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2027,
         {"2026-04-03", "2026-04-04", "2026-04-05", "2026-04-06"}},
        {"BOM, blank lines, lower-case names",
         "\xef\xbb\xbf"
         "begin:vcalendar\r\n\r\nbegin:vevent\r\ndtstart;value=date:20260501\r\n"
         "summary:May Day\r\nend:vevent\r\nend:vcalendar\r\n\r\n\r\n",
         NULL,
         2026,
         2027,
         {"2026-05-01=May Day"}},
        {"floating date-time: its own date",
         HEAD "BEGIN:VEVENT\r\nDTSTART:20261225T090000\r\nDTEND:20261225T170000\r\n"
              "END:VEVENT\r\n" TAIL,
         "Asia/Tokyo",
         2026,
         2027,
         {"2026-12-25"}},
        {"UTC date-time: the date in the calendar's zone (Tokyo)",
         HEAD "BEGIN:VEVENT\r\nDTSTART:20261224T230000Z\r\nEND:VEVENT\r\n" TAIL,
         "Asia/Tokyo",
         2026,
         2027,
         {"2026-12-25"}},
        {"UTC date-time: the date in the calendar's zone (London)",
         HEAD "BEGIN:VEVENT\r\nDTSTART:20261224T230000Z\r\nEND:VEVENT\r\n" TAIL,
         "Europe/London",
         2026,
         2027,
         {"2026-12-24"}},
        {"TZID parameter (quoted, with commas and a colon): the date as written",
         HEAD "BEGIN:VEVENT\r\nDTSTART;TZID=\"(UTC+01:00) Amsterdam, Berlin\":20261225T000000\r\n"
              "DTEND;TZID=\"(UTC+01:00) Amsterdam, Berlin\":20261226T000000\r\n"
              "SUMMARY:Weihnachten\r\nEND:VEVENT\r\n" TAIL,
         "Asia/Tokyo",
         2026,
         2027,
         {"2026-12-25=Weihnachten"}},
        {"timed event running past midnight covers two dates",
         HEAD "BEGIN:VEVENT\r\nDTSTART;TZID=Europe/Berlin:20261231T200000\r\n"
              "DTEND;TZID=Europe/Berlin:20270101T020000\r\nEND:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2027,
         {"2026-12-31", "2027-01-01"}},
        {"yearly RRULE from an old DTSTART",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:19900101\r\nRRULE:FREQ=YEARLY\r\n"
              "SUMMARY:New Year's Day\r\nEND:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2027,
         {"2026-01-01", "2027-01-01"}},
        {"RRULE with COUNT (the DTSTART counts)",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20250704\r\nRRULE:FREQ=YEARLY;COUNT=2\r\n"
              "END:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2028,
         {"2026-07-04"}},
        {"RRULE with UNTIL as a date (inclusive)",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20240101\r\n"
              "RRULE:FREQ=YEARLY;UNTIL=20270101\r\nEND:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2028,
         {"2026-01-01", "2027-01-01"}},
        {"RRULE with UNTIL as a date-time, Google's trailing semicolon",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20240101\r\n"
              "RRULE:FREQ=YEARLY;UNTIL=20261231T235959Z;\r\nEND:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2028,
         {"2026-01-01"}},
        {"RRULE with INTERVAL=2",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260501\r\n"
              "RRULE:FREQ=YEARLY;INTERVAL=2\r\nEND:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2029,
         {"2026-05-01", "2028-05-01"}},
        {"US Thanksgiving: BYMONTH=11;BYDAY=4TH",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20221124\r\n"
              "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\r\nSUMMARY:Thanksgiving\r\n"
              "END:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2027,
         {"2026-11-26", "2027-11-25"}},
        {"UK bank holidays: first and last Monday of May",
         HEAD "BEGIN:VEVENT\r\nUID:early\r\nDTSTART;VALUE=DATE:20200504\r\n"
              "RRULE:FREQ=YEARLY;BYMONTH=5;BYDAY=1MO\r\nEND:VEVENT\r\n"
              "BEGIN:VEVENT\r\nUID:spring\r\nDTSTART;VALUE=DATE:20200525\r\n"
              "RRULE:FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO\r\nEND:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2027,
         {"2026-05-04", "2026-05-25", "2027-05-03", "2027-05-31"}},
        {"BYMONTHDAY list and a negative BYMONTHDAY",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20201225\r\n"
              "RRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25,26\r\nEND:VEVENT\r\n"
              "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20200229\r\n"
              "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1\r\nEND:VEVENT\r\n" TAIL,
         NULL,
         2027,
         2028,
         {"2027-02-28", "2027-12-25", "2027-12-26", "2028-02-29", "2028-12-25", "2028-12-26"}},
        {"February 29 recurs only in leap years",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20240229\r\nRRULE:FREQ=YEARLY\r\n"
              "END:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2028,
         {"2028-02-29"}},
        {"EXDATE on two lines, one with two values",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20250101\r\nRRULE:FREQ=YEARLY\r\n"
              "EXDATE;VALUE=DATE:20260101,20280101\r\nEXDATE:20290101T000000\r\n"
              "END:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2030,
         {"2027-01-01", "2030-01-01"}},
        {"RDATE adds one-off dates",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260603\r\n"
              "RDATE;VALUE=DATE:20270602,20270603\r\nSUMMARY:Jubilee\r\nEND:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2027,
         {"2026-06-03", "2027-06-02", "2027-06-03"}},
        {"RECURRENCE-ID moves one instance; a cancelled one removes another",
         HEAD "BEGIN:VEVENT\r\nUID:xmas@x\r\nDTSTART;VALUE=DATE:20201225\r\n"
              "RRULE:FREQ=YEARLY\r\nSUMMARY:Christmas\r\nEND:VEVENT\r\n"
              "BEGIN:VEVENT\r\nUID:xmas@x\r\nRECURRENCE-ID;VALUE=DATE:20261225\r\n"
              "DTSTART;VALUE=DATE:20261228\r\nSUMMARY:Christmas (moved)\r\nEND:VEVENT\r\n"
              "BEGIN:VEVENT\r\nUID:xmas@x\r\nRECURRENCE-ID;VALUE=DATE:20281225\r\n"
              "DTSTART;VALUE=DATE:20281225\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2028,
         {"2026-12-28=Christmas (moved)", "2027-12-25=Christmas"}},
        {"cancelled event",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\nSTATUS:CANCELLED\r\n"
              "END:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2027,
         {NULL}},
        {"VTIMEZONE, VTODO, VJOURNAL, VALARM and X- components are ignored",
         HEAD "X-WR-CALNAME:Holidays\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n"
              "BEGIN:STANDARD\r\nDTSTART:19701025T020000\r\nTZOFFSETFROM:+0100\r\n"
              "TZOFFSETTO:+0000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
              "BEGIN:DAYLIGHT\r\nDTSTART:19700329T010000\r\nTZOFFSETFROM:+0000\r\n"
              "TZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
              "END:VTIMEZONE\r\nBEGIN:VTODO\r\nDTSTART;VALUE=DATE:20260301\r\nEND:VTODO\r\n"
              "BEGIN:VJOURNAL\r\nDTSTART;VALUE=DATE:20260302\r\nEND:VJOURNAL\r\n"
              "BEGIN:X-THING\r\nDTSTART;VALUE=DATE:20260303\r\nEND:X-THING\r\n"
              "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260304\r\nSUMMARY:Real\r\n"
              "BEGIN:VALARM\r\nTRIGGER:-PT15M\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\n"
              "END:VALARM\r\nEND:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2027,
         {"2026-03-04=Real"}},
        {"escaped TEXT in SUMMARY, two events on one day (first wins)",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\n"
              "SUMMARY:New Year\\, Day\\; \\\\1\\nobserved\r\nEND:VEVENT\r\n"
              "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\nSUMMARY:Other\r\nEND:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2027,
         {"2026-01-01=New Year, Day; \\1 observed"}},
        {"dates outside the years are dropped",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20251225\r\nEND:VEVENT\r\n"
              "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270102\r\n"
              "END:VEVENT\r\n" TAIL,
         NULL,
         2026,
         2026,
         {"2026-12-31"}},
        {"Google Calendar holiday export (shape)",
         "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
         "VERSION:2.0\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n"
         "X-WR-CALNAME:Holidays in United Kingdom\r\nX-WR-TIMEZONE:UTC\r\n"
         "X-WR-CALDESC:Holidays and Observances in United Kingdom\r\nBEGIN:VEVENT\r\n"
         "DTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261226\r\n"
         "DTSTAMP:20261126T120000Z\r\nUID:20261225_r9ci2q@google.com\r\nCLASS:PUBLIC\r\n"
         "CREATED:20251001T000000Z\r\nDESCRIPTION:Public holiday\r\n"
         "LAST-MODIFIED:20251001T000000Z\r\nSEQUENCE:0\r\nSTATUS:CONFIRMED\r\n"
         "SUMMARY:Christmas Day\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
         NULL,
         2026,
         2027,
         {"2026-12-25=Christmas Day"}},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct ics_import imp;
        struct ics_error err = {0};
        int rc = parse_in(rows[i].text, rows[i].zone, rows[i].y0, rows[i].y1, &imp, &err);
        if (rc != ICS_OK) {
            printf("  %s: rc %d %s\n", rows[i].what, rc, buf_str(&err.text));
            t_case_failed = 1;
        } else {
            size_t n = 0;
            while (n < 8 && rows[i].days[n])
                n++;
            expect_days(rows[i].what, &imp, rows[i].days, n);
        }
        ics_import_free(&imp);
        ics_error_free(&err);
    }
}

TEST(ics_counts)
{
    struct ics_import imp;
    struct ics_error err = {0};
    CHECK_INT_EQ(parse_in(HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20251225\r\nEND:VEVENT\r\n"
                               "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nEND:VEVENT\r\n" TAIL,
                          NULL, 2026, 2027, &imp, &err),
                 ICS_OK);
    CHECK_INT_EQ(imp.n_events, 2);
    CHECK_INT_EQ(imp.n_outside, 1);
    CHECK_INT_EQ(imp.n_holidays, 1);
    ics_import_free(&imp);
}

struct err_row {
    const char *what;
    const char *text;
    int rc;
    size_t line;
    const char *message; /* exact, or NULL to check only the line prefix */
};

TEST(ics_errors_table)
{
    static const struct err_row rows[] = {
        {"a date that does not exist, on line 7",
         HEAD "BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:x\r\nDTSTART;VALUE=DATE:2026-13-01\r\n"
              "END:VEVENT\r\n" TAIL,
         ICS_ERR_SYNTAX, 7, "line 7: DTSTART value '2026-13-01' is not a date (expected YYYYMMDD)"},
        {"month 13 in the basic format",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261301\r\nEND:VEVENT\r\n" TAIL, ICS_ERR_SYNTAX,
         5, "line 5: DTSTART value '20261301' is not a date (expected YYYYMMDD)"},
        {"a bad date-time", HEAD "BEGIN:VEVENT\r\nDTSTART:20261225T250000\r\nEND:VEVENT\r\n" TAIL,
         ICS_ERR_SYNTAX, 5,
         "line 5: DTSTART value '20261225T250000' is not a date-time (expected "
         "YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ)"},
        {"the error of a folded line names its first line",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DA\r\n TE:2026\r\n 1232\r\nEND:VEVENT\r\n" TAIL,
         ICS_ERR_SYNTAX, 5, "line 5: DTSTART value '20261232' is not a date (expected YYYYMMDD)"},
        {"LF file, line numbers still right",
         "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY Christmas\nEND:VEVENT\nEND:VCALENDAR\n",
         ICS_ERR_SYNTAX, 3, "line 3: expected ':' after the name of SUMMARY"},
        {"a line that is not a property", HEAD "BEGIN:VEVENT\r\n:20261225\r\nEND:VEVENT\r\n" TAIL,
         ICS_ERR_SYNTAX, 5, "line 5: ':20261225' is not a property line (expected NAME:value)"},
        {"BEGIN:VEVENT never closed", HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\n" TAIL,
         ICS_ERR_SYNTAX, 6, "line 6: END:VCALENDAR does not close BEGIN:VEVENT of line 4"},
        {"file ends inside VCALENDAR", HEAD "BEGIN:VEVENT\r\nDTSTART:20261225\r\nEND:VEVENT\r\n",
         ICS_ERR_SYNTAX, 1, "line 1: BEGIN:VCALENDAR is never closed by END"},
        {"END without BEGIN", HEAD TAIL "END:VEVENT\r\n", ICS_ERR_SYNTAX, 5,
         "line 5: END:VEVENT without a matching BEGIN"},
        {"content before VCALENDAR", "DTSTART:20261225\r\n" HEAD TAIL, ICS_ERR_SYNTAX, 1,
         "line 1: expected BEGIN:VCALENDAR before any content"},
        {"another component first", "BEGIN:VEVENT\r\nEND:VEVENT\r\n", ICS_ERR_SYNTAX, 1,
         "line 1: expected BEGIN:VCALENDAR, found BEGIN:VEVENT"},
        {"empty file", "", ICS_ERR_SYNTAX, 0, "the file holds no VCALENDAR"},
        {"VEVENT without DTSTART", HEAD "BEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\n" TAIL,
         ICS_ERR_SYNTAX, 4, "line 4: VEVENT has no DTSTART"},
        {"DTEND before DTSTART",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261224\r\n"
              "END:VEVENT\r\n" TAIL,
         ICS_ERR_SYNTAX, 6, "line 6: DTEND is before DTSTART"},
        {"DTEND and DURATION",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261226\r\n"
              "DURATION:P1D\r\nEND:VEVENT\r\n" TAIL,
         ICS_ERR_SYNTAX, 0, NULL},
        {"an event of two years",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\nDTEND;VALUE=DATE:20280101\r\n"
              "END:VEVENT\r\n" TAIL,
         ICS_ERR_SYNTAX, 6, "line 6: the event covers more than 366 days"},
        {"weekly RRULE",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260105\r\nRRULE:FREQ=WEEKLY;BYDAY=MO\r\n"
              "END:VEVENT\r\n" TAIL,
         ICS_ERR_UNSUPPORTED, 6,
         "line 6: RRULE FREQ=WEEKLY is not supported (holidays recur yearly: FREQ=YEARLY)"},
        {"BYSETPOS",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260105\r\n"
              "RRULE:FREQ=YEARLY;BYMONTH=1;BYDAY=MO;BYSETPOS=1\r\nEND:VEVENT\r\n" TAIL,
         ICS_ERR_UNSUPPORTED, 6, "line 6: RRULE part BYSETPOS is not supported"},
        {"COUNT and UNTIL",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260105\r\n"
              "RRULE:FREQ=YEARLY;COUNT=2;UNTIL=20300101\r\nEND:VEVENT\r\n" TAIL,
         ICS_ERR_SYNTAX, 6, "line 6: RRULE has both COUNT and UNTIL"},
        {"RRULE without FREQ",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260105\r\nRRULE:COUNT=2\r\nEND:VEVENT\r\n" TAIL,
         ICS_ERR_SYNTAX, 6, "line 6: RRULE has no FREQ"},
        {"BYMONTH out of range",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260105\r\n"
              "RRULE:FREQ=YEARLY;BYMONTH=13\r\nEND:VEVENT\r\n" TAIL,
         ICS_ERR_SYNTAX, 6, "line 6: RRULE BYMONTH value is malformed"},
        {"SUMMARY that is not UTF-8",
         HEAD
         "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260105\r\nSUMMARY:F\xeate\r\nEND:VEVENT\r\n" TAIL,
         ICS_ERR_SYNTAX, 6, "line 6: SUMMARY is not valid UTF-8"},
        {"unterminated quoted parameter",
         HEAD "BEGIN:VEVENT\r\nDTSTART;TZID=\"Europe/London:20260105\r\nEND:VEVENT\r\n" TAIL,
         ICS_ERR_SYNTAX, 5, "line 5: unterminated quoted parameter value"},
        {"mismatched END",
         HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260105\r\nEND:VTODO\r\nEND:VCALENDAR\r\n",
         ICS_ERR_SYNTAX, 6, "line 6: END:VTODO does not close BEGIN:VEVENT of line 4"},
        {"malformed line inside an ignored component",
         HEAD "BEGIN:VTIMEZONE\r\nTZID Europe/London\r\nEND:VTIMEZONE\r\n" TAIL, ICS_ERR_SYNTAX, 5,
         "line 5: expected ':' after the name of TZID"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct ics_import imp;
        struct ics_error err = {0};
        int rc = parse_in(rows[i].text, NULL, 2026, 2027, &imp, &err);
        bool bad = rc != rows[i].rc || imp.n_holidays != 0 || imp.holidays != NULL;
        if (rows[i].message)
            bad = bad || err.line != rows[i].line || strcmp(buf_str(&err.text), rows[i].message);
        if (bad) {
            printf("  %s: rc %d line %zu \"%s\"\n", rows[i].what, rc, err.line, buf_str(&err.text));
            t_case_failed = 1;
        }
        ics_import_free(&imp);
        ics_error_free(&err);
    }
}

TEST(ics_nul_byte_and_arguments)
{
    static const char text[] = "BEGIN:VCALENDAR\r\nX-A:b\0c\r\nEND:VCALENDAR\r\n";
    struct ics_import imp;
    struct ics_error err = {0};
    CHECK_INT_EQ(ics_parse_holidays(text, sizeof(text) - 1, NULL, 2026, 2027, &imp, &err),
                 ICS_ERR_SYNTAX);
    CHECK_STR_EQ(buf_str(&err.text), "line 2: the line contains a NUL byte");
    ics_error_free(&err);
    CHECK_INT_EQ(ics_parse_holidays(text, 0, NULL, 2027, 2026, &imp, NULL), ICS_ERR_INVALID);
    CHECK_STR_EQ(ics_err_name(ICS_ERR_UNSUPPORTED), "ics_unsupported");
}

TEST(ics_limits)
{
    struct ics_import imp;
    struct ics_error err = {0};
    /* Larger than 4 MiB. */
    size_t big = ICS_MAX_INPUT + 1;
    char *text = xmalloc(big);
    memset(text, ' ', big);
    CHECK_INT_EQ(ics_parse_holidays(text, big, NULL, 2026, 2027, &imp, &err), ICS_ERR_TOO_LARGE);
    CHECK_INT_EQ(err.line, 0);
    free(text);
    ics_error_free(&err);

    /* More than ICS_MAX_EVENTS events. */
    struct buf b = {0};
    buf_puts(&b, HEAD);
    for (int i = 0; i <= ICS_MAX_EVENTS; i++)
        buf_puts(&b, "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\nEND:VEVENT\r\n");
    buf_puts(&b, TAIL);
    CHECK_INT_EQ(ics_parse_holidays(b.data, b.len, NULL, 2026, 2027, &imp, &err), ICS_ERR_LIMIT);
    CHECK_INT_EQ(err.line, 4 + 3 * ICS_MAX_EVENTS);
    ics_error_free(&err);

    /* Rules that never match, counted from year 1: the work budget stops them. */
    buf_reset(&b);
    buf_puts(&b, HEAD);
    for (int i = 0; i < 500; i++)
        buf_puts(&b, "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:00010131\r\n"
                     "RRULE:FREQ=YEARLY;COUNT=10000;BYMONTH=2;BYMONTHDAY=30,31\r\nEND:VEVENT\r\n");
    buf_puts(&b, TAIL);
    CHECK_INT_EQ(ics_parse_holidays(b.data, b.len, NULL, 9000, 9999, &imp, &err), ICS_ERR_LIMIT);
    CHECK(strstr(buf_str(&err.text), "RRULE expansion takes too long") != NULL);
    ics_error_free(&err);

    /* Every day of a long range, expanded from one rule per weekday: within limits. */
    buf_reset(&b);
    buf_puts(&b, HEAD "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20000103\r\n"
                      "RRULE:FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR,SA,SU\r\nEND:VEVENT\r\n" TAIL);
    CHECK_INT_EQ(ics_parse_holidays(b.data, b.len, NULL, 2000, 2099, &imp, &err), ICS_OK);
    CHECK_INT_EQ(imp.n_holidays, D(2100, 1, 1) - D(2000, 1, 3));
    ics_import_free(&imp);
    buf_free(&b);
}

/* ---- The feed writer ------------------------------------------------------ */

TEST(ics_write_feed_round_trip)
{
    /* 14 Japanese characters of 3 bytes each, and more, so lines must fold mid-text. */
    const char *summary = "\xe5\xbf\x9c\xe7\xad\x94\xe6\x9c\x9f\xe9\x99\x90: "
                          "Response due; partner \"Acme, Inc.\" \\ item 42\n"
                          "\xe5\xbf\x9c\xe7\xad\x94\xe6\x9c\x9f\xe9\x99\x90\xe5\xbf\x9c\xe7\xad\x94"
                          "\xe6\x9c\x9f\xe9\x99\x90\xe5\xbf\x9c\xe7\xad\x94\xe6\x9c\x9f\xe9\x99\x90"
                          " \xf0\x9f\x93\x85 end";
    const char *desc = "Line one\r\nLine two, with; specials\\ and a tab\there";
    struct ics_event ev[3] = {
        {"clock-1@vodgate.test", 1796256000, 1796256000 + 1800, summary, desc,
         "https://vodgate.test/requests/1?x=1&y=2"},
        {"clock-2@vodgate.test", 1798675200, 1798675200, "Training cap", NULL, NULL},
        {"clock-3@vodgate.test", 1798675200, 1798675200, "Bad \xff byte", NULL, NULL},
    };
    struct buf feed = {0};
    ics_write_feed(&feed, "-//vodgate//feed//EN", ev, 3, 1796169600);
    const char *s = buf_str(&feed);

    /* CRLF everywhere, physical lines <= 75 octets, each valid UTF-8 on its own. */
    size_t n_lines = 0, max_len = 0;
    bool lone_lf = false, split_utf8 = false;
    for (const char *p = s; *p;) {
        const char *e = strstr(p, "\r\n");
        if (!e) {
            lone_lf = true;
            break;
        }
        if (memchr(p, '\n', (size_t)(e - p)))
            lone_lf = true;
        size_t len = (size_t)(e - p);
        max_len = len > max_len ? len : max_len;
        if (len > 0 && ((unsigned char)p[0] & 0xc0) == 0x80)
            split_utf8 = true;
        if (len > 1 && ((unsigned char)p[1] & 0xc0) == 0x80 && p[0] == ' ')
            split_utf8 = true;
        n_lines++;
        p = e + 2;
    }
    CHECK(!lone_lf);
    CHECK(!split_utf8);
    CHECK(max_len <= 75);
    CHECK(n_lines > 20);
    CHECK(strncmp(s, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//vodgate//feed//EN\r\n", 58) == 0);
    CHECK(strstr(s, "DTSTAMP:20261202T000000Z\r\n") != NULL);
    CHECK(strstr(s, "DTSTART:20261203T000000Z\r\nDTEND:20261203T003000Z\r\n") != NULL);
    CHECK(strstr(s, "DTSTART:20261231T000000Z\r\nSUMMARY:Training cap\r\n") != NULL);
    CHECK(strstr(s, "SUMMARY:Bad \xef\xbf\xbd byte\r\n") != NULL);
    CHECK(strstr(s, "URL:https://vodgate.test/requests/1?x=1&y=2\r\n") != NULL);
    CHECK(strstr(s, "END:VCALENDAR\r\n") == s + feed.len - 15);

    /* Unfolded, the SUMMARY line is the escaped text. */
    struct buf unfolded = {0};
    for (const char *p = s; *p; p++) {
        if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
            p += 2;
            continue;
        }
        buf_putc(&unfolded, *p);
    }
    CHECK(strstr(buf_str(&unfolded), "Response due\\; partner \"Acme\\, Inc.\" \\\\ item 42\\n") !=
          NULL);
    CHECK(strstr(buf_str(&unfolded), "DESCRIPTION:Line one\\nLine two\\, with\\; specials\\\\ "
                                     "and a tab\there\r\n") != NULL);

    /* Our own parser reads it back: days in UTC, names on one line. */
    struct ics_import imp;
    struct ics_error err = {0};
    CHECK_INT_EQ(ics_parse_holidays(feed.data, feed.len, NULL, 2026, 2027, &imp, &err), ICS_OK);
    CHECK_INT_EQ(imp.n_holidays, 2);
    if (imp.n_holidays == 2) {
        CHECK_INT_EQ(imp.holidays[0].day, D(2026, 12, 3));
        CHECK(strncmp(imp.holidays[0].name, "\xe5\xbf\x9c\xe7\xad\x94", 6) == 0);
        CHECK(strstr(imp.holidays[0].name, "\"Acme, Inc.\" \\ item 42 ") != NULL);
        CHECK_INT_EQ(imp.holidays[1].day, D(2026, 12, 31));
    }
    ics_import_free(&imp);

    /* libical, an independent parser, reads the same text back. */
    icalcomponent *cal = icalparser_parse_string(s);
    CHECK(cal != NULL);
    if (cal) {
        icalcomponent *vev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
        CHECK(vev != NULL);
        if (vev) {
            CHECK_STR_EQ(icalcomponent_get_summary(vev), summary);
            CHECK_STR_EQ(icalcomponent_get_uid(vev), "clock-1@vodgate.test");
            struct icaltimetype st = icalcomponent_get_dtstart(vev);
            CHECK(st.year == 2026 && st.month == 12 && st.day == 3 && icaltime_is_utc(st));
        }
        int n_ev = 0;
        for (icalcomponent *c = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); c;
             c = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
            n_ev++;
        CHECK_INT_EQ(n_ev, 3);
        icalcomponent_free(cal);
    }
    buf_free(&unfolded);
    buf_free(&feed);
}

TEST(ics_write_feed_empty)
{
    struct buf feed = {0};
    ics_write_feed(&feed, "-//vodgate//feed//EN", NULL, 0, 0);
    CHECK_STR_EQ(buf_str(&feed), "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//vodgate//feed//EN\r\n"
                                 "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n");
    buf_free(&feed);
}

TEST(ics_write_folds_exactly)
{
    /* 80 ASCII bytes of summary: "SUMMARY:" + 67 fill the first 75 octets, the other 13
       follow a space. */
    char summary[81];
    memset(summary, 'a', 80);
    summary[80] = '\0';
    struct ics_event ev = {"u", 0, 0, summary, NULL, NULL};
    struct buf feed = {0};
    ics_write_feed(&feed, "p", &ev, 1, 0);
    char want[200];
    snprintf(want, sizeof(want), "SUMMARY:%.67s\r\n %.13s\r\n", summary, summary);
    CHECK(strstr(buf_str(&feed), want) != NULL);
    /* A 3-byte character straddling octet 75 moves to the next line whole. */
    char mb[100];
    memset(mb, 'b', 66);
    memcpy(mb + 66, "\xe2\x82\xac", 3); /* bytes 75..77 of the line */
    strcpy(mb + 69, "zz");
    ev.summary = mb;
    buf_reset(&feed);
    ics_write_feed(&feed, "p", &ev, 1, 0);
    snprintf(want, sizeof(want), "SUMMARY:%.66s\r\n \xe2\x82\xaczz\r\n", mb);
    CHECK(strstr(buf_str(&feed), want) != NULL);
    buf_free(&feed);
}

T_MAIN
