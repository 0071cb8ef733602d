/*
 * EMA Avails spreadsheets (.xlsx, templates 1.6 to 1.9).
 *
 * The template's layout (its FAQ: "Interpretation shall be by column name
 * (rows 1-2), not column position. Rows 1-3 must all be present. Avails
 * start on Row 4"): row 1 holds each column's category (Avail, AvailTrans,
 * AvailAsset, AvailMetadata, Disposition), row 2 its name, row 3 the
 * //REQ and //Opt hints and, from 1.8, the template version in A3; the 1.6
 * template adds a row of "//e.g." examples. Every sheet whose row 1 looks
 * like that is an avails sheet (the data dictionary and FAQ sheets of the
 * templates are not, and are skipped).
 *
 * The version comes from A3 when it holds one, else from the columns (1.9
 * added AssociatedALID, CampaignID, TPRType; 1.8 the Volume columns and one
 * sheet for movies and TV; 1.7.3 Licensee, StartLag, TitleStatus...; 1.7.2
 * AltID and the Retailer IDs next to ALID; 1.7 ALID; before it, 1.6). It
 * picks the required columns and the vocabulary version.
 *
 * Rows stream from the xlsx reader one at a time and are checked at once;
 * only the windows and assets needed for the cross-row checks are kept
 * (avails_rules.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check/avails_rules.h"
#include "check/check.h"
#include "check/title_rows.h"
#include "check/xlsx.h"

#define MAX_FILE       (512ull << 20) /* an .xlsx of avails is a few MB; 100,000 rows ~ 15 MB */
#define PRIME_MAX_ROWS 60000

struct col_info {
    const struct avails_column *def; /* NULL: not a template column */
    int title_extra;                 /* title_rows_ema_column of the header, -1: none */
    char *header;
    char letters[4];
};

struct sheet_ctx {
    struct avails_ctx *ac;
    struct title_rows *titles; /* check_options.titles: each data row goes there too */
    const char *sheet;
    enum { SH_START, SH_HEADER, SH_DATA, SH_SKIP } state;
    bool is_avails;
    struct col_info *cols; /* by column index, n_cols long */
    uint32_t n_cols;
    int field_col[AVF__COUNT]; /* column of each field, -1 when absent */
    int version;
    bool version_a3;
    char a3[32];
    int64_t n_rows;
    bool row3_reported;
    struct buf scratch;
    struct buf rb[5]; /* check_row's buffers, reused row after row */
};

static const char *const categories[] = {"Avail", "AvailTrans", "AvailAsset", "AvailMetadata",
                                         "Disposition"};

static bool is_category(const char *s)
{
    for (size_t i = 0; i < sizeof categories / sizeof categories[0]; i++)
        if (!strcmp(s, categories[i]))
            return true;
    return false;
}

static void place_of(struct sheet_ctx *s, int64_t row, uint32_t col, struct avails_place *p)
{
    memset(p, 0, sizeof *p);
    p->sheet = s->sheet;
    p->row = row;
    if (col < s->n_cols) {
        p->column = s->cols[col].letters;
        p->header = s->cols[col].header;
    }
}

static void grow_cols(struct sheet_ctx *s, uint32_t col)
{
    if (col < s->n_cols)
        return;
    uint32_t n = col + 1;
    s->cols = xrealloc(s->cols, n * sizeof *s->cols);
    for (uint32_t i = s->n_cols; i < n; i++) {
        s->cols[i].def = NULL;
        s->cols[i].header = NULL;
        s->cols[i].title_extra = -1;
        xlsx_col_name(i, s->cols[i].letters);
    }
    s->n_cols = n;
}

static bool has(const struct sheet_ctx *s, const char *name)
{
    for (uint32_t i = 0; i < s->n_cols; i++)
        if (s->cols[i].header && !strcmp(s->cols[i].header, name))
            return true;
    return false;
}

static int parse_tpl_version(const char *s)
{
    if (!strcmp(s, "1.6"))
        return TPL_1_6;
    if (!strcmp(s, "1.7"))
        return TPL_1_7;
    if (!strcmp(s, "1.7.2"))
        return TPL_1_7_2;
    if (!strcmp(s, "1.7.3"))
        return TPL_1_7_3;
    if (!strcmp(s, "1.8"))
        return TPL_1_8;
    if (!strcmp(s, "1.9"))
        return TPL_1_9;
    return 0;
}

static int infer_version(const struct sheet_ctx *s)
{
    static const char *const v19[] = {"AssociatedALID", "CampaignID", "TPRType", "PackageLabel"};
    static const char *const v18[] = {"VolumeContentID", "VolumeID", "VolumeNumber",
                                      "VolumeTitleInternalAlias", "RetailerVolumeID"};
    static const char *const v173[] = {
        "Licensee",      "StartLag",           "EndLag",         "WindowDuration",
        "TitleStatus",   "TerritoryExclusion", "BrandingRights", "Exclusive",
        "Download",      "Director",           "GroupIdentity",  "RequiredFulfillmentLanguages",
        "EpisodeTitleID"};
    static const char *const v172[] = {"AltID",          "RetailerID1",
                                       "RetailerSpare1", "DistributionNumber",
                                       "SeriesAltID",    "EpisodeAltID"};
    for (size_t i = 0; i < sizeof v19 / sizeof v19[0]; i++)
        if (has(s, v19[i]))
            return TPL_1_9;
    for (size_t i = 0; i < sizeof v18 / sizeof v18[0]; i++)
        if (has(s, v18[i]))
            return TPL_1_8;
    if (has(s, "ContentID") && has(s, "EpisodeContentID"))
        return TPL_1_8; /* one sheet for movies and TV */
    for (size_t i = 0; i < sizeof v173 / sizeof v173[0]; i++)
        if (has(s, v173[i]))
            return TPL_1_7_3;
    if (!has(s, "ALID"))
        return TPL_1_6;
    for (size_t i = 0; i < sizeof v172 / sizeof v172[0]; i++)
        if (has(s, v172[i]))
            return TPL_1_7_2;
    return TPL_1_7;
}

/* Rows 1-3 are in: settles the version and checks the columns. */
static void finish_header(struct sheet_ctx *s)
{
    struct avails_ctx *ac = s->ac;
    char ver[16];
    if (!s->version)
        s->version = infer_version(s);
    vocab_version_str(s->version, ver, sizeof ver);
    ac->xml_version = vocab_xml_version_of_template(s->version);
    char *std = arena_printf(&ac->arena, "EMA Avails %s", ver);
    ac->std = std;
    for (int f = 0; f < AVF__COUNT; f++)
        s->field_col[f] = -1;
    for (uint32_t i = 0; i < s->n_cols; i++) {
        struct col_info *ci = &s->cols[i];
        if (!ci->header)
            continue;
        struct avails_place p;
        place_of(s, 2, i, &p);
        for (uint32_t j = 0; j < i; j++)
            if (s->cols[j].header && !strcmp(s->cols[j].header, ci->header)) {
                avails_report(ac, &p, "avails.header.duplicate", SEV_ERROR, ci->header, ci->header,
                              NULL, "each column name once",
                              "Delete or rename one of the two columns: values are read by "
                              "column name.",
                              "Column %s repeats the column name \"%s\" of column %s", ci->letters,
                              ci->header, s->cols[j].letters);
                break;
            }
        const struct avails_column *d = ci->def;
        bool in_version = d && d->since <= s->version && (!d->until || d->until >= s->version);
        if (!in_version) {
            avails_report(ac, &p, "avails.header.unknown", SEV_WARNING, ci->header, ci->header,
                          NULL, "a column name of the EMA template",
                          "Check the spelling against the template; columns the template does "
                          "not define are ignored (unless ExceptionFlag is Yes).",
                          "Column %s \"%s\" is not a column of EMA Avails %s", ci->letters,
                          ci->header, ver);
        }
        if (d && d->field != AVF_OTHER && s->field_col[d->field] < 0)
            s->field_col[d->field] = (int)i;
    }
    for (size_t k = 0; vocab_column_at(k); k++) {
        const struct avails_column *d = vocab_column_at(k);
        if (!d->required || d->since > s->version || (d->until && d->until < s->version))
            continue;
        if (s->field_col[d->field] >= 0)
            continue;
        struct avails_place p = {.sheet = s->sheet, .row = 2, .header = d->name};
        struct buf exp = {0};
        buf_printf(&exp, "a column named \"%s\" (row 1: \"%s\")", d->name, d->category);
        avails_report(ac, &p, "avails.header.missing", SEV_ERROR, d->name, NULL, NULL,
                      buf_str(&exp),
                      "Add the column with this exact name in row 2 (its category in row 1), as "
                      "in the EMA template.",
                      "The sheet has no \"%s\" column, which EMA Avails %s requires", d->name, ver);
        buf_free(&exp);
    }
    s->state = SH_DATA;
}

/* ---- one data row ---- */

static bool yes_no(const char *s)
{
    static const char *const ok[] = {"yes", "no", "true", "false", "y", "n", "1", "0"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (!strcasecmp(s, ok[i]))
            return true;
    return false;
}

struct row_vals {
    const char *v[AVF__COUNT]; /* raw cell text, NULL when absent or empty */
    uint32_t col[AVF__COUNT];
};

static void place_field(struct sheet_ctx *s, int64_t row, enum avf f, struct avails_place *p)
{
    place_of(s, row, s->field_col[f] >= 0 ? (uint32_t)s->field_col[f] : UINT32_MAX, p);
    if (s->field_col[f] < 0)
        p->header = vocab_column_of(f)->name;
}

static const char *trimmed(struct sheet_ctx *s, const char *raw, struct buf *b)
{
    buf_reset(b);
    if (!raw)
        return "";
    size_t len = strlen(raw);
    while (len && (raw[len - 1] == ' ' || raw[len - 1] == '\t' || raw[len - 1] == '\n'))
        len--;
    while (len && (*raw == ' ' || *raw == '\t' || *raw == '\n')) {
        raw++;
        len--;
    }
    buf_add(b, raw, len);
    return buf_str(b);
}

static void missing(struct sheet_ctx *s, int64_t row, enum avf f, const char *why)
{
    struct avails_place p;
    place_field(s, row, f, &p);
    const char *name = vocab_column_of(f)->name;
    avails_report(s->ac, &p, "avails.value.missing", SEV_ERROR, name, NULL, NULL, why,
                  "Fill in the cell.", "%s is empty; %s", name, why);
}

/* The name of another identifier the row carries (AltID, SeasonAltID, ContentID...), or NULL. */
static const char *other_id(const struct sheet_ctx *s, const struct xlsx_row *r)
{
    for (size_t i = 0; i < r->n_cells; i++) {
        uint32_t c = r->cells[i].col;
        if (c >= s->n_cols || !s->cols[c].header || !r->cells[i].len)
            continue;
        const char *h = s->cols[c].header;
        size_t n = strlen(h);
        if ((n >= 5 && !strcmp(h + n - 5, "AltID")) || (n >= 9 && !strcmp(h + n - 9, "ContentID")))
            return h;
    }
    return NULL;
}

static void check_row(struct sheet_ctx *s, const struct xlsx_row *r, struct row_vals *rv)
{
    struct avails_ctx *ac = s->ac;
    struct avails_place p;
    int64_t row = r->row;
    /* EMA 1.9 bonus rows (RefALID set) take the territory and license type of the avail they
     * refer to when their own are left empty (or 0, a reference to an empty cell) */
    if (rv->v[AVF_REF_ALID]) {
        if (!rv->v[AVF_TERRITORY] || !strcmp(rv->v[AVF_TERRITORY], "0"))
            rv->v[AVF_TERRITORY] = rv->v[AVF_REF_TERRITORY];
        if (!rv->v[AVF_LICENSE_TYPE])
            rv->v[AVF_LICENSE_TYPE] = rv->v[AVF_REF_LICENSE_TYPE];
    }
    const char *const *v = rv->v;
    struct buf *b1 = &s->rb[0], *b2 = &s->rb[1], *b3 = &s->rb[2];
    /* the values the cross-checks need, trimmed */
    char terr[4] = "";
    const char *entry = v[AVF_ENTRY_TYPE] ? NULL : "";
    bool full_delete = false;

    if (v[AVF_ENTRY_TYPE]) {
        place_field(s, row, AVF_ENTRY_TYPE, &p);
        entry = avails_check_vocab(ac, &p, VOCAB_ENTRY_TYPE, v[AVF_ENTRY_TYPE],
                                   "avails.entrytype.invalid", SEV_ERROR);
        full_delete = entry && (!strcmp(entry, "Full Delete") || !strcmp(entry, "Delete"));
    } else if (s->field_col[AVF_ENTRY_TYPE] >= 0) {
        missing(s, row, AVF_ENTRY_TYPE,
                "every row needs an EntryType (Full Extract or Full Delete)");
    }
    if (!v[AVF_DISPLAY_NAME] && s->field_col[AVF_DISPLAY_NAME] >= 0)
        missing(s, row, AVF_DISPLAY_NAME, "the licensor's name is required");

    /* the asset */
    const char *wt = NULL;
    if (v[AVF_WORK_TYPE]) {
        place_field(s, row, AVF_WORK_TYPE, &p);
        wt = avails_check_vocab(ac, &p, VOCAB_WORK_TYPE, v[AVF_WORK_TYPE],
                                "avails.worktype.invalid", SEV_ERROR);
    } else if (s->field_col[AVF_WORK_TYPE] >= 0) {
        missing(s, row, AVF_WORK_TYPE,
                "every row needs the WorkType of its asset (Movie, Episode...)");
    }
    const char *alid_field_raw = s->version >= TPL_1_7 ? v[AVF_ALID] : v[AVF_ALT_ID];
    enum avf alid_field = s->version >= TPL_1_7 ? AVF_ALID : AVF_ALT_ID;
    const char *alid = trimmed(s, alid_field_raw, b1);
    if (alid_field_raw) {
        place_field(s, row, alid_field, &p);
        avails_check_id(ac, &p, vocab_column_of(alid_field)->name, alid_field_raw);
    } else if (s->version >= TPL_1_7 && s->field_col[AVF_ALID] >= 0) {
        const char *other = other_id(s, r);
        if (other) {
            place_field(s, row, AVF_ALID, &p);
            avails_report(ac, &p, "avails.alid.missing", SEV_WARNING, "ALID", NULL, NULL,
                          "the avail's ALID",
                          "Fill in the ALID: services key avails (and replace them with a Full "
                          "Extract) by licensor, ALID, territory and license type.",
                          "ALID is empty; the row can only be matched by its %s", other);
        } else {
            missing(s, row, AVF_ALID, "the ALID identifies the avail");
        }
    }
    static const enum avf ids[] = {
        AVF_CONTENT_ID,        AVF_EPISODE_CONTENT_ID, AVF_SEASON_CONTENT_ID, AVF_SERIES_CONTENT_ID,
        AVF_VOLUME_CONTENT_ID, AVF_TITLE_ID,           AVF_EDIT_ID,           AVF_ASSOCIATED_ALID};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (v[ids[i]]) {
            place_field(s, row, ids[i], &p);
            avails_check_id(ac, &p, vocab_column_of(ids[i])->name, v[ids[i]]);
        }
    if (s->version >= TPL_1_7 && v[AVF_ALT_ID]) {
        place_field(s, row, AVF_ALT_ID, &p);
        avails_check_id(ac, &p, "AltID", v[AVF_ALT_ID]);
    }
    if (wt && *alid) {
        place_field(s, row, AVF_WORK_TYPE, &p);
        avails_add_asset(ac, &p, alid, wt);
    }
    if (v[AVF_BUNDLED_ALIDS] && wt && strcmp(wt, "Collection") != 0) {
        place_field(s, row, AVF_BUNDLED_ALIDS, &p);
        avails_report(ac, &p, "avails.bundle.worktype", SEV_ERROR, "BundledALIDs",
                      v[AVF_BUNDLED_ALIDS], NULL, "WorkType Collection",
                      "Set WorkType to Collection for a bundle, or empty BundledALIDs.",
                      "BundledALIDs is filled but the row's WorkType is \"%s\"; only a "
                      "Collection bundles other avails",
                      wt);
    }

    /* the transaction */
    const char *lt = NULL;
    if (v[AVF_LICENSE_TYPE]) {
        place_field(s, row, AVF_LICENSE_TYPE, &p);
        const char *t = trimmed(s, v[AVF_LICENSE_TYPE], b2);
        if (!strcmp(t, "FVOD") || !strcmp(t, "AVOD")) {
            avails_trim(ac, &p, "LicenseType", v[AVF_LICENSE_TYPE], true, b3);
            avails_report(ac, &p, "avails.licensetype.nonstandard", SEV_WARNING, "LicenseType",
                          v[AVF_LICENSE_TYPE], t, "EST, VOD, SVOD, POEST, Pre-Release, Library",
                          "Keep it only if the service you deliver to takes it (Prime Video takes "
                          "FVOD, with no price).",
                          "LicenseType \"%s\" is not in the EMA vocabulary", t);
            lt = t[0] == 'F' ? "FVOD" : "AVOD";
        } else {
            lt = avails_check_vocab(ac, &p, VOCAB_LICENSE_TYPE, v[AVF_LICENSE_TYPE],
                                    "avails.licensetype.invalid", SEV_ERROR);
        }
    } else if (s->field_col[AVF_LICENSE_TYPE] >= 0) {
        missing(s, row, AVF_LICENSE_TYPE, "every row needs a LicenseType (EST, VOD, SVOD...)");
    }
    const char *fp = NULL;
    if (v[AVF_FORMAT_PROFILE]) {
        place_field(s, row, AVF_FORMAT_PROFILE, &p);
        fp = avails_check_vocab(ac, &p, VOCAB_FORMAT_PROFILE, v[AVF_FORMAT_PROFILE],
                                "avails.formatprofile.invalid", SEV_ERROR);
    } else if (s->field_col[AVF_FORMAT_PROFILE] >= 0 && !full_delete) {
        missing(s, row, AVF_FORMAT_PROFILE, "every row needs one FormatProfile (SD, HD, UHD...)");
    }
    if (v[AVF_TERRITORY]) {
        place_field(s, row, AVF_TERRITORY, &p);
        avails_check_territory(ac, &p, "Territory", v[AVF_TERRITORY], terr);
    } else if (s->field_col[AVF_TERRITORY] >= 0) {
        missing(s, row, AVF_TERRITORY, "every row needs one ISO 3166-1 territory");
    }
    if (v[AVF_TERRITORY_EXCLUSION]) {
        place_field(s, row, AVF_TERRITORY_EXCLUSION, &p);
        const char *t = trimmed(s, v[AVF_TERRITORY_EXCLUSION], b2);
        for (const char *q = t; *q;) {
            size_t n = strcspn(q, ",;");
            char one[64], code[4];
            size_t m = n < sizeof one - 1 ? n : sizeof one - 1;
            memcpy(one, q, m);
            one[m] = '\0';
            avails_check_territory(ac, &p, "TerritoryExclusion", one, code);
            q += n;
            if (*q)
                q++;
        }
    }

    /* the window */
    struct av_when start = {0}, end = {0};
    bool have_start = false, have_end = false;
    if (v[AVF_START]) {
        place_field(s, row, AVF_START, &p);
        have_start = avails_check_when(ac, &p, "Start", v[AVF_START], true, false, &start);
    } else if (s->field_col[AVF_START] >= 0 && !full_delete) {
        missing(s, row, AVF_START, "the window needs a Start date (YYYY-MM-DD)");
    }
    if (v[AVF_END]) {
        place_field(s, row, AVF_END, &p);
        have_end = avails_check_when(ac, &p, "End", v[AVF_END], true, true, &end);
    } else if (s->field_col[AVF_END] >= 0 && !full_delete) {
        missing(s, row, AVF_END, "the window needs an End date, or \"Open\" when it has none");
    }
    if (have_start && have_end && start.kind != AVW_CONDITION && end.kind != AVW_CONDITION &&
        start.t >= end.t) {
        place_field(s, row, AVF_END, &p);
        struct buf exp = {0};
        buf_printf(&exp, "a date after the Start (%s)", start.text);
        avails_report(ac, &p, "avails.window.reversed", SEV_ERROR, "End", v[AVF_END], end.text,
                      buf_str(&exp),
                      "Check the two dates: End must come after Start (a date-only End includes "
                      "that whole day).",
                      "The window ends (%s) before it starts (%s)", end.text, start.text);
        buf_free(&exp);
    }
    if (v[AVF_START_LAG] && have_start && start.kind != AVW_CONDITION) {
        place_field(s, row, AVF_START_LAG, &p);
        avails_report(ac, &p, "avails.lag.condition", SEV_ERROR, "StartLag", v[AVF_START_LAG], NULL,
                      "a condition in Start (Theatrical, Broadcast...)",
                      "Put the event the lag counts from in Start, or empty StartLag.",
                      "StartLag only applies to a conditional Start, but Start is the date %s",
                      start.text);
    }
    if (v[AVF_END_LAG] && have_end && end.kind != AVW_CONDITION) {
        place_field(s, row, AVF_END_LAG, &p);
        avails_report(ac, &p, "avails.lag.condition", SEV_ERROR, "EndLag", v[AVF_END_LAG], NULL,
                      "a condition in End (Theatrical, Broadcast...)",
                      "Put the event the lag counts from in End, or empty EndLag.",
                      "EndLag only applies to a conditional End, but End is the date %s", end.text);
    }
    if (have_start && have_end && !full_delete) {
        place_field(s, row, AVF_START, &p);
        avails_add_window(ac, &p, trimmed(s, v[AVF_DISPLAY_NAME], b2), alid, terr, lt, fp,
                          trimmed(s, v[AVF_ASSET_LANGUAGE], b3), &start, &end);
    }
    static const enum avf dates[] = {AVF_SUPPRESSION_LIFT_DATE,
                                     AVF_SPECIAL_PREORDER_FULFILL_DATE,
                                     AVF_ANNOUNCE_DATE,
                                     AVF_FIXED_END_DATE,
                                     AVF_RELEASE_HISTORY_ORIGINAL,
                                     AVF_RELEASE_HISTORY_PHYSICAL_HV};
    struct av_when w;
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++)
        if (v[dates[i]]) {
            place_field(s, row, dates[i], &p);
            avails_check_when(ac, &p, vocab_column_of(dates[i])->name, v[dates[i]], false, false,
                              &w);
        }
    if (lt && !strcmp(lt, "POEST") && !v[AVF_SUPPRESSION_LIFT_DATE] && !full_delete) {
        place_field(s, row, AVF_SUPPRESSION_LIFT_DATE, &p);
        avails_report(ac, &p, "avails.poest.suppression_lift_date", SEV_ERROR,
                      "SuppressionLiftDate", NULL, NULL, "a date (YYYY-MM-DD)",
                      "Give the date the pre-order may be announced in SuppressionLiftDate.",
                      "A POEST (pre-order) row needs a SuppressionLiftDate");
    }
    if (lt && strcmp(lt, "POEST") != 0 && v[AVF_SPECIAL_PREORDER_FULFILL_DATE]) {
        place_field(s, row, AVF_SPECIAL_PREORDER_FULFILL_DATE, &p);
        avails_report(ac, &p, "avails.preorder.fulfill_date", SEV_ERROR,
                      "SpecialPreOrderFulfillDate", v[AVF_SPECIAL_PREORDER_FULFILL_DATE], NULL,
                      "empty (it applies to POEST rows only)",
                      "Empty the cell, or set LicenseType to POEST if this is a pre-order.",
                      "SpecialPreOrderFulfillDate is only for pre-orders, but LicenseType is "
                      "\"%s\"",
                      lt);
    }

    /* the price */
    const char *pt = NULL;
    if (v[AVF_PRICE_TYPE]) {
        place_field(s, row, AVF_PRICE_TYPE, &p);
        pt = avails_check_vocab(ac, &p, VOCAB_PRICE_TYPE, v[AVF_PRICE_TYPE],
                                "avails.pricetype.invalid", SEV_ERROR);
    }
    const char *pv = trimmed(s, v[AVF_PRICE_VALUE], b2);
    if (pt && !full_delete) {
        bool pt_na = !strcmp(pt, "NA"), pv_na = !strcmp(pv, "NA");
        if (pt_na != pv_na && *pv) {
            place_field(s, row, AVF_PRICE_VALUE, &p);
            avails_report(ac, &p, "avails.price.na_mismatch", SEV_ERROR, "PriceValue",
                          v[AVF_PRICE_VALUE], pv, pt_na ? "NA" : "a price, tier or category",
                          pt_na ? "Write NA in PriceValue when PriceType is NA."
                                : "Give the price, or set PriceType to NA too.",
                          "PriceValue is \"%s\" but PriceType is \"%s\": NA goes in both or "
                          "neither",
                          pv, pt);
        } else if (!*pv) {
            missing(s, row, AVF_PRICE_VALUE, "a PriceType needs its PriceValue");
        } else if (!pt_na && strcmp(pt, "Tier") != 0 && strcmp(pt, "Category") != 0 &&
                   strcmp(pt, "TPR-Category") != 0) {
            place_field(s, row, AVF_PRICE_VALUE, &p);
            if (avails_check_amount(ac, &p, "PriceValue", v[AVF_PRICE_VALUE]) &&
                !v[AVF_PRICE_CURRENCY] && s->field_col[AVF_PRICE_CURRENCY] >= 0) {
                place_field(s, row, AVF_PRICE_CURRENCY, &p);
                avails_report(
                    ac, &p, "avails.price.currency_missing", SEV_WARNING, "PriceCurrency", NULL,
                    NULL, "an ISO 4217 code such as USD", "Give the currency of the amount.",
                    "PriceType %s gives an amount (%s) but PriceCurrency is empty", pt, pv);
            }
        }
    } else if (!pt && !full_delete && lt && strcmp(lt, "SVOD") != 0 && strcmp(lt, "FVOD") != 0 &&
               strcmp(lt, "AVOD") != 0 && !v[AVF_PRICE_TYPE] && !*pv) {
        place_field(s, row, AVF_PRICE_TYPE, &p);
        avails_report(ac, &p, "avails.price.missing", SEV_WARNING, "PriceType", NULL, NULL,
                      "a PriceType (Tier, WSP, SRP, Category...) and its PriceValue",
                      "Give the price of this offer.",
                      "This %s row has no price: a transactional license needs at least one "
                      "pricing term",
                      lt);
    }
    if (v[AVF_PRICE_CURRENCY]) {
        place_field(s, row, AVF_PRICE_CURRENCY, &p);
        avails_check_currency(ac, &p, "PriceCurrency", v[AVF_PRICE_CURRENCY]);
    }
    if (v[AVF_SRP]) {
        place_field(s, row, AVF_SRP, &p);
        avails_check_amount(ac, &p, "SRP", v[AVF_SRP]);
    }

    /* languages */
    static const enum avf langs[] = {AVF_ASSET_LANGUAGE,
                                     AVF_ALLOWED_LANGUAGES,
                                     AVF_HOLDBACK_LANGUAGE,
                                     AVF_HOLDBACK_EXCLUSION_LANGUAGE,
                                     AVF_REQUIRED_FULFILLMENT_LANGUAGES,
                                     AVF_STORE_LANGUAGE};
    struct buf *asset_langs = &s->rb[3], *req_langs = &s->rb[4];
    buf_reset(asset_langs);
    buf_reset(req_langs);
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        if (!v[langs[i]])
            continue;
        place_field(s, row, langs[i], &p);
        struct buf *canon = langs[i] == AVF_ASSET_LANGUAGE                   ? asset_langs
                            : langs[i] == AVF_REQUIRED_FULFILLMENT_LANGUAGES ? req_langs
                                                                             : NULL;
        avails_check_languages(ac, &p, vocab_column_of(langs[i])->name, v[langs[i]],
                               langs[i] != AVF_STORE_LANGUAGE, canon);
    }
    if (req_langs->len) {
        /* EMA 1.7.3: every RequiredFulfillmentLanguage must also be an AssetLanguage */
        for (const char *q = buf_str(req_langs); *q;) {
            size_t n = strcspn(q, ",");
            bool found = false;
            for (const char *a = buf_str(asset_langs); *a && !found;) {
                size_t m = strcspn(a, ",");
                size_t tn = strcspn(a, ":");
                if (tn > m)
                    tn = m;
                found = tn == strcspn(q, ":,") && !strncasecmp(a, q, tn);
                a += m;
                if (*a)
                    a++;
            }
            if (!found) {
                place_field(s, row, AVF_REQUIRED_FULFILLMENT_LANGUAGES, &p);
                char one[80];
                snprintf(one, sizeof one, "%.*s", (int)(n < 79 ? n : 79), q);
                avails_report(ac, &p, "avails.language.fulfillment", SEV_ERROR,
                              "RequiredFulfillmentLanguages", v[AVF_REQUIRED_FULFILLMENT_LANGUAGES],
                              one, v[AVF_ASSET_LANGUAGE] ? v[AVF_ASSET_LANGUAGE] : "(empty)",
                              "Add the language to AssetLanguage, or remove it from "
                              "RequiredFulfillmentLanguages.",
                              "Required fulfillment language \"%s\" is not an AssetLanguage", one);
            }
            q += n;
            if (*q)
                q++;
        }
    }

    /* other vocabularies */
    static const struct {
        enum avf f;
        enum vocab_id id;
        const char *code;
        enum severity sev;
    } vocabs[] = {
        {AVF_LOCALIZATION_TYPE, VOCAB_LOCALIZATION, "avails.localization.invalid", SEV_ERROR},
        {AVF_CAPTION_EXEMPTION, VOCAB_CAPTION_EXEMPTION, "avails.captionexemption.invalid",
         SEV_ERROR},
        {AVF_LRD, VOCAB_LRD, "avails.licenserightsdescription.unknown", SEV_WARNING},
        {AVF_TITLE_STATUS, VOCAB_TITLE_STATUS, "avails.titlestatus.invalid", SEV_ERROR},
        {AVF_TPR_TYPE, VOCAB_TPR_TYPE, "avails.tprtype.invalid", SEV_ERROR},
    };
    for (size_t i = 0; i < sizeof vocabs / sizeof vocabs[0]; i++)
        if (v[vocabs[i].f]) {
            place_field(s, row, vocabs[i].f, &p);
            avails_check_vocab(ac, &p, vocabs[i].id, v[vocabs[i].f], vocabs[i].code, vocabs[i].sev);
        }
    if (v[AVF_HDR]) {
        const char *h = trimmed(s, v[AVF_HDR], b2);
        if (!yes_no(h) && !vocab_find(VOCAB_HDR, h, strlen(h), NULL)) {
            place_field(s, row, AVF_HDR, &p);
            avails_report(ac, &p, "avails.hdr.invalid", SEV_WARNING, "HDR", v[AVF_HDR], h,
                          "HDR10, DV, or Yes/No",
                          "Name the HDR format (HDR10, DV), or leave the cell empty for SDR.",
                          "HDR \"%s\" is not a known HDR value", h);
        }
    }
    static const enum avf flags[] = {AVF_CAPTION_INCLUDED, AVF_EXCEPTION_FLAG, AVF_WCG,     AVF_HFR,
                                     AVF_BRANDING_RIGHTS,  AVF_EXCLUSIVE,      AVF_DOWNLOAD};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (!v[flags[i]])
            continue;
        const char *t = trimmed(s, v[flags[i]], b2);
        if (!yes_no(t)) {
            place_field(s, row, flags[i], &p);
            const char *name = vocab_column_of(flags[i])->name;
            avails_report(ac, &p, "avails.value.boolean", SEV_WARNING, name, v[flags[i]], t,
                          "Yes or No", "Write Yes or No.", "%s \"%s\" is not Yes or No", name, t);
        }
    }
    if (v[AVF_RELEASE_YEAR]) {
        const char *t = trimmed(s, v[AVF_RELEASE_YEAR], b2);
        if (strlen(t) != 4 || strspn(t, "0123456789") != 4) {
            place_field(s, row, AVF_RELEASE_YEAR, &p);
            avails_report(ac, &p, "avails.releaseyear.invalid", SEV_WARNING, "ReleaseYear",
                          v[AVF_RELEASE_YEAR], t, "a year such as 2006", "Write the year (YYYY).",
                          "ReleaseYear \"%s\" is not a year", t);
        }
    }
}

/* ---- the row callback ---- */

/* True when the row has a value in a column of the asset or the transaction (not only the
 * Avail's identity and its Disposition). */
static bool offers_something(const struct sheet_ctx *s, const struct xlsx_row *r)
{
    for (size_t i = 0; i < r->n_cells; i++) {
        uint32_t c = r->cells[i].col;
        if (c >= s->n_cols || !s->cols[c].def || !r->cells[i].len)
            continue;
        const char *cat = s->cols[c].def->category;
        if (strcmp(cat, "Avail") != 0 && strcmp(cat, "Disposition") != 0)
            return true;
    }
    return false;
}

static bool is_constant_bool(const char *f)
{
    return f && (!strcasecmp(f, "TRUE()") || !strcasecmp(f, "FALSE()") || !strcasecmp(f, "TRUE") ||
                 !strcasecmp(f, "FALSE"));
}

static bool is_comment(const char *s)
{
    while (*s == ' ')
        s++;
    return s[0] == '/' && s[1] == '/';
}

static int on_row(void *ctx, const struct xlsx_row *r)
{
    struct sheet_ctx *s = ctx;
    struct avails_ctx *ac = s->ac;
    if (s->state == SH_START) {
        /* row 1: the categories, or this is not an avails sheet */
        int hits = 0;
        if (r->row == 1)
            for (size_t i = 0; i < r->n_cells; i++)
                hits += is_category(trimmed(s, r->cells[i].value, &s->scratch));
        if (hits < 2) {
            s->state = SH_SKIP;
            return 1;
        }
        s->is_avails = true;
        s->state = SH_HEADER;
        return 0;
    }
    if (s->state == SH_HEADER && r->row == 2) {
        for (size_t i = 0; i < r->n_cells; i++) {
            const char *h = trimmed(s, r->cells[i].value, &s->scratch);
            if (!*h)
                continue;
            grow_cols(s, r->cells[i].col);
            struct col_info *ci = &s->cols[r->cells[i].col];
            free(ci->header);
            ci->header = xstrdup(h);
            ci->def = vocab_column_find(h);
            ci->title_extra = title_rows_ema_column(h);
        }
        return 0;
    }
    if (s->state == SH_HEADER && r->row == 3) {
        for (size_t i = 0; i < r->n_cells; i++) {
            const char *t = trimmed(s, r->cells[i].value, &s->scratch);
            if (r->cells[i].col == 0 && parse_tpl_version(t)) {
                s->version = parse_tpl_version(t);
                s->version_a3 = true;
                continue;
            }
            uint32_t col = r->cells[i].col;
            enum avf f = col < s->n_cols && s->cols[col].def ? s->cols[col].def->field : AVF_OTHER;
            bool key = f == AVF_ENTRY_TYPE || f == AVF_WORK_TYPE || f == AVF_LICENSE_TYPE ||
                       f == AVF_TERRITORY || f == AVF_FORMAT_PROFILE;
            /* the templates' hints: "//REQ", "//Opt", "REQUIRED for pre-orders"... */
            if (key && *t && *t != '/' && !strstr(t, "REQ") && !strstr(t, "Opt") &&
                !s->row3_reported) {
                struct avails_place p;
                place_of(s, 3, r->cells[i].col, &p);
                s->row3_reported = true;
                avails_report(ac, &p, "avails.row3.data", SEV_ERROR, "row 3", t, NULL,
                              "//REQ or //Opt hints (and the template version in A3)",
                              "Move the avail to row 4 or below: row 3 belongs to the template's "
                              "header and is never read as an avail.",
                              "Row 3 holds a value; the third row is reserved for the header, "
                              "avails start on row 4");
            }
        }
        return 0;
    }
    if (s->state == SH_HEADER)
        finish_header(s);
    if (r->row < 4)
        return 0;

    /* a data row (the 1.6 template's "//e.g." example row is a comment) */
    struct row_vals rv;
    memset(rv.v, 0, sizeof rv.v);
    const char *extra[TRX__COUNT] = {0};
    bool any = false, all_comment = true;
    for (size_t i = 0; i < r->n_cells; i++) {
        const struct xlsx_cell *c = &r->cells[i];
        struct avails_place p;
        if (c->formula && is_constant_bool(c->formula_text)) {
            /* LibreOffice stores a cell typed as TRUE as the formula TRUE(): a constant */
            place_of(s, r->row, c->col, &p);
            avails_report(ac, &p, "avails.cell.formula_constant", SEV_WARNING,
                          p.header ? p.header : "cell", c->formula_text, c->value, "a plain value",
                          "Type the value as text (Yes/No) rather than as a TRUE()/FALSE() "
                          "formula.",
                          "The cell holds the constant formula %s; it was read as its value "
                          "\"%s\"",
                          c->formula_text, c->value);
        } else if (c->formula) {
            place_of(s, r->row, c->col, &p);
            avails_report(ac, &p, "avails.cell.formula", SEV_ERROR, p.header ? p.header : "cell",
                          c->formula_text, c->value, "a plain value",
                          "Replace the formula by its value (copy, then paste values only).",
                          "The cell holds the formula =%s; avails must carry plain values (its "
                          "current result is \"%s\")",
                          c->formula_text, c->value);
        }
        if (c->type == XLSX_ERROR) {
            place_of(s, r->row, c->col, &p);
            avails_report(ac, &p, "avails.cell.error", SEV_ERROR, p.header ? p.header : "cell",
                          c->value, NULL, "a value", "Fix the value that Excel shows as an error.",
                          "The cell holds the spreadsheet error %s", c->value);
        }
        const char *t = c->value;
        while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
            t++;
        if (!*t)
            continue;
        any = true;
        all_comment = all_comment && is_comment(t);
        if (c->col < s->n_cols && s->cols[c->col].title_extra >= 0 &&
            !extra[s->cols[c->col].title_extra])
            extra[s->cols[c->col].title_extra] = c->value;
        if (c->col < s->n_cols && s->cols[c->col].def) {
            enum avf f = s->cols[c->col].def->field;
            if (f != AVF_OTHER && s->field_col[f] == (int)c->col)
                rv.v[f] = c->value;
        }
    }
    if (!any || all_comment)
        return 0;
    s->n_rows++;
    if (s->titles)
        title_rows_ema_row(s->titles, rv.v, s->field_col[AVF_ALID] >= 0, extra, ac->date1904);
    if (!offers_something(s, r)) {
        struct avails_place p = {.sheet = s->sheet, .row = r->row};
        avails_report(ac, &p, "avails.row.incomplete", SEV_WARNING, "row", NULL, NULL,
                      "an asset (WorkType...) and a transaction (Territory, LicenseType, Start...)",
                      "Complete the row or delete it.",
                      "Row %lld names an avail but no asset and no transaction: it offers "
                      "nothing and was not checked further",
                      (long long)r->row);
        return 0;
    }
    if (s->version >= TPL_1_7 && s->field_col[AVF_ALID] < 0)
        rv.v[AVF_ALID] = NULL;
    check_row(s, r, &rv);
    return 0;
}

/* ---- the file ---- */

static void file_problem(struct avails_ctx *ac, const char *sheet, int err, const char *why)
{
    struct avails_place p = {.sheet = sheet};
    const char *code = err == XLSX_ERR_BOMB        ? "avails.xlsx.zip_bomb"
                       : err == XLSX_ERR_TOO_LARGE ? "avails.file.too_large"
                                                   : "avails.xlsx.unreadable";
    avails_report(ac, sheet ? &p : NULL, code, SEV_ERROR, "file", NULL, NULL,
                  "an .xlsx workbook saved by a spreadsheet program",
                  err == XLSX_ERR_NOT_ZIP
                      ? "Save the sheet as an Excel Workbook (.xlsx) from the EMA template."
                      : "Save the workbook again from the spreadsheet program, then deliver the "
                        "new file.",
                  "The workbook cannot be read: %s", why);
}

/* The checks of one workbook, opened from a file (data NULL) or from memory. */
static int run(const char *path, const void *data, uint64_t size, const char *display_name,
               struct title_rows *titles, struct findings *out, struct buf *why)
{
    struct avails_ctx ac;
    avails_ctx_init(&ac, out, display_name, "EMA Avails", 0, true);
    if (size > MAX_FILE) {
        avails_report(&ac, NULL, "avails.file.too_large", SEV_ERROR, "file", NULL, NULL,
                      "at most 512 MiB",
                      "Split the avails into several files (Prime Video takes at most 60,000 "
                      "rows per file).",
                      "The file is %llu MiB, larger than any avails spreadsheet",
                      (unsigned long long)(size >> 20));
        avails_ctx_finish(&ac);
        return 0;
    }
    struct xlsx *x = NULL;
    struct buf msg = {0};
    int rc = data ? xlsx_open_buffer(data, (size_t)size, NULL, &x, &msg)
                  : xlsx_open_file(path, NULL, &x, &msg);
    if (rc == XLSX_ERR_IO) {
        if (why)
            buf_printf(why, "%s cannot be read", display_name);
        buf_free(&msg);
        avails_ctx_finish(&ac);
        return CHECK_ERR_IO;
    }
    if (rc) {
        file_problem(&ac, NULL, rc, buf_str(&msg));
        buf_free(&msg);
        avails_ctx_finish(&ac);
        return 0;
    }
    ac.date1904 = xlsx_date1904(x);
    size_t n_avails = 0;
    int64_t n_rows = 0;
    for (size_t i = 0; i < xlsx_n_sheets(x); i++) {
        struct sheet_ctx s = {.ac = &ac, .titles = titles, .sheet = xlsx_sheet_name(x, i)};
        buf_reset(&msg);
        rc = xlsx_read_sheet(x, i, on_row, &s, &msg);
        if (s.state == SH_HEADER)
            finish_header(&s); /* a sheet with the header rows and no data */
        if (rc && rc != XLSX_ERR_STOPPED)
            file_problem(&ac, s.sheet, rc, buf_str(&msg));
        if (s.is_avails) {
            n_avails++;
            n_rows += s.n_rows;
        }
        for (uint32_t k = 0; k < s.n_cols; k++)
            free(s.cols[k].header);
        free(s.cols);
        buf_free(&s.scratch);
        for (int k = 0; k < 5; k++)
            buf_free(&s.rb[k]);
        if (rc == XLSX_ERR_BOMB || rc == XLSX_ERR_TOO_LARGE)
            break;
    }
    if (n_avails == 0 && (rc == 0 || rc == XLSX_ERR_STOPPED))
        avails_report(&ac, NULL, "avails.xlsx.no_avails_sheet", SEV_ERROR, "file", NULL, NULL,
                      "a sheet whose row 1 holds the categories (Avail, AvailTrans, AvailAsset, "
                      "...) and row 2 the column names",
                      "Start from the EMA Avails template and keep its first three rows.",
                      "No sheet of the workbook is laid out as an EMA Avails sheet");
    if (n_rows > PRIME_MAX_ROWS) {
        ac.std = "Prime Video avails requirements";
        avails_report(&ac, NULL, "avails.rows.limit", SEV_WARNING, "rows", NULL, NULL,
                      "at most 60,000 avails rows per file",
                      "Split the avails into files of at most 60,000 rows.",
                      "The file has %lld avails rows; Prime Video takes at most 60,000 per file",
                      (long long)n_rows);
    }
    avails_ctx_finish(&ac);
    xlsx_close(x);
    buf_free(&msg);
    return 0;
}

int check_avails_xlsx(const char *path, const char *display_name, const struct check_options *opts,
                      struct findings *out, struct buf *why)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (why)
            buf_printf(why, "%s cannot be read", display_name);
        return CHECK_ERR_IO;
    }
    return run(path, NULL, (uint64_t)st.st_size, display_name, opts ? opts->titles : NULL, out,
               why);
}

void avails_xlsx_check_buffer(const void *data, size_t len, const char *display_name,
                              const struct check_options *opts, struct findings *out)
{
    run(NULL, data, len, display_name, opts ? opts->titles : NULL, out, NULL);
}
