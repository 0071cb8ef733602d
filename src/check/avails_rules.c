/*
 * Avails checks shared by the spreadsheet and the XML: see avails_rules.h.
 *
 * The cross-file checks collect one small record per window and per asset
 * (strings in the context's arena) and sort them at the end: O(n log n) in
 * the rows, a few dozen bytes each, so a 100,000-row sheet costs a few MB.
 */
#include "check/avails_rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/timefmt.h"
#include "core/codes.h"

struct av_window {
    const char *key;    /* licensor, ALID, territory, license type, format, language; \x1f apart */
    int64_t start, end; /* calendar days, as seconds */
    struct av_when start_w, end_w;
    struct avails_place place; /* strings in the arena */
    size_t seq;
};

struct av_asset {
    const char *alid, *work_type;
    struct avails_place place;
    size_t seq;
};

void avails_ctx_init(struct avails_ctx *c, struct findings *out, const char *file, const char *std,
                     int xml_version, bool spreadsheet)
{
    memset(c, 0, sizeof *c);
    c->out = out;
    c->file = file;
    c->std = std;
    c->xml_version = xml_version;
    c->spreadsheet = spreadsheet;
}

void avails_report(struct avails_ctx *c, const struct avails_place *p, const char *code,
                   enum severity sev, const char *field, const char *observed,
                   const char *normalised, const char *expected, const char *fix, const char *fmt,
                   ...)
{
    struct av_code_count *cc = NULL;
    for (size_t i = 0; i < c->n_codes && !cc; i++)
        if (c->codes[i].code == code || !strcmp(c->codes[i].code, code))
            cc = &c->codes[i];
    if (!cc && c->n_codes < sizeof c->codes / sizeof c->codes[0]) {
        cc = &c->codes[c->n_codes++];
        /* field may live in the parsed document, which is freed before the summary is written */
        *cc = (struct av_code_count){code, sev, field ? arena_strdup(&c->arena, field) : NULL, 0};
    }
    if (cc && ++cc->n > AVAILS_MAX_PER_CODE) {
        if (sev == SEV_ERROR)
            cc->sev = SEV_ERROR;
        return;
    }
    struct buf clause = {0};
    buf_printf(&clause, "%s, %s", c->std, field ? field : "file");
    struct finding f = {
        .code = code,
        .severity = sev,
        .file = c->file,
        .stream = -1,
        .observed = observed,
        .normalised = normalised,
        .expected = expected,
        .clause = buf_str(&clause),
        .fix = fix,
    };
    if (p) {
        f.sheet = p->sheet;
        f.row = p->row;
        f.column = p->column;
        f.header = p->header;
        f.line = p->line;
        f.path = p->path;
    }
    va_list ap;
    va_start(ap, fmt);
    findings_vadd(c->out, &f, fmt, ap);
    va_end(ap);
    buf_free(&clause);
}

/* ---- trimming ---- */

static size_t space_at(const char *s, size_t len)
{
    if (len >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r'))
        return 1;
    if (len >= 2 && (unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0)
        return 2; /* U+00A0 no-break space, which Excel users paste in */
    return 0;
}

static size_t space_before(const char *s, size_t len)
{
    if (len >= 1 &&
        (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r'))
        return 1;
    if (len >= 2 && (unsigned char)s[len - 2] == 0xc2 && (unsigned char)s[len - 1] == 0xa0)
        return 2;
    return 0;
}

const char *avails_trim(struct avails_ctx *c, const struct avails_place *p, const char *field,
                        const char *raw, bool warn, struct buf *out)
{
    size_t len = strlen(raw), n;
    const char *s = raw;
    while ((n = space_at(s, len))) {
        s += n;
        len -= n;
    }
    while ((n = space_before(s, len)))
        len -= n;
    buf_reset(out);
    buf_add(out, s, len);
    if (warn && c->spreadsheet && len != strlen(raw))
        avails_report(c, p, "avails.cell.whitespace", SEV_WARNING, field, raw, buf_str(out), NULL,
                      "Remove the spaces before and after the value: other services may reject "
                      "it.",
                      "%s has spaces around its value; it was read as \"%s\"", field, buf_str(out));
    return buf_str(out);
}

/* ---- vocabularies ---- */

const char *avails_check_vocab(struct avails_ctx *c, const struct avails_place *p, enum vocab_id id,
                               const char *raw, const char *code, enum severity sev)
{
    struct buf *t = &c->scratch[0];
    buf_reset(t);
    struct buf exp = {0};
    const struct vocab *v = vocab_get(id);
    const char *s = avails_trim(c, p, v->field, raw, true, t);
    const struct vocab_value *ci = NULL;
    const struct vocab_value *hit = vocab_find(id, s, strlen(s), &ci);
    const char *ret = NULL;
    if (hit && hit->since && c->xml_version && hit->since > c->xml_version) {
        char since[16];
        vocab_version_str(hit->since, since, sizeof since);
        vocab_list(id, c->xml_version, &exp);
        avails_report(c, p, code, SEV_ERROR, v->field, raw, s, buf_str(&exp),
                      "Use one of the values of this version, or deliver the file in a newer "
                      "version of the template.",
                      "%s \"%s\" is not defined in this version of Avails (it came with Avails "
                      "XML %s)",
                      v->field, s, since);
    } else if (hit) {
        ret = hit->s;
    } else {
        vocab_list(id, c->xml_version, &exp);
        if (*s == '\0') {
            avails_report(c, p, code, SEV_ERROR, v->field, raw, NULL, buf_str(&exp),
                          "Fill in one of the allowed values.", "%s is empty", v->field);
        } else if (ci) {
            struct buf fix = {0};
            buf_printf(&fix, "Write \"%s\" exactly (the values are case-sensitive).", ci->s);
            avails_report(c, p, code, SEV_ERROR, v->field, raw, s, buf_str(&exp), buf_str(&fix),
                          "%s \"%s\" is not an allowed value; did you mean \"%s\"?", v->field, s,
                          ci->s);
            buf_free(&fix);
        } else {
            avails_report(c, p, code, sev, v->field, raw, s, buf_str(&exp),
                          "Use one of the expected values.",
                          "%s \"%s\" is not one of the values %s allows", v->field, s, c->std);
        }
    }
    buf_free(&exp);
    return ret;
}

/* ---- territories ---- */

bool avails_check_territory(struct avails_ctx *c, const struct avails_place *p, const char *field,
                            const char *raw, char out[static 4])
{
    struct buf *t = &c->scratch[1];
    buf_reset(t);
    const char *s = avails_trim(c, p, field, raw, true, t);
    bool ok = false;
    char code[3];
    const char *area;
    out[0] = '\0';
    if (*s == '\0') {
        avails_report(c, p, "avails.territory.invalid", SEV_ERROR, field, raw, NULL,
                      "an ISO 3166-1 alpha-2 code such as US, GB, FR",
                      "Fill in the two-letter ISO 3166-1 code of the country.", "%s is empty",
                      field);
    } else if (strcspn(s, ",;/| ") < strlen(s)) {
        avails_report(c, p, "avails.territory.multiple", SEV_ERROR, field, raw, s,
                      "one ISO 3166-1 code per row",
                      "Split the row: one row per territory, each with its own window and price.",
                      "%s holds several territories; the EMA template takes one territory per "
                      "row",
                      field);
    } else if (codes_territory_check(s, code) == CODES_OK) {
        if (strcmp(s, code) != 0) {
            avails_report(c, p, "avails.territory.invalid", SEV_ERROR, field, raw, s, code,
                          "Write the code in capitals.",
                          "%s \"%s\" must be written in capitals: \"%s\"", field, s, code);
        } else {
            memcpy(out, code, 3);
            ok = true;
        }
    } else if ((area = vocab_territory_area(s))) {
        avails_report(c, p, "avails.territory.area", SEV_WARNING, field, raw, NULL,
                      "a country (ISO 3166-1 alpha-2)",
                      "Use one row per country unless the service has agreed to take this "
                      "region.",
                      "%s \"%s\" is a region (%s), not a country", field, s, area);
        snprintf(out, 4, "%s", s);
        ok = true;
    } else {
        avails_report(c, p, "avails.territory.invalid", SEV_ERROR, field, raw, s,
                      "an ISO 3166-1 alpha-2 code such as US, GB, FR",
                      "Use the two-letter ISO 3166-1 code of the country (for example GB, not UK "
                      "or GBR).",
                      "%s \"%s\" is not an ISO 3166-1 country code", field, s);
    }
    return ok;
}

/* ---- languages ---- */

static bool check_one_language(struct avails_ctx *c, const struct avails_place *p,
                               const char *field, const char *raw, const char *item,
                               struct buf *canon)
{
    struct buf *why = &c->scratch[4];
    buf_reset(why);
    struct buf *can = &c->scratch[5];
    buf_reset(can);
    char tag[CODES_MAX_TAG + 2];
    const char *colon = strchr(item, ':');
    size_t tl = colon ? (size_t)(colon - item) : strlen(item);
    bool ok = true;
    if (tl > CODES_MAX_TAG)
        tl = CODES_MAX_TAG + 1;
    memcpy(tag, item, tl);
    tag[tl] = '\0';
    if (colon) {
        const char *kind = colon + 1;
        if (!vocab_find(VOCAB_LANG_ASSET, kind, strlen(kind), NULL)) {
            struct buf exp = {0};
            vocab_list(VOCAB_LANG_ASSET, 0, &exp);
            avails_report(c, p, "avails.language.invalid", SEV_ERROR, field, raw, item,
                          buf_str(&exp), "After the colon write audio, subtitle or subdub.",
                          "%s \"%s\": \"%s\" is not a kind of language asset", field, item, kind);
            buf_free(&exp);
            ok = false;
        }
    }
    char lang[4] = "";
    size_t ll = strcspn(tag, "-");
    const char *two = NULL;
    if (ll == 3) {
        memcpy(lang, tag, 3);
        two = codes_language_two_letter(lang);
    }
    int rc = two ? CODES_OK : codes_language_check(tag, can, why);
    if (two) {
        /* RFC 5646 section 2.2.1: the shortest ISO 639 code is the one to use. */
        struct buf exp = {0};
        buf_printf(&exp, "%s%s", two, tag + 3);
        avails_report(c, p, "avails.language.invalid", SEV_ERROR, field, raw, tag, buf_str(&exp),
                      "Use the ISO 639-1 two-letter code: BCP 47 (RFC 5646 section 2.2.1) takes "
                      "the shortest code of a language.",
                      "%s \"%s\" uses the three-letter code \"%s\" where the two-letter \"%s\" "
                      "exists",
                      field, tag, lang, two);
        buf_free(&exp);
        ok = false;
    } else if (rc != CODES_OK) {
        avails_report(c, p, "avails.language.invalid", SEV_ERROR, field, raw, tag,
                      "a BCP 47 language tag such as en, fr-CA, es-419, zh-Hant",
                      "Use the shortest BCP 47 tag for the language (ISO 639-1 two-letter code "
                      "where there is one, then region or script).",
                      "%s \"%s\" %s", field, tag, buf_str(why));
        ok = false;
    } else if (canon) {
        if (canon->len)
            buf_puts(canon, ",");
        buf_puts(canon, buf_str(can));
    }
    return ok;
}

bool avails_check_languages(struct avails_ctx *c, const struct avails_place *p, const char *field,
                            const char *raw, bool list, struct buf *canon)
{
    struct buf *t = &c->scratch[2];
    buf_reset(t);
    struct buf *item = &c->scratch[3];
    buf_reset(item);
    const char *s = avails_trim(c, p, field, raw, true, t);
    bool ok = true;
    if (*s == '\0') {
        avails_report(c, p, "avails.language.invalid", SEV_ERROR, field, raw, NULL,
                      "a BCP 47 language tag such as en, fr-CA, es-419",
                      "Fill in the language, or leave the element out.", "%s is empty", field);
        return false;
    }
    if (!list && strcspn(s, ",;") < strlen(s)) {
        /* one value expected; still check each so the partner sees every problem */
        avails_report(c, p, "avails.language.multiple", SEV_ERROR, field, raw, s,
                      "one language tag",
                      "Give one language here (a row or transaction per language if needed).",
                      "%s holds several languages where one is expected", field);
        ok = false;
    }
    for (const char *q = s; *q;) {
        size_t n = strcspn(q, ",;");
        const char *a = q, *e = q + n;
        while (a < e && (*a == ' ' || *a == '\t'))
            a++;
        while (e > a && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        buf_reset(item);
        buf_add(item, a, (size_t)(e - a));
        if (item->len)
            ok = check_one_language(c, p, field, raw, buf_str(item), canon) && ok;
        q += n;
        if (*q)
            q++;
    }
    return ok;
}

/* ---- currency ---- */

bool avails_check_currency(struct avails_ctx *c, const struct avails_place *p, const char *field,
                           const char *raw)
{
    struct buf *t = &c->scratch[6];
    buf_reset(t);
    const char *s = avails_trim(c, p, field, raw, true, t);
    bool ok = codes_currency(s);
    if (!ok) {
        char up[4] = "";
        size_t n = strlen(s);
        if (n == 3) {
            for (int i = 0; i < 3; i++)
                up[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 'a' + 'A') : s[i];
            up[3] = '\0';
        }
        if (n == 3 && codes_currency(up))
            avails_report(c, p, "avails.currency.invalid", SEV_ERROR, field, raw, s, up,
                          "Write the currency code in capitals.",
                          "%s \"%s\" must be written in capitals: \"%s\"", field, s, up);
        else
            avails_report(c, p, "avails.currency.invalid", SEV_ERROR, field, raw, s,
                          "an ISO 4217 code such as USD, EUR, GBP",
                          "Use the three-letter ISO 4217 code of the currency.",
                          "%s \"%s\" is not an ISO 4217 currency code", field, s);
    }
    return ok;
}

/* ---- dates ---- */

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Parses ISO 8601 as Avails writes it: YYYY-MM-DD, optionally THH:MM[:SS[.fff]] and a zone
 * (Z or +hh:mm, kept out of the instant: windows are compared as written). */
static const char *parse_iso(const char *s, struct av_when *w)
{
    if (strlen(s) < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2))
        return "is not a date in the form YYYY-MM-DD";
    int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
    if (!civil_valid(y, m, d))
        return "is not a real calendar date";
    w->t = days_from_civil(y, m, d) * 86400;
    w->kind = AVW_DATE;
    const char *r = s + 10;
    if (*r == '\0')
        return NULL;
    if (*r != 'T' || strlen(r) < 6 || !digits(r + 1, 2) || r[3] != ':' || !digits(r + 4, 2))
        return "has text after the date that is not a time (THH:MM:SS)";
    int hh = num(r + 1, 2), mm = num(r + 4, 2), ss = 0;
    r += 6;
    if (*r == ':') {
        if (!digits(r + 1, 2))
            return "has a malformed time (THH:MM:SS)";
        ss = num(r + 1, 2);
        r += 3;
        if (*r == '.') {
            r++;
            if (!digits(r, 1))
                return "has a malformed fraction of a second";
            while (*r >= '0' && *r <= '9')
                r++;
        }
    }
    if (hh > 24 || mm > 59 || ss > 60 || (hh == 24 && (mm || ss)))
        return "has a time of day that does not exist";
    if (*r == 'Z')
        r++;
    else if ((*r == '+' || *r == '-') && digits(r + 1, 2) && r[3] == ':' && digits(r + 4, 2))
        r += 6;
    if (*r)
        return "has text after the time";
    w->t += hh * 3600 + mm * 60 + ss;
    w->kind = AVW_DATETIME;
    return NULL;
}

/* Excel serial day numbers: the 1900 system counts 1900-01-01 as 1 and has a 29 February 1900
 * that never was (serial 60), so real dates from 1 March 1900 on are 1899-12-30 + serial. */
static bool parse_serial(const char *s, bool date1904, struct av_when *w)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= 1 && v < 2958466)) /* 9999-12-31 */
        return false;
    for (const char *q = s; *q; q++)
        if (!((*q >= '0' && *q <= '9') || *q == '.'))
            return false;
    int64_t days = (int64_t)v;
    double frac = v - (double)days;
    int64_t base = date1904 ? days_from_civil(1904, 1, 1) : days_from_civil(1899, 12, 30);
    if (!date1904 && days < 61)
        base = days_from_civil(1899, 12, 31);
    w->t = (base + days) * 86400 + (int64_t)(frac * 86400.0 + 0.5);
    w->kind = frac > 0 ? AVW_DATETIME : AVW_DATE;
    return true;
}

static char *put_num(char *o, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        o[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return o + width;
}

/* Formats w->t as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (by hand: this runs for every date). */
static void when_text(struct av_when *w)
{
    int64_t days = w->t >= 0 ? w->t / 86400 : -((-w->t + 86399) / 86400);
    int64_t sec = w->t - days * 86400;
    struct civil_date d = civil_from_days(days);
    char *o = w->text;
    if (d.year < 0 || d.year > 9999) {
        snprintf(w->text, sizeof w->text, "%d-%02d-%02d", d.year, d.month, d.day);
        return;
    }
    o = put_num(o, d.year, 4);
    *o++ = '-';
    o = put_num(o, d.month, 2);
    *o++ = '-';
    o = put_num(o, d.day, 2);
    if (w->kind != AVW_DATE) {
        *o++ = 'T';
        o = put_num(o, (int)(sec / 3600), 2);
        *o++ = ':';
        o = put_num(o, (int)(sec / 60 % 60), 2);
        *o++ = ':';
        o = put_num(o, (int)(sec % 60), 2);
    }
    *o = '\0';
}

bool avails_check_when(struct avails_ctx *c, const struct avails_place *p, const char *field,
                       const char *raw, bool conditions, bool is_end, struct av_when *out)
{
    struct buf *t = &c->scratch[7];
    buf_reset(t);
    const char *s = avails_trim(c, p, field, raw, true, t);
    memset(out, 0, sizeof *out);
    const char *why = NULL;
    bool ok = false;
    const struct vocab_value *ci = NULL;
    const struct vocab_value *cond =
        conditions ? vocab_find(VOCAB_CONDITION, s, strlen(s), &ci) : NULL;
    if (cond) {
        out->kind = AVW_CONDITION;
        snprintf(out->cond, sizeof out->cond, "%s", cond->s);
        snprintf(out->text, sizeof out->text, "%s", cond->s);
        ok = true;
    } else if (c->spreadsheet && *s && strspn(s, "0123456789.") == strlen(s)) {
        if (parse_serial(s, c->date1904, out)) {
            when_text(out);
            ok = true;
        } else {
            why = "is not a date: as a number it would be an Excel day number, but it is out of "
                  "range";
        }
    } else if (*s == '\0') {
        why = "is empty";
    } else if (strchr(s, '/') || (strlen(s) >= 8 && s[2] == '.' && s[5] == '.')) {
        why = "is written in a local style (day and month order is ambiguous, \"03/04\" is March "
              "or April)";
    } else {
        why = parse_iso(s, out);
        if (!why) {
            when_text(out);
            ok = true;
        }
    }
    if (ok && is_end && out->kind == AVW_DATE)
        out->t += 86399; /* a date-only End runs to 23:59:59 of that day */
    if (!ok) {
        struct buf exp = {0};
        buf_puts(&exp, "YYYY-MM-DD (or YYYY-MM-DDTHH:MM:SS");
        if (c->spreadsheet)
            buf_puts(&exp, ", or an Excel date");
        buf_puts(&exp, ")");
        if (conditions)
            buf_puts(&exp, is_end ? ", or Open, or a condition such as ESTStart"
                                  : ", or a condition such as Immediate");
        if (ci) {
            avails_report(c, p, "avails.date.invalid", SEV_ERROR, field, raw, s, buf_str(&exp),
                          "Write the condition with its exact spelling.",
                          "%s \"%s\" is not an allowed value; did you mean \"%s\"?", field, s,
                          ci->s);
        } else {
            avails_report(c, p, "avails.date.invalid", SEV_ERROR, field, raw, s, buf_str(&exp),
                          "Write the date as YYYY-MM-DD (for example 2026-03-01), or format the "
                          "cell as a date.",
                          "%s \"%s\" %s", field, s, why);
        }
        buf_free(&exp);
    }
    return ok;
}

/* ---- identifiers ---- */

static bool eidr_suffix(const char *s, size_t len)
{
    /* 10.5240/XXXX-XXXX-XXXX-XXXX-XXXX-C: five groups of four hex digits and a check character */
    if (len != 26)
        return false;
    for (size_t i = 0; i < 25; i++) {
        char ch = s[i];
        if (i % 5 == 4) {
            if (ch != '-')
                return false;
        } else if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'F') ||
                     (ch >= 'a' && ch <= 'f'))) {
            return false;
        }
    }
    char k = s[25];
    return (k >= '0' && k <= '9') || (k >= 'A' && k <= 'Z');
}

void avails_check_id(struct avails_ctx *c, const struct avails_place *p, const char *field,
                     const char *raw)
{
    struct buf *t = &c->scratch[8];
    buf_reset(t);
    const char *s = avails_trim(c, p, field, raw, true, t);
    size_t len = strlen(s);
    if (len == 0) {
        avails_report(c, p, "avails.id.invalid", SEV_ERROR, field, raw, NULL, "an identifier",
                      "Fill in the identifier.", "%s is empty", field);
    } else if (strcspn(s, " \t\r\n") < len) {
        avails_report(c, p, "avails.id.invalid", SEV_ERROR, field, raw, s,
                      "an identifier without spaces",
                      "Remove the spaces: identifiers are compared character by character.",
                      "%s \"%s\" contains spaces", field, s);
    } else if (!strncmp(s, "md:", 3)) {
        /* Common Metadata 4.1: md:<type>:<scheme>:<SSID>, SSID may hold more colons */
        const char *q = s + 3, *type_end = strchr(q, ':');
        const char *scheme = type_end ? type_end + 1 : NULL;
        const char *scheme_end = scheme ? strchr(scheme, ':') : NULL;
        const char *ssid = scheme_end ? scheme_end + 1 : NULL;
        if (!type_end || type_end == q || !scheme_end || scheme_end == scheme || !*ssid ||
            *ssid == ':') {
            avails_report(c, p, "avails.id.syntax", SEV_WARNING, field, raw, s,
                          "md:<type>:<scheme>:<SSID>, e.g. md:alid:eidr-x:<EIDR suffix>",
                          "Write the identifier as md:type:scheme:SSID with each part filled in.",
                          "%s \"%s\" does not follow the Common Metadata identifier syntax", field,
                          s);
        } else if ((size_t)(scheme_end - scheme) == 6 &&
                   (!strncmp(scheme, "eidr-s", 6) || !strncmp(scheme, "eidr-x", 6))) {
            size_t sl = strcspn(ssid, ":");
            if (!eidr_suffix(ssid, sl) || (scheme[5] == 's' && ssid[sl] == ':'))
                avails_report(c, p, "avails.id.syntax", SEV_WARNING, field, raw, s,
                              "an EIDR suffix XXXX-XXXX-XXXX-XXXX-XXXX-C after eidr-s: (eidr-x: "
                              "may add :extension)",
                              "Copy the EIDR ID without its 10.5240/ prefix.",
                              "%s \"%s\" does not carry a well-formed EIDR ID", field, s);
        }
    } else if (!strncmp(s, "10.5240/", 8) || !strncmp(s, "urn:eidr:10.5240:", 17)) {
        const char *suffix = s[0] == '1' ? s + 8 : s + 17;
        if (!eidr_suffix(suffix, strlen(suffix)))
            avails_report(c, p, "avails.id.syntax", SEV_WARNING, field, raw, s,
                          "10.5240/XXXX-XXXX-XXXX-XXXX-XXXX-C",
                          "Copy the EIDR ID as the EIDR registry shows it.",
                          "%s \"%s\" is not a well-formed EIDR ID", field, s);
    }
}

/* ---- prices ---- */

bool avails_check_amount(struct avails_ctx *c, const struct avails_place *p, const char *field,
                         const char *raw)
{
    struct buf *t = &c->scratch[9];
    buf_reset(t);
    const char *s = avails_trim(c, p, field, raw, true, t);
    bool ok = true;
    if (strcmp(s, "TBD") != 0) {
        const char *q = s;
        size_t int_digits = strspn(q, "0123456789");
        q += int_digits;
        if (*q == '.')
            q += 1 + strspn(q + 1, "0123456789");
        ok = int_digits > 0 && *q == '\0';
    }
    if (!ok)
        avails_report(c, p, "avails.price.invalid", SEV_ERROR, field, raw, s,
                      "an amount such as 4.99 (digits and a decimal point, no currency sign)",
                      "Write the amount with digits and a point, and put the currency in "
                      "PriceCurrency.",
                      "%s \"%s\" is not an amount", field, s);
    return ok;
}

/* ---- windows ---- */

static int64_t day_of(int64_t t)
{
    return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

/* Copies a place into the arena. Rows of one sheet share their sheet, column and header
 * strings, so the last copy of each is reused when the caller passes the same pointer. */
static const char *intern(struct avails_ctx *c, int k, const char *s)
{
    if (!s)
        return NULL;
    if (c->intern_src[k] == s && c->intern_copy[k])
        return c->intern_copy[k];
    c->intern_src[k] = s;
    c->intern_copy[k] = arena_strdup(&c->arena, s);
    return c->intern_copy[k];
}

static struct avails_place copy_place(struct avails_ctx *c, const struct avails_place *p)
{
    struct avails_place q = *p;
    q.sheet = intern(c, 0, p->sheet);
    q.column = intern(c, 1, p->column);
    q.header = intern(c, 2, p->header);
    q.path = arena_strdup(&c->arena, p->path);
    return q;
}

void avails_add_window(struct avails_ctx *c, const struct avails_place *p, const char *licensor,
                       const char *alid, const char *territory, const char *license_type,
                       const char *format, const char *asset_language, const struct av_when *start,
                       const struct av_when *end)
{
    if (start->kind != AVW_DATE && start->kind != AVW_DATETIME)
        return;
    /* Compared by calendar day: a window may start on the day the previous one ends, whatever
     * the times (the EMA examples hand over from one price to the next on the same date, some
     * writing End 23:59:59 and the next Start 00:00:00 of that day). */
    int64_t e;
    if (end->kind == AVW_DATE || end->kind == AVW_DATETIME)
        e = day_of(end->t) * 86400;
    else if (end->kind == AVW_CONDITION && !strcmp(end->cond, "Open"))
        e = INT64_MAX;
    else
        return;
    if (c->n_win == c->cap_win) {
        c->cap_win = c->cap_win ? c->cap_win * 2 : 256;
        c->win = xrealloc(c->win, c->cap_win * sizeof *c->win);
    }
    struct av_window *w = &c->win[c->n_win];
    /* the scope, its parts separated by \x1f */
    const char *parts[6] = {licensor, alid, territory, license_type, format, asset_language};
    struct buf *k = &c->scratch[0];
    buf_reset(k);
    for (int i = 0; i < 6; i++) {
        if (i)
            buf_putc(k, '\x1f');
        if (parts[i])
            buf_puts(k, parts[i]);
    }
    w->key = arena_strndup(&c->arena, k->data, k->len);
    w->start = day_of(start->t) * 86400;
    w->end = e;
    w->start_w = *start;
    w->end_w = *end;
    w->place = copy_place(c, p);
    w->seq = c->n_win++;
}

void avails_add_asset(struct avails_ctx *c, const struct avails_place *p, const char *alid,
                      const char *work_type)
{
    if (!alid || !*alid || !work_type || !*work_type)
        return;
    if (c->n_assets == c->cap_assets) {
        c->cap_assets = c->cap_assets ? c->cap_assets * 2 : 256;
        c->assets = xrealloc(c->assets, c->cap_assets * sizeof *c->assets);
    }
    struct av_asset *a = &c->assets[c->n_assets];
    a->alid = arena_strdup(&c->arena, alid);
    a->work_type = arena_strdup(&c->arena, work_type);
    a->place = copy_place(c, p);
    a->seq = c->n_assets++;
}

static int cmp_window(const void *x, const void *y)
{
    const struct av_window *a = x, *b = y;
    int k = strcmp(a->key, b->key);
    if (k)
        return k;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_asset(const void *x, const void *y)
{
    const struct av_asset *a = x, *b = y;
    int k = strcmp(a->alid, b->alid);
    if (k)
        return k;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void where(const struct avails_place *p, char *out, size_t n)
{
    if (p->row)
        snprintf(out, n, "row %lld", (long long)p->row);
    else
        snprintf(out, n, "line %lld", (long long)p->line);
}

/* Fills w->text when a value was parsed without it (see avails_check_when). */
static void window_text(struct av_when *w)
{
    if (!w->text[0])
        when_text(w);
}

/* "licensor "X", ALID "Y", US, EST, HD, asset language en" from a window's key. */
static void scope_label(const char *key, struct buf *out)
{
    static const char *const pre[] = {"licensor \"", "\", ALID \"", "\", ",
                                      ", ",          ", ",          ", asset language "};
    const char *q = key;
    for (int i = 0; i < 6; i++) {
        size_t n = strcspn(q, "\x1f");
        if (i < 5 || n)
            buf_puts(out, pre[i]);
        if (i == 4 && n == 0)
            buf_puts(out, "no FormatProfile");
        buf_add(out, q, n);
        q += n;
        if (*q)
            q++;
    }
}

static void check_windows(struct avails_ctx *c)
{
    if (c->n_win > 1)
        qsort(c->win, c->n_win, sizeof *c->win, cmp_window);
    for (size_t i = 0; i < c->n_win;) {
        size_t j = i + 1;
        while (j < c->n_win && !strcmp(c->win[j].key, c->win[i].key))
            j++;
        /* the group [i, j) shares the scope; sorted by start, so each window only needs the
         * one of the earlier windows that ends last */
        size_t last = i;
        for (size_t k = i + 1; k < j; k++) {
            struct av_window *a = &c->win[last], *b = &c->win[k];
            if (b->start < a->end || (b->start == a->start && b->end == a->end)) {
                char at[32], what[256];
                window_text(&a->start_w);
                window_text(&a->end_w);
                window_text(&b->start_w);
                window_text(&b->end_w);
                const char *a_start = a->start_w.text, *a_end = a->end_w.text;
                const char *b_start = b->start_w.text, *b_end = b->end_w.text;
                struct buf label = {0};
                scope_label(a->key, &label);
                where(&a->place, at, sizeof at);
                snprintf(what, sizeof what, "%s to %s", b_start, b_end);
                bool dup = a->start == b->start && a->end == b->end;
                struct buf exp = {0};
                buf_printf(&exp, "no window overlapping %s to %s (%s)", a_start, a_end, at);
                avails_report(c, &b->place,
                              dup ? "avails.window.duplicate" : "avails.window.overlap",
                              dup ? SEV_WARNING : SEV_ERROR, "Start/End", what, NULL, buf_str(&exp),
                              dup ? "Delete one of the two rows (or give them different windows)."
                                  : "Make the windows follow each other: end the earlier one the "
                                    "day before the later one starts, or merge them.",
                              dup ? "This window (%s) repeats the one in %s for the same %s"
                                  : "This window (%s) overlaps the one in %s for the same %s",
                              what, at, buf_str(&label));
                buf_free(&exp);
                buf_free(&label);
            }
            if (b->end > a->end)
                last = k;
        }
        i = j;
    }
}

static void check_assets(struct avails_ctx *c)
{
    if (c->n_assets > 1)
        qsort(c->assets, c->n_assets, sizeof *c->assets, cmp_asset);
    for (size_t i = 0; i < c->n_assets;) {
        size_t j = i + 1;
        while (j < c->n_assets && !strcmp(c->assets[j].alid, c->assets[i].alid))
            j++;
        for (size_t k = i + 1; k < j; k++) {
            const struct av_asset *first = &c->assets[i], *b = &c->assets[k];
            if (strcmp(first->work_type, b->work_type) != 0) {
                char at[32];
                where(&first->place, at, sizeof at);
                avails_report(c, &b->place, "avails.alid.inconsistent", SEV_ERROR, "WorkType",
                              b->work_type, NULL, first->work_type,
                              "Give every row of one ALID the same WorkType (or use a different "
                              "ALID for the other asset).",
                              "ALID \"%s\" was first given WorkType \"%s\" (%s); this row says "
                              "\"%s\"",
                              b->alid, first->work_type, at, b->work_type);
            }
        }
        i = j;
    }
}

void avails_ctx_finish(struct avails_ctx *c)
{
    check_windows(c);
    check_assets(c);
    for (size_t i = 0; i < c->n_codes; i++) {
        struct av_code_count *cc = &c->codes[i];
        if (cc->n <= AVAILS_MAX_PER_CODE)
            continue;
        size_t more = cc->n - AVAILS_MAX_PER_CODE;
        cc->n = 0; /* this summary itself is listed */
        avails_report(c, NULL, cc->code, cc->sev, cc->field, NULL, NULL, NULL,
                      "Fix the first ones listed: the same mistake is most likely repeated in the "
                      "rest.",
                      "... and %zu more findings %s like the %d above (not listed one by one)",
                      more, cc->code, AVAILS_MAX_PER_CODE);
    }
    free(c->win);
    free(c->assets);
    arena_free(&c->arena);
    for (size_t i = 0; i < sizeof c->scratch / sizeof c->scratch[0]; i++)
        buf_free(&c->scratch[i]);
    c->win = NULL;
    c->assets = NULL;
    c->n_win = c->n_assets = 0;
}
