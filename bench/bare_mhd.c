/*
 * The yardstick of SPEC section 9: a bare libmicrohttpd server that returns
 * the same bytes from memory for every request, in the same threading mode
 * as vodgate serve (internal thread pool, epoll), with libmicrohttpd's
 * default connection memory. Usage:
 *   bare_mhd PORT FILE THREADS [CONTENT_TYPE]
 * serves FILE's bytes (up to 1 MiB) as CONTENT_TYPE (application/json).
 */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *body;
static size_t body_len;
static const char *content_type = "application/json";

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *data_len, void **ctx)
{
    static int first_call_marker;
    if (*ctx == NULL) { /* answer on the second call, as MHD wants for keep-alive */
        *ctx = &first_call_marker;
        return MHD_YES;
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(body_len, body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", content_type);
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: bare_mhd PORT FILE THREADS [CONTENT_TYPE]\n");
        return 2;
    }
    if (argc == 5)
        content_type = argv[4];
    FILE *f = fopen(argv[2], "rb");
    if (!f)
        return 1;
    body = malloc(1 << 20);
    body_len = fread(body, 1, 1 << 20, f);
    fclose(f);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, (uint16_t)atoi(argv[1]), NULL, NULL,
        answer, NULL, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)atoi(argv[3]),
        MHD_OPTION_CONNECTION_LIMIT, 1000u, MHD_OPTION_END);
    if (!d)
        return 1;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGTERM);
    sigaddset(&s, SIGINT);
    sigprocmask(SIG_BLOCK, &s, NULL);
    int sig;
    sigwait(&s, &sig);
    MHD_stop_daemon(d);
    return 0;
}
