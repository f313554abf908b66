## web/: redlightd, the web process (ARCHITECTURE.md, "The two programs").

# The job worker's runtime: redlightd runs it on a thread, `redlight worker`
# in the foreground; both link this (web/worker.h says why it lives here).
noinst_LIBRARIES += web/libworker.a
web_libworker_a_CFLAGS = $(AM_CFLAGS) $(PQ_CFLAGS) $(JSONC_CFLAGS) $(SODIUM_CFLAGS) $(CURL_CFLAGS)
web_libworker_a_SOURCES = web/worker.c web/worker.h web/notify.c web/notify.h \
	web/worker-pay.c web/worker-pay.h \
	web/worker-cal.c web/worker-cal.h \
	web/stripe-client.c web/stripe-client.h \
	web/sms.c web/sms.h
WORKER_LIBS = web/libworker.a $(DB_LIBS) $(CURL_LIBS) -lpthread

# The artists' message templates (web/notify.h), which a studio may edit.
templatesdir = $(pkgdatadir)/templates
dist_templates_DATA = \
	templates/submitted.txt templates/submitted.html templates/submitted.sms \
	templates/approved.txt templates/approved.html templates/approved.sms \
	templates/rejected.txt templates/rejected.html templates/rejected.sms \
	templates/reminder.txt templates/reminder.html templates/reminder.sms \
	templates/rescheduled.txt templates/rescheduled.html templates/rescheduled.sms \
	templates/canceled.txt templates/canceled.html templates/canceled.sms \
	templates/payment_action.txt templates/payment_action.html templates/payment_action.sms

sbin_PROGRAMS += redlightd
redlightd_SOURCES = \
	web/redlightd.c \
	web/server.c web/server.h \
	web/http.h \
	web/accesslog.c \
	web/guard.c \
	web/router.c \
	web/response.c \
	web/query.c \
	web/pgsock.c web/pgsock.h \
	web/pgpool.c web/pgpool.h \
	web/route-health.c \
	web/route-catalog.c \
	web/route-auth.c \
	web/auth.c web/auth.h \
	web/body.c web/body.h \
	web/idem.c web/idem.h \
	web/ratelimit.c web/ratelimit.h \
	web/availcache.c web/availcache.h \
	web/cacheload.c web/cacheload.h \
	web/catalogcache.c web/catalogcache.h \
	web/sesscache.c web/sesscache.h \
	web/waitlist.c web/waitlist.h \
	web/paywait.c web/paywait.h \
	web/page.c web/page.h \
	web/listen.c web/listen.h \
	web/events.h \
	web/route-avail.c web/route-avail.h \
	web/route-events.c \
	web/route-holds.c \
	web/route-bookings.c \
	web/route-payments.c \
	web/route-staff-feed.c \
	web/feedcache.c web/feedcache.h \
	web/route-booking-ics.c \
	web/route-integrations.c \
	web/slot.c web/slot.h
redlightd_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(PQ_CFLAGS) $(H2O_CFLAGS) $(UV_CFLAGS) $(SSL_CFLAGS) $(JSONC_CFLAGS) $(SODIUM_CFLAGS) $(ZLIB_CFLAGS)
redlightd_LDADD = $(WORKER_LIBS) $(H2O_LIBS) $(UV_LIBS) $(SSL_LIBS) $(JSONC_LIBS) $(ZLIB_LIBS)

# The booking page: plain files, no build step, served at "/".
staticdir = $(pkgdatadir)/static
dist_static_DATA = web/static/index.html web/static/sw.js web/static/pay.js \
	web/static/account.js web/static/book.js

# redlightd's benchmark (README): a script and its in-process engine timer.
EXTRA_DIST += tools/bench tools/bench-engine.c tools/bench-bookings.py tools/bench-bookings.c tools/bench-feed.c
