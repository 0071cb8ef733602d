/*
 * Validation jobs: see deliveries.h.
 *
 * A worker claims a job (leased: a worker that dies leaves it to be claimed
 * again when the lease runs out), validates the delivery's files outside any
 * transaction (a media probe may take minutes), then records the result in
 * one transaction that only succeeds while the delivery is still validating
 * — so a job run twice after a lost lease never records two results.
 *
 * Files are stored under server-made names; the checks want the names the
 * partner gave (extensions tell the kinds, manifests refer to files by
 * name), so each run lays out a private work directory of symbolic links
 * named as delivered, removed afterwards.
 *
 * A process that dies (kill -9, a crash, a power cut) leaves the job it ran
 * leased and its work directory behind. Leases and work directories carry
 * the instance's name (deliveries.h), so when the same instance starts
 * again deliv_recover() puts its jobs back in the queue at once, instead of
 * the delivery staying "validating" until the 15-minute lease runs out,
 * and removes its work directories, DATA/work/INSTANCE/ as a whole: another
 * instance's live runs sit in another directory and are never touched.
 *
 * A test hook: VODGATE_TEST_VALIDATION_HOLD=SECONDS makes each run wait that
 * long once its work directory is laid out, so that a test can kill the
 * process in the middle of a validation.
 */
#include "app/lifecycle_steps.h"
#include "app/result_mail.h"
#include "app/titles.h"
#include "store/delivery_store.h"
#include "jobs/deliveries.h"

#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/now.h"
#include "base/recover.h"
#include "base/secret.h"
#include "check/check.h"
#include "check/ratings.h"
#include "core/deadline.h"
#include "core/lifecycle.h"
#include "ingest/blob.h"

#define JOB_LEASE        (15 * 60)
#define JOB_MAX_ATTEMPTS 5

struct file_ctx {
    struct arena *a;
    struct delivery_file_row *rows;
    size_t n, cap;
};

static int gather_file(const struct delivery_file_row *f, void *arg)
{
    struct file_ctx *x = arg;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 16;
        struct delivery_file_row *bigger = arena_alloc(x->a, cap * sizeof *bigger);
        if (x->n)
            memcpy(bigger, x->rows, x->n * sizeof *bigger);
        x->rows = bigger;
        x->cap = cap;
    }
    x->rows[x->n++] = *f;
    return 0;
}

/* A file name safe to create: the delivered name with anything odd replaced. */
static char *safe_name(struct arena *a, const char *name, size_t i)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    char *s = arena_strdup(a, *base ? base : "file");
    for (char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '.' || *c == '-' || *c == '_'))
            *c = '_';
    if (s[0] == '.')
        s[0] = '_';
    (void)i;
    return s;
}

/* This instance's work directory, DATA/work/INSTANCE (malloc'd). */
static char *work_dir_of(const struct deliv_config *cfg)
{
    VG_ASSERT(cfg->instance && deliv_instance_name_ok(cfg->instance));
    return xasprintf("%s/work/%s", cfg->data_dir, cfg->instance);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    if (remove(path) < 0 && errno != ENOENT)
        fprintf(stderr, "vodgate: cannot remove %s: %s\n", path, strerror(errno));
    return 0; /* remove what can be removed */
}

/* Removes dir and everything under it; symbolic links are removed, never followed. */
static void remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

bool deliv_instance_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 120 || !strcmp(name, ".") || !strcmp(name, ".."))
        return false;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '.' || *c == '-' || *c == '_'))
            return false;
    return true;
}

int deliv_recover(struct store *store, const struct deliv_config *cfg)
{
    char *dir = work_dir_of(cfg);
    remove_tree(dir);
    free(dir);
    int64_t n = 0;
    struct db *db = store_get(store);
    int rc = store_job_release_owner(db, cfg->instance, now_get(), &n);
    store_put(store, db);
    if (rc < 0)
        return rc;
    if (n > 0)
        fprintf(stderr,
                "vodgate: instance %s released %lld validation job(s) it held when it stopped\n",
                cfg->instance, (long long)n);
    return (int)n;
}

/* The ratings database of the configuration, loaded once (NULL when none or unreadable). */
static pthread_mutex_t ratings_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ratings_db *ratings;
static bool ratings_tried;

static const struct ratings_db *ratings_db(const struct deliv_config *cfg)
{
    if (!cfg->ratings_file)
        return NULL;
    pthread_mutex_lock(&ratings_lock);
    if (!ratings_tried) {
        ratings_tried = true;
        struct buf err = {0};
        if (ratings_load(cfg->ratings_file, &ratings, &err) < 0) {
            fprintf(stderr, "vodgate: ratings %s not loaded: %s\n", cfg->ratings_file,
                    buf_str(&err));
            ratings = NULL;
        }
        buf_free(&err);
    }
    pthread_mutex_unlock(&ratings_lock);
    return ratings;
}

/* check_file's answer for a file whose checker broke (below CHECK_ERR_*'s range). */
#define CHECK_BROKE (-100)

/*
 * check_file, where a broken invariant inside a checker (base/recover.h) fails
 * this one file (CHECK_BROKE, with a sentence in why) instead of the process:
 * a delivered file is input, and the other files are still checked.
 */
static int check_file_guarded(const char *path, const char *name, enum check_kind kind,
                              const struct check_options *opts, struct findings *fs,
                              struct buf *why)
{
    struct vg_recover rec;
    if (sigsetjmp(rec.jb, 0)) {
        fprintf(stderr, "vodgate: checking %s broke: %s\n", name, rec.what);
        buf_reset(why);
        buf_puts(why, "vodgate could not finish checking this file: its checker failed on it. "
                      "This is a fault of vodgate's, logged at the server, not a finding about "
                      "the file");
        return CHECK_BROKE;
    }
    vg_recover_push(&rec);
    /* A test hook: VODGATE_TEST_BREAK_CHECK=NAME makes the checker of a file of that name break,
     * as a bug in a checker would. */
    const char *breaks = getenv("VODGATE_TEST_BREAK_CHECK");
    VG_ASSERT(!breaks || strcmp(breaks, name) != 0);
    int rc = check_file(path, name, kind, opts, fs, why);
    vg_recover_pop(&rec);
    return rc;
}

/* Runs the checks of a delivery's files into fs. Returns 0, or <0 when it could not run. */
static int check_delivery(const struct deliv_config *cfg, const struct delivery_row *d,
                          const struct partner *p, struct file_ctx *files, struct arena *a,
                          struct findings *fs, struct title_rows *titles)
{
    char rnd[SECRET_TOKEN_LEN + 1];
    secret_token(rnd);
    char *work_root = xasprintf("%s/work", cfg->data_dir);
    mkdir(work_root, 0700);
    free(work_root);
    work_root = work_dir_of(cfg);
    mkdir(work_root, 0700);
    char *dir = xasprintf("%s/d%lld-%.12s", work_root, (long long)d->id, rnd);
    free(work_root);
    if (mkdir(dir, 0700) < 0) {
        fprintf(stderr, "vodgate: cannot create %s: %s\n", dir, strerror(errno));
        free(dir);
        return -1;
    }
    /* approved formats, for the technical review */
    json_t *formats = json_loads(p->approved_formats ? p->approved_formats : "[]", 0, NULL);
    size_t n_formats = json_is_array(formats) ? json_array_size(formats) : 0;
    const char **approved = arena_alloc(a, (n_formats + 1) * sizeof *approved);
    for (size_t i = 0; i < n_formats; i++)
        approved[i] = json_string_value(json_array_get(formats, i));
    struct check_options opts = {0};
    opts.mddf_schemas = cfg->schemas_dir;
    opts.approved_formats = n_formats ? approved : NULL;
    opts.n_approved_formats = n_formats;
    char **links = arena_alloc(a, (files->n + 1) * sizeof *links);
    struct check_delivered_file *delivered = arena_alloc(a, (files->n + 1) * sizeof *delivered);
    for (size_t i = 0; i < files->n; i++) {
        char *blob = blob_path(cfg->data_dir, files->rows[i].upload_id);
        /* The link lives in the work directory: with a relative --data (./var) a relative
         * target would dangle, so link to the absolute path. */
        char *abs = realpath(blob, NULL);
        if (abs) {
            free(blob);
            blob = abs;
        }
        links[i] = arena_printf(a, "%s/%s", dir, safe_name(a, files->rows[i].filename, i));
        if (symlink(blob, links[i]) < 0 && errno == EEXIST) {
            links[i] =
                arena_printf(a, "%s/%zu-%s", dir, i, safe_name(a, files->rows[i].filename, i));
            if (symlink(blob, links[i]) < 0)
                links[i] = arena_strdup(a, blob);
        }
        free(blob);
        delivered[i].name = files->rows[i].filename;
        delivered[i].size = (uint64_t)files->rows[i].length;
        delivered[i].sha256 = files->rows[i].sha256;
        delivered[i].md5 = files->rows[i].md5;
        delivered[i].path = links[i];
    }
    const char *hold = getenv("VODGATE_TEST_VALIDATION_HOLD");
    if (hold && atoi(hold) > 0)
        sleep((unsigned)atoi(hold));
    /* Manifests are checked against the delivery itself: every file they name must be in it,
     * with the right size and checksum. */
    opts.refs = CHECK_REFS_DELIVERY;
    opts.files = delivered;
    opts.n_files = files->n;
    opts.ratings = ratings_db(cfg);
    /* what the files say about titles, for the catalogue once the result is known: lifted by
     * the avails and manifest checks from their own reading of each file */
    opts.titles = titles;
    /* Captions are timed against the package's video: the first media file. */
    for (size_t i = 0; i < files->n && !opts.video_duration; i++) {
        enum check_kind k;
        if (strcmp(d->kind, "avails") && check_kind_detect(links[i], &k) == 0 && k == CHECK_MEDIA)
            check_media_probe(links[i], &opts.video_duration, &opts.video_fps);
    }
    bool has_manifest = false;
    for (size_t i = 0; i < files->n; i++) {
        const char *name = files->rows[i].filename;
        enum check_kind kind = CHECK_AUTO;
        if (!strcmp(d->kind, "avails"))
            kind = CHECK_AVAILS;
        else if (check_kind_detect(links[i], &kind) < 0)
            kind = CHECK_AUTO;
        if (kind == CHECK_MANIFEST)
            has_manifest = true;
        struct buf why = {0};
        int rc = check_file_guarded(links[i], name, kind, &opts, fs, &why);
        if (rc < 0) {
            struct finding f = {0};
            f.severity = rc == CHECK_ERR_UNSUPPORTED ? SEV_WARNING : SEV_ERROR;
            f.file = name;
            f.stream = -1;
            f.code = rc == CHECK_ERR_KIND          ? "package.file.kind_unknown"
                     : rc == CHECK_ERR_UNSUPPORTED ? "package.file.not_checked"
                     : rc == CHECK_BROKE           ? "package.file.check_failed"
                                                   : "package.file.unreadable";
            f.message = buf_str(&why);
            f.clause = "vodgate delivery rules";
            f.fix = rc == CHECK_ERR_KIND
                        ? "name the file with its usual extension (.xlsx, .xml, .mov, .mxf, "
                          ".scc, .ttml, .srt, .jpg, .png), or leave it out of the delivery"
                    : rc == CHECK_ERR_UNSUPPORTED
                        ? "nothing to do: this kind of file is accepted without checks for now"
                    : rc == CHECK_BROKE
                        ? "tell your vodgate contact this delivery's number: delivering the same "
                          "file again will fail the same way until vodgate is fixed"
                        : "upload the file again";
            findings_add(fs, &f);
        }
        buf_free(&why);
    }
    if (!strcmp(d->kind, "asset_package") && !has_manifest) {
        struct finding f = {0};
        f.code = "package.manifest.missing";
        f.severity = SEV_ERROR;
        f.stream = -1;
        f.expected = "one MovieLabs Media Manifest (MMC) naming the package's files";
        f.clause = "MovieLabs Media Manifest Core (MMC); SPEC section 4";
        f.message = "the asset package has no manifest, so its files cannot be matched to the "
                    "title";
        f.fix = "add the package's Media Manifest (.xml) to the delivery and deliver again";
        findings_add(fs, &f);
    }
    json_decref(formats);
    remove_tree(dir);
    free(dir);
    findings_sort(fs);
    return 0;
}

/* Records the result and its consequences in one transaction. */
static int record_result(struct db *db, struct arena *a, const struct delivery_row *d,
                         const struct partner *p, struct findings *fs,
                         const struct title_rows *titles, int64_t now)
{
    bool passed = findings_pass(fs);
    struct op o;
    op_init(&o, db, a, now, NULL, app_public_url());
    op_join(&o); /* the result is recorded in this function's own transaction */
    int rc = store_begin(db);
    bool done = false;
    if (rc == 0)
        rc = store_delivery_finish(db, d->id, passed ? "passed" : "failed", CHECK_RULESET_VERSION,
                                   (int64_t)fs->n_errors, (int64_t)fs->n_warnings, now, &done);
    if (rc < 0 || !done)
        goto end; /* another worker recorded it already */
    json_t *list = findings_json(fs);
    size_t i;
    json_t *f;
    json_array_foreach(list, i, f) {
        char *text = json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS);
        rc = store_delivery_finding_add(db, d->id, (int64_t)i,
                                        json_string_value(json_object_get(f, "code")),
                                        json_string_value(json_object_get(f, "severity")),
                                        json_string_value(json_object_get(f, "file")), text);
        free(text);
        if (rc < 0)
            break;
    }
    struct request_row r = {0};
    int64_t latest = 0;
    if (rc == 0 && d->request_id) {
        rc = store_request_get(db, a, d->request_id, &r);
        if (rc == 0)
            rc = store_delivery_latest(db, d->request_id, 0, &latest);
    }
    const char *subject = d->request_id ? lifecycle_request_subject(&o, d->request_id) : NULL;
    if (rc == 0 && d->request_id && latest == d->id) {
        rc = store_request_set_status(db, d->request_id, passed ? "passed" : "failed");
        /* A failed result opens a response clock in training: the partner must act on it. */
        if (rc == 0 && !passed && !strcmp(r.phase, "training") &&
            lifecycle_in_training(stage_parse(p->stage))) {
            int64_t clock;
            const char *response = deadline_name(DEADLINE_RESPONSE_3WD);
            rc = lifecycle_close_clocks(&o, subject, response, "cancelled", "a new result");
            if (rc == 0)
                rc = lifecycle_start_clock(&o, p, response, subject, now, &clock);
        }
    }
    /* The catalogue (app/titles.c): a passed avails file makes and updates titles and windows;
     * a package attaches its assets (failed ones too, never over passed ones). A title that
     * becomes ready starts its publish clock there. */
    if (rc == 0 && passed && !strcmp(d->kind, "avails"))
        rc = titles_from_avails(&o, p, d->id, titles);
    if (rc == 0 && !strcmp(d->kind, "asset_package"))
        rc = titles_from_package(&o, p, d->id, passed, titles);
    if (rc == 0)
        rc = result_mail_send(&o, p, d, d->request_id ? &r : NULL, list, fs->n_errors,
                              fs->n_warnings, passed);
    json_decref(list);
    if (rc == 0)
        rc = lifecycle_event(
            &o, p, arena_printf(a, "delivery:%lld", (long long)d->id), "delivery.result",
            json_pack("{s:s}", "status", "validating"),
            json_pack("{s:s, s:I, s:I, s:s}", "status", passed ? "passed" : "failed", "errors",
                      (json_int_t)fs->n_errors, "warnings", (json_int_t)fs->n_warnings, "ruleset",
                      CHECK_RULESET_VERSION));
end:
    if (rc == 0)
        rc = store_commit(db);
    if (rc < 0) {
        store_rollback(db);
        if (rc == OP_REFUSED)
            fprintf(stderr, "vodgate: result of delivery %lld not recorded: %s\n", (long long)d->id,
                    buf_str(&o.err.message));
    }
    op_free(&o);
    return rc < 0 ? -1 : 0;
}

/* Runs one claimed job. Returns 0 when it is done (or was already), <0 to retry. */
static int run_job(struct store *store, const struct deliv_config *cfg, const struct job_row *job,
                   int64_t now)
{
    int64_t id =
        strncmp(job->subject, "delivery:", 9) == 0 ? strtoll(job->subject + 9, NULL, 10) : 0;
    struct arena a = {0};
    struct db *db = store_get(store);
    struct delivery_row d;
    struct partner p;
    struct file_ctx files = {&a, NULL, 0, 0};
    int rc = id ? store_delivery_get(db, &a, id, &d) : STORE_ERR_NOT_FOUND;
    if (rc == 0)
        rc = store_partner_get(db, &a, d.partner_id, &p);
    if (rc == 0)
        rc = store_delivery_files(db, &a, id, gather_file, &files);
    store_put(store, db);
    if (rc == STORE_ERR_NOT_FOUND || (rc == 0 && strcmp(d.status, "validating"))) {
        arena_free(&a);
        return 0; /* nothing (more) to do */
    }
    struct findings fs = {0};
    struct title_rows titles = {.a = &a};
    if (rc == 0)
        rc = check_delivery(cfg, &d, &p, &files, &a, &fs, &titles);
    if (rc == 0) {
        db = store_get(store);
        rc = record_result(db, &a, &d, &p, &fs, &titles, now);
        store_put(store, db);
    }
    findings_free(&fs);
    arena_free(&a);
    return rc;
}

/* Claims and runs one job. Returns 1 when a job ran, 0 when none was ready, <0 on failure. */
static int work_once(struct store *store, const struct deliv_config *cfg)
{
    struct arena a = {0};
    struct job_row job;
    bool claimed;
    int64_t now = now_get();
    struct db *db = store_get(store);
    int rc = store_job_claim(db, &a, now, JOB_LEASE, cfg->instance, &job, &claimed);
    store_put(store, db);
    if (rc < 0 || !claimed) {
        arena_free(&a);
        return rc < 0 ? rc : 0;
    }
    rc = strcmp(job.kind, "validate") ? 0 : run_job(store, cfg, &job, now_get());
    db = store_get(store);
    bool ok;
    if (rc == 0)
        store_job_end(db, job.id, job.attempts, "done", NULL, now_get(), &ok);
    else if (job.attempts >= JOB_MAX_ATTEMPTS)
        store_job_end(db, job.id, job.attempts, "failed", "validation kept failing", now_get(),
                      &ok);
    else
        store_job_retry(db, job.id, job.attempts, now_get() + 60 * job.attempts,
                        "validation failed; retrying", now_get());
    store_put(store, db);
    arena_free(&a);
    return 1;
}

int deliv_run_ready(struct store *store, const struct deliv_config *cfg, int64_t now)
{
    (void)now;
    int n = 0, rc;
    while ((rc = work_once(store, cfg)) > 0)
        n++;
    return rc < 0 ? rc : n;
}

/* ---- the worker threads ---- */

#define MAX_WORKERS 16

static struct {
    pthread_t threads[MAX_WORKERS];
    int n;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool running;
    unsigned pokes;
    struct store *store;
    struct deliv_config cfg;
} workers = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static void *worker_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&workers.lock);
    while (workers.running) {
        pthread_mutex_unlock(&workers.lock);
        int rc = work_once(workers.store, &workers.cfg);
        pthread_mutex_lock(&workers.lock);
        if (rc > 0)
            continue; /* maybe more */
        unsigned seen = workers.pokes;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 2;
        while (workers.running && workers.pokes == seen)
            if (pthread_cond_timedwait(&workers.wake, &workers.lock, &until) == ETIMEDOUT)
                break;
    }
    pthread_mutex_unlock(&workers.lock);
    return NULL;
}

void deliv_workers_start(struct store *store, const struct deliv_config *cfg)
{
    workers.store = store;
    workers.cfg = *cfg;
    workers.running = true;
    workers.n = cfg->n_workers > MAX_WORKERS ? MAX_WORKERS : cfg->n_workers;
    for (int i = 0; i < workers.n; i++)
        VG_ASSERT(pthread_create(&workers.threads[i], NULL, worker_main, NULL) == 0);
}

void deliv_workers_poke(void)
{
    pthread_mutex_lock(&workers.lock);
    workers.pokes++;
    pthread_cond_broadcast(&workers.wake);
    pthread_mutex_unlock(&workers.lock);
}

void deliv_workers_stop(void)
{
    pthread_mutex_lock(&workers.lock);
    workers.running = false;
    pthread_cond_broadcast(&workers.wake);
    pthread_mutex_unlock(&workers.lock);
    for (int i = 0; i < workers.n; i++)
        pthread_join(workers.threads[i], NULL);
    workers.n = 0;
    pthread_mutex_lock(&ratings_lock);
    ratings_free(ratings);
    ratings = NULL;
    ratings_tried = false;
    pthread_mutex_unlock(&ratings_lock);
}
