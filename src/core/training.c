/*
 * Training-plan rules: see training.h. The checks run in a fixed order so one
 * plan always gets the same message: unknown names first (a typo is the most
 * useful thing to report), then duplicates, then what the facts allow.
 */
#include "core/training.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static const char *const module_names[TRAINING_N_MODULES] = {
    [TRAINING_TECHNICAL_ASSET_REVIEW] = "technical_asset_review",
    [TRAINING_AVAILS_REVIEW] = "avails_review",
    [TRAINING_PHASED_REVIEW] = "phased_review",
};

const char *training_module_name(enum training_module m)
{
    if ((unsigned)m >= TRAINING_N_MODULES)
        return NULL;
    return module_names[m];
}

int training_module_parse(const char *name, enum training_module *out)
{
    for (int m = 0; name && m < TRAINING_N_MODULES; m++)
        if (strcmp(name, module_names[m]) == 0) {
            *out = (enum training_module)m;
            return 0;
        }
    return -1;
}

const char *training_err_name(int err)
{
    switch (err) {
    case TRAINING_OK:
        return "ok";
    case TRAINING_ERR_UNKNOWN_MODULE:
        return "unknown_module";
    case TRAINING_ERR_DUPLICATE:
        return "duplicate_module";
    case TRAINING_ERR_EMPTY:
        return "empty_plan";
    case TRAINING_ERR_SKIPPED:
        return "training_skipped";
    case TRAINING_ERR_AVAILS_ONLY:
        return "avails_review_only";
    }
    return "unknown_error";
}

bool training_is_skipped(const struct training_facts *facts)
{
    return facts->already_onboarded;
}

/* Sets *message (when wanted) and returns code: the one exit of a refusal. */
static int refuse(char **message, int code, char *text)
{
    if (message)
        *message = text;
    else
        free(text);
    return code;
}

/*
 * Module names in a message are cut to at most NAME_SHOWN bytes (the API
 * echoes them back), never inside a UTF-8 sequence, so the message stays
 * valid UTF-8 for jansson.
 */
#define NAME_SHOWN 64

static int shown_len(const char *s)
{
    size_t len = strnlen(s, NAME_SHOWN + 1);
    if (len <= NAME_SHOWN)
        return (int)len;
    len = NAME_SHOWN;
    while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
        len--;
    return (int)len;
}

int training_plan_check(const char *const *modules, size_t n, const struct training_facts *facts,
                        char **message)
{
    if (message)
        *message = NULL;
    for (size_t i = 0; i < n; i++) {
        enum training_module m;
        if (training_module_parse(modules[i], &m) != 0)
            return refuse(message, TRAINING_ERR_UNKNOWN_MODULE,
                          xasprintf("'%.*s' is not a training module: choose from "
                                    "technical_asset_review, avails_review, phased_review",
                                    modules[i] ? shown_len(modules[i]) : 6,
                                    modules[i] ? modules[i] : "(null)"));
    }
    bool seen[TRAINING_N_MODULES] = {false};
    for (size_t i = 0; i < n; i++) {
        enum training_module m;
        VG_ASSERT(training_module_parse(modules[i], &m) == 0);
        if (seen[m])
            return refuse(message, TRAINING_ERR_DUPLICATE,
                          xasprintf("%s is listed twice: list each module once", module_names[m]));
        seen[m] = true;
    }
    if (facts->already_onboarded) {
        if (n == 0)
            return TRAINING_OK;
        return refuse(message, TRAINING_ERR_SKIPPED,
                      xstrdup("the partner is already onboarded, so training is skipped: "
                              "the plan must be empty"));
    }
    if (facts->via_posthouse && facts->posthouse_onboarded) {
        if (n == 1 && seen[TRAINING_AVAILS_REVIEW])
            return TRAINING_OK;
        return refuse(message, TRAINING_ERR_AVAILS_ONLY,
                      xstrdup("the partner delivers through an onboarded posthouse, so only "
                              "avails_review applies"));
    }
    if (n == 0)
        return refuse(message, TRAINING_ERR_EMPTY,
                      xstrdup("the plan is empty: pick at least one of technical_asset_review, "
                              "avails_review, phased_review (only an already-onboarded partner "
                              "skips training)"));
    return TRAINING_OK;
}
