/*
 * The format vocabulary: the one list of format strings that the
 * questionnaire's format options, the approved formats a pim records at the
 * end of training, and the posthouse directory all use (SPEC sections 2-4).
 *
 * Every format belongs to one family, and a partner's intent or a posthouse's
 * approval is a set of them:
 *
 *   resolution     SD, HD, UHD
 *   dynamic_range  SDR, HDR10, HDR10+, DolbyVision, HLG
 *   audio          Stereo, 5.1, 7.1, Atmos
 *   captions       SCC, TTML, IMSC1, WebVTT, SRT, EBU-STL
 *
 * The names above are canonical and case-sensitive in stored data. Lookup by
 * format_find() is forgiving: it ignores case and surrounding blanks and knows
 * a few spellings people use ("4K" -> UHD, "DFXP" -> TTML, "Dolby Vision" ->
 * DolbyVision, "VTT" -> WebVTT, "2.0" -> Stereo), so what a pim types maps onto
 * the vocabulary; store the canonical name it returns. No format implies
 * another: approval for UHD is not approval for HD, Atmos is not 5.1.
 *
 * The vocabulary has fewer than 64 entries, so a set is one bit mask
 * (struct format_set) and "covers" is one AND. Pure and static: no allocation.
 */
#ifndef VG_FORMATS_H
#define VG_FORMATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum format_family {
    FORMAT_RESOLUTION = 0,
    FORMAT_DYNAMIC_RANGE = 1,
    FORMAT_AUDIO = 2,
    FORMAT_CAPTIONS = 3,
    FORMAT_N_FAMILIES
};

struct format_def {
    const char *name;          /* canonical: "UHD", "HDR10", "Atmos", "TTML" */
    enum format_family family; /* which list it belongs to */
    const char *label;         /* for people: "UHD (2160p, 4K)" */
};

/* A set of formats of the vocabulary: bit i is formats_all()[i]. Zeroed = empty. */
struct format_set {
    uint64_t bits;
};

/* The whole vocabulary in a fixed order (families together); *n gets the count. Static. */
const struct format_def *formats_all(size_t *n);

/*
 * The format named name (canonical name or a known alias, any case, blanks
 * around it ignored), or NULL when the vocabulary has no such format. The
 * result is static.
 */
const struct format_def *format_find(const char *name);

/* "resolution", "dynamic_range", "audio", "captions"; NULL for another value. */
const char *format_family_name(enum format_family family);

/* The family named name ("dynamic_range"); returns 0 and sets *out, or -1. */
int format_family_parse(const char *name, enum format_family *out);

/* Adds the format named name (format_find rules). Returns 0, or -1 when unknown. */
int format_set_add(struct format_set *set, const char *name);

/* True when the set holds def (a pointer from this vocabulary). */
bool format_set_has(const struct format_set *set, const struct format_def *def);

/* True when every format of need is in have (an empty need is always covered). */
bool format_set_covers(const struct format_set *have, const struct format_set *need);

/* Number of formats in the set. */
size_t format_set_count(const struct format_set *set);

#endif
