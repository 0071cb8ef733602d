/*
 * The facts about titles in a delivery's files: see title_rows.h. Elements
 * are matched by local name (the MDDF namespaces change with each version
 * and the facts read here do not). The EMA spreadsheet is not read yet:
 * an xlsx avails file passes and is recorded, but makes no titles.
 */
#include "check/title_rows.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
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

int title_rows_avails(const char *path, const char *display_name, struct arena *a,
                      struct title_rows *out)
{
    size_t n = display_name ? strlen(display_name) : 0;
    if (n < 4 || strcasecmp(display_name + n - 4, ".xml"))
        return 0; /* the EMA spreadsheet: not read yet (see above) */
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        return -1;
    xmlNode *root = xmlDocGetRootElement(doc);
    for (xmlNode *av = root ? root->children : NULL; av; av = av->next)
        if (is(av, "Avail"))
            avail_rows(a, av, out);
    xmlFreeDoc(doc);
    return 0;
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

int title_rows_manifest(const char *path, struct arena *a, struct title_rows *out)
{
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        return -1;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!is(root, "MediaManifest")) {
        xmlFreeDoc(doc);
        return 0;
    }
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
    xmlFreeDoc(doc);
    return 0;
}
