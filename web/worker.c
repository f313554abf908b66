/* worker.c: the job worker's loop, its handler table and the handlers. */
#include "web/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "db/db.h"
#include "db/job.h"
#include "db/payment.h"
#include "web/stripe-client.h"
#include "web/worker-cal.h"
#include "web/worker-pay.h"
#include "web/notify.h"

struct worker {
	struct worker_opts o;
	char conninfo[1024];
	char role[32];
	char name[160];
	struct db *db;
	int pipe[2];              /* worker_stop writes, the loop polls */
	volatile sig_atomic_t stopping;
	pthread_t thread;
	int started;
	int64_t next_sweep_ms;
	int db_down;              /* said the database is unreachable */
	struct stripe_client *stripe; /* NULL: payments are not configured */
	struct notify *notify;    /* the artists' messages; NULL without opts.conf */
	struct worker_cal *cal;   /* staff calendars; NULL: not configured */
	char cal_off[256];        /* why cal is NULL */
};

/* ---- time ---- */

static int64_t
worker_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- handlers ---- */

/* What a handler sees of one run. It writes why into msg (msglen bytes)
 * unless the run is done. */
struct worker_run {
	struct worker *w;
	const struct db_job *job;
	struct json_object *payload;
	int64_t deadline_ms;      /* worker_now_ms() by which it must return */
	char *msg;
	size_t msglen;
};

typedef enum db_job_outcome (*worker_handler)(const struct worker_run *r);

/* The integrations jobs need. A kind whose integration has no client
 * here yet, or whose client is not configured, finishes skipped with the
 * integration's reason: staff see it, nothing pretends to have been sent. */
enum worker_integration {
	WORKER_INTERNAL,
	WORKER_PAYMENTS,
	WORKER_EMAIL,
	WORKER_SMS,
	WORKER_CALENDARS,
};

static const char *const worker_off[] = {
	[WORKER_INTERNAL] = "",
	[WORKER_PAYMENTS] = "payments are not configured (no Stripe account in redlight.conf)",
	[WORKER_EMAIL] = "email is not configured (no SMTP server in redlight.conf)",
	[WORKER_SMS] = "SMS is not configured (no Twilio account in redlight.conf)",
	[WORKER_CALENDARS] = "calendars are not configured (no Google or Microsoft account in redlight.conf)",
};

static enum db_job_outcome
worker_noop(const struct worker_run *r)
{
	(void)r;
	return DB_JOB_DONE;
}

/* worker_flaky: fault injection for the chaos test. {"fail_pct": P}
 * fails P percent of attempts at random (retry); {"sleep_ms": N} first
 * sleeps N ms (for timeouts). */
static enum db_job_outcome
worker_flaky(const struct worker_run *r)
{
	struct json_object *v;
	int pct = 0, sleep_ms = 0;

	if (json_object_object_get_ex(r->payload, "fail_pct", &v))
		pct = json_object_get_int(v);
	if (json_object_object_get_ex(r->payload, "sleep_ms", &v))
		sleep_ms = json_object_get_int(v);
	if (pct < 0 || pct > 100 || sleep_ms < 0) {
		snprintf(r->msg, r->msglen, "flaky: fail_pct must be 0 to 100 and sleep_ms 0 or more");
		return DB_JOB_FAIL;
	}
	if (sleep_ms > 0) {
		struct timespec ts = { sleep_ms / 1000, (long)(sleep_ms % 1000) * 1000000L };
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
	if ((int)randombytes_uniform(100) < pct) {
		snprintf(r->msg, r->msglen, "flaky: injected failure (fail_pct %d)", pct);
		return DB_JOB_RETRY;
	}
	return DB_JOB_DONE;
}

/* worker_payment: a payment job, through web/worker-pay.c. */
static enum db_job_outcome
worker_payment(const struct worker_run *r)
{
	struct worker_pay c = { r->w->db, r->w->stripe, r->deadline_ms, r->msg, r->msglen };

	return worker_pay_run(&c, r->job->kind, r->payload);
}

static int worker_configured(const struct worker *w, enum worker_integration it);

/* worker_notify: a job that sends the artist's messages (web/notify.h). */
static enum db_job_outcome
worker_notify(const struct worker_run *r)
{
	int64_t left = r->deadline_ms - worker_now_ms();

	if (r->w->notify == NULL) {
		snprintf(r->msg, r->msglen, "%s", worker_off[WORKER_EMAIL]);
		return DB_JOB_SKIPPED;
	}
	return notify_job(r->w->notify, r->w->db, r->job, worker_configured(r->w, WORKER_SMS), left > 0 ? (int)left : 1,
	    r->msg, r->msglen);
}

/* worker_calendar: a staff calendar job (web/worker-cal.h). */
static enum db_job_outcome
worker_calendar(const struct worker_run *r)
{
	return worker_cal_run(r->w->cal, r->w->db, r->job->kind, r->payload, r->deadline_ms, r->msg,
	    r->msglen);
}

/* One row per job kind: the kinds core/bstate.c's effects name, the
 * notices the booking functions of 0002 enqueue, and two diagnostic kinds
 * (redlight(1), DIAGNOSTIC JOB KINDS). handler NULL: the integration has
 * no client yet, so the job is skipped with worker_off's reason. */
static const struct {
	const char *kind;
	enum worker_integration needs;
	worker_handler handler;
} worker_kinds[] = {
	{ "payment_intent", WORKER_PAYMENTS, worker_payment },
	{ "capture_payment", WORKER_PAYMENTS, worker_payment },
	{ "void_or_refund", WORKER_PAYMENTS, worker_payment },
	{ "stripe_event", WORKER_PAYMENTS, worker_payment },
	{ "refund_payment", WORKER_PAYMENTS, worker_payment },
	{ "payment_check", WORKER_PAYMENTS, worker_payment },
	{ "balance_charge", WORKER_PAYMENTS, worker_payment },
	{ "reschedule_fee", WORKER_PAYMENTS, worker_payment },
	{ "email_approved", WORKER_EMAIL, worker_notify },
	{ "email_rejected", WORKER_EMAIL, worker_notify },
	{ "email_canceled", WORKER_EMAIL, worker_notify },
	{ "booking_submitted", WORKER_EMAIL, worker_notify },
	{ "booking_canceled", WORKER_EMAIL, worker_notify },
	{ "booking_rescheduled", WORKER_EMAIL, worker_notify },
	{ "booking_reminder", WORKER_EMAIL, worker_notify },
	{ "payment_action_needed", WORKER_EMAIL, worker_notify },
	{ "notification_resend", WORKER_EMAIL, worker_notify },
	{ "calendar_sync", WORKER_CALENDARS, worker_calendar },
	{ "calendar_remove", WORKER_CALENDARS, worker_calendar },
	{ "calendar_connect", WORKER_CALENDARS, worker_calendar },
	{ "noop", WORKER_INTERNAL, worker_noop },
	{ "flaky", WORKER_INTERNAL, worker_flaky },
};

/* worker_configured: whether w has the client integration it needs.
 * Messages always run: web/notify.c records each message row as sent,
 * written to mail_dir, or skipped with the reason its channel is off.
 * SMS rows ride in the same jobs as the email ones: their channel is on
 * with Twilio's settings and secret_key (conf_sms_off), and off it ends
 * them skipped while the email still goes. */
static int
worker_configured(const struct worker *w, enum worker_integration it)
{
	return it == WORKER_INTERNAL || it == WORKER_EMAIL || (it == WORKER_PAYMENTS && w->stripe != NULL) ||
	    (it == WORKER_SMS && w->notify != NULL && notify_sms_off(w->notify) == NULL) ||
	    (it == WORKER_CALENDARS && w->cal != NULL);
}

/* worker_dispatch: run one job by its kind's row. */
static enum db_job_outcome
worker_dispatch(const struct worker_run *r)
{
	for (size_t i = 0; i < sizeof(worker_kinds) / sizeof(worker_kinds[0]); i++) {
		if (strcmp(worker_kinds[i].kind, r->job->kind) != 0)
			continue;
		if (worker_kinds[i].handler == NULL || !worker_configured(r->w, worker_kinds[i].needs)) {
			if (worker_kinds[i].needs == WORKER_CALENDARS && r->w->cal_off[0] != '\0')
				snprintf(r->msg, r->msglen, "%s", r->w->cal_off);
			else
				snprintf(r->msg, r->msglen, "%s", worker_off[worker_kinds[i].needs]);
			return DB_JOB_SKIPPED;
		}
		return worker_kinds[i].handler(r);
	}
	snprintf(r->msg, r->msglen, "unknown job kind %s", r->job->kind);
	return DB_JOB_FAIL;
}

/* worker_run_one: run job with the timeout into res. */
static void
worker_run_one(struct worker *w, const struct db_job *job, struct db_job_result *res)
{
	struct worker_run r = { w, job, NULL, 0, res->message, sizeof(res->message) };
	int64_t started = worker_now_ms();

	memset(res, 0, sizeof(*res));
	res->id = job->id;
	res->token = job->token;
	r.deadline_ms = started + w->o.timeout_ms;
	r.payload = json_tokener_parse(job->payload);
	if (r.payload == NULL || !json_object_is_type(r.payload, json_type_object)) {
		snprintf(res->message, sizeof(res->message), "the payload is not a JSON object");
		res->outcome = DB_JOB_FAIL;
	} else {
		res->outcome = worker_dispatch(&r);
	}
	json_object_put(r.payload);
	if (worker_now_ms() > r.deadline_ms) {
		snprintf(res->message, sizeof(res->message), "timed out after %d ms", w->o.timeout_ms);
		res->outcome = DB_JOB_RETRY;
	}
}

/* ---- the worker ---- */

void
worker_opts_from_conf(const struct conf *c, const char *role, struct worker_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->conninfo = c->database_url;
	o->role = role;
	o->timeout_ms = c->worker_timeout_ms;
	o->retry_base_ms = c->worker_retry_base_ms;
	o->retry_max_ms = c->worker_retry_max_ms;
	o->sweep_s = c->worker_sweep_s;
	if (conf_payments_on(c)) {
		o->stripe_api_base = c->stripe_api_base;
		o->stripe_secret_key = c->stripe_secret_key;
	}
	o->conf = c;
}

int
worker_new(const struct worker_opts *opts, struct worker **out, struct err *e)
{
	struct worker *w = xcalloc(1, sizeof(*w));
	char host[64] = "localhost";

	*out = NULL;
	if (sodium_init() < 0) {
		free(w);
		return err_set(e, ERR_INTERNAL, NULL, "libsodium cannot start");
	}
	if (pipe(w->pipe) != 0) {
		free(w);
		return err_set(e, ERR_IO, NULL, "worker: cannot make a pipe: %s", strerror(errno));
	}
	for (int i = 0; i < 2; i++) {
		fcntl(w->pipe[i], F_SETFL, fcntl(w->pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(w->pipe[i], F_SETFD, FD_CLOEXEC);
	}
	if (opts->conf != NULL && notify_new(opts->conf, &w->notify, e) != 0) {
		close(w->pipe[0]);
		close(w->pipe[1]);
		free(w);
		return ERR_CONFIG;
	}
	if (opts->conf != NULL)
		w->cal = worker_cal_new(opts->conf, w->cal_off, sizeof(w->cal_off));
	w->o = *opts;
	w->o.conf = NULL;
	snprintf(w->conninfo, sizeof(w->conninfo), "%s", opts->conninfo ? opts->conninfo : "");
	snprintf(w->role, sizeof(w->role), "%s", opts->role ? opts->role : "worker");
	w->o.conninfo = w->conninfo;
	w->o.role = w->role;
	if (w->o.timeout_ms <= 0)
		w->o.timeout_ms = WORKER_TIMEOUT_MS;
	if (w->o.sweep_s <= 0)
		w->o.sweep_s = WORKER_PERIODIC_S;
	if (opts->stripe_secret_key != NULL && opts->stripe_secret_key[0] != '\0' &&
	    opts->stripe_api_base != NULL)
		w->stripe = stripe_client_new(opts->stripe_api_base, opts->stripe_secret_key);
	w->o.stripe_api_base = w->o.stripe_secret_key = NULL;
	gethostname(host, sizeof(host) - 1);
	snprintf(w->name, sizeof(w->name), "%s@%s:%ld", w->role, host, (long)getpid());
	*out = w;
	return 0;
}

void
worker_free(struct worker *w)
{
	if (w == NULL)
		return;
	db_close(w->db);
	stripe_client_free(w->stripe);
	notify_free(w->notify);
	worker_cal_free(w->cal);
	close(w->pipe[0]);
	close(w->pipe[1]);
	free(w);
}

const char *
worker_name(const struct worker *w)
{
	return w->name;
}

void
worker_stop(struct worker *w)
{
	char c = 's';

	w->stopping = 1;
	/* a full pipe already wakes the loop */
	if (write(w->pipe[1], &c, 1) < 0)
		return;
}

/* worker_say: one line on stderr, "redlightd: worker: ..." or
 * "redlight worker: ...". */
static void __attribute__((format(printf, 2, 3)))
worker_say(const struct worker *w, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (strcmp(w->role, "redlightd") == 0)
		fprintf(stderr, "redlightd: worker: %s\n", line);
	else
		fprintf(stderr, "redlight worker: %s\n", line);
}

/* worker_connect: a connection listening on job_queued, unless we have one. */
static int
worker_connect(struct worker *w, struct err *e)
{
	int rc;

	if (w->db != NULL)
		return 0;
	if ((rc = db_open(w->conninfo, &w->db, e)) != 0)
		return rc;
	if ((rc = db_exec(w->db, "LISTEN job_queued", 0, NULL, NULL, e)) != 0) {
		db_close(w->db);
		w->db = NULL;
		return rc;
	}
	return 0;
}

/* worker_db_failed: after a failed call: drop a connection that is gone. */
static void
worker_db_failed(struct worker *w)
{
	if (w->db != NULL && PQstatus(db_conn(w->db)) == CONNECTION_BAD) {
		db_close(w->db);
		w->db = NULL;
	}
}

/* worker_flush: record results r[0..n); say what failed for good and
 * what another worker took over. */
static int
worker_flush(struct worker *w, struct db_job_result *r, const struct db_job *jobs, size_t n,
    struct err *e)
{
	struct db_job_backoff b = { w->o.retry_base_ms, w->o.retry_max_ms };
	int rc;

	if ((rc = db_job_finish(w->db, r, n, &b, e)) != 0)
		return rc;
	for (size_t i = 0; i < n && !w->o.quiet; i++) {
		if (!r[i].applied)
			worker_say(w, "job %lld (%s): lost its lease; another run records it", r[i].id,
			    jobs[i].kind);
		else if (strcmp(r[i].status, "failed") == 0)
			worker_say(w, "job %lld (%s) failed after %d attempt%s: %s", r[i].id, jobs[i].kind,
			    jobs[i].attempt, jobs[i].attempt == 1 ? "" : "s", r[i].message);
	}
	return 0;
}

/* worker_batch: run the claimed jobs b in order, renewing the leases and
 * writing results as it goes; on a stop, hand back what did not start. */
static int
worker_batch(struct worker *w, struct db_job_batch *b, struct err *e)
{
	struct db_job_result *res = xcalloc(b->n, sizeof(*res));
	int *held = xcalloc(b->n, sizeof(*held));
	int64_t last_beat = worker_now_ms(), last_flush = last_beat;
	size_t done = 0, flushed = 0, i;
	int rc = 0;

	for (i = 0; i < b->n; i++)
		held[i] = 1;
	for (i = 0; i < b->n && rc == 0; i++) {
		if (w->stopping)
			break;
		if (worker_now_ms() - last_beat >= DB_JOB_LEASE_S * 1000 / 3) {
			rc = db_job_heartbeat(w->db, b->v + flushed, b->n - flushed, DB_JOB_LEASE_S,
			    held + flushed, e);
			last_beat = worker_now_ms();
			if (rc != 0)
				break;
		}
		if (!held[i]) {
			/* taken over: that run's result is the one that counts */
			res[i].id = b->v[i].id;
			res[i].token = b->v[i].token;
			continue;
		}
		worker_run_one(w, &b->v[i], &res[i]);
		done = i + 1;
		if (worker_now_ms() - last_flush >= WORKER_FLUSH_MS) {
			rc = worker_flush(w, res + flushed, b->v + flushed, done - flushed, e);
			flushed = done;
			last_flush = worker_now_ms();
		}
	}
	if (rc == 0 && done > flushed)
		rc = worker_flush(w, res + flushed, b->v + flushed, done - flushed, e);
	/* a stop: what was claimed and not started goes back at once */
	if (rc == 0 && i < b->n)
		rc = db_job_release(w->db, b->v + i, b->n - i, NULL, e);
	free(res);
	free(held);
	return rc;
}

int
worker_step(struct worker *w, int *claimed, struct err *e)
{
	struct db_job_batch b;
	int rc;

	if (claimed)
		*claimed = 0;
	if ((rc = worker_connect(w, e)) != 0)
		return rc;
	if ((rc = db_job_claim(w->db, w->name, WORKER_BATCH, DB_JOB_LEASE_S, &b, e)) == 0) {
		if (claimed)
			*claimed = (int)b.n;
		rc = worker_batch(w, &b, e);
		db_job_batch_free(&b);
	}
	if (rc != 0)
		worker_db_failed(w);
	return rc;
}

int
worker_sweep(struct worker *w, struct err *e)
{
	struct db_job_sweep s;
	int rc;

	if ((rc = worker_connect(w, e)) != 0)
		return rc;
	if ((rc = db_job_periodic(w->db, &s, e)) != 0) {
		worker_db_failed(w);
		return rc;
	}
	if (s.completed > 0)
		worker_say(w, "%d booking%s completed (the session ended)", s.completed,
		    s.completed == 1 ? "" : "s");
	if (w->stripe != NULL) {
		int balances, checks, lapsed;
		if ((rc = db_pay_sweep(w->db, DB_JOB_PERIODIC_LIMIT, &balances, &checks, e)) != 0 ||
		    (rc = db_pay_expire(w->db, DB_JOB_PERIODIC_LIMIT, (int64_t)time(NULL), &lapsed,
		    e)) != 0) {
			worker_db_failed(w);
			return rc;
		}
		if (lapsed > 0)
			worker_say(w, "%d booking%s canceled (the deposit was not authorized in time)",
			    lapsed, lapsed == 1 ? "" : "s");
	}
	return 0;
}

/* worker_wait: sleep until a job is queued, a stop, or ms pass. */
static void
worker_wait(struct worker *w, int ms)
{
	PGconn *conn = w->db ? db_conn(w->db) : NULL;
	struct pollfd fds[2] = { { w->pipe[0], POLLIN, 0 }, { -1, POLLIN, 0 } };
	PGnotify *n;
	int got = 0;
	char buf[64];

	if (conn != NULL) {
		/* a notice read during the last query is waiting in libpq */
		while ((n = PQnotifies(conn)) != NULL) {
			PQfreemem(n);
			got = 1;
		}
		if (got)
			return;
		fds[1].fd = PQsocket(conn);
	}
	if (ms < 0)
		ms = 0;
	if (poll(fds, 2, ms) <= 0)
		return;
	while (read(w->pipe[0], buf, sizeof(buf)) > 0)
		;
	if (conn != NULL && (fds[1].revents & (POLLIN | POLLERR | POLLHUP))) {
		if (!PQconsumeInput(conn))
			worker_db_failed(w);
		else
			while ((n = PQnotifies(conn)) != NULL)
				PQfreemem(n);
	}
}

int
worker_run(struct worker *w)
{
	struct err e;
	int claimed, rc;

	w->next_sweep_ms = worker_now_ms();
	while (!w->stopping) {
		err_clear(&e);
		if ((rc = worker_connect(w, &e)) != 0) {
			if (!w->db_down)
				worker_say(w, "%s; trying again every %d ms", e.msg, WORKER_POLL_MS);
			w->db_down = 1;
			worker_wait(w, WORKER_POLL_MS);
			continue;
		}
		if (w->db_down)
			worker_say(w, "connected to the database again");
		w->db_down = 0;
		if (worker_now_ms() >= w->next_sweep_ms) {
			if (worker_sweep(w, &e) != 0)
				worker_say(w, "the sweep failed: %s", e.msg);
			w->next_sweep_ms = worker_now_ms() + (int64_t)w->o.sweep_s * 1000;
		}
		if ((rc = worker_step(w, &claimed, &e)) != 0) {
			worker_say(w, "%s", e.msg);
			worker_wait(w, WORKER_POLL_MS);
			continue;
		}
		/* a full batch: more may be due already */
		if (claimed == WORKER_BATCH)
			continue;
		int64_t until_sweep = w->next_sweep_ms - worker_now_ms();
		worker_wait(w, until_sweep < WORKER_POLL_MS ? (int)until_sweep : WORKER_POLL_MS);
	}
	return 0;
}

static void *
worker_thread(void *arg)
{
	worker_run(arg);
	return NULL;
}

int
worker_start(struct worker *w, struct err *e)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->thread, NULL, worker_thread, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return err_set(e, ERR_IO, NULL, "cannot start the worker thread: %s", strerror(rc));
	w->started = 1;
	return 0;
}

void
worker_join(struct worker *w)
{
	if (w == NULL || !w->started)
		return;
	pthread_join(w->thread, NULL);
	w->started = 0;
}
