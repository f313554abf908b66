-- 0013: one reschedule for every actor (issue 11, item 1).
--
-- booking_reschedule (0002) let only a booking's own artist move it, wrote
-- no audit row and enqueued a job of its own. booking_move is the one
-- transaction behind db_booking_reschedule: the artist moves their own
-- booking under its stored policy (the fee the caller weighed, counted
-- against the free reschedules); staff move the bookings they are
-- assigned to and admins any, as the studio, with no fee and no count.
-- The effects are core's state table's for reschedule from the status
-- the caller saw (calendar_sync when confirmed), plus booking_rescheduled
-- for the artist's message. Every move writes its audit row.

-- booking_move: p_actor, acting as p_kind, moves a live booking to
-- [p_start, p_end) claiming p_blocked, guarded on p_seen_status. Returns
-- the new status and times.
CREATE FUNCTION booking_move(p_booking uuid, p_actor uuid, p_kind text, p_seen_status text,
  p_start timestamptz, p_end timestamptz, p_blocked tstzrange, p_fee_cents bigint, p_effects text[])
RETURNS TABLE (status text, start_at timestamptz, end_at timestamptz) LANGUAGE plpgsql AS $$
DECLARE
  v_kind text := actor_role(p_actor, p_kind);
  old booking%ROWTYPE;
  b booking%ROWTYPE;
BEGIN
  IF p_fee_cents IS NULL OR p_fee_cents < 0 OR (v_kind <> 'artist' AND p_fee_cents <> 0) THEN
    RAISE EXCEPTION 'the reschedule fee is out of range' USING ERRCODE = 'RL400', COLUMN = 'fee';
  END IF;
  -- a booking's room and staff do not change when it moves
  PERFORM claim_lock((SELECT x.room_id FROM booking x WHERE x.id = p_booking),
    ARRAY(SELECT s.staff_id FROM booking_staff s WHERE s.booking_id = p_booking));
  SELECT * INTO old FROM booking x WHERE x.id = p_booking FOR UPDATE;
  IF NOT FOUND OR (v_kind = 'artist' AND old.user_id IS DISTINCT FROM p_actor) THEN
    RAISE EXCEPTION 'no such booking' USING ERRCODE = 'RL404', COLUMN = 'id';
  END IF;
  IF v_kind = 'staff' AND admin_actor(p_actor) <> 'admin' AND NOT EXISTS (SELECT 1 FROM booking_staff bs
      JOIN staff s ON s.id = bs.staff_id WHERE bs.booking_id = p_booking AND s.user_id = p_actor) THEN
    RAISE EXCEPTION 'staff may reschedule only the bookings they are assigned to' USING ERRCODE = 'RL403';
  END IF;
  UPDATE booking x SET start_at = p_start, end_at = p_end, blocked = p_blocked,
    reschedule_count = x.reschedule_count + CASE WHEN v_kind = 'artist' THEN 1 ELSE 0 END,
    updated_at = now()
   WHERE x.id = p_booking AND x.status = p_seen_status
     AND x.status IN ('awaiting_approval','confirmed')
  RETURNING * INTO b;
  IF NOT FOUND THEN
    PERFORM admin_booking_changed(p_booking);
  END IF;
  PERFORM admin_enqueue(b.id, p_effects || ARRAY['booking_rescheduled'],
    jsonb_build_object('code', b.code, 'old_start_at', old.start_at, 'fee_cents', p_fee_cents));
  INSERT INTO audit_log (actor_user_id, action, entity, entity_id, diff_json)
  VALUES (p_actor, 'reschedule', 'booking', b.id::text,
    jsonb_build_object('code', b.code, 'start_at', jsonb_build_array(old.start_at, b.start_at),
      'end_at', jsonb_build_array(old.end_at, b.end_at), 'fee_cents', p_fee_cents, 'by', v_kind));
  PERFORM notify_change('booking', b.id::text, b.room_id, old.blocked);
  PERFORM notify_change('booking', b.id::text, b.room_id, b.blocked);
  RETURN QUERY SELECT b.status, b.start_at, b.end_at;
END $$;

-- The artist-only path is gone: redlightd calls booking_move too.
DROP FUNCTION booking_reschedule_locked(uuid, uuid, timestamptz, timestamptz, tstzrange, int);
DROP FUNCTION booking_reschedule(uuid, uuid, timestamptz, timestamptz, tstzrange, int);
