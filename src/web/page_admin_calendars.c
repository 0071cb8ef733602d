/*
 * /admin/calendars: the admin's page for business calendars (SPEC 5 and 7).
 * Each calendar shows its zone, working week, covered years and holidays in
 * an edit form; the admin creates a calendar, edits one (the clocks running
 * on it are recomputed: app/calendars.c says how many moved) and imports
 * holidays from an iCalendar file (static/admin.js reads the chosen file
 * into the form's text field; without JavaScript its text can be pasted).
 * Every action is the API's operation (calendars_create, calendars_update,
 * calendars_import_ics).
 *
 * Holidays are edited as lines "YYYY-MM-DD name"; working days as ISO
 * weekday checkboxes (1 = Monday).
 */
#include <stdlib.h>
#include <string.h>

#include "app/calendars.h"
#include "web/pages.h"
#include "web/web.h"

static const char *const day_names[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

/* One calendar's view as the page shows it. */
static json_t *calendar_vm(struct req *r, const json_t *c)
{
    json_t *days = json_array();
    const json_t *wd = json_object_get(c, "working_days");
    struct buf names = {0};
    for (int d = 1; d <= 7; d++) {
        bool on = false;
        size_t i;
        json_t *v;
        json_array_foreach(wd, i, v) on |= json_integer_value(v) == d;
        json_array_append_new(days, json_pack("{s:i, s:s, s:b}", "n", d, "day", day_names[d - 1],
                                              "on", on));
        if (on) {
            if (names.len)
                buf_puts(&names, ", ");
            buf_puts(&names, day_names[d - 1]);
        }
    }
    struct buf hol = {0};
    size_t i, n_hol = 0;
    json_t *h;
    json_array_foreach(json_object_get(c, "holidays"), i, h) {
        const char *date = json_string_value(json_object_get(h, "date"));
        const char *name = json_string_value(json_object_get(h, "name"));
        if (!date)
            continue;
        buf_printf(&hol, "%s%s%s\n", date, name && *name ? " " : "", name ? name : "");
        n_hol++;
    }
    const json_t *years = json_object_get(c, "years");
    json_t *o = json_pack(
        "{s:O, s:O, s:O, s:o, s:s, s:I, s:I, s:s, s:I}", "id", json_object_get(c, "id"), "name",
        json_object_get(c, "name"), "time_zone", json_object_get(c, "time_zone"), "days", days,
        "days_text", names.len ? buf_str(&names) : "none", "first",
        json_integer_value(json_array_get(years, 0)), "last",
        json_integer_value(json_array_get(years, 1)), "holidays_text", hol.len ? buf_str(&hol) : "",
        "n_holidays", (json_int_t)n_hol);
    buf_free(&names);
    buf_free(&hol);
    (void)r;
    return o;
}

void page_admin_calendars(struct req *r)
{
    json_t *vm = json_pack("{s:s, s:s}", "title", "Business calendars", "csrf",
                           r->csrf ? r->csrf : "");
    struct op o;
    json_t *ans = NULL;
    req_op_init(r, &o);
    if (!page_op_done(r, &o, calendars_list(&o, &ans))) {
        json_decref(vm);
        return;
    }
    json_t *list = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(ans, "calendars"), i, c)
        json_array_append_new(list, calendar_vm(r, c));
    json_decref(ans);
    json_object_set_new(vm, "calendars", list);
    json_object_set_new(vm, "n_calendars", json_integer((json_int_t)json_array_size(list)));
    json_t *days = json_array();
    for (int d = 1; d <= 7; d++)
        json_array_append_new(days, json_pack("{s:i, s:s, s:b}", "n", d, "day", day_names[d - 1],
                                              "on", d <= 5));
    json_object_set_new(vm, "new_days", days);
    page_render(r, 200, "admin_calendars", vm);
}

/* The checked working days of the form as [1..7] (a new reference). */
static json_t *form_days(struct req *r)
{
    json_t *v = json_object_get(r->form, "working_days"), *out = json_array();
    json_t *one = json_is_string(v) ? json_pack("[O]", v) : json_incref(v);
    size_t i;
    json_t *d;
    json_array_foreach(one, i, d) {
        const char *s = json_string_value(d);
        if (s && *s)
            json_array_append_new(out, json_integer(strtoll(s, NULL, 10)));
    }
    json_decref(one);
    return out;
}

/* The holidays text ("YYYY-MM-DD name" per line) as [{date, name}] (a new reference). */
static json_t *form_holidays(const char *text)
{
    json_t *out = json_array();
    while (text && *text) {
        const char *end = strchr(text, '\n');
        size_t len = end ? (size_t)(end - text) : strlen(text);
        while (len && (text[len - 1] == '\r' || text[len - 1] == ' '))
            len--;
        while (len && (*text == ' ' || *text == '\t')) {
            text++;
            len--;
        }
        if (len) {
            size_t dl = 0;
            while (dl < len && text[dl] != ' ' && text[dl] != '\t')
                dl++;
            json_t *h = json_object();
            json_object_set_new(h, "date", json_stringn(text, dl));
            size_t ns = dl;
            while (ns < len && (text[ns] == ' ' || text[ns] == '\t'))
                ns++;
            json_object_set_new(h, "name", json_stringn(text + ns, len - ns));
            json_array_append_new(out, h);
        }
        text = end ? end + 1 : NULL;
    }
    return out;
}

void page_admin_calendars_post(struct req *r)
{
    const char *what = page_field(r, "do");
    const char *id_s = page_field(r, "calendar");
    int64_t id = id_s ? strtoll(id_s, NULL, 10) : 0;
    const char *back =
        id ? arena_printf(&r->arena, "/admin/calendars#calendar-%lld", (long long)id)
           : "/admin/calendars";
    struct op o;
    json_t *out = NULL;
    int rc;
    req_op_init(r, &o);
    if (what && (!strcmp(what, "create") || !strcmp(what, "update"))) {
        const char *first = page_field(r, "first"), *last = page_field(r, "last");
        json_t *days = form_days(r);
        json_t *years = json_pack("[I, I]", (json_int_t)(first ? strtoll(first, NULL, 10) : 0),
                                  (json_int_t)(last ? strtoll(last, NULL, 10) : 0));
        json_t *hols = form_holidays(page_field(r, "holidays"));
        struct calendar_fields f = {page_field(r, "name"), page_field(r, "time_zone"), days, years,
                                    hols};
        bool create = !strcmp(what, "create");
        rc = create ? calendars_create(&o, &f, &out) : calendars_update(&o, id, &f, &out);
        if (rc == 0 && create)
            back = arena_printf(&r->arena, "/admin/calendars#calendar-%lld",
                                (long long)json_integer_value(json_object_get(out, "id")));
        const char *ok =
            create ? "The calendar was created."
                   : arena_printf(&r->arena,
                                  "The calendar was saved; %lld running clock%s moved.",
                                  (long long)json_integer_value(json_object_get(out, "clocks_moved")),
                                  json_integer_value(json_object_get(out, "clocks_moved")) == 1
                                      ? ""
                                      : "s");
        page_op_redirect(r, &o, rc, back, ok);
        json_decref(days);
        json_decref(years);
        json_decref(hols);
    } else if (what && !strcmp(what, "ics")) {
        const char *ics = page_field(r, "ics");
        rc = calendars_import_ics(&o, id, ics ? ics : "", ics ? strlen(ics) : 0, &out);
        page_op_redirect(r, &o, rc, back, "The holidays of the file were added.");
    } else {
        op_free(&o);
        page_error(r, 400, "This form asks for something the calendars page does not do.");
    }
    json_decref(out);
}
