/*
 * The launch timeline and the alternate-solution cases on the portal: see
 * timelines.h. Times come in words from the application floor
 * (due_words, acknowledge_due_words: the partner's zone, named), so the
 * page reads them as the messages do; the machine-readable instant rides
 * along in a <time datetime>.
 */
#include "web/timelines.h"

#include <stdlib.h>
#include <string.h>

#include "app/alternates.h"
#include "app/milestones.h"
#include "app/op.h"
#include "app/training.h"
#include "core/policy.h"
#include "web/web.h"

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static json_int_t num(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

static bool may(struct req *r, enum action a)
{
    return r->signed_in && policy_role_may(&r->who, a) == POLICY_ALLOW;
}

/* A list under key of a read (rc its result, ans stolen); [] when refused. */
static json_t *list_of(struct op *o, int rc, json_t *ans, const char *key)
{
    json_t *list = rc == 0 ? json_object_get(ans, key) : NULL;
    list = json_is_array(list) ? json_incref(list) : json_array();
    json_decref(ans);
    op_free(o);
    return list;
}

static const char *milestone_badge(const char *state)
{
    return !strcmp(state, "met") ? "ok" : !strcmp(state, "missed") ? "bad" : "";
}

/* {milestones: [...], any, channels, can_met, n_open}: the launch timeline. */
static json_t *launch_vm(struct req *r, int64_t pid, bool channels)
{
    struct op o;
    json_t *ans = NULL;
    req_op_init(r, &o);
    int rc = milestones_list(&o, pid, &ans);
    json_t *list = list_of(&o, rc, ans, "milestones");
    bool can_met = may(r, ACT_MILESTONE_SET);
    json_t *rows = json_array();
    size_t i;
    json_t *m;
    int n_open = 0;
    json_array_foreach(list, i, m) {
        const char *state = str(m, "state");
        bool open = !strcmp(state, "open");
        n_open += open;
        json_array_append_new(
            rows, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "id", num(m, "id"), "name",
                            str(m, "name"), "due_words", str(m, "due_words"), "iso",
                            str(m, "due_at"), "state", state, "badge", milestone_badge(state),
                            "can_met", can_met && open));
    }
    json_decref(list);
    size_t n = json_array_size(rows);
    return json_pack("{s:o, s:b, s:b, s:b, s:i}", "milestones", rows, "any", n > 0, "channels",
                     channels, "can_met", can_met, "n_open", n_open);
}

static const char *case_badge(const char *state)
{
    return !strcmp(state, "resolved") ? "ok" : !strcmp(state, "acknowledged") ? "" : "warn";
}

/* {items: [...], any, can_ask, open}: the alternate-solution cases. */
static json_t *cases_vm(struct req *r, int64_t pid, bool can_ask)
{
    struct op o;
    json_t *ans = NULL;
    req_op_init(r, &o);
    int rc = alternates_list(&o, pid, &ans);
    json_t *list = list_of(&o, rc, ans, "alternate_solutions");
    bool answer = may(r, ACT_ALTERNATE_ANSWER);
    json_t *rows = json_array();
    size_t i;
    json_t *c;
    int n_open = 0;
    json_array_foreach(list, i, c) {
        const char *state = str(c, "state");
        const json_t *clock = json_object_get(c, "acknowledge_clock");
        bool late = json_is_object(clock) && !strcmp(str(clock, "state"), "breached");
        bool resolved = !strcmp(state, "resolved");
        n_open += !resolved;
        json_t *row = json_pack(
            "{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "id", num(c, "id"), "reason",
            str(c, "reason"), "state", state, "badge", case_badge(state), "requested",
            str(c, "requested_words"), "requested_by",
            str(c, "requested_by"), "late", late && !strcmp(state, "open"), "can_ack",
            answer && !strcmp(state, "open"), "can_resolve", answer && !resolved);
        if (!strcmp(state, "open") && *str(c, "acknowledge_due_words"))
            json_object_set_new(row, "ack_due", json_string(str(c, "acknowledge_due_words")));
        const json_t *by = json_object_get(c, "acknowledged_by");
        if (json_is_object(by))
            json_object_set_new(
                row, "acknowledged",
                json_pack("{s:s, s:s}", "by", str(by, "name"), "at",
                          str(c, "acknowledged_words")));
        if (*str(c, "note"))
            json_object_set_new(row, "note", json_string(str(c, "note")));
        if (resolved) {
            by = json_object_get(c, "resolved_by");
            json_object_set_new(
                row, "resolved",
                json_pack("{s:s, s:s, s:s}", "by", json_is_object(by) ? str(by, "name") : "",
                          "at", str(c, "resolved_words"),
                          "outcome", str(c, "outcome")));
        }
        json_array_append_new(rows, row);
    }
    json_decref(list);
    return json_pack("{s:o, s:b, s:b, s:i, s:b}", "items", rows, "any",
                     json_array_size(rows) > 0, "can_ask", can_ask, "open", n_open, "staff",
                     !role_is_org(r->who.role));
}

void timelines_partner_vm(struct req *r, json_t *vm, const json_t *partner)
{
    int64_t pid = num(partner, "id");
    bool channels = json_is_true(json_object_get(partner, "channels"));
    json_t *launch = launch_vm(r, pid, channels);
    /* the section shows for a Channels partner, or any partner with milestones */
    if (channels || json_is_true(json_object_get(launch, "any")))
        json_object_set_new(vm, "launch", launch);
    else
        json_decref(launch);
    bool can_ask = may(r, ACT_ALTERNATE) && strcmp(str(partner, "stage"), "invited");
    json_object_set_new(vm, "cases", cases_vm(r, pid, can_ask));
}

/* A positive id typed in a form field; 0 when it is not one. */
static int64_t field_id(struct req *r, const char *name)
{
    const char *s = page_field(r, name);
    char *end;
    long long v = s && *s ? strtoll(s, &end, 10) : 0;
    return s && *s && !*end && v > 0 ? v : 0;
}

static const char *field(struct req *r, const char *name)
{
    const char *v = page_field(r, name);
    return v ? v : "";
}

bool timelines_partner_post(struct req *r, const char *act, int64_t partner_id, const char *back)
{
    struct op o;
    json_t *out = NULL;
    int rc;
    const char *ok;
    const char *cases = arena_printf(&r->arena, "%s#cases", back);
    req_op_init(r, &o);
    if (!strcmp(act, "milestone_met")) {
        rc = milestones_met(&o, field_id(r, "milestone"), &out);
        ok = "Milestone marked met.";
        back = arena_printf(&r->arena, "%s#launch", back);
    } else if (!strcmp(act, "alternate_ask")) {
        rc = training_alternate_solution(&o, partner_id, field(r, "reason"), &out);
        ok = "Your request for an alternate solution is sent to your account managers: they "
             "acknowledge it within 3 working days.";
        back = cases;
    } else if (!strcmp(act, "alternate_ack")) {
        const char *note = field(r, "note");
        rc = alternates_acknowledge(&o, field_id(r, "case"), *note ? note : NULL, &out);
        ok = "Acknowledged: the partner is told.";
        back = cases;
    } else if (!strcmp(act, "alternate_resolve")) {
        rc = alternates_resolve(&o, field_id(r, "case"), field(r, "outcome"), &out);
        ok = "Resolved: the partner is told the outcome.";
        back = cases;
    } else {
        op_free(&o);
        return false;
    }
    json_decref(out);
    page_op_redirect(r, &o, rc, back, ok);
    return true;
}

void timelines_dashboard_vm(struct req *r, json_t *block, int64_t partner_id)
{
    json_object_set_new(
        block, "partner_href",
        json_string(arena_printf(&r->arena, "/partners/%lld", (long long)partner_id)));
    json_t *launch = launch_vm(r, partner_id, false);
    if (json_is_true(json_object_get(launch, "any")))
        json_object_set_new(block, "launch", launch);
    else
        json_decref(launch);
    json_t *cases = cases_vm(r, partner_id, may(r, ACT_ALTERNATE));
    json_object_set_new(block, "cases", cases);
}
