/*
 * Hashes of uploads (base/hash.h): the running whole-file sha256 and md5, and the
 * per-request checksum of the tus checksum extension.
 *
 * The whole-file hashes advance as bytes arrive, so an upload's sha256 and
 * md5 are known the moment its last byte is committed, without reading the
 * file again. Their state is persisted with every committed offset: the
 * context structs are public (state words, bit count, partial block), so
 * the state is written out field by field as text, each hash with its own
 * offset (md5 may lag behind sha256, see ingest/blob.h):
 * "v2:SHA_OFFSET:SHA_WORDS:SHA_TAIL:MD5_OFFSET:MD5_WORDS:MD5_TAIL" (hex),
 * portable across machines and independent of struct layout. A state that
 * does not parse, or whose sha256 belongs to another offset, is never
 * guessed at: the caller re-hashes the committed prefix from the file
 * instead (the rare path, after an upgrade that changed the format).
 */
#ifndef VG_DIGEST_H
#define VG_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/hash.h"
#include "ingest/tus_header.h"

#define DIGEST_SHA256_HEX 64
#define DIGEST_MD5_HEX    32

/*
 * Writes the persisted form of the running states into a malloc'd string
 * (the caller frees it): sha256 having hashed exactly offset bytes, md5
 * exactly md5_offset (<= offset).
 */
char *digest_state_save(const struct sha256_ctx *sha, uint64_t offset, const struct md5_ctx *md5,
                        uint64_t md5_offset);
/*
 * Restores both contexts from text whose sha256 was saved at offset; sets
 * *md5_offset. Returns 0, or -1 (re-hash instead).
 */
int digest_state_load(const char *text, uint64_t offset, struct sha256_ctx *sha,
                      struct md5_ctx *md5, uint64_t *md5_offset);
/* Hex digests of copies of the contexts (the contexts are left as they are). */
void digest_sha256_hex(const struct sha256_ctx *sha, char out[DIGEST_SHA256_HEX + 1]);
void digest_md5_hex(const struct md5_ctx *md5, char out[DIGEST_MD5_HEX + 1]);

/* The checksum of one request body (Upload-Checksum). */
struct chunk_hash {
    enum tus_algorithm algo;
    union {
        struct sha1_ctx sha1;
        struct sha256_ctx sha256;
        struct sha512_ctx sha512;
        struct md5_ctx md5;
    } ctx;
};

void chunk_hash_init(struct chunk_hash *h, enum tus_algorithm algo);
void chunk_hash_update(struct chunk_hash *h, const void *data, size_t len);
/* Writes the digest (tus_digest_len(algo) bytes) into out. */
void chunk_hash_digest(struct chunk_hash *h, unsigned char out[TUS_DIGEST_MAX]);

#endif
