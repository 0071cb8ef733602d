/*
 * libFuzzer target for the MovieLabs metadata checks (check/manifest.c,
 * check/mec.c, check/mddf.c through the hardened reader check/xmlsafe.c):
 * any bytes as a Media Manifest and as a MEC file, with the CMR ratings
 * loaded when the shared data is there, and with a small delivery so the
 * package checks run too. The input goes through a memfd, so the checks read
 * it by path exactly as in production. Beyond "no crash, no leak": every
 * finding has a code, a message, a clause and a place.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check/check.h"
#include "check/ratings.h"

static struct ratings_db *db;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    struct buf err = {0};
    if (ratings_load("../shared/mddf/ratings/CMR_Ratings_v2.5.1.xml", &db, &err) != 0)
        db = NULL;
    buf_free(&err);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    int fd = memfd_create("fuzz-mddf", MFD_CLOEXEC);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len)
        abort();
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    static const struct check_delivered_file files[] = {
        {.name = "resources/feature.mov", .size = 10, .sha256 = "00"},
        {.name = "resources/mec.xml", .size = 5},
    };
    struct check_options o = {
        .ratings = db, .refs = CHECK_REFS_DELIVERY, .files = files, .n_files = 2};
    enum check_kind kinds[] = {CHECK_MANIFEST, CHECK_MEC};
    for (int k = 0; k < 2; k++) {
        struct findings fs = {0};
        if (check_file(path, "pkg/manifest.xml", kinds[k], &o, &fs, NULL) != CHECK_OK)
            abort();
        for (size_t i = 0; i < fs.n; i++) {
            const struct finding *f = &fs.items[i];
            if (!f->code || !f->message || !f->clause)
                abort();
        }
        if (fs.n_errors == 0 && len < 20)
            abort(); /* nothing that short is a valid manifest or MEC */
        findings_free(&fs);
    }
    close(fd);
    return 0;
}
