-- db/functions/jobs.sql
-- The job queue (the outbox): claim with SKIP LOCKED, heartbeat and
-- fencing, finish with backoff, release, periodic work, NOTIFY on new and
-- failed jobs (db/job.c, web/worker.c).
--
-- The current definition of every function of this family. Applied by
-- `redlight migrate` after the migrations whenever this text changes
-- (schema_function_family records its checksum). Change functions here,
-- never in a migration; tools/sql-families explains.

-- How many attempts a job gets (and a retried job gets again).
CREATE OR REPLACE FUNCTION public.job_max_attempts()
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE
AS $function$ SELECT 8 $function$;

-- A new job wakes an idle worker at once (one notice per statement).
CREATE OR REPLACE FUNCTION public.job_notify_queued()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  PERFORM pg_notify('job_queued', '');
  RETURN NULL;
END $function$;

-- A job failing (or leaving failed) changes the count every console
-- shows in its header; the notice names entity job, which redlightd's
-- listener passes over.
CREATE OR REPLACE FUNCTION public.job_notify_failed()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  PERFORM notify_change('job', NEW.id::text, NULL, NULL);
  RETURN NULL;
END $function$;

-- job_backoff: the wait before attempt p_attempt + 1: p_base_ms doubled
-- per attempt made, at most p_max_ms, then jittered to between half and
-- all of it, so jobs that failed together do not retry together.
CREATE OR REPLACE FUNCTION public.job_backoff(p_attempt integer, p_base_ms integer, p_max_ms integer)
 RETURNS interval
 LANGUAGE sql
AS $function$
  SELECT make_interval(secs => least(p_max_ms::float8,
    p_base_ms::float8 * power(2, greatest(p_attempt, 1) - 1)) * (0.5 + random() / 2) / 1000)
$function$;

-- job_claim: up to p_limit due jobs for p_worker, each leased for
-- p_lease_s seconds. Runs whose lease expired come first; their attempt is
-- recorded lost, and one that was its job's last attempt fails the job.
-- Every statement here has an index (the primary key, job_due_idx,
-- job_lease_idx), and seq scans are off inside it: the worker's
-- connection keeps each statement's plan, and a plan made while the job
-- table was small scanned the whole table for the claimed ids ever after
-- (0.9 ms a claim with 1,600 jobs, growing with them; 0.3 ms now).
CREATE OR REPLACE FUNCTION public.job_claim(p_worker text, p_limit integer, p_lease_s integer)
 RETURNS TABLE(id bigint, kind text, payload jsonb, attempt integer, max_attempts integer, lease_token bigint)
 LANGUAGE plpgsql
 SET enable_seqscan TO 'off'
AS $function$
#variable_conflict use_column
DECLARE
  v_lost bigint[];
  v_due bigint[];
  -- a variable, not clock_timestamp() in the conditions: a volatile call
  -- cannot bound an index scan, so each claim read every running (and
  -- every queued) job's index entry, the live leases and the dead rows
  -- not yet vacuumed, to find the few it takes
  v_now timestamptz := clock_timestamp();
BEGIN
  v_lost := ARRAY(SELECT j.id FROM job j
                   WHERE j.status = 'running' AND j.lease_expires_at <= v_now
                   ORDER BY j.lease_expires_at LIMIT p_limit FOR UPDATE SKIP LOCKED);
  IF cardinality(v_lost) > 0 THEN
    UPDATE job_attempt a SET finished_at = clock_timestamp(), outcome = 'lost',
      error = 'lease expired: worker ' || a.worker || ' stopped renewing it'
      FROM job j
     WHERE j.id = ANY(v_lost) AND a.job_id = j.id AND a.lease_token = j.lease_token
       AND a.outcome IS NULL;
    UPDATE job j SET status = 'failed', finished_at = clock_timestamp(), lease_expires_at = NULL,
      last_error = 'its last attempt was lost: worker ' || j.worker || ' stopped renewing the lease'
     WHERE j.id = ANY(v_lost) AND j.attempts >= j.max_attempts;
  END IF;
  v_due := ARRAY(SELECT j.id FROM job j
                  WHERE j.status = 'queued' AND j.run_at <= v_now
                  ORDER BY j.run_at, j.id LIMIT greatest(p_limit - cardinality(v_lost), 0)
                  FOR UPDATE SKIP LOCKED);
  RETURN QUERY
  WITH claimed AS (
    UPDATE job j SET status = 'running', attempts = j.attempts + 1,
      lease_token = nextval('job_lease_seq'),
      lease_expires_at = clock_timestamp() + make_interval(secs => p_lease_s),
      worker = p_worker, locked_at = clock_timestamp()
     WHERE j.id = ANY(v_lost || v_due) AND j.status IN ('queued', 'running')
       AND j.attempts < j.max_attempts
    RETURNING j.id, j.kind, j.payload, j.attempts, j.max_attempts, j.lease_token),
  recorded AS (
    INSERT INTO job_attempt (job_id, attempt, worker, lease_token)
    SELECT c.id, c.attempts, p_worker, c.lease_token FROM claimed c)
  SELECT c.id, c.kind, c.payload, c.attempts, c.max_attempts, c.lease_token FROM claimed c
   ORDER BY c.id;
END $function$;

-- job_heartbeat: push on the leases p_held ([{id, token}]) still names;
-- returns the tokens that are still this worker's.
CREATE OR REPLACE FUNCTION public.job_heartbeat(p_held jsonb, p_lease_s integer)
 RETURNS SETOF bigint
 LANGUAGE sql
AS $function$
  UPDATE job j SET lease_expires_at = clock_timestamp() + make_interval(secs => p_lease_s)
    FROM jsonb_to_recordset(p_held) AS h(id bigint, token bigint)
   WHERE j.id = h.id AND j.lease_token = h.token AND j.status = 'running'
  RETURNING j.lease_token
$function$;

-- job_finish: record what the runs of p_results ([{id, token, outcome,
-- message}], outcome done, skipped, retry or fail) came to, fenced by
-- token. retry queues the job again after job_backoff while attempts are
-- left, and fails it after the last; fail fails it at once. Returns the
-- jobs whose token still held, with their new status; the others were
-- taken over and keep what the new run records. plpgsql, not sql: a sql
-- function whose body writes is never inlined, so it was parsed and
-- planned again on every call (0.9 ms a call, about what the booking it
-- finished cost); plpgsql keeps the plan for the worker's connection.
CREATE OR REPLACE FUNCTION public.job_finish(p_results jsonb, p_base_ms integer, p_max_ms integer)
 RETURNS TABLE(id bigint, status text)
 LANGUAGE plpgsql
AS $function$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH f AS (
    SELECT r.id, r.token, r.outcome, r.message FROM jsonb_to_recordset(p_results)
      AS r(id bigint, token bigint, outcome text, message text)),
  upd AS (
    UPDATE job j SET
      status = CASE WHEN f.outcome IN ('done', 'skipped') THEN f.outcome
        WHEN f.outcome = 'retry' AND j.attempts < j.max_attempts THEN 'queued'
        ELSE 'failed' END,
      run_at = CASE WHEN f.outcome = 'retry' AND j.attempts < j.max_attempts
        THEN clock_timestamp() + job_backoff(j.attempts, p_base_ms, p_max_ms) ELSE j.run_at END,
      finished_at = CASE WHEN f.outcome = 'retry' AND j.attempts < j.max_attempts
        THEN NULL ELSE clock_timestamp() END,
      last_error = CASE WHEN f.outcome IN ('retry', 'fail') THEN f.message ELSE j.last_error END,
      reason = CASE WHEN f.outcome = 'skipped' THEN f.message ELSE j.reason END,
      lease_expires_at = NULL
      FROM f
     WHERE j.id = f.id AND j.lease_token = f.token AND j.status = 'running'
    RETURNING j.id, j.status, j.lease_token),
  att AS (
    UPDATE job_attempt a SET finished_at = clock_timestamp(),
      outcome = CASE WHEN f.outcome IN ('done', 'skipped') THEN f.outcome ELSE 'failed' END,
      error = f.message
      FROM upd JOIN f ON f.id = upd.id
     WHERE a.lease_token = upd.lease_token)
  SELECT upd.id, upd.status FROM upd;
END $function$;

-- job_release: hand back claimed jobs that never started (a worker
-- stopping): queued again at once, as if never claimed, their attempt
-- rows gone (nothing ran). Returns how many went back.
CREATE OR REPLACE FUNCTION public.job_release(p_held jsonb)
 RETURNS integer
 LANGUAGE plpgsql
AS $function$
DECLARE
  n int;
BEGIN
  WITH back AS (
    UPDATE job j SET status = 'queued', attempts = j.attempts - 1, lease_expires_at = NULL,
      run_at = clock_timestamp()
      FROM jsonb_to_recordset(p_held) AS h(id bigint, token bigint)
     WHERE j.id = h.id AND j.lease_token = h.token AND j.status = 'running'
    RETURNING j.lease_token),
  gone AS (DELETE FROM job_attempt a USING back WHERE a.lease_token = back.lease_token)
  SELECT count(*) INTO n FROM back;
  IF n > 0 THEN
    PERFORM pg_notify('job_queued', '');
  END IF;
  RETURN n;
END $function$;

-- job_staff_change: retry or cancel p_job for p_actor (staff or admin):
-- the guarded update, its audit row and notice. p_action is 'retry' or
-- 'cancel'. Returns the job's new status.
CREATE OR REPLACE FUNCTION public.job_staff_change(p_job bigint, p_actor uuid, p_action text)
 RETURNS text
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_old text;
  v_kind text;
  v_name text;
  v_new text := CASE p_action WHEN 'retry' THEN 'queued' ELSE 'canceled' END;
BEGIN
  PERFORM admin_actor(p_actor);
  SELECT u.name INTO v_name FROM app_user u WHERE u.id = p_actor;
  SELECT j.status, j.kind INTO v_old, v_kind FROM job j WHERE j.id = p_job FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no job %', p_job USING ERRCODE = 'RL404', COLUMN = 'id';
  END IF;
  IF p_action = 'retry' AND v_old NOT IN ('failed', 'skipped') THEN
    RAISE EXCEPTION 'job % is %; only a failed or skipped job can be retried', p_job, v_old
      USING ERRCODE = 'RL409', COLUMN = 'status';
  END IF;
  IF p_action = 'cancel' AND v_old NOT IN ('queued', 'failed') THEN
    RAISE EXCEPTION 'job % is %; only a queued or failed job can be canceled', p_job, v_old
      USING ERRCODE = 'RL409', COLUMN = 'status';
  END IF;
  IF p_action = 'retry' THEN
    -- a fresh set of attempts, starting now
    UPDATE job SET status = 'queued', run_at = clock_timestamp(), finished_at = NULL,
      max_attempts = attempts + job_max_attempts(), reason = NULL
     WHERE job.id = p_job;
    PERFORM pg_notify('job_queued', '');
  ELSE
    UPDATE job SET status = 'canceled', finished_at = clock_timestamp(),
      reason = 'canceled by ' || coalesce(v_name, 'staff')
     WHERE job.id = p_job;
  END IF;
  INSERT INTO audit_log (actor_user_id, action, entity, entity_id, diff_json)
  VALUES (p_actor, 'job_' || p_action, 'job', p_job::text,
    jsonb_build_object('kind', v_kind, 'status', jsonb_build_array(v_old, v_new)));
  PERFORM notify_change('job', p_job::text, NULL, NULL);
  RETURN v_new;
END $function$;

-- job_periodic: the sweeps, by one worker at a time (the others skip):
-- confirmed bookings whose session ended become completed (as the system:
-- an audit row without an actor, and one job per effect of p_effects, the
-- state table's effects of complete); holds past their expiry are marked
-- expired; done, skipped and canceled jobs finished before p_job_keep ago
-- and idempotency keys older than p_idem_keep are deleted. At most
-- p_limit rows of each per call. NULL when another worker is sweeping.
CREATE OR REPLACE FUNCTION public.job_periodic(p_effects text[], p_job_keep interval, p_idem_keep interval, p_limit integer)
 RETURNS TABLE(completed integer, expired integer, jobs_pruned integer, keys_pruned integer)
 LANGUAGE plpgsql
AS $function$
DECLARE
  b booking%ROWTYPE;
  v_completed int := 0;
  v_expired int;
  v_jobs int;
  v_keys int;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('redlight job_periodic')) THEN
    RETURN;
  END IF;
  FOR b IN
    UPDATE booking bk SET status = 'completed', updated_at = now()
     WHERE bk.id IN (SELECT x.id FROM booking x
                      WHERE x.status = 'confirmed' AND x.end_at <= now()
                      ORDER BY x.end_at LIMIT p_limit FOR UPDATE SKIP LOCKED)
       AND bk.status = 'confirmed'
    RETURNING bk.*
  LOOP
    v_completed := v_completed + 1;
    PERFORM admin_enqueue(b.id, p_effects, jsonb_build_object('code', b.code));
    INSERT INTO audit_log (actor_user_id, action, entity, entity_id, reason, diff_json)
    VALUES (NULL, 'complete', 'booking', b.id::text, 'the session ended',
      jsonb_build_object('code', b.code, 'status', jsonb_build_array('confirmed', 'completed'),
        'by', 'system'));
    PERFORM notify_change('booking', b.id::text, b.room_id, b.blocked);
  END LOOP;
  WITH gone AS (
    UPDATE hold h SET status = 'expired'
     WHERE h.id IN (SELECT x.id FROM hold x WHERE x.status = 'active' AND x.expires_at <= now()
                     ORDER BY x.expires_at LIMIT p_limit FOR UPDATE SKIP LOCKED)
       AND h.status = 'active'
    RETURNING h.id)
  SELECT count(*) INTO v_expired FROM gone;
  WITH gone AS (
    DELETE FROM job j WHERE j.id IN (SELECT x.id FROM job x
      WHERE x.status IN ('done', 'skipped', 'canceled') AND x.finished_at < now() - p_job_keep
      LIMIT p_limit)
    RETURNING j.id)
  SELECT count(*) INTO v_jobs FROM gone;
  WITH gone AS (
    DELETE FROM idempotency_key k WHERE k.created_at < now() - p_idem_keep RETURNING 1)
  SELECT count(*) INTO v_keys FROM gone;
  RETURN QUERY SELECT v_completed, v_expired, v_jobs, v_keys;
END $function$;
