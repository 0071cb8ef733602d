/*
 * HTML built in C (cgit's html.c): the SVG timeline, small fragments of the
 * pages. Every dynamic value goes through an escaping emitter; literal markup
 * goes through h_lit(), which takes string literals only (a variable there
 * does not compile). What these build travels as struct safe_html, set into
 * a view model under a key ending in "_html" with vm_set_html(): the only
 * values a template may print raw ({{{name_html}}}).
 */
#ifndef VG_WEB_HTML_H
#define VG_WEB_HTML_H

#include <jansson.h>

#include "base/buf.h"

/* Appends literal markup: s must be a string literal. */
#define h_lit(b, s) h_raw_((b), "" s "", sizeof("" s "") - 1)
void h_raw_(struct buf *b, const char *s, size_t len);
/* Appends s as HTML text (or an attribute value inside quotes): & < > " ' ` escaped. */
void h_text(struct buf *b, const char *s);
/* Appends a formatted value, escaped. */
void h_textf(struct buf *b, const char *fmt, ...) VG_PRINTF(2, 3);
/* Appends s percent-encoded for a URL query value or path segment. */
void h_url(struct buf *b, const char *s);
/* Appends "&name=value" to a query being built ("?name=value" first), value encoded; nothing when value is NULL or "". */
void h_url_param(struct buf *b, const char *name, const char *value);

/* HTML that was built by the emitters above, so it may be printed raw. */
struct safe_html {
    const char *s;
};
/* The HTML of b, as safe_html (b keeps owning it). */
struct safe_html safe_html_of(const struct buf *b);
/* Sets vm[key] to the HTML; key must end in "_html" (asserted). */
void vm_set_html(json_t *vm, const char *key, struct safe_html h);

#endif
