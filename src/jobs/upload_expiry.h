/*
 * The upload expiry: unfinished uploads past their Upload-Expires lose their
 * bytes and answer 410 from then on (ingest/upload.c does the work). It runs
 * on the scheduler thread after each clock sweep, and under the test clock
 * also when an admin moves the time.
 */
#ifndef VG_UPLOAD_EXPIRY_H
#define VG_UPLOAD_EXPIRY_H

#include <stdint.h>

struct ingest;

/* Registers the expiry with the scheduler (before scheduler_start). */
void upload_expiry_register(struct ingest *ing);
/* Expires what is due by now; returns how many uploads expired (<0: failed, logged). */
int upload_expiry_run(struct ingest *ing, int64_t now);

#endif
