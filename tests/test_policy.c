/* Unit tests of the rules with no I/O: policy, sign-in, accounts. */
#include "t.h"

#include "core/account.h"
#include "core/policy.h"
#include "core/signin.h"

static const struct principal staff_cam = {1, ROLE_CAM, 0, PRINCIPAL_USER};
static const struct principal partner_a = {2, ROLE_PARTNER, 10, PRINCIPAL_USER};
static const struct principal posthouse_p = {3, ROLE_POSTHOUSE, 30, PRINCIPAL_USER};

TEST(policy_roles_before_ownership)
{
    CHECK_INT_EQ(policy_role_may(NULL, ACT_PARTNER_READ), POLICY_UNAUTHENTICATED);
    CHECK_INT_EQ(policy_role_may(NULL, ACT_PUBLIC), POLICY_ALLOW);
    CHECK_INT_EQ(policy_role_may(&staff_cam, ACT_PARTNER_CREATE), POLICY_ALLOW);
    CHECK_INT_EQ(policy_role_may(&partner_a, ACT_PARTNER_CREATE), POLICY_FORBIDDEN);
    CHECK_INT_EQ(policy_role_may(&staff_cam, ACT_USER_CREATE), POLICY_FORBIDDEN);
    CHECK_INT_EQ(policy_role_may(&staff_cam, ACT_CLOCK_SET), POLICY_FORBIDDEN);
}

TEST(policy_hides_other_organisations)
{
    struct resource own = {10, 0, 0}, other = {11, 0, 0}, via_agent = {12, 30, 0};
    CHECK_INT_EQ(policy_check(&partner_a, ACT_PARTNER_READ, &own), POLICY_ALLOW);
    CHECK_INT_EQ(policy_check(&partner_a, ACT_PARTNER_READ, &other), POLICY_NOT_FOUND);
    CHECK_INT_EQ(policy_check(&staff_cam, ACT_PARTNER_READ, &other), POLICY_ALLOW);
    /* a posthouse acts for the partners that named it, not for others */
    CHECK_INT_EQ(policy_check(&posthouse_p, ACT_PARTNER_READ, &via_agent), POLICY_ALLOW);
    CHECK_INT_EQ(policy_check(&posthouse_p, ACT_PARTNER_READ, &other), POLICY_NOT_FOUND);
    /* a partner named as agent of nobody is still not a posthouse */
    struct resource fake_agent = {12, 10, 0};
    CHECK_INT_EQ(policy_check(&partner_a, ACT_PARTNER_READ, &fake_agent), POLICY_NOT_FOUND);
    /* staff-only actions stay forbidden on one's own organisation */
    CHECK_INT_EQ(policy_check(&partner_a, ACT_PARTNER_EVENTS, &own), POLICY_FORBIDDEN);
}

/* Uploads: staff read them all; only the owner (or the staff user who made one) writes. */
TEST(policy_uploads_are_written_by_their_owner)
{
    static const struct principal read_only[] = {{4, ROLE_COMMERCIAL, 0, PRINCIPAL_USER},
                                                 {5, ROLE_CAM, 0, PRINCIPAL_USER},
                                                 {9, ROLE_PLM, 0, PRINCIPAL_USER}};
    static const struct principal pim = {6, ROLE_PIM, 0, PRINCIPAL_USER},
                                  pom = {7, ROLE_POM, 0, PRINCIPAL_USER},
                                  admin = {8, ROLE_ADMIN, 0, PRINCIPAL_USER};
    const struct principal *uploaders[] = {&pim, &pom, &admin};
    /* made by the partner's user 2, or by the pim (user 6), for partner 10 (agent 30) */
    struct resource partners = {10, 30, 2}, pims = {10, 30, 6}, other = {11, 0, 2};
    /* read-only staff may not even try to create, write or terminate */
    for (size_t i = 0; i < sizeof read_only / sizeof read_only[0]; i++) {
        const struct principal *p = &read_only[i];
        CHECK_INT_EQ(policy_role_may(p, ACT_UPLOAD), POLICY_FORBIDDEN);
        CHECK_INT_EQ(policy_role_may(p, ACT_UPLOAD_WRITE), POLICY_FORBIDDEN);
        CHECK_INT_EQ(policy_role_may(p, ACT_UPLOAD_DELETE), POLICY_FORBIDDEN);
        CHECK_INT_EQ(policy_check(p, ACT_UPLOAD_WRITE, &partners), POLICY_FORBIDDEN);
        CHECK_INT_EQ(policy_check(p, ACT_UPLOAD_READ, &partners), POLICY_ALLOW);
    }
    /* the staff who work on deliveries upload, but write only what they made themselves */
    for (size_t i = 0; i < sizeof uploaders / sizeof uploaders[0]; i++) {
        const struct principal *p = uploaders[i];
        CHECK_INT_EQ(policy_role_may(p, ACT_UPLOAD), POLICY_ALLOW);
        CHECK_INT_EQ(policy_role_may(p, ACT_UPLOAD_WRITE), POLICY_ALLOW);
        CHECK_INT_EQ(policy_check(p, ACT_UPLOAD_WRITE, &partners), POLICY_FORBIDDEN);
        CHECK_INT_EQ(policy_check(p, ACT_UPLOAD_WRITE, NULL), POLICY_FORBIDDEN);
        CHECK_INT_EQ(policy_check(p, ACT_UPLOAD_READ, &partners), POLICY_ALLOW);
    }
    CHECK_INT_EQ(policy_check(&pim, ACT_UPLOAD_WRITE, &pims), POLICY_ALLOW);
    CHECK_INT_EQ(policy_check(&pom, ACT_UPLOAD_WRITE, &pims), POLICY_FORBIDDEN);
    /* terminating: admin any upload, pim and pom their own */
    CHECK_INT_EQ(policy_check(&admin, ACT_UPLOAD_DELETE, &partners), POLICY_ALLOW);
    CHECK_INT_EQ(policy_check(&pim, ACT_UPLOAD_DELETE, &partners), POLICY_FORBIDDEN);
    CHECK_INT_EQ(policy_check(&pim, ACT_UPLOAD_DELETE, &pims), POLICY_ALLOW);
    CHECK_INT_EQ(policy_check(&pom, ACT_UPLOAD_DELETE, &pims), POLICY_FORBIDDEN);
    /* the owning organisation and its delivery agent write whoever made the upload; made_by
     * opens nothing of another organisation's */
    const enum action writes[] = {ACT_UPLOAD_WRITE, ACT_UPLOAD_DELETE};
    for (size_t i = 0; i < 2; i++) {
        CHECK_INT_EQ(policy_check(&partner_a, writes[i], &partners), POLICY_ALLOW);
        CHECK_INT_EQ(policy_check(&partner_a, writes[i], &pims), POLICY_ALLOW);
        CHECK_INT_EQ(policy_check(&posthouse_p, writes[i], &partners), POLICY_ALLOW);
        CHECK_INT_EQ(policy_check(&partner_a, writes[i], &other), POLICY_NOT_FOUND);
        CHECK_INT_EQ(policy_check(&posthouse_p, writes[i], &other), POLICY_NOT_FOUND);
    }
}

/* A transfer credential acts as its organisation, for uploads and deliveries only. */
TEST(policy_transfer_credential_uploads_and_delivers_only)
{
    static const struct principal cred = {0, ROLE_PARTNER, 10, PRINCIPAL_TRANSFER};
    struct resource own = {10, 0, 0}, other = {11, 0, 0};
    const enum action may[] = {ACT_UPLOAD, ACT_UPLOAD_WRITE, ACT_UPLOAD_READ, ACT_DELIVER,
                               ACT_DELIVERY_READ};
    for (size_t i = 0; i < sizeof may / sizeof may[0]; i++) {
        CHECK_INT_EQ(policy_check(&cred, may[i], &own), POLICY_ALLOW);
        CHECK_INT_EQ(policy_check(&cred, may[i], &other), POLICY_NOT_FOUND);
    }
    /* what the organisation's people may do is not the credential's */
    const enum action may_not[] = {ACT_SIGNED_IN,
                                   ACT_PARTNER_READ,
                                   ACT_REQUEST_READ,
                                   ACT_REQUEST_MESSAGE,
                                   ACT_QUESTIONNAIRE_ANSWER,
                                   ACT_MESSAGE_LIST,
                                   ACT_TRANSFER_CREDENTIALS,
                                   ACT_PARTNER_EVENTS};
    for (size_t i = 0; i < sizeof may_not / sizeof may_not[0]; i++) {
        CHECK_INT_EQ(policy_role_may(&cred, may_not[i]), POLICY_FORBIDDEN);
        CHECK_INT_EQ(policy_check(&cred, may_not[i], &own), POLICY_FORBIDDEN);
    }
    CHECK_INT_EQ(policy_role_may(&partner_a, ACT_PARTNER_READ), POLICY_ALLOW);
}

TEST(policy_every_action_is_described)
{
    for (int a = 0; a < ACT_N; a++) {
        CHECK(policy_action_name((enum action)a)[0] != '\0');
        CHECK(policy_roles((enum action)a) != 0);
    }
    char names[128];
    role_mask_names(ROLE_ADMIN | ROLE_CAM, names, sizeof names);
    CHECK_STR_EQ(names, "admin,cam");
    CHECK(role_parse("commercial") == ROLE_COMMERCIAL);
    CHECK(role_parse("Admin") == ROLE_NONE);
    CHECK(role_is_org(ROLE_POSTHOUSE) && !role_is_org(ROLE_PIM));
}

TEST(signin_normalises_emails)
{
    char out[256];
    CHECK_INT_EQ(signin_email_normalise("  Ana@Studio.Example ", out, sizeof out), 0);
    CHECK_STR_EQ(out, "ana@studio.example");
    const char *bad[] = {"",
                         "ana",
                         "ana@",
                         "@studio.example",
                         "a@b@c.example",
                         "ana@localhost",
                         "an a@studio.example",
                         "ana@studio.example.",
                         "<a@b.example>"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(signin_email_normalise(bad[i], out, sizeof out) == -1);
}

TEST(signin_throttle_backs_off_and_caps)
{
    CHECK_INT_EQ(signin_wait(0, 0, 100), 0);
    CHECK_INT_EQ(signin_wait(3, 100, 100), 0);
    CHECK_INT_EQ(signin_wait(4, 100, 100), 2);
    CHECK_INT_EQ(signin_wait(4, 100, 101), 1);
    CHECK_INT_EQ(signin_wait(4, 100, 102), 0);
    CHECK_INT_EQ(signin_wait(6, 100, 100), 8);
    CHECK_INT_EQ(signin_wait(13, 100, 100), SIGNIN_MAX_WAIT);
    CHECK_INT_EQ(signin_wait(1000000, 100, 100), SIGNIN_MAX_WAIT);
}

TEST(signin_admit_counts_admitted_attempts_only)
{
    struct signin_attempts a = {0, 0};
    /* four attempts at once go ahead, each counted as it is admitted; the fifth waits */
    for (int i = 0; i < SIGNIN_FREE_FAILURES + 1; i++)
        CHECK_INT_EQ(signin_admit(&a, 1000), 0);
    CHECK_INT_EQ(a.n, 4);
    CHECK_INT_EQ(signin_admit(&a, 1000), 2);
    CHECK_INT_EQ(signin_admit(&a, 1001), 1);
    CHECK_INT_EQ(a.n, 4);          /* refused attempts are not counted... */
    CHECK_INT_EQ(a.last_at, 1000); /* ...and do not extend the wait */
    CHECK_INT_EQ(signin_admit(&a, 1002), 0);
    CHECK_INT_EQ(a.n, 5);
    CHECK_INT_EQ(signin_admit(&a, 1005), 1);
    /* the wait caps; a client quiet for SIGNIN_FORGET is forgotten */
    a.n = 100;
    a.last_at = 5000;
    CHECK_INT_EQ(signin_admit(&a, 5000), SIGNIN_MAX_WAIT);
    CHECK_INT_EQ(signin_admit(&a, 5000 + SIGNIN_MAX_WAIT), 0);
    CHECK_INT_EQ(a.n, 101);
    CHECK_INT_EQ(signin_admit(&a, 5000 + SIGNIN_MAX_WAIT + SIGNIN_FORGET), 0);
    CHECK_INT_EQ(a.n, 1);
}

TEST(signin_keys_name_client_and_account_without_showing_them)
{
    char a1[SIGNIN_KEY_LEN + 1], a2[SIGNIN_KEY_LEN + 1], c1[SIGNIN_KEY_LEN + 1],
        c2[SIGNIN_KEY_LEN + 1];
    signin_account_key("ana@studio.example", a1);
    signin_account_key("bob@studio.example", a2);
    CHECK_INT_EQ(strlen(a1), SIGNIN_KEY_LEN);
    CHECK(strcmp(a1, a2) != 0);
    CHECK(!strstr(a1, "ana"));
    signin_client_key("192.0.2.1", c1);
    signin_client_key("192.0.2.2", c2);
    CHECK(strcmp(c1, c2) != 0);
    /* an IPv4-mapped IPv6 address is the IPv4 address */
    signin_client_key("::ffff:192.0.2.1", c2);
    CHECK_STR_EQ(c1, c2);
    /* one IPv6 /64 is one client: its owner picks any of its 2^64 addresses at will */
    signin_client_key("2001:db8:1:2::1", c1);
    signin_client_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd", c2);
    CHECK_STR_EQ(c1, c2);
    signin_client_key("2001:db8:1:3::1", c2);
    CHECK(strcmp(c1, c2) != 0);
    /* an account key and a client key never meet, even for the same text */
    signin_account_key("192.0.2.1", a1);
    signin_client_key("192.0.2.1", c1);
    CHECK(strcmp(a1, c1) != 0);
}

TEST(account_rules)
{
    struct account_problem why;
    CHECK(account_check(ROLE_PIM, 0, false, false, "long enough pw", &why));
    CHECK(!account_check(ROLE_PARTNER, 0, false, false, "long enough pw", &why));
    CHECK_STR_EQ(why.field, "partner");
    CHECK(!account_check(ROLE_PARTNER, 5, false, false, "long enough pw", &why));
    CHECK_STR_EQ(why.field, "partner");
    CHECK(account_check(ROLE_PARTNER, 5, true, false, "long enough pw", &why));
    CHECK(!account_check(ROLE_POSTHOUSE, 5, true, false, "long enough pw", &why));
    CHECK_STR_EQ(why.field, "role");
    CHECK(account_check(ROLE_POSTHOUSE, 5, true, true, "long enough pw", &why));
    CHECK(!account_check(ROLE_CAM, 5, true, false, "long enough pw", &why));
    CHECK(!account_check(ROLE_CAM, 0, false, false, "short", &why));
    CHECK_STR_EQ(why.field, "password");
    CHECK(!account_check(ROLE_NONE, 0, false, false, "long enough pw", &why));
    CHECK_STR_EQ(why.field, "role");
}

T_MAIN
