/*
 * Tests of core/questionnaire.c and core/codes.c against the real definition,
 * data/questionnaire.json (tests run from the repository root): the keys other
 * code reads, definitions that must be refused (one table row per load-time
 * rule), answers in both modes (one row per type rule and show_if case, each
 * with the error key and the words of the message, or the cleaned value), the
 * training facts and defaults, merging a save, and the code tables.
 */
#include <jansson.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "core/codes.h"
#include "core/questionnaire.h"
#include "t.h"

#define DEFINITION "data/questionnaire.json"

static struct questionnaire *real;

static void free_definition(void)
{
    questionnaire_free(real);
}

/* The real definition, loaded once and freed at exit. */
static struct questionnaire *definition(void)
{
    if (real)
        return real;
    atexit(free_definition);
    json_error_t jerr;
    json_t *doc = json_load_file(DEFINITION, 0, &jerr);
    if (!doc) {
        printf("  cannot read %s: %s (line %d)\n", DEFINITION, jerr.text, jerr.line);
        abort();
    }
    struct buf err = {0};
    if (questionnaire_load(doc, &real, &err) != QN_OK) {
        printf("  %s does not load: %s\n", DEFINITION, buf_str(&err));
        abort();
    }
    buf_free(&err);
    json_decref(doc);
    return real;
}

static json_t *J(const char *text)
{
    json_error_t jerr;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &jerr);
    if (!v) {
        printf("  bad JSON in test: %s: %s\n", text, jerr.text);
        abort();
    }
    return v;
}

/* A complete, valid set of answers for a studio delivering by itself. */
static const char *const base_answers =
    "{\"legal_name\": \"Northlight Pictures Limited\", \"company_registration\": \"01234567\","
    " \"registration_country\": \"GB\", \"registered_address\": \"1 Film Street\\nLondon W1 1AA\","
    " \"business_contact_name\": \"Ann Lee\", \"business_contact_email\": "
    "\"ann@northlight.example\","
    " \"technical_contact_name\": \"Raj Patel\","
    " \"technical_contact_email\": \"raj@northlight.example\","
    " \"billing_contact_name\": \"Bo Chen\", \"billing_contact_email\": "
    "\"billing@northlight.example\","
    " \"content_types\": [\"movies\", \"series\"], \"titles_per_month\": 20,"
    " \"initial_catalogue_size\": 350, \"territories\": [\"GB\", \"IE\"],"
    " \"languages\": [\"en\", \"en-GB\"], \"formats_resolution\": [\"HD\", \"UHD\"],"
    " \"formats_dynamic_range\": [\"SDR\", \"HDR10\"], \"formats_audio\": [\"Stereo\", \"5.1\"],"
    " \"formats_captions\": [\"TTML\"], \"already_onboarded\": \"no\","
    " \"delivery_method\": \"self\", \"avails_experience\": \"yes\", \"asset_experience\": \"yes\","
    " \"target_launch_date\": \"2027-03-01\"}";

static bool listed(void *arg, int64_t id)
{
    (void)arg;
    return id == 7 || id == 9;
}

static struct qn_context ctx_today(void)
{
    struct qn_context c = {days_from_civil(2026, 11, 27), listed, NULL};
    return c;
}

/* ---- the definition ---- */

TEST(real_definition_loads_with_the_keys_others_read)
{
    struct questionnaire *q = definition();
    CHECK_STR_EQ(questionnaire_version(q), "2026-11-1");
    CHECK(questionnaire_count(q) >= 35);
    static const struct {
        const char *key;
        enum qn_type type;
    } keys[] = {
        {QN_KEY_DELIVERY_METHOD, QN_CHOICE},
        {QN_KEY_POSTHOUSE_NAME, QN_TEXT},
        {QN_KEY_POSTHOUSE_ID, QN_POSTHOUSE},
        {QN_KEY_POSTHOUSE_ONBOARDED, QN_YES_NO},
        {QN_KEY_ALREADY_ONBOARDED, QN_YES_NO},
        {QN_KEY_AVAILS_EXPERIENCE, QN_YES_NO},
        {QN_KEY_ASSET_EXPERIENCE, QN_YES_NO},
        {QN_KEY_FORMATS_RESOLUTION, QN_MULTI_CHOICE},
        {QN_KEY_FORMATS_DYNAMIC_RANGE, QN_MULTI_CHOICE},
        {QN_KEY_FORMATS_AUDIO, QN_MULTI_CHOICE},
        {QN_KEY_FORMATS_CAPTIONS, QN_MULTI_CHOICE},
        {QN_KEY_TARGET_LAUNCH_DATE, QN_DATE},
        {QN_KEY_TERRITORIES, QN_MULTI_CHOICE},
        {QN_KEY_LANGUAGES, QN_MULTI_CHOICE},
        {QN_KEY_CONTENT_TYPES, QN_MULTI_CHOICE},
        {"legal_name", QN_TEXT},
        {"trading_name", QN_TEXT},
        {"company_registration", QN_TEXT},
        {"registered_address", QN_LONG_TEXT},
        {"website", QN_TEXT},
        {"business_contact_email", QN_EMAIL},
        {"technical_contact_email", QN_EMAIL},
        {"billing_contact_email", QN_EMAIL},
        {"titles_per_month", QN_NUMBER},
        {"initial_catalogue_size", QN_NUMBER},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const struct qn_question *qq = questionnaire_find(q, keys[i].key);
        CHECK(qq != NULL);
        if (!qq) {
            printf("  missing key %s\n", keys[i].key);
            continue;
        }
        CHECK_STR_EQ(qn_type_name(qq->type), qn_type_name(keys[i].type));
    }
    CHECK(questionnaire_find(q, QN_KEY_TERRITORIES)->vocabulary == QN_VOCAB_TERRITORY);
    CHECK(questionnaire_find(q, QN_KEY_LANGUAGES)->vocabulary == QN_VOCAB_LANGUAGE);
    CHECK(questionnaire_find(q, QN_KEY_FORMATS_AUDIO)->vocabulary == QN_VOCAB_FORMAT);
    CHECK(questionnaire_find(q, QN_KEY_FORMATS_AUDIO)->format_family == FORMAT_AUDIO);
    CHECK(questionnaire_find(q, QN_KEY_POSTHOUSE_NAME)->show_if != NULL);
    CHECK(questionnaire_find(q, "no_such_key") == NULL);
    /* Every question's position round-trips, and the document is the one rendered. */
    for (size_t i = 0; i < questionnaire_count(q); i++)
        CHECK(questionnaire_find(q, questionnaire_at(q, i)->key) == questionnaire_at(q, i));
    CHECK(json_is_array(json_object_get(questionnaire_document(q), "sections")));
}

TEST(every_format_option_belongs_to_the_vocabulary)
{
    struct questionnaire *q = definition();
    const char *keys[] = {QN_KEY_FORMATS_RESOLUTION, QN_KEY_FORMATS_DYNAMIC_RANGE,
                          QN_KEY_FORMATS_AUDIO, QN_KEY_FORMATS_CAPTIONS};
    size_t n_options = 0, n_vocab;
    formats_all(&n_vocab);
    for (size_t k = 0; k < 4; k++) {
        const struct qn_question *qq = questionnaire_find(q, keys[k]);
        size_t i;
        json_t *o;
        json_array_foreach(qq->options, i, o) {
            const struct format_def *f =
                format_find(json_string_value(json_object_get(o, "value")));
            CHECK(f != NULL);
            CHECK(f && f->family == qq->format_family);
            n_options++;
        }
    }
    /* The questionnaire offers the whole vocabulary: a pim can approve nothing a partner
       could not have declared. */
    CHECK_INT_EQ(n_options, n_vocab);
}

struct def_row {
    const char *what;
    const char *questions; /* the questions array of a one-section document */
    const char *says;      /* NULL: loads */
};

static const struct def_row def_rows[] = {
    {"a minimal definition", "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\"}]", NULL},
    {"duplicate keys",
     "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\"},"
     " {\"key\": \"a\", \"label\": \"B\", \"type\": \"email\"}]",
     "question 'a': the key is used twice"},
    {"unknown type", "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"txt\"}]",
     "type 'txt' is not one of"},
    {"missing type", "[{\"key\": \"a\", \"label\": \"A\"}]", "type '(missing)'"},
    {"choice without options", "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"choice\"}]",
     "needs options or a vocabulary"},
    {"multi_choice with empty options",
     "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"multi_choice\", \"options\": []}]",
     "options must be a list of 1"},
    {"options on a text question",
     "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\","
     " \"options\": [{\"value\": \"x\", \"label\": \"X\"}]}]",
     "'options' does not apply to a text question"},
    {"duplicate option values (ignoring case)",
     "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"choice\","
     " \"options\": [{\"value\": \"x\", \"label\": \"X\"}, {\"value\": \"X\", \"label\": \"Y\"}]}]",
     "option value 'X' is listed twice"},
    {"option without label",
     "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"choice\", \"options\": [{\"value\": "
     "\"x\"}]}]",
     "option 1 must be exactly"},
    {"show_if naming an unknown key",
     "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\", \"show_if\": {\"zz\": \"yes\"}}]",
     "show_if names 'zz'"},
    {"show_if naming a later question",
     "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\", \"show_if\": {\"b\": \"yes\"}},"
     " {\"key\": \"b\", \"label\": \"B\", \"type\": \"yes_no\"}]",
     "may only name earlier questions"},
    {"show_if naming itself",
     "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"yes_no\", \"show_if\": {\"a\": \"yes\"}}]",
     "show_if names 'a'"},
    {"show_if value that is not an answer",
     "[{\"key\": \"b\", \"label\": \"B\", \"type\": \"yes_no\"},"
     " {\"key\": \"a\", \"label\": \"A\", \"type\": \"text\", \"show_if\": {\"b\": \"maybe\"}}]",
     "show_if 'b': the value is not a possible answer to it: Answer yes or no"},
    {"show_if value not among the options",
     "[{\"key\": \"b\", \"label\": \"B\", \"type\": \"choice\","
     " \"options\": [{\"value\": \"x\", \"label\": \"X\"}]},"
     " {\"key\": \"a\", \"label\": \"A\", \"type\": \"text\", \"show_if\": {\"b\": \"y\"}}]",
     "is not one of the choices"},
    {"show_if with a list of values",
     "[{\"key\": \"b\", \"label\": \"B\", \"type\": \"choice\","
     " \"options\": [{\"value\": \"x\", \"label\": \"X\"}, {\"value\": \"y\", \"label\": \"Y\"}]},"
     " {\"key\": \"a\", \"label\": \"A\", \"type\": \"text\", \"show_if\": {\"b\": [\"x\", "
     "\"Y\"]}}]",
     NULL},
    {"empty show_if", "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\", \"show_if\": {}}]",
     "show_if must be an object"},
    {"a typo in an attribute",
     "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\", \"requried\": true}]",
     "unknown attribute 'requried'"},
    {"required that is not a boolean",
     "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\", \"required\": \"yes\"}]",
     "required must be true or false"},
    {"a key that is not snake_case",
     "[{\"key\": \"Legal Name\", \"label\": \"A\", \"type\": \"text\"}]", "key must be snake_case"},
    {"an empty label", "[{\"key\": \"a\", \"label\": \"\", \"type\": \"text\"}]",
     "label must be non-empty"},
    {"unknown vocabulary",
     "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"multi_choice\", \"vocabulary\": "
     "\"iso3166\"}]",
     "vocabulary 'iso3166' is not one of"},
    {"a vocabulary on a date",
     "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"date\", \"vocabulary\": \"bcp47\"}]",
     "'vocabulary' does not apply to a date question"},
    {"territory option not canonical",
     "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"multi_choice\", \"vocabulary\": "
     "\"iso3166-1\","
     " \"options\": [{\"value\": \"gb\", \"label\": \"UK\"}]}]",
     "option value 'gb' is not a canonical code"},
    {"format option of another family",
     "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"multi_choice\","
     " \"vocabulary\": \"format:audio\", \"options\": [{\"value\": \"UHD\", \"label\": \"UHD\"}]}]",
     "option value 'UHD' is not a canonical code"},
    {"format option that is an alias",
     "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"multi_choice\","
     " \"vocabulary\": \"format:captions\", \"options\": [{\"value\": \"DFXP\", \"label\": "
     "\"D\"}]}]",
     "not a canonical code"},
    {"min above max",
     "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"number\", \"min\": 5, \"max\": 1}]",
     "min is greater than max"},
    {"max_length zero",
     "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\", \"max_length\": 0}]",
     "max_length and max_items must be whole numbers"},
    {"a question that is not an object", "[\"legal_name\"]", "a question must be an object"},
    {"an empty section", "[]", "with at least one question"},
};

TEST(definitions_that_must_be_refused)
{
    for (size_t i = 0; i < sizeof def_rows / sizeof def_rows[0]; i++) {
        struct buf text = {0};
        buf_printf(&text,
                   "{\"version\": \"t-1\", \"title\": \"T\", \"sections\": [{\"title\": \"S\","
                   " \"questions\": %s}]}",
                   def_rows[i].questions);
        json_t *doc = J(buf_str(&text));
        struct questionnaire *q = NULL;
        struct buf err = {0};
        int rc = questionnaire_load(doc, &q, &err);
        if (!def_rows[i].says) {
            if (rc != QN_OK)
                printf("  row '%s': refused: %s\n", def_rows[i].what, buf_str(&err));
            CHECK_INT_EQ(rc, QN_OK);
        } else {
            CHECK_INT_EQ(rc, QN_ERR_DEFINITION);
            if (!strstr(buf_str(&err), def_rows[i].says)) {
                printf("  row '%s': \"%s\" lacks \"%s\"\n", def_rows[i].what, buf_str(&err),
                       def_rows[i].says);
                CHECK(!"load error says why");
            }
        }
        questionnaire_free(q);
        buf_free(&err);
        buf_free(&text);
        json_decref(doc);
    }
}

TEST(definition_documents_that_must_be_refused)
{
    static const struct {
        const char *doc, *says;
    } rows[] = {
        {"[]", "must be a JSON object"},
        {"{\"title\": \"T\", \"sections\": []}", "version must be text"},
        {"{\"version\": \"a b\", \"title\": \"T\", \"sections\": []}", "version must be text"},
        {"{\"version\": \"1\", \"sections\": [{}]}", "title must be non-empty"},
        {"{\"version\": \"1\", \"title\": \"T\", \"sections\": []}", "sections must be a list"},
        {"{\"version\": \"1\", \"title\": \"T\", \"sections\": [], \"extra\": 1}",
         "may only have version"},
        {"{\"version\": \"1\", \"title\": \"T\", \"sections\": [{\"title\": \"S\", \"questions\":"
         " [{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\"}], \"x\": 1}]}",
         "sections[0]: a section is"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        json_t *doc = J(rows[i].doc);
        struct questionnaire *q = NULL;
        struct buf err = {0};
        CHECK_INT_EQ(questionnaire_load(doc, &q, &err), QN_ERR_DEFINITION);
        CHECK(q == NULL);
        if (!strstr(buf_str(&err), rows[i].says)) {
            printf("  doc %s: \"%s\" lacks \"%s\"\n", rows[i].doc, buf_str(&err), rows[i].says);
            CHECK(!"load error says why");
        }
        buf_free(&err);
        json_decref(doc);
    }
}

TEST(load_copies_the_document)
{
    json_t *doc = J("{\"version\": \"c-1\", \"title\": \"T\", \"sections\": [{\"title\": \"S\","
                    " \"questions\": [{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\"}]}]}");
    struct questionnaire *q = NULL;
    CHECK_INT_EQ(questionnaire_load(doc, &q, NULL), QN_OK);
    json_object_set_new(doc, "version", json_string("changed"));
    json_decref(doc);
    CHECK_STR_EQ(questionnaire_version(q), "c-1");
    CHECK_STR_EQ(questionnaire_at(q, 0)->label, "A");
    questionnaire_free(q);
    questionnaire_free(NULL);
}

/* ---- answers ---- */

struct answer_row {
    const char *what;
    const char *patch; /* merged into base_answers (null removes); "{}" for the base itself */
    bool from_empty;   /* patch applies to {} instead of base_answers */
    enum qn_mode mode;
    int rc;
    const char *key;        /* an error with this key is expected (NULL: none checked) */
    const char *says;       /* ... whose message contains this */
    const char *clean_key;  /* the cleaned value of this key ... */
    const char *clean_json; /* ... dumps compactly to this ("absent" when not there) */
};

#define BASE  false
#define EMPTY true

static const struct answer_row answer_rows[] = {
    /* the whole path */
    {"complete answers submit", "{}", BASE, QN_SUBMIT, QN_OK, NULL, NULL, "territories",
     "[\"GB\",\"IE\"]"},
    {"complete answers save", "{}", BASE, QN_PARTIAL, QN_OK, NULL, NULL, "titles_per_month", "20"},
    {"nothing answered: a save is fine", "{}", EMPTY, QN_PARTIAL, QN_OK, NULL, NULL, NULL, NULL},
    {"nothing answered: submit lists what is missing", "{}", EMPTY, QN_SUBMIT, QN_ERR_INCOMPLETE,
     "territories", "Pick at least one territory", NULL, NULL},
    {"a partial save of some answers", "{\"legal_name\": \"  Acme Films  \"}", EMPTY, QN_PARTIAL,
     QN_OK, NULL, NULL, "legal_name", "\"Acme Films\""},
    {"unknown key refused in a save", "{\"favourite_colour\": \"blue\"}", EMPTY, QN_PARTIAL,
     QN_ERR_INVALID, "favourite_colour", "'favourite_colour' is not a question", NULL, NULL},
    {"unknown key refused on submit", "{\"legal_nmae\": \"x\"}", BASE, QN_SUBMIT, QN_ERR_INVALID,
     "legal_nmae", "version 2026-11-1", NULL, NULL},
    {"null clears an answer in a save", "{\"trading_name\": null}", EMPTY, QN_PARTIAL, QN_OK, NULL,
     NULL, "trading_name", "absent"},
    {"required answered with blanks only", "{\"legal_name\": \"   \"}", BASE, QN_SUBMIT,
     QN_ERR_INCOMPLETE, "legal_name", "Enter the legal name of your business", NULL, NULL},

    /* dates */
    {"a month 13", "{\"target_launch_date\": \"2026-13-01\"}", BASE, QN_PARTIAL, QN_ERR_INVALID,
     "target_launch_date", "'2026-13-01' is not a date (YYYY-MM-DD)", NULL, NULL},
    {"29 February of a common year", "{\"target_launch_date\": \"2027-02-29\"}", BASE, QN_PARTIAL,
     QN_ERR_INVALID, "target_launch_date", "'2027-02-29' is not a date", NULL, NULL},
    {"29 February of a leap year", "{\"target_launch_date\": \"2028-02-29\"}", BASE, QN_SUBMIT,
     QN_OK, NULL, NULL, "target_launch_date", "\"2028-02-29\""},
    {"a date in another format", "{\"target_launch_date\": \"01/03/2027\"}", BASE, QN_PARTIAL,
     QN_ERR_INVALID, "target_launch_date", "'01/03/2027' is not a date", NULL, NULL},
    {"a launch date in the past", "{\"target_launch_date\": \"2026-11-26\"}", BASE, QN_SUBMIT,
     QN_ERR_INVALID, "target_launch_date", "is in the past: choose 2026-11-27 or a later date",
     NULL, NULL},
    {"a launch date today", "{\"target_launch_date\": \" 2026-11-27 \"}", BASE, QN_SUBMIT, QN_OK,
     NULL, NULL, "target_launch_date", "\"2026-11-27\""},
    {"a date that is a number", "{\"target_launch_date\": 20270301}", BASE, QN_PARTIAL,
     QN_ERR_INVALID, "target_launch_date", "Enter a date (YYYY-MM-DD)", NULL, NULL},

    /* territories */
    {"territories empty on submit", "{\"territories\": []}", BASE, QN_SUBMIT, QN_ERR_INCOMPLETE,
     "territories", "Pick at least one territory", NULL, NULL},
    {"territories empty in a save", "{\"territories\": []}", BASE, QN_PARTIAL, QN_OK, NULL, NULL,
     "territories", "absent"},
    {"an unknown territory", "{\"territories\": [\"GB\", \"XX\"]}", BASE, QN_PARTIAL,
     QN_ERR_INVALID, "territories", "'XX' is not an ISO 3166-1 country code", NULL, NULL},
    {"UK is not the ISO code", "{\"territories\": [\"UK\"]}", BASE, QN_PARTIAL, QN_ERR_INVALID,
     "territories", "'UK' is not an ISO 3166-1 country code (for example GB, US, FR)", NULL, NULL},
    {"territories are cleaned", "{\"territories\": [\"gb\", \" ie \", \"us\"]}", BASE, QN_SUBMIT,
     QN_OK, NULL, NULL, "territories", "[\"GB\",\"IE\",\"US\"]"},
    {"a territory twice", "{\"territories\": [\"GB\", \"gb\"]}", BASE, QN_PARTIAL, QN_ERR_INVALID,
     "territories", "'GB' is listed twice", NULL, NULL},
    {"several bad territories", "{\"territories\": [\"XX\", \"YY\", \"ZZ\"]}", BASE, QN_PARTIAL,
     QN_ERR_INVALID, "territories", "(and 2 more problems in this list)", NULL, NULL},
    {"territories as one string", "{\"territories\": \"GB\"}", BASE, QN_PARTIAL, QN_ERR_INVALID,
     "territories", "Give a list of choices", NULL, NULL},
    {"a territory that is not text", "{\"territories\": [826]}", BASE, QN_PARTIAL, QN_ERR_INVALID,
     "territories", "Each choice must be text", NULL, NULL},
    {"a blank entry in a list is ignored", "{\"territories\": [\"GB\", \"\"]}", BASE, QN_SUBMIT,
     QN_OK, NULL, NULL, "territories", "[\"GB\"]"},
    {"the country of registration is one code", "{\"registration_country\": \"fr\"}", BASE,
     QN_SUBMIT, QN_OK, NULL, NULL, "registration_country", "\"FR\""},

    /* languages */
    {"languages are cleaned to canonical case",
     "{\"languages\": [\"EN-gb\", \"zh-hant-tw\", \"es-419\", \"sr-latn\", \"yue\"]}", BASE,
     QN_SUBMIT, QN_OK, NULL, NULL, "languages",
     "[\"en-GB\",\"zh-Hant-TW\",\"es-419\",\"sr-Latn\",\"yue\"]"},
    {"a language name instead of a tag", "{\"languages\": [\"English\"]}", BASE, QN_PARTIAL,
     QN_ERR_INVALID, "languages", "'English' has an unknown language 'English'", NULL, NULL},
    {"a language that is not a tag at all", "{\"languages\": [\"en_GB\"]}", BASE, QN_PARTIAL,
     QN_ERR_INVALID, "languages", "'en_GB' is not a BCP 47 language tag", NULL, NULL},
    {"a withdrawn code", "{\"languages\": [\"iw\"]}", BASE, QN_PARTIAL, QN_ERR_INVALID, "languages",
     "'iw' uses the withdrawn language code 'iw': use 'he' (Hebrew) instead", NULL, NULL},
    {"an unknown region in a tag", "{\"languages\": [\"en-QQ\"]}", BASE, QN_PARTIAL, QN_ERR_INVALID,
     "languages", "'en-QQ' has an unknown region 'QQ'", NULL, NULL},
    {"three letters where there are two", "{\"languages\": [\"eng\"]}", BASE, QN_PARTIAL,
     QN_ERR_INVALID, "languages", "'en' not 'eng'", NULL, NULL},
    {"languages empty on submit", "{\"languages\": null}", BASE, QN_SUBMIT, QN_ERR_INCOMPLETE,
     "languages", "Add at least one language", NULL, NULL},

    /* formats */
    {"formats by their aliases",
     "{\"formats_resolution\": [\"4k\", \"hd\"],"
     " \"formats_captions\": [\"dfxp\", \"vtt\"],"
     " \"formats_dynamic_range\": [\"Dolby Vision\"]}",
     BASE, QN_SUBMIT, QN_OK, NULL, NULL, "formats_captions", "[\"TTML\",\"WebVTT\"]"},
    {"formats: the alias cleans to the option", "{\"formats_resolution\": [\"4k\"]}", BASE,
     QN_SUBMIT, QN_OK, NULL, NULL, "formats_resolution", "[\"UHD\"]"},
    {"a format of another family", "{\"formats_audio\": [\"UHD\"]}", BASE, QN_PARTIAL,
     QN_ERR_INVALID, "formats_audio",
     "'UHD' is not an audio format we take: choose from Stereo, 5.1, 7.1, Atmos", NULL, NULL},
    {"an unknown dynamic range", "{\"formats_dynamic_range\": [\"HDR12\"]}", BASE, QN_PARTIAL,
     QN_ERR_INVALID, "formats_dynamic_range", "'HDR12' is not a dynamic range we take", NULL, NULL},
    {"SCC needs its frame rate", "{\"formats_captions\": [\"SCC\", \"TTML\"]}", BASE, QN_SUBMIT,
     QN_ERR_INCOMPLETE, "scc_frame_rate", "Pick an option for", NULL, NULL},
    {"SCC with its frame rate",
     "{\"formats_captions\": [\"SCC\"], \"scc_frame_rate\": \"29.97_DF\"}", BASE, QN_SUBMIT, QN_OK,
     NULL, NULL, "scc_frame_rate", "\"29.97_df\""},
    {"an SCC frame rate without SCC is dropped on submit", "{\"scc_frame_rate\": \"25\"}", BASE,
     QN_SUBMIT, QN_OK, NULL, NULL, "scc_frame_rate", "absent"},
    {"... but kept in a save", "{\"scc_frame_rate\": \"25\"}", BASE, QN_PARTIAL, QN_OK, NULL, NULL,
     "scc_frame_rate", "\"25\""},

    /* choices */
    {"content types include other: say which", "{\"content_types\": [\"movies\", \"other\"]}", BASE,
     QN_SUBMIT, QN_ERR_INCOMPLETE, "content_types_other", "Please answer", NULL, NULL},
    {"a choice outside the options", "{\"content_types\": [\"movies\", \"podcasts\"]}", BASE,
     QN_PARTIAL, QN_ERR_INVALID, "content_types",
     "'podcasts' is not one of the choices: movies, series", NULL, NULL},
    {"a choice in another case", "{\"delivery_method\": \"SELF\"}", BASE, QN_SUBMIT, QN_OK, NULL,
     NULL, "delivery_method", "\"self\""},
    {"a single choice given as a list", "{\"delivery_method\": [\"self\"]}", BASE, QN_PARTIAL,
     QN_ERR_INVALID, "delivery_method", "Pick one of the choices", NULL, NULL},

    /* yes/no */
    {"yes_no accepts booleans", "{\"already_onboarded\": false}", BASE, QN_SUBMIT, QN_OK, NULL,
     NULL, "already_onboarded", "\"no\""},
    {"yes_no in capitals", "{\"already_onboarded\": \"NO\"}", BASE, QN_SUBMIT, QN_OK, NULL, NULL,
     "already_onboarded", "\"no\""},
    {"yes_no refuses maybe", "{\"already_onboarded\": \"maybe\"}", BASE, QN_PARTIAL, QN_ERR_INVALID,
     "already_onboarded", "Answer yes or no", NULL, NULL},

    /* numbers */
    {"a number as a string (a form)", "{\"titles_per_month\": \" 12 \"}", BASE, QN_SUBMIT, QN_OK,
     NULL, NULL, "titles_per_month", "12"},
    {"a number that is a word", "{\"titles_per_month\": \"twelve\"}", BASE, QN_PARTIAL,
     QN_ERR_INVALID, "titles_per_month", "'twelve' is not a number (digits only, e.g. 1200)", NULL,
     NULL},
    {"a number with a thousands separator", "{\"initial_catalogue_size\": \"1,000\"}", BASE,
     QN_PARTIAL, QN_ERR_INVALID, "initial_catalogue_size", "'1,000' is not a number", NULL, NULL},
    {"a negative count", "{\"titles_per_month\": -1}", BASE, QN_PARTIAL, QN_ERR_INVALID,
     "titles_per_month", "Enter a number from 0 to 100000", NULL, NULL},
    {"a fractional count", "{\"titles_per_month\": 1.5}", BASE, QN_PARTIAL, QN_ERR_INVALID,
     "titles_per_month", "Enter a whole number", NULL, NULL},
    {"a whole real is an integer", "{\"titles_per_month\": 3.0}", BASE, QN_SUBMIT, QN_OK, NULL,
     NULL, "titles_per_month", "3"},
    {"a huge number", "{\"titles_per_month\": \"99999999999999999999999\"}", BASE, QN_PARTIAL,
     QN_ERR_INVALID, "titles_per_month", "is not a number", NULL, NULL},
    {"a number that is a boolean", "{\"launch_titles\": true}", BASE, QN_PARTIAL, QN_ERR_INVALID,
     "launch_titles", "Enter a number", NULL, NULL},

    /* email and text */
    {"an email is cleaned", "{\"billing_contact_email\": \" Billing@Northlight.Example \"}", BASE,
     QN_SUBMIT, QN_OK, NULL, NULL, "billing_contact_email", "\"billing@northlight.example\""},
    {"an email without a domain", "{\"billing_contact_email\": \"billing@\"}", BASE, QN_PARTIAL,
     QN_ERR_INVALID, "billing_contact_email", "'billing@' is not an email address", NULL, NULL},
    {"a line break in a one-line answer", "{\"legal_name\": \"Acme\\nFilms\"}", BASE, QN_PARTIAL,
     QN_ERR_INVALID, "legal_name", "Remove the control characters", NULL, NULL},
    {"line breaks in a long answer", "{\"notes\": \"line one\\nline two\\ttab\"}", BASE, QN_SUBMIT,
     QN_OK, NULL, NULL, "notes", "\"line one\\nline two\\ttab\""},
    {"text that is a number", "{\"legal_name\": 42}", BASE, QN_PARTIAL, QN_ERR_INVALID,
     "legal_name", "Enter text", NULL, NULL},

    /* delivery through a posthouse: show_if */
    {"posthouse: its questions become required", "{\"delivery_method\": \"posthouse\"}", BASE,
     QN_SUBMIT, QN_ERR_INCOMPLETE, "posthouse_name", "Please answer 'Posthouse name'", NULL, NULL},
    {"posthouse: onboarded is asked too", "{\"delivery_method\": \"posthouse\"}", BASE, QN_SUBMIT,
     QN_ERR_INCOMPLETE, "posthouse_onboarded", "Answer yes or no", NULL, NULL},
    {"posthouse: complete",
     "{\"delivery_method\": \"posthouse\", \"posthouse_name\": \"Frame Lab\","
     " \"posthouse_onboarded\": \"yes\", \"posthouse_id\": 7}",
     BASE, QN_SUBMIT, QN_OK, NULL, NULL, "posthouse_id", "7"},
    {"posthouse id from a form", "{\"delivery_method\": \"posthouse\", \"posthouse_id\": \"9\"}",
     BASE, QN_PARTIAL, QN_OK, NULL, NULL, "posthouse_id", "9"},
    {"posthouse id not in the directory",
     "{\"delivery_method\": \"posthouse\", \"posthouse_id\": 8}", BASE, QN_PARTIAL, QN_ERR_INVALID,
     "posthouse_id", "Posthouse 8 is not in the directory", NULL, NULL},
    {"posthouse id that is not an id", "{\"posthouse_id\": -3}", BASE, QN_PARTIAL, QN_ERR_INVALID,
     "posthouse_id", "Pick a posthouse from the directory", NULL, NULL},
    {"self delivery: posthouse answers dropped on submit",
     "{\"posthouse_name\": \"Frame Lab\", \"posthouse_onboarded\": \"yes\"}", BASE, QN_SUBMIT,
     QN_OK, NULL, NULL, "posthouse_name", "absent"},
    {"self delivery: posthouse answers kept in a save", "{\"posthouse_name\": \"Frame Lab\"}", BASE,
     QN_PARTIAL, QN_OK, NULL, NULL, "posthouse_name", "\"Frame Lab\""},
    {"a hidden question's answer is type-checked in a save",
     "{\"posthouse_onboarded\": \"perhaps\"}", BASE, QN_PARTIAL, QN_ERR_INVALID,
     "posthouse_onboarded", "Answer yes or no", NULL, NULL},
    {"... and dropped on submit: the partner cannot see it to fix it",
     "{\"posthouse_onboarded\": \"perhaps\"}", BASE, QN_SUBMIT, QN_OK, NULL, NULL,
     "posthouse_onboarded", "absent"},
    {"an invalid controlling answer hides its dependants",
     "{\"delivery_method\": \"carrier pigeon\"}", BASE, QN_SUBMIT, QN_ERR_INVALID,
     "delivery_method", "is not one of the choices: self, posthouse", NULL, NULL},
    {"already onboarded: no experience questions",
     "{\"already_onboarded\": \"yes\", \"avails_experience\": null, \"asset_experience\": null}",
     BASE, QN_SUBMIT, QN_OK, NULL, NULL, NULL, NULL},
    {"not onboarded: experience questions required", "{\"avails_experience\": null}", BASE,
     QN_SUBMIT, QN_ERR_INCOMPLETE, "avails_experience", "Answer yes or no", NULL, NULL},
};

/* True when errors has an entry with key whose message contains says. */
static bool has_error(const json_t *errors, const char *key, const char *says)
{
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e) {
        const char *k = json_string_value(json_object_get(e, "key"));
        const char *m = json_string_value(json_object_get(e, "message"));
        if (k && m && strcmp(k, key) == 0 && strstr(m, says))
            return true;
    }
    return false;
}

TEST(answers_table)
{
    struct questionnaire *q = definition();
    struct qn_context ctx = ctx_today();
    json_t *base = J(base_answers);
    for (size_t i = 0; i < sizeof answer_rows / sizeof answer_rows[0]; i++) {
        const struct answer_row *r = &answer_rows[i];
        json_t *patch = J(r->patch);
        json_t *answers = questionnaire_merge(r->from_empty ? NULL : base, patch);
        struct qn_result res;
        int rc = questionnaire_validate(q, answers, r->mode, &ctx, &res);
        bool ok = rc == r->rc;
        if (r->key && !has_error(res.errors, r->key, r->says))
            ok = false;
        if (r->rc == QN_OK && json_array_size(res.errors) != 0)
            ok = false;
        if (r->clean_key) {
            json_t *c = json_object_get(res.clean, r->clean_key);
            char *dump = c ? json_dumps(c, JSON_COMPACT | JSON_ENCODE_ANY) : xstrdup("absent");
            if (strcmp(dump, r->clean_json) != 0) {
                printf("  row '%s': clean %s = %s, want %s\n", r->what, r->clean_key, dump,
                       r->clean_json);
                ok = false;
            }
            free(dump);
        }
        if (!ok) {
            char *errs = json_dumps(res.errors, JSON_COMPACT);
            printf("  row '%s': rc %d (want %d), errors %s\n", r->what, rc, r->rc, errs);
            free(errs);
            CHECK(!"answer row");
        }
        /* missing holds exactly the keys of the "required" errors. */
        if (rc == QN_ERR_INCOMPLETE)
            CHECK(json_array_size(res.missing) > 0);
        if (r->mode == QN_PARTIAL)
            CHECK_INT_EQ(json_array_size(res.missing), 0);
        /* The cleaned answers are a fixed point: validating them again changes nothing. */
        struct qn_result again;
        questionnaire_validate(q, res.clean, QN_PARTIAL, &ctx, &again);
        CHECK_INT_EQ(json_array_size(again.errors), 0);
        CHECK(json_equal(again.clean, res.clean));
        qn_result_free(&again);
        qn_result_free(&res);
        json_decref(answers);
        json_decref(patch);
    }
    json_decref(base);
}

TEST(submit_of_nothing_lists_every_visible_required_key)
{
    struct questionnaire *q = definition();
    json_t *empty = json_object();
    struct qn_result res;
    CHECK_INT_EQ(questionnaire_validate(q, empty, QN_SUBMIT, NULL, &res), QN_ERR_INCOMPLETE);
    /* Visible with nothing answered: required questions without show_if. */
    size_t want = 0;
    for (size_t i = 0; i < questionnaire_count(q); i++)
        want += questionnaire_at(q, i)->required && !questionnaire_at(q, i)->show_if;
    CHECK_INT_EQ(json_array_size(res.missing), want);
    CHECK_INT_EQ(json_array_size(res.errors), want);
    /* In question order: the first is the first required question. */
    CHECK_STR_EQ(json_string_value(json_array_get(res.missing, 0)), "legal_name");
    bool has_posthouse = false;
    size_t i;
    json_t *k;
    json_array_foreach(res.missing, i, k)
        has_posthouse |= strcmp(json_string_value(k), "posthouse_name") == 0;
    CHECK(!has_posthouse);
    qn_result_free(&res);
    json_decref(empty);
}

TEST(answers_that_are_not_an_object)
{
    struct questionnaire *q = definition();
    const char *docs[] = {"[]", "\"answers\"", "null", "42"};
    for (size_t i = 0; i < 4; i++) {
        json_t *a = J(docs[i]);
        struct qn_result res;
        CHECK_INT_EQ(questionnaire_validate(q, a, QN_SUBMIT, NULL, &res), QN_ERR_INVALID);
        CHECK_INT_EQ(json_array_size(res.errors), 1);
        CHECK(json_is_null(json_object_get(json_array_get(res.errors, 0), "key")));
        CHECK(json_is_object(res.clean) && json_is_array(res.missing));
        qn_result_free(&res);
        json_decref(a);
    }
    qn_result_free(&(struct qn_result){0});
}

TEST(errors_are_capped_and_values_quoted_short)
{
    struct questionnaire *q = definition();
    json_t *a = json_object();
    for (int i = 0; i < 250; i++) {
        char key[32];
        snprintf(key, sizeof key, "bogus_%03d", i);
        json_object_set_new(a, key, json_true());
    }
    struct qn_result res;
    CHECK_INT_EQ(questionnaire_validate(q, a, QN_PARTIAL, NULL, &res), QN_ERR_INVALID);
    CHECK_INT_EQ(json_array_size(res.errors), QN_MAX_ERRORS + 1);
    const char *last =
        json_string_value(json_object_get(json_array_get(res.errors, QN_MAX_ERRORS), "message"));
    CHECK_STR_EQ(last, "... and 150 more problems");
    qn_result_free(&res);
    json_decref(a);

    /* A 1000-character wrong date is quoted as 40 characters and "...". */
    struct buf big = {0};
    for (int i = 0; i < 500; i++)
        buf_puts(&big, "\xc3\xa9x"); /* é and x */
    a = json_pack("{s:s}", "target_launch_date", buf_str(&big));
    questionnaire_validate(q, a, QN_PARTIAL, NULL, &res);
    const char *m = json_string_value(json_object_get(json_array_get(res.errors, 0), "message"));
    CHECK(m && strlen(m) < 120 && strstr(m, "...' is not a date"));
    qn_result_free(&res);
    json_decref(a);
    buf_free(&big);
}

TEST(text_length_counts_characters)
{
    struct questionnaire *q = definition(); /* legal_name: max_length 200 */
    struct buf s = {0};
    for (int i = 0; i < 200; i++)
        buf_puts(&s, "\xc3\xa9"); /* 200 characters, 400 bytes */
    json_t *a = json_pack("{s:s}", "legal_name", buf_str(&s));
    struct qn_result res;
    CHECK_INT_EQ(questionnaire_validate(q, a, QN_PARTIAL, NULL, &res), QN_OK);
    qn_result_free(&res);
    json_decref(a);
    buf_puts(&s, "x");
    a = json_pack("{s:s}", "legal_name", buf_str(&s));
    CHECK_INT_EQ(questionnaire_validate(q, a, QN_PARTIAL, NULL, &res), QN_ERR_INVALID);
    CHECK(has_error(res.errors, "legal_name", "Keep this to 200 characters (it has 201)"));
    qn_result_free(&res);
    json_decref(a);
    buf_free(&s);
}

TEST(without_context_no_window_and_any_posthouse)
{
    struct questionnaire *q = definition();
    json_t *a = J("{\"target_launch_date\": \"2001-01-01\", \"posthouse_id\": 12345}");
    struct qn_result res;
    CHECK_INT_EQ(questionnaire_validate(q, a, QN_PARTIAL, NULL, &res), QN_OK);
    qn_result_free(&res);
    struct qn_context no_day = {QN_NO_DAY, NULL, NULL};
    CHECK_INT_EQ(questionnaire_validate(q, a, QN_PARTIAL, &no_day, &res), QN_OK);
    qn_result_free(&res);
    json_decref(a);
}

TEST(visibility_follows_show_if)
{
    struct questionnaire *q = definition();
    const struct qn_question *name = questionnaire_find(q, QN_KEY_POSTHOUSE_NAME);
    const struct qn_question *scc = questionnaire_find(q, "scc_frame_rate");
    const struct qn_question *legal = questionnaire_find(q, "legal_name");
    json_t *a =
        J("{\"delivery_method\": \"Posthouse \", \"formats_captions\": [\"srt\", \"scc\"]}");
    CHECK(questionnaire_visible(q, name, a));
    CHECK(questionnaire_visible(q, scc, a));
    CHECK(questionnaire_visible(q, legal, a));
    CHECK(questionnaire_visible(q, legal, NULL));
    CHECK(!questionnaire_visible(q, name, NULL));
    json_t *b = J("{\"delivery_method\": \"self\", \"formats_captions\": [\"SRT\"]}");
    CHECK(!questionnaire_visible(q, name, b));
    CHECK(!questionnaire_visible(q, scc, b));
    /* All at once agrees with one at a time. */
    bool *all = xcalloc(questionnaire_count(q), sizeof *all);
    for (int k = 0; k < 2; k++) {
        const json_t *ans = k ? b : a;
        questionnaire_visible_all(q, ans, all);
        for (size_t i = 0; i < questionnaire_count(q); i++)
            CHECK(all[i] == questionnaire_visible(q, questionnaire_at(q, i), ans));
    }
    free(all);
    json_decref(a);
    json_decref(b);
}

TEST(visibility_is_transitive)
{
    json_t *doc = J(
        "{\"version\": \"v\", \"title\": \"T\", \"sections\": [{\"title\": \"S\", \"questions\": ["
        "{\"key\": \"a\", \"label\": \"A\", \"type\": \"yes_no\"},"
        "{\"key\": \"b\", \"label\": \"B\", \"type\": \"yes_no\", \"required\": true,"
        " \"show_if\": {\"a\": \"yes\"}},"
        "{\"key\": \"c\", \"label\": \"C\", \"type\": \"text\", \"required\": true,"
        " \"show_if\": {\"b\": \"yes\"}}]}]}");
    struct questionnaire *q = NULL;
    CHECK_INT_EQ(questionnaire_load(doc, &q, NULL), QN_OK);
    /* b answered yes but hidden (a = no): c is hidden too, so nothing is missing. */
    json_t *a = J("{\"a\": \"no\", \"b\": \"yes\"}");
    struct qn_result res;
    CHECK_INT_EQ(questionnaire_validate(q, a, QN_SUBMIT, NULL, &res), QN_OK);
    CHECK(!json_object_get(res.clean, "b"));
    qn_result_free(&res);
    json_decref(a);
    a = J("{\"a\": \"yes\", \"b\": \"yes\"}");
    CHECK_INT_EQ(questionnaire_validate(q, a, QN_SUBMIT, NULL, &res), QN_ERR_INCOMPLETE);
    CHECK_STR_EQ(json_string_value(json_array_get(res.missing, 0)), "c");
    qn_result_free(&res);
    json_decref(a);
    questionnaire_free(q);
    json_decref(doc);
}

TEST(merge_applies_a_save)
{
    json_t *stored = J("{\"a\": 1, \"b\": \"x\", \"c\": [1]}");
    json_t *patch = J("{\"b\": null, \"c\": [2], \"d\": \"new\"}");
    json_t *m = questionnaire_merge(stored, patch);
    char *s = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
    CHECK_STR_EQ(s, "{\"a\":1,\"c\":[2],\"d\":\"new\"}");
    free(s);
    json_decref(m);
    /* stored is untouched */
    s = json_dumps(stored, JSON_COMPACT | JSON_SORT_KEYS);
    CHECK_STR_EQ(s, "{\"a\":1,\"b\":\"x\",\"c\":[1]}");
    free(s);
    m = questionnaire_merge(NULL, patch);
    CHECK_INT_EQ(json_object_size(m), 2);
    json_decref(m);
    json_t *notobj = J("[1]");
    m = questionnaire_merge(stored, notobj);
    CHECK(json_equal(m, stored));
    json_decref(m);
    json_decref(notobj);
    json_decref(stored);
    json_decref(patch);
}

/* ---- training defaults ---- */

struct training_row {
    const char *what;
    const char *answers;
    bool already, via, ph_onboarded;
    const char *modules; /* comma-separated module names, "" for none */
};

static const struct training_row training_rows[] = {
    {"already onboarded: training skipped",
     "{\"already_onboarded\": \"yes\", \"delivery_method\": \"self\"}", true, false, false, ""},
    {"already onboarded through an onboarded posthouse: still skipped",
     "{\"already_onboarded\": \"yes\", \"delivery_method\": \"posthouse\","
     " \"posthouse_onboarded\": \"yes\"}",
     true, true, true, ""},
    {"onboarded posthouse: avails review only",
     "{\"already_onboarded\": \"no\", \"delivery_method\": \"posthouse\","
     " \"posthouse_onboarded\": \"yes\"}",
     false, true, true, "avails_review"},
    {"a posthouse from the directory counts as onboarded",
     "{\"delivery_method\": \"posthouse\", \"posthouse_id\": 7, \"posthouse_onboarded\": \"no\"}",
     false, true, true, "avails_review"},
    {"posthouse not onboarded: the standard pair",
     "{\"delivery_method\": \"posthouse\", \"posthouse_onboarded\": \"no\"}", false, true, false,
     "technical_asset_review,avails_review"},
    {"self delivery: a stale posthouse answer does not count",
     "{\"delivery_method\": \"self\", \"posthouse_onboarded\": \"yes\", \"posthouse_id\": 7}",
     false, false, false, "technical_asset_review,avails_review"},
    {"new to avails and packages: phased review",
     "{\"delivery_method\": \"self\", \"avails_experience\": \"no\", \"asset_experience\": \"no\"}",
     false, false, false, "phased_review"},
    {"new to avails only: the standard pair",
     "{\"delivery_method\": \"self\", \"avails_experience\": \"no\", \"asset_experience\": "
     "\"yes\"}",
     false, false, false, "technical_asset_review,avails_review"},
    {"posthouse not onboarded and both new: phased",
     "{\"delivery_method\": \"posthouse\", \"avails_experience\": \"no\","
     " \"asset_experience\": \"no\"}",
     false, true, false, "phased_review"},
    {"nothing answered: the standard pair", "{}", false, false, false,
     "technical_asset_review,avails_review"},
    {"raw answers in odd case still read", "{\"already_onboarded\": \" YES \"}", true, false, false,
     ""},
    {"a boolean yes", "{\"already_onboarded\": true}", true, false, false, ""},
};

TEST(training_defaults_table)
{
    for (size_t i = 0; i < sizeof training_rows / sizeof training_rows[0]; i++) {
        const struct training_row *r = &training_rows[i];
        json_t *a = J(r->answers);
        struct training_facts f;
        questionnaire_training_facts(a, &f);
        enum training_module mods[TRAINING_N_MODULES];
        size_t n = questionnaire_training_defaults(a, mods);
        struct buf got = {0};
        const char *names[TRAINING_N_MODULES];
        for (size_t k = 0; k < n; k++) {
            names[k] = training_module_name(mods[k]);
            buf_printf(&got, "%s%s", k ? "," : "", names[k]);
        }
        if (f.already_onboarded != r->already || f.via_posthouse != r->via ||
            f.posthouse_onboarded != r->ph_onboarded || strcmp(buf_str(&got), r->modules) != 0) {
            printf("  row '%s': facts %d%d%d modules '%s'\n", r->what, f.already_onboarded,
                   f.via_posthouse, f.posthouse_onboarded, buf_str(&got));
            CHECK(!"training row");
        }
        /* The defaults always pass the rules. */
        char *message = NULL;
        CHECK_INT_EQ(training_plan_check(names, n, &f, &message), TRAINING_OK);
        free(message);
        buf_free(&got);
        json_decref(a);
    }
}

TEST(intended_formats_from_answers)
{
    json_t *a = J("{\"formats_resolution\": [\"UHD\"], \"formats_dynamic_range\": [\"HDR10\"],"
                  " \"formats_audio\": [\"Atmos\", \"5.1\"], \"formats_captions\": [\"TTML\"]}");
    struct format_set s = {0};
    CHECK_INT_EQ(questionnaire_intended_formats(a, &s), 0);
    CHECK_INT_EQ(format_set_count(&s), 5);
    CHECK(format_set_has(&s, format_find("Atmos")));
    CHECK(!format_set_has(&s, format_find("HD")));
    json_decref(a);
    a = J("{\"formats_audio\": [\"Atmos\", \"Smell-o-vision\"]}");
    struct format_set t = {0};
    CHECK_INT_EQ(questionnaire_intended_formats(a, &t), -1);
    CHECK_INT_EQ(format_set_count(&t), 1);
    json_decref(a);
}

/* ---- codes ---- */

TEST(territory_codes)
{
    char out[3];
    CHECK_INT_EQ(codes_territory_check("GB", out), CODES_OK);
    CHECK_STR_EQ(out, "GB");
    CHECK_INT_EQ(codes_territory_check("gb", out), CODES_OK);
    CHECK_STR_EQ(out, "GB");
    static const char *const good[] = {"US", "FR", "DE", "JP", "BR", "AX",
                                       "SS", "CW", "SX", "BQ", "XK" /* not ISO: checked below */};
    for (size_t i = 0; i < 10; i++)
        CHECK_INT_EQ(codes_territory_check(good[i], out), CODES_OK);
    static const struct {
        const char *s;
        int rc;
    } bad[] = {{"XK", CODES_ERR_UNKNOWN}, {"UK", CODES_ERR_UNKNOWN}, {"EU", CODES_ERR_UNKNOWN},
               {"ZZ", CODES_ERR_UNKNOWN}, {"AA", CODES_ERR_UNKNOWN}, {"G", CODES_ERR_SYNTAX},
               {"GBR", CODES_ERR_SYNTAX}, {"", CODES_ERR_SYNTAX},    {"1A", CODES_ERR_SYNTAX},
               {NULL, CODES_ERR_SYNTAX}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT_EQ(codes_territory_check(bad[i].s, out), bad[i].rc);
    /* Exactly the 249 assigned codes. */
    int n = 0;
    for (char a = 'A'; a <= 'Z'; a++)
        for (char b = 'A'; b <= 'Z'; b++) {
            char s[3] = {a, b, 0};
            n += codes_territory_check(s, out) == CODES_OK;
        }
    CHECK_INT_EQ(n, 249);
}

/* The code lists the avails and MDDF checks share with the questionnaire (one copy, here). */
TEST(areas_languages_currencies)
{
    /* UN M.49 areas: the regions of language tags and the named areas of Avails territories */
    CHECK_STR_EQ(codes_m49_area("419"), "Latin America and the Caribbean");
    CHECK_STR_EQ(codes_m49_area("150"), "Europe");
    CHECK_STR_EQ(codes_m49_area("001"), "World");
    CHECK(codes_m49_area("999") == NULL && codes_m49_area("1") == NULL);
    CHECK(codes_m49_area("0010") == NULL && codes_m49_area("GB") == NULL);
    CHECK(codes_m49_area(NULL) == NULL);
    int n_areas = 0;
    for (int i = 0; i < 1000; i++) {
        char s[4] = {(char)('0' + i / 100), (char)('0' + i / 10 % 10), (char)('0' + i % 10), 0};
        const char *name = codes_m49_area(s);
        n_areas += name != NULL;
        /* an area is a region of a language tag exactly when it has a name */
        char tag[8];
        snprintf(tag, sizeof tag, "es-%s", s);
        CHECK((codes_language_check(tag, NULL, NULL) == CODES_OK) == (name != NULL));
    }
    CHECK_INT_EQ(n_areas, 30);
    /* three-letter language codes with a two-letter one */
    CHECK_STR_EQ(codes_language_two_letter("eng"), "en");
    CHECK_STR_EQ(codes_language_two_letter("ger"), "de");
    CHECK_STR_EQ(codes_language_two_letter("deu"), "de");
    CHECK_STR_EQ(codes_language_two_letter("ZHO"), "zh");
    CHECK(codes_language_two_letter("yue") == NULL && codes_language_two_letter("en") == NULL);
    CHECK(codes_language_two_letter(NULL) == NULL);
    /* ISO 4217, exactly as written */
    CHECK(codes_currency("EUR") && codes_currency("GBP") && codes_currency("JPY"));
    CHECK(!codes_currency("eur") && !codes_currency("EURO") && !codes_currency("EU") &&
          !codes_currency("QQQ") && !codes_currency(NULL));
    int n_currencies = 0;
    for (char a = 'A'; a <= 'Z'; a++)
        for (char b = 'A'; b <= 'Z'; b++)
            for (char c = 'A'; c <= 'Z'; c++)
                n_currencies += codes_currency((char[4]){a, b, c, 0});
    CHECK_INT_EQ(n_currencies, 179);
}

struct tag_row {
    const char *tag;
    int rc;
    const char *canonical_or_why;
};

static const struct tag_row tag_rows[] = {
    {"en", CODES_OK, "en"},
    {"EN-us", CODES_OK, "en-US"},
    {"es-419", CODES_OK, "es-419"},
    {"zh-hant-tw", CODES_OK, "zh-Hant-TW"},
    {"zh-yue-HK", CODES_OK, "zh-yue-HK"},
    {"sr-Latn-RS", CODES_OK, "sr-Latn-RS"},
    {"de-CH-1901", CODES_OK, "de-CH-1901"},
    {"sl-rozaj-biske", CODES_OK, "sl-rozaj-biske"},
    {"en-US-u-ca-gregory", CODES_OK, "en-US-u-ca-gregory"},
    {"en-a-bbb-x-a-ccc", CODES_OK, "en-a-bbb-x-a-ccc"},
    {"fr-x-private1", CODES_OK, "fr-x-private1"},
    {"yue", CODES_OK, "yue"},
    {"zxx", CODES_OK, "zxx"},
    {"en-001", CODES_OK, "en-001"},
    {"", CODES_ERR_SYNTAX, "is not a BCP 47 language tag"},
    {"en_GB", CODES_ERR_SYNTAX, "is not a BCP 47 language tag"},
    {"en-", CODES_ERR_SYNTAX, "is not a BCP 47 language tag"},
    {"-en", CODES_ERR_SYNTAX, "is not a BCP 47 language tag"},
    {"en--GB", CODES_ERR_SYNTAX, "is not a BCP 47 language tag"},
    {"e", CODES_ERR_SYNTAX, "is not a BCP 47 language tag"},
    {"x-private", CODES_ERR_SYNTAX, "is not a BCP 47 language tag"},
    {"i-klingon", CODES_ERR_SYNTAX, "is not a BCP 47 language tag"},
    {"1en", CODES_ERR_SYNTAX, "is not a BCP 47 language tag"},
    {"en-verylongsubtag", CODES_ERR_SYNTAX, "is not a BCP 47 language tag"},
    {"english", CODES_ERR_UNKNOWN, "has an unknown language 'english'"},
    {"qq", CODES_ERR_UNKNOWN, "has an unknown language 'qq'"},
    {"en-QQ", CODES_ERR_UNKNOWN, "has an unknown region 'QQ'"},
    {"en-999", CODES_ERR_UNKNOWN, "has an unknown region '999'"},
    {"zh-Hanx", CODES_ERR_UNKNOWN, "has an unknown script 'Hanx'"},
    {"de-abcde", CODES_ERR_UNKNOWN, "has an unknown variant 'abcde'"},
    {"de-1901-1901", CODES_ERR_SYNTAX, "repeats the variant '1901'"},
    {"en-a-bbb-a-ccc", CODES_ERR_SYNTAX, "repeats the extension 'a'"},
    {"en-a", CODES_ERR_SYNTAX, "has an empty extension 'a'"},
    {"en-x", CODES_ERR_SYNTAX, "has an empty private-use part 'x'"},
    {"en-GB-Latn", CODES_ERR_SYNTAX, "has 'Latn' where BCP 47 allows no such subtag"},
    {"iw", CODES_ERR_DEPRECATED, "use 'he' (Hebrew) instead"},
    {"sh", CODES_ERR_DEPRECATED, "'sr-Latn', 'hr' or 'bs'"},
    {"en-GB-oed", CODES_ERR_SYNTAX, "has 'oed'"},
    /* A region is 2 letters or 3 digits: 3 letters after a language read as an extlang, and
     * only the registered extlangs, after their own language, are valid (usa and gbr are ISO
     * 639-3 languages, so en-USA used to pass). */
    {"en-USA", CODES_ERR_UNKNOWN, "has 'USA' where a region or an extended language goes"},
    {"fr-FRA", CODES_ERR_UNKNOWN, "has 'FRA' where a region or an extended language goes"},
    {"en-GBR-x-a", CODES_ERR_UNKNOWN, "has 'GBR' where a region"},
    {"sgn-ase", CODES_OK, "sgn-ase"},
    {"AR-aeb-TN", CODES_OK, "ar-aeb-TN"},
    {"zh-CMN-hans-cn", CODES_OK, "zh-cmn-Hans-CN"},
    {"en-yue", CODES_ERR_UNKNOWN, "has the extended language 'yue', which belongs after 'zh' only"},
    {"zh-yue-cmn", CODES_ERR_SYNTAX, "has 'cmn' where BCP 47 allows no such subtag"},
    {"en-12", CODES_ERR_SYNTAX, "has '12' where BCP 47 allows no such subtag"},
    {"en-US-GB", CODES_ERR_SYNTAX, "has 'GB' where BCP 47 allows no such subtag"},
    {"en-1234-US", CODES_ERR_UNKNOWN, "has an unknown variant '1234'"},
    /* a script is exactly 4 letters, once, before the region */
    {"zh-Han", CODES_ERR_UNKNOWN, "has 'Han' where a region or an extended language goes"},
    {"en-Latn", CODES_OK, "en-Latn"},
    {"en-Qaaa-GB", CODES_ERR_UNKNOWN, "has an unknown script 'Qaaa'"},
    {"zh-Hant-Hans", CODES_ERR_SYNTAX, "has 'Hans' where BCP 47 allows no such subtag"},
    {"sr-Latn1", CODES_ERR_UNKNOWN, "has an unknown variant 'Latn1'"},
    {"en-Latn-US-Latn", CODES_ERR_SYNTAX, "has 'Latn' where"},
    /* variants: 5 to 8 letters or digits, or a digit and 3 more */
    {"ca-ES-valencia", CODES_OK, "ca-ES-valencia"},
    {"de-1996", CODES_OK, "de-1996"},
    {"de-1ab2", CODES_ERR_UNKNOWN, "has an unknown variant '1ab2'"},
    {"de-a1b2", CODES_ERR_SYNTAX, "has 'a1b2' where BCP 47 allows no such subtag"},
    {"de-valencian", CODES_ERR_SYNTAX, "is not a BCP 47 language tag"},
    {"de-DE-1ab", CODES_ERR_SYNTAX, "has '1ab' where BCP 47 allows no such subtag"},
};

TEST(language_tags_table)
{
    for (size_t i = 0; i < sizeof tag_rows / sizeof tag_rows[0]; i++) {
        struct buf canon = {0}, why = {0};
        int rc = codes_language_check(tag_rows[i].tag, &canon, &why);
        const char *got = rc == CODES_OK ? buf_str(&canon) : buf_str(&why);
        bool ok = rc == tag_rows[i].rc &&
                  (rc == CODES_OK ? strcmp(got, tag_rows[i].canonical_or_why) == 0
                                  : strstr(got, tag_rows[i].canonical_or_why) != NULL);
        if (!ok) {
            printf("  tag '%s': rc %d, \"%s\"\n", tag_rows[i].tag, rc, got);
            CHECK(!"language tag row");
        }
        CHECK_INT_EQ(codes_language_check(tag_rows[i].tag, NULL, NULL), tag_rows[i].rc);
        buf_free(&canon);
        buf_free(&why);
    }
    /* Too long, and NULL. */
    char longtag[200];
    memset(longtag, 'a', sizeof longtag - 1);
    longtag[sizeof longtag - 1] = '\0';
    CHECK_INT_EQ(codes_language_check(longtag, NULL, NULL), CODES_ERR_SYNTAX);
    CHECK_INT_EQ(codes_language_check(NULL, NULL, NULL), CODES_ERR_SYNTAX);
}

T_MAIN
