/*
 * SubRip (.srt) captions, line by line.
 *
 * A file is blocks separated by blank lines; a block is a counter (1, 2,
 * ...), a timing line "00:01:02,500 --> 00:01:04,000" (optionally followed
 * by position coordinates) and one or more lines of text, which may use
 * <i>, <b>, <u> and <font color="..."> tags. The errors partners meet on
 * VOD portals are exactly these: a missing counter or timing line, times
 * that do not parse or run backwards, tags left open, unquoted font
 * attributes, and characters (emoji) players cannot show; each becomes a
 * finding on its line. The parser never stops early: after a bad block it
 * resynchronises at the next blank line.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "check/captions.h"

#define CLAUSE   "SubRip (SRT) timed text, as VOD timed-text specifications require it"
#define MAX_TAGS 16

struct line {
    const char *s;
    size_t len;
    long no;
};

/* Splits off the next line (without its CR LF); false at the end. */
static bool next_line(const char **p, const char *end, struct line *l, long *no)
{
    if (*p >= end)
        return false;
    const char *e = memchr(*p, '\n', (size_t)(end - *p));
    const char *stop = e ? e : end;
    l->s = *p;
    l->len = (size_t)(stop - *p);
    if (l->len && l->s[l->len - 1] == '\r')
        l->len--;
    l->no = ++*no;
    *p = e ? e + 1 : end;
    return true;
}

static bool blank(const struct line *l)
{
    for (size_t i = 0; i < l->len; i++)
        if (!isspace((unsigned char)l->s[i]))
            return false;
    return true;
}

/* A copy of the line for a finding's "observed" (at most 120 bytes). */
static void show(const struct line *l, char *out, size_t cap)
{
    size_t n = l->len < cap - 1 ? l->len : cap - 1;
    if (n > 120)
        n = 120;
    memcpy(out, l->s, n);
    out[n] = '\0';
}

static bool counter(const struct line *l, long *v)
{
    size_t a = 0, b = l->len;
    while (a < b && isspace((unsigned char)l->s[a]))
        a++;
    while (b > a && isspace((unsigned char)l->s[b - 1]))
        b--;
    if (a == b || b - a > 9)
        return false;
    long n = 0;
    for (size_t i = a; i < b; i++) {
        if (!isdigit((unsigned char)l->s[i]))
            return false;
        n = n * 10 + (l->s[i] - '0');
    }
    *v = n;
    return true;
}

/* Reads "H+:MM:SS,mmm" at *p; sets *dot when '.' separates the milliseconds. */
static bool srt_time(const char **p, const char *end, double *out, bool *dot)
{
    const char *s = *p;
    long h = 0, m, sec, ms;
    int nd = 0;
    while (s < end && isdigit((unsigned char)*s) && nd < 3) {
        h = h * 10 + (*s++ - '0');
        nd++;
    }
    if (!nd || s + 9 > end || *s != ':' || !isdigit((unsigned char)s[1]) ||
        !isdigit((unsigned char)s[2]) || s[3] != ':' || !isdigit((unsigned char)s[4]) ||
        !isdigit((unsigned char)s[5]) || (s[6] != ',' && s[6] != '.'))
        return false;
    m = (s[1] - '0') * 10 + (s[2] - '0');
    sec = (s[4] - '0') * 10 + (s[5] - '0');
    if (s[6] == '.')
        *dot = true;
    s += 7;
    ms = 0;
    nd = 0;
    while (s < end && isdigit((unsigned char)*s) && nd < 3) {
        ms = ms * 10 + (*s++ - '0');
        nd++;
    }
    if (nd != 3 || m > 59 || sec > 59)
        return false;
    *out = h * 3600.0 + m * 60.0 + sec + ms / 1000.0;
    *p = s;
    return true;
}

static bool timing(const struct line *l, double *start, double *end, bool *dot)
{
    const char *p = l->s, *e = l->s + l->len;
    while (p < e && isspace((unsigned char)*p))
        p++;
    if (!srt_time(&p, e, start, dot))
        return false;
    while (p < e && *p == ' ')
        p++;
    if (e - p < 3 || memcmp(p, "-->", 3) != 0)
        return false;
    p += 3;
    while (p < e && *p == ' ')
        p++;
    if (!srt_time(&p, e, end, dot))
        return false;
    /* the rest may be position coordinates (X1:... Y2:...) */
    return p == e || isspace((unsigned char)*p);
}

static bool looks_like_timing(const struct line *l)
{
    return l->len >= 10 && memmem(l->s, l->len, "-->", 3) != NULL;
}

struct tags {
    char name[MAX_TAGS][8];
    long line[MAX_TAGS];
    int n;
};

static void tag_error(struct cap_ctx *c, long line, const char *obs, const char *fmt, ...)
    VG_PRINTF(4, 5);

static void tag_error(struct cap_ctx *c, long line, const char *obs, const char *fmt, ...)
{
    struct buf msg = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    struct cap_ev ev = {.observed = obs,
                        .expected = "every <i>, <b>, <u> and <font> closed in the same cue, "
                                    "innermost first",
                        .clause = CLAUSE,
                        .fix = "Close each tag before the cue ends (<i>text</i>); unbalanced "
                               "tags are rejected by players and portals."};
    cap_report(c, line, SEV_ERROR, "srt.tags.unbalanced", &ev, "%s", buf_str(&msg));
    buf_free(&msg);
}

/* Checks tags and characters of one text line. */
static void text_line(struct cap_ctx *c, const struct line *l, struct tags *t)
{
    char obs[128];
    show(l, obs, sizeof obs);
    const unsigned char *s = (const unsigned char *)l->s;
    for (size_t i = 0; i < l->len; i++) {
        if (s[i] == '<') {
            size_t j = i + 1;
            bool close = j < l->len && s[j] == '/';
            if (close)
                j++;
            char name[8];
            size_t k = 0;
            while (j < l->len && isalpha(s[j]) && k < sizeof name - 1)
                name[k++] = (char)tolower(s[j++]);
            name[k] = '\0';
            if (strcmp(name, "i") && strcmp(name, "b") && strcmp(name, "u") && strcmp(name, "font"))
                continue; /* not a tag SRT knows: plain text */
            const unsigned char *gt = memchr(s + j, '>', l->len - j);
            if (!gt) {
                tag_error(c, l->no, obs, "The <%s> tag is not closed with '>'.", name);
                return;
            }
            if (!close && !strcmp(name, "font")) {
                const char *attrs = (const char *)s + j;
                size_t alen = (size_t)((const char *)gt - attrs);
                const char *eq = memchr(attrs, '=', alen);
                if (eq && eq + 1 < (const char *)gt && eq[1] != '"' && eq[1] != '\'') {
                    struct cap_ev ev = {.observed = obs,
                                        .expected = "quoted attribute values: <font "
                                                    "color=\"#ffffff\">",
                                        .clause = CLAUSE,
                                        .fix = "Put the font attribute's value in double quotes."};
                    cap_report(c, l->no, SEV_WARNING, "srt.tags.font_quotes", &ev,
                               "A <font> attribute value is not in quotes.");
                }
            }
            if (!close) {
                if (t->n < MAX_TAGS) {
                    snprintf(t->name[t->n], sizeof t->name[0], "%s", name);
                    t->line[t->n++] = l->no;
                }
            } else if (t->n == 0 || strcmp(t->name[t->n - 1], name) != 0) {
                if (t->n)
                    tag_error(c, l->no, obs,
                              "</%s> closes a tag that is not the innermost open one.", name);
                else
                    tag_error(c, l->no, obs, "</%s> closes a tag that was never opened.", name);
                if (t->n)
                    t->n--;
            } else {
                t->n--;
            }
            i = (size_t)(gt - s);
        } else if (s[i] >= 0xF0 && i + 3 < l->len) {
            uint32_t cp = (uint32_t)(s[i] & 0x07) << 18 | (uint32_t)(s[i + 1] & 0x3F) << 12 |
                          (uint32_t)(s[i + 2] & 0x3F) << 6 | (s[i + 3] & 0x3F);
            if (cp >= 0x1F000) {
                char o[32];
                snprintf(o, sizeof o, "U+%04X", cp);
                struct cap_ev ev = {.observed = o,
                                    .expected = "text that players can show (no emoji or "
                                                "pictographs)",
                                    .clause = CLAUSE,
                                    .fix = "Replace the symbol with words, e.g. [laughs]."};
                cap_report(c, l->no, SEV_WARNING, "caption.text.unsupported_char", &ev,
                           "The character %s (an emoji or pictograph) is not shown by many "
                           "players.",
                           o);
            }
            i += 3;
        }
    }
}

void captions_srt_parse(struct cap_ctx *c, const char *data, size_t len)
{
    if (!cap_utf8(c, data, len, "SRT"))
        return;
    const char *p = data, *end = data + len;
    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        p += 3;
    long no = 0, expect = 1;
    double prev_end = -1;
    bool warned_dot = false;
    struct line l;
    for (;;) {
        /* skip blank lines to the block's first line */
        bool got;
        while ((got = next_line(&p, end, &l, &no)) && blank(&l))
            ;
        if (!got)
            break;
        long num = 0;
        long block_line = l.no;
        bool has_counter = counter(&l, &num);
        if (has_counter) {
            if (num != expect) {
                char obs[32], exp[32];
                snprintf(obs, sizeof obs, "%ld", num);
                snprintf(exp, sizeof exp, "%ld", expect);
                struct cap_ev ev = {.observed = obs,
                                    .expected = exp,
                                    .clause = CLAUSE,
                                    .fix = "Number the cues 1, 2, 3 ... in order (most editors "
                                           "renumber on save)."};
                cap_report(c, l.no, SEV_WARNING, "srt.counter.sequence", &ev,
                           "Cue number %ld follows cue %ld.", num, expect - 1);
            }
            expect = num + 1;
            if (!next_line(&p, end, &l, &no) || blank(&l)) {
                struct cap_ev ev = {.observed = "nothing after the cue number",
                                    .expected = "a timing line: 00:01:02,500 --> 00:01:04,000",
                                    .clause = CLAUSE,
                                    .fix = "Give the cue its timing line right after its number."};
                cap_report(c, block_line, SEV_ERROR, "srt.timing.missing", &ev,
                           "Cue %ld has no timing line.", num);
                continue;
            }
        } else if (looks_like_timing(&l)) {
            char obs[128];
            show(&l, obs, sizeof obs);
            struct cap_ev ev = {.observed = obs,
                                .expected = "the cue's number on the line before its timing",
                                .clause = CLAUSE,
                                .fix = "Add the cue number (1, 2, 3 ...) on its own line above "
                                       "each timing line."};
            cap_report(c, l.no, SEV_ERROR, "srt.counter.missing", &ev,
                       "This cue has no number before its timing line.");
            expect++;
        } else {
            char obs[128];
            show(&l, obs, sizeof obs);
            struct cap_ev ev = {.observed = obs,
                                .expected = "a cue number, then a timing line",
                                .clause = CLAUSE,
                                .fix = "Each cue is a number, a timing line, text, and a blank "
                                       "line; a missing blank line between cues gives this."};
            cap_report(c, l.no, SEV_ERROR, "srt.block.invalid", &ev, "Expected a cue number here.");
            while (next_line(&p, end, &l, &no) && !blank(&l))
                ;
            continue;
        }
        double start = 0, stop = 0;
        bool dot = false;
        long timing_line = l.no;
        if (!timing(&l, &start, &stop, &dot)) {
            char obs[128];
            show(&l, obs, sizeof obs);
            struct cap_ev ev = {.observed = obs,
                                .expected = "HH:MM:SS,mmm --> HH:MM:SS,mmm",
                                .clause = CLAUSE,
                                .fix = "Write the times as 00:01:02,500 --> 00:01:04,000 (two "
                                       "digits each, three for milliseconds, comma)."};
            cap_report(c, l.no, SEV_ERROR, "srt.timing.invalid", &ev,
                       "The timing line cannot be read.");
            while (next_line(&p, end, &l, &no) && !blank(&l))
                ;
            continue;
        }
        if (dot && !warned_dot) {
            warned_dot = true;
            char obs[128];
            show(&l, obs, sizeof obs);
            struct cap_ev ev = {.observed = obs,
                                .expected = "a comma before the milliseconds (00:01:02,500)",
                                .clause = CLAUSE,
                                .fix = "Use commas: the dot is WebVTT's notation."};
            cap_report(c, l.no, SEV_WARNING, "srt.timing.separator", &ev,
                       "Milliseconds are separated by a dot; SRT uses a comma (read anyway).");
        }
        if (prev_end >= 0 && start < prev_end - 0.0005) {
            char obs[96], ps[32];
            cap_time(prev_end, ps, sizeof ps);
            char ts[32];
            cap_time(start, ts, sizeof ts);
            snprintf(obs, sizeof obs, "starts %s, previous ends %s", ts, ps);
            struct cap_ev ev = {.observed = obs,
                                .expected = "each cue starting after the previous one ends",
                                .clause = CLAUSE,
                                .fix = "Shorten the previous cue or start this one later; "
                                       "overlapping cues are shown out of order by some players."};
            cap_report(c, l.no, SEV_WARNING, "srt.timing.overlap", &ev,
                       "This cue starts before the previous one ends.");
        }
        prev_end = stop > prev_end ? stop : prev_end;
        cap_cue(c, timing_line, start, stop, CLAUSE);
        struct tags t = {0};
        int n_text = 0;
        long last_text = timing_line;
        while (next_line(&p, end, &l, &no) && !blank(&l)) {
            n_text++;
            last_text = l.no;
            text_line(c, &l, &t);
        }
        if (n_text == 0) {
            struct cap_ev ev = {.observed = "no text",
                                .expected = "one or more lines of text",
                                .clause = CLAUSE,
                                .fix = "Remove the empty cue or give it its text."};
            cap_report(c, timing_line, SEV_WARNING, "srt.text.empty", &ev, "This cue has no text.");
        }
        if (t.n > 0) {
            char obs[96];
            snprintf(obs, sizeof obs, "<%s> opened at line %ld", t.name[t.n - 1], t.line[t.n - 1]);
            tag_error(c, last_text, obs, "<%s> is still open at the end of the cue.",
                      t.name[t.n - 1]);
        }
    }
    cap_finish(c, "SRT");
}
