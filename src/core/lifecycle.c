/*
 * The lifecycle rules: see lifecycle.h. Each step has one check function of
 * the facts; the text of a refusal names what is missing, not just that the
 * step is illegal.
 */
#include "core/lifecycle.h"

#include <stdio.h>
#include <string.h>

static const char *const stage_names[STAGE_N] = {
    [STAGE_INVITED] = "invited",     [STAGE_QUESTIONNAIRE] = "questionnaire",
    [STAGE_SETUP] = "setup",         [STAGE_TRAINING] = "training",
    [STAGE_STOPPED] = "stopped",     [STAGE_ESCALATED] = "escalated",
    [STAGE_STEADY] = "steady_state",
};

static const char *const item_names[ITEM_N] = {"alias", "transfer_account", "portal_account"};
static const char *const item_labels[ITEM_N] = {"partner alias", "transfer account",
                                                "portal account"};

const char *stage_name(enum stage s)
{
    return s < STAGE_N ? stage_names[s] : "unknown";
}

enum stage stage_parse(const char *s)
{
    for (int i = 0; s && i < STAGE_N; i++)
        if (!strcmp(stage_names[i], s))
            return (enum stage)i;
    return STAGE_N;
}

const char *setup_item_name(enum setup_item i)
{
    return i < ITEM_N ? item_names[i] : "unknown";
}

enum setup_item setup_item_parse(const char *s)
{
    for (int i = 0; s && i < ITEM_N; i++)
        if (!strcmp(item_names[i], s))
            return (enum setup_item)i;
    return ITEM_N;
}

const char *setup_item_label(enum setup_item i)
{
    return i < ITEM_N ? item_labels[i] : "unknown item";
}

bool lifecycle_in_training(enum stage s)
{
    return s == STAGE_TRAINING || s == STAGE_ESCALATED;
}

int64_t lifecycle_current_owner(enum stage s, int64_t cam_id, int64_t pim_id, int64_t pom_id)
{
    if (s == STAGE_STEADY && pom_id)
        return pom_id;
    return pim_id ? pim_id : cam_id;
}

#define REFUSE(...)                                                                                \
    do {                                                                                           \
        snprintf(why, why_len, __VA_ARGS__);                                                       \
        return false;                                                                              \
    } while (0)

/* Refuses unless the partner is in one of the stages of mask (bits of enum stage). */
static bool stage_in(const struct lifecycle_facts *f, unsigned mask, const char *doing, char *why,
                     size_t why_len)
{
    if (mask & (1u << f->stage))
        return true;
    char list[160] = "";
    for (int s = 0; s < STAGE_N; s++)
        if (mask & (1u << s))
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", *list ? " or " : "",
                     stage_names[s]);
    REFUSE("cannot %s: the partner is in stage %s, and this needs %s", doing, stage_name(f->stage),
           list);
}

#define S(x) (1u << (x))

bool lifecycle_may(enum step step, const struct lifecycle_facts *f, char *why, size_t why_len)
{
    why[0] = '\0';
    switch (step) {
    case STEP_SEND_QUESTIONNAIRE:
        return stage_in(f, S(STAGE_INVITED) | S(STAGE_QUESTIONNAIRE), "send the questionnaire", why,
                        why_len);
    case STEP_ANSWER:
        return stage_in(f, S(STAGE_QUESTIONNAIRE), "change the questionnaire answers", why,
                        why_len);
    case STEP_SUBMIT:
        if (f->stage == STAGE_INVITED)
            REFUSE("cannot submit the questionnaire: it has not been sent yet");
        return stage_in(f, S(STAGE_QUESTIONNAIRE), "submit the questionnaire", why, why_len);
    case STEP_SETUP_ITEM:
        return stage_in(f, S(STAGE_SETUP) | S(STAGE_TRAINING) | S(STAGE_STEADY),
                        "provision a setup item", why, why_len);
    case STEP_PLAN:
        return stage_in(f, S(STAGE_SETUP) | S(STAGE_TRAINING), "plan the training", why, why_len);
    case STEP_CONFIRM: {
        if (!stage_in(f, S(STAGE_SETUP), "confirm setup", why, why_len))
            return false;
        char pending[120] = "";
        int n = 0;
        for (int i = 0; i < ITEM_N; i++)
            if (!f->item_done[i])
                snprintf(pending + strlen(pending), sizeof pending - strlen(pending), "%s%s",
                         n++ ? ", " : "", item_labels[i]);
        if (n)
            REFUSE("setup is not confirmed: %s %s still pending", pending, n > 1 ? "are" : "is");
        if (!f->training_skipped && f->n_modules == 0)
            REFUSE("setup is not confirmed: choose the training modules first "
                   "(PUT /api/v1/partners/{id}/training/plan)");
        return true;
    }
    case STEP_REQUEST:
        return stage_in(f, S(STAGE_TRAINING) | S(STAGE_ESCALATED) | S(STAGE_STEADY),
                        "issue a delivery request", why, why_len);
    case STEP_DECIDE:
        if (!stage_in(f, S(STAGE_TRAINING) | S(STAGE_ESCALATED), "decide on the training", why,
                      why_len))
            return false;
        if (!f->decision_pending)
            REFUSE("there is no decision to make: a decision is asked for after the third "
                   "warning");
        return true;
    case STEP_RESUME:
        return stage_in(f, S(STAGE_STOPPED) | S(STAGE_ESCALATED), "resume the training", why,
                        why_len);
    case STEP_COMPLETE:
        return stage_in(f, S(STAGE_TRAINING) | S(STAGE_ESCALATED), "complete the training", why,
                        why_len);
    case STEP_ALTERNATE:
        return stage_in(f,
                        S(STAGE_QUESTIONNAIRE) | S(STAGE_SETUP) | S(STAGE_TRAINING) |
                            S(STAGE_STOPPED) | S(STAGE_ESCALATED) | S(STAGE_STEADY),
                        "ask for an alternate solution", why, why_len);
    case STEP_N:
        break;
    }
    REFUSE("unknown step");
}

enum stage lifecycle_after_confirm(const struct lifecycle_facts *f)
{
    return f->training_skipped ? STAGE_STEADY : STAGE_TRAINING;
}

bool lifecycle_alias_ok(const char *alias)
{
    size_t n = strlen(alias);
    if (n < 3 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = alias[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}
