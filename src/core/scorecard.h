/*
 * A scorecard's rules (SPEC 3, "Titles: the steady state"): what a partner's
 * (or a posthouse's) deliveries over a period say about it, as counts, so
 * that no rate is ever shown without its base. Pure: the deliveries and the
 * period are passed in, nothing is read.
 *
 * The deliveries of one partner form chains: a delivery's previous_id is the
 * one it redelivers (the latest for the same request, or for self-serve
 * deliveries the latest of the same kind), so a chain is a request's (or a
 * kind's) deliveries in order. Over the period [from, until):
 *   - deliveries: those received in the period;
 *   - on time: of those that answer a request, the ones received before the
 *     request's 48-hour clock ran out (not late);
 *   - first-pass acceptance: of the period's first deliveries of a chain
 *     (previous_id 0) that have a result, the ones that passed;
 *   - a fix: a passing delivery received in the period answers every failed
 *     result of its chain since the chain's last pass; each such pair counts
 *     once, its time being the passing redelivery's receipt minus the failed
 *     result (never negative); the median of those times in hours;
 *   - open defects: the chains whose failed results, as of until, no passing
 *     delivery has answered yet (one per chain, whatever the number of failed
 *     attempts in it), each named by its latest failed delivery.
 * With by_org non-zero only what that organisation did counts: its
 * deliveries, the fixes it delivered, the open chains whose latest failure
 * it delivered (a posthouse's scorecard over the partners it delivers for).
 *
 * The title metrics count the territories a title was published in (each
 * with the service's 14-day publish clock, when it had one), as of until:
 *   - titles live: the titles published in at least one territory before until;
 *   - publish on time: of the territories published in the period that had a
 *     publish clock, those published before its due instant (exclusive, as
 *     every clock: SPEC 6).
 */
#ifndef VG_CORE_SCORECARD_H
#define VG_CORE_SCORECARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sc_status { SC_VALIDATING = 0, SC_PASSED, SC_FAILED };

struct sc_delivery {
    int64_t id;
    int64_t previous_id; /* 0: the first of its chain */
    int64_t request_id;  /* 0: self-serve */
    int64_t received_at;
    int64_t validated_at; /* 0: no result yet */
    int64_t by_org;       /* the organisation that delivered */
    enum sc_status status;
    bool late;
};

/* One territory a title was published in: publish_by 0 when it had no clock. */
struct sc_publication {
    int64_t title_id;
    int64_t published_at;
    int64_t publish_by;
};

/* The title counts so far; last_title is the previous publication's title (input in title order). */
struct sc_titles {
    int64_t n_live;
    int64_t n_published_of, n_published_on_time;
    int64_t last_title;
};

/* The counts so far; fix_seconds is owned by the scorecard (scorecard_free). */
struct scorecard {
    int64_t n_deliveries;
    int64_t n_requested, n_on_time;
    int64_t n_first_results, n_first_passed;
    int64_t n_fixes;
    int64_t *fix_seconds;
    size_t fix_cap;
    int64_t n_open_defects;
    int64_t *open_ids; /* the latest failed delivery of each open chain, ascending */
    size_t open_cap;
    struct sc_titles titles;
};

/*
 * Counts one publication into t over [from, until). Publications of one
 * card come in ascending title_id order (so a title is live once).
 */
void scorecard_count_publication(struct sc_titles *t, const struct sc_publication *p, int64_t from,
                                 int64_t until);

void scorecard_init(struct scorecard *s);
void scorecard_free(struct scorecard *s);

/*
 * Counts one partner's deliveries d[0..n) (ascending id; those received at
 * or after until are ignored) into s over [from, until), for by_org (0: any
 * organisation). May be called for several partners into one scorecard.
 * Allocates (aborts on failure, as xmalloc).
 */
void scorecard_count(struct scorecard *s, const struct sc_delivery *d, size_t n, int64_t from,
                     int64_t until, int64_t by_org);

/* The share n of of, 0..1; false (no rate) when of is 0: nothing to measure. */
bool scorecard_rate(int64_t n, int64_t of, double *rate);

/*
 * The median of v[0..n) (sorted in place): the middle value, or the mean of
 * the two middle ones; false when n is 0.
 */
bool scorecard_median(int64_t *v, size_t n, double *median);

/* The median time to a fix in hours, rounded to 0.1 h; false when there was no fix. */
bool scorecard_median_fix_hours(struct scorecard *s, double *hours);

#endif
