/*
 * What a delivery says about titles, read from its files for the catalogue
 * (SPEC 3, "Titles: the steady state"): the rows of an avails file (XML or
 * the EMA spreadsheet), and the assets an asset package's manifest lists.
 * The validators decide whether a delivery passes; this reader only lifts
 * the facts out of files that were checked, so it is lenient: a value it
 * cannot read is left NULL. Everything is allocated from the caller's arena.
 */
#ifndef VG_TITLE_ROWS_H
#define VG_TITLE_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

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
    struct title_avail_row *rows;
    size_t n_rows, cap_rows;
    struct title_pkg_asset *assets;
    size_t n_assets, cap_assets;
};

/* Reads the avails rows of an XML or xlsx file at path (by its display name's extension).
 * Returns 0, or -1 when the file could not be read at all. */
int title_rows_avails(const char *path, const char *display_name, struct arena *a,
                      struct title_rows *out);
/* Reads the assets of a Media Manifest at path. Returns 0, or -1 when unreadable. */
int title_rows_manifest(const char *path, struct arena *a, struct title_rows *out);

#endif
