/* load_config.c -- the one check of a load generator's settings against load.h's bounds. */
#include <math.h>
#include <string.h>

#include "load.h"
#include "util.h"

/* A request path: '/' then printable ASCII without blanks, NUL-terminated in the buffer. */
static bool path_ok(const char *path)
{
    if (path[0] != '/' || !memchr(path, '\0', LOAD_PATH_LEN))
        return false;
    for (const char *c = path; *c; c++)
        if (*c <= ' ' || *c > '~')
            return false;
    return true;
}

int load_config_check(const struct load_config *cfg, char *err)
{
    uint32_t a = cfg->addr;
    if (a >> 24 != 127) {
        lj_err(err, "refusing %u.%u.%u.%u: the target must be on loopback (127.0.0.0/8)", a >> 24,
               (a >> 16) & 255u, (a >> 8) & 255u, a & 255u);
        return -1;
    }
    if (cfg->port == 0) {
        lj_err(err, "target port is 0");
        return -1;
    }
    if (!path_ok(cfg->path)) {
        lj_err(err,
               "request '%.64s': must be a path starting with '/', printable, without "
               "blanks, shorter than %d bytes",
               cfg->path, LOAD_PATH_LEN);
        return -1;
    }
    if (cfg->connections < 1 || cfg->connections > LOAD_MAX_CONNECTIONS) {
        lj_err(err, "connections = %u: must be 1..%u", cfg->connections, LOAD_MAX_CONNECTIONS);
        return -1;
    }
    if (cfg->threads < 1 || cfg->threads > LOAD_MAX_THREADS) {
        lj_err(err, "threads = %u: must be 1..%u", cfg->threads, LOAD_MAX_THREADS);
        return -1;
    }
    if (cfg->threads > cfg->connections) {
        lj_err(err, "threads = %u: more than connections (%u)", cfg->threads, cfg->connections);
        return -1;
    }
    if (cfg->duration_us == 0) {
        lj_err(err, "duration = 0: must be more than 0");
        return -1;
    }
    if (!(cfg->rate >= 0.0) || !isfinite(cfg->rate)) {
        lj_err(err, "rate = %g: must be a finite number >= 0", cfg->rate);
        return -1;
    }
    if (cfg->nstages > LOAD_MAX_STAGES) {
        lj_err(err, "%u stages: at most %d", cfg->nstages, LOAD_MAX_STAGES);
        return -1;
    }
    for (unsigned i = 0; i < cfg->nstages; i++) {
        if (!(cfg->stages[i].rate >= 0.0) || !isfinite(cfg->stages[i].rate)) {
            lj_err(err, "stage %u rate = %g: must be a finite number >= 0", i + 1,
                   cfg->stages[i].rate);
            return -1;
        }
    }
    return 0;
}
