/*
 * The onboarding questionnaire (SPEC section 2, item 2): a definition that is
 * data, and the checking of a partner's answers against it.
 *
 * The definition is a JSON document (data/questionnaire.json):
 *
 *   { "version": "2026-11-1", "title": "...", "description"?: "...",
 *     "sections": [ { "title": "...", "description"?: "...",
 *                     "questions": [ QUESTION, ... ] }, ... ] }
 *
 *   QUESTION = { "key": "legal_name",          [a-z][a-z0-9_]{0,63}, unique
 *                "label": "...", "type": TYPE, "required"?: bool, "help"?: "...",
 *                "placeholder"?: "...", "required_message"?: "Pick at least one territory",
 *                "options"?: [ {"value": "...", "label": "..."}, ... ],
 *                "vocabulary"?: VOCABULARY,
 *                "show_if"?: { "other_key": VALUE or [VALUE, ...], ... },
 *                "min"?, "max"?: number, "integer"?: bool,      (number)
 *                "max_length"?: characters,                    (text, long_text)
 *                "max_items"?: count,                          (multi_choice)
 *                "not_before_today"?: bool }                   (date)
 *
 *   TYPE        text | long_text | email | choice | multi_choice | date |
 *               yes_no | number | posthouse
 *   VOCABULARY  iso3166-1 (territory codes) | bcp47 (language tags) |
 *               format:resolution | format:dynamic_range | format:audio |
 *               format:captions (the vocabulary of core/formats.h)
 *
 * Load-time rules: keys unique; a known type; choice and multi_choice carry
 * options, a vocabulary or both (with both, every option must belong to the
 * vocabulary, and answers are limited to the options; format options must be
 * canonical format names); options only on choice types, vocabulary only on
 * choice types, the number/text/date attributes only on their types; no
 * unknown attribute (a typo such as "requried" is refused, not ignored);
 * show_if names questions that come *earlier* in the document (so visibility
 * is never circular) and each value is a valid answer to the question named.
 *
 * Answers are a JSON object { key: value }. Values, and what they become in
 * the cleaned copy (the form to store):
 *   text, long_text   string; trimmed; no control characters (long_text keeps
 *                     line breaks and tabs); at most max_length characters
 *                     (default 500 / 5000)
 *   email             string; trimmed and lower-cased (core/signin.h rules)
 *   choice            string; one option value, matched ignoring case, stored
 *                     as the option's value (or the vocabulary's canonical form)
 *   multi_choice      array of such strings; no repeats; at most max_items
 *   date              "YYYY-MM-DD"; with not_before_today, not before ctx->today
 *   yes_no            "yes" or "no" (any case; JSON true/false accepted too)
 *   number            JSON number or a numeric string; min, max, integer
 *   posthouse         a positive integer (or digit string): the id of a
 *                     posthouse organisation in the directory
 * null, "" (after trimming) and [] mean "not answered". A question is visible
 * when every show_if condition holds (the answer equals the value, or one of
 * the values; for a multi_choice answer, contains it) and the questions it
 * depends on are visible themselves; a hidden question is never required.
 *
 * Modes. QN_PARTIAL (a save): every answer given is type-checked, unknown keys
 * are refused, nothing is required. QN_SUBMIT: the same for visible questions,
 * and every visible required question must be answered; answers to hidden
 * questions are dropped without a word (the partner cannot see them to fix
 * them), so the cleaned copy keeps the visible answers only, what was actually
 * asked. A partial save keeps every valid answer, hidden or not, so that
 * switching an answer back does not lose data.
 *
 * Errors are a JSON array of {"key": ..., "message": ...} in the order of the
 * questions (then unknown keys in the order given; key is null for a problem
 * with the whole document), with messages a partner understands; values are
 * quoted, cut at 40 characters. At most QN_MAX_ERRORS entries, then one
 * closing "... more problems" entry.
 *
 * Pure: no I/O, time passed in (ctx->today), the posthouse directory asked
 * through a callback. Allocation only for the returned objects.
 */
#ifndef VG_QUESTIONNAIRE_H
#define VG_QUESTIONNAIRE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "core/formats.h"
#include "core/training.h"

/* The keys other code reads (the lead's lifecycle, the planner, the posthouse filter). */
#define QN_KEY_DELIVERY_METHOD       "delivery_method" /* choice: "self", "posthouse" */
#define QN_KEY_POSTHOUSE_NAME        "posthouse_name"
#define QN_KEY_POSTHOUSE_ID          "posthouse_id"
#define QN_KEY_POSTHOUSE_ONBOARDED   "posthouse_onboarded" /* yes_no */
#define QN_KEY_ALREADY_ONBOARDED     "already_onboarded"   /* yes_no */
#define QN_KEY_AVAILS_EXPERIENCE     "avails_experience"   /* yes_no */
#define QN_KEY_ASSET_EXPERIENCE      "asset_experience"    /* yes_no */
#define QN_KEY_FORMATS_RESOLUTION    "formats_resolution"
#define QN_KEY_FORMATS_DYNAMIC_RANGE "formats_dynamic_range"
#define QN_KEY_FORMATS_AUDIO         "formats_audio"
#define QN_KEY_FORMATS_CAPTIONS      "formats_captions"
#define QN_KEY_TARGET_LAUNCH_DATE    "target_launch_date"
#define QN_KEY_TERRITORIES           "territories"
#define QN_KEY_LANGUAGES             "languages"
#define QN_KEY_CONTENT_TYPES         "content_types"

#define QN_MAX_ERRORS    100       /* error entries before the closing "more" entry */
#define QN_MAX_QUESTIONS 500       /* a definition with more is refused */
#define QN_NO_DAY        INT64_MIN /* ctx->today when "today" is not known */

enum qn_type {
    QN_TEXT,
    QN_LONG_TEXT,
    QN_EMAIL,
    QN_CHOICE,
    QN_MULTI_CHOICE,
    QN_DATE,
    QN_YES_NO,
    QN_NUMBER,
    QN_POSTHOUSE,
    QN_N_TYPES
};

enum qn_vocabulary {
    QN_VOCAB_NONE,
    QN_VOCAB_TERRITORY, /* "iso3166-1" */
    QN_VOCAB_LANGUAGE,  /* "bcp47" */
    QN_VOCAB_FORMAT,    /* "format:<family>", with format_family set */
};

enum qn_mode {
    QN_PARTIAL, /* a save: type checks on the answers given */
    QN_SUBMIT,  /* also every visible required question answered */
};

enum qn_err {
    QN_OK = 0,
    QN_ERR_DEFINITION = -1, /* the definition document is not valid */
    QN_ERR_INVALID = -2,    /* an answer is of the wrong type or unknown (maybe missing ones too) */
    QN_ERR_INCOMPLETE = -3, /* every answer given is fine, but required ones are missing */
};

/* One question; every string is borrowed from the definition's document. */
struct qn_question {
    const char *key;
    const char *label;
    const char *help;             /* NULL when none */
    const char *required_message; /* NULL: a generic sentence */
    enum qn_type type;
    bool required;
    size_t section;        /* index of its section */
    const json_t *options; /* array of {value, label}, or NULL */
    const json_t *show_if; /* object, or NULL */
    enum qn_vocabulary vocabulary;
    enum format_family format_family; /* with QN_VOCAB_FORMAT */
    bool has_min, has_max, integer;
    double min, max;
    size_t max_length; /* characters, text types */
    size_t max_items;  /* multi_choice */
    bool not_before_today;
};

/* Opaque; immutable once loaded, so one definition may serve every thread. */
struct questionnaire;

/* What validation may ask the caller. NULL context: no date-window check, any positive id. */
struct qn_context {
    int64_t today; /* local day number (timefmt.h) in the partner's zone, or QN_NO_DAY */
    /* True when id names an onboarded posthouse in the directory; NULL: not checked. */
    bool (*posthouse_listed)(void *arg, int64_t id);
    void *arg;
};

/* The outcome of questionnaire_validate; every member is a new reference the caller owns. */
struct qn_result {
    json_t *clean;   /* object: the valid answers, cleaned (see above) */
    json_t *errors;  /* array of {key, message} */
    json_t *missing; /* array of the keys of visible required questions not answered */
};

/* "text", "long_text", ... ; NULL for another value. Static. */
const char *qn_type_name(enum qn_type type);

/*
 * Loads and checks a definition. doc is deep-copied (the caller keeps and may
 * change its own). Returns QN_OK and sets *out (free with questionnaire_free),
 * or QN_ERR_DEFINITION and, when err is not NULL, appends one line naming the
 * first problem and where it is ("question 'territories': vocabulary 'iso3166'
 * is not one of ...").
 */
int questionnaire_load(const json_t *doc, struct questionnaire **out, struct buf *err);

/* Frees q and its copy of the document; NULL is fine. */
void questionnaire_free(struct questionnaire *q);

/* The definition's "version"; owned by q. */
const char *questionnaire_version(const struct questionnaire *q);

/* The definition document itself (to render the questions); borrowed, owned by q. */
const json_t *questionnaire_document(const struct questionnaire *q);

/* The number of questions, and question i in document order (i < count). Borrowed. */
size_t questionnaire_count(const struct questionnaire *q);
const struct qn_question *questionnaire_at(const struct questionnaire *q, size_t i);

/* The question with key, or NULL. Borrowed. */
const struct qn_question *questionnaire_find(const struct questionnaire *q, const char *key);

/*
 * True when question is visible given answers (raw or cleaned; a condition on
 * an answer that is not valid does not hold). answers may be NULL (nothing
 * answered). No allocation beyond temporaries.
 */
bool questionnaire_visible(const struct questionnaire *q, const struct qn_question *question,
                           const json_t *answers);

/*
 * Fills visible[0..questionnaire_count(q)) with the visibility of every
 * question in one pass (what questionnaire_visible answers for each, without
 * cleaning the answers once per question). visible is the caller's. No
 * allocation beyond temporaries.
 */
void questionnaire_visible_all(const struct questionnaire *q, const json_t *answers, bool *visible);

/*
 * Checks answers against q in mode (see the top of this file). ctx may be
 * NULL. Always fills *res with three new references (free them with
 * qn_result_free). Returns QN_OK when errors is empty, QN_ERR_INCOMPLETE when
 * the only problems are required answers missing (submit), QN_ERR_INVALID
 * otherwise (including when answers is not an object).
 */
int questionnaire_validate(const struct questionnaire *q, const json_t *answers, enum qn_mode mode,
                           const struct qn_context *ctx, struct qn_result *res);

/* Releases the three references of res and zeroes it; a zeroed res is fine. */
void qn_result_free(struct qn_result *res);

/*
 * A save of some answers: returns a new object holding stored's members
 * updated with patch's (a null in patch removes the answer; JSON merge patch
 * on one level). stored may be NULL; a stored or patch that is not an object
 * counts as empty. The caller owns the result and validates it before keeping
 * it. Allocates.
 */
json_t *questionnaire_merge(const json_t *stored, const json_t *patch);

/*
 * The facts the training rules need, read from (cleaned) answers:
 *   already_onboarded    already_onboarded is "yes";
 *   via_posthouse        delivery_method is "posthouse";
 *   posthouse_onboarded  via a posthouse, and posthouse_onboarded is "yes" or
 *                        posthouse_id names one (the directory lists only
 *                        onboarded posthouses).
 * An answer that is missing counts as "no". No allocation.
 */
void questionnaire_training_facts(const json_t *answers, struct training_facts *out);

/*
 * The plan a pim would pick from the answers, as defaults for the training
 * plan (the pim may change it within training_plan_check's rules):
 *   1. already onboarded                         -> no module: training skipped;
 *   2. through a posthouse that is onboarded      -> avails_review;
 *   3. new to both avails and asset packages
 *      (avails_experience = asset_experience = "no") -> phased_review: avails
 *      first, then packages, one step at a time;
 *   4. otherwise                                  -> technical_asset_review and
 *      avails_review (unanswered experience counts as experienced: the
 *      standard pair).
 * Writes the modules to out in that order and returns how many (0 only for
 * rule 1). The result always passes training_plan_check with the facts of
 * questionnaire_training_facts. No allocation.
 */
size_t questionnaire_training_defaults(const json_t *answers,
                                       enum training_module out[TRAINING_N_MODULES]);

/*
 * Adds the formats the partner intends to deliver (formats_resolution,
 * formats_dynamic_range, formats_audio, formats_captions) to *out, for the
 * posthouse filter (planner.h). Returns 0, or -1 when a value is not in the
 * format vocabulary (only possible for answers that were never validated);
 * known ones are added all the same. No allocation.
 */
int questionnaire_intended_formats(const json_t *answers, struct format_set *out);

#endif
