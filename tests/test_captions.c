/*
 * Unit tests of the caption parsers (src/check/captions_*.c), the delivery
 * profile (src/check/profile.c) and the kind detection of media, caption and
 * artwork files. The media and artwork checks themselves need real encoded
 * files: tests/api/validate_media.test.mjs makes them with ffmpeg.
 */
#include "t.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "check/captions.h"
#include "check/check.h"
#include "check/profile.h"

static const struct finding *find_code(const struct findings *fs, const char *code)
{
    for (size_t i = 0; i < fs->n; i++)
        if (!strcmp(fs->items[i].code, code))
            return &fs->items[i];
    return NULL;
}

static long line_of(const struct findings *fs, const char *code)
{
    const struct finding *f = find_code(fs, code);
    return f ? (long)f->line : -1;
}

static void dump(const struct findings *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        printf("    %lld %s: %s\n", (long long)fs->items[i].line, fs->items[i].code,
               fs->items[i].message);
}

/* ---------------------------------------------------------------- */
/* SRT                                                              */
/* ---------------------------------------------------------------- */

TEST(srt_right_file_passes)
{
    const char *s = "\xEF\xBB\xBF"
                    "1\r\n00:00:01,000 --> 00:00:02,500 X1:10 X2:20 Y1:5 Y2:9\r\n<i>Hello</i>\r\n"
                    "<font color=\"#ffffff\">there</font>\r\n\r\n"
                    "2\r\n00:00:03,000 --> 00:00:04,000\r\n\xE2\x99\xAA music \xE2\x99\xAA\r\n";
    struct findings fs = {0};
    struct cap_ctx c = {.file = "a.srt", .out = &fs, .video_duration = 10};
    captions_srt_parse(&c, s, strlen(s));
    if (fs.n)
        dump(&fs);
    CHECK_INT_EQ(fs.n, 0);
    CHECK_INT_EQ(c.n_cues, 2);
    findings_free(&fs);
}

TEST(srt_errors_are_on_their_lines)
{
    const char *s = "1\n"                                         /* 1 */
                    "00:00:01,000 --> 00:00:02,500\n"             /* 2 */
                    "<i>Hello <b>there</i>\n"                     /* 3: </i> closes out of order */
                    "\n"                                          /* 4 */
                    "00:00:03,000 --> 00:00:04,000\n"             /* 5: no counter */
                    "text\n"                                      /* 6 */
                    "\n"                                          /* 7 */
                    "3\n"                                         /* 8 */
                    "00:00:05;000 --> 00:00:06,000\n"             /* 9: unreadable */
                    "x\n"                                         /* 10 */
                    "\n"                                          /* 11 */
                    "7\n"                                         /* 12: out of sequence */
                    "00:00:08,000 --> 00:00:07,000\n"             /* 13: backwards */
                    "<font color=red>y</font> \xF0\x9F\x98\x80\n" /* 14: quotes, emoji */
                    "\n"
                    "8\n"                             /* 16 */
                    "00:00:20,000 --> 00:00:21,000\n" /* 17: after the video */
                    "<u>late\n";                      /* 18: left open */
    struct findings fs = {0};
    struct cap_ctx c = {.file = "b.srt", .out = &fs, .video_duration = 10};
    captions_srt_parse(&c, s, strlen(s));
    cap_finish(&c, "SRT");
    CHECK_INT_EQ(line_of(&fs, "srt.counter.missing"), 5);
    CHECK_INT_EQ(line_of(&fs, "srt.timing.invalid"), 9);
    CHECK_INT_EQ(line_of(&fs, "srt.counter.sequence"), 12);
    CHECK_INT_EQ(line_of(&fs, "caption.cue.order"), 13);
    CHECK_INT_EQ(line_of(&fs, "srt.tags.font_quotes"), 14);
    CHECK_INT_EQ(line_of(&fs, "caption.text.unsupported_char"), 14);
    CHECK_INT_EQ(line_of(&fs, "caption.cue.after_end"), 17);
    int unbalanced = 0;
    for (size_t i = 0; i < fs.n; i++)
        if (!strcmp(fs.items[i].code, "srt.tags.unbalanced"))
            unbalanced += fs.items[i].line == 3 || fs.items[i].line == 18;
    CHECK(unbalanced >= 2);
    const struct finding *late = find_code(&fs, "caption.cue.after_end");
    CHECK(late && strstr(late->expected, "00:00:10.000") && late->fix);
    findings_free(&fs);
}

TEST(srt_refuses_non_utf8_and_empty_files)
{
    struct findings fs = {0};
    struct cap_ctx c = {.file = "c.srt", .out = &fs};
    const char *latin1 = "1\n00:00:01,000 --> 00:00:02,000\ncaf\xE9\n";
    captions_srt_parse(&c, latin1, strlen(latin1));
    const struct finding *f = find_code(&fs, "caption.encoding.invalid");
    CHECK(f && f->line == 3 && strstr(f->observed, "0xE9"));
    findings_free(&fs);
    /* overlong encodings and surrogates are not UTF-8 either */
    struct cap_ctx c2 = {.file = "d.srt", .out = &fs};
    captions_srt_parse(&c2, "\xC0\xAF", 2);
    CHECK(find_code(&fs, "caption.encoding.invalid") != NULL);
    findings_free(&fs);
    struct cap_ctx c3 = {.file = "e.srt", .out = &fs};
    captions_srt_parse(&c3, "\n\n", 2);
    CHECK(find_code(&fs, "caption.file.empty") != NULL);
    findings_free(&fs);
}

/* ---------------------------------------------------------------- */
/* SCC                                                              */
/* ---------------------------------------------------------------- */

TEST(scc_right_file_passes_and_times_frames)
{
    const char *s = "Scenarist_SCC V1.0\n\n"
                    "00:00:01:15\t9420 9420 94ae 94ae 9452 9452 c8e9 942f 942f\n\n"
                    "00:00:03;02\t942c 942c\n";
    struct findings fs = {0};
    struct cap_ctx c = {.file = "a.scc", .out = &fs, .video_duration = 3.2};
    captions_scc_parse(&c, s, strlen(s));
    if (fs.n)
        dump(&fs);
    CHECK_INT_EQ(fs.n, 0);
    CHECK_INT_EQ(c.n_cues, 2);
    /* 00:00:03;02 at 29.97 drop-frame is frame 92: 3.069 s */
    CHECK(c.last_end > 3.06 && c.last_end < 3.11);
    findings_free(&fs);
}

TEST(scc_errors_are_on_their_lines)
{
    const char *s = "Scenarist SCC\n" /* 1: wrong header */
                    "\n"
                    "00:00:01:31\t9420\n"      /* 3: frame 31 */
                    "00:01:00;00\t9420\n"      /* 4: dropped frame number */
                    "00:00:02:00\t94zz 9420\n" /* 5: bad word */
                    "00:00:01:00\t9420\n"      /* 6: earlier than line 5 */
                    "00:00:04:00\t1234\n"      /* 7: parity */
                    "00:00:12:00\t942c\n";     /* 8: after the video */
    struct findings fs = {0};
    struct cap_ctx c = {.file = "b.scc", .out = &fs, .video_duration = 10};
    captions_scc_parse(&c, s, strlen(s));
    CHECK_INT_EQ(line_of(&fs, "scc.header.missing"), 1);
    CHECK_INT_EQ(line_of(&fs, "scc.timecode.invalid"), 3);
    int tc4 = 0;
    for (size_t i = 0; i < fs.n; i++)
        tc4 += !strcmp(fs.items[i].code, "scc.timecode.invalid") && fs.items[i].line == 4;
    CHECK_INT_EQ(tc4, 1);
    CHECK_INT_EQ(line_of(&fs, "scc.data.invalid"), 5);
    CHECK_INT_EQ(line_of(&fs, "scc.timecode.order"), 6);
    CHECK_INT_EQ(line_of(&fs, "scc.data.parity"), 7);
    CHECK_INT_EQ(line_of(&fs, "caption.cue.after_end"), 8);
    findings_free(&fs);
    /* drop-frame timecode on 25 fps video */
    const char *df = "Scenarist_SCC V1.0\n\n00:00:01;10\t942c\n";
    struct cap_ctx c2 = {.file = "c.scc", .out = &fs, .fps = 25};
    captions_scc_parse(&c2, df, strlen(df));
    CHECK_INT_EQ(line_of(&fs, "scc.timecode.drop_frame"), 3);
    findings_free(&fs);
}

/* ---------------------------------------------------------------- */
/* TTML                                                             */
/* ---------------------------------------------------------------- */

TEST(ttml_times_in_every_form)
{
    const char *s =
        "<?xml version=\"1.0\"?>\n"
        "<tt xmlns=\"http://www.w3.org/ns/ttml\" xmlns:ttp=\"http://www.w3.org/ns/ttml#parameter\" "
        "xml:lang=\"en\" ttp:frameRate=\"24\" ttp:frameRateMultiplier=\"1000 1001\" "
        "ttp:tickRate=\"10000000\">\n"
        "<body><div begin=\"10s\">\n"
        "<p begin=\"00:00:01.000\" end=\"00:00:02.500\">a</p>\n" /* 11-12.5 s */
        "<p begin=\"00:00:03:12\" dur=\"1s\">b</p>\n"            /* frames */
        "<p begin=\"5s\" end=\"6500ms\">c</p>\n"
        "<p begin=\"70000000t\" end=\"0.005h\">d</p>\n" /* ticks, hours */
        "<p begin=\"24f\" end=\"1m\">e</p>\n"
        "</div></body>\n</tt>\n";
    struct findings fs = {0};
    struct cap_ctx c = {.file = "a.ttml", .out = &fs, .video_duration = 400};
    captions_ttml_parse(&c, s, strlen(s));
    if (fs.n)
        dump(&fs);
    CHECK_INT_EQ(fs.n, 0);
    CHECK_INT_EQ(c.n_cues, 5);
    CHECK(c.last_end > 69.9 && c.last_end < 70.1); /* 10 s + 1 min */
    findings_free(&fs);
}

TEST(ttml_errors_are_on_their_lines)
{
    const char *s = "<?xml version=\"1.0\"?>\n"
                    "<tt xmlns=\"http://www.w3.org/ns/ttml\">\n" /* 2: no xml:lang */
                    "<body><div>\n"
                    "<p begin=\"00:00:02.000\" end=\"00:00:01.000\">x</p>\n" /* 4 */
                    "<p begin=\"00:00:01:30\" end=\"2s\">x</p>\n"            /* 5: frame 30 at 30 */
                    "<p begin=\"1 s\" end=\"two\">x</p>\n"                   /* 6 */
                    "<p begin=\"1s\">forever</p>\n"                          /* 7 */
                    "<p begin=\"30s\" end=\"31s\">late</p>\n"                /* 8 */
                    "</div></body>\n</tt>\n";
    struct findings fs = {0};
    struct cap_ctx c = {.file = "b.ttml", .out = &fs, .video_duration = 20};
    captions_ttml_parse(&c, s, strlen(s));
    CHECK_INT_EQ(line_of(&fs, "ttml.lang.missing"), 2);
    CHECK_INT_EQ(line_of(&fs, "caption.cue.order"), 4);
    CHECK_INT_EQ(line_of(&fs, "ttml.time.invalid"), 5);
    CHECK_INT_EQ(line_of(&fs, "ttml.time.missing"), 7);
    CHECK_INT_EQ(line_of(&fs, "caption.cue.after_end"), 8);
    int at6 = 0;
    for (size_t i = 0; i < fs.n; i++)
        at6 += !strcmp(fs.items[i].code, "ttml.time.invalid") && fs.items[i].line == 6;
    CHECK_INT_EQ(at6, 2);
    findings_free(&fs);
    /* not TTML, and not XML: each says so, the second through the hardened reader */
    struct cap_ctx c2 = {.file = "c.ttml", .out = &fs};
    captions_ttml_parse(&c2, "<html/>", 7);
    CHECK(find_code(&fs, "ttml.root.invalid") != NULL);
    findings_free(&fs);
    struct cap_ctx c3 = {.file = "d.ttml", .out = &fs};
    const char *bomb = "<!DOCTYPE tt [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><tt>&b;</tt>";
    captions_ttml_parse(&c3, bomb, strlen(bomb));
    CHECK(find_code(&fs, "xml.entities") != NULL);
    findings_free(&fs);
}

/* ---------------------------------------------------------------- */
/* through check_file: detection and the approval                   */
/* ---------------------------------------------------------------- */

static char *write_tmp(const char *name, const char *s)
{
    char *path = xasprintf("/tmp/vg-cap-%d-%s", (int)getpid(), name);
    FILE *f = fopen(path, "wb");
    fputs(s, f);
    fclose(f);
    return path;
}

TEST(caption_format_against_approval_and_profile)
{
    char *srt = write_tmp("x.srt", "1\n00:00:01,000 --> 00:00:02,000\nhi\n");
    char *scc = write_tmp("noext", "Scenarist_SCC V1.0\n\n00:00:01:00\t942c\n");
    enum check_kind k;
    CHECK_INT_EQ(check_kind_detect(scc, &k), CHECK_OK);
    CHECK_INT_EQ(k, CHECK_CAPTIONS);
    struct findings fs = {0};
    const char *approved[] = {"HD", "SCC"};
    struct check_options o = {.approved_formats = approved, .n_approved_formats = 2};
    CHECK_INT_EQ(check_file(srt, "x.srt", CHECK_AUTO, &o, &fs, NULL), CHECK_OK);
    const struct finding *f = find_code(&fs, "caption.format.not_approved");
    CHECK(f && !strcmp(f->observed, "SRT") && !strcmp(f->expected, "SCC"));
    findings_free(&fs);
    /* before approval the profile decides: SRT is in it */
    CHECK_INT_EQ(check_file(srt, "x.srt", CHECK_AUTO, NULL, &fs, NULL), CHECK_OK);
    CHECK(findings_pass(&fs));
    findings_free(&fs);
    CHECK_INT_EQ(check_file(scc, "captions", CHECK_CAPTIONS, &o, &fs, NULL), CHECK_OK);
    CHECK(findings_pass(&fs));
    findings_free(&fs);
    struct buf why = {0};
    CHECK_INT_EQ(check_file("/nonexistent.srt", NULL, CHECK_AUTO, NULL, &fs, &why), CHECK_ERR_IO);
    buf_free(&why);
    remove(srt);
    remove(scc);
    free(srt);
    free(scc);
}

/* ---------------------------------------------------------------- */
/* the delivery profile                                             */
/* ---------------------------------------------------------------- */

TEST(builtin_profile_is_the_data_file)
{
    struct delivery_profile *file = NULL;
    struct buf err = {0};
    CHECK_INT_EQ(profile_load("data/delivery_profile.json", &file, &err), 0);
    const struct delivery_profile *def = profile_default();
    /* the file is applied over the default: equal means the default is the file */
    CHECK(file && memcmp(file, def, sizeof *def) == 0);
    CHECK(profile_list_has(&def->media.frame_rates, "23.976"));
    CHECK(def->media.constant_frame_rate);
    CHECK(def->media.max_av_duration_difference == 2.0);
    CHECK_INT_EQ(def->media.n_sample_rates, 1);
    const struct profile_purpose *cover = profile_purpose_find(def, "COVER");
    CHECK(cover && cover->min_width == 1920 && fabs(cover->aspect - 16.0 / 9) < 1e-9);
    const struct profile_purpose *title = profile_purpose_find(def, "title");
    CHECK(title && title->alpha && title->max_bytes == 1048576);
    profile_free(file);
    buf_free(&err);
}

TEST(profile_overrides_and_errors)
{
    struct delivery_profile *p = NULL;
    struct buf err = {0};
    CHECK_INT_EQ(
        profile_parse("{\"media\": {\"frame_rates\": [\"25\"], \"pillarbox\": \"off\"}}", &p, &err),
        0);
    CHECK(p && p->media.frame_rates.n == 1 && p->media.pillarbox == PROFILE_OFF);
    CHECK(p && p->media.constant_frame_rate); /* what the file leaves out keeps the default */
    profile_free(p);
    const char *bad[][2] = {
        {"[1]", "JSON object"},
        {"{\"media\": {\"frame_rates\": \"25\"}}", "media.frame_rates must be a list"},
        {"{\"media\": {\"display_aspect_ratios\": [\"wide\"]}}", "is not a ratio"},
        {"{\"media\": {\"pillarbox\": \"sometimes\"}}", "media.pillarbox"},
        {"{\"artwork\": {\"purposes\": {\"cover\": {\"aspect\": \"x:y\"}}}}",
         "artwork.purposes.cover.aspect"},
        {"{\"media\": {\"aspect_tolerance\": 7}}", "from 0 to 0.5"},
        {"{oops", "not valid JSON"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        buf_reset(&err);
        CHECK_INT_EQ(profile_parse(bad[i][0], &p, &err), -1);
        if (!strstr(buf_str(&err), bad[i][1]))
            printf("  %s -> %s\n", bad[i][0], buf_str(&err));
        CHECK(strstr(buf_str(&err), bad[i][1]) != NULL);
        CHECK(p == NULL);
    }
    CHECK(fabs(profile_ratio("16:9") - 16.0 / 9) < 1e-12);
    CHECK(profile_ratio("2.39") == 2.39);
    CHECK(profile_ratio("4:0") == 0 && profile_ratio("") == 0 && profile_ratio("9:") == 0);
    buf_free(&err);
}

T_MAIN
