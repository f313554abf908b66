/* tests/unit/unit: every core suite, reported as TAP. */
#include <stdio.h>

#include "tests/lib/cunit-tap.h"
#include "tests/unit/suites.h"

int
main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "unit: cannot initialise CUnit: %s\n", CU_get_error_msg());
		return 1;
	}
	suite_interval();
	suite_tz();
	suite_bstate();
	suite_quote();
	suite_policy();
	suite_validate();
	suite_avail();
	suite_settings();
	suite_pricing();
	suite_stripe();
	suite_ics();
	suite_mail();
	suite_tmpl();
	suite_notice();
	suite_conf();
	suite_secret();
	suite_cal();
	suite_err();
	suite_payment();
	suite_wire();
	suite_feed();
	if (CU_get_error() != CUE_SUCCESS) {
		fprintf(stderr, "unit: cannot register tests: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 1;
	}
	return cunit_tap_run();
}
