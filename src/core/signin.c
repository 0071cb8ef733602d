/*
 * Sign-in rules: see signin.h. The keys are plain SHA-256 of the value with
 * a domain prefix (no server secret: processes share only the database);
 * they keep emails and addresses out of sight, not out of reach of someone
 * who guesses them, which is why rows also go after SIGNIN_FORGET.
 */
#include "core/signin.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

#include "base/hash.h"

int signin_email_normalise(const char *s, char *out, size_t out_len)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 0 || n > 254 || n + 1 > out_len)
        return -1;
    int n_at = 0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"')
            return -1;
        if (c == '@')
            n_at++, at = i;
        out[i] = (char)tolower(c);
    }
    out[n] = '\0';
    if (n_at != 1 || at == 0 || at == n - 1)
        return -1;
    const char *domain = out + at + 1;
    if (!strchr(domain, '.') || domain[0] == '.' || out[n - 1] == '.')
        return -1;
    return 0;
}

int64_t signin_wait(int64_t failures, int64_t last_failure_at, int64_t now)
{
    if (failures <= SIGNIN_FREE_FAILURES)
        return 0;
    int64_t shift = failures - SIGNIN_FREE_FAILURES;
    int64_t wait = shift >= 10 ? SIGNIN_MAX_WAIT : (int64_t)1 << shift;
    if (wait > SIGNIN_MAX_WAIT)
        wait = SIGNIN_MAX_WAIT;
    int64_t left = last_failure_at + wait - now;
    return left > 0 ? left : 0;
}

int64_t signin_admit(struct signin_attempts *a, int64_t now)
{
    if (a->n > 0 && now - a->last_at >= SIGNIN_FORGET)
        a->n = 0;
    int64_t wait = signin_wait(a->n, a->last_at, now);
    if (wait > 0)
        return wait;
    a->n++;
    a->last_at = now;
    return 0;
}

/* Hex of the first bytes of SHA-256(domain, '\n', value, len bytes): the keys of the throttle. */
static void key_of(const char *domain, const void *value, size_t len,
                   char out[static SIGNIN_KEY_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    struct sha256_ctx ctx;
    uint8_t h[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, strlen(domain), domain);
    sha256_update(&ctx, 1, "\n");
    sha256_update(&ctx, len, value);
    sha256_digest(&ctx, sizeof h, h);
    for (int i = 0; i < SIGNIN_KEY_LEN / 2; i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 15];
    }
    out[SIGNIN_KEY_LEN] = '\0';
}

void signin_account_key(const char *email, char out[static SIGNIN_KEY_LEN + 1])
{
    key_of("vodgate sign-in account", email, strlen(email), out);
}

void signin_client_key(const char *address, char out[static SIGNIN_KEY_LEN + 1])
{
    unsigned char ip[16];
    if (inet_pton(AF_INET, address, ip) == 1) {
        key_of("vodgate sign-in client v4", ip, 4, out);
    } else if (inet_pton(AF_INET6, address, ip) == 1) {
        static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (!memcmp(ip, v4_mapped, sizeof v4_mapped))
            key_of("vodgate sign-in client v4", ip + 12, 4, out);
        else
            key_of("vodgate sign-in client v6/64", ip, 8, out);
    } else {
        key_of("vodgate sign-in client", address, strlen(address), out);
    }
}
