## core/: pure domain logic (no I/O); see ARCHITECTURE.md.
noinst_LIBRARIES += core/libcore.a
core_libcore_a_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(ICAL_CFLAGS) $(SODIUM_CFLAGS)
core_libcore_a_SOURCES = \
	core/interval.c core/interval.h \
	core/tz.c core/tz.h \
	core/xalloc.c core/xalloc.h \
	core/sbuf.c core/sbuf.h \
	core/bstate.c core/bstate.h \
	core/err.c core/err.h \
	core/conf.c core/conf.h \
	core/code.c core/code.h \
	core/quote.c core/quote.h \
	core/policy.c core/policy.h \
	core/validate.c core/validate.h \
	core/avail.c core/avail-json.c core/avail.h \
	core/settings.c core/settings.h \
	core/pricing.c core/pricing.h \
	core/stripe.c core/stripe.h \
	core/ics.c core/ics.h \
	core/mail.c core/mail.h \
	core/tmpl.c core/tmpl.h \
	core/secret.c core/secret.h \
	core/cal.c core/cal.h \
	core/payment.c core/payment.h \
	core/notice.c core/notice.h \
	core/wire.c core/wire.h \
	core/feed.c core/feed.h
CORE_LIBS = core/libcore.a $(JSONC_LIBS) $(ICAL_LIBS) $(SODIUM_LIBS)

# core/ must stay pure: no I/O libraries, no clock, environment or randomness.
TESTS += tests/core-purity.sh
EXTRA_DIST += tests/core-purity.sh
