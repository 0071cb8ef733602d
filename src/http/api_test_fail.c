/*
 * A test hook, served only under --test-clock: POST /api/v1/test/fail breaks
 * an invariant inside a request, as a bug would, so that a test can show the
 * server answers that request 500 and goes on serving every other one
 * (base/recover.h). {"what": "assert"} (the default) fails a VG_ASSERT;
 * {"what": "store"} fails while holding a database connection in a
 * transaction, which must be closed rather than handed to the next request.
 * The portal's page GET /test/fail does the same (web/pages.c).
 */
#include <string.h>

#include "base/now.h"
#include "base/recover.h"
#include "http/api.h"

void api_test_fail(struct req *r)
{
    if (!now_is_test()) {
        reply_error(r, 403, "test_clock_only", "this test hook needs serve --test-clock");
        return;
    }
    const char *what = NULL;
    if (!jfield_str(r, "what", false, &what))
        return;
    if (what && !strcmp(what, "store")) {
        struct db *db = req_db(r);
        if (store_begin(db) < 0) {
            reply_store_error(r, STORE_ERR);
            return;
        }
        vg_fail("test hook: failing inside a transaction");
    }
    VG_ASSERT(!"test hook: a broken invariant");
}
