/*
 * The checks the EMA spreadsheet and the Avails XML share: one value at a
 * time (vocabularies, territories, languages, currencies, dates,
 * identifiers, prices) and across the file (windows that overlap for the
 * same licensor, ALID, territory, license type and format; rows of one ALID
 * that disagree on the asset).
 *
 * A reader (avails_xlsx.c, avails_xml.c) sets up one struct avails_ctx per
 * file, calls the value checks with the place of each value, records every
 * window and asset it meets, and calls avails_ctx_finish() at the end, which
 * runs the cross-file checks and frees the context. Findings go to the
 * caller's struct findings with their place, the value observed and its
 * normalised form, the expected values, the clause and a fix.
 *
 * Values from a spreadsheet are trimmed and a warning says so when that
 * changed them ("  EST" read as "EST"); XML text is trimmed silently (its
 * whitespace is layout). Vocabularies are case-sensitive, as in the
 * MovieLabs rules; a value that matches only ignoring case is an error that
 * names the right spelling.
 */
#ifndef VG_AVAILS_RULES_H
#define VG_AVAILS_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "check/finding.h"
#include "check/vocab.h"

/* Where a value is: a spreadsheet cell, or an XML element. */
struct avails_place {
    const char *sheet;
    int64_t row;
    const char *column; /* letters */
    const char *header; /* the column's name; for XML, the element or attribute name */
    int64_t line;
    const char *path;
};

struct av_window;
struct av_asset;

/* A systematic mistake repeats on every row: past this many findings of one code in a file,
 * the rest are summed up in one finding at the end. */
#define AVAILS_MAX_PER_CODE 100

struct avails_ctx {
    struct findings *out;
    const char *file;
    const char *std;  /* "EMA Avails 1.7.2" or "MDDF Avails 2.4": clauses start with it */
    int xml_version;  /* vocabulary version (2220 for 1.7.2) */
    bool spreadsheet; /* trim with a warning; allow Excel serial dates */
    bool date1904;
    struct arena arena; /* window keys and texts */
    struct av_window *win;
    size_t n_win, cap_win;
    struct av_asset *assets;
    size_t n_assets, cap_assets;
    const char *intern_src[3], *intern_copy[3]; /* see copy_place */
    /* findings per code: past AVAILS_MAX_PER_CODE they are counted, not listed */
    struct av_code_count {
        const char *code;
        enum severity sev;
        const char *field;
        size_t n;
    } codes[96];
    size_t n_codes;
    struct buf scratch[10]; /* reused by the value checks, so a row costs no allocation */
};

void avails_ctx_init(struct avails_ctx *c, struct findings *out, const char *file, const char *std,
                     int xml_version, bool spreadsheet);
/* Runs the cross-file checks (windows, asset consistency), then frees what c holds. */
void avails_ctx_finish(struct avails_ctx *c);

/* Appends a finding at place p. field names the column or element for the clause
 * ("<std>, <field>"); observed/normalised/expected/fix may be NULL. */
void avails_report(struct avails_ctx *c, const struct avails_place *p, const char *code,
                   enum severity sev, const char *field, const char *observed,
                   const char *normalised, const char *expected, const char *fix, const char *fmt,
                   ...) VG_PRINTF(10, 11);

/*
 * Trims ASCII whitespace and no-break spaces off raw into out (owned by the
 * caller, freed with buf_free). In a spreadsheet, reports avails.cell.whitespace
 * (a warning) when that changed the value and warn is true. Returns the trimmed
 * text (NUL-terminated, inside out).
 */
const char *avails_trim(struct avails_ctx *c, const struct avails_place *p, const char *field,
                        const char *raw, bool warn, struct buf *out);

/* Checks a value against a vocabulary: unknown -> code (sev), case mismatch -> code (error),
 * newer than the file's version -> code (error). Returns the canonical value when accepted
 * (exact match), else NULL. raw is checked after trimming. */
const char *avails_check_vocab(struct avails_ctx *c, const struct avails_place *p, enum vocab_id id,
                               const char *raw, const char *code, enum severity sev);

/* ISO 3166-1 territory (one). Sets out (3 bytes, or 4 for an M.49 area) to the code when
 * accepted. Reports avails.territory.invalid, .multiple, .area (warning: a region). */
bool avails_check_territory(struct avails_ctx *c, const struct avails_place *p, const char *field,
                            const char *raw, char out[static 4]);

/* BCP 47 language tags; list: a comma-separated list whose items may carry ":audio",
 * ":subtitle" or ":subdub" (EMA 1.9). Reports avails.language.invalid. Returns true when all
 * are valid; appends the canonical tags, comma-separated, to canon when not NULL. */
bool avails_check_languages(struct avails_ctx *c, const struct avails_place *p, const char *field,
                            const char *raw, bool list, struct buf *canon);

/* ISO 4217 currency. Reports avails.currency.invalid. */
bool avails_check_currency(struct avails_ctx *c, const struct avails_place *p, const char *field,
                           const char *raw);

/* A point in time as Avails writes it. */
struct av_when {
    enum { AVW_NONE, AVW_DATE, AVW_DATETIME, AVW_CONDITION } kind;
    int64_t t;     /* seconds since 1970 as if UTC (avails times are local to the territory) */
    char cond[16]; /* the condition word ("Open", "ESTStart", ...) */
    char text[32]; /* normalised: "2013-06-14" or "2013-06-14T00:00:00" */
};

/*
 * Parses a Start/End-like value: YYYY-MM-DD, an ISO date-time, an Excel serial
 * number (spreadsheets), or, when conditions, a DateTimeCondition word.
 * is_end puts a date-only value at 23:59:59 (the end of the day). Reports
 * avails.date.invalid (with the reason: ambiguous "03/04/2026", impossible
 * date, ...) and returns false when the value is none of these.
 */
bool avails_check_when(struct avails_ctx *c, const struct avails_place *p, const char *field,
                       const char *raw, bool conditions, bool is_end, struct av_when *out);

/* An identifier (ALID, ContentID, EIDR): empty or with spaces is avails.id.invalid (error);
 * a malformed md: identifier or EIDR is avails.id.syntax (warning). */
void avails_check_id(struct avails_ctx *c, const struct avails_place *p, const char *field,
                     const char *raw);

/* A decimal amount ("4.99", "1000.00"); "TBD" accepted as a placeholder. Reports
 * avails.price.invalid. */
bool avails_check_amount(struct avails_ctx *c, const struct avails_place *p, const char *field,
                         const char *raw);

/*
 * Records the window of one row or transaction for the overlap check at
 * the end: its scope (licensor, ALID, territory, license type, and the
 * format profile and asset language that make separate offers in EMA, one
 * row each), start and end. Windows with a conditional start are not
 * compared; an Open end runs forever. Overlap is an error, an exact repeat
 * a warning; a window may start on the day the previous one ends (the EMA
 * templates' own examples hand a title over from Early EST to New Release
 * on the same date).
 */
void avails_add_window(struct avails_ctx *c, const struct avails_place *p, const char *licensor,
                       const char *alid, const char *territory, const char *license_type,
                       const char *format, const char *asset_language, const struct av_when *start,
                       const struct av_when *end);

/* Records that the row at p describes ALID with this WorkType, for the consistency check. */
void avails_add_asset(struct avails_ctx *c, const struct avails_place *p, const char *alid,
                      const char *work_type);

/* The avails checks of a document or workbook in memory (tests, fuzzing); same findings as
 * check_avails_xml / check_avails_xlsx on a file holding those bytes. */
struct check_options;
void avails_xml_check_buffer(const char *data, size_t len, const char *display_name,
                             const struct check_options *opts, struct findings *out);
void avails_xlsx_check_buffer(const void *data, size_t len, const char *display_name,
                              const struct check_options *opts, struct findings *out);

#endif
