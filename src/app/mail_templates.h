/*
 * The mail templates built into the binary: templates/mail/NAME.txt, turned
 * into string literals at build time by tools/embed.c (build/gen/
 * mail_templates.c). Sorted by name; the array ends with a zeroed entry.
 * `serve --templates DIR` may override any of them with DIR/NAME.txt (see
 * jobs/mail.h).
 */
#ifndef VG_MAIL_TEMPLATES_H
#define VG_MAIL_TEMPLATES_H

#include "base/embedded.h"

extern const struct embedded_file mail_templates_embedded[];
extern const int n_mail_templates_embedded;

#endif
