/*
 * The tus header parsers: see tus_header.h. Hand-written scanners over the
 * header text with explicit bounds; base64 is decoded by libsodium (strict:
 * no whitespace or foreign characters are skipped).
 */
#include "ingest/tus_header.h"

#include <sodium.h>
#include <string.h>

int tus_parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || strlen(s) > 19)
        return TUS_ERR_SYNTAX;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return TUS_ERR_SYNTAX;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (v > (uint64_t)INT64_MAX)
        return TUS_ERR_SYNTAX;
    *out = v;
    return TUS_OK;
}

static bool key_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f && c != ',';
}

static bool b64_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
}

/* Decodes standard base64 (padding optional) into the arena. Returns 0 or -1. */
static int b64_decode(struct arena *a, const char *s, size_t len, unsigned char **out,
                      size_t *out_len)
{
    size_t cap = len / 4 * 3 + 3;
    if (cap > TUS_META_VALUE_MAX + 3)
        return -1;
    unsigned char *bin = arena_alloc(a, cap + 1);
    size_t n = 0;
    const char *end = NULL;
    int variant =
        len % 4 == 0 ? sodium_base64_VARIANT_ORIGINAL : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
    if (sodium_base642bin(bin, cap, s, len, NULL, &n, &end, variant) != 0 || end != s + len)
        return -1;
    if (n > TUS_META_VALUE_MAX)
        return -1;
    bin[n] = '\0';
    *out = bin;
    *out_len = n;
    return 0;
}

int tus_parse_metadata(const char *s, struct arena *a, struct tus_metadata *out, const char **why)
{
    memset(out, 0, sizeof *out);
    *why = "";
    if (!s || strlen(s) > TUS_META_HEADER_MAX) {
        *why = "Upload-Metadata is longer than 16384 bytes";
        return TUS_ERR_SYNTAX;
    }
    const char *p = s;
    for (;;) {
        /* One pair: key [SP value], then ',' or the end. Spaces around pairs are tolerated. */
        while (*p == ' ')
            p++;
        const char *key = p;
        while (key_char((unsigned char)*p))
            p++;
        size_t key_len = (size_t)(p - key);
        if (key_len == 0 || key_len > TUS_META_KEY_MAX) {
            *why = key_len ? "an Upload-Metadata key is longer than 64 bytes"
                           : "Upload-Metadata has an empty key";
            return TUS_ERR_SYNTAX;
        }
        if (out->n_pairs == TUS_META_MAX) {
            *why = "Upload-Metadata has more than 32 pairs";
            return TUS_ERR_SYNTAX;
        }
        struct tus_meta_pair *pair = &out->pairs[out->n_pairs];
        pair->key = arena_strndup(a, key, key_len);
        for (int i = 0; i < out->n_pairs; i++) {
            if (!strcmp(out->pairs[i].key, pair->key)) {
                *why = "Upload-Metadata repeats a key";
                return TUS_ERR_SYNTAX;
            }
        }
        if (*p == ' ') {
            while (*p == ' ')
                p++;
            const char *val = p;
            while (b64_char((unsigned char)*p))
                p++;
            size_t val_len = (size_t)(p - val);
            if (val_len) {
                if (b64_decode(a, val, val_len, &pair->value, &pair->value_len) < 0) {
                    *why = "an Upload-Metadata value is not base64 (or decodes to more than "
                           "4096 bytes)";
                    return TUS_ERR_SYNTAX;
                }
                pair->has_value = true;
            }
            while (*p == ' ')
                p++;
        }
        if (!pair->has_value) {
            pair->value = (unsigned char *)arena_strdup(a, "");
            pair->value_len = 0;
        }
        out->n_pairs++;
        if (*p == '\0')
            return TUS_OK;
        if (*p != ',') {
            *why = "Upload-Metadata must be comma-separated pairs of a key and a base64 value";
            return TUS_ERR_SYNTAX;
        }
        p++;
    }
}

const struct tus_meta_pair *tus_meta_get(const struct tus_metadata *m, const char *key)
{
    for (int i = 0; i < m->n_pairs; i++)
        if (!strcmp(m->pairs[i].key, key))
            return &m->pairs[i];
    return NULL;
}

size_t tus_digest_len(enum tus_algorithm algo)
{
    switch (algo) {
    case TUS_SHA1:
        return 20;
    case TUS_SHA256:
        return 32;
    case TUS_SHA512:
        return 64;
    case TUS_MD5:
        return 16;
    }
    return 0;
}

int tus_parse_checksum(const char *s, enum tus_algorithm *algo,
                       unsigned char digest[TUS_DIGEST_MAX], size_t *digest_len)
{
    static const struct {
        const char *name;
        enum tus_algorithm algo;
    } names[] = {
        {"sha1", TUS_SHA1}, {"sha256", TUS_SHA256}, {"sha512", TUS_SHA512}, {"md5", TUS_MD5}};
    if (!s)
        return TUS_ERR_SYNTAX;
    const char *sp = strchr(s, ' ');
    if (!sp || sp == s || sp - s > 32)
        return TUS_ERR_SYNTAX;
    size_t name_len = (size_t)(sp - s);
    /* Algorithm names are ASCII without uppercase (the protocol's rule). */
    for (const char *p = s; p < sp; p++)
        if (!key_char((unsigned char)*p) || (*p >= 'A' && *p <= 'Z'))
            return TUS_ERR_SYNTAX;
    int found = -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].name) == name_len && !memcmp(names[i].name, s, name_len))
            found = (int)i;
    const char *b64 = sp + 1;
    size_t b64_len = strlen(b64);
    if (b64_len == 0 || b64_len > 128)
        return TUS_ERR_SYNTAX;
    for (size_t i = 0; i < b64_len; i++)
        if (!b64_char((unsigned char)b64[i]))
            return TUS_ERR_SYNTAX;
    if (found < 0)
        return TUS_ERR_ALGORITHM;
    size_t n = 0;
    const char *end = NULL;
    int variant = b64_len % 4 == 0 ? sodium_base64_VARIANT_ORIGINAL
                                   : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
    if (sodium_base642bin(digest, TUS_DIGEST_MAX, b64, b64_len, NULL, &n, &end, variant) != 0 ||
        end != b64 + b64_len)
        return TUS_ERR_SYNTAX;
    if (n != tus_digest_len(names[found].algo))
        return TUS_ERR_SYNTAX;
    *algo = names[found].algo;
    *digest_len = n;
    return TUS_OK;
}

bool tus_text_ok(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x20 || c == 0x7f)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp;
        if ((c & 0xe0) == 0xc0)
            n = 1, cp = c & 0x1f;
        else if ((c & 0xf0) == 0xe0)
            n = 2, cp = c & 0x0f;
        else if ((c & 0xf8) == 0xf0)
            n = 3, cp = c & 0x07;
        else
            return false;
        if (i + n >= len) /* the sequence runs past the end */
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        /* No overlong forms, no surrogates, nothing past U+10FFFF, no C1 controls. */
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || (cp >= 0x80 && cp < 0xa0))
            return false;
        i += n + 1;
    }
    return true;
}

/* The id of one partial upload URL (see tus_parse_concat), into id. Returns 0 or -1. */
static int concat_url_id(const char *url, size_t len, char id[TUS_UPLOAD_ID_LEN + 1])
{
    const char *p = url, *end = url + len;
    for (const char *q = url; q < end; q++)
        if ((unsigned char)*q <= 0x20 || (unsigned char)*q >= 0x7f)
            return -1;
    size_t scheme = !strncmp(p, "https://", 8) ? 8 : !strncmp(p, "http://", 7) ? 7 : 0;
    if (scheme) {
        p += scheme;
        const char *slash = memchr(p, '/', (size_t)(end - p));
        if (!slash || slash == p)
            return -1; /* no authority, or no path */
        p = slash;
    }
    static const char prefix[] = "/files/";
    size_t n_prefix = sizeof prefix - 1;
    if ((size_t)(end - p) != n_prefix + TUS_UPLOAD_ID_LEN || strncmp(p, prefix, n_prefix) != 0)
        return -1;
    p += n_prefix;
    for (int i = 0; i < TUS_UPLOAD_ID_LEN; i++) {
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
            return -1;
        id[i] = p[i];
    }
    id[TUS_UPLOAD_ID_LEN] = '\0';
    return 0;
}

int tus_parse_concat(const char *s, struct arena *a, struct tus_concat *out, const char **why)
{
    memset(out, 0, sizeof *out);
    *why = "Upload-Concat must be 'partial' or 'final;' and the partial uploads' URLs, separated "
           "by spaces";
    if (!s)
        return TUS_ERR_SYNTAX;
    size_t len = strlen(s);
    if (len > TUS_CONCAT_HEADER_MAX) {
        *why = "Upload-Concat is too long";
        return TUS_ERR_SYNTAX;
    }
    if (!strcmp(s, "partial")) {
        out->value = arena_strdup(a, "partial");
        return TUS_OK;
    }
    if (strncmp(s, "final;", 6) != 0)
        return TUS_ERR_SYNTAX;
    out->final = true;
    out->parts = arena_alloc(a, TUS_CONCAT_MAX * sizeof *out->parts);
    const char *p = s + 6;
    if (!*p) {
        *why = "Upload-Concat: final; lists no partial upload";
        return TUS_ERR_SYNTAX;
    }
    for (;;) {
        const char *sp = strchr(p, ' ');
        size_t n = sp ? (size_t)(sp - p) : strlen(p);
        if (out->n_parts == TUS_CONCAT_MAX) {
            *why = "Upload-Concat lists too many partial uploads";
            return TUS_ERR_SYNTAX;
        }
        if (n == 0 || concat_url_id(p, n, out->parts[out->n_parts]) < 0) {
            *why = "each URL in Upload-Concat must be a partial upload's URL, /files/ID, separated "
                   "by single spaces";
            return TUS_ERR_SYNTAX;
        }
        out->n_parts++;
        if (!sp)
            break;
        p = sp + 1;
    }
    out->value = arena_strdup(a, s);
    return TUS_OK;
}
