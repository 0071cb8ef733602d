/*
 * The installation's delivery profile: what media, captions and artwork a
 * partner may deliver before it has approved formats, and the technical
 * rules everyone's files meet (codecs, frame rates, constant frame rate,
 * aspect ratios, sample rates, audio/video duration, artwork sizes per
 * purpose). It is data, not code: data/delivery_profile.json, which the
 * operator may edit; a field the file leaves out keeps the built-in default,
 * and the built-in default is that same file (a unit test keeps the two
 * equal). Loaded once, then read by any number of threads.
 */
#ifndef VG_PROFILE_H
#define VG_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define PROFILE_MAX_ITEMS    32
#define PROFILE_MAX_PURPOSES 16

struct profile_list {
    size_t n;
    char items[PROFILE_MAX_ITEMS][32];
};

/* An artwork purpose: "cover", "boxart", ... */
struct profile_purpose {
    char name[32];
    double aspect;        /* width / height; 0: any */
    char aspect_text[16]; /* "16:9" as written */
    int min_width, min_height;
    struct profile_list formats; /* empty: the artwork default */
    bool alpha;                  /* must carry transparency (title art) */
    uint64_t max_bytes;          /* 0: the artwork default */
};

enum profile_level { PROFILE_OFF = 0, PROFILE_WARNING = 1, PROFILE_ERROR = 2 };

struct delivery_profile {
    char name[96], version[32], clause[96];
    struct {
        struct profile_list containers, resolutions, dynamic_ranges, audio_layouts;
        struct profile_list video_codecs, audio_codecs, frame_rates, aspects;
        struct profile_list scan_types; /* "progressive", "interlaced" */
        double frame_rate_tolerance;    /* relative */
        bool constant_frame_rate;
        double aspect_tolerance; /* relative */
        int square_pixels_from_width, max_width, max_height;
        bool require_field_order;
        enum profile_level pillarbox;
        int sample_rates[PROFILE_MAX_ITEMS];
        size_t n_sample_rates;
        double max_av_duration_difference; /* seconds */
    } media;
    struct {
        struct profile_list formats;
        uint64_t max_bytes;
    } captions;
    struct {
        struct profile_list formats;
        uint64_t max_bytes;
        int max_side;
        double aspect_tolerance;
        struct profile_purpose purposes[PROFILE_MAX_PURPOSES];
        size_t n_purposes;
    } artwork;
};

/* The built-in profile (static; the contents of data/delivery_profile.json). */
const struct delivery_profile *profile_default(void);

/*
 * Loads the profile at path over the built-in default. Returns 0 and sets
 * *out (free with profile_free), or -1 with a sentence for the operator
 * appended to err (what is wrong and where).
 */
int profile_load(const char *path, struct delivery_profile **out, struct buf *err);
/* Same, from JSON text. */
int profile_parse(const char *json, struct delivery_profile **out, struct buf *err);
void profile_free(struct delivery_profile *p);

/* True when list holds s (case-insensitive). */
bool profile_list_has(const struct profile_list *list, const char *s);
/* Appends "a, b, c" to b. */
void profile_list_join(const struct profile_list *list, struct buf *b);
/* The purpose named name (case-insensitive), or NULL. */
const struct profile_purpose *profile_purpose_find(const struct delivery_profile *p,
                                                   const char *name);
/* Parses "16:9", "2:1", "1.85" into a ratio; 0 when it is none. */
double profile_ratio(const char *s);

#endif
