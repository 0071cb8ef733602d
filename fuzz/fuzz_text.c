/*
 * libFuzzer target for the small text parsers: RFC 3339 instants, dates, and
 * email addresses. Checks more than "no crash": whatever parses must format
 * back to something that parses to the same value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "core/signin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    char *s = malloc(len + 1);
    memcpy(s, data, len);
    s[len] = '\0';
    int64_t t;
    if (time_parse_rfc3339(s, &t) == 0) {
        char back[21];
        time_format_rfc3339(t, back);
        int64_t t2;
        if (t > -62135596800LL && t < 253402300800LL &&
            (time_parse_rfc3339(back, &t2) != 0 || t2 != t))
            abort();
    }
    struct civil_date d;
    if (date_parse(s, &d) == 0) {
        char back[11];
        date_format(d, back);
        if (strcmp(back, s) != 0)
            abort();
    }
    char email[256];
    if (signin_email_normalise(s, email, sizeof email) == 0) {
        char again[256];
        if (signin_email_normalise(email, again, sizeof again) != 0 || strcmp(again, email))
            abort();
    }
    free(s);
    return 0;
}
