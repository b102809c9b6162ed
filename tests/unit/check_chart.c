/* check_chart.c -- unit tests of LTTB downsampling, nice ticks, SVG output and sparklines. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "suites.h"

#define N_BIG 5000

static struct chart_point big[N_BIG], small_out[N_BIG];

/* A noisy wave with a single spike up at 3777 and down at 1234. */
static void fill_big(void)
{
    unsigned seed = 12345;
    for (size_t i = 0; i < N_BIG; i++) {
        seed = seed * 1103515245u + 12345u;
        big[i].x = (double)i * 0.25;
        big[i].y = 1000 + 500 * sin((double)i / 300.0) + (double)(seed >> 16) / 655.36;
    }
    big[3777].y = 99999;
    big[1234].y = -4242;
}

START_TEST(test_chart_lttb_keeps_count_ends_and_extremes)
{
    fill_big();
    size_t wants[] = {4, 5, 17, 600, 4999};
    for (size_t w = 0; w < sizeof wants / sizeof wants[0]; w++) {
        size_t k = chart_lttb(big, N_BIG, small_out, wants[w]);
        ck_assert_uint_eq(k, wants[w]);
        ck_assert(small_out[0].x == big[0].x && small_out[0].y == big[0].y);
        ck_assert(small_out[k - 1].x == big[N_BIG - 1].x);
        bool have_max = false, have_min = false;
        for (size_t i = 0; i < k; i++) {
            have_max = have_max || small_out[i].y == 99999;
            have_min = have_min || small_out[i].y == -4242;
            if (i)
                ck_assert_msg(small_out[i].x > small_out[i - 1].x, "x must stay ascending");
        }
        ck_assert_msg(have_max && have_min, "extremes lost at want=%zu", wants[w]);
    }
}
END_TEST

START_TEST(test_chart_lttb_copies_short_series)
{
    struct chart_point in[3] = {{0, 1}, {1, 5}, {2, 2}}, out[8];
    ck_assert_uint_eq(chart_lttb(in, 3, out, 600), 3);
    ck_assert(out[1].y == 5);
    ck_assert_uint_eq(chart_lttb(in, 0, out, 600), 0);
    /* want below 4 is taken as 4 */
    fill_big();
    ck_assert_uint_eq(chart_lttb(big, 10, small_out, 1), 4);
}
END_TEST

START_TEST(test_chart_lttb_keeps_extreme_at_the_edges)
{
    /* max at the first point and min at the last: anchors coincide, count still exact */
    for (size_t i = 0; i < 100; i++) {
        big[i].x = (double)i;
        big[i].y = 100.0 - (double)i;
    }
    ck_assert_uint_eq(chart_lttb(big, 100, small_out, 10), 10);
    ck_assert(small_out[0].y == 100 && small_out[9].y == 1);
}
END_TEST

START_TEST(test_chart_ticks_are_nice)
{
    double t[CHART_MAX_TICKS];
    unsigned n = chart_ticks(0, 118726, 6, t);
    ck_assert_uint_le(n, 6);
    ck_assert(t[0] == 0);
    ck_assert(t[n - 1] >= 118726);
    double step = t[1] - t[0];
    double mant = step / pow(10, floor(log10(step)));
    ck_assert_msg(fabs(mant - 1) < 1e-9 || fabs(mant - 2) < 1e-9 || fabs(mant - 5) < 1e-9,
                  "step %g is not 1, 2 or 5 x 10^k", step);
    for (unsigned i = 1; i < n; i++)
        ck_assert(fabs(t[i] - t[i - 1] - step) < 1e-6 * step);

    n = chart_ticks(0, 1000, 6, t);
    ck_assert(t[n - 1] == 1000);
    n = chart_ticks(0.2, 37.9, 11, t);
    ck_assert(t[0] <= 0.2 && t[n - 1] >= 37.9 && n <= 11);
    n = chart_ticks(5, 5, 6, t); /* flat: widened, still covers 5 */
    ck_assert(n >= 2 && t[0] <= 5 && t[n - 1] >= 5 && t[n - 1] > t[0]);
    n = chart_ticks(-30, 70, 6, t);
    ck_assert(t[0] <= -30 && t[n - 1] >= 70);
}
END_TEST

/* The pixel y of the highest point of the first <path> in svg. */
static double path_min_y(const char *svg)
{
    const char *d = strstr(svg, " d=\"M");
    ck_assert_ptr_nonnull(d);
    d += 5;
    double best = INFINITY;
    for (;;) {
        double x, y;
        int used = 0;
        if (sscanf(d, "%lf %lf%n", &x, &y, &used) != 2)
            break;
        best = fmin(best, y);
        d += used;
        if (strncmp(d, " L", 2) != 0)
            break;
        d += 2;
    }
    return best;
}

static double attr(const char *svg, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *p = strstr(svg, key);
    ck_assert_msg(p != NULL, "no %s", name);
    return strtod(p + strlen(key), NULL);
}

START_TEST(test_chart_svg_path_max_is_data_max)
{
    fill_big();
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct chart_series se = {.label = "procs <&>", .pts = big, .n = N_BIG, .color = "#c00"};
    struct chart_band band = {.x0 = 10, .x1 = 20, .color = "#f00"};
    struct chart_marker mk = {.x = 100, .label = "load"};
    struct chart_spec sp = {.id = "processes",
                            .title = "processes \"all\"",
                            .series = &se,
                            .nseries = 1,
                            .bands = &band,
                            .nbands = 1,
                            .markers = &mk,
                            .nmarkers = 1};
    ck_assert_int_eq(chart_svg(f, &sp), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "<svg"));
    ck_assert_ptr_nonnull(strstr(text, "id=\"processes\""));
    ck_assert(attr(text, "data-max") == 99999);
    ck_assert(attr(text, "data-min") == -4242);
    ck_assert(attr(text, "data-points") == N_BIG);
    double top = attr(text, "data-plot-top"), bottom = attr(text, "data-plot-bottom");
    double y0 = attr(text, "data-y-bottom"), y1 = attr(text, "data-y-top");
    ck_assert(y1 >= 99999 && y0 <= -4242);
    double want = bottom - (99999 - y0) / (y1 - y0) * (bottom - top);
    ck_assert_msg(fabs(path_min_y(text) - want) < 0.01, "path top %g, want %g", path_min_y(text),
                  want);
    /* text is escaped */
    ck_assert_ptr_nonnull(strstr(text, "processes &quot;all&quot;"));
    ck_assert_ptr_null(strstr(text, "procs <&>"));
    ck_assert_ptr_nonnull(strstr(text, "procs &lt;&amp;&gt;"));
    /* at most CHART_MAX_POINTS points drawn */
    size_t points = 1;
    for (const char *p = strstr(text, " d=\"M"); p && *p && *p != '/'; p++)
        points += p[0] == ' ' && p[1] == 'L';
    ck_assert_uint_eq(points, CHART_MAX_POINTS);
    free(text);
}
END_TEST

START_TEST(test_chart_svg_log_axis_ticks_at_powers_of_ten)
{
    static const struct chart_point pts[] = {{100, 150}, {200, 1000}, {300, 80000}};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct chart_series se = {.label = "peak", .pts = pts, .n = 3};
    struct chart_spec sp = {
        .id = "log", .title = "peak", .series = &se, .nseries = 1, .x_count = true, .y_log = true};
    ck_assert_int_eq(chart_svg(f, &sp), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "data-y-scale=\"log\""));
    ck_assert(attr(text, "data-y-bottom") == 100);
    ck_assert(attr(text, "data-y-top") == 100000);
    ck_assert_ptr_nonnull(strstr(text, ">1k</text>"));
    ck_assert_ptr_nonnull(strstr(text, ">10k</text>"));
    ck_assert_ptr_nonnull(strstr(text, ">100k</text>"));
    ck_assert_ptr_null(strstr(text, ">50k</text>")); /* no linear ticks */
    /* 1000 is one decade of three above the bottom: a third of the way up */
    double top = attr(text, "data-plot-top"), bottom = attr(text, "data-plot-bottom");
    const char *d = strstr(text, " d=\"M");
    double x0, y0, x1, y1;
    ck_assert_int_eq(sscanf(d, " d=\"M%lf %lf L%lf %lf", &x0, &y0, &x1, &y1), 4);
    ck_assert_msg(fabs(y0 - (bottom - (log10(150) - 2) / 3 * (bottom - top))) < 0.01, "y0 %g", y0);
    ck_assert_msg(fabs(y1 - (bottom - (bottom - top) / 3)) < 0.01, "y1 %g", y1);
    free(text);
}
END_TEST

START_TEST(test_chart_svg_dots_on_named_categories)
{
    static const struct chart_point pts[] = {{1, 1000}, {2, 4000}};
    static const char *const names[] = {"quiet", "<loud>"};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct chart_series se = {.label = "knee", .pts = pts, .n = 2, .dots = true};
    struct chart_spec sp = {.id = "k",
                            .title = "knees",
                            .unit = CHART_RATE,
                            .series = &se,
                            .nseries = 1,
                            .x_names = names,
                            .nx_names = 2};
    ck_assert_int_eq(chart_svg(f, &sp), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, ">quiet</text>"));
    ck_assert_ptr_nonnull(strstr(text, ">&lt;loud&gt;</text>"));
    ck_assert_ptr_null(strstr(text, "<path")); /* dots, no line */
    const char *c1 = strstr(text, "<circle"), *c2 = c1 ? strstr(c1 + 1, "<circle") : NULL;
    ck_assert_ptr_nonnull(c2);
    ck_assert_ptr_null(strstr(c2 + 1, "<circle"));
    /* categories at 1 and 2 on an axis from 0.5 to 2.5: a quarter and three quarters across */
    double x1 = strtod(strstr(c1, "cx=\"") + 4, NULL), x2 = strtod(strstr(c2, "cx=\"") + 4, NULL);
    ck_assert_msg(fabs(x1 - (72 + 0.25 * (1100 - 72 - 24))) < 0.01, "x1 %g", x1);
    ck_assert_msg(fabs(x2 - (72 + 0.75 * (1100 - 72 - 24))) < 0.01, "x2 %g", x2);
    free(text);
}
END_TEST

/* The subpaths ("M" commands) of the first <path> in svg. */
static size_t path_moves(const char *svg)
{
    const char *d = strstr(svg, " d=\"");
    ck_assert_ptr_nonnull(d);
    size_t moves = 0;
    for (d += 4; *d && *d != '"'; d++)
        moves += *d == 'M';
    return moves;
}

/* Samples every 0.25 s with two holes (1.0 s and 2.3 s): the line breaks at both and nowhere
 * else, also when the series is long enough to be downsampled (LTTB must not join across a
 * hole); a gap of 0 joins everything, as before. */
START_TEST(test_chart_svg_breaks_the_line_at_gaps)
{
    static struct chart_point pts[3000];
    size_t n = 0;
    double x = 0;
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        if (i == 1000)
            x += 1.0;
        if (i == 2000)
            x += 2.3;
        pts[n++] = (struct chart_point){x, (double)(i % 97)};
        x += 0.25;
    }
    size_t sizes[] = {3000, 30};
    for (size_t k = 0; k < 2; k++) {
        for (double gap = 0; gap < 1; gap += 0.375) {
            char *text = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&text, &len);
            const struct chart_point *from = sizes[k] == 3000 ? pts : pts + 990;
            struct chart_series se = {.label = "p", .pts = from, .n = sizes[k], .gap = gap};
            struct chart_spec sp = {.id = "g", .title = "gaps", .series = &se, .nseries = 1};
            ck_assert_int_eq(chart_svg(f, &sp), 0);
            fclose(f);
            /* 0.375 s = 1.5 intervals: both holes in the long series, one in the short one */
            size_t want = gap == 0 ? 1 : sizes[k] == 3000 ? 3 : 2;
            ck_assert_msg(path_moves(text) == want, "n %zu gap %g: %zu subpaths, want %zu",
                          sizes[k], gap, path_moves(text), want);
            free(text);
        }
    }
}
END_TEST

START_TEST(test_chart_svg_without_data_still_draws)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct chart_series se = {.label = "none", .pts = NULL, .n = 0};
    struct chart_spec sp = {.id = "e", .title = "empty", .series = &se, .nseries = 1};
    ck_assert_int_eq(chart_svg(f, &sp), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "no samples"));
    ck_assert(attr(text, "data-points") == 0);
    free(text);
}
END_TEST

/* Six series on the default 1100 px width: four legend items a row, so two rows above the
 * plot; the svg grows by them and the plot starts below them. */
START_TEST(test_chart_svg_legend_rows_push_the_plot_down)
{
    struct chart_point pts[2] = {{0, 1}, {1, 2}};
    struct chart_series se[6];
    for (size_t i = 0; i < 6; i++)
        se[i] = (struct chart_series){.label = "s", .pts = pts, .n = 2};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct chart_spec sp = {.id = "l", .title = "legend", .series = se, .nseries = 6};
    ck_assert_int_eq(chart_svg(f, &sp), 0);
    fclose(f);
    ck_assert(attr(text, "height") == 260 + 2 * 16 + 8);
    ck_assert(attr(text, "data-plot-top") == 34 + 8 + 2 * 16);
    ck_assert(attr(text, "data-plot-bottom") == 260 + 2 * 16 + 8 - 28);
    size_t items = 0;
    for (const char *p = text; (p = strstr(p, "<g class=\"lg\">")) != NULL; p++)
        items++;
    ck_assert_uint_eq(items, 6);
    free(text);
}
END_TEST

/* A bytes axis has ticks nice in the binary unit: 700 MiB of data tops out at 800 MiB,
 * not at a decimal round number. */
START_TEST(test_chart_svg_bytes_axis_ticks_in_binary_units)
{
    struct chart_point pts[2] = {{0, 0}, {1, 700.0 * 1048576}};
    struct chart_series se = {.label = "mem", .pts = pts, .n = 2};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct chart_spec sp = {
        .id = "b", .title = "memory", .unit = CHART_BYTES, .series = &se, .nseries = 1};
    ck_assert_int_eq(chart_svg(f, &sp), 0);
    fclose(f);
    ck_assert(attr(text, "data-y-top") == 800.0 * 1048576);
    ck_assert(attr(text, "data-y-bottom") == 0);
    ck_assert_ptr_nonnull(strstr(text, ">800MiB</text>"));
    free(text);
}
END_TEST

START_TEST(test_chart_sparkline_maps_min_to_lowest_and_max_to_full)
{
    double v[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    char out[64];
    ck_assert_uint_eq(chart_sparkline(v, 8, 8, out, sizeof out), 8);
    ck_assert_str_eq(out, "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588");
    double flat[10] = {3, 3, 3, 3, 3, 3, 3, 3, 3, 3};
    ck_assert_uint_eq(chart_sparkline(flat, 10, 4, out, sizeof out), 4);
    ck_assert_str_eq(out, "\u2581\u2581\u2581\u2581");
    /* each cell is the max of its slice: a one-sample spike survives */
    double spike[100] = {0};
    spike[57] = 1000;
    chart_sparkline(spike, 100, 10, out, sizeof out);
    ck_assert_str_eq(out, "\u2581\u2581\u2581\u2581\u2581\u2588\u2581\u2581\u2581\u2581");
    /* a too small buffer is never overrun */
    ck_assert_uint_eq(chart_sparkline(v, 8, 8, out, 8), 2);
    ck_assert_uint_eq(strlen(out), 6);
}
END_TEST

START_TEST(test_chart_format_units)
{
    char b[32];
    ck_assert_str_eq(chart_format(120000, CHART_COUNT, b, sizeof b), "120k");
    ck_assert_str_eq(chart_format(1500000, CHART_COUNT, b, sizeof b), "1.5M");
    ck_assert_str_eq(chart_format(0, CHART_COUNT, b, sizeof b), "0");
    ck_assert_str_eq(chart_format(1536.0 * 1024 * 1024, CHART_BYTES, b, sizeof b), "1.5GiB");
    ck_assert_str_eq(chart_format(6000, CHART_RATE, b, sizeof b), "6k/s");
    ck_assert_str_eq(chart_format(2.5, CHART_SECONDS, b, sizeof b), "2.5s");
}
END_TEST

Suite *chart_suite(void)
{
    Suite *s = suite_create("chart");
    TCase *tc = tcase_create("lttb");
    tcase_add_test(tc, test_chart_lttb_keeps_count_ends_and_extremes);
    tcase_add_test(tc, test_chart_lttb_copies_short_series);
    tcase_add_test(tc, test_chart_lttb_keeps_extreme_at_the_edges);
    suite_add_tcase(s, tc);
    tc = tcase_create("axes");
    tcase_add_test(tc, test_chart_ticks_are_nice);
    tcase_add_test(tc, test_chart_format_units);
    suite_add_tcase(s, tc);
    tc = tcase_create("svg");
    tcase_add_test(tc, test_chart_svg_path_max_is_data_max);
    tcase_add_test(tc, test_chart_svg_without_data_still_draws);
    tcase_add_test(tc, test_chart_svg_breaks_the_line_at_gaps);
    tcase_add_test(tc, test_chart_svg_legend_rows_push_the_plot_down);
    tcase_add_test(tc, test_chart_svg_bytes_axis_ticks_in_binary_units);
    tcase_add_test(tc, test_chart_svg_log_axis_ticks_at_powers_of_ten);
    tcase_add_test(tc, test_chart_svg_dots_on_named_categories);
    suite_add_tcase(s, tc);
    tc = tcase_create("sparkline");
    tcase_add_test(tc, test_chart_sparkline_maps_min_to_lowest_and_max_to_full);
    suite_add_tcase(s, tc);
    return s;
}
