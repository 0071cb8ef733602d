/*
 * The facts about titles in a delivery's files: see title_rows.h. Elements
 * are matched by local name (the MDDF namespaces change with each version
 * and the facts read here do not). The EMA spreadsheet's rows come from the
 * validator's own reading of the sheet (check/avails_xlsx.c), its columns
 * known by the validator's column table (check/vocab.h); one row is one
 * title × territory window, as one XML Transaction × Territory.
 */
#include "check/title_rows.h"

#include "check/vocab.h"

#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static xmlNode *child(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is(c, name))
            return c;
    return NULL;
}

/* The first element called name anywhere below n (depth first), or NULL. */
static xmlNode *below(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (is(c, name))
            return c;
        xmlNode *d = below(c, name);
        if (d)
            return d;
    }
    return NULL;
}

/* The trimmed text of n in the arena; NULL when n is absent or its text empty. */
static const char *text(struct arena *a, const xmlNode *n)
{
    if (!n)
        return NULL;
    xmlChar *raw = xmlNodeGetContent(n);
    const char *s = (const char *)raw;
    while (s && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
        s++;
    size_t len = s ? strlen(s) : 0;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
                   s[len - 1] == '\r'))
        len--;
    char *out = len ? arena_alloc(a, len + 1) : NULL;
    if (out) {
        memcpy(out, s, len);
        out[len] = '\0';
    }
    xmlFree(raw);
    return out;
}

static const char *attr(struct arena *a, const xmlNode *n, const char *name)
{
    xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)name) : NULL;
    const char *out = v && *v ? arena_strdup(a, (const char *)v) : NULL;
    xmlFree(v);
    return out;
}

/* "2026-12-01", "2026-12-01T00:00:00" → "2026-12-01"; anything else NULL. */
static const char *day(struct arena *a, const char *s)
{
    if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
        return NULL;
    char *d = arena_alloc(a, 11);
    memcpy(d, s, 10);
    d[10] = '\0';
    return d;
}

static int64_t number_in(const xmlNode *n)
{
    xmlNode *num = child(n, "Number");
    xmlChar *v = xmlNodeGetContent(num ? num : n);
    int64_t out = v ? strtoll((const char *)v, NULL, 10) : 0;
    xmlFree(v);
    return out > 0 ? out : 0;
}

static char *lower(struct arena *a, const char *s)
{
    if (!s)
        return NULL;
    char *o = arena_strdup(a, s);
    for (char *c = o; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return o;
}

static struct title_avail_row *add_row(struct arena *a, struct title_rows *out)
{
    if (out->n_rows == out->cap_rows) {
        size_t cap = out->cap_rows ? out->cap_rows * 2 : 16;
        struct title_avail_row *bigger = arena_alloc(a, cap * sizeof *bigger);
        if (out->n_rows)
            memcpy(bigger, out->rows, out->n_rows * sizeof *bigger);
        out->rows = bigger;
        out->cap_rows = cap;
    }
    struct title_avail_row *r = &out->rows[out->n_rows++];
    memset(r, 0, sizeof *r);
    return r;
}

static void avail_rows(struct arena *a, xmlNode *av, struct title_rows *out)
{
    struct title_avail_row base = {0};
    base.alid = text(a, child(av, "ALID"));
    const char *entry = text(a, child(child(av, "Disposition"), "EntryType"));
    base.full_delete = entry && (!strcasecmp(entry, "Full Delete") || !strcasecmp(entry, "FullDelete"));
    xmlNode *asset = child(av, "Asset");
    base.content_id = attr(a, asset, "contentID");
    base.work_type = text(a, child(asset, "WorkType"));
    xmlNode *md = child(asset, "Metadata");
    if (!md)
        md = child(asset, "EpisodeMetadata");
    base.name = text(a, below(asset, "TitleDisplayUnlimited"));
    if (!base.name)
        base.name = text(a, below(asset, "TitleInternalAlias"));
    const char *eidr = text(a, below(asset, "EditEIDR-URN"));
    if (!eidr)
        eidr = text(a, below(asset, "TitleEIDR-URN"));
    base.eidr = eidr;
    xmlNode *series = below(asset, "SeriesMetadata");
    if (series)
        base.series_name = text(a, below(series, "SeriesTitleDisplayUnlimited"));
    xmlNode *season = below(asset, "SeasonNumber");
    if (season)
        base.season = number_in(season);
    xmlNode *episode = below(asset, "EpisodeNumber");
    if (episode)
        base.episode = number_in(episode);
    (void)md;
    bool any = false;
    for (xmlNode *tr = av->children; tr; tr = tr->next) {
        if (!is(tr, "Transaction"))
            continue;
        struct title_avail_row t = base;
        t.license_type = text(a, child(tr, "LicenseType"));
        t.format_profile = text(a, child(tr, "FormatProfile"));
        t.original_language = lower(a, text(a, child(tr, "AssetLanguage")));
        t.start = day(a, text(a, child(tr, "Start")));
        t.end = day(a, text(a, child(tr, "End")));
        for (xmlNode *terr = tr->children; terr; terr = terr->next) {
            if (!is(terr, "Territory"))
                continue;
            const char *c = text(a, child(terr, "country"));
            if (!c)
                c = text(a, child(terr, "countryRegion"));
            if (!c)
                continue;
            struct title_avail_row *r = add_row(a, out);
            *r = t;
            r->territory = c;
            any = true;
        }
    }
    if (!any) /* an Avail without transactions still names its title (or deletes it all) */
        *add_row(a, out) = base;
}

void title_rows_avails_xml(const xmlNode *root, struct title_rows *out)
{
    if (is(root, "Avail"))
        avail_rows(out->a, (xmlNode *)root, out);
    for (xmlNode *av = root ? root->children : NULL; av; av = av->next)
        if (is(av, "Avail"))
            avail_rows(out->a, av, out);
}

/* ---- the EMA spreadsheet ---- */

/* Columns read by name that the validator's table does not give a field of its own
 * (in the order of enum title_rows_extra). */
static const char *const extra_names[TRX__COUNT] = {
    "TitleDisplayUnlimited",        "TitleInternalAlias",
    "EpisodeTitleDisplayUnlimited", "EpisodeTitleInternalAlias",
    "SeriesTitleDisplayUnlimited",  "SeriesTitleInternalAlias"};

int title_rows_ema_column(const char *header)
{
    for (int k = 0; k < TRX__COUNT; k++)
        if (!strcmp(header, extra_names[k]))
            return k;
    return -1;
}

/* The trimmed cell text in the arena; NULL when empty. */
static const char *cell_text(struct arena *a, const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
                   s[len - 1] == '\r'))
        len--;
    if (!len)
        return NULL;
    char *o = arena_alloc(a, len + 1);
    memcpy(o, s, len);
    o[len] = '\0';
    return o;
}

/* A date cell: "2026-12-01" (or with a time), or an Excel serial day number; else NULL
 * ("Open", a condition such as "Theatrical"). */
static const char *cell_day(struct arena *a, const char *s, bool date1904)
{
    if (!s)
        return NULL;
    const char *d = day(a, s);
    if (d)
        return d;
    char *end = NULL;
    double serial = strtod(s, &end);
    if (end == s || *end || serial < 1 || serial > 2958465)
        return NULL;
    /* serial days count from 1899-12-30 (1900 system, past Excel's phantom 29 Feb 1900) or
     * from 1904-01-01; 1970-01-01 is day 25569, or 24107 in the 1904 system */
    int64_t days = (int64_t)serial + (date1904 ? -24107 : -25569);
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t dd = doy - (153 * mp + 2) / 5 + 1, mm = mp < 10 ? mp + 3 : mp - 9;
    int64_t yy = yoe + era * 400 + (mm <= 2);
    char *o = arena_alloc(a, 11);
    snprintf(o, 11, "%04d-%02d-%02d", (int)yy, (int)mm, (int)dd);
    return o;
}

void title_rows_ema_row(struct title_rows *s, const char *const raw_field[AVF__COUNT],
                        bool has_alid_column, const char *const raw_extra[TRX__COUNT],
                        bool date1904)
{
    struct arena *a = s->a;
    const char *f[AVF__COUNT], *x[TRX__COUNT];
    for (int k = 0; k < AVF__COUNT; k++)
        f[k] = raw_field[k] ? cell_text(a, raw_field[k]) : NULL;
    for (int k = 0; k < TRX__COUNT; k++)
        x[k] = raw_extra[k] ? cell_text(a, raw_extra[k]) : NULL;
    /* EMA 1.9 bonus rows take the territory and license type of the avail they refer to */
    if (f[AVF_REF_ALID]) {
        if (!f[AVF_TERRITORY] || !strcmp(f[AVF_TERRITORY], "0"))
            f[AVF_TERRITORY] = f[AVF_REF_TERRITORY];
        if (!f[AVF_LICENSE_TYPE])
            f[AVF_LICENSE_TYPE] = f[AVF_REF_LICENSE_TYPE];
    }
    struct title_avail_row row = {0};
    row.alid = has_alid_column ? f[AVF_ALID] : f[AVF_ALT_ID];
    row.work_type = f[AVF_WORK_TYPE];
    bool episode = row.work_type && !strcasecmp(row.work_type, "Episode");
    row.content_id = episode && f[AVF_EPISODE_CONTENT_ID] ? f[AVF_EPISODE_CONTENT_ID]
                                                          : f[AVF_CONTENT_ID];
    const char *edit = f[AVF_EDIT_ID];
    row.eidr = edit && (!strncmp(edit, "10.5240/", 8) || !strncasecmp(edit, "urn:eidr:", 9))
                   ? edit
                   : NULL;
    row.name = episode && (x[TRX_EPISODE_TITLE] || x[TRX_EPISODE_ALIAS])
                   ? (x[TRX_EPISODE_TITLE] ? x[TRX_EPISODE_TITLE] : x[TRX_EPISODE_ALIAS])
                   : (x[TRX_TITLE] ? x[TRX_TITLE] : x[TRX_TITLE_ALIAS]);
    row.series_name = x[TRX_SERIES_TITLE] ? x[TRX_SERIES_TITLE] : x[TRX_SERIES_ALIAS];
    row.season = f[AVF_SEASON_NUMBER] ? strtoll(f[AVF_SEASON_NUMBER], NULL, 10) : 0;
    row.episode = f[AVF_EPISODE_NUMBER] ? strtoll(f[AVF_EPISODE_NUMBER], NULL, 10) : 0;
    if (row.season < 0)
        row.season = 0;
    if (row.episode < 0)
        row.episode = 0;
    const char *lang = f[AVF_ASSET_LANGUAGE];
    if (lang) { /* the first of a list ("en, fr"), lower case, as the XML's AssetLanguage */
        size_t n = strcspn(lang, ",; ");
        char *l = lower(a, lang);
        l[n] = '\0';
        row.original_language = n ? l : NULL;
    }
    const char *entry = f[AVF_ENTRY_TYPE];
    row.full_delete = entry && (!strcasecmp(entry, "Full Delete") ||
                                !strcasecmp(entry, "FullDelete") || !strcasecmp(entry, "Delete"));
    row.license_type = f[AVF_LICENSE_TYPE];
    row.format_profile = f[AVF_FORMAT_PROFILE];
    row.start = cell_day(a, f[AVF_START], date1904);
    row.end = cell_day(a, f[AVF_END], date1904);
    row.territory = f[AVF_TERRITORY];
    if (!row.alid && !row.content_id)
        return; /* nothing names the title */
    *add_row(a, s) = row;
}

static void add_asset(struct arena *a, struct title_rows *out, const char *title_id,
                      const char *kind, const char *language)
{
    if (out->n_assets == out->cap_assets) {
        size_t cap = out->cap_assets ? out->cap_assets * 2 : 16;
        struct title_pkg_asset *bigger = arena_alloc(a, cap * sizeof *bigger);
        if (out->n_assets)
            memcpy(bigger, out->assets, out->n_assets * sizeof *bigger);
        out->assets = bigger;
        out->cap_assets = cap;
    }
    out->assets[out->n_assets++] = (struct title_pkg_asset){title_id, kind, language ? language : ""};
}

void title_rows_manifest(const xmlNode *root, struct title_rows *out)
{
    struct arena *a = out->a;
    if (!is(root, "MediaManifest"))
        return;
    /* the title: every ALID the manifest maps, and the Experiences' ContentIDs */
    const char *ids[16];
    int n_ids = 0;
    for (xmlNode *m = child(child(root, "ALIDExperienceMaps"), "ALIDExperienceMap"); m && n_ids < 16;
         m = m->next)
        if (is(m, "ALIDExperienceMap") && text(a, child(m, "ALID")))
            ids[n_ids++] = text(a, child(m, "ALID"));
    for (xmlNode *e = child(child(root, "Experiences"), "Experience"); e && n_ids < 16; e = e->next)
        if (is(e, "Experience") && text(a, child(e, "ContentID")))
            ids[n_ids++] = text(a, child(e, "ContentID"));
    static const struct {
        const char *element, *kind;
    } kinds[] = {{"Video", "video"},     {"Audio", "audio"},      {"Subtitle", "captions"},
                 {"Image", "artwork"},   {"Metadata", "metadata"}};
    for (xmlNode *inv = child(root, "Inventory") ? child(root, "Inventory")->children : NULL; inv;
         inv = inv->next)
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            if (!is(inv, kinds[k].element))
                continue;
            const char *lang = lower(a, text(a, child(inv, "Language")));
            if (!strcmp(kinds[k].kind, "metadata")) {
                const char *cid = attr(a, inv, "ContentID");
                if (cid && n_ids < 16)
                    ids[n_ids++] = cid;
            }
            for (int i = 0; i < n_ids; i++)
                add_asset(a, out, ids[i], kinds[k].kind, lang);
        }
}
