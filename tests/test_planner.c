/*
 * Tests of core/planner.c and core/formats.c. The plan table has one row per
 * situation, with the day counts worked by hand in its comment: the guide's
 * example (a prospect on 2026-11-27 wanting to publish within 40 days needs a
 * posthouse; earliest 54 days out, 2027-01-20), a partner halfway through
 * setup, one in training with 12 days left, a stopped training, steady state,
 * skipped training, overdue clocks, Channels partners whose last milestone is
 * later or earlier than the standard path or not set, month and year ends,
 * and 29 February. Then the JSON a person reads, the clock's last day in a
 * zone, and the posthouse filter over the format vocabulary.
 */
#include <jansson.h>
#include <strings.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "core/formats.h"
#include "core/planner.h"
#include "core/zone.h"
#include "t.h"

#define NO PLAN_NO_DAY

static int64_t D(const char *s)
{
    struct civil_date d;
    if (!s)
        return NO;
    if (date_parse(s, &d) != 0) {
        printf("  bad date in test: %s\n", s);
        abort();
    }
    return days_from_civil(d.year, d.month, d.day);
}

struct row {
    const char *what;
    const char *today;
    enum plan_stage stage;
    const char *setup_target, *training_cap; /* NULL: clock not started */
    bool skipped, channels;
    const char *milestone; /* NULL: none */
    const char *target;
    const char *earliest;
    bool feasible, needs_posthouse;
    const char *steps; /* name:status:remaining per step, comma-separated */
};

static const struct row plan_rows[] = {
    /* The guide: 2026-11-27 + 10 + 30 + 14 = +54: Nov 30 (+3), Dec 31 (+34), Jan 20 (+54). */
    {"guide: prospect wants to publish within 40 days", "2026-11-27", PLAN_PROSPECT, NULL, NULL,
     false, false, NULL, "2027-01-06", "2027-01-20", false, true,
     "setup:planned:10,training:planned:30,publishing:planned:14"},
    {"prospect, target exactly the earliest", "2026-11-27", PLAN_PROSPECT, NULL, NULL, false, false,
     NULL, "2027-01-20", "2027-01-20", true, false,
     "setup:planned:10,training:planned:30,publishing:planned:14"},
    {"prospect, target one day short", "2026-11-27", PLAN_PROSPECT, NULL, NULL, false, false, NULL,
     "2027-01-19", "2027-01-20", false, true, NULL},
    {"invited and questionnaire count like a prospect", "2026-11-27", PLAN_QUESTIONNAIRE, NULL,
     NULL, false, false, NULL, "2027-02-01", "2027-01-20", true, false, NULL},
    /* Submitted 2026-11-22: target 2026-12-02, 5 days left; +5 +30 +14 = +49 = 2027-01-15. */
    {"halfway through setup", "2026-11-27", PLAN_SETUP, "2026-12-02", NULL, false, false, NULL,
     "2027-01-10", "2027-01-15", false, true,
     "setup:in_progress:5,training:planned:30,publishing:planned:14"},
    /* Target 2026-11-20 passed a week ago: 0 left, then +30 +14 = 2027-01-10. */
    {"setup past its target and still open", "2026-11-27", PLAN_SETUP, "2026-11-20", NULL, false,
     false, NULL, "2027-01-10", "2027-01-10", true, false,
     "setup:in_progress:0,training:planned:30,publishing:planned:14"},
    /* Already onboarded, 5 days of setup left, no training: +5 +14 = 2026-12-16. */
    {"setup with training skipped", "2026-11-27", PLAN_SETUP, "2026-12-02", NULL, true, false, NULL,
     "2026-12-16", "2026-12-16", true, false,
     "setup:in_progress:5,training:skipped:0,publishing:planned:14"},
    {"prospect that will skip training", "2026-11-27", PLAN_PROSPECT, NULL, NULL, true, false, NULL,
     "2026-12-31", "2026-12-21", true, false,
     "setup:planned:10,training:skipped:0,publishing:planned:14"},
    /* Cap 2026-12-09: 12 days left; +12 +14 = +26 = 2026-12-23. */
    {"in training with 12 days left", "2026-11-27", PLAN_TRAINING, "2026-11-02", "2026-12-09",
     false, false, NULL, "2026-12-23", "2026-12-23", true, false,
     "setup:done:0,training:in_progress:12,publishing:planned:14"},
    {"in training, target before the earliest", "2026-11-27", PLAN_TRAINING, NULL, "2026-12-09",
     false, false, NULL, "2026-12-20", "2026-12-23", false, true, NULL},
    {"stopped training counts as if running", "2026-11-27", PLAN_STOPPED, NULL, "2026-12-09", false,
     false, NULL, "2026-12-23", "2026-12-23", true, false,
     "setup:done:0,training:in_progress:12,publishing:planned:14"},
    {"escalated training counts as if running", "2026-11-27", PLAN_ESCALATED, NULL, "2026-12-09",
     false, false, NULL, "2026-12-22", "2026-12-23", false, true, NULL},
    {"training cap already passed", "2026-11-27", PLAN_TRAINING, NULL, "2026-11-20", false, false,
     NULL, "2026-12-11", "2026-12-11", true, false,
     "setup:done:0,training:in_progress:0,publishing:planned:14"},
    /* Steady state: +14 only; a posthouse cannot shorten publishing. */
    {"steady state", "2026-11-27", PLAN_STEADY_STATE, NULL, NULL, false, false, NULL, "2026-12-11",
     "2026-12-11", true, false, "setup:done:0,training:done:0,publishing:planned:14"},
    {"steady state after a skipped training", "2026-11-27", PLAN_STEADY_STATE, NULL, NULL, true,
     false, NULL, "2026-12-11", "2026-12-11", true, false,
     "setup:done:0,training:skipped:0,publishing:planned:14"},
    {"a partner in training ignores the skipped flag", "2026-11-27", PLAN_TRAINING, NULL,
     "2026-12-09", true, false, NULL, "2026-12-23", "2026-12-23", true, false,
     "setup:done:0,training:in_progress:12,publishing:planned:14"},
    {"steady state, too soon: no posthouse", "2026-11-27", PLAN_STEADY_STATE, NULL, NULL, false,
     false, NULL, "2026-12-01", "2026-12-11", false, false, NULL},
    /* Channels: standard end 2027-01-20, last milestone 2027-03-15 wins. */
    {"channels, milestone later than the standard path", "2026-11-27", PLAN_PROSPECT, NULL, NULL,
     false, true, "2027-03-15", "2027-03-15", "2027-03-15", true, false,
     "setup:planned:10,training:planned:30,publishing:planned:14,channels_launch:in_progress:108"},
    {"channels, target between standard end and milestone", "2026-11-27", PLAN_PROSPECT, NULL, NULL,
     false, true, "2027-03-15", "2027-02-01", "2027-03-15", false, false, NULL},
    {"channels, target before the standard end", "2026-11-27", PLAN_PROSPECT, NULL, NULL, false,
     true, "2027-03-15", "2027-01-10", "2027-03-15", false, true, NULL},
    {"channels, milestone earlier than the standard path", "2026-11-27", PLAN_TRAINING, NULL,
     "2026-12-09", false, true, "2026-12-15", "2026-12-23", "2026-12-23", true, false,
     "setup:done:0,training:in_progress:12,publishing:planned:14,channels_launch:in_progress:18"},
    {"channels, milestone passed", "2026-11-27", PLAN_STEADY_STATE, NULL, NULL, false, true,
     "2026-11-01", "2026-12-11", "2026-12-11", true, false,
     "setup:done:0,training:done:0,publishing:planned:14,channels_launch:done:0"},
    {"channels, timeline not set yet", "2026-11-27", PLAN_PROSPECT, NULL, NULL, false, true, NULL,
     "2027-02-01", "2027-01-20", true, false,
     "setup:planned:10,training:planned:30,publishing:planned:14,channels_launch:planned:?"},
    /* Month and year ends: 2026-12-20 + 54: Dec 31 (+11), Jan 31 (+42), Feb 12 (+54). */
    {"across the year end", "2026-12-20", PLAN_PROSPECT, NULL, NULL, false, false, NULL,
     "2027-02-12", "2027-02-12", true, false, NULL},
    /* 2026-12-31 in setup, target 2027-01-05 (5 left): +5 +30 +14 = +49 = 2027-02-18. */
    {"on new year's eve in setup", "2026-12-31", PLAN_SETUP, "2027-01-05", NULL, false, false, NULL,
     "2027-02-18", "2027-02-18", true, false, NULL},
    /* 2027-01-31 steady: +14 = 2027-02-14. */
    {"from the end of January", "2027-01-31", PLAN_STEADY_STATE, NULL, NULL, false, false, NULL,
     "2027-02-14", "2027-02-14", true, false, NULL},
    /* Leap year: 2028-01-10 + 54: Jan 31 (+21), Feb 29 (+50), Mar 4 (+54). */
    {"across 29 February 2028", "2028-01-10", PLAN_PROSPECT, NULL, NULL, false, false, NULL,
     "2028-03-04", "2028-03-04", true, false, NULL},
    /* Common year: 2027-01-10 + 54: Jan 31 (+21), Feb 28 (+49), Mar 5 (+54). */
    {"across February 2027", "2027-01-10", PLAN_PROSPECT, NULL, NULL, false, false, NULL,
     "2028-03-04", "2027-03-05", true, false, NULL},
    /* 2028-02-20 steady +14: Feb 29 (+9), Mar 5 (+14). */
    {"steady state over 29 February", "2028-02-20", PLAN_STEADY_STATE, NULL, NULL, false, false,
     NULL, "2028-03-05", "2028-03-05", true, false, NULL},
    {"today is 29 February", "2028-02-29", PLAN_TRAINING, NULL, "2028-03-10", false, false, NULL,
     "2028-03-24", "2028-03-24", true, false, NULL},
    /* 2100 is not a leap year: 2100-02-20 + 14 = 2100-03-06. */
    {"the year 2100 has no 29 February", "2100-02-20", PLAN_STEADY_STATE, NULL, NULL, false, false,
     NULL, "2100-03-06", "2100-03-06", true, false, NULL},
    {"a target in the past", "2026-11-27", PLAN_PROSPECT, NULL, NULL, false, false, NULL,
     "2026-11-01", "2027-01-20", false, true, NULL},
};

static void steps_string(const struct plan *p, struct buf *out)
{
    for (size_t i = 0; i < p->n_steps; i++) {
        buf_printf(out, "%s%s:%s:", i ? "," : "", plan_step_name(p->steps[i].name),
                   plan_status_name(p->steps[i].status));
        if (p->steps[i].remaining == PLAN_NO_DAY)
            buf_puts(out, "?");
        else
            buf_printf(out, "%lld", (long long)p->steps[i].remaining);
    }
}

TEST(plan_table)
{
    for (size_t i = 0; i < sizeof plan_rows / sizeof plan_rows[0]; i++) {
        const struct row *r = &plan_rows[i];
        struct plan_input in = {D(r->today), r->stage,    D(r->setup_target), D(r->training_cap),
                                r->skipped,  r->channels, D(r->milestone),    D(r->target)};
        struct plan p;
        int rc = planner_plan(&in, &p);
        struct buf steps = {0};
        steps_string(&p, &steps);
        char got[11] = "";
        if (rc == PLAN_OK)
            date_format(civil_from_days(p.earliest), got);
        if (rc != PLAN_OK || strcmp(got, r->earliest) != 0 || p.feasible != r->feasible ||
            p.needs_posthouse != r->needs_posthouse ||
            (r->steps && strcmp(buf_str(&steps), r->steps) != 0)) {
            printf("  row '%s': rc %d earliest %s feasible %d posthouse %d steps %s\n", r->what, rc,
                   got, p.feasible, p.needs_posthouse, buf_str(&steps));
            CHECK(!"plan row");
        }
        /* The standard steps chain: each starts where the previous one ended. */
        int64_t at = in.today;
        for (size_t k = 0; k < p.n_steps; k++) {
            const struct plan_step *s = &p.steps[k];
            if (s->name == PLAN_STEP_CHANNELS_LAUNCH || s->from == PLAN_NO_DAY)
                continue;
            CHECK_INT_EQ(s->from, at);
            CHECK_INT_EQ(s->to - s->from, s->remaining);
            at = s->to;
        }
        CHECK_INT_EQ(p.standard_end, at);
        buf_free(&steps);
    }
}

TEST(guide_example_forty_days)
{
    /* "If your content must be published earlier than these timelines (e.g., within 40 days),
       a posthouse must be used": every target within 40 days of a prospect's today. */
    int64_t today = D("2026-11-27");
    for (int64_t d = 0; d <= 40; d++) {
        struct plan_input in = {today, PLAN_PROSPECT, NO, NO, false, false, NO, today + d};
        struct plan p;
        CHECK_INT_EQ(planner_plan(&in, &p), PLAN_OK);
        CHECK(p.needs_posthouse && !p.feasible);
        CHECK_INT_EQ(p.earliest - today, 54);
    }
}

TEST(plan_json_reads_like_a_plan)
{
    struct plan_input in = {D("2026-11-27"), PLAN_PROSPECT, NO, NO,
                            false,           false,         NO, D("2027-01-06")};
    struct plan p;
    CHECK_INT_EQ(planner_plan(&in, &p), PLAN_OK);
    json_t *j = planner_plan_json(&p);
    CHECK_STR_EQ(json_string_value(json_object_get(j, "earliest")), "2027-01-20");
    CHECK_STR_EQ(json_string_value(json_object_get(j, "today")), "2026-11-27");
    CHECK_STR_EQ(json_string_value(json_object_get(j, "target")), "2027-01-06");
    CHECK_INT_EQ(json_integer_value(json_object_get(j, "days_to_earliest")), 54);
    CHECK(json_is_false(json_object_get(j, "feasible")));
    CHECK(json_is_true(json_object_get(j, "needs_posthouse")));
    const char *why = json_string_value(json_object_get(j, "reason"));
    CHECK(why && strstr(why, "an onboarded posthouse must deliver for you"));
    json_t *steps = json_object_get(j, "steps");
    CHECK_INT_EQ(json_array_size(steps), 3);
    json_t *setup = json_array_get(steps, 0);
    CHECK_STR_EQ(json_string_value(json_object_get(setup, "name")), "setup");
    CHECK_STR_EQ(json_string_value(json_object_get(setup, "from")), "2026-11-27");
    CHECK_STR_EQ(json_string_value(json_object_get(setup, "to")), "2026-12-07");
    CHECK_INT_EQ(json_integer_value(json_object_get(setup, "days")), 10);
    CHECK_INT_EQ(json_integer_value(json_object_get(setup, "remaining")), 10);
    CHECK_STR_EQ(json_string_value(json_object_get(setup, "status")), "planned");
    json_t *training = json_array_get(steps, 1);
    CHECK_STR_EQ(json_string_value(json_object_get(training, "from")), "2026-12-07");
    CHECK_STR_EQ(json_string_value(json_object_get(training, "to")), "2027-01-06");
    json_t *publishing = json_array_get(steps, 2);
    CHECK_STR_EQ(json_string_value(json_object_get(publishing, "name")), "publishing");
    CHECK_STR_EQ(json_string_value(json_object_get(publishing, "to")), "2027-01-20");
    json_decref(j);
}

TEST(plan_json_notes)
{
    static const struct {
        struct plan_input in;
        size_t step;
        const char *says;
        const char *reason;
    } rows[] = {
        {{0, PLAN_STOPPED, NO, 12, false, false, NO, 100},
         1,
         "Training is stopped; its 12 remaining days are counted as if it were running.",
         "standard path allows"},
        {{0, PLAN_SETUP, 5, NO, false, false, NO, 100},
         0,
         "5 of 10 days left to the setup target",
         NULL},
        {{10, PLAN_SETUP, 3, NO, false, false, NO, 100},
         0,
         "Setup is 7 days past its target (1970-01-04)",
         NULL},
        {{0, PLAN_TRAINING, NO, 12, false, false, NO, 100},
         1,
         "12 of 30 days left before the training cap (1970-01-13)",
         NULL},
        {{0, PLAN_SETUP, 5, NO, true, false, NO, 100},
         1,
         "Skipped: the partner is already onboarded",
         NULL},
        {{0, PLAN_PROSPECT, NO, NO, false, true, NO, 100},
         3,
         "has not set the launch timeline yet",
         "timeline is not set yet"},
        {{0, PLAN_PROSPECT, NO, NO, false, true, 90, 80},
         3,
         "ends on 1970-04-01",
         "before the end of the Channels launch timeline (1970-04-01)"},
        {{0, PLAN_STEADY_STATE, NO, NO, false, false, NO, 5},
         2,
         "Up to 14 days after a title's deliveries pass.",
         "publishing takes up to 14 days"},
        {{0, PLAN_PROSPECT, NO, NO, false, false, NO, 3},
         2,
         "Up to 14 days",
         "Even then, publishing takes up to 14 days after deliveries pass (from 1970-01-15)"},
        {{20, PLAN_PROSPECT, NO, NO, false, false, NO, 3},
         0,
         "Up to 10 days",
         "has already passed"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct plan p;
        CHECK_INT_EQ(planner_plan(&rows[i].in, &p), PLAN_OK);
        json_t *j = planner_plan_json(&p);
        const char *note = json_string_value(
            json_object_get(json_array_get(json_object_get(j, "steps"), rows[i].step), "note"));
        const char *why = json_string_value(json_object_get(j, "reason"));
        if (!note || !strstr(note, rows[i].says) ||
            (rows[i].reason && (!why || !strstr(why, rows[i].reason)))) {
            printf("  row %zu: note \"%s\" reason \"%s\"\n", i, note ? note : "(none)",
                   why ? why : "(none)");
            CHECK(!"plan note");
        }
        json_decref(j);
    }
}

TEST(plan_json_unknown_dates_are_null)
{
    struct plan_input in = {D("2026-11-27"), PLAN_STEADY_STATE, NO, NO, false, true, NO,
                            D("2027-01-06")};
    struct plan p;
    CHECK_INT_EQ(planner_plan(&in, &p), PLAN_OK);
    json_t *j = planner_plan_json(&p);
    json_t *steps = json_object_get(j, "steps");
    CHECK(json_is_null(json_object_get(json_array_get(steps, 0), "from")));
    CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(steps, 0), "status")), "done");
    json_t *launch = json_array_get(steps, 3);
    CHECK_STR_EQ(json_string_value(json_object_get(launch, "name")), "channels_launch");
    CHECK(json_is_null(json_object_get(launch, "to")));
    CHECK(json_is_null(json_object_get(launch, "remaining")));
    json_decref(j);
}

TEST(plan_invalid_input)
{
    struct plan p;
    struct plan_input in = {D("2026-11-27"), PLAN_N_STAGES, NO, NO, false, false, NO, 0};
    CHECK_INT_EQ(planner_plan(&in, &p), PLAN_ERR_INVALID);
    in.stage = PLAN_PROSPECT;
    in.target = NO;
    CHECK_INT_EQ(planner_plan(&in, &p), PLAN_ERR_INVALID);
    in.target = D("2026-12-01");
    in.today = -1;
    CHECK_INT_EQ(planner_plan(&in, &p), PLAN_ERR_INVALID);
    in.today = D("2026-11-27");
    in.setup_target = INT64_MAX;
    CHECK_INT_EQ(planner_plan(&in, &p), PLAN_ERR_INVALID);
    in.setup_target = NO;
    in.last_milestone = D("9001-01-01");
    CHECK_INT_EQ(planner_plan(&in, &p), PLAN_ERR_INVALID);
    in.last_milestone = NO;
    CHECK_INT_EQ(planner_plan(&in, &p), PLAN_OK);
}

TEST(stage_names_round_trip)
{
    static const char *const names[] = {"prospect", "invited", "questionnaire", "setup",
                                        "training", "stopped", "escalated",     "steady_state"};
    for (int s = 0; s < PLAN_N_STAGES; s++) {
        enum plan_stage back;
        CHECK_STR_EQ(plan_stage_name((enum plan_stage)s), names[s]);
        CHECK_INT_EQ(plan_stage_parse(names[s], &back), 0);
        CHECK_INT_EQ(back, s);
    }
    enum plan_stage st;
    CHECK_INT_EQ(plan_stage_parse("Setup", &st), -1);
    CHECK_INT_EQ(plan_stage_parse(NULL, &st), -1);
    CHECK(plan_stage_name(PLAN_N_STAGES) == NULL);
    CHECK_STR_EQ(plan_step_name(PLAN_STEP_CHANNELS_LAUNCH), "channels_launch");
    CHECK_STR_EQ(plan_status_name(PLAN_IN_PROGRESS), "in_progress");
}

TEST(clock_last_day_in_the_partner_zone)
{
    /* A setup clock started on day S is due at the start of S + 11; its last day is S + 10. */
    static const struct {
        const char *zone, *start_day, *last_day;
    } rows[] = {
        {"Europe/London", "2026-11-27", "2026-12-07"},
        {"Asia/Tokyo", "2026-11-27", "2026-12-07"},
        {"America/Los_Angeles", "2026-11-27", "2026-12-07"},
        {"Pacific/Auckland", "2026-12-25", "2027-01-04"},
        {"Europe/London", "2026-03-20", "2026-03-30"},    /* across the spring change */
        {"America/Santiago", "2022-09-01", "2022-09-11"}, /* due day starts at 01:00 */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct zone *z;
        CHECK_INT_EQ(zone_open(rows[i].zone, &z), ZONE_OK);
        int64_t due = zone_day_start(z, D(rows[i].start_day) + PLAN_SETUP_DAYS + 1);
        CHECK_INT_EQ(planner_last_day(z, due), D(rows[i].last_day));
    }
}

/* ---- formats and posthouses ---- */

TEST(format_vocabulary)
{
    size_t n;
    const struct format_def *all = formats_all(&n);
    CHECK_INT_EQ(n, 18);
    for (size_t i = 0; i < n; i++) {
        CHECK(format_find(all[i].name) == &all[i]);
        CHECK(format_family_name(all[i].family) != NULL);
        for (size_t j = i + 1; j < n; j++)
            CHECK(strcasecmp(all[i].name, all[j].name) != 0);
    }
    static const struct {
        const char *in, *canonical;
    } rows[] = {
        {"uhd", "UHD"},           {" 4K ", "UHD"},
        {"dfxp", "TTML"},         {"Dolby Vision", "DolbyVision"},
        {"vtt", "WebVTT"},        {"2.0", "Stereo"},
        {"dolby atmos", "Atmos"}, {"hdr10plus", "HDR10+"},
        {"stl", "EBU-STL"},       {"5.1", "5.1"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct format_def *f = format_find(rows[i].in);
        CHECK(f != NULL);
        if (f)
            CHECK_STR_EQ(f->name, rows[i].canonical);
    }
    CHECK(format_find("8K") == NULL);
    CHECK(format_find("") == NULL);
    CHECK(format_find(NULL) == NULL);
    CHECK(format_find("HDR") == NULL); /* ambiguous: HDR10, HDR10+, HLG, Dolby Vision */
    enum format_family fam;
    CHECK_INT_EQ(format_family_parse("dynamic_range", &fam), 0);
    CHECK_INT_EQ(fam, FORMAT_DYNAMIC_RANGE);
    CHECK_INT_EQ(format_family_parse("colour", &fam), -1);
    CHECK(format_family_name(FORMAT_N_FAMILIES) == NULL);
}

TEST(format_sets)
{
    struct format_set need = {0}, have = {0}, empty = {0};
    CHECK_INT_EQ(format_set_add(&need, "UHD"), 0);
    CHECK_INT_EQ(format_set_add(&need, "Atmos"), 0);
    CHECK_INT_EQ(format_set_add(&need, "Teletext"), -1);
    CHECK_INT_EQ(format_set_count(&need), 2);
    CHECK(format_set_covers(&have, &empty));
    CHECK(!format_set_covers(&have, &need));
    format_set_add(&have, "uhd");
    format_set_add(&have, "5.1");
    CHECK(!format_set_covers(&have, &need)); /* 5.1 is not Atmos */
    format_set_add(&have, "Dolby Atmos");
    CHECK(format_set_covers(&have, &need));
    CHECK(!format_set_covers(&need, &have));
}

static const char *const ph_full[] = {"UHD", "HD", "HDR10", "DolbyVision", "Atmos", "5.1", "TTML"};
static const char *const ph_no_atmos[] = {"UHD", "HDR10", "5.1", "TTML"};
static const char *const ph_aliases[] = {"4k", "hdr10", "dolby atmos", "dfxp", "Smell-o-vision"};
static const char *const ph_hd_only[] = {"HD", "SDR", "Stereo", "SRT"};

TEST(posthouses_that_fit)
{
    const struct posthouse_formats ph[] = {
        {ph_full, 7}, {ph_no_atmos, 4}, {ph_aliases, 5}, {ph_hd_only, 4}, {NULL, 0},
    };
    struct format_set intended = {0};
    format_set_add(&intended, "UHD");
    format_set_add(&intended, "HDR10");
    format_set_add(&intended, "Atmos");
    format_set_add(&intended, "TTML");
    size_t fit[5];
    size_t n = planner_posthouses_fit(&intended, ph, 5, fit);
    CHECK_INT_EQ(n, 2);
    CHECK_INT_EQ(fit[0], 0);
    CHECK_INT_EQ(fit[1], 2);

    struct format_set nothing = {0};
    CHECK_INT_EQ(planner_posthouses_fit(&nothing, ph, 5, fit), 5);

    struct format_set sd = {0};
    format_set_add(&sd, "SD");
    CHECK_INT_EQ(planner_posthouses_fit(&sd, ph, 5, fit), 0);
}

TEST(posthouses_that_fit_json)
{
    json_t *dir = json_loads(
        "[{\"id\": 7, \"name\": \"Frame Lab\", \"approved_formats\": [\"UHD\", \"HDR10\","
        " \"Atmos\", \"TTML\", \"HD\"]},"
        " {\"id\": 8, \"name\": \"Quick Post\", \"approved_formats\": [\"HD\", \"SDR\"]},"
        " {\"id\": 9, \"name\": \"No Formats\"},"
        " {\"id\": 10, \"name\": \"Odd\", \"approved_formats\": [\"uhd\", 42, \"hdr10\","
        " \"dolby atmos\", \"dfxp\"]}]",
        0, NULL);
    CHECK(dir != NULL);
    struct format_set intended = {0};
    format_set_add(&intended, "UHD");
    format_set_add(&intended, "HDR10");
    format_set_add(&intended, "Atmos");
    format_set_add(&intended, "TTML");
    json_t *fit = planner_posthouses_fit_json(&intended, dir);
    CHECK_INT_EQ(json_array_size(fit), 2);
    CHECK_INT_EQ(json_integer_value(json_object_get(json_array_get(fit, 0), "id")), 7);
    CHECK_INT_EQ(json_integer_value(json_object_get(json_array_get(fit, 1), "id")), 10);
    json_decref(fit);
    struct format_set none = {0};
    fit = planner_posthouses_fit_json(&none, dir);
    CHECK_INT_EQ(json_array_size(fit), 4);
    json_decref(fit);
    fit = planner_posthouses_fit_json(&none, NULL);
    CHECK(json_is_array(fit) && json_array_size(fit) == 0);
    json_decref(fit);
    json_decref(dir);
}

T_MAIN
