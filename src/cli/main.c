/*
 * build/vodgate: one binary, one subcommand per job.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} commands[] = {
    {"serve", cli_serve, "run the portal, the API and the background work"},
    {"migrate", cli_migrate, "bring the database schema up to date, then exit"},
    {"user", cli_user, "add, list users and set passwords (user add|passwd|list)"},
    {"version", cli_version, "print the version, schema and tz database versions"},
    {"upload", cli_upload, "send a file to a vodgate server, resumably (tus)"},
    {"validate", cli_validate, "check delivery files offline with the server's rules (pre-flight)"},
    {"deliver", cli_deliver, "upload files and deliver them (resumable), then show the receipt"},
    {"backup", cli_backup, "write a consistent copy of the embedded database"},
    {"status", cli_status, "partners by stage, clocks, jobs and messages of an installation"},
    {"export", cli_export, "print partners, clocks, the audit log or scorecards as CSV"},
    {"demo", cli_demo, "seed demo data: staff, partners in every stage, deliveries"},
    {"routes", cli_routes, "print the route table as JSON (a test hook)"},
};

static void usage(FILE *f)
{
    fprintf(f,
            "vodgate %s: partner onboarding and content delivery for video-on-demand\n\n"
            "usage: vodgate COMMAND [OPTIONS]\n\ncommands:\n",
            VODGATE_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'vodgate COMMAND --help' tells more about each.\n");
}

int main(int argc, char **argv)
{
    /* Everything vodgate creates (database, uploads, work files, backups, a library's temporary
     * files) is for the user it runs as: see "What is stored" in docs/operations.md. */
    umask(077);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version"))
        return cli_version(1, argv + 1);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "vodgate: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
