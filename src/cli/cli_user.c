/*
 * `vodgate user add|passwd|list`: accounts from the command line, for the
 * first staff and for scripts, through the same operations as the API
 * (app/users.h), as the system. Passwords come from standard input when it
 * is not a terminal (one line), or from a prompt without echo when it is.
 * Exit codes: 2 for what was typed wrong, 1 for anything else refused.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "app/users.h"
#include "base/now.h"
#include "base/secret.h"
#include "cli/cli.h"
#include "store/store.h"

static const char user_help[] =
    "usage: vodgate user add EMAIL --role ROLE [--name NAME] [--partner ID]\n"
    "       vodgate user passwd EMAIL\n"
    "       vodgate user list\n"
    "common options: --data DIR (./var) [VODGATE_DATA], --database URL [VODGATE_DATABASE]\n"
    "\n"
    "ROLE is one of admin, cam, pim, pom, plm, commercial, partner, posthouse;\n"
    "partner and posthouse users need --partner ID (their organisation).\n"
    "The password is read from standard input when it is not a terminal (first line),\n"
    "else asked for twice without echo. At least 10 characters.\n";

/* Reads a password into out. Returns 0, or -1 with a message printed. */
static int read_password(char *out, size_t len)
{
    if (!isatty(STDIN_FILENO)) {
        if (!fgets(out, (int)len, stdin)) {
            fprintf(stderr, "vodgate user: no password on standard input\n");
            return -1;
        }
        out[strcspn(out, "\r\n")] = '\0';
        return 0;
    }
    char again[1100];
    for (int round = 0; round < 2; round++) {
        char *dst = round ? again : out;
        size_t dst_len = round ? sizeof again : len;
        fprintf(stderr, round ? "again: " : "password: ");
        struct termios old, quiet;
        tcgetattr(STDIN_FILENO, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        char *got = fgets(dst, (int)dst_len, stdin);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
        if (!got)
            return -1;
        dst[strcspn(dst, "\r\n")] = '\0';
    }
    if (strcmp(out, again) != 0) {
        fprintf(stderr, "vodgate user: the two passwords differ\n");
        return -1;
    }
    return 0;
}

/* The exit code of a refused or failed operation, after printing why. */
static int refused(struct op *o, int rc)
{
    bool invalid = rc == OP_REFUSED && o->err.kind == OP_INVALID;
    fprintf(stderr, "vodgate user: %s\n",
            rc == OP_REFUSED ? buf_str(&o->err.message) : "the store failed");
    return invalid ? 2 : 1;
}

static int user_add(struct store *store, const char *email, const char *role, const char *name,
                    int64_t partner_id)
{
    char password[1100];
    if (read_password(password, sizeof password) < 0)
        return 1;
    struct arena a = {0};
    struct db *db = store_get(store);
    struct op o;
    op_init(&o, db, &a, now_get(), NULL, NULL);
    struct user_new in = {email, name, role_parse(role), password, partner_id, "cli"};
    struct user u;
    int rc = users_create(&o, &in, &u, NULL);
    if (rc == 0)
        printf("added %s (%s), id %lld\n", u.email, role_name(u.role), (long long)u.id);
    else
        rc = refused(&o, rc);
    op_free(&o);
    store_put(store, db);
    arena_free(&a);
    return rc;
}

static int user_passwd(struct store *store, const char *email)
{
    char password[1100];
    if (read_password(password, sizeof password) < 0)
        return 1;
    struct arena a = {0};
    struct db *db = store_get(store);
    struct op o;
    op_init(&o, db, &a, now_get(), NULL, NULL);
    int rc = users_reset_password(&o, email, password);
    if (rc == 0)
        printf("password of %s changed\n", email);
    else
        rc = refused(&o, rc);
    op_free(&o);
    store_put(store, db);
    arena_free(&a);
    return rc;
}

static int user_list(struct store *store)
{
    struct arena a = {0};
    struct db *db = store_get(store);
    struct op o;
    op_init(&o, db, &a, now_get(), NULL, NULL);
    json_t *list = NULL;
    int rc = users_list(&o, &list);
    if (rc == 0) {
        size_t i;
        json_t *u;
        json_array_foreach(json_object_get(list, "users"), i, u) {
            printf("%-6lld %-32s %-10s %s\n",
                   (long long)json_integer_value(json_object_get(u, "id")),
                   json_string_value(json_object_get(u, "email")),
                   json_string_value(json_object_get(u, "role")),
                   json_string_value(json_object_get(u, "name")));
        }
        json_decref(list);
    } else {
        rc = refused(&o, rc);
    }
    op_free(&o);
    store_put(store, db);
    arena_free(&a);
    return rc;
}

int cli_user(int argc, char **argv)
{
    static const struct option opts[] = {
        {"role", required_argument, 0, 'r'},
        {"name", required_argument, 0, 'n'},
        {"partner", required_argument, 0, 'p'},
        {"data", required_argument, 0, 'd'},
        {"database", required_argument, 0, 'u'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *role = NULL, *name = NULL, *data = cli_env("DATA", "./var");
    const char *database = cli_env("DATABASE", NULL);
    int64_t partner = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            role = optarg;
            break;
        case 'n':
            name = optarg;
            break;
        case 'p':
            partner = atoll(optarg);
            break;
        case 'd':
            data = optarg;
            break;
        case 'u':
            database = optarg;
            break;
        case 'h':
            fputs(user_help, stdout);
            return 0;
        default:
            fputs(user_help, stderr);
            return 2;
        }
    }
    const char *verb = optind < argc ? argv[optind] : NULL;
    const char *email = optind + 1 < argc ? argv[optind + 1] : NULL;
    bool ok = verb && ((!strcmp(verb, "add") && email && role) ||
                       (!strcmp(verb, "passwd") && email) || !strcmp(verb, "list"));
    if (!ok) {
        fputs(user_help, stderr);
        return 2;
    }
    if (secret_init() < 0)
        die("libsodium could not start");
    struct store *store;
    char *err = NULL;
    if (store_open(database, data, &store, &err) < 0) {
        fprintf(stderr, "vodgate: %s\n", err);
        free(err);
        return 1;
    }
    int rc = 0;
    if (!strcmp(verb, "add")) {
        rc = user_add(store, email, role, name, partner);
    } else if (!strcmp(verb, "passwd")) {
        rc = user_passwd(store, email);
    } else {
        rc = user_list(store);
    }
    store_close(store);
    return rc;
}
