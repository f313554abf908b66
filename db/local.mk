## db/: PostgreSQL: migrations (embedded into the binaries) and one file per aggregate.
noinst_LIBRARIES += db/libdb.a
db_libdb_a_CFLAGS = $(AM_CFLAGS) $(PQ_CFLAGS) $(JSONC_CFLAGS) $(SODIUM_CFLAGS)
db_libdb_a_SOURCES = \
	db/db.c db/db.h db/migrations-data.h \
	db/migrate.c \
	db/seed.c \
	db/user.c \
	db/catalog.c \
	db/booking.c db/booking.h \
	db/booking-studio.c \
	db/hold.c db/hold.h \
	db/conf-load.c \
	db/tzfile.c db/tzfile.h \
	db/avail.c db/avail.h \
	db/booking-read.c \
	db/admin.c db/admin.h \
	db/setup.c db/setup.h \
	db/job.c db/job.h \
	db/payment.c db/payment.h \
	db/calendar.c db/calendar.h \
	db/notify.c db/notify.h \
	db/feed.c db/feed.h
nodist_db_libdb_a_SOURCES = db/migrations-data.c
DB_LIBS = db/libdb.a $(CORE_LIBS) $(PQ_LIBS) $(SODIUM_LIBS)

MIGRATIONS = \
	db/migrations/0001_schema.sql \
	db/migrations/0002_booking_api.sql \
	db/migrations/0003_notify.sql \
	db/migrations/0004_admin.sql \
	db/migrations/0005_booking_reads.sql \
	db/migrations/0006_setup.sql \
	db/migrations/0007_sync_flags.sql \
	db/migrations/0008_staff_hours.sql \
	db/migrations/0009_room_info_notify.sql \
	db/migrations/0010_jobs.sql \
	db/migrations/0011_idempotency_answer.sql \
	db/migrations/0012_quote_and_one_path.sql \
	db/migrations/0013_reschedule_by_actor.sql \
	db/migrations/0014_payments.sql \
	db/migrations/0015_notifications.sql \
	db/migrations/0017_payment_schedule.sql \
	db/migrations/0018_sms_ics_receipt.sql \
	db/migrations/0019_staff_feed.sql \
	db/migrations/0020_calendars.sql \
	db/migrations/0022_function_families.sql \
	db/migrations/0025_refund_rows.sql \
	db/migrations/0027_settings_set_one.sql
# one file per function family, in file-name order (db/migrate.c applies
# them in this order): keep the list sorted
FAMILIES = \
	db/functions/admin.sql \
	db/functions/booking.sql \
	db/functions/calendars.sql \
	db/functions/change-notify.sql \
	db/functions/claims.sql \
	db/functions/feed.sql \
	db/functions/helpers.sql \
	db/functions/hold.sql \
	db/functions/idempotency.sql \
	db/functions/jobs.sql \
	db/functions/notifications.sql \
	db/functions/payments.sql \
	db/functions/sessions.sql \
	db/functions/setup.sql
SEEDS = db/seed/demo.sql
EXTRA_DIST += $(MIGRATIONS) $(SEEDS) $(FAMILIES) tools/embed-sql tools/sql-families
BUILT_SOURCES += db/migrations-data.c
CLEANFILES += db/migrations-data.c
db/migrations-data.c: $(MIGRATIONS) $(SEEDS) $(FAMILIES) $(top_srcdir)/tools/embed-sql
	$(AM_V_GEN)mkdir -p db && $(SHELL) $(top_srcdir)/tools/embed-sql $(MIGRATIONS:%=$(top_srcdir)/%) -- $(SEEDS:%=$(top_srcdir)/%) -- $(FAMILIES:%=$(top_srcdir)/%) > $@.tmp && mv $@.tmp $@
