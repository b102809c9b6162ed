/* run.c -- one run: node, phases (baseline, load, recovery), the sampler thread, signals,
 * the safety cap, the diagnosis, the verdict and its exit code. */
#include "run.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "explain.h"
#include "hist.h"
#include "html.h"
#include "load.h"
#include "load_config_scenario.h"
#include "node.h"
#include "probe.h"
#include "report.h"
#include "series.h"
#include "units.h"
#include "util.h"

#define RUN_TICK_US 100000     /* main loop period */
#define RUN_PROGRESS_US 500000 /* progress line refresh */
#define RUN_STOP_GRACE_MS 3000 /* init:stop, then SIGKILL */
#define RUN_DIAG_TOP_N 10
#define RUN_DIAG_BUDGET_MS 10000 /* the probe's own scan budget; ~4 us a process */
#define RUN_DIAG_TIMEOUT_MS 30000
#define RUN_MAX_DIAGNOSES 3
#define RUN_DIAG_KEEPALIVE_US 10000000
#define RUN_INTERRUPT_RECOVERY_US 2000000 /* recovery after Ctrl-C */

/* ---- signals: the handler only records; the main loop acts ---------------------------- */

static volatile sig_atomic_t g_interrupts;
static volatile sig_atomic_t g_diagnose_requested;
static volatile pid_t g_node_pgid;

static void on_signal(int sig)
{
    if (sig == SIGUSR1) {
        g_diagnose_requested = 1;
        return;
    }
    if (++g_interrupts >= 2) {
        /* Second Ctrl-C: exit at once. The janitor removes the temp dir when we are gone. */
        if (g_node_pgid > 0)
            kill(-g_node_pgid, SIGKILL);
        _exit(LJ_EXIT_INTERRUPTED);
    }
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN); /* a file-size limit is a write error (EFBIG), not a crash */
    g_interrupts = 0;
    g_diagnose_requested = 0;
}

/* Worker threads never take the signals: the main thread's sleeps are what they wake. */
static void block_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

static void sleep_us(uint64_t us)
{
    struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
    nanosleep(&ts, NULL); /* EINTR is fine: the caller re-checks its flags */
}

/* ---- the sampler thread ----------------------------------------------------------- */

struct sampler {
    pthread_t thread;
    bool started;
    struct node *node;
    struct probe *probe;
    uint64_t t0, interval_us;
    _Atomic int phase;
    atomic_bool stop;
    atomic_bool lost; /* the node stopped answering for good */
    char lost_why[LJ_ERR_LEN];
    struct load *_Atomic load;

    pthread_mutex_t mu; /* guards everything below */
    struct series *series;
    FILE *csv;
    bool csv_failed;
    char csv_error[LJ_ERR_LEN];
    uint64_t missed;
    struct sample last;
    bool have_last;
};

static void sampler_record(struct sampler *s, struct sample *smp)
{
    struct load *l = atomic_load(&s->load);
    smp->at_us = now_us() - s->t0;
    smp->phase = (enum phase)atomic_load(&s->phase);
    if (l)
        load_counters(l, &smp->load);
    pthread_mutex_lock(&s->mu);
    if (series_add(s->series, smp) < 0 && !s->csv_failed)
        snprintf(s->csv_error, sizeof s->csv_error, "out of memory for samples");
    s->last = *smp;
    s->have_last = true;
    if (s->csv && !s->csv_failed) {
        if (report_csv_row(s->csv, smp) < 0 || fflush(s->csv) != 0) {
            s->csv_failed = true;
            snprintf(s->csv_error, sizeof s->csv_error, "samples.csv: %s", strerror(errno));
        }
    }
    pthread_mutex_unlock(&s->mu);
}

static void *sampler_main(void *arg)
{
    struct sampler *s = arg;
    uint64_t next = now_us();
    char err[LJ_ERR_LEN];
    while (!atomic_load(&s->stop)) {
        uint64_t now = now_us();
        if (now < next) {
            sleep_us(next - now < 20000 ? next - now : 20000);
            continue;
        }
        next += s->interval_us;
        if (next < now)
            next = now + s->interval_us; /* we fell behind: do not burst to catch up */
        struct sample smp;
        memset(&smp, 0, sizeof smp);
        unsigned timeout_ms = (unsigned)(s->interval_us / 1000);
        enum probe_status st = probe_snapshot(s->probe, &smp, timeout_ms ? timeout_ms : 1, err);
        if (st == PROBE_OK) {
            sampler_record(s, &smp);
        } else if (st == PROBE_TIMEOUT || st == PROBE_BUSY || st == PROBE_BADRPC) {
            pthread_mutex_lock(&s->mu);
            s->missed++;
            pthread_mutex_unlock(&s->mu);
        } else {
            snprintf(s->lost_why, sizeof s->lost_why, "%s", err);
            atomic_store(&s->lost, true);
            break;
        }
    }
    return NULL;
}

static int sampler_start(struct sampler *s, char *err)
{
    sigset_t old;
    s->probe = node_probe(s->node, "sampler", err);
    if (!s->probe)
        return -1;
    block_signals(&old);
    int rc = pthread_create(&s->thread, NULL, sampler_main, s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        lj_err(err, "cannot start the sampler thread: %s", strerror(rc));
        probe_close(s->probe);
        s->probe = NULL;
        return -1;
    }
    s->started = true;
    return 0;
}

static void sampler_stop(struct sampler *s)
{
    if (!s->started)
        return;
    atomic_store(&s->stop, true);
    pthread_join(s->thread, NULL);
    s->started = false;
    probe_close(s->probe);
    s->probe = NULL;
}

static bool sampler_last(struct sampler *s, struct sample *out)
{
    pthread_mutex_lock(&s->mu);
    bool have = s->have_last;
    if (have)
        *out = s->last;
    pthread_mutex_unlock(&s->mu);
    return have;
}

/* ---- output directory --------------------------------------------------------------- */

static int make_dirs(const char *path)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, 0755) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

static int out_dir_prepare(const struct run_opts *o, char *dir, size_t len, char *err)
{
    if (o->out_dir) {
        snprintf(dir, len, "%s", o->out_dir);
    } else {
        char stamp[32];
        time_t t = time(NULL);
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
        snprintf(dir, len, "logjam-out/%s", stamp);
        struct stat st;
        for (int i = 2; stat(dir, &st) == 0 && i < 100; i++)
            snprintf(dir, len, "logjam-out/%s-%d", stamp, i);
    }
    if (make_dirs(dir) < 0) {
        lj_err(err, "cannot create the output directory %s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
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

/* ---- diagnosis ------------------------------------------------------------------------ */

struct diag_state {
    struct probe *probe; /* opened before the load (libei needs fds < FD_SETSIZE), kept alive */
    uint64_t last_used;
    json_t *doc; /* the diagnosis kept for the report (the last one taken) */
    int taken;
    bool trigger_armed;
    struct gate trigger; /* diagnose_at = METRIC OP VALUE, parsed as a gate on max */
};

static void diag_take(struct node *n, struct diag_state *d, const char *why, uint64_t at_us,
                      bool quiet)
{
    char err[LJ_ERR_LEN];
    if (d->taken >= RUN_MAX_DIAGNOSES)
        return;
    d->taken++;
    json_t *doc = NULL;
    if (!d->probe)
        d->probe = node_probe(n, "diag", err);
    if (d->probe) {
        if (!quiet)
            fprintf(stderr, "\r\033[Klogjam: diagnosing (%s)...\n", why);
        enum probe_status st = probe_diagnose(d->probe, RUN_DIAG_TOP_N, RUN_DIAG_BUDGET_MS, &doc,
                                              RUN_DIAG_TIMEOUT_MS, err);
        d->last_used = now_us();
        if (st != PROBE_OK) {
            json_decref(doc);
            doc = NULL;
        }
        if (st == PROBE_ERROR) {
            probe_close(d->probe);
            d->probe = NULL;
        }
    }
    if (!doc) {
        fprintf(stderr, "logjam: diagnosis failed: %s\n", err);
        return;
    }
    json_object_set_new(doc, "trigger", json_string(why));
    json_object_set_new(doc, "at", json_real((double)at_us / 1e6));
    /* Asked for (SIGUSR1, diagnose_at): say it was done, even without a progress line. */
    if (!quiet || strcmp(why, "peak") != 0) {
        const json_t *took = json_object_get(doc, "took_us"),
                     *n_procs = json_object_get(doc, "scanned");
        fprintf(stderr, "\r\033[Klogjam: diagnosis (%s) at %.1f s: %lld processes in %.0f ms\n",
                why, (double)at_us / 1e6, (long long)json_integer_value(n_procs),
                (double)json_integer_value(took) / 1000);
    }
    json_decref(d->doc);
    d->doc = doc;
}

/* An idle distribution connection is dropped by the node after net_ticktime (45-75 s):
 * a cheap call every RUN_DIAG_KEEPALIVE_US keeps the diagnosis connection open. */
static void diag_keepalive(struct diag_state *d)
{
    char err[LJ_ERR_LEN];
    json_t *reply = NULL;
    if (!d->probe || now_us() - d->last_used < RUN_DIAG_KEEPALIVE_US)
        return;
    d->last_used = now_us();
    if (probe_call(d->probe, "erlang", "node", NULL, 0, &reply, 2000, err) == PROBE_ERROR) {
        probe_close(d->probe);
        d->probe = NULL;
    }
    json_decref(reply);
}

static void diag_prepare(const struct scenario *sc, struct diag_state *d)
{
    char err[LJ_ERR_LEN];
    memset(d, 0, sizeof *d);
    const char *at = sc->diagnose_at;
    if (!*at || strcmp(at, "peak") == 0 || strcmp(at, "never") == 0)
        return;
    /* "processes > 50000", validated by scenario_load already */
    d->trigger_armed = gate_parse_trigger(at, &d->trigger, err) == 0;
}

/* ---- the run -------------------------------------------------------------------------- */

struct run_ctx {
    const struct scenario *sc;
    const struct run_opts *o;
    struct node *node;
    struct sampler smp;
    struct load *load;
    struct hist *lat, *lat_raw;
    struct diag_state diag;
    struct results res;
    char out_dir[1024];
    char error[LJ_ERR_LEN];
    bool capped, interrupted, failed, aborted;
    int interrupts_seen;
    uint64_t load_started_at; /* now_us() when the load began; 0 before */
    uint64_t next_abort_check;
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
    if (!sampler_last(&c->smp, &last))
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
    pthread_mutex_lock(&c->smp.mu);
    struct results tmp = {.series = c->smp.series,
                          .load_start_us = c->res.load_start_us,
                          .load_end_us = since_start(c),
                          .missed = c->smp.missed};
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
    pthread_mutex_unlock(&c->smp.mu);
    return lost;
}

/* One tick of the main loop: returns false when the phase must end now. */
static bool tick(struct run_ctx *c, const char *phase)
{
    sleep_us(RUN_TICK_US);
    if (g_interrupts > c->interrupts_seen) { /* a new Ctrl-C ends the current phase */
        c->interrupts_seen = g_interrupts;
        c->interrupted = true;
        return false;
    }
    if (!node_alive(c->node)) {
        lj_err(c->error, "the node died during the %s phase: %s", phase, node_exit_reason(c->node));
        c->failed = true;
        return false;
    }
    if (atomic_load(&c->smp.lost)) {
        lj_err(c->error, "the node stopped answering the probe: %s", c->smp.lost_why);
        c->failed = true;
        return false;
    }
    struct sample last;
    bool have = sampler_last(&c->smp, &last);
    if (have && last.mem_total > c->mem_limit) {
        char a[32], b[32];
        lj_err(c->error, "node memory %s passed the safety cap run.node_memory_limit = %s",
               units_format_size(last.mem_total, a, sizeof a),
               units_format_size(c->mem_limit, b, sizeof b));
        diag_take(c->node, &c->diag, "safety cap", since_start(c), !c->o->progress);
        node_kill(c->node);
        c->capped = true;
        return false;
    }
    if (g_diagnose_requested) {
        g_diagnose_requested = 0;
        diag_take(c->node, &c->diag, "SIGUSR1", since_start(c), !c->o->progress);
    }
    if (have && c->diag.trigger_armed &&
        gate_holds(&c->diag.trigger, series_metric(&last, c->diag.trigger.metric))) {
        c->diag.trigger_armed = false;
        char why[GATE_METRIC_LEN + GATE_EXPR_LEN + 8];
        snprintf(why, sizeof why, "%s", c->sc->diagnose_at);
        diag_take(c->node, &c->diag, why, since_start(c), !c->o->progress);
    }
    if (abort_gate_failed(c)) {
        c->aborted = true;
        return false;
    }
    diag_keepalive(&c->diag);
    progress(c, phase);
    return true;
}

static void phase_wait(struct run_ctx *c, enum phase ph, uint64_t dur_us)
{
    atomic_store(&c->smp.phase, (int)ph);
    uint64_t end = now_us() + dur_us;
    while (now_us() < end && tick(c, sample_phase_name(ph)))
        ;
}

static void phase_load(struct run_ctx *c)
{
    sigset_t old;
    uint32_t lo = INADDR_LOOPBACK; /* host byte order */
    atomic_store(&c->smp.phase, (int)PHASE_LOAD);
    c->res.load_start_us = since_start(c);
    c->load =
        load_new_from_scenario(c->sc, lo, (uint16_t)node_hello(c->node)->fixture_port, c->error);
    if (!c->load) {
        c->failed = true;
        return;
    }
    block_signals(&old);
    int rc = load_start(c->load, c->error);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc < 0) {
        c->failed = true;
        return;
    }
    atomic_store(&c->smp.load, c->load);
    uint64_t start = now_us();
    c->load_started_at = start;
    uint64_t end = start + c->sc->duration_us + 2 * RUN_TICK_US;
    /* "peak" = the end of the load, taken while the load still runs (after it stops the
     * clients close and the picture changes). */
    uint64_t margin =
        2 * c->sc->sample_interval_us > 1000000 ? 2 * c->sc->sample_interval_us : 1000000;
    uint64_t peak_at = start + (c->sc->duration_us > 2 * margin ? c->sc->duration_us - margin
                                                                : c->sc->duration_us / 2);
    bool want_peak = strcmp(c->sc->diagnose_at, "peak") == 0 || !c->sc->diagnose_at[0];
    while (!load_done(c->load) && now_us() < end && tick(c, "load")) {
        if (want_peak && c->diag.taken == 0 && now_us() >= peak_at)
            diag_take(c->node, &c->diag, "peak", since_start(c), !c->o->progress);
    }
    load_stop(c->load);
    c->res.load_end_us = since_start(c);
    load_latency(c->load, c->lat, c->lat_raw);
}

static void phase_recovery(struct run_ctx *c)
{
    atomic_store(&c->smp.phase, (int)PHASE_RECOVERY);
    uint64_t dur = c->sc->recovery_us;
    if (c->interrupted && dur > RUN_INTERRUPT_RECOVERY_US)
        dur = RUN_INTERRUPT_RECOVERY_US;
    uint64_t end = now_us() + dur;
    int64_t base = -1;
    unsigned near = 0;
    while (now_us() < end && tick(c, "recovery")) {
        if (base < 0) {
            pthread_mutex_lock(&c->smp.mu);
            struct results tmp = {.series = c->smp.series};
            results_finish(&tmp);
            base = tmp.baseline_processes;
            pthread_mutex_unlock(&c->smp.mu);
        }
        struct sample last;
        /* Back near baseline for two samples in a row: the drain is over. */
        if (sampler_last(&c->smp, &last) && last.phase == PHASE_RECOVERY &&
            last.process_count <= base + results_recovery_tolerance(base)) {
            if (++near >= 2 * (unsigned)(c->sc->sample_interval_us / RUN_TICK_US + 1))
                break;
        } else {
            near = 0;
        }
    }
}

static const char *verdict_of(struct run_ctx *c, const struct gate_result *gr, unsigned n,
                              int *code)
{
    bool gates_ok = true;
    for (unsigned i = 0; i < n; i++)
        gates_ok = gates_ok && gr[i].ok;
    if (c->interrupted) {
        *code = LJ_EXIT_INTERRUPTED;
        return "interrupted";
    }
    if (c->failed) {
        *code = LJ_EXIT_HARNESS;
        return "error";
    }
    if (c->capped) {
        *code = LJ_EXIT_GATE;
        return "capped";
    }
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

static int finish(struct run_ctx *c)
{
    char err[LJ_ERR_LEN], path[1100];
    struct gate_result gr[SCENARIO_MAX_GATES];
    int code;

    c->res.series = c->smp.series;
    c->res.latency = c->lat;
    c->res.latency_raw = c->lat_raw;
    c->res.missed = c->smp.missed;
    if (c->load)
        load_counters(c->load, &c->res.load);
    if (!c->res.load_end_us)
        c->res.load_end_us = since_start(c);
    c->res.recovery_end_us = since_start(c);
    results_finish(&c->res);
    evaluate_gates(c->sc, &c->res, gr);
    const char *verdict = verdict_of(c, gr, c->sc->ngates, &code);
    if (c->smp.csv_failed) { /* a run whose samples were lost is not a pass or a fail */
        if (!c->error[0])
            snprintf(c->error, sizeof c->error, "%s", c->smp.csv_error);
        if (code == LJ_EXIT_PASS || code == LJ_EXIT_GATE) {
            code = LJ_EXIT_HARNESS;
            verdict = "error";
        }
    }

    char *explanation = c->diag.doc ? explain_diagnosis(c->diag.doc, c->sc, &c->res) : NULL;
    struct report rep = {
        .sc = c->sc,
        .r = &c->res,
        .gates = gr,
        .ngates = c->sc->ngates,
        .verdict = verdict,
        .exit_code = code,
        .error = c->error,
        .hello = c->node ? node_hello(c->node) : NULL,
        .diagnosis = c->diag.doc,
        .diagnosis_text = explanation,
        .out_dir = c->out_dir,
    };
    harness_usage(&rep.harness_cpu, &rep.harness_rss);
    if (c->o->progress)
        fprintf(stderr, "\r\033[K");

    json_t *js = report_json(&rep);
    char *text = js ? json_dumps(js, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
    int write_rc = 0;
    if (text) {
        snprintf(path, sizeof path, "%s/summary.json", c->out_dir);
        if (report_write(path, text, err) < 0) {
            fprintf(stderr, "logjam: %s\n", err);
            write_rc = -1;
        }
        if (c->o->summary_export && report_write(c->o->summary_export, text, err) < 0) {
            fprintf(stderr, "logjam: %s\n", err);
            write_rc = -1;
        }
    }
    snprintf(path, sizeof path, "%s/report.html", c->out_dir);
    if (html_write_run(path, &rep, err) < 0 ||
        (c->o->html_report && html_write_run(c->o->html_report, &rep, err) < 0)) {
        fprintf(stderr, "logjam: %s\n", err);
        write_rc = -1;
    }
    if (c->o->junit && report_junit(c->o->junit, &rep, err) < 0) {
        fprintf(stderr, "logjam: %s\n", err);
        write_rc = -1;
    }
    if (c->o->latency_dump && c->lat) {
        FILE *f = fopen(c->o->latency_dump, "w");
        if (f) {
            hist_dump(c->lat, f);
            if (fclose(f) != 0)
                write_rc = -1;
        } else {
            fprintf(stderr, "logjam: %s: %s\n", c->o->latency_dump, strerror(errno));
            write_rc = -1;
        }
    }
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

int run_scenario(const struct scenario *sc, const struct run_opts *o)
{
    struct run_ctx c;
    char path[1100];
    int code = LJ_EXIT_HARNESS;

    memset(&c, 0, sizeof c);
    c.sc = sc;
    c.o = o;
    c.t0 = now_us();
    c.mem_limit = sc->node_memory_limit ? sc->node_memory_limit : lj_physical_ram() / 2;
    if (!c.mem_limit)
        c.mem_limit = UINT64_MAX;
    pthread_mutex_init(&c.smp.mu, NULL);
    c.smp.series = series_new();
    c.lat = hist_new();
    c.lat_raw = hist_new();
    if (!c.smp.series || !c.lat || !c.lat_raw) {
        fprintf(stderr, "logjam: out of memory\n");
        goto out;
    }
    diag_prepare(sc, &c.diag);
    install_signals();
    if (out_dir_prepare(o, c.out_dir, sizeof c.out_dir, c.error) < 0) {
        fprintf(stderr, "logjam: %s\n", c.error);
        goto out;
    }
    snprintf(path, sizeof path, "%s/samples.csv", c.out_dir);
    c.smp.csv = fopen(path, "w");
    if (!c.smp.csv || report_csv_header(c.smp.csv) < 0 || fflush(c.smp.csv) != 0) {
        fprintf(stderr, "logjam: cannot write %s: %s\n", path, strerror(errno));
        goto out;
    }

    if (o->progress)
        fprintf(stderr, "logjam: starting the node...\r");
    c.node = node_start(sc, o->fixture_ebin, c.error);
    if (!c.node) {
        fprintf(stderr, "\r\033[Klogjam: %s\n", c.error);
        goto out;
    }
    g_node_pgid = node_pid(c.node);
    c.smp.node = c.node;
    c.smp.t0 = c.t0;
    c.smp.interval_us = sc->sample_interval_us;
    if (sampler_start(&c.smp, c.error) < 0) {
        c.failed = true;
    } else {
        c.diag.probe = node_probe(c.node, "diag", c.error); /* before the load's fds */
        c.diag.last_used = now_us();
        c.error[0] = '\0'; /* without it a diagnosis is just not taken */
        phase_wait(&c, PHASE_BASELINE, sc->baseline_us);
        if (!c.failed && !c.capped && !c.interrupted)
            phase_load(&c);
        if (!c.failed && !c.capped && strcmp(sc->diagnose_at, "never") != 0 &&
            c.diag.taken == 0) /* the load ended early (Ctrl-C): diagnose what is there */
            diag_take(c.node, &c.diag, "peak", since_start(&c), !o->progress);
        if (!c.failed && !c.capped && !c.aborted) /* after a Ctrl-C too, shortened */
            phase_recovery(&c);
    }
    sampler_stop(&c.smp);
    code = finish(&c);
out:
    sampler_stop(&c.smp);
    if (c.load) {
        load_stop(c.load);
        load_free(c.load);
    }
    node_stop(c.node, RUN_STOP_GRACE_MS);
    g_node_pgid = 0;
    if (c.smp.csv)
        fclose(c.smp.csv);
    probe_close(c.diag.probe);
    json_decref(c.diag.doc);
    series_free(c.smp.series);
    hist_free(c.lat);
    hist_free(c.lat_raw);
    pthread_mutex_destroy(&c.smp.mu);
    return code;
}

int run_serve(const struct scenario *sc, const struct run_opts *o)
{
    char err[LJ_ERR_LEN];
    install_signals();
    struct node *n = node_start(sc, o->fixture_ebin, err);
    if (!n) {
        fprintf(stderr, "logjam: %s\n", err);
        return LJ_EXIT_HARNESS;
    }
    g_node_pgid = node_pid(n);
    printf("http://127.0.0.1:%d\n", node_hello(n)->fixture_port);
    fflush(stdout);
    int code = LJ_EXIT_PASS;
    for (;;) {
        struct pollfd pfd = {.fd = 0, .events = POLLIN};
        int r = poll(&pfd, 1, 200);
        if (g_interrupts)
            break;
        if (!node_alive(n)) {
            fprintf(stderr, "logjam: the node died: %s\n", node_exit_reason(n));
            code = LJ_EXIT_HARNESS;
            break;
        }
        if (r > 0) {
            char buf[256];
            ssize_t k = read(0, buf, sizeof buf);
            if (k <= 0)
                break; /* stdin closed */
        }
    }
    node_stop(n, RUN_STOP_GRACE_MS);
    g_node_pgid = 0;
    return code;
}
