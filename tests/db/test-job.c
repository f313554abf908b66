/* The job table and the worker's runtime against the real database: claim,
 * lease and fencing, backoff, skip, unknown kinds, timeouts, hand-back, the
 * staff's retry and cancel, and the periodic sweeps. Runs in dbtest after
 * the db suite (test-db.c), on the same database. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/job.h"
#include "web/worker.h"

#define ADMIN "00000000-0000-4000-8000-000000000001"
#define ARTIST_ID "00000000-0000-4000-8000-000000000005"
#define ROOM_C "00000000-0000-4000-8000-0000000000a3"

static struct db *jdb;

static int
job_suite_open(void)
{
	struct err e;

	if (db_open(getenv("TEST_DATABASE_URL"), &jdb, &e) != 0) {
		fprintf(stderr, "# %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int
job_suite_close(void)
{
	db_close(jdb);
	return 0;
}

/* q: the first column of the first row of sql as text ("" when none). */
static const char *
q(const char *sql)
{
	static char buf[512];
	PGresult *res;
	struct err e;

	buf[0] = '\0';
	if (db_exec(jdb, sql, 0, NULL, &res, &e) != 0) {
		fprintf(stderr, "# %s: %s\n", sql, e.msg);
		return "(error)";
	}
	if (PQntuples(res) > 0)
		snprintf(buf, sizeof(buf), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return buf;
}

/* fresh: an empty job table and one job of kind with payload; its id. */
static long long
fresh(const char *kind, const char *payload)
{
	char sql[512];

	q("DELETE FROM job");
	snprintf(sql, sizeof(sql), "INSERT INTO job (kind, payload) VALUES ('%s', '%s') RETURNING id",
	    kind, payload);
	return atoll(q(sql));
}

static struct worker *
new_worker(int timeout_ms)
{
	struct worker_opts o = {
		.conninfo = getenv("TEST_DATABASE_URL"), .role = "test", .timeout_ms = timeout_ms,
		.retry_base_ms = 60000, .retry_max_ms = 600000, .quiet = 1,
	};
	struct worker *w = NULL;
	struct err e;

	CU_ASSERT_EQUAL_FATAL(worker_new(&o, &w, &e), 0);
	return w;
}

static void
test_a_claim_takes_due_jobs_once_and_records_the_attempt(void)
{
	struct db_job_batch a, b;
	struct err e;

	fresh("noop", "{}");
	q("INSERT INTO job (kind, run_at) VALUES ('noop', now() + interval '1 hour')");
	CU_ASSERT_EQUAL_FATAL(db_job_claim(jdb, "w1", 10, 20, &a, &e), 0);
	CU_ASSERT_EQUAL(a.n, 1);           /* the later one is not due */
	CU_ASSERT_EQUAL_FATAL(db_job_claim(jdb, "w2", 10, 20, &b, &e), 0);
	CU_ASSERT_EQUAL(b.n, 0);           /* leased: nobody else gets it */
	CU_ASSERT_STRING_EQUAL(q("SELECT status || ' ' || attempts || ' ' || worker FROM job WHERE status <> 'queued'"),
	    "running 1 w1");
	CU_ASSERT_STRING_EQUAL(q("SELECT attempt || ' ' || worker || ' ' || (outcome IS NULL) FROM job_attempt"),
	    "1 w1 true");
	db_job_batch_free(&a);
	db_job_batch_free(&b);
}

static void
test_a_lost_lease_is_claimed_again_and_the_old_run_is_fenced_out(void)
{
	struct db_job_batch a, b;
	struct db_job_result ra = { 0 }, rb = { 0 };
	struct db_job_backoff bo = { 1000, 60000 };
	int held = -1;
	struct err e;

	long long id = fresh("noop", "{}");
	CU_ASSERT_EQUAL_FATAL(db_job_claim(jdb, "w1", 10, 20, &a, &e), 0);
	CU_ASSERT_EQUAL_FATAL(a.n, 1);
	CU_ASSERT_EQUAL(db_job_heartbeat(jdb, a.v, 1, 20, &held, &e), 0);
	CU_ASSERT_EQUAL(held, 1);
	/* w1 stops renewing: its lease runs out */
	q("UPDATE job SET lease_expires_at = clock_timestamp() - interval '1 second'");
	CU_ASSERT_EQUAL_FATAL(db_job_claim(jdb, "w2", 10, 20, &b, &e), 0);
	CU_ASSERT_EQUAL_FATAL(b.n, 1);
	CU_ASSERT_EQUAL(b.v[0].id, id);
	CU_ASSERT(b.v[0].token > a.v[0].token);
	CU_ASSERT_EQUAL(b.v[0].attempt, 2);
	CU_ASSERT_EQUAL(db_job_heartbeat(jdb, a.v, 1, 20, &held, &e), 0);
	CU_ASSERT_EQUAL(held, 0);
	/* w1 comes back and says done: it no longer counts */
	ra.id = id, ra.token = a.v[0].token, ra.outcome = DB_JOB_DONE;
	CU_ASSERT_EQUAL(db_job_finish(jdb, &ra, 1, &bo, &e), 0);
	CU_ASSERT_EQUAL(ra.applied, 0);
	CU_ASSERT_STRING_EQUAL(q("SELECT status || ' ' || worker FROM job"), "running w2");
	rb.id = id, rb.token = b.v[0].token, rb.outcome = DB_JOB_DONE;
	CU_ASSERT_EQUAL(db_job_finish(jdb, &rb, 1, &bo, &e), 0);
	CU_ASSERT_EQUAL(rb.applied, 1);
	CU_ASSERT_STRING_EQUAL(rb.status, "done");
	CU_ASSERT_STRING_EQUAL(q("SELECT string_agg(attempt || ':' || worker || ':' || outcome, ' ' ORDER BY attempt) FROM job_attempt"),
	    "1:w1:lost 2:w2:done");
	db_job_batch_free(&a);
	db_job_batch_free(&b);
}

static void
test_a_failed_attempt_backs_off_and_the_last_one_fails_the_job(void)
{
	struct db_job_batch a;
	struct db_job_result r = { 0 };
	struct db_job_backoff bo = { 10000, 600000 };
	struct err e;

	long long id = fresh("noop", "{}");
	q("UPDATE job SET max_attempts = 2");
	CU_ASSERT_EQUAL_FATAL(db_job_claim(jdb, "w1", 10, 20, &a, &e), 0);
	r.id = id, r.token = a.v[0].token, r.outcome = DB_JOB_RETRY;
	snprintf(r.message, sizeof(r.message), "the server said 503");
	CU_ASSERT_EQUAL(db_job_finish(jdb, &r, 1, &bo, &e), 0);
	CU_ASSERT_STRING_EQUAL(r.status, "queued");
	/* about 10 s: between half and all of it (jitter) */
	CU_ASSERT_STRING_EQUAL(q("SELECT run_at - clock_timestamp() BETWEEN interval '4 s' AND interval '10 s' FROM job"), "t");
	CU_ASSERT_STRING_EQUAL(q("SELECT last_error FROM job"), "the server said 503");
	db_job_batch_free(&a);
	q("UPDATE job SET run_at = now()");
	CU_ASSERT_EQUAL_FATAL(db_job_claim(jdb, "w1", 10, 20, &a, &e), 0);
	CU_ASSERT_EQUAL_FATAL(a.n, 1);
	r.token = a.v[0].token;
	CU_ASSERT_EQUAL(db_job_finish(jdb, &r, 1, &bo, &e), 0);
	CU_ASSERT_STRING_EQUAL(r.status, "failed");
	CU_ASSERT_STRING_EQUAL(q("SELECT count(*) FILTER (WHERE outcome = 'failed') || '/' || count(*) FROM job_attempt"), "2/2");
	db_job_batch_free(&a);
	/* the backoff doubles and stops at its ceiling */
	CU_ASSERT_STRING_EQUAL(q("SELECT job_backoff(3, 1000, 600000) BETWEEN interval '2 s' AND interval '4 s'"
	    " AND job_backoff(30, 1000, 5000) <= interval '5 s'"), "t");
}

static void
test_the_worker_skips_an_unconfigured_integration_and_fails_an_unknown_kind(void)
{
	struct worker *w = new_worker(0);
	int claimed = 0;
	struct err e;

	fresh("email_approved", "{\"booking_id\": \"x\"}");
	q("INSERT INTO job (kind) VALUES ('no_such_kind'), ('capture_payment'), ('calendar_sync'), ('noop')");
	CU_ASSERT_EQUAL(worker_step(w, &claimed, &e), 0);
	CU_ASSERT_EQUAL(claimed, 5);
	CU_ASSERT_STRING_EQUAL(q("SELECT status || ': ' || reason FROM job WHERE kind = 'email_approved'"),
	    "skipped: email is not configured (no SMTP server in redlight.conf)");
	CU_ASSERT_STRING_EQUAL(q("SELECT status || ': ' || (reason LIKE 'payments are not configured (%') FROM job WHERE kind = 'capture_payment'"),
	    "skipped: true");
	CU_ASSERT_STRING_EQUAL(q("SELECT status || ': ' || (reason LIKE 'calendars are not configured (%') FROM job WHERE kind = 'calendar_sync'"),
	    "skipped: true");
	/* unknown: failed at once, loudly, no retries */
	CU_ASSERT_STRING_EQUAL(q("SELECT status || ' ' || attempts || ': ' || last_error FROM job WHERE kind = 'no_such_kind'"),
	    "failed 1: unknown job kind no_such_kind");
	CU_ASSERT_STRING_EQUAL(q("SELECT status FROM job WHERE kind = 'noop'"), "done");
	CU_ASSERT_STRING_EQUAL(q("SELECT count(*) FROM job_attempt WHERE finished_at IS NULL"), "0");
	worker_free(w);
}

static void
test_a_job_that_overruns_its_timeout_is_a_failed_attempt(void)
{
	struct worker *w = new_worker(50);
	struct err e;

	fresh("flaky", "{\"fail_pct\": 0, \"sleep_ms\": 120}");
	CU_ASSERT_EQUAL(worker_step(w, NULL, &e), 0);
	CU_ASSERT_STRING_EQUAL(q("SELECT status || ': ' || last_error FROM job"), "queued: timed out after 50 ms");
	CU_ASSERT_STRING_EQUAL(q("SELECT outcome FROM job_attempt"), "failed");
	worker_free(w);
}

static void
test_a_stopping_worker_hands_back_what_it_did_not_start(void)
{
	struct worker *w = new_worker(0);
	int claimed = 0;
	struct err e;

	fresh("noop", "{}");
	q("INSERT INTO job (kind) SELECT 'noop' FROM generate_series(1, 4)");
	worker_stop(w);
	CU_ASSERT_EQUAL(worker_step(w, &claimed, &e), 0);
	CU_ASSERT_EQUAL(claimed, 5);
	CU_ASSERT_STRING_EQUAL(q("SELECT count(*) || ' ' || sum(attempts) FROM job WHERE status = 'queued' AND run_at <= now()"),
	    "5 0");
	CU_ASSERT_STRING_EQUAL(q("SELECT count(*) FROM job_attempt"), "0");
	worker_free(w);
}

static void
test_staff_retry_a_failed_job_and_cancel_a_queued_one(void)
{
	struct db_actor admin = { .id = ADMIN }, artist = { .id = ARTIST_ID };
	char status[16];
	long long id = fresh("noop", "{}");
	long n = -1;
	struct err e;

	q("UPDATE job SET status = 'failed', attempts = 8, last_error = 'x'");
	CU_ASSERT_EQUAL(db_job_failed_count(jdb, &n, &e), 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(db_job_retry(jdb, &artist, id, status, &e), ERR_FORBIDDEN);
	CU_ASSERT_EQUAL(db_job_retry(jdb, &admin, id, status, &e), 0);
	CU_ASSERT_STRING_EQUAL(status, "queued");
	CU_ASSERT_STRING_EQUAL(q("SELECT max_attempts - attempts FROM job"), "8");
	CU_ASSERT_STRING_EQUAL(q("SELECT (SELECT action || ' ' || entity_id FROM audit_log ORDER BY id DESC LIMIT 1)"
	    " = 'job_retry ' || (SELECT id FROM job)"), "t");
	CU_ASSERT_EQUAL(db_job_retry(jdb, &admin, id, status, &e), ERR_CHANGED);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "is queued"));
	CU_ASSERT_EQUAL(db_job_cancel(jdb, &admin, id, status, &e), 0);
	CU_ASSERT_STRING_EQUAL(q("SELECT status || ': ' || reason FROM job"), "canceled: canceled by Dana Admin");
	CU_ASSERT_EQUAL(db_job_cancel(jdb, &admin, id, status, &e), ERR_CHANGED);
	CU_ASSERT_EQUAL(db_job_cancel(jdb, &admin, id + 1000, status, &e), ERR_NOT_FOUND);
	long long parsed = 0;
	CU_ASSERT_EQUAL(db_job_parse_id("12x", &parsed, &e), ERR_INVALID);
	CU_ASSERT_EQUAL(db_job_parse_id("12", &parsed, &e), 0);
	CU_ASSERT_EQUAL(parsed, 12);
}

static void
test_the_sweep_completes_ended_sessions_and_expires_old_holds(void)
{
	struct worker *w = new_worker(0);
	struct db_job_sweep s;
	struct err e;

	fresh("noop", "{}");
	/* a first sweep takes what the demo seed left to sweep (RL-DEMO-01,
	 * today 14:00 to 16:00 Toronto time, has ended from 16:00), so that
	 * the counts below are this test's rows' alone at any hour */
	CU_ASSERT_EQUAL_FATAL(db_job_periodic(jdb, &s, &e), 0);
	q("INSERT INTO booking (code, user_id, room_id, status, start_at, end_at, blocked)"
	  " VALUES ('RL-SWEEP01', '" ARTIST_ID "', '" ROOM_C "', 'confirmed',"
	  " '2020-01-01T15:00:00Z', '2020-01-01T17:00:00Z', tstzrange('2020-01-01T15:00:00Z', '2020-01-01T17:00:00Z')),"
	  " ('RL-SWEEP02', '" ARTIST_ID "', '" ROOM_C "', 'confirmed',"
	  " '2039-01-01T15:00:00Z', '2039-01-01T17:00:00Z', tstzrange('2039-01-01T15:00:00Z', '2039-01-01T17:00:00Z'))");
	q("INSERT INTO hold (room_id, start_at, end_at, blocked, expires_at, token) VALUES"
	  " ('" ROOM_C "', '2039-02-01T15:00:00Z', '2039-02-01T16:00:00Z',"
	  "  tstzrange('2039-02-01T15:00:00Z', '2039-02-01T16:00:00Z'), now() - interval '1 minute', 'sweep-a'),"
	  " ('" ROOM_C "', '2039-02-01T17:00:00Z', '2039-02-01T18:00:00Z',"
	  "  tstzrange('2039-02-01T17:00:00Z', '2039-02-01T18:00:00Z'), now() + interval '1 hour', 'sweep-b')");
	q("INSERT INTO job (kind, status, finished_at) VALUES ('noop', 'done', now() - interval '15 days'),"
	  " ('noop', 'skipped', now() - interval '1 day')");
	/* every key has its answer (0011: stored in the change's transaction) */
	q("INSERT INTO idempotency_key (key, scope, request_hash, status_code, response_body, created_at) VALUES"
	  " ('old', 'test', '\\x00', 201, '{}', now() - interval '3 days'), ('new', 'test', '\\x00', 201, '{}', now())");
	CU_ASSERT_EQUAL_FATAL(db_job_periodic(jdb, &s, &e), 0);
	CU_ASSERT_EQUAL(s.ran, 1);
	CU_ASSERT_EQUAL(s.completed, 1);
	CU_ASSERT_EQUAL(s.expired, 1);
	CU_ASSERT_EQUAL(s.jobs_pruned, 1);
	CU_ASSERT_EQUAL(s.keys_pruned, 1);
	CU_ASSERT_STRING_EQUAL(q("SELECT string_agg(code || ' ' || status, ', ' ORDER BY code) FROM booking WHERE code LIKE 'RL-SWEEP%'"),
	    "RL-SWEEP01 completed, RL-SWEEP02 confirmed");
	/* as the system: no actor; complete has no effects in the state table */
	CU_ASSERT_STRING_EQUAL(q("SELECT (actor_user_id IS NULL) || ' ' || (diff_json->>'by') FROM audit_log"
	    " WHERE action = 'complete' AND diff_json->>'code' = 'RL-SWEEP01'"), "true system");
	CU_ASSERT_STRING_EQUAL(q("SELECT count(*) FROM job WHERE payload->>'code' = 'RL-SWEEP01'"), "0");
	CU_ASSERT_STRING_EQUAL(q("SELECT string_agg(token || ' ' || status, ', ' ORDER BY token) FROM hold WHERE token LIKE 'sweep-%'"),
	    "sweep-a expired, sweep-b active");
	CU_ASSERT_STRING_EQUAL(q("SELECT string_agg(key, ',') FROM idempotency_key WHERE scope = 'test'"), "new");
	/* the worker's own sweep: nothing left to do, and it says so by doing nothing */
	CU_ASSERT_EQUAL(worker_sweep(w, &e), 0);
	CU_ASSERT_STRING_EQUAL(q("SELECT count(*) FROM booking WHERE code LIKE 'RL-SWEEP%' AND status = 'completed'"), "1");
	worker_free(w);
}

void test_job_suite_add(void);

void
test_job_suite_add(void)
{
	CU_pSuite s = CU_add_suite("job", job_suite_open, job_suite_close);

	CU_add_test(s, "a claim takes due jobs once and records the attempt", test_a_claim_takes_due_jobs_once_and_records_the_attempt);
	CU_add_test(s, "a lost lease is claimed again and the old run is fenced out", test_a_lost_lease_is_claimed_again_and_the_old_run_is_fenced_out);
	CU_add_test(s, "a failed attempt backs off and the last one fails the job", test_a_failed_attempt_backs_off_and_the_last_one_fails_the_job);
	CU_add_test(s, "the worker skips an unconfigured integration and fails an unknown kind", test_the_worker_skips_an_unconfigured_integration_and_fails_an_unknown_kind);
	CU_add_test(s, "a job that overruns its timeout is a failed attempt", test_a_job_that_overruns_its_timeout_is_a_failed_attempt);
	CU_add_test(s, "a stopping worker hands back what it did not start", test_a_stopping_worker_hands_back_what_it_did_not_start);
	CU_add_test(s, "staff retry a failed job and cancel a queued one", test_staff_retry_a_failed_job_and_cancel_a_queued_one);
	CU_add_test(s, "the sweep completes ended sessions and expires old holds", test_the_sweep_completes_ended_sessions_and_expires_old_holds);
}
