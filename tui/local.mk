## tui/: redlight, the console and its commands (one file per command,
## one per view); see tui/cmd.h and tui/ui.h.
bin_PROGRAMS += redlight
redlight_CFLAGS = $(AM_CFLAGS) $(PQ_CFLAGS) $(NCURSES_CFLAGS) $(UV_CFLAGS) $(JSONC_CFLAGS) $(SODIUM_CFLAGS)
redlight_SOURCES = \
	tui/redlight.c \
	tui/act.c tui/act.h \
	tui/cmd.c tui/cmd.h \
	tui/cmd-approve.c \
	tui/cmd-assign-staff.c \
	tui/cmd-audit.c \
	tui/cmd-booking.c \
	tui/cmd-bookings.c \
	tui/cmd-calendar-connect.c \
	tui/cmd-calendar-status.c \
	tui/cmd-cancel.c \
	tui/cmd-console.c \
	tui/cmd-help.c \
	tui/cmd-hold.c \
	tui/cmd-hold-extend.c \
	tui/cmd-hold-release.c \
	tui/cmd-holds.c \
	tui/cmd-migrate.c \
	tui/cmd-queue.c \
	tui/cmd-reject.c \
	tui/cmd-reschedule.c \
	tui/cmd-refund.c \
	tui/cmd-payments.c \
	tui/cmd-payments-check.c \
	tui/cmd-notifications.c \
	tui/cmd-notification-resend.c \
	tui/cmd-notify-test.c \
	tui/cmd-rooms.c \
	tui/cmd-seed.c \
	tui/cmd-swap-staff.c \
	tui/cmd-room-add.c \
	tui/cmd-room-edit.c \
	tui/cmd-service-add.c \
	tui/cmd-service-edit.c \
	tui/cmd-staff-add.c \
	tui/cmd-staff-edit.c \
	tui/cmd-rotate-ics-token.c \
	tui/cmd-rules.c \
	tui/cmd-rule-add.c \
	tui/cmd-rule-del.c \
	tui/cmd-exception-add.c \
	tui/cmd-exception-del.c \
	tui/cmd-buffer-set.c \
	tui/cmd-settings.c \
	tui/cmd-settings-set.c \
	tui/cmd-jobs.c \
	tui/cmd-job-retry.c \
	tui/cmd-job-cancel.c \
	tui/cmd-worker.c \
	tui/setup.c tui/setup.h \
	tui/detail.c tui/detail.h \
	tui/fmt.c tui/fmt.h \
	tui/form.h \
	tui/keys.c tui/keys.h \
	tui/model.c tui/model.h \
	tui/model-setup.c tui/model-setup.h \
	tui/table.c tui/table.h \
	tui/text.c tui/text.h \
	tui/ui.c tui/ui.h \
	tui/view-audit.c \
	tui/view-booking.c \
	tui/view-board.c \
	tui/view-bookings.c \
	tui/view-day.c \
	tui/view-form.c \
	tui/view-help.c \
	tui/view-holds.c \
	tui/view-jobs.c \
	tui/view-payments.c \
	tui/view-notifications.c \
	tui/view-login.c \
	tui/view-queue.c \
	tui/view-setup.c
redlight_LDADD = $(WORKER_LIBS) $(NCURSES_LIBS) $(UV_LIBS) $(JSONC_LIBS)
