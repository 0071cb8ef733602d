/*
 * The subcommands of build/vodgate. Each takes its own argv (argv[0] is the
 * subcommand's name), prints its --help, and returns the process exit code.
 */
#ifndef VG_CLI_H
#define VG_CLI_H

int cli_serve(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_version(int argc, char **argv);
int cli_routes(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_deliver(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_status(int argc, char **argv);
int cli_upload(int argc, char **argv);
int cli_validate(int argc, char **argv);
int cli_demo(int argc, char **argv);

/* The value of environment variable VODGATE_<name>, or dflt. */
const char *cli_env(const char *name, const char *dflt);
/*
 * Parses the options every store command takes (--data, --database, --help).
 * Returns the index of the first operand, -1 after printing the help (exit
 * 0), or -2 after a usage error (exit 2).
 */
int cli_store_args(int argc, char **argv, const char *help, const char **data,
                   const char **database);
/* True when argv holds -h or --help. */
int cli_wants_help(int argc, char **argv);

#define VODGATE_VERSION "0.1.0"

#endif
