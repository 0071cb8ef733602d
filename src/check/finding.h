/*
 * Findings: what a validator says about a delivered file. A finding is
 * evidence a partner can act on, never boilerplate (SPEC section 4): a
 * stable code, a severity, the place (file; sheet, row and column letter
 * with the header name; or XML line and element path; or media stream and
 * timecode), the value observed (and its normalised form for text), what
 * was expected, the clause of the standard or profile it comes from, a
 * message and how to fix it. Every code is documented in docs/findings.md.
 *
 * Validators append to a `struct findings`, which copies every string it is
 * given (callers may pass stack buffers). A result passes when it holds no
 * error. The JSON form is the one the API and `vodgate validate --json`
 * print; the same engine runs in both, so the findings are identical.
 */
#ifndef VG_FINDING_H
#define VG_FINDING_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/mem.h"

/* The version of the rule set: bump it whenever a check is added or changes. */
#define CHECK_RULESET_VERSION "2026.11.3"

enum severity { SEV_ERROR, SEV_WARNING };

struct finding {
    const char *code; /* stable, e.g. "avails.territory.unknown" */
    enum severity severity;
    const char *file; /* the file's name as delivered */
    /* the place: whichever applies (0 / NULL otherwise) */
    const char *sheet;    /* spreadsheet sheet name */
    int64_t row;          /* spreadsheet row (1-based, as Excel shows it) */
    const char *column;   /* column letter, "F" */
    const char *header;   /* the column's header name, "Territory" */
    int64_t line;         /* XML or text line (1-based) */
    const char *path;     /* XML element path, "/Manifest/Inventory/Video[2]/Encoding" */
    int stream;           /* media stream index, -1 when none */
    const char *timecode; /* media position, "00:01:02.500" */
    /* the evidence */
    const char *observed;   /* the value found, as found */
    const char *normalised; /* for text: after trimming etc.; NULL when the same */
    const char *expected;   /* what was expected, or the allowed range/values */
    const char *clause;     /* "EMA Avails 1.7.2, Territory column" */
    const char *message;    /* for people: what is wrong */
    const char *fix;        /* for people: what to do */
};

struct findings {
    struct finding *items;
    size_t n, cap;
    size_t n_errors, n_warnings;
    size_t max;     /* keep at most this many (0: 10,000); counts go on */
    size_t dropped; /* findings past max */
};

/* Appends a copy of f (every string copied). stream defaults to -1 when the caller zeroes f: set
 * it explicitly for media findings. */
void findings_add(struct findings *fs, const struct finding *f);
/* findings_add with the message formatted from fmt and ap (f->message is not read). */
void findings_vadd(struct findings *fs, const struct finding *f, const char *fmt, va_list ap)
    VG_PRINTF(3, 0);
void findings_free(struct findings *fs);
/* True when no finding is an error. */
bool findings_pass(const struct findings *fs);
/* The findings as a JSON array of objects (new reference); absent places are left out. */
json_t *findings_json(const struct findings *fs);
/* Writes the findings for people, one block per finding, into a malloc'd string. */
char *findings_text(const struct findings *fs);
/* Sorts by file, then place (row or line), then code, so output is stable. */
void findings_sort(struct findings *fs);

#endif
