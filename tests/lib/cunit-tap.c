#include "tests/lib/cunit-tap.h"

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>
#include <stdio.h>

static unsigned tap_n;
static unsigned tap_failed;

static void
on_test_complete(const CU_pTest test, const CU_pSuite suite, const CU_pFailureRecord failure)
{
	tap_n++;
	if (failure == NULL) {
		printf("ok %u - %s: %s\n", tap_n, suite->pName, test->pName);
		fflush(stdout);
		return;
	}
	tap_failed++;
	printf("not ok %u - %s: %s\n", tap_n, suite->pName, test->pName);
	for (CU_pFailureRecord f = failure; f != NULL; f = f->pNext)
		printf("# %s:%u: %s\n", f->strFileName ? f->strFileName : "?", f->uiLineNumber,
		    f->strCondition ? f->strCondition : "?");
	fflush(stdout);
}

static void
on_suite_init_failure(const CU_pSuite suite)
{
	tap_n++;
	tap_failed++;
	printf("not ok %u - %s: suite setup failed\n", tap_n, suite->pName);
}

int
cunit_tap_run(void)
{
	unsigned total = 0;

	for (CU_pSuite s = CU_get_registry()->pSuite; s != NULL; s = s->pNext)
		total += s->uiNumberOfTests;
	printf("1..%u\n", total);
	fflush(stdout);
	CU_set_test_complete_handler(on_test_complete);
	CU_set_suite_init_failure_handler(on_suite_init_failure);
	CU_run_all_tests();
	/* a failed suite setup skips its tests; count them as not run */
	while (tap_n < total) {
		tap_n++;
		tap_failed++;
		printf("not ok %u - test not run (suite setup failed)\n", tap_n);
	}
	unsigned run = CU_get_number_of_tests_run();
	printf("# %u tests run, %u passed, %u failed\n", run, tap_n - tap_failed, tap_failed);
	CU_cleanup_registry();
	return tap_failed ? 1 : 0;
}
