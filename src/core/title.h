/*
 * Titles (SPEC 3, "Titles: the steady state"): who a title is, and when it
 * is ready. Pure: no I/O, time is passed in.
 *
 * Identity. A title belongs to a partner organisation (the content owner),
 * never to whoever uploaded the file: the same title delivered by the
 * partner and later by its posthouse, acting for it, is one title. Within a
 * partner it is keyed by its ALID, else by its ContentID, normalised
 * (title_key): surrounding whitespace removed, ASCII case folded (MovieLabs
 * identifiers are compared case-insensitively here, so "md:cid:org:X" and
 * "MD:CID:ORG:x" are one).
 *
 * Readiness. What "ready" means is the installation's profile (data, not
 * code: data/title_profile.json): the asset kinds every title needs, the
 * audio it needs in its original language, and what a territory adds (French
 * audio for France...). A territory is ready when every required asset has
 * passed and a window there is open or opens within lead_days. Otherwise
 * title_readiness says why, in words a partner reads ("no French audio;
 * captions failed (delivery 41)").
 */
#ifndef VG_TITLE_H
#define VG_TITLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define TITLE_ID_MAX 200 /* longest ALID / ContentID / EIDR kept */

/*
 * Normalises an identifier into out (cap bytes): trims ASCII whitespace and
 * folds ASCII case. Returns the length, 0 for an empty or absent id, or -1
 * when it does not fit.
 */
int title_id_normalise(const char *id, char *out, size_t cap);
/*
 * The identity key of a title within its partner: "alid:<ALID>" when an ALID
 * is given, else "cid:<ContentID>", normalised. Returns the length, or 0
 * when neither is given (no title can be keyed), -1 when too long.
 */
int title_key(const char *alid, const char *content_id, char *out, size_t cap);

/* The kinds of asset a title has. */
enum title_asset_kind {
    TA_VIDEO,
    TA_AUDIO,
    TA_CAPTIONS,
    TA_ARTWORK,
    TA_METADATA,
    TA_N
};
const char *title_asset_kind_name(enum title_asset_kind k);
/* Returns 0 and sets *out, or -1 for an unknown name. */
int title_asset_kind_parse(const char *name, enum title_asset_kind *out);

/* One asset a title holds: its kind, language ("" for none), and whether it passed. */
struct title_asset {
    enum title_asset_kind kind;
    const char *language;
    bool passed;
    int64_t delivery_id;
};

/* One requirement: an asset of kind, in language (NULL: any; "original": the title's own). */
struct title_need {
    enum title_asset_kind kind;
    char language[16];
};

#define TITLE_PROFILE_NEEDS       16
#define TITLE_PROFILE_TERRITORIES 64

struct title_profile {
    int lead_days; /* a window that opens within this many days counts (14) */
    struct title_need needs[TITLE_PROFILE_NEEDS];
    int n_needs;
    struct {
        char territory[4];
        struct title_need needs[4];
        int n_needs;
    } territories[TITLE_PROFILE_TERRITORIES];
    int n_territories;
};

/*
 * Parses a profile from JSON text:
 *   {"lead_days": 14,
 *    "required": [{"kind": "video"}, {"kind": "audio", "language": "original"}, ...],
 *    "territories": {"FR": [{"kind": "audio", "language": "fr"}], ...}}
 * Returns 0, or -1 with the reason in err.
 */
int title_profile_parse(const char *json_text, struct title_profile *out, struct buf *err);

/* A window as readiness sees it: its start and end (end 0: open-ended), ended or not. */
struct title_window_span {
    int64_t start, end;
    bool ended;
};

/*
 * Whether a title is ready in a territory at now: every need of the
 * profile (and of the territory) met by a passed asset, and a window that
 * is open at now or opens within lead_days. original_language may be NULL
 * or "" (then any audio is the original). Appends the reasons it is not
 * ready to why, "; " apart. Also sets *window_start to the start of the
 * window that counts (the earliest one not ended whose end is ahead; 0
 * when none).
 */
bool title_readiness(const struct title_profile *p, const char *territory,
                     const char *original_language, const struct title_asset *assets,
                     size_t n_assets, const struct title_window_span *windows, size_t n_windows,
                     int64_t now, bool *assets_ok, int64_t *window_start, struct buf *why);

/* The English name of a language tag for people ("fr" → "French"; unknown: the tag itself). */
const char *title_language_words(const char *tag);

#endif
