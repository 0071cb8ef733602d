/*
 * /posthouses: the directory of onboarded posthouses (SPEC section 3), for
 * every signed-in user, as app/partners.c gives it (the view GET
 * /api/v1/posthouses answers with): what each can deliver (its approved
 * formats, by family), whom to contact, its time zone and the time there
 * now. A GET form narrows the list by name and by the formats a posthouse
 * must deliver, all of them (core/formats.h: no format implies another), so
 * a partner or a pim sees at once which posthouses fit.
 */
#include <string.h>
#include <strings.h>

#include "app/op.h"
#include "app/posthouses.h"
#include "base/now.h"
#include "core/formats.h"
#include "web/pages.h"
#include "web/web.h"

static const char *const family_labels[FORMAT_N_FAMILIES] = {"Resolution", "Dynamic range", "Audio",
                                                             "Captions"};

/* The checkbox name of a format: "f_" and its canonical name. */
static const char *box_name(struct req *r, const struct format_def *d)
{
    return arena_printf(&r->arena, "f_%s", d->name);
}

/* True when s contains q, ignoring ASCII case. */
static bool contains(const char *s, const char *q)
{
    size_t n = strlen(q);
    for (; s && *s; s++)
        if (!strncasecmp(s, q, n))
            return true;
    return false;
}

/* The filter form: a fieldset per family with a checkbox per format. */
static json_t *families(struct req *r, struct format_set *need)
{
    size_t n;
    const struct format_def *all = formats_all(&n);
    json_t *fams = json_array();
    for (int f = 0; f < FORMAT_N_FAMILIES; f++) {
        json_t *boxes = json_array();
        for (size_t i = 0; i < n; i++) {
            if (all[i].family != (enum format_family)f)
                continue;
            const char *name = box_name(r, &all[i]);
            bool on = req_query(r, name) != NULL;
            if (on)
                format_set_add(need, all[i].name);
            json_array_append_new(boxes,
                                  json_pack("{s:s, s:s, s:s, s:s, s:b}", "field", name, "id",
                                            arena_printf(&r->arena, "fmt-%d-%zu", f, i), "name",
                                            all[i].name, "label", all[i].label, "checked", on));
        }
        json_array_append_new(fams,
                              json_pack("{s:s, s:o}", "label", family_labels[f], "formats", boxes));
    }
    return fams;
}

/* A posthouse's formats grouped by family: [{family, formats: [{name, wanted}]}]. */
static json_t *delivers(const json_t *approved, const struct format_set *need)
{
    json_t *by[FORMAT_N_FAMILIES], *out = json_array(), *other = json_array();
    for (int f = 0; f < FORMAT_N_FAMILIES; f++)
        by[f] = json_array();
    size_t i;
    const json_t *v;
    json_array_foreach(approved, i, v) {
        const char *s = json_string_value(v);
        const struct format_def *d = s ? format_find(s) : NULL;
        if (d)
            json_array_append_new(by[d->family], json_pack("{s:s, s:b}", "name", d->name, "wanted",
                                                           format_set_has(need, d)));
        else if (s)
            json_array_append_new(other, json_pack("{s:s, s:b}", "name", s, "wanted", false));
    }
    for (int f = 0; f < FORMAT_N_FAMILIES; f++) {
        if (json_array_size(by[f]))
            json_array_append_new(
                out, json_pack("{s:s, s:o}", "family", family_labels[f], "formats", by[f]));
        else
            json_decref(by[f]);
    }
    if (json_array_size(other))
        json_array_append_new(out, json_pack("{s:s, s:o}", "family", "Other", "formats", other));
    else
        json_decref(other);
    return out;
}

void page_posthouses(struct req *r)
{
    struct op o;
    json_t *ans = NULL;
    req_op_init(r, &o);
    if (!page_op_done(r, &o, posthouses_directory(&o, &ans)))
        return;
    const char *q = req_query(r, "q");
    if (q && !*q)
        q = NULL;
    struct format_set need = {0};
    json_t *fams = families(r, &need);
    /* The names of the formats asked for, for the sentence above the list. */
    struct buf wanted = {0};
    size_t n_all;
    const struct format_def *all = formats_all(&n_all);
    for (size_t i = 0; i < n_all; i++) {
        if (!format_set_has(&need, &all[i]))
            continue;
        if (wanted.len)
            buf_puts(&wanted, ", ");
        buf_puts(&wanted, all[i].name);
    }
    json_t *rows = json_array();
    size_t i, total = json_array_size(json_object_get(ans, "posthouses"));
    json_t *ph;
    int64_t now = now_get();
    json_array_foreach(json_object_get(ans, "posthouses"), i, ph) {
        const json_t *approved = json_object_get(ph, "approved_formats");
        struct format_set have = {0};
        size_t j;
        const json_t *v;
        json_array_foreach(approved, j, v) {
            if (json_is_string(v))
                format_set_add(&have, json_string_value(v));
        }
        const char *name = json_string_value(json_object_get(ph, "name"));
        const char *alias = json_string_value(json_object_get(ph, "alias"));
        const char *email = json_string_value(json_object_get(ph, "contact_email"));
        if (!format_set_covers(&have, &need))
            continue;
        if (q && !contains(name, q) && !contains(alias, q) && !contains(email, q))
            continue;
        const char *zone = json_string_value(json_object_get(ph, "time_zone"));
        json_t *row = json_pack("{s:s, s:s, s:s, s:o}", "name", name ? name : "", "contact_email",
                                email ? email : "", "time_zone", zone ? zone : "UTC", "delivers",
                                delivers(approved, &need));
        if (alias)
            json_object_set_new(row, "alias", json_string(alias));
        json_object_set_new(row, "local_now", json_string(web_time(r, now, zone ? zone : "UTC")));
        json_array_append_new(rows, row);
    }
    size_t shown = json_array_size(rows);
    const char *summary;
    if (!total)
        summary = "No posthouse is onboarded yet.";
    else if (!wanted.len && !q)
        summary =
            arena_printf(&r->arena, "%zu onboarded posthouse%s.", total, total == 1 ? "" : "s");
    else
        summary = arena_printf(
            &r->arena, "%zu of %zu onboarded posthouses%s%s%s%s%s.", shown, total,
            wanted.len ? " deliver " : "", wanted.len ? buf_str(&wanted) : "",
            q ? (wanted.len ? " and match \"" : " match \"") : "", q ? q : "", q ? "\"" : "");
    json_t *vm =
        json_pack("{s:s, s:s, s:o, s:o, s:s, s:b, s:b, s:b}", "title", "Posthouses", "q",
                  q ? q : "", "families", fams, "posthouses", rows, "summary", summary, "filtered",
                  wanted.len || q, "org", role_is_org(r->who.role), "none_fit", total && !shown);
    json_object_set_new(vm, "n_shown", json_integer((json_int_t)shown));
    buf_free(&wanted);
    json_decref(ans);
    page_render(r, 200, "posthouses", vm);
}
