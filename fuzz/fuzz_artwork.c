/*
 * libFuzzer target for the artwork checks (check/artwork.c, FFmpeg's image
 * demuxers): any bytes as an image. check_artwork takes a path, so the
 * input goes to a file on /dev/shm; the first byte chooses the name the
 * partner gave it, which tells the image's purpose (boxart, poster, title
 * art, unknown) and its expected format, so the size and aspect rules run
 * too. Then artwork_size, the manifest's question on the same file.
 * Beyond "no crash, no leak": a readable file is always reviewed, every
 * finding has a code, a message and a clause, and a size read is positive.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/check.h"
#include "check/finding.h"

#include "fuzz_file.h"

static const char *const names[] = {"Title_boxart_en.jpg", "key_art_cover.png",
                                    "Show_S01_boxart_season.jpg", "poster.jpeg",
                                    "title_en.png", "image.gif", "banner", "x.JPG"};
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_shm_path(path, sizeof path, "fuzz_artwork", "");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len < 1)
        return 0;
    const char *name = names[data[0] % (sizeof names / sizeof names[0])];
    fuzz_put_file(path, data + 1, len - 1);
    struct findings fs = {0};
    struct buf why = {0};
    int rc = check_artwork(path, name, NULL, &fs, &why);
    fuzz_check(rc == CHECK_OK, "a readable file is reviewed");
    fuzz_check_findings(&fs);
    int w = 0, h = 0;
    if (artwork_size(path, &w, &h) == 0)
        fuzz_check(w > 0 && h > 0, "a size read is positive");
    findings_free(&fs);
    buf_free(&why);
    return 0;
}
