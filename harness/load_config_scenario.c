/* load_config_scenario.c -- a scenario's [load] and [run] settings as a load_config. */
#include "load_config_scenario.h"

#include <stdio.h>
#include <string.h>

_Static_assert(SCENARIO_MAX_STAGES <= LOAD_MAX_STAGES, "every scenario stage fits a load_config");
_Static_assert(SCENARIO_REQUEST_LEN <= LOAD_PATH_LEN, "every scenario request fits a load_config");

void load_config_from_scenario(struct load_config *cfg, const struct scenario *sc, uint32_t addr,
                               uint16_t port)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->addr = addr;
    cfg->port = port;
    snprintf(cfg->path, sizeof cfg->path, "%s", sc->request[0] ? sc->request : "/");
    cfg->connections = sc->connections;
    cfg->threads = sc->threads;
    cfg->duration_us = sc->duration_us;
    cfg->rate = sc->rate;
    cfg->ramp_us = sc->ramp_us;
    cfg->nstages = sc->nstages < SCENARIO_MAX_STAGES ? sc->nstages : SCENARIO_MAX_STAGES;
    for (unsigned i = 0; i < cfg->nstages; i++)
        cfg->stages[i] = (struct load_stage){sc->stages[i].duration_us, sc->stages[i].rate};
    cfg->timeout_us = sc->client_timeout_us;
}

void load_config_defaults(struct load_config *cfg)
{
    struct scenario sc;
    scenario_defaults(&sc);
    load_config_from_scenario(cfg, &sc, 0, 0);
}

struct load *load_new_from_scenario(const struct scenario *sc, uint32_t addr, uint16_t port,
                                    char *err)
{
    struct load_config cfg;
    load_config_from_scenario(&cfg, sc, addr, port);
    return load_new(&cfg, err);
}
