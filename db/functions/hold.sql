-- db/functions/hold.sql
-- Holds: placing, extending and releasing one (db/hold.c calls these), each
-- checking who acts and the limits.
--
-- The current definition of every function of this family. Applied by
-- `redlight migrate` after the migrations whenever this text changes
-- (schema_function_family records its checksum). Change functions here,
-- never in a migration; tools/sql-families explains.

-- hold_place: p_actor, acting as p_kind, holds [p_start, p_end) (claiming
-- p_blocked) in turn with other writers of the room (claim_lock_during). An
-- artist's hold is theirs and lasts the studio's hold_ttl_min; staff and
-- admins hold for the studio, for p_ttl_min minutes (NULL: hold_ttl_min,
-- at most admin_hold_max_min()), and only an admin sets the rules aside
-- (p_override). Every hold writes its audit row.
CREATE OR REPLACE FUNCTION public.hold_place(p_actor uuid, p_kind text, p_room uuid, p_start timestamp with time zone, p_end timestamp with time zone, p_blocked tstzrange, p_token text, p_ttl_min integer, p_override jsonb)
 RETURNS TABLE(hold_id uuid, expires_at timestamp with time zone)
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_kind text := actor_role(p_actor, p_kind);
  v_id uuid;
  v_ttl int := p_ttl_min;
  v_exp timestamptz;
  v_room text;
BEGIN
  IF v_kind = 'artist' AND (p_ttl_min IS NOT NULL OR p_override IS NOT NULL) THEN
    RAISE EXCEPTION 'an artist''s hold lasts the studio''s hold time' USING ERRCODE = 'RL403';
  END IF;
  IF p_override IS NOT NULL AND v_kind NOT IN ('admin','system') THEN
    RAISE EXCEPTION 'only an admin may set the booking rules aside' USING ERRCODE = 'RL403';
  END IF;
  IF p_override IS NOT NULL AND admin_text(p_override->>'reason', 'reason', 2000) IS NULL THEN
    RAISE EXCEPTION 'an override needs a reason' USING ERRCODE = 'RL400', COLUMN = 'reason';
  END IF;
  PERFORM claim_lock_during(p_room, NULL, p_blocked);
  SELECT r.name INTO v_room FROM room r WHERE r.id = p_room AND r.active;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown room' USING ERRCODE = 'RL404', COLUMN = 'room_id';
  END IF;
  IF v_ttl IS NULL THEN
    SELECT s.hold_ttl_min INTO v_ttl FROM settings s WHERE s.id = 1;
  END IF;
  IF v_ttl < 1 OR v_ttl > admin_hold_max_min() THEN
    RAISE EXCEPTION 'a hold lasts 1 to % minutes', admin_hold_max_min()
      USING ERRCODE = 'RL400', COLUMN = 'expires';
  END IF;
  v_exp := clock_timestamp() + make_interval(mins => v_ttl);
  INSERT INTO hold (user_id, room_id, start_at, end_at, blocked, expires_at, token, created_by)
  VALUES (CASE WHEN v_kind = 'artist' THEN p_actor END, p_room, p_start, p_end, p_blocked, v_exp,
    p_token, p_actor)
  RETURNING id INTO v_id;
  INSERT INTO audit_log (actor_user_id, action, entity, entity_id, reason, diff_json)
  VALUES (p_actor, 'hold', 'hold', v_id::text, p_override->>'reason',
    jsonb_build_object('room', v_room, 'start_at', p_start, 'end_at', p_end, 'expires_at', v_exp)
    || CASE WHEN p_override IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('override', p_override) END);
  PERFORM notify_change('hold', v_id::text, p_room, p_blocked);
  RETURN QUERY SELECT v_id, v_exp;
END $function$;

-- hold_lock: lock an active hold p_actor may change as p_kind: an artist
-- their own (anyone else's is not found), staff the holds they placed, an
-- admin or the system any.
CREATE OR REPLACE FUNCTION public.hold_lock(p_hold uuid, p_actor uuid, p_kind text)
 RETURNS hold
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_kind text := actor_role(p_actor, p_kind);
  h hold%ROWTYPE;
BEGIN
  SELECT * INTO h FROM hold WHERE id = p_hold FOR UPDATE;
  IF NOT FOUND OR (v_kind = 'artist' AND h.user_id IS DISTINCT FROM p_actor) THEN
    RAISE EXCEPTION 'no such hold' USING ERRCODE = 'RL404', COLUMN = 'hold_id';
  END IF;
  IF v_kind = 'staff' AND admin_actor(p_actor) <> 'admin' AND h.created_by IS DISTINCT FROM p_actor THEN
    RAISE EXCEPTION 'staff may change only the holds they placed' USING ERRCODE = 'RL403';
  END IF;
  IF h.status = 'active' AND h.expires_at <= clock_timestamp() THEN
    RAISE EXCEPTION 'the hold expired at %; nothing was changed', admin_local(h.expires_at)
      USING ERRCODE = 'RL409', COLUMN = 'hold_id';
  END IF;
  IF h.status <> 'active' THEN
    RAISE EXCEPTION 'the hold is % already; nothing was changed', h.status
      USING ERRCODE = 'RL409', COLUMN = 'hold_id';
  END IF;
  RETURN h;
END $function$;

-- hold_release: let an active hold go now.
CREATE OR REPLACE FUNCTION public.hold_release(p_hold uuid, p_actor uuid, p_kind text)
 RETURNS text
 LANGUAGE plpgsql
AS $function$
DECLARE
  h hold%ROWTYPE := hold_lock(p_hold, p_actor, p_kind);
BEGIN
  UPDATE hold SET status = 'released' WHERE id = h.id;
  INSERT INTO audit_log (actor_user_id, action, entity, entity_id, diff_json)
  VALUES (p_actor, 'release', 'hold', h.id::text,
    jsonb_build_object('status', jsonb_build_array('active', 'released')));
  PERFORM notify_change('hold', h.id::text, h.room_id, h.blocked);
  RETURN 'released';
END $function$;

-- hold_extend: push an active hold's expiry p_minutes further (1 to
-- admin_hold_max_min(), and never more than that ahead of now). An
-- artist's hold lasts the studio's hold time and is not extended: the
-- artist holds the time again. Returns the new expiry.
CREATE OR REPLACE FUNCTION public.hold_extend(p_hold uuid, p_actor uuid, p_kind text, p_minutes integer)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
AS $function$
DECLARE
  h hold%ROWTYPE;
  v_exp timestamptz;
BEGIN
  IF actor_role(p_actor, p_kind) = 'artist' THEN
    RAISE EXCEPTION 'an artist''s hold is not extended; hold the time again' USING ERRCODE = 'RL403';
  END IF;
  IF p_minutes IS NULL OR p_minutes < 1 OR p_minutes > admin_hold_max_min() THEN
    RAISE EXCEPTION 'a hold is extended by 1 to % minutes', admin_hold_max_min()
      USING ERRCODE = 'RL400', COLUMN = 'minutes';
  END IF;
  h := hold_lock(p_hold, p_actor, p_kind);
  v_exp := h.expires_at + make_interval(mins => p_minutes);
  IF v_exp > clock_timestamp() + make_interval(mins => admin_hold_max_min()) THEN
    RAISE EXCEPTION 'a hold may not run more than % minutes ahead', admin_hold_max_min()
      USING ERRCODE = 'RL400', COLUMN = 'minutes';
  END IF;
  UPDATE hold SET expires_at = v_exp WHERE id = h.id;
  INSERT INTO audit_log (actor_user_id, action, entity, entity_id, diff_json)
  VALUES (p_actor, 'extend', 'hold', h.id::text,
    jsonb_build_object('expires_at', jsonb_build_array(h.expires_at, v_exp)));
  PERFORM notify_change('hold', h.id::text, h.room_id, h.blocked);
  RETURN v_exp;
END $function$;
