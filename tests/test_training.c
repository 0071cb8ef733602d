/*
 * Tests of core/training.c: each rule of SPEC section 2 item 3 as a row of a
 * table (plan, facts, expected code and the words the message must say), then
 * the names, the codes and the message's safety with hostile module names.
 */
#include <jansson.h>

#include "base/mem.h"
#include "core/training.h"
#include "t.h"

enum facts_id {
    NEW,          /* delivers by itself, not onboarded */
    ONBOARDED,    /* already onboarded itself */
    PH_ONBOARDED, /* through an onboarded posthouse */
    PH_NEW,       /* through a posthouse that is not onboarded */
    ONBOARDED_PH, /* already onboarded and through an onboarded posthouse */
    SELF_STALE,   /* delivers by itself; posthouse_onboarded left over from an old answer */
};

static const struct training_facts facts_of[] = {
    [NEW] = {false, false, false},        [ONBOARDED] = {true, false, false},
    [PH_ONBOARDED] = {false, true, true}, [PH_NEW] = {false, true, false},
    [ONBOARDED_PH] = {true, true, true},  [SELF_STALE] = {false, false, true},
};

struct row {
    const char *what;
    const char *plan; /* module names separated by ',' ("" = empty plan) */
    enum facts_id facts;
    int rc;
    const char *says; /* a substring of the message, when refused */
};

static const struct row rows[] = {
    {"new partner, the standard pair", "technical_asset_review,avails_review", NEW, TRAINING_OK,
     NULL},
    {"new partner, phased review alone", "phased_review", NEW, TRAINING_OK, NULL},
    {"new partner, all three", "technical_asset_review,avails_review,phased_review", NEW,
     TRAINING_OK, NULL},
    {"new partner, avails only", "avails_review", NEW, TRAINING_OK, NULL},
    {"new partner, empty plan", "", NEW, TRAINING_ERR_EMPTY, "at least one"},
    {"unknown module", "avails_review,asset_review", NEW, TRAINING_ERR_UNKNOWN_MODULE,
     "'asset_review' is not a training module"},
    {"names are exact (case)", "Avails_Review", NEW, TRAINING_ERR_UNKNOWN_MODULE,
     "'Avails_Review'"},
    {"duplicate module", "avails_review,technical_asset_review,avails_review", NEW,
     TRAINING_ERR_DUPLICATE, "avails_review is listed twice"},
    {"unknown is reported before duplicate", "avails_review,avails_review,nope", NEW,
     TRAINING_ERR_UNKNOWN_MODULE, "'nope'"},
    {"already onboarded: empty plan", "", ONBOARDED, TRAINING_OK, NULL},
    {"already onboarded: any module refused", "avails_review", ONBOARDED, TRAINING_ERR_SKIPPED,
     "already onboarded, so training is skipped"},
    {"already onboarded: phased refused", "phased_review", ONBOARDED, TRAINING_ERR_SKIPPED,
     "the plan must be empty"},
    {"onboarded partner wins over the posthouse rule", "avails_review", ONBOARDED_PH,
     TRAINING_ERR_SKIPPED, "training is skipped"},
    {"onboarded posthouse: avails only", "avails_review", PH_ONBOARDED, TRAINING_OK, NULL},
    {"onboarded posthouse: technical refused", "technical_asset_review", PH_ONBOARDED,
     TRAINING_ERR_AVAILS_ONLY,
     "delivers through an onboarded posthouse, so only avails_review "
     "applies"},
    {"onboarded posthouse: avails plus more refused", "avails_review,phased_review", PH_ONBOARDED,
     TRAINING_ERR_AVAILS_ONLY, "only avails_review applies"},
    {"onboarded posthouse: empty refused", "", PH_ONBOARDED, TRAINING_ERR_AVAILS_ONLY,
     "only avails_review"},
    {"posthouse not onboarded: any set", "technical_asset_review,avails_review", PH_NEW,
     TRAINING_OK, NULL},
    {"posthouse not onboarded: empty refused", "", PH_NEW, TRAINING_ERR_EMPTY, "at least one"},
    {"self delivery ignores a stale posthouse answer", "technical_asset_review", SELF_STALE,
     TRAINING_OK, NULL},
};

/* Splits plan on ',' into at most 8 names kept in storage. */
static size_t split(const char *plan, char storage[8][64], const char *names[8])
{
    size_t n = 0;
    for (const char *p = plan; *p && n < 8;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        snprintf(storage[n], 64, "%.*s", (int)len, p);
        names[n] = storage[n];
        n++;
        p += len + (e ? 1 : 0);
    }
    return n;
}

TEST(training_rules_table)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char storage[8][64];
        const char *names[8];
        size_t n = split(rows[i].plan, storage, names);
        char *message = (char *)"untouched";
        int rc = training_plan_check(names, n, &facts_of[rows[i].facts], &message);
        if (rc != rows[i].rc)
            printf("  row '%s': rc %d (%s), want %d\n", rows[i].what, rc, training_err_name(rc),
                   rows[i].rc);
        CHECK_INT_EQ(rc, rows[i].rc);
        if (rows[i].rc == TRAINING_OK) {
            CHECK(message == NULL);
        } else {
            CHECK(message != NULL);
            if (message && rows[i].says && !strstr(message, rows[i].says)) {
                printf("  row '%s': message \"%s\" lacks \"%s\"\n", rows[i].what, message,
                       rows[i].says);
                CHECK(!"message says why");
            }
            /* The message without the out-parameter: same code, nothing leaks. */
            CHECK_INT_EQ(training_plan_check(names, n, &facts_of[rows[i].facts], NULL), rc);
        }
        free(message == (char *)"untouched" ? NULL : message);
    }
}

TEST(training_module_names_round_trip)
{
    for (int m = 0; m < TRAINING_N_MODULES; m++) {
        enum training_module back;
        CHECK_INT_EQ(training_module_parse(training_module_name((enum training_module)m), &back),
                     0);
        CHECK_INT_EQ(back, m);
    }
    CHECK_STR_EQ(training_module_name(TRAINING_PHASED_REVIEW), "phased_review");
    CHECK(training_module_name(TRAINING_N_MODULES) == NULL);
    enum training_module m;
    CHECK_INT_EQ(training_module_parse(NULL, &m), -1);
    CHECK_INT_EQ(training_module_parse("", &m), -1);
    CHECK_STR_EQ(training_err_name(TRAINING_ERR_AVAILS_ONLY), "avails_review_only");
    CHECK_STR_EQ(training_err_name(-99), "unknown_error");
}

TEST(training_skipped_only_for_onboarded_partner)
{
    CHECK(training_is_skipped(&facts_of[ONBOARDED]));
    CHECK(training_is_skipped(&facts_of[ONBOARDED_PH]));
    CHECK(!training_is_skipped(&facts_of[PH_ONBOARDED]));
    CHECK(!training_is_skipped(&facts_of[NEW]));
}

TEST(training_message_is_bounded_and_valid_utf8)
{
    /* A 300-byte name of 2-byte characters: cut at a character boundary, never mid-sequence. */
    char name[301];
    for (int i = 0; i < 150; i++)
        memcpy(name + 2 * i, "\xc3\xa9", 2); /* é */
    name[300] = '\0';
    const char *names[] = {name};
    char *message = NULL;
    CHECK_INT_EQ(training_plan_check(names, 1, &facts_of[NEW], &message),
                 TRAINING_ERR_UNKNOWN_MODULE);
    CHECK(message && strlen(message) < 200);
    json_t *s = json_string(message); /* NULL when not valid UTF-8 */
    CHECK(s != NULL);
    json_decref(s);
    free(message);

    const char *with_null[] = {NULL};
    CHECK_INT_EQ(training_plan_check(with_null, 1, &facts_of[NEW], &message),
                 TRAINING_ERR_UNKNOWN_MODULE);
    CHECK(message && strstr(message, "(null)"));
    free(message);
}

T_MAIN
