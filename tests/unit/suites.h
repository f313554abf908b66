/* suites.h: every CUnit suite of tests/unit/unit, one per core module.
 * Each suite_X() adds its suite and tests to the CUnit registry; main.c
 * calls them all. A new core module adds its line here and in main.c. */
#ifndef REDLIGHT_UNIT_SUITES_H
#define REDLIGHT_UNIT_SUITES_H

#include <CUnit/CUnit.h>

/* Register a test under its function name, which reads as a sentence. */
#define UNIT_TEST(suite, fn) CU_add_test((suite), #fn, (fn))

void suite_interval(void);
void suite_tz(void);
void suite_bstate(void);
void suite_quote(void);
void suite_policy(void);
void suite_validate(void);
void suite_avail(void);
void suite_settings(void);
void suite_pricing(void);
void suite_stripe(void);
void suite_ics(void);
void suite_mail(void);
void suite_tmpl(void);
void suite_secret(void);
void suite_cal(void);
void suite_err(void);
void suite_payment(void);
void suite_notice(void);
void suite_wire(void);
void suite_feed(void);
void suite_conf(void);

#endif
