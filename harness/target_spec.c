/* target_spec.c -- a [target]'s settings checked before anything starts: the node's name
 * (loopback hosts only), the cookie file (its owner's alone), the load's URL (loopback only),
 * and which keys configure only the node logjam starts itself. */
#include "target_spec.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool target_spec_set(const struct scenario *sc)
{
    return sc->target_node[0] != '\0';
}

/* A loopback host: "localhost" or a dotted IPv4 address in 127.0.0.0/8. */
static int loopback_host(const char *host, uint32_t *addr)
{
    struct in_addr a;
    if (strcmp(host, "localhost") == 0) {
        *addr = INADDR_LOOPBACK;
        return 0;
    }
    if (inet_pton(AF_INET, host, &a) != 1 || (ntohl(a.s_addr) >> 24) != 127)
        return -1;
    *addr = ntohl(a.s_addr);
    return 0;
}

int target_spec_node_host(const char *node, char *host, char *why, size_t len)
{
    const char *at = strchr(node, '@');
    uint32_t addr;
    if (!at || at == node || !at[1] || strchr(at + 1, '@')) {
        snprintf(why, len, "node '%.100s' is not name@host", node);
        return -1;
    }
    for (const char *c = node; c < at; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-') {
            snprintf(why, len, "node '%.100s': the name before '@' has '%c'", node, *c);
            return -1;
        }
    if (strlen(at + 1) >= TARGET_HOST_LEN || loopback_host(at + 1, &addr) < 0) {
        snprintf(why, len,
                 "node host '%.100s' is not loopback: logjam attaches only to nodes on this "
                 "machine (name@127.0.0.1 or name@localhost)",
                 at + 1);
        return -1;
    }
    snprintf(host, TARGET_HOST_LEN, "%s", at + 1);
    return 0;
}

int target_spec_url(const char *url, uint32_t *addr, uint16_t *port, char *path, size_t pathlen,
                    char *why, size_t len)
{
    static const char scheme[] = "http://";
    char host[TARGET_HOST_LEN];
    if (strncmp(url, scheme, sizeof scheme - 1) != 0) {
        snprintf(why, len, "url '%.100s' does not start with http://", url);
        return -1;
    }
    const char *h = url + sizeof scheme - 1, *colon = strchr(h, ':'), *slash = strchr(h, '/');
    if (!colon || (slash && slash < colon) || (size_t)(colon - h) >= sizeof host) {
        snprintf(why, len, "url '%.100s' has no host:port (http://127.0.0.1:PORT/path)", url);
        return -1;
    }
    snprintf(host, sizeof host, "%.*s", (int)(colon - h), h);
    if (loopback_host(host, addr) < 0) {
        snprintf(why, len, "url host '%.100s' is not loopback: logjam loads only 127.x.x.x", host);
        return -1;
    }
    char *end;
    errno = 0;
    long p = strtol(colon + 1, &end, 10);
    if (end == colon + 1 || (*end && *end != '/') || p < 1 || p > 65535 || errno) {
        snprintf(why, len, "url '%.100s': the port is not 1..65535", url);
        return -1;
    }
    *port = (uint16_t)p;
    snprintf(path, pathlen, "%s", *end ? end : "/");
    return 0;
}

/* The cookie file: a regular file that neither group nor others can read (the cookie is the
 * node's whole authentication). Readability by us was checked when the key was set. */
static int cookie_file_ok(const char *path, char *why, size_t len)
{
    struct stat st;
    if (!path[0]) {
        snprintf(why, len,
                 "[target] node needs [target] cookie_file (the node's cookie, mode 0600)");
        return -1;
    }
    if (stat(path, &st) != 0) {
        snprintf(why, len, "cookie_file '%.200s': %s", path, strerror(errno));
        return -1;
    }
    if (st.st_mode & 077) {
        snprintf(why, len,
                 "cookie_file '%.200s' is readable by its group or others (mode %04o): "
                 "chmod 600 it",
                 path, (unsigned)(st.st_mode & 07777));
        return -1;
    }
    return 0;
}

const char *target_spec_check(const struct scenario *sc, char *why, size_t len)
{
    char host[TARGET_HOST_LEN], path[SCENARIO_REQUEST_LEN];
    uint32_t addr;
    uint16_t port;
    if (!target_spec_set(sc)) {
        snprintf(why, len, "[target] keys without [target] node (name@127.0.0.1)");
        if (sc->target_cookie_file[0])
            return "target.cookie_file";
        return sc->target_url[0] ? "target.url" : sc->target_port ? "target.port" : NULL;
    }
    if (target_spec_node_host(sc->target_node, host, why, len) < 0)
        return "target.node";
    if (cookie_file_ok(sc->target_cookie_file, why, len) < 0)
        return sc->target_cookie_file[0] ? "target.cookie_file" : "target.node";
    if (sc->target_url[0] &&
        target_spec_url(sc->target_url, &addr, &port, path, sizeof path, why, len) < 0)
        return "target.url";
    return NULL;
}

bool target_spec_node_only(const char *section, const char *key)
{
    return strcmp(section, "pool") == 0 || strcmp(section, "logger") == 0 ||
           (strcmp(section, "run") == 0 && strcmp(key, "boot_timeout") == 0) ||
           (strcmp(section, "load") == 0 && strcmp(key, "request") == 0);
}
