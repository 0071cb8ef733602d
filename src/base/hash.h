/*
 * SHA-1, SHA-256, SHA-512 and MD5 through OpenSSL's libcrypto, with the call
 * shape (context, length, data) used across vodgate.
 *
 * libcrypto's SHA code is the fastest on hand (SHA instructions where the CPU
 * has them: 1.7 GB/s for sha256 on one core here, against 1.5 GB/s for
 * nettle), which is what bounds an upload's receive path. The contexts are
 * libcrypto's low-level structs, whose fields are public, so a running hash
 * can be saved mid-stream and resumed after a restart (ingest/digest.c). Those
 * functions are deprecated in OpenSSL 3 in favour of EVP, which hides the
 * state; only hash.c calls them.
 */
#ifndef VG_HASH_H
#define VG_HASH_H

#include <openssl/md5.h>
#include <openssl/sha.h>
#include <stddef.h>
#include <stdint.h>

#define SHA1_DIGEST_SIZE   20
#define SHA256_DIGEST_SIZE 32
#define SHA512_DIGEST_SIZE 64
#define MD5_DIGEST_SIZE    16

struct sha1_ctx {
    SHA_CTX c;
};
struct sha256_ctx {
    SHA256_CTX c;
};
struct sha512_ctx {
    SHA512_CTX c;
};
struct md5_ctx {
    MD5_CTX c;
};

/* *_digest writes the first len bytes of the digest and starts the context anew. */
void sha1_init(struct sha1_ctx *ctx);
void sha1_update(struct sha1_ctx *ctx, size_t len, const void *data);
void sha1_digest(struct sha1_ctx *ctx, size_t len, uint8_t *out);
void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, size_t len, const void *data);
void sha256_digest(struct sha256_ctx *ctx, size_t len, uint8_t *out);
void sha512_init(struct sha512_ctx *ctx);
void sha512_update(struct sha512_ctx *ctx, size_t len, const void *data);
void sha512_digest(struct sha512_ctx *ctx, size_t len, uint8_t *out);
void md5_init(struct md5_ctx *ctx);
void md5_update(struct md5_ctx *ctx, size_t len, const void *data);
void md5_digest(struct md5_ctx *ctx, size_t len, uint8_t *out);

/* Bytes hashed so far. */
uint64_t sha256_length(const struct sha256_ctx *ctx);
uint64_t md5_length(const struct md5_ctx *ctx);

#endif
