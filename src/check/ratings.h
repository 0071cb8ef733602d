/*
 * The MovieLabs Common Metadata Ratings database (CMR, "CMR_Ratings_v2.5.1.xml"):
 * which rating systems exist, the values and reason codes each defines,
 * which values are deprecated, and where each system is adopted.
 *
 * The operator names the file (`--ratings FILE`); it is read once with the
 * hardened XML reader into a small read-only index that any number of
 * threads may query. Several countries run a system of the same name
 * ("Film", "TV"), so a question about a system is answered for the systems
 * of that name adopted in the rating's country when there are any, and for
 * all of that name otherwise.
 */
#ifndef VG_RATINGS_H
#define VG_RATINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

struct ratings_db;

/*
 * Loads the CMR XML at path. Returns 0 and sets *out (free with
 * ratings_free), or -1 and appends a sentence for the operator to err.
 */
int ratings_load(const char *path, struct ratings_db **out, struct buf *err);
void ratings_free(struct ratings_db *db);

/* Number of rating systems loaded (for the operator's start-up line). */
size_t ratings_count(const struct ratings_db *db);

/* True when the database knows a system named system (exact, case-sensitive as in CMR). */
bool ratings_has_system(const struct ratings_db *db, const char *system);

/*
 * True when system is adopted in country (ISO 3166-1) or, when subregion is
 * set, in that ISO 3166-2 subdivision ("CA-QC").
 */
bool ratings_used_in(const struct ratings_db *db, const char *system, const char *country,
                     const char *subregion);

/*
 * True when value is one of system's ratings (for the systems adopted in
 * country when there are any; country may be NULL). *deprecated is set when
 * the value is known but withdrawn.
 */
bool ratings_has_value(const struct ratings_db *db, const char *system, const char *country,
                       const char *value, bool *deprecated);

/* True when system defines reason codes at all (others accept any reason text). */
bool ratings_defines_reasons(const struct ratings_db *db, const char *system, const char *country);
/* True when reason is one of system's reason codes. */
bool ratings_has_reason(const struct ratings_db *db, const char *system, const char *country,
                        const char *reason);

/*
 * Appends "G, PG, PG-13, ..." (the current values of system for country,
 * deprecated ones left out) or, with reasons set, its reason codes, to b;
 * at most max items, then ", ...".
 */
void ratings_describe(const struct ratings_db *db, const char *system, const char *country,
                      bool reasons, size_t max, struct buf *b);

/* Appends the countries where system is adopted ("US", "DE, AT") to b. */
void ratings_describe_regions(const struct ratings_db *db, const char *system, struct buf *b);

#endif
