-- db/functions/change-notify.sql
-- LISTEN/NOTIFY: triggers that tell redlightd's availability cache and
-- calendar sync what changed (notify_change and the catalog, exception
-- and sync-flag triggers).
--
-- The current definition of every function of this family. Applied by
-- `redlight migrate` after the migrations whenever this text changes
-- (schema_function_family records its checksum). Change functions here,
-- never in a migration; tools/sql-families explains.

-- Everything that changes availability says so on one channel; the payload
-- names the room and the affected UTC range so caches drop only those days.
CREATE OR REPLACE FUNCTION public.notify_change(p_entity text, p_id text, p_room uuid, p_range tstzrange)
 RETURNS void
 LANGUAGE sql
AS $function$
  SELECT pg_notify('redlight_changes', json_build_object('entity', p_entity, 'id', p_id,
    'room_id', p_room,
    'from', extract(epoch FROM lower(p_range))::bigint,
    'to', extract(epoch FROM upper(p_range))::bigint)::text)
$function$;

CREATE OR REPLACE FUNCTION public.notify_exception_change()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM notify_change('exception', OLD.id::text,
      CASE WHEN OLD.target_type = 'room' THEN OLD.target_id END,
      tstzrange(OLD.start_at, OLD.end_at, '[)'));
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM notify_change('exception', NEW.id::text,
      CASE WHEN NEW.target_type = 'room' THEN NEW.target_id END,
      tstzrange(NEW.start_at, NEW.end_at, '[)'));
  END IF;
  RETURN NULL;
END $function$;

-- TG_ARGV[0] is the entity listeners see ("schedule_rule", "room", ...).
CREATE OR REPLACE FUNCTION public.notify_catalog_change()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  PERFORM pg_notify('redlight_changes', json_build_object('entity', TG_ARGV[0], 'id', NULL,
    'room_id', NULL, 'from', NULL, 'to', NULL)::text);
  RETURN NULL;
END $function$;

-- booking_sync_error: why p_booking's calendar events are out of step, or
-- NULL when nothing failed. The newest failure is told.
CREATE OR REPLACE FUNCTION public.booking_sync_error(p_booking uuid)
 RETURNS text
 LANGUAGE sql
 STABLE
AS $function$
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
$function$;

-- A sync that fails (or recovers) changes what the console shows, not what
-- is free: the notice names entity calendar_sync, which redlightd's
-- listener passes over.
CREATE OR REPLACE FUNCTION public.notify_sync_change()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
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
END $function$;
