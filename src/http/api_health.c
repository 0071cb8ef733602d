/*
 * Liveness for load balancers and tests: answers without signing in and
 * touches the database, so "ok" means the server can serve.
 */
#include "http/api.h"

void api_healthz(struct req *r)
{
    reply_json(
        r, 200,
        json_pack("{s:s, s:i}", "status", "ok", "schema", store_schema_version(r->conf->store)));
}
