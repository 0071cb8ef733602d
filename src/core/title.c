/*
 * Titles: see title.h. The readiness rule is one function of its inputs,
 * so the API test and the unit test see the same words.
 */
#include "core/title.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int title_id_normalise(const char *id, char *out, size_t cap)
{
    if (cap)
        out[0] = '\0';
    if (!id)
        return 0;
    while (is_space(*id))
        id++;
    size_t n = strlen(id);
    while (n && is_space(id[n - 1]))
        n--;
    if (n + 1 > cap)
        return -1;
    for (size_t i = 0; i < n; i++)
        out[i] = id[i] >= 'A' && id[i] <= 'Z' ? (char)(id[i] - 'A' + 'a') : id[i];
    out[n] = '\0';
    return (int)n;
}

int title_key(const char *alid, const char *content_id, char *out, size_t cap)
{
    char norm[TITLE_ID_MAX + 1];
    const char *prefix = "alid:";
    int n = title_id_normalise(alid, norm, sizeof norm);
    if (n == 0) {
        prefix = "cid:";
        n = title_id_normalise(content_id, norm, sizeof norm);
    }
    if (n <= 0)
        return n;
    int w = snprintf(out, cap, "%s%s", prefix, norm);
    return w < 0 || (size_t)w >= cap ? -1 : w;
}

static const char *const kind_names[TA_N] = {
    [TA_VIDEO] = "video",       [TA_AUDIO] = "audio",       [TA_CAPTIONS] = "captions",
    [TA_ARTWORK] = "artwork",   [TA_METADATA] = "metadata",
};

const char *title_asset_kind_name(enum title_asset_kind k)
{
    return k < TA_N ? kind_names[k] : "";
}

int title_asset_kind_parse(const char *name, enum title_asset_kind *out)
{
    for (int i = 0; name && i < TA_N; i++)
        if (!strcmp(name, kind_names[i])) {
            *out = (enum title_asset_kind)i;
            return 0;
        }
    return -1;
}

static int parse_need(json_t *j, struct title_need *out, struct buf *err)
{
    memset(out, 0, sizeof *out);
    const char *kind = json_string_value(json_object_get(j, "kind"));
    if (title_asset_kind_parse(kind, &out->kind) < 0) {
        buf_printf(err, "unknown asset kind \"%s\" (video, audio, captions, artwork, metadata)",
                   kind ? kind : "");
        return -1;
    }
    const char *lang = json_string_value(json_object_get(j, "language"));
    if (lang && strlen(lang) >= sizeof out->language) {
        buf_printf(err, "language \"%s\" is too long", lang);
        return -1;
    }
    if (lang)
        snprintf(out->language, sizeof out->language, "%s", lang);
    return 0;
}

int title_profile_parse(const char *json_text, struct title_profile *out, struct buf *err)
{
    memset(out, 0, sizeof *out);
    out->lead_days = 14;
    json_error_t je;
    json_t *root = json_loads(json_text, 0, &je);
    int rc = -1;
    if (!json_is_object(root)) {
        buf_printf(err, "the title profile is not a JSON object (%s)", je.text);
        goto end;
    }
    json_t *lead = json_object_get(root, "lead_days");
    if (lead) {
        if (!json_is_integer(lead) || json_integer_value(lead) < 0 ||
            json_integer_value(lead) > 365) {
            buf_puts(err, "lead_days must be a whole number of days from 0 to 365");
            goto end;
        }
        out->lead_days = (int)json_integer_value(lead);
    }
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(root, "required"), i, v) {
        if (out->n_needs == TITLE_PROFILE_NEEDS) {
            buf_puts(err, "too many requirements");
            goto end;
        }
        if (parse_need(v, &out->needs[out->n_needs++], err) < 0)
            goto end;
    }
    const char *terr;
    json_t *list;
    json_object_foreach(json_object_get(root, "territories"), terr, list) {
        if (out->n_territories == TITLE_PROFILE_TERRITORIES || strlen(terr) > 3) {
            buf_printf(err, "territory \"%s\": too many territories, or not a code", terr);
            goto end;
        }
        int t = out->n_territories++;
        snprintf(out->territories[t].territory, sizeof out->territories[t].territory, "%s", terr);
        json_array_foreach(list, i, v) {
            if (out->territories[t].n_needs == 4) {
                buf_printf(err, "territory %s: at most 4 requirements", terr);
                goto end;
            }
            if (parse_need(v, &out->territories[t].needs[out->territories[t].n_needs++], err) < 0)
                goto end;
        }
    }
    rc = 0;
end:
    json_decref(root);
    return rc;
}

/* "fr" matches "fr", "fr-FR", "FR-ca"; "" and NULL match nothing. */
static bool language_matches(const char *want, const char *have)
{
    if (!want || !*want || !have || !*have)
        return false;
    size_t n = strlen(want);
    return strncasecmp(want, have, n) == 0 && (have[n] == '\0' || have[n] == '-');
}

static const struct {
    const char *tag, *words;
} languages[] = {
    {"ar", "Arabic"},   {"da", "Danish"},  {"de", "German"},     {"en", "English"},
    {"es", "Spanish"},  {"fi", "Finnish"}, {"fr", "French"},     {"hi", "Hindi"},
    {"it", "Italian"},  {"ja", "Japanese"}, {"ko", "Korean"},    {"nl", "Dutch"},
    {"no", "Norwegian"}, {"pl", "Polish"}, {"pt", "Portuguese"}, {"ru", "Russian"},
    {"sv", "Swedish"},  {"tr", "Turkish"}, {"zh", "Chinese"},
};

const char *title_language_words(const char *tag)
{
    for (size_t i = 0; tag && i < sizeof languages / sizeof languages[0]; i++)
        if (language_matches(languages[i].tag, tag) && strlen(tag) <= 3)
            return languages[i].words;
    for (size_t i = 0; tag && i < sizeof languages / sizeof languages[0]; i++)
        if (language_matches(languages[i].tag, tag))
            return languages[i].words;
    return tag ? tag : "";
}

static void sep(struct buf *why)
{
    if (why->len)
        buf_puts(why, "; ");
}

/* Checks one need; appends its reason when not met. */
static bool need_met(const struct title_need *need, const char *original,
                     const struct title_asset *assets, size_t n_assets, struct buf *why)
{
    const char *lang = need->language[0] ? need->language : NULL;
    if (lang && !strcmp(lang, "original"))
        lang = original && *original ? original : NULL;
    const struct title_asset *failed = NULL;
    for (size_t i = 0; i < n_assets; i++) {
        const struct title_asset *a = &assets[i];
        if (a->kind != need->kind || (lang && !language_matches(lang, a->language)))
            continue;
        if (a->passed)
            return true;
        if (!failed || a->delivery_id > failed->delivery_id)
            failed = a;
    }
    char words[64] = "";
    if (lang)
        snprintf(words, sizeof words, "%s ", title_language_words(lang));
    const char *kind = title_asset_kind_name(need->kind);
    sep(why);
    if (failed)
        buf_printf(why, "%s%s failed (delivery %lld)", words, kind, (long long)failed->delivery_id);
    else
        buf_printf(why, "no %s%s", words, kind);
    return false;
}

static void day_text(int64_t t, char out[static 16])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

bool title_readiness(const struct title_profile *p, const char *territory,
                     const char *original_language, const struct title_asset *assets,
                     size_t n_assets, const struct title_window_span *windows, size_t n_windows,
                     int64_t now, bool *assets_ok, int64_t *window_start, struct buf *why)
{
    bool ok = true;
    for (int i = 0; i < p->n_needs; i++)
        ok = need_met(&p->needs[i], original_language, assets, n_assets, why) && ok;
    for (int t = 0; t < p->n_territories; t++)
        if (territory && !strcasecmp(p->territories[t].territory, territory))
            for (int i = 0; i < p->territories[t].n_needs; i++)
                ok = need_met(&p->territories[t].needs[i], original_language, assets, n_assets,
                              why) &&
                     ok;
    *assets_ok = ok;
    /* the window that counts: the earliest one not ended whose end is ahead */
    const struct title_window_span *w = NULL;
    for (size_t i = 0; i < n_windows; i++) {
        const struct title_window_span *x = &windows[i];
        if (x->ended || (x->end && x->end <= now))
            continue;
        if (!w || x->start < w->start)
            w = x;
    }
    *window_start = w ? w->start : 0;
    if (!w) {
        sep(why);
        buf_printf(why, "no open window in %s", territory ? territory : "this territory");
        ok = false;
    } else if (w->start > now + (int64_t)p->lead_days * 86400) {
        char day[16];
        day_text(w->start, day);
        sep(why);
        buf_printf(why, "the window opens on %s, more than %d days ahead", day, p->lead_days);
        ok = false;
    }
    return ok;
}
