/* cmd_merge.h -- `logjam merge DIR...`: the shards of one sweep (or one `limit` with
 * [sweep]) checked and merged into the output the unsharded command writes. */
#ifndef LJ_CMD_MERGE_H
#define LJ_CMD_MERGE_H

/* Exit code when the directories are not every shard of one sweep exactly once (missing,
 * duplicated, foreign, mixed kinds, unfinished, not a shard's directory); nothing written. */
#define MERGE_EXIT_SHARDS 106

/* `logjam merge [options] DIR...` (argv[0] = "merge"). Returns the unsharded command's exit
 * code on the merged answer, MERGE_EXIT_SHARDS, 1 when the merge itself failed, 2 usage. */
int cmd_merge(int argc, char **argv);

#endif
