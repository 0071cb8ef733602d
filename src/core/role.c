/*
 * Role names and sets: see role.h.
 */
#include "core/role.h"

#include <stdio.h>
#include <string.h>

static const struct {
    enum role role;
    const char *name;
} roles[] = {
    {ROLE_ADMIN, "admin"},     {ROLE_CAM, "cam"},
    {ROLE_PIM, "pim"},         {ROLE_POM, "pom"},
    {ROLE_PLM, "plm"},         {ROLE_COMMERCIAL, "commercial"},
    {ROLE_PARTNER, "partner"}, {ROLE_POSTHOUSE, "posthouse"},
};

enum role role_parse(const char *s)
{
    if (!s)
        return ROLE_NONE;
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(roles[i].name, s) == 0)
            return roles[i].role;
    return ROLE_NONE;
}

const char *role_name(enum role r)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (roles[i].role == r)
            return roles[i].name;
    return "";
}

bool role_is_org(enum role r)
{
    return (r & ROLE_ORG) != 0 && (r & ~ROLE_ORG) == 0;
}

void role_mask_names(unsigned mask, char *out, unsigned out_len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        if (!(mask & roles[i].role))
            continue;
        int n = snprintf(out + used, out_len - used, "%s%s", used ? "," : "", roles[i].name);
        if (n < 0 || (size_t)n >= out_len - used)
            return;
        used += (size_t)n;
    }
}
