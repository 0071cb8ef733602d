/* The title rules of core/title.c: identity keys and readiness (pure, time passed in). */
#include <stdio.h>
#include <string.h>

#include "core/title.h"

static int n_pass, n_fail;
#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (c)                                                                                     \
            n_pass++;                                                                              \
        else {                                                                                     \
            n_fail++;                                                                              \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c);                  \
        }                                                                                          \
    } while (0)

static void test_identity(void)
{
    char a[256], b[256];
    /* the ALID wins over the ContentID; case and surrounding spaces do not matter */
    CHECK(title_key("md:alid:org:x:1", "md:cid:org:x:1", a, sizeof a) > 0);
    CHECK(!strcmp(a, "alid:md:alid:org:x:1"));
    CHECK(title_key("  MD:ALID:ORG:X:1\t", NULL, b, sizeof b) > 0);
    CHECK(!strcmp(a, b));
    /* no ALID: the ContentID */
    CHECK(title_key("", " md:cid:org:X:1 ", a, sizeof a) > 0);
    CHECK(!strcmp(a, "cid:md:cid:org:x:1"));
    CHECK(title_key(NULL, "md:cid:org:x:1", b, sizeof b) > 0 && !strcmp(a, b));
    /* neither: no title */
    CHECK(title_key(NULL, "   ", a, sizeof a) == 0);
    /* too long */
    char longid[400];
    memset(longid, 'x', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    CHECK(title_key(longid, NULL, a, sizeof a) < 0);
    CHECK(title_id_normalise(" A b ", a, sizeof a) == 3 && !strcmp(a, "a b"));
}

static const char *profile_json =
    "{\"lead_days\": 14, \"required\": [{\"kind\": \"video\"},"
    " {\"kind\": \"audio\", \"language\": \"original\"}, {\"kind\": \"captions\"},"
    " {\"kind\": \"artwork\"}], \"territories\": {\"FR\": [{\"kind\": \"audio\", \"language\": \"fr\"}]}}";

#define DAY 86400

static void test_readiness(void)
{
    struct title_profile p;
    struct buf err = {0};
    CHECK(title_profile_parse(profile_json, &p, &err) == 0);
    CHECK(p.lead_days == 14 && p.n_needs == 4 && p.n_territories == 1);
    CHECK(title_profile_parse("{\"required\": [{\"kind\": \"smell\"}]}", &p, &err) < 0);
    CHECK(strstr(buf_str(&err), "smell") != NULL);
    buf_free(&err);
    CHECK(title_profile_parse(profile_json, &p, &err) == 0);

    int64_t now = 1000 * DAY;
    struct title_asset all[] = {
        {TA_VIDEO, "", true, 40},
        {TA_AUDIO, "en-GB", true, 40},
        {TA_CAPTIONS, "en", true, 40},
        {TA_ARTWORK, "en", true, 40},
    };
    struct title_window_span open = {now - DAY, 0, false};
    struct buf why = {0};
    bool assets_ok;
    int64_t start;
    CHECK(title_readiness(&p, "GB", "en", all, 4, &open, 1, now, &assets_ok, &start, &why));
    CHECK(assets_ok && start == now - DAY && why.len == 0);

    /* France needs French audio; failed captions name their delivery */
    struct title_asset some[] = {
        {TA_VIDEO, "", true, 40},
        {TA_AUDIO, "en", true, 40},
        {TA_CAPTIONS, "en", false, 41},
        {TA_ARTWORK, "en", true, 40},
    };
    buf_reset(&why);
    CHECK(!title_readiness(&p, "FR", "en", some, 4, &open, 1, now, &assets_ok, &start, &why));
    CHECK(!assets_ok);
    CHECK(!strcmp(buf_str(&why), "captions failed (delivery 41); no French audio"));

    /* the original language: no English audio when only Spanish came */
    struct title_asset es[] = {{TA_VIDEO, "", true, 1}, {TA_AUDIO, "es", true, 1}};
    buf_reset(&why);
    CHECK(!title_readiness(&p, "GB", "en", es, 2, &open, 1, now, &assets_ok, &start, &why));
    CHECK(!strcmp(buf_str(&why), "no English audio; no captions; no artwork"));
    /* unknown original language: any audio is it */
    buf_reset(&why);
    title_readiness(&p, "GB", NULL, es, 2, &open, 1, now, &assets_ok, &start, &why);
    CHECK(!strcmp(buf_str(&why), "no captions; no artwork"));

    /* windows: one that opens within 14 days counts; one further away does not; ended ones
     * and those whose end has passed never count */
    struct title_window_span soon = {now + 14 * DAY, 0, false};
    buf_reset(&why);
    CHECK(title_readiness(&p, "GB", "en", all, 4, &soon, 1, now, &assets_ok, &start, &why));
    struct title_window_span far = {now + 15 * DAY, 0, false};
    buf_reset(&why);
    CHECK(!title_readiness(&p, "GB", "en", all, 4, &far, 1, now, &assets_ok, &start, &why));
    CHECK(assets_ok && start == now + 15 * DAY);
    CHECK(strstr(buf_str(&why), "more than 14 days ahead") != NULL);
    struct title_window_span gone[] = {{now - 10 * DAY, 0, true}, {now - 10 * DAY, now - DAY, false}};
    buf_reset(&why);
    CHECK(!title_readiness(&p, "GB", "en", all, 4, gone, 2, now, &assets_ok, &start, &why));
    CHECK(!strcmp(buf_str(&why), "no open window in GB") && start == 0);
    buf_free(&why);
}

int main(void)
{
    test_identity();
    test_readiness();
    printf("%d passed, %d failed\n", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
