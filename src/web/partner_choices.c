/*
 * The partners a staff form offers in a <select> (the planner, the outbox
 * filter): at most max of them, read in one pass that stops at max (so ten
 * thousand partners cost max rows, never all), sorted by name; the partner
 * already chosen is always among them, even past the cap. Staff only: an
 * organisation's user gets an empty list.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "web/web.h"

struct choice {
    int64_t id;
    const char *name, *stage;
};

struct gather {
    struct req *r;
    struct choice *items;
    int n, max;
    bool more;
};

static int gather_one(const struct partner *p, void *arg)
{
    struct gather *g = arg;
    if (g->n == g->max) {
        g->more = true;
        return 1;
    }
    g->items[g->n++] = (struct choice){p->id, p->name, p->stage};
    return 0;
}

static int by_name(const void *a, const void *b)
{
    const struct choice *x = a, *y = b;
    int c = strcasecmp(x->name, y->name);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

json_t *web_partner_choices(struct req *r, int64_t selected, int max, bool *more)
{
    json_t *list = json_array();
    *more = false;
    if (role_is_org(r->who.role) || max < 1)
        return list;
    struct gather g = {r, arena_alloc(&r->arena, (size_t)(max + 1) * sizeof(struct choice)), 0, max,
                       false};
    if (store_partner_each(req_db(r), &r->arena, NULL, 0, gather_one, &g) < 0)
        return list;
    bool have = selected == 0;
    for (int i = 0; i < g.n && !have; i++)
        have = g.items[i].id == selected;
    struct partner p;
    if (!have && store_partner_get(req_db(r), &r->arena, selected, &p) == 0)
        g.items[g.n++] = (struct choice){p.id, p.name, p.stage};
    qsort(g.items, (size_t)g.n, sizeof *g.items, by_name);
    for (int i = 0; i < g.n; i++)
        json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:b}", "id",
                                              (json_int_t)g.items[i].id, "name", g.items[i].name,
                                              "stage", g.items[i].stage, "stage_label",
                                              web_stage_label(g.items[i].stage), "selected",
                                              g.items[i].id == selected));
    *more = g.more;
    return list;
}
