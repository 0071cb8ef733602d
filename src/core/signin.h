/*
 * The rules of signing in that need no I/O: normalising an email address,
 * and the throttle that slows down guessing.
 *
 * The throttle counts the attempts of one client on one account, not of the
 * account alone: a per-account count let anyone lock the owner out (one
 * wrong try every SIGNIN_MAX_WAIT seconds kept the account closed for good).
 * Now a client that has been guessing waits, even with the right password
 * (else the throttle would be no throttle), while the owner, signing in from
 * anywhere else, goes through. Unknown emails are counted exactly like
 * existing ones, so the answers tell nothing about which accounts exist.
 *
 * An attempt is counted when it is admitted, before the password is checked
 * (signin_admit), and a success forgets the client's count; so parallel
 * guesses are counted one by one and no more than the rule allows are ever
 * checked. The first SIGNIN_FREE_FAILURES + 1 attempts go ahead at once;
 * after n > SIGNIN_FREE_FAILURES unconfirmed attempts the next must wait
 * 2^(n - SIGNIN_FREE_FAILURES) seconds after the last, capped at
 * SIGNIN_MAX_WAIT. A client quiet for SIGNIN_FORGET seconds is forgotten.
 *
 * The client is its network address (http.h req_client: the peer, or what
 * a trusted proxy says), an IPv6 address counting as its /64, since one
 * machine commonly holds a whole /64. A guesser with many networks gets a
 * count per network: the throttle bounds the guessing rate per network, and
 * argon2id bounds its cost; it does not claim more.
 *
 * What is stored keeps only what the rule needs: the account and the client
 * as hashes (signin_account_key, signin_client_key), never the email
 * or the address themselves, and the count and time of the last attempt.
 */
#ifndef VG_SIGNIN_H
#define VG_SIGNIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIGNIN_FREE_FAILURES 3
#define SIGNIN_MAX_WAIT      900
#define SIGNIN_FORGET        86400 /* seconds after its last attempt a client is forgotten */
#define SIGNIN_KEY_LEN       32    /* hex characters of an account or client key */

/*
 * Writes the normalised form of an email (trimmed, lower-cased) into out.
 * Returns 0, or -1 when s is not a plausible address (one '@', a dot-free
 * local part is fine, a domain with a dot, no spaces, at most 254 bytes).
 */
int signin_email_normalise(const char *s, char *out, size_t out_len);
/*
 * Seconds a client must still wait after `failures` unconfirmed attempts,
 * the last at last_failure_at (0: go ahead).
 */
int64_t signin_wait(int64_t failures, int64_t last_failure_at, int64_t now);

/* One client's attempts on one account that no success has followed. */
struct signin_attempts {
    int64_t n;       /* how many */
    int64_t last_at; /* when the last was admitted */
};
/*
 * Decides an attempt at now. Returns 0 when it may go ahead, and then *a
 * counts it (n + 1, last_at = now); else the seconds to wait, *a unchanged
 * (a refused attempt neither counts nor extends the wait). Attempts older
 * than SIGNIN_FORGET are forgotten first.
 */
int64_t signin_admit(struct signin_attempts *a, int64_t now);
/* The stored key of an account: a hash of its normalised email (hex, NUL-terminated). */
void signin_account_key(const char *email, char out[static SIGNIN_KEY_LEN + 1]);
/*
 * The stored key of a client: a hash of its address (text, as inet_ntop
 * writes it; an IPv6 address counts as its /64, an IPv4-mapped one as the
 * IPv4 address). Text that is no address is hashed as it is.
 */
void signin_client_key(const char *address, char out[static SIGNIN_KEY_LEN + 1]);

#endif
