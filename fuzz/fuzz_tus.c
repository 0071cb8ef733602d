/*
 * libFuzzer target for the tus header parsers (src/ingest/tus_header.c):
 * Upload-Offset / Upload-Length numbers, Upload-Metadata, Upload-Checksum,
 * and the file-name check. Checks more than "no crash": a parsed number
 * prints back to the same text; a parsed metadata header holds only key
 * characters, base64, spaces and commas (so echoing it in HEAD cannot smuggle
 * a header), its keys are unique and non-empty, and every value re-encodes to
 * base64 that parses to the same bytes; a parsed checksum has its
 * algorithm's digest length.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "ingest/tus_header.h"

static void check_metadata(const char *s)
{
    struct arena a = {0};
    struct tus_metadata m;
    const char *why;
    if (tus_parse_metadata(s, &a, &m, &why) != TUS_OK) {
        if (!why || !*why)
            abort(); /* every refusal says why */
        arena_free(&a);
        return;
    }
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            abort();
    if (m.n_pairs < 1 || m.n_pairs > TUS_META_MAX)
        abort();
    for (int i = 0; i < m.n_pairs; i++) {
        const struct tus_meta_pair *p = &m.pairs[i];
        if (!*p->key || strchr(p->key, ' ') || strchr(p->key, ','))
            abort();
        for (int k = 0; k < i; k++)
            if (!strcmp(m.pairs[k].key, p->key))
                abort();
        if (p->value_len > TUS_META_VALUE_MAX)
            abort();
        /* Round trip: the decoded value, encoded again, parses to the same bytes. */
        size_t enc_len = sodium_base64_ENCODED_LEN(p->value_len, sodium_base64_VARIANT_ORIGINAL);
        char *enc = malloc(enc_len);
        sodium_bin2base64(enc, enc_len, p->value, p->value_len, sodium_base64_VARIANT_ORIGINAL);
        size_t line_len = strlen(p->key) + strlen(enc) + 2;
        char *line = malloc(line_len);
        snprintf(line, line_len, "%s%s%s", p->key, p->value_len ? " " : "",
                 p->value_len ? enc : "");
        struct tus_metadata again;
        if (tus_parse_metadata(line, &a, &again, &why) != TUS_OK || again.n_pairs != 1 ||
            again.pairs[0].value_len != p->value_len ||
            memcmp(again.pairs[0].value, p->value, p->value_len) != 0)
            abort();
        free(line);
        free(enc);
    }
    arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (sodium_init() < 0)
        abort();
    char *s = malloc(len + 1);
    memcpy(s, data, len);
    s[len] = '\0';
    uint64_t v;
    if (tus_parse_u64(s, &v) == TUS_OK) {
        char back[24];
        snprintf(back, sizeof back, "%" PRIu64, v);
        if (strcmp(back, s) != 0 && !(s[0] == '0' && strlen(s) > 1))
            abort();
        if (v > (uint64_t)INT64_MAX)
            abort();
    }
    check_metadata(s);
    enum tus_algorithm algo;
    unsigned char digest[TUS_DIGEST_MAX];
    size_t n = 0;
    if (tus_parse_checksum(s, &algo, digest, &n) == TUS_OK && n != tus_digest_len(algo))
        abort();
    struct arena ca = {0};
    struct tus_concat c;
    const char *why;
    if (tus_parse_concat(s, &ca, &c, &why) == TUS_OK) {
        /* what parses is echoed in a header: printable ASCII only, the ids are hex */
        for (const char *p = c.value; *p; p++)
            if (*p < 0x20 || *p > 0x7e)
                abort();
        for (int i = 0; c.final && i < c.n_parts; i++)
            if (strlen(c.parts[i]) != TUS_UPLOAD_ID_LEN ||
                strspn(c.parts[i], "0123456789abcdef") != TUS_UPLOAD_ID_LEN)
                abort();
        if (c.final && (c.n_parts < 1 || c.n_parts > TUS_CONCAT_MAX))
            abort();
    }
    arena_free(&ca);
    tus_text_ok(data, len);
    free(s);
    return 0;
}
