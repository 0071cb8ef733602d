/*
 * `vodgate deliver`: uploads each file (resumably: each runs as `vodgate
 * upload`, so an interrupted delivery is resumed by running the same command
 * again) and then creates the delivery, printing its receipt and, with
 * --wait, its result. The client side of SPEC section 4 in one command.
 */
#include <curl/curl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli/cli.h"

static const char deliver_help[] =
    "usage: vodgate deliver FILE... --server URL --token TOKEN [--user ALIAS] --partner ID\n"
    "                       --kind KIND [--request ID] [--wait]\n"
    "\nUploads each FILE with tus (resumable: run the same command again after an\n"
    "interruption) and delivers them together: KIND is avails or asset_package, ID the\n"
    "partner's id, --request the delivery request it answers (required during training).\n"
    "The files are the partner's, whoever sends them: a posthouse delivering for the\n"
    "partner that named it as its delivery agent gives that partner's ID.\n"
    "Prints the receipt (received at, files with sizes and sha256); with --wait, waits\n"
    "for the validation and prints the result with its findings, exiting 1 when it failed.\n"
    "\n"
    "  --token TOKEN   an API token, or the partner's transfer secret (shown once when\n"
    "                  staff create the transfer account), sent as a bearer token\n"
    "  --user ALIAS    send the transfer secret with HTTP Basic as ALIAS:TOKEN instead\n"
    "\n"
    "VODGATE_SERVER, VODGATE_TOKEN and VODGATE_USER may stand for --server, --token\n"
    "and --user.\n";

/* Who sends and for whom: the credentials and the partner, for each call. */
struct sender {
    const char *server, *token, *user; /* user NULL: token is a bearer token */
    char partner[24];                  /* the partner's id, as text */
};

/*
 * Runs `vodgate upload FILE ... --partner ID` as a child (so the upload is
 * the partner's, also when a posthouse or staff sends it); returns the
 * upload id (malloc'd) or NULL.
 */
static char *upload_one(const char *file, const struct sender *who)
{
    int fds[2];
    if (pipe(fds) < 0)
        return NULL;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        if (who->user)
            execl("/proc/self/exe", "vodgate", "upload", file, "--server", who->server, "--token",
                  who->token, "--user", who->user, "--partner", who->partner, (char *)NULL);
        else
            execl("/proc/self/exe", "vodgate", "upload", file, "--server", who->server, "--token",
                  who->token, "--partner", who->partner, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    struct buf out = {0};
    char chunk[512];
    ssize_t n;
    while ((n = read(fds[0], chunk, sizeof chunk)) > 0)
        buf_add(&out, chunk, (size_t)n);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    char *id = NULL;
    const char *line = strstr(buf_str(&out), "upload ");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && line) {
        line += 7;
        id = xstrndup(line, strcspn(line, "\r\n"));
    }
    buf_free(&out);
    return id;
}

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    buf_add(arg, data, size * n);
    return size * n;
}

/* One API call; returns the HTTP status (0 on a network error) with the body in out. */
static long call(const char *method, const char *url, const struct sender *who, const char *body,
                 struct buf *out)
{
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    char *auth = cli_auth_header(who->user, who->token);
    h = curl_slist_append(h, auth);
    h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    free(auth);
    return status;
}

static void print_result(json_t *d)
{
    printf("delivery %lld: %s (%lld errors, %lld warnings)\n",
           (long long)json_integer_value(json_object_get(d, "id")),
           json_string_value(json_object_get(d, "status")),
           (long long)json_integer_value(json_object_get(d, "errors")),
           (long long)json_integer_value(json_object_get(d, "warnings")));
    /* a redelivery: what changed since the previous result (the server compares them) */
    json_t *ch = json_object_get(d, "changes");
    if (json_is_object(ch))
        printf("since delivery %lld: %zu fixed, %zu still failing, %zu new\n",
               (long long)json_integer_value(json_object_get(ch, "compared_with")),
               json_array_size(json_object_get(ch, "fixed")),
               json_array_size(json_object_get(ch, "still_failing")),
               json_array_size(json_object_get(ch, "new")));
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(ch, "fixed"), i, f) /* what the redelivery fixed, by name */
        printf("fixed: %s [%s]\n  %s\n", json_string_value(json_object_get(f, "file")),
               json_string_value(json_object_get(f, "code")),
               json_string_value(json_object_get(f, "message")));
    json_array_foreach(json_object_get(d, "findings"), i, f) {
        const char *change = json_string_value(json_object_get(f, "change"));
        printf("%s: %s [%s]%s\n  %s\n", json_string_value(json_object_get(f, "severity")),
               json_string_value(json_object_get(f, "file")),
               json_string_value(json_object_get(f, "code")),
               change && !strcmp(change, "new")             ? " (new)"
               : change && !strcmp(change, "still_failing") ? " (still failing)"
                                                            : "",
               json_string_value(json_object_get(f, "message")));
        /* where, found, expected, fix and rule, as `vodgate validate` prints them */
        const json_t *loc = json_object_get(f, "location");
        struct buf w = {0};
        const char *v;
        if ((v = json_string_value(json_object_get(loc, "sheet"))))
            buf_printf(&w, " sheet '%s'", v);
        if (json_integer_value(json_object_get(loc, "row")))
            buf_printf(&w, " row %lld", (long long)json_integer_value(json_object_get(loc, "row")));
        if ((v = json_string_value(json_object_get(loc, "column"))))
            buf_printf(&w, " column %s", v);
        if ((v = json_string_value(json_object_get(loc, "header"))))
            buf_printf(&w, " (%s)", v);
        if (json_integer_value(json_object_get(loc, "line")))
            buf_printf(&w, " line %lld",
                       (long long)json_integer_value(json_object_get(loc, "line")));
        if ((v = json_string_value(json_object_get(loc, "path"))))
            buf_printf(&w, " %s", v);
        if ((v = json_string_value(json_object_get(loc, "timecode"))))
            buf_printf(&w, " stream %lld at %s",
                       (long long)json_integer_value(json_object_get(loc, "stream")), v);
        if (w.len)
            printf("  where:%s\n", buf_str(&w));
        buf_free(&w);
        if ((v = json_string_value(json_object_get(f, "observed"))))
            printf("  found: \"%s\"\n", v);
        if ((v = json_string_value(json_object_get(f, "expected"))))
            printf("  expected: %s\n", v);
        const char *fix = json_string_value(json_object_get(f, "fix"));
        if (fix)
            printf("  fix: %s\n", fix);
        if ((v = json_string_value(json_object_get(f, "clause"))))
            printf("  rule: %s\n", v);
    }
}

int cli_deliver(int argc, char **argv)
{
    static const struct option opts[] = {
        {"server", required_argument, 0, 's'},  {"token", required_argument, 0, 't'},
        {"user", required_argument, 0, 'u'},
        {"partner", required_argument, 0, 'p'}, {"request", required_argument, 0, 'r'},
        {"kind", required_argument, 0, 'k'},    {"wait", no_argument, 0, 'w'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0},
    };
    const char *server = cli_env("SERVER", NULL), *token = cli_env("TOKEN", NULL), *kind = NULL;
    const char *user = cli_env("USER", NULL);
    long long partner = 0, request = 0;
    bool wait = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            server = optarg;
            break;
        case 't':
            token = optarg;
            break;
        case 'u':
            user = optarg;
            break;
        case 'p':
            partner = atoll(optarg);
            break;
        case 'r':
            request = atoll(optarg);
            break;
        case 'k':
            kind = optarg;
            break;
        case 'w':
            wait = true;
            break;
        case 'h':
            fputs(deliver_help, stdout);
            return 0;
        default:
            fputs(deliver_help, stderr);
            return 2;
        }
    }
    if (optind >= argc || !server || !token || partner <= 0 || !kind) {
        fputs(deliver_help, stderr);
        return 2;
    }
    struct sender who = {server, token, user, ""};
    snprintf(who.partner, sizeof who.partner, "%lld", partner);
    json_t *files = json_array();
    for (int i = optind; i < argc; i++) {
        char *id = upload_one(argv[i], &who);
        if (!id) {
            fprintf(stderr,
                    "vodgate deliver: the upload of %s did not finish, so nothing was "
                    "delivered; the line above says why (a refused token or transfer secret "
                    "needs a valid one; for a lost connection, run the same command again "
                    "to resume the upload)\n",
                    argv[i]);
            json_decref(files);
            return 1;
        }
        json_array_append_new(files, json_string(id));
        free(id);
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    json_t *body =
        json_pack("{s:I, s:s, s:o}", "partner", (json_int_t)partner, "kind", kind, "files", files);
    if (request)
        json_object_set_new(body, "request", json_integer(request));
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    char *url = xasprintf("%s/api/v1/deliveries", server);
    struct buf out = {0};
    long status = call("POST", url, &who, text, &out);
    free(text);
    free(url);
    json_t *d = json_loads(buf_str(&out), 0, NULL);
    int rc = 1;
    if (status != 202 || !d) {
        json_t *e = json_object_get(json_object_get(d, "error"), "message");
        fprintf(stderr, "vodgate deliver: the delivery was refused (%ld): %s\n", status,
                e ? json_string_value(e) : buf_str(&out));
        goto done;
    }
    json_t *receipt = json_object_get(d, "receipt");
    const char *zone = json_string_value(json_object_get(receipt, "time_zone"));
    printf("delivery %lld received at %s (%s%s%s)\n",
           (long long)json_integer_value(json_object_get(d, "id")),
           json_string_value(json_object_get(receipt, "received_at")),
           json_string_value(json_object_get(receipt, "received_at_local")), zone ? " " : "",
           zone ? zone : "");
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(receipt, "files"), i, f)
        printf("  %s  %lld bytes  sha256 %s\n", json_string_value(json_object_get(f, "name")),
               (long long)json_integer_value(json_object_get(f, "size")),
               json_string_value(json_object_get(f, "sha256")));
    rc = 0;
    /* where a person sees the result (the portal's page of the delivery) */
    long long id = (long long)json_integer_value(json_object_get(d, "id"));
    printf("the result: %s/deliveries/%lld%s\n", server, id,
           wait ? "" : " (the checks run now; --wait waits for them here)");
    if (wait) {
        bool got = false;
        char *durl = xasprintf("%s/api/v1/deliveries/%lld", server, id);
        for (int tries = 0; tries < 3600; tries++) {
            buf_reset(&out);
            json_decref(d);
            d = NULL;
            if (call("GET", durl, &who, NULL, &out) == 200)
                d = json_loads(buf_str(&out), 0, NULL);
            const char *st = d ? json_string_value(json_object_get(d, "status")) : NULL;
            if (st && strcmp(st, "validating")) {
                print_result(d);
                rc = strcmp(st, "passed") ? 1 : 0;
                got = true;
                break;
            }
            sleep(1);
        }
        if (!got) { /* not "passed": a script waiting on the exit status must not go on */
            fprintf(stderr,
                    "vodgate deliver: no result after an hour of waiting (the checks are still "
                    "running, or the server cannot be reached); the result will be at "
                    "%s/deliveries/%lld\n",
                    server, id);
            rc = 1;
        }
        free(durl);
    }
done:
    json_decref(d);
    buf_free(&out);
    return rc;
}
