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

-- Claims as they change, for redlightd's availability cache to apply in
-- memory instead of loading the day again: one notice per claim released
-- ("op":"-") or taken ("op":"+"), an update being both, in the shape and
-- rounding of DB_AVAIL_JSON_SQL's room_claims and staff_claims (starts
-- down, ends and expiries up, to whole epoch seconds):
--   {"entity":"claim","op":"+","kind":"room"|"staff","target":ROOM_OR_STAFF,
--    "owner":BOOKING_OR_HOLD,"hold":true|false,"from":N,"to":N,
--    "expires":N (a hold's; null otherwise),"xid":N,"n":N}
-- xid is the writing transaction's (pg_current_xact_id), so a cache whose
-- load already saw the change (pg_current_snapshot beside the load)
-- passes over it; n numbers the transaction's claim notices, so two equal
-- changes in one transaction (claimed, released, claimed again) are not
-- folded into one by NOTIFY. A staff claim is a live booking_staff row.
-- The booking and hold notices (notify_change) still go out for the
-- booking page's event stream and the console.
CREATE OR REPLACE FUNCTION public.notify_claim(p_op text, p_kind text, p_target uuid, p_owner uuid,
    p_hold boolean, p_during tstzrange, p_expires timestamptz)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
DECLARE
  n int := coalesce(nullif(current_setting('redlight.claim_notice', true), ''), '0')::int + 1;
BEGIN
  PERFORM set_config('redlight.claim_notice', n::text, true);
  PERFORM pg_notify('redlight_changes', json_build_object('entity', 'claim', 'op', p_op,
    'kind', p_kind, 'target', p_target, 'owner', p_owner, 'hold', p_hold,
    'from', floor(extract(epoch FROM lower(p_during)))::bigint,
    'to', ceil(extract(epoch FROM upper(p_during)))::bigint,
    'expires', ceil(extract(epoch FROM p_expires))::bigint,
    'xid', pg_current_xact_id()::text::bigint, 'n', n)::text);
END $function$;

CREATE OR REPLACE FUNCTION public.notify_room_claim_change()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.room_id, OLD.during, OLD.booking_id, OLD.hold_id, OLD.hold_expires_at)
      IS NOT DISTINCT FROM (NEW.room_id, NEW.during, NEW.booking_id, NEW.hold_id, NEW.hold_expires_at) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM notify_claim('-', 'room', OLD.room_id, coalesce(OLD.booking_id, OLD.hold_id),
      OLD.hold_id IS NOT NULL, OLD.during, OLD.hold_expires_at);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM notify_claim('+', 'room', NEW.room_id, coalesce(NEW.booking_id, NEW.hold_id),
      NEW.hold_id IS NOT NULL, NEW.during, NEW.hold_expires_at);
  END IF;
  RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.notify_staff_claim_change()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.staff_id, OLD.booking_id, OLD.during, OLD.live)
      IS NOT DISTINCT FROM (NEW.staff_id, NEW.booking_id, NEW.during, NEW.live) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.live THEN
    PERFORM notify_claim('-', 'staff', OLD.staff_id, OLD.booking_id, false, OLD.during, NULL);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.live THEN
    PERFORM notify_claim('+', 'staff', NEW.staff_id, NEW.booking_id, false, NEW.during, NULL);
  END IF;
  RETURN NULL;
END $function$;

-- The triggers live here, beside their functions: migrations run before
-- the families, so a migration cannot name a function that a family
-- defines first. CREATE OR REPLACE keeps this file re-appliable.
CREATE OR REPLACE TRIGGER room_claim_notify AFTER INSERT OR UPDATE OR DELETE ON room_claim
  FOR EACH ROW EXECUTE FUNCTION notify_room_claim_change();
CREATE OR REPLACE TRIGGER booking_staff_claim_notify AFTER INSERT OR UPDATE OR DELETE ON booking_staff
  FOR EACH ROW EXECUTE FUNCTION notify_staff_claim_change();
