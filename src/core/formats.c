/*
 * The format vocabulary: see formats.h. One static table; the order is the
 * order people see the options in, and each entry's index is its bit in a
 * format_set, so entries may be appended but never reordered while sets are
 * only ever built at run time from names (they are never stored as bits).
 */
#include "core/formats.h"

#include <string.h>
#include <strings.h>

#include "base/mem.h"

static const struct format_def vocabulary[] = {
    {"SD", FORMAT_RESOLUTION, "SD (576i/480i and below)"},
    {"HD", FORMAT_RESOLUTION, "HD (720p, 1080i/p)"},
    {"UHD", FORMAT_RESOLUTION, "UHD (2160p, 4K)"},
    {"SDR", FORMAT_DYNAMIC_RANGE, "SDR (Rec. 709)"},
    {"HDR10", FORMAT_DYNAMIC_RANGE, "HDR10"},
    {"HDR10+", FORMAT_DYNAMIC_RANGE, "HDR10+"},
    {"DolbyVision", FORMAT_DYNAMIC_RANGE, "Dolby Vision"},
    {"HLG", FORMAT_DYNAMIC_RANGE, "HLG"},
    {"Stereo", FORMAT_AUDIO, "Stereo (2.0)"},
    {"5.1", FORMAT_AUDIO, "5.1 surround"},
    {"7.1", FORMAT_AUDIO, "7.1 surround"},
    {"Atmos", FORMAT_AUDIO, "Dolby Atmos"},
    {"SCC", FORMAT_CAPTIONS, "SCC (Scenarist, CEA-608)"},
    {"TTML", FORMAT_CAPTIONS, "TTML / DFXP"},
    {"IMSC1", FORMAT_CAPTIONS, "IMSC1 (TTML profile)"},
    {"WebVTT", FORMAT_CAPTIONS, "WebVTT"},
    {"SRT", FORMAT_CAPTIONS, "SubRip (SRT)"},
    {"EBU-STL", FORMAT_CAPTIONS, "EBU STL"},
};

#define N_FORMATS (sizeof vocabulary / sizeof vocabulary[0])
_Static_assert(N_FORMATS <= 64, "a format_set is one 64-bit mask");

/* Spellings people use for a canonical name; compared ignoring case. */
static const struct {
    const char *alias;
    const char *name;
} aliases[] = {
    {"4K", "UHD"},           {"2160p", "UHD"},         {"UHD-1", "UHD"},
    {"1080p", "HD"},         {"HDR10Plus", "HDR10+"},  {"Dolby Vision", "DolbyVision"},
    {"DoVi", "DolbyVision"}, {"2.0", "Stereo"},        {"5.1 surround", "5.1"},
    {"7.1 surround", "7.1"}, {"Dolby Atmos", "Atmos"}, {"DFXP", "TTML"},
    {"IMSC", "IMSC1"},       {"IMSC1.1", "IMSC1"},     {"VTT", "WebVTT"},
    {"SubRip", "SRT"},       {"STL", "EBU-STL"},
};

static const char *const family_names[FORMAT_N_FAMILIES] = {
    [FORMAT_RESOLUTION] = "resolution",
    [FORMAT_DYNAMIC_RANGE] = "dynamic_range",
    [FORMAT_AUDIO] = "audio",
    [FORMAT_CAPTIONS] = "captions",
};

const struct format_def *formats_all(size_t *n)
{
    *n = N_FORMATS;
    return vocabulary;
}

/* Compares s[0..len) with name ignoring ASCII case. */
static bool same_word(const char *s, size_t len, const char *name)
{
    return strlen(name) == len && strncasecmp(s, name, len) == 0;
}

const struct format_def *format_find(const char *name)
{
    if (!name)
        return NULL;
    size_t len = strlen(name);
    while (len && (*name == ' ' || *name == '\t')) {
        name++;
        len--;
    }
    while (len && (name[len - 1] == ' ' || name[len - 1] == '\t'))
        len--;
    for (size_t i = 0; i < N_FORMATS; i++)
        if (same_word(name, len, vocabulary[i].name))
            return &vocabulary[i];
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (same_word(name, len, aliases[i].alias))
            return format_find(aliases[i].name);
    return NULL;
}

const char *format_family_name(enum format_family family)
{
    if ((unsigned)family >= FORMAT_N_FAMILIES)
        return NULL;
    return family_names[family];
}

int format_family_parse(const char *name, enum format_family *out)
{
    for (int f = 0; name && f < FORMAT_N_FAMILIES; f++)
        if (strcmp(name, family_names[f]) == 0) {
            *out = (enum format_family)f;
            return 0;
        }
    return -1;
}

static uint64_t bit_of(const struct format_def *def)
{
    VG_ASSERT(def >= vocabulary && def < vocabulary + N_FORMATS);
    return (uint64_t)1 << (def - vocabulary);
}

int format_set_add(struct format_set *set, const char *name)
{
    const struct format_def *def = format_find(name);
    if (!def)
        return -1;
    set->bits |= bit_of(def);
    return 0;
}

bool format_set_has(const struct format_set *set, const struct format_def *def)
{
    return (set->bits & bit_of(def)) != 0;
}

bool format_set_covers(const struct format_set *have, const struct format_set *need)
{
    return (need->bits & ~have->bits) == 0;
}

size_t format_set_count(const struct format_set *set)
{
    return (size_t)__builtin_popcountll(set->bits);
}
