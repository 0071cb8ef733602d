/*
 * `vodgate upload FILE --server URL --token TOKEN`: a resumable tus client
 * (libcurl) for partners and scripts.
 *
 * It creates the upload (POST /files/, the file's name in Upload-Metadata),
 * then sends it in chunks, each PATCH with an Upload-Checksum (sha256 of the
 * chunk) so that a damaged chunk is refused (460) and sent again. The
 * upload's URL is kept in a small state file beside the file (FILE.vodgate-
 * upload, or --state PATH) together with the file's size and modification
 * time and the server, so running the same command again after Ctrl-C, a
 * network failure or a server restart asks the server for its offset (HEAD)
 * and goes on from there. Failed requests are retried with a growing pause
 * (up to --retries times in a row). At the end it reads the upload's sha256
 * from the API and checks it against its own hash of the file, made by a
 * thread of its own while the chunks go out: the command succeeds only when
 * the server holds exactly the local bytes.
 *
 * On a terminal it draws a progress bar with the rate and the time left;
 * otherwise it prints a plain line per chunk. Exit codes: 0 done, 1 failed
 * (with a message that says why), 2 usage.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/hash.h"
#include "cli/cli.h"
#include "ingest/digest.h"

static const char upload_help[] =
    "usage: vodgate upload FILE --server URL --token TOKEN [OPTIONS]\n"
    "\n"
    "Uploads FILE to a vodgate server with the tus protocol, resumably: run the same\n"
    "command again after an interruption and it goes on where the server stopped.\n"
    "Prints the upload id and its sha256 at the end (checked against the local file).\n"
    "\n"
    "  --server URL        the vodgate server, e.g. https://vod.example.com [VODGATE_SERVER]\n"
    "  --token TOKEN       an API token, or the partner's transfer secret, sent as\n"
    "                      Authorization: Bearer [VODGATE_TOKEN]\n"
    "  --user ALIAS        send --token as the transfer secret of the partner ALIAS\n"
    "                      with HTTP Basic (ALIAS:TOKEN) instead [VODGATE_USER]\n"
    "  --partner ID        the partner the upload is for (staff, and posthouses acting\n"
    "                      for a partner: the upload is then the partner's)\n"
    "  --chunk-size BYTES  bytes per PATCH, each with its own checksum (67108864)\n"
    "  --state PATH        where the upload's URL is kept (FILE.vodgate-upload)\n"
    "  --retries N         failed requests in a row before giving up (8)\n"
    "  --no-checksum       send chunks without Upload-Checksum\n";

struct client {
    CURL *curl;
    const char *server; /* without a trailing slash */
    char *auth;         /* "Authorization: Bearer ..." */
    int fd;
    uint64_t size;
    /* the last response */
    long status;
    char *location; /* Location header, malloc'd */
    int64_t offset; /* Upload-Offset header, -1 when absent */
    struct buf body;
    /* the PATCH body in flight */
    uint64_t send_at, send_end;
    /* progress */
    bool tty;
    double started;
    uint64_t started_offset;
    double last_draw;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
    struct client *c = arg;
    size_t len = size * n;
    char line[2048];
    if (len >= sizeof line)
        return len;
    memcpy(line, data, len);
    line[len] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    if (!strncasecmp(line, "Location:", 9)) {
        free(c->location);
        c->location = xstrdup(line + 9 + strspn(line + 9, " "));
    } else if (!strncasecmp(line, "Upload-Offset:", 14)) {
        c->offset = strtoll(line + 14, NULL, 10);
    }
    return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    struct client *c = arg;
    if (c->body.len < 65536)
        buf_add(&c->body, data, size * n);
    return size * n;
}

static size_t on_read(char *out, size_t size, size_t n, void *arg)
{
    struct client *c = arg;
    size_t want = size * n;
    if (want > c->send_end - c->send_at)
        want = (size_t)(c->send_end - c->send_at);
    if (!want)
        return 0;
    ssize_t got = pread(c->fd, out, want, (off_t)c->send_at);
    if (got <= 0)
        return CURL_READFUNC_ABORT;
    c->send_at += (uint64_t)got;
    return (size_t)got;
}

static void human(uint64_t bytes, char *out, size_t len)
{
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)bytes;
    int u = 0;
    while (v >= 1024 && u < 4)
        v /= 1024, u++;
    snprintf(out, len, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

/* Draws the bar (terminal) or prints a line (otherwise). */
static void progress(struct client *c, uint64_t at, bool force)
{
    double t = now_s();
    if (!force && t - c->last_draw < (c->tty ? 0.2 : 5.0))
        return;
    c->last_draw = t;
    double elapsed = t - c->started;
    double rate = elapsed > 0 ? (double)(at - c->started_offset) / elapsed : 0;
    char done[32], total[32], speed[32];
    human(at, done, sizeof done);
    human(c->size, total, sizeof total);
    human((uint64_t)rate, speed, sizeof speed);
    int pct = c->size ? (int)(at * 100 / c->size) : 100;
    long left = rate > 0 ? (long)((double)(c->size - at) / rate) : -1;
    char eta[32] = "--:--";
    if (left >= 0)
        snprintf(eta, sizeof eta, "%ld:%02ld:%02ld", left / 3600, left / 60 % 60, left % 60);
    if (c->tty) {
        char bar[31];
        int fill = pct * 30 / 100;
        for (int i = 0; i < 30; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[30] = '\0';
        fprintf(stderr, "\r[%s] %3d%% %s / %s  %s/s  %s left ", bar, pct, done, total, speed, eta);
    } else {
        fprintf(stderr, "uploaded %s of %s (%d%%), %s/s, %s left\n", done, total, pct, speed, eta);
    }
    fflush(stderr);
}

static int xferinfo(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                    curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    struct client *c = arg;
    progress(c, c->send_at, false);
    return 0;
}

/*
 * One request: method, url, extra headers (NULL-terminated), and for PATCH
 * the file range [from, to). Fills c->status, c->offset, c->location,
 * c->body. Returns 0, or -1 on a transport failure (message in err).
 */
static int request(struct client *c, const char *method, const char *url, const char **headers,
                   uint64_t from, uint64_t to, char *err)
{
    CURL *h = c->curl;
    curl_easy_reset(h);
    struct curl_slist *hl = NULL;
    hl = curl_slist_append(hl, "Tus-Resumable: 1.0.0");
    hl = curl_slist_append(hl, c->auth);
    for (int i = 0; headers && headers[i]; i++)
        hl = curl_slist_append(hl, headers[i]);
    c->status = 0;
    c->offset = -1;
    free(c->location);
    c->location = NULL;
    buf_reset(&c->body);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, c);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 20L);
    /* A stalled transfer (under 1 KiB/s for 60 s) is a failure, retried. */
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
    if (!strcmp(method, "HEAD")) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (!strcmp(method, "PATCH")) {
        c->send_at = from;
        c->send_end = to;
        curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PATCH");
        curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(h, CURLOPT_READDATA, c);
        curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)(to - from));
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, xferinfo);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
    } else if (!strcmp(method, "POST")) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
    }
    err[0] = '\0';
    CURLcode rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &c->status);
    curl_slist_free_all(hl);
    if (rc != CURLE_OK) {
        if (!err[0])
            snprintf(err, CURL_ERROR_SIZE, "%s", curl_easy_strerror(rc));
        return -1;
    }
    return 0;
}

/* The server's message from a JSON error body, or the status. */
static const char *server_message(struct client *c, char *out, size_t len)
{
    json_t *j = json_loads(buf_str(&c->body), 0, NULL);
    const char *m =
        j ? json_string_value(json_object_get(json_object_get(j, "error"), "message")) : NULL;
    snprintf(out, len, "%ld%s%s", c->status, m ? ": " : "", m ? m : "");
    json_decref(j);
    return out;
}

/* The absolute URL of a Location (the server answers with a path). */
static char *absolute(struct client *c, const char *loc)
{
    if (!strncmp(loc, "http://", 7) || !strncmp(loc, "https://", 8))
        return xstrdup(loc);
    const char *p = strstr(c->server, "://");
    const char *slash = p ? strchr(p + 3, '/') : NULL;
    size_t host_len = slash ? (size_t)(slash - c->server) : strlen(c->server);
    return xasprintf("%.*s%s", (int)host_len, c->server, loc);
}

/* Reads the state file: the upload URL if it is for this file and server. */
static char *state_read(const char *path, const char *server, const struct stat *st)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char url[1024], srv[1024];
    unsigned long long size = 0;
    long long mtime = 0;
    char *out = NULL;
    if (fscanf(f, "vodgate-upload 1\nurl %1023s\nserver %1023s\nsize %llu\nmtime %lld", url, srv,
               &size, &mtime) == 4 &&
        !strcmp(srv, server) && size == (unsigned long long)st->st_size &&
        mtime == (long long)st->st_mtime)
        out = xstrdup(url);
    fclose(f);
    return out;
}

static int state_write(const char *path, const char *url, const char *server, const struct stat *st)
{
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int rc = -1;
    if (f) {
        fprintf(f, "vodgate-upload 1\nurl %s\nserver %s\nsize %llu\nmtime %lld\n", url, server,
                (unsigned long long)st->st_size, (long long)st->st_mtime);
        rc = fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -1;
        fclose(f);
        if (rc == 0)
            rc = rename(tmp, path);
    }
    if (rc < 0)
        fprintf(stderr, "vodgate upload: cannot write the state file %s: %s\n", path,
                strerror(errno));
    free(tmp);
    return rc;
}

/* sha256 of [from, to) of the file into ctx (adds to it). Returns 0 or -1. */
static int hash_range(int fd, uint64_t from, uint64_t to, struct sha256_ctx *ctx)
{
    size_t cap = (size_t)1 << 20;
    unsigned char *b = xmalloc(cap);
    int rc = 0;
    while (from < to) {
        size_t want = to - from < cap ? (size_t)(to - from) : cap;
        ssize_t n = pread(fd, b, want, (off_t)from);
        if (n <= 0) {
            rc = -1;
            break;
        }
        sha256_update(ctx, (size_t)n, b);
        from += (uint64_t)n;
    }
    free(b);
    return rc;
}

/* The whole file's sha256, hashed by a thread of its own while the chunks go out. */
struct file_hash {
    pthread_t thread;
    int fd;
    uint64_t size;
    atomic_bool stop;
    int rc; /* 0, or -1: the file could not be read */
    struct sha256_ctx ctx;
};

static void *file_hash_main(void *arg)
{
    struct file_hash *h = arg;
    size_t cap = (size_t)1 << 20;
    unsigned char *b = xmalloc(cap);
    sha256_init(&h->ctx);
    for (uint64_t at = 0; at < h->size && !atomic_load(&h->stop);) {
        size_t want = h->size - at < cap ? (size_t)(h->size - at) : cap;
        ssize_t n = pread(h->fd, b, want, (off_t)at);
        if (n <= 0) {
            h->rc = -1;
            break;
        }
        sha256_update(&h->ctx, (size_t)n, b);
        at += (uint64_t)n;
    }
    free(b);
    return NULL;
}

/* Waits for the hash (or stops it when stop); writes its hex. Returns 0, or -1. */
static int file_hash_finish(struct file_hash *h, bool stop, char out[DIGEST_SHA256_HEX + 1])
{
    atomic_store(&h->stop, stop);
    pthread_join(h->thread, NULL);
    digest_sha256_hex(&h->ctx, out);
    return stop ? -1 : h->rc;
}

static void b64(const unsigned char *in, size_t len, char *out)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (i + 1 < len ? (unsigned)in[i + 1] << 8 : 0) |
                     (i + 2 < len ? in[i + 2] : 0);
        out[o++] = t[v >> 18 & 63];
        out[o++] = t[v >> 12 & 63];
        out[o++] = i + 1 < len ? t[v >> 6 & 63] : '=';
        out[o++] = i + 2 < len ? t[v & 63] : '=';
    }
    out[o] = '\0';
}

int cli_upload(int argc, char **argv)
{
    enum {
        O_SERVER = 1,
        O_TOKEN,
        O_USER,
        O_PARTNER,
        O_CHUNK,
        O_STATE,
        O_RETRIES,
        O_NO_CHECKSUM,
        O_HELP
    };
    static const struct option opts[] = {
        {"server", required_argument, 0, O_SERVER},
        {"token", required_argument, 0, O_TOKEN},
        {"user", required_argument, 0, O_USER},
        {"partner", required_argument, 0, O_PARTNER},
        {"chunk-size", required_argument, 0, O_CHUNK},
        {"state", required_argument, 0, O_STATE},
        {"retries", required_argument, 0, O_RETRIES},
        {"no-checksum", no_argument, 0, O_NO_CHECKSUM},
        {"help", no_argument, 0, O_HELP},
        {0, 0, 0, 0},
    };
    const char *server_arg = cli_env("SERVER", NULL), *token = cli_env("TOKEN", NULL);
    const char *partner = NULL, *state_arg = NULL, *user = cli_env("USER", NULL);
    long long chunk = 64LL << 20;
    int retries = 8;
    bool checksum = true;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case O_SERVER:
            server_arg = optarg;
            break;
        case O_TOKEN:
            token = optarg;
            break;
        case O_USER:
            user = optarg;
            break;
        case O_PARTNER:
            partner = optarg;
            break;
        case O_CHUNK:
            chunk = atoll(optarg);
            break;
        case O_STATE:
            state_arg = optarg;
            break;
        case O_RETRIES:
            retries = atoi(optarg);
            break;
        case O_NO_CHECKSUM:
            checksum = false;
            break;
        case O_HELP:
            fputs(upload_help, stdout);
            return 0;
        default:
            fputs(upload_help, stderr);
            return 2;
        }
    }
    if (optind != argc - 1 || !server_arg || !token || chunk < 1 || retries < 0) {
        fprintf(stderr, "vodgate upload: give one FILE, --server URL and --token TOKEN\n\n%s",
                upload_help);
        return 2;
    }
    const char *file = argv[optind];
    int status = 1;
    struct client c = {0};
    char *server = xstrdup(server_arg);
    size_t sl = strlen(server);
    while (sl && server[sl - 1] == '/')
        server[--sl] = '\0';
    c.server = server;
    c.auth = cli_auth_header(user, token);
    char *state_path = state_arg ? xstrdup(state_arg) : xasprintf("%s.vodgate-upload", file);
    char *url = NULL, *name_b64 = NULL;
    char err[CURL_ERROR_SIZE], msg[512];
    struct file_hash local = {.fd = -1};
    bool hashing = false;
    char mine[DIGEST_SHA256_HEX + 1];
    struct stat st;
    c.fd = open(file, O_RDONLY | O_CLOEXEC);
    if (c.fd < 0 || fstat(c.fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "vodgate upload: cannot read %s: %s\n", file,
                c.fd < 0 ? strerror(errno) : "not a regular file");
        goto done;
    }
    c.size = (uint64_t)st.st_size;
    c.tty = isatty(STDERR_FILENO);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    c.curl = curl_easy_init();
    VG_ASSERT(c.curl);

    /* Resume an upload the state file names, if the server still has it. */
    url = state_read(state_path, server, &st);
    int64_t offset = -1;
    if (url) {
        if (request(&c, "HEAD", url, NULL, 0, 0, err) < 0) {
            fprintf(stderr, "vodgate upload: cannot reach %s: %s\n", server, err);
            goto done;
        }
        if (c.status == 200 || c.status == 204) {
            offset = c.offset;
            fprintf(stderr, "vodgate upload: resuming %s at byte %lld\n", url, (long long)offset);
        } else if (c.status == 401 || c.status == 403) {
            fprintf(stderr, "vodgate upload: the server refused the token (%s)\n",
                    server_message(&c, msg, sizeof msg));
            goto done;
        } else {
            fprintf(stderr, "vodgate upload: the earlier upload is gone (%ld); starting again\n",
                    c.status);
            free(url);
            url = NULL;
        }
    }
    if (!url) {
        const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
        name_b64 = xmalloc(strlen(base) * 4 / 3 + 8);
        b64((const unsigned char *)base, strlen(base), name_b64);
        char len_h[64], *meta_h;
        snprintf(len_h, sizeof len_h, "Upload-Length: %llu", (unsigned long long)c.size);
        if (partner) {
            char pb[64];
            b64((const unsigned char *)partner, strlen(partner), pb);
            meta_h = xasprintf("Upload-Metadata: filename %s,partner %s", name_b64, pb);
        } else {
            meta_h = xasprintf("Upload-Metadata: filename %s", name_b64);
        }
        const char *hs[] = {len_h, meta_h, NULL};
        char *files = xasprintf("%s/files/", server);
        int rc = request(&c, "POST", files, hs, 0, 0, err);
        free(files);
        free(meta_h);
        if (rc < 0) {
            fprintf(stderr, "vodgate upload: cannot reach %s: %s\n", server, err);
            goto done;
        }
        if (c.status != 201 || !c.location) {
            fprintf(stderr, "vodgate upload: the server refused the upload (%s)\n",
                    server_message(&c, msg, sizeof msg));
            goto done;
        }
        url = absolute(&c, c.location);
        offset = 0;
        if (state_write(state_path, url, server, &st) < 0)
            goto done;
    }
    if (offset < 0 || (uint64_t)offset > c.size) {
        fprintf(stderr, "vodgate upload: the server reports offset %lld for a %llu-byte file\n",
                (long long)offset, (unsigned long long)c.size);
        goto done;
    }
    local.fd = c.fd;
    local.size = c.size;
    VG_ASSERT(pthread_create(&local.thread, NULL, file_hash_main, &local) == 0);
    hashing = true;
    c.started = now_s();
    c.started_offset = (uint64_t)offset;
    int failures = 0;
    while ((uint64_t)offset < c.size) {
        uint64_t end = (uint64_t)offset + (uint64_t)chunk;
        if (end > c.size)
            end = c.size;
        struct sha256_ctx chunk_ctx;
        sha256_init(&chunk_ctx);
        char off_h[64], sum_h[128];
        snprintf(off_h, sizeof off_h, "Upload-Offset: %lld", (long long)offset);
        const char *hs[] = {"Content-Type: application/offset+octet-stream", off_h, NULL, NULL};
        if (checksum) {
            unsigned char d[SHA256_DIGEST_SIZE];
            char db[64];
            if (hash_range(c.fd, (uint64_t)offset, end, &chunk_ctx) < 0) {
                fprintf(stderr, "vodgate upload: cannot read %s\n", file);
                goto done;
            }
            sha256_digest(&chunk_ctx, sizeof d, d);
            b64(d, sizeof d, db);
            snprintf(sum_h, sizeof sum_h, "Upload-Checksum: sha256 %s", db);
            hs[2] = sum_h;
        }
        int rc = request(&c, "PATCH", url, hs, (uint64_t)offset, end, err);
        if (rc == 0 && c.status == 204 && c.offset >= offset) {
            offset = c.offset;
            failures = 0;
            progress(&c, (uint64_t)offset, !c.tty);
            continue;
        }
        if (rc == 0 && (c.status == 401 || c.status == 403 || c.status == 404 || c.status == 410 ||
                        c.status == 413 || c.status == 400)) {
            fprintf(stderr, "%svodgate upload: the server refused the upload (%s)\n",
                    c.tty ? "\n" : "", server_message(&c, msg, sizeof msg));
            if (c.status == 404 || c.status == 410)
                unlink(state_path);
            goto done;
        }
        if (++failures > retries) {
            fprintf(stderr, "%svodgate upload: giving up after %d failed attempts: %s\n",
                    c.tty ? "\n" : "", failures,
                    rc < 0 ? err : server_message(&c, msg, sizeof msg));
            fprintf(stderr, "vodgate upload: run the same command again to resume\n");
            goto done;
        }
        int pause = failures < 6 ? 1 << (failures - 1) : 30;
        fprintf(stderr, "%svodgate upload: %s; retrying in %d s\n", c.tty ? "\n" : "",
                rc < 0 ? err : server_message(&c, msg, sizeof msg), pause);
        sleep((unsigned)pause);
        /* Ask where the server stands: it keeps what arrived before a failure. */
        for (;;) {
            if (request(&c, "HEAD", url, NULL, 0, 0, err) == 0 &&
                (c.status == 200 || c.status == 204) && c.offset >= 0)
                break;
            if (c.status == 404 || c.status == 410 || c.status == 401 || c.status == 403) {
                fprintf(stderr, "vodgate upload: the server refused the upload (%s)\n",
                        server_message(&c, msg, sizeof msg));
                goto done;
            }
            if (++failures > retries) {
                fprintf(stderr, "vodgate upload: giving up: %s\n",
                        c.status ? server_message(&c, msg, sizeof msg) : err);
                fprintf(stderr, "vodgate upload: run the same command again to resume\n");
                goto done;
            }
            int p2 = failures < 6 ? 1 << (failures - 1) : 30;
            fprintf(stderr, "vodgate upload: server not ready (%s); retrying in %d s\n",
                    c.status ? server_message(&c, msg, sizeof msg) : err, p2);
            sleep((unsigned)p2);
        }
        if (c.offset != offset) {
            /* Bytes since the last acknowledged offset were kept (or cut): go on from there. */
            if ((uint64_t)c.offset > c.size) {
                fprintf(stderr, "vodgate upload: the server's offset %lld does not fit the file\n",
                        (long long)c.offset);
                goto done;
            }
            offset = c.offset;
        }
    }
    if (c.tty)
        progress(&c, c.size, true), fputc('\n', stderr);

    /* The server's own record of the file: its sha256 must be ours. */
    hashing = false;
    if (file_hash_finish(&local, false, mine) < 0) {
        fprintf(stderr, "vodgate upload: cannot read %s\n", file);
        goto done;
    }
    const char *id = strrchr(url, '/') ? strrchr(url, '/') + 1 : url;
    char *info = xasprintf("%s/api/v1/uploads/%s", server, id);
    int rc = request(&c, "GET", info, NULL, 0, 0, err);
    free(info);
    json_t *j = rc == 0 && c.status == 200 ? json_loads(buf_str(&c.body), 0, NULL) : NULL;
    const char *theirs = j ? json_string_value(json_object_get(j, "sha256")) : NULL;
    if (!theirs) {
        fprintf(stderr, "vodgate upload: sent, but could not read the upload's record (%s)\n",
                rc < 0 ? err : server_message(&c, msg, sizeof msg));
    } else if (strcmp(theirs, mine) != 0) {
        fprintf(stderr, "vodgate upload: the server's sha256 %s is not the file's %s\n", theirs,
                mine);
    } else {
        printf("upload %s\nsha256 %s\n", id, theirs);
        unlink(state_path);
        status = 0;
    }
    json_decref(j);
done:
    if (hashing)
        file_hash_finish(&local, true, mine);
    if (c.curl)
        curl_easy_cleanup(c.curl);
    if (c.fd >= 0)
        close(c.fd);
    buf_free(&c.body);
    free(c.location);
    free(c.auth);
    free(url);
    free(name_b64);
    free(state_path);
    free(server);
    return status;
}
