-- db/functions/booking.sql
-- Booking transitions: submit, confirm/approve, reject, cancel, move
-- (reschedule), staff assignment and swap, and the booking as JSON (db/booking.c,
-- db/booking-studio.c). Each checks who acts, writes the audit row and
-- enqueues the effects core's state table hands it, in one transaction.
--
-- The current definition of every function of this family. Applied by
-- `redlight migrate` after the migrations whenever this text changes
-- (schema_function_family records its checksum). Change functions here,
-- never in a migration; tools/sql-families explains.

-- booking_reject: awaiting_approval -> rejected with a message to the
-- artist (required); the claim triggers release the room and staff.
CREATE OR REPLACE FUNCTION public.booking_reject(p_booking uuid, p_actor uuid, p_note text, p_message text, p_effects text[])
 RETURNS text
 LANGUAGE plpgsql
AS $function$
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
END $function$;

-- booking_assign_staff: make p_staff the booking's staff (kept ones keep
-- their role, new ones are engineers). The exclusion constraint refuses a
-- staff member already on an overlapping live booking (23P01).
CREATE OR REPLACE FUNCTION public.booking_assign_staff(p_booking uuid, p_actor uuid, p_staff uuid[])
 RETURNS void
 LANGUAGE plpgsql
AS $function$
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
END $function$;

-- booking_swap_staff: p_staff_a leaves booking p_a for booking p_b and
-- p_staff_b moves the other way, in one step, so two overlapping sessions
-- can trade engineers.
CREATE OR REPLACE FUNCTION public.booking_swap_staff(p_a uuid, p_staff_a uuid, p_b uuid, p_staff_b uuid, p_actor uuid)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
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
END $function$;

-- 0008: staffing a booking asks the staff's hours. Before
-- booking_assign_staff runs, redlight assign-staff checks the staff
-- against their weekly hours, their time off and their buffers
-- (core/avail.c, avail_check_staff); Postgres still refuses anyone in two
-- places at once. An admin may set the hours aside with a reason: this
-- assigns and records the override on the audit row the assignment wrote.
CREATE OR REPLACE FUNCTION public.booking_assign_staff_override(p_booking uuid, p_actor uuid, p_staff uuid[], p_override jsonb)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF p_override->>'reason' IS NULL OR btrim(p_override->>'reason') = '' THEN
    RAISE EXCEPTION 'an override needs a reason' USING ERRCODE = 'RL400', COLUMN = 'reason';
  END IF;
  PERFORM booking_assign_staff(p_booking, p_actor, p_staff);
  UPDATE audit_log
     SET reason = p_override->>'reason',
         diff_json = diff_json || jsonb_build_object('override', p_override)
   WHERE id = currval(pg_get_serial_sequence('audit_log', 'id'));
END $function$;

-- The longest cancellation reason, in characters (the web, the CLI and the
-- console let this function's callers refuse longer ones).
CREATE OR REPLACE FUNCTION public.booking_reason_max()
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE
AS $function$ SELECT 2000 $function$;

-- booking_confirm: awaiting_approval -> confirmed as p_actor (NULL: the
-- system), with its jobs, audit row and notice; the checks of who may do
-- it are the caller's. Returns the new status.
CREATE OR REPLACE FUNCTION public.booking_confirm(p_booking uuid, p_actor uuid, p_note text, p_message text, p_effects text[], p_override jsonb)
 RETURNS text
 LANGUAGE plpgsql
AS $function$
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
END $function$;

-- booking_approve (0004): an admin's approval is booking_confirm.
CREATE OR REPLACE FUNCTION public.booking_approve(p_booking uuid, p_actor uuid, p_note text, p_message text, p_effects text[], p_override jsonb)
 RETURNS text
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF admin_actor(p_actor) <> 'admin' THEN
    RAISE EXCEPTION 'only an admin may approve bookings' USING ERRCODE = 'RL403';
  END IF;
  RETURN booking_confirm(p_booking, p_actor, p_note, p_message, p_effects, p_override);
END $function$;

-- booking_submit: turn a request (and optionally the caller's own hold)
-- into an awaiting_approval booking with its staff, its quoted lines and
-- its quote, the booking_submitted job and a change notice, in one
-- transaction, claims taken in turn (claim_lock_during). Under
-- approval_mode = 'auto' the booking is then confirmed by the system with
-- p_approve_effects (core's jobs for approve) and a system audit row.
-- p_items: [{"service_id", "name", "quantity", "unit_price_cents", "total_cents"}]
-- p_quote: {subtotal_cents, fees_cents, tax_rate_bp, taxes_cents,
--   total_cents, deposit_percent, deposit_cents, currency,
--   cancellation_tiers, reschedule_free_min_hours, reschedule_free_count,
--   reschedule_fee_cents, policy_summary} (db/quote.c builds both).
CREATE OR REPLACE FUNCTION public.booking_submit(p_user uuid, p_hold uuid, p_room uuid, p_start timestamp with time zone, p_end timestamp with time zone, p_blocked tstzrange, p_notes text, p_staff uuid[], p_items jsonb, p_quote jsonb, p_code text, p_source text, p_approve_effects text[])
 RETURNS TABLE(booking_id uuid, code text, status text)
 LANGUAGE plpgsql
AS $function$
DECLARE
  h hold%ROWTYPE;
  v_id uuid;
  v_status text := 'awaiting_approval';
BEGIN
  IF p_quote IS NULL OR jsonb_typeof(p_quote) <> 'object' THEN
    RAISE EXCEPTION 'a booking needs its quote' USING ERRCODE = 'RL400', COLUMN = 'quote';
  END IF;
  PERFORM claim_lock_during(p_room, p_staff, p_blocked);
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
END $function$;

-- booking_cancel: p_actor, acting as p_kind, cancels a live booking,
-- guarded on the status the caller evaluated the policy for, recording the
-- refund the booking's stored policy gave. An artist cancels only their
-- own bookings (anyone else's is not found) and may leave the reason out;
-- staff only the bookings they are assigned to; an admin or the system
-- any. Jobs: p_effects (core's table for cancel from p_seen_status).
CREATE OR REPLACE FUNCTION public.booking_cancel(p_booking uuid, p_actor uuid, p_kind text, p_reason text, p_seen_status text, p_refund_percent integer, p_refund_cents bigint, p_effects text[])
 RETURNS text
 LANGUAGE plpgsql
AS $function$
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
END $function$;

-- booking_move: p_actor, acting as p_kind, moves a live booking to
-- [p_start, p_end) claiming p_blocked, guarded on p_seen_status. Returns
-- the new status and times. A fee above 0 (the one the caller weighed)
-- writes its payment row and reschedule_fee job in the move's
-- transaction, so a move is never without its charge nor charged twice.
CREATE OR REPLACE FUNCTION public.booking_move(p_booking uuid, p_actor uuid, p_kind text, p_seen_status text, p_start timestamp with time zone, p_end timestamp with time zone, p_blocked tstzrange, p_fee_cents bigint, p_effects text[])
 RETURNS TABLE(status text, start_at timestamp with time zone, end_at timestamp with time zone)
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_kind text := actor_role(p_actor, p_kind);
  old booking%ROWTYPE;
  b booking%ROWTYPE;
  v_fee uuid;
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
  IF p_fee_cents > 0 THEN
    INSERT INTO payment (booking_id, purpose, seq, amount_cents, currency, capture_method, status)
    SELECT b.id, 'fee', b.reschedule_count, p_fee_cents, upper(coalesce(q.currency, s.currency)),
           'automatic', 'pending'
      FROM settings s LEFT JOIN booking_quote q ON q.booking_id = b.id WHERE s.id = 1
    RETURNING id INTO v_fee;
    INSERT INTO job (kind, payload) VALUES ('reschedule_fee',
      jsonb_build_object('booking_id', b.id, 'payment_id', v_fee));
  END IF;
  INSERT INTO audit_log (actor_user_id, action, entity, entity_id, diff_json)
  VALUES (p_actor, 'reschedule', 'booking', b.id::text,
    jsonb_build_object('code', b.code, 'start_at', jsonb_build_array(old.start_at, b.start_at),
      'end_at', jsonb_build_array(old.end_at, b.end_at), 'fee_cents', p_fee_cents, 'by', v_kind));
  PERFORM notify_change('booking', b.id::text, b.room_id, old.blocked);
  PERFORM notify_change('booking', b.id::text, b.room_id, b.blocked);
  RETURN QUERY SELECT b.status, b.start_at, b.end_at;
END $function$;

-- ---- reads: a booking as JSON with its stored quote (the API detail, my
-- bookings, the console) ----

-- booking_quote_backfill: give a booking stored before 0012 (or loaded by
-- the demo seed) the quote it never stored. Its lines were stored at
-- submission; the fee, tax, deposit and policy are TODAY'S settings, the
-- best knowledge there is of what its artist was shown, and core/quote.c's
-- rule (percentages half up to a cent, tax on subtotal plus fees). The row
-- says backfilled. A booking that has a quote keeps it.
CREATE OR REPLACE FUNCTION public.booking_quote_backfill(p_booking uuid)
 RETURNS void
 LANGUAGE sql
AS $function$
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
$function$;

-- booking_quote_json: a booking's stored quote, as the API, the console
-- and the CLI show it. NULL when it has none.
CREATE OR REPLACE FUNCTION public.booking_quote_json(p_booking uuid)
 RETURNS json
 LANGUAGE sql
 STABLE
AS $function$
  SELECT json_build_object('subtotal_cents', q.subtotal_cents, 'fees_cents', q.fees_cents,
    'tax_rate_bp', q.tax_rate_bp, 'taxes_cents', q.taxes_cents, 'total_cents', q.total_cents,
    'deposit_percent', q.deposit_percent, 'deposit_cents', q.deposit_cents,
    'currency', q.currency, 'quoted_at', json_utc(q.quoted_at), 'backfilled', q.backfilled,
    'policy', json_build_object('cancellation_tiers', q.cancellation_tiers,
      'reschedule_free_min_hours', q.reschedule_free_min_hours,
      'reschedule_free_count', q.reschedule_free_count,
      'reschedule_fee_cents', q.reschedule_fee_cents, 'summary', q.policy_summary))
    FROM booking_quote q WHERE q.booking_id = p_booking
$function$;

-- booking_json (0005): now every amount is the stored quote's; 'totals'
-- keeps its shape, 'quote' adds the rates and the policy acknowledged.
CREATE OR REPLACE FUNCTION public.booking_json(p_booking uuid)
 RETURNS json
 LANGUAGE sql
 STABLE
AS $function$
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
$function$;
