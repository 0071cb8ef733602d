/*
 * The small subcommands: migrate, version, and the routes test hook.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/zone.h"
#include "http/http.h"
#include "web/pages.h"
#include "store/store.h"

int cli_migrate(int argc, char **argv)
{
    static const char help[] =
        "usage: vodgate migrate [--data DIR] [--database URL]\n"
        "\nBrings the database schema up to date (serve does this too at start) and prints\n"
        "the schema version. Safe to run twice.\n";
    const char *data, *database;
    int first = cli_store_args(argc, argv, help, &data, &database);
    if (first < 0)
        return first == -1 ? 0 : 2;
    optind = first;
    struct store *store;
    char *err = NULL;
    if (store_open(database, data, &store, &err) < 0) {
        fprintf(stderr, "vodgate: %s\n", err);
        free(err);
        return 1;
    }
    printf("schema version %d\n", store_schema_version(store));
    store_close(store);
    return 0;
}

int cli_version(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs("usage: vodgate version\n\nPrints vodgate's version, the schema version it "
              "migrates to, and the tz database in use.\n",
              stdout);
        return 0;
    }
    printf("vodgate %s (schema %d, tzdata %s)\n", VODGATE_VERSION, store_latest_version(),
           zone_tzdata_version());
    return 0;
}

int cli_routes(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs("usage: vodgate routes\n\nPrints the route table as JSON: method, pattern, "
              "policy action, roles allowed,\nwhether it needs sign-in and CSRF, and the scope of "
              "its {id}. A test hook: the\nisolation test walks this list.\n",
              stdout);
        return 0;
    }
    json_t *list = json_array();
    web_register();
    for (int i = 0, n = http_n_routes(); i < n; i++) {
        const struct route *rt = http_route(i);
        char roles[128];
        role_mask_names(policy_roles(rt->action), roles, sizeof roles);
        json_array_append_new(
            list,
            json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:b}", "method", rt->method,
                      "pattern", rt->pattern, "action", policy_action_name(rt->action),
                      "roles", roles, "public", policy_is_public(rt->action), "csrf",
                      (rt->flags & ROUTE_CSRF) != 0, "scope", scope_name(rt->scope), "page",
                      (rt->flags & ROUTE_PAGE) != 0));
    }
    char *s = json_dumps(list, JSON_INDENT(1));
    puts(s);
    free(s);
    json_decref(list);
    return 0;
}
