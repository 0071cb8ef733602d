/*
 * The decision panel: see decision_panel.h.
 *
 * Everything shown comes from the partner's full view (app/partners.c: its
 * "decision" and "delivery_agent", written by app/training.c and
 * app/agent.c) and the posthouse directory (app/posthouses.h); the forms
 * are offered only to roles the routes' policy admits (the decision to
 * ACT_TRAINING_DECIDE while one is pending, the agent to ACT_AGENT_SET
 * after the questionnaire), so the panel never offers what the API would
 * refuse. The partner's choice among proposed posthouses is the same form
 * as the pim's agent setting, narrowed to the posthouses that fit.
 */
#include "web/decision_panel.h"

#include <stdlib.h>
#include <string.h>

#include "app/agent.h"
#include "app/op.h"
#include "app/posthouses.h"
#include "app/training.h"
#include "base/timefmt.h"
#include "core/lifecycle.h"
#include "core/policy.h"
#include "web/web.h"

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static bool may(struct req *r, enum action a)
{
    return r->signed_in && policy_role_may(&r->who, a) == POLICY_ALLOW;
}

/* "HD, UHD, Stereo" of a posthouse's approved formats (request arena). */
static const char *formats_text(struct req *r, const json_t *ph)
{
    struct buf b = {0};
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(ph, "approved_formats"), i, f) {
        if (json_is_string(f))
            buf_printf(&b, "%s%s", b.len ? ", " : "", json_string_value(f));
    }
    const char *s = arena_strdup(&r->arena, b.len ? buf_str(&b) : "none recorded");
    buf_free(&b);
    return s;
}

/* text with its first letter in capitals, for a line of its own (request arena). */
static const char *sentence(struct req *r, const char *text)
{
    char *s = arena_strdup(&r->arena, text);
    if (*s >= 'a' && *s <= 'z')
        *s = (char)(*s - 'a' + 'A');
    return s;
}

/*
 * What was decided, for the template: {label, note?, at, by, what_now,
 * your_move, ...}. is_propose (the partner still has a posthouse to
 * choose) is false once it has a delivery agent.
 */
static json_t *decision_vm(struct req *r, const json_t *d, const char *zone, bool org,
                           bool has_agent)
{
    const char *action = jstr(d, "action");
    int64_t at = 0;
    time_parse_rfc3339(jstr(d, "at"), &at);
    char iso[21];
    time_format_rfc3339(at, iso);
    const json_t *by = json_object_get(d, "by");
    const char *by_text =
        json_is_object(by)
            ? (*jstr(by, "name") && strcmp(jstr(by, "name"), jstr(by, "email"))
                   ? arena_printf(&r->arena, "%s (%s)", jstr(by, "name"), jstr(by, "email"))
                   : jstr(by, "email"))
            : "the Partner Integrations Manager";
    /* the partner reads "you"; staff read what the partner was told */
    json_t *v = json_pack(
        "{s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b}", "action", action,
        "label", sentence(r, jstr(d, "label")), "at", "iso", iso, "text", web_time(r, at, zone),
        "by", by_text, "what_now", sentence(r, jstr(d, "what_now")), "your_move",
        sentence(r, jstr(d, "your_move")), "org", org, "is_stop", !strcmp(action, "stop"),
        "is_escalate", !strcmp(action, "escalate"), "is_propose",
        !strcmp(action, "propose_posthouse") && !has_agent, "is_continue", !strcmp(action, "continue"));
    if (json_is_string(json_object_get(d, "note")) && *jstr(d, "note"))
        json_object_set_new(v, "note", json_string(jstr(d, "note")));
    /* the posthouses proposed: [{name, formats}] */
    json_t *fit = json_array();
    size_t i;
    const json_t *ph;
    json_array_foreach(json_object_get(d, "posthouses"), i, ph) {
        json_array_append_new(
            fit, json_pack("{s:s, s:s}", "name", jstr(ph, "name"), "formats", formats_text(r, ph)));
    }
    json_object_set_new(v, "posthouses", fit);
    const json_t *next = json_object_get(d, "next_owner");
    if (json_is_object(next))
        json_object_set_new(v, "next_owner", json_pack("{s:s}", "cam", jstr(next, "cam")));
    return v;
}

/* The pim's form: the four decisions, each with what it does. */
static json_t *decide_form(void)
{
    static const struct {
        const char *value, *label, *help;
    } opts[] = {
        {"continue", "Continue the training",
         "The warning count restarts at zero. The partner is told, with your note."},
        {"propose_posthouse", "Propose a posthouse",
         "The partner is sent the onboarded posthouses that deliver its formats and chooses one "
         "on its partner page (or you record its choice below)."},
        {"escalate", "Escalate to the commercial team",
         "Stage escalated. The commercial team and the cam get your note and own the next step."},
        {"stop", "Stop the training",
         "Stage stopped: every open clock of the training ends. You can resume it later."},
    };
    json_t *list = json_array();
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        json_array_append_new(list,
                              json_pack("{s:s, s:s, s:s, s:b}", "value", opts[i].value, "label",
                                        opts[i].label, "help", opts[i].help, "first", i == 0));
    return json_pack("{s:o}", "options", list);
}

/* The agent form: the posthouses offered ([{id, name, formats, selected}]) and "none". */
static json_t *agent_form(struct req *r, const json_t *offered, int64_t current, bool proposal,
                          bool org)
{
    json_t *list = json_array();
    size_t i;
    const json_t *ph;
    json_array_foreach(offered, i, ph) {
        int64_t id = json_integer_value(json_object_get(ph, "id"));
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "id",
                                              arena_printf(&r->arena, "%lld", (long long)id),
                                              "name", jstr(ph, "name"), "formats",
                                              formats_text(r, ph), "selected", id == current));
    }
    return json_pack(
        "{s:o, s:b, s:b, s:b, s:s}", "options", list, "any", json_array_size(offered) > 0,
        "none_selected", current == 0, "proposal", proposal, "button",
        proposal ? (org ? "Deliver through this posthouse" : "Record the partner's choice")
                 : "Set the delivery agent");
}

void decision_panel_vm(struct req *r, const json_t *partner, json_t *vm, bool on_dashboard)
{
    const char *zone = *jstr(partner, "time_zone") ? jstr(partner, "time_zone") : "UTC";
    int64_t pid = json_integer_value(json_object_get(partner, "id"));
    enum stage st = stage_parse(jstr(partner, "stage"));
    bool org = role_is_org(r->who.role);
    bool pending = json_is_true(json_object_get(partner, "decision_pending"));
    const json_t *d = json_object_get(partner, "decision");
    const json_t *agent = json_object_get(partner, "delivery_agent");
    json_t *panel =
        json_pack("{s:s, s:s, s:s, s:b, s:b, s:b}", "csrf", r->csrf ? r->csrf : "", "pid",
                  arena_printf(&r->arena, "%lld", (long long)pid), "partner_href",
                  arena_printf(&r->arena, "/partners/%lld", (long long)pid), "on_dashboard",
                  on_dashboard, "org", org, "pending", pending);
    bool show = false;
    if (json_is_object(d)) {
        json_object_set_new(panel, "decision", decision_vm(r, d, zone, org, json_is_object(agent)));
        show = true;
    }
    if (pending && !on_dashboard && may(r, ACT_TRAINING_DECIDE) &&
        (st == STAGE_TRAINING || st == STAGE_ESCALATED)) {
        json_object_set_new(panel, "decide", decide_form());
        show = true;
    } else if (pending) {
        show = true; /* the partner reads that a decision is being made */
    }
    if (json_is_object(agent))
        json_object_set_new(panel, "agent",
                            json_pack("{s:s, s:b}", "name", jstr(agent, "name"), "onboarded",
                                      json_is_true(json_object_get(agent, "onboarded"))));
    bool agent_stage = st != STAGE_INVITED && st != STAGE_QUESTIONNAIRE && st < STAGE_N;
    if (!on_dashboard && agent_stage && may(r, ACT_AGENT_SET) &&
        !json_is_true(json_object_get(partner, "posthouse"))) {
        const json_t *fit = json_is_object(d) ? json_object_get(d, "posthouses") : NULL;
        bool proposal = json_is_array(fit);
        json_t *offered = proposal ? json_incref((json_t *)fit) : web_posthouses(r);
        int64_t current = json_integer_value(json_object_get(agent, "id"));
        /* the partner is offered the switch when it was proposed, or when it has an agent */
        if (!org || proposal || current) {
            json_object_set_new(panel, "agent_form",
                                agent_form(r, offered, current, proposal, org));
            show = true;
        }
        json_decref(offered);
    }
    if (json_is_object(agent) && st != STAGE_STEADY)
        show = true;
    json_object_set_new(panel, "show", json_boolean(show));
    json_object_set_new(vm, "decision_panel", panel);
}

bool decision_panel_post(struct req *r, struct op *o, int64_t pid, const char *act,
                         const char *back)
{
    if (strcmp(act, "agent"))
        return false;
    const char *s = page_field(r, "posthouse");
    char *end = NULL;
    long long ph = s && *s ? strtoll(s, &end, 10) : 0;
    if (s && *s && (*end || ph <= 0)) {
        page_redirect(r, back, "error", "Choose a posthouse from the list, or none.");
        return true;
    }
    page_op_redirect(r, o, agent_set(o, pid, ph), back,
                     ph ? "Delivery agent set: the posthouse may now deliver for the partner."
                        : "Delivery agent removed: the partner delivers by itself.");
    return true;
}
