/*
 * The rules for a user account, shared by the API and the CLI: which role
 * needs an organisation, which organisation fits which role, and what a
 * password must be. Pure: the caller looks the organisation up.
 */
#ifndef VG_ACCOUNT_H
#define VG_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/role.h"

#define ACCOUNT_PASSWORD_MIN 10
#define ACCOUNT_PASSWORD_MAX 1024

/* What is wrong with an account, or field NULL when nothing is. */
struct account_problem {
    const char *field; /* "email", "role", "partner", "password" */
    char message[200];
};

/*
 * Checks role, organisation and password together. org_exists and
 * org_is_posthouse describe partner_id (ignored when it is 0). Returns true
 * when the account is acceptable, else false with *out filled.
 */
bool account_check(enum role role, int64_t partner_id, bool org_exists, bool org_is_posthouse,
                   const char *password, struct account_problem *out);

#endif
