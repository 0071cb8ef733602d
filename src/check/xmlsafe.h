/*
 * The hardened XML reader every XML check uses (Avails XML, manifests, MEC,
 * TTML, the CMR ratings database, schema files).
 *
 * Partners' XML is hostile until proven otherwise. libxml2 reads it with
 * XML_PARSE_NONET (no network, ever), without entity substitution and
 * without loading any DTD; on top of that:
 *   - a document that declares entities in a DOCTYPE is refused as soon as
 *     the declaration is seen (the "billion laughs" expansion bomb, and
 *     external entities, need one; MDDF and TTML never do), with the finding
 *     xml.entities;
 *   - files larger than a limit (default 32 MiB) are refused before reading
 *     (xml.too_large), and elements nested deeper than a limit (default 128)
 *     stop the parse (xml.too_deep);
 *   - every parse error becomes a finding with its line (xml.malformed).
 * Lines come from XML_PARSE_BIG_LINES, so they are right past line 65535.
 *
 * xmlsafe_init() installs libxml2's no-network entity loader process-wide
 * and initialises the library; check_file() calls it (it is idempotent and
 * thread-safe), so callers need not.
 */
#ifndef VG_XMLSAFE_H
#define VG_XMLSAFE_H

#include <libxml/tree.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "check/finding.h"

#define XMLSAFE_MAX_BYTES (32u * 1024 * 1024)
#define XMLSAFE_MAX_DEPTH 128

struct xmlsafe_limits {
    size_t max_bytes; /* 0: XMLSAFE_MAX_BYTES */
    int max_depth;    /* 0: XMLSAFE_MAX_DEPTH */
};

/* Initialises libxml2 once (pthread_once); safe to call from any thread, any number of times. */
void xmlsafe_init(void);

/*
 * Parses data[0..len) (a whole document). On success returns 0 and sets
 * *out (the caller frees it with xmlFreeDoc). On failure returns -1, leaves
 * *out NULL and appends findings (xml.malformed, xml.entities, xml.too_deep,
 * xml.too_large) naming file. lim may be NULL (defaults).
 */
int xmlsafe_parse(const char *data, size_t len, const char *file, const struct xmlsafe_limits *lim,
                  struct findings *fs, xmlDocPtr *out);

/*
 * Reads and parses the file at path, as xmlsafe_parse; a file that cannot be
 * read gives xml.unreadable. file is the name people see. The file is read
 * as it is parsed (its size checked first), never held whole in memory, so
 * a large avails XML costs its tree only.
 */
int xmlsafe_read_file(const char *path, const char *file, const struct xmlsafe_limits *lim,
                      struct findings *fs, xmlDocPtr *out);

/*
 * Reads the whole file at path into b when it is at most max_bytes long.
 * Returns 0, -1 when it cannot be read (errno set), -2 when it is larger
 * (*size gets its size either way when known). Used by the text checks too.
 */
int xmlsafe_slurp(const char *path, size_t max_bytes, struct buf *b, uint64_t *size);

/* The line of node in its document (1-based; 0 when unknown). */
long xmlsafe_line(const xmlNode *node);

/*
 * The element path of node for people: local names from the root, with a
 * 1-based position where siblings share a name:
 * "/MediaManifest/Inventory/Video[2]/Encoding". An attribute node ends in
 * "/@name". Appends to b.
 */
void xmlsafe_path(const xmlNode *node, struct buf *b);

/*
 * The text of node with XML whitespace collapsed (leading and trailing
 * removed, inner runs made one space), as XSD's whiteSpace=collapse reads
 * it. Returns a malloc'd string ("" when none); the caller frees it.
 */
char *xmlsafe_text(const xmlNode *node);

/* The value of attribute name (no namespace) of node, collapsed like xmlsafe_text; NULL when
 * absent. */
char *xmlsafe_attr(const xmlNode *node, const char *name);

/* The first element child of node named local in namespace ns (NULL: any), or NULL. */
xmlNode *xmlsafe_child(const xmlNode *node, const char *ns, const char *local);

/* True when node is an element named local in namespace ns (NULL: any namespace). */
int xmlsafe_is(const xmlNode *node, const char *ns, const char *local);

#endif
