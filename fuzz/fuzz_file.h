/*
 * What the targets of parsers that take a path share (fuzz_artwork,
 * fuzz_media, fuzz_ratings): the input is written to a file on /dev/shm
 * (memory, so no disk in the loop), invariants beyond "no crash" abort with
 * their sentence, and a reviewed file's findings are checked for the fields
 * every reporter prints. Header-only: each target is one translation unit.
 */
#ifndef VG_FUZZ_FILE_H
#define VG_FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check/finding.h"

/* An invariant of the target: aborts (a crash libFuzzer reports) with what broke. */
static inline void fuzz_check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "invariant broken: %s\n", what);
        abort();
    }
}

/* Sets path (cap bytes) to /dev/shm/NAME.PID + suffix: one file per fuzzing process. */
static inline void fuzz_shm_path(char *path, size_t cap, const char *name, const char *suffix)
{
    snprintf(path, cap, "/dev/shm/%s.%d%s", name, (int)getpid(), suffix);
}

/* Writes the len bytes at data to path, replacing it; aborts when it cannot. */
static inline void fuzz_put_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        abort();
}

/* Every finding of a reviewed file has a code, a message and a clause. */
static inline void fuzz_check_findings(const struct findings *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        fuzz_check(fs->items[i].code && fs->items[i].message && fs->items[i].clause,
                   "a finding has a code, a message and a clause");
}

#endif
