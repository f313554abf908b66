/* worker.h: the job worker's runtime (ARCHITECTURE.md, "The one path a
 * change takes": the outbox). It runs inside redlightd (a thread of its own,
 * redlightd(8)) and as `redlight worker` (the foreground, redlight(1));
 * both programs link it as web/libworker.a. It lives beside the web
 * process because the integration clients it will call (Stripe, SMTP,
 * Twilio, calendars) are web/'s; it uses db/ and core/ only, and no libuv:
 * a worker is one thread with its own synchronous libpq connection, which
 * sleeps in poll() on that connection's socket (LISTEN job_queued) and on
 * a pipe that worker_stop writes to, so it never touches redlightd's loop.
 *
 * A round: claim up to WORKER_BATCH due jobs (db_job_claim), run each
 * through its kind's handler (one table, worker.c), write the results in
 * one transaction (db_job_finish), fenced by the lease tokens. Between
 * jobs the leases are renewed when a third of DB_JOB_LEASE_S has passed.
 * Idle, the worker sleeps until a job is queued (NOTIFY) or
 * WORKER_POLL_MS passes (retries come due and leases of dead workers
 * expire without a notice). Every WORKER_PERIODIC_S it runs the sweeps
 * (db_job_periodic).
 *
 * Each job runs with a deadline of timeout_ms: the handler is given it
 * (an integration client passes it on as its own timeout), and a run that
 * returns after it counts as a failed attempt ("timed out after N ms").
 * A handler that never returns keeps its job past the lease; another
 * worker then runs it again, and the late result is fenced out.
 *
 * worker_stop (from a signal handler or another thread) ends the run at
 * the next job boundary: the job running finishes and is recorded, the
 * claimed jobs not started are handed back (db_job_release), so another
 * worker takes them at once. */
#ifndef REDLIGHT_WORKER_H
#define REDLIGHT_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "core/conf.h"
#include "core/err.h"

/* jobs claimed in one round */
#define WORKER_BATCH 64
/* longest idle sleep, in milliseconds */
#define WORKER_POLL_MS 1000
/* seconds between sweeps */
#define WORKER_PERIODIC_S 60
/* how long one job may run, in milliseconds, unless told otherwise */
#define WORKER_TIMEOUT_MS 10000
/* results are written at least this often while a batch runs (ms) */
#define WORKER_FLUSH_MS 100

struct worker;

struct worker_opts {
	const char *conninfo;     /* the database; NULL or "" for libpq's PG* */
	const char *role;         /* "redlightd" or "worker": names the worker
	                           * as ROLE@HOST:PID in job_attempt */
	int timeout_ms;           /* 0: WORKER_TIMEOUT_MS */
	int retry_base_ms;        /* the backoff (db_job_backoff) */
	int retry_max_ms;
	int quiet;                /* 1: no line per failed job on stderr */
	int sweep_s;              /* seconds between sweeps; 0: WORKER_PERIODIC_S */
	const char *stripe_api_base; /* payments: both set, or the payment */
	const char *stripe_secret_key; /* jobs are skipped (not configured) */
	const struct conf *conf;  /* the message settings (web/notify.h); NULL:
	                           * messages are skipped as not configured */
};

/* worker_new: a worker with opts (copied), not connected yet. Fails with
 * ERR_IO when the stop pipe cannot be made, and with ERR_CONFIG naming the
 * file and line when a message template does not load (notify_new). *out is the caller's
 * (worker_free). */
int worker_new(const struct worker_opts *opts, struct worker **out, struct err *e);

/* worker_free: free w, closing its connection. NULL is a no-op. The
 * worker must not be running. */
void worker_free(struct worker *w);

/* worker_name: "ROLE@HOST:PID", as job_attempt records it. Borrowed. */
const char *worker_name(const struct worker *w);

/* worker_run: run rounds until worker_stop. A database that cannot be
 * reached (or goes away) is retried every WORKER_POLL_MS, with one line
 * on stderr when it goes and when it comes back. Returns 0 after a stop. */
int worker_run(struct worker *w);

/* worker_step: one round (connecting first if needed): claim, run, record.
 * *claimed (may be NULL) is how many jobs it claimed. For tests and
 * worker_run. */
int worker_step(struct worker *w, int *claimed, struct err *e);

/* worker_sweep: the sweeps now (db_job_periodic, and db_pay_sweep and
 * db_pay_expire when payments are configured), connecting if needed. */
int worker_sweep(struct worker *w, struct err *e);

/* worker_stop: ask w to stop (see above). Async-signal-safe; cannot fail. */
void worker_stop(struct worker *w);

/* worker_start / worker_join: run worker_run on a thread of its own
 * (every signal blocked on it, so the process's handlers run elsewhere);
 * wait for it after worker_stop. worker_start fails with ERR_IO. */
int worker_start(struct worker *w, struct err *e);
void worker_join(struct worker *w);

/* worker_opts_from_conf: the options redlight.conf gives (worker_timeout_ms,
 * worker_retry_base_ms, worker_retry_max_ms, database_url, and the Stripe
 * account when payments are configured). o borrows c's strings. Cannot
 * fail. */
void worker_opts_from_conf(const struct conf *c, const char *role, struct worker_opts *o);

#endif
