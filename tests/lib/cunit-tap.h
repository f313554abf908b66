/* cunit-tap.h: run every registered CUnit suite and report in TAP, one line
 * per test, so automake's tap-driver counts tests rather than programs.
 * Returns the process exit status: 0 when every test passed. */
#ifndef REDLIGHT_CUNIT_TAP_H
#define REDLIGHT_CUNIT_TAP_H

int cunit_tap_run(void);

#endif
