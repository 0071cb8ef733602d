/*
 * What a partner is told when staff pause or resume the clocks of one of its
 * items (SPEC 5 and 6): which item, why, and each clock's deadline in words
 * in the partner's zone, so the partner never has to guess whether a
 * deadline still runs. A piece of the pausing operation (requests.c for a
 * request's clocks, clocks.c for one clock): it joins that operation's
 * transaction and checks no actor.
 */
#ifndef VG_CLOCK_NEWS_H
#define VG_CLOCK_NEWS_H

#include <jansson.h>
#include <stdint.h>

#include "app/op.h"
#include "store/store.h"

/*
 * Appends {what, due} for clock c to list: its kind's name for people and
 * the deadline due (the one before a pause, or the new one after a resume)
 * in words, in the partner's zone.
 */
void clock_news_add(struct op *o, const struct partner *p, const struct clock_row *c, int64_t due,
                    json_t *list);
/*
 * Tells the partner's users that the clocks of list (borrowed; clock_news_add's
 * items) on subject were paused for reason, or resumed when reason is NULL.
 * A resumed clock due within DEADLINE_SOON_LEAD of now has its due-soon
 * notice counted as given (this message names its new deadline), so the
 * pause never brings a second "due soon". Nothing is sent for an empty list.
 * Returns 0, a store error or OP_REFUSED.
 */
int clock_news_send(struct op *o, const struct partner *p, const char *subject, json_t *list,
                    const char *reason);

#endif
