/*
 * An outgoing mail as RFC 5322 text: the headers our notifications carry and
 * a plain-text UTF-8 body. Pure: the date and the Message-ID are given.
 *
 * Headers: Date, From, To, Subject, Message-ID, Auto-Submitted:
 * auto-generated (RFC 3834: no vacation replies, please), MIME-Version,
 * Content-Type text/plain; charset=utf-8, Content-Transfer-Encoding. A
 * subject that is not ASCII (or too long for one line) becomes RFC 2047
 * encoded words, folded; a body that is ASCII with short lines goes as 7bit,
 * any other as quoted-printable, so the text crosses any relay unharmed. Line
 * ends are CRLF. Dot-stuffing is the SMTP client's job, not done here.
 */
#ifndef VG_MAILMSG_H
#define VG_MAILMSG_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

struct mail_message {
    const char *from;       /* an address: vodgate@example.com */
    const char *to;         /* an address */
    const char *subject;    /* UTF-8, one line */
    const char *body;       /* UTF-8, lines end in LF or CRLF */
    const char *message_id; /* "<...@...>" */
    int64_t date;           /* Unix seconds */
};

/* Appends the whole message (headers, blank line, body) to out. */
void mailmsg_format(const struct mail_message *m, struct buf *out);

/* Writes t as an RFC 5322 date in UTC, "Thu, 26 Nov 2026 07:49:08 +0000" (32 bytes). */
void mailmsg_date(int64_t t, char out[static 32]);

/*
 * Appends the value of a Subject header: s itself when it is printable ASCII
 * and short, otherwise UTF-8 B encoded words of at most 75 characters, each
 * holding whole characters, joined by folding whitespace (CRLF SP).
 */
void mailmsg_subject(const char *s, struct buf *out);

/* Appends s[0..len) quoted-printable (RFC 2045), lines broken at 76 with soft breaks. */
void mailmsg_qp(const char *s, size_t len, struct buf *out);

#endif
