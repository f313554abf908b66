-- 0005: how a booking reads, for its artist and for staff: one JSON shape,
-- built once here, shared by GET /api/bookings/:id and GET /api/me/bookings;
-- and claims taken in turn (claim_lock and the *_locked wrappers, below).
-- Instants are RFC 3339 UTC with 'Z'; money is integer cents.

CREATE FUNCTION json_utc(t timestamptz) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

-- booking_paid_cents: what the studio holds of the artist's money for a
-- booking now: captured payments less what was refunded of them (refunds
-- that failed or were canceled gave nothing back). 0 while nothing was paid.
CREATE FUNCTION booking_paid_cents(p_booking uuid) RETURNS bigint
  LANGUAGE sql STABLE AS $$
  SELECT coalesce(sum(p.amount_cents), 0)
       - coalesce((SELECT sum(r.amount_cents) FROM refund r JOIN payment q ON q.id = r.payment_id
                    WHERE q.booking_id = p_booking AND q.status IN ('succeeded','partial_refunded','refunded')
                      AND r.status NOT IN ('failed','canceled')), 0)
    FROM payment p
   WHERE p.booking_id = p_booking AND p.status IN ('succeeded','partial_refunded','refunded')
$$;

-- booking_json: the booking as its artist and staff read it. Totals are the
-- service lines (stored at submission, never recomputed) with today's fee,
-- tax and deposit rates applied by core/quote.c's rule (half up to a cent).
CREATE FUNCTION booking_json(p_booking uuid) RETURNS json
  LANGUAGE sql STABLE AS $$
  WITH b AS (SELECT * FROM booking WHERE id = p_booking),
  sub AS (SELECT coalesce(sum(total_cents), 0)::bigint AS cents FROM booking_service WHERE booking_id = p_booking),
  t AS (SELECT sub.cents AS subtotal, s.fee_cents::bigint AS fees,
               ((sub.cents + s.fee_cents) * s.tax_rate_bp + 5000) / 10000 AS taxes,
               s.deposit_percent, s.currency
          FROM sub, settings s WHERE s.id = 1)
  SELECT json_build_object(
    'id', b.id, 'code', b.code, 'status', b.status,
    'room', json_build_object('id', r.id, 'name', r.name),
    'start_at', json_utc(b.start_at), 'end_at', json_utc(b.end_at),
    'notes', b.notes, 'source', b.source,
    'services', coalesce((SELECT json_agg(json_build_object('service_id', sv.id, 'name', sv.name,
        'is_addon', sv.is_addon, 'quantity', bs.quantity, 'unit_price_cents', bs.unit_price_cents,
        'total_cents', bs.total_cents) ORDER BY sv.is_addon, sv.name)
        FROM booking_service bs JOIN service sv ON sv.id = bs.service_id WHERE bs.booking_id = b.id), '[]'),
    'staff', coalesce((SELECT json_agg(json_build_object('id', st.id, 'name', st.display_name,
        'role', bst.role) ORDER BY st.display_name)
        FROM booking_staff bst JOIN staff st ON st.id = bst.staff_id WHERE bst.booking_id = b.id), '[]'),
    'totals', json_build_object('subtotal_cents', t.subtotal, 'fees_cents', t.fees,
        'taxes_cents', t.taxes, 'total_cents', t.subtotal + t.fees + t.taxes,
        'deposit_cents', ((t.subtotal + t.fees + t.taxes) * t.deposit_percent * 100 + 5000) / 10000,
        'currency', t.currency),
    'paid_cents', booking_paid_cents(b.id),
    'payments', coalesce((SELECT json_agg(json_build_object('id', p.id, 'amount_cents', p.amount_cents,
        'currency', p.currency, 'status', p.status, 'created_at', json_utc(p.created_at)) ORDER BY p.created_at)
        FROM payment p WHERE p.booking_id = b.id), '[]'),
    'reschedule_count', b.reschedule_count,
    'created_at', json_utc(b.created_at), 'updated_at', json_utc(b.updated_at))
  FROM b JOIN room r ON r.id = b.room_id, t
$$;

-- Claims, taken in turn. Two transactions inserting overlapping claims at
-- once each wait for the other's exclusion check, and Postgres breaks the
-- tie only after deadlock_timeout (a second), aborting one. Under a rush
-- for one slot that is a second's stall per pair and an artist told "try
-- again" instead of "taken". So the *_locked wrappers first take
-- transaction-scoped advisory locks on the room, then on each staff member
-- in uuid order (always that order, so the locks cannot deadlock), and only
-- then claim: writers of one room or one engineer queue for milliseconds
-- instead, and the exclusion constraints, still the last word, answer the
-- loser with an ordinary conflict. Readers never wait. Collisions of the
-- 32-bit hashes merely queue two unrelated writers.
CREATE FUNCTION claim_lock(p_room uuid, p_staff uuid[]) RETURNS void
  LANGUAGE plpgsql AS $$
DECLARE
  s uuid;
BEGIN
  IF p_room IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(hashtext('redlight.room'), hashtext(p_room::text));
  END IF;
  FOR s IN SELECT DISTINCT x FROM unnest(coalesce(p_staff, '{}')) AS x ORDER BY x LOOP
    PERFORM pg_advisory_xact_lock(hashtext('redlight.staff'), hashtext(s::text));
  END LOOP;
END $$;

CREATE FUNCTION hold_place_locked(p_user uuid, p_room uuid, p_start timestamptz,
  p_end timestamptz, p_blocked tstzrange, p_token text)
RETURNS TABLE (hold_id uuid, expires_at timestamptz) LANGUAGE plpgsql AS $$
BEGIN
  PERFORM claim_lock(p_room, NULL);
  RETURN QUERY SELECT * FROM hold_place(p_user, p_room, p_start, p_end, p_blocked, p_token);
END $$;

CREATE FUNCTION booking_submit_locked(p_user uuid, p_hold uuid, p_room uuid, p_start timestamptz,
  p_end timestamptz, p_blocked tstzrange, p_notes text, p_staff uuid[], p_items jsonb,
  p_code text, p_source text)
RETURNS TABLE (booking_id uuid, code text, status text) LANGUAGE plpgsql AS $$
BEGIN
  PERFORM claim_lock(p_room, p_staff);
  RETURN QUERY SELECT * FROM booking_submit(p_user, p_hold, p_room, p_start, p_end, p_blocked,
    p_notes, p_staff, p_items, p_code, p_source);
END $$;

CREATE FUNCTION booking_reschedule_locked(p_booking uuid, p_user uuid, p_start timestamptz,
  p_end timestamptz, p_blocked tstzrange, p_fee_cents int)
RETURNS TABLE (status text, start_at timestamptz, end_at timestamptz) LANGUAGE plpgsql AS $$
BEGIN
  -- a booking's room and staff do not change when it moves
  PERFORM claim_lock((SELECT b.room_id FROM booking b WHERE b.id = p_booking),
    ARRAY(SELECT s.staff_id FROM booking_staff s WHERE s.booking_id = p_booking));
  RETURN QUERY SELECT * FROM booking_reschedule(p_booking, p_user, p_start, p_end, p_blocked, p_fee_cents);
END $$;
