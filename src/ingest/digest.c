/*
 * Upload hashes: see digest.h. nettle picks its SHA-NI code for sha1 and
 * sha256 at run time where the CPU has it.
 */
#include "ingest/digest.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

static const char hexdigits[] = "0123456789abcdef";

static void hex_of(const unsigned char *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexdigits[b[i] >> 4];
        out[2 * i + 1] = hexdigits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hex_val(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Reads n 32-bit words written as 8 hex digits each. Returns the end, or NULL. */
static const char *words_in(const char *p, uint32_t *w, int n)
{
    for (int i = 0; i < n; i++) {
        uint32_t v = 0;
        for (int k = 0; k < 8; k++) {
            int d = hex_val(*p++);
            if (d < 0)
                return NULL;
            v = v << 4 | (uint32_t)d;
        }
        w[i] = v;
    }
    return p;
}

char *digest_state_save(const struct sha256_ctx *sha, const struct md5_ctx *md5, uint64_t offset)
{
    VG_ASSERT(sha->count * 64 + sha->index == offset);
    VG_ASSERT(md5->count * 64 + md5->index == offset);
    VG_ASSERT(sha->index == md5->index && !memcmp(sha->block, md5->block, sha->index));
    struct buf b = {0};
    buf_printf(&b, "v1:%" PRIu64 ":", offset);
    for (int i = 0; i < 8; i++)
        buf_printf(&b, "%08" PRIx32, sha->state[i]);
    buf_putc(&b, ':');
    for (int i = 0; i < 4; i++)
        buf_printf(&b, "%08" PRIx32, md5->state[i]);
    buf_putc(&b, ':');
    char tail[2 * 64 + 1];
    hex_of(sha->block, sha->index, tail);
    buf_puts(&b, tail);
    return buf_detach(&b);
}

int digest_state_load(const char *text, uint64_t offset, struct sha256_ctx *sha,
                      struct md5_ctx *md5)
{
    if (!text || strncmp(text, "v1:", 3) != 0)
        return -1;
    char *end;
    uint64_t at = strtoull(text + 3, &end, 10);
    if (at != offset || *end != ':')
        return -1;
    sha256_init(sha);
    md5_init(md5);
    const char *p = words_in(end + 1, sha->state, 8);
    if (!p || *p++ != ':')
        return -1;
    p = words_in(p, md5->state, 4);
    if (!p || *p++ != ':')
        return -1;
    size_t tail = (size_t)(offset % 64);
    if (strlen(p) != 2 * tail)
        return -1;
    for (size_t i = 0; i < tail; i++) {
        int hi = hex_val(p[2 * i]), lo = hex_val(p[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        sha->block[i] = md5->block[i] = (uint8_t)(hi << 4 | lo);
    }
    sha->count = md5->count = offset / 64;
    sha->index = md5->index = (unsigned)tail;
    return 0;
}

void digest_sha256_hex(const struct sha256_ctx *sha, char out[DIGEST_SHA256_HEX + 1])
{
    struct sha256_ctx copy = *sha;
    unsigned char d[SHA256_DIGEST_SIZE];
    sha256_digest(&copy, sizeof d, d);
    hex_of(d, sizeof d, out);
}

void digest_md5_hex(const struct md5_ctx *md5, char out[DIGEST_MD5_HEX + 1])
{
    struct md5_ctx copy = *md5;
    unsigned char d[MD5_DIGEST_SIZE];
    md5_digest(&copy, sizeof d, d);
    hex_of(d, sizeof d, out);
}

void chunk_hash_init(struct chunk_hash *h, enum tus_algorithm algo)
{
    h->algo = algo;
    switch (algo) {
    case TUS_SHA1:
        sha1_init(&h->ctx.sha1);
        break;
    case TUS_SHA256:
        sha256_init(&h->ctx.sha256);
        break;
    case TUS_SHA512:
        sha512_init(&h->ctx.sha512);
        break;
    case TUS_MD5:
        md5_init(&h->ctx.md5);
        break;
    }
}

void chunk_hash_update(struct chunk_hash *h, const void *data, size_t len)
{
    switch (h->algo) {
    case TUS_SHA1:
        sha1_update(&h->ctx.sha1, len, data);
        break;
    case TUS_SHA256:
        sha256_update(&h->ctx.sha256, len, data);
        break;
    case TUS_SHA512:
        sha512_update(&h->ctx.sha512, len, data);
        break;
    case TUS_MD5:
        md5_update(&h->ctx.md5, len, data);
        break;
    }
}

void chunk_hash_digest(struct chunk_hash *h, unsigned char out[TUS_DIGEST_MAX])
{
    size_t n = tus_digest_len(h->algo);
    switch (h->algo) {
    case TUS_SHA1:
        sha1_digest(&h->ctx.sha1, n, out);
        break;
    case TUS_SHA256:
        sha256_digest(&h->ctx.sha256, n, out);
        break;
    case TUS_SHA512:
        sha512_digest(&h->ctx.sha512, n, out);
        break;
    case TUS_MD5:
        md5_digest(&h->ctx.md5, n, out);
        break;
    }
}
