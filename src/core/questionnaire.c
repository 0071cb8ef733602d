/*
 * The questionnaire: see questionnaire.h for the format and the rules.
 *
 * Loading turns the document into an array of struct qn_question (strings
 * borrowed from a private deep copy of the document), an index from key to
 * position, and per question the show_if conditions with their values already
 * cleaned, so that "delivery_method: Posthouse" in the file still matches a
 * cleaned "posthouse" answer.
 *
 * Validation runs in three passes over the answers: clean every answer to a
 * known question (check_value: one function for every type, shared with the
 * show_if check at load time, so the file and the answers obey the same
 * rules), compute visibility in document order from the cleaned answers
 * (show_if only names earlier questions, so one pass suffices), then report in
 * question order. Messages quote what the partner typed through quote(),
 * which cuts at a character boundary and blanks control characters, so a
 * message is always valid UTF-8 for jansson whatever the input.
 */
#include "core/questionnaire.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "base/timefmt.h"
#include "core/codes.h"
#include "core/signin.h"

#define QUOTE_CHARS     40     /* characters of a value quoted in a message */
#define MAX_SECTIONS    100    /* sections in a definition */
#define MAX_OPTIONS     1000   /* options of one question */
#define MAX_OPTION_LEN  100    /* bytes of an option value */
#define MAX_SHOW_VALUES 100    /* values of one show_if condition */
#define TEXT_MAX        500    /* default max_length of text */
#define LONG_TEXT_MAX   5000   /* default max_length of long_text */
#define LANGUAGES_MAX   100    /* default max_items of a bcp47 multi_choice */
#define LIMIT_MAX       100000 /* largest max_length or max_items a definition may set */

struct questionnaire {
    json_t *doc; /* owned deep copy; every borrowed string points into it */
    const char *version;
    struct qn_question *questions;
    json_t **conds; /* per question: {controlling key: [cleaned values]}, or NULL */
    size_t n;
    json_t *index; /* {key: position} */
};

static const char *const type_names[QN_N_TYPES] = {
    [QN_TEXT] = "text",
    [QN_LONG_TEXT] = "long_text",
    [QN_EMAIL] = "email",
    [QN_CHOICE] = "choice",
    [QN_MULTI_CHOICE] = "multi_choice",
    [QN_DATE] = "date",
    [QN_YES_NO] = "yes_no",
    [QN_NUMBER] = "number",
    [QN_POSTHOUSE] = "posthouse",
};

const char *qn_type_name(enum qn_type type)
{
    if ((unsigned)type >= QN_N_TYPES)
        return NULL;
    return type_names[type];
}

/* ---- small text helpers ---- */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Trims ASCII blanks from s[0..*len); returns the new start and shortens *len. */
static const char *trim(const char *s, size_t *len)
{
    while (*len && is_blank(*s)) {
        s++;
        (*len)--;
    }
    while (*len && is_blank(s[*len - 1]))
        (*len)--;
    return s;
}

static size_t utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xc0) != 0x80;
    return n;
}

/*
 * Appends 'value' to b: at most QUOTE_CHARS characters (then "..."), control
 * characters shown as blanks, never a cut UTF-8 sequence.
 */
static void quote(struct buf *b, const char *s, size_t len)
{
    buf_putc(b, '\'');
    size_t chars = 0, i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t seq = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
        if (i + seq > len)
            break;
        if (chars == QUOTE_CHARS) {
            buf_puts(b, "...");
            break;
        }
        if (c < 0x20 || c == 0x7f)
            buf_putc(b, ' ');
        else if (seq == 1 && c >= 0x80)
            buf_putc(b, '?'); /* a stray continuation byte: never from jansson, but be safe */
        else
            buf_add(b, s + i, seq);
        i += seq;
        chars++;
    }
    buf_putc(b, '\'');
}

static void quote_str(struct buf *b, const char *s)
{
    quote(b, s, strlen(s));
}

/* True when s[0..len) has a control character (long: line breaks and tabs allowed). */
static bool has_control(const char *s, size_t len, bool long_text)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (long_text && (c == '\n' || c == '\r' || c == '\t'))
            continue;
        if (c < 0x20 || c == 0x7f)
            return true;
        /* C1 controls U+0080..U+009F are C2 80..C2 9F in UTF-8 */
        if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] <= 0x9f)
            return true;
    }
    return false;
}

/* The string of a JSON string value and its length; NULL when v is not a string. */
static const char *str_of(const json_t *v, size_t *len)
{
    if (!json_is_string(v))
        return NULL;
    *len = json_string_length(v);
    return json_string_value(v);
}

/* Copies s[0..len) into out (cap bytes) as a C string; false when it does not fit. */
static bool copy_c(const char *s, size_t len, char *out, size_t cap)
{
    if (len >= cap || memchr(s, '\0', len))
        return false;
    memcpy(out, s, len);
    out[len] = '\0';
    return true;
}

/* ---- checking one value ---- */

enum verdict {
    V_ANSWERED, /* *clean holds the cleaned value */
    V_EMPTY,    /* null, "", [] : not answered */
    V_INVALID,  /* why holds a message */
};

static const char *family_noun(enum format_family f)
{
    switch (f) {
    case FORMAT_RESOLUTION:
        return "a resolution";
    case FORMAT_DYNAMIC_RANGE:
        return "a dynamic range";
    case FORMAT_AUDIO:
        return "an audio format";
    case FORMAT_CAPTIONS:
        return "a caption or subtitle format";
    default:
        return "a format";
    }
}

/* Lists up to six option labels of qq into b: "Feature films, TV series, ...". */
static void list_options(struct buf *b, const struct qn_question *qq)
{
    size_t n = json_array_size(qq->options);
    for (size_t i = 0; i < n && i < 6; i++) {
        const json_t *o = json_array_get(qq->options, i);
        buf_printf(b, "%s%s", i ? ", " : "", json_string_value(json_object_get(o, "value")));
    }
    if (n > 6)
        buf_puts(b, ", ...");
}

/* The option of qq whose value equals s[0..len) ignoring ASCII case, or NULL. */
static const char *find_option(const struct qn_question *qq, const char *s, size_t len)
{
    size_t i;
    json_t *o;
    json_array_foreach(qq->options, i, o) {
        const char *v = json_string_value(json_object_get(o, "value"));
        if (strlen(v) == len && strncasecmp(v, s, len) == 0)
            return v;
    }
    return NULL;
}

/*
 * One choice value s[0..len) (already trimmed, non-empty) of qq: the option it
 * names, or the vocabulary's canonical form. Returns V_ANSWERED with *clean,
 * or V_INVALID with a message in why.
 */
static enum verdict check_choice(const struct qn_question *qq, const char *s, size_t len,
                                 json_t **clean, struct buf *why)
{
    char tmp[CODES_MAX_TAG + 1];
    struct buf canon = {0};
    const char *hit = qq->options ? find_option(qq, s, len) : NULL;
    if (hit) {
        *clean = json_string(hit);
        return V_ANSWERED;
    }
    switch (qq->vocabulary) {
    case QN_VOCAB_TERRITORY: {
        char code[3];
        if (!copy_c(s, len, tmp, sizeof tmp) || codes_territory_check(tmp, code) != CODES_OK) {
            quote(why, s, len);
            buf_puts(why, " is not an ISO 3166-1 country code (for example GB, US, FR)");
            return V_INVALID;
        }
        if (!qq->options) {
            *clean = json_string(code);
            return V_ANSWERED;
        }
        break;
    }
    case QN_VOCAB_LANGUAGE: {
        struct buf reason = {0};
        if (!copy_c(s, len, tmp, sizeof tmp)) {
            quote(why, s, len);
            buf_puts(why, " is not a BCP 47 language tag (for example en, en-GB, es-419)");
            return V_INVALID;
        }
        if (codes_language_check(tmp, &canon, &reason) != CODES_OK) {
            quote(why, s, len);
            buf_printf(why, " %s", buf_str(&reason));
            buf_free(&reason);
            return V_INVALID;
        }
        if (!qq->options) {
            *clean = json_string(buf_str(&canon));
            buf_free(&canon);
            return V_ANSWERED;
        }
        if ((hit = find_option(qq, canon.data, canon.len))) {
            buf_free(&canon);
            *clean = json_string(hit);
            return V_ANSWERED;
        }
        buf_free(&canon);
        break;
    }
    case QN_VOCAB_FORMAT: {
        const struct format_def *f = copy_c(s, len, tmp, sizeof tmp) ? format_find(tmp) : NULL;
        if (!f || f->family != qq->format_family) {
            quote(why, s, len);
            buf_printf(why, " is not %s we take: choose from ", family_noun(qq->format_family));
            size_t n, k = 0;
            const struct format_def *all = formats_all(&n);
            for (size_t i = 0; i < n; i++)
                if (all[i].family == qq->format_family)
                    buf_printf(why, "%s%s", k++ ? ", " : "", all[i].name);
            return V_INVALID;
        }
        if (!qq->options) {
            *clean = json_string(f->name);
            return V_ANSWERED;
        }
        if ((hit = find_option(qq, f->name, strlen(f->name)))) {
            *clean = json_string(hit);
            return V_ANSWERED;
        }
        break;
    }
    case QN_VOCAB_NONE:
        break;
    }
    quote(why, s, len);
    buf_puts(why, " is not one of the choices: ");
    list_options(why, qq);
    return V_INVALID;
}

/* A number from a JSON number or a strict decimal string; false when it is neither. */
static bool number_of(const json_t *v, double *d, bool *is_int, json_int_t *i)
{
    if (json_is_integer(v)) {
        *i = json_integer_value(v);
        *d = (double)*i;
        *is_int = true;
        return true;
    }
    if (json_is_real(v)) {
        *d = json_real_value(v);
        *is_int = false;
        return isfinite(*d);
    }
    size_t len;
    const char *s = str_of(v, &len);
    if (!s)
        return false;
    s = trim(s, &len);
    char tmp[32];
    if (len == 0 || !copy_c(s, len, tmp, sizeof tmp))
        return false;
    size_t k = tmp[0] == '-';
    size_t digits = 0, dots = 0;
    for (size_t j = k; j < len; j++) {
        if (tmp[j] >= '0' && tmp[j] <= '9')
            digits++;
        else if (tmp[j] == '.' && dots == 0 && digits > 0 && j + 1 < len)
            dots++;
        else
            return false;
    }
    if (digits == 0)
        return false;
    errno = 0;
    if (dots == 0) {
        long long ll = strtoll(tmp, NULL, 10);
        if (errno == ERANGE)
            return false;
        *i = (json_int_t)ll;
        *d = (double)ll;
        *is_int = true;
        return true;
    }
    *d = strtod(tmp, NULL);
    *is_int = false;
    return isfinite(*d);
}

static void format_limit(struct buf *b, double x)
{
    if (x == floor(x) && fabs(x) < 1e15)
        buf_printf(b, "%.0f", x);
    else
        buf_printf(b, "%g", x);
}

/* A text-like value as a trimmed string; V_EMPTY, V_INVALID (why) or V_ANSWERED (s, len). */
static enum verdict text_of(const json_t *v, const char **s, size_t *len, struct buf *why,
                            const char *expected)
{
    if (json_is_null(v))
        return V_EMPTY;
    *s = str_of(v, len);
    if (!*s) {
        buf_puts(why, expected);
        return V_INVALID;
    }
    *s = trim(*s, len);
    return *len ? V_ANSWERED : V_EMPTY;
}

/*
 * Checks value v of question qq. Returns V_ANSWERED and sets *clean (a new
 * reference), V_EMPTY, or V_INVALID and appends a message to why.
 */
static enum verdict check_value(const struct qn_question *qq, const json_t *v,
                                const struct qn_context *ctx, json_t **clean, struct buf *why)
{
    const char *s = NULL;
    size_t len = 0;
    enum verdict r;
    switch (qq->type) {
    case QN_TEXT:
    case QN_LONG_TEXT: {
        if ((r = text_of(v, &s, &len, why, "Enter text")) != V_ANSWERED)
            return r;
        if (has_control(s, len, qq->type == QN_LONG_TEXT)) {
            buf_puts(why, qq->type == QN_TEXT
                              ? "Remove the control characters (line breaks fit only in "
                                "longer answers)"
                              : "Remove the control characters");
            return V_INVALID;
        }
        size_t chars = utf8_chars(s, len);
        if (chars > qq->max_length) {
            buf_printf(why, "Keep this to %zu characters (it has %zu)", qq->max_length, chars);
            return V_INVALID;
        }
        *clean = json_stringn(s, len);
        return V_ANSWERED;
    }
    case QN_EMAIL: {
        char tmp[256], norm[256];
        if ((r = text_of(v, &s, &len, why, "Enter an email address")) != V_ANSWERED)
            return r;
        if (!copy_c(s, len, tmp, sizeof tmp) || has_control(s, len, false) ||
            signin_email_normalise(tmp, norm, sizeof norm) != 0) {
            quote(why, s, len);
            buf_puts(why, " is not an email address (name@example.com)");
            return V_INVALID;
        }
        *clean = json_string(norm);
        return V_ANSWERED;
    }
    case QN_CHOICE:
        if ((r = text_of(v, &s, &len, why, "Pick one of the choices")) != V_ANSWERED)
            return r;
        return check_choice(qq, s, len, clean, why);
    case QN_MULTI_CHOICE: {
        if (json_is_null(v))
            return V_EMPTY;
        if (!json_is_array(v)) {
            buf_puts(why, "Give a list of choices, e.g. [\"...\"]");
            return V_INVALID;
        }
        size_t n = json_array_size(v);
        if (n == 0)
            return V_EMPTY;
        if (n > qq->max_items) {
            buf_printf(why, "Pick at most %zu (the list has %zu)", qq->max_items, n);
            return V_INVALID;
        }
        json_t *out = json_array();
        json_t *seen = json_object(); /* cleaned values so far: repeats found in O(1) */
        size_t bad = 0;
        for (size_t i = 0; i < n; i++) {
            const json_t *item = json_array_get(v, i);
            size_t ilen;
            const char *is = str_of(item, &ilen);
            if (!is) {
                if (bad++ == 0)
                    buf_puts(why, "Each choice must be text");
                continue;
            }
            is = trim(is, &ilen);
            if (ilen == 0)
                continue; /* a blank entry of a form list: nothing chosen there */
            json_t *c = NULL;
            struct buf one = {0};
            if (check_choice(qq, is, ilen, &c, &one) != V_ANSWERED) {
                if (bad++ == 0)
                    buf_add(why, one.data, one.len);
                buf_free(&one);
                continue;
            }
            if (json_object_get(seen, json_string_value(c))) {
                if (bad++ == 0) {
                    quote_str(why, json_string_value(c));
                    buf_puts(why, " is listed twice");
                }
                json_decref(c);
                continue;
            }
            json_object_set_new(seen, json_string_value(c), json_true());
            json_array_append_new(out, c);
        }
        json_decref(seen);
        if (bad) {
            if (bad > 1)
                buf_printf(why, " (and %zu more problem%s in this list)", bad - 1,
                           bad > 2 ? "s" : "");
            json_decref(out);
            return V_INVALID;
        }
        if (json_array_size(out) == 0) {
            json_decref(out);
            return V_EMPTY;
        }
        *clean = out;
        return V_ANSWERED;
    }
    case QN_DATE: {
        char tmp[11];
        struct civil_date d;
        if ((r = text_of(v, &s, &len, why, "Enter a date (YYYY-MM-DD)")) != V_ANSWERED)
            return r;
        if (!copy_c(s, len, tmp, sizeof tmp) || date_parse(tmp, &d) != 0) {
            quote(why, s, len);
            buf_puts(why, " is not a date (YYYY-MM-DD)");
            return V_INVALID;
        }
        if (qq->not_before_today && ctx && ctx->today != QN_NO_DAY &&
            days_from_civil(d.year, d.month, d.day) < ctx->today) {
            char today[11];
            date_format(civil_from_days(ctx->today), today);
            quote(why, s, len);
            buf_printf(why, " is in the past: choose %s or a later date", today);
            return V_INVALID;
        }
        *clean = json_string(tmp);
        return V_ANSWERED;
    }
    case QN_YES_NO:
        if (json_is_boolean(v)) {
            *clean = json_string(json_is_true(v) ? "yes" : "no");
            return V_ANSWERED;
        }
        if ((r = text_of(v, &s, &len, why, "Answer yes or no")) != V_ANSWERED)
            return r;
        if ((len == 3 && strncasecmp(s, "yes", 3) == 0) ||
            (len == 2 && strncasecmp(s, "no", 2) == 0)) {
            *clean = json_string(len == 3 ? "yes" : "no");
            return V_ANSWERED;
        }
        buf_puts(why, "Answer yes or no");
        return V_INVALID;
    case QN_NUMBER:
    case QN_POSTHOUSE: {
        double d;
        bool is_int;
        json_int_t i = 0;
        if (json_is_null(v))
            return V_EMPTY;
        if (json_is_string(v)) {
            len = json_string_length(v);
            trim(json_string_value(v), &len);
            if (len == 0)
                return V_EMPTY;
        }
        if (!number_of(v, &d, &is_int, &i)) {
            if (qq->type == QN_POSTHOUSE) {
                buf_puts(why, "Pick a posthouse from the directory");
            } else if (json_is_string(v)) {
                len = json_string_length(v);
                s = trim(json_string_value(v), &len);
                quote(why, s, len);
                buf_puts(why, " is not a number (digits only, e.g. 1200)");
            } else {
                buf_puts(why, "Enter a number");
            }
            return V_INVALID;
        }
        if (!is_int && d == floor(d) && fabs(d) < 9e15) {
            is_int = true;
            i = (json_int_t)d;
        }
        if (qq->type == QN_POSTHOUSE) {
            if (!is_int || i <= 0) {
                buf_puts(why, "Pick a posthouse from the directory");
                return V_INVALID;
            }
            if (ctx && ctx->posthouse_listed && !ctx->posthouse_listed(ctx->arg, (int64_t)i)) {
                buf_printf(why,
                           "Posthouse %lld is not in the directory of onboarded posthouses: "
                           "give its name instead",
                           (long long)i);
                return V_INVALID;
            }
            *clean = json_integer(i);
            return V_ANSWERED;
        }
        if (qq->integer && !is_int) {
            buf_puts(why, "Enter a whole number");
            return V_INVALID;
        }
        if ((qq->has_min && d < qq->min) || (qq->has_max && d > qq->max)) {
            if (qq->has_min && qq->has_max) {
                buf_puts(why, "Enter a number from ");
                format_limit(why, qq->min);
                buf_puts(why, " to ");
                format_limit(why, qq->max);
            } else if (qq->has_min) {
                buf_puts(why, "Enter a number of at least ");
                format_limit(why, qq->min);
            } else {
                buf_puts(why, "Enter a number of at most ");
                format_limit(why, qq->max);
            }
            return V_INVALID;
        }
        *clean = is_int ? json_integer(i) : json_real(d);
        return V_ANSWERED;
    }
    case QN_N_TYPES:
        break;
    }
    VG_ASSERT(!"unknown question type");
    return V_INVALID;
}

/* ---- loading ---- */

struct load {
    struct buf *err;
    char where[160]; /* "question 'key'" or "sections[1].questions[2]" */
};

static int def_fail(struct load *L, const char *fmt, ...) VG_PRINTF(2, 3);
static int def_fail(struct load *L, const char *fmt, ...)
{
    if (L->err) {
        va_list ap;
        va_start(ap, fmt);
        if (L->where[0])
            buf_printf(L->err, "%s: ", L->where);
        buf_vprintf(L->err, fmt, ap);
        va_end(ap);
    }
    return QN_ERR_DEFINITION;
}

/* Attributes a question may carry: name and the types it applies to (0: all). */
#define TY(x) (1u << (x))
static const struct {
    const char *name;
    unsigned types;
} attributes[] = {
    {"key", 0},
    {"label", 0},
    {"type", 0},
    {"required", 0},
    {"help", 0},
    {"placeholder", 0},
    {"required_message", 0},
    {"show_if", 0},
    {"options", TY(QN_CHOICE) | TY(QN_MULTI_CHOICE)},
    {"vocabulary", TY(QN_CHOICE) | TY(QN_MULTI_CHOICE)},
    {"max_items", TY(QN_MULTI_CHOICE)},
    {"min", TY(QN_NUMBER)},
    {"max", TY(QN_NUMBER)},
    {"integer", TY(QN_NUMBER)},
    {"max_length", TY(QN_TEXT) | TY(QN_LONG_TEXT)},
    {"not_before_today", TY(QN_DATE)},
};

static bool valid_key(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > 64 || !(k[0] >= 'a' && k[0] <= 'z'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
            return false;
    return true;
}

static bool valid_version(const char *v)
{
    size_t n = strlen(v);
    if (n == 0 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
              (v[i] >= '0' && v[i] <= '9') || v[i] == '.' || v[i] == '-' || v[i] == '_'))
            return false;
    return true;
}

/* A non-empty string member, or NULL. */
static const char *nonempty(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);
    const char *s = json_string_value(v);
    return s && s[0] ? s : NULL;
}

/* An optional string member: 0 and *out (NULL when absent), or -1 when not a string. */
static int opt_string(const json_t *obj, const char *name, const char **out)
{
    const json_t *v = json_object_get(obj, name);
    *out = NULL;
    if (!v)
        return 0;
    if (!json_is_string(v))
        return -1;
    *out = json_string_value(v);
    return 0;
}

/* An optional whole number member in [lo, hi]: 0 (and *out set when present) or -1. */
static int opt_count(const json_t *obj, const char *name, json_int_t lo, json_int_t hi, size_t *out)
{
    const json_t *v = json_object_get(obj, name);
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return -1;
    *out = (size_t)json_integer_value(v);
    return 0;
}

static int load_options(struct load *L, struct qn_question *qq, const json_t *opts)
{
    if (!json_is_array(opts) || json_array_size(opts) == 0 || json_array_size(opts) > MAX_OPTIONS)
        return def_fail(L, "options must be a list of 1 to %d {value, label} objects", MAX_OPTIONS);
    size_t i;
    const json_t *o;
    json_array_foreach(opts, i, o) {
        const char *value = json_is_object(o) ? nonempty(o, "value") : NULL;
        const char *label = json_is_object(o) ? nonempty(o, "label") : NULL;
        if (!value || !label || json_object_size(o) != 2)
            return def_fail(L,
                            "option %zu must be exactly {\"value\": ..., \"label\": ...}, "
                            "both non-empty text",
                            i + 1);
        size_t vlen = strlen(value), tlen = vlen;
        trim(value, &tlen);
        if (vlen > MAX_OPTION_LEN || tlen != vlen || has_control(value, vlen, false))
            return def_fail(L,
                            "option value '%.40s' must be at most %d bytes, without "
                            "blanks around it or control characters",
                            value, MAX_OPTION_LEN);
        for (size_t j = 0; j < i; j++) {
            const char *other =
                json_string_value(json_object_get(json_array_get(opts, j), "value"));
            if (strcasecmp(other, value) == 0)
                return def_fail(L,
                                "option value '%s' is listed twice (values are matched "
                                "ignoring case)",
                                value);
        }
        /* With a vocabulary, each option must be one of its codes, in canonical form. */
        bool ok = true;
        if (qq->vocabulary == QN_VOCAB_TERRITORY) {
            char code[3];
            ok = codes_territory_check(value, code) == CODES_OK && strcmp(code, value) == 0;
        } else if (qq->vocabulary == QN_VOCAB_LANGUAGE) {
            struct buf canon = {0};
            ok = codes_language_check(value, &canon, NULL) == CODES_OK &&
                 strcmp(buf_str(&canon), value) == 0;
            buf_free(&canon);
        } else if (qq->vocabulary == QN_VOCAB_FORMAT) {
            const struct format_def *f = format_find(value);
            ok = f && f->family == qq->format_family && strcmp(f->name, value) == 0;
        }
        if (!ok)
            return def_fail(L,
                            "option value '%s' is not a canonical code of the question's "
                            "vocabulary",
                            value);
    }
    qq->options = opts;
    return QN_OK;
}

static int load_vocabulary(struct load *L, struct qn_question *qq, const json_t *v)
{
    const char *name = json_string_value(v);
    if (!name)
        return def_fail(L, "vocabulary must be text");
    if (strcmp(name, "iso3166-1") == 0) {
        qq->vocabulary = QN_VOCAB_TERRITORY;
    } else if (strcmp(name, "bcp47") == 0) {
        qq->vocabulary = QN_VOCAB_LANGUAGE;
    } else if (strncmp(name, "format:", 7) == 0 &&
               format_family_parse(name + 7, &qq->format_family) == 0) {
        qq->vocabulary = QN_VOCAB_FORMAT;
    } else {
        return def_fail(L,
                        "vocabulary '%.40s' is not one of iso3166-1, bcp47, "
                        "format:resolution, format:dynamic_range, format:audio, "
                        "format:captions",
                        name);
    }
    return QN_OK;
}

/* The number of items a multi_choice allows when the definition does not say. */
static size_t default_max_items(const struct qn_question *qq)
{
    if (qq->options)
        return json_array_size(qq->options);
    switch (qq->vocabulary) {
    case QN_VOCAB_TERRITORY:
        return 249;
    case QN_VOCAB_LANGUAGE:
        return LANGUAGES_MAX;
    case QN_VOCAB_FORMAT: {
        size_t n, k = 0;
        const struct format_def *all = formats_all(&n);
        for (size_t i = 0; i < n; i++)
            k += all[i].family == qq->format_family;
        return k;
    }
    case QN_VOCAB_NONE:
        break;
    }
    return 0;
}

static int load_show_if(struct questionnaire *q, struct load *L, size_t pos, const json_t *si)
{
    if (!json_is_object(si) || json_object_size(si) == 0)
        return def_fail(L, "show_if must be an object {\"key\": value} naming at least one "
                           "question");
    json_t *conds = json_object();
    q->conds[pos] = conds;
    const char *ctrl_key;
    const json_t *want;
    json_object_foreach((json_t *)si, ctrl_key, want) {
        const json_t *at = json_object_get(q->index, ctrl_key);
        if (!at)
            return def_fail(L,
                            "show_if names '%.64s', which is not a question before this one "
                            "(show_if may only name earlier questions)",
                            ctrl_key);
        const struct qn_question *ctrl = &q->questions[json_integer_value(at)];
        /* A multi_choice is tested for containing one value: check it as a single choice. */
        struct qn_question as_value = *ctrl;
        if (ctrl->type == QN_MULTI_CHOICE)
            as_value.type = QN_CHOICE;
        json_t *values = json_array();
        json_object_set_new(conds, ctrl_key, values);
        size_t n = json_is_array(want) ? json_array_size(want) : 1;
        if (n == 0 || n > MAX_SHOW_VALUES)
            return def_fail(L, "show_if '%s' needs 1 to %d values", ctrl_key, MAX_SHOW_VALUES);
        for (size_t i = 0; i < n; i++) {
            const json_t *w = json_is_array(want) ? json_array_get(want, i) : want;
            json_t *clean = NULL;
            struct buf why = {0};
            enum verdict r = json_is_array(w) || json_is_object(w)
                                 ? V_INVALID
                                 : check_value(&as_value, w, NULL, &clean, &why);
            if (r != V_ANSWERED) {
                def_fail(L, "show_if '%s': the value is not a possible answer to it%s%s", ctrl_key,
                         why.len ? ": " : "", buf_str(&why));
                buf_free(&why);
                return QN_ERR_DEFINITION;
            }
            json_array_append_new(values, clean);
        }
    }
    return QN_OK;
}

static int load_question(struct questionnaire *q, struct load *L, size_t pos, size_t section,
                         const json_t *jq)
{
    struct qn_question *qq = &q->questions[pos];
    memset(qq, 0, sizeof *qq);
    qq->section = section;
    if (!json_is_object(jq))
        return def_fail(L, "a question must be an object");
    const char *key = json_string_value(json_object_get(jq, "key"));
    if (!key || !valid_key(key))
        return def_fail(L, "key must be snake_case text: [a-z][a-z0-9_]{0,63}");
    snprintf(L->where, sizeof L->where, "question '%s'", key);
    if (json_object_get(q->index, key))
        return def_fail(L, "the key is used twice");
    qq->key = key;
    const char *type = json_string_value(json_object_get(jq, "type"));
    int t = 0;
    while (t < QN_N_TYPES && (!type || strcmp(type, type_names[t]) != 0))
        t++;
    if (t == QN_N_TYPES)
        return def_fail(L,
                        "type '%.40s' is not one of text, long_text, email, choice, "
                        "multi_choice, date, yes_no, number, posthouse",
                        type ? type : "(missing)");
    qq->type = (enum qn_type)t;
    const char *attr;
    const json_t *v;
    json_object_foreach((json_t *)jq, attr, v) {
        size_t a = 0, n_attr = sizeof attributes / sizeof attributes[0];
        while (a < n_attr && strcmp(attr, attributes[a].name) != 0)
            a++;
        if (a == n_attr)
            return def_fail(L, "unknown attribute '%.40s'", attr);
        if (attributes[a].types && !(attributes[a].types & TY(qq->type)))
            return def_fail(L, "'%s' does not apply to a %s question", attr, type);
    }
    if (!(qq->label = nonempty(jq, "label")))
        return def_fail(L, "label must be non-empty text");
    const json_t *req = json_object_get(jq, "required");
    if (req && !json_is_boolean(req))
        return def_fail(L, "required must be true or false");
    qq->required = json_is_true(req);
    const char *placeholder;
    if (opt_string(jq, "help", &qq->help) || opt_string(jq, "placeholder", &placeholder) ||
        opt_string(jq, "required_message", &qq->required_message))
        return def_fail(L, "help, placeholder and required_message must be text");
    if ((v = json_object_get(jq, "vocabulary")) && load_vocabulary(L, qq, v))
        return QN_ERR_DEFINITION;
    if ((v = json_object_get(jq, "options")) && load_options(L, qq, v))
        return QN_ERR_DEFINITION;
    if ((qq->type == QN_CHOICE || qq->type == QN_MULTI_CHOICE) && !qq->options &&
        qq->vocabulary == QN_VOCAB_NONE)
        return def_fail(L, "a %s question needs options or a vocabulary", type);
    qq->max_length = qq->type == QN_LONG_TEXT ? LONG_TEXT_MAX : TEXT_MAX;
    qq->max_items = default_max_items(qq);
    if (opt_count(jq, "max_length", 1, LIMIT_MAX, &qq->max_length) ||
        opt_count(jq, "max_items", 1, LIMIT_MAX, &qq->max_items))
        return def_fail(L, "max_length and max_items must be whole numbers from 1 to %d",
                        LIMIT_MAX);
    for (int m = 0; m < 2; m++) {
        const json_t *lim = json_object_get(jq, m ? "max" : "min");
        if (!lim)
            continue;
        if (!json_is_number(lim))
            return def_fail(L, "%s must be a number", m ? "max" : "min");
        *(m ? &qq->max : &qq->min) = json_number_value(lim);
        *(m ? &qq->has_max : &qq->has_min) = true;
    }
    if (qq->has_min && qq->has_max && qq->min > qq->max)
        return def_fail(L, "min is greater than max");
    const json_t *flag = json_object_get(jq, "integer");
    if (flag && !json_is_boolean(flag))
        return def_fail(L, "integer must be true or false");
    qq->integer = json_is_true(flag);
    flag = json_object_get(jq, "not_before_today");
    if (flag && !json_is_boolean(flag))
        return def_fail(L, "not_before_today must be true or false");
    qq->not_before_today = json_is_true(flag);
    if ((v = json_object_get(jq, "show_if"))) {
        if (load_show_if(q, L, pos, v))
            return QN_ERR_DEFINITION;
        qq->show_if = v;
    }
    json_object_set_new(q->index, key, json_integer((json_int_t)pos));
    return QN_OK;
}

static bool only_members(const json_t *obj, const char *const *names, size_t n)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)obj, k, v) {
        size_t i = 0;
        while (i < n && strcmp(k, names[i]) != 0)
            i++;
        if (i == n)
            return false;
    }
    return true;
}

int questionnaire_load(const json_t *doc, struct questionnaire **out, struct buf *err)
{
    static const char *const top_names[] = {"version", "title", "description", "sections"};
    static const char *const section_names[] = {"title", "description", "questions"};
    struct load L = {err, ""};
    struct questionnaire *q = xcalloc(1, sizeof *q);
    q->doc = json_deep_copy(doc);
    q->index = json_object();
    int rc = QN_ERR_DEFINITION;
    const json_t *sections = json_object_get(q->doc, "sections");
    const char *description;
    if (!json_is_object(q->doc)) {
        def_fail(&L, "the questionnaire must be a JSON object");
        goto fail;
    }
    if (!only_members(q->doc, top_names, 4)) {
        def_fail(&L, "the document may only have version, title, description and sections");
        goto fail;
    }
    q->version = json_string_value(json_object_get(q->doc, "version"));
    if (!q->version || !valid_version(q->version)) {
        def_fail(&L, "version must be text of 1 to 32 letters, digits, '.', '-', '_'");
        goto fail;
    }
    if (!nonempty(q->doc, "title") || opt_string(q->doc, "description", &description)) {
        def_fail(&L, "title must be non-empty text, description text");
        goto fail;
    }
    if (!json_is_array(sections) || json_array_size(sections) == 0 ||
        json_array_size(sections) > MAX_SECTIONS) {
        def_fail(&L, "sections must be a list of 1 to %d sections", MAX_SECTIONS);
        goto fail;
    }
    size_t total = 0, si;
    const json_t *sec;
    json_array_foreach(sections, si, sec) {
        snprintf(L.where, sizeof L.where, "sections[%zu]", si);
        const json_t *qs = json_object_get(sec, "questions");
        if (!json_is_object(sec) || !only_members(sec, section_names, 3) ||
            !nonempty(sec, "title") || opt_string(sec, "description", &description) ||
            !json_is_array(qs) || json_array_size(qs) == 0) {
            def_fail(&L, "a section is {\"title\", \"description\"?, \"questions\": [...]} with "
                         "at least one question");
            goto fail;
        }
        total += json_array_size(qs);
    }
    if (total > QN_MAX_QUESTIONS) {
        L.where[0] = '\0';
        def_fail(&L, "more than %d questions", QN_MAX_QUESTIONS);
        goto fail;
    }
    q->questions = xcalloc(total, sizeof *q->questions);
    q->conds = xcalloc(total, sizeof *q->conds);
    json_array_foreach(sections, si, sec) {
        size_t qi;
        const json_t *jq;
        json_array_foreach(json_object_get(sec, "questions"), qi, jq) {
            snprintf(L.where, sizeof L.where, "sections[%zu].questions[%zu]", si, qi);
            if (load_question(q, &L, q->n, si, jq) != QN_OK) {
                q->n++; /* its conds (if any) are freed with the rest */
                goto fail;
            }
            q->n++;
        }
    }
    *out = q;
    return QN_OK;
fail:
    questionnaire_free(q);
    return rc;
}

void questionnaire_free(struct questionnaire *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->n; i++)
        json_decref(q->conds[i]);
    free(q->conds);
    free(q->questions);
    json_decref(q->index);
    json_decref(q->doc);
    free(q);
}

const char *questionnaire_version(const struct questionnaire *q)
{
    return q->version;
}

const json_t *questionnaire_document(const struct questionnaire *q)
{
    return q->doc;
}

size_t questionnaire_count(const struct questionnaire *q)
{
    return q->n;
}

const struct qn_question *questionnaire_at(const struct questionnaire *q, size_t i)
{
    VG_ASSERT(i < q->n);
    return &q->questions[i];
}

static long position(const struct questionnaire *q, const char *key)
{
    const json_t *at = key ? json_object_get(q->index, key) : NULL;
    return at ? (long)json_integer_value(at) : -1;
}

const struct qn_question *questionnaire_find(const struct questionnaire *q, const char *key)
{
    long i = position(q, key);
    return i < 0 ? NULL : &q->questions[i];
}

/* ---- visibility ---- */

/* True when the cleaned answer a matches one of values (a multi_choice answer: contains one). */
static bool matches(const json_t *a, const json_t *values)
{
    size_t i, j;
    const json_t *w, *item;
    json_array_foreach(values, i, w) {
        if (json_is_array(a)) {
            json_array_foreach(a, j, item) {
                if (json_equal(item, w))
                    return true;
            }
        } else if (json_equal(a, w)) {
            return true;
        }
    }
    return false;
}

/* Fills visible[0..n) from cleaned answers, in document order. */
static void compute_visible(const struct questionnaire *q, const json_t *clean, bool *visible)
{
    for (size_t i = 0; i < q->n; i++) {
        visible[i] = true;
        const char *ctrl_key;
        const json_t *values;
        if (!q->conds[i])
            continue;
        json_object_foreach(q->conds[i], ctrl_key, values) {
            long j = position(q, ctrl_key);
            const json_t *a = json_object_get(clean, ctrl_key);
            if (j < 0 || !visible[j] || !a || !matches(a, values)) {
                visible[i] = false;
                break;
            }
        }
    }
}

/* The cleaned valid answers to known questions (no context: no window or directory checks). */
static json_t *clean_all(const struct questionnaire *q, const json_t *answers,
                         const struct qn_context *ctx)
{
    json_t *clean = json_object();
    for (size_t i = 0; json_is_object(answers) && i < q->n; i++) {
        const json_t *v = json_object_get(answers, q->questions[i].key);
        json_t *c = NULL;
        struct buf why = {0};
        if (v && check_value(&q->questions[i], v, ctx, &c, &why) == V_ANSWERED)
            json_object_set_new(clean, q->questions[i].key, c);
        buf_free(&why);
    }
    return clean;
}

void questionnaire_visible_all(const struct questionnaire *q, const json_t *answers, bool *visible)
{
    json_t *clean = clean_all(q, answers, NULL);
    compute_visible(q, clean, visible);
    json_decref(clean);
}

bool questionnaire_visible(const struct questionnaire *q, const struct qn_question *question,
                           const json_t *answers)
{
    VG_ASSERT(question >= q->questions && question < q->questions + q->n);
    bool *visible = xcalloc(q->n, sizeof *visible);
    questionnaire_visible_all(q, answers, visible);
    bool r = visible[question - q->questions];
    free(visible);
    return r;
}

/* ---- validation ---- */

struct report {
    json_t *errors;
    size_t n_dropped; /* errors beyond QN_MAX_ERRORS */
};

static void report_add(struct report *r, const char *key, const char *message)
{
    if (json_array_size(r->errors) >= QN_MAX_ERRORS) {
        r->n_dropped++;
        return;
    }
    json_t *e = json_object();
    json_t *k = key ? json_string(key) : NULL;
    json_t *m = json_string(message);
    json_object_set_new(e, "key", k ? k : json_null());
    json_object_set_new(e, "message", m ? m : json_string("This answer is not valid"));
    json_array_append_new(r->errors, e);
}

static void required_message(struct buf *b, const struct qn_question *qq)
{
    if (qq->required_message) {
        buf_puts(b, qq->required_message);
        return;
    }
    switch (qq->type) {
    case QN_MULTI_CHOICE:
        buf_puts(b, "Pick at least one option for ");
        break;
    case QN_CHOICE:
        buf_puts(b, "Pick an option for ");
        break;
    case QN_YES_NO:
        buf_puts(b, "Answer yes or no: ");
        break;
    case QN_POSTHOUSE:
        buf_puts(b, "Pick a posthouse from the directory for ");
        break;
    default:
        buf_puts(b, "Please answer ");
        break;
    }
    buf_printf(b, "'%s'", qq->label); /* the definition's own text: shown whole */
}

int questionnaire_validate(const struct questionnaire *q, const json_t *answers, enum qn_mode mode,
                           const struct qn_context *ctx, struct qn_result *res)
{
    struct report r = {json_array(), 0};
    res->clean = json_object();
    res->errors = r.errors;
    res->missing = json_array();
    if (!json_is_object(answers)) {
        report_add(&r, NULL, "The answers must be a JSON object of question keys and values");
        return QN_ERR_INVALID;
    }
    enum verdict *state = xcalloc(q->n ? q->n : 1, sizeof *state);
    char **why = xcalloc(q->n ? q->n : 1, sizeof *why);
    bool *visible = xcalloc(q->n ? q->n : 1, sizeof *visible);
    bool invalid = false;

    for (size_t i = 0; i < q->n; i++) {
        const json_t *v = json_object_get(answers, q->questions[i].key);
        json_t *c = NULL;
        struct buf msg = {0};
        state[i] = v ? check_value(&q->questions[i], v, ctx, &c, &msg) : V_EMPTY;
        if (state[i] == V_ANSWERED)
            json_object_set_new(res->clean, q->questions[i].key, c);
        else if (state[i] == V_INVALID)
            why[i] = buf_detach(&msg);
        buf_free(&msg);
    }
    compute_visible(q, res->clean, visible);
    for (size_t i = 0; i < q->n; i++) {
        const struct qn_question *qq = &q->questions[i];
        if (state[i] == V_INVALID && (mode == QN_PARTIAL || visible[i])) {
            report_add(&r, qq->key, why[i]);
            invalid = true;
        } else if (state[i] == V_EMPTY && mode == QN_SUBMIT && qq->required && visible[i]) {
            struct buf msg = {0};
            required_message(&msg, qq);
            report_add(&r, qq->key, buf_str(&msg));
            buf_free(&msg);
            json_array_append_new(res->missing, json_string(qq->key));
        }
        if (mode == QN_SUBMIT && !visible[i])
            json_object_del(res->clean, qq->key);
        free(why[i]);
    }
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)answers, key, v) {
        if (position(q, key) >= 0)
            continue;
        struct buf msg = {0};
        quote_str(&msg, key);
        buf_printf(&msg, " is not a question of this questionnaire (version %s)", q->version);
        report_add(&r, key, buf_str(&msg));
        buf_free(&msg);
        invalid = true;
    }
    if (r.n_dropped) {
        char more[80];
        snprintf(more, sizeof more, "... and %zu more problems", r.n_dropped);
        json_array_append_new(r.errors, json_pack("{s:n, s:s}", "key", "message", more));
    }
    free(state);
    free(why);
    free(visible);
    if (invalid)
        return QN_ERR_INVALID;
    return json_array_size(res->missing) ? QN_ERR_INCOMPLETE : QN_OK;
}

void qn_result_free(struct qn_result *res)
{
    json_decref(res->clean);
    json_decref(res->errors);
    json_decref(res->missing);
    memset(res, 0, sizeof *res);
}

json_t *questionnaire_merge(const json_t *stored, const json_t *patch)
{
    json_t *out = json_is_object(stored) ? json_copy((json_t *)stored) : json_object();
    const char *key;
    const json_t *v;
    if (!json_is_object(patch))
        return out;
    json_object_foreach((json_t *)patch, key, v) {
        if (json_is_null(v))
            json_object_del(out, key);
        else
            json_object_set(out, key, (json_t *)v);
    }
    return out;
}

/* ---- what the answers mean for training and formats ---- */

/* True when answers[key] is the string want (trimmed, any case), or true for "yes". */
static bool answer_is(const json_t *answers, const char *key, const char *want)
{
    const json_t *v = json_object_get(answers, key);
    if (json_is_boolean(v))
        return strcmp(want, json_is_true(v) ? "yes" : "no") == 0;
    size_t len;
    const char *s = str_of(v, &len);
    if (!s)
        return false;
    s = trim(s, &len);
    return strlen(want) == len && strncasecmp(s, want, len) == 0;
}

void questionnaire_training_facts(const json_t *answers, struct training_facts *out)
{
    out->already_onboarded = answer_is(answers, QN_KEY_ALREADY_ONBOARDED, "yes");
    out->via_posthouse = answer_is(answers, QN_KEY_DELIVERY_METHOD, "posthouse");
    const json_t *id = json_object_get(answers, QN_KEY_POSTHOUSE_ID);
    bool listed = (json_is_integer(id) && json_integer_value(id) > 0);
    out->posthouse_onboarded =
        out->via_posthouse && (answer_is(answers, QN_KEY_POSTHOUSE_ONBOARDED, "yes") || listed);
}

size_t questionnaire_training_defaults(const json_t *answers,
                                       enum training_module out[TRAINING_N_MODULES])
{
    struct training_facts f;
    questionnaire_training_facts(answers, &f);
    if (f.already_onboarded)
        return 0;
    if (f.via_posthouse && f.posthouse_onboarded) {
        out[0] = TRAINING_AVAILS_REVIEW;
        return 1;
    }
    if (answer_is(answers, QN_KEY_AVAILS_EXPERIENCE, "no") &&
        answer_is(answers, QN_KEY_ASSET_EXPERIENCE, "no")) {
        out[0] = TRAINING_PHASED_REVIEW;
        return 1;
    }
    out[0] = TRAINING_TECHNICAL_ASSET_REVIEW;
    out[1] = TRAINING_AVAILS_REVIEW;
    return 2;
}

int questionnaire_intended_formats(const json_t *answers, struct format_set *out)
{
    static const char *const keys[] = {QN_KEY_FORMATS_RESOLUTION, QN_KEY_FORMATS_DYNAMIC_RANGE,
                                       QN_KEY_FORMATS_AUDIO, QN_KEY_FORMATS_CAPTIONS};
    int rc = 0;
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        const json_t *list = json_object_get(answers, keys[k]);
        size_t i;
        const json_t *item;
        json_array_foreach(list, i, item) {
            if (!json_is_string(item) || format_set_add(out, json_string_value(item)) != 0)
                rc = -1;
        }
    }
    return rc;
}
