/*
 * The CMR ratings database: see ratings.h.
 *
 * The file is walked once: each <mdcr:RatingSystem> becomes a struct
 * rsystem holding its name, the countries and subdivisions of its
 * AdoptiveRegion elements, its <mdcr:Rating ratingID> values (with their
 * <mdcr:Deprecated> flag) and its reason codes (<mdcr:Reason reasonID>, and
 * the per-rating <mdcr:RatingReason reasonID>). About 110 systems and 700
 * ratings: linear scans answer a question in microseconds, so there is no
 * hashing. Namespaces are matched by local name: the CMR schema has had
 * several versions and the names never changed.
 */
#include "check/ratings.h"

#include <stdlib.h>
#include <string.h>

#include "check/finding.h"
#include "check/xmlsafe.h"

struct strv {
    char **v;
    size_t n, cap;
};

struct rsystem {
    char *name;
    struct strv countries, subregions, values, reasons;
    bool *deprecated; /* parallel to values */
    size_t deprecated_cap;
};

struct ratings_db {
    struct rsystem *sys;
    size_t n;
};

static void strv_add(struct strv *s, const char *v)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = xstrdup(v);
}

static bool strv_has(const struct strv *s, const char *v)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], v))
            return true;
    return false;
}

static void strv_free(struct strv *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

static bool named(const xmlNode *n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, local);
}

static const xmlNode *kid(const xmlNode *n, const char *local)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (named(c, local))
            return c;
    return NULL;
}

static void add_region(struct rsystem *s, const xmlNode *region)
{
    for (const xmlNode *c = region->children; c; c = c->next) {
        if (!named(c, "country") && !named(c, "countryRegion"))
            continue;
        char *t = xmlsafe_text(c);
        if (*t && named(c, "country") && !strv_has(&s->countries, t))
            strv_add(&s->countries, t);
        if (*t && named(c, "countryRegion") && !strv_has(&s->subregions, t))
            strv_add(&s->subregions, t);
        free(t);
    }
}

static void add_reason(struct rsystem *s, const xmlNode *n)
{
    char *id = xmlsafe_attr(n, "reasonID");
    if (id && *id && !strv_has(&s->reasons, id))
        strv_add(&s->reasons, id);
    free(id);
}

static void load_system(struct ratings_db *db, const xmlNode *rs)
{
    const xmlNode *sid = kid(rs, "RatingSystemID");
    const xmlNode *sysname = kid(sid, "System");
    if (!sysname)
        return;
    db->sys = xrealloc(db->sys, (db->n + 1) * sizeof *db->sys);
    struct rsystem *s = &db->sys[db->n++];
    memset(s, 0, sizeof *s);
    s->name = xmlsafe_text(sysname);
    for (const xmlNode *c = rs->children; c; c = c->next) {
        if (named(c, "AdoptiveRegion")) {
            add_region(s, c);
        } else if (named(c, "Reason")) {
            add_reason(s, c);
        } else if (named(c, "Rating")) {
            char *id = xmlsafe_attr(c, "ratingID");
            if (!id || !*id) {
                free(id);
                continue;
            }
            const xmlNode *dep = kid(c, "Deprecated");
            char *d = dep ? xmlsafe_text(dep) : NULL;
            strv_add(&s->values, id);
            if (s->values.n > s->deprecated_cap) {
                s->deprecated_cap = s->values.cap;
                s->deprecated = xrealloc(s->deprecated, s->deprecated_cap * sizeof(bool));
            }
            s->deprecated[s->values.n - 1] = d && !strcmp(d, "true");
            free(d);
            free(id);
            for (const xmlNode *r = c->children; r; r = r->next)
                if (named(r, "RatingReason"))
                    add_reason(s, r);
        }
    }
}

int ratings_load(const char *path, struct ratings_db **out, struct buf *err)
{
    *out = NULL;
    struct findings fs = {0};
    struct xmlsafe_limits lim = {.max_bytes = 64u * 1024 * 1024};
    xmlDocPtr doc = NULL;
    if (xmlsafe_read_file(path, path, &lim, &fs, &doc) != 0) {
        buf_printf(err, "cannot read the ratings database %s: %s", path,
                   fs.n && fs.items[0].message ? fs.items[0].message : "unreadable");
        findings_free(&fs);
        return -1;
    }
    findings_free(&fs);
    xmlNode *root = xmlDocGetRootElement(doc);
    struct ratings_db *db = xcalloc(1, sizeof *db);
    if (named(root, "RatingSystemSet")) {
        for (xmlNode *c = root->children; c; c = c->next)
            if (named(c, "RatingSystem"))
                load_system(db, c);
    }
    xmlFreeDoc(doc);
    if (db->n == 0) {
        buf_printf(err, "%s holds no rating systems (expected a MovieLabs CMR RatingSystemSet)",
                   path);
        ratings_free(db);
        return -1;
    }
    *out = db;
    return 0;
}

void ratings_free(struct ratings_db *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->n; i++) {
        struct rsystem *s = &db->sys[i];
        free(s->name);
        strv_free(&s->countries);
        strv_free(&s->subregions);
        strv_free(&s->values);
        strv_free(&s->reasons);
        free(s->deprecated);
    }
    free(db->sys);
    free(db);
}

size_t ratings_count(const struct ratings_db *db)
{
    return db ? db->n : 0;
}

bool ratings_has_system(const struct ratings_db *db, const char *system)
{
    for (size_t i = 0; db && i < db->n; i++)
        if (!strcmp(db->sys[i].name, system))
            return true;
    return false;
}

/*
 * Calls fn for each system named system, restricted to those adopted in
 * country when at least one is. Returns true as soon as fn does.
 */
static bool each_system(const struct ratings_db *db, const char *system, const char *country,
                        bool (*fn)(const struct rsystem *, const void *), const void *arg)
{
    bool any_local = false;
    for (size_t i = 0; country && i < db->n; i++)
        if (!strcmp(db->sys[i].name, system) && strv_has(&db->sys[i].countries, country))
            any_local = true;
    for (size_t i = 0; i < db->n; i++) {
        const struct rsystem *s = &db->sys[i];
        if (strcmp(s->name, system) != 0)
            continue;
        if (any_local && !strv_has(&s->countries, country))
            continue;
        if (fn(s, arg))
            return true;
    }
    return false;
}

bool ratings_used_in(const struct ratings_db *db, const char *system, const char *country,
                     const char *subregion)
{
    for (size_t i = 0; db && i < db->n; i++) {
        const struct rsystem *s = &db->sys[i];
        if (strcmp(s->name, system) != 0)
            continue;
        if (subregion && strv_has(&s->subregions, subregion))
            return true;
        if (!subregion && country && strv_has(&s->countries, country))
            return true;
    }
    return false;
}

struct value_q {
    const char *value;
    bool *deprecated;
};

static bool has_value(const struct rsystem *s, const void *arg)
{
    const struct value_q *q = arg;
    for (size_t i = 0; i < s->values.n; i++) {
        if (!strcmp(s->values.v[i], q->value)) {
            *q->deprecated = s->deprecated[i];
            return true;
        }
    }
    return false;
}

bool ratings_has_value(const struct ratings_db *db, const char *system, const char *country,
                       const char *value, bool *deprecated)
{
    bool dep = false;
    struct value_q q = {value, &dep};
    bool ok = db && each_system(db, system, country, has_value, &q);
    if (deprecated)
        *deprecated = ok && dep;
    return ok;
}

static bool defines_reasons(const struct rsystem *s, const void *arg)
{
    (void)arg;
    return s->reasons.n > 0;
}

bool ratings_defines_reasons(const struct ratings_db *db, const char *system, const char *country)
{
    return db && each_system(db, system, country, defines_reasons, NULL);
}

static bool has_reason(const struct rsystem *s, const void *arg)
{
    return strv_has(&s->reasons, arg);
}

bool ratings_has_reason(const struct ratings_db *db, const char *system, const char *country,
                        const char *reason)
{
    return db && each_system(db, system, country, has_reason, reason);
}

struct describe_q {
    bool reasons;
    size_t max, n;
    struct buf *b;
    struct strv seen;
};

static bool describe(const struct rsystem *s, const void *arg)
{
    struct describe_q *q = (struct describe_q *)arg;
    const struct strv *list = q->reasons ? &s->reasons : &s->values;
    for (size_t i = 0; i < list->n; i++) {
        if (!q->reasons && s->deprecated[i])
            continue;
        if (strv_has(&q->seen, list->v[i]))
            continue;
        strv_add(&q->seen, list->v[i]);
        if (q->n == q->max) {
            buf_puts(q->b, ", ...");
            q->n++;
            return true;
        }
        if (q->n > q->max)
            return true;
        buf_printf(q->b, "%s%s", q->n ? ", " : "", list->v[i]);
        q->n++;
    }
    return false;
}

void ratings_describe(const struct ratings_db *db, const char *system, const char *country,
                      bool reasons, size_t max, struct buf *b)
{
    struct describe_q q = {.reasons = reasons, .max = max, .b = b};
    if (db)
        each_system(db, system, country, describe, &q);
    strv_free(&q.seen);
}

void ratings_describe_regions(const struct ratings_db *db, const char *system, struct buf *b)
{
    size_t n = 0;
    for (size_t i = 0; db && i < db->n; i++) {
        const struct rsystem *s = &db->sys[i];
        if (strcmp(s->name, system) != 0)
            continue;
        for (size_t j = 0; j < s->countries.n; j++)
            buf_printf(b, "%s%s", n++ ? ", " : "", s->countries.v[j]);
        for (size_t j = 0; j < s->subregions.n; j++)
            buf_printf(b, "%s%s", n++ ? ", " : "", s->subregions.v[j]);
    }
}
