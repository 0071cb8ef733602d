/*
 * A scorecard's rules: see scorecard.h. One pass over a partner's deliveries
 * in id order: each delivery finds the root of its chain by its previous_id
 * (a binary search: previous ids are always smaller), and each chain keeps
 * the list of its failed results still waiting for a pass (linked through an
 * index array), so the cost is n log n whatever the number of chains.
 */
#include "core/scorecard.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

void scorecard_init(struct scorecard *s)
{
    memset(s, 0, sizeof *s);
}

void scorecard_free(struct scorecard *s)
{
    free(s->fix_seconds);
    free(s->open_ids);
    memset(s, 0, sizeof *s);
}

static void push(int64_t **v, size_t *cap, int64_t n, int64_t x)
{
    if ((size_t)n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *v = xrealloc(*v, *cap * sizeof **v);
    }
    (*v)[n] = x;
}

/* The index of id in d[0..n) (ascending ids), or -1. */
static long find(const struct sc_delivery *d, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d[mid].id == id)
            return (long)mid;
        if (d[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

void scorecard_count(struct scorecard *s, const struct sc_delivery *d, size_t n, int64_t from,
                     int64_t until, int64_t by_org)
{
    if (n == 0)
        return;
    /* root[i]: the chain's first delivery; head/tail[root]: its failed results awaiting a pass,
       linked by next[] (-1 ends) */
    long *root = xmalloc(n * sizeof *root), *head = xmalloc(n * sizeof *head),
         *tail = xmalloc(n * sizeof *tail), *next = xmalloc(n * sizeof *next);
    for (size_t i = 0; i < n; i++) {
        head[i] = tail[i] = next[i] = -1;
        long p = d[i].previous_id ? find(d, i, d[i].previous_id) : -1;
        root[i] = p >= 0 ? root[p] : (long)i;
    }
    for (size_t i = 0; i < n; i++) {
        const struct sc_delivery *x = &d[i];
        if (x->received_at >= until)
            continue;
        bool mine = !by_org || x->by_org == by_org;
        bool in_period = x->received_at >= from;
        if (mine && in_period) {
            s->n_deliveries++;
            if (x->request_id) {
                s->n_requested++;
                s->n_on_time += !x->late;
            }
            if (!x->previous_id && x->status != SC_VALIDATING) {
                s->n_first_results++;
                s->n_first_passed += x->status == SC_PASSED;
            }
        }
        long r = root[i];
        if (x->status == SC_FAILED) {
            if (tail[r] >= 0)
                next[tail[r]] = (long)i;
            else
                head[r] = (long)i;
            tail[r] = (long)i;
        } else if (x->status == SC_PASSED) {
            for (long f = head[r]; f >= 0; f = next[f]) {
                if (!(mine && in_period))
                    continue;
                int64_t failed_at = d[f].validated_at ? d[f].validated_at : d[f].received_at;
                int64_t took = x->received_at - failed_at;
                push(&s->fix_seconds, &s->fix_cap, s->n_fixes, took > 0 ? took : 0);
                s->n_fixes++;
            }
            head[r] = tail[r] = -1;
        }
    }
    /* chains still failed as of until, named by their latest failure, in id order */
    for (size_t i = 0; i < n; i++) {
        if (root[i] != (long)i || tail[i] < 0)
            continue;
        const struct sc_delivery *last = &d[tail[i]];
        if (by_org && last->by_org != by_org)
            continue;
        push(&s->open_ids, &s->open_cap, s->n_open_defects, last->id);
        s->n_open_defects++;
    }
    free(root);
    free(head);
    free(tail);
    free(next);
}

void scorecard_count_publication(struct sc_titles *t, const struct sc_publication *p, int64_t from,
                                 int64_t until)
{
    if (!p->published_at || p->published_at >= until)
        return;
    if (p->title_id != t->last_title) {
        t->n_live++;
        t->last_title = p->title_id;
    }
    if (p->published_at >= from && p->publish_by) {
        t->n_published_of++;
        t->n_published_on_time += p->published_at < p->publish_by;
    }
}

bool scorecard_rate(int64_t n, int64_t of, double *rate)
{
    if (of <= 0)
        return false;
    *rate = (double)n / (double)of;
    return true;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

bool scorecard_median(int64_t *v, size_t n, double *median)
{
    if (n == 0)
        return false;
    qsort(v, n, sizeof *v, cmp_i64);
    *median = n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
    return true;
}

bool scorecard_median_fix_hours(struct scorecard *s, double *hours)
{
    double m;
    if (!scorecard_median(s->fix_seconds, (size_t)s->n_fixes, &m))
        return false;
    *hours = round(m / 360.0) / 10.0;
    return true;
}
