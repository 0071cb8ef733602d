/* Unit tests of core/lifecycle.c: every step in every stage, and the reasons given. */
#include "t.h"

#include "core/lifecycle.h"

static struct lifecycle_facts facts(enum stage s)
{
    struct lifecycle_facts f = {0};
    f.stage = s;
    return f;
}

/* The stages each step is allowed in (with facts that satisfy its other conditions). */
static const struct {
    enum step step;
    unsigned stages;
} allowed[] = {
    {STEP_SEND_QUESTIONNAIRE, 1u << STAGE_INVITED | 1u << STAGE_QUESTIONNAIRE},
    {STEP_ANSWER, 1u << STAGE_QUESTIONNAIRE},
    {STEP_SUBMIT, 1u << STAGE_QUESTIONNAIRE},
    {STEP_SETUP_ITEM, 1u << STAGE_SETUP | 1u << STAGE_TRAINING | 1u << STAGE_STEADY},
    {STEP_PLAN, 1u << STAGE_SETUP | 1u << STAGE_TRAINING},
    {STEP_CONFIRM, 1u << STAGE_SETUP},
    {STEP_REQUEST, 1u << STAGE_TRAINING | 1u << STAGE_ESCALATED | 1u << STAGE_STEADY},
    {STEP_DECIDE, 1u << STAGE_TRAINING | 1u << STAGE_ESCALATED},
    {STEP_RESUME, 1u << STAGE_STOPPED | 1u << STAGE_ESCALATED},
    {STEP_COMPLETE, 1u << STAGE_TRAINING | 1u << STAGE_ESCALATED},
    {STEP_ALTERNATE, 0x7fu & ~(1u << STAGE_INVITED)},
};

TEST(every_step_in_every_stage)
{
    char why[256];
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        for (int s = 0; s < STAGE_N; s++) {
            struct lifecycle_facts f = facts((enum stage)s);
            f.item_done[ITEM_ALIAS] = f.item_done[ITEM_TRANSFER] = f.item_done[ITEM_PORTAL] = true;
            f.n_modules = 1;
            f.decision_pending = true;
            bool want = (allowed[i].stages >> s) & 1;
            bool got = lifecycle_may(allowed[i].step, &f, why, sizeof why);
            if (got != want)
                printf("  step %d in stage %s: got %d\n", (int)allowed[i].step,
                       stage_name((enum stage)s), got);
            CHECK(got == want);
            if (!got)
                CHECK(strstr(why, stage_name((enum stage)s)) != NULL ||
                      strstr(why, "not been sent"));
        }
    }
}

TEST(confirm_names_the_pending_items)
{
    char why[256];
    struct lifecycle_facts f = facts(STAGE_SETUP);
    f.n_modules = 1;
    CHECK(!lifecycle_may(STEP_CONFIRM, &f, why, sizeof why));
    CHECK_STR_EQ(why, "setup is not confirmed: partner alias, transfer account, portal account "
                      "are still pending");
    f.item_done[ITEM_ALIAS] = f.item_done[ITEM_PORTAL] = true;
    CHECK(!lifecycle_may(STEP_CONFIRM, &f, why, sizeof why));
    CHECK_STR_EQ(why, "setup is not confirmed: transfer account is still pending");
    f.item_done[ITEM_TRANSFER] = true;
    CHECK(lifecycle_may(STEP_CONFIRM, &f, why, sizeof why));
    /* a plan is needed unless training is skipped */
    f.n_modules = 0;
    CHECK(!lifecycle_may(STEP_CONFIRM, &f, why, sizeof why));
    CHECK(strstr(why, "training modules") != NULL);
    f.training_skipped = true;
    CHECK(lifecycle_may(STEP_CONFIRM, &f, why, sizeof why));
    CHECK(lifecycle_after_confirm(&f) == STAGE_STEADY);
    f.training_skipped = false;
    CHECK(lifecycle_after_confirm(&f) == STAGE_TRAINING);
}

TEST(decisions_only_after_the_third_warning)
{
    char why[256];
    struct lifecycle_facts f = facts(STAGE_TRAINING);
    CHECK(!lifecycle_may(STEP_DECIDE, &f, why, sizeof why));
    CHECK(strstr(why, "third warning") != NULL);
    f.decision_pending = true;
    CHECK(lifecycle_may(STEP_DECIDE, &f, why, sizeof why));
}

TEST(submit_before_send_says_so)
{
    char why[256];
    struct lifecycle_facts f = facts(STAGE_INVITED);
    CHECK(!lifecycle_may(STEP_SUBMIT, &f, why, sizeof why));
    CHECK_STR_EQ(why, "cannot submit the questionnaire: it has not been sent yet");
}

TEST(names_round_trip_and_aliases)
{
    for (int s = 0; s < STAGE_N; s++)
        CHECK((int)stage_parse(stage_name((enum stage)s)) == s);
    CHECK(stage_parse("retired") == STAGE_N);
    for (int i = 0; i < ITEM_N; i++)
        CHECK((int)setup_item_parse(setup_item_name((enum setup_item)i)) == i);
    CHECK(setup_item_parse("password") == ITEM_N);
    CHECK(lifecycle_alias_ok("studio_a"));
    CHECK(lifecycle_alias_ok("abc"));
    CHECK(lifecycle_alias_ok("a2345678901234567890123456789012"));
    CHECK(!lifecycle_alias_ok("ab"));
    CHECK(!lifecycle_alias_ok("a23456789012345678901234567890123"));
    CHECK(!lifecycle_alias_ok("Studio"));
    CHECK(!lifecycle_alias_ok("studio-a"));
    CHECK(!lifecycle_alias_ok("studio a"));
    CHECK(lifecycle_in_training(STAGE_ESCALATED) && !lifecycle_in_training(STAGE_STOPPED));
}

/* Issue 14.5: a partner's notices go to its current owner (the pom after handover). */
TEST(current_owner_follows_the_handover)
{
    enum { CAM = 11, PIM = 22, POM = 33 };
    /* before steady state the pom (even when named early) is not the owner */
    for (int s = 0; s < STAGE_N; s++) {
        if (s == STAGE_STEADY)
            continue;
        CHECK(lifecycle_current_owner((enum stage)s, CAM, PIM, POM) == PIM);
        CHECK(lifecycle_current_owner((enum stage)s, CAM, 0, POM) == CAM);
        CHECK(lifecycle_current_owner((enum stage)s, 0, 0, POM) == 0);
    }
    CHECK(lifecycle_current_owner(STAGE_STEADY, CAM, PIM, POM) == POM);
    /* steady state without a pom (training skipped): the pim, else the cam */
    CHECK(lifecycle_current_owner(STAGE_STEADY, CAM, PIM, 0) == PIM);
    CHECK(lifecycle_current_owner(STAGE_STEADY, CAM, 0, 0) == CAM);
    CHECK(lifecycle_current_owner(STAGE_STEADY, 0, 0, 0) == 0);
}

T_MAIN
