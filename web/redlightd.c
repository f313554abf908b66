/* redlightd: the web process (redlightd(8)). Reads redlight.conf, listens,
 * and serves the JSON API and the booking page from one libuv loop until
 * SIGINT or SIGTERM. Unless `worker = 0`, the job worker (web/worker.h)
 * runs beside the loop on a thread of its own with its own connection; a
 * stop asks it to finish the job it runs and hand back the rest, and
 * waits for it once the loop is done. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "db/db.h"
#include "web/availcache.h"
#include "web/catalogcache.h"
#include "web/feedcache.h"
#include "web/events.h"
#include "web/http.h"
#include "web/listen.h"
#include "web/paywait.h"
#include "web/pgpool.h"
#include "web/server.h"
#include "web/sesscache.h"
#include "web/worker.h"

/* How long a stop waits for requests in flight before it gives up on them. */
#define REDLIGHTD_STOP_GRACE_MS 10000

#define REDLIGHTD_EXIT_FAILURE 1
#define REDLIGHTD_EXIT_USAGE 2

static const char redlightd_usage[] =
    "usage: redlightd [--listen ADDR:PORT] [--config FILE] [--version] [--help]\n"
    "\n"
    "  -l, --listen ADDR:PORT  listen there (default 127.0.0.1:8080; port 0 picks a free one)\n"
    "  -c, --config FILE       read FILE instead of searching for redlight.conf\n"
    "  -V, --version           print the version and exit\n"
    "  -h, --help              print this help and exit\n"
    "\n"
    "See redlightd(8) and redlight.conf(5).\n";

static struct http_server redlightd_srv;
static uv_signal_t redlightd_sigint, redlightd_sigterm;
static uv_timer_t redlightd_grace;
static struct worker *redlightd_worker;

/* Ends the loop; main tears down what is left. */
static void
redlightd_finish(void)
{
	uv_stop(redlightd_srv.loop);
}

static void
redlightd_on_idle(struct http_server *srv)
{
	if (srv->stopping)
		redlightd_finish();
}

static void
redlightd_on_grace(uv_timer_t *t)
{
	(void)t;
	fprintf(stderr, "redlightd: %u request(s) still running after %d s; stopping anyway\n",
	    redlightd_srv.inflight, REDLIGHTD_STOP_GRACE_MS / 1000);
	redlightd_finish();
}

static void
redlightd_on_signal(uv_signal_t *h, int signum)
{
	(void)h;
	if (redlightd_srv.stopping) {
		fprintf(stderr, "redlightd: %s again: stopping now\n",
		    signum == SIGINT ? "SIGINT" : "SIGTERM");
		exit(REDLIGHTD_EXIT_FAILURE);
	}
	redlightd_srv.stopping = 1;
	fprintf(stderr, "redlightd: %s: stopping\n", signum == SIGINT ? "SIGINT" : "SIGTERM");
	http_server_stop_listening(&redlightd_srv);
	if (redlightd_worker != NULL)
		worker_stop(redlightd_worker);
	/* event streams never end by themselves: end them */
	events_shutdown(redlightd_srv.events);
	/* nor do bookings waiting for their intent: answer them now */
	paywait_shutdown(redlightd_srv.paywait);
	uv_timer_start(&redlightd_grace, redlightd_on_grace, REDLIGHTD_STOP_GRACE_MS, 0);
	if (redlightd_srv.inflight == 0)
		redlightd_finish();
}

/* Refuses a database whose landed migrations differ from the ones built
 * in (an edited migration: the schema is not what this binary expects).
 * Before the loop runs, so the one blocking connection blocks nothing; a
 * database that is down is only noted, as redlightd starts without one. */
static int
redlightd_check_migrations(const struct conf *conf)
{
	struct db *db;
	struct err e;
	int rc;

	if (db_open(conf->database_url, &db, &e) != 0) {
		fprintf(stderr, "redlightd: cannot check the migrations now: %s\n", e.msg);
		return 0;
	}
	rc = db_migrations_verify(db, &e);
	db_close(db);
	if (rc == ERR_CHANGED) {
		fprintf(stderr, "redlightd: %s\n", e.msg);
		return rc;
	}
	if (rc != 0)
		fprintf(stderr, "redlightd: cannot check the migrations now: %s\n", e.msg);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "config", required_argument, NULL, 'c' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *listen = NULL, *config = NULL;
	static struct conf conf;
	char used[512], url[192];
	struct err e;
	uv_loop_t *loop;
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":l:c:Vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			listen = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'V':
			printf("redlightd %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			fputs(redlightd_usage, stdout);
			return 0;
		case ':':
			fprintf(stderr, "redlightd: option %s needs a value (see redlightd --help)\n",
			    argv[optind - 1]);
			return REDLIGHTD_EXIT_USAGE;
		default:
			fprintf(stderr, "redlightd: unknown option %s (see redlightd --help)\n",
			    argv[optind - 1]);
			return REDLIGHTD_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "redlightd: unexpected argument '%s' (see redlightd --help)\n",
		    argv[optind]);
		return REDLIGHTD_EXIT_USAGE;
	}

	if (conf_load(&conf, config, used, sizeof(used), &e) != 0) {
		fprintf(stderr, "redlightd: %s\n", e.msg);
		return REDLIGHTD_EXIT_FAILURE;
	}
	if (listen != NULL && conf_set(&conf, "listen", listen, &e) != 0) {
		fprintf(stderr, "redlightd: --%s\n", e.msg);
		return REDLIGHTD_EXIT_USAGE;
	}

	if (redlightd_check_migrations(&conf) != 0)
		return REDLIGHTD_EXIT_FAILURE;

	/* a client that hangs up mid-answer must not kill the process */
	signal(SIGPIPE, SIG_IGN);
	loop = uv_default_loop();
	redlightd_srv.loop = loop;
	redlightd_srv.conf = &conf;
	redlightd_srv.on_idle = redlightd_on_idle;
	if (http_server_listen(&redlightd_srv, url, sizeof(url), &e) != 0) {
		fprintf(stderr, "redlightd: %s\n", e.msg);
		return REDLIGHTD_EXIT_FAILURE;
	}

	uv_timer_init(loop, &redlightd_grace);
	uv_signal_init(loop, &redlightd_sigint);
	uv_signal_init(loop, &redlightd_sigterm);
	uv_signal_start(&redlightd_sigint, redlightd_on_signal, SIGINT);
	uv_signal_start(&redlightd_sigterm, redlightd_on_signal, SIGTERM);

	fprintf(stderr, "redlightd: listening on %s\n", url);
	redlightd_srv.db = pgpool_new(loop, conf.database_url, conf.db_pool);
	redlightd_srv.avail = availcache_new(&redlightd_srv);
	redlightd_srv.catalog = catalogcache_new(&redlightd_srv);
	redlightd_srv.feeds = feedcache_new(&redlightd_srv);
	redlightd_srv.sessions = sesscache_new();
	redlightd_srv.events = events_new(&redlightd_srv);
	redlightd_srv.paywait = paywait_new(&redlightd_srv);
	redlightd_srv.listen = listen_new(&redlightd_srv);
	if (conf.worker) {
		struct worker_opts wo;
		worker_opts_from_conf(&conf, "redlightd", &wo);
		if (worker_new(&wo, &redlightd_worker, &e) != 0 ||
		    worker_start(redlightd_worker, &e) != 0) {
			fprintf(stderr, "redlightd: %s\n", e.msg);
			return REDLIGHTD_EXIT_FAILURE;
		}
		fprintf(stderr, "redlightd: worker: running as %s\n", worker_name(redlightd_worker));
	} else {
		fprintf(stderr, "redlightd: worker: off (worker = 0); run `redlight worker` for the jobs\n");
	}
	uv_run(loop, UV_RUN_DEFAULT);

	/* the loop is done; the worker ends its job and hands back the rest */
	if (redlightd_worker != NULL) {
		worker_stop(redlightd_worker);
		worker_join(redlightd_worker);
		worker_free(redlightd_worker);
		redlightd_worker = NULL;
		fprintf(stderr, "redlightd: worker: stopped\n");
	}

	/* Close what we own and let libuv run the close callbacks. Idle
	 * keep-alive connections are left to the exit. */
	listen_free(redlightd_srv.listen);
	redlightd_srv.listen = NULL;
	events_free(redlightd_srv.events);
	redlightd_srv.events = NULL;
	availcache_free(redlightd_srv.avail);
	redlightd_srv.avail = NULL;
	catalogcache_free(redlightd_srv.catalog);
	redlightd_srv.catalog = NULL;
	feedcache_free(redlightd_srv.feeds);
	redlightd_srv.feeds = NULL;
	paywait_free(redlightd_srv.paywait);
	redlightd_srv.paywait = NULL;
	sesscache_free(redlightd_srv.sessions);
	redlightd_srv.sessions = NULL;
	pgpool_free(redlightd_srv.db);
	redlightd_srv.db = NULL;
	uv_close((uv_handle_t *)&redlightd_grace, NULL);
	uv_close((uv_handle_t *)&redlightd_sigint, NULL);
	uv_close((uv_handle_t *)&redlightd_sigterm, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
	fprintf(stderr, "redlightd: stopped\n");
	return 0;
}
