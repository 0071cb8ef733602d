/*
 * The eight roles of SPEC section 1, as bits so that a route or a policy can
 * name a set of them. Staff are the service's own people; partner and
 * posthouse users belong to one organisation each.
 */
#ifndef VG_ROLE_H
#define VG_ROLE_H

#include <stdbool.h>

enum role {
    ROLE_NONE = 0,
    ROLE_ADMIN = 1 << 0,
    ROLE_CAM = 1 << 1,
    ROLE_PIM = 1 << 2,
    ROLE_POM = 1 << 3,
    ROLE_PLM = 1 << 4,
    ROLE_COMMERCIAL = 1 << 5,
    ROLE_PARTNER = 1 << 6,
    ROLE_POSTHOUSE = 1 << 7,
};

#define ROLE_STAFF (ROLE_ADMIN | ROLE_CAM | ROLE_PIM | ROLE_POM | ROLE_PLM | ROLE_COMMERCIAL)
#define ROLE_ORG   (ROLE_PARTNER | ROLE_POSTHOUSE)
#define ROLE_ANY   (ROLE_STAFF | ROLE_ORG)

/* The role named s ("admin", "cam", ...), or ROLE_NONE. */
enum role role_parse(const char *s);
/* The name of a single role ("admin"); "" for anything else. */
const char *role_name(enum role r);
/* True for roles that belong to an organisation (partner, posthouse). */
bool role_is_org(enum role r);
/* Writes the names of the roles in mask, comma-separated, into out. */
void role_mask_names(unsigned mask, char *out, unsigned out_len);

#endif
