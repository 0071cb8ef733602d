/*
 * Small helpers shared by the subcommands.
 */
#include <getopt.h>
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

int cli_store_args(int argc, char **argv, const char *help, const char **data,
                   const char **database)
{
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"database", required_argument, 0, 'u'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    *data = cli_env("DATA", "./var");
    *database = cli_env("DATABASE", NULL);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            *data = optarg;
            break;
        case 'u':
            *database = optarg;
            break;
        case 'h':
            fputs(help, stdout);
            return -1;
        default:
            fputs(help, stderr);
            return -2;
        }
    }
    return optind;
}
