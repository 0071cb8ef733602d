/*
 * The list of schema migrations (store-internal): see migrations.c.
 */
#ifndef VG_MIGRATIONS_H
#define VG_MIGRATIONS_H

struct migration {
    int version;      /* 1, 2, 3 ... with no gaps */
    const char *name; /* what it adds, for the log */
    const char *sql;  /* portable SQL with {{tokens}} */
};

extern const struct migration migrations[];
extern const int n_migrations;

#endif
