/*
 * `vodgate user add|passwd|list`: accounts from the command line, for the
 * first staff and for scripts. Passwords come from standard input when it is
 * not a terminal (one line), or from a prompt without echo when it is.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/now.h"
#include "base/secret.h"
#include "cli/cli.h"
#include "core/account.h"
#include "core/signin.h"
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

static int user_add(struct store *store, const char *email_in, const char *role_s, const char *name,
                    int64_t partner_id)
{
    char email[256];
    if (signin_email_normalise(email_in, email, sizeof email) < 0) {
        fprintf(stderr, "vodgate user: '%s' is not an email address\n", email_in);
        return 2;
    }
    struct arena a = {0};
    struct db *db = store_get(store);
    int rc = 1;
    struct partner p = {0};
    int prc = partner_id ? store_partner_get(db, &a, partner_id, &p) : STORE_ERR_NOT_FOUND;
    char password[1100];
    if (read_password(password, sizeof password) < 0)
        goto done;
    struct account_problem why;
    if (!account_check(role_parse(role_s), partner_id, prc == STORE_OK, p.posthouse, password,
                       &why)) {
        fprintf(stderr, "vodgate user: %s\n", why.message);
        rc = 2;
        goto done;
    }
    char hash[SECRET_PWHASH_MAX];
    if (secret_password_hash(password, hash) < 0)
        goto done;
    struct user u = {0};
    u.email = email;
    u.name = (char *)(name ? name : email);
    u.role = role_parse(role_s);
    u.partner_id = partner_id;
    u.password_hash = hash;
    u.created_at = now_get();
    if (store_begin(db) < 0)
        goto done;
    int arc = store_user_add(db, &u, &u.id);
    if (arc == STORE_ERR_CONFLICT) {
        fprintf(stderr, "vodgate user: there is already a user with the email %s\n", email);
        goto done;
    }
    struct event e = {0};
    e.at = u.created_at;
    e.partner_id = partner_id;
    e.subject = arena_printf(&a, "user:%lld", (long long)u.id);
    e.action = "user.create";
    e.after = arena_printf(&a, "{\"email\":\"%s\",\"role\":\"%s\",\"via\":\"cli\"}", email,
                           role_name(u.role));
    if (arc < 0 || store_event_add(db, &e) < 0 || store_commit(db) < 0)
        goto done;
    printf("added %s (%s), id %lld\n", email, role_name(u.role), (long long)u.id);
    rc = 0;
done:
    store_put(store, db);
    arena_free(&a);
    return rc;
}

/* Forgets every client's sign-in attempts on the account: its owner starts afresh. */
static int throttle_reset(struct db *db, const char *email)
{
    char account[SIGNIN_KEY_LEN + 1];
    signin_account_key(email, account);
    return store_throttle_clear(db, account, NULL);
}

static int user_passwd(struct store *store, const char *email_in)
{
    char email[256], password[1100], hash[SECRET_PWHASH_MAX];
    if (signin_email_normalise(email_in, email, sizeof email) < 0) {
        fprintf(stderr, "vodgate user: '%s' is not an email address\n", email_in);
        return 2;
    }
    struct arena a = {0};
    struct db *db = store_get(store);
    int rc = 1;
    struct user u;
    if (store_user_by_email(db, &a, email, &u) != STORE_OK) {
        fprintf(stderr, "vodgate user: no user %s\n", email);
        goto done;
    }
    if (read_password(password, sizeof password) < 0)
        goto done;
    struct account_problem why;
    if (!account_check(u.role, u.partner_id, true, u.role == ROLE_POSTHOUSE, password, &why)) {
        fprintf(stderr, "vodgate user: %s\n", why.message);
        rc = 2;
        goto done;
    }
    if (secret_password_hash(password, hash) < 0 || store_user_set_password(db, u.id, hash) < 0 ||
        throttle_reset(db, u.email) < 0)
        goto done;
    printf("password of %s changed\n", email);
    rc = 0;
done:
    store_put(store, db);
    arena_free(&a);
    return rc;
}

static int print_user(const struct user *u, void *ctx)
{
    printf("%-6lld %-32s %-10s %s\n", (long long)u->id, u->email, role_name(u->role), u->name);
    return 0;
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
        struct arena a = {0};
        struct db *db = store_get(store);
        rc = store_user_each(db, &a, print_user, NULL) < 0;
        store_put(store, db);
        arena_free(&a);
    }
    store_close(store);
    return rc;
}
