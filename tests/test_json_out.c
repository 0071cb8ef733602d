/*
 * json_out() against json_dumps(): the same bytes for every kind of value,
 * every character class of strings (escapes, controls, BMP, astral, 0x7F,
 * '/'), integer extremes, reals, nesting and empty containers, and for
 * thousands of random trees; U+FFFD where a string is not UTF-8.
 */
#include "t.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "http/json_out.h"

/* True when json_out(v) is what json_dumps writes; prints both when not. */
static bool same_as_jansson(json_t *v)
{
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);
    struct buf got = {0};
    json_out(&got, v);
    bool same = want && strcmp(want, buf_str(&got)) == 0 && strlen(want) == got.len;
    if (!same)
        printf("  json_dumps: %s\n  json_out:   %s\n", want ? want : "(null)", buf_str(&got));
    free(want);
    buf_free(&got);
    return same;
}

TEST(scalars_and_containers_match_jansson)
{
    json_t *vals[] = {
        json_null(),
        json_true(),
        json_false(),
        json_integer(0),
        json_integer(-1),
        json_integer(INT64_MAX),
        json_integer(INT64_MIN),
        json_integer(1795795200),
        json_real(0.5),
        json_real(-1e300),
        json_real(3.0),
        json_string(""),
        json_array(),
        json_object(),
        json_pack("{s:I, s:s, s:o, s:[i, s, {}], s:{s:b}}", "id", (json_int_t)7, "name", "Zoë",
                  "none", json_null(), "list", 1, "two", "nested", "x", 1),
    };
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        CHECK(same_as_jansson(vals[i]));
        json_decref(vals[i]);
    }
}

TEST(strings_are_escaped_as_jansson_does)
{
    const char *strs[] = {
        "plain ascii",
        "quote \" backslash \\ slash / del \x7f",
        "\b\f\n\r\t and \x01\x1f",
        "caf\xc3\xa9 \xe2\x82\xac \xe4\xb8\xad",
        "astral \xf0\x9f\x8e\xac clapper",
        "\xef\xbf\xbf last of the BMP",
        "\xf4\x8f\xbf\xbf last code point",
        "<script>alert('x')</script>",
    };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        json_t *s = json_string(strs[i]);
        CHECK(s != NULL);
        CHECK(same_as_jansson(s));
        json_t *key = json_object(); /* keys are written by the same rules */
        json_object_set_new(key, strs[i], json_integer(1));
        CHECK(same_as_jansson(key));
        json_decref(key);
        json_decref(s);
    }
    /* an embedded NUL (json_stringn) */
    json_t *nul = json_stringn("a\0b", 3);
    CHECK(same_as_jansson(nul));
    json_decref(nul);
}

TEST(bytes_that_are_not_utf8_become_replacement_characters)
{
    const char *bad[] = {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "a\x80z"};
    const char *want[] = {"\"\\uFFFD\"",
                          "\"\\uFFFD\"",
                          "\"\\uFFFD\\uFFFD\"",
                          "\"\\uFFFD\\uFFFD\\uFFFD\"",
                          "\"\\uFFFD\\uFFFD\\uFFFD\\uFFFD\"",
                          "\"a\\uFFFDz\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *s = json_string_nocheck(bad[i]);
        struct buf got = {0};
        json_out(&got, s);
        CHECK_STR_EQ(buf_str(&got), want[i]);
        buf_free(&got);
        json_decref(s);
    }
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A random valid UTF-8 string of up to 12 code points from every class. */
static json_t *random_string(void)
{
    static const uint32_t picks[] = {'a',   'Z',   ' ',    '"',    '\\',    '/',
                                     0x7f,  0x00,  0x01,   0x1f,   '\n',    0xe9,
                                     0x7ff, 0x800, 0x20ac, 0xfffd, 0x10000, 0x1f3ac};
    char s[64];
    size_t n = 0, len = next_random() % 13;
    for (size_t i = 0; i < len; i++) {
        uint32_t c = picks[next_random() % (sizeof picks / sizeof picks[0])];
        if (c < 0x80) {
            s[n++] = (char)c;
        } else if (c < 0x800) {
            s[n++] = (char)(0xc0 | c >> 6), s[n++] = (char)(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            s[n++] = (char)(0xe0 | c >> 12), s[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
            s[n++] = (char)(0x80 | (c & 0x3f));
        } else {
            s[n++] = (char)(0xf0 | c >> 18), s[n++] = (char)(0x80 | ((c >> 12) & 0x3f));
            s[n++] = (char)(0x80 | ((c >> 6) & 0x3f)), s[n++] = (char)(0x80 | (c & 0x3f));
        }
    }
    return json_stringn(s, n);
}

static json_t *random_value(int depth)
{
    switch (next_random() % (depth > 4 ? 5 : 7)) {
    case 0:
        return json_null();
    case 1:
        return json_boolean(next_random() & 1);
    case 2:
        return json_integer((json_int_t)next_random());
    case 3:
        return json_real((double)(int64_t)next_random() / 1024.0);
    case 4:
        return random_string();
    case 5: {
        json_t *a = json_array();
        for (size_t i = next_random() % 5; i > 0; i--)
            json_array_append_new(a, random_value(depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        for (size_t i = next_random() % 5; i > 0; i--) {
            json_t *k = random_string();
            json_object_set_new(o, json_string_value(k), random_value(depth + 1));
            json_decref(k);
        }
        return o;
    }
    }
}

TEST(random_trees_match_jansson)
{
    for (int i = 0; i < 3000; i++) {
        json_t *v = random_value(0);
        bool same = same_as_jansson(v);
        CHECK(same);
        json_decref(v);
        if (!same)
            break;
    }
}

T_MAIN
