/*
 * ISO 3166-1, UN M.49, BCP 47 and ISO 4217 checks: see codes.h. A tag is
 * split into at most CODES_MAX_TAG / 2 subtags on the stack and walked once
 * by the RFC 5646 grammar, as a sequence of optional parts in a fixed order;
 * each subtag is looked up as it is recognised. Lookups are a bit test for
 * two- and three-letter codes (currencies too), a binary search for scripts,
 * variants, extlangs and the ISO 639-2 pairs, and a scan of the 30 areas.
 */
#include "core/codes.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/codes_table.h"

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static char upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

/* Bit test of a lowercase-able letter code of length len in a base-26 bit map. */
static bool in_bits(const uint64_t *bits, const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n = n * 26 + (size_t)(lower(s[i]) - 'a');
    return (bits[n / 64] >> (n % 64)) & 1;
}

/* Case-insensitive binary search of s[0..len) in a sorted list of lowercase strings. */
static bool in_list(const char *const *list, size_t n, const char *s, size_t len)
{
    char key[9];
    if (len >= sizeof key)
        return false;
    for (size_t i = 0; i < len; i++)
        key[i] = lower(s[i]);
    key[len] = '\0';
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(key, list[mid]);
        if (c == 0)
            return true;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return false;
}

int codes_territory_check(const char *s, char out[static 3])
{
    if (!s || !is_alpha(s[0]) || !is_alpha(s[1]) || s[2] != '\0')
        return CODES_ERR_SYNTAX;
    if (!in_bits(region_bits, s, 2))
        return CODES_ERR_UNKNOWN;
    out[0] = upper(s[0]);
    out[1] = upper(s[1]);
    out[2] = '\0';
    return CODES_OK;
}

/* The name of the M.49 area numbered by the three digits s[0..3), or NULL. */
static const char *m49_name(const char *s)
{
    int num = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
    for (size_t k = 0; k < sizeof m49_list / sizeof m49_list[0]; k++)
        if (m49_list[k].code == num)
            return m49_list[k].name;
    return NULL;
}

const char *codes_m49_area(const char *s)
{
    if (!s || !is_digit(s[0]) || !is_digit(s[1]) || !is_digit(s[2]) || s[3] != '\0')
        return NULL;
    return m49_name(s);
}

bool codes_currency(const char *s)
{
    if (!s || strlen(s) != 3)
        return false;
    for (int i = 0; i < 3; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return false;
    return in_bits(currency_bits, s, 3);
}

const char *codes_language_two_letter(const char *three)
{
    if (!three || strlen(three) != 3)
        return NULL;
    char key[4] = {lower(three[0]), lower(three[1]), lower(three[2]), '\0'};
    size_t lo = 0, hi = sizeof lang_pairs / sizeof lang_pairs[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(key, lang_pairs[mid].three);
        if (c == 0)
            return lang_pairs[mid].two;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* ---- language tags ---- */

struct subtag {
    const char *s;
    size_t len;
};

static bool all_alpha(struct subtag t)
{
    for (size_t i = 0; i < t.len; i++)
        if (!is_alpha(t.s[i]))
            return false;
    return true;
}

static bool all_digit(struct subtag t)
{
    for (size_t i = 0; i < t.len; i++)
        if (!is_digit(t.s[i]))
            return false;
    return true;
}

static bool is_variant(struct subtag t)
{
    return (t.len >= 5 && t.len <= 8) || (t.len == 4 && is_digit(t.s[0]));
}

/* The language a registered extlang belongs after ("zh" for yue), or NULL when t is none. */
static const char *extlang_prefix(struct subtag t)
{
    char key[4] = {lower(t.s[0]), lower(t.s[1]), lower(t.s[2]), '\0'};
    size_t lo = 0, hi = sizeof extlang_list / sizeof extlang_list[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(key, extlang_list[mid].subtag);
        if (c == 0)
            return extlang_list[mid].prefix;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

static const struct {
    const char *old, *use;
} withdrawn[] = {
    {"in", "'id' (Indonesian)"}, {"iw", "'he' (Hebrew)"},   {"ji", "'yi' (Yiddish)"},
    {"jw", "'jv' (Javanese)"},   {"mo", "'ro' (Romanian)"}, {"sh", "'sr-Latn', 'hr' or 'bs'"},
};

static int not_a_tag(struct buf *why)
{
    if (why)
        buf_puts(why, "is not a BCP 47 language tag (for example en, en-GB, es-419, zh-Hant)");
    return CODES_ERR_SYNTAX;
}

/* Appends "<before>'<subtag>'<after>" to why (when wanted) and returns code. */
static int fail(struct buf *why, int code, const char *before, struct subtag t, const char *after)
{
    if (why) {
        buf_printf(why, "%s'", before);
        buf_add(why, t.s, t.len);
        buf_printf(why, "'%s", after);
    }
    return code;
}

/* Appends t to out in the case the part calls for: 'l' lower, 'u' upper, 't' title. */
static void put(struct buf *out, struct subtag t, char how)
{
    if (!out)
        return;
    if (out->len)
        buf_putc(out, '-');
    for (size_t i = 0; i < t.len; i++)
        buf_putc(out, how == 'u' || (how == 't' && i == 0) ? upper(t.s[i]) : lower(t.s[i]));
}

int codes_language_check(const char *tag, struct buf *canonical, struct buf *why)
{
    struct subtag t[CODES_MAX_TAG / 2 + 1];
    size_t n = 0, taglen = tag ? strnlen(tag, CODES_MAX_TAG + 1) : 0;
    if (taglen == 0)
        return not_a_tag(why);
    if (taglen > CODES_MAX_TAG) {
        if (why)
            buf_printf(why, "is longer than %d characters: not a language tag", CODES_MAX_TAG);
        return CODES_ERR_SYNTAX;
    }
    /* Split on '-': every subtag is 1..8 ASCII letters or digits. */
    for (const char *p = tag;;) {
        const char *q = p;
        while (is_alpha(*q) || is_digit(*q))
            q++;
        if (q == p || q - p > 8 || (*q != '-' && *q != '\0'))
            return not_a_tag(why);
        t[n].s = p;
        t[n].len = (size_t)(q - p);
        n++;
        if (*q == '\0')
            break;
        p = q + 1;
    }
    struct buf scratch = {0};
    struct buf *out = canonical ? &scratch : NULL;
    int rc = CODES_OK;
    size_t i = 0;

    /* language: 2-3 letters in ISO 639 (4 letters is reserved, 5-8 has no registered entry) */
    if (!all_alpha(t[0]) || t[0].len == 1) {
        rc = not_a_tag(why);
        goto done;
    }
    if (t[0].len > 3 || !in_bits(t[0].len == 2 ? lang2_bits : lang3_bits, t[0].s, t[0].len)) {
        rc = fail(why, CODES_ERR_UNKNOWN, "has an unknown language ", t[0],
                  " (use the ISO 639-1 two-letter code where there is one, e.g. 'en' not 'eng')");
        goto done;
    }
    for (size_t w = 0; w < sizeof withdrawn / sizeof withdrawn[0]; w++)
        if (t[0].len == 2 && lower(t[0].s[0]) == withdrawn[w].old[0] &&
            lower(t[0].s[1]) == withdrawn[w].old[1]) {
            rc = fail(why, CODES_ERR_DEPRECATED, "uses the withdrawn language code ", t[0], "");
            if (why)
                buf_printf(why, ": use %s instead", withdrawn[w].use);
            goto done;
        }
    put(out, t[i++], 'l');
    /*
     * extlang: a registered 3-letter subtag after the one language it belongs to (zh-yue,
     * sgn-ase). The grammar has room for three, but every registered extlang has a
     * one-language prefix, so only one can be valid. Any 3 letters here are well-formed, and
     * a region written with three letters (en-USA, en-GBR) lands here: usa and gbr are ISO
     * 639-3 languages, so checking the language lists would accept them; the registry's
     * extlangs do not.
     */
    if (i < n && t[i].len == 3 && all_alpha(t[i])) {
        const char *prefix = extlang_prefix(t[i]);
        if (!prefix) {
            rc = fail(why, CODES_ERR_UNKNOWN, "has ", t[i],
                      " where a region or an extended language goes, and it is neither (a region "
                      "is two letters such as GB or three digits such as 419; extended "
                      "languages are registered subtags such as the yue of zh-yue)");
            goto done;
        }
        if (strlen(prefix) != t[0].len || strncasecmp(prefix, t[0].s, t[0].len) != 0) {
            rc = fail(why, CODES_ERR_UNKNOWN, "has the extended language ", t[i], "");
            if (why)
                buf_printf(why, ", which belongs after '%s' only", prefix);
            goto done;
        }
        put(out, t[i++], 'l');
    }
    /* script: 4 letters */
    if (i < n && t[i].len == 4 && all_alpha(t[i])) {
        if (!in_list(script_list, sizeof script_list / sizeof script_list[0], t[i].s, 4)) {
            rc = fail(why, CODES_ERR_UNKNOWN, "has an unknown script ", t[i],
                      " (scripts are ISO 15924 codes such as Latn, Hant, Cyrl)");
            goto done;
        }
        put(out, t[i++], 't');
    }
    /* region: 2 letters (ISO 3166-1) or 3 digits (UN M.49) */
    if (i < n && ((t[i].len == 2 && all_alpha(t[i])) || (t[i].len == 3 && all_digit(t[i])))) {
        bool known = t[i].len == 2 ? in_bits(region_bits, t[i].s, 2) : m49_name(t[i].s) != NULL;
        if (!known) {
            rc = fail(why, CODES_ERR_UNKNOWN, "has an unknown region ", t[i],
                      " (regions are ISO 3166-1 codes such as GB or UN M.49 areas such as 419)");
            goto done;
        }
        put(out, t[i++], 'u');
    }
    /* variants: registered, each at most once */
    for (size_t first = i; i < n && is_variant(t[i]); i++) {
        if (!in_list(variant_list, sizeof variant_list / sizeof variant_list[0], t[i].s,
                     t[i].len)) {
            rc = fail(why, CODES_ERR_UNKNOWN, "has an unknown variant ", t[i], "");
            goto done;
        }
        for (size_t k = first; k < i; k++)
            if (t[k].len == t[i].len && strncasecmp(t[k].s, t[i].s, t[i].len) == 0) {
                rc = fail(why, CODES_ERR_SYNTAX, "repeats the variant ", t[i], "");
                goto done;
            }
        put(out, t[i], 'l');
    }
    /* extensions: a singleton (not x) and one or more 2-8 character subtags; singletons unique */
    bool singleton_seen[36] = {false};
    while (i < n && t[i].len == 1 && lower(t[i].s[0]) != 'x') {
        char c = lower(t[i].s[0]);
        int slot = is_digit(c) ? c - '0' : 10 + (c - 'a');
        if (singleton_seen[slot]) {
            rc = fail(why, CODES_ERR_SYNTAX, "repeats the extension ", t[i], "");
            goto done;
        }
        singleton_seen[slot] = true;
        put(out, t[i++], 'l');
        size_t body = 0;
        for (; i < n && t[i].len >= 2; i++, body++)
            put(out, t[i], 'l');
        if (body == 0) {
            rc = fail(why, CODES_ERR_SYNTAX, "has an empty extension ", t[i - 1], "");
            goto done;
        }
    }
    /* private use: x and one or more 1-8 character subtags, to the end */
    if (i < n && t[i].len == 1 && lower(t[i].s[0]) == 'x') {
        if (i + 1 == n) {
            rc = fail(why, CODES_ERR_SYNTAX, "has an empty private-use part ", t[i], "");
            goto done;
        }
        for (; i < n; i++)
            put(out, t[i], 'l');
    }
    if (i < n) {
        rc = fail(why, CODES_ERR_SYNTAX, "has ", t[i], " where BCP 47 allows no such subtag");
        goto done;
    }
done:
    if (rc == CODES_OK && canonical)
        buf_add(canonical, scratch.data ? scratch.data : "", scratch.len);
    buf_free(&scratch);
    return rc;
}
