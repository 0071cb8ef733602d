/*
 * Technical asset review of video and audio files with FFmpeg's libraries
 * (libavformat demuxes and probes, libavcodec decodes a few frames).
 *
 * For each stream we read what the container and the codec say — codec,
 * resolution, pixel aspect and display aspect ratio, frame rate, field
 * order, transfer characteristics, channels and layout, sample rate,
 * duration — and measure what they may not say truthfully: whether the
 * frame rate is constant (from the frame timestamps: the container's index
 * when it has one, else the first packets), and whether a picture narrower
 * than the frame sits between black bars (three decoded frames, luma
 * columns). Each value is compared with the partner's approved formats
 * (core/formats.h) or, for what no approval covers, the installation's
 * delivery profile (profile.h). Audio and video of a file must end within
 * the profile's tolerance (2.0 s by default) of each other.
 *
 * Safety: only the file protocol and a list of container demuxers are
 * allowed (a playlist or concat file cannot make FFmpeg open anything
 * else), FFmpeg's log is silenced, and decoding is bounded to a few frames.
 */
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/pixdesc.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/buf.h"
#include "check/check.h"
#include "check/profile.h"
#include "core/formats.h"

#define DEMUXERS                                                                                   \
    "mov,mp4,m4a,3gp,3g2,mj2,mxf,mpegts,matroska,webm,avi,wav,w64,mpeg,aac,ac3,eac3,mp3,flac,"     \
    "yuv4mpegpipe,dv,truehd,mlp,dts,aiff"
#define MAX_TIMESTAMPS 20000 /* frame intervals examined for a constant rate */
#define CLAUSE_PROFILE "vodgate delivery profile (data/delivery_profile.json)"

struct media {
    const char *file;
    const struct check_options *opts;
    const struct delivery_profile *prof;
    struct findings *out;
    struct format_set approved; /* empty: no approval yet */
    AVFormatContext *fc;
};

static pthread_once_t log_once = PTHREAD_ONCE_INIT;

static void quiet_ffmpeg(void)
{
    av_log_set_level(AV_LOG_QUIET);
}

static void timecode(double s, char out[32])
{
    if (s < 0 || !isfinite(s)) {
        out[0] = '\0';
        return;
    }
    long long ms = llround(s * 1000);
    snprintf(out, 32, "%02lld:%02lld:%02lld.%03lld", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
             ms % 1000);
}

struct ev {
    const char *observed, *expected, *clause, *fix;
};

/* Appends a finding placed at stream (or -1) and second at (or < 0). */
static void report(struct media *m, int stream, double at, enum severity sev, const char *code,
                   const struct ev *ev, const char *fmt, ...) VG_PRINTF(7, 8);

static void report(struct media *m, int stream, double at, enum severity sev, const char *code,
                   const struct ev *ev, const char *fmt, ...)
{
    char tc[32];
    timecode(at, tc);
    struct finding f = {0};
    f.code = code;
    f.severity = sev;
    f.file = m->file;
    f.stream = stream;
    f.timecode = tc[0] ? tc : (stream >= 0 ? "00:00:00.000" : NULL);
    f.observed = ev->observed;
    f.expected = ev->expected;
    f.clause = ev->clause ? ev->clause : CLAUSE_PROFILE;
    f.fix = ev->fix;
    va_list ap;
    va_start(ap, fmt);
    findings_vadd(m->out, &f, fmt, ap);
    va_end(ap);
}

/*
 * Whether format name (of family fam) is allowed: by the partner's approval when it approves
 * anything of that family, else by the profile list. *by_approval tells which decided.
 */
static bool allowed(struct media *m, enum format_family fam, const char *name,
                    const struct profile_list *profile, bool *by_approval)
{
    size_t n;
    const struct format_def *all = formats_all(&n);
    bool any = false;
    for (size_t i = 0; i < n; i++)
        if (all[i].family == fam && format_set_has(&m->approved, &all[i]))
            any = true;
    *by_approval = any;
    if (any) {
        const struct format_def *d = format_find(name);
        return d && format_set_has(&m->approved, d);
    }
    return profile_list_has(profile, name);
}

static void approved_list(struct media *m, enum format_family fam, struct buf *b)
{
    size_t n, k = 0;
    const struct format_def *all = formats_all(&n);
    for (size_t i = 0; i < n; i++)
        if (all[i].family == fam && format_set_has(&m->approved, &all[i]))
            buf_printf(b, "%s%s", k++ ? ", " : "", all[i].name);
}

static void not_allowed(struct media *m, int stream, enum format_family fam, const char *code,
                        const char *what, const char *observed, const struct profile_list *profile,
                        bool by_approval)
{
    struct buf exp = {0};
    if (by_approval)
        approved_list(m, fam, &exp);
    else
        profile_list_join(profile, &exp);
    struct ev ev = {.observed = observed,
                    .expected = buf_str(&exp),
                    .clause = by_approval ? "the formats your partner manager approved for you "
                                            "(vodgate approved formats)"
                                          : CLAUSE_PROFILE,
                    .fix = by_approval ? "Deliver the format you are approved for, or ask your "
                                         "partner manager to review the approval first."
                                       : "Deliver one of the accepted formats."};
    report(m, stream, -1, SEV_ERROR, code, &ev, "%s %s is not %s.", what, observed,
           by_approval ? "among the formats you are approved for" : "accepted by this service");
    buf_free(&exp);
}

static double q2d(AVRational r)
{
    return r.den ? (double)r.num / r.den : 0;
}

static const char *container_name(struct media *m)
{
    const char *n = m->fc->iformat->name;
    const char *ext = strrchr(m->file, '.');
    if (!strncmp(n, "mov,", 4))
        return ext && (!strcasecmp(ext, ".mp4") || !strcasecmp(ext, ".m4v") ||
                       !strcasecmp(ext, ".m4a"))
                   ? "mp4"
                   : "mov";
    if (!strncmp(n, "matroska", 8))
        return "matroska";
    return n;
}

/* ---------------------------------------------------------------- */
/* video                                                            */
/* ---------------------------------------------------------------- */

static const char *resolution_class(int w, int h)
{
    if (w > 1920 || h > 1080)
        return "UHD";
    if (w >= 1280 || h >= 720)
        return "HD";
    return "SD";
}

static const char *dynamic_range(const AVStream *st)
{
    for (int i = 0; i < st->nb_side_data; i++)
        if (st->side_data[i].type == AV_PKT_DATA_DOVI_CONF)
            return "DolbyVision";
    switch (st->codecpar->color_trc) {
    case AVCOL_TRC_SMPTE2084:
        return "HDR10";
    case AVCOL_TRC_ARIB_STD_B67:
        return "HLG";
    default:
        return "SDR";
    }
}

/* The nearest named ratio of the profile to r, within the tolerance; NULL when none. */
static const char *named_ratio(const struct profile_list *list, double r, double tol)
{
    for (size_t i = 0; i < list->n; i++) {
        double x = profile_ratio(list->items[i]);
        if (x > 0 && fabs(r - x) <= x * tol)
            return list->items[i];
    }
    return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/*
 * Frame timestamps of stream si: the demuxer's index when it lists (nearly) every frame, else
 * the first packets read. Returns the count (sorted); *ts is malloc'd.
 */
static size_t frame_times(struct media *m, int si, int64_t **ts)
{
    AVStream *st = m->fc->streams[si];
    int n_idx = avformat_index_get_entries_count(st);
    size_t n = 0;
    *ts = xmalloc(MAX_TIMESTAMPS * sizeof **ts);
    if (n_idx >= 2 && (st->nb_frames == 0 || n_idx >= st->nb_frames * 9 / 10)) {
        for (int i = 0; i < n_idx && n < MAX_TIMESTAMPS; i++) {
            const AVIndexEntry *e = avformat_index_get_entry(st, i);
            if (e && e->timestamp != AV_NOPTS_VALUE)
                (*ts)[n++] = e->timestamp;
        }
    } else {
        AVPacket *pkt = av_packet_alloc();
        av_seek_frame(m->fc, -1, 0, AVSEEK_FLAG_BACKWARD);
        while (n < MAX_TIMESTAMPS && av_read_frame(m->fc, pkt) >= 0) {
            if (pkt->stream_index == si) {
                int64_t t = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
                if (t != AV_NOPTS_VALUE)
                    (*ts)[n++] = t;
            }
            av_packet_unref(pkt);
        }
        av_packet_free(&pkt);
    }
    qsort(*ts, n, sizeof **ts, cmp_i64);
    return n;
}

static void check_constant_rate(struct media *m, int si)
{
    AVStream *st = m->fc->streams[si];
    int64_t *ts = NULL;
    size_t n = frame_times(m, si, &ts);
    if (n < 3) {
        free(ts);
        return;
    }
    /* the usual interval is the median; an interval off it by more than 1% and a tick is irregular
     */
    size_t nd = n - 1;
    int64_t *d = xmalloc(nd * sizeof *d);
    for (size_t i = 0; i < nd; i++) {
        if (__builtin_sub_overflow(ts[i + 1], ts[i], &d[i]) || d[i] > INT64_MAX / 4) {
            free(d); /* timestamps no real stream has: nothing to measure */
            free(ts);
            return;
        }
    }
    int64_t *sorted = xmalloc(nd * sizeof *sorted);
    memcpy(sorted, d, nd * sizeof *d);
    qsort(sorted, nd, sizeof *sorted, cmp_i64);
    int64_t med = sorted[nd / 2], lo = sorted[0], hi = sorted[nd - 1];
    int64_t tol = med / 100 > 1 ? med / 100 : 1;
    size_t irregular = 0, first = 0;
    for (size_t i = 0; i < nd; i++) {
        if (llabs(d[i] - med) > tol) {
            if (!irregular)
                first = i;
            irregular++;
        }
    }
    if (irregular) {
        double tb = q2d(st->time_base);
        char obs[160], exp[96];
        snprintf(obs, sizeof obs,
                 "frame intervals from %.1f ms to %.1f ms (%zu of %zu differ from %.1f ms)",
                 lo * tb * 1000, hi * tb * 1000, irregular, nd, med * tb * 1000);
        snprintf(exp, sizeof exp,
                 "every frame %.1f ms after the previous one (constant frame "
                 "rate)",
                 med * tb * 1000);
        struct ev ev = {.observed = obs,
                        .expected = exp,
                        .fix = "Export with a constant frame rate (in FFmpeg: -fps_mode cfr "
                               "-r <rate>); screen recordings and phone footage are variable "
                               "and must be conformed first."};
        double start = st->start_time != AV_NOPTS_VALUE ? st->start_time * tb : 0;
        report(m, si, ts[first + 1] * tb - start,
               m->prof->media.constant_frame_rate ? SEV_ERROR : SEV_WARNING,
               "video.frame_rate.variable", &ev,
               "The video's frame rate is not constant: frames are not evenly spaced in time "
               "(first at this timecode).");
    }
    free(d);
    free(sorted);
    free(ts);
}

/* Analyses one decoded 8/10/12-bit YUV frame: black columns on the left and right. */
static bool black_bars(const AVFrame *f, int *left, int *right)
{
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(f->format);
    if (!desc || (desc->flags & AV_PIX_FMT_FLAG_RGB) || desc->nb_components < 1 ||
        (desc->flags & AV_PIX_FMT_FLAG_PAL))
        return false;
    int depth = desc->comp[0].depth;
    int bytes = depth > 8 ? 2 : 1;
    if (desc->comp[0].step != bytes || desc->comp[0].plane != 0)
        return false;
    bool full = f->color_range == AVCOL_RANGE_JPEG;
    int thr = (full ? 16 : 32) << (depth - 8); /* near-black: limited-range black is 16 */
    int w = f->width, h = f->height;
    *left = 0;
    *right = 0;
    bool l_done = false, r_done = false;
    for (int k = 0; k < w / 2 && !(l_done && r_done); k++) {
        for (int side = 0; side < 2; side++) {
            if (side == 0 ? l_done : r_done)
                continue;
            int x = side == 0 ? k : w - 1 - k;
            int bright = 0;
            for (int y = 0; y < h; y++) {
                const uint8_t *row = f->data[0] + (ptrdiff_t)y * f->linesize[0];
                int v = bytes == 1 ? row[x] : (row[2 * x] | row[2 * x + 1] << 8);
                if (v > thr)
                    bright++;
            }
            if (bright * 50 > h) /* more than 2% of the column lit: picture */
                *(side == 0 ? &l_done : &r_done) = true;
            else
                (*(side == 0 ? left : right))++;
        }
    }
    return true;
}

/* Decodes a frame near each of three positions and finds bars common to all. */
static void check_pillarbox(struct media *m, int si)
{
    if (m->prof->media.pillarbox == PROFILE_OFF)
        return;
    AVStream *st = m->fc->streams[si];
    const AVCodec *dec = avcodec_find_decoder(st->codecpar->codec_id);
    if (!dec)
        return;
    AVCodecContext *cc = avcodec_alloc_context3(dec);
    if (!cc || avcodec_parameters_to_context(cc, st->codecpar) < 0) {
        avcodec_free_context(&cc);
        return;
    }
    cc->thread_count = 1;
    if (avcodec_open2(cc, dec, NULL) < 0) {
        avcodec_free_context(&cc);
        return;
    }
    double tb = q2d(st->time_base);
    double dur = st->duration != AV_NOPTS_VALUE ? st->duration * tb
                 : m->fc->duration > 0          ? m->fc->duration / (double)AV_TIME_BASE
                                                : 0;
    int64_t start = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *fr = av_frame_alloc();
    int min_left = INT32_MAX, min_right = INT32_MAX, samples = 0;
    double positions[3] = {0.25, 0.5, 0.75};
    for (int p = 0; p < 3; p++) {
        int64_t target = start + (int64_t)(dur * positions[p] / (tb > 0 ? tb : 1));
        if (av_seek_frame(m->fc, si, target, AVSEEK_FLAG_BACKWARD) < 0)
            av_seek_frame(m->fc, si, start, AVSEEK_FLAG_BACKWARD);
        avcodec_flush_buffers(cc);
        bool got = false;
        int reads = 0;
        while (!got && reads++ < 400 && av_read_frame(m->fc, pkt) >= 0) {
            if (pkt->stream_index == si && avcodec_send_packet(cc, pkt) >= 0) {
                while (!got && avcodec_receive_frame(cc, fr) >= 0) {
                    int l, r;
                    if (black_bars(fr, &l, &r)) {
                        min_left = l < min_left ? l : min_left;
                        min_right = r < min_right ? r : min_right;
                        samples++;
                    }
                    got = true;
                    av_frame_unref(fr);
                }
            }
            av_packet_unref(pkt);
        }
    }
    int w = st->codecpar->width, h = st->codecpar->height;
    /* bars of at least 5% of the width on both sides, about equal: a narrower picture */
    if (samples > 0 && min_left >= w / 20 && min_right >= w / 20 &&
        abs(min_left - min_right) <= w / 50 + 2) {
        AVRational sar = st->codecpar->sample_aspect_ratio;
        double par = sar.num > 0 && sar.den > 0 ? q2d(sar) : 1.0;
        double frame_ar = w * par / h;
        double active_ar = (w - min_left - min_right) * par / h;
        const char *name = named_ratio(&m->prof->media.aspects, active_ar, 0.03);
        char obs[200], exp[120];
        snprintf(obs, sizeof obs,
                 "a %.2f:1%s%s%s picture %d pixels wide between black bars of %d and %d pixels, "
                 "in a %.2f:1 frame",
                 active_ar, name ? " (" : "", name ? name : "", name ? ")" : "",
                 w - min_left - min_right, min_left, min_right, frame_ar);
        snprintf(exp, sizeof exp, "the picture filling the frame width (no pillarbox)");
        struct ev ev = {.observed = obs,
                        .expected = exp,
                        .fix = "Deliver the picture in its own aspect ratio: crop the black "
                               "bars and set the display aspect ratio to the picture's (e.g. "
                               "4:3), instead of framing it in a wider picture."};
        report(m, si, dur * 0.5,
               m->prof->media.pillarbox == PROFILE_ERROR ? SEV_ERROR : SEV_WARNING,
               "video.pillarbox", &ev,
               "The picture is pillarboxed: a %s picture sits between black bars in a wider frame "
               "(seen at 25%%, 50%% and 75%% of the programme).",
               name ? name : "narrower");
    }
    av_frame_free(&fr);
    av_packet_free(&pkt);
    avcodec_free_context(&cc);
}

static void check_video(struct media *m, int si)
{
    AVStream *st = m->fc->streams[si];
    AVCodecParameters *cp = st->codecpar;
    const struct delivery_profile *p = m->prof;
    char obs[160], exp[200];
    struct buf list = {0};
    bool by;

    const char *codec = avcodec_get_name(cp->codec_id);
    if (!profile_list_has(&p->media.video_codecs, codec)) {
        profile_list_join(&p->media.video_codecs, &list);
        struct ev ev = {.observed = codec,
                        .expected = buf_str(&list),
                        .fix = "Encode the mezzanine with an accepted codec (ProRes 422 HQ in "
                               ".mov is the usual choice)."};
        report(m, si, -1, SEV_ERROR, "video.codec.unsupported", &ev,
               "The video codec %s is not accepted.", codec);
        buf_reset(&list);
    }

    int w = cp->width, h = cp->height;
    if (w <= 0 || h <= 0) {
        struct ev ev = {.observed = "no picture size",
                        .expected = "the video's width and height",
                        .fix = "Check the file plays; it may be damaged or incomplete."};
        report(m, si, -1, SEV_ERROR, "video.resolution.unknown", &ev,
               "The video's picture size could not be read.");
        buf_free(&list); /* it may hold the list of codecs named above */
        return;
    }
    const char *res = resolution_class(w, h);
    snprintf(obs, sizeof obs, "%dx%d (%s)", w, h, res);
    if (w > p->media.max_width || h > p->media.max_height) {
        snprintf(exp, sizeof exp, "at most %dx%d", p->media.max_width, p->media.max_height);
        struct ev ev = {
            .observed = obs, .expected = exp, .fix = "Deliver at most UHD (3840x2160)."};
        report(m, si, -1, SEV_ERROR, "video.resolution.too_large", &ev,
               "The picture is larger than this service accepts.");
    }
    if (!allowed(m, FORMAT_RESOLUTION, res, &p->media.resolutions, &by))
        not_allowed(m, si, FORMAT_RESOLUTION, "video.resolution.not_approved", "Resolution", obs,
                    &p->media.resolutions, by);

    AVRational sar =
        cp->sample_aspect_ratio.num > 0 ? cp->sample_aspect_ratio : st->sample_aspect_ratio;
    double par = sar.num > 0 && sar.den > 0 ? q2d(sar) : 1.0;
    if (w >= p->media.square_pixels_from_width && fabs(par - 1.0) > 0.001) {
        snprintf(obs, sizeof obs, "pixel aspect %d:%d on a %dx%d picture", sar.num, sar.den, w, h);
        struct ev ev = {.observed = obs,
                        .expected = "square pixels (1:1) for HD and UHD",
                        .fix = "Deliver HD and UHD with square pixels; a picture that needs "
                               "stretching is distorted on some players."};
        report(m, si, -1, SEV_ERROR, "video.sar.nonsquare", &ev,
               "HD and UHD video must have square pixels.");
    }
    double dar = w * par / h;
    const char *dar_name = named_ratio(&p->media.aspects, dar, p->media.aspect_tolerance);
    if (!dar_name) {
        profile_list_join(&p->media.aspects, &list);
        snprintf(obs, sizeof obs, "%.3f:1 (%dx%d, pixel aspect %d:%d)", dar, w, h,
                 sar.num > 0 ? sar.num : 1, sar.den > 0 ? sar.den : 1);
        struct ev ev = {.observed = obs,
                        .expected = buf_str(&list),
                        .fix = "Deliver one of the standard display aspect ratios, and state it "
                               "in the file's header."};
        report(m, si, -1, SEV_ERROR, "video.aspect.unsupported", &ev,
               "The display aspect ratio is not one this service accepts.");
        buf_reset(&list);
    }

    /* frame rate */
    AVRational fr = st->avg_frame_rate.num > 0 ? st->avg_frame_rate : st->r_frame_rate;
    double fps = q2d(fr);
    if (fps <= 0) {
        struct ev ev = {.observed = "unknown",
                        .expected = "a stated, constant frame rate",
                        .fix = "Export with a constant frame rate stated in the header."};
        report(m, si, -1, SEV_ERROR, "video.frame_rate.unknown", &ev,
               "The video's frame rate could not be read.");
    } else {
        bool ok = false;
        for (size_t i = 0; i < p->media.frame_rates.n; i++) {
            double want = atof(p->media.frame_rates.items[i]);
            ok |= fabs(fps - want) <= want * p->media.frame_rate_tolerance / 10 + 0.0005;
        }
        if (!ok) {
            profile_list_join(&p->media.frame_rates, &list);
            snprintf(obs, sizeof obs, "%.3f fps (%d/%d)", fps, fr.num, fr.den);
            struct ev ev = {.observed = obs,
                            .expected = buf_str(&list),
                            .fix = "Deliver the programme at its native frame rate, one of the "
                                   "accepted rates; do not convert by dropping or repeating "
                                   "frames."};
            report(m, si, -1, SEV_ERROR, "video.frame_rate.unsupported", &ev,
                   "The frame rate %.3f fps is not accepted.", fps);
            buf_reset(&list);
        }
    }
    check_constant_rate(m, si);

    /* scan type and field order */
    switch (cp->field_order) {
    case AV_FIELD_PROGRESSIVE:
        break;
    case AV_FIELD_TT:
    case AV_FIELD_BB:
    case AV_FIELD_TB:
    case AV_FIELD_BT: {
        const char *fo = cp->field_order == AV_FIELD_TT || cp->field_order == AV_FIELD_TB
                             ? "top field first"
                             : "bottom field first";
        snprintf(obs, sizeof obs, "interlaced, %s", fo);
        if (!profile_list_has(&p->media.scan_types, "interlaced")) {
            struct ev ev = {.observed = obs,
                            .expected = "progressive video",
                            .fix = "Deliver the programme progressive (from its progressive "
                                   "master; deinterlacing a finished file loses detail)."};
            report(m, si, -1, SEV_ERROR, "video.scan.unsupported", &ev,
                   "The video is interlaced (%s); this service accepts progressive video only.",
                   fo);
            break;
        }
        struct ev ev = {.observed = obs,
                        .expected = "progressive video (interlaced is accepted with its field "
                                    "order stated)",
                        .fix = "If the programme was made progressive, deliver it progressive; "
                               "otherwise nothing to do: the field order is stated."};
        report(m, si, -1, SEV_WARNING, "video.scan.interlaced", &ev,
               "The video is interlaced (%s); it will be deinterlaced for streaming.", fo);
        break;
    }
    default:
        if (p->media.require_field_order) {
            struct ev ev = {.observed = "not stated",
                            .expected = "the scan type (progressive or interlaced) and, for "
                                        "interlaced video, the field order",
                            .fix = "Export with the scan type and field order written in the "
                                   "header (for QuickTime, the 'fiel' atom)."};
            report(m, si, -1, SEV_WARNING, "video.scan.unknown", &ev,
                   "The file does not say whether the video is progressive or interlaced.");
        }
        break;
    }

    const char *dr = dynamic_range(st);
    if (!allowed(m, FORMAT_DYNAMIC_RANGE, dr, &p->media.dynamic_ranges, &by))
        not_allowed(m, si, FORMAT_DYNAMIC_RANGE, "video.dynamic_range.not_approved",
                    "Dynamic range", dr, &p->media.dynamic_ranges, by);
    buf_free(&list);
    check_pillarbox(m, si);
}

/* ---------------------------------------------------------------- */
/* audio                                                            */
/* ---------------------------------------------------------------- */

/* The delivery layout name of a channel layout: Stereo, 5.1, 7.1, Mono; NULL for others. */
static const char *layout_name(const AVChannelLayout *l)
{
    switch (l->nb_channels) {
    case 1:
        return "Mono";
    case 2:
        return "Stereo";
    case 6:
        return l->order == AV_CHANNEL_ORDER_NATIVE && !(l->u.mask & AV_CH_LOW_FREQUENCY) ? NULL
                                                                                         : "5.1";
    case 8:
        return l->order == AV_CHANNEL_ORDER_NATIVE && !(l->u.mask & AV_CH_LOW_FREQUENCY) ? NULL
                                                                                         : "7.1";
    default:
        return NULL;
    }
}

/* The layout a stream's title or handler name claims ("5.1", "Stereo"), or NULL. */
static const char *claimed_layout(const AVStream *st)
{
    const char *keys[] = {"title", "handler_name"};
    for (int k = 0; k < 2; k++) {
        const AVDictionaryEntry *e = av_dict_get(st->metadata, keys[k], NULL, 0);
        if (!e || !e->value)
            continue;
        const char *v = e->value;
        if (strstr(v, "5.1"))
            return "5.1";
        if (strstr(v, "7.1"))
            return "7.1";
        if (strcasestr(v, "stereo") || strstr(v, "2.0"))
            return "Stereo";
    }
    return NULL;
}

static int layout_channels(const char *name)
{
    return !strcmp(name, "5.1") ? 6 : !strcmp(name, "7.1") ? 8 : !strcmp(name, "Stereo") ? 2 : 1;
}

static void check_audio(struct media *m, int si)
{
    AVStream *st = m->fc->streams[si];
    AVCodecParameters *cp = st->codecpar;
    const struct delivery_profile *p = m->prof;
    struct buf list = {0};
    char obs[160];
    bool by;
    const char *codec = avcodec_get_name(cp->codec_id);
    if (!profile_list_has(&p->media.audio_codecs, codec)) {
        profile_list_join(&p->media.audio_codecs, &list);
        struct ev ev = {.observed = codec,
                        .expected = buf_str(&list),
                        .fix = "Deliver PCM (in .mov or .wav) or AAC (in .mp4)."};
        report(m, si, -1, SEV_ERROR, "audio.codec.unsupported", &ev,
               "The audio codec %s is not accepted.", codec);
        buf_reset(&list);
    }
    bool rate_ok = false;
    for (size_t i = 0; i < p->media.n_sample_rates; i++)
        rate_ok |= cp->sample_rate == p->media.sample_rates[i];
    if (!rate_ok) {
        for (size_t i = 0; i < p->media.n_sample_rates; i++)
            buf_printf(&list, "%s%d Hz", i ? ", " : "", p->media.sample_rates[i]);
        snprintf(obs, sizeof obs, "%d Hz", cp->sample_rate);
        struct ev ev = {.observed = obs,
                        .expected = buf_str(&list),
                        .fix = "Deliver the audio at 48 kHz (resample with a good resampler "
                               "before the final export, not after)."};
        report(m, si, -1, SEV_ERROR, "audio.sample_rate.unsupported", &ev,
               "The sample rate %d Hz is not accepted.", cp->sample_rate);
        buf_reset(&list);
    }
    const AVChannelLayout *cl = &cp->ch_layout;
    char desc[96] = "";
    av_channel_layout_describe(cl, desc, sizeof desc);
    const char *name = layout_name(cl);
    snprintf(obs, sizeof obs, "%d channel%s (%s)", cl->nb_channels, cl->nb_channels == 1 ? "" : "s",
             desc[0] ? desc : "no layout");
    const char *claim = claimed_layout(st);
    if (claim && layout_channels(claim) != cl->nb_channels) {
        char exp[96];
        snprintf(exp, sizeof exp, "%d channels for %s", layout_channels(claim), claim);
        struct ev ev = {.observed = obs,
                        .expected = exp,
                        .fix = "Deliver the mix with the number of channels its layout has "
                               "(5.1: L, R, C, LFE, Ls, Rs), or correct the track's label."};
        report(m, si, -1, SEV_ERROR, "audio.layout.mismatch", &ev,
               "The track is labelled %s but carries %d channels.", claim, cl->nb_channels);
    }
    if (!name) {
        struct ev ev = {.observed = obs,
                        .expected = "2 channels (Stereo), 6 (5.1: L R C LFE Ls Rs) or 8 (7.1)",
                        .fix = "Deliver a standard layout; extra or missing channels usually "
                               "mean a wrong export preset."};
        report(m, si, -1, SEV_ERROR, "audio.layout.unsupported", &ev,
               "%d channels is not a delivery layout.", cl->nb_channels);
    } else if (!allowed(m, FORMAT_AUDIO, name, &p->media.audio_layouts, &by)) {
        not_allowed(m, si, FORMAT_AUDIO, "audio.layout.not_approved", "Audio layout", name,
                    &p->media.audio_layouts, by);
    }
    buf_free(&list);
}

/* The duration of stream si in seconds (container's when the stream has none), or -1. */
static double stream_duration(struct media *m, int si)
{
    AVStream *st = m->fc->streams[si];
    if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
        return st->duration * q2d(st->time_base);
    if (m->fc->duration > 0)
        return m->fc->duration / (double)AV_TIME_BASE;
    return -1;
}

static bool is_picture(const AVStream *st)
{
    return st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
           !(st->disposition & AV_DISPOSITION_ATTACHED_PIC);
}

static void check_durations(struct media *m)
{
    int vi = -1;
    for (unsigned i = 0; i < m->fc->nb_streams && vi < 0; i++)
        if (is_picture(m->fc->streams[i]))
            vi = (int)i;
    if (vi < 0)
        return;
    double v = stream_duration(m, vi);
    if (v <= 0)
        return;
    for (unsigned i = 0; i < m->fc->nb_streams; i++) {
        if (m->fc->streams[i]->codecpar->codec_type != AVMEDIA_TYPE_AUDIO)
            continue;
        double a = stream_duration(m, (int)i);
        double tol = m->prof->media.max_av_duration_difference;
        if (a <= 0 || fabs(a - v) <= tol)
            continue;
        char obs[128], exp[96], ta[32], tv[32];
        timecode(a, ta);
        timecode(v, tv);
        snprintf(obs, sizeof obs, "audio %s, video %s (%.2f s %s)", ta, tv, fabs(a - v),
                 a < v ? "short" : "long");
        snprintf(exp, sizeof exp, "audio and video ending within %.1f s of each other", tol);
        struct ev ev = {.observed = obs,
                        .expected = exp,
                        .clause = "Audio must match the video's duration (VOD delivery "
                                  "specifications; vodgate delivery profile)",
                        .fix = "Conform the audio to the picture: the full mix must run the "
                               "programme's length (missing audio often means an export range "
                               "was set on the audio only)."};
        report(m, (int)i, a < v ? a : v, SEV_ERROR, "media.duration.mismatch", &ev,
               "The audio is %.2f s %s than the video; it ends at %s.", fabs(a - v),
               a < v ? "shorter" : "longer", ta);
    }
}

static void approve(struct media *m)
{
    for (size_t i = 0; i < m->opts->n_approved_formats; i++)
        format_set_add(&m->approved, m->opts->approved_formats[i]);
}

static int open_media(const char *path, AVFormatContext **fc)
{
    pthread_once(&log_once, quiet_ffmpeg);
    *fc = avformat_alloc_context();
    if (!*fc)
        return -1;
    (*fc)->format_whitelist = av_strdup(DEMUXERS);
    (*fc)->protocol_whitelist = av_strdup("file");
    AVDictionary *o = NULL;
    av_dict_set(&o, "protocol_whitelist", "file", 0);
    int rc = avformat_open_input(fc, path, NULL, &o);
    av_dict_free(&o);
    if (rc < 0)
        return -1; /* avformat_open_input frees *fc on failure */
    if (avformat_find_stream_info(*fc, NULL) < 0) {
        avformat_close_input(fc);
        return -1;
    }
    return 0;
}

int check_media(const char *path, const char *display_name, const struct check_options *opts,
                struct findings *out, struct buf *why)
{
    static const struct check_options none = {0};
    struct media m = {
        .file = display_name ? display_name : path, .opts = opts ? opts : &none, .out = out};
    m.prof = m.opts->profile ? m.opts->profile : profile_default();
    if (access(path, R_OK) != 0) {
        if (why)
            buf_printf(why, "%s cannot be read", m.file);
        return CHECK_ERR_IO;
    }
    approve(&m);
    if (open_media(path, &m.fc) != 0) {
        struct ev ev = {.observed = "no readable audio or video",
                        .expected = "a video or audio file in an accepted container (.mov, .mp4, "
                                    ".mxf, .ts)",
                        .fix = "Check the file plays and was fully uploaded; export it again if "
                               "it does not."};
        report(&m, -1, -1, SEV_ERROR, "media.unreadable", &ev,
               "The file could not be read as audio or video.");
        return CHECK_OK;
    }
    const char *cont = container_name(&m);
    if (!profile_list_has(&m.prof->media.containers, cont)) {
        struct buf list = {0};
        profile_list_join(&m.prof->media.containers, &list);
        struct ev ev = {.observed = cont,
                        .expected = buf_str(&list),
                        .fix = "Wrap the essence in an accepted container (QuickTime .mov, MP4, "
                               "MXF or MPEG-2 TS)."};
        report(&m, -1, -1, SEV_ERROR, "media.container.unsupported", &ev,
               "The container %s is not accepted.", cont);
        buf_free(&list);
    }
    int n_video = 0, n_audio = 0;
    for (unsigned i = 0; i < m.fc->nb_streams; i++) {
        AVStream *st = m.fc->streams[i];
        if (is_picture(st)) {
            if (n_video++ == 0)
                check_video(&m, (int)i);
        } else if (st->codecpar->codec_type == AVMEDIA_TYPE_AUDIO) {
            n_audio++;
            check_audio(&m, (int)i);
        }
    }
    if (n_video > 1) {
        char obs[32];
        snprintf(obs, sizeof obs, "%d video streams", n_video);
        struct ev ev = {.observed = obs,
                        .expected = "one video stream",
                        .fix = "Deliver one programme picture per file; other angles or "
                               "versions are separate deliveries."};
        report(&m, -1, -1, SEV_WARNING, "video.streams.several", &ev,
               "The file has %d video streams; only the first was checked.", n_video);
    }
    if (!n_video && !n_audio) {
        struct ev ev = {.observed = "no audio or video stream",
                        .expected = "a video or audio stream",
                        .fix = "Check the export; the file holds no programme."};
        report(&m, -1, -1, SEV_ERROR, "media.streams.none", &ev,
               "The file has no audio or video stream.");
    }
    check_durations(&m);
    avformat_close_input(&m.fc);
    return CHECK_OK;
}

int check_media_probe(const char *path, double *duration, double *fps)
{
    AVFormatContext *fc = NULL;
    *duration = 0;
    *fps = 0;
    if (open_media(path, &fc) != 0)
        return -1;
    int rc = -1;
    for (unsigned i = 0; i < fc->nb_streams; i++) {
        AVStream *st = fc->streams[i];
        if (!is_picture(st))
            continue;
        *duration = st->duration != AV_NOPTS_VALUE && st->duration > 0
                        ? st->duration * q2d(st->time_base)
                    : fc->duration > 0 ? fc->duration / (double)AV_TIME_BASE
                                       : 0;
        AVRational fr = st->avg_frame_rate.num > 0 ? st->avg_frame_rate : st->r_frame_rate;
        *fps = q2d(fr);
        rc = 0;
        break;
    }
    avformat_close_input(&fc);
    return rc;
}
