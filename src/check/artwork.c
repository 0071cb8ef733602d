/*
 * Artwork: key art, box art, posters, title treatments (JPEG and PNG).
 *
 * FFmpeg's image demuxers read the file (the kind is told by content, not
 * by extension) and decode it once, which gives its true format, picture
 * size and pixel format (so colour mode and transparency). The image is
 * checked against the delivery profile: accepted formats, file size, the
 * longest side, RGB colour; and, for its purpose (cover 16:9, box art 3:4,
 * poster 2:3, title art as transparent PNG ...; from check_options or the
 * file name), the aspect ratio and the minimum size. A picture whose aspect
 * is wrong is reported with the size it would need, so the fix is to
 * re-crop, never to stretch.
 */
#include <ctype.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/pixdesc.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "check/check.h"
#include "check/profile.h"

#define CLAUSE "vodgate delivery profile, artwork (VOD artwork specifications)"

struct art {
    const char *file;
    struct findings *out;
};

static pthread_once_t log_once = PTHREAD_ONCE_INIT;

static void quiet_ffmpeg(void)
{
    av_log_set_level(AV_LOG_QUIET);
}

static void report(struct art *a, enum severity sev, const char *code, const char *observed,
                   const char *expected, const char *fix, const char *fmt, ...) VG_PRINTF(7, 8);

static void report(struct art *a, enum severity sev, const char *code, const char *observed,
                   const char *expected, const char *fix, const char *fmt, ...)
{
    struct finding f = {0};
    f.code = code;
    f.severity = sev;
    f.file = a->file;
    f.stream = -1;
    f.path = "image";
    f.observed = observed;
    f.expected = expected;
    f.clause = CLAUSE;
    f.fix = fix;
    va_list ap;
    va_start(ap, fmt);
    findings_vadd(a->out, &f, fmt, ap);
    va_end(ap);
}

/*
 * The purpose a file name gives ("Title_S1_boxart_en.jpg" -> "boxart"): a word of the name (split
 * at anything not a letter or digit) that is a purpose of the profile or a usual spelling of one;
 * "season" with box art picks the season box art. NULL when no word says.
 */
static const char *purpose_from_name(const struct delivery_profile *p, const char *name)
{
    static const char *const alias[][2] = {
        {"keyart", "cover"},   {"key", "cover"},        {"titleart", "title"},  {"logo", "title"},
        {"still", "episodic"}, {"episode", "episodic"}, {"background", "hero"}, {"box", "boxart"},
    };
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *dot = strrchr(base, '.');
    size_t len = dot ? (size_t)(dot - base) : strlen(base);
    const char *found = NULL;
    bool season = false;
    for (size_t i = 0; i < len;) {
        while (i < len && !isalnum((unsigned char)base[i]))
            i++;
        char word[32];
        size_t n = 0;
        while (i < len && isalnum((unsigned char)base[i])) {
            if (n < sizeof word - 1)
                word[n++] = (char)tolower((unsigned char)base[i]);
            i++;
        }
        word[n] = '\0';
        if (!n)
            continue;
        if (!strcmp(word, "season") || (word[0] == 's' && isdigit((unsigned char)word[1])))
            season = true;
        if (found)
            continue;
        if (profile_purpose_find(p, word)) {
            found = profile_purpose_find(p, word)->name;
            continue;
        }
        for (size_t k = 0; k < sizeof alias / sizeof alias[0]; k++)
            if (!strcmp(word, alias[k][0]) && profile_purpose_find(p, alias[k][1]))
                found = profile_purpose_find(p, alias[k][1])->name;
    }
    if (found && !strcmp(found, "boxart") && season && profile_purpose_find(p, "boxart_season"))
        return profile_purpose_find(p, "boxart_season")->name;
    return found;
}

static const char *image_format(const AVFormatContext *fc, const AVCodecParameters *cp)
{
    if (cp->codec_id == AV_CODEC_ID_PNG)
        return "png";
    if (cp->codec_id == AV_CODEC_ID_MJPEG || cp->codec_id == AV_CODEC_ID_JPEGLS)
        return "jpeg";
    return fc->iformat->name;
}

/* Opens path as an image (its kind told by content): a context with its picture size, or NULL. */
static AVFormatContext *open_image(const char *path)
{
    pthread_once(&log_once, quiet_ffmpeg);
    AVFormatContext *fc = avformat_alloc_context();
    fc->format_whitelist = av_strdup("png_pipe,jpeg_pipe,image2,jpegls_pipe,webp_pipe,"
                                     "tiff_pipe,bmp_pipe,gif,gif_pipe");
    fc->protocol_whitelist = av_strdup("file");
    AVDictionary *d = NULL;
    av_dict_set(&d, "protocol_whitelist", "file", 0);
    int rc = avformat_open_input(&fc, path, NULL, &d);
    av_dict_free(&d);
    if (rc < 0)
        return NULL; /* avformat_open_input freed fc */
    if (avformat_find_stream_info(fc, NULL) < 0 || fc->nb_streams < 1 ||
        fc->streams[0]->codecpar->width <= 0) {
        avformat_close_input(&fc);
        return NULL;
    }
    return fc;
}

int artwork_size(const char *path, int *width, int *height)
{
    AVFormatContext *fc = open_image(path);
    if (!fc)
        return -1;
    *width = fc->streams[0]->codecpar->width;
    *height = fc->streams[0]->codecpar->height;
    avformat_close_input(&fc);
    return 0;
}

int check_artwork(const char *path, const char *display_name, const struct check_options *opts,
                  struct findings *out, struct buf *why)
{
    static const struct check_options none = {0};
    const struct check_options *o = opts ? opts : &none;
    const struct delivery_profile *p = o->profile ? o->profile : profile_default();
    struct art a = {.file = display_name ? display_name : path, .out = out};
    struct stat sb;
    if (stat(path, &sb) != 0 || access(path, R_OK) != 0) {
        if (why)
            buf_printf(why, "%s cannot be read", a.file);
        return CHECK_ERR_IO;
    }
    const char *purpose_name =
        o->artwork_purpose ? o->artwork_purpose : purpose_from_name(p, a.file);
    const struct profile_purpose *pp = purpose_name ? profile_purpose_find(p, purpose_name) : NULL;
    uint64_t max_bytes = pp && pp->max_bytes ? pp->max_bytes : p->artwork.max_bytes;
    char obs[160], exp[200];
    if (max_bytes && (uint64_t)sb.st_size > max_bytes) {
        snprintf(obs, sizeof obs, "%llu bytes", (unsigned long long)sb.st_size);
        snprintf(exp, sizeof exp, "at most %llu bytes (%.1f MB)", (unsigned long long)max_bytes,
                 max_bytes / 1048576.0);
        report(&a, SEV_ERROR, "artwork.file.too_large", obs, exp,
               "Export with more compression (JPEG quality 85-90 is plenty), or at the "
               "required size rather than larger.",
               "The image file is larger than accepted.");
    }
    AVFormatContext *fc = open_image(path);
    if (!fc) {
        report(&a, SEV_ERROR, "artwork.unreadable", "not a readable image", "a JPEG or PNG image",
               "Export the image again as JPEG or PNG and check it opens.",
               "The file could not be read as an image.");
        return CHECK_OK;
    }
    AVCodecParameters *cp = fc->streams[0]->codecpar;
    const char *fmt = image_format(fc, cp);
    int w = cp->width, h = cp->height;
    const struct profile_list *formats = pp && pp->formats.n ? &pp->formats : &p->artwork.formats;
    struct buf list = {0};
    if (!profile_list_has(formats, fmt)) {
        profile_list_join(formats, &list);
        report(&a, SEV_ERROR, "artwork.format.unsupported", fmt, buf_str(&list),
               pp && pp->alpha ? "Deliver title art as PNG with transparency."
                               : "Save the image as JPEG (or PNG).",
               "%s images are not accepted%s%s.", fmt, pp ? " for " : "", pp ? pp->name : "");
        buf_reset(&list);
    }
    const char *ext = strrchr(a.file, '.');
    if (ext && ((!strcasecmp(ext, ".png") && strcmp(fmt, "png")) ||
                ((!strcasecmp(ext, ".jpg") || !strcasecmp(ext, ".jpeg")) && strcmp(fmt, "jpeg")))) {
        snprintf(obs, sizeof obs, "%s data in a %s file", fmt, ext);
        report(&a, SEV_WARNING, "artwork.format.extension", obs, "an extension that matches",
               "Rename the file to match its format, or export it in the format its name says.",
               "The file's name says %s but it holds %s.", ext + 1, fmt);
    }
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(cp->format);
    bool alpha = desc && (desc->flags & AV_PIX_FMT_FLAG_ALPHA);
    bool gray = desc && !(desc->flags & AV_PIX_FMT_FLAG_PAL) && desc->nb_components <= 2;
    if (gray) {
        snprintf(obs, sizeof obs, "greyscale (%s)", desc->name);
        report(&a, SEV_ERROR, "artwork.color.not_rgb", obs, "RGB colour",
               "Export in RGB (sRGB); a black-and-white image is still saved as RGB.",
               "The image is not in RGB colour.");
    }
    if (p->artwork.max_side && (w > p->artwork.max_side || h > p->artwork.max_side)) {
        snprintf(obs, sizeof obs, "%dx%d", w, h);
        snprintf(exp, sizeof exp, "at most %d pixels on a side", p->artwork.max_side);
        report(&a, SEV_ERROR, "artwork.dimensions.too_large", obs, exp,
               "Scale the image down to the required size.",
               "The image is larger than accepted on a side.");
    }
    if (!pp) {
        struct buf names = {0};
        for (size_t i = 0; i < p->artwork.n_purposes; i++)
            buf_printf(&names, "%s%s", i ? ", " : "", p->artwork.purposes[i].name);
        report(&a, SEV_WARNING, "artwork.purpose.unknown", a.file, buf_str(&names),
               "Name the file with its purpose (e.g. Title_boxart_en.jpg) or declare it in the "
               "manifest, so its size and aspect can be checked.",
               "What this image is for could not be told, so its aspect ratio and size were "
               "not checked.");
        buf_free(&names);
    } else {
        double ar = (double)w / h;
        double tol = p->artwork.aspect_tolerance > 0 ? p->artwork.aspect_tolerance : 0.01;
        if (pp->aspect > 0 && fabs(ar - pp->aspect) > pp->aspect * tol) {
            int need_w = (int)lround(h * pp->aspect), need_h = (int)lround(w / pp->aspect);
            snprintf(obs, sizeof obs, "%dx%d (%.3f:1)", w, h, ar);
            snprintf(exp, sizeof exp, "%s (%.3f:1), e.g. %dx%d or %dx%d", pp->aspect_text,
                     pp->aspect, need_w, h, w, need_h);
            report(&a, SEV_ERROR, "artwork.aspect.mismatch", obs, exp,
                   "Re-crop the artwork from its source to the purpose's aspect ratio; never "
                   "stretch or pad it to fit.",
                   "%s art must be %s; this image is %.3f:1.", pp->name, pp->aspect_text, ar);
        }
        if (w < pp->min_width || h < pp->min_height) {
            snprintf(obs, sizeof obs, "%dx%d", w, h);
            snprintf(exp, sizeof exp, "at least %dx%d", pp->min_width, pp->min_height);
            report(&a, SEV_ERROR, "artwork.dimensions.too_small", obs, exp,
                   "Export from the full-resolution source; upscaling a small image does not "
                   "help.",
                   "%s art must be at least %dx%d pixels.", pp->name, pp->min_width,
                   pp->min_height);
        }
        if (pp->alpha && !alpha) {
            snprintf(obs, sizeof obs, "%s without transparency", desc ? desc->name : fmt);
            report(&a, SEV_ERROR, "artwork.alpha.missing", obs,
                   "a PNG with an alpha channel (transparent background)",
                   "Export the title treatment as PNG with a transparent background.",
                   "%s art must have a transparent background.", pp->name);
        }
    }
    buf_free(&list);
    avformat_close_input(&fc);
    return CHECK_OK;
}
