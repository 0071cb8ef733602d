/*
 * Unit tests of the avails checks: the vocabularies, the value rules of
 * avails_rules.c, the streaming .xlsx reader (shared and inline strings,
 * formulas, zip bombs, DTDs, files that are not workbooks), and whole
 * spreadsheets and XML documents checked in memory, with the place of each
 * finding. Workbooks are built here with libzip; no fixture file is needed.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "check/avails_rules.h"
#include "check/check.h"
#include "check/vocab.h"
#include "check/xlsx.h"
#include "core/codes.h"
#include "t.h"

/* ---- helpers ---- */

static const struct finding *find(const struct findings *fs, const char *code)
{
    for (size_t i = 0; i < fs->n; i++)
        if (!strcmp(fs->items[i].code, code))
            return &fs->items[i];
    return NULL;
}

static size_t count(const struct findings *fs, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++)
        n += !strcmp(fs->items[i].code, code);
    return n;
}

/* A context writing to fs, as a spreadsheet of version 1.7.2 (Avails XML 2.2.2). */
static void ctx(struct avails_ctx *c, struct findings *fs, bool sheet)
{
    avails_ctx_init(c, fs, "t", sheet ? "EMA Avails 1.7.2" : "MDDF Avails 2.4", sheet ? 2220 : 2400,
                    sheet);
}

struct part {
    const char *name, *data;
    size_t len; /* 0: strlen */
};

/* Writes a zip of parts to a temporary file and returns its bytes (malloc'd), *len set. */
static char *make_zip(const struct part *parts, size_t n, size_t *len)
{
    char path[] = "/tmp/vodgate-test-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    int err;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    for (size_t i = 0; i < n; i++) {
        size_t l = parts[i].len ? parts[i].len : strlen(parts[i].data);
        zip_source_t *s = zip_source_buffer(z, parts[i].data, l, 0);
        zip_file_add(z, parts[i].name, s, ZIP_FL_OVERWRITE);
    }
    zip_close(z);
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc(*len);
    size_t got = fread(b, 1, *len, f);
    (void)got;
    fclose(f);
    unlink(path);
    return b;
}

static const char rels[] =
    "<?xml version=\"1.0\"?><Relationships "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
    "Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"xl/workbook.xml\"/></Relationships>";
static const char workbook[] =
    "<?xml version=\"1.0\"?><workbook "
    "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
    "<sheet name=\"Movies\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char wb_rels[] =
    "<?xml version=\"1.0\"?><Relationships "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
    "Target=\"sharedStrings.xml\"/></Relationships>";

/* A workbook of one sheet "Movies" with the given sheet XML body (inside <sheetData>). */
static char *make_xlsx(const char *rows, const char *sst, size_t *len)
{
    struct buf sheet = {0}, ss = {0};
    buf_printf(&sheet,
               "<?xml version=\"1.0\"?><worksheet "
               "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
               "<sheetData>%s</sheetData></worksheet>",
               rows);
    buf_printf(&ss,
               "<?xml version=\"1.0\"?><sst "
               "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">%s</sst>",
               sst ? sst : "");
    struct part parts[] = {{"_rels/.rels", rels, 0},
                           {"xl/workbook.xml", workbook, 0},
                           {"xl/_rels/workbook.xml.rels", wb_rels, 0},
                           {"xl/worksheets/sheet1.xml", buf_str(&sheet), 0},
                           {"xl/sharedStrings.xml", buf_str(&ss), 0}};
    char *b = make_zip(parts, 5, len);
    buf_free(&sheet);
    buf_free(&ss);
    return b;
}

/* Builds an inline-string row: cells "A=text|B=text|..." (a leading # makes a number). */
static void row(struct buf *b, int r, const char *cells)
{
    buf_printf(b, "<row r=\"%d\">", r);
    char *dup = strdup(cells), *save = NULL;
    for (char *c = strtok_r(dup, "|", &save); c; c = strtok_r(NULL, "|", &save)) {
        char *eq = strchr(c, '=');
        *eq = '\0';
        const char *v = eq + 1;
        if (v[0] == '#')
            buf_printf(b, "<c r=\"%s%d\"><v>%s</v></c>", c, r, v + 1);
        else
            buf_printf(
                b, "<c r=\"%s%d\" t=\"inlineStr\"><is><t xml:space=\"preserve\">%s</t></is></c>", c,
                r, v);
    }
    free(dup);
    buf_puts(b, "</row>");
}

/* The EMA 1.7.2 header rows (the columns the tests use) in A..M. */
static void header(struct buf *b)
{
    row(b, 1,
        "A=Avail|B=AvailTrans|C=AvailAsset|D=Disposition|E=AvailTrans|F=AvailTrans|"
        "G=AvailTrans|H=AvailTrans|I=AvailTrans|J=AvailTrans|K=Avail|L=AvailTrans|"
        "M=AvailTrans|N=AvailAsset");
    row(b, 2,
        "A=DisplayName|B=Territory|C=WorkType|D=EntryType|E=LicenseType|F=FormatProfile|"
        "G=Start|H=End|I=PriceType|J=PriceValue|K=ALID|L=AssetLanguage|M=PriceCurrency|"
        "N=AltID");
    row(b, 3, "A=//REQ|B=//REQ|C=//REQ");
}

static void check_sheet(const char *data_rows, struct findings *fs)
{
    struct buf b = {0};
    header(&b);
    buf_puts(&b, data_rows);
    size_t len;
    char *x = make_xlsx(buf_str(&b), NULL, &len);
    avails_xlsx_check_buffer(x, len, "t.xlsx", NULL, fs);
    free(x);
    buf_free(&b);
}

static const char good[] = "A=Studio|B=US|C=Movie|D=Full Extract|E=EST|F=HD|G=#45658|H=Open|"
                           "I=WSP|J=9.99|K=md:alid:org:studio:t1|L=en|M=USD|N=T1";

/* ---- vocabularies ---- */

TEST(vocab_exact_and_loose)
{
    const struct vocab_value *ci;
    CHECK(vocab_find(VOCAB_LICENSE_TYPE, "EST", 3, &ci) != NULL);
    CHECK(vocab_find(VOCAB_LICENSE_TYPE, "est", 3, &ci) == NULL);
    CHECK(ci && !strcmp(ci->s, "EST"));
    CHECK(vocab_find(VOCAB_ENTRY_TYPE, "full  extract", 13, &ci) == NULL);
    CHECK(ci && !strcmp(ci->s, "Full Extract"));
    CHECK(vocab_find(VOCAB_FORMAT_PROFILE, "4K", 2, &ci) == NULL && ci == NULL);
    /* the ISO code lists the avails checks use are core/codes.h's */
    CHECK(codes_currency("USD") && codes_currency("XTS") && !codes_currency("usd") &&
          !codes_currency("ABC"));
    CHECK_STR_EQ(codes_language_two_letter("eng"), "en");
    CHECK_STR_EQ(codes_language_two_letter("FRE"), "fr");
    CHECK(codes_language_two_letter("cmn") == NULL);
    CHECK_STR_EQ(vocab_territory_area("ZZ"), "Global");
    CHECK_STR_EQ(vocab_territory_area("EU"), "European Union");
    CHECK_STR_EQ(vocab_territory_area("419"), "Latin America and the Caribbean");
    CHECK_STR_EQ(vocab_territory_area("001"), "World");
    CHECK(vocab_territory_area("US") == NULL);
    CHECK(vocab_territory_area("1") == NULL && vocab_territory_area("999") == NULL);
    CHECK(vocab_territory_area(NULL) == NULL);
    CHECK(vocab_column_find("BundleALIDs")->field == AVF_BUNDLED_ALIDS);
    CHECK(vocab_column_of(AVF_ALID)->required);
    CHECK_INT_EQ(vocab_xml_version_of_template(TPL_1_7_2), 2220);
    char v[16];
    vocab_version_str(2220, v, sizeof v);
    CHECK_STR_EQ(v, "2.2.2");
}

TEST(vocab_value_newer_than_file)
{
    struct findings fs = {0};
    struct avails_ctx c;
    ctx(&c, &fs, true); /* 1.7.2 = Avails 2.2.2: no Update yet, no Library license type */
    struct avails_place p = {.row = 4, .column = "D", .header = "EntryType"};
    CHECK(avails_check_vocab(&c, &p, VOCAB_ENTRY_TYPE, "Update", "x.entry", SEV_ERROR) == NULL);
    CHECK(avails_check_vocab(&c, &p, VOCAB_LICENSE_TYPE, "Library", "x.lt", SEV_ERROR) == NULL);
    CHECK_STR_EQ(avails_check_vocab(&c, &p, VOCAB_LICENSE_TYPE, "  EST", "x.lt", SEV_ERROR), "EST");
    CHECK_INT_EQ(fs.n_errors, 2);
    const struct finding *w = find(&fs, "avails.cell.whitespace");
    CHECK(w && w->severity == SEV_WARNING);
    CHECK(w && !strcmp(w->observed, "  EST") && !strcmp(w->normalised, "EST"));
    avails_ctx_finish(&c);
    findings_free(&fs);
}

/* ---- values ---- */

TEST(territories)
{
    struct findings fs = {0};
    struct avails_ctx c;
    ctx(&c, &fs, true);
    struct avails_place p = {.row = 5, .column = "B", .header = "Territory"};
    char t[4];
    CHECK(avails_check_territory(&c, &p, "Territory", "US", t) && !strcmp(t, "US"));
    CHECK(!avails_check_territory(&c, &p, "Territory", "us", t));
    CHECK(!avails_check_territory(&c, &p, "Territory", "US, CA", t));
    CHECK(!avails_check_territory(&c, &p, "Territory", "JJ", t));
    CHECK(!avails_check_territory(&c, &p, "Territory", "USA", t));
    CHECK(avails_check_territory(&c, &p, "Territory", "ZZ", t));
    CHECK_INT_EQ(count(&fs, "avails.territory.invalid"), 3);
    CHECK_INT_EQ(count(&fs, "avails.territory.multiple"), 1);
    CHECK_INT_EQ(count(&fs, "avails.territory.area"), 1);
    const struct finding *f = find(&fs, "avails.territory.invalid");
    CHECK(f && f->row == 5 && !strcmp(f->column, "B") && !strcmp(f->header, "Territory"));
    CHECK(f && !strcmp(f->expected, "US") && !strcmp(f->clause, "EMA Avails 1.7.2, Territory"));
    avails_ctx_finish(&c);
    findings_free(&fs);
}

TEST(languages)
{
    struct findings fs = {0};
    struct avails_ctx c;
    ctx(&c, &fs, true);
    struct avails_place p = {.row = 4};
    struct buf canon = {0};
    CHECK(avails_check_languages(&c, &p, "AllowedLanguages", "en, es-419,ZH-hant", true, &canon));
    CHECK_STR_EQ(buf_str(&canon), "en,es-419,zh-Hant");
    CHECK(avails_check_languages(&c, &p, "AllowedLanguages", "es:subdub, fr:audio", true, NULL));
    CHECK_INT_EQ(fs.n, 0);
    CHECK(!avails_check_languages(&c, &p, "AssetLanguage", "eng", false, NULL));
    const struct finding *f = find(&fs, "avails.language.invalid");
    CHECK(f && !strcmp(f->expected, "en"));
    CHECK(!avails_check_languages(&c, &p, "AllowedLanguages", "fr-xx", true, NULL));
    CHECK(!avails_check_languages(&c, &p, "AllowedLanguages", "en:dubbed", true, NULL));
    CHECK(!avails_check_languages(&c, &p, "StoreLanguage", "en, fr", false, NULL));
    CHECK_INT_EQ(count(&fs, "avails.language.multiple"), 1);
    /* a three-letter region used to pass as an extlang (usa is an ISO 639-3 code) */
    size_t before = count(&fs, "avails.language.invalid");
    CHECK(!avails_check_languages(&c, &p, "AssetLanguage", "en-USA", false, NULL));
    CHECK_INT_EQ(count(&fs, "avails.language.invalid"), before + 1);
    CHECK(avails_check_languages(&c, &p, "AssetLanguage", "zh-yue", false, NULL));
    buf_free(&canon);
    avails_ctx_finish(&c);
    findings_free(&fs);
}

TEST(dates)
{
    struct findings fs = {0};
    struct avails_ctx c;
    ctx(&c, &fs, true);
    struct avails_place p = {.row = 4};
    struct av_when w;
    CHECK(avails_check_when(&c, &p, "Start", "41439", true, false, &w));
    CHECK_STR_EQ(w.text, "2013-06-14"); /* an Excel serial day */
    CHECK(avails_check_when(&c, &p, "Start", "2013-06-14T10:30:00", true, false, &w));
    CHECK(w.kind == AVW_DATETIME);
    CHECK(avails_check_when(&c, &p, "End", "Open", true, true, &w) && w.kind == AVW_CONDITION);
    CHECK(avails_check_when(&c, &p, "End", "2026-01-31", true, true, &w));
    CHECK_STR_EQ(w.text, "2026-01-31"); /* the text stays the date; the instant is 23:59:59 */
    CHECK_INT_EQ(fs.n, 0);
    CHECK(!avails_check_when(&c, &p, "Start", "03/04/2026", true, false, &w));
    CHECK(!avails_check_when(&c, &p, "Start", "2026-02-30", true, false, &w));
    CHECK(!avails_check_when(&c, &p, "End", "open", true, true, &w));
    CHECK(!avails_check_when(&c, &p, "SuppressionLiftDate", "Open", false, false, &w));
    CHECK_INT_EQ(count(&fs, "avails.date.invalid"), 4);
    avails_ctx_finish(&c);
    findings_free(&fs);
}

TEST(identifiers_and_amounts)
{
    struct findings fs = {0};
    struct avails_ctx c;
    ctx(&c, &fs, false);
    struct avails_place p = {.line = 7, .path = "/AvailList/Avail/ALID"};
    avails_check_id(&c, &p, "ALID", "md:alid:eidr-x:0344-992B-DF0A-21A5-8BF9-Q");
    avails_check_id(&c, &p, "ALID", "md:alid:eidr-x:0344-992B-DF0A-21A5-8BF9-Q:bonus");
    avails_check_id(&c, &p, "TitleID", "10.5240/8FF3-1C20-84F5-F247-8BCD-E");
    avails_check_id(&c, &p, "ALID", "VIEW_MT_2006");
    CHECK_INT_EQ(fs.n, 0);
    avails_check_id(&c, &p, "ALID", "md:alid:eidr-s::4321-4321");
    avails_check_id(&c, &p, "TitleID", "10.5240/:1489-49A2");
    CHECK_INT_EQ(count(&fs, "avails.id.syntax"), 2);
    avails_check_id(&c, &p, "ALID", "my alid");
    CHECK_INT_EQ(count(&fs, "avails.id.invalid"), 1);
    CHECK(avails_check_amount(&c, &p, "Money", "4.99") && avails_check_amount(&c, &p, "M", "TBD"));
    CHECK(!avails_check_amount(&c, &p, "Money", "$4.99") &&
          !avails_check_amount(&c, &p, "M", "9,99"));
    CHECK(avails_check_currency(&c, &p, "PriceCurrency", "EUR"));
    CHECK(!avails_check_currency(&c, &p, "PriceCurrency", "eur"));
    CHECK(!avails_check_currency(&c, &p, "PriceCurrency", "EURO"));
    CHECK_INT_EQ(count(&fs, "avails.currency.invalid"), 2);
    avails_ctx_finish(&c);
    findings_free(&fs);
}

TEST(windows)
{
    struct findings fs = {0};
    struct avails_ctx c;
    ctx(&c, &fs, true);
    struct av_when s1, e1, s2, e2, s3, e3, open;
    struct avails_place p = {.row = 4};
    avails_check_when(&c, &p, "Start", "2026-01-01", true, false, &s1);
    avails_check_when(&c, &p, "End", "2026-03-31", true, true, &e1);
    avails_check_when(&c, &p, "Start", "2026-03-31", true, false, &s2); /* touching */
    avails_check_when(&c, &p, "End", "Open", true, true, &open);
    avails_check_when(&c, &p, "Start", "2026-03-01", true, false, &s3); /* overlapping */
    avails_check_when(&c, &p, "End", "2026-12-31", true, true, &e3);
    e2 = open;
    p.row = 4;
    avails_add_window(&c, &p, "S", "A1", "US", "EST", "HD", "en", &s1, &e1);
    p.row = 5;
    avails_add_window(&c, &p, "S", "A1", "US", "EST", "HD", "en", &s2, &e2);
    p.row = 6;
    avails_add_window(&c, &p, "S", "A1", "US", "EST", "SD", "en", &s3, &e3); /* other format */
    p.row = 7;
    avails_add_window(&c, &p, "S", "A1", "US", "EST", "HD", "en", &s3, &e3);
    p.row = 8;
    avails_add_window(&c, &p, "S", "A1", "US", "EST", "HD", "en", &s1, &e1); /* repeat */
    avails_ctx_finish(&c);
    /* row 7 overlaps row 4 (March) and row 5 overlaps row 7; row 5 only touches row 4 */
    CHECK_INT_EQ(count(&fs, "avails.window.overlap"), 2);
    CHECK_INT_EQ(count(&fs, "avails.window.duplicate"), 1);
    const struct finding *o = find(&fs, "avails.window.overlap");
    CHECK(o && o->row == 7 && strstr(o->message, "row 4") && o->severity == SEV_ERROR);
    CHECK(fs.items[fs.n - 1].row == 5 && strstr(fs.items[fs.n - 1].message, "row 7"));
    CHECK(find(&fs, "avails.window.duplicate")->severity == SEV_WARNING);
    findings_free(&fs);
}

/* ---- the xlsx reader ---- */

struct collected {
    struct buf text;
    int rows;
    bool formula;
};

static int collect(void *ctx, const struct xlsx_row *r)
{
    struct collected *c = ctx;
    c->rows++;
    for (size_t i = 0; i < r->n_cells; i++) {
        char col[4];
        xlsx_col_name(r->cells[i].col, col);
        buf_printf(&c->text, "%s%lld=%s;", col, (long long)r->row, r->cells[i].value);
        c->formula = c->formula || r->cells[i].formula;
    }
    return 0;
}

TEST(xlsx_reader_cells)
{
    const char *rows =
        "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>1</v></c>"
        "</row><row r=\"3\"><c r=\"B3\"><v>41439</v></c><c t=\"b\"><v>1</v></c>"
        "<c r=\"E3\" t=\"inlineStr\"><is><t>in</t><t>line</t></is></c>"
        "<c r=\"F3\"><f>1+1</f><v>2</v></c><c r=\"G3\" s=\"3\"/></row>";
    const char *sst = "<si><t>Avail</t></si><si><r><t>Rich</t></r><r><t> text</t></r>"
                      "<rPh><t>ignored</t></rPh></si>";
    size_t len;
    char *x = make_xlsx(rows, sst, &len);
    struct xlsx *w;
    struct buf why = {0};
    CHECK_INT_EQ(xlsx_open_buffer(x, len, NULL, &w, &why), 0);
    CHECK_INT_EQ(xlsx_n_sheets(w), 1);
    CHECK_STR_EQ(xlsx_sheet_name(w, 0), "Movies");
    struct collected c = {0};
    CHECK_INT_EQ(xlsx_read_sheet(w, 0, collect, &c, &why), 0);
    CHECK_INT_EQ(c.rows, 2);
    CHECK_STR_EQ(buf_str(&c.text), "A1=Avail;C1=Rich text;B3=41439;C3=1;E3=inline;F3=2;");
    CHECK(c.formula);
    xlsx_close(w);
    free(x);
    buf_free(&c.text);
    buf_free(&why);
    char col[4];
    xlsx_col_name(0, col);
    CHECK_STR_EQ(col, "A");
    xlsx_col_name(27, col);
    CHECK_STR_EQ(col, "AB");
    xlsx_col_name(16383, col);
    CHECK_STR_EQ(col, "XFD");
}

TEST(xlsx_reader_refuses)
{
    struct xlsx *w = NULL;
    struct buf why = {0};
    CHECK_INT_EQ(xlsx_open_buffer("DisplayName,Territory\n", 22, NULL, &w, &why), XLSX_ERR_NOT_ZIP);
    CHECK(strstr(buf_str(&why), "not a zip"));
    /* a DTD with entities in the sheet: refused, nothing expanded */
    buf_reset(&why);
    size_t len;
    char *x = make_xlsx("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>", NULL, &len);
    free(x);
    const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">"
                         "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><worksheet><sheetData>"
                         "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&b;</t></is></c></row>"
                         "</sheetData></worksheet>";
    struct part parts[] = {{"_rels/.rels", rels, 0},
                           {"xl/workbook.xml", workbook, 0},
                           {"xl/_rels/workbook.xml.rels", wb_rels, 0},
                           {"xl/worksheets/sheet1.xml", laughs, 0}};
    x = make_zip(parts, 4, &len);
    CHECK_INT_EQ(xlsx_open_buffer(x, len, NULL, &w, &why), 0);
    struct collected c = {0};
    CHECK_INT_EQ(xlsx_read_sheet(w, 0, collect, &c, &why), XLSX_ERR_FORMAT);
    CHECK(strstr(buf_str(&why), "DTD"));
    CHECK_INT_EQ(c.rows, 0);
    xlsx_close(w);
    free(x);
    buf_free(&c.text);
    buf_free(&why);
}

TEST(xlsx_zip_bomb)
{
    /* 48 MiB of one repeated row deflates about 1000:1: over the ratio cap past 16 MiB */
    size_t n = 48u << 20;
    char *big = malloc(n + 200);
    /* an avails header, so that the check reads on instead of skipping the sheet */
    strcpy(big, "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>Avail</t></is></c>"
                "<c t=\"inlineStr\"><is><t>AvailTrans</t></is></c></row>");
    size_t at = strlen(big);
    while (at + 64 < n)
        at += (size_t)sprintf(big + at, "<row><c><v>1</v></c></row>");
    strcpy(big + at, "</sheetData></worksheet>");
    struct part parts[] = {{"_rels/.rels", rels, 0},
                           {"xl/workbook.xml", workbook, 0},
                           {"xl/_rels/workbook.xml.rels", wb_rels, 0},
                           {"xl/worksheets/sheet1.xml", big, 0}};
    size_t len;
    char *x = make_zip(parts, 4, &len);
    struct findings fs = {0};
    avails_xlsx_check_buffer(x, len, "bomb.xlsx", NULL, &fs);
    const struct finding *f = find(&fs, "avails.xlsx.zip_bomb");
    CHECK(f && f->severity == SEV_ERROR && strstr(f->message, "zip bomb"));
    findings_free(&fs);
    /* the same with an absolute cap below the sheet: too large */
    struct xlsx *w;
    struct buf why = {0};
    struct xlsx_limits lim = {.max_part = 1u << 20, .max_ratio = 100000};
    CHECK_INT_EQ(xlsx_open_buffer(x, len, &lim, &w, &why), 0);
    struct collected c = {0};
    CHECK_INT_EQ(xlsx_read_sheet(w, 0, collect, &c, &why), XLSX_ERR_TOO_LARGE);
    xlsx_close(w);
    buf_free(&c.text);
    buf_free(&why);
    free(x);
    free(big);
}

/* ---- whole spreadsheets ---- */

TEST(sheet_valid_passes)
{
    struct findings fs = {0};
    struct buf b = {0};
    row(&b, 4, good);
    row(&b, 5,
        "A=Studio|B=US|C=Movie|D=Full Extract|E=EST|F=SD|G=#45658|H=Open|I=WSP|J=7.99|"
        "K=md:alid:org:studio:t1|L=en|M=USD|N=T1");
    check_sheet(buf_str(&b), &fs);
    CHECK_INT_EQ(fs.n, 0);
    buf_free(&b);
    findings_free(&fs);
}

TEST(sheet_findings_in_place)
{
    struct findings fs = {0};
    struct buf b = {0};
    row(&b, 4,
        "A=Studio|B=US,CA|C=moVie|D=Full Extract|E=  EST|F=4K|G=03/04/2026|H=Open|I=WSP|"
        "J=9,99|K=md:alid:org:studio:t1|L=eng|M=usd");
    row(&b, 5,
        "A=Studio|B=US|C=Episode|D=Full Extract|E=EST|F=HD|G=2026-05-01|H=2026-04-01|I=NA|"
        "J=4|K=md:alid:org:studio:t1|L=en");
    check_sheet(buf_str(&b), &fs);
    const struct finding *f = find(&fs, "avails.territory.multiple");
    CHECK(f && f->row == 4 && !strcmp(f->column, "B") && !strcmp(f->header, "Territory") &&
          !strcmp(f->sheet, "Movies"));
    f = find(&fs, "avails.worktype.invalid");
    CHECK(f && f->row == 4 && strstr(f->message, "\"Movie\""));
    f = find(&fs, "avails.cell.whitespace");
    CHECK(f && !strcmp(f->observed, "  EST") && !strcmp(f->normalised, "EST"));
    CHECK(find(&fs, "avails.formatprofile.invalid"));
    f = find(&fs, "avails.date.invalid");
    CHECK(f && f->row == 4 && strstr(f->message, "ambiguous"));
    CHECK(find(&fs, "avails.price.invalid"));
    CHECK(find(&fs, "avails.language.invalid"));
    CHECK(find(&fs, "avails.currency.invalid"));
    f = find(&fs, "avails.window.reversed");
    CHECK(f && f->row == 5 && !strcmp(f->column, "H"));
    f = find(&fs, "avails.price.na_mismatch");
    CHECK(f && f->row == 5);
    CHECK(find(&fs, "avails.alid.inconsistent") == NULL); /* row 4's WorkType is unreadable */
    buf_free(&b);
    findings_free(&fs);
}

TEST(sheet_layout_rules)
{
    /* no End column, a formula, an avail in row 3, overlapping windows */
    struct findings fs = {0};
    struct buf b = {0};
    row(&b, 1,
        "A=Avail|B=AvailTrans|C=AvailAsset|D=Disposition|E=AvailTrans|F=AvailTrans|"
        "G=AvailTrans|I=AvailTrans|J=AvailTrans|K=Avail|L=AvailTrans");
    row(&b, 2,
        "A=DisplayName|B=Territory|C=WorkType|D=EntryType|E=LicenseType|F=FormatProfile|"
        "G=Start|I=PriceType|J=PriceValue|K=ALID|L=Colour");
    row(&b, 3, "A=Studio|B=US|C=Movie|D=Full Extract|E=EST");
    buf_puts(&b, "<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>Studio</t></is></c>"
                 "<c r=\"B4\" t=\"str\"><f>UPPER(\"us\")</f><v>US</v></c></row>");
    size_t len;
    char *x = make_xlsx(buf_str(&b), NULL, &len);
    avails_xlsx_check_buffer(x, len, "t.xlsx", NULL, &fs);
    const struct finding *f = find(&fs, "avails.header.missing");
    CHECK(f && f->row == 2 && !strcmp(f->header, "End"));
    CHECK(find(&fs, "avails.header.unknown"));
    f = find(&fs, "avails.row3.data");
    CHECK(f && f->row == 3);
    f = find(&fs, "avails.cell.formula");
    CHECK(f && f->row == 4 && !strcmp(f->column, "B") && strstr(f->message, "UPPER"));
    free(x);
    buf_free(&b);
    findings_free(&fs);

    struct findings fs2 = {0};
    buf_reset(&b);
    row(&b, 4, good);
    row(&b, 5,
        "A=Studio|B=US|C=Movie|D=Full Extract|E=EST|F=HD|G=2026-01-15|H=2026-12-31|I=WSP|"
        "J=9.99|K=md:alid:org:studio:t1|L=en|M=USD");
    row(&b, 6,
        "A=Studio|B=US|C=Movie|D=Full Extract|E=POEST|F=HD|G=2026-01-15|H=ESTStart|I=WSP|"
        "J=9.99|K=md:alid:org:studio:t2|L=en|M=USD");
    row(&b, 7,
        "A=Studio|B=GB|C=Episode|D=Full Extract|E=EST|F=SD|G=2026-01-15|H=Open|I=WSP|"
        "J=9.99|K=md:alid:org:studio:t1|L=en|M=GBP");
    check_sheet(buf_str(&b), &fs2);
    f = find(&fs2, "avails.alid.inconsistent");
    CHECK(f && f->row == 7 && !strcmp(f->expected, "Movie"));
    f = find(&fs2, "avails.window.overlap");
    CHECK(f && f->row == 5 && strstr(f->message, "row 4"));
    f = find(&fs2, "avails.poest.suppression_lift_date");
    CHECK(f && f->row == 6);
    buf_free(&b);
    findings_free(&fs2);
}

TEST(sheet_not_avails)
{
    struct findings fs = {0};
    size_t len;
    char *x = make_xlsx("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Name</t></is></c></row>",
                        NULL, &len);
    avails_xlsx_check_buffer(x, len, "t.xlsx", NULL, &fs);
    CHECK(find(&fs, "avails.xlsx.no_avails_sheet"));
    free(x);
    findings_free(&fs);
    struct findings fs2 = {0};
    avails_xlsx_check_buffer("PK\003\004garbage", 11, "t.xlsx", NULL, &fs2);
    CHECK(find(&fs2, "avails.xlsx.unreadable"));
    findings_free(&fs2);
}

/* ---- XML ---- */

static const char xml_head[] =
    "<?xml version=\"1.0\"?>\n"
    "<avails:AvailList xmlns:avails=\"http://www.movielabs.com/schema/avails/v2.4/avails\" "
    "xmlns:md=\"http://www.movielabs.com/schema/md/v2.7/md\">\n";

static void check_xml(const char *body, struct findings *fs)
{
    struct buf b = {0};
    buf_printf(&b, "%s%s</avails:AvailList>\n", xml_head, body);
    avails_xml_check_buffer(b.data, b.len, "t.xml", NULL, fs);
    buf_free(&b);
}

TEST(xml_values_and_structure)
{
    struct findings fs = {0};
    check_xml("<avails:Avail>\n"                             /* 3 */
              "<avails:ALID>md:alid:org:s:1</avails:ALID>\n" /* 4 */
              "<avails:Disposition><avails:EntryType>Full Extract</avails:EntryType>"
              "</avails:Disposition>\n" /* 5 */
              "<avails:Licensor><md:DisplayName>S</md:DisplayName></avails:Licensor>\n"
              "<avails:AvailType>single</avails:AvailType>\n" /* 7 */
              "<avails:Asset contentID=\"md:cid:org:s:1\"><avails:WorkType>Movie</avails:WorkType>"
              "</avails:Asset>\n"                                                  /* 8 */
              "<avails:Transaction>\n"                                             /* 9 */
              "<avails:LicenseType>POEST</avails:LicenseType>\n"                   /* 10 */
              "<avails:Territory><md:country>JJ</md:country></avails:Territory>\n" /* 11 */
              "<avails:Start>2026-01-01</avails:Start>\n"                          /* 12 */
              "<avails:End>2025-01-01</avails:End>\n"                              /* 13 */
              "<avails:AssetLanguage>ENg</avails:AssetLanguage>\n"                 /* 14 */
              "<avails:AssetLanguage>fr</avails:AssetLanguage>\n"                  /* 15 */
              "<avails:RefALID>md:alid:org:s:0</avails:RefALID>\n"                 /* 16 */
              "<avails:Term termName=\"SRP\"><avails:Money currency=\"XTs\">4.99</avails:Money>"
              "</avails:Term>\n" /* 17 */
              "</avails:Transaction>\n</avails:Avail>\n",
              &fs);
    const struct finding *f = find(&fs, "avails.territory.invalid");
    CHECK(f && f->line == 11 && strstr(f->path, "/AvailList/Avail/Transaction/Territory/country"));
    f = find(&fs, "avails.language.invalid");
    CHECK(f && f->line == 14 && !strcmp(f->expected, "en"));
    f = find(&fs, "avails.currency.invalid");
    CHECK(f && f->line == 17 && !strcmp(f->expected, "XTS"));
    f = find(&fs, "avails.structure.metadata");
    CHECK(f && f->line == 8);
    f = find(&fs, "avails.structure.refalid");
    CHECK(f && f->line == 16);
    f = find(&fs, "avails.poest.suppression_lift_date");
    CHECK(f && f->line == 10);
    f = find(&fs, "avails.window.reversed");
    CHECK(f && f->line == 13);
    f = find(&fs, "avails.transaction.asset_language");
    CHECK(f && f->line == 15);
    findings_free(&fs);
}

TEST(xml_hostile)
{
    struct findings fs = {0};
    const char *laughs =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>\n<AvailList>&c;</AvailList>";
    avails_xml_check_buffer(laughs, strlen(laughs), "l.xml", NULL, &fs);
    const struct finding *f = find(&fs, "xml.entities");
    CHECK(f && f->line == 2 && f->severity == SEV_ERROR && !strcmp(f->file, "l.xml"));
    CHECK(f && strstr(f->message, "billion laughs") && f->fix);
    CHECK_INT_EQ(fs.n, 1);
    findings_free(&fs);
    struct findings fs2 = {0};
    const char *bad = "<?xml version=\"1.0\"?>\n<a>\n<b></a>";
    avails_xml_check_buffer(bad, strlen(bad), "b.xml", NULL, &fs2);
    f = find(&fs2, "xml.malformed");
    CHECK(f && f->line == 3);
    findings_free(&fs2);
    struct findings fs3 = {0};
    const char *other = "<?xml version=\"1.0\"?><MediaManifest xmlns=\"urn:x\"/>";
    avails_xml_check_buffer(other, strlen(other), "m.xml", NULL, &fs3);
    CHECK(find(&fs3, "avails.xml.root"));
    findings_free(&fs3);
    /* found by fuzzing: a version number that overflowed the version arithmetic */
    struct findings fs4 = {0};
    const char *huge = "<a:AvailList xmlns:a=\"http://www.movielabs.com/schema/avails/v40000000.1/"
                       "avails\"/>";
    avails_xml_check_buffer(huge, strlen(huge), "h.xml", NULL, &fs4);
    CHECK(find(&fs4, "avails.xml.root"));
    findings_free(&fs4);
}

/*
 * Avails XML goes through the hardened reader (check/xmlsafe) like every XML check, from a
 * file as from memory: a billion-laughs document and external entities (a general entity, a
 * parameter entity pulling in a DTD) are refused with xml.entities before anything expands or
 * is read; a DOCTYPE naming an external DTD does not make it load; nesting is limited.
 */
static void check_xml_file(const char *text, enum check_kind kind, struct findings *fs)
{
    char path[] = "/tmp/vg-avails-XXXXXX.xml";
    int fd = mkstemps(path, 4);
    CHECK(fd >= 0);
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    struct buf why = {0};
    CHECK_INT_EQ(check_file(path, "hostile.xml", kind, NULL, fs, &why), CHECK_OK);
    buf_free(&why);
    unlink(path);
}

TEST(xml_hostile_files)
{
    static const char bomb[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE avails:AvailList [\n"
        " <!ENTITY lol \"lol\">\n" /* 3 */
        " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        " <!ENTITY lol9 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
        "]>\n"
        "<avails:AvailList xmlns:avails=\"http://www.movielabs.com/schema/avails/v2.4/avails\">\n"
        "<avails:Avail><avails:ALID>&lol9;&lol9;</avails:ALID></avails:Avail>\n"
        "</avails:AvailList>\n";
    /* told by its root past the DOCTYPE's internal subset (it used to read as "not a zip") */
    enum check_kind k = CHECK_AUTO;
    char bomb_path[] = "/tmp/vg-avails-XXXXXX";
    int bfd = mkstemp(bomb_path);
    CHECK(bfd >= 0 && write(bfd, bomb, strlen(bomb)) == (ssize_t)strlen(bomb));
    close(bfd);
    CHECK_INT_EQ(check_kind_detect(bomb_path, &k), CHECK_OK);
    CHECK_INT_EQ(k, CHECK_AVAILS);
    unlink(bomb_path);
    struct findings fs = {0};
    check_xml_file(bomb, CHECK_AUTO, &fs);
    const struct finding *f = find(&fs, "xml.entities");
    CHECK(f && f->line == 3 && !strcmp(f->file, "hostile.xml") && f->severity == SEV_ERROR);
    CHECK(f && f->observed && strstr(f->observed, "lol"));
    CHECK_INT_EQ(fs.n, 1);
    CHECK(!findings_pass(&fs));
    findings_free(&fs);

    /* a general external entity: /etc/hostname would land in the ALID */
    static const char xxe[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE avails:AvailList [<!ENTITY e SYSTEM \"file:///etc/hostname\">]>\n"
        "<avails:AvailList xmlns:avails=\"http://www.movielabs.com/schema/avails/v2.4/avails\">"
        "<avails:Avail><avails:ALID>&e;</avails:ALID></avails:Avail></avails:AvailList>\n";
    check_xml_file(xxe, CHECK_AVAILS, &fs);
    f = find(&fs, "xml.entities");
    CHECK(f && f->line == 2);
    CHECK_INT_EQ(fs.n, 1);
    findings_free(&fs);

    /* a parameter entity that would fetch a DTD from the network */
    static const char pe[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE x [\n<!ENTITY % remote SYSTEM \"http://127.0.0.1:9/evil.dtd\">\n%remote;\n]>\n"
        "<x/>\n";
    check_xml_file(pe, CHECK_AVAILS, &fs);
    f = find(&fs, "xml.entities");
    CHECK(f && f->line == 3);
    CHECK_INT_EQ(fs.n, 1);
    findings_free(&fs);

    /* an external DTD subset is never loaded: its entity stays undeclared, nothing expands */
    char dtd[] = "/tmp/vg-avails-dtd-XXXXXX";
    int fd = mkstemp(dtd);
    CHECK(fd >= 0);
    static const char dtd_text[] = "<!ENTITY leak \"LEAKED\">\n";
    CHECK(write(fd, dtd_text, strlen(dtd_text)) == (ssize_t)strlen(dtd_text));
    close(fd);
    struct buf ext = {0};
    buf_printf(&ext,
               "<?xml version=\"1.0\"?>\n<!DOCTYPE avails:AvailList SYSTEM \"%s\">\n"
               "<avails:AvailList xmlns:avails=\"http://www.movielabs.com/schema/avails/v2.4/"
               "avails\"><avails:Avail><avails:ALID>a&leak;b</avails:ALID></avails:Avail>"
               "</avails:AvailList>\n",
               dtd);
    check_xml_file(buf_str(&ext), CHECK_AVAILS, &fs);
    for (size_t i = 0; i < fs.n; i++)
        CHECK(!fs.items[i].observed || !strstr(fs.items[i].observed, "LEAKED"));
    CHECK(!find(&fs, "xml.entities"));
    findings_free(&fs);
    buf_free(&ext);
    unlink(dtd);

    /* nesting past the limit stops the parse */
    struct buf deep = {0};
    buf_puts(&deep, "<avails:AvailList xmlns:avails=\"http://www.movielabs.com/schema/avails/v2.4/"
                    "avails\">");
    for (int i = 0; i < 300; i++)
        buf_puts(&deep, "<avails:Avail>");
    for (int i = 0; i < 300; i++)
        buf_puts(&deep, "</avails:Avail>");
    buf_puts(&deep, "</avails:AvailList>");
    check_xml_file(buf_str(&deep), CHECK_AVAILS, &fs);
    CHECK(find(&fs, "xml.too_deep"));
    CHECK_INT_EQ(fs.n, 1);
    findings_free(&fs);
    buf_free(&deep);
}

TEST(xml_volume_overlap)
{
    struct findings fs = {0};
    const char *vol = "<avails:Avail><avails:ALID>md:alid:org:s:v%d</avails:ALID>"
                      "<avails:AvailType>volume</avails:AvailType>"
                      "<avails:Asset><avails:WorkType>Volume</avails:WorkType>\n"
                      "<avails:VolumeMetadata>\n<avails:VolumeFirstEpisodeNumber>%d"
                      "</avails:VolumeFirstEpisodeNumber><avails:VolumeNumberOfEpisodes>%d"
                      "</avails:VolumeNumberOfEpisodes><avails:SeasonMetadata>"
                      "<avails:SeasonContentID>md:cid:org:s:s1</avails:SeasonContentID>"
                      "</avails:SeasonMetadata></avails:VolumeMetadata></avails:Asset>"
                      "</avails:Avail>\n";
    struct buf b = {0};
    /* episodes 1-4, 5-7, 7-8: the third shares episode 7 with the second */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    buf_printf(&b, vol, 1, 1, 4);
    buf_printf(&b, vol, 2, 5, 3);
    buf_printf(&b, vol, 3, 7, 2);
#pragma GCC diagnostic pop
    check_xml(buf_str(&b), &fs);
    CHECK_INT_EQ(count(&fs, "avails.volume.overlap"), 1);
    const struct finding *f = find(&fs, "avails.volume.overlap");
    CHECK(f && f->line == 11 && strstr(f->message, "episodes 7 to 8") &&
          strstr(f->message, "line 8"));
    buf_free(&b);
    findings_free(&fs);
}

T_MAIN
