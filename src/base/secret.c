/*
 * Secrets: see secret.h. A dummy argon2id hash made at start lets a sign-in
 * for an unknown account spend the same time as one with a wrong password.
 */
#include "base/secret.h"

#include <sodium.h>
#include <string.h>

#include "base/hash.h"
#include "base/mem.h"

static char dummy_hash[crypto_pwhash_STRBYTES];

int secret_init(void)
{
    if (sodium_init() < 0)
        return -1;
    char pw[21];
    secret_password_new(pw);
    return secret_password_hash(pw, dummy_hash);
}

void secret_token(char out[static SECRET_TOKEN_LEN + 1])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, SECRET_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* SHA-256 through libcrypto, which uses the CPU's SHA instructions where there are any:
   every signed-in request hashes its token (a third of the time of libsodium's). */
void secret_hash(const char *s, char out[static SECRET_HASH_LEN + 1])
{
    unsigned char h[SHA256_DIGEST_SIZE];
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, strlen(s), (const uint8_t *)s);
    sha256_digest(&ctx, sizeof h, h);
    sodium_bin2hex(out, SECRET_HASH_LEN + 1, h, sizeof h);
}

void secret_csrf(const char *session_token, char out[static SECRET_TOKEN_LEN + 1])
{
    /* BLAKE2b keyed with a fixed context: a different function of the token from the stored
       SHA-256, so neither the database nor a page's form field leads back to the session. */
    static const unsigned char context[crypto_generichash_KEYBYTES] =
        "vodgate: a session's CSRF token";
    unsigned char raw[32];
    crypto_generichash(raw, sizeof raw, (const unsigned char *)session_token, strlen(session_token),
                       context, sizeof context);
    sodium_bin2base64(out, SECRET_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int secret_password_hash(const char *password, char out[static SECRET_PWHASH_MAX])
{
    _Static_assert(crypto_pwhash_STRBYTES <= SECRET_PWHASH_MAX, "pwhash buffer");
    return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0
               ? 0
               : -1;
}

bool secret_password_ok(const char *password, const char *hash)
{
    const char *h = hash && *hash ? hash : dummy_hash;
    bool ok = crypto_pwhash_str_verify(h, password, strlen(password)) == 0;
    return ok && h != dummy_hash;
}

void secret_password_new(char out[static 21])
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (int i = 0; i < 20; i++)
        out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    out[20] = '\0';
}

bool secret_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return false;
    return sodium_memcmp(a, b, la) == 0;
}
