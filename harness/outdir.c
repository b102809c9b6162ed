/* outdir.c -- output directories: mkdir -p, and the timestamped ./logjam-out/<name> default. */
#include "outdir.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util.h"

int outdir_mkdirs(const char *path)
{
    char buf[PATH_MAX];
    if ((size_t)snprintf(buf, sizeof buf, "%s", path) >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

int outdir_prepare(const char *given, const char *prefix, char *dir, size_t len, char *err)
{
    if (given) {
        snprintf(dir, len, "%s", given);
    } else {
        char stamp[32];
        time_t t = time(NULL);
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
        snprintf(dir, len, "logjam-out/%s%s", prefix, stamp);
        struct stat st;
        for (int i = 2; stat(dir, &st) == 0 && i < 100; i++)
            snprintf(dir, len, "logjam-out/%s%s-%d", prefix, stamp, i);
    }
    if (outdir_mkdirs(dir) < 0) {
        lj_err(err, "cannot create the output directory %s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}
