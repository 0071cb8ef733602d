/*
 * iCalendar holiday import and feed writer: see ics.h.
 *
 * Import runs in three steps. A reader turns the bytes into logical lines
 * (line ends normalised, folded lines joined) and remembers where each began.
 * Each line is split into name, parameters and value, and a small state
 * machine tracks the BEGIN/END nesting; the properties of a VEVENT directly
 * inside a VCALENDAR are collected, and at its END the event is expanded into
 * dates. Finally instances replaced by RECURRENCE-ID overrides are dropped and
 * the dates are sorted and merged, one holiday per day.
 *
 * The recurrence expansion is our own rather than libical's icalrecur_iterator:
 * holidays need only FREQ=YEARLY with a few BYxxx parts, and expanding them
 * here over dates (no times, no zones) keeps every loop visibly bounded, by
 * the years asked for and by one work budget for the whole file, which is what
 * an upload handler fed hostile input needs. Anything outside that subset is
 * refused by name (ICS_ERR_UNSUPPORTED) rather than approximated.
 */
#include "core/ics.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/timefmt.h"

#define DAY_SECONDS 86400
#define MAX_DEPTH   8
#define MAX_BYLIST  64

const char *ics_err_name(int err)
{
    switch (err) {
    case ICS_OK:
        return "ok";
    case ICS_ERR_SYNTAX:
        return "ics_syntax";
    case ICS_ERR_TOO_LARGE:
        return "ics_too_large";
    case ICS_ERR_LIMIT:
        return "ics_limit";
    case ICS_ERR_UNSUPPORTED:
        return "ics_unsupported";
    case ICS_ERR_INVALID:
        return "ics_invalid";
    }
    return "unknown_error";
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* ---- UTF-8 --------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s[0..len), or 0 when it is not one. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/* ---- Errors -------------------------------------------------------------- */

struct event;

struct occ {
    int64_t day;  /* the holiday */
    int64_t inst; /* the start day of the instance it belongs to */
    size_t ev;    /* index into ctx.meta */
};

struct meta {
    char *uid;        /* owned, NULL when the event had none */
    const char *name; /* into names, or "" */
    bool is_override;
    int64_t recid_day;
};

struct ctx {
    const struct zone *zone;
    int first_year, last_year;
    struct ics_error *err;
    size_t work;
    struct occ *occ;
    size_t n_occ, cap_occ;
    struct meta *meta;
    size_t n_meta, cap_meta;
    size_t n_outside;
    char **names;
    size_t n_names, cap_names;
};

static int fail(struct ctx *c, int code, size_t line, const char *fmt, ...) VG_PRINTF(4, 5);
static int fail(struct ctx *c, int code, size_t line, const char *fmt, ...)
{
    if (!c->err)
        return code;
    c->err->line = line;
    if (line > 0)
        buf_printf(&c->err->text, "line %zu: ", line);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&c->err->text, fmt, ap);
    va_end(ap);
    return code;
}

/* A printable, bounded copy of a value for messages: ASCII only, at most 40 bytes. */
static const char *snippet(const char *s, char out[static 48])
{
    size_t i = 0;
    for (; s[i] && i < 40; i++)
        out[i] = (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\'') ? s[i] : '?';
    if (s[i]) {
        memcpy(out + i, "...", 3);
        i += 3;
    }
    out[i] = '\0';
    return out;
}

/* ---- Reading lines -------------------------------------------------------- */

struct reader {
    const char *p, *end;
    size_t next_no; /* physical number of the line at p */
};

/* One physical line: [*s, *s + *n), advancing past its terminator (CRLF, LF or CR). */
static void physical(struct reader *r, const char **s, size_t *n)
{
    const char *q = r->p;
    while (q < r->end && *q != '\n' && *q != '\r')
        q++;
    *s = r->p;
    *n = (size_t)(q - r->p);
    if (q < r->end)
        q += (*q == '\r' && q + 1 < r->end && q[1] == '\n') ? 2 : 1;
    r->p = q;
    r->next_no++;
}

/*
 * The next logical line into b (reset first), its first physical line number in
 * *no. Returns 1 for a line, 0 at the end, or ICS_ERR_SYNTAX for a NUL byte.
 */
static int next_line(struct ctx *c, struct reader *r, struct buf *b, size_t *no)
{
    if (r->p >= r->end)
        return 0;
    buf_reset(b);
    const char *s;
    size_t n;
    *no = r->next_no;
    physical(r, &s, &n);
    buf_add(b, s, n);
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t')) {
        physical(r, &s, &n);
        buf_add(b, s + 1, n - 1);
    }
    if (b->len > 0 && memchr(b->data, '\0', b->len))
        return fail(c, ICS_ERR_SYNTAX, *no, "the line contains a NUL byte");
    return 1;
}

/* ---- Content lines -------------------------------------------------------- */

struct prop {
    const char *name;
    size_t name_len;
    const char *value_type; /* VALUE= parameter, or NULL */
    size_t value_type_len;
    const char *value; /* NUL-terminated (the rest of the line) */
};

static bool is_name_char(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '-';
}

static bool ieq(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    if (len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char a = s[i];
        if (a >= 'a' && a <= 'z')
            a = (char)(a - 32);
        if (a != lit[i])
            return false;
    }
    return true;
}

static bool is_ctl(unsigned char ch)
{
    return (ch < 0x20 && ch != '\t') || ch == 0x7f;
}

/* Splits "NAME;P=V;P="q":value". Returns 0 or ICS_ERR_SYNTAX. */
static int parse_prop(struct ctx *c, const char *line, size_t no, struct prop *pr)
{
    const char *s = line;
    memset(pr, 0, sizeof(*pr));
    pr->name = s;
    while (is_name_char(*s))
        s++;
    pr->name_len = (size_t)(s - line);
    if (pr->name_len == 0) {
        char q[48];
        return fail(c, ICS_ERR_SYNTAX, no, "'%s' is not a property line (expected NAME:value)",
                    snippet(line, q));
    }
    while (*s == ';') {
        const char *pn = ++s;
        while (is_name_char(*s))
            s++;
        size_t pn_len = (size_t)(s - pn);
        if (pn_len == 0 || *s != '=')
            return fail(c, ICS_ERR_SYNTAX, no, "malformed parameter after %.*s",
                        (int)(pr->name_len > 40 ? 40 : pr->name_len), pr->name);
        s++;
        for (;;) {
            const char *pv = s;
            if (*s == '"') {
                pv = ++s;
                while (*s && *s != '"' && !is_ctl((unsigned char)*s))
                    s++;
                if (*s != '"')
                    return fail(c, ICS_ERR_SYNTAX, no, "unterminated quoted parameter value");
                if (ieq(pn, pn_len, "VALUE")) {
                    pr->value_type = pv;
                    pr->value_type_len = (size_t)(s - pv);
                }
                s++;
            } else {
                while (*s && *s != ';' && *s != ':' && *s != ',' && *s != '"' &&
                       !is_ctl((unsigned char)*s))
                    s++;
                if (ieq(pn, pn_len, "VALUE")) {
                    pr->value_type = pv;
                    pr->value_type_len = (size_t)(s - pv);
                }
            }
            if (*s != ',')
                break;
            s++;
        }
    }
    if (*s != ':')
        return fail(c, ICS_ERR_SYNTAX, no, "expected ':' after the name of %.*s",
                    (int)(pr->name_len > 40 ? 40 : pr->name_len), pr->name);
    pr->value = s + 1;
    return ICS_OK;
}

/* Trims trailing blanks in place (values of BEGIN/END and dates). */
static void rtrim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
}

/* ---- Dates and times ------------------------------------------------------ */

struct when {
    bool is_date;
    int64_t wall; /* local wall seconds: day * 86400 + time of day */
};

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

enum want { WANT_ANY, WANT_DATE, WANT_DATE_TIME };

/* Parses one DATE or DATE-TIME value of exactly len bytes. Returns false when malformed. */
static bool parse_when(const struct ctx *c, const char *s, size_t len, enum want want,
                       struct when *w)
{
    if (len < 8)
        return false;
    int y = digits(s, 4), m = digits(s + 4, 2), d = digits(s + 6, 2);
    if (y < 0 || m < 0 || d < 0 || !civil_valid(y, m, d))
        return false;
    int64_t day = days_from_civil(y, m, d);
    if (len == 8) {
        if (want == WANT_DATE_TIME)
            return false;
        w->is_date = true;
        w->wall = day * DAY_SECONDS;
        return true;
    }
    if (want == WANT_DATE || (len != 15 && len != 16) || s[8] != 'T')
        return false;
    int hh = digits(s + 9, 2), mm = digits(s + 11, 2), ss = digits(s + 13, 2);
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
        return false;
    if (ss == 60)
        ss = 59; /* a leap second names the last second of its minute */
    w->is_date = false;
    w->wall = day * DAY_SECONDS + hh * 3600 + mm * 60 + ss;
    if (len == 16) {
        if (s[15] != 'Z')
            return false;
        int64_t t = w->wall; /* UTC: the local date is the calendar zone's */
        w->wall = t + (c->zone ? zone_utc_offset(c->zone, t) : 0);
    }
    return true;
}

static enum want want_of(const struct prop *pr)
{
    if (!pr->value_type)
        return WANT_ANY;
    if (ieq(pr->value_type, pr->value_type_len, "DATE"))
        return WANT_DATE;
    return WANT_DATE_TIME;
}

/* A DTSTART/DTEND/RECURRENCE-ID value. */
static int parse_when_prop(struct ctx *c, const struct prop *pr, char *value, size_t no,
                           struct when *w)
{
    char q[48];
    rtrim(value);
    enum want want = want_of(pr);
    if (pr->value_type && want == WANT_DATE_TIME &&
        !ieq(pr->value_type, pr->value_type_len, "DATE-TIME"))
        return fail(c, ICS_ERR_UNSUPPORTED, no, "%.*s with VALUE=%.*s is not supported",
                    (int)(pr->name_len > 40 ? 40 : pr->name_len), pr->name,
                    (int)(pr->value_type_len > 20 ? 20 : pr->value_type_len), pr->value_type);
    if (parse_when(c, value, strlen(value), want, w))
        return ICS_OK;
    bool dt = want == WANT_DATE_TIME || (want == WANT_ANY && strchr(value, 'T'));
    return fail(c, ICS_ERR_SYNTAX, no, "%.*s value '%s' is not a %s (expected %s)",
                (int)(pr->name_len > 40 ? 40 : pr->name_len), pr->name, snippet(value, q),
                dt ? "date-time" : "date", dt ? "YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ" : "YYYYMMDD");
}

/* Parses "P1D", "P2W", "PT36H", "P1DT12H" (no sign or a '+'). Returns false when malformed. */
static bool parse_duration(const char *s, int64_t *secs)
{
    int64_t total = 0;
    bool in_time = false, any = false;
    if (*s == '+')
        s++;
    if (*s++ != 'P')
        return false;
    while (*s) {
        if (*s == 'T' && !in_time) {
            in_time = true;
            s++;
            continue;
        }
        int64_t v = 0;
        int nd = 0;
        while (*s >= '0' && *s <= '9' && nd < 7) {
            v = v * 10 + (*s++ - '0');
            nd++;
        }
        if (nd == 0)
            return false;
        char u = *s++;
        if (!in_time && u == 'W')
            total += v * 7 * DAY_SECONDS;
        else if (!in_time && u == 'D')
            total += v * DAY_SECONDS;
        else if (in_time && u == 'H')
            total += v * 3600;
        else if (in_time && u == 'M')
            total += v * 60;
        else if (in_time && u == 'S')
            total += v;
        else
            return false;
        any = true;
    }
    *secs = total;
    return any;
}

/* ---- RRULE ---------------------------------------------------------------- */

struct byday {
    int n;  /* 0: every such weekday; +-1..53: the n-th (from the end when negative) */
    int wd; /* ISO 1 = Monday .. 7 = Sunday */
};

struct rrule {
    int interval, count;
    bool has_until;
    int64_t until_day;
    int bymonth[12], n_bymonth;
    int bymonthday[MAX_BYLIST], n_bymonthday;
    struct byday byday[MAX_BYLIST];
    int n_byday;
};

static int weekday_code(const char *s)
{
    static const char *codes[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
    for (int i = 0; i < 7; i++)
        if ((s[0] == codes[i][0] || s[0] == codes[i][0] + 32) &&
            (s[1] == codes[i][1] || s[1] == codes[i][1] + 32))
            return i + 1;
    return 0;
}

/* Parses a signed integer filling all of [s, s+len); false when it is not one. */
static bool parse_int(const char *s, size_t len, int lo, int hi, int *out)
{
    int sign = 1;
    size_t i = 0;
    if (len > 0 && (s[0] == '+' || s[0] == '-')) {
        sign = s[0] == '-' ? -1 : 1;
        i = 1;
    }
    if (i == len || len - i > 6)
        return false;
    int v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    v *= sign;
    if (v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static int parse_rrule(struct ctx *c, char *value, size_t no, struct rrule *rr)
{
    char q[48];
    bool seen_freq = false, seen[8] = {false};
    memset(rr, 0, sizeof(*rr));
    rr->interval = 1;
    rtrim(value);
    for (char *part = value; part && *part;) {
        char *semi = strchr(part, ';');
        if (semi)
            *semi = '\0';
        char *eq = strchr(part, '=');
        if (!eq || eq == part)
            return fail(c, ICS_ERR_SYNTAX, no, "RRULE part '%s' is not NAME=VALUE",
                        snippet(part, q));
        size_t nl = (size_t)(eq - part);
        char *v = eq + 1;
        size_t vl = strlen(v);
        static const char *names[] = {"INTERVAL",   "COUNT", "UNTIL", "BYMONTH",
                                      "BYMONTHDAY", "BYDAY", "WKST"};
        int which = -1;
        for (int i = 0; i < 7; i++)
            if (ieq(part, nl, names[i]))
                which = i;
        if (ieq(part, nl, "FREQ")) {
            if (seen_freq)
                return fail(c, ICS_ERR_SYNTAX, no, "RRULE has FREQ twice");
            seen_freq = true;
            if (!ieq(v, vl, "YEARLY"))
                return fail(c, ICS_ERR_UNSUPPORTED, no,
                            "RRULE FREQ=%s is not supported (holidays recur yearly: FREQ=YEARLY)",
                            snippet(v, q));
        } else if (which < 0) {
            *eq = '\0';
            return fail(c, ICS_ERR_UNSUPPORTED, no, "RRULE part %s is not supported",
                        snippet(part, q));
        } else if (seen[which]) {
            return fail(c, ICS_ERR_SYNTAX, no, "RRULE has %s twice", names[which]);
        } else {
            seen[which] = true;
            bool ok = true;
            char *item, *save = NULL;
            switch (which) {
            case 0:
                ok = parse_int(v, vl, 1, 1000, &rr->interval);
                break;
            case 1:
                ok = parse_int(v, vl, 1, 10000, &rr->count);
                break;
            case 2: {
                struct when w;
                ok = parse_when(c, v, vl, WANT_ANY, &w);
                rr->has_until = ok;
                rr->until_day = ok ? floor_div(w.wall, DAY_SECONDS) : 0;
                break;
            }
            case 3:
                for (item = strtok_r(v, ",", &save); ok && item; item = strtok_r(NULL, ",", &save))
                    ok = rr->n_bymonth < 12 &&
                         parse_int(item, strlen(item), 1, 12, &rr->bymonth[rr->n_bymonth++]);
                ok = ok && rr->n_bymonth > 0;
                break;
            case 4:
                for (item = strtok_r(v, ",", &save); ok && item;
                     item = strtok_r(NULL, ",", &save)) {
                    int d = 0;
                    ok = rr->n_bymonthday < MAX_BYLIST &&
                         parse_int(item, strlen(item), -31, 31, &d) && d != 0;
                    if (ok)
                        rr->bymonthday[rr->n_bymonthday++] = d;
                }
                ok = ok && rr->n_bymonthday > 0;
                break;
            case 5:
                for (item = strtok_r(v, ",", &save); ok && item;
                     item = strtok_r(NULL, ",", &save)) {
                    size_t il = strlen(item);
                    struct byday b = {0, 0};
                    ok = il >= 2 && rr->n_byday < MAX_BYLIST &&
                         (b.wd = weekday_code(item + il - 2)) != 0 &&
                         (il == 2 || (parse_int(item, il - 2, -53, 53, &b.n) && b.n != 0));
                    if (ok)
                        rr->byday[rr->n_byday++] = b;
                }
                ok = ok && rr->n_byday > 0;
                break;
            case 6:
                ok = vl == 2 && weekday_code(v) != 0;
                break;
            }
            if (!ok)
                return fail(c, ICS_ERR_SYNTAX, no, "RRULE %s value is malformed", names[which]);
        }
        part = semi ? semi + 1 : NULL;
    }
    if (!seen_freq)
        return fail(c, ICS_ERR_SYNTAX, no, "RRULE has no FREQ");
    if (seen[1] && seen[2])
        return fail(c, ICS_ERR_SYNTAX, no, "RRULE has both COUNT and UNTIL");
    return ICS_OK;
}

static int month_days(int y, int m)
{
    return (int)(days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) -
                 days_from_civil(y, m, 1));
}

/* The n-th weekday wd within [first, last] (n < 0 counts from the end); -1 when none. */
static int64_t nth_weekday(int64_t first, int64_t last, int n, int wd)
{
    int64_t day;
    if (n > 0)
        day = first + (wd - weekday_from_days(first) + 7) % 7 + 7 * (int64_t)(n - 1);
    else
        day = last - (weekday_from_days(last) - wd + 7) % 7 - 7 * (int64_t)(-n - 1);
    return day >= first && day <= last ? day : -1;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Candidates of one year are marks on its days, so they come out sorted and unique. */
struct year_marks {
    int64_t jan1;
    int lo, hi; /* the marked range, so only it is scanned */
    bool day[366];
};

static void cand_add(struct year_marks *ym, int64_t day)
{
    int64_t i = day - ym->jan1;
    if (i < 0 || i >= 366)
        return;
    ym->day[i] = true;
    ym->lo = (int)i < ym->lo ? (int)i : ym->lo;
    ym->hi = (int)i > ym->hi ? (int)i : ym->hi;
}

/* Does day (in month y-m) satisfy one of the BYDAY entries, n counted in the month? */
static bool byday_match(const struct rrule *rr, int64_t day, int y, int m)
{
    int wd = weekday_from_days(day);
    int64_t first = days_from_civil(y, m, 1), last = first + month_days(y, m) - 1;
    for (int i = 0; i < rr->n_byday; i++) {
        if (rr->byday[i].wd != wd)
            continue;
        if (rr->byday[i].n == 0 || nth_weekday(first, last, rr->byday[i].n, wd) == day)
            return true;
    }
    return false;
}

/* The dates the rule yields in year y, ascending and unique, into cand (366 entries);
   returns how many. *work grows by the steps taken. */
static size_t rr_candidates(const struct rrule *rr, int y, int m0, int d0, int64_t *cand,
                            size_t *work)
{
    struct year_marks ym;
    ym.jan1 = days_from_civil(y, 1, 1);
    ym.lo = 366;
    ym.hi = -1;
    memset(ym.day, 0, sizeof(ym.day));
    int months_default[1] = {m0};
    const int *months = rr->n_bymonth ? rr->bymonth : months_default;
    int n_months = rr->n_bymonth ? rr->n_bymonth : 1;
    *work += 1 + (size_t)n_months * (size_t)(1 + rr->n_bymonthday + 5 * rr->n_byday);

    if (rr->n_bymonthday) {
        for (int i = 0; i < n_months; i++) {
            int md = month_days(y, months[i]);
            for (int k = 0; k < rr->n_bymonthday; k++) {
                int d = rr->bymonthday[k] > 0 ? rr->bymonthday[k] : md + rr->bymonthday[k] + 1;
                if (d < 1 || d > md)
                    continue;
                int64_t day = days_from_civil(y, months[i], d);
                if (rr->n_byday == 0 || byday_match(rr, day, y, months[i]))
                    cand_add(&ym, day);
            }
        }
    } else if (rr->n_byday) {
        /* With BYMONTH the n-th weekday counts within each month, else within the year. */
        int n_ranges = rr->n_bymonth ? n_months : 1;
        for (int i = 0; i < n_ranges; i++) {
            int64_t first = rr->n_bymonth ? days_from_civil(y, months[i], 1) : ym.jan1;
            int64_t last =
                rr->n_bymonth ? first + month_days(y, months[i]) - 1 : days_from_civil(y, 12, 31);
            for (int k = 0; k < rr->n_byday; k++) {
                if (rr->byday[k].n != 0) {
                    int64_t day = nth_weekday(first, last, rr->byday[k].n, rr->byday[k].wd);
                    if (day >= 0)
                        cand_add(&ym, day);
                    continue;
                }
                for (int64_t day = nth_weekday(first, last, 1, rr->byday[k].wd);
                     day >= 0 && day <= last; day += 7)
                    cand_add(&ym, day);
            }
        }
    } else {
        for (int i = 0; i < n_months; i++)
            if (d0 <= month_days(y, months[i])) /* Feb 29 only in leap years */
                cand_add(&ym, days_from_civil(y, months[i], d0));
    }
    size_t n = 0;
    for (int i = ym.lo; i <= ym.hi; i++)
        if (ym.day[i])
            cand[n++] = ym.jan1 + i;
    *work += n;
    return n;
}

/* ---- Events --------------------------------------------------------------- */

struct event {
    size_t begin_line;
    bool has_start, has_end, has_duration, has_rrule, has_recid, cancelled;
    size_t start_line, end_line, rrule_line;
    struct when start, end, recid;
    int64_t duration;
    struct rrule rr;
    char *summary; /* owned until handed to ctx.names */
    char *uid;     /* owned until handed to ctx.meta */
    int64_t *exdates, *rdates;
    size_t n_ex, n_rd, cap_ex, cap_rd;
};

static void event_clear(struct event *e)
{
    free(e->summary);
    free(e->uid);
    free(e->exdates);
    free(e->rdates);
    memset(e, 0, sizeof(*e));
}

static void push_day(int64_t **arr, size_t *n, size_t *cap, int64_t day)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *arr = xrealloc(*arr, *cap * sizeof(**arr));
    }
    (*arr)[(*n)++] = day;
}

/* EXDATE and RDATE: comma-separated dates or date-times (RDATE periods: their start). */
static int parse_date_list(struct ctx *c, const struct prop *pr, char *value, size_t no,
                           int64_t **arr, size_t *n, size_t *cap)
{
    char q[48];
    bool period = pr->value_type && ieq(pr->value_type, pr->value_type_len, "PERIOD");
    rtrim(value);
    enum want want = period ? WANT_DATE_TIME : want_of(pr);
    char *save = NULL;
    for (char *item = strtok_r(value, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        size_t len = strlen(item);
        if (period) {
            char *slash = strchr(item, '/');
            len = slash ? (size_t)(slash - item) : len;
        }
        struct when w;
        if (*n >= ICS_MAX_HOLIDAYS)
            return fail(c, ICS_ERR_LIMIT, no, "too many dates in %.*s",
                        (int)(pr->name_len > 40 ? 40 : pr->name_len), pr->name);
        if (!parse_when(c, item, len, want, &w))
            return fail(c, ICS_ERR_SYNTAX, no, "%.*s value '%s' is not a date or date-time",
                        (int)(pr->name_len > 40 ? 40 : pr->name_len), pr->name, snippet(item, q));
        push_day(arr, n, cap, floor_div(w.wall, DAY_SECONDS));
    }
    return ICS_OK;
}

/* TEXT unescaped into one line of valid UTF-8 (controls become spaces), trimmed, capped. */
static int text_value(struct ctx *c, const char *v, size_t no, const char *what, char **out)
{
    struct buf b = {0};
    for (const char *s = v; *s; s++) {
        char ch = *s;
        if (ch == '\\' && s[1]) {
            s++;
            ch = (*s == 'n' || *s == 'N') ? ' ' : *s;
        }
        if (is_ctl((unsigned char)ch) || ch == '\t')
            ch = ' ';
        buf_putc(&b, ch);
    }
    const unsigned char *u = (const unsigned char *)buf_str(&b);
    for (size_t i = 0; i < b.len;) {
        size_t n = utf8_seq(u + i, b.len - i);
        if (n == 0) {
            buf_free(&b);
            return fail(c, ICS_ERR_SYNTAX, no, "%s is not valid UTF-8", what);
        }
        i += n;
    }
    /* Trim, then cut at ICS_MAX_NAME bytes without splitting a character. */
    size_t start = 0, end = b.len;
    while (start < end && u[start] == ' ')
        start++;
    while (end > start && u[end - 1] == ' ')
        end--;
    if (end - start > ICS_MAX_NAME) {
        end = start + ICS_MAX_NAME;
        while (end > start && (u[end] & 0xc0) == 0x80)
            end--;
    }
    *out = xstrndup((const char *)u + start, end - start);
    buf_free(&b);
    return ICS_OK;
}

static int add_occ(struct ctx *c, size_t ev, int64_t inst, int64_t day, size_t line)
{
    int y = civil_from_days(day).year;
    if (y < c->first_year || y > c->last_year) {
        c->n_outside++;
        return ICS_OK;
    }
    if (c->n_occ >= ICS_MAX_HOLIDAYS)
        return fail(c, ICS_ERR_LIMIT, line, "the file yields more than %d holiday dates",
                    ICS_MAX_HOLIDAYS);
    if (c->n_occ == c->cap_occ) {
        c->cap_occ = c->cap_occ ? c->cap_occ * 2 : 64;
        c->occ = xrealloc(c->occ, c->cap_occ * sizeof(*c->occ));
    }
    c->occ[c->n_occ].day = day;
    c->occ[c->n_occ].inst = inst;
    c->occ[c->n_occ].ev = ev;
    c->n_occ++;
    return ICS_OK;
}

/* Adds every day of the instance starting on inst unless an EXDATE removes it. */
static int add_instance(struct ctx *c, const struct event *e, size_t ev, int64_t inst, int64_t span)
{
    if (e->n_ex && bsearch(&inst, e->exdates, e->n_ex, sizeof(int64_t), cmp_i64))
        return ICS_OK;
    for (int64_t k = 0; k < span; k++) {
        int rc = add_occ(c, ev, inst, inst + k, e->begin_line);
        if (rc != ICS_OK)
            return rc;
    }
    return ICS_OK;
}

/* Expands the yearly rule from the start day s (already added as the first instance). */
static int expand_rrule(struct ctx *c, const struct event *e, size_t ev, int64_t s, int64_t span)
{
    const struct rrule *rr = &e->rr;
    struct civil_date sd = civil_from_days(s);
    int count = 1; /* DTSTART is the first instance */
    int y = sd.year;
    int64_t cand[366];
    if (rr->count == 0 && y < c->first_year - 1) {
        int skip = (c->first_year - 1 - y) / rr->interval;
        y += skip * rr->interval;
    }
    for (; y <= c->last_year && y <= 9999; y += rr->interval) {
        size_t n = rr_candidates(rr, y, sd.month, sd.day, cand, &c->work);
        if (c->work > ICS_MAX_WORK)
            return fail(c, ICS_ERR_LIMIT, e->rrule_line,
                        "RRULE expansion takes too long (more than %d steps in this file)",
                        ICS_MAX_WORK);
        for (size_t i = 0; i < n; i++) {
            if (cand[i] <= s)
                continue;
            if (rr->has_until && cand[i] > rr->until_day)
                return ICS_OK;
            if (rr->count && ++count > rr->count)
                return ICS_OK;
            int rc = add_instance(c, e, ev, cand[i], span);
            if (rc != ICS_OK)
                return rc;
        }
    }
    return ICS_OK;
}

/* At END:VEVENT: checks the event and turns it into dates. */
static int event_finish(struct ctx *c, struct event *e)
{
    if (!e->has_start)
        return fail(c, ICS_ERR_SYNTAX, e->begin_line, "VEVENT has no DTSTART");
    if (e->has_end && e->has_duration)
        return fail(c, ICS_ERR_SYNTAX, e->end_line, "VEVENT has both DTEND and DURATION");
    if (e->has_end && e->end.is_date != e->start.is_date)
        return fail(c, ICS_ERR_SYNTAX, e->end_line,
                    "DTEND must be a date when DTSTART is a date, a date-time otherwise");
    int64_t start = e->start.wall;
    int64_t end = e->has_end         ? e->end.wall
                  : e->has_duration  ? start + e->duration
                  : e->start.is_date ? start + DAY_SECONDS
                                     : start;
    if (end < start)
        return fail(c, ICS_ERR_SYNTAX, e->end_line, "DTEND is before DTSTART");
    int64_t s = floor_div(start, DAY_SECONDS);
    int64_t last = end > start ? floor_div(end - 1, DAY_SECONDS) : s;
    int64_t span = last - s + 1;
    if (span > ICS_MAX_SPAN)
        return fail(c, ICS_ERR_SYNTAX, e->has_end ? e->end_line : e->begin_line,
                    "the event covers more than %d days", ICS_MAX_SPAN);

    if (c->n_meta == c->cap_meta) {
        c->cap_meta = c->cap_meta ? c->cap_meta * 2 : 32;
        c->meta = xrealloc(c->meta, c->cap_meta * sizeof(*c->meta));
    }
    size_t ev = c->n_meta++;
    struct meta *m = &c->meta[ev];
    m->uid = e->uid;
    e->uid = NULL;
    m->is_override = e->has_recid;
    m->recid_day = e->has_recid ? floor_div(e->recid.wall, DAY_SECONDS) : 0;
    m->name = "";
    if (e->summary && e->summary[0]) {
        if (c->n_names == c->cap_names) {
            c->cap_names = c->cap_names ? c->cap_names * 2 : 32;
            c->names = xrealloc(c->names, c->cap_names * sizeof(*c->names));
        }
        c->names[c->n_names++] = e->summary;
        m->name = e->summary;
        e->summary = NULL;
    }
    if (e->cancelled)
        return ICS_OK; /* a cancelled override still removes the instance it names */

    if (e->n_ex)
        qsort(e->exdates, e->n_ex, sizeof(int64_t), cmp_i64);
    int rc = add_instance(c, e, ev, s, span);
    for (size_t i = 0; rc == ICS_OK && i < e->n_rd; i++)
        rc = add_instance(c, e, ev, e->rdates[i], span);
    if (rc == ICS_OK && e->has_rrule)
        rc = expand_rrule(c, e, ev, s, span);
    return rc;
}

/* Handles one property of a VEVENT. */
static int event_prop(struct ctx *c, struct event *e, const struct prop *pr, char *value, size_t no)
{
    char q[48];
    if (ieq(pr->name, pr->name_len, "DTSTART")) {
        if (e->has_start)
            return fail(c, ICS_ERR_SYNTAX, no, "VEVENT has a second DTSTART");
        e->has_start = true;
        e->start_line = no;
        return parse_when_prop(c, pr, value, no, &e->start);
    }
    if (ieq(pr->name, pr->name_len, "DTEND")) {
        if (e->has_end)
            return fail(c, ICS_ERR_SYNTAX, no, "VEVENT has a second DTEND");
        e->has_end = true;
        e->end_line = no;
        return parse_when_prop(c, pr, value, no, &e->end);
    }
    if (ieq(pr->name, pr->name_len, "RECURRENCE-ID")) {
        if (e->has_recid)
            return fail(c, ICS_ERR_SYNTAX, no, "VEVENT has a second RECURRENCE-ID");
        e->has_recid = true;
        return parse_when_prop(c, pr, value, no, &e->recid);
    }
    if (ieq(pr->name, pr->name_len, "DURATION")) {
        rtrim(value);
        if (e->has_duration || !parse_duration(value, &e->duration))
            return fail(c, ICS_ERR_SYNTAX, no,
                        "DURATION value '%s' is malformed (expected e.g. P1D)", snippet(value, q));
        e->has_duration = true;
        e->end_line = no;
        return ICS_OK;
    }
    if (ieq(pr->name, pr->name_len, "RRULE")) {
        if (e->has_rrule)
            return fail(c, ICS_ERR_UNSUPPORTED, no,
                        "a second RRULE in one VEVENT is not supported");
        e->has_rrule = true;
        e->rrule_line = no;
        return parse_rrule(c, value, no, &e->rr);
    }
    if (ieq(pr->name, pr->name_len, "EXDATE"))
        return parse_date_list(c, pr, value, no, &e->exdates, &e->n_ex, &e->cap_ex);
    if (ieq(pr->name, pr->name_len, "RDATE"))
        return parse_date_list(c, pr, value, no, &e->rdates, &e->n_rd, &e->cap_rd);
    if (ieq(pr->name, pr->name_len, "SUMMARY")) {
        if (e->summary)
            return ICS_OK; /* the first one wins (some feeds repeat it per language) */
        return text_value(c, value, no, "SUMMARY", &e->summary);
    }
    if (ieq(pr->name, pr->name_len, "UID")) {
        if (!e->uid)
            e->uid = xstrdup(value);
        return ICS_OK;
    }
    if (ieq(pr->name, pr->name_len, "STATUS")) {
        rtrim(value);
        e->cancelled = ieq(value, strlen(value), "CANCELLED");
        return ICS_OK;
    }
    return ICS_OK;
}

/* ---- Finishing ------------------------------------------------------------ */

struct override_key {
    const char *uid;
    int64_t day;
};

static int cmp_override(const void *a, const void *b)
{
    const struct override_key *x = a, *y = b;
    int r = strcmp(x->uid, y->uid);
    return r ? r : (x->day > y->day) - (x->day < y->day);
}

static int cmp_occ(const void *a, const void *b)
{
    const struct occ *x = a, *y = b;
    if (x->day != y->day)
        return (x->day > y->day) - (x->day < y->day);
    return (x->ev > y->ev) - (x->ev < y->ev);
}

/* Drops instances replaced by overrides, sorts, keeps one date per day. */
static void finish(struct ctx *c, struct ics_import *out)
{
    struct override_key *ov = NULL;
    size_t n_ov = 0;
    for (size_t i = 0; i < c->n_meta; i++)
        if (c->meta[i].is_override && c->meta[i].uid)
            n_ov++;
    if (n_ov) {
        ov = xmalloc(n_ov * sizeof(*ov));
        n_ov = 0;
        for (size_t i = 0; i < c->n_meta; i++)
            if (c->meta[i].is_override && c->meta[i].uid)
                ov[n_ov++] = (struct override_key){c->meta[i].uid, c->meta[i].recid_day};
        qsort(ov, n_ov, sizeof(*ov), cmp_override);
    }
    size_t w = 0;
    for (size_t r = 0; r < c->n_occ; r++) {
        const struct meta *m = &c->meta[c->occ[r].ev];
        if (n_ov && !m->is_override && m->uid) {
            struct override_key k = {m->uid, c->occ[r].inst};
            if (bsearch(&k, ov, n_ov, sizeof(*ov), cmp_override))
                continue;
        }
        c->occ[w++] = c->occ[r];
    }
    c->n_occ = w;
    free(ov);

    if (c->n_occ)
        qsort(c->occ, c->n_occ, sizeof(*c->occ), cmp_occ);
    out->holidays = c->n_occ ? xmalloc(c->n_occ * sizeof(*out->holidays)) : NULL;
    for (size_t r = 0; r < c->n_occ; r++) {
        if (out->n_holidays && out->holidays[out->n_holidays - 1].day == c->occ[r].day)
            continue;
        out->holidays[out->n_holidays].day = c->occ[r].day;
        out->holidays[out->n_holidays].name = c->meta[c->occ[r].ev].name;
        out->n_holidays++;
    }
    out->n_events = c->n_meta;
    out->n_outside = c->n_outside;
    out->names = c->names;
    out->n_names = c->n_names;
    c->names = NULL;
    c->n_names = 0;
}

static void ctx_free(struct ctx *c)
{
    for (size_t i = 0; i < c->n_meta; i++)
        free(c->meta[i].uid);
    free(c->meta);
    free(c->occ);
    for (size_t i = 0; i < c->n_names; i++)
        free(c->names[i]);
    free(c->names);
}

int ics_parse_holidays(const char *data, size_t len, const struct zone *zone, int first_year,
                       int last_year, struct ics_import *out, struct ics_error *err)
{
    struct ctx c = {.zone = zone, .first_year = first_year, .last_year = last_year, .err = err};
    struct reader r = {data, data + len, 1};
    struct buf line = {0};
    struct event ev = {0};
    char *stack[MAX_DEPTH];
    size_t stack_line[MAX_DEPTH];
    int depth = 0, rc = ICS_OK;
    bool saw_calendar = false, in_event = false;
    size_t no = 0;

    memset(out, 0, sizeof(*out));
    if (first_year < 1 || last_year > 9999 || first_year > last_year)
        return fail(&c, ICS_ERR_INVALID, 0, "the years must satisfy 1 <= first <= last <= 9999");
    if (len > ICS_MAX_INPUT)
        return fail(&c, ICS_ERR_TOO_LARGE, 0, "the file is larger than %u bytes", ICS_MAX_INPUT);
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        r.p += 3;

    for (;;) {
        rc = next_line(&c, &r, &line, &no);
        if (rc <= 0)
            break;
        if (line.len == 0)
            continue; /* blank lines are common at the end of files */
        struct prop pr;
        rc = parse_prop(&c, line.data, no, &pr);
        if (rc != ICS_OK)
            break;
        char *value = line.data + (pr.value - line.data);
        bool begin = ieq(pr.name, pr.name_len, "BEGIN"), end = ieq(pr.name, pr.name_len, "END");
        if (begin || end)
            rtrim(value);
        size_t vlen = strlen(value);
        char q[48];
        if (begin) {
            if (vlen == 0)
                rc = fail(&c, ICS_ERR_SYNTAX, no, "BEGIN without a component name");
            else if (depth == 0 && !ieq(value, vlen, "VCALENDAR"))
                rc = fail(&c, ICS_ERR_SYNTAX, no, "expected BEGIN:VCALENDAR, found BEGIN:%s",
                          snippet(value, q));
            else if (depth == MAX_DEPTH)
                rc = fail(&c, ICS_ERR_SYNTAX, no, "components nested more than %d deep", MAX_DEPTH);
            else if (depth >= 1 && ieq(value, vlen, "VCALENDAR"))
                rc = fail(&c, ICS_ERR_SYNTAX, no, "BEGIN:VCALENDAR inside a VCALENDAR");
            if (rc != ICS_OK)
                break;
            saw_calendar = true;
            if (depth == 1 && ieq(value, vlen, "VEVENT")) {
                if (c.n_meta >= ICS_MAX_EVENTS) {
                    rc = fail(&c, ICS_ERR_LIMIT, no, "more than %d events", ICS_MAX_EVENTS);
                    break;
                }
                in_event = true;
                event_clear(&ev);
                ev.begin_line = no;
            }
            stack[depth] = xstrdup(value);
            for (char *u = stack[depth]; *u; u++) /* upper case, so END compares with ieq */
                if (*u >= 'a' && *u <= 'z')
                    *u = (char)(*u - 32);
            stack_line[depth++] = no;
            continue;
        }
        if (end) {
            if (depth == 0 || !ieq(value, vlen, stack[depth - 1])) {
                char q2[48];
                if (depth == 0)
                    rc = fail(&c, ICS_ERR_SYNTAX, no, "END:%s without a matching BEGIN",
                              snippet(value, q));
                else
                    rc = fail(&c, ICS_ERR_SYNTAX, no, "END:%s does not close BEGIN:%s of line %zu",
                              snippet(value, q), snippet(stack[depth - 1], q2),
                              stack_line[depth - 1]);
                break;
            }
            free(stack[--depth]);
            if (depth == 1 && in_event) {
                in_event = false;
                rc = event_finish(&c, &ev);
                event_clear(&ev);
                if (rc != ICS_OK)
                    break;
            }
            continue;
        }
        if (depth == 0) {
            rc = fail(&c, ICS_ERR_SYNTAX, no,
                      saw_calendar ? "content after END:VCALENDAR"
                                   : "expected BEGIN:VCALENDAR before any content");
            break;
        }
        if (in_event && depth == 2) {
            rc = event_prop(&c, &ev, &pr, value, no);
            if (rc != ICS_OK)
                break;
        }
    }
    if (rc == ICS_OK && depth > 0) {
        char q[48];
        rc = fail(&c, ICS_ERR_SYNTAX, stack_line[depth - 1], "BEGIN:%s is never closed by END",
                  snippet(stack[depth - 1], q));
    }
    if (rc == ICS_OK && !saw_calendar)
        rc = fail(&c, ICS_ERR_SYNTAX, 0, "the file holds no VCALENDAR");
    if (rc == ICS_OK)
        finish(&c, out);

    while (depth > 0)
        free(stack[--depth]);
    event_clear(&ev);
    buf_free(&line);
    ctx_free(&c);
    return rc;
}

void ics_import_free(struct ics_import *imp)
{
    if (!imp)
        return;
    for (size_t i = 0; i < imp->n_names; i++)
        free(imp->names[i]);
    free(imp->names);
    free(imp->holidays);
    memset(imp, 0, sizeof(*imp));
}

void ics_error_free(struct ics_error *err)
{
    if (!err)
        return;
    buf_free(&err->text);
    err->line = 0;
}

/* ---- Writing feeds -------------------------------------------------------- */

/* Appends s as valid UTF-8: invalid bytes become U+FFFD; TEXT escaping when text. */
static void put_value(struct buf *b, const char *s, bool text)
{
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    size_t len = strlen((const char *)u);
    for (size_t i = 0; i < len;) {
        unsigned char ch = u[i];
        if (ch == '\r' || ch == '\n') {
            if (text)
                buf_puts(b, "\\n");
            i += (ch == '\r' && u[i + 1] == '\n') ? 2 : 1;
            continue;
        }
        if (is_ctl(ch) || (ch == '\t' && !text)) {
            i++;
            continue;
        }
        if (text && (ch == '\\' || ch == ';' || ch == ',')) {
            buf_putc(b, '\\');
            buf_putc(b, (char)ch);
            i++;
            continue;
        }
        size_t n = utf8_seq(u + i, len - i);
        if (n == 0) {
            buf_puts(b, "\xef\xbf\xbd");
            i++;
            continue;
        }
        buf_add(b, u + i, n);
        i += n;
    }
}

/* Appends one content line, folded at 75 octets on character boundaries, with CRLF. */
static void put_folded(struct buf *out, const struct buf *line)
{
    const unsigned char *s = (const unsigned char *)buf_str(line);
    size_t len = line->len, i = 0;
    bool first = true;
    while (i < len || first) {
        size_t room = first ? 75 : 74; /* a continuation line starts with one space */
        size_t cut = len - i <= room ? len : i + room;
        while (cut < len && cut > i + 1 && (s[cut] & 0xc0) == 0x80)
            cut--; /* never split a UTF-8 sequence */
        if (!first)
            buf_putc(out, ' ');
        buf_add(out, s + i, cut - i);
        buf_puts(out, "\r\n");
        i = cut;
        first = false;
    }
}

static void put_prop(struct buf *out, struct buf *tmp, const char *name, const char *value,
                     bool text)
{
    buf_reset(tmp);
    buf_puts(tmp, name);
    buf_putc(tmp, ':');
    put_value(tmp, value, text);
    put_folded(out, tmp);
}

static void put_time(struct buf *out, struct buf *tmp, const char *name, int64_t t)
{
    int64_t days = floor_div(t, DAY_SECONDS), sod = t - days * DAY_SECONDS;
    struct civil_date d = civil_from_days(days);
    buf_reset(tmp);
    buf_printf(tmp, "%s:%04d%02d%02dT%02d%02d%02dZ", name, d.year, d.month, d.day,
               (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
    put_folded(out, tmp);
}

void ics_write_feed(struct buf *out, const char *prodid, const struct ics_event *events, size_t n,
                    int64_t dtstamp)
{
    struct buf tmp = {0};
    buf_puts(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
    put_prop(out, &tmp, "PRODID", prodid, true);
    buf_puts(out, "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n");
    for (size_t i = 0; i < n; i++) {
        const struct ics_event *e = &events[i];
        buf_puts(out, "BEGIN:VEVENT\r\n");
        put_prop(out, &tmp, "UID", e->uid, true);
        put_time(out, &tmp, "DTSTAMP", dtstamp);
        put_time(out, &tmp, "DTSTART", e->start);
        if (e->end > e->start)
            put_time(out, &tmp, "DTEND", e->end);
        put_prop(out, &tmp, "SUMMARY", e->summary, true);
        if (e->description)
            put_prop(out, &tmp, "DESCRIPTION", e->description, true);
        if (e->url)
            put_prop(out, &tmp, "URL", e->url, false);
        buf_puts(out, "END:VEVENT\r\n");
    }
    buf_puts(out, "END:VCALENDAR\r\n");
    buf_free(&tmp);
}
