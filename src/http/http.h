/*
 * The request as handlers see it, and the calls they answer with.
 *
 * server.c turns each libmicrohttpd request into a struct req: the route it
 * matched (with its path parameters), the signed-in principal, the body, and
 * a per-request arena. The dispatcher has already checked sign-in, role and
 * CSRF when a handler runs. A handler reads declared parameters (path params,
 * JSON fields through the jfield_* readers) and answers with exactly one
 * reply_* call; everything it allocates comes from r->arena.
 */
#ifndef VG_HTTP_H
#define VG_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/scope.h"
#include "base/arena.h"
#include "base/buf.h"
#include "core/policy.h"
#include "store/store.h"

struct http_conf;
struct req;

typedef void (*handler_fn)(struct req *r);

enum route_flags {
    ROUTE_CSRF = 1 << 0, /* a cookie-authenticated call must carry the CSRF token */
    ROUTE_RAW = 1 << 1,  /* the handler reads the body itself (not JSON) */
    ROUTE_FEED = 1 << 2, /* also accepts a calendar-feed token (?token=) instead of sign-in */
    ROUTE_TUS = 1 << 3,  /* a tus route: tus_precheck() runs before sign-in, answers carry
                            Tus-Resumable */
    ROUTE_PAGE = 1 << 4, /* a portal page (web/): HTML answers, sign-in by redirect, a POST
                            is a form whose csrf field must match the session's */
};

struct route {
    const char *method;  /* "GET", "POST", ... */
    const char *pattern; /* "/api/v1/partners/{id}": {name} matches one segment */
    handler_fn fn;
    enum action action; /* who may call it: see core/policy.h */
    unsigned flags;     /* enum route_flags */
    enum scope scope;   /* what {id} names; the dispatcher checks its owner (app/scope.h) */
};

/*
 * The route tables (routes.c): the API's, and those registered at start
 * before the server serves (the portal's pages: web/pages.c). Routes are
 * matched in order, table by table. http_route(i) for i below
 * http_n_routes() walks them all (for `vodgate routes`).
 */
void http_register_routes(const struct route *table, int n);
int http_n_routes(void);
const struct route *http_route(int i);

/*
 * The answers of HTML pages the dispatcher needs without knowing the portal
 * (it names nothing in web/): a refused page request, the check of a page
 * form, a 404 for a browser, the 500 of a failed page. The portal sets them
 * at start (web/pages.c); without them the dispatcher answers JSON and
 * admits no page form.
 */
struct page_hooks {
    void (*deny)(struct req *r, enum policy_result pr);
    bool (*form_admit)(struct req *r); /* parses the form into r->form; false when answered */
    void (*not_found)(struct req *r);
    void (*internal)(struct req *r);
};
void http_set_page_hooks(const struct page_hooks *hooks);

#define REQ_MAX_PARAMS  4
#define REQ_MAX_HEADERS 10

/* The server's configuration and shared state, one per process. */
struct http_conf {
    struct store *store;
    const char *data_dir;
    size_t max_body;       /* bytes; larger JSON bodies get 413 */
    bool secure_cookies;   /* add Secure to the session and flash cookies */
    bool reuse_port;       /* SO_REUSEPORT: others may listen on the same address (asked for) */
    int session_ttl;       /* seconds */
    struct ingest *ingest; /* tus uploads (ingest/upload.h) */
    unsigned conn_timeout; /* seconds an idle connection is kept (0: 120) */
    /* The address of a reverse proxy whose X-Forwarded-For names the client (NULL: none). */
    const char *trusted_proxy;
    /* Told the address once the socket is bound ("http://127.0.0.1:8080"; may be NULL). */
    void (*on_listening)(const char *url);
    /* Runs the clock-driven work due by t (set by the server's owner; may be NULL). */
    void (*on_time_moved)(struct http_conf *app, int64_t t);
};

struct req {
    struct arena arena;
    struct http_conf *conf;
    const struct route *route;
    const char *method;
    const char *path;
    const char *params[REQ_MAX_PARAMS]; /* path parameters, in pattern order */
    int n_params;
    struct buf body; /* the request body (not for ROUTE_RAW routes) */
    json_t *json;    /* the parsed JSON body, NULL when none */
    json_t *form;    /* ROUTE_PAGE POST: the parsed form (web/form.h) */
    struct scoped *scoped; /* what the route's {id} names and who owns it (NULL: no scope) */
    /* who asks */
    bool signed_in;
    struct user user;     /* valid when signed_in */
    struct principal who; /* role and organisation of user */
    bool via_cookie;      /* authenticated by the session cookie */
    char *csrf;           /* the session's CSRF token (cookie sessions) */
    char *token_hash;     /* hash of the token used */
    const char *client;   /* req_client(): the client's address, once asked */
    /* the answer */
    int status;
    struct buf out;
    const char *content_type;
    char *set_cookie;                       /* a Set-Cookie header value, or NULL */
    char *extra_header[REQ_MAX_HEADERS][2]; /* name/value pairs */
    void *conn;                             /* the libmicrohttpd connection (server.c only) */
    double started_ms;                      /* monotonic start, for the log line */
    struct db *db;                          /* lazily taken from the pool: use req_db() */
    /* streaming bodies (ROUTE_RAW): set by the handler on its first call */
    struct req_stream *stream; /* NULL: not streaming */
    void *stream_ctx;          /* the handler's state for the stream */
    /* server.c only */
    bool stream_ended;   /* stream->end was called */
    bool suspended;      /* waiting for req_resume() */
    bool resume_pending; /* req_resume() came before the suspension */
    struct req *suspended_next;
};

/*
 * A ROUTE_RAW handler runs as soon as the headers are in, before any body:
 * it answers at once (an error: the body is never read), or sets r->stream
 * to take the body in pieces as it arrives.
 *
 * body() is offered each piece; it sets *taken to the bytes it consumed and
 * returns REQ_BODY_OK. Taking fewer than offered suspends the connection (no
 * more reading, no thread held) until the handler calls req_resume(), from
 * any thread; the rest is offered again then. REQ_BODY_ANSWERED: the handler
 * answered (reply_*) and the rest of the body is read and dropped;
 * REQ_BODY_CLOSE: the connection is closed at once, unanswered.
 *
 * end() is called exactly once: complete = true after the whole body (it
 * answers, unless the handler answered already), or false when the request
 * ended otherwise (client gone, timeout, connection closed, shutdown; nobody
 * to answer).
 */
enum { REQ_BODY_OK = 0, REQ_BODY_ANSWERED = -1, REQ_BODY_CLOSE = -2 };
struct req_stream {
    int (*body)(struct req *r, const char *data, size_t len, size_t *taken);
    void (*end)(struct req *r, bool complete);
};
/* Wakes a connection suspended by a short body() (thread-safe; early calls are remembered). */
void req_resume(struct req *r);
/* The tus pre-check of ROUTE_TUS routes (api_tus.c): false when it answered (412). */
bool tus_precheck(struct req *r);

/* The store connection of this request (taken on first use, returned at the end). */
struct db *req_db(struct req *r);
/* The value of a request header, or NULL. */
const char *req_header(struct req *r, const char *name);
/* The value of a query-string argument, or NULL. */
const char *req_query(struct req *r, const char *name);
/*
 * Reads the query argument name as a whole number from lo to hi into *out
 * (dflt when absent or empty: an empty field of an HTML form is an absent
 * one). False after answering 422 naming the argument and its range.
 */
bool req_query_int(struct req *r, const char *name, int64_t lo, int64_t hi, int64_t dflt,
                   int64_t *out);
/*
 * The client's network address as text (inet_ntop's form): the peer of the
 * connection or, when the peer is app->trusted_proxy and sends
 * X-Forwarded-For, the last address there (the one the proxy saw; those
 * before it are the client's own say). In r->arena; never NULL.
 */
const char *req_client(struct req *r);
/* The value of a cookie, or NULL. */
const char *req_cookie(struct req *r, const char *name);
/*
 * The partner the route's {id} names, or owns the thing {id} names (the
 * dispatcher loaded it and checked the policy on it before the handler ran).
 * Returns false after answering 404 when the route has no such partner.
 */
bool req_partner(struct req *r, struct partner *p);
/*
 * For an id that is not the route's {id} (a body field, a query argument, a
 * header): loads the thing id names in scope s and checks action on it for
 * this request's user, as the dispatcher does for the path. True when
 * allowed (out filled; may be NULL); false after answering 404 for a
 * missing or another organisation's thing alike, 403, or 500.
 */
bool req_allow(struct req *r, enum action action, enum scope s, const char *id,
               struct scoped *out);
/*
 * Sets the session cookie to token (a sign-in: app/account.h
 * account_sign_in), or clears it when token is NULL (a sign-out).
 */
void req_session_cookie(struct req *r, const char *token);
/* The path parameter i parsed as a positive id; 0 when it is not one. */
int64_t req_param_id(struct req *r, int i);

/* Answers with a JSON value (the reference is stolen). */
void reply_json(struct req *r, int status, json_t *body);
/* Answers {"error": {"code", "message"}} (plus extra members if given, stolen). */
void reply_error(struct req *r, int status, const char *code, const char *fmt, ...) VG_PRINTF(4, 5);
void reply_error_extra(struct req *r, int status, const char *code, json_t *extra, const char *fmt,
                       ...) VG_PRINTF(5, 6);
/* Answers with bytes of a given content type. */
void reply_bytes(struct req *r, int status, const char *content_type, const char *data, size_t len);
/* Adds a response header (at most REQ_MAX_HEADERS per request). */
void reply_header(struct req *r, const char *name, const char *value);
/* Answers 404 / 403 / 401 for a failed policy check. */
void reply_policy(struct req *r, enum policy_result pr);
/*
 * Operations of the application floor (reply_op.c). req_op_init starts one
 * as this request's user; req_op_begin also begins its transaction (false
 * after answering). req_op_end ends it (app/op.h op_end) and, when it was
 * refused or failed, answers with its error and returns false. The op's
 * error is freed either way. reply_op_error answers a refusal (OP_REFUSED)
 * or a store error rc; op_status is the one map from a kind to a status.
 */
struct op;
void req_op_init(struct req *r, struct op *o);
bool req_op_begin(struct req *r, struct op *o);
bool req_op_end(struct req *r, struct op *o, int rc);
/*
 * After an operation that runs its own transaction (or only reads): answers
 * its refusal or failure when rc < 0 and frees the op's error; true when
 * rc >= 0 (the handler then answers with the result).
 */
bool req_op_done(struct req *r, struct op *o, int rc);
void reply_op_error(struct req *r, const struct op *o, int rc);
int op_status(int kind);
/* Answers 500 for a store failure, logging what failed. */
void reply_store_error(struct req *r, int rc);
/*
 * Answers 500 "internal" (JSON, or a short HTML page on a portal page),
 * dropping anything begun: for faults of the server, which the caller has
 * logged. Never fails.
 */
void reply_internal(struct req *r);

/*
 * Reading the JSON body. Each reader answers the request with 400 or 422 and
 * returns false when the field is missing (if required) or of the wrong type;
 * the handler then just returns.
 */
bool jbody(struct req *r);
bool jfield_str(struct req *r, const char *key, bool required, const char **out);
bool jfield_bool(struct req *r, const char *key, bool required, bool *out);
bool jfield_int(struct req *r, const char *key, bool required, int64_t *out);

/*
 * Parses a --listen value (HOST:PORT, [IPv6]:PORT, localhost:PORT) as
 * http_serve does: addr gets the address in its numeric form (addr_len at
 * least 46 bytes), *port the port as given (0: any). Returns 0, or -1 when
 * it is not an address to listen on.
 */
int http_listen_parse(const char *listen, char *addr, size_t addr_len, int *port);
/* Serves until SIGTERM/SIGINT; returns 0 after in-flight requests finished. */
int http_serve(struct http_conf *app, const char *listen, int n_threads, int *bound_port);
/*
 * The two halves of http_serve, for a process that serves from a thread of
 * its own (the HTTP fuzz target): http_start listens on listen ("HOST:PORT",
 * port 0 picks one, given back in *bound_port) and serves from
 * libmicrohttpd's threads, handing back the server in *out; returns 0 or -1.
 * Signal masks are the caller's: threads started here inherit the caller's.
 * http_stop stops accepting, waits for the requests in flight (bounded),
 * stops the daemon and frees s.
 */
struct http_server;
int http_start(struct http_conf *app, const char *listen, int n_threads, struct http_server **out,
               int *bound_port);
void http_stop(struct http_server *s);

#endif
