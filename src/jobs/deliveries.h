/*
 * Validation workers: the background half of deliveries (app/deliveries.h
 * receives them). Validation runs as a job in the store's queue, claimed by
 * a worker, and its result, pass or fail with findings, is what the partner
 * acts on. A failed result during training opens a response clock; a passed
 * asset package starts its title's 14-day publishing clock.
 */
#ifndef VG_DELIVERIES_H
#define VG_DELIVERIES_H

#include <jansson.h>

#include <stdbool.h>

#include "store/store.h"

/*
 * Validation workers: threads that claim validation jobs and run them.
 *
 * instance names the process: stable across its restarts, distinct between
 * the processes that share a database or a data directory (cli_serve.c
 * makes it). Jobs are leased in its name, and each run's work directory
 * lies under DATA/work/INSTANCE/, so that a restarted process can take back
 * at once what it held when it died (deliv_recover) without touching a
 * live sibling's jobs or files. It is used as a directory name: the
 * characters [A-Za-z0-9._-] only (deliv_instance_name_ok).
 */
struct deliv_config {
    const char *data_dir;     /* where uploads live */
    const char *schemas_dir;  /* MovieLabs XSDs, or NULL */
    const char *ratings_file; /* CMR ratings XML, or NULL */
    int n_workers;            /* threads (0: none, e.g. for a server that only serves) */
    const char *instance;     /* this process's name (see above) */
};
/* True when name may name an instance: 1 to 120 of [A-Za-z0-9._-], not "." or "..". */
bool deliv_instance_name_ok(const char *name);
/*
 * At start-up, before any worker of this instance runs: puts the jobs this
 * instance held (its predecessor died holding them) back in the queue,
 * ready now, and removes this instance's work directories. Returns the
 * number of jobs released, or <0 when the store failed.
 */
int deliv_recover(struct store *store, const struct deliv_config *cfg);
void deliv_workers_start(struct store *store, const struct deliv_config *cfg);
/* Wakes the workers (a job was queued). */
void deliv_workers_poke(void);
void deliv_workers_stop(void);
/*
 * Runs every ready validation job now, in this thread (tests, the CLI, and a
 * test-clock move). Returns the number run, or <0.
 */
int deliv_run_ready(struct store *store, const struct deliv_config *cfg, int64_t now);

#endif
