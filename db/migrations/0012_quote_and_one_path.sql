-- 0012: money kept as quoted, approval_mode = auto, and one path for the
-- artist and the staff through cancel and holds (issue 11).
--
-- Money as quoted: at submission a booking stores its quote in
-- booking_quote (subtotal, fees, tax rate and tax, total, deposit,
-- currency, and the cancellation and reschedule policy the artist
-- acknowledged), next to its line items in booking_service (now with the
-- name the line was quoted under). core/quote.c computes the quote, once;
-- every later read (booking_json, the console's booking, refunds) reads
-- these rows and never today's settings.
--
-- Actors: the transitions below take who acts as p_kind, one of
-- 'artist' (p_actor is the artist, who may touch only their own bookings
-- and holds), 'staff' and 'admin' (p_actor must hold that role in
-- app_user; staff as 0004 says), and 'system' (p_actor NULL: the studio's
-- own rules, e.g. auto approval). The jobs a transition enqueues arrive as
-- p_effects from core/bstate.c's table, so the same change enqueues the
-- same jobs whoever makes it, and every actor's change writes its
-- audit_log row.
--
-- Replaced here: booking_submit and booking_submit_locked (0002, 0005)
-- by booking_submit; booking_cancel (0002) and booking_cancel_by (0004) by
-- booking_cancel; hold_place, hold_place_locked, hold_release (0002, 0005),
-- hold_place_by, hold_release_by, admin_hold_lock and the old hold_extend
-- (0004) by hold_place, hold_release, hold_extend and hold_lock.

-- ---- limits, defined once ----

-- The longest cancellation reason, in characters (the web, the CLI and the
-- console let this function's callers refuse longer ones).
CREATE FUNCTION booking_reason_max() RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 2000 $$;

-- ---- the stored quote ----

ALTER TABLE booking_service ADD COLUMN name text;

CREATE TABLE booking_quote (
  booking_id uuid PRIMARY KEY REFERENCES booking(id) ON DELETE CASCADE,
  subtotal_cents bigint NOT NULL CHECK (subtotal_cents >= 0),
  fees_cents bigint NOT NULL CHECK (fees_cents >= 0),
  tax_rate_bp int NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
  taxes_cents bigint NOT NULL CHECK (taxes_cents >= 0),
  total_cents bigint NOT NULL,
  deposit_percent int NOT NULL CHECK (deposit_percent BETWEEN 0 AND 100),
  deposit_cents bigint NOT NULL CHECK (deposit_cents BETWEEN 0 AND total_cents),
  currency text NOT NULL,
  cancellation_tiers jsonb NOT NULL CHECK (jsonb_typeof(cancellation_tiers) = 'array'),
  reschedule_free_min_hours int NOT NULL CHECK (reschedule_free_min_hours >= 0),
  reschedule_free_count int NOT NULL CHECK (reschedule_free_count >= 0),
  reschedule_fee_cents bigint NOT NULL CHECK (reschedule_fee_cents >= 0),
  -- the policy in the words the artist read (core/policy.c); NULL for a
  -- booking made before quotes were stored (see booking_quote_backfill)
  policy_summary text,
  quoted_at timestamptz NOT NULL DEFAULT now(),
  backfilled boolean NOT NULL DEFAULT false,
  CHECK (total_cents = subtotal_cents + fees_cents + taxes_cents)
);

-- booking_quote_backfill: give a booking stored before 0012 (or loaded by
-- the demo seed) the quote it never stored. Its lines were stored at
-- submission; the fee, tax, deposit and policy are TODAY'S settings, the
-- best knowledge there is of what its artist was shown, and core/quote.c's
-- rule (percentages half up to a cent, tax on subtotal plus fees). The row
-- says backfilled. A booking that has a quote keeps it.
CREATE FUNCTION booking_quote_backfill(p_booking uuid) RETURNS void LANGUAGE sql AS $$
  UPDATE booking_service x SET name = v.name FROM service v
   WHERE x.booking_id = p_booking AND v.id = x.service_id AND x.name IS NULL;
  INSERT INTO booking_quote (booking_id, subtotal_cents, fees_cents, tax_rate_bp, taxes_cents,
    total_cents, deposit_percent, deposit_cents, currency, cancellation_tiers,
    reschedule_free_min_hours, reschedule_free_count, reschedule_fee_cents, policy_summary,
    quoted_at, backfilled)
  SELECT p_booking, t.sub, t.fee, t.bp, t.tax, t.sub + t.fee + t.tax, t.dp,
         ((t.sub + t.fee + t.tax) * t.dp * 100 + 5000) / 10000, t.currency, t.tiers,
         t.rfh, t.rfc, t.rfee, NULL, t.created_at, true
    FROM (SELECT sub.cents AS sub, s.fee_cents::bigint AS fee, s.tax_rate_bp AS bp,
                 ((sub.cents + s.fee_cents) * s.tax_rate_bp + 5000) / 10000 AS tax,
                 s.deposit_percent AS dp, s.currency, s.cancellation_tiers AS tiers,
                 s.reschedule_free_min_hours AS rfh, s.reschedule_free_count AS rfc,
                 s.reschedule_fee_cents::bigint AS rfee, b.created_at
            FROM booking b, settings s,
                 LATERAL (SELECT coalesce(sum(x.total_cents), 0)::bigint AS cents
                            FROM booking_service x WHERE x.booking_id = b.id) sub
           WHERE b.id = p_booking AND s.id = 1) t
  ON CONFLICT (booking_id) DO NOTHING
$$;

SELECT booking_quote_backfill(b.id) FROM booking b;

-- booking_quote_json: a booking's stored quote, as the API, the console
-- and the CLI show it. NULL when it has none.
CREATE FUNCTION booking_quote_json(p_booking uuid) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object('subtotal_cents', q.subtotal_cents, 'fees_cents', q.fees_cents,
    'tax_rate_bp', q.tax_rate_bp, 'taxes_cents', q.taxes_cents, 'total_cents', q.total_cents,
    'deposit_percent', q.deposit_percent, 'deposit_cents', q.deposit_cents,
    'currency', q.currency, 'quoted_at', json_utc(q.quoted_at), 'backfilled', q.backfilled,
    'policy', json_build_object('cancellation_tiers', q.cancellation_tiers,
      'reschedule_free_min_hours', q.reschedule_free_min_hours,
      'reschedule_free_count', q.reschedule_free_count,
      'reschedule_fee_cents', q.reschedule_fee_cents, 'summary', q.policy_summary))
    FROM booking_quote q WHERE q.booking_id = p_booking
$$;

-- booking_json (0005): now every amount is the stored quote's; 'totals'
-- keeps its shape, 'quote' adds the rates and the policy acknowledged.
CREATE OR REPLACE FUNCTION booking_json(p_booking uuid) RETURNS json
  LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'id', b.id, 'code', b.code, 'status', b.status,
    'room', json_build_object('id', r.id, 'name', r.name),
    'start_at', json_utc(b.start_at), 'end_at', json_utc(b.end_at),
    'notes', b.notes, 'source', b.source,
    'services', coalesce((SELECT json_agg(json_build_object('service_id', sv.id,
        'name', coalesce(bs.name, sv.name), 'is_addon', sv.is_addon, 'quantity', bs.quantity,
        'unit_price_cents', bs.unit_price_cents, 'total_cents', bs.total_cents)
        ORDER BY sv.is_addon, coalesce(bs.name, sv.name))
        FROM booking_service bs JOIN service sv ON sv.id = bs.service_id WHERE bs.booking_id = b.id), '[]'),
    'staff', coalesce((SELECT json_agg(json_build_object('id', st.id, 'name', st.display_name,
        'role', bst.role) ORDER BY st.display_name)
        FROM booking_staff bst JOIN staff st ON st.id = bst.staff_id WHERE bst.booking_id = b.id), '[]'),
    'totals', json_build_object('subtotal_cents', q.subtotal_cents, 'fees_cents', q.fees_cents,
        'taxes_cents', q.taxes_cents, 'total_cents', q.total_cents,
        'deposit_cents', q.deposit_cents, 'currency', q.currency),
    'quote', booking_quote_json(b.id),
    'paid_cents', booking_paid_cents(b.id),
    'payments', coalesce((SELECT json_agg(json_build_object('id', p.id, 'amount_cents', p.amount_cents,
        'currency', p.currency, 'status', p.status, 'created_at', json_utc(p.created_at)) ORDER BY p.created_at)
        FROM payment p WHERE p.booking_id = b.id), '[]'),
    'reschedule_count', b.reschedule_count,
    'created_at', json_utc(b.created_at), 'updated_at', json_utc(b.updated_at))
  FROM booking b JOIN room r ON r.id = b.room_id LEFT JOIN booking_quote q ON q.booking_id = b.id
  WHERE b.id = p_booking
$$;

-- ---- who acts ----

-- actor_role: check that p_actor may act as p_kind and return p_kind.
-- 'artist' needs a user; 'staff' a staff member or an admin; 'admin' an
-- admin; 'system' no user at all. Anything else is RL403.
CREATE FUNCTION actor_role(p_actor uuid, p_kind text) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_role text;
BEGIN
  IF p_kind = 'system' AND p_actor IS NULL THEN
    RETURN p_kind;
  END IF;
  SELECT u.role INTO v_role FROM app_user u WHERE u.id = p_actor;
  IF v_role IS NOT NULL AND (p_kind = 'artist'
      OR (p_kind = 'staff' AND v_role IN ('staff','admin'))
      OR (p_kind = 'admin' AND v_role = 'admin')) THEN
    RETURN p_kind;
  END IF;
  IF p_kind IN ('staff','admin') THEN
    RAISE EXCEPTION 'only studio staff and admins may do that' USING ERRCODE = 'RL403';
  END IF;
  RAISE EXCEPTION 'you may not do that' USING ERRCODE = 'RL403';
END $$;

-- ---- approve, and auto approval ----

-- booking_confirm: awaiting_approval -> confirmed as p_actor (NULL: the
-- system), with its jobs, audit row and notice; the checks of who may do
-- it are the caller's. Returns the new status.
CREATE FUNCTION booking_confirm(p_booking uuid, p_actor uuid, p_note text, p_message text,
  p_effects text[], p_override jsonb)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  b booking%ROWTYPE;
  v_note text := admin_text(p_note, 'note', 2000);
  v_message text := admin_text(p_message, 'message', 2000);
BEGIN
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
    || CASE WHEN p_actor IS NULL THEN jsonb_build_object('by', 'system') ELSE '{}'::jsonb END
    || CASE WHEN p_override IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('override', p_override) END);
  PERFORM notify_change('booking', b.id::text, b.room_id, b.blocked);
  RETURN b.status;
END $$;

-- booking_approve (0004): an admin's approval is booking_confirm.
CREATE OR REPLACE FUNCTION booking_approve(p_booking uuid, p_actor uuid, p_note text, p_message text,
  p_effects text[], p_override jsonb)
RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  IF admin_actor(p_actor) <> 'admin' THEN
    RAISE EXCEPTION 'only an admin may approve bookings' USING ERRCODE = 'RL403';
  END IF;
  RETURN booking_confirm(p_booking, p_actor, p_note, p_message, p_effects, p_override);
END $$;

-- ---- submit ----

DROP FUNCTION booking_submit_locked(uuid, uuid, uuid, timestamptz, timestamptz, tstzrange, text,
  uuid[], jsonb, text, text);
DROP FUNCTION booking_submit(uuid, uuid, uuid, timestamptz, timestamptz, tstzrange, text,
  uuid[], jsonb, text, text);

-- booking_submit: turn a request (and optionally the caller's own hold)
-- into an awaiting_approval booking with its staff, its quoted lines and
-- its quote, the booking_submitted job and a change notice, in one
-- transaction, claims taken in turn (claim_lock, 0005). Under
-- approval_mode = 'auto' the booking is then confirmed by the system with
-- p_approve_effects (core's jobs for approve) and a system audit row.
-- p_items: [{"service_id", "name", "quantity", "unit_price_cents", "total_cents"}]
-- p_quote: {subtotal_cents, fees_cents, tax_rate_bp, taxes_cents,
--   total_cents, deposit_percent, deposit_cents, currency,
--   cancellation_tiers, reschedule_free_min_hours, reschedule_free_count,
--   reschedule_fee_cents, policy_summary} (db/quote.c builds both).
CREATE FUNCTION booking_submit(p_user uuid, p_hold uuid, p_room uuid, p_start timestamptz,
  p_end timestamptz, p_blocked tstzrange, p_notes text, p_staff uuid[], p_items jsonb,
  p_quote jsonb, p_code text, p_source text, p_approve_effects text[])
RETURNS TABLE (booking_id uuid, code text, status text) LANGUAGE plpgsql AS $$
DECLARE
  h hold%ROWTYPE;
  v_id uuid;
  v_status text := 'awaiting_approval';
BEGIN
  IF p_quote IS NULL OR jsonb_typeof(p_quote) <> 'object' THEN
    RAISE EXCEPTION 'a booking needs its quote' USING ERRCODE = 'RL400', COLUMN = 'quote';
  END IF;
  PERFORM claim_lock(p_room, p_staff);
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
  INSERT INTO booking_service (booking_id, service_id, name, quantity, unit_price_cents, total_cents)
  SELECT v_id, (i->>'service_id')::uuid, i->>'name', (i->>'quantity')::int,
         (i->>'unit_price_cents')::int, (i->>'total_cents')::int
    FROM jsonb_array_elements(coalesce(p_items, '[]')) AS i;
  IF (p_quote->>'subtotal_cents')::bigint IS DISTINCT FROM
      (SELECT coalesce(sum(x.total_cents), 0) FROM booking_service x WHERE x.booking_id = v_id) THEN
    RAISE EXCEPTION 'the quote does not add up to its lines' USING ERRCODE = 'RL400', COLUMN = 'quote';
  END IF;
  INSERT INTO booking_quote (booking_id, subtotal_cents, fees_cents, tax_rate_bp, taxes_cents,
    total_cents, deposit_percent, deposit_cents, currency, cancellation_tiers,
    reschedule_free_min_hours, reschedule_free_count, reschedule_fee_cents, policy_summary)
  VALUES (v_id, (p_quote->>'subtotal_cents')::bigint, (p_quote->>'fees_cents')::bigint,
    (p_quote->>'tax_rate_bp')::int, (p_quote->>'taxes_cents')::bigint,
    (p_quote->>'total_cents')::bigint, (p_quote->>'deposit_percent')::int,
    (p_quote->>'deposit_cents')::bigint, p_quote->>'currency', p_quote->'cancellation_tiers',
    (p_quote->>'reschedule_free_min_hours')::int, (p_quote->>'reschedule_free_count')::int,
    (p_quote->>'reschedule_fee_cents')::bigint, p_quote->>'policy_summary');
  INSERT INTO job (kind, payload) VALUES ('booking_submitted', json_build_object('booking_id', v_id));
  PERFORM notify_change('booking', v_id::text, p_room, p_blocked);
  IF (SELECT s.approval_mode FROM settings s WHERE s.id = 1) = 'auto' THEN
    v_status := booking_confirm(v_id, NULL, NULL, NULL, p_approve_effects, NULL);
  END IF;
  RETURN QUERY SELECT v_id, p_code, v_status;
END $$;

-- ---- cancel ----

DROP FUNCTION booking_cancel(uuid, uuid, boolean, text, int, int);
DROP FUNCTION booking_cancel_by(uuid, uuid, text, text, int, bigint, text[]);

-- booking_cancel: p_actor, acting as p_kind, cancels a live booking,
-- guarded on the status the caller evaluated the policy for, recording the
-- refund the booking's stored policy gave. An artist cancels only their
-- own bookings (anyone else's is not found) and may leave the reason out;
-- staff only the bookings they are assigned to; an admin or the system
-- any. Jobs: p_effects (core's table for cancel from p_seen_status).
CREATE FUNCTION booking_cancel(p_booking uuid, p_actor uuid, p_kind text, p_reason text,
  p_seen_status text, p_refund_percent int, p_refund_cents bigint, p_effects text[])
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  b booking%ROWTYPE;
  v_kind text := actor_role(p_actor, p_kind);
  v_reason text := admin_text(p_reason, 'reason', booking_reason_max());
BEGIN
  IF v_kind = 'artist' AND NOT EXISTS (SELECT 1 FROM booking x WHERE x.id = p_booking AND x.user_id = p_actor) THEN
    RAISE EXCEPTION 'no such booking' USING ERRCODE = 'RL404', COLUMN = 'id';
  END IF;
  IF v_reason IS NULL AND v_kind <> 'artist' THEN
    RAISE EXCEPTION 'a cancellation needs a reason' USING ERRCODE = 'RL400', COLUMN = 'reason';
  END IF;
  IF p_refund_percent NOT BETWEEN 0 AND 100 OR p_refund_cents < 0 THEN
    RAISE EXCEPTION 'the refund is out of range' USING ERRCODE = 'RL400', COLUMN = 'refund';
  END IF;
  IF v_kind = 'staff' AND admin_actor(p_actor) <> 'admin' AND NOT EXISTS (SELECT 1 FROM booking_staff bs
      JOIN staff s ON s.id = bs.staff_id WHERE bs.booking_id = p_booking AND s.user_id = p_actor) THEN
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

-- ---- holds ----

DROP FUNCTION hold_place_locked(uuid, uuid, timestamptz, timestamptz, tstzrange, text);
DROP FUNCTION hold_place(uuid, uuid, timestamptz, timestamptz, tstzrange, text);
DROP FUNCTION hold_release(uuid, uuid);
DROP FUNCTION hold_place_by(uuid, uuid, timestamptz, timestamptz, tstzrange, text, int, jsonb);
DROP FUNCTION hold_release_by(uuid, uuid);
DROP FUNCTION hold_extend(uuid, uuid, int);
DROP FUNCTION admin_hold_lock(uuid, uuid);

-- hold_place: p_actor, acting as p_kind, holds [p_start, p_end) (claiming
-- p_blocked) in turn with other writers of the room (claim_lock). An
-- artist's hold is theirs and lasts the studio's hold_ttl_min; staff and
-- admins hold for the studio, for p_ttl_min minutes (NULL: hold_ttl_min,
-- at most admin_hold_max_min()), and only an admin sets the rules aside
-- (p_override). Every hold writes its audit row.
CREATE FUNCTION hold_place(p_actor uuid, p_kind text, p_room uuid, p_start timestamptz,
  p_end timestamptz, p_blocked tstzrange, p_token text, p_ttl_min int, p_override jsonb)
RETURNS TABLE (hold_id uuid, expires_at timestamptz) LANGUAGE plpgsql AS $$
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
  PERFORM claim_lock(p_room, NULL);
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
END $$;

-- hold_lock: lock an active hold p_actor may change as p_kind: an artist
-- their own (anyone else's is not found), staff the holds they placed, an
-- admin or the system any.
CREATE FUNCTION hold_lock(p_hold uuid, p_actor uuid, p_kind text) RETURNS hold LANGUAGE plpgsql AS $$
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
END $$;

-- hold_release: let an active hold go now.
CREATE FUNCTION hold_release(p_hold uuid, p_actor uuid, p_kind text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  h hold%ROWTYPE := hold_lock(p_hold, p_actor, p_kind);
BEGIN
  UPDATE hold SET status = 'released' WHERE id = h.id;
  INSERT INTO audit_log (actor_user_id, action, entity, entity_id, diff_json)
  VALUES (p_actor, 'release', 'hold', h.id::text,
    jsonb_build_object('status', jsonb_build_array('active', 'released')));
  PERFORM notify_change('hold', h.id::text, h.room_id, h.blocked);
  RETURN 'released';
END $$;

-- hold_extend: push an active hold's expiry p_minutes further (1 to
-- admin_hold_max_min(), and never more than that ahead of now). An
-- artist's hold lasts the studio's hold time and is not extended: the
-- artist holds the time again. Returns the new expiry.
CREATE FUNCTION hold_extend(p_hold uuid, p_actor uuid, p_kind text, p_minutes int) RETURNS timestamptz
LANGUAGE plpgsql AS $$
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
END $$;
