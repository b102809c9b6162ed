/* run.c -- one run: the node, the phases (baseline, load, recovery), the safety cap and
 * abort gates, the verdict, its exit code and the files it writes. */
#include "run.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "diag.h"
#include "explain.h"
#include "explain_target.h"
#include "hist.h"
#include "html.h"
#include "load.h"
#include "load_config_scenario.h"
#include "node.h"
#include "outdir.h"
#include "report.h"
#include "sampler.h"
#include "series.h"
#include "signals.h"
#include "target_spec.h"
#include "units.h"
#include "util.h"

#ifndef LJ_FIXTURE_DIR
#define LJ_FIXTURE_DIR "erlang_fixture/ebin"
#endif

#define RUN_TICK_US 100000                /* main loop period */
#define RUN_PROGRESS_US 500000            /* progress line refresh */
#define RUN_INTERRUPT_RECOVERY_US 2000000 /* recovery after Ctrl-C */
#define RUN_LOST_GRACE_TICKS 10           /* a lost probe connection waits for the node's exit */

const char *run_fixture_default(void)
{
    const char *dir = getenv("LOGJAM_FIXTURE_DIR");
    return dir && *dir ? dir : LJ_FIXTURE_DIR;
}

/* ---- harness self-measurement -------------------------------------------------------- */

static void harness_usage(double *cpu, uint64_t *rss)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    *rss = (uint64_t)ru.ru_maxrss * 1024;
}

/* ---- the run -------------------------------------------------------------------------- */

struct run_ctx {
    const struct scenario *sc;
    const struct run_opts *o;
    struct node *node;
    struct series *series;
    FILE *csv; /* samples.csv */
    struct sampler *smp;
    struct sampler_end smp_end; /* filled when the sampler stops */
    struct load *load;
    struct hist *lat, *lat_raw;
    struct diag *diag;
    struct results res;
    char out_dir[1024];
    char error[LJ_ERR_LEN];
    bool capped, interrupted, failed, aborted, stopped_early;
    int interrupts_seen;
    uint64_t load_started_at; /* now_us() when the load began; 0 before */
    uint64_t next_abort_check, next_early_check;
    uint64_t t0;
    uint64_t mem_limit;
    uint64_t last_progress;
    uint64_t prev_sent, prev_sent_at;
    double req_rate;
};

static uint64_t since_start(const struct run_ctx *c)
{
    return now_us() - c->t0;
}

static void progress(struct run_ctx *c, const char *phase)
{
    if (!c->o->progress)
        return;
    uint64_t now = now_us();
    if (now - c->last_progress < RUN_PROGRESS_US)
        return;
    struct sample last;
    if (!sampler_last(c->smp, &last))
        return;
    if (c->load) {
        struct load_counters lc;
        load_counters(c->load, &lc);
        if (c->prev_sent_at && now > c->prev_sent_at)
            c->req_rate =
                (double)(lc.sent - c->prev_sent) / ((double)(now - c->prev_sent_at) / 1e6);
        c->prev_sent = lc.sent;
        c->prev_sent_at = now;
    } else {
        c->req_rate = 0;
    }
    c->last_progress = now;
    report_progress(stderr, &last, (double)since_start(c) / 1e6, phase, c->req_rate, c->o->color);
}

/* Gates marked `abort`: once one has failed on the data so far (after run.abort_grace of
 * load), the run is lost and stops early. Checked once per sample interval. */
static bool abort_gate_failed(struct run_ctx *c)
{
    const struct scenario *sc = c->sc;
    uint64_t now = now_us();
    if (!c->load_started_at || now - c->load_started_at < sc->abort_grace_us ||
        now < c->next_abort_check)
        return false;
    c->next_abort_check = now + sc->sample_interval_us;
    bool lost = false;
    struct results tmp = {.load_start_us = c->res.load_start_us};
    tmp.series = sampler_hold(c->smp, &tmp.missed);
    tmp.load_end_us = since_start(c);
    if (c->load)
        load_counters(c->load, &tmp.load);
    results_finish(&tmp);
    for (unsigned i = 0; i < sc->ngates && !lost; i++) {
        const struct gate *g = &sc->gates[i];
        double v;
        if (!g->abort || results_value(&tmp, g->metric, g->agg, g->pct, &v) < 0 || gate_holds(g, v))
            continue;
        char val[32];
        lj_err(c->error, "gate %s = %s failed at %.1f s (value %s): run aborted (abort)", g->metric,
               g->expr, (double)since_start(c) / 1e6, report_gate_value(g, v, val, sizeof val));
        lost = true;
    }
    sampler_release(c->smp);
    return lost;
}

/* run_opts.early_stop: the load's samples of the last window (and one before) against
 * limit_mode_early_stop. Checked once per sample interval. */
static bool failed_beyond_doubt(struct run_ctx *c)
{
    const struct limit_mode_stop *st = c->o->early_stop;
    double window_s = st->window_s > 0 ? st->window_s : LIMIT_MODE_STOP_WINDOW_S;
    uint64_t now = now_us(), window_us = (uint64_t)(window_s * 1e6);
    if (!c->load_started_at || now < c->next_early_check)
        return false;
    c->next_early_check = now + c->sc->sample_interval_us;
    struct results tmp = {0};
    tmp.series = sampler_hold(c->smp, &tmp.missed);
    results_finish(&tmp);
    size_t n = series_count(tmp.series), first = n, k = 0;
    const struct sample *last = series_last(tmp.series);
    while (last && first > 0 && series_at(tmp.series, first - 1)->phase == PHASE_LOAD &&
           series_at(tmp.series, first - 1)->at_us + window_us + c->sc->sample_interval_us >=
               last->at_us)
        first--;
    struct sample *recent = n > first ? malloc((n - first) * sizeof *recent) : NULL;
    for (size_t i = first; recent && i < n; i++)
        recent[k++] = *series_at(tmp.series, i);
    enum limit_mode m = limit_mode_early_stop(st, tmp.baseline_processes, recent, k);
    if (m != LIMIT_MODE_NONE)
        lj_err(c->error, "stopped early at %.1f s: %s (processes %lld, baseline %lld, logger sync)",
               (double)since_start(c) / 1e6, limit_mode_name(m), (long long)last->process_count,
               (long long)tmp.baseline_processes);
    free(recent);
    sampler_release(c->smp);
    return m != LIMIT_MODE_NONE;
}

/* The safety cap: node memory past run.node_memory_limit stops the load and kills the node
 * (after a diagnosis) - only the load when the node is not logjam's. */
static bool over_memory_cap(struct run_ctx *c, const struct sample *last)
{
    if (last->mem_total <= c->mem_limit)
        return false;
    char a[32], b[32];
    lj_err(c->error, "node memory %s passed the safety cap run.node_memory_limit = %s%s",
           units_format_size(last->mem_total, a, sizeof a),
           units_format_size(c->mem_limit, b, sizeof b),
           node_is_ours(c->node) ? ""
                                 : ": the load was stopped; the target was not killed (logjam "
                                   "did not start it)");
    diag_take(c->diag, "safety cap", since_start(c));
    node_kill(c->node);
    c->capped = true;
    return true;
}

/* One tick of the main loop: returns false when the phase must end now. */
static bool tick(struct run_ctx *c, const char *phase)
{
    char why[LJ_ERR_LEN];
    signals_nap(RUN_TICK_US);
    if (signals_interrupts() > c->interrupts_seen) { /* a new Ctrl-C ends the current phase */
        c->interrupts_seen = signals_interrupts();
        c->interrupted = true;
        return false;
    }
    bool lost = sampler_lost(c->smp, why);
    /* A killed node's connections close a moment before its exit can be reaped: the error
     * names the death when there is one. */
    for (unsigned i = 0; lost && i < RUN_LOST_GRACE_TICKS && node_alive(c->node); i++)
        signals_nap(RUN_TICK_US / 10);
    if (!node_alive(c->node)) {
        lj_err(c->error, "the %s during the %s phase: %s",
               node_is_ours(c->node) ? "node died" : "target disconnected", phase,
               node_exit_reason(c->node));
        c->failed = true;
        return false;
    }
    if (lost) {
        lj_err(c->error, "the node stopped answering the probe: %s", why);
        c->failed = true;
        return false;
    }
    struct sample last;
    bool have = sampler_last(c->smp, &last);
    if (have && over_memory_cap(c, &last))
        return false;
    if (signals_diagnose_requested())
        diag_take(c->diag, "SIGUSR1", since_start(c));
    diag_trigger(c->diag, have ? &last : NULL, since_start(c));
    if (abort_gate_failed(c)) {
        c->aborted = true;
        return false;
    }
    if (c->o->early_stop && failed_beyond_doubt(c)) {
        c->aborted = c->stopped_early = true;
        return false;
    }
    diag_keepalive(c->diag);
    progress(c, phase);
    return true;
}

static void phase_wait(struct run_ctx *c, enum phase ph, uint64_t dur_us)
{
    sampler_set_phase(c->smp, ph);
    uint64_t end = now_us() + dur_us;
    while (now_us() < end && tick(c, sample_phase_name(ph)))
        ;
}

/* The load aimed at the fixture's port, or at [target] url. */
static struct load *new_load(struct run_ctx *c)
{
    struct load_config cfg;
    char why[LJ_ERR_LEN];
    uint32_t addr = INADDR_LOOPBACK; /* host byte order */
    uint16_t port = (uint16_t)node_hello(c->node)->fixture_port;
    if (node_is_ours(c->node))
        return load_new_from_scenario(c->sc, addr, port, c->error);
    load_config_from_scenario(&cfg, c->sc, 0, 0);
    if (target_spec_url(c->sc->target_url, &cfg.addr, &cfg.port, cfg.path, sizeof cfg.path, why,
                        sizeof why) < 0) { /* checked when the scenario was read */
        lj_err(c->error, "%s", why);
        return NULL;
    }
    return load_new(&cfg, c->error);
}

static void phase_load(struct run_ctx *c)
{
    sigset_t old;
    sampler_set_phase(c->smp, PHASE_LOAD);
    c->res.load_start_us = since_start(c);
    c->load = new_load(c);
    if (!c->load) {
        c->failed = true;
        return;
    }
    signals_block(&old);
    int rc = load_start(c->load, c->error);
    signals_restore(&old);
    if (rc < 0) {
        c->failed = true;
        return;
    }
    sampler_set_load(c->smp, c->load);
    uint64_t start = now_us();
    c->load_started_at = start;
    uint64_t end = start + c->sc->duration_us + 2 * RUN_TICK_US;
    uint64_t peak_after = diag_peak_after_us(c->diag);
    while (!load_done(c->load) && now_us() < end && tick(c, "load")) {
        if (diag_taken(c->diag) == 0 && now_us() - start >= peak_after)
            diag_take(c->diag, "peak", since_start(c));
    }
    load_stop(c->load);
    c->res.load_end_us = since_start(c);
    load_latency(c->load, c->lat, c->lat_raw);
}

static void phase_recovery(struct run_ctx *c)
{
    sampler_set_phase(c->smp, PHASE_RECOVERY);
    uint64_t dur = c->sc->recovery_us;
    if (c->interrupted && dur > RUN_INTERRUPT_RECOVERY_US)
        dur = RUN_INTERRUPT_RECOVERY_US;
    uint64_t end = now_us() + dur;
    int64_t base = -1;
    unsigned near = 0;
    while (now_us() < end && tick(c, "recovery")) {
        if (base < 0) {
            struct results tmp = {0};
            tmp.series = sampler_hold(c->smp, &tmp.missed);
            results_finish(&tmp);
            base = tmp.baseline_processes;
            sampler_release(c->smp);
        }
        struct sample last;
        /* Back near baseline for two samples in a row: the drain is over. */
        if (sampler_last(c->smp, &last) && last.phase == PHASE_RECOVERY &&
            last.process_count <= base + results_recovery_tolerance(base)) {
            if (++near >= 2 * (unsigned)(c->sc->sample_interval_us / RUN_TICK_US + 1))
                break;
        } else {
            near = 0;
        }
    }
}

/* logjam attach: samples without load, the view redrawn every refresh, until 'q' (or what
 * ends a run: Ctrl-C, a disconnect). 'd' takes a diagnosis. */
static void phase_watch(struct run_ctx *c)
{
    const struct run_watch *w = c->o->watch;
    uint64_t next = 0;
    sampler_set_phase(c->smp, PHASE_BASELINE);
    while (tick(c, "watch")) {
        if (now_us() < next)
            continue;
        next = now_us() + w->refresh_us;
        struct sample last;
        bool have = sampler_last(c->smp, &last);
        int key = w->frame(w->arg, have ? &last : NULL, diag_doc(c->diag));
        if (key == 'q')
            break;
        if (key == 'd') {
            diag_take(c->diag, "key d", since_start(c));
            next = 0; /* show it at once */
        }
    }
}

/* Baseline, load, recovery, each cut short by what ends the run (a dead node, the cap...). */
static void run_phases(struct run_ctx *c)
{
    diag_connect(c->diag, c->node); /* before the load's fds */
    if (c->o->watch) {
        phase_watch(c);
        return;
    }
    phase_wait(c, PHASE_BASELINE, c->sc->baseline_us);
    if (!c->failed && !c->capped && !c->interrupted)
        phase_load(c);
    if (!c->failed && !c->capped) /* the load ended early (Ctrl-C): diagnose what is there */
        diag_if_none(c->diag, since_start(c));
    if (!c->failed && !c->capped && !c->aborted) /* after a Ctrl-C too, shortened */
        phase_recovery(c);
}

/* ---- the verdict and the outputs ------------------------------------------------------- */

/* The verdict and its exit code. A run whose samples were lost is not a pass or a fail. */
static const char *verdict_of(struct run_ctx *c, const struct gate_result *gr, int *code)
{
    bool gates_ok = true;
    for (unsigned i = 0; i < c->sc->ngates; i++)
        gates_ok = gates_ok && gr[i].ok;
    if (c->smp_end.csv_failed && !c->error[0])
        snprintf(c->error, sizeof c->error, "%s", c->smp_end.csv_error);
    if (c->interrupted) {
        *code = LJ_EXIT_INTERRUPTED;
        return "interrupted";
    }
    if (c->failed || c->smp_end.csv_failed) {
        *code = LJ_EXIT_HARNESS;
        return "error";
    }
    if (c->capped) {
        *code = LJ_EXIT_GATE;
        return "capped";
    }
    gates_ok = gates_ok && !c->stopped_early; /* whatever the gates say on what was left */
    *code = gates_ok ? LJ_EXIT_PASS : LJ_EXIT_GATE;
    return gates_ok ? "pass" : "fail";
}

static void evaluate_gates(const struct scenario *sc, const struct results *r,
                           struct gate_result *out)
{
    for (unsigned i = 0; i < sc->ngates; i++) {
        const struct gate *g = &sc->gates[i];
        out[i].gate = g;
        out[i].has_data = results_value(r, g->metric, g->agg, g->pct, &out[i].value) == 0;
        out[i].ok = out[i].has_data && gate_holds(g, out[i].value);
    }
}

/* Everything the run measured into c->res. */
static void collect_results(struct run_ctx *c)
{
    c->res.series = c->series;
    c->res.latency = c->lat;
    c->res.latency_raw = c->lat_raw;
    c->res.missed = c->smp_end.missed;
    c->res.interval_us = c->sc->sample_interval_us;
    if (c->load)
        load_counters(c->load, &c->res.load);
    if (!c->res.load_end_us)
        c->res.load_end_us = since_start(c);
    c->res.recovery_end_us = since_start(c);
    results_finish(&c->res);
}

/* The HdrHistogram percentile table (--latency-dump). Returns 0, or -1 (said on stderr). */
static int write_latency_dump(const char *path, const struct hist *lat)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "logjam: %s: %s\n", path, strerror(errno));
        return -1;
    }
    hist_dump(lat, f);
    return fclose(f) != 0 ? -1 : 0;
}

/* summary.json (text: the JSON, NULL when it could not be made), report.html and what the
 * options ask for. Returns 0, or -1 when a file could not be written (said on stderr). */
static int write_files(const struct run_ctx *c, const struct report *rep, const char *text)
{
    char err[LJ_ERR_LEN], path[1100];
    int rc = 0;
    if (text) {
        snprintf(path, sizeof path, "%s/summary.json", c->out_dir);
        if (report_write(path, text, err) < 0) {
            fprintf(stderr, "logjam: %s\n", err);
            rc = -1;
        }
        if (c->o->summary_export && report_write(c->o->summary_export, text, err) < 0) {
            fprintf(stderr, "logjam: %s\n", err);
            rc = -1;
        }
    }
    snprintf(path, sizeof path, "%s/report.html", c->out_dir);
    if (html_write_run(path, rep, err) < 0 ||
        (c->o->html_report && html_write_run(c->o->html_report, rep, err) < 0)) {
        fprintf(stderr, "logjam: %s\n", err);
        rc = -1;
    }
    if (c->o->junit && report_junit(c->o->junit, rep, err) < 0) {
        fprintf(stderr, "logjam: %s\n", err);
        rc = -1;
    }
    if (c->o->latency_dump && c->lat && write_latency_dump(c->o->latency_dump, c->lat) < 0)
        rc = -1;
    return rc;
}

/* The verdict, every file and the summary on stdout; returns the exit code. */
static int finish(struct run_ctx *c)
{
    struct gate_result gr[SCENARIO_MAX_GATES];
    int code;

    collect_results(c);
    evaluate_gates(c->sc, &c->res, gr);
    const char *verdict = verdict_of(c, gr, &code);
    const json_t *doc = diag_doc(c->diag);
    const json_t *target = node_target_doc(c->node);
    char *explanation = !doc      ? NULL
                        : !target ? explain_diagnosis(doc, c->sc, &c->res)
                                  : explain_target(doc, json_object_get(target, "logger"), &c->res);
    struct report rep = {
        .sc = c->sc,
        .r = &c->res,
        .gates = gr,
        .ngates = c->sc->ngates,
        .verdict = verdict,
        .exit_code = code,
        .error = c->error,
        .hello = c->node ? node_hello(c->node) : NULL,
        .target = target,
        .diagnosis = doc,
        .diagnosis_text = explanation,
        .out_dir = c->out_dir,
    };
    harness_usage(&rep.harness_cpu, &rep.harness_rss);
    if (c->o->progress)
        fprintf(stderr, "\r\033[K");

    json_t *js = report_json(&rep);
    char *text = js ? json_dumps(js, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
    int write_rc = write_files(c, &rep, text);
    if (c->o->format == FORMAT_JSON) {
        if (text)
            printf("%s\n", text);
    } else if (!c->o->quiet) {
        report_text(stdout, &rep, c->o->color);
    }
    fflush(stdout);
    if (c->error[0])
        fprintf(stderr, "logjam: %s\n", c->error);
    free(text);
    json_decref(js);
    free(explanation);
    if (write_rc < 0 && code == LJ_EXIT_PASS)
        code = LJ_EXIT_HARNESS; /* a result nobody can read is not a pass */
    return code;
}

/* The output directory and its samples.csv, header written. Returns 0, or -1 (said). */
static int open_outputs(struct run_ctx *c)
{
    char path[1100];
    if (outdir_prepare(c->o->out_dir, "", c->out_dir, sizeof c->out_dir, c->error) < 0) {
        fprintf(stderr, "logjam: %s\n", c->error);
        return -1;
    }
    snprintf(path, sizeof path, "%s/samples.csv", c->out_dir);
    c->csv = fopen(path, "w");
    if (!c->csv || report_csv_header(c->csv) < 0 || fflush(c->csv) != 0) {
        fprintf(stderr, "logjam: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

int run_scenario(const struct scenario *sc, const struct run_opts *o)
{
    struct run_ctx c;
    int code = LJ_EXIT_HARNESS;

    memset(&c, 0, sizeof c);
    c.sc = sc;
    c.o = o;
    c.t0 = now_us();
    c.mem_limit = sc->node_memory_limit ? sc->node_memory_limit : lj_physical_ram() / 2;
    if (!c.mem_limit)
        c.mem_limit = UINT64_MAX;
    c.series = series_new();
    c.lat = hist_new();
    c.lat_raw = hist_new();
    c.diag = diag_new(sc, !o->progress);
    if (!c.series || !c.lat || !c.lat_raw || !c.diag) {
        fprintf(stderr, "logjam: out of memory\n");
        goto out;
    }
    /* A second Ctrl-C exits at once, killing our node; a target's probe must still be
     * removed, so there every Ctrl-C only ends a phase. */
    signals_install(target_spec_set(sc) ? SIGNALS_SECOND_COUNTS : SIGNALS_SECOND_EXITS);
    if (open_outputs(&c) < 0)
        goto out;

    if (o->progress)
        fprintf(stderr, "logjam: %s...\r", target_spec_set(sc) ? "attaching" : "starting the node");
    c.node =
        target_spec_set(sc) ? node_attach(sc, c.error) : node_start(sc, o->fixture_ebin, c.error);
    if (!c.node) {
        fprintf(stderr, "\r\033[Klogjam: %s\n", c.error);
        goto out;
    }
    signals_kill_on_exit(node_pid(c.node));
    c.smp = sampler_start(c.node, sc->sample_interval_us, c.t0, c.series, c.csv, c.error);
    if (c.smp)
        run_phases(&c);
    else
        c.failed = true;
    sampler_stop(c.smp, &c.smp_end);
    c.smp = NULL;
    code = finish(&c);
out:
    sampler_stop(c.smp, &c.smp_end);
    if (c.load) {
        load_stop(c.load);
        load_free(c.load);
    }
    node_stop(c.node, RUN_STOP_GRACE_MS);
    signals_kill_on_exit(0);
    if (c.csv)
        fclose(c.csv);
    diag_free(c.diag);
    series_free(c.series);
    hist_free(c.lat);
    hist_free(c.lat_raw);
    return code;
}
