/*
 * The program's clock as people see and move it. The server reads the time
 * from base/now.h; under `serve --test-clock` that is a test clock, which an
 * admin moves forward (never back) so that tests and demonstrations can make
 * deadlines pass on demand. Moving it is logged (subject "clock"). Running
 * the work that came due by the new time is the caller's next step: the
 * server runs its sweeps (http_conf.on_time_moved) before it answers.
 */
#ifndef VG_APP_TEST_CLOCK_H
#define VG_APP_TEST_CLOCK_H

#include <jansson.h>
#include <stdint.h>

#include "app/op.h"

/* {now, test}: the time now and whether it is the test clock (any signed-in user). */
int test_clock_view(struct op *o, json_t **out);

/*
 * Moves the test clock to t (ACT_CLOCK_SET) and logs it; *out gets the view
 * at the new time. Refused: OP_NOT_ALLOWED "real_clock" when the program
 * runs on the real clock, OP_CONFLICT "clock_backwards" when t is before
 * the time already shown.
 */
int test_clock_set(struct op *o, int64_t t, json_t **out);

#endif
