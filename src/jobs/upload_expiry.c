/*
 * The upload expiry: see upload_expiry.h. Each run is one indexed range read
 * (state, expires_at) plus the work on the uploads found, so a run with
 * nothing due costs one query.
 */
#include "jobs/upload_expiry.h"

#include <stdio.h>

#include "ingest/upload.h"
#include "jobs/sweep.h"

int upload_expiry_run(struct ingest *ing, int64_t now)
{
    int n = 0;
    if (upload_expire(ing, now, &n) < 0) {
        fprintf(stderr, "vodgate: upload expiry failed; it will be retried\n");
        return -1;
    }
    if (n)
        fprintf(stderr, "vodgate: expired %d unfinished upload(s)\n", n);
    return n;
}

static void expiry_tick(void *ctx, int64_t now)
{
    upload_expiry_run(ctx, now);
}

void upload_expiry_register(struct ingest *ing)
{
    scheduler_every(expiry_tick, ing);
}
