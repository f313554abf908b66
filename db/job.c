#include "db/job.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bstate.h"
#include "core/xalloc.h"
#include "db/booking.h"

#define DB_JOB_STR(x) #x
#define DB_JOB_XSTR(x) DB_JOB_STR(x)
#define DB_JOB_UTC(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

const char DB_JOB_LIST_JSON_SQL[] =
    "SELECT json_build_object("
    " 'counts', (SELECT json_build_object("
    "   'queued', count(*) FILTER (WHERE c.status = 'queued'),"
    "   'running', count(*) FILTER (WHERE c.status = 'running'),"
    "   'failed', count(*) FILTER (WHERE c.status = 'failed'),"
    "   'skipped', count(*) FILTER (WHERE c.status = 'skipped'),"
    "   'done', count(*) FILTER (WHERE c.status = 'done'),"
    "   'canceled', count(*) FILTER (WHERE c.status = 'canceled')) FROM job c),"
    " 'jobs', coalesce(json_agg(json_build_object('id', x.id, 'kind', x.kind, 'status', x.status,"
    "   'attempts', x.attempts, 'max_attempts', x.max_attempts, 'booking_code', b.code,"
    "   'payload', x.payload, 'run_at', " DB_JOB_UTC("x.run_at") ","
    "   'created_at', " DB_JOB_UTC("x.created_at") ", 'finished_at', " DB_JOB_UTC("x.finished_at") ","
    "   'worker', x.worker, 'last_error', x.last_error, 'reason', x.reason)"
    "   ORDER BY x.status <> 'failed', x.id DESC), '[]'))::text"
    " FROM (SELECT * FROM job j WHERE $1::text IS NULL OR j.status = $1::text"
    "   ORDER BY j.status <> 'failed', j.id DESC LIMIT " DB_JOB_XSTR(DB_JOB_LIST_MAX) ") x"
    " LEFT JOIN booking b ON b.id = CASE WHEN x.payload->>'booking_id'"
    "   ~ '^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$'"
    "   THEN (x.payload->>'booking_id')::uuid END";


/* ---- the worker's half ---- */

int
db_job_claim(struct db *db, const char *worker, int limit, int lease_s,
    struct db_job_batch *out, struct err *e)
{
	char lim[16], lease[16];
	const char *params[3] = { worker, lim, lease };
	PGresult *res;
	int rc, n;

	memset(out, 0, sizeof(*out));
	snprintf(lim, sizeof(lim), "%d", limit);
	snprintf(lease, sizeof(lease), "%d", lease_s);
	rc = db_exec_stmt(db, "job_claim", "SELECT id, kind, payload::text, attempt, max_attempts, lease_token"
	    " FROM job_claim($1, $2::int, $3::int)", 3, params, &res, e);
	if (rc != 0)
		return rc;
	n = PQntuples(res);
	out->v = n > 0 ? xcalloc((size_t)n, sizeof(*out->v)) : NULL;
	for (int i = 0; i < n; i++) {
		struct db_job *j = &out->v[i];
		j->id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		snprintf(j->kind, sizeof(j->kind), "%s", PQgetvalue(res, i, 1));
		j->payload = xstrdup(PQgetvalue(res, i, 2));
		j->attempt = atoi(PQgetvalue(res, i, 3));
		j->max_attempts = atoi(PQgetvalue(res, i, 4));
		j->token = strtoll(PQgetvalue(res, i, 5), NULL, 10);
	}
	out->n = (size_t)n;
	PQclear(res);
	return 0;
}

void
db_job_batch_free(struct db_job_batch *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->n; i++)
		free(b->v[i].payload);
	free(b->v);
	b->v = NULL;
	b->n = 0;
}

/* db_job_held_json: [{id, token}] of jobs[0..n), the caller's (free()). */
static char *
db_job_held_json(const struct db_job *jobs, size_t n)
{
	struct json_object *a = json_object_new_array();
	char *s;

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_int64(jobs[i].id));
		json_object_object_add(o, "token", json_object_new_int64(jobs[i].token));
		json_object_array_add(a, o);
	}
	s = xstrdup(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
	json_object_put(a);
	return s;
}

int
db_job_heartbeat(struct db *db, const struct db_job *jobs, size_t n, int lease_s,
    int *held, struct err *e)
{
	char lease[16], *json;
	PGresult *res;
	int rc;

	if (n == 0)
		return 0;
	json = db_job_held_json(jobs, n);
	snprintf(lease, sizeof(lease), "%d", lease_s);
	const char *params[2] = { json, lease };
	rc = db_exec(db, "SELECT job_heartbeat($1::jsonb, $2::int)", 2, params, &res, e);
	free(json);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		held[i] = 0;
		for (int r = 0; r < PQntuples(res); r++)
			if (strtoll(PQgetvalue(res, r, 0), NULL, 10) == jobs[i].token)
				held[i] = 1;
	}
	PQclear(res);
	return 0;
}

int
db_job_finish(struct db *db, struct db_job_result *r, size_t n,
    const struct db_job_backoff *b, struct err *e)
{
	static const char *const outcomes[] = {
		[DB_JOB_DONE] = "done", [DB_JOB_SKIPPED] = "skipped",
		[DB_JOB_RETRY] = "retry", [DB_JOB_FAIL] = "fail",
	};
	struct json_object *a = json_object_new_array();
	char base[16], max[16], *json;
	PGresult *res;
	int rc;

	if (n == 0) {
		json_object_put(a);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_int64(r[i].id));
		json_object_object_add(o, "token", json_object_new_int64(r[i].token));
		json_object_object_add(o, "outcome", json_object_new_string(outcomes[r[i].outcome]));
		json_object_object_add(o, "message", r[i].message[0] ?
		    json_object_new_string(r[i].message) : NULL);
		json_object_array_add(a, o);
		r[i].applied = 0;
		r[i].status[0] = '\0';
	}
	json = xstrdup(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
	json_object_put(a);
	snprintf(base, sizeof(base), "%d", b->base_ms);
	snprintf(max, sizeof(max), "%d", b->max_ms);
	const char *params[3] = { json, base, max };
	rc = db_exec_stmt(db, "job_finish", "SELECT id, status FROM job_finish($1::jsonb, $2::int, $3::int)", 3,
	    params, &res, e);
	free(json);
	if (rc != 0)
		return rc;
	for (int row = 0; row < PQntuples(res); row++) {
		long long id = strtoll(PQgetvalue(res, row, 0), NULL, 10);
		for (size_t i = 0; i < n; i++) {
			if (r[i].id != id)
				continue;
			r[i].applied = 1;
			snprintf(r[i].status, sizeof(r[i].status), "%s", PQgetvalue(res, row, 1));
		}
	}
	PQclear(res);
	return 0;
}

int
db_job_release(struct db *db, const struct db_job *jobs, size_t n, int *released,
    struct err *e)
{
	PGresult *res;
	char *json;
	int rc;

	if (released)
		*released = 0;
	if (n == 0)
		return 0;
	json = db_job_held_json(jobs, n);
	const char *params[1] = { json };
	rc = db_exec(db, "SELECT job_release($1::jsonb)", 1, params, &res, e);
	free(json);
	if (rc != 0)
		return rc;
	if (released)
		*released = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int
db_job_periodic(struct db *db, struct db_job_sweep *out, struct err *e)
{
	char effects[DB_EFFECTS_SIZE], keep[32], idem[32], lim[16];
	PGresult *res;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = db_booking_effects(booking_status_name(BOOKING_CONFIRMED), BOOKING_EV_COMPLETE, effects,
	    sizeof(effects), e)) != 0)
		return rc;
	snprintf(keep, sizeof(keep), "%d days", DB_JOB_KEEP_DAYS);
	snprintf(idem, sizeof(idem), "%d hours", DB_JOB_IDEM_KEEP_HOURS);
	snprintf(lim, sizeof(lim), "%d", DB_JOB_PERIODIC_LIMIT);
	const char *params[4] = { effects, keep, idem, lim };
	rc = db_exec(db, "SELECT * FROM job_periodic($1::text[], $2::interval, $3::interval, $4::int)",
	    4, params, &res, e);
	if (rc != 0)
		return rc;
	if (PQntuples(res) == 1) {
		out->ran = 1;
		out->completed = atoi(PQgetvalue(res, 0, 0));
		out->expired = atoi(PQgetvalue(res, 0, 1));
		out->jobs_pruned = atoi(PQgetvalue(res, 0, 2));
		out->keys_pruned = atoi(PQgetvalue(res, 0, 3));
	}
	PQclear(res);
	return 0;
}

/* ---- staff ---- */

const char DB_JOB_FAILED_COUNT_SQL[] = "SELECT count(*) FROM job WHERE status = 'failed'";

int
db_job_failed_count(struct db *db, long *n, struct err *e)
{
	PGresult *res;
	int rc = db_exec(db, DB_JOB_FAILED_COUNT_SQL, 0, NULL, &res, e);

	if (rc != 0)
		return rc;
	rc = db_job_failed_recv(res, n, e);
	PQclear(res);
	return rc;
}

int
db_job_failed_recv(const PGresult *res, long *n, struct err *e)
{
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return db_result_err(res, e);
	if (PQntuples(res) != 1)
		return err_set(e, ERR_INTERNAL, NULL, "the failed jobs' count gave no row");
	*n = atol(PQgetvalue(res, 0, 0));
	return 0;
}

int
db_job_parse_id(const char *s, long long *id, struct err *e)
{
	char *end;
	long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return err_set(e, ERR_INVALID, "id", "a job id is a number, as `redlight jobs` shows it");
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v <= 0)
		return err_set(e, ERR_INVALID, "id", "a job id is a number, as `redlight jobs` shows it");
	*id = v;
	return 0;
}

static int
db_job_staff_change(struct db *db, const struct db_actor *actor, long long id,
    const char *action, char *status, struct err *e)
{
	char ids[24];
	PGresult *res;
	int rc;

	snprintf(ids, sizeof(ids), "%lld", id);
	const char *params[3] = { ids, actor->id, action };
	rc = db_exec(db, "SELECT job_staff_change($1::bigint, $2::uuid, $3)", 3, params, &res, e);
	if (rc != 0)
		return rc;
	if (status != NULL)
		snprintf(status, 16, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int
db_job_retry(struct db *db, const struct db_actor *actor, long long id, char *status,
    struct err *e)
{
	return db_job_staff_change(db, actor, id, "retry", status, e);
}

int
db_job_cancel(struct db *db, const struct db_actor *actor, long long id, char *status,
    struct err *e)
{
	return db_job_staff_change(db, actor, id, "cancel", status, e);
}
