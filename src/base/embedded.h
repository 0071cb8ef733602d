/*
 * Files built into the binary by tools/embed.c (the mail templates, the
 * portal's HTML templates and its static files): each generated array is
 * sorted by name and ends with a zeroed entry.
 */
#ifndef VG_EMBEDDED_H
#define VG_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
    const char *name; /* "warning" for templates/mail/warning.txt; "app.css" for static files */
    const char *data; /* the file's bytes, NUL-terminated */
    size_t len;
};

/* The entry called name in files (sorted, zero-terminated), or NULL. */
const struct embedded_file *embedded_find(const struct embedded_file *files, int n,
                                          const char *name);

#endif
