/*
 * libFuzzer target for the Avails XML checks (check/avails_xml.c): any bytes
 * as an avails document in memory, through the hardened parse (no DTD, no
 * network), the value and structure checks and the window and volume
 * checks. Beyond "no crash, no leak": every finding has a code, a message
 * and a clause, and a document that is not XML is reported, never passed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/avails_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    struct findings fs = {0};
    avails_xml_check_buffer((const char *)data, len, "fuzz.xml", NULL, &fs);
    for (size_t i = 0; i < fs.n; i++)
        if (!fs.items[i].code || !fs.items[i].message || !fs.items[i].clause)
            abort();
    if (len == 0 && fs.n_errors == 0)
        abort();
    findings_free(&fs);
    return 0;
}
