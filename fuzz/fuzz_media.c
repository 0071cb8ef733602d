/*
 * libFuzzer target for the media review (check/media.c, FFmpeg's
 * libavformat and libavcodec): any bytes as a media file. check_media
 * takes a path, so the input goes to a file on /dev/shm under a name whose
 * extension the first byte chooses (the review reads content, not names,
 * but findings quote the name); the second byte chooses the partner's
 * approved formats. media.c itself restricts FFmpeg to the file protocol
 * and its list of container demuxers, which is what is fuzzed here. Then
 * check_media_probe, the captions' probe of the same file. Beyond "no
 * crash, no leak": the review never refuses a readable file, and every
 * finding has a code, a message and a clause. Run with -max_len (scripts
 * give 10000): every input is decoded a few frames deep.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/check.h"
#include "check/finding.h"

#include "fuzz_file.h"

static const char *const exts[] = {".mov", ".mp4", ".mxf", ".ts", ".mkv", ".wav", ".avi", ""};
static char dir[64];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_shm_path(dir, sizeof dir, "fuzz_media", "");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    static const char *const approved_sets[][3] = {
        {NULL}, {"HD", NULL}, {"UHD", "5.1", NULL}, {"SD", "stereo", NULL}};
    if (len < 2)
        return 0;
    const char *ext = exts[data[0] % (sizeof exts / sizeof exts[0])];
    const char *const *approved = approved_sets[data[1] % 4];
    size_t n_approved = 0;
    while (approved[n_approved])
        n_approved++;
    char path[96];
    snprintf(path, sizeof path, "%s%s", dir, ext);
    fuzz_put_file(path, data + 2, len - 2);
    struct check_options opts = {0};
    opts.approved_formats = approved;
    opts.n_approved_formats = n_approved;
    struct findings fs = {0};
    struct buf why = {0};
    int rc = check_media(path, "programme", &opts, &fs, &why);
    fuzz_check(rc == CHECK_OK, "a readable file is reviewed");
    fuzz_check_findings(&fs);
    double duration, fps;
    if (check_media_probe(path, &duration, &fps) == 0)
        fuzz_check(duration >= 0 || duration != duration, "a probed duration is not negative");
    findings_free(&fs);
    buf_free(&why);
    unlink(path);
    return 0;
}
