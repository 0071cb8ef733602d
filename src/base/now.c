/*
 * The program's clock: see now.h. The test time is one atomic, so readers
 * never lock; setting it is a compare-and-swap loop that refuses to go back.
 */
#include "base/now.h"

#include <stdatomic.h>
#include <time.h>

static atomic_bool test_on;
static _Atomic int64_t test_now;

int64_t now_get(void)
{
    if (atomic_load(&test_on))
        return atomic_load(&test_now);
    return now_real();
}

int64_t now_real(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

bool now_is_test(void)
{
    return atomic_load(&test_on);
}

void now_use_test_clock(int64_t start)
{
    atomic_store(&test_now, start);
    atomic_store(&test_on, true);
}

int now_set(int64_t t)
{
    if (!atomic_load(&test_on))
        return -1;
    int64_t cur = atomic_load(&test_now);
    do {
        if (t < cur)
            return -2;
    } while (!atomic_compare_exchange_weak(&test_now, &cur, t));
    return 0;
}
