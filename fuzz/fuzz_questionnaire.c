/*
 * libFuzzer target for the questionnaire: arbitrary JSON answers validated
 * against the real definition, arbitrary JSON loaded as a definition, and the
 * code checks behind territories and languages.
 *
 * The definition is data/questionnaire.json (scripts/fuzz.sh runs from the
 * repository root), or the file named by VODGATE_QUESTIONNAIRE; when neither
 * loads, a small embedded one with every type and a show_if. Beyond "no
 * crash, no leak, no hang", each input checks invariants:
 *   - every result member exists; errors are {key, message} with a non-empty
 *     message; the return code agrees with errors and missing; a save never
 *     reports missing answers;
 *   - the cleaned answers are a fixed point: validated again (save mode)
 *     they give no error and the same cleaned copy, and they dump to JSON;
 *   - the training defaults of the cleaned answers pass training_plan_check
 *     with their facts, and their formats are all in the vocabulary;
 *   - a language tag or territory code that passes has a canonical form that
 *     passes again unchanged;
 *   - the same bytes read as a definition either load or say why.
 * Build and run: FUZZ_SECONDS=180 sh scripts/fuzz.sh fuzz_questionnaire
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "core/codes.h"
#include "core/formats.h"
#include "core/planner.h"
#include "core/questionnaire.h"
#include "core/training.h"

static const char embedded[] =
    "{\"version\": \"fuzz-1\", \"title\": \"Fuzz\", \"sections\": [{\"title\": \"All\","
    " \"questions\": ["
    "{\"key\": \"name\", \"label\": \"Name\", \"type\": \"text\", \"required\": true},"
    "{\"key\": \"notes\", \"label\": \"Notes\", \"type\": \"long_text\", \"max_length\": 50},"
    "{\"key\": \"email\", \"label\": \"Email\", \"type\": \"email\"},"
    "{\"key\": \"delivery_method\", \"label\": \"D\", \"type\": \"choice\", \"required\": true,"
    " \"options\": [{\"value\": \"self\", \"label\": \"S\"}, {\"value\": \"posthouse\", \"label\":"
    " \"P\"}]},"
    "{\"key\": \"posthouse_id\", \"label\": \"P\", \"type\": \"posthouse\","
    " \"show_if\": {\"delivery_method\": \"posthouse\"}},"
    "{\"key\": \"posthouse_onboarded\", \"label\": \"O\", \"type\": \"yes_no\", \"required\": true,"
    " \"show_if\": {\"delivery_method\": \"posthouse\"}},"
    "{\"key\": \"territories\", \"label\": \"T\", \"type\": \"multi_choice\","
    " \"vocabulary\": \"iso3166-1\", \"required\": true},"
    "{\"key\": \"languages\", \"label\": \"L\", \"type\": \"multi_choice\", \"vocabulary\":"
    " \"bcp47\"},"
    "{\"key\": \"formats_audio\", \"label\": \"A\", \"type\": \"multi_choice\","
    " \"vocabulary\": \"format:audio\"},"
    "{\"key\": \"when\", \"label\": \"W\", \"type\": \"date\", \"not_before_today\": true},"
    "{\"key\": \"count\", \"label\": \"C\", \"type\": \"number\", \"integer\": true, \"min\": 0,"
    " \"max\": 1000}]}]}";

static struct questionnaire *def;

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "invariant broken: %s\n", what);
        abort();
    }
}

static bool listed(void *arg, int64_t id)
{
    (void)arg;
    return id % 2 == 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *path = getenv("VODGATE_QUESTIONNAIRE");
    json_t *doc = json_load_file(path ? path : "data/questionnaire.json", 0, NULL);
    if (!doc || questionnaire_load(doc, &def, NULL) != QN_OK) {
        json_decref(doc);
        doc = json_loads(embedded, 0, NULL);
        check(doc && questionnaire_load(doc, &def, NULL) == QN_OK, "embedded definition loads");
        fprintf(stderr, "fuzz_questionnaire: using the embedded definition\n");
    }
    json_decref(doc);
    return 0;
}

static void check_result(int rc, const struct qn_result *res, enum qn_mode mode)
{
    check(json_is_object(res->clean) && json_is_array(res->errors) && json_is_array(res->missing),
          "result members exist");
    size_t i;
    json_t *e;
    json_array_foreach(res->errors, i, e)
    {
        const json_t *k = json_object_get(e, "key");
        const char *m = json_string_value(json_object_get(e, "message"));
        check(json_is_string(k) || json_is_null(k), "error key is text or null");
        check(m && m[0], "error message is non-empty text");
    }
    check(json_array_size(res->errors) <= QN_MAX_ERRORS + 1, "errors are capped");
    check((rc == QN_OK) == (json_array_size(res->errors) == 0), "rc agrees with errors");
    if (rc == QN_ERR_INCOMPLETE)
        check(json_array_size(res->missing) > 0, "incomplete has missing keys");
    if (mode == QN_PARTIAL)
        check(json_array_size(res->missing) == 0, "a save misses nothing");
}

static void check_answers(const json_t *answers, enum qn_mode mode)
{
    struct qn_context ctx = {days_from_civil(2026, 11, 27), listed, NULL};
    struct qn_result res;
    int rc = questionnaire_validate(def, answers, mode, &ctx, &res);
    check_result(rc, &res, mode);

    struct qn_result again;
    int rc2 = questionnaire_validate(def, res.clean, QN_PARTIAL, &ctx, &again);
    check(rc2 == QN_OK, "cleaned answers validate");
    check(json_equal(again.clean, res.clean), "cleaning is a fixed point");
    qn_result_free(&again);

    char *dump = json_dumps(res.clean, JSON_COMPACT);
    check(dump != NULL, "cleaned answers dump");
    free(dump);
    dump = json_dumps(res.errors, JSON_COMPACT);
    check(dump != NULL, "errors dump");
    free(dump);

    struct training_facts f;
    questionnaire_training_facts(res.clean, &f);
    enum training_module mods[TRAINING_N_MODULES];
    size_t n = questionnaire_training_defaults(res.clean, mods);
    const char *names[TRAINING_N_MODULES];
    for (size_t i = 0; i < n; i++)
        names[i] = training_module_name(mods[i]);
    char *message = NULL;
    check(training_plan_check(names, n, &f, &message) == TRAINING_OK, "defaults pass the rules");
    free(message);

    struct format_set formats = {0};
    check(questionnaire_intended_formats(res.clean, &formats) == 0, "clean formats are known");

    bool *all = xcalloc(questionnaire_count(def), sizeof *all);
    questionnaire_visible_all(def, answers, all);
    for (size_t i = 0; i < questionnaire_count(def); i++)
        check(all[i] == questionnaire_visible(def, questionnaire_at(def, i), answers),
              "visibility all at once agrees");
    free(all);
    qn_result_free(&res);
}

static void check_codes(const char *s)
{
    struct buf canon = {0}, why = {0};
    if (codes_language_check(s, &canon, &why) == CODES_OK) {
        struct buf again = {0};
        check(codes_language_check(buf_str(&canon), &again, NULL) == CODES_OK,
              "canonical tag passes");
        check(strcmp(buf_str(&again), buf_str(&canon)) == 0, "canonical tag is stable");
        buf_free(&again);
    } else {
        check(why.len > 0, "a refused tag says why");
    }
    char code[3], code2[3];
    if (codes_territory_check(s, code) == CODES_OK)
        check(codes_territory_check(code, code2) == CODES_OK && strcmp(code, code2) == 0,
              "canonical territory is stable");
    const struct format_def *f = format_find(s);
    if (f)
        check(format_find(f->name) == f, "a format's canonical name finds it");
    buf_free(&canon);
    buf_free(&why);
}

/* The first bytes as a plan: no crash, and the plan's own invariants. */
static void check_plan(const uint8_t *data, size_t len)
{
    int32_t v[8];
    if (len < sizeof v)
        return;
    memcpy(v, data, sizeof v);
    struct plan_input in = {v[0] & 0xfffff,
                            (enum plan_stage)((unsigned)v[1] % (PLAN_N_STAGES + 1)),
                            v[2] < 0 ? PLAN_NO_DAY : v[2] & 0xfffff,
                            v[3] < 0 ? PLAN_NO_DAY : v[3] & 0xfffff,
                            v[4] & 1,
                            v[4] & 2,
                            v[5] < 0 ? PLAN_NO_DAY : v[5] & 0xfffff,
                            v[6] & 0xfffff};
    struct plan p;
    if (planner_plan(&in, &p) != PLAN_OK)
        return;
    check(p.earliest >= in.today + PLAN_PUBLISHING_DAYS, "publishing always lies ahead");
    check(p.feasible == (in.target >= p.earliest), "feasible means target >= earliest");
    check(!p.needs_posthouse || !p.feasible, "a posthouse is needed only when infeasible");
    json_t *j = planner_plan_json(&p);
    check(j != NULL, "plan renders");
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    check_plan(data, len);
    json_t *v = json_loadb((const char *)data, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (!v) {
        char *s = xstrndup((const char *)data, len < 128 ? len : 128);
        check_codes(s);
        free(s);
        return 0;
    }
    check_answers(v, QN_PARTIAL);
    check_answers(v, QN_SUBMIT);
    if (json_is_string(v))
        check_codes(json_string_value(v));
    /* Merged onto answers that are valid, the same bytes as a save. */
    json_t *merged = questionnaire_merge(NULL, v);
    check(json_is_object(merged), "merge gives an object");
    check_answers(merged, QN_SUBMIT);
    json_decref(merged);
    /* The same bytes as a definition. */
    struct questionnaire *q = NULL;
    struct buf err = {0};
    if (questionnaire_load(v, &q, &err) == QN_OK) {
        struct qn_result res;
        json_t *empty = json_object();
        check_result(questionnaire_validate(q, empty, QN_SUBMIT, NULL, &res), &res, QN_SUBMIT);
        qn_result_free(&res);
        json_decref(empty);
        questionnaire_free(q);
    } else {
        check(err.len > 0, "a refused definition says why");
    }
    buf_free(&err);
    json_decref(v);
    return 0;
}
