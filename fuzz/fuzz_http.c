/*
 * libFuzzer target for the HTTP layer: every input becomes one request to
 * the real server (server.c's libmicrohttpd daemon, the route table, the
 * handlers, the store on SQLite), sent over a loopback socket, and its
 * answer is read to the end. Any crash, sanitizer report or failed assert in
 * the server is a crash of the target, since it runs in this process.
 *
 * LLVMFuzzerInitialize makes a fresh data directory (FUZZ_HTTP_DATA keeps
 * it in a named one), opens and migrates the store, starts the daemon on
 * 127.0.0.1 port 0 and, through the API itself, makes a world for the
 * requests to act on: a partner and a posthouse, staff of two roles, the
 * partner's and the posthouse's users, a calendar, a request, a sent
 * questionnaire, an upload and a delivery. Every persona's session token
 * (and CSRF token) is known; a request that signs one out or changes its
 * password does not end the persona: its session is put back before the
 * next input. Other state does accumulate, so a crash found late may need
 * the inputs before it; the reproducer usually works alone.
 *
 * An answer of status 500 aborts too: the server failed a request it
 * should have answered (FUZZ_HTTP_ALLOW_500=1 lets them pass).
 *
 * An input is either the raw bytes of a whole request (first byte with its
 * top bit set: request-line and header fuzzing) or, so that mutations reach
 * the handlers rather than stopping at 404, a structured request:
 *   byte 0   persona: 0 nobody, 1 admin (bearer), 2 admin (cookie + CSRF),
 *            3 cam, 4 pim, 5 partner (bearer), 6 partner (cookie + CSRF),
 *            7 posthouse; bit 6 drops the Content-Length we would add,
 *            bit 5 sends a Content-Type of JSON / form on bodies
 *   byte 1   the route: index into the route tables (modulo http_n_routes())
 *   byte 2   the method: 0-127 the route's own; else one of GET HEAD POST
 *            PUT PATCH DELETE OPTIONS TRACE (byte % 8)
 *   then one line per {param} of the route's pattern (empty: an id that
 *   exists), one line of query string (empty: none), header lines up to
 *   an empty line, then the body (to the end of the input).
 * Lines end with \n; they are sent as they are (no escaping), so the
 * fuzzer also plays with bytes a client should have escaped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/now.h"
#include "base/secret.h"
#include "core/role.h"
#include "http/access_log.h"
#include "http/http.h"
#include "web/pages.h"
#include "ingest/upload.h"
#include "jobs/mail.h"
#include "app/questionnaire_def.h"
#include "app/warnings.h"
#include "jobs/sweep.h"
#include "store/store.h"

#define PASSWORD "fuzzing password 1"
/* Longest wait for an answer: libmicrohttpd answers or closes long before. */
#define ANSWER_TIMEOUT_MS 20000

enum persona_id { P_NOBODY, P_ADMIN, P_ADMIN_COOKIE, P_CAM, P_PIM, P_PARTNER, P_PARTNER_COOKIE,
                  P_POSTHOUSE, N_PERSONAS };

struct persona {
    const char *email;
    enum role role;
    int org; /* 0 staff, 1 the partner, 2 the posthouse */
    bool cookie;
    int64_t user_id;
    char token[SECRET_TOKEN_LEN + 1];
    char hash[SECRET_HASH_LEN + 1];
    char csrf[SECRET_TOKEN_LEN + 1];
};

static struct persona personas[N_PERSONAS] = {
    [P_ADMIN] = {"admin@fuzz.test", ROLE_ADMIN, 0, false},
    [P_ADMIN_COOKIE] = {"admin@fuzz.test", ROLE_ADMIN, 0, true},
    [P_CAM] = {"cam@fuzz.test", ROLE_CAM, 0, false},
    [P_PIM] = {"pim@fuzz.test", ROLE_PIM, 0, false},
    [P_PARTNER] = {"partner@fuzz.test", ROLE_PARTNER, 1, false},
    [P_PARTNER_COOKIE] = {"partner@fuzz.test", ROLE_PARTNER, 1, true},
    [P_POSTHOUSE] = {"posthouse@fuzz.test", ROLE_POSTHOUSE, 2, false},
};

static struct http_conf app;
static struct http_server *server; /* lives as long as the process */
static int port;
static char upload_id[64] = "0";     /* an upload of the partner */
static char invitation[128] = "x";   /* the partner's invitation token, when found */

/* ---- the client ---- */

static unsigned long n_unanswered; /* requests that got neither answer nor close */

/*
 * Sends len bytes as one request on a new connection, closes our side for
 * writing (so a request that announced more body than it has ends there),
 * and reads the answer to the end into resp (may be NULL); returns false
 * when neither answer nor close came within wait_ms.
 *
 * The pause before the close works around libmicrohttpd 0.9.75 under
 * epoll: when a short request and our FIN arrive together it reads the
 * bytes and misses the end of the stream, and the connection then waits
 * for its idle timeout instead of closing.
 */
static bool exchange_once(const char *req, size_t len, struct buf *resp, int wait_ms)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        perror("fuzz_http: socket");
        abort();
    }
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        /* libFuzzer's timers interrupt us: the connection goes on, wait for it */
        int e = errno;
        if (e == EINTR) {
            struct pollfd p = {fd, POLLOUT, 0};
            while (poll(&p, 1, -1) < 0 && errno == EINTR)
                continue;
            socklen_t e_len = sizeof e;
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &e_len) < 0)
                e = errno;
        }
        if (e) {
            fprintf(stderr, "fuzz_http: connect: %s\n", strerror(e));
            abort();
        }
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    size_t off = 0;
    while (off < len) {
        ssize_t n = send(fd, req + off, len - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* the server closed early (it answered an error): read what it said */
        off += (size_t)n;
    }
    usleep(300);
    shutdown(fd, SHUT_WR);
    char chunk[16384];
    bool answered = true;
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        int rc = poll(&p, 1, wait_ms);
        if (rc == 0) {
            answered = false;
            break;
        }
        if (rc < 0 && errno == EINTR)
            continue;
        ssize_t n = recv(fd, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (resp)
            buf_add(resp, chunk, (size_t)n);
    }
    if (!answered) { /* reset, so that the server drops the connection now */
        struct linger lg = {1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    close(fd);
    return answered;
}

/*
 * exchange_once, and when no answer came: a request that still waits for
 * bytes we never sent is the client's fault (it is reset), but a server
 * that no longer answers /healthz either has hung, which aborts.
 */
static void exchange(const char *req, size_t len, struct buf *resp)
{
    if (exchange_once(req, len, resp, 2000))
        return;
    n_unanswered++;
    if (n_unanswered < 10 || n_unanswered % 100 == 0)
        fprintf(stderr, "fuzz_http: no answer to a request of %zu bytes (%lu so far): %.*s\n",
                len, n_unanswered, (int)(len < 200 ? len : 200), req);
    static const char health[] = "GET /healthz HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n";
    struct buf h = {0};
    bool ok = exchange_once(health, sizeof health - 1, &h, ANSWER_TIMEOUT_MS);
    ok = ok && !strncmp(buf_str(&h), "HTTP/1.1 200", 12);
    buf_free(&h);
    if (ok)
        return;
    fprintf(stderr, "fuzz_http: the server no longer answers /healthz after that request\n");
    if (getenv("FUZZ_HTTP_GDB")) { /* where the server's threads are */
        char cmd[128];
        snprintf(cmd, sizeof cmd, "gdb -p %d -batch -ex 'thread apply all bt' 1>&2",
                 (int)getpid());
        if (system(cmd) != 0)
            fprintf(stderr, "fuzz_http: gdb failed\n");
    }
    abort();
}

/* The JSON body of an answer, or NULL. */
static json_t *answer_json(const struct buf *resp, int *status)
{
    const char *s = buf_str(resp);
    *status = 0;
    sscanf(s, "HTTP/1.%*d %d", status);
    const char *body = strstr(s, "\r\n\r\n");
    return body ? json_loads(body + 4, JSON_DECODE_ANY, NULL) : NULL;
}

/* A setup call as persona who; returns the JSON answer (caller owns) or NULL. */
static json_t *call(int who, const char *method, const char *path, const char *json_body,
                    const char *extra_headers, int *status)
{
    struct buf req = {0}, resp = {0};
    const char *body = json_body ? json_body : "";
    buf_printf(&req, "%s %s HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n", method, path);
    if (who != P_NOBODY)
        buf_printf(&req, "Authorization: Bearer %s\r\n", personas[who].token);
    if (json_body)
        buf_printf(&req, "Content-Type: application/json\r\n");
    buf_printf(&req, "%sContent-Length: %zu\r\n\r\n%s", extra_headers ? extra_headers : "",
               strlen(body), body);
    exchange(req.data, req.len, &resp);
    int st;
    json_t *j = answer_json(&resp, &st);
    if (status)
        *status = st;
    if (st < 200 || st > 299) {
        const char *b = strstr(buf_str(&resp), "\r\n\r\n");
        fprintf(stderr, "fuzz_http: setup %s %s: %d %.300s\n", method, path, st, b ? b + 4 : "");
    }
    buf_free(&req);
    buf_free(&resp);
    return j;
}

static int64_t json_id(json_t *j)
{
    int64_t id = j ? (int64_t)json_integer_value(json_object_get(j, "id")) : 0;
    json_decref(j);
    return id;
}

/* ---- the world ---- */

static void die_setup(const char *what)
{
    fprintf(stderr, "fuzz_http: setup failed: %s\n", what);
    exit(1);
}

/* Adds a user directly in the store (no API creates the first admin). */
static int64_t add_user(struct store *store, const char *email, enum role role,
                        int64_t partner_id, const char *pwhash)
{
    struct db *db = store_get(store);
    struct user u = {0};
    u.email = (char *)email;
    u.name = (char *)email;
    u.role = role;
    u.partner_id = partner_id;
    u.password_hash = (char *)pwhash;
    u.created_at = now_get();
    int64_t id = 0;
    if (store_begin(db) < 0 || store_user_add(db, &u, &id) < 0 || store_commit(db) < 0)
        die_setup(email);
    store_put(store, db);
    return id;
}

/* Gives persona i a session of its own (its token known here). */
static void make_session(struct store *store, int i)
{
    struct persona *p = &personas[i];
    secret_token(p->token);
    secret_csrf(p->token, p->csrf); /* derived from the session, as the server derives it */
    secret_hash(p->token, p->hash);
    struct db *db = store_get(store);
    int64_t now = now_real();
    if (store_begin(db) < 0 ||
        store_token_add(db, p->hash, TOKEN_SESSION, p->user_id, "fuzz", now,
                        now + 30 * 86400) < 0 ||
        store_commit(db) < 0)
        die_setup("session");
    store_put(store, db);
}

/* Puts back the sessions that the last input ended (sign-out, password change, revocation). */
static void keep_sessions(void)
{
    struct db *db = store_get(app.store);
    struct arena a = {0};
    int64_t now = now_real();
    for (int i = 1; i < N_PERSONAS; i++) {
        struct persona *p = &personas[i];
        struct token_row row;
        if (store_token_lookup(db, &a, p->hash, now, &row) == STORE_OK)
            continue;
        if (store_begin(db) < 0 ||
            store_token_add(db, p->hash, TOKEN_SESSION, p->user_id, "fuzz", now,
                            now + 30 * 86400) < 0 ||
            store_commit(db) < 0) {
            store_rollback(db);
            fprintf(stderr, "fuzz_http: could not restore the session of %s\n", p->email);
        }
    }
    arena_free(&a);
    store_put(app.store, db);
}

/*
 * Runs one statement on the store's SQLite file directly, for what the API
 * would take many steps to reach (a partner in training); with a column,
 * copies the first row's first value into out.
 */
static void sql(const char *stmt, char *out, size_t out_len)
{
    char *path = xasprintf("%s/vodgate.db", app.data_dir);
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK || sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
        sqlite3_prepare_v2(db, stmt, -1, &st, NULL) != SQLITE_OK)
        die_setup(sqlite3_errmsg(db));
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && out && sqlite3_column_text(st, 0))
        snprintf(out, out_len, "%s", (const char *)sqlite3_column_text(st, 0));
    else if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        die_setup(sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(path);
}

/*
 * Copies into out (cap bytes) what follows the first marker in text, up to a
 * byte of stop; leaves out as it was and returns false when there is no
 * marker or the value does not fit.
 */
static bool copy_after(const char *text, const char *marker, const char *stop, char *out,
                       size_t cap)
{
    const char *at = strstr(text, marker);
    if (!at)
        return false;
    at += strlen(marker);
    size_t n = strcspn(at, stop);
    if (n >= cap)
        return false;
    memcpy(out, at, n);
    out[n] = '\0';
    return true;
}

/* The partner's invitation token, from the questionnaire mail in the outbox. */
static void find_invitation(void)
{
    char stored[8192] = "";
    sql("SELECT body FROM outbox WHERE body LIKE '%/invitations/%' ORDER BY id LIMIT 1", stored,
        sizeof stored);
    struct buf open = {0}; /* the outbox keeps the link sealed (jobs/mail_links.c) */
    mail_body_open(stored, &open);
    char body[8192];
    snprintf(body, sizeof body, "%s", buf_str(&open));
    buf_free(&open);
    copy_after(body, "/invitations/", "\"\\ \r\n?&>", invitation, sizeof invitation);
}

static void make_world(void)
{
    char pwhash[SECRET_PWHASH_MAX];
    if (secret_password_hash(PASSWORD, pwhash) < 0)
        die_setup("password hash");
    int64_t admin = add_user(app.store, personas[P_ADMIN].email, ROLE_ADMIN, 0, pwhash);
    personas[P_ADMIN].user_id = personas[P_ADMIN_COOKIE].user_id = admin;
    make_session(app.store, P_ADMIN);
    make_session(app.store, P_ADMIN_COOKIE);
    personas[P_CAM].user_id = add_user(app.store, personas[P_CAM].email, ROLE_CAM, 0, pwhash);
    personas[P_PIM].user_id = add_user(app.store, personas[P_PIM].email, ROLE_PIM, 0, pwhash);
    make_session(app.store, P_CAM);
    make_session(app.store, P_PIM);

    int64_t posthouse = json_id(call(P_ADMIN, "POST", "/api/v1/partners",
                                     "{\"name\":\"Fuzz Post\",\"contact_email\":\"post@fuzz.test\","
                                     "\"time_zone\":\"Europe/London\",\"posthouse\":true}",
                                     NULL, NULL));
    int64_t partner = json_id(call(P_ADMIN, "POST", "/api/v1/partners",
                                   "{\"name\":\"Fuzz Films\",\"contact_email\":\"films@fuzz.test\","
                                   "\"time_zone\":\"Europe/Paris\",\"channels\":true}",
                                   NULL, NULL));
    if (!partner || !posthouse)
        die_setup("partners");
    int64_t pu = add_user(app.store, personas[P_PARTNER].email, ROLE_PARTNER, partner, pwhash);
    personas[P_PARTNER].user_id = personas[P_PARTNER_COOKIE].user_id = pu;
    make_session(app.store, P_PARTNER);
    make_session(app.store, P_PARTNER_COOKIE);
    personas[P_POSTHOUSE].user_id =
        add_user(app.store, personas[P_POSTHOUSE].email, ROLE_POSTHOUSE, posthouse, pwhash);
    make_session(app.store, P_POSTHOUSE);

    char path[256], body[512];
    json_decref(call(P_ADMIN, "POST", "/api/v1/calendars",
                     "{\"name\":\"Fuzz holidays\",\"time_zone\":\"Europe/Paris\",\"working_days\":[1,2,3,4,5],"
                     "\"years\":[2026,2027]}", NULL,
                     NULL));
    snprintf(path, sizeof path, "/api/v1/partners/%lld/owners", (long long)partner);
    snprintf(body, sizeof body, "{\"cam\":%lld,\"pim\":%lld}", (long long)personas[P_CAM].user_id,
             (long long)personas[P_PIM].user_id);
    json_decref(call(P_ADMIN, "PUT", path, body, NULL, NULL));
    snprintf(path, sizeof path, "/api/v1/partners/%lld/questionnaire/send", (long long)partner);
    json_decref(call(P_ADMIN, "POST", path, "{}", NULL, NULL));
    find_invitation();
    /* Requests and deliveries need a partner in training: skip the steps before it. */
    char stmt[128];
    snprintf(stmt, sizeof stmt, "UPDATE partners SET stage = 'training' WHERE id = %lld",
             (long long)partner);
    sql(stmt, NULL, 0);
    snprintf(path, sizeof path, "/api/v1/partners/%lld/requests", (long long)partner);
    int64_t request = json_id(call(P_ADMIN, "POST", path,
                                   "{\"kind\":\"avails\",\"title\":\"Fuzz avails\","
                                   "\"note\":\"please\"}",
                                   NULL, NULL));

    /* An upload of 5 bytes, complete, then a delivery of it. */
    struct buf req = {0}, resp = {0};
    buf_printf(&req,
               "POST /files/ HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n"
               "Authorization: Bearer %s\r\nTus-Resumable: 1.0.0\r\nUpload-Length: 5\r\n"
               "Upload-Metadata: filename YS54bWw=\r\n"
               "Content-Type: application/offset+octet-stream\r\nContent-Length: 5\r\n\r\n<a/>\n",
               personas[P_PARTNER].token);
    exchange(req.data, req.len, &resp);
    if (!copy_after(buf_str(&resp), "/files/", "\r\n", upload_id, sizeof upload_id))
        fprintf(stderr, "fuzz_http: setup upload: %.300s\n", buf_str(&resp));
    buf_free(&req);
    buf_free(&resp);
    snprintf(body, sizeof body,
             "{\"partner\":%lld,\"request\":%lld,\"kind\":\"avails\",\"files\":[\"%s\"]}",
             (long long)partner, (long long)request, upload_id);
    json_decref(call(P_PARTNER, "POST", "/api/v1/deliveries", body, NULL, NULL));
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *keep = getenv("FUZZ_HTTP_DATA");
    char tmpl[] = "/tmp/fuzz_http.XXXXXX";
    const char *dir = keep ? keep : mkdtemp(tmpl);
    if (!dir)
        die_setup("mkdtemp");
    if (secret_init() < 0)
        die_setup("libsodium");
    char *err = NULL;
    char *key = xasprintf("%s/secret.key", dir); /* invitation links are sealed with it */
    if (secret_key_load(key, &err) < 0)
        die_setup(err);
    free(key);
    struct store *store;
    if (store_open(NULL, dir, &store, &err) < 0)
        die_setup(err);
    const char *q = getenv("VODGATE_QUESTIONNAIRE");
    if (questionnaire_def_init(store, q ? q : "data/questionnaire.json", &err) < 0)
        die_setup(err);
    app_set_public_url("http://fuzz.test");
    sweep_use_handlers(warnings_clock_handlers, n_warnings_clock_handlers);
    app.store = store;
    app.data_dir = xstrdup(dir);
    app.max_body = 1 << 20;
    app.session_ttl = 43200;
    app.conn_timeout = 30;
    struct ingest_opts uo = {1 << 20, 0, 604800};
    if (ingest_open(store, app.data_dir, &uo, &app.ingest, &err) < 0)
        die_setup(err);
    /* The request log goes nowhere: it is taken before http_start would take stderr. */
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    access_log_start(devnull);
    int threads = getenv("FUZZ_HTTP_THREADS") ? atoi(getenv("FUZZ_HTTP_THREADS")) : 2;
    web_register();
    if (http_start(&app, "127.0.0.1:0", threads, &server, &port) < 0)
        die_setup("http_start");
    make_world();
    fprintf(stderr, "fuzz_http: world ready in %s (upload %s, invitation %s)\n", dir, upload_id,
            invitation);
    return 0; /* the server lives as long as the process */
}

/* ---- one input, one request ---- */

/* The next line of the input (without its \n) in *line and *n; false at the end. */
static bool next_line(const uint8_t **p, const uint8_t *end, const char **line, size_t *n)
{
    if (*p >= end)
        return false;
    const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
    const uint8_t *stop = nl ? nl : end;
    *line = (const char *)*p;
    *n = (size_t)(stop - *p);
    *p = nl ? nl + 1 : end;
    return true;
}

/* What an empty {param} becomes: something that exists, by what the route's parameter names. */
static const char *param_default(const struct route *rt, const char *name, size_t name_len)
{
    if (!strncmp(name, "token", name_len))
        return invitation;
    if (!strncmp(name, "name", name_len))
        return "app.css";
    if (!strncmp(name, "item", name_len))
        return "alias";
    if (rt->scope == SCOPE_UPLOAD)
        return upload_id;
    if (rt->scope == SCOPE_PARTNER)
        return "2";
    return "1";
}

static void structured(const uint8_t *data, size_t len, struct buf *req)
{
    static const char *methods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
                                    "TRACE"};
    const uint8_t *p = data, *end = data + len;
    uint8_t b0 = p < end ? *p++ : 0;
    uint8_t b1 = p < end ? *p++ : 0;
    uint8_t b2 = p < end ? *p++ : 0;
    const struct persona *who = &personas[b0 % N_PERSONAS];
    const struct route *rt = http_route(b1 % http_n_routes());
    const char *method = b2 < 128 ? rt->method : methods[b2 % 8];

    buf_printf(req, "%s ", method);
    for (const char *s = rt->pattern; *s;) {
        if (*s != '{') {
            buf_putc(req, *s++);
            continue;
        }
        const char *close = strchr(s, '}');
        const char *line;
        size_t n;
        if (next_line(&p, end, &line, &n) && n > 0)
            buf_add(req, line, n);
        else
            buf_puts(req, param_default(rt, s + 1, (size_t)(close - s - 1)));
        s = close + 1;
    }
    const char *line;
    size_t n;
    if (next_line(&p, end, &line, &n) && n > 0) {
        buf_putc(req, '?');
        buf_add(req, line, n);
    }
    buf_puts(req, " HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n");
    if (who->user_id && who->cookie)
        buf_printf(req, "Cookie: vodgate_session=%s\r\nX-CSRF-Token: %s\r\n", who->token,
                   who->csrf);
    else if (who->user_id)
        buf_printf(req, "Authorization: Bearer %s\r\n", who->token);
    while (next_line(&p, end, &line, &n) && n > 0) {
        buf_add(req, line, n);
        buf_puts(req, "\r\n");
    }
    /* The body: a page's form carries the session's csrf field first. */
    struct buf body = {0};
    bool page_form = (rt->flags & ROUTE_PAGE) && !strcmp(method, "POST");
    if (page_form && who->cookie)
        buf_printf(&body, "csrf=%s&", who->csrf);
    buf_add(&body, p, (size_t)(end - p));
    if (b0 & 0x20)
        buf_printf(req, "Content-Type: %s\r\n",
                   page_form ? "application/x-www-form-urlencoded" : "application/json");
    if (!(b0 & 0x40))
        buf_printf(req, "Content-Length: %zu\r\n", body.len);
    buf_puts(req, "\r\n");
    buf_add(req, body.data ? body.data : "", body.len);
    buf_free(&body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len == 0)
        return 0;
    keep_sessions();
    struct buf req = {0};
    if (data[0] & 0x80)
        buf_add(&req, data + 1, len - 1); /* the raw request, from its request line */
    else
        structured(data, len, &req);
    struct buf resp = {0};
    exchange(req.data ? req.data : "", req.len, &resp);
    /*
     * A 500 is the server failing a request it should have answered: a store
     * error, a handler that gave no answer, or (where failures are recovered
     * instead of aborting) a broken invariant. FUZZ_HTTP_ALLOW_500=1 lets
     * them pass.
     */
    if (!strncmp(buf_str(&resp), "HTTP/1.1 500", 12) && !getenv("FUZZ_HTTP_ALLOW_500")) {
        fprintf(stderr, "fuzz_http: answered 500 to: %.*s\nthe answer: %.*s\n",
                (int)(req.len < 1000 ? req.len : 1000), buf_str(&req),
                (int)(resp.len < 2000 ? resp.len : 2000), buf_str(&resp));
        abort();
    }
    buf_free(&resp);
    buf_free(&req);
    return 0;
}
