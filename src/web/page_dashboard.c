/* The dashboard of each role (GET / when signed in). */
#include "web/web.h"

void page_dashboard(struct req *r);

void page_dashboard(struct req *r)
{
    page_render(r, 200, "dashboard", json_pack("{s:s}", "title", "Dashboard"));
}
