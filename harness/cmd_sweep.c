/* cmd_sweep.c -- `logjam sweep`: its options, one fresh run (--repeat: N) per variant in
 * sequence, and the table of what ran (stdout, sweep.json, sweep.csv, report.html). */
#include "cmd_sweep.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outdir.h"
#include "run.h"
#include "scenario.h"
#include "shard.h"
#include "shard_manifest.h"
#include "shard_plan.h"
#include "signals.h"
#include "sweep.h"
#include "sweep_report.h"
#include "sweep_table.h"
#include "util.h"

static const char sweep_usage[] =
    "usage: logjam sweep SCENARIO [options]\n"
    "  one fresh node per combination of the swept values, the same load each time,\n"
    "  and a table comparing them (stdout, sweep.json, sweep.csv, report.html)\n"
    "\n"
    "  -s, --set SECTION.KEY=VALUE    override one scenario key for every variant\n"
    "      --vary SECTION.KEY=V1,V2   sweep a key over these values (repeatable; replaces\n"
    "                                 the same key's [sweep] line)\n"
    "      --sort KEY                 peak_processes, p99, memory, sync, name\n"
    "                                 (default: scenario order; with --repeat: the medians)\n"
    "      --repeat N                 run every variant N times (1-20, default 1), each on a\n"
    "                                 fresh node; the table shows medians, the peak\n"
    "                                 processes' spread and how many runs had the verdict\n"
    "  -o, --out DIR                  output directory (default ./logjam-out/sweep-<time>/);\n"
    "                                 one sub-directory per variant (with --repeat,\n"
    "                                 one more per run: NN-variant/rK/)\n"
    "      --report FILE.html         also write the HTML page to FILE\n"
    "      --fixture DIR              the fixture's ebin directory\n"
    "      --no-progress              no per-variant lines on stderr\n"
    "      --shard I/N                run shard I of N only (round-robin: variant k goes to\n"
    "                                 shard (k-1) mod N + 1; default $LOGJAM_SHARD) and write\n"
    "                                 shard.json for `logjam merge`\n"
    "      --dry-run                  check everything, print the variants this would run\n"
    "                                 and the spec hash; start nothing, write nothing\n"
    "\n"
    "exit codes: 0 every variant ran (whatever its verdict); 1 a run had a harness\n"
    "  error; 104 invalid scenario, --vary, --repeat, --shard or combination (nothing\n"
    "  started); 105 interrupted (the table of the variants that ran is still written);\n"
    "  2 usage.\n";

enum {
    SW_VARY = 300,
    SW_SORT,
    SW_REPEAT,
    SW_REPORT,
    SW_FIXTURE,
    SW_NOPROGRESS,
    SW_SHARD,
    SW_DRYRUN
};

static const struct option sweep_options[] = {
    {"set", required_argument, NULL, 's'},
    {"vary", required_argument, NULL, SW_VARY},
    {"sort", required_argument, NULL, SW_SORT},
    {"repeat", required_argument, NULL, SW_REPEAT},
    {"out", required_argument, NULL, 'o'},
    {"report", required_argument, NULL, SW_REPORT},
    {"fixture", required_argument, NULL, SW_FIXTURE},
    {"no-progress", no_argument, NULL, SW_NOPROGRESS},
    {"shard", required_argument, NULL, SW_SHARD},
    {"dry-run", no_argument, NULL, SW_DRYRUN},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct sweep_args {
    const char *overrides[SCENARIO_MAX_OVERRIDES];
    unsigned nover;
    const char *vary[SCENARIO_MAX_SWEEP_KEYS * 2];
    unsigned nvary;
    enum sweep_sort sort;
    unsigned repeat;
    const char *out, *report, *fixture, *path, *shard;
    bool progress, dry_run;
};

/* Returns 0, or an exit code. */
static int parse_args(int argc, char **argv, struct sweep_args *a)
{
    int c;
    memset(a, 0, sizeof *a);
    a->fixture = run_fixture_default();
    a->progress = true;
    a->repeat = 1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:o:h", sweep_options, NULL)) != -1) {
        switch (c) {
        case 's':
            if (a->nover == SCENARIO_MAX_OVERRIDES) {
                fprintf(stderr, "logjam: at most %d --set options\n", SCENARIO_MAX_OVERRIDES);
                return LJ_EXIT_USAGE;
            }
            a->overrides[a->nover++] = optarg;
            break;
        case SW_VARY:
            if (a->nvary == sizeof a->vary / sizeof a->vary[0]) {
                fprintf(stderr, "logjam: too many --vary options\n");
                return LJ_EXIT_USAGE;
            }
            a->vary[a->nvary++] = optarg;
            break;
        case SW_SORT:
            if (sweep_sort_parse(optarg, &a->sort) != 0) {
                fprintf(stderr,
                        "logjam: --sort %s: expected peak_processes, p99, memory, sync or name\n",
                        optarg);
                return LJ_EXIT_INVALID;
            }
            break;
        case SW_REPEAT: {
            char err[LJ_ERR_LEN];
            if (sweep_parse_repeat(optarg, &a->repeat, err) != 0) {
                fprintf(stderr, "logjam: %s\n", err);
                return LJ_EXIT_INVALID;
            }
            break;
        }
        case 'o':
            a->out = optarg;
            break;
        case SW_REPORT:
            a->report = optarg;
            break;
        case SW_FIXTURE:
            a->fixture = optarg;
            break;
        case SW_NOPROGRESS:
            a->progress = false;
            break;
        case SW_SHARD:
            a->shard = optarg;
            break;
        case SW_DRYRUN:
            a->dry_run = true;
            break;
        case 'h':
            fputs(sweep_usage, stdout);
            exit(0);
        default:
            fputs(sweep_usage, stderr);
            return LJ_EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "logjam: %s\n",
                optind < argc ? "one scenario file at most" : "which scenario file?");
        fputs(sweep_usage, stderr);
        return LJ_EXIT_USAGE;
    }
    a->path = argv[optind];
    return 0;
}

/* One sweep: its plan, where it writes, and what ran so far. */
struct sweep_ctx {
    struct sweep_args a;
    struct scenario *base, *sc; /* the scenario as loaded and --vary'd; the variant running */
    struct sweep_result *runs;  /* n * repeat: the runs of variant v from v * repeat */
    struct sweep_result *rows;  /* one per variant that started (nrows) */
    unsigned n, nrows;
    char dir[SWEEP_PATH_LEN];
    bool interrupted, harness_error;
    struct shard shard;        /* count 0: not sharded */
    char hash[SHARD_HASH_LEN]; /* the spec's */
    json_t *manifest;          /* shard.json, when sharded */
};

/* The scenario, its --vary axes, the shard and every combination checked before anything
 * starts; the spec hashed. Returns 0, or an exit code. */
static int plan(struct sweep_ctx *x)
{
    char err[LJ_ERR_LEN];
    struct shard_spec spec = {.kind = "sweep",
                              .version = LJ_VERSION,
                              .sets = x->a.overrides,
                              .nsets = x->a.nover,
                              .vary = x->a.vary,
                              .nvary = x->a.nvary,
                              .repeat = x->a.repeat,
                              .extra = ""};
    if (shard_resolve(x->a.shard, &x->shard, err) != 0)
        goto invalid;
    if (scenario_load(x->base, x->a.path, x->a.overrides, x->a.nover, err) != 0)
        goto invalid;
    for (unsigned i = 0; i < x->a.nvary; i++)
        if (sweep_parse_vary(x->base, x->a.vary[i], err) != 0)
            goto invalid;
    if (sweep_count(x->base, &x->n, err) != 0 || sweep_check_all(x->base, err) != 0)
        goto invalid;
    if (shard_spec_hash_file(&spec, x->a.path, x->hash, err) != 0)
        goto invalid;
    return 0;
invalid:
    fprintf(stderr, "logjam: %s\n", err);
    return LJ_EXIT_INVALID;
}

/* Run k (0-based) of variant v (row: its row) into *r, a fresh node in its own directory. */
static void run_once(struct sweep_ctx *x, unsigned v, unsigned k, const struct sweep_result *row,
                     struct sweep_result *r)
{
    char err[LJ_ERR_LEN], path[SWEEP_PATH_LEN + SWEEP_LABEL_LEN], which[32] = "";
    unsigned repeat = x->a.repeat;
    memset(r, 0, sizeof *r);
    r->index = row->index;
    snprintf(r->label, sizeof r->label, "%s", row->label);
    sweep_run_dir(row->dir, repeat, k, r->dir, sizeof r->dir);
    if (repeat > 1)
        snprintf(which, sizeof which, " run %u/%u", k + 1, repeat);
    snprintf(path, sizeof path, "%s/%s", x->dir, r->dir);
    struct run_opts o = {.fixture_ebin = x->a.fixture, .out_dir = path, .quiet = true};
    if (x->a.progress)
        fprintf(stderr, "logjam: sweep [%u/%u] %s%s ...\n", v + 1, x->n, r->label, which);
    uint64_t started = now_us();
    r->exit_code = run_scenario(x->sc, &o);
    signals_install(SIGNALS_SECOND_COUNTS); /* the run installed its own */
    snprintf(path, sizeof path, "%.2000s/%.511s/summary.json", x->dir, r->dir);
    if (sweep_result_read(r, path, err) != 0) {
        snprintf(r->error, sizeof r->error, "%.255s", err);
        snprintf(r->verdict, sizeof r->verdict, "error");
    }
    if (r->exit_code == LJ_EXIT_HARNESS || !r->ran)
        x->harness_error = true;
    if (r->exit_code == LJ_EXIT_INTERRUPTED)
        x->interrupted = true;
    if (x->a.progress)
        fprintf(stderr, "logjam: sweep [%u/%u] %s%s: %s (exit %d) in %.1fs\n", v + 1, x->n,
                r->label, which, r->ran ? r->verdict : "error", r->exit_code,
                (double)(now_us() - started) / 1e6);
}

/* Variant v: its repeats, then its row. Returns 0, or -1 with err when the variant cannot be
 * made (checked by plan: cannot happen). */
static int run_variant(struct sweep_ctx *x, unsigned v, char *err)
{
    struct sweep_result *row = &x->rows[x->nrows], *vruns = &x->runs[(size_t)v * x->a.repeat];
    unsigned k;
    memset(row, 0, sizeof *row);
    row->index = v + 1;
    if (sweep_variant(x->base, v, x->n, x->sc, row->label, sizeof row->label, row->dir,
                      sizeof row->dir, err) != 0)
        return -1;
    x->nrows++;
    for (k = 0; k < x->a.repeat; k++) {
        if (k > 0 && signals_interrupts()) { /* the runs so far still make the row */
            x->interrupted = true;
            break;
        }
        run_once(x, v, k, row, &vruns[k]);
        if (x->interrupted) {
            k++;
            break;
        }
    }
    sweep_aggregate(row, vruns, k, x->a.repeat);
    return 0;
}

/* Every variant (of the shard) in order; a Ctrl-C between runs starts no more (during a run, the
 * run's own scheme ends it). Returns 0, or an exit code. */
static int run_all(struct sweep_ctx *x)
{
    char err[LJ_ERR_LEN];
    signals_install(SIGNALS_SECOND_COUNTS);
    for (unsigned v = 0; v < x->n && !x->interrupted; v++) {
        if (!shard_has(&x->shard, v))
            continue;
        if (signals_interrupts()) {
            x->interrupted = true;
            break;
        }
        if (run_variant(x, v, err) != 0) {
            fprintf(stderr, "logjam: %s\n", err);
            return LJ_EXIT_INVALID;
        }
    }
    signals_default();
    return 0;
}

/* What merge needs to rebuild the table: the scenario's path and name, sort, repeat, the
 * swept axes and named rows (as sweep.json has them), and the --set and --vary values. */
static json_t *manifest_spec(const struct sweep_ctx *x)
{
    json_t *js = sweep_json(x->base, NULL, 0, x->a.sort, x->a.repeat, 0, false, 0);
    json_t *sets = json_array(), *vary = json_array();
    for (unsigned i = 0; i < x->a.nover; i++)
        json_array_append_new(sets, json_string(x->a.overrides[i]));
    for (unsigned i = 0; i < x->a.nvary; i++)
        json_array_append_new(vary, json_string(x->a.vary[i]));
    json_t *spec =
        json_pack("{s:s, s:s, s:s, s:i, s:O?, s:O?, s:o, s:o}", "scenario", x->base->path, "name",
                  x->base->name, "sort", sweep_sort_name(x->a.sort), "repeat", x->a.repeat, "axes",
                  json_object_get(js, "axes"), "rows", json_object_get(js, "rows"), "sets", sets,
                  "vary", vary);
    json_decref(js);
    return spec;
}

/* A shard's shard.json as it starts: its planned variants, no end. Returns 0, or an exit
 * code (said). */
static int manifest_start(struct sweep_ctx *x)
{
    char err[LJ_ERR_LEN] = "out of memory";
    if (!x->shard.count)
        return 0;
    x->manifest = shard_manifest_new("sweep", x->hash, &x->shard, x->n, manifest_spec(x),
                                     shard_plan_variants(x->base, x->n, &x->shard));
    if (!x->manifest || shard_manifest_write(x->dir, x->manifest, err) != 0) {
        fprintf(stderr, "logjam: %s\n", err);
        return LJ_EXIT_HARNESS;
    }
    return 0;
}

/* A shard's shard.json as it ends: the variants that started and their runs. Returns code,
 * or 1 when it could not be written after a shard that would have passed. */
static int manifest_end(struct sweep_ctx *x, int code, double elapsed)
{
    char err[LJ_ERR_LEN];
    json_t *vars = json_array();
    if (!x->manifest)
        return code;
    for (unsigned i = 0; i < x->nrows; i++)
        json_array_append_new(vars, shard_manifest_variant(x->rows[i].index, x->rows[i].label,
                                                           x->rows[i].dir, x->rows[i].nruns));
    shard_manifest_end(x->manifest, vars, code, x->interrupted, elapsed);
    if (shard_manifest_write(x->dir, x->manifest, err) == 0)
        return code;
    fprintf(stderr, "logjam: %s\n", err);
    return code == LJ_EXIT_PASS ? LJ_EXIT_HARNESS : code;
}

/* The table on stdout and every file (a shard: of its variants; an empty shard: its manifest
 * only); returns the exit code. */
static int report_sweep(struct sweep_ctx *x, int code, double elapsed)
{
    char part[48] = "";
    struct sweep_report r = {.base = x->base,
                             .rows = x->rows,
                             .nrows = x->nrows,
                             .nvariants = x->n,
                             .sort = x->a.sort,
                             .repeat = x->a.repeat,
                             .dir = x->dir,
                             .report = x->a.report,
                             .part = part,
                             .interrupted = x->interrupted,
                             .elapsed_s = elapsed};
    if (x->shard.count)
        snprintf(part, sizeof part, "shard %u/%u: ", x->shard.index, x->shard.count);
    if (x->shard.count && shard_size(&x->shard, x->n) == 0)
        printf("logjam sweep  %s  %s0 of %u variants: nothing to run; %s/%s written\n",
               x->base->path, part, x->n, x->dir, SHARD_MANIFEST);
    else
        code = sweep_report_write(&r, code);
    return manifest_end(x, code, elapsed);
}
int cmd_sweep(int argc, char **argv)
{
    static struct sweep_result rows[SWEEP_MAX_VARIANTS];
    static struct sweep_ctx x; /* large: not on the stack */
    char err[LJ_ERR_LEN];
    int code;
    uint64_t t0 = now_us();

    memset(&x, 0, sizeof x);
    x.rows = rows;
    x.base = malloc(sizeof *x.base);
    x.sc = malloc(sizeof *x.sc);
    if (!x.base || !x.sc) {
        fprintf(stderr, "logjam: out of memory\n");
        code = LJ_EXIT_HARNESS;
        goto out;
    }
    if ((code = parse_args(argc, argv, &x.a)) != 0 || (code = plan(&x)) != 0)
        goto out;
    if (x.a.dry_run) {
        code = shard_plan_print(stdout, "sweep", x.base, x.n, &x.shard, x.hash, err) == 0
                   ? LJ_EXIT_PASS
                   : LJ_EXIT_INVALID;
        goto out;
    }
    code = LJ_EXIT_HARNESS;
    if (!(x.runs = calloc((size_t)x.n * x.a.repeat, sizeof *x.runs))) {
        fprintf(stderr, "logjam: out of memory\n");
        goto out;
    }
    if (outdir_prepare(x.a.out, "sweep-", x.dir, sizeof x.dir, err) < 0) {
        fprintf(stderr, "logjam: %s\n", err);
        goto out;
    }
    if ((code = manifest_start(&x)) != 0 || (code = run_all(&x)) != 0)
        goto out;
    code = x.interrupted ? LJ_EXIT_INTERRUPTED : x.harness_error ? LJ_EXIT_HARNESS : LJ_EXIT_PASS;
    code = report_sweep(&x, code, (double)(now_us() - t0) / 1e6);
out:
    json_decref(x.manifest);
    free(x.runs);
    free(x.base);
    free(x.sc);
    return code;
}
