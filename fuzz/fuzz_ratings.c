/*
 * libFuzzer target for the CMR ratings database reader (check/ratings.c):
 * any bytes as the ratings file (the reader takes a path, so the input goes
 * to a file on /dev/shm), then every question of ratings.h asked with
 * names taken from the document's own text nodes, so that the systems,
 * countries, values and reasons it defines are found. Beyond "no crash, no
 * leak": a load refused has a message and no database; a loaded one has at
 * least one system; a value or reason found belongs to a known system; a
 * system used in a country is a known one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "check/ratings.h"

#include "fuzz_file.h"

#define MAX_WORDS 12

static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_shm_path(path, sizeof path, "fuzz_ratings", ".xml");
    return 0;
}

/* Up to MAX_WORDS short text nodes and attribute values of data ("MPAA", "US", "PG-13"). */
static size_t words(const uint8_t *data, size_t len, char w[MAX_WORDS][33])
{
    size_t n = 0;
    for (size_t i = 0; i < len && n < MAX_WORDS; i++) {
        char open = (char)data[i];
        char close = open == '>' ? '<' : open == '"' ? '"' : 0;
        if (!close)
            continue;
        size_t j = i + 1;
        while (j < len && data[j] != close && j - i <= 32 && data[j] != '\n')
            j++;
        if (j < len && data[j] == close && j > i + 1 && j - i <= 32) {
            memcpy(w[n], data + i + 1, j - i - 1);
            w[n][j - i - 1] = '\0';
            if (!strchr(w[n], '<') && !strchr(w[n], '='))
                n++;
            i = j - 1;
        }
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    fuzz_put_file(path, data, len);
    struct ratings_db *db = (struct ratings_db *)1;
    struct buf err = {0};
    if (ratings_load(path, &db, &err) != 0) {
        fuzz_check(db == NULL, "a refused file gives no database");
        fuzz_check(err.len > 0, "a refused file has a message");
        buf_free(&err);
        return 0;
    }
    fuzz_check(db && ratings_count(db) > 0, "a loaded database has systems");
    char w[MAX_WORDS][33];
    size_t n = words(data, len, w);
    struct buf b = {0};
    for (size_t i = 0; i < n; i++) {
        const char *sys = w[i];
        bool known = ratings_has_system(db, sys);
        for (size_t j = 0; j < n; j++) {
            bool dep = false;
            if (ratings_has_value(db, sys, w[j], w[(j + 1) % n], &dep) ||
                ratings_has_value(db, sys, NULL, w[j], &dep))
                fuzz_check(known, "a value belongs to a known system");
            fuzz_check(!dep || known, "only a known value is deprecated");
            if (ratings_has_reason(db, sys, w[j], w[(j + 1) % n]) ||
                ratings_defines_reasons(db, sys, w[j]))
                fuzz_check(known, "a reason belongs to a known system");
            if (ratings_used_in(db, sys, w[j], NULL) || ratings_used_in(db, sys, w[j], w[j]))
                fuzz_check(known, "a system in use is a known one");
            ratings_describe(db, sys, w[j], false, j, &b);
            ratings_describe(db, sys, w[j], true, 3, &b);
            buf_reset(&b);
        }
        ratings_describe(db, sys, NULL, false, 100, &b);
        ratings_describe_regions(db, sys, &b);
        buf_reset(&b);
    }
    buf_free(&b);
    ratings_free(db);
    return 0;
}
