/*
 * The partners a staff form offers in a <select> (the planner, the outbox
 * filter): at most max of them, read in one pass that stops at max (so ten
 * thousand partners cost max rows, never all), sorted by name; the partner
 * already chosen is always among them, even past the cap. Staff only: an
 * organisation's user gets an empty list.
 */
#include "app/partners.h"
#include "web/web.h"

json_t *web_partner_choices(struct req *r, int64_t selected, int max, bool *more)
{
    json_t *list = json_array();
    struct partner_choice *items = NULL;
    int n = 0;
    struct op o;
    req_op_init(r, &o);
    int rc = partners_choices(&o, selected, max, &items, &n, more);
    op_free(&o);
    for (int i = 0; rc == 0 && i < n; i++)
        json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:b}", "id",
                                              (json_int_t)items[i].id, "name", items[i].name,
                                              "stage", items[i].stage, "stage_label",
                                              web_stage_label(items[i].stage), "selected",
                                              items[i].id == selected));
    return list;
}
