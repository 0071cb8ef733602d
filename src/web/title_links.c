/* Links into the catalogue: see title_links.h. Two counts, each a one-row read. */
#include "web/title_links.h"

#include "app/op.h"
#include "app/titles.h"
#include "web/web.h"

static int64_t count(struct req *r, int64_t partner_id, bool late, bool *ok)
{
    struct titles_query q = {partner_id, NULL, NULL, NULL, late, 1, 1};
    json_t *ans = NULL;
    struct op o;
    req_op_init(r, &o);
    *ok = titles_list(&o, &q, &ans) == 0;
    op_free(&o);
    int64_t n = *ok ? json_integer_value(json_object_get(ans, "total")) : 0;
    json_decref(ans);
    return n;
}

void title_links_partner_vm(struct req *r, json_t *vm, int64_t partner_id)
{
    bool ok;
    int64_t total = count(r, partner_id, false, &ok);
    if (!ok)
        return;
    int64_t late = total ? count(r, partner_id, true, &ok) : 0;
    json_object_set_new(
        vm, "titles_link",
        json_pack("{s:s, s:I, s:I, s:s}", "href",
                  arena_printf(&r->arena, "/titles?partner=%lld", (long long)partner_id), "total",
                  (json_int_t)total, "late", (json_int_t)late, "late_href",
                  arena_printf(&r->arena, "/titles?partner=%lld&late=1", (long long)partner_id)));
}
