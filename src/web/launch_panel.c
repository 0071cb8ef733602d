/*
 * The target launch date warning as a panel: see launch_panel.h.
 */
#include "web/launch_panel.h"

#include <string.h>

#include "core/role.h"
#include "web/web.h"

static const char *s_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

void web_launch_panel(struct req *r, const json_t *partner, json_t *vm)
{
    const json_t *w = json_object_get(partner, "launch_warning");
    struct buf b = {0};
    if (!json_is_object(w)) {
        vm_set_html(vm, "launch_warning_html", safe_html_of(&b)); /* nothing to show */
        return;
    }
    bool staff = !role_is_org(r->who.role);
    bool needs_ph = json_is_true(json_object_get(w, "needs_posthouse"));
    const json_t *list = json_object_get(w, "posthouses");
    json_int_t pid = json_integer_value(json_object_get(partner, "id"));
    h_lit(&b, "<section class=\"card launch-warning\" id=\"launch-warning\" role=\"note\" "
              "aria-labelledby=\"launch-warning-h\">\n<h2 id=\"launch-warning-h\">Target launch ");
    h_text(&b, s_of(w, "target_words"));
    h_lit(&b, " is before the earliest the standard path allows (");
    h_text(&b, s_of(w, "earliest_words"));
    h_lit(&b, ")");
    if (needs_ph)
        h_lit(&b, "; needs an onboarded posthouse");
    h_lit(&b, "</h2>\n<p>");
    h_text(&b, s_of(w, "advice"));
    h_lit(&b, "</p>\n");
    if (json_array_size(list)) {
        h_lit(&b, "<p>Onboarded posthouses that deliver ");
        if (staff)
            h_lit(&b, "the partner's");
        else
            h_lit(&b, "your");
        h_lit(&b, " formats:</p>\n<ul class=\"launch-posthouses\">\n");
        size_t i;
        const json_t *ph;
        json_array_foreach(list, i, ph) {
            h_lit(&b, "<li>");
            h_text(&b, s_of(ph, "name"));
            h_lit(&b, "</li>\n");
        }
        h_lit(&b, "</ul>\n");
    }
    /* what to do: a posthouse is a way only when one fits and the date allows it */
    bool via_ph = needs_ph && json_array_size(list) > 0;
    h_lit(&b, "<p>");
    if (staff && via_ph)
        h_lit(&b, "Agree the way forward with the partner: set its delivery agent to an "
                  "onboarded posthouse, or record a later launch date with it.");
    else if (staff)
        h_lit(&b, "Agree a later launch date with the partner.");
    else if (via_ph)
        h_lit(&b, "To go ahead, tell your contact at the service which you choose: an onboarded "
                  "posthouse delivering for you, or a later launch date.");
    else
        h_lit(&b, "To go ahead, agree a later launch date with your contact at the service.");
    h_lit(&b, " <a href=\"/plan?partner=");
    h_textf(&b, "%lld", (long long)pid);
    h_lit(&b, "&amp;target=");
    h_url(&b, s_of(w, "target"));
    h_lit(&b, "\">See the plan for this date</a> · <a href=\"/posthouses\">The posthouse "
              "directory</a></p>\n</section>\n");
    vm_set_html(vm, "launch_warning_html", safe_html_of(&b));
    buf_free(&b);
}
