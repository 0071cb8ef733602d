/*
 * The one time source of the program.
 *
 * Everything that needs "now" calls now_get(). In normal operation it is the
 * system's real time; under `serve --test-clock` it is a test clock that an
 * admin moves forward through the API. Core code never calls it: time is
 * passed in, so the rules stay pure functions.
 */
#ifndef VG_NOW_H
#define VG_NOW_H

#include <stdbool.h>
#include <stdint.h>

/* Current instant in Unix seconds (test or real). Thread-safe. */
int64_t now_get(void);
/*
 * The real wall-clock time, whatever the test clock says. Only for security
 * timeouts (session expiry, the sign-in throttle): moving a test clock a week
 * ahead must not sign everyone out, nor open a throttled account.
 */
int64_t now_real(void);
/* True when the test clock is on. */
bool now_is_test(void);
/* Switches to the test clock, starting at start. Call once, before threads start. */
void now_use_test_clock(int64_t start);
/*
 * Moves the test clock to t. Returns 0, -1 when the test clock is off, -2
 * when t is earlier than the current test time (the clock only moves forward).
 */
int now_set(int64_t t);

#endif
