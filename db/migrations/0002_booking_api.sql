-- 0002: the artist-side mutations as one function each, so redlightd (async,
-- one statement per request) and the console (sync) run the same transaction.
-- Errors use SQLSTATEs of class RL: RL400 invalid, RL403 forbidden,
-- RL404 not found, RL409 state changed / unavailable; db_result_err maps them.

-- A hold keeps its buffers too, so the booking it becomes still fits.
ALTER TABLE hold ADD COLUMN blocked tstzrange;
UPDATE hold SET blocked = tstzrange(start_at, end_at, '[)');
ALTER TABLE hold ALTER COLUMN blocked SET NOT NULL;
ALTER TABLE hold ADD CHECK (lower(blocked) <= start_at AND upper(blocked) >= end_at);

CREATE OR REPLACE FUNCTION hold_sync_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'active' THEN
    INSERT INTO room_claim (room_id, during, hold_id, hold_expires_at)
    VALUES (NEW.room_id, NEW.blocked, NEW.id, NEW.expires_at)
    ON CONFLICT (hold_id) DO UPDATE SET room_id = EXCLUDED.room_id, during = EXCLUDED.during,
      hold_expires_at = EXCLUDED.hold_expires_at;
  ELSE
    DELETE FROM room_claim WHERE hold_id = NEW.id;
  END IF;
  RETURN NULL;
END $$;
DROP TRIGGER hold_claim ON hold;
CREATE TRIGGER hold_claim AFTER INSERT OR UPDATE OF status, room_id, blocked, expires_at ON hold
  FOR EACH ROW EXECUTE FUNCTION hold_sync_claim();

-- Everything that changes availability says so on one channel; the payload
-- names the room and the affected UTC range so caches drop only those days.
CREATE FUNCTION notify_change(p_entity text, p_id text, p_room uuid, p_range tstzrange)
RETURNS void LANGUAGE sql AS $$
  SELECT pg_notify('redlight_changes', json_build_object('entity', p_entity, 'id', p_id,
    'room_id', p_room,
    'from', extract(epoch FROM lower(p_range))::bigint,
    'to', extract(epoch FROM upper(p_range))::bigint)::text)
$$;

-- hold_place: claim [start,end) (widened to blocked) for ttl from settings.
CREATE FUNCTION hold_place(p_user uuid, p_room uuid, p_start timestamptz, p_end timestamptz,
  p_blocked tstzrange, p_token text)
RETURNS TABLE (hold_id uuid, expires_at timestamptz) LANGUAGE plpgsql AS $$
DECLARE
  v_id uuid;
  v_exp timestamptz;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM room WHERE id = p_room AND active) THEN
    RAISE EXCEPTION 'unknown room' USING ERRCODE = 'RL404', COLUMN = 'room_id';
  END IF;
  SELECT clock_timestamp() + make_interval(mins => s.hold_ttl_min) INTO v_exp FROM settings s WHERE s.id = 1;
  INSERT INTO hold (user_id, room_id, start_at, end_at, blocked, expires_at, token, created_by)
  VALUES (p_user, p_room, p_start, p_end, p_blocked, v_exp, p_token, p_user)
  RETURNING id INTO v_id;
  PERFORM notify_change('hold', v_id::text, p_room, p_blocked);
  RETURN QUERY SELECT v_id, v_exp;
END $$;

-- hold_release: the owner (or staff, p_user NULL) lets a hold go.
CREATE FUNCTION hold_release(p_hold uuid, p_user uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  h hold%ROWTYPE;
BEGIN
  UPDATE hold SET status = 'released'
   WHERE id = p_hold AND status = 'active' AND (p_user IS NULL OR user_id = p_user)
  RETURNING * INTO h;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no active hold with that id' USING ERRCODE = 'RL404', COLUMN = 'hold_id';
  END IF;
  PERFORM notify_change('hold', h.id::text, h.room_id, h.blocked);
END $$;

-- booking_submit: turn a request (and optionally the caller's own hold) into
-- an awaiting_approval booking, its staff and service lines, the
-- booking_submitted job and a change notice, in one transaction.
-- p_items: [{"service_id":..., "quantity":n, "unit_price_cents":n, "total_cents":n}]
CREATE FUNCTION booking_submit(p_user uuid, p_hold uuid, p_room uuid, p_start timestamptz,
  p_end timestamptz, p_blocked tstzrange, p_notes text, p_staff uuid[], p_items jsonb,
  p_code text, p_source text)
RETURNS TABLE (booking_id uuid, code text, status text) LANGUAGE plpgsql AS $$
DECLARE
  h hold%ROWTYPE;
  v_id uuid;
BEGIN
  IF p_hold IS NOT NULL THEN
    SELECT * INTO h FROM hold WHERE id = p_hold FOR UPDATE;
    IF NOT FOUND OR h.user_id IS DISTINCT FROM p_user THEN
      RAISE EXCEPTION 'no such hold' USING ERRCODE = 'RL404', COLUMN = 'hold_id';
    END IF;
    IF h.status <> 'active' OR h.expires_at <= clock_timestamp() THEN
      RAISE EXCEPTION 'the hold has expired; choose the time again' USING ERRCODE = 'RL409', COLUMN = 'hold_id';
    END IF;
    IF h.room_id <> p_room OR h.start_at <> p_start OR h.end_at <> p_end THEN
      RAISE EXCEPTION 'the hold is for another room or time' USING ERRCODE = 'RL400', COLUMN = 'hold_id';
    END IF;
    -- release first, so the booking can claim the same time in this transaction
    UPDATE hold SET status = 'converted' WHERE id = p_hold;
  END IF;
  INSERT INTO booking (code, user_id, room_id, status, start_at, end_at, blocked, notes, source)
  VALUES (p_code, p_user, p_room, 'awaiting_approval', p_start, p_end, p_blocked, coalesce(p_notes, ''), p_source)
  RETURNING id INTO v_id;
  INSERT INTO booking_staff (booking_id, staff_id, role)
  SELECT v_id, s, 'engineer' FROM unnest(coalesce(p_staff, '{}')) AS s;
  INSERT INTO booking_service (booking_id, service_id, quantity, unit_price_cents, total_cents)
  SELECT v_id, (i->>'service_id')::uuid, (i->>'quantity')::int, (i->>'unit_price_cents')::int, (i->>'total_cents')::int
    FROM jsonb_array_elements(coalesce(p_items, '[]')) AS i;
  INSERT INTO job (kind, payload) VALUES ('booking_submitted', json_build_object('booking_id', v_id));
  PERFORM notify_change('booking', v_id::text, p_room, p_blocked);
  RETURN QUERY SELECT v_id, p_code, 'awaiting_approval'::text;
END $$;

-- booking_cancel: guarded on the status the caller saw as live; records the
-- policy result it was shown. p_actor_is_staff adds an audit row.
CREATE FUNCTION booking_cancel(p_booking uuid, p_user uuid, p_actor_is_staff boolean,
  p_reason text, p_refund_percent int, p_refund_cents int)
RETURNS TABLE (status text) LANGUAGE plpgsql AS $$
DECLARE
  b booking%ROWTYPE;
BEGIN
  UPDATE booking SET status = 'canceled', updated_at = now()
   WHERE id = p_booking AND booking.status IN ('awaiting_approval','confirmed')
     AND (p_actor_is_staff OR user_id = p_user)
  RETURNING * INTO b;
  IF NOT FOUND THEN
    IF EXISTS (SELECT 1 FROM booking WHERE id = p_booking AND (p_actor_is_staff OR user_id = p_user)) THEN
      RAISE EXCEPTION 'the booking can no longer be canceled' USING ERRCODE = 'RL409', COLUMN = 'status';
    END IF;
    RAISE EXCEPTION 'no such booking' USING ERRCODE = 'RL404', COLUMN = 'id';
  END IF;
  INSERT INTO job (kind, payload) VALUES ('booking_canceled', json_build_object('booking_id', b.id,
    'reason', p_reason, 'refund_percent', p_refund_percent, 'refund_cents', p_refund_cents));
  IF p_actor_is_staff THEN
    INSERT INTO audit_log (actor_user_id, action, entity, entity_id, reason, diff_json)
    VALUES (p_user, 'cancel', 'booking', b.id::text, p_reason,
      json_build_object('status', json_build_array('live', 'canceled'), 'refund_cents', p_refund_cents));
  END IF;
  PERFORM notify_change('booking', b.id::text, b.room_id, b.blocked);
  RETURN QUERY SELECT 'canceled'::text;
END $$;

-- booking_reschedule: claim the new time and release the old in one update
-- (the claim triggers move both the room and the staff claims).
CREATE FUNCTION booking_reschedule(p_booking uuid, p_user uuid, p_start timestamptz,
  p_end timestamptz, p_blocked tstzrange, p_fee_cents int)
RETURNS TABLE (status text, start_at timestamptz, end_at timestamptz) LANGUAGE plpgsql AS $$
DECLARE
  old booking%ROWTYPE;
  b booking%ROWTYPE;
BEGIN
  SELECT * INTO old FROM booking WHERE id = p_booking AND user_id = p_user FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such booking' USING ERRCODE = 'RL404', COLUMN = 'id';
  END IF;
  IF old.status NOT IN ('awaiting_approval','confirmed') THEN
    RAISE EXCEPTION 'the booking can no longer be rescheduled' USING ERRCODE = 'RL409', COLUMN = 'status';
  END IF;
  UPDATE booking SET start_at = p_start, end_at = p_end, blocked = p_blocked,
    reschedule_count = reschedule_count + 1, updated_at = now()
   WHERE id = p_booking RETURNING * INTO b;
  INSERT INTO job (kind, payload) VALUES ('booking_rescheduled', json_build_object('booking_id', b.id,
    'old_start_at', old.start_at, 'fee_cents', p_fee_cents));
  PERFORM notify_change('booking', b.id::text, b.room_id, old.blocked);
  PERFORM notify_change('booking', b.id::text, b.room_id, b.blocked);
  RETURN QUERY SELECT b.status, b.start_at, b.end_at;
END $$;
