/* load_config_scenario.h -- a scenario's [load] and [run] settings as a load_config. */
#ifndef LJ_LOAD_CONFIG_SCENARIO_H
#define LJ_LOAD_CONFIG_SCENARIO_H

#include <stdint.h>

#include "load.h"
#include "scenario.h"

/* Fill cfg from sc (connections, threads, rate, ramp, stages, request, client_timeout,
 * run.duration) aimed at addr:port (IPv4, host byte order). */
void load_config_from_scenario(struct load_config *cfg, const struct scenario *sc, uint32_t addr,
                               uint16_t port);

/* Fill cfg with the scenario keys' defaults (`logjam keys`), aimed at no target (addr and
 * port 0): `logjam load` starts from the same values as a scenario. */
void load_config_defaults(struct load_config *cfg);

/* load_new on sc's settings aimed at addr:port. Returns NULL with err on failure. */
struct load *load_new_from_scenario(const struct scenario *sc, uint32_t addr, uint16_t port,
                                    char *err);

#endif
