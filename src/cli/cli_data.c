/*
 * `vodgate backup` and `vodgate export`: the operator's ways to take data
 * out. backup writes a consistent copy of the embedded database while the
 * server runs (SQLite's VACUUM INTO); export prints partners, clocks, the
 * audit log, the titles (app/titles.c, one row per title and territory) or
 * the partners' scorecards (app/scorecards.c, as the API gives them) as CSV (RFC 4180: quoted when needed, CRLF line ends) for
 * spreadsheets and reports.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/scorecards.h"
#include "app/titles.h"
#include "base/buf.h"
#include "base/now.h"
#include "base/timefmt.h"
#include "cli/cli.h"
#include "store/delivery_store.h"
#include "store/mail_store.h"
#include "store/store.h"

/* Opens the store from --data/--database; prints the error and returns NULL on failure. */
static struct store *open_store(const char *data, const char *database)
{
    struct store *s;
    char *err = NULL;
    if (store_open(database, data, &s, &err) < 0) {
        fprintf(stderr, "vodgate: %s\n", err);
        free(err);
        return NULL;
    }
    return s;
}

int cli_backup(int argc, char **argv)
{
    static const char help[] =
        "usage: vodgate backup FILE [--data DIR] [--database URL]\n"
        "\nWrites a consistent copy of the embedded SQLite database to FILE (which must not\n"
        "exist), even while the server runs. Copy the uploads directory beside it. For\n"
        "PostgreSQL use pg_dump. See docs/operations.md.\n";
    const char *data, *database;
    int first = cli_store_args(argc, argv, help, &data, &database);
    if (first < 0)
        return first == -1 ? 0 : 2;
    optind = first;
    if (optind != argc - 1) {
        fputs(help, stderr);
        return 2;
    }
    struct store *s = open_store(data, database);
    if (!s)
        return 1;
    char *err = NULL;
    int rc = store_backup(s, argv[optind], &err);
    store_close(s);
    if (rc < 0) {
        fprintf(stderr, "vodgate backup: %s\n", err);
        free(err);
        return 1;
    }
    printf("backed up to %s\n", argv[optind]);
    return 0;
}

/* Prints one CSV field (RFC 4180), then a comma or the line end. */
static void csv(const char *v, bool last)
{
    v = v ? v : "";
    if (strpbrk(v, ",\"\r\n")) {
        putchar('"');
        for (; *v; v++) {
            if (*v == '"')
                putchar('"');
            putchar(*v);
        }
        putchar('"');
    } else {
        fputs(v, stdout);
    }
    fputs(last ? "\r\n" : ",", stdout);
}

static void csv_int(int64_t v, bool last)
{
    char s[24];
    snprintf(s, sizeof s, "%lld", (long long)v);
    csv(v ? s : "", last);
}

static void csv_time(int64_t t, bool last)
{
    char s[21];
    time_format_rfc3339(t, s);
    csv(t ? s : "", last);
}

static int row_partner(const struct partner *p, void *ctx)
{
    csv_int(p->id, false);
    csv(p->name, false);
    csv(p->contact_email, false);
    csv(p->stage, false);
    csv(p->alias, false);
    csv(p->time_zone, false);
    csv(p->channels ? "yes" : "no", false);
    csv(p->posthouse ? "yes" : "no", false);
    csv_int(p->warnings, false);
    csv(p->approved_formats, false);
    csv_time(p->created_at, true);
    return 0;
}

static int row_clock(const struct clock_row *c, void *ctx)
{
    csv_int(c->id, false);
    csv_int(c->partner_id, false);
    csv(c->kind, false);
    csv(c->subject, false);
    csv(c->state, false);
    csv_time(c->started_at, false);
    csv_time(c->due_at, false);
    csv_time(c->closed_at, false);
    csv(c->time_zone, true);
    return 0;
}

static int row_event(const struct event *e, void *ctx)
{
    csv_int(e->id, false);
    csv_time(e->at, false);
    csv(e->actor_email ? e->actor_email : "system", false);
    csv_int(e->partner_id, false);
    csv(e->subject, false);
    csv(e->action, false);
    csv(e->before, false);
    csv(e->after, true);
    return 0;
}

struct clock_export {
    struct db *db;
    struct arena *a;
};

static int clocks_of(const struct partner *p, void *ctx)
{
    struct clock_export *x = ctx;
    return store_clock_each_of_partner(x->db, x->a, p->id, row_clock, NULL) < 0;
}

/* A rate as a number 0..1 with four decimals, empty when there is nothing to measure. */
static void csv_rate(json_t *v, bool last)
{
    char s[24] = "";
    if (json_is_number(v))
        snprintf(s, sizeof s, "%.4f", json_number_value(v));
    csv(s, last);
}

/* A count: 0 is a number here, never an empty field. */
static void csv_count(json_t *v, bool last)
{
    char s[24];
    snprintf(s, sizeof s, "%lld", (long long)json_integer_value(v));
    csv(s, last);
}

static int row_scorecard(json_t *c, void *ctx)
{
    (void)ctx;
    json_t *p = json_object_get(c, "partner");
    csv_int(json_integer_value(json_object_get(p, "id")), false);
    csv(json_string_value(json_object_get(p, "name")), false);
    csv(json_is_true(json_object_get(p, "posthouse")) ? "yes" : "no", false);
    csv(json_string_value(json_object_get(c, "from")), false);
    csv(json_string_value(json_object_get(c, "to")), false);
    csv(json_string_value(json_object_get(c, "time_zone")), false);
    csv_count(json_object_get(c, "deliveries"), false);
    static const char *const counts[][3] = {
        {"on_time_rate", "on_time", "on_time_of"},
        {"first_pass_rate", "first_pass", "first_pass_of"},
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        csv_rate(json_object_get(c, counts[i][0]), false);
        csv_count(json_object_get(c, counts[i][1]), false);
        csv_count(json_object_get(c, counts[i][2]), false);
    }
    json_t *fix = json_object_get(c, "median_fix_hours");
    char h[24] = "";
    if (json_is_number(fix))
        snprintf(h, sizeof h, "%.1f", json_number_value(fix));
    csv(h, false);
    csv_count(json_object_get(c, "fixes"), false);
    csv_count(json_object_get(c, "open_defects"), false);
    csv_count(json_object_get(c, "titles_live"), false);
    csv_rate(json_object_get(c, "publish_on_time_rate"), false);
    csv_count(json_object_get(c, "published_on_time"), false);
    csv_count(json_object_get(c, "published_of"), true);
    return 0;
}

/* Every partner's scorecard over --from..--to (app/scorecards.c), as the system. */
static int export_scorecards(struct db *db, struct arena *a, const char *from, const char *to)
{
    fputs("partner,name,posthouse,from,to,time_zone,deliveries,on_time_rate,on_time,on_time_of,"
          "first_pass_rate,first_pass,first_pass_of,median_fix_hours,fixes,open_defects,"
          "titles_live,publish_on_time_rate,published_on_time,published_of\r\n",
          stdout);
    struct op o;
    op_init(&o, db, a, now_get(), NULL, NULL);
    int rc = scorecards_each(&o, from, to, row_scorecard, NULL);
    if (rc < 0)
        fprintf(stderr, "vodgate: %s\n",
                rc == OP_REFUSED ? buf_str(&o.err.message) : "the store failed");
    op_free(&o);
    return rc;
}

/* One title's rows: one per territory (one with the territory empty when it has none). */
static void rows_of_title(json_t *t)
{
    json_t *terrs = json_object_get(t, "territories");
    size_t n = json_array_size(terrs);
    for (size_t i = 0; i < (n ? n : 1); i++) {
        json_t *x = n ? json_array_get(terrs, i) : NULL;
        csv_int(json_integer_value(json_object_get(t, "partner")), false);
        csv_int(json_integer_value(json_object_get(t, "id")), false);
        csv(json_string_value(json_object_get(t, "name")), false);
        csv(json_string_value(json_object_get(t, "alid")), false);
        csv(json_string_value(json_object_get(t, "content_id")), false);
        csv(json_string_value(json_object_get(x, "territory")), false);
        csv(json_string_value(json_object_get(x ? x : t, "state")), false);
        csv(json_string_value(json_object_get(x, "reasons")), false);
        csv(json_string_value(json_object_get(x, "publish_by")), false);
        csv(json_string_value(json_object_get(x, "published_at")), false);
        csv(x ? (json_is_true(json_object_get(x, "late")) ? "yes" : "no") : "", true);
    }
}

/* The titles of every partner, or of --partner, by next deadline (app/titles.c), as the system;
 * a page of the catalogue at a time, each title's full view for its territories' reasons. */
static int export_titles(struct db *db, int64_t partner)
{
    fputs("partner,title,name,alid,content_id,territory,state,reasons,publish_by,published_at,"
          "late\r\n",
          stdout);
    int64_t now = now_get();
    for (int64_t page = 1;; page++) {
        struct arena a = {0};
        struct op o;
        op_init(&o, db, &a, now, NULL, NULL);
        struct titles_query q = {.partner = partner, .page = page, .limit = TITLES_PAGE_MAX};
        json_t *list = NULL;
        int rc = titles_list(&o, &q, &list);
        json_t *titles = json_object_get(list, "titles");
        for (size_t i = 0; rc == 0 && i < json_array_size(titles); i++) {
            json_t *t = NULL;
            rc = titles_view(&o, json_integer_value(json_object_get(json_array_get(titles, i), "id")),
                             &t);
            if (rc == 0)
                rows_of_title(t);
            json_decref(t);
        }
        size_t got = json_array_size(titles);
        json_decref(list);
        if (rc < 0)
            fprintf(stderr, "vodgate: %s\n",
                    rc == OP_REFUSED ? buf_str(&o.err.message) : "the store failed");
        op_free(&o);
        arena_free(&a);
        if (rc < 0)
            return rc;
        if (got < TITLES_PAGE_MAX)
            return 0;
    }
}

int cli_export(int argc, char **argv)
{
    static const char help[] =
        "usage: vodgate export partners|clocks|events|titles [--partner ID] [--data DIR] "
        "[--database URL]\n"
        "       vodgate export scorecards [--from DATE] [--to DATE] [--data DIR] [--database "
        "URL]\n"
        "\nPrints CSV to standard output: partners (one row each), clocks (every clock of\n"
        "every partner, or of --partner), events (the audit log, oldest first; all, or\n"
        "of --partner), titles (one row per title and territory, by next deadline: its\n"
        "state, the reasons it is not ready, the publish-by and published times, RFC 3339\n"
        "UTC, and whether the publish was or is late; all, or of --partner), scorecards (one row per partner: its deliveries from --from to\n"
        "--to, YYYY-MM-DD in its zone, both included, by default the last 90 days; on\n"
        "time against the 48-hour clock, first-pass acceptance, each rate 0..1 beside\n"
        "its counts and empty when there is nothing to measure; the median hours from a\n"
        "failed result to the passing redelivery; open defects; a posthouse's row counts\n"
        "the deliveries it made, for itself and the partners it delivers for).\n";
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"database", required_argument, 0, 'u'},
                                         {"partner", required_argument, 0, 'p'},
                                         {"from", required_argument, 0, 'f'},
                                         {"to", required_argument, 0, 't'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *data = cli_env("DATA", "./var"), *database = cli_env("DATABASE", NULL);
    int64_t partner = 0;
    const char *from = NULL, *to = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'u':
            database = optarg;
            break;
        case 'p':
            partner = atoll(optarg);
            break;
        case 'f':
            from = optarg;
            break;
        case 't':
            to = optarg;
            break;
        case 'h':
            fputs(help, stdout);
            return 0;
        default:
            fputs(help, stderr);
            return 2;
        }
    }
    const char *what = optind == argc - 1 ? argv[optind] : NULL;
    if (!what || (strcmp(what, "partners") && strcmp(what, "clocks") && strcmp(what, "events") &&
                  strcmp(what, "titles") && strcmp(what, "scorecards"))) {
        fputs(help, stderr);
        return 2;
    }
    struct store *s = open_store(data, database);
    if (!s)
        return 1;
    struct arena a = {0};
    struct db *db = store_get(s);
    int rc;
    if (!strcmp(what, "partners")) {
        fputs("id,name,contact_email,stage,alias,time_zone,channels,posthouse,warnings,"
              "approved_formats,created_at\r\n",
              stdout);
        rc = store_partner_each(db, &a, NULL, partner, row_partner, NULL);
    } else if (!strcmp(what, "clocks")) {
        fputs("id,partner,kind,subject,state,started_at,due_at,closed_at,time_zone\r\n", stdout);
        struct clock_export x = {db, &a};
        rc = partner ? store_clock_each_of_partner(db, &a, partner, row_clock, NULL)
                     : store_partner_each(db, &a, NULL, 0, clocks_of, &x);
    } else if (!strcmp(what, "titles")) {
        rc = export_titles(db, partner);
    } else if (!strcmp(what, "scorecards")) {
        rc = export_scorecards(db, &a, from, to);
    } else {
        fputs("id,at,actor,partner,subject,action,before,after\r\n", stdout);
        rc = store_event_each(db, &a, partner, row_event, NULL);
    }
    store_put(s, db);
    arena_free(&a);
    store_close(s);
    return rc < 0 ? 1 : 0;
}

struct stage_count {
    const char *stage;
    int64_t n;
};

static int count_stage(const struct partner *p, void *ctx)
{
    struct stage_count *c = ctx;
    for (; c->stage; c++) {
        if (!strcmp(c->stage, p->stage)) {
            c->n++;
            break;
        }
    }
    return 0;
}

int cli_status(int argc, char **argv)
{
    static const char help[] =
        "usage: vodgate status [--data DIR] [--database URL]\n"
        "\nPrints the state of an installation: schema version, partners by stage, clocks\n"
        "running and breached, validation jobs and messages waiting or failed.\n";
    const char *data, *database;
    int first = cli_store_args(argc, argv, help, &data, &database);
    if (first < 0)
        return first == -1 ? 0 : 2;
    optind = first;
    if (optind != argc) {
        fputs(help, stderr);
        return 2;
    }
    struct store *s = open_store(data, database);
    if (!s)
        return 1;
    struct arena a = {0};
    struct db *db = store_get(s);
    struct stage_count stages[] = {
        {"invited", 0}, {"questionnaire", 0}, {"setup", 0},        {"training", 0},
        {"stopped", 0}, {"escalated", 0},     {"steady_state", 0}, {NULL, 0}};
    int rc = store_partner_each(db, &a, NULL, 0, count_stage, stages);
    printf("schema version %d\npartners:", store_schema_version(s));
    for (struct stage_count *sc = stages; sc->stage; sc++)
        printf(" %s %lld%s", sc->stage, (long long)sc->n, sc[1].stage ? "," : "\n");
    printf("clocks: running %lld, paused %lld, breached %lld\n",
           (long long)store_clock_count(db, "running"), (long long)store_clock_count(db, "paused"),
           (long long)store_clock_count(db, "breached"));
    printf("validation jobs: queued %lld, running %lld, failed %lld\n",
           (long long)store_job_count(db, "queued"), (long long)store_job_count(db, "running"),
           (long long)store_job_count(db, "failed"));
    printf("messages: queued %lld, sent %lld, failed %lld\n",
           (long long)store_mail_count(db, "queued"), (long long)store_mail_count(db, "sent"),
           (long long)store_mail_count(db, "failed"));
    store_put(s, db);
    arena_free(&a);
    store_close(s);
    return rc < 0 ? 1 : 0;
}
