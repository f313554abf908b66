## tests/unit: one CUnit suite per core module, all in one TAP program.
check_PROGRAMS += tests/unit/unit
TESTS += tests/unit/unit
tests_unit_unit_SOURCES = \
	tests/unit/main.c tests/unit/suites.h \
	tests/unit/test-interval.c \
	tests/unit/test-tz.c \
	tests/unit/test-bstate.c \
	tests/unit/test-quote.c \
	tests/unit/test-policy.c \
	tests/unit/test-validate.c \
	tests/unit/test-avail.c \
	tests/unit/test-pricing.c \
	tests/unit/test-stripe.c \
	tests/unit/test-ics.c \
	tests/unit/test-feed.c \
	tests/unit/test-mail.c \
	tests/unit/test-tmpl.c \
	tests/unit/test-notice.c \
	tests/unit/test-conf.c \
	tests/unit/test-secret.c \
	tests/unit/test-cal.c \
	tests/unit/test-err.c \
	tests/unit/test-payment.c \
	tests/unit/test-wire.c
tests_unit_unit_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(ICAL_CFLAGS) $(SODIUM_CFLAGS)
tests_unit_unit_LDADD = $(TAP_LIBS) $(CORE_LIBS)
