/*
 * The facts about titles in a delivery's files: see title_rows.h. Elements
 * are matched by local name (the MDDF namespaces change with each version
 * and the facts read here do not). The EMA spreadsheet (.xlsx) is read with
 * the validator's xlsx reader and column table (check/xlsx.h, check/vocab.h):
 * an avails sheet is one whose row 1 holds the template's categories, its
 * columns are known by their row-2 names, and avails start on row 4; one
 * row is one title × territory window, as one XML Transaction × Territory.
 */
#include "check/title_rows.h"

#include "check/vocab.h"
#include "check/xlsx.h"

#include <libxml/parser.h>
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

/* ---- the EMA spreadsheet ---- */

/* Columns read by name that the validator's table does not give a field of its own. */
enum xcol {
    XC_TITLE,          /* TitleDisplayUnlimited */
    XC_TITLE_ALIAS,    /* TitleInternalAlias */
    XC_EPISODE_TITLE,  /* EpisodeTitleDisplayUnlimited */
    XC_EPISODE_ALIAS,  /* EpisodeTitleInternalAlias */
    XC_SERIES_TITLE,   /* SeriesTitleDisplayUnlimited */
    XC_SERIES_ALIAS,   /* SeriesTitleInternalAlias */
    XC__COUNT
};

static const char *const xcol_names[XC__COUNT] = {
    "TitleDisplayUnlimited",        "TitleInternalAlias",
    "EpisodeTitleDisplayUnlimited", "EpisodeTitleInternalAlias",
    "SeriesTitleDisplayUnlimited",  "SeriesTitleInternalAlias"};

struct xsheet {
    struct arena *a;
    struct title_rows *out;
    enum { XS_START, XS_HEADER, XS_DATA } state;
    int field_col[AVF__COUNT]; /* column of each validator field, -1 when absent */
    int xcol[XC__COUNT];
    bool date1904;
};

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

static const char *const categories[] = {"Avail", "AvailTrans", "AvailAsset", "AvailMetadata",
                                   "Disposition"};

static int xlsx_row_cb(void *ctx, const struct xlsx_row *r)
{
    struct xsheet *s = ctx;
    struct arena *a = s->a;
    if (s->state == XS_START) {
        /* row 1 holds the categories, or this is not an avails sheet */
        int hits = 0;
        for (size_t i = 0; r->row == 1 && i < r->n_cells; i++) {
            const char *t = cell_text(a, r->cells[i].value);
            for (size_t k = 0; t && k < sizeof categories / sizeof categories[0]; k++)
                hits += !strcmp(t, categories[k]);
        }
        if (hits < 2)
            return 1;
        s->state = XS_HEADER;
        return 0;
    }
    if (s->state == XS_HEADER) {
        if (r->row == 2)
            for (size_t i = 0; i < r->n_cells; i++) {
                const char *h = cell_text(a, r->cells[i].value);
                if (!h)
                    continue;
                int col = (int)r->cells[i].col;
                const struct avails_column *d = vocab_column_find(h);
                if (d && d->field != AVF_OTHER && s->field_col[d->field] < 0)
                    s->field_col[d->field] = col;
                for (int k = 0; k < XC__COUNT; k++)
                    if (!strcmp(h, xcol_names[k]) && s->xcol[k] < 0)
                        s->xcol[k] = col;
            }
        if (r->row < 3)
            return 0;
        s->state = XS_DATA;
    }
    if (r->row < 4)
        return 0;
    const char *f[AVF__COUNT] = {0}, *x[XC__COUNT] = {0};
    bool any = false, all_comment = true;
    for (size_t i = 0; i < r->n_cells; i++) {
        int col = (int)r->cells[i].col;
        const char *t = NULL;
        for (int k = 0; k < AVF__COUNT; k++)
            if (s->field_col[k] == col) {
                t = t ? t : cell_text(a, r->cells[i].value);
                f[k] = t;
            }
        for (int k = 0; k < XC__COUNT; k++)
            if (s->xcol[k] == col) {
                t = t ? t : cell_text(a, r->cells[i].value);
                x[k] = t;
            }
        const char *raw = r->cells[i].value;
        while (*raw == ' ')
            raw++;
        if (*raw) {
            any = true;
            all_comment = all_comment && raw[0] == '/' && raw[1] == '/';
        }
    }
    if (!any || all_comment)
        return 0; /* an empty row, or the 1.6 template's "//e.g." example row */
    /* EMA 1.9 bonus rows take the territory and license type of the avail they refer to */
    if (f[AVF_REF_ALID]) {
        if (!f[AVF_TERRITORY] || !strcmp(f[AVF_TERRITORY], "0"))
            f[AVF_TERRITORY] = f[AVF_REF_TERRITORY];
        if (!f[AVF_LICENSE_TYPE])
            f[AVF_LICENSE_TYPE] = f[AVF_REF_LICENSE_TYPE];
    }
    struct title_avail_row row = {0};
    row.alid = s->field_col[AVF_ALID] >= 0 ? f[AVF_ALID] : f[AVF_ALT_ID];
    row.work_type = f[AVF_WORK_TYPE];
    bool episode = row.work_type && !strcasecmp(row.work_type, "Episode");
    row.content_id = episode && f[AVF_EPISODE_CONTENT_ID] ? f[AVF_EPISODE_CONTENT_ID]
                                                          : f[AVF_CONTENT_ID];
    const char *edit = f[AVF_EDIT_ID];
    row.eidr = edit && (!strncmp(edit, "10.5240/", 8) || !strncasecmp(edit, "urn:eidr:", 9))
                   ? edit
                   : NULL;
    row.name = episode && (x[XC_EPISODE_TITLE] || x[XC_EPISODE_ALIAS])
                   ? (x[XC_EPISODE_TITLE] ? x[XC_EPISODE_TITLE] : x[XC_EPISODE_ALIAS])
                   : (x[XC_TITLE] ? x[XC_TITLE] : x[XC_TITLE_ALIAS]);
    row.series_name = x[XC_SERIES_TITLE] ? x[XC_SERIES_TITLE] : x[XC_SERIES_ALIAS];
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
    row.start = cell_day(a, f[AVF_START], s->date1904);
    row.end = cell_day(a, f[AVF_END], s->date1904);
    row.territory = f[AVF_TERRITORY];
    if (!row.alid && !row.content_id)
        return 0; /* nothing names the title */
    *add_row(a, s->out) = row;
    return 0;
}

static int title_rows_xlsx(const char *path, struct arena *a, struct title_rows *out)
{
    struct xlsx *x = NULL;
    struct buf why = {0};
    int rc = xlsx_open_file(path, NULL, &x, &why);
    buf_free(&why);
    if (rc)
        return -1;
    for (size_t i = 0; i < xlsx_n_sheets(x); i++) {
        struct xsheet s = {.a = a, .out = out, .date1904 = xlsx_date1904(x)};
        for (int k = 0; k < AVF__COUNT; k++)
            s.field_col[k] = -1;
        for (int k = 0; k < XC__COUNT; k++)
            s.xcol[k] = -1;
        struct buf msg = {0};
        xlsx_read_sheet(x, i, xlsx_row_cb, &s, &msg);
        buf_free(&msg);
    }
    xlsx_close(x);
    return 0;
}

int title_rows_avails(const char *path, const char *display_name, struct arena *a,
                      struct title_rows *out)
{
    size_t n = display_name ? strlen(display_name) : 0;
    if (n >= 5 && !strcasecmp(display_name + n - 5, ".xlsx"))
        return title_rows_xlsx(path, a, out);
    if (n < 4 || strcasecmp(display_name + n - 4, ".xml"))
        return 0;
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
