/*
 * IANA zones through libical: see zone.h.
 *
 * libical knows offsets only through icaltimezone_get_utc_offset_of_utc_time(),
 * whose zone objects are global and expand their change lists lazily, so we
 * never query it after loading. On the first open of a name we sample that
 * function once a day from ZONE_MIN_YEAR to the end of ZONE_MAX_YEAR and bisect
 * every change to the second, which yields an exact, immutable transition
 * table (a transition pair less than a day apart would be missed; the tz
 * database has none after 1970, and the zdump cross-check in the tests would
 * show it). Queries then never lock.
 *
 * zone_mutex guards everything mutable here: libical's zone loading and its
 * change expansion, the list of valid names read from tzdata.zi, and the cache
 * of opened zones. The cache holds at most one entry per valid name (a few
 * hundred), and unknown names are refused before libical sees them, so it is
 * bounded whatever the callers pass in.
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

/* The libical zone directory; call with zone_mutex held. */
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
        return true; /* no tzdata.zi: the shape check and libical decide */
    return bsearch(&name, zone_names, n_zone_names, sizeof(*zone_names), cmp_str) != NULL;
}

/* libical's offset at UTC instant t; call with zone_mutex held. */
static int32_t lib_offset(icaltimezone *iz, int64_t t)
{
    int64_t days = floor_div(t, DAY_SECONDS);
    int64_t sod = t - days * DAY_SECONDS;
    struct civil_date d = civil_from_days(days);
    struct icaltimetype tt;
    memset(&tt, 0, sizeof(tt));
    tt.year = d.year;
    tt.month = d.month;
    tt.day = d.day;
    tt.hour = (int)(sod / 3600);
    tt.minute = (int)(sod / 60 % 60);
    tt.second = (int)(sod % 60);
    tt.zone = icaltimezone_get_utc_timezone();
    return (int32_t)icaltimezone_get_utc_offset_of_utc_time(iz, &tt, NULL);
}

/* Builds the transition table of a libical zone; call with zone_mutex held. */
static struct zone *zone_build(const char *name, icaltimezone *iz)
{
    struct zone *z = xcalloc(1, sizeof(*z));
    z->name = xstrdup(name);
    int64_t t = days_from_civil(ZONE_MIN_YEAR, 1, 1) * DAY_SECONDS;
    int64_t end = days_from_civil(ZONE_MAX_YEAR + 1, 1, 1) * DAY_SECONDS;
    size_t cap = 0;

    /* Expand libical's change list once up to the end instead of every few years. */
    (void)lib_offset(iz, end);
    int32_t cur = lib_offset(iz, t);
    z->off_before = cur;
    while (t < end) {
        int64_t next = t + DAY_SECONDS < end ? t + DAY_SECONDS : end;
        if (lib_offset(iz, next) == cur) {
            t = next;
            continue;
        }
        /* The first instant in (t, next] whose offset differs from cur. */
        int64_t lo = t, hi = next;
        while (hi - lo > 1) {
            int64_t mid = lo + (hi - lo) / 2;
            if (lib_offset(iz, mid) == cur)
                lo = mid;
            else
                hi = mid;
        }
        cur = lib_offset(iz, hi);
        if (z->n == cap) {
            cap = cap ? cap * 2 : 64;
            z->at = xrealloc(z->at, cap * sizeof(*z->at));
            z->off = xrealloc(z->off, cap * sizeof(*z->off));
        }
        z->at[z->n] = hi;
        z->off[z->n] = cur;
        z->n++;
        t = hi;
    }
    return z;
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
    icaltimezone *iz = icaltimezone_get_builtin_timezone(name);
    if (!iz)
        goto done;
    struct zone *z = zone_build(name, iz);
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
