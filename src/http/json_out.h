/*
 * Writing jansson values as the bytes of an answer.
 *
 * Values are built with jansson as everywhere else; only the last step,
 * turning the tree into text, is done here instead of by json_dumps(), which
 * costs several times more: it checks each object and array for cycles
 * through a hash table keyed by a printf'd pointer, and hands every token to
 * a callback. See json_out.c.
 */
#ifndef VG_JSON_OUT_H
#define VG_JSON_OUT_H

#include <jansson.h>

#include "base/buf.h"

/*
 * Appends v to b as compact JSON with everything outside ASCII \u-escaped:
 * byte for byte what json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII |
 * JSON_ENCODE_ANY) writes (members in jansson's order). A string that is not
 * UTF-8 (only a *_nocheck constructor can make one) gets U+FFFD for each bad
 * byte, where json_dumps would fail. v must be a tree (jansson refuses to
 * build cycles), at most JSON_OUT_MAX_DEPTH deep. Allocates only by growing b.
 */
void json_out(struct buf *b, const json_t *v);

#define JSON_OUT_MAX_DEPTH 1000

#endif
