/*
 * Streaming .xlsx reader: see xlsx.h.
 *
 * Every part goes through one path, run_part(): the part is inflated by
 * libzip and a libxml2 SAX2 parser pulls it through a read callback, with
 * handlers that keep only what they need (the sheet list, the
 * relationships, the shared strings, the current row). For a part larger
 * than PIPE_MIN (as its zip entry declares) a second thread inflates while
 * this one parses, through a ring of PIPE_SLOTS chunk buffers; for small
 * parts the callback inflates on the calling thread. The inflating side
 * counts every byte it produces against the part's cap and the ratio cap,
 * whatever the zip entry claims, so a lying header does not help a bomb.
 *
 * No DTD: the internalSubset and entityDecl handlers stop the parser, so an
 * .xlsx never gets to declare an entity. XML_PARSE_NONET keeps libxml2 off
 * the network; XML_PARSE_HUGE is never set, so libxml2's depth and text-node
 * limits stay on.
 */
#include "check/xlsx.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "base/mem.h"

#define CHUNK          (2 * 1024 * 1024)
#define PIPE_SLOTS     8
#define PIPE_MIN       (4 * 1024 * 1024)
#define CELL_MAX       32767          /* Excel's limit on a cell's characters */
#define CELL_MAX_BYTES (CELL_MAX * 4) /* in UTF-8 */
#define RATIO_FLOOR    (16ull * 1024 * 1024)

struct sheet_ref {
    char *name;
    char *part; /* "xl/worksheets/sheet1.xml" */
};

struct xlsx {
    zip_t *zip;
    zip_source_t *src; /* for buffers: owned by zip once opened */
    struct xlsx_limits lim;
    struct sheet_ref *sheets;
    size_t n_sheets;
    bool date1904;
    char *shared_part; /* NULL when the workbook has no shared strings */
    bool shared_loaded;
    char *path; /* to open the archive a second time (shared strings beside a sheet) */
    const void *mem;
    size_t mem_len;
    char *sst;       /* every shared string, NUL-terminated, back to back */
    size_t *sst_off; /* offsets into sst */
    size_t *sst_len;
    size_t n_sst;
};

/* ---- running one part through the SAX parser ---- */

/* The part-specific state starts with this. */
struct sax_common {
    xmlParserCtxtPtr ctxt;
    int err; /* first XLSX_ERR_* */
    struct buf *why;
    const char *part;
    bool feed_failed; /* inflating failed: libxml2's I/O error that follows is not the news */
};

static void fail(struct sax_common *c, int err, const char *fmt, ...) VG_PRINTF(3, 4);

static void fail(struct sax_common *c, int err, const char *fmt, ...)
{
    if (c->err)
        return;
    c->err = err;
    if (c->why) {
        va_list ap;
        va_start(ap, fmt);
        buf_vprintf(c->why, fmt, ap);
        va_end(ap);
    }
    if (c->ctxt)
        xmlStopParser(c->ctxt);
}

static void on_dtd(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    struct sax_common *c = ctx;
    fail(c, XLSX_ERR_FORMAT,
         "%s declares a DTD (<!DOCTYPE>), which spreadsheets never do: refused so that no entity "
         "can be expanded",
         c->part);
}

static void on_entity(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
                      const xmlChar *sys, xmlChar *content)
{
    on_dtd(ctx, name, pub, sys);
}

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
    struct sax_common *c = ctx;
    if (!e || e->level < XML_ERR_ERROR || c->feed_failed)
        return;
    char msg[200];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "malformed XML");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    fail(c, XLSX_ERR_FORMAT, "%s is not well-formed XML (line %d: %s)", c->part, e->line, msg);
}

struct pipe {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *buf[PIPE_SLOTS];
    size_t len[PIPE_SLOTS];
    size_t head, tail; /* slots filled: tail - head */
    bool done;         /* the reader has nothing more (eof or error) */
    bool quit;         /* the parser wants no more */
    int err;
    char why[256];
    zip_file_t *zf;
    uint64_t cap, comp;
    uint32_t ratio;
    const char *part;
};

/* Accounts n more inflated bytes; returns an XLSX_ERR_* when a cap is passed. */
static int account(uint64_t *total, size_t n, uint64_t cap, uint64_t comp, uint32_t ratio,
                   const char *part, char *why, size_t why_len)
{
    *total += n;
    if (*total > cap) {
        snprintf(why, why_len, "%s inflates to more than %llu MiB: too large to be an avails file",
                 part, (unsigned long long)(cap >> 20));
        return XLSX_ERR_TOO_LARGE;
    }
    if (*total > RATIO_FLOOR && *total / (comp ? comp : 1) > ratio) {
        snprintf(why, why_len,
                 "%s inflates more than %u times its compressed size (%llu bytes to over %llu "
                 "MiB): a zip bomb, not a spreadsheet",
                 part, ratio, (unsigned long long)comp, (unsigned long long)(*total >> 20));
        return XLSX_ERR_BOMB;
    }
    return 0;
}

static void *pipe_reader(void *arg)
{
    struct pipe *p = arg;
    uint64_t total = 0;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->tail - p->head == PIPE_SLOTS && !p->quit)
            pthread_cond_wait(&p->cv, &p->mu);
        bool quit = p->quit;
        size_t slot = p->tail % PIPE_SLOTS;
        pthread_mutex_unlock(&p->mu);
        if (quit)
            break;
        zip_int64_t n = zip_fread(p->zf, p->buf[slot], CHUNK);
        int err = 0;
        char why[256] = "";
        if (n < 0) {
            err = XLSX_ERR_FORMAT;
            snprintf(why, sizeof why, "%s cannot be inflated: %s", p->part,
                     zip_file_strerror(p->zf));
        } else if (n > 0) {
            err = account(&total, (size_t)n, p->cap, p->comp, p->ratio, p->part, why, sizeof why);
        }
        pthread_mutex_lock(&p->mu);
        if (err) {
            p->err = err;
            memcpy(p->why, why, sizeof why);
            p->done = true;
        } else if (n == 0) {
            p->done = true;
        } else {
            p->len[slot] = (size_t)n;
            p->tail++;
        }
        bool stop = p->done;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (stop)
            break;
    }
    return NULL;
}

/*
 * Where the parser pulls its bytes from: the zip entry itself (small parts), or the ring of
 * chunks an inflating thread fills (large ones). The parser pulls (xmlParseDocument on an I/O
 * context) rather than being pushed chunks (xmlParseChunk): libxml2's push mode looks ahead
 * for each tag's end before parsing it and re-measures its buffer at every step, which cost
 * about a tenth of the sheet's parse; pulled, each byte is scanned once.
 */
struct feed {
    struct sax_common *c;
    zip_file_t *zf; /* direct: read from here */
    uint64_t total, cap, comp;
    uint32_t ratio;
    struct pipe *p;  /* NULL: direct */
    const char *cur; /* the slot being read, and what is left of it */
    size_t left;
    bool holding; /* a slot is being read (and must be given back) */
    int err;
    char why[256];
};

/* libxml2's read callback: up to len bytes into out; 0 at the end, -1 on failure (f->err). */
static int feed_read(void *ctx, char *out, int len)
{
    struct feed *f = ctx;
    if (f->err || len <= 0)
        return f->err ? -1 : 0;
    if (!f->p) {
        zip_int64_t n = zip_fread(f->zf, out, (zip_uint64_t)len);
        if (n < 0) {
            f->err = XLSX_ERR_FORMAT;
            snprintf(f->why, sizeof f->why, "%s cannot be inflated: %s", f->c->part,
                     zip_file_strerror(f->zf));
        } else if (n > 0) {
            f->err = account(&f->total, (size_t)n, f->cap, f->comp, f->ratio, f->c->part, f->why,
                             sizeof f->why);
        }
        if (f->err) {
            f->c->feed_failed = true;
            return -1;
        }
        return (int)n;
    }
    if (!f->left) {
        /* give the slot back and wait for the next one */
        struct pipe *p = f->p;
        pthread_mutex_lock(&p->mu);
        if (f->holding) {
            p->head++;
            f->holding = false;
            pthread_cond_broadcast(&p->cv);
        }
        while (p->tail == p->head && !p->done)
            pthread_cond_wait(&p->cv, &p->mu);
        bool have = p->tail != p->head;
        if (p->err) {
            f->err = p->err;
            memcpy(f->why, p->why, sizeof f->why);
        } else if (have) {
            size_t slot = p->head % PIPE_SLOTS;
            f->cur = p->buf[slot];
            f->left = p->len[slot];
            f->holding = true;
        }
        pthread_mutex_unlock(&p->mu);
        if (f->err) {
            f->c->feed_failed = true;
            return -1;
        }
        if (!have)
            return 0;
    }
    size_t n = f->left < (size_t)len ? f->left : (size_t)len;
    memcpy(out, f->cur, n);
    f->cur += n;
    f->left -= n;
    return (int)n;
}

static int feed_close(void *ctx)
{
    (void)ctx; /* run_part closes the zip entry and stops the ring */
    return 0;
}

/*
 * Parses the zip entry named part with handlers sax and state c (whose
 * ctxt this sets). Returns 0 or an XLSX_ERR_* code (why filled).
 */
static int run_part(struct xlsx *x, const char *part, uint64_t cap, xmlSAXHandler *sax,
                    struct sax_common *c)
{
    c->part = part;
    zip_int64_t idx = zip_name_locate(x->zip, part, 0);
    if (idx < 0) {
        fail(c, XLSX_ERR_FORMAT, "the workbook has no part %s", part);
        return c->err;
    }
    zip_stat_t st;
    zip_stat_init(&st);
    uint64_t comp = 1, declared = 0;
    if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st) == 0) {
        if (st.valid & ZIP_STAT_COMP_SIZE)
            comp = st.comp_size ? st.comp_size : 1;
        if (st.valid & ZIP_STAT_SIZE)
            declared = st.size;
    }
    zip_file_t *zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
    if (!zf) {
        fail(c, XLSX_ERR_FORMAT, "%s cannot be opened: %s", part, zip_strerror(x->zip));
        return c->err;
    }
    sax->initialized = XML_SAX2_MAGIC;
    sax->internalSubset = on_dtd;
    sax->externalSubset = on_dtd;
    sax->entityDecl = on_entity;
    sax->serror = on_xml_error;
    sax->error = NULL;
    sax->warning = NULL;
    sax->fatalError = NULL;
    struct feed f = {.c = c, .zf = zf, .cap = cap, .comp = comp, .ratio = x->lim.max_ratio};
    /* a large part: a second thread inflates into a ring of chunks while this one parses */
    struct pipe p = {.zf = zf, .cap = cap, .comp = comp, .ratio = x->lim.max_ratio, .part = part};
    pthread_t th;
    bool piped = declared >= PIPE_MIN;
    if (piped) {
        pthread_mutex_init(&p.mu, NULL);
        pthread_cond_init(&p.cv, NULL);
        for (int i = 0; i < PIPE_SLOTS; i++)
            p.buf[i] = xmalloc(CHUNK);
        VG_ASSERT(pthread_create(&th, NULL, pipe_reader, &p) == 0);
        f.p = &p;
    }
    c->ctxt = xmlCreateIOParserCtxt(sax, c, feed_read, feed_close, &f, XML_CHAR_ENCODING_NONE);
    VG_ASSERT(c->ctxt);
    xmlCtxtUseOptions(c->ctxt, XML_PARSE_NONET | XML_PARSE_NODICT);
    xmlParseDocument(c->ctxt);
    if (f.err) {
        fail(c, f.err, "%s", f.why);
    } else if (!c->err && !c->ctxt->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(c->ctxt);
        fail(c, XLSX_ERR_FORMAT, "%s is not well-formed XML (line %d)", part, e ? e->line : 0);
    }
    if (piped) {
        pthread_mutex_lock(&p.mu);
        p.quit = true;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.mu);
        pthread_join(th, NULL);
        for (int i = 0; i < PIPE_SLOTS; i++)
            free(p.buf[i]);
        pthread_cond_destroy(&p.cv);
        pthread_mutex_destroy(&p.mu);
    }
    zip_fclose(zf);
    xmlFreeParserCtxt(c->ctxt);
    c->ctxt = NULL;
    return c->err;
}

/* The value of attribute name (no namespace check) in a SAX2 attribute array, or NULL.
 * Copies at most out_len - 1 bytes into out. */
static const char *attr(int n, const xmlChar **a, const char *name, char *out, size_t out_len)
{
    for (int i = 0; i < n; i++, a += 5)
        if (!strcmp((const char *)a[0], name)) {
            size_t len = (size_t)(a[4] - a[3]);
            if (len >= out_len)
                len = out_len - 1;
            memcpy(out, a[3], len);
            out[len] = '\0';
            return out;
        }
    return NULL;
}

/* ---- relationships and the workbook ---- */

struct rel {
    char *id, *target, *type;
};

struct rels_state {
    struct sax_common c;
    struct rel *rels;
    size_t n;
};

static void rels_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                       int n_ns, const xmlChar **ns, int n_attr, int n_def, const xmlChar **a)
{
    struct rels_state *s = ctx;
    if (strcmp((const char *)local, "Relationship") != 0 || s->n >= 4096)
        return;
    char id[256], target[1024], type[512];
    if (!attr(n_attr, a, "Id", id, sizeof id) || !attr(n_attr, a, "Target", target, sizeof target))
        return;
    if (!attr(n_attr, a, "Type", type, sizeof type))
        type[0] = '\0';
    s->rels = xrealloc(s->rels, (s->n + 1) * sizeof *s->rels);
    s->rels[s->n++] = (struct rel){xstrdup(id), xstrdup(target), xstrdup(type)};
}

static void rels_free(struct rels_state *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->rels[i].id);
        free(s->rels[i].target);
        free(s->rels[i].type);
    }
    free(s->rels);
}

/* Resolves a relationship target against the folder of the part that holds it. */
static char *resolve(const char *base_dir, const char *target)
{
    if (target[0] == '/')
        return xstrdup(target + 1);
    struct buf b = {0};
    buf_puts(&b, base_dir);
    const char *t = target;
    while (!strncmp(t, "../", 3)) {
        t += 3;
        /* drop the last folder of b ("xl/" -> "") */
        if (b.len) {
            size_t i = b.len - 1;
            while (i > 0 && b.data[i - 1] != '/')
                i--;
            b.len = i;
            b.data[i] = '\0';
        }
    }
    buf_puts(&b, t);
    return buf_detach(&b);
}

struct wb_state {
    struct sax_common c;
    struct sheet_ref *sheets; /* name, and the r:id in part until resolved */
    size_t n;
    bool date1904;
};

static void wb_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                     int n_ns, const xmlChar **ns, int n_attr, int n_def, const xmlChar **a)
{
    struct wb_state *s = ctx;
    char v[512], id[256];
    if (!strcmp((const char *)local, "workbookPr")) {
        if (attr(n_attr, a, "date1904", v, sizeof v))
            s->date1904 = !strcmp(v, "1") || !strcmp(v, "true");
    } else if (!strcmp((const char *)local, "sheet") && s->n < 1024) {
        if (!attr(n_attr, a, "name", v, sizeof v))
            return;
        if (!attr(n_attr, a, "id", id, sizeof id)) /* r:id: local name "id" */
            return;
        s->sheets = xrealloc(s->sheets, (s->n + 1) * sizeof *s->sheets);
        s->sheets[s->n++] = (struct sheet_ref){xstrdup(v), xstrdup(id)};
    }
}

static const char *rel_find(const struct rels_state *r, const char *id, const char *type_suffix)
{
    for (size_t i = 0; i < r->n; i++) {
        if (id && !strcmp(r->rels[i].id, id))
            return r->rels[i].target;
        if (type_suffix) {
            size_t lt = strlen(r->rels[i].type), ls = strlen(type_suffix);
            if (lt >= ls && !strcmp(r->rels[i].type + lt - ls, type_suffix))
                return r->rels[i].target;
        }
    }
    return NULL;
}

static int load_workbook(struct xlsx *x, struct buf *why)
{
    int rc;
    /* The package relationships name the workbook part (xl/workbook.xml in practice). */
    char *wb_part = NULL;
    struct rels_state pkg = {.c.why = why};
    xmlSAXHandler sax = {0};
    sax.startElementNs = rels_start;
    if (zip_name_locate(x->zip, "_rels/.rels", 0) >= 0) {
        if ((rc = run_part(x, "_rels/.rels", x->lim.max_small, &sax, &pkg.c))) {
            rels_free(&pkg);
            return rc;
        }
        const char *t = rel_find(&pkg, NULL, "/officeDocument");
        if (t)
            wb_part = resolve("", t);
    }
    rels_free(&pkg);
    if (!wb_part)
        wb_part = xstrdup("xl/workbook.xml");

    struct wb_state wb = {.c.why = why};
    xmlSAXHandler wsax = {0};
    wsax.startElementNs = wb_start;
    rc = run_part(x, wb_part, x->lim.max_small, &wsax, &wb.c);
    /* The workbook's relationships: <dir>/_rels/<name>.rels */
    const char *slash = strrchr(wb_part, '/');
    size_t dir_len = slash ? (size_t)(slash - wb_part) + 1 : 0;
    char *dir = xstrndup(wb_part, dir_len);
    char *rels_part = xasprintf("%s_rels/%s.rels", dir, wb_part + dir_len);
    struct rels_state wr = {.c.why = why};
    if (!rc)
        rc = run_part(x, rels_part, x->lim.max_small, &sax, &wr.c);
    if (!rc) {
        for (size_t i = 0; i < wb.n; i++) {
            const char *t = rel_find(&wr, wb.sheets[i].part, NULL);
            free(wb.sheets[i].part);
            wb.sheets[i].part = t ? resolve(dir, t) : NULL;
        }
        const char *ss = rel_find(&wr, NULL, "/sharedStrings");
        x->shared_part = ss ? resolve(dir, ss) : NULL;
        x->date1904 = wb.date1904;
        if (wb.n == 0) {
            rc = XLSX_ERR_FORMAT;
            if (why)
                buf_puts(why, "the workbook lists no sheet");
        }
    }
    x->sheets = wb.sheets;
    x->n_sheets = wb.n;
    rels_free(&wr);
    free(rels_part);
    free(dir);
    free(wb_part);
    return rc;
}

/* ---- opening ---- */

static void set_limits(struct xlsx *x, const struct xlsx_limits *l)
{
    x->lim.max_part = l && l->max_part ? l->max_part : 1ull << 30;
    x->lim.max_shared = l && l->max_shared ? l->max_shared : 256ull << 20;
    x->lim.max_small = l && l->max_small ? l->max_small : 16ull << 20;
    x->lim.max_ratio = l && l->max_ratio ? l->max_ratio : 200;
}

static int finish_open(struct xlsx *x, struct xlsx **out, struct buf *why)
{
    int rc = load_workbook(x, why);
    if (rc) {
        xlsx_close(x);
        return rc;
    }
    *out = x;
    return 0;
}

static int zip_failure(int zerr, struct buf *why)
{
    if (zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ || zerr == ZIP_ER_NOENT) {
        if (why)
            buf_puts(why, "the file cannot be read");
        return XLSX_ERR_IO;
    }
    if (why)
        buf_puts(why, "the file is not a zip archive, so not an .xlsx workbook (an .xls or .csv "
                      "file renamed, or a damaged download?)");
    return XLSX_ERR_NOT_ZIP;
}

int xlsx_open_file(const char *path, const struct xlsx_limits *limits, struct xlsx **out,
                   struct buf *why)
{
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (!z && zerr == ZIP_ER_INCONS)
        z = zip_open(path, ZIP_RDONLY, &zerr);
    if (!z)
        return zip_failure(zerr, why);
    struct xlsx *x = xcalloc(1, sizeof *x);
    x->zip = z;
    x->path = xstrdup(path);
    set_limits(x, limits);
    return finish_open(x, out, why);
}

int xlsx_open_buffer(const void *data, size_t len, const struct xlsx_limits *limits,
                     struct xlsx **out, struct buf *why)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (!src) {
        zip_error_fini(&ze);
        return zip_failure(ZIP_ER_NOZIP, why);
    }
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!z) {
        int zerr = zip_error_code_zip(&ze);
        zip_source_free(src);
        zip_error_fini(&ze);
        return zip_failure(zerr == ZIP_ER_READ ? ZIP_ER_NOZIP : zerr, why);
    }
    zip_error_fini(&ze);
    struct xlsx *x = xcalloc(1, sizeof *x);
    x->zip = z;
    x->mem = data;
    x->mem_len = len;
    set_limits(x, limits);
    return finish_open(x, out, why);
}

void xlsx_close(struct xlsx *x)
{
    if (!x)
        return;
    if (x->zip)
        zip_discard(x->zip);
    for (size_t i = 0; i < x->n_sheets; i++) {
        free(x->sheets[i].name);
        free(x->sheets[i].part);
    }
    free(x->sheets);
    free(x->shared_part);
    free(x->path);
    free(x->sst);
    free(x->sst_off);
    free(x->sst_len);
    free(x);
}

size_t xlsx_n_sheets(const struct xlsx *x)
{
    return x->n_sheets;
}

const char *xlsx_sheet_name(const struct xlsx *x, size_t i)
{
    return i < x->n_sheets ? x->sheets[i].name : NULL;
}

bool xlsx_date1904(const struct xlsx *x)
{
    return x->date1904;
}

void xlsx_col_name(uint32_t col, char out[static 4])
{
    char tmp[4];
    int n = 0;
    uint32_t c = col + 1;
    while (c && n < 3) {
        tmp[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

/* ---- shared strings ---- */

struct sst_state {
    struct sax_common c;
    struct buf text;
    size_t *off, *len;
    size_t n, cap;
    bool in_si, in_t;
    int rph; /* inside <rPh> (phonetic runs, not part of the text) */
    size_t si_start;
};

static void sst_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                      int n_ns, const xmlChar **ns, int n_attr, int n_def, const xmlChar **a)
{
    struct sst_state *s = ctx;
    const char *l = (const char *)local;
    if (!strcmp(l, "si")) {
        s->in_si = true;
        s->si_start = s->text.len;
    } else if (!strcmp(l, "t")) {
        s->in_t = s->in_si;
    } else if (!strcmp(l, "rPh")) {
        s->rph++;
    }
}

static void sst_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    struct sst_state *s = ctx;
    const char *l = (const char *)local;
    if (!strcmp(l, "t")) {
        s->in_t = false;
    } else if (!strcmp(l, "rPh")) {
        if (s->rph)
            s->rph--;
    } else if (!strcmp(l, "si") && s->in_si) {
        s->in_si = false;
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 1024;
            s->off = xrealloc(s->off, s->cap * sizeof *s->off);
            s->len = xrealloc(s->len, s->cap * sizeof *s->len);
        }
        size_t len = s->text.len - s->si_start;
        if (len > CELL_MAX_BYTES) { /* keep the cap of a cell; the rest is dropped */
            s->text.len = s->si_start + CELL_MAX_BYTES;
            len = CELL_MAX_BYTES;
        }
        s->off[s->n] = s->si_start;
        s->len[s->n] = len;
        s->n++;
        buf_putc(&s->text, '\0');
    }
}

static void sst_chars(void *ctx, const xmlChar *ch, int len)
{
    struct sst_state *s = ctx;
    if (s->in_t && !s->rph && s->text.len - s->si_start <= CELL_MAX_BYTES)
        buf_add(&s->text, ch, (size_t)len);
}

static int load_shared(struct xlsx *x, struct buf *why)
{
    x->shared_loaded = true;
    if (!x->shared_part || zip_name_locate(x->zip, x->shared_part, 0) < 0)
        return 0;
    struct sst_state s = {.c.why = why};
    xmlSAXHandler sax = {0};
    sax.startElementNs = sst_start;
    sax.endElementNs = sst_end;
    sax.characters = sst_chars;
    sax.cdataBlock = sst_chars;
    int rc = run_part(x, x->shared_part, x->lim.max_shared, &sax, &s.c);
    if (rc) {
        buf_free(&s.text);
        free(s.off);
        free(s.len);
        return rc;
    }
    x->sst = buf_detach(&s.text);
    x->sst_off = s.off;
    x->sst_len = s.len;
    x->n_sst = s.n;
    return 0;
}

/* ---- sheets ---- */

struct cell_rec {
    uint32_t col;
    enum xlsx_type type;
    bool formula, truncated, shared;
    size_t off, len;     /* in the row text, or the shared string index in off */
    size_t f_off, f_len; /* the formula's text in the row text */
};

/* Rows handed from the parsing thread to a thread that runs the callback (large sheets). */
#define ROWQ_SLOTS 4
#define ROWQ_BATCH (256 * 1024)

struct rowq {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct buf slot[ROWQ_SLOTS];
    size_t head, tail;
    bool done, stop;
    xlsx_row_fn fn;
    void *ctx;
    /* shared strings loading on a thread of their own (joined before the first row) */
    struct xlsx *x;
    bool sst_thread;
    pthread_t sst_th;
    int sst_rc;
    struct buf sst_why;
    uint64_t bad_idx;
    int64_t bad_row;
    bool bad;
};

/* A cell as packed into a batch; its text follows unless shared. */
struct pcell {
    uint32_t col, len, flen;
    uint8_t type, formula, truncated, shared;
    const char *ptr; /* shared strings live as long as the reader */
    uint64_t idx;    /* the shared string's index when ptr is not known yet */
};

struct sheet_state {
    struct sax_common c;
    bool defer_sst;     /* shared strings still loading: pass indexes to the queue */
    struct rowq *q;     /* NULL: call fn on the parsing thread */
    struct buf pending; /* rows packed, not yet handed over */
    struct xlsx *x;
    xlsx_row_fn fn;
    void *fn_ctx;
    int64_t row, last_row;
    uint32_t next_col;
    bool in_row, in_c, in_v, in_is, in_t, in_f, stopped;
    int rph;
    /* the current cell */
    struct cell_rec cur;
    bool have_value;
    /* the current row */
    struct buf text;
    struct cell_rec *recs;
    size_t n_recs, cap_recs;
    struct xlsx_cell *cells;
    size_t cap_cells;
};

/* Parses a cell reference "AB12" into a 0-based column; returns false when malformed. */
static bool parse_ref(const char *r, uint32_t *col, int64_t *row)
{
    uint32_t c = 0;
    int n = 0;
    while (*r >= 'A' && *r <= 'Z') {
        c = c * 26 + (uint32_t)(*r - 'A' + 1);
        r++;
        if (++n > 3)
            return false;
    }
    if (n == 0 || c > 16384)
        return false;
    int64_t rw = 0;
    int d = 0;
    while (*r >= '0' && *r <= '9') {
        rw = rw * 10 + (*r - '0');
        r++;
        if (++d > 7)
            return false;
    }
    if (*r || (d && (rw < 1 || rw > 1048576)))
        return false;
    *col = c - 1;
    if (d && row)
        *row = rw;
    return true;
}

static void sheet_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                        int n_ns, const xmlChar **ns, int n_attr, int n_def, const xmlChar **a)
{
    struct sheet_state *s = ctx;
    const char *l = (const char *)local;
    char v[64];
    if (l[0] == 'c' && l[1] == '\0') {
        if (!s->in_row)
            return;
        s->in_c = true;
        s->have_value = false;
        memset(&s->cur, 0, sizeof s->cur);
        s->cur.off = s->text.len;
        uint32_t col = s->next_col;
        s->cur.type = XLSX_NUMBER;
        /* one pass over the attributes: r (reference), t (type); s (style) is not needed */
        for (int k = 0; k < n_attr; k++) {
            const char *an = (const char *)a[k * 5];
            const char *av = (const char *)a[k * 5 + 3];
            size_t al = (size_t)(a[k * 5 + 4] - a[k * 5 + 3]);
            if (an[0] == 'r' && an[1] == '\0') {
                if (al >= sizeof v)
                    al = sizeof v - 1;
                memcpy(v, av, al);
                v[al] = '\0';
                if (!parse_ref(v, &col, NULL)) {
                    fail(&s->c, XLSX_ERR_FORMAT,
                         "%s row %lld has a cell with a malformed reference", s->c.part,
                         (long long)s->row);
                    return;
                }
            } else if (an[0] == 't' && an[1] == '\0') {
                if (al == 1 && av[0] == 's') {
                    s->cur.type = XLSX_STRING;
                    s->cur.shared = true;
                } else if ((al == 3 && !memcmp(av, "str", 3)) ||
                           (al == 9 && !memcmp(av, "inlineStr", 9))) {
                    s->cur.type = XLSX_STRING;
                } else if (al == 1 && av[0] == 'b') {
                    s->cur.type = XLSX_BOOL;
                } else if (al == 1 && av[0] == 'e') {
                    s->cur.type = XLSX_ERROR;
                }
            }
        }
        s->cur.col = col;
        s->next_col = col + 1;
    } else if (l[0] == 'v' && l[1] == '\0') {
        s->in_v = s->in_c;
        s->have_value = s->have_value || s->in_c;
        s->cur.off = s->text.len;
    } else if (!strcmp(l, "row")) {
        s->in_row = true;
        s->n_recs = 0;
        buf_reset(&s->text);
        s->next_col = 0;
        int64_t r = s->last_row + 1;
        if (attr(n_attr, a, "r", v, sizeof v)) {
            char *end;
            long long n = strtoll(v, &end, 10);
            if (*end || n < 1 || n > 1048576 || n <= s->last_row) {
                fail(&s->c, XLSX_ERR_FORMAT, "%s has a row numbered '%s' after row %lld", s->c.part,
                     v, (long long)s->last_row);
                return;
            }
            r = n;
        }
        s->row = r;
    } else if (!strcmp(l, "f")) {
        if (s->in_c) {
            s->cur.formula = true;
            s->in_f = true;
            s->cur.f_off = s->text.len;
        }
    } else if (!strcmp(l, "is")) {
        s->in_is = s->in_c;
        s->have_value = s->have_value || s->in_c;
        s->cur.off = s->text.len;
    } else if (!strcmp(l, "t")) {
        s->in_t = s->in_is;
    } else if (!strcmp(l, "rPh")) {
        s->rph++;
    }
}

static void add_rec(struct sheet_state *s)
{
    if (s->n_recs == s->cap_recs) {
        s->cap_recs = s->cap_recs ? s->cap_recs * 2 : 64;
        s->recs = xrealloc(s->recs, s->cap_recs * sizeof *s->recs);
    }
    s->recs[s->n_recs++] = s->cur;
}

static void end_cell(struct sheet_state *s)
{
    s->in_c = false;
    if (!s->have_value && !s->cur.formula)
        return; /* a styled but empty cell */
    s->cur.len = s->text.len - s->cur.off;
    if (s->cur.shared) {
        /* the value is an index into the shared strings */
        char *end;
        buf_putc(&s->text, '\0');
        const char *txt = s->text.data + s->cur.off;
        while (*txt == ' ' || *txt == '\n' || *txt == '\t' || *txt == '\r')
            txt++;
        unsigned long long idx = 0;
        end = (char *)txt;
        while (*end >= '0' && *end <= '9' && idx < (1ull << 40))
            idx = idx * 10 + (unsigned long long)(*end++ - '0');
        s->text.len = s->cur.off;
        s->text.data[s->text.len] = '\0';
        if (end == txt || (!s->defer_sst && idx >= s->x->n_sst)) {
            fail(&s->c, XLSX_ERR_FORMAT,
                 "%s row %lld refers to shared string %.20s, which the workbook does not have",
                 s->c.part, (long long)s->row, txt);
            return;
        }
        s->cur.off = (size_t)idx;
    } else {
        buf_putc(&s->text, '\0');
    }
    add_rec(s);
}

/* Hands the packed rows to the callback thread (waits for a free slot). */
static void push_rows(struct sheet_state *s)
{
    struct rowq *q = s->q;
    pthread_mutex_lock(&q->mu);
    while (q->tail - q->head == ROWQ_SLOTS && !q->stop)
        pthread_cond_wait(&q->cv, &q->mu);
    bool stop = q->stop;
    if (!stop) {
        struct buf *slot = &q->slot[q->tail % ROWQ_SLOTS];
        struct buf t = *slot;
        *slot = s->pending;
        s->pending = t;
        buf_reset(&s->pending);
        q->tail++;
        pthread_cond_broadcast(&q->cv);
    }
    pthread_mutex_unlock(&q->mu);
    if (stop && !s->c.err) {
        s->stopped = true;
        s->c.err = XLSX_ERR_STOPPED;
        xmlStopParser(s->c.ctxt);
    }
}

static void pack_row(struct sheet_state *s)
{
    struct buf *b = &s->pending;
    int64_t row = s->row;
    uint32_t n = (uint32_t)s->n_recs;
    buf_add(b, &row, sizeof row);
    buf_add(b, &n, sizeof n);
    for (size_t i = 0; i < s->n_recs; i++) {
        const struct xlsx_cell *c = &s->cells[i];
        const struct cell_rec *r = &s->recs[i];
        struct pcell pc = {c->col,
                           (uint32_t)c->len,
                           0,
                           (uint8_t)c->type,
                           c->formula,
                           c->truncated,
                           r->shared,
                           r->shared ? c->value : NULL,
                           r->shared ? r->off : 0};
        if (c->formula)
            pc.flen = (uint32_t)strlen(c->formula_text);
        buf_add(b, &pc, sizeof pc);
        if (!r->shared) {
            buf_add(b, c->value, c->len);
            buf_putc(b, '\0');
        }
        if (c->formula) {
            buf_add(b, c->formula_text, pc.flen);
            buf_putc(b, '\0');
        }
    }
    if (b->len >= ROWQ_BATCH)
        push_rows(s);
}

/* The callback thread: unpacks batches and calls fn row by row, in order. */
static void *row_consumer(void *arg)
{
    struct rowq *q = arg;
    struct xlsx_cell *cells = NULL;
    size_t cap = 0;
    bool sst_ready = !q->sst_thread;
    for (;;) {
        pthread_mutex_lock(&q->mu);
        while (q->tail == q->head && !q->done)
            pthread_cond_wait(&q->cv, &q->mu);
        if (q->tail == q->head) {
            pthread_mutex_unlock(&q->mu);
            break;
        }
        struct buf *b = &q->slot[q->head % ROWQ_SLOTS];
        bool stop = q->stop;
        pthread_mutex_unlock(&q->mu);
        if (!sst_ready) {
            pthread_join(q->sst_th, NULL);
            q->sst_thread = false;
            sst_ready = true;
            if (q->sst_rc)
                stop = true;
        }
        for (size_t at = 0; !stop && at < b->len;) {
            int64_t row;
            uint32_t n;
            memcpy(&row, b->data + at, sizeof row);
            at += sizeof row;
            memcpy(&n, b->data + at, sizeof n);
            at += sizeof n;
            if (n > cap) {
                cap = n;
                cells = xrealloc(cells, cap * sizeof *cells);
            }
            for (uint32_t i = 0; i < n; i++) {
                struct pcell pc;
                memcpy(&pc, b->data + at, sizeof pc);
                at += sizeof pc;
                struct xlsx_cell *c = &cells[i];
                c->col = pc.col;
                c->type = (enum xlsx_type)pc.type;
                c->formula = pc.formula;
                c->truncated = pc.truncated;
                c->len = pc.len;
                if (pc.shared && !pc.ptr) {
                    if (pc.idx >= q->x->n_sst) {
                        q->bad = true;
                        q->bad_idx = pc.idx;
                        q->bad_row = row;
                        stop = true;
                        c->value = "";
                        c->len = 0;
                    } else {
                        c->value = q->x->sst + q->x->sst_off[pc.idx];
                        c->len = q->x->sst_len[pc.idx];
                    }
                } else if (pc.shared) {
                    c->value = pc.ptr;
                } else {
                    c->value = b->data + at;
                    at += pc.len + 1;
                }
                c->formula_text = NULL;
                if (pc.formula) {
                    c->formula_text = b->data + at;
                    at += pc.flen + 1;
                }
            }
            struct xlsx_row r = {row, cells, n};
            if (!stop && q->fn(q->ctx, &r))
                stop = true;
        }
        pthread_mutex_lock(&q->mu);
        if (stop)
            q->stop = true;
        buf_reset(b);
        q->head++;
        pthread_cond_broadcast(&q->cv);
        pthread_mutex_unlock(&q->mu);
    }
    free(cells);
    return NULL;
}

static void end_row(struct sheet_state *s)
{
    s->in_row = false;
    s->last_row = s->row;
    if (s->n_recs == 0 || s->c.err)
        return;
    if (s->cap_cells < s->n_recs) {
        s->cap_cells = s->n_recs;
        s->cells = xrealloc(s->cells, s->cap_cells * sizeof *s->cells);
    }
    for (size_t i = 0; i < s->n_recs; i++) {
        const struct cell_rec *r = &s->recs[i];
        struct xlsx_cell *c = &s->cells[i];
        c->col = r->col;
        c->type = r->type;
        c->formula = r->formula;
        c->formula_text = r->formula ? s->text.data + r->f_off : NULL;
        c->truncated = r->truncated;
        if (r->shared && s->defer_sst) {
            c->value = NULL; /* resolved by the callback thread once the strings are in */
            c->len = r->off;
        } else if (r->shared) {
            c->value = s->x->sst + s->x->sst_off[r->off];
            c->len = s->x->sst_len[r->off];
        } else {
            c->value = s->text.data + r->off;
            c->len = r->len;
        }
    }
    if (s->q) {
        pack_row(s);
        return;
    }
    struct xlsx_row row = {s->row, s->cells, s->n_recs};
    if (s->fn(s->fn_ctx, &row)) {
        s->stopped = true;
        s->c.err = XLSX_ERR_STOPPED; /* no sentence: the caller asked for it */
        xmlStopParser(s->c.ctxt);
    }
}

static void sheet_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    struct sheet_state *s = ctx;
    const char *l = (const char *)local;
    if (l[0] == 'c' && l[1] == '\0') {
        if (s->in_c)
            end_cell(s);
    } else if (l[0] == 'v' && l[1] == '\0') {
        s->in_v = false;
    } else if (!strcmp(l, "f")) {
        if (s->in_f) {
            s->in_f = false;
            s->cur.f_len = s->text.len - s->cur.f_off;
            buf_putc(&s->text, '\0');
            if (!s->have_value)
                s->cur.off = s->text.len;
        }
    } else if (!strcmp(l, "row")) {
        if (s->in_row)
            end_row(s);
    } else if (!strcmp(l, "is")) {
        s->in_is = false;
    } else if (!strcmp(l, "t")) {
        s->in_t = false;
    } else if (!strcmp(l, "rPh")) {
        if (s->rph)
            s->rph--;
    }
}

static void sheet_chars(void *ctx, const xmlChar *ch, int len)
{
    struct sheet_state *s = ctx;
    if (s->in_f) {
        if (s->text.len - s->cur.f_off < 256) /* enough to tell a constant from a formula */
            buf_add(&s->text, ch, (size_t)len < 256 ? (size_t)len : 256);
        return;
    }
    if (!(s->in_v || (s->in_t && !s->rph)))
        return;
    size_t have = s->text.len - s->cur.off;
    if (have >= CELL_MAX_BYTES) {
        s->cur.truncated = true;
        return;
    }
    size_t n = (size_t)len;
    if (n > CELL_MAX_BYTES - have) {
        n = CELL_MAX_BYTES - have;
        s->cur.truncated = true;
    }
    buf_add(&s->text, ch, n);
}

/* Loads the shared strings through a second handle on the archive (a zip_t is not to be read
 * from two threads), while the sheet is parsed through the first. */
static void *sst_loader(void *arg)
{
    struct rowq *q = arg;
    struct xlsx *x = q->x;
    zip_t *z2 = NULL;
    int zerr = 0;
    if (x->path) {
        z2 = zip_open(x->path, ZIP_RDONLY, &zerr);
    } else {
        zip_error_t ze;
        zip_error_init(&ze);
        zip_source_t *src = zip_source_buffer_create(x->mem, x->mem_len, 0, &ze);
        if (src && !(z2 = zip_open_from_source(src, ZIP_RDONLY, &ze)))
            zip_source_free(src);
        zip_error_fini(&ze);
    }
    if (!z2) {
        q->sst_rc = XLSX_ERR_IO;
        buf_puts(&q->sst_why, "the workbook cannot be read a second time");
        return NULL;
    }
    zip_t *keep = x->zip;
    struct xlsx tmp = *x; /* the same reader on the second handle */
    tmp.zip = z2;
    q->sst_rc = load_shared(&tmp, &q->sst_why);
    x->sst = tmp.sst;
    x->sst_off = tmp.sst_off;
    x->sst_len = tmp.sst_len;
    x->n_sst = tmp.n_sst;
    x->shared_loaded = true;
    (void)keep;
    zip_discard(z2);
    return NULL;
}

int xlsx_read_sheet(struct xlsx *x, size_t i, xlsx_row_fn fn, void *ctx, struct buf *why)
{
    if (i >= x->n_sheets || !x->sheets[i].part) {
        if (why)
            buf_printf(why, "sheet %zu has no worksheet part", i + 1);
        return XLSX_ERR_FORMAT;
    }
    zip_stat_t st;
    zip_stat_init(&st);
    bool threaded = zip_stat(x->zip, x->sheets[i].part, 0, &st) == 0 &&
                    (st.valid & ZIP_STAT_SIZE) && st.size >= PIPE_MIN;
    bool sst_beside = threaded && !x->shared_loaded && x->shared_part &&
                      zip_name_locate(x->zip, x->shared_part, 0) >= 0;
    if (!x->shared_loaded && !sst_beside) {
        int rc = load_shared(x, why);
        if (rc)
            return rc;
    }
    struct sheet_state s = {.c.why = why, .x = x, .fn = fn, .fn_ctx = ctx};
    xmlSAXHandler sax = {0};
    sax.startElementNs = sheet_start;
    sax.endElementNs = sheet_end;
    sax.characters = sheet_chars;
    sax.cdataBlock = sheet_chars;
    /* a large sheet: the callback runs on a thread of its own, beside parsing and inflating,
     * and the shared strings load beside them too when they are not in yet */
    struct rowq q = {.fn = fn, .ctx = ctx, .x = x};
    pthread_t th;
    if (threaded) {
        pthread_mutex_init(&q.mu, NULL);
        pthread_cond_init(&q.cv, NULL);
        s.q = &q;
        if (sst_beside) {
            q.sst_thread = true;
            s.defer_sst = true;
            VG_ASSERT(pthread_create(&q.sst_th, NULL, sst_loader, &q) == 0);
        }
        VG_ASSERT(pthread_create(&th, NULL, row_consumer, &q) == 0);
    }
    int rc = run_part(x, x->sheets[i].part, x->lim.max_part, &sax, &s.c);
    if (threaded) {
        if (s.pending.len && (!rc || rc == XLSX_ERR_STOPPED))
            push_rows(&s);
        pthread_mutex_lock(&q.mu);
        q.done = true;
        if (rc && rc != XLSX_ERR_STOPPED)
            q.stop = true; /* a broken sheet: the rows before the break were delivered */
        pthread_cond_broadcast(&q.cv);
        pthread_mutex_unlock(&q.mu);
        pthread_join(th, NULL);
        if (q.sst_thread) /* no row ever reached the consumer */
            pthread_join(q.sst_th, NULL);
        if (q.sst_rc && (!rc || rc == XLSX_ERR_STOPPED)) {
            rc = q.sst_rc;
            if (why)
                buf_puts(why, buf_str(&q.sst_why));
        } else if (q.bad && (!rc || rc == XLSX_ERR_STOPPED)) {
            rc = XLSX_ERR_FORMAT;
            if (why)
                buf_printf(why,
                           "%s row %lld refers to shared string %llu, which the workbook does "
                           "not have",
                           x->sheets[i].part, (long long)q.bad_row, (unsigned long long)q.bad_idx);
        } else if (q.stop && !rc) {
            rc = XLSX_ERR_STOPPED;
        }
        buf_free(&q.sst_why);
        for (int k = 0; k < ROWQ_SLOTS; k++)
            buf_free(&q.slot[k]);
        pthread_cond_destroy(&q.cv);
        pthread_mutex_destroy(&q.mu);
        buf_free(&s.pending);
    }
    buf_free(&s.text);
    free(s.recs);
    free(s.cells);
    return rc;
}
