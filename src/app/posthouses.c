/*
 * Posthouses that fit a partner: see posthouses.h. One pass over the
 * partners in steady state; a posthouse fits when the format set of its
 * approved formats covers the partner's intended one (core/formats.c).
 */
#include "app/posthouses.h"

#include "app/scope.h"
#include "core/formats.h"
#include "core/questionnaire.h"

struct fit_ctx {
    struct format_set need;
    json_t *list;
};

static int add_if_fits(const struct partner *ph, void *arg)
{
    struct fit_ctx *x = arg;
    if (!ph->posthouse)
        return 0;
    json_t *formats = json_loads(ph->approved_formats ? ph->approved_formats : "[]", 0, NULL);
    struct format_set have = {0};
    size_t i;
    json_t *f;
    json_array_foreach(formats, i, f) {
        if (json_is_string(f))
            format_set_add(&have, json_string_value(f));
    }
    if (format_set_covers(&have, &x->need))
        json_array_append_new(x->list,
                              json_pack("{s:I, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)ph->id,
                                        "name", ph->name, "contact_email", ph->contact_email,
                                        "time_zone", ph->time_zone, "alias",
                                        ph->alias ? json_string(ph->alias) : json_null(),
                                        "approved_formats", formats));
    else
        json_decref(formats);
    return 0;
}

int posthouses_fitting(struct op *o, const struct partner *p, json_t **out)
{
    struct fit_ctx x = {{0}, json_array()};
    if (p) {
        struct answers_row row;
        if (store_answers_get(o->db, o->a, p->id, &row) == 0) {
            json_t *answers = json_loads(row.answers, 0, NULL);
            questionnaire_intended_formats(answers, &x.need);
            json_decref(answers);
        }
    }
    int rc = store_partner_each(o->db, o->a, "steady_state", 0, add_if_fits, &x);
    if (rc < 0) {
        json_decref(x.list);
        return rc;
    }
    *out = x.list;
    return 0;
}

int posthouses_directory(struct op *o, json_t **out)
{
    *out = NULL;
    int rc = op_allow(o, ACT_POSTHOUSE_LIST, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    json_t *list;
    if ((rc = posthouses_fitting(o, NULL, &list)) < 0)
        return op_failed(o, rc);
    *out = json_pack("{s:o}", "posthouses", list);
    return 0;
}
