/*
 * The questionnaire definitions the server serves. The current one is read
 * at start from a data file (a new question needs no rebuild, only a new
 * version in the file and a restart) and recorded in the store by version;
 * a partner's answers keep the version they were given, and older versions
 * are loaded back from the store when their answers are checked.
 */
#ifndef VG_QUESTIONNAIRE_DEF_H
#define VG_QUESTIONNAIRE_DEF_H

#include "core/questionnaire.h"
#include "store/store.h"

struct questionnaire_def {
    const char *version;
    const struct questionnaire *q;
};

/*
 * Loads the definition file (path NULL: the first of <binary>/../data/,
 * ./data/ and /usr/share/vodgate/ that holds questionnaire.json), checks it
 * and records it in the store. Returns 0, or -1 with *err malloc'd.
 */
int questionnaire_def_init(struct store *store, const char *path, char **err);
/* The current definition (NULL before init). */
const struct questionnaire_def *questionnaire_current(void);
/* The definition of a version, from the cache or the store; NULL when unknown. Thread-safe. */
const struct questionnaire *questionnaire_of_version(struct db *db, const char *version);
/* Frees the cache (at exit). */
void questionnaire_def_free(void);

#endif
