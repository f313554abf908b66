/* job.h: the job table (the outbox) for the workers that run it and the
 * staff who look after it. The table is db/migrations/0010_jobs.sql, its
 * functions db/functions/jobs.sql; the
 * runtime that calls the worker half is web/worker.c.
 *
 * A worker claims due jobs in batches (db_job_claim), each with a lease
 * named by a fencing token; keeps the leases alive while it works
 * (db_job_heartbeat); records each run (db_job_finish), which only counts
 * while the token is still the job's; and hands back what it never started
 * when it stops (db_job_release). db_job_periodic is the sweeps any worker
 * runs now and then. Staff list, retry and cancel jobs (db_job_retry,
 * db_job_cancel), as an audited action. */
#ifndef REDLIGHT_DB_JOB_H
#define REDLIGHT_DB_JOB_H

#include <stddef.h>

#include "core/err.h"
#include "db/db.h"

/* How long a claim lasts without a heartbeat, in seconds: a job whose
 * worker died is claimable again this long after the last heartbeat. */
#define DB_JOB_LEASE_S 20
/* Done, skipped and canceled jobs (and their attempts) are kept this many
 * days, for the console and `redlight jobs`; failed ones until staff
 * retry or cancel them. */
#define DB_JOB_KEEP_DAYS 14
/* Idempotency keys are kept this many hours: redlightd honours a key for
 * 24 (IDEM_KEEP_HOURS in web/idem.h), so this must stay above that. */
#define DB_JOB_IDEM_KEEP_HOURS 48
/* The most rows one sweep touches of each kind. */
#define DB_JOB_PERIODIC_LIMIT 1000

/* One claimed job. payload is the job's own (JSON text). */
struct db_job {
	long long id;
	char kind[64];
	char *payload;
	int attempt;              /* 1 for the first run */
	int max_attempts;
	long long token;          /* the lease's fencing token */
};

struct db_job_batch {
	struct db_job *v;
	size_t n;
};

/* db_job_claim: claim up to limit due jobs for worker (a name such as
 * "redlightd@host:1234"), leased for lease_s seconds, into out (the
 * caller's: db_job_batch_free). Running jobs whose lease expired are taken
 * first; their lost attempt is recorded. Fails as db_exec (out is then
 * empty). */
int db_job_claim(struct db *db, const char *worker, int limit, int lease_s,
    struct db_job_batch *out, struct err *e);

/* db_job_batch_free: free what a claim filled; NULL or empty is a no-op. */
void db_job_batch_free(struct db_job_batch *b);

/* db_job_heartbeat: extend by lease_s the leases of jobs[0..n) still held
 * (by id and token). held[i] becomes 1 when job i's lease is still ours, 0
 * when it was taken over. Fails as db_exec (held untouched). */
int db_job_heartbeat(struct db *db, const struct db_job *jobs, size_t n, int lease_s,
    int *held, struct err *e);

/* What one run came to. */
enum db_job_outcome {
	DB_JOB_DONE,              /* it did what it was for */
	DB_JOB_SKIPPED,           /* it cannot run here (an integration is off): message says why */
	DB_JOB_RETRY,             /* it failed and may work later: backoff, then again */
	DB_JOB_FAIL,              /* it failed and will fail again: no more attempts */
};

struct db_job_result {
	long long id, token;      /* from the claim */
	enum db_job_outcome outcome;
	char message[256];        /* the error or the reason skipped; "" for done */
	/* filled by db_job_finish: */
	int applied;              /* 1: recorded; 0: the lease was taken over */
	char status[16];          /* the job's status now when applied */
};

/* Exponential backoff: the first retry waits about base_ms, each next one
 * twice as long, never more than max_ms; jitter takes each down to
 * between half and all of that. */
struct db_job_backoff {
	int base_ms;
	int max_ms;
};

/* db_job_finish: record results r[0..n) in one transaction, fenced by
 * their tokens; fills applied and status. Fails as db_exec (nothing is
 * recorded). */
int db_job_finish(struct db *db, struct db_job_result *r, size_t n,
    const struct db_job_backoff *b, struct err *e);

/* db_job_release: hand back jobs[0..n), claimed and never started: queued
 * again at once, the claim undone. *released (may be NULL) is how many
 * were still ours. Fails as db_exec. */
int db_job_release(struct db *db, const struct db_job *jobs, size_t n, int *released,
    struct err *e);

/* What one sweep did. */
struct db_job_sweep {
	int ran;                  /* 0: another worker was sweeping */
	int completed;            /* bookings completed */
	int expired;              /* holds marked expired */
	int jobs_pruned;
	int keys_pruned;
};

/* db_job_periodic: the sweeps (0010's job_periodic): confirmed bookings
 * whose session ended become completed through the state table's complete
 * transition, as the system (its effects enqueued); expired holds are
 * marked expired; finished jobs older than DB_JOB_KEEP_DAYS and
 * idempotency keys older than DB_JOB_IDEM_KEEP_HOURS are deleted. Safe to
 * run from many workers at once: one sweeps, the others get ran = 0. */
int db_job_periodic(struct db *db, struct db_job_sweep *out, struct err *e);

/* ---- staff ---- */

/* $1 text: "failed" for the failed jobs only, NULL for all:
 * {"counts":{"queued":N,"running":N,"failed":N,"skipped":N,"done":N,
 * "canceled":N}, "jobs":[{id, kind, status, attempts, max_attempts,
 * booking_code (or null), payload, run_at, created_at, finished_at,
 * worker, last_error, reason}]}: the newest DB_JOB_LIST_MAX jobs, failed
 * ones first, then the newest. */
extern const char DB_JOB_LIST_JSON_SQL[];
#define DB_JOB_LIST_MAX 500

/* db_job_failed_count: how many jobs are failed (every console's header):
 * DB_JOB_FAILED_COUNT_SQL's answer. db_job_failed_recv: that read's
 * result (sent without waiting) as the count. */
extern const char DB_JOB_FAILED_COUNT_SQL[];
int db_job_failed_count(struct db *db, long *n, struct err *e);
int db_job_failed_recv(const PGresult *res, long *n, struct err *e);

/* db_job_parse_id: a job id as typed ("42"); ERR_INVALID (field "id")
 * for anything but a positive number. Pure. */
int db_job_parse_id(const char *s, long long *id, struct err *e);

/* db_job_retry: actor (staff or admin) queues failed or skipped job id
 * again, now, with a fresh set of attempts; db_job_cancel: cancels a
 * queued or failed one. Both write an audit row. status (16 bytes, may be
 * NULL) receives the job's new status. ERR_NOT_FOUND for no such job,
 * ERR_CHANGED naming its status when it is in none of those, ERR_FORBIDDEN
 * for an artist. */
int db_job_retry(struct db *db, const struct db_actor *actor, long long id, char *status,
    struct err *e);
int db_job_cancel(struct db *db, const struct db_actor *actor, long long id, char *status,
    struct err *e);

#endif
