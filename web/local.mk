## web/: redlightd, the web process (DESIGN.md "The web process").
sbin_PROGRAMS += redlightd
redlightd_SOURCES = \
	web/redlightd.c \
	web/server.c web/server.h \
	web/http.h \
	web/accesslog.c \
	web/router.c \
	web/response.c \
	web/query.c \
	web/pgpool.c web/pgpool.h \
	web/route-health.c \
	web/route-catalog.c
redlightd_CFLAGS = $(AM_CFLAGS) $(PQ_CFLAGS) $(H2O_CFLAGS) $(UV_CFLAGS) $(SSL_CFLAGS) $(JSONC_CFLAGS)
redlightd_LDADD = $(DB_LIBS) $(H2O_LIBS) $(UV_LIBS) $(SSL_LIBS) $(JSONC_LIBS)

# The booking page: plain files, no build step, served at "/".
staticdir = $(pkgdatadir)/static
dist_static_DATA = web/static/index.html
