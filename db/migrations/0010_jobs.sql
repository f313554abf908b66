-- 0010: the job worker (the outbox's other half). db/job.c calls these;
-- the runtime is web/worker.c, run inside redlightd and by
-- `redlight worker`. Any number of workers share the table:
--
--   queued --claim--> running --finish--> done | skipped | failed
--                        |        \--retry (attempts left)--> queued (run_at later)
--                        \--lease expired--> running again (another claim)
--   queued | failed --cancel--> canceled;  failed | skipped --retry--> queued
--
-- A claim takes due jobs with FOR UPDATE SKIP LOCKED, so workers never
-- wait on each other, and gives each a lease: a fencing token from
-- job_lease_seq (it grows with every claim) and an expiry the worker's
-- heartbeat pushes on. A running job whose lease expired is claimable
-- again: its worker died or hung. Finishing names the token: once another
-- claim took the job, the old token matches nothing, so a worker that lost
-- its lease can never mark the job over the new run. Every claim is a row
-- of job_attempt, and every attempt ends done, skipped, failed or lost.

-- How many attempts a job gets (and a retried job gets again).
CREATE FUNCTION job_max_attempts() RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 8 $$;

ALTER TABLE job DROP CONSTRAINT job_status_check;
ALTER TABLE job ADD CONSTRAINT job_status_check
  CHECK (status IN ('queued','running','done','failed','skipped','canceled'));
ALTER TABLE job ALTER COLUMN max_attempts SET DEFAULT job_max_attempts();
ALTER TABLE job
  ADD COLUMN lease_token bigint,          -- the current claim's fencing token
  ADD COLUMN lease_expires_at timestamptz, -- running: claimable again from then
  ADD COLUMN worker text,                 -- who holds (or last held) it
  ADD COLUMN reason text;                 -- why it was skipped or canceled

CREATE SEQUENCE job_lease_seq;

DROP INDEX job_due_idx;
CREATE INDEX job_due_idx ON job (run_at, id) WHERE status = 'queued';
CREATE INDEX job_lease_idx ON job (lease_expires_at) WHERE status = 'running';
CREATE INDEX job_finished_idx ON job (finished_at) WHERE status IN ('done','skipped','canceled');
CREATE INDEX job_failed_idx ON job (id) WHERE status = 'failed';

CREATE TABLE job_attempt (
  job_id bigint NOT NULL REFERENCES job(id) ON DELETE CASCADE,
  attempt int NOT NULL,
  worker text NOT NULL,
  lease_token bigint NOT NULL UNIQUE,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at timestamptz,
  -- NULL while it runs; lost: the lease expired before it finished
  outcome text CHECK (outcome IN ('done','skipped','failed','lost')),
  error text,
  PRIMARY KEY (job_id, attempt)
);

-- A new job wakes an idle worker at once (one notice per statement).
CREATE FUNCTION job_notify_queued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('job_queued', '');
  RETURN NULL;
END $$;
CREATE TRIGGER job_queued_notify AFTER INSERT ON job
  FOR EACH STATEMENT EXECUTE FUNCTION job_notify_queued();

-- A job failing (or leaving failed) changes the count every console
-- shows in its header; the notice names entity job, which redlightd's
-- listener passes over.
CREATE FUNCTION job_notify_failed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM notify_change('job', NEW.id::text, NULL, NULL);
  RETURN NULL;
END $$;
CREATE TRIGGER job_failed_notify AFTER UPDATE OF status ON job
  FOR EACH ROW WHEN ((NEW.status = 'failed') <> (OLD.status = 'failed'))
  EXECUTE FUNCTION job_notify_failed();

-- job_backoff: the wait before attempt p_attempt + 1: p_base_ms doubled
-- per attempt made, at most p_max_ms, then jittered to between half and
-- all of it, so jobs that failed together do not retry together.
CREATE FUNCTION job_backoff(p_attempt int, p_base_ms int, p_max_ms int) RETURNS interval
LANGUAGE sql VOLATILE AS $$
  SELECT make_interval(secs => least(p_max_ms::float8,
    p_base_ms::float8 * power(2, greatest(p_attempt, 1) - 1)) * (0.5 + random() / 2) / 1000)
$$;

-- job_claim: up to p_limit due jobs for p_worker, each leased for
-- p_lease_s seconds. Runs whose lease expired come first; their attempt is
-- recorded lost, and one that was its job's last attempt fails the job.
CREATE FUNCTION job_claim(p_worker text, p_limit int, p_lease_s int)
RETURNS TABLE (id bigint, kind text, payload jsonb, attempt int, max_attempts int, lease_token bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_lost bigint[];
  v_due bigint[];
BEGIN
  v_lost := ARRAY(SELECT j.id FROM job j
                   WHERE j.status = 'running' AND j.lease_expires_at <= clock_timestamp()
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
                  WHERE j.status = 'queued' AND j.run_at <= clock_timestamp()
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
END $$;

-- job_heartbeat: push on the leases p_held ([{id, token}]) still names;
-- returns the tokens that are still this worker's.
CREATE FUNCTION job_heartbeat(p_held jsonb, p_lease_s int) RETURNS SETOF bigint
LANGUAGE sql AS $$
  UPDATE job j SET lease_expires_at = clock_timestamp() + make_interval(secs => p_lease_s)
    FROM jsonb_to_recordset(p_held) AS h(id bigint, token bigint)
   WHERE j.id = h.id AND j.lease_token = h.token AND j.status = 'running'
  RETURNING j.lease_token
$$;

-- job_finish: record what the runs of p_results ([{id, token, outcome,
-- message}], outcome done, skipped, retry or fail) came to, fenced by
-- token. retry queues the job again after job_backoff while attempts are
-- left, and fails it after the last; fail fails it at once. Returns the
-- jobs whose token still held, with their new status; the others were
-- taken over and keep what the new run records.
CREATE FUNCTION job_finish(p_results jsonb, p_base_ms int, p_max_ms int)
RETURNS TABLE (id bigint, status text)
LANGUAGE sql AS $$
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
  SELECT upd.id, upd.status FROM upd
$$;

-- job_release: hand back claimed jobs that never started (a worker
-- stopping): queued again at once, as if never claimed, their attempt
-- rows gone (nothing ran). Returns how many went back.
CREATE FUNCTION job_release(p_held jsonb) RETURNS int LANGUAGE plpgsql AS $$
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
END $$;

-- job_staff_change: retry or cancel p_job for p_actor (staff or admin):
-- the guarded update, its audit row and notice. p_action is 'retry' or
-- 'cancel'. Returns the job's new status.
CREATE FUNCTION job_staff_change(p_job bigint, p_actor uuid, p_action text) RETURNS text
LANGUAGE plpgsql AS $$
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
END $$;

-- job_periodic: the sweeps, by one worker at a time (the others skip):
-- confirmed bookings whose session ended become completed (as the system:
-- an audit row without an actor, and one job per effect of p_effects, the
-- state table's effects of complete); holds past their expiry are marked
-- expired; done, skipped and canceled jobs finished before p_job_keep ago
-- and idempotency keys older than p_idem_keep are deleted. At most
-- p_limit rows of each per call. NULL when another worker is sweeping.
CREATE FUNCTION job_periodic(p_effects text[], p_job_keep interval, p_idem_keep interval,
  p_limit int)
RETURNS TABLE (completed int, expired int, jobs_pruned int, keys_pruned int)
LANGUAGE plpgsql AS $$
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
END $$;
