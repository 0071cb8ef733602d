/*
 * Checks shared by the tests of the SVG charts (web/svg_*.c): the markup is
 * well-formed XML, and every coordinate is a finite number inside the
 * picture (no NaN, no infinity, nothing below 0 or beyond 5000).
 */
#ifndef VG_T_SVG_H
#define VG_T_SVG_H

#include <libxml/parser.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

static inline bool svg_well_formed(const struct buf *b)
{
    xmlDocPtr doc = xmlReadMemory(b->data, (int)b->len, "chart.svg", "UTF-8",
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    bool ok = doc != NULL;
    xmlFreeDoc(doc);
    return ok;
}

/* True when every coordinate attribute is a finite number inside the viewBox width. */
static inline bool svg_coordinates_sane(const char *svg)
{
    static const char *const attrs[] = {" x=\"",  " x1=\"", " x2=\"", " y=\"",     " y1=\"",
                                        " y2=\"", " cx=\"", " cy=\"", " width=\"", " height=\""};
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
        for (const char *p = strstr(svg, attrs[i]); p; p = strstr(p + 1, attrs[i])) {
            char *end;
            double v = strtod(p + strlen(attrs[i]), &end);
            if (*end != '"' || !isfinite(v) || v < 0 || v > 5000)
                return false;
        }
    }
    return !strstr(svg, "nan") && !strstr(svg, "inf") && !strstr(svg, "NaN");
}

#endif
