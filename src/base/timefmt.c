/*
 * Instants and civil dates as text: see timefmt.h. The calendar arithmetic is
 * the days-from-civil / civil-from-days pair, exact over the whole int range.
 */
#include "base/timefmt.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int64_t days_from_civil(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

struct civil_date civil_from_days(int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    struct civil_date out = {(int)(y + (m <= 2)), (int)m, (int)d};
    return out;
}

int weekday_from_days(int64_t days)
{
    /* 1970-01-01 was a Thursday (ISO 4). */
    int64_t w = (days + 3) % 7;
    if (w < 0)
        w += 7;
    return (int)w + 1;
}

bool civil_valid(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
        return false;
    int max = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        max = 29;
    return d <= max;
}

/* Reads exactly n digits from *p; returns -1 if any is not a digit. */
static int digits(const char **p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    return v;
}

int date_parse(const char *s, struct civil_date *out)
{
    const char *p = s;
    int y = digits(&p, 4);
    if (y < 0 || *p++ != '-')
        return -1;
    int m = digits(&p, 2);
    if (m < 0 || *p++ != '-')
        return -1;
    int d = digits(&p, 2);
    if (d < 0 || *p != '\0' || !civil_valid(y, m, d))
        return -1;
    out->year = y;
    out->month = m;
    out->day = d;
    return 0;
}

int time_parse_rfc3339(const char *s, int64_t *out)
{
    const char *p = s;
    int y = digits(&p, 4);
    if (y < 0 || *p++ != '-')
        return -1;
    int mo = digits(&p, 2);
    if (mo < 0 || *p++ != '-')
        return -1;
    int d = digits(&p, 2);
    if (d < 0 || (*p != 'T' && *p != 't' && *p != ' '))
        return -1;
    p++;
    int h = digits(&p, 2);
    if (h < 0 || *p++ != ':')
        return -1;
    int mi = digits(&p, 2);
    if (mi < 0 || *p++ != ':')
        return -1;
    int sec = digits(&p, 2);
    if (sec < 0)
        return -1;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        while (isdigit((unsigned char)*p))
            p++;
    }
    int offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;
        p++;
        int oh = digits(&p, 2);
        if (oh < 0 || oh > 23 || *p++ != ':')
            return -1;
        int om = digits(&p, 2);
        if (om < 0 || om > 59)
            return -1;
        offset = sign * (oh * 3600 + om * 60);
    } else {
        return -1;
    }
    if (*p != '\0' || !civil_valid(y, mo, d) || h > 23 || mi > 59 || sec > 60)
        return -1;
    if (sec == 60) /* a leap second names the same instant as :59 + 1 */
        sec = 59, offset -= 1;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
    return 0;
}

/* Writes v (0..99) as two digits. */
static void two_digits(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

void time_format_rfc3339(int64_t t, char out[static 21])
{
    int64_t days = t / 86400, secs = t % 86400;
    if (secs < 0)
        secs += 86400, days--;
    struct civil_date c = civil_from_days(days);
    if (c.year >= 0 && c.year <= 9999) { /* by hand: this runs for every time in every answer */
        memcpy(out, "0000-00-00T00:00:00Z", 21);
        two_digits(out, c.year / 100);
        two_digits(out + 2, c.year % 100);
        two_digits(out + 5, c.month);
        two_digits(out + 8, c.day);
        two_digits(out + 11, (int)(secs / 3600));
        two_digits(out + 14, (int)(secs / 60 % 60));
        two_digits(out + 17, (int)(secs % 60));
        return;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    memcpy(out, tmp, 20);
    out[20] = '\0';
}

void date_format(struct civil_date d, char out[static 11])
{
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", d.year, d.month, d.day);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}
