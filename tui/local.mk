## tui/: redlight, the console and its commands (one file per command,
## one per view); see tui/cmd.h and tui/ui.h.
bin_PROGRAMS += redlight
redlight_CFLAGS = $(AM_CFLAGS) $(PQ_CFLAGS) $(NCURSES_CFLAGS) $(UV_CFLAGS) $(JSONC_CFLAGS)
redlight_SOURCES = \
	tui/redlight.c \
	tui/cmd.c tui/cmd.h \
	tui/cmd-bookings.c \
	tui/cmd-console.c \
	tui/cmd-help.c \
	tui/cmd-migrate.c \
	tui/cmd-rooms.c \
	tui/cmd-seed.c \
	tui/keys.c tui/keys.h \
	tui/model.c tui/model.h \
	tui/text.c tui/text.h \
	tui/ui.c tui/ui.h \
	tui/view-day.c \
	tui/view-help.c \
	tui/view-login.c
redlight_LDADD = $(DB_LIBS) $(NCURSES_LIBS) $(UV_LIBS) $(JSONC_LIBS)
