/*
 * Sign-in rules: see signin.h.
 */
#include "core/signin.h"

#include <ctype.h>
#include <string.h>

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
