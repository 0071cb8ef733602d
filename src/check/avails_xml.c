/*
 * MDDF Avails XML (AvailList, OfferStatusList; schema versions 2.1 to 2.7).
 *
 * The document is parsed into a tree by the hardened reader every XML check
 * uses (check/xmlsafe.h): network off, no entity substitution, no DTD
 * loading, an entity declaration refused as soon as it is seen (xml.entities:
 * a billion-laughs or external-entity document never expands), elements
 * nested at most 128 deep (xml.too_deep), the file read as it is parsed.
 * Files over MAX_FILE are refused before parsing. Then one walk over the
 * elements checks each value by its element name (territories, languages,
 * vocabularies, dates, currencies, identifiers), and each Avail and
 * Transaction is checked as a whole: the structure rules of MovieLabs'
 * structure_avail tables (AvailType against the assets' WorkType, the
 * metadata a WorkType needs, RefALID only for supplements and promotions,
 * BundledAsset only in a Collection, POEST and its SuppressionLiftDate,
 * pricing terms, one AssetLanguage for TVOD), windows (start before end, no
 * overlap in one scope), volumes of a season that overlap, and ALIDs used by
 * more than one Avail.
 *
 * With check_options.mddf_schemas, the document is then validated against
 * the XSD of its namespace. libxml2 2.9 does not apply the XSD's
 * whiteSpace="collapse" to xs:int and the other numeric types, so
 * "<md:Number>24\n</md:Number>" fails there although the schema allows it;
 * before validating, the text of every leaf element that is a number or a
 * boolean surrounded by whitespace is trimmed, which is exactly what the
 * collapse rule does to such a value (and what Java's Xerces does), so the
 * schema layer agrees with the XSD. Schema loading never touches the
 * network: xmlsafe installs libxml2's no-network entity loader.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check/avails_rules.h"
#include "check/check.h"
#include "check/ratings.h"
#include "check/title_rows.h"
#include "check/xmlsafe.h"

#define MAX_FILE            (256ull << 20)
#define MAX_SCHEMA_FINDINGS 100
#define AVAILS_NS           "http://www.movielabs.com/schema/avails/v"

/* ---- helpers ---- */

struct xml_state {
    struct avails_ctx *ac;
    const struct ratings_db *ratings; /* NULL: ratings not checked */
    bool offer_status;                /* OfferStatusList: TBD conditions allowed */
    /* ALIDs for the duplicate check */
    struct alid_seen {
        const char *alid;
        long line;
    } * alids;
    size_t n_alids, cap_alids;
    /* volumes */
    struct volume {
        char *season;
        long first, count, line;
        char *path;
    } * vols;
    size_t n_vols, cap_vols;
};

static bool is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static xmlNode *child(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is(c, name))
            return c;
    return NULL;
}

static size_t count_children(const xmlNode *n, const char *name)
{
    size_t k = 0;
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        k += is(c, name);
    return k;
}

/* The element's text (malloc'd, "" when empty). */
static char *text_of(const xmlNode *n)
{
    xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
    char *s = xstrdup(t ? (const char *)t : "");
    xmlFree(t);
    return s;
}

/* Trimmed text into b. */
static const char *trim_of(const xmlNode *n, struct buf *b)
{
    char *s = text_of(n);
    const char *p = s;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    size_t len = strlen(p);
    while (len &&
           (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\n' || p[len - 1] == '\r'))
        len--;
    buf_reset(b);
    buf_add(b, p, len);
    free(s);
    return buf_str(b);
}

static void path_of(const xmlNode *n, struct buf *out)
{
    const xmlNode *chain[64];
    int depth = 0;
    for (const xmlNode *p = n; p && p->type == XML_ELEMENT_NODE && depth < 64; p = p->parent)
        chain[depth++] = p;
    buf_reset(out);
    for (int i = depth - 1; i >= 0; i--) {
        const xmlNode *e = chain[i];
        size_t idx = 0, total = 0;
        if (e->parent && e->parent->type == XML_ELEMENT_NODE)
            for (const xmlNode *s = e->parent->children; s; s = s->next)
                if (s->type == XML_ELEMENT_NODE &&
                    !strcmp((const char *)s->name, (const char *)e->name)) {
                    total++;
                    if (s == e)
                        idx = total;
                }
        buf_printf(out, "/%s", (const char *)e->name);
        if (total > 1)
            buf_printf(out, "[%zu]", idx);
    }
}

/* Fills p for element n (path in pb, which must live as long as p is used). */
static void place_at(const xmlNode *n, const char *attr_name, struct avails_place *p,
                     struct buf *pb)
{
    memset(p, 0, sizeof *p);
    path_of(n, pb);
    if (attr_name)
        buf_printf(pb, "/@%s", attr_name);
    p->path = buf_str(pb);
    p->line = xmlGetLineNo(n);
    p->header = attr_name ? attr_name : (const char *)n->name;
}

static char *attr_of(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *s = v ? xstrdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

/* ---- values, element by element ---- */

static void check_value(struct xml_state *st, xmlNode *n)
{
    struct avails_ctx *ac = st->ac;
    const char *name = (const char *)n->name;
    struct avails_place p;
    struct buf pb = {0}, tb = {0};
    char *raw = NULL;
    place_at(n, NULL, &p, &pb);
    static const struct {
        const char *el;
        enum vocab_id id;
        const char *code;
        enum severity sev;
    } vocabs[] = {
        {"EntryType", VOCAB_ENTRY_TYPE, "avails.entrytype.invalid", SEV_ERROR},
        {"AvailType", VOCAB_AVAIL_TYPE, "avails.availtype.invalid", SEV_ERROR},
        {"WorkType", VOCAB_WORK_TYPE, "avails.worktype.invalid", SEV_ERROR},
        {"FormatProfile", VOCAB_FORMAT_PROFILE, "avails.formatprofile.invalid", SEV_ERROR},
        {"LicenseRightsDescription", VOCAB_LRD, "avails.licenserightsdescription.unknown",
         SEV_WARNING},
        {"USACaptionsExemptionReason", VOCAB_CAPTION_EXEMPTION, "avails.captionexemption.invalid",
         SEV_ERROR},
        {"LocalizationOffering", VOCAB_LOCALIZATION, "avails.localization.invalid", SEV_ERROR},
        {"ProgressCode", VOCAB_PROGRESS_CODE, "avails.progresscode.invalid", SEV_ERROR},
    };
    for (size_t i = 0; i < sizeof vocabs / sizeof vocabs[0]; i++)
        if (!strcmp(name, vocabs[i].el)) {
            raw = text_of(n);
            avails_check_vocab(ac, &p, vocabs[i].id, raw, vocabs[i].code, vocabs[i].sev);
            goto done;
        }
    if (!strcmp(name, "LicenseType")) {
        raw = text_of(n);
        const char *t = trim_of(n, &tb);
        if (!strcmp(t, "FVOD") || !strcmp(t, "AVOD"))
            avails_report(ac, &p, "avails.licensetype.nonstandard", SEV_WARNING, "LicenseType", raw,
                          t, "EST, VOD, SVOD, POEST, Pre-Release, Library",
                          "Keep it only if the service you deliver to takes it.",
                          "LicenseType \"%s\" is not in the MDDF vocabulary", t);
        else
            avails_check_vocab(ac, &p, VOCAB_LICENSE_TYPE, raw, "avails.licensetype.invalid",
                               SEV_ERROR);
    } else if (!strcmp(name, "country")) {
        char code[4];
        raw = text_of(n);
        avails_check_territory(ac, &p, "Territory/country", raw, code);
    } else if (!strcmp(name, "AllowedLanguage") || !strcmp(name, "AssetLanguage") ||
               !strcmp(name, "HoldbackLanguage")) {
        raw = text_of(n);
        avails_check_languages(ac, &p, name, raw, false, NULL);
        char *asset = attr_of(n, "asset");
        if (asset) {
            struct avails_place pa;
            struct buf pab = {0};
            place_at(n, "asset", &pa, &pab);
            avails_check_vocab(ac, &pa, VOCAB_LANG_ASSET, asset, "avails.language.invalid",
                               SEV_ERROR);
            buf_free(&pab);
            free(asset);
        }
    } else if (!strcmp(name, "StartCondition") || !strcmp(name, "EndCondition")) {
        raw = text_of(n);
        const char *t = trim_of(n, &tb);
        if (!strcmp(t, "TBD") && !st->offer_status)
            avails_report(ac, &p, "avails.condition.tbd", SEV_ERROR, name, raw, t,
                          "a date or a condition other than TBD",
                          "Give the date or the event; TBD is only for OfferStatus reports.",
                          "Condition \"TBD\" is only valid in an OfferStatus");
        else
            avails_check_vocab(ac, &p, VOCAB_CONDITION, raw, "avails.condition.invalid", SEV_ERROR);
    } else if (!strcmp(name, "Start") || !strcmp(name, "End") || !strcmp(name, "Event") ||
               !strcmp(name, "IssueDate")) {
        struct av_when w;
        raw = text_of(n);
        avails_check_when(ac, &p, name, raw, false, !strcmp(name, "End"), &w);
    } else if (!strcmp(name, "Money")) {
        raw = text_of(n);
        avails_check_amount(ac, &p, "Money", raw);
        char *cur = attr_of(n, "currency");
        if (cur) {
            struct avails_place pa;
            struct buf pab = {0};
            place_at(n, "currency", &pa, &pab);
            avails_check_currency(ac, &pa, "Money@currency", cur);
            buf_free(&pab);
            free(cur);
        }
    } else if (!strcmp(name, "Term")) {
        char *tn = attr_of(n, "termName");
        if (tn) {
            struct avails_place pa;
            struct buf pab = {0};
            place_at(n, "termName", &pa, &pab);
            avails_check_vocab(ac, &pa, VOCAB_TERM_NAME, tn, "avails.term.unknown", SEV_WARNING);
            buf_free(&pab);
            free(tn);
        }
    } else if (!strcmp(name, "ALID") || !strcmp(name, "RefALID") || !strcmp(name, "BundledALID") ||
               !strcmp(name, "EditEIDR-URN") || !strcmp(name, "TitleEIDR-URN") ||
               !strcmp(name, "AssociatedALID")) {
        raw = text_of(n);
        avails_check_id(ac, &p, name, raw);
    } else if (!strcmp(name, "Asset")) {
        char *cid = attr_of(n, "contentID");
        if (cid) {
            struct avails_place pa;
            struct buf pab = {0};
            place_at(n, "contentID", &pa, &pab);
            avails_check_id(ac, &pa, "Asset@contentID", cid);
            buf_free(&pab);
            free(cid);
        }
    } else if (!strcmp(name, "SharedEntitlement")) {
        char *eco = attr_of(n, "ecosystem");
        if (eco) {
            struct avails_place pa;
            struct buf pab = {0};
            place_at(n, "ecosystem", &pa, &pab);
            avails_check_vocab(ac, &pa, VOCAB_ECOSYSTEM, eco, "avails.ecosystem.unknown",
                               SEV_WARNING);
            buf_free(&pab);
            free(eco);
        }
    }
    if (!strcmp(name, "FormatProfile")) {
        char *hdr = attr_of(n, "HDR");
        if (hdr) {
            struct avails_place pa;
            struct buf pab = {0};
            place_at(n, "HDR", &pa, &pab);
            avails_check_vocab(ac, &pa, VOCAB_HDR, hdr, "avails.hdr.invalid", SEV_WARNING);
            buf_free(&pab);
            free(hdr);
        }
    }
done:
    free(raw);
    buf_free(&pb);
    buf_free(&tb);
}

/* A Common Metadata Rating against the CMR database: system known, adopted in the rating's
 * country, value and reasons defined by the system. */
static void check_rating(struct xml_state *st, xmlNode *r)
{
    struct avails_ctx *ac = st->ac;
    struct buf cb = {0}, sb = {0}, vb = {0}, pb = {0}, eb = {0};
    const char *country = trim_of(child(child(r, "Region"), "country"), &cb);
    xmlNode *sn = child(r, "System"), *vn = child(r, "Value");
    const char *system = trim_of(sn, &sb);
    const char *value = trim_of(vn, &vb);
    struct avails_place p;
    const char *fix = "Use a rating system of the rating's country and one of its values (the "
                      "MovieLabs Common Metadata Ratings list them).";
    if (!sn || !*system) {
        /* the schema requires it; nothing to look up */
    } else if (!ratings_has_system(st->ratings, system)) {
        place_at(sn, NULL, &p, &pb);
        avails_report(ac, &p, "avails.rating.system", SEV_ERROR, "Ratings/Rating/System", system,
                      NULL, "a rating system of the Common Metadata Ratings", fix,
                      "Rating system \"%s\" is not a known rating system", system);
    } else {
        if (*country && !ratings_used_in(st->ratings, system, country, NULL)) {
            ratings_describe_regions(st->ratings, system, &eb);
            place_at(r, NULL, &p, &pb);
            avails_report(ac, &p, "avails.rating.region", SEV_ERROR, "Ratings/Rating/System",
                          system, NULL, buf_str(&eb), fix, "Rating system \"%s\" is not used in %s",
                          system, country);
            buf_reset(&eb);
        }
        bool deprecated = false;
        if (vn && !ratings_has_value(st->ratings, system, *country ? country : NULL, value,
                                     &deprecated)) {
            ratings_describe(st->ratings, system, *country ? country : NULL, false, 20, &eb);
            place_at(vn, NULL, &p, &pb);
            avails_report(ac, &p, "avails.rating.value", SEV_ERROR, "Ratings/Rating/Value", value,
                          NULL, buf_str(&eb), fix, "\"%s\" is not a rating of the %s system", value,
                          system);
            buf_reset(&eb);
        } else if (vn && deprecated) {
            place_at(vn, NULL, &p, &pb);
            avails_report(ac, &p, "avails.rating.deprecated", SEV_WARNING, "Ratings/Rating/Value",
                          value, NULL, "a current rating", fix,
                          "Rating \"%s\" of the %s system is withdrawn", value, system);
        }
        for (xmlNode *rn = r->children; rn; rn = rn->next) {
            if (!is(rn, "Reason"))
                continue;
            struct buf rb = {0};
            const char *reason = trim_of(rn, &rb);
            if (ratings_defines_reasons(st->ratings, system, *country ? country : NULL) &&
                !ratings_has_reason(st->ratings, system, *country ? country : NULL, reason)) {
                ratings_describe(st->ratings, system, *country ? country : NULL, true, 30, &eb);
                place_at(rn, NULL, &p, &pb);
                avails_report(ac, &p, "avails.rating.reason", SEV_ERROR, "Ratings/Rating/Reason",
                              reason, NULL, buf_str(&eb), fix,
                              "\"%s\" is not a reason code of the %s system", reason, system);
                buf_reset(&eb);
            }
            buf_free(&rb);
        }
    }
    buf_free(&cb);
    buf_free(&sb);
    buf_free(&vb);
    buf_free(&pb);
    buf_free(&eb);
}

static void walk_values(struct xml_state *st, xmlNode *n)
{
    for (xmlNode *c = n; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        check_value(st, c);
        if (st->ratings && is(c, "Rating"))
            check_rating(st, c);
        walk_values(st, c->children);
    }
}

/* ---- an Avail as a whole ---- */

static void structure(struct xml_state *st, xmlNode *at, const char *code, const char *field,
                      const char *expected, const char *fix, const char *msg)
{
    struct avails_place p;
    struct buf pb = {0};
    place_at(at, NULL, &p, &pb);
    avails_report(st->ac, &p, code, SEV_ERROR, field, NULL, NULL, expected, fix, "%s", msg);
    buf_free(&pb);
}

/* Number of Assets whose WorkType is one of the given values (NULL-terminated). */
static size_t assets_of(xmlNode *avail, const char *const *types)
{
    size_t k = 0;
    struct buf b = {0};
    for (xmlNode *a = avail->children; a; a = a->next) {
        if (!is(a, "Asset"))
            continue;
        const char *wt = trim_of(child(a, "WorkType"), &b);
        for (const char *const *t = types; *t; t++)
            if (!strcmp(wt, *t)) {
                k++;
                break;
            }
    }
    buf_free(&b);
    return k;
}

static void check_asset(struct xml_state *st, xmlNode *avail, const char *avail_type, xmlNode *a)
{
    struct buf b = {0};
    const char *wt = trim_of(child(a, "WorkType"), &b);
    static const struct {
        const char *wt, *meta;
    } need[] = {{"Movie", "Metadata"},          {"Short", "Metadata"},
                {"Series", "SeriesMetadata"},   {"Season", "SeasonMetadata"},
                {"Episode", "EpisodeMetadata"}, {"Volume", "VolumeMetadata"}};
    xmlNode *wtn = child(a, "WorkType") ? child(a, "WorkType") : a;
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (!strcmp(wt, need[i].wt) && !child(a, need[i].meta)) {
            char msg[160], exp[80];
            snprintf(msg, sizeof msg, "An Asset of WorkType %s needs its %s", wt, need[i].meta);
            snprintf(exp, sizeof exp, "the element %s in the Asset", need[i].meta);
            structure(st, wtn, "avails.structure.metadata", "Asset", exp,
                      "Add the metadata element the WorkType calls for (Movie and Short: "
                      "Metadata; Episode: EpisodeMetadata; Season: SeasonMetadata; Series: "
                      "SeriesMetadata).",
                      msg);
        }
    if (!strcmp(wt, "Episode")) {
        xmlNode *em = child(a, "EpisodeMetadata");
        if (em && !child(child(em, "EpisodeNumber"), "Number"))
            structure(st, em, "avails.structure.metadata", "EpisodeMetadata",
                      "EpisodeNumber/Number", "Give the episode's number in EpisodeNumber/Number.",
                      "An Episode's metadata needs its EpisodeNumber");
        if (strcmp(avail_type, "episode") != 0 && *avail_type)
            structure(st, wtn, "avails.structure.availtype", "AvailType", "AvailType episode",
                      "Deliver an Episode asset in an Avail of AvailType episode.",
                      "An Episode asset belongs in an Avail of AvailType \"episode\"");
    }
    for (xmlNode *ba = a->children; ba; ba = ba->next)
        if (is(ba, "BundledAsset") && strcmp(wt, "Collection") != 0) {
            structure(st, ba, "avails.bundle.worktype", "BundledAsset", "WorkType Collection",
                      "Bundle assets only in an Asset of WorkType Collection.",
                      "BundledAsset is only allowed when the Asset's WorkType is \"Collection\"");
            break;
        }
    /* volumes: the episodes a volume of a season holds */
    xmlNode *vm = child(a, "VolumeMetadata");
    if (vm) {
        struct buf fb = {0}, cb = {0}, sb = {0};
        const char *first = trim_of(child(vm, "VolumeFirstEpisodeNumber"), &fb);
        const char *count = trim_of(child(vm, "VolumeNumberOfEpisodes"), &cb);
        const char *season = trim_of(child(child(vm, "SeasonMetadata"), "SeasonContentID"), &sb);
        char *e1, *e2;
        long f = strtol(first, &e1, 10), n = strtol(count, &e2, 10);
        if (*first && *count && !*e1 && !*e2 && n > 0 && n < 100000 && f >= 0 && f < 100000 &&
            *season) {
            if (st->n_vols == st->cap_vols) {
                st->cap_vols = st->cap_vols ? st->cap_vols * 2 : 16;
                st->vols = xrealloc(st->vols, st->cap_vols * sizeof *st->vols);
            }
            struct buf pb = {0};
            xmlNode *fn = child(vm, "VolumeFirstEpisodeNumber");
            path_of(fn, &pb);
            st->vols[st->n_vols++] =
                (struct volume){xstrdup(season), f, n, xmlGetLineNo(fn), buf_detach(&pb)};
        }
        buf_free(&fb);
        buf_free(&cb);
        buf_free(&sb);
    }
    buf_free(&b);
    (void)avail;
}

static bool has_term(xmlNode *tr, const char *name)
{
    for (xmlNode *t = tr->children; t; t = t->next)
        if (is(t, "Term")) {
            char *tn = attr_of(t, "termName");
            bool hit = tn && !strcmp(tn, name);
            free(tn);
            if (hit)
                return true;
        }
    return false;
}

static bool has_price(xmlNode *tr)
{
    for (xmlNode *t = tr->children; t; t = t->next)
        if (is(t, "Term")) {
            char *tn = attr_of(t, "termName");
            bool hit = (tn && (!strcmp(tn, "Tier") || !strcmp(tn, "Category") ||
                               !strcmp(tn, "LicenseFee"))) ||
                       child(t, "Money");
            free(tn);
            if (hit)
                return true;
        }
    return false;
}

static void check_transaction(struct xml_state *st, xmlNode *tr, const char *avail_type,
                              const char *licensor, const char *alid)
{
    struct avails_ctx *ac = st->ac;
    struct buf lb = {0}, fb = {0}, sb = {0}, eb = {0}, pb = {0};
    xmlNode *ltn = child(tr, "LicenseType");
    const char *lt = trim_of(ltn, &lb);
    const char *fp = trim_of(child(tr, "FormatProfile"), &fb);
    if (!strcmp(lt, "POEST") && !has_term(tr, "SuppressionLiftDate"))
        structure(st, ltn, "avails.poest.suppression_lift_date", "LicenseType",
                  "a Term termName=\"SuppressionLiftDate\"",
                  "Add the date the pre-order may be announced as Term SuppressionLiftDate.",
                  "One SuppressionLiftDate is required for LicenseType \"POEST\"");
    if (strcmp(lt, "POEST") != 0 &&
        (has_term(tr, "PreOrderFulfillDate") || has_term(tr, "PreorderFulfillDate")))
        structure(st, ltn, "avails.preorder.fulfill_date", "Term", "LicenseType POEST",
                  "Remove the term, or make the transaction a POEST pre-order.",
                  "The PreOrderFulfillDate term is only allowed when LicenseType is \"POEST\"");
    if (*lt && strcmp(lt, "SVOD") != 0 && strcmp(lt, "FVOD") != 0 && strcmp(lt, "AVOD") != 0) {
        if (!has_price(tr)) {
            struct avails_place p;
            place_at(ltn ? ltn : tr, NULL, &p, &pb);
            avails_report(ac, &p, "avails.price.missing", SEV_WARNING, "Transaction/Term", NULL,
                          NULL, "a Term Tier, Category or LicenseFee, or a Term with Money",
                          "Give the price of this offer.",
                          "This %s transaction has no pricing term", lt);
        }
        if (count_children(tr, "AssetLanguage") > 1) {
            xmlNode *second = NULL;
            int k = 0;
            for (xmlNode *c = tr->children; c && !second; c = c->next)
                if (is(c, "AssetLanguage") && ++k == 2)
                    second = c;
            structure(st, second, "avails.transaction.asset_language", "AssetLanguage",
                      "one AssetLanguage",
                      "Give one AssetLanguage per transaction (one transaction per language).",
                      "A transactional license (not SVOD) limits a Transaction to one "
                      "AssetLanguage");
        }
    }
    if (child(tr, "RefALID") && strcmp(avail_type, "promotion") != 0 &&
        strcmp(avail_type, "supplement") != 0)
        structure(st, child(tr, "RefALID"), "avails.structure.refalid", "RefALID",
                  "AvailType promotion or supplement",
                  "Remove RefALID, or make the Avail a promotion or supplement.",
                  "RefALID is defined only when AvailType is \"promotion\" or \"supplement\"");
    /* the window */
    struct av_when start = {0}, end = {0};
    struct avails_place p;
    xmlNode *sn = child(tr, "Start"), *en = child(tr, "End");
    xmlNode *scn = child(tr, "StartCondition"), *ecn = child(tr, "EndCondition");
    struct findings scratch = {0};
    struct avails_ctx quiet = *ac; /* values were reported by the walk: parse silently here */
    quiet.out = &scratch;
    bool hs = false, he = false;
    if (sn) {
        place_at(sn, NULL, &p, &pb);
        hs = avails_check_when(&quiet, &p, "Start", trim_of(sn, &sb), false, false, &start);
    } else if (scn) {
        hs = avails_check_when(&quiet, NULL, "StartCondition", trim_of(scn, &sb), true, false,
                               &start);
    }
    if (en) {
        he = avails_check_when(&quiet, NULL, "End", trim_of(en, &eb), false, true, &end);
    } else if (ecn) {
        he = avails_check_when(&quiet, NULL, "EndCondition", trim_of(ecn, &eb), true, true, &end);
    }
    findings_free(&scratch);
    if (hs && he && start.kind != AVW_CONDITION && end.kind != AVW_CONDITION && start.t >= end.t) {
        place_at(en, NULL, &p, &pb);
        struct buf exp = {0};
        buf_printf(&exp, "a date after the Start (%s)", start.text);
        avails_report(ac, &p, "avails.window.reversed", SEV_ERROR, "End", end.text, NULL,
                      buf_str(&exp), "End must come after Start.",
                      "The window ends (%s) before it starts (%s)", end.text, start.text);
        buf_free(&exp);
    }
    if (hs && he) {
        struct buf langs = {0}, one = {0};
        for (xmlNode *t = tr->children; t; t = t->next)
            if (is(t, "AssetLanguage")) {
                if (langs.len)
                    buf_putc(&langs, ',');
                buf_puts(&langs, trim_of(t, &one));
            }
        for (xmlNode *t = tr->children; t; t = t->next) {
            if (!is(t, "Territory"))
                continue;
            struct buf cb = {0};
            const char *country = trim_of(child(t, "country"), &cb);
            place_at(sn ? sn : tr, NULL, &p, &pb);
            if (*country)
                avails_add_window(ac, &p, licensor, alid, country, lt, fp, buf_str(&langs), &start,
                                  &end);
            buf_free(&cb);
        }
        buf_free(&langs);
        buf_free(&one);
    }
    buf_free(&lb);
    buf_free(&fb);
    buf_free(&sb);
    buf_free(&eb);
    buf_free(&pb);
}

static void check_avail(struct xml_state *st, xmlNode *av)
{
    struct buf ab = {0}, tb = {0}, lb = {0};
    xmlNode *alid_n = child(av, "ALID");
    const char *alid = trim_of(alid_n, &ab);
    const char *type = trim_of(child(av, "AvailType"), &tb);
    const char *licensor = trim_of(child(child(av, "Licensor"), "DisplayName"), &lb);
    if (!alid_n)
        structure(st, av, "avails.value.missing", "ALID", "an ALID",
                  "Give the Avail its ALID (the identifier of what is licensed).",
                  "The Avail has no ALID");
    else if (*alid) {
        long line = xmlGetLineNo(alid_n);
        for (size_t i = 0; i < st->n_alids; i++)
            if (!strcmp(st->alids[i].alid, alid)) {
                struct avails_place p;
                struct buf pb = {0};
                place_at(alid_n, NULL, &p, &pb);
                char at[48];
                snprintf(at, sizeof at, "the Avail at line %ld", st->alids[i].line);
                avails_report(st->ac, &p, "avails.alid.duplicate", SEV_WARNING, "ALID", alid, NULL,
                              "each ALID in one Avail",
                              "Put all the transactions of one ALID in one Avail.",
                              "ALID \"%s\" is also used by %s", alid, at);
                buf_free(&pb);
                break;
            }
        if (st->n_alids == st->cap_alids) {
            st->cap_alids = st->cap_alids ? st->cap_alids * 2 : 64;
            st->alids = xrealloc(st->alids, st->cap_alids * sizeof *st->alids);
        }
        st->alids[st->n_alids++] = (struct alid_seen){xstrdup(alid), line};
    }
    xmlNode *tn = child(av, "AvailType") ? child(av, "AvailType") : av;
    static const char *const non_episodic[] = {"Movie", "Short", NULL};
    static const char *const coll[] = {"Collection", "Franchise", "Series", "Season", NULL};
    static const char *const ep[] = {"Episode", NULL}, *const season[] = {"Season", NULL},
                             *const series[] = {"Series", NULL},
                             *const collection[] = {"Collection", NULL},
                             *const supp[] = {"Supplemental", NULL},
                             *const promo[] = {"Promotion", NULL};
    const char *want = NULL;
    if (!strcmp(type, "single")) {
        if (assets_of(av, non_episodic) != 1 || assets_of(av, coll) != 0)
            want = "exactly one non-episodic Asset (WorkType Movie or Short)";
    } else if (!strcmp(type, "episode")) {
        if (assets_of(av, ep) != 1)
            want = "exactly one Episode Asset";
    } else if (!strcmp(type, "season")) {
        if (assets_of(av, season) != 1)
            want = "exactly one Season Asset";
    } else if (!strcmp(type, "series") || !strcmp(type, "miniseries")) {
        if (assets_of(av, series) != 1)
            want = "exactly one Series Asset";
    } else if (!strcmp(type, "bundle")) {
        if (assets_of(av, collection) != 1)
            want = "exactly one Collection Asset, with BundledAssets and Metadata";
    } else if (!strcmp(type, "supplement")) {
        if (assets_of(av, supp) < 1)
            want = "at least one Supplemental Asset";
    } else if (!strcmp(type, "promotion")) {
        if (assets_of(av, promo) < 1)
            want = "at least one Promotion Asset";
    }
    if (want) {
        char msg[200];
        snprintf(msg, sizeof msg, "AvailType \"%s\" requires %s", type, want);
        structure(st, tn, "avails.structure.availtype", "AvailType", want,
                  "Make the AvailType and the Assets' WorkType agree (single: Movie or Short; "
                  "episode: Episode; season: Season; series: Series; bundle: Collection).",
                  msg);
    }
    if ((!strcmp(type, "supplement") || !strcmp(type, "promotion"))) {
        bool ref = false;
        for (xmlNode *t = av->children; t; t = t->next)
            ref = ref || (is(t, "Transaction") && child(t, "RefALID"));
        if (!ref)
            structure(st, tn, "avails.structure.refalid", "RefALID", "Transaction/RefALID",
                      "Name the ALID this supplement or promotion refers to in RefALID.",
                      "A supplement or promotion Avail requires Transaction/RefALID");
    }
    for (xmlNode *c = av->children; c; c = c->next) {
        if (is(c, "Asset"))
            check_asset(st, av, type, c);
        else if (is(c, "Transaction"))
            check_transaction(st, c, type, licensor, alid);
    }
    buf_free(&ab);
    buf_free(&tb);
    buf_free(&lb);
}

static void check_volumes(struct xml_state *st)
{
    for (size_t j = 1; j < st->n_vols; j++)
        for (size_t i = 0; i < j; i++) {
            struct volume *a = &st->vols[i], *b = &st->vols[j];
            if (strcmp(a->season, b->season) != 0)
                continue;
            if (b->first <= a->first + a->count - 1 && a->first <= b->first + b->count - 1) {
                struct avails_place p = {
                    .line = b->line, .path = b->path, .header = "VolumeFirstEpisodeNumber"};
                char obs[64], other[64], exp[128];
                snprintf(obs, sizeof obs, "episodes %ld to %ld", b->first, b->first + b->count - 1);
                snprintf(other, sizeof other, "episodes %ld to %ld", a->first,
                         a->first + a->count - 1);
                snprintf(exp, sizeof exp, "no episode of %s (line %ld)", other, a->line);
                avails_report(st->ac, &p, "avails.volume.overlap", SEV_ERROR, "VolumeMetadata", obs,
                              NULL, exp,
                              "Give each volume of the season its own run of episodes "
                              "(VolumeFirstEpisodeNumber and VolumeNumberOfEpisodes).",
                              "This volume (%s) overlaps the volume at line %ld (%s) of season "
                              "\"%s\"",
                              obs, a->line, other, b->season);
                break;
            }
        }
}

/* ---- the schema layer ---- */

struct schema_errs {
    struct avails_ctx *ac;
    size_t n;
    const char *xsd;
};

static void on_schema_error(void *ctx, xmlErrorPtr e)
{
    struct schema_errs *se = ctx;
    if (!e || e->level < XML_ERR_ERROR)
        return;
    if (se->n++ >= MAX_SCHEMA_FINDINGS)
        return;
    struct avails_place p = {.line = e->line};
    struct buf pb = {0};
    if (e->node && ((xmlNode *)e->node)->type == XML_ELEMENT_NODE) {
        path_of((xmlNode *)e->node, &pb);
        p.path = buf_str(&pb);
        p.header = (const char *)((xmlNode *)e->node)->name;
        if (!p.line)
            p.line = xmlGetLineNo((xmlNode *)e->node);
    }
    char msg[512];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "schema validity error");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    struct buf clause = {0};
    const char *std = se->ac->std;
    buf_printf(&clause, "%s", se->xsd);
    se->ac->std = buf_str(&clause);
    avails_report(se->ac, &p, "avails.schema.invalid", SEV_ERROR, "XML Schema", NULL, NULL,
                  "a document valid against the MovieLabs XSD",
                  "Correct the element so the document validates against the schema.", "Schema: %s",
                  msg);
    se->ac->std = std;
    buf_free(&clause);
    buf_free(&pb);
}

static void on_schema_parse_error(void *ctx, xmlErrorPtr e)
{
    struct buf *b = ctx;
    if (e && e->level >= XML_ERR_ERROR && b->len == 0)
        buf_printf(b, "%s", e->message ? e->message : "cannot be loaded");
}

/* Trims numbers and booleans in leaf elements (see the top of the file). */
static void collapse_numbers(xmlNode *n)
{
    for (xmlNode *c = n; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        xmlNode *t = c->children;
        if (t && !t->next && t->type == XML_TEXT_NODE && t->content) {
            const char *s = (const char *)t->content;
            size_t len = strlen(s), a = 0, z = len;
            while (a < len && strchr(" \t\r\n", s[a]))
                a++;
            while (z > a && strchr(" \t\r\n", s[z - 1]))
                z--;
            if ((a > 0 || z < len) && z > a) {
                const char *q = s + a;
                size_t k = 0, m = z - a;
                if (q[0] == '+' || q[0] == '-')
                    k++;
                size_t d = strspn(q + k, "0123456789");
                bool numeric =
                    d > 0 && (k + d == m || (q[k + d] == '.' &&
                                             k + d + 1 + strspn(q + k + d + 1, "0123456789") == m));
                bool boolean =
                    (m == 4 && !strncmp(q, "true", 4)) || (m == 5 && !strncmp(q, "false", 5));
                if (numeric || boolean) {
                    char *v = xstrndup(q, m);
                    xmlNodeSetContent(t, (const xmlChar *)v);
                    free(v);
                }
            }
        }
        collapse_numbers(c->children);
    }
}

static void validate_schema(struct avails_ctx *ac, xmlDoc *doc, const char *dir, const char *ver)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/avails-v%s.xsd", dir, ver);
    struct buf why = {0};
    struct stat stt;
    xmlSchemaPtr schema = NULL;
    if (stat(path, &stt) == 0) {
        xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
        xmlSchemaSetParserStructuredErrors(pc, on_schema_parse_error, &why);
        schema = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
    } else {
        buf_printf(&why, "the directory has no avails-v%s.xsd", ver);
    }
    if (!schema) {
        char std[64];
        snprintf(std, sizeof std, "MDDF Avails %s XML Schema", ver);
        const char *keep = ac->std;
        ac->std = std;
        avails_report(ac, NULL, "avails.schema.unavailable", SEV_WARNING, "avails-v*.xsd", NULL,
                      NULL, path,
                      "Nothing to do on the file; the operator may add the schema files to the "
                      "schema directory.",
                      "The XML Schema of this version cannot be used, so only the native checks "
                      "ran: %s",
                      why.len ? buf_str(&why) : "not found");
        ac->std = keep;
        buf_free(&why);
        return;
    }
    collapse_numbers(xmlDocGetRootElement(doc));
    char xsd[128];
    snprintf(xsd, sizeof xsd, "MDDF Avails %s XML Schema (avails-v%s.xsd)", ver, ver);
    struct schema_errs se = {.ac = ac, .xsd = xsd};
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    xmlSchemaSetValidStructuredErrors(vc, on_schema_error, &se);
    xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    if (se.n > MAX_SCHEMA_FINDINGS) {
        const char *keep = ac->std;
        ac->std = xsd;
        avails_report(ac, NULL, "avails.schema.invalid", SEV_ERROR, "XML Schema", NULL, NULL, NULL,
                      "Fix the errors above and validate again.", "... and %zu more schema errors",
                      se.n - MAX_SCHEMA_FINDINGS);
        ac->std = keep;
    }
    buf_free(&why);
}

/* ---- parsing ---- */

/*
 * Parses the document through xmlsafe, from the file at path or from data[0..len). Returns 0
 * and *out, or -1 with the xml.* findings (malformed, entities, too deep) already added.
 */
static int parse(struct xml_state *st, const char *path, const char *data, size_t len, xmlDoc **out)
{
    struct xmlsafe_limits lim = {.max_bytes = MAX_FILE};
    return data ? xmlsafe_parse(data, len, st->ac->file, &lim, st->ac->out, out)
                : xmlsafe_read_file(path, st->ac->file, &lim, st->ac->out, out);
}

/* The checks of one document, from a file (data NULL) or from memory. */
static void run(const char *path, const char *data, uint64_t size, const char *display_name,
                const struct check_options *opts, struct findings *out)
{
    struct avails_ctx ac;
    avails_ctx_init(&ac, out, display_name, "MDDF Avails", 0, false);
    if (size > MAX_FILE || (data && size > INT32_MAX)) {
        avails_report(&ac, NULL, "avails.file.too_large", SEV_ERROR, "file", NULL, NULL,
                      "at most 256 MiB", "Split the avails into several files.",
                      "The file is %llu MiB, larger than any avails file",
                      (unsigned long long)(size >> 20));
        avails_ctx_finish(&ac);
        return;
    }
    struct xml_state st = {.ac = &ac, .ratings = opts ? opts->ratings : NULL};
    xmlDoc *doc = NULL;
    if (parse(&st, path, data, (size_t)size, &doc) == 0) {
        xmlNode *root = xmlDocGetRootElement(doc);
        const char *href = root && root->ns ? (const char *)root->ns->href : "";
        char ver[16] = "";
        if (!strncmp(href, AVAILS_NS, strlen(AVAILS_NS))) {
            const char *v = href + strlen(AVAILS_NS);
            size_t n = strcspn(v, "/");
            if (n < sizeof ver)
                snprintf(ver, sizeof ver, "%.*s", (int)n, v);
        }
        /* "2.2.1" -> 2210; components of one or two digits, anything else is unknown */
        int part[3] = {0, 0, 0}, k = 0;
        const char *q = ver;
        while (k < 3 && *q >= '0' && *q <= '9') {
            int d = 0;
            while (*q >= '0' && *q <= '9' && d < 100)
                d = d * 10 + (*q++ - '0');
            part[k++] = d;
            if (*q == '.')
                q++;
        }
        int version = k >= 2 && !*q && part[0] < 10 && part[1] < 10 && part[2] < 10
                          ? part[0] * 1000 + part[1] * 100 + part[2] * 10
                          : 0;
        bool root_ok = is(root, "AvailList") || is(root, "Avail") || is(root, "OfferStatusList");
        if (!version || !root_ok) {
            struct avails_place p = {.line = root ? xmlGetLineNo(root) : 0};
            avails_report(&ac, &p, "avails.xml.root", SEV_ERROR, "AvailList", href, NULL,
                          "an avails:AvailList in a namespace "
                          "http://www.movielabs.com/schema/avails/vX.Y/avails",
                          "Deliver an MDDF Avails document (root AvailList) with the namespace of "
                          "its version.",
                          "The root element is %s in namespace \"%s\", not an MDDF Avails "
                          "AvailList",
                          root ? (const char *)root->name : "missing", href);
        } else {
            if (version < 2100 || version > 2700) {
                struct avails_place p = {.line = xmlGetLineNo(root)};
                avails_report(&ac, &p, "avails.xml.version", SEV_WARNING, "AvailList", ver, NULL,
                              "Avails 2.1 to 2.7", "Check the namespace of the root element.",
                              "Avails version %s is not one this validator knows; the 2.7 rules "
                              "were applied",
                              ver);
                version = 2700;
            }
            char *std = arena_printf(&ac.arena, "MDDF Avails %s", ver);
            ac.std = std;
            ac.xml_version = version;
            st.offer_status = is(root, "OfferStatusList");
            walk_values(&st, root);
            if (is(root, "Avail"))
                check_avail(&st, root);
            for (xmlNode *c = root->children; c; c = c->next)
                if (is(c, "Avail"))
                    check_avail(&st, c);
            check_volumes(&st);
            if (opts && opts->titles)
                title_rows_avails_xml(root, opts->titles);
            if (opts && opts->mddf_schemas)
                validate_schema(&ac, doc, opts->mddf_schemas, ver);
        }
        xmlFreeDoc(doc);
    }
    for (size_t i = 0; i < st.n_alids; i++)
        free((char *)st.alids[i].alid);
    free(st.alids);
    for (size_t i = 0; i < st.n_vols; i++) {
        free(st.vols[i].season);
        free(st.vols[i].path);
    }
    free(st.vols);
    avails_ctx_finish(&ac);
}

int check_avails_xml(const char *path, const char *display_name, const struct check_options *opts,
                     struct findings *out, struct buf *why)
{
    struct stat stt;
    if (stat(path, &stt) != 0) {
        if (why)
            buf_printf(why, "%s cannot be read", display_name);
        return CHECK_ERR_IO;
    }
    run(path, NULL, (uint64_t)stt.st_size, display_name, opts, out);
    return 0;
}

void avails_xml_check_buffer(const char *data, size_t len, const char *display_name,
                             const struct check_options *opts, struct findings *out)
{
    run(NULL, data, len, display_name, opts, out);
}
