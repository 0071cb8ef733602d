/* Hashes through libcrypto's low-level contexts: see hash.h. */
#define OPENSSL_SUPPRESS_DEPRECATED /* the low-level API is the one that shows the state */
#include "base/hash.h"

#include <string.h>

#define HASH_FUNCS(name, ctx_t, Init, Update, Final, size)                                         \
    void name##_init(struct ctx_t *ctx)                                                            \
    {                                                                                              \
        Init(&ctx->c);                                                                             \
    }                                                                                              \
    void name##_update(struct ctx_t *ctx, size_t len, const void *data)                            \
    {                                                                                              \
        Update(&ctx->c, data, len);                                                                \
    }                                                                                              \
    void name##_digest(struct ctx_t *ctx, size_t len, uint8_t *out)                                \
    {                                                                                              \
        uint8_t d[size];                                                                           \
        Final(d, &ctx->c);                                                                         \
        memcpy(out, d, len < size ? len : size);                                                   \
        Init(&ctx->c);                                                                             \
    }

HASH_FUNCS(sha1, sha1_ctx, SHA1_Init, SHA1_Update, SHA1_Final, SHA1_DIGEST_SIZE)
HASH_FUNCS(sha256, sha256_ctx, SHA256_Init, SHA256_Update, SHA256_Final, SHA256_DIGEST_SIZE)
HASH_FUNCS(sha512, sha512_ctx, SHA512_Init, SHA512_Update, SHA512_Final, SHA512_DIGEST_SIZE)
HASH_FUNCS(md5, md5_ctx, MD5_Init, MD5_Update, MD5_Final, MD5_DIGEST_SIZE)

uint64_t sha256_length(const struct sha256_ctx *ctx)
{
    return ((uint64_t)ctx->c.Nh << 32 | ctx->c.Nl) / 8;
}

uint64_t md5_length(const struct md5_ctx *ctx)
{
    return ((uint64_t)ctx->c.Nh << 32 | ctx->c.Nl) / 8;
}
