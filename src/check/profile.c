/*
 * The delivery profile: see profile.h. The built-in default is the JSON below
 * (a copy of data/delivery_profile.json, compared by the unit tests), parsed
 * once on first use with the same code that reads an operator's file, so the
 * two can never be read differently.
 */
#include "check/profile.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char default_json[] =
    "{\n"
    "  \"name\": \"vodgate default delivery profile\",\n"
    "  \"version\": \"2026.11.1\",\n"
    "  \"description\": \"What the installation accepts from a partner who has no approved formats "
    "yet (and the technical rules that apply to everyone). Values follow the published VOD "
    "delivery requirements summarised in docs/findings.md; an operator may tighten or widen them. "
    "Every field is optional: an absent one keeps the built-in default (which is this file).\",\n"
    "  \"clause\": \"vodgate delivery profile\",\n"
    "  \"media\": {\n"
    "    \"containers\": [\"mov\", \"mp4\", \"mxf\", \"mpegts\"],\n"
    "    \"resolutions\": [\"SD\", \"HD\", \"UHD\"],\n"
    "    \"dynamic_ranges\": [\"SDR\", \"HDR10\", \"HLG\", \"DolbyVision\"],\n"
    "    \"audio_layouts\": [\"Stereo\", \"5.1\", \"7.1\"],\n"
    "    \"video_codecs\": [\"prores\", \"h264\", \"hevc\", \"mpeg2video\", \"jpeg2000\", "
    "\"dnxhd\"],\n"
    "    \"audio_codecs\": [\"pcm_s16le\", \"pcm_s16be\", \"pcm_s24le\", \"pcm_s24be\", "
    "\"pcm_s32le\", \"aac\", \"ac3\", \"eac3\"],\n"
    "    \"frame_rates\": [\"23.976\", \"24\", \"25\", \"29.97\", \"30\", \"50\", \"59.94\", "
    "\"60\"],\n"
    "    \"frame_rate_tolerance\": 0.01,\n"
    "    \"constant_frame_rate\": true,\n"
    "    \"display_aspect_ratios\": [\"4:3\", \"1.66\", \"16:9\", \"1.85\", \"2:1\", \"2.20\", "
    "\"2.35\", \"2.39\", \"2.40\"],\n"
    "    \"aspect_tolerance\": 0.02,\n"
    "    \"square_pixels_from_width\": 1280,\n"
    "    \"max_width\": 4096,\n"
    "    \"max_height\": 2160,\n"
    "    \"scan_types\": [\"progressive\", \"interlaced\"],\n"
    "    \"require_field_order\": true,\n"
    "    \"pillarbox\": \"error\",\n"
    "    \"sample_rates\": [48000],\n"
    "    \"max_av_duration_difference\": 2.0\n"
    "  },\n"
    "  \"captions\": {\n"
    "    \"formats\": [\"SRT\", \"SCC\", \"TTML\", \"IMSC1\"],\n"
    "    \"max_bytes\": 20971520\n"
    "  },\n"
    "  \"artwork\": {\n"
    "    \"formats\": [\"jpeg\", \"png\"],\n"
    "    \"max_bytes\": 10485760,\n"
    "    \"max_side\": 10000,\n"
    "    \"aspect_tolerance\": 0.01,\n"
    "    \"purposes\": {\n"
    "      \"cover\": {\"aspect\": \"16:9\", \"min_width\": 1920, \"min_height\": 1080},\n"
    "      \"hero\": {\"aspect\": \"16:9\", \"min_width\": 1920, \"min_height\": 1080},\n"
    "      \"episodic\": {\"aspect\": \"16:9\", \"min_width\": 1920, \"min_height\": 1080},\n"
    "      \"boxart\": {\"aspect\": \"3:4\", \"min_width\": 1200, \"min_height\": 1600},\n"
    "      \"boxart_season\": {\"aspect\": \"4:3\", \"min_width\": 1600, \"min_height\": 1200},\n"
    "      \"poster\": {\"aspect\": \"2:3\", \"min_width\": 2000, \"min_height\": 3000},\n"
    "      \"title\": {\"min_width\": 1100, \"min_height\": 660, \"formats\": [\"png\"], "
    "\"alpha\": true, \"max_bytes\": 1048576}\n"
    "    }\n"
    "  }\n"
    "}\n";

static struct delivery_profile *builtin;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static int read_list(json_t *o, const char *key, struct profile_list *out, const char *where,
                     struct buf *err)
{
    json_t *a = json_object_get(o, key);
    if (!a)
        return 0;
    if (!json_is_array(a) || json_array_size(a) > PROFILE_MAX_ITEMS) {
        buf_printf(err, "%s.%s must be a list of at most %d strings", where, key,
                   PROFILE_MAX_ITEMS);
        return -1;
    }
    out->n = 0;
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        const char *s = json_string_value(v);
        if (!s || strlen(s) >= sizeof out->items[0]) {
            buf_printf(err, "%s.%s[%zu] must be a short string", where, key, i);
            return -1;
        }
        snprintf(out->items[out->n++], sizeof out->items[0], "%s", s);
    }
    return 0;
}

static int read_num(json_t *o, const char *key, double *out, double lo, double hi,
                    const char *where, struct buf *err)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return 0;
    if (!json_is_number(v) || json_number_value(v) < lo || json_number_value(v) > hi) {
        buf_printf(err, "%s.%s must be a number from %g to %g", where, key, lo, hi);
        return -1;
    }
    *out = json_number_value(v);
    return 0;
}

static int read_int(json_t *o, const char *key, int *out, const char *where, struct buf *err)
{
    double d = *out;
    if (read_num(o, key, &d, 0, 1e9, where, err) != 0)
        return -1;
    *out = (int)d;
    return 0;
}

static int read_u64(json_t *o, const char *key, uint64_t *out, const char *where, struct buf *err)
{
    double d = (double)*out;
    if (read_num(o, key, &d, 0, 1e15, where, err) != 0)
        return -1;
    *out = (uint64_t)d;
    return 0;
}

static int read_bool(json_t *o, const char *key, bool *out, const char *where, struct buf *err)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return 0;
    if (!json_is_boolean(v)) {
        buf_printf(err, "%s.%s must be true or false", where, key);
        return -1;
    }
    *out = json_is_true(v);
    return 0;
}

static int read_str(json_t *o, const char *key, char *out, size_t cap, const char *where,
                    struct buf *err)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return 0;
    if (!json_is_string(v) || strlen(json_string_value(v)) >= cap) {
        buf_printf(err, "%s.%s must be a string shorter than %zu", where, key, cap);
        return -1;
    }
    snprintf(out, cap, "%s", json_string_value(v));
    return 0;
}

double profile_ratio(const char *s)
{
    if (!s || !*s)
        return 0;
    char *end = NULL;
    double a = strtod(s, &end);
    if (end == s || a <= 0)
        return 0;
    if (*end == ':') {
        const char *q = end + 1;
        double b = strtod(q, &end);
        if (end == q || b <= 0 || *end)
            return 0;
        return a / b;
    }
    return *end ? 0 : a;
}

static int apply(struct delivery_profile *p, json_t *root, struct buf *err)
{
    if (!json_is_object(root)) {
        buf_puts(err, "the profile must be a JSON object");
        return -1;
    }
    if (read_str(root, "name", p->name, sizeof p->name, "profile", err) ||
        read_str(root, "version", p->version, sizeof p->version, "profile", err) ||
        read_str(root, "clause", p->clause, sizeof p->clause, "profile", err))
        return -1;
    json_t *m = json_object_get(root, "media");
    if (m) {
        const char *w = "media";
        if (read_list(m, "containers", &p->media.containers, w, err) ||
            read_list(m, "resolutions", &p->media.resolutions, w, err) ||
            read_list(m, "dynamic_ranges", &p->media.dynamic_ranges, w, err) ||
            read_list(m, "audio_layouts", &p->media.audio_layouts, w, err) ||
            read_list(m, "video_codecs", &p->media.video_codecs, w, err) ||
            read_list(m, "audio_codecs", &p->media.audio_codecs, w, err) ||
            read_list(m, "frame_rates", &p->media.frame_rates, w, err) ||
            read_list(m, "display_aspect_ratios", &p->media.aspects, w, err) ||
            read_list(m, "scan_types", &p->media.scan_types, w, err) ||
            read_num(m, "frame_rate_tolerance", &p->media.frame_rate_tolerance, 0, 0.5, w, err) ||
            read_bool(m, "constant_frame_rate", &p->media.constant_frame_rate, w, err) ||
            read_num(m, "aspect_tolerance", &p->media.aspect_tolerance, 0, 0.5, w, err) ||
            read_int(m, "square_pixels_from_width", &p->media.square_pixels_from_width, w, err) ||
            read_int(m, "max_width", &p->media.max_width, w, err) ||
            read_int(m, "max_height", &p->media.max_height, w, err) ||
            read_bool(m, "require_field_order", &p->media.require_field_order, w, err) ||
            read_num(m, "max_av_duration_difference", &p->media.max_av_duration_difference, 0, 3600,
                     w, err))
            return -1;
        for (size_t i = 0; i < p->media.aspects.n; i++) {
            if (profile_ratio(p->media.aspects.items[i]) <= 0) {
                buf_printf(err,
                           "media.display_aspect_ratios[%zu] \"%s\" is not a ratio (16:9, 1.85)", i,
                           p->media.aspects.items[i]);
                return -1;
            }
        }
        json_t *pb = json_object_get(m, "pillarbox");
        if (pb) {
            const char *s = json_string_value(pb);
            if (s && !strcmp(s, "error"))
                p->media.pillarbox = PROFILE_ERROR;
            else if (s && !strcmp(s, "warning"))
                p->media.pillarbox = PROFILE_WARNING;
            else if (s && !strcmp(s, "off"))
                p->media.pillarbox = PROFILE_OFF;
            else {
                buf_puts(err, "media.pillarbox must be \"error\", \"warning\" or \"off\"");
                return -1;
            }
        }
        json_t *sr = json_object_get(m, "sample_rates");
        if (sr) {
            if (!json_is_array(sr) || json_array_size(sr) > PROFILE_MAX_ITEMS) {
                buf_puts(err, "media.sample_rates must be a list of numbers");
                return -1;
            }
            p->media.n_sample_rates = 0;
            size_t i;
            json_t *v;
            json_array_foreach(sr, i, v) {
                if (!json_is_integer(v) || json_integer_value(v) <= 0) {
                    buf_printf(err, "media.sample_rates[%zu] must be a positive integer", i);
                    return -1;
                }
                p->media.sample_rates[p->media.n_sample_rates++] = (int)json_integer_value(v);
            }
        }
    }
    json_t *c = json_object_get(root, "captions");
    if (c && (read_list(c, "formats", &p->captions.formats, "captions", err) ||
              read_u64(c, "max_bytes", &p->captions.max_bytes, "captions", err)))
        return -1;
    json_t *a = json_object_get(root, "artwork");
    if (a) {
        const char *w = "artwork";
        if (read_list(a, "formats", &p->artwork.formats, w, err) ||
            read_u64(a, "max_bytes", &p->artwork.max_bytes, w, err) ||
            read_int(a, "max_side", &p->artwork.max_side, w, err) ||
            read_num(a, "aspect_tolerance", &p->artwork.aspect_tolerance, 0, 0.5, w, err))
            return -1;
        json_t *ps = json_object_get(a, "purposes");
        if (ps) {
            if (!json_is_object(ps) || json_object_size(ps) > PROFILE_MAX_PURPOSES) {
                buf_printf(err, "artwork.purposes must be an object of at most %d purposes",
                           PROFILE_MAX_PURPOSES);
                return -1;
            }
            p->artwork.n_purposes = 0;
            const char *key;
            json_t *v;
            json_object_foreach(ps, key, v) {
                struct profile_purpose *pp = &p->artwork.purposes[p->artwork.n_purposes++];
                memset(pp, 0, sizeof *pp);
                char where[64];
                snprintf(where, sizeof where, "artwork.purposes.%.32s", key);
                if (strlen(key) >= sizeof pp->name || !json_is_object(v)) {
                    buf_printf(err, "%s must be an object with a short name", where);
                    return -1;
                }
                snprintf(pp->name, sizeof pp->name, "%s", key);
                if (read_str(v, "aspect", pp->aspect_text, sizeof pp->aspect_text, where, err) ||
                    read_int(v, "min_width", &pp->min_width, where, err) ||
                    read_int(v, "min_height", &pp->min_height, where, err) ||
                    read_list(v, "formats", &pp->formats, where, err) ||
                    read_bool(v, "alpha", &pp->alpha, where, err) ||
                    read_u64(v, "max_bytes", &pp->max_bytes, where, err))
                    return -1;
                if (pp->aspect_text[0]) {
                    pp->aspect = profile_ratio(pp->aspect_text);
                    if (pp->aspect <= 0) {
                        buf_printf(err, "%s.aspect \"%s\" is not a ratio", where, pp->aspect_text);
                        return -1;
                    }
                }
            }
        }
    }
    return 0;
}

static int parse_over(struct delivery_profile *p, const char *text, struct buf *err)
{
    json_error_t je;
    json_t *root = json_loads(text, 0, &je);
    if (!root) {
        buf_printf(err, "the profile is not valid JSON (line %d: %s)", je.line, je.text);
        return -1;
    }
    int rc = apply(p, root, err);
    json_decref(root);
    return rc;
}

static void make_builtin(void)
{
    builtin = xcalloc(1, sizeof *builtin);
    struct buf err = {0};
    /* the built-in text is ours and tested: failing to read it is a programming error */
    VG_ASSERT(parse_over(builtin, default_json, &err) == 0);
    buf_free(&err);
}

const struct delivery_profile *profile_default(void)
{
    pthread_once(&builtin_once, make_builtin);
    return builtin;
}

int profile_parse(const char *json, struct delivery_profile **out, struct buf *err)
{
    struct delivery_profile *p = xmalloc(sizeof *p);
    *p = *profile_default();
    if (parse_over(p, json, err) != 0) {
        free(p);
        *out = NULL;
        return -1;
    }
    *out = p;
    return 0;
}

int profile_load(const char *path, struct delivery_profile **out, struct buf *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        buf_printf(err, "cannot read the delivery profile %s", path);
        return -1;
    }
    struct buf text = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && text.len < (1u << 20))
        buf_add(&text, chunk, n);
    fclose(f);
    size_t before = err->len;
    int rc = profile_parse(buf_str(&text), out, err);
    if (rc != 0 && err->len > before) {
        char *msg = xstrdup(err->data + before);
        err->len = before;
        err->data[before] = '\0';
        buf_printf(err, "%s: %s", path, msg);
        free(msg);
    }
    buf_free(&text);
    return rc;
}

void profile_free(struct delivery_profile *p)
{
    free(p);
}

bool profile_list_has(const struct profile_list *list, const char *s)
{
    for (size_t i = 0; s && i < list->n; i++)
        if (!strcasecmp(list->items[i], s))
            return true;
    return false;
}

void profile_list_join(const struct profile_list *list, struct buf *b)
{
    for (size_t i = 0; i < list->n; i++)
        buf_printf(b, "%s%s", i ? ", " : "", list->items[i]);
}

const struct profile_purpose *profile_purpose_find(const struct delivery_profile *p,
                                                   const char *name)
{
    for (size_t i = 0; name && i < p->artwork.n_purposes; i++)
        if (!strcasecmp(p->artwork.purposes[i].name, name))
            return &p->artwork.purposes[i];
    return NULL;
}
