/*
 * /partners/{id}/questionnaire: the onboarding questionnaire as a form
 * generated from the partner's version of the definition (data, see
 * core/questionnaire.h), and the same answers read-only.
 *
 * Every question type has one widget: text, email, number and date inputs,
 * a textarea for long text, radios for a choice of few options (and yes/no),
 * a select for longer lists and for the posthouse directory, checkboxes for
 * a multiple choice, and a text input for the choices drawn from a large
 * vocabulary (territory codes, language tags; lists separated by commas).
 * Sections are fieldsets; a question with several inputs is a fieldset of its
 * own whose legend is the question. Questions shown only for some answers are
 * all in the page with an "only if ..." hint (static/questionnaire.js hides
 * them while their condition does not hold, so the page works without it).
 *
 * "Save" sends every answer of the form (an emptied field removes its answer)
 * as a partial save; "Submit" saves and then submits. A refusal never loses
 * what was typed: the page is rendered again at once (422) with the typed
 * values, each problem next to its question and summarised at the top with
 * links; a success redirects back with a flash. Staff see the answers
 * read-only (those allowed to answer may edit on the partner's behalf with
 * ?edit=1), and everyone does once the questionnaire is submitted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/op.h"
#include "app/posthouses.h"
#include "app/questionnaire.h"
#include "core/policy.h"
#include "web/launch_panel.h"
#include "web/pages.h"
#include "web/web.h"

/* The widgets. */
enum widget {
    W_TEXT,
    W_LONG,
    W_EMAIL,
    W_NUMBER,
    W_DATE,
    W_RADIO,
    W_SELECT,
    W_CHECKS,
    W_LIST,
    W_POSTHOUSE
};

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static bool is(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

static enum widget widget_of(const json_t *q)
{
    const char *type = str(q, "type");
    size_t n_options = json_array_size(json_object_get(q, "options"));
    if (is(type, "long_text"))
        return W_LONG;
    if (is(type, "email"))
        return W_EMAIL;
    if (is(type, "number"))
        return W_NUMBER;
    if (is(type, "date"))
        return W_DATE;
    if (is(type, "yes_no"))
        return W_RADIO;
    if (is(type, "posthouse"))
        return W_POSTHOUSE;
    if (is(type, "choice"))
        return n_options == 0 ? W_TEXT : n_options <= 6 ? W_RADIO : W_SELECT;
    if (is(type, "multi_choice"))
        return n_options ? W_CHECKS : W_LIST;
    return W_TEXT;
}

/* The options of a question as [{value, label}] (yes/no has its two). Borrowed or new: decref. */
static json_t *options_of(const json_t *q)
{
    if (is(str(q, "type"), "yes_no"))
        return json_pack("[{s:s, s:s}, {s:s, s:s}]", "value", "yes", "label", "Yes", "value", "no",
                         "label", "No");
    json_t *o = json_object_get(q, "options");
    return o ? json_incref(o) : json_array();
}

/* The label of value among the options of q (borrowed from q, or static), or value itself. */
static const char *option_label(const json_t *q, const char *value)
{
    if (is(str(q, "type"), "yes_no") && value)
        return !strcasecmp(value, "yes") ? "Yes" : !strcasecmp(value, "no") ? "No" : value;
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(q, "options"), i, o) {
        const char *v = str(o, "value");
        if (v && value && !strcasecmp(v, value))
            return str(o, "label") ? str(o, "label") : v;
    }
    return value;
}

/* Every question of the definition by key (borrowed references). */
static json_t *questions_by_key(const json_t *def)
{
    json_t *by = json_object();
    size_t i, j;
    json_t *s, *q;
    json_array_foreach(json_object_get(def, "sections"), i, s) {
        json_array_foreach(json_object_get(s, "questions"), j, q) {
            if (str(q, "key"))
                json_object_set(by, str(q, "key"), q);
        }
    }
    return by;
}

/* A scalar answer as text ("" for none). */
static const char *scalar_text(struct req *r, const json_t *v)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        return arena_printf(&r->arena, "%lld", (long long)json_integer_value(v));
    if (json_is_real(v))
        return arena_printf(&r->arena, "%g", json_real_value(v));
    if (json_is_true(v))
        return "yes";
    if (json_is_false(v))
        return "no";
    return "";
}

/*
 * What the form shows for a stored answer: a string, or for checkboxes a list
 * of strings (new reference).
 */
static json_t *form_value_of_answer(struct req *r, const json_t *q, const json_t *answer)
{
    enum widget w = widget_of(q);
    if (w == W_CHECKS) {
        json_t *list = json_array();
        size_t i;
        json_t *v;
        if (json_is_array(answer)) {
            json_array_foreach(answer, i, v) {
                json_array_append_new(list, json_string(scalar_text(r, v)));
            }
        } else if (answer && !json_is_null(answer)) {
            json_array_append_new(list, json_string(scalar_text(r, answer)));
        }
        return list;
    }
    if (json_is_array(answer)) {
        struct buf b = {0};
        size_t i;
        json_t *v;
        json_array_foreach(answer, i, v) {
            buf_printf(&b, "%s%s", i ? ", " : "", scalar_text(r, v));
        }
        json_t *s = json_string(buf_str(&b));
        buf_free(&b);
        return s;
    }
    return json_string(scalar_text(r, answer));
}

/* What the form sent for question q: a string, or for checkboxes a list (new reference). */
static json_t *form_value_of_post(struct req *r, const json_t *q)
{
    json_t *v = json_object_get(r->form, arena_printf(&r->arena, "q_%s", str(q, "key")));
    if (widget_of(q) == W_CHECKS) {
        if (json_is_array(v))
            return json_incref(v);
        return json_is_string(v) ? json_pack("[O]", v) : json_array();
    }
    const char *s = json_is_array(v) ? json_string_value(json_array_get(v, json_array_size(v) - 1))
                                     : json_string_value(v);
    return json_string(s ? s : "");
}

/* True when s holds more than spaces. */
static bool blank(const char *s)
{
    for (; s && *s; s++)
        if (!strchr(" \t\r\n", *s))
            return false;
    return true;
}

/* The answer to send for a form value: a string, a list, or null for "not answered". */
static json_t *answer_of_form_value(const json_t *q, const json_t *value)
{
    enum widget w = widget_of(q);
    if (w == W_CHECKS)
        return json_array_size(value) ? json_incref((json_t *)value) : json_null();
    const char *s = json_string_value(value);
    if (blank(s))
        return json_null();
    if (w != W_LIST)
        return json_string(s);
    /* A list typed as text: items separated by commas, semicolons or spaces. */
    json_t *list = json_array();
    const char *p = s;
    while (*p) {
        size_t skip = strspn(p, ",; \t\r\n");
        p += skip;
        size_t len = strcspn(p, ",; \t\r\n");
        if (len)
            json_array_append_new(list, json_stringn(p, len));
        p += len;
    }
    return list;
}

/* "Only if “Delivery” is “A posthouse delivers for us”": the show_if of q for people. */
static const char *condition_text(struct req *r, const json_t *by_key, const json_t *q)
{
    const json_t *cond = json_object_get(q, "show_if");
    if (!json_is_object(cond) || !json_object_size(cond))
        return NULL;
    struct buf b = {0};
    buf_puts(&b, "Only if ");
    const char *key;
    json_t *want;
    bool first = true;
    json_object_foreach((json_t *)cond, key, want) {
        const json_t *other = json_object_get(by_key, key);
        bool multi = is(str(other, "type"), "multi_choice");
        buf_printf(&b, "%s\u201c%s\u201d %s ", first ? "" : " and ",
                   other && str(other, "label") ? str(other, "label") : key,
                   multi ? "includes" : "is");
        first = false;
        json_t *values = json_is_array(want) ? json_incref(want) : json_pack("[O]", want);
        size_t i;
        json_t *v;
        json_array_foreach(values, i, v) {
            buf_printf(&b, "%s\u201c%s\u201d", i ? " or " : "",
                       option_label(other, scalar_text(r, v)));
        }
        json_decref(values);
    }
    buf_puts(&b, ".");
    const char *s = arena_strdup(&r->arena, buf_str(&b));
    buf_free(&b);
    return s;
}

/* An answer for people: option labels, lists joined, the posthouse's name; "" when none. */
static const char *answer_text(struct req *r, const json_t *q, const json_t *answer,
                               const json_t *posthouses)
{
    if (!answer || json_is_null(answer))
        return "";
    if (is(str(q, "type"), "posthouse")) {
        json_int_t id = json_is_integer(answer) ? json_integer_value(answer)
                                                : strtoll(scalar_text(r, answer), NULL, 10);
        size_t i;
        json_t *p;
        json_array_foreach(posthouses, i, p) {
            if (json_integer_value(json_object_get(p, "id")) == id)
                return str(p, "name");
        }
        return arena_printf(&r->arena, "Posthouse %lld (no longer in the directory)",
                            (long long)id);
    }
    if (json_is_array(answer)) {
        struct buf b = {0};
        size_t i;
        json_t *v;
        json_array_foreach(answer, i, v) {
            buf_printf(&b, "%s%s", i ? ", " : "", option_label(q, scalar_text(r, v)));
        }
        const char *s = arena_strdup(&r->arena, buf_str(&b));
        buf_free(&b);
        return s;
    }
    return option_label(q, scalar_text(r, answer));
}

static bool answered(const json_t *v)
{
    return v && !json_is_null(v) && !(json_is_string(v) && blank(json_string_value(v))) &&
           !(json_is_array(v) && json_array_size(v) == 0);
}

static bool in_list(const json_t *list, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        if (is(json_string_value(v), s))
            return true;
    }
    return false;
}

/* What the page is built from. */
struct qn_page {
    const json_t *partner;    /* GET /api/v1/partners/{id} */
    const json_t *qn;         /* questionnaire_view (app/questionnaire.h) */
    const json_t *values;     /* key -> form value (typed), or NULL: from the stored answers */
    const json_t *errors;     /* [{key, message}] of a refusal, or NULL */
    const char *problem;      /* the heading of the problem summary, or NULL */
    const char *problem_text; /* what to do next */
    bool editable;
};

/* Does the definition ask for a posthouse (and so need the directory)? */
static bool asks_posthouse(const json_t *by_key, const json_t *answers, bool editable)
{
    const char *key;
    json_t *q;
    json_object_foreach((json_t *)by_key, key, q) {
        if (is(str(q, "type"), "posthouse") &&
            (editable || answered(json_object_get(answers, key))))
            return true;
    }
    return false;
}

/* The view model of one question in the form. */
static json_t *form_question(struct req *r, const struct qn_page *pg, const json_t *by_key,
                             const json_t *q, const json_t *posthouses, const char *err)
{
    const char *key = str(q, "key");
    enum widget w = widget_of(q);
    const char *qid = arena_printf(&r->arena, "q-%s", key);
    json_t *value = pg->values ? json_incref(json_object_get(pg->values, key)) : NULL;
    if (!value)
        value =
            form_value_of_answer(r, q, json_object_get(json_object_get(pg->qn, "answers"), key));
    const char *help = str(q, "help");
    const char *hint = condition_text(r, by_key, q);
    if (w == W_LIST && !help)
        help = "Separate several with commas.";
    struct buf described = {0};
    if (help)
        buf_printf(&described, "%s-help", qid);
    if (hint)
        buf_printf(&described, "%s%s-if", described.len ? " " : "", qid);
    if (err)
        buf_printf(&described, "%s%s-err", described.len ? " " : "", qid);
    json_t *vm = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "key", key, "qid", qid, "name",
                           arena_printf(&r->arena, "q_%s", key), "label",
                           str(q, "label") ? str(q, "label") : key, "required",
                           json_is_true(json_object_get(q, "required")), "invalid", err != NULL,
                           "is_group", w == W_RADIO || w == W_CHECKS);
    json_object_set_new(vm, "help", help ? json_string(help) : json_false());
    json_object_set_new(vm, "hint", hint ? json_string(hint) : json_false());
    json_object_set_new(vm, "err", err ? json_string(err) : json_false());
    json_object_set_new(vm, "describedby",
                        described.len ? json_string(buf_str(&described)) : json_false());
    buf_free(&described);
    json_t *cond = json_object_get(q, "show_if");
    if (json_is_object(cond) && json_object_size(cond)) {
        char *text = json_dumps(cond, JSON_COMPACT);
        json_object_set_new(vm, "show_if_json", json_string(text));
        free(text);
    }
    if (str(q, "placeholder"))
        json_object_set_new(vm, "placeholder", json_string(str(q, "placeholder")));
    json_t *max = json_object_get(q, "max_length");
    if (json_is_integer(max))
        json_object_set(vm, "maxlength", max);
    switch (w) {
    case W_TEXT:
    case W_EMAIL:
    case W_NUMBER:
    case W_DATE:
    case W_LIST:
        json_object_set_new(vm, "k_input", json_true());
        json_object_set_new(vm, "itype",
                            json_string(w == W_EMAIL  ? "email"
                                        : w == W_DATE ? "date"
                                                      : "text"));
        if (w == W_NUMBER)
            json_object_set_new(
                vm, "inputmode",
                json_string(json_is_true(json_object_get(q, "integer")) ? "numeric" : "decimal"));
        if (w == W_EMAIL)
            json_object_set_new(vm, "autocomplete", json_string("email"));
        if (w == W_LIST)
            json_object_set_new(vm, "is_list", json_true());
        json_object_set(vm, "value", value);
        break;
    case W_LONG:
        json_object_set_new(vm, "k_long", json_true());
        json_object_set(vm, "value", value);
        break;
    case W_RADIO:
    case W_CHECKS:
    case W_SELECT: {
        json_t *opts = options_of(q), *list = json_array();
        size_t i;
        json_t *o;
        json_array_foreach(opts, i, o) {
            const char *v = str(o, "value");
            bool on = w == W_CHECKS
                          ? in_list(value, v)
                          : json_string_value(value) && !strcasecmp(json_string_value(value), v);
            json_array_append_new(
                list, json_pack("{s:s, s:s, s:s, s:b}", "oid",
                                i ? arena_printf(&r->arena, "%s-%zu", qid, i + 1) : qid, "ovalue",
                                v, "olabel", str(o, "label") ? str(o, "label") : v, "checked", on));
        }
        json_decref(opts);
        json_object_set_new(vm, "options", list);
        json_object_set_new(vm, "itype", json_string(w == W_CHECKS ? "checkbox" : "radio"));
        if (w == W_SELECT) {
            json_object_set_new(vm, "is_group", json_false());
            json_object_set_new(vm, "k_select", json_true());
            json_object_set_new(vm, "blank_label", json_string("Choose one"));
        }
        break;
    }
    case W_POSTHOUSE: {
        json_t *list = json_array();
        const char *chosen = json_string_value(value);
        bool listed = false;
        size_t i;
        json_t *p;
        json_array_foreach(posthouses, i, p) {
            const char *id = arena_printf(&r->arena, "%lld",
                                          (long long)json_integer_value(json_object_get(p, "id")));
            bool on = is(chosen, id);
            listed |= on;
            json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "oid", "", "ovalue", id,
                                                  "olabel", str(p, "name"), "checked", on));
        }
        if (chosen && *chosen && !listed)
            json_array_append_new(
                list,
                json_pack("{s:s, s:s, s:s, s:b}", "oid", "", "ovalue", chosen, "olabel",
                          arena_printf(&r->arena, "Posthouse %s (not in the directory)", chosen),
                          "checked", true));
        json_object_set_new(vm, "options", list);
        json_object_set_new(vm, "k_select", json_true());
        json_object_set_new(vm, "blank_label",
                            json_string(json_array_size(list) ? "Not listed (give its name below)"
                                                              : "No posthouse is listed yet"));
        break;
    }
    }
    json_decref(value);
    return vm;
}

/* The first message for key in errors, or NULL. */
static const char *error_for(const json_t *errors, const char *key)
{
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e) {
        if (is(str(e, "key"), key))
            return str(e, "message");
    }
    return NULL;
}

static const char *status_label(const char *status)
{
    return is(status, "submitted") ? "Submitted" : is(status, "draft") ? "In progress" : status;
}

/* "Thu 26 Nov 2026, 14:05 (UTC+01:00)" in zone, or NULL for a null time. */
static const char *when(struct req *r, const json_t *t, const char *zone)
{
    const char *s = json_string_value(t);
    return s ? web_time_text(r, s, zone) : NULL;
}

static void render(struct req *r, int status, const struct qn_page *pg)
{
    const json_t *qn = pg->qn, *def = json_object_get(qn, "definition");
    const json_t *answers = json_object_get(qn, "answers"),
                 *visible = json_object_get(qn, "visible");
    const char *zone = str(pg->partner, "time_zone");
    json_int_t pid = json_integer_value(json_object_get(pg->partner, "id"));
    json_t *by_key = questions_by_key(def);
    json_t *posthouses =
        asks_posthouse(by_key, answers, pg->editable) ? web_posthouses(r) : json_array();
    bool staff = !role_is_org(r->who.role);
    const char *st = str(qn, "status");
    json_t *vm = json_pack(
        "{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:s}", "title",
        arena_printf(&r->arena, "Questionnaire: %s", str(pg->partner, "name")), "csrf",
        r->csrf ? r->csrf : "", "partner_id", pid, "partner_name", str(pg->partner, "name"),
        "q_title", str(def, "title") ? str(def, "title") : "Onboarding questionnaire", "version",
        str(qn, "version") ? str(qn, "version") : "", "status", st ? st : "", "status_label",
        status_label(st), "editable", pg->editable, "staff", staff, "submitted",
        is(st, "submitted"), "zone", zone ? zone : "UTC");
    if (str(def, "description"))
        json_object_set_new(vm, "q_description", json_string(str(def, "description")));
    const char *t;
    if ((t = when(r, json_object_get(qn, "sent_at"), zone)))
        json_object_set_new(vm, "sent_at", json_string(t));
    if ((t = when(r, json_object_get(qn, "updated_at"), zone)))
        json_object_set_new(vm, "updated_at", json_string(t));
    if ((t = when(r, json_object_get(qn, "submitted_at"), zone)))
        json_object_set_new(vm, "submitted_at", json_string(t));
    web_launch_panel(r, pg->partner, vm); /* a target launch date too soon */
    bool may_answer = policy_role_may(&r->who, ACT_QUESTIONNAIRE_ANSWER) == POLICY_ALLOW;
    json_object_set_new(vm, "can_edit_for_partner",
                        json_boolean(staff && may_answer && is(st, "draft") && !pg->editable));
    json_object_set_new(
        vm, "can_submit",
        json_boolean(policy_role_may(&r->who, ACT_QUESTIONNAIRE_SUBMIT) == POLICY_ALLOW));

    /* sections, and the problems in the order of the questions */
    json_t *sections = json_array(), *problems = json_array();
    int n_required = 0, n_answered = 0;
    size_t i, j;
    json_t *s, *q;
    json_array_foreach(json_object_get(def, "sections"), i, s) {
        json_t *qs = json_array();
        json_array_foreach(json_object_get(s, "questions"), j, q) {
            const char *key = str(q, "key");
            if (!key)
                continue;
            const json_t *answer = json_object_get(answers, key);
            bool shown = in_list(visible, key);
            bool required = json_is_true(json_object_get(q, "required"));
            if (shown && required) {
                n_required++;
                n_answered += answered(answer);
            }
            if (pg->editable) {
                const char *err = error_for(pg->errors, key);
                json_array_append_new(qs, form_question(r, pg, by_key, q, posthouses, err));
                if (err)
                    json_array_append_new(problems,
                                          json_pack("{s:s, s:s, s:s}", "href",
                                                    arena_printf(&r->arena, "#q-%s", key), "plabel",
                                                    str(q, "label") ? str(q, "label") : key,
                                                    "pmessage", err));
            } else if (shown) {
                const char *text = answer_text(r, q, answer, posthouses);
                json_array_append_new(qs,
                                      json_pack("{s:s, s:s, s:b, s:b, s:b}", "label",
                                                str(q, "label") ? str(q, "label") : key, "display",
                                                text, "answered", *text != '\0', "required",
                                                required, "long", is(str(q, "type"), "long_text")));
            }
        }
        json_t *sec =
            json_pack("{s:s, s:s, s:o}", "sid", arena_printf(&r->arena, "section-%zu", i + 1),
                      "stitle", str(s, "title") ? str(s, "title") : "", "questions", qs);
        if (str(s, "description"))
            json_object_set_new(sec, "sdesc", json_string(str(s, "description")));
        json_array_append_new(sections, sec);
    }
    /* problems the questions do not name (the whole document, unknown keys) */
    json_t *e;
    json_array_foreach(pg->errors, i, e) {
        const char *key = str(e, "key");
        if (!key || !json_object_get(by_key, key))
            json_array_append_new(problems, json_pack("{s:b, s:s}", "href", false, "pmessage",
                                                      str(e, "message") ? str(e, "message") : ""));
    }
    json_object_set_new(vm, "sections", sections);
    if (pg->problem) {
        json_object_set_new(vm, "problem", json_string(pg->problem));
        json_object_set_new(vm, "problem_text",
                            json_string(pg->problem_text ? pg->problem_text : ""));
        json_object_set_new(vm, "problem_list", problems);
    } else {
        json_decref(problems);
    }
    if (!is(st, "submitted") && !pg->values)
        json_object_set_new(
            vm, "progress",
            json_pack("{s:i, s:i, s:i, s:b}", "n_required", n_required, "n_answered", n_answered,
                      "n_missing", n_required - n_answered, "complete", n_required == n_answered));
    json_decref(by_key);
    json_decref(posthouses);
    page_render(r, status, "questionnaire", vm);
}

/* The partner of the page ({id}) and its questionnaire; NULL after answering the page. */
static json_t *load(struct req *r, json_t **partner)
{
    *partner = web_partner_view(r, req_param_id(r, 0));
    if (!*partner)
        return NULL;
    json_t *qn = NULL;
    struct op o;
    req_op_init(r, &o);
    if (questionnaire_view(&o, req_param_id(r, 0), &qn) == 0) {
        op_free(&o);
        return qn;
    }
    if (o.err.kind == OP_NOT_FOUND && is(o.err.code, "not_sent")) {
        json_int_t pid = json_integer_value(json_object_get(*partner, "id"));
        page_render(r, 200, "questionnaire_unsent",
                    json_pack("{s:s, s:I, s:s, s:b}", "title", "Questionnaire", "partner_id", pid,
                              "partner_name", str(*partner, "name"), "staff",
                              !role_is_org(r->who.role)));
    } else {
        page_error(r, op_status(o.err.kind), "%s", buf_str(&o.err.message));
    }
    op_free(&o);
    json_decref(*partner);
    *partner = NULL;
    return NULL;
}

void page_questionnaire(struct req *r)
{
    json_t *partner, *qn = load(r, &partner);
    if (!qn)
        return;
    bool staff = !role_is_org(r->who.role);
    const char *edit = req_query(r, "edit");
    struct qn_page pg = {.partner = partner, .qn = qn};
    pg.editable = is(str(qn, "status"), "draft") &&
                  (!staff || (edit && *edit &&
                              policy_role_may(&r->who, ACT_QUESTIONNAIRE_ANSWER) == POLICY_ALLOW));
    render(r, 200, &pg);
    json_decref(qn);
    json_decref(partner);
}

/* "12 required answers" */
static const char *count_text(struct req *r, size_t n, const char *one, const char *many)
{
    return arena_printf(&r->arena, "%zu %s", n, n == 1 ? one : many);
}

/* Counts the visible required questions not answered in a questionnaire answer. */
static size_t missing_count(const json_t *qn)
{
    json_t *by_key = questions_by_key(json_object_get(qn, "definition"));
    const json_t *answers = json_object_get(qn, "answers");
    size_t i, n = 0;
    json_t *k;
    json_array_foreach(json_object_get(qn, "visible"), i, k) {
        const json_t *q = json_object_get(by_key, json_string_value(k));
        if (json_is_true(json_object_get(q, "required")) &&
            !answered(json_object_get(answers, json_string_value(k))))
            n++;
    }
    json_decref(by_key);
    return n;
}

void page_questionnaire_post(struct req *r)
{
    json_t *partner, *qn = load(r, &partner);
    if (!qn)
        return;
    const char *action = page_field(r, "do");
    bool submit = is(action, "submit");
    const char *self = arena_printf(&r->arena, "/partners/%s/questionnaire", r->params[0]);
    const char *back = role_is_org(r->who.role) ? self : arena_printf(&r->arena, "%s?edit=1", self);
    if (!submit && !is(action, "save")) {
        page_error(r, 400, "This form does not know the action \"%s\".", action ? action : "");
        json_decref(qn);
        json_decref(partner);
        return;
    }
    /*
     * Every question the form asked (its "asked" fields: an unchecked box sends
     * nothing, so this is what tells "none checked" from "not in this form"):
     * its typed value, and the answer it makes. Questions the form did not ask
     * keep their answers.
     */
    json_t *asked = json_object_get(r->form, "asked");
    json_t *values = json_object(), *patch = json_object();
    json_t *by_key = questions_by_key(json_object_get(qn, "definition"));
    const char *key;
    json_t *q;
    json_object_foreach(by_key, key, q) {
        if (!(json_is_array(asked) ? in_list(asked, key) : is(json_string_value(asked), key)))
            continue;
        json_t *v = form_value_of_post(r, q);
        json_object_set_new(patch, key, answer_of_form_value(q, v));
        json_object_set_new(values, key, v);
    }
    json_decref(by_key);
    struct op o, sub;
    json_t *ans = NULL, *warnings = NULL;
    req_op_init(r, &o);
    req_op_init(r, &sub);
    int rc = questionnaire_save(&o, req_param_id(r, 0), patch, &ans);
    json_decref(patch);
    struct qn_page pg = {.partner = partner, .qn = qn, .values = values, .editable = true};
    if (rc < 0 && o.err.kind == OP_INVALID) {
        pg.errors = json_object_get(o.err.extra, "errors");
        size_t n = json_array_size(pg.errors);
        pg.problem =
            arena_printf(&r->arena, "Nothing was saved: %s",
                         count_text(r, n, "answer needs correcting", "answers need correcting"));
        pg.problem_text = "Your input is kept below. Correct the answers marked in red, then save "
                          "or submit again.";
        render(r, 422, &pg);
    } else if (rc < 0) {
        page_redirect(r, back, "error",
                      o.err.message.len ? buf_str(&o.err.message)
                                        : "The answers could not be saved; try again.");
    } else if (!submit) {
        size_t n = missing_count(ans);
        page_redirect(r, back, "ok",
                      n ? arena_printf(&r->arena,
                                       "Your answers are saved. %s still to give before you can "
                                       "submit; come back any time.",
                                       count_text(r, n, "required answer", "required answers"))
                        : "Your answers are saved, and every required answer is there: you can "
                          "submit the questionnaire.");
    } else if ((rc = questionnaire_submit(&sub, req_param_id(r, 0), &warnings)) == 0) {
        const json_t *w = json_array_get(warnings, 0);
        page_redirect(
            r, self, "ok",
            w ? arena_printf(&r->arena,
                             "Thank you: the questionnaire is submitted and account setup starts "
                             "now. Note: your target launch date, %s, is before the earliest "
                             "date the standard path allows (%s): see below what you can do.",
                             str(w, "target_words"), str(w, "earliest_words"))
              : "Thank you: the questionnaire is submitted. Account setup starts now; "
                "you will get an email when your accounts are ready.");
    } else if (sub.err.kind == OP_INVALID) {
        pg.errors = json_object_get(sub.err.extra, "errors");
        size_t n = json_array_size(pg.errors);
        pg.problem = arena_printf(
            &r->arena, "Not submitted yet: %s",
            count_text(r, n, "answer is missing or wrong", "answers are missing or wrong"));
        pg.problem_text = "Your answers are saved. Answer the questions marked in red, then "
                          "submit again.";
        render(r, 422, &pg);
    } else {
        page_redirect(r, back, "error",
                      sub.err.message.len
                          ? buf_str(&sub.err.message)
                          : "Your answers are saved, but the questionnaire could not be "
                            "submitted; try again.");
    }
    op_free(&o);
    op_free(&sub);
    json_decref(warnings);
    json_decref(ans);
    json_decref(values);
    json_decref(qn);
    json_decref(partner);
}
