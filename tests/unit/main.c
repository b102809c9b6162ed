/* main.c -- the one Check runner: runs every suite listed in suites.h, exits 1 on a failure.
 *
 * CK_RUN_SUITE=scenario / CK_RUN_CASE=... select (Check's own variables); CK_FORK=no helps
 * under a debugger. */
#include <check.h>
#include <stdlib.h>

#include "suites.h"

int main(void)
{
    SRunner *sr = srunner_create(NULL);
    int failed;

#define LJ_ADD_SUITE(m) srunner_add_suite(sr, m##_suite());
    LJ_SUITES(LJ_ADD_SUITE)
#undef LJ_ADD_SUITE

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
