/*
 * The planner over the API: GET /api/v1/plan?target=DATE[&partner=ID]
 * [&channels=true][&time_zone=ZONE]. The answer is app/planner.c's: the
 * plan of core/planner.c for the partner (or a prospect), plus the onboarded
 * posthouses that fit the partner's intended formats. An empty argument (an
 * empty field of the portal's form) is an absent one.
 */
#include <stdlib.h>
#include <string.h>

#include "app/planner.h"
#include "http/api.h"

void api_plan(struct req *r)
{
    const char *pid_s = req_query(r, "partner"), *channels = req_query(r, "channels");
    if (pid_s && !*pid_s)
        pid_s = NULL;
    struct planner_query q = {req_query(r, "target"), pid_s != NULL,
                              pid_s ? strtoll(pid_s, NULL, 10) : 0,
                              channels && !strcmp(channels, "true"), req_query(r, "time_zone")};
    struct op o;
    json_t *out;
    req_op_init(r, &o);
    if (req_op_done(r, &o, planner_view(&o, &q, &out)))
        reply_json(r, 200, out);
}
