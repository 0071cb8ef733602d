/*
 * Avails vocabularies: see vocab.h. The values come from the MovieLabs rule
 * files vocab_avail_v2.1..2.7 (AvailType, EntryType, LicenseType, ...), the
 * Common Metadata WorkType list (vocab_cm_v2.12) and the EMA spreadsheet
 * column mappings for templates 1.7 to 1.9 plus the 1.6 template's own
 * columns. They are written here in our own form; the rule files are never
 * read at run time. The ISO code lists (countries, M.49 areas, languages,
 * currencies) are not here: core/codes.c is their one home.
 *
 * Lookups are linear scans over short lists (at most a few dozen values).
 */
#include "check/vocab.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "core/codes.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct vocab_value avail_type[] = {
    {"single", 0},       {"episode", 0},    {"season", 0},    {"series", 0},
    {"miniseries", 0},   {"collection", 0}, {"bundle", 2200}, {"supplement", 2200},
    {"promotion", 2200}, {"volume", 2400},
};
static const struct vocab_value entry_type[] = {
    {"Full Extract", 0}, {"Full Delete", 0}, {"Create", 2500}, {"Update", 2500}, {"Delete", 2500},
};
static const struct vocab_value work_type[] = {
    {"Movie", 0},
    {"Short", 0},
    {"Series", 0},
    {"Season", 0},
    {"Volume", 2400},
    {"Episode", 0},
    {"Non-episodic Show", 0},
    {"Promotion", 0},
    {"Ad", 0},
    {"Excerpt", 0},
    {"Supplemental", 0},
    {"Collection", 0},
    {"Franchise", 0},
    {"Album", 0},
    {"Song", 0},
    {"Music Video", 0},
    {"Concert", 0},
    {"Ring Tone", 0},
    {"Other Music", 0},
    {"Tournament", 0},
    {"Tournament Stage", 0},
    {"Tournament Round", 0},
    {"App", 0},
    {"Immersive", 0},
    {"Mixed-Media", 0},
    {"Gallery", 0},
    {"Other", 0},
    {"Visual Art", 0},
    {"Performing Art", 0},
    {"Book", 0},
    {"Book-series", 0},
    {"Monographic-series", 0},
    {"Serial", 0},
    {"Comic Book", 0},
    {"Comic Strip", 0},
    {"Competition", 0},
    {"Amusement", 0},
    {"AntiPiracy", 0},
    {"DistributionLogo", 0},
    {"Rating", 0},
    {"DubbingCredit", 0},
    {"Intermission", 0},
    {"EditNotice", 0},
    {"Health", 0},
};
static const struct vocab_value license_type[] = {
    {"EST", 0}, {"VOD", 0}, {"SVOD", 0}, {"POEST", 0}, {"Pre-Release", 2220}, {"Library", 2300},
};
static const struct vocab_value format_profile[] = {
    {"UHD", 0}, {"HD", 0}, {"SD", 0}, {"3D", 0}, {"3DUHD", 0}, {"3DHD", 0}, {"3DSD", 0},
};
static const struct vocab_value hdr[] = {{"true", 0}, {"HDR10", 0}, {"DV", 0}};
/* Avails 2.1 listed these; 2.2 onwards keeps only "Next Day TV" and "POD" but the others stay
 * in use (and in the EMA templates' examples), so all are known. */
static const struct vocab_value lrd[] = {
    {"New Release", 0},   {"Library", 0},        {"Mega-Library", 0}, {"Priority Library", 0},
    {"DD-Theatrical", 0}, {"Pre-Theatrical", 0}, {"DD-DVD", 0},       {"Early EST", 0},
    {"Preorder EST", 0},  {"Early VOD", 0},      {"Preorder VOD", 0}, {"DTV", 0},
    {"Next Day TV", 0},   {"Season Only", 0},    {"Free", 0},         {"TempPromo", 0},
    {"POD", 2200},
};
static const struct vocab_value localization[] = {
    {"sub", 0},
    {"dub", 0},
    {"subdub", 0},
    {"any", 0},
};
static const struct vocab_value caption_exemption[] = {
    {"1", 0}, {"2", 0}, {"3", 0}, {"4", 0}, {"5", 0}, {"6", 0},
};
static const struct vocab_value term_name[] = {
    {"Tier", 0},
    {"SRP", 0},
    {"TPR-SRP", 0},
    {"SRP-PostTax", 0},
    {"WSP", 0},
    {"TPR-WSP", 0},
    {"WSP-PostTax", 0},
    {"EpisodeWSP", 0},
    {"TPR-EpisodeWSP", 0},
    {"EpisodeWSP-PostTax", 0},
    {"SeasonWSP", 0},
    {"TPR-SeasonWSP", 0},
    {"SeasonWSP-PostTax", 0},
    {"DMRP", 0},
    {"TPR-DMRP", 0},
    {"DMRP-PostTax", 0},
    {"SMRP", 0},
    {"TPR-SMRP", 0},
    {"SMRP-PostTax", 0},
    {"LicenseFee", 0},
    {"TPR-LicenseFee", 0},
    {"Category", 0},
    {"TPR-Category", 0},
    {"Included", 0},
    {"AnnounceDate", 0},
    {"PreorderFulfillDate", 0},
    {"PreOrderFulfillDate", 0},
    {"SuppressionLiftDate", 0},
    {"RentalDuration", 0},
    {"WatchDuration", 0},
    {"FixedEndDate", 0},
    {"LocalizationOffering", 0},
    {"ContractStatus", 0},
    {"Download", 0},
    {"Exclusive", 0},
    {"ExclusiveAttributes", 0},
    {"BrandingRights", 0},
    {"BrandingRightsAttributes", 0},
    {"TitleStatus", 0},
    {"NA", 0},
    {"TPRType", 0},
    {"CampaignID", 0},
    {"GEMACountry", 0},
    {"GEMACategory", 0},
};
static const struct vocab_value condition[] = {
    {"Open", 0},      {"Immediate", 0}, {"ESTStart", 0},   {"EST", 0},
    {"Broadcast", 0}, {"Completed", 0}, {"Theatrical", 0}, {"TBD", 2500},
};
/* The spreadsheet's PriceType: the pricing terms of the XML plus NA. */
static const struct vocab_value price_type[] = {
    {"Tier", 0},
    {"Category", 0},
    {"LicenseFee", 0},
    {"SRP", 0},
    {"WSP", 0},
    {"DMRP", 0},
    {"SMRP", 0},
    {"EpisodeWSP", 0},
    {"SeasonWSP", 0},
    {"NA", 0},
    {"TPR-SRP", 0},
    {"TPR-WSP", 0},
    {"TPR-DMRP", 0},
    {"TPR-SMRP", 0},
    {"TPR-EpisodeWSP", 0},
    {"TPR-SeasonWSP", 0},
    {"TPR-LicenseFee", 0},
    {"TPR-Category", 0},
    {"SRP-PostTax", 0},
    {"WSP-PostTax", 0},
    {"DMRP-PostTax", 0},
    {"SMRP-PostTax", 0},
    {"EpisodeWSP-PostTax", 0},
    {"SeasonWSP-PostTax", 0},
};
static const struct vocab_value title_status[] = {
    {"Pending", 0},
    {"Approved", 0},
    {"Revoked", 0},
    {"Expired", 0},
};
static const struct vocab_value tpr_type[] = {
    {"Conditional", 0},
    {"Unconditional", 0},
    {"unspecified", 0},
};
static const struct vocab_value ecosystem[] = {{"MA", 0}, {"DMA", 0}, {"UVVU", 0}};
static const struct vocab_value alt_scope[] = {{"Title", 0}, {"Edit", 0}, {"Manifestation", 0}};
static const struct vocab_value lang_asset[] = {{"subtitle", 0}, {"audio", 0}, {"subdub", 0}};
static const struct vocab_value progress_code[] = {
    {"Live", 0},
    {"Ready", 0},
    {"Issue", 0},
    {"In-Process", 0},
};

#define V(id, field, arr, clause) [id] = {field, arr, N(arr), clause}
static const struct vocab vocabs[VOCAB__COUNT] = {
    V(VOCAB_AVAIL_TYPE, "AvailType", avail_type, "MDDF Avails, AvailType"),
    V(VOCAB_ENTRY_TYPE, "EntryType", entry_type, "MDDF Avails, Disposition/EntryType"),
    V(VOCAB_WORK_TYPE, "WorkType", work_type, "Common Metadata, WorkType"),
    V(VOCAB_LICENSE_TYPE, "LicenseType", license_type, "MDDF Avails, Transaction/LicenseType"),
    V(VOCAB_FORMAT_PROFILE, "FormatProfile", format_profile,
      "MDDF Avails, Transaction/FormatProfile"),
    V(VOCAB_HDR, "HDR", hdr, "MDDF Avails, FormatProfile@HDR"),
    V(VOCAB_LRD, "LicenseRightsDescription", lrd, "MDDF Avails, LicenseRightsDescription"),
    V(VOCAB_LOCALIZATION, "LocalizationType", localization,
      "MDDF Avails, Metadata/LocalizationOffering"),
    V(VOCAB_CAPTION_EXEMPTION, "CaptionExemption", caption_exemption,
      "MDDF Avails, USACaptionsExemptionReason"),
    V(VOCAB_TERM_NAME, "Term@termName", term_name, "MDDF Avails, Transaction/Term@termName"),
    V(VOCAB_CONDITION, "Start/EndCondition", condition,
      "MDDF Avails, StartCondition/EndCondition (DateTimeCondition)"),
    V(VOCAB_PRICE_TYPE, "PriceType", price_type, "EMA Avails, PriceType"),
    V(VOCAB_TITLE_STATUS, "TitleStatus", title_status, "MDDF Avails, Term TitleStatus"),
    V(VOCAB_TPR_TYPE, "TPRType", tpr_type, "MDDF Avails, Term TPRType"),
    V(VOCAB_ECOSYSTEM, "SharedEntitlement@ecosystem", ecosystem,
      "MDDF Avails, SharedEntitlement@ecosystem"),
    V(VOCAB_ALT_SCOPE, "AltIdentifier@scope", alt_scope, "MDDF Avails, AltIdentifier@scope"),
    V(VOCAB_LANG_ASSET, "Language@asset", lang_asset, "MDDF Avails, AllowedLanguage@asset"),
    V(VOCAB_PROGRESS_CODE, "ProgressCode", progress_code, "MDDF Avails, OfferStatus ProgressCode"),
};

const struct vocab *vocab_get(enum vocab_id id)
{
    VG_ASSERT(id >= 0 && id < VOCAB__COUNT);
    return &vocabs[id];
}

/* Equal ignoring ASCII case and treating any run of spaces as one space. */
static bool loose_equal(const char *a, size_t alen, const char *b)
{
    size_t i = 0;
    while (i < alen && *b) {
        if (a[i] == ' ' && *b == ' ') {
            while (i < alen && a[i] == ' ')
                i++;
            while (*b == ' ')
                b++;
            continue;
        }
        char x = a[i], y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
        i++;
        b++;
    }
    return i == alen && *b == '\0';
}

const struct vocab_value *vocab_find(enum vocab_id id, const char *s, size_t len,
                                     const struct vocab_value **ci_match)
{
    const struct vocab *v = vocab_get(id);
    if (ci_match)
        *ci_match = NULL;
    for (size_t i = 0; i < v->n; i++)
        if (strlen(v->values[i].s) == len && memcmp(v->values[i].s, s, len) == 0)
            return &v->values[i];
    if (ci_match)
        for (size_t i = 0; i < v->n; i++)
            if (loose_equal(s, len, v->values[i].s)) {
                *ci_match = &v->values[i];
                break;
            }
    return NULL;
}

void vocab_list(enum vocab_id id, int version, struct buf *out)
{
    const struct vocab *v = vocab_get(id);
    bool first = true;
    for (size_t i = 0; i < v->n; i++) {
        if (version && v->values[i].since > version)
            continue;
        buf_printf(out, "%s%s", first ? "" : ", ", v->values[i].s);
        first = false;
    }
}

/* The territories of MovieLabs' ISO3166-1 list that are neither ISO 3166-1 countries nor UN
 * M.49 areas (those are core/codes.c's). */
static const struct {
    const char *code, *name;
} avails_areas[] = {
    {"ZZ", "Global"},
    {"EU", "European Union"},
};

const char *vocab_territory_area(const char *s)
{
    for (size_t i = 0; s && i < N(avails_areas); i++)
        if (!strcmp(s, avails_areas[i].code))
            return avails_areas[i].name;
    return codes_m49_area(s);
}

/* ---- spreadsheet templates ---- */

int vocab_xml_version_of_template(int tpl)
{
    if (tpl >= TPL_1_9)
        return 2500;
    if (tpl >= TPL_1_8)
        return 2400;
    if (tpl >= TPL_1_7_3)
        return 2300;
    if (tpl >= TPL_1_7_2)
        return 2220;
    if (tpl >= TPL_1_7)
        return 2200;
    return 2100;
}

void vocab_version_str(int v, char *out, size_t out_len)
{
    int major = v / 1000, minor = v / 100 % 10, patch = v / 10 % 10;
    if (patch)
        snprintf(out, out_len, "%d.%d.%d", major, minor, patch);
    else
        snprintf(out, out_len, "%d.%d", major, minor);
}

/* Every column of the EMA templates 1.6 to 1.9 (row 2 names; row 1 categories). Required:
 * the columns every template of the version marks //REQ and that the checks need. */
#define C(name, cat, field, since, until, req)                                                     \
    {                                                                                              \
        name, cat, field, since, until, req                                                        \
    }
static const struct avails_column columns[] = {
    C("ALID", "Avail", AVF_ALID, TPL_1_7, 0, true),
    C("AllowedLanguages", "AvailTrans", AVF_ALLOWED_LANGUAGES, TPL_1_7, 0, false),
    C("AltID", "AvailAsset", AVF_ALT_ID, TPL_1_6, 0, false),
    C("AnnounceDate", "AvailTrans", AVF_ANNOUNCE_DATE, TPL_1_7, 0, false),
    C("Any", "AvailMetadata", AVF_OTHER, TPL_1_6, 0, false),
    C("AssetLanguage", "AvailTrans", AVF_ASSET_LANGUAGE, TPL_1_7, 0, false),
    C("AssociatedALID", "Avail", AVF_ASSOCIATED_ALID, TPL_1_9, 0, false),
    C("AvailID", "Avail", AVF_AVAIL_ID, TPL_1_6, 0, false),
    C("BrandingRights", "AvailTrans", AVF_BRANDING_RIGHTS, TPL_1_7_3, 0, false),
    C("BrandingRightsAttributes", "AvailTrans", AVF_OTHER, TPL_1_7_3, 0, false),
    C("BundledALIDs", "Avail", AVF_BUNDLED_ALIDS, TPL_1_7, 0, false),
    C("CampaignID", "AvailTrans", AVF_OTHER, TPL_1_9, 0, false),
    C("CaptionExemption", "AvailMetadata", AVF_CAPTION_EXEMPTION, TPL_1_6, 0, false),
    C("CaptionIncluded", "AvailMetadata", AVF_CAPTION_INCLUDED, TPL_1_6, 0, false),
    C("CompanyDisplayCredit", "AvailMetadata", AVF_OTHER, TPL_1_6, 0, false),
    C("ContentID", "AvailAsset", AVF_CONTENT_ID, TPL_1_6, 0, false),
    C("ContractID", "AvailTrans", AVF_OTHER, TPL_1_6, 0, false),
    C("DMA_ID", "Avail", AVF_OTHER, TPL_1_7, 0, false),
    C("Description", "AvailTrans", AVF_OTHER, TPL_1_6, 0, false),
    C("Director", "AvailMetadata", AVF_OTHER, TPL_1_7_3, 0, false),
    C("DisplayName", "Avail", AVF_DISPLAY_NAME, TPL_1_6, 0, true),
    C("DistributionNumber", "AvailMetadata", AVF_OTHER, TPL_1_7_2, 0, false),
    C("Download", "AvailTrans", AVF_DOWNLOAD, TPL_1_7_3, 0, false),
    C("EditID", "AvailAsset", AVF_EDIT_ID, TPL_1_7, 0, false),
    C("EncodeID", "AvailAsset", AVF_OTHER, TPL_1_6, TPL_1_6, false),
    C("End", "AvailTrans", AVF_END, TPL_1_6, 0, true),
    C("EndLag", "AvailTrans", AVF_END_LAG, TPL_1_7_3, 0, false),
    C("EntryType", "Disposition", AVF_ENTRY_TYPE, TPL_1_6, 0, true),
    C("EpisodeAltID", "AvailMetadata", AVF_OTHER, TPL_1_6, 0, false),
    C("EpisodeContentID", "AvailAsset", AVF_EPISODE_CONTENT_ID, TPL_1_6, 0, false),
    C("EpisodeCount", "AvailMetadata", AVF_OTHER, TPL_1_6, 0, false),
    C("EpisodeID", "AvailMetadata", AVF_OTHER, TPL_1_7, 0, false),
    C("EpisodeNumber", "AvailMetadata", AVF_EPISODE_NUMBER, TPL_1_6, 0, false),
    C("EpisodeProductID", "AvailAsset", AVF_OTHER, TPL_1_6, TPL_1_6, false),
    C("EpisodeTitleDisplayUnlimited", "AvailMetadata", AVF_OTHER, TPL_1_6, 0, false),
    C("EpisodeTitleID", "AvailMetadata", AVF_OTHER, TPL_1_7_3, 0, false),
    C("EpisodeTitleInternalAlias", "AvailMetadata", AVF_OTHER, TPL_1_6, 0, false),
    C("ExceptionFlag", "Avail", AVF_EXCEPTION_FLAG, TPL_1_6, 0, false),
    C("Exclusive", "AvailTrans", AVF_EXCLUSIVE, TPL_1_7_3, 0, false),
    C("ExclusiveAttributes", "AvailTrans", AVF_OTHER, TPL_1_7_3, 0, false),
    C("FixedEndDate", "AvailTrans", AVF_FIXED_END_DATE, TPL_1_6, 0, false),
    C("FormatProfile", "AvailTrans", AVF_FORMAT_PROFILE, TPL_1_6, 0, true),
    C("GroupIdentity", "AvailMetadata", AVF_OTHER, TPL_1_7_3, 0, false),
    C("HDR", "AvailTrans", AVF_HDR, TPL_1_7, 0, false),
    C("HFR", "AvailTrans", AVF_HFR, TPL_1_7, 0, false),
    C("HoldbackExclusionLanguage", "AvailTrans", AVF_HOLDBACK_EXCLUSION_LANGUAGE, TPL_1_6, TPL_1_6,
      false),
    C("HoldbackLanguage", "AvailTrans", AVF_HOLDBACK_LANGUAGE, TPL_1_6, 0, false),
    C("LicenseRightsDescription", "AvailTrans", AVF_LRD, TPL_1_6, 0, false),
    C("LicenseType", "AvailTrans", AVF_LICENSE_TYPE, TPL_1_6, 0, true),
    C("Licensee", "Avail", AVF_OTHER, TPL_1_7_3, 0, false),
    C("LocalizationType", "AvailMetadata", AVF_LOCALIZATION_TYPE, TPL_1_6, 0, false),
    C("Metadata", "AvailAsset", AVF_OTHER, TPL_1_6, 0, false),
    C("NGAudio", "AvailTrans", AVF_OTHER, TPL_1_7, 0, false),
    C("OtherInstructions", "AvailTrans", AVF_OTHER, TPL_1_6, 0, false),
    C("OtherTerms", "AvailTrans", AVF_OTHER, TPL_1_6, 0, false),
    C("PriceCurrency", "AvailTrans", AVF_PRICE_CURRENCY, TPL_1_7, 0, false),
    C("PriceType", "AvailTrans", AVF_PRICE_TYPE, TPL_1_6, 0, true),
    C("PriceValue", "AvailTrans", AVF_PRICE_VALUE, TPL_1_6, 0, true),
    C("ProductID", "AvailAsset", AVF_OTHER, TPL_1_6, TPL_1_6, false),
    C("RatingReason", "AvailMetadata", AVF_OTHER, TPL_1_6, 0, false),
    C("RatingSystem", "AvailMetadata", AVF_OTHER, TPL_1_6, 0, false),
    C("RatingValue", "AvailMetadata", AVF_OTHER, TPL_1_6, 0, false),
    C("ReleaseHistoryOriginal", "AvailMetadata", AVF_RELEASE_HISTORY_ORIGINAL, TPL_1_6, 0, false),
    C("ReleaseHistoryPhysicalHV", "AvailMetadata", AVF_RELEASE_HISTORY_PHYSICAL_HV, TPL_1_6, 0,
      false),
    C("ReleaseYear", "AvailMetadata", AVF_RELEASE_YEAR, TPL_1_6, 0, false),
    C("RentalDuration", "AvailTrans", AVF_RENTAL_DURATION, TPL_1_6, 0, false),
    C("ReportingID", "Avail", AVF_OTHER, TPL_1_7, 0, false),
    C("RequiredFulfillmentLanguages", "AvailTrans", AVF_REQUIRED_FULFILLMENT_LANGUAGES, TPL_1_7_3,
      0, false),
    C("RetailerEpisodeID1", "AvailMetadata", AVF_OTHER, TPL_1_7_2, 0, false),
    C("RetailerEpisodeID2", "AvailMetadata", AVF_OTHER, TPL_1_7_2, 0, false),
    C("RetailerID1", "AvailMetadata", AVF_OTHER, TPL_1_7_2, 0, false),
    C("RetailerID2", "AvailMetadata", AVF_OTHER, TPL_1_7_2, 0, false),
    C("RetailerID3", "AvailMetadata", AVF_OTHER, TPL_1_7_2, 0, false),
    C("RetailerSeasonID", "AvailMetadata", AVF_OTHER, TPL_1_7_2, 0, false),
    C("RetailerSeriesID", "AvailMetadata", AVF_OTHER, TPL_1_7_2, 0, false),
    C("RetailerSpare1", "Avail", AVF_OTHER, TPL_1_7_2, 0, false),
    C("RetailerSpare2", "Avail", AVF_OTHER, TPL_1_7_2, 0, false),
    C("RetailerSpare3", "Avail", AVF_OTHER, TPL_1_7_2, 0, false),
    C("RetailerVolumeID", "AvailMetadata", AVF_OTHER, TPL_1_8, 0, false),
    C("SRP", "AvailTrans", AVF_SRP, TPL_1_6, 0, false),
    C("SeasonAltID", "AvailMetadata", AVF_OTHER, TPL_1_6, 0, false),
    C("SeasonContentID", "AvailAsset", AVF_SEASON_CONTENT_ID, TPL_1_6, 0, false),
    C("SeasonCount", "AvailMetadata", AVF_OTHER, TPL_1_6, 0, false),
    C("SeasonID", "AvailMetadata", AVF_OTHER, TPL_1_7, 0, false),
    C("SeasonNumber", "AvailMetadata", AVF_SEASON_NUMBER, TPL_1_6, 0, false),
    C("SeasonTitleDisplayUnlimited", "AvailMetadata", AVF_OTHER, TPL_1_6, 0, false),
    C("SeasonTitleInternalAlias", "AvailMetadata", AVF_OTHER, TPL_1_6, 0, false),
    C("SeriesAltID", "AvailMetadata", AVF_OTHER, TPL_1_6, 0, false),
    C("SeriesContentID", "AvailAsset", AVF_SERIES_CONTENT_ID, TPL_1_6, 0, false),
    C("SeriesID", "AvailMetadata", AVF_OTHER, TPL_1_7, 0, false),
    C("SeriesTitleDisplayUnlimited", "AvailMetadata", AVF_OTHER, TPL_1_6, 0, false),
    C("SeriesTitleInternalAlias", "AvailMetadata", AVF_OTHER, TPL_1_6, 0, false),
    C("ServiceProvider", "Avail", AVF_OTHER, TPL_1_6, 0, false),
    C("SpecialPreOrderFulfillDate", "AvailTrans", AVF_SPECIAL_PREORDER_FULFILL_DATE, TPL_1_6, 0,
      false),
    C("Start", "AvailTrans", AVF_START, TPL_1_6, 0, true),
    C("StartLag", "AvailTrans", AVF_START_LAG, TPL_1_7_3, 0, false),
    C("StoreLanguage", "AvailTrans", AVF_STORE_LANGUAGE, TPL_1_6, TPL_1_6, false),
    C("SuppressionLiftDate", "AvailTrans", AVF_SUPPRESSION_LIFT_DATE, TPL_1_6, 0, false),
    C("TPRType", "AvailTrans", AVF_TPR_TYPE, TPL_1_9, 0, false),
    C("Territory", "AvailTrans", AVF_TERRITORY, TPL_1_6, 0, true),
    C("TerritoryExclusion", "AvailTrans", AVF_TERRITORY_EXCLUSION, TPL_1_7_3, 0, false),
    C("TitleDisplayUnlimited", "AvailMetadata", AVF_OTHER, TPL_1_6, 0, false),
    C("TitleID", "AvailAsset", AVF_TITLE_ID, TPL_1_7, 0, false),
    C("TitleInternalAlias", "AvailMetadata", AVF_OTHER, TPL_1_6, 0, false),
    C("TitleStatus", "AvailTrans", AVF_TITLE_STATUS, TPL_1_7_3, 0, false),
    C("TotalRunTime", "AvailMetadata", AVF_TOTAL_RUN_TIME, TPL_1_6, 0, false),
    C("UV_ID", "Avail", AVF_OTHER, TPL_1_7, 0, false),
    C("VolumeContentID", "AvailAsset", AVF_VOLUME_CONTENT_ID, TPL_1_8, 0, false),
    C("VolumeDistributionNumber", "AvailMetadata", AVF_OTHER, TPL_1_8, 0, false),
    C("VolumeID", "AvailMetadata", AVF_OTHER, TPL_1_8, 0, false),
    C("VolumeNumber", "AvailMetadata", AVF_OTHER, TPL_1_8, 0, false),
    C("VolumeTitleDisplayUnlimited", "AvailMetadata", AVF_OTHER, TPL_1_8, 0, false),
    C("VolumeTitleInternalAlias", "AvailMetadata", AVF_OTHER, TPL_1_8, 0, false),
    C("WCG", "AvailTrans", AVF_WCG, TPL_1_7, 0, false),
    C("WatchDuration", "AvailTrans", AVF_WATCH_DURATION, TPL_1_6, 0, false),
    C("WindowDuration", "AvailTrans", AVF_WINDOW_DURATION, TPL_1_7_3, 0, false),
    C("WorkType", "AvailAsset", AVF_WORK_TYPE, TPL_1_6, 0, true),
    C("BundleALIDs", "Avail", AVF_BUNDLED_ALIDS, TPL_1_7_2, TPL_1_7_3, false),
    C("VolumeDistributinoNumber", "AvailMetadata", AVF_OTHER, TPL_1_8, 0, false),
    C("PackageLabel", "AvailTrans", AVF_OTHER, TPL_1_9, 0, false),
    C("VolumeAltID", "AvailMetadata", AVF_OTHER, TPL_1_8, 0, false),
    C("RefALID", "AvailTrans", AVF_REF_ALID, TPL_1_9, 0, false),
    C("RefAvailID", "AvailTrans", AVF_OTHER, TPL_1_9, 0, false),
    C("RefFormatProfile", "AvailTrans", AVF_OTHER, TPL_1_9, 0, false),
    C("RefLicenseType", "AvailTrans", AVF_REF_LICENSE_TYPE, TPL_1_9, 0, false),
    C("RefTerritory", "AvailTrans", AVF_REF_TERRITORY, TPL_1_9, 0, false),
    C("RefTerritoryExcluded", "AvailTrans", AVF_OTHER, TPL_1_9, 0, false),
};

const struct avails_column *vocab_column_find(const char *header)
{
    for (size_t i = 0; i < N(columns); i++)
        if (!strcmp(header, columns[i].name))
            return &columns[i];
    return NULL;
}

static const struct avails_column *by_field[AVF__COUNT];
static pthread_once_t by_field_once = PTHREAD_ONCE_INIT;

static void index_fields(void)
{
    for (size_t i = N(columns); i-- > 0;)
        by_field[columns[i].field] = &columns[i];
}

const struct avails_column *vocab_column_of(enum avf field)
{
    pthread_once(&by_field_once, index_fields);
    return field >= 0 && field < AVF__COUNT ? by_field[field] : NULL;
}

const struct avails_column *vocab_column_at(size_t i)
{
    return i < N(columns) ? &columns[i] : NULL;
}
