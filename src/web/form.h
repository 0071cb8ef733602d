/*
 * Form bodies (application/x-www-form-urlencoded) and query strings, parsed
 * into a JSON object of strings: a name given twice or more becomes a list
 * of its values, in order (checkboxes). Pure, bounded, no I/O.
 */
#ifndef VG_WEB_FORM_H
#define VG_WEB_FORM_H

#include <jansson.h>
#include <stddef.h>

#include "base/buf.h"

#define FORM_MAX_FIELDS 1000

/*
 * Parses s[0..len). Returns the object (the caller owns it), or NULL with a
 * message in err: bad percent-encoding, text that is not UTF-8 or holds NUL,
 * an empty name, more than FORM_MAX_FIELDS fields.
 */
json_t *form_parse(const char *s, size_t len, struct buf *err);

/* The value of name in a parsed form: a string, the last one of a list; NULL when absent. */
const char *form_str(const json_t *form, const char *name);

#endif
