/*
 * The HTTP server: the only file that knows libmicrohttpd.
 *
 * libmicrohttpd runs an internal pool of polling threads. For each request
 * the access handler is called several times: first with the headers (we
 * match the route, resolve who is asking, and check role and CSRF, so that a
 * refused request is answered before its body is read), then once per piece
 * of body (appended to the request's buffer, bounded by max_body: 413 past
 * it), then a last time to run the handler and queue the answer. The
 * completion callback writes the one log line of the request and frees its
 * arena and store connection.
 *
 * ROUTE_RAW routes stream instead (see struct req_stream in http.h): the
 * handler runs on the first call, then takes each piece of body as it
 * comes. A handler that cannot take a piece yet (its disk pipeline is full)
 * takes part of it; the connection is then suspended, so the polling thread
 * serves its other connections and TCP flow control holds the client, until
 * req_resume() from the handler's worker thread. At shutdown the suspended
 * connections are resumed and closed (libmicrohttpd must not be stopped with
 * any suspended), and each stream hears end(complete = false).
 *
 * X-HTTP-Method-Override (tus) replaces the method before routing, so the
 * role and CSRF checks see the method that is acted on.
 *
 * Nothing a client sends can stop the process. Before routing, the door
 * refuses what no handler should ever see: an unknown method (501), a path
 * or Host that is not UTF-8 text (400), and for an API route a query
 * argument that is not (422 naming it, as a handler names a value it cannot
 * take), answered without repeating the bytes back. Every handler call runs under a recovery point
 * (base/recover.h): a broken invariant or a store failure inside one request
 * answers that request 500, logs the cause, closes its database connection
 * and leaves every other request alone. A JSON answer that could not be
 * built (jansson refuses text that is not UTF-8) is a 500 too, never an
 * abort.
 *
 * The client (req_client, for the sign-in throttle) is the connection's
 * peer address; only a request from app->trusted_proxy may name another with
 * X-Forwarded-For (its last entry, the one the proxy itself appended), so a
 * client cannot pass for another by sending the header. A session's CSRF
 * token is derived from its token here (secret_csrf), never read from storage.
 *
 * Shutdown: SIGTERM or SIGINT stops accepting, waits for the requests in
 * flight to finish (bounded), stops the daemon and returns 0.
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/transfer.h"
#include "base/now.h"
#include "base/recover.h"
#include "base/secret.h"
#include "base/timefmt.h"
#include "base/utf8.h"
#include "http/access_log.h"
#include "http/json_out.h"
#include "store/token_cache.h"

#define SESSION_COOKIE "vodgate_session"

/*
 * libmicrohttpd's memory pool per connection: the request's headers, and its
 * read buffer (half the pool), which bounds the pieces of body a streaming
 * upload is handed (32 KiB here). libmicrohttpd 0.9.75 zeroes the whole pool
 * before each request of a kept-alive connection, so every byte of it is paid
 * by every request: at 256 KiB that memset was a fifth of the CPU of a
 * signed-in read. 64 KiB costs reads little over libmicrohttpd's default
 * (32 KiB) and uploads the same CPU per GiB as 256 KiB (bench/RESULTS.md).
 */
#define CONN_POOL_BYTES (64 * 1024)

/* r->method of a method vodgate does not serve (the door answers 501; the log says this). */
static const char unknown_method[] = "(unknown)";

static atomic_int n_active; /* requests between first call and completion */

/* Suspended streaming requests, so that shutdown can resume (and close) them. */
static pthread_mutex_t suspend_lock = PTHREAD_MUTEX_INITIALIZER;
static struct req *suspended_head; /* guarded by suspend_lock */
static bool stopping;              /* guarded by suspend_lock: never suspend again */

static const char security_csp[] =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * The path as logs may show it, one field of one line: a route whose path
 * carries a one-time token (/invitations/{token}) is logged by its pattern
 * with the token left out, so that the log cannot be replayed; spaces,
 * control bytes and bytes that are not UTF-8 are written %XX, so that a path
 * can neither split the line's fields nor forge a line. Allocates from r's
 * arena when it rewrites.
 */
static const char *log_path(const struct req *r)
{
    const char *at = r->route ? strstr(r->route->pattern, "{token}") : NULL;
    if (at)
        return arena_printf((struct arena *)&r->arena, "%.*s(token)%s",
                            (int)(at - r->route->pattern), r->route->pattern, at + 7);
    const unsigned char *s = (const unsigned char *)r->path;
    size_t n = strlen(r->path);
    bool plain = utf8_valid(r->path, n);
    for (size_t i = 0; plain && i < n; i++)
        plain = s[i] > 0x20 && s[i] != 0x7F;
    if (plain)
        return r->path;
    struct buf b = {0};
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = s[i] >= 0x80 ? utf8_decode(s + i, n - i, &cp) : 0;
        if (len) {
            buf_add(&b, s + i, len);
            i += len;
        } else if (s[i] <= 0x20 || s[i] >= 0x7F) {
            buf_printf(&b, "%%%02X", s[i++]);
        } else {
            buf_putc(&b, (char)s[i++]);
        }
    }
    const char *out = arena_strdup((struct arena *)&r->arena, buf_str(&b));
    buf_free(&b);
    return out;
}

/* ---- what handlers call ---- */

struct db *req_db(struct req *r)
{
    if (!r->db) {
        r->db = store_get(r->conf->store);
        /* a read's queries share one snapshot (one SQLite read transaction, not one each) */
        if (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD"))
            store_share_reads(r->db);
    }
    return r->db;
}

/* req_db for callbacks that take a void *. */
static struct db *req_db_of(void *r)
{
    return req_db(r);
}

const char *req_header(struct req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/* The address of sa as text in the arena ("?" for a family that has none). */
static const char *address_text(struct arena *a, const struct sockaddr *sa)
{
    char text[INET6_ADDRSTRLEN] = "?";
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text, sizeof text);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, text, sizeof text);
    return arena_strdup(a, text);
}

const char *req_client(struct req *r)
{
    if (r->client)
        return r->client;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    r->client = address_text(&r->arena, ci ? ci->client_addr : NULL);
    const char *xff = req_header(r, "X-Forwarded-For");
    if (r->conf->trusted_proxy && xff && !strcmp(r->client, r->conf->trusted_proxy)) {
        const char *last = strrchr(xff, ',');
        last = last ? last + 1 : xff;
        while (*last == ' ' || *last == '\t')
            last++;
        size_t n = strcspn(last, " \t");
        if (n > 0)
            r->client = arena_strndup(&r->arena, last, n);
    }
    return r->client;
}

const char *req_cookie(struct req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *req_query(struct req *r, const char *name)
{
    const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
    /* An API route never gets here with one that is not text (query_is_text refused it); a
     * page reads it as absent: nonsense in its URL falls back to its defaults. */
    return v && utf8_valid(v, strlen(v)) ? v : NULL;
}

int64_t req_param_id(struct req *r, int i)
{
    if (i >= r->n_params)
        return 0;
    const char *s = r->params[i];
    int64_t v = 0;
    if (!*s || strlen(s) > 18)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        v = v * 10 + (*s - '0');
    }
    return v;
}

void reply_bytes(struct req *r, int status, const char *content_type, const char *data, size_t len)
{
    VG_ASSERT(r->status == 0);
    r->status = status;
    r->content_type = content_type;
    buf_reset(&r->out);
    buf_add(&r->out, data, len);
}

void reply_json(struct req *r, int status, json_t *body)
{
    if (!body) { /* a builder refused its input (text that is not UTF-8): a fault of ours */
        fprintf(stderr, "vodgate: internal: the JSON answer to %s %s could not be built\n",
                r->method, log_path(r));
        reply_internal(r);
        return;
    }
    VG_ASSERT(r->status == 0);
    r->status = status;
    r->content_type = "application/json";
    buf_reset(&r->out);
    json_out(&r->out, body); /* what json_dumps(COMPACT | ENSURE_ASCII) writes, faster */
    json_decref(body);
}

/* The portal's answers (http_set_page_hooks); all NULL when no portal is registered. */
static struct page_hooks pages;

void http_set_page_hooks(const struct page_hooks *hooks)
{
    pages = *hooks;
}

#define INTERNAL_MESSAGE "the server could not complete this request; try again"

void reply_internal(struct req *r)
{
    static const char json[] =
        "{\"error\":{\"code\":\"internal\",\"message\":\"" INTERNAL_MESSAGE "\"}}";
    r->status = 0;
    buf_reset(&r->out);
    if (r->route && (r->route->flags & ROUTE_PAGE) && pages.internal)
        pages.internal(r);
    else
        reply_bytes(r, 500, "application/json", json, sizeof json - 1);
}

static void reply_error_v(struct req *r, int status, const char *code, json_t *extra,
                          const char *fmt, va_list ap)
{
    struct buf raw = {0}, msg = {0};
    buf_vprintf(&raw, fmt, ap);
    buf_add_utf8(&msg, buf_str(&raw), raw.len); /* it may repeat what the client sent */
    json_t *err = json_pack("{s:s, s:s}", "code", code, "message", buf_str(&msg));
    buf_free(&raw);
    buf_free(&msg);
    if (extra)
        json_object_update(err, extra);
    json_decref(extra);
    reply_json(r, status, json_pack("{s:o}", "error", err));
}

void reply_error(struct req *r, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    reply_error_v(r, status, code, NULL, fmt, ap);
    va_end(ap);
}

void reply_error_extra(struct req *r, int status, const char *code, json_t *extra, const char *fmt,
                       ...)
{
    va_list ap;
    va_start(ap, fmt);
    reply_error_v(r, status, code, extra, fmt, ap);
    va_end(ap);
}

void reply_header(struct req *r, const char *name, const char *value)
{
    for (int i = 0; i < REQ_MAX_HEADERS; i++) {
        if (!r->extra_header[i][0]) {
            r->extra_header[i][0] = arena_strdup(&r->arena, name);
            r->extra_header[i][1] = arena_strdup(&r->arena, value);
            return;
        }
    }
    VG_ASSERT(!"too many extra headers");
}

void reply_policy(struct req *r, enum policy_result pr)
{
    if (r->route && (r->route->flags & ROUTE_PAGE) && pages.deny) {
        pages.deny(r, pr);
        return;
    }
    switch (pr) {
    case POLICY_UNAUTHENTICATED:
        if (req_header(r, MHD_HTTP_HEADER_AUTHORIZATION))
            reply_error(r, 401, "unauthenticated",
                        "the credentials sent are not valid (unknown, expired, revoked or "
                        "replaced by new ones): sign in again, or ask for new transfer "
                        "credentials");
        else
            reply_error(r, 401, "unauthenticated", "sign in first: POST /api/v1/session");
        break;
    case POLICY_FORBIDDEN:
        if (r->signed_in && r->who.kind == PRINCIPAL_TRANSFER)
            reply_error(r, 403, "forbidden",
                        "transfer credentials only upload and deliver (/files/, "
                        "/api/v1/uploads, /api/v1/deliveries): sign in as a person for the rest");
        else
            reply_error(r, 403, "forbidden", "your role (%s) may not do this",
                        role_name(r->who.role));
        break;
    case POLICY_NOT_FOUND:
        reply_error(r, 404, "not_found", "no such resource");
        break;
    case POLICY_ALLOW:
        VG_ASSERT(!"reply_policy on an allowed request");
    }
}

void reply_store_error(struct req *r, int rc)
{
    if (rc == STORE_ERR_NOT_FOUND) {
        reply_error(r, 404, "not_found", "no such resource");
        return;
    }
    fprintf(stderr, "vodgate: store error %d on %s %s\n", rc, r->method, log_path(r));
    reply_internal(r);
}

/* A page POST's form, parsed and checked by the portal; refused when there is no portal. */
static bool admit_page_form(struct req *r)
{
    if (pages.form_admit)
        return pages.form_admit(r);
    reply_error(r, 404, "not_found", "no such page or endpoint: %s", r->path);
    return false;
}

/* ---- routing and the checks before any handler ---- */

bool req_allow(struct req *r, enum action action, enum scope s, const char *id,
               struct scoped *out)
{
    struct scoped tmp;
    int store_rc;
    int pr = scope_allow(req_db(r), &r->arena, r->signed_in ? &r->who : NULL, action, s,
                         id ? id : "", out ? out : &tmp, &store_rc);
    if (store_rc) {
        reply_store_error(r, store_rc);
        return false;
    }
    if (pr == POLICY_ALLOW)
        return true;
    /* a page shows its own refusal; the API says what of scope s was refused */
    const char *yours = scope_not_yours_text(s);
    if (r->route && (r->route->flags & ROUTE_PAGE))
        reply_policy(r, pr);
    else if (pr == POLICY_NOT_FOUND)
        reply_error(r, 404, "not_found", "%s", scope_not_found_text(s));
    else if (pr == POLICY_FORBIDDEN && yours && policy_role_may(&r->who, action) == POLICY_ALLOW)
        reply_error(r, 403, "forbidden", "%s", yours);
    else
        reply_policy(r, pr);
    return false;
}

/*
 * The isolation rule, once for every route: the thing the route's {id}
 * names is loaded, followed to the organisation that owns it, and the
 * route's policy decides before the handler runs (app/scope.h). Public
 * routes have nothing to protect.
 */
static bool admit_scope(struct req *r)
{
    if (r->route->scope == SCOPE_NONE || policy_is_public(r->route->action))
        return true;
    r->scoped = arena_alloc(&r->arena, sizeof *r->scoped);
    return req_allow(r, r->route->action, r->route->scope, r->n_params ? r->params[0] : "",
                     r->scoped);
}

/* Matches path against pattern, filling r->params. */
static bool route_match(struct req *r, const char *pattern, const char *path)
{
    int n = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *end = strchr(p, '}');
            VG_ASSERT(end);
            size_t len = strcspn(s, "/");
            if (len == 0 || n == REQ_MAX_PARAMS)
                return false;
            r->params[n++] = arena_strndup(&r->arena, s, len);
            p = end + 1;
            s += len;
        } else if (*p == *s) {
            p++, s++;
        } else {
            return false;
        }
    }
    if (*p || *s)
        return false;
    r->n_params = n;
    return true;
}

/* Whether r is a browser asking for a page: HTML accepted, a path outside the API and tus. */
static bool wants_page(struct req *r)
{
    if (!pages.not_found)
        return false;
    const char *accept = req_header(r, MHD_HTTP_HEADER_ACCEPT);
    return accept && strstr(accept, "text/html") && strncmp(r->path, "/api/", 5) &&
           strncmp(r->path, "/files/", 7);
}

/* Finds the route; answers 404/405 itself and returns NULL when there is none. */
static const struct route *route_find(struct req *r)
{
    bool path_known = false;
    struct buf allow = {0};
    for (int i = 0, n = http_n_routes(); i < n; i++) {
        const struct route *rt = http_route(i);
        if (!route_match(r, rt->pattern, r->path))
            continue;
        if (strcmp(rt->method, r->method) == 0 ||
            (strcmp(r->method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0)) {
            buf_free(&allow);
            return rt;
        }
        path_known = true;
        if (!strstr(buf_str(&allow), rt->method))
            buf_printf(&allow, "%s%s", allow.len ? ", " : "", rt->method);
    }
    if (!path_known && wants_page(r)) {
        pages.not_found(r);
    } else if (path_known) {
        reply_header(r, "Allow", buf_str(&allow));
        reply_error(r, 405, "method_not_allowed", "%s is not allowed here; allowed: %s", r->method,
                    buf_str(&allow));
    } else {
        reply_error(r, 404, "not_found", "no such page or endpoint: %s", r->path);
    }
    buf_free(&allow);
    return NULL;
}

/*
 * Signs r in as the transfer credential (app/transfer.h) that secret (and,
 * for HTTP Basic, username) names: an organisation, never a person, and on
 * the API and tus routes only (a portal page is for people: it asks them to
 * sign in). Not cached, so a revoked or replaced secret is refused at once.
 * Returns true when r is signed in.
 */
static bool authenticate_transfer(struct req *r, const char *username, const char *secret)
{
    if (r->route->flags & ROUTE_PAGE)
        return false;
    struct principal p;
    if (transfer_resolve(req_db(r), &r->arena, username, secret, &p) < 0)
        return false;
    r->signed_in = true;
    r->who = p;
    memset(&r->user, 0, sizeof r->user);
    r->user.role = p.role;
    r->user.partner_id = p.org_id;
    /* what the access log shows for who asked */
    r->user.email = arena_printf(&r->arena, "transfer:%lld", (long long)p.org_id);
    r->user.name = r->user.email;
    return true;
}

/* HTTP Basic: a transfer credential's username and secret (people sign in otherwise). */
static void authenticate_basic(struct req *r)
{
    char *password = NULL;
    char *user = MHD_basic_auth_get_username_password(r->conn, &password);
    if (user && password)
        (void)authenticate_transfer(r, user, password);
    if (user)
        MHD_free(user);
    if (password)
        MHD_free(password);
}

/*
 * Resolves who asks into r->user and r->who: the bearer token or session
 * cookie of a person, or a partner's transfer credential (HTTP Basic, or
 * its secret as the bearer token).
 */
static void authenticate(struct req *r)
{
    const char *token = NULL;
    const char *authz = req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
    if (authz && strncasecmp(authz, "Basic ", 6) == 0) {
        authenticate_basic(r);
        return;
    }
    if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
        token = authz + 7;
    } else {
        token = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
        r->via_cookie = token != NULL;
    }
    const char *feed = (r->route->flags & ROUTE_FEED) ? req_query(r, "token") : NULL;
    if (!token && feed && strlen(feed) == SECRET_TOKEN_LEN) {
        char hash[SECRET_HASH_LEN + 1];
        secret_hash(feed, hash);
        if (store_feed_user(req_db(r), &r->arena, hash, &r->user) == STORE_OK) {
            r->signed_in = true;
            r->who.user_id = r->user.id;
            r->who.role = r->user.role;
            r->who.org_id = r->user.partner_id;
        }
        return;
    }
    if (!token || strlen(token) != SECRET_TOKEN_LEN) {
        r->via_cookie = false;
        return;
    }
    char hash[SECRET_HASH_LEN + 1];
    secret_hash(token, hash);
    struct token_row row; /* through the resolved-token cache: see store/token_cache.h */
    if (store_token_lookup_cached(req_db_of, r, &r->arena, hash, now_real(), &row) != STORE_OK) {
        /* not a person's token: a transfer credential's secret sent as the bearer token? */
        if (!r->via_cookie)
            (void)authenticate_transfer(r, NULL, token);
        r->via_cookie = false;
        return;
    }
    r->signed_in = true;
    r->user = row.user;
    r->who.user_id = row.user.id;
    r->who.role = row.user.role;
    r->who.org_id = row.user.partner_id;
    /* for every token, not only cookies: a page signed in with a bearer token renders forms
       too (the check in admit() applies to cookie sessions only) */
    r->csrf = arena_alloc(&r->arena, SECRET_TOKEN_LEN + 1);
    secret_csrf(token, r->csrf);
    r->token_hash = arena_strdup(&r->arena, hash);
}

static bool is_safe_method(const char *m)
{
    return !strcmp(m, "GET") || !strcmp(m, "HEAD") || !strcmp(m, "OPTIONS");
}

/* The first query argument that is not text: its name (NULL when the name is not text). */
struct bad_arg {
    bool found;
    const char *key;
};

/* MHD_KeyValueIterator: notes in *cls (struct bad_arg) the first argument that is not UTF-8. */
static enum MHD_Result arg_is_text(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    struct bad_arg *bad = cls;
    bool key_ok = utf8_valid(key, strlen(key));
    if (key_ok && (!value || utf8_valid(value, strlen(value))))
        return MHD_YES;
    bad->found = true;
    bad->key = key_ok ? key : NULL;
    return MHD_NO;
}

/* Whether s is a Host header's value: host[:port] in printable ASCII. */
static bool host_ok(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7F || strchr("/\\\"<>'`", *s))
            return false;
    return true;
}

/*
 * What no handler should see, refused before routing without repeating it:
 * a method vodgate does not serve, and a path or Host that is not text.
 * Returns false when r is answered.
 */
static bool door(struct req *r)
{
    if (r->method == unknown_method) {
        reply_error(r, 501, "not_implemented",
                    "this method is not served here (GET, HEAD, POST, PUT, PATCH, DELETE, "
                    "OPTIONS are)");
        return false;
    }
    if (!utf8_valid(r->path, strlen(r->path))) {
        if (wants_page(r)) /* no page has such an address: the portal's own 404 */
            pages.not_found(r);
        else
            reply_error(r, 400, "bad_request", "the path is not UTF-8 text");
        return false;
    }
    const char *host = req_header(r, MHD_HTTP_HEADER_HOST);
    if (host && !host_ok(host)) {
        reply_error(r, 400, "bad_request", "the Host header is not a host name");
        return false;
    }
    return true;
}

/*
 * Query arguments that are not UTF-8 text, refused for an API route (422
 * naming the argument, as handlers name a value they cannot take). A portal
 * page reads such an argument as absent (req_query): nonsense in a page's URL
 * falls back to the page's defaults, never an error page. Returns false when
 * r is answered.
 */
static bool query_is_text(struct req *r)
{
    if (r->route->flags & ROUTE_PAGE)
        return true;
    struct bad_arg bad = {false, NULL};
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, arg_is_text, &bad);
    if (bad.found && bad.key) {
        reply_error_extra(r, 422, "invalid", json_pack("{s:[s]}", "fields", bad.key),
                          "'%s' is not UTF-8 text", bad.key);
        return false;
    }
    if (bad.found) {
        reply_error(r, 400, "bad_request", "a query argument's name is not UTF-8 text");
        return false;
    }
    return true;
}

/* Everything decided from the headers alone. Returns false when r is already answered. */
static bool admit(struct req *r)
{
    if (!door(r))
        return false;
    r->route = route_find(r);
    if (!r->route || !query_is_text(r))
        return false;
    if ((r->route->flags & ROUTE_TUS) && !tus_precheck(r))
        return false;
    authenticate(r);
    enum policy_result pr = policy_role_may(r->signed_in ? &r->who : NULL, r->route->action);
    if (pr != POLICY_ALLOW) {
        reply_policy(r, pr);
        return false;
    }
    if ((r->route->flags & ROUTE_CSRF) && r->via_cookie && !is_safe_method(r->method)) {
        const char *sent = req_header(r, "X-CSRF-Token");
        if (!sent || !r->csrf || !secret_equal(sent, r->csrf)) {
            reply_error(r, 403, "csrf",
                        "this change needs the X-CSRF-Token header of your session (from "
                        "POST /api/v1/session or GET /api/v1/me)");
            return false;
        }
    }
    const char *cl = req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && !(r->route->flags & ROUTE_RAW) && strtoull(cl, NULL, 10) > r->conf->max_body) {
        reply_error(r, 413, "too_large", "the request body is larger than %zu bytes",
                    r->conf->max_body);
        return false;
    }
    return admit_scope(r);
}

/* ---- libmicrohttpd glue ---- */

static enum MHD_Result send_reply(struct req *r)
{
    if (!r->status)
        reply_error(r, 500, "internal", "the handler gave no answer");
    /* The answer's buffer goes to libmicrohttpd as it is (it frees it): no copy. */
    size_t len = r->out.len;
    struct MHD_Response *resp =
        r->out.data
            ? MHD_create_response_from_buffer(len, buf_detach(&r->out), MHD_RESPMEM_MUST_FREE)
            : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (r->content_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    MHD_add_response_header(resp, "Content-Security-Policy", security_csp);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    bool cache_set = false;
    for (int i = 0; i < REQ_MAX_HEADERS; i++)
        if (r->extra_header[i][0] && !strcasecmp(r->extra_header[i][0], "Cache-Control"))
            cache_set = true;
    if (!cache_set)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (r->set_cookie)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->set_cookie);
    if (r->route && (r->route->flags & ROUTE_TUS))
        MHD_add_response_header(resp, "Tus-Resumable", "1.0.0");
    for (int i = 0; i < REQ_MAX_HEADERS; i++)
        if (r->extra_header[i][0])
            MHD_add_response_header(resp, r->extra_header[i][0], r->extra_header[i][1]);
    enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static const char *const known_methods[] = {"GET",   "HEAD",   "POST",   "PUT",
                                            "PATCH", "DELETE", "OPTIONS"};

/* The static name of a method vodgate serves, or NULL. */
static const char *known_method(const char *m)
{
    for (size_t i = 0; i < sizeof known_methods / sizeof known_methods[0]; i++)
        if (!strcmp(m, known_methods[i]))
            return known_methods[i];
    return NULL;
}

/*
 * The method to act on: X-HTTP-Method-Override when it names one (tus), else
 * the real one; NULL when that is not one vodgate serves (the door answers 501).
 */
static const char *method_of(struct MHD_Connection *conn, const char *method)
{
    const char *o = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-HTTP-Method-Override");
    const char *m = o ? known_method(o) : NULL;
    return m ? m : known_method(method);
}

void req_resume(struct req *r)
{
    pthread_mutex_lock(&suspend_lock);
    if (r->suspended) {
        r->suspended = false;
        for (struct req **p = &suspended_head; *p; p = &(*p)->suspended_next) {
            if (*p == r) {
                *p = r->suspended_next;
                break;
            }
        }
        MHD_resume_connection(r->conn);
    } else {
        r->resume_pending = true;
    }
    pthread_mutex_unlock(&suspend_lock);
}

/* Resumes every suspended request and refuses new suspensions (shutdown). */
static void resume_all(void)
{
    pthread_mutex_lock(&suspend_lock);
    stopping = true;
    while (suspended_head) {
        struct req *r = suspended_head;
        suspended_head = r->suspended_next;
        r->suspended = false;
        MHD_resume_connection(r->conn);
    }
    pthread_mutex_unlock(&suspend_lock);
}

/* The calls of a streaming request after the first: pieces of body, then the end. */
static enum MHD_Result on_stream(struct req *r, const char *data, size_t *size)
{
    if (*size == 0) {
        if (!r->stream_ended) {
            r->stream_ended = true;
            r->stream->end(r, true);
        }
        return send_reply(r);
    }
    if (r->status) { /* answered already: the rest of the body is dropped */
        *size = 0;
        return MHD_YES;
    }
    while (*size) {
        size_t taken = 0;
        int rc = r->stream->body(r, data, *size, &taken);
        VG_ASSERT(taken <= *size);
        data += taken;
        *size -= taken;
        if (rc == REQ_BODY_CLOSE)
            return MHD_NO;
        if (rc == REQ_BODY_ANSWERED || r->status) {
            *size = 0;
            return MHD_YES;
        }
        if (*size == 0)
            break;
        /* Short: suspend until the handler has room, unless room came meanwhile. */
        pthread_mutex_lock(&suspend_lock);
        if (r->resume_pending) {
            r->resume_pending = false;
            pthread_mutex_unlock(&suspend_lock);
            continue;
        }
        if (stopping) {
            pthread_mutex_unlock(&suspend_lock);
            return MHD_NO;
        }
        r->suspended = true;
        r->suspended_next = suspended_head;
        suspended_head = r;
        MHD_suspend_connection(r->conn);
        pthread_mutex_unlock(&suspend_lock);
        return MHD_YES;
    }
    return MHD_YES;
}

/*
 * After a failure inside r's handling (base/recover.h): whatever r had begun
 * to answer is dropped, its database connection closed (its statements and
 * transaction are in an unknown state), its stream left unended (its state is
 * as unknown), and r answers 500. Amid a streamed body (*size > 0) the answer
 * waits for the body's end, which on_stream reads and drops.
 */
static enum MHD_Result recovered(struct req *r, struct vg_recover *rec, size_t *size)
{
    fprintf(stderr, "vodgate: %s %s failed (%s); answered 500, the server goes on\n", r->method,
            log_path(r), rec->what);
    if (r->db) {
        store_discard(r->db);
        r->db = NULL;
    }
    if (r->stream)
        r->stream_ended = true;
    r->set_cookie = NULL;
    memset(r->extra_header, 0, sizeof r->extra_header);
    reply_internal(r);
    if (r->stream && size && *size) {
        *size = 0;
        return MHD_YES;
    }
    return send_reply(r);
}

/* The three moments of a request (see the top of this file). */
enum phase {
    PHASE_HEADERS, /* first call: the door, routing, sign-in, a streaming handler's start */
    PHASE_STREAM,  /* a piece of a streamed body, or its end */
    PHASE_LAST,    /* the whole body is in: the handler runs */
};

static enum MHD_Result run_phase(struct req *r, enum phase ph, const char *data, size_t *size)
{
    switch (ph) {
    case PHASE_HEADERS:
        if (!admit(r))
            return send_reply(r);
        if (r->route->flags & ROUTE_RAW) {
            r->route->fn(r); /* answers now, or sets r->stream */
            if (r->status || !r->stream)
                return send_reply(r);
        }
        return MHD_YES;
    case PHASE_STREAM:
        return on_stream(r, data, size);
    case PHASE_LAST:
        if (!r->status && (!(r->route->flags & ROUTE_PAGE) || admit_page_form(r)))
            r->route->fn(r);
        return send_reply(r);
    }
    return MHD_NO;
}

/* run_phase under a recovery point: a failure inside answers r 500, and only r. */
static enum MHD_Result guarded(struct req *r, enum phase ph, const char *data, size_t *size)
{
    struct vg_recover rec;
    if (sigsetjmp(rec.jb, 0))
        return recovered(r, &rec, size);
    vg_recover_push(&rec);
    enum MHD_Result ret = run_phase(r, ph, data, size);
    vg_recover_pop(&rec);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct http_conf *app = cls;
    struct req *r = *con_cls;
    if (!r) {
        r = xcalloc(1, sizeof *r);
        *con_cls = r;
        atomic_fetch_add(&n_active, 1);
        r->conf = app;
        r->conn = conn;
        r->started_ms = mono_ms();
        const char *m = method_of(conn, method);
        r->method = m ? m : unknown_method;
        r->path = arena_strdup(&r->arena, url);
        return guarded(r, PHASE_HEADERS, NULL, upload_data_size);
    }
    if (r->stream)
        return guarded(r, PHASE_STREAM, upload_data, upload_data_size);
    if (*upload_data_size) {
        if (!r->status && !(r->route->flags & ROUTE_RAW)) {
            if (r->body.len + *upload_data_size > app->max_body)
                reply_error(r, 413, "too_large", "the request body is larger than %zu bytes",
                            app->max_body);
            else
                buf_add(&r->body, upload_data, *upload_data_size);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    return guarded(r, PHASE_LAST, NULL, upload_data_size);
}

/*
 * The request's one log line, through the log's writer thread (access_log.h):
 * "TIME METHOD PATH STATUS 1.2ms EMAIL|-[ (aborted)]".
 */
static void log_request(const struct req *r, bool aborted)
{
    static _Thread_local int64_t when_t = -1; /* the second formatted in when */
    static _Thread_local char when[21];
    int64_t t = now_real();
    if (t != when_t) {
        time_format_rfc3339(t, when);
        when_t = t;
    }
    const char *path = log_path(r);
    long long tenths = (long long)((mono_ms() - r->started_ms) * 10 + 0.5); /* no %f: cheaper */
    char line[1024];
    int n = snprintf(line, sizeof line, "%s %s %s %d %lld.%lldms %s%s\n", when, r->method, path,
                     r->status, tenths / 10, tenths % 10, r->signed_in ? r->user.email : "-",
                     aborted ? " (aborted)" : "");
    if (n < 0)
        return;
    if ((size_t)n < sizeof line) {
        access_log_line(line, (size_t)n);
        return;
    }
    char *long_line = xasprintf("%s %s %s %d %lld.%lldms %s%s\n", when, r->method, path,
                                r->status, tenths / 10, tenths % 10,
                                r->signed_in ? r->user.email : "-", aborted ? " (aborted)" : "");
    access_log_line(long_line, strlen(long_line));
    free(long_line);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct http_conf *app = cls;
    struct req *r = *con_cls;
    if (!r)
        return;
    if (r->stream && !r->stream_ended) {
        r->stream_ended = true;
        struct vg_recover rec;
        if (sigsetjmp(rec.jb, 0) == 0) {
            vg_recover_push(&rec);
            r->stream->end(r, false);
            vg_recover_pop(&rec);
        } else if (r->db) { /* vg_fail logged it; the request was over anyway */
            store_discard(r->db);
            r->db = NULL;
        }
    }
    log_request(r, toe != MHD_REQUEST_TERMINATED_COMPLETED_OK);
    if (r->db)
        store_put(app->store, r->db);
    json_decref(r->json);
    json_decref(r->form);
    buf_free(&r->body);
    buf_free(&r->out);
    arena_free(&r->arena);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&n_active, 1);
}

/* Parses "HOST:PORT" (IPv4, or [IPv6]:PORT) into addr. Returns 0 or -1. */
static int parse_listen(const char *listen, struct sockaddr_storage *addr, socklen_t *len)
{
    char host[128];
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host)
        return -1;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535 || end == colon + 1)
        return -1;
    memset(addr, 0, sizeof *addr);
    size_t hl = strlen(host);
    if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
        host[hl - 1] = '\0';
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)addr;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
            return -1;
        *len = sizeof *a6;
        return 0;
    }
    struct sockaddr_in *a4 = (struct sockaddr_in *)addr;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    if (strcmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");
    if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
        return -1;
    *len = sizeof *a4;
    return 0;
}

int http_listen_parse(const char *listen, char *addr, size_t addr_len, int *port)
{
    struct sockaddr_storage sa;
    socklen_t sa_len;
    if (parse_listen(listen, &sa, &sa_len) < 0)
        return -1;
    const void *in = sa.ss_family == AF_INET6
                         ? (const void *)&((struct sockaddr_in6 *)&sa)->sin6_addr
                         : (const void *)&((struct sockaddr_in *)&sa)->sin_addr;
    if (!inet_ntop(sa.ss_family, in, addr, (socklen_t)addr_len))
        return -1;
    *port = ntohs(sa.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
                                           : ((struct sockaddr_in *)&sa)->sin_port);
    return 0;
}

struct http_server {
    struct MHD_Daemon *daemon;
};

int http_start(struct http_conf *app, const char *listen, int n_threads, struct http_server **out,
               int *bound_port)
{
    struct sockaddr_storage addr;
    socklen_t addr_len;
    if (parse_listen(listen, &addr, &addr_len) < 0) {
        fprintf(stderr, "vodgate: --listen %s is not HOST:PORT (e.g. 127.0.0.1:8080)\n", listen);
        return -1;
    }
    signal(SIGPIPE, SIG_IGN);

    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME | (addr.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
        flags |= MHD_USE_EPOLL;
    else
        flags |= MHD_USE_POLL;
    /* SO_REUSEPORT only when asked for. Not naming the option at all keeps libmicrohttpd's
     * SO_REUSEADDR, which a restart needs while old connections linger in TIME_WAIT; an
     * explicit 0 would turn that off too. */
    struct MHD_OptionItem reuse[] = {
        {app->reuse_port ? MHD_OPTION_LISTENING_ADDRESS_REUSE : MHD_OPTION_END, 1, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, app, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)n_threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        app, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_POOL_BYTES,
        MHD_OPTION_CONNECTION_TIMEOUT, app->conn_timeout ? app->conn_timeout : 120u,
        MHD_OPTION_CONNECTION_LIMIT, 1000u, MHD_OPTION_ARRAY, reuse, MHD_OPTION_END);
    if (!d) {
        int e = errno;
        fprintf(stderr, "vodgate: cannot listen on %s: %s%s\n", listen, strerror(e),
                e == EADDRINUSE ? " (another server listens there: stop it, or choose another "
                                  "--listen)"
                                : "");
        return -1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    int port = info ? info->port : 0;
    if (bound_port)
        *bound_port = port;
    char host[INET6_ADDRSTRLEN] = "127.0.0.1";
    if (addr.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&addr)->sin_addr, host, sizeof host);
    if (app->on_listening) {
        char url[INET6_ADDRSTRLEN + 32];
        snprintf(url, sizeof url, "http://%s:%d", host, port);
        app->on_listening(url);
    }
    fprintf(stderr, "vodgate: listening on http://%s:%d\n", host, port);
    fflush(stderr);
    access_log_start(2);
    *out = xcalloc(1, sizeof **out);
    (*out)->daemon = d;
    return 0;
}

void http_stop(struct http_server *s)
{
    MHD_socket lsock = MHD_quiesce_daemon(s->daemon);
    if (lsock != MHD_INVALID_SOCKET)
        close(lsock);
    for (int i = 0; i < 300 && atomic_load(&n_active) > 0; i++)
        usleep(100 * 1000);
    resume_all();
    MHD_stop_daemon(s->daemon);
    access_log_stop();
    free(s);
}

int http_serve(struct http_conf *app, const char *listen, int n_threads, int *bound_port)
{
    /* Only this thread takes the shutdown signals; the daemon's threads inherit the mask. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    struct http_server *s;
    if (http_start(app, listen, n_threads, &s, bound_port) < 0)
        return -1;
    int sig = 0;
    sigwait(&sigs, &sig);
    fprintf(stderr, "vodgate: %s received, finishing requests in flight\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");
    http_stop(s);
    fprintf(stderr, "vodgate: stopped\n");
    return 0;
}
