/*
 * The validation engine's one entry point: a file in, findings out.
 *
 * Every caller (the delivery jobs of the server, `vodgate validate`, the
 * tests) goes through check_file(), so the pre-flight and the server give the
 * same findings for the same bytes under the same CHECK_RULESET_VERSION. A
 * kind names the family of rules (EMA Avails, Media Manifest, MEC, media,
 * captions, artwork); CHECK_AUTO picks it from the file's extension and
 * content (check_kind_detect). Each kind lives in its own file in src/check
 * (avails_xlsx.c, avails_xml.c, ...) and is dispatched from check.c.
 *
 * Problems with the delivered bytes (not an avails sheet, malformed XML, a
 * zip bomb, a file too large) are findings, because they are the partner's
 * to fix. Only problems the partner cannot fix in the file are errors:
 * the file cannot be read (CHECK_ERR_IO), or the kind is not known or not
 * built yet (CHECK_ERR_KIND, CHECK_ERR_UNSUPPORTED).
 *
 * Validators read no clock, touch no database or network, and are
 * thread-safe: several jobs may check files at once.
 */
#ifndef VG_CHECK_H
#define VG_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "check/finding.h"

enum check_kind {
    CHECK_AUTO = 0, /* detect from the extension and the first bytes */
    CHECK_AVAILS,   /* EMA Avails: .xlsx spreadsheet (template 1.6 to 1.9) or Avails XML */
    CHECK_MANIFEST, /* MovieLabs Media Manifest / MMC */
    CHECK_MEC,      /* MovieLabs Media Entertainment Core metadata */
    CHECK_MEDIA,    /* video and audio files (technical asset review) */
    CHECK_CAPTIONS, /* SRT, SCC, TTML/DFXP */
    CHECK_ARTWORK,  /* JPEG, PNG */
};

enum check_err {
    CHECK_OK = 0,
    CHECK_ERR_IO = -1,          /* the file cannot be opened or read */
    CHECK_ERR_KIND = -2,        /* CHECK_AUTO could not tell what the file is */
    CHECK_ERR_UNSUPPORTED = -3, /* the kind is known but its checks are not built yet */
};

/*
 * One file of the delivery, as its receipt recorded it. A manifest's
 * references are checked against these: present, same size, same checksum.
 */
struct check_delivered_file {
    const char *name;   /* as delivered, relative to the package root: "resources/feature.mov" */
    uint64_t size;      /* bytes */
    const char *sha256; /* lowercase hex, NULL when not known */
    const char *md5;    /* lowercase hex, NULL when not known */
    const char *path;   /* where this machine stores it (readable), NULL when not readable here */
};

/*
 * How a manifest's references to other files are checked.
 *   CHECK_REFS_DELIVERY: against files[] (the server always; the pre-flight
 *     when it is given the package): a file named but not delivered is the
 *     error package.file.missing; a size or checksum that differs from what
 *     the manifest states is an error too.
 *   CHECK_REFS_UNCHECKED: the file list is not complete (a manifest checked
 *     on its own, the MovieLabs samples whose media never existed): a named
 *     file that files[] lacks is not an error; one warning,
 *     package.refs.unchecked, says how many were not looked for, so a
 *     pre-flight never claims more than it checked. Files that files[] does
 *     list are still checked (size, checksum, a MEC file's ContentID).
 */
enum check_refs {
    CHECK_REFS_UNCHECKED = 0,
    CHECK_REFS_DELIVERY = 1,
};

struct ratings_db;       /* check/ratings.h: the CMR ratings database (--ratings FILE) */
struct delivery_profile; /* check/profile.h: the installation's delivery profile */
struct title_rows;       /* check/title_rows.h: what a delivery says about titles */

struct check_options {
    /* A directory holding the MovieLabs XSDs (avails-v2.4.xsd, md-v2.7.xsd, ...), or NULL.
     * When set, XML files are also validated against the schema of their namespace. */
    const char *mddf_schemas;
    /* The formats the partner is approved for (e.g. "HD", "UHD", "5.1"), when known. */
    const char *const *approved_formats;
    size_t n_approved_formats;
    /* Manifests: the delivery's files and how references are checked (enum check_refs). */
    enum check_refs refs;
    const struct check_delivered_file *files;
    size_t n_files;
    /* MDDF: ratings are checked against this database when set (ratings_load). */
    const struct ratings_db *ratings;
    /* Media, captions, artwork before approval: the delivery profile; NULL: built-in default. */
    const struct delivery_profile *profile;
    /* Captions: the programme's duration in seconds when the package gives it, else 0. */
    double video_duration;
    /* Captions: the video's frame rate when known (SCC timecode), else 0. */
    double video_fps;
    /* Artwork: what the image is for ("cover", "boxart", "poster", "title", ... as the delivery
     * profile names them); NULL: told from the file name (key_art_cover.jpg). */
    const char *artwork_purpose;
    /* Avails (XML and xlsx) and manifests: when set, the facts about titles are lifted into it
     * from the checker's own reading of the file (the catalogue's, app/titles.c). */
    struct title_rows *titles;
};

/* The kind's name as the CLI and the API spell it ("avails", ...); "auto" for CHECK_AUTO. */
const char *check_kind_name(enum check_kind kind);
/* Parses a kind name. Returns 0 and sets *out, or -1 for an unknown name. */
int check_kind_parse(const char *name, enum check_kind *out);

/*
 * Tells the kind of the file at path from its extension and, where the
 * extension is ambiguous (.xml), from its root element. Returns 0 and sets
 * *out; CHECK_ERR_IO when an .xml file cannot be read; CHECK_ERR_KIND when
 * nothing matches. Reads at most the first 64 KiB; allocates nothing that
 * outlives the call.
 */
int check_kind_detect(const char *path, enum check_kind *out);

/*
 * Validates the file at path as kind (CHECK_AUTO: detected) and appends its
 * findings to out, each with file = display_name (the name the partner gave
 * it; path when NULL). opts may be NULL. Returns 0 when the checks ran (the
 * verdict is findings_pass(out)), or a CHECK_ERR_* code with a sentence for
 * people appended to why (when not NULL). Findings stay owned by out.
 */
int check_file(const char *path, const char *display_name, enum check_kind kind,
               const struct check_options *opts, struct findings *out, struct buf *why);

/* The kind-specific entry points check_file dispatches to (same contract). */
int check_avails_xlsx(const char *path, const char *display_name, const struct check_options *opts,
                      struct findings *out, struct buf *why);
int check_avails_xml(const char *path, const char *display_name, const struct check_options *opts,
                     struct findings *out, struct buf *why);
int check_manifest(const char *path, const char *display_name, const struct check_options *opts,
                   struct findings *out, struct buf *why);
int check_mec(const char *path, const char *display_name, const struct check_options *opts,
              struct findings *out, struct buf *why);
int check_media(const char *path, const char *display_name, const struct check_options *opts,
                struct findings *out, struct buf *why);
int check_captions(const char *path, const char *display_name, const struct check_options *opts,
                   struct findings *out, struct buf *why);
int check_artwork(const char *path, const char *display_name, const struct check_options *opts,
                  struct findings *out, struct buf *why);
/* The picture size of an image file (JPEG, PNG ...): 0, or -1 when it is not one. */
int artwork_size(const char *path, int *width, int *height);

/*
 * The duration (seconds) and frame rate of the first video stream of a media
 * file, for the caption checks of the same package (video_duration,
 * video_fps). Returns 0, or -1 when the file holds no readable video.
 */
int check_media_probe(const char *path, double *duration, double *fps);

#endif
