/*
 * Scorecards: see scorecards.h. A card is one read of the store (the
 * partner's deliveries received before the period's end, in id order) fed
 * to core/scorecard.c's one pass; the export reads every delivery once,
 * partner by partner, and adds the posthouses' own cards, whose deliveries
 * cross partners, with one read each.
 */
#include "app/scorecards.h"

#include <stdlib.h>
#include <string.h>

#include "app/scope.h"
#include "base/mem.h"
#include "base/timefmt.h"
#include "core/scorecard.h"
#include "core/zone.h"
#include "store/scorecard_store.h"
#include "store/store.h"

/* Open defects named in a card: the first ones, enough to act on. */
#define OPEN_IDS_SHOWN 50

/* A period: its dates (day numbers) and instants in the partner's zone. */
struct period {
    int64_t from_day, to_day;
    int64_t from, until; /* [from, until) */
};

/* Reads one end of the period: *day unchanged when text is NULL or empty. */
static int read_day(struct op *o, const char *name, const char *text, int64_t *day)
{
    if (!text || !*text)
        return 0;
    struct civil_date d;
    if (date_parse(text, &d) < 0)
        return op_invalid(o, name, "'%s' is a date, YYYY-MM-DD (got '%s')", name, text);
    *day = days_from_civil(d.year, d.month, d.day);
    return 0;
}

/* The period from..to in zone_name (the default: the last 90 days up to today there). */
static int period_of(struct op *o, const char *zone_name, const char *from, const char *to,
                     struct period *out)
{
    const struct zone *z;
    if (zone_open(zone_name, &z) < 0 && zone_open("UTC", &z) < 0)
        return op_failed(o, STORE_ERR);
    int64_t to_day = zone_local_day(z, o->now), from_day;
    int rc = read_day(o, "to", to, &to_day);
    from_day = to_day - (SCORECARD_DEFAULT_DAYS - 1);
    if (rc < 0 || (rc = read_day(o, "from", from, &from_day)) < 0)
        return rc;
    if (from_day > to_day)
        return op_invalid(o, "from",
                          "the period starts after it ends: 'from' is a date on or "
                          "before 'to'");
    *out = (struct period){from_day, to_day, zone_day_start(z, from_day),
                           zone_day_start(z, to_day + 1)};
    return 0;
}

static json_t *rate_json(int64_t n, int64_t of)
{
    double r;
    return scorecard_rate(n, of, &r) ? json_real(r) : json_null();
}

static json_t *date_json(int64_t day)
{
    char s[11];
    date_format(civil_from_days(day), s);
    return json_string(s);
}

/* The card's JSON from its counts. A new reference. */
static json_t *card_json(const struct partner *p, const struct period *pe, struct scorecard *s)
{
    double fix_h;
    bool has_fix = scorecard_median_fix_hours(s, &fix_h);
    json_t *open = json_array();
    for (int64_t i = 0; i < s->n_open_defects && i < OPEN_IDS_SHOWN; i++)
        json_array_append_new(open, json_integer(s->open_ids[i]));
    json_t *j = json_pack(
        "{s:{s:I, s:s, s:b}, s:o, s:o, s:s, s:s,"
        " s:I, s:o, s:I, s:I, s:I, s:o, s:I, s:I, s:o, s:I, s:I, s:o}",
        "partner", "id", (json_int_t)p->id, "name", p->name, "posthouse", p->posthouse, "from",
        date_json(pe->from_day), "to", date_json(pe->to_day), "time_zone", p->time_zone, "scope",
        p->posthouse ? "deliveries made by this posthouse, for itself and the partners it "
                       "delivers for"
                     : "deliveries made for this partner, by itself or its posthouse",
        "deliveries", (json_int_t)s->n_deliveries, "on_time_rate",
        rate_json(s->n_on_time, s->n_requested), "on_time", (json_int_t)s->n_on_time, "on_time_of",
        (json_int_t)s->n_requested, "late", (json_int_t)(s->n_requested - s->n_on_time),
        "first_pass_rate", rate_json(s->n_first_passed, s->n_first_results), "first_pass",
        (json_int_t)s->n_first_passed, "first_pass_of", (json_int_t)s->n_first_results,
        "median_fix_hours", has_fix ? json_real(fix_h) : json_null(), "fixes",
        (json_int_t)s->n_fixes, "open_defects", (json_int_t)s->n_open_defects,
        "open_defect_deliveries", open);
    /* the titles (SPEC 3): live at the period's end, and the service's own publish clock */
    const struct sc_titles *t = &s->titles;
    json_object_set_new(j, "titles_live", json_integer(t->n_live));
    json_object_set_new(j, "publish_on_time_rate",
                        rate_json(t->n_published_on_time, t->n_published_of));
    json_object_set_new(j, "published_on_time", json_integer(t->n_published_on_time));
    json_object_set_new(j, "published_of", json_integer(t->n_published_of));
    return j;
}

/*
 * Gathers one partner's deliveries at a time (the store gives them in (partner, id) order) and
 * hands them to done when the partner changes; the caller hands over the last partner's.
 */
struct gather {
    struct sc_delivery *d;
    size_t n, cap;
    int64_t partner_id;
    int (*done)(struct gather *g); /* non-zero: stop */
    void *ctx;
};

static int gather_one(int64_t partner_id, const struct sc_delivery *d, void *ctx)
{
    struct gather *g = ctx;
    if (g->n && partner_id != g->partner_id) {
        int stop = g->done(g);
        g->n = 0;
        if (stop)
            return stop;
    }
    g->partner_id = partner_id;
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 64;
        g->d = xrealloc(g->d, g->cap * sizeof *g->d);
    }
    g->d[g->n++] = *d;
    return 0;
}

/* A card being counted: each partner's deliveries apart (chains never cross partners). */
struct card_ctx {
    struct scorecard s;
    const struct period *pe;
    int64_t by_org; /* 0: every organisation's */
};

static int count_partner(struct gather *g)
{
    struct card_ctx *c = g->ctx;
    scorecard_count(&c->s, g->d, g->n, c->pe->from, c->pe->until, c->by_org);
    return 0;
}

static int count_publication(int64_t partner_id, const struct sc_publication *pub, void *ctx)
{
    (void)partner_id;
    struct card_ctx *c = ctx;
    scorecard_count_publication(&c->s.titles, pub, c->pe->from, c->pe->until);
    return 0;
}

/*
 * The card of p (allowed) over pe: one read, one pass. A posthouse's covers
 * the deliveries it made, across the partners it made them for.
 */
static int card_of(struct op *o, const struct partner *p, const struct period *pe, json_t **out)
{
    struct card_ctx c = {.pe = pe, .by_org = p->posthouse ? p->id : 0};
    scorecard_init(&c.s);
    struct gather g = {.done = count_partner, .ctx = &c};
    int rc = p->posthouse ? store_scorecard_deliveries(o->db, 0, p->id, pe->until, gather_one, &g)
                          : store_scorecard_deliveries(o->db, p->id, 0, pe->until, gather_one, &g);
    if (rc == 0 && g.n)
        count_partner(&g);
    if (rc == 0)
        rc = p->posthouse
                 ? store_scorecard_publications(o->db, 0, p->id, pe->until, count_publication, &c)
                 : store_scorecard_publications(o->db, p->id, 0, pe->until, count_publication, &c);
    if (rc == 0)
        *out = card_json(p, pe, &c.s);
    free(g.d);
    scorecard_free(&c.s);
    return rc < 0 ? op_failed(o, rc) : 0;
}

int scorecard_view(struct op *o, int64_t partner_id, const char *from, const char *to, json_t **out)
{
    *out = NULL;
    struct partner p;
    int rc = op_allow_partner(o, ACT_SCORECARD_READ, partner_id, &p);
    struct period pe;
    if (rc < 0 || (rc = period_of(o, p.time_zone, from, to, &pe)) < 0)
        return rc;
    return card_of(o, &p, &pe, out);
}

/* ---- every partner (the export) ---- */

struct each_ctx {
    struct op *o;
    const char *from, *to;
    struct partner *partners; /* in id order */
    json_t **cards;           /* the posthouses' cards, read before the pass (NULL: others) */
    struct sc_titles *titles; /* each partner's title counts, read before the pass */
    size_t pub_at;            /* the partner the publications being read are of */
    size_t n_partners, cap;
    size_t next;          /* the next partner to report */
    struct gather gather; /* deliveries of the partner being read */
    int (*fn)(json_t *, void *);
    void *fn_ctx;
    int rc; /* OP_REFUSED from a period, or a store error */
};

static int add_partner(const struct partner *p, void *ctx)
{
    struct each_ctx *e = ctx;
    if (e->n_partners == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 64;
        e->partners = xrealloc(e->partners, e->cap * sizeof *e->partners);
    }
    e->partners[e->n_partners++] = *p;
    return 0;
}

/* Reports partner i with deliveries d[0..n): 1 when the caller should stop. */
static int report(struct each_ctx *e, size_t i, const struct sc_delivery *d, size_t n)
{
    const struct partner *p = &e->partners[i];
    struct period pe;
    if ((e->rc = period_of(e->o, p->time_zone, e->from, e->to, &pe)) < 0)
        return 1;
    json_t *card = e->cards[i];
    e->cards[i] = NULL;
    if (!card) {
        struct scorecard s;
        scorecard_init(&s);
        scorecard_count(&s, d, n, pe.from, pe.until, 0);
        s.titles = e->titles[i];
        card = card_json(p, &pe, &s);
        scorecard_free(&s);
    }
    int stop = e->fn(card, e->fn_ctx);
    json_decref(card);
    return stop;
}

/* Reports every partner before id (those with no deliveries), then stops before it. */
static int report_until(struct each_ctx *e, int64_t id)
{
    while (e->next < e->n_partners && e->partners[e->next].id < id)
        if (report(e, e->next++, NULL, 0))
            return 1;
    return 0;
}

static int each_done(struct gather *g)
{
    struct each_ctx *e = g->ctx;
    if (report_until(e, g->partner_id))
        return 1;
    if (e->next < e->n_partners && e->partners[e->next].id == g->partner_id)
        return report(e, e->next++, g->d, g->n);
    return 0;
}

/* Counts a publication into its partner's title counts (partners and publications in id order). */
static int each_publication(int64_t partner_id, const struct sc_publication *pub, void *ctx)
{
    struct each_ctx *e = ctx;
    while (e->pub_at < e->n_partners && e->partners[e->pub_at].id < partner_id)
        e->pub_at++;
    if (e->pub_at == e->n_partners || e->partners[e->pub_at].id != partner_id)
        return 0;
    struct period pe;
    if ((e->rc = period_of(e->o, e->partners[e->pub_at].time_zone, e->from, e->to, &pe)) < 0)
        return 1;
    scorecard_count_publication(&e->titles[e->pub_at], pub, pe.from, pe.until);
    return 0;
}

int scorecards_each(struct op *o, const char *from, const char *to, int (*fn)(json_t *card, void *),
                    void *ctx)
{
    int rc = op_allow(o, ACT_STAFF_VIEW, SCOPE_NONE, NULL, NULL);
    if (rc < 0)
        return rc;
    struct each_ctx e = {.o = o, .from = from, .to = to, .fn = fn, .fn_ctx = ctx};
    e.gather.done = each_done;
    e.gather.ctx = &e;
    /* the end of the latest period any zone can have: deliveries after it never count */
    struct civil_date d;
    int64_t until = o->now + 2 * 86400;
    if (to && *to && date_parse(to, &d) == 0)
        until = (days_from_civil(d.year, d.month, d.day) + 2) * 86400;
    rc = store_partner_each(o->db, o->a, NULL, 0, add_partner, &e);
    e.cards = xcalloc(e.n_partners + 1, sizeof *e.cards);
    e.titles = xcalloc(e.n_partners + 1, sizeof *e.titles);
    if (rc == 0)
        rc = store_scorecard_publications(o->db, 0, 0, until, each_publication, &e);
    /* a posthouse's deliveries cross partners: its card is its own read, made before the pass
       over every delivery (no read runs inside another) */
    for (size_t i = 0; rc == 0 && e.rc == 0 && i < e.n_partners; i++) {
        struct period pe;
        if (e.partners[i].posthouse &&
            (e.rc = period_of(o, e.partners[i].time_zone, from, to, &pe)) == 0)
            e.rc = card_of(o, &e.partners[i], &pe, &e.cards[i]);
    }
    if (rc == 0 && e.rc == 0)
        rc = store_scorecard_deliveries(o->db, 0, 0, until, gather_one, &e.gather);
    if (rc == 0 && e.rc == 0 && !(e.gather.n && each_done(&e.gather)))
        report_until(&e, INT64_MAX);
    for (size_t i = 0; i < e.n_partners; i++)
        json_decref(e.cards[i]);
    free(e.cards);
    free(e.titles);
    free(e.gather.d);
    free(e.partners);
    if (rc < 0)
        return op_failed(o, rc);
    return e.rc < 0 ? e.rc : 0;
}
