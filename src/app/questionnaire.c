/*
 * The questionnaire: see questionnaire.h.
 *
 * Answers are stored as one JSON object per partner with the version of the
 * definition it was sent; every save merges, validates the whole and keeps
 * the cleaned result (core/questionnaire.c), so what is stored is always
 * valid for a partial save. Submitting validates again in the submit mode
 * (required answers), with the partner's local day for date questions and
 * the posthouse directory for the posthouse question.
 */
#include "app/questionnaire.h"

#include <stdlib.h>
#include <string.h>

#include "app/invitations.h"
#include "app/launch.h"
#include "app/lifecycle_steps.h"
#include "app/questionnaire_def.h"
#include "app/scope.h"
#include "core/deadline.h"
#include "core/questionnaire.h"
#include "core/zone.h"

/* ---- sending ---- */

static int send_to(struct op *o, const struct partner *p)
{
    int rc = lifecycle_step_allowed(o, p, STEP_SEND_QUESTIONNAIRE);
    if (rc < 0)
        return rc;
    const struct questionnaire_def *def = questionnaire_current();
    if (!def)
        return op_refuse(o, OP_FAILED, "no_questionnaire",
                         "no questionnaire is loaded on this server");
    struct answers_row row;
    rc = store_answers_get(o->db, o->a, p->id, &row);
    if (rc == STORE_ERR_NOT_FOUND) {
        memset(&row, 0, sizeof row);
        row.partner_id = p->id;
        row.version = (char *)def->version;
        row.answers = "{}";
        row.status = "draft";
        rc = STORE_OK;
    }
    if (rc < 0)
        return rc;
    row.sent_at = o->now;
    row.updated_at = o->now;
    if ((rc = store_answers_put(o->db, &row)) < 0)
        return rc;
    if (!strcmp(p->stage, "invited") &&
        (rc = lifecycle_set_stage(o, p, STAGE_QUESTIONNAIRE, NULL)) < 0)
        return rc;
    if (!p->cam_id && o->who.role == ROLE_CAM &&
        (rc = store_partner_set_owner(o->db, p->id, "cam", o->who.user_id)) < 0)
        return rc;
    json_t *vars = json_pack(
        "{s:s, s:s}", "link",
        arena_printf(o->a, "%s/partners/%lld/questionnaire", o->base_url, (long long)p->id),
        "version", row.version);
    const char *email;
    rc = invitation_send(o, p, NULL, "questionnaire_sent", vars, &email);
    json_decref(vars);
    if (rc < 0)
        return rc;
    return lifecycle_event(o, p, NULL, "questionnaire.send", NULL,
                           json_pack("{s:s, s:s}", "to", email, "version", row.version));
}

int questionnaire_send(struct op *o, int64_t partner_id)
{
    struct partner p;
    int rc = op_begin(o);
    if (rc == 0)
        rc = op_allow_partner(o, ACT_QUESTIONNAIRE_SEND, partner_id, &p);
    if (rc == 0)
        rc = send_to(o, &p);
    return op_end(o, rc);
}

/* ---- answering ---- */

/* True when id names an onboarded posthouse of the directory (validation's callback). */
static bool posthouse_listed(void *arg, int64_t id)
{
    struct op *o = arg;
    struct partner ph;
    return store_partner_get(o->db, o->a, id, &ph) == 0 && ph.posthouse &&
           !strcmp(ph.stage, "steady_state");
}

static void answers_context(struct op *o, const struct partner *p, struct qn_context *ctx)
{
    const struct zone *z;
    ctx->today = zone_open(p->time_zone, &z) == 0 ? zone_local_day(z, o->now) : QN_NO_DAY;
    ctx->posthouse_listed = posthouse_listed;
    ctx->arg = o;
}

/* Refuses a validation result (OP_INVALID): incomplete (missing keys) or invalid (the errors). */
static int refuse_answers(struct op *o, int qrc, struct qn_result *res)
{
    json_t *fields = json_array();
    size_t i;
    json_t *e;
    json_decref(o->err.extra);
    if (qrc == QN_ERR_INCOMPLETE) {
        json_array_extend(fields, res->missing);
        o->err.extra = json_pack("{s:o, s:O}", "fields", fields, "errors", res->errors);
        return op_refuse(o, OP_INVALID, "incomplete", "%zu required answer%s missing: %s",
                         json_array_size(res->missing),
                         json_array_size(res->missing) == 1 ? " is" : "s are",
                         "see 'fields' and 'errors'");
    }
    json_array_foreach(res->errors, i, e) {
        json_t *key = json_object_get(e, "key");
        if (json_is_string(key))
            json_array_append(fields, key);
    }
    json_t *first = json_array_get(res->errors, 0);
    o->err.extra = json_pack("{s:o, s:O}", "fields", fields, "errors", res->errors);
    return op_refuse(o, OP_INVALID, "invalid", "%s",
                     first ? json_string_value(json_object_get(first, "message"))
                           : "the answers are not valid");
}

/* The stored answers of a partner and their definition. */
static int load_answers(struct op *o, const struct partner *p, struct answers_row *row,
                        const struct questionnaire **q)
{
    int rc = store_answers_get(o->db, o->a, p->id, row);
    if (rc == STORE_ERR_NOT_FOUND)
        return op_refuse(o, OP_CONFLICT, "illegal_transition",
                         "the questionnaire has not been sent to this partner yet");
    if (rc < 0)
        return rc;
    *q = questionnaire_of_version(o->db, row->version);
    if (!*q)
        return op_refuse(o, OP_FAILED, "no_questionnaire",
                         "questionnaire version %s is not available", row->version);
    return 0;
}

int questionnaire_partner_training_facts(struct op *o, const struct partner *p,
                                         struct training_facts *facts)
{
    memset(facts, 0, sizeof *facts);
    struct answers_row row;
    int rc = store_answers_get(o->db, o->a, p->id, &row);
    if (rc == STORE_ERR_NOT_FOUND)
        return 0;
    if (rc < 0)
        return rc;
    json_t *answers = json_loads(row.answers, 0, NULL);
    questionnaire_training_facts(answers, facts);
    json_decref(answers);
    /* an onboarded agent set since (app/agent.h) counts as the answer would */
    struct partner ph;
    if (p->agent_id && store_partner_get(o->db, o->a, p->agent_id, &ph) == 0 && ph.posthouse &&
        !strcmp(ph.stage, "steady_state")) {
        facts->via_posthouse = true;
        facts->posthouse_onboarded = true;
    }
    return 0;
}

/*
 * The cam, and the pim when one is assigned, hear that setup starts and by
 * when it is due; while no pim is assigned the cam's copy says so, with the
 * link to assign one.
 */
static int tell_submitted(struct op *o, const struct partner *p, const json_t *modules,
                          bool skipped)
{
    struct buf plan = {0};
    size_t i;
    json_t *m;
    json_array_foreach(modules, i, m)
        buf_printf(&plan, "%s%s", i ? ", " : "", json_string_value(m));
    const char *due = lifecycle_due_words(
        o, p, lifecycle_open_clock_due(o, lifecycle_partner_subject(o, p->id),
                                       deadline_name(DEADLINE_SETUP_10D)));
    json_t *vars = json_pack("{s:s, s:s, s:[]}", "due", due, "modules",
                             skipped ? "none: the partner is already onboarded, training is skipped"
                             : plan.len ? buf_str(&plan)
                                        : "none chosen yet",
                             "assign_pim");
    buf_free(&plan);
    int rc = 0;
    if (p->pim_id)
        rc = lifecycle_send_user(o, p, p->pim_id, "questionnaire_submitted", vars);
    if (!p->pim_id)
        json_array_append_new(json_object_get(vars, "assign_pim"),
                              json_string(arena_printf(o->a, "%s/partners/%lld#owners",
                                                       o->base_url, (long long)p->id)));
    if (rc == 0 && p->cam_id != p->pim_id)
        rc = lifecycle_send_user(o, p, p->cam_id, "questionnaire_submitted", vars);
    json_decref(vars);
    return rc;
}

/* Submitted: setup begins, its 10-day clock starts, the answers drive the plan's defaults. */
static int begin_setup(struct op *o, const struct partner *p, const struct answers_row *row,
                       const json_t *clean)
{
    enum training_module mods[TRAINING_N_MODULES];
    size_t n = questionnaire_training_defaults(clean, mods);
    json_t *modules = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(modules, json_string(training_module_name(mods[i])));
    char *mtext = json_dumps(modules, JSON_COMPACT);
    struct training_facts facts;
    questionnaire_training_facts(clean, &facts);
    int rc = store_partner_set_plan(o->db, p->id, mtext, training_is_skipped(&facts));
    free(mtext);
    json_t *ph = json_object_get(clean, QN_KEY_POSTHOUSE_ID);
    const char *method = json_string_value(json_object_get(clean, QN_KEY_DELIVERY_METHOD));
    int64_t agent = 0;
    if (method && !strcmp(method, "posthouse") && ph)
        agent = json_is_integer(ph)  ? json_integer_value(ph)
                : json_is_string(ph) ? strtoll(json_string_value(ph), NULL, 10)
                                     : 0;
    if (rc == 0 && agent)
        rc = store_partner_set_agent(o->db, p->id, agent);
    for (int i = 0; rc == 0 && i < ITEM_N; i++)
        rc = store_setup_set(o->db, p->id, setup_item_name((enum setup_item)i), "pending", 0, NULL,
                             o->now);
    if (rc == 0)
        rc = lifecycle_set_stage(o, p, STAGE_SETUP, "questionnaire submitted");
    int64_t clock;
    if (rc == 0)
        rc = lifecycle_start_clock(o, p, deadline_name(DEADLINE_SETUP_10D),
                                   lifecycle_partner_subject(o, p->id), o->now, &clock);
    if (rc == 0)
        rc = tell_submitted(o, p, modules, training_is_skipped(&facts));
    if (rc < 0) {
        json_decref(modules);
        return rc;
    }
    return lifecycle_event(o, p, NULL, "questionnaire.submit", NULL,
                           json_pack("{s:s, s:o, s:b, s:o}", "version", row->version, "modules",
                                     modules, "training_skipped", training_is_skipped(&facts),
                                     "agent", agent ? json_integer(agent) : json_null()));
}

/*
 * Saves (patch merged into the stored answers) or submits the stored answers;
 * a submit sets *warnings (when not NULL) to its warnings (launch.h).
 */
static int answer(struct op *o, const struct partner *p, json_t *patch, bool submit,
                  json_t **warnings)
{
    int rc = lifecycle_step_allowed(o, p, submit ? STEP_SUBMIT : STEP_ANSWER);
    if (rc < 0)
        return rc;
    struct answers_row row;
    const struct questionnaire *q;
    if ((rc = load_answers(o, p, &row, &q)) < 0)
        return rc;
    json_t *stored = json_loads(row.answers, 0, NULL);
    json_t *answers = submit ? json_incref(stored) : questionnaire_merge(stored, patch);
    json_decref(stored);
    struct qn_context ctx;
    answers_context(o, p, &ctx);
    struct qn_result res = {0};
    int qrc = questionnaire_validate(q, answers, submit ? QN_SUBMIT : QN_PARTIAL, &ctx, &res);
    json_decref(answers);
    if (qrc != QN_OK) {
        rc = refuse_answers(o, qrc, &res);
        qn_result_free(&res);
        return rc;
    }
    char *text = json_dumps(res.clean, JSON_COMPACT | JSON_SORT_KEYS);
    row.answers = arena_strdup(o->a, text);
    free(text);
    row.updated_at = o->now;
    if (submit) {
        row.status = "submitted";
        row.submitted_at = o->now;
        row.submitted_by = o->who.user_id;
    }
    rc = store_answers_put(o->db, &row);
    if (rc == 0)
        rc = submit ? begin_setup(o, p, &row, res.clean)
                    : lifecycle_event(o, p, NULL, "questionnaire.save", NULL, NULL);
    qn_result_free(&res);
    if (rc == 0 && submit) {
        /* the target launch date against the plan, with the partner as setup left it */
        struct partner now;
        json_t *w = NULL;
        rc = store_partner_get(o->db, o->a, p->id, &now);
        if (rc == 0)
            rc = launch_check_submitted(o, &now, &w);
        if (rc == 0 && warnings)
            *warnings = w;
        else
            json_decref(w);
    }
    return rc;
}

/* The view of questionnaire_view, read in the caller's operation. */
static int view_of(struct op *o, const struct partner *p, json_t **out)
{
    struct answers_row row;
    int rc = store_answers_get(o->db, o->a, p->id, &row);
    if (rc == STORE_ERR_NOT_FOUND)
        return op_refuse(o, OP_NOT_FOUND, "not_sent",
                         "the questionnaire has not been sent to this partner yet (stage %s)",
                         p->stage);
    if (rc < 0)
        return op_failed(o, rc);
    const struct questionnaire *q = questionnaire_of_version(o->db, row.version);
    if (!q)
        return op_refuse(o, OP_FAILED, "no_questionnaire",
                         "questionnaire version %s is not available", row.version);
    json_t *answers = json_loads(row.answers, 0, NULL);
    json_t *visible = json_array();
    size_t n = questionnaire_count(q);
    bool *shown = arena_alloc(o->a, (n ? n : 1) * sizeof *shown);
    questionnaire_visible_all(q, answers, shown);
    for (size_t i = 0; i < n; i++)
        if (shown[i])
            json_array_append_new(visible, json_string(questionnaire_at(q, i)->key));
    *out = json_pack(
        "{s:s, s:s, s:O, s:o, s:o, s:o, s:o, s:o}", "version", row.version, "status", row.status,
        "definition", questionnaire_document(q), "answers", answers ? answers : json_object(),
        "visible", visible, "sent_at", app_json_time(row.sent_at), "updated_at",
        app_json_time(row.updated_at), "submitted_at", app_json_time(row.submitted_at));
    return 0;
}

int questionnaire_save(struct op *o, int64_t partner_id, json_t *answers, json_t **view)
{
    struct partner p;
    if (view)
        *view = NULL;
    int rc = op_begin(o);
    if (rc == 0)
        rc = op_allow_partner(o, ACT_QUESTIONNAIRE_ANSWER, partner_id, &p);
    if (rc == 0 && !json_is_object(answers))
        rc = op_invalid(o, "answers", "send {\"answers\": {\"key\": value, ...}}");
    if (rc == 0)
        rc = answer(o, &p, answers, false, NULL);
    if (rc == 0 && view)
        rc = view_of(o, &p, view);
    rc = op_end(o, rc);
    if (rc < 0 && view) {
        json_decref(*view);
        *view = NULL;
    }
    return rc;
}

int questionnaire_submit(struct op *o, int64_t partner_id, json_t **warnings)
{
    struct partner p;
    if (warnings)
        *warnings = NULL;
    int rc = op_begin(o);
    if (rc == 0)
        rc = op_allow_partner(o, ACT_QUESTIONNAIRE_SUBMIT, partner_id, &p);
    if (rc == 0)
        rc = answer(o, &p, NULL, true, warnings);
    rc = op_end(o, rc);
    if (rc < 0 && warnings) {
        json_decref(*warnings);
        *warnings = NULL;
    }
    return rc;
}

int questionnaire_view(struct op *o, int64_t partner_id, json_t **out)
{
    struct partner p;
    *out = NULL;
    int rc = op_allow_partner(o, ACT_QUESTIONNAIRE_READ, partner_id, &p);
    return rc < 0 ? rc : view_of(o, &p, out);
}
