/*
 * Plain-text templates filled from a JSON object: the mail templates.
 *
 * The syntax is a small subset of Mustache with one rule Mustache lacks: a
 * variable that is missing (or null) is an error, never a blank, so a message
 * can never go out with a hole where the due date should be.
 *   {{name}}                 the value of name: a string or an integer
 *   {{#name}} ... {{/name}}  the part between, once per item of the array name
 *                            (an empty array renders nothing); inside, {{.}} is
 *                            the item, and an item that is an object lends its
 *                            members to the names used inside
 * Names are [A-Za-z0-9_]+ (at most 64 bytes); spaces inside the braces are
 * ignored. A section tag alone on its line takes the whole line with it, so
 * lists can be written one item per line. Anything else between {{ and }} is
 * a syntax error. Nothing is escaped: the output is plain text for mail, never
 * HTML. Templates must be UTF-8 without NUL bytes; output is bounded
 * (TEMPLATE_MAX_OUT) and so is the work (sections nest at most 8 deep).
 *
 * A mail template is a file: comment lines that start with '#' (one of them,
 * "# vars: a, b, list[], rows[x,y]", documents the variables the template
 * uses: `list[]` a list of strings, `rows[x,y]` a list of objects with members
 * x and y), then "Subject: ..." on one line, a blank line, and the body.
 *
 * Pure: no I/O. Every function appends a message to err on failure, naming
 * the line of the template that failed.
 */
#ifndef VG_TEMPLATE_H
#define VG_TEMPLATE_H

#include <jansson.h>
#include <stddef.h>

#include "base/buf.h"

#define TEMPLATE_MAX_OUT (1024 * 1024) /* bytes of output, at most */

enum template_err {
    TEMPLATE_ERR_SYNTAX = -1, /* the template is malformed */
    TEMPLATE_ERR_VALUE = -2,  /* a variable is missing or of the wrong type */
    TEMPLATE_ERR_LIMIT = -3,  /* output too large or too much work */
};

/* Checks the syntax of a template without values. Returns 0 or TEMPLATE_ERR_*. */
int template_check(const char *text, size_t len, struct buf *err);

/*
 * Renders text with vars (an object; NULL is taken as {}) and appends the
 * result to out. Returns 0, or TEMPLATE_ERR_* with a message appended to err
 * (out then holds a partial result that the caller discards).
 */
int template_render(const char *text, size_t len, const json_t *vars, struct buf *out,
                    struct buf *err);

/*
 * HTML templates (the portal's pages) follow the same syntax with the rules
 * of an HTML page:
 *   {{name}}              always HTML-escaped (& < > " ' `); a number prints as is
 *   {{{name_html}}}       raw, only for names ending in _html: HTML that C code
 *                         built with the html_* emitters (web/html.h); any other
 *                         name in triple braces is a syntax error
 *   {{#name}}..{{/name}}  a list: once per item; true, a non-empty text or a
 *                         non-zero number: once; an object: once, lending its
 *                         members; missing, null, false, "", 0, []: not at all
 *   {{^name}}..{{/name}}  the part between, when name is one of the false values
 *   {{>name}}             the partial name, rendered with the current values
 *   {{! text }}           a comment
 * A variable printed with {{name}} that is missing is still an error.
 */
typedef const char *(*template_partial_fn)(const char *name, size_t *len);

/* Checks the syntax of an HTML template. Returns 0 or TEMPLATE_ERR_*. */
int template_check_html(const char *text, size_t len, struct buf *err);

/* Renders an HTML template (partials from partial(), which may be NULL). */
int template_render_html(const char *text, size_t len, const json_t *vars,
                         template_partial_fn partial, struct buf *out, struct buf *err);

/* The parts of a mail template: pointers into the template's text, not copies. */
struct template_mail {
    const char *vars; /* the text after "# vars:", trimmed; NULL when undocumented */
    size_t vars_len;
    const char *subject; /* the template of the subject line */
    size_t subject_len;
    const char *body; /* the template of the body */
    size_t body_len;
    int subject_line, body_line; /* their line numbers in the file, for messages */
};

/* Splits a mail template into its parts. Returns 0 or TEMPLATE_ERR_SYNTAX. */
int template_mail_split(const char *text, size_t len, struct template_mail *out, struct buf *err);

/* Checks the syntax of a mail template without values. Returns 0 or TEMPLATE_ERR_*. */
int template_mail_check(const char *text, size_t len, struct buf *err);

/*
 * Renders a mail template: appends the subject (one line: control characters
 * from values become spaces, surrounding spaces are trimmed, never empty) to
 * subject and the body to body. Returns 0 or TEMPLATE_ERR_*.
 */
int template_mail_render(const char *text, size_t len, const json_t *vars, struct buf *subject,
                         struct buf *body, struct buf *err);

#endif
