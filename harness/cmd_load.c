/* cmd_load.c -- `logjam load`: a wrk-like front end to the load generator (load.c). */
#include "cmd_load.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "hist.h"
#include "load.h"
#include "load_config_scenario.h"
#include "signals.h"
#include "units.h"
#include "util.h"

#define CMD_LOAD_POLL_NS 20000000L /* how often the main thread looks at load_done */

/* The usage text, with the defaults a scenario has (load_config_defaults). */
static void cmd_load_usage(FILE *out)
{
    struct load_config d;
    char dur[32], tmo[32];
    load_config_defaults(&d);
    fprintf(out,
            "usage: logjam load [options] http://127.0.0.1:PORT/path\n"
            "  -c, --connections N   connections to keep open (default %u, at most %u)\n"
            "  -t, --threads N       event-loop threads (default %u, at most %u and at most N\n"
            "                        connections)\n"
            "  -d, --duration T      how long to send, e.g. 10s, 500ms (default %s)\n"
            "  -R, --rate R          open loop at R requests/s (e.g. 20000, 6000/s); 0 or absent:\n"
            "                        closed loop, each connection sends when its reply arrives\n"
            "      --ramp T          open loop: rise linearly from 0 to R over T\n"
            "      --timeout T       client timeout per request: close, count, reconnect (default "
            "%s)\n"
            "      --latency         print the full percentile distribution (corrected latency)\n"
            "      --latency-dump F  write both percentile distributions to file F\n"
            "      --json            print one JSON object instead of the text report\n"
            "The defaults are the scenario keys' (logjam keys). The target must be on loopback\n"
            "(127.0.0.0/8).\n",
            d.connections, LOAD_MAX_CONNECTIONS, d.threads, LOAD_MAX_THREADS,
            units_format_duration(d.duration_us, dur, sizeof dur),
            units_format_duration(d.timeout_us, tmo, sizeof tmo));
}

/* What the command line asks for. */
struct cmd_load_args {
    struct load_config cfg;
    const char *url, *dump;
    bool full, json;
};

/* What one run measured. */
struct cmd_load_result {
    struct load_counters c;
    struct hist *cor, *unc;
    double elapsed_s, user_s, sys_s;
    uint64_t rss_max;
    bool interrupted;
};

/* Split http://127.x.y.z[:PORT]/path. Returns 0, or -1 with err. */
static int cmd_load_parse_url(const char *url, uint32_t *addr, uint16_t *port, char *path,
                              size_t pathlen, char *err)
{
    const char *p = url, *host, *colon, *slash;
    char hostbuf[32];
    struct in_addr in;
    unsigned long portnum = 80;

    if (strncmp(p, "http://", 7) != 0) {
        lj_err(err, "URL '%s': only http://127.x.y.z:PORT/path is accepted", url);
        return -1;
    }
    host = p + 7;
    slash = strchr(host, '/');
    if (!slash)
        slash = host + strlen(host);
    colon = memchr(host, ':', (size_t)(slash - host));
    size_t hlen = (size_t)((colon ? colon : slash) - host);
    if (hlen == 0 || hlen >= sizeof hostbuf) {
        lj_err(err, "URL '%s': no host", url);
        return -1;
    }
    memcpy(hostbuf, host, hlen);
    hostbuf[hlen] = '\0';
    if (inet_pton(AF_INET, hostbuf, &in) != 1 || (ntohl(in.s_addr) >> 24) != 127) {
        lj_err(err, "URL '%s': the host must be a loopback address 127.x.y.z, not '%s'", url,
               hostbuf);
        return -1;
    }
    if (colon) {
        char *end;
        errno = 0;
        portnum = strtoul(colon + 1, &end, 10);
        if (end != slash || end == colon + 1 || errno || portnum == 0 || portnum > 65535) {
            lj_err(err, "URL '%s': bad port", url);
            return -1;
        }
    }
    const char *rest = *slash ? slash : "/";
    if (strlen(rest) >= pathlen) {
        lj_err(err, "URL '%s': path longer than %zu bytes", url, pathlen - 1);
        return -1;
    }
    strcpy(path, rest);
    *addr = ntohl(in.s_addr);
    *port = (uint16_t)portnum;
    return 0;
}

static double tv_s(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* Run the load (its threads never take the signals); the main thread stops it at the end of
 * the phase or on SIGINT/SIGTERM. Returns 0, or -1 with err. */
static int cmd_load_run(const struct load_config *cfg, struct cmd_load_result *r, char *err)
{
    sigset_t old;
    struct load *l = NULL;
    int rc = -1;

    signals_install(SIGNALS_SECOND_COUNTS);
    l = load_new(cfg, err);
    if (!l)
        goto fail;
    uint64_t t0 = now_us();
    signals_block(&old);
    int started = load_start(l, err);
    signals_restore(&old);
    if (started < 0)
        goto fail;
    while (!load_done(l)) {
        if (signals_interrupts()) {
            r->interrupted = true;
            break;
        }
        signals_nap(CMD_LOAD_POLL_NS / 1000);
    }
    load_stop(l);
    r->elapsed_s = (double)(now_us() - t0) / 1e6;
    load_counters(l, &r->c);
    load_latency(l, r->cor, r->unc);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    r->user_s = tv_s(ru.ru_utime);
    r->sys_s = tv_s(ru.ru_stime);
    r->rss_max = (uint64_t)ru.ru_maxrss * 1024u;
    rc = 0;
fail:
    load_free(l);
    signals_default();
    return rc;
}

static void cmd_load_print_text(const char *url, const struct load_config *cfg,
                                const struct cmd_load_result *r, bool full)
{
    const struct load_counters *c = &r->c;
    uint64_t done = c->ok + c->failed;
    double cpu = r->user_s + r->sys_s;
    static const double pcts[] = {50, 75, 90, 99, 99.9, 99.99};

    printf("Running %.2fs test @ %s\n", (double)cfg->duration_us / 1e6, url);
    if (cfg->rate > 0)
        printf("  %u threads and %u connections, open loop at %.0f req/s\n", cfg->threads,
               cfg->connections, cfg->rate);
    else
        printf("  %u threads and %u connections, closed loop\n", cfg->threads, cfg->connections);
    printf("  %-22s %10s %10s %10s\n", "Latency (ms)", "corrected", "uncorr.", "");
    printf("  %-22s %10.3f %10.3f\n", "mean", hist_mean(r->cor) / 1e3, hist_mean(r->unc) / 1e3);
    printf("  %-22s %10.3f %10.3f\n", "stdev", hist_stddev(r->cor) / 1e3,
           hist_stddev(r->unc) / 1e3);
    for (size_t i = 0; i < sizeof pcts / sizeof pcts[0]; i++) {
        char label[32];
        snprintf(label, sizeof label, "p(%g)", pcts[i]);
        printf("  %-22s %10.3f %10.3f\n", label, (double)hist_percentile(r->cor, pcts[i]) / 1e3,
               (double)hist_percentile(r->unc, pcts[i]) / 1e3);
    }
    printf("  %-22s %10.3f %10.3f\n", "max", (double)hist_max(r->cor) / 1e3,
           (double)hist_max(r->unc) / 1e3);
    if (full) {
        printf("\n  Detailed percentile spectrum (corrected):\n");
        hist_dump(r->cor, stdout);
    }
    printf("  %llu requests in %.2fs (%llu sent, %llu connects)\n", (unsigned long long)done,
           r->elapsed_s, (unsigned long long)c->sent, (unsigned long long)c->connects);
    if (cfg->rate > 0)
        printf("  scheduled %llu, backlog %llu at the end\n", (unsigned long long)c->scheduled,
               (unsigned long long)c->backlog);
    if (c->failed || c->errored || c->timeouts)
        printf("  Errors: non-2xx %llu, connect/read/write %llu, timeout %llu\n",
               (unsigned long long)c->failed, (unsigned long long)c->errored,
               (unsigned long long)c->timeouts);
    printf("Requests/sec: %12.2f\n", r->elapsed_s > 0 ? (double)done / r->elapsed_s : 0.0);
    printf("CPU:          %12.3fs (user %.3fs, sys %.3fs), %.3fs per 100k requests\n", cpu,
           r->user_s, r->sys_s, done ? cpu * 1e5 / (double)done : 0.0);
    printf("Peak RSS:     %12.1f MiB\n", (double)r->rss_max / 1048576.0);
    if (r->interrupted)
        printf("(interrupted)\n");
}

static json_t *cmd_load_hist_json(const struct hist *h)
{
    json_t *o = json_object();
    json_object_set_new(o, "count", json_integer((json_int_t)hist_count(h)));
    json_object_set_new(o, "mean", json_real(hist_mean(h) / 1e6));
    json_object_set_new(o, "stdev", json_real(hist_stddev(h) / 1e6));
    json_object_set_new(o, "min", json_real((double)hist_min(h) / 1e6));
    static const struct {
        const char *key;
        double p;
    } ps[] = {{"p(50)", 50}, {"p(75)", 75},     {"p(90)", 90},
              {"p(99)", 99}, {"p(99.9)", 99.9}, {"p(99.99)", 99.99}};
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
        json_object_set_new(o, ps[i].key, json_real((double)hist_percentile(h, ps[i].p) / 1e6));
    json_object_set_new(o, "max", json_real((double)hist_max(h) / 1e6));
    return o;
}

static int cmd_load_print_json(const char *url, const struct load_config *cfg,
                               const struct cmd_load_result *r)
{
    const struct load_counters *c = &r->c;
    uint64_t done = c->ok + c->failed;
    double cpu = r->user_s + r->sys_s;
    json_t *o = json_object(), *req = json_object(), *lat = json_object(), *cpuo = json_object();

    json_object_set_new(o, "url", json_string(url));
    json_object_set_new(o, "connections", json_integer(cfg->connections));
    json_object_set_new(o, "threads", json_integer(cfg->threads));
    json_object_set_new(o, "duration", json_real((double)cfg->duration_us / 1e6));
    json_object_set_new(o, "rate_target", json_real(cfg->rate));
    json_object_set_new(o, "elapsed", json_real(r->elapsed_s));
    json_object_set_new(o, "interrupted", json_boolean(r->interrupted));
    json_object_set_new(req, "completed", json_integer((json_int_t)done));
    json_object_set_new(req, "sent", json_integer((json_int_t)c->sent));
    json_object_set_new(req, "ok", json_integer((json_int_t)c->ok));
    json_object_set_new(req, "failed", json_integer((json_int_t)c->failed));
    json_object_set_new(req, "errored", json_integer((json_int_t)c->errored));
    json_object_set_new(req, "timeout", json_integer((json_int_t)c->timeouts));
    json_object_set_new(req, "connects", json_integer((json_int_t)c->connects));
    json_object_set_new(req, "scheduled", json_integer((json_int_t)c->scheduled));
    json_object_set_new(req, "backlog", json_integer((json_int_t)c->backlog));
    json_object_set_new(req, "rate", json_real(r->elapsed_s > 0 ? (double)done / r->elapsed_s : 0));
    json_object_set_new(o, "requests", req);
    json_object_set_new(lat, "corrected", cmd_load_hist_json(r->cor));
    json_object_set_new(lat, "uncorrected", cmd_load_hist_json(r->unc));
    json_object_set_new(o, "latency", lat);
    json_object_set_new(cpuo, "user", json_real(r->user_s));
    json_object_set_new(cpuo, "sys", json_real(r->sys_s));
    json_object_set_new(cpuo, "total", json_real(cpu));
    json_object_set_new(cpuo, "per_100k", json_real(done ? cpu * 1e5 / (double)done : 0.0));
    json_object_set_new(o, "cpu", cpuo);
    json_object_set_new(o, "rss_max", json_integer((json_int_t)r->rss_max));
    int rc = json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9));
    fputc('\n', stdout);
    json_decref(o);
    return rc;
}

static int cmd_load_dump(const char *path, const struct cmd_load_result *r, char *err)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        lj_err(err, "--latency-dump %s: %s", path, strerror(errno));
        return -1;
    }
    fprintf(f, "# corrected latency (from the intended send time)\n");
    hist_dump(r->cor, f);
    fprintf(f, "\n# uncorrected latency (from the actual write)\n");
    hist_dump(r->unc, f);
    if (fclose(f) != 0) {
        lj_err(err, "--latency-dump %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

enum { OPT_TIMEOUT = 256, OPT_LATENCY, OPT_DUMP, OPT_JSON, OPT_RAMP, OPT_HELP };

/* Apply one option to a. Returns NULL, or the flag whose value does not parse (the bounds are
 * load_config_check's). */
static const char *cmd_load_option(struct cmd_load_args *a, int opt, const char *arg)
{
    struct load_config *cfg = &a->cfg;
    uint64_t v;
    switch (opt) {
    case 'c':
        if (units_parse_uint(arg, UINT_MAX, &v) < 0)
            return "-c";
        cfg->connections = (unsigned)v;
        break;
    case 't':
        if (units_parse_uint(arg, UINT_MAX, &v) < 0)
            return "-t";
        cfg->threads = (unsigned)v;
        break;
    case 'd':
        if (units_parse_duration(arg, &cfg->duration_us) < 0)
            return "-d";
        break;
    case 'R':
        if (units_parse_rate(arg, &cfg->rate) < 0)
            return "-R";
        break;
    case OPT_RAMP:
        if (units_parse_duration(arg, &cfg->ramp_us) < 0)
            return "--ramp";
        break;
    case OPT_TIMEOUT:
        if (units_parse_duration(arg, &cfg->timeout_us) < 0)
            return "--timeout";
        break;
    case OPT_LATENCY:
        a->full = true;
        break;
    case OPT_DUMP:
        a->dump = arg;
        break;
    case OPT_JSON:
        a->json = true;
        break;
    }
    return NULL;
}

/* Read the command line into a, starting from the scenario's defaults. Returns -1 to go on, or
 * the exit code to return at once (--help, a usage error, a value that does not parse). */
static int cmd_load_parse_args(int argc, char **argv, struct cmd_load_args *a)
{
    static const struct option opts[] = {
        {"connections", required_argument, NULL, 'c'},
        {"threads", required_argument, NULL, 't'},
        {"duration", required_argument, NULL, 'd'},
        {"rate", required_argument, NULL, 'R'},
        {"ramp", required_argument, NULL, OPT_RAMP},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"latency", no_argument, NULL, OPT_LATENCY},
        {"latency-dump", required_argument, NULL, OPT_DUMP},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    int opt;

    memset(a, 0, sizeof *a);
    load_config_defaults(&a->cfg);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "c:t:d:R:", opts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            cmd_load_usage(stdout);
            return LJ_EXIT_PASS;
        }
        if (opt == '?') {
            cmd_load_usage(stderr);
            return LJ_EXIT_USAGE;
        }
        const char *bad = cmd_load_option(a, opt, optarg);
        if (bad) {
            fprintf(stderr, "logjam: load: invalid value '%s' for %s\n", optarg, bad);
            return LJ_EXIT_INVALID;
        }
    }
    if (optind != argc - 1) {
        cmd_load_usage(stderr);
        return LJ_EXIT_USAGE;
    }
    a->url = argv[optind];
    return -1;
}

int cmd_load(int argc, char **argv)
{
    struct cmd_load_args a;
    struct cmd_load_result r = {0};
    char err[LJ_ERR_LEN] = "";
    int rc = cmd_load_parse_args(argc, argv, &a);

    if (rc >= 0)
        return rc;
    rc = LJ_EXIT_INVALID;
    struct load_config *cfg = &a.cfg;
    if (cmd_load_parse_url(a.url, &cfg->addr, &cfg->port, cfg->path, sizeof cfg->path, err) < 0 ||
        load_config_check(cfg, err) < 0)
        goto fail;
    r.cor = hist_new();
    r.unc = hist_new();
    rc = LJ_EXIT_HARNESS;
    if (!r.cor || !r.unc) {
        lj_err(err, "out of memory");
        goto fail;
    }
    if (cmd_load_run(cfg, &r, err) < 0) {
        /* load_new refuses what the machine cannot give (fd limit): nothing was started */
        rc = r.c.sent == 0 && strstr(err, "pthread") == NULL ? LJ_EXIT_INVALID : LJ_EXIT_HARNESS;
        goto fail;
    }
    if (a.dump && cmd_load_dump(a.dump, &r, err) < 0)
        goto fail;
    if (a.json)
        cmd_load_print_json(a.url, cfg, &r);
    else
        cmd_load_print_text(a.url, cfg, &r, a.full);
    fflush(stdout);
    hist_free(r.cor);
    hist_free(r.unc);
    return r.interrupted ? LJ_EXIT_INTERRUPTED : LJ_EXIT_PASS;
fail:
    fprintf(stderr, "logjam: load: %s\n", err);
    hist_free(r.cor);
    hist_free(r.unc);
    return rc;
}
