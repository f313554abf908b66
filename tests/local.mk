## tests/: each suite prints TAP; tools/check totals them.
noinst_LIBRARIES += tests/lib/libtesttap.a
tests_lib_libtesttap_a_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_lib_libtesttap_a_SOURCES = tests/lib/cunit-tap.c tests/lib/cunit-tap.h
TAP_LIBS = tests/lib/libtesttap.a $(CUNIT_LIBS)
EXTRA_DIST += tests/lib/with-pg tests/lib/pg-test-db tests/lib/pg-restart tests/lib/http-prologue.sh

include tests/unit/local.mk
include tests/db/local.mk
include tests/http/local.mk
include tests/tui/local.mk
include tests/worker/local.mk
include tests/e2e/local.mk
include tests/standins/local.mk
