/*
 * The operation context and its typed errors: see op.h.
 */
#include "app/op.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/recover.h"
#include "base/timefmt.h"
#include "core/timewords.h"

#define MAX_WAKERS 8

static char public_url[512] = "http://127.0.0.1:8080";
static struct {
    unsigned what;
    void (*fn)(void);
} wakers[MAX_WAKERS];
static int n_wakers;
/* what this thread's operation in progress has made work for (op_touch) */
static _Thread_local unsigned touched;

void app_set_public_url(const char *url)
{
    snprintf(public_url, sizeof public_url, "%s", url);
    size_t n = strlen(public_url);
    while (n && public_url[n - 1] == '/')
        public_url[--n] = '\0';
}

const char *app_public_url(void)
{
    return public_url;
}

char *app_data_file(const char *name)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *candidates[4] = {NULL, NULL, xasprintf("data/%s", name),
                           xasprintf("/usr/share/vodgate/%s", name)};
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        candidates[0] = xasprintf("%s/../data/%s", exe, name);
        candidates[1] = xasprintf("%s/../../data/%s", exe, name);
    }
    char *found = NULL;
    for (int i = 0; i < 4; i++) {
        if (!found && candidates[i] && access(candidates[i], R_OK) == 0)
            found = candidates[i];
        else
            free(candidates[i]);
    }
    return found;
}

void op_init(struct op *o, struct db *db, struct arena *a, int64_t now, const struct principal *who,
             const char *base_url)
{
    memset(o, 0, sizeof *o);
    o->db = db;
    o->a = a;
    o->now = now;
    if (who)
        o->who = *who;
    o->system = !who;
    o->base_url = base_url ? base_url : public_url;
}

bool op_by_system(const struct op *o)
{
    return o->system;
}

void op_free(struct op *o)
{
    buf_free(&o->err.message);
    json_decref(o->err.extra);
    o->err.extra = NULL;
}

static int refuse_v(struct op *o, enum op_fail kind, const char *code, const char *fmt, va_list ap)
    VG_PRINTF(4, 0);
static int refuse_v(struct op *o, enum op_fail kind, const char *code, const char *fmt, va_list ap)
{
    o->err.kind = kind;
    o->err.code = code;
    buf_reset(&o->err.message);
    buf_vprintf(&o->err.message, fmt, ap);
    return OP_REFUSED;
}

int op_refuse(struct op *o, enum op_fail kind, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = refuse_v(o, kind, code, fmt, ap);
    va_end(ap);
    return rc;
}

int op_invalid(struct op *o, const char *field, const char *fmt, ...)
{
    json_decref(o->err.extra);
    o->err.extra = json_pack("{s:[s]}", "fields", field);
    va_list ap;
    va_start(ap, fmt);
    int rc = refuse_v(o, OP_INVALID, "invalid", fmt, ap);
    va_end(ap);
    return rc;
}

int op_failed(struct op *o, int rc)
{
    if (rc == OP_REFUSED)
        return rc;
    if (rc == STORE_ERR_NOT_FOUND)
        return op_refuse(o, OP_NOT_FOUND, "not_found", "no such resource");
    fprintf(stderr, "vodgate: an operation failed in the store (%d)\n", rc);
    return op_refuse(o, OP_FAILED, "internal",
                     "the server could not complete this step; try again");
}

int op_begin(struct op *o)
{
    if (o->joined)
        return 0;
    touched = 0;
    return store_begin(o->db) < 0 ? op_failed(o, STORE_ERR) : 0;
}

void op_join(struct op *o)
{
    o->joined = true;
}

int op_end(struct op *o, int rc)
{
    if (o->joined)
        return rc < 0 ? op_failed(o, rc) : 0;
    unsigned made = touched;
    touched = 0;
    if (rc == 0 && store_commit(o->db) == 0) {
        for (int i = 0; i < n_wakers; i++)
            if (wakers[i].what & made)
                wakers[i].fn();
        return 0;
    }
    store_rollback(o->db);
    return op_failed(o, rc ? rc : STORE_ERR);
}

void op_on_commit(unsigned what, void (*fn)(void))
{
    VG_ASSERT(n_wakers < MAX_WAKERS);
    wakers[n_wakers].what = what;
    wakers[n_wakers].fn = fn;
    n_wakers++;
}

void op_touch(unsigned what)
{
    touched |= what;
}

char *op_instant_text(struct op *o, int64_t t)
{
    char s[21];
    time_format_rfc3339(t, s);
    return arena_strdup(o->a, s);
}

/* Opens zone_name, or UTC when it is not a zone (a message still reads, in UTC). */
static const struct zone *words_zone(const char *zone_name)
{
    const struct zone *z;
    if (zone_name && zone_open(zone_name, &z) == ZONE_OK)
        return z;
    zone_open("UTC", &z);
    return z;
}

char *op_due_words(struct op *o, int64_t due, const char *zone_name)
{
    char s[TIMEWORDS_MAX];
    timewords_due(words_zone(zone_name), due, o->now, s);
    return arena_strdup(o->a, s);
}

char *op_at_words(struct op *o, int64_t t, const char *zone_name)
{
    char s[TIMEWORDS_MAX];
    timewords_at(words_zone(zone_name), t, o->now, s);
    return arena_strdup(o->a, s);
}

json_t *app_json_time(int64_t t)
{
    if (!t)
        return json_null();
    char s[21];
    time_format_rfc3339(t, s);
    return json_string(s);
}

int op_int_arg(struct op *o, const char *name, const char *text, int64_t lo, int64_t hi,
               int64_t dflt, int64_t *out)
{
    *out = dflt;
    if (!text || !*text)
        return 0;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (!*end && errno == 0 && v >= lo && v <= hi) {
        *out = v;
        return 0;
    }
    /* the words of http's req_query_int: the API and the portal refuse alike */
    if (hi == INT64_MAX)
        return op_invalid(o, name, "'%s' must be a whole number of at least %lld", name,
                          (long long)lo);
    return op_invalid(o, name, "'%s' must be a whole number from %lld to %lld", name, (long long)lo,
                      (long long)hi);
}
