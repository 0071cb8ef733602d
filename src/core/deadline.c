/*
 * The deadline kinds: see deadline.h.
 */
#include "core/deadline.h"

#include <string.h>

static const struct deadline_kind kinds[] = {
    {"delivery_48h", CLOCK_ELAPSED, CLOCK_DELIVERY_SECONDS, true, false,
     "delivery within 48 hours of the request"},
    {"response_3wd", CLOCK_WORKING_DAYS, CLOCK_RESPONSE_WORKING_DAYS, true, false,
     "a response or corrective action within 3 working days"},
    {"setup_10d", CLOCK_CALENDAR_DAYS, CLOCK_SETUP_DAYS, false, true,
     "onboarding preparation within 10 days of the questionnaire"},
    {"training_30d", CLOCK_CALENDAR_DAYS, CLOCK_TRAINING_DAYS, false, true,
     "training completed within 30 days of setup confirmation"},
    {"publish_14d", CLOCK_CALENDAR_DAYS, CLOCK_PUBLISH_DAYS, false, true,
     "title published within 14 days of its deliveries passing"},
    {"milestone", CLOCK_FIXED, 0, false, false, "a launch milestone"},
};

const struct deadline_kind *deadline_kind(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(kinds[i].name, name))
            return &kinds[i];
    return NULL;
}

const struct deadline_kind *deadline_kinds(int *n)
{
    *n = (int)(sizeof kinds / sizeof kinds[0]);
    return kinds;
}
