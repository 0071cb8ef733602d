/*
 * The hardened XML reader: see xmlsafe.h.
 *
 * The parse runs through libxml2's own SAX2 tree builder with three of its
 * callbacks wrapped: entityDecl (refuse, stop), startElementNs/endElementNs
 * (count depth, stop past the limit), and the structured error handler
 * (collect errors as findings with their lines instead of printing them).
 * The wrappers find their state through ctxt->_private; everything is per
 * parse, so parses run in parallel threads safely.
 */
#include "check/xmlsafe.h"

#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* At most this many parse errors become findings; the first is usually the one that matters. */
#define MAX_PARSE_FINDINGS 5

struct parse_state {
    struct findings *fs;
    const char *file;
    int depth, max_depth;
    int n_reported;
    bool stopped;
    startElementNsSAX2Func start;
    endElementNsSAX2Func end;
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libxml(void)
{
    xmlInitParser();
    /* No document, schema or entity is ever fetched from the network. */
    xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader);
}

void xmlsafe_init(void)
{
    pthread_once(&init_once, init_libxml);
}

static struct parse_state *state_of(void *ctx)
{
    return ((xmlParserCtxtPtr)ctx)->_private;
}

static void add_xml_finding(struct parse_state *st, const char *code, long line,
                            const char *observed, const char *expected, const char *message,
                            const char *fix)
{
    struct finding f = {0};
    f.code = code;
    f.severity = SEV_ERROR;
    f.file = st->file;
    f.line = line;
    f.stream = -1;
    f.observed = observed;
    f.expected = expected;
    f.clause = "W3C XML 1.0; vodgate XML safety limits";
    f.message = message;
    f.fix = fix;
    findings_add(st->fs, &f);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                           const xmlChar *system_id, xmlChar *content)
{
    xmlParserCtxtPtr c = ctx;
    struct parse_state *st = state_of(ctx);
    if (st->stopped)
        return;
    st->stopped = true;
    char obs[160];
    snprintf(obs, sizeof obs, "<!ENTITY %.64s ...>", name ? (const char *)name : "");
    add_xml_finding(st, "xml.entities", xmlSAX2GetLineNumber(ctx), obs,
                    "no DOCTYPE entity declarations",
                    "The file declares an entity in its DOCTYPE. Entity declarations are refused: "
                    "they can expand a small file into gigabytes (the 'billion laughs' attack) or "
                    "pull in other files, and MovieLabs and TTML files never need them.",
                    "Remove the DOCTYPE (or at least its <!ENTITY> declarations) and write the "
                    "text out in full; XML's five built-in entities (&amp; &lt; &gt; &quot; "
                    "&apos;) still work.");
    xmlStopParser(c);
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes)
{
    struct parse_state *st = state_of(ctx);
    if (st->stopped)
        return;
    if (++st->depth > st->max_depth) {
        st->stopped = true;
        char obs[96], exp[64];
        snprintf(obs, sizeof obs, "an element nested %d levels deep", st->depth);
        snprintf(exp, sizeof exp, "at most %d levels", st->max_depth);
        add_xml_finding(st, "xml.too_deep", xmlSAX2GetLineNumber(ctx), obs, exp,
                        "Elements are nested deeper than any MovieLabs or TTML document needs; "
                        "the file was not read further.",
                        "Check the file was generated correctly (a tool that nests elements "
                        "without closing them gives this).");
        xmlStopParser((xmlParserCtxtPtr)ctx);
        return;
    }
    st->start(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes, nb_defaulted,
              attributes);
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    struct parse_state *st = state_of(ctx);
    if (st->stopped)
        return;
    st->depth--;
    st->end(ctx, localname, prefix, uri);
}

/* Trims libxml2's message (it ends with a newline) into out. */
static void clean_message(const char *msg, char *out, size_t cap)
{
    snprintf(out, cap, "%s", msg ? msg : "");
    size_t n = strlen(out);
    while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
        out[--n] = '\0';
}

static void on_error(void *ctx, xmlErrorPtr err)
{
    struct parse_state *st = state_of(ctx);
    if (!err || err->level < XML_ERR_ERROR || st->stopped)
        return;
    if (st->n_reported++ >= MAX_PARSE_FINDINGS)
        return;
    char msg[512], text[640];
    clean_message(err->message, msg, sizeof msg);
    snprintf(text, sizeof text, "The file is not well-formed XML: %s.", msg);
    add_xml_finding(st, "xml.malformed", err->line, NULL, "well-formed XML 1.0", text,
                    "Open the file at this line; an unclosed or misspelt tag, a bare '&' or '<' "
                    "in text, or a wrong encoding declaration are the usual causes. Files "
                    "generated by a tool should be regenerated rather than edited by hand.");
}

static void too_large(struct parse_state *st, uint64_t size, size_t max_bytes)
{
    char obs[64], exp[64];
    snprintf(obs, sizeof obs, "%llu bytes", (unsigned long long)size);
    snprintf(exp, sizeof exp, "at most %zu bytes", max_bytes);
    add_xml_finding(st, "xml.too_large", 0, obs, exp,
                    "The XML file is larger than this installation accepts for metadata.",
                    "Split the delivery (one MEC file per title or episode), or ask your "
                    "partner manager if a larger file is expected.");
}

static void empty_file(struct parse_state *st)
{
    add_xml_finding(st, "xml.malformed", 0, "an empty file", "well-formed XML 1.0",
                    "The file is empty.", "Deliver the file again; the upload may have failed.");
}

/*
 * Runs a parse on ctxt (from memory or from a file) with the callbacks wrapped, frees ctxt and
 * hands the document over: 0 and *out, or -1 with the findings added.
 */
static int run_parse(xmlParserCtxtPtr ctxt, struct parse_state *st, xmlDocPtr *out)
{
    if (!ctxt) {
        add_xml_finding(st, "xml.malformed", 0, NULL, "well-formed XML 1.0",
                        "The file could not be read as XML.", "Check it is an XML file.");
        return -1;
    }
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_BIG_LINES);
    ctxt->_private = st;
    st->start = ctxt->sax->startElementNs;
    st->end = ctxt->sax->endElementNs;
    ctxt->sax->startElementNs = on_start;
    ctxt->sax->endElementNs = on_end;
    ctxt->sax->entityDecl = on_entity_decl;
    ctxt->sax->serror = on_error;
    ctxt->sax->warning = NULL;
    ctxt->vctxt.warning = NULL;
    ctxt->vctxt.error = NULL;
    xmlParseDocument(ctxt);
    bool ok = ctxt->wellFormed && !st->stopped && ctxt->myDoc;
    if (!ok && !st->stopped && st->n_reported == 0) {
        char msg[160];
        snprintf(msg, sizeof msg, "The file is not well-formed XML (libxml2 error %d).",
                 ctxt->errNo);
        add_xml_finding(st, "xml.malformed", ctxt->input ? ctxt->input->line : 0, NULL,
                        "well-formed XML 1.0", msg, "Check the file is complete XML.");
    }
    if (ok) {
        *out = ctxt->myDoc;
    } else if (ctxt->myDoc) {
        xmlFreeDoc(ctxt->myDoc);
    }
    ctxt->myDoc = NULL;
    xmlFreeParserCtxt(ctxt);
    return ok ? 0 : -1;
}

int xmlsafe_parse(const char *data, size_t len, const char *file, const struct xmlsafe_limits *lim,
                  struct findings *fs, xmlDocPtr *out)
{
    xmlsafe_init();
    *out = NULL;
    size_t max_bytes = lim && lim->max_bytes ? lim->max_bytes : XMLSAFE_MAX_BYTES;
    struct parse_state st = {.fs = fs, .file = file};
    st.max_depth = lim && lim->max_depth ? lim->max_depth : XMLSAFE_MAX_DEPTH;
    if (len > max_bytes || len > (size_t)INT32_MAX) {
        too_large(&st, len, max_bytes);
        return -1;
    }
    if (len == 0) {
        empty_file(&st);
        return -1;
    }
    return run_parse(xmlCreateMemoryParserCtxt(data, (int)len), &st, out);
}

int xmlsafe_slurp(const char *path, size_t max_bytes, struct buf *b, uint64_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        int e = errno ? errno : EINVAL;
        close(fd);
        errno = e;
        return -1;
    }
    if (size)
        *size = (uint64_t)sb.st_size;
    if ((uint64_t)sb.st_size > max_bytes) {
        close(fd);
        return -2;
    }
    buf_grow(b, (size_t)sb.st_size);
    for (;;) {
        buf_grow(b, 65536);
        ssize_t n = read(fd, b->data + b->len, b->cap - b->len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (n == 0)
            break;
        b->len += (size_t)n;
        b->data[b->len] = '\0';
        if (b->len > max_bytes) { /* the file grew while we read it */
            close(fd);
            return -2;
        }
    }
    close(fd);
    if (!b->data)
        buf_add(b, "", 0);
    return 0;
}

/* libxml2's input callbacks over a file descriptor (EINTR retried). */
static int fd_read(void *ctx, char *buffer, int len)
{
    for (;;) {
        ssize_t n = read(*(int *)ctx, buffer, (size_t)len);
        if (n >= 0 || errno != EINTR)
            return n < 0 ? -1 : (int)n;
    }
}

static int fd_close(void *ctx)
{
    (void)ctx; /* the descriptor is xmlsafe_read_file's to close */
    return 0;
}

int xmlsafe_read_file(const char *path, const char *file, const struct xmlsafe_limits *lim,
                      struct findings *fs, xmlDocPtr *out)
{
    xmlsafe_init();
    *out = NULL;
    size_t max_bytes = lim && lim->max_bytes ? lim->max_bytes : XMLSAFE_MAX_BYTES;
    struct parse_state st = {.fs = fs, .file = file};
    st.max_depth = lim && lim->max_depth ? lim->max_depth : XMLSAFE_MAX_DEPTH;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    const char *err = NULL;
    if (fd < 0 || fstat(fd, &sb) != 0)
        err = strerror(errno);
    else if (!S_ISREG(sb.st_mode))
        err = "not a regular file";
    if (err) {
        add_xml_finding(
            &st, "xml.unreadable", 0, err, "a readable file", "The file could not be read.",
            "Deliver the file again; if it keeps happening, tell your partner manager.");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int rc = -1;
    if ((uint64_t)sb.st_size > max_bytes) {
        too_large(&st, (uint64_t)sb.st_size, max_bytes);
    } else if (sb.st_size == 0) {
        empty_file(&st);
    } else {
        /* Read as it is parsed, never whole into memory: the tree is the only copy. */
        xmlParserCtxtPtr ctxt =
            xmlCreateIOParserCtxt(NULL, NULL, fd_read, fd_close, &fd, XML_CHAR_ENCODING_NONE);
        rc = run_parse(ctxt, &st, out);
    }
    close(fd);
    return rc;
}

long xmlsafe_line(const xmlNode *node)
{
    if (!node)
        return 0;
    if (node->type == XML_ATTRIBUTE_NODE)
        node = node->parent;
    if (!node)
        return 0;
    long line = xmlGetLineNo(node);
    return line > 0 ? line : 0;
}

static bool same_name(const xmlNode *a, const xmlNode *b)
{
    if (a->type != XML_ELEMENT_NODE || b->type != XML_ELEMENT_NODE)
        return false;
    if (strcmp((const char *)a->name, (const char *)b->name) != 0)
        return false;
    const char *na = a->ns ? (const char *)a->ns->href : "";
    const char *nb = b->ns ? (const char *)b->ns->href : "";
    return strcmp(na, nb) == 0;
}

static void path_rec(const xmlNode *node, struct buf *b, int depth)
{
    if (!node || node->type != XML_ELEMENT_NODE || depth > XMLSAFE_MAX_DEPTH + 8)
        return;
    path_rec(node->parent, b, depth + 1);
    int pos = 0, count = 0;
    if (node->parent) {
        for (const xmlNode *s = node->parent->children; s; s = s->next) {
            if (!same_name(s, node))
                continue;
            count++;
            if (s == node)
                pos = count;
        }
    }
    buf_printf(b, "/%s", (const char *)node->name);
    if (count > 1)
        buf_printf(b, "[%d]", pos);
}

void xmlsafe_path(const xmlNode *node, struct buf *b)
{
    if (!node)
        return;
    if (node->type == XML_ATTRIBUTE_NODE) {
        path_rec(node->parent, b, 0);
        buf_printf(b, "/@%s", (const char *)node->name);
        return;
    }
    path_rec(node, b, 0);
}

static bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static char *collapse(const char *s)
{
    if (!s)
        return xstrdup("");
    size_t n = strlen(s);
    char *out = xmalloc(n + 1);
    size_t o = 0;
    bool pending = false;
    for (size_t i = 0; i < n; i++) {
        if (is_space((unsigned char)s[i])) {
            pending = o > 0;
            continue;
        }
        if (pending)
            out[o++] = ' ';
        pending = false;
        out[o++] = s[i];
    }
    out[o] = '\0';
    return out;
}

char *xmlsafe_text(const xmlNode *node)
{
    if (!node)
        return xstrdup("");
    xmlChar *c = xmlNodeGetContent(node);
    char *r = collapse((const char *)c);
    xmlFree(c);
    return r;
}

char *xmlsafe_attr(const xmlNode *node, const char *name)
{
    if (!node || node->type != XML_ELEMENT_NODE)
        return NULL;
    xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *r = collapse((const char *)v);
    xmlFree(v);
    return r;
}

int xmlsafe_is(const xmlNode *node, const char *ns, const char *local)
{
    if (!node || node->type != XML_ELEMENT_NODE || strcmp((const char *)node->name, local) != 0)
        return 0;
    if (!ns)
        return 1;
    return node->ns && node->ns->href && strcmp((const char *)node->ns->href, ns) == 0;
}

xmlNode *xmlsafe_child(const xmlNode *node, const char *ns, const char *local)
{
    if (!node)
        return NULL;
    for (xmlNode *c = node->children; c; c = c->next)
        if (xmlsafe_is(c, ns, local))
            return c;
    return NULL;
}
