/* chart.h -- charts drawn by logjam itself: LTTB downsampling, nice axis ticks, inline SVG line
 * charts (with shaded bands and phase markers), and a unicode sparkline for the terminal. */
#ifndef LJ_CHART_H
#define LJ_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CHART_MAX_POINTS 600 /* points per series in an SVG after downsampling */
#define CHART_MAX_TICKS 12

struct chart_point {
    double x, y;
};

/* Largest-Triangle-Three-Buckets downsampling of in[0..n) (x ascending) to at most `want`
 * points in out (room for `want` points). The first and last points and the global minimum
 * and maximum of y are always kept; the other points are LTTB's picks between them. When
 * n <= want the points are copied. want < 4 is taken as 4. Returns the number written. */
size_t chart_lttb(const struct chart_point *in, size_t n, struct chart_point *out, size_t want);

/* "Nice" axis ticks (1, 2, 5 x 10^k) covering [lo, hi] with at most max_ticks ticks (2..
 * CHART_MAX_TICKS). Writes the ticks to ticks[] and returns their count; the first tick is
 * <= lo and the last >= hi. lo == hi is widened. */
unsigned chart_ticks(double lo, double hi, unsigned max_ticks, double *ticks);

/* How tick labels and data-* attributes are formatted. */
enum chart_unit { CHART_COUNT = 0, CHART_BYTES, CHART_RATE, CHART_SECONDS };

/* Format v for an axis label ("120k", "1.5GiB", "2.5s") into buf; returns buf. */
char *chart_format(double v, enum chart_unit unit, char *buf, size_t len);

struct chart_series {
    const char *label;             /* legend text (escaped on output) */
    const struct chart_point *pts; /* x = seconds since the run started */
    size_t n;
    const char *color; /* CSS color */
    bool dashed;
    double gap; /* points farther apart in x than this are not joined (samples are missing
                   between them); 0: always joined */
    bool dots;  /* a dot per point, no line (values of separate things, not a curve) */
};

/* A shaded span behind the lines, e.g. the logger in sync mode. */
struct chart_band {
    double x0, x1;
    const char *color; /* CSS color, drawn translucent */
};

struct chart_marker {
    double x;
    const char *label; /* drawn at the top, right of the line */
};

struct chart_spec {
    const char *id;    /* the svg element's id */
    const char *title; /* drawn above the plot */
    enum chart_unit unit;
    unsigned width, height; /* pixels; 0 = 1100 x 260 */
    const struct chart_series *series;
    size_t nseries;
    const struct chart_band *bands;
    size_t nbands;
    const struct chart_marker *markers;
    size_t nmarkers;
    const char *note; /* extra text right of the title (e.g. "p99 412ms"), NULL for none */
    double x0, x1;    /* x axis range when x1 > x0 (charts of one run share it); else the data's */
    bool x_count;     /* x tick labels as counts (an axis value, logjam limit), not seconds */
    const char *const *x_names; /* when set: x is a category, point x = i + 1 is x_names[i] */
    size_t nx_names;            /* (a tick and its name per category, x from 0.5 to n + 0.5) */
    bool y_log; /* y on a log10 scale: ticks at powers of ten (1k, 10k, 100k) spanning the
                   data; values <= 0 sit on the bottom tick */
};

/* Write one <svg> line chart to f: y from 0 (or the data minimum when negative) to a nice
 * maximum (y_log: from the power of ten at or below the smallest positive value to the one at
 * or above the largest, data-y-scale="log"), x over the data; each series cut into runs at its gaps
 * (a new subpath "M" per run, so missing samples show as a break, never as a line across them),
 * each run downsampled with chart_lttb to its share of CHART_MAX_POINTS, and drawn as one <path>;
 * bands behind, markers as dashed vertical lines; a legend when there is more than one series. The
 * svg carries the plotted data's range as attributes: data-min, data-max (over all series, exact,
 * before downsampling: LTTB keeps the extremes), data-points (raw point count) and data-y-top (the
 * axis top). Every text is escaped. Returns 0, or -1 on a write error. */
int chart_svg(FILE *f, const struct chart_spec *spec);

/* Write s to f with &, <, >, " and ' escaped for HTML text and attribute values. */
void chart_escape(FILE *f, const char *s);

/* A unicode sparkline of v[0..n) in `width` cells (each the max of its slice of v), scaled
 * from min to max of v onto ▁▂▃▄▅▆▇█ (all ▁ when flat). Writes UTF-8 into out (len bytes;
 * 3 bytes per cell + NUL needed) and returns the number of cells written. */
size_t chart_sparkline(const double *v, size_t n, size_t width, char *out, size_t len);

#endif
