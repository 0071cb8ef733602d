/*
 * What a delivery says about titles, read from its files for the catalogue
 * (SPEC 3, "Titles: the steady state"): the rows of an avails file (XML or
 * the EMA spreadsheet), and the assets an asset package's manifest lists.
 * The validators decide whether a delivery passes; this reader only lifts
 * the facts out of what they read, so it is lenient: a value it cannot read
 * is left NULL. A file is read once: the validator (check_file with
 * check_options.titles set) hands its parsed document, or each sheet row,
 * to the functions below. Everything is allocated from out->a.
 */
#ifndef VG_TITLE_ROWS_H
#define VG_TITLE_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "check/vocab.h"

#include <libxml/tree.h>

/* One avails row (an EMA line, or one Avail × Transaction × Territory of the XML). */
struct title_avail_row {
    const char *alid, *content_id, *eidr;
    const char *name;        /* the title's display name */
    const char *work_type;   /* Movie, Episode, Season, Series, ... */
    const char *series_name; /* episodes and seasons */
    int64_t season, episode; /* 0: none */
    const char *original_language;
    const char *territory, *license_type, *format_profile;
    const char *start, *end; /* YYYY-MM-DD (NULL: a condition / open-ended) */
    bool full_delete;        /* EntryType FullDelete: end the matching windows */
};

/* One asset a package's manifest lists, with the title it belongs to. */
struct title_pkg_asset {
    const char *title_id; /* the ALID or ContentID that names the title */
    const char *kind;     /* video, audio, captions, artwork, metadata */
    const char *language; /* "" when none */
};

struct title_rows {
    struct arena *a; /* where rows and assets are allocated (the caller's) */
    struct title_avail_row *rows;
    size_t n_rows, cap_rows;
    struct title_pkg_asset *assets;
    size_t n_assets, cap_assets;
};

/* The avails rows of an Avails XML document (its root element). */
void title_rows_avails_xml(const xmlNode *root, struct title_rows *out);

/* EMA columns read by name that have no field of their own in the validator's table. */
enum title_rows_extra {
    TRX_TITLE,         /* TitleDisplayUnlimited */
    TRX_TITLE_ALIAS,   /* TitleInternalAlias */
    TRX_EPISODE_TITLE, /* EpisodeTitleDisplayUnlimited */
    TRX_EPISODE_ALIAS, /* EpisodeTitleInternalAlias */
    TRX_SERIES_TITLE,  /* SeriesTitleDisplayUnlimited */
    TRX_SERIES_ALIAS,  /* SeriesTitleInternalAlias */
    TRX__COUNT
};
/* The title_rows_extra of a row-2 column name, or -1. */
int title_rows_ema_column(const char *header);
/* One data row of an EMA avails sheet: the raw cell text of each field (by the validator's
 * column table) and of each extra column, NULL when absent or empty; has_alid_column: the sheet
 * has an ALID column (else the 1.6 AltID names the avail). */
void title_rows_ema_row(struct title_rows *out, const char *const field[AVF__COUNT],
                        bool has_alid_column, const char *const extra[TRX__COUNT],
                        bool date1904);

/* The assets a Media Manifest document lists (its root element). */
void title_rows_manifest(const xmlNode *root, struct title_rows *out);

#endif
