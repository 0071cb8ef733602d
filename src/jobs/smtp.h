/*
 * One SMTP conversation (libcurl): hand one formatted message to a mail
 * server and say what became of it.
 *
 * The outcome follows the server's last reply: 2xx after the data is sent;
 * 4xx is temporary (retry later); 5xx is permanent; a connection that could
 * not be made, dropped or timed out is temporary too. The reply text recorded
 * is the server's last line ("450 4.2.0 Mailbox busy"), or for a transport
 * failure its kind ("no connection", "timed out", "TLS failed", "connection
 * lost") and what libcurl said, with the last line heard if any.
 */
#ifndef VG_SMTP_H
#define VG_SMTP_H

#include <stddef.h>

#include "base/buf.h"

enum smtp_outcome {
    SMTP_SENT = 0,
    SMTP_TEMPORARY = -1,
    SMTP_PERMANENT = -2,
};

/* Checks that url is smtp:// or smtps:// with a host. Returns 0 or -1. */
int smtp_url_ok(const char *url);

/*
 * Sends data[0..len) (RFC 5322 text with CRLF line ends) from `from` to `to`
 * through the server at url, giving up after timeout seconds. Appends the
 * reply text to reply. Thread-safe (curl_global_init must have run).
 */
enum smtp_outcome smtp_send(const char *url, int timeout, const char *from, const char *to,
                            const char *data, size_t len, struct buf *reply);

#endif
