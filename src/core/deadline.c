/*
 * The deadline kinds: see deadline.h. One static table indexed by id; a
 * name is looked up by a scan (six entries).
 */
#include "core/deadline.h"

#include <string.h>

#include "base/mem.h"

static const struct deadline_kind kinds[DEADLINE_N] = {
    [DEADLINE_DELIVERY_48H] = {DEADLINE_DELIVERY_48H, "delivery_48h", CLOCK_ELAPSED,
                               CLOCK_DELIVERY_SECONDS, true, false,
                               "delivery within 48 hours of the request",
                               "Delivery within 48 hours", "Deliver 48 h", "Deliver by", NULL},
    [DEADLINE_RESPONSE_3WD] = {DEADLINE_RESPONSE_3WD, "response_3wd", CLOCK_WORKING_DAYS,
                               CLOCK_RESPONSE_WORKING_DAYS, true, false,
                               "a response or corrective action within 3 working days",
                               "Response within 3 working days", "Respond 3 wd",
                               "Reply or deliver by", NULL},
    [DEADLINE_SETUP_10D] = {DEADLINE_SETUP_10D, "setup_10d", CLOCK_CALENDAR_DAYS, CLOCK_SETUP_DAYS,
                            false, true,
                            "onboarding preparation within 10 days of the questionnaire",
                            "Account setup within 10 days", "Setup 10 d", NULL,
                            "Your accounts ready by"},
    [DEADLINE_TRAINING_30D] = {DEADLINE_TRAINING_30D, "training_30d", CLOCK_CALENDAR_DAYS,
                               CLOCK_TRAINING_DAYS, false, true,
                               "training completed within 30 days of setup confirmation",
                               "Training within 30 days", "Training 30 d", NULL,
                               "Training ends by"},
    [DEADLINE_PUBLISH_14D] = {DEADLINE_PUBLISH_14D, "publish_14d", CLOCK_CALENDAR_DAYS,
                              CLOCK_PUBLISH_DAYS, false, true,
                              "title published within 14 days of its deliveries passing",
                              "Publishing within 14 days", "Publish 14 d", NULL, "Published by"},
    [DEADLINE_MILESTONE] = {DEADLINE_MILESTONE, "milestone", CLOCK_FIXED, 0, false, false,
                            "a launch milestone", "Launch milestone", "Milestone", NULL, NULL},
    /* the service's own promise (SPEC 3): a cam or pim acknowledges a partner's request for an
       alternate solution; shown to the partner, never paused */
    [DEADLINE_ACK_3WD] = {DEADLINE_ACK_3WD, "acknowledge_3wd", CLOCK_WORKING_DAYS,
                          CLOCK_RESPONSE_WORKING_DAYS, false, false,
                          "an answer to an alternate-solution request within 3 working days",
                          "Our answer within 3 working days", "Answer 3 wd", NULL,
                          "Our answer to your alternate-solution request by"},
};

const struct deadline_kind *deadline_kind(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < DEADLINE_N; i++)
        if (!strcmp(kinds[i].name, name))
            return &kinds[i];
    return NULL;
}

const struct deadline_kind *deadline_kind_of(enum deadline_id id)
{
    VG_ASSERT((unsigned)id < DEADLINE_N);
    return &kinds[id];
}

const char *deadline_name(enum deadline_id id)
{
    return deadline_kind_of(id)->name;
}

enum deadline_id deadline_parse(const char *name)
{
    const struct deadline_kind *k = deadline_kind(name);
    return k ? k->id : DEADLINE_N;
}

const struct deadline_kind *deadline_kinds(int *n)
{
    *n = DEADLINE_N;
    return kinds;
}
