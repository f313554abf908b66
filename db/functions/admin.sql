-- db/functions/admin.sql
-- Admin helpers behind the staff transitions: locking a booking,
-- enqueueing its effects, audit of staff changes, text limits.
--
-- The current definition of every function of this family. Applied by
-- `redlight migrate` after the migrations whenever this text changes
-- (schema_function_family records its checksum). Change functions here,
-- never in a migration; tools/sql-families explains.

-- The longest an admin hold may last or be extended by, in minutes (a week).
CREATE OR REPLACE FUNCTION public.admin_hold_max_min()
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE
AS $function$ SELECT 7 * 24 * 60 $function$;

-- admin_actor: the acting user's role; anyone but staff and admins is refused.
CREATE OR REPLACE FUNCTION public.admin_actor(p_actor uuid)
 RETURNS text
 LANGUAGE plpgsql
 STABLE
AS $function$
DECLARE
  v_role text;
BEGIN
  SELECT u.role INTO v_role FROM app_user u WHERE u.id = p_actor;
  IF v_role IS NULL OR v_role NOT IN ('staff','admin') THEN
    RAISE EXCEPTION 'only studio staff and admins may do that' USING ERRCODE = 'RL403';
  END IF;
  RETURN v_role;
END $function$;

-- admin_enqueue: one job per effect for a booking, in the order given.
CREATE OR REPLACE FUNCTION public.admin_enqueue(p_booking uuid, p_effects text[], p_extra jsonb)
 RETURNS void
 LANGUAGE sql
AS $function$
  INSERT INTO job (kind, payload)
  SELECT t.fx, jsonb_build_object('booking_id', p_booking) || coalesce(p_extra, '{}'::jsonb)
    FROM unnest(coalesce(p_effects, '{}'::text[])) WITH ORDINALITY AS t(fx, n)
   WHERE t.fx <> 'release_claim'
   ORDER BY t.n
$function$;

-- admin_local: an instant as the studio's wall clock, "2027-03-14 14:02".
CREATE OR REPLACE FUNCTION public.admin_local(p_at timestamp with time zone)
 RETURNS text
 LANGUAGE sql
 STABLE
AS $function$
  SELECT to_char(p_at AT TIME ZONE s.timezone, 'YYYY-MM-DD HH24:MI') FROM settings s WHERE s.id = 1
$function$;

-- admin_booking_changed: raise the reason a guarded update of p_booking
-- found no row: no such booking, or who moved it on first (from the audit
-- log), or its status now.
CREATE OR REPLACE FUNCTION public.admin_booking_changed(p_booking uuid)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
DECLARE
  b booking%ROWTYPE;
  v_verb text;
  v_who text;
  v_at timestamptz;
BEGIN
  SELECT * INTO b FROM booking WHERE id = p_booking;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such booking' USING ERRCODE = 'RL404', COLUMN = 'code';
  END IF;
  v_verb := CASE b.status WHEN 'confirmed' THEN 'approved' WHEN 'rejected' THEN 'rejected'
    WHEN 'canceled' THEN 'canceled' WHEN 'completed' THEN 'completed' ELSE NULL END;
  SELECT u.name, a.created_at INTO v_who, v_at
    FROM audit_log a JOIN app_user u ON u.id = a.actor_user_id
   WHERE a.entity = 'booking' AND a.entity_id = p_booking::text
     AND a.action = CASE b.status WHEN 'confirmed' THEN 'approve' WHEN 'rejected' THEN 'reject'
       WHEN 'canceled' THEN 'cancel' ELSE '' END
   ORDER BY a.id DESC LIMIT 1;
  IF v_verb IS NOT NULL AND v_who IS NOT NULL THEN
    RAISE EXCEPTION '% was already % by % at %; nothing was changed', b.code, v_verb, v_who,
      admin_local(v_at) USING ERRCODE = 'RL409', COLUMN = 'status';
  END IF;
  RAISE EXCEPTION 'the booking changed: % is % now; nothing was changed', b.code,
    replace(b.status, '_', ' ') USING ERRCODE = 'RL409', COLUMN = 'status';
END $function$;

-- admin_text: p_text trimmed, NULL when empty; longer than p_max is RL400 on p_field.
CREATE OR REPLACE FUNCTION public.admin_text(p_text text, p_field text, p_max integer)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
AS $function$
BEGIN
  IF p_text IS NULL OR btrim(p_text) = '' THEN
    RETURN NULL;
  END IF;
  IF length(btrim(p_text)) > p_max THEN
    RAISE EXCEPTION '% is longer than % characters', p_field, p_max USING ERRCODE = 'RL400', COLUMN = p_field;
  END IF;
  RETURN btrim(p_text);
END $function$;

-- admin_staff_names: the display names of staff ids, in the order given.
CREATE OR REPLACE FUNCTION public.admin_staff_names(p_staff uuid[])
 RETURNS jsonb
 LANGUAGE sql
 STABLE
AS $function$
  SELECT coalesce(jsonb_agg(s.display_name ORDER BY t.n), '[]'::jsonb)
    FROM unnest(coalesce(p_staff, '{}'::uuid[])) WITH ORDINALITY AS t(id, n)
    JOIN staff s ON s.id = t.id
$function$;

-- admin_booking_lock: lock a live booking for a staff change (admins only).
CREATE OR REPLACE FUNCTION public.admin_booking_lock(p_booking uuid, p_actor uuid)
 RETURNS booking
 LANGUAGE plpgsql
AS $function$
DECLARE
  b booking%ROWTYPE;
BEGIN
  IF admin_actor(p_actor) <> 'admin' THEN
    RAISE EXCEPTION 'only an admin may assign staff' USING ERRCODE = 'RL403';
  END IF;
  SELECT * INTO b FROM booking WHERE id = p_booking FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such booking' USING ERRCODE = 'RL404', COLUMN = 'code';
  END IF;
  IF NOT booking_is_live(b.status) THEN
    RAISE EXCEPTION '% is %: its staff can no longer change', b.code, b.status
      USING ERRCODE = 'RL409', COLUMN = 'status';
  END IF;
  RETURN b;
END $function$;

-- admin_staff_changed: the audit row, the calendar job (a confirmed
-- booking's event moves between staff calendars) and the notice after a
-- booking's staff changed from p_old to its current set.
CREATE OR REPLACE FUNCTION public.admin_staff_changed(b booking, p_actor uuid, p_action text, p_old uuid[])
 RETURNS void
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_new uuid[];
BEGIN
  SELECT coalesce(array_agg(bs.staff_id ORDER BY bs.staff_id), '{}') INTO v_new
    FROM booking_staff bs WHERE bs.booking_id = b.id;
  INSERT INTO audit_log (actor_user_id, action, entity, entity_id, diff_json)
  VALUES (p_actor, p_action, 'booking', b.id::text,
    jsonb_build_object('code', b.code, 'staff', jsonb_build_array(admin_staff_names(p_old),
      admin_staff_names(v_new))));
  IF b.status = 'confirmed' THEN
    PERFORM admin_enqueue(b.id, ARRAY['calendar_sync'], jsonb_build_object('code', b.code,
      'why', 'staff_changed', 'old_staff_ids', to_jsonb(p_old)));
  END IF;
  PERFORM notify_change('booking', b.id::text, b.room_id, b.blocked);
END $function$;
