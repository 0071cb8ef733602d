/*
 * The Common Metadata checks shared by manifest.c and mec.c: see mddf.h.
 *
 * Everything is driven by XPath over the parsed tree (libxml2), with the
 * prefixes md:, manifest: and mdmec: bound to the document's own
 * namespaces, so a rule reads like the specification's element paths. The
 * rules come from the MovieLabs specifications and the behaviour of their
 * reference validator (mddf-lib): where that tool reports a "best practice"
 * (identifier syntax, EIDR use) we warn; where it reports an error we do
 * too, except for two deliberate softenings, each a warning with the value
 * read: a vocabulary term in the wrong case ("movie" for "Movie"), and a
 * term the file's own version does not list yet but a later one does.
 *
 * Versions are major*100+minor throughout (Manifest 1.10 -> 110).
 */
#include "check/mddf.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpathInternals.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/buf.h"
#include "check/mddf_vocab.h"
#include "check/ratings.h"
#include "check/xmlsafe.h"
#include "core/codes.h"

#define NS_MANIFEST_PREFIX "http://www.movielabs.com/schema/manifest/v"
#define NS_MEC_PREFIX      "http://www.movielabs.com/schema/mdmec/v"
#define NS_MD_PREFIX       "http://www.movielabs.com/schema/md/v"

/* Published namespace versions (point releases such as 1.8.1 share their x.y namespace). */
static const int manifest_versions[] = {104, 105, 106, 107, 108, 109, 110, 111, 112, 113};
static const int mec_versions[] = {204, 205, 206, 207, 208, 209, 210, 211, 212};
static const int md_versions[] = {203, 204, 205, 206, 207, 208, 209, 210, 211, 212};

/* ------------------------------------------------------------------ */
/* reporting                                                          */
/* ------------------------------------------------------------------ */

void mddf_report(struct mddf_doc *d, const xmlNode *node, enum severity sev, const char *code,
                 const struct mddf_ev *ev, const char *fmt, ...)
{
    struct buf path = {0};
    if (node)
        xmlsafe_path(node, &path);
    struct finding f = {0};
    f.code = code;
    f.severity = sev;
    f.file = d->file;
    f.line = xmlsafe_line(node);
    f.path = path.len ? buf_str(&path) : NULL;
    f.stream = -1;
    if (ev) {
        f.observed = ev->observed;
        f.normalised = ev->normalised;
        f.expected = ev->expected;
        f.clause = ev->clause;
        f.fix = ev->fix;
    }
    va_list ap;
    va_start(ap, fmt);
    findings_vadd(d->fs, &f, fmt, ap);
    va_end(ap);
    buf_free(&path);
}

const char *mddf_spec_name(const struct mddf_doc *d)
{
    return d->kind == CHECK_MANIFEST ? "Media Manifest" : "MEC";
}

void mddf_spec_clause(const struct mddf_doc *d, const char *what, char *out, size_t cap)
{
    snprintf(out, cap, "MovieLabs %s %d.%d (TR-META-%s), %s", mddf_spec_name(d), d->version / 100,
             d->version % 100, d->kind == CHECK_MANIFEST ? "MMM" : "MEC", what);
}

void mddf_cm_clause(const struct mddf_doc *d, const char *what, char *out, size_t cap)
{
    if (d->cm_version)
        snprintf(out, cap, "MovieLabs Common Metadata %d.%d, %s", d->cm_version / 100,
                 d->cm_version % 100, what);
    else
        snprintf(out, cap, "MovieLabs Common Metadata, %s", what);
}

/* ------------------------------------------------------------------ */
/* opening and identifying                                            */
/* ------------------------------------------------------------------ */

/*
 * Reads "<major>.<minor>[.<patch>]" after prefix in uri; the rest must be
 * suffix. Returns 0 (setting *ver, text and *exact: the rest was exactly
 * suffix), or -1 when uri does not start with prefix and a version.
 */
static int ns_version(const char *uri, const char *prefix, const char *suffix, int *ver, char *text,
                      size_t cap, bool *exact)
{
    const char *p = uri;
    bool https = false;
    if (!strncmp(uri, "https://", 8)) {
        https = true;
        p = uri + 8;
    } else if (!strncmp(uri, "http://", 7)) {
        p = uri + 7;
    } else {
        return -1;
    }
    const char *pre = prefix + 7; /* prefix without "http://" */
    if (strncmp(p, pre, strlen(pre)) != 0)
        return -1;
    p += strlen(pre);
    const char *start = p;
    int major = 0, minor = 0;
    if (!isdigit((unsigned char)*p))
        return -1;
    while (isdigit((unsigned char)*p) && major < 1000)
        major = major * 10 + (*p++ - '0');
    if (*p != '.')
        return -1;
    p++;
    if (!isdigit((unsigned char)*p))
        return -1;
    while (isdigit((unsigned char)*p) && minor < 1000)
        minor = minor * 10 + (*p++ - '0');
    bool patch = false;
    if (*p == '.' && isdigit((unsigned char)p[1])) {
        patch = true;
        p++;
        while (isdigit((unsigned char)*p))
            p++;
    }
    snprintf(text, cap, "%.*s", (int)(p - start), start);
    *ver = major * 100 + minor;
    *exact = !https && !patch && !strcmp(p, suffix);
    return 0;
}

static bool known(const int *list, size_t n, int v)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == v)
            return true;
    return false;
}

/* The published version nearest below v (or the first). */
static int nearest(const int *list, size_t n, int v)
{
    int best = list[0];
    for (size_t i = 0; i < n; i++)
        if (list[i] <= v)
            best = list[i];
    return best;
}

/*
 * Finds the md namespace the document uses: that of its first md element (a file may declare
 * two md namespaces and use one), else one declared on the root.
 */
static const char *find_md_ns(const xmlNode *root)
{
    char text[16];
    int v;
    bool exact;
    const xmlNode *n = root;
    while (n) {
        if (n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
            ns_version((const char *)n->ns->href, NS_MD_PREFIX, "/md", &v, text, sizeof text,
                       &exact) == 0)
            return (const char *)n->ns->href;
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n && !n->next && n != root)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }
    for (const xmlNs *ns = root->nsDef; ns; ns = ns->next)
        if (ns->href && ns_version((const char *)ns->href, NS_MD_PREFIX, "/md", &v, text,
                                   sizeof text, &exact) == 0)
            return (const char *)ns->href;
    return NULL;
}

int mddf_open(struct mddf_doc *d, const char *path, const char *file, enum check_kind want,
              const struct check_options *opts, struct findings *fs)
{
    memset(d, 0, sizeof *d);
    d->file = file;
    d->path = path;
    d->fs = fs;
    d->opts = opts;
    if (xmlsafe_read_file(path, file, NULL, fs, &d->doc) != 0)
        return -1;
    d->root = xmlDocGetRootElement(d->doc);
    const char *local = d->root ? (const char *)d->root->name : "";
    const char *uri =
        d->root && d->root->ns && d->root->ns->href ? (const char *)d->root->ns->href : NULL;
    if (!strcmp(local, "MediaManifest"))
        d->kind = CHECK_MANIFEST;
    else if (!strcmp(local, "CoreMetadata"))
        d->kind = CHECK_MEC;
    if (d->kind == CHECK_AUTO || (want != CHECK_AUTO && want != d->kind)) {
        char obs[160];
        snprintf(obs, sizeof obs, "<%.60s> in namespace %.80s", local, uri ? uri : "(none)");
        const char *expected = want == CHECK_MEC ? "<CoreMetadata> (MovieLabs MEC)"
                               : want == CHECK_MANIFEST
                                   ? "<MediaManifest> (MovieLabs Media Manifest / MMC)"
                                   : "<MediaManifest> or <CoreMetadata>";
        struct mddf_ev ev = {.observed = obs,
                             .expected = expected,
                             .clause = "MovieLabs MDDF: document types by root element",
                             .fix = "Deliver the MovieLabs file this slot expects, or check the "
                                    "file was exported as MDDF XML (not another XML format)."};
        mddf_report(d, d->root, SEV_ERROR, "mddf.root.unexpected", &ev,
                    "The root element is not the one a %s file has.",
                    want == CHECK_MEC        ? "MEC"
                    : want == CHECK_MANIFEST ? "Media Manifest"
                                             : "Media Manifest or MEC");
        mddf_close(d);
        return -1;
    }
    const char *prefix = d->kind == CHECK_MANIFEST ? NS_MANIFEST_PREFIX : NS_MEC_PREFIX;
    const char *suffix = d->kind == CHECK_MANIFEST ? "/manifest" : "";
    const int *list = d->kind == CHECK_MANIFEST ? manifest_versions : mec_versions;
    size_t n_list = d->kind == CHECK_MANIFEST
                        ? sizeof manifest_versions / sizeof manifest_versions[0]
                        : sizeof mec_versions / sizeof mec_versions[0];
    bool exact = false;
    char expected[128];
    snprintf(expected, sizeof expected, "%sX.Y%s", prefix, suffix);
    if (!uri || ns_version(uri, prefix, suffix, &d->version, d->version_text,
                           sizeof d->version_text, &exact) != 0) {
        struct mddf_ev ev = {.observed = uri ? uri : "(no namespace)",
                             .expected = expected,
                             .clause = "MovieLabs MDDF: namespaces identify the specification "
                                       "version",
                             .fix = "Declare the MovieLabs namespace of the version the file "
                                    "follows on the root element, e.g. "
                                    "xmlns:manifest=\"http://www.movielabs.com/schema/manifest/"
                                    "v1.8/manifest\"."};
        mddf_report(d, d->root, SEV_ERROR, "mddf.namespace.unknown", &ev,
                    "The root element's namespace is not a MovieLabs %s namespace, so the file "
                    "cannot be read as one.",
                    mddf_spec_name(d));
        mddf_close(d);
        return -1;
    }
    if (!exact) {
        char norm[160];
        snprintf(norm, sizeof norm, "%s%d.%d%s", prefix, d->version / 100, d->version % 100,
                 suffix);
        struct mddf_ev ev = {.observed = uri,
                             .normalised = norm,
                             .expected = norm,
                             .clause = "MovieLabs MDDF: namespaces identify the specification "
                                       "version",
                             .fix = "Use the namespace exactly as the MovieLabs schema declares "
                                    "it; other tools will not recognise the elements otherwise."};
        mddf_report(d, d->root, SEV_WARNING, "mddf.namespace.nonstandard", &ev,
                    "The namespace is not written exactly as MovieLabs publishes it; it was read "
                    "as %s %d.%d.",
                    mddf_spec_name(d), d->version / 100, d->version % 100);
    }
    if (!known(list, n_list, d->version)) {
        int v = nearest(list, n_list, d->version);
        char read_as[32];
        snprintf(read_as, sizeof read_as, "%d.%d", v / 100, v % 100);
        struct mddf_ev ev = {.observed = d->version_text,
                             .normalised = read_as,
                             .expected = d->kind == CHECK_MANIFEST ? "1.4 to 1.13" : "2.4 to 2.12",
                             .clause = "MovieLabs MDDF: published specification versions",
                             .fix = "Declare a published version of the specification."};
        mddf_report(d, d->root, SEV_WARNING, "mddf.version.unknown", &ev,
                    "%s version %s is not a published version; the file was checked as %s.",
                    mddf_spec_name(d), d->version_text, read_as);
        d->version = v;
    }
    d->ns_root = uri;
    const char *md = find_md_ns(d->root);
    d->ns_md = md ? md : MDDF_NS_NONE;
    if (md) {
        bool md_exact = false;
        ns_version(md, NS_MD_PREFIX, "/md", &d->cm_version, d->cm_text, sizeof d->cm_text,
                   &md_exact);
        size_t n_md = sizeof md_versions / sizeof md_versions[0];
        if (!md_exact || !known(md_versions, n_md, d->cm_version)) {
            int v = nearest(md_versions, n_md, d->cm_version);
            char read_as[32];
            snprintf(read_as, sizeof read_as, "%d.%d", v / 100, v % 100);
            struct mddf_ev ev = {.observed = md,
                                 .normalised = read_as,
                                 .expected = "http://www.movielabs.com/schema/md/vX.Y/md",
                                 .clause = "MovieLabs Common Metadata: namespaces",
                                 .fix = "Use the Common Metadata namespace exactly as MovieLabs "
                                        "publishes it (point releases such as 2.7.1 use the 2.7 "
                                        "namespace)."};
            mddf_report(d, d->root, SEV_WARNING, "mddf.version.unknown", &ev,
                        "The Common Metadata namespace is not a published one; it was read as "
                        "Common Metadata %s.",
                        read_as);
            d->cm_version = v;
        }
    }
    d->xp = xmlXPathNewContext(d->doc);
    xmlXPathRegisterNs(d->xp, (const xmlChar *)"md", (const xmlChar *)d->ns_md);
    xmlXPathRegisterNs(d->xp, (const xmlChar *)"manifest",
                       (const xmlChar *)(d->kind == CHECK_MANIFEST ? uri : MDDF_NS_NONE));
    xmlXPathRegisterNs(d->xp, (const xmlChar *)"mdmec",
                       (const xmlChar *)(d->kind == CHECK_MEC ? uri : MDDF_NS_NONE));
    /* (in a MEC file the manifest: prefix names no namespace, so this finds nothing) */
    d->mmc = mddf_count(d,
                        "/manifest:MediaManifest/manifest:Compatibility/"
                        "manifest:Profile[normalize-space() = 'MMC-1']",
                        NULL) > 0;
    return 0;
}

void mddf_close(struct mddf_doc *d)
{
    if (d->xp)
        xmlXPathFreeContext(d->xp);
    if (d->doc)
        xmlFreeDoc(d->doc);
    d->xp = NULL;
    d->doc = NULL;
    d->root = NULL;
}

xmlXPathObjectPtr mddf_xpath(struct mddf_doc *d, const char *expr, xmlNode *ctx)
{
    d->xp->node = ctx ? ctx : (xmlNode *)d->doc;
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, d->xp);
    if (!o)
        return NULL;
    if (o->type != XPATH_NODESET || !o->nodesetval || o->nodesetval->nodeNr == 0) {
        xmlXPathFreeObject(o);
        return NULL;
    }
    return o;
}

int mddf_count(struct mddf_doc *d, const char *expr, xmlNode *ctx)
{
    xmlXPathObjectPtr o = mddf_xpath(d, expr, ctx);
    int n = o ? o->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(o);
    return n;
}

/* The value of an element (collapsed text) or attribute node; malloc'd. */
static char *node_value(const xmlNode *n)
{
    return xmlsafe_text(n);
}

char *mddf_md_text(struct mddf_doc *d, const xmlNode *node, const char *local)
{
    xmlNode *c = xmlsafe_child(node, d->ns_md, local);
    return c ? xmlsafe_text(c) : xstrdup("");
}

/* ------------------------------------------------------------------ */
/* identifiers                                                        */
/* ------------------------------------------------------------------ */

static bool has_space(const char *s)
{
    for (; *s; s++)
        if (isspace((unsigned char)*s))
            return true;
    return false;
}

static bool hexdig(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

/* "XXXX-XXXX-XXXX-XXXX-XXXX-C": five groups of four upper-case hex digits and a check character. */
static size_t eidr_suffix_len(const char *s)
{
    for (int g = 0; g < 5; g++) {
        for (int i = 0; i < 4; i++)
            if (!hexdig(s[g * 5 + i]))
                return 0;
        if (s[g * 5 + 4] != '-')
            return 0;
    }
    char c = s[25];
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')))
        return 0;
    return 26;
}

static bool eidr_ssid_ok(const char *scheme, const char *ssid)
{
    if (!strcmp(scheme, "eidr-s")) {
        return eidr_suffix_len(ssid) == 26 && ssid[26] == '\0';
    } else if (!strcmp(scheme, "eidr-x")) {
        return eidr_suffix_len(ssid) == 26 && ssid[26] == ':' && ssid[27] != '\0';
    } else if (!strcmp(scheme, "eidr-urn")) {
        const char *p = "urn:eidr:10.5240:";
        return !strncmp(ssid, p, strlen(p)) && eidr_suffix_len(ssid + strlen(p)) == 26 &&
               ssid[strlen(p) + 26] == '\0';
    } else if (!strcmp(scheme, "eidr")) {
        return !strncmp(ssid, "10.", 3) && isdigit((unsigned char)ssid[3]) &&
               isdigit((unsigned char)ssid[4]) && isdigit((unsigned char)ssid[5]) &&
               isdigit((unsigned char)ssid[6]) && ssid[7] == '/' &&
               eidr_suffix_len(ssid + 8) == 26 && ssid[34] == '\0';
    }
    return true;
}

void mddf_check_id(struct mddf_doc *d, const xmlNode *node, const char *value, const char *type)
{
    const char *clause = "MovieLabs Best Practices for Manifest/Avails Delivery (BP-META-MMMD), "
                         "Sec. 3 Identifiers";
    /* md:<type>:<scheme>:<SSID>: three colon-free parts, then the SSID (which may hold colons). */
    const char *c1 = strchr(value, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    const char *c3 = c2 ? strchr(c2 + 1, ':') : NULL;
    if (has_space(value) || !c3 || c1 == value || c2 == c1 + 1 || c3 == c2 + 1 || !c3[1]) {
        struct mddf_ev ev = {.observed = value,
                             .expected = "md:<type>:<scheme>:<SSID>, e.g. "
                                         "md:cid:eidr-s:E6CA-AB58-E298-7BA0-E574-V",
                             .clause = clause,
                             .fix = "Build identifiers as md:<type>:<scheme>:<SSID> with no "
                                    "spaces; derive them from the title's EIDR ID where you can."};
        mddf_report(d, node, SEV_WARNING, "md.id.syntax", &ev,
                    "The identifier does not follow the md:<type>:<scheme>:<SSID> form that "
                    "partners and tools rely on.");
        return;
    }
    char *id_type = xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
    char *scheme = xstrndup(c2 + 1, (size_t)(c3 - c2 - 1));
    const char *ssid = c3 + 1;
    if (!eidr_ssid_ok(scheme, ssid)) {
        char exp[160];
        snprintf(exp, sizeof exp, "%s SSID %s", scheme,
                 !strcmp(scheme, "eidr-x")     ? "XXXX-XXXX-XXXX-XXXX-XXXX-C:<extension>"
                 : !strcmp(scheme, "eidr-urn") ? "urn:eidr:10.5240:XXXX-XXXX-XXXX-XXXX-XXXX-C"
                 : !strcmp(scheme, "eidr")     ? "10.5240/XXXX-XXXX-XXXX-XXXX-XXXX-C"
                                               : "XXXX-XXXX-XXXX-XXXX-XXXX-C");
        struct mddf_ev ev = {.observed = ssid,
                             .expected = exp,
                             .clause = "EIDR ID Format (EIDR-IDF), as required by BP-META-MMMD "
                                       "Sec. 3",
                             .fix = "Copy the EIDR ID exactly: five groups of four upper-case "
                                    "hexadecimal digits and the check character, e.g. "
                                    "E6CA-AB58-E298-7BA0-E574-V."};
        mddf_report(d, node, SEV_ERROR, "md.id.eidr", &ev,
                    "The identifier says it uses the %s scheme but its SSID is not an EIDR ID.",
                    scheme);
    }
    if (type && strcmp(id_type, type) != 0) {
        char exp[96];
        snprintf(exp, sizeof exp, "md:%s:<scheme>:<SSID>", type);
        struct mddf_ev ev = {.observed = value,
                             .expected = exp,
                             .clause = clause,
                             .fix = "Use the identifier type the specification recommends for "
                                    "this element, so the ID says what it names."};
        mddf_report(d, node, SEV_WARNING, "md.id.type", &ev,
                    "The identifier's type is '%s'; the recommended type here is '%s'.", id_type,
                    type);
    }
    free(id_type);
    free(scheme);
}

static void ids_add(struct mddf_ids *ids, const char *kind, const char *value, const xmlNode *node)
{
    if (ids->n == ids->cap) {
        ids->cap = ids->cap ? ids->cap * 2 : 32;
        ids->v = xrealloc(ids->v, ids->cap * sizeof *ids->v);
    }
    ids->v[ids->n++] = (struct mddf_id){.kind = kind, .value = xstrdup(value), .node = node};
    ids->sorted = false;
}

static int cmp_id(const void *a, const void *b)
{
    const struct mddf_id *x = a, *y = b;
    int c = strcmp(x->kind, y->kind);
    if (!c)
        c = strcmp(x->value, y->value);
    if (!c)
        c = (xmlsafe_line(x->node) > xmlsafe_line(y->node)) -
            (xmlsafe_line(x->node) < xmlsafe_line(y->node));
    return c;
}

struct mddf_id *mddf_ids_find(struct mddf_ids *ids, const char *kind, const char *value)
{
    if (!ids->sorted) {
        if (ids->n > 1)
            qsort(ids->v, ids->n, sizeof *ids->v, cmp_id);
        ids->sorted = true;
    }
    size_t lo = 0, hi = ids->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(ids->v[mid].kind, kind);
        if (!c)
            c = strcmp(ids->v[mid].value, value);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < ids->n && !strcmp(ids->v[lo].kind, kind) && !strcmp(ids->v[lo].value, value))
        return &ids->v[lo];
    return NULL;
}

void mddf_ids_collect(struct mddf_doc *d, struct mddf_ids *ids, const char *kind, const char *expr,
                      const char *attr, const char *type, bool required)
{
    xmlXPathObjectPtr o = mddf_xpath(d, expr, NULL);
    char clause[160];
    snprintf(clause, sizeof clause, "%s %d.%d: %s@%s", mddf_spec_name(d), d->version / 100,
             d->version % 100, kind, attr);
    EACH_NODE(o, i, el) {
        char *v = xmlsafe_attr(el, attr);
        if (!v || !*v) {
            {
                char exp[96];
                snprintf(exp, sizeof exp, "a %s attribute naming this %s uniquely", attr, kind);
                struct mddf_ev ev = {.observed = v ? "\"\"" : "(absent)",
                                     .expected = exp,
                                     .clause = clause,
                                     .fix = "Give the element its identifier; other parts of "
                                            "the file refer to it by this ID."};
                mddf_report(d, el, required ? SEV_ERROR : SEV_WARNING, "md.id.missing", &ev,
                            "This %s has no %s, so nothing can refer to it.", kind, attr);
            }
            free(v);
            continue;
        }
        ids_add(ids, kind, v, el);
        xmlAttr *a = xmlHasProp(el, (const xmlChar *)attr);
        mddf_check_id(d, a ? (const xmlNode *)a : el, v, type);
        free(v);
    }
    xmlXPathFreeObject(o);
    /* duplicates: after one sort, equal IDs of this kind are neighbours, the first line first */
    if (ids->n > 1)
        qsort(ids->v, ids->n, sizeof *ids->v, cmp_id);
    ids->sorted = true;
    for (size_t i = 1; i < ids->n; i++) {
        const struct mddf_id *prev = &ids->v[i - 1], *cur = &ids->v[i];
        if (strcmp(cur->kind, kind) != 0 || strcmp(prev->kind, kind) != 0 ||
            strcmp(cur->value, prev->value) != 0)
            continue;
        size_t first = i - 1;
        while (first > 0 && !strcmp(ids->v[first - 1].kind, kind) &&
               !strcmp(ids->v[first - 1].value, cur->value))
            first--;
        long first_line = xmlsafe_line(ids->v[first].node);
        char exp[96];
        snprintf(exp, sizeof exp, "an ID not used by the %s at line %ld", kind, first_line);
        struct mddf_ev ev = {.observed = cur->value,
                             .expected = exp,
                             .clause = "MovieLabs Common Metadata, Sec. 2.1 Identifiers "
                                       "(unique within their scope)",
                             .fix = "Give each element its own identifier; if the two "
                                    "elements describe the same thing, keep only one."};
        mddf_report(d, cur->node, SEV_ERROR, "md.id.duplicate", &ev,
                    "Two %s elements have the same %s (the first at line %ld).", kind, attr,
                    first_line);
    }
}

void mddf_ids_resolve(struct mddf_doc *d, struct mddf_ids *ids, const char *expr, const char *kind,
                      enum severity sev)
{
    xmlXPathObjectPtr o = mddf_xpath(d, expr, NULL);
    EACH_NODE(o, i, n) {
        char *v = node_value(n);
        if (!*v) {
            free(v);
            continue;
        }
        struct mddf_id *id = mddf_ids_find(ids, kind, v);
        if (id) {
            id->refs++;
        } else {
            char exp[128], clause[160];
            snprintf(exp, sizeof exp, "the ID of a %s defined in this file", kind);
            snprintf(clause, sizeof clause, "%s %d.%d: references resolve within the manifest",
                     mddf_spec_name(d), d->version / 100, d->version % 100);
            struct mddf_ev ev = {.observed = v,
                                 .expected = exp,
                                 .clause = clause,
                                 .fix = "Correct the reference (a typing slip is the usual "
                                        "cause) or add the element it names."};
            mddf_report(d, n->type == XML_ATTRIBUTE_NODE ? n->parent : n, sev, "md.id.unresolved",
                        &ev, "This refers to %s %s that is not defined in this file.",
                        strchr("AEIOU", kind[0]) ? "an" : "a", kind);
        }
        free(v);
    }
    xmlXPathFreeObject(o);
}

void mddf_ids_free(struct mddf_ids *ids)
{
    for (size_t i = 0; i < ids->n; i++)
        free(ids->v[i].value);
    free(ids->v);
    memset(ids, 0, sizeof *ids);
}

/* ------------------------------------------------------------------ */
/* languages, countries, currencies                                   */
/* ------------------------------------------------------------------ */

static bool mddf_namespace(struct mddf_doc *d, const xmlNode *n)
{
    if (n->type == XML_ATTRIBUTE_NODE)
        return !n->ns; /* MDDF attributes are unqualified */
    const char *ns = n->ns && n->ns->href ? (const char *)n->ns->href : "";
    return !strcmp(ns, d->ns_md) || (d->ns_root && !strcmp(ns, d->ns_root));
}

/*
 * An extended language subtag (three letters after the language) is well-formed BCP 47 but only
 * valid for a few registered pairs (zh-yue); in MDDF files it is nearly always a region written
 * with three letters ("en-USA"), so it is refused with that explanation.
 */
static bool extlang_like(const char *tag, char sub[4])
{
    const char *h = strchr(tag, '-');
    if (!h)
        return false;
    const char *s = h + 1;
    size_t n = strcspn(s, "-");
    if (n != 3 || !isalpha((unsigned char)s[0]) || !isalpha((unsigned char)s[1]) ||
        !isalpha((unsigned char)s[2]))
        return false;
    memcpy(sub, s, 3);
    sub[3] = '\0';
    return true;
}

static void check_language(struct mddf_doc *d, const xmlNode *n)
{
    char *v = node_value(n);
    struct buf canon = {0}, why = {0};
    char clause[160];
    mddf_cm_clause(d, "Sec. 2.5 Language encoding (RFC 5646 / BCP 47)", clause, sizeof clause);
    const char *fix = "Write the language as a BCP 47 tag: the ISO 639 code (two letters where "
                      "there is one), then optionally a script and a region, e.g. en, en-US, "
                      "es-419, zh-Hans, pt-BR.";
    const char *expected = "a BCP 47 language tag such as en, en-US, es-419, zh-Hans";
    char sub[4];
    if (!*v) {
        struct mddf_ev ev = {
            .observed = "\"\"", .expected = expected, .clause = clause, .fix = fix};
        mddf_report(d, n, SEV_ERROR, "md.language.invalid", &ev, "The language is empty.");
    } else if (strlen(v) > 64) {
        struct mddf_ev ev = {.expected = expected, .clause = clause, .fix = fix};
        mddf_report(d, n, SEV_ERROR, "md.language.invalid", &ev,
                    "The language value is %zu characters long; no language tag is.", strlen(v));
    } else if (extlang_like(v, sub)) {
        struct mddf_ev ev = {.observed = v, .expected = expected, .clause = clause, .fix = fix};
        mddf_report(d, n, SEV_ERROR, "md.language.invalid", &ev,
                    "\"%s\" has '%s' where a region belongs: regions are two letters (US) or "
                    "three digits (419), and three-letter extended language subtags are not used "
                    "in MDDF.",
                    v, sub);
    } else {
        int rc = codes_language_check(v, &canon, &why);
        if (rc != CODES_OK) {
            struct mddf_ev ev = {.observed = v, .expected = expected, .clause = clause, .fix = fix};
            mddf_report(d, n, SEV_ERROR, "md.language.invalid", &ev, "The language \"%s\" %s.", v,
                        buf_str(&why));
        }
    }
    buf_free(&canon);
    buf_free(&why);
    free(v);
}

static void check_languages(struct mddf_doc *d)
{
    xmlXPathObjectPtr o = mddf_xpath(
        d,
        "//*[not(*)][substring(local-name(), string-length(local-name()) - 6) = 'anguage'] | "
        "//@*[substring(local-name(), string-length(local-name()) - 6) = 'anguage']",
        NULL);
    EACH_NODE(o, i, n) {
        if (mddf_namespace(d, n))
            check_language(d, n);
    }
    xmlXPathFreeObject(o);
}

static void check_countries(struct mddf_doc *d)
{
    char clause[160];
    mddf_cm_clause(d, "Sec. 2.6 Country and region (ISO 3166-1 alpha-2)", clause, sizeof clause);
    xmlXPathObjectPtr o = mddf_xpath(d, "//md:country", NULL);
    EACH_NODE(o, i, n) {
        char *v = node_value(n);
        char canon[3];
        int rc = *v ? codes_territory_check(v, canon) : CODES_ERR_SYNTAX;
        if (rc != CODES_OK) {
            struct mddf_ev ev = {.observed = *v ? v : "\"\"",
                                 .expected = "an ISO 3166-1 alpha-2 country code such as US, "
                                             "DE, GB",
                                 .clause = clause,
                                 .fix = "Use the two-letter ISO 3166-1 code of the country "
                                        "(GB, not UK; US, not USA)."};
            mddf_report(d, n, SEV_ERROR, "md.country.invalid", &ev,
                        rc == CODES_ERR_SYNTAX ? "\"%s\" is not a two-letter country code."
                                               : "\"%s\" is not an ISO 3166-1 country code.",
                        v);
        } else if (strcmp(canon, v) != 0) {
            struct mddf_ev ev = {.observed = v,
                                 .normalised = canon,
                                 .expected = canon,
                                 .clause = clause,
                                 .fix = "Write country codes in capitals."};
            mddf_report(d, n, SEV_WARNING, "md.country.case", &ev,
                        "Country codes are written in capitals; \"%s\" was read as %s.", v, canon);
        }
        free(v);
    }
    xmlXPathFreeObject(o);
    mddf_cm_clause(d, "Sec. 2.6 Country and region (ISO 3166-2 subdivision)", clause,
                   sizeof clause);
    o = mddf_xpath(d, "//md:countryRegion", NULL);
    EACH_NODE(o, i, n) {
        char *v = node_value(n);
        char cc[3] = {0}, canon[3];
        size_t len = strlen(v);
        bool ok = len >= 4 && len <= 6 && v[2] == '-';
        if (ok) {
            memcpy(cc, v, 2);
            ok = isupper((unsigned char)v[0]) && isupper((unsigned char)v[1]) &&
                 codes_territory_check(cc, canon) == CODES_OK;
            for (size_t k = 3; ok && k < len; k++)
                ok = isupper((unsigned char)v[k]) || isdigit((unsigned char)v[k]);
        }
        if (!ok) {
            struct mddf_ev ev = {.observed = *v ? v : "\"\"",
                                 .expected = "an ISO 3166-2 subdivision code such as CA-QC or "
                                             "US-CA",
                                 .clause = clause,
                                 .fix = "Write a subdivision as the country code, a hyphen and "
                                        "the subdivision (CA-QC); use <md:country> for a whole "
                                        "country."};
            mddf_report(d, n, SEV_ERROR, "md.region.invalid", &ev,
                        "\"%s\" is not an ISO 3166-2 subdivision code.", v);
        }
        free(v);
    }
    xmlXPathFreeObject(o);
}

static void check_currencies(struct mddf_doc *d)
{
    char clause[160];
    mddf_cm_clause(d, "Sec. 2.7 Currency (ISO 4217)", clause, sizeof clause);
    xmlXPathObjectPtr o = mddf_xpath(d, "//@currency", NULL);
    EACH_NODE(o, i, n) {
        char *v = node_value(n);
        if (!codes_currency(v)) {
            char up[8] = {0};
            for (size_t k = 0; k < 3 && v[k]; k++)
                up[k] = (char)toupper((unsigned char)v[k]);
            bool case_only = strlen(v) == 3 && codes_currency(up);
            struct mddf_ev ev = {.observed = v,
                                 .normalised = case_only ? up : NULL,
                                 .expected = "an ISO 4217 currency code such as USD, EUR, GBP",
                                 .clause = clause,
                                 .fix = "Use the three capital letters of the ISO 4217 code."};
            mddf_report(d, n->parent, SEV_ERROR, "md.currency.invalid", &ev,
                        case_only ? "\"%s\" is written in the wrong case: currency codes are "
                                    "three capital letters."
                                  : "\"%s\" is not an ISO 4217 currency code.",
                        v);
        }
        free(v);
    }
    xmlXPathFreeObject(o);
}

/* ------------------------------------------------------------------ */
/* controlled vocabularies                                            */
/* ------------------------------------------------------------------ */

static void describe_terms(const struct mddf_vocab *v, int ver, struct buf *b)
{
    size_t n = 0;
    for (size_t i = 0; i < v->n_terms; i++) {
        const struct mddf_term *t = &v->terms[i];
        if (ver && (ver < t->since || ver > t->until))
            continue;
        if (n == 24) {
            buf_puts(b, ", ...");
            break;
        }
        buf_printf(b, "%s%s", n++ ? ", " : "one of: ", t->value);
    }
}

static void check_vocab_value(struct mddf_doc *d, const struct mddf_vocab *v, int ver,
                              const xmlNode *n)
{
    char *val = node_value(n);
    if (!*val) {
        free(val);
        return;
    }
    const struct mddf_term *exact_any = NULL, *fold = NULL;
    for (size_t i = 0; i < v->n_terms; i++) {
        const struct mddf_term *t = &v->terms[i];
        bool in_ver = !ver || (ver >= t->since && ver <= t->until);
        if (!strcmp(t->value, val)) {
            if (in_ver) {
                free(val);
                return;
            }
            exact_any = t;
        } else if (!strcasecmp(t->value, val) && in_ver) {
            fold = t;
        }
    }
    const xmlNode *at = n->type == XML_ATTRIBUTE_NODE ? n->parent : n;
    struct buf exp = {0};
    describe_terms(v, ver, &exp);
    char clause[200];
    snprintf(clause, sizeof clause, "%s", v->clause);
    const char *what = v->name;
    if (fold) {
        struct mddf_ev ev = {.observed = val,
                             .normalised = fold->value,
                             .expected = fold->value,
                             .clause = clause,
                             .fix = "Write the term exactly as the specification spells it; "
                                    "values are case-sensitive."};
        mddf_report(d, at, SEV_WARNING, "md.vocab.case", &ev,
                    "\"%s\" matches the %s term \"%s\" only when case is ignored; it was read as "
                    "\"%s\".",
                    val, what, fold->value, fold->value);
    } else if (exact_any) {
        char since[64];
        snprintf(since, sizeof since, "%s %d.%d",
                 v->family == 'm' ? "Media Manifest" : "Common Metadata", exact_any->since / 100,
                 exact_any->since % 100);
        struct mddf_ev ev = {.observed = val,
                             .expected = buf_str(&exp),
                             .clause = clause,
                             .fix = "Declare the specification version that defines this term, "
                                    "or use a term of the version you declare."};
        mddf_report(d, at, SEV_WARNING, "md.vocab.version", &ev,
                    "\"%s\" is a %s term from %s on; this file declares version %d.%d.", val, what,
                    since, ver / 100, ver % 100);
    } else {
        struct mddf_ev ev = {.observed = val,
                             .expected = buf_str(&exp),
                             .clause = clause,
                             .fix = "Use one of the terms the specification defines (they are "
                                    "case-sensitive)."};
        mddf_report(d, at, v->strict ? SEV_ERROR : SEV_WARNING, "md.vocab.unknown", &ev,
                    "\"%s\" is not %s %s term%s.", val, strchr("AEIOU", what[0]) ? "an" : "a", what,
                    v->strict ? "" : " (other values need the agreement of both parties)");
    }
    buf_free(&exp);
    free(val);
}

static void check_vocabularies(struct mddf_doc *d)
{
    for (size_t k = 0; k < sizeof mddf_vocabs / sizeof mddf_vocabs[0]; k++) {
        const struct mddf_vocab *v = &mddf_vocabs[k];
        int ver = 0;
        if (v->family == 'm') {
            if (d->kind != CHECK_MANIFEST)
                continue;
            ver = d->version;
        } else if (v->family == 'c') {
            ver = d->cm_version;
        }
        if (ver) {
            /* A list that starts after the file's version did not exist for it: nothing to
             * check. A file newer than our lists is checked against the newest list. */
            int lo = 9999, hi = 0;
            for (size_t i = 0; i < v->n_terms; i++) {
                lo = v->terms[i].since < lo ? v->terms[i].since : lo;
                hi = v->terms[i].until > hi ? v->terms[i].until : hi;
            }
            if (ver < lo)
                continue;
            ver = ver > hi ? hi : ver;
        }
        if (!v->scope) {
            xmlXPathObjectPtr o = mddf_xpath(d, v->xpath, NULL);
            EACH_NODE(o, i, n) {
                check_vocab_value(d, v, ver, n);
            }
            xmlXPathFreeObject(o);
            continue;
        }
        char scope[96];
        snprintf(scope, sizeof scope, d->kind == CHECK_MANIFEST ? "//manifest:%s" : "//md:%s",
                 v->scope);
        xmlXPathObjectPtr so = mddf_xpath(d, scope, NULL);
        EACH_NODE(so, i, s) {
            xmlXPathObjectPtr o = mddf_xpath(d, v->xpath, s);
            EACH_NODE(o, j, n) {
                check_vocab_value(d, v, ver, n);
            }
            xmlXPathFreeObject(o);
        }
        xmlXPathFreeObject(so);
    }
}

/* ------------------------------------------------------------------ */
/* ratings                                                            */
/* ------------------------------------------------------------------ */

static bool special_rating(const char *v)
{
    return !strcmp(v, "ALL") || !strcmp(v, "UNRATED") || !strcmp(v, "ADULT") ||
           !strcmp(v, "PROSCRIBED");
}

static void check_rating(struct mddf_doc *d, xmlNode *r)
{
    const struct ratings_db *db = d->opts ? d->opts->ratings : NULL;
    xmlNode *sys_el = xmlsafe_child(r, d->ns_md, "System");
    xmlNode *val_el = xmlsafe_child(r, d->ns_md, "Value");
    xmlNode *region = xmlsafe_child(r, d->ns_md, "Region");
    xmlNode *country_el = xmlsafe_child(region, d->ns_md, "country");
    xmlNode *sub_el = xmlsafe_child(region, d->ns_md, "countryRegion");
    char *sys = sys_el ? xmlsafe_text(sys_el) : xstrdup("");
    char *val = val_el ? xmlsafe_text(val_el) : xstrdup("");
    char *country = country_el ? xmlsafe_text(country_el) : NULL;
    char *sub = sub_el ? xmlsafe_text(sub_el) : NULL;
    char clause[160];
    mddf_cm_clause(d, "Sec. 4.2 Ratings; MovieLabs Common Metadata Ratings (CMR)", clause,
                   sizeof clause);
    if (!db || !*sys || !strncmp(sys, "Custom:", 7))
        goto done; /* empty values are md.value.empty; custom systems are by agreement */
    if (!ratings_has_system(db, sys)) {
        struct mddf_ev ev = {.observed = sys,
                             .expected = "a rating system of the MovieLabs ratings database, "
                                         "e.g. MPAA, BBFC, FSK",
                             .clause = clause,
                             .fix = "Use the system's CMR identifier (MPAA, not MPA), or "
                                    "\"Custom:<name>\" for a system agreed with us."};
        mddf_report(d, sys_el, SEV_ERROR, "md.rating.system_unknown", &ev,
                    "\"%s\" is not a rating system of the MovieLabs ratings database.", sys);
        goto done;
    }
    const char *cc = country && *country ? country : NULL;
    bool deprecated = false;
    if (*val && !special_rating(val) && !ratings_has_value(db, sys, cc, val, &deprecated)) {
        struct buf exp = {0};
        ratings_describe(db, sys, cc, false, 30, &exp);
        struct mddf_ev ev = {.observed = val,
                             .expected = buf_str(&exp),
                             .clause = clause,
                             .fix = "Use one of the system's ratings exactly as CMR spells "
                                    "them (PG-13, not PG13)."};
        mddf_report(d, val_el, SEV_ERROR, "md.rating.value_unknown", &ev,
                    "The %s rating system has no rating \"%s\".", sys, val);
        buf_free(&exp);
    } else if (deprecated) {
        struct buf exp = {0};
        ratings_describe(db, sys, cc, false, 30, &exp);
        struct mddf_ev ev = {.observed = val,
                             .expected = buf_str(&exp),
                             .clause = clause,
                             .fix = "Use the rating the title holds today, if it was re-rated."};
        mddf_report(d, val_el, SEV_WARNING, "md.rating.value_deprecated", &ev,
                    "The %s rating system has withdrawn the rating \"%s\".", sys, val);
        buf_free(&exp);
    }
    const char *sc = sub && *sub ? sub : NULL;
    bool has_region = sc || (cc && codes_territory_check(cc, (char[3]){0}) == CODES_OK);
    if (has_region && !ratings_used_in(db, sys, cc, sc)) {
        struct buf exp = {0};
        ratings_describe_regions(db, sys, &exp);
        struct mddf_ev ev = {.observed = sc ? sc : cc,
                             .expected = buf_str(&exp),
                             .clause = clause,
                             .fix = "Check the rating's region: each rating applies where its "
                                    "system is official."};
        mddf_report(d, sub_el ? sub_el : country_el, SEV_WARNING, "md.rating.region", &ev,
                    "The %s rating system is not used in %s.", sys, sc ? sc : cc);
        buf_free(&exp);
    }
    if (ratings_defines_reasons(db, sys, cc)) {
        for (xmlNode *c = r->children; c; c = c->next) {
            if (!xmlsafe_is(c, d->ns_md, "Reason"))
                continue;
            char *reason = xmlsafe_text(c);
            if (*reason && !ratings_has_reason(db, sys, cc, reason)) {
                struct buf exp = {0};
                ratings_describe(db, sys, cc, true, 40, &exp);
                struct mddf_ev ev = {.observed = reason,
                                     .expected = buf_str(&exp),
                                     .clause = clause,
                                     .fix = "Use the system's reason codes (e.g. D, L, V), not "
                                            "free text."};
                mddf_report(d, c, SEV_ERROR, "md.rating.reason_unknown", &ev,
                            "The %s rating system has no reason code \"%s\".", sys, reason);
                buf_free(&exp);
            }
            free(reason);
        }
    }
done:
    free(sys);
    free(val);
    free(country);
    free(sub);
}

static void check_ratings(struct mddf_doc *d)
{
    xmlXPathObjectPtr o = mddf_xpath(d, "//md:Rating", NULL);
    EACH_NODE(o, i, r) {
        check_rating(d, r);
    }
    xmlXPathFreeObject(o);
}

/* ------------------------------------------------------------------ */
/* digital assets and other structure                                 */
/* ------------------------------------------------------------------ */

static bool single_channel_name(const char *v)
{
    for (size_t i = 0;
         i < sizeof mddf_single_channel_mappings / sizeof mddf_single_channel_mappings[0]; i++)
        if (!strcmp(v, mddf_single_channel_mappings[i]))
            return true;
    return false;
}

static void check_audio(struct mddf_doc *d, xmlNode *audio)
{
    char clause[160];
    xmlNode *ch_el = xmlsafe_child(audio, d->ns_md, "Channels");
    if (ch_el) {
        char *chs = xmlsafe_text(ch_el);
        char *end = NULL;
        long channels = strtol(chs, &end, 10);
        bool num = *chs && end && !*end;
        xmlXPathObjectPtr o = num ? mddf_xpath(d, "./md:Encoding/md:ChannelMapping", audio) : NULL;
        EACH_NODE(o, i, m) {
            char *map = xmlsafe_text(m);
            bool single = single_channel_name(map);
            /* Later versions also admit registered channel label identifiers ("NSC001"), which
             * cannot be told single or multiple here: only descriptive names are judged. */
            bool label_id =
                isupper((unsigned char)map[0]) && strpbrk(map, "0123456789") && !strchr(map, ' ');
            if (*map && !label_id && ((channels > 1 && single) || (channels < 2 && !single))) {
                mddf_cm_clause(d, "Sec. 5.2.3 Audio Encoding ChannelMapping", clause,
                               sizeof clause);
                struct mddf_ev ev = {
                    .observed = map,
                    .expected = channels > 1 ? "a mapping of several channels (not a single "
                                               "channel name) for multi-channel audio"
                                             : "a single channel name (Mono, Left, Center, ...) "
                                               "for one channel",
                    .clause = clause,
                    .fix = "Make Channels and ChannelMapping agree: count the channels of the "
                           "track, and describe each track's mapping accordingly."};
                mddf_report(d, ch_el, SEV_ERROR, "md.audio.channel_mapping", &ev,
                            "Channels says %ld but the ChannelMapping \"%s\" (line %ld) %s.",
                            channels, map, xmlsafe_line(m),
                            channels > 1 ? "names a single channel" : "is not a single channel");
            }
            free(map);
        }
        xmlXPathFreeObject(o);
        free(chs);
    }
    xmlXPathObjectPtr o = mddf_xpath(
        d,
        "./md:SubType[normalize-space(.) = 'Director' or normalize-space(.) = 'Actor' or "
        "normalize-space(.) = 'ActorDirector']",
        audio);
    if (o && mddf_count(d, "./md:Type[normalize-space(.) = 'commentary']", audio) == 0) {
        char *t = mddf_md_text(d, audio, "Type");
        char *st = xmlsafe_text(o->nodesetval->nodeTab[0]);
        mddf_cm_clause(d, "Sec. 5.2.2 Audio Type and SubType", clause, sizeof clause);
        struct mddf_ev ev = {.observed = st,
                             .expected = "Type commentary for SubType Director, Actor or "
                                         "ActorDirector",
                             .clause = clause,
                             .fix = "Set the track's Type to commentary, or remove the "
                                    "commentary SubType."};
        mddf_report(d, o->nodesetval->nodeTab[0], SEV_ERROR, "md.audio.subtype", &ev,
                    "SubType \"%s\" describes a commentary track, but the track's Type is "
                    "\"%s\".",
                    st, *t ? t : "(none)");
        free(t);
        free(st);
    }
    xmlXPathFreeObject(o);
}

static void check_video(struct mddf_doc *d, xmlNode *video)
{
    xmlXPathObjectPtr o = mddf_xpath(d, "./md:Picture/md:Progressive", video);
    EACH_NODE(o, i, p) {
        char *prog = xmlsafe_text(p);
        char *order = xmlsafe_attr(p, "scanOrder");
        if (order &&
            ((!strcmp(prog, "false") && (!strcmp(order, "PFF") || !strcmp(order, "PPF"))) ||
             (!strcmp(prog, "true") && (!strcmp(order, "TFF") || !strcmp(order, "BFF"))))) {
            char clause[160];
            mddf_cm_clause(d, "Sec. 5.2.6.2 Progressive@scanOrder", clause, sizeof clause);
            struct mddf_ev ev = {.observed = order,
                                 .expected = !strcmp(prog, "true")
                                                 ? "PFF (progressive) or no scanOrder"
                                                 : "TFF or BFF (interlaced field order)",
                                 .clause = clause,
                                 .fix = "Make Progressive and scanOrder describe the same "
                                        "picture: true with PFF, false with TFF or BFF."};
            mddf_report(d, p, SEV_ERROR, "md.video.scan_order", &ev,
                        "Progressive is %s but scanOrder is %s.", prog, order);
        }
        free(prog);
        free(order);
    }
    xmlXPathFreeObject(o);
}

static void check_digital_assets(struct mddf_doc *d)
{
    const char *audio = d->kind == CHECK_MANIFEST ? "//manifest:Audio" : "//md:Audio";
    const char *video = d->kind == CHECK_MANIFEST ? "//manifest:Video" : "//md:Video";
    xmlXPathObjectPtr o = mddf_xpath(d, audio, NULL);
    EACH_NODE(o, i, a) {
        check_audio(d, a);
    }
    xmlXPathFreeObject(o);
    o = mddf_xpath(d, video, NULL);
    EACH_NODE(o, i, v) {
        check_video(d, v);
    }
    xmlXPathFreeObject(o);
}

/* The set of Region and ExcludedRegion codes of a LocalizedInfo, as a sorted, joined string. */
static char *region_key(struct mddf_doc *d, xmlNode *li, const char *which)
{
    char expr[128];
    snprintf(expr, sizeof expr, "./md:%s/md:country | ./md:%s/md:countryRegion", which, which);
    xmlXPathObjectPtr o = mddf_xpath(d, expr, li);
    struct buf b = {0};
    EACH_NODE(o, i, n) {
        char *v = xmlsafe_text(n);
        buf_printf(&b, "|%s|", v);
        free(v);
    }
    xmlXPathFreeObject(o);
    if (!b.len)
        buf_puts(&b, "");
    return buf_detach(&b);
}

/* True when two "|a||b|" sets share a member. */
static bool keys_meet(const char *a, const char *b)
{
    for (const char *p = a; (p = strchr(p, '|')) != NULL;) {
        const char *e = strchr(p + 1, '|');
        if (!e)
            break;
        size_t n = (size_t)(e - p + 1);
        char *item = xstrndup(p, n);
        bool hit = strstr(b, item) != NULL;
        free(item);
        if (hit)
            return true;
        p = e + 1;
    }
    return false;
}

static void check_localized_info(struct mddf_doc *d)
{
    xmlXPathObjectPtr parents = mddf_xpath(d, "//*[md:LocalizedInfo]", NULL);
    EACH_NODE(parents, i, p) {
        xmlXPathObjectPtr o = mddf_xpath(d, "./md:LocalizedInfo", p);
        int n = o ? o->nodesetval->nodeNr : 0;
        if (n > 200)
            n = 200; /* pairs are compared; a real title has a few dozen at most */
        char **lang = xcalloc((size_t)n + 1, sizeof *lang);
        char **inc = xcalloc((size_t)n + 1, sizeof *inc);
        char **exc = xcalloc((size_t)n + 1, sizeof *exc);
        for (int k = 0; k < n; k++) {
            xmlNode *li = o->nodesetval->nodeTab[k];
            char *l = xmlsafe_attr(li, "language");
            lang[k] = l ? l : xstrdup("");
            inc[k] = region_key(d, li, "Region");
            exc[k] = region_key(d, li, "ExcludedRegion");
            for (int j = 0; j < k; j++) {
                if (strcasecmp(lang[j], lang[k]) != 0)
                    continue;
                bool both_plain = !*inc[j] && !*exc[j] && !*inc[k] && !*exc[k];
                bool dup = both_plain || keys_meet(inc[j], inc[k]) || keys_meet(exc[j], exc[k]);
                if (!dup)
                    continue;
                char clause[160], obs[200];
                mddf_cm_clause(d, "Sec. 4.1.1 LocalizedInfo (one per language and region)", clause,
                               sizeof clause);
                snprintf(obs, sizeof obs, "language=\"%.16s\"%s%s", lang[k],
                         *inc[k] ? " Region " : "", *inc[k] ? inc[k] : "");
                struct mddf_ev ev = {.observed = obs,
                                     .expected = "one LocalizedInfo per language, region and "
                                                 "excluded region",
                                     .clause = clause,
                                     .fix = "Merge the two LocalizedInfo blocks, or give them "
                                            "different Region / ExcludedRegion so each market "
                                            "gets exactly one."};
                mddf_report(d, li, SEV_ERROR, "md.localizedinfo.duplicate", &ev,
                            "This LocalizedInfo covers the same language and region as the one "
                            "at line %ld; a reader cannot tell which applies.",
                            xmlsafe_line(o->nodesetval->nodeTab[j]));
                break;
            }
        }
        for (int k = 0; k < n; k++) {
            free(lang[k]);
            free(inc[k]);
            free(exc[k]);
        }
        free(lang);
        free(inc);
        free(exc);
        xmlXPathFreeObject(o);
    }
    xmlXPathFreeObject(parents);
}

static void check_resolutions(struct mddf_doc *d)
{
    xmlXPathObjectPtr o = mddf_xpath(
        d,
        "//md:ArtReference/@resolution | //manifest:Picture/manifest:ImageID/@resolution "
        "| //manifest:Picture/manifest:ThumbnailImageID/@resolution | "
        "//md:ImageReference/@resolution",
        NULL);
    EACH_NODE(o, i, a) {
        char *v = node_value(a);
        const char *p = v;
        bool ok = isdigit((unsigned char)*p);
        while (isdigit((unsigned char)*p))
            p++;
        ok = ok && *p == 'x' && isdigit((unsigned char)p[1]);
        if (ok) {
            p++;
            while (isdigit((unsigned char)*p))
                p++;
            ok = !*p;
        }
        if (!ok) {
            char clause[160];
            mddf_cm_clause(d, "Sec. 4.1.1 ArtReference@resolution", clause, sizeof clause);
            struct mddf_ev ev = {.observed = v,
                                 .expected = "<width>x<height> in pixels, e.g. 1920x1080",
                                 .clause = clause,
                                 .fix = "Write the image's size as width x height, e.g. "
                                        "1920x1080."};
            mddf_report(d, a, SEV_ERROR, "md.resolution.invalid", &ev,
                        "\"%s\" is not an image resolution.", v);
        }
        free(v);
    }
    xmlXPathFreeObject(o);
}

/* Leaf elements the schemas require, where an empty value is as good as none. */
static const char *const required_values =
    "//md:Summary190 | //md:TitleDisplay19 | //md:TitleDisplayUnlimited | //md:OriginalTitle | "
    "//md:CopyrightLine | //md:WorkType | //md:ReleaseHistory/md:ReleaseType | "
    "//md:ReleaseYear | //md:ReleaseDate | //md:RunLength | //md:Rating/md:System | "
    "//md:Rating/md:Value | //md:Rating/md:Reason | //md:Job/md:JobFunction | "
    "//md:Name/md:DisplayName | //md:Audio/md:Channels | //md:Encoding/md:Codec | "
    "//manifest:ContainerLocation | //manifest:TrackSelectionNumber | //manifest:ALID | "
    "//manifest:ALIDExperienceMap/manifest:ExperienceID | //manifest:VideoTrackID | "
    "//manifest:AudioTrackID | //manifest:SubtitleTrackID | //manifest:PresentationID | "
    "//manifest:Experience/manifest:ContentID | //manifest:Compatibility/manifest:SpecVersion";

static void check_empty_values(struct mddf_doc *d)
{
    xmlXPathObjectPtr o = mddf_xpath(d, required_values, NULL);
    EACH_NODE(o, i, n) {
        if (n->type != XML_ELEMENT_NODE || xmlFirstElementChild(n))
            continue;
        char *v = xmlsafe_text(n);
        if (!*v) {
            char clause[200];
            snprintf(clause, sizeof clause, "%s %d.%d schema: %s is required", mddf_spec_name(d),
                     d->version / 100, d->version % 100, (const char *)n->name);
            struct mddf_ev ev = {.observed = "\"\"",
                                 .expected = "a value",
                                 .clause = clause,
                                 .fix = "Fill in the value; an element that must be present "
                                        "must not be left empty."};
            mddf_report(d, n, SEV_ERROR, "md.value.empty", &ev, "%s is present but empty.",
                        (const char *)n->name);
        }
        free(v);
    }
    xmlXPathFreeObject(o);
}

/*
 * The rules that are fixed text over an XPath match: every node xpath
 * selects is one finding. Rules that compute what they report stay code.
 */
enum rule_clause {
    RULE_CM,   /* section of Common Metadata (mddf_cm_clause) */
    RULE_SPEC, /* section of the document's own specification (mddf_spec_clause) */
    RULE_TEXT, /* section is the whole clause */
};

struct mddf_rule {
    enum check_kind kind; /* CHECK_MANIFEST, CHECK_MEC, or CHECK_AUTO: both */
    bool mmc_only;        /* only in manifests of the MMC-1 profile */
    int min_version;      /* of the document's own specification (0: any) */
    const char *xpath;
    enum rule_clause clause_of;
    const char *section;
    enum severity sev;
    const char *code, *observed, *expected, *fix, *message;
};

#define MEC_BASIC "/mdmec:CoreMetadata/mdmec:Basic"

static const struct mddf_rule mddf_rules[] = {
    {CHECK_AUTO, false, 0, "//md:Compliance[not(md:Category) and not(md:Standard)]", RULE_CM,
     "Sec. 5.2.9 Compliance", SEV_ERROR, "md.compliance.incomplete",
     "neither Category nor Standard", "a Category or a Standard (or both)",
     "Say what the asset complies with: add <md:Category> or <md:Standard> before the "
     "Disposition.",
     "A Compliance statement must name its Category or Standard; a Disposition alone says "
     "nothing."},
    {CHECK_AUTO, false, 0, "//md:Job[count(md:BillingBlockOrder[not(@region)]) > 1]", RULE_CM,
     "Sec. 4.3 People/Job BillingBlockOrder", SEV_ERROR, "md.people.billing_order",
     "several BillingBlockOrder without region",
     "one default BillingBlockOrder, others with @region",
     "Keep one BillingBlockOrder without region (the default) and give the others a region.",
     "A job has more than one default billing order."},
    {CHECK_MANIFEST, false, 0,
     "//manifest:Inventory/manifest:Metadata[not(manifest:ContainerReference) and "
     "not(manifest:BasicMetadata) and not(manifest:Alias)]",
     RULE_SPEC, "Sec. 3.8 Inventory Metadata", SEV_ERROR, "manifest.metadata.empty",
     "no ContainerReference, BasicMetadata or Alias",
     "a ContainerReference (MEC file), BasicMetadata or Alias",
     "Point the Metadata at its MEC file with a ContainerReference, or include BasicMetadata.",
     "This Metadata element carries no metadata."},
    {CHECK_MANIFEST, false, 0,
     "//manifest:ContainerReference[not(manifest:ContainerIdentifier) and "
     "not(manifest:ContainerLocation) and not(manifest:ParentContainer)]",
     RULE_SPEC, "Sec. 3.2 ContainerReference", SEV_ERROR, "manifest.container.empty",
     "no ContainerLocation, ContainerIdentifier or ParentContainer",
     "where the file is: a ContainerLocation (or an identifier / parent container)",
     "Give the file's path in the package in a <manifest:ContainerLocation>.",
     "This ContainerReference does not say where the file is."},
    {CHECK_MANIFEST, false, 111,
     "//manifest:ContainerReference/manifest:SequenceParsing | "
     "//manifest:ContainerReference/md:SequenceParsing",
     RULE_SPEC, "Sec. 3.2 ContainerReference SequenceParsing", SEV_WARNING,
     "manifest.container.sequence_parsing", "SequenceParsing",
     "no SequenceParsing (its schema definition is faulty in Common Metadata 2.10 and later)",
     "Describe image sequences another way, or agree the use of SequenceParsing with us first.",
     "SequenceParsing should not be used with this version; MovieLabs notes its schema "
     "definition is not correct."},
    {CHECK_MANIFEST, true, 0, "/*[not(normalize-space(@ManifestID))]", RULE_TEXT, MDDF_MMC_CLAUSE,
     SEV_ERROR, "mmc.manifest_id", "(absent)", "a ManifestID on the root element",
     "Give the manifest its identifier (ManifestID=\"md:manifestid:...\").",
     "An MMC manifest must carry a ManifestID."},
    {CHECK_MANIFEST, true, 0, "/*[not(//manifest:ALIDExperienceMap)]", RULE_TEXT, MDDF_MMC_CLAUSE,
     SEV_ERROR, "mmc.alid_map.missing", "no ALIDExperienceMap", "at least one ALIDExperienceMap",
     "Map the avail's ALID to the root Experience in <manifest:ALIDExperienceMaps>.",
     "An MMC manifest must map its ALID to an Experience; without it the package cannot be tied "
     "to its avail."},
    {CHECK_MANIFEST, true, 0,
     "//manifest:Presentation/manifest:TrackMetadata[not(manifest:VideoTrackReference) and "
     "not(manifest:AudioTrackReference) and not(manifest:SubtitleTrackReference)]",
     RULE_TEXT, MDDF_MMC_CLAUSE, SEV_ERROR, "mmc.track_reference.missing", "no track reference",
     "a Video, Audio or Subtitle TrackReference", "Reference the tracks this TrackMetadata plays.",
     "This TrackMetadata names no track."},
    {CHECK_MEC, false, 0, "/*[not(" MEC_BASIC ")]", RULE_SPEC, "Sec. 2 CoreMetadata", SEV_ERROR,
     "mec.basic.missing", "no <mdmec:Basic>", "one <mdmec:Basic> describing the title",
     "Put the title's metadata in <mdmec:Basic>.", "The MEC file has no Basic metadata."},
    {CHECK_MEC, false, 0, MEC_BASIC "[not(md:WorkType)]", RULE_SPEC,
     "Sec. 2.1 Basic Metadata usage", SEV_ERROR, "mec.worktype.missing", "(absent)",
     "a WorkType such as Movie, Episode, Season, Series",
     "Say what the title is with <md:WorkType>.", "The title has no WorkType."},
    {CHECK_MEC, false, 0, MEC_BASIC "[not(md:LocalizedInfo)]", RULE_SPEC,
     "Sec. 2.1 Basic Metadata usage", SEV_ERROR, "mec.localized.missing", "no LocalizedInfo",
     "at least one LocalizedInfo (title, summary, artwork in a language)",
     "Add the title's LocalizedInfo in its original language, marked default=\"true\".",
     "The title has no LocalizedInfo: no title or summary a store could show."},
    {CHECK_MEC, false, 0,
     MEC_BASIC "[not(md:ReleaseDate | md:ReleaseYear | md:ReleaseHistory/md:Date)]", RULE_SPEC,
     "Sec. 2.1 Basic Metadata usage", SEV_ERROR, "mec.release.missing",
     "no ReleaseDate, ReleaseYear or ReleaseHistory date", "the title's original release date",
     "Add <md:ReleaseDate> (YYYY-MM-DD), or at least <md:ReleaseYear>.",
     "The title has no release date."},
    {CHECK_MEC, false, 0, MEC_BASIC "[count(md:ReleaseDate) > 1]", RULE_SPEC,
     "Sec. 2.1 Basic Metadata usage", SEV_ERROR, "mec.release.multiple", "several ReleaseDate",
     "one ReleaseDate (others go in ReleaseHistory)",
     "Keep the original release date in ReleaseDate and list other releases in ReleaseHistory.",
     "The title has more than one ReleaseDate."},
};

/* Runs the rules of mddf_rules that apply to d. */
static void check_rules(struct mddf_doc *d)
{
    for (size_t r = 0; r < sizeof mddf_rules / sizeof mddf_rules[0]; r++) {
        const struct mddf_rule *rule = &mddf_rules[r];
        if ((rule->kind != CHECK_AUTO && rule->kind != d->kind) || (rule->mmc_only && !d->mmc) ||
            d->version < rule->min_version)
            continue;
        char clause[200];
        if (rule->clause_of == RULE_CM)
            mddf_cm_clause(d, rule->section, clause, sizeof clause);
        else if (rule->clause_of == RULE_SPEC)
            mddf_spec_clause(d, rule->section, clause, sizeof clause);
        else
            snprintf(clause, sizeof clause, "%s", rule->section);
        struct mddf_ev ev = {.observed = rule->observed,
                             .expected = rule->expected,
                             .clause = clause,
                             .fix = rule->fix};
        xmlXPathObjectPtr o = mddf_xpath(d, rule->xpath, NULL);
        EACH_NODE(o, i, n) {
            mddf_report(d, n, rule->sev, rule->code, &ev, "%s", rule->message);
        }
        xmlXPathFreeObject(o);
    }
}

void mddf_check_common(struct mddf_doc *d)
{
    check_languages(d);
    check_countries(d);
    check_currencies(d);
    check_vocabularies(d);
    check_ratings(d);
    check_digital_assets(d);
    check_localized_info(d);
    check_resolutions(d);
    check_empty_values(d);
    check_rules(d);
}

int mddf_check_file(const char *path, const char *display_name, enum check_kind want,
                    const struct check_options *opts, struct findings *out, struct buf *why,
                    void (*checks)(struct mddf_doc *d))
{
    const char *file = display_name ? display_name : path;
    if (access(path, R_OK) != 0) {
        if (why)
            buf_printf(why, "%s cannot be read: %s", file, strerror(errno));
        return CHECK_ERR_IO;
    }
    struct mddf_doc d;
    if (mddf_open(&d, path, file, want, opts, out) != 0)
        return CHECK_OK; /* the findings say why it could not be read as the kind wanted */
    mddf_check_common(&d);
    checks(&d);
    mddf_check_schema(&d);
    mddf_close(&d);
    return CHECK_OK;
}

bool mddf_is_duration(const char *s)
{
    /* xs:duration: -?P(nY)?(nM)?(nD)?(T(nH)?(nM)?(n(.n)?S)?)? with at least one part. */
    const char *p = s;
    if (*p == '-')
        p++;
    if (*p++ != 'P')
        return false;
    bool any = false, time = false;
    const char *date_units = "YMD", *time_units = "HMS";
    const char *units = date_units;
    while (*p) {
        if (*p == 'T') {
            if (time)
                return false;
            time = true;
            units = time_units;
            p++;
            if (!*p)
                return false;
            continue;
        }
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
        bool frac = false;
        if (*p == '.') {
            frac = true;
            p++;
            if (!isdigit((unsigned char)*p))
                return false;
            while (isdigit((unsigned char)*p))
                p++;
        }
        const char *u = strchr(units, *p);
        if (!*p || !u || (frac && *p != 'S'))
            return false;
        units = u + 1; /* units must come in order */
        any = true;
        p++;
    }
    return any;
}

/* ------------------------------------------------------------------ */
/* the XSD layer                                                      */
/* ------------------------------------------------------------------ */

struct xsd_entry {
    char *ns;
    char *file; /* full path */
};

struct xsd_dir {
    char *dir;
    struct xsd_entry *e;
    size_t n;
};

struct schema_cache_entry {
    char *file;
    xmlSchemaPtr schema; /* NULL: failed to compile */
};

static pthread_mutex_t schema_lock = PTHREAD_MUTEX_INITIALIZER;
static struct xsd_dir *xsd_dirs;
static size_t n_xsd_dirs;
static struct schema_cache_entry *schema_cache;
static size_t n_schema_cache;

/* Reads targetNamespace="..." from the first 8 KiB of an XSD (operator-supplied, trusted). */
static char *xsd_target_ns(const char *file)
{
    FILE *f = fopen(file, "rb");
    if (!f)
        return NULL;
    char head[8193];
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    head[n] = '\0';
    const char *p = strstr(head, "targetNamespace=\"");
    if (!p)
        return NULL;
    p += strlen("targetNamespace=\"");
    const char *e = strchr(p, '"');
    return e ? xstrndup(p, (size_t)(e - p)) : NULL;
}

/* The (cached) namespace map of dir. Called with schema_lock held. */
static const struct xsd_dir *xsd_dir_get(const char *dir)
{
    for (size_t i = 0; i < n_xsd_dirs; i++)
        if (!strcmp(xsd_dirs[i].dir, dir))
            return &xsd_dirs[i];
    struct xsd_dir x = {.dir = xstrdup(dir)};
    DIR *dh = opendir(dir);
    if (dh) {
        struct dirent *de;
        while ((de = readdir(dh)) != NULL) {
            size_t len = strlen(de->d_name);
            if (len < 5 || strcmp(de->d_name + len - 4, ".xsd") != 0)
                continue;
            char *file = xasprintf("%s/%s", dir, de->d_name);
            char *ns = xsd_target_ns(file);
            if (!ns) {
                free(file);
                continue;
            }
            x.e = xrealloc(x.e, (x.n + 1) * sizeof *x.e);
            x.e[x.n++] = (struct xsd_entry){.ns = ns, .file = file};
        }
        closedir(dh);
    }
    xsd_dirs = xrealloc(xsd_dirs, (n_xsd_dirs + 1) * sizeof *xsd_dirs);
    xsd_dirs[n_xsd_dirs] = x;
    return &xsd_dirs[n_xsd_dirs++];
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/*
 * Picks the XSD for ns: when several files share the namespace (Manifest 1.8 and 1.8.1), the one
 * the document's xsi:schemaLocation names, else the one whose name carries the namespace's own
 * version. Returns a path owned by the cache, or NULL. Called with schema_lock held.
 */
static const char *xsd_for(const struct xsd_dir *x, const char *ns, const char *hint,
                           const char *version_text)
{
    const char *first = NULL, *by_version = NULL;
    for (size_t i = 0; i < x->n; i++) {
        if (strcmp(x->e[i].ns, ns) != 0)
            continue;
        const char *b = base_name(x->e[i].file);
        if (hint && !strcmp(b, hint))
            return x->e[i].file;
        char want[64];
        snprintf(want, sizeof want, "-v%s.xsd", version_text);
        size_t bl = strlen(b), wl = strlen(want);
        if (bl >= wl && !strcmp(b + bl - wl, want))
            by_version = x->e[i].file;
        if (!first)
            first = x->e[i].file;
    }
    return by_version ? by_version : first;
}

static void silent_error(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* The compiled schema of file (cached for the life of the process). Called with schema_lock held.
 */
static xmlSchemaPtr schema_get(const char *file)
{
    for (size_t i = 0; i < n_schema_cache; i++)
        if (!strcmp(schema_cache[i].file, file))
            return schema_cache[i].schema;
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(file);
    xmlSchemaPtr s = NULL;
    if (pc) {
        xmlSchemaSetParserErrors(pc, silent_error, silent_error, NULL);
        s = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
    }
    schema_cache = xrealloc(schema_cache, (n_schema_cache + 1) * sizeof *schema_cache);
    schema_cache[n_schema_cache++] =
        (struct schema_cache_entry){.file = xstrdup(file), .schema = s};
    return s;
}

/* True when s (already trimmed) is a number, boolean, date/time or duration: types XSD collapses.
 */
static bool collapsible_lexical(const char *s)
{
    if (!*s)
        return false;
    if (!strcmp(s, "true") || !strcmp(s, "false"))
        return true;
    if (mddf_is_duration(s))
        return true;
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    bool digits = false;
    while (isdigit((unsigned char)*p)) {
        p++;
        digits = true;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            p++;
            digits = true;
        }
    }
    if (digits && !*p)
        return true;
    /* dates and times: digits with - : T Z + . only */
    for (p = s; *p; p++)
        if (!isdigit((unsigned char)*p) && !strchr("-:T.Z+", *p))
            return false;
    return isdigit((unsigned char)s[0]);
}

/*
 * XSD says every non-string simple type is whiteSpace="collapse", so "<FrameRate>24\n</FrameRate>"
 * is the int 24; libxml2 2.9's validator rejects it. Before validating, the text of leaf elements
 * whose trimmed value is a number, boolean, date or duration is trimmed, which is exactly what
 * collapse does for those types (and cannot make a string-typed value invalid except for a length
 * facet, which MDDF does not put on such values). Returns how many values were trimmed.
 */
static int collapse_typed_values(xmlNode *n)
{
    int changed = 0;
    for (xmlNode *c = n; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        xmlNode *t = c->children;
        if (t && !t->next && t->type == XML_TEXT_NODE && t->content) {
            const char *s = (const char *)t->content;
            size_t len = strlen(s), a = 0, b = len;
            while (a < len && isspace((unsigned char)s[a]))
                a++;
            while (b > a && isspace((unsigned char)s[b - 1]))
                b--;
            if ((a > 0 || b < len) && b > a) {
                char *trim = xstrndup(s + a, b - a);
                if (collapsible_lexical(trim)) {
                    xmlNodeSetContent(t, (const xmlChar *)trim);
                    changed++;
                }
                free(trim);
            }
        } else {
            changed += collapse_typed_values(c->children);
        }
    }
    return changed;
}

struct schema_report {
    struct mddf_doc *d;
    const char *xsd;
    int n;
};

#define MAX_SCHEMA_FINDINGS 50

static void on_schema_error(void *ctx, xmlErrorPtr err)
{
    struct schema_report *r = ctx;
    if (!err || err->level < XML_ERR_ERROR)
        return;
    if (r->n++ >= MAX_SCHEMA_FINDINGS)
        return;
    char msg[600];
    snprintf(msg, sizeof msg, "%s", err->message ? err->message : "schema violation");
    size_t len = strlen(msg);
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
        msg[--len] = '\0';
    char clause[160];
    snprintf(clause, sizeof clause, "MovieLabs XSD %s", r->xsd);
    struct mddf_ev ev = {.expected = "a document valid against the MovieLabs schema",
                         .clause = clause,
                         .fix = "Correct the element as the schema requires (names, order and "
                                "types of elements follow the XSD exactly)."};
    xmlNode *node = err->node;
    if (node && node->type != XML_ELEMENT_NODE && node->type != XML_ATTRIBUTE_NODE)
        node = NULL;
    struct mddf_doc *d = r->d;
    if (node) {
        mddf_report(d, node, SEV_ERROR, "xml.schema", &ev, "Schema: %s", msg);
    } else {
        struct finding f = {0};
        f.code = "xml.schema";
        f.severity = SEV_ERROR;
        f.file = d->file;
        f.line = err->line;
        f.stream = -1;
        f.expected = ev.expected;
        f.clause = ev.clause;
        f.fix = ev.fix;
        char text[640];
        snprintf(text, sizeof text, "Schema: %s", msg);
        f.message = text;
        findings_add(d->fs, &f);
    }
}

void mddf_check_schema(struct mddf_doc *d)
{
    const char *dir = d->opts ? d->opts->mddf_schemas : NULL;
    if (!dir || !d->ns_root)
        return;
    /* the file name the document itself names for its namespace, as a tie-breaker */
    char *hint = NULL;
    xmlChar *sl = xmlGetNsProp(d->root, (const xmlChar *)"schemaLocation",
                               (const xmlChar *)"http://www.w3.org/2001/XMLSchema-instance");
    if (sl) {
        const char *p = strstr((const char *)sl, d->ns_root);
        if (p) {
            p += strlen(d->ns_root);
            while (*p && isspace((unsigned char)*p))
                p++;
            size_t n = strcspn(p, " \t\r\n");
            char *loc = xstrndup(p, n);
            hint = xstrdup(base_name(loc));
            free(loc);
        }
        xmlFree(sl);
    }
    pthread_mutex_lock(&schema_lock);
    const struct xsd_dir *x = xsd_dir_get(dir);
    const char *xsd = xsd_for(x, d->ns_root, hint, d->version_text);
    char *xsd_copy = xsd ? xstrdup(xsd) : NULL;
    xmlSchemaPtr schema = xsd ? schema_get(xsd) : NULL;
    pthread_mutex_unlock(&schema_lock);
    free(hint);
    if (!schema) {
        struct mddf_ev ev = {.observed = d->ns_root,
                             .expected = "an XSD for this namespace in the schema directory",
                             .clause = "vodgate: optional MovieLabs XSD layer",
                             .fix = "Nothing to do for the partner; the operator can add the "
                                    "MovieLabs XSD of this version to the schema directory."};
        mddf_report(d, d->root, SEV_WARNING, "xml.schema.unavailable", &ev,
                    xsd_copy ? "The MovieLabs schema for this namespace (%s) could not be "
                               "compiled; the file was checked without it."
                             : "The schema directory has no MovieLabs schema for this namespace%s; "
                               "the file was checked without it.",
                    xsd_copy ? base_name(xsd_copy) : "");
        free(xsd_copy);
        return;
    }
    collapse_typed_values(d->root);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    struct schema_report r = {.d = d, .xsd = base_name(xsd_copy)};
    xmlSchemaSetValidStructuredErrors(vc, on_schema_error, &r);
    xmlSchemaValidateDoc(vc, d->doc);
    xmlSchemaFreeValidCtxt(vc);
    if (r.n > MAX_SCHEMA_FINDINGS) {
        struct finding f = {0};
        char msg[160];
        snprintf(msg, sizeof msg, "%d further schema errors were not listed.",
                 r.n - MAX_SCHEMA_FINDINGS);
        f.code = "xml.schema";
        f.severity = SEV_ERROR;
        f.file = d->file;
        f.stream = -1;
        f.message = msg;
        f.clause = "MovieLabs XSD";
        findings_add(d->fs, &f);
    }
    free(xsd_copy);
}
