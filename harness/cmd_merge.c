/* cmd_merge.c -- `logjam merge DIR...`: its options, the shards checked as one whole sweep,
 * the variants' directories gathered, and the merged output written by the sweep's (or the
 * capacity search's) own code. */
#include "cmd_merge.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "merge_limit.h"
#include "merge_sweep.h"
#include "outdir.h"
#include "sweep.h"
#include "util.h"

static const char merge_usage[] =
    "usage: logjam merge [options] DIR...\n"
    "  the output directories of every shard of one sweep (logjam sweep --shard i/n) or one\n"
    "  capacity search with [sweep] (logjam limit --shard i/n): checked to be shards 1..n of\n"
    "  the same spec, each once, then merged into what the unsharded command writes (the\n"
    "  table, sweep.json, sweep.csv, report.html; limit.json, limit.csv) with its exit code\n"
    "\n"
    "  -o, --out DIR          output directory (default ./logjam-out/merge-<time>/); the\n"
    "                         variants' directories are linked or copied into it\n"
    "      --report FILE.html also write the HTML page to FILE\n"
    "      --junit FILE       JUnit XML (sweep: one testcase per variant)\n"
    "      --dry-run          check the shards, print what would be merged, write nothing\n"
    "\n"
    "exit codes: the unsharded command's on the merged answer (sweep: 0 every variant ran,\n"
    "  1 a run had a harness error, 105 a shard was interrupted; limit: 0, 99, 1, 105);\n"
    "  106 the directories are not every shard of one sweep exactly once (missing,\n"
    "  duplicated, another spec, mixed kinds, unfinished, no shard.json): one line names\n"
    "  it, nothing is written; 2 usage.\n";

enum { M_REPORT = 500, M_JUNIT, M_DRYRUN };

static const struct option merge_options[] = {
    {"out", required_argument, NULL, 'o'},
    {"report", required_argument, NULL, M_REPORT},
    {"junit", required_argument, NULL, M_JUNIT},
    {"dry-run", no_argument, NULL, M_DRYRUN},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct merge_args {
    const char *out, *report, *junit;
    bool dry_run;
    char *const *dirs;
    size_t ndirs;
};

/* Returns 0, or an exit code. */
static int parse_args(int argc, char **argv, struct merge_args *a)
{
    int c;
    memset(a, 0, sizeof *a);
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", merge_options, NULL)) != -1) {
        switch (c) {
        case 'o':
            a->out = optarg;
            break;
        case M_REPORT:
            a->report = optarg;
            break;
        case M_JUNIT:
            a->junit = optarg;
            break;
        case M_DRYRUN:
            a->dry_run = true;
            break;
        case 'h':
            fputs(merge_usage, stdout);
            exit(0);
        default:
            fputs(merge_usage, stderr);
            return LJ_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "logjam: which shard directories?\n");
        fputs(merge_usage, stderr);
        return LJ_EXIT_USAGE;
    }
    a->dirs = argv + optind;
    a->ndirs = (size_t)(argc - optind);
    return 0;
}

int cmd_merge(int argc, char **argv)
{
    static struct merge_set set;
    struct merge_args a;
    char err[LJ_ERR_LEN], dir[SWEEP_PATH_LEN];
    int code = parse_args(argc, argv, &a);
    if (code != 0)
        return code;
    if (merge_load(&set, a.dirs, a.ndirs, err) != 0) {
        fprintf(stderr, "logjam: merge: %s\n", err);
        code = MERGE_EXIT_SHARDS;
    } else if (a.dry_run) {
        merge_print(stdout, &set);
    } else if (outdir_prepare(a.out, "merge-", dir, sizeof dir, err) < 0 ||
               merge_copy(&set, dir, err) < 0) {
        fprintf(stderr, "logjam: merge: %s\n", err);
        code = LJ_EXIT_HARNESS;
    } else {
        code = strcmp(set.kind, "limit") == 0 ? merge_limit(&set, dir, a.report, a.junit)
                                              : merge_sweep(&set, dir, a.report, a.junit);
    }
    merge_free(&set);
    return code;
}
