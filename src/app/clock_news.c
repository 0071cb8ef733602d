/*
 * Paused and resumed clocks, told to the partner: see clock_news.h.
 *
 * The callers collect the clocks as they change them (the deadline before a
 * pause is only known before it: a paused clock has no due instant), and
 * send one message per item and change, whatever the number of its clocks.
 */
#include "app/clock_news.h"

#include <stdbool.h>
#include <string.h>

#include "app/lifecycle_steps.h"
#include "core/deadline.h"

void clock_news_add(struct op *o, const struct partner *p, const struct clock_row *c, int64_t due,
                    json_t *list)
{
    const struct deadline_kind *k = deadline_kind(c->kind);
    json_array_append_new(list, json_pack("{s:s, s:s, s:I}", "what", k ? k->long_label : c->kind,
                                          "due", lifecycle_due_words(o, p, due), "id",
                                          (json_int_t)c->id));
}

int clock_news_send(struct op *o, const struct partner *p, const char *subject, json_t *list,
                    const char *reason)
{
    if (!json_array_size(list))
        return 0;
    int rc = 0;
    if (!reason) {
        /* the resumed message names the new deadline: no "due soon" on top of it */
        size_t i;
        json_t *c;
        json_array_foreach(list, i, c) {
            struct clock_row row;
            bool claimed;
            int64_t id = json_integer_value(json_object_get(c, "id"));
            if ((rc = store_clock_get(o->db, o->a, id, &row)) < 0)
                return rc;
            if (!strcmp(row.state, "running") && row.due_at - o->now <= DEADLINE_SOON_LEAD &&
                (rc = store_clock_claim_soon(o->db, id, &claimed)) < 0)
                return rc;
        }
    }
    int64_t rid = lifecycle_subject_request(subject);
    json_t *vars = json_pack("{s:s, s:O}", "item", lifecycle_subject_words(o, p, subject),
                             "clocks", list);
    if (rid)
        json_object_set_new(vars, "link",
                            json_string(arena_printf(o->a, "%s/requests/%lld", o->base_url,
                                                     (long long)rid)));
    if (reason)
        json_object_set_new(vars, "reason", json_string(reason));
    rc = lifecycle_send_partner(o, p, reason ? "clock_paused" : "clock_resumed", vars);
    json_decref(vars);
    return rc;
}
