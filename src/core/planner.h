/*
 * The planner (SPEC sections 3 and 5): for a partner, or a prospect before it
 * exists, and a target publish date, the earliest date the standard path
 * allows, whether the target is feasible, whether an onboarded posthouse is
 * needed, and the steps a person can read; and the posthouses that fit.
 *
 * Days. Everything is a local day number (base/timefmt.h: days since
 * 1970-01-01) in the partner's zone: "today" and the clocks' dates are the
 * caller's to compute (zone_local_day; planner_last_day for a clock), so the
 * 40-day rule is counted in the partner's zone. Day arithmetic is plain
 * integer arithmetic on civil day numbers: month ends, year ends and 29
 * February need no special case.
 *
 * The standard path is three calendar-day stretches end to end, each counted
 * like a calendar_days clock (the day it starts is not counted):
 *   setup       10 days  not started: 10; in setup: the days left to the
 *                        setup target; after setup: 0
 *   training    30 days  not started: 30; in training: the days left to the
 *                        cap; stopped or escalated: the same, counted as if it
 *                        were running (a decision may resume it at any time,
 *                        and the cap keeps running meanwhile, so its days are
 *                        the honest bound); steady state or skipped: 0
 *   publishing  14 days  always ahead: publishing takes at most 14 days after
 *                        a title's deliveries pass
 * so a prospect on 2026-11-27 has earliest 2026-11-27 + 54 = 2027-01-20. A
 * clock past its date while its stage is still open counts 0 days left (and
 * the step says how many days it is overdue). A Channels partner also waits
 * for the last milestone of the launch timeline its plm set (pre-publishing QA
 * testing included): earliest = max(standard path, last milestone).
 *
 * Verdicts:
 *   feasible         target >= earliest;
 *   needs_posthouse  target < the standard path's end while onboarding
 *                    (setup or training) is still ahead: the content is needed
 *                    sooner than onboarding allows, and only an onboarded
 *                    posthouse delivering for the partner gets there (the
 *                    guide's "within 40 days"). Never for a partner in steady
 *                    state (a posthouse cannot shorten publishing) and never
 *                    because of a Channels milestone alone (the launch
 *                    timeline is the plm's, not onboarding's).
 *
 * Posthouses that fit: an onboarded posthouse fits when its approved formats
 * include every format the partner intends to deliver (core/formats.h; exact
 * formats, no implication between them).
 *
 * Pure: no I/O, no clock reading, no allocation except the JSON rendering.
 */
#ifndef VG_PLANNER_H
#define VG_PLANNER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/formats.h"
#include "core/zone.h"

#define PLAN_NO_DAY          INT64_MIN /* a date that is not known (a clock not started) */
#define PLAN_SETUP_DAYS      10
#define PLAN_TRAINING_DAYS   30
#define PLAN_PUBLISHING_DAYS 14
#define PLAN_MAX_STEPS       4

/* The partner's stage, as in the API, plus "prospect" for a partner that does not exist yet. */
enum plan_stage {
    PLAN_PROSPECT,
    PLAN_INVITED,
    PLAN_QUESTIONNAIRE,
    PLAN_SETUP,
    PLAN_TRAINING,
    PLAN_STOPPED,
    PLAN_ESCALATED,
    PLAN_STEADY_STATE,
    PLAN_N_STAGES
};

enum plan_step_name {
    PLAN_STEP_SETUP,
    PLAN_STEP_TRAINING,
    PLAN_STEP_PUBLISHING,
    PLAN_STEP_CHANNELS_LAUNCH,
};

enum plan_status {
    PLAN_DONE,
    PLAN_IN_PROGRESS,
    PLAN_PLANNED,
    PLAN_SKIPPED, /* training of an already-onboarded partner */
};

enum plan_err {
    PLAN_OK = 0,
    PLAN_ERR_INVALID = -1, /* a stage out of range, or a day outside 1970..9000 */
};

struct plan_input {
    int64_t today; /* today's local date in the partner's zone */
    enum plan_stage stage;
    int64_t setup_target;   /* last day of the setup_10d clock, or PLAN_NO_DAY */
    int64_t training_cap;   /* last day of the training_30d clock, or PLAN_NO_DAY */
    bool training_skipped;  /* skips training (already onboarded); ignored once in training */
    bool channels;          /* a Channels partner */
    int64_t last_milestone; /* the date of its last launch milestone, or PLAN_NO_DAY */
    int64_t target;         /* the target publish date */
};

struct plan_step {
    enum plan_step_name name;
    enum plan_status status;
    int64_t from;      /* the day the remaining stretch starts (not counted); PLAN_NO_DAY
                          for a done or skipped step, or a launch timeline not yet set */
    int64_t to;        /* its last day; PLAN_NO_DAY likewise */
    int64_t days;      /* the standard length (10, 30, 14); Channels: the days to the milestone */
    int64_t remaining; /* days still to run after today; PLAN_NO_DAY when not known */
    int64_t overdue;   /* days the stage is past its clock's date while still open; else 0 */
};

struct plan {
    int64_t today, target;
    int64_t standard_end; /* the end of publishing on the standard path */
    int64_t earliest;     /* max(standard_end, last milestone) */
    bool feasible;
    bool needs_posthouse;
    bool stopped;          /* training is stopped or escalated (counted as running) */
    bool timeline_missing; /* a Channels partner whose plm has set no milestone yet */
    struct plan_step steps[PLAN_MAX_STEPS];
    size_t n_steps;
};

/* An onboarded posthouse's approved formats, as recorded by the pim (any case, aliases too). */
struct posthouse_formats {
    const char *const *approved;
    size_t n_approved;
};

/* "prospect", "invited", ... , "steady_state"; NULL for another value. Static. */
const char *plan_stage_name(enum plan_stage stage);

/* Returns 0 and sets *out for a stage name (as plan_stage_name gives), or -1. */
int plan_stage_parse(const char *name, enum plan_stage *out);

/* "setup", "training", "publishing", "channels_launch"; "done", "in_progress", ... Static. */
const char *plan_step_name(enum plan_step_name name);
const char *plan_status_name(enum plan_status status);

/*
 * The last local day inside a calendar-days clock due at `due` (exclusive):
 * the day of the instant before it. A setup_10d clock started on day S is due
 * at the start of S + 11, so its last day, the "setup target", is S + 10.
 * Pure, no allocation.
 */
int64_t planner_last_day(const struct zone *z, int64_t due);

/*
 * Computes the plan for in (see the top of this file) into *out. Returns
 * PLAN_OK, or PLAN_ERR_INVALID when the stage is unknown or a given day lies
 * outside [1970-01-01, 9000-01-01]. No allocation.
 */
int planner_plan(const struct plan_input *in, struct plan *out);

/*
 * The plan as the API returns it: {today, target, earliest, days_to_earliest,
 * feasible, needs_posthouse, reason, steps: [{name, from, to, days, remaining,
 * overdue, status, note}]} with dates as "YYYY-MM-DD" (null when not known) and
 * a sentence in reason and in each note. Returns a new reference.
 */
json_t *planner_plan_json(const struct plan *p);

/*
 * The posthouses that fit: writes to fit[] the indexes (ascending) of the
 * entries of ph[0..n) whose approved formats cover intended, and returns how
 * many. fit must have room for n. Approved strings not in the vocabulary are
 * ignored. An empty intended set fits every posthouse. No allocation.
 */
size_t planner_posthouses_fit(const struct format_set *intended, const struct posthouse_formats *ph,
                              size_t n, size_t *fit);

/*
 * The same over JSON, as the store and the API hold posthouses: returns a new
 * array with (new references to) the members of posthouses, in order, whose
 * "approved_formats" array covers intended; entries without one fit only an
 * empty intended set. posthouses that is not an array gives an empty array.
 */
json_t *planner_posthouses_fit_json(const struct format_set *intended, const json_t *posthouses);

#endif
