/*
 * The controlled vocabularies and code lists of EMA/MDDF Avails, encoded as
 * static tables (the MovieLabs rule files are the source of these facts;
 * nothing is read at run time).
 *
 * A vocabulary is a list of values, each with the Avails XML version that
 * introduced it, so a value newer than the file's version is reported as
 * such. Versions are integers: Avails XML 2.2.2 is 2220, 2.5 is 2500; EMA
 * spreadsheet templates map to the XML version they were defined against
 * (vocab_xml_version_of_template: 1.7.2 -> 2.2.2, 1.8 -> 2.4, ...).
 *
 * The spreadsheet columns (vocab_column_find) are keyed by header name with
 * the template versions that define them; required columns are flagged.
 *
 * The ISO code lists the checks also need (countries, UN M.49 areas,
 * languages, currencies) live in core/codes.h, shared with the questionnaire;
 * this file adds only what is Avails' own (the territories ZZ and EU).
 *
 * Pure and thread-safe: static tables only.
 */
#ifndef VG_VOCAB_H
#define VG_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

enum vocab_id {
    VOCAB_AVAIL_TYPE,
    VOCAB_ENTRY_TYPE,
    VOCAB_WORK_TYPE,
    VOCAB_LICENSE_TYPE,
    VOCAB_FORMAT_PROFILE,
    VOCAB_HDR, /* FormatProfile@HDR */
    VOCAB_LRD, /* LicenseRightsDescription (recommended values) */
    VOCAB_LOCALIZATION,
    VOCAB_CAPTION_EXEMPTION,
    VOCAB_TERM_NAME,
    VOCAB_CONDITION,  /* Start/EndCondition (DateTimeCondition) */
    VOCAB_PRICE_TYPE, /* spreadsheet PriceType */
    VOCAB_TITLE_STATUS,
    VOCAB_TPR_TYPE,
    VOCAB_ECOSYSTEM,  /* SharedEntitlement@ecosystem */
    VOCAB_ALT_SCOPE,  /* AltIdentifier@scope */
    VOCAB_LANG_ASSET, /* Language@asset: subtitle, audio, subdub */
    VOCAB_PROGRESS_CODE,
    VOCAB__COUNT
};

struct vocab_value {
    const char *s;
    int since; /* Avails XML version that introduced it, 0 for always */
};

struct vocab {
    const char *field; /* "LicenseType" */
    const struct vocab_value *values;
    size_t n;
    const char *clause; /* where the list is defined, "EMA Avails, LicenseType" */
};

const struct vocab *vocab_get(enum vocab_id id);

/*
 * Looks s (exactly len bytes, already trimmed) up in the vocabulary.
 * Returns the matching entry, or NULL; when NULL and ci_match is not NULL,
 * *ci_match is set to the entry that matches ignoring case and inner
 * runs of spaces ("full  extract" -> "Full Extract"), or NULL.
 */
const struct vocab_value *vocab_find(enum vocab_id id, const char *s, size_t len,
                                     const struct vocab_value **ci_match);

/* Writes the values of the vocabulary valid at version (0: all) as "a, b, c" into out. */
struct buf;
void vocab_list(enum vocab_id id, int version, struct buf *out);

/* Territories that are valid in Avails but are not countries: "ZZ" (global), "EU", and the
 * UN M.49 area codes ("419", "150": core/codes.h's codes_m49_area). Returns their name, or
 * NULL. (Currencies and language codes: core/codes.h.) */
const char *vocab_territory_area(const char *s);

/* ---- spreadsheet templates ---- */

/* Template versions as integers. */
enum {
    TPL_1_6 = 1600,
    TPL_1_7 = 1700,
    TPL_1_7_2 = 1720,
    TPL_1_7_3 = 1730,
    TPL_1_8 = 1800,
    TPL_1_9 = 1900
};

/* The Avails XML version a template version was defined against (1.7.2 -> 2220). */
int vocab_xml_version_of_template(int tpl);
/* Formats a version integer: 1720 -> "1.7.2", 2500 -> "2.5". out: at least 12 bytes. */
void vocab_version_str(int version, char *out, size_t out_len);

/* The columns the checks read; AVF_OTHER for the rest. */
enum avf {
    AVF_OTHER = 0,
    AVF_DISPLAY_NAME,
    AVF_TERRITORY,
    AVF_WORK_TYPE,
    AVF_ENTRY_TYPE,
    AVF_LICENSE_TYPE,
    AVF_FORMAT_PROFILE,
    AVF_START,
    AVF_END,
    AVF_PRICE_TYPE,
    AVF_PRICE_VALUE,
    AVF_PRICE_CURRENCY,
    AVF_SRP,
    AVF_ALID,
    AVF_ALT_ID,
    AVF_CONTENT_ID,
    AVF_EPISODE_CONTENT_ID,
    AVF_SEASON_CONTENT_ID,
    AVF_SERIES_CONTENT_ID,
    AVF_VOLUME_CONTENT_ID,
    AVF_TITLE_ID,
    AVF_EDIT_ID,
    AVF_ASSET_LANGUAGE,
    AVF_ALLOWED_LANGUAGES,
    AVF_HOLDBACK_LANGUAGE,
    AVF_HOLDBACK_EXCLUSION_LANGUAGE,
    AVF_REQUIRED_FULFILLMENT_LANGUAGES,
    AVF_STORE_LANGUAGE,
    AVF_LOCALIZATION_TYPE,
    AVF_CAPTION_INCLUDED,
    AVF_CAPTION_EXEMPTION,
    AVF_SUPPRESSION_LIFT_DATE,
    AVF_SPECIAL_PREORDER_FULFILL_DATE,
    AVF_ANNOUNCE_DATE,
    AVF_FIXED_END_DATE,
    AVF_RELEASE_HISTORY_ORIGINAL,
    AVF_RELEASE_HISTORY_PHYSICAL_HV,
    AVF_BUNDLED_ALIDS,
    AVF_HDR,
    AVF_WCG,
    AVF_HFR,
    AVF_RELEASE_YEAR,
    AVF_TOTAL_RUN_TIME,
    AVF_TERRITORY_EXCLUSION,
    AVF_START_LAG,
    AVF_END_LAG,
    AVF_LRD,
    AVF_EXCEPTION_FLAG,
    AVF_EPISODE_NUMBER,
    AVF_SEASON_NUMBER,
    AVF_TITLE_STATUS,
    AVF_TPR_TYPE,
    AVF_BRANDING_RIGHTS,
    AVF_EXCLUSIVE,
    AVF_DOWNLOAD,
    AVF_RENTAL_DURATION,
    AVF_WATCH_DURATION,
    AVF_WINDOW_DURATION,
    AVF_ASSOCIATED_ALID,
    AVF_AVAIL_ID,
    AVF_REF_ALID,
    AVF_REF_TERRITORY,
    AVF_REF_LICENSE_TYPE,
    AVF__COUNT
};

struct avails_column {
    const char *name;     /* the header in row 2, "LicenseType" */
    const char *category; /* row 1: "AvailTrans" */
    enum avf field;
    int since, until; /* template versions that define it (until 0: still current) */
    bool required;    /* a column every template of [since, until] has and rows must fill */
};

/* The column for a row-2 header (exact name or a known variant such as "BundleALIDs"), or NULL. */
const struct avails_column *vocab_column_find(const char *header);
/* The column of a field (the first table entry for it). */
const struct avails_column *vocab_column_of(enum avf field);
/* Iterates the table: entry i, or NULL past the end. */
const struct avails_column *vocab_column_at(size_t i);

#endif
