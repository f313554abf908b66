-- db/functions/payments.sql
-- Payments: amounts paid and refunded, refunds (by policy and by an
-- admin), the payment job a stored quote enqueues, payment JSON.
--
-- The current definition of every function of this family. Applied by
-- `redlight migrate` after the migrations whenever this text changes
-- (schema_function_family records its checksum). Change functions here,
-- never in a migration; tools/sql-families explains.

-- booking_paid_cents: what the studio holds of the artist's money for a
-- booking now: captured payments less what was refunded of them (refunds
-- that failed or were canceled gave nothing back). 0 while nothing was paid.
CREATE OR REPLACE FUNCTION public.booking_paid_cents(p_booking uuid)
 RETURNS bigint
 LANGUAGE sql
 STABLE
AS $function$
  SELECT coalesce(sum(p.amount_cents), 0)
       - coalesce((SELECT sum(r.amount_cents) FROM refund r JOIN payment q ON q.id = r.payment_id
                    WHERE q.booking_id = p_booking AND q.status IN ('succeeded','partial_refunded','refunded')
                      AND r.status NOT IN ('failed','canceled')), 0)
    FROM payment p
   WHERE p.booking_id = p_booking AND p.status IN ('succeeded','partial_refunded','refunded')
$function$;

-- payment_refunded_cents: what refunds of p_payment gave back or are
-- giving back (pending ones count: their money is spoken for).
CREATE OR REPLACE FUNCTION public.payment_refunded_cents(p_payment uuid)
 RETURNS bigint
 LANGUAGE sql
 STABLE
AS $function$
  SELECT coalesce(sum(r.amount_cents), 0)::bigint FROM refund r
   WHERE r.payment_id = p_payment AND r.status IN ('pending','succeeded')
$function$;

-- refund_open: a refund of p_payment for p_amount, the one rule of what is
-- refundable (captured less refunded, under the payment's lock). A
-- 'cancel' or 'reject' refund happens once: asked again, the one there is
-- comes back. A 'manual' one (an admin's, with a reason and an audit row)
-- above what is refundable is refused naming the amount. The refund job
-- is enqueued here; the row is what the job carries to Stripe.
CREATE OR REPLACE FUNCTION public.refund_open(p_payment uuid, p_kind text, p_percent integer, p_amount bigint, p_actor uuid, p_reason text)
 RETURNS refund
 LANGUAGE plpgsql
AS $function$
DECLARE
  p payment%ROWTYPE;
  r refund%ROWTYPE;
  v_left bigint;
BEGIN
  SELECT * INTO p FROM payment WHERE id = p_payment FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such payment' USING ERRCODE = 'RL404', COLUMN = 'payment';
  END IF;
  IF p_kind IN ('cancel','reject') THEN
    SELECT * INTO r FROM refund WHERE payment_id = p_payment AND kind = p_kind;
    IF FOUND THEN
      RETURN r;
    END IF;
  END IF;
  v_left := p.captured_cents - payment_refunded_cents(p_payment);
  IF p_amount IS NULL OR p_amount <= 0 THEN
    RAISE EXCEPTION 'a refund must be more than 0' USING ERRCODE = 'RL400', COLUMN = 'amount';
  END IF;
  IF p_amount > v_left THEN
    RAISE EXCEPTION 'only % cents are refundable (% captured, % refunded)', greatest(v_left, 0),
      p.captured_cents, p.captured_cents - v_left USING ERRCODE = 'RL400', COLUMN = 'amount';
  END IF;
  INSERT INTO refund (payment_id, amount_cents, status, kind, percent, reason, actor_user_id)
  VALUES (p_payment, p_amount, 'pending', p_kind, p_percent, p_reason, p_actor) RETURNING * INTO r;
  RETURN r;
END $function$;

-- refund_by_admin: `redlight refund CODE AMOUNT --reason R` and the
-- console's refund form: an admin gives back p_amount of what a booking's
-- payments captured (its deposit, balance and reschedule fees), with one
-- audit row. The amount is taken from the captured rows newest first (a
-- fee, then the balance, then the deposit: the newest charge is the
-- furthest from the card networks' limits on refunds, and the deposit,
-- what holds the booking, goes back last), never more from a row than it
-- captured less what was refunded of it (refund_open), each row's part a
-- refund of its own with its own refund_payment job (so its own Stripe
-- call, keyed by the refund's id). Every row is locked first, so what is
-- refundable cannot change meanwhile; more than all of it is refused
-- naming the amount. Returns the refunds made, in that order.
CREATE OR REPLACE FUNCTION public.refund_by_admin(p_code text, p_actor uuid, p_amount bigint, p_reason text)
 RETURNS SETOF refund
 LANGUAGE plpgsql
AS $function$
DECLARE
  b booking%ROWTYPE;
  p payment%ROWTYPE;
  r refund%ROWTYPE;
  v_reason text := admin_text(p_reason, 'reason', booking_reason_max());
  v_rows int := 0;
  v_captured bigint := 0;
  v_open bigint := 0;
  v_left bigint := p_amount;
  v_made jsonb := '[]';
  v_first uuid;
BEGIN
  IF actor_role(p_actor, 'admin') <> 'admin' THEN
    RAISE EXCEPTION 'only an admin may refund' USING ERRCODE = 'RL403';
  END IF;
  IF v_reason IS NULL THEN
    RAISE EXCEPTION 'a refund needs a reason' USING ERRCODE = 'RL400', COLUMN = 'reason';
  END IF;
  SELECT * INTO b FROM booking WHERE code = upper(p_code);
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no booking %', p_code USING ERRCODE = 'RL404', COLUMN = 'code';
  END IF;
  FOR p IN SELECT * FROM payment WHERE booking_id = b.id ORDER BY id FOR UPDATE LOOP
    v_rows := v_rows + 1;
    v_captured := v_captured + p.captured_cents;
    v_open := v_open + greatest(p.captured_cents - payment_refunded_cents(p.id), 0);
  END LOOP;
  IF v_rows = 0 THEN
    RAISE EXCEPTION '% has no payment to refund', b.code USING ERRCODE = 'RL400', COLUMN = 'amount';
  END IF;
  IF p_amount IS NULL OR p_amount <= 0 THEN
    RAISE EXCEPTION 'a refund must be more than 0' USING ERRCODE = 'RL400', COLUMN = 'amount';
  END IF;
  IF p_amount > v_open THEN
    RAISE EXCEPTION 'only % cents are refundable (% captured, % refunded)', v_open,
      v_captured, v_captured - v_open USING ERRCODE = 'RL400', COLUMN = 'amount';
  END IF;
  FOR p IN SELECT * FROM payment WHERE booking_id = b.id AND captured_cents > 0
            ORDER BY coalesce(captured_at, updated_at) DESC, created_at DESC, seq DESC, id LOOP
    EXIT WHEN v_left <= 0;
    CONTINUE WHEN p.captured_cents - payment_refunded_cents(p.id) <= 0;
    r := refund_open(p.id, 'manual', NULL, least(v_left, p.captured_cents - payment_refunded_cents(p.id)),
      p_actor, v_reason);
    v_left := v_left - r.amount_cents;
    v_first := coalesce(v_first, r.id);
    v_made := v_made || jsonb_build_object('refund_id', r.id, 'purpose', p.purpose, 'amount_cents', r.amount_cents);
    INSERT INTO job (kind, payload) VALUES ('refund_payment',
      jsonb_build_object('booking_id', b.id, 'refund_id', r.id));
    RETURN NEXT r;
  END LOOP;
  INSERT INTO audit_log (actor_user_id, action, entity, entity_id, reason, diff_json)
  VALUES (p_actor, 'refund', 'booking', b.id::text, v_reason,
    jsonb_build_object('code', b.code, 'refund_id', v_first, 'amount_cents', p_amount, 'refunds', v_made));
  PERFORM notify_change('booking', b.id::text, b.room_id, b.blocked);
  RETURN;
END $function$;

-- A web booking asks for its money: the worker creates the PaymentIntent
-- (payment_intent job) when payments are configured, and skips the job
-- with the reason when they are not. Enqueued with the quote, in the
-- submitting transaction, so no booking is ever without its job.
CREATE OR REPLACE FUNCTION public.booking_quote_payment_job()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF (SELECT b.source FROM booking b WHERE b.id = NEW.booking_id) = 'web' THEN
    INSERT INTO job (kind, payload) VALUES ('payment_intent', jsonb_build_object('booking_id', NEW.booking_id));
  END IF;
  RETURN NULL;
END $function$;

-- payment_notify: p_booking's due-now payment got its intent or changed
-- status (db_pay_set_intent): redlightd's requests waiting for its
-- client_secret (web/paywait.h) read it again. Entity payment changes
-- nothing redlightd caches.
CREATE OR REPLACE FUNCTION public.payment_notify(p_booking uuid)
 RETURNS void
 LANGUAGE sql
AS $function$
  SELECT pg_notify('redlight_changes', json_build_object('entity', 'payment', 'id', p_booking)::text)
$function$;

-- booking_cancel_percent: the refund percent a booking's cancellation
-- recorded (its audit row; NULL when it was not canceled).
CREATE OR REPLACE FUNCTION public.booking_cancel_percent(p_booking uuid)
 RETURNS integer
 LANGUAGE sql
 STABLE
AS $function$
  SELECT (a.diff_json->>'refund_percent')::int FROM audit_log a
   WHERE a.entity = 'booking' AND a.entity_id = p_booking::text AND a.action = 'cancel'
   ORDER BY a.id DESC LIMIT 1
$function$;

-- payment_json: one booking's money for the console, the CLI and the API:
-- {payment_id, status, amount_cents, authorized_cents, captured_cents,
--  refunded_cents, owed_cents, currency, stripe_payment_intent_id,
--  stripe_customer_id, capture_before, attention, last_error,
--  refunds:[{id, amount_cents, status, kind, percent, reason,
--  stripe_refund_id, created_at}]}, or NULL with no payment. owed: what
-- the quote's total still asks once what was captured is counted.
CREATE OR REPLACE FUNCTION public.payment_json(p_booking uuid)
 RETURNS json
 LANGUAGE sql
 STABLE
AS $function$
  SELECT json_build_object('payment_id', p.id, 'status', p.status, 'amount_cents', p.amount_cents,
    'authorized_cents', p.authorized_cents, 'captured_cents', p.captured_cents,
    'refunded_cents', (SELECT coalesce(sum(r.amount_cents), 0) FROM refund r
                        WHERE r.payment_id = p.id AND r.status = 'succeeded'),
    'owed_cents', greatest(coalesce(q.total_cents, 0) - p.captured_cents, 0),
    'currency', p.currency, 'stripe_payment_intent_id', p.stripe_payment_intent_id,
    'stripe_customer_id', p.stripe_customer_id, 'capture_before', json_utc(p.capture_before),
    'attention', p.attention, 'last_error', p.last_error,
    'refunds', coalesce((SELECT json_agg(json_build_object('id', r.id, 'amount_cents', r.amount_cents,
        'status', r.status, 'kind', r.kind, 'percent', r.percent, 'reason', r.reason,
        'stripe_refund_id', r.stripe_refund_id, 'created_at', json_utc(r.created_at)) ORDER BY r.created_at)
        FROM refund r WHERE r.payment_id = p.id), '[]'))
    FROM payment p LEFT JOIN booking_quote q ON q.booking_id = p.booking_id
   WHERE p.booking_id = p_booking AND p.purpose = 'due_now'
$function$;

-- payment_flag: staff must look at p_payment (p_attention, p_error); the
-- first time a row is flagged the artist is owed a "payment action
-- needed" message, enqueued here. Returns whether it was the first.
CREATE OR REPLACE FUNCTION public.payment_flag(p_payment uuid, p_attention text, p_error text)
 RETURNS boolean
 LANGUAGE plpgsql
AS $function$
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
END $function$;

-- payment_sweep: the worker's periodic look at money that comes due
-- (one worker at a time; NULL when another is sweeping). A confirmed
-- booking whose session starts within balance_charge_hours, whose deposit
-- was captured and whose quote leaves a balance gets its balance row and
-- balance_charge job, once. An authorization past its capture_before
-- whose booking still wants it gets a payment_check job (unless one is
-- waiting), in case Stripe's webhook saying it lapsed never came. At most
-- p_limit of each.
CREATE OR REPLACE FUNCTION public.payment_sweep(p_limit integer)
 RETURNS TABLE(balances integer, checks integer)
 LANGUAGE plpgsql
AS $function$
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
END $function$;

-- payment_row_json: one payment row of any purpose, as the Payments
-- screen and `redlight payments` show it: payment_json's fields (for the
-- row itself: owed is what it still asks) plus purpose, stripe_charge_id,
-- attempts and action_needed_at.
CREATE OR REPLACE FUNCTION public.payment_row_json(p_payment uuid)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
AS $function$
  SELECT jsonb_build_object('payment_id', p.id, 'purpose', p.purpose, 'status', p.status,
    'amount_cents', p.amount_cents, 'authorized_cents', p.authorized_cents,
    'captured_cents', p.captured_cents,
    'refunded_cents', (SELECT coalesce(sum(r.amount_cents), 0) FROM refund r
                        WHERE r.payment_id = p.id AND r.status = 'succeeded'),
    'owed_cents', CASE WHEN p.purpose = 'due_now'
      THEN greatest(coalesce(q.total_cents, 0) - p.captured_cents, 0)
      ELSE greatest(p.amount_cents - p.captured_cents, 0) END,
    'currency', p.currency, 'stripe_payment_intent_id', p.stripe_payment_intent_id,
    'stripe_customer_id', p.stripe_customer_id, 'stripe_charge_id', p.stripe_charge_id,
    'capture_before', json_utc(p.capture_before),
    'attention', p.attention, 'last_error', p.last_error, 'attempts', p.attempts,
    'action_needed_at', json_utc(p.action_needed_at),
    'refunds', coalesce((SELECT jsonb_agg(jsonb_build_object('id', r.id, 'amount_cents', r.amount_cents,
        'status', r.status, 'kind', r.kind, 'percent', r.percent, 'reason', r.reason,
        'stripe_refund_id', r.stripe_refund_id, 'created_at', json_utc(r.created_at)) ORDER BY r.created_at)
        FROM refund r WHERE r.payment_id = p.id), '[]'))
    FROM payment p LEFT JOIN booking_quote q ON q.booking_id = p.booking_id
   WHERE p.id = p_payment
$function$;

-- payment_why: why staff must look at payment p_payment now, or NULL:
-- 'refund' (a refund pending or failed), and, while its booking is not
-- over (rejected or canceled: then nothing more is charged but a fee
-- still owed),
-- 'action_needed' (flagged: a charge or re-authorization failed, the
-- artist was told), 'failed', 'lapsing' (an authorization within 24
-- hours of capture_before), 'balance_due' (a balance or fee not charged
-- yet).
CREATE OR REPLACE FUNCTION public.payment_why(p_payment uuid)
 RETURNS text
 LANGUAGE sql
 STABLE
AS $function$
  SELECT CASE
    WHEN EXISTS (SELECT 1 FROM refund r WHERE r.payment_id = p.id AND r.status IN ('pending','failed'))
      THEN 'refund'
    WHEN b.status IN ('rejected','canceled') AND (p.purpose <> 'fee' OR p.status = 'canceled') THEN NULL
    WHEN p.attention IS NOT NULL THEN 'action_needed'
    WHEN p.status = 'failed' THEN 'failed'
    WHEN p.status = 'requires_capture' AND p.capture_before < now() + interval '24 hours' THEN 'lapsing'
    WHEN p.purpose <> 'due_now' AND p.status NOT IN ('succeeded','canceled') THEN 'balance_due' END
    FROM payment p JOIN booking b ON b.id = p.booking_id WHERE p.id = p_payment
$function$;

-- payment_unpaid_lapsed: web bookings still awaiting approval whose
-- due-now payment was never authorized (no payment row yet, or one still
-- asking for a card or failed, and no cents ever authorized or captured)
-- hold_ttl_min minutes after they were submitted: the worker's sweep
-- cancels each through booking_cancel as the system (db_pay_expire), so
-- the slot is free again. Only called when payments are configured. One
-- worker at a time (NULL when another is sweeping); booking_cancel's guard
-- on the status makes a second cancel of the same booking a no-op. At most
-- p_limit, oldest first.
CREATE OR REPLACE FUNCTION public.payment_unpaid_lapsed(p_limit integer)
 RETURNS TABLE(code text, ttl_min integer)
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_ttl int;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('redlight payment_sweep')) THEN
    RETURN;
  END IF;
  SELECT s.hold_ttl_min INTO v_ttl FROM settings s WHERE s.id = 1;
  RETURN QUERY
    SELECT b.code::text, v_ttl FROM booking b JOIN booking_quote q ON q.booking_id = b.id
     WHERE b.status = 'awaiting_approval' AND b.source = 'web'
       AND b.created_at <= now() - make_interval(mins => v_ttl)
       AND CASE WHEN q.deposit_percent > 0 THEN q.deposit_cents ELSE q.total_cents END > 0
       AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.booking_id = b.id AND p.purpose = 'due_now'
             AND (p.authorized_cents > 0 OR p.captured_cents > 0
               OR p.status NOT IN ('pending','requires_payment_method','requires_confirmation',
                                   'requires_action','failed')))
     ORDER BY b.created_at LIMIT p_limit;
END $function$;
