/*
 * GET /static/{name}: the stylesheet, the scripts and tus-js-client's
 * browser build, all built into the binary (tools/embed.c). They change only
 * with the binary, so browsers may keep them for an hour.
 */
#include <string.h>

#include "base/embedded.h"
#include "web/pages.h"
#include "web/web.h"

extern const struct embedded_file static_assets_embedded[];
extern const int n_static_assets_embedded;

static const char *type_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot && !strcmp(dot, ".css"))
        return "text/css; charset=utf-8";
    if (dot && !strcmp(dot, ".js"))
        return "text/javascript; charset=utf-8";
    if (dot && !strcmp(dot, ".svg"))
        return "image/svg+xml";
    return "application/octet-stream";
}

void page_static(struct req *r)
{
    const struct embedded_file *f =
        embedded_find(static_assets_embedded, n_static_assets_embedded, r->params[0]);
    if (!f) {
        reply_error(r, 404, "not_found", "no such file: /static/%s", r->params[0]);
        return;
    }
    reply_header(r, "Cache-Control", "public, max-age=3600");
    reply_bytes(r, 200, type_of(f->name), f->data, f->len);
}
