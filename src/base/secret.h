/*
 * Secrets: random tokens, their hashes, and password hashing (libsodium).
 *
 * Session and API tokens are 256-bit random values shown to their owner once
 * and stored only as their SHA-256 (hex), so a copy of the database signs no
 * one in. A session's CSRF token is derived from the session token (a keyed
 * BLAKE2b with a fixed context), so it is never stored either, every server
 * process finds the same one, and knowing it tells nothing of the session
 * token. Passwords are hashed with argon2id (crypto_pwhash_str, interactive
 * limits); verification is constant-time. secret_init() must run once before
 * threads start.
 */
#ifndef VG_SECRET_H
#define VG_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#define SECRET_TOKEN_LEN  43  /* base64url of 32 bytes, no padding */
#define SECRET_HASH_LEN   64  /* hex of a SHA-256 */
#define SECRET_PWHASH_MAX 128 /* crypto_pwhash_STRBYTES */

int secret_init(void);
/* Writes a new random token (NUL-terminated) into out. */
void secret_token(char out[static SECRET_TOKEN_LEN + 1]);
/* Writes the hex SHA-256 of s into out. */
void secret_hash(const char *s, char out[static SECRET_HASH_LEN + 1]);
/*
 * Writes the CSRF token of a session (base64url of 32 bytes) into out: a
 * one-way function of the session token, the same on every call.
 */
void secret_csrf(const char *session_token, char out[static SECRET_TOKEN_LEN + 1]);
/* Hashes a password with argon2id. Returns 0, or -1 when out of memory. */
int secret_password_hash(const char *password, char out[static SECRET_PWHASH_MAX]);
/* True when password matches hash (a NULL hash never matches, in the same time). */
bool secret_password_ok(const char *password, const char *hash);
/* Writes a readable random password (20 characters, no look-alikes). */
void secret_password_new(char out[static 21]);
/* Constant-time string equality. */
bool secret_equal(const char *a, const char *b);

/*
 * Sealing: a secret that must be kept for a while but never readable from
 * the database (a one-time link waiting in the outbox) is stored encrypted
 * (XSalsa20-Poly1305, libsodium's secretbox) with a key kept outside the
 * database, in a file of the data directory (DIR/secret.key, 0600, never in
 * a backup of the database). Processes of one installation share the file.
 */
#define SECRET_SEALED_MAX 160 /* the sealed text of a secret of at most 64 bytes */

/*
 * Loads the sealing key from path, creating it (32 random bytes, 0600) when
 * there is none. Returns 0, or -1 with *err set (malloc'd).
 */
int secret_key_load(const char *path, char **err);
/* Whether a sealing key is loaded. */
bool secret_key_loaded(void);
/*
 * Writes the sealed form of plain (at most 64 bytes) into out: base64url
 * text of nonce and box. Returns 0, or -1 when no key is loaded.
 */
int secret_seal(const char *plain, char out[static SECRET_SEALED_MAX]);
/*
 * Opens the len bytes of sealed text at sealed into out (cap bytes, NUL
 * included). Returns 0, or -1 when it is not a box this key sealed.
 */
int secret_unseal(const char *sealed, size_t len, char *out, size_t cap);

#endif
