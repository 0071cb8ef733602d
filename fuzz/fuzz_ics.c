/*
 * libFuzzer target for the iCalendar holiday parser and the feed writer.
 *
 * Each input is parsed as an .ics file. Beyond "no crash, no leak, no hang"
 * (ASan, UBSan and libFuzzer's timeouts watch those), it checks invariants:
 * an accepted file yields sorted, unique days inside the years with one-line
 * UTF-8 names, and a feed written from those holidays parses back to the same
 * days and names; a refused file carries a message. The same bytes are also
 * used as the SUMMARY of a written feed, whose lines must stay within 75
 * octets and which must parse back. Build (see the fuzz README in the report):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_ics.c \
 *     src/core/ics.c src/core/zone.c src/core/calendar.c src/base/mem.c \
 *     src/base/buf.c src/base/timefmt.c $(pkg-config --cflags --libs libical) \
 *     -lpthread -o build/fuzz_ics
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "core/ics.h"
#include "core/zone.h"

#define FIRST_YEAR 2020
#define LAST_YEAR  2030

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "invariant broken: %s\n", what);
        abort();
    }
}

/* Writes a feed of the holidays and parses it back: same days, same names. */
static void round_trip(const struct ics_import *imp)
{
    struct ics_event *ev = xcalloc(imp->n_holidays + 1, sizeof(*ev));
    char **uids = xcalloc(imp->n_holidays + 1, sizeof(*uids));
    for (size_t i = 0; i < imp->n_holidays; i++) {
        uids[i] = xasprintf("h%zu@fuzz", i);
        ev[i].uid = uids[i];
        ev[i].start = imp->holidays[i].day * 86400 + 43200;
        ev[i].end = ev[i].start + 3600;
        ev[i].summary = imp->holidays[i].name;
    }
    struct buf feed = {0};
    ics_write_feed(&feed, "-//fuzz//EN", ev, imp->n_holidays, 0);
    struct ics_import back;
    struct ics_error err = {0};
    int rc = ics_parse_holidays(feed.data, feed.len, NULL, FIRST_YEAR, LAST_YEAR, &back, &err);
    check(rc == ICS_OK, "the written feed parses back");
    check(back.n_holidays == imp->n_holidays, "same number of days");
    for (size_t i = 0; i < back.n_holidays; i++) {
        check(back.holidays[i].day == imp->holidays[i].day, "same days");
        check(strcmp(back.holidays[i].name, imp->holidays[i].name) == 0, "same names");
    }
    ics_import_free(&back);
    ics_error_free(&err);
    buf_free(&feed);
    for (size_t i = 0; i < imp->n_holidays; i++)
        free(uids[i]);
    free(uids);
    free(ev);
}

/* The input as a SUMMARY: the feed folds within 75 octets and parses back. */
static void write_arbitrary(const uint8_t *data, size_t size)
{
    char *text = xstrndup((const char *)data, size > 4096 ? 4096 : size);
    struct ics_event ev = {text, 1796256000, 1796256000 + 60, text, text, text};
    struct buf feed = {0};
    ics_write_feed(&feed, text, &ev, 1, 1796169600);
    size_t col = 0;
    for (size_t i = 0; i < feed.len; i++) {
        if (feed.data[i] == '\r') {
            check(i + 1 < feed.len && feed.data[i + 1] == '\n', "CR is followed by LF");
            check(col <= 75, "lines are folded at 75 octets");
            col = 0;
            i++;
            continue;
        }
        check(feed.data[i] != '\n', "no bare LF");
        col++;
    }
    struct ics_import back;
    struct ics_error err = {0};
    int rc = ics_parse_holidays(feed.data, feed.len, NULL, FIRST_YEAR, LAST_YEAR, &back, &err);
    check(rc == ICS_OK, "a feed with any summary parses back");
    check(back.n_holidays == 1, "one event, one day");
    ics_import_free(&back);
    ics_error_free(&err);
    buf_free(&feed);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct zone *london;
    if (!london && zone_open("Europe/London", &london) != ZONE_OK)
        abort();

    struct ics_import imp;
    struct ics_error err = {0};
    int rc =
        ics_parse_holidays((const char *)data, size, london, FIRST_YEAR, LAST_YEAR, &imp, &err);
    if (rc == ICS_OK) {
        check(err.text.len == 0, "no message on success");
        for (size_t i = 0; i < imp.n_holidays; i++) {
            check(i == 0 || imp.holidays[i - 1].day < imp.holidays[i].day, "sorted, unique");
            check(imp.holidays[i].name != NULL, "names are never NULL");
            check(strlen(imp.holidays[i].name) <= ICS_MAX_NAME, "names are capped");
            check(strchr(imp.holidays[i].name, '\n') == NULL, "names are one line");
        }
        round_trip(&imp);
    } else {
        check(rc < 0 && err.text.len > 0, "a refusal carries a message");
        check(imp.n_holidays == 0 && imp.holidays == NULL, "a refusal returns nothing");
    }
    ics_import_free(&imp);
    ics_error_free(&err);
    write_arbitrary(data, size);
    return 0;
}
