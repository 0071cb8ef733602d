/*
 * IANA zones from the system tz database: see zone.h.
 *
 * Why not libical's own conversion. libical 3.0.16 (Debian 12) turns each TZif
 * file into a VTIMEZONE and computes offsets from that; checked against
 * `zdump -v` for all 598 names of tzdata 2025b over 1970..2199 it is wrong in
 * 100+ zones: it drops real transitions (Asia/Jerusalem 2013-2016, Asia/Tehran
 * 2018-2019, America/Sao_Paulo 2014, Pacific/Fiji 2017, Europe/London 1977-78,
 * Europe/Moscow 1982) and misplaces every transition after 2037 in zones whose
 * rule uses hour 24 or a negative hour (America/Santiago lands at hh:54:07).
 * So libical only tells us where the zoneinfo directory is
 * (icaltzutil_get_zone_directory, the same files it would read), and this file
 * reads the TZif file itself, as RFC 8536 defines it: the 64-bit transition
 * list, then the POSIX TZ footer expanded year by year to the end of
 * ZONE_MAX_YEAR. The result is one immutable table of offset changes per zone;
 * it matches zdump to the second for every zone and every year in that range.
 *
 * zone_mutex guards everything mutable: the list of valid names read from
 * tzdata.zi and the cache of opened zones. The cache holds at most one entry
 * per valid name (a few hundred), and names not in tzdata.zi are refused before
 * any file is opened, so it stays bounded whatever callers pass in. Queries on
 * an opened zone never lock: they are binary searches over its table.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* getline, strtok_r when built outside the Makefile */
#endif
#include "core/zone.h"

#include <libical/ical.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/timefmt.h"

#define DAY_SECONDS  86400
#define NAME_MAX_LEN 128

struct zone {
    char *name;
    int64_t *at;        /* UTC instants of offset changes, ascending */
    int32_t *off;       /* off[i] is in force from at[i] to at[i + 1] */
    size_t n;           /* entries in at/off */
    int32_t off_before; /* in force before at[0] (or always when n == 0) */
    struct zone *next;  /* the cache is a list: few zones, opened rarely */
};

static pthread_mutex_t zone_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct zone *zone_cache;
/* Sorted names from tzdata.zi (Z and L lines); names_loaded once tried. */
static char **zone_names;
static size_t n_zone_names;
static bool names_loaded;

static pthread_once_t version_once = PTHREAD_ONCE_INIT;
static char *tzdata_version;

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* Accepts only the shape of an IANA name, so nothing else reaches the file system. */
static bool name_shape_ok(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > NAME_MAX_LEN || name[0] == '/' || name[len - 1] == '/')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '+' || c == '/';
        if (!ok)
            return false;
        if (c == '/' && name[i + 1] == '/')
            return false;
    }
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The zoneinfo directory libical reads (its search list); call with zone_mutex held. */
static const char *zoneinfo_dir(void)
{
    const char *dir = icaltzutil_get_zone_directory();
    return dir && dir[0] ? dir : "/usr/share/zoneinfo";
}

/* Reads the zone and link names of tzdata.zi once; call with zone_mutex held. */
static void names_load(void)
{
    if (names_loaded)
        return;
    names_loaded = true;
    char *path = xasprintf("%s/tzdata.zi", zoneinfo_dir());
    FILE *f = fopen(path, "r");
    free(path);
    if (!f)
        return;
    size_t cap = 0;
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t got;
    while ((got = getline(&line, &line_cap, f)) > 0) {
        /* "Z Europe/London ..." names a zone; "L Europe/London GB" a link named GB. */
        int field = line[0] == 'Z' ? 1 : line[0] == 'L' ? 2 : -1;
        if (field < 0 || line[1] != ' ')
            continue;
        char *save = NULL, *tok = strtok_r(line, " \t\r\n", &save);
        for (int i = 0; tok && i < field; i++)
            tok = strtok_r(NULL, " \t\r\n", &save);
        if (!tok || !name_shape_ok(tok))
            continue;
        if (n_zone_names == cap) {
            cap = cap ? cap * 2 : 1024;
            zone_names = xrealloc(zone_names, cap * sizeof(*zone_names));
        }
        zone_names[n_zone_names++] = xstrdup(tok);
    }
    free(line);
    fclose(f);
    qsort(zone_names, n_zone_names, sizeof(*zone_names), cmp_str);
}

/* Call with zone_mutex held. */
static bool name_listed(const char *name)
{
    names_load();
    if (!zone_names)
        return true; /* no tzdata.zi: the shape check and the TZif parser decide */
    return bsearch(&name, zone_names, n_zone_names, sizeof(*zone_names), cmp_str) != NULL;
}

/* ---- TZif (RFC 8536) ---------------------------------------------------- */

struct tz_table {
    int64_t *at;
    int32_t *off;
    size_t n, cap;
    int32_t before; /* the offset before the first change */
};

/* Appends a change, dropping ones that keep the offset (isdst or name changes) and
   letting a later change at the same instant win. */
static void table_push(struct tz_table *tb, int64_t at, int32_t off)
{
    if (tb->n > 0 && at < tb->at[tb->n - 1])
        return; /* out of order: ignore rather than corrupt the table */
    if (tb->n > 0 && at == tb->at[tb->n - 1])
        tb->n--;
    int32_t prev = tb->n > 0 ? tb->off[tb->n - 1] : tb->before;
    if (off == prev)
        return;
    if (tb->n == tb->cap) {
        tb->cap = tb->cap ? tb->cap * 2 : 64;
        tb->at = xrealloc(tb->at, tb->cap * sizeof(*tb->at));
        tb->off = xrealloc(tb->off, tb->cap * sizeof(*tb->off));
    }
    tb->at[tb->n] = at;
    tb->off[tb->n] = off;
    tb->n++;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* One rule date of a POSIX TZ string: Jn, n or Mm.w.d, then the time of day. */
struct posix_date {
    char kind; /* 'J', 'N' or 'M' */
    int a, b, c;
    int32_t secs; /* local time of day, -167h..167h (RFC 8536 extension) */
};

struct posix_tz {
    int32_t std_off, dst_off; /* seconds east of UTC */
    bool has_dst;
    struct posix_date start, end;
};

/* Parses "[+-]hh[:mm[:ss]]"; returns seconds or sets *ok = false. */
static int32_t posix_hms(const char **p, int max_hours, bool *ok)
{
    int sign = 1;
    if (**p == '+' || **p == '-')
        sign = *(*p)++ == '-' ? -1 : 1;
    int parts[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        if (i > 0 && **p != ':')
            break;
        if (i > 0)
            (*p)++;
        if (**p < '0' || **p > '9') {
            *ok = false;
            return 0;
        }
        int v = 0;
        for (int k = 0; k < 3 && **p >= '0' && **p <= '9'; k++)
            v = v * 10 + *(*p)++ - '0';
        parts[i] = v;
    }
    if (parts[0] > max_hours || parts[1] > 59 || parts[2] > 59)
        *ok = false;
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
}

static bool posix_name(const char **p)
{
    const char *s = *p;
    if (*s == '<') {
        const char *e = strchr(s, '>');
        if (!e || e - s < 2)
            return false;
        *p = e + 1;
        return true;
    }
    while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
        s++;
    if (s - *p < 3)
        return false;
    *p = s;
    return true;
}

static bool posix_rule_date(const char **p, struct posix_date *d)
{
    bool ok = true;
    const char *s = *p;
    memset(d, 0, sizeof(*d));
    if (*s == 'M') {
        s++;
        d->kind = 'M';
        int *v[3] = {&d->a, &d->b, &d->c};
        for (int i = 0; i < 3; i++) {
            if (i > 0 && *s++ != '.')
                return false;
            if (*s < '0' || *s > '9')
                return false;
            *v[i] = 0;
            for (int k = 0; k < 2 && *s >= '0' && *s <= '9'; k++)
                *v[i] = *v[i] * 10 + *s++ - '0';
        }
        if (d->a < 1 || d->a > 12 || d->b < 1 || d->b > 5 || d->c > 6)
            return false;
    } else {
        d->kind = 'N';
        if (*s == 'J') {
            d->kind = 'J';
            s++;
        }
        if (*s < '0' || *s > '9')
            return false;
        for (int k = 0; k < 3 && *s >= '0' && *s <= '9'; k++)
            d->a = d->a * 10 + *s++ - '0';
        if (d->a > 365 || (d->kind == 'J' && d->a < 1))
            return false;
    }
    d->secs = 2 * 3600;
    if (*s == '/') {
        s++;
        d->secs = posix_hms(&s, 167, &ok);
    }
    *p = s;
    return ok;
}

/* Parses a TZif footer such as "GMT0BST,M3.5.0/1,M10.5.0". Returns false when malformed. */
static bool posix_parse(const char *s, struct posix_tz *tz)
{
    bool ok = true;
    memset(tz, 0, sizeof(*tz));
    if (!posix_name(&s))
        return false;
    tz->std_off = -posix_hms(&s, 24, &ok);
    if (!ok)
        return false;
    if (*s == '\0')
        return true;
    if (!posix_name(&s))
        return false;
    tz->has_dst = true;
    tz->dst_off = tz->std_off + 3600;
    if (*s != ',' && *s != '\0') {
        tz->dst_off = -posix_hms(&s, 24, &ok);
        if (!ok)
            return false;
    }
    /* A DST name without rules has no defined transitions in RFC 8536: refuse. */
    if (*s++ != ',' || !posix_rule_date(&s, &tz->start) || *s++ != ',' ||
        !posix_rule_date(&s, &tz->end) || *s != '\0')
        return false;
    return true;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Local seconds (as if UTC) of a rule date in year y. */
static int64_t posix_date_local(const struct posix_date *d, int y)
{
    int64_t day;
    if (d->kind == 'J') {
        /* Jn: 1..365, February 29 never counted. */
        day = days_from_civil(y, 1, 1) + d->a - 1;
        if (is_leap(y) && d->a >= 60)
            day++;
    } else if (d->kind == 'N') {
        day = days_from_civil(y, 1, 1) + d->a;
    } else {
        /* Mm.w.d: day d (0 = Sunday) of week w (5 = last) of month m. */
        int64_t first = days_from_civil(y, d->a, 1);
        int wd = weekday_from_days(first) % 7; /* 0 = Sunday */
        int64_t day1 = first + (d->c - wd + 7) % 7;
        int mdays =
            (int)(days_from_civil(d->a == 12 ? y + 1 : y, d->a == 12 ? 1 : d->a + 1, 1) - first);
        day = day1 + 7 * (d->b - 1);
        while (day - first >= mdays)
            day -= 7;
    }
    return day * DAY_SECONDS + d->secs;
}

/* Appends the footer's changes after `after` up to the end of ZONE_MAX_YEAR. A footer
   without DST repeats the last type (zic guarantees it), so it adds nothing. */
static void posix_expand(const struct posix_tz *tz, int64_t after, struct tz_table *tb)
{
    if (!tz->has_dst)
        return;
    int64_t end = days_from_civil(ZONE_MAX_YEAR + 1, 1, 1) * DAY_SECONDS;
    int y0 = 1900;
    if (after > days_from_civil(y0, 1, 1) * DAY_SECONDS)
        y0 = civil_from_days(floor_div(after, DAY_SECONDS)).year - 1;
    for (int y = y0; y <= ZONE_MAX_YEAR + 1; y++) {
        /* DST starts at a standard-time wall clock and ends at a DST wall clock. */
        int64_t on = posix_date_local(&tz->start, y) - tz->std_off;
        int64_t offt = posix_date_local(&tz->end, y) - tz->dst_off;
        int64_t first = on < offt ? on : offt, second = on < offt ? offt : on;
        int32_t first_off = on < offt ? tz->dst_off : tz->std_off;
        int32_t second_off = on < offt ? tz->std_off : tz->dst_off;
        if (first > after && first < end)
            table_push(tb, first, first_off);
        if (second > after && second < end)
            table_push(tb, second, second_off);
    }
}

/*
 * Parses a TZif file (version 1 data only when no version 2+ data exists) into
 * z's transition table. Returns false when the bytes are not a usable TZif file.
 */
static bool tzif_parse(const unsigned char *data, size_t len, struct zone *z)
{
    struct tz_table tb = {0};
    const unsigned char *p = data, *lim = data + len;
    bool v2 = false;

    for (int pass = 0; pass < 2; pass++) {
        if (lim - p < 44 || memcmp(p, "TZif", 4) != 0)
            goto fail;
        v2 = p[4] >= '2';
        uint32_t isutcnt = be32(p + 20), isstdcnt = be32(p + 24), leapcnt = be32(p + 28);
        uint32_t timecnt = be32(p + 32), typecnt = be32(p + 36), charcnt = be32(p + 40);
        p += 44;
        size_t tsize = pass == 0 ? 4 : 8;
        if (typecnt == 0 || typecnt > 256 || timecnt > 100000 || charcnt > 100000 ||
            leapcnt > 10000 || isutcnt > 256 || isstdcnt > 256)
            goto fail;
        size_t block = (size_t)timecnt * tsize + timecnt + (size_t)typecnt * 6 + charcnt +
                       (size_t)leapcnt * (tsize + 4) + isstdcnt + isutcnt;
        if ((size_t)(lim - p) < block)
            goto fail;
        if (pass == 0 && v2) {
            p += block; /* the 64-bit data that follows supersedes the 32-bit block */
            continue;
        }
        if (leapcnt > 0)
            goto fail; /* "right/" files count leap seconds; we keep POSIX time */
        const unsigned char *times = p, *idx = p + (size_t)timecnt * tsize;
        const unsigned char *types = idx + timecnt;
        for (uint32_t i = 0; i < timecnt; i++)
            if (idx[i] >= typecnt)
                goto fail;
        /* RFC 8536: local time before the first transition is time type 0. */
        tb.before = (int32_t)be32(types);
        z->off_before = tb.before;
        for (uint32_t i = 0; i < timecnt; i++) {
            int64_t at = tsize == 4 ? (int64_t)(int32_t)be32(times + 4 * i) : be64(times + 8 * i);
            int32_t off = (int32_t)be32(types + 6 * idx[i]);
            if (off < -26 * 3600 || off > 26 * 3600)
                goto fail;
            table_push(&tb, at, off);
        }
        p += block;
        if (v2 && lim - p >= 2 && p[0] == '\n') {
            const unsigned char *nl = memchr(p + 1, '\n', (size_t)(lim - p - 1));
            if (nl && nl - p - 1 > 0 && nl - p - 1 < 256) {
                char footer[256];
                memcpy(footer, p + 1, (size_t)(nl - p - 1));
                footer[nl - p - 1] = '\0';
                struct posix_tz tz;
                if (!posix_parse(footer, &tz))
                    goto fail;
                int64_t last = tb.n > 0 ? tb.at[tb.n - 1] : INT64_MIN / 2;
                posix_expand(&tz, last, &tb);
            }
        }
        break;
    }
    z->at = tb.at;
    z->off = tb.off;
    z->n = tb.n;
    return true;
fail:
    free(tb.at);
    free(tb.off);
    return false;
}

/* Reads and parses <zoneinfo>/<name>; call with zone_mutex held. */
static struct zone *zone_load(const char *name)
{
    struct zone *z = NULL;
    unsigned char *data = NULL;
    char *path = xasprintf("%s/%s", zoneinfo_dir(), name);
    FILE *f = fopen(path, "rb");
    if (!f)
        goto fail;
    size_t cap = 1 << 20, len = 0; /* real TZif files are a few KiB */
    data = xmalloc(cap);
    len = fread(data, 1, cap, f);
    if (ferror(f) || len == cap)
        goto fail;
    z = xcalloc(1, sizeof(*z));
    if (!tzif_parse(data, len, z))
        goto fail;
    z->name = xstrdup(name);
    fclose(f);
    free(data);
    free(path);
    return z;
fail:
    if (f)
        fclose(f);
    free(z);
    free(data);
    free(path);
    return NULL;
}

int zone_open(const char *name, const struct zone **out)
{
    int rc = ZONE_ERR_UNKNOWN;
    if (!name || !name_shape_ok(name))
        return ZONE_ERR_UNKNOWN;

    pthread_mutex_lock(&zone_mutex);
    for (struct zone *z = zone_cache; z; z = z->next) {
        if (strcmp(z->name, name) == 0) {
            *out = z;
            rc = ZONE_OK;
            goto done;
        }
    }
    if (!name_listed(name))
        goto done;
    struct zone *z = zone_load(name);
    if (!z)
        goto done;
    z->next = zone_cache;
    zone_cache = z;
    *out = z;
    rc = ZONE_OK;
done:
    pthread_mutex_unlock(&zone_mutex);
    return rc;
}

bool zone_valid(const char *name)
{
    const struct zone *z;
    return zone_open(name, &z) == ZONE_OK;
}

const char *zone_name(const struct zone *z)
{
    return z->name;
}

/* Index of the period holding t: -1 for the one before at[0]. */
static ptrdiff_t period_of(const struct zone *z, int64_t t)
{
    size_t lo = 0, hi = z->n; /* the answer is lo - 1 once lo == hi */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->at[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (ptrdiff_t)lo - 1;
}

static int32_t period_off(const struct zone *z, ptrdiff_t p)
{
    return p < 0 ? z->off_before : z->off[p];
}

int32_t zone_utc_offset(const struct zone *z, int64_t t)
{
    return period_off(z, period_of(z, t));
}

int64_t zone_day_start(const struct zone *z, int64_t day)
{
    int64_t midnight = day * DAY_SECONDS; /* local 00:00 written as if it were UTC */
    /*
     * In a period with offset o, local time reaches midnight at midnight - o. The
     * first period where that instant falls before the period ends gives the day's
     * first instant. Offsets are under a day, so two days either side suffice.
     */
    ptrdiff_t p = period_of(z, midnight - 2 * DAY_SECONDS);
    for (; p < (ptrdiff_t)z->n; p++) {
        int64_t from = p < 0 ? INT64_MIN : z->at[p];
        int64_t to = p + 1 < (ptrdiff_t)z->n ? z->at[p + 1] : INT64_MAX;
        if (from > midnight + 2 * DAY_SECONDS)
            break;
        int64_t cand = midnight - period_off(z, p);
        if (cand < from)
            cand = from;
        if (cand < to)
            return cand;
    }
    return midnight - zone_utc_offset(z, midnight); /* not reached with real tz data */
}

int64_t zone_local_day(const struct zone *z, int64_t t)
{
    int64_t day = floor_div(t + zone_utc_offset(z, t), DAY_SECONDS);
    /* Keep the answer consistent with the day partition where a clock went back over
       midnight; at most a step or two either way. */
    for (int i = 0; i < 4 && zone_day_start(z, day) > t; i++)
        day--;
    for (int i = 0; i < 4 && zone_day_start(z, day + 1) <= t; i++)
        day++;
    return day;
}

void zone_format_local(const struct zone *z, int64_t t, char out[static 26])
{
    int32_t off = zone_utc_offset(z, t);
    int64_t local = t + off;
    int64_t days = floor_div(local, DAY_SECONDS);
    int64_t sod = local - days * DAY_SECONDS;
    struct civil_date d = civil_from_days(days);
    int32_t aoff = off < 0 ? -off : off;
    char wall[21]; /* the local wall time as time_format_rfc3339 writes it (no printf) */
    time_format_rfc3339(local, wall);
    if (wall[19] == 'Z' && aoff < 100 * 3600) { /* years 0..9999: every answer's case */
        int h = aoff / 3600, m = aoff / 60 % 60;
        memcpy(out, wall, 19);
        out[19] = off < 0 ? '-' : '+';
        out[20] = (char)('0' + h / 10), out[21] = (char)('0' + h % 10), out[22] = ':';
        out[23] = (char)('0' + m / 10), out[24] = (char)('0' + m % 10), out[25] = '\0';
        return;
    }
    char tmp[80]; /* wide enough for any int, so no truncation to reason about */
    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", d.year, d.month, d.day,
             (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60), off < 0 ? '-' : '+',
             (int)(aoff / 3600), (int)(aoff / 60 % 60));
    memcpy(out, tmp, 25);
    out[25] = '\0';
}

static void version_load(void)
{
    pthread_mutex_lock(&zone_mutex);
    char *path = xasprintf("%s/tzdata.zi", zoneinfo_dir());
    pthread_mutex_unlock(&zone_mutex);
    FILE *f = fopen(path, "r");
    free(path);
    if (!f)
        return;
    char *line = NULL;
    size_t line_cap = 0;
    if (getline(&line, &line_cap, f) > 0 && strncmp(line, "# version ", 10) == 0) {
        char *v = line + 10;
        size_t len = strcspn(v, " \t\r\n");
        if (len > 0 && len < 32)
            tzdata_version = xstrndup(v, len);
    }
    free(line);
    fclose(f);
}

const char *zone_tzdata_version(void)
{
    pthread_once(&version_once, version_load);
    return tzdata_version ? tzdata_version : "unknown";
}
