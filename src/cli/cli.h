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
 * The Authorization header line for token: "Authorization: Bearer TOKEN"
 * (an API token, or a transfer credential's secret), or with user (a
 * transfer credential's username, the partner alias) HTTP Basic of
 * user:token. malloc'd.
 */
char *cli_auth_header(const char *user, const char *token);
/*
 * Parses the options every store command takes (--data, --database, --help).
 * Returns the index of the first operand, -1 after printing the help (exit
 * 0), or -2 after a usage error (exit 2).
 */
int cli_store_args(int argc, char **argv, const char *help, const char **data,
                   const char **database);
/*
 * Takes the embedded database's data directory for this process alone (an
 * flock on DIR/serve.lock, held until exit, released by the kernel when the
 * process dies, kill -9 too), creating the directory 0700 if needed. A second
 * `vodgate serve` on the same directory is refused: two servers on one SQLite
 * file would each run the clocks, the mail and the validation jobs. Prints
 * why and returns -1 when the directory is taken.
 */
int cli_lock_data_dir(const char *data);
/*
 * Loads the installation's sealing key (base/secret.h): VODGATE_SECRET_FILE,
 * or DATA/secret.key, created when missing. Every process that queues or
 * sends invitation mail loads it; the processes of one installation must
 * share the file. Prints why and returns -1 when it cannot be read.
 */
int cli_load_key(const char *data);
/* True when argv holds -h or --help. */
int cli_wants_help(int argc, char **argv);

#define VODGATE_VERSION "0.1.0"

#endif
