/*
 * Tests of core/zone.c: names, offsets pinned from `zdump -v` (tzdata 2025b),
 * local day boundaries through DST gaps, overlaps and a skipped day, the tzdata
 * version, and concurrent opening from several threads.
 */
#include <pthread.h>

#include "base/timefmt.h"
#include "core/timewords.h"
#include "core/zone.h"
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

static const struct zone *Z(const char *name)
{
    const struct zone *z = NULL;
    if (zone_open(name, &z) != ZONE_OK) {
        printf("  cannot open zone %s\n", name);
        abort();
    }
    return z;
}

TEST(zone_names_valid_and_invalid)
{
    static const struct {
        const char *name;
        int ok;
    } cases[] = {
        {"Europe/London", 1},
        {"America/New_York", 1},
        {"America/Argentina/Buenos_Aires", 1},
        {"UTC", 1},
        {"Etc/UTC", 1},
        {"Etc/GMT+5", 1},
        {"GB", 1},            /* a link */
        {"Asia/Calcutta", 1}, /* a backward link */
        {"Mars/Olympus_Mons", 0},
        {"europe/london", 0}, /* names are case-sensitive files */
        {"", 0},
        {"/etc/passwd", 0},
        {"../../../etc/passwd", 0},
        {"Europe/../Europe/London", 0},
        {"Europe//London", 0},
        {"Europe/London/", 0},
        {"Europe/London ", 0},
        {"zone.tab", 0},
        {"tzdata.zi", 0},
        {"right/UTC", 0}, /* leap-second variant: not an IANA name */
        {"posix/Europe/London", 0},
        {"Europe", 0}, /* a directory */
        {"localtime", 0},
        {"Europe/London\nX", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (zone_valid(cases[i].name) != (bool)cases[i].ok) {
            printf("  zone_valid(\"%s\") != %d\n", cases[i].name, cases[i].ok);
            t_case_failed = 1;
        }
    }
    char long_name[300];
    memset(long_name, 'A', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    CHECK(!zone_valid(long_name));
    CHECK(!zone_valid(NULL));
    CHECK_STR_EQ(zone_name(Z("GB")), "GB");
}

TEST(zone_open_is_cached)
{
    const struct zone *a = Z("Europe/Paris"), *b = Z("Europe/Paris");
    CHECK(a == b);
}

/* Each row: a transition instant from zdump -v, the offset before and after it. */
static const struct {
    const char *zone;
    const char *at;
    int32_t before, after;
} zdump_rows[] = {
    {"Europe/London", "2026-03-29T01:00:00Z", 0, 3600},
    {"Europe/London", "2026-10-25T01:00:00Z", 3600, 0},
    {"America/New_York", "2026-03-08T07:00:00Z", -18000, -14400},
    {"America/New_York", "2026-11-01T06:00:00Z", -14400, -18000},
    {"America/Santiago", "2022-04-03T03:00:00Z", -10800, -14400},
    {"America/Santiago", "2022-09-11T04:00:00Z", -14400, -10800},
    /* After 2037 the zone's rule (hour 24) applies; libical 3.0.16 gets these wrong. */
    {"America/Santiago", "2040-04-08T03:00:00Z", -10800, -14400},
    {"America/Santiago", "2040-09-02T04:00:00Z", -14400, -10800},
    /* Transitions libical 3.0.16 drops. */
    {"Asia/Jerusalem", "2014-03-28T00:00:00Z", 7200, 10800},
    {"Asia/Jerusalem", "2014-10-25T23:00:00Z", 10800, 7200},
    {"Asia/Tehran", "2019-03-21T20:30:00Z", 12600, 16200},
    {"Asia/Tehran", "2019-09-21T19:30:00Z", 16200, 12600},
    {"Australia/Lord_Howe", "2026-04-04T15:00:00Z", 39600, 37800},
    {"Australia/Lord_Howe", "2026-10-03T15:30:00Z", 37800, 39600},
    {"Pacific/Apia", "2011-12-30T10:00:00Z", -36000, 50400},
    {"Pacific/Auckland", "2026-04-04T14:00:00Z", 46800, 43200},
    {"Pacific/Auckland", "2026-09-26T14:00:00Z", 43200, 46800},
    {"Africa/Casablanca", "2026-02-15T02:00:00Z", 3600, 0},
    {"Africa/Casablanca", "2026-03-22T02:00:00Z", 0, 3600},
    {"America/Havana", "2026-03-08T05:00:00Z", -18000, -14400},
    {"America/Havana", "2026-11-01T05:00:00Z", -14400, -18000},
    {"Pacific/Chatham", "2050-04-02T14:00:00Z", 49500, 45900},
    {"Pacific/Chatham", "2050-09-24T14:00:00Z", 45900, 49500},
    {"America/Nuuk", "2045-03-26T01:00:00Z", -7200, -3600},
    {"America/Nuuk", "2045-10-29T01:00:00Z", -3600, -7200},
    {"Asia/Gaza", "2030-03-30T00:00:00Z", 7200, 10800},
    {"Asia/Gaza", "2030-10-25T23:00:00Z", 10800, 7200},
};

TEST(zone_offsets_match_zdump)
{
    for (size_t i = 0; i < sizeof(zdump_rows) / sizeof(zdump_rows[0]); i++) {
        const struct zone *z = Z(zdump_rows[i].zone);
        int64_t t = T(zdump_rows[i].at);
        int32_t b = zone_utc_offset(z, t - 1), a = zone_utc_offset(z, t);
        if (b != zdump_rows[i].before || a != zdump_rows[i].after) {
            printf("  %s at %s: %d -> %d, zdump says %d -> %d\n", zdump_rows[i].zone,
                   zdump_rows[i].at, b, a, zdump_rows[i].before, zdump_rows[i].after);
            t_case_failed = 1;
        }
    }
}

TEST(zone_fixed_offsets)
{
    CHECK_INT_EQ(zone_utc_offset(Z("UTC"), T("2026-06-01T00:00:00Z")), 0);
    CHECK_INT_EQ(zone_utc_offset(Z("Asia/Kolkata"), T("2026-06-01T00:00:00Z")), 19800);
    CHECK_INT_EQ(zone_utc_offset(Z("Asia/Kathmandu"), T("2026-06-01T00:00:00Z")), 20700);
    CHECK_INT_EQ(zone_utc_offset(Z("Asia/Tokyo"), T("2026-01-01T00:00:00Z")), 32400);
    CHECK_INT_EQ(zone_utc_offset(Z("Asia/Tokyo"), T("2026-07-01T00:00:00Z")), 32400);
    CHECK_INT_EQ(zone_utc_offset(Z("Etc/GMT+5"), T("2026-07-01T00:00:00Z")), -18000);
    /* Europe/London kept +01:00 all year from 1968 to 1971 (British Standard Time). */
    CHECK_INT_EQ(zone_utc_offset(Z("Europe/London"), T("1970-01-01T00:00:00Z")), 3600);
    /* Far future: the EU rule still runs in 2199. */
    CHECK_INT_EQ(zone_utc_offset(Z("Europe/Berlin"), T("2199-07-01T00:00:00Z")), 7200);
    CHECK_INT_EQ(zone_utc_offset(Z("Europe/Berlin"), T("2199-12-01T00:00:00Z")), 3600);
}

TEST(zone_day_start_plain_and_dst)
{
    const struct zone *lon = Z("Europe/London");
    CHECK_INT_EQ(zone_day_start(lon, days_from_civil(2026, 12, 3)), T("2026-12-03T00:00:00Z"));
    CHECK_INT_EQ(zone_day_start(lon, days_from_civil(2026, 7, 1)), T("2026-06-30T23:00:00Z"));
    /* 2026-03-29 has 23 hours, 2026-10-25 has 25. */
    int64_t d = days_from_civil(2026, 3, 29);
    CHECK_INT_EQ(zone_day_start(lon, d + 1) - zone_day_start(lon, d), 23 * 3600);
    d = days_from_civil(2026, 10, 25);
    CHECK_INT_EQ(zone_day_start(lon, d + 1) - zone_day_start(lon, d), 25 * 3600);
    const struct zone *tok = Z("Asia/Tokyo");
    CHECK_INT_EQ(zone_day_start(tok, days_from_civil(2026, 11, 30)), T("2026-11-29T15:00:00Z"));
    const struct zone *akl = Z("Pacific/Auckland");
    CHECK_INT_EQ(zone_day_start(akl, days_from_civil(2026, 12, 25)), T("2026-12-24T11:00:00Z"));
    const struct zone *la = Z("America/Los_Angeles");
    CHECK_INT_EQ(zone_day_start(la, days_from_civil(2026, 12, 25)), T("2026-12-25T08:00:00Z"));
}

TEST(zone_day_start_midnight_in_gap)
{
    /* America/Santiago 2022-09-11: 00:00 -04 jumps to 01:00 -03; the day starts 01:00. */
    const struct zone *scl = Z("America/Santiago");
    int64_t d = days_from_civil(2022, 9, 11);
    CHECK_INT_EQ(zone_day_start(scl, d), T("2022-09-11T04:00:00Z"));
    char buf[26];
    zone_format_local(scl, zone_day_start(scl, d), buf);
    CHECK_STR_EQ(buf, "2022-09-11T01:00:00-03:00");
    CHECK_INT_EQ(zone_day_start(scl, d + 1) - zone_day_start(scl, d), 23 * 3600);
    CHECK_INT_EQ(zone_local_day(scl, T("2022-09-11T03:59:59Z")), d - 1);
    CHECK_INT_EQ(zone_local_day(scl, T("2022-09-11T04:00:00Z")), d);
    /* America/Havana 2026-03-08 also springs forward at midnight. */
    const struct zone *hav = Z("America/Havana");
    CHECK_INT_EQ(zone_day_start(hav, days_from_civil(2026, 3, 8)), T("2026-03-08T05:00:00Z"));
}

TEST(zone_day_start_midnight_repeated)
{
    /* Santiago 2022-04-03: Sat 24:00 -03 goes back to Sat 23:00 -04; Sat has 25 hours
       and Sunday starts once, at 00:00 -04. */
    const struct zone *scl = Z("America/Santiago");
    int64_t sat = days_from_civil(2022, 4, 2);
    CHECK_INT_EQ(zone_day_start(scl, sat + 1), T("2022-04-03T04:00:00Z"));
    CHECK_INT_EQ(zone_day_start(scl, sat + 1) - zone_day_start(scl, sat), 25 * 3600);
    /* Havana 2026-11-01: 01:00 CDT back to 00:00 CST, so 00:00-01:00 happens twice;
       the day starts at the first midnight. */
    const struct zone *hav = Z("America/Havana");
    CHECK_INT_EQ(zone_day_start(hav, days_from_civil(2026, 11, 1)), T("2026-11-01T04:00:00Z"));
}

TEST(zone_skipped_day)
{
    /* Samoa skipped Friday 2011-12-30: that day has no instant at all. */
    const struct zone *apia = Z("Pacific/Apia");
    int64_t d = days_from_civil(2011, 12, 30);
    CHECK_INT_EQ(zone_day_start(apia, d), zone_day_start(apia, d + 1));
    CHECK_INT_EQ(zone_day_start(apia, d + 1), T("2011-12-30T10:00:00Z"));
    CHECK_INT_EQ(zone_local_day(apia, T("2011-12-30T09:59:59Z")), d - 1);
    CHECK_INT_EQ(zone_local_day(apia, T("2011-12-30T10:00:00Z")), d + 1);
}

TEST(zone_local_day_partitions_time)
{
    /* Every instant lies in exactly the day zone_local_day names. */
    static const char *zones[] = {"Europe/London",       "America/Santiago",  "Pacific/Apia",
                                  "Australia/Lord_Howe", "America/Havana",    "Asia/Kathmandu",
                                  "America/St_Johns",    "Pacific/Kiritimati"};
    uint64_t x = 88172645463325252ull;
    for (size_t zi = 0; zi < sizeof(zones) / sizeof(zones[0]); zi++) {
        const struct zone *z = Z(zones[zi]);
        for (int i = 0; i < 3000; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            int64_t t = (int64_t)(x % 7258118400ull); /* 1970..2200 */
            int64_t d = zone_local_day(z, t);
            if (!(zone_day_start(z, d) <= t && t < zone_day_start(z, d + 1))) {
                printf("  %s: instant %lld not inside day %lld\n", zones[zi], (long long)t,
                       (long long)d);
                t_case_failed = 1;
                break;
            }
        }
    }
}

TEST(zone_format_local_time)
{
    char buf[26];
    zone_format_local(Z("Europe/London"), T("2026-03-30T10:00:00Z"), buf);
    CHECK_STR_EQ(buf, "2026-03-30T11:00:00+01:00");
    zone_format_local(Z("America/St_Johns"), T("2026-01-15T12:00:00Z"), buf);
    CHECK_STR_EQ(buf, "2026-01-15T08:30:00-03:30");
    zone_format_local(Z("Asia/Kathmandu"), T("2026-01-15T12:00:00Z"), buf);
    CHECK_STR_EQ(buf, "2026-01-15T17:45:00+05:45");
}

TEST(zone_tzdata_version_read)
{
    const char *v = zone_tzdata_version();
    CHECK(strcmp(v, "unknown") != 0);
    FILE *f = fopen("/usr/share/zoneinfo/tzdata.zi", "r");
    if (f) {
        char line[64] = "";
        CHECK(fgets(line, sizeof(line), f) != NULL);
        fclose(f);
        char expect[80];
        snprintf(expect, sizeof(expect), "# version %s\n", v);
        CHECK_STR_EQ(line, expect);
    }
    CHECK(zone_tzdata_version() == v); /* computed once */
}

static void *open_many(void *arg)
{
    static const char *names[] = {"Asia/Tokyo",   "Europe/Madrid",    "America/Chicago",
                                  "Africa/Cairo", "Australia/Sydney", "America/Bogota"};
    long ok = 1;
    for (int round = 0; round < 50; round++) {
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            const struct zone *z;
            if (zone_open(names[(i + (size_t)(intptr_t)arg) % 6], &z) != ZONE_OK)
                ok = 0;
        }
    }
    const struct zone *tok;
    if (zone_open("Asia/Tokyo", &tok) != ZONE_OK || zone_utc_offset(tok, 0) != 32400)
        ok = 0;
    return (void *)ok;
}

TEST(zone_open_from_threads)
{
    pthread_t th[8];
    for (intptr_t i = 0; i < 8; i++)
        CHECK(pthread_create(&th[i], NULL, open_many, (void *)i) == 0);
    for (int i = 0; i < 8; i++) {
        void *ok = NULL;
        pthread_join(th[i], &ok);
        CHECK(ok == (void *)1);
    }
}

/* SPEC 6: due times in words; a midnight deadline is the end of the day before. */
TEST(timewords_read_as_people_say_them)
{
    const struct zone *lon;
    CHECK(zone_open("Europe/London", &lon) == ZONE_OK);
    int64_t now, due;
    CHECK(time_parse_rfc3339("2026-03-01T12:00:00Z", &now) == 0);
    char s[TIMEWORDS_MAX];
    CHECK(time_parse_rfc3339("2026-03-10T00:00:00Z", &due) == 0);
    timewords_due(lon, due, now, s);
    CHECK_STR_EQ(s, "by the end of Mon 9 Mar, Europe/London");
    CHECK(time_parse_rfc3339("2026-03-30T10:00:00Z", &due) == 0); /* Mon 11:00 BST */
    timewords_due(lon, due, now, s);
    CHECK_STR_EQ(s, "by 11:00 on Mon 30 Mar, Europe/London");
    timewords_at(lon, due, now, s);
    CHECK_STR_EQ(s, "Mon 30 Mar at 11:00, Europe/London");
    CHECK(time_parse_rfc3339("2026-12-02T23:59:59Z", &now) == 0);
    CHECK(time_parse_rfc3339("2027-01-05T00:00:00Z", &due) == 0); /* another year: said */
    timewords_due(lon, due, now, s);
    CHECK_STR_EQ(s, "by the end of Mon 4 Jan 2027, Europe/London");
    timewords_deadline(lon, due, now, s);
    CHECK_STR_EQ(s, "the end of Mon 4 Jan 2027");
    timewords_day(lon, due, now, s);
    CHECK_STR_EQ(s, "Tue 5 Jan 2027");
    const struct zone *ny;
    CHECK(zone_open("America/New_York", &ny) == ZONE_OK); /* midnight there, not in UTC */
    CHECK(time_parse_rfc3339("2026-12-03T05:00:00Z", &due) == 0);
    timewords_due(ny, due, now, s);
    CHECK_STR_EQ(s, "by the end of Wed 2 Dec, America/New_York");
}

T_MAIN
