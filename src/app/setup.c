/*
 * Account setup: see setup.h.
 *
 * The setup items are rows of the partner's checklist (pending or done,
 * who did it, what was provisioned); the stage rules (core/lifecycle.c)
 * read them back as facts. The transfer account is app/transfer.c's
 * credential: provisioning it issues a secret whose hash alone is stored
 * (the only copy is in the answer of that one call), and the item is done
 * exactly while the credential exists.
 */
#include "app/colleagues.h"
#include "app/setup.h"

#include <stdlib.h>
#include <string.h>

#include "app/invitations.h"
#include "app/lifecycle_steps.h"
#include "app/partners.h"
#include "app/questionnaire.h"
#include "app/scope.h"
#include "app/transfer.h"
#include "core/deadline.h"
#include "core/formats.h"
#include "core/training.h"

/* ---- the checklist ---- */

int setup_view(struct op *o, int64_t partner_id, json_t **out)
{
    *out = NULL;
    int rc = op_allow_partner(o, ACT_PARTNER_READ, partner_id, NULL);
    if (rc < 0)
        return rc;
    *out = partners_json_setup(o, partner_id); /* the same checklist the partner view has */
    return 0;
}

/* ---- the setup items ---- */

/* Provisions the alias value; *stored gets it. */
static int provision_alias(struct op *o, const struct partner *p, const char *value,
                           const char **stored)
{
    if (!value || !lifecycle_alias_ok(value))
        return op_refuse(o, OP_INVALID, "invalid",
                         "the partner alias must be 3 to 32 characters of a-z, 0-9 and _ "
                         "(got '%s')",
                         value ? value : "");
    int rc = store_partner_set_alias(o->db, p->id, value);
    if (rc == STORE_ERR_CONFLICT)
        return op_refuse(o, OP_CONFLICT, "alias_taken", "the partner alias '%s' is already taken",
                         value);
    if (rc < 0)
        return rc;
    /* the transfer account's username is the alias */
    if ((rc = store_transfer_rename(o->db, p->id, value)) < 0)
        return rc;
    *stored = value;
    return 0;
}

static int set_item(struct op *o, const struct partner *p, const char *name, bool done,
                    const char *value, json_t **secret)
{
    enum setup_item item = setup_item_parse(name);
    if (item == ITEM_N)
        return op_refuse(o, OP_NOT_FOUND, "not_found",
                         "no setup item '%s': use alias, transfer_account or portal_account", name);
    int rc = lifecycle_step_allowed(o, p, STEP_SETUP_ITEM);
    if (rc < 0)
        return rc;
    const char *stored = NULL;
    if (done && item == ITEM_ALIAS) {
        rc = provision_alias(o, p, value, &stored);
    } else if (item == ITEM_TRANSFER) {
        /* the credential and its item are one thing (app/transfer.c keeps the item in step) */
        bool had;
        rc = done ? transfer_provision(o, p, secret, &stored) : transfer_withdraw(o, p, &had);
    } else if (done) {
        json_t *vars = json_object();
        rc = invitation_send(o, p, value, "invitation", vars, &stored);
        if (rc == 0) /* the first portal account is its organisation's admin (colleagues.h) */
            rc = colleagues_first_admin(o, p, stored);
        json_decref(vars);
    }
    if (rc < 0)
        return rc;
    if ((rc = store_setup_set(o->db, p->id, setup_item_name(item), done ? "done" : "pending",
                              o->who.user_id, stored, o->now)) < 0)
        return rc;
    return lifecycle_event(o, p, NULL, "setup.item", NULL,
                           json_pack("{s:s, s:s, s:o}", "item", setup_item_name(item), "status",
                                     done ? "done" : "pending", "value",
                                     stored ? json_string(stored) : json_null()));
}

int setup_item_set(struct op *o, int64_t partner_id, const char *item, bool done, const char *value,
                   json_t **out)
{
    struct partner p;
    json_t *secret = NULL;
    *out = NULL;
    int rc = op_begin(o);
    if (rc == 0)
        rc = op_allow_partner(o, ACT_SETUP, partner_id, &p);
    if (rc == 0)
        rc = set_item(o, &p, item, done, value, &secret);
    if (rc == 0) {
        *out = partners_json_setup(o, p.id);
        if (secret)
            json_object_set(*out, "credentials", secret);
    }
    json_decref(secret);
    rc = op_end(o, rc);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* ---- the training plan and confirming setup ---- */

static int plan_training(struct op *o, const struct partner *p, json_t *modules)
{
    if (!modules)
        return op_invalid(o, "modules",
                          "'modules' is required: a list of technical_asset_review, "
                          "avails_review, phased_review");
    int rc = lifecycle_step_allowed(o, p, STEP_PLAN);
    if (rc < 0)
        return rc;
    if (!json_is_array(modules))
        return op_refuse(o, OP_INVALID, "invalid", "'modules' must be a list of training modules");
    struct training_facts facts;
    if ((rc = questionnaire_partner_training_facts(o, p, &facts)) < 0)
        return rc;
    const char *names[8];
    size_t n = 0;
    size_t i;
    json_t *m;
    json_array_foreach(modules, i, m) {
        if (!json_is_string(m) || n == 8)
            return op_refuse(o, OP_INVALID, "invalid",
                             "'modules' holds module names such as avails_review");
        names[n++] = json_string_value(m);
    }
    char *why = NULL;
    int trc = training_plan_check(names, n, &facts, &why);
    if (trc < 0) {
        op_refuse(o, OP_INVALID, "plan_not_allowed", "%s", why ? why : training_err_name(trc));
        free(why);
        return OP_REFUSED;
    }
    free(why);
    char *text = json_dumps(modules, JSON_COMPACT);
    rc = store_partner_set_plan(o->db, p->id, text, n == 0 && facts.already_onboarded);
    free(text);
    if (rc < 0)
        return rc;
    return lifecycle_event(o, p, NULL, "training.plan",
                           json_pack("{s:o}", "modules", json_loads(p->training_modules, 0, NULL)),
                           json_pack("{s:O}", "modules", modules));
}

int setup_plan_training(struct op *o, int64_t partner_id, json_t *modules)
{
    struct partner p;
    int rc = op_begin(o);
    if (rc == 0)
        rc = op_allow_partner(o, ACT_SETUP, partner_id, &p);
    if (rc == 0)
        rc = plan_training(o, &p, modules);
    return op_end(o, rc);
}

static int confirm(struct op *o, const struct partner *p)
{
    int rc = lifecycle_step_allowed(o, p, STEP_CONFIRM);
    if (rc < 0)
        return rc;
    struct lifecycle_facts f;
    if ((rc = lifecycle_load_facts(o, p, &f)) < 0)
        return rc;
    const char *subject = lifecycle_partner_subject(o, p->id);
    if ((rc = lifecycle_close_clocks(o, subject, deadline_name(DEADLINE_SETUP_10D), "met",
                                     "setup confirmed")) < 0)
        return rc;
    enum stage to = lifecycle_after_confirm(&f);
    if (!p->pim_id && o->who.role == ROLE_PIM &&
        (rc = store_partner_set_owner(o->db, p->id, "pim", o->who.user_id)) < 0)
        return rc;
    if ((rc = lifecycle_set_stage(o, p, to,
                                  to == STAGE_STEADY ? "training skipped: already onboarded"
                                                     : "setup confirmed")) < 0)
        return rc;
    int64_t id;
    if (to == STAGE_TRAINING)
        rc =
            lifecycle_start_clock(o, p, deadline_name(DEADLINE_TRAINING_30D), subject, o->now, &id);
    return rc;
}

int setup_confirm(struct op *o, int64_t partner_id)
{
    struct partner p;
    int rc = op_begin(o);
    if (rc == 0)
        rc = op_allow_partner(o, ACT_SETUP, partner_id, &p);
    if (rc == 0)
        rc = confirm(o, &p);
    return op_end(o, rc);
}

/* ---- owners ---- */

static int set_owners(struct op *o, const struct partner *p, json_t *owners)
{
    static const struct {
        const char *key;
        enum role role;
    } kinds[] = {{"cam", ROLE_CAM}, {"pim", ROLE_PIM}, {"pom", ROLE_POM}, {"plm", ROLE_PLM}};
    json_t *before = json_pack("{s:I, s:I, s:I, s:I}", "cam", (json_int_t)p->cam_id, "pim",
                               (json_int_t)p->pim_id, "pom", (json_int_t)p->pom_id, "plm",
                               (json_int_t)p->plm_id);
    json_t *after = json_object();
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof kinds / sizeof kinds[0]; i++) {
        json_t *v = json_object_get(owners, kinds[i].key);
        if (!v)
            continue;
        int64_t id = json_is_integer(v) ? json_integer_value(v) : 0;
        if (!json_is_null(v) &&
            (rc = lifecycle_user_with_role(o, id, kinds[i].role, kinds[i].key)) < 0)
            break;
        rc = store_partner_set_owner(o->db, p->id, kinds[i].key, id);
        json_object_set_new(after, kinds[i].key, id ? json_integer(id) : json_null());
    }
    if (rc < 0) {
        json_decref(before);
        json_decref(after);
        return rc;
    }
    return lifecycle_event(o, p, NULL, "partner.owners", before, after);
}

int setup_owners_set(struct op *o, int64_t partner_id, json_t *owners)
{
    struct partner p;
    int rc = op_begin(o);
    if (rc == 0)
        rc = op_allow_partner(o, ACT_OWNERS_SET, partner_id, &p);
    if (rc == 0)
        rc = set_owners(o, &p, owners);
    return op_end(o, rc);
}

/* ---- approved formats ---- */

/* "SD, HD, UHD, ...": the format vocabulary, for messages. */
static const char *format_names_text(struct op *o)
{
    size_t n;
    const struct format_def *all = formats_all(&n);
    struct buf b = {0};
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", all[i].name);
    char *s = arena_strdup(o->a, buf_str(&b));
    buf_free(&b);
    return s;
}

int setup_check_formats(struct op *o, json_t *formats, json_t **names)
{
    *names = NULL;
    if (!json_is_array(formats) || json_array_size(formats) == 0)
        return op_invalid(o, "approved_formats",
                          "'approved_formats' lists the formats the partner may deliver, e.g. "
                          "[\"HD\", \"SDR\", \"5.1\"]");
    size_t i;
    json_t *f;
    json_t *list = json_array();
    json_array_foreach(formats, i, f) {
        const struct format_def *def = json_is_string(f) ? format_find(json_string_value(f)) : NULL;
        if (!def) {
            json_decref(list);
            return op_invalid(o, "approved_formats", "'%s' is not a known format (known: %s)",
                              json_is_string(f) ? json_string_value(f) : "(not text)",
                              format_names_text(o));
        }
        json_array_append_new(list, json_string(def->name));
    }
    *names = list;
    return 0;
}

static int set_formats(struct op *o, const struct partner *p, json_t *formats)
{
    if (strcmp(p->stage, "steady_state"))
        return op_refuse(o, OP_CONFLICT, "illegal_transition",
                         "approved formats are recorded when training completes; this partner is "
                         "in stage %s",
                         p->stage);
    json_t *names;
    int rc = setup_check_formats(o, formats, &names);
    if (rc < 0)
        return rc;
    char *text = json_dumps(names, JSON_COMPACT);
    rc = store_partner_set_formats(o->db, p->id, text);
    free(text);
    if (rc < 0) {
        json_decref(names);
        return rc;
    }
    return lifecycle_event(
        o, p, NULL, "partner.approved_formats",
        json_pack("{s:o}", "approved_formats", json_loads(p->approved_formats, 0, NULL)),
        json_pack("{s:o}", "approved_formats", names));
}

int setup_formats_set(struct op *o, int64_t partner_id, json_t *formats)
{
    struct partner p;
    int rc = op_begin(o);
    if (rc == 0)
        rc = op_allow_partner(o, ACT_SETUP, partner_id, &p);
    if (rc == 0)
        rc = set_formats(o, &p, formats);
    return op_end(o, rc);
}
