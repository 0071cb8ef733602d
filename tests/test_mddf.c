/*
 * Unit tests of the MovieLabs metadata checks: the hardened XML reader
 * (src/check/xmlsafe.c), the CMR ratings database (ratings.c), Media Manifest
 * and MEC checks (manifest.c, mec.c, mddf.c) and the optional XSD layer.
 *
 * The MovieLabs samples in ../shared/mddf/samples are checked one by one: a
 * file named without errors must pass (its warnings are explained below), a
 * file whose name says it holds errors must fail with errors on the lines
 * where the standard is broken. The lines come from reading each file
 * against the specifications (the upstream comments that marked them were
 * removed from the copies), not from a list.
 */
#include "t.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "check/check.h"
#include "check/mddf.h"
#include "check/ratings.h"
#include "check/xmlsafe.h"

#define MDDF    "../shared/mddf/"
#define SAMPLES MDDF "samples/"

static struct ratings_db *ratings(void)
{
    static struct ratings_db *db;
    if (!db) {
        struct buf err = {0};
        if (ratings_load(MDDF "ratings/CMR_Ratings_v2.5.1.xml", &db, &err) != 0)
            printf("  ratings: %s\n", buf_str(&err));
        buf_free(&err);
    }
    return db;
}

static bool has_code(const struct findings *fs, const char *code)
{
    for (size_t i = 0; i < fs->n; i++)
        if (!strcmp(fs->items[i].code, code))
            return true;
    return false;
}

static const struct finding *find_code(const struct findings *fs, const char *code)
{
    for (size_t i = 0; i < fs->n; i++)
        if (!strcmp(fs->items[i].code, code))
            return &fs->items[i];
    return NULL;
}

static bool error_at(const struct findings *fs, long line)
{
    for (size_t i = 0; i < fs->n; i++)
        if (fs->items[i].severity == SEV_ERROR && fs->items[i].line == line)
            return true;
    return false;
}

static void dump(const struct findings *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        printf("    %s %lld %s: %s\n", fs->items[i].severity == SEV_ERROR ? "E" : "w",
               (long long)fs->items[i].line, fs->items[i].code, fs->items[i].message);
}

/* Writes s to a new temporary file under dir (created when missing); returns its malloc'd path. */
static char *write_tmp(const char *dir, const char *name, const char *s)
{
    mkdir(dir, 0700);
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    fputs(s, f);
    fclose(f);
    return path;
}

static char *tmp_dir(void)
{
    char tmpl[] = "/tmp/vg-mddf-XXXXXX";
    return xstrdup(mkdtemp(tmpl));
}

static void rm_rf(const char *dir)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("  could not remove %s\n", dir);
    free(cmd);
}

/* ---------------------------------------------------------------- */
/* the hardened reader                                              */
/* ---------------------------------------------------------------- */

TEST(xmlsafe_refuses_billion_laughs_quickly)
{
    const char *bomb =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE lolz [\n"
        " <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        " <!ENTITY lol9 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
        "]>\n<lolz>&lol9;&lol9;&lol9;</lolz>\n";
    struct findings fs = {0};
    xmlDocPtr doc = NULL;
    clock_t t0 = clock();
    CHECK_INT_EQ(xmlsafe_parse(bomb, strlen(bomb), "bomb.xml", NULL, &fs, &doc), -1);
    CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 0.5);
    CHECK(doc == NULL);
    const struct finding *f = find_code(&fs, "xml.entities");
    CHECK(f != NULL);
    CHECK(f && f->line == 3);
    CHECK(f && strstr(f->message, "billion laughs"));
    findings_free(&fs);
}

TEST(xmlsafe_refuses_external_entities)
{
    const char *xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "
                      "\"file:///etc/passwd\">]>\n<x>&e;</x>";
    struct findings fs = {0};
    xmlDocPtr doc = NULL;
    CHECK_INT_EQ(xmlsafe_parse(xxe, strlen(xxe), "xxe.xml", NULL, &fs, &doc), -1);
    CHECK(has_code(&fs, "xml.entities"));
    findings_free(&fs);
}

TEST(xmlsafe_reports_malformed_xml_with_its_line)
{
    const char *bad = "<a>\n  <b>one</b>\n  <c>two</b>\n</a>\n";
    struct findings fs = {0};
    xmlDocPtr doc = NULL;
    CHECK_INT_EQ(xmlsafe_parse(bad, strlen(bad), "bad.xml", NULL, &fs, &doc), -1);
    const struct finding *f = find_code(&fs, "xml.malformed");
    CHECK(f && f->line == 3);
    CHECK(f && f->severity == SEV_ERROR && f->fix);
    findings_free(&fs);
    /* an empty file is malformed too, not a crash */
    CHECK_INT_EQ(xmlsafe_parse("", 0, "empty.xml", NULL, &fs, &doc), -1);
    CHECK(has_code(&fs, "xml.malformed"));
    findings_free(&fs);
}

TEST(xmlsafe_limits_depth_and_size)
{
    struct buf b = {0};
    for (int i = 0; i < 200; i++)
        buf_puts(&b, "<a>");
    for (int i = 0; i < 200; i++)
        buf_puts(&b, "</a>");
    struct findings fs = {0};
    xmlDocPtr doc = NULL;
    CHECK_INT_EQ(xmlsafe_parse(b.data, b.len, "deep.xml", NULL, &fs, &doc), -1);
    CHECK(has_code(&fs, "xml.too_deep"));
    findings_free(&fs);
    struct xmlsafe_limits lim = {.max_bytes = 100};
    CHECK_INT_EQ(xmlsafe_parse(b.data, b.len, "big.xml", &lim, &fs, &doc), -1);
    const struct finding *f = find_code(&fs, "xml.too_large");
    CHECK(f && f->observed && strstr(f->observed, "1400 bytes"));
    findings_free(&fs);
    buf_free(&b);
}

TEST(xmlsafe_paths_lines_and_text)
{
    const char *x =
        "<r xmlns:m=\"urn:m\">\n<m:V/>\n<m:V>\n  <E a=\" 1  2 \">  x\n y </E>\n</m:V>\n</r>";
    struct findings fs = {0};
    xmlDocPtr doc = NULL;
    CHECK_INT_EQ(xmlsafe_parse(x, strlen(x), "p.xml", NULL, &fs, &doc), 0);
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *v2 = xmlNextElementSibling(xmlFirstElementChild(root));
    xmlNode *e = xmlFirstElementChild(v2);
    struct buf p = {0};
    xmlsafe_path(e, &p);
    CHECK_STR_EQ(buf_str(&p), "/r/V[2]/E");
    CHECK_INT_EQ(xmlsafe_line(e), 4);
    char *t = xmlsafe_text(e), *a = xmlsafe_attr(e, "a");
    CHECK_STR_EQ(t, "x y");
    CHECK_STR_EQ(a, "1 2");
    CHECK(xmlsafe_child(root, "urn:m", "V") != NULL);
    CHECK(xmlsafe_child(root, "urn:other", "V") == NULL);
    free(t);
    free(a);
    buf_free(&p);
    xmlFreeDoc(doc);
    findings_free(&fs);
}

/* ---------------------------------------------------------------- */
/* ratings                                                          */
/* ---------------------------------------------------------------- */

TEST(ratings_database_answers)
{
    struct ratings_db *db = ratings();
    CHECK(db != NULL);
    CHECK(ratings_count(db) > 100);
    CHECK(ratings_has_system(db, "MPAA"));
    CHECK(!ratings_has_system(db, "MPA"));
    bool dep = true;
    CHECK(ratings_has_value(db, "MPAA", "US", "PG-13", &dep) && !dep);
    CHECK(ratings_has_value(db, "MPAA", "US", "X", &dep) && dep);
    CHECK(!ratings_has_value(db, "MPAA", "US", "16", &dep));
    CHECK(ratings_used_in(db, "FSK", "DE", NULL));
    CHECK(!ratings_used_in(db, "FPB", "US", NULL));
    CHECK(ratings_defines_reasons(db, "FPB", "ZA"));
    CHECK(ratings_has_reason(db, "FPB", "ZA", "D"));
    CHECK(!ratings_has_reason(db, "FPB", "ZA", "Drugs"));
    /* "Film" is a system name in many countries: the country's own values count */
    CHECK(ratings_has_value(db, "Film", "CH", "16", &dep));
    CHECK(!ratings_has_value(db, "Film", "CH", "K-12", &dep));
    struct buf b = {0};
    ratings_describe(db, "MPAA", "US", false, 10, &b);
    CHECK(strstr(buf_str(&b), "PG-13") && !strstr(buf_str(&b), "GP"));
    buf_free(&b);
    struct buf err = {0};
    struct ratings_db *none = NULL;
    CHECK(ratings_load(SAMPLES "mec/MEC_v2.4.xml", &none, &err) == -1);
    CHECK(strstr(buf_str(&err), "no rating systems"));
    buf_free(&err);
}

/* ---------------------------------------------------------------- */
/* the MovieLabs samples                                            */
/* ---------------------------------------------------------------- */

/*
 * Every Media Manifest, MMC and MEC sample. Checked as the pre-flight checks
 * a lone file (CHECK_REFS_UNCHECKED, no file list: the media the samples name
 * never existed), with the CMR ratings configured.
 *
 * The warnings the passing files give, and why they are right:
 *  - package.refs.unchecked (every manifest): the files it names were not
 *    looked for, which is true of a lone manifest;
 *  - mec.basic.incomplete / mec.localized.incomplete: RunLength, RatingSet,
 *    titles, summary, primary genre, artwork or copyright are missing; the MEC
 *    specification leaves them optional, a store needs them;
 *  - md.id.type / md.id.syntax: identifiers outside the md:<type>:<scheme>:<SSID>
 *    best practice (e.g. "md:textobjectid:" for "md:textobjid:");
 *  - md.id.unreferenced / md.id.unresolved on ContentIDs, md.id.missing on
 *    optional IDs: an element no one refers to, an Experience whose metadata is
 *    not in this file (the Manifest allows both);
 *  - md.vocab.case ("movie" for "Movie"), md.vocab.unknown on Image/Encoding
 *    ("jpg" where CM 2.8 lists MIME types; MovieLabs' own examples do it),
 *    mmc.picture.missing (MovieLabs' merged example lacks the Pictures);
 *  - mddf.namespace.nonstandard / mddf.version.unknown (Manifest_v1.8.X,
 *    Manifest_v1.8.1_B, mec1): a namespace that is not published, read as the
 *    nearest published version;
 *  - manifest.location.file_url: "file://resources/x" read as "resources/x";
 *  - manifest.container.sequence_parsing, mmc.experience.root, md.rating.*
 *    region and deprecation notes: advice, not defects.
 */
struct sample {
    const char *file;
    bool pass;            /* no error */
    const long lines[24]; /* for failing files: lines that must carry an error (0 ends) */
};

static const struct sample samples[] = {
    {"common/CM_2.7.1/MEC_v2.7.1_D.xml", true, {0}},
    {"common/CM_2.7.1/MEC_v2.7_F.xml", true, {0}},
    /* The _A/_B files are XSD-invalid only by libxml2's whitespace deviation: pass. */
    {"common/CM_2.7.1/Manifest_v1.8.1_A.xml", true, {0}},
    {"common/CM_2.7.1/Manifest_v1.8.1_B.xml", true, {0}},
    {"common/CM_2.7.1/Manifest_v1.8.1_C.xml", true, {0}},
    {"common/CM_2.7.1/Manifest_v1.8_A.xml", true, {0}},
    {"common/CM_2.7.1/Manifest_v1.8_B.xml", true, {0}},
    /* duplicate AudioTrackID, Video without its required ID, eidr-s SSID of 4+3 digits,
     * the reference to the ID-less video */
    {"common/CM_ID-errors.xml", false, {34, 50, 58, 178}},
    /* a VideoTrackID that no Video has */
    {"common/CM_IdXref-errors.xml", false, {143}},
    {"common/CM_base.xml", true, {0}},
    /*
     * Named "invalid" (not "error"): IDs with spaces and without an SSID are only outside the
     * best practice (warnings), but the Presentation refers to the tracks by well-formed IDs
     * that therefore match nothing: real, unresolvable references.
     */
    {"common/CM_invalid-ID-syntax.xml", false, {185, 189}},
    {"common/CM_invalid-ID-syntax_v2.10.xml", false, {188, 192}},
    /* commentary SubType on a primary track, channel mappings that contradict Channels,
     * Compliance without Category/Standard, SubType and H.264 profile/level outside the
     * vocabulary, empty Summary190, XY and USA countries, empty rating System, unknown system,
     * MPAA "16", FPB reasons FOO and BAR, countryRegion "CA", languages en-USA, sr-Latin-RS,
     * canuk, "" and english, Audiovisual Type FOOBAR */
    {"common/CM_withErrors.xml", false, {22,  30,  31,  44,  52,  67,  69,  86,  106, 118, 126,
                                         135, 140, 154, 157, 177, 213, 218, 249, 255, 259, 268}},
    {"examples/MMC/Movie-1/MMC_Example1_simple.xml", true, {0}},
    {"examples/MMC/Movie-1/MMC_Example1_simple_MERGED.xml", true, {0}},
    /* "w-err": its defect (the MEC's localized art has no Picture) needs the MEC file, and is
     * a warning (mmc.picture.missing); see test_manifest_reads_the_mec_it_names. */
    {"examples/MMC/Movie-1/MMC_Example2_simple-w-err.xml", true, {0}},
    {"examples/MMC/Movie-1/ManifestCore_Example1_dubcards.xml", true, {0}},
    {"examples/MMC/Movie-1/ManifestCore_Example1_forcedsub.xml", true, {0}},
    {"examples/MMC/Movie-1/ManifestCore_Example1_multilang.xml", true, {0}},
    {"examples/MMC/Movie-1/ManifestCore_Example1_preorder.xml", true, {0}},
    {"examples/MMC/Movie-1/ManifestCore_Example1_preroll.xml", true, {0}},
    {"examples/MMC/Movie-1/ManifestCore_Example1_trailers.xml", true, {0}},
    {"examples/MMC/Movie-1/resources/ManifestCore_Example1_MEC_Trailer1.xml", true, {0}},
    {"examples/MMC/Movie-1/resources/ManifestCore_Example1_MEC_Trailer2.xml", true, {0}},
    {"examples/MMC/Movie-1/resources/ManifestCore_Example1_MEC_movie-simple.xml", true, {0}},
    {"examples/MMC/Movie-1/resources/ManifestCore_Example1_MEC_movie.xml", true, {0}},
    {"examples/MMC/TV-1/VEEP_Bonus_1_mec.xml", true, {0}},
    {"examples/MMC/TV-1/VEEP_Season5_E1_WithReordering_mec.xml", true, {0}},
    {"examples/MMC/TV-1/VEEP_Season5_E4_Bonus_manifest.xml", true, {0}},
    {"examples/MMC/TV-1/VEEP_Season5_E4_Bonus_mec.xml", true, {0}},
    {"examples/MMC/TV-1/VEEP_Season5_E4_mec.xml", true, {0}},
    {"examples/MMC/TV-1/VEEP_Season5_E5_WithBonus_manifest.xml", true, {0}},
    {"examples/MMC/TV-1/VEEP_Season5_E5_manifest.xml", true, {0}},
    {"examples/MMC/TV-1/VEEP_Season5_E5_mec.xml", true, {0}},
    {"examples/MMC/TV-1/VEEP_Season5_manifest.xml", true, {0}},
    {"examples/MMC/TV-1/VEEP_Season5_manifest_WithReordering.xml", true, {0}},
    {"examples/MMC/TV-1/VEEP_Season5_mec.xml", true, {0}},
    {"examples/MMC/TV-1/VEEP_Series_Bonus_mec.xml", true, {0}},
    {"examples/MMC/TV-1/VEEP_Series_WithBonus_manifest.xml", true, {0}},
    {"examples/MMC/TV-1/VEEP_Series_manifest.xml", true, {0}},
    {"examples/MMC/TV-1/VEEP_Series_mec.xml", true, {0}},
    {"manifest/MMM_v1.6_base.xml", true, {0}},
    /* Alias without BasicMetadata, country JJ, language HK, Alias language fr that no
     * LocalizedInfo has, VideoTrackID ...XXXX-V that no Video has */
    {"manifest/MMM_v1.6_errors.xml", false, {35, 73, 141, 148, 161}},
    {"manifest/MMM_v1.7_base.xml", true, {0}},
    /* rating system MPA, FSK 14, FPB reason Drugs, an ExperienceChild naming an external
     * manifest for an Experience that is in this file (twice), an ExperienceChild to a
     * missing Experience, licenseType with condition For-sale */
    {"manifest/MMM_v1.7_errors.xml", false, {79, 88, 98, 190, 210, 228, 239}},
    /* OFLC (NZ) has no rating 3333 */
    {"manifest/MMM_v1.7_errors2.xml", false, {78}},
    /* two LocalizedInfo for "en" without region, two for en/US, two for es excluding US-CA */
    {"manifest/Manifest_v1.11/Manifest_v1.11_LocalizedInfoErrors.xml", false, {73, 114, 156}},
    {"manifest/Manifest_v1.11/Manifest_v1.11_base.xml", true, {0}},
    /* audio Type "lecturing", Language@disposition Wrong/Right/wrong, duplicate en/US
     * LocalizedInfo */
    {"manifest/Manifest_v1.11/Manifest_v1.11_errors.xml", false, {15, 22, 45, 56, 65, 90}},
    {"manifest/Manifest_v1.13/Manifest_v1.13_base.xml", true, {0}},
    {"manifest/Manifest_v1.6_A.xml", true, {0}},
    {"manifest/Manifest_v1.7_A.xml", true, {0}},
    {"manifest/Manifest_v1.8.1_A.xml", true, {0}},
    {"manifest/Manifest_v1.8.X.xml", true, {0}},
    {"manifest/Manifest_v1.8_A.xml", true, {0}},
    {"manifest/Manifest_w_MEC_v1.6.xml", true, {0}},
    {"manifest/containers/MEC_v1.6_noErr.xml", true, {0}},
    {"manifest/containers/Manifest_w_bad_MEC_v1.6.xml", true, {0}},
    /* country JJ, language HK */
    {"manifest/containers/references/MEC_v1.6_errors.xml", false, {37, 105}},
    {"mec/MEC_v1.6_errors.xml", false, {37, 105}},
    {"mec/MEC_v1.6_multi-block-test.xml", true, {0}},
    {"mec/MEC_v2.10.xml", true, {0}},
    {"mec/MEC_v2.12/MEC_v2.12_base.xml", true, {0}},
    /* MPAA has no rating ZZZ */
    {"mec/MEC_v2.12/MEC_v2.12_errors.xml", false, {31}},
    {"mec/MEC_v2.4.xml", true, {0}},
    {"mec/MEC_v2.5_noErr.xml", true, {0}},
    {"mec/MEC_v2.7.xml", true, {0}},
    /*
     * Exception: named without errors, but an XMLSpy-generated skeleton whose values are the
     * placeholder "String": resolution="String" (twice) and TitleAlternate type="String" (twice)
     * are not values any checker can accept; MovieLabs' mddf-lib reports the same errors.
     */
    {"mec/mec1.xml", false, {11, 12, 115, 116}},
    /* MMC: an Experience whose metadata has artwork but no PictureGroupID, an Experience
     * without ContentID */
    {"mmc/MMCore_v1_ERRORS.xml", false, {160, 174}},
    {"mmc/MMCore_v1_noErr.xml", true, {0}},
    /*
     * Exception: named without errors, but this older copy of the VEEP example has a subtitle
     * Format "TTML" (Format is Text, Image or Combined; TTML is a FormatType) and an
     * AudioTrackID "...bonus_1.audio.en" where the Inventory defines "...bonus.audio.en".
     * The newer copy under examples/MMC/TV-1 corrects both and passes.
     */
    {"mmc/TV/VEEP_Season5_E5_WithBonus_manifest.xml", false, {42, 76}},
    {"mmc/TV/VEEP_Season5_E5_manifest.xml", true, {0}},
    {"mmc/TV/VEEP_Season5_E5_mec.xml", true, {0}},
    {"mmc/TV/VEEP_Season5_manifest.xml", true, {0}},
    {"mmc/TV/VEEP_Season5_manifest_WithReordering.xml", true, {0}},
    {"mmc/TV/VEEP_Season5_mec.xml", true, {0}},
    {"mmc/TV/VEEP_Series_manifest.xml", true, {0}},
    {"mmc/TV/VEEP_Series_mec.xml", true, {0}},
};

TEST(every_mddf_sample_gets_its_verdict)
{
    struct check_options o = {.ratings = ratings()};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        const struct sample *s = &samples[i];
        char *path = xasprintf("%s%s", SAMPLES, s->file);
        struct findings fs = {0};
        struct buf why = {0};
        int rc = check_file(path, s->file, CHECK_AUTO, &o, &fs, &why);
        bool ok = rc == CHECK_OK && findings_pass(&fs) == s->pass;
        for (size_t k = 0; !s->pass && k < 24 && s->lines[k]; k++) {
            if (!error_at(&fs, s->lines[k])) {
                printf("  %s: no error at line %ld\n", s->file, s->lines[k]);
                ok = false;
            }
        }
        /* every finding is evidence: a code, a place and a message */
        for (size_t k = 0; k < fs.n; k++) {
            const struct finding *f = &fs.items[k];
            if (!f->code || !f->message || !f->file || (!f->line && !f->path) || !f->clause) {
                printf("  %s: finding %s lacks evidence\n", s->file, f->code);
                ok = false;
            }
        }
        if (!ok) {
            printf("  %s: rc %d, expected %s, got %zu errors\n", s->file, rc,
                   s->pass ? "pass" : "fail", fs.n_errors);
            dump(&fs);
        }
        CHECK(ok);
        findings_free(&fs);
        buf_free(&why);
        free(path);
    }
}

TEST(sample_kinds_are_detected)
{
    enum check_kind k = CHECK_AUTO;
    CHECK_INT_EQ(check_kind_detect(SAMPLES "manifest/MMM_v1.6_base.xml", &k), CHECK_OK);
    CHECK_INT_EQ(k, CHECK_MANIFEST);
    CHECK_INT_EQ(check_kind_detect(SAMPLES "mec/MEC_v2.4.xml", &k), CHECK_OK);
    CHECK_INT_EQ(k, CHECK_MEC);
    CHECK_INT_EQ(check_kind_detect(SAMPLES "avails/Avails_noErrors_v2.4.xml", &k), CHECK_OK);
    CHECK_INT_EQ(k, CHECK_AVAILS);
    CHECK_INT_EQ(check_kind_detect(MDDF "README.md", &k), CHECK_ERR_KIND);
    CHECK_INT_EQ(check_kind_detect("/nonexistent/x.xml", &k), CHECK_ERR_IO);
    const char *names[] = {"auto", "avails", "manifest", "mec", "media", "captions", "artwork"};
    for (size_t i = 0; i < 7; i++) {
        CHECK_INT_EQ(check_kind_parse(names[i], &k), 0);
        CHECK_STR_EQ(check_kind_name(k), names[i]);
    }
}

TEST(a_mec_checked_as_a_manifest_says_so)
{
    struct findings fs = {0};
    CHECK_INT_EQ(
        check_file(SAMPLES "mec/MEC_v2.4.xml", "title.xml", CHECK_MANIFEST, NULL, &fs, NULL),
        CHECK_OK);
    const struct finding *f = find_code(&fs, "mddf.root.unexpected");
    CHECK(f && f->observed && strstr(f->observed, "CoreMetadata"));
    findings_free(&fs);
    struct buf why = {0};
    CHECK_INT_EQ(check_file("/nonexistent.xml", NULL, CHECK_MEC, NULL, &fs, &why), CHECK_ERR_IO);
    CHECK(strstr(buf_str(&why), "cannot be read"));
    buf_free(&why);
    findings_free(&fs);
}

/* ---------------------------------------------------------------- */
/* the XSD layer                                                    */
/* ---------------------------------------------------------------- */

TEST(schema_layer_accepts_whitespace_around_integers)
{
    /* <md:FrameRate>24\n\t\t</md:FrameRate>: xs:int collapses whitespace; libxml2 would refuse */
    struct check_options o = {.mddf_schemas = MDDF "schemas"};
    const char *files[] = {"manifest/Manifest_v1.6_A.xml", "manifest/Manifest_v1.7_A.xml",
                           "manifest/Manifest_v1.8_A.xml", "common/CM_2.7.1/Manifest_v1.8_B.xml"};
    for (size_t i = 0; i < 4; i++) {
        char *p = xasprintf("%s%s", SAMPLES, files[i]);
        struct findings fs = {0};
        CHECK_INT_EQ(check_file(p, files[i], CHECK_MANIFEST, &o, &fs, NULL), CHECK_OK);
        if (!findings_pass(&fs) || has_code(&fs, "xml.schema")) {
            printf("  %s\n", files[i]);
            dump(&fs);
        }
        CHECK(findings_pass(&fs) && !has_code(&fs, "xml.schema"));
        findings_free(&fs);
        free(p);
    }
}

TEST(schema_layer_reports_violations_on_their_line)
{
    struct check_options o = {.mddf_schemas = MDDF "schemas"};
    struct findings fs = {0};
    CHECK_INT_EQ(check_file(SAMPLES "common/CM_ID-errors.xml", NULL, CHECK_AUTO, &o, &fs, NULL),
                 CHECK_OK);
    bool at50 = false;
    for (size_t i = 0; i < fs.n; i++)
        at50 |= !strcmp(fs.items[i].code, "xml.schema") && fs.items[i].line == 50 &&
                strstr(fs.items[i].message, "VideoTrackID");
    CHECK(at50);
    findings_free(&fs);
    /* a namespace with no published schema: said, and the native checks still run */
    CHECK_INT_EQ(check_file(SAMPLES "common/CM_2.7.1/Manifest_v1.8.1_B.xml", NULL, CHECK_AUTO, &o,
                            &fs, NULL),
                 CHECK_OK);
    CHECK(has_code(&fs, "xml.schema.unavailable"));
    CHECK(findings_pass(&fs));
    findings_free(&fs);
}

/* ---------------------------------------------------------------- */
/* packages: references against the delivery                        */
/* ---------------------------------------------------------------- */

static const char *pkg_manifest =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<manifest:MediaManifest xmlns:manifest=\"http://www.movielabs.com/schema/manifest/v1.8/"
    "manifest\" xmlns:md=\"http://www.movielabs.com/schema/md/v2.7/md\" "
    "ManifestID=\"md:manifestid:org:acme:t1\">\n" /* 2 */
    "<manifest:Compatibility><manifest:SpecVersion>1.8</manifest:SpecVersion>"
    "<manifest:Profile>MMC-1</manifest:Profile></manifest:Compatibility>\n"              /* 3 */
    "<manifest:Inventory>\n"                                                             /* 4 */
    "<manifest:Video VideoTrackID=\"md:vidtrackid:org:acme:t1.video\">\n"                /* 5 */
    "<manifest:ContainerReference>\n"                                                    /* 6 */
    "<manifest:ContainerLocation>./resources/feature.mov</manifest:ContainerLocation>\n" /* 7 */
    "<manifest:Length>999</manifest:Length>\n"                                           /* 8 */
    "</manifest:ContainerReference></manifest:Video>\n"                                  /* 9 */
    "<manifest:Audio AudioTrackID=\"md:audtrackid:org:acme:t1.audio\">\n"                /* 10 */
    "<manifest:ContainerReference>\n"                                                    /* 11 */
    "<manifest:ContainerLocation>resources/audio_en.wav</manifest:ContainerLocation>\n"  /* 12 */
    "<manifest:Hash method=\"MD5\">00000000000000000000000000000000</manifest:Hash>\n"   /* 13 */
    "</manifest:ContainerReference></manifest:Audio>\n"                                  /* 14 */
    "<manifest:Subtitle SubtitleTrackID=\"md:subtrackid:org:acme:t1.cc\">\n"             /* 15 */
    "<manifest:ContainerReference>\n"                                                    /* 16 */
    "<manifest:ContainerLocation>resources/captions.scc</manifest:ContainerLocation>\n"  /* 17 */
    "</manifest:ContainerReference></manifest:Subtitle>\n"                               /* 18 */
    "<manifest:Image ImageID=\"md:imageid:org:acme:t1.art\">\n"                          /* 19 */
    "<manifest:ContainerReference>\n"                                                    /* 20 */
    "<manifest:ContainerLocation>https://cdn.example.com/art.jpg</manifest:ContainerLocation>\n"
    "</manifest:ContainerReference></manifest:Image>\n"                            /* 22 */
    "<manifest:Metadata ContentID=\"md:cid:org:acme:t1\">\n"                       /* 23 */
    "<manifest:ContainerReference>\n"                                              /* 24 */
    "<manifest:ContainerLocation>resources/mec.xml</manifest:ContainerLocation>\n" /* 25 */
    "</manifest:ContainerReference></manifest:Metadata>\n"                         /* 26 */
    "<manifest:Metadata ContentID=\"md:cid:org:acme:t2\">\n"                       /* 27 */
    "<manifest:ContainerReference>\n"                                              /* 28 */
    "<manifest:ContainerLocation>../outside.xml</manifest:ContainerLocation>\n"    /* 29 */
    "</manifest:ContainerReference></manifest:Metadata>\n"                         /* 30 */
    "</manifest:Inventory>\n"                                                      /* 31 */
    "<manifest:Presentations><manifest:Presentation "
    "PresentationID=\"md:presentationid:org:acme:t1\">\n" /* 32 */
    "<manifest:TrackMetadata><manifest:TrackSelectionNumber>0</manifest:TrackSelectionNumber>"
    "<manifest:VideoTrackReference><manifest:VideoTrackID>md:vidtrackid:org:acme:t1.video"
    "</manifest:VideoTrackID></manifest:VideoTrackReference><manifest:AudioTrackReference>"
    "<manifest:AudioTrackID>md:audtrackid:org:acme:t1.audio</manifest:AudioTrackID>"
    "</manifest:AudioTrackReference><manifest:SubtitleTrackReference><manifest:SubtitleTrackID>"
    "md:subtrackid:org:acme:t1.cc</manifest:SubtitleTrackID></manifest:SubtitleTrackReference>"
    "</manifest:TrackMetadata>\n"                         /* 33 */
    "</manifest:Presentation></manifest:Presentations>\n" /* 34 */
    "<manifest:Experiences><manifest:Experience ExperienceID=\"md:experienceid:org:acme:t1\" "
    "version=\"1.0\">\n"                                            /* 35 */
    "<manifest:ContentID>md:cid:org:acme:t1</manifest:ContentID>\n" /* 36 */
    "<manifest:Audiovisual ContentID=\"md:cid:org:acme:t1\"><manifest:Type>Main</manifest:Type>"
    "<manifest:PresentationID>md:presentationid:org:acme:t1</manifest:PresentationID>"
    "</manifest:Audiovisual>\n"                       /* 37 */
    "</manifest:Experience></manifest:Experiences>\n" /* 38 */
    "<manifest:ALIDExperienceMaps><manifest:ALIDExperienceMap><manifest:ALID>md:alid:org:acme:t1"
    "</manifest:ALID><manifest:ExperienceID>md:experienceid:org:acme:t1</manifest:ExperienceID>"
    "</manifest:ALIDExperienceMap></manifest:ALIDExperienceMaps>\n" /* 39 */
    "</manifest:MediaManifest>\n";

static const char *pkg_mec =
    "<?xml version=\"1.0\"?>\n<mdmec:CoreMetadata xmlns:mdmec=\"http://www.movielabs.com/schema/"
    "mdmec/v2.7\" xmlns:md=\"http://www.movielabs.com/schema/md/v2.7/md\">\n"
    "<mdmec:Basic ContentID=\"md:cid:org:acme:OTHER\">\n"
    "<md:LocalizedInfo language=\"en\" default=\"true\"><md:TitleDisplayUnlimited>T"
    "</md:TitleDisplayUnlimited><md:ArtReference>md:imageid:org:acme:t1.poster</md:ArtReference>"
    "</md:LocalizedInfo>\n<md:ReleaseYear>2020</md:ReleaseYear><md:WorkType>Movie</md:WorkType>\n"
    "</mdmec:Basic>\n</mdmec:CoreMetadata>\n";

TEST(delivery_mode_checks_every_named_file)
{
    char *dir = tmp_dir();
    char *sub = xasprintf("%s/resources", dir);
    char *manifest = write_tmp(dir, "manifest.xml", pkg_manifest);
    char *audio = write_tmp(sub, "audio_en.wav", "RIFF....WAVE");
    char *mec = write_tmp(sub, "mec.xml", pkg_mec);
    char *misplaced = write_tmp(dir, "captions.scc", "Scenarist_SCC V1.0\n");
    struct check_delivered_file files[] = {
        {.name = "manifest.xml", .size = strlen(pkg_manifest), .path = manifest},
        {.name = "resources/feature.mov", .size = 1000, .sha256 = "ab"},
        {.name = "resources/audio_en.wav", .size = 12, .path = audio},
        {.name = "resources/mec.xml", .size = strlen(pkg_mec), .path = mec},
        {.name = "captions.scc", .size = 19, .path = misplaced},
    };
    struct check_options o = {.refs = CHECK_REFS_DELIVERY, .files = files, .n_files = 5};
    struct findings fs = {0};
    CHECK_INT_EQ(check_file(manifest, "manifest.xml", CHECK_AUTO, &o, &fs, NULL), CHECK_OK);
    findings_sort(&fs);
    const struct finding *f;
    /* Length 999 for a 1000-byte file */
    f = find_code(&fs, "package.file.size_mismatch");
    CHECK(f && f->line == 8 && strstr(f->observed, "1000"));
    /* the MD5 of the delivered bytes is computed from the stored file */
    f = find_code(&fs, "package.file.checksum_mismatch");
    CHECK(f && f->line == 13 && f->observed && strlen(f->observed) == 32);
    /* captions.scc was delivered at the top, the manifest names resources/captions.scc */
    f = find_code(&fs, "package.file.missing");
    CHECK(f && f->line == 17 && strstr(f->fix, "captions.scc") && strstr(f->message, "resources/"));
    f = find_code(&fs, "package.location.remote");
    CHECK(f && f->line == 21);
    f = find_code(&fs, "package.location.outside");
    CHECK(f && f->line == 29);
    /* the MEC describes another title; its artwork has no Picture (MMC-1) */
    f = find_code(&fs, "manifest.mec.content_id");
    CHECK(f && f->line == 25 && !strcmp(f->observed, "md:cid:org:acme:OTHER"));
    CHECK(has_code(&fs, "mmc.picture.missing"));
    CHECK(!has_code(&fs, "package.refs.unchecked"));
    CHECK(!findings_pass(&fs));
    findings_free(&fs);

    /* the same manifest on its own: nothing looked for, one warning says so */
    struct check_options lone = {0};
    CHECK_INT_EQ(check_file(manifest, "manifest.xml", CHECK_MANIFEST, &lone, &fs, NULL), CHECK_OK);
    f = find_code(&fs, "package.refs.unchecked");
    CHECK(f && f->severity == SEV_WARNING && strstr(f->observed, "5 file locations"));
    CHECK(!has_code(&fs, "package.file.missing"));
    CHECK(has_code(&fs, "package.location.outside")); /* a path leaving the package never is OK */
    findings_free(&fs);
    rm_rf(dir);
    free(dir);
    free(sub);
    free(manifest);
    free(audio);
    free(mec);
    free(misplaced);
}

/* A 4x3 RGB PNG. */
static const unsigned char png_4x3[] =
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x04\x00\x00\x00"
    "\x03\x08\x02\x00\x00\x00\x3b\x96\x39\x91\x00\x00\x00\x2a\x49\x44\x41\x54\x78\x9c\x0d\xc7\x31"
    "\x01\x00\x30\x0c\xc3\x30\x03\x2b\x88\xc0\xe9\x69\x28\x01\x51\x80\x9b\x3e\x01\x0e\x2e\x1e\x42"
    "\x9c\xb8\xf1\xf2\x53\xa7\x6e\xbd\xfa\x00\xe3\xb7\x0d\xf9\x6c\x6c\xcb\xd2\x00\x00\x00\x00\x49"
    "\x45\x4e\x44\xae\x42\x60\x82";

static const char *img_manifest =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<manifest:MediaManifest xmlns:manifest=\"http://www.movielabs.com/schema/manifest/v1.8/"
    "manifest\" xmlns:md=\"http://www.movielabs.com/schema/md/v2.7/md\" "
    "ManifestID=\"md:manifestid:org:acme:t1\">\n" /* 2 */
    "<manifest:Inventory>\n"                      /* 3 */
    "<manifest:Image ImageID=\"md:imageid:org:acme:t1.wrong\">\n"
    "<md:Width>1920</md:Width>\n" /* 5 */
    "<md:Height>1080</md:Height>\n"
    "<manifest:ContainerReference><manifest:ContainerLocation>art/still.png"
    "</manifest:ContainerLocation></manifest:ContainerReference></manifest:Image>\n"
    "<manifest:Image ImageID=\"md:imageid:org:acme:t1.right\">\n"
    "<md:Width>4</md:Width><md:Height>3</md:Height>\n"
    "<manifest:ContainerReference><manifest:ContainerLocation>art/still.png"
    "</manifest:ContainerLocation></manifest:ContainerReference></manifest:Image>\n"
    "</manifest:Inventory>\n</manifest:MediaManifest>\n";

TEST(an_inventory_image_must_have_the_size_the_manifest_states)
{
    char *dir = tmp_dir();
    char *art = xasprintf("%s/art", dir);
    mkdir(art, 0700);
    char *png = xasprintf("%s/still.png", art);
    FILE *fp = fopen(png, "wb");
    fwrite(png_4x3, 1, sizeof png_4x3 - 1, fp);
    fclose(fp);
    int w = 0, h = 0;
    CHECK_INT_EQ(artwork_size(png, &w, &h), 0);
    CHECK(w == 4 && h == 3);
    char *manifest = write_tmp(dir, "manifest.xml", img_manifest);
    CHECK_INT_EQ(artwork_size(manifest, &w, &h), -1); /* not an image */
    struct check_delivered_file files[] = {
        {.name = "manifest.xml", .size = strlen(img_manifest), .path = manifest},
        {.name = "art/still.png", .size = sizeof png_4x3 - 1, .path = png},
    };
    struct check_options o = {.refs = CHECK_REFS_DELIVERY, .files = files, .n_files = 2};
    struct findings fs = {0};
    CHECK_INT_EQ(check_file(manifest, "manifest.xml", CHECK_MANIFEST, &o, &fs, NULL), CHECK_OK);
    int n = 0;
    const struct finding *f = NULL;
    for (size_t i = 0; i < fs.n; i++)
        if (!strcmp(fs.items[i].code, "package.image.size_mismatch")) {
            f = &fs.items[i];
            n++;
        }
    CHECK_INT_EQ(n, 1); /* the Image that states 4x3 is right */
    CHECK(f && f->line == 5 && f->severity == SEV_ERROR);
    CHECK(f && !strcmp(f->observed, "4x3 pixels") && strstr(f->expected, "1920x1080"));
    CHECK(f && strstr(f->message, "art/still.png is 4x3 pixels, but the manifest says 1920x1080"));
    findings_free(&fs);
    rm_rf(dir);
    free(dir);
    free(art);
    free(png);
    free(manifest);
}

TEST(manifest_reads_the_mec_it_names)
{
    /* MovieLabs' "w-err" example: its MEC's localized artwork has no Picture in the manifest */
    struct check_delivered_file files[] = {
        {.name = "resources/ManifestCore_Example1_MEC_movie.xml",
         .path = SAMPLES "examples/MMC/Movie-1/resources/ManifestCore_Example1_MEC_movie.xml"},
        {.name = "resources/ManifestCore_Example1_MEC_Trailer1.xml",
         .path = SAMPLES "examples/MMC/Movie-1/resources/ManifestCore_Example1_MEC_Trailer1.xml"},
    };
    struct check_options o = {.files = files, .n_files = 2};
    struct findings fs = {0};
    CHECK_INT_EQ(check_file(SAMPLES "examples/MMC/Movie-1/MMC_Example2_simple-w-err.xml",
                            "MMC_Example2_simple-w-err.xml", CHECK_AUTO, &o, &fs, NULL),
                 CHECK_OK);
    int n = 0;
    for (size_t i = 0; i < fs.n; i++)
        n += !strcmp(fs.items[i].code, "mmc.picture.missing");
    CHECK(n >= 6); /* fr, ru, it, es, es-419, ko */
    findings_free(&fs);
    /* the complete example shows every image */
    CHECK_INT_EQ(check_file(SAMPLES "examples/MMC/Movie-1/MMC_Example1_simple.xml",
                            "MMC_Example1_simple.xml", CHECK_AUTO, &o, &fs, NULL),
                 CHECK_OK);
    CHECK(!has_code(&fs, "mmc.picture.missing"));
    findings_free(&fs);
}

/* ---------------------------------------------------------------- */
/* MEC required metadata                                            */
/* ---------------------------------------------------------------- */

TEST(mec_required_metadata)
{
    char *dir = tmp_dir();
    char *p = write_tmp(
        dir, "ep.xml",
        "<?xml version=\"1.0\"?>\n<mdmec:CoreMetadata xmlns:mdmec=\"http://www.movielabs.com/"
        "schema/mdmec/v2.8\" xmlns:md=\"http://www.movielabs.com/schema/md/v2.8/md\">\n"
        "<mdmec:Basic>\n"                                               /* 3 */
        "<md:RunLength>90 minutes</md:RunLength>\n"                     /* 4 */
        "<md:WorkType>Episode</md:WorkType>\n"                          /* 5 */
        "<md:PrimarySpokenLanguage>en-USA</md:PrimarySpokenLanguage>\n" /* 6 */
        "</mdmec:Basic>\n</mdmec:CoreMetadata>\n");
    struct findings fs = {0};
    CHECK_INT_EQ(check_file(p, "ep.xml", CHECK_AUTO, NULL, &fs, NULL), CHECK_OK);
    const char *codes[] = {"mec.basic.content_id", "mec.localized.missing", "mec.release.missing",
                           "mec.sequence.missing", "mec.runlength.invalid", "md.language.invalid"};
    for (size_t i = 0; i < 6; i++) {
        const struct finding *f = find_code(&fs, codes[i]);
        if (!f || f->severity != SEV_ERROR)
            printf("  missing %s\n", codes[i]);
        CHECK(f && f->severity == SEV_ERROR && f->fix && f->expected);
    }
    CHECK(find_code(&fs, "mec.runlength.invalid")->line == 4);
    CHECK(!strcmp(find_code(&fs, "mec.localized.missing")->path, "/CoreMetadata/Basic"));
    findings_free(&fs);
    rm_rf(dir);
    free(dir);
    free(p);
}

TEST(duration_syntax)
{
    CHECK(mddf_is_duration("PT1H52M"));
    CHECK(mddf_is_duration("PT10M00.0S"));
    CHECK(mddf_is_duration("P1Y2M3DT10H30M"));
    CHECK(!mddf_is_duration("P"));
    CHECK(!mddf_is_duration("PT"));
    CHECK(!mddf_is_duration("1:52:00"));
    CHECK(!mddf_is_duration("PT5S3M"));
    CHECK(!mddf_is_duration("P1.5D"));
}

T_MAIN
