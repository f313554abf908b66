-- 0007: failed calendar syncs, flagged where staff look (the console's
-- board and booking screen). Two records can say a booking's calendar is
-- wrong: a calendar_sync row whose last attempt failed (the worker keeps
-- one row per staff member and provider and updates it), or a
-- calendar_sync / calendar_remove job that ran out of attempts. A later
-- job for the same booking that succeeded clears the flag.

CREATE INDEX job_calendar_booking_idx ON job ((payload->>'booking_id'), id)
  WHERE kind IN ('calendar_sync', 'calendar_remove');

-- booking_sync_error: why p_booking's calendar events are out of step, or
-- NULL when nothing failed. The newest failure is told.
CREATE FUNCTION booking_sync_error(p_booking uuid) RETURNS text
  LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    (SELECT cs.provider || ': ' || coalesce(nullif(cs.error, ''), 'failed')
       FROM calendar_sync cs
      WHERE cs.booking_id = p_booking AND cs.status = 'failed'
      ORDER BY cs.last_attempt_at DESC NULLS LAST LIMIT 1),
    (SELECT coalesce(nullif(j.last_error, ''), j.kind || ' failed')
       FROM (SELECT * FROM job
              WHERE kind IN ('calendar_sync', 'calendar_remove')
                AND payload->>'booking_id' = p_booking::text
              ORDER BY id DESC LIMIT 1) j
      WHERE j.status = 'failed'))
$$;

-- A sync that fails (or recovers) changes what the console shows, not what
-- is free: the notice names entity calendar_sync, which redlightd's
-- listener passes over.
CREATE FUNCTION notify_sync_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_booking uuid;
BEGIN
  IF TG_TABLE_NAME = 'job' THEN
    IF NEW.kind NOT IN ('calendar_sync', 'calendar_remove')
       OR (TG_OP = 'UPDATE' AND NEW.status IS NOT DISTINCT FROM OLD.status) THEN
      RETURN NULL;
    END IF;
    IF NEW.payload->>'booking_id' !~ '^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$' THEN
      RETURN NULL;
    END IF;
    v_booking := (NEW.payload->>'booking_id')::uuid;
  ELSE
    IF TG_OP = 'UPDATE' AND NEW.status IS NOT DISTINCT FROM OLD.status THEN
      RETURN NULL;
    END IF;
    v_booking := NEW.booking_id;
  END IF;
  PERFORM notify_change('calendar_sync', v_booking::text, b.room_id, b.blocked)
     FROM booking b WHERE b.id = v_booking;
  RETURN NULL;
END $$;

CREATE TRIGGER calendar_sync_notify AFTER INSERT OR UPDATE OF status ON calendar_sync
  FOR EACH ROW EXECUTE FUNCTION notify_sync_change();
CREATE TRIGGER job_sync_notify AFTER UPDATE OF status ON job
  FOR EACH ROW EXECUTE FUNCTION notify_sync_change();
