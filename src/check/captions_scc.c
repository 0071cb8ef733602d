/*
 * Scenarist SCC captions (CEA-608 byte pairs with SMPTE timecodes).
 *
 * "Scenarist_SCC V1.0", then lines of a timecode (HH:MM:SS:FF, or with ';'
 * before the frames for drop-frame), a tab, and 4-digit hex words: each word
 * is two CEA-608 bytes, each byte carrying odd parity in its top bit. The
 * file does not say its frame rate: timecodes are read at the video's rate
 * when the package gives it, else at 29.97 (the NTSC rate SCC was made for),
 * drop-frame when the timecode says so. Each timed line is an event; its
 * time must fall inside the video. Checked per line: the header, the
 * timecode's shape and range (frames below the rate, no frames 00/01 at
 * drop-frame minute starts), timecodes in order, words that are 4 hex
 * digits, byte parity.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/captions.h"

#define CLAUSE "Scenarist SCC (CEA-608 captions), as VOD timed-text specifications require it"

static bool odd_parity(unsigned v)
{
    v &= 0xFF;
    v ^= v >> 4;
    v ^= v >> 2;
    v ^= v >> 1;
    return v & 1;
}

/* Seconds of a timecode at fps, drop-frame counting when df (29.97/59.94 only). */
static double tc_seconds(int h, int m, int s, int f, double fps, bool df)
{
    if (df && fabs(fps - 29.97) < 0.01) {
        long total_min = h * 60L + m;
        long frames = (h * 3600L + m * 60L + s) * 30 + f - 2 * (total_min - total_min / 10);
        return frames * 1001.0 / 30000.0;
    }
    int nominal = (int)lround(fps);
    double frames = (h * 3600.0 + m * 60.0 + s) * nominal + f;
    return frames / fps;
}

void captions_scc_parse(struct cap_ctx *c, const char *data, size_t len)
{
    if (!cap_utf8(c, data, len, "SCC"))
        return;
    double fps = c->fps > 0 ? c->fps : 30000.0 / 1001.0;
    int nominal = (int)lround(fps);
    const char *p = data, *end = data + len;
    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        p += 3;
    long no = 0;
    bool header = false, first = true;
    double prev = -1;
    int parity_reports = 0;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        const char *stop = e ? e : end;
        const char *s = p;
        size_t n = (size_t)(stop - p);
        if (n && s[n - 1] == '\r')
            n--;
        p = e ? e + 1 : end;
        no++;
        while (n && isspace((unsigned char)s[n - 1]))
            n--;
        if (n == 0)
            continue;
        char obs[96];
        snprintf(obs, sizeof obs, "%.*s", (int)(n < 80 ? n : 80), s);
        if (first) {
            first = false;
            header = n == 18 && !memcmp(s, "Scenarist_SCC V1.0", 18);
            if (!header) {
                struct cap_ev ev = {.observed = obs,
                                    .expected = "Scenarist_SCC V1.0",
                                    .clause = CLAUSE,
                                    .fix = "Start the file with the line Scenarist_SCC V1.0 (it "
                                           "may have been lost in an export)."};
                cap_report(c, no, SEV_ERROR, "scc.header.missing", &ev,
                           "The file does not start with the SCC header.");
                if (n >= 11 && s[2] == ':')
                    goto timed; /* a timed line: read on */
            }
            continue;
        }
    timed:;
        /* HH:MM:SS:FF or HH:MM:SS;FF */
        bool shape = n >= 11 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
                     (s[2] == ':' || s[2] == ';') && isdigit((unsigned char)s[3]) &&
                     isdigit((unsigned char)s[4]) && (s[5] == ':' || s[5] == ';') &&
                     isdigit((unsigned char)s[6]) && isdigit((unsigned char)s[7]) &&
                     (s[8] == ':' || s[8] == ';' || s[8] == '.' || s[8] == ',') &&
                     isdigit((unsigned char)s[9]) && isdigit((unsigned char)s[10]);
        if (!shape) {
            struct cap_ev ev = {.observed = obs,
                                .expected = "HH:MM:SS:FF (or HH:MM:SS;FF for drop-frame), a tab, "
                                            "then hex words",
                                .clause = CLAUSE,
                                .fix = "Each caption line starts with its timecode; re-export "
                                       "the SCC from the captioning tool."};
            cap_report(c, no, SEV_ERROR, "scc.timecode.invalid", &ev,
                       "The line does not start with a timecode.");
            continue;
        }
        int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
        int sec = (s[6] - '0') * 10 + (s[7] - '0'), f = (s[9] - '0') * 10 + (s[10] - '0');
        bool df = s[8] == ';' || s[8] == ',';
        const char *why = NULL;
        if (m > 59 || sec > 59)
            why = "minutes and seconds run to 59";
        else if (f >= nominal)
            why = "the frame number must be below the frame rate";
        else if (df && sec == 0 && f < 2 && m % 10 != 0)
            why = "drop-frame timecode skips frames 00 and 01 at the start of each minute except "
                  "every tenth";
        if (why) {
            char exp[96];
            snprintf(exp, sizeof exp, "a valid timecode at %.3f fps%s", fps,
                     df ? " drop-frame" : "");
            struct cap_ev ev = {.observed = obs,
                                .expected = exp,
                                .clause = CLAUSE,
                                .fix = "Correct the timecode; check the captions were made at "
                                       "this video's frame rate."};
            cap_report(c, no, SEV_ERROR, "scc.timecode.invalid", &ev,
                       "The timecode is not valid: %s.", why);
            continue;
        }
        if (df && fabs(fps - 29.97) > 0.01 && fabs(fps - 59.94) > 0.01) {
            char o[64];
            snprintf(o, sizeof o, "drop-frame timecode on %.3f fps video", fps);
            struct cap_ev ev = {.observed = o,
                                .expected = "drop-frame only with 29.97 fps video",
                                .clause = CLAUSE,
                                .fix = "Export the SCC with non-drop-frame timecode for this "
                                       "frame rate."};
            cap_report(c, no, SEV_WARNING, "scc.timecode.drop_frame", &ev,
                       "Drop-frame timecode does not fit a %.3f fps video.", fps);
        }
        double t = tc_seconds(h, m, sec, f, fps, df);
        if (prev >= 0 && t < prev) {
            char a[32], b[32];
            cap_time(t, a, sizeof a);
            cap_time(prev, b, sizeof b);
            char o[96];
            snprintf(o, sizeof o, "%s after %s", a, b);
            struct cap_ev ev = {.observed = o,
                                .expected = "timecodes in increasing order",
                                .clause = CLAUSE,
                                .fix = "Sort the lines by timecode; captions out of order are "
                                       "dropped by encoders."};
            cap_report(c, no, SEV_ERROR, "scc.timecode.order", &ev,
                       "This timecode is earlier than the line before.");
        }
        prev = t;
        /* the data words */
        size_t i = 11;
        int words = 0;
        bool bad_word = false;
        while (i < n) {
            while (i < n && (s[i] == ' ' || s[i] == '\t'))
                i++;
            if (i >= n)
                break;
            size_t w = i;
            while (i < n && s[i] != ' ' && s[i] != '\t')
                i++;
            size_t wl = i - w;
            bool hex = wl == 4;
            for (size_t k = w; hex && k < i; k++)
                hex = isxdigit((unsigned char)s[k]);
            if (!hex) {
                if (!bad_word) {
                    char o[32];
                    snprintf(o, sizeof o, "%.*s", (int)(wl < 16 ? wl : 16), s + w);
                    struct cap_ev ev = {.observed = o,
                                        .expected = "words of four hexadecimal digits (9420 "
                                                    "9420 ...)",
                                        .clause = CLAUSE,
                                        .fix = "Re-export the SCC; the data was damaged "
                                               "(edited by hand, or converted as text)."};
                    cap_report(c, no, SEV_ERROR, "scc.data.invalid", &ev,
                               "\"%s\" is not an SCC data word.", o);
                }
                bad_word = true;
                continue;
            }
            words++;
            unsigned v =
                (unsigned)strtoul((char[5]){s[w], s[w + 1], s[w + 2], s[w + 3], 0}, NULL, 16);
            if ((!odd_parity(v >> 8) || !odd_parity(v)) && v != 0x8080 && parity_reports++ < 3) {
                char o[16];
                snprintf(o, sizeof o, "%04x", v);
                struct cap_ev ev = {.observed = o,
                                    .expected = "bytes with odd parity (CEA-608)",
                                    .clause = CLAUSE,
                                    .fix = "Re-export the SCC; decoders drop bytes whose parity "
                                           "is wrong, losing characters."};
                cap_report(c, no, SEV_WARNING, "scc.data.parity", &ev,
                           "The word %s has a byte with even parity; decoders will drop it.", o);
            }
        }
        if (words == 0 && !bad_word) {
            struct cap_ev ev = {.observed = obs,
                                .expected = "caption data after the timecode",
                                .clause = CLAUSE,
                                .fix = "Remove the empty line or restore its data."};
            cap_report(c, no, SEV_WARNING, "scc.data.empty", &ev,
                       "The timecode is followed by no caption data.");
        }
        cap_cue(c, no, t, t + 1.0 / fps, CLAUSE);
    }
    if (first) {
        struct cap_ev ev = {.observed = "an empty file",
                            .expected = "Scenarist_SCC V1.0 and timed caption lines",
                            .clause = CLAUSE,
                            .fix = "Deliver the captions again; the file is empty."};
        cap_report(c, 0, SEV_ERROR, "scc.header.missing", &ev, "The file is empty.");
        return;
    }
    cap_finish(c, "SCC");
}
