/*
 * A streaming reader of .xlsx workbooks (Office Open XML spreadsheets).
 *
 * The workbook is a zip (libzip); its parts are XML read with libxml2's SAX2
 * push parser, so a sheet is never held in memory whole: rows are handed to
 * a callback one at a time, and only the current row's cells are kept. The
 * shared strings table (sharedStrings.xml) is loaded once, as one block of
 * text and an offset array, since any row may refer to any string.
 * Inflating and parsing run in two threads for large parts (a bounded queue
 * of chunks between them), and the row callback in a third (batches of packed
 * rows), so a 130 MB sheet costs about its parse time.
 *
 * Hostile input gets a clear error, never a crash: no DTD is accepted (no
 * entity can be declared, so no billion laughs), no network, XML depth and
 * text limits stay libxml2's defaults; every part has an absolute cap on its
 * inflated size and a cap on its inflate ratio (zip bombs); cell text is
 * capped at Excel's 32,767 characters (the rest is dropped and flagged).
 *
 * Thread-safe per struct xlsx (one reader per workbook).
 */
#ifndef VG_XLSX_H
#define VG_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

enum xlsx_err {
    XLSX_OK = 0,
    XLSX_ERR_IO = -1,        /* the file cannot be read */
    XLSX_ERR_NOT_ZIP = -2,   /* not a zip archive: not an .xlsx */
    XLSX_ERR_FORMAT = -3,    /* a zip, but not a workbook (parts missing or malformed XML) */
    XLSX_ERR_TOO_LARGE = -4, /* a part inflates past its absolute cap */
    XLSX_ERR_BOMB = -5,      /* a part inflates at a ratio no spreadsheet has */
    XLSX_ERR_STOPPED = -6,   /* the row callback asked to stop */
};

/* Caps on what a workbook may inflate to; zeroes take the defaults below. */
struct xlsx_limits {
    uint64_t max_part;   /* any sheet (1 GiB) */
    uint64_t max_shared; /* sharedStrings.xml (256 MiB) */
    uint64_t max_small;  /* workbook.xml, relationships (16 MiB) */
    uint32_t max_ratio;  /* inflated / compressed, once past 16 MiB inflated (200) */
};

enum xlsx_type {
    XLSX_NUMBER, /* a number as written (dates are numbers: Excel serial days) */
    XLSX_STRING, /* shared, inline or formula string */
    XLSX_BOOL,   /* "1" or "0" */
    XLSX_ERROR,  /* "#N/A", "#REF!", ... */
};

struct xlsx_cell {
    uint32_t col; /* 0-based: A = 0 */
    enum xlsx_type type;
    bool formula;             /* the cell holds a formula (value is its cached result, if any) */
    const char *formula_text; /* the formula (first 256 bytes), NULL when none */
    bool truncated;           /* the text was longer than 32,767 characters and was cut */
    const char *value;        /* NUL-terminated, never NULL; valid during the callback */
    size_t len;
};

struct xlsx_row {
    int64_t row;                   /* 1-based, as Excel shows it */
    const struct xlsx_cell *cells; /* in column order as written, empty cells left out */
    size_t n_cells;
};

/* Returns 0 to go on, nonzero to stop reading (xlsx_read_sheet then returns XLSX_ERR_STOPPED). */
typedef int (*xlsx_row_fn)(void *ctx, const struct xlsx_row *row);

struct xlsx;

/*
 * Opens the workbook at path (or in memory: data, len, which must outlive the
 * reader) and reads its sheet list. Returns 0 and *out (free with
 * xlsx_close), or an XLSX_ERR_* code with a sentence for people appended to
 * why. limits may be NULL.
 */
int xlsx_open_file(const char *path, const struct xlsx_limits *limits, struct xlsx **out,
                   struct buf *why);
int xlsx_open_buffer(const void *data, size_t len, const struct xlsx_limits *limits,
                     struct xlsx **out, struct buf *why);
void xlsx_close(struct xlsx *x);

size_t xlsx_n_sheets(const struct xlsx *x);
/* The sheet's name as the workbook lists it (owned by x). */
const char *xlsx_sheet_name(const struct xlsx *x, size_t i);
/* True when the workbook counts dates from 1904 (Mac Excel) instead of 1900. */
bool xlsx_date1904(const struct xlsx *x);

/*
 * Streams sheet i, calling fn once per row that has at least one cell, in
 * document order, one call at a time. For a large sheet (4 MiB of XML or
 * more) fn runs on a thread of the reader's own while the next rows are
 * parsed, and the shared strings load beside the sheet through a second
 * handle on the archive; fn must then touch nothing another thread uses.
 * Loads the shared strings on first use. Returns 0, or an
 * XLSX_ERR_* code (XLSX_ERR_STOPPED when fn stopped it) with why filled
 * (for malformed XML, with the part's name and the line where parsing stopped).
 */
int xlsx_read_sheet(struct xlsx *x, size_t i, xlsx_row_fn fn, void *ctx, struct buf *why);

/* Writes the column letters of a 0-based column ("A", "AB", "XFD") into out. */
void xlsx_col_name(uint32_t col, char out[static 4]);

#endif
