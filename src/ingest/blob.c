/*
 * Upload files and the body pipeline: see blob.h.
 *
 * The ring: BLOB_N_BUF buffers of BLOB_BUF_SIZE bytes in one mapping (so
 * they go back to the system when the writer ends, and are aligned for
 * O_DIRECT). Buffers are used in sequence: the producer fills buffer
 * n_filled % N, the write thread and the md5 thread each walk the same
 * sequence (n_w, n_m); a buffer is free again when the write thread passed
 * it and the md5 thread passed it or let go of the ring. Every buffer but the
 * last starts at an aligned file offset and is full, so O_DIRECT writes are
 * aligned; the first one starts with the bytes already in the file between
 * the aligned offset and the committed one (read back, never re-hashed:
 * hash_from skips them), and the last is written padded to the block size
 * and the file then cut to its true end.
 *
 * The write thread takes every buffer that queued up since its last write
 * in one pwritev, so a disk that lags gets larger writes, not a longer queue.
 *
 * The md5 thread runs at SCHED_IDLE: md5 (~700 MB/s on one core) is the one
 * hash that may lag, so it takes only CPU time the body's own path leaves.
 * It lets go ("detaches") when the producer finds the ring full
 * and only the md5 thread holds it back; it keeps the buffer in its hands
 * until done with it, then reads the file back from its offset up to what
 * the write thread has written. It publishes (offset, state) under the lock
 * after every piece, which is what checkpoints and the end commit.
 *
 * Checkpoints: the producer marks a buffer as a checkpoint at most once a
 * second (never when the request carries its own checksum: then nothing may
 * count before the whole body is verified). The sha256 thread, once it hashed
 * a checkpoint buffer and the write thread wrote it, syncs the file and calls the commit
 * function with its sha256 state and the md5 thread's last published one.
 */
#include "ingest/blob.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"

#define BLOB_BUF_SIZE ((size_t)4 << 20)
#define BLOB_N_BUF    4
#define RING_BYTES    (BLOB_N_BUF * BLOB_BUF_SIZE)
#define BLOB_ALIGN    4096
#define CHECKPOINT_MS 1000.0

struct ring_buf {
    unsigned char *data; /* BLOB_BUF_SIZE bytes, page-aligned */
    uint64_t file_off;   /* where data[0] goes in the file (aligned) */
    size_t len;          /* bytes in data */
    size_t hash_from;    /* data[0..hash_from) was in the file already */
    bool final;          /* written padded; the file is cut at finish */
    bool checkpoint;     /* commit after this buffer */
};

struct blob_writer {
    pthread_mutex_t lock;
    pthread_cond_t work; /* a buffer was filled, or the end, or a stop */
    pthread_cond_t done; /* a worker passed a buffer, or exited */
    int refs;
    int fd;
    bool direct; /* the file is open with O_DIRECT */
    char *path;
    unsigned char *ring; /* RING_BYTES: the buffers' memory */
    struct ring_buf bufs[BLOB_N_BUF];
    uint64_t n_filled, n_w, n_s, n_m; /* buffers handed over, written, sha'd, md5'd */
    struct ring_buf *cur;             /* being filled (producer only), NULL between buffers */
    uint64_t next_off;                /* file offset of the next buffer */
    bool producer_done;
    bool stopped;
    int err;        /* why it stopped (a blob_err) */
    bool want_wake; /* put came up short: call wake when room frees */
    int n_live;     /* worker threads not yet exited */
    bool joined;
    pthread_t t_write, t_sha, t_md5;
    uint64_t start; /* the committed offset the writer began at */
    uint64_t limit;
    uint64_t received; /* bytes taken by put */
    double last_ck_ms;
    bool has_check;
    struct sha256_ctx sha;   /* write thread */
    struct md5_ctx md5;      /* md5 thread */
    struct chunk_hash check; /* write thread */
    uint64_t m_off;          /* md5 thread: bytes md5 covers */
    bool m_detached;         /* the md5 thread let go of the ring: it reads the file back */
    int64_t m_busy;          /* the ring buffer (sequence) the md5 thread holds, -1: none */
    bool m_stop;             /* finish: a detached md5 thread stops where it is */
    struct md5_ctx m_pub;    /* the md5 state published under the lock, at m_pub_off */
    uint64_t m_pub_off;
    uint64_t w_off;      /* bytes of the file written by the write thread */
    int rfd;             /* read-back descriptor of the md5 thread (-1: not opened) */
    unsigned char *rbuf; /* its buffer, BLOB_BUF_SIZE + BLOB_ALIGN, page-aligned */
    blob_commit_fn commit;
    void *commit_ctx;
    void (*wake)(void *);
    void *wake_ctx;
};

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

char *blob_path(const char *data_dir, const char *id)
{
    return xasprintf("%s/uploads/%s", data_dir, id);
}

int blob_create(const char *path)
{
    int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "vodgate: cannot create %s: %s\n", path, strerror(errno));
        return BLOB_ERR_IO;
    }
    close(fd);
    return BLOB_OK;
}

int blob_truncate(const char *path, uint64_t length)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0 || ftruncate(fd, (off_t)length) < 0 || fdatasync(fd) < 0) {
        fprintf(stderr, "vodgate: cannot cut %s to %llu bytes: %s\n", path,
                (unsigned long long)length, strerror(errno));
        if (fd >= 0)
            close(fd);
        return BLOB_ERR_IO;
    }
    close(fd);
    return BLOB_OK;
}

int blob_remove(const char *path)
{
    if (unlink(path) < 0 && errno != ENOENT) {
        fprintf(stderr, "vodgate: cannot remove %s: %s\n", path, strerror(errno));
        return BLOB_ERR_IO;
    }
    return BLOB_OK;
}

/* Writes all of len bytes at fd's position. Returns 0 or -1 (errno set). */
static int write_all(int fd, const unsigned char *b, size_t len)
{
    while (len) {
        ssize_t n = write(fd, b, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        b += n;
        len -= (size_t)n;
    }
    return 0;
}

int blob_concat(const char *dest, const char *const *srcs, const uint64_t *lens, int n,
                struct sha256_ctx *sha, struct md5_ctx *md5)
{
    sha256_init(sha);
    md5_init(md5);
    int out = open(dest, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
    if (out < 0) {
        fprintf(stderr, "vodgate: cannot open %s: %s\n", dest, strerror(errno));
        return BLOB_ERR_IO;
    }
    size_t cap = (size_t)4 << 20;
    unsigned char *b = xmalloc(cap);
    int rc = BLOB_OK;
    for (int i = 0; i < n && rc == BLOB_OK; i++) {
        int in = open(srcs[i], O_RDONLY | O_CLOEXEC);
        if (in < 0) {
            fprintf(stderr, "vodgate: cannot read %s: %s\n", srcs[i], strerror(errno));
            rc = BLOB_ERR_IO;
            break;
        }
        uint64_t at = 0;
        while (at < lens[i]) {
            size_t want = lens[i] - at < cap ? (size_t)(lens[i] - at) : cap;
            ssize_t got = pread(in, b, want, (off_t)at);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0 || write_all(out, b, (size_t)got) < 0) {
                fprintf(stderr, "vodgate: cannot copy %s into %s at %llu: %s\n", srcs[i], dest,
                        (unsigned long long)at, got == 0 ? "file too short" : strerror(errno));
                rc = BLOB_ERR_IO;
                break;
            }
            sha256_update(sha, (size_t)got, b);
            md5_update(md5, (size_t)got, b);
            at += (uint64_t)got;
        }
        posix_fadvise(in, 0, 0, POSIX_FADV_DONTNEED);
        close(in);
    }
    free(b);
    if (rc == BLOB_OK && fdatasync(out) < 0) {
        fprintf(stderr, "vodgate: cannot sync %s: %s\n", dest, strerror(errno));
        rc = BLOB_ERR_IO;
    }
    if (close(out) < 0 && rc == BLOB_OK)
        rc = BLOB_ERR_IO;
    return rc;
}

int blob_rehash(const char *path, uint64_t length, struct sha256_ctx *sha, struct md5_ctx *md5)
{
    sha256_init(sha);
    md5_init(md5);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return BLOB_ERR_IO;
    size_t cap = (size_t)1 << 20;
    unsigned char *b = xmalloc(cap);
    uint64_t at = 0;
    int rc = BLOB_OK;
    while (at < length) {
        size_t want = length - at < cap ? (size_t)(length - at) : cap;
        ssize_t n = pread(fd, b, want, (off_t)at);
        if (n <= 0) {
            rc = BLOB_ERR_IO;
            break;
        }
        sha256_update(sha, (size_t)n, b);
        md5_update(md5, (size_t)n, b);
        at += (uint64_t)n;
    }
    free(b);
    close(fd);
    return rc;
}

/* ---- the pipeline ---- */

/* Stops the writer (lock held); wakes a waiting producer. */
static void stop_locked(struct blob_writer *w, int err)
{
    if (!w->stopped) {
        w->stopped = true;
        w->err = err;
    }
    pthread_cond_broadcast(&w->work);
    pthread_cond_broadcast(&w->done);
    if (w->want_wake && w->wake) {
        w->want_wake = false;
        w->wake(w->wake_ctx);
    }
}

/* The oldest buffer sequence still in use by a worker (lock held). */
static uint64_t low_locked(const struct blob_writer *w)
{
    uint64_t low = w->n_w < w->n_s ? w->n_w : w->n_s;
    if (!w->m_detached && w->n_m < low)
        low = w->n_m;
    if (w->m_busy >= 0 && (uint64_t)w->m_busy < low)
        low = (uint64_t)w->m_busy;
    return low;
}

/* A worker passed a buffer (lock held): wakes the producer if it waits for room. */
static void passed_locked(struct blob_writer *w)
{
    pthread_cond_broadcast(&w->done);
    uint64_t low = low_locked(w);
    if (w->want_wake && w->n_filled - low < BLOB_N_BUF && w->wake) {
        w->want_wake = false;
        w->wake(w->wake_ctx);
    }
}

/*
 * Writes the ring's buffers [seq, seq + n), which lie end to end in the file,
 * with one pwritev (the last padded to the block size when it is final): when
 * the disk lags, the buffers that queued up go out as one large write, which
 * keeps more of the disk busy than the same writes in turn. Returns 0 or -1.
 */
static int write_bufs(struct blob_writer *w, uint64_t seq, int n)
{
    struct iovec iov[BLOB_N_BUF];
    uint64_t off = w->bufs[seq % BLOB_N_BUF].file_off;
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        struct ring_buf *b = &w->bufs[(seq + (uint64_t)i) % BLOB_N_BUF];
        VG_ASSERT(b->file_off == off + total);
        size_t len = b->len;
        if (b->final && len % BLOB_ALIGN) {
            size_t padded = (len + BLOB_ALIGN - 1) / BLOB_ALIGN * BLOB_ALIGN;
            memset(b->data + len, 0, padded - len);
            len = padded;
        }
        iov[i] = (struct iovec){.iov_base = b->data, .iov_len = len};
        total += len;
    }
    int k = 0; /* the first iovec not wholly written */
    size_t done = 0;
    while (done < total) {
        ssize_t r = pwritev(w->fd, iov + k, n - k, (off_t)(off + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == EINVAL && w->direct) {
            /* The file system took O_DIRECT at open but not this write: go buffered. */
            int fl = fcntl(w->fd, F_GETFL);
            if (fl >= 0 && fcntl(w->fd, F_SETFL, fl & ~O_DIRECT) == 0) {
                w->direct = false;
                continue;
            }
        }
        if (r <= 0) {
            fprintf(stderr, "vodgate: writing %s failed: %s\n", w->path,
                    r < 0 ? strerror(errno) : "no progress");
            return -1;
        }
        done += (size_t)r;
        for (size_t left = (size_t)r; left > 0;) {
            if (left >= iov[k].iov_len) {
                left -= iov[k++].iov_len;
            } else {
                iov[k].iov_base = (unsigned char *)iov[k].iov_base + left;
                iov[k].iov_len -= left;
                left = 0;
            }
        }
    }
    if (!w->direct) /* start the write-back now, so the final sync has little left */
        sync_file_range(w->fd, (off_t)off, (off_t)total, SYNC_FILE_RANGE_WRITE);
    return 0;
}

static void *write_main(void *arg)
{
    struct blob_writer *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->stopped && w->n_w == w->n_filled && !w->producer_done)
            pthread_cond_wait(&w->work, &w->lock);
        if (w->stopped || w->n_w == w->n_filled)
            break;
        uint64_t seq = w->n_w;
        int n = (int)(w->n_filled - seq); /* all that queued up: at most the ring */
        const struct ring_buf *last = &w->bufs[(seq + (uint64_t)n - 1) % BLOB_N_BUF];
        pthread_mutex_unlock(&w->lock);
        int rc = write_bufs(w, seq, n);
        pthread_mutex_lock(&w->lock);
        if (rc < 0) {
            stop_locked(w, BLOB_ERR_IO);
            break;
        }
        w->w_off = last->file_off + last->len;
        w->n_w += (uint64_t)n;
        passed_locked(w);
    }
    w->n_live--;
    pthread_cond_broadcast(&w->done);
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* The sha256 thread: hashes each buffer, and commits the checkpoints once written and synced. */
static void *sha_main(void *arg)
{
    struct blob_writer *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->stopped && w->n_s == w->n_filled && !w->producer_done)
            pthread_cond_wait(&w->work, &w->lock);
        if (w->stopped || w->n_s == w->n_filled)
            break;
        uint64_t seq = w->n_s;
        struct ring_buf *b = &w->bufs[seq % BLOB_N_BUF];
        pthread_mutex_unlock(&w->lock);
        sha256_update(&w->sha, b->len - b->hash_from, b->data + b->hash_from);
        if (w->has_check)
            chunk_hash_update(&w->check, b->data + b->hash_from, b->len - b->hash_from);
        pthread_mutex_lock(&w->lock);
        if (b->checkpoint) {
            /* Durable first: the write thread wrote it, the sync makes it stay. */
            while (!w->stopped && w->n_w <= seq)
                pthread_cond_wait(&w->done, &w->lock);
            if (w->stopped)
                break;
            struct sha256_ctx sha = w->sha;
            struct md5_ctx md5 = w->m_pub;
            uint64_t md5_off = w->m_pub_off;
            uint64_t end = b->file_off + b->len;
            pthread_mutex_unlock(&w->lock);
            int crc = fdatasync(w->fd) < 0 ? BLOB_ERR_IO : 0;
            if (crc == 0 && w->commit && w->commit(w->commit_ctx, end, &sha, md5_off, &md5) < 0)
                crc = BLOB_ERR_STOPPED;
            pthread_mutex_lock(&w->lock);
            if (crc < 0) {
                stop_locked(w, crc);
                break;
            }
        }
        w->n_s++;
        passed_locked(w);
    }
    w->n_live--;
    pthread_cond_broadcast(&w->done);
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* Catches up from the file (detached): hashes [m_off, target). Returns 0 or -1. */
static int md5_read_back(struct blob_writer *w, uint64_t target)
{
    if (w->rfd < 0) {
        w->rfd = open(w->path, O_RDONLY | O_CLOEXEC | O_DIRECT);
        if (w->rfd < 0 && errno == EINVAL)
            w->rfd = open(w->path, O_RDONLY | O_CLOEXEC);
        if (w->rfd < 0)
            return -1;
    }
    while (w->m_off < target) {
        uint64_t aligned = w->m_off / BLOB_ALIGN * BLOB_ALIGN;
        uint64_t want_end = target - aligned > BLOB_BUF_SIZE ? aligned + BLOB_BUF_SIZE : target;
        size_t len = (size_t)((want_end - aligned + BLOB_ALIGN - 1) / BLOB_ALIGN * BLOB_ALIGN);
        ssize_t n = pread(w->rfd, w->rbuf, len, (off_t)aligned);
        if (n < 0 && errno == EINVAL) {
            int fl = fcntl(w->rfd, F_GETFL);
            if (fl >= 0 && fcntl(w->rfd, F_SETFL, fl & ~O_DIRECT) == 0)
                continue;
        }
        if (n < 0 || (uint64_t)n < want_end - aligned) {
            fprintf(stderr, "vodgate: reading back %s for md5 failed: %s\n", w->path,
                    n < 0 ? strerror(errno) : "short file");
            return -1;
        }
        size_t skip = (size_t)(w->m_off - aligned);
        md5_update(&w->md5, (size_t)(want_end - w->m_off), w->rbuf + skip);
        pthread_mutex_lock(&w->lock);
        w->m_off = want_end;
        w->m_pub = w->md5;
        w->m_pub_off = w->m_off;
        pthread_cond_broadcast(&w->done);
        bool stop = w->stopped || w->m_stop;
        pthread_mutex_unlock(&w->lock);
        if (stop)
            break;
    }
    return 0;
}

static void *md5_main(void *arg)
{
    struct blob_writer *w = arg;
    /* md5 is the one hash that may lag: it runs only when the CPU has nothing else to do. */
    struct sched_param sp = {0};
    if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp) != 0)
        setpriority(PRIO_PROCESS, (id_t)gettid(), 19);
    pthread_mutex_lock(&w->lock);
    for (;;) {
        if (w->m_detached) {
            /* Read back what the write thread has written, until the body is done. */
            while (!w->stopped && !w->m_stop && w->m_off >= w->w_off &&
                   !(w->producer_done && w->n_w == w->n_filled))
                pthread_cond_wait(&w->done, &w->lock);
            if (w->stopped || w->m_stop || w->m_off >= w->w_off)
                break;
            uint64_t target = w->w_off;
            pthread_mutex_unlock(&w->lock);
            int rc = md5_read_back(w, target);
            pthread_mutex_lock(&w->lock);
            if (rc < 0) {
                w->m_stop = true; /* md5 stays where it is: the next writer goes on */
                break;
            }
            continue;
        }
        while (!w->stopped && !w->m_detached && w->n_m == w->n_filled && !w->producer_done)
            pthread_cond_wait(&w->work, &w->lock);
        if (w->stopped || (!w->m_detached && w->n_m == w->n_filled))
            break;
        if (w->m_detached)
            continue;
        uint64_t seq = w->n_m;
        struct ring_buf *b = &w->bufs[seq % BLOB_N_BUF];
        w->m_busy = (int64_t)seq;
        pthread_mutex_unlock(&w->lock);
        md5_update(&w->md5, b->len - b->hash_from, b->data + b->hash_from);
        pthread_mutex_lock(&w->lock);
        w->m_busy = -1;
        w->m_off = b->file_off + b->len;
        w->m_pub = w->md5;
        w->m_pub_off = w->m_off;
        w->n_m++;
        passed_locked(w);
    }
    w->n_live--;
    pthread_cond_broadcast(&w->done);
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/*
 * Maps the ring as one region aligned to 2 MiB and asks for transparent huge
 * pages: 8 page faults instead of 4096 per upload, and O_DIRECT pins and the
 * hashes walk 2 MiB pages. Where there are none, small pages do the same work.
 */
static unsigned char *ring_map(void)
{
    size_t huge = (size_t)2 << 20;
    void *p =
        mmap(NULL, RING_BYTES + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    VG_ASSERT(p != MAP_FAILED);
    uintptr_t at = ((uintptr_t)p + huge - 1) & ~(uintptr_t)(huge - 1);
    size_t head = at - (uintptr_t)p;
    if (head)
        munmap(p, head);
    munmap((unsigned char *)at + RING_BYTES, huge - head);
    madvise((void *)at, RING_BYTES, MADV_HUGEPAGE);
    return (unsigned char *)at;
}

/* Opens the file for the writer, with O_DIRECT where the file system has it. */
static int open_file(struct blob_writer *w)
{
    w->fd = open(w->path, O_RDWR | O_CLOEXEC | O_DIRECT);
    w->direct = w->fd >= 0;
    if (w->fd < 0 && errno == EINVAL)
        w->fd = open(w->path, O_RDWR | O_CLOEXEC);
    if (w->fd < 0) {
        fprintf(stderr, "vodgate: cannot open %s: %s\n", w->path, strerror(errno));
        return BLOB_ERR_IO;
    }
    return BLOB_OK;
}

int blob_writer_open(const struct blob_writer_opts *o, struct blob_writer **out)
{
    struct blob_writer *w = xcalloc(1, sizeof *w);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->work, NULL);
    pthread_cond_init(&w->done, NULL);
    w->refs = 1;
    w->fd = -1;
    w->joined = true;
    w->path = xstrdup(o->path);
    w->start = o->offset;
    w->limit = o->limit;
    w->sha = *o->sha;
    w->md5 = w->m_pub = *o->md5;
    w->m_off = w->m_pub_off = o->md5_offset;
    w->w_off = o->offset;
    w->m_busy = -1;
    w->m_detached = o->md5_offset < o->offset; /* md5 lags: it starts by reading back */
    w->rfd = -1;
    w->has_check = o->has_check;
    if (o->has_check)
        chunk_hash_init(&w->check, o->check_algo);
    w->commit = o->commit;
    w->commit_ctx = o->commit_ctx;
    w->wake = o->wake;
    w->wake_ctx = o->wake_ctx;
    w->last_ck_ms = mono_ms();
    w->ring = ring_map();
    for (int i = 0; i < BLOB_N_BUF; i++)
        w->bufs[i].data = w->ring + (size_t)i * BLOB_BUF_SIZE;
    void *rb = mmap(NULL, BLOB_BUF_SIZE + BLOB_ALIGN, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    VG_ASSERT(rb != MAP_FAILED);
    w->rbuf = rb;
    if (open_file(w) < 0 || ftruncate(w->fd, (off_t)o->offset) < 0)
        goto fail;
    /* The first buffer starts at the aligned offset below the committed one. */
    uint64_t aligned = o->offset / BLOB_ALIGN * BLOB_ALIGN;
    size_t prefix = (size_t)(o->offset - aligned);
    w->cur = &w->bufs[0];
    w->cur->file_off = aligned;
    if (prefix) {
        ssize_t n = pread(w->fd, w->cur->data, BLOB_ALIGN, (off_t)aligned);
        if (n < 0 && errno == EINVAL && w->direct) {
            int fl = fcntl(w->fd, F_GETFL);
            if (fl >= 0 && fcntl(w->fd, F_SETFL, fl & ~O_DIRECT) == 0) {
                w->direct = false;
                n = pread(w->fd, w->cur->data, prefix, (off_t)aligned);
            }
        }
        if (n < 0 || (size_t)n < prefix) {
            fprintf(stderr, "vodgate: cannot read back %s: %s\n", w->path,
                    n < 0 ? strerror(errno) : "short file");
            goto fail;
        }
    }
    w->cur->len = w->cur->hash_from = prefix;
    w->next_off = aligned + BLOB_BUF_SIZE;
    w->n_live = 3;
    w->joined = false;
    VG_ASSERT(pthread_create(&w->t_write, NULL, write_main, w) == 0);
    VG_ASSERT(pthread_create(&w->t_sha, NULL, sha_main, w) == 0);
    VG_ASSERT(pthread_create(&w->t_md5, NULL, md5_main, w) == 0);
    *out = w;
    return BLOB_OK;
fail:
    if (w->fd < 0)
        fprintf(stderr, "vodgate: cannot open %s for writing\n", w->path);
    blob_writer_unref(w);
    return BLOB_ERR_IO;
}

/* Hands the current buffer to the workers (lock held). */
static void submit_locked(struct blob_writer *w, bool final)
{
    struct ring_buf *b = w->cur;
    b->final = final;
    b->checkpoint = false;
    double now = mono_ms();
    if (!final && !w->has_check && w->commit && now - w->last_ck_ms >= CHECKPOINT_MS) {
        b->checkpoint = true;
        w->last_ck_ms = now;
    }
    w->next_off = b->file_off + BLOB_BUF_SIZE;
    w->n_filled++;
    w->cur = NULL;
    pthread_cond_broadcast(&w->work);
}

int blob_writer_put(struct blob_writer *w, const void *data, size_t len, size_t *taken)
{
    *taken = 0;
    int rc = BLOB_OK;
    pthread_mutex_lock(&w->lock);
    if (w->stopped) {
        rc = w->err;
        goto out;
    }
    if (len > w->limit - w->start - w->received) {
        stop_locked(w, BLOB_ERR_TOO_LONG);
        rc = BLOB_ERR_TOO_LONG;
        goto out;
    }
    while (*taken < len) {
        if (!w->cur) {
            if (!w->m_detached && w->n_filled - w->n_w < BLOB_N_BUF &&
                w->n_filled - w->n_s < BLOB_N_BUF && w->n_filled - w->n_m >= BLOB_N_BUF) {
                /* Only md5 holds the ring back: it lets go and reads the file back. */
                w->m_detached = true;
                pthread_cond_broadcast(&w->work);
            }
            if (w->n_filled - low_locked(w) >= BLOB_N_BUF) {
                w->want_wake = true;
                goto out;
            }
            w->cur = &w->bufs[w->n_filled % BLOB_N_BUF];
            w->cur->file_off = w->next_off;
            w->cur->len = w->cur->hash_from = 0;
        }
        struct ring_buf *b = w->cur;
        size_t n = len - *taken;
        if (n > BLOB_BUF_SIZE - b->len)
            n = BLOB_BUF_SIZE - b->len;
        /* The buffer is the producer's alone until submitted: copy without the lock. */
        pthread_mutex_unlock(&w->lock);
        memcpy(b->data + b->len, (const unsigned char *)data + *taken, n);
        pthread_mutex_lock(&w->lock);
        b->len += n;
        *taken += n;
        w->received += n;
        if (b->len == BLOB_BUF_SIZE)
            submit_locked(w, false);
        if (w->stopped) {
            rc = w->err;
            goto out;
        }
    }
out:
    pthread_mutex_unlock(&w->lock);
    return rc;
}

uint64_t blob_writer_received(struct blob_writer *w)
{
    pthread_mutex_lock(&w->lock);
    uint64_t n = w->received;
    pthread_mutex_unlock(&w->lock);
    return n;
}

static void join_workers(struct blob_writer *w)
{
    if (w->joined)
        return;
    pthread_join(w->t_write, NULL);
    pthread_join(w->t_sha, NULL);
    pthread_join(w->t_md5, NULL);
    w->joined = true;
}

int blob_writer_finish(struct blob_writer *w, struct blob_result *res)
{
    pthread_mutex_lock(&w->lock);
    w->wake = NULL; /* the owner is here: nobody to wake any more */
    bool wrote_final = false;
    if (!w->stopped && w->cur && w->cur->len > w->cur->hash_from) {
        submit_locked(w, true);
        wrote_final = true;
    }
    w->cur = NULL;
    w->producer_done = true;
    pthread_cond_broadcast(&w->work);
    while (!w->stopped && (w->n_w < w->n_filled || w->n_s < w->n_filled ||
                           (!w->m_detached && w->n_m < w->n_filled)))
        pthread_cond_wait(&w->done, &w->lock);
    if (w->m_detached && w->m_off >= w->w_off)
        ; /* caught up already: it ends by itself */
    else if (w->m_detached)
        w->m_stop = true; /* the rest is read back later (the next writer, or the finisher) */
    pthread_cond_broadcast(&w->done);
    int rc = w->stopped ? w->err : BLOB_OK;
    pthread_mutex_unlock(&w->lock);
    join_workers(w);
    if (rc < 0)
        return rc;
    uint64_t end = w->start + w->received;
    if ((wrote_final && ftruncate(w->fd, (off_t)end) < 0) || fdatasync(w->fd) < 0) {
        fprintf(stderr, "vodgate: syncing %s failed: %s\n", w->path, strerror(errno));
        return BLOB_ERR_IO;
    }
    res->end = end;
    res->sha = w->sha;
    res->md5 = w->m_pub;
    res->md5_offset = w->m_pub_off;
    if (w->has_check)
        chunk_hash_digest(&w->check, res->check);
    return BLOB_OK;
}

void blob_writer_cancel(struct blob_writer *w)
{
    pthread_mutex_lock(&w->lock);
    stop_locked(w, BLOB_ERR_STOPPED);
    pthread_mutex_unlock(&w->lock);
}

void blob_writer_wait_quiet(struct blob_writer *w)
{
    pthread_mutex_lock(&w->lock);
    while (w->n_live > 0)
        pthread_cond_wait(&w->done, &w->lock);
    pthread_mutex_unlock(&w->lock);
}

void blob_writer_ref(struct blob_writer *w)
{
    pthread_mutex_lock(&w->lock);
    w->refs++;
    pthread_mutex_unlock(&w->lock);
}

void blob_writer_unref(struct blob_writer *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    int left = --w->refs;
    if (left == 0) {
        w->wake = NULL;
        stop_locked(w, BLOB_ERR_STOPPED);
    }
    pthread_mutex_unlock(&w->lock);
    if (left > 0)
        return;
    join_workers(w);
    if (w->fd >= 0)
        close(w->fd);
    if (w->rfd >= 0)
        close(w->rfd);
    if (w->rbuf)
        munmap(w->rbuf, BLOB_BUF_SIZE + BLOB_ALIGN);
    if (w->ring)
        munmap(w->ring, RING_BYTES);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->done);
    pthread_mutex_destroy(&w->lock);
    free(w->path);
    free(w);
}
