/*
 * The planner: see planner.h for the rules. planner_plan() lays the three
 * standard stretches end to end from today (each step's `to` is the next
 * one's `from`), then puts the Channels timeline beside them; the verdicts are
 * comparisons of day numbers. The JSON rendering writes the sentences, so the
 * plan itself stays a plain value with no allocation.
 */
#include "core/planner.h"

#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/timefmt.h"

static const char *const stage_names[PLAN_N_STAGES] = {
    [PLAN_PROSPECT] = "prospect",           [PLAN_INVITED] = "invited",
    [PLAN_QUESTIONNAIRE] = "questionnaire", [PLAN_SETUP] = "setup",
    [PLAN_TRAINING] = "training",           [PLAN_STOPPED] = "stopped",
    [PLAN_ESCALATED] = "escalated",         [PLAN_STEADY_STATE] = "steady_state",
};

const char *plan_stage_name(enum plan_stage stage)
{
    if ((unsigned)stage >= PLAN_N_STAGES)
        return NULL;
    return stage_names[stage];
}

int plan_stage_parse(const char *name, enum plan_stage *out)
{
    for (int s = 0; name && s < PLAN_N_STAGES; s++)
        if (strcmp(name, stage_names[s]) == 0) {
            *out = (enum plan_stage)s;
            return 0;
        }
    return -1;
}

const char *plan_step_name(enum plan_step_name name)
{
    switch (name) {
    case PLAN_STEP_SETUP:
        return "setup";
    case PLAN_STEP_TRAINING:
        return "training";
    case PLAN_STEP_PUBLISHING:
        return "publishing";
    case PLAN_STEP_CHANNELS_LAUNCH:
        return "channels_launch";
    }
    return NULL;
}

const char *plan_status_name(enum plan_status status)
{
    switch (status) {
    case PLAN_DONE:
        return "done";
    case PLAN_IN_PROGRESS:
        return "in_progress";
    case PLAN_PLANNED:
        return "planned";
    case PLAN_SKIPPED:
        return "skipped";
    }
    return NULL;
}

int64_t planner_last_day(const struct zone *z, int64_t due)
{
    return zone_local_day(z, due - 1);
}

static int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

static bool day_ok(int64_t d, bool optional)
{
    if (d == PLAN_NO_DAY)
        return optional;
    return d >= 0 && d <= days_from_civil(9000, 1, 1);
}

/* A step that runs `remaining` days from *at, which it then moves to its end. */
static struct plan_step running(enum plan_step_name name, enum plan_status status, int64_t days,
                                int64_t remaining, int64_t overdue, int64_t *at)
{
    struct plan_step s = {name, status, *at, *at + remaining, days, remaining, overdue};
    *at += remaining;
    return s;
}

static struct plan_step closed(enum plan_step_name name, enum plan_status status, int64_t days)
{
    struct plan_step s = {name, status, PLAN_NO_DAY, PLAN_NO_DAY, days, 0, 0};
    return s;
}

/* Days left to a clock's last day, and how far past it today is. */
static void left(int64_t today, int64_t last, int64_t standard, int64_t *remaining,
                 int64_t *overdue)
{
    if (last == PLAN_NO_DAY) { /* the clock should exist; without it, the whole stretch */
        *remaining = standard;
        *overdue = 0;
        return;
    }
    *remaining = max64(0, last - today);
    *overdue = max64(0, today - last);
}

int planner_plan(const struct plan_input *in, struct plan *out)
{
    memset(out, 0, sizeof *out);
    if ((unsigned)in->stage >= PLAN_N_STAGES || !day_ok(in->today, false) ||
        !day_ok(in->target, false) || !day_ok(in->setup_target, true) ||
        !day_ok(in->training_cap, true) || !day_ok(in->last_milestone, true))
        return PLAN_ERR_INVALID;
    int64_t at = in->today, remaining, overdue;
    bool before_setup = in->stage <= PLAN_QUESTIONNAIRE;
    bool in_training =
        in->stage == PLAN_TRAINING || in->stage == PLAN_STOPPED || in->stage == PLAN_ESCALATED;
    out->today = in->today;
    out->target = in->target;

    if (before_setup) {
        out->steps[out->n_steps++] =
            running(PLAN_STEP_SETUP, PLAN_PLANNED, PLAN_SETUP_DAYS, PLAN_SETUP_DAYS, 0, &at);
    } else if (in->stage == PLAN_SETUP) {
        left(in->today, in->setup_target, PLAN_SETUP_DAYS, &remaining, &overdue);
        out->steps[out->n_steps++] =
            running(PLAN_STEP_SETUP, PLAN_IN_PROGRESS, PLAN_SETUP_DAYS, remaining, overdue, &at);
    } else {
        out->steps[out->n_steps++] = closed(PLAN_STEP_SETUP, PLAN_DONE, PLAN_SETUP_DAYS);
    }

    /* A partner in training is training, whatever the flag says. */
    if (in->training_skipped && !in_training) {
        out->steps[out->n_steps++] = closed(PLAN_STEP_TRAINING, PLAN_SKIPPED, PLAN_TRAINING_DAYS);
    } else if (in->stage <= PLAN_SETUP) {
        out->steps[out->n_steps++] = running(PLAN_STEP_TRAINING, PLAN_PLANNED, PLAN_TRAINING_DAYS,
                                             PLAN_TRAINING_DAYS, 0, &at);
    } else if (in_training) {
        /* Stopped or escalated: counted as if running (see planner.h). */
        left(in->today, in->training_cap, PLAN_TRAINING_DAYS, &remaining, &overdue);
        out->steps[out->n_steps++] = running(PLAN_STEP_TRAINING, PLAN_IN_PROGRESS,
                                             PLAN_TRAINING_DAYS, remaining, overdue, &at);
        out->stopped = in->stage != PLAN_TRAINING;
    } else {
        out->steps[out->n_steps++] = closed(PLAN_STEP_TRAINING, PLAN_DONE, PLAN_TRAINING_DAYS);
    }

    out->steps[out->n_steps++] = running(PLAN_STEP_PUBLISHING, PLAN_PLANNED, PLAN_PUBLISHING_DAYS,
                                         PLAN_PUBLISHING_DAYS, 0, &at);
    out->standard_end = at;
    out->earliest = at;

    if (in->channels) {
        struct plan_step s = {PLAN_STEP_CHANNELS_LAUNCH,
                              PLAN_PLANNED,
                              PLAN_NO_DAY,
                              PLAN_NO_DAY,
                              PLAN_NO_DAY,
                              PLAN_NO_DAY,
                              0};
        if (in->last_milestone != PLAN_NO_DAY) {
            int64_t m = in->last_milestone;
            s.to = m;
            if (m <= in->today) { /* the timeline is behind us */
                s.status = PLAN_DONE;
                s.days = s.remaining = 0;
            } else {
                s.status = PLAN_IN_PROGRESS;
                s.from = in->today;
                s.days = s.remaining = m - in->today;
            }
            out->earliest = max64(out->earliest, m);
        } else {
            out->timeline_missing = true;
        }
        out->steps[out->n_steps++] = s;
    }

    bool onboarding_ahead = in->stage != PLAN_STEADY_STATE;
    out->feasible = in->target >= out->earliest;
    out->needs_posthouse = onboarding_ahead && in->target < out->standard_end;
    return PLAN_OK;
}

/* ---- rendering ---- */

static json_t *date_json(int64_t day)
{
    if (day == PLAN_NO_DAY)
        return json_null();
    char s[11];
    date_format(civil_from_days(day), s);
    return json_string(s);
}

static const char *fmt_day(int64_t day, char out[static 11])
{
    date_format(civil_from_days(day), out);
    return out;
}

static const char *plural(int64_t n)
{
    return n == 1 ? "" : "s";
}

static void step_note(struct buf *b, const struct plan *p, const struct plan_step *s)
{
    char d[11];
    long long rem = (long long)s->remaining, days = (long long)s->days;
    switch (s->name) {
    case PLAN_STEP_SETUP:
        if (s->status == PLAN_DONE)
            buf_puts(b, "Setup is confirmed.");
        else if (s->status == PLAN_PLANNED)
            buf_printf(b,
                       "Up to %lld days once the questionnaire is submitted: partner alias, "
                       "transfer account and portal account.",
                       days);
        else if (s->overdue)
            buf_printf(b,
                       "Setup is %lld day%s past its target (%s) and still open: counted as "
                       "finishing today.",
                       (long long)s->overdue, plural(s->overdue),
                       fmt_day(p->today - s->overdue, d));
        else
            buf_printf(b, "%lld of %lld days left to the setup target (%s).", rem, days,
                       fmt_day(s->to, d));
        break;
    case PLAN_STEP_TRAINING:
        if (s->status == PLAN_DONE)
            buf_puts(b, "Training is complete.");
        else if (s->status == PLAN_SKIPPED)
            buf_puts(b, "Skipped: the partner is already onboarded.");
        else if (s->status == PLAN_PLANNED)
            buf_printf(b, "Up to %lld days from the confirmation of setup.", days);
        else {
            if (p->stopped)
                buf_printf(b,
                           "Training is stopped; its %lld remaining day%s are counted as if it "
                           "were running. ",
                           rem, plural(rem));
            if (s->overdue)
                buf_printf(b,
                           "The training cap (%s) passed %lld day%s ago: counted as finishing "
                           "today.",
                           fmt_day(p->today - s->overdue, d), (long long)s->overdue,
                           plural(s->overdue));
            else
                buf_printf(b, "%lld of %lld days left before the training cap (%s).", rem, days,
                           fmt_day(s->to, d));
        }
        break;
    case PLAN_STEP_PUBLISHING:
        buf_printf(b, "Up to %lld days after a title's deliveries pass.", days);
        break;
    case PLAN_STEP_CHANNELS_LAUNCH:
        if (p->timeline_missing)
            buf_puts(b, "Your Partner Launch Manager has not set the launch timeline yet; it "
                        "adds lead time for launch titles and pre-publishing QA testing, so the "
                        "earliest date may move.");
        else if (s->status == PLAN_DONE)
            buf_printf(b, "The launch timeline's last milestone (%s) has passed.",
                       fmt_day(s->to, d));
        else
            buf_printf(b,
                       "The launch timeline set by your Partner Launch Manager ends on %s "
                       "(pre-publishing QA testing included).",
                       fmt_day(s->to, d));
        break;
    }
}

static void reason(struct buf *b, const struct plan *p)
{
    char t[11], e[11], s[11];
    fmt_day(p->target, t);
    fmt_day(p->earliest, e);
    fmt_day(p->standard_end, s);
    if (p->feasible) {
        buf_printf(b,
                   "The target %s is on or after the earliest date the standard path allows "
                   "(%s).",
                   t, e);
        if (p->timeline_missing)
            buf_puts(b, " The Channels launch timeline is not set yet and may move it.");
        return;
    }
    if (p->target < p->today)
        buf_printf(b, "The target %s has already passed. ", t);
    if (p->needs_posthouse) {
        buf_printf(b,
                   "The target %s is before the earliest date the standard path allows (%s): "
                   "an onboarded posthouse must deliver for you.",
                   t, s);
        if (p->target < p->today + PLAN_PUBLISHING_DAYS) {
            char q[11];
            buf_printf(b,
                       " Even then, publishing takes up to %d days after deliveries pass "
                       "(from %s).",
                       PLAN_PUBLISHING_DAYS, fmt_day(p->today + PLAN_PUBLISHING_DAYS, q));
        }
        if (p->earliest > p->standard_end)
            buf_printf(b, " The Channels launch timeline ends on %s.", e);
    } else if (p->target < p->standard_end) {
        buf_printf(b,
                   "The target %s is too soon: publishing takes up to %d days after a title's "
                   "deliveries pass, so the earliest is %s.",
                   t, PLAN_PUBLISHING_DAYS, s);
    } else {
        buf_printf(b,
                   "The target %s is before the end of the Channels launch timeline (%s), set "
                   "by your Partner Launch Manager.",
                   t, e);
    }
}

json_t *planner_plan_json(const struct plan *p)
{
    json_t *steps = json_array();
    for (size_t i = 0; i < p->n_steps; i++) {
        const struct plan_step *s = &p->steps[i];
        struct buf note = {0};
        step_note(&note, p, s);
        json_array_append_new(
            steps,
            json_pack("{s:s, s:o, s:o, s:o, s:o, s:I, s:s, s:s}", "name", plan_step_name(s->name),
                      "from", date_json(s->from), "to", date_json(s->to), "days",
                      s->days == PLAN_NO_DAY ? json_null() : json_integer(s->days), "remaining",
                      s->remaining == PLAN_NO_DAY ? json_null() : json_integer(s->remaining),
                      "overdue", (json_int_t)s->overdue, "status", plan_status_name(s->status),
                      "note", buf_str(&note)));
        buf_free(&note);
    }
    struct buf why = {0};
    reason(&why, p);
    json_t *out =
        json_pack("{s:o, s:o, s:o, s:I, s:b, s:b, s:s, s:o}", "today", date_json(p->today),
                  "target", date_json(p->target), "earliest", date_json(p->earliest),
                  "days_to_earliest", (json_int_t)(p->earliest - p->today), "feasible", p->feasible,
                  "needs_posthouse", p->needs_posthouse, "reason", buf_str(&why), "steps", steps);
    buf_free(&why);
    VG_ASSERT(out);
    return out;
}

/* ---- posthouses ---- */

static struct format_set approved_set(const char *const *names, size_t n)
{
    struct format_set s = {0};
    for (size_t i = 0; i < n; i++)
        (void)format_set_add(&s, names[i]); /* unknown strings approve nothing */
    return s;
}

size_t planner_posthouses_fit(const struct format_set *intended, const struct posthouse_formats *ph,
                              size_t n, size_t *fit)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        struct format_set have = approved_set(ph[i].approved, ph[i].n_approved);
        if (format_set_covers(&have, intended))
            fit[k++] = i;
    }
    return k;
}

json_t *planner_posthouses_fit_json(const struct format_set *intended, const json_t *posthouses)
{
    json_t *out = json_array();
    size_t i, j;
    const json_t *ph, *f;
    json_array_foreach(posthouses, i, ph) {
        struct format_set have = {0};
        json_array_foreach(json_object_get(ph, "approved_formats"), j, f) {
            if (json_is_string(f))
                (void)format_set_add(&have, json_string_value(f));
        }
        if (format_set_covers(&have, intended))
            json_array_append(out, (json_t *)ph);
    }
    return out;
}
