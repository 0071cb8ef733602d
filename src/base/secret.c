/*
 * Secrets: see secret.h. A dummy argon2id hash made at start lets a sign-in
 * for an unknown account spend the same time as one with a wrong password.
 */
#include "base/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "base/hash.h"
#include "base/mem.h"

static char dummy_hash[crypto_pwhash_STRBYTES];
static unsigned char seal_key[crypto_secretbox_KEYBYTES];
static bool seal_key_set;

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

int secret_key_load(const char *path, char **err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        unsigned char k[crypto_secretbox_KEYBYTES];
        crypto_secretbox_keygen(k);
        int w = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
        if (w >= 0) {
            bool ok = write(w, k, sizeof k) == (ssize_t)sizeof k && fsync(w) == 0;
            close(w);
            if (!ok) {
                unlink(path);
                *err = xasprintf("cannot write the key file %s", path);
                return -1;
            }
        }
        sodium_memzero(k, sizeof k);
        fd = open(path, O_RDONLY | O_CLOEXEC); /* this one's, or a sibling's that won the race */
    }
    if (fd < 0) {
        *err = xasprintf("cannot read the key file %s: %s", path, strerror(errno));
        return -1;
    }
    ssize_t n = read(fd, seal_key, sizeof seal_key);
    close(fd);
    if (n != (ssize_t)sizeof seal_key) {
        *err = xasprintf("the key file %s is not %zu bytes (restore it from where you keep it, "
                         "or remove it: unsent invitation links then stop working)",
                         path, sizeof seal_key);
        return -1;
    }
    seal_key_set = true;
    return 0;
}

bool secret_key_loaded(void)
{
    return seal_key_set;
}

int secret_seal(const char *plain, char out[static SECRET_SEALED_MAX])
{
    size_t len = strlen(plain);
    if (!seal_key_set || len > 64)
        return -1;
    unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 64];
    randombytes_buf(box, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, len, box,
                          seal_key);
    sodium_bin2base64(out, SECRET_SEALED_MAX, box,
                      crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return 0;
}

int secret_unseal(const char *sealed, size_t len, char *out, size_t cap)
{
    unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 64];
    size_t n;
    if (!seal_key_set || len >= SECRET_SEALED_MAX ||
        sodium_base642bin(box, sizeof box, sealed, len, NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        n < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        return -1;
    size_t plain_len = n - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    if (plain_len + 1 > cap ||
        crypto_secretbox_open_easy((unsigned char *)out, box + crypto_secretbox_NONCEBYTES,
                                   n - crypto_secretbox_NONCEBYTES, box, seal_key) != 0)
        return -1;
    out[plain_len] = '\0';
    return 0;
}
