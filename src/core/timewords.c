/*
 * Times in words (see timewords.h).
 */
#include "core/timewords.h"

#include <stdio.h>

#include "base/timefmt.h"

static const char *const weekday_name[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const month_name[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* "Mon 9 Mar" or "Mon 9 Mar 2027" for local day `day`, the year shown when not now_day's. */
static void day_words(int64_t day, int64_t now_day, char *out, size_t n)
{
    struct civil_date d = civil_from_days(day);
    struct civil_date today = civil_from_days(now_day);
    int wd = weekday_from_days(day);
    if (d.year == today.year)
        snprintf(out, n, "%s %d %s", weekday_name[wd - 1], d.day, month_name[d.month - 1]);
    else
        snprintf(out, n, "%s %d %s %d", weekday_name[wd - 1], d.day, month_name[d.month - 1],
                 d.year);
}

/* The local hour and minute of t in z. */
static void local_hm(const struct zone *z, int64_t t, int *h, int *m)
{
    int64_t secs = t + zone_utc_offset(z, t);
    int64_t sod = secs % 86400;
    if (sod < 0)
        sod += 86400;
    *h = (int)(sod / 3600);
    *m = (int)(sod % 3600 / 60);
}

void timewords_day(const struct zone *z, int64_t t, int64_t now, char out[static TIMEWORDS_MAX])
{
    day_words(zone_local_day(z, t), zone_local_day(z, now), out, TIMEWORDS_MAX);
}

void timewords_deadline(const struct zone *z, int64_t due, int64_t now,
                        char out[static TIMEWORDS_MAX])
{
    char day[40];
    int64_t d = zone_local_day(z, due);
    int64_t today = zone_local_day(z, now);
    if (zone_day_start(z, d) == due) { /* a midnight: the end of the day before */
        day_words(d - 1, today, day, sizeof day);
        snprintf(out, TIMEWORDS_MAX, "the end of %s", day);
        return;
    }
    int h, m;
    local_hm(z, due, &h, &m);
    day_words(d, today, day, sizeof day);
    snprintf(out, TIMEWORDS_MAX, "%02d:%02d on %s", h, m, day);
}

void timewords_due(const struct zone *z, int64_t due, int64_t now, char out[static TIMEWORDS_MAX])
{
    char when[TIMEWORDS_MAX];
    timewords_deadline(z, due, now, when);
    snprintf(out, TIMEWORDS_MAX, "by %.60s, %s", when, zone_name(z));
}

void timewords_at(const struct zone *z, int64_t t, int64_t now, char out[static TIMEWORDS_MAX])
{
    char day[40];
    int h, m;
    local_hm(z, t, &h, &m);
    day_words(zone_local_day(z, t), zone_local_day(z, now), day, sizeof day);
    snprintf(out, TIMEWORDS_MAX, "%s at %02d:%02d, %s", day, h, m, zone_name(z));
}
