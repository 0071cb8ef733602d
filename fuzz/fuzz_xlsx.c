/*
 * libFuzzer target for the streaming .xlsx reader (check/xlsx.c) and the EMA
 * Avails spreadsheet checks on top of it (check/avails_xlsx.c): any bytes, as
 * a workbook in memory. Beyond "no crash, no leak": the reader must either
 * open the workbook or say why, every row it hands over must be in order with
 * cells in range, and the checks must end with a verdict.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/avails_rules.h"
#include "check/xlsx.h"

struct seen {
    int64_t last_row;
};

static int on_row(void *ctx, const struct xlsx_row *r)
{
    struct seen *s = ctx;
    if (r->row <= s->last_row || r->row > 1048576)
        abort();
    s->last_row = r->row;
    for (size_t i = 0; i < r->n_cells; i++) {
        const struct xlsx_cell *c = &r->cells[i];
        if (c->col >= 16384 || !c->value || strlen(c->value) > c->len)
            abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    /* small caps so that a bomb is found in microseconds, not seconds */
    struct xlsx_limits lim = {.max_part = 8u << 20, .max_shared = 4u << 20, .max_small = 1u << 20};
    struct xlsx *x = NULL;
    struct buf why = {0};
    int rc = xlsx_open_buffer(data, len, &lim, &x, &why);
    if (rc == 0) {
        for (size_t i = 0; i < xlsx_n_sheets(x); i++) {
            struct seen s = {0};
            buf_reset(&why);
            xlsx_read_sheet(x, i, on_row, &s, &why);
        }
        xlsx_close(x);
    } else if (why.len == 0) {
        abort(); /* an error always says why */
    }
    buf_free(&why);
    struct findings fs = {0};
    avails_xlsx_check_buffer(data, len, "fuzz.xlsx", NULL, &fs);
    if (fs.n_errors + fs.n_warnings < fs.n)
        abort();
    findings_free(&fs);
    return 0;
}
