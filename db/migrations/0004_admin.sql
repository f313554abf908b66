-- 0004: the studio staff's mutations (approve, reject, cancel, holds,
-- staff assignment) as one function each, so every one is a single
-- transaction with its permission check, its audit_log row, its outbox
-- jobs and its change notice. db/admin.c calls them; errors use class RL
-- as in 0002 (RL400 invalid, RL403 forbidden, RL404 not found, RL409 the
-- state changed).
--
-- Who may do what: admins everything; staff may place holds, release and
-- extend the holds they placed, and cancel the bookings they are assigned
-- to. Only admins approve, reject, assign staff and set the rules aside.
--
-- Side effects arrive as p_effects: the job names core/bstate.c gives the
-- transition (booking_fx_name), so the state machine's table stays the one
-- place that says what approving or rejecting implies. 'release_claim' is
-- the claim triggers' work (0001) and enqueues nothing.
--
-- Overrides arrive as p_override: NULL, or {"reason": why the admin sets
-- the rules aside, "rule": what the rules said}; both go to the audit row.

-- The longest an admin hold may last or be extended by, in minutes (a week).
CREATE FUNCTION admin_hold_max_min() RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 7 * 24 * 60 $$;

-- admin_actor: the acting user's role; anyone but staff and admins is refused.
CREATE FUNCTION admin_actor(p_actor uuid) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_role text;
BEGIN
  SELECT u.role INTO v_role FROM app_user u WHERE u.id = p_actor;
  IF v_role IS NULL OR v_role NOT IN ('staff','admin') THEN
    RAISE EXCEPTION 'only studio staff and admins may do that' USING ERRCODE = 'RL403';
  END IF;
  RETURN v_role;
END $$;

-- admin_enqueue: one job per effect for a booking, in the order given.
CREATE FUNCTION admin_enqueue(p_booking uuid, p_effects text[], p_extra jsonb) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO job (kind, payload)
  SELECT t.fx, jsonb_build_object('booking_id', p_booking) || coalesce(p_extra, '{}'::jsonb)
    FROM unnest(coalesce(p_effects, '{}'::text[])) WITH ORDINALITY AS t(fx, n)
   WHERE t.fx <> 'release_claim'
   ORDER BY t.n
$$;

-- admin_local: an instant as the studio's wall clock, "2027-03-14 14:02".
CREATE FUNCTION admin_local(p_at timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT to_char(p_at AT TIME ZONE s.timezone, 'YYYY-MM-DD HH24:MI') FROM settings s WHERE s.id = 1
$$;

-- admin_booking_changed: raise the reason a guarded update of p_booking
-- found no row: no such booking, or who moved it on first (from the audit
-- log), or its status now.
CREATE FUNCTION admin_booking_changed(p_booking uuid) RETURNS void LANGUAGE plpgsql AS $$
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
END $$;

-- admin_text: p_text trimmed, NULL when empty; longer than p_max is RL400 on p_field.
CREATE FUNCTION admin_text(p_text text, p_field text, p_max int) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p_text IS NULL OR btrim(p_text) = '' THEN
    RETURN NULL;
  END IF;
  IF length(btrim(p_text)) > p_max THEN
    RAISE EXCEPTION '% is longer than % characters', p_field, p_max USING ERRCODE = 'RL400', COLUMN = p_field;
  END IF;
  RETURN btrim(p_text);
END $$;

-- booking_approve: awaiting_approval -> confirmed, guarded, with its audit
-- row, jobs and notice. Returns the new status.
CREATE FUNCTION booking_approve(p_booking uuid, p_actor uuid, p_note text, p_message text,
  p_effects text[], p_override jsonb)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  b booking%ROWTYPE;
  v_note text := admin_text(p_note, 'note', 2000);
  v_message text := admin_text(p_message, 'message', 2000);
BEGIN
  IF admin_actor(p_actor) <> 'admin' THEN
    RAISE EXCEPTION 'only an admin may approve bookings' USING ERRCODE = 'RL403';
  END IF;
  IF p_override IS NOT NULL AND admin_text(p_override->>'reason', 'reason', 2000) IS NULL THEN
    RAISE EXCEPTION 'an override needs a reason' USING ERRCODE = 'RL400', COLUMN = 'reason';
  END IF;
  UPDATE booking SET status = 'confirmed', approved_by = p_actor, approved_at = now(),
    approval_note = v_note, artist_message = v_message, updated_at = now()
   WHERE id = p_booking AND booking.status = 'awaiting_approval'
  RETURNING * INTO b;
  IF NOT FOUND THEN
    PERFORM admin_booking_changed(p_booking);
  END IF;
  PERFORM admin_enqueue(b.id, p_effects, jsonb_build_object('code', b.code, 'message', v_message));
  INSERT INTO audit_log (actor_user_id, action, entity, entity_id, reason, diff_json)
  VALUES (p_actor, 'approve', 'booking', b.id::text, p_override->>'reason',
    jsonb_build_object('code', b.code, 'status', jsonb_build_array('awaiting_approval', 'confirmed'),
      'note', v_note, 'message', v_message)
    || CASE WHEN p_override IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('override', p_override) END);
  PERFORM notify_change('booking', b.id::text, b.room_id, b.blocked);
  RETURN b.status;
END $$;

-- booking_reject: awaiting_approval -> rejected with a message to the
-- artist (required); the claim triggers release the room and staff.
CREATE FUNCTION booking_reject(p_booking uuid, p_actor uuid, p_note text, p_message text,
  p_effects text[])
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  b booking%ROWTYPE;
  v_note text := admin_text(p_note, 'note', 2000);
  v_message text := admin_text(p_message, 'message', 2000);
  v_action text;
BEGIN
  IF admin_actor(p_actor) <> 'admin' THEN
    RAISE EXCEPTION 'only an admin may reject bookings' USING ERRCODE = 'RL403';
  END IF;
  IF v_message IS NULL THEN
    RAISE EXCEPTION 'a rejection needs a message to the artist' USING ERRCODE = 'RL400', COLUMN = 'message';
  END IF;
  SELECT s.reject_action INTO v_action FROM settings s WHERE s.id = 1;
  UPDATE booking SET status = 'rejected', approval_note = v_note, artist_message = v_message,
    updated_at = now()
   WHERE id = p_booking AND booking.status = 'awaiting_approval'
  RETURNING * INTO b;
  IF NOT FOUND THEN
    PERFORM admin_booking_changed(p_booking);
  END IF;
  PERFORM admin_enqueue(b.id, p_effects,
    jsonb_build_object('code', b.code, 'message', v_message, 'payment_action', v_action));
  INSERT INTO audit_log (actor_user_id, action, entity, entity_id, reason, diff_json)
  VALUES (p_actor, 'reject', 'booking', b.id::text, v_message,
    jsonb_build_object('code', b.code, 'status', jsonb_build_array('awaiting_approval', 'rejected'),
      'note', v_note, 'message', v_message));
  PERFORM notify_change('booking', b.id::text, b.room_id, b.blocked);
  RETURN b.status;
END $$;

-- booking_cancel_by: staff or an admin cancels a live booking, guarded on
-- the status the caller evaluated the policy for, recording the refund the
-- policy gave. Staff may cancel only the bookings they are assigned to.
CREATE FUNCTION booking_cancel_by(p_booking uuid, p_actor uuid, p_reason text, p_seen_status text,
  p_refund_percent int, p_refund_cents bigint, p_effects text[])
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  b booking%ROWTYPE;
  v_role text := admin_actor(p_actor);
  v_reason text := admin_text(p_reason, 'reason', 2000);
BEGIN
  IF v_reason IS NULL THEN
    RAISE EXCEPTION 'a cancellation needs a reason' USING ERRCODE = 'RL400', COLUMN = 'reason';
  END IF;
  IF p_refund_percent NOT BETWEEN 0 AND 100 OR p_refund_cents < 0 THEN
    RAISE EXCEPTION 'the refund is out of range' USING ERRCODE = 'RL400', COLUMN = 'refund';
  END IF;
  IF v_role <> 'admin' AND NOT EXISTS (SELECT 1 FROM booking_staff bs JOIN staff s ON s.id = bs.staff_id
      WHERE bs.booking_id = p_booking AND s.user_id = p_actor) THEN
    RAISE EXCEPTION 'staff may cancel only the bookings they are assigned to' USING ERRCODE = 'RL403';
  END IF;
  UPDATE booking SET status = 'canceled', updated_at = now()
   WHERE id = p_booking AND booking.status = p_seen_status
     AND booking.status IN ('awaiting_approval','confirmed')
  RETURNING * INTO b;
  IF NOT FOUND THEN
    PERFORM admin_booking_changed(p_booking);
  END IF;
  PERFORM admin_enqueue(b.id, p_effects, jsonb_build_object('code', b.code, 'reason', v_reason,
    'refund_percent', p_refund_percent, 'refund_cents', p_refund_cents));
  INSERT INTO audit_log (actor_user_id, action, entity, entity_id, reason, diff_json)
  VALUES (p_actor, 'cancel', 'booking', b.id::text, v_reason,
    jsonb_build_object('code', b.code, 'status', jsonb_build_array(p_seen_status, 'canceled'),
      'refund_percent', p_refund_percent, 'refund_cents', p_refund_cents));
  PERFORM notify_change('booking', b.id::text, b.room_id, b.blocked);
  RETURN b.status;
END $$;

-- hold_place_by: staff or an admin holds a room for p_ttl_min minutes
-- (NULL: the studio's hold_ttl_min). The hold belongs to no artist.
CREATE FUNCTION hold_place_by(p_actor uuid, p_room uuid, p_start timestamptz, p_end timestamptz,
  p_blocked tstzrange, p_token text, p_ttl_min int, p_override jsonb)
RETURNS TABLE (hold_id uuid, expires_at timestamptz) LANGUAGE plpgsql AS $$
DECLARE
  v_role text := admin_actor(p_actor);
  v_id uuid;
  v_ttl int := p_ttl_min;
  v_exp timestamptz;
  v_room text;
BEGIN
  IF p_override IS NOT NULL AND v_role <> 'admin' THEN
    RAISE EXCEPTION 'only an admin may set the booking rules aside' USING ERRCODE = 'RL403';
  END IF;
  IF p_override IS NOT NULL AND admin_text(p_override->>'reason', 'reason', 2000) IS NULL THEN
    RAISE EXCEPTION 'an override needs a reason' USING ERRCODE = 'RL400', COLUMN = 'reason';
  END IF;
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
  VALUES (NULL, p_room, p_start, p_end, p_blocked, v_exp, p_token, p_actor)
  RETURNING id INTO v_id;
  INSERT INTO audit_log (actor_user_id, action, entity, entity_id, reason, diff_json)
  VALUES (p_actor, 'hold', 'hold', v_id::text, p_override->>'reason',
    jsonb_build_object('room', v_room, 'start_at', p_start, 'end_at', p_end, 'expires_at', v_exp)
    || CASE WHEN p_override IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('override', p_override) END);
  PERFORM notify_change('hold', v_id::text, p_room, p_blocked);
  RETURN QUERY SELECT v_id, v_exp;
END $$;

-- admin_hold_lock: lock an active hold p_actor may change (staff: their own).
CREATE FUNCTION admin_hold_lock(p_hold uuid, p_actor uuid) RETURNS hold LANGUAGE plpgsql AS $$
DECLARE
  v_role text := admin_actor(p_actor);
  h hold%ROWTYPE;
BEGIN
  SELECT * INTO h FROM hold WHERE id = p_hold FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such hold' USING ERRCODE = 'RL404', COLUMN = 'hold_id';
  END IF;
  IF v_role <> 'admin' AND h.created_by IS DISTINCT FROM p_actor THEN
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
END $$;

-- hold_release_by: let an active hold go now.
CREATE FUNCTION hold_release_by(p_hold uuid, p_actor uuid) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  h hold%ROWTYPE := admin_hold_lock(p_hold, p_actor);
BEGIN
  UPDATE hold SET status = 'released' WHERE id = h.id;
  INSERT INTO audit_log (actor_user_id, action, entity, entity_id, diff_json)
  VALUES (p_actor, 'release', 'hold', h.id::text,
    jsonb_build_object('status', jsonb_build_array('active', 'released')));
  PERFORM notify_change('hold', h.id::text, h.room_id, h.blocked);
  RETURN 'released';
END $$;

-- hold_extend: push an active hold's expiry p_minutes further. Returns the
-- new expiry.
CREATE FUNCTION hold_extend(p_hold uuid, p_actor uuid, p_minutes int) RETURNS timestamptz
LANGUAGE plpgsql AS $$
DECLARE
  h hold%ROWTYPE;
  v_exp timestamptz;
BEGIN
  IF p_minutes IS NULL OR p_minutes < 1 OR p_minutes > admin_hold_max_min() THEN
    RAISE EXCEPTION 'a hold is extended by 1 to % minutes', admin_hold_max_min()
      USING ERRCODE = 'RL400', COLUMN = 'minutes';
  END IF;
  h := admin_hold_lock(p_hold, p_actor);
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
END $$;

-- admin_staff_names: the display names of staff ids, in the order given.
CREATE FUNCTION admin_staff_names(p_staff uuid[]) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT coalesce(jsonb_agg(s.display_name ORDER BY t.n), '[]'::jsonb)
    FROM unnest(coalesce(p_staff, '{}'::uuid[])) WITH ORDINALITY AS t(id, n)
    JOIN staff s ON s.id = t.id
$$;

-- admin_booking_lock: lock a live booking for a staff change (admins only).
CREATE FUNCTION admin_booking_lock(p_booking uuid, p_actor uuid) RETURNS booking LANGUAGE plpgsql AS $$
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
END $$;

-- admin_staff_changed: the audit row, the calendar job (a confirmed
-- booking's event moves between staff calendars) and the notice after a
-- booking's staff changed from p_old to its current set.
CREATE FUNCTION admin_staff_changed(b booking, p_actor uuid, p_action text, p_old uuid[])
RETURNS void LANGUAGE plpgsql AS $$
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
END $$;

-- booking_assign_staff: make p_staff the booking's staff (kept ones keep
-- their role, new ones are engineers). The exclusion constraint refuses a
-- staff member already on an overlapping live booking (23P01).
CREATE FUNCTION booking_assign_staff(p_booking uuid, p_actor uuid, p_staff uuid[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  b booking%ROWTYPE := admin_booking_lock(p_booking, p_actor);
  v_old uuid[];
  v_staff uuid[] := ARRAY(SELECT DISTINCT s FROM unnest(coalesce(p_staff, '{}'::uuid[])) AS s);
BEGIN
  IF EXISTS (SELECT 1 FROM unnest(v_staff) AS t(id)
      WHERE NOT EXISTS (SELECT 1 FROM staff s WHERE s.id = t.id AND s.active)) THEN
    RAISE EXCEPTION 'unknown staff member' USING ERRCODE = 'RL404', COLUMN = 'staff_ids';
  END IF;
  SELECT coalesce(array_agg(bs.staff_id ORDER BY bs.staff_id), '{}') INTO v_old
    FROM booking_staff bs WHERE bs.booking_id = b.id;
  DELETE FROM booking_staff bs WHERE bs.booking_id = b.id AND NOT (bs.staff_id = ANY (v_staff));
  -- the conflict target keeps the exclusion constraint armed
  INSERT INTO booking_staff (booking_id, staff_id, role)
  SELECT b.id, t.id, 'engineer' FROM unnest(v_staff) AS t(id)
  ON CONFLICT (booking_id, staff_id) DO NOTHING;
  PERFORM admin_staff_changed(b, p_actor, 'assign_staff', v_old);
END $$;

-- booking_swap_staff: p_staff_a leaves booking p_a for booking p_b and
-- p_staff_b moves the other way, in one step, so two overlapping sessions
-- can trade engineers.
CREATE FUNCTION booking_swap_staff(p_a uuid, p_staff_a uuid, p_b uuid, p_staff_b uuid, p_actor uuid)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  a booking%ROWTYPE;
  b booking%ROWTYPE;
  v_old_a uuid[];
  v_old_b uuid[];
  v_role_a text;
  v_role_b text;
BEGIN
  IF p_a = p_b THEN
    RAISE EXCEPTION 'a swap needs two different bookings' USING ERRCODE = 'RL400', COLUMN = 'code';
  END IF;
  -- lock in id order so two swaps of the same pair cannot deadlock
  IF p_a < p_b THEN
    a := admin_booking_lock(p_a, p_actor);
    b := admin_booking_lock(p_b, p_actor);
  ELSE
    b := admin_booking_lock(p_b, p_actor);
    a := admin_booking_lock(p_a, p_actor);
  END IF;
  SELECT bs.role INTO v_role_a FROM booking_staff bs WHERE bs.booking_id = a.id AND bs.staff_id = p_staff_a;
  IF NOT FOUND THEN
    RAISE EXCEPTION '% is not on %', (SELECT display_name FROM staff WHERE id = p_staff_a), a.code
      USING ERRCODE = 'RL400', COLUMN = 'staff_ids';
  END IF;
  SELECT bs.role INTO v_role_b FROM booking_staff bs WHERE bs.booking_id = b.id AND bs.staff_id = p_staff_b;
  IF NOT FOUND THEN
    RAISE EXCEPTION '% is not on %', (SELECT display_name FROM staff WHERE id = p_staff_b), b.code
      USING ERRCODE = 'RL400', COLUMN = 'staff_ids';
  END IF;
  IF EXISTS (SELECT 1 FROM booking_staff bs WHERE (bs.booking_id = a.id AND bs.staff_id = p_staff_b)
      OR (bs.booking_id = b.id AND bs.staff_id = p_staff_a)) THEN
    RAISE EXCEPTION 'both are on one of the bookings already; assign the staff instead'
      USING ERRCODE = 'RL400', COLUMN = 'staff_ids';
  END IF;
  SELECT coalesce(array_agg(bs.staff_id ORDER BY bs.staff_id), '{}') INTO v_old_a
    FROM booking_staff bs WHERE bs.booking_id = a.id;
  SELECT coalesce(array_agg(bs.staff_id ORDER BY bs.staff_id), '{}') INTO v_old_b
    FROM booking_staff bs WHERE bs.booking_id = b.id;
  -- both leave before either arrives: the constraint is checked per row
  DELETE FROM booking_staff bs WHERE (bs.booking_id = a.id AND bs.staff_id = p_staff_a)
     OR (bs.booking_id = b.id AND bs.staff_id = p_staff_b);
  INSERT INTO booking_staff (booking_id, staff_id, role) VALUES (a.id, p_staff_b, v_role_a);
  INSERT INTO booking_staff (booking_id, staff_id, role) VALUES (b.id, p_staff_a, v_role_b);
  PERFORM admin_staff_changed(a, p_actor, 'swap_staff', v_old_a);
  PERFORM admin_staff_changed(b, p_actor, 'swap_staff', v_old_b);
END $$;
