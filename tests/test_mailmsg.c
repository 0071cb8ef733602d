/*
 * Tests of core/mailmsg.c: the RFC 5322 text of an outgoing mail. Dates,
 * RFC 2047 subjects (checked by decoding them back, word by word), the
 * quoted-printable body (decoded back, line lengths checked), 7bit bodies,
 * and that no value can add a header line.
 */
#include <stdbool.h>

#include "base/buf.h"
#include "core/mailmsg.h"
#include "t.h"

#define T0 1795795200 /* 2026-11-27T16:00:00Z, a Friday */

TEST(dates_are_rfc_5322_in_utc)
{
    char d[32];
    mailmsg_date(T0, d);
    CHECK_STR_EQ(d, "Fri, 27 Nov 2026 16:00:00 +0000");
    mailmsg_date(0, d);
    CHECK_STR_EQ(d, "Thu, 01 Jan 1970 00:00:00 +0000");
    mailmsg_date(951782400 + 86399, d); /* 2000-02-29 23:59:59 */
    CHECK_STR_EQ(d, "Tue, 29 Feb 2000 23:59:59 +0000");
    mailmsg_date(-1, d);
    CHECK_STR_EQ(d, "Wed, 31 Dec 1969 23:59:59 +0000");
}

static int b64val(char c)
{
    const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = strchr(a, c);
    return c && p ? (int)(p - a) : -1;
}

/* Decodes a folded run of "=?UTF-8?B?...?=" words; checks each word and line. */
static bool decode_subject(const char *s, struct buf *out)
{
    const char *p = s;
    while (*p) {
        if (p != s) {
            if (strncmp(p, "\r\n ", 3) != 0)
                return false;
            p += 3;
        }
        if (strncmp(p, "=?UTF-8?B?", 10) != 0)
            return false;
        const char *end = strstr(p + 10, "?=");
        if (!end || end - p + 2 > 75)
            return false;
        unsigned v = 0;
        int bits = 0;
        for (const char *q = p + 10; q < end && *q != '='; q++) {
            int x = b64val(*q);
            if (x < 0)
                return false;
            v = (v << 6) | (unsigned)x;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                buf_putc(out, (char)((v >> bits) & 0xff));
            }
        }
        /* each word holds whole characters: it does not end inside one */
        const unsigned char *d = (const unsigned char *)buf_str(out);
        size_t n = out->len, i = n;
        while (i > 0 && (d[i - 1] & 0xc0) == 0x80)
            i--;
        if (i > 0 && d[i - 1] >= 0xc0) {
            size_t want = d[i - 1] >= 0xf0 ? 4 : d[i - 1] >= 0xe0 ? 3 : 2;
            if (n - (i - 1) != want)
                return false;
        }
        p = end + 2;
    }
    return true;
}

TEST(ascii_subjects_stay_as_they_are_others_become_encoded_words)
{
    struct buf out = {0}, back = {0};
    mailmsg_subject("Warning 2 of 3 for Studio A: Avails Q1", &out);
    CHECK_STR_EQ(buf_str(&out), "Warning 2 of 3 for Studio A: Avails Q1");
    const char *subjects[] = {
        "Training complete for Stüdio Ünïcode — “Films”: your approved formats",
        "日本語のタイトル、とても長い件名がここに続きます。日本語のタイトル、とても長い件名",
        "emoji 🎬🎬🎬🎬🎬🎬🎬🎬🎬🎬🎬🎬🎬🎬🎬🎬🎬🎬🎬🎬 end",
        "looks like =?UTF-8?B?encoded?= but is not",
        "é",
    };
    for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++) {
        buf_reset(&out);
        buf_reset(&back);
        mailmsg_subject(subjects[i], &out);
        CHECK(strncmp(buf_str(&out), "=?UTF-8?B?", 10) == 0);
        CHECK(decode_subject(buf_str(&out), &back));
        CHECK_STR_EQ(buf_str(&back), subjects[i]);
    }
    buf_free(&out);
    buf_free(&back);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes quoted-printable with CRLF lines into LF text; checks line lengths and trailing space. */
static bool decode_qp(const char *s, struct buf *out)
{
    const char *p = s;
    while (*p) {
        const char *eol = strstr(p, "\r\n");
        if (!eol)
            eol = p + strlen(p);
        if (eol - p > 76)
            return false;
        if (eol > p && (eol[-1] == ' ' || eol[-1] == '\t'))
            return false;
        bool soft = false;
        for (const char *q = p; q < eol; q++) {
            if (*q != '=') {
                if ((unsigned char)*q >= 0x7f || ((unsigned char)*q < 0x20 && *q != '\t'))
                    return false;
                buf_putc(out, *q);
            } else if (q + 1 == eol) {
                soft = true;
            } else {
                if (q + 2 >= eol || hexval(q[1]) < 0 || hexval(q[2]) < 0)
                    return false;
                buf_putc(out, (char)(hexval(q[1]) * 16 + hexval(q[2])));
                q += 2;
            }
        }
        if (!*eol)
            break;
        if (!soft)
            buf_putc(out, '\n');
        p = eol + 2;
    }
    return true;
}

TEST(quoted_printable_round_trips_with_short_lines)
{
    struct buf out = {0}, back = {0};
    const char *bodies[] = {
        "plain line\nsecond = equals\n",
        "trailing space \ntrailing tab\t\nend",
        "Ünïcode — “quotes” and 日本語 on a line that goes on and on and on past seventy-six "
        "columns for sure, twice over, with = signs = here\n",
        "\n\n.\n..\nFrom the start\n",
        "crlf\r\nlines\r\n",
        "lone\rcarriage",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx é",
    };
    const char *want[] = {
        "plain line\nsecond = equals\n",
        "trailing space \ntrailing tab\t\nend",
        NULL,
        "\n\n.\n..\nFrom the start\n",
        "crlf\nlines\n",
        "lone\rcarriage",
        NULL,
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        buf_reset(&out);
        buf_reset(&back);
        mailmsg_qp(bodies[i], strlen(bodies[i]), &out);
        CHECK(decode_qp(buf_str(&out), &back));
        CHECK_STR_EQ(buf_str(&back), want[i] ? want[i] : bodies[i]);
    }
    buf_free(&out);
    buf_free(&back);
}

static const char *header_of(const char *msg, const char *name, char *out, size_t n)
{
    char key[64];
    snprintf(key, sizeof key, "\r\n%s: ", name);
    const char *p;
    if (strncmp(msg, key + 2, strlen(key) - 2) == 0)
        p = msg + strlen(key) - 2; /* the first line */
    else if ((p = strstr(msg, key)) != NULL)
        p += strlen(key);
    else
        return NULL;
    const char *e = strstr(p, "\r\n");
    snprintf(out, n, "%.*s", (int)(e - p), p);
    return out;
}

TEST(a_message_carries_its_headers_and_a_7bit_or_qp_body)
{
    struct buf out = {0};
    struct mail_message m = {
        "vodgate@example.com",  "partner@example.com", "Delivery request for Studio A: Avails Q1",
        "Hello,\n\nline two\n", "<abc@example.com>",   T0};
    mailmsg_format(&m, &out);
    const char *s = buf_str(&out);
    char v[200];
    CHECK(header_of(s, "Date", v, sizeof v) && !strcmp(v, "Fri, 27 Nov 2026 16:00:00 +0000"));
    CHECK(header_of(s, "From", v, sizeof v) && !strcmp(v, "vodgate@example.com"));
    CHECK(header_of(s, "To", v, sizeof v) && !strcmp(v, "partner@example.com"));
    CHECK(header_of(s, "Subject", v, sizeof v) &&
          !strcmp(v, "Delivery request for Studio A: Avails Q1"));
    CHECK(header_of(s, "Message-ID", v, sizeof v) && !strcmp(v, "<abc@example.com>"));
    CHECK(header_of(s, "Auto-Submitted", v, sizeof v) && !strcmp(v, "auto-generated"));
    CHECK(header_of(s, "Content-Type", v, sizeof v) && !strcmp(v, "text/plain; charset=utf-8"));
    CHECK(header_of(s, "Content-Transfer-Encoding", v, sizeof v) && !strcmp(v, "7bit"));
    const char *body = strstr(s, "\r\n\r\n");
    CHECK(body && !strcmp(body + 4, "Hello,\r\n\r\nline two\r\n"));
    /* no bare LF anywhere */
    for (size_t i = 0; i < out.len; i++)
        if (s[i] == '\n')
            CHECK(i > 0 && s[i - 1] == '\r');

    /* UTF-8 body: quoted-printable; a body without a final newline gets one */
    buf_reset(&out);
    m.body = "Grüße";
    mailmsg_format(&m, &out);
    s = buf_str(&out);
    CHECK(header_of(s, "Content-Transfer-Encoding", v, sizeof v) && !strcmp(v, "quoted-printable"));
    body = strstr(s, "\r\n\r\n");
    CHECK(body && !strcmp(body + 4, "Gr=C3=BC=C3=9Fe\r\n"));

    /* a very long line is not 7bit either */
    struct buf longline = {0};
    for (int i = 0; i < 1100; i++)
        buf_putc(&longline, 'x');
    buf_reset(&out);
    m.body = buf_str(&longline);
    mailmsg_format(&m, &out);
    CHECK(header_of(buf_str(&out), "Content-Transfer-Encoding", v, sizeof v) &&
          !strcmp(v, "quoted-printable"));
    buf_free(&longline);
    buf_free(&out);
}

TEST(no_value_adds_a_header_line)
{
    struct buf out = {0};
    struct mail_message m = {
        "vodgate@example.com",      "partner@example.com\r\nBcc: a@example.com",
        "Hi\r\nBcc: b@example.com", "body\n",
        "<x@example.com>\nX: y",    T0};
    mailmsg_format(&m, &out);
    const char *s = buf_str(&out);
    const char *end = strstr(s, "\r\n\r\n");
    CHECK(end != NULL);
    /* every header line starts with a known name or is a fold */
    const char *names[] = {"Date: ",
                           "From: ",
                           "To: ",
                           "Subject: ",
                           "Message-ID: ",
                           "Auto-Submitted: ",
                           "MIME-Version: ",
                           "Content-Type: ",
                           "Content-Transfer-Encoding: ",
                           " "};
    int n_lines = 0;
    for (const char *p = s; p < end; p = strstr(p, "\r\n") + 2) {
        bool known = false;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            known = known || !strncmp(p, names[i], strlen(names[i]));
        CHECK(known);
        n_lines++;
    }
    CHECK_INT_EQ(n_lines, 9);
    CHECK(strstr(s, "\r\nBcc:") == NULL);
    buf_free(&out);
}

T_MAIN
