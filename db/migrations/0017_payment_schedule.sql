-- 0017: the money after the authorization (issue 12, items 4 to 7;
-- ARCHITECTURE.md, "Payments"). Three more kinds of payment row beside the
-- due-now one of 0014, each charged off-session with the card the artist
-- saved when paying it:
--
--   balance   the quote's total less its deposit, charged
--             settings.balance_charge_hours before the session: the
--             worker's sweep (payment_sweep) writes the row and its
--             balance_charge job once per confirmed booking;
--   fee       a reschedule inside the stored policy's fee window:
--             booking_move writes the row and its reschedule_fee job in
--             the reschedule's own transaction, one per charged move (seq:
--             the artist's reschedule count it was charged at);
--   due_now   re-authorized when Stripe let its authorization lapse.
--
-- payment.attempts counts the off-session tries that got Stripe's answer
-- (re-authorizations of a due-now payment; charges of a balance or a
-- fee): the next try's Idempotency-Key carries it, so a try retried after
-- a crash or a timeout is the same request (Stripe answers it again) and
-- a try after a decline is a new one. When one fails the row is flagged
-- (attention) and the artist is told once (payment_action_needed, whose
-- messages 0015's trigger writes).

-- ---- settings ----

-- Hours before the session the balance is charged; 0: never (the studio
-- takes it another way).
ALTER TABLE settings ADD COLUMN balance_charge_hours int NOT NULL DEFAULT 48
  CHECK (balance_charge_hours BETWEEN 0 AND 8784);

-- setup_settings_set (0006) knows the settings before this one: it now
-- handles balance_charge_hours and hands the others to the old one.
ALTER FUNCTION setup_settings_set(uuid, text, jsonb) RENAME TO setup_settings_set_0006;
CREATE FUNCTION setup_settings_set(p_actor uuid, p_target text, p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  k text := lower(btrim(coalesce(p_target, '')));
  v text := btrim(coalesce(p->>'value', ''));
  v_old jsonb;
  v_new jsonb;
BEGIN
  IF k <> 'balance_charge_hours' THEN
    RETURN setup_settings_set_0006(p_actor, p_target, p);
  END IF;
  PERFORM setup_admin(p_actor, 'change the settings');
  SELECT to_jsonb(s.balance_charge_hours) INTO v_old FROM settings s WHERE s.id = 1;
  UPDATE settings SET balance_charge_hours = setup_int(v, k, 0, 8784) WHERE id = 1;
  SELECT to_jsonb(s.balance_charge_hours) INTO v_new FROM settings s WHERE s.id = 1;
  PERFORM setup_audit(p_actor, 'settings_set', 'settings', k,
    jsonb_build_object('key', k, 'before', v_old, 'after', v_new));
  RETURN jsonb_build_object('message', format('%s = %s (was %s)', k, v_new, v_old)) || setup_settings_json();
END $$;

-- ---- the payment rows ----

ALTER TABLE payment DROP CONSTRAINT payment_purpose_check;
ALTER TABLE payment ADD CONSTRAINT payment_purpose_check CHECK (purpose IN ('due_now','balance','fee'));
ALTER TABLE payment DROP CONSTRAINT payment_one_per_purpose;
ALTER TABLE payment
  ADD COLUMN seq int NOT NULL DEFAULT 0 CHECK (seq >= 0),
  ADD COLUMN attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- the card the intent used (the one saved for off-session charges)
  ADD COLUMN stripe_payment_method_id text,
  -- when the artist was told a payment needs their action (once a row)
  ADD COLUMN action_needed_at timestamptz;
CREATE UNIQUE INDEX payment_one_per_purpose ON payment (booking_id, purpose) WHERE purpose <> 'fee';
CREATE UNIQUE INDEX payment_fee_once ON payment (booking_id, seq) WHERE purpose = 'fee';
CREATE INDEX payment_lapse_idx ON payment (capture_before) WHERE status = 'requires_capture';

-- payment_flag: staff must look at p_payment (p_attention, p_error); the
-- first time a row is flagged the artist is owed a "payment action
-- needed" message, enqueued here. Returns whether it was the first.
CREATE FUNCTION payment_flag(p_payment uuid, p_attention text, p_error text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  p payment%ROWTYPE;
BEGIN
  UPDATE payment SET attention = p_attention, last_error = p_error, updated_at = now(),
    action_needed_at = coalesce(action_needed_at, now())
   WHERE id = p_payment RETURNING * INTO p;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such payment' USING ERRCODE = 'RL404', COLUMN = 'payment';
  END IF;
  IF p.action_needed_at < now() THEN
    RETURN false;
  END IF;
  INSERT INTO job (kind, payload) VALUES ('payment_action_needed',
    jsonb_build_object('booking_id', p.booking_id, 'payment_id', p.id, 'purpose', p.purpose,
      'amount_cents', p.amount_cents, 'reason', p_attention));
  RETURN true;
END $$;

-- payment_sweep: the worker's periodic look at money that comes due
-- (one worker at a time; NULL when another is sweeping). A confirmed
-- booking whose session starts within balance_charge_hours, whose deposit
-- was captured and whose quote leaves a balance gets its balance row and
-- balance_charge job, once. An authorization past its capture_before
-- whose booking still wants it gets a payment_check job (unless one is
-- waiting), in case Stripe's webhook saying it lapsed never came. At most
-- p_limit of each.
CREATE FUNCTION payment_sweep(p_limit int) RETURNS TABLE (balances int, checks int)
LANGUAGE plpgsql AS $$
DECLARE
  r record;
  v_hours int;
  v_balances int := 0;
  v_checks int := 0;
  v_id uuid;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('redlight payment_sweep')) THEN
    RETURN;
  END IF;
  SELECT s.balance_charge_hours INTO v_hours FROM settings s WHERE s.id = 1;
  IF v_hours > 0 THEN
    FOR r IN
      SELECT b.id, q.total_cents - q.deposit_cents AS left_cents, upper(q.currency) AS currency
        FROM booking b JOIN booking_quote q ON q.booking_id = b.id
        JOIN payment d ON d.booking_id = b.id AND d.purpose = 'due_now' AND d.status = 'succeeded'
       WHERE b.status = 'confirmed' AND b.start_at > now()
         AND b.start_at <= now() + make_interval(hours => v_hours)
         AND q.deposit_percent > 0 AND q.total_cents > q.deposit_cents
         AND NOT EXISTS (SELECT 1 FROM payment x WHERE x.booking_id = b.id AND x.purpose = 'balance')
       ORDER BY b.start_at LIMIT p_limit
    LOOP
      INSERT INTO payment (booking_id, purpose, amount_cents, currency, capture_method, status)
      VALUES (r.id, 'balance', r.left_cents, r.currency, 'automatic', 'pending')
      ON CONFLICT (booking_id, purpose) WHERE purpose <> 'fee' DO NOTHING RETURNING id INTO v_id;
      IF v_id IS NOT NULL THEN
        INSERT INTO job (kind, payload) VALUES ('balance_charge',
          jsonb_build_object('booking_id', r.id, 'payment_id', v_id));
        v_balances := v_balances + 1;
      END IF;
    END LOOP;
  END IF;
  FOR r IN
    SELECT p.booking_id FROM payment p JOIN booking b ON b.id = p.booking_id
     WHERE p.status = 'requires_capture' AND p.capture_before <= now()
       AND b.status IN ('awaiting_approval','confirmed')
       AND NOT EXISTS (SELECT 1 FROM job j WHERE j.kind = 'payment_check'
                        AND j.status IN ('queued','running')
                        AND j.payload->>'booking_id' = p.booking_id::text)
     ORDER BY p.capture_before LIMIT p_limit
  LOOP
    INSERT INTO job (kind, payload) VALUES ('payment_check', jsonb_build_object('booking_id', r.booking_id));
    v_checks := v_checks + 1;
  END LOOP;
  RETURN QUERY SELECT v_balances, v_checks;
END $$;

-- ---- the reschedule fee ----

-- booking_move (0013), now also charging the fee the caller weighed: a
-- fee above 0 writes its payment row and reschedule_fee job in the move's
-- transaction, so a move is never without its charge nor charged twice.
CREATE OR REPLACE FUNCTION booking_move(p_booking uuid, p_actor uuid, p_kind text, p_seen_status text,
  p_start timestamptz, p_end timestamptz, p_blocked tstzrange, p_fee_cents bigint, p_effects text[])
RETURNS TABLE (status text, start_at timestamptz, end_at timestamptz) LANGUAGE plpgsql AS $$
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
END $$;

-- ---- what staff read ----

-- payment_row_json: one payment row of any purpose, as the Payments
-- screen and `redlight payments` show it: payment_json's fields (for the
-- row itself: owed is what it still asks) plus purpose, attempts and
-- action_needed_at.
CREATE FUNCTION payment_row_json(p_payment uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('payment_id', p.id, 'purpose', p.purpose, 'status', p.status,
    'amount_cents', p.amount_cents, 'authorized_cents', p.authorized_cents,
    'captured_cents', p.captured_cents,
    'refunded_cents', (SELECT coalesce(sum(r.amount_cents), 0) FROM refund r
                        WHERE r.payment_id = p.id AND r.status = 'succeeded'),
    'owed_cents', CASE WHEN p.purpose = 'due_now'
      THEN greatest(coalesce(q.total_cents, 0) - p.captured_cents, 0)
      ELSE greatest(p.amount_cents - p.captured_cents, 0) END,
    'currency', p.currency, 'stripe_payment_intent_id', p.stripe_payment_intent_id,
    'stripe_customer_id', p.stripe_customer_id, 'capture_before', json_utc(p.capture_before),
    'attention', p.attention, 'last_error', p.last_error, 'attempts', p.attempts,
    'action_needed_at', json_utc(p.action_needed_at),
    'refunds', coalesce((SELECT jsonb_agg(jsonb_build_object('id', r.id, 'amount_cents', r.amount_cents,
        'status', r.status, 'kind', r.kind, 'percent', r.percent, 'reason', r.reason,
        'stripe_refund_id', r.stripe_refund_id, 'created_at', json_utc(r.created_at)) ORDER BY r.created_at)
        FROM refund r WHERE r.payment_id = p.id), '[]'))
    FROM payment p LEFT JOIN booking_quote q ON q.booking_id = p.booking_id
   WHERE p.id = p_payment
$$;

-- payment_why: why staff must look at payment p_payment now, or NULL:
-- 'refund' (a refund pending or failed), and, while its booking is not
-- over (rejected or canceled: then nothing more is charged but a fee
-- still owed),
-- 'action_needed' (flagged: a charge or re-authorization failed, the
-- artist was told), 'failed', 'lapsing' (an authorization within 24
-- hours of capture_before), 'balance_due' (a balance or fee not charged
-- yet).
CREATE FUNCTION payment_why(p_payment uuid) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN EXISTS (SELECT 1 FROM refund r WHERE r.payment_id = p.id AND r.status IN ('pending','failed'))
      THEN 'refund'
    WHEN b.status IN ('rejected','canceled') AND (p.purpose <> 'fee' OR p.status = 'canceled') THEN NULL
    WHEN p.attention IS NOT NULL THEN 'action_needed'
    WHEN p.status = 'failed' THEN 'failed'
    WHEN p.status = 'requires_capture' AND p.capture_before < now() + interval '24 hours' THEN 'lapsing'
    WHEN p.purpose <> 'due_now' AND p.status NOT IN ('succeeded','canceled') THEN 'balance_due' END
    FROM payment p JOIN booking b ON b.id = p.booking_id WHERE p.id = p_payment
$$;
