/*
 * What the three caption parsers (captions_srt.c, captions_scc.c,
 * captions_ttml.c) share: a context that collects findings with the
 * caption file's line numbers, and the cue bookkeeping that checks each
 * cue's timing (end after start, inside the video's duration when the
 * package gives it). captions.c picks the parser (by extension, then by
 * content) and checks the format against the partner's approval or the
 * delivery profile.
 *
 * The parsers work on a buffer in memory (the fuzz targets call them
 * directly) and never stop at the first problem: every line gets its
 * finding, up to the findings' own cap.
 */
#ifndef VG_CAPTIONS_H
#define VG_CAPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "check/check.h"

struct cap_ctx {
    const char *file;
    struct findings *out;
    double video_duration; /* seconds, 0: unknown */
    double fps;            /* SCC: the video's frame rate; 0: 29.97 */
    /* cue bookkeeping, for the findings about the whole file */
    size_t n_cues;
    double last_end;
    long last_end_line;
    size_t n_after_end; /* cues reported past the video's end */
};

struct cap_ev {
    const char *observed, *expected, *clause, *fix;
};

/* Appends a finding at line (0: the whole file). */
void cap_report(struct cap_ctx *c, long line, enum severity sev, const char *code,
                const struct cap_ev *ev, const char *fmt, ...) VG_PRINTF(6, 7);

/*
 * Records a cue from start to end (seconds) defined at line: checks the end
 * is after the start and, when the video's duration is known, that the cue
 * ends within it (caption.cue.after_end, at most a few findings then a
 * count). clause names the format's rule for the message.
 */
void cap_cue(struct cap_ctx *c, long line, double start, double end, const char *clause);

/* Closes the file's checks: no cues at all is an error. */
void cap_finish(struct cap_ctx *c, const char *format);

/* Writes seconds as "HH:MM:SS.mmm" into out (at least 16 bytes). */
void cap_time(double s, char *out, size_t cap);

/*
 * Checks data[0..len) is UTF-8 (a BOM is allowed): reports the first bad
 * line (caption.encoding.invalid) and returns false when it is not.
 */
bool cap_utf8(struct cap_ctx *c, const char *data, size_t len, const char *format);

/* The parsers: each appends findings for data[0..len). */
void captions_srt_parse(struct cap_ctx *c, const char *data, size_t len);
void captions_scc_parse(struct cap_ctx *c, const char *data, size_t len);
void captions_ttml_parse(struct cap_ctx *c, const char *data, size_t len);

#endif
