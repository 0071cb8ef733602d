/*
 * What a Media Manifest (manifest.c) and a MEC file (mec.c) have in common:
 * both are MovieLabs MDDF documents built from Common Metadata ("md:")
 * types, so the checks of those types live here once.
 *
 * mddf_open() reads the file with the hardened reader (xmlsafe.h), tells the
 * document's kind and version from its root namespace, and prepares an XPath
 * context where the prefixes md:, manifest: and mdmec: name the document's
 * own namespaces (whatever prefixes the file itself uses). The checks then
 * report through mddf_report(), which fills a finding's place (XML line and
 * element path) from the node.
 *
 * Common checks (mddf_check_common): language tags (BCP 47), countries
 * (ISO 3166-1) and subdivisions (ISO 3166-2 shape), currencies (ISO 4217),
 * the controlled vocabularies of Common Metadata and the Manifest (generated
 * table mddf_vocab.h, per version), ratings against the CMR database when
 * configured, digital-asset consistency (channels and channel mapping, codec
 * profiles and levels, scan order, commentary sub-types, compliance),
 * duplicate LocalizedInfo, billing-block order, image resolutions, and
 * required values left empty. The rules that are fixed text over an XPath
 * match (an element lacking a child it needs, of any kind, or of the
 * manifest, MMC or MEC alone) are one table in mddf.c, run by one loop;
 * rules that compute what they report stay code. Identifier helpers
 * (syntax md:type:scheme:SSID, EIDR SSIDs, uniqueness, cross-references)
 * serve both kinds; the optional XSD layer (mddf_check_schema) runs when the
 * operator supplied the schemas.
 */
#ifndef VG_MDDF_H
#define VG_MDDF_H

#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <stdbool.h>

#include "check/check.h"
#include "check/finding.h"

#define MDDF_NS_NONE "urn:vodgate:absent-namespace"

struct mddf_doc {
    xmlDocPtr doc;
    xmlNode *root;
    const char *file;      /* display name */
    const char *path;      /* where the file is on disk */
    enum check_kind kind;  /* CHECK_MANIFEST or CHECK_MEC */
    int version;           /* the root namespace's version, major*100+minor: Manifest 1.8 -> 108 */
    char version_text[16]; /* "1.8" as the namespace gave it */
    int cm_version;        /* the Common Metadata (md) version, 207 for 2.7 (0: none found) */
    char cm_text[16];
    const char *ns_root; /* the root's namespace URI */
    const char *ns_md;   /* the md namespace URI, or MDDF_NS_NONE */
    bool mmc;            /* a manifest of the MMC-1 profile (Compatibility/Profile) */
    xmlXPathContextPtr xp;
    struct findings *fs;
    const struct check_options *opts;
};

/* What a finding says besides its message; any field may be NULL. */
struct mddf_ev {
    const char *observed;
    const char *normalised;
    const char *expected;
    const char *clause;
    const char *fix;
};

/*
 * Reads path and identifies it. want is CHECK_MANIFEST or
 * CHECK_MEC (or CHECK_AUTO: either). Returns 0 with d ready,
 * or -1 when the file cannot be checked further (unreadable, not XML, not
 * the kind wanted): the findings say why and d holds nothing to close.
 */
int mddf_open(struct mddf_doc *d, const char *path, const char *file, enum check_kind want,
              const struct check_options *opts, struct findings *fs);
void mddf_close(struct mddf_doc *d);

/* Appends a finding placed at node (line and element path; node may be NULL). */
void mddf_report(struct mddf_doc *d, const xmlNode *node, enum severity sev, const char *code,
                 const struct mddf_ev *ev, const char *fmt, ...) VG_PRINTF(6, 7);

/*
 * Evaluates expr with ctx as the context node (NULL: the document). Returns
 * the node set (the caller frees it with xmlXPathFreeObject) or NULL when
 * empty or on an expression error.
 */
xmlXPathObjectPtr mddf_xpath(struct mddf_doc *d, const char *expr, xmlNode *ctx);
/* Number of nodes expr selects from ctx. */
int mddf_count(struct mddf_doc *d, const char *expr, xmlNode *ctx);

/* Iterates the nodes of an xmlXPathObjectPtr (which may be NULL). */
#define EACH_NODE(obj, i, node)                                                                    \
    for (int i = 0; (obj) && i < (obj)->nodesetval->nodeNr; i++)                                   \
        for (xmlNode *node = (obj)->nodesetval->nodeTab[i]; node; node = NULL)

/* "Media Manifest 1.8" or "MEC 2.7" and the Common Metadata version, for clauses. */
const char *mddf_spec_name(const struct mddf_doc *d);
/*
 * Writes the clause of the document's own specification into out:
 * "MovieLabs Media Manifest 1.8 (TR-META-MMM), <what>" or "MovieLabs MEC 2.7
 * (TR-META-MEC), <what>".
 */
void mddf_spec_clause(const struct mddf_doc *d, const char *what, char *out, size_t cap);
/* The clause of the rules of the MMC profile of the Media Manifest. */
#define MDDF_MMC_CLAUSE "MovieLabs Media Manifest Core (MMC, TR-META-MMC), profile MMC-1"
/* Writes "Common Metadata 2.7, <what>" (or "Common Metadata, ..." when unknown) into out. */
void mddf_cm_clause(const struct mddf_doc *d, const char *what, char *out, size_t cap);

/*
 * Checks the file at path as kind want (CHECK_MANIFEST or CHECK_MEC): opens
 * it, runs the common checks, then checks (the kind's own), then the XSD
 * layer. Returns CHECK_ERR_IO (why says so) when the file cannot be read,
 * else CHECK_OK with the findings in out (also when the file turned out not
 * to be of the kind: the findings say why).
 */
int mddf_check_file(const char *path, const char *display_name, enum check_kind want,
                    const struct check_options *opts, struct findings *out, struct buf *why,
                    void (*checks)(struct mddf_doc *d));

/* The shared Common Metadata checks (see the top of this file). */
void mddf_check_common(struct mddf_doc *d);

/* The XSD layer: validates against the operator's schema for the root namespace, when configured.
 */
void mddf_check_schema(struct mddf_doc *d);

/* ---- identifiers ---- */

struct mddf_id {
    const char *kind; /* "Video", "Presentation", ... (static) */
    char *value;      /* collapsed text */
    const xmlNode *node;
    unsigned refs;
};

struct mddf_ids {
    struct mddf_id *v;
    size_t n, cap;
    bool sorted;
};

/*
 * Collects the identifiers of the elements expr selects (attribute attr of
 * each) as kind: reports a missing one (an error when the schema requires it, else a warning),
 * a duplicate (error), and checks each one's syntax against type (the
 * md:<type>:<scheme>:<SSID> best practice; NULL: no type expectation).
 */
void mddf_ids_collect(struct mddf_doc *d, struct mddf_ids *ids, const char *kind, const char *expr,
                      const char *attr, const char *type, bool required);

/*
 * Checks one identifier value for the md:<type>:<scheme>:<SSID> shape
 * (warning md.id.syntax), its type (warning md.id.type) and, for EIDR
 * schemes, its SSID (error md.id.eidr).
 */
void mddf_check_id(struct mddf_doc *d, const xmlNode *node, const char *value, const char *type);

/* The identifier of kind with value, or NULL. Sorts ids on first use after a change. */
struct mddf_id *mddf_ids_find(struct mddf_ids *ids, const char *kind, const char *value);

/*
 * Resolves the references expr selects (element text, or the attribute when
 * expr ends in an attribute step) against ids of kind: each unresolved one
 * is a finding of severity sev (code md.id.unresolved); resolved ones count
 * as a use of the identifier.
 */
void mddf_ids_resolve(struct mddf_doc *d, struct mddf_ids *ids, const char *expr, const char *kind,
                      enum severity sev);

void mddf_ids_free(struct mddf_ids *ids);

/* ---- small helpers ---- */

/* The collapsed text of node's first child element named local in the md namespace ("" if none). */
char *mddf_md_text(struct mddf_doc *d, const xmlNode *node, const char *local);
/* True when s is an xs:duration ("PT1H52M", "P1DT2H", "PT10M00.0S"). */
bool mddf_is_duration(const char *s);

#endif
