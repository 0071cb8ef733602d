/*
 * RFC 5322 text of an outgoing mail: see mailmsg.h.
 *
 * Header values pass through one writer that turns any control character
 * into a space, so no value can start a header of its own whatever reached
 * it. Encoded words carry at most 39 bytes of text each (52 base64
 * characters, 64 with their markers), cut only between UTF-8 characters, so
 * every word decodes on its own and "Subject: " plus one word stays within
 * the recommended 78 columns.
 */
#include "core/mailmsg.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/timefmt.h"

#define WORD_BYTES    39 /* text bytes per encoded word */
#define QP_COLUMNS    76 /* longest quoted-printable line, soft break included */
#define LINE_MAX_7BIT 998

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64(const unsigned char *p, size_t len, struct buf *out)
{
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        buf_putc(out, b64[(v >> 18) & 63]);
        buf_putc(out, b64[(v >> 12) & 63]);
        buf_putc(out, i + 1 < len ? b64[(v >> 6) & 63] : '=');
        buf_putc(out, i + 2 < len ? b64[v & 63] : '=');
    }
}

void mailmsg_date(int64_t t, char out[static 32])
{
    static const char *const wday[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t days = t / 86400, secs = t % 86400;
    if (secs < 0)
        secs += 86400, days--;
    struct civil_date d = civil_from_days(days);
    snprintf(out, 32, "%s, %02d %s %04d %02d:%02d:%02d +0000", wday[weekday_from_days(days) - 1],
             d.day, mon[d.month - 1], d.year % 10000, (int)(secs / 3600), (int)(secs / 60 % 60),
             (int)(secs % 60));
}

void mailmsg_subject(const char *s, struct buf *out)
{
    size_t len = strlen(s);
    bool plain = len <= 900 && !strstr(s, "=?");
    for (size_t i = 0; plain && i < len; i++)
        plain = s[i] >= 0x20 && s[i] < 0x7f;
    if (plain) {
        buf_add(out, s, len);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = len - i < WORD_BYTES ? len - i : WORD_BYTES;
        /* Never end a word inside a character: back off over continuation bytes. */
        while (n > 1 && i + n < len && (p[i + n] & 0xc0) == 0x80)
            n--;
        if (i > 0)
            buf_puts(out, "\r\n ");
        buf_puts(out, "=?UTF-8?B?");
        base64(p + i, n, out);
        buf_puts(out, "?=");
        i += n;
    }
}

/* True when a space at i would end its line (so quoted-printable must encode it). */
static bool at_line_end(const char *s, size_t len, size_t i)
{
    return i == len || s[i] == '\n' || (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n');
}

void mailmsg_qp(const char *s, size_t len, struct buf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t col = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
            continue; /* the '\n' makes the break */
        if (c == '\n') {
            buf_puts(out, "\r\n");
            col = 0;
            continue;
        }
        bool literal = (c >= 33 && c <= 126 && c != '=') ||
                       ((c == ' ' || c == '\t') && !at_line_end(s, len, i + 1));
        size_t width = literal ? 1 : 3;
        if (col + width > QP_COLUMNS - 1) {
            buf_puts(out, "=\r\n");
            col = 0;
        }
        if (literal) {
            buf_putc(out, (char)c);
        } else {
            buf_putc(out, '=');
            buf_putc(out, hex[c >> 4]);
            buf_putc(out, hex[c & 15]);
        }
        col += width;
    }
}

/* True when body can go as 7bit: printable ASCII and tabs, CRLF or LF line ends, short lines. */
static bool body_is_7bit(const char *s, size_t len)
{
    size_t line = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') {
            line = 0;
            continue;
        }
        if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
            continue;
        if (!(c == '\t' || (c >= 0x20 && c < 0x7f)) || ++line > LINE_MAX_7BIT)
            return false;
    }
    return true;
}

/* Appends "Name: value\r\n" with any control character of value turned into a space. */
static void header(struct buf *out, const char *name, const char *value)
{
    buf_puts(out, name);
    buf_puts(out, ": ");
    for (const char *p = value; *p; p++)
        buf_putc(out, (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
    buf_puts(out, "\r\n");
}

void mailmsg_format(const struct mail_message *m, struct buf *out)
{
    char date[32];
    mailmsg_date(m->date, date);
    header(out, "Date", date);
    header(out, "From", m->from);
    header(out, "To", m->to);
    struct buf subject = {0};
    mailmsg_subject(m->subject, &subject);
    /* Encoded words are already folded; the folding's CRLF SP must survive. */
    buf_puts(out, "Subject: ");
    for (size_t i = 0; i < subject.len; i++) {
        char c = subject.data[i];
        bool fold = c == '\r' && i + 2 < subject.len && subject.data[i + 1] == '\n' &&
                    subject.data[i + 2] == ' ';
        if (fold) {
            buf_puts(out, "\r\n");
            i++;
        } else {
            buf_putc(out, (unsigned char)c < 0x20 || c == 0x7f ? ' ' : c);
        }
    }
    buf_puts(out, "\r\n");
    buf_free(&subject);
    header(out, "Message-ID", m->message_id);
    header(out, "Auto-Submitted", "auto-generated");
    header(out, "MIME-Version", "1.0");
    header(out, "Content-Type", "text/plain; charset=utf-8");
    size_t len = strlen(m->body);
    bool seven = body_is_7bit(m->body, len);
    header(out, "Content-Transfer-Encoding", seven ? "7bit" : "quoted-printable");
    buf_puts(out, "\r\n");
    if (seven) {
        for (size_t i = 0; i < len; i++) {
            if (m->body[i] == '\n' && (i == 0 || m->body[i - 1] != '\r'))
                buf_putc(out, '\r');
            buf_putc(out, m->body[i]);
        }
    } else {
        mailmsg_qp(m->body, len, out);
    }
    if (out->len < 2 || memcmp(out->data + out->len - 2, "\r\n", 2) != 0)
        buf_puts(out, "\r\n");
}
