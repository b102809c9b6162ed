/* target.c -- a node logjam did not start: its cookie read from its file, hidden C node
 * connections to it, logjam's probe loaded into it from logjam's own beams (refused over a
 * different module of the same name) and removed again, its logger settings read. */
#include "target.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target_spec.h"
#include "util.h"

#ifndef LJ_PROBE_DIR
#define LJ_PROBE_DIR "erlang_probe/ebin" /* logjam_probe's ebin; the Makefile sets it */
#endif
#define TARGET_CONNECT_MS 3000
#define TARGET_CALL_MS 5000
#define TARGET_COOKIE_LEN 256
#define TARGET_MD5_LEN 16

/* The probe's modules, in load order (unloaded in reverse). */
static const char *const target_modules[] = {"logjam_probe", "logjam_sampler", "logjam_settings"};
#define TARGET_NMODULES (sizeof target_modules / sizeof target_modules[0])

struct target {
    char node[SCENARIO_TARGET_LEN];
    char host[TARGET_HOST_LEN];
    char alive[32];
    char cookie[TARGET_COOKIE_LEN];
    int port;
    struct probe *ctl; /* the control connection: load, unload, liveness */
    bool loaded[TARGET_NMODULES];
    bool lost;
    struct hello hello;
    json_t *doc;
};

/* The cookie: the file's first line without blanks around it. */
static int read_cookie(const char *path, char *cookie, char *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        lj_err(err, "cookie_file %s: %s", path, strerror(errno));
        return -1;
    }
    char *line = fgets(cookie, TARGET_COOKIE_LEN, f);
    fclose(f);
    size_t start = 0, n = line ? strcspn(cookie, "\r\n") : 0;
    while (start < n && (cookie[start] == ' ' || cookie[start] == '\t'))
        start++;
    while (n > start && (cookie[n - 1] == ' ' || cookie[n - 1] == '\t'))
        n--;
    if (n == start) {
        lj_err(err, "cookie_file %s: no cookie on its first line", path);
        return -1;
    }
    memmove(cookie, cookie + start, n - start);
    cookie[n - start] = '\0';
    return 0;
}

struct probe *target_probe(struct target *t, const char *role, char *err)
{
    char alive[64];
    snprintf(alive, sizeof alive, "%s_%s", t->alive, role);
    return probe_connect(alive, t->cookie, t->host, t->node, t->port, TARGET_CONNECT_MS, err);
}

/* Our beam of module m: malloc'd bytes into *out, its size into *len. Returns 0, or -1. */
static int read_beam(const char *ebin, const char *m, char **out, long *len, char *err)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/%s.beam", ebin, m);
    FILE *f = fopen(path, "rb");
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    *out = n > 0 ? malloc((size_t)n) : NULL;
    if (!f || !*out || fseek(f, 0, SEEK_SET) != 0 || fread(*out, 1, (size_t)n, f) != (size_t)n) {
        lj_err(err, "cannot read logjam's probe %s: %s", path, strerror(errno ? errno : EIO));
        free(*out);
        *out = NULL;
        if (f)
            fclose(f);
        return -1;
    }
    fclose(f);
    *len = n;
    return 0;
}

/* The md5 of module m as the target has it loaded (erlang:get_module_info(M, md5)) into md5;
 * 0 when loaded, 1 when not loaded, -1 on error. */
static int loaded_md5(struct target *t, const char *m, unsigned char *md5, char *err)
{
    ei_x_buff args, x;
    int index, type, size, rc = -1;
    long len;
    ei_x_new(&args);
    ei_x_new(&x);
    ei_x_encode_list_header(&args, 1);
    ei_x_encode_atom(&args, m);
    ei_x_encode_empty_list(&args);
    if (probe_call_term(t->ctl, "code", "is_loaded", args.buff, args.index, &x, &index,
                        TARGET_CALL_MS, err) != PROBE_OK)
        goto out;
    if (ei_get_type(x.buff, &index, &type, &size) == 0 &&
        (type == ERL_ATOM_EXT || type == ERL_SMALL_ATOM_UTF8_EXT || type == ERL_ATOM_UTF8_EXT)) {
        rc = 1; /* false */
        goto out;
    }
    args.index = 0;
    ei_x_encode_list_header(&args, 2);
    ei_x_encode_atom(&args, m);
    ei_x_encode_atom(&args, "md5");
    ei_x_encode_empty_list(&args);
    if (probe_call_term(t->ctl, "erlang", "get_module_info", args.buff, args.index, &x, &index,
                        TARGET_CALL_MS, err) != PROBE_OK)
        goto out;
    if (ei_get_type(x.buff, &index, &type, &size) < 0 || type != ERL_BINARY_EXT ||
        size != TARGET_MD5_LEN || ei_decode_binary(x.buff, &index, md5, &len) < 0) {
        lj_err(err, "%s: the target's md5 of it could not be read", m);
        goto out;
    }
    rc = 0;
out:
    ei_x_free(&args);
    ei_x_free(&x);
    return rc;
}

/* The md5 the target computes for our beam (beam_lib:md5/1: the same as get_module_info's). */
static int beam_md5(struct target *t, const char *beam, long n, unsigned char *md5, char *err)
{
    ei_x_buff args, x;
    int index, arity, rc = -1;
    long len;
    char atom[MAXATOMLEN];
    ei_x_new(&args);
    ei_x_new(&x);
    ei_x_encode_list_header(&args, 1);
    ei_x_encode_binary(&args, beam, n);
    ei_x_encode_empty_list(&args);
    if (probe_call_term(t->ctl, "beam_lib", "md5", args.buff, args.index, &x, &index,
                        TARGET_CALL_MS, err) == PROBE_OK) { /* {ok, {Module, MD5}} */
        if (ei_decode_tuple_header(x.buff, &index, &arity) == 0 && arity == 2 &&
            ei_decode_atom(x.buff, &index, atom) == 0 && strcmp(atom, "ok") == 0 &&
            ei_decode_tuple_header(x.buff, &index, &arity) == 0 && arity == 2 &&
            ei_skip_term(x.buff, &index) == 0 && ei_decode_binary(x.buff, &index, md5, &len) == 0 &&
            len == TARGET_MD5_LEN)
            rc = 0;
        else
            lj_err(err, "beam_lib:md5 of logjam's probe failed on the target");
    }
    ei_x_free(&args);
    ei_x_free(&x);
    return rc;
}

/* code:load_binary(M, "logjam:" ++ Path, Beam): {module, M} on success. */
static int load_binary(struct target *t, const char *m, const char *ebin, const char *beam, long n,
                       char *err)
{
    ei_x_buff args, x;
    int index, arity, rc = -1;
    char atom[MAXATOMLEN], file[1100];
    snprintf(file, sizeof file, "logjam:%s/%s.beam", ebin, m);
    ei_x_new(&args);
    ei_x_new(&x);
    ei_x_encode_list_header(&args, 3);
    ei_x_encode_atom(&args, m);
    ei_x_encode_string(&args, file);
    ei_x_encode_binary(&args, beam, n);
    ei_x_encode_empty_list(&args);
    if (probe_call_term(t->ctl, "code", "load_binary", args.buff, args.index, &x, &index,
                        TARGET_CALL_MS, err) == PROBE_OK) {
        if (ei_decode_tuple_header(x.buff, &index, &arity) == 0 && arity == 2 &&
            ei_decode_atom(x.buff, &index, atom) == 0 && strcmp(atom, "module") == 0)
            rc = 0;
        else
            lj_err(err, "code:load_binary(%s) was refused by the target", m);
    }
    ei_x_free(&args);
    ei_x_free(&x);
    return rc;
}

static void hex(const unsigned char *md5, char *out)
{
    for (int i = 0; i < TARGET_MD5_LEN; i++)
        snprintf(out + 2 * i, 3, "%02x", md5[i]);
}

/* Module i of the probe into the target, unless the very same one is there (then it is the
 * node's, and stays). A different module of that name: refused, nothing replaced. */
static int load_module(struct target *t, size_t i, const char *ebin, char *err)
{
    const char *m = target_modules[i];
    unsigned char ours[TARGET_MD5_LEN], theirs[TARGET_MD5_LEN];
    char *beam = NULL, a[40], b[40];
    long n;
    int rc = -1;
    if (read_beam(ebin, m, &beam, &n, err) < 0 || beam_md5(t, beam, n, ours, err) < 0)
        goto out;
    int st = loaded_md5(t, m, theirs, err);
    if (st == 0 && memcmp(ours, theirs, sizeof ours) != 0) {
        hex(ours, a);
        hex(theirs, b);
        lj_err(err,
               "%s already runs a different %s (md5 %s, logjam's is %s): logjam does not "
               "replace a module it did not load",
               t->node, m, b, a);
        goto out;
    }
    if (st == 1) {
        if (load_binary(t, m, ebin, beam, n, err) < 0)
            goto out;
        t->loaded[i] = true;
    }
    rc = st < 0 ? -1 : 0;
out:
    free(beam);
    return rc;
}

/* code:purge(M), code:delete(M), code:purge(M) for every module logjam loaded. */
static void unload_modules(struct target *t)
{
    static const char *const steps[] = {"purge", "delete", "purge"};
    char err[LJ_ERR_LEN];
    for (size_t i = TARGET_NMODULES; i-- > 0;) {
        for (size_t k = 0; t->loaded[i] && k < 3; k++) {
            ei_x_buff args;
            json_t *reply = NULL;
            ei_x_new(&args);
            ei_x_encode_list_header(&args, 1);
            ei_x_encode_atom(&args, target_modules[i]);
            ei_x_encode_empty_list(&args);
            enum probe_status st = probe_call(t->ctl, "code", steps[k], args.buff, args.index,
                                              &reply, TARGET_CALL_MS, err);
            json_decref(reply);
            ei_x_free(&args);
            if (st != PROBE_OK) {
                fprintf(stderr, "logjam: could not remove %s from %s: %s\n", target_modules[i],
                        t->node, err);
                break;
            }
        }
        t->loaded[i] = false;
    }
}

/* What the report shows of the target: node, how it was reached, the probe's modules, and
 * the logger's settings (logjam_settings:logger(), read now, before any load). */
static void describe(struct target *t)
{
    char err[LJ_ERR_LEN], how[160];
    json_t *settings = NULL, *mods = json_object();
    if (probe_call(t->ctl, "logjam_settings", "logger", NULL, 0, &settings, TARGET_CALL_MS, err) !=
        PROBE_OK) {
        fprintf(stderr, "logjam: the logger's settings of %s could not be read: %s\n", t->node,
                err);
        json_decref(settings);
        settings = json_null();
    }
    for (size_t i = 0; i < TARGET_NMODULES; i++)
        json_object_set_new(mods, target_modules[i],
                            json_string(t->loaded[i] ? "loaded by logjam" : "already there"));
    if (t->port > 0)
        snprintf(how, sizeof how, "%s:%d (distribution port)", t->host, t->port);
    else
        snprintf(how, sizeof how, "the epmd on %s", t->host);
    t->doc = json_pack("{s:s, s:s, s:o, s:o}", "node", t->node, "reached", how, "probe", mods,
                       "logger", settings);
}

/* Connect, load the probe, hello(). Returns 0, or -1 with err. */
static int attach(struct target *t, const char *probe_ebin, char *err)
{
    char who[LJ_ERR_LEN];
    t->ctl = target_probe(t, "ctl", err);
    if (!t->ctl)
        return -1;
    for (size_t i = 0; i < TARGET_NMODULES; i++)
        if (load_module(t, i, probe_ebin, err) < 0)
            return -1;
    if (probe_hello(t->ctl, &t->hello, TARGET_CALL_MS, who) != PROBE_OK) {
        lj_err(err, "%s: logjam_probe:hello() failed: %s", t->node, who);
        return -1;
    }
    describe(t);
    return t->doc ? 0 : -1;
}

struct target *target_open(const struct scenario *sc, const char *probe_ebin, char *err)
{
    unsigned char rnd[4];
    struct target *t = calloc(1, sizeof *t);
    if (!t) {
        lj_err(err, "out of memory");
        return NULL;
    }
    snprintf(t->node, sizeof t->node, "%s", sc->target_node);
    t->port = (int)sc->target_port;
    if (target_spec_node_host(t->node, t->host, err, LJ_ERR_LEN) < 0 ||
        read_cookie(sc->target_cookie_file, t->cookie, err) < 0 || lj_random(rnd, 4) < 0)
        goto fail;
    snprintf(t->alive, sizeof t->alive, "logjam%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3]);
    if (attach(t, probe_ebin ? probe_ebin : LJ_PROBE_DIR, err) < 0)
        goto fail;
    return t;
fail:
    target_close(t);
    return NULL;
}

bool target_alive(struct target *t)
{
    char err[LJ_ERR_LEN];
    if (!t->lost && probe_poll(t->ctl, err) != PROBE_OK)
        t->lost = true;
    return !t->lost;
}

const struct hello *target_hello(const struct target *t)
{
    return &t->hello;
}

const json_t *target_doc(const struct target *t)
{
    return t->doc;
}

void target_close(struct target *t)
{
    if (!t)
        return;
    if (t->ctl && !t->lost)
        unload_modules(t);
    probe_close(t->ctl);
    json_decref(t->doc);
    memset(t->cookie, 0, sizeof t->cookie);
    free(t);
}
