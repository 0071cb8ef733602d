/*
 * Questionnaire definitions: see questionnaire_def.h. A small cache of
 * loaded versions (they are immutable once loaded) behind a mutex.
 */
#include "app/questionnaire_def.h"
#include "app/op.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "store/lifecycle_store.h"

#define MAX_VERSIONS 32

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    char *version;
    struct questionnaire *q;
} cache[MAX_VERSIONS];
static int n_cache;
static struct questionnaire_def current;

static void cache_add(const char *version, struct questionnaire *q)
{
    VG_ASSERT(n_cache < MAX_VERSIONS);
    cache[n_cache].version = xstrdup(version);
    cache[n_cache].q = q;
    n_cache++;
}

int questionnaire_def_init(struct store *store, const char *path, char **err)
{
    char *file = path ? xstrdup(path) : app_data_file("questionnaire.json");
    if (!file) {
        *err = xstrdup("no questionnaire definition found: pass --questionnaire FILE (the repo "
                       "has data/questionnaire.json)");
        return -1;
    }
    json_error_t jerr;
    json_t *doc = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        *err = xasprintf("%s: line %d: %s", file, jerr.line, jerr.text);
        free(file);
        return -1;
    }
    struct buf why = {0};
    struct questionnaire *q;
    if (questionnaire_load(doc, &q, &why) < 0) {
        *err = xasprintf("%s: %s", file, buf_str(&why));
        buf_free(&why);
        json_decref(doc);
        free(file);
        return -1;
    }
    buf_free(&why);
    char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(doc);
    struct db *db = store_get(store);
    int rc = store_questionnaire_put(db, questionnaire_version(q), text, (int64_t)time(NULL));
    store_put(store, db);
    free(text);
    if (rc < 0) {
        *err = xasprintf("cannot record questionnaire version %s", questionnaire_version(q));
        questionnaire_free(q);
        free(file);
        return -1;
    }
    pthread_mutex_lock(&lock);
    cache_add(questionnaire_version(q), q);
    current.version = questionnaire_version(q);
    current.q = q;
    pthread_mutex_unlock(&lock);
    fprintf(stderr, "vodgate: questionnaire version %s from %s\n", current.version, file);
    free(file);
    return 0;
}

const struct questionnaire_def *questionnaire_current(void)
{
    return current.q ? &current : NULL;
}

const struct questionnaire *questionnaire_of_version(struct db *db, const char *version)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < n_cache; i++) {
        if (!strcmp(cache[i].version, version)) {
            const struct questionnaire *q = cache[i].q;
            pthread_mutex_unlock(&lock);
            return q;
        }
    }
    pthread_mutex_unlock(&lock);
    /* An older version: load it back from the store. */
    struct arena a = {0};
    char *text;
    struct questionnaire *q = NULL;
    if (store_questionnaire_get(db, &a, version, &text) == 0) {
        json_t *doc = json_loads(text, 0, NULL);
        if (doc && questionnaire_load(doc, &q, NULL) != 0)
            q = NULL;
        json_decref(doc);
    }
    arena_free(&a);
    if (!q)
        return NULL;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < n_cache; i++) {
        if (!strcmp(cache[i].version, version)) { /* loaded meanwhile by another thread */
            questionnaire_free(q);
            q = cache[i].q;
            pthread_mutex_unlock(&lock);
            return q;
        }
    }
    if (n_cache < MAX_VERSIONS)
        cache_add(version, q);
    pthread_mutex_unlock(&lock);
    return q;
}

void questionnaire_def_free(void)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < n_cache; i++) {
        free(cache[i].version);
        questionnaire_free(cache[i].q);
    }
    n_cache = 0;
    current.q = NULL;
    current.version = NULL;
    pthread_mutex_unlock(&lock);
}
