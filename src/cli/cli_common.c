/*
 * Small helpers shared by the subcommands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const char *cli_env(const char *name, const char *dflt)
{
    char key[64];
    snprintf(key, sizeof key, "VODGATE_%s", name);
    const char *v = getenv(key);
    return v && *v ? v : dflt;
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
    return 0;
}
