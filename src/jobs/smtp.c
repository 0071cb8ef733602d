/*
 * One SMTP conversation through libcurl: see smtp.h.
 *
 * libcurl speaks the protocol (EHLO, MAIL FROM, RCPT TO, DATA, dot-stuffing,
 * QUIT) but reports only a result code and the last reply's number; the text
 * of the server's replies is what an operator needs to see, so a debug
 * callback keeps the last complete line the server sent (libcurl hands
 * server replies to it as CURLINFO_HEADER_IN). Each call uses its own easy
 * handle and so its own connection: an attempt is one conversation, and
 * nothing is shared between threads.
 */
#include "jobs/smtp.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <string.h>

struct conversation {
    struct buf partial; /* the server's current line, until its '\n' */
    struct buf last;    /* the last complete line the server sent before our QUIT */
    bool quitting;      /* QUIT went out: its "221 bye" says nothing of the message */
    const char *data;   /* the message, and how much of it is sent */
    size_t len, off;
};

static int on_debug(CURL *curl, curl_infotype type, char *p, size_t n, void *ctx)
{
    (void)curl;
    struct conversation *c = ctx;
    if (type == CURLINFO_HEADER_OUT && n >= 4 && !memcmp(p, "QUIT", 4))
        c->quitting = true;
    if (type != CURLINFO_HEADER_IN || c->quitting)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            buf_reset(&c->last);
            size_t len = c->partial.len;
            if (len && c->partial.data[len - 1] == '\r')
                len--;
            buf_add(&c->last, c->partial.data ? c->partial.data : "", len > 500 ? 500 : len);
            buf_reset(&c->partial);
        } else if (c->partial.len < 4096) {
            /* Keep the record printable: a hostile server's controls become '?'. */
            unsigned char ch = (unsigned char)p[i];
            buf_putc(&c->partial, ch == '\r' || (ch >= 0x20 && ch != 0x7f) ? p[i] : '?');
        }
    }
    return 0;
}

static size_t on_read(char *out, size_t size, size_t n, void *ctx)
{
    struct conversation *c = ctx;
    size_t want = size * n, left = c->len - c->off;
    size_t give = want < left ? want : left;
    memcpy(out, c->data + c->off, give);
    c->off += give;
    return give;
}

int smtp_url_ok(const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    int rc = -1;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        (!strcmp(scheme, "smtp") || !strcmp(scheme, "smtps")) && *host)
        rc = 0;
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return rc;
}

/* What went wrong when no reply said so, in the words an operator looks for. */
static const char *failure_kind(CURLcode res)
{
    switch (res) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
        return "no connection";
    case CURLE_OPERATION_TIMEDOUT:
        return "timed out";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
        return "TLS failed";
    default:
        return "connection lost";
    }
}

/* The number of a reply line ("450 4.2.0 busy" -> 450), 0 when it is not one. */
static int reply_code(const struct buf *line)
{
    const char *s = buf_str(line);
    if (line->len < 3 || s[0] < '1' || s[0] > '5' || s[1] < '0' || s[1] > '9' || s[2] < '0' ||
        s[2] > '9')
        return 0;
    return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

enum smtp_outcome smtp_send(const char *url, int timeout, const char *from, const char *to,
                            const char *data, size_t len, struct buf *reply)
{
    struct conversation c = {.data = data, .len = len};
    char errbuf[CURL_ERROR_SIZE] = "";
    struct buf from_arg = {0}, to_arg = {0};
    buf_printf(&from_arg, "<%s>", from);
    buf_printf(&to_arg, "<%s>", to);
    struct curl_slist *rcpt = curl_slist_append(NULL, to_arg.data);
    CURL *curl = curl_easy_init();
    CURLcode res = CURLE_OUT_OF_MEMORY;
    if (curl && rcpt) {
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)timeout);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)timeout);
        curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from_arg.data);
        curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(curl, CURLOPT_READDATA, &c);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, on_debug);
        curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &c);
        curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
        res = curl_easy_perform(curl);
    }
    int code = reply_code(&c.last);
    enum smtp_outcome out;
    if (res == CURLE_OK) {
        out = SMTP_SENT;
        buf_puts(reply, c.last.len ? buf_str(&c.last) : "sent");
    } else if (code >= 400) {
        out = code >= 500 ? SMTP_PERMANENT : SMTP_TEMPORARY;
        buf_puts(reply, buf_str(&c.last));
    } else {
        out = SMTP_TEMPORARY;
        buf_printf(reply, "%s: %s", failure_kind(res), *errbuf ? errbuf : curl_easy_strerror(res));
        if (c.last.len)
            buf_printf(reply, " (last reply: %s)", buf_str(&c.last));
    }
    curl_easy_cleanup(curl);
    curl_slist_free_all(rcpt);
    buf_free(&from_arg);
    buf_free(&to_arg);
    buf_free(&c.partial);
    buf_free(&c.last);
    return out;
}
