/*
 * Uploads: see upload.h.
 *
 * The process-wide state is the list of active sessions (one per request
 * body being written) under one mutex. A session found there for the same
 * upload is the older writer: it is marked superseded, its blob_writer is
 * cancelled, and the new session waits (still under the mutex) until the
 * old writer's threads have exited before it takes the upload in the store
 * and cuts the file back to the committed offset. The old session stays in
 * the list until its own request ends; lookups skip superseded sessions.
 *
 * Hash states: the row's hash_state is the pair of running states at the
 * committed offset (ingest/digest.c). When it cannot be read back, the
 * committed prefix is re-hashed from the file (logged): correct, only slow.
 */
#include "ingest/upload.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/now.h"
#include "base/timefmt.h"
#include "ingest/blob.h"
#include "ingest/digest.h"

struct ingest {
    struct store *store;
    char *data_dir;
    struct ingest_opts opts;
    pthread_mutex_t lock;          /* guards active and every hand-over */
    struct upload_session *active; /* sessions writing, newest first */
    /* background work (work_one): open final uploads to make, md5s that lagged to finish */
    pthread_t work_thread;
    pthread_cond_t work_wake;
    char (*work_queue)[UPLOAD_ID_LEN + 1]; /* guarded by lock */
    int n_work, cap_work;
    bool work_running;
};

static void work_enqueue(struct ingest *ing, const char *id);

struct upload_session {
    struct ingest *ing;
    struct upload_session *next; /* in ing->active */
    char id[UPLOAD_ID_LEN + 1];
    char *path;
    struct blob_writer *writer; /* NULL when there is nothing to write (complete upload) */
    bool superseded;            /* a newer session took the upload */
    bool ended;
    int64_t generation; /* from store_upload_take */
    int64_t length;     /* -1 while deferred */
    uint64_t start;     /* committed offset at begin */
    int64_t new_length; /* a length this body sets, -1: none */
    bool has_check;
    unsigned char check[TUS_DIGEST_MAX];
    size_t check_len;
};

const struct ingest_opts *ingest_options(const struct ingest *ing)
{
    return &ing->opts;
}

static void initial_state_text(char **out)
{
    struct sha256_ctx sha;
    struct md5_ctx md5;
    sha256_init(&sha);
    md5_init(&md5);
    *out = digest_state_save(&sha, 0, &md5, 0);
}

/* The restart pass: files of unfinished uploads go back to their committed offset. */
struct recover_ctx {
    struct ingest *ing;
    struct arena *a;
    char (*lost)[UPLOAD_ID_LEN + 1];
    int n_lost, max_lost;
    int n_cut;
};

static int recover_one(const struct upload_row *u, void *arg)
{
    struct recover_ctx *rc = arg;
    char *path = blob_path(rc->ing->data_dir, u->id);
    struct stat st;
    if (stat(path, &st) < 0 || (uint64_t)st.st_size < (uint64_t)u->offset) {
        /* Committed bytes are missing: never pretend; the client must start again. */
        fprintf(stderr, "vodgate: upload %s lost committed bytes (file %s); marking it expired\n",
                u->id, path);
        if (rc->n_lost < rc->max_lost)
            memcpy(rc->lost[rc->n_lost++], u->id, UPLOAD_ID_LEN + 1);
    } else {
        if ((uint64_t)st.st_size > (uint64_t)u->offset &&
            blob_truncate(path, (uint64_t)u->offset) == BLOB_OK)
            rc->n_cut++;
        if (upload_is_final(u)) /* made again from its parts once the work thread runs */
            work_enqueue(rc->ing, u->id);
    }
    free(path);
    return 0;
}

/* ---- the md5 finisher ---- */

/*
 * Completes the md5 of a complete upload from its persisted state (the md5
 * lagged behind the body): reads the file from the md5's offset to the end.
 * The common case never comes here: md5 keeps up with any real link.
 */
static void md5_finish(struct ingest *ing, const struct upload_row *row)
{
    const struct upload_row u = *row;
    const char *id = u.id;
    struct sha256_ctx sha;
    struct md5_ctx md5;
    uint64_t at = 0;
    if (strcmp(u.state, "complete") != 0 || u.md5)
        return;
    if (digest_state_load(u.hash_state, (uint64_t)u.offset, &sha, &md5, &at) < 0) {
        md5_init(&md5);
        at = 0;
    }
    char *path = blob_path(ing->data_dir, id);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return;
    size_t cap = (size_t)4 << 20;
    unsigned char *b = xmalloc(cap);
    while (at < (uint64_t)u.offset) {
        size_t want = (uint64_t)u.offset - at < cap ? (size_t)((uint64_t)u.offset - at) : cap;
        ssize_t n = pread(fd, b, want, (off_t)at);
        if (n <= 0)
            break;
        md5_update(&md5, (size_t)n, b);
        at += (uint64_t)n;
    }
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    close(fd);
    free(b);
    if (at == (uint64_t)u.offset) {
        char hex[DIGEST_MD5_HEX + 1];
        digest_md5_hex(&md5, hex);
        struct db *db = store_get(ing->store); /* none held through the read */
        store_upload_set_md5(db, id, hex);
        store_put(ing->store, db);
    } else {
        fprintf(stderr, "vodgate: upload %s: cannot read it back for its md5\n", id);
    }
}

/*
 * Makes a final upload from its partial uploads (concatenation), in the
 * background, since a final of many GB takes as long as reading it: the
 * parts are copied in order into the final's own file, sha256 and md5 on
 * the way, synced, and the final committed complete. Until then it is open
 * (HEAD shows no Upload-Offset). A part that is gone or no longer fits by
 * then ends the final: it is removed, with a line in the log, and the
 * client, finding it gone, creates it again. After a crash the restart pass
 * queues every open final again.
 */
static void assemble(struct ingest *ing, struct arena *a, const struct upload_row *row)
{
    const struct upload_row u = *row;
    const char *id = u.id;
    struct tus_concat c;
    const char *why = "its Upload-Concat does not parse";
    struct db *db = store_get(ing->store);
    bool fits = tus_parse_concat(u.concat, a, &c, &why) == 0 && c.final;
    const char **srcs = fits ? arena_alloc(a, (size_t)c.n_parts * sizeof *srcs) : NULL;
    uint64_t *lens = fits ? arena_alloc(a, (size_t)c.n_parts * sizeof *lens) : NULL;
    uint64_t total = 0;
    for (int i = 0; fits && i < c.n_parts; i++) {
        struct upload_row p;
        fits = store_upload_get(db, a, c.parts[i], &p) == 0 && upload_is_partial(&p) &&
               !strcmp(p.state, "complete") && p.partner_id == u.partner_id;
        if (!fits) {
            why = arena_printf(a, "partial upload %s is gone or not complete", c.parts[i]);
            break;
        }
        char *path = blob_path(ing->data_dir, p.id);
        srcs[i] = arena_strdup(a, path);
        free(path);
        lens[i] = (uint64_t)p.length;
        total += lens[i];
    }
    if (fits && total != (uint64_t)u.length) {
        fits = false;
        why = "its parts no longer add up to its length";
    }
    store_put(ing->store, db); /* no connection held through the copy */
    struct sha256_ctx sha;
    struct md5_ctx md5;
    bool ok = false;
    if (fits) {
        char *dest = blob_path(ing->data_dir, id);
        fits = blob_concat(dest, srcs, lens, c.n_parts, &sha, &md5) == BLOB_OK;
        free(dest);
        if (!fits)
            why = "copying its parts failed";
    }
    if (fits) {
        char sha_hex[DIGEST_SHA256_HEX + 1], md5_hex[DIGEST_MD5_HEX + 1];
        digest_sha256_hex(&sha, sha_hex);
        digest_md5_hex(&md5, md5_hex);
        db = store_get(ing->store);
        if (store_upload_commit(db, id, u.generation, (int64_t)total, NULL, 0, true, sha_hex,
                                md5_hex, now_get(), &ok) < 0)
            ok = false;
        store_put(ing->store, db);
        if (!ok)
            why = "it changed while it was being made";
    }
    if (!ok) {
        fprintf(stderr, "vodgate: final upload %s could not be made (%s); removing it\n", id, why);
        upload_terminate(ing, id);
    }
}

/* One piece of background work: an open final to make, or a complete upload's md5 to finish. */
static void work_one(struct ingest *ing, const char *id)
{
    struct arena a = {0};
    struct db *db = store_get(ing->store);
    struct upload_row u;
    bool found = store_upload_get(db, &a, id, &u) == 0;
    store_put(ing->store, db);
    if (found && upload_is_final(&u) && !strcmp(u.state, "open"))
        assemble(ing, &a, &u);
    else if (found)
        md5_finish(ing, &u);
    arena_free(&a);
}

static void *work_main(void *arg)
{
    struct ingest *ing = arg;
    setpriority(PRIO_PROCESS, (id_t)gettid(), 10); /* background work */
    pthread_mutex_lock(&ing->lock);
    for (;;) {
        while (ing->work_running && ing->n_work == 0)
            pthread_cond_wait(&ing->work_wake, &ing->lock);
        if (!ing->work_running)
            break;
        char id[UPLOAD_ID_LEN + 1];
        memcpy(id, ing->work_queue[0], sizeof id);
        memmove(ing->work_queue[0], ing->work_queue[1], (size_t)(ing->n_work - 1) * sizeof id);
        ing->n_work--;
        pthread_mutex_unlock(&ing->lock);
        work_one(ing, id);
        pthread_mutex_lock(&ing->lock);
    }
    pthread_mutex_unlock(&ing->lock);
    return NULL;
}

static void work_enqueue(struct ingest *ing, const char *id)
{
    pthread_mutex_lock(&ing->lock);
    if (ing->n_work == ing->cap_work) {
        ing->cap_work = ing->cap_work ? 2 * ing->cap_work : 16;
        ing->work_queue =
            xrealloc(ing->work_queue, (size_t)ing->cap_work * sizeof *ing->work_queue);
    }
    memcpy(ing->work_queue[ing->n_work++], id, UPLOAD_ID_LEN + 1);
    pthread_cond_signal(&ing->work_wake);
    pthread_mutex_unlock(&ing->lock);
}

int ingest_open(struct store *store, const char *data_dir, const struct ingest_opts *opts,
                struct ingest **out, char **err)
{
    struct ingest *ing = xcalloc(1, sizeof *ing);
    ing->store = store;
    ing->data_dir = xstrdup(data_dir);
    ing->opts = *opts;
    pthread_mutex_init(&ing->lock, NULL);
    pthread_cond_init(&ing->work_wake, NULL); /* the restart pass queues work already */
    char *dir = xasprintf("%s/uploads", data_dir);
    int mk = mkdir(dir, 0700);
    if (mk < 0 && errno != EEXIST) {
        *err = xasprintf("cannot create %s: %s", dir, strerror(errno));
        free(dir);
        ingest_close(ing);
        return -1;
    }
    free(dir);
    struct db *db = store_get(store);
    struct arena a = {0};
    char lost[64][UPLOAD_ID_LEN + 1];
    struct recover_ctx rc = {ing, &a, lost, 0, 64, 0};
    int r = store_upload_each_open(db, &a, recover_one, &rc);
    for (int i = 0; r == STORE_OK && i < rc.n_lost; i++)
        r = store_upload_set_expired(db, lost[i], now_get());
    store_put(store, db);
    arena_free(&a);
    if (r < 0) {
        *err = xasprintf("cannot read the unfinished uploads");
        ingest_close(ing);
        return -1;
    }
    if (rc.n_cut)
        fprintf(stderr, "vodgate: cut %d unfinished upload(s) back to their committed offset\n",
                rc.n_cut);
    ing->work_running = true;
    VG_ASSERT(pthread_create(&ing->work_thread, NULL, work_main, ing) == 0);
    /* md5s a crash left unfinished */
    db = store_get(store);
    char pending[64][UPLOAD_ID_LEN + 1];
    int n_pending = 0;
    if (store_upload_md5_pending(db, pending, 64, &n_pending) == STORE_OK)
        for (int i = 0; i < n_pending; i++)
            work_enqueue(ing, pending[i]);
    store_put(store, db);
    *out = ing;
    return 0;
}

void ingest_close(struct ingest *ing)
{
    if (!ing)
        return;
    VG_ASSERT(ing->active == NULL);
    if (ing->work_running) {
        pthread_mutex_lock(&ing->lock);
        ing->work_running = false;
        pthread_cond_signal(&ing->work_wake);
        pthread_mutex_unlock(&ing->lock);
        pthread_join(ing->work_thread, NULL);
    }
    pthread_cond_destroy(&ing->work_wake);
    free(ing->work_queue);
    pthread_mutex_destroy(&ing->lock);
    free(ing->data_dir);
    free(ing);
}

void upload_http_date(int64_t t, char out[static 30])
{
    static const char *wd[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t secs = t - days * 86400;
    struct civil_date d = civil_from_days(days);
    snprintf(out, 30, "%s, %02d %s %04d %02d:%02d:%02d GMT", wd[weekday_from_days(days) - 1], d.day,
             mon[d.month - 1], d.year, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

/* ---- creation ---- */

/* Checks size and quota for a partner holding `more` bytes more (lock-free read). */
static int check_room(struct ingest *ing, struct db *db, int64_t partner_id, int64_t more)
{
    if ((uint64_t)more > ing->opts.max_size)
        return UPLOAD_ERR_TOO_LARGE;
    if (!ing->opts.quota)
        return UPLOAD_OK;
    int64_t held = 0;
    if (store_upload_bytes_of_partner(db, partner_id, &held) < 0)
        return UPLOAD_ERR;
    if ((uint64_t)held + (uint64_t)more > ing->opts.quota)
        return UPLOAD_ERR_QUOTA;
    return UPLOAD_OK;
}

int upload_create(struct ingest *ing, struct db *db, struct upload_row *u, int64_t now)
{
    unsigned char rnd[UPLOAD_ID_LEN / 2];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(u->id, sizeof u->id, rnd, sizeof rnd);
    u->state = "open";
    u->offset = 0;
    u->generation = 0;
    u->created_at = u->updated_at = now;
    u->expires_at = now + ing->opts.ttl;
    u->completed_at = 0;
    u->sha256 = u->md5 = NULL;
    char *state = NULL;
    initial_state_text(&state);
    u->hash_state = state;
    char sha_hex[DIGEST_SHA256_HEX + 1], md5_hex[DIGEST_MD5_HEX + 1];
    if (u->length == 0) {
        /* An empty upload is complete at once. */
        struct sha256_ctx sha;
        struct md5_ctx md5;
        sha256_init(&sha);
        md5_init(&md5);
        digest_sha256_hex(&sha, sha_hex);
        digest_md5_hex(&md5, md5_hex);
        u->state = "complete";
        u->sha256 = sha_hex;
        u->md5 = md5_hex;
        u->expires_at = 0;
        u->completed_at = now;
    }
    char *path = blob_path(ing->data_dir, u->id);
    int rc = store_begin(db) < 0 ? UPLOAD_ERR : UPLOAD_OK;
    if (rc == UPLOAD_OK)
        rc = check_room(ing, db, u->partner_id, u->length > 0 ? u->length : 0);
    if (rc == UPLOAD_OK && blob_create(path) < 0)
        rc = UPLOAD_ERR;
    if (rc == UPLOAD_OK && (store_upload_add(db, u) < 0 || store_commit(db) < 0)) {
        blob_remove(path);
        rc = UPLOAD_ERR;
    }
    if (rc < 0)
        store_rollback(db);
    free(path);
    free(state);
    u->hash_state = NULL;
    if (u->length == 0)
        u->sha256 = u->md5 = NULL; /* they pointed at this frame */
    return rc;
}

int upload_concat(struct ingest *ing, struct db *db, struct upload_row *u,
                  const struct upload_row *parts, int n_parts, int64_t now)
{
    uint64_t total = 0;
    for (int i = 0; i < n_parts; i++) {
        VG_ASSERT(upload_is_partial(&parts[i]) && !strcmp(parts[i].state, "complete"));
        total += (uint64_t)parts[i].length;
        if (total > ing->opts.max_size)
            return UPLOAD_ERR_TOO_LARGE;
    }
    u->length = (int64_t)total;
    int rc = upload_create(ing, db, u, now);
    if (rc < 0 || total == 0)
        return rc;            /* an empty final is complete at once, as any empty upload */
    work_enqueue(ing, u->id); /* made in the background: see assemble() */
    return UPLOAD_OK;
}

int upload_get(struct ingest *ing, struct db *db, struct arena *a, const char *id, int64_t now,
               struct upload_row *out)
{
    (void)ing;
    int rc = store_upload_get(db, a, id, out);
    if (rc == STORE_ERR_NOT_FOUND)
        return UPLOAD_ERR_NOT_FOUND;
    if (rc < 0)
        return UPLOAD_ERR;
    if (!strcmp(out->state, "expired") ||
        (!strcmp(out->state, "open") && out->expires_at && out->expires_at <= now))
        return UPLOAD_ERR_GONE;
    return UPLOAD_OK;
}

/* ---- sessions ---- */

/* Stops the active (not yet superseded) session of id, and waits until it is quiet. Lock held. */
static void supersede_locked(struct ingest *ing, const char *id)
{
    for (struct upload_session *o = ing->active; o; o = o->next) {
        if (o->superseded || strcmp(o->id, id) != 0)
            continue;
        o->superseded = true;
        if (o->writer) {
            struct blob_writer *w = o->writer;
            blob_writer_ref(w);
            blob_writer_cancel(w);
            blob_writer_wait_quiet(w);
            blob_writer_unref(w);
        }
    }
}

/* The checkpoint commit of a session (called on its write thread). */
static int checkpoint_commit(void *ctx, uint64_t offset, const struct sha256_ctx *sha,
                             uint64_t md5_offset, const struct md5_ctx *md5)
{
    struct upload_session *s = ctx;
    char *state = digest_state_save(sha, offset, md5, md5_offset);
    struct db *db = store_get(s->ing->store);
    int64_t now = now_get();
    bool ok = false;
    int rc = store_upload_commit(db, s->id, s->generation, (int64_t)offset, state,
                                 now + s->ing->opts.ttl, false, NULL, NULL, now, &ok);
    store_put(s->ing->store, db);
    free(state);
    return rc == STORE_OK && ok ? 0 : -1;
}

static int map_store(int rc)
{
    return rc == STORE_ERR_NOT_FOUND ? UPLOAD_ERR_NOT_FOUND : rc < 0 ? UPLOAD_ERR : UPLOAD_OK;
}

int upload_session_begin(struct ingest *ing, const char *id, const struct upload_body *body,
                         int64_t now, struct upload_session **out)
{
    struct arena a = {0};
    struct upload_row u;
    struct upload_session *s = NULL;
    struct db *db = store_get(ing->store);
    /* A request at the wrong offset must not disturb the writer in progress. */
    int rc = upload_get(ing, db, &a, id, now, &u);
    if (rc == UPLOAD_OK && (uint64_t)u.offset != body->offset)
        rc = UPLOAD_ERR_OFFSET;
    if (rc < 0)
        goto done;
    pthread_mutex_lock(&ing->lock);
    supersede_locked(ing, id);
    rc = map_store(store_upload_take(db, &a, id, &u));
    if (rc == UPLOAD_OK &&
        (!strcmp(u.state, "expired") || (!strcmp(u.state, "open") && u.expires_at <= now)))
        rc = UPLOAD_ERR_GONE;
    if (rc == UPLOAD_OK && (uint64_t)u.offset != body->offset)
        rc = UPLOAD_ERR_OFFSET;
    /* Upload-Length: set once on a deferred upload, never changed. */
    int64_t length = u.length;
    if (rc == UPLOAD_OK && body->new_length >= 0) {
        if (length >= 0 && length != body->new_length)
            rc = UPLOAD_ERR_LENGTH;
        else if (length < 0 && body->new_length < u.offset)
            rc = UPLOAD_ERR_LENGTH;
        else if (length < 0)
            rc = check_room(ing, db, u.partner_id, body->new_length - u.offset);
        if (length < 0)
            length = body->new_length;
    }
    uint64_t limit = length >= 0 ? (uint64_t)length : ing->opts.max_size;
    if (rc == UPLOAD_OK && body->content_length >= 0 &&
        (uint64_t)body->content_length > limit - (uint64_t)u.offset)
        rc = UPLOAD_ERR_TOO_LARGE;
    if (rc == UPLOAD_OK && !strcmp(u.state, "complete") && body->content_length != 0)
        rc = body->content_length > 0 ? UPLOAD_ERR_TOO_LARGE : UPLOAD_ERR_COMPLETE;
    if (rc == UPLOAD_OK) {
        s = xcalloc(1, sizeof *s);
        s->ing = ing;
        memcpy(s->id, u.id, sizeof s->id);
        s->path = blob_path(ing->data_dir, u.id);
        s->generation = u.generation;
        s->length = length;
        s->start = (uint64_t)u.offset;
        s->new_length = u.length < 0 ? body->new_length : -1;
        s->has_check = body->has_check;
        if (body->has_check) {
            memcpy(s->check, body->check, TUS_DIGEST_MAX);
            s->check_len = tus_digest_len(body->check_algo);
        }
        if (strcmp(u.state, "complete") != 0) {
            struct sha256_ctx sha;
            struct md5_ctx md5;
            uint64_t md5_off = (uint64_t)u.offset;
            if (digest_state_load(u.hash_state, (uint64_t)u.offset, &sha, &md5, &md5_off) < 0) {
                fprintf(stderr, "vodgate: upload %s: re-hashing %lld committed bytes\n", u.id,
                        (long long)u.offset);
                if (blob_rehash(s->path, (uint64_t)u.offset, &sha, &md5) < 0)
                    rc = UPLOAD_ERR;
            }
            struct blob_writer_opts o = {0};
            o.path = s->path;
            o.offset = (uint64_t)u.offset;
            o.limit = limit;
            o.sha = &sha;
            o.md5 = &md5;
            o.md5_offset = md5_off;
            o.has_check = body->has_check;
            o.check_algo = body->check_algo;
            o.commit = checkpoint_commit;
            o.commit_ctx = s;
            o.wake = body->wake;
            o.wake_ctx = body->wake_ctx;
            if (rc == UPLOAD_OK && blob_writer_open(&o, &s->writer) < 0)
                rc = UPLOAD_ERR;
        }
        if (rc == UPLOAD_OK) {
            s->next = ing->active;
            ing->active = s;
        } else {
            free(s->path);
            free(s);
            s = NULL;
        }
    }
    pthread_mutex_unlock(&ing->lock);
done:
    store_put(ing->store, db);
    arena_free(&a);
    *out = s;
    return rc;
}

int upload_session_put(struct upload_session *s, const void *data, size_t len, size_t *taken)
{
    *taken = 0;
    if (!s->writer)
        return len ? UPLOAD_ERR_TOO_LARGE : UPLOAD_OK;
    int rc = blob_writer_put(s->writer, data, len, taken);
    return rc == BLOB_OK             ? UPLOAD_OK
           : rc == BLOB_ERR_STOPPED  ? UPLOAD_ERR_STOPPED
           : rc == BLOB_ERR_TOO_LONG ? UPLOAD_ERR_TOO_LARGE
                                     : UPLOAD_ERR;
}

/* Takes s out of the active list. */
static void unlist(struct upload_session *s)
{
    pthread_mutex_lock(&s->ing->lock);
    for (struct upload_session **p = &s->ing->active; *p; p = &(*p)->next) {
        if (*p == s) {
            *p = s->next;
            break;
        }
    }
    pthread_mutex_unlock(&s->ing->lock);
}

int upload_session_end(struct upload_session *s, bool complete, struct arena *a,
                       struct upload_row *after)
{
    VG_ASSERT(!s->ended);
    s->ended = true;
    int rc = UPLOAD_OK;
    bool md5_late = false;
    struct db *db = store_get(s->ing->store);
    if (s->writer) {
        struct blob_result res;
        int brc = blob_writer_finish(s->writer, &res);
        if (brc == BLOB_ERR_STOPPED)
            rc = UPLOAD_ERR_STOPPED;
        else if (brc == BLOB_ERR_TOO_LONG)
            rc = UPLOAD_ERR_TOO_LARGE;
        else if (brc < 0)
            rc = UPLOAD_ERR;
        bool verified = rc == UPLOAD_OK &&
                        (!s->has_check || (complete && !memcmp(res.check, s->check, s->check_len)));
        if (rc == UPLOAD_OK && !verified) {
            /* The chunk is discarded: the offset and the file stay as they were. */
            rc = complete ? UPLOAD_ERR_CHECKSUM : UPLOAD_ERR_STOPPED;
            blob_truncate(s->path, s->start);
        }
        bool done = rc == UPLOAD_OK && s->length >= 0 && res.end == (uint64_t)s->length;
        bool set_length = rc == UPLOAD_OK && s->new_length >= 0;
        if (rc == UPLOAD_OK && set_length) {
            bool ok = false;
            if (store_upload_set_length(db, s->id, s->new_length, &ok) < 0)
                rc = UPLOAD_ERR;
        }
        if (rc == UPLOAD_OK && (res.end > s->start || done || set_length)) {
            char sha_hex[DIGEST_SHA256_HEX + 1], md5_hex[DIGEST_MD5_HEX + 1];
            digest_sha256_hex(&res.sha, sha_hex);
            digest_md5_hex(&res.md5, md5_hex);
            /* md5 may lag (ingest/blob.h): then the finisher completes it from its state. */
            bool md5_done = res.md5_offset == res.end;
            md5_late = done && !md5_done;
            char *state = done && md5_done
                              ? NULL
                              : digest_state_save(&res.sha, res.end, &res.md5, res.md5_offset);
            int64_t now = now_get();
            bool ok = false;
            int src = store_upload_commit(db, s->id, s->generation, (int64_t)res.end, state,
                                          now + s->ing->opts.ttl, done, done ? sha_hex : NULL,
                                          done && md5_done ? md5_hex : NULL, now, &ok);
            free(state);
            if (src < 0)
                rc = UPLOAD_ERR;
            else if (!ok)
                rc = UPLOAD_ERR_STOPPED;
        }
    }
    if (after && (rc == UPLOAD_OK || rc == UPLOAD_ERR_CHECKSUM) &&
        map_store(store_upload_get(db, a, s->id, after)) < 0)
        rc = UPLOAD_ERR;
    store_put(s->ing->store, db);
    unlist(s);
    if (rc == UPLOAD_OK && md5_late)
        work_enqueue(s->ing, s->id);
    return rc;
}

void upload_session_free(struct upload_session *s)
{
    if (!s)
        return;
    if (!s->ended)
        upload_session_end(s, false, NULL, NULL);
    blob_writer_unref(s->writer);
    free(s->path);
    free(s);
}

/* ---- termination and expiry ---- */

int upload_terminate(struct ingest *ing, const char *id)
{
    struct db *db = store_get(ing->store);
    pthread_mutex_lock(&ing->lock);
    supersede_locked(ing, id);
    int rc = map_store(store_upload_delete(db, id));
    if (rc == UPLOAD_OK) {
        char *path = blob_path(ing->data_dir, id);
        blob_remove(path);
        free(path);
    }
    pthread_mutex_unlock(&ing->lock);
    store_put(ing->store, db);
    return rc;
}

int upload_expire(struct ingest *ing, int64_t now, int *n)
{
    char ids[64][UPLOAD_ID_LEN + 1];
    int n_ids = 0, rc = UPLOAD_OK;
    *n = 0;
    struct db *db = store_get(ing->store);
    do {
        if (store_upload_expired_ids(db, now, ids, 64, &n_ids) < 0) {
            rc = UPLOAD_ERR;
            break;
        }
        for (int i = 0; i < n_ids && rc == UPLOAD_OK; i++) {
            pthread_mutex_lock(&ing->lock);
            supersede_locked(ing, ids[i]);
            if (store_upload_set_expired(db, ids[i], now) < 0) {
                rc = UPLOAD_ERR;
            } else {
                char *path = blob_path(ing->data_dir, ids[i]);
                blob_remove(path);
                free(path);
                (*n)++;
            }
            pthread_mutex_unlock(&ing->lock);
        }
    } while (rc == UPLOAD_OK && n_ids == 64);
    store_put(ing->store, db);
    return rc;
}
