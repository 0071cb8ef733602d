/*
 * Unit tests of src/ingest: the tus header parsers, the persisted hash
 * state, the HTTP date, and the blob writer (ring, alignment, checkpoints,
 * cancel) on real files.
 */
#include "t.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/hash.h"
#include "ingest/blob.h"
#include "ingest/digest.h"
#include "ingest/tus_header.h"
#include "ingest/upload.h"

TEST(u64_takes_digits_only)
{
    uint64_t v;
    CHECK_INT_EQ(tus_parse_u64("0", &v), TUS_OK);
    CHECK_INT_EQ(v, 0);
    CHECK_INT_EQ(tus_parse_u64("9223372036854775807", &v), TUS_OK);
    CHECK(v == 9223372036854775807ULL);
    const char *bad[] = {
        "",   "-1", "+1", " 1", "1 ", "1e3", "0x1", "9223372036854775808", "99999999999999999999",
        "12a"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT_EQ(tus_parse_u64(bad[i], &v), TUS_ERR_SYNTAX);
}

TEST(metadata_pairs_keys_and_values)
{
    struct arena a = {0};
    struct tus_metadata m;
    const char *why;
    CHECK_INT_EQ(tus_parse_metadata("filename d29ybGQucGRm,is_confidential,lang ZW4", &a, &m, &why),
                 TUS_OK);
    CHECK_INT_EQ(m.n_pairs, 3);
    CHECK_STR_EQ((const char *)tus_meta_get(&m, "filename")->value, "world.pdf");
    CHECK(!tus_meta_get(&m, "is_confidential")->has_value);
    CHECK_STR_EQ((const char *)tus_meta_get(&m, "lang")->value, "en");
    CHECK(tus_meta_get(&m, "missing") == NULL);
    const char *bad[] = {
        "", ",", "a YQ==,a Yg==", "a YQ==,", ",a YQ==", "a !!", "a YQ== x", "a Y", "a YQ==,,b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT_EQ(tus_parse_metadata(bad[i], &a, &m, &why), TUS_ERR_SYNTAX);
        CHECK(why && *why);
    }
    arena_free(&a);
}

TEST(checksum_header_names_and_lengths)
{
    enum tus_algorithm algo;
    unsigned char d[TUS_DIGEST_MAX];
    size_t n;
    /* sha1("hello world") */
    CHECK_INT_EQ(tus_parse_checksum("sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=", &algo, d, &n), TUS_OK);
    CHECK_INT_EQ(algo, TUS_SHA1);
    CHECK_INT_EQ(n, 20);
    CHECK_INT_EQ(d[0], 0x2a);
    CHECK_INT_EQ(tus_parse_checksum("crc32 AAAAAA==", &algo, d, &n), TUS_ERR_ALGORITHM);
    CHECK_INT_EQ(tus_parse_checksum("SHA1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=", &algo, d, &n),
                 TUS_ERR_SYNTAX);
    CHECK_INT_EQ(tus_parse_checksum("sha256 Kq5sNclPz7QV2+lfQIuc6R7oRu0=", &algo, d, &n),
                 TUS_ERR_SYNTAX);
    CHECK_INT_EQ(tus_parse_checksum("sha1", &algo, d, &n), TUS_ERR_SYNTAX);
    CHECK_INT_EQ(tus_parse_checksum("sha1 ", &algo, d, &n), TUS_ERR_SYNTAX);
}

TEST(concat_header_partial_final_and_urls)
{
    struct arena a = {0};
    struct tus_concat c;
    const char *why = NULL;
    CHECK_INT_EQ(tus_parse_concat("partial", &a, &c, &why), TUS_OK);
    CHECK(!c.final);
    CHECK_STR_EQ(c.value, "partial");
    const char *v = "final;/files/0123456789abcdef0123456789abcdef "
                    "https://vod.example.com:8443/files/fedcba9876543210fedcba9876543210 "
                    "/files/0123456789abcdef0123456789abcdef";
    CHECK_INT_EQ(tus_parse_concat(v, &a, &c, &why), TUS_OK);
    CHECK(c.final);
    CHECK_INT_EQ(c.n_parts, 3);
    CHECK_STR_EQ(c.parts[0], "0123456789abcdef0123456789abcdef");
    CHECK_STR_EQ(c.parts[1], "fedcba9876543210fedcba9876543210");
    CHECK_STR_EQ(c.parts[2], "0123456789abcdef0123456789abcdef");
    CHECK_STR_EQ(c.value, v);
    const char *bad[] = {"",
                         "Partial",
                         "final",
                         "final;",
                         "final; /files/0123456789abcdef0123456789abcdef",
                         "final;/files/0123456789abcdef0123456789abcdef ",
                         "final;/files/0123456789ABCDEF0123456789abcdef",
                         "final;/files/0123456789abcdef0123456789abcde",
                         "final;/files/0123456789abcdef0123456789abcdef0",
                         "final;/files/../files/0123456789abcdef0123456",
                         "final;http:///files/0123456789abcdef0123456789abcdef",
                         "final;ftp://x/files/0123456789abcdef0123456789abcdef",
                         "final;/files/0123456789abcdef0123456789abcdef\r\nX: y",
                         "final;/uploads/0123456789abcdef0123456789abcdef"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why = NULL;
        CHECK_INT_EQ(tus_parse_concat(bad[i], &a, &c, &why), TUS_ERR_SYNTAX);
        CHECK(why && *why);
    }
    /* at most TUS_CONCAT_MAX parts */
    struct buf many = {0};
    buf_printf(&many, "final;");
    for (int i = 0; i <= TUS_CONCAT_MAX; i++)
        buf_printf(&many, "%s/files/0123456789abcdef0123456789abcdef", i ? " " : "");
    CHECK_INT_EQ(tus_parse_concat(buf_str(&many), &a, &c, &why), TUS_ERR_SYNTAX);
    buf_free(&many);
    arena_free(&a);
}

TEST(filenames_are_shown_only_as_clean_utf8)
{
    CHECK(tus_text_ok((const unsigned char *)"Caf\xc3\xa9 \xe2\x82\xac.mov", 12));
    CHECK(!tus_text_ok((const unsigned char *)"a\nb", 3));
    CHECK(!tus_text_ok((const unsigned char *)"\xff", 1));
    CHECK(!tus_text_ok((const unsigned char *)"\xc3", 1));
    CHECK(!tus_text_ok((const unsigned char *)"\xc0\xaf", 2));     /* overlong '/' */
    CHECK(!tus_text_ok((const unsigned char *)"\xed\xa0\x80", 3)); /* a surrogate */
}

TEST(hash_state_survives_save_and_load_at_any_offset)
{
    unsigned char data[300];
    for (int i = 0; i < 300; i++)
        data[i] = (unsigned char)(i * 37 + 1);
    for (uint64_t cut = 0; cut <= 300; cut += 13) {
        struct sha256_ctx s1;
        struct md5_ctx m1;
        sha256_init(&s1);
        md5_init(&m1);
        sha256_update(&s1, cut, data);
        md5_update(&m1, cut, data);
        /* md5 lags by up to 70 bytes, as when its thread fell behind */
        uint64_t m_cut = cut > 70 ? cut - 70 : 0;
        struct md5_ctx m_lag;
        md5_init(&m_lag);
        md5_update(&m_lag, m_cut, data);
        char *text = digest_state_save(&s1, cut, &m_lag, m_cut);
        struct sha256_ctx s2;
        struct md5_ctx m2;
        uint64_t m2_off = 0;
        CHECK_INT_EQ(digest_state_load(text, cut, &s2, &m2, &m2_off), 0);
        CHECK(m2_off == m_cut);
        md5_update(&m2, cut - m_cut, data + m_cut);
        CHECK_INT_EQ(digest_state_load(text, cut + 1, &s2, &m2, &m2_off), -1);
        digest_state_load(text, cut, &s2, &m_lag, &m2_off);
        m2 = m_lag;
        md5_update(&m2, cut - m_cut, data + m_cut);
        sha256_update(&s1, 300 - cut, data + cut);
        md5_update(&m1, 300 - cut, data + cut);
        sha256_update(&s2, 300 - cut, data + cut);
        md5_update(&m2, 300 - cut, data + cut);
        char h1[65], h2[65], g1[33], g2[33];
        digest_sha256_hex(&s1, h1);
        digest_sha256_hex(&s2, h2);
        digest_md5_hex(&m1, g1);
        digest_md5_hex(&m2, g2);
        CHECK_STR_EQ(h1, h2);
        CHECK_STR_EQ(g1, g2);
        free(text);
    }
    struct sha256_ctx s;
    struct md5_ctx m;
    uint64_t mo;
    CHECK_INT_EQ(digest_state_load("v2:0:", 0, &s, &m, &mo), -1);
    CHECK_INT_EQ(digest_state_load("v1:0:zz", 0, &s, &m, &mo), -1);
    CHECK_INT_EQ(digest_state_load(NULL, 0, &s, &m, &mo), -1);
}

/* A state saved by the nettle-based builds (before 2026-11-26) resumes to the right digests. */
TEST(hash_state_saved_by_earlier_builds_still_resumes)
{
    unsigned char data[200];
    for (int i = 0; i < 200; i++)
        data[i] = (unsigned char)(i * 7 + 3);
    const char *saved = "v2:150:"
                        "cb64ceb6c5b7d358dbdd0cdac862363bde54a32b5af7981117e603240711038f:"
                        "838a91989fa6adb4bbc2c9d0d7dee5ecf3fa01080f16:"
                        "77:93b978e6f5cf64c21637b0c151b6ccc3:c3cad1d8dfe6edf4fb02091017";
    struct sha256_ctx s;
    struct md5_ctx m;
    uint64_t mo = 0;
    CHECK_INT_EQ(digest_state_load(saved, 150, &s, &m, &mo), 0);
    CHECK(mo == 77);
    char *again = digest_state_save(&s, 150, &m, 77);
    CHECK_STR_EQ(again, saved);
    free(again);
    sha256_update(&s, 50, data + 150);
    md5_update(&m, 123, data + 77);
    char h[65], g[33];
    digest_sha256_hex(&s, h);
    digest_md5_hex(&m, g);
    CHECK_STR_EQ(h, "2c7e18c942ef065b526a2d4e5546283749cd3ddfb51d8fc71f42717363685f46");
    CHECK_STR_EQ(g, "4c79b81ac94bad7a875519ce6b964c66");
}

TEST(http_dates_are_rfc9110)
{
    char d[30];
    upload_http_date(1403712000, d);
    CHECK_STR_EQ(d, "Wed, 25 Jun 2014 16:00:00 GMT");
    upload_http_date(0, d);
    CHECK_STR_EQ(d, "Thu, 01 Jan 1970 00:00:00 GMT");
}

static int n_commits;
static uint64_t last_commit;

static int count_commit(void *ctx, uint64_t offset, const struct sha256_ctx *sha,
                        uint64_t md5_offset, const struct md5_ctx *md5)
{
    (void)ctx, (void)sha, (void)md5, (void)md5_offset;
    n_commits++;
    last_commit = offset;
    return 0;
}

/* Writes data[from..to) through a writer that starts at from. */
static int write_range(const char *path, const unsigned char *data, uint64_t from, uint64_t to,
                       struct blob_result *res)
{
    struct sha256_ctx sha;
    struct md5_ctx md5;
    blob_rehash(path, from, &sha, &md5);
    struct blob_writer_opts o = {0};
    o.path = path;
    o.offset = from;
    o.limit = to;
    o.sha = &sha;
    o.md5 = &md5;
    o.md5_offset = from;
    o.commit = count_commit;
    struct blob_writer *w;
    if (blob_writer_open(&o, &w) < 0)
        return -1;
    uint64_t at = from;
    int rc = 0;
    while (at < to && rc == 0) {
        size_t n = to - at < 100003 ? (size_t)(to - at) : 100003, taken = 0;
        rc = blob_writer_put(w, data + at, n, &taken);
        at += taken;
        if (taken < n)
            usleep(1000); /* the ring is full: no wake function here, poll */
    }
    if (rc == 0)
        rc = blob_writer_finish(w, res);
    blob_writer_unref(w);
    return rc;
}

/* Writes len bytes of data into a new file path. */
static void put_file(const char *path, const unsigned char *data, size_t len)
{
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    CHECK(fd >= 0 && write(fd, data, len) == (ssize_t)len);
    close(fd);
}

TEST(blob_concat_copies_in_order_and_hashes_the_whole)
{
    char dir[] = "/tmp/vodgate-concat-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    /* parts across the 4 MiB buffer: the second is larger than the buffer, the third empty */
    size_t lens[] = {3, 9 * 1024 * 1024 + 7, 0, 4 * 1024 * 1024};
    size_t total = 0;
    for (int i = 0; i < 4; i++)
        total += lens[i];
    unsigned char *data = malloc(total);
    for (size_t i = 0; i < total; i++)
        data[i] = (unsigned char)(i * 2654435761u >> 11);
    char *paths[4];
    const char *srcs[5];
    uint64_t ulens[5];
    size_t at = 0;
    for (int i = 0; i < 4; i++) {
        paths[i] = xasprintf("%s/p%d", dir, i);
        put_file(paths[i], data + at, lens[i]);
        at += lens[i];
        srcs[i] = paths[i];
        ulens[i] = lens[i];
    }
    char *dest = xasprintf("%s/final", dir);
    struct sha256_ctx sha, want_sha;
    struct md5_ctx md5, want_md5;
    CHECK_INT_EQ(blob_concat(dest, srcs, ulens, 4, &sha, &md5), BLOB_OK);
    sha256_init(&want_sha);
    sha256_update(&want_sha, total, data);
    md5_init(&want_md5);
    md5_update(&want_md5, total, data);
    char got[65], want[65];
    digest_sha256_hex(&sha, got);
    digest_sha256_hex(&want_sha, want);
    CHECK_STR_EQ(got, want);
    digest_md5_hex(&md5, got);
    digest_md5_hex(&want_md5, want);
    CHECK_STR_EQ(got, want);
    int fd = open(dest, O_RDONLY);
    unsigned char *back = malloc(total + 1);
    CHECK(read(fd, back, total + 1) == (ssize_t)total);
    CHECK(memcmp(back, data, total) == 0);
    close(fd);
    /* a part shorter than its length, or missing, is an error */
    ulens[0] = 4;
    CHECK_INT_EQ(blob_concat(dest, srcs, ulens, 1, &sha, &md5), BLOB_ERR_IO);
    ulens[0] = 3;
    srcs[4] = "/nonexistent/vodgate-part";
    ulens[4] = 1;
    CHECK_INT_EQ(blob_concat(dest, srcs + 4, ulens + 4, 1, &sha, &md5), BLOB_ERR_IO);
    for (int i = 0; i < 4; i++) {
        unlink(paths[i]);
        free(paths[i]);
    }
    unlink(dest);
    free(dest);
    rmdir(dir);
    free(back);
    free(data);
}

TEST(blob_writer_resumes_at_unaligned_offsets_with_the_right_hashes)
{
    char dir[] = "/tmp/vodgate-blob-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *path = blob_path(dir, "f");
    CHECK(strstr(path, "/uploads/f") != NULL);
    free(path);
    path = xasprintf("%s/f", dir);
    CHECK_INT_EQ(blob_create(path), 0);
    uint64_t len = 11 * 1024 * 1024 + 4321;
    unsigned char *data = malloc(len);
    for (uint64_t i = 0; i < len; i++)
        data[i] = (unsigned char)(i * 2654435761u >> 13);
    uint64_t cuts[] = {0, 1, 4095, 4097, 5 * 1024 * 1024 + 3, len};
    struct blob_result res;
    for (int i = 0; i + 1 < 6; i++)
        CHECK_INT_EQ(write_range(path, data, cuts[i], cuts[i + 1], &res), 0);
    CHECK(res.end == len);
    struct sha256_ctx sha;
    sha256_init(&sha);
    sha256_update(&sha, len, data);
    char want[65], got[65];
    digest_sha256_hex(&sha, want);
    digest_sha256_hex(&res.sha, got);
    CHECK_STR_EQ(got, want);
    if (res.md5_offset == len) { /* md5 kept up: it matches */
        struct md5_ctx md5;
        md5_init(&md5);
        md5_update(&md5, len, data);
        char mw[33], mg[33];
        digest_md5_hex(&md5, mw);
        digest_md5_hex(&res.md5, mg);
        CHECK_STR_EQ(mg, mw);
    }
    CHECK(res.md5_offset <= len);
    int fd = open(path, O_RDONLY);
    unsigned char *back = malloc(len + 1);
    CHECK(read(fd, back, len + 1) == (ssize_t)len);
    CHECK(memcmp(back, data, len) == 0);
    close(fd);
    /* A file longer than its committed offset is cut back before the next write. */
    CHECK_INT_EQ(blob_truncate(path, 4097), 0);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size == 4097);
    CHECK_INT_EQ(write_range(path, data, 4097, len, &res), 0);
    digest_sha256_hex(&res.sha, got);
    CHECK_STR_EQ(got, want);
    /* A body past the limit stops the writer. */
    struct sha256_ctx s0;
    struct md5_ctx m0;
    sha256_init(&s0);
    md5_init(&m0);
    struct blob_writer_opts o = {0};
    o.path = path;
    o.offset = 0;
    o.limit = 10;
    o.sha = &s0;
    o.md5 = &m0;
    struct blob_writer *w;
    CHECK_INT_EQ(blob_writer_open(&o, &w), 0);
    size_t taken;
    CHECK_INT_EQ(blob_writer_put(w, data, 11, &taken), BLOB_ERR_TOO_LONG);
    CHECK_INT_EQ(blob_writer_finish(w, &res), BLOB_ERR_TOO_LONG);
    blob_writer_unref(w);
    /* A cancelled writer commits nothing more and goes quiet. */
    CHECK_INT_EQ(blob_writer_open(&o, &w), 0);
    blob_writer_cancel(w);
    blob_writer_wait_quiet(w);
    CHECK_INT_EQ(blob_writer_put(w, data, 5, &taken), BLOB_ERR_STOPPED);
    CHECK_INT_EQ(blob_writer_finish(w, &res), BLOB_ERR_STOPPED);
    blob_writer_unref(w);
    CHECK_INT_EQ(blob_remove(path), 0);
    CHECK_INT_EQ(blob_remove(path), 0);
    rmdir(dir);
    free(back);
    free(data);
    free(path);
}

T_MAIN
