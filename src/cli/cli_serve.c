/*
 * `vodgate serve`: opens the store (running migrations), optionally creates
 * the first admin, and serves HTTP until SIGTERM. Every flag has a
 * VODGATE_* environment variable; a flag wins over the variable.
 *
 * Each serving process has an instance name, stable across its restarts
 * and distinct between the processes of a scale-out (several `serve` on one
 * PostgreSQL, sharing the data directory): by default the host name and the
 * --listen address as parsed, else --instance. Validation jobs are leased
 * in that name, so at start-up, before the workers run, the process takes
 * back what it held when it last stopped (jobs/deliveries.h).
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/now.h"
#include "base/secret.h"
#include "base/timefmt.h"
#include "cli/cli.h"
#include "core/role.h"
#include "http/http.h"
#include "web/pages.h"
#include "jobs/mail.h"
#include "jobs/deliveries.h"
#include "app/users.h"
#include "app/warnings.h"
#include "app/alternates.h"
#include "app/milestones.h"
#include "app/titles.h"
#include "app/questionnaire_def.h"
#include "jobs/sweep.h"
#include "jobs/upload_expiry.h"
#include "ingest/upload.h"
#include "store/store.h"

static const char serve_help[] =
    "usage: vodgate serve [OPTIONS]\n"
    "\n"
    "Runs the portal and the API. Options (environment variable in brackets):\n"
    "  --listen HOST:PORT        where to listen [VODGATE_LISTEN] (127.0.0.1:8080;\n"
    "                            port 0 picks a free port, printed at start)\n"
    "  --data DIR                database file, uploads, key [VODGATE_DATA] (./var);\n"
    "                            with SQLite one serve per directory (a second is refused)\n"
    "  --database URL            postgresql://... instead of the embedded SQLite\n"
    "                            [VODGATE_DATABASE]\n"
    "  --reuse-port              let other processes listen on the same address and port\n"
    "                            (SO_REUSEPORT; off: a second server there is refused)\n"
    "                            [VODGATE_REUSE_PORT=1]\n"
    "  --threads N               HTTP worker threads [VODGATE_THREADS] (4)\n"
    "  --max-body BYTES          largest JSON body accepted [VODGATE_MAX_BODY] (1048576)\n"
    "  --session-ttl SECONDS     how long a sign-in lasts [VODGATE_SESSION_TTL] (43200)\n"
    "  --secure-cookies          mark the session and flash cookies Secure (behind https)\n"
    "                            [VODGATE_SECURE_COOKIES=1]\n"
    "  --trusted-proxy ADDRESS   the reverse proxy (e.g. nginx on 127.0.0.1) whose\n"
    "                            X-Forwarded-For names the client, for the sign-in\n"
    "                            throttle; ignored from anyone else [VODGATE_TRUSTED_PROXY]\n"
    "  --smtp URL                smtp://host:port to send mail [VODGATE_SMTP];\n"
    "                            without it, messages stay queued in the outbox\n"
    "  --mail-from ADDRESS       the mail's sender [VODGATE_MAIL_FROM]\n"
    "                            (" MAIL_DEFAULT_FROM ")\n"
    "  --smtp-timeout SECONDS    longest SMTP conversation [VODGATE_SMTP_TIMEOUT] (30)\n"
    "  --templates DIR           mail templates (NAME.txt) that override the built-in\n"
    "                            ones [VODGATE_TEMPLATES]\n"
    "  --test-clock              run on a test clock that an admin sets with\n"
    "                            PUT /api/v1/clock [VODGATE_TEST_CLOCK=1]\n"
    "  --test-clock-start TIME   where the test clock starts (RFC 3339; default now)\n"
    "  --public-url URL          the address people reach the portal at, for links in\n"
    "                            messages [VODGATE_PUBLIC_URL] (http://LISTEN)\n"
    "  --questionnaire FILE      the questionnaire definition [VODGATE_QUESTIONNAIRE]\n"
    "                            (data/questionnaire.json beside the binary's ../)\n"
    "  --max-upload BYTES        largest upload (Tus-Max-Size) [VODGATE_MAX_UPLOAD]\n"
    "                            (2199023255552, 2 TiB)\n"
    "  --upload-quota BYTES      bytes one partner may hold in uploads, 0 for no limit\n"
    "                            [VODGATE_UPLOAD_QUOTA] (0)\n"
    "  --upload-expiry SECONDS   an unfinished upload is removed this long after its last\n"
    "                            write [VODGATE_UPLOAD_EXPIRY] (604800, 7 days)\n"
    "  --idle-timeout SECONDS    close a connection idle this long [VODGATE_IDLE_TIMEOUT]\n"
    "                            (120)\n"
    "  --workers N               validation worker threads [VODGATE_WORKERS] (2)\n"
    "  --mddf-schemas DIR        MovieLabs XSDs: XML deliveries are also checked against\n"
    "                            them [VODGATE_MDDF_SCHEMAS]\n"
    "  --ratings FILE            the Common Metadata Ratings XML: ratings in deliveries\n"
    "                            are checked against it [VODGATE_RATINGS]\n"
    "  (VODGATE_SECRET_FILE)     the key that seals invitation links in the outbox\n"
    "                            (DIR/secret.key, made on first run; several servers on\n"
    "                            one PostgreSQL must share it; never in a database backup)\n"
    "  --instance NAME           this process's name [VODGATE_INSTANCE]\n"
    "                            (HOSTNAME-ADDRESS-PORT of --listen, e.g.\n"
    "                            db1-127.0.0.1-8080): the same across its restarts,\n"
    "                            different for every process on one database or data\n"
    "                            directory (name each one when they listen on port 0);\n"
    "                            letters, digits, '.', '_', '-'. A restart takes back at\n"
    "                            once the validations the process ran when it stopped\n"
    "  --bootstrap-admin         on a database with no users, create an admin and\n"
    "                            print its email and password once\n"
    "                            (email from VODGATE_ADMIN_EMAIL, admin@vodgate.local)\n";

/* The titles whose waiting window comes within reach become ready (app/titles.c). */
static void titles_tick(void *ctx, int64_t now)
{
    struct arena a = {0};
    struct db *db = store_get(ctx);
    if (titles_wake(db, &a, now) < 0)
        fprintf(stderr, "vodgate: the titles' sweep failed; it will be retried\n");
    store_put(ctx, db);
    arena_free(&a);
}

/* Under the test clock: run the clocks, then the mail, due by the new time before answering. */
static void run_due_work(struct http_conf *app, int64_t t)
{
    titles_tick(app->store, t);
    sweep_run(app->store, t, NULL);
    mail_run(app->store, t, NULL);
    if (app->ingest)
        upload_expiry_run(app->ingest, t);
}

/*
 * The default instance name: HOSTNAME-ADDRESS-PORT of the --listen address
 * as parsed (so localhost:8080 and 127.0.0.1:8080 are one), any character
 * outside [A-Za-z0-9._-] made '_', into out (at least 160 bytes). Returns 0,
 * or -1 when listen is not an address.
 */
static int default_instance(const char *listen, char *out, size_t out_len)
{
    char host[256] = "", addr[64];
    int port;
    if (http_listen_parse(listen, addr, sizeof addr, &port) < 0)
        return -1;
    if (gethostname(host, sizeof host - 1) < 0 || !host[0])
        strcpy(host, "localhost");
    /* a host name is at most 64 bytes on Linux */
    snprintf(out, out_len, "%.64s-%s-%d", host, addr, port);
    for (char *c = out; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '.' || *c == '-' || *c == '_'))
            *c = '_';
    return 0;
}

/* Creates the first admin when there is no user at all (app/users.h). Returns 0 or -1. */
static int bootstrap_admin(struct store *store)
{
    struct arena a = {0};
    struct db *db = store_get(store);
    struct op o;
    op_init(&o, db, &a, now_get(), NULL, NULL);
    char password[21];
    secret_password_new(password);
    struct user u;
    bool created = false;
    int rc = users_bootstrap_admin(&o, cli_env("ADMIN_EMAIL", "admin@vodgate.local"), password, &u,
                                   &created);
    if (rc < 0)
        fprintf(stderr, "vodgate: %s\n",
                rc == OP_REFUSED ? buf_str(&o.err.message) : "the store failed");
    else if (created)
        printf("\nvodgate: first run: created the admin account\n"
               "  email:    %s\n  password: %s\n"
               "  (shown once: sign in and keep it safe)\n\n",
               u.email, password);
    fflush(stdout);
    op_free(&o);
    store_put(store, db);
    arena_free(&a);
    return rc < 0 ? -1 : 0;
}

int cli_serve(int argc, char **argv)
{
    enum {
        O_LISTEN = 1,
        O_DATA,
        O_DATABASE,
        O_THREADS,
        O_MAX_BODY,
        O_TTL,
        O_SECURE,
        O_SMTP,
        O_TEST_CLOCK,
        O_TEST_START,
        O_BOOTSTRAP,
        O_HELP,
        O_PUBLIC_URL,
        O_QUESTIONNAIRE,
        O_REUSE_PORT
    };
    enum { O_MAIL_FROM = 100, O_SMTP_TIMEOUT, O_TEMPLATES }; /* the mail options */
    enum { O_MAX_UPLOAD = 200, O_UPLOAD_QUOTA, O_UPLOAD_EXPIRY, O_IDLE_TIMEOUT }; /* uploads */
    enum { O_WORKERS = 300, O_SCHEMAS, O_RATINGS, O_INSTANCE };                   /* validation */
    enum { O_TRUSTED_PROXY = 400 };
    struct deliv_config validation = {NULL, cli_env("MDDF_SCHEMAS", NULL), cli_env("RATINGS", NULL),
                                      atoi(cli_env("WORKERS", "2")), cli_env("INSTANCE", NULL)};

    static const struct option opts[] = {
        {"listen", required_argument, 0, O_LISTEN},
        {"workers", required_argument, 0, O_WORKERS},
        {"mddf-schemas", required_argument, 0, O_SCHEMAS},
        {"ratings", required_argument, 0, O_RATINGS},
        {"instance", required_argument, 0, O_INSTANCE},
        {"data", required_argument, 0, O_DATA},
        {"database", required_argument, 0, O_DATABASE},
        {"threads", required_argument, 0, O_THREADS},
        {"max-body", required_argument, 0, O_MAX_BODY},
        {"session-ttl", required_argument, 0, O_TTL},
        {"secure-cookies", no_argument, 0, O_SECURE},
        {"trusted-proxy", required_argument, 0, O_TRUSTED_PROXY},
        {"smtp", required_argument, 0, O_SMTP},
        {"mail-from", required_argument, 0, O_MAIL_FROM},
        {"smtp-timeout", required_argument, 0, O_SMTP_TIMEOUT},
        {"templates", required_argument, 0, O_TEMPLATES},
        {"test-clock", no_argument, 0, O_TEST_CLOCK},
        {"test-clock-start", required_argument, 0, O_TEST_START},
        {"bootstrap-admin", no_argument, 0, O_BOOTSTRAP},
        {"public-url", required_argument, 0, O_PUBLIC_URL},
        {"questionnaire", required_argument, 0, O_QUESTIONNAIRE},
        {"max-upload", required_argument, 0, O_MAX_UPLOAD},
        {"upload-quota", required_argument, 0, O_UPLOAD_QUOTA},
        {"upload-expiry", required_argument, 0, O_UPLOAD_EXPIRY},
        {"idle-timeout", required_argument, 0, O_IDLE_TIMEOUT},
        {"reuse-port", no_argument, 0, O_REUSE_PORT},
        {"help", no_argument, 0, O_HELP},
        {0, 0, 0, 0},
    };
    const char *listen = cli_env("LISTEN", "127.0.0.1:8080");
    const char *data = cli_env("DATA", "./var");
    const char *database = cli_env("DATABASE", NULL);
    struct mail_config mail = {cli_env("SMTP", NULL), cli_env("MAIL_FROM", NULL),
                               cli_env("TEMPLATES", NULL), atoi(cli_env("SMTP_TIMEOUT", "30"))};
    const char *test_start = cli_env("TEST_CLOCK_START", NULL);
    int threads = atoi(cli_env("THREADS", "4"));
    long long max_body = atoll(cli_env("MAX_BODY", "1048576"));
    int ttl = atoi(cli_env("SESSION_TTL", "43200"));
    bool secure = !strcmp(cli_env("SECURE_COOKIES", "0"), "1");
    const char *trusted_proxy = cli_env("TRUSTED_PROXY", NULL);
    bool test_clock = !strcmp(cli_env("TEST_CLOCK", "0"), "1");
    bool bootstrap = false;
    bool reuse_port = !strcmp(cli_env("REUSE_PORT", "0"), "1");
    long long max_upload = atoll(cli_env("MAX_UPLOAD", "2199023255552"));
    long long upload_quota = atoll(cli_env("UPLOAD_QUOTA", "0"));
    long long upload_expiry = atoll(cli_env("UPLOAD_EXPIRY", "604800"));
    long long idle_timeout = atoll(cli_env("IDLE_TIMEOUT", "120"));
    const char *public_url = cli_env("PUBLIC_URL", NULL);
    const char *questionnaire = cli_env("QUESTIONNAIRE", NULL);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_LISTEN:
            listen = optarg;
            break;
        case O_WORKERS:
            validation.n_workers = atoi(optarg);
            break;
        case O_SCHEMAS:
            validation.schemas_dir = optarg;
            break;
        case O_RATINGS:
            validation.ratings_file = optarg;
            break;
        case O_INSTANCE:
            validation.instance = optarg;
            break;
        case O_DATA:
            data = optarg;
            break;
        case O_DATABASE:
            database = optarg;
            break;
        case O_THREADS:
            threads = atoi(optarg);
            break;
        case O_MAX_BODY:
            max_body = atoll(optarg);
            break;
        case O_TTL:
            ttl = atoi(optarg);
            break;
        case O_SECURE:
            secure = true;
            break;
        case O_TRUSTED_PROXY:
            trusted_proxy = optarg;
            break;
        case O_SMTP:
            mail.smtp_url = optarg;
            break;
        case O_MAIL_FROM:
            mail.from = optarg;
            break;
        case O_SMTP_TIMEOUT:
            mail.timeout = atoi(optarg);
            break;
        case O_TEMPLATES:
            mail.templates_dir = optarg;
            break;
        case O_TEST_CLOCK:
            test_clock = true;
            break;
        case O_TEST_START:
            test_start = optarg;
            break;
        case O_BOOTSTRAP:
            bootstrap = true;
            break;
        case O_PUBLIC_URL:
            public_url = optarg;
            break;
        case O_QUESTIONNAIRE:
            questionnaire = optarg;
            break;
        case O_MAX_UPLOAD:
            max_upload = atoll(optarg);
            break;
        case O_UPLOAD_QUOTA:
            upload_quota = atoll(optarg);
            break;
        case O_UPLOAD_EXPIRY:
            upload_expiry = atoll(optarg);
            break;
        case O_IDLE_TIMEOUT:
            idle_timeout = atoll(optarg);
            break;
        case O_REUSE_PORT:
            reuse_port = true;
            break;
        case O_HELP:
            fputs(serve_help, stdout);
            return 0;
        default:
            fputs(serve_help, stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "vodgate serve: unexpected argument '%s'\n%s", argv[optind], serve_help);
        return 2;
    }
    if (threads < 1 || threads > 256 || max_body < 1024 || ttl < 60) {
        fprintf(stderr, "vodgate serve: --threads must be 1..256, --max-body at least 1024, "
                        "--session-ttl at least 60\n");
        return 2;
    }
    if (max_upload < 1 || upload_quota < 0 || upload_expiry < 60 || idle_timeout < 1 ||
        idle_timeout > 86400) {
        fprintf(stderr, "vodgate serve: --max-upload must be at least 1, --upload-quota 0 or "
                        "more, --upload-expiry at least 60, --idle-timeout 1..86400\n");
        return 2;
    }
    /* req_client() compares the peer's address as inet_ntop writes it: write the proxy's so */
    char proxy[INET6_ADDRSTRLEN];
    if (trusted_proxy && *trusted_proxy) {
        unsigned char ip[16];
        int family = strchr(trusted_proxy, ':') ? AF_INET6 : AF_INET;
        if (inet_pton(family, trusted_proxy, ip) != 1) {
            fprintf(stderr, "vodgate serve: --trusted-proxy '%s' is not an IP address\n",
                    trusted_proxy);
            return 2;
        }
        trusted_proxy = inet_ntop(family, ip, proxy, sizeof proxy);
    } else {
        trusted_proxy = NULL;
    }
    char instance[160];
    if (!validation.instance) {
        if (default_instance(listen, instance, sizeof instance) < 0) {
            fprintf(stderr, "vodgate serve: --listen %s is not HOST:PORT (e.g. 127.0.0.1:8080)\n",
                    listen);
            return 2;
        }
        validation.instance = instance;
    }
    if (!deliv_instance_name_ok(validation.instance)) {
        fprintf(stderr,
                "vodgate serve: --instance '%s': 1 to 120 letters, digits, '.', '_' or '-'\n",
                validation.instance);
        return 2;
    }
    if (test_start && !test_clock) {
        fprintf(stderr, "vodgate serve: --test-clock-start needs --test-clock\n");
        return 2;
    }
    if (test_clock) {
        int64_t start = now_get();
        if (test_start && time_parse_rfc3339(test_start, &start) < 0) {
            fprintf(stderr, "vodgate serve: --test-clock-start '%s' is not an RFC 3339 time\n",
                    test_start);
            return 2;
        }
        now_use_test_clock(start);
        char s[21];
        time_format_rfc3339(start, s);
        fprintf(stderr, "vodgate: on a test clock starting at %s\n", s);
    }
    if (secret_init() < 0)
        die("libsodium could not start");
    if (cli_load_key(data) < 0)
        return 1;
    struct buf mail_err = {0};
    if (mail_configure(&mail, &mail_err) < 0) {
        fprintf(stderr, "vodgate serve: %s\n", buf_str(&mail_err));
        buf_free(&mail_err);
        return 2;
    }
    /* One server per embedded database; with PostgreSQL several share it (and may share
     * the data directory's uploads), each on an address of its own. */
    if (!database && cli_lock_data_dir(data) < 0)
        return 1;
    struct store *store;
    char *err = NULL;
    if (store_open(database, data, &store, &err) < 0) {
        fprintf(stderr, "vodgate: %s\n", err);
        free(err);
        return 1;
    }
    if (questionnaire_def_init(store, questionnaire, &err) < 0) {
        fprintf(stderr, "vodgate: %s\n", err);
        free(err);
        store_close(store);
        return 1;
    }
    int64_t n_sealed = 0;
    if (mail_seal_stored_links(store, &n_sealed) < 0) {
        fprintf(stderr, "vodgate: could not seal the invitation links stored in the outbox\n");
        store_close(store);
        return 1;
    }
    if (n_sealed)
        fprintf(stderr, "vodgate: sealed the one-time links of %lld stored messages\n",
                (long long)n_sealed);
    char *url = public_url ? xstrdup(public_url) : xasprintf("http://%s", listen);
    app_set_public_url(url);
    free(url);
    sweep_use_handlers(warnings_clock_handlers, n_warnings_clock_handlers);
    sweep_use_handlers(milestones_clock_handlers, n_milestones_clock_handlers);
    sweep_use_handlers(alternates_clock_handlers, n_alternates_clock_handlers);
    scheduler_every(titles_tick, store);
    if (bootstrap && bootstrap_admin(store) < 0) {
        fprintf(stderr, "vodgate: could not create the first admin\n");
        store_close(store);
        return 1;
    }
    struct http_conf app = {0};
    app.store = store;
    app.data_dir = data;
    app.max_body = (size_t)max_body;
    app.secure_cookies = secure;
    app.reuse_port = reuse_port;
    app.trusted_proxy = trusted_proxy;
    app.session_ttl = ttl;
    app.on_time_moved = run_due_work;
    if (!public_url)
        app.on_listening = app_set_public_url; /* the port really bound (--listen HOST:0) */
    /* Block the shutdown signals before any thread starts: only http_serve's sigwait takes them. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    struct ingest_opts upload_opts = {(uint64_t)max_upload, (uint64_t)upload_quota, upload_expiry};
    if (ingest_open(store, data, &upload_opts, &app.ingest, &err) < 0) {
        fprintf(stderr, "vodgate: %s\n", err);
        free(err);
        store_close(store);
        return 1;
    }
    app.conn_timeout = (unsigned)idle_timeout;
    upload_expiry_register(app.ingest);
    /* A committed operation that made work for a background thread wakes it (app/op.h). */
    op_on_commit(OP_WAKE_CLOCKS, scheduler_poke);
    op_on_commit(OP_WAKE_MAIL, mail_poke);
    op_on_commit(OP_WAKE_JOBS, deliv_workers_poke);
    scheduler_start(store);
    mail_sender_start(store);
    validation.data_dir = data;
    fprintf(stderr, "vodgate: instance %s\n", validation.instance);
    if (deliv_recover(store, &validation) < 0)
        fprintf(stderr, "vodgate: could not release the validation jobs this instance held; they "
                        "run again when their lease ends\n");
    deliv_workers_start(store, &validation);
    web_register(); /* the portal's pages, after the API's routes */
    int rc = http_serve(&app, listen, threads, NULL);
    deliv_workers_stop();
    scheduler_stop();
    ingest_close(app.ingest);
    mail_sender_stop();
    questionnaire_def_free();
    store_close(store);
    return rc < 0 ? 1 : 0;
}
