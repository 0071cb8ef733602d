/*
 * The tus 1.0.0 request headers, parsed strictly (pure: no I/O).
 *
 * Every value a client sends in a tus header passes through here before it
 * is used: the numbers of Upload-Offset and Upload-Length, the key/value
 * list of Upload-Metadata, and the algorithm and digest of Upload-Checksum.
 * Anything outside the grammar is refused, never repaired: a header that
 * parses here can be echoed back (HEAD's Upload-Metadata) without any risk
 * of header smuggling, because it holds only key characters, base64, spaces
 * and commas. Limits keep every parse bounded. These parsers have a fuzz
 * target (fuzz/fuzz_tus.c).
 */
#ifndef VG_TUS_HEADER_H
#define VG_TUS_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

#define TUS_VERSION         "1.0.0"
#define TUS_META_MAX        32   /* pairs in one Upload-Metadata */
#define TUS_META_KEY_MAX    64   /* bytes of a key */
#define TUS_META_VALUE_MAX  4096 /* decoded bytes of a value */
#define TUS_META_HEADER_MAX 16384
#define TUS_DIGEST_MAX      64 /* bytes of the largest digest (sha512) */

enum tus_parse_err {
    TUS_OK = 0,
    TUS_ERR_SYNTAX = -1,    /* not the grammar: 400 */
    TUS_ERR_ALGORITHM = -2, /* a checksum algorithm we do not support: 400 */
};

/*
 * Parses an Upload-Offset or Upload-Length value: ASCII digits only (no
 * sign, no spaces), at most 2^63 - 1. Returns TUS_OK or TUS_ERR_SYNTAX.
 */
int tus_parse_u64(const char *s, uint64_t *out);

struct tus_meta_pair {
    const char *key;      /* NUL-terminated, in the arena */
    unsigned char *value; /* decoded bytes, NUL-terminated for convenience, in the arena */
    size_t value_len;
    bool has_value; /* false for a key given without a value */
};

struct tus_metadata {
    struct tus_meta_pair pairs[TUS_META_MAX];
    int n_pairs;
};

/*
 * Parses an Upload-Metadata value: one or more comma-separated pairs "key"
 * or "key base64", keys non-empty, unique, printable ASCII without space or
 * comma, values standard base64 (padding optional). Allocates keys and
 * decoded values in a. On error returns TUS_ERR_SYNTAX and sets *why to a
 * static message.
 */
int tus_parse_metadata(const char *s, struct arena *a, struct tus_metadata *out, const char **why);
/* The pair with this key, or NULL. */
const struct tus_meta_pair *tus_meta_get(const struct tus_metadata *m, const char *key);

enum tus_algorithm { TUS_SHA1, TUS_SHA256, TUS_SHA512, TUS_MD5 };

/* The names of the checksum algorithms we verify, for Tus-Checksum-Algorithm. */
#define TUS_ALGORITHMS "sha1,sha256,sha512,md5"

/*
 * Parses an Upload-Checksum value "algorithm base64digest". Returns TUS_OK,
 * TUS_ERR_ALGORITHM for a well-formed name we do not support, or
 * TUS_ERR_SYNTAX (including a digest of the wrong length for its algorithm).
 */
int tus_parse_checksum(const char *s, enum tus_algorithm *algo,
                       unsigned char digest[TUS_DIGEST_MAX], size_t *digest_len);
/* The digest length in bytes of an algorithm. */
size_t tus_digest_len(enum tus_algorithm algo);

#define TUS_CONCAT_MAX        256   /* partial uploads one final upload may list */
#define TUS_CONCAT_HEADER_MAX 16384 /* bytes of an Upload-Concat value */
#define TUS_UPLOAD_ID_LEN     32    /* hex characters of an upload id (the last URL segment) */

/* An Upload-Concat value: a partial upload, or a final one and the ids of its partials. */
struct tus_concat {
    bool final;
    int n_parts;                          /* final: how many URLs, 1..TUS_CONCAT_MAX */
    char (*parts)[TUS_UPLOAD_ID_LEN + 1]; /* final: the ids, in order, in the arena */
    char *value;                          /* the value as received, in the arena */
};

/*
 * Parses an Upload-Concat value: "partial", or "final;" and a list of
 * upload URLs separated by single spaces. Each URL is a path
 * "/files/<32 hex>" or an absolute "http(s)://authority/files/<32 hex>"
 * (printable ASCII, no query or fragment); the same URL may be listed more
 * than once. Allocates in a. On error returns TUS_ERR_SYNTAX and sets *why
 * to a static message. out->value is "partial" or "final;" and the URLs as
 * received, safe to echo in a response header.
 */
int tus_parse_concat(const char *s, struct arena *a, struct tus_concat *out, const char **why);

/* True when s is valid UTF-8 with no control characters (a file name we can show). */
bool tus_text_ok(const unsigned char *s, size_t len);

#endif
