/* shard_manifest.c -- a shard's manifest, shard.json in its output directory: which part of
 * which sweep it is, its variants, the machine and when; written as the shard starts and
 * again as it ends, read back and checked by `logjam merge`. */
#include "shard_manifest.h"

#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

/* "2026-11-30T23:59:01Z" */
static json_t *utc_now(void)
{
    char buf[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(buf);
}

/* The OTP release of the Erlang installation whose bin/erl is erl (a path to it): its
 * releases/N/OTP_VERSION, like "25.2.3", into version; "" when there is none. */
static void otp_version_of(const char *erl, char *version, size_t len)
{
    char pattern[PATH_MAX + 40];
    glob_t g;
    char *real = realpath(erl, NULL); /* .../erlang/bin/erl */
    char *bin = real ? strrchr(real, '/') : NULL;
    version[0] = '\0';
    if (!bin) {
        free(real);
        return;
    }
    *bin = '\0';
    char *root = strrchr(real, '/');
    if (root)
        *root = '\0';
    snprintf(pattern, sizeof pattern, "%.4000s/releases/*/OTP_VERSION", real);
    if (root && glob(pattern, 0, NULL, &g) == 0) {
        FILE *f = fopen(g.gl_pathv[0], "r");
        if (f && fgets(version, (int)len, f))
            version[strcspn(version, "\r\n")] = '\0';
        if (f)
            fclose(f);
        globfree(&g);
    }
    free(real);
}

/* The OTP release of the erl on PATH, the one the variants' nodes start on; null if none. */
static json_t *otp_release(void)
{
    const char *path = getenv("PATH");
    char dirs[4096], cand[4200], version[64] = "";
    snprintf(dirs, sizeof dirs, "%s", path ? path : "/usr/bin");
    for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d && !version[0];
         d = strtok_r(NULL, ":", &save)) {
        snprintf(cand, sizeof cand, "%s/erl", d);
        if (access(cand, X_OK) == 0)
            otp_version_of(cand, version, sizeof version);
    }
    return version[0] ? json_string(version) : json_null();
}

static json_t *machine(void)
{
    char host[256] = "";
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (gethostname(host, sizeof host - 1) != 0)
        snprintf(host, sizeof host, "?");
    return json_pack("{s:s, s:i, s:I, s:o}", "hostname", host, "cores",
                     (int)(cores > 0 ? cores : 0), "memory", (json_int_t)lj_physical_ram(),
                     "otp_release", otp_release());
}

json_t *shard_manifest_new(const char *kind, const char *hash, const struct shard *s,
                           unsigned nvariants, json_t *spec, json_t *variants)
{
    unsigned index = s->count ? s->index : 1, count = s->count ? s->count : 1;
    return json_pack("{s:i, s:s, s:s, s:{s:i, s:i}, s:i, s:o, s:o, s:o, s:n, s:s, s:n, s:b, "
                     "s:n, s:o}",
                     "schema", 1, "kind", kind, "spec_hash", hash, "shard", "index", index, "count",
                     count, "variants_total", nvariants, "machine", machine(), "started", utc_now(),
                     "spec", spec ? spec : json_object(), "ended", "logjam_version", LJ_VERSION,
                     "exit_code", "interrupted", 0, "elapsed", "variants",
                     variants ? variants : json_array());
}

json_t *shard_manifest_variant(unsigned index, const char *label, const char *dir, unsigned runs)
{
    return json_pack("{s:i, s:s, s:s, s:i}", "index", index, "variant", label, "dir", dir, "runs",
                     runs);
}

void shard_manifest_end(json_t *m, json_t *variants, int exit_code, bool interrupted,
                        double elapsed_s)
{
    json_object_set_new(m, "variants", variants ? variants : json_array());
    json_object_set_new(m, "exit_code", json_integer(exit_code));
    json_object_set_new(m, "interrupted", json_boolean(interrupted));
    json_object_set_new(m, "elapsed", json_real(elapsed_s));
    json_object_set_new(m, "ended", utc_now());
}

int shard_manifest_write(const char *dir, const json_t *m, char *err)
{
    char path[SHARD_DIR_LEN + 16];
    char *text = json_dumps(m, JSON_INDENT(2));
    snprintf(path, sizeof path, "%.1000s/%s", dir, SHARD_MANIFEST);
    int rc = text ? report_write(path, text, err) : -1;
    if (!text)
        lj_err(err, "%s: out of memory", path);
    free(text);
    return rc < 0 ? -1 : 0;
}

/* Whether m has what merge relies on; the first missing key's name into *bad. */
static bool well_formed(const json_t *m, const char **bad)
{
    const json_t *shard = json_object_get(m, "shard");
    *bad = !json_is_string(json_object_get(m, "kind"))              ? "kind"
           : !json_is_string(json_object_get(m, "spec_hash"))       ? "spec_hash"
           : !json_is_integer(json_object_get(shard, "index"))      ? "shard.index"
           : !json_is_integer(json_object_get(shard, "count"))      ? "shard.count"
           : !json_is_integer(json_object_get(m, "variants_total")) ? "variants_total"
           : !json_is_array(json_object_get(m, "variants"))         ? "variants"
           : !json_is_object(json_object_get(m, "spec"))            ? "spec"
                                                                    : NULL;
    return *bad == NULL;
}

int shard_manifest_read(const char *dir, json_t **out, struct shard_info *info, char *err)
{
    char path[SHARD_DIR_LEN + 16];
    const char *bad = NULL;
    json_error_t je;
    snprintf(path, sizeof path, "%.1000s/%s", dir, SHARD_MANIFEST);
    json_t *m = json_load_file(path, 0, &je);
    *out = NULL;
    if (!m) {
        if (access(path, F_OK) != 0)
            lj_err(err, "%s: no %s: not a shard's output directory (--shard i/n writes one)", dir,
                   SHARD_MANIFEST);
        else
            lj_err(err, "%s: line %d: %s", path, je.line, je.text);
        return -1;
    }
    const char *kind = json_string_value(json_object_get(m, "kind"));
    if (json_is_object(m) && well_formed(m, &bad) && strcmp(kind, "sweep") != 0 &&
        strcmp(kind, "limit") != 0)
        bad = "kind sweep or limit";
    if (!json_is_object(m) || bad) {
        lj_err(err, "%s: not a shard manifest (no %s)", path, bad ? bad : "object");
        json_decref(m);
        return -1;
    }
    const json_t *shard = json_object_get(m, "shard");
    snprintf(info->dir, sizeof info->dir, "%s", dir);
    snprintf(info->kind, sizeof info->kind, "%s", json_string_value(json_object_get(m, "kind")));
    snprintf(info->hash, sizeof info->hash, "%s",
             json_string_value(json_object_get(m, "spec_hash")));
    info->shard.index = (unsigned)json_integer_value(json_object_get(shard, "index"));
    info->shard.count = (unsigned)json_integer_value(json_object_get(shard, "count"));
    info->finished = json_is_string(json_object_get(m, "ended"));
    *out = m;
    return 0;
}

const char *shard_manifest_host(const json_t *m)
{
    const char *h = json_string_value(json_object_get(json_object_get(m, "machine"), "hostname"));
    return h ? h : "?";
}
