/*
 * Small helpers shared by the subcommands.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/secret.h"
#include "cli/cli.h"

const char *cli_env(const char *name, const char *dflt)
{
    char key[64];
    snprintf(key, sizeof key, "VODGATE_%s", name);
    const char *v = getenv(key);
    return v && *v ? v : dflt;
}

char *cli_auth_header(const char *user, const char *token)
{
    if (!user || !*user)
        return xasprintf("Authorization: Bearer %s", token);
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *plain = xasprintf("%s:%s", user, token);
    size_t len = strlen(plain), o = 0;
    char *b64 = xmalloc(len / 3 * 4 + 5);
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned char)plain[i] << 16;
        if (i + 1 < len)
            v |= (unsigned char)plain[i + 1] << 8;
        if (i + 2 < len)
            v |= (unsigned char)plain[i + 2];
        b64[o++] = t[v >> 18 & 63];
        b64[o++] = t[v >> 12 & 63];
        b64[o++] = i + 1 < len ? t[v >> 6 & 63] : '=';
        b64[o++] = i + 2 < len ? t[v & 63] : '=';
    }
    b64[o] = '\0';
    char *h = xasprintf("Authorization: Basic %s", b64);
    free(b64);
    free(plain);
    return h;
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

/* Creates the data directory (0700) unless it exists. Prints why and returns -1 when it cannot. */
static int data_dir_made(const char *data)
{
    if (mkdir(data, 0700) < 0 && errno != EEXIST) {
        fprintf(stderr, "vodgate: cannot create the data directory %s: %s\n", data,
                strerror(errno));
        return -1;
    }
    return 0;
}

int cli_lock_data_dir(const char *data)
{
    if (data_dir_made(data) < 0)
        return -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/serve.lock", data);
    int fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "vodgate serve: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        char pid[32] = "";
        ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
        pid[n > 0 ? n : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        fprintf(stderr,
                "vodgate serve: another vodgate serve%s%s%s is using the data directory %s; "
                "stop it first, or give this one a --data of its own\n",
                *pid ? " (pid " : "", pid, *pid ? ")" : "", data);
        close(fd);
        return -1;
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n)
        fprintf(stderr, "vodgate serve: warning: cannot write the pid into %s\n", path);
    return 0; /* fd stays open: the lock lasts as long as the process, and dies with it */
}

int cli_load_key(const char *data)
{
    if (data_dir_made(data) < 0)
        return -1;
    char dflt[4096];
    snprintf(dflt, sizeof dflt, "%s/secret.key", data);
    char *err = NULL;
    if (secret_key_load(cli_env("SECRET_FILE", dflt), &err) < 0) {
        fprintf(stderr, "vodgate: %s\n", err);
        free(err);
        return -1;
    }
    return 0;
}
