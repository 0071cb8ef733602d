/*
 * MEC checks (MovieLabs Media Entertainment Core, TR-META-MEC 2.4-2.12),
 * on top of the Common Metadata checks of mddf.c.
 *
 * A MEC file describes one title (one <mdmec:Basic>): what a storefront
 * shows and what the service needs to publish it. Errors are what the MEC
 * specification requires of BasicMetadata ("MEC:bmu"): a ContentID, a
 * WorkType, at least one LocalizedInfo with exactly one default, a release
 * date in one of its forms, SequenceInfo for seasons, episodes and other
 * numbered works, and the fields the DigitalAsset descriptions must carry.
 * What a store needs but the specification leaves optional (RunLength, the
 * titles, summary, primary genre, artwork reference and copyright line of
 * each LocalizedInfo) is checked too, as one warning per element listing
 * what is missing: many valid MEC files (the MovieLabs samples among them)
 * omit them, and a delivery profile that needs them raises them with the
 * partner, not by rejecting the file.
 */
#include "check/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "check/mddf.h"
#include "check/xmlsafe.h"

/* Work types that have a running time of their own (a Series or Season does not). */
static bool timed_work(const char *wt)
{
    static const char *const timed[] = {
        "Movie",        "Short", "Episode",     "Promotion", "Excerpt",
        "Supplemental", "Ad",    "Music Video", "Concert",   "Non-episodic Show"};
    for (size_t i = 0; i < sizeof timed / sizeof timed[0]; i++)
        if (!strcmp(wt, timed[i]))
            return true;
    return false;
}

static void check_basic(struct mddf_doc *d, xmlNode *basic)
{
    char clause[200];
    mddf_spec_clause(d, "Sec. 2.1 Basic Metadata usage", clause, sizeof clause);

    char *cid = xmlsafe_attr(basic, "ContentID");
    if (!cid || !*cid) {
        struct mddf_ev ev = {.observed = "(absent)",
                             .expected = "a ContentID identifying the title",
                             .clause = clause,
                             .fix = "Give <mdmec:Basic> the title's ContentID (the same one the "
                                    "manifest and the avails use)."};
        mddf_report(d, basic, SEV_ERROR, "mec.basic.content_id", &ev,
                    "The title's Basic metadata has no ContentID, so it cannot be matched to "
                    "its avails and assets.");
    } else {
        xmlAttr *a = xmlHasProp(basic, (const xmlChar *)"ContentID");
        mddf_check_id(d, (const xmlNode *)a, cid, "cid");
    }
    free(cid);

    xmlXPathObjectPtr o = mddf_xpath(d, "./md:Parent/md:ParentContentID", basic);
    EACH_NODE(o, i, p) {
        char *v = xmlsafe_text(p);
        if (*v)
            mddf_check_id(d, p, v, "cid");
        free(v);
    }
    xmlXPathFreeObject(o);

    char *wt = mddf_md_text(d, basic, "WorkType");
    int n_default = mddf_count(d, "./md:LocalizedInfo[@default='true' or @default='1']", basic);
    if (n_default != 1 && mddf_count(d, "./md:LocalizedInfo", basic) > 0) {
        char obs[48];
        snprintf(obs, sizeof obs, "%d marked default", n_default);
        struct mddf_ev ev = {.observed = obs,
                             .expected = "exactly one LocalizedInfo with default=\"true\"",
                             .clause = "MovieLabs MEC, Sec. 2.1.1 LocalizedInfo (mddf-lib "
                                       "structure rules)",
                             .fix = "Mark exactly one LocalizedInfo default=\"true\": the one in "
                                    "the language of the original production."};
        mddf_report(d, basic, SEV_ERROR, "mec.localized.default", &ev,
                    "Exactly one LocalizedInfo must be the default; %d are.", n_default);
    }

    xmlNode *rl = xmlsafe_child(basic, d->ns_md, "RunLength");
    if (rl) {
        char *v = xmlsafe_text(rl);
        if (*v && !mddf_is_duration(v)) {
            struct mddf_ev ev = {.observed = v,
                                 .expected = "an ISO 8601 duration such as PT1H52M or PT10M00S",
                                 .clause = clause,
                                 .fix = "Write the running time as an ISO 8601 duration "
                                        "(PT1H52M30S)."};
            mddf_report(d, rl, SEV_ERROR, "mec.runlength.invalid", &ev, "\"%s\" is not a duration.",
                        v);
        }
        free(v);
    }

    /* seasons, episodes and other numbered works carry their number */
    bool numbered = !strcmp(wt, "Season") || !strcmp(wt, "Episode") || !strcmp(wt, "Promotion") ||
                    !strcmp(wt, "Excerpt") || !strcmp(wt, "Supplemental");
    if (numbered && mddf_count(d, "./md:SequenceInfo/md:Number", basic) != 1) {
        struct mddf_ev ev = {.observed = wt,
                             .expected = "one SequenceInfo/Number",
                             .clause = "MovieLabs MEC, Sec. 2.1 SequenceInfo (required for "
                                       "Season, Episode, Promotion, Excerpt, Supplemental)",
                             .fix = "Give the season's or episode's number in "
                                    "<md:SequenceInfo><md:Number>."};
        mddf_report(d, basic, SEV_ERROR, "mec.sequence.missing", &ev,
                    "A %s must say its number in SequenceInfo.", wt);
    }

    /* what a store needs but the specification leaves optional */
    struct buf missing = {0};
    if (!rl && timed_work(wt))
        buf_puts(&missing, "RunLength");
    if (mddf_count(d, "./md:RatingSet", basic) == 0)
        buf_printf(&missing, "%sRatingSet", missing.len ? ", " : "");
    if (missing.len) {
        struct mddf_ev ev = {.observed = buf_str(&missing),
                             .expected = "RunLength (for timed works) and RatingSet",
                             .clause = "MovieLabs MEC, Sec. 2.1 Basic Metadata usage "
                                       "(recommended); store publishing",
                             .fix = "Add the running time (<md:RunLength>PT1H52M</md:RunLength>) "
                                    "and the title's ratings, or <md:NotRated> when unrated."};
        mddf_report(d, basic, SEV_WARNING, "mec.basic.incomplete", &ev,
                    "The title's metadata lacks %s, which stores need to publish it.",
                    buf_str(&missing));
    }
    buf_free(&missing);

    o = mddf_xpath(d, "./md:LocalizedInfo", basic);
    EACH_NODE(o, i, li) {
        struct buf m = {0};
        static const char *const wanted[][2] = {
            {"TitleDisplayUnlimited", "./md:TitleDisplayUnlimited | ./md:TitleDisplay19"},
            {"OriginalTitle", "./md:OriginalTitle"},
            {"Summary190", "./md:Summary190"},
            {"ArtReference", "./md:ArtReference"},
            {"primary Genre (level 0)", "./md:Genre[@level='0']"},
            {"CopyrightLine", "./md:CopyrightLine"},
        };
        for (size_t k = 0; k < sizeof wanted / sizeof wanted[0]; k++)
            if (mddf_count(d, wanted[k][1], li) == 0)
                buf_printf(&m, "%s%s", m.len ? ", " : "", wanted[k][0]);
        if (m.len) {
            char *lang = xmlsafe_attr(li, "language");
            struct mddf_ev ev = {.observed = buf_str(&m),
                                 .expected = "title, original title, short summary, artwork "
                                             "reference, primary genre and copyright line",
                                 .clause = "MovieLabs MEC, Sec. 2.1.1 LocalizedInfo (mddf-lib "
                                           "MEC structure rules)",
                                 .fix = "Fill in what the store shows for this language; "
                                        "without them the title may go live without a title "
                                        "or picture."};
            mddf_report(d, li, SEV_WARNING, "mec.localized.incomplete", &ev,
                        "The %s LocalizedInfo lacks: %s.", lang && *lang ? lang : "(no language)",
                        buf_str(&m));
            free(lang);
        }
        buf_free(&m);
    }
    xmlXPathFreeObject(o);
    free(wt);
}

/* Fields each DigitalAsset description must carry (MEC structure rules for 2.6 and later). */
static void check_digital_asset(struct mddf_doc *d)
{
#define DA "/mdmec:CoreMetadata/mdmec:DigitalAsset"
    static const struct {
        const char *scope, *need, *label;
    } rules[] = {
        {DA "/md:Audio", "./md:Type", "Type"},
        {DA "/md:Audio", "./md:Channels", "Channels"},
        {DA "/md:Audio", "./md:Encoding", "Encoding"},
        {DA "/md:Audio/md:Encoding", "./md:SampleRate", "SampleRate"},
        {DA "/md:Audio/md:Encoding", "./md:BitrateMax", "BitrateMax"},
        {DA "/md:Video", "./md:Type", "Type"},
        {DA "/md:Video", "./md:Encoding", "Encoding"},
        {DA "/md:Video", "./md:Picture", "Picture"},
        {DA "/md:Video/md:Picture", "./md:AspectRatio", "AspectRatio"},
        {DA "/md:Subtitle", "./md:Format", "Format"},
        {DA "/md:Subtitle", "./md:FormatType", "FormatType"},
    };
#undef DA
    if (d->version < 206)
        return;
    char clause[200];
    mddf_spec_clause(d, "Sec. 2.3 DigitalAsset", clause, sizeof clause);
    for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++) {
        xmlXPathObjectPtr o = mddf_xpath(d, rules[r].scope, NULL);
        EACH_NODE(o, i, el) {
            if (mddf_count(d, rules[r].need, el) > 0)
                continue;
            struct mddf_ev ev = {.observed = "(absent)",
                                 .expected = rules[r].label,
                                 .clause = clause,
                                 .fix = "Describe the asset completely: the MEC DigitalAsset "
                                        "rules require this field."};
            mddf_report(d, el, SEV_ERROR, "mec.digital_asset.incomplete", &ev,
                        "This %s description has no %s.", (const char *)el->name, rules[r].label);
        }
        xmlXPathFreeObject(o);
    }
}

/* The MEC file's own checks, after the common ones (mddf_check_file). */
static void check_mec_doc(struct mddf_doc *d)
{
    xmlXPathObjectPtr o = mddf_xpath(d, "/mdmec:CoreMetadata/mdmec:Basic", NULL);
    EACH_NODE(o, i, b) {
        check_basic(d, b);
    }
    xmlXPathFreeObject(o);
    check_digital_asset(d);
}

int check_mec(const char *path, const char *display_name, const struct check_options *opts,
              struct findings *out, struct buf *why)
{
    return mddf_check_file(path, display_name, CHECK_MEC, opts, out, why, check_mec_doc);
}
