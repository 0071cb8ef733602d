/*
 * TTML captions (W3C TTML1/TTML2, and the DFXP and IMSC profiles of it).
 *
 * The document is read with the hardened XML reader (xmlsafe.h: no
 * entities, no network, size and depth limits), so a malformed file gets
 * xml.* findings with their lines. Then: the root is <tt> in a TTML
 * namespace with xml:lang; every begin, end and dur is a valid time
 * expression under the document's ttp:frameRate, ttp:frameRateMultiplier
 * and ttp:tickRate (clock times HH:MM:SS.fff or HH:MM:SS:FF, offsets 12.5s,
 * 500ms, 30f, 100t); times nest (a child's begin counts from its parent's,
 * as in TTML's default par timing); each <p> is a cue whose end must follow
 * its begin and fall inside the video.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/captions.h"
#include "check/xmlsafe.h"

#define CLAUSE            "W3C TTML1 Sec. 10.3 (timing), as VOD timed-text specifications require"
#define NS_TTP            "http://www.w3.org/ns/ttml#parameter"
#define MAX_TIME_FINDINGS 20

struct ttml {
    struct cap_ctx *c;
    double fps;       /* effective frame rate */
    double sub_fps;   /* sub-frame rate */
    double tick_rate; /* ticks per second */
    int n_time_findings;
};

static bool tt_namespace(const char *ns)
{
    return ns && (!strcmp(ns, "http://www.w3.org/ns/ttml") ||
                  !strcmp(ns, "http://www.w3.org/2006/10/ttaf1") ||
                  !strcmp(ns, "http://www.w3.org/2006/04/ttaf1"));
}

static bool ttp_namespace(const char *ns)
{
    return ns && (!strcmp(ns, NS_TTP) || !strcmp(ns, "http://www.w3.org/2006/10/ttaf1#parameter") ||
                  !strcmp(ns, "http://www.w3.org/2006/04/ttaf1#parameter"));
}

/* The value of the ttp: parameter attribute name on node, or NULL (malloc'd). */
static char *ttp_attr(const xmlNode *node, const char *name)
{
    for (const xmlAttr *a = node->properties; a; a = a->next) {
        if (!strcmp((const char *)a->name, name) && a->ns &&
            ttp_namespace((const char *)a->ns->href)) {
            xmlChar *v = xmlNodeGetContent((const xmlNode *)a);
            char *r = xstrdup((const char *)v);
            xmlFree(v);
            return r;
        }
    }
    return NULL;
}

/* Parses a TTML time expression into seconds. Returns false when it is not one. */
static bool ttml_time(const struct ttml *t, const char *s, double *out)
{
    while (isspace((unsigned char)*s))
        s++;
    if (!isdigit((unsigned char)*s))
        return false;
    const char *p = s;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p == ':') {
        /* clock-time: hours ":" minutes ":" seconds (fraction | ":" frames ("." sub)?)? */
        if (p - s < 2)
            return false;
        double h = strtod(s, NULL);
        if (!isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]) || p[3] != ':' ||
            !isdigit((unsigned char)p[4]) || !isdigit((unsigned char)p[5]))
            return false;
        int m = (p[1] - '0') * 10 + (p[2] - '0');
        int sec = (p[4] - '0') * 10 + (p[5] - '0');
        if (m > 59 || sec > 60)
            return false;
        double v = h * 3600 + m * 60 + sec;
        p += 6;
        if (*p == '.') {
            const char *f = p;
            p++;
            if (!isdigit((unsigned char)*p))
                return false;
            while (isdigit((unsigned char)*p))
                p++;
            v += strtod(f, NULL);
        } else if (*p == ':') {
            p++;
            if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
                return false;
            int fr = (p[0] - '0') * 10 + (p[1] - '0');
            p += 2;
            while (isdigit((unsigned char)*p)) { /* three-digit frame numbers at high rates */
                if (fr > 100000)
                    return false;
                fr = fr * 10 + (*p++ - '0');
            }
            if (fr >= (int)ceil(t->fps))
                return false;
            double sub = 0;
            if (*p == '.') {
                p++;
                if (!isdigit((unsigned char)*p))
                    return false;
                sub = strtod(p, (char **)&p);
            }
            v += fr / t->fps + sub / (t->fps * t->sub_fps);
        }
        while (isspace((unsigned char)*p))
            p++;
        if (*p)
            return false;
        *out = v;
        return true;
    }
    /* offset-time: time-count fraction? metric */
    char *q = NULL;
    double n = strtod(s, &q);
    if (q == s || n < 0)
        return false;
    const char *metric = q;
    double v;
    if (!strncmp(metric, "ms", 2)) {
        v = n / 1000;
        metric += 2;
    } else if (*metric == 'h') {
        v = n * 3600;
        metric++;
    } else if (*metric == 'm') {
        v = n * 60;
        metric++;
    } else if (*metric == 's') {
        v = n;
        metric++;
    } else if (*metric == 'f') {
        v = n / t->fps;
        metric++;
    } else if (*metric == 't') {
        v = n / t->tick_rate;
        metric++;
    } else {
        return false;
    }
    while (isspace((unsigned char)*metric))
        metric++;
    if (*metric || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static bool timing_attr(struct ttml *t, const xmlNode *n, const char *name, double *out)
{
    char *v = xmlsafe_attr(n, name);
    if (!v)
        return false;
    bool ok = ttml_time(t, v, out);
    if (!ok && t->n_time_findings++ < MAX_TIME_FINDINGS) {
        char obs[96];
        snprintf(obs, sizeof obs, "%s=\"%.60s\"", name, v);
        struct cap_ev ev = {.observed = obs,
                            .expected = "a TTML time: 00:01:02.500, 00:01:02:12 (frames), "
                                        "62.5s, 1500ms, 30f or 100t",
                            .clause = CLAUSE,
                            .fix = "Write the time as a clock time or an offset with its unit."};
        cap_report(t->c, xmlsafe_line(n), SEV_ERROR, "ttml.time.invalid", &ev,
                   "The %s time cannot be read.", name);
    }
    free(v);
    return ok;
}

static bool has_text(const xmlNode *n)
{
    xmlChar *c = xmlNodeGetContent(n);
    bool any = false;
    for (const xmlChar *p = c; p && *p && !any; p++)
        any = !isspace(*p);
    xmlFree(c);
    return any;
}

/*
 * Walks the timed elements under n: begin counts from the parent's begin, end likewise, dur from
 * the element's own begin; an element without an end ends with its parent (pend < 0: unknown).
 */
static void walk(struct ttml *t, const xmlNode *n, double pbegin, double pend, int depth)
{
    for (const xmlNode *e = n->children; e; e = e->next) {
        if (e->type != XML_ELEMENT_NODE || depth > XMLSAFE_MAX_DEPTH)
            continue;
        double b = 0, en = 0, dur = 0;
        bool has_b = timing_attr(t, e, "begin", &b);
        bool has_e = timing_attr(t, e, "end", &en);
        bool has_d = timing_attr(t, e, "dur", &dur);
        double begin = pbegin + (has_b ? b : 0);
        double end = has_e ? pbegin + en : has_d ? begin + dur : pend;
        if (has_e && has_d && begin + dur < end)
            end = begin + dur;
        if (pend >= 0 && end > pend)
            end = pend; /* a child cannot outlive its parent */
        bool unreadable_end = (!has_e && xmlHasProp(e, (const xmlChar *)"end")) ||
                              (!has_d && xmlHasProp(e, (const xmlChar *)"dur"));
        if (!strcmp((const char *)e->name, "p") && has_text(e)) {
            if (end < 0 && unreadable_end) {
                t->c->n_cues++; /* its time was reported as unreadable */
            } else if (end < 0) {
                struct cap_ev ev = {.observed = "no end or dur here or above",
                                    .expected = "a begin and an end (or dur) for each caption",
                                    .clause = CLAUSE,
                                    .fix = "Give the caption its end time."};
                cap_report(t->c, xmlsafe_line(e), SEV_ERROR, "ttml.time.missing", &ev,
                           "This caption has no end time, so it would stay on screen.");
                t->c->n_cues++;
            } else {
                cap_cue(t->c, xmlsafe_line(e), begin, end, CLAUSE);
            }
        }
        walk(t, e, begin, end, depth + 1);
    }
}

void captions_ttml_parse(struct cap_ctx *c, const char *data, size_t len)
{
    xmlDocPtr doc = NULL;
    if (xmlsafe_parse(data, len, c->file, NULL, c->out, &doc) != 0)
        return;
    xmlNode *root = xmlDocGetRootElement(doc);
    const char *ns = root && root->ns ? (const char *)root->ns->href : NULL;
    if (!root || strcmp((const char *)root->name, "tt") != 0 || !tt_namespace(ns)) {
        char obs[160];
        snprintf(obs, sizeof obs, "<%.40s> in %.90s", root ? (const char *)root->name : "",
                 ns ? ns : "no namespace");
        struct cap_ev ev = {.observed = obs,
                            .expected = "<tt xmlns=\"http://www.w3.org/ns/ttml\">",
                            .clause = "W3C TTML1 Sec. 7.1.1 tt",
                            .fix = "Deliver a TTML document (root <tt> in the TTML namespace)."};
        cap_report(c, xmlsafe_line(root), SEV_ERROR, "ttml.root.invalid", &ev,
                   "The file is not a TTML document.");
        xmlFreeDoc(doc);
        return;
    }
    xmlChar *lang = xmlNodeGetLang(root);
    if (!lang || !*lang) {
        struct cap_ev ev = {.observed = "no xml:lang",
                            .expected = "xml:lang on <tt> (e.g. xml:lang=\"en\")",
                            .clause = "W3C TTML1 Sec. 7.1.1 tt (xml:lang is required)",
                            .fix = "Say the captions' language on the root element."};
        cap_report(c, xmlsafe_line(root), SEV_WARNING, "ttml.lang.missing", &ev,
                   "The document does not say its language.");
    }
    xmlFree(lang);
    struct ttml t = {.c = c, .fps = 30, .sub_fps = 1, .tick_rate = 1};
    char *fr = ttp_attr(root, "frameRate");
    char *frm = ttp_attr(root, "frameRateMultiplier");
    char *tr = ttp_attr(root, "tickRate");
    char *sfr = ttp_attr(root, "subFrameRate");
    if (fr && atof(fr) > 0 && atof(fr) < 1000)
        t.fps = atof(fr);
    if (frm) {
        double a = 0, b = 0;
        if (sscanf(frm, "%lf %lf", &a, &b) == 2 && a > 0 && b > 0)
            t.fps = t.fps * a / b;
    }
    if (sfr && atof(sfr) >= 1)
        t.sub_fps = atof(sfr);
    t.tick_rate = tr && atof(tr) > 0 ? atof(tr) : fr ? t.fps * t.sub_fps : 1;
    free(fr);
    free(frm);
    free(tr);
    free(sfr);
    walk(&t, root, 0, -1, 0);
    cap_finish(c, "TTML");
    xmlFreeDoc(doc);
}
