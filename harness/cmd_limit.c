/* cmd_limit.c -- `logjam limit`: its options, the capacity search's trials one fresh node at a
 * time with progress, the [limit] gate, and the outputs (table, limit.json, limit.csv,
 * report.html, JUnit). */
#include "cmd_limit.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limit_report.h"
#include "limit_search.h"
#include "limit_trial.h"
#include "limit_variants.h"
#include "outdir.h"
#include "report.h"
#include "run.h"
#include "scenario.h"
#include "shard.h"
#include "shard_manifest.h"
#include "shard_plan.h"
#include "signals.h"
#include "sweep.h"
#include "units.h"
#include "util.h"

#define LIMIT_BOOT_S 3.0 /* a node's start and stop, for the budget's estimates */
#define LIMIT_MAX_TRIALS 200

static const char limit_usage[] =
    "usage: logjam limit SCENARIO [options]\n"
    "  find the load at which the scenario's gates stop passing (the knee): grow x2 from\n"
    "  --from until a trial fails, bisect to --precision, confirm the highest pass with\n"
    "  full-length runs. Every trial is a fresh node; a pile-up stops its trial early.\n"
    "\n"
    "  -s, --set SECTION.KEY=VALUE  override one scenario key (repeatable)\n"
    "      --axis KEY               load.rate (default) or load.connections  [limit] axis\n"
    "      --from N                 first value (default: a quarter of the scenario's)\n"
    "      --to N                   highest value (default: no cap)\n"
    "      --precision P            final bracket width, like 10% (default 10%)\n"
    "      --trial DUR              load phase of a search trial (default 10s; the\n"
    "                               confirmations run the scenario's run.duration)\n"
    "      --repeat N               full-length runs at each end of the final bracket (1-100)\n"
    "      --budget DUR             stop before a trial would pass this much time in all\n"
    "  -o, --out DIR                output directory (default ./logjam-out/limit-<time>/)\n"
    "      --report FILE.html       also write the HTML page to FILE (with [sweep]: the\n"
    "                               variants' table and knees, linked to each report)\n"
    "      --junit FILE             JUnit XML: one testcase, the [limit] gate (with\n"
    "                               [sweep]: one per variant)\n"
    "      --fixture DIR            the fixture's ebin directory\n"
    "      --no-progress            no per-trial lines on stderr\n"
    "      --shard I/N              with [sweep]: search shard I of N's variants only (round-\n"
    "                               robin, default $LOGJAM_SHARD); shard.json for merge\n"
    "      --dry-run                check everything, print the variants, start nothing\n"
    "\n"
    "[limit] in the scenario: axis, from, to, precision, trial as above; min = 6000/s and/or\n"
    "headroom = 2x (of load.rate): the gate the knee must pass.\n"
    "\n"
    "exit codes: 0 the search ended (and the knee passed [limit]); 99 the knee is below\n"
    "  [limit]; 104 invalid scenario, [limit] or option (nothing started); 105 interrupted\n"
    "  (Ctrl-C ends the current trial, not counted; the bracket so far is reported);\n"
    "  1 harness error; 2 usage. With [sweep]: one search per variant, one table\n"
    "  (report.html, limit.json, limit.csv in --out, each variant's own in its directory).\n";

enum {
    L_AXIS = 400,
    L_FROM,
    L_TO,
    L_PRECISION,
    L_TRIAL,
    L_REPEAT,
    L_BUDGET,
    L_REPORT,
    L_JUNIT,
    L_FIXTURE,
    L_NOPROGRESS,
    L_SHARD,
    L_DRYRUN
};

static const struct option limit_options[] = {
    {"set", required_argument, NULL, 's'},
    {"axis", required_argument, NULL, L_AXIS},
    {"from", required_argument, NULL, L_FROM},
    {"to", required_argument, NULL, L_TO},
    {"precision", required_argument, NULL, L_PRECISION},
    {"trial", required_argument, NULL, L_TRIAL},
    {"repeat", required_argument, NULL, L_REPEAT},
    {"budget", required_argument, NULL, L_BUDGET},
    {"out", required_argument, NULL, 'o'},
    {"report", required_argument, NULL, L_REPORT},
    {"junit", required_argument, NULL, L_JUNIT},
    {"fixture", required_argument, NULL, L_FIXTURE},
    {"no-progress", no_argument, NULL, L_NOPROGRESS},
    {"shard", required_argument, NULL, L_SHARD},
    {"dry-run", no_argument, NULL, L_DRYRUN},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* The [limit] keys an option stands for, in option order. */
static const char *const option_keys[] = {
    [L_AXIS - L_AXIS] = "limit.axis",   [L_FROM - L_AXIS] = "limit.from",
    [L_TO - L_AXIS] = "limit.to",       [L_PRECISION - L_AXIS] = "limit.precision",
    [L_TRIAL - L_AXIS] = "limit.trial",
};

struct limit_args {
    const char *overrides[SCENARIO_MAX_OVERRIDES];
    char owned[5][256]; /* --axis and friends as "limit.key=value" overrides */
    unsigned nover;
    unsigned repeat;
    double budget_s;
    const char *out, *report, *junit, *fixture, *path, *shard;
    bool progress, dry_run;
};

static int add_override(struct limit_args *a, const char *assignment)
{
    if (a->nover == SCENARIO_MAX_OVERRIDES) {
        fprintf(stderr, "logjam: at most %d --set options\n", SCENARIO_MAX_OVERRIDES);
        return LJ_EXIT_USAGE;
    }
    a->overrides[a->nover++] = assignment;
    return 0;
}

/* Returns 0, or an exit code. */
static int parse_args(int argc, char **argv, struct limit_args *a)
{
    uint64_t u;
    int c, rc;
    memset(a, 0, sizeof *a);
    a->fixture = run_fixture_default();
    a->progress = true;
    a->repeat = 1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:o:h", limit_options, NULL)) != -1) {
        switch (c) {
        case 's':
            if ((rc = add_override(a, optarg)) != 0)
                return rc;
            break;
        case L_AXIS:
        case L_FROM:
        case L_TO:
        case L_PRECISION:
        case L_TRIAL: {
            char *slot = a->owned[c - L_AXIS];
            snprintf(slot, sizeof a->owned[0], "%s=%.200s", option_keys[c - L_AXIS], optarg);
            if ((rc = add_override(a, slot)) != 0)
                return rc;
            break;
        }
        case L_REPEAT:
            if (units_parse_uint(optarg, LIMIT_REPEAT_MAX, &u) != 0 || u < 1) {
                fprintf(stderr, "logjam: --repeat %s: expected an integer from 1 to %d\n", optarg,
                        LIMIT_REPEAT_MAX);
                return LJ_EXIT_INVALID;
            }
            a->repeat = (unsigned)u;
            break;
        case L_BUDGET:
            if (units_parse_duration(optarg, &u) != 0 || u == 0) {
                fprintf(stderr, "logjam: --budget %s: expected a duration like 10m\n", optarg);
                return LJ_EXIT_INVALID;
            }
            a->budget_s = (double)u / 1e6;
            break;
        case 'o':
            a->out = optarg;
            break;
        case L_REPORT:
            a->report = optarg;
            break;
        case L_JUNIT:
            a->junit = optarg;
            break;
        case L_FIXTURE:
            a->fixture = optarg;
            break;
        case L_NOPROGRESS:
            a->progress = false;
            break;
        case L_SHARD:
            a->shard = optarg;
            break;
        case L_DRYRUN:
            a->dry_run = true;
            break;
        case 'h':
            fputs(limit_usage, stdout);
            exit(0);
        default:
            fputs(limit_usage, stderr);
            return LJ_EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "logjam: %s\n",
                optind < argc ? "one scenario file at most" : "which scenario file?");
        fputs(limit_usage, stderr);
        return LJ_EXIT_USAGE;
    }
    a->path = argv[optind];
    return 0;
}

/* One search (per variant with [sweep]): the scenario, the search state, the trials so far. */
struct limit_ctx {
    struct limit_args a;
    struct scenario *file;      /* as loaded, with its [sweep] */
    struct scenario *base, *sc; /* the variant searched; the trial running */
    const char *label;          /* the variant's, NULL without [sweep] */
    unsigned nvariants;         /* 0 without [sweep] */
    char top[SWEEP_PATH_LEN];   /* the output directory; dir is the variant's in it */
    struct limit_config cfg;    /* as configured, for the staircase comparison */
    struct limit_search s;
    struct limit_trial_run *trials;
    size_t ntrials;
    char dir[SWEEP_PATH_LEN];
    bool interrupted, harness_error, budget_hit;
    uint64_t t0, t_start;      /* this search's start; the command's */
    struct shard shard;        /* with [sweep]; count 0: not sharded */
    char hash[SHARD_HASH_LEN]; /* the spec's */
    json_t *manifest;          /* shard.json, when sharded */
};

/* The axis's own value in the scenario (0 when it has none: a closed loop, stages). */
static double own_value(const struct scenario *sc)
{
    return sc->limit_axis == LIMIT_AXIS_RATE ? sc->rate : (double)sc->connections;
}

/* The search's configuration from the scenario's [limit]; checks what only the search needs.
 * Returns 0, or -1 with err. */
static int configure(struct limit_ctx *x, struct limit_config *cfg, char *err)
{
    const struct scenario *sc = x->base;
    double base = sc->baseline_us / 1e6, rec = sc->recovery_us / 1e6;
    if (sc->limit_axis == LIMIT_AXIS_RATE && sc->nstages > 0) {
        lj_err(err, "%s: [limit] axis load.rate needs [load] rate, not stages", sc->path);
        return -1;
    }
    memset(cfg, 0, sizeof *cfg);
    cfg->from = sc->limit_from.v > 0 ? sc->limit_from.v : floor(own_value(sc) / 4);
    if (cfg->from < 1) {
        lj_err(err, "%s: the scenario has no %s to start from: give [limit] from (or --from)",
               sc->path, sc->limit_axis == LIMIT_AXIS_RATE ? "[load] rate" : "[load] connections");
        return -1;
    }
    cfg->to = sc->limit_to.v;
    if (sc->limit_axis == LIMIT_AXIS_CONNECTIONS && (cfg->to == 0 || cfg->to > 100000))
        cfg->to = 100000; /* load.connections' own range */
    cfg->precision = sc->limit_precision;
    cfg->repeat = x->a.repeat;
    cfg->integer = true;
    cfg->budget_s = x->a.budget_s;
    cfg->short_s = base + fmin(sc->limit_trial_us, sc->duration_us) / 1e6 + rec + LIMIT_BOOT_S;
    cfg->full_s = base + sc->duration_us / 1e6 + rec + LIMIT_BOOT_S;
    return limit_search_init(&x->s, cfg, err);
}

/* Variant v of the file into x->base (its label and directory name into the row), or the
 * file itself without [sweep]; then the search configured. Returns 0, or -1 with err. */
static int prepare(struct limit_ctx *x, unsigned v, struct limit_variant *row, char *err)
{
    row->label[0] = row->dir[0] = '\0';
    if (x->nvariants == 0)
        *x->base = *x->file;
    else if (sweep_variant(x->file, v, x->nvariants, x->base, row->label, sizeof row->label,
                           row->dir, sizeof row->dir, err) != 0)
        return -1;
    x->label = x->nvariants ? row->label : NULL;
    return configure(x, &x->cfg, err);
}

/* Scenario, overrides, [limit], every [sweep] variant and its search checked before anything
 * starts. Returns 0, or an exit code. */
static int plan(struct limit_ctx *x)
{
    char err[LJ_ERR_LEN], extra[64];
    static struct limit_variant row;
    struct shard_spec spec = {.kind = "limit",
                              .version = LJ_VERSION,
                              .sets = x->a.overrides,
                              .nsets = x->a.nover,
                              .repeat = x->a.repeat,
                              .extra = extra};
    snprintf(extra, sizeof extra, "budget=%.17g", x->a.budget_s);
    if (shard_resolve(x->a.shard, &x->shard, err) != 0 ||
        scenario_load(x->file, x->a.path, x->a.overrides, x->a.nover, err) != 0)
        goto invalid;
    if ((x->file->nsweep || x->file->nsweep_rows) &&
        (sweep_count(x->file, &x->nvariants, err) != 0 || sweep_check_all(x->file, err) != 0))
        goto invalid;
    if (x->shard.count && !x->nvariants) {
        lj_err(err,
               "%s: --shard splits the variants of [sweep], and there is none: one search "
               "per variant is the unit",
               x->file->path);
        goto invalid;
    }
    if (shard_spec_hash_file(&spec, x->a.path, x->hash, err) != 0)
        goto invalid;
    for (unsigned v = 0; v < (x->nvariants ? x->nvariants : 1); v++) {
        if (prepare(x, v, &row, err) != 0)
            goto invalid;
        limit_search_free(&x->s);
    }
    return 0;
invalid:
    fprintf(stderr, "logjam: %s\n", err);
    return LJ_EXIT_INVALID;
}

/* "[1200/s, 2400/s]" for the bracket so far. */
static void bracket_text(const struct limit_ctx *x, char *buf, size_t len)
{
    struct limit_result r;
    char lo[32], hi[32];
    limit_search_result(&x->s, &r);
    snprintf(buf, len, "[%s, %s]", r.has_low ? limit_report_value(x->base, r.low, lo, 32) : "?",
             r.has_high ? limit_report_value(x->base, r.high, hi, 32) : "?");
}

static void progress_line(const struct limit_ctx *x, const struct limit_trial_run *tr, bool done)
{
    char v[32], br[80], left[48] = "";
    if (!x->a.progress)
        return;
    limit_report_value(x->base, tr->t.value, v, sizeof v);
    bracket_text(x, br, sizeof br);
    if (x->a.budget_s > 0)
        snprintf(left, sizeof left, ", %.0f s of the budget left",
                 fmax(0, x->a.budget_s - (double)(now_us() - x->t0) / 1e6));
    if (!done)
        fprintf(stderr, "logjam: limit trial %u: %s (%s, %s) ... bracket %s%s\n", tr->n, v,
                limit_stage_name(tr->t.stage), tr->t.length == LIMIT_FULL ? "full" : "short", br,
                left);
    else
        fprintf(stderr, "logjam: limit trial %u: %s %s%s%s in %.1f s; bracket %s%s\n", tr->n, v,
                tr->r.ran ? tr->r.verdict : "error", tr->passed ? "" : ", ",
                tr->passed ? "" : limit_mode_name(tr->mode), tr->seconds, br, left);
}

/* Trials until the search ends, the budget, a Ctrl-C or a harness error. Returns 0, or an
 * exit code. */
static int search(struct limit_ctx *x)
{
    char err[LJ_ERR_LEN];
    struct limit_trial t;
    enum limit_step step;
    signals_install(SIGNALS_SECOND_COUNTS);
    while ((step = limit_search_next(&x->s, &t)) == LIMIT_STEP_TRIAL) {
        if (signals_interrupts()) {
            x->interrupted = true;
            break;
        }
        if (x->ntrials == LIMIT_MAX_TRIALS) {
            fprintf(stderr, "logjam: limit: %d trials, the most one search runs\n",
                    LIMIT_MAX_TRIALS);
            break;
        }
        struct limit_trial_run *tr = &x->trials[x->ntrials];
        memset(tr, 0, sizeof *tr);
        tr->t = t;
        tr->n = (unsigned)x->ntrials + 1;
        snprintf(tr->dir, sizeof tr->dir, "%02u-%.0f-%s%u", tr->n, t.value,
                 t.length == LIMIT_FULL ? "full" : "short", t.run);
        if (limit_trial_scenario(x->base, &t, x->sc, err) != 0) {
            fprintf(stderr, "logjam: %s\n", err);
            signals_default();
            return LJ_EXIT_INVALID;
        }
        progress_line(x, tr, false);
        int code = limit_trial_run(x->sc, x->a.fixture, x->dir, tr);
        signals_install(SIGNALS_SECOND_COUNTS); /* the run installed its own */
        x->ntrials++;
        if (code == LJ_EXIT_INTERRUPTED) {
            x->interrupted = true;
            break;
        }
        if (code != LJ_EXIT_PASS && code != LJ_EXIT_GATE) {
            fprintf(stderr, "logjam: limit trial %u: %s (exit %d)\n", tr->n,
                    tr->r.error[0] ? tr->r.error : "harness error", code);
            x->harness_error = true;
            break;
        }
        if (limit_search_record(&x->s, t.value, tr->passed, tr->mode, tr->seconds) != 0) {
            fprintf(stderr, "logjam: out of memory\n");
            x->harness_error = true;
            break;
        }
        progress_line(x, tr, true);
    }
    x->budget_hit = step == LIMIT_STEP_BUDGET;
    signals_default();
    return 0;
}

/* Runs and passes at value v over every trial recorded. */
static void runs_at(const struct limit_ctx *x, double v, bool full_only, unsigned *runs,
                    unsigned *passes)
{
    size_t n;
    const struct limit_point *p = limit_search_points(&x->s, &n);
    *runs = *passes = 0;
    for (size_t i = 0; i < n; i++)
        if (p[i].value == v) {
            *runs = p[i].full_runs + (full_only ? 0 : p[i].short_runs);
            *passes = p[i].full_passes + (full_only ? 0 : p[i].short_passes);
        }
}

/* `logs=N` in the request's query: the log lines a request asks for; 0 when not said. */
static double lines_per_request(const struct scenario *sc)
{
    const char *q = strchr(sc->request, '?');
    for (const char *p = q; p && *p; p = strchr(p + 1, '&'))
        if (strncmp(p + 1, "logs=", 5) == 0)
            return strtod(p + 6, NULL);
    return 0;
}

/* The report, the [limit] gate and the exit code. */
static void make_report(const struct limit_ctx *x, struct limit_report *rep)
{
    const struct scenario *sc = x->base;
    memset(rep, 0, sizeof *rep);
    rep->sc = sc;
    rep->label = x->label;
    rep->trials = x->trials;
    rep->ntrials = x->ntrials;
    limit_search_result(&x->s, &rep->res);
    runs_at(x, rep->res.low, true, &rep->low_runs, &rep->low_passes);
    runs_at(x, rep->res.high, false, &rep->high_runs, &rep->high_passes);
    rep->repeat = x->a.repeat;
    rep->lines_per_request = lines_per_request(sc);
    rep->interrupted = x->interrupted;
    rep->budget_hit = x->budget_hit;
    rep->harness_error = x->harness_error;
    rep->budget_s = x->a.budget_s;
    rep->wall_s = (double)(now_us() - x->t0) / 1e6;
    double short_s = 0;
    unsigned nshort = 0;
    for (size_t i = 0; i < x->ntrials; i++) {
        rep->node_s += x->trials[i].seconds;
        rep->generator_bound = rep->generator_bound || x->trials[i].generator_bound;
        rep->knee_generator_bound =
            rep->knee_generator_bound ||
            (x->trials[i].generator_bound &&
             ((rep->res.has_low && x->trials[i].t.value == rep->res.low) ||
              (rep->res.has_high && x->trials[i].t.value == rep->res.high)));
        if (x->trials[i].t.length == LIMIT_SHORT) {
            short_s += x->trials[i].seconds;
            nshort++;
        }
    }
    rep->staircase_trials =
        limit_staircase_trials(&x->cfg, rep->res.has_high ? rep->res.high : INFINITY);
    rep->staircase_node_s = rep->staircase_trials * (nshort ? short_s / nshort : x->cfg.short_s);
    rep->gate_threshold = fmax(sc->limit_min.v, sc->limit_headroom * sc->rate);
    rep->has_gate = rep->gate_threshold > 0;
    rep->gate_ok = rep->res.has_low && rep->res.low >= rep->gate_threshold;
    rep->exit_code = x->interrupted                   ? LJ_EXIT_INTERRUPTED
                     : x->harness_error               ? LJ_EXIT_HARNESS
                     : rep->has_gate && !rep->gate_ok ? LJ_EXIT_GATE
                                                      : LJ_EXIT_PASS;
}

/* limit.json, limit.csv, report.html (and, for one search, --report's and --junit's) in
 * x->dir; the JSON is kept in *js (caller owns). Returns 0, or -1 (said). */
static int write_files(const struct limit_ctx *x, const struct limit_report *rep, json_t **js_out)
{
    char err[LJ_ERR_LEN], path[SWEEP_PATH_LEN + 16], link[SWEEP_PATH_LEN + 8];
    json_t *js = limit_report_json(rep);
    char *text = js ? json_dumps(js, JSON_INDENT(2)) : NULL, *csv = limit_report_csv(rep);
    int rc = text && csv ? 0 : -1;
    snprintf(path, sizeof path, "%s/limit.json", x->dir);
    if (text && report_write(path, text, err) < 0)
        rc = -1;
    snprintf(path, sizeof path, "%s/limit.csv", x->dir);
    if (rc == 0 && csv && report_write(path, csv, err) < 0)
        rc = -1;
    snprintf(path, sizeof path, "%s/report.html", x->dir);
    if (rc == 0 && limit_report_html(path, "", rep, err) < 0)
        rc = -1;
    char *real = realpath(x->dir, NULL);
    snprintf(link, sizeof link, "file://%.2000s/", real ? real : x->dir);
    free(real);
    if (rc == 0 && !x->nvariants && x->a.report &&
        limit_report_html(x->a.report, link, rep, err) < 0)
        rc = -1;
    if (rc == 0 && !x->nvariants && x->a.junit && limit_report_junit(x->a.junit, rep, err) < 0)
        rc = -1;
    if (rc < 0)
        fprintf(stderr, "logjam: %s\n", rc < 0 && (!text || !csv) ? "out of memory" : err);
    free(text);
    free(csv);
    *js_out = js;
    return rc;
}

/* One search into x->dir: trials, the table and the files; row gets what the sweep's table
 * shows. Returns the exit code. */
static int search_one(struct limit_ctx *x, struct limit_variant *row)
{
    struct limit_report rep;
    int code;
    x->ntrials = 0;
    x->interrupted = x->harness_error = x->budget_hit = false;
    x->t0 = now_us();
    if ((code = search(x)) != 0)
        return code;
    make_report(x, &rep);
    limit_report_text(stdout, &rep);
    printf("  files    %s/limit.json %s/limit.csv %s/report.html\n\n", x->dir, x->dir, x->dir);
    fflush(stdout);
    code = write_files(x, &rep, &row->js) < 0 && rep.exit_code == LJ_EXIT_PASS ? LJ_EXIT_HARNESS
                                                                               : rep.exit_code;
    row->res = rep.res;
    row->own = own_value(x->base);
    row->ntrials = rep.ntrials;
    row->node_s = rep.node_s;
    row->has_gate = rep.has_gate;
    row->gate_ok = rep.gate_ok;
    row->gate_threshold = rep.gate_threshold;
    row->exit_code = code;
    return code;
}

/* The worse of two exit codes: interrupted, harness error, gate, pass. */
static int worse(int a, int b)
{
    static const int order[] = {LJ_EXIT_PASS, LJ_EXIT_GATE, LJ_EXIT_HARNESS, LJ_EXIT_INTERRUPTED};
    int ra = 0, rb = 0;
    for (int i = 0; i < 4; i++) {
        ra = order[i] == a ? i : ra;
        rb = order[i] == b ? i : rb;
    }
    return ra >= rb ? a : b;
}

/* Every variant's search in turn (or the one search); a Ctrl-C or a failure to start one
 * ends the sequence. Returns the exit code. */
/* A shard's shard.json as it starts (planned variants) or ends (the variants searched and
 * their trials, its exit code); nothing when not sharded. Returns code, or 1 when it could not
 * be written after a shard that would have passed. */
static int write_manifest(struct limit_ctx *x, const struct limit_variant *rows, unsigned n,
                          int code)
{
    json_t *m = x->manifest;
    char err[LJ_ERR_LEN] = "out of memory";
    if (!x->shard.count)
        return code;
    if (!m) {
        json_t *spec = json_pack(
            "{s:s, s:s, s:s, s:f, s:f, s:f, s:I}", "scenario", x->file->path, "name", x->file->name,
            "axis", x->file->limit_axis == LIMIT_AXIS_RATE ? "load.rate" : "load.connections",
            "min", x->file->limit_min.v, "headroom", x->file->limit_headroom, "rate", x->file->rate,
            "connections", (json_int_t)x->file->connections);
        m = x->manifest = shard_manifest_new("limit", x->hash, &x->shard, x->nvariants, spec,
                                             shard_plan_variants(x->file, x->nvariants, &x->shard));
    } else {
        json_t *vars = json_array();
        for (unsigned i = 0; i < n; i++)
            json_array_append_new(vars,
                                  shard_manifest_variant(rows[i].index, rows[i].label, rows[i].dir,
                                                         (unsigned)rows[i].ntrials));
        shard_manifest_end(m, vars, code, code == LJ_EXIT_INTERRUPTED,
                           (double)(now_us() - x->t_start) / 1e6);
    }
    if (m && shard_manifest_write(x->top, m, err) == 0)
        return code;
    fprintf(stderr, "logjam: %s\n", err);
    return code == LJ_EXIT_PASS ? LJ_EXIT_HARNESS : code;
}

/* Every variant's search in turn (or the one search); a Ctrl-C or a failure to start one
 * ends the sequence. Returns the exit code. */
static int search_all(struct limit_ctx *x, struct limit_variant *rows)
{
    char err[LJ_ERR_LEN];
    unsigned v, k = 0, n = x->nvariants ? x->nvariants : 1;
    int code = LJ_EXIT_PASS;
    for (v = 0; v < n; v++) {
        if (!shard_has(&x->shard, v))
            continue;
        struct limit_variant *row = &rows[k++];
        row->index = v + 1;
        if (prepare(x, v, row, err) != 0) {
            fprintf(stderr, "logjam: %s\n", err);
            return LJ_EXIT_INVALID;
        }
        snprintf(x->dir, sizeof x->dir, "%.1500s%s%.500s", x->top, x->nvariants ? "/" : "",
                 row->dir);
        if (x->nvariants && outdir_mkdirs(x->dir) < 0) {
            fprintf(stderr, "logjam: cannot create %s: %s\n", x->dir, strerror(errno));
            limit_search_free(&x->s);
            return LJ_EXIT_HARNESS;
        }
        if (x->nvariants && x->a.progress)
            fprintf(stderr, "logjam: limit variant %u/%u: %s\n", v + 1, n, row->label);
        code = worse(code, search_one(x, row));
        limit_search_free(&x->s);
        if (code == LJ_EXIT_INTERRUPTED || code == LJ_EXIT_INVALID)
            break;
    }
    struct limit_variants_out out = {x->top, x->a.report, x->a.junit};
    if (x->nvariants && code != LJ_EXIT_INVALID &&
        limit_variants_report(x->file, rows, k, x->nvariants, code, &out) < 0 &&
        code == LJ_EXIT_PASS)
        code = LJ_EXIT_HARNESS;
    return write_manifest(x, rows, k, code);
}

int cmd_limit(int argc, char **argv)
{
    static struct limit_ctx x; /* large: not on the stack */
    static struct limit_variant rows[SWEEP_MAX_VARIANTS];
    char err[LJ_ERR_LEN];
    int code;

    memset(&x, 0, sizeof x);
    memset(rows, 0, sizeof rows);
    x.file = malloc(sizeof *x.file);
    x.base = malloc(sizeof *x.base);
    x.sc = malloc(sizeof *x.sc);
    x.trials = calloc(LIMIT_MAX_TRIALS, sizeof *x.trials);
    if (!x.file || !x.base || !x.sc || !x.trials) {
        fprintf(stderr, "logjam: out of memory\n");
        code = LJ_EXIT_HARNESS;
        goto out;
    }
    x.t_start = now_us();
    if ((code = parse_args(argc, argv, &x.a)) != 0 || (code = plan(&x)) != 0)
        goto out;
    if (x.a.dry_run) {
        code = shard_plan_print(stdout, "limit", x.file, x.nvariants, &x.shard, x.hash, err) == 0
                   ? LJ_EXIT_PASS
                   : LJ_EXIT_INVALID;
        goto out;
    }
    if (outdir_prepare(x.a.out, "limit-", x.top, sizeof x.top, err) < 0) {
        fprintf(stderr, "logjam: %s\n", err);
        code = LJ_EXIT_HARNESS;
        goto out;
    }
    if ((code = write_manifest(&x, rows, 0, LJ_EXIT_PASS)) != 0)
        goto out;
    code = search_all(&x, rows);
out:
    json_decref(x.manifest);
    for (unsigned v = 0; v < SWEEP_MAX_VARIANTS; v++)
        json_decref(rows[v].js);
    free(x.file);
    free(x.base);
    free(x.sc);
    free(x.trials);
    return code;
}

int cmd_limit_merged(struct scenario *file, unsigned nvariants, const char *top, const char *report,
                     const char *junit, struct limit_variant *rows, unsigned n)
{
    struct limit_variants_out out = {top, report, junit};
    int code = LJ_EXIT_PASS;
    for (unsigned i = 0; i < n; i++)
        code = worse(code, rows[i].exit_code);
    if (limit_variants_report(file, rows, n, nvariants, code, &out) < 0 && code == LJ_EXIT_PASS)
        code = LJ_EXIT_HARNESS;
    return code;
}
