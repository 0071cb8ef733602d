/*
 * `vodgate demo`: seeds an installation with six weeks of believable work,
 * so that a newcomer signs in to a living system: staff of every role,
 * partners in every stage of the lifecycle (one with a breached clock and a
 * warning, one whose clocks are paused, one whose pim owes an escalation
 * decision, one that asked for an alternate solution, one stopped, one
 * escalated), posthouses in the directory, and deliveries that passed and
 * failed validation.
 *
 * The demo is a story told on the program's clock (base/now.h). It switches
 * this process to a test clock six weeks in the past and replays, in time
 * order, the beats of the table below: what a cam, a pim, a pom and the
 * partners' people would have done. Every beat goes through the operations
 * the API handlers call (src/app/: questionnaire.c, setup.c, training.c,
 * requests.c, deliveries.c; the tus ingest of ingest/upload.c), as the
 * beat's actor and in one transaction per beat, and before each beat the
 * clock sweep runs up to its instant, so breaches, warnings and escalations
 * happen when they would have, with their audit events and messages.
 * Partners' people join through the invitation the questionnaire mail
 * carries. Delivered files are made here (small EMA Avails XML
 * documents, one correct, one with errors) and validated in this process
 * (deliv_run_ready), so every result exists before `serve` starts. The story
 * ends at the real present with a last sweep.
 *
 * Breaches depend on working days, hence on the weekday the demo runs:
 * beats are placed so that the outcome holds whatever that weekday is (a
 * response clock breaches 3 to 6 days after its start, and the next one of
 * the ladder 4 to 6 days after that).
 *
 * Every demo user has one generated password, printed with the sign-ins.
 * The demo refuses to run twice: its users' addresses are its mark.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "app/deliveries.h"
#include "base/now.h"
#include "base/secret.h"
#include "base/timefmt.h"
#include "cli/cli.h"
#include "core/formats.h"
#include "core/questionnaire.h"
#include "ingest/upload.h"
#include "jobs/deliveries.h"
#include "jobs/mail.h"
#include "app/invitations.h"
#include "app/lifecycle_steps.h"
#include "app/partners.h"
#include "app/questionnaire.h"
#include "app/users.h"
#include "app/questionnaire_def.h"
#include "app/requests.h"
#include "app/setup.h"
#include "app/training.h"
#include "app/warnings.h"
#include "app/alternates.h"
#include "app/milestones.h"
#include "app/titles.h"
#include "check/finding.h"
#include "core/title.h"
#include "store/title_store.h"
#include "jobs/sweep.h"
#include "store/delivery_store.h"
#include "store/lifecycle_store.h"
#include "store/mail_store.h"
#include "store/store.h"

#define DEMO_DOMAIN "demo.vodgate.local"
#define DAY         86400
/* The time validation takes after a receipt (the results land a little later). */
#define VALIDATION_DELAY 240

static const char demo_help[] =
    "usage: vodgate demo [--data DIR] [--database URL]\n"
    "\n"
    "Seeds the installation with demo data: staff of every role, partners in every\n"
    "stage of onboarding (with clocks running, breached and paused, warnings, an\n"
    "escalation decision and an alternate-solution request waiting), posthouses, and\n"
    "deliveries that passed and failed validation, and a steady-state partner's\n"
    "catalogue of titles in every state (waiting for assets, ready with its publish\n"
    "clock running, published on time and late), as six weeks of work would have\n"
    "left them. Every step goes through the same functions as the API, so the audit\n"
    "log, the clocks and the outbox are real; validation runs here, before the\n"
    "command returns. Prints the sign-ins: every demo user has the one generated\n"
    "password printed with them. Refuses (exit 1) when the demo data is already there.\n"
    "\n"
    "Options (environment variable in brackets):\n"
    "  --data DIR       database file and uploads [VODGATE_DATA] (./var)\n"
    "  --database URL   postgresql://... instead of the embedded SQLite\n"
    "                   [VODGATE_DATABASE]\n"
    "Read as `serve` reads them: VODGATE_QUESTIONNAIRE, VODGATE_TEMPLATES,\n"
    "VODGATE_MAIL_FROM, VODGATE_PUBLIC_URL, VODGATE_LISTEN (for links in messages),\n"
    "VODGATE_MDDF_SCHEMAS and VODGATE_RATINGS (for validation).\n";

/* ---- the cast ---- */

static const struct {
    enum role role;
    const char *name;
} staff_defs[] = {
    {ROLE_ADMIN, "Ada Laurent"}, {ROLE_CAM, "Carla Mendes"}, {ROLE_PIM, "Priya Iyer"},
    {ROLE_POM, "Oskar Molnar"},  {ROLE_PLM, "Lena Park"},    {ROLE_COMMERCIAL, "Marc Dubois"},
};
#define N_STAFF (sizeof staff_defs / sizeof staff_defs[0])

/* The organisations, posthouses first: a partner names its posthouse once it is onboarded. */
enum org {
    KEYSTONE,
    LUMEN,
    AURORA,
    BLUEFIN,
    COBALT,
    DELTA,
    EMBER,
    FJORD,
    GALLEON,
    HARBOUR,
    IRIS,
    JUNIPER,
    N_ORGS
};

struct org_def {
    const char *name;
    const char *slug; /* its user is slug@DEMO_DOMAIN; its alias is slug */
    const char *zone;
    const char *country; /* of registration, and its first territory */
    const char *language;
    bool channels;
    bool posthouse;
    bool onboarded;   /* already onboarded elsewhere: training is skipped */
    int agent;        /* the posthouse it delivers through, or -1 */
    bool experienced; /* has delivered avails and asset packages before */
};

static const struct org_def orgs[N_ORGS] = {
    [KEYSTONE] = {"Keystone Post", "keystone", "Europe/London", "GB", "en", false, true, true, -1,
                  true},
    [LUMEN] = {"Lumen Post", "lumen", "America/Los_Angeles", "US", "en", false, true, true, -1,
               true},
    [AURORA] = {"Aurora Studios", "aurora", "Europe/Paris", "FR", "fr", false, false, false, -1,
                true},
    [BLUEFIN] = {"Bluefin Media", "bluefin", "Asia/Singapore", "SG", "en", false, false, false, -1,
                 true},
    [COBALT] = {"Cobalt Pictures", "cobalt", "Europe/London", "GB", "en", false, false, false,
                KEYSTONE, false},
    [DELTA] = {"Delta Channels", "delta", "America/New_York", "US", "en", true, false, false, -1,
               true},
    [EMBER] = {"Ember Films", "ember", "Europe/London", "GB", "en", false, false, false, -1, false},
    [FJORD] = {"Fjord Entertainment", "fjord", "Europe/Oslo", "NO", "nb", false, false, false, -1,
               true},
    [GALLEON] = {"Galleon Distribution", "galleon", "Australia/Sydney", "AU", "en", false, false,
                 false, -1, true},
    [HARBOUR] = {"Harbour Lights Media", "harbour", "Europe/Dublin", "IE", "en", false, false,
                 false, -1, false},
    [IRIS] = {"Iris Broadcast", "iris", "America/Toronto", "CA", "en", false, false, false, -1,
              true},
    [JUNIPER] = {"Juniper Studios", "juniper", "Europe/London", "GB", "en", false, false, false, -1,
                 true},
};

/* ---- the story ---- */

enum act {
    A_INVITE,       /* cam: creates the partner */
    A_SEND,         /* cam: sends the questionnaire; the contact accepts the invitation */
    A_SAVE,         /* partner: saves part of the answers */
    A_SUBMIT,       /* partner: answers everything and submits */
    A_PROVISION,    /* pim: alias, transfer account and portal account */
    A_PROVISION2,   /* pim: alias and transfer account only (the portal account waits) */
    A_PLAN,         /* pim: picks the modules of arg ("a,b") */
    A_CONFIRM,      /* pim: confirms setup (training, or steady state when skipped) */
    A_OWNERS,       /* admin: names the pom and/or plm (arg "pom", "plm", "pom,plm") */
    A_FORMATS,      /* pim: approved formats (arg, JSON) of a partner that skipped training */
    A_REQUEST,      /* pim (pom in steady state): an avails request titled arg */
    A_DELIVER_GOOD, /* partner: uploads and delivers correct avails against its last request */
    A_DELIVER_BAD,  /* partner: the same, with errors */
    A_DELIVER_SELF, /* partner in steady state: correct avails, self-serve */
    A_REPLY,        /* partner: a message (arg) on its last request */
    A_PAUSE,        /* pim: pauses the last request's clocks, with a message (arg) */
    A_DECIDE,       /* pim: the escalation decision arg, with note */
    A_ALTERNATE,    /* partner: asks for an alternate solution (arg) */
    A_COMPLETE,     /* pim: completes training with the formats arg (JSON), hands over to the pom */
    A_CATALOGUE,    /* partner in steady state: avails of the catalogue's titles, against its
                     * last request */
    A_PACKAGE,      /* partner: the asset package of catalogue title arg (note "no-fr": no
                     * French audio) passes */
    A_PUBLISH,      /* pom: the service publishes catalogue title arg in every ready territory */
};

/* For messages: "Ember Films could not be issued a request: ..." */
static const char *const act_names[] = {
    [A_INVITE] = "be invited",
    [A_SEND] = "be sent the questionnaire",
    [A_SAVE] = "save answers",
    [A_SUBMIT] = "submit the questionnaire",
    [A_PROVISION] = "be provisioned",
    [A_PROVISION2] = "be provisioned",
    [A_PLAN] = "have its training planned",
    [A_CONFIRM] = "have its setup confirmed",
    [A_OWNERS] = "have its owners set",
    [A_FORMATS] = "have its approved formats recorded",
    [A_REQUEST] = "be issued a request",
    [A_DELIVER_GOOD] = "deliver",
    [A_DELIVER_BAD] = "deliver",
    [A_DELIVER_SELF] = "deliver",
    [A_REPLY] = "reply",
    [A_PAUSE] = "have its clocks paused",
    [A_DECIDE] = "have its training decided",
    [A_ALTERNATE] = "ask for an alternate solution",
    [A_COMPLETE] = "complete training",
    [A_CATALOGUE] = "deliver its catalogue",
    [A_PACKAGE] = "deliver an asset package",
    [A_PUBLISH] = "have a title published",
};

struct beat {
    double day; /* when: days from now (negative) */
    enum org org;
    enum act act;
    const char *arg;
    const char *note;
};

#define POSTHOUSE_FORMATS                                                                          \
    "[\"HD\", \"UHD\", \"SDR\", \"HDR10\", \"Stereo\", \"5.1\", \"TTML\", \"SCC\"]"

/* Grouped by partner; played in time order (ties in the order of the table). */
static const struct beat story[] = {
    /* Two posthouses join the directory: already onboarded, no training. */
    {-42.0, KEYSTONE, A_INVITE, NULL, NULL},
    {-42.0, KEYSTONE, A_SEND, NULL, NULL},
    {-41.6, KEYSTONE, A_SUBMIT, NULL, NULL},
    {-41.2, KEYSTONE, A_PROVISION, NULL, NULL},
    {-41.2, KEYSTONE, A_CONFIRM, NULL, NULL},
    {-41.1, KEYSTONE, A_FORMATS, POSTHOUSE_FORMATS, NULL},
    {-41.1, KEYSTONE, A_OWNERS, "pom", NULL},
    {-36.0, LUMEN, A_INVITE, NULL, NULL},
    {-36.0, LUMEN, A_SEND, NULL, NULL},
    {-35.5, LUMEN, A_SUBMIT, NULL, NULL},
    {-35.0, LUMEN, A_PROVISION, NULL, NULL},
    {-35.0, LUMEN, A_CONFIRM, NULL, NULL},
    {-34.9, LUMEN, A_FORMATS, "[\"HD\", \"SDR\", \"Stereo\", \"5.1\", \"SRT\", \"WebVTT\"]", NULL},
    {-34.9, LUMEN, A_OWNERS, "pom", NULL},
    /* Juniper: trained, a failed delivery then a passing one, handed over to the pom. */
    {-41.5, JUNIPER, A_INVITE, NULL, NULL},
    {-41.5, JUNIPER, A_SEND, NULL, NULL},
    {-40.8, JUNIPER, A_SUBMIT, NULL, NULL},
    {-40.0, JUNIPER, A_PROVISION, NULL, NULL},
    {-40.0, JUNIPER, A_PLAN, "avails_review", NULL},
    {-39.9, JUNIPER, A_CONFIRM, NULL, NULL},
    {-39.0, JUNIPER, A_REQUEST, "Avails: first catalogue", "Twenty titles, EST and VOD, UK and IE"},
    {-38.5, JUNIPER, A_DELIVER_BAD, "juniper-catalogue.xml", NULL},
    {-37.8, JUNIPER, A_DELIVER_GOOD, "juniper-catalogue-fixed.xml", NULL},
    {-33.0, JUNIPER, A_COMPLETE, "[\"HD\", \"SDR\", \"Stereo\", \"5.1\", \"TTML\"]", NULL},
    /* Harbour Lights and Iris: silent after their request; three warnings each. */
    {-34.0, HARBOUR, A_INVITE, NULL, NULL},
    {-34.0, HARBOUR, A_SEND, NULL, NULL},
    {-32.5, HARBOUR, A_SUBMIT, NULL, NULL},
    {-28.4, HARBOUR, A_PROVISION, NULL, NULL},
    {-28.3, HARBOUR, A_CONFIRM, NULL, NULL},
    {-26.0, HARBOUR, A_REQUEST, "Avails: launch titles", NULL},
    {-33.5, IRIS, A_INVITE, NULL, NULL},
    {-33.5, IRIS, A_SEND, NULL, NULL},
    {-32.0, IRIS, A_SUBMIT, NULL, NULL},
    {-28.2, IRIS, A_PROVISION, NULL, NULL},
    {-28.1, IRIS, A_CONFIRM, NULL, NULL},
    {-25.9, IRIS, A_REQUEST, "Avails: news and current affairs", NULL},
    /* Galleon: silent too; its pim still owes the decision. */
    {-30.0, GALLEON, A_INVITE, NULL, NULL},
    {-30.0, GALLEON, A_SEND, NULL, NULL},
    {-28.0, GALLEON, A_SUBMIT, NULL, NULL},
    {-24.2, GALLEON, A_PROVISION, NULL, NULL},
    {-24.1, GALLEON, A_CONFIRM, NULL, NULL},
    {-20.0, GALLEON, A_REQUEST, "Avails: autumn slate", "Movies and series for AU and NZ"},
    /* Delta (a channel): in training, on time; a new request is running. */
    {-22.0, DELTA, A_INVITE, NULL, NULL},
    {-22.0, DELTA, A_SEND, NULL, NULL},
    {-20.3, DELTA, A_SUBMIT, NULL, NULL},
    {-19.0, DELTA, A_PROVISION, NULL, NULL},
    {-19.0, DELTA, A_PLAN, "avails_review,technical_asset_review", NULL},
    {-18.9, DELTA, A_CONFIRM, NULL, NULL},
    {-18.9, DELTA, A_OWNERS, "plm", NULL},
    {-12.0, DELTA, A_REQUEST, "Avails: spring schedule", NULL},
    {-11.4, DELTA, A_DELIVER_GOOD, "delta-spring.xml", NULL},
    /* Fjord: its delivery failed; the clocks are paused while the service fixes its template. */
    {-21.0, FJORD, A_INVITE, NULL, NULL},
    {-21.0, FJORD, A_SEND, NULL, NULL},
    {-19.2, FJORD, A_SUBMIT, NULL, NULL},
    {-17.1, FJORD, A_PROVISION, NULL, NULL},
    {-17.0, FJORD, A_PLAN, "avails_review", NULL},
    {-17.0, FJORD, A_CONFIRM, NULL, NULL},
    {-10.0, FJORD, A_REQUEST, "Avails: Nordic titles", "Norway, Sweden and Denmark"},
    {-9.5, FJORD, A_DELIVER_BAD, "fjord-nordic.xml", NULL},
    {-9.0, FJORD, A_PAUSE,
     "Waiting on us: the Nordic avails template is being updated; your clocks are paused until we "
     "send it.",
     NULL},
    /* Ember: new to avails; missed its request (late, one warning), asks for another way. */
    {-20.0, EMBER, A_INVITE, NULL, NULL},
    {-20.0, EMBER, A_SEND, NULL, NULL},
    {-18.2, EMBER, A_SUBMIT, NULL, NULL},
    {-16.1, EMBER, A_PROVISION, NULL, NULL},
    {-16.0, EMBER, A_CONFIRM, NULL, NULL},
    {-7.0, EMBER, A_REQUEST, "Avails: winter catalogue", NULL},
    /* The decisions after the third warning. */
    {-7.0, HARBOUR, A_DECIDE, "stop",
     "Three warnings without an answer: training stopped until the partner has a delivery team."},
    {-6.9, IRIS, A_DECIDE, "escalate", "Three warnings: the commercial team talks to Iris."},
    {-6.8, IRIS, A_REPLY,
     "Sorry for the silence: our delivery lead was away. We deliver the avails this week.", NULL},
    /* Cobalt: delivers through Keystone; setup under way, the portal account still pending. */
    {-9.0, COBALT, A_INVITE, NULL, NULL},
    {-9.0, COBALT, A_SEND, NULL, NULL},
    {-6.0, COBALT, A_SUBMIT, NULL, NULL},
    {-5.0, COBALT, A_PROVISION2, NULL, NULL},
    /* Juniper in steady state: a failed delivery, then its redelivery against the same request
     * (so the request reads "passed", not "result failed: redeliver"), then a self-serve one. */
    {-5.0, JUNIPER, A_REQUEST, "Avails: December update", "Price changes for the holidays"},
    {-4.6, JUNIPER, A_DELIVER_BAD, "juniper-december.xml", NULL},
    {-2.0, JUNIPER, A_DELIVER_GOOD, "juniper-december-v2.xml", NULL},
    {-1.6, JUNIPER, A_DELIVER_SELF, "juniper-january.xml", NULL},
    /* Juniper's catalogue: titles in every state. Published on time (Salt Road) and late, after
     * its 14-day publish clock breached (Quiet Hours); ready with the clock running (Paper Moons,
     * Lanterns); ready in GB but waiting for French audio in FR (Winter Orchard); waiting for
     * every asset (Tidewater, The Long Field). */
    {-31.5, JUNIPER, A_REQUEST, "Avails: the 2026 catalogue", "Every title for GB, IE and FR"},
    {-31.0, JUNIPER, A_CATALOGUE, "juniper-catalogue-2026.xml", NULL},
    {-27.0, JUNIPER, A_PACKAGE, "salt-road", NULL},
    {-26.0, JUNIPER, A_PACKAGE, "quiet-hours", NULL},
    {-20.0, JUNIPER, A_PUBLISH, "salt-road", NULL},
    {-9.0, JUNIPER, A_PUBLISH, "quiet-hours", NULL},
    {-6.0, JUNIPER, A_PACKAGE, "winter-orchard", "no-fr"},
    {-4.0, JUNIPER, A_PACKAGE, "paper-moons", NULL},
    {-3.0, JUNIPER, A_PACKAGE, "lanterns", NULL},
    /* Bluefin: answering the questionnaire. Aurora: just invited. */
    {-4.0, BLUEFIN, A_INVITE, NULL, NULL},
    {-4.0, BLUEFIN, A_SEND, NULL, NULL},
    {-2.2, BLUEFIN, A_SAVE, NULL, NULL},
    {-1.2, AURORA, A_INVITE, NULL, NULL},
    {-1.0, EMBER, A_ALTERNATE,
     "Our avails system moves to a new vendor until the end of the month: can we deliver a "
     "spreadsheet export meanwhile, or use a posthouse?",
     NULL},
    {-1.0, DELTA, A_REQUEST, "Avails: summer schedule", NULL},
    {-0.5, DELTA, A_REPLY, "Received, thanks: the file follows tomorrow morning.", NULL},
};
#define N_BEATS (sizeof story / sizeof story[0])

/* ---- the demo's state ---- */

struct demo {
    struct store *store;
    struct ingest *ing;
    struct deliv_config validation;
    const char *data;
    char password[21];
    int64_t staff[N_STAFF];
    int64_t partner[N_ORGS];
    int64_t user[N_ORGS];
    int64_t request[N_ORGS]; /* the latest request of each */
    int64_t delivery;        /* the latest delivery */
    int n_passed, n_failed;
};

static int64_t staff_id(const struct demo *d, enum role role)
{
    for (size_t i = 0; i < N_STAFF; i++)
        if (staff_defs[i].role == role)
            return d->staff[i];
    return 0;
}

/* slug@DEMO_DOMAIN, in a; the address of a staff role or of an organisation's user. */
static char *demo_email(struct arena *a, const char *slug)
{
    return arena_printf(a, "%s@%s", slug, DEMO_DOMAIN);
}

/* ---- staff ---- */

/* Creates the staff users, as `vodgate user add` does (app/users.h). Returns 0 or -1 (printed). */
static int add_staff(struct demo *d)
{
    struct arena a = {0};
    struct db *db = store_get(d->store);
    struct op o;
    op_init(&o, db, &a, now_get(), NULL, NULL);
    op_join(&o); /* every staff user, or none */
    int rc = store_begin(db);
    for (size_t i = 0; rc == 0 && i < N_STAFF; i++) {
        struct user_new in = {demo_email(&a, role_name(staff_defs[i].role)),
                              staff_defs[i].name,
                              staff_defs[i].role,
                              d->password,
                              0,
                              "demo"};
        struct user u;
        rc = users_create(&o, &in, &u, NULL);
        if (rc < 0)
            fprintf(stderr, "vodgate demo: %s: %s\n", in.email,
                    rc == OP_REFUSED ? buf_str(&o.err.message) : "the store failed");
        else
            d->staff[i] = u.id;
    }
    if (rc == 0)
        rc = store_commit(db);
    if (rc < 0)
        store_rollback(db);
    op_free(&o);
    store_put(d->store, db);
    arena_free(&a);
    return rc < 0 ? -1 : 0;
}

/* ---- the questionnaire ---- */

/* A value for a required question the demo's answers do not cover (a newer definition). */
static json_t *default_answer(const struct qn_question *q, const char *email, const char *date)
{
    const char *first = NULL;
    if (q->options && json_array_size(q->options))
        first = json_string_value(json_object_get(json_array_get(q->options, 0), "value"));
    else if (q->vocabulary == QN_VOCAB_TERRITORY)
        first = "GB";
    else if (q->vocabulary == QN_VOCAB_LANGUAGE)
        first = "en";
    else if (q->vocabulary == QN_VOCAB_FORMAT) {
        size_t n;
        const struct format_def *all = formats_all(&n);
        for (size_t i = 0; i < n && !first; i++)
            if (all[i].family == q->format_family)
                first = all[i].name;
    }
    switch (q->type) {
    case QN_TEXT:
    case QN_LONG_TEXT:
        return json_string("Demo answer");
    case QN_EMAIL:
        return json_string(email);
    case QN_CHOICE:
        return first ? json_string(first) : NULL;
    case QN_MULTI_CHOICE:
        return first ? json_pack("[s]", first) : NULL;
    case QN_DATE:
        return json_string(date);
    case QN_YES_NO:
        return json_string("no");
    case QN_NUMBER: {
        double v = 1;
        if (q->has_min && v < q->min)
            v = q->min;
        if (q->has_max && v > q->max)
            v = q->max;
        return json_integer((json_int_t)v);
    }
    case QN_POSTHOUSE:
    case QN_N_TYPES:
        break;
    }
    return NULL;
}

/* Answers every visible required question that answers leaves open. */
static void fill_missing(const struct questionnaire *q, json_t *answers, const char *email,
                         const char *date)
{
    size_t n = questionnaire_count(q);
    bool *shown = xcalloc(n ? n : 1, sizeof *shown);
    for (int round = 0; round < 8; round++) {
        questionnaire_visible_all(q, answers, shown);
        bool added = false;
        for (size_t i = 0; i < n; i++) {
            const struct qn_question *qq = questionnaire_at(q, i);
            if (!shown[i] || !qq->required || json_object_get(answers, qq->key))
                continue;
            json_t *v = default_answer(qq, email, date);
            if (v) {
                json_object_set_new(answers, qq->key, v);
                added = true;
            }
        }
        if (!added)
            break;
    }
    free(shown);
}

/* The answers an organisation gives (all of them, or only the first few for a partial save). */
static json_t *answers_of(struct demo *d, struct arena *a, enum org org, bool all)
{
    const struct org_def *o = &orgs[org];
    char date[11];
    date_format(civil_from_days((now_get() + 120 * (int64_t)DAY) / DAY), date);
    const char *email = demo_email(a, o->slug);
    json_t *ans =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[s]}", "legal_name",
                  arena_printf(a, "%s Limited", o->name), "company_registration",
                  arena_printf(a, "%s-%06d", o->country, 100311 + 7919 * (int)org),
                  "registration_country", o->country, "registered_address",
                  arena_printf(a, "1 %s House, Demo Street, %s", o->name, o->zone),
                  "business_contact_name", arena_printf(a, "%s business desk", o->name),
                  "business_contact_email", arena_printf(a, "business@%s.example", o->slug),
                  "content_types", o->channels ? "series" : "movies");
    if (!all)
        return ans;
    json_t *more = json_pack(
        "{s:s, s:s, s:s, s:s, s:i, s:i, s:[s, s], s:[s], s:[s], s:[s], s:[s, s], s:[s], s:s, s:s}",
        "technical_contact_name", arena_printf(a, "%s delivery team", o->name),
        "technical_contact_email", email, "billing_contact_name",
        arena_printf(a, "%s accounts", o->name), "billing_contact_email",
        arena_printf(a, "billing@%s.example", o->slug), "titles_per_month", o->posthouse ? 60 : 12,
        "initial_catalogue_size", o->posthouse ? 1500 : 240, "territories", o->country,
        strcmp(o->country, "GB") ? "GB" : "IE", "languages", o->language, "formats_resolution",
        "HD", "formats_dynamic_range", "SDR", "formats_audio", "Stereo", "5.1", "formats_captions",
        "TTML", "already_onboarded", o->onboarded ? "yes" : "no", "target_launch_date", date);
    json_object_update(ans, more);
    json_decref(more);
    if (o->onboarded) {
        json_object_set_new(ans, "existing_partner_alias", json_string(o->slug));
    } else {
        json_object_set_new(ans, "avails_experience", json_string(o->experienced ? "yes" : "no"));
        json_object_set_new(ans, "asset_experience", json_string(o->experienced ? "yes" : "no"));
    }
    if (o->agent >= 0) {
        const struct org_def *ph = &orgs[o->agent];
        json_object_set_new(ans, "delivery_method", json_string("posthouse"));
        json_object_set_new(ans, "posthouse_id", json_integer(d->partner[o->agent]));
        json_object_set_new(ans, "posthouse_name", json_string(ph->name));
        json_object_set_new(ans, "posthouse_onboarded", json_string("yes"));
        json_object_set_new(ans, "posthouse_contact_email", json_string(demo_email(a, ph->slug)));
    } else {
        json_object_set_new(ans, "delivery_method", json_string("self"));
    }
    const struct questionnaire_def *def = questionnaire_current();
    if (def)
        fill_missing(def->q, ans, email, date);
    return ans;
}

/* ---- files ---- */

/*
 * Appends an EMA Avails XML document (MDDF Avails 2.5) for a title of the
 * licensor's: two windows. broken puts five errors in it, each a finding a
 * partner can act on: an unknown language, a price that is not an amount, a
 * license type outside the vocabulary, a territory that is not a country, a
 * window that ends before it starts.
 */
static void avails_xml(struct buf *b, const char *licensor, const char *slug, const char *title,
                       bool broken)
{
    buf_printf(
        b,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<avails:AvailList xmlns:avails=\"http://www.movielabs.com/schema/avails/v2.5/avails\""
        " xmlns:md=\"http://www.movielabs.com/schema/md/v2.8/md\">\n"
        "  <avails:Avail>\n"
        "    <avails:ALID>md:alid:org:%s:%s</avails:ALID>\n"
        "    <avails:Disposition>\n"
        "      <avails:EntryType>Full Extract</avails:EntryType>\n"
        "    </avails:Disposition>\n"
        "    <avails:Licensor>\n"
        "      <md:DisplayName>%s</md:DisplayName>\n"
        "    </avails:Licensor>\n"
        "    <avails:AvailType>single</avails:AvailType>\n"
        "    <avails:ShortDescription>%s: one feature, two windows</avails:ShortDescription>\n"
        "    <avails:Asset contentID=\"md:cid:org:%s:%s\">\n"
        "      <avails:WorkType>Movie</avails:WorkType>\n"
        "      <avails:Metadata>\n"
        "        <avails:TitleDisplayUnlimited>%s</avails:TitleDisplayUnlimited>\n"
        "        <avails:TitleInternalAlias>%s</avails:TitleInternalAlias>\n"
        "      </avails:Metadata>\n"
        "    </avails:Asset>\n",
        slug, "feature-1", licensor, title, slug, "feature-1", title, title);
    buf_printf(b,
               "    <avails:Transaction>\n"
               "      <avails:LicenseType>EST</avails:LicenseType>\n"
               "      <avails:Territory>\n"
               "        <md:country>GB</md:country>\n"
               "      </avails:Territory>\n"
               "      <avails:Start>2027-01-01T00:00:00</avails:Start>\n"
               "      <avails:End>2027-12-31T23:59:59</avails:End>\n"
               "      <avails:AllowedLanguage>%s</avails:AllowedLanguage>\n"
               "      <avails:FormatProfile>HD</avails:FormatProfile>\n"
               "      <avails:Term termName=\"WSP\">\n"
               "        <avails:Money currency=\"GBP\">%s</avails:Money>\n"
               "      </avails:Term>\n"
               "    </avails:Transaction>\n"
               "    <avails:Transaction>\n"
               "      <avails:LicenseType>%s</avails:LicenseType>\n"
               "      <avails:Territory>\n"
               "        <md:country>%s</md:country>\n"
               "      </avails:Territory>\n"
               "      <avails:Start>2027-02-01T00:00:00</avails:Start>\n"
               "      <avails:End>%s</avails:End>\n"
               "      <avails:FormatProfile>HD</avails:FormatProfile>\n"
               "      <avails:Term termName=\"Tier\">\n"
               "        <avails:Text>Catalog</avails:Text>\n"
               "      </avails:Term>\n"
               "    </avails:Transaction>\n"
               "  </avails:Avail>\n"
               "</avails:AvailList>\n",
               broken ? "XYZ" : "en", broken ? "seven pounds" : "7.99", broken ? "Rental" : "VOD",
               broken ? "JJ" : "IE", broken ? "2026-07-31T23:59:59" : "2027-07-31T23:59:59");
}

/* The titles of a steady-state partner's catalogue: windows open `start` days from the real
 * now (negative: already open), in GB and in `other` too when set. */
static const struct {
    const char *slug, *name, *other;
    int start;
} catalogue[] = {
    {"salt-road", "The Salt Road", NULL, -30},   {"quiet-hours", "Quiet Hours", NULL, -30},
    {"paper-moons", "Paper Moons", "IE", -10},   {"lanterns", "Lanterns", NULL, -20},
    {"winter-orchard", "Winter Orchard", "FR", 5}, {"tidewater", "Tidewater", NULL, 20},
    {"long-field", "The Long Field", "IE", 40},
};
#define N_CATALOGUE (sizeof catalogue / sizeof catalogue[0])

static const char *catalogue_alid(struct arena *a, const char *org_slug, const char *slug)
{
    return arena_printf(a, "md:alid:org:%s:%s", org_slug, slug);
}

/* Appends the EMA Avails XML (MDDF Avails 2.4) of the catalogue, dates from real_now. */
static void catalogue_xml(struct buf *b, const char *licensor, const char *org_slug,
                          int64_t real_now)
{
    buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<avails:AvailList xmlns:avails=\"http://www.movielabs.com/schema/avails/v2.4/"
                  "avails\"\n  xmlns:md=\"http://www.movielabs.com/schema/md/v2.7/md\">\n");
    for (size_t i = 0; i < N_CATALOGUE; i++) {
        time_t start = (time_t)(real_now + (int64_t)catalogue[i].start * DAY);
        struct tm tm;
        gmtime_r(&start, &tm);
        char day[16];
        strftime(day, sizeof day, "%Y-%m-%d", &tm);
        buf_printf(b,
                   "  <avails:Avail>\n"
                   "    <avails:ALID>md:alid:org:%s:%s</avails:ALID>\n"
                   "    <avails:Disposition>\n"
                   "      <avails:EntryType>Full Extract</avails:EntryType>\n"
                   "    </avails:Disposition>\n"
                   "    <avails:Licensor>\n"
                   "      <md:DisplayName>%s</md:DisplayName>\n"
                   "    </avails:Licensor>\n"
                   "    <avails:AvailType>single</avails:AvailType>\n"
                   "    <avails:Asset contentID=\"md:cid:org:%s:%s\">\n"
                   "      <avails:WorkType>Movie</avails:WorkType>\n"
                   "      <avails:Metadata>\n"
                   "        <avails:TitleDisplayUnlimited>%s</avails:TitleDisplayUnlimited>\n"
                   "        <avails:TitleInternalAlias>%s</avails:TitleInternalAlias>\n"
                   "        <avails:ReleaseDate>2026</avails:ReleaseDate>\n"
                   "        <avails:RunLength>PT1H42M0S</avails:RunLength>\n"
                   "      </avails:Metadata>\n"
                   "    </avails:Asset>\n",
                   org_slug, catalogue[i].slug, licensor, org_slug, catalogue[i].slug,
                   catalogue[i].name, catalogue[i].name);
        const char *terrs[2] = {"GB", catalogue[i].other};
        for (int k = 0; k < 2 && terrs[k]; k++)
            buf_printf(b,
                       "    <avails:Transaction TransactionID=\"%s%d\">\n"
                       "      <avails:LicenseType>EST</avails:LicenseType>\n"
                       "      <avails:Territory>\n"
                       "        <md:country>%s</md:country>\n"
                       "      </avails:Territory>\n"
                       "      <avails:Start>%sT00:00:00</avails:Start>\n"
                       "      <avails:EndCondition>Open</avails:EndCondition>\n"
                       "      <avails:AssetLanguage>en</avails:AssetLanguage>\n"
                       "      <avails:FormatProfile>HD</avails:FormatProfile>\n"
                       "      <avails:Term termName=\"SRP\">\n"
                       "        <avails:Money currency=\"%s\">9.99</avails:Money>\n"
                       "      </avails:Term>\n"
                       "    </avails:Transaction>\n",
                       terrs[k], (int)i, terrs[k], day, strcmp(terrs[k], "GB") ? "EUR" : "GBP");
        buf_printf(b, "  </avails:Avail>\n");
    }
    buf_printf(b, "</avails:AvailList>\n");
}

/* The partner's catalogue title of slug; 0 or a store error. */
static int catalogue_title(struct op *o, const struct partner *p, const char *org_slug,
                           const char *slug, struct title_row *t)
{
    char norm[TITLE_ID_MAX + 1];
    if (title_id_normalise(catalogue_alid(o->a, org_slug, slug), norm, sizeof norm) <= 0)
        return STORE_ERR;
    return store_title_by_ident(o->db, o->a, p->id, norm, t);
}

/*
 * The asset package of a catalogue title passes: the package delivery is recorded with its
 * result, and its assets attach to the title as validation would attach them (video, English
 * audio and captions, artwork, metadata; French audio too unless the note says "no-fr"). The
 * demo has no media to validate, so the package is recorded as passed rather than checked.
 */
static int package_step(struct demo *d, struct op *o, const struct beat *b, struct partner *p)
{
    const struct org_def *od = &orgs[b->org];
    struct title_row t;
    int rc = catalogue_title(o, p, od->slug, b->arg, &t);
    if (rc < 0)
        return rc;
    struct delivery_row dr = {0};
    dr.partner_id = p->id;
    dr.kind = "asset_package";
    dr.status = "validating";
    dr.created_by = d->user[b->org];
    dr.received_at = o->now;
    dr.delivered_by = p->id; /* the first package of its title: no previous delivery */
    int64_t id = 0;
    bool done = false;
    if ((rc = store_delivery_add(o->db, &dr, &id)) < 0 ||
        (rc = store_delivery_finish(o->db, id, "passed", CHECK_RULESET_VERSION, 0, 0, o->now,
                                    &done)) < 0)
        return rc;
    static const char *const kinds[][2] = {{"video", ""},    {"audio", "en"},    {"captions", "en"},
                                           {"artwork", ""},  {"metadata", "en"}, {"audio", "fr"}};
    bool no_fr = b->note && !strcmp(b->note, "no-fr");
    struct title_rows rows = {0};
    size_t n = sizeof kinds / sizeof kinds[0] - (no_fr ? 1 : 0);
    rows.assets = arena_alloc(o->a, n * sizeof *rows.assets);
    for (size_t i = 0; i < n; i++)
        rows.assets[i] = (struct title_pkg_asset){t.alid, kinds[i][0], kinds[i][1]};
    rows.n_assets = rows.cap_assets = n;
    struct op sys; /* as validation records it: the system, in the beat's transaction */
    op_init(&sys, o->db, o->a, o->now, NULL, app_public_url());
    op_join(&sys);
    rc = titles_from_package(&sys, p, id, true, &rows);
    if (rc == OP_REFUSED)
        buf_printf(&o->err.message, "%s", buf_str(&sys.err.message));
    op_free(&sys);
    d->n_passed++;
    return rc;
}

/* The pom publishes a catalogue title in each territory where it is ready. */
static int publish_step(struct op *o, const struct beat *b, struct partner *p)
{
    struct title_row t;
    int rc = catalogue_title(o, p, orgs[b->org].slug, b->arg, &t);
    json_t *view = NULL;
    if (rc < 0 || (rc = titles_view(o, t.id, &view)) < 0)
        return rc;
    json_t *terrs = json_object_get(view, "territories");
    for (size_t i = 0; rc == 0 && i < json_array_size(terrs); i++) {
        json_t *x = json_array_get(terrs, i);
        if (strcmp(json_string_value(json_object_get(x, "state")), "ready") != 0)
            continue;
        json_t *j = NULL;
        rc = titles_published(o, t.id, json_string_value(json_object_get(x, "territory")), NULL,
                              &j);
        json_decref(j);
    }
    json_decref(view);
    return rc;
}

/*
 * Uploads bytes for an organisation's user as a tus client would (create,
 * one PATCH of the whole body), through the server's ingest functions, with
 * the upload.create audit event of /files/. Fills id. Returns 0 or -1.
 */
static int upload_file(struct demo *d, enum org org, const char *filename, const struct buf *bytes,
                       char id[UPLOAD_ID_LEN + 1])
{
    struct arena a = {0};
    char b64[512];
    sodium_bin2base64(b64, sizeof b64, (const unsigned char *)filename, strlen(filename),
                      sodium_base64_VARIANT_ORIGINAL);
    struct upload_row u = {0};
    u.partner_id = d->partner[org];
    u.user_id = d->user[org];
    u.filename = (char *)filename;
    u.metadata = arena_printf(&a, "filename %s", b64);
    u.length = (int64_t)bytes->len;
    int64_t now = now_get();
    struct db *db = store_get(d->store);
    int rc = upload_create(d->ing, db, &u, now);
    if (rc == 0) {
        struct event e = {0};
        e.at = now;
        e.actor_id = u.user_id;
        e.partner_id = u.partner_id;
        e.subject = arena_printf(&a, "upload:%s", u.id);
        e.action = "upload.create";
        json_t *after = json_pack("{s:s, s:s, s:I}", "filename", filename, "id", u.id, "length",
                                  (json_int_t)u.length);
        e.after = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(after);
        rc = store_begin(db);
        if (rc == 0 && (rc = store_event_add(db, &e)) == 0)
            rc = store_commit(db);
        if (rc < 0)
            store_rollback(db);
        free(e.after);
    }
    store_put(d->store, db);
    struct upload_body body = {0};
    body.new_length = -1;
    body.content_length = (int64_t)bytes->len;
    struct upload_session *s = NULL;
    if (rc == 0)
        rc = upload_session_begin(d->ing, u.id, &body, now, &s);
    for (size_t at = 0; rc == 0 && at < bytes->len;) {
        size_t taken = 0;
        rc = upload_session_put(s, bytes->data + at, bytes->len - at, &taken);
        at += taken;
        if (rc == 0 && !taken)
            usleep(1000); /* the writer's ring is full (not for files this small) */
    }
    struct upload_row after = {0};
    if (rc == 0)
        rc = upload_session_end(s, true, &a, &after);
    upload_session_free(s);
    if (rc == 0 && strcmp(after.state, "complete"))
        rc = -1;
    if (rc < 0)
        fprintf(stderr, "vodgate demo: the upload of %s failed (%d)\n", filename, rc);
    else
        memcpy(id, u.id, UPLOAD_ID_LEN + 1);
    arena_free(&a);
    return rc < 0 ? -1 : 0;
}

/* ---- joining ---- */

struct newest_mail {
    struct arena *a;
    char *body;
};

static int take_body(const struct mail_row *m, void *arg)
{
    struct newest_mail *x = arg;
    struct buf open = {0}; /* the link is stored sealed (jobs/mail_links.c) */
    mail_body_open(m->body, &open);
    x->body = arena_strdup(x->a, buf_str(&open));
    buf_free(&open);
    return 1;
}

/*
 * The contact of org follows the invitation link of the questionnaire mail
 * and chooses the demo password (invitation_accept, as
 * POST /api/v1/invitations/{token}). Sets d->user[org]. Returns 0 or -1.
 */
static int join(struct demo *d, enum org org)
{
    struct arena a = {0};
    struct db *db = store_get(d->store);
    const char *email = demo_email(&a, orgs[org].slug);
    struct newest_mail x = {&a, NULL};
    int rc = store_mail_each(db, &a, email, 0, 1, take_body, &x);
    const char *link = x.body ? strstr(x.body, "/invitations/") : NULL;
    if (rc < 0 || !link || strlen(link) < 13 + SECRET_TOKEN_LEN) {
        fprintf(stderr, "vodgate demo: no invitation link in the mail to %s\n", email);
        rc = -1;
    }
    struct op o;
    op_init(&o, db, &a, now_get(), NULL, app_public_url());
    if (rc >= 0) {
        char *token = arena_strndup(&a, link + 13, SECRET_TOKEN_LEN);
        rc = invitation_accept(&o, token, d->password);
        if (rc < 0)
            fprintf(stderr, "vodgate demo: %s could not accept the invitation: %s\n", email,
                    rc == OP_REFUSED ? buf_str(&o.err.message) : "store error");
    }
    struct user u;
    if (rc == 0 && (rc = store_user_by_email(db, &a, email, &u)) == 0)
        d->user[org] = u.id;
    op_free(&o);
    store_put(d->store, db);
    arena_free(&a);
    return rc < 0 ? -1 : 0;
}

/* ---- the beats ---- */

/* A JSON array of the names in a "a,b" list. */
static json_t *name_list(const char *csv)
{
    json_t *list = json_array();
    while (csv && *csv) {
        size_t n = strcspn(csv, ",");
        json_array_append_new(list, json_stringn(csv, n));
        csv += n + (csv[n] == ',');
    }
    return list;
}

/* Who acts in a beat. */
static void actor_of(const struct demo *d, const struct beat *b, const struct partner *p,
                     int64_t *id, enum role *role)
{
    switch (b->act) {
    case A_INVITE:
    case A_SEND:
        *role = ROLE_CAM;
        break;
    case A_OWNERS:
        *role = ROLE_ADMIN;
        break;
    case A_PUBLISH:
        *role = ROLE_POM;
        break;
    case A_REQUEST:
        *role = p && !strcmp(p->stage, "steady_state") ? ROLE_POM : ROLE_PIM;
        break;
    case A_SAVE:
    case A_SUBMIT:
    case A_DELIVER_GOOD:
    case A_DELIVER_BAD:
    case A_DELIVER_SELF:
    case A_CATALOGUE:
    case A_PACKAGE:
    case A_REPLY:
    case A_ALTERNATE:
        *id = d->user[b->org];
        *role = orgs[b->org].posthouse ? ROLE_POSTHOUSE : ROLE_PARTNER;
        return;
    default:
        *role = ROLE_PIM;
        break;
    }
    *id = staff_id(d, *role);
}

/* The step of a beat, inside the caller's transaction. upload: the delivered file, if any. */
static int step(struct demo *d, struct op *o, const struct beat *b, struct partner *p,
                const char *upload)
{
    const struct org_def *od = &orgs[b->org];
    json_t *j = NULL;
    int rc = 0;
    switch (b->act) {
    case A_INVITE: {
        struct partner_new in = {
            od->name, demo_email(o->a, od->slug), od->zone, 0, od->channels, od->posthouse, "demo"};
        op_join(o); /* inside the beat's transaction */
        if ((rc = partners_create(o, &in, p, NULL)) < 0)
            return rc;
        d->partner[b->org] = p->id;
        return 0;
    }
    case A_SEND:
        return questionnaire_send(o, p->id);
    case A_SAVE:
    case A_SUBMIT:
        j = answers_of(d, o->a, b->org, b->act == A_SUBMIT);
        rc = questionnaire_save(o, p->id, j, NULL);
        json_decref(j);
        if (rc == 0 && b->act == A_SUBMIT)
            rc = questionnaire_submit(o, p->id, NULL);
        return rc;
    case A_PROVISION:
    case A_PROVISION2:
        for (int i = 0; rc == 0 && i < (b->act == A_PROVISION ? ITEM_N : ITEM_PORTAL); i++) {
            rc = setup_item_set(o, p->id, setup_item_name((enum setup_item)i), true,
                                i == ITEM_ALIAS ? od->slug : NULL, &j);
            json_decref(j); /* with the transfer credentials: the demo uploads as the server */
        }
        return rc;
    case A_PLAN:
        j = name_list(b->arg);
        rc = setup_plan_training(o, p->id, j);
        json_decref(j);
        return rc;
    case A_CONFIRM:
        return setup_confirm(o, p->id);
    case A_OWNERS:
        j = json_object();
        if (strstr(b->arg, "pom"))
            json_object_set_new(j, "pom", json_integer(staff_id(d, ROLE_POM)));
        if (strstr(b->arg, "plm"))
            json_object_set_new(j, "plm", json_integer(staff_id(d, ROLE_PLM)));
        rc = setup_owners_set(o, p->id, j);
        json_decref(j);
        return rc;
    case A_FORMATS:
    case A_COMPLETE:
        j = json_loads(b->arg, 0, NULL);
        rc = b->act == A_FORMATS ? setup_formats_set(o, p->id, j)
                                 : training_complete(o, p->id, j, staff_id(d, ROLE_POM));
        json_decref(j);
        return rc;
    case A_REQUEST:
        return request_issue(o, p->id, "avails", b->arg, b->note, &d->request[b->org], NULL);
    case A_DELIVER_GOOD:
    case A_DELIVER_BAD:
    case A_DELIVER_SELF:
    case A_CATALOGUE:
        j = json_pack("[s]", upload);
        op_join(o); /* inside the beat's transaction */
        rc = delivery_receive(o, p->id,
                              b->act == A_DELIVER_SELF ? 0 : d->request[b->org],
                              "avails",
                              j, &d->delivery, NULL);
        json_decref(j);
        return rc;
    case A_REPLY:
    case A_PAUSE:
        rc = request_message(o, d->request[b->org], b->arg, NULL);
        if (rc == 0 && b->act == A_PAUSE)
            rc = request_pause(o, d->request[b->org], b->arg, NULL);
        return rc;
    case A_DECIDE:
        rc = training_decide(o, p->id, b->arg, b->note, &j);
        json_decref(j);
        return rc;
    case A_ALTERNATE:
        rc = training_alternate_solution(o, p->id, b->arg, &j);
        json_decref(j);
        return rc;
    case A_PACKAGE:
        return package_step(d, o, b, p);
    case A_PUBLISH:
        return publish_step(o, b, p);
    }
    return STORE_ERR;
}

/* Moves the program's clock to t (it never goes back), then runs the clocks due by then. */
static int advance(struct demo *d, int64_t t)
{
    if (t > now_get())
        now_set(t);
    return sweep_run(d->store, now_get(), NULL);
}

/* Counts the result of the delivery just validated; says so when it is not the story's. */
static int count_result(struct demo *d, const struct beat *b)
{
    struct arena a = {0};
    struct db *db = store_get(d->store);
    struct delivery_row row;
    int rc = store_delivery_get(db, &a, d->delivery, &row);
    store_put(d->store, db);
    const char *want = b->act == A_DELIVER_BAD ? "failed" : "passed";
    if (rc == 0) {
        d->n_passed += !strcmp(row.status, "passed");
        d->n_failed += !strcmp(row.status, "failed");
        if (strcmp(row.status, want))
            fprintf(stderr, "vodgate demo: delivery %lld (%s) is %s, where the story wants %s\n",
                    (long long)row.id, b->arg, row.status, want);
    }
    arena_free(&a);
    return rc < 0 ? -1 : 0;
}

/* Plays one beat at its instant. Returns 0, or -1 with the reason printed. */
static int play(struct demo *d, const struct beat *b, int64_t real_now)
{
    if (advance(d, real_now + (int64_t)(b->day * DAY)) < 0) {
        fprintf(stderr, "vodgate demo: the clock sweep failed\n");
        return -1;
    }
    const struct org_def *od = &orgs[b->org];
    bool delivers = b->act == A_DELIVER_GOOD || b->act == A_DELIVER_BAD ||
                    b->act == A_DELIVER_SELF || b->act == A_CATALOGUE;
    char upload[UPLOAD_ID_LEN + 1] = "";
    if (delivers) {
        struct buf bytes = {0};
        if (b->act == A_CATALOGUE)
            catalogue_xml(&bytes, od->name, od->slug, real_now);
        else
            avails_xml(&bytes, od->name, od->slug,
                       b->act == A_DELIVER_BAD ? "Northern Crossing" : "Harbour Lights",
                       b->act == A_DELIVER_BAD);
        int urc = upload_file(d, b->org, b->arg, &bytes, upload);
        buf_free(&bytes);
        if (urc < 0)
            return -1;
        advance(d, now_get() + 60); /* the receipt follows the upload */
    }
    struct arena a = {0};
    struct db *db = store_get(d->store);
    struct partner p;
    memset(&p, 0, sizeof p);
    int rc = b->act == A_INVITE ? 0 : store_partner_get(db, &a, d->partner[b->org], &p);
    int64_t actor = 0;
    enum role role = ROLE_NONE;
    actor_of(d, b, rc == 0 && b->act != A_INVITE ? &p : NULL, &actor, &role);
    struct op o;
    struct principal who = {actor, role, role_is_org(role) ? d->partner[b->org] : 0,
                            PRINCIPAL_USER};
    op_init(&o, db, &a, now_get(), &who, app_public_url());
    op_join(&o); /* a beat is one transaction, whatever operations it runs */
    if (rc == 0)
        rc = store_begin(db);
    if (rc == 0) {
        rc = step(d, &o, b, &p, upload);
        if (rc == 0)
            rc = store_commit(db);
        if (rc < 0)
            store_rollback(db);
    }
    if (rc < 0)
        fprintf(stderr, "vodgate demo: %s could not %s: %s\n", od->name, act_names[b->act],
                rc == OP_REFUSED ? buf_str(&o.err.message) : "the store failed");
    op_free(&o);
    store_put(d->store, db);
    arena_free(&a);
    if (rc < 0)
        return -1;
    if (b->act == A_SEND && (advance(d, now_get() + 1800) < 0 || join(d, b->org) < 0))
        return -1;
    if (delivers) {
        advance(d, now_get() + VALIDATION_DELAY);
        if (deliv_run_ready(d->store, &d->validation, now_get()) < 0) {
            fprintf(stderr, "vodgate demo: validation of %s failed\n", b->arg);
            return -1;
        }
        return count_result(d, b);
    }
    return 0;
}

/* Beats in time order; ties keep the table's order. */
static int beat_cmp(const void *x, const void *y)
{
    const struct beat *a = *(const struct beat *const *)x, *b = *(const struct beat *const *)y;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    return (a > b) - (a < b);
}

/* ---- refusing twice, and the report ---- */

static int is_demo_user(const struct user *u, void *arg)
{
    size_t n = strlen(u->email), m = strlen("@" DEMO_DOMAIN);
    if (n > m && !strcmp(u->email + n - m, "@" DEMO_DOMAIN)) {
        snprintf(arg, 256, "%s", u->email);
        return 1;
    }
    return 0;
}

struct stage_tally {
    const char *stage;
    int n;
};

static int tally(const struct partner *p, void *arg)
{
    for (struct stage_tally *t = arg; t->stage; t++)
        if (!strcmp(t->stage, p->stage))
            t->n++;
    return 0;
}

/* Prints what was seeded and the table of sign-ins. */
static void report(struct demo *d, double seconds)
{
    struct arena a = {0};
    struct db *db = store_get(d->store);
    struct stage_tally stages[] = {
        {"invited", 0}, {"questionnaire", 0}, {"setup", 0},        {"training", 0},
        {"stopped", 0}, {"escalated", 0},     {"steady_state", 0}, {NULL, 0}};
    store_partner_each(db, &a, NULL, 0, tally, stages);
    store_put(d->store, db);
    printf("vodgate demo: seeded %s in %.1f s: %d organisations (", d->data, seconds, N_ORGS);
    for (struct stage_tally *t = stages; t->stage;
         t++) /* "steady_state" is a code: say it in words */
        printf("%s%s %d", t == stages ? "" : ", ",
               strcmp(t->stage, "steady_state") ? t->stage : "steady state", t->n);
    printf("), %d deliveries (%d passed, %d failed).\n\n", d->n_passed + d->n_failed, d->n_passed,
           d->n_failed);
    printf("Start the portal with `vodgate serve --data %s`, then sign in at %s with any of\n"
           "these accounts; they share one password.\n\n",
           d->data, app_public_url());
    printf("  %-32s %-11s %-22s %s\n", "EMAIL", "ROLE", "ORGANISATION", "PASSWORD");
    for (size_t i = 0; i < N_STAFF; i++)
        printf("  %-32s %-11s %-22s %s\n", demo_email(&a, role_name(staff_defs[i].role)),
               role_name(staff_defs[i].role), "(staff)", d->password);
    for (int i = 0; i < N_ORGS; i++)
        if (d->user[i])
            printf("  %-32s %-11s %-22s %s\n", demo_email(&a, orgs[i].slug),
                   orgs[i].posthouse ? "posthouse" : "partner", orgs[i].name, d->password);
    printf("\npassword of every demo account: %s\n"
           "(shown once; change one with `vodgate user passwd EMAIL`)\n",
           d->password);
    fflush(stdout);
    arena_free(&a);
}

int cli_demo(int argc, char **argv)
{
    const char *data, *database;
    int first = cli_store_args(argc, argv, demo_help, &data, &database);
    if (first < 0)
        return first == -1 ? 0 : 2;
    if (first != argc) {
        fprintf(stderr, "vodgate demo: unexpected argument '%s'\n%s", argv[first], demo_help);
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (secret_init() < 0)
        die("libsodium could not start");
    if (cli_load_key(data) < 0)
        return 1;
    /* The story starts before its first beat, on a clock of this process only. */
    int64_t real_now = now_get();
    double earliest = 0;
    for (size_t i = 0; i < N_BEATS; i++)
        if (story[i].day < earliest)
            earliest = story[i].day;
    now_use_test_clock(real_now + (int64_t)(earliest * DAY) - 3600);
    struct mail_config mail = {NULL, cli_env("MAIL_FROM", NULL), cli_env("TEMPLATES", NULL), 0};
    struct buf mail_err = {0};
    if (mail_configure(&mail, &mail_err) < 0) {
        fprintf(stderr, "vodgate demo: %s\n", buf_str(&mail_err));
        buf_free(&mail_err);
        return 2;
    }
    struct demo d = {0};
    d.data = data;
    char *err = NULL;
    if (store_open(database, data, &d.store, &err) < 0) {
        fprintf(stderr, "vodgate: %s\n", err);
        free(err);
        return 1;
    }
    char found[256] = "";
    struct arena a = {0};
    struct db *db = store_get(d.store);
    int rc = store_user_each(db, &a, is_demo_user, found);
    store_put(d.store, db);
    arena_free(&a);
    if (rc < 0 || *found) {
        if (*found)
            fprintf(stderr,
                    "vodgate demo: the demo data is already there (%s exists); it is seeded "
                    "once. For a fresh demo, use a new --data directory (or database).\n",
                    found);
        store_close(d.store);
        return 1;
    }
    rc = 1;
    if (questionnaire_def_init(d.store, cli_env("QUESTIONNAIRE", NULL), &err) < 0) {
        fprintf(stderr, "vodgate: %s\n", err);
        free(err);
        store_close(d.store);
        return 1;
    }
    const char *public_url = cli_env("PUBLIC_URL", NULL);
    char *url = public_url ? xstrdup(public_url)
                           : xasprintf("http://%s", cli_env("LISTEN", "127.0.0.1:8080"));
    app_set_public_url(url);
    free(url);
    sweep_use_handlers(warnings_clock_handlers, n_warnings_clock_handlers);
    sweep_use_handlers(milestones_clock_handlers, n_milestones_clock_handlers);
    sweep_use_handlers(alternates_clock_handlers, n_alternates_clock_handlers);
    struct ingest_opts upload_opts = {(uint64_t)atoll(cli_env("MAX_UPLOAD", "2199023255552")),
                                      (uint64_t)atoll(cli_env("UPLOAD_QUOTA", "0")),
                                      atoll(cli_env("UPLOAD_EXPIRY", "604800"))};
    if (ingest_open(d.store, data, &upload_opts, &d.ing, &err) < 0) {
        fprintf(stderr, "vodgate: %s\n", err);
        free(err);
        goto done;
    }
    d.validation = (struct deliv_config){data, cli_env("MDDF_SCHEMAS", NULL),
                                         cli_env("RATINGS", NULL), 0, "demo"};
    secret_password_new(d.password);
    if (add_staff(&d) < 0) {
        fprintf(stderr, "vodgate demo: could not add the staff\n");
        goto done;
    }
    const struct beat *order[N_BEATS];
    for (size_t i = 0; i < N_BEATS; i++)
        order[i] = &story[i];
    qsort(order, N_BEATS, sizeof order[0], beat_cmp);
    for (size_t i = 0; i < N_BEATS; i++)
        if (play(&d, order[i], real_now) < 0)
            goto done;
    if (advance(&d, real_now) < 0) {
        fprintf(stderr, "vodgate demo: the clock sweep failed\n");
        goto done;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    report(&d, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    rc = 0;
done:
    if (rc)
        fprintf(stderr, "vodgate demo: stopped; what was seeded so far stays (seed a fresh "
                        "--data directory to start again)\n");
    if (d.ing)
        ingest_close(d.ing);
    deliv_workers_stop(); /* frees the ratings database validation may have loaded */
    questionnaire_def_free();
    store_close(d.store);
    return rc;
}
