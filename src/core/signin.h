/*
 * The rules of signing in that need no I/O: normalising an email address,
 * and the throttle that slows down repeated failures for one account.
 *
 * The throttle is per account (the normalised email, whether or not such a
 * user exists, so it tells nothing about existence): the first
 * SIGNIN_FREE_FAILURES failures cost nothing; after that each attempt must
 * wait 2^(failures - SIGNIN_FREE_FAILURES) seconds after the last failure,
 * capped at SIGNIN_MAX_WAIT. A success clears the count.
 */
#ifndef VG_SIGNIN_H
#define VG_SIGNIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIGNIN_FREE_FAILURES 3
#define SIGNIN_MAX_WAIT      900

/*
 * Writes the normalised form of an email (trimmed, lower-cased) into out.
 * Returns 0, or -1 when s is not a plausible address (one '@', a dot-free
 * local part is fine, a domain with a dot, no spaces, at most 254 bytes).
 */
int signin_email_normalise(const char *s, char *out, size_t out_len);
/* Seconds the account must still wait before another attempt (0: go ahead). */
int64_t signin_wait(int64_t failures, int64_t last_failure_at, int64_t now);

#endif
