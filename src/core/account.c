/*
 * Account rules: see account.h.
 */
#include "core/account.h"

#include <stdio.h>
#include <string.h>

#define PROBLEM(f, ...)                                                                            \
    do {                                                                                           \
        out->field = (f);                                                                          \
        snprintf(out->message, sizeof out->message, __VA_ARGS__);                                  \
        return false;                                                                              \
    } while (0)

bool account_check(enum role role, int64_t partner_id, bool org_exists, bool org_is_posthouse,
                   const char *password, struct account_problem *out)
{
    out->field = NULL;
    out->message[0] = '\0';
    if (role == ROLE_NONE || !*role_name(role))
        PROBLEM("role", "unknown role: use admin, cam, pim, pom, plm, commercial, partner or "
                        "posthouse");
    if (role_is_org(role)) {
        if (!partner_id)
            PROBLEM("partner", "a %s user needs the id of their organisation (partner)",
                    role_name(role));
        if (!org_exists)
            PROBLEM("partner", "there is no partner %lld", (long long)partner_id);
        if (role == ROLE_POSTHOUSE && !org_is_posthouse)
            PROBLEM("role", "partner %lld is not a posthouse: give its users the role partner",
                    (long long)partner_id);
    } else if (partner_id) {
        PROBLEM("partner", "staff (%s) belong to no partner: leave the partner out",
                role_name(role));
    }
    size_t n = strlen(password);
    if (n < ACCOUNT_PASSWORD_MIN)
        PROBLEM("password", "the password must have at least %d characters", ACCOUNT_PASSWORD_MIN);
    if (n > ACCOUNT_PASSWORD_MAX)
        PROBLEM("password", "the password must have at most %d characters", ACCOUNT_PASSWORD_MAX);
    return true;
}
