/*
 * libFuzzer target for the Scenarist SCC parser (check/captions_scc.c): any bytes
 * as an .scc file, with a video duration so the cue timing checks run. Every
 * finding must have a code, a message and a clause.
 */
#include <stdint.h>
#include <stdlib.h>

#include "check/captions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    struct findings fs = {0};
    struct cap_ctx c = {.file = "fuzz.scc", .out = &fs, .video_duration = 60, .fps = 25};
    captions_scc_parse(&c, (const char *)data, len);
    for (size_t i = 0; i < fs.n; i++)
        if (!fs.items[i].code || !fs.items[i].message || !fs.items[i].clause)
            abort();
    findings_free(&fs);
    return 0;
}
