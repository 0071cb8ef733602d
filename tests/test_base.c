/* Unit tests of src/base: time text, buffers, arenas. */
#include "t.h"

#include <time.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/recover.h"
#include "base/secret.h"
#include "base/timefmt.h"
#include "base/utf8.h"

TEST(rfc3339_parses_utc_offsets_and_fractions)
{
    int64_t t;
    CHECK_INT_EQ(time_parse_rfc3339("2026-11-27T16:00:00Z", &t), 0);
    CHECK_INT_EQ(t, 1795795200);
    CHECK_INT_EQ(time_parse_rfc3339("2026-11-27T17:00:00+01:00", &t), 0);
    CHECK_INT_EQ(t, 1795795200);
    CHECK_INT_EQ(time_parse_rfc3339("2026-11-27T11:00:00.999-05:00", &t), 0);
    CHECK_INT_EQ(t, 1795795200);
    CHECK_INT_EQ(time_parse_rfc3339("1970-01-01T00:00:00Z", &t), 0);
    CHECK_INT_EQ(t, 0);
}

TEST(rfc3339_rejects_near_misses)
{
    int64_t t;
    const char *bad[] = {"",
                         "2026-11-27",
                         "2026-11-27T16:00:00",
                         "2026-02-30T00:00:00Z",
                         "2026-11-27T24:00:00Z",
                         "2026-11-27T16:00Z",
                         "2026-11-27T16:00:00Zjunk",
                         "2026-11-27T16:00:00+0100",
                         "2026-11-27T16:00:00.Z",
                         "tomorrow"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(time_parse_rfc3339(bad[i], &t) == -1);
}

TEST(rfc3339_round_trips)
{
    char s[21];
    time_format_rfc3339(1795795200, s);
    CHECK_STR_EQ(s, "2026-11-27T16:00:00Z");
    time_format_rfc3339(-1, s);
    CHECK_STR_EQ(s, "1969-12-31T23:59:59Z");
    int64_t t;
    for (int64_t v = -86400LL * 800; v < 86400LL * 80000; v += 86399LL * 17) {
        time_format_rfc3339(v, s);
        CHECK(time_parse_rfc3339(s, &t) == 0 && t == v);
    }
}

TEST(civil_dates_and_weekdays)
{
    CHECK_INT_EQ(days_from_civil(1970, 1, 1), 0);
    CHECK_INT_EQ(weekday_from_days(days_from_civil(2026, 11, 27)), 5); /* a Friday */
    CHECK_INT_EQ(weekday_from_days(days_from_civil(2026, 11, 30)), 1); /* a Monday */
    CHECK(civil_valid(2024, 2, 29));
    CHECK(!civil_valid(2026, 2, 29));
    CHECK(!civil_valid(2100, 2, 29));
    CHECK(civil_valid(2000, 2, 29));
    struct civil_date d;
    CHECK_INT_EQ(date_parse("2026-12-25", &d), 0);
    CHECK(d.year == 2026 && d.month == 12 && d.day == 25);
    CHECK_INT_EQ(date_parse("2026-12-32", &d), -1);
    CHECK_INT_EQ(date_parse("2026-1-05", &d), -1);
    char s[11];
    date_format(civil_from_days(days_from_civil(2028, 2, 29)), s);
    CHECK_STR_EQ(s, "2028-02-29");
}

TEST(buf_grows_and_keeps_binary)
{
    struct buf b = {0};
    CHECK_STR_EQ(buf_str(&b), "");
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%d,", i);
    CHECK(b.len > 3000);
    CHECK(strncmp(b.data, "0,1,2,", 6) == 0);
    buf_reset(&b);
    buf_add(&b, "a\0b", 3);
    CHECK_INT_EQ(b.len, 3);
    CHECK(b.data[1] == '\0' && b.data[2] == 'b' && b.data[3] == '\0');
    char *s = buf_detach(&b);
    CHECK(b.data == NULL && b.len == 0);
    free(s);
}

TEST(arena_allocates_aligned_and_large)
{
    struct arena a = {0};
    char *s = arena_printf(&a, "%s-%d", "x", 42);
    CHECK_STR_EQ(s, "x-42");
    void *big = arena_alloc(&a, 3 << 20);
    CHECK(big != NULL);
    CHECK(((uintptr_t)arena_alloc(&a, 3) & 15) == 0);
    CHECK(arena_strdup(&a, NULL) == NULL);
    arena_free(&a);
    CHECK(a.head == NULL);
}

TEST(rfc3339_text_matches_gmtime_across_the_years)
{
    /* the formatter writes digits by hand: compare it with libc over years 0..9999 */
    int64_t t = -62167219200; /* 0000-01-01T00:00:00Z */
    for (int i = 0; i < 20000; i++, t += 15778463 + i) {
        struct tm tm;
        time_t tt = (time_t)t;
        gmtime_r(&tt, &tm);
        if (tm.tm_year + 1900 > 9999)
            break;
        char want[64], got[21];
        snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        time_format_rfc3339(t, got);
        CHECK_STR_EQ(got, want);
        if (strcmp(got, want))
            break;
    }
}

TEST(secret_hash_is_hex_sha256)
{
    /* stored token hashes must not change with the implementation: the FIPS 180-2 vectors */
    char h[SECRET_HASH_LEN + 1];
    secret_hash("abc", h);
    CHECK_STR_EQ(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    secret_hash("", h);
    CHECK_STR_EQ(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    secret_hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", h);
    CHECK_STR_EQ(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(secret_csrf_is_derived_from_the_session)
{
    /* one function of the session token, the same in every process and on every call */
    const char *t1 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const char *t2 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB";
    char a[SECRET_TOKEN_LEN + 1], b[SECRET_TOKEN_LEN + 1], c[SECRET_TOKEN_LEN + 1];
    secret_csrf(t1, a);
    secret_csrf(t1, b);
    secret_csrf(t2, c);
    CHECK_INT_EQ(strlen(a), SECRET_TOKEN_LEN);
    CHECK_STR_EQ(a, b);
    CHECK(strcmp(a, c) != 0);
    CHECK(strcmp(a, t1) != 0);
    /* pinned: a change would expire every open form of every session */
    CHECK_STR_EQ(a, "Ufey72Gy9Jw-77gpIp_jDk95ZfCPdQCCC8QwhzYSJ90");
}

TEST(utf8_valid_follows_rfc_3629)
{
    CHECK(utf8_valid("", 0));
    CHECK(utf8_valid("plain ascii", 11));
    CHECK(utf8_valid("caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x8e\xac", 14));
    CHECK(!utf8_valid("\xff", 1));
    CHECK(!utf8_valid("\xc3", 1));             /* cut short */
    CHECK(!utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
    CHECK(!utf8_valid("\xe0\x80\xaf", 3));     /* overlong, three bytes */
    CHECK(!utf8_valid("\xed\xa0\x80", 3));     /* a surrogate */
    CHECK(!utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
    CHECK(!utf8_valid("ok\x80", 3));            /* a lone continuation byte */
}

TEST(buf_add_utf8_replaces_each_bad_byte)
{
    struct buf b = {0};
    buf_add_utf8(&b, "a\xff\xfe" "b\xc3\xa9\xc3", 7);
    CHECK_STR_EQ(buf_str(&b), "a\xef\xbf\xbd\xef\xbf\xbd" "b\xc3\xa9\xef\xbf\xbd");
    CHECK(utf8_valid(b.data, b.len));
    buf_reset(&b);
    buf_add_utf8(&b, "all good \xe2\x9c\x93", 12);
    CHECK_STR_EQ(buf_str(&b), "all good \xe2\x9c\x93");
    buf_free(&b);
}

/* Fail a few calls deep, as a bug far below a recovery point would. */
static int fail_inner(void)
{
    VG_ASSERT(!"deep inside");
    return 0;
}

static int fail_middle(void)
{
    return fail_inner() + 1;
}

TEST(a_failed_assert_returns_to_the_innermost_recovery_point)
{
    CHECK(!vg_recover_active());
    struct vg_recover outer, inner;
    volatile int reached = 0;
    if (sigsetjmp(outer.jb, 0) == 0) {
        vg_recover_push(&outer);
        if (sigsetjmp(inner.jb, 0) == 0) {
            vg_recover_push(&inner);
            fail_middle();
            reached = 1; /* never */
        } else {
            reached = 2;
            CHECK(strstr(inner.what, "assertion failed: !\"deep inside\"") != NULL);
            CHECK(strstr(inner.what, "test_base.c") != NULL);
        }
        CHECK(vg_recover_active()); /* the outer point is still set */
        vg_recover_pop(&outer);
    } else {
        reached = 3; /* the outer point must not be the one jumped to */
    }
    CHECK_INT_EQ(reached, 2);
    CHECK(!vg_recover_active());
    if (sigsetjmp(outer.jb, 0) == 0) {
        vg_recover_push(&outer);
        vg_fail("store: %s", "no connection");
    }
    CHECK_STR_EQ(outer.what, "store: no connection");
    CHECK(!vg_recover_active());
}

T_MAIN
