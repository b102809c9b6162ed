/* chart.c -- charts drawn by logjam itself: LTTB downsampling, nice axis ticks, inline SVG line
 * charts, and a unicode sparkline for the terminal. No state, no allocation beyond one
 * downsampling buffer per series. */
#include "chart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHART_W 1100
#define CHART_H 260
#define CHART_LEFT 72
#define CHART_RIGHT 24
#define CHART_TOP 34
#define CHART_BOTTOM 28
#define CHART_LEGEND_ROW 16
#define CHART_LEGEND_ITEM_W 210

/* ---- LTTB --------------------------------------------------------------------------- */

/* in[a], then `picks` LTTB picks strictly between a and b (in[b] is the caller's). Returns
 * the number of points written to out. */
static size_t lttb_segment(const struct chart_point *in, size_t a, size_t b, size_t picks,
                           struct chart_point *out)
{
    size_t m = b - a - 1, k = 0, prev = a;
    out[k++] = in[a];
    if (picks >= m) {
        memcpy(out + k, in + a + 1, m * sizeof *in);
        return k + m;
    }
    double every = (double)m / (double)picks;
    for (size_t i = 0; i < picks; i++) {
        size_t s = a + 1 + (size_t)floor((double)i * every);
        size_t e = a + 1 + (size_t)floor((double)(i + 1) * every);
        if (e > b)
            e = b;
        if (e <= s)
            e = s + 1;
        /* the average of the next bucket (or the segment's end point for the last) */
        double ax = in[b].x, ay = in[b].y;
        if (i + 1 < picks) {
            size_t ne = a + 1 + (size_t)floor((double)(i + 2) * every);
            if (ne > b)
                ne = b;
            if (ne > e) {
                ax = ay = 0;
                for (size_t j = e; j < ne; j++) {
                    ax += in[j].x;
                    ay += in[j].y;
                }
                ax /= (double)(ne - e);
                ay /= (double)(ne - e);
            }
        }
        size_t best = s;
        double best_area = -1;
        for (size_t j = s; j < e; j++) {
            double area = fabs((in[prev].x - ax) * (in[j].y - in[prev].y) -
                               (in[prev].x - in[j].x) * (ay - in[prev].y));
            if (area > best_area) {
                best_area = area;
                best = j;
            }
        }
        out[k++] = in[best];
        prev = best;
    }
    return k;
}

size_t chart_lttb(const struct chart_point *in, size_t n, struct chart_point *out, size_t want)
{
    size_t anchor[4] = {0}, nanchor = 0, imin = 0, imax = 0;
    if (want < 4)
        want = 4;
    if (n <= want) {
        if (n)
            memcpy(out, in, n * sizeof *in);
        return n;
    }
    for (size_t i = 1; i < n; i++) {
        if (in[i].y < in[imin].y)
            imin = i;
        if (in[i].y > in[imax].y)
            imax = i;
    }
    /* anchors: first, the extremes in x order, last - LTTB runs between them */
    size_t cand[4] = {0, imin < imax ? imin : imax, imin < imax ? imax : imin, n - 1};
    for (size_t i = 0; i < 4; i++)
        if (nanchor == 0 || cand[i] != anchor[nanchor - 1])
            anchor[nanchor++] = cand[i];
    size_t budget = want - nanchor, total = n - nanchor, q[3] = {0, 0, 0}, given = 0;
    for (size_t i = 0; i + 1 < nanchor; i++) {
        size_t m = anchor[i + 1] - anchor[i] - 1;
        q[i] = total ? budget * m / total : 0;
        given += q[i];
    }
    while (given < budget) { /* largest segments first would be nicer; any order is exact */
        for (size_t i = 0; i + 1 < nanchor && given < budget; i++) {
            if (q[i] < anchor[i + 1] - anchor[i] - 1) {
                q[i]++;
                given++;
            }
        }
    }
    size_t k = 0;
    for (size_t i = 0; i + 1 < nanchor; i++)
        k += lttb_segment(in, anchor[i], anchor[i + 1], q[i], out + k);
    out[k++] = in[n - 1];
    return k;
}

/* ---- ticks ---------------------------------------------------------------------------- */

static double nice_num(double x, bool round_it)
{
    double e = floor(log10(x)), f = x / pow(10, e), nf;
    if (round_it)
        nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    else
        nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nf * pow(10, e);
}

unsigned chart_ticks(double lo, double hi, unsigned max_ticks, double *ticks)
{
    if (max_ticks < 2)
        max_ticks = 2;
    if (max_ticks > CHART_MAX_TICKS)
        max_ticks = CHART_MAX_TICKS;
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    if (hi < lo) {
        double t = hi;
        hi = lo;
        lo = t;
    }
    if (hi - lo < 1e-12 * (fabs(hi) + 1)) {
        if (hi == 0)
            hi = 1;
        else if (hi > 0)
            lo = 0;
        else
            hi = 0;
    }
    double step = nice_num(nice_num(hi - lo, false) / (max_ticks - 1), true);
    double first = 0, last = 0;
    unsigned n = 0;
    for (int guard = 0; guard < 8; guard++) {
        first = floor(lo / step) * step;
        last = ceil(hi / step) * step;
        n = (unsigned)llround((last - first) / step) + 1;
        if (n <= max_ticks)
            break;
        step = nice_num(step * 1.01, false) == step ? nice_num(step * 2, false)
                                                    : nice_num(step * 1.01, false);
    }
    if (n > max_ticks)
        n = max_ticks;
    for (unsigned i = 0; i < n; i++) {
        double t = first + step * i;
        ticks[i] = fabs(t) < step * 1e-9 ? 0 : t;
    }
    if (ticks[n - 1] < hi)
        ticks[n - 1] = last;
    return n;
}

char *chart_format(double v, enum chart_unit unit, char *buf, size_t len)
{
    static const char *bytes[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    static const char *count[] = {"", "k", "M", "G", "T"};
    double a = fabs(v);
    int u = 0;
    switch (unit) {
    case CHART_BYTES:
        while (a >= 1024 && u < 4) {
            a /= 1024;
            u++;
        }
        snprintf(buf, len, "%s%.*f%s", v < 0 ? "-" : "", a >= 100 || a == floor(a) ? 0 : 1, a,
                 bytes[u]);
        break;
    case CHART_SECONDS:
        if (a < 1 && a > 0)
            snprintf(buf, len, "%gms", v * 1000);
        else
            snprintf(buf, len, "%gs", v);
        break;
    case CHART_COUNT:
    case CHART_RATE:
        while (a >= 1000 && u < 4) {
            a /= 1000;
            u++;
        }
        snprintf(buf, len, "%s%.*f%s%s", v < 0 ? "-" : "", a >= 100 || a == floor(a) ? 0 : 1, a,
                 count[u], unit == CHART_RATE ? "/s" : "");
        break;
    }
    return buf;
}

/* ---- SVG ------------------------------------------------------------------------------ */

void chart_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

struct frame {
    double x0, x1, y0, y1;           /* data range on the axes */
    bool log;                        /* y on a log10 scale (y0, y1 > 0) */
    double left, right, top, bottom; /* plot area in pixels */
};

static double px(const struct frame *fr, double x)
{
    return fr->left + (x - fr->x0) / (fr->x1 - fr->x0) * (fr->right - fr->left);
}

static double py(const struct frame *fr, double y)
{
    if (fr->log)
        return fr->bottom - (log10(fmax(y, fr->y0)) - log10(fr->y0)) /
                                (log10(fr->y1) - log10(fr->y0)) * (fr->bottom - fr->top);
    return fr->bottom - (y - fr->y0) / (fr->y1 - fr->y0) * (fr->bottom - fr->top);
}

/* Log-scale ticks: powers of ten from the one at or below lo (the smallest positive value;
 * 1 when none) to the one at or above hi, every second or third decade when they are many. */
static unsigned log_ticks(const struct chart_spec *sp, double hi, double *ticks)
{
    double lo = INFINITY;
    for (size_t s = 0; s < sp->nseries; s++)
        for (size_t i = 0; i < sp->series[s].n; i++)
            if (sp->series[s].pts[i].y > 0)
                lo = fmin(lo, sp->series[s].pts[i].y);
    int d0 = isfinite(lo) ? (int)floor(log10(lo)) : 0;
    int d1 = hi > 0 ? (int)ceil(log10(hi)) : d0 + 1;
    if (d1 <= d0)
        d1 = d0 + 1;
    int step = (d1 - d0 + CHART_MAX_TICKS - 2) / (CHART_MAX_TICKS - 1);
    unsigned n = 0;
    for (int d = d0; d < d1 + step && n < CHART_MAX_TICKS; d += step)
        ticks[n++] = pow(10, d);
    return n;
}

/* Everything chart_svg lays out before it writes: the data's extent, the plot area, the ticks. */
struct plot {
    unsigned w, h;              /* the svg's size, legend rows included */
    double ymin, ymax;          /* the data's y extent (0..1 when empty) */
    size_t npoints;             /* raw points over all series */
    bool empty;                 /* no points at all */
    unsigned per_row;           /* legend items per row */
    size_t legend_rows;         /* 0: no legend (one series) */
    struct frame fr;            /* axes range and plot area */
    double yt[CHART_MAX_TICKS]; /* y ticks, in the data's unit */
    double xt[CHART_MAX_TICKS]; /* x ticks, seconds */
    unsigned nyt, nxt;
};

/* The x and y extent of every series' points (0..1 when there are none), x widened to the
 * spec's range when it gives one. */
static void plot_extent(const struct chart_spec *sp, struct plot *pl, double *xmin, double *xmax)
{
    pl->ymin = INFINITY;
    pl->ymax = -INFINITY;
    *xmin = INFINITY;
    *xmax = -INFINITY;
    pl->npoints = 0;
    for (size_t s = 0; s < sp->nseries; s++) {
        for (size_t i = 0; i < sp->series[s].n; i++) {
            const struct chart_point *p = &sp->series[s].pts[i];
            *xmin = fmin(*xmin, p->x);
            *xmax = fmax(*xmax, p->x);
            pl->ymin = fmin(pl->ymin, p->y);
            pl->ymax = fmax(pl->ymax, p->y);
        }
        pl->npoints += sp->series[s].n;
    }
    pl->empty = pl->npoints == 0;
    if (pl->empty)
        *xmin = pl->ymin = 0, *xmax = pl->ymax = 1;
    if (sp->x1 > sp->x0) {
        *xmin = sp->x0;
        *xmax = sp->x1;
    }
    if (sp->x_names) {
        *xmin = 0.5;
        *xmax = (double)sp->nx_names + 0.5;
    }
    if (*xmax <= *xmin)
        *xmax = *xmin + 1;
}

/* Lay out the chart of sp: extent, legend rows above the plot, plot area, ticks. */
static void plot_layout(const struct chart_spec *sp, struct plot *pl)
{
    double xmin, xmax;
    pl->w = sp->width ? sp->width : CHART_W;
    pl->h = sp->height ? sp->height : CHART_H;
    plot_extent(sp, pl, &xmin, &xmax);

    pl->per_row = (pl->w - CHART_LEFT - CHART_RIGHT) / CHART_LEGEND_ITEM_W;
    pl->legend_rows = sp->nseries > 1 ? (sp->nseries + pl->per_row - 1) / pl->per_row : 0;
    pl->fr = (struct frame){.left = CHART_LEFT,
                            .right = pl->w - CHART_RIGHT,
                            .top = CHART_TOP + (pl->legend_rows ? 8 : 0) +
                                   (double)pl->legend_rows * CHART_LEGEND_ROW};
    pl->h += (unsigned)pl->legend_rows * CHART_LEGEND_ROW + (pl->legend_rows ? 8 : 0);
    pl->fr.bottom = pl->h - CHART_BOTTOM;

    /* bytes: ticks nice in the binary unit the axis speaks (0, 256MiB, 512MiB...) */
    double scale = 1;
    while (sp->unit == CHART_BYTES && fmax(fabs(pl->ymin), fabs(pl->ymax)) / scale >= 1024 &&
           scale < 1099511627776.0)
        scale *= 1024;
    if (sp->y_log) {
        pl->nyt = log_ticks(sp, pl->ymax, pl->yt);
    } else {
        pl->nyt = chart_ticks(fmin(0, pl->ymin) / scale, pl->ymax / scale, 6, pl->yt);
        for (unsigned i = 0; i < pl->nyt; i++)
            pl->yt[i] *= scale;
    }
    pl->fr.log = sp->y_log;
    pl->nxt = chart_ticks(xmin, xmax, 11, pl->xt);
    pl->fr.y0 = pl->yt[0];
    pl->fr.y1 = pl->yt[pl->nyt - 1];
    pl->fr.x0 = xmin;
    pl->fr.x1 = xmax;
}

/* The <svg> start tag with its data-* attributes, the <title> and the visible title line. */
static void svg_open(FILE *f, const struct chart_spec *sp, const struct plot *pl)
{
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"");
    chart_escape(f, sp->id);
    fprintf(f, "\" width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" role=\"img\"", pl->w, pl->h,
            pl->w, pl->h);
    fprintf(f, " data-min=\"%.17g\" data-max=\"%.17g\" data-points=\"%zu\"",
            pl->empty ? 0 : pl->ymin, pl->empty ? 0 : pl->ymax, pl->npoints);
    fprintf(f,
            " data-y-bottom=\"%.17g\" data-y-top=\"%.17g\" data-y-scale=\"%s\""
            " data-plot-top=\"%.1f\" data-plot-bottom=\"%.1f\">\n",
            pl->fr.y0, pl->fr.y1, pl->fr.log ? "log" : "linear", pl->fr.top, pl->fr.bottom);
    fputs("<title>", f);
    chart_escape(f, sp->title);
    fputs("</title>\n", f);
    fprintf(f, "<text class=\"ct\" x=\"%d\" y=\"18\">", CHART_LEFT);
    chart_escape(f, sp->title);
    if (sp->note) {
        fputs("<tspan class=\"cn\" dx=\"14\">", f);
        chart_escape(f, sp->note);
        fputs("</tspan>", f);
    }
    fputs("</text>\n", f);
}

/* The shaded bands, clipped to the x axis (drawn first: behind everything). */
static void svg_bands(FILE *f, const struct chart_spec *sp, const struct frame *fr)
{
    for (size_t i = 0; i < sp->nbands; i++) {
        double x0 = fmax(sp->bands[i].x0, fr->x0), x1 = fmin(sp->bands[i].x1, fr->x1);
        if (x1 <= x0)
            continue;
        fprintf(f,
                "<rect class=\"band\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                "fill=\"",
                px(fr, x0), fr->top, px(fr, x1) - px(fr, x0), fr->bottom - fr->top);
        chart_escape(f, sp->bands[i].color);
        fputs("\" fill-opacity=\"0.22\"/>\n", f);
    }
}

/* A tick and the escaped name of each category, at x = 1..n. */
static void svg_x_names(FILE *f, const struct chart_spec *sp, const struct frame *fr)
{
    for (size_t i = 0; i < sp->nx_names; i++) {
        double x = px(fr, (double)i + 1);
        fprintf(f,
                "<line class=\"tick\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                "<text class=\"xl\" x=\"%.1f\" y=\"%.1f\">",
                x, fr->bottom, x, fr->bottom + 4, x, fr->bottom + 17);
        chart_escape(f, sp->x_names[i]);
        fputs("</text>\n", f);
    }
}

/* Grid lines with the y labels, then the x ticks (in x_unit) that fall on the axis. */
static void svg_axes(FILE *f, enum chart_unit unit, enum chart_unit x_unit, const struct plot *pl)
{
    const struct frame *fr = &pl->fr;
    char a[32];
    for (unsigned i = 0; i < pl->nyt; i++) {
        double y = py(fr, pl->yt[i]);
        fprintf(f,
                "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                "<text class=\"yl\" x=\"%.1f\" y=\"%.1f\">%s</text>\n",
                fr->left, y, fr->right, y, fr->left - 6, y + 4,
                chart_format(pl->yt[i], unit, a, sizeof a));
    }
    for (unsigned i = 0; i < pl->nxt; i++) {
        if (pl->xt[i] < fr->x0 - 1e-9 || pl->xt[i] > fr->x1 + 1e-9)
            continue;
        double x = px(fr, pl->xt[i]);
        fprintf(f,
                "<line class=\"tick\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                "<text class=\"xl\" x=\"%.1f\" y=\"%.1f\">%s</text>\n",
                x, fr->bottom, x, fr->bottom + 4, x, fr->bottom + 17,
                chart_format(pl->xt[i], x_unit, a, sizeof a));
    }
}

/* The phase markers that fall on the x axis: a dashed line and its label. */
static void svg_markers(FILE *f, const struct chart_spec *sp, const struct frame *fr)
{
    for (size_t i = 0; i < sp->nmarkers; i++) {
        if (sp->markers[i].x < fr->x0 || sp->markers[i].x > fr->x1)
            continue;
        double x = px(fr, sp->markers[i].x);
        fprintf(f, "<line class=\"mark\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x,
                fr->top, x, fr->bottom);
        fprintf(f, "<text class=\"ml\" x=\"%.1f\" y=\"%.1f\">", x + 4, fr->top + 12);
        chart_escape(f, sp->markers[i].label);
        fputs("</text>\n", f);
    }
}

/* One series (se->n > 0) as one <path>: a subpath per run between gaps, each run downsampled
 * to its share of CHART_MAX_POINTS. Returns 0, or -1 out of memory. */
static int svg_line(FILE *f, const struct chart_series *se, const struct frame *fr)
{
    struct chart_point *buf = malloc(se->n * sizeof *buf);
    if (!buf)
        return -1;
    fputs("<path class=\"line\" fill=\"none\" stroke=\"", f);
    chart_escape(f, se->color ? se->color : "#1f77b4");
    fprintf(f, "\"%s data-series=\"", se->dashed ? " stroke-dasharray=\"6 3\"" : "");
    chart_escape(f, se->label);
    fputs("\" d=\"", f);
    for (size_t from = 0, to; from < se->n; from = to) { /* one run between gaps */
        for (to = from + 1;
             to < se->n && !(se->gap > 0 && se->pts[to].x - se->pts[to - 1].x > se->gap); to++)
            ;
        size_t k =
            chart_lttb(se->pts + from, to - from, buf, CHART_MAX_POINTS * (to - from) / se->n);
        for (size_t i = 0; i < k; i++)
            fprintf(f, "%s%.2f %.2f", i ? " L" : (from ? " M" : "M"), px(fr, buf[i].x),
                    py(fr, buf[i].y));
    }
    fputs("\"/>\n", f);
    free(buf);
    return 0;
}

/* One series as a dot per point (no downsampling: a handful of values). */
static void svg_dots(FILE *f, const struct chart_series *se, const struct frame *fr)
{
    for (size_t i = 0; i < se->n; i++) {
        fputs("<circle class=\"dot\" r=\"5\" fill=\"", f);
        chart_escape(f, se->color ? se->color : "#1f77b4");
        fprintf(f, "\" cx=\"%.2f\" cy=\"%.2f\" data-series=\"", px(fr, se->pts[i].x),
                py(fr, se->pts[i].y));
        chart_escape(f, se->label);
        fputs("\"/>\n", f);
    }
}

/* The legend above the plot: a colour swatch and the label of each series, per_row a row. */
static void svg_legend(FILE *f, const struct chart_spec *sp, unsigned per_row)
{
    for (size_t s = 0; s < sp->nseries; s++) {
        double x = CHART_LEFT + (double)(s % per_row) * CHART_LEGEND_ITEM_W;
        double y = CHART_TOP + 4 + (double)(s / per_row) * CHART_LEGEND_ROW;
        fputs("<g class=\"lg\"><rect x=\"", f);
        fprintf(f, "%.1f\" y=\"%.1f\" width=\"14\" height=\"4\" fill=\"", x, y - 4);
        chart_escape(f, sp->series[s].color ? sp->series[s].color : "#1f77b4");
        fprintf(f, "\"/><text x=\"%.1f\" y=\"%.1f\">", x + 18, y);
        chart_escape(f, sp->series[s].label);
        fputs("</text></g>\n", f);
    }
}

int chart_svg(FILE *f, const struct chart_spec *sp)
{
    struct plot pl;
    plot_layout(sp, &pl);
    svg_open(f, sp, &pl);
    svg_bands(f, sp, &pl.fr);
    if (sp->x_names) {
        pl.nxt = 0; /* the categories' names instead of numeric x ticks */
        svg_axes(f, sp->unit, CHART_COUNT, &pl);
        svg_x_names(f, sp, &pl.fr);
    } else {
        svg_axes(f, sp->unit, sp->x_count ? CHART_COUNT : CHART_SECONDS, &pl);
    }
    svg_markers(f, sp, &pl.fr);
    for (size_t s = 0; s < sp->nseries; s++) {
        if (sp->series[s].dots)
            svg_dots(f, &sp->series[s], &pl.fr);
        else if (sp->series[s].n && svg_line(f, &sp->series[s], &pl.fr) < 0)
            return -1;
    }
    if (pl.legend_rows)
        svg_legend(f, sp, pl.per_row);
    if (pl.empty)
        fprintf(f, "<text class=\"empty\" x=\"%.1f\" y=\"%.1f\">no samples</text>\n",
                (pl.fr.left + pl.fr.right) / 2, (pl.fr.top + pl.fr.bottom) / 2);
    fputs("</svg>\n", f);
    return ferror(f) ? -1 : 0;
}

/* ---- sparkline ------------------------------------------------------------------------- */

size_t chart_sparkline(const double *v, size_t n, size_t width, char *out, size_t len)
{
    static const char *bars[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                 "\u2585", "\u2586", "\u2587", "\u2588"};
    size_t cells = n < width ? n : width, k = 0;
    double lo = INFINITY, hi = -INFINITY;
    if (len)
        out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        lo = fmin(lo, v[i]);
        hi = fmax(hi, v[i]);
    }
    for (size_t c = 0; c < cells && k + 4 <= len; c++) {
        size_t s = c * n / cells, e = (c + 1) * n / cells;
        double m = v[s];
        for (size_t i = s + 1; i < e; i++)
            m = fmax(m, v[i]);
        int level = hi > lo ? (int)lround((m - lo) / (hi - lo) * 7) : 0;
        if (level < 0)
            level = 0;
        if (level > 7)
            level = 7;
        memcpy(out + k, bars[level], 3);
        k += 3;
        out[k] = '\0';
    }
    return k / 3;
}
