/* redlightd: the web process (redlightd(8)). Reads redlight.conf, listens,
 * and serves the JSON API and the booking page from one libuv loop until
 * SIGINT or SIGTERM. Unless `worker = 0`, the job worker (web/worker.h)
 * runs beside the loop on a thread of its own with its own connection; a
 * stop asks it to finish the job it runs and hand back the rest, and
 * waits for it once the loop is done.
 *
 * With http_processes above 1, the first process binds one socket per
 * process on the port (SO_REUSEPORT), shares the rate limits' table, and
 * forks the others before any loop, thread or connection exists. Each
 * process then serves HTTP from its own loop with its own pool, LISTEN
 * connection and caches, kept true by the same notices that keep two
 * redlightd on one database true; only the first runs the worker. The
 * first passes a stop on to the others and waits for them; the others
 * end with it (PR_SET_PDEATHSIG). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

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
#include "web/ratelimit.h"
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
static uv_signal_t redlightd_sigint, redlightd_sigterm, redlightd_sigchld;
static uv_timer_t redlightd_grace;
static struct worker *redlightd_worker;
/* the first process's: the other HTTP processes, 0 once reaped */
static pid_t redlightd_children[HTTP_SERVER_MAX_PROCESSES];
static int redlightd_nchildren;

/* How many processes serve HTTP: http_processes, "auto" being one per
 * CPU online. */
static int
redlightd_processes(const struct conf *conf)
{
	long n;

	if (conf->http_processes > 0)
		return conf->http_processes;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > HTTP_SERVER_MAX_PROCESSES ? HTTP_SERVER_MAX_PROCESSES : (int)n;
}

/* The first process passes a stop on to the others. */
static void
redlightd_children_signal(int signum)
{
	for (int i = 0; i < redlightd_nchildren; i++)
		if (redlightd_children[i] > 0)
			kill(redlightd_children[i], signum);
}

/* Tell how HTTP process pid ended; it is not started again (the port's
 * other sockets take its share of new connections). */
static void
redlightd_child_ended(pid_t pid, int status)
{
	for (int i = 0; i < redlightd_nchildren; i++) {
		if (redlightd_children[i] != pid)
			continue;
		redlightd_children[i] = 0;
		if (redlightd_srv.stopping && WIFEXITED(status) && WEXITSTATUS(status) == 0)
			return;
		if (WIFSIGNALED(status))
			fprintf(stderr, "redlightd: HTTP process %d (pid %ld) was killed by signal %d; "
			    "the others serve on\n", i + 2, (long)pid, WTERMSIG(status));
		else
			fprintf(stderr, "redlightd: HTTP process %d (pid %ld) exited with status %d%s\n",
			    i + 2, (long)pid, WEXITSTATUS(status),
			    redlightd_srv.stopping ? "" : "; the others serve on");
		return;
	}
}

static void
redlightd_on_sigchld(uv_signal_t *h, int signum)
{
	int status;
	pid_t pid;

	(void)h;
	(void)signum;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		redlightd_child_ended(pid, status);
}

/* After the loop: wait for the other HTTP processes, which were told to
 * stop and end within their own grace. */
static void
redlightd_children_wait(void)
{
	int status;
	pid_t pid;

	for (int i = 0; i < redlightd_nchildren; i++) {
		if (redlightd_children[i] <= 0)
			continue;
		while ((pid = waitpid(redlightd_children[i], &status, 0)) < 0 && errno == EINTR)
			;
		if (pid > 0)
			redlightd_child_ended(pid, status);
	}
}

/* Start the HTTP processes after the first; returns which one this is
 * (0 for the first). A fork that fails stops them all. */
static int
redlightd_fork(int processes)
{
	pid_t parent = getpid();

	fflush(stdout);
	fflush(stderr);
	for (int i = 1; i < processes; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, "redlightd: cannot start HTTP process %d: %s\n", i + 1,
			    strerror(errno));
			redlightd_children_signal(SIGTERM);
			redlightd_children_wait();
			exit(REDLIGHTD_EXIT_FAILURE);
		}
		if (pid == 0) {
			/* ends with the first process, however it ends */
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			if (getppid() != parent)
				_exit(0);
			/* a terminal's ^C reaches the whole group: the first
			 * process passes it on as SIGTERM, once */
			signal(SIGINT, SIG_IGN);
			redlightd_nchildren = 0;
			return i;
		}
		redlightd_children[redlightd_nchildren++] = pid;
	}
	return 0;
}

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
		/* another HTTP process's stop is the first process's to
		 * hurry: a stop sent to the whole group reaches it twice */
		if (redlightd_srv.process > 1)
			return;
		fprintf(stderr, "redlightd: %s again: stopping now\n",
		    signum == SIGINT ? "SIGINT" : "SIGTERM");
		redlightd_children_signal(SIGKILL);
		exit(REDLIGHTD_EXIT_FAILURE);
	}
	redlightd_srv.stopping = 1;
	if (redlightd_srv.processes > 1)
		fprintf(stderr, "redlightd: HTTP process %d: %s: stopping\n", redlightd_srv.process,
		    signum == SIGINT ? "SIGINT" : "SIGTERM");
	else
		fprintf(stderr, "redlightd: %s: stopping\n", signum == SIGINT ? "SIGINT" : "SIGTERM");
	redlightd_children_signal(SIGTERM);
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
	int ch, processes, process;

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
	processes = redlightd_processes(&conf);
	if (http_server_bind(&conf, processes, url, sizeof(url), &e) != 0) {
		fprintf(stderr, "redlightd: %s\n", e.msg);
		return REDLIGHTD_EXIT_FAILURE;
	}
	if (processes > 1 && ratelimit_share(&e) != 0) {
		fprintf(stderr, "redlightd: %s\n", e.msg);
		return REDLIGHTD_EXIT_FAILURE;
	}
	/* before any loop, thread or connection: each process makes its own */
	process = redlightd_fork(processes);
	if (process > 0)
		conf.worker = 0;    /* the first process runs the jobs */
	loop = uv_default_loop();
	redlightd_srv.loop = loop;
	redlightd_srv.conf = &conf;
	redlightd_srv.on_idle = redlightd_on_idle;
	redlightd_srv.process = process + 1;
	redlightd_srv.processes = processes;
	if (http_server_listen(&redlightd_srv, process, &e) != 0) {
		fprintf(stderr, "redlightd: %s\n", e.msg);
		redlightd_children_signal(SIGTERM);
		redlightd_children_wait();
		return REDLIGHTD_EXIT_FAILURE;
	}

	uv_timer_init(loop, &redlightd_grace);
	uv_signal_init(loop, &redlightd_sigint);
	uv_signal_init(loop, &redlightd_sigterm);
	uv_signal_init(loop, &redlightd_sigchld);
	if (process == 0)
		uv_signal_start(&redlightd_sigint, redlightd_on_signal, SIGINT);
	uv_signal_start(&redlightd_sigterm, redlightd_on_signal, SIGTERM);
	if (redlightd_nchildren > 0) {
		uv_signal_start(&redlightd_sigchld, redlightd_on_sigchld, SIGCHLD);
		uv_unref((uv_handle_t *)&redlightd_sigchld);
		/* one that ended before the handler was there */
		redlightd_on_sigchld(&redlightd_sigchld, SIGCHLD);
	}

	if (process == 0)
		fprintf(stderr, "redlightd: listening on %s\n", url);
	if (processes > 1)
		fprintf(stderr, "redlightd: HTTP process %d of %d (pid %ld) serving\n", process + 1,
		    processes, (long)getpid());
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
	} else if (process == 0) {
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
	uv_close((uv_handle_t *)&redlightd_sigchld, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
	if (process > 0)
		return 0;
	redlightd_children_wait();
	fprintf(stderr, "redlightd: stopped\n");
	return 0;
}
