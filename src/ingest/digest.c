/* Upload hashes: see digest.h. */
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

/* Appends "OFFSET:WORDS:TAIL" of one state. */
static void state_out(struct buf *b, uint64_t offset, const uint32_t *words, int n_words,
                      const uint8_t *block)
{
    buf_printf(b, "%" PRIu64 ":", offset);
    for (int i = 0; i < n_words; i++)
        buf_printf(b, "%08" PRIx32, words[i]);
    buf_putc(b, ':');
    char tail[2 * 64 + 1];
    hex_of(block, (size_t)(offset % 64), tail);
    buf_puts(b, tail);
}

/* Reads "OFFSET:WORDS:TAIL" into the parts of one state; returns the end, or NULL. */
static const char *state_in(const char *p, uint64_t *offset, uint32_t *words, int n_words,
                            uint8_t *block)
{
    char *end;
    if (*p < '0' || *p > '9')
        return NULL;
    *offset = strtoull(p, &end, 10);
    if (*end != ':')
        return NULL;
    p = words_in(end + 1, words, n_words);
    if (!p || *p++ != ':')
        return NULL;
    size_t tail = (size_t)(*offset % 64);
    for (size_t i = 0; i < tail; i++) {
        int hi = hex_val(p[0]), lo = hi < 0 ? -1 : hex_val(p[1]);
        if (hi < 0 || lo < 0)
            return NULL;
        block[i] = (uint8_t)(hi << 4 | lo);
        p += 2;
    }
    return p;
}

char *digest_state_save(const struct sha256_ctx *sha, uint64_t offset, const struct md5_ctx *md5,
                        uint64_t md5_offset)
{
    VG_ASSERT(sha256_length(sha) == offset && sha->c.num == offset % 64);
    VG_ASSERT(md5_length(md5) == md5_offset && md5->c.num == md5_offset % 64);
    VG_ASSERT(md5_offset <= offset);
    const uint32_t m[4] = {md5->c.A, md5->c.B, md5->c.C, md5->c.D};
    struct buf b = {0};
    buf_puts(&b, "v2:");
    state_out(&b, offset, sha->c.h, 8, (const uint8_t *)sha->c.data);
    buf_putc(&b, ':');
    state_out(&b, md5_offset, m, 4, (const uint8_t *)md5->c.data);
    return buf_detach(&b);
}

/* Sets the bytes hashed (bit count) and the partial block's length of a libcrypto context. */
#define SET_LENGTH(ctx, bytes)                                                                     \
    do {                                                                                           \
        (ctx)->c.Nl = (uint32_t)((bytes) << 3);                                                    \
        (ctx)->c.Nh = (uint32_t)((bytes) >> 29);                                                   \
        (ctx)->c.num = (unsigned)((bytes) % 64);                                                   \
    } while (0)

int digest_state_load(const char *text, uint64_t offset, struct sha256_ctx *sha,
                      struct md5_ctx *md5, uint64_t *md5_offset)
{
    if (!text || strncmp(text, "v2:", 3) != 0)
        return -1;
    sha256_init(sha);
    md5_init(md5);
    uint64_t at, m_at;
    uint32_t m[4];
    const char *p = state_in(text + 3, &at, sha->c.h, 8, (uint8_t *)sha->c.data);
    if (!p || at != offset || *p++ != ':')
        return -1;
    p = state_in(p, &m_at, m, 4, (uint8_t *)md5->c.data);
    if (!p || *p || m_at > offset)
        return -1;
    SET_LENGTH(sha, offset);
    SET_LENGTH(md5, m_at);
    md5->c.A = m[0];
    md5->c.B = m[1];
    md5->c.C = m[2];
    md5->c.D = m[3];
    *md5_offset = m_at;
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
