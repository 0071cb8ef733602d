/*
 * Media Manifest and MMC checks (MovieLabs TR-META-MMM 1.4-1.13 and the
 * Manifest Core profile TR-META-MMC), on top of the Common Metadata checks
 * of mddf.c.
 *
 * A manifest is a graph: the Inventory defines tracks, images and metadata
 * by ID; Presentations bind tracks; Experiences bind presentations, images
 * and metadata; ALIDExperienceMaps bind the avail's ALID to an Experience.
 * So the checks are, in order: every ID present, unique and well-formed;
 * every reference resolving to an ID of the right kind (and, as a warning,
 * every defined ID used); the structural rules of the specification
 * (TrackSelectionNumber 0 once per Presentation, licenseType only with
 * condition Acquired, Alias only over BasicMetadata, sequences and
 * indexes); the MMC profile's rules when Compatibility/Profile says MMC-1;
 * then the package: every ContainerLocation is a file inside the delivery,
 * present with the size and checksum the manifest states (enum check_refs in
 * check.h says how a missing file list is handled), and a MEC file the
 * manifest points to describes the same ContentID.
 */
#include "check/check.h"

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/hash.h"
#include "check/mddf.h"
#include "check/title_rows.h"
#include "check/xmlsafe.h"

/* A sorted set of the collapsed texts an XPath selects (membership by bsearch, so large
 * manifests stay linear-logarithmic). */
struct strset {
    char **v;
    size_t n;
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void strset_collect(struct mddf_doc *d, const char *expr, struct strset *set)
{
    xmlXPathObjectPtr o = mddf_xpath(d, expr, NULL);
    set->n = 0;
    set->v = xmalloc(((size_t)(o ? o->nodesetval->nodeNr : 0) + 1) * sizeof *set->v);
    EACH_NODE(o, i, n) {
        set->v[set->n++] = xmlsafe_text(n);
    }
    xmlXPathFreeObject(o);
    qsort(set->v, set->n, sizeof *set->v, cmp_str);
}

static bool strset_has(const struct strset *set, const char *s)
{
    return set->n && bsearch(&s, set->v, set->n, sizeof *set->v, cmp_str) != NULL;
}

static void strset_free(struct strset *set)
{
    for (size_t i = 0; i < set->n; i++)
        free(set->v[i]);
    free(set->v);
    set->v = NULL;
    set->n = 0;
}

/* ------------------------------------------------------------------ */
/* identifiers and references                                         */
/* ------------------------------------------------------------------ */

struct id_def {
    const char *kind, *expr, *attr, *type;
    bool required;
};

/*
 * The identified elements of a manifest and their recommended ID types (BP-META-MMMD Sec. 3);
 * required: the schema requires the ID (a missing one is an error, else a warning: nothing can
 * refer to the element).
 */
static const struct id_def id_defs[] = {
    {"Audio", "//manifest:Inventory/manifest:Audio", "AudioTrackID", "audtrackid", true},
    {"Video", "//manifest:Inventory/manifest:Video", "VideoTrackID", "vidtrackid", true},
    {"Image", "//manifest:Inventory/manifest:Image", "ImageID", "imageid", false},
    {"Subtitle", "//manifest:Inventory/manifest:Subtitle", "SubtitleTrackID", "subtrackid", true},
    {"Interactive", "//manifest:Inventory/manifest:Interactive", "InteractiveTrackID",
     "interactiveid", false},
    {"Ancillary", "//manifest:Inventory/manifest:Ancillary", "AncillaryTrackID", "ancillarytrackid",
     true},
    {"TextObject", "//manifest:Inventory/manifest:TextObject", "TextObjectID", "textobjid", true},
    {"Metadata", "//manifest:Inventory/manifest:Metadata", "ContentID", "cid", true},
    {"ExternalManifest", "//manifest:Inventory/manifest:ExternalManifest", "ManifestID",
     "manifestid", false},
    {"PictureGroup", "//manifest:PictureGroups/manifest:PictureGroup", "PictureGroupID",
     "picturegroupid", false},
    {"TextGroup", "//manifest:TextGroups/manifest:TextGroup", "TextGroupID", "textgroupid", true},
    {"AppGroup", "//manifest:AppGroups/manifest:AppGroup", "AppGroupID", "appgroupid", true},
    {"Presentation", "//manifest:Presentations/manifest:Presentation", "PresentationID",
     "presentationid", true},
    {"PlayableSequence", "//manifest:PlayableSequence[not(parent::manifest:Audiovisual)]",
     "PlayableSequenceID", "playablesequenceid", false},
    {"TimedEventSequence", "//manifest:TimedEventSequence", "TimedSequenceID", "timedsequenceid",
     true},
    {"Experience", "//manifest:Experiences/manifest:Experience", "ExperienceID", "experienceid",
     false},
    {"Gallery", "//manifest:Gallery", "GalleryID", "galleryid", false},
};

struct ref_def {
    const char *expr, *kind;
    enum severity sev;
};

/* Where each kind of ID is referred to (TR-META-MMM; mddf-lib's ManifestValidator.validateXrefs).
 */
static const struct ref_def ref_defs[] = {
    /* The Manifest does not require an Experience's ContentID to be described in this file's
     * Inventory (it may come with the avails or an earlier delivery): a warning. */
    {"//manifest:Experience/manifest:ContentID", "Metadata", SEV_WARNING},
    {"//manifest:Experience/manifest:PictureGroupID", "PictureGroup", SEV_ERROR},
    {"//manifest:Experience/manifest:TextGroupID", "TextGroup", SEV_ERROR},
    {"//manifest:Experience/manifest:TimedSequenceID", "TimedEventSequence", SEV_ERROR},
    {"//manifest:ExperienceChild[not(manifest:ExternalManifestID)]/manifest:ExperienceID",
     "Experience", SEV_ERROR},
    {"//manifest:Gallery/manifest:PictureGroupID", "PictureGroup", SEV_ERROR},
    {"//manifest:Gallery/manifest:ContentID", "Metadata", SEV_WARNING},
    {"//manifest:Audiovisual/@ContentID", "Metadata", SEV_WARNING},
    {"//manifest:Audiovisual/manifest:PresentationID", "Presentation", SEV_ERROR},
    {"//manifest:Audiovisual/manifest:PlayableSequenceID", "PlayableSequence", SEV_ERROR},
    {"//manifest:Clip/manifest:PresentationID", "Presentation", SEV_ERROR},
    {"//manifest:ImageClip/manifest:ImageID", "Image", SEV_ERROR},
    {"//manifest:Chapter/manifest:ImageID", "Image", SEV_ERROR},
    {"//manifest:Picture/manifest:ImageID", "Image", SEV_ERROR},
    {"//manifest:Picture/manifest:ThumbnailImageID", "Image", SEV_ERROR},
    {"//manifest:VideoTrackReference/manifest:VideoTrackID", "Video", SEV_ERROR},
    {"//manifest:AudioTrackReference/manifest:AudioTrackID", "Audio", SEV_ERROR},
    {"//manifest:AncillaryTrackReference/manifest:AncillaryTrackID", "Ancillary", SEV_ERROR},
    {"//manifest:SubtitleTrackReference/manifest:SubtitleTrackID", "Subtitle", SEV_ERROR},
    {"//manifest:TextObject/manifest:SubtitleID", "Subtitle", SEV_ERROR},
    {"//manifest:TextGroup/manifest:TextObjectID", "TextObject", SEV_ERROR},
    {"//manifest:InteractiveTrackReference/manifest:InteractiveTrackID", "Interactive", SEV_ERROR},
    {"//manifest:Experience/manifest:App/manifest:AppGroupID", "AppGroup", SEV_ERROR},
    {"//manifest:TimedEventSequence/manifest:PresentationID", "Presentation", SEV_ERROR},
    {"//manifest:TimedEventSequence/manifest:PlayableSequenceID", "PlayableSequence", SEV_ERROR},
    {"//manifest:TimedEvent/manifest:PresentationID", "Presentation", SEV_ERROR},
    {"//manifest:TimedEvent/manifest:PlayableSequenceID", "PlayableSequence", SEV_ERROR},
    {"//manifest:TimedEvent/manifest:ExperienceID", "Experience", SEV_ERROR},
    {"//manifest:TimedEvent/manifest:GalleryID", "Gallery", SEV_ERROR},
    {"//manifest:TimedEvent/manifest:AppGroupID", "AppGroup", SEV_ERROR},
    {"//manifest:TimedEvent/manifest:TextGroupID", "TextGroup", SEV_ERROR},
    {"//manifest:ALIDExperienceMap/manifest:ExperienceID", "Experience", SEV_ERROR},
    {"//manifest:BranchChoice/manifest:NextSequenceID", "PlayableSequence", SEV_ERROR},
    /* an external manifest may be delivered on its own, so not finding it here is a warning */
    {"//manifest:ExternalManifestID", "ExternalManifest", SEV_WARNING},
};

/* Kinds whose unused definitions are worth a warning (a typing slip in a reference, usually). */
static const char *const orphan_kinds[] = {"Audio",      "Video",        "Subtitle",
                                           "Image",      "Presentation", "PictureGroup",
                                           "Experience", "Metadata",     "PlayableSequence",
                                           "TextGroup",  "AppGroup",     "TimedEventSequence"};

static void check_ids(struct mddf_doc *d, struct mddf_ids *ids)
{
    for (size_t i = 0; i < sizeof id_defs / sizeof id_defs[0]; i++)
        mddf_ids_collect(d, ids, id_defs[i].kind, id_defs[i].expr, id_defs[i].attr, id_defs[i].type,
                         id_defs[i].required);
    for (size_t i = 0; i < sizeof ref_defs / sizeof ref_defs[0]; i++)
        mddf_ids_resolve(d, ids, ref_defs[i].expr, ref_defs[i].kind, ref_defs[i].sev);
    /* An ArtReference may name an Inventory Image (which is then used) or, by agreement, other
     * artwork; it is not required to resolve (mddf-lib only notes it). */
    xmlXPathObjectPtr art = mddf_xpath(d, "//md:ArtReference", NULL);
    EACH_NODE(art, i, a) {
        char *v = xmlsafe_text(a);
        struct mddf_id *id = mddf_ids_find(ids, "Image", v);
        if (id)
            id->refs++;
        free(v);
    }
    xmlXPathFreeObject(art);

    /* An ExperienceChild naming an external manifest points outside: that Experience must not be
     * here. */
    char clause[200];
    mddf_spec_clause(d, "Sec. 7.3 ExperienceChild with ExternalManifestID", clause, sizeof clause);
    xmlXPathObjectPtr o = mddf_xpath(
        d, "//manifest:ExperienceChild[manifest:ExternalManifestID]/manifest:ExperienceID", NULL);
    EACH_NODE(o, i, n) {
        char *v = xmlsafe_text(n);
        struct mddf_id *id = mddf_ids_find(ids, "Experience", v);
        if (id) {
            id->refs++;
            struct mddf_ev ev = {.observed = v,
                                 .expected = "an Experience defined in the external manifest "
                                             "only",
                                 .clause = clause,
                                 .fix = "Either remove ExternalManifestID (the child is in this "
                                        "file) or remove the Experience from this file."};
            mddf_report(d, n, SEV_ERROR, "manifest.experience.external_conflict", &ev,
                        "This ExperienceChild names an external manifest, yet the Experience it "
                        "refers to is defined in this file too (line %ld).",
                        xmlsafe_line(id->node));
        }
        free(v);
    }
    xmlXPathFreeObject(o);

    /* the root Experience(s) are referred to by ALIDExperienceMap, metadata by Experiences */
    for (size_t i = 0; i < ids->n; i++) {
        const struct mddf_id *id = &ids->v[i];
        if (id->refs)
            continue;
        bool orphan_kind = false;
        for (size_t k = 0; k < sizeof orphan_kinds / sizeof orphan_kinds[0]; k++)
            orphan_kind |= !strcmp(orphan_kinds[k], id->kind);
        if (!orphan_kind)
            continue;
        mddf_spec_clause(d, "Sec. 3 Inventory and references", clause, sizeof clause);
        struct mddf_ev ev = {.observed = id->value,
                             .expected = "an ID that something in the manifest refers to",
                             .clause = clause,
                             .fix = "Check the references to this element for a typing slip, or "
                                    "remove the element if the package does not use it."};
        mddf_report(d, id->node, SEV_WARNING, "md.id.unreferenced", &ev,
                    "Nothing in the manifest refers to this %s.", id->kind);
    }
}

/* ------------------------------------------------------------------ */
/* structure                                                          */
/* ------------------------------------------------------------------ */

static void check_structure(struct mddf_doc *d)
{
    char clause[200];
    /* licenseType qualifies an Acquired experience only */
    xmlXPathObjectPtr o = mddf_xpath(d, "//manifest:ExperienceID[@licenseType]", NULL);
    EACH_NODE(o, i, n) {
        char *cond = xmlsafe_attr(n, "condition");
        if (!cond || strcmp(cond, "Acquired") != 0) {
            mddf_spec_clause(d, "Sec. 8 ALIDExperienceMap ExperienceID@licenseType", clause,
                             sizeof clause);
            struct mddf_ev ev = {.observed = cond ? cond : "(no condition)",
                                 .expected = "condition=\"Acquired\" when licenseType is given",
                                 .clause = clause,
                                 .fix = "Remove licenseType, or set condition=\"Acquired\" if "
                                        "the experience is the one a buyer acquires."};
            mddf_report(d, n, SEV_ERROR, "manifest.experience.license_type", &ev,
                        "licenseType is only meaningful when condition is \"Acquired\"; here it "
                        "is \"%s\".",
                        cond ? cond : "absent");
        }
        free(cond);
    }
    xmlXPathFreeObject(o);

    /* exactly one TrackMetadata with TrackSelectionNumber 0 per Presentation */
    o = mddf_xpath(d, "//manifest:Presentations/manifest:Presentation", NULL);
    EACH_NODE(o, i, p) {
        int n0 = mddf_count(
            d, "./manifest:TrackMetadata[normalize-space(manifest:TrackSelectionNumber) = '0']", p);
        if (n0 != 1) {
            mddf_spec_clause(d, "Sec. 4.1 Presentation TrackMetadata", clause, sizeof clause);
            char obs[64];
            snprintf(obs, sizeof obs, "%d with TrackSelectionNumber 0", n0);
            struct mddf_ev ev = {.observed = obs,
                                 .expected = "exactly one TrackMetadata with TrackSelectionNumber "
                                             "0 (the default tracks)",
                                 .clause = clause,
                                 .fix = "Number the TrackMetadata of each Presentation from 0; "
                                        "number 0 is what plays by default."};
            mddf_report(d, p, SEV_ERROR, "manifest.presentation.track_selection", &ev,
                        "A Presentation needs exactly one TrackMetadata numbered 0; this one has "
                        "%d.",
                        n0);
        }
    }
    xmlXPathFreeObject(o);

    /* Alias filters a BasicMetadata of the same Metadata by language */
    o = mddf_xpath(d, "//manifest:Metadata/manifest:Alias", NULL);
    EACH_NODE(o, i, alias) {
        xmlNode *md = alias->parent;
        xmlNode *basic = xmlsafe_child(md, d->ns_root, "BasicMetadata");
        mddf_spec_clause(d, "Sec. 3.8.2 Metadata Alias", clause, sizeof clause);
        if (!basic) {
            struct mddf_ev ev = {.observed = "Alias without BasicMetadata",
                                 .expected = "a BasicMetadata beside the Alias",
                                 .clause = clause,
                                 .fix = "Put the Alias in the Metadata element that holds the "
                                        "BasicMetadata it selects from."};
            mddf_report(d, alias, SEV_ERROR, "manifest.alias.no_basic", &ev,
                        "An Alias selects LocalizedInfo from the BasicMetadata beside it, and "
                        "this Metadata has none.");
            continue;
        }
        xmlXPathObjectPtr langs = mddf_xpath(d, ".//manifest:LanguageIncluded", alias);
        EACH_NODE(langs, j, l) {
            char *lang = xmlsafe_text(l);
            bool found = false;
            xmlXPathObjectPtr lis = mddf_xpath(d, "./md:LocalizedInfo", basic);
            EACH_NODE(lis, k, li) {
                char *a = xmlsafe_attr(li, "language");
                if (a && !strcasecmp(a, lang))
                    found = true;
                free(a);
            }
            xmlXPathFreeObject(lis);
            if (!found && *lang) {
                struct mddf_ev ev = {.observed = lang,
                                     .expected = "the language of a LocalizedInfo of the "
                                                 "BasicMetadata",
                                     .clause = clause,
                                     .fix = "Add the LocalizedInfo for this language to the "
                                            "BasicMetadata, or remove the language from the "
                                            "Alias."};
                mddf_report(d, l, SEV_ERROR, "manifest.alias.language", &ev,
                            "The Alias includes language \"%s\", but the BasicMetadata has no "
                            "LocalizedInfo in that language.",
                            lang);
            }
            free(lang);
        }
        xmlXPathFreeObject(langs);
    }
    xmlXPathFreeObject(o);
}

struct ix {
    long v;
    xmlNode *el;
    int order; /* document order, so equal indexes keep it */
};

static int cmp_ix(const void *a, const void *b)
{
    const struct ix *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/*
 * Sequences numbered by an attribute: within one parent, when any child carries the attribute
 * each must be an integer (non-negative unless neg_ok), unique when unique, continuous when
 * continuous, and include 0 when zero.
 */
static void check_indexing(struct mddf_doc *d, const char *parent, const char *child,
                           const char *attr, bool unique, bool neg_ok, bool continuous, bool zero)
{
    char expr[200], clause[200];
    snprintf(expr, sizeof expr, "//manifest:%s[manifest:%s[@%s]]", parent, child, attr);
    mddf_spec_clause(d, "Sec. 7 indexed sequences", clause, sizeof clause);
    xmlXPathObjectPtr o = mddf_xpath(d, expr, NULL);
    EACH_NODE(o, i, p) {
        snprintf(expr, sizeof expr, "./manifest:%s", child);
        xmlXPathObjectPtr kids = mddf_xpath(d, expr, p);
        int n = kids ? kids->nodesetval->nodeNr : 0;
        struct ix *ixs = xcalloc((size_t)n + 1, sizeof *ixs);
        int nv = 0;
        bool has_zero = false;
        EACH_NODE(kids, j, k) {
            char *s = xmlsafe_attr(k, attr);
            char *end = NULL;
            long v = s && *s ? strtol(s, &end, 10) : 0;
            bool ok = !s || (*s && end && !*end && (neg_ok || v >= 0));
            if (!ok) {
                struct mddf_ev ev = {.observed = s,
                                     .expected = neg_ok ? "an integer" : "a non-negative integer",
                                     .clause = clause,
                                     .fix = "Number the sequence with whole numbers."};
                mddf_report(d, k, SEV_ERROR, "manifest.index.invalid", &ev,
                            "@%s is not a valid index.", attr);
            } else {
                /* a missing index reads as 0, as the specification's default */
                ixs[nv++] = (struct ix){.v = v, .el = k, .order = j};
                has_zero |= v == 0;
            }
            free(s);
        }
        qsort(ixs, (size_t)nv, sizeof *ixs, cmp_ix);
        for (int j = 1; j < nv; j++) {
            long cur = ixs[j].v, prev = ixs[j - 1].v;
            xmlNode *el = ixs[j].el;
            if (unique && cur == prev) {
                char obs[32];
                snprintf(obs, sizeof obs, "%ld", cur);
                struct mddf_ev ev = {.observed = obs,
                                     .expected = "each index once",
                                     .clause = clause,
                                     .fix = "Renumber the sequence so each index is used once."};
                mddf_report(d, el, SEV_ERROR, "manifest.index.duplicate", &ev,
                            "Index %ld of %s is used twice.", cur, child);
            } else if (continuous && (prev == LONG_MAX || cur != prev + 1)) {
                char obs[64];
                snprintf(obs, sizeof obs, "%ld after %ld", cur, prev);
                struct mddf_ev ev = {.observed = obs,
                                     .expected = "consecutive indexes",
                                     .clause = clause,
                                     .fix = "Renumber the sequence without gaps."};
                mddf_report(d, el, SEV_ERROR, "manifest.index.gap", &ev,
                            "The %s sequence skips from %ld to %ld.", child, prev, cur);
            }
        }
        if (zero && nv && !has_zero) {
            struct mddf_ev ev = {.observed = "no index 0",
                                 .expected = "a sequence starting at 0",
                                 .clause = clause,
                                 .fix = "Number the sequence from 0."};
            mddf_report(d, p, SEV_ERROR, "manifest.index.no_zero", &ev,
                        "The %s sequence has no index 0.", child);
        }
        free(ixs);
        xmlXPathFreeObject(kids);
    }
    xmlXPathFreeObject(o);
}

/* ------------------------------------------------------------------ */
/* the MMC profile                                                    */
/* ------------------------------------------------------------------ */

static void check_mmc(struct mddf_doc *d, struct mddf_ids *ids)
{
    const char *clause = MDDF_MMC_CLAUSE;
    xmlXPathObjectPtr o = mddf_xpath(
        d, "//manifest:Experiences/manifest:Experience[count(manifest:ContentID) != 1]", NULL);
    EACH_NODE(o, i, e) {
        char obs[48];
        snprintf(obs, sizeof obs, "%d ContentID", mddf_count(d, "./manifest:ContentID", e));
        struct mddf_ev ev = {.observed = obs,
                             .expected = "exactly one ContentID",
                             .clause = clause,
                             .fix = "Give each Experience the ContentID of the metadata that "
                                    "describes it."};
        mddf_report(d, e, SEV_ERROR, "mmc.experience.content_id", &ev,
                    "An MMC Experience must have exactly one ContentID.");
    }
    xmlXPathFreeObject(o);
    /* an Experience whose inline metadata has artwork needs the PictureGroup that shows it */
    struct strset with_art, pictures, children;
    strset_collect(d, "//manifest:BasicMetadata[descendant::md:ArtReference]/@ContentID",
                   &with_art);
    strset_collect(d, "//manifest:Picture/manifest:ImageID", &pictures);
    strset_collect(d, "//manifest:ExperienceChild/manifest:ExperienceID", &children);
    o = mddf_xpath(d, "//manifest:Experience[not(manifest:PictureGroupID)]", NULL);
    EACH_NODE(o, i, e) {
        xmlNode *cid_el = xmlsafe_child(e, d->ns_root, "ContentID");
        char *cid = cid_el ? xmlsafe_text(cid_el) : NULL;
        if (cid && *cid && strset_has(&with_art, cid)) {
            struct mddf_ev ev = {.observed = cid,
                                 .expected = "a PictureGroupID for an Experience whose "
                                             "metadata has ArtReferences",
                                 .clause = clause,
                                 .fix = "Add the PictureGroup of the title's artwork and "
                                        "reference it from the Experience."};
            mddf_report(d, e, SEV_ERROR, "mmc.picture_group.missing", &ev,
                        "The metadata of this Experience references artwork, but the "
                        "Experience has no PictureGroupID.");
        }
        free(cid);
    }
    xmlXPathFreeObject(o);
    o = mddf_xpath(d, "//md:ArtReference", NULL);
    EACH_NODE(o, i, a) {
        char *img = xmlsafe_text(a);
        if (!strset_has(&pictures, img) && *img) {
            struct mddf_ev ev = {.observed = img,
                                 .expected = "an ImageID that a Picture of a PictureGroup shows",
                                 .clause = clause,
                                 .fix = "Add a Picture with this ImageID to the title's "
                                        "PictureGroup."};
            /* A warning, not the reference validator's error: the image itself is delivered
             * (and the MovieLabs MMC examples omit such Pictures); only the Experience's
             * gallery will not show it. */
            mddf_report(d, a, SEV_WARNING, "mmc.picture.missing", &ev,
                        "Images used as ArtReferences should also be defined in a Picture; this "
                        "one is not, so the title's picture group will not show it.");
        }
        free(img);
    }
    xmlXPathFreeObject(o);
    /* one root Experience: the one no ExperienceChild points to */
    int roots = 0;
    xmlNode *first_root = NULL;
    for (size_t i = 0; i < ids->n; i++) {
        if (strcmp(ids->v[i].kind, "Experience") != 0)
            continue;
        if (!strset_has(&children, ids->v[i].value)) {
            roots++;
            if (!first_root)
                first_root = (xmlNode *)ids->v[i].node;
        }
    }
    if (roots != 1 && mddf_count(d, "//manifest:Experience", NULL) > 0) {
        char obs[32];
        snprintf(obs, sizeof obs, "%d root Experiences", roots);
        struct mddf_ev ev = {.observed = obs,
                             .expected = "one root Experience (the one no ExperienceChild names)",
                             .clause = clause,
                             .fix = roots ? "Make the other top-level Experiences children of the "
                                            "root one."
                                          : "Break the cycle of ExperienceChild references."};
        mddf_report(d, roots ? first_root : d->root, roots ? SEV_WARNING : SEV_ERROR,
                    "mmc.experience.root", &ev,
                    roots ? "%d Experiences are not children of another; MMC expects one root."
                          : "Every Experience is the child of another: there is no root (%d).",
                    roots);
    }
    strset_free(&with_art);
    strset_free(&pictures);
    strset_free(&children);
}

/* ------------------------------------------------------------------ */
/* the package: ContainerLocations against the delivery               */
/* ------------------------------------------------------------------ */

/* Hex digest of the file at path with MD5 (md5 true) or SHA-256; 0 or -1. */
static int file_digest(const char *path, bool md5, char *hex, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct md5_ctx m;
    struct sha256_ctx s;
    md5_init(&m);
    sha256_init(&s);
    unsigned char *buf = xmalloc(1 << 20);
    ssize_t n;
    while ((n = read(fd, buf, 1 << 20)) > 0) {
        if (md5)
            md5_update(&m, (size_t)n, buf);
        else
            sha256_update(&s, (size_t)n, buf);
    }
    free(buf);
    close(fd);
    if (n < 0)
        return -1;
    uint8_t dig[SHA256_DIGEST_SIZE];
    size_t len = md5 ? MD5_DIGEST_SIZE : SHA256_DIGEST_SIZE;
    if (md5)
        md5_digest(&m, MD5_DIGEST_SIZE, dig);
    else
        sha256_digest(&s, SHA256_DIGEST_SIZE, dig);
    if (cap < len * 2 + 1)
        return -1;
    for (size_t i = 0; i < len; i++)
        snprintf(hex + i * 2, 3, "%02x", dig[i]);
    return 0;
}

/* The directory part of the manifest's delivered name ("pkg/" for "pkg/manifest.xml"). */
static char *name_dir(const char *name)
{
    const char *s = strrchr(name, '/');
    return s ? xstrndup(name, (size_t)(s - name + 1)) : xstrdup("");
}

/*
 * Resolves a relative location against dir into a normalised package path ("a/b/c"). Returns
 * NULL when it leaves the package (absolute, or ".." above the root).
 */
static char *resolve_location(const char *dir, const char *loc)
{
    if (loc[0] == '/' || loc[0] == '\\')
        return NULL;
    char *joined = xasprintf("%s%s", dir, loc);
    for (char *p = joined; *p; p++)
        if (*p == '\\')
            *p = '/';
    char **seg = xcalloc(strlen(joined) + 1, sizeof *seg);
    size_t n = 0;
    bool bad = false;
    char *save = NULL;
    for (char *t = strtok_r(joined, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (!strcmp(t, "."))
            continue;
        if (!strcmp(t, "..")) {
            if (n == 0) {
                bad = true;
                break;
            }
            n--;
            continue;
        }
        seg[n++] = t;
    }
    char *out = NULL;
    if (!bad && n) {
        struct buf b = {0};
        for (size_t i = 0; i < n; i++)
            buf_printf(&b, "%s%s", i ? "/" : "", seg[i]);
        out = buf_detach(&b);
    }
    free(seg);
    free(joined);
    return out;
}

/* Percent-decodes %XX sequences in place (file names with spaces are written %20 in URIs). */
static void percent_decode(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (p[0] == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
            char h[3] = {p[1], p[2], 0};
            *o++ = (char)strtol(h, NULL, 16);
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
}

static bool has_scheme(const char *s)
{
    if (!isalpha((unsigned char)*s))
        return false;
    const char *p = s + 1;
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
    /* "C:" is a drive letter, not a scheme */
    return *p == ':' && p - s > 1;
}

static const struct check_delivered_file *find_delivered(const struct check_options *o,
                                                         const char *name)
{
    for (size_t i = 0; o && i < o->n_files; i++)
        if (o->files[i].name && !strcmp(o->files[i].name, name))
            return &o->files[i];
    return NULL;
}

/* A delivered file with the same base name elsewhere in the package, for the hint. */
static const struct check_delivered_file *find_same_base(const struct check_options *o,
                                                         const char *name)
{
    const char *b = strrchr(name, '/');
    b = b ? b + 1 : name;
    for (size_t i = 0; o && i < o->n_files; i++) {
        const char *n = o->files[i].name;
        if (!n)
            continue;
        const char *nb = strrchr(n, '/');
        nb = nb ? nb + 1 : n;
        if (!strcasecmp(nb, b))
            return &o->files[i];
    }
    return NULL;
}

static void check_length_and_hash(struct mddf_doc *d, xmlNode *cref, const char *name,
                                  const struct check_delivered_file *f)
{
    char clause[200];
    mddf_spec_clause(d, "Sec. 3.2 ContainerReference Length and Hash", clause, sizeof clause);
    xmlNode *len_el = xmlsafe_child(cref, d->ns_root, "Length");
    if (len_el) {
        char *v = xmlsafe_text(len_el);
        char *end = NULL;
        unsigned long long want = strtoull(v, &end, 10);
        if (*v && end && !*end && want != f->size) {
            char obs[96], exp[64];
            snprintf(obs, sizeof obs, "%llu bytes delivered", (unsigned long long)f->size);
            snprintf(exp, sizeof exp, "%llu bytes (the manifest's Length)", want);
            struct mddf_ev ev = {.observed = obs,
                                 .expected = exp,
                                 .clause = clause,
                                 .fix = "Deliver the file again (the upload may be a different "
                                        "version or incomplete), or correct the Length."};
            mddf_report(d, len_el, SEV_ERROR, "package.file.size_mismatch", &ev,
                        "%s is %llu bytes, but the manifest says %llu.", name,
                        (unsigned long long)f->size, want);
        }
        free(v);
    }
    xmlXPathObjectPtr o = mddf_xpath(d, "./manifest:Hash", cref);
    EACH_NODE(o, i, h) {
        char *method = xmlsafe_attr(h, "method");
        char *want = xmlsafe_text(h);
        const char *m = method ? method : "";
        bool md5 = !strcasecmp(m, "MD5");
        bool sha256 = !strcasecmp(m, "SHA-256") || !strcasecmp(m, "SHA256");
        if (!md5 && !sha256) {
            struct mddf_ev ev = {.observed = *m ? m : "(no method)",
                                 .expected = "MD5 or SHA-256",
                                 .clause = clause,
                                 .fix = "Give an MD5 or SHA-256 hash, which we can verify."};
            mddf_report(d, h, SEV_WARNING, "package.hash.unsupported", &ev,
                        "The hash of %s could not be verified: method \"%s\" is not one we "
                        "check.",
                        name, m);
        } else {
            char have[SHA256_DIGEST_SIZE * 2 + 1] = {0};
            const char *known = md5 ? f->md5 : f->sha256;
            if (known)
                snprintf(have, sizeof have, "%s", known);
            else if (!f->path || file_digest(f->path, md5, have, sizeof have) != 0)
                have[0] = '\0';
            if (have[0] && strcasecmp(have, want) != 0) {
                char exp[160];
                snprintf(exp, sizeof exp, "%s %s (the manifest's Hash)", md5 ? "MD5" : "SHA-256",
                         want);
                struct mddf_ev ev = {.observed = have,
                                     .expected = exp,
                                     .clause = clause,
                                     .fix = "The delivered file is not the one the manifest "
                                            "describes: deliver the right file, or regenerate "
                                            "the manifest from the files you deliver."};
                mddf_report(d, h, SEV_ERROR, "package.file.checksum_mismatch", &ev,
                            "The %s of %s differs from the hash in the manifest.",
                            md5 ? "MD5" : "SHA-256", name);
            }
        }
        free(method);
        free(want);
    }
    xmlXPathFreeObject(o);
}

/* A positive whole number in the text of el (the md:Width of an Image ...), or 0. */
static long positive_of(xmlNode *el)
{
    if (!el)
        return 0;
    char *v = xmlsafe_text(el);
    char *end = NULL;
    long n = strtol(v, &end, 10);
    bool ok = *v && end && !*end && n > 0 && n < 1000000;
    free(v);
    return ok ? n : 0;
}

/*
 * An Inventory Image states its picture size (md:Width, md:Height): the delivered image must
 * have it, or the storefront lays out and scales it wrongly.
 */
static void check_image_size(struct mddf_doc *d, xmlNode *cref, const char *name,
                             const struct check_delivered_file *f)
{
    xmlNode *img = cref ? cref->parent : NULL;
    if (!img || !f->path || xmlStrcmp(img->name, BAD_CAST "Image") != 0)
        return;
    xmlNode *w_el = xmlsafe_child(img, d->ns_md, "Width");
    xmlNode *h_el = xmlsafe_child(img, d->ns_md, "Height");
    long want_w = positive_of(w_el), want_h = positive_of(h_el);
    int w, h;
    if (!want_w || !want_h || artwork_size(f->path, &w, &h) != 0)
        return; /* no size stated, or not an image: the artwork checks say so */
    if (w == want_w && h == want_h)
        return;
    char clause[200], obs[64], exp[96];
    mddf_spec_clause(d, "Sec. 3.2 Inventory Image (md:DigitalAssetImageData Width, Height)", clause,
                     sizeof clause);
    snprintf(obs, sizeof obs, "%dx%d pixels", w, h);
    snprintf(exp, sizeof exp, "%ldx%ld pixels (the manifest's Width and Height)", want_w, want_h);
    struct mddf_ev ev = {.observed = obs,
                         .expected = exp,
                         .clause = clause,
                         .fix = "Deliver the image at the size the manifest states, or correct "
                                "its Width and Height to the image's."};
    mddf_report(d, w_el, SEV_ERROR, "package.image.size_mismatch", &ev,
                "%s is %dx%d pixels, but the manifest says %ldx%ld.", name, w, h, want_w, want_h);
}

/*
 * The MMC rules that span the manifest and the MEC file it names: the MEC's artwork must be shown
 * by Pictures of the manifest, and the Experience of that ContentID needs a PictureGroupID.
 */
static void check_mmc_mec_art(struct mddf_doc *d, xmlNode *loc_el, const char *name, xmlNode *basic,
                              const char *cid)
{
    const char *clause = MDDF_MMC_CLAUSE;
    int n_art = 0;
    struct strset pictures;
    strset_collect(d, "//manifest:Picture/manifest:ImageID", &pictures);
    for (xmlNode *li = basic->children; li; li = li->next) {
        if (li->type != XML_ELEMENT_NODE || strcmp((const char *)li->name, "LocalizedInfo"))
            continue;
        for (xmlNode *a = li->children; a; a = a->next) {
            if (a->type != XML_ELEMENT_NODE || strcmp((const char *)a->name, "ArtReference"))
                continue;
            n_art++;
            char *img = xmlsafe_text(a);
            if (*img && !strset_has(&pictures, img)) {
                char obs[300];
                snprintf(obs, sizeof obs, "%s (%s line %ld)", img, name, xmlsafe_line(a));
                struct mddf_ev ev = {.observed = obs,
                                     .expected = "an ImageID that a Picture of a PictureGroup "
                                                 "shows",
                                     .clause = clause,
                                     .fix = "Add a Picture with this ImageID to the title's "
                                            "PictureGroup."};
                mddf_report(d, loc_el, SEV_WARNING, "mmc.picture.missing", &ev,
                            "The MEC file %s references artwork %s that no Picture of this "
                            "manifest shows.",
                            name, img);
            }
            free(img);
        }
    }
    strset_free(&pictures);
    if (!n_art || !cid)
        return;
    xmlXPathObjectPtr o =
        mddf_xpath(d, "//manifest:Experience[not(manifest:PictureGroupID)]", NULL);
    EACH_NODE(o, i, e) {
        xmlNode *c = xmlsafe_child(e, d->ns_root, "ContentID");
        char *v = c ? xmlsafe_text(c) : NULL;
        if (v && !strcmp(v, cid)) {
            struct mddf_ev ev = {.observed = cid,
                                 .expected = "a PictureGroupID for an Experience whose metadata "
                                             "has ArtReferences",
                                 .clause = clause,
                                 .fix = "Add the PictureGroup of the title's artwork and "
                                        "reference it from the Experience."};
            mddf_report(d, e, SEV_ERROR, "mmc.picture_group.missing", &ev,
                        "The metadata of this Experience (%s) references artwork, but the "
                        "Experience has no PictureGroupID.",
                        name);
        }
        free(v);
    }
    xmlXPathFreeObject(o);
}

/* A MEC file named by Inventory/Metadata must describe the Metadata's ContentID. */
static void check_mec_link(struct mddf_doc *d, xmlNode *loc_el, const char *name,
                           const struct check_delivered_file *f)
{
    xmlNode *md = loc_el->parent ? loc_el->parent->parent : NULL;
    if (!f->path || !xmlsafe_is(md, d->ns_root, "Metadata"))
        return;
    char *cid = xmlsafe_attr(md, "ContentID");
    struct findings tmp = {0};
    xmlDocPtr doc = NULL;
    char clause[200];
    mddf_spec_clause(d, "Sec. 3.8 Metadata ContainerReference (MEC)", clause, sizeof clause);
    if (xmlsafe_read_file(f->path, name, NULL, &tmp, &doc) == 0) {
        xmlNode *root = xmlDocGetRootElement(doc);
        if (!root || strcmp((const char *)root->name, "CoreMetadata") != 0) {
            struct mddf_ev ev = {.observed = root ? (const char *)root->name : "(empty)",
                                 .expected = "a MEC file (<mdmec:CoreMetadata>)",
                                 .clause = clause,
                                 .fix = "Point the Metadata at the title's MEC file."};
            mddf_report(d, loc_el, SEV_ERROR, "manifest.mec.not_mec", &ev,
                        "%s is named as this title's metadata but is not a MEC file.", name);
        } else {
            xmlNode *basic = NULL;
            for (xmlNode *c = root->children; c && !basic; c = c->next)
                if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "Basic"))
                    basic = c;
            char *mec_cid = basic ? xmlsafe_attr(basic, "ContentID") : NULL;
            if (cid && mec_cid && strcmp(cid, mec_cid) != 0) {
                char exp[200];
                snprintf(exp, sizeof exp, "%s (the Metadata's ContentID)", cid);
                struct mddf_ev ev = {.observed = mec_cid,
                                     .expected = exp,
                                     .clause = clause,
                                     .fix = "Point the Metadata at the MEC file of this title, "
                                            "or correct the ContentID in one of the two files."};
                mddf_report(d, loc_el, SEV_ERROR, "manifest.mec.content_id", &ev,
                            "%s describes ContentID %s, not the %s this Metadata is for.", name,
                            mec_cid, cid);
            }
            if (d->mmc && basic)
                check_mmc_mec_art(d, loc_el, name, basic, cid);
            free(mec_cid);
        }
        xmlFreeDoc(doc);
    }
    /* a MEC that does not parse gets its own findings when it is checked as a file */
    findings_free(&tmp);
    free(cid);
}

static void check_locations(struct mddf_doc *d)
{
    const struct check_options *opts = d->opts;
    bool delivery = opts && opts->refs == CHECK_REFS_DELIVERY;
    char *dir = name_dir(d->file);
    char clause[200];
    mddf_spec_clause(d, "Sec. 3.2 ContainerLocation", clause, sizeof clause);
    struct buf seen = {0}; /* "\n" separated paths already reported missing */
    int unchecked = 0;
    xmlXPathObjectPtr o = mddf_xpath(d, "//manifest:ContainerLocation", NULL);
    EACH_NODE(o, i, loc_el) {
        char *loc = xmlsafe_text(loc_el);
        if (!*loc) {
            free(loc);
            continue; /* md.value.empty */
        }
        if (!strncasecmp(loc, "file:", 5)) {
            /* file://resources/a.mov is read as the relative path resources/a.mov (warning);
             * file:///... names a place on the sender's machine (package.location.outside). */
            const char *rest = loc + 5;
            bool absolute = !strncmp(rest, "///", 3) || (rest[0] == '/' && rest[1] != '/');
            const char *rel = !strncmp(rest, "//", 2) ? rest + 2 : rest;
            if (!absolute) {
                struct mddf_ev ev = {.observed = loc,
                                     .normalised = rel,
                                     .expected = "a path relative to the manifest, e.g. "
                                                 "resources/feature.mov",
                                     .clause = clause,
                                     .fix = "Write the location as a relative path; file: URLs are "
                                            "for places on a machine, not in a package."};
                mddf_report(d, loc_el, SEV_WARNING, "manifest.location.file_url", &ev,
                            "A file in the package should be named by its relative path, not a "
                            "file: URL; it was read as %s.",
                            rel);
                memmove(loc, rel, strlen(rel) + 1);
            } else {
                memmove(loc, rest, strlen(rest) + 1); /* "/..." is refused below */
            }
        }
        if (has_scheme(loc)) {
            if (delivery) {
                struct mddf_ev ev = {.observed = loc,
                                     .expected = "a file of this delivery, named relative to the "
                                                 "manifest",
                                     .clause = "Delivery package: every file the manifest names "
                                               "is delivered with it (MovieLabs MMC; partner "
                                               "delivery specification)",
                                     .fix = "Deliver the file in the package and name it by its "
                                            "relative path."};
                mddf_report(d, loc_el, SEV_ERROR, "package.location.remote", &ev,
                            "The manifest points to a file outside the delivery; every file it "
                            "names must be delivered with it.");
            } else {
                unchecked++;
            }
            free(loc);
            continue;
        }
        percent_decode(loc);
        char *name = resolve_location(dir, loc);
        if (!name) {
            struct mddf_ev ev = {.observed = loc,
                                 .expected = "a relative path inside the package",
                                 .clause = clause,
                                 .fix = "Name the file relative to the manifest, without a "
                                        "leading '/' and without '..' above the package."};
            mddf_report(d, loc_el, SEV_ERROR, "package.location.outside", &ev,
                        "The location leaves the package.");
            free(loc);
            continue;
        }
        /* the files we know are used in either mode; only a delivery makes absence an error */
        const struct check_delivered_file *f = find_delivered(opts, name);
        if (!delivery && !f) {
            unchecked++;
        } else {
            char key[1024];
            snprintf(key, sizeof key, "\n%s\n", name);
            if (!f && !strstr(buf_str(&seen), key)) {
                buf_printf(&seen, "%s", key);
                const struct check_delivered_file *alt = find_same_base(opts, name);
                char exp[256];
                snprintf(exp, sizeof exp, "a file named %s in the delivery (%zu files delivered)",
                         name, opts->n_files);
                char fix[400];
                if (alt)
                    snprintf(fix, sizeof fix,
                             "The delivery has %s: if that is the file, correct the location in "
                             "the manifest (or the file's folder); otherwise deliver %s.",
                             alt->name, name);
                else
                    snprintf(fix, sizeof fix,
                             "Deliver %s with the manifest, or correct the location if the file "
                             "has another name.",
                             name);
                struct mddf_ev ev = {.observed = loc,
                                     .normalised = strcmp(loc, name) ? name : NULL,
                                     .expected = exp,
                                     .clause = "Delivery package: every file the manifest names "
                                               "is delivered with it (MovieLabs MMC; partner "
                                               "delivery specification)",
                                     .fix = fix};
                mddf_report(d, loc_el, SEV_ERROR, "package.file.missing", &ev,
                            "The manifest names %s, but the delivery has no such file.", name);
            } else if (f) {
                check_length_and_hash(d, loc_el->parent, name, f);
                check_mec_link(d, loc_el, name, f);
                check_image_size(d, loc_el->parent, name, f);
            }
        }
        free(name);
        free(loc);
    }
    xmlXPathFreeObject(o);
    if (unchecked) {
        char obs[96];
        snprintf(obs, sizeof obs, "%d file location%s not looked for", unchecked,
                 unchecked == 1 ? "" : "s");
        struct mddf_ev ev = {.observed = obs,
                             .expected = "the package's files, to check each named file is "
                                         "delivered with the stated size and checksum",
                             .clause = "Delivery package: every file the manifest names is "
                                       "delivered with it",
                             .fix = "Nothing is wrong with the manifest itself. To check the "
                                    "package, validate the manifest together with its files "
                                    "(or deliver them together)."};
        mddf_report(d, d->root, SEV_WARNING, "package.refs.unchecked", &ev,
                    "%d file%s named by this manifest %s not checked against a delivery: the "
                    "manifest was checked on its own.",
                    unchecked, unchecked == 1 ? "" : "s", unchecked == 1 ? "was" : "were");
    }
    buf_free(&seen);
    free(dir);
}

/* The manifest's own checks, after the common ones (mddf_check_file). */
static void check_manifest_doc(struct mddf_doc *d)
{
    struct mddf_ids ids = {0};
    check_ids(d, &ids);
    check_structure(d);
    check_indexing(d, "Chapters", "Chapter", "index", true, false, true, true);
    /* Clips play in sequence order; before Manifest 1.7 the sequence also had to run 0, 1, 2... */
    bool old_seq = d->version < 107;
    check_indexing(d, "PlayableSequence", "Clip", "sequence", false, true, old_seq, old_seq);
    check_indexing(d, "PlayableSequence", "ImageClip", "sequence", false, true, old_seq, old_seq);
    check_indexing(d, "TextObject", "TextString", "index", false, true, false, false);
    if (d->mmc)
        check_mmc(d, &ids);
    check_locations(d);
    mddf_ids_free(&ids);
    if (d->opts && d->opts->titles)
        title_rows_manifest(d->root, d->opts->titles);
}

int check_manifest(const char *path, const char *display_name, const struct check_options *opts,
                   struct findings *out, struct buf *why)
{
    return mddf_check_file(path, display_name, CHECK_MANIFEST, opts, out, why, check_manifest_doc);
}
