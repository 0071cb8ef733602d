/*
 * Caption files: picks the parser (SRT, SCC, TTML/DFXP/IMSC) from the
 * extension, or the content when the extension says nothing (a TTML file
 * is XML with a <tt> root, SCC starts with its header, SRT with a counter),
 * checks the format against the partner's approved caption formats or the
 * delivery profile, then runs the parser. The shared cue bookkeeping of
 * captions.h lives here too.
 */
#include "check/captions.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/buf.h"
#include "check/profile.h"
#include "check/xmlsafe.h"
#include "core/formats.h"

#define MAX_AFTER_END_FINDINGS 3

void cap_time(double s, char *out, size_t cap)
{
    if (s < 0 || !isfinite(s))
        s = 0;
    long long ms = llround(s * 1000);
    snprintf(out, cap, "%02lld:%02lld:%02lld.%03lld", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
             ms % 1000);
}

void cap_report(struct cap_ctx *c, long line, enum severity sev, const char *code,
                const struct cap_ev *ev, const char *fmt, ...)
{
    struct finding f = {0};
    f.code = code;
    f.severity = sev;
    f.file = c->file;
    f.line = line;
    f.stream = -1;
    f.observed = ev->observed;
    f.expected = ev->expected;
    f.clause = ev->clause;
    f.fix = ev->fix;
    va_list ap;
    va_start(ap, fmt);
    findings_vadd(c->out, &f, fmt, ap);
    va_end(ap);
}

void cap_cue(struct cap_ctx *c, long line, double start, double end, const char *clause)
{
    c->n_cues++;
    char ts[32], te[32], tv[32];
    cap_time(start, ts, sizeof ts);
    cap_time(end, te, sizeof te);
    if (end <= start) {
        char obs[80];
        snprintf(obs, sizeof obs, "%s to %s", ts, te);
        struct cap_ev ev = {.observed = obs,
                            .expected = "an end time after the start time",
                            .clause = clause,
                            .fix = "Correct the cue's times; a cue that ends before it starts "
                                   "is never shown."};
        cap_report(c, line, SEV_ERROR, "caption.cue.order", &ev,
                   "The cue ends (%s) before it starts (%s).", te, ts);
    }
    if (end > c->last_end) {
        c->last_end = end;
        c->last_end_line = line;
    }
    /* half a second of grace: captions are often timed to the last frame's end */
    if (c->video_duration > 0 && end > c->video_duration + 0.5) {
        if (c->n_after_end++ < MAX_AFTER_END_FINDINGS) {
            cap_time(c->video_duration, tv, sizeof tv);
            char obs[80], exp[80];
            snprintf(obs, sizeof obs, "cue %s to %s", ts, te);
            snprintf(exp, sizeof exp, "cues ending by %s (the video's end)", tv);
            struct cap_ev ev = {.observed = obs,
                                .expected = exp,
                                .clause = "Timed text must conform to the video's length (VOD "
                                          "delivery specifications)",
                                .fix = "Check the captions were made for this cut and at its "
                                       "frame rate (captions timed for 25 fps on a 23.976 fps "
                                       "video drift later and later)."};
            cap_report(c, line, SEV_ERROR, "caption.cue.after_end", &ev,
                       "This cue ends at %s, after the video ends at %s.", te, tv);
        }
    }
}

void cap_finish(struct cap_ctx *c, const char *format)
{
    if (c->n_after_end > MAX_AFTER_END_FINDINGS) {
        char obs[64];
        snprintf(obs, sizeof obs, "%zu cues", c->n_after_end);
        struct cap_ev ev = {.observed = obs,
                            .expected = "no cue after the video's end",
                            .clause = "Timed text must conform to the video's length",
                            .fix = "See the first cues listed; the rest follow the same way."};
        cap_report(c, 0, SEV_ERROR, "caption.cue.after_end", &ev,
                   "%zu more cues end after the video does.",
                   c->n_after_end - MAX_AFTER_END_FINDINGS);
    }
    if (c->n_cues == 0) {
        char clause[96];
        snprintf(clause, sizeof clause, "%s: a caption file has at least one cue", format);
        struct cap_ev ev = {.observed = "no cue",
                            .expected = "captions with times and text",
                            .clause = clause,
                            .fix = "Export the captions again; the file holds no caption."};
        cap_report(c, 0, SEV_ERROR, "caption.file.empty", &ev, "The file holds no caption.");
    }
}

bool cap_utf8(struct cap_ctx *c, const char *data, size_t len, const char *format)
{
    const unsigned char *s = (const unsigned char *)data;
    long line = 1;
    size_t i = 0;
    while (i < len) {
        unsigned char b = s[i];
        size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        bool ok = n > 0 && i + n <= len;
        uint32_t cp = n == 1 ? b : n == 2 ? b & 0x1F : n == 3 ? b & 0x0F : b & 0x07;
        for (size_t k = 1; ok && k < n; k++) {
            ok = (s[i + k] & 0xC0) == 0x80;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        /* overlong forms, surrogates and values past U+10FFFF are not UTF-8 either */
        if (ok && ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
                   (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF))
            ok = false;
        if (!ok) {
            char obs[64], clause[96];
            snprintf(obs, sizeof obs, "byte 0x%02X at offset %zu", b, i);
            snprintf(clause, sizeof clause, "%s: text is UTF-8 (VOD timed text specifications)",
                     format);
            struct cap_ev ev = {.observed = obs,
                                .expected = "UTF-8 text",
                                .clause = clause,
                                .fix = "Save the file as UTF-8 (in most editors: Save as, "
                                       "encoding UTF-8); Windows-1252 or Latin-1 accents "
                                       "show as garbage otherwise."};
            cap_report(c, line, SEV_ERROR, "caption.encoding.invalid", &ev,
                       "The file is not UTF-8: line %ld has a byte that is not valid UTF-8.", line);
            return false;
        }
        if (b == '\n')
            line++;
        i += n;
    }
    return true;
}

static const char *extension(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash : name, '.');
    return dot ? dot + 1 : "";
}

/* SRT, SCC or TTML, from the extension or the first bytes. */
static const char *caption_format(const char *name, const char *data, size_t len)
{
    const char *ext = extension(name);
    if (!strcasecmp(ext, "srt"))
        return "SRT";
    if (!strcasecmp(ext, "scc"))
        return "SCC";
    if (!strcasecmp(ext, "ttml") || !strcasecmp(ext, "dfxp") || !strcasecmp(ext, "xml") ||
        !strcasecmp(ext, "itt"))
        return "TTML";
    size_t i = 0;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len && isspace((unsigned char)data[i]))
        i++;
    if (len - i >= 18 && !memcmp(data + i, "Scenarist_SCC", 13))
        return "SCC";
    if (i < len && data[i] == '<')
        return "TTML";
    return "SRT";
}

/* The approval or the profile decides whether the format is accepted. */
static void check_format(struct cap_ctx *c, const struct check_options *o, const char *format,
                         const char *data, size_t len)
{
    const struct delivery_profile *p = o->profile ? o->profile : profile_default();
    /* an IMSC document says so in its profile attribute */
    const char *name = format;
    if (!strcmp(format, "TTML") && len && memmem(data, len < 4096 ? len : 4096, "imsc", 4))
        name = "IMSC1";
    struct format_set approved = {0};
    for (size_t i = 0; i < o->n_approved_formats; i++)
        format_set_add(&approved, o->approved_formats[i]);
    size_t n;
    const struct format_def *all = formats_all(&n);
    bool any = false;
    struct buf list = {0};
    for (size_t i = 0; i < n; i++) {
        if (all[i].family == FORMAT_CAPTIONS && format_set_has(&approved, &all[i])) {
            buf_printf(&list, "%s%s", any ? ", " : "", all[i].name);
            any = true;
        }
    }
    bool ok;
    if (any) {
        const struct format_def *d = format_find(name);
        const struct format_def *t = format_find(format);
        ok = (d && format_set_has(&approved, d)) || (t && format_set_has(&approved, t));
    } else {
        ok = profile_list_has(&p->captions.formats, name) ||
             profile_list_has(&p->captions.formats, format);
        profile_list_join(&p->captions.formats, &list);
    }
    if (!ok) {
        struct cap_ev ev = {.observed = name,
                            .expected = buf_str(&list),
                            .clause = any ? "the formats your partner manager approved for you"
                                          : "vodgate delivery profile (data/delivery_profile.json)",
                            .fix = "Deliver the captions in a format you are approved for."};
        cap_report(c, 0, SEV_ERROR, "caption.format.not_approved", &ev, "%s captions are not %s.",
                   name,
                   any ? "among the formats you are approved for" : "accepted by this service");
    }
    buf_free(&list);
}

int check_captions(const char *path, const char *display_name, const struct check_options *opts,
                   struct findings *out, struct buf *why)
{
    static const struct check_options none = {0};
    const struct check_options *o = opts ? opts : &none;
    const char *file = display_name ? display_name : path;
    const struct delivery_profile *p = o->profile ? o->profile : profile_default();
    size_t max = p->captions.max_bytes ? (size_t)p->captions.max_bytes : 20u << 20;
    struct buf b = {0};
    uint64_t size = 0;
    int rc = xmlsafe_slurp(path, max, &b, &size);
    if (rc == -1) {
        if (why)
            buf_printf(why, "%s cannot be read", file);
        buf_free(&b);
        return CHECK_ERR_IO;
    }
    struct cap_ctx c = {
        .file = file, .out = out, .video_duration = o->video_duration, .fps = o->video_fps};
    if (rc == -2) {
        char obs[64], exp[64];
        snprintf(obs, sizeof obs, "%llu bytes", (unsigned long long)size);
        snprintf(exp, sizeof exp, "at most %zu bytes", max);
        struct cap_ev ev = {.observed = obs,
                            .expected = exp,
                            .clause = "vodgate delivery profile: caption file size",
                            .fix = "Check the file is a caption file (a feature's captions are "
                                   "well under a megabyte)."};
        cap_report(&c, 0, SEV_ERROR, "caption.file.too_large", &ev,
                   "The caption file is larger than this service accepts.");
        buf_free(&b);
        return CHECK_OK;
    }
    const char *format = caption_format(file, b.data, b.len);
    check_format(&c, o, format, b.data, b.len);
    if (!strcmp(format, "SRT"))
        captions_srt_parse(&c, b.data, b.len);
    else if (!strcmp(format, "SCC"))
        captions_scc_parse(&c, b.data, b.len);
    else
        captions_ttml_parse(&c, b.data, b.len);
    buf_free(&b);
    return CHECK_OK;
}
